/* boot_args.c: the guest command line split into argv (boot_args.h). One
 * pass, no clearing: at boot buf and argv are bss, which the monitor hands
 * over zeroed, so the byte after each word is already its terminator. */
#include <stdbool.h>

#include "boot_args.h"

int hvt_split_args(const char *src, const char *name, char *buf, size_t cap, char **argv)
{
	int argc = 1;
	char *d = buf, *end = buf + cap - 1;
	bool in_word = false;

	argv[0] = (char *)name;
	if (src == NULL)
		return argc;
	for (; d < end && *src != '\0'; src++, d++) {
		char c = *src;

		if (c == ' ' || c == '\t' || c == '\n') {
			in_word = false; /* *d stays '\0': the word before ends */
		} else {
			*d = c;
			if (!in_word)
				argv[argc++] = d;
			in_word = true;
		}
	}
	return argc;
}
