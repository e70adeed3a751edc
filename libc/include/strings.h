/* strings.h: case-insensitive comparison (POSIX); declared in <string.h>. */
#ifndef KLIBC_STRINGS_H
#define KLIBC_STRINGS_H
#include <string.h>
#endif
