/* loops.c: the two measurements, a ping-pong and a stream.
 *
 * What is timed must be the transport and nothing else. So the clock
 * starts only once the peer is known to be running (after the warm-up
 * round trips, after the receiver's "ready" byte), and it stops only when
 * the last byte has been READ by the other side (the reply came back, the
 * receiver acknowledged), never when the last write returned: a write
 * returns as soon as the kernel has queued the bytes. Every byte is
 * counted as the calls returned it, since a read on a stream may return
 * fewer bytes than it asked for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "performance.h"

/* Frees p without touching errno. */
static void free_keep_errno(void *p)
{
	int saved = errno;
	free(p);
	errno = saved;
}

/* One round trip: the whole message out, the whole reply back. Returns 0,
 * or -1 (EPIPE when the reply ended early). */
static int round_trip(struct perf_end e, char *buf, size_t size)
{
	if (perf_write_full(e.wfd, buf, size) == -1)
		return -1;
	ssize_t n = perf_read_full(e.rfd, buf, size);
	if (n == -1)
		return -1;
	if ((size_t)n < size) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

int perf_pingpong(struct perf_end e, size_t size, long warmup, long rounds,
		  int64_t *samples, struct perf_run *r)
{
	if (size == 0 || warmup < 0 || rounds < 1 || samples == NULL || r == NULL) {
		errno = EINVAL;
		return -1;
	}
	char *buf = malloc(size);
	if (buf == NULL)
		return -1;
	memset(buf, 'p', size);

	for (long i = 0; i < warmup; i++)
		if (round_trip(e, buf, size) == -1)
			goto fail;

	/* One reading per round trip: each one ends a round and starts the
	 * next, so the samples add up to the elapsed time exactly. */
	int64_t start = perf_now_ns(), prev = start;
	if (start == -1)
		goto fail;
	for (long i = 0; i < rounds; i++) {
		if (round_trip(e, buf, size) == -1)
			goto fail;
		int64_t now = perf_now_ns();
		if (now == -1)
			goto fail;
		samples[i] = now - prev;
		prev = now;
	}
	free(buf);
	*r = (struct perf_run){.t_start_ns = start, .t_end_ns = prev,
			       .elapsed_ns = prev - start,
			       .bytes = 2 * (uint64_t)rounds * size,
			       .messages = rounds};
	return 0;
fail:
	free_keep_errno(buf);
	return -1;
}

/* Reads the peer's one-byte signal (ready, or acknowledged). Returns 0,
 * or -1 (EPIPE at EOF). */
static int read_signal(int fd)
{
	char c;
	ssize_t n = perf_read_full(fd, &c, 1);
	if (n == 0)
		errno = EPIPE;
	return n == 1 ? 0 : -1;
}

int perf_stream_send(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r)
{
	if (size == 0 || total == 0 || r == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The buffer is made and touched before the clock starts: page
	 * faults are setup too. */
	char *buf = malloc(size);
	if (buf == NULL)
		return -1;
	memset(buf, 's', size);
	if (read_signal(e.rfd) == -1)
		goto fail;

	int64_t start = perf_now_ns();
	if (start == -1)
		goto fail;
	uint64_t sent = 0;
	long messages = 0;
	while (sent < total) {
		size_t chunk = total - sent < size ? (size_t)(total - sent) : size;
		if (perf_write_full(e.wfd, buf, chunk) == -1)
			goto fail;
		sent += chunk;
		messages++;
	}
	/* The bytes are queued, not yet read: wait for the receiver to say
	 * it has them all. */
	if (read_signal(e.rfd) == -1)
		goto fail;
	int64_t end = perf_now_ns();
	if (end == -1)
		goto fail;
	free(buf);
	*r = (struct perf_run){.t_start_ns = start, .t_end_ns = end,
			       .elapsed_ns = end - start, .bytes = sent,
			       .messages = messages};
	return 0;
fail:
	free_keep_errno(buf);
	return -1;
}

int perf_stream_recv(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r)
{
	if (size == 0 || total == 0 || r == NULL) {
		errno = EINVAL;
		return -1;
	}
	char *buf = malloc(size);
	if (buf == NULL)
		return -1;
	memset(buf, 0, size);
	*r = (struct perf_run){0};
	if (perf_write_full(e.wfd, "R", 1) == -1)
		goto fail;
	uint64_t got = 0;
	long calls = 0;
	while (got < total) {
		size_t want = total - got < size ? (size_t)(total - got) : size;
		ssize_t n = read(e.rfd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0) {
			errno = EPIPE;
			goto fail;
		}
		/* What came, not what was asked for. */
		got += (uint64_t)n;
		calls++;
		r->bytes = got;
		r->calls = r->messages = calls;
	}
	if (perf_write_full(e.wfd, "A", 1) == -1)
		goto fail;
	free(buf);
	return 0;
fail:
	free_keep_errno(buf);
	return -1;
}
