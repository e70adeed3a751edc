/* time.h: the C time types only (C11 7.27). Read time through kiln's clocks
 * (kiln_clock_monotonic/kiln_clock_wall in <kiln/platform.h>). */
#ifndef KLIBC_TIME_H
#define KLIBC_TIME_H

#include <stddef.h>

typedef long time_t;
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

#endif
