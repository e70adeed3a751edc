/* host_platform.c: the platform calls kiln libc makes (kiln/platform.h), for its host tests:
 * the console is captured in memory; kiln_exit/kiln_abort print it and _exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kiln/platform.h>

#include "klibc.h"

char host_console[65536];
size_t host_console_len;

void kiln_console_write(const char *buf, size_t len)
{
	if (len > sizeof(host_console) - host_console_len)
		len = sizeof(host_console) - host_console_len;
	memcpy(host_console + host_console_len, buf, len);
	host_console_len += len;
}

void kiln_console_flush(void)
{
}

void kiln_exit(int status)
{
	fwrite(host_console, 1, host_console_len, stderr);
	_exit(status);
}

void kiln_abort(void)
{
	kiln_exit(255);
}
