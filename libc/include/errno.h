/* errno.h: error numbers (C11 7.5, values as Linux's so logs read the same).
 * errno is a plain global: a kiln appliance has one thread. */
#ifndef KLIBC_ERRNO_H
#define KLIBC_ERRNO_H

extern int errno;

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define ENOSYS 38
#define EMSGSIZE 90
#define ENOTSUP 95
#define EOPNOTSUPP 95
#define EADDRINUSE 98
#define ENETUNREACH 101
#define ECONNRESET 104
#define ENOBUFS 105
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EALREADY 114
#define EINPROGRESS 115
#define EOVERFLOW 75
#define EILSEQ 84

#endif
