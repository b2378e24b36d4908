/* clock.c: the one clock every measurement of the lab reads.
 *
 * CLOCK_MONOTONIC counts forward at a steady rate from an arbitrary start
 * (the boot) and is never set: an NTP correction or `date -s` moves the
 * wall clock (CLOCK_REALTIME, gettimeofday), not this one. An elapsed time
 * taken on the wall clock can therefore jump by seconds, or go negative.
 *
 * glibc answers clock_gettime() from the vDSO, a page of kernel code and
 * data mapped into every process: no system call, about 20 ns, and strace
 * never sees it. That is why reading the clock once per round trip costs
 * nothing a ping-pong of 10 us could notice. */
#include <time.h>

#include "performance.h"

int64_t perf_now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
