/* tclient_main.c: the lab 04 client, whose every wait has a bound.
 *
 *   tclient ADDR [--rcv MS] [--snd MS] [--connect MS] [--send BYTES]
 *
 * ADDR is "/path", "@name" or "tcp:A.B.C.D:PORT". --rcv and --snd are the
 * SO_RCVTIMEO and SO_SNDTIMEO in milliseconds (default 1000 each; 0: no
 * timeout). The client:
 *   1. connects. Without --connect: connect_timed(), a blocking connect()
 *      after both timeouts are set, so SO_SNDTIMEO bounds its wait. With
 *      --connect MS: connect_with_timeout(), a non-blocking connect() and
 *      poll() for MS milliseconds, and set_timeouts() after it;
 *   2. prints the two timeouts as the kernel reports them (read back);
 *   3. with --send BYTES, sends that many bytes with send_timed();
 *   4. reads once with read_timed() and prints what came.
 * Each step prints one line on stdout: what happened (an errno name when
 * it failed), the time it took, and a band: [at once], [before the
 * timeout], [at the timeout] or [later than the timeout]. SIGUSR1 is
 * caught by a handler installed with SA_RESTART; the signals caught are
 * counted on the last line.
 *
 * Exit status: see TCLIENT_EXIT_* in timeouts.h. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mono_time.h"
#include "parse_num.h"
#include "report.h"
#include "timeouts.h"

static volatile sig_atomic_t signals_caught;

static void on_sigusr1(int sig)
{
	(void)sig;
	signals_caught++;
}

static noreturn void usage(void)
{
	die(TCLIENT_EXIT_USAGE, "usage: tclient ADDR [--rcv MS] [--snd MS] "
	    "[--connect MS] [--send BYTES]");
}

/* Parses a decimal in [0, max], or dies with a usage error. */
static long parse_num(const char *opt, const char *text, long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, 0, (unsigned long long)max, &v) < 0)
		die(TCLIENT_EXIT_USAGE, "%s wants a number from 0 to %ld, got "
		    "\"%s\"", opt, max, text);
	return (long)v;
}

/* Milliseconds since t0, a mono_ns() reading. */
static long ms_since(int64_t t0)
{
	return (long)((mono_ns() - t0) / 1000000);
}

/* Where a wait of took_ms falls against a bound of bound_ms (0: none). */
static const char *band(long took_ms, int bound_ms)
{
	if (took_ms < 50 && (bound_ms == 0 || took_ms * 2 < bound_ms))
		return "at once";
	if (bound_ms == 0)
		return "no timeout set";
	if (took_ms * 10 < (long)bound_ms * 9)
		return "before the timeout";
	if (took_ms <= (long)bound_ms * 3 / 2 + 100)
		return "at the timeout";
	return "later than the timeout";
}

/* The exit status for a failed connect(). */
static int connect_status(int err)
{
	if (err == EAGAIN || err == EINPROGRESS || err == ETIMEDOUT)
		return TCLIENT_EXIT_CONNECT_TIMEOUT;
	if (err == ENOENT || err == ECONNREFUSED)
		return TCLIENT_EXIT_CONNECT_REFUSED;
	return TCLIENT_EXIT_FAILED;
}

/* Prints up to 60 bytes of data on one line, escaping what is not
 * printable. */
static void print_data(const char *buf, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len && i < 60; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf(len > 60 ? "\"...\n" : "\"\n");
}

/* The last line, then the exit. */
static noreturn void finish(int status)
{
	if (signals_caught > 0)
		printf("signals: %d SIGUSR1 caught (handler installed with "
		       "SA_RESTART)\n", (int)signals_caught);
	if (fflush(stdout) == EOF && status == TCLIENT_EXIT_OK)
		status = TCLIENT_EXIT_FAILED;
	exit(status);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL;
	int rcv = 1000, snd = 1000, poll_ms = -1;
	long send_bytes = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rcv") == 0 && i + 1 < argc)
			rcv = (int)parse_num("--rcv", argv[++i], INT_MAX);
		else if (strcmp(argv[i], "--snd") == 0 && i + 1 < argc)
			snd = (int)parse_num("--snd", argv[++i], INT_MAX);
		else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc)
			poll_ms = (int)parse_num("--connect", argv[++i], INT_MAX);
		else if (strcmp(argv[i], "--send") == 0 && i + 1 < argc)
			send_bytes = parse_num("--send", argv[++i], 64L << 20);
		else if (argv[i][0] == '-' || addr != NULL)
			usage();
		else
			addr = argv[i];
	}
	if (addr == NULL)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct sigaction sa = {.sa_handler = on_sigusr1, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		die_errno(TCLIENT_EXIT_FAILED, errno, "sigaction(SIGUSR1)");

	/* 1. Connect. */
	int bound = poll_ms >= 0 ? poll_ms : snd;
	int64_t t0 = mono_ns();
	int fd = poll_ms >= 0 ? connect_with_timeout(addr, poll_ms)
			      : connect_timed(addr, rcv, snd);
	int err = errno;
	long took = ms_since(t0);
	if (fd == -1) {
		printf("connect: %s after %ld ms [%s] (%s)\n", errno_name(err),
		       took, band(took, bound), strerror(err));
		finish(connect_status(err));
	}
	printf("connect: ok after %ld ms [%s]\n", took, band(took, bound));
	if (poll_ms >= 0 && set_timeouts(fd, rcv, snd) == -1)
		die_errno(TCLIENT_EXIT_FAILED, errno, "set_timeouts");

	/* 2. What the kernel holds now, not what we meant to set. */
	int got_rcv, got_snd;
	if (get_timeout_ms(fd, SO_RCVTIMEO, &got_rcv) == -1 ||
	    get_timeout_ms(fd, SO_SNDTIMEO, &got_snd) == -1)
		die_errno(TCLIENT_EXIT_FAILED, errno, "get_timeout_ms");
	printf("timeouts: SO_RCVTIMEO %d ms, SO_SNDTIMEO %d ms (read back)\n",
	       got_rcv, got_snd);

	/* 3. Send, if asked. */
	if (send_bytes > 0) {
		char *data = malloc((size_t)send_bytes);
		if (data == NULL)
			die_errno(TCLIENT_EXIT_FAILED, errno, "malloc");
		memset(data, 'x', (size_t)send_bytes);
		t0 = mono_ns();
		ssize_t n = send_timed(fd, data, (size_t)send_bytes);
		err = errno;
		took = ms_since(t0);
		free(data);
		if (n == -1) {
			printf("send: %s after %ld ms [%s] (%s)\n", errno_name(err),
			       took, band(took, snd), strerror(err));
			finish(err == EAGAIN ? TCLIENT_EXIT_SEND_TIMEOUT
					     : TCLIENT_EXIT_FAILED);
		}
		if (n < send_bytes) {
			printf("send: short count, %zd of %ld bytes after %ld ms "
			       "[%s]\n", n, send_bytes, took, band(took, snd));
			finish(TCLIENT_EXIT_SEND_TIMEOUT);
		}
		printf("send: %zd bytes after %ld ms [%s]\n", n, took,
		       band(took, snd));
	}

	/* 4. Read once. */
	char buf[4096];
	t0 = mono_ns();
	ssize_t n = read_timed(fd, buf, sizeof(buf));
	err = errno;
	took = ms_since(t0);
	close(fd);
	if (n == -1) {
		printf("read: %s after %ld ms [%s] (%s)\n", errno_name(err), took,
		       band(took, rcv), strerror(err));
		finish(err == EAGAIN ? TCLIENT_EXIT_READ_TIMEOUT
				     : TCLIENT_EXIT_FAILED);
	}
	if (n == 0) {
		printf("read: EOF after %ld ms [%s]\n", took, band(took, rcv));
		finish(TCLIENT_EXIT_OK);
	}
	printf("read: %zd bytes after %ld ms [%s]: ", n, took, band(took, rcv));
	print_data(buf, (size_t)n);
	finish(TCLIENT_EXIT_OK);
}
