/* report.h: error reporting for main(), and only for main().
 *
 * Library code in common/ and in the labs returns -1 and leaves errno set;
 * it never prints or exits. A program's main() is the one place that turns
 * a failure into a message and an exit status, and these helpers give every
 * program the same message shape: "prog: call: strerror". */
#ifndef COMMON_REPORT_H
#define COMMON_REPORT_H

#include <stdnoreturn.h>

/* Sets the program name used as the prefix of every message (argv[0]'s
 * basename). Call it first in main(). */
void report_init(const char *argv0);

/* Prints "prog: <formatted text>: strerror(err)" to stderr. errno is kept. */
void report_errno(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "prog: <formatted text>" to stderr. errno is kept. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports like report_errno() and exits with status. */
noreturn void die_errno(int status, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports like report() and exits with status. */
noreturn void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The symbolic name of an errno value ("ECONNREFUSED"), "0" for 0, or
 * "E?" when the value is unknown. Never NULL. */
const char *errno_name(int err);

#endif
