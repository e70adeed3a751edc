/* strdup.c: strdup and strndup (POSIX), allocating with malloc. */
#include <string.h>
#include <stdlib.h>

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *strdup(const char *s)
{
	return strndup(s, (size_t)-1);
}
