/* limits.h: integer limits for x86_64 LP64 (C11 5.2.4.2.1). Ours, because
 * gcc's limits.h chains to a system one that a freestanding build lacks. */
#ifndef KLIBC_LIMITS_H
#define KLIBC_LIMITS_H

#define CHAR_BIT 8
#define SCHAR_MIN (-128)
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define CHAR_MIN SCHAR_MIN
#define CHAR_MAX SCHAR_MAX
#define MB_LEN_MAX 1
#define SHRT_MIN (-1 - SHRT_MAX)
#define SHRT_MAX 32767
#define USHRT_MAX 65535
#define INT_MIN (-1 - INT_MAX)
#define INT_MAX 2147483647
#define UINT_MAX 4294967295U
#define LONG_MIN (-1L - LONG_MAX)
#define LONG_MAX 9223372036854775807L
#define ULONG_MAX 18446744073709551615UL
#define LLONG_MIN (-1LL - LLONG_MAX)
#define LLONG_MAX 9223372036854775807LL
#define ULLONG_MAX 18446744073709551615ULL
#define SSIZE_MAX LONG_MAX
#define PATH_MAX 4096

#endif
