/* report.c: the "prog: call: strerror" messages of main(), and errno names. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char prog_name[64] = "prog";

void report_init(const char *argv0)
{
	if (!argv0 || !*argv0)
		return;
	const char *slash = strrchr(argv0, '/');
	const char *base = slash && slash[1] ? slash + 1 : argv0;
	snprintf(prog_name, sizeof(prog_name), "%s", base);
}

/* One message on stderr; err < 0 means "no strerror part". The text is
 * formatted into one buffer first so that a single write carries the whole
 * line, and lines of concurrent processes do not interleave. */
static void vreport(int err, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", prog_name);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(line)) {
		int m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		if (m > 0)
			n += m;
	}
	if (err >= 0 && (size_t)n < sizeof(line)) {
		int m = snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
		if (m > 0)
			n += m;
	}
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr);
}

void report_errno(int err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport(err < 0 ? 0 : err, fmt, ap);
	va_end(ap);
	errno = saved;
}

void report(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport(-1, fmt, ap);
	va_end(ap);
	errno = saved;
}

void die_errno(int status, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(err < 0 ? 0 : err, fmt, ap);
	va_end(ap);
	exit(status);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(-1, fmt, ap);
	va_end(ap);
	exit(status);
}
