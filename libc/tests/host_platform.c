/* host_platform.c: the platform calls kiln libc makes (kiln/platform.h, kiln_libc.h), for its
 * host tests: the console is captured in memory; kiln_exit/kiln_abort print it and _exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kiln/platform.h>

#include "../include/kiln_libc.h"
#include "klibc.h"

char host_console[65536];
size_t host_console_len;

/* The buffer printf formats into, as on hvt (platform/hvt/console.c), but
 * small so that the tests cross its end. */
static char console_buf[HOST_CONSOLE_BUF];
struct klibc_console klibc_console = {console_buf, 0, sizeof(console_buf)};

static void capture(const char *buf, size_t len)
{
	if (len > sizeof(host_console) - host_console_len)
		len = sizeof(host_console) - host_console_len;
	memcpy(host_console + host_console_len, buf, len);
	host_console_len += len;
}

void kiln_console_flush(void)
{
	capture(console_buf, klibc_console.len);
	klibc_console.len = 0;
}

void host_console_sync(void)
{
	kiln_console_flush();
}

void kiln_console_write(const char *buf, size_t len)
{
	kiln_console_flush(); /* what printf left in the buffer goes first */
	capture(buf, len);
}

void kiln_exit(int status)
{
	kiln_console_flush();
	fwrite(host_console, 1, host_console_len, stderr);
	_exit(status);
}

void kiln_abort(void)
{
	kiln_exit(255);
}

/* The host's clocks, for time() and clock_gettime(). */
kiln_time_t kiln_clock_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (kiln_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

kiln_time_t kiln_clock_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (kiln_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
