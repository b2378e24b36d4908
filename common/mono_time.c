/* mono_time.c: CLOCK_MONOTONIC readings, deadlines and sleeps. */
#include "mono_time.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

int64_t mono_ns(void)
{
	struct timespec ts;
	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double mono_seconds(void)
{
	return (double)mono_ns() / 1e9;
}

int64_t mono_deadline(double seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds > 1e9) /* keeps the sum far from overflow */
		seconds = 1e9;
	return mono_ns() + (int64_t)(seconds * 1e9);
}

int mono_ms_left(int64_t deadline)
{
	int64_t left = deadline - mono_ns();
	if (left <= 0)
		return 0;
	/* Rounded up: a poll() that returns 0.4 ms early would otherwise spin
	 * with a zero timeout until the deadline. */
	int64_t ms = (left + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int mono_sleep_ms(int ms)
{
	if (ms <= 0)
		return 0;
	/* An absolute wake-up time makes resuming after a signal exact. */
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	for (;;) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
		if (rc == 0)
			return 0;
		if (rc != EINTR) {
			errno = rc;
			return -1;
		}
	}
}
