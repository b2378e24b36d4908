/* 05-reconnect.c: graded checks of lab 05, the seed's system rebuilt so
 * that the app and the daemon survive each other's death.
 *
 * unit_  calls the student's backoff, retry policy, connect_fresh,
 *        send_line, line reader, dedup and daemon_serve directly;
 * box_   starts the lab's daemon and app, kills the daemon with SIGKILL
 *        and restarts it, and plays a misbehaving daemon itself (EOF,
 *        EPIPE, ECONNRESET, a daemon that never acknowledges); socat is
 *        an outside client of the daemon and, with a small shell script,
 *        an outside daemon for the app;
 * trace_ runs the app or the daemon under strace: the timestamps of the
 *        app's connect() attempts during an outage (the backoff), a new
 *        socket for every attempt, EPIPE without death by SIGPIPE, one
 *        listening socket for the daemon's whole life, the journal
 *        written before the ACK, the probe before removing a stale file.
 *
 * Timing: the app runs with a 20 ms tick and a backoff of 10..80 ms with
 * 20% jitter, so a check takes about a second. Every wait polls for an
 * event with a deadline (a line in a log, a listening socket, a process
 * exit); the only fixed pauses are the outages the checks inflict on
 * purpose, and timing assertions use wide bands, never exact times.
 *
 * Exactly once: the daemon may die after recording a message and before
 * its ACK leaves, so the daemons' stdout cannot be the proof (a line may
 * be missing there, by design, for the message recorded last). The proof
 * is the journal both daemons append to before acknowledging: it must
 * hold 1..N, each once, in order. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/reconnect.h"

/* The app's options in every check: fast ticks, a short backoff. */
#define FAST "--tick-ms", "20", "--base-ms", "10", "--cap-ms", "80", \
	"--jitter", "0.2", "--seed", "7", "--timeout-ms", "1000"
#define ACK_LINE(n) "ACK " #n " " RC_REPLY "\n"

/* ---- small helpers -------------------------------------------------------- */

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* Counts SIGPIPE instead of dying of it, so that a check can say "your
 * code raised SIGPIPE" rather than crash. */
static void count_sigpipes(void)
{
	struct sigaction sa = {.sa_handler = on_sigpipe};
	sigaction(SIGPIPE, &sa, NULL);
	sigpipes = 0;
}

/* Binds a SOCK_DGRAM socket at path (kept open): a stream connect() to it
 * fails with EPROTOTYPE. */
static int make_dgram(const char *path)
{
	struct sockaddr_un a;
	int len = h_sockaddr(path, &a);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0 && len > 0 &&
		  bind(fd, (struct sockaddr *)&a, (socklen_t)len) == 0,
		  "test setup: could not bind a datagram socket at %s: %s",
		  path, strerror(errno));
	return fd;
}

static void write_file(const char *path, const char *text, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert(fd >= 0 && write_full(fd, text, strlen(text)) ==
		  (ssize_t)strlen(text), "test setup: cannot write %s: %s",
		  path, strerror(errno));
	close(fd);
}

/* The whole small file at path, NUL-terminated (malloc; "" if absent). */
static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, 1 << 20, &buf, &len) < 0) {
		if (fd >= 0)
			close(fd);
		buf = strdup("");
		cr_assert(buf != NULL, "out of memory");
		return buf;
	}
	close(fd);
	return buf;
}

/* Collects the seqs of the lines of text that start with prefix followed
 * by a number ("accepted seq 12: ..."). Stores up to max of them in out
 * (may be NULL) and returns how many lines matched. */
static size_t prefixed_seqs(const char *text, const char *prefix,
			    unsigned long *out, size_t max)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, prefix, pl) == 0 && line[pl] >= '0' &&
		    line[pl] <= '9') {
			if (out && n < max)
				out[n] = strtoul(line + pl, NULL, 10);
			n++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return n;
}

/* The seqs of a journal's lines "<session> <seq>", in order. */
static size_t journal_seqs(const char *text, unsigned long *out, size_t max)
{
	size_t n = 0;
	for (const char *line = text; line && *line;) {
		const char *sp = strchr(line, ' ');
		const char *nl = strchr(line, '\n');
		if (sp && (!nl || sp < nl)) {
			if (out && n < max)
				out[n] = strtoul(sp + 1, NULL, 10);
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Checks that seqs[0..n) is exactly 1..want, and says what is wrong in
 * msg when it is not. Returns 1 when it is. */
static int exactly_once(const unsigned long *seqs, size_t n,
			unsigned long want, char *msg, size_t cap)
{
	static unsigned char seen[4096];
	memset(seen, 0, sizeof(seen));
	char dup[256] = "", miss[256] = "", odd[128] = "";
	size_t dl = 0, ml = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned long s = seqs[i];
		if (s == 0 || s > want || s >= sizeof(seen)) {
			snprintf(odd, sizeof(odd), " a seq %lu that was never "
				 "sent;", s);
			continue;
		}
		if (seen[s]++ == 1 && dl < sizeof(dup) - 16)
			dl += (size_t)snprintf(dup + dl, sizeof(dup) - dl, " %lu", s);
	}
	for (unsigned long s = 1; s <= want && s < sizeof(seen); s++)
		if (!seen[s] && ml < sizeof(miss) - 16)
			ml += (size_t)snprintf(miss + ml, sizeof(miss) - ml, " %lu", s);
	int in_order = 1;
	for (size_t i = 1; i < n; i++)
		if (seqs[i] <= seqs[i - 1])
			in_order = 0;
	if (!dl && !ml && !odd[0] && in_order && n == want)
		return 1;
	snprintf(msg, cap, "%s%s%s%s%s%s%s", dl ? "recorded more than once:" : "",
		 dup, dl ? ";" : "", ml ? " never recorded:" : "", miss,
		 ml ? ";" : "", odd[0] ? odd : (!in_order ? " out of order;" : ""));
	return 0;
}

/* ---- programs ------------------------------------------------------------- */

/* Waits until p listens at path, or fails saying why. */
static void wait_listening(struct h_proc *p, const char *path)
{
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) == 0)
		return;
	cr_assert_fail("expected %s to listen at %s: %s", p->name, path, why);
}

/* Starts the lab's daemon at path (with a journal when not NULL) and
 * waits until it listens. */
static void start_daemon(struct h_proc *p, const char *path,
			 const char *journal)
{
	const char *argv[] = {h_bin("daemon"), path, journal ? "--journal" : NULL,
			      journal, NULL};
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(p, path);
}

/* Starts the lab's app on path with the FAST options and --count count,
 * traced into trace_path when that is not NULL. */
static void start_app(struct h_proc *p, const char *path, const char *count,
		      const char *trace_path)
{
	const char *argv[] = {h_bin("app"), path, FAST, "--count", count, NULL};
	int rc = trace_path ? h_start_traced(p, argv, NULL, trace_path)
			    : h_start(p, argv, NULL);
	cr_assert(rc == 0, "could not start %s: %s", argv[0], strerror(errno));
}

/* Whether p is still running (reaps it when it is not). */
static int running(struct h_proc *p)
{
	return h_wait_exit(p, 0) != 0;
}

/* How many "accepted seq" lines p has logged so far. */
static size_t accepted_now(const struct h_proc *p)
{
	char *out = h_output(p, 1);
	size_t n = prefixed_seqs(out, "accepted seq ", NULL, 0);
	free(out);
	return n;
}

/* Polls until daemon d has logged at least n accepted messages; stops
 * early when d, or the app a (when not NULL), exits. Returns the count
 * seen last. */
static size_t wait_accepted(struct h_proc *d, struct h_proc *a, size_t n,
			    double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		size_t k = accepted_now(d);
		if (k >= n || mono_ms_left(deadline) == 0 || !running(d) ||
		    (a && !running(a)))
			return k;
		mono_sleep_ms(2);
	}
}

/* Appends to buf the story of one process: its name, how it ended or that
 * it runs, and the end of what it printed. */
static void proc_story(char *buf, size_t cap, const char *label,
		       struct h_proc *p)
{
	if (p == NULL)
		return;
	char d[96];
	char *o = h_output(p, 1), *e = h_output(p, 2);
	size_t len = strlen(buf);
	snprintf(buf + len, cap - len, "\n  %s (%s): %s; stdout ...%s; stderr: %s",
		 label, p->name, h_describe(p, d, sizeof(d)), h_one_line_tail(o, 360),
		 h_one_line_tail(e, 300));
	free(o);
	free(e);
}

/* Fails the check with the story of the app and the daemon(s): how each
 * ended or that it runs, and the end of what each printed. */
static void __attribute__((__noreturn__, format(printf, 4, 5)))
fail_story(struct h_proc *app, struct h_proc *d1, struct h_proc *d2,
	   const char *fmt, ...)
{
	static char msg[6000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	proc_story(msg, sizeof(msg), "app", app);
	proc_story(msg, sizeof(msg), d2 ? "first daemon" : "daemon", d1);
	proc_story(msg, sizeof(msg), "second daemon", d2);
	cr_assert_fail("%s", msg);
	abort(); /* not reached */
}

/* ---- the test as a daemon ------------------------------------------------- */

/* Accepts one connection on lfd within timeout_s; gives up at once when
 * the app a exits. Returns the fd, or -1 (ETIMEDOUT or ECHILD). */
static int accept_from(int lfd, struct h_proc *a, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	while (mono_ms_left(deadline) > 0) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		if (poll(&p, 1, 20) > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (!running(a)) {
			/* One last look: it may have connected, then exited. */
			if (poll(&p, 1, 0) > 0)
				return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			errno = ECHILD;
			return -1;
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

/* Reads from fd into buf (NUL-terminated) until it holds want, EOF, an
 * error, or timeout_s passes. Returns 1 when want was seen. */
static int read_until(int fd, char *buf, size_t cap, const char *want,
		      double timeout_s)
{
	size_t len = strlen(buf);
	int64_t deadline = mono_deadline(timeout_s);
	while (strstr(buf, want) == NULL && len + 1 < cap) {
		int left = mono_ms_left(deadline);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left == 0 || poll(&p, 1, left) <= 0)
			return 0;
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
	}
	return strstr(buf, want) != NULL;
}

/* As a test-side client: connects to path, sends text, shuts down its
 * sending side and reads until EOF (2 s at most). Returns what came back
 * (malloc), or NULL with a sentence in why. */
static char *talk(const char *path, const char *text, char *why, size_t cap)
{
	int fd = h_connect(path);
	if (fd < 0) {
		snprintf(why, cap, "connect(%s) failed with %s", path,
			 errno_name(errno));
		return NULL;
	}
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char *out = NULL;
	size_t n = 0;
	if (write_full(fd, text, strlen(text)) < 0 || shutdown(fd, SHUT_WR) < 0 ||
	    read_all(fd, 65536, &out, &n) < 0) {
		snprintf(why, cap, "the exchange failed with %s%s", errno_name(errno),
			 errno == EAGAIN ? " (no EOF within 2 s: the daemon did "
			 "not close after the client's EOF)" : "");
		free(out);
		out = NULL;
	}
	close(fd);
	return out;
}

/* ---- traces --------------------------------------------------------------- */

/* 1 when argument i of ev is a sockaddr naming path. */
static int arg_names(const struct trace_event *ev, int i, const char *path)
{
	char buf[512], want[300];
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return 0;
	snprintf(want, sizeof(want), "sun_path=\"%s\"", path);
	return strstr(buf, want) != NULL;
}

/* The decoded -yy tag of argument 0 of ev. */
static int arg0_fd(const struct trace_event *ev, struct trace_fd *f)
{
	char buf[512];
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0)
		return -1;
	return trace_parse_fd(buf, f);
}

/* The connect() calls to one path, in trace order. */
struct attempts {
	size_t n;
	size_t total;             /* all of them, also beyond the 512 kept */
	double ts[512];
	int err[512];             /* 0 for success */
	unsigned long inode[512];
	long idx[512];
};

static void collect_connects(const struct trace *t, const char *path,
			     struct attempts *a)
{
	a->n = a->total = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL || strcmp(ev->name, "connect") != 0 ||
		    !ev->has_ret || !arg_names(ev, 1, path))
			continue;
		if (a->total++ >= 512)
			continue;
		struct trace_fd f;
		a->ts[a->n] = ev->ts;
		a->err[a->n] = ev->ret == 0 ? 0 : (ev->err ? ev->err : -1);
		a->inode[a->n] = arg0_fd(ev, &f) == 0 ? f.inode : 0;
		a->idx[a->n] = (long)i;
		a->n++;
	}
}

/* "+0.0 ECONNREFUSED, +10.2 ECONNREFUSED, ..." for messages: attempts
 * [from, to) in ms after the first. */
static const char *attempt_list(const struct attempts *a, size_t from,
				size_t to)
{
	static char buf[1500];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = from; i < to && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s+%.1f %s",
					i > from ? ", " : "",
					(a->ts[i] - a->ts[from]) * 1000,
					a->err[i] ? errno_name(a->err[i]) : "ok");
	if (to - from > 0 && len >= sizeof(buf) - 40)
		snprintf(buf + len, sizeof(buf) - len, ", ...");
	return buf;
}

/* 1 when t shows the process killed by SIGPIPE. */
static int killed_by_sigpipe(const struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ev[i].kind == TRACE_KILLED &&
		    strcmp(t->ev[i].name, "SIGPIPE") == 0)
			return 1;
	return 0;
}

static const char *const SENDS[] = {"write", "send", "sendto", "sendmsg",
				    "writev", NULL};

static int is_one_of(const char *name, const char *const names[])
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

/* Stops a traced program and loads its trace. */
static void stop_and_load(struct h_proc *p, const char *trace_path,
			  struct trace *t)
{
	h_stop(p);
	cr_assert(trace_load(trace_path, t) == 0, "could not read the trace "
		  "%s: %s", trace_path, strerror(errno));
}

/* ======================================================================== */
/* unit: backoff                                                             */
/* ======================================================================== */

/* Asserts the bands of n delays of one configuration for many seeds. */
static void check_bands(unsigned base, unsigned cap, double j, int calls)
{
	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct rng r;
		struct backoff b;
		rng_seed(&r, seed);
		int rc = backoff_init(&b, base, cap, j);
		int e = errno;
		check_ok(rc, e, "backoff_init");
		for (int k = 0; k < calls; k++) {
			double nom = base;
			for (int i = 0; i < k && nom < cap; i++)
				nom *= 2;
			if (nom > cap)
				nom = cap;
			double lo = nom * (1 - j), hi = nom * (1 + j);
			if (hi > cap)
				hi = cap;
			long d = backoff_next(&b, &r);
			e = errno;
			cr_assert(d != -1, "backoff_next returned -1 with errno "
				  "%s%s", errno_name(e), e == ENOSYS ?
				  " (not implemented yet)" : "");
			cr_assert(d >= lo - 0.5 - 1e-9 && d <= hi + 0.5 + 1e-9 &&
				  d <= (long)cap,
				  "backoff_next with base %u ms, cap %u ms, jitter "
				  "%g (rng seed %llu), call %d (k = %d): returned "
				  "%ld ms; expected %.1f..%.1f ms: nominal(k) = "
				  "min(%u * 2^%d, %u) = %.0f ms, spread by +-%.0f%%, "
				  "never above the cap%s", base, cap, j,
				  (unsigned long long)seed, k + 1, k, d, lo, hi,
				  base, k, cap, nom, j * 100,
				  d > (long)cap ? " (the jitter must not push a "
				  "delay past the cap)" : d < lo - 0.5 && k > 0 &&
				  d >= (long)(base * (1 - j)) - 1 &&
				  d <= (long)(base * (1 + j)) + 1 ?
				  " (the delay does not grow: k must count the "
				  "attempts)" : "");
		}
	}
}

CHECK(lab05, unit_backoff_bands, 2,
      "backoff_next: delay k in [nominal(k)*(1-j), min(nominal(k)*(1+j), cap)]")
{
	check_bands(10, 80, 0.2, 10);
	check_bands(100, 1000, 0.5, 8);
	check_bands(7, 7, 0.1, 4);
}

CHECK(lab05, unit_backoff_cap, 1,
      "backoff_next: jitter 0 gives 10, 20, 40, 80, 80; no overflow, ever")
{
	struct rng r;
	struct backoff b;
	rng_seed(&r, 3);
	int rc = backoff_init(&b, 10, 80, 0);
	int e = errno;
	check_ok(rc, e, "backoff_init(10, 80, 0)");
	const long want[] = {10, 20, 40, 80, 80, 80, 80};
	for (size_t k = 0; k < 7; k++) {
		long d = backoff_next(&b, &r);
		cr_assert(d == want[k], "backoff_next with base 10, cap 80, "
			  "jitter 0: call %zu returned %ld ms; expected %ld "
			  "(10, 20, 40, 80, 80, ...: double each time, then stay "
			  "at the cap)", k + 1, d, want[k]);
	}
	/* Near the top of unsigned: base * 2 does not fit in 32 bits. */
	rc = backoff_init(&b, 3000000000u, 4000000000u, 0);
	e = errno;
	check_ok(rc, e, "backoff_init(3000000000, 4000000000, 0)");
	const long big[] = {3000000000L, 4000000000L, 4000000000L};
	for (size_t k = 0; k < 3; k++) {
		long d = backoff_next(&b, &r);
		cr_assert(d == big[k], "backoff_next with base 3000000000 ms, "
			  "cap 4000000000 ms, jitter 0: call %zu returned %ld; "
			  "expected %ld (base * 2 overflows 32 bits: compare with "
			  "the cap before doubling, or compute in a wider type)",
			  k + 1, d, big[k]);
	}
	/* A daemon that stays away for days: the delay stays at the cap. */
	rc = backoff_init(&b, 1000, 60000, 0.3);
	e = errno;
	check_ok(rc, e, "backoff_init(1000, 60000, 0.3)");
	for (long k = 0; k < 100000; k++) {
		long d = backoff_next(&b, &r);
		cr_assert(d <= 60000 && (k < 6 || d >= 42000), "backoff_next "
			  "with base 1000 ms, cap 60000 ms, jitter 0.3: call %ld "
			  "returned %ld ms; expected %s (after many failures the "
			  "delay must stay near the cap: 2^k overflows, or a "
			  "shift by k >= 32 is undefined, unless k stops growing "
			  "or the doubling stops at the cap)", k + 1, d,
			  k < 6 ? "at most 60000" : "42000..60000");
	}
}

CHECK(lab05, unit_backoff_jitter, 1,
      "backoff: jitter from the seeded rng (one draw per call), reset, EINVAL")
{
	struct rng r1, r2, ref;
	struct backoff b1, b2;
	/* The same seed gives the same delays: the jitter comes from the rng
	 * given, not from rand() or the clock. */
	rng_seed(&r1, 42);
	rng_seed(&r2, 42);
	int rc = backoff_init(&b1, 10, 80, 0.2);
	int e = errno;
	check_ok(rc, e, "backoff_init(10, 80, 0.2)");
	backoff_init(&b2, 10, 80, 0.2);
	for (int k = 0; k < 8; k++) {
		long d1 = backoff_next(&b1, &r1), d2 = backoff_next(&b2, &r2);
		cr_assert(d1 == d2, "two backoffs with rngs seeded alike gave "
			  "%ld and %ld ms at call %d: take the jitter from the "
			  "rng argument (rng_unit), nothing else", d1, d2, k + 1);
	}
	/* Exactly one number drawn per call. */
	rng_seed(&r1, 9);
	rng_seed(&ref, 9);
	backoff_init(&b1, 10, 80, 0.2);
	backoff_next(&b1, &r1);
	rng_next(&ref);
	cr_assert(r1.state == ref.state, "backoff_next must draw exactly one "
		  "number from the rng per call (one rng_unit() or rng_next()); "
		  "it drew %s", r1.state == 9 ? "none: is the jitter applied?" :
		  "more than one");

	/* The spread: base 100, jitter 0.5 gives 50..150 ms, around 100. */
	long lo = 1000, hi = 0, sum = 0;
	int distinct = 0;
	unsigned char seen[201] = {0};
	for (uint64_t s = 1; s <= 300; s++) {
		struct backoff b;
		rng_seed(&r1, s);
		backoff_init(&b, 100, 1000, 0.5);
		long d = backoff_next(&b, &r1);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		sum += d;
		if (d >= 0 && d <= 200 && !seen[d]) {
			seen[d] = 1;
			distinct++;
		}
	}
	cr_assert(lo <= 60 && hi >= 140 && distinct >= 30 && sum / 300 >= 90 &&
		  sum / 300 <= 110, "first delays with base 100 ms, jitter 0.5 "
		  "over 300 seeds: from %ld to %ld ms, %d distinct values, mean "
		  "%ld; expected spread over 50..150 ms around 100 (u = 2 * "
		  "rng_unit(rng) - 1 is uniform in [-1, 1))", lo, hi, distinct,
		  sum / 300);

	/* After a success the delays start again from the base. */
	rng_seed(&r1, 5);
	backoff_init(&b1, 10, 80, 0.2);
	for (int k = 0; k < 6; k++)
		backoff_next(&b1, &r1);
	backoff_reset(&b1);
	long d = backoff_next(&b1, &r1);
	cr_assert(d >= 8 && d <= 12, "after 6 delays and backoff_reset, "
		  "backoff_next returned %ld ms; expected nominal(0) = 10 ms "
		  "+-20%%, i.e. 8..12", d);

	struct {
		unsigned base, cap;
		double j;
		const char *what;
	} bad[] = {
		{0, 80, 0.2, "base 0"},
		{100, 50, 0.2, "cap 50 below base 100"},
		{10, 80, 1.0, "jitter 1.0 (a delay of 0 could come out)"},
		{10, 80, -0.1, "jitter -0.1"},
		{10, 80, NAN, "jitter NaN"},
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct backoff b;
		rc = backoff_init(&b, bad[k].base, bad[k].cap, bad[k].j);
		e = errno;
		char what[96];
		snprintf(what, sizeof(what), "backoff_init with %s", bad[k].what);
		check_errno(rc, e, EINVAL, what);
	}
}

/* ======================================================================== */
/* unit: connecting                                                          */
/* ======================================================================== */

CHECK(lab05, unit_retry_policy, 1,
      "connect_retryable: wait for ENOENT, ECONNREFUSED, EAGAIN; not EACCES...")
{
	struct {
		int err, want;
		const char *why;
	} cases[] = {
		{ENOENT, 1, "no socket file yet: the daemon is restarting"},
		{ECONNREFUSED, 1, "a file but nobody listening: the daemon died "
		 "or has not listened yet"},
		{EAGAIN, 1, "the daemon's backlog is full: it is busy"},
		{EINTR, 1, "a signal interrupted the attempt"},
		{EACCES, 0, "no permission: waiting will not grant it"},
		{EPROTOTYPE, 0, "a datagram socket at the path: the wrong kind "
		 "of server"},
		{ENAMETOOLONG, 0, "the path cannot fit in sun_path"},
		{EINVAL, 0, "a bad argument"},
		{EISCONN, 0, "connect() on a socket already connected: a bug "
		 "that retrying repeats"},
		{ENOTSOCK, 0, "the fd is not a socket"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		errno = 0;
		int r = connect_retryable(cases[k].err);
		int e = errno;
		cr_assert(r == cases[k].want, "connect_retryable(%s) returned "
			  "%d%s; expected %d: %s", errno_name(cases[k].err), r,
			  r == -1 && e == ENOSYS ? " (not implemented yet)" : "",
			  cases[k].want, cases[k].why);
	}
}

CHECK(lab05, unit_connect_errors, 1,
      "connect_fresh: connect()'s errno unchanged, and no descriptor leaked")
{
	const char *stale = h_path("stale.sock"), *dg = h_path("dgram.sock");
	const char *reg = h_path("regular.txt");
	check_make_stale(stale);
	int dfd = make_dgram(dg);
	write_file(reg, "not a socket", 0600);
	struct {
		const char *path;
		int want;
		const char *what;
	} cases[] = {
		{h_path("nothing.sock"), ENOENT, "a path with no file"},
		{stale, ECONNREFUSED, "a stale socket file (nobody listening)"},
		{reg, ECONNREFUSED, "a regular file"},
		{dg, EPROTOTYPE, "a SOCK_DGRAM socket's path"},
		{h_path_of_len(108), ENAMETOOLONG, "a 108-byte path"},
		{"", EINVAL, "an empty path"},
	};
	int before = check_count_fds();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int fd = connect_fresh(cases[k].path, 100);
		int e = errno;
		if (fd >= 0)
			close(fd);
		char what[128];
		snprintf(what, sizeof(what), "connect_fresh on %s", cases[k].what);
		check_errno(fd, e, cases[k].want, what);
	}
	int after = check_count_fds();
	cr_assert(after == before, "connect_fresh failed 6 times and %d "
		  "descriptors were left open: close the socket when connect() "
		  "fails (save errno, close, restore errno)", after - before);
	close(dfd);
}

CHECK(lab05, unit_connect_fresh, 1,
      "connect_fresh: a new connected socket per call, SO_SNDTIMEO set once")
{
	const char *p = h_path("d.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	int f1 = connect_fresh(p, 0);
	int e = errno;
	check_ok(f1, e, "connect_fresh(path of a listener, 0)");
	int f2 = connect_fresh(p, 250);
	e = errno;
	check_ok(f2, e, "connect_fresh(path of a listener, 250), called again");
	struct stat s1, s2;
	fstat(f1, &s1);
	fstat(f2, &s2);
	cr_assert(f1 != f2 && s1.st_ino != s2.st_ino, "two calls of "
		  "connect_fresh returned the same socket: every attempt needs "
		  "a socket of its own");
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	cr_assert(getpeername(f2, (struct sockaddr *)&a, &al) == 0 &&
		  strcmp(a.sun_path, p) == 0, "the fd connect_fresh returned "
		  "is not connected to %s", p);
	cr_assert(fcntl(f2, F_GETFD) & FD_CLOEXEC, "the socket lacks "
		  "close-on-exec: create it with SOCK_STREAM | SOCK_CLOEXEC");
	struct timeval tv = {0, 0};
	socklen_t tl = sizeof(tv);
	getsockopt(f2, SOL_SOCKET, SO_SNDTIMEO, &tv, &tl);
	/* The kernel keeps the timeout in jiffies: it reads back rounded. */
	cr_assert(tv.tv_sec == 0 && tv.tv_usec >= 240000 && tv.tv_usec <= 260000,
		  "connect_fresh(..., 250): SO_SNDTIMEO reads back as %ld.%06ld "
		  "s; expected about 0.25 (struct timeval {0, 250000})",
		  (long)tv.tv_sec, (long)tv.tv_usec);
	tl = sizeof(tv);
	getsockopt(f1, SOL_SOCKET, SO_SNDTIMEO, &tv, &tl);
	cr_assert(tv.tv_sec == 0 && tv.tv_usec == 0, "connect_fresh(..., 0) "
		  "set SO_SNDTIMEO to %ld.%06ld s; 0 means no timeout: leave it "
		  "unset", (long)tv.tv_sec, (long)tv.tv_usec);
	close(f1);
	close(f2);
	close(lfd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

CHECK(lab05, unit_connect_backlog, 1,
      "connect_fresh: a full backlog gives EAGAIN after the timeout")
{
	const char *p = h_path("d.sock");
	int lfd = h_listen(p, 0);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	/* Fill the queue: nobody accepts, and a non-blocking connect says
	 * EAGAIN once it is full. */
	struct sockaddr_un a;
	int al = h_sockaddr(p, &a);
	int filled = 0;
	for (int k = 0; k < 16; k++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (connect(fd, (struct sockaddr *)&a, (socklen_t)al) == -1) {
			close(fd);
			filled = errno == EAGAIN;
			break;
		}
	}
	cr_assert(filled, "test setup: could not fill the backlog of %s", p);
	/* A watchdog, so that a connect() without a timeout fails the
	 * check in 3 s with a message instead of hanging it. */
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	alarm(3);
	double t0 = mono_seconds();
	int fd = connect_fresh(p, 200);
	int e = errno;
	double el = mono_seconds() - t0;
	alarm(0);
	if (fd >= 0)
		close(fd);
	cr_assert(!(fd == -1 && e == EINTR), "connect_fresh(path, 200) on a "
		  "full backlog was still blocked after 3 s: set SO_SNDTIMEO "
		  "before connect() (it bounds the wait for room in the queue)");
	check_errno(fd, e, EAGAIN, "connect_fresh(path whose backlog is full, "
		    "200 ms)");
	cr_assert(el >= 0.15 && el <= 1.5, "connect_fresh(path, 200) on a full "
		  "backlog took %.3f s; expected about 0.2 s (SO_SNDTIMEO)", el);
	close(lfd);
}

/* ======================================================================== */
/* unit: lines                                                               */
/* ======================================================================== */

/* ---- a short send, made on purpose ------------------------------------------ */

/* A blocking send() on a stream socket whose send buffer is full waits for
 * room; a signal that arrives then ends the call, and when part of the
 * data is already queued the kernel returns that part's count (not EINTR):
 * a short count, whatever SA_RESTART says. The test makes it happen: the
 * sender's SO_SNDBUF is tiny, the peer does not read, and a helper thread
 * sends SIGUSR1 once it sees the sending thread blocked in that send (in
 * /proc, no guessing at times). Only after the handler has run does the
 * helper read the peer's end, until EOF or the whole line. */
struct short_send {
	pthread_t th;
	pid_t tid;      /* the thread that calls send_line */
	int fd;         /* the sender's end, watched in /proc */
	int peer;       /* the end the helper reads */
	size_t want;    /* the line's length */
	char *got;      /* what the peer received */
	size_t n;       /* how much of it */
	int signalled;  /* 1 when the signal interrupted a blocked send */
};

static volatile sig_atomic_t usr1_caught;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_caught = 1;
}

/* 1 when thread tid sleeps in a call that sends on fd. */
static int blocked_sending(pid_t tid, int fd)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/self/task/%d", (int)tid);
	return h_blocked_in_one_of(dir, h_send_calls, fd);
}

static void *short_send_main(void *arg)
{
	struct short_send *s = arg;
	/* A send_line that never blocks (it polls, say) gets no signal; the
	 * helper reads anyway after 2 s, so that it cannot hang. */
	int64_t end = mono_deadline(2.0);
	while (!blocked_sending(s->tid, s->fd) && mono_ms_left(end) > 0)
		poll(NULL, 0, 1); /* looks again each millisecond */
	if (mono_ms_left(end) > 0) {
		syscall(SYS_tgkill, getpid(), s->tid, SIGUSR1);
		while (!usr1_caught && mono_ms_left(end) > 0)
			poll(NULL, 0, 1);
		s->signalled = usr1_caught;
	}
	/* Read until EOF, the whole line, or 3 s without a byte. */
	while (s->n < s->want) {
		struct pollfd p = {.fd = s->peer, .events = POLLIN};
		if (poll(&p, 1, 3000) != 1)
			break;
		ssize_t r = read(s->peer, s->got + s->n, s->want - s->n);
		if (r <= 0)
			break;
		s->n += (size_t)r;
	}
	return NULL;
}

CHECK(lab05, unit_send_line, 1,
      "send_line: whole line sent, also after a short send(); a gone peer is EPIPE, never SIGPIPE")
{
	count_sigpipes();
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s",
		  strerror(errno));
	const char *line = "MSG 1 " RC_MESSAGE "\n";
	int r = send_line(sv[0], line, strlen(line));
	int e = errno;
	check_ok(r, e, "send_line on a connected socket");
	char buf[128] = "";
	ssize_t n = recv(sv[1], buf, sizeof(buf) - 1, MSG_DONTWAIT);
	cr_assert(n == (ssize_t)strlen(line) && memcmp(buf, line, (size_t)n) == 0,
		  "send_line(\"MSG 1 ...\\n\", %zu) delivered %zd bytes; "
		  "expected exactly the %zu bytes given", strlen(line), n,
		  strlen(line));

	/* A long line on a tiny send buffer, and a signal while send()
	 * waits for room: that send() returns a short count. */
	struct sigaction sa = {.sa_handler = on_usr1};
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGUSR1, &sa, NULL) == 0, "test setup: sigaction");
	usr1_caught = 0;
	int lp[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, lp) == 0,
		  "test setup: socketpair: %s", strerror(errno));
	int tiny = 1; /* the kernel raises it to its minimum, about 4.5 KiB */
	cr_assert(setsockopt(lp[0], SOL_SOCKET, SO_SNDBUF, &tiny,
			     sizeof(tiny)) == 0, "test setup: SO_SNDBUF: %s",
		  strerror(errno));
	static char longline[65536], got[65536];
	size_t len = sizeof(longline);
	memcpy(longline, "MSG 2 ", 6);
	for (size_t i = 6; i < len - 1; i++)
		longline[i] = (char)('a' + i % 26);
	longline[len - 1] = '\n';
	struct short_send ss = {.tid = (pid_t)syscall(SYS_gettid), .fd = lp[0],
				.peer = lp[1], .want = len, .got = got};
	cr_assert(pthread_create(&ss.th, NULL, short_send_main, &ss) == 0,
		  "test setup: could not start the reading thread");
	r = send_line(lp[0], longline, len);
	e = errno;
	/* The end of the stream tells the reader that nothing more comes. */
	shutdown(lp[0], SHUT_WR);
	pthread_join(ss.th, NULL);
	close(lp[0]);
	close(lp[1]);
	check_ok(r, e, "send_line(a 65536-byte line) on a socket with a tiny "
		 "SO_SNDBUF, its send() interrupted by a signal while it waited "
		 "for room");
	cr_assert(ss.n == len && memcmp(got, longline, len) == 0,
		  "send_line(a %zu-byte line) returned 0, but the peer received "
		  "%s%zu bytes: %s", len, ss.n == len ? "other bytes than the "
		  "line's " : "only ", ss.n, ss.signalled ? "a signal interrupted "
		  "send() while it waited for room in the send buffer, and send() "
		  "returned the short count of the bytes already queued. A short "
		  "count is not an error: send the rest, in a loop, until every "
		  "byte is sent (the seed's flaw 10)" : "send the line's bytes "
		  "in order, each once, looping over short counts");

	/* The peer shut down its reading side: sending is EPIPE. */
	shutdown(sv[1], SHUT_RD);
	r = send_line(sv[0], line, strlen(line));
	e = errno;
	cr_assert(sigpipes == 0, "send_line raised SIGPIPE when the peer had "
		  "shut down its reading side: its default action kills the "
		  "process (the seed's flaw 3); send with MSG_NOSIGNAL");
	check_errno(r, e, EPIPE, "send_line after the peer's shutdown(SHUT_RD)");

	/* The peer closed. */
	close(sv[1]);
	r = send_line(sv[0], line, strlen(line));
	e = errno;
	cr_assert(sigpipes == 0, "send_line raised SIGPIPE when the peer had "
		  "closed (the daemon died): send with MSG_NOSIGNAL");
	check_errno(r, e, EPIPE, "send_line after the peer closed");
	close(sv[0]);
}

/* Writes text on fd, then one fill() on the reader. */
static ssize_t feed(int fd, struct line_reader *r, const char *text, size_t n)
{
	cr_assert(write_full(fd, text, n) == (ssize_t)n, "test: write: %s",
		  strerror(errno));
	return line_reader_fill(r);
}

/* Asserts the next line is want (or that none is complete if want is
 * NULL). */
static void expect_line(struct line_reader *r, const char *want,
			const char *context)
{
	char line[RC_LINE_MAX];
	strcpy(line, "(untouched)");
	int g = line_reader_next(r, line, sizeof(line));
	int e = errno;
	if (want == NULL) {
		cr_assert(g == 0, "%s: line_reader_next returned %d (\"%.60s\"); "
			  "expected 0: no complete line is buffered yet (a line "
			  "ends with '\\n')", context, g, line);
		return;
	}
	cr_assert(g == 1 && strcmp(line, want) == 0, "%s: line_reader_next "
		  "returned %d%s%s with \"%.80s\"; expected 1 with \"%s\" (the "
		  "line without its '\\n')", context, g, g == -1 ? " errno " : "",
		  g == -1 ? errno_name(e) : "", line, want);
}

CHECK(lab05, unit_reader_lines, 1,
      "line reader: lines split over reads, several lines in one read")
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s",
		  strerror(errno));
	struct line_reader r;
	memset(&r, 0x5a, sizeof(r));
	line_reader_init(&r, sv[0]);
	const char *two = "ACK 1 a\nACK 2 bb\nACK";
	ssize_t n = feed(sv[1], &r, two, strlen(two));
	int e = errno;
	cr_assert(n == (ssize_t)strlen(two), "line_reader_fill after 20 bytes "
		  "arrived returned %zd%s%s; expected 20 (one read())", n,
		  n == -1 ? " errno " : "", n == -1 ? errno_name(e) : "");
	expect_line(&r, "ACK 1 a", "two lines and a part in one read");
	expect_line(&r, "ACK 2 bb", "the second line of the same read");
	expect_line(&r, NULL, "only \"ACK\" (no '\\n') left");

	/* The rest of the third line, one byte per read. */
	const char *rest = " 3 ccc\n";
	for (size_t i = 0; i < strlen(rest); i++) {
		n = feed(sv[1], &r, rest + i, 1);
		cr_assert(n == 1, "line_reader_fill with 1 byte waiting returned "
			  "%zd; expected 1", n);
		if (rest[i] != '\n')
			expect_line(&r, NULL, "a line arriving one byte at a time");
	}
	expect_line(&r, "ACK 3 ccc", "a line that arrived one byte at a time "
		    "(the first 3 bytes came with the earlier read)");

	/* A too small buffer is refused and the line is kept. */
	feed(sv[1], &r, "ACK 4 dddd\n", 11);
	char small[4];
	int g = line_reader_next(&r, small, sizeof(small));
	e = errno;
	check_errno(g, e, EINVAL, "line_reader_next with a 4-byte buffer for "
		    "the 10-byte line \"ACK 4 dddd\"");
	expect_line(&r, "ACK 4 dddd", "the line refused for a small buffer, "
		    "asked for again");

	/* A line of exactly RC_LINE_MAX bytes with its '\n' fits. */
	char big[RC_LINE_MAX + 1];
	memset(big, 'x', RC_LINE_MAX - 1);
	big[RC_LINE_MAX - 1] = '\n';
	big[RC_LINE_MAX] = '\0';
	write_full(sv[1], big, RC_LINE_MAX);
	char got[RC_LINE_MAX];
	for (int k = 0; k < 8 && (g = line_reader_next(&r, got, sizeof(got))) == 0; k++)
		line_reader_fill(&r);
	big[RC_LINE_MAX - 1] = '\0';
	cr_assert(g == 1 && strcmp(got, big) == 0, "a line of %d bytes with its "
		  "'\\n' (RC_LINE_MAX) did not come out whole", RC_LINE_MAX);

	/* One byte more can never fit: EMSGSIZE, not a hang. */
	memset(big, 'y', RC_LINE_MAX);
	write_full(sv[1], big, RC_LINE_MAX);
	write_full(sv[1], "y\n", 2);
	n = 0;
	for (int k = 0; k < 8; k++) {
		g = line_reader_next(&r, got, sizeof(got));
		if (g != 0)
			break;
		n = line_reader_fill(&r);
		if (n == -1)
			break;
	}
	e = errno;
	cr_assert(g == 0 && n == -1 && e == EMSGSIZE, "a line of %d bytes "
		  "without '\\n' filled the buffer: expected line_reader_fill to "
		  "fail with EMSGSIZE; got next() = %d, fill() = %zd%s%s",
		  RC_LINE_MAX, g, n, n == -1 ? " errno " : "",
		  n == -1 ? errno_name(e) : "");
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab05, unit_reader_eof_reset, 1,
      "line reader: 0 at EOF; ECONNRESET when the peer left data unread")
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s",
		  strerror(errno));
	struct line_reader r;
	line_reader_init(&r, sv[0]);
	write_full(sv[1], "ACK 1 a\nACK 2", 13);
	close(sv[1]);
	ssize_t n = line_reader_fill(&r);
	int e = errno;
	cr_assert(n == 13, "line_reader_fill returned %zd%s%s; expected 13",
		  n, n == -1 ? " errno " : "", n == -1 ? errno_name(e) : "");
	expect_line(&r, "ACK 1 a", "before EOF");
	n = line_reader_fill(&r);
	e = errno;
	cr_assert(n == 0, "the peer closed: line_reader_fill returned %zd%s%s; "
		  "expected 0 (EOF: read() returned 0)", n, n == -1 ? " errno " :
		  "", n == -1 ? errno_name(e) : "");
	expect_line(&r, NULL, "after EOF, the unfinished \"ACK 2\"");
	close(sv[0]);

	/* The peer closes while our data sits unread in its queue: on a UNIX
	 * socket that is the one case of ECONNRESET. */
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s",
		  strerror(errno));
	line_reader_init(&r, sv[0]);
	write_full(sv[0], "MSG 1 x\n", 8);
	close(sv[1]);
	n = line_reader_fill(&r);
	e = errno;
	check_errno(n, e, ECONNRESET, "line_reader_fill after the peer closed "
		    "with our message unread (read() fails with ECONNRESET "
		    "once; pass it on)");
	close(sv[0]);
}

/* ======================================================================== */
/* unit: the daemon's memory and service                                     */
/* ======================================================================== */

/* Asserts dedup_accept(d, seq) == want. */
static void accept_is(struct dedup *d, unsigned long seq, int want,
		      const char *context)
{
	errno = 0;
	int r = dedup_accept(d, seq);
	int e = errno;
	cr_assert(r == want, "%s: dedup_accept(seq %lu) returned %d%s%s; "
		  "expected %d (%s)", context, seq, r, r == -1 ? " errno " : "",
		  r == -1 ? errno_name(e) : "", want, want == 1 ? "new: seq > "
		  "last accepted" : want == 0 ? "a duplicate: seq <= last "
		  "accepted" : "an error");
}

CHECK(lab05, unit_dedup, 1,
      "dedup: each seq accepted once per session; a new session starts over")
{
	struct dedup d;
	memset(&d, 0x5a, sizeof(d));
	dedup_init(&d);
	int r = dedup_accept(&d, 1);
	int e = errno;
	check_errno(r, e, EPROTO, "dedup_accept before any HELLO");
	r = dedup_hello(&d, "s1");
	e = errno;
	check_ok(r, e, "dedup_hello(\"s1\")");
	accept_is(&d, 1, 1, "session s1");
	accept_is(&d, 1, 0, "seq 1 again (resent after a reconnect)");
	accept_is(&d, 2, 1, "session s1");
	accept_is(&d, 5, 1, "a jump forward (the app ran before this daemon "
		  "started to count)");
	accept_is(&d, 3, 0, "a seq below the last accepted");
	r = dedup_hello(&d, "s1");
	check_ok(r, errno, "dedup_hello(\"s1\") again (the app reconnected)");
	accept_is(&d, 5, 0, "the same session after a reconnect keeps its count");
	accept_is(&d, 6, 1, "the same session after a reconnect");
	dedup_hello(&d, "s2");
	accept_is(&d, 1, 1, "a new session (the app restarted and counts "
		  "from 1 again)");
	r = dedup_accept(&d, 0);
	e = errno;
	check_errno(r, e, EINVAL, "dedup_accept(seq 0)");
	r = dedup_hello(&d, "");
	e = errno;
	check_errno(r, e, EINVAL, "dedup_hello(\"\")");
}

CHECK(lab05, unit_daemon_serve, 1,
      "daemon_serve: journal, log, one ACK per MSG; duplicates acked again")
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s",
		  strerror(errno));
	/* Bounds every read the daemon makes, so that a missed EOF fails the
	 * check with EAGAIN instead of hanging it. */
	struct timeval tv = {2, 0};
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	const char *jp = h_path("journal");
	struct daemon_state st = {.journal_fd = -1, .log = tmpfile()};
	cr_assert(st.log != NULL, "tmpfile: %s", strerror(errno));
	st.journal_fd = journal_open(jp, &st.dedup);
	cr_assert(st.journal_fd >= 0, "journal_open: %s", strerror(errno));
	const char *in = "HELLO tst\nMSG 1 one\nMSG 1 one\nMSG 2 two\n";
	write_full(sv[0], in, strlen(in));
	shutdown(sv[0], SHUT_WR);
	int r = daemon_serve(sv[1], &st);
	int e = errno;
	close(sv[1]);
	check_ok(r, e, "daemon_serve with HELLO, MSG 1, MSG 1, MSG 2, then EOF");
	cr_assert(r == 0, "daemon_serve returned %d at the client's EOF; "
		  "expected 0", r);
	char *acks = NULL;
	size_t n = 0;
	read_all(sv[0], 4096, &acks, &n);
	cr_assert(acks && strcmp(acks, ACK_LINE(1) ACK_LINE(1) ACK_LINE(2)) == 0,
		  "the client received \"%s\"; expected three ACK lines, "
		  "\"ACK 1 " RC_REPLY "\", the same again for the duplicate, "
		  "then \"ACK 2 " RC_REPLY "\"", acks ? h_one_line_tail(acks, 300) : "");
	free(acks);
	char *j = slurp(jp);
	cr_assert(strcmp(j, "tst 1\ntst 2\n") == 0, "the journal holds \"%s\"; "
		  "expected \"tst 1|tst 2\": one journal_append per accepted "
		  "message, none for the duplicate", h_one_line_tail(j, 200));
	free(j);
	fflush(st.log);
	rewind(st.log);
	char log[2048];
	size_t ll = fread(log, 1, sizeof(log) - 1, st.log);
	log[ll] = '\0';
	cr_assert(strstr(log, "accepted seq 1: one\n") &&
		  strstr(log, "duplicate seq 1 discarded\n") &&
		  strstr(log, "accepted seq 2: two\n") &&
		  prefixed_seqs(log, "accepted seq ", NULL, 0) == 2,
		  "the log holds \"%s\"; expected the lines \"accepted seq 1: "
		  "one\", \"duplicate seq 1 discarded\", \"accepted seq 2: two\" "
		  "(RC_LOG_ACCEPTED and RC_LOG_DUPLICATE)", h_one_line_tail(log, 400));
	cr_assert(st.dedup.last == 2 && strcmp(st.dedup.session, "tst") == 0,
		  "after serving, st->dedup holds session \"%s\", last %lu; "
		  "expected \"tst\", 2", st.dedup.session, st.dedup.last);
	close(sv[0]);

	/* A MSG before HELLO is not the protocol: no ACK, EPROTO. */
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	dedup_init(&st.dedup);
	write_full(sv[0], "MSG 1 x\n", 8);
	shutdown(sv[0], SHUT_WR);
	r = daemon_serve(sv[1], &st);
	e = errno;
	close(sv[1]);
	check_errno(r, e, EPROTO, "daemon_serve with a MSG before any HELLO");
	acks = NULL;
	read_all(sv[0], 4096, &acks, &n);
	cr_assert(n == 0, "a MSG before HELLO was acknowledged (\"%s\"): "
		  "nothing may be acknowledged that was not accepted",
		  h_one_line_tail(acks, 100));
	free(acks);
	close(sv[0]);
	fclose(st.log);
	close(st.journal_fd);
}

/* ======================================================================== */
/* box                                                                        */
/* ======================================================================== */

CHECK(lab05, box_exchange, 1,
      "daemon and app: app --count 5 gets 5 ACKs and exits 0; seqs 1..5 logged")
{
	const char *p = h_path("d.sock");
	struct h_proc d, a;
	start_daemon(&d, p, NULL);
	start_app(&a, p, "5", NULL);
	if (h_wait_exit(&a, 3.0) != 0 || !WIFEXITED(a.status) ||
	    WEXITSTATUS(a.status) != 0)
		fail_story(&a, &d, NULL, "app --count 5 should get 5 ACKs and "
			   "exit 0 within 3 s (20 ms ticks)");
	char *out = h_output(&d, 1);
	unsigned long seqs[64];
	size_t n = prefixed_seqs(out, "accepted seq ", seqs, 64);
	char why[600];
	int ok = exactly_once(seqs, n, 5, why, sizeof(why));
	int text = strstr(out, ": " RC_MESSAGE "\n") != NULL;
	free(out);
	if (!ok || !text)
		fail_story(&a, &d, NULL, "the daemon's log should hold \"accepted "
			   "seq N: " RC_MESSAGE "\" for N = 1..5, each once: %s",
			   ok ? "the message text is missing" : why);
}

CHECK(lab05, box_restart, 3,
      "daemon SIGKILLed and restarted: the app lives on and resumes < 2 s")
{
	const char *p = h_path("d.sock"), *j = h_path("journal");
	struct h_proc d1, d2, a;
	start_daemon(&d1, p, j);
	start_app(&a, p, "0", NULL);
	if (wait_accepted(&d1, &a, 3, 3.0) < 3)
		fail_story(&a, &d1, NULL, "before the restart: the daemon should "
			   "accept 3 messages within 3 s");
	h_stop(&d1); /* SIGKILL: no cleanup, its socket file stays */
	mono_sleep_ms(300); /* the outage */
	if (!running(&a)) {
		int pipe = WIFSIGNALED(a.status) && WTERMSIG(a.status) == SIGPIPE;
		fail_story(&a, &d1, NULL, "the daemon was killed and the app %s",
			   pipe ? "died of SIGPIPE (the seed's flaw 3): send with "
			   "MSG_NOSIGNAL" : "ended with it: it must keep trying "
			   "to reconnect (ECONNREFUSED and ENOENT are retryable)");
	}
	const char *argv[] = {h_bin("daemon"), p, "--journal", j, NULL};
	cr_assert(h_start(&d2, argv, NULL) == 0, "could not start the daemon "
		  "again: %s", strerror(errno));
	char why[1024];
	if (h_wait_listening(&d2, p, 5.0, why, sizeof(why)) != 0)
		fail_story(&a, &d1, &d2, "the restarted daemon should listen at "
			   "%s (over the stale file the killed one left): %s", p,
			   why);
	/* With the backoff capped at 80 ms the app is back in about 0.1 s on
	 * an idle machine; 2 s leaves room for a loaded one and still fails
	 * the seed's sleep(3) between attempts. */
	double t0 = mono_seconds();
	size_t k = wait_accepted(&d2, &a, 1, 3.0);
	double el = mono_seconds() - t0;
	if (k < 1 || el > 2.0)
		fail_story(&a, &d1, &d2, "after the daemon came back, the app "
			   "should reconnect and be accepted within 2 s (backoff "
			   "capped at 80 ms); %s", k < 1 ? "nothing was accepted "
			   "within 3 s" : "it took longer");
	if (!running(&a))
		fail_story(&a, &d1, &d2, "the app should keep running after it "
			   "reconnected");
}

CHECK(lab05, box_exactly_once, 2,
      "across a SIGKILL and a restart, the journal holds seqs 1..30 once each")
{
	const char *p = h_path("d.sock"), *j = h_path("journal");
	struct h_proc d1, d2, a;
	start_daemon(&d1, p, j);
	start_app(&a, p, "30", NULL);
	if (wait_accepted(&d1, &a, 5, 3.0) < 5)
		fail_story(&a, &d1, NULL, "the daemon should accept 5 messages "
			   "within 3 s");
	h_stop(&d1);
	mono_sleep_ms(200);
	const char *argv[] = {h_bin("daemon"), p, "--journal", j, NULL};
	cr_assert(h_start(&d2, argv, NULL) == 0, "could not start the daemon "
		  "again: %s", strerror(errno));
	if (h_wait_exit(&a, 4.0) != 0 || !WIFEXITED(a.status) ||
	    WEXITSTATUS(a.status) != 0)
		fail_story(&a, &d1, &d2, "app --count 30 should get all 30 "
			   "messages acknowledged, by the first daemon or the "
			   "restarted one, and exit 0 within 4 s");
	char *jt = slurp(j);
	unsigned long seqs[256];
	size_t n = journal_seqs(jt, seqs, 256);
	free(jt);
	char why[600];
	if (!exactly_once(seqs, n, 30, why, sizeof(why)))
		fail_story(&a, &d1, &d2, "the journal (each daemon appends one "
			   "line per accepted message, before its ACK) should "
			   "hold seqs 1..30 exactly once, in order: %s", why);
	/* The journal is the proof; the logs must at least agree that no
	 * seq was accepted by both daemons. */
	char *o1 = h_output(&d1, 1), *o2 = h_output(&d2, 1);
	unsigned long s1[256], s2[256];
	size_t n1 = prefixed_seqs(o1, "accepted seq ", s1, 256);
	size_t n2 = prefixed_seqs(o2, "accepted seq ", s2, 256);
	free(o1);
	free(o2);
	for (size_t x = 0; x < n1 && x < 256; x++)
		for (size_t y = 0; y < n2 && y < 256; y++)
			if (s1[x] == s2[y])
				fail_story(&a, &d1, &d2, "seq %lu was accepted by "
					   "both daemons: the restarted one must "
					   "know it from the journal and discard "
					   "it as a duplicate", s1[x]);
}

CHECK(lab05, box_resend_unacked, 2,
      "messages a daemon never acknowledged are sent again to the next one")
{
	const char *p = h_path("d.sock"), *j = h_path("journal");
	/* The test is the first daemon: it reads up to MSG 3, acknowledges
	 * nothing, and dies (closes everything, leaving its file). */
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	struct h_proc a, d;
	start_app(&a, p, "5", NULL);
	int c = accept_from(lfd, &a, 3.0);
	if (c < 0)
		fail_story(&a, NULL, NULL, "the app should connect to a daemon "
			   "(the test's) at %s within 3 s", p);
	char got[4096] = "";
	int seen = read_until(c, got, sizeof(got), "\nMSG 3 ", 3.0) &&
		   read_until(c, got, sizeof(got), RC_MESSAGE "\n", 1.0);
	close(c);
	close(lfd);
	if (!seen)
		fail_story(&a, NULL, NULL, "the test's daemon expected \"HELLO "
			   "<session>\", then \"MSG 1 ...\", \"MSG 2 ...\", "
			   "\"MSG 3 " RC_MESSAGE "\" lines, one per tick; it got "
			   "\"%s\"", h_one_line_tail(got, 300));
	start_daemon(&d, p, j);
	if (h_wait_exit(&a, 3.0) != 0 || !WIFEXITED(a.status) ||
	    WEXITSTATUS(a.status) != 0)
		fail_story(&a, &d, NULL, "after the first daemon died without "
			   "acknowledging anything, app --count 5 should send "
			   "messages 1..5 to the next daemon, get 5 ACKs and exit "
			   "0 within 3 s");
	char *jt = slurp(j);
	unsigned long seqs[64];
	size_t n = journal_seqs(jt, seqs, 64);
	free(jt);
	char why[600];
	if (!exactly_once(seqs, n, 5, why, sizeof(why)))
		fail_story(&a, &d, NULL, "the second daemon should record seqs "
			   "1..5: the first three were sent to a daemon that "
			   "never acknowledged them, so after reconnecting the "
			   "app must send them again (everything after the last "
			   "ACK, oldest first): %s", why);
}

CHECK(lab05, box_peer_errors, 2,
      "the app reconnects after EOF, EPIPE and ECONNRESET from its daemon")
{
	const char *p = h_path("d.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	struct h_proc a;
	start_app(&a, p, "0", NULL);
	char got[4096] = "";

	int c1 = accept_from(lfd, &a, 3.0);
	if (c1 < 0 || !read_until(c1, got, sizeof(got), "HELLO ", 2.0))
		fail_story(&a, NULL, NULL, "the app should connect to the test's "
			   "daemon and send \"HELLO <session>\" first; got \"%s\"",
			   h_one_line_tail(got, 200));
	/* 1. The daemon ends its sending side: the app reads EOF. */
	shutdown(c1, SHUT_WR);
	int c2 = accept_from(lfd, &a, 3.0);
	if (c2 < 0)
		fail_story(&a, NULL, NULL, "the daemon closed its side of the "
			   "connection (the app's read() returns 0, EOF): the app "
			   "should close its socket and reconnect within 3 s");
	/* 2. The daemon stops reading: the app's next send gets EPIPE. */
	shutdown(c2, SHUT_RD);
	int c3 = accept_from(lfd, &a, 3.0);
	if (c3 < 0) {
		int pipe = !running(&a) && WIFSIGNALED(a.status) &&
			   WTERMSIG(a.status) == SIGPIPE;
		fail_story(&a, NULL, NULL, "the daemon shut down its reading side "
			   "(the app's next send fails with EPIPE): %s", pipe ?
			   "the app died of SIGPIPE; send with MSG_NOSIGNAL" :
			   "the app should reconnect within 3 s");
	}
	/* 3. The daemon dies with the app's data unread: ECONNRESET. */
	struct pollfd pf = {.fd = c3, .events = POLLIN};
	poll(&pf, 1, 2000);
	close(c3);
	int c4 = accept_from(lfd, &a, 3.0);
	if (c4 < 0)
		fail_story(&a, NULL, NULL, "the daemon closed with the app's "
			   "data unread (the app's read() fails with ECONNRESET, "
			   "or its send with EPIPE): the app should reconnect "
			   "within 3 s");
	if (!running(&a))
		fail_story(&a, NULL, NULL, "the app should still run after three "
			   "broken connections");
	close(c1);
	close(c2);
	close(c4);
	close(lfd);
}

CHECK(lab05, box_two_daemons, 2,
      "a second daemon on the same path refuses (exit 1); the first still works")
{
	const char *p = h_path("d.sock");
	struct h_proc d1, a;
	start_daemon(&d1, p, NULL);
	start_app(&a, p, "0", NULL);
	if (wait_accepted(&d1, &a, 2, 3.0) < 2)
		fail_story(&a, &d1, NULL, "the daemon should accept 2 messages "
			   "within 3 s");
	struct stat st0, st1;
	cr_assert(lstat(p, &st0) == 0, "no file at %s", p);
	const char *argv[] = {h_bin("daemon"), p, NULL};
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, 2.0, &r) == 0, "could not run %s: %s",
		  argv[0], strerror(errno));
	int stolen = lstat(p, &st1) != 0 || st1.st_ino != st0.st_ino;
	int refused = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1 &&
		      strstr(r.err, "Address already in use") != NULL;
	if (stolen || !refused)
		fail_story(&a, &d1, NULL, "a second daemon started at %s, where a "
			   "live daemon listens, should probe with connect(), "
			   "find it alive, leave its file alone and exit with "
			   "status 1 reporting EADDRINUSE (the second daemon: %s; "
			   "its stderr: %s)%s", p,
			   r.what, h_one_line_tail(r.err, 300), stolen ? ". The socket "
			   "file was removed or replaced: the first daemon can no "
			   "longer be found (the seed's flaw 7, a blind unlink)" :
			   "");
	h_result_free(&r);
	size_t before = accepted_now(&d1);
	if (wait_accepted(&d1, &a, before + 2, 2.0) < before + 2)
		fail_story(&a, &d1, NULL, "after the second daemon gave up, the "
			   "first should go on accepting the app's messages");
	int c = h_connect(p);
	cr_assert(c >= 0, "after the second daemon gave up, a new client's "
		  "connect(%s) failed with %s: the first daemon must still be "
		  "reachable", p, errno_name(errno));
	close(c);
}

CHECK(lab05, box_socat_client, 1,
      "socat as a client: HELLO and MSG lines get ACK lines; duplicate acked")
{
	const char *p = h_path("d.sock");
	struct h_proc d;
	start_daemon(&d, p, NULL);
	char addr[200];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s", p);
	const char *in = "HELLO sc1\nMSG 1 one\nMSG 2 two\nMSG 1 one\nMSG 3 three\n";
	const char *sargv[] = {"/usr/bin/socat", "-t", "2", "-", addr, NULL};
	struct h_result r;
	cr_assert(h_run(sargv, in, strlen(in), 4.0, &r) == 0, "could not start "
		  "socat: %s", strerror(errno));
	const char *want = ACK_LINE(1) ACK_LINE(2) ACK_LINE(1) ACK_LINE(3);
	if (strcmp(r.out, want) != 0)
		fail_story(NULL, &d, NULL, "`socat -t 2 - %s` sent \"HELLO sc1\", "
			   "\"MSG 1 one\", \"MSG 2 two\", \"MSG 1 one\", \"MSG 3 "
			   "three\" and got \"%s\" (socat %s); expected four lines "
			   "\"ACK n " RC_REPLY "\" for n = 1, 2, 1, 3, then the "
			   "daemon closing after socat's EOF", addr,
			   h_one_line_tail(r.out, 300), r.what);
	h_result_free(&r);
	char *out = h_output(&d, 1);
	unsigned long seqs[16];
	size_t n = prefixed_seqs(out, "accepted seq ", seqs, 16);
	size_t dups = prefixed_seqs(out, "duplicate seq ", NULL, 0);
	free(out);
	char why[600];
	if (!exactly_once(seqs, n, 3, why, sizeof(why)) || dups != 1)
		fail_story(NULL, &d, NULL, "the daemon should log \"accepted seq\" "
			   "1, 2, 3 once each and one \"duplicate seq 1 "
			   "discarded\"; %s%zu duplicate lines", why, dups);
}

CHECK(lab05, box_socat_daemon, 1,
      "the app against an outside daemon (socat and a shell script that acks)")
{
	const char *p = h_path("d.sock"), *log = h_path("fake.log");
	const char *script = h_path("fake.sh");
	char text[1024];
	/* A fake daemon in sh: records every line, acknowledges every MSG. */
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "while IFS= read -r line; do\n"
		 "  printf '%%s\\n' \"$line\" >> '%s'\n"
		 "  set -- $line\n"
		 "  if [ \"$1\" = MSG ]; then printf \"ACK %%s it's "
		 "ddddddddd!\\n\" \"$2\"; fi\n"
		 "done\n", log);
	write_file(script, text, 0700);
	char listen_addr[200], exec_addr[200];
	snprintf(listen_addr, sizeof(listen_addr), "UNIX-LISTEN:%s", p);
	snprintf(exec_addr, sizeof(exec_addr), "EXEC:%s", script);
	const char *sargv[] = {"/usr/bin/socat", listen_addr, exec_addr, NULL};
	struct h_proc so, a;
	cr_assert(h_start(&so, sargv, NULL) == 0, "could not start socat: %s",
		  strerror(errno));
	wait_listening(&so, p);
	const char *argv[] = {h_bin("app"), p, FAST, "--count", "5", "--session",
			      "fake1", NULL};
	cr_assert(h_start(&a, argv, NULL) == 0, "could not start the app: %s",
		  strerror(errno));
	int done = h_wait_exit(&a, 3.0) == 0 && WIFEXITED(a.status) &&
		   WEXITSTATUS(a.status) == 0;
	char *got = slurp(log);
	char want[1024];
	int len = snprintf(want, sizeof(want), "HELLO fake1\n");
	for (int k = 1; k <= 5; k++)
		len += snprintf(want + len, sizeof(want) - (size_t)len,
				"MSG %d " RC_MESSAGE "\n", k);
	int same = strcmp(got, want) == 0;
	if (!done || !same)
		fail_story(&a, &so, NULL, "against `socat UNIX-LISTEN:PATH "
			   "EXEC:fake.sh` (a script that acknowledges each MSG), "
			   "app --count 5 --session fake1 should send \"HELLO "
			   "fake1\" then \"MSG 1 " RC_MESSAGE "\" .. \"MSG 5 ...\", "
			   "one line each, get 5 ACKs and exit 0; the script "
			   "received \"%s\"", h_one_line_tail(got, 500));
	free(got);
}

/* How long an app that should give up at once may take: far more than the
 * few milliseconds it needs, so that a loaded machine never fails it, and
 * still a clear verdict on an app that retries for ever. */
#define GIVE_UP_S 4.0

CHECK(lab05, box_give_up, 1,
      "the app gives up at once, clearly, on EPROTOTYPE, ENAMETOOLONG, EACCES")
{
	const char *dg = h_path("dgram.sock");
	int dfd = make_dgram(dg);
	struct {
		const char *path, *err, *what;
		int as_nobody;
	} cases[] = {
		{dg, "EPROTOTYPE", "a SOCK_DGRAM socket at the path", 0},
		{h_path_of_len(108), "ENAMETOOLONG", "a 108-byte path", 0},
		{NULL, "EACCES", "a path in a directory it may not search", 1},
	};
	for (size_t k = 0; k < 3; k++) {
		struct h_result r;
		const char *app = h_bin("app");
		if (cases[k].as_nobody) {
			/* The test dir is mode 0700 and root's: user nobody may
			 * not reach a socket inside it. */
			if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
				continue;
			const char *lp = h_path("private.sock");
			int l = h_listen(lp, 5);
			cr_assert(l >= 0, "test setup: listen at %s", lp);
			char abs[4096];
			if (app[0] != '/' && getcwd(abs, sizeof(abs)))
				snprintf(abs + strlen(abs), sizeof(abs) - strlen(abs),
					 "/%s", app);
			else
				snprintf(abs, sizeof(abs), "%s", app);
			const char *argv[] = {"/usr/bin/setpriv", "--reuid=65534",
					      "--regid=65534", "--clear-groups", abs,
					      lp, FAST, "--count", "1", NULL};
			cr_assert(h_run(argv, NULL, 0, GIVE_UP_S, &r) == 0,
				  "could not run setpriv: %s", strerror(errno));
			close(l);
			if (strstr(r.err, "setpriv:") != NULL) {
				h_result_free(&r); /* not the student's fault */
				continue;
			}
		} else {
			const char *argv[] = {app, cases[k].path, FAST, "--count",
					      "1", NULL};
			cr_assert(h_run(argv, NULL, 0, GIVE_UP_S, &r) == 0,
				  "could not run %s: %s", app, strerror(errno));
		}
		cr_assert(!r.timed_out, "app on %s was still running after %.0f s: "
			  "connect() fails with %s there, which no waiting "
			  "repairs; give up at once (connect_retryable returns 0) "
			  "instead of retrying for ever. Its stdout ends: %s",
			  cases[k].what, GIVE_UP_S, cases[k].err, h_one_line_tail(r.out, 300));
		cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1 &&
			  strstr(r.err, cases[k].err) != NULL, "app on %s should "
			  "exit with status 1 and a message naming %s (the app: "
			  "%s; its stderr: %s)", cases[k].what, cases[k].err, r.what,
			  h_one_line_tail(r.err, 300));
		h_result_free(&r);
	}
	close(dfd);
}

CHECK(lab05, box_daemon_journal, 1,
      "a restarted daemon reads its journal: an accepted seq is a duplicate")
{
	const char *p = h_path("d.sock"), *j = h_path("journal");
	struct h_proc d1, d2;
	start_daemon(&d1, p, j);
	char why[300];
	char *got = talk(p, "HELLO jr\nMSG 1 a\nMSG 2 b\n", why, sizeof(why));
	if (!got || strcmp(got, ACK_LINE(1) ACK_LINE(2)) != 0)
		fail_story(NULL, &d1, NULL, "a client sent HELLO jr, MSG 1, MSG 2 "
			   "and got \"%s\"; expected \"ACK 1 ...\", \"ACK 2 ...\" "
			   "%s", got ? h_one_line_tail(got, 200) : why, got ? "" : why);
	free(got);
	h_stop(&d1);
	start_daemon(&d2, p, j);
	got = talk(p, "HELLO jr\nMSG 2 b\nMSG 3 c\n", why, sizeof(why));
	if (!got || strcmp(got, ACK_LINE(2) ACK_LINE(3)) != 0)
		fail_story(NULL, &d1, &d2, "after the restart, the same session "
			   "sent MSG 2 (again) and MSG 3 and got \"%s\"; expected "
			   "\"ACK 2 ...\", \"ACK 3 ...\" %s",
			   got ? h_one_line_tail(got, 200) : "", got ? "" : why);
	free(got);
	char *out = h_output(&d2, 1);
	unsigned long seqs[8];
	size_t n = prefixed_seqs(out, "accepted seq ", seqs, 8);
	int dup2 = strstr(out, "duplicate seq 2 discarded") != NULL;
	free(out);
	char *jt = slurp(j);
	int jok = strcmp(jt, "jr 1\njr 2\njr 3\n") == 0;
	if (n != 1 || seqs[0] != 3 || !dup2 || !jok)
		fail_story(NULL, &d1, &d2, "the restarted daemon, reading the "
			   "journal \"jr 1|jr 2\", should discard seq 2 as a "
			   "duplicate and accept only seq 3; the journal should end "
			   "as \"jr 1|jr 2|jr 3\"; it is \"%s\"", h_one_line_tail(jt, 200));
	free(jt);
}

/* ======================================================================== */
/* trace                                                                     */
/* ======================================================================== */

/* Runs the outage scenario with a traced app: the daemon accepts a few
 * messages, is SIGKILLed, stays away outage_ms, comes back, and accepts
 * again; then the app is stopped and its trace loaded. */
static void outage_scenario(const char *p, int outage_ms, struct trace *t)
{
	const char *tp = h_path("app.trace");
	struct h_proc d1, d2, a;
	start_daemon(&d1, p, NULL);
	start_app(&a, p, "0", tp);
	if (wait_accepted(&d1, &a, 2, 3.0) < 2)
		fail_story(&a, &d1, NULL, "under strace, the app's messages "
			   "should reach the daemon (2 within 3 s)");
	h_stop(&d1);
	mono_sleep_ms(outage_ms);
	start_daemon(&d2, p, NULL);
	size_t k = wait_accepted(&d2, &a, 1, 2.0);
	int alive = running(&a);
	stop_and_load(&a, tp, t);
	if (k < 1 || !alive) {
		struct attempts *at = calloc(1, sizeof(*at));
		cr_assert(at != NULL, "out of memory");
		collect_connects(t, p, at);
		fail_story(&a, &d1, &d2, "after a %d ms outage of the daemon, "
			   "the traced app should reconnect within 2 s (it %s). "
			   "Its connect() calls to the path (ms after the first): "
			   "%s", outage_ms, alive ? "did not" : "ended",
			   attempt_list(at, 0, at->n));
	}
}

CHECK(lab05, trace_app_backoff, 3,
      "app trace: connect() attempts in a 500 ms outage back off, then cap")
{
	const char *p = h_path("d.sock");
	struct trace t = {0};
	outage_scenario(p, 500, &t);
	struct attempts *a = calloc(1, sizeof(*a));
	cr_assert(a != NULL, "out of memory");
	collect_connects(&t, p, a);
	/* The first success, the failures after it, the next success. A
	 * reconnect can still reach the killed daemon's listener while the
	 * kernel tears it down, so successes in a row count as the first. */
	size_t s0 = 0;
	while (s0 < a->n && a->err[s0] != 0)
		s0++;
	while (s0 + 1 < a->n && a->err[s0 + 1] == 0)
		s0++;
	size_t f = s0 + 1, e = f;
	while (e < a->n && a->err[e] != 0)
		e++;
	cr_assert(a->total <= 512 && (e < a->n || a->n - f <= 16), "%zu "
		  "connect() calls to %s in the app's trace, most of them failed "
		  "attempts during the 500 ms outage; expected about 9: wait "
		  "backoff_next() ms after each failed attempt instead of trying "
		  "again at once. Attempts (ms after the first failure): %s",
		  a->total, p, attempt_list(a, f, a->n < f + 40 ? a->n : f + 40));
	cr_assert(s0 < a->n && e < a->n && e > f, "expected in the app's trace "
		  "a successful connect() to %s, failed ones during the outage, "
		  "then a successful one; connects seen: %s", p,
		  attempt_list(a, 0, a->n));
	/* Gaps between consecutive attempts, the final success included:
	 * it too waited for its turn. */
	size_t m = e - f; /* failed attempts */
	double gmin = 1e9, gmax = 0, first = (a->ts[f + 1] - a->ts[f]) * 1000;
	for (size_t i = f + 1; i <= e; i++) {
		double g = (a->ts[i] - a->ts[i - 1]) * 1000;
		gmin = g < gmin ? g : gmin;
		gmax = g > gmax ? g : gmax;
	}
	const char *list = attempt_list(a, f, e + 1);
	cr_assert(m >= 4 && m <= 16, "%zu failed connect() attempts during the "
		  "500 ms outage; expected 4..16 with a backoff of 10 ms doubling "
		  "to a cap of 80 ms (about 9). %s Attempts (ms after the "
		  "first): %s", m, m > 16 ? "Too many: wait backoff_next() ms "
		  "after each failure." : "Too few: the delays are too long (a "
		  "fixed sleep(3)?) or the app stopped trying.", list);
	cr_assert(gmin >= 7.0, "two connect() attempts only %.1f ms apart; "
		  "with base 10 ms and jitter 0.2 no delay is below 8 ms: wait "
		  "backoff_next() ms after every failed attempt. Attempts (ms "
		  "after the first): %s", gmin, list);
	cr_assert(gmax <= 130.0, "two connect() attempts %.0f ms apart; with "
		  "the cap at 80 ms no delay may be longer (plus scheduling "
		  "slack, 130 ms allowed): limit the delay to the cap. Attempts "
		  "(ms after the first): %s", gmax, list);
	cr_assert(gmax >= 50.0 && gmax >= 2.5 * first, "the delays between "
		  "connect() attempts do not grow: first %.1f ms, longest %.1f "
		  "ms; expected about 10 ms at first, doubling to about 80 "
		  "(exponential backoff, not a fixed pause). Attempts (ms after "
		  "the first): %s", first, gmax, list);
	free(a);
	trace_free(&t);
}

CHECK(lab05, trace_app_new_socket, 1,
      "app trace: every connect() attempt on a new socket (no EISCONN)")
{
	const char *p = h_path("d.sock");
	struct trace t = {0};
	outage_scenario(p, 200, &t);
	struct attempts *a = calloc(1, sizeof(*a));
	cr_assert(a != NULL, "out of memory");
	collect_connects(&t, p, a);
	cr_assert(a->n >= 3, "expected at least 3 connect() calls to %s in the "
		  "app's trace (before, during and after the outage); seen: %s",
		  p, attempt_list(a, 0, a->n));
	for (size_t i = 0; i < a->n; i++) {
		cr_assert(a->err[i] != EISCONN, "connect() attempt %zu failed with "
			  "EISCONN: it was made on the socket of the lost "
			  "connection, which can never connect again; close it "
			  "and make a new socket. Attempts: %s", i + 1,
			  attempt_list(a, 0, a->n));
		for (size_t k = 0; k < i; k++)
			cr_assert(a->inode[i] == 0 || a->inode[i] != a->inode[k],
				  "connect() attempts %zu and %zu used the same "
				  "socket (inode %lu): make a new socket for every "
				  "attempt (after a failed connect() POSIX leaves "
				  "the socket unspecified; after a lost connection "
				  "Linux answers EISCONN). Attempts: %s", k + 1, i + 1,
				  a->inode[i], attempt_list(a, 0, a->n));
	}
	free(a);
	trace_free(&t);
}

CHECK(lab05, trace_app_epipe, 2,
      "app trace: a send gets EPIPE, no death by SIGPIPE, then a reconnect")
{
	const char *p = h_path("d.sock"), *tp = h_path("app.trace");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	struct h_proc a;
	start_app(&a, p, "0", tp);
	int c1 = accept_from(lfd, &a, 3.0);
	if (c1 < 0)
		fail_story(&a, NULL, NULL, "the traced app should connect to the "
			   "test's daemon within 3 s");
	/* The daemon stops reading: the app's next send gets EPIPE, and
	 * its reads see nothing (no EOF), so only the send can tell. */
	shutdown(c1, SHUT_RD);
	int c2 = accept_from(lfd, &a, 3.0);
	struct trace t = {0};
	stop_and_load(&a, tp, &t);
	const char *sum = h_trace_summary(&t, 40);
	cr_assert(!killed_by_sigpipe(&t), "the app was killed by SIGPIPE after "
		  "the daemon shut down its reading side: send with "
		  "send(..., MSG_NOSIGNAL) so that the error comes back as EPIPE "
		  "(the seed's flaw 3). Calls seen:\n%s", sum);
	long ep = -1;
	for (size_t i = 0; i < t.n && ep < 0; i++)
		if (t.ev[i].kind == TRACE_CALL && is_one_of(t.ev[i].name, SENDS) &&
		    t.ev[i].err == EPIPE)
			ep = (long)i;
	cr_assert(ep >= 0, "no send in the app's trace returned EPIPE although "
		  "the daemon had shut down its reading side (%s). Calls "
		  "seen:\n%s", c2 >= 0 ? "the app reconnected anyway" :
		  "and the app did not reconnect", sum);
	struct trace_fd f0;
	arg0_fd(&t.ev[ep], &f0);
	long cn = -1;
	for (size_t i = (size_t)ep + 1; i < t.n && cn < 0; i++)
		if (t.ev[i].kind == TRACE_CALL && strcmp(t.ev[i].name, "connect") == 0 &&
		    arg_names(&t.ev[i], 1, p))
			cn = (long)i;
	cr_assert(cn >= 0 && c2 >= 0, "after the send that returned EPIPE "
		  "(%s), expected a new connect() to %s and a new connection; "
		  "calls seen:\n%s", t.ev[ep].line, p, sum);
	struct trace_fd f1;
	arg0_fd(&t.ev[cn], &f1);
	cr_assert(f1.inode != f0.inode, "the reconnect used the socket of the "
		  "broken connection (inode %lu): close it and make a new one",
		  f0.inode);
	trace_free(&t);
	close(c1);
	close(c2);
	close(lfd);
}

/* Starts the daemon traced with --clients n (and a journal when not
 * NULL), and waits until it listens. */
static void start_traced_daemon(struct h_proc *d, const char *p, const char *tp,
				const char *n, const char *journal)
{
	const char *argv[] = {h_bin("daemon"), p, "--clients", n,
			      journal ? "--journal" : NULL, journal, NULL};
	cr_assert(h_start_traced(d, argv, NULL, tp) == 0, "could not start %s "
		  "under strace: %s", argv[0], strerror(errno));
	wait_listening(d, p);
}

/* Shows the newlines of a short protocol text as "\\n", for messages.
 * Two calls may be used in one message. */
static const char *show(const char *text)
{
	static char bufs[2][512];
	static int which;
	char *b = bufs[which++ & 1];
	size_t k = 0;
	for (; text && *text && k < sizeof(bufs[0]) - 3; text++) {
		if (*text == '\n') {
			b[k++] = '\\';
			b[k++] = 'n';
		} else {
			b[k++] = *text;
		}
	}
	b[k] = '\0';
	return b;
}

/* A test-side client's exchange with a traced daemon. Returns 0 when the
 * ACKs were exactly want; otherwise -1 with a sentence in why. */
static int exchange(const char *p, const char *in, const char *want,
		    char *why, size_t cap)
{
	char sub[300];
	char *got = talk(p, in, sub, sizeof(sub));
	int ok = got && strcmp(got, want) == 0;
	if (!ok)
		snprintf(why, cap, "a test client sent \"%s\" to the daemon and "
			 "got \"%s\"; expected \"%s\"%s%s", show(in),
			 got ? got : "", want, got ? "" : ": ", got ? "" : sub);
	free(got);
	return ok ? 0 : -1;
}

/* Waits for a traced daemon started with --clients to exit, and loads
 * its trace. */
static void finish_traced_daemon(struct h_proc *d, const char *tp,
				 struct trace *t)
{
	int waited = h_wait_exit(d, 3.0);
	if (waited != 0)
		h_stop(d);
	cr_assert(trace_load(tp, t) == 0, "could not read the trace %s: %s",
		  tp, strerror(errno));
	if (waited != 0)
		fail_story(NULL, d, NULL, "the traced daemon, started with "
			   "--clients N, served N clients but did not exit "
			   "(daemon_loop must return 0 after max_clients). Calls "
			   "seen:\n%s", h_trace_summary(t, 40));
}

CHECK(lab05, trace_daemon_listener, 1,
      "daemon trace: one bind and listen; accept again on the same socket")
{
	const char *p = h_path("d.sock"), *tp = h_path("daemon.trace");
	struct h_proc d;
	struct trace t = {0};
	start_traced_daemon(&d, p, tp, "2", NULL);
	char why[1024] = "";
	int ex = exchange(p, "HELLO c1\nMSG 1 a\n", ACK_LINE(1), why, sizeof(why));
	if (ex == 0)
		ex = exchange(p, "HELLO c2\nMSG 1 b\n", ACK_LINE(1), why,
			      sizeof(why));
	if (ex != 0)
		h_stop(&d); /* the trace may still tell what went wrong */
	finish_traced_daemon(&d, tp, &t);
	const char *sum = h_trace_summary(&t, 40);
	int binds = 0, listens = 0;
	unsigned long lino = 0;
	int accepts = 0, other = 0;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || !ev->has_ret)
			continue;
		struct trace_fd f;
		if (strcmp(ev->name, "bind") == 0 && arg_names(ev, 1, p) && ev->ret == 0)
			binds++;
		else if (strcmp(ev->name, "listen") == 0 && ev->ret == 0) {
			listens++;
			if (arg0_fd(ev, &f) == 0)
				lino = f.inode;
		} else if ((strcmp(ev->name, "accept") == 0 ||
			    strcmp(ev->name, "accept4") == 0) && ev->ret >= 0 &&
			   arg0_fd(ev, &f) == 0) {
			if (f.inode == lino)
				accepts++;
			else
				other++;
		}
	}
	cr_assert(binds == 1 && listens == 1, "the daemon's trace shows %d "
		  "successful bind() to %s and %d listen(); expected one of each "
		  "for its whole life: the listening socket outlives its clients "
		  "(the seed rebuilt it for every client, flaw 6). Calls "
		  "seen:\n%s", binds, p, listens, sum);
	if (ex != 0)
		fail_story(NULL, &d, NULL, "%s", why);
	cr_assert(accepts == 2 && other == 0, "expected 2 successful accept() "
		  "on the one listening socket (inode %lu), one per client; seen "
		  "%d on it and %d on other sockets. Calls seen:\n%s", lino,
		  accepts, other, sum);
	trace_free(&t);
}

CHECK(lab05, trace_daemon_commit, 1,
      "daemon trace: each message written to the journal before its ACK")
{
	const char *p = h_path("d.sock"), *tp = h_path("daemon.trace");
	const char *j = h_path("journal");
	struct h_proc d;
	struct trace t = {0};
	start_traced_daemon(&d, p, tp, "1", j);
	char why[1024];
	if (exchange(p, "HELLO cm\nMSG 1 a\nMSG 2 b\n", ACK_LINE(1) ACK_LINE(2),
		     why, sizeof(why)) != 0)
		fail_story(NULL, &d, NULL, "%s", why);
	finish_traced_daemon(&d, tp, &t);
	const char *sum = h_trace_summary(&t, 40);
	for (int s = 1; s <= 2; s++) {
		char rec[32], ack[32];
		snprintf(rec, sizeof(rec), "\"cm %d\\n\"", s);
		snprintf(ack, sizeof(ack), "\"ACK %d ", s);
		long jw = -1, as = -1;
		for (size_t i = 0; i < t.n; i++) {
			const struct trace_event *ev = &t.ev[i];
			if (ev->kind != TRACE_CALL || !is_one_of(ev->name, SENDS))
				continue;
			struct trace_fd f;
			if (arg0_fd(ev, &f) != 0)
				continue;
			if (jw < 0 && strcmp(f.name, j) == 0 && strstr(ev->args, rec))
				jw = (long)i;
			if (as < 0 && strncmp(f.proto, "UNIX", 4) == 0 &&
			    strstr(ev->args, ack))
				as = (long)i;
		}
		cr_assert(jw >= 0 && as >= 0 && jw < as, "seq %d: expected the "
			  "journal write of %s to %s before the send of the ACK "
			  "(%s); %s. If the daemon dies between the two, the "
			  "message must be on record, or the app, holding an "
			  "ACK, will never send it again. Calls seen:\n%s", s, rec,
			  j, ack, jw < 0 ? "no journal write seen" : as < 0 ?
			  "no ACK seen" : "the ACK came first", sum);
	}
	trace_free(&t);
}

CHECK(lab05, trace_daemon_stale, 1,
      "daemon trace: over a stale file, probe connect(), then unlink, bind")
{
	const char *p = h_path("d.sock"), *tp = h_path("daemon.trace");
	check_make_stale(p);
	struct h_proc d;
	struct trace t = {0};
	start_traced_daemon(&d, p, tp, "1", NULL);
	char why[1024];
	if (exchange(p, "HELLO st\nMSG 1 a\n", ACK_LINE(1), why, sizeof(why)) != 0)
		fail_story(NULL, &d, NULL, "%s", why);
	finish_traced_daemon(&d, tp, &t);
	const char *sum = h_trace_summary(&t, 40);
	long b1 = -1, pc = -1, un = -1, b2 = -1;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL)
			continue;
		if (strcmp(ev->name, "bind") == 0 && arg_names(ev, 1, p)) {
			if (b1 < 0)
				b1 = (long)i;
			else if (b2 < 0 && ev->ret == 0)
				b2 = (long)i;
		} else if (pc < 0 && strcmp(ev->name, "connect") == 0 &&
			   arg_names(ev, 1, p)) {
			pc = (long)i;
		} else if (un < 0 && (strcmp(ev->name, "unlink") == 0 ||
				      strcmp(ev->name, "unlinkat") == 0) &&
			   strstr(ev->args, p)) {
			un = (long)i;
		}
	}
	cr_assert(b1 >= 0 && t.ev[b1].err == EADDRINUSE, "over a stale file, "
		  "the first bind() to %s should fail with EADDRINUSE%s. Calls "
		  "seen:\n%s", p, un >= 0 && (b1 < 0 || un < b1) ? "; the daemon "
		  "unlinked the path before trying: a blind unlink steals a live "
		  "daemon's name (flaw 7)" : "", sum);
	cr_assert(pc > b1 && t.ev[pc].err == ECONNREFUSED, "after bind()'s "
		  "EADDRINUSE, expected a probe connect() to %s failing with "
		  "ECONNREFUSED (nobody listens) before anything is removed. "
		  "Calls seen:\n%s", p, sum);
	cr_assert(un > pc && b2 > un, "expected unlink(%s) after the probe's "
		  "ECONNREFUSED, then a successful bind(). Calls seen:\n%s", p, sum);
	trace_free(&t);
}
