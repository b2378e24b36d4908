/* 04-timeouts.c: graded checks of lab 04, timeouts.
 *
 * unit_  calls the student's functions with the test on the other end of a
 *        real socket: a socketpair peer that never reads or writes, a
 *        listener whose backlog is full, a TCP port on 127.0.0.1;
 * box_   runs the lab's tclient against test-side servers that never
 *        answer, never accept, or are not there;
 * trace_ runs tclient under strace and asserts on what the kernel saw:
 *        the setsockopt() arguments, connect()'s EAGAIN and EINPROGRESS,
 *        the poll() after it, a read() ended by EINTR.
 *
 * Timing. Every wait is checked against a window, never an exact time: at
 * least 0.9 x the timeout (the kernel keeps timeouts in clock ticks and
 * never ends them early by more than that), and at most the timeout plus
 * max(0.5 s, the timeout), room enough for a loaded machine. Timeouts are
 * 100-400 ms so that a check on the reference stays well under a second.
 *
 * Determinism. A full backlog is made by a test-side listener with backlog
 * 0 filled with non-blocking connects until EAGAIN (the kernel admits
 * backlog + 1). A signal is sent only once the target thread or process
 * is seen blocked in a waiting system call in /proc (state S and the call's
 * number in .../syscall), so it always lands inside the wait it tests.
 * When a wrong implementation would block for ever (no timeout set), a
 * watchdog thread ends the wait after a deadline (it writes a byte, drains
 * the peer or accepts a queued connection) so that the check fails with a
 * message instead of hanging. Nothing sleeps to wait for readiness. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/timeouts.h"

/* ---- timing windows ---------------------------------------------------------- */

static double secs_since(int64_t t0)
{
	return (double)(mono_ns() - t0) / 1e9;
}

/* The latest a wait bounded by bound_s may end on a loaded machine. */
static double late_limit(double bound_s)
{
	return bound_s + (bound_s > 0.5 ? bound_s : 0.5);
}

/* 1 when took_s is within the window of a wait bounded by bound_s. */
static int in_window(double took_s, double bound_s)
{
	return took_s >= 0.9 * bound_s && took_s <= late_limit(bound_s);
}

/* "at once": well before any timeout of this suite. */
#define AT_ONCE_S 0.5

/* ---- small helpers ---------------------------------------------------------------- */

/* errno's name, or "success" when the call did not fail. */
static const char *outcome(long ret, int err)
{
	static char buf[64];
	if (ret != -1) {
		snprintf(buf, sizeof(buf), "%ld", ret);
		return buf;
	}
	snprintf(buf, sizeof(buf), "-1 %s", errno_name(err));
	return buf;
}

/* Makes a program's captured output fit on one line of a message: trailing
 * newlines dropped, inner ones shown as " | ". Returns a static buffer. */
static const char *one_line(const char *s)
{
	static char buf[2][1200];
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

/* A connected pair of UNIX stream sockets: sv[0] is the student's end. */
static void make_pair(int sv[2])
{
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
}

/* Reads SO_RCVTIMEO or SO_SNDTIMEO of fd as the kernel holds it. */
static struct timeval raw_timeout(int fd, int opt)
{
	struct timeval tv = {-1, -1};
	socklen_t len = sizeof(tv);
	if (getsockopt(fd, SOL_SOCKET, opt, &tv, &len) != 0)
		tv.tv_sec = tv.tv_usec = -1;
	return tv;
}

static void set_raw_timeout(int fd, int opt, long sec, long usec)
{
	struct timeval tv = {sec, usec};
	cr_assert(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) == 0,
		  "test setup: setsockopt: %s", strerror(errno));
}

/* Bytes waiting in fd's receive queue. */
static int queued(int fd)
{
	int n = -1;
	if (ioctl(fd, FIONREAD, &n) != 0)
		return -1;
	return n;
}

static int is_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl != -1 && (fl & O_NONBLOCK);
}

/* ---- test-side peers: full backlogs, TCP ports ------------------------------------- */

/* Connections the test keeps queued on a listener. */
struct queue {
	int fd[16];
	int n;
};

static void queue_close(struct queue *q)
{
	for (int i = 0; i < q->n; i++)
		close(q->fd[i]);
	q->n = 0;
}

/* A UNIX listener at addr with backlog 0 that never accepts, filled with
 * non-blocking connects until EAGAIN: the next connect() finds it full.
 * Returns the listener. */
static int full_unix_listener(const char *addr, struct queue *q)
{
	int lfd = h_listen(addr, 0);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", addr, strerror(errno));
	struct sockaddr_un a;
	int len = h_sockaddr(addr, &a);
	q->n = 0;
	for (;;) {
		int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		cr_assert(c >= 0, "test setup: socket: %s", strerror(errno));
		if (connect(c, (struct sockaddr *)&a, (socklen_t)len) == -1) {
			int e = errno;
			close(c);
			cr_assert(e == EAGAIN, "test setup: filling the backlog of "
				  "%s: connect gave %s, not EAGAIN", addr,
				  errno_name(e));
			break;
		}
		cr_assert(q->n < 16, "test setup: the backlog of %s never filled",
			  addr);
		q->fd[q->n++] = c;
	}
	return lfd;
}

/* A TCP socket on 127.0.0.1 with a port the kernel picks; listening with
 * backlog when backlog >= 0, only bound otherwise (then nobody listens on
 * the port, and the bound socket keeps anyone else from taking it). */
static int tcp_socket_on_port(int backlog, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0, "test setup: socket(AF_INET): %s", strerror(errno));
	struct sockaddr_in in = {.sin_family = AF_INET};
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(in);
	cr_assert(bind(fd, (struct sockaddr *)&in, sizeof(in)) == 0 &&
		  (backlog < 0 || listen(fd, backlog) == 0) &&
		  getsockname(fd, (struct sockaddr *)&in, &len) == 0,
		  "test setup: TCP socket on 127.0.0.1: %s", strerror(errno));
	*port = ntohs(in.sin_port);
	return fd;
}

/* "tcp:127.0.0.1:PORT", valid until the test ends. */
static const char *tcp_text(int port)
{
	static char buf[4][40];
	static int k;
	char *s = buf[k++ % 4];
	snprintf(s, sizeof(buf[0]), "tcp:127.0.0.1:%d", port);
	return s;
}

/* Fills the accept queue of a TCP listener (backlog 0): completes
 * handshakes until TCP_INFO shows more waiting connections than the
 * backlog. A SYN that then arrives is dropped, and its connect() stays in
 * progress. */
static void fill_tcp_listener(int lfd, int port, struct queue *q)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	q->n = 0;
	for (;;) {
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);
		cr_assert(getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0,
			  "test setup: TCP_INFO: %s", strerror(errno));
		/* On a listener, unacked is the accept queue's length and
		 * sacked its backlog. */
		if (ti.tcpi_unacked > ti.tcpi_sacked)
			return;
		cr_assert(q->n < 16, "test setup: the TCP backlog never filled");
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		cr_assert(c >= 0, "test setup: socket: %s", strerror(errno));
		int r = connect(c, (struct sockaddr *)&in, sizeof(in));
		cr_assert(r == 0 || errno == EINPROGRESS, "test setup: TCP "
			  "connect: %s", strerror(errno));
		struct pollfd p = {.fd = c, .events = POLLOUT};
		int err = 0;
		socklen_t el = sizeof(err);
		cr_assert(poll(&p, 1, 2000) == 1 &&
			  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0 &&
			  err == 0, "test setup: a TCP connection to the test's "
			  "listener did not complete");
		q->fd[q->n++] = c;
	}
}

/* ---- is a thread (or process) blocked in a waiting system call? ---------------------- */

/* 1 when the task whose /proc directory is dir sleeps (state S) in a
 * system call that waits on a socket: on fd when fd >= 0 and the call
 * takes an fd first (poll and friends take an array, so any counts). */
static int blocked_in_call(const char *dir, int fd)
{
	long nr;
	unsigned long arg0;
	if (!h_blocked_in(dir, &nr, &arg0))
		return 0;
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_recvfrom: case SYS_sendto:
	case SYS_recvmsg: case SYS_sendmsg: case SYS_connect:
	case SYS_accept: case SYS_accept4:
		return fd < 0 || (int)arg0 == fd;
	case SYS_poll: case SYS_ppoll: case SYS_select: case SYS_pselect6:
	case SYS_epoll_wait: case SYS_epoll_pwait:
		return 1;
	default:
		return 0;
	}
}

/* Waits up to ms for the eventfd to be written. Returns 1 if it was. */
static int stop_asked(int efd, int ms)
{
	struct pollfd p = {.fd = efd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

/* ---- helper thread: SIGUSR1 into a blocked call ------------------------------------------ */

static volatile sig_atomic_t usr1_caught;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_caught++;
}

static volatile sig_atomic_t sigpipe_caught;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipe_caught++;
}

/* Installs the SIGUSR1 handler WITH SA_RESTART: whatever EINTR is seen
 * below happens despite it. */
static void install_usr1(void)
{
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	cr_assert(sigaction(SIGUSR1, &sa, NULL) == 0, "test setup: sigaction");
	usr1_caught = 0;
}

/* Sends SIGUSR1 to a thread each time it is blocked on fd: once, or every
 * period_ms until max_s has passed or it is stopped. With data, writes it
 * on write_fd after the first signal, once the handler has run and the
 * thread is blocked again. */
struct signaller {
	pthread_t th;
	int efd;
	pid_t tid;
	char dir[64];
	int fd, period_ms;
	double max_s;
	int write_fd;
	const char *data;
	int sent, wrote;
};

static void *signaller_main(void *arg)
{
	struct signaller *s = arg;
	int64_t end = mono_deadline(s->max_s);
	for (;;) {
		while (!blocked_in_call(s->dir, s->fd))
			if (stop_asked(s->efd, 1) || mono_ms_left(end) == 0)
				return NULL;
		syscall(SYS_tgkill, getpid(), s->tid, SIGUSR1);
		s->sent++;
		if (s->data) {
			while (usr1_caught < s->sent || !blocked_in_call(s->dir, s->fd))
				if (stop_asked(s->efd, 1) || mono_ms_left(end) == 0)
					return NULL;
			if (write(s->write_fd, s->data, strlen(s->data)) > 0)
				s->wrote = 1;
			return NULL;
		}
		if (s->period_ms == 0 || stop_asked(s->efd, s->period_ms) ||
		    mono_ms_left(end) == 0)
			return NULL;
	}
}

/* Starts signalling the calling thread while it waits on fd. */
static void signaller_start(struct signaller *s, int fd, int period_ms,
			    double max_s, int write_fd, const char *data)
{
	memset(s, 0, sizeof(*s));
	s->tid = (pid_t)syscall(SYS_gettid);
	snprintf(s->dir, sizeof(s->dir), "/proc/self/task/%d", (int)s->tid);
	s->fd = fd;
	s->period_ms = period_ms;
	s->max_s = max_s;
	s->write_fd = write_fd;
	s->data = data;
	/* Counted from here: "the handler ran" below means for this one. */
	usr1_caught = 0;
	s->efd = eventfd(0, EFD_CLOEXEC);
	cr_assert(s->efd >= 0 && pthread_create(&s->th, NULL, signaller_main, s) == 0,
		  "test setup: could not start the signalling thread");
}

/* Stops the signaller; returns how many signals it sent. */
static int signaller_stop(struct signaller *s)
{
	uint64_t one = 1;
	if (write(s->efd, &one, sizeof(one)) < 0)
		perror("eventfd");
	pthread_join(s->th, NULL);
	close(s->efd);
	return s->sent;
}

/* ---- helper thread: a watchdog that ends a wait that has no bound ---------------------------- */

enum wd_action { WD_WRITE, WD_DRAIN, WD_ACCEPT };

struct watchdog {
	pthread_t th;
	int efd, fd, delay_ms;
	enum wd_action act;
	int fired;
	int accepted; /* the connection WD_ACCEPT took, -1 if none */
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	if (stop_asked(w->efd, w->delay_ms))
		return NULL;
	w->fired = 1;
	if (w->act == WD_WRITE) {
		if (write(w->fd, "!", 1) < 0)
			perror("watchdog write");
	} else if (w->act == WD_ACCEPT) {
		w->accepted = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC);
	} else {
		/* Drain until stopped: the blocked sender gets all the room it
		 * wants. */
		static char sink[65536];
		for (;;) {
			struct pollfd p[2] = {{.fd = w->fd, .events = POLLIN},
					      {.fd = w->efd, .events = POLLIN}};
			if (poll(p, 2, -1) < 0 || p[1].revents)
				break;
			if (read(w->fd, sink, sizeof(sink)) <= 0)
				break;
		}
	}
	return NULL;
}

static void watchdog_start(struct watchdog *w, enum wd_action act, int fd,
			   int delay_ms)
{
	memset(w, 0, sizeof(*w));
	w->act = act;
	w->fd = fd;
	w->delay_ms = delay_ms;
	w->accepted = -1;
	w->efd = eventfd(0, EFD_CLOEXEC);
	cr_assert(w->efd >= 0 && pthread_create(&w->th, NULL, watchdog_main, w) == 0,
		  "test setup: could not start the watchdog thread");
}

/* Stops the watchdog; returns 1 when it had to act. */
static int watchdog_stop(struct watchdog *w)
{
	uint64_t one = 1;
	if (write(w->efd, &one, sizeof(one)) < 0)
		perror("eventfd");
	pthread_join(w->th, NULL);
	close(w->efd);
	if (w->accepted >= 0)
		close(w->accepted);
	return w->fired;
}

/* ---- unit checks: addresses and timevals ---------------------------------------------------- */

CHECK(lab04, unit_address, 1,
      "timeout_address: /path, @name and tcp:127.0.0.1:PORT, exact lengths")
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *p = h_path("s.sock");
	int fam = timeout_address(p, &ss, &len);
	int e = errno;
	check_ok(fam, e, "timeout_address(\"/path\")");
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	size_t want = offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
	cr_assert(fam == AF_UNIX && un->sun_family == AF_UNIX && len == want &&
		  strcmp(un->sun_path, p) == 0, "timeout_address(\"%s\") gave "
		  "family %d, length %u; expected AF_UNIX, the path in sun_path "
		  "and length 2 + %zu + 1 = %zu", p, fam, (unsigned)len,
		  strlen(p), want);

	fam = timeout_address("@lab04-name", &ss, &len);
	e = errno;
	check_ok(fam, e, "timeout_address(\"@lab04-name\")");
	want = offsetof(struct sockaddr_un, sun_path) + 1 + 10;
	cr_assert(fam == AF_UNIX && len == want && un->sun_path[0] == '\0' &&
		  memcmp(un->sun_path + 1, "lab04-name", 10) == 0,
		  "timeout_address(\"@lab04-name\") gave length %u; expected an "
		  "abstract name: sun_path[0] = 0, then the 10 bytes of the name, "
		  "length 2 + 1 + 10 = %zu (no trailing zero)", (unsigned)len, want);

	fam = timeout_address("tcp:127.0.0.1:8080", &ss, &len);
	e = errno;
	check_ok(fam, e, "timeout_address(\"tcp:127.0.0.1:8080\")");
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	cr_assert(fam == AF_INET && in->sin_family == AF_INET &&
		  len == sizeof(struct sockaddr_in) && ntohs(in->sin_port) == 8080 &&
		  ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK,
		  "timeout_address(\"tcp:127.0.0.1:8080\") gave family %d, length "
		  "%u, port %u; expected AF_INET, length %zu, port 8080 in network "
		  "byte order (htons) and 127.0.0.1", fam, (unsigned)len,
		  ntohs(in->sin_port), sizeof(struct sockaddr_in));

	const char *bad[] = {"", "relative.sock", "@", "tcp:127.0.0.1",
			     "tcp:127.0.0.1:0", "tcp:127.0.0.1:65536",
			     "tcp:127.0.0.1:80x", "tcp:localhost:80", "udp:1.2.3.4:5"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char what[96];
		snprintf(what, sizeof(what), "timeout_address(\"%s\")", bad[k]);
		fam = timeout_address(bad[k], &ss, &len);
		e = errno;
		check_errno(fam, e, EINVAL, what);
	}
	fam = timeout_address(h_path_of_len(108), &ss, &len);
	e = errno;
	check_errno(fam, e, ENAMETOOLONG, "timeout_address(a 108-byte path)");
	char name[112] = "@";
	memset(name + 1, 'n', 108);
	fam = timeout_address(name, &ss, &len);
	e = errno;
	check_errno(fam, e, ENAMETOOLONG, "timeout_address(\"@\" and a 108-byte "
		    "name: with its leading zero it needs 109 bytes)");
}

CHECK(lab04, unit_ms_to_timeval, 1,
      "ms_to_timeval: seconds and MICROseconds (1500 ms is {1, 500000})")
{
	struct {
		int ms;
		long sec, usec;
	} cases[] = {{0, 0, 0}, {1, 0, 1000}, {200, 0, 200000}, {999, 0, 999000},
		     {1000, 1, 0}, {1500, 1, 500000}, {61234, 61, 234000}};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct timeval tv = {-7, -7};
		int r = ms_to_timeval(cases[k].ms, &tv);
		int e = errno;
		char what[64];
		snprintf(what, sizeof(what), "ms_to_timeval(%d)", cases[k].ms);
		check_ok(r, e, what);
		const char *hint = "";
		if (tv.tv_sec == cases[k].ms && cases[k].ms >= 1000)
			hint = ": the milliseconds went into tv_sec, which counts "
			       "whole SECONDS (a timeout 1000 times too long)";
		else if (tv.tv_sec == cases[k].ms && cases[k].ms > 0)
			hint = ": the milliseconds went into tv_sec, which counts "
			       "whole SECONDS";
		else if (tv.tv_usec == cases[k].ms % 1000 && cases[k].ms % 1000)
			hint = ": tv_usec counts MICROseconds (1 ms = 1000 us)";
		else if (tv.tv_usec >= 1000000)
			hint = ": tv_usec must stay below 1000000 (setsockopt "
			       "refuses it with EDOM); whole seconds go in tv_sec";
		cr_assert(tv.tv_sec == cases[k].sec && tv.tv_usec == cases[k].usec,
			  "%s gave {tv_sec=%ld, tv_usec=%ld}; expected {tv_sec=%ld, "
			  "tv_usec=%ld}%s", what, (long)tv.tv_sec, (long)tv.tv_usec,
			  cases[k].sec, cases[k].usec, hint);
	}
	struct timeval tv = {-7, -7};
	int r = ms_to_timeval(-1, &tv);
	int e = errno;
	check_errno(r, e, EINVAL, "ms_to_timeval(-1)");
	cr_assert(tv.tv_sec == -7 && tv.tv_usec == -7, "ms_to_timeval(-1) "
		  "failed but wrote into the timeval: leave it untouched");
}

/* Describes the two timeouts of fd as the kernel holds them. */
static const char *both_timeouts(int fd)
{
	static char buf[128];
	struct timeval r = raw_timeout(fd, SO_RCVTIMEO), s = raw_timeout(fd, SO_SNDTIMEO);
	snprintf(buf, sizeof(buf), "SO_RCVTIMEO {tv_sec=%ld, tv_usec=%ld}, "
		 "SO_SNDTIMEO {tv_sec=%ld, tv_usec=%ld}", (long)r.tv_sec,
		 (long)r.tv_usec, (long)s.tv_sec, (long)s.tv_usec);
	return buf;
}

/* Asserts that fd's two timeouts read back as given (seconds, micro). */
static void expect_timeouts(int fd, long rs, long ru, long ss, long su,
			    const char *after)
{
	struct timeval r = raw_timeout(fd, SO_RCVTIMEO), s = raw_timeout(fd, SO_SNDTIMEO);
	const char *hint = "";
	if (s.tv_sec == rs && s.tv_usec == ru && (rs != ss || ru != su))
		hint = r.tv_sec == ss && r.tv_usec == su
		       ? ": the two options are swapped"
		       : ": SO_SNDTIMEO holds the RECEIVE value. Was it set twice? "
			 "An option keeps only the last value set (the seed's "
			 "flaw 4)";
	cr_assert(r.tv_sec == rs && r.tv_usec == ru && s.tv_sec == ss &&
		  s.tv_usec == su, "after %s, getsockopt reads back %s; expected "
		  "SO_RCVTIMEO {tv_sec=%ld, tv_usec=%ld} and SO_SNDTIMEO "
		  "{tv_sec=%ld, tv_usec=%ld}%s", after, both_timeouts(fd), rs, ru,
		  ss, su, hint);
}

CHECK(lab04, unit_set_timeouts, 2,
      "set_timeouts/get_timeout_ms: both options set, read back; 0 clears")
{
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 200, 300);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 200, 300)");
	expect_timeouts(sv[0], 0, 200000, 0, 300000, "set_timeouts(fd, 200, 300)");

	int ms = -1;
	r = get_timeout_ms(sv[0], SO_RCVTIMEO, &ms);
	e = errno;
	check_ok(r, e, "get_timeout_ms(fd, SO_RCVTIMEO, &ms)");
	cr_assert(ms == 200, "get_timeout_ms(fd, SO_RCVTIMEO) gave %d; the "
		  "kernel holds {tv_sec=0, tv_usec=200000}, i.e. 200 ms", ms);
	r = get_timeout_ms(sv[0], SO_SNDTIMEO, &ms);
	e = errno;
	check_ok(r, e, "get_timeout_ms(fd, SO_SNDTIMEO, &ms)");
	cr_assert(ms == 300, "get_timeout_ms(fd, SO_SNDTIMEO) gave %d; the "
		  "kernel holds {tv_sec=0, tv_usec=300000}, i.e. 300 ms", ms);

	r = set_timeouts(sv[0], 1500, 0);
	e = errno;
	check_ok(r, e, "set_timeouts(fd, 1500, 0)");
	expect_timeouts(sv[0], 1, 500000, 0, 0, "set_timeouts(fd, 1500, 0) "
			"(0 means no timeout: it must clear the 300 ms set before)");

	r = set_timeouts(sv[0], -1, 100);
	e = errno;
	check_errno(r, e, EINVAL, "set_timeouts(fd, -1, 100)");
	r = set_timeouts(sv[0], 100, -5);
	e = errno;
	check_errno(r, e, EINVAL, "set_timeouts(fd, 100, -5)");
	expect_timeouts(sv[0], 1, 500000, 0, 0, "two refused calls with a "
			"negative value (check both values before setting either)");

	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	r = set_timeouts(devnull, 100, 100);
	e = errno;
	check_errno(r, e, ENOTSOCK, "set_timeouts on /dev/null");
	close(devnull);

	/* A value the kernel rounds up to its clock tick: get_timeout_ms
	 * must report what the kernel holds, a partial ms rounded up. */
	set_raw_timeout(sv[1], SO_SNDTIMEO, 2, 250500);
	struct timeval k = raw_timeout(sv[1], SO_SNDTIMEO);
	int want = (int)(k.tv_sec * 1000 + (k.tv_usec + 999) / 1000);
	r = get_timeout_ms(sv[1], SO_SNDTIMEO, &ms);
	e = errno;
	check_ok(r, e, "get_timeout_ms(fd, SO_SNDTIMEO, &ms)");
	cr_assert(ms == want, "get_timeout_ms gave %d for a kernel value of "
		  "{tv_sec=%ld, tv_usec=%ld}; expected %d ms (seconds x 1000 + "
		  "microseconds / 1000, a partial millisecond rounded up)", ms,
		  (long)k.tv_sec, (long)k.tv_usec, want);
	r = get_timeout_ms(sv[1], SO_RCVTIMEO, &ms);
	e = errno;
	check_ok(r, e, "get_timeout_ms on a socket without SO_RCVTIMEO");
	cr_assert(ms == 0, "get_timeout_ms gave %d for a socket without "
		  "SO_RCVTIMEO ({0, 0}); expected 0 (no timeout)", ms);
	r = get_timeout_ms(sv[1], SO_TYPE, &ms);
	e = errno;
	check_errno(r, e, EINVAL, "get_timeout_ms(fd, SO_TYPE, &ms) (not a "
		    "timeout option)");
	close(sv[0]);
	close(sv[1]);
}

/* ---- unit checks: read_timed ------------------------------------------------------------------- */

CHECK(lab04, unit_read_timeout, 1,
      "read_timed: nothing to read is -1 EAGAIN after SO_RCVTIMEO; data, EOF at once")
{
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 200, 0);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 200, 0)");

	char buf[64];
	cr_assert(write(sv[1], "ping", 4) == 4, "test setup: write");
	int64_t t0 = mono_ns();
	ssize_t n = read_timed(sv[0], buf, sizeof(buf));
	e = errno;
	double took = secs_since(t0);
	cr_assert(n == 4 && memcmp(buf, "ping", 4) == 0 && took < 0.18,
		  "read_timed with 4 bytes waiting returned %s after %.3f s; "
		  "expected 4 (\"ping\") at once", outcome(n, e), took);

	/* Nothing to read. If no timeout bounds the read, the watchdog
	 * writes one byte after 1.5 s. */
	struct watchdog w;
	watchdog_start(&w, WD_WRITE, sv[1], 1500);
	t0 = mono_ns();
	n = read_timed(sv[0], buf, sizeof(buf));
	e = errno;
	took = secs_since(t0);
	int fired = watchdog_stop(&w);
	cr_assert(!fired, "read_timed with nothing to read returned %s only "
		  "after %.2f s, when the test wrote a byte: SO_RCVTIMEO 200 ms "
		  "should have ended it after about 0.2 s with -1 EAGAIN (is the "
		  "timeout set, in the right units?)", outcome(n, e), took);
	check_errno(n, e, EAGAIN, "read_timed with nothing to read (SO_RCVTIMEO "
		    "200 ms)");
	cr_assert(in_window(took, 0.2), "read_timed returned EAGAIN after %.3f "
		  "s; expected about the 200 ms of SO_RCVTIMEO (between %.2f and "
		  "%.2f s)%s", took, 0.18, late_limit(0.2), took < 0.18 ?
		  ": it did not wait (a non-blocking read?)" : "");

	cr_assert(shutdown(sv[1], SHUT_WR) == 0, "test setup: shutdown");
	t0 = mono_ns();
	n = read_timed(sv[0], buf, sizeof(buf));
	e = errno;
	took = secs_since(t0);
	cr_assert(n == 0 && took < 0.18, "read_timed after the peer's "
		  "shutdown(SHUT_WR) returned %s after %.3f s; expected 0 (EOF) "
		  "at once", outcome(n, e), took);
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab04, unit_read_signals, 2,
      "read_timed: signals during the wait neither end it (EINTR) nor stretch it")
{
	install_usr1();
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 400, 0);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 400, 0)");
	char buf[64];

	/* A signal every 50 ms for up to 2 s, each sent while the call
	 * waits. The watchdog ends a wait that nothing bounds. */
	struct signaller s;
	struct watchdog w;
	watchdog_start(&w, WD_WRITE, sv[1], 3000);
	signaller_start(&s, sv[0], 50, 2.0, -1, NULL);
	int64_t t0 = mono_ns();
	ssize_t n = read_timed(sv[0], buf, sizeof(buf));
	e = errno;
	double took = secs_since(t0);
	int sent = signaller_stop(&s);
	int fired = watchdog_stop(&w);
	cr_assert(!(n == -1 && e == EINTR), "read_timed returned -1 EINTR after "
		  "%.3f s, at the first signal. A handler ran (installed with "
		  "SA_RESTART, but the kernel does not restart a read that has "
		  "SO_RCVTIMEO): that is not the end of the wait. Go on waiting, "
		  "for what is left of the 400 ms only", took);
	cr_assert(!fired, "read_timed returned %s only after %.2f s, when the "
		  "test wrote a byte (%d signals were sent): with SO_RCVTIMEO "
		  "400 ms it should give up after about 0.4 s", outcome(n, e),
		  took, sent);
	check_errno(n, e, EAGAIN, "read_timed with nothing to read, SO_RCVTIMEO "
		    "400 ms and a signal every 50 ms");
	cr_assert(took >= 0.36, "read_timed returned EAGAIN after %.3f s, "
		  "before the 400 ms of SO_RCVTIMEO had passed (%d signals came)",
		  took, sent);
	cr_assert(sent >= 2, "read_timed returned EAGAIN after %.3f s, and only "
		  "%d signal came while it waited in a call: a wait of 400 ms "
		  "blocked in read() or poll() sees one every 50 ms. Is it "
		  "waiting without a blocking call (a busy loop)?", took, sent);
	cr_assert(took <= late_limit(0.4), "read_timed returned EAGAIN after "
		  "%.2f s with SO_RCVTIMEO 400 ms while %d signals came, one every "
		  "50 ms: each EINTR started a fresh 400 ms wait, so a steady "
		  "signal (a timer, children exiting) stretches it for ever. After "
		  "EINTR wait only for the time left: poll() with the remaining "
		  "milliseconds", took, sent);

	/* One signal, then data: the data is the result. */
	signaller_start(&s, sv[0], 0, 2.0, sv[1], "late");
	t0 = mono_ns();
	n = read_timed(sv[0], buf, sizeof(buf));
	e = errno;
	took = secs_since(t0);
	signaller_stop(&s);
	cr_assert(s.wrote, "read_timed returned %s after %.3f s, before the "
		  "test's one signal and the 4 bytes that follow it (the signal "
		  "is sent once read_timed waits in a call): it should still be "
		  "waiting, with the 400 ms of SO_RCVTIMEO", outcome(n, e), took);
	cr_assert(n == 4 && memcmp(buf, "late", 4) == 0, "read_timed was "
		  "interrupted by a signal and then 4 bytes came, within the 400 "
		  "ms; it returned %s after %.3f s, expected 4 (\"late\")",
		  outcome(n, e), took);
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab04, unit_eintr_not_restarted, 1,
      "a signal ends a read under SO_RCVTIMEO with EINTR, even with SA_RESTART")
{
	install_usr1();
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 2000, 0);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 2000, 0)");
	char buf[16];

	/* A plain read() by the test, on the socket the student's
	 * set_timeouts() configured. */
	struct signaller s;
	struct watchdog w;
	watchdog_start(&w, WD_WRITE, sv[1], 1000);
	signaller_start(&s, sv[0], 0, 2.0, -1, NULL);
	int64_t t0 = mono_ns();
	ssize_t n = read(sv[0], buf, sizeof(buf));
	e = errno;
	double took = secs_since(t0);
	signaller_stop(&s);
	int fired = watchdog_stop(&w);
	cr_assert(s.sent == 1, "read() returned %s after %.3f s, before the "
		  "test's signal (sent once the read waits): on the socket that "
		  "set_timeouts(fd, 2000, 0) configured it should wait up to 2 s "
		  "(was O_NONBLOCK set, or a timeout other than 2000 ms? %s)",
		  outcome(n, e), took, both_timeouts(sv[0]));
	cr_assert(!(fired && n > 0), "read() under the SO_RCVTIMEO that "
		  "set_timeouts(fd, 2000, 0) set: the signal's handler ran, the "
		  "read was RESTARTED (SA_RESTART) and only ended when the test "
		  "wrote a byte 1 s later. A read with a timeout is never "
		  "restarted, so no SO_RCVTIMEO was in force (%s)",
		  both_timeouts(sv[0]));
	cr_assert(n == -1 && e == EINTR && took < 1.0, "read() with SO_RCVTIMEO "
		  "2000 ms, interrupted by a handled signal, returned %s after "
		  "%.3f s; expected -1 EINTR at the signal (%s)", outcome(n, e),
		  took, both_timeouts(sv[0]));

	/* Without a timeout the same read() IS restarted: the byte written
	 * after the handler ran is what it returns. */
	r = set_timeouts(sv[0], 0, 0);
	e = errno;
	check_ok(r, e, "set_timeouts(fd, 0, 0)");
	signaller_start(&s, sv[0], 0, 2.0, sv[1], "x");
	n = read(sv[0], buf, sizeof(buf));
	e = errno;
	signaller_stop(&s);
	cr_assert(n == 1 && buf[0] == 'x' && usr1_caught == 1,
		  "after set_timeouts(fd, 0, 0) a read() interrupted by a handler "
		  "installed with SA_RESTART returned %s (%d signal caught); "
		  "expected it to be restarted and to return the byte written "
		  "after the signal. 0 must clear the timeout: %s", outcome(n, e),
		  (int)usr1_caught, both_timeouts(sv[0]));
	close(sv[0]);
	close(sv[1]);
}

/* ---- unit checks: send_timed -------------------------------------------------------------------- */

CHECK(lab04, unit_send_full_peer, 1,
      "send_timed into a full peer: short count after SO_SNDTIMEO, then EAGAIN")
{
	struct sigaction sa = {.sa_handler = on_sigpipe};
	sigaction(SIGPIPE, &sa, NULL);
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 0, 300);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 0, 300)");
	static char big[1 << 20];
	memset(big, 'b', sizeof(big));

	struct watchdog w;
	watchdog_start(&w, WD_DRAIN, sv[1], 1500);
	int64_t t0 = mono_ns();
	ssize_t n = send_timed(sv[0], big, sizeof(big));
	e = errno;
	double took = secs_since(t0);
	int q = queued(sv[1]);
	int64_t t1 = mono_ns();
	ssize_t n2 = send_timed(sv[0], big, sizeof(big));
	int e2 = errno;
	double took2 = secs_since(t1);
	int q2 = queued(sv[1]);
	int fired = watchdog_stop(&w);

	cr_assert(!fired, "send_timed of 1 MiB to a peer that does not read "
		  "returned %s only after %.2f s, once the test began to read: "
		  "with SO_SNDTIMEO 300 ms it should return after about 0.3 s",
		  outcome(n, e), took);
	cr_assert(!(n == -1 && e == EAGAIN && q > 0), "send_timed of 1 MiB "
		  "returned -1 EAGAIN after %.3f s, yet %d bytes had gone into the "
		  "peer's queue: return the short count. A loop that retries after "
		  "a short count (like write_full) waits another timeout and loses "
		  "the count", took, q);
	check_ok(n, e, "send_timed of 1 MiB to a peer that does not read (some "
		 "of it fits in the socket's buffer)");
	cr_assert(n > 0 && n < (ssize_t)sizeof(big) && n == q, "send_timed of 1 "
		  "MiB returned %zd, but the peer's queue holds %d bytes; expected "
		  "the short count of what went", n, q);
	cr_assert(in_window(took, 0.3), "send_timed returned its short count "
		  "after %.3f s; expected it after the 300 ms of SO_SNDTIMEO "
		  "(between %.2f and %.2f s)%s", took, 0.27, late_limit(0.3),
		  took < 0.27 ? ": it did not wait for room (a non-blocking send?)"
			      : "");
	cr_assert(n2 == -1 && e2 == EAGAIN, "a second send_timed into the full "
		  "peer returned %s; expected -1 EAGAIN (nothing could go)",
		  outcome(n2, e2));
	cr_assert(in_window(took2, 0.3) && q2 == q, "the second send_timed "
		  "returned EAGAIN after %.3f s (queue %d -> %d bytes); expected "
		  "it after about 0.3 s with nothing more queued", took2, q, q2);

	close(sv[1]);
	n = send_timed(sv[0], "x", 1);
	e = errno;
	cr_assert(sigpipe_caught == 0, "send_timed to a closed peer raised "
		  "SIGPIPE (it kills a process by default): send with "
		  "MSG_NOSIGNAL");
	check_errno(n, e, EPIPE, "send_timed to a closed peer");
	close(sv[0]);
}

CHECK(lab04, unit_send_signals, 1,
      "send_timed: signals while the peer is full neither end nor stretch the wait")
{
	install_usr1();
	int sv[2];
	make_pair(sv);
	int r = set_timeouts(sv[0], 0, 400);
	int e = errno;
	check_ok(r, e, "set_timeouts(fd, 0, 400)");
	/* Fill the send buffer so that nothing more can go. */
	static char chunk[65536];
	while (send(sv[0], chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
	int q = queued(sv[1]);

	struct signaller s;
	struct watchdog w;
	watchdog_start(&w, WD_DRAIN, sv[1], 3000);
	signaller_start(&s, sv[0], 50, 2.0, -1, NULL);
	int64_t t0 = mono_ns();
	ssize_t n = send_timed(sv[0], "0123456789", 10);
	e = errno;
	double took = secs_since(t0);
	int sent = signaller_stop(&s);
	int fired = watchdog_stop(&w);
	cr_assert(!(n == -1 && e == EINTR), "send_timed returned -1 EINTR after "
		  "%.3f s, at the first signal: nothing went, and a handled "
		  "signal is not a failure. Wait for POLLOUT for what is left of "
		  "the 400 ms", took);
	cr_assert(!fired, "send_timed returned %s only after %.2f s, when the "
		  "test began to read (%d signals were sent): with SO_SNDTIMEO "
		  "400 ms it should give up after about 0.4 s", outcome(n, e),
		  took, sent);
	cr_assert(n == -1 && e == EAGAIN && queued(sv[1]) == q,
		  "send_timed into a full peer with signals coming returned %s; "
		  "expected -1 EAGAIN with nothing sent", outcome(n, e));
	cr_assert(in_window(took, 0.4), "send_timed returned EAGAIN after %.2f "
		  "s with SO_SNDTIMEO 400 ms while %d signals came, one every 50 "
		  "ms; expected about 0.4 s in total%s", took, sent,
		  took > 0.4 ? ": each EINTR must not start a fresh 400 ms send()" : "");
	cr_assert(sent >= 2, "send_timed returned after %.3f s, and only %d "
		  "signal came while it waited in a call: a wait of 400 ms blocked "
		  "in send() or poll() sees one every 50 ms. Is it waiting "
		  "without a blocking call (a busy loop)?", took, sent);
	close(sv[0]);
	close(sv[1]);
}

/* ---- unit checks: connect ----------------------------------------------------------------------------- */

CHECK(lab04, unit_connect_at_once, 1,
      "ENOENT and ECONNREFUSED come back at once, whatever the timeout; no fd leaked")
{
	const char *none = h_path("nothing.sock");
	const char *stale = h_path("stale.sock");
	check_make_stale(stale);
	struct {
		const char *addr;
		int want;
		int poll;
		const char *what;
	} cases[] = {
		{none, ENOENT, 0, "connect_timed(no file, 100, 2000)"},
		{stale, ECONNREFUSED, 0, "connect_timed(stale socket file, 100, 2000)"},
		{none, ENOENT, 1, "connect_with_timeout(no file, 2000)"},
		{stale, ECONNREFUSED, 1, "connect_with_timeout(stale socket file, 2000)"},
	};
	for (size_t k = 0; k < 4; k++) {
		/* Counted around each failing call: it must close the socket
		 * it made. */
		int before = check_count_fds();
		int64_t t0 = mono_ns();
		int fd = cases[k].poll ? connect_with_timeout(cases[k].addr, 2000)
				       : connect_timed(cases[k].addr, 100, 2000);
		int e = errno;
		double took = secs_since(t0);
		if (fd >= 0)
			close(fd);
		int leaked = check_count_fds() - before;
		check_errno(fd, e, cases[k].want, cases[k].what);
		cr_assert(took < AT_ONCE_S, "%s failed with %s after %.2f s; the "
			  "kernel answers at once (a timeout bounds only a wait, and "
			  "a refusal does not wait). Retrying until the timeout is "
			  "not the job of connect: a reconnect loop paces itself "
			  "(lab 05)", cases[k].what, errno_name(e), took);
		cr_assert(leaked == 0, "%s failed with %s as it should, but left "
			  "%d descriptor(s) open: when connect() fails, close the "
			  "socket before returning -1 (save errno, close, restore "
			  "errno)", cases[k].what, errno_name(e), leaked);
	}
}

CHECK(lab04, unit_connect_timed_backlog, 2,
      "connect_timed: a full backlog is -1 EAGAIN after SO_SNDTIMEO")
{
	const char *p = h_path("s.sock");
	struct queue q;
	int lfd = full_unix_listener(p, &q);

	struct watchdog w;
	watchdog_start(&w, WD_ACCEPT, lfd, 1500);
	int64_t t0 = mono_ns();
	int fd = connect_timed(p, 100, 300);
	int e = errno;
	double took = secs_since(t0);
	int fired = watchdog_stop(&w);
	if (fd >= 0)
		close(fd);
	cr_assert(!fired, "connect_timed(full backlog, 100, 300) returned %s "
		  "only after %.2f s, when the test accepted a queued connection: "
		  "nothing bounded the wait. Set SO_SNDTIMEO BEFORE connect(): it "
		  "is what bounds a blocking connect() to a full backlog",
		  outcome(fd, e), took);
	check_errno(fd, e, EAGAIN, "connect_timed to a listener whose backlog "
		    "is full (SO_SNDTIMEO 300 ms)");
	cr_assert(in_window(took, 0.3), "connect_timed failed with EAGAIN after "
		  "%.3f s; expected it after the 300 ms of SO_SNDTIMEO (between "
		  "%.2f and %.2f s)%s", took, 0.27, late_limit(0.3), took < 0.27 ?
		  ": it did not wait. A NON-blocking connect() says EAGAIN at "
		  "once; connect_timed blocks, bounded by SO_SNDTIMEO" : "");

	/* A place frees up: the next connect_timed gets in, and keeps both
	 * timeouts for the exchange. */
	int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert(a >= 0, "test setup: accept: %s", strerror(errno));
	t0 = mono_ns();
	fd = connect_timed(p, 100, 300);
	e = errno;
	took = secs_since(t0);
	check_ok(fd, e, "connect_timed once the backlog has room");
	cr_assert(took < AT_ONCE_S, "connect_timed with room in the backlog took "
		  "%.2f s", took);
	cr_assert(!is_nonblocking(fd), "connect_timed returned a non-blocking "
		  "socket; expected an ordinary blocking one");
	expect_timeouts(fd, 0, 100000, 0, 300000, "connect_timed(path, 100, 300)");
	close(fd);
	close(a);
	queue_close(&q);
	close(lfd);
}

CHECK(lab04, unit_poll_connect_unix, 1,
      "connect_with_timeout on AF_UNIX: full backlog is EAGAIN at once, not EINPROGRESS")
{
	const char *p = h_path("s.sock");
	struct queue q;
	int lfd = full_unix_listener(p, &q);
	struct watchdog w;
	watchdog_start(&w, WD_ACCEPT, lfd, 2500);
	int64_t t0 = mono_ns();
	int fd = connect_with_timeout(p, 2000);
	int e = errno;
	double took = secs_since(t0);
	watchdog_stop(&w);
	if (fd >= 0)
		close(fd);
	cr_assert(!(fd >= 0 && took >= 1.0), "connect_with_timeout(full "
		  "backlog, 2000) connected after %.2f s, once the test accepted a "
		  "queued connection: its connect() blocked. Use a non-blocking "
		  "socket (SOCK_NONBLOCK): on AF_UNIX a full backlog then fails "
		  "with EAGAIN at once", took);
	cr_assert(fd == -1, "connect_with_timeout(full backlog, 2000) returned "
		  "a descriptor after %.3f s; the non-blocking connect() failed "
		  "with EAGAIN and no connection exists (poll() on that socket "
		  "proves nothing)", took);
	check_errno(fd, e, EAGAIN, "connect_with_timeout to a UNIX listener "
		    "whose backlog is full");
	cr_assert(took < AT_ONCE_S, "connect_with_timeout(full UNIX backlog, "
		  "2000) failed with EAGAIN after %.2f s; a non-blocking connect() "
		  "on AF_UNIX says EAGAIN at once, not EINPROGRESS: there is "
		  "nothing to poll for", took);
	queue_close(&q);
	close(lfd);

	/* A listener with room, at an abstract name. */
	const char *name = h_abstract();
	lfd = h_listen(name, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", name, strerror(errno));
	fd = connect_with_timeout(name, 1000);
	e = errno;
	check_ok(fd, e, "connect_with_timeout to a listening abstract name");
	cr_assert(!is_nonblocking(fd), "connect_with_timeout returned a socket "
		  "still in O_NONBLOCK mode; clear it (fcntl F_SETFL) before "
		  "returning");
	int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	cr_assert(a >= 0, "connect_with_timeout returned fd %d, but no "
		  "connection waits on the listener (accept: %s)", fd,
		  errno_name(errno));
	close(a);
	close(fd);
	close(lfd);
}

CHECK(lab04, unit_poll_connect_tcp, 1,
      "connect_with_timeout on TCP: ETIMEDOUT on a full backlog, SO_ERROR's ECONNREFUSED")
{
	int port;
	int lfd = tcp_socket_on_port(0, &port);
	struct queue q;
	fill_tcp_listener(lfd, port, &q);
	struct watchdog w;
	watchdog_start(&w, WD_ACCEPT, lfd, 1500);
	int64_t t0 = mono_ns();
	int fd = connect_with_timeout(tcp_text(port), 300);
	int e = errno;
	double took = secs_since(t0);
	int fired = watchdog_stop(&w);
	if (fd >= 0)
		close(fd);
	cr_assert(!(fd == -1 && e == EINPROGRESS), "connect_with_timeout("
		  "\"tcp:127.0.0.1:%d\", 300) returned -1 EINPROGRESS: that only "
		  "says the handshake started. poll() for POLLOUT with the time "
		  "left, and report ETIMEDOUT when it runs out", port);
	cr_assert(!fired && took <= late_limit(0.3), "connect_with_timeout(TCP "
		  "port with a full backlog, 300) returned %s after %.2f s%s; "
		  "expected -1 ETIMEDOUT after about 0.3 s. Is the socket "
		  "non-blocking, and does poll() get the time left?", outcome(fd, e),
		  took, fired ? ", once the test accepted a connection" : "");
	check_errno(fd, e, ETIMEDOUT, "connect_with_timeout to a TCP listener "
		    "whose SYN queue drops new handshakes");
	cr_assert(took >= 0.27, "connect_with_timeout gave ETIMEDOUT after %.3f "
		  "s, before the 300 ms", took);
	queue_close(&q);
	close(lfd);

	/* A closed port: the handshake fails, and SO_ERROR says how. */
	int cfd = tcp_socket_on_port(-1, &port);
	t0 = mono_ns();
	fd = connect_with_timeout(tcp_text(port), 2000);
	e = errno;
	took = secs_since(t0);
	if (fd >= 0)
		close(fd);
	cr_assert(fd == -1, "connect_with_timeout to a closed TCP port returned "
		  "a descriptor: poll() reports POLLOUT (with POLLERR) when a "
		  "handshake FAILS too; read getsockopt(SO_ERROR) to learn how it "
		  "ended (ECONNREFUSED here)");
	check_errno(fd, e, ECONNREFUSED, "connect_with_timeout to a closed TCP "
		    "port on 127.0.0.1");
	cr_assert(took < AT_ONCE_S, "ECONNREFUSED came after %.2f s; expected "
		  "at once", took);
	close(cfd);

	/* A TCP listener with room: connected, back in blocking mode. */
	lfd = tcp_socket_on_port(5, &port);
	fd = connect_with_timeout(tcp_text(port), 1000);
	e = errno;
	check_ok(fd, e, "connect_with_timeout to a listening TCP port");
	cr_assert(!is_nonblocking(fd), "connect_with_timeout returned a socket "
		  "still in O_NONBLOCK mode; clear it before returning");
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	cr_assert(getpeername(fd, (struct sockaddr *)&peer, &pl) == 0 &&
		  ntohs(peer.sin_port) == port, "the returned socket is not "
		  "connected to 127.0.0.1:%d", port);
	close(fd);
	close(lfd);
}

/* ---- black-box checks: tclient ------------------------------------------------------------------------ */

/* Runs tclient with args (NULL-terminated, at most 8). */
static void run_tclient(const char *const args[], struct h_result *r)
{
	const char *argv[12] = {h_bin("tclient")};
	size_t k = 1;
	for (; args[k - 1] && k < 11; k++)
		argv[k] = args[k - 1];
	argv[k] = NULL;
	int rc = h_run(argv, NULL, 0, 4.0, r);
	cr_assert(rc == 0, "could not start %s: %s", argv[0], strerror(errno));
}

/* The command line of a tclient run, for messages. */
static const char *cmdline(const char *const args[])
{
	static char buf[2][300];
	static int k;
	char *s = buf[k ^= 1];
	snprintf(s, sizeof(buf[0]), "tclient");
	for (size_t i = 0; args[i]; i++) {
		size_t n = strlen(s);
		snprintf(s + n, sizeof(buf[0]) - n, " %s", args[i]);
	}
	return s;
}

/* Asserts how a tclient run ended: exit status, and text in its stdout. */
static void expect_run(const char *const args[], const struct h_result *r,
		       int status, const char *text1, const char *text2)
{
	int st = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
	cr_assert(!r->timed_out && st == status &&
		  (!text1 || strstr(r->out, text1)) &&
		  (!text2 || strstr(r->out, text2)),
		  "`%s` %s after %.2f s, printing: %s; expected exit status %d "
		  "and a line with \"%s\"%s%s%s. Its stderr: %s", cmdline(args),
		  r->what, r->elapsed, one_line(r->out), status, text1 ? text1 : "",
		  text2 ? " and \"" : "", text2 ? text2 : "", text2 ? "\"" : "",
		  one_line(r->err));
}

CHECK(lab04, box_read_timeout, 1,
      "tclient, server never answers: timeouts read back, read EAGAIN at --rcv")
{
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {p, "--rcv", "200", "--snd", "300", NULL};
	struct h_result r;
	run_tclient(args, &r);
	expect_run(args, &r, TCLIENT_EXIT_READ_TIMEOUT,
		   "timeouts: SO_RCVTIMEO 200 ms, SO_SNDTIMEO 300 ms", "read: EAGAIN");
	cr_assert(strstr(r.out, "read: EAGAIN") &&
		  strstr(strstr(r.out, "read: EAGAIN"), "[at the timeout]"),
		  "`%s`: the read should end [at the timeout]; it printed: %s",
		  cmdline(args), one_line(r.out));
	cr_assert(r.elapsed >= 0.18 && r.elapsed <= late_limit(0.2) + 0.5,
		  "`%s` ran %.2f s; expected about the 0.2 s of --rcv", cmdline(args),
		  r.elapsed);
	h_result_free(&r);
	close(lfd);
}

CHECK(lab04, box_reply, 1,
      "tclient prints the reply that comes before the timeout")
{
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {p, "--rcv", "3000", "--snd", "300", NULL};
	const char *argv[] = {h_bin("tclient"), p, "--rcv", "3000", "--snd",
			      "300", NULL};
	struct h_proc tc;
	cr_assert(h_start(&tc, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	/* Accepts tclient's connection, or stops waiting as soon as tclient
	 * has exited without one queued (or after 3 s). */
	int a = -1, e = 0;
	int64_t deadline = mono_deadline(3.0);
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	while (mono_ms_left(deadline) > 0) {
		int gone = h_wait_exit(&tc, 0.005) == 0;
		a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		e = errno;
		if (a >= 0 || e != EAGAIN || gone)
			break;
	}
	if (a >= 0)
		cr_assert(write(a, "pong", 4) == 4, "test server: write: %s",
			  strerror(errno));
	char d[96];
	int waited = h_wait_exit(&tc, 3.0);
	char *out = h_output(&tc, 1), *err = h_output(&tc, 2);
	cr_assert(a >= 0, "tclient never connected to the test server (accept: "
		  "%s); tclient %s, stdout: %s, stderr: %s", errno_name(e),
		  h_describe(&tc, d, sizeof(d)), one_line(out), one_line(err));
	cr_assert(waited == 0 && WIFEXITED(tc.status) &&
		  WEXITSTATUS(tc.status) == TCLIENT_EXIT_OK &&
		  strstr(out, "read: 4 bytes") && strstr(out, "\"pong\""),
		  "`%s` against a server that sends \"pong\": it %s, printing: %s; "
		  "expected exit status 0 and \"read: 4 bytes ... \"pong\"\". "
		  "Its stderr: %s", cmdline(args), h_describe(&tc, d, sizeof(d)),
		  one_line(out), one_line(err));
	free(out);
	free(err);
	close(a);
	close(lfd);
}

CHECK(lab04, box_connect_bands, 1,
      "tclient connect: EAGAIN at --snd on a full backlog; ENOENT, ECONNREFUSED at once")
{
	const char *p = h_path("s.sock");
	struct queue q;
	int lfd = full_unix_listener(p, &q);
	const char *a1[] = {p, "--rcv", "100", "--snd", "300", NULL};
	struct h_result r;
	run_tclient(a1, &r);
	expect_run(a1, &r, TCLIENT_EXIT_CONNECT_TIMEOUT, "connect: EAGAIN",
		   "[at the timeout]");
	cr_assert(r.elapsed >= 0.27, "`%s` ran %.2f s; the connect should wait "
		  "the 300 ms of SO_SNDTIMEO", cmdline(a1), r.elapsed);
	h_result_free(&r);

	const char *a2[] = {p, "--connect", "2000", NULL};
	run_tclient(a2, &r);
	expect_run(a2, &r, TCLIENT_EXIT_CONNECT_TIMEOUT, "connect: EAGAIN",
		   "[at once]");
	h_result_free(&r);
	queue_close(&q);
	close(lfd);

	const char *none = h_path("nothing.sock");
	const char *stale = h_path("stale.sock");
	check_make_stale(stale);
	const char *a3[] = {none, "--snd", "3000", NULL};
	run_tclient(a3, &r);
	expect_run(a3, &r, TCLIENT_EXIT_CONNECT_REFUSED, "connect: ENOENT",
		   "[at once]");
	h_result_free(&r);
	const char *a4[] = {stale, "--snd", "3000", NULL};
	run_tclient(a4, &r);
	expect_run(a4, &r, TCLIENT_EXIT_CONNECT_REFUSED, "connect: ECONNREFUSED",
		   "[at once]");
	h_result_free(&r);
}

CHECK(lab04, box_tcp, 1,
      "tclient on TCP loopback: ETIMEDOUT with --connect, EINPROGRESS with --snd")
{
	int port;
	int lfd = tcp_socket_on_port(0, &port);
	struct queue q;
	fill_tcp_listener(lfd, port, &q);
	const char *a1[] = {tcp_text(port), "--connect", "300", NULL};
	struct h_result r;
	run_tclient(a1, &r);
	expect_run(a1, &r, TCLIENT_EXIT_CONNECT_TIMEOUT, "connect: ETIMEDOUT",
		   "[at the timeout]");
	h_result_free(&r);
	const char *a2[] = {tcp_text(port), "--snd", "300", NULL};
	run_tclient(a2, &r);
	expect_run(a2, &r, TCLIENT_EXIT_CONNECT_TIMEOUT, "connect: EINPROGRESS",
		   "[at the timeout]");
	h_result_free(&r);
	queue_close(&q);
	close(lfd);

	int cfd = tcp_socket_on_port(-1, &port);
	const char *a3[] = {tcp_text(port), "--connect", "3000", NULL};
	run_tclient(a3, &r);
	expect_run(a3, &r, TCLIENT_EXIT_CONNECT_REFUSED, "connect: ECONNREFUSED",
		   "[at once]");
	h_result_free(&r);
	close(cfd);
}

CHECK(lab04, box_send_full, 1,
      "tclient --send into a server that never reads: a short count at --snd")
{
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {p, "--snd", "300", "--send", "1048576", NULL};
	struct h_result r;
	run_tclient(args, &r);
	expect_run(args, &r, TCLIENT_EXIT_SEND_TIMEOUT, "send: short count",
		   "[at the timeout]");
	h_result_free(&r);
	close(lfd);
}

/* ---- trace checks ------------------------------------------------------------------------------------- */

/* The syscalls these traces need: the harness's set, plus poll() and
 * fcntl() for the non-blocking connect, and rt_sigaction() for the
 * handler's flags. */
#define LAB04_TRACE_SET H_TRACE_SET ",poll,ppoll,fcntl,rt_sigaction"

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

/* Starts tclient with args under strace, writing the trace to trace_path.
 * strace leads the process group; the fixture kills it at the end. */
static void start_traced(struct h_proc *p, const char *trace_path,
			 const char *const args[])
{
	static char asan[512];
	const char *old = getenv("ASAN_OPTIONS");
	/* LeakSanitizer cannot run under ptrace: with SAN=1 it would fail
	 * every traced program at exit. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
		 old ? old : "", old && *old ? ":" : "");
	const char *argv[24] = {strace_path(), "-f", "-yy", "-ttt", "-T", "-s", "256",
				"-q", "-E", asan, "-o", trace_path,
				"-e", "trace=" LAB04_TRACE_SET, "--",
				h_bin("tclient")};
	size_t k = 16;
	for (size_t i = 0; args[i] && k < 23; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start tclient under "
		  "strace: %s", strerror(errno));
}

/* How the last traced run ended and what it printed, for messages. */
static char traced_story[1600];

/* Waits for the traced run to end and loads its trace. */
static void finish_traced(struct h_proc *p, const char *trace_path,
			  struct trace *t, const char *const args[])
{
	char d[96];
	int waited = h_wait_exit(p, 4.0);
	if (waited != 0)
		h_stop(p);
	char *out = h_output(p, 1);
	snprintf(traced_story, sizeof(traced_story), "tclient %s, printing: %s",
		 h_describe(p, d, sizeof(d)), one_line(out));
	free(out);
	cr_assert(trace_load(trace_path, t) == 0, "could not read the trace %s: "
		  "%s", trace_path, strerror(errno));
	cr_assert(waited == 0, "`%s` under strace was still running after 4 s "
		  "(%s): something waited with no bound (see the last calls). "
		  "Calls seen:\n%s", cmdline(args), h_describe(p, d, sizeof(d)),
		  h_trace_summary(t, 30));
}

/* The fd number of a call's first argument, or -1. */
static int call_fd(const struct trace_event *ev)
{
	char buf[256];
	struct trace_fd f;
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0 || trace_parse_fd(buf, &f) < 0)
		return -1;
	return f.fd;
}

/* 1 when argument i of ev starts with prefix. */
static int arg_starts(const struct trace_event *ev, int i, const char *prefix)
{
	char buf[256];
	return trace_arg(ev, i, buf, sizeof(buf)) >= 0 &&
	       strncmp(buf, prefix, strlen(prefix)) == 0;
}

/* 1 when argument i of ev contains text. */
static int arg_has(const struct trace_event *ev, int i, const char *text)
{
	char buf[512];
	return trace_arg(ev, i, buf, sizeof(buf)) >= 0 && strstr(buf, text);
}

/* Decodes the struct timeval argument i of ev, as strace shows it:
 * "{tv_sec=0, tv_usec=200000}" when it decodes the option, or else (strace
 * 6.1 does not decode SO_RCVTIMEO_OLD) the 16 raw bytes as a string: two
 * 64-bit numbers in this machine's byte order. Returns 0, or -1. */
static int arg_timeval(const struct trace_event *ev, int i, long long *sec,
		       long long *usec)
{
	char buf[256];
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	if (buf[0] == '{')
		return sscanf(buf, "{tv_sec=%lld, tv_usec=%lld}", sec, usec) == 2 ? 0 : -1;
	char raw[64];
	int trunc = 0;
	if (trace_unquote(buf, raw, sizeof(raw), &trunc) != 16 || trunc)
		return -1;
	int64_t v[2];
	memcpy(v, raw, sizeof(v));
	*sec = v[0];
	*usec = v[1];
	return 0;
}

static int is_call(const struct trace_event *ev, const char *const names[])
{
	if (ev->kind != TRACE_CALL)
		return 0;
	for (; *names; names++)
		if (strcmp(ev->name, *names) == 0)
			return 1;
	return 0;
}

static const char *const READS[] = {"read", "recv", "recvfrom", "recvmsg", NULL};
static const char *const POLLS[] = {"poll", "ppoll", NULL};

/* The setsockopt() calls of t that set opt ("SO_RCVTIMEO" matches
 * SO_RCVTIMEO_OLD and _NEW too): their indexes in idx (at most cap), and
 * their count. */
static int find_setsockopt(const struct trace *t, const char *opt, long idx[],
			   int cap)
{
	int n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL || strcmp(ev->name, "setsockopt") != 0 ||
		    !arg_starts(ev, 1, "SOL_SOCKET") || !arg_starts(ev, 2, opt))
			continue;
		if (n < cap)
			idx[n] = (long)i;
		n++;
	}
	return n;
}

/* Lists the lines at idx for a message, each with its timeval decoded. */
static const char *lines_of(const struct trace *t, const long idx[], int n)
{
	static char buf[2048];
	buf[0] = '\0';
	for (int i = 0; i < n && i < 4; i++) {
		size_t used = strlen(buf);
		long long sec = -1, us = -1;
		arg_timeval(&t->ev[idx[i]], 3, &sec, &us);
		snprintf(buf + used, sizeof(buf) - used, "\n  {tv_sec=%lld, "
			 "tv_usec=%lld} in: %.200s", sec, us, t->ev[idx[i]].line);
	}
	return buf;
}

/* Asserts: opt set exactly once, to {0, usec}, before index before. */
static void expect_set_once(const struct trace *t, const char *opt, long usec,
			    long before)
{
	long idx[8];
	int n = find_setsockopt(t, opt, idx, 8);
	cr_assert(n > 0, "no setsockopt(SOL_SOCKET, %s, ...) in tclient's trace; "
		  "calls seen:\n%s", opt, h_trace_summary(t, 30));
	cr_assert(n == 1, "%s was set %d times:%s\nSet it once: an option holds "
		  "one value, and each setsockopt() replaces the one before (the "
		  "seed set SO_SNDTIMEO to 5 s, then to 1 s, and its connect() "
		  "waited 1 s: flaw 4)", opt, n, lines_of(t, idx, n < 8 ? n : 8));
	const struct trace_event *ev = &t->ev[idx[0]];
	long long sec = -1, us = -1;
	cr_assert(arg_timeval(ev, 3, &sec, &us) == 0, "could not read the "
		  "timeval of: %s", ev->line);
	cr_assert(sec == 0 && us == usec && ev->has_ret && ev->ret == 0,
		  "setsockopt(%s) got {tv_sec=%lld, tv_usec=%lld} and returned "
		  "%s; expected {tv_sec=0, tv_usec=%ld} (%ld ms), returning 0: %s",
		  opt, sec, us, ev->ret_text ? ev->ret_text : "?", usec,
		  usec / 1000, ev->line);
	cr_assert(before < 0 || idx[0] < before, "%s was set after connect(); "
		  "connect_timed() sets both timeouts before connect() (SO_SNDTIMEO "
		  "is what bounds the connect's wait): %s", opt, ev->line);
}

/* The first connect() in t; fails the check when there is none. */
static long first_connect(const struct trace *t)
{
	long c = trace_find(t, "connect", 0);
	cr_assert(c >= 0, "no connect() in tclient's trace (%s). Calls seen:\n%s",
		  traced_story, h_trace_summary(t, 30));
	return c;
}

CHECK(lab04, trace_timeouts_once, 2,
      "trace: SO_RCVTIMEO and SO_SNDTIMEO set once each, {0, 200000} and {0, 300000}")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("tclient.trace");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {p, "--rcv", "200", "--snd", "300", NULL};
	struct h_proc tc;
	struct trace t = {0};
	start_traced(&tc, tp, args);
	finish_traced(&tc, tp, &t, args);
	const char *sum = h_trace_summary(&t, 30);

	long c = first_connect(&t);
	cr_assert(t.ev[c].has_ret && t.ev[c].ret == 0, "tclient's connect() to "
		  "the listening test server failed (%s): %s", traced_story,
		  t.ev[c].line);
	int fd = call_fd(&t.ev[c]);
	expect_set_once(&t, "SO_RCVTIMEO", 200000, c);
	expect_set_once(&t, "SO_SNDTIMEO", 300000, c);

	int got_r = 0, got_s = 0;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind == TRACE_CALL && strcmp(ev->name, "getsockopt") == 0 &&
		    call_fd(ev) == fd) {
			got_r |= arg_starts(ev, 2, "SO_RCVTIMEO");
			got_s |= arg_starts(ev, 2, "SO_SNDTIMEO");
		}
	}
	cr_assert(got_r && got_s, "tclient never read %s back with getsockopt() "
		  "(get_timeout_ms); calls seen:\n%s", !got_r ? "SO_RCVTIMEO" :
		  "SO_SNDTIMEO", sum);

	long rd = -1;
	for (size_t i = (size_t)c + 1; i < t.n; i++)
		if (is_call(&t.ev[i], READS) && call_fd(&t.ev[i]) == fd) {
			rd = (long)i;
			break;
		}
	cr_assert(rd >= 0, "no read on the connected socket (fd %d) after "
		  "connect(); calls seen:\n%s", fd, sum);
	const struct trace_event *ev = &t.ev[rd];
	cr_assert(ev->err == EAGAIN && in_window(ev->duration, 0.2), "the read on "
		  "the silent server's socket should fail with EAGAIN after the "
		  "200 ms of SO_RCVTIMEO (strace's -T shows the time in the call); "
		  "it was: %s", ev->line);
	trace_free(&t);
	close(lfd);
}

CHECK(lab04, trace_connect_eagain, 1,
      "trace: a blocking connect() to a full backlog returns EAGAIN after SO_SNDTIMEO")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("tclient.trace");
	struct queue q;
	int lfd = full_unix_listener(p, &q);
	const char *args[] = {p, "--rcv", "100", "--snd", "300", NULL};
	struct h_proc tc;
	struct trace t = {0};
	start_traced(&tc, tp, args);
	finish_traced(&tc, tp, &t, args);
	const char *sum = h_trace_summary(&t, 30);

	long c = first_connect(&t);
	cr_assert(trace_find(&t, "connect", (size_t)c + 1) < 0, "tclient called "
		  "connect() more than once; calls seen:\n%s", sum);
	expect_set_once(&t, "SO_SNDTIMEO", 300000, c);
	long s = trace_find(&t, "socket", 0);
	cr_assert(s >= 0 && s < c && !arg_has(&t.ev[s], 1, "SOCK_NONBLOCK"),
		  "connect_timed needs a BLOCKING socket (SO_SNDTIMEO bounds a "
		  "blocking connect; a non-blocking one fails at once): %s",
		  s >= 0 ? t.ev[s].line : "(no socket() call)");
	const struct trace_event *ev = &t.ev[c];
	cr_assert(ev->err == EAGAIN && in_window(ev->duration, 0.3),
		  "connect() to a listener with a full backlog should wait the 300 "
		  "ms of SO_SNDTIMEO and fail with EAGAIN; it was: %s", ev->line);
	trace_free(&t);
	queue_close(&q);
	close(lfd);
}

/* Asserts that, in t, connect() said EINPROGRESS on a non-blocking socket
 * and a poll() for POLLOUT on that socket followed. Returns the poll's
 * index. */
static long expect_connect_poll(const struct trace *t, const char *sum)
{
	long c = first_connect(t);
	const struct trace_event *ev = &t->ev[c];
	int fd = call_fd(ev);
	cr_assert(ev->err == EINPROGRESS, "with --connect, connect() on the "
		  "non-blocking TCP socket should return -1 EINPROGRESS (the "
		  "handshake goes on) and return at once; it was: %s", ev->line);
	long pl = -1;
	for (size_t i = (size_t)c + 1; i < t->n; i++) {
		if (!is_call(&t->ev[i], POLLS))
			continue;
		char want[32];
		snprintf(want, sizeof(want), "{fd=%d", fd);
		if (arg_has(&t->ev[i], 0, want) && arg_has(&t->ev[i], 0, "POLLOUT")) {
			pl = (long)i;
			break;
		}
	}
	cr_assert(pl >= 0, "after connect()'s EINPROGRESS, expected a poll() for "
		  "POLLOUT on fd %d (the handshake's end); calls seen:\n%s", fd, sum);
	return pl;
}

CHECK(lab04, trace_tcp_poll, 1,
      "trace: TCP connect EINPROGRESS, then poll(POLLOUT), then SO_ERROR")
{
	int port;
	int lfd = tcp_socket_on_port(0, &port);
	struct queue q;
	fill_tcp_listener(lfd, port, &q);
	const char *tp = h_path("full.trace");
	const char *args[] = {tcp_text(port), "--connect", "300", NULL};
	struct h_proc tc;
	struct trace t = {0};
	start_traced(&tc, tp, args);
	finish_traced(&tc, tp, &t, args);
	const char *sum = h_trace_summary(&t, 30);
	long pl = expect_connect_poll(&t, sum);
	/* poll()'s timeout is its third argument: the time left, 300 at most. */
	const struct trace_event *ev = &t.ev[pl];
	char to[32] = "";
	trace_arg(ev, 2, to, sizeof(to));
	long tms = strtol(to, NULL, 10);
	cr_assert(strcmp(ev->name, "ppoll") == 0 || (tms > 0 && tms <= 300),
		  "poll() got a timeout of %s ms; expected the time left of the "
		  "300 ms: %s", to, ev->line);
	cr_assert(ev->has_ret && ev->ret == 0 && in_window(ev->duration, 0.3),
		  "the poll() on a handshake that never completes should return 0 "
		  "(Timeout) after about 0.3 s: %s", ev->line);
	trace_free(&t);
	queue_close(&q);
	close(lfd);

	/* A listener with room: the poll() says ready, and SO_ERROR tells
	 * success from failure. */
	lfd = tcp_socket_on_port(5, &port);
	const char *tp2 = h_path("ok.trace");
	const char *args2[] = {tcp_text(port), "--connect", "1000", "--rcv",
			       "100", NULL};
	start_traced(&tc, tp2, args2);
	finish_traced(&tc, tp2, &t, args2);
	sum = h_trace_summary(&t, 30);
	pl = expect_connect_poll(&t, sum);
	long so = -1;
	for (size_t i = (size_t)pl + 1; i < t.n && so < 0; i++)
		if (t.ev[i].kind == TRACE_CALL &&
		    strcmp(t.ev[i].name, "getsockopt") == 0 &&
		    arg_starts(&t.ev[i], 2, "SO_ERROR"))
			so = (long)i;
	cr_assert(so >= 0, "after the poll() said the socket is writable, expected "
		  "getsockopt(SOL_SOCKET, SO_ERROR): POLLOUT comes for a failed "
		  "handshake too, and only SO_ERROR says which; calls seen:\n%s",
		  sum);
	trace_free(&t);
	close(lfd);
}

CHECK(lab04, trace_eintr, 1,
      "trace: SIGUSR1 ends the read with EINTR despite SA_RESTART; the wait goes on")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("tclient.trace");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	const char *args[] = {p, "--rcv", "600", "--snd", "300", NULL};
	struct h_proc tc;
	start_traced(&tc, tp, args);

	/* Find the traced program, and signal it once it waits in a read. */
	pid_t pid = -1;
	int signalled = 0;
	char dir[64] = "";
	int64_t deadline = mono_deadline(5.0);
	while (mono_ms_left(deadline) > 0 && h_wait_exit(&tc, 0.001) != 0) {
		if (pid < 0 && (pid = h_child_named(tc.pid, "tclient")) > 0)
			snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
		if (pid > 0 && blocked_in_call(dir, -1)) {
			signalled = kill(pid, SIGUSR1) == 0;
			break;
		}
	}
	struct trace t = {0};
	finish_traced(&tc, tp, &t, args);
	const char *sum = h_trace_summary(&t, 40);
	first_connect(&t);
	/* The rest of the story needs a read that waits 600 ms: with another
	 * timeout the read may end before the signal comes, and what follows
	 * depends on timing. Say so first, the same way every time. */
	long rcv[8];
	int nrcv = find_setsockopt(&t, "SO_RCVTIMEO", rcv, 8);
	long long rsec = -1, rus = -1;
	cr_assert(nrcv > 0 && arg_timeval(&t.ev[rcv[nrcv < 8 ? nrcv - 1 : 7]], 3, &rsec,
					  &rus) == 0 && rsec * 1000000 + rus == 600000,
		  "tclient --rcv 600 set SO_RCVTIMEO to %lld s + %lld us; expected the "
		  "600 ms of SO_RCVTIMEO ({tv_sec=0, tv_usec=600000}) for its read to "
		  "wait while the signal comes. Calls seen:\n%s", rsec, rus, sum);
	cr_assert(signalled, "tclient was never seen waiting in a read on the "
		  "socket of a server that never answers (%s). Calls seen:\n%s",
		  traced_story, sum);

	long sa = -1;
	for (size_t i = 0; i < t.n && sa < 0; i++)
		if (t.ev[i].kind == TRACE_CALL && !strcmp(t.ev[i].name, "rt_sigaction") &&
		    arg_starts(&t.ev[i], 0, "SIGUSR1"))
			sa = (long)i;
	cr_assert(sa >= 0 && arg_has(&t.ev[sa], 1, "SA_RESTART"), "tclient did not "
		  "install its SIGUSR1 handler with SA_RESTART: %s",
		  sa >= 0 ? t.ev[sa].line : "(no rt_sigaction)");

	long c = first_connect(&t);
	int fd = call_fd(&t.ev[c]);
	long rd = -1;
	for (size_t i = (size_t)c + 1; i < t.n && rd < 0; i++)
		if (is_call(&t.ev[i], READS) && call_fd(&t.ev[i]) == fd)
			rd = (long)i;
	cr_assert(rd >= 0 && t.ev[rd].err == EINTR, "the read on the socket, "
		  "interrupted by SIGUSR1 (whose handler has SA_RESTART), should "
		  "return -1 EINTR: Linux does not restart a call with a timeout. "
		  "It was: %s", rd >= 0 ? t.ev[rd].line : "(no read)");

	/* After EINTR, the wait goes on: another call on the socket (or a
	 * poll), ending with EAGAIN or a poll timeout. */
	long next = -1, last = -1;
	for (size_t i = (size_t)rd + 1; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if ((is_call(ev, READS) && call_fd(ev) == fd) || is_call(ev, POLLS)) {
			if (next < 0)
				next = (long)i;
			last = (long)i;
		}
	}
	char d[96];
	cr_assert(next >= 0, "after the read's EINTR tclient stopped waiting (%s): "
		  "a handled signal is not a failure, and 600 ms of SO_RCVTIMEO "
		  "had not passed. Calls seen:\n%s", traced_story, sum);
	const struct trace_event *le = &t.ev[last];
	cr_assert(le->err == EAGAIN || (is_call(le, POLLS) && le->has_ret &&
					le->ret == 0), "the wait after EINTR "
		  "should end when the 600 ms are up (EAGAIN, or poll's 0): %s",
		  le->line);
	double total = le->ts + (le->duration > 0 ? le->duration : 0) - t.ev[rd].ts;
	cr_assert(total >= 0.54 && total <= late_limit(0.6), "from the first read "
		  "to the end of the wait took %.3f s; expected the 600 ms of "
		  "SO_RCVTIMEO in all, the signal notwithstanding", total);
	char *out = h_output(&tc, 1);
	cr_assert(WIFEXITED(tc.status) && WEXITSTATUS(tc.status) ==
		  TCLIENT_EXIT_READ_TIMEOUT && strstr(out, "read: EAGAIN") &&
		  strstr(out, "signals: 1 SIGUSR1"), "tclient %s, printing: %s; "
		  "expected exit status 5, \"read: EAGAIN\" and one SIGUSR1 caught",
		  h_describe(&tc, d, sizeof(d)), one_line(out));
	free(out);
	trace_free(&t);
	close(lfd);
}
