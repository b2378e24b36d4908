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

int perf_pingpong(struct perf_end e, size_t size, long warmup, long rounds,
		  int64_t *samples, struct perf_run *r)
{
	/* TODO(lab11): warm up, then time each round trip.
	 *
	 *   size == 0, warmup < 0, rounds < 1, samples or r NULL -> EINVAL
	 *   buf = malloc(size); memset(buf, 'p', size);      setup: untimed
	 *   a round trip is:
	 *     perf_write_full(e.wfd, buf, size)               the whole message
	 *     n = perf_read_full(e.rfd, buf, size)            the whole reply;
	 *     n < size (EOF) -> errno = EPIPE, fail           NOT one read()
	 *   warmup round trips, untimed;
	 *   start = prev = perf_now_ns();
	 *   for i in 0 .. rounds-1: a round trip, then
	 *       now = perf_now_ns(); samples[i] = now - prev; prev = now;
	 *   *r = {t_start_ns = start, t_end_ns = prev, elapsed_ns = prev - start,
	 *         bytes = 2 * rounds * size, messages = rounds, calls = 0};
	 *   free(buf); return 0;
	 * On a failure: free(buf) keeping errno, return -1. */
	(void)e;
	(void)size;
	(void)warmup;
	(void)rounds;
	(void)samples;
	(void)r;
	errno = ENOSYS;
	return -1;
}

int perf_stream_send(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r)
{
	/* TODO(lab11): a stream, timed from the first write to the
	 * receiver's acknowledgement.
	 *
	 *   size == 0, total == 0, r NULL -> EINVAL
	 *   buf = malloc(size); memset(buf, 's', size);      setup: untimed
	 *   read the 1-byte "ready": perf_read_full(e.rfd, &c, 1) must be 1
	 *       (0: the receiver is gone -> EPIPE)           untimed
	 *   start = perf_now_ns();
	 *   while sent < total:
	 *       chunk = min(size, total - sent);
	 *       perf_write_full(e.wfd, buf, chunk); sent += chunk; messages++;
	 *   read the 1-byte acknowledgement the same way: the receiver sends
	 *       it after reading the last byte. Stopping the clock before it
	 *       measures the kernel's buffers, not the transfer;
	 *   end = perf_now_ns();
	 *   *r = {start, end, end - start, bytes = sent, messages, calls = 0};
	 *   free(buf); return 0; */
	(void)e;
	(void)size;
	(void)total;
	(void)r;
	errno = ENOSYS;
	return -1;
}

int perf_stream_recv(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r)
{
	/* TODO(lab11): the receiving side, counting what really came.
	 *
	 *   size == 0, total == 0, r NULL -> EINVAL
	 *   buf = malloc(size); *r = (struct perf_run){0};
	 *   perf_write_full(e.wfd, "R", 1)                 "ready"
	 *   while got < total:
	 *       want = min(size, total - got);
	 *       n = read(e.rfd, buf, want);
	 *       -1 with EINTR: again; -1: fail; 0: EOF early -> EPIPE, fail;
	 *       got += n;        n, the bytes that came: a read on a stream
	 *                        may return fewer than want
	 *       calls++;
	 *   r->bytes = got; r->calls = r->messages = calls;
	 *   perf_write_full(e.wfd, "A", 1)                 acknowledgement
	 *   free(buf); return 0; */
	(void)e;
	(void)size;
	(void)total;
	(void)r;
	errno = ENOSYS;
	return -1;
}
