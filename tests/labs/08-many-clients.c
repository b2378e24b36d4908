/* 08-many-clients.c: graded checks of lab 08, one server serving many
 * clients at once with poll().
 *
 * unit_  calls the student's functions: mc_set_nonblocking on a pipe with
 *        O_APPEND, mc_listen's backlog counted with non-blocking
 *        connects, mc_accept_burst on a queue of 100, each client's
 *        buffers (mc_conn_*) against a socketpair peer, and the loop
 *        itself (mc_server_step) run in this process against test
 *        clients, one of which never sends;
 * box_   starts the lab's server and talks to it: 150 clients connected
 *        at once with interleaved half lines, a burst of 100 connects
 *        while the server is stopped (SIGSTOP), clients that never send
 *        or send half a line, a client that sends and never reads until
 *        its socket is full, clients that leave in every way (EOF, hang
 *        up, reset, a line too long), and socat as an outside client;
 * trace_ runs the server under strace: every socket it reads, writes or
 *        accepts on is non-blocking and no such call waits (only poll()
 *        does), every run of accept() ends with EAGAIN (the queue is
 *        drained), and poll() never reports POLLOUT for a socket the
 *        server then has nothing to send on (a spinning loop).
 *
 * Determinism. Nothing sleeps to wait for the server: waits poll for an
 * event with a deadline (a reply, a listening socket, a queue that the
 * server has emptied, as SIOCOUTQ reports, a stopped state in /proc).
 * The one fixed wait is in box_slow_reader: the client that never reads
 * writes until its socket stays full for 100 ms, which is how the test
 * knows the server has stopped reading it. Deadlines are generous (1 s
 * for a reply that takes a millisecond), so a loaded machine does not
 * fail the reference, and when a wrong server blocks for ever the
 * deadline ends the wait and the message says where the server is
 * blocked (its system call, read from /proc/PID/syscall). In-process
 * checks that call a loop which might block have a watchdog thread that
 * releases it after 2 s. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "../harness/check.h"
#include "../../common/contract/many_clients.h"

/* ---- small helpers ----------------------------------------------- */

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

static int is_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl != -1 && (fl & O_NONBLOCK);
}

static int is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);
	return fl != -1 && (fl & FD_CLOEXEC);
}

/* Shows up to max bytes of data as text, newlines as "\n", other control
 * bytes as '.'. Two calls may be used in one message. */
static const char *show(const char *data, size_t len, size_t max)
{
	static char bufs[2][640];
	static int which;
	char *b = bufs[which++ & 1];
	size_t k = 0;
	if (max > 300)
		max = 300;
	for (size_t i = 0; i < len && i < max; i++) {
		if (data[i] == '\n') {
			b[k++] = '\\';
			b[k++] = 'n';
		} else {
			b[k++] = (data[i] >= 32 && data[i] < 127) ? data[i] : '.';
		}
	}
	if (len > max) {
		memcpy(b + k, "...", 3);
		k += 3;
	}
	b[k] = '\0';
	return b;
}

/* " with EAGAIN" after a call that returned -1 with errno e (and " (not
 * implemented yet)" for ENOSYS), "" after one that did not. Two calls may
 * be used in one message. */
static const char *with_errno(long r, int e)
{
	static char bufs[2][64];
	static int which;
	char *b = bufs[which++ & 1];
	if (r != -1)
		return "";
	snprintf(b, 64, " with %s%s", errno_name(e),
		 e == ENOSYS ? " (not implemented yet)" : "");
	return b;
}

/* Sends all of text now, on a socket that has room for it (a short
 * request on a fresh connection). Returns 0, or -1 with errno. */
static int send_now(int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n = send(fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EAGAIN;
	return -1;
}

/* A socketpair whose end [0] is non-blocking, as the server's sockets
 * are. */
static void nb_pair(int sv[2])
{
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
	int fl = fcntl(sv[0], F_GETFL);
	cr_assert(fl != -1 && fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) == 0,
		  "test setup: fcntl: %s", strerror(errno));
}

/* A zeroed struct mc_conn on the heap, first filled with garbage so that
 * mc_conn_init() must set every field itself. */
static struct mc_conn *new_conn(int fd, unsigned long id)
{
	struct mc_conn *c = malloc(sizeof(*c));
	cr_assert(c != NULL, "out of memory");
	memset(c, 0x5a, sizeof(*c));
	mc_conn_init(c, fd, id);
	return c;
}

/* Empties c by hand (not with mc_conn_init(), so that a check of the
 * buffers does not depend on it). */
static void reset_conn(struct mc_conn *c, int fd, unsigned long id)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->id = id;
}

/* An empty struct mc_conn on the heap, made by hand. */
static struct mc_conn *blank_conn(int fd, unsigned long id)
{
	struct mc_conn *c = malloc(sizeof(*c));
	cr_assert(c != NULL, "out of memory");
	reset_conn(c, fd, id);
	return c;
}

/* Puts text into c's input buffer, as if it had been read. */
static void set_in(struct mc_conn *c, const char *text)
{
	size_t n = strlen(text);
	cr_assert(n <= sizeof(c->in), "test bug: input too long");
	memcpy(c->in, text, n);
	c->in_len = n;
}

/* The pending output of c as a NUL-terminated copy (static). */
static const char *pending(const struct mc_conn *c)
{
	static char buf[MC_OUT_MAX + 1];
	size_t n = 0;
	if (c->out_off <= c->out_len && c->out_len <= sizeof(c->out)) {
		n = c->out_len - c->out_off;
		memcpy(buf, c->out + c->out_off, n);
	}
	buf[n] = '\0';
	return buf;
}

/* ---- the server in /proc ----------------------------------------- */

/* The name of a system call number, for the ones a server waits in. */
static const char *syscall_name(long nr)
{
	static const struct {
		long nr;
		const char *name;
	} names[] = {
		{SYS_read, "read"},
		{SYS_write, "write"},
		{SYS_readv, "readv"},
		{SYS_writev, "writev"},
		{SYS_recvfrom, "recvfrom"},
		{SYS_sendto, "sendto"},
		{SYS_recvmsg, "recvmsg"},
		{SYS_sendmsg, "sendmsg"},
		{SYS_accept, "accept"},
		{SYS_accept4, "accept4"},
		{SYS_connect, "connect"},
		{SYS_ppoll, "ppoll"},
		{SYS_pselect6, "pselect6"},
		{SYS_epoll_pwait, "epoll_pwait"},
		{SYS_clock_nanosleep, "clock_nanosleep"},
		{SYS_nanosleep, "nanosleep"},
#ifdef SYS_poll
		{SYS_poll, "poll"},
#endif
#ifdef SYS_select
		{SYS_select, "select"},
#endif
#ifdef SYS_epoll_wait
		{SYS_epoll_wait, "epoll_wait"},
#endif
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return NULL;
}

/* Whether nr is a call that waits for several descriptors at once. */
static int is_multiplexer(long nr)
{
	const char *n = syscall_name(nr);
	return n && (strstr(n, "poll") || strstr(n, "select"));
}

/* The state letter of pid in /proc/PID/stat ('R', 'S', 'T', 't', 'Z'),
 * or 0 when it cannot be read. */
static char proc_state(pid_t pid)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return h_task_state(dir);
}

/* The system call pid sleeps in (h_blocked_in), -1 when it sleeps in
 * none (it runs, or is gone), and the call's first argument. */
static long proc_syscall(pid_t pid, unsigned long *arg0)
{
	char dir[64];
	long nr;
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return h_blocked_in(dir, &nr, arg0) ? nr : -1;
}

/* Where the server is, in words, for messages: "blocked in read() on fd
 * 6", "waiting in poll()", "running". Looks for up to 200 ms until it
 * finds the server sleeping in a call (a running process shows none). */
static const char *server_whereabouts(pid_t pid)
{
	static char buf[200];
	int64_t deadline = mono_deadline(0.2);
	long nr = -1;
	unsigned long a0 = 0;
	char st = 0;
	do {
		st = proc_state(pid);
		if (st == 'Z' || st == 0) {
			snprintf(buf, sizeof(buf), "the server has exited");
			return buf;
		}
		if (st == 'T' || st == 't') {
			snprintf(buf, sizeof(buf), "the server is stopped");
			return buf;
		}
		nr = proc_syscall(pid, &a0);
		if (nr >= 0)
			break;
		mono_sleep_ms(2);
	} while (mono_ms_left(deadline) > 0);
	if (nr < 0) {
		snprintf(buf, sizeof(buf), "the server was running (state %c)",
			 st ? st : '?');
		return buf;
	}
	const char *name = syscall_name(nr);
	if (name && is_multiplexer(nr))
		snprintf(buf, sizeof(buf), "the server is waiting in %s()", name);
	else if (name)
		snprintf(buf, sizeof(buf), "the server is blocked in %s() on fd "
			 "%lu: one client holds up all the others (non-blocking "
			 "sockets; read, write and accept only what poll() said "
			 "is ready)", name, a0);
	else
		snprintf(buf, sizeof(buf), "the server is blocked in system "
			 "call %ld", nr);
	return buf;
}

/* ---- the server program ------------------------------------------ */

/* Appends to buf how p ended or that it runs, and the end of its output. */
static void proc_story(char *buf, size_t cap, struct h_proc *p)
{
	char d[96];
	char *o = h_output(p, 1), *e = h_output(p, 2);
	size_t len = strlen(buf);
	snprintf(buf + len, cap - len, "\n  server: %s; stdout ...%s; stderr: %s",
		 h_describe(p, d, sizeof(d)), h_one_line_tail(o, 300), h_one_line_tail(e, 300));
	free(o);
	free(e);
}

/* Whether p is still running (reaps it when it is not). */
static int running(struct h_proc *p)
{
	return h_wait_exit(p, 0) != 0;
}

/* Fails the check with msg, where the server is, and the server's story. */
static void __attribute__((__noreturn__, format(printf, 2, 3)))
fail_server(struct h_proc *p, const char *fmt, ...)
{
	static char msg[6000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p) {
		size_t len = strlen(msg);
		if (running(p))
			snprintf(msg + len, sizeof(msg) - len, " (%s)",
				 server_whereabouts(p->pid));
		else if (WIFSIGNALED(p->status) && WTERMSIG(p->status) == SIGPIPE)
			snprintf(msg + len, sizeof(msg) - len, " (the server died "
				 "of SIGPIPE: it wrote to a client that had gone; "
				 "send with MSG_NOSIGNAL)");
		proc_story(msg, sizeof(msg), p);
	}
	cr_assert_fail("%s", msg);
	abort(); /* not reached */
}

/* Starts the lab's server at path with extra arguments (NULL-terminated,
 * may be empty) and waits until it listens. */
static void start_server(struct h_proc *p, const char *path, ...)
{
	const char *argv[12] = {h_bin("server"), path};
	size_t k = 2;
	va_list ap;
	va_start(ap, path);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && k < 11)
		argv[k++] = a;
	va_end(ap);
	argv[k] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s: %s", argv[0],
		  strerror(errno));
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) != 0)
		fail_server(NULL, "expected the server to listen at %s: %s", path, why);
}

/* ---- test-side clients ------------------------------------------- */

/* One client of the test: what it expects back, and what came. */
struct peer {
	int fd;
	int closed;            /* read() returned 0 or failed */
	int err;               /* its errno when it failed */
	size_t want_len, got_len;
	char want[512];
	char got[512];
};

/* Connects a new client to path. A full backlog makes connect() wait
 * for room; SO_SNDTIMEO bounds that wait (EAGAIN after 2 s). The socket
 * is non-blocking afterwards. Returns the fd, or -1 with errno. */
static int connect_client(const char *path)
{
	struct sockaddr_un a;
	int len = h_sockaddr(path, &a);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || len < 0)
		return -1;
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int rc;
	while ((rc = connect(fd, (struct sockaddr *)&a, (socklen_t)len)) == -1 &&
	       errno == EINTR)
		;
	if (rc == -1) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	return fd;
}

/* Connects n clients, or fails the check saying which one could not. */
static void connect_all(struct h_proc *srv, const char *path,
			struct peer *peers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&peers[i], 0, sizeof(peers[i]));
		peers[i].fd = connect_client(path);
		if (peers[i].fd < 0)
			fail_server(srv, "client %zu of %zu: connect(%s) failed with "
				    "%s%s", i + 1, n, path, errno_name(errno),
				    errno == EAGAIN ? " after 2 s: the server's "
				    "listen queue stayed full (it does not accept, "
				    "or its backlog is tiny)" : "");
	}
}

/* Adds text to what peer p expects to receive. */
static void expect(struct peer *p, const char *text)
{
	size_t n = strlen(text);
	cr_assert(p->want_len + n < sizeof(p->want), "test bug: want overflow");
	memcpy(p->want + p->want_len, text, n);
	p->want_len += n;
}

/* Reads what is there on p (non-blocking). */
static void take(struct peer *p)
{
	for (;;) {
		size_t room = sizeof(p->got) - 1 - p->got_len;
		if (room == 0)
			return;
		ssize_t n = read(p->fd, p->got + p->got_len, room);
		if (n > 0) {
			p->got_len += (size_t)n;
			p->got[p->got_len] = '\0';
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			p->closed = 1;
			p->err = n == 0 ? 0 : errno;
		}
		return;
	}
}

/* Polls the peers until each has received at least what it expects (or
 * was closed), or the deadline passes. Returns how many are complete. */
static size_t collect(struct peer *peers, size_t n, double timeout_s)
{
	struct pollfd *pf = calloc(n ? n : 1, sizeof(*pf));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	cr_assert(pf && idx, "out of memory");
	int64_t deadline = mono_deadline(timeout_s);
	size_t done = 0;
	for (;;) {
		size_t k = 0;
		done = 0;
		for (size_t i = 0; i < n; i++) {
			struct peer *p = &peers[i];
			if (p->got_len >= p->want_len || p->closed) {
				done += p->got_len >= p->want_len;
				continue;
			}
			pf[k].fd = p->fd;
			pf[k].events = POLLIN;
			idx[k++] = i;
		}
		int left = mono_ms_left(deadline);
		if (k == 0 || left == 0)
			break;
		if (poll(pf, k, left) <= 0)
			continue;
		for (size_t j = 0; j < k; j++)
			if (pf[j].revents)
				take(&peers[idx[j]]);
	}
	free(pf);
	free(idx);
	return done;
}

/* The first peer whose bytes differ from what it expects, and a sentence
 * about it in why; -1 when all match. tag(i) is the text that only
 * client i sends, to recognise a reply that went to the wrong client. */
static long first_wrong(const struct peer *peers, size_t n, char *why,
			size_t cap, const char *(*tag)(size_t))
{
	for (size_t i = 0; i < n; i++) {
		const struct peer *p = &peers[i];
		if (p->got_len == p->want_len &&
		    memcmp(p->got, p->want, p->want_len) == 0)
			continue;
		char other[160] = "";
		for (size_t j = 0; tag && j < n && !other[0]; j++) {
			if (j == i)
				continue;
			const char *t = tag(j);
			if (p->got_len && memmem(p->got, p->got_len, t, strlen(t)))
				snprintf(other, sizeof(other), " It holds a reply to "
					 "client %zu's request (\"%s\"): a reply must go "
					 "back on the connection its request came from.",
					 j + 1, t);
		}
		snprintf(why, cap, "client %zu of %zu expected \"%s\" and received "
			 "\"%s\"%s.%s", i + 1, n, show(p->want, p->want_len, 150),
			 show(p->got, p->got_len, 150), p->closed ? (p->err ?
			 " before its connection failed" : " before the server "
			 "closed the connection") : "", other);
		return (long)i;
	}
	return -1;
}

static void close_peers(struct peer *peers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (peers[i].fd >= 0) {
			close(peers[i].fd);
			peers[i].fd = -1;
		}
}

/* Waits until the server has read everything the peers sent: on a UNIX
 * socket SIOCOUTQ is the memory of the data not yet read by the other end,
 * 0 once it has all been read. Returns the number of peers still holding
 * unread data at the deadline (0: all read). */
static size_t wait_consumed(struct peer *peers, size_t n, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		size_t busy = 0;
		for (size_t i = 0; i < n; i++) {
			int q = 0;
			if (ioctl(peers[i].fd, SIOCOUTQ, &q) == 0 && q > 0)
				busy++;
		}
		if (busy == 0 || mono_ms_left(deadline) == 0)
			return busy;
		mono_sleep_ms(1);
	}
}

/* ======================================================================== */
/* unit: non-blocking descriptors, the listener, the accept loop              */
/* ======================================================================== */

CHECK(lab08, unit_set_nonblocking, 1,
      "mc_set_nonblocking: O_NONBLOCK added, other flags kept (F_GETFL first)")
{
	int p[2];
	cr_assert(pipe2(p, O_CLOEXEC) == 0, "test setup: pipe: %s", strerror(errno));
	/* O_APPEND is a status flag like O_NONBLOCK: a blind F_SETFL of
	 * O_NONBLOCK alone would clear it. */
	const char *fp = h_path("log.txt");
	int f = open(fp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	cr_assert(f >= 0, "test setup: open %s: %s", fp, strerror(errno));
	int r = mc_set_nonblocking(p[0]);
	int e = errno;
	check_ok(r, e, "mc_set_nonblocking(the read end of a pipe)");
	cr_assert(r == 0, "mc_set_nonblocking returned %d; expected 0", r);
	cr_assert(is_nonblocking(p[0]), "after mc_set_nonblocking(fd), fcntl(fd, "
		  "F_GETFL) shows no O_NONBLOCK: set it with fcntl(fd, F_SETFL, "
		  "flags | O_NONBLOCK)");
	char c;
	ssize_t n = read(p[0], &c, 1);
	e = errno;
	cr_assert(n == -1 && e == EAGAIN, "a read() on the empty pipe after "
		  "mc_set_nonblocking returned %zd%s; expected -1 with EAGAIN "
		  "at once", n, with_errno(n, e));

	r = mc_set_nonblocking(f);
	e = errno;
	check_ok(r, e, "mc_set_nonblocking(a file opened with O_APPEND)");
	int fl = fcntl(f, F_GETFL);
	cr_assert(fl & O_NONBLOCK, "mc_set_nonblocking on a file: O_NONBLOCK not "
		  "set");
	cr_assert(fl & O_APPEND, "mc_set_nonblocking cleared O_APPEND on a file "
		  "opened with it: F_SETFL replaces every status flag, so read "
		  "them with fcntl(fd, F_GETFL) and write back flags | O_NONBLOCK");
	/* Twice is harmless. */
	r = mc_set_nonblocking(p[0]);
	e = errno;
	check_ok(r, e, "mc_set_nonblocking on a descriptor already non-blocking");
	cr_assert(is_nonblocking(p[0]) && (fcntl(p[0], F_GETFD) & FD_CLOEXEC),
		  "a second mc_set_nonblocking changed the descriptor's flags");
	close(p[0]);
	close(p[1]);
	close(f);
	int bad = p[0];
	r = mc_set_nonblocking(bad);
	e = errno;
	check_errno(r, e, EBADF, "mc_set_nonblocking on a closed descriptor");
}

/* Connects non-blocking clients to path until connect() says EAGAIN (the
 * listen queue is full), at most max. Stores the fds in fds and returns
 * how many connected; *err gets the errno that stopped it (0: max). */
static int fill_queue(const char *path, int *fds, int max, int *err)
{
	struct sockaddr_un a;
	int len = h_sockaddr(path, &a);
	*err = 0;
	for (int k = 0; k < max; k++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			*err = errno;
			return k;
		}
		if (connect(fd, (struct sockaddr *)&a, (socklen_t)len) == -1) {
			*err = errno;
			close(fd);
			return k;
		}
		fds[k] = fd;
	}
	return max;
}

static void close_all(int *fds, int n)
{
	for (int k = 0; k < n; k++)
		close(fds[k]);
}

CHECK(lab08, unit_listen, 1,
      "mc_listen: non-blocking listener, exact address, the backlog as given")
{
	const char *p = h_path("s.sock");
	int lfd = mc_listen(p, 5);
	int e = errno;
	check_ok(lfd, e, "mc_listen(path, 5)");
	cr_assert(is_nonblocking(lfd), "the listening socket from mc_listen is "
		  "blocking: create it with SOCK_STREAM | SOCK_NONBLOCK | "
		  "SOCK_CLOEXEC, or the accept loop's last accept() waits for "
		  "the next client while every connected client waits too");
	cr_assert(is_cloexec(lfd), "the listening socket lacks close-on-exec "
		  "(SOCK_CLOEXEC)");
	int acc = 0;
	socklen_t al = sizeof(acc);
	cr_assert(getsockopt(lfd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) == 0 &&
		  acc == 1, "the socket from mc_listen is not listening");
	struct sockaddr_un a;
	socklen_t sl = sizeof(a);
	getsockname(lfd, (struct sockaddr *)&a, &sl);
	size_t want = offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
	cr_assert(sl == want && strcmp(a.sun_path, p) == 0, "getsockname: bound "
		  "to \"%s\" with length %u; expected \"%s\", length %zu = 2 + "
		  "strlen(path) + 1", a.sun_path, (unsigned)sl, p, want);
	/* The kernel queues backlog + 1 connections nobody has accepted. */
	int fds[300];
	int err;
	int k = fill_queue(p, fds, 300, &err);
	close_all(fds, k);
	cr_assert(k == 6 && err == EAGAIN, "mc_listen(path, 5): %d connections "
		  "queued before connect() said %s; expected 6 (the backlog plus "
		  "one) before EAGAIN: pass the backlog to listen() unchanged",
		  k, err ? errno_name(err) : "nothing");
	close(lfd);
	unlink(p);

	/* The server's default: room for a burst of 128. */
	lfd = mc_listen(p, MC_BACKLOG);
	e = errno;
	check_ok(lfd, e, "mc_listen(path, MC_BACKLOG)");
	k = fill_queue(p, fds, 300, &err);
	close_all(fds, k);
	cr_assert(k == MC_BACKLOG + 1 && err == EAGAIN, "mc_listen(path, %d): "
		  "%d connections queued before connect() said %s; expected %d: "
		  "a burst of clients that connect while the server is busy must "
		  "find room in the queue (the seed listened with backlog 1)",
		  MC_BACKLOG, k, err ? errno_name(err) : "nothing", MC_BACKLOG + 1);
	close(lfd);

	/* A stale file (the server above closed, its file stays) is
	 * replaced; bad paths are refused. */
	lfd = mc_listen(p, 5);
	e = errno;
	check_ok(lfd, e, "mc_listen over the stale socket file of a server that "
		 "closed");
	close(lfd);
	int r = mc_listen("", 5);
	e = errno;
	check_errno(r, e, EINVAL, "mc_listen(\"\", 5)");
	r = mc_listen(h_path_of_len(108), 5);
	e = errno;
	check_errno(r, e, ENAMETOOLONG, "mc_listen(a 108-byte path, 5)");
}

/* A listener of the test's own, non-blocking like the server's. */
static int test_listener(const char *p, int backlog)
{
	int lfd = h_listen(p, backlog);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	int fl = fcntl(lfd, F_GETFL);
	fcntl(lfd, F_SETFL, fl | O_NONBLOCK);
	return lfd;
}

CHECK(lab08, unit_accept_burst, 2,
      "mc_accept_burst: 100 waiting, 100 accepted in one call; then 0; max")
{
	const char *p = h_path("s.sock");
	int lfd = test_listener(p, 200);
	int cl[100], err;
	int k = fill_queue(p, cl, 100, &err);
	cr_assert(k == 100, "test setup: only %d clients could connect (%s)", k,
		  errno_name(err));
	int fds[256];
	memset(fds, 0xff, sizeof(fds));
	int got = mc_accept_burst(lfd, fds, 256);
	int e = errno;
	check_ok(got, e, "mc_accept_burst with 100 connections waiting");
	cr_assert(got == 100, "mc_accept_burst with 100 connections waiting "
		  "returned %d; expected 100: poll() reports the listener once for "
		  "the whole burst, so accept again and again until accept() "
		  "fails with EAGAIN", got);
	for (int i = 0; i < got; i++) {
		struct stat st;
		cr_assert(fstat(fds[i], &st) == 0 && S_ISSOCK(st.st_mode),
			  "fds[%d] = %d is not an open socket", i, fds[i]);
		cr_assert(is_nonblocking(fds[i]), "fds[%d] is a blocking socket: "
			  "accept with accept4(lfd, NULL, NULL, SOCK_NONBLOCK | "
			  "SOCK_CLOEXEC), or one client that does not read makes a "
			  "send() wait, and every client with it", i);
		cr_assert(is_cloexec(fds[i]), "fds[%d] lacks close-on-exec "
			  "(SOCK_CLOEXEC)", i);
	}
	got = mc_accept_burst(lfd, fds + 100, 156);
	e = errno;
	cr_assert(got == 0, "mc_accept_burst with nobody waiting returned %d%s; "
		  "expected 0: EAGAIN means the queue is drained, not an error",
		  got, with_errno(got, e));
	close_all(fds, 100);
	close_all(cl, 100);

	/* At most max at a time; the rest waits for the next call. */
	k = fill_queue(p, cl, 50, &err);
	cr_assert(k == 50, "test setup: only %d clients could connect", k);
	const int want[] = {20, 20, 10, 0};
	int total = 0;
	for (int round = 0; round < 4; round++) {
		got = mc_accept_burst(lfd, fds + total, 20);
		e = errno;
		cr_assert(got == want[round], "with 50 connections waiting, call %d "
			  "of mc_accept_burst(lfd, fds, 20) returned %d%s; expected "
			  "%d (never more than max: the caller has room for max)",
			  round + 1, got, with_errno(got, e), want[round]);
		total += got;
	}
	close_all(fds, total);
	close_all(cl, 50);

	/* Errors: a socket that does not listen; a closed descriptor. */
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	got = mc_accept_burst(s, fds, 4);
	e = errno;
	check_errno(got, e, EINVAL, "mc_accept_burst on a socket that does not "
		    "listen");
	close(s);
	got = mc_accept_burst(s, fds, 4);
	e = errno;
	check_errno(got, e, EBADF, "mc_accept_burst on a closed descriptor");
	close(lfd);
}

/* ======================================================================== */
/* unit: one client's buffers                                                */
/* ======================================================================== */

CHECK(lab08, unit_conn_read, 1,
      "mc_conn_read: appends to in, EAGAIN passed on, EOF kept apart, ENOBUFS")
{
	int sv[2];
	nb_pair(sv);
	struct mc_conn *c = new_conn(sv[0], 7);
	cr_assert(c->fd == sv[0] && c->id == 7 && c->answered == 0 && c->eof == 0 &&
		  c->in_len == 0 && c->out_off == 0 && c->out_len == 0,
		  "after mc_conn_init(c, fd %d, 7): fd %d, id %lu, answered %lu, eof "
		  "%d, in_len %zu, out_off %zu, out_len %zu; expected fd %d, id 7 "
		  "and every count 0 (the struct comes from malloc(): "
		  "mc_conn_init must set every field)", sv[0], c->fd, c->id,
		  c->answered, c->eof,
		  c->in_len, c->out_off, c->out_len, sv[0]);
	ssize_t n = mc_conn_read(c);
	int e = errno;
	check_errno(n, e, EAGAIN, "mc_conn_read with nothing to read on a "
		    "non-blocking socket");
	write_full(sv[1], "hel", 3);
	n = mc_conn_read(c);
	e = errno;
	cr_assert(n == 3 && c->in_len == 3 && memcmp(c->in, "hel", 3) == 0,
		  "mc_conn_read with \"hel\" waiting returned %zd%s, in holds "
		  "\"%s\"; expected 3 and \"hel\"", n, with_errno(n, e),
		  show(c->in, c->in_len, 40));
	write_full(sv[1], "lo\nwor", 6);
	n = mc_conn_read(c);
	cr_assert(n == 6 && c->in_len == 9 && memcmp(c->in, "hello\nwor", 9) == 0,
		  "a second mc_conn_read (\"lo\\nwor\" waiting) returned %zd, in "
		  "holds \"%s\"; expected 6 and \"hello\\nwor\": read into the free "
		  "end of in (c->in + c->in_len), keeping the bytes of the earlier "
		  "read", n, show(c->in, c->in_len < sizeof(c->in) ? c->in_len : 0, 40));
	/* A full buffer: nothing is read, the caller must answer first. */
	int q0 = 0, q1 = 0;
	write_full(sv[1], "more", 4);
	ioctl(sv[0], SIOCINQ, &q0);
	size_t keep = c->in_len;
	c->in_len = MC_LINE_MAX;
	n = mc_conn_read(c);
	e = errno;
	ioctl(sv[0], SIOCINQ, &q1);
	check_errno(n, e, ENOBUFS, "mc_conn_read with in already full");
	cr_assert(q1 == q0, "mc_conn_read with in full took %d bytes from the "
		  "socket; expected none (there is no room to put them)", q0 - q1);
	c->in_len = keep;
	/* EOF: 0, eof set, what is held stays. */
	n = mc_conn_read(c);
	cr_assert(n == 4, "mc_conn_read returned %zd; expected 4 (\"more\")", n);
	close(sv[1]);
	n = mc_conn_read(c);
	e = errno;
	cr_assert(n == 0 && c->eof == 1 && c->in_len == 13, "after the peer "
		  "closed, mc_conn_read returned %zd%s with eof %d, in_len %zu; "
		  "expected 0 (EOF), eof 1 and the 13 bytes held kept (the "
		  "complete line in them still gets its reply)", n,
		  with_errno(n, e), c->eof,
		  c->in_len);
	close(sv[0]);
	free(c);

	/* The peer went away with our data unread: ECONNRESET, passed on. */
	nb_pair(sv);
	c = new_conn(sv[0], 1);
	write_full(sv[0], "OK 1 x\n", 7);
	close(sv[1]);
	n = mc_conn_read(c);
	e = errno;
	check_errno(n, e, ECONNRESET, "mc_conn_read after the peer closed with "
		    "a reply unread");
	cr_assert(c->eof == 0, "mc_conn_read set eof on an error: EOF is "
		  "read() returning 0, an error is -1 (the log tells them apart)");
	close(sv[0]);
	free(c);
}

CHECK(lab08, unit_conn_process, 2,
      "mc_conn_process: one reply per line, partial line kept, bounded output")
{
	struct mc_conn *c = blank_conn(-1, 1);
	set_in(c, "hello\nworld\npart");
	int r = mc_conn_process(c);
	int e = errno;
	cr_assert(r == 2 && strcmp(pending(c), "OK 1 hello\nOK 2 world\n") == 0 &&
		  c->in_len == 4 && memcmp(c->in, "part", 4) == 0 && c->answered == 2,
		  "mc_conn_process with in = \"hello\\nworld\\npart\" returned %d%s; "
		  "output \"%s\", in \"%s\", answered %lu; expected 2, \"OK 1 "
		  "hello\\nOK 2 world\\n\", \"part\" (the start of the next line "
		  "stays) and 2", r, with_errno(r, e),
		  show(pending(c), strlen(pending(c)), 80),
		  show(c->in, c->in_len <= sizeof(c->in) ? c->in_len : 0, 40),
		  c->answered);
	memcpy(c->in + c->in_len, "ial\n\n", 5);
	c->in_len += 5;
	r = mc_conn_process(c);
	cr_assert(r == 2 && strcmp(pending(c), "OK 1 hello\nOK 2 world\nOK 3 "
		  "partial\nOK 4 \n") == 0 && c->in_len == 0, "after \"ial\\n\\n\" "
		  "arrived: returned %d, output \"%s\"; expected 2 and the replies "
		  "\"OK 3 partial\\n\" and \"OK 4 \\n\" added after the first two "
		  "(n counts this client's requests)", r,
		  show(pending(c), strlen(pending(c)), 120));
	r = mc_conn_process(c);
	cr_assert(r == 0, "mc_conn_process with nothing in in returned %d; "
		  "expected 0", r);

	/* The longest line fits in in and its reply in MC_REPLY_MAX. */
	reset_conn(c, -1, 1);
	memset(c->in, 'y', MC_LINE_MAX - 1);
	c->in[MC_LINE_MAX - 1] = '\n';
	c->in_len = MC_LINE_MAX;
	r = mc_conn_process(c);
	cr_assert(r == 1 && c->out_len - c->out_off == 3 + 1 + 1 + MC_LINE_MAX - 1 + 1,
		  "a line of %d bytes with its '\\n' (MC_LINE_MAX): returned %d, "
		  "%zu bytes of output; expected 1 and \"OK 1 yyy...y\\n\" (%d bytes)",
		  MC_LINE_MAX, r, c->out_len - c->out_off, MC_LINE_MAX + 5);
	/* One byte more can never become a line. */
	memset(c->in, 'z', MC_LINE_MAX);
	c->in_len = MC_LINE_MAX;
	r = mc_conn_process(c);
	e = errno;
	check_errno(r, e, EMSGSIZE, "mc_conn_process with in full and no '\\n' "
		    "(a line longer than MC_LINE_MAX)");

	/* No room in out: the lines wait, nothing is lost or cut. */
	reset_conn(c, -1, 1);
	memset(c->out, 'x', sizeof(c->out));
	c->out_len = MC_OUT_MAX - 4;
	set_in(c, "a\nb\n");
	r = mc_conn_process(c);
	e = errno;
	cr_assert(r == 0 && c->in_len == 4 && c->out_len == MC_OUT_MAX - 4 &&
		  c->answered == 0, "with only 4 bytes free in out (a reply \"OK 1 "
		  "a\\n\" takes 7), mc_conn_process "
		  "returned %d%s, in_len %zu, out_len %zu, answered %lu; expected "
		  "0 with both lines left in in and out untouched: a reply is added "
		  "only when it fits whole (a client that does not read must not "
		  "make the server's memory grow)", r, with_errno(r, e), c->in_len,
		  c->out_len, c->answered);
	/* Part of out was sent: moving the rest to the front makes room. */
	char *pat = malloc(MC_OUT_MAX);
	cr_assert(pat != NULL, "out of memory");
	for (size_t i = 0; i < MC_OUT_MAX; i++)
		pat[i] = (char)('a' + i % 26);
	memcpy(c->out, pat, MC_OUT_MAX);
	c->out_off = 100;
	c->out_len = MC_OUT_MAX - 4;
	r = mc_conn_process(c);
	size_t plen = c->out_len - c->out_off;
	size_t old = MC_OUT_MAX - 104;
	int same = c->out_off <= c->out_len && c->out_len <= MC_OUT_MAX &&
		   plen == old + 14 && memcmp(c->out + c->out_off, pat + 100, old) == 0 &&
		   memcmp(c->out + c->out_off + old, "OK 1 a\nOK 2 b\n", 14) == 0;
	cr_assert(r == 2 && same, "out held %zu pending bytes at out[100..] and "
		  "the first 100 were sent; mc_conn_process returned %d, and the "
		  "pending output is %zu bytes%s; expected 2, the old %zu bytes "
		  "unchanged followed by \"OK 1 a\\nOK 2 b\\n\": move the pending "
		  "bytes to the front of out (memmove) when a reply does not fit "
		  "at the end", old, r, plen, plen == old + 14 ? " but differs" : "",
		  old);
	free(pat);
	free(c);
}

CHECK(lab08, unit_conn_flush, 2,
      "mc_conn_flush: partial sends keep the exact rest; EAGAIN; EPIPE, no SIGPIPE")
{
	count_sigpipes();
	int sv[2];
	nb_pair(sv);
	/* A small send buffer: the pending output takes several rounds. */
	int sb = 4608;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb));
	struct mc_conn *c = blank_conn(sv[0], 1);
	ssize_t n = mc_conn_flush(c);
	int e = errno;
	cr_assert(n == 0, "mc_conn_flush with nothing pending returned %zd%s; "
		  "expected 0", n, with_errno(n, e));
	char *pat = malloc(MC_OUT_MAX);
	char *got = malloc(MC_OUT_MAX + 1);
	cr_assert(pat && got, "out of memory");
	for (size_t i = 0; i < MC_OUT_MAX; i++)
		pat[i] = (char)('A' + (i * 7 + i / 26) % 26);
	memcpy(c->out, pat, MC_OUT_MAX);
	c->out_len = MC_OUT_MAX;
	size_t total = 0, have = 0;
	int rounds = 0, short_seen = 0;
	while (rounds++ < 200) {
		size_t before = c->out_len - c->out_off;
		n = mc_conn_flush(c);
		e = errno;
		cr_assert(n >= 0, "mc_conn_flush on a socket with a small send "
			  "buffer returned -1 with %s%s; expected the number of bytes "
			  "the kernel took (EAGAIN means \"full for now\": keep the "
			  "rest, it is not an error)", errno_name(e),
			  e == ENOSYS ? " (not implemented yet)" : "");
		total += (size_t)n;
		size_t after = c->out_off <= c->out_len ? c->out_len - c->out_off : 0;
		cr_assert(after == before - (size_t)n, "mc_conn_flush returned %zd "
			  "but the pending output went from %zu to %zu bytes: pending "
			  "must shrink by exactly what was sent (out_off += n)", n,
			  before, after);
		cr_assert(after == 0 || memcmp(c->out + c->out_off, pat + total,
					      after) == 0,
			  "after %zu bytes were sent, the pending output is not the "
			  "rest of what was there (it must be out[out_off..out_len) = "
			  "the unsent bytes, in order)", total);
		if (after > 0)
			short_seen = 1;
		/* The peer reads what arrived. */
		for (;;) {
			ssize_t k = recv(sv[1], got + have, MC_OUT_MAX - have, MSG_DONTWAIT);
			if (k <= 0)
				break;
			have += (size_t)k;
		}
		if (after == 0)
			break;
	}
	cr_assert(short_seen, "test setup: the send buffer took %d bytes at once",
		  MC_OUT_MAX);
	cr_assert(total == MC_OUT_MAX && have == MC_OUT_MAX &&
		  memcmp(got, pat, MC_OUT_MAX) == 0, "%d pending bytes flushed over "
		  "%d rounds through a small send buffer: mc_conn_flush reported %zu "
		  "sent, the peer received %zu%s; expected all %d, exactly once and "
		  "in order (a short count means: send the rest later)", MC_OUT_MAX,
		  rounds, total, have, have == MC_OUT_MAX ? " but different bytes" :
		  "", MC_OUT_MAX);
	cr_assert(c->out_off == 0 && c->out_len == 0, "once everything is sent, "
		  "out_off and out_len must both be 0 (out_off %zu, out_len %zu): the "
		  "whole of out is free again", c->out_off, c->out_len);

	/* The peer went away: EPIPE (or ECONNRESET), never SIGPIPE. */
	memcpy(c->out, "OK 1 x\n", 7);
	c->out_len = 7;
	close(sv[1]);
	n = mc_conn_flush(c);
	e = errno;
	cr_assert(sigpipes == 0, "mc_conn_flush raised SIGPIPE on a socket whose "
		  "peer had closed: its default action kills the whole server, "
		  "every client with it; send with MSG_NOSIGNAL");
	cr_assert(n == -1 && (e == EPIPE || e == ECONNRESET), "mc_conn_flush "
		  "after the peer closed returned %zd%s; expected -1 with EPIPE",
		  n, with_errno(n, e));
	close(sv[0]);
	free(c);
	free(pat);
	free(got);
}

CHECK(lab08, unit_conn_events, 1,
      "mc_conn_events: POLLOUT only with output pending; mc_conn_done")
{
	struct mc_conn *c = blank_conn(-1, 1);
	struct {
		int eof;
		const char *in;
		size_t in_len;
		size_t out_off, out_len;
		short events;
		int done;
		const char *what;
	} cases[] = {
		{0, "", 0, 0, 0, POLLIN, 0, "a fresh client"},
		{0, "ab", 2, 0, 0, POLLIN, 0, "half a line held"},
		{0, "", 0, 0, 7, POLLIN | POLLOUT, 0, "7 bytes of output pending"},
		{0, "", 0, 5, 7, POLLIN | POLLOUT, 0, "2 of 7 bytes still pending"},
		{0, NULL, MC_LINE_MAX, 0, 30, POLLOUT, 0, "in full, output pending"},
		{1, "", 0, 0, 0, 0, 1, "EOF read, nothing held or pending"},
		{1, "ab", 2, 0, 0, 0, 1, "EOF with half a line (dropped)"},
		{1, "ab\n", 3, 0, 0, 0, 0, "EOF with a whole line not answered"},
		{1, "", 0, 0, 9, POLLOUT, 0, "EOF, replies pending"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		reset_conn(c, -1, 1);
		c->eof = cases[k].eof;
		if (cases[k].in)
			memcpy(c->in, cases[k].in, cases[k].in_len);
		else
			memset(c->in, 'q', MC_LINE_MAX);
		c->in_len = cases[k].in_len;
		c->out_off = cases[k].out_off;
		c->out_len = cases[k].out_len;
		short ev = mc_conn_events(c);
		cr_assert(ev == cases[k].events, "mc_conn_events for %s: %s%s%s; "
			  "expected %s%s%s%s", cases[k].what,
			  ev & POLLIN ? "POLLIN " : "", ev & POLLOUT ? "POLLOUT " : "",
			  ev == 0 ? "0" : "", cases[k].events & POLLIN ? "POLLIN " : "",
			  cases[k].events & POLLOUT ? "POLLOUT" : "",
			  cases[k].events == 0 ? "0" : "",
			  cases[k].events & POLLOUT ? "" : (ev & POLLOUT) ? " (POLLOUT "
			  "with nothing to send: a socket with room is always "
			  "writable, so poll() returns at once, for ever, and the "
			  "server spins)" : cases[k].eof ? " (after EOF there is "
			  "nothing more to read)" : cases[k].in_len == MC_LINE_MAX ?
			  " (no room in in: stop reading this client until its "
			  "replies leave)" : "");
		int d = mc_conn_done(c);
		cr_assert(d == cases[k].done, "mc_conn_done for %s returned %d; "
			  "expected %d (done = EOF read, no whole line waiting, no "
			  "output pending)", cases[k].what, d, cases[k].done);
	}
	free(c);
}

/* ======================================================================== */
/* unit: the loop, in this process                                           */
/* ======================================================================== */

/* The watchdog: if the loop blocks longer than 2 s, it sends the silent
 * clients a line end, which releases a read() that waits for them, and
 * connects a new client, which wakes a poll() or accept() that waits for
 * the listener, so that the check fails with a message instead of
 * hanging. */
struct watchdog {
	pthread_t thread;
	const char *path;
	int fds[4];
	size_t n;
	int extra;
	volatile int stop, fired;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&w->mu);
	while (!w->stop &&
	       pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
		;
	int stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	if (!stop) {
		w->fired = 1;
		for (size_t i = 0; i < w->n; i++)
			send(w->fds[i], "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		w->extra = h_connect(w->path);
	}
	return NULL;
}

static void watchdog_start(struct watchdog *w)
{
	w->stop = w->fired = 0;
	w->extra = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	cr_assert(pthread_create(&w->thread, NULL, watchdog_main, w) == 0,
		  "test setup: pthread_create");
}

static void watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (w->extra >= 0)
		close(w->extra);
}

/* One round of the loop under the watchdog. */
static int step_watched(struct mc_server *s, int timeout_ms, struct watchdog *w,
			double *took)
{
	watchdog_start(w);
	double t0 = mono_seconds();
	int r = mc_server_step(s, timeout_ms);
	int e = errno;
	*took = mono_seconds() - t0;
	watchdog_stop(w);
	cr_assert(!w->fired, "mc_server_step(s, %d) was still blocked after 2 s "
		  "(the watchdog released it by sending the silent clients a "
		  "line end and connecting a new client)%s", timeout_ms,
		  w->n ? ", with a client connected that sends nothing and one "
		  "that sent half a line: read only a socket poll() reported "
		  "readable, once per round, and keep partial lines in the "
		  "client's buffer" : ", with no client at all: poll() with the "
		  "timeout given");
	errno = e;
	return r;
}

/* Runs rounds until every peer has what it expects (or 3 s pass). */
static void steps_until_answered(struct mc_server *s, struct watchdog *w,
				 struct peer *pe, size_t n)
{
	int64_t deadline = mono_deadline(3.0);
	while (mono_ms_left(deadline) > 0) {
		double took;
		int r = step_watched(s, 20, w, &took);
		int e = errno;
		check_ok(r, e, "mc_server_step(s, 20)");
		size_t done = 0;
		for (size_t i = 0; i < n; i++) {
			take(&pe[i]);
			done += pe[i].got_len >= pe[i].want_len;
		}
		if (done == n)
			return;
	}
}

CHECK(lab08, unit_server_step, 2,
      "mc_server_step: one poll() round serves ready clients, never blocks")
{
	const char *p = h_path("s.sock");
	int lfd = test_listener(p, 16);
	struct mc_server *s = calloc(1, sizeof(*s));
	cr_assert(s != NULL, "out of memory");
	FILE *log = tmpfile();
	cr_assert(log != NULL, "tmpfile: %s", strerror(errno));
	int r = mc_server_init(s, lfd, log, 0);
	int e = errno;
	check_ok(r, e, "mc_server_init(s, lfd, log, 0)");
	cr_assert(s->n == 0 && s->accepted == 0 && s->lfd == lfd, "after "
		  "mc_server_init: n %zu, accepted %lu, lfd %d; expected 0, 0, %d",
		  s->n, s->accepted, s->lfd, lfd);
	int base = h_count_fds(0);
	struct watchdog w = {.path = p, .n = 0};
	double took;
	r = step_watched(s, 50, &w, &took);
	e = errno;
	check_ok(r, e, "mc_server_step(s, 50) with no client");
	cr_assert(took >= 0.03 && took < 1.5, "mc_server_step(s, 50) with nothing "
		  "to do returned after %.3f s; expected about 0.05 s: one poll() "
		  "with the timeout given", took);

	/* Four clients: two talk, one sends nothing, one sends half a line. */
	struct peer pe[4];
	for (size_t i = 0; i < 4; i++) {
		memset(&pe[i], 0, sizeof(pe[i]));
		pe[i].fd = connect_client(p);
		cr_assert(pe[i].fd >= 0, "test setup: connect: %s", strerror(errno));
	}
	w.fds[0] = pe[2].fd;
	w.fds[1] = pe[3].fd;
	w.n = 2;
	int64_t deadline = mono_deadline(2.0);
	while (s->n < 4 && mono_ms_left(deadline) > 0) {
		r = step_watched(s, 20, &w, &took);
		e = errno;
		check_ok(r, e, "mc_server_step(s, 20) with 4 clients connecting");
	}
	cr_assert(s->n == 4 && s->accepted == 4, "4 clients connected, and after "
		  "rounds of mc_server_step for 2 s, n is %zu and accepted %lu; "
		  "expected 4 and 4 (poll the listener for POLLIN; when it is "
		  "readable, mc_accept_burst into s->conns)", s->n, s->accepted);
	unsigned seen = 0;
	for (size_t i = 0; i < 4; i++) {
		cr_assert(s->conns[i] && s->conns[i]->id >= 1 && s->conns[i]->id <= 4,
			  "s->conns[%zu] has id %lu; expected ids 1..4, one per "
			  "client in the order of accept", i,
			  s->conns[i] ? s->conns[i]->id : 0);
		seen |= 1u << s->conns[i]->id;
		cr_assert(is_nonblocking(s->conns[i]->fd), "client %lu's socket is "
			  "blocking", s->conns[i]->id);
	}
	cr_assert(seen == 0x1e, "the clients' ids are not 1, 2, 3, 4 once each");

	send_now(pe[3].fd, "half a li");
	send_now(pe[0].fd, "a1\n");
	send_now(pe[1].fd, "b1\nb2\n");
	expect(&pe[0], "OK 1 a1\n");
	expect(&pe[1], "OK 1 b1\nOK 2 b2\n");
	steps_until_answered(s, &w, pe, 2);
	char why[1200];
	cr_assert(first_wrong(pe, 2, why, sizeof(why), NULL) < 0, "two clients "
		  "sent requests while a third sent nothing and a fourth half a "
		  "line; after rounds of mc_server_step for 3 s: %s", why);
	r = step_watched(s, 30, &w, &took);
	cr_assert(r == 0 && took < 1.5, "with every request answered, "
		  "mc_server_step(s, 30) returned %d after %.3f s; expected 0 after "
		  "about 0.03 s (poll() timed out)", r, took);
	cr_assert(s->n == 4, "a client that sent nothing or half a line was "
		  "dropped (%zu clients left of 4)", s->n);

	/* A client leaves: dropped, its descriptor closed. */
	close(pe[0].fd);
	pe[0].fd = -1;
	deadline = mono_deadline(2.0);
	while (s->n > 3 && mono_ms_left(deadline) > 0)
		step_watched(s, 20, &w, &took);
	cr_assert(s->n == 3, "a client closed its connection; after rounds of "
		  "mc_server_step for 2 s, n is %zu; expected 3 (read() returns 0: "
		  "EOF; the client is done: mc_server_drop)", s->n);
	int now = h_count_fds(0);
	cr_assert(now == base + 3 + 3, "after one of 4 clients left, this process "
		  "has %d more descriptors than before they came; expected 6 (3 "
		  "test clients, 3 server ends): mc_server_drop must close the "
		  "client's fd", now - base);
	for (size_t i = 0; i < s->n; i++)
		cr_assert(s->conns[i]->id != 1, "the client that left (id 1) is "
			  "still in s->conns");
	fflush(log);
	rewind(log);
	char text[2048];
	size_t ll = fread(text, 1, sizeof(text) - 1, log);
	text[ll] = '\0';
	cr_assert(strstr(text, "client 1 left: "), "the log should hold "
		  "\"client 1 left: <why>\" (mc_server_drop logs it); it holds "
		  "\"%s\"", h_one_line_tail(text, 400));
	mc_server_close(s);
	cr_assert(s->n == 0 && h_count_fds(0) == base + 3, "after mc_server_close, "
		  "n is %zu and %d server ends are still open; expected 0 and 0",
		  s->n, h_count_fds(0) - base - 3);
	close_peers(pe, 4);
	fclose(log);
	free(s);
	close(lfd);
}

/* ======================================================================== */
/* box                                                                        */
/* ======================================================================== */

CHECK(lab08, box_socat_client, 1,
      "socat as a client, beside a silent one: each line gets OK <n> <line>")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	int quiet = connect_client(p);
	cr_assert(quiet >= 0, "could not connect to the server: %s",
		  errno_name(errno));
	char addr[200];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s", p);
	const char *in = "hello\nthe message sended \xe6\x88\xb7!\n\nbye\n";
	const char *sargv[] = {"/usr/bin/socat", "-t", "2", "-", addr, NULL};
	struct h_result r;
	cr_assert(h_run(sargv, in, strlen(in), 4.0, &r) == 0, "could not start "
		  "socat: %s", strerror(errno));
	const char *want = "OK 1 hello\nOK 2 the message sended \xe6\x88\xb7!\nOK 3 "
			   "\nOK 4 bye\n";
	if (strcmp(r.out, want) != 0)
		fail_server(&srv, "`socat -t 2 - %s` sent \"hello\", \"the message "
			    "sended 户!\", \"\" and \"bye\", one per line, while "
			    "another client was connected and silent, and got \"%s\" "
			    "(socat %s); expected \"OK 1 hello|OK 2 the message "
			    "sended 户!|OK 3 |OK 4 bye\", then the server closing "
			    "after socat's EOF", addr, h_one_line_tail(r.out, 300), r.what);
	h_result_free(&r);
	close(quiet);
}

static const char *hundred_tag(size_t i)
{
	static char buf[4][32];
	static int k;
	char *b = buf[k++ & 3];
	snprintf(b, 32, "c%zu-r", i + 1);
	return b;
}

#define HUNDRED 150

CHECK(lab08, box_hundred_clients, 3,
      "150 clients at once, half lines interleaved: each gets its own replies")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	struct peer *pe = calloc(HUNDRED, sizeof(*pe));
	cr_assert(pe != NULL, "out of memory");
	connect_all(&srv, p, pe, HUNDRED);
	/* Round 1: every client sends half of its first line; the server
	 * must read them all and keep each half with its client. */
	char line[96];
	for (size_t i = 0; i < HUNDRED; i++) {
		snprintf(line, sizeof(line), "c%zu-", i + 1);
		if (send_now(pe[i].fd, line) != 0)
			fail_server(&srv, "client %zu: send: %s", i + 1,
				    errno_name(errno));
	}
	size_t busy = wait_consumed(pe, HUNDRED, 2.0);
	if (busy)
		fail_server(&srv, "150 clients connected and each sent half a line; "
			    "after 2 s the server had not read the bytes of %zu of "
			    "them", busy);
	/* Round 2, in reverse order: the rest of line 1 and all of line 2
	 * in one write; round 3: line 3. */
	for (size_t i = HUNDRED; i-- > 0;) {
		snprintf(line, sizeof(line), "r1 x\nc%zu-r2 yy\n", i + 1);
		if (send_now(pe[i].fd, line) != 0)
			fail_server(&srv, "client %zu: send: %s", i + 1,
				    errno_name(errno));
	}
	for (size_t i = 0; i < HUNDRED; i++) {
		snprintf(line, sizeof(line), "c%zu-r3 zzz\n", i + 1);
		if (send_now(pe[i].fd, line) != 0)
			fail_server(&srv, "client %zu: send: %s", i + 1,
				    errno_name(errno));
		snprintf(line, sizeof(line), "OK 1 c%zu-r1 x\nOK 2 c%zu-r2 yy\nOK 3 "
			 "c%zu-r3 zzz\n", i + 1, i + 1, i + 1);
		expect(&pe[i], line);
	}
	size_t done = collect(pe, HUNDRED, 3.0);
	char why[1200];
	long bad = first_wrong(pe, HUNDRED, why, sizeof(why), hundred_tag);
	if (bad >= 0 || done < HUNDRED)
		fail_server(&srv, "150 clients, all connected at once, each sent "
			    "\"c<i>-\", then \"r1 x\\nc<i>-r2 yy\\n\", then \"c<i>-r3 "
			    "zzz\\n\"; %zu of them got their three replies within 3 s. "
			    "First wrong: %s", done, bad >= 0 ? why : "(none)");
	int fds = h_count_fds(srv.pid);
	if (fds >= 0 && fds < HUNDRED + 1)
		fail_server(&srv, "while 150 clients were connected, the server held "
			    "only %d descriptors (150 clients and the listener at "
			    "least)", fds);
	close_peers(pe, HUNDRED);
	free(pe);
}

#define BURST 100

CHECK(lab08, box_burst_backlog, 2,
      "100 connects at once while the server is stopped: all queued, all served")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	cr_assert(h_signal(&srv, SIGSTOP) == 0, "could not stop the server: %s",
		  strerror(errno));
	int64_t deadline = mono_deadline(2.0);
	char st;
	while ((st = proc_state(srv.pid)) != 'T' && st != 't' &&
	       mono_ms_left(deadline) > 0)
		mono_sleep_ms(1);
	cr_assert(st == 'T' || st == 't', "test setup: the server did not stop "
		  "(state %c)", st ? st : '?');
	struct peer *pe = calloc(BURST, sizeof(*pe));
	cr_assert(pe != NULL, "out of memory");
	struct sockaddr_un a;
	int len = h_sockaddr(p, &a);
	for (size_t i = 0; i < BURST; i++) {
		pe[i].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (connect(pe[i].fd, (struct sockaddr *)&a, (socklen_t)len) == -1) {
			int e = errno;
			h_signal(&srv, SIGCONT);
			fail_server(&srv, "while the server was stopped (SIGSTOP), "
				    "connect #%zu of a burst of %d failed with %s%s",
				    i + 1, BURST, errno_name(e), e == EAGAIN ?
				    ": the listen queue was full with the connections "
				    "before it. The kernel queues backlog + 1 "
				    "connections the server has not accepted yet: pass "
				    "the backlog to listen() as given (the program's "
				    "default is MC_BACKLOG, 128; the seed used 1)" : "");
		}
		char line[64];
		snprintf(line, sizeof(line), "burst %zu\n", i + 1);
		send_now(pe[i].fd, line);
		snprintf(line, sizeof(line), "OK 1 burst %zu\n", i + 1);
		expect(&pe[i], line);
	}
	cr_assert(h_signal(&srv, SIGCONT) == 0, "could not continue the server");
	size_t done = collect(pe, BURST, 3.0);
	char why[1200];
	long bad = first_wrong(pe, BURST, why, sizeof(why), NULL);
	if (bad >= 0 || done < BURST)
		fail_server(&srv, "a burst of %d clients connected and sent one line "
			    "each while the server was stopped; once it continued, "
			    "%zu got their reply within 3 s; expected all: when poll() "
			    "reports the listener readable, accept until EAGAIN. First "
			    "wrong: %s", BURST, done, bad >= 0 ? why : "(none)");
	close_peers(pe, BURST);
	free(pe);
}

/* Clients that each send one line and expect their reply within 1 s,
 * while others misbehave. Fails the check with msg when one does not. */
static void others_answered(struct h_proc *srv, const char *p, const char *ctx,
			    int round)
{
	struct peer pe[5];
	connect_all(srv, p, pe, 5);
	for (size_t i = 0; i < 5; i++) {
		char line[64];
		snprintf(line, sizeof(line), "other %zu round %d\n", i + 1, round);
		send_now(pe[i].fd, line);
		snprintf(line, sizeof(line), "OK 1 other %zu round %d\n", i + 1, round);
		expect(&pe[i], line);
	}
	double t0 = mono_seconds();
	size_t done = collect(pe, 5, 1.0);
	double el = mono_seconds() - t0;
	char why[1200];
	long bad = first_wrong(pe, 5, why, sizeof(why), NULL);
	if (bad >= 0 || done < 5)
		fail_server(srv, "%s; then 5 more clients sent one line each: %zu "
			    "got their reply within 1 s (%.2f s waited); the "
			    "misbehaving client must cost the others nothing. First "
			    "wrong: %s", ctx, done, el, bad >= 0 ? why : "(none)");
	close_peers(pe, 5);
}

CHECK(lab08, box_silent_client, 2,
      "a client that never sends, one that sends half a line: others served")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	int silent = connect_client(p);
	int half = connect_client(p);
	cr_assert(silent >= 0 && half >= 0, "could not connect to the server: %s",
		  errno_name(errno));
	others_answered(&srv, p, "one client connected and sent nothing", 1);
	cr_assert(send_now(half, "half a li") == 0, "send: %s", strerror(errno));
	others_answered(&srv, p, "one client sent nothing, another sent \"half a "
			"li\" without a line end", 2);
	/* The server, idle, must wait in poll(), not in a read(). */
	int64_t deadline = mono_deadline(1.0);
	long nr = -1;
	unsigned long a0 = 0;
	while (mono_ms_left(deadline) > 0) {
		if ((nr = proc_syscall(srv.pid, &a0)) >= 0)
			break;
		mono_sleep_ms(2);
	}
	if (nr >= 0 && !is_multiplexer(nr))
		fail_server(&srv, "with every request answered and two clients "
			    "connected that send nothing more, the server should "
			    "wait in poll(); /proc/%d/syscall says it is in %s() "
			    "(fd %lu)", (int)srv.pid, syscall_name(nr) ?
			    syscall_name(nr) : "another call", a0);
	/* The half line completes: it is answered like any other. */
	cr_assert(send_now(half, "ne\n") == 0, "send: %s", strerror(errno));
	struct peer h = {.fd = half};
	expect(&h, "OK 1 half a line\n");
	if (collect(&h, 1, 1.0) < 1 || memcmp(h.got, h.want, h.want_len) != 0)
		fail_server(&srv, "a client sent \"half a li\", and after other "
			    "clients were served, \"ne\\n\": it got \"%s\" within 1 s; "
			    "expected \"OK 1 half a line\\n\" (the first half must wait "
			    "in that client's own buffer)", show(h.got, h.got_len, 80));
	close(silent);
	close(half);
}

/* The hog's stream of lines "h1\n", "h2\n", ... */
struct hog {
	int fd;
	unsigned long lines;      /* lines sent whole */
	unsigned long started;    /* lines whose first byte was sent */
	char part[32];            /* the line cut by a short send, */
	size_t part_len, part_off; /* and how much of it was sent */
	size_t sent;              /* bytes sent */
};

/* Sends as much of the hog's stream as the socket takes now. Returns 1
 * when the socket was full (a short send or EAGAIN), 0 when limit bytes
 * were sent. */
static int hog_push(struct hog *g, size_t limit)
{
	char buf[4096];
	size_t ends[600]; /* where each line formatted into buf ends */
	while (g->sent < limit) {
		/* The rest of the cut line first, then new lines. */
		size_t n = g->part_len - g->part_off, nl = 0;
		memcpy(buf, g->part + g->part_off, n);
		size_t first_new = n;
		while (n < sizeof(buf) - 24 && nl < 600) {
			n += (size_t)snprintf(buf + n, 24, "h%lu\n",
					      g->started + nl + 1);
			ends[nl++] = n;
		}
		ssize_t k = send(g->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		size_t took = k > 0 ? (size_t)k : 0;
		g->sent += took;
		if (took < first_new) { /* not even the old line's rest */
			g->part_off += took;
			return 1;
		}
		if (g->part_len) {
			g->lines++;
			g->part_len = g->part_off = 0;
		}
		size_t begin = first_new;
		for (size_t j = 0; j < nl; j++) {
			if (took >= ends[j]) {
				g->lines++;
				g->started++;
			} else {
				if (took > begin) { /* cut inside line j */
					g->started++;
					g->part_len = ends[j] - begin;
					memcpy(g->part, buf + begin, g->part_len);
					g->part_off = took - begin;
				}
				return 1;
			}
			begin = ends[j];
		}
	}
	return 0;
}

/* The reply the hog expects for its line k. */
static int hog_reply(unsigned long k, char *buf, size_t cap)
{
	return snprintf(buf, cap, "OK %lu h%lu\n", k, k);
}

/* A correct server stops reading the hog after about 250 KB (its own
 * buffers, and the kernel's queues both ways); 2 MiB is far beyond. */
#define HOG_LIMIT (2u << 20)

CHECK(lab08, box_slow_reader, 3,
      "a client that sends and never reads fills its socket: others still served")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	struct hog g = {.fd = connect_client(p)};
	cr_assert(g.fd >= 0, "could not connect to the server: %s",
		  errno_name(errno));
	/* Write until the socket stays full for 100 ms: the server has
	 * stopped reading the hog (its replies have nowhere to go). */
	int64_t deadline = mono_deadline(4.0);
	int stuck = 0;
	while (!stuck && g.sent < HOG_LIMIT && mono_ms_left(deadline) > 0) {
		if (hog_push(&g, HOG_LIMIT) == 0)
			break;
		struct pollfd pf = {.fd = g.fd, .events = POLLOUT};
		stuck = poll(&pf, 1, 100) == 0;
	}
	if (!stuck)
		fail_server(&srv, "a client sent %zu bytes of requests (%lu lines) "
			    "and read none of the replies, and the server %s: it "
			    "kept reading them although it could not send the "
			    "replies (or did it throw them away?). Replies that "
			    "cannot be sent must wait in the client's output buffer, "
			    "and the server must stop reading a client whose buffers "
			    "are full (no POLLIN), or its memory grows without bound",
			    g.sent, g.lines, g.sent >= HOG_LIMIT ? "read them all" :
			    "was still reading them after 4 s");
	int inq = 0;
	ioctl(g.fd, SIOCINQ, &inq);
	char ctx[300];
	snprintf(ctx, sizeof(ctx), "a client sent %zu bytes of requests and read "
		 "none of the replies, until its socket stayed full (%d bytes of "
		 "replies wait in its receive queue)", g.sent, inq);
	others_answered(&srv, p, ctx, 1);
	/* Now the hog reads: every reply must come, once, in order. */
	unsigned long k = 0;
	char buf[8192], want[64], carry[64];
	size_t carry_len = 0, total = 0;
	deadline = mono_deadline(5.0);
	while (k < g.lines && mono_ms_left(deadline) > 0) {
		struct pollfd pf = {.fd = g.fd, .events = POLLIN};
		if (poll(&pf, 1, mono_ms_left(deadline)) <= 0)
			break;
		memcpy(buf, carry, carry_len);
		ssize_t n = read(g.fd, buf + carry_len, sizeof(buf) - carry_len);
		if (n <= 0)
			fail_server(&srv, "%s; when it started reading, its connection "
				    "%s after %lu replies", ctx, n == 0 ? "was closed" :
				    errno_name(errno), k);
		total += (size_t)n;
		size_t have = carry_len + (size_t)n, at = 0;
		for (;;) {
			char *nl = memchr(buf + at, '\n', have - at);
			if (!nl)
				break;
			size_t ll = (size_t)(nl - (buf + at)) + 1;
			int wl = hog_reply(++k, want, sizeof(want));
			if ((size_t)wl != ll || memcmp(buf + at, want, ll) != 0)
				fail_server(&srv, "%s; once it read, reply %lu was \"%s\"; "
					    "expected \"%s\": replies that could not be "
					    "sent at once must wait in the client's output "
					    "buffer, and a short send must leave exactly "
					    "the unsent rest", ctx, k, show(buf + at, ll, 60),
					    show(want, (size_t)wl, 60));
			at += ll;
		}
		carry_len = have - at;
		if (carry_len >= sizeof(carry))
			fail_server(&srv, "%s; once it read, it received a line longer "
				    "than any reply (\"%s\")", ctx,
				    show(buf + at, carry_len, 60));
		memcpy(carry, buf + at, carry_len);
	}
	if (k < g.lines)
		fail_server(&srv, "%s; once it started reading, it received %lu of "
			    "the %lu replies within 5 s (%zu bytes)", ctx, k, g.lines,
			    total);
	close(g.fd);
}

CHECK(lab08, box_leavers, 2,
      "clients leave by EOF, hang-up, reset, too long a line: all closed, no leak")
{
	const char *p = h_path("s.sock");
	struct h_proc srv;
	start_server(&srv, p, NULL);
	/* The server's descriptors while no client is connected: its
	 * standard streams and the listener. */
	int base = h_count_fds(srv.pid);
	cr_assert(base >= 1, "could not read /proc/%d/fd", (int)srv.pid);
	/* 0. Stop reading, then send a line: the reply meets a socket whose
	 *    reader has gone (EPIPE; SIGPIPE unless MSG_NOSIGNAL). */
	int deaf = connect_client(p);
	cr_assert(deaf >= 0, "connect: %s", errno_name(errno));
	shutdown(deaf, SHUT_RD);
	send_now(deaf, "are you there?\n");
	struct pollfd dp = {.fd = deaf, .events = 0};
	int hup = poll(&dp, 1, 1000) == 1 && (dp.revents & POLLHUP);
	/* A dying server closes its sockets before it can be reaped: ask
	 * another client to tell a drop from a death. */
	struct peer ping = {.fd = connect_client(p)};
	if (ping.fd >= 0) {
		send_now(ping.fd, "ping\n");
		expect(&ping, "OK 1 ping\n");
		collect(&ping, 1, 1.0);
	}
	int pinged = ping.fd >= 0 && ping.got_len == ping.want_len &&
		     memcmp(ping.got, ping.want, ping.want_len) == 0;
	if (!pinged)
		h_wait_exit(&srv, 1.0);
	if (!hup || !pinged)
		fail_server(&srv, "a client shut down its reading side, then sent "
			    "a line: the reply can never arrive (send() fails with "
			    "EPIPE); the server should drop that client (close "
			    "its end) within 1 s and serve the next one%s%s",
			    hup ? "" : "; it did not close the connection",
			    pinged ? "" : "; a client after it got no reply");
	close(deaf);
	close(ping.fd);
	/* 1. Connect and close at once. */
	for (int i = 0; i < 10; i++) {
		int fd = connect_client(p);
		cr_assert(fd >= 0, "connect: %s", errno_name(errno));
		close(fd);
	}
	/* 2. A request, then EOF (shutdown): the reply, then the server's
	 *    EOF. */
	struct peer q[5];
	connect_all(&srv, p, q, 5);
	for (size_t i = 0; i < 5; i++) {
		send_now(q[i].fd, "last words\n");
		shutdown(q[i].fd, SHUT_WR);
		expect(&q[i], "OK 1 last words\n");
	}
	/* 3. A request, then close without reading the reply. */
	for (int i = 0; i < 5; i++) {
		int fd = connect_client(p);
		cr_assert(fd >= 0, "connect: %s", errno_name(errno));
		send_now(fd, "never mind\n");
		close(fd);
	}
	/* 4. A line longer than MC_LINE_MAX: the server closes. */
	struct peer lg[2];
	connect_all(&srv, p, lg, 2);
	char big[MC_LINE_MAX + 40];
	memset(big, 'L', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 0; i < 2; i++)
		send_now(lg[i].fd, big);
	/* 5. Many requests, none of the replies read, then close. */
	int heavy = connect_client(p);
	cr_assert(heavy >= 0, "connect: %s", errno_name(errno));
	for (int i = 0; i < 40; i++) {
		char lines[1024];
		size_t n = 0;
		while (n < sizeof(lines) - 16)
			n += (size_t)snprintf(lines + n, 16, "heavy %d\n", i);
		send(heavy, lines, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	struct pollfd pf = {.fd = heavy, .events = POLLIN};
	poll(&pf, 1, 1000); /* some replies arrived: the server is on it */
	close(heavy);

	size_t done = collect(q, 5, 2.0);
	char why[1200];
	long bad = first_wrong(q, 5, why, sizeof(why), NULL);
	if (bad >= 0 || done < 5)
		fail_server(&srv, "5 clients each sent a line and shut down their "
			    "sending side (EOF): each should get its reply within "
			    "2 s. %s", bad >= 0 ? why : "");
	/* After the replies, the server closes them: they read EOF. */
	for (size_t i = 0; i < 5; i++)
		q[i].want_len = sizeof(q[i].want); /* read until closed */
	collect(q, 5, 2.0);
	for (size_t i = 0; i < 5; i++)
		if (!q[i].closed)
			fail_server(&srv, "a client sent a line and shut down its "
				    "sending side; it got its reply but no EOF within "
				    "2 s: once read() returns 0 and the replies are "
				    "sent, the server must close the connection");
	for (size_t i = 0; i < 2; i++)
		lg[i].want_len = sizeof(lg[i].want);
	collect(lg, 2, 2.0);
	for (size_t i = 0; i < 2; i++)
		if (!lg[i].closed)
			fail_server(&srv, "a client sent %zu bytes without a line end "
				    "(longer than MC_LINE_MAX, %d); the server should "
				    "close its connection (EMSGSIZE) within 2 s; it did "
				    "not (received \"%s\")", sizeof(big) - 1, MC_LINE_MAX,
				    show(lg[i].got, lg[i].got_len, 60));
	close_peers(q, 5);
	close_peers(lg, 2);
	if (!running(&srv))
		fail_server(&srv, "the server ended while clients left");
	/* The server still serves, and holds no socket but the listener and
	 * this last client's. */
	others_answered(&srv, p, "26 clients left in every way (a reader gone, "
			"close at once, EOF after a request, close with a reply "
			"unread, a line too long, close with many replies unread)", 1);
	int last = connect_client(p);
	cr_assert(last >= 0, "connect: %s", errno_name(errno));
	struct peer lp = {.fd = last};
	send_now(last, "still here\n");
	expect(&lp, "OK 1 still here\n");
	collect(&lp, 1, 1.0);
	int64_t deadline = mono_deadline(2.0);
	int fds;
	while ((fds = h_count_fds(srv.pid)) > base + 1 &&
	       mono_ms_left(deadline) > 0)
		mono_sleep_ms(2);
	if (fds > base + 1)
		fail_server(&srv, "after 31 clients came and went, the server still "
			    "holds %d descriptors besides the ones it had before any "
			    "client came and the one client connected (from "
			    "/proc/%d/fd): a client that leaves or fails must be "
			    "dropped and its descriptor closed, or the server runs "
			    "out of descriptors (EMFILE) after about 4000 clients",
			    fds - base - 1, (int)srv.pid);
	close(last);
}

/* ======================================================================== */
/* trace                                                                      */
/* ======================================================================== */

/* The calls the trace checks need: the harness's set, plus the waits and
 * the ways of making a socket non-blocking. */
#define LAB08_TRACE_SET H_TRACE_SET ",accept4,poll,ppoll,select,pselect6," \
	"epoll_wait,epoll_pwait,epoll_ctl,fcntl,ioctl,readv,writev"

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

/* Whether this strace takes --seccomp-bpf (it stops the program only at
 * the traced calls: several times faster). */
static int seccomp_works(void)
{
	const char *argv[] = {strace_path(), "-f", "--seccomp-bpf", "-e",
			      "trace=close", "-o", "/dev/null", "/bin/true", NULL};
	struct h_result r;
	if (h_run(argv, NULL, 0, 5.0, &r) != 0)
		return 0;
	int ok = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	h_result_free(&r);
	return ok;
}

/* Starts the server at path under strace with --clients n and waits
 * until it listens. strace leads the process group. */
static void start_traced_server(struct h_proc *p, const char *path,
				const char *trace_path, const char *n)
{
	static char asan[512];
	const char *old = getenv("ASAN_OPTIONS");
	/* LeakSanitizer cannot run under ptrace. */
	snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
		 old ? old : "", old && *old ? ":" : "");
	const char *argv[24] = {strace_path(), "-f", "-yy", "-ttt", "-T", "-s", "64",
				"-q", "-E", asan, "-o", trace_path,
				"-e", "trace=" LAB08_TRACE_SET};
	size_t k = 14;
	if (seccomp_works())
		argv[k++] = "--seccomp-bpf";
	argv[k++] = "--";
	argv[k++] = h_bin("server");
	argv[k++] = path;
	argv[k++] = "--clients";
	argv[k++] = n;
	argv[k] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start the server under "
		  "strace: %s", strerror(errno));
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) != 0)
		fail_server(NULL, "expected the traced server to listen at %s: %s",
			    path, why);
}

/* Waits for the traced server (started with --clients) to exit, else
 * stops it; loads the trace. Returns 1 when it exited by itself. */
static int finish_traced(struct h_proc *p, const char *trace_path,
			 struct trace *t)
{
	int exited = h_wait_exit(p, 3.0) == 0;
	if (!exited)
		h_stop(p);
	cr_assert(trace_load(trace_path, t) == 0, "could not read the trace %s: %s",
		  trace_path, strerror(errno));
	return exited;
}

/* The decoded -yy tag of argument i of ev. */
static int arg_fd(const struct trace_event *ev, int i, struct trace_fd *f)
{
	char buf[512];
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	return trace_parse_fd(buf, f);
}

static int is_one_of(const char *name, const char *const names[])
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

static const char *const SOCK_IO[] = {
	"accept", "accept4", "read", "readv", "recv", "recvfrom", "recvmsg",
	"write", "writev", "send", "sendto", "sendmsg", NULL};
static const char *const SENDS[] = {"write", "writev", "send", "sendto",
				    "sendmsg", NULL};
static const char *const WAITS[] = {"poll", "ppoll", "select", "pselect6",
				    "epoll_wait", "epoll_pwait", NULL};

/* The sockets made non-blocking so far, by inode. */
struct nb_set {
	unsigned long inode[4096];
	size_t n;
};

static void nb_add(struct nb_set *s, unsigned long inode)
{
	if (inode && s->n < 4096)
		s->inode[s->n++] = inode;
}

static int nb_has(const struct nb_set *s, unsigned long inode)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->inode[i] == inode)
			return 1;
	return 0;
}

/* The inode of a UNIX socket in a call's result tag ("5<UNIX-STREAM:[..]>"). */
static unsigned long ret_inode(const struct trace_event *ev)
{
	struct trace_fd f;
	if (!ev->ret_text || ev->ret < 0 || trace_parse_fd(ev->ret_text, &f) != 0)
		return 0;
	return strncmp(f.proto, "UNIX", 4) == 0 ? f.inode : 0;
}

/* Records what ev does to the non-blocking state of sockets. */
static void nb_track(struct nb_set *s, const struct trace_event *ev)
{
	if (ev->kind != TRACE_CALL || !ev->has_ret || ev->ret < 0)
		return;
	struct trace_fd f;
	if ((strcmp(ev->name, "socket") == 0 || strcmp(ev->name, "accept4") == 0) &&
	    strstr(ev->args, "SOCK_NONBLOCK"))
		nb_add(s, ret_inode(ev));
	else if (strcmp(ev->name, "fcntl") == 0 && strstr(ev->args, "F_SETFL") &&
		 strstr(ev->args, "O_NONBLOCK") && arg_fd(ev, 0, &f) == 0)
		nb_add(s, f.inode);
	else if (strcmp(ev->name, "ioctl") == 0 && strstr(ev->args, "FIONBIO") &&
		 strstr(ev->args, "[1]") && arg_fd(ev, 0, &f) == 0)
		nb_add(s, f.inode);
}

/* A scenario for the traced server: a client that sends nothing, one that
 * sends half a line, a burst of 10, and 5 clients that each send two
 * lines (one in two pieces) and read their replies; then all leave.
 * Returns 0 when every reply came, else -1 with a sentence in why. 17
 * clients in all. */
static int traced_scenario(const char *p, char *why, size_t cap)
{
	int silent = connect_client(p), half = connect_client(p);
	if (silent < 0 || half < 0) {
		snprintf(why, cap, "connect failed: %s", errno_name(errno));
		return -1;
	}
	send_now(half, "half a li");
	/* Ten connects in a row, faster than the traced server accepts. */
	struct peer burst[10];
	for (size_t i = 0; i < 10; i++) {
		memset(&burst[i], 0, sizeof(burst[i]));
		burst[i].fd = connect_client(p);
	}
	for (size_t i = 0; i < 10; i++) {
		char line[32];
		snprintf(line, sizeof(line), "burst %zu\n", i + 1);
		send_now(burst[i].fd, line);
		snprintf(line, sizeof(line), "OK 1 burst %zu\n", i + 1);
		expect(&burst[i], line);
	}
	struct peer pe[5];
	int rc = 0;
	for (size_t i = 0; i < 5; i++) {
		memset(&pe[i], 0, sizeof(pe[i]));
		pe[i].fd = connect_client(p);
		if (pe[i].fd < 0) {
			snprintf(why, cap, "connect failed: %s", errno_name(errno));
			rc = -1;
		}
	}
	for (size_t i = 0; rc == 0 && i < 5; i++) {
		char line[64];
		snprintf(line, sizeof(line), "p%zu one\np%zu t", i + 1, i + 1);
		send_now(pe[i].fd, line);
		snprintf(line, sizeof(line), "OK 1 p%zu one\n", i + 1);
		expect(&pe[i], line);
	}
	if (rc == 0 && collect(pe, 5, 2.0) < 5) {
		char w[600];
		first_wrong(pe, 5, w, sizeof(w), NULL);
		snprintf(why, cap, "5 clients sent a line while others sent nothing "
			 "or half a line; not every one got its reply within 2 s: %s",
			 w);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < 5; i++) {
		send_now(pe[i].fd, "wo\n");
		char line[64];
		snprintf(line, sizeof(line), "OK 2 p%zu two\n", i + 1);
		expect(&pe[i], line);
	}
	if (rc == 0 && (collect(pe, 5, 2.0) < 5 || collect(burst, 10, 2.0) < 10)) {
		char w[600] = "";
		if (first_wrong(pe, 5, w, sizeof(w), NULL) < 0)
			first_wrong(burst, 10, w, sizeof(w), NULL);
		snprintf(why, cap, "5 clients sent a second line, 10 others one "
			 "line each; not every one got its reply within 2 s: %s", w);
		rc = -1;
	}
	close_peers(pe, 5);
	close_peers(burst, 10);
	close(silent);
	close(half);
	return rc;
}

CHECK(lab08, trace_nonblocking_io, 2,
      "server trace: sockets read, written, accepted are non-blocking; only poll waits")
{
	const char *p = h_path("s.sock"), *tp = h_path("server.trace");
	struct h_proc srv;
	start_traced_server(&srv, p, tp, "17");
	char why[1200] = "";
	int ok = traced_scenario(p, why, sizeof(why)) == 0;
	struct trace t = {0};
	finish_traced(&srv, tp, &t);
	const char *sum = h_trace_summary(&t, 30);
	struct nb_set *nb = calloc(1, sizeof(*nb));
	cr_assert(nb != NULL, "out of memory");
	size_t checked = 0;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		nb_track(nb, ev);
		if (ev->kind != TRACE_CALL || !is_one_of(ev->name, SOCK_IO))
			continue;
		struct trace_fd f;
		if (arg_fd(ev, 0, &f) != 0 || strncmp(f.proto, "UNIX", 4) != 0)
			continue; /* the log on stdout, files: not sockets */
		checked++;
		int dontwait = ev->args && strstr(ev->args, "MSG_DONTWAIT") != NULL;
		cr_assert(nb_has(nb, f.inode) || dontwait, "the server called %s() "
			  "on a blocking socket (inode %lu):\n  %s\nMake every socket "
			  "non-blocking before it is used: the listener with "
			  "SOCK_NONBLOCK, each client with accept4(..., SOCK_NONBLOCK "
			  "| SOCK_CLOEXEC) (or fcntl O_NONBLOCK). A blocking call on one "
			  "socket stops the server for every client. Calls seen:\n%s",
			  ev->name, f.inode, ev->line, sum);
		cr_assert(ev->has_ret && ev->duration < 0.25, "the server's %s() "
			  "%s:\n  %s\nOnly poll() may wait; a read, write or accept "
			  "on a socket must return at once (EAGAIN when it cannot "
			  "proceed)", ev->name, ev->has_ret ? "waited" : "never "
			  "returned (blocked until the end)", ev->line);
	}
	size_t waits = 0;
	for (size_t i = 0; i < t.n; i++)
		waits += t.ev[i].kind == TRACE_CALL && is_one_of(t.ev[i].name, WAITS);
	cr_assert(ok, "%s\nCalls seen:\n%s", why, sum);
	cr_assert(checked >= 30 && waits >= 1, "the trace shows %zu reads, writes "
		  "and accepts on sockets and %zu poll() calls; expected dozens of "
		  "each for 17 clients. Calls seen:\n%s", checked, waits, sum);
	free(nb);
	trace_free(&t);
}

CHECK(lab08, trace_accept_drains, 1,
      "server trace: each time, accept() until EAGAIN; the burst taken in one go")
{
	const char *p = h_path("s.sock"), *tp = h_path("server.trace");
	struct h_proc srv;
	start_traced_server(&srv, p, tp, "17");
	char why[1200] = "";
	int ok = traced_scenario(p, why, sizeof(why)) == 0;
	struct trace t = {0};
	finish_traced(&srv, tp, &t);
	const char *sum = h_trace_summary(&t, 30);
	/* Runs of accept() between two waits. */
	size_t runs = 0, longest = 0, total = 0, run = 0;
	int in_run = 0;
	for (size_t i = 0; i <= t.n; i++) {
		const struct trace_event *ev = i < t.n ? &t.ev[i] : NULL;
		int is_wait = !ev || (ev->kind == TRACE_CALL && is_one_of(ev->name, WAITS));
		int is_acc = ev && ev->kind == TRACE_CALL && ev->has_ret &&
			     (strcmp(ev->name, "accept") == 0 ||
			      strcmp(ev->name, "accept4") == 0);
		if (is_acc) {
			if (!in_run) {
				in_run = 1;
				run = 0;
				runs++;
			}
			if (ev->ret >= 0) {
				run++;
				total++;
				if (run > longest)
					longest = run;
				continue;
			}
			/* A failed accept ends the run: EAGAIN is the one
			 * that says the queue is empty. */
			cr_assert(ev->err == EAGAIN || ev->err == EWOULDBLOCK ||
				  ev->err == ECONNABORTED || ev->err == EINTR,
				  "the server's accept() failed: %s. Calls seen:\n%s",
				  ev->line, sum);
			if (ev->err == EAGAIN || ev->err == EWOULDBLOCK)
				in_run = 0;
			continue;
		}
		if (is_wait && in_run) {
			/* A run that ended without EAGAIN, unless the server
			 * had accepted all the clients it was started for. */
			cr_assert(total >= 17, "after poll() reported the listener "
				  "readable, the server accepted %zu connection%s and "
				  "went back to waiting without an accept() that failed "
				  "with EAGAIN: accept again and again until EAGAIN, so "
				  "that a whole burst is taken at once (poll() reports "
				  "the listener once for all of it). Calls seen:\n%s",
				  run, run == 1 ? "" : "s", sum);
			in_run = 0;
		}
	}
	cr_assert(ok, "%s\nCalls seen:\n%s", why, sum);
	cr_assert(total == 17 && runs >= 1, "the trace shows %zu accepted "
		  "connections in %zu runs; expected 17. Calls seen:\n%s", total,
		  runs, sum);
	trace_free(&t);
}

/* The fds whose revents include POLLOUT in a poll() result such as
 * "2 ([{fd=4, revents=POLLOUT}, {fd=5, revents=POLLIN|POLLHUP}])", the
 * hang-ups and errors excluded (a server drops those without sending).
 * Returns how many were stored. */
static size_t pollout_fds(const char *ret_text, int *fds, size_t max)
{
	size_t n = 0;
	for (const char *s = ret_text ? strstr(ret_text, "{fd=") : NULL; s && n < max;
	     s = strstr(s + 1, "{fd=")) {
		int fd = atoi(s + 4);
		const char *end = strchr(s, '}');
		const char *rv = strstr(s, "revents=");
		if (!end || !rv || rv > end)
			continue;
		char ev[128];
		size_t l = (size_t)(end - rv);
		if (l >= sizeof(ev))
			l = sizeof(ev) - 1;
		memcpy(ev, rv, l);
		ev[l] = '\0';
		if (strstr(ev, "POLLOUT") && !strstr(ev, "POLLHUP") &&
		    !strstr(ev, "POLLERR") && !strstr(ev, "POLLNVAL"))
			fds[n++] = fd;
	}
	return n;
}

CHECK(lab08, trace_no_spin, 1,
      "server trace: poll() reports POLLOUT only for a client with data to send")
{
	const char *p = h_path("s.sock"), *tp = h_path("server.trace");
	struct h_proc srv;
	start_traced_server(&srv, p, tp, "17");
	char why[1200] = "";
	int ok = traced_scenario(p, why, sizeof(why)) == 0;
	struct trace t = {0};
	finish_traced(&srv, tp, &t);
	const char *sum = h_trace_summary(&t, 30);
	size_t polls = 0, idle = 0;
	long first_idle = -1;
	for (size_t i = 0; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || !is_one_of(ev->name, WAITS) ||
		    !ev->has_ret || ev->ret <= 0)
			continue;
		polls++;
		int fds[64];
		size_t n = pollout_fds(ev->ret_text, fds, 64);
		for (size_t k = 0; k < n; k++) {
			/* Before the next wait, a send (or a close) on that fd. */
			int used = 0;
			for (size_t j = i + 1; j < t.n && !used; j++) {
				const struct trace_event *nx = &t.ev[j];
				if (nx->kind != TRACE_CALL)
					continue;
				if (is_one_of(nx->name, WAITS))
					break;
				struct trace_fd f;
				if ((is_one_of(nx->name, SENDS) ||
				     strcmp(nx->name, "close") == 0) &&
				    arg_fd(nx, 0, &f) == 0 && f.fd == fds[k])
					used = 1;
			}
			if (!used) {
				idle++;
				if (first_idle < 0)
					first_idle = (long)i;
			}
		}
	}
	cr_assert(idle == 0, "%zu times poll() reported POLLOUT for a client and "
		  "the server sent nothing on it before waiting again; the first:\n"
		  "  %s\nAsk for POLLOUT only while replies are pending "
		  "(mc_conn_events): a socket with room is always writable, so "
		  "poll() returns at once for it, again and again, and the server "
		  "spins at 100%% CPU (%zu poll() calls returned in this short "
		  "run)", idle, t.ev[first_idle].line, polls);
	cr_assert(ok, "%s\nCalls seen:\n%s", why, sum);
	trace_free(&t);
}
