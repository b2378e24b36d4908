/* app_main.c: the lab 05 application program (the seed's client, fixed).
 *
 *   app PATH [--tick-ms N] [--count N] [--base-ms N] [--cap-ms N]
 *            [--jitter F] [--seed N] [--timeout-ms N] [--session S]
 *
 * Sends the seed's message to the daemon at PATH once per tick (default
 * 1000 ms, the seed's), numbered 1, 2, 3, ..., and prints one line per
 * event on stdout: connections, losses, connect attempts, ACKs. It
 * survives the daemon's death and reconnects with capped exponential
 * backoff: --base-ms (default 50), --cap-ms (default 2000), --jitter
 * (default 0.2, a fraction). --seed fixes the jitter's random sequence
 * (default: drawn from the kernel), --session the session token (default:
 * 16 random hex digits), --timeout-ms the connect and send timeout
 * (SO_SNDTIMEO, default 1000; 0: none). --count N ends the program once N
 * messages are acknowledged (default 0: never).
 *
 * Exit status: 0 after --count acknowledged messages; 1 when a connect
 * error makes retrying pointless (EACCES, EPROTOTYPE, ENAMETOOLONG, ...)
 * or on another failure; 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "reconnect.h"
#include "parse_num.h"
#include "report.h"

static noreturn void usage(void)
{
	die(2, "usage: app PATH [--tick-ms N] [--count N] [--base-ms N] "
	    "[--cap-ms N] [--jitter F] [--seed N] [--timeout-ms N] "
	    "[--session S]");
}

/* Parses a decimal in [min, max], or dies with a usage error. */
static unsigned long long parse_num(const char *opt, const char *text,
				    unsigned long long min,
				    unsigned long long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, min, max, &v) < 0)
		die(2, "%s wants a number from %llu to %llu, got \"%s\"", opt,
		    min, max, text);
	return v;
}

static double parse_fraction(const char *opt, const char *text)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v >= 0) || v >= 1)
		die(2, "%s wants a fraction in [0, 1), got \"%s\"", opt, text);
	return v;
}

/* 64 bits from the kernel's random source. */
static uint64_t random64(void)
{
	uint64_t v;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		die_errno(1, errno, "getrandom");
	return v;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct app_opts o = {
		.tick_ms = 1000, .base_ms = 50, .cap_ms = 2000, .jitter = 0.2,
		.timeout_ms = 1000, .log = stdout,
	};
	int have_seed = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-') {
			if (o.path != NULL)
				usage();
			o.path = a;
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--tick-ms") == 0)
			o.tick_ms = (unsigned)parse_num(a, v, 1, 3600000);
		else if (strcmp(a, "--count") == 0)
			o.count = (unsigned long)parse_num(a, v, 0, ULONG_MAX);
		else if (strcmp(a, "--base-ms") == 0)
			o.base_ms = (unsigned)parse_num(a, v, 1, 3600000);
		else if (strcmp(a, "--cap-ms") == 0)
			o.cap_ms = (unsigned)parse_num(a, v, 1, 3600000);
		else if (strcmp(a, "--jitter") == 0)
			o.jitter = parse_fraction(a, v);
		else if (strcmp(a, "--seed") == 0) {
			o.seed = parse_num(a, v, 0, UINT64_MAX);
			have_seed = 1;
		} else if (strcmp(a, "--timeout-ms") == 0)
			o.timeout_ms = (int)parse_num(a, v, 0, INT_MAX);
		else if (strcmp(a, "--session") == 0)
			o.session = v;
		else
			usage();
	}
	if (o.path == NULL)
		usage();
	if (o.cap_ms < o.base_ms)
		die(2, "--cap-ms (%u) must not be smaller than --base-ms (%u)",
		    o.cap_ms, o.base_ms);
	if (!have_seed)
		o.seed = random64();
	char session[RC_SESSION_MAX + 1];
	if (o.session == NULL) {
		snprintf(session, sizeof(session), "%016llx",
			 (unsigned long long)random64());
		o.session = session;
	}
	/* One line per event, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("session %s, seed %llu, tick %u ms, backoff %u..%u ms, jitter %g\n",
	       o.session, (unsigned long long)o.seed, o.tick_ms, o.base_ms,
	       o.cap_ms, o.jitter);

	if (app_run(&o) == -1) {
		int err = errno;
		if (err == ENOSYS)
			die(1, "app_run: not implemented yet (ENOSYS)");
		if (err == EINVAL)
			die(2, "bad options (is the session 1 to %d characters "
			    "of [0-9A-Za-z_-]?)", RC_SESSION_MAX);
		die_errno(1, err, "cannot connect to %s (%s): giving up, "
			  "waiting would not help", o.path, errno_name(err));
	}
	printf("all %lu messages acknowledged\n", o.count);
	return 0;
}
