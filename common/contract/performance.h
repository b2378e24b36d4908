/* performance.h: lab 11's contract, measuring what the seed only claimed.
 *
 * The seed says that UNIX domain sockets are the efficient IPC on one host:
 * no protocol stack, no checksums, no acknowledgements. This lab measures
 * it. Two numbers per transport, taken the same way for each:
 *   - latency: a ping-pong of small messages, one round trip at a time,
 *     each round trip timed; reported as percentiles (p50, p99), never as
 *     a mean alone, because a few slow round trips (a wake-up on the other
 *     core, an interrupt) make the tail;
 *   - throughput: a stream of messages of one size, timed from the first
 *     write to the receiver's acknowledgement that it read the last byte;
 *     reported as bytes / elapsed time.
 * The transports: a UNIX stream socket, a UNIX seqpacket socket, TCP on
 * 127.0.0.1 with TCP_NODELAY, and a pair of pipes. memcpy() bandwidth is
 * the physical limit: every byte a socket or pipe moves is copied twice.
 *
 * Time is CLOCK_MONOTONIC, in nanoseconds. The wall clock
 * (CLOCK_REALTIME, gettimeofday) can jump while a measurement runs (NTP,
 * an administrator setting the date) and then gives elapsed times that are
 * wrong, even negative.
 *
 * Files of the lab: clock.c, stats.c, loops.c and perf_tcp_pair() in link.c
 * are yours (every function marked TODO(lab11)). Given complete: the rest
 * of link.c, io.c (full reads and writes, the echo peer), baseline.c (the
 * minimal loops the reference is compared with) and the program bench
 * (bench_main.c).
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise, closes what it opened on failure without losing
 * errno, and never prints or exits. A writer to a peer that has gone gets
 * EPIPE: the caller ignores SIGPIPE (bench does, and so do the checks). */
#ifndef CONTRACT_PERFORMANCE_H
#define CONTRACT_PERFORMANCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- clock.c -------------------------------------------------------------- */

/* The time on CLOCK_MONOTONIC in nanoseconds (tv_sec * 1000000000 +
 * tv_nsec, from clock_gettime). Only differences between two readings mean
 * something. Returns the reading (>= 0), or -1 with errno from
 * clock_gettime. */
int64_t perf_now_ns(void);

/* ---- stats.c -------------------------------------------------------------- */

/* Percentiles are given in tenths of a percent, as integers, so that no
 * floating-point rounding decides which sample is picked. */
#define PERF_P50 500
#define PERF_P90 900
#define PERF_P99 990
#define PERF_P999 999
#define PERF_P100 1000

/* The permille-th percentile of n samples sorted in ascending order, by
 * the nearest-rank method: the smallest sample such that at least
 * permille/1000 of all samples are <= it. Its 1-based rank is
 *     rank = ceil(permille * n / 1000), and at least 1,
 * computed in integers ((permille * n + 999) / 1000), so *out =
 * sorted[rank - 1]. For 1..100: p50 is 50, p99 is 99, p100 is 100, p0 is 1.
 * For 1..10: p50 is 5, p90 is 9, p99 is 10. It is always one of the
 * samples, never an interpolation or a mean.
 * Returns 0, or -1 with EINVAL when sorted or out is NULL, n is 0, or
 * permille > 1000 (*out untouched). */
int perf_percentile(const int64_t *sorted, size_t n, unsigned permille,
		    int64_t *out);

/* Summary of n latency samples (nanoseconds). */
struct perf_latency {
	size_t n;
	int64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns;
	double mean_ns; /* sum / n, as a double */
};

/* Sorts samples in ascending order IN PLACE (qsort), then fills *out: n,
 * min (first), max (last), p50, p90 and p99 with perf_percentile(), and the
 * mean. Percentiles come from the sorted samples only: the mean says
 * nothing about the tail (99 samples of 10 and one of 10000 have a mean
 * near 110 and a p99 of 10).
 * Returns 0, or -1 with EINVAL when samples or out is NULL or n is 0. */
int perf_summarize(int64_t *samples, size_t n, struct perf_latency *out);

/* Throughput: bytes moved in elapsed_ns nanoseconds, in bytes per second,
 * computed in floating point (bytes * 1e9 / elapsed_ns): 3 bytes in 7 ns
 * is 428571428.57 B/s, not 0 and not 428571428 rounded along the way.
 * Returns 0, or -1 with EINVAL when elapsed_ns <= 0 or out is NULL. */
int perf_throughput(uint64_t bytes, int64_t elapsed_ns, double *bytes_per_s);

/* ---- link.c: the transports ---------------------------------------------------- */

enum perf_transport {
	PERF_UNIX_STREAM,    /* socketpair(AF_UNIX, SOCK_STREAM) */
	PERF_UNIX_SEQPACKET, /* socketpair(AF_UNIX, SOCK_SEQPACKET) */
	PERF_TCP,            /* perf_tcp_pair(): 127.0.0.1, TCP_NODELAY */
	PERF_PIPE,           /* two pipes, one per direction */
	PERF_NTRANSPORTS
};

/* One end of a link: where it reads and where it writes. For a socket
 * both are the same descriptor; for pipes they differ. */
struct perf_end {
	int rfd;
	int wfd;
};

/* A bidirectional link between end a and end b. */
struct perf_link {
	enum perf_transport kind;
	struct perf_end a, b;
};

/* Two connected TCP sockets on 127.0.0.1, both with TCP_NODELAY set to 1
 * (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))), both
 * blocking and close-on-exec: a listener bound to 127.0.0.1 port 0 (the
 * kernel picks a free port; getsockname() tells which), listen(),
 * connect() to it, accept(), then the listener is closed. fds[0] is the
 * connecting end, fds[1] the accepted one.
 * Why TCP_NODELAY: without it, Nagle's algorithm holds a small segment back
 * while an earlier one is unacknowledged, and a ping-pong of small messages
 * measures TCP's delayed-acknowledgement timer instead of the transport.
 * Returns 0, or -1 with errno from the calls (nothing left open). */
int perf_tcp_pair(int fds[2]);

/* Opens a link of the given kind (given: calls perf_tcp_pair for
 * PERF_TCP). Returns 0, or -1 with errno (EINVAL for an unknown kind). */
int perf_link_open(enum perf_transport kind, struct perf_link *link);

/* Closes one end (its descriptors, once each), and marks it closed (-1). */
void perf_end_close(struct perf_end *end);

/* Closes both ends of a link. */
void perf_link_close(struct perf_link *link);

/* "unix-stream", "unix-seqpacket", "tcp", "pipe"; "?" for anything else. */
const char *perf_transport_name(enum perf_transport kind);

/* The transport named by text (one of the names above), or -1 (EINVAL). */
int perf_transport_parse(const char *text);

/* ---- io.c: full reads and writes, the echo peer (given) ---------------------- */

/* Writes all len bytes to fd with write(), looping over short counts and
 * EINTR. Returns len, or -1 with errno (EPIPE when the reader is gone). */
ssize_t perf_write_full(int fd, const void *buf, size_t len);

/* Reads until len bytes arrived or EOF, with read(), looping over short
 * counts and EINTR. Returns the count read (less than len only at EOF),
 * or -1 with errno. On a seqpacket socket one read() takes one message. */
ssize_t perf_read_full(int fd, void *buf, size_t len);

/* The ping-pong's other side: count times, reads a message of size bytes
 * in full on e.rfd and writes it back on e.wfd. Returns 0, or -1 with
 * errno (EPIPE when the pinger went away before count messages). */
int perf_echo(struct perf_end e, size_t size, long count);

/* ---- loops.c: the measurements ------------------------------------------------ */

/* What one measurement found. Times are perf_now_ns() readings. */
struct perf_run {
	int64_t t_start_ns;  /* when timing started */
	int64_t t_end_ns;    /* when it ended */
	int64_t elapsed_ns;  /* t_end_ns - t_start_ns */
	uint64_t bytes;      /* payload bytes counted (see each function) */
	long messages;       /* messages sent, or round trips made */
	long calls;          /* perf_stream_recv: read calls that returned data */
};

/* The pinging side of a ping-pong over end e, messages of size bytes:
 *   1. warmup untimed round trips (they wake the peer up and fault the
 *      pages in: setup, not the transport);
 *   2. t_start_ns = perf_now_ns();
 *   3. rounds timed round trips: write the whole message
 *      (perf_write_full on e.wfd), read the whole reply (perf_read_full on
 *      e.rfd: a read may return fewer bytes than asked), and store the
 *      round trip's time in samples[i], in nanoseconds, in round order;
 *   4. t_end_ns = perf_now_ns() after the last reply arrived.
 * One clock reading per round trip is enough: sample i is the reading
 * after round i minus the one before it. The samples add up to at most
 * elapsed_ns. Fills *r: the times, bytes = 2 * rounds * size (both
 * directions), messages = rounds, calls = 0. The message's content does
 * not matter (the peer echoes it).
 * Returns 0, or -1 with errno: EINVAL (size 0, warmup < 0, rounds < 1,
 * samples or r NULL); EPIPE when the peer closed before the last reply
 * (EOF in a read, or a write to a closed peer); ENOMEM; others from write()
 * and read(). */
int perf_pingpong(struct perf_end e, size_t size, long warmup, long rounds,
		  int64_t *samples, struct perf_run *r);

/* The sending side of a throughput measurement over end e:
 *   1. reads the receiver's 1-byte "ready" on e.rfd (untimed: the
 *      receiver may still be starting up);
 *   2. t_start_ns = perf_now_ns();
 *   3. writes total bytes on e.wfd as messages of size bytes (the last
 *      one shorter when total is not a multiple of size), each with
 *      perf_write_full;
 *   4. reads the receiver's 1-byte acknowledgement on e.rfd: it comes only
 *      once the receiver has read the last byte. Without it the clock would
 *      stop when the last bytes were queued in the kernel, up to a socket
 *      buffer (about 200 KiB) before they were read;
 *   5. t_end_ns = perf_now_ns().
 * Fills *r: the times, bytes = total, messages = writes made, calls = 0.
 * Returns 0, or -1 with errno: EINVAL (size 0, total 0, r NULL); EPIPE when
 * the receiver closed before its ready byte or its acknowledgement;
 * ENOMEM; others from write() and read(). */
int perf_stream_send(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r);

/* The receiving side: writes the 1-byte "ready" on e.wfd, then reads on
 * e.rfd, at most size bytes per read() and never more than what is left of
 * total, until total bytes have arrived, then writes the 1-byte
 * acknowledgement on e.wfd. A read may return fewer bytes than asked (a
 * stream keeps no message boundaries): count the bytes each read()
 * returned, never the bytes asked for.
 * Fills *r: bytes = bytes read (total on success), calls = read() calls
 * that returned data, messages = calls, times 0 (the sender times).
 * Returns 0, or -1 with errno: EINVAL (size 0, total 0, r NULL); EPIPE at
 * EOF before total bytes; ENOMEM; others from read() and write(). */
int perf_stream_recv(struct perf_end e, size_t size, uint64_t total,
		     struct perf_run *r);

/* ---- baseline.c: the yardstick (given) ----------------------------------------- */

/* The same exchanges as perf_pingpong/perf_echo and perf_stream_send/
 * perf_stream_recv, written as the smallest loops that make the same
 * system calls: clock_gettime() directly, one elapsed time for the whole
 * loop, no samples, no statistics. bench runs them beside yours; a
 * measurement that costs much more than its baseline measures itself. */
int perf_base_pingpong(struct perf_end e, size_t size, long warmup,
		       long rounds, int64_t *elapsed_ns);
int perf_base_echo(struct perf_end e, size_t size, long count);
int perf_base_stream_send(struct perf_end e, size_t size, uint64_t total,
			  int64_t *elapsed_ns);
int perf_base_stream_recv(struct perf_end e, size_t size, uint64_t total);

#endif
