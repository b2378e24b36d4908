/* 07-framing.c: graded checks of lab 07, framing and partial I/O.
 *
 * unit_  calls the student's readn, writen, header functions, frame_write,
 *        frame_read and fr_serve_client in a thread of the test, with the
 *        test on the other end of a socketpair: a peer that sends one byte
 *        at a time, a signal (handler without SA_RESTART) sent into a
 *        blocked read(), a writer with the smallest SO_SNDBUF whose blocked
 *        send() is interrupted while the test reads slowly, headers over
 *        the limit, garbage, streams that end inside a frame;
 * box_   starts fserver and fclient and talks to them over a real socket:
 *        byte-by-byte frames, SIGUSR1 into the server's blocked read, a
 *        large reply read slowly from a server with a tiny SO_SNDBUF, bad
 *        clients followed by a good one; socat as an outside client (raw
 *        frames, and a line of text) and, with cat, as an echo server;
 * trace_ runs fclient or fserver under strace and asserts on what the
 *        kernel saw: each header's 4 big-endian bytes and each payload's
 *        byte count, sends continued from the right offset after short
 *        counts and EINTR, the server's one read() per byte when bytes come
 *        one at a time (never asking past the frame), and a refused header
 *        followed by no read and no allocation for its payload.
 *
 * Determinism. The test never sleeps to let something happen. After each
 * byte it sends, it waits until the reader has consumed it (SIOCINQ on the
 * reader's socket, or SIOCOUTQ on the test's own, is 0) and is blocked in
 * read() again (state S and the call's number in /proc/.../syscall), so
 * that every byte arrives in a read() of its own. A signal is sent only
 * to a thread or process seen blocked in the call it is meant to
 * interrupt. When a wrong implementation would wait for ever, a deadline
 * ends the wait (the test closes or shuts down its end) so that the check
 * fails with a message instead of hanging. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/framing.h"

/* ---- bytes and frames ------------------------------------------------------ */

static void put_be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/* Writes the frame of payload p (len bytes) into out; returns its size. */
static size_t mkframe(unsigned char *out, const void *p, uint32_t len)
{
	put_be32(out, len);
	if (len)
		memcpy(out + 4, p, len);
	return 4 + (size_t)len;
}

/* The same payload with a-z upper-cased. */
static void upper(unsigned char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] >= 'a' && b[i] <= 'z')
			b[i] = (unsigned char)(b[i] - 'a' + 'A');
}

/* fclient's --size payload: records "b0000000 ", "b0000009 ", ... each
 * naming the offset it starts at. */
static void fill_pattern(unsigned char *buf, size_t len)
{
	char rec[16];
	for (size_t at = 0; at < len; at += 9) {
		snprintf(rec, sizeof(rec), "b%07zu ", at % 10000000);
		memcpy(buf + at, rec, len - at < 9 ? len - at : 9);
	}
}

/* "00 00 00 17" for up to 8 bytes, for messages. Four rotating buffers. */
static const char *hex(const unsigned char *b, size_t n)
{
	static char buf[4][40];
	static int k;
	char *s = buf[k++ % 4];
	size_t len = 0;
	s[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++)
		len += (size_t)snprintf(s + len, sizeof(buf[0]) - len, "%s%02x",
					i ? " " : "", b[i]);
	if (n > 8)
		snprintf(s + len, sizeof(buf[0]) - len, " ...");
	return s;
}

/* Shows up to 40 bytes as text, control bytes as \xNN. */
static const char *shown(const unsigned char *b, size_t n)
{
	static char buf[4][200];
	static int k;
	char *s = buf[k++ % 4];
	size_t len = 0;
	for (size_t i = 0; i < n && i < 40 && len < sizeof(buf[0]) - 8; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\')
			s[len++] = (char)b[i];
		else
			len += (size_t)snprintf(s + len, sizeof(buf[0]) - len,
						"\\x%02x", b[i]);
	}
	s[len] = '\0';
	if (n > 40)
		snprintf(s + len, sizeof(buf[0]) - len, "...");
	return s;
}

/* "-1 EPROTO", "1", "0" for messages. */
static const char *outcome(long rc, int err)
{
	static char buf[4][48];
	static int k;
	char *s = buf[k++ % 4];
	if (rc == -1)
		snprintf(s, sizeof(buf[0]), "-1 with errno %s%s", errno_name(err),
			 err == ENOSYS ? " (not implemented yet)" : "");
	else
		snprintf(s, sizeof(buf[0]), "%ld", rc);
	return s;
}

/* text, unless err says the function is not written yet (then advice on
 * how to fix a wrong one would only confuse). */
static const char *advice(int err, const char *text)
{
	return err == ENOSYS ? "" : text;
}

/* Why frame_read on a frame whose header announces want bytes may have
 * returned err early (f_len: what it left in f->len), for messages. */
static const char *early_why(int err, uint32_t f_len, uint32_t want)
{
	static char buf[300];
	switch (err) {
	case ENOSYS:
		return "";
	case EINTR:
		return ": EINTR is not an error (a handler ran while read() "
		       "waited, nothing was read); readn() must call read() "
		       "again";
	case EMSGSIZE:
		snprintf(buf, sizeof(buf), ": the header announces %lu bytes, and "
			 "frame_read took it for %lu; decode the length most "
			 "significant byte first (fr_get_len)", (unsigned long)want,
			 (unsigned long)f_len);
		return f_len != want ? buf : "";
	case EPROTO:
		return ": a read() came back with fewer bytes than asked (the "
		       "rest had not arrived yet), which is no EOF; read on until "
		       "the frame is whole (readn)";
	default:
		return "";
	}
}

/* ---- sockets ----------------------------------------------------------------- */

/* A connected pair: sv[0] is the student's end, sv[1] the test's. */
static void make_pair(int sv[2])
{
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
}

static int inq(int fd)
{
	int n = -1;
	return ioctl(fd, SIOCINQ, &n) == 0 ? n : -1;
}

static int outq(int fd)
{
	int n = -1;
	return ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

static void send_all(int fd, const void *b, size_t n)
{
	cr_assert(write_full(fd, b, n) == (ssize_t)n, "test: write to the "
		  "socket failed: %s", strerror(errno));
}

/* Everything readable on fd right now, up to cap bytes (non-blocking). */
static size_t drain_now(int fd, unsigned char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = recv(fd, buf + got, cap - got, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Reads from fd until want bytes came, EOF, an error or timeout_s.
 * Returns the count; *eof says whether the peer closed (EOF or
 * ECONNRESET). */
static size_t read_for(int fd, unsigned char *buf, size_t want, double timeout_s,
		       int *eof)
{
	size_t got = 0;
	int64_t deadline = mono_deadline(timeout_s);
	if (eof)
		*eof = 0;
	while (got < want) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = mono_ms_left(deadline);
		if (left == 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t n = read(fd, buf + got, want - got);
		if (n <= 0) {
			if (n == 0 || errno == ECONNRESET) {
				if (eof)
					*eof = 1;
				break;
			}
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	return got;
}

/* ---- signals ----------------------------------------------------------------- */

static volatile sig_atomic_t usr1_caught, pipe_caught;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_caught++;
}

static void on_pipe(int sig)
{
	(void)sig;
	pipe_caught++;
}

/* SIGUSR1 caught WITHOUT SA_RESTART: a call it interrupts ends with EINTR
 * (or a short count), which the student's loops must handle. SIGPIPE is
 * counted, so that a send without MSG_NOSIGNAL shows instead of killing. */
static void install_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = 0};
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGUSR1, &sa, NULL) == 0, "test setup: sigaction");
	struct sigaction sp = {.sa_handler = on_pipe};
	sigemptyset(&sp.sa_mask);
	sigaction(SIGPIPE, &sp, NULL);
	usr1_caught = pipe_caught = 0;
}

/* ---- the student's function in a thread of the test ---------------------- */

enum job_kind { JOB_READN, JOB_WRITEN, JOB_FRAME_READ, JOB_SERVE };

/* One call of a student's function in its own thread, so that the test
 * can feed it, signal it, and give up on it. Jobs are static: a thread
 * that never returns may still use its job after the check has failed. */
struct job {
	pthread_t th;
	enum job_kind kind;
	int fd;
	unsigned char *buf;
	size_t len;
	uint32_t max;
	struct frame f;
	struct fr_stats st;
	long rc;
	int err;
	int tid;      /* set by the thread */
	int done;     /* set by the thread, atomically */
	char dir[64]; /* /proc/self/task/<tid> */
};

/* What f->data holds before frame_read runs, to see whether it set it;
 * never freed. */
static unsigned char untouched[] = "(untouched)";

/* frame_free() for a job's frame: the student's frame_read may have left
 * the sentinel in place. */
static void job_frame_free(struct frame *f)
{
	if (f->data != untouched)
		frame_free(f);
	f->data = NULL;
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	__atomic_store_n(&j->tid, (int)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	long rc = -1;
	errno = 0;
	switch (j->kind) {
	case JOB_READN:
		rc = readn(j->fd, j->buf, j->len);
		break;
	case JOB_WRITEN:
		rc = writen(j->fd, j->buf, j->len);
		break;
	case JOB_FRAME_READ:
		rc = frame_read(j->fd, &j->f, j->max);
		break;
	case JOB_SERVE:
		rc = fr_serve_client(j->fd, j->max, &j->st);
		break;
	}
	j->err = errno;
	j->rc = rc;
	__atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int job_done(struct job *j)
{
	return __atomic_load_n(&j->done, __ATOMIC_SEQ_CST);
}

/* Starts j (kind and arguments filled in) and waits for its thread id. */
static void job_start(struct job *j)
{
	j->done = 0;
	j->tid = 0;
	j->rc = -2;
	j->f.len = 0xdeadbeef;
	j->f.data = untouched;
	cr_assert(pthread_create(&j->th, NULL, job_main, j) == 0,
		  "test setup: pthread_create");
	int64_t deadline = mono_deadline(2.0);
	while (__atomic_load_n(&j->tid, __ATOMIC_SEQ_CST) == 0 &&
	       mono_ms_left(deadline) > 0)
		sched_yield();
	snprintf(j->dir, sizeof(j->dir), "/proc/self/task/%d", j->tid);
}

/* Waits up to timeout_s for j to return; joins it when it did. Returns 1
 * when it returned. */
static int job_wait(struct job *j, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	while (!job_done(j)) {
		if (mono_ms_left(deadline) == 0)
			return 0;
		struct pollfd none;
		poll(&none, 0, 1);
	}
	pthread_join(j->th, NULL);
	return 1;
}

/* Waits until j is blocked in a read() on its fd with nothing left to read
 * there (it consumed everything sent so far), or has returned. Returns 1
 * when blocked, 0 when it returned, -1 at the deadline. */
static int wait_reader_idle(struct job *j, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		if (job_done(j))
			return 0;
		if (inq(j->fd) == 0 && h_blocked_in_one_of(j->dir, h_read_calls, j->fd))
			return 1;
		if (mono_ms_left(deadline) == 0)
			return -1;
		sched_yield();
	}
}

/* Ends a job that did not return in time: shuts the test's end down (EOF
 * and EPIPE for the student's end) and waits a little more. The caller
 * fails the check either way. */
static void job_abandon(struct job *j, int test_fd)
{
	shutdown(test_fd, SHUT_RDWR);
	job_wait(j, 1.0);
}

/* Waits for a reader job that has been sent everything it needs: it must
 * return. Fails the check when it waits in read() for more (what says
 * what it was given), or has not returned within 2 s. */
static void reader_finish(struct job *j, int test_fd, const char *what)
{
	int w = wait_reader_idle(j, 2.0);
	if (w == 0) {
		job_wait(j, 1.0);
		return;
	}
	job_abandon(j, test_fd);
	cr_assert_fail("%s: %s", what, w == 1 ? "it took every byte and then "
		       "waited in read() for more: it asked for more bytes than "
		       "it needed (read exactly len - done, never more)" :
		       "it had not returned 2 s later");
}

/* Sends b[0..n) to the reader job j one byte per write(), waiting after
 * each until j consumed it and blocks again in read(). Returns n when all
 * bytes went that way, or the number sent when j returned (or got stuck)
 * first; *stuck is set in the latter case. */
static size_t dribble(struct job *j, int test_fd, const unsigned char *b,
		      size_t n, int *stuck)
{
	*stuck = 0;
	for (size_t i = 0; i < n; i++) {
		send_all(test_fd, b + i, 1);
		if (i + 1 == n)
			break;
		int w = wait_reader_idle(j, 2.0);
		if (w == 0)
			return i + 1;
		if (w < 0) {
			*stuck = 1;
			return i + 1;
		}
	}
	return n;
}

/* ======================================================================== */
/* unit: the header                                                          */
/* ======================================================================== */

CHECK(lab07, unit_header_bytes, 1,
      "fr_put_len/fr_get_len: 4 bytes, most significant first, on any host")
{
	const uint32_t vals[] = {0, 23, 0x01020304u, 65536, 0x80000000u,
				 0xffffffffu};
	for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		unsigned char h[8], want[4];
		memset(h, 0xaa, sizeof(h));
		put_be32(want, vals[k]);
		fr_put_len(h, vals[k]);
		unsigned char swapped[4] = {want[3], want[2], want[1], want[0]};
		cr_assert(memcmp(h, want, 4) == 0, "fr_put_len(%lu) stored %s; "
			  "expected %s: the length goes most significant byte first "
			  "(network byte order)%s", (unsigned long)vals[k], hex(h, 4),
			  hex(want, 4), memcmp(h, swapped, 4) == 0 && vals[k] != 0 ?
			  ". These are the host's own bytes, least significant "
			  "first (x86 is little-endian): shift, or htonl() before "
			  "copying" : h[0] == 0xaa ? " (nothing was stored: not "
			  "implemented yet?)" : "");
		cr_assert(h[4] == 0xaa && h[5] == 0xaa, "fr_put_len(%lu) wrote past "
			  "the 4 bytes of the header", (unsigned long)vals[k]);
		uint32_t got = fr_get_len(want);
		cr_assert(got == vals[k], "fr_get_len(%s) returned %lu (0x%08lx); "
			  "expected %lu (0x%08lx): read the first byte as the most "
			  "significant%s", hex(want, 4), (unsigned long)got,
			  (unsigned long)got, (unsigned long)vals[k],
			  (unsigned long)vals[k], got == __builtin_bswap32(vals[k]) ?
			  " (the bytes were taken in the host's order: ntohl(), or "
			  "shifts)" : vals[k] >= 0x80000000u ? " (cast each byte to "
			  "uint32_t before shifting it by 24: an int cannot hold "
			  "0x80 << 24)" : "");
	}
}

/* ======================================================================== */
/* unit: readn and writen                                                    */
/* ======================================================================== */

static struct job readn_job, eintr_job, writen_job, frame_job, serve_job;

CHECK(lab07, unit_readn_dribble, 1,
      "readn: bytes arriving one per read() make one buffer; EOF gives the count")
{
	int sv[2];
	make_pair(sv);
	static unsigned char got[16];
	const char *text = "0123456789";
	struct job *j = &readn_job;
	memset(got, 0, sizeof(got));
	*j = (struct job){.kind = JOB_READN, .fd = sv[0], .buf = got, .len = 10};
	job_start(j);
	int stuck;
	size_t sent = dribble(j, sv[1], (const unsigned char *)text, 10, &stuck);
	cr_assert(!stuck, "readn(fd, buf, 10) was given byte %zu and neither "
		  "read it nor returned within 2 s", sent);
	reader_finish(j, sv[1], "readn(fd, buf, 10) was given its 10 bytes one "
		      "per write()");
	cr_assert(sent == 10, "readn(fd, buf, 10) returned %s after only %zu of "
		  "the 10 bytes had been sent, one write() each%s",
		  outcome(j->rc, j->err), sent, advice(j->err, ": a read() returns "
		  "what has arrived (here 1 byte); call it again for the rest "
		  "until len bytes are in"));
	cr_assert(j->rc == 10 && memcmp(got, text, 10) == 0, "readn(fd, buf, "
		  "10), fed one byte per write(), returned %s with \"%s\"; "
		  "expected 10 with \"%s\" (each read() at buf + done, for len - "
		  "done bytes)", outcome(j->rc, j->err), shown(got, 10), text);

	/* 5 bytes, then the peer's EOF: readn gives the 5. */
	memset(got, 0, sizeof(got));
	*j = (struct job){.kind = JOB_READN, .fd = sv[0], .buf = got, .len = 8};
	job_start(j);
	send_all(sv[1], "abcde", 5);
	int w = wait_reader_idle(j, 2.0);
	shutdown(sv[1], SHUT_WR);
	if (!job_wait(j, 2.0)) {
		job_abandon(j, sv[1]);
		cr_assert_fail("readn(fd, buf, 8) did not return within 2 s after 5 "
			       "bytes and the peer's EOF: read() returning 0 is "
			       "EOF, stop there");
	}
	cr_assert(j->rc == 5 && memcmp(got, "abcde", 5) == 0, "readn(fd, buf, 8) "
		  "got 5 bytes, then the peer closed: it returned %s%s; expected "
		  "5, the count read before EOF", outcome(j->rc, j->err),
		  w == 0 ? " before the EOF" : "");
	long rc = readn(sv[0], got, 8);
	int e = errno;
	cr_assert(rc == 0, "readn(fd, buf, 8) at EOF returned %s; expected 0 (the "
		  "peer closed before the first byte)", outcome(rc, e));
	close(sv[0]);
	close(sv[1]);
}

/* Interrupts job j with SIGUSR1 while it is blocked in read(), then waits
 * until the handler ran and j is blocked in read() again. Returns 1 when
 * it is, 0 when j returned instead, -1 when it never blocked. */
static int interrupt_read(struct job *j)
{
	if (wait_reader_idle(j, 2.0) != 1)
		return job_done(j) ? 0 : -1;
	int before = usr1_caught;
	syscall(SYS_tgkill, getpid(), j->tid, SIGUSR1);
	int64_t deadline = mono_deadline(2.0);
	while (usr1_caught == before && mono_ms_left(deadline) > 0)
		sched_yield();
	int w = wait_reader_idle(j, 2.0);
	return w == 1 ? 1 : w == 0 ? 0 : -1;
}

CHECK(lab07, unit_read_eintr, 2,
      "readn and frame_read: SIGUSR1 (no SA_RESTART) in read(): go on, whole frame")
{
	install_handlers();
	int sv[2];
	make_pair(sv);
	static unsigned char got[32];
	struct job *j = &eintr_job;
	memset(got, 0, sizeof(got));
	*j = (struct job){.kind = JOB_READN, .fd = sv[0], .buf = got, .len = 12};
	job_start(j);
	send_all(sv[1], "hello", 5);
	int r = interrupt_read(j);
	if (r == 0)
		cr_assert_fail("readn(fd, buf, 12) returned %s when SIGUSR1 "
			       "interrupted its read() after 5 of the 12 bytes had "
			       "come%s", outcome(j->rc, j->err), advice(j->err,
			       ": the handler ran while read() waited (EINTR), "
			       "nothing was read and nothing is wrong; call read() "
			       "again"));
	cr_assert(r == 1, "readn(fd, buf, 12) was never seen blocked in read() "
		  "again after 5 bytes and a SIGUSR1");
	send_all(sv[1], " world!", 7);
	reader_finish(j, sv[1], "readn(fd, buf, 12) was given its 12 bytes, a "
		      "signal in between");
	cr_assert(j->rc == 12 && memcmp(got, "hello world!", 12) == 0,
		  "readn(fd, buf, 12) interrupted once by a signal returned %s "
		  "with \"%s\"; expected 12 with \"hello world!\"",
		  outcome(j->rc, j->err), shown(got, 12));

	/* frame_read, interrupted inside the header and inside the payload. */
	unsigned char fr[64];
	size_t n = mkframe(fr, "interrupted twice", 17);
	*j = (struct job){.kind = JOB_FRAME_READ, .fd = sv[0], .max = 100};
	job_start(j);
	send_all(sv[1], fr, 2);
	r = interrupt_read(j);
	if (r == 1) {
		send_all(sv[1], fr + 2, 7);
		r = interrupt_read(j);
	}
	if (r == 0)
		cr_assert_fail("frame_read returned %s when SIGUSR1 interrupted a "
			       "read() it was blocked in (after %s bytes of the "
			       "21-byte frame)%s", outcome(j->rc, j->err),
			       usr1_caught <= 1 ? "2" : "9",
			       early_why(j->err, j->f.len, 17));
	cr_assert(r == 1, "frame_read was never seen blocked in read() again "
		  "after a SIGUSR1");
	send_all(sv[1], fr + 9, n - 9);
	reader_finish(j, sv[1], "frame_read was given a whole 21-byte frame, "
		      "two signals in between");
	cr_assert(j->rc == 1 && j->f.len == 17 && j->f.data &&
		  memcmp(j->f.data, "interrupted twice", 17) == 0,
		  "frame_read of a 17-byte frame interrupted twice by SIGUSR1 "
		  "(in the header and in the payload) returned %s, len %lu, "
		  "\"%s\"; expected 1, 17, \"interrupted twice\"",
		  outcome(j->rc, j->err), (unsigned long)j->f.len,
		  j->f.data && j->rc == 1 ? shown(j->f.data, j->f.len) : "");
	job_frame_free(&j->f);
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab07, unit_writen_short, 2,
      "writen: tiny SO_SNDBUF, slow reader, send() cut by signals: all bytes, in order")
{
	install_handlers();
	int sv[2];
	make_pair(sv);
	int one = 1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	enum { TOTAL = 150000 };
	static unsigned char src[TOTAL], got[TOTAL + 4096];
	fill_pattern(src, TOTAL);
	struct job *j = &writen_job;
	*j = (struct job){.kind = JOB_WRITEN, .fd = sv[0], .buf = src, .len = TOTAL};
	job_start(j);
	/* The test reads 1500 bytes at a time, and each time the writer is
	 * blocked in send() it gets a SIGUSR1 first: a send() that had queued
	 * part of the buffer returns that short count, one that had queued
	 * nothing returns EINTR. */
	size_t got_n = 0;
	int signals = 0;
	int64_t deadline = mono_deadline(6.0);
	while (got_n < sizeof(got) && mono_ms_left(deadline) > 0) {
		if (!job_done(j) && h_blocked_in_one_of(j->dir, h_send_calls, sv[0])) {
			syscall(SYS_tgkill, getpid(), j->tid, SIGUSR1);
			signals++;
		}
		struct pollfd p = {.fd = sv[1], .events = POLLIN};
		if (poll(&p, 1, job_done(j) ? 50 : 2) <= 0) {
			if (job_done(j))
				break; /* returned, and nothing more comes */
			continue;
		}
		size_t want = sizeof(got) - got_n < 1500 ? sizeof(got) - got_n : 1500;
		ssize_t n = read(sv[1], got + got_n, want);
		if (n <= 0)
			break;
		got_n += (size_t)n;
	}
	int returned = job_wait(j, 1.0);
	if (!returned)
		job_abandon(j, sv[1]);
	size_t same = 0;
	while (same < got_n && same < TOTAL && got[same] == src[same])
		same++;
	cr_assert(pipe_caught == 0, "writen raised SIGPIPE: send with "
		  "MSG_NOSIGNAL");
	cr_assert(same == got_n || got_n == 0, "writen(fd, buf, %d): byte %zu "
		  "of what arrived is '%c' of \"%s\"; expected '%c' of \"%s\": "
		  "after a short count send the REST, from buf + done (%zu "
		  "bytes had arrived in order before it)", TOTAL, same,
		  got[same], shown(got + same - same % 9, 9), src[same],
		  shown(src + same - same % 9, 9), same);
	cr_assert(returned, "writen(fd, buf, %d) had not returned 1 s after the "
		  "test had read %zu bytes and found no more coming%s", TOTAL,
		  got_n, got_n > TOTAL ? ": it sent more bytes than it was given" :
		  "");
	cr_assert(j->rc == TOTAL && got_n == TOTAL, "writen(fd, buf, %d) returned "
		  "%s and the reader received %zu bytes; expected %d and %d. "
		  "%s", TOTAL, outcome(j->rc, j->err), got_n, TOTAL, TOTAL,
		  j->err == ENOSYS ? "" : j->rc == -1 && j->err == EINTR ? "A signal interrupted a send() "
		  "that had queued nothing: EINTR is no failure, send again" :
		  got_n < TOTAL ? "A send() cut short by a signal returns the "
		  "count it queued; the rest must be sent too" : "");
	cr_assert(signals >= 5, "test setup: the writer was blocked in send() "
		  "only %d times (a SO_SNDBUF of 4608 bytes and a slow reader "
		  "should block it dozens of times)", signals);

	/* The reader has gone: EPIPE, never SIGPIPE. */
	close(sv[1]);
	long rc = writen(sv[0], "x", 1);
	int e = errno;
	cr_assert(pipe_caught == 0, "writen to a socket whose peer had closed "
		  "raised SIGPIPE (whose default action kills): send with "
		  "MSG_NOSIGNAL");
	cr_assert(rc == -1 && e == EPIPE, "writen to a socket whose peer had "
		  "closed returned %s; expected -1 with errno EPIPE",
		  outcome(rc, e));
	close(sv[0]);
}

/* ======================================================================== */
/* unit: frames                                                              */
/* ======================================================================== */

/* Asserts that frame_write(sv0, p, len) put exactly the frame on the wire. */
static void expect_written(int sv[2], const char *p, uint32_t len,
			   const char *what)
{
	static unsigned char want[FR_MAX_PAYLOAD + 8], got[FR_MAX_PAYLOAD + 64];
	size_t wn = mkframe(want, p, len);
	int r = frame_write(sv[0], p, len);
	int e = errno;
	check_ok(r, e, what);
	size_t gn = drain_now(sv[1], got, sizeof(got));
	size_t k = 0;
	while (k < gn && k < wn && got[k] == want[k])
		k++;
	cr_assert(gn == wn && k == wn, "%s put %zu bytes on the wire (%s); "
		  "expected the %zu bytes of the frame (%s): the 4-byte length "
		  "%lu, most significant byte first, then the payload, nothing "
		  "else%s", what, gn, hex(got, gn), wn, hex(want, wn),
		  (unsigned long)len, gn >= 4 && k < 4 ? " (the header differs)" :
		  gn > wn ? " (bytes after the frame)" : "");
}

CHECK(lab07, unit_frame_write, 1,
      "frame_write: exactly header + payload; EMSGSIZE sends nothing; EPIPE")
{
	install_handlers();
	int sv[2];
	make_pair(sv);
	expect_written(sv, "hello", 5, "frame_write(fd, \"hello\", 5)");
	expect_written(sv, NULL, 0, "frame_write(fd, NULL, 0)");
	expect_written(sv, FR_MESSAGE, 23, "frame_write(fd, the seed's message, 23)");
	static char big[FR_MAX_PAYLOAD + 1];
	fill_pattern((unsigned char *)big, sizeof(big));
	expect_written(sv, big, FR_MAX_PAYLOAD,
		       "frame_write(fd, buf, FR_MAX_PAYLOAD)");
	int r = frame_write(sv[0], big, FR_MAX_PAYLOAD + 1);
	int e = errno;
	check_errno(r, e, EMSGSIZE, "frame_write(fd, buf, FR_MAX_PAYLOAD + 1)");
	cr_assert(inq(sv[1]) == 0, "frame_write(fd, buf, FR_MAX_PAYLOAD + 1) "
		  "failed but sent %d bytes first: check the length before "
		  "sending anything", inq(sv[1]));
	r = frame_write(sv[0], NULL, 3);
	e = errno;
	check_errno(r, e, EINVAL, "frame_write(fd, NULL, 3)");
	close(sv[1]);
	r = frame_write(sv[0], "late", 4);
	e = errno;
	cr_assert(pipe_caught == 0, "frame_write to a peer that had closed raised "
		  "SIGPIPE: writen must send with MSG_NOSIGNAL");
	check_errno(r, e, EPIPE, "frame_write after the peer closed");
	close(sv[0]);
}

CHECK(lab07, unit_frame_dribble, 1,
      "frame_read: a frame byte by byte; three frames in one write, read exactly")
{
	int sv[2];
	make_pair(sv);
	unsigned char fr[64];
	size_t n = mkframe(fr, FR_MESSAGE, 23);
	struct job *j = &frame_job;
	*j = (struct job){.kind = JOB_FRAME_READ, .fd = sv[0], .max = 1000};
	job_start(j);
	int stuck;
	size_t sent = dribble(j, sv[1], fr, n, &stuck);
	cr_assert(!stuck, "frame_read was given byte %zu of a 27-byte frame and "
		  "neither read it nor returned within 2 s", sent);
	reader_finish(j, sv[1], "frame_read was given a whole 27-byte frame, one "
		      "byte per write()");
	cr_assert(sent == n, "frame_read returned %s after %zu of the frame's %zu "
		  "bytes had been sent, one write() each%s", outcome(j->rc, j->err),
		  sent, n, early_why(j->err, j->f.len, 23));
	cr_assert(j->rc == 1 && j->f.len == 23 && j->f.data &&
		  memcmp(j->f.data, FR_MESSAGE, 23) == 0 && j->f.data[23] == 0,
		  "frame_read of the seed's message sent one byte at a time "
		  "returned %s, len %lu, data \"%s\"; expected 1, 23, the message "
		  "followed by a zero byte", outcome(j->rc, j->err),
		  (unsigned long)j->f.len, j->rc == 1 && j->f.data ?
		  shown(j->f.data, j->f.len) : "");
	job_frame_free(&j->f);

	/* Three frames in one write(): each read takes its own bytes only. */
	unsigned char three[64];
	size_t t = mkframe(three, "one", 3);
	t += mkframe(three + t, "", 0);
	t += mkframe(three + t, "three!", 6);
	send_all(sv[1], three, t);
	const char *want[] = {"one", "", "three!"};
	size_t left = t;
	for (int k = 0; k < 3; k++) {
		*j = (struct job){.kind = JOB_FRAME_READ, .fd = sv[0], .max = 1000};
		job_start(j);
		/* All it may read is there: asleep in read() means it asked
		 * for more than the frames hold. */
		if (wait_reader_idle(j, 2.0) != 0) {
			job_abandon(j, sv[1]);
			cr_assert_fail("three frames (\"one\", \"\", \"three!\", 21 "
				       "bytes) sent in one write(): frame_read call %d "
				       "waited in read() for more bytes than were left: "
				       "an earlier call took bytes past its frame, or "
				       "this one asked for more than its frame holds",
				       k + 1);
		}
		job_wait(j, 1.0);
		struct frame *f = &j->f;
		size_t wl = strlen(want[k]);
		left -= 4 + wl;
		cr_assert(j->rc == 1 && f->len == wl && f->data &&
			  memcmp(f->data, want[k], wl) == 0, "three frames (\"one\", "
			  "\"\", \"three!\") sent in one write(): frame_read call %d "
			  "returned %s, len %lu, \"%s\"; expected 1, %zu, \"%s\"", k + 1,
			  outcome(j->rc, j->err), (unsigned long)f->len,
			  j->rc == 1 && f->data ? shown(f->data, f->len) : "", wl,
			  want[k]);
		cr_assert(inq(sv[0]) == (int)left, "after frame_read call %d, %d "
			  "bytes were left in the socket; expected %zu, the frames "
			  "after it: read exactly 4 + len bytes, never more (the "
			  "next frame's bytes belong to the next call)", k + 1,
			  inq(sv[0]), left);
		job_frame_free(f);
	}
	/* The peer closes between frames: the normal end. */
	shutdown(sv[1], SHUT_WR);
	struct frame f = {.len = 7, .data = (unsigned char *)"x"};
	int r = frame_read(sv[0], &f, 1000);
	int e = errno;
	cr_assert(r == 0 && f.data == NULL, "frame_read at the peer's EOF "
		  "between two frames returned %s%s; expected 0 with f->data NULL "
		  "(the normal end of a conversation)", outcome(r, e),
		  r == 0 ? " but left f->data set" : "");
	close(sv[0]);
	close(sv[1]);
}

/* Runs frame_read(sv[0], ..., max) in a thread after the test has sent
 * b[0..n) (and shut down its sending side when shut). Everything it may
 * read is there already: a frame_read seen blocked in read() with nothing
 * left to read, or still running after 1 s, waits for bytes it should not
 * want. The test then shuts its end down and says so in late. */
static int timed_frame_read(int sv[2], const void *b, size_t n, int shut,
			    uint32_t max, int *late)
{
	struct job *j = &frame_job;
	*j = (struct job){.kind = JOB_FRAME_READ, .fd = sv[0], .max = max};
	if (n)
		send_all(sv[1], b, n);
	if (shut)
		shutdown(sv[1], SHUT_WR);
	job_start(j);
	*late = wait_reader_idle(j, 1.0) != 0;
	if (*late)
		job_abandon(j, sv[1]);
	else
		job_wait(j, 1.0);
	return (int)j->rc;
}

CHECK(lab07, unit_frame_oversized, 2,
      "frame_read: a length over max (or garbage) is EMSGSIZE at once, 4 bytes read")
{
	struct {
		const char *what;
		unsigned char bytes[32];
		size_t n;
		uint32_t max, announced;
	} cases[] = {
		{"a header announcing 65537 bytes (FR_MAX_PAYLOAD + 1), then 10 "
		 "bytes", {0, 1, 0, 1, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
		 'x'}, 14, FR_MAX_PAYLOAD, 65537},
		{"a header announcing 101 bytes with max 100, then 10 bytes",
		 {0, 0, 0, 101, 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'},
		 14, 100, 101},
		{"a header ff ff ff ff (4 GiB)", {0xff, 0xff, 0xff, 0xff, 'z', 'z'},
		 6, 1000, 0xffffffffu},
		{"the text \"GET / HTTP/1.0\" (garbage: its first 4 bytes read as a "
		 "length)", "GET / HTTP/1.0\r\n\r\n", 18, FR_MAX_PAYLOAD,
		 0x47455420u},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int sv[2];
		make_pair(sv);
		int late;
		int r = timed_frame_read(sv, cases[k].bytes, cases[k].n, 0,
					 cases[k].max, &late);
		struct job *j = &frame_job;
		cr_assert(!late, "frame_read(max %lu) on %s waited in read() for "
			  "more bytes: it tried to read the payload; compare the "
			  "length with max first and refuse it (EMSGSIZE) without "
			  "reading on", (unsigned long)cases[k].max, cases[k].what);
		cr_assert(r == -1 && j->err == EMSGSIZE, "frame_read(max %lu) on "
			  "%s returned %s; expected -1 with errno EMSGSIZE%s",
			  (unsigned long)cases[k].max, cases[k].what,
			  outcome(r, j->err), r == -1 && j->err == ENOMEM ?
			  " (ENOMEM: it allocated the announced length before "
			  "comparing it with max)" : "");
		cr_assert(j->f.len == cases[k].announced && j->f.data == NULL,
			  "after EMSGSIZE on %s, f->len is %lu and f->data %s; "
			  "expected f->len %lu (the announced length, for the log) "
			  "and f->data NULL", cases[k].what, (unsigned long)j->f.len,
			  j->f.data ? "set" : "NULL",
			  (unsigned long)cases[k].announced);
		cr_assert(inq(sv[0]) == (int)cases[k].n - 4, "after EMSGSIZE on %s, "
			  "%d bytes were left unread; expected %zu: only the 4 "
			  "header bytes may be consumed", cases[k].what, inq(sv[0]),
			  cases[k].n - 4);
		close(sv[0]);
		close(sv[1]);
	}
	/* A length of exactly max is allowed. */
	int sv[2];
	make_pair(sv);
	static unsigned char fr[128];
	unsigned char pay[100];
	memset(pay, 'm', sizeof(pay));
	size_t n = mkframe(fr, pay, 100);
	int late;
	int r = timed_frame_read(sv, fr, n, 0, 100, &late);
	struct job *j = &frame_job;
	cr_assert(!late && r == 1 && j->f.len == 100, "frame_read(max 100) on a "
		  "100-byte frame returned %s%s; expected 1: a frame of exactly "
		  "max bytes is allowed", late ? "nothing (it waited for more)" :
		  outcome(r, j->err), "");
	job_frame_free(&j->f);
	/* EOF first: a frame_read that does not check max returns instead of
	 * waiting for ever. */
	shutdown(sv[1], SHUT_WR);
	struct frame f;
	r = frame_read(sv[0], &f, 0);
	int e = errno;
	check_errno(r, e, EINVAL, "frame_read(fd, &f, max 0)");
	r = frame_read(sv[0], &f, FR_MAX_PAYLOAD + 1);
	e = errno;
	check_errno(r, e, EINVAL, "frame_read(fd, &f, FR_MAX_PAYLOAD + 1)");
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab07, unit_frame_truncated, 1,
      "frame_read: EOF inside a frame is EPROTO, EOF between frames 0; ECONNRESET kept")
{
	struct {
		const char *what;
		unsigned char bytes[16];
		size_t n;
		int want_rc, want_err;
	} cases[] = {
		{"2 header bytes, then EOF", {0, 0}, 2, -1, EPROTO},
		{"a header announcing 10 bytes, 4 of them, then EOF",
		 {0, 0, 0, 10, 'a', 'b', 'c', 'd'}, 8, -1, EPROTO},
		{"a header announcing 1 byte, then EOF", {0, 0, 0, 1}, 4, -1, EPROTO},
		{"EOF before any byte", {0}, 0, 0, 0},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int sv[2];
		make_pair(sv);
		int late;
		int r = timed_frame_read(sv, cases[k].bytes, cases[k].n, 1, 1000,
					 &late);
		struct job *j = &frame_job;
		cr_assert(!late, "frame_read on %s did not return: read() "
			  "returning 0 means EOF; stop there", cases[k].what);
		if (cases[k].want_rc == 0)
			cr_assert(r == 0, "frame_read on %s returned %s; expected 0: "
				  "the peer closed exactly at a frame boundary, the "
				  "normal end", cases[k].what, outcome(r, j->err));
		else
			cr_assert(r == -1 && j->err == cases[k].want_err, "frame_read "
				  "on %s returned %s; expected -1 with errno EPROTO: a "
				  "stream that ends inside a frame is broken, and must "
				  "not look like the normal end (0) nor like a whole "
				  "frame", cases[k].what, outcome(r, j->err));
		cr_assert(j->f.data == NULL, "frame_read on %s returned %s but left "
			  "f->data set; expected NULL", cases[k].what,
			  outcome(r, j->err));
		close(sv[0]);
		close(sv[1]);
	}
	/* The peer closed with our data unread in its queue: ECONNRESET,
	 * passed on as it is. */
	int sv[2];
	make_pair(sv);
	send_all(sv[0], "unread", 6);
	close(sv[1]);
	struct frame f;
	int r = frame_read(sv[0], &f, 1000);
	int e = errno;
	check_errno(r, e, ECONNRESET, "frame_read after the peer closed with our "
		    "data unread (read() fails with ECONNRESET: pass it on)");
	close(sv[0]);
}

/* Reads the frames the test's end holds right now into out as text
 * "ABC|<empty>|..." and returns their count (-1 if malformed). */
static int replies_now(int fd, char *out, size_t cap)
{
	static unsigned char buf[4096];
	size_t n = drain_now(fd, buf, sizeof(buf)), at = 0;
	int count = 0;
	size_t len = 0;
	out[0] = '\0';
	while (at + 4 <= n) {
		uint32_t l = (uint32_t)buf[at] << 24 | (uint32_t)buf[at + 1] << 16 |
			     (uint32_t)buf[at + 2] << 8 | buf[at + 3];
		if (at + 4 + l > n)
			return -1;
		len += (size_t)snprintf(out + len, cap - len, "%s%s", count ? "|" : "",
					l ? shown(buf + at + 4, l) : "<empty>");
		at += 4 + l;
		count++;
	}
	return at == n ? count : -1;
}

CHECK(lab07, unit_serve_client, 1,
      "fr_serve_client: one upper-cased reply per frame; no reply to a bad frame")
{
	int sv[2];
	make_pair(sv);
	unsigned char in[128];
	size_t n = mkframe(in, "abc", 3);
	n += mkframe(in + n, "", 0);
	n += mkframe(in + n, FR_MESSAGE, 23);
	send_all(sv[1], in, n);
	shutdown(sv[1], SHUT_WR);
	struct job *j = &serve_job;
	*j = (struct job){.kind = JOB_SERVE, .fd = sv[0], .max = 1000};
	job_start(j);
	if (!job_wait(j, 2.0)) {
		job_abandon(j, sv[1]);
		cr_assert_fail("fr_serve_client had not returned 2 s after the client "
			       "sent three frames and closed its side: EOF between "
			       "frames ends the service (return 0)");
	}
	char got[1024];
	int c = replies_now(sv[1], got, sizeof(got));
	cr_assert(j->rc == 0, "fr_serve_client with three frames, then EOF, "
		  "returned %s; expected 0", outcome(j->rc, j->err));
	cr_assert(c == 3 && strcmp(got, "ABC|<empty>|THE MESSAGE SENDED "
				   "\\xe6\\x88\\xb7!") == 0,
		  "fr_serve_client answered \"abc\", \"\" and the seed's message "
		  "with %d frames \"%s\"; expected 3: \"ABC\", an empty one, \"THE "
		  "MESSAGE SENDED \\xe6\\x88\\xb7!\" (a-z upper-cased, UTF-8 bytes "
		  "unchanged)", c, got);
	cr_assert(j->st.frames == 3 && j->st.bytes_in == 26 && j->st.bytes_out == 26,
		  "fr_serve_client's stats say %lu frames, %llu bytes in, %llu "
		  "out; expected 3, 26, 26", j->st.frames, j->st.bytes_in,
		  j->st.bytes_out);
	close(sv[0]);
	close(sv[1]);

	/* A good frame, then one over the limit: one reply, EMSGSIZE. */
	make_pair(sv);
	n = mkframe(in, "ok", 2);
	put_be32(in + n, 100000);
	memcpy(in + n + 4, "junkjunk", 8);
	send_all(sv[1], in, n + 12);
	*j = (struct job){.kind = JOB_SERVE, .fd = sv[0], .max = 1000};
	job_start(j);
	if (!job_wait(j, 2.0)) {
		job_abandon(j, sv[1]);
		cr_assert_fail("fr_serve_client (max 1000) had not returned 2 s after "
			       "a header announcing 100000 bytes: refuse it at once "
			       "(frame_read's EMSGSIZE) instead of reading on");
	}
	c = replies_now(sv[1], got, sizeof(got));
	cr_assert(j->rc == -1 && j->err == EMSGSIZE && j->st.bad_len == 100000,
		  "fr_serve_client (max 1000) with \"ok\", then a header announcing "
		  "100000 bytes, returned %s with st->bad_len %lu; expected -1 "
		  "with errno EMSGSIZE and bad_len 100000", outcome(j->rc, j->err),
		  (unsigned long)j->st.bad_len);
	cr_assert(c == 1 && strcmp(got, "OK") == 0 && j->st.frames == 1,
		  "the client got %d reply frames \"%s\" (stats: %lu frames); "
		  "expected one, \"OK\": a refused frame gets no reply", c, got,
		  j->st.frames);
	close(sv[0]);
	close(sv[1]);
}

/* ======================================================================== */
/* box                                                                       */
/* ======================================================================== */

/* The pid of the fserver under test (the program itself, also when it
 * runs under strace), so that a wait for its reply can tell "not yet" from
 * "never": a server asleep in read() with all our bytes taken will not
 * answer. 0 when unknown. */
static pid_t srv_pid;

/* Starts fserver at path with extra arguments (NULL-terminated, up to 6)
 * and waits until it listens. */
static void start_server(struct h_proc *p, const char *path, ...)
{
	const char *argv[12] = {h_bin("fserver"), path};
	size_t k = 2;
	va_list ap;
	va_start(ap, path);
	for (const char *a; k < 10 && (a = va_arg(ap, const char *)) != NULL;)
		argv[k++] = a;
	va_end(ap);
	argv[k] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s: %s", argv[0],
		  strerror(errno));
	srv_pid = p->pid;
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) != 0)
		cr_assert_fail("expected fserver to listen at %s: %s", path, why);
}

/* Fails the check with msg and the story of the program s (label names
 * it): how it ended (or that it runs) and the end of its stdout and
 * stderr. */
static void __attribute__((__noreturn__, format(printf, 3, 4)))
fail_story(const char *label, struct h_proc *s, const char *fmt, ...)
{
	static char msg[5000];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s) {
		h_wait_exit(s, 0);
		char d[96];
		char *o = h_output(s, 1), *e = h_output(s, 2);
		if (n > 0 && (size_t)n < sizeof(msg))
			snprintf(msg + n, sizeof(msg) - (size_t)n, "\n  %s: %s; "
				 "stdout: %s; stderr: %s", label, h_describe(s, d, sizeof(d)),
				 h_one_line_tail(o, 700), h_one_line_tail(e, 300));
		free(o);
		free(e);
	}
	cr_assert_fail("%s", msg);
	abort();
}

#define fail_server(s, ...) fail_story("fserver", (s), __VA_ARGS__)
#define fail_client(c, ...) fail_story("fclient", (c), __VA_ARGS__)

/* Connects a test client to the server s at path, once the server waits
 * in accept() (up to 2 s): a server that has ended fails the check here,
 * and a connection never lands in the backlog of a dying server. */
static int client_of(struct h_proc *s, const char *path)
{
	static const long accepts[] = {SYS_accept, SYS_accept4, -1};
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)srv_pid);
	int64_t deadline = mono_deadline(2.0);
	while (srv_pid > 0 && !h_blocked_in_one_of(dir, accepts, -1) &&
	       mono_ms_left(deadline) > 0) {
		if (h_wait_exit(s, 0) == 0)
			fail_server(s, "a new client could not connect to %s: fserver "
				    "had ended. A client's error, whatever it is, must "
				    "end only that client's connection, never the "
				    "server", path);
		struct pollfd none;
		poll(&none, 0, 1);
	}
	int fd = h_connect(path);
	if (fd >= 0)
		return fd;
	int err = errno;
	if (h_wait_exit(s, 1.0) == 0)
		fail_server(s, "a new client could not connect to %s (%s): fserver "
			    "had ended. A client's error, whatever it is, must end "
			    "only that client's connection, never the server",
			    path, errno_name(err));
	fail_server(s, "a test client could not connect to %s: %s", path,
		    errno_name(err));
}

/* Reads one frame from fd within 3 s and expects it to be the frame of
 * want (len bytes). Gives up at once when the server is back in read()
 * and nothing more can come. */
static void expect_frame(struct h_proc *s, int fd, const unsigned char *want,
			 uint32_t len, const char *what)
{
	static unsigned char w[FR_MAX_PAYLOAD + 8], got[FR_MAX_PAYLOAD + 8];
	size_t n = mkframe(w, want, len);
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)srv_pid);
	size_t g = 0;
	int eof = 0, stuck = 0;
	int64_t deadline = mono_deadline(3.0);
	while (g < n && mono_ms_left(deadline) > 0) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 2) > 0) {
			ssize_t r = read(fd, got + g, n - g);
			if (r > 0) {
				g += (size_t)r;
				continue;
			}
			eof = r == 0 || errno == ECONNRESET;
			if (r == -1 && errno == EINTR)
				continue;
			break;
		}
		/* Back in read() with all our bytes taken and nothing for us:
		 * no more reply is coming. */
		if (srv_pid > 0 && outq(fd) == 0 && inq(fd) == 0 &&
		    h_blocked_in_one_of(dir, h_read_calls, -1) && poll(&pf, 1, 0) == 0) {
			stuck = 1;
			break;
		}
	}
	size_t k = 0;
	while (k < g && got[k] == w[k])
		k++;
	if (g != n || k != n) {
		int ended = eof && h_wait_exit(s, 1.0) == 0;
		fail_server(s, "%s: expected the reply frame, %zu bytes (%s ... "
			    "\"%s\"); got %zu bytes%s%s%s%s%s", what, n, hex(w, 4),
			    shown(w + 4, len), g,
			    eof ? " then the connection closed" : "",
			    k < g ? ", differing from byte " : "",
			    k < g ? hex(got + k, g - k < 4 ? g - k : 4) : "",
			    ended ? "; fserver had ended: a client's error must end "
			    "only that client's connection, never the server" : "",
			    !stuck ? (g < n && !eof ? " within 3 s" : "") : g == 0 ?
			    "; fserver had taken every byte sent and waited in "
			    "read() for more: it asked for more bytes than the frame "
			    "holds (read exactly 4, then exactly len)" : "; fserver "
			    "went back to read() without sending the rest of its "
			    "reply");
	}
}

/* Sends the frame of p and expects its upper-cased reply within 3 s. */
static void expect_reply(struct h_proc *s, int fd, const void *p, uint32_t len,
			 const char *what)
{
	static unsigned char out[FR_MAX_PAYLOAD + 8], want[FR_MAX_PAYLOAD + 8];
	size_t n = mkframe(out, p, len);
	send_all(fd, out, n);
	memcpy(want, p, len);
	upper(want, len);
	expect_frame(s, fd, want, len, what);
}

/* Waits until fserver's stdout holds at least n lines containing "end: ".
 * Returns its stdout (malloc). */
static char *wait_log_ends(struct h_proc *s, int n, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		char *out = h_output(s, 1);
		int c = 0;
		for (const char *q = out; (q = strstr(q, "end: ")) != NULL; q++)
			c++;
		if (c >= n || mono_ms_left(deadline) == 0)
			return out;
		free(out);
		struct pollfd none;
		poll(&none, 0, 2);
	}
}

/* The log line of client k, in buf (empty when missing). */
static const char *client_line(const char *log, unsigned long k, char *buf,
			       size_t cap)
{
	char head[32];
	snprintf(head, sizeof(head), "client %lu: ", k);
	buf[0] = '\0';
	for (const char *q = log; q && *q;) {
		if (strncmp(q, head, strlen(head)) == 0) {
			size_t l = strcspn(q, "\n");
			snprintf(buf, cap, "%.*s", (int)l, q);
			return buf;
		}
		q = strchr(q, '\n');
		if (q)
			q++;
	}
	return buf;
}

CHECK(lab07, box_exchange, 1,
      "fserver and fclient: texts, an empty frame, 60000-byte frames, all upper-cased")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, NULL);
	const char *argv[] = {h_bin("fclient"), p, FR_MESSAGE, "hello", "",
			      "Mixed Case 123", "--count", "2", NULL};
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, 4.0, &r) == 0, "could not run fclient: %s",
		  strerror(errno));
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 ||
	    !strstr(r.out, "reply 1: 23 bytes: " FR_MESSAGE_UPPER) ||
	    !strstr(r.out, "reply 3: 0 bytes") ||
	    !strstr(r.out, "8 replies as expected"))
		fail_server(&s, "`fclient PATH \"" FR_MESSAGE "\" hello \"\" \"Mixed "
			    "Case 123\" --count 2` should get 8 replies, each its "
			    "request upper-cased, and exit 0; it %s, printing: %s; "
			    "stderr: %s", r.what, h_one_line_tail(r.out, 500),
			    h_one_line_tail(r.err, 300));
	h_result_free(&r);
	const char *argv2[] = {h_bin("fclient"), p, "--size", "60000", "--count",
			       "2", NULL};
	cr_assert(h_run(argv2, NULL, 0, 4.0, &r) == 0, "could not run fclient");
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
		fail_server(&s, "`fclient PATH --size 60000 --count 2` should get two "
			    "60000-byte replies and exit 0; it %s; stderr: %s",
			    r.what, h_one_line_tail(r.err, 300));
	h_result_free(&r);
	char *log = wait_log_ends(&s, 2, 2.0);
	char l1[256], l2[256];
	client_line(log, 1, l1, sizeof(l1));
	client_line(log, 2, l2, sizeof(l2));
	int ok = strstr(l1, "8 frames, 84 bytes in, 84 bytes out, end: EOF") &&
		 strstr(l2, "2 frames, 120000 bytes in, 120000 bytes out, end: EOF");
	free(log);
	if (!ok)
		fail_server(&s, "fserver should log \"client 1: 8 frames, 76 bytes in, "
			    "76 bytes out, end: EOF\" and \"client 2: 2 frames, "
			    "120000 bytes in, 120000 bytes out, end: EOF\" "
			    "(FR_LOG_CLIENT); it logged \"%s\" and \"%s\"", l1, l2);
}

/* Waits until the server (single-threaded, its pid given) has consumed
 * everything the test sent on fd (the test's SIOCOUTQ is 0) and waits in
 * read() again. Fails the check when it answers, closes, ends or stops
 * instead: after says what it had been sent, hint how to fix that. */
static void wait_server_reading(struct h_proc *s, pid_t pid, int fd,
				const char *after, const char *hint)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	int64_t deadline = mono_deadline(2.0);
	while (!(outq(fd) == 0 && h_blocked_in_one_of(dir, h_read_calls, -1))) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 0) > 0) {
			unsigned char early[64];
			int eof;
			size_t g = read_for(fd, early, sizeof(early), 0.2, &eof);
			/* A header refused as too long is another mistake than
			 * a short read taken for the whole. */
			char *log = wait_log_ends(s, 1, 2.0);
			if (strstr(log, "end: EMSGSIZE"))
				hint = "it refused the header as too long (its log "
				       "says EMSGSIZE): decode the length most "
				       "significant byte first (fr_get_len)";
			free(log);
			fail_server(s, "after %s, fserver %s%s%s%s%s", after,
				    g ? "already answered with " : "closed the "
				    "connection", g ? hex(early, g) : "",
				    g && eof ? " and closed" : "", *hint ? ": " : "",
				    hint);
		}
		if (h_wait_exit(s, 0) == 0)
			fail_server(s, "after %s, fserver ended", after);
		if (mono_ms_left(deadline) == 0)
			fail_server(s, "after %s, fserver neither read it nor waited "
				    "in read() again within 2 s", after);
		sched_yield();
	}
}

/* Sends SIGUSR1 into the server's blocked read() (wait_server_reading()
 * first) and waits until the server waits in read() again. Fails the check
 * when it answers, closes, ends or stops instead. */
static void interrupt_server(struct h_proc *s, pid_t pid, int fd,
			     const char *after)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	kill(pid, SIGUSR1);
	/* The signal ends the blocked read() with EINTR; the server must go
	 * back to read() for the rest. */
	int64_t deadline = mono_deadline(2.0);
	while (!h_blocked_in_one_of(dir, h_read_calls, -1)) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int ended = h_wait_exit(s, 0) == 0;
		if (poll(&pf, 1, 0) > 0 || ended || mono_ms_left(deadline) == 0) {
			unsigned char early[64];
			int eof = 0;
			size_t g = ended ? 0 : read_for(fd, early, sizeof(early), 0.2,
							&eof);
			fail_server(s, "SIGUSR1 (its handler installed without "
				    "SA_RESTART) interrupted fserver's read() after %s; "
				    "the server then %s instead of reading on: read() "
				    "returning -1 with EINTR means a handler ran and "
				    "nothing was read; call read() again", after,
				    ended ? "ended" : g ? "answered" : eof ? "closed the "
				    "connection" : "stopped reading");
		}
		sched_yield();
	}
}

/* Sends b[0..n) to the server one byte per write(), waiting after each
 * until it consumed it and waits in read() again, so that every byte
 * reaches it in a read() of its own. With sig_at > 0, once byte sig_at is
 * consumed, interrupts that read() with SIGUSR1. */
static void dribble_to_server(struct h_proc *s, pid_t pid, int fd,
			      const unsigned char *b, size_t n, size_t sig_at)
{
	char after[160];
	for (size_t i = 0; i < n; i++) {
		send_all(fd, b + i, 1);
		if (i + 1 == n)
			break;
		snprintf(after, sizeof(after), "byte %zu of the %zu-byte frame, "
			 "sent one byte per write()", i + 1, n);
		wait_server_reading(s, pid, fd, after, i < 3 ?
				    "a read() that returns fewer bytes than asked "
				    "is not the whole header; read again until all 4 "
				    "are in (readn)" : i == 3 ? "the header was whole "
				    "by then; its log says why it closed" :
				    "a read() that returns fewer bytes than asked is "
				    "not the whole payload; read again until every "
				    "byte is in (readn)");
		if (i + 1 == sig_at) {
			snprintf(after, sizeof(after), "byte %zu of a %zu-byte "
				 "frame", i + 1, n);
			interrupt_server(s, pid, fd, after);
		}
	}
}

CHECK(lab07, box_dribble_server, 1,
      "fserver: a frame sent one byte at a time gets one whole reply, then more")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, NULL);
	int fd = client_of(&s, p);
	unsigned char fr[64];
	size_t n = mkframe(fr, FR_MESSAGE, 23);
	dribble_to_server(&s, s.pid, fd, fr, n, 0);
	expect_frame(&s, fd, (const unsigned char *)FR_MESSAGE_UPPER, 23,
		     "the seed's message, sent one byte per write()");
	expect_reply(&s, fd, "then a frame in one write", 25,
		     "a second frame on the same connection");
	close(fd);
	char *log = wait_log_ends(&s, 1, 2.0);
	char l1[256];
	client_line(log, 1, l1, sizeof(l1));
	free(log);
	if (!strstr(l1, "2 frames") || !strstr(l1, "end: EOF"))
		fail_server(&s, "after the client closed, fserver should log "
			    "\"client 1: 2 frames, ..., end: EOF\"; it logged \"%s\"",
			    l1);
}

CHECK(lab07, box_eintr_server, 1,
      "fserver: SIGUSR1 in its blocked read() (no SA_RESTART): it reads on, replies")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, NULL);
	int fd = client_of(&s, p);
	/* Inside the payload: 6 bytes sent, the server waits for 5 more. */
	unsigned char fr[64];
	size_t n = mkframe(fr, "hello world", 11);
	send_all(fd, fr, 10);
	wait_server_reading(&s, s.pid, fd, "10 bytes of the 15-byte frame of "
			    "\"hello world\" (its header and 6 payload bytes)",
			    "a read() that returns fewer bytes than asked is not "
			    "the whole payload; read again (readn)");
	interrupt_server(&s, s.pid, fd, "10 of the 15 bytes of a frame");
	send_all(fd, fr + 10, n - 10);
	expect_frame(&s, fd, (const unsigned char *)"HELLO WORLD", 11,
		     "\"hello world\", its read() interrupted by SIGUSR1 after "
		     "10 of its 15 bytes");
	/* Between frames: the server waits for the next header. */
	wait_server_reading(&s, s.pid, fd, "its reply to \"hello world\"", "");
	interrupt_server(&s, s.pid, fd, "a whole frame and its reply, while it "
			 "waited for the next header");
	expect_reply(&s, fd, "still served", 12, "a frame after a second SIGUSR1");
	close(fd);
	char *log = wait_log_ends(&s, 1, 2.0);
	char l1[256];
	client_line(log, 1, l1, sizeof(l1));
	free(log);
	if (!strstr(l1, "2 frames") || !strstr(l1, "end: EOF"))
		fail_server(&s, "fserver should log \"client 1: 2 frames, ..., end: "
			    "EOF\" after two signals and the client's EOF; it "
			    "logged \"%s\"%s", l1, strstr(l1, "EINTR") ? ": a signal "
			    "was taken for the end of the client" : "");
}

CHECK(lab07, box_slow_reader, 1,
      "fserver --sndbuf 4096: a 60000-byte reply read slowly, sends cut by signals")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, "--sndbuf", "4096", NULL);
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)s.pid);
	int fd = client_of(&s, p);
	enum { LEN = 60000 };
	static unsigned char fr[LEN + 4], want[LEN + 4], got[LEN + 4];
	fill_pattern(want, LEN);
	size_t n = mkframe(fr, want, LEN);
	upper(want, LEN);
	send_all(fd, fr, n);
	static unsigned char wf[LEN + 4];
	mkframe(wf, want, LEN);
	/* Read 1500 bytes at a time; each time the server is blocked in a
	 * send, interrupt it first: its send() returns a short count or EINTR,
	 * and its writen() must go on from the right byte. */
	size_t g = 0;
	int signals = 0, eof = 0;
	int64_t deadline = mono_deadline(6.0);
	while (g < n && mono_ms_left(deadline) > 0) {
		if (h_blocked_in_one_of(dir, h_send_calls, -1)) {
			kill(s.pid, SIGUSR1);
			signals++;
		}
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 2) <= 0) {
			/* Back in read() with nothing more for us: the server
			 * holds its reply for done. */
			if (h_blocked_in_one_of(dir, h_read_calls, -1) && inq(fd) == 0)
				break;
			continue;
		}
		ssize_t k = read(fd, got + g, n - g < 1500 ? n - g : 1500);
		if (k <= 0) {
			eof = 1;
			break;
		}
		g += (size_t)k;
	}
	size_t same = 0;
	while (same < g && got[same] == wf[same])
		same++;
	if (same < g)
		fail_server(&s, "fserver's 60004-byte reply, read slowly while "
			    "SIGUSR1 interrupted its blocked sends (%d times): byte "
			    "%zu is \"%s\"; expected \"%s\". After a short count, "
			    "send the rest from buf + done, not the start again",
			    signals, same, shown(got + same - same % 9, 9),
			    shown(wf + same - same % 9, 9));
	if (g == 0 && eof)
		fail_server(&s, "fserver closed the connection without replying to "
			    "a 60000-byte frame (its log says why)");
	if (g < n)
		fail_server(&s, "fserver's reply to a 60000-byte frame, read slowly "
			    "while SIGUSR1 interrupted its blocked sends (%d times), "
			    "stopped after %zu of its 60004 bytes%s: a send() cut "
			    "short by a signal returns the count it queued (or -1 "
			    "with EINTR when it queued nothing); writen must send "
			    "the rest", signals, g, eof ? ", and the connection "
			    "closed" : "");
	if (signals < 3)
		fail_server(&s, "fserver --sndbuf 4096 was seen blocked in send() "
			    "only %d times while it sent a 60004-byte reply to a slow "
			    "reader: did fr_server_loop set SO_SNDBUF on the "
			    "connection (o->sndbuf)? With 4096 the reply cannot go "
			    "out at once", signals);
	expect_reply(&s, fd, "in step", 7, "a small frame after the large reply");
	close(fd);
}

/* Connects to the server (pid given), sends b[0..n) (then shuts down its
 * sending side when shut), and waits up to 2 s for the server to close the
 * connection. Fails the check when the server answers or keeps it open;
 * at once when, without shut, it has read everything and waits in read()
 * for more: for bytes that will never come. */
static void bad_client(struct h_proc *s, pid_t pid, const char *p,
		       const unsigned char *b, size_t n, int shut,
		       const char *what, const char *why)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	int fd = client_of(s, p);
	send_all(fd, b, n);
	if (shut)
		shutdown(fd, SHUT_WR);
	unsigned char got[64];
	int eof = 0, waiting = 0;
	size_t g = 0;
	int64_t deadline = mono_deadline(2.0);
	while (mono_ms_left(deadline) > 0) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, 1) > 0) {
			g = read_for(fd, got, sizeof(got), 0.5, &eof);
			break;
		}
		if (!shut && outq(fd) == 0 && h_blocked_in_one_of(dir, h_read_calls, -1) &&
		    poll(&pf, 1, 0) == 0) {
			waiting = 1;
			break;
		}
	}
	close(fd);
	if (waiting)
		fail_server(s, "a client sent %s; fserver read all of it and waited "
			    "in read() for more: %s", what, why);
	if (g > 0)
		fail_server(s, "a client sent %s; fserver answered with %zu bytes "
			    "(%s); expected no reply and the connection closed: %s",
			    what, g, hex(got, g), why);
	if (!eof)
		fail_server(s, "a client sent %s; fserver had not closed the "
			    "connection 2 s later: %s", what, why);
}

CHECK(lab07, box_bad_clients, 2,
      "fserver: oversized and truncated frames end that client (logged), not the server")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, NULL);
	unsigned char b[64];
	put_be32(b, 65537);
	memset(b + 4, 'x', 16);
	bad_client(&s, s.pid, p, b, 20, 0, "a header announcing 65537 bytes (one more "
		   "than FR_MAX_PAYLOAD) and 16 bytes", "refuse the header "
		   "(EMSGSIZE) without reading the payload, and close");
	bad_client(&s, s.pid, p, b, 2, 1, "2 header bytes, then EOF", "the stream ended "
		   "inside a header (EPROTO)");
	put_be32(b, 100);
	memcpy(b + 4, "only ten..", 10);
	bad_client(&s, s.pid, p, b, 14, 1, "a header announcing 100 bytes, 10 of them, "
		   "then EOF", "the stream ended inside a payload (EPROTO)");
	memset(b, 0xff, 4);
	bad_client(&s, s.pid, p, b, 4, 0, "the header ff ff ff ff (4 GiB)", "refuse it "
		   "before allocating anything (EMSGSIZE)");
	int fd = client_of(&s, p);
	expect_reply(&s, fd, "still here", 10, "a good client after four bad ones");
	expect_reply(&s, fd, FR_MESSAGE, 23, "its second frame");
	close(fd);
	char *log = wait_log_ends(&s, 5, 2.0);
	const char *want[] = {"end: EMSGSIZE (announced 65537 bytes, max 65536)",
			      "end: EPROTO", "end: EPROTO",
			      "end: EMSGSIZE (announced 4294967295 bytes",
			      "2 frames, 33 bytes in, 33 bytes out, end: EOF"};
	for (unsigned long k = 1; k <= 5; k++) {
		char line[256];
		client_line(log, k, line, sizeof(line));
		if (!strstr(line, want[k - 1])) {
			free(log);
			fail_server(&s, "fserver's log line for client %lu (of 4 bad "
				    "clients: 65537 bytes announced, 2 header bytes "
				    "then EOF, 10 of 100 payload bytes then EOF, ff "
				    "ff ff ff; then a good one) is \"%s\"; expected it "
				    "to contain \"%s\"", k, line, want[k - 1]);
		}
	}
	free(log);
	if (h_wait_exit(&s, 0) == 0)
		fail_server(&s, "fserver ended after its clients; it must go on "
			    "serving (no --clients given)");
}

/* Runs `socat -t 2 - UNIX-CONNECT:p` with the bytes of in as its input
 * and returns what socat received (malloc, *len bytes). */
static unsigned char *socat_talk(struct h_proc *s, const char *p,
				 const unsigned char *in, size_t n, size_t *len)
{
	const char *inp = h_path("socat.in");
	int f = open(inp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(f >= 0 && write_full(f, in, n) == (ssize_t)n, "test setup: %s",
		  strerror(errno));
	close(f);
	char addr[200];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s", p);
	const char *argv[] = {"/usr/bin/socat", "-t", "2", "-", addr, NULL};
	struct h_proc so;
	cr_assert(h_start(&so, argv, inp) == 0, "could not start socat: %s",
		  strerror(errno));
	if (h_wait_exit(&so, 4.0) != 0) {
		h_stop(&so);
		fail_server(s, "`socat -t 2 - %s` was still running after 4 s: "
			    "fserver did not close the connection after socat's "
			    "EOF", addr);
	}
	char *out = NULL;
	f = open(so.out_path, O_RDONLY | O_CLOEXEC);
	cr_assert(f >= 0 && read_all(f, 1 << 20, &out, len) == 0,
		  "could not read socat's output: %s", strerror(errno));
	close(f);
	return (unsigned char *)out;
}

CHECK(lab07, box_socat_client, 1,
      "socat as a client: raw frames get raw replies; a line of text is refused")
{
	const char *p = h_path("f.sock");
	struct h_proc s;
	start_server(&s, p, NULL);
	unsigned char in[128], want[128];
	size_t n = mkframe(in, "socat says hi", 13);
	n += mkframe(in + n, FR_MESSAGE, 23);
	size_t wn = mkframe(want, "SOCAT SAYS HI", 13);
	wn += mkframe(want + wn, FR_MESSAGE_UPPER, 23);
	size_t len;
	unsigned char *out = socat_talk(&s, p, in, n, &len);
	if (len != wn || memcmp(out, want, wn) != 0)
		fail_server(&s, "socat sent two frames (\"socat says hi\", the seed's "
			    "message: %s ...) and received %zu bytes (%s ...); "
			    "expected the %zu bytes of two reply frames (%s ...)", hex(in, 8),
			    len, hex(out, len), wn, hex(want, 8));
	free(out);
	/* A line of text: its first 4 bytes, "hell", announce 1751477676
	 * bytes. */
	const char *text = "hello server\n";
	out = socat_talk(&s, p, (const unsigned char *)text, strlen(text), &len);
	if (len != 0)
		fail_server(&s, "socat sent the text \"hello server\\n\" and got %zu "
			    "bytes back (%s); expected none: its first 4 bytes read "
			    "as a length of 1751477344, far over the limit",
			    len, hex(out, len));
	free(out);
	close(client_of(&s, p)); /* still there? (client 3: connects, leaves) */
	out = socat_talk(&s, p, in, n, &len);
	if (len != wn || memcmp(out, want, wn) != 0)
		fail_server(&s, "after a client that sent text, socat sent the two "
			    "frames again and received %zu bytes (%s); expected the "
			    "same two replies as before", len, hex(out, len));
	free(out);
	char *log = wait_log_ends(&s, 4, 2.0);
	char l2[256];
	client_line(log, 2, l2, sizeof(l2));
	free(log);
	if (!strstr(l2, "end: EMSGSIZE (announced 1751477356 bytes"))
		fail_server(&s, "for the client that sent \"hello server\\n\", "
			    "fserver should log \"... end: EMSGSIZE (announced "
			    "1751477356 bytes, max 65536)\" (\"hell\" is 68 65 6c 6c); "
			    "it logged \"%s\"", l2);
}

/* The frames here are small enough to cross socat and cat in one piece
 * whatever the timing (a pipe write of at most PIPE_BUF bytes is atomic):
 * the byte-by-byte checks test the pieces, deterministically; this one
 * tests that fclient talks to a peer it was not written with. */
CHECK(lab07, box_socat_server, 1,
      "fclient against socat and cat (an echo server): --same replies, 3000-byte frames")
{
	const char *p = h_path("f.sock");
	char laddr[200];
	snprintf(laddr, sizeof(laddr), "UNIX-LISTEN:%s", p);
	const char *sargv[] = {"/usr/bin/socat", laddr, "EXEC:/bin/cat", NULL};
	struct h_proc so;
	cr_assert(h_start(&so, sargv, NULL) == 0, "could not start socat: %s",
		  strerror(errno));
	char why[1024];
	cr_assert(h_wait_listening(&so, p, 5.0, why, sizeof(why)) == 0,
		  "socat did not listen at %s: %s", p, why);
	const char *argv[] = {h_bin("fclient"), p, "--same", FR_MESSAGE, "",
			      "echo", NULL};
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, 4.0, &r) == 0, "could not run fclient");
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
		  strstr(r.out, "reply 1: 23 bytes: " FR_MESSAGE) &&
		  strstr(r.out, "3 replies as expected"), "`fclient PATH --same "
		  "\"" FR_MESSAGE "\" \"\" echo` against `socat UNIX-LISTEN:PATH "
		  "EXEC:/bin/cat`, which sends back every byte it gets, should "
		  "read 3 frames equal to its requests and exit 0; it %s, "
		  "printing: %s; stderr: %s", r.what, h_one_line_tail(r.out, 400),
		  h_one_line_tail(r.err, 300));
	h_result_free(&r);
	h_stop(&so);
	/* A new name: socat leaves its socket file behind. */
	p = h_path("f2.sock");
	snprintf(laddr, sizeof(laddr), "UNIX-LISTEN:%s", p);
	cr_assert(h_start(&so, sargv, NULL) == 0, "could not start socat again");
	cr_assert(h_wait_listening(&so, p, 5.0, why, sizeof(why)) == 0,
		  "socat did not listen at %s: %s", p, why);
	const char *argv2[] = {h_bin("fclient"), p, "--same", "--size", "3000",
			       "--count", "3", NULL};
	cr_assert(h_run(argv2, NULL, 0, 4.0, &r) == 0, "could not run fclient");
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "`fclient PATH --same --size 3000 --count 3` against socat with "
		  "cat should read back its three 3000-byte frames and exit 0; it "
		  "%s, printing: %s; stderr: %s", r.what, h_one_line_tail(r.out, 300),
		  h_one_line_tail(r.err, 300));
	h_result_free(&r);
}

/* ======================================================================== */
/* trace                                                                     */
/* ======================================================================== */

/* The calls the traces need: the data calls in all their forms, the
 * socket calls, and mmap() (a large malloc() shows as one). */
#define LAB07_TRACE_SET \
	"%network,read,write,readv,writev,close,mmap,exit_group"

/* strace's path: h_start() runs a program by path, not through PATH. */
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

/* Starts args (args[0] a program of the lab) under strace into
 * trace_path; strace leads the process group. Returns the program's pid
 * once it has exec'ed (within 3 s), or -1 when it has already ended. */
static pid_t start_traced(struct h_proc *p, const char *trace_path,
			  const char *const args[])
{
	static char asan[512];
	const char *old = getenv("ASAN_OPTIONS");
	/* LeakSanitizer cannot run under ptrace: with SAN=1 it would fail
	 * every traced program at exit. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
		 old ? old : "", old && *old ? ":" : "");
	const char *argv[32] = {strace_path(), "-f", "-yy", "-ttt", "-T", "-s",
				"256", "-q", "-E", asan, "-o", trace_path, "-e",
				"trace=" LAB07_TRACE_SET, "--"};
	size_t k = 15;
	for (size_t i = 0; args[i] && k < 31; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s under strace: "
		  "%s", args[0], strerror(errno));
	const char *name = strrchr(args[0], '/') ? strrchr(args[0], '/') + 1 : args[0];
	int64_t deadline = mono_deadline(3.0);
	for (;;) {
		pid_t pid = h_child_named(p->pid, name);
		if (pid > 0)
			return pid;
		if (h_wait_exit(p, 0) == 0)
			return -1;
		if (mono_ms_left(deadline) == 0)
			fail_story(name, p, "%s under strace was not running 3 s after "
				   "it was started", name);
		struct pollfd none;
		poll(&none, 0, 1);
	}
}

/* Waits for a traced program to end by itself and loads its trace. */
static void finish_traced(struct h_proc *p, const char *trace_path,
			  struct trace *t, const char *what)
{
	int waited = h_wait_exit(p, 4.0);
	if (waited != 0)
		h_stop(p);
	cr_assert(trace_load(trace_path, t) == 0, "could not read the trace %s: "
		  "%s", trace_path, strerror(errno));
	if (waited != 0)
		fail_story(what, p, "%s under strace was still running after 4 s. Calls "
			    "seen:\n%s", what, h_trace_summary(t, 30));
}

static int is_one_of(const char *name, const char *const names[])
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

static const char *const WRITE_NAMES[] = {"write", "send", "sendto", "sendmsg",
					  "writev", NULL};
static const char *const READ_NAMES[] = {"read", "recv", "recvfrom", "recvmsg",
					 "readv", NULL};

/* The inode of the socket a call's first argument (or its result, when
 * ret) names, or 0. */
static unsigned long call_inode(const struct trace_event *ev, int ret)
{
	char buf[512];
	struct trace_fd f;
	if (ret) {
		if (!ev->ret_text || trace_parse_fd(ev->ret_text, &f) != 0)
			return 0;
		return f.inode;
	}
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0 || trace_parse_fd(buf, &f) != 0)
		return 0;
	return f.inode;
}

/* The length of the quoted string at s ("..." with escapes, and strace's
 * "..." mark after it when it cut the string), or 0. */
static size_t quoted_len(const char *s)
{
	if (*s != '"')
		return 0;
	size_t i = 1;
	while (s[i] && s[i] != '"')
		i += s[i] == '\\' && s[i + 1] ? 2 : 1;
	if (s[i] != '"')
		return 0;
	i++;
	if (strncmp(s + i, "...", 3) == 0)
		i += 3;
	return i;
}

/* One data call on the socket under study. */
struct io_call {
	size_t ev;            /* index in the trace */
	int is_write;
	size_t count;         /* bytes asked (the count argument) */
	long moved;           /* bytes moved, or -1 (failed, interrupted) */
	int intr;             /* interrupted: ERESTARTSYS and kin, or EINTR */
	unsigned char data[512];
	size_t shown;         /* bytes of data strace showed */
};

/* Decodes the data and the count of a data call: the string argument, or
 * the iov_base strings and iov_len numbers of writev/readv/sendmsg. */
static void decode_data(const struct trace_event *ev, struct io_call *c)
{
	static char arg[8192];
	static unsigned char tmp[2048];
	c->shown = 0;
	c->count = 0;
	if (trace_arg(ev, 1, arg, sizeof(arg)) < 0)
		return;
	int iov = strstr(arg, "iov_base=") != NULL;
	if (!iov) {
		char cnt[64];
		int trunc;
		if (trace_arg(ev, 2, cnt, sizeof(cnt)) >= 0)
			c->count = strtoul(cnt, NULL, 10);
		size_t q = quoted_len(arg);
		if (q) {
			arg[q] = '\0';
			int n = trace_unquote(arg, (char *)tmp, sizeof(tmp), &trunc);
			if (n > 0) {
				c->shown = (size_t)n < sizeof(c->data) ? (size_t)n :
					   sizeof(c->data);
				memcpy(c->data, tmp, c->shown);
			}
		}
		return;
	}
	for (const char *s = arg; (s = strstr(s, "iov_base=")) != NULL;) {
		s += strlen("iov_base=");
		size_t q = quoted_len(s);
		if (q) {
			char save = s[q];
			((char *)s)[q] = '\0';
			int trunc;
			int n = trace_unquote(s, (char *)tmp, sizeof(tmp), &trunc);
			((char *)s)[q] = save;
			/* Only a string shown whole lets the next one follow it. */
			for (int i = 0; i < n && c->shown < sizeof(c->data); i++)
				c->data[c->shown++] = tmp[i];
			if (trunc)
				break;
		}
		const char *l = strstr(s, "iov_len=");
		if (l)
			c->count += strtoul(l + strlen("iov_len="), NULL, 10);
	}
}

/* The data calls on the socket inode, in trace order. Returns how many
 * (at most max). */
static size_t collect_io(const struct trace *t, unsigned long inode,
			 struct io_call *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n && n < max; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL)
			continue;
		int w = is_one_of(ev->name, WRITE_NAMES);
		if (!w && !is_one_of(ev->name, READ_NAMES))
			continue;
		if (call_inode(ev, 0) != inode)
			continue;
		struct io_call *c = &out[n++];
		memset(c, 0, sizeof(*c));
		c->ev = i;
		c->is_write = w;
		c->moved = ev->has_ret && ev->ret >= 0 ? ev->ret : -1;
		c->intr = ev->err == EINTR || strncmp(ev->errname, "ERESTART", 8) == 0;
		decode_data(ev, c);
		if (c->shown > (size_t)(c->moved > 0 ? c->moved : 0) && !w)
			c->shown = c->moved > 0 ? (size_t)c->moved : 0;
		if (w && c->moved >= 0 && c->shown > (size_t)c->moved)
			c->shown = (size_t)c->moved;
	}
	return n;
}

/* The first line of trace event k, cut to fit a message. */
static const char *line_of(const struct trace *t, size_t k)
{
	static char buf[4][240];
	static int next;
	char *b = buf[next++ % 4];
	const char *s = k < t->n && t->ev[k].line ? t->ev[k].line : "(no line)";
	size_t n = strcspn(s, "\n");
	snprintf(b, sizeof(buf[0]), "%.*s%s", (int)(n > 220 ? 220 : n), s,
		 n > 220 ? "..." : "");
	return b;
}

/* Compares the bytes the writes in calls put on the wire with want[0..wn):
 * every byte strace showed must be the one expected at its offset, and
 * the counts must add up. Returns NULL when they do, else a sentence. */
static const char *check_written(const struct trace *t, const struct io_call *calls,
				 size_t n, const unsigned char *want, size_t wn)
{
	static char why[1200];
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		const struct io_call *c = &calls[i];
		if (!c->is_write)
			continue;
		for (size_t k = 0; k < c->shown; k++) {
			if (off + k < wn && c->data[k] == want[off + k])
				continue;
			if (off + k >= wn) {
				snprintf(why, sizeof(why), "more bytes were sent than "
					 "the frames hold (%zu): %s", wn,
					 line_of(t, c->ev));
				return why;
			}
			size_t at = off + k;
			snprintf(why, sizeof(why), "byte %zu of the stream is 0x%02x, "
				 "expected 0x%02x (%s): %s", at, c->data[k], want[at],
				 at < 4 ? "in the first header" : "see the frames",
				 line_of(t, c->ev));
			return why;
		}
		if (c->moved > 0)
			off += (size_t)c->moved;
	}
	if (off != wn) {
		snprintf(why, sizeof(why), "the sends on the socket moved %zu bytes "
			 "in all; the frames hold %zu", off, wn);
		return why;
	}
	return NULL;
}

/* A test-side frame server for one connection, in a thread: answers each
 * frame with its payload upper-cased, until EOF. */
struct echo_server {
	pthread_t th;
	int lfd;
	int frames;
};

static void *echo_main(void *arg)
{
	struct echo_server *e = arg;
	struct pollfd p = {.fd = e->lfd, .events = POLLIN};
	if (poll(&p, 1, 4000) <= 0)
		return NULL;
	int c = accept4(e->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return NULL;
	static unsigned char buf[FR_MAX_PAYLOAD + 4];
	for (;;) {
		if (read_full(c, buf, 4) != 4)
			break;
		uint32_t len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
			       (uint32_t)buf[2] << 8 | buf[3];
		if (len > FR_MAX_PAYLOAD || read_full(c, buf + 4, len) != (ssize_t)len)
			break;
		upper(buf + 4, len);
		if (write_full(c, buf, 4 + (size_t)len) < 0)
			break;
		e->frames++;
	}
	close(c);
	return NULL;
}

/* The inode of the client's socket: the first argument of its connect()
 * to path. */
static unsigned long connect_inode(const struct trace *t, const char *path)
{
	char want[300], buf[512];
	snprintf(want, sizeof(want), "sun_path=\"%s\"", path);
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind == TRACE_CALL && strcmp(ev->name, "connect") == 0 &&
		    trace_arg(ev, 1, buf, sizeof(buf)) >= 0 && strstr(buf, want) &&
		    ev->has_ret && ev->ret == 0)
			return call_inode(ev, 0);
	}
	return 0;
}

CHECK(lab07, trace_client_frames, 1,
      "fclient trace: each frame is its 4-byte big-endian length, then the payload")
{
	const char *p = h_path("f.sock"), *tp = h_path("fclient.trace");
	static struct echo_server es;
	es = (struct echo_server){.lfd = h_listen(p, 5)};
	cr_assert(es.lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	cr_assert(pthread_create(&es.th, NULL, echo_main, &es) == 0,
		  "test setup: pthread_create");
	const char *args[] = {h_bin("fclient"), p, FR_MESSAGE, "hello", "", NULL};
	struct h_proc c;
	start_traced(&c, tp, args);
	struct trace t = {0};
	finish_traced(&c, tp, &t, "fclient");
	pthread_join(es.th, NULL);
	close(es.lfd);
	const char *sum = h_trace_summary(&t, 30);
	unsigned long ino = connect_inode(&t, p);
	cr_assert(ino != 0, "no successful connect() to %s in fclient's trace. "
		  "Calls seen:\n%s", p, sum);
	static struct io_call calls[256];
	size_t n = collect_io(&t, ino, calls, 256);
	unsigned char want[64];
	size_t wn = mkframe(want, FR_MESSAGE, 23);
	wn += mkframe(want + wn, "hello", 5);
	wn += mkframe(want + wn, "", 0);
	const char *why = check_written(&t, calls, n, want, wn);
	if (why != NULL)
		fail_client(&c, "fclient sent the seed's message, \"hello\" and "
			    "\"\": the kernel should see the frames 00 00 00 17 + 23 "
			    "bytes, 00 00 00 05 + \"hello\", 00 00 00 00 (40 bytes, "
			    "the lengths big-endian, no padding); %s. Calls seen:\n%s",
			    why, sum);
	size_t got = 0;
	for (size_t i = 0; i < n; i++)
		if (!calls[i].is_write && calls[i].moved > 0)
			got += (size_t)calls[i].moved;
	cr_assert(got == wn && es.frames == 3, "fclient read %zu bytes of replies "
		  "(the test's server answered %d frames); expected the 40 bytes of "
		  "three reply frames. Calls seen:\n%s", got, es.frames, sum);
	char *out = h_output(&c, 1);
	int ok = WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0 &&
		 strstr(out, "3 replies as expected");
	free(out);
	if (!ok)
		fail_client(&c, "fclient under strace should end with \"3 replies as "
			    "expected\" and exit 0");
	trace_free(&t);
}

CHECK(lab07, trace_short_writes, 2,
      "fclient trace: after a short send() the rest goes from the right byte")
{
	install_handlers();
	const char *p = h_path("f.sock"), *tp = h_path("fclient.trace");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {h_bin("fclient"), p, "--size", "60000", "--count",
			      "2", "--sndbuf", "4096", NULL};
	struct h_proc c;
	pid_t pid = start_traced(&c, tp, args);
	if (pid < 0)
		fail_client(&c, "fclient under strace ended at once");
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	struct pollfd pl = {.fd = lfd, .events = POLLIN};
	if (poll(&pl, 1, 3000) <= 0)
		fail_client(&c, "fclient under strace did not connect to %s within "
			    "3 s", p);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert(fd >= 0, "test setup: accept: %s", strerror(errno));
	enum { LEN = 60000, FRAME = LEN + 4 };
	static unsigned char req[2 * FRAME], got[FRAME], rep[FRAME];
	fill_pattern(rep + 4, LEN);
	mkframe(req, rep + 4, LEN);
	memcpy(req + FRAME, req, FRAME);
	upper(rep + 4, LEN);
	put_be32(rep, LEN);
	int signals = 0;
	for (int k = 0; k < 2; k++) {
		/* The test reads each request slowly, 1500 bytes at a time, and
		 * interrupts fclient whenever it is blocked in send(). */
		size_t g = 0;
		int64_t deadline = mono_deadline(5.0);
		while (g < FRAME && mono_ms_left(deadline) > 0) {
			if (h_blocked_in_one_of(dir, h_send_calls, -1)) {
				kill(pid, SIGUSR1);
				signals++;
			}
			struct pollfd pf = {.fd = fd, .events = POLLIN};
			if (poll(&pf, 1, 2) <= 0) {
				/* Waiting for the reply with nothing more for us:
				 * fclient holds its request for sent. */
				if (h_blocked_in_one_of(dir, h_read_calls, -1) && inq(fd) == 0)
					break;
				continue;
			}
			ssize_t r = read(fd, got + g, FRAME - g < 1500 ? FRAME - g : 1500);
			if (r <= 0)
				break;
			g += (size_t)r;
		}
		if (g < FRAME || memcmp(got, req + (size_t)k * FRAME, FRAME) != 0) {
			/* The trace will say what went wrong; fclient would
			 * wait for a reply for ever. */
			kill(pid, SIGTERM);
			break;
		}
		send_all(fd, rep, FRAME);
	}
	struct trace t = {0};
	int waited = h_wait_exit(&c, 3.0);
	if (waited != 0)
		h_stop(&c);
	close(fd);
	close(lfd);
	cr_assert(trace_load(tp, &t) == 0, "could not read the trace: %s",
		  strerror(errno));
	const char *sum = h_trace_summary(&t, 40);
	unsigned long ino = connect_inode(&t, p);
	cr_assert(ino != 0, "no successful connect() to %s in fclient's trace. "
		  "Calls seen:\n%s", p, sum);
	static struct io_call calls[4096];
	size_t n = collect_io(&t, ino, calls, 4096);
	/* Walk the sends: after a short count, the next send must ask for no
	 * more than what was left and start at the first byte not sent; after
	 * an interrupted one (nothing sent), the same again. */
	size_t off = 0, shorts = 0, intrs = 0;
	const struct io_call *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct io_call *w = &calls[i];
		if (!w->is_write)
			continue;
		if (prev && prev->moved > 0 && (size_t)prev->moved < prev->count) {
			size_t left = prev->count - (size_t)prev->moved;
			cr_assert(w->count <= left, "after a short count (%ld of %zu "
				  "bytes went: %s) the next send asked for %zu bytes; "
				  "only %zu were left to send (send(fd, buf + done, len "
				  "- done, ...)): %s", prev->moved, prev->count,
				  line_of(&t, prev->ev), w->count, left,
				  line_of(&t, w->ev));
		}
		if (prev && prev->intr)
			cr_assert(w->count == prev->count, "after a send() that a signal "
				  "interrupted before it sent anything (%s), the next "
				  "send asked for %zu bytes instead of the same %zu: %s",
				  line_of(&t, prev->ev), w->count, prev->count,
				  line_of(&t, w->ev));
		for (size_t k = 0; k < w->shown; k++) {
			if (off + k < 2 * FRAME && w->data[k] == req[off + k])
				continue;
			size_t at = off + k, fo = at % FRAME;
			cr_assert_fail("a send at byte %zu of the stream (byte %zu of "
				       "frame %zu) starts with \"%s\"; expected \"%s\"%s. "
				       "That send: %s; the one before: %s", at, fo,
				       at / FRAME + 1, shown(w->data + k, 18),
				       shown(req + at, 18), prev && prev->moved > 0 &&
				       (size_t)prev->moved < prev->count ? ": after a "
				       "short count, send the rest from buf + done, not "
				       "the start of the buffer again" : "",
				       line_of(&t, w->ev), prev ? line_of(&t, prev->ev) :
				       "(none)");
		}
		if (w->moved > 0 && (size_t)w->moved < w->count)
			shorts++;
		if (w->intr)
			intrs++;
		if (w->moved > 0)
			off += (size_t)w->moved;
		prev = w;
	}
	if (off != 2 * FRAME)
		fail_client(&c, "fclient's sends moved %zu bytes; its two frames hold "
			    "%d (each a 4-byte header and 60000 bytes)%s. Calls "
			    "seen:\n%s", off, 2 * FRAME, off < 2 * FRAME && off > 0 ?
			    ": a send() cut short by a signal returns the count it "
			    "queued; the rest must still be sent" : "", sum);
	cr_assert(shorts + intrs > 0 && signals >= 3, "test setup: fclient "
		  "--sndbuf 4096 was interrupted %d times while blocked in send(), "
		  "and the trace shows %zu short counts: the test could not "
		  "provoke any. Calls seen:\n%s", signals, shorts, sum);
	char *out = h_output(&c, 1);
	int ok = waited == 0 && WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0 &&
		 strstr(out, "2 replies as expected");
	free(out);
	if (!ok)
		fail_client(&c, "fclient, its %zu sends cut short %zu times and "
			    "interrupted %zu times, should still exchange both frames "
			    "and exit 0", n, shorts, intrs);
	trace_free(&t);
}

/* The inode of the connection the k-th (1-based) successful accept() of a
 * traced server returned, or 0. */
static unsigned long accepted_inode(const struct trace *t, int k)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind == TRACE_CALL && (strcmp(ev->name, "accept") == 0 ||
					       strcmp(ev->name, "accept4") == 0) &&
		    ev->has_ret && ev->ret >= 0 && --k == 0)
			return call_inode(ev, 1);
	}
	return 0;
}

CHECK(lab07, trace_server_reads, 2,
      "fserver trace: one read() per dribbled byte, none past the frame; EINTR, read on")
{
	const char *p = h_path("f.sock"), *tp = h_path("fserver.trace");
	const char *args[] = {h_bin("fserver"), p, "--clients", "1", NULL};
	struct h_proc s;
	pid_t pid = start_traced(&s, tp, args);
	if (pid < 0)
		fail_server(&s, "fserver under strace ended at once");
	srv_pid = pid;
	char why[1024];
	if (h_wait_listening(&s, p, 5.0, why, sizeof(why)) != 0)
		fail_server(&s, "fserver under strace should listen at %s: %s", p, why);
	int fd = client_of(&s, p);
	unsigned char in[64];
	size_t n1 = mkframe(in, "hello world", 11);
	/* SIGUSR1 once the header and 5 payload bytes are in. */
	dribble_to_server(&s, pid, fd, in, n1, 9);
	expect_frame(&s, fd, (const unsigned char *)"HELLO WORLD", 11,
		     "\"hello world\" sent one byte per write(), a SIGUSR1 after "
		     "byte 9");
	size_t n = n1 + mkframe(in + n1, "again", 5);
	n += mkframe(in + n, "and again", 9);
	send_all(fd, in + n1, n - n1);
	unsigned char want[32];
	memcpy(want, "AGAIN", 5);
	expect_frame(&s, fd, want, 5, "\"again\" and \"and again\" sent in one "
		     "write(): the first reply");
	expect_frame(&s, fd, (const unsigned char *)"AND AGAIN", 9,
		     "the second reply");
	close(fd);
	struct trace t = {0};
	finish_traced(&s, tp, &t, "fserver --clients 1");
	const char *sum = h_trace_summary(&t, 50);
	unsigned long ino = accepted_inode(&t, 1);
	cr_assert(ino != 0, "no successful accept() in fserver's trace. Calls "
		  "seen:\n%s", sum);
	static struct io_call calls[512];
	size_t nc = collect_io(&t, ino, calls, 512);
	/* Where each part of the stream ends: header, payload, header, ... */
	size_t ends[6] = {4, n1, n1 + 4, n1 + 9, n1 + 13, n};
	size_t off = 0, part = 0, data_reads1 = 0;
	long intr = -1;
	for (size_t i = 0; i < nc; i++) {
		const struct io_call *r = &calls[i];
		if (r->is_write)
			continue;
		while (part < 6 && off >= ends[part])
			part++;
		if (part < 6 && r->count > ends[part] - off)
			cr_assert_fail("at byte %zu of the stream fserver's read() asked "
				       "for %zu bytes, but only %zu were left of the "
				       "%s it was reading: a read() past the frame's "
				       "end can take the next frame's bytes, which "
				       "frame_read has nowhere to keep. Read exactly the "
				       "4 header bytes, then exactly len: %s", off,
				       r->count, ends[part] - off,
				       part % 2 ? "payload" : "header", line_of(&t, r->ev));
		if (r->intr && intr < 0)
			intr = (long)i;
		if (r->moved > 0) {
			if (off < n1)
				data_reads1++;
			off += (size_t)r->moved;
		}
	}
	cr_assert(data_reads1 == n1, "the 15 bytes of the first frame reached "
		  "fserver one per write() (the test waited each time until the "
		  "server was back in read()), so its trace should show 15 "
		  "read()s returning 1 byte; it shows %zu reads for them. Calls "
		  "seen:\n%s", data_reads1, sum);
	cr_assert(intr >= 0, "the test sent SIGUSR1 while fserver was blocked in "
		  "read() (after byte 9), so the trace should show that read() "
		  "interrupted (= ? ERESTARTSYS, or -1 EINTR). Calls seen:\n%s", sum);
	long next = -1;
	for (size_t i = (size_t)intr + 1; i < nc && next < 0; i++)
		if (!calls[i].is_write)
			next = (long)i;
	cr_assert(next >= 0 && calls[next].count == calls[intr].count,
		  "after the interrupted read() (%s) fserver should call read() "
		  "again for the same %zu bytes of the payload; the next read on "
		  "the connection was %s", line_of(&t, calls[intr].ev),
		  calls[intr].count, next >= 0 ? line_of(&t, calls[next].ev) :
		  "(none)");
	unsigned char out[64];
	size_t wn = mkframe(out, "HELLO WORLD", 11);
	wn += mkframe(out + wn, "AGAIN", 5);
	wn += mkframe(out + wn, "AND AGAIN", 9);
	const char *bad = check_written(&t, calls, nc, out, wn);
	cr_assert(bad == NULL, "fserver's replies should reach the kernel as three "
		  "frames, each a big-endian length and the upper-cased payload; "
		  "%s. Calls seen:\n%s", bad, sum);
	trace_free(&t);
}

CHECK(lab07, trace_oversized, 1,
      "fserver trace: a 1 GiB header is refused with no payload read and no mmap")
{
	const char *p = h_path("f.sock"), *tp = h_path("fserver.trace");
	const char *args[] = {h_bin("fserver"), p, "--clients", "2", NULL};
	struct h_proc s;
	pid_t pid = start_traced(&s, tp, args);
	if (pid < 0)
		fail_server(&s, "fserver under strace ended at once");
	srv_pid = pid;
	char why[1024];
	if (h_wait_listening(&s, p, 5.0, why, sizeof(why)) != 0)
		fail_server(&s, "fserver under strace should listen at %s: %s", p, why);
	unsigned char b[80];
	put_be32(b, 0x40000000u);
	memset(b + 4, 'g', 64);
	bad_client(&s, pid, p, b, 68, 0, "a header announcing 1 GiB (40 00 00 00) and "
		   "64 bytes", "refuse the header (EMSGSIZE) at once");
	int fd = client_of(&s, p);
	expect_reply(&s, fd, "next client", 11, "the client after the 1 GiB header");
	close(fd);
	struct trace t = {0};
	finish_traced(&s, tp, &t, "fserver --clients 2");
	const char *sum = h_trace_summary(&t, 40);
	unsigned long ino = accepted_inode(&t, 1);
	cr_assert(ino != 0 && accepted_inode(&t, 2) != 0, "expected two successful "
		  "accept() calls in fserver's trace. Calls seen:\n%s", sum);
	size_t got = 0;
	long hdr_done = -1, closed = -1;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || call_inode(ev, 0) != ino)
			continue;
		if (strcmp(ev->name, "close") == 0) {
			closed = (long)i;
			break;
		}
		if (!is_one_of(ev->name, READ_NAMES))
			continue;
		cr_assert(hdr_done < 0, "after the 4 header bytes announcing 1 GiB, "
			  "fserver read on: %s. The length is over the limit: refuse "
			  "it (EMSGSIZE) without reading the payload", line_of(&t, i));
		if (ev->has_ret && ev->ret > 0)
			got += (size_t)ev->ret;
		if (got >= 4)
			hdr_done = (long)i;
	}
	cr_assert(hdr_done >= 0 && got == 4, "fserver's reads of the first "
		  "connection took %zu bytes; expected exactly the 4 header bytes. "
		  "Calls seen:\n%s", got, sum);
	for (long i = hdr_done; closed >= 0 && i < closed; i++) {
		const struct trace_event *ev = &t.ev[i];
		char len[64];
		if (ev->kind == TRACE_CALL && strcmp(ev->name, "mmap") == 0 &&
		    trace_arg(ev, 1, len, sizeof(len)) >= 0 &&
		    strtoull(len, NULL, 10) >= 0x40000000ull)
			cr_assert_fail("after reading a header announcing 1 GiB fserver "
				       "mapped %s bytes of memory (a malloc of the "
				       "announced length): compare the length with max "
				       "before allocating anything: %s", len,
				       line_of(&t, (size_t)i));
	}
	trace_free(&t);
}
