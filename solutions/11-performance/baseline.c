/* baseline.c: the yardstick, the smallest loops that make the same system
 * calls as the measurements (given).
 *
 * A measurement has overhead of its own: a clock reading per round trip,
 * a sample stored, a loop that checks every count. If that overhead were
 * large, the lab would measure itself rather than the transport. These
 * loops do only the calls a transfer needs (one write and one read per
 * round trip, one write per message), read the clock twice in all, and
 * keep no samples; bench runs them beside the real measurements, in turn,
 * and prints the ratio. They also cut corners the real ones must not:
 * they take any short count or EOF as a failure instead of carrying on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "performance.h"

static int64_t base_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A short count, EOF or error ends the loop: the caller reports it. */
static int exact(ssize_t n, size_t want)
{
	if (n == (ssize_t)want)
		return 1;
	if (n >= 0)
		errno = EPIPE;
	return 0;
}

int perf_base_pingpong(struct perf_end e, size_t size, long warmup,
		       long rounds, int64_t *elapsed_ns)
{
	char *buf = calloc(1, size);
	if (buf == NULL)
		return -1;
	int64_t t0 = 0;
	int ok = 1;
	for (long i = 0; ok && i < warmup + rounds; i++) {
		if (i == warmup)
			t0 = base_now();
		ok = exact(write(e.wfd, buf, size), size) &&
		     exact(read(e.rfd, buf, size), size);
	}
	*elapsed_ns = base_now() - t0;
	free(buf);
	return ok ? 0 : -1;
}

int perf_base_echo(struct perf_end e, size_t size, long count)
{
	char *buf = calloc(1, size);
	if (buf == NULL)
		return -1;
	int ok = 1;
	for (long i = 0; ok && i < count; i++)
		ok = exact(read(e.rfd, buf, size), size) &&
		     exact(write(e.wfd, buf, size), size);
	free(buf);
	return ok ? 0 : -1;
}

int perf_base_stream_send(struct perf_end e, size_t size, uint64_t total,
			  int64_t *elapsed_ns)
{
	char *buf = calloc(1, size);
	if (buf == NULL)
		return -1;
	char c;
	int ok = exact(read(e.rfd, &c, 1), 1);
	int64_t t0 = base_now();
	for (uint64_t sent = 0; ok && sent < total; sent += size) {
		size_t chunk = total - sent < size ? (size_t)(total - sent) : size;
		ok = exact(write(e.wfd, buf, chunk), chunk);
	}
	ok = ok && exact(read(e.rfd, &c, 1), 1);
	*elapsed_ns = base_now() - t0;
	free(buf);
	return ok ? 0 : -1;
}

int perf_base_stream_recv(struct perf_end e, size_t size, uint64_t total)
{
	char *buf = calloc(1, size);
	if (buf == NULL)
		return -1;
	int ok = exact(write(e.wfd, "R", 1), 1);
	uint64_t got = 0;
	while (ok && got < total) {
		size_t want = total - got < size ? (size_t)(total - got) : size;
		ssize_t n = read(e.rfd, buf, want);
		ok = n > 0;
		if (n == 0)
			errno = EPIPE;
		got += ok ? (uint64_t)n : 0;
	}
	ok = ok && exact(write(e.wfd, "A", 1), 1);
	free(buf);
	return ok ? 0 : -1;
}
