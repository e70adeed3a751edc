/* entropy.c: kiln_entropy() on the unix target: getrandom(2) (platform.h). */
#include <errno.h>
#include <sys/random.h>

#include "unix.h"

void kiln_entropy(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			kiln_abort(); /* ENOSYS: no kernel since 3.17 lacks it */
		}
		p += n;
		len -= (size_t)n;
	}
}
