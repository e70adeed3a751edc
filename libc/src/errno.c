/* errno.c: errno (a plain global: one thread) and strerror (C11 7.5, 7.24.6.2). */
#include <errno.h>
#include <string.h>

int errno;

char *strerror(int e)
{
	switch (e) {
	case 0: return "success";
	case EPERM: return "operation not permitted";
	case ENOENT: return "no such file or directory";
	case EINTR: return "interrupted";
	case EIO: return "input/output error";
	case EBADF: return "bad descriptor";
	case EAGAIN: return "try again";
	case ENOMEM: return "out of memory";
	case EACCES: return "permission denied";
	case EFAULT: return "bad address";
	case EBUSY: return "busy";
	case EEXIST: return "exists";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "no space left on device";
	case EPIPE: return "broken pipe";
	case EDOM: return "argument out of domain";
	case ERANGE: return "result out of range";
	case ENOSYS: return "not implemented";
	case EOVERFLOW: return "value too large";
	case EILSEQ: return "illegal byte sequence";
	case EMSGSIZE: return "message too long";
	case ENOTSUP: return "not supported";
	case EADDRINUSE: return "address in use";
	case ENETUNREACH: return "network unreachable";
	case ECONNRESET: return "connection reset";
	case ENOBUFS: return "no buffer space";
	case ETIMEDOUT: return "timed out";
	case ECONNREFUSED: return "connection refused";
	case EHOSTUNREACH: return "host unreachable";
	case EALREADY: return "already in progress";
	case EINPROGRESS: return "in progress";
	default: return "unknown error";
	}
}
