/* mono_time.h: monotonic time and deadlines.
 *
 * Wall-clock time jumps (NTP, a user changing the date); every timeout in
 * the labs and the tests is measured on CLOCK_MONOTONIC instead. */
#ifndef COMMON_MONO_TIME_H
#define COMMON_MONO_TIME_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t mono_ns(void);

/* Seconds on CLOCK_MONOTONIC, as a double (for messages and tolerances). */
double mono_seconds(void);

/* A deadline that many seconds from now, in mono_ns() units. */
int64_t mono_deadline(double seconds);

/* Milliseconds left until the deadline, 0 when it has passed; suited to
 * poll()'s timeout argument (capped at INT32_MAX). */
int mono_ms_left(int64_t deadline);

/* Sleeps for the given number of milliseconds, resuming after signals.
 * Returns 0, or -1 with errno set if nanosleep failed otherwise. */
int mono_sleep_ms(int ms);

#endif
