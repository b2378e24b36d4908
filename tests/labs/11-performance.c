/* 11-performance.c: graded checks of lab 11, performance.
 *
 * These checks grade the MEASUREMENT, never the speed: no check asks a
 * transport or an implementation to be fast. What they ask:
 *
 * unit_  calls the student's functions: perf_now_ns() against the test's
 *        own CLOCK_MONOTONIC readings taken just before and after it;
 *        percentiles and summaries of known arrays (sorted, shuffled, with
 *        a long tail); throughput on known byte counts and times;
 *        perf_tcp_pair() read back with getsockopt(); and the loops against
 *        a peer the test plays in a thread: an echo that counts what it
 *        gets, one that answers a byte at a time, one that holds chosen
 *        replies for a chosen time, a stream receiver that delays its
 *        "ready" and its acknowledgement, a sender that dribbles a few
 *        bytes at a time. The delays are the test's own, read on the same
 *        clock: a correct measurement's start and end readings must fall
 *        on the right side of them, so the checks say exactly which
 *        interval the student timed, with no threshold on speed at all;
 * box_   runs bench with small counts and reads its --kv lines: every
 *        figure present, and consistent with the others (percentiles in
 *        order, MB/s = bytes / elapsed, counts as asked, ratios as printed);
 * trace_ runs bench under strace and counts what the kernel saw: exactly
 *        warmup + rounds round trips of one write and one read of 1 byte
 *        each, TCP_NODELAY set on both TCP sockets before any data, and a
 *        stream written as messages of the asked size and read back to the
 *        last byte, with "ready" before and the acknowledgement after.
 *
 * clock_gettime() never shows in a trace: glibc answers it from the vDSO,
 * without a system call. The clock is checked by the unit checks instead.
 *
 * Determinism. A peer that answers byte by byte waits, before each next
 * byte, until the student's side has read the previous one (SIOCOUTQ of
 * the peer's socket back to 0), so that every read is short. Every wait of
 * a peer thread polls with a deadline; when the student's function is
 * still blocked once the peer's script is done (it waits for bytes that
 * will never come), the peer shuts its end down after a grace period and
 * the function gets EOF, so the check fails with a message, never by
 * hanging. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/performance.h"

/* ---- small helpers ------------------------------------------------------------- */

/* The test's own clock: CLOCK_MONOTONIC in nanoseconds. */
static int64_t now_ns(void)
{
	return mono_ns();
}

/* A wall-clock reading in nanoseconds, only to recognise one in a message. */
static int64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* What a clock reading that should be CLOCK_MONOTONIC's looks like. */
static const char *clock_hint(int64_t v)
{
	int64_t w = wall_ns();
	if (v > w - 3600LL * 1000000000 && v < w + 3600LL * 1000000000)
		return ": that is the wall clock (CLOCK_REALTIME or gettimeofday(), "
		       "nanoseconds since 1970), which NTP or `date -s` can move "
		       "while a measurement runs; use CLOCK_MONOTONIC";
	int64_t m = now_ns();
	if (v > 0 && v < m / 100 && v > m / 2000000)
		return ": about a thousand times too small (microseconds?); the "
		       "contract counts nanoseconds: tv_sec * 1000000000 + tv_nsec";
	if (v > 0 && v < m / 2000000)
		return ": far too small (milliseconds? seconds?); the contract "
		       "counts nanoseconds: tv_sec * 1000000000 + tv_nsec";
	return "";
}

static void ignore_sigpipe(void)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

/* A link the test builds itself, independent of the student's code. */
static void test_link(enum perf_transport kind, struct perf_end *student,
		      struct perf_end *peer)
{
	int sv[2], down[2], up[2];
	if (kind == PERF_PIPE) {
		cr_assert(pipe2(down, O_CLOEXEC) == 0 && pipe2(up, O_CLOEXEC) == 0,
			  "test setup: pipe2: %s", strerror(errno));
		*student = (struct perf_end){.rfd = up[0], .wfd = down[1]};
		*peer = (struct perf_end){.rfd = down[0], .wfd = up[1]};
		return;
	}
	int type = kind == PERF_UNIX_SEQPACKET ? SOCK_SEQPACKET : SOCK_STREAM;
	cr_assert(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
	*student = (struct perf_end){.rfd = sv[0], .wfd = sv[0]};
	*peer = (struct perf_end){.rfd = sv[1], .wfd = sv[1]};
}

static void close_end(struct perf_end *e)
{
	if (e->rfd >= 0)
		close(e->rfd);
	if (e->wfd >= 0 && e->wfd != e->rfd)
		close(e->wfd);
	e->rfd = e->wfd = -1;
}

/* Bytes waiting to be read on fd. */
static int queued(int fd)
{
	int n = -1;
	if (ioctl(fd, FIONREAD, &n) != 0)
		return -1;
	return n;
}

static const char *outcome(long ret, int err)
{
	static char buf[2][64];
	static int k;
	char *b = buf[k ^= 1];
	if (ret != -1)
		snprintf(b, sizeof(buf[0]), "%ld", ret);
	else
		snprintf(b, sizeof(buf[0]), "-1 %s%s", errno_name(err),
			 err == ENOSYS ? " (not implemented yet)" : "");
	return b;
}

/* ---- the test's peer, in a thread ------------------------------------------------- */

enum peer_kind {
	PEER_ECHO,     /* answers each message of size bytes with itself */
	PEER_RECEIVER, /* "ready", reads total bytes, acknowledges */
	PEER_DRIBBLER, /* waits for "ready", sends total bytes a few at a time */
};

struct peer {
	pthread_t th;
	struct perf_end end;
	enum peer_kind kind;
	/* the script */
	size_t size;          /* ECHO: message size; RECEIVER: read chunk */
	long count;           /* ECHO: messages to answer */
	long close_after;     /* ECHO: close after this many replies (-1: no) */
	int dribble;          /* ECHO: replies one byte at a time */
	long warmup;          /* ECHO: how many of the messages are warm-up */
	int delay_first_ms;   /* ECHO: hold the first reply */
	long delay_at;        /* ECHO: hold the reply to timed round delay_at */
	int delay_ms;
	uint64_t total;       /* RECEIVER, DRIBBLER: bytes of the stream */
	int ready_delay_ms;   /* RECEIVER: before "ready" */
	int ack_delay_ms;     /* RECEIVER: before the acknowledgement */
	int eof_after;        /* DRIBBLER: shut down after this many bytes (0: no) */
	/* control */
	atomic_int stop;      /* set by the check once the student returned */
	int64_t deadline;
	/* what happened */
	long msgs, replies;
	uint64_t bytes_in, bytes_out, consumed;
	long dribbles;
	int ready_seen, ack_seen, early_ack, shut_down, failed;
	uint64_t sent_at_ack;
	int64_t t_warm_last, t_d0, t_d1, t_last, t_ready, t_ack, t_all_read;
	char why[160];
};

static int peer_stopped(struct peer *p)
{
	return atomic_load(&p->stop) || mono_ms_left(p->deadline) == 0;
}

/* Waits until fd is ready for events. 1: ready; 0: stopped or deadline
 * (what is ready already is still taken after a stop). */
static int peer_wait(struct peer *p, int fd, short events)
{
	for (;;) {
		struct pollfd pf = {.fd = fd, .events = events};
		int r = poll(&pf, 1, peer_stopped(p) ? 0 : 5);
		if (r > 0)
			return 1;
		if ((r < 0 && errno != EINTR) || peer_stopped(p))
			return 0;
	}
}

/* Reads exactly len bytes, or fewer at EOF, stop or deadline. */
static size_t peer_read(struct peer *p, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len && peer_wait(p, p->end.rfd, POLLIN)) {
		ssize_t n = read(p->end.rfd, (char *)buf + done, len - done);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
		if (n > 0)
			done += (size_t)n;
	}
	p->bytes_in += done;
	return done;
}

static int peer_write(struct peer *p, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len && peer_wait(p, p->end.wfd, POLLOUT)) {
		ssize_t n = write(p->end.wfd, (const char *)buf + done, len - done);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0)
			done += (size_t)n;
	}
	p->bytes_out += done;
	return done == len ? 0 : -1;
}

/* Sleeps ms, unless stopped first. */
static void peer_sleep(struct peer *p, int ms)
{
	int64_t end = mono_deadline(ms / 1000.0);
	while (mono_ms_left(end) > 0 && !atomic_load(&p->stop))
		mono_sleep_ms(mono_ms_left(end) < 5 ? mono_ms_left(end) : 5);
}

/* Waits until everything the peer wrote has been read by the student's
 * side (its socket's SIOCOUTQ back to 0). 1: read; 2 (only with watch_in):
 * something came in while it was still unread (an early acknowledgement);
 * 0: stopped or deadline. */
static int peer_wait_consumed(struct peer *p, int watch_in)
{
	for (;;) {
		int q = -1;
		if (ioctl(p->end.wfd, SIOCOUTQ, &q) == 0 && q == 0)
			return 1;
		int stopped = peer_stopped(p);
		struct pollfd pf = {.fd = p->end.rfd, .events = POLLIN};
		if (!watch_in) {
			/* Messages coming in are expected here: only the
			 * queue counts. */
			struct timespec nap = {0, 20000};
			if (stopped)
				return 0;
			nanosleep(&nap, NULL);
			continue;
		}
		if (poll(&pf, 1, stopped ? 0 : 1) > 0) {
			/* The student may have read the byte and written at
			 * once: look at the queue again before saying "came
			 * in meanwhile". */
			if (ioctl(p->end.wfd, SIOCOUTQ, &q) == 0 && q == 0)
				return 1;
			return 2;
		}
		if (stopped)
			return 0;
	}
}

static void peer_echo(struct peer *p)
{
	char *buf = calloc(1, p->size);
	if (!buf)
		return;
	for (long i = 0; i < p->count; i++) {
		if (peer_read(p, buf, p->size) < p->size)
			break;
		p->msgs++;
		if (p->close_after >= 0 && p->replies == p->close_after)
			break;
		if (i == 0 && p->delay_first_ms > 0)
			peer_sleep(p, p->delay_first_ms);
		if (i == p->warmup + p->delay_at && p->delay_ms > 0) {
			p->t_d0 = now_ns();
			peer_sleep(p, p->delay_ms);
			p->t_d1 = now_ns();
		}
		if (i == p->warmup - 1)
			p->t_warm_last = now_ns();
		if (i == p->count - 1)
			p->t_last = now_ns();
		if (!p->dribble) {
			if (peer_write(p, buf, p->size) != 0)
				break;
			p->consumed += p->size;
		} else {
			size_t k = 0;
			for (; k < p->size; k++) {
				if (peer_write(p, buf + k, 1) != 0)
					break;
				/* The student must read this byte before the next
				 * comes: every read of the reply is short. */
				if (peer_wait_consumed(p, 0) != 1)
					break;
				p->consumed++;
			}
			if (k < p->size)
				break;
		}
		p->replies++;
	}
	free(buf);
}

static void peer_receiver(struct peer *p)
{
	char *buf = calloc(1, p->size);
	if (!buf)
		return;
	peer_sleep(p, p->ready_delay_ms);
	p->t_ready = now_ns();
	if (peer_write(p, "R", 1) != 0) {
		free(buf);
		return;
	}
	p->ready_seen = 1;
	while (p->bytes_in < p->total && peer_wait(p, p->end.rfd, POLLIN)) {
		size_t want = p->total - p->bytes_in < p->size ?
			      (size_t)(p->total - p->bytes_in) : p->size;
		ssize_t n = read(p->end.rfd, buf, want);
		if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
			break;
		if (n > 0)
			p->bytes_in += (uint64_t)n;
	}
	free(buf);
	if (p->bytes_in < p->total)
		return;
	p->t_all_read = now_ns();
	peer_sleep(p, p->ack_delay_ms);
	p->t_ack = now_ns();
	if (peer_write(p, "A", 1) == 0)
		p->ack_seen = 1;
}

static void peer_dribbler(struct peer *p)
{
	char c;
	if (peer_read(p, &c, 1) != 1)
		return;
	p->bytes_in = 0;
	p->ready_seen = 1;
	static const char data[] = "0123456789abcdefghijklmnopqrstuv";
	uint64_t sent = 0;
	for (size_t piece = 1; sent < p->total; piece = piece % 7 + 1) {
		if (p->eof_after > 0 && sent >= (uint64_t)p->eof_after) {
			shutdown(p->end.wfd, SHUT_WR);
			break;
		}
		size_t k = p->total - sent < piece ? (size_t)(p->total - sent) : piece;
		if (peer_write(p, data + sent % 16, k) != 0)
			return;
		sent += k;
		p->dribbles++;
		int w = peer_wait_consumed(p, 1);
		if (w == 0)
			return;
		if (w == 2) {
			/* The acknowledgement came before the stream ended. */
			if (read(p->end.rfd, &c, 1) == 1) {
				p->early_ack = 1;
				p->sent_at_ack = sent;
			}
			return;
		}
		p->consumed = sent;
	}
	if (p->eof_after > 0)
		return;
	if (peer_read(p, &c, 1) == 1) {
		p->ack_seen = 1;
		p->sent_at_ack = sent;
	}
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	if (p->kind == PEER_ECHO)
		peer_echo(p);
	else if (p->kind == PEER_RECEIVER)
		peer_receiver(p);
	else
		peer_dribbler(p);
	/* The script is done. A student's function still blocked now waits
	 * for bytes that will never come: after a grace period, shut the
	 * test's end down so that it gets EOF (or EPIPE) and returns. */
	int64_t grace = mono_deadline(1.5);
	while (!atomic_load(&p->stop) && mono_ms_left(grace) > 0)
		mono_sleep_ms(2);
	if (!atomic_load(&p->stop)) {
		p->shut_down = 1;
		if (p->end.rfd == p->end.wfd) {
			shutdown(p->end.rfd, SHUT_RDWR);
		} else {
			close(p->end.wfd);
			p->end.wfd = -1;
		}
	}
	return NULL;
}

static void peer_start(struct peer *p)
{
	atomic_store(&p->stop, 0);
	p->deadline = mono_deadline(5.0);
	cr_assert(pthread_create(&p->th, NULL, peer_main, p) == 0,
		  "test setup: could not start the peer thread");
}

/* ---- unit checks: the clock ---------------------------------------------------------- */

CHECK(lab11, unit_clock_monotonic, 2,
      "perf_now_ns reads CLOCK_MONOTONIC in nanoseconds")
{
	int64_t before = now_ns();
	int64_t got = perf_now_ns();
	int e = errno;
	int64_t after = now_ns();
	check_ok(got, e, "perf_now_ns()");
	cr_assert(got >= before && got <= after, "perf_now_ns() gave %lld, "
		  "but CLOCK_MONOTONIC read %lld just before and %lld just after "
		  "the call%s", (long long)got, (long long)before,
		  (long long)after, clock_hint(got));

	/* A delay the test makes, measured by the student's clock. */
	int64_t t0 = perf_now_ns();
	mono_sleep_ms(60);
	int64_t t1 = perf_now_ns();
	double took = (double)(t1 - t0) / 1e9;
	cr_assert(took >= 0.059 && took < 2.0, "the test slept 60 ms between "
		  "two calls of perf_now_ns(), which gave %lld and %lld: a "
		  "difference of %lld, i.e. %.6f s if those are nanoseconds",
		  (long long)t0, (long long)t1, (long long)(t1 - t0), took);
}

/* ---- unit checks: statistics ------------------------------------------------------------ */

/* The expected percentile by nearest rank, and a word on a wrong one. */
static int64_t nearest_rank(const int64_t *s, size_t n, unsigned pm)
{
	uint64_t rank = ((uint64_t)pm * n + 999) / 1000;
	return s[(rank ? rank : 1) - 1];
}

static const char *percentile_hint(const int64_t *s, size_t n, unsigned pm,
				   int64_t got)
{
	uint64_t rank = ((uint64_t)pm * n + 999) / 1000;
	if (rank == 0)
		rank = 1;
	int in = 0;
	for (size_t i = 0; i < n; i++)
		in |= s[i] == got;
	if (!in)
		return ": that is not one of the samples. Nearest rank picks a "
		       "sample (sorted[rank - 1]); it neither interpolates nor "
		       "averages";
	if (rank < n && got == s[rank] && got != s[rank - 1])
		return ": one rank too far. Ranks count from 1, indexes from 0: "
		       "the value is sorted[rank - 1]";
	if (rank >= 2 && got == s[rank - 2] && got != s[rank - 1])
		return ": one rank too low. The rank is ceil(permille * n / "
		       "1000): round UP, in integers ((permille * n + 999) / 1000)";
	return "";
}

static void expect_percentile(const int64_t *s, size_t n, unsigned pm,
			      const char *what)
{
	int64_t got = -12345;
	int r = perf_percentile(s, n, pm, &got);
	int e = errno;
	char call[96];
	snprintf(call, sizeof(call), "perf_percentile(%s, n=%zu, %u)", what, n, pm);
	check_ok(r, e, call);
	int64_t want = nearest_rank(s, n, pm);
	cr_assert(got == want, "%s gave %lld; expected %lld (the p%g: rank "
		  "ceil(%u * %zu / 1000) = %llu)%s", call, (long long)got,
		  (long long)want, pm / 10.0, pm, n,
		  (unsigned long long)(((uint64_t)pm * n + 999) / 1000),
		  percentile_hint(s, n, pm, got));
}

CHECK(lab11, unit_percentile, 2,
      "perf_percentile: nearest rank on sorted arrays (1..100, 1..10, ties)")
{
	int64_t a[100], b[10], one[1] = {42}, seven[7], ties[4] = {5, 5, 5, 9};
	for (int i = 0; i < 100; i++)
		a[i] = i + 1;
	for (int i = 0; i < 10; i++)
		b[i] = i + 1;
	for (int i = 0; i < 7; i++)
		seven[i] = 10 * (i + 1);
	static const unsigned pms[] = {0, 10, 100, 110, 500, 750, 760, 900,
				       990, 999, 1000};
	for (size_t k = 0; k < sizeof(pms) / sizeof(pms[0]); k++) {
		expect_percentile(a, 100, pms[k], "1..100");
		expect_percentile(b, 10, pms[k], "1..10");
		expect_percentile(one, 1, pms[k], "{42}");
		expect_percentile(seven, 7, pms[k], "{10,20,...,70}");
		expect_percentile(ties, 4, pms[k], "{5,5,5,9}");
	}
	for (int i = 0; i < 100; i++)
		cr_assert(a[i] == i + 1, "perf_percentile changed the samples it "
			  "was given (sorted[%d] is now %lld): it only reads them",
			  i, (long long)a[i]);

	int64_t out = 77;
	int r = perf_percentile(a, 0, 500, &out);
	int e = errno;
	check_errno(r, e, EINVAL, "perf_percentile with n = 0");
	r = perf_percentile(a, 100, 1001, &out);
	e = errno;
	check_errno(r, e, EINVAL, "perf_percentile with permille 1001 (above p100)");
	r = perf_percentile(NULL, 100, 500, &out);
	e = errno;
	check_errno(r, e, EINVAL, "perf_percentile with sorted NULL");
	r = perf_percentile(a, 100, 500, NULL);
	e = errno;
	check_errno(r, e, EINVAL, "perf_percentile with out NULL");
	cr_assert(out == 77, "a refused perf_percentile call wrote %lld into "
		  "*out; leave it untouched", (long long)out);
}

/* A fixed shuffle (a linear congruential generator): the same order in
 * every run, far from sorted. */
static void shuffle(int64_t *v, size_t n, uint32_t seed)
{
	for (size_t i = n - 1; i > 0; i--) {
		seed = seed * 1103515245u + 12345u;
		size_t j = (seed >> 8) % (i + 1);
		int64_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void expect_summary(int64_t *v, size_t n, const char *what,
			   int64_t min, int64_t p50, int64_t p90, int64_t p99,
			   int64_t max, double mean)
{
	struct perf_latency s;
	memset(&s, 0xab, sizeof(s));
	int r = perf_summarize(v, n, &s);
	int e = errno;
	char call[96];
	snprintf(call, sizeof(call), "perf_summarize(%s)", what);
	check_ok(r, e, call);
	for (size_t i = 1; i < n; i++)
		cr_assert(v[i - 1] <= v[i], "after %s the samples are not in "
			  "ascending order (sample %zu is %lld, sample %zu is %lld): "
			  "sort them in place (qsort) before reading percentiles "
			  "off them; percentiles of unsorted samples are just "
			  "whichever sample happens to sit at that index", call,
			  i - 1, (long long)v[i - 1], i, (long long)v[i]);
	const char *hint = "";
	if (s.p99_ns != p99 && fabs((double)s.p99_ns - mean) < fabs((double)p99 - mean))
		hint = ". p99 is a sample read off the sorted samples (nearest "
		       "rank), not something computed from the mean: a latency "
		       "distribution has a long tail, and the mean says nothing "
		       "about it";
	cr_assert(s.n == n && s.min_ns == min && s.p50_ns == p50 &&
		  s.p90_ns == p90 && s.p99_ns == p99 && s.max_ns == max &&
		  fabs(s.mean_ns - mean) < 1e-6 * (mean > 1 ? mean : 1),
		  "%s gave n=%zu min=%lld p50=%lld p90=%lld p99=%lld max=%lld "
		  "mean=%.3f; expected n=%zu min=%lld p50=%lld p90=%lld p99=%lld "
		  "max=%lld mean=%.3f%s", call, s.n, (long long)s.min_ns,
		  (long long)s.p50_ns, (long long)s.p90_ns, (long long)s.p99_ns,
		  (long long)s.max_ns, s.mean_ns, n, (long long)min,
		  (long long)p50, (long long)p90, (long long)p99, (long long)max,
		  mean, hint);
}

CHECK(lab11, unit_summarize, 2,
      "perf_summarize sorts shuffled samples; p99 of a long tail is a sample, not the mean")
{
	int64_t v[100];
	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	shuffle(v, 100, 11);
	expect_summary(v, 100, "1..100 shuffled", 1, 50, 90, 99, 100, 50.5);

	/* 99 round trips of 10 us and one of 10 ms: the typical one and the
	 * tail differ a thousand times, the mean is near neither. */
	int64_t tail[100];
	for (int i = 0; i < 100; i++)
		tail[i] = 10000;
	tail[37] = 10000000;
	expect_summary(tail, 100, "99 x 10000 and one 10000000", 10000, 10000,
		       10000, 10000, 10000000, 109900.0);

	/* 1000 samples: p99 is the 990th, p99.9 would be the 999th. */
	int64_t *big = calloc(1000, sizeof(int64_t));
	cr_assert(big, "test setup: calloc");
	for (int i = 0; i < 1000; i++)
		big[i] = 3 * (i + 1);
	shuffle(big, 1000, 7);
	expect_summary(big, 1000, "3, 6, ..., 3000 shuffled", 3, 1500, 2700,
		       2970, 3000, 1501.5);
	free(big);

	int64_t single[1] = {777};
	expect_summary(single, 1, "{777}", 777, 777, 777, 777, 777, 777.0);

	struct perf_latency s;
	int r = perf_summarize(v, 0, &s);
	int e = errno;
	check_errno(r, e, EINVAL, "perf_summarize with n = 0");
	r = perf_summarize(NULL, 3, &s);
	e = errno;
	check_errno(r, e, EINVAL, "perf_summarize with samples NULL");
}

CHECK(lab11, unit_throughput, 1,
      "perf_throughput: bytes * 1e9 / elapsed_ns, in floating point")
{
	struct {
		uint64_t bytes;
		int64_t ns;
		double want;
	} cases[] = {
		{1000000000, 1000000000, 1e9},
		{3, 7, 3e9 / 7},
		{1000, 500000, 2e6},
		{64u << 20, 12800000, (double)(64u << 20) * 1e9 / 12800000},
		{1ull << 40, 3000000000LL, (double)(1ull << 40) / 3.0},
		{0, 5, 0},
		{1, 1, 1e9},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		double got = -1;
		int r = perf_throughput(cases[k].bytes, cases[k].ns, &got);
		int e = errno;
		char call[96];
		snprintf(call, sizeof(call), "perf_throughput(%llu bytes, %lld ns)",
			 (unsigned long long)cases[k].bytes, (long long)cases[k].ns);
		check_ok(r, e, call);
		double want = cases[k].want;
		const char *hint = "";
		if (want > 0 && fabs(got * 1e9 - want) <= 1e-6 * want)
			hint = ": bytes per NANOsecond; a second has 1e9 of them";
		else if (want > 0 && fabs(got * 1e6 - want) <= 1e-6 * want)
			hint = ": bytes per millisecond? the result is per second";
		else if (want > 0 && fabs(got - floor(want)) < 1e-9 && want != floor(want))
			hint = ": the fraction was lost; compute in double from the start";
		else if (want > 0 && got != want && fabs(got - want) > 1e-9 * want)
			hint = ": integer division somewhere? convert to double "
			       "before dividing";
		cr_assert(fabs(got - want) <= 1e-9 * (want > 1 ? want : 1),
			  "%s gave %.6f B/s; expected %.6f%s", call, got, want, hint);
	}
	double out = 5;
	int r = perf_throughput(100, 0, &out);
	int e = errno;
	check_errno(r, e, EINVAL, "perf_throughput with elapsed_ns = 0");
	r = perf_throughput(100, -5, &out);
	e = errno;
	check_errno(r, e, EINVAL, "perf_throughput with elapsed_ns = -5 (a "
		    "clock that went backwards)");
	r = perf_throughput(100, 5, NULL);
	e = errno;
	check_errno(r, e, EINVAL, "perf_throughput with bytes_per_s NULL");
}

/* ---- unit checks: the TCP pair ----------------------------------------------------------- */

static int sockopt(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, opt, &v, &len) != 0)
		return -1;
	return v;
}

CHECK(lab11, unit_tcp_pair, 1,
      "perf_tcp_pair: two connected TCP sockets on 127.0.0.1, TCP_NODELAY on both")
{
	ignore_sigpipe();
	int before = h_count_fds(0);
	int fds[2] = {-1, -1};
	int r = perf_tcp_pair(fds);
	int e = errno;
	check_ok(r, e, "perf_tcp_pair");
	for (int k = 0; k < 2; k++)
		cr_assert(sockopt(fds[k], SOL_SOCKET, SO_DOMAIN) == AF_INET &&
			  sockopt(fds[k], SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
			  "fds[%d] = %d is not a TCP socket (AF_INET, SOCK_STREAM)",
			  k, fds[k]);
	struct sockaddr_in a0, p1;
	socklen_t l0 = sizeof(a0), l1 = sizeof(p1);
	cr_assert(getsockname(fds[0], (struct sockaddr *)&a0, &l0) == 0 &&
		  getpeername(fds[1], (struct sockaddr *)&p1, &l1) == 0 &&
		  a0.sin_port == p1.sin_port &&
		  ntohl(a0.sin_addr.s_addr) == INADDR_LOOPBACK,
		  "fds[0] and fds[1] are not the two ends of one connection on "
		  "127.0.0.1 (getsockname(fds[0]) and getpeername(fds[1]) differ)");
	const char *which[] = {"fds[0] (the connecting socket)",
			       "fds[1] (the accepted socket)"};
	for (int k = 0; k < 2; k++) {
		int nd = sockopt(fds[k], IPPROTO_TCP, TCP_NODELAY);
		cr_assert(nd == 1, "TCP_NODELAY on %s reads back %d; expected 1. "
			  "Without it Nagle's algorithm holds a small write back "
			  "while an earlier one is unacknowledged, and a ping-pong "
			  "measures TCP's delayed-ACK timer. Set it on BOTH sockets: "
			  "each one's writes are held by its own option", which[k], nd);
		int fl = fcntl(fds[k], F_GETFL);
		cr_assert(fl != -1 && !(fl & O_NONBLOCK), "%s is non-blocking; "
			  "expected an ordinary blocking socket", which[k]);
		cr_assert(fcntl(fds[k], F_GETFD) & FD_CLOEXEC, "%s is not "
			  "close-on-exec (SOCK_CLOEXEC)", which[k]);
	}
	int after = h_count_fds(0);
	cr_assert(after == before + 2, "perf_tcp_pair left %d descriptors open "
		  "(before: %d, after: %d); expected exactly the 2 it returned: "
		  "close the listener once the connection is accepted",
		  after - before, before, after);
	char c = 0;
	cr_assert(write(fds[0], "x", 1) == 1 && read(fds[1], &c, 1) == 1 &&
		  c == 'x' && write(fds[1], "y", 1) == 1 &&
		  read(fds[0], &c, 1) == 1 && c == 'y',
		  "a byte did not go across the pair both ways");
	close(fds[0]);
	close(fds[1]);
}

/* ---- unit checks: the ping-pong --------------------------------------------------------------- */

/* Runs perf_pingpong on the student's end against peer p. */
static int run_pingpong(struct peer *p, struct perf_end student, size_t size,
			long warmup, long rounds, int64_t *samples,
			struct perf_run *r, int *err)
{
	memset(r, 0, sizeof(*r));
	peer_start(p);
	int rc = perf_pingpong(student, size, warmup, rounds, samples, r);
	*err = errno;
	atomic_store(&p->stop, 1);
	pthread_join(p->th, NULL);
	return rc;
}

static void echo_case(enum perf_transport kind, size_t size, long warmup,
		      long rounds)
{
	struct perf_end st;
	struct peer p = {.kind = PEER_ECHO, .size = size, .count = warmup + rounds,
			 .close_after = -1, .warmup = warmup};
	test_link(kind, &st, &p.end);
	int64_t *samples = calloc((size_t)rounds, sizeof(int64_t));
	cr_assert(samples, "test setup: calloc");
	struct perf_run r;
	int e;
	int rc = run_pingpong(&p, st, size, warmup, rounds, samples, &r, &e);
	char what[128];
	snprintf(what, sizeof(what), "perf_pingpong over %s, %zu-byte messages, "
		 "%ld warm-up + %ld timed", perf_transport_name(kind), size,
		 warmup, rounds);
	cr_assert(!p.shut_down, "%s never returned until the test closed its "
		  "end (the peer had answered %ld of %ld messages); it returned %s",
		  what, p.replies, warmup + rounds, outcome(rc, e));
	check_ok(rc, e, what);
	cr_assert(p.msgs == warmup + rounds && p.bytes_in == (uint64_t)(warmup + rounds) * size,
		  "%s: the peer received %ld messages, %llu bytes; expected %ld "
		  "messages of %zu bytes (%llu bytes): one whole message per "
		  "round trip, warm-up included", what, p.msgs,
		  (unsigned long long)p.bytes_in, warmup + rounds, size,
		  (unsigned long long)((warmup + rounds) * size));
	cr_assert(queued(st.rfd) == 0, "%s returned with %d reply bytes still "
		  "unread on its end: read each whole reply", what, queued(st.rfd));
	cr_assert(r.messages == rounds && r.bytes == 2 * (uint64_t)rounds * size &&
		  r.calls == 0, "%s filled messages=%ld bytes=%llu calls=%ld; "
		  "expected messages=%ld (the timed round trips), bytes=%llu "
		  "(2 x rounds x size: both directions, warm-up not counted), "
		  "calls=0", what, r.messages, (unsigned long long)r.bytes,
		  r.calls, rounds, (unsigned long long)(2 * (uint64_t)rounds * size));
	int64_t sum = 0;
	for (long i = 0; i < rounds; i++) {
		cr_assert(samples[i] > 0, "%s: samples[%ld] is %lld; every round "
			  "trip takes some time (store one per timed round, in "
			  "order, in nanoseconds)", what, i, (long long)samples[i]);
		sum += samples[i];
	}
	cr_assert(r.elapsed_ns == r.t_end_ns - r.t_start_ns && sum <= r.elapsed_ns,
		  "%s: elapsed_ns=%lld, t_end_ns - t_start_ns = %lld, the samples "
		  "add up to %lld; expected elapsed_ns = t_end_ns - t_start_ns, "
		  "and the samples (parts of it) to add up to no more than it",
		  what, (long long)r.elapsed_ns,
		  (long long)(r.t_end_ns - r.t_start_ns), (long long)sum);
	free(samples);
	close_end(&st);
	close_end(&p.end);
}

CHECK(lab11, unit_pingpong_rounds, 2,
      "perf_pingpong: warm-up + rounds whole messages, one sample each, over socket and pipes")
{
	ignore_sigpipe();
	echo_case(PERF_UNIX_STREAM, 1, 3, 20);
	echo_case(PERF_PIPE, 100, 1, 5);
	echo_case(PERF_UNIX_SEQPACKET, 1000, 2, 5);

	/* A peer that answers 5 of 10 messages and then closes. */
	struct perf_end st;
	struct peer p = {.kind = PEER_ECHO, .size = 1, .count = 10,
			 .close_after = 5};
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	int64_t samples[10];
	struct perf_run r;
	peer_start(&p);
	/* The peer closes its end as soon as it has answered 5. */
	int rc = perf_pingpong(st, 1, 0, 10, samples, &r);
	int e = errno;
	atomic_store(&p.stop, 1);
	pthread_join(p.th, NULL);
	close_end(&p.end);
	check_errno(rc, e, EPIPE, "perf_pingpong with a peer that closes after 5 "
		    "of 10 replies (EOF in the read of reply 6, or EPIPE in the "
		    "write of message 7)");
	close_end(&st);

	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	struct perf_end x = {sv[0], sv[0]};
	rc = perf_pingpong(x, 1, 0, 0, samples, &r);
	e = errno;
	check_errno(rc, e, EINVAL, "perf_pingpong with rounds = 0");
	rc = perf_pingpong(x, 0, 0, 5, samples, &r);
	e = errno;
	check_errno(rc, e, EINVAL, "perf_pingpong with size = 0");
	rc = perf_pingpong(x, 1, 0, 5, NULL, &r);
	e = errno;
	check_errno(rc, e, EINVAL, "perf_pingpong with samples NULL");
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab11, unit_pingpong_dribble, 2,
      "perf_pingpong reads each whole reply when it comes one byte at a time")
{
	ignore_sigpipe();
	const size_t size = 16;
	const long warmup = 2, rounds = 8;
	struct perf_end st;
	struct peer p = {.kind = PEER_ECHO, .size = size, .count = warmup + rounds,
			 .close_after = -1, .warmup = warmup, .dribble = 1};
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	int64_t samples[8];
	struct perf_run r;
	int e;
	int rc = run_pingpong(&p, st, size, warmup, rounds, samples, &r, &e);
	uint64_t want = (uint64_t)(warmup + rounds) * size;
	cr_assert(!p.shut_down, "perf_pingpong (16-byte messages, replies sent "
		  "one byte at a time) never returned until the test closed its "
		  "end; it returned %s", outcome(rc, e));
	check_ok(rc, e, "perf_pingpong against a peer that answers one byte at "
		 "a time");
	cr_assert(p.consumed == want && p.replies == warmup + rounds,
		  "perf_pingpong returned after its %ld round trips, but it had "
		  "read only %llu of the %llu reply bytes (the peer had answered "
		  "%ld of %ld messages in full). The reply came one byte at a "
		  "time, so each read() returned 1 byte: a read returns what has "
		  "arrived so far, not the whole message. Read until the whole "
		  "reply is in (perf_read_full) before the next round trip",
		  warmup + rounds, (unsigned long long)p.consumed,
		  (unsigned long long)want, p.replies, warmup + rounds);
	cr_assert(queued(st.rfd) == 0 && p.msgs == warmup + rounds &&
		  p.bytes_in == want, "perf_pingpong: the peer received %ld "
		  "messages (%llu bytes), %d bytes are left unread; expected %ld "
		  "messages of %zu bytes and nothing left", p.msgs,
		  (unsigned long long)p.bytes_in, queued(st.rfd), warmup + rounds,
		  size);
	cr_assert(r.bytes == 2 * (uint64_t)rounds * size && r.messages == rounds,
		  "perf_pingpong counted bytes=%llu messages=%ld; expected "
		  "bytes=%llu messages=%ld", (unsigned long long)r.bytes,
		  r.messages, (unsigned long long)(2 * (uint64_t)rounds * size),
		  rounds);
	close_end(&st);
	close_end(&p.end);
}

CHECK(lab11, unit_pingpong_timing, 2,
      "perf_pingpong times the rounds only: a held reply is in its sample, the warm-up is not")
{
	ignore_sigpipe();
	const long warmup = 2, rounds = 10, held = 4;
	struct perf_end st;
	struct peer p = {.kind = PEER_ECHO, .size = 1, .count = warmup + rounds,
			 .close_after = -1, .warmup = warmup,
			 .delay_first_ms = 300, .delay_at = held, .delay_ms = 200};
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	int64_t samples[10];
	struct perf_run r;
	int e;
	int rc = run_pingpong(&p, st, 1, warmup, rounds, samples, &r, &e);
	int64_t back = now_ns();
	check_ok(rc, e, "perf_pingpong (2 warm-up + 10 timed round trips)");
	cr_assert(p.replies == warmup + rounds, "the peer answered %ld of %ld "
		  "messages", p.replies, warmup + rounds);

	const char *h = clock_hint(r.t_start_ns);
	cr_assert(!*h && !*clock_hint(r.t_end_ns), "perf_pingpong's t_start_ns "
		  "= %lld, t_end_ns = %lld%s", (long long)r.t_start_ns,
		  (long long)r.t_end_ns, *h ? h : clock_hint(r.t_end_ns));
	cr_assert(r.t_start_ns >= p.t_warm_last, "t_start_ns is %.1f ms before "
		  "the peer sent its last warm-up reply (the test held the first "
		  "warm-up reply for 300 ms): the timing includes the warm-up. The "
		  "warm-up round trips wake the peer and fault the pages in, that "
		  "is setup; start the clock after them",
		  (double)(p.t_warm_last - r.t_start_ns) / 1e6);
	cr_assert(r.t_end_ns >= p.t_last && r.t_end_ns <= back, "t_end_ns is "
		  "%.3f ms %s: it must be read after the last reply arrived, and "
		  "before perf_pingpong returned",
		  fabs((double)(r.t_end_ns - (r.t_end_ns < p.t_last ? p.t_last : back))) / 1e6,
		  r.t_end_ns < p.t_last ? "before the peer even sent the last reply"
					 : "after perf_pingpong returned");
	cr_assert(r.elapsed_ns == r.t_end_ns - r.t_start_ns, "elapsed_ns is %lld; "
		  "t_end_ns - t_start_ns is %lld", (long long)r.elapsed_ns,
		  (long long)(r.t_end_ns - r.t_start_ns));

	int64_t hold = p.t_d1 - p.t_d0;
	cr_assert(samples[held] >= hold, "the test held the reply of timed round "
		  "trip %ld (samples[%ld]) for %.1f ms = %lld ns; that sample is "
		  "%lld%s. Samples are in nanoseconds, one per timed round trip, "
		  "in order: samples[i] covers round trip i from its write to the "
		  "end of its reply", held, held, hold / 1e6, (long long)hold,
		  (long long)samples[held],
		  samples[held] > 0 && samples[held] * 1000 >= hold && samples[held] < hold / 100
		  ? " (about a thousand times too small: microseconds?)" : "");
	int64_t sum = 0;
	for (long i = 0; i < rounds; i++)
		sum += samples[i];
	cr_assert(sum <= r.elapsed_ns, "the samples add up to %lld ns, more "
		  "than elapsed_ns = %lld: they overlap, or some round trip was "
		  "counted twice", (long long)sum, (long long)r.elapsed_ns);
	cr_assert(r.elapsed_ns < hold + 300000000LL, "elapsed_ns is %.1f ms: "
		  "it holds the 300 ms the test held the first WARM-UP reply "
		  "(the timed round trips took %.1f ms in all, %.1f of them the "
		  "held reply)", r.elapsed_ns / 1e6, sum / 1e6, hold / 1e6);
	close_end(&st);
	close_end(&p.end);
}

/* ---- unit checks: the stream ------------------------------------------------------------------ */

CHECK(lab11, unit_stream_recv_dribble, 2,
      "perf_stream_recv counts the bytes each read returned, short reads included")
{
	ignore_sigpipe();
	const uint64_t total = 3000;
	struct perf_end st;
	struct peer p = {.kind = PEER_DRIBBLER, .total = total};
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	struct perf_run r;
	memset(&r, 0, sizeof(r));
	peer_start(&p);
	int rc = perf_stream_recv(st, 64, total, &r);
	int e = errno;
	atomic_store(&p.stop, 1);
	pthread_join(p.th, NULL);
	cr_assert(p.ready_seen, "perf_stream_recv never sent its 1-byte "
		  "\"ready\" to the sender (it returned %s)", outcome(rc, e));
	cr_assert(!p.shut_down, "perf_stream_recv never returned until the test "
		  "closed its end (the test had sent %llu of %llu bytes); it "
		  "returned %s", (unsigned long long)p.consumed,
		  (unsigned long long)total, outcome(rc, e));
	check_ok(rc, e, "perf_stream_recv of 3000 bytes sent 1 to 7 at a time");
	cr_assert(!p.early_ack, "perf_stream_recv acknowledged after reading "
		  "only %llu of the 3000 bytes (they came 1 to 7 at a time), and "
		  "reported bytes=%llu, calls=%ld. Each read() returned only the "
		  "few bytes that had arrived, fewer than it asked for: count n, "
		  "what read() returned, not what was asked",
		  (unsigned long long)p.consumed, (unsigned long long)r.bytes,
		  r.calls);
	cr_assert(p.ack_seen && p.sent_at_ack == total, "the test never got "
		  "perf_stream_recv's acknowledgement after the last byte "
		  "(%llu of %llu bytes consumed)", (unsigned long long)p.consumed,
		  (unsigned long long)total);
	cr_assert(r.bytes == total && r.calls == p.dribbles && r.messages == r.calls,
		  "perf_stream_recv reported bytes=%llu calls=%ld messages=%ld; "
		  "the test sent %llu bytes in %ld pieces, and waited for each to "
		  "be read before the next, so expected bytes=%llu, calls=%ld "
		  "(one read per piece), messages=calls",
		  (unsigned long long)r.bytes, r.calls, r.messages,
		  (unsigned long long)total, p.dribbles, (unsigned long long)total,
		  p.dribbles);
	cr_assert(queued(st.rfd) == 0, "%d bytes left unread", queued(st.rfd));
	close_end(&st);
	close_end(&p.end);

	/* Seqpacket: one read per message, whatever the buffer. */
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	static char msg[500];
	memset(msg, 'q', sizeof(msg));
	for (int i = 0; i < 10; i++)
		cr_assert(write(sv[1], msg, sizeof(msg)) == (ssize_t)sizeof(msg),
			  "test setup: seqpacket write");
	struct perf_end sq = {sv[0], sv[0]};
	rc = perf_stream_recv(sq, 500, 5000, &r);
	e = errno;
	check_ok(rc, e, "perf_stream_recv of 10 seqpacket messages of 500 bytes");
	char c[4];
	int signals = 0;
	while (recv(sv[1], c, sizeof(c), MSG_DONTWAIT) == 1)
		signals++;
	cr_assert(r.bytes == 5000 && r.calls == 10 && signals == 2,
		  "perf_stream_recv over seqpacket: bytes=%llu calls=%ld, and the "
		  "test got %d one-byte messages back; expected bytes=5000, "
		  "calls=10 (one read per message), and two: \"ready\" and the "
		  "acknowledgement", (unsigned long long)r.bytes, r.calls, signals);
	close(sv[0]);
	close(sv[1]);

	/* EOF before the end. */
	struct peer q = {.kind = PEER_DRIBBLER, .total = total, .eof_after = 100};
	test_link(PERF_UNIX_STREAM, &st, &q.end);
	peer_start(&q);
	rc = perf_stream_recv(st, 64, total, &r);
	e = errno;
	atomic_store(&q.stop, 1);
	pthread_join(q.th, NULL);
	check_errno(rc, e, EPIPE, "perf_stream_recv when the sender shuts down "
		    "after 100 of 3000 bytes (EOF before the end)");
	close_end(&st);
	close_end(&q.end);
}

CHECK(lab11, unit_stream_send_timing, 2,
      "perf_stream_send: clock from after \"ready\" to after the acknowledgement")
{
	ignore_sigpipe();
	const uint64_t total = 100007; /* 100 messages of 1000, one of 7 */
	struct perf_end st;
	struct peer p = {.kind = PEER_RECEIVER, .size = 1000, .total = total,
			 .ready_delay_ms = 300, .ack_delay_ms = 200};
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	struct perf_run r;
	memset(&r, 0, sizeof(r));
	peer_start(&p);
	int rc = perf_stream_send(st, 1000, total, &r);
	int e = errno;
	int64_t back = now_ns();
	atomic_store(&p.stop, 1);
	pthread_join(p.th, NULL);
	cr_assert(!p.shut_down, "perf_stream_send never returned until the test "
		  "closed its end (the test had read %llu of %llu bytes%s); it "
		  "returned %s", (unsigned long long)p.bytes_in,
		  (unsigned long long)total, p.ack_seen ? " and acknowledged" : "",
		  outcome(rc, e));
	check_ok(rc, e, "perf_stream_send of 100007 bytes in 1000-byte messages");
	cr_assert(p.bytes_in == total && queued(p.end.rfd) <= 0, "the test "
		  "received %llu bytes (and %d more were left); expected exactly "
		  "%llu", (unsigned long long)p.bytes_in, queued(p.end.rfd),
		  (unsigned long long)total);
	cr_assert(r.bytes == total && r.messages == 101 && r.calls == 0,
		  "perf_stream_send reported bytes=%llu messages=%ld calls=%ld; "
		  "expected bytes=100007, messages=101 (100 of 1000 bytes and a "
		  "last one of 7), calls=0", (unsigned long long)r.bytes,
		  r.messages, r.calls);
	const char *h = clock_hint(r.t_start_ns);
	cr_assert(!*h && !*clock_hint(r.t_end_ns), "perf_stream_send's "
		  "t_start_ns = %lld, t_end_ns = %lld%s", (long long)r.t_start_ns,
		  (long long)r.t_end_ns, *h ? h : clock_hint(r.t_end_ns));
	cr_assert(r.t_start_ns >= p.t_ready, "t_start_ns is %.1f ms before the "
		  "receiver sent \"ready\" (the test waited 300 ms first): the "
		  "timing includes the receiver's start-up. Read the ready byte, "
		  "then start the clock", (double)(p.t_ready - r.t_start_ns) / 1e6);
	cr_assert(r.t_end_ns >= p.t_ack && r.t_end_ns <= back, "t_end_ns is "
		  "%s: the test read the last byte, waited 200 ms, then sent the "
		  "acknowledgement, and the clock must stop after it%s",
		  r.t_end_ns > back ? "after perf_stream_send returned"
				    : "before the receiver acknowledged",
		  r.t_end_ns < p.t_all_read
		  ? ". It stopped before the test had even read all the bytes: a "
		    "write() returns once the kernel has QUEUED the bytes, so "
		    "without the acknowledgement the clock measures the socket "
		    "buffer, not the transfer" : "");
	cr_assert(r.elapsed_ns == r.t_end_ns - r.t_start_ns, "elapsed_ns is %lld; "
		  "t_end_ns - t_start_ns is %lld", (long long)r.elapsed_ns,
		  (long long)(r.t_end_ns - r.t_start_ns));
	close_end(&st);
	close_end(&p.end);

	/* A receiver that goes away before "ready". */
	test_link(PERF_UNIX_STREAM, &st, &p.end);
	close_end(&p.end);
	rc = perf_stream_send(st, 1000, total, &r);
	e = errno;
	check_errno(rc, e, EPIPE, "perf_stream_send when the receiver closes "
		    "before its \"ready\" (EOF)");
	close_end(&st);
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	struct perf_end x = {sv[0], sv[0]};
	rc = perf_stream_send(x, 0, total, &r);
	e = errno;
	check_errno(rc, e, EINVAL, "perf_stream_send with size = 0");
	rc = perf_stream_send(x, 1000, 0, &r);
	e = errno;
	check_errno(rc, e, EINVAL, "perf_stream_send with total = 0");
	close(sv[0]);
	close(sv[1]);
}

/* ---- box checks: bench's report ------------------------------------------------------------------ */

/* Makes captured output fit on one line of a message: newlines as " | ". */
static const char *one_line(const char *s)
{
	static char buf[2][1600];
	static int k;
	char *out = buf[k ^= 1];
	size_t n = 0;
	if (!s || !*s)
		return "(nothing)";
	for (; *s && n + 4 < sizeof(buf[0]); s++) {
		if (*s == '\n') {
			if (s[1] == '\0')
				break;
			memcpy(out + n, " | ", 3);
			n += 3;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

/* Runs bench with args (NULL-terminated) and returns its result. */
static void run_bench(const char *const args[], struct h_result *r, double limit)
{
	const char *argv[32] = {h_bin("bench")};
	size_t k = 1;
	for (; args[k - 1] && k < 31; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	cr_assert(h_run(argv, NULL, 0, limit, r) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
}

static const char *cmdline(const char *const args[])
{
	static char buf[400];
	snprintf(buf, sizeof(buf), "bench");
	for (size_t i = 0; args[i]; i++) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " %s", args[i]);
	}
	return buf;
}

/* The first line of out that starts with kind and has every key=value of
 * match (space-separated), copied into line; NULL when none. */
static const char *find_line(const char *out, const char *kind,
			     const char *match, char *line, size_t cap)
{
	for (const char *s = out; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		size_t n = strcspn(s, "\n");
		if (n >= cap)
			continue;
		memcpy(line, s, n);
		line[n] = '\0';
		size_t kl = strlen(kind);
		if (strncmp(line, kind, kl) != 0 || line[kl] != ' ')
			continue;
		char want[256];
		snprintf(want, sizeof(want), "%s", match ? match : "");
		int ok = 1;
		char *save = NULL;
		for (char *w = strtok_r(want, " ", &save); w && ok; w = strtok_r(NULL, " ", &save)) {
			char pat[128];
			snprintf(pat, sizeof(pat), " %s ", w);
			char padded[1200];
			snprintf(padded, sizeof(padded), "%s ", line);
			ok = strstr(padded, pat) != NULL;
		}
		if (ok)
			return line;
	}
	return NULL;
}

/* The number after " key=" in line; fails the check when absent. */
static double num(const char *line, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), " %s=", key);
	const char *p = strstr(line, pat);
	cr_assert(p, "bench's line has no %s=: %s", key, line);
	char *end;
	double v = strtod(p + strlen(pat), &end);
	cr_assert(end != p + strlen(pat), "bench's %s= is not a number: %s", key, line);
	return v;
}

static void expect_ran(const char *const args[], const struct h_result *r)
{
	cr_assert(!r->timed_out && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
		  "`%s` %s after %.2f s; expected exit status 0 (every measurement "
		  "worked). It printed: %s. Its stderr: %s", cmdline(args), r->what,
		  r->elapsed, one_line(r->out), one_line(r->err));
}

static const char *const ALL_T[] = {"unix-stream", "unix-seqpacket", "tcp", "pipe"};

CHECK(lab11, box_latency_report, 2,
      "bench --kv --latency-only: percentiles in order, counts as asked, ratios as printed")
{
	const char *args[] = {"--kv", "--latency-only", "--transports",
			      "unix-stream,unix-seqpacket,tcp,pipe", "--rounds", "300",
			      "--warmup", "20", "--repeat", "2", NULL};
	struct h_result r;
	run_bench(args, &r, 8.0);
	expect_ran(args, &r);
	char line[1200], base[1200], m[64];
	double p50[4] = {0}, p99[4] = {0};
	for (int t = 0; t < 4; t++) {
		snprintf(m, sizeof(m), "transport=%s", ALL_T[t]);
		cr_assert(find_line(r.out, "latency", m, line, sizeof(line)),
			  "`%s` printed no \"latency %s ...\" line; it printed: %s",
			  cmdline(args), m, one_line(r.out));
		double rounds = num(line, "rounds"), warm = num(line, "warmup");
		double mn = num(line, "min_ns"), a = num(line, "p50_ns"),
		       b = num(line, "p90_ns"), c = num(line, "p99_ns"),
		       mx = num(line, "max_ns"), mean = num(line, "mean_ns"),
		       el = num(line, "elapsed_ns");
		cr_assert(rounds == 300 && warm == 20, "rounds=%g warmup=%g in: %s; "
			  "expected 300 and 20 as asked", rounds, warm, line);
		cr_assert(mn > 0 && mn <= a && a <= b && b <= c && c <= mx,
			  "the percentiles are out of order (expected 0 < min <= p50 "
			  "<= p90 <= p99 <= max): %s", line);
		cr_assert(mean >= mn && mean <= mx, "mean_ns is outside [min, max]: "
			  "%s", line);
		cr_assert(mean * rounds <= el + 0.05 * rounds + 1, "mean_ns x rounds "
			  "= %.0f is more than elapsed_ns = %.0f: the samples add up to "
			  "more than the time the rounds took: %s", mean * rounds, el,
			  line);
		cr_assert(find_line(r.out, "latency_base", m, base, sizeof(base)),
			  "no \"latency_base %s\" line: %s", m, one_line(r.out));
		cr_assert(num(base, "rounds") == 300 &&
			  fabs(num(base, "mean_ns") - num(base, "elapsed_ns") / 300) < 0.06,
			  "the baseline line is inconsistent: %s", base);
		p50[t] = a;
		p99[t] = c;
	}
	for (int t = 0; t < 2; t++) {
		snprintf(m, sizeof(m), "metric=latency_p50 num=tcp den=%s", ALL_T[t]);
		cr_assert(find_line(r.out, "ratio", m, line, sizeof(line)),
			  "no \"ratio %s\" line: %s", m, one_line(r.out));
		double v = num(line, "value"), want = p50[2] / p50[t];
		cr_assert(fabs(v - want) <= 0.0006 + 1e-6 * want, "%s; the p50 lines "
			  "give tcp %.0f / %s %.0f = %.4f", line, p50[2], ALL_T[t],
			  p50[t], want);
		snprintf(m, sizeof(m), "metric=latency_p99 num=tcp den=%s", ALL_T[t]);
		cr_assert(find_line(r.out, "ratio", m, line, sizeof(line)),
			  "no \"ratio %s\" line: %s", m, one_line(r.out));
		v = num(line, "value");
		want = p99[2] / p99[t];
		cr_assert(fabs(v - want) <= 0.0006 + 1e-6 * want, "%s; the p99 lines "
			  "give %.4f", line, want);
	}
	h_result_free(&r);
}

CHECK(lab11, box_throughput_report, 2,
      "bench --kv --throughput-only: bytes and messages as asked, MB/s = bytes / elapsed")
{
	const char *args[] = {"--kv", "--throughput-only", "--transports",
			      "unix-stream,unix-seqpacket,tcp,pipe", "--sizes",
			      "64,1000,4000", "--messages", "50", "--stream-bytes", "1M",
			      "--memcpy-bytes", "1M", "--repeat", "1", NULL};
	struct h_result r;
	run_bench(args, &r, 8.0);
	expect_ran(args, &r);
	/* Messages of at most a page: each one crosses every transport in
	 * one piece, so what this check sees does not depend on how the
	 * scheduler interleaves the two processes (make bench measures
	 * 64 KiB). */
	static const double sizes[] = {64, 1000, 4000};
	static const double bytes[] = {3200, 50000, 200000};
	static const double msgs[] = {50, 50, 50};
	double rate[4][3];
	char line[1200], m[96];
	for (int t = 0; t < 4; t++)
		for (int s = 0; s < 3; s++) {
			snprintf(m, sizeof(m), "transport=%s size=%.0f", ALL_T[t], sizes[s]);
			cr_assert(find_line(r.out, "throughput", m, line, sizeof(line)),
				  "`%s` printed no \"throughput %s ...\" line; it "
				  "printed: %s", cmdline(args), m, one_line(r.out));
			double b = num(line, "bytes"), n = num(line, "messages"),
			       el = num(line, "elapsed_ns"), v = num(line, "MBps");
			cr_assert(b == bytes[s] && n == msgs[s], "%s; expected bytes=%.0f "
				  "messages=%.0f (at most 50 messages of %.0f bytes and "
				  "at most 1 MiB, the last message shorter if need be)",
				  line, bytes[s], msgs[s], sizes[s]);
			cr_assert(el > 0, "elapsed_ns is not positive: %s", line);
			double want = b * 1e3 / el;
			cr_assert(fabs(v - want) <= 0.0006 + 1e-6 * want, "MBps=%.3f, "
				  "but bytes / elapsed = %.0f B / %.0f ns = %.4f MB/s "
				  "(10^6 bytes per second): %s", v, b, el, want, line);
			rate[t][s] = v;
			cr_assert(find_line(r.out, "throughput_base", m, line, sizeof(line)) &&
				  num(line, "bytes") == bytes[s], "no consistent "
				  "\"throughput_base %s\" line: %s", m, one_line(r.out));
		}
	for (int k = 0; k < 2; k++) {
		snprintf(m, sizeof(m), "block=%d", k ? 1048576 : 65536);
		cr_assert(find_line(r.out, "memcpy", m, line, sizeof(line)),
			  "no \"memcpy %s\" line: %s", m, one_line(r.out));
	}
	for (int t = 0; t < 2; t++)
		for (int s = 0; s < 3; s++) {
			snprintf(m, sizeof(m), "metric=throughput size=%.0f num=%s den=tcp",
				 sizes[s], ALL_T[t]);
			cr_assert(find_line(r.out, "ratio", m, line, sizeof(line)),
				  "no \"ratio %s\" line: %s", m, one_line(r.out));
			double v = num(line, "value"), want = rate[t][s] / rate[2][s];
			cr_assert(fabs(v - want) <= 0.001 + 2e-3 * want, "%s; the "
				  "throughput lines give %.4f", line, want);
		}
	h_result_free(&r);
}

/* ---- trace checks ----------------------------------------------------------------------------------- */

#define LAB11_TRACE_SET "read,write,readv,writev,recvfrom,sendto,recvmsg,sendmsg," \
	"socketpair,pipe2,socket,bind,listen,connect,accept,accept4,setsockopt," \
	"close,clone,clone3,fork,vfork,wait4,execve,exit_group"

static const char *strace_path(void)
{
	static char found[256];
	const char *env = getenv("PATH");
	char dirs[1024];
	snprintf(dirs, sizeof(dirs), "%s", env && *env ? env : "/usr/bin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof(found), "%s/strace", d);
		if (access(found, X_OK) == 0)
			return found;
	}
	return "/usr/bin/strace";
}

/* Runs bench with args under strace -f into a trace, and loads it. */
static void trace_bench(const char *const args[], struct h_result *r, struct trace *t)
{
	static char asan[512];
	const char *old = getenv("ASAN_OPTIONS");
	/* LeakSanitizer cannot run under ptrace. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
		 old ? old : "", old && *old ? ":" : "");
	const char *tp = h_path("bench.trace");
	const char *argv[40] = {strace_path(), "-f", "-yy", "-ttt", "-T", "-s", "64",
				"-q", "-E", asan, "-o", tp, "-e",
				"trace=" LAB11_TRACE_SET, "--", h_bin("bench")};
	size_t k = 16;
	for (size_t i = 0; args[i] && k < 39; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	cr_assert(h_run(argv, NULL, 0, 8.0, r) == 0, "could not start bench under "
		  "strace: %s", strerror(errno));
	cr_assert(trace_load(tp, t) == 0, "could not read the trace %s: %s", tp,
		  strerror(errno));
	expect_ran(args, r);
}

/* One data call: a read or a write on a socket or pipe. */
struct dcall {
	size_t ev;
	int pid;
	int is_write;
	int fd;
	char proto[24];
	long asked; /* the count argument, -1 when not shown */
	long ret;   /* the result, -1 when it failed or never returned */
};

static int decode(const struct trace *t, size_t k, struct dcall *d)
{
	static const char *const W[] = {"write", "sendto", "sendmsg", "writev", "send", NULL};
	static const char *const R[] = {"read", "recvfrom", "recvmsg", "readv", "recv", NULL};
	const struct trace_event *ev = &t->ev[k];
	if (ev->kind != TRACE_CALL)
		return 0;
	int w = -1;
	for (int i = 0; W[i]; i++)
		if (strcmp(ev->name, W[i]) == 0)
			w = 1;
	for (int i = 0; R[i]; i++)
		if (strcmp(ev->name, R[i]) == 0)
			w = 0;
	if (w < 0)
		return 0;
	char buf[512];
	struct trace_fd fd;
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0 || trace_parse_fd(buf, &fd) < 0)
		return 0;
	/* Standard output and error are not the link, whatever they are.
	 * strace 6.1 tags a seqpacket socket plain "UNIX". */
	if (fd.fd <= 2 ||
	    (strncmp(fd.proto, "UNIX", 4) != 0 && strcmp(fd.proto, "TCP") != 0 &&
	     strcmp(fd.proto, "pipe") != 0))
		return 0;
	*d = (struct dcall){.ev = k, .pid = ev->pid, .is_write = w, .fd = fd.fd,
			    .asked = -1, .ret = ev->has_ret && ev->ret >= 0 ? ev->ret : -1};
	snprintf(d->proto, sizeof(d->proto), "%s", fd.proto);
	char cnt[64];
	if ((!strcmp(ev->name, "read") || !strcmp(ev->name, "write") ||
	     !strcmp(ev->name, "recvfrom") || !strcmp(ev->name, "sendto")) &&
	    trace_arg(ev, 2, cnt, sizeof(cnt)) >= 0)
		d->asked = strtol(cnt, NULL, 10);
	return 1;
}

/* The first line of event k, cut to fit a message. */
static const char *line_of(const struct trace *t, size_t k)
{
	static char buf[4][240];
	static int next;
	char *b = buf[next++ % 4];
	const char *s = k < t->n && t->ev[k].line ? t->ev[k].line : "(none)";
	size_t n = strcspn(s, "\n");
	snprintf(b, sizeof(buf[0]), "%.*s%s", (int)(n > 220 ? 220 : n), s, n > 220 ? "..." : "");
	return b;
}

/* The pid that executed bench, and the children it forked, in order. */
static int bench_pids(const struct trace *t, int *kids, size_t *idx, int max)
{
	int pid = 0, n = 0;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL)
			continue;
		if (!pid && !strcmp(ev->name, "execve") && ev->has_ret && ev->ret == 0)
			pid = ev->pid;
		else if (pid && ev->pid == pid && n < max && ev->has_ret && ev->ret > 0 &&
			 (!strcmp(ev->name, "clone") || !strcmp(ev->name, "clone3") ||
			  !strcmp(ev->name, "fork") || !strcmp(ev->name, "vfork"))) {
			idx[n] = k;
			kids[n++] = (int)ev->ret;
		}
	}
	cr_assert(pid, "no execve of bench in the trace");
	return pid;
}

/* The data calls of pid between event indexes from and to. */
static size_t calls_of(const struct trace *t, int pid, size_t from, size_t to,
		       struct dcall *out, size_t max)
{
	size_t n = 0;
	for (size_t k = from; k < to && k < t->n && n < max; k++)
		if (t->ev[k].pid == pid && decode(t, k, &out[n]))
			n++;
	return n;
}

/* Asserts a strict alternation of 1-byte calls: first, then the other,
 * count times each. */
static void expect_alternation(const struct trace *t, const struct dcall *c,
			       size_t n, int first_write, long count, const char *who)
{
	long writes = 0, reads = 0;
	for (size_t i = 0; i < n; i++)
		c[i].is_write ? writes++ : reads++;
	cr_assert(writes == count && reads == count, "the %s made %ld writes and "
		  "%ld reads on the socket; expected %ld of each: 5 warm-up + 40 "
		  "timed round trips, each exactly one write of 1 byte and one "
		  "read returning 1", who, writes, reads, count);
	for (size_t i = 0; i < n; i++) {
		int want_write = (int)(i % 2 == 0) == first_write;
		cr_assert(c[i].is_write == want_write && c[i].ret == 1 &&
			  (c[i].asked == -1 || c[i].asked == 1), "the %s's call "
			  "#%zu on the socket should be a %s of 1 byte returning 1; "
			  "it was: %s", who, i + 1, want_write ? "write" : "read",
			  line_of(t, c[i].ev));
	}
}

CHECK(lab11, trace_pingpong_syscalls, 2,
      "trace: a 1-byte ping-pong is exactly warm-up + rounds writes and reads of 1 byte")
{
	const char *args[] = {"--kv", "--latency-only", "--transports", "unix-stream",
			      "--rounds", "40", "--warmup", "5", "--repeat", "1",
			      "--no-baseline", NULL};
	struct h_result r;
	struct trace t = {0};
	trace_bench(args, &r, &t);
	int kids[4];
	size_t at[4];
	int pid = bench_pids(&t, kids, at, 4);
	cr_assert(kids[0] > 0, "bench forked no echo peer");
	static struct dcall c[400];
	size_t n = calls_of(&t, pid, 0, t.n, c, 400);
	expect_alternation(&t, c, n, 1, 45, "measuring process (perf_pingpong)");
	n = calls_of(&t, kids[0], 0, t.n, c, 400);
	expect_alternation(&t, c, n, 0, 45, "echo peer");
	char line[1200];
	cr_assert(find_line(r.out, "latency", "transport=unix-stream rounds=40",
			    line, sizeof(line)), "bench printed no latency line "
		  "with rounds=40: %s", one_line(r.out));
	trace_free(&t);
	h_result_free(&r);
}

CHECK(lab11, trace_tcp_nodelay, 1,
      "trace: TCP_NODELAY set to 1 on both TCP sockets before any data")
{
	const char *args[] = {"--kv", "--latency-only", "--transports", "tcp",
			      "--rounds", "5", "--warmup", "1", "--repeat", "1",
			      "--no-baseline", NULL};
	struct h_result r;
	struct trace t = {0};
	trace_bench(args, &r, &t);
	int kids[4];
	size_t at[4];
	int pid = bench_pids(&t, kids, at, 4);
	long conn = -1, acc = -1, first_data = -1;
	int cfd = -1, afd = -1;
	for (size_t k = 0; k < t.n; k++) {
		const struct trace_event *ev = &t.ev[k];
		struct dcall d;
		char buf[512];
		struct trace_fd fd;
		if (ev->kind != TRACE_CALL)
			continue;
		if (first_data < 0 && decode(&t, k, &d) && !strcmp(d.proto, "TCP"))
			first_data = (long)k;
		if (ev->pid != pid)
			continue;
		if (conn < 0 && !strcmp(ev->name, "connect") &&
		    trace_arg(ev, 0, buf, sizeof(buf)) >= 0 &&
		    trace_parse_fd(buf, &fd) == 0 && !strcmp(fd.proto, "TCP")) {
			conn = (long)k;
			cfd = fd.fd;
			cr_assert(strstr(ev->args, "127.0.0.1") && ev->has_ret && ev->ret == 0,
				  "perf_tcp_pair should connect to 127.0.0.1: %s",
				  line_of(&t, k));
		}
		if (acc < 0 && !strncmp(ev->name, "accept", 6) && ev->has_ret &&
		    ev->ret >= 0) {
			acc = (long)k;
			afd = (int)ev->ret;
		}
	}
	cr_assert(conn >= 0 && acc >= 0, "no TCP connect() and accept() in "
		  "bench's trace (perf_tcp_pair); calls seen:\n%s", h_trace_summary(&t, 30));
	cr_assert(first_data >= 0, "no data call on a TCP socket in the trace");
	int fds[2] = {cfd, afd};
	const char *which[2] = {"connecting", "accepted"};
	for (int i = 0; i < 2; i++) {
		long found = -1, zero = -1;
		for (size_t k = 0; k < t.n; k++) {
			const struct trace_event *ev = &t.ev[k];
			char a1[64], a2[64], a3[64], a0[256];
			struct trace_fd fd;
			if (ev->kind != TRACE_CALL || ev->pid != pid ||
			    strcmp(ev->name, "setsockopt") != 0 ||
			    trace_arg(ev, 0, a0, sizeof(a0)) < 0 ||
			    trace_parse_fd(a0, &fd) < 0 || fd.fd != fds[i] ||
			    trace_arg(ev, 1, a1, sizeof(a1)) < 0 ||
			    trace_arg(ev, 2, a2, sizeof(a2)) < 0 ||
			    trace_arg(ev, 3, a3, sizeof(a3)) < 0)
				continue;
			if ((strcmp(a1, "SOL_TCP") && strcmp(a1, "IPPROTO_TCP")) ||
			    strcmp(a2, "TCP_NODELAY"))
				continue;
			if (!strcmp(a3, "[1]") && ev->has_ret && ev->ret == 0 && found < 0)
				found = (long)k;
			else if (zero < 0)
				zero = (long)k;
		}
		cr_assert(found >= 0, "no setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, "
			  "[1]) on the %s socket (fd %d)%s%s. Without it Nagle's "
			  "algorithm holds a small segment while an earlier one is "
			  "unacknowledged: a ping-pong measures the delayed-ACK timer. "
			  "Each socket's own option governs its own writes: set it on "
			  "both", which[i], fds[i], zero >= 0 ? "; this one did not "
			  "set 1: " : "", zero >= 0 ? line_of(&t, (size_t)zero) : "");
		cr_assert(found < first_data, "TCP_NODELAY was set on the %s socket "
			  "only after data moved (first data call: %s)", which[i],
			  line_of(&t, (size_t)first_data));
	}
	trace_free(&t);
	h_result_free(&r);
}

/* Checks one stream run of trace_stream_bytes: the measuring side's calls
 * in c (n of them) and the receiver's in d (m). */
static void expect_stream(const struct trace *t, const char *name,
			  const struct dcall *c, size_t n, const struct dcall *d,
			  size_t m, long size, long total)
{
	cr_assert(n >= 3 && !c[0].is_write && c[0].ret == 1, "%s: the sender's "
		  "first call on the link should read the receiver's 1-byte "
		  "\"ready\" before any data; it was: %s", name,
		  n ? line_of(t, c[0].ev) : "(no call)");
	cr_assert(!c[n - 1].is_write && c[n - 1].ret == 1, "%s: the sender's last "
		  "call on the link should read the 1-byte acknowledgement, after "
		  "the last data write; it was: %s", name, line_of(t, c[n - 1].ev));
	long sent = 0, left = 0, messages = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		cr_assert(c[i].is_write, "%s: between \"ready\" and the "
			  "acknowledgement the sender only writes; found: %s", name,
			  line_of(t, c[i].ev));
		if (left == 0) {
			left = total - sent < size ? total - sent : size;
			messages++;
		}
		cr_assert(c[i].asked == left && c[i].ret > 0, "%s: this write "
			  "should carry %ld bytes (%s, %ld of %ld sent): %s", name, left,
			  left == size ? "a whole message of --sizes" :
			  "the rest of a message, or the last, shorter one", sent,
			  total, line_of(t, c[i].ev));
		sent += c[i].ret;
		left -= c[i].ret;
	}
	cr_assert(sent == total && messages == (total + size - 1) / size,
		  "%s: the sender wrote %ld bytes in %ld messages; expected %ld "
		  "bytes in %ld messages of at most %ld", name, sent, messages,
		  total, (total + size - 1) / size, size);

	cr_assert(m >= 3 && d[0].is_write && d[0].ret == 1, "%s: the receiver's "
		  "first call should write its 1-byte \"ready\": %s", name,
		  m ? line_of(t, d[0].ev) : "(no call)");
	cr_assert(d[m - 1].is_write && d[m - 1].ret == 1, "%s: the receiver's "
		  "last call should write the 1-byte acknowledgement, after the "
		  "last read: %s", name, line_of(t, d[m - 1].ev));
	long got = 0;
	for (size_t i = 1; i + 1 < m; i++) {
		long want = total - got < size ? total - got : size;
		cr_assert(!d[i].is_write && d[i].ret > 0, "%s: between \"ready\" "
			  "and the acknowledgement the receiver only reads, and "
			  "every read brings data; found: %s", name, line_of(t, d[i].ev));
		cr_assert(d[i].asked == -1 || d[i].asked == want, "%s: with %ld of "
			  "%ld bytes read, the receiver should ask for min(size, what "
			  "is left) = %ld: %s", name, got, total, want, line_of(t, d[i].ev));
		got += d[i].ret;
	}
	cr_assert(got == total, "%s: the receiver's reads returned %ld bytes in "
		  "all; expected %ld", name, got, total);
}

CHECK(lab11, trace_stream_bytes, 2,
      "trace: a stream is ready, whole messages, every byte read, then the acknowledgement")
{
	const char *args[] = {"--kv", "--throughput-only", "--no-memcpy",
			      "--no-baseline", "--repeat", "1", "--transports",
			      "unix-stream,unix-seqpacket,pipe", "--sizes", "1000",
			      "--messages", "30", "--stream-bytes", "29999", NULL};
	struct h_result r;
	struct trace t = {0};
	trace_bench(args, &r, &t);
	int kids[4] = {0};
	size_t at[4];
	int pid = bench_pids(&t, kids, at, 4);
	static const char *const names[] = {"unix-stream", "unix-seqpacket", "pipe"};
	static struct dcall c[600], d[600];
	for (int k = 0; k < 3; k++) {
		cr_assert(kids[k] > 0, "bench forked no receiver for %s", names[k]);
		/* The sender's calls of this run: from the fork to its wait4. */
		size_t end = t.n;
		for (size_t i = at[k]; i < t.n; i++)
			if (t.ev[i].kind == TRACE_CALL && t.ev[i].pid == pid &&
			    !strcmp(t.ev[i].name, "wait4") && t.ev[i].has_ret &&
			    t.ev[i].ret == kids[k]) {
				end = i;
				break;
			}
		size_t n = calls_of(&t, pid, at[k], end, c, 600);
		size_t m = calls_of(&t, kids[k], 0, t.n, d, 600);
		expect_stream(&t, names[k], c, n, d, m, 1000, 29999);
		char line[1200], mm[96];
		snprintf(mm, sizeof(mm), "transport=%s size=1000", names[k]);
		cr_assert(find_line(r.out, "throughput", mm, line, sizeof(line)) &&
			  num(line, "bytes") == 29999 && num(line, "messages") == 30,
			  "%s: bench should report bytes=29999 messages=30: %s",
			  names[k], one_line(r.out));
	}
	trace_free(&t);
	h_result_free(&r);
}
