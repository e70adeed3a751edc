/* printf.c: a test guest whose output is compared between the unix target
 * (glibc's printf) and hvt (kiln libc's, which copies literal text and %s
 * strings 8 bytes a step straight into the console's buffer: docs/libc.md).
 * It prints formats and strings at every alignment, enough to cross the
 * 4 KiB console buffer's end many times, mixed with puts, fputs and putchar
 * (tests/hvt/printf.sh). */
#include <stdio.h>
#include <string.h>

#include <kiln/platform.h>

/* Each takes a prefix of the same arguments: %s %d %s %c %s %ld. */
static const char *const formats[] = {
	"Hello from kiln! (appliance %s, %d boot argument%s)\n",
	"%s|%d|%s|%c|%s|%ld\n",
	"no conversions at all, a line longer than a few words of eight bytes\n",
	"%%literal %s and %5d%-9s|%c|%.3s|%lx\n",
	"[%8s][%05d][%-7s][%3c][%s][%+ld]\n",
	"%s%d%s%c%s%ld\n",
	"tail %s",
	"\n",
	"%s",
};

static const char text[] = "an argument string longer than eight bytes, and then some more";

int kiln_main(int argc, char **argv)
{
	char fmt[128], arg[80];
	int lines = 0;

	(void)argc;
	(void)argv;
	for (int round = 0; round < 3; round++) {
		for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
			for (size_t fa = 0; fa < 8; fa++) {
				for (size_t sa = 0; sa < 8; sa++) {
					const char *s = arg + sa;
					int v = (int)(fa * 8 + sa) * (round == 1 ? -1 : 1) * (round == 2 ? 1001 : 1);

					memcpy(fmt + fa, formats[f], strlen(formats[f]) + 1);
					memcpy(arg + sa, text + f, sizeof(text) - f);
					/* Arguments past what a format takes are ignored. */
					printf(fmt + fa, s, v, s + 9, 'a' + (int)((fa + sa) % 26), s + 30,
					       (long)v * 100000);
					lines++;
				}
				/* The other output calls, between printfs. */
				if (fa % 3 == 0)
					puts(text + fa);
				if (fa % 3 == 1)
					fputs(text + fa + 20, stdout);
				putchar('\n');
			}
		}
	}
	printf("%d printf calls\n", lines);
	return 0;
}
