/* console.c: console, exit and abort on the unix target (platform.h).
 *
 * The console is the process's stdout stdio stream, not write(2): the
 * application's own printf (glibc on this target) goes to the same buffer, so
 * the two never reorder. It is line-buffered (start.c), also into a pipe or
 * a file, and flushed on yield, at exit and by the crash report (crash.c),
 * so the last line before a crash is never lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unix.h"

void kiln_console_write(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
}

void kiln_console_flush(void)
{
	fflush(stdout);
}

void kiln_exit(int status)
{
	fflush(stdout);
	/* exit(), not _exit(): sanitizer builds run their leak check at exit. */
	exit(status & 0xff);
}

void kiln_abort(void)
{
	fflush(stdout);
	_exit(255);
}
