/* console.c: console, exit and abort on the unix target (platform.h).
 *
 * The console is the process's stdout stdio stream, not write(2): the
 * application's own printf (glibc on this target) goes to the same buffer, so
 * the two never reorder. stdio buffers as hvt does (flushed on yield and at
 * exit), and line-buffers when stdout is a terminal.
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
