/* 02-bind-listen-accept.c: graded checks of lab 02, bind, listen, accept.
 *
 * unit_  calls the student's unix_path_address, server_open,
 *        server_serve_one and client_request directly, with the test as
 *        the peer on the other end of a real socket;
 * box_   starts the lab's server and client programs and talks to them,
 *        also with socat as an outside client and as an outside server;
 * trace_ runs the programs under strace and asserts on what the kernel saw.
 *
 * Address length: the trace checks require bind() and connect() to get
 * offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1, not
 * sizeof(struct sockaddr_un) (110). For a pathname the kernel would accept
 * either, but the lab's contract defines the one exact length that
 * unix_path_address() computes, and the trace proves that the programs
 * hand that length on instead of a sizeof; lab 03 reuses the same builder
 * for abstract names, where sizeof is wrong (the seed's flaw 8). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/bind_listen_accept.h"

/* ---- small helpers of this suite ---------------------------------------- */

/* The exact length of the pathname address of path. */
static size_t exact_len(const char *path)
{
	return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

/* Creates a regular file at path holding "keep me". */
static void make_regular(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0 && write_full(fd, "keep me", 7) == 7,
		  "test setup: could not create the regular file %s: %s",
		  path, strerror(errno));
	close(fd);
}

/* Reads a whole small file into buf (NUL-terminated). Returns its length,
 * or -1 when it cannot be read. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read_full(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Bounds every later read on fd, so that a peer that never sends EOF
 * fails the check in seconds instead of hanging it. */
static void set_rcvtimeo(int fd, int seconds)
{
	struct timeval tv = {seconds, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* A test-side client queued on a listener: connects to path and sends
 * len bytes of data (none when data is NULL); then shuts down its sending
 * direction when shut is 1. Returns the connected fd. */
static int queue_client(const char *path, const void *data, size_t len,
			int shut)
{
	int fd = h_connect(path);
	cr_assert(fd >= 0, "test client: connect(%s) failed: %s", path,
		  strerror(errno));
	if (data)
		cr_assert(write_full(fd, data, len) == (ssize_t)len,
			  "test client: write failed: %s", strerror(errno));
	if (shut)
		cr_assert(shutdown(fd, SHUT_WR) == 0,
			  "test client: shutdown failed: %s", strerror(errno));
	set_rcvtimeo(fd, 3);
	return fd;
}

/* Reads everything a test-side client receives until EOF into *out
 * (malloc'ed). Returns 0, or -1 with errno (EAGAIN: no EOF in 3 s). */
static int read_reply(int fd, char **out, size_t *len)
{
	return read_all(fd, 65536, out, len);
}

/* One correct exchange as a test-side client, for the server checks that
 * must not depend on the student's client. Returns 0 when the exact reply
 * came back, or -1 with a sentence in why. */
static int raw_exchange(const char *path, char *why, size_t cap)
{
	int fd = h_connect(path);
	if (fd < 0) {
		snprintf(why, cap, "connect(%s): %s", path, errno_name(errno));
		return -1;
	}
	set_rcvtimeo(fd, 3);
	char *rep = NULL;
	size_t n = 0;
	int r = -1;
	if (write_full(fd, BLA_REQUEST, BLA_REQUEST_LEN) < 0 ||
	    shutdown(fd, SHUT_WR) < 0 || read_reply(fd, &rep, &n) < 0)
		snprintf(why, cap, "the exchange failed with %s",
			 errno_name(errno));
	else if (n != BLA_REPLY_LEN || memcmp(rep, BLA_REPLY, n) != 0)
		snprintf(why, cap, "the reply was %zu bytes \"%.*s\", not "
			 "\"" BLA_REPLY "\"", n, (int)(n > 60 ? 60 : n), rep);
	else
		r = 0;
	free(rep);
	close(fd);
	return r;
}

/* ---- a test-side server, for the checks of the student's client --------- */

enum { PEER_OK = 0, PEER_NO_CLIENT = 3, PEER_NO_EOF = 4, PEER_ERROR = 5 };

/* Listens at path (before returning, so the client cannot come too early)
 * and forks a child that accepts one client, reads its request until EOF,
 * saves the request in the file record and sends BLA_REPLY. The child's
 * exit status says how it went (PEER_*); it never asserts. */
static pid_t peer_start(const char *path, const char *record)
{
	int lfd = h_listen(path, 5);
	cr_assert(lfd >= 0, "test server: listen at %s failed: %s", path,
		  strerror(errno));
	pid_t pid = fork();
	cr_assert(pid >= 0, "test server: fork failed: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(6);
		set_rcvtimeo(lfd, 3); /* accept() honours it too */
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(PEER_NO_CLIENT);
		set_rcvtimeo(fd, 2);
		char *req = NULL;
		size_t n = 0;
		if (read_all(fd, 65536, &req, &n) < 0)
			_exit(errno == EAGAIN ? PEER_NO_EOF : PEER_ERROR);
		int out = open(record, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (out < 0 || write_full(out, req, n) != (ssize_t)n)
			_exit(PEER_ERROR);
		close(out);
		if (write_full(fd, BLA_REPLY, BLA_REPLY_LEN) < 0)
			_exit(PEER_ERROR);
		close(fd);
		_exit(PEER_OK);
	}
	close(lfd);
	return pid;
}

/* Waits up to timeout_s for the test server to end (pidfd + poll, no
 * sleeping), kills it if it does not, and returns its PEER_* status, or
 * -1 when it had to be killed. */
static int peer_finish(pid_t pid, double timeout_s)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		poll(&p, 1, (int)(timeout_s * 1000));
		close(pfd);
	}
	int st;
	if (waitpid(pid, &st, WNOHANG) == pid)
		return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* What a PEER_* status means, for messages. */
static const char *peer_story(int st)
{
	switch (st) {
	case PEER_OK:
		return "the test server got a request and replied";
	case PEER_NO_CLIENT:
		return "no client connected to the test server within 3 s";
	case PEER_NO_EOF:
		return "the test server waited 2 s for the end of the request "
		       "(EOF) and gave up: after writing, the client must "
		       "shutdown(fd, SHUT_WR)";
	case PEER_ERROR:
		return "the test server's read or write failed";
	default:
		return "the test server was still waiting for a client and was "
		       "stopped";
	}
}

/* ---- helpers for the programs --------------------------------------------- */

/* Waits until p listens at path, or fails the check saying why (the
 * harness's sentence names how the program ended and quotes its stderr). */
static void wait_listening(struct h_proc *p, const char *path)
{
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) == 0)
		return;
	cr_assert_fail("expected %s to listen at %s: %s", p->name, path, why);
}

/* Runs the lab's client on path with msg (NULL: its default message). */
static void run_client(const char *path, const char *msg, struct h_result *r)
{
	const char *argv[] = {h_bin("client"), path, msg, NULL};
	int rc = h_run(argv, NULL, 0, 3.0, r);
	cr_assert(rc == 0, "could not start %s: %s", argv[0], strerror(errno));
}

/* Fails with the client's story, and the server's, when the client did
 * not print the exact reply with exit status 0. */
static void expect_reply(const struct h_result *r, struct h_proc *server,
			 const char *context)
{
	int ok = WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0 &&
		 strcmp(r->out, BLA_REPLY "\n") == 0;
	if (ok)
		return;
	char d[96] = "no server";
	char *serr = NULL;
	if (server) {
		h_wait_exit(server, 0.5);
		h_describe(server, d, sizeof(d));
		serr = h_output(server, 2);
	}
	cr_assert_fail("%s: the client %s and printed \"%.80s\"; expected "
		       "exit status 0 and \"" BLA_REPLY "\". Client stderr: "
		       "%.300s. Server: %s, stderr: %.300s", context, r->what,
		       h_one_line(r->out), h_one_line(r->err), d, h_one_line(serr));
}

/* ---- helpers for traces ---------------------------------------------------- */

/* The fd number of a call's first argument, or -1. */
static int call_fd(const struct trace_event *ev)
{
	char buf[256];
	struct trace_fd f;
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0 ||
	    trace_parse_fd(buf, &f) < 0)
		return -1;
	return f.fd;
}

/* 1 when argument i of ev is a sockaddr naming path. */
static int arg_names(const struct trace_event *ev, int i, const char *path)
{
	char buf[512], want[300];
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return 0;
	snprintf(want, sizeof(want), "sun_path=\"%s\"", path);
	return strstr(buf, want) != NULL;
}

/* Argument i of ev as a number (-1 when it is not one). */
static long arg_num(const struct trace_event *ev, int i)
{
	char buf[64], *end;
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* 1 when argument i of ev is the quoted string path. */
static int arg_is_string(const struct trace_event *ev, int i, const char *path)
{
	char buf[512], s[512];
	int trunc = 0;
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0 ||
	    trace_unquote(buf, s, sizeof(s), &trunc) < 0)
		return 0;
	return strcmp(s, path) == 0;
}

static int is_one_of(const char *name, const char *const names[])
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

/* The first completed call at index >= from whose name is in names and,
 * when fd >= 0, whose first argument is fd. -1 when there is none. */
static long find_call(const struct trace *t, const char *const names[],
		      int fd, size_t from)
{
	for (size_t i = from; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL || !is_one_of(ev->name, names))
			continue;
		if (fd >= 0 && call_fd(ev) != fd)
			continue;
		return (long)i;
	}
	return -1;
}

/* The first bind() or connect() (per names) at index >= from whose
 * address names path. */
static long find_addr_call(const struct trace *t, const char *name,
			   const char *path, size_t from)
{
	for (long i = trace_find(t, name, from); i >= 0;
	     i = trace_find(t, name, (size_t)i + 1))
		if (arg_names(&t->ev[i], 1, path))
			return i;
	return -1;
}

/* The first unlink of path at index >= from (unlink or unlinkat). */
static long find_unlink(const struct trace *t, const char *path, size_t from)
{
	for (size_t i = from; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL)
			continue;
		if ((strcmp(ev->name, "unlink") == 0 && arg_is_string(ev, 0, path)) ||
		    (strcmp(ev->name, "unlinkat") == 0 && arg_is_string(ev, 1, path)))
			return (long)i;
	}
	return -1;
}

static const char *const WRITES[] = {"write", "send", "sendto", "sendmsg",
				     "writev", NULL};
static const char *const READS[] = {"read", "recv", "recvfrom", "recvmsg",
				    "readv", NULL};
static const char *const ACCEPTS[] = {"accept", "accept4", NULL};
static const char *const LISTENS[] = {"listen", NULL};
static const char *const SHUTDOWNS[] = {"shutdown", NULL};

/* Starts the lab's server traced, with args after PATH, and waits until
 * it listens. */
static void start_traced_server(struct h_proc *p, const char *path,
				const char *trace_path, const char *a1,
				const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = {h_bin("server"), path, a1, a2, a3, a4, NULL};
	cr_assert(h_start_traced(p, argv, NULL, trace_path) == 0,
		  "could not start %s under strace: %s", argv[0],
		  strerror(errno));
	wait_listening(p, path);
}

/* Lets a traced server with --count 1 serve one client and exit, so that
 * strace writes the whole trace; then loads it. */
static void finish_traced_server(struct h_proc *p, const char *path,
				 const char *trace_path, struct trace *t)
{
	char why[256], d[96];
	int ex = raw_exchange(path, why, sizeof(why));
	int waited = h_wait_exit(p, 5.0);
	cr_assert(trace_load(trace_path, t) == 0, "could not read the trace "
		  "%s: %s", trace_path, strerror(errno));
	cr_assert(ex == 0, "the traced server did not serve a test client: "
		  "%s. Server calls seen:\n%s", why, h_trace_summary(t, 30));
	cr_assert(waited == 0, "the traced server, started with --count 1, "
		  "served one client but did not exit (it %s)",
		  h_describe(p, d, sizeof(d)));
}

/* ---- unit checks: unix_path_address ----------------------------------------- */

CHECK(lab02, unit_address_exact, 1,
      "unix_path_address: exact length, and a 107-byte path fits")
{
	const char *paths[] = {h_path("s.sock"), h_path_of_len(107)};
	for (size_t k = 0; k < 2; k++) {
		const char *p = paths[k];
		struct sockaddr_un a;
		socklen_t len = 12345;
		memset(&a, 0xA5, sizeof(a));
		int r = unix_path_address(p, &a, &len);
		int e = errno;
		char what[96];
		snprintf(what, sizeof(what), "unix_path_address(a %zu-byte path)",
			 strlen(p));
		check_ok(r, e, what);
		cr_assert(a.sun_family == AF_UNIX, "%s: sun_family is %d; "
			  "expected AF_UNIX (%d)", what, a.sun_family, AF_UNIX);
		cr_assert(len == exact_len(p), "%s set *len = %u; expected "
			  "offsetof(sun_path) + strlen + 1 = 2 + %zu + 1 = %zu "
			  "(the zero counted, nothing more)", what,
			  (unsigned)len, strlen(p), exact_len(p));
		cr_assert(memcmp(a.sun_path, p, strlen(p) + 1) == 0,
			  "%s: sun_path does not hold the path followed by its "
			  "terminating zero", what);
	}
}

CHECK(lab02, unit_address_too_long, 2,
      "unix_path_address: 108+ bytes is ENAMETOOLONG, never truncated")
{
	size_t lens[] = {108, 109, 200};
	for (size_t k = 0; k < 3; k++) {
		const char *p = h_path_of_len(lens[k]);
		struct sockaddr_un a, before;
		socklen_t len = 12345;
		memset(&a, 0xA5, sizeof(a));
		before = a;
		int r = unix_path_address(p, &a, &len);
		int e = errno;
		char what[128];
		snprintf(what, sizeof(what), "unix_path_address(a %zu-byte "
			 "path; sun_path holds 108 bytes with the zero)",
			 lens[k]);
		check_errno(r, e, ENAMETOOLONG, what);
		cr_assert(memcmp(&a, &before, sizeof(a)) == 0 && len == 12345,
			  "%s failed but wrote into the address or its length: "
			  "on failure leave both untouched (no truncated copy)",
			  what);
	}
	struct sockaddr_un a;
	socklen_t len;
	int r = unix_path_address("", &a, &len);
	int e = errno;
	check_errno(r, e, EINVAL, "unix_path_address(\"\") (an empty path "
		    "names nothing)");
}

/* ---- unit checks: server_open -------------------------------------------------- */

/* Asserts that fd is a listening stream socket bound to path. */
static void expect_listening(int fd, const char *path, const char *what)
{
	int v = 0;
	socklen_t vl = sizeof(v);
	cr_assert(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 &&
		  v == SOCK_STREAM, "%s returned fd %d, which is not a "
		  "SOCK_STREAM socket", what, fd);
	vl = sizeof(v);
	cr_assert(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 &&
		  v == 1, "%s returned fd %d, which is not listening "
		  "(SO_ACCEPTCONN is 0): did you call listen()?", what, fd);
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	cr_assert(getsockname(fd, (struct sockaddr *)&a, &al) == 0 &&
		  al > offsetof(struct sockaddr_un, sun_path) &&
		  strcmp(a.sun_path, path) == 0, "%s returned fd %d, which is "
		  "not bound to %s", what, fd, path);
	int c = h_connect(path);
	cr_assert(c >= 0, "%s: a client's connect(%s) then failed with %s",
		  what, path, errno_name(errno));
	close(c);
}

CHECK(lab02, unit_open_fresh, 1,
      "server_open: binds and listens at a fresh path")
{
	const char *p = h_path("s.sock");
	int fd = server_open(p, 5);
	int e = errno;
	check_ok(fd, e, "server_open(fresh path, 5)");
	expect_listening(fd, p, "server_open(fresh path, 5)");
	struct stat st;
	cr_assert(lstat(p, &st) == 0 && S_ISSOCK(st.st_mode),
		  "after server_open there is no socket file at %s", p);
	close(fd);
}

CHECK(lab02, unit_open_too_long, 1,
      "server_open: a 108-byte path is ENAMETOOLONG, no file is created")
{
	const char *p = h_path_of_len(108);
	int fd = server_open(p, 5);
	int e = errno;
	check_errno(fd, e, ENAMETOOLONG, "server_open(a 108-byte path)");
	char cut[128];
	snprintf(cut, sizeof(cut), "%.107s", p);
	struct stat st;
	cr_assert(lstat(cut, &st) == -1 && lstat(p, &st) == -1,
		  "server_open(a 108-byte path) failed but a file was created "
		  "at the path or at its first 107 bytes: validate before "
		  "bind()");
}

CHECK(lab02, unit_open_stale, 1,
      "server_open: replaces a stale socket file (nobody listening)")
{
	const char *p = h_path("s.sock");
	check_make_stale(p);
	int fd = server_open(p, 5);
	int e = errno;
	check_ok(fd, e, "server_open over a stale socket file (bind gives "
		 "EADDRINUSE; a probe connect gives ECONNREFUSED, so unlink "
		 "and bind again)");
	expect_listening(fd, p, "server_open over a stale socket file");
	close(fd);
}

/* A test-side live server at path whose backlog is full: a listener with
 * backlog 0 that never accepts, filled with non-blocking connects until
 * EAGAIN (the kernel admits backlog + 1). The queued clients go to q[],
 * their count to *n. Returns the listener. */
static int full_listener(const char *path, int q[], int cap, int *n)
{
	int lfd = h_listen(path, 0);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", path, strerror(errno));
	struct sockaddr_un a;
	int len = h_sockaddr(path, &a);
	*n = 0;
	for (;;) {
		int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		cr_assert(c >= 0, "test setup: socket: %s", strerror(errno));
		if (connect(c, (struct sockaddr *)&a, (socklen_t)len) == -1) {
			int e = errno;
			close(c);
			cr_assert(e == EAGAIN, "test setup: filling the backlog of "
				  "%s: connect gave %s, not EAGAIN", path,
				  errno_name(e));
			return lfd;
		}
		cr_assert(*n < cap, "test setup: the backlog of %s never filled",
			  path);
		q[(*n)++] = c;
	}
}

/* A watchdog for a call that a wrong implementation would block in,
 * waiting for a listener to accept: after delay_ms, unless stopped first,
 * it accepts (and closes) every connection queued on the listener until
 * it is stopped, so that the blocked connect() gets in and the check can
 * fail with a sentence instead of hanging. */
struct accept_watchdog {
	pthread_t th;
	int efd, lfd, delay_ms;
	int fired;
};

static void *accept_watchdog_main(void *arg)
{
	struct accept_watchdog *w = arg;
	struct pollfd stop = {.fd = w->efd, .events = POLLIN};
	if (poll(&stop, 1, w->delay_ms) != 0)
		return NULL;
	w->fired = 1;
	for (;;) {
		struct pollfd p[2] = {{.fd = w->lfd, .events = POLLIN},
				      {.fd = w->efd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 || p[1].revents)
			return NULL;
		int c = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c >= 0)
			close(c);
	}
}

static void accept_watchdog_start(struct accept_watchdog *w, int lfd,
				  int delay_ms)
{
	memset(w, 0, sizeof(*w));
	w->lfd = lfd;
	w->delay_ms = delay_ms;
	w->efd = eventfd(0, EFD_CLOEXEC);
	cr_assert(w->efd >= 0 &&
		  pthread_create(&w->th, NULL, accept_watchdog_main, w) == 0,
		  "test setup: could not start the watchdog thread");
}

/* Stops the watchdog; returns 1 when it had to accept. */
static int accept_watchdog_stop(struct accept_watchdog *w)
{
	uint64_t one = 1;
	if (write(w->efd, &one, sizeof(one)) < 0)
		perror("eventfd");
	pthread_join(w->th, NULL);
	close(w->efd);
	return w->fired;
}

CHECK(lab02, unit_open_live, 2,
      "server_open: EADDRINUSE over a live server, even a busy one, whose name is kept")
{
	const char *p = h_path("s.sock");
	int live = h_listen(p, 5);
	cr_assert(live >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	struct stat st0, st1;
	cr_assert(lstat(p, &st0) == 0, "test setup: no file at %s", p);

	int fd = server_open(p, 5);
	int e = errno;
	if (fd >= 0)
		close(fd);
	check_errno(fd, e, EADDRINUSE, "server_open where another server "
		    "listens (its probe connect succeeds: the name is taken)");
	cr_assert(lstat(p, &st1) == 0 && st1.st_ino == st0.st_ino,
		  "server_open failed as it should, but the live server's "
		  "socket file %s was %s: never unlink a name that answers "
		  "connect()", p, lstat(p, &st1) == 0 ? "replaced" : "removed");
	int c = h_connect(p);
	cr_assert(c >= 0, "after server_open, connect to the live server at %s "
		  "failed with %s", p, errno_name(errno));
	close(c);
	close(live);

	/* A live server that is busy: its backlog is full. A blocking probe
	 * connect() would wait there until that server accepts; a
	 * non-blocking one hears EAGAIN at once, which also means "somebody
	 * listens". The watchdog lets a blocked probe in after 1 s. */
	const char *busy = h_path("busy.sock");
	int q[16], nq = 0;
	live = full_listener(busy, q, 16, &nq);
	cr_assert(lstat(busy, &st0) == 0, "test setup: no file at %s", busy);
	struct accept_watchdog w;
	accept_watchdog_start(&w, live, 1000);
	int64_t t0 = mono_ns();
	fd = server_open(busy, 5);
	e = errno;
	double took = (double)(mono_ns() - t0) / 1e9;
	int fired = accept_watchdog_stop(&w);
	if (fd >= 0)
		close(fd);
	cr_assert(!fired, "server_open where a live server's backlog is full "
		  "returned %s only after %.2f s, once the test accepted a queued "
		  "connection: its probe connect() blocked, waiting for that "
		  "server to accept. The probe must not block: make it "
		  "non-blocking (SOCK_NONBLOCK), and take its EAGAIN as \"somebody "
		  "listens\"", fd >= 0 ? "a descriptor" : errno_name(e), took);
	check_errno(fd, e, EADDRINUSE, "server_open where another server "
		    "listens with a full backlog (a non-blocking probe connect "
		    "gets EAGAIN: the name is taken)");
	cr_assert(lstat(busy, &st1) == 0 && st1.st_ino == st0.st_ino,
		  "server_open failed as it should, but the busy live server's "
		  "socket file %s was %s: EAGAIN from the probe means a server "
		  "listens there", busy, lstat(busy, &st1) == 0 ? "replaced" :
		  "removed");
	for (int i = 0; i < nq; i++)
		close(q[i]);
	close(live);
}

CHECK(lab02, unit_open_regular_file, 1,
      "server_open: never removes a file that is not a socket")
{
	const char *p = h_path("data.txt");
	make_regular(p);
	int fd = server_open(p, 5);
	int e = errno;
	if (fd >= 0)
		close(fd);
	check_errno(fd, e, EADDRINUSE, "server_open over a regular file "
		    "(connect() says ECONNREFUSED about it too, so check the "
		    "file type with lstat() before unlinking)");
	char buf[32];
	cr_assert(slurp(p, buf, sizeof(buf)) == 7 && strcmp(buf, "keep me") == 0,
		  "server_open failed as it should, but the regular file %s was "
		  "removed or changed", p);
}

CHECK(lab02, unit_open_backlog, 1,
      "server_open: passes the backlog to listen()")
{
	const char *p = h_path("s.sock");
	int fd = server_open(p, 2);
	int e = errno;
	check_ok(fd, e, "server_open(path, 2)");
	/* Linux admits backlog + 1 connections that wait for accept(); the
	 * next non-blocking connect() gets EAGAIN. */
	struct sockaddr_un a;
	int len = h_sockaddr(p, &a);
	int fds[40], n = 0, err = 0;
	while (n < 40) {
		int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		cr_assert(c >= 0, "test client: socket: %s", strerror(errno));
		if (connect(c, (struct sockaddr *)&a, (socklen_t)len) == -1) {
			err = errno;
			close(c);
			break;
		}
		fds[n++] = c;
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(fd);
	cr_assert(err == EAGAIN, "with server_open(path, 2), non-blocking "
		  "connect #%d failed with %s; expected EAGAIN once the queue "
		  "is full", n + 1, err ? errno_name(err) : "nothing");
	cr_assert(n == 3, "with server_open(path, 2) the kernel admitted %d "
		  "waiting connections before EAGAIN; with listen(fd, 2) it "
		  "admits backlog + 1 = 3, so listen() got a backlog of %d, "
		  "not 2", n, n - 1);
}

/* ---- unit checks: server_serve_one ------------------------------------------- */

CHECK(lab02, unit_serve_one, 1,
      "server_serve_one: reads the request to EOF, replies, closes")
{
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	int c = queue_client(p, BLA_REQUEST, BLA_REQUEST_LEN, 1);

	char req[BLA_REQUEST_MAX];
	ssize_t n = server_serve_one(lfd, req, sizeof(req));
	int e = errno;
	check_ok(n, e, "server_serve_one with a client that sent the request "
		 "and shut down its side");
	cr_assert(n == (ssize_t)BLA_REQUEST_LEN &&
		  memcmp(req, BLA_REQUEST, BLA_REQUEST_LEN) == 0,
		  "server_serve_one returned %zd; expected the request's length "
		  "%zu with the request's bytes in the buffer", n,
		  BLA_REQUEST_LEN);
	char *rep = NULL;
	size_t rl = 0;
	int r = read_reply(c, &rep, &rl);
	e = errno;
	cr_assert(r == 0, "the client got no EOF after the reply (%s): "
		  "server_serve_one must close the client's connection",
		  errno_name(e));
	cr_assert(rl == BLA_REPLY_LEN && memcmp(rep, BLA_REPLY, rl) == 0,
		  "the client received %zu bytes \"%.*s\"; expected exactly the "
		  "%zu bytes \"" BLA_REPLY "\" (no padding, no zero)", rl,
		  (int)(rl > 60 ? 60 : rl), rep, BLA_REPLY_LEN);
	free(rep);
	close(c);
	close(lfd);
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

CHECK(lab02, unit_serve_one_leavers, 1,
      "server_serve_one: a client that left is an error, not SIGPIPE")
{
	struct sigaction sa = {.sa_handler = on_sigpipe};
	sigaction(SIGPIPE, &sa, NULL);
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	/* One leaves at once; one leaves after its request, before the reply;
	 * then a patient one. */
	close(queue_client(p, NULL, 0, 0));
	close(queue_client(p, BLA_REQUEST, BLA_REQUEST_LEN, 0));
	int c = queue_client(p, BLA_REQUEST, BLA_REQUEST_LEN, 1);

	const char *who[] = {"a client that connected and left without a "
			     "request", "a client that sent its request and "
			     "left before the reply"};
	char req[BLA_REQUEST_MAX];
	for (int k = 0; k < 2; k++) {
		ssize_t n = server_serve_one(lfd, req, sizeof(req));
		int e = errno;
		cr_assert(sigpipes == 0, "server_serve_one raised SIGPIPE with "
			  "%s (a real server would die of it): send the reply "
			  "with send(..., MSG_NOSIGNAL), e.g. write_full()",
			  who[k]);
		cr_assert(n == -1 && (e == EPIPE || e == ECONNRESET),
			  "server_serve_one with %s returned %zd%s%s; expected -1 "
			  "with EPIPE (the reply has nobody to go to)", who[k], n,
			  n == -1 ? " with errno " : "",
			  n == -1 ? errno_name(e) : "");
	}
	ssize_t n = server_serve_one(lfd, req, sizeof(req));
	int e = errno;
	check_ok(n, e, "server_serve_one, called again for the next client "
		 "after two clients that left");
	char *rep = NULL;
	size_t rl = 0;
	cr_assert(read_reply(c, &rep, &rl) == 0 && rl == BLA_REPLY_LEN &&
		  memcmp(rep, BLA_REPLY, rl) == 0, "the client after the two "
		  "leavers did not get the exact reply and EOF");
	free(rep);
	close(c);
	close(lfd);
}

CHECK(lab02, unit_serve_one_cap, 1,
      "server_serve_one: 4096 bytes served, 4097 is EMSGSIZE")
{
	const char *p = h_path("s.sock");
	int lfd = h_listen(p, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	static char big[BLA_REQUEST_MAX + 1];
	memset(big, 'x', sizeof(big));
	int c1 = queue_client(p, big, BLA_REQUEST_MAX + 1, 1);
	int c2 = queue_client(p, big, BLA_REQUEST_MAX, 1);

	static char req[BLA_REQUEST_MAX];
	ssize_t n = server_serve_one(lfd, req, sizeof(req));
	int e = errno;
	check_errno(n, e, EMSGSIZE, "server_serve_one with a request of 4097 "
		    "bytes and a buffer of 4096");
	char *rep = NULL;
	size_t rl = 0;
	int r = read_reply(c1, &rep, &rl);
	cr_assert((r == 0 && rl == 0) || (r == -1 && errno == ECONNRESET),
		  "the client whose request was too long got %s; expected the "
		  "connection closed without a reply", r == 0 ? "a reply" :
		  "no EOF in 3 s");
	free(rep);

	n = server_serve_one(lfd, req, sizeof(req));
	e = errno;
	check_ok(n, e, "server_serve_one with a request of exactly 4096 bytes "
		 "(the cap itself fits)");
	cr_assert(n == BLA_REQUEST_MAX, "server_serve_one returned %zd for a "
		  "4096-byte request", n);
	rep = NULL;
	cr_assert(read_reply(c2, &rep, &rl) == 0 && rl == BLA_REPLY_LEN,
		  "the client with a 4096-byte request got no reply");
	free(rep);
	close(c1);
	close(c2);
	close(lfd);
}

/* ---- unit checks: client_request ---------------------------------------------- */

CHECK(lab02, unit_client_request, 1,
      "client_request: sends the exact request, returns the reply")
{
	const char *p = h_path("s.sock");
	const char *rec = h_path("request.bin");
	pid_t peer = peer_start(p, rec);
	char reply[256];
	memset(reply, 0, sizeof(reply));
	ssize_t n = client_request(p, BLA_REQUEST, BLA_REQUEST_LEN, reply,
				   sizeof(reply));
	int e = errno;
	/* After a failure the test server's story is not needed: stop it
	 * at once instead of letting it wait for a client. */
	int st = peer_finish(peer, n == -1 ? 0 : 3.0);
	check_ok(n, e, "client_request to a listening test server");
	cr_assert(st == PEER_OK, "client_request returned %zd, but %s", n,
		  peer_story(st));
	static char got[8192];
	ssize_t gl = slurp(rec, got, sizeof(got));
	cr_assert(gl == (ssize_t)BLA_REQUEST_LEN &&
		  memcmp(got, BLA_REQUEST, BLA_REQUEST_LEN) == 0,
		  "the server received %zd bytes; expected exactly the %zu bytes "
		  "of \"" BLA_REQUEST "\" (no zero padding, no terminating zero)",
		  gl, BLA_REQUEST_LEN);
	cr_assert(n == (ssize_t)BLA_REPLY_LEN &&
		  memcmp(reply, BLA_REPLY, BLA_REPLY_LEN) == 0,
		  "client_request returned %zd with \"%.*s\"; expected %zu and "
		  "\"" BLA_REPLY "\"", n, (int)(n > 0 && n < 60 ? n : 0), reply,
		  BLA_REPLY_LEN);
}

CHECK(lab02, unit_client_errors, 1,
      "client_request: ENOENT (no file) vs ECONNREFUSED (nobody listens), no fd leaked")
{
	char reply[64];
	const char *none = h_path("nothing.sock");
	const char *stale = h_path("stale.sock");
	check_make_stale(stale);
	const char *reg = h_path("data.txt");
	make_regular(reg);
	/* Counted around the failing calls: each must close its socket. */
	int before = check_count_fds();
	ssize_t n = client_request(none, "x", 1, reply, sizeof(reply));
	int e = errno;
	check_errno(n, e, ENOENT, "client_request to a path with no file");

	n = client_request(stale, "x", 1, reply, sizeof(reply));
	e = errno;
	check_errno(n, e, ECONNREFUSED, "client_request to a stale socket file "
		    "(the file exists, nobody listens)");

	n = client_request(reg, "x", 1, reply, sizeof(reply));
	e = errno;
	check_errno(n, e, ECONNREFUSED, "client_request to a regular file");

	n = client_request(h_path_of_len(108), "x", 1, reply, sizeof(reply));
	e = errno;
	check_errno(n, e, ENAMETOOLONG, "client_request to a 108-byte path");

	int after = check_count_fds();
	cr_assert(after == before, "client_request failed 4 times and left %d "
		  "descriptor(s) open: when connect() fails, close the socket "
		  "before returning -1 (save errno, close, restore errno)",
		  after - before);
}

/* ---- black-box checks ------------------------------------------------------------- */

CHECK(lab02, box_exchange, 1,
      "server and client exchange the seed's two messages")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);
	struct h_result r;
	run_client(p, NULL, &r);
	expect_reply(&r, &sp, "client PATH against server PATH");
	h_result_free(&r);
}

CHECK(lab02, box_survives_leavers, 1,
      "the server survives clients that leave early, and serves the next")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);
	/* The server may die while the early leavers are still being made:
	 * a refused connect() then says why, with the server's end. */
	const char *after[] = {"it started listening",
			       "a client that connected and left at once"};
	for (int k = 0; k < 2; k++) {
		int fd = h_connect(p);
		if (fd < 0) {
			int err = errno;
			char d[96];
			h_wait_exit(&sp, 0.5);
			char *serr = h_output(&sp, 2);
			cr_assert_fail("test client: connect() got %s after %s: the server "
				       "%s (it must not die of SIGPIPE nor stop accepting); "
				       "server stderr: %.300s", errno_name(err), after[k],
				       h_describe(&sp, d, sizeof(d)), h_one_line(serr));
		}
		if (k == 1)
			cr_assert(write_full(fd, BLA_REQUEST, BLA_REQUEST_LEN) ==
				  (ssize_t)BLA_REQUEST_LEN, "test client: write failed: %s",
				  strerror(errno));
		close(fd);
	}
	struct h_result r;
	run_client(p, NULL, &r);
	expect_reply(&r, &sp, "after a client that connected and left, and "
		     "one that left before the reply (the server must not die "
		     "of SIGPIPE nor stop accepting)");
	h_result_free(&r);
	run_client(p, NULL, &r);
	expect_reply(&r, &sp, "the next client after that");
	h_result_free(&r);
}

CHECK(lab02, box_several_clients, 1,
      "server --count 3 serves three clients in a row, then exits 0")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, "--count", "3", NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);
	const char *msgs[] = {NULL, "second", "third one"};
	for (int k = 0; k < 3; k++) {
		struct h_result r;
		char ctx[64];
		run_client(p, msgs[k], &r);
		snprintf(ctx, sizeof(ctx), "client %d of 3", k + 1);
		expect_reply(&r, &sp, ctx);
		h_result_free(&r);
	}
	char d[96];
	cr_assert(h_wait_exit(&sp, 3.0) == 0 && WIFEXITED(sp.status) &&
		  WEXITSTATUS(sp.status) == 0, "server --count 3 served three "
		  "clients; expected it to exit with status 0, but it %s",
		  h_describe(&sp, d, sizeof(d)));
	char *out = h_output(&sp, 1);
	cr_assert(strstr(out, "(23 bytes)") && strstr(out, "(6 bytes)") &&
		  strstr(out, "(9 bytes)"), "the server's report does not show "
		  "requests of 23, 6 and 9 bytes (server_serve_one returns the "
		  "request's length); its stdout:\n%.600s", out);
	free(out);
}

CHECK(lab02, box_socat_client, 1,
      "the server answers socat, an outside client")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, "--count", "1", NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);
	char addr[200];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s", p);
	/* socat sends its stdin, shuts down its sending side at EOF, and
	 * prints what comes back until the server closes. */
	const char *sargv[] = {"/usr/bin/socat", "-t", "5", "-", addr, NULL};
	struct h_result r;
	cr_assert(h_run(sargv, BLA_REQUEST, BLA_REQUEST_LEN, 6.0, &r) == 0,
		  "could not start socat: %s", strerror(errno));
	char d[96];
	h_wait_exit(&sp, 2.0);
	char *serr = h_output(&sp, 2);
	cr_assert(strcmp(r.out, BLA_REPLY) == 0, "`socat -t 5 - %s` fed the "
		  "request got \"%.80s\" (socat %s, stderr: %.200s); expected "
		  "exactly \"" BLA_REPLY "\". Server: %s, stderr: %.300s", addr,
		  h_one_line(r.out), r.what, h_one_line(r.err),
		  h_describe(&sp, d, sizeof(d)), h_one_line(serr));
	free(serr);
	char *out = h_output(&sp, 1);
	cr_assert(strstr(out, "(23 bytes)") != NULL, "the server did not "
		  "report socat's 23-byte request; its stdout:\n%.400s", out);
	free(out);
	h_result_free(&r);
}

CHECK(lab02, box_socat_server, 1,
      "the client talks to socat, an outside server")
{
	const char *p = h_path("s.sock");
	const char *rec = h_path("request.bin");
	const char *rep = h_path("reply.bin");
	int fd = open(rep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0 && write_full(fd, BLA_REPLY, BLA_REPLY_LEN) ==
		  (ssize_t)BLA_REPLY_LEN, "test setup: %s: %s", rep,
		  strerror(errno));
	close(fd);
	char listen_addr[200], cmd[400];
	snprintf(listen_addr, sizeof(listen_addr), "UNIX-LISTEN:%s", p);
	/* The shell saves the request (socat closes its stdin when the client
	 * shuts down its side) and then sends the reply. */
	snprintf(cmd, sizeof(cmd), "SYSTEM:cat > %s; cat %s", rec, rep);
	const char *sargv[] = {"/usr/bin/socat", "-t", "5", listen_addr, cmd,
			       NULL};
	struct h_proc so;
	cr_assert(h_start(&so, sargv, NULL) == 0, "could not start socat: %s",
		  strerror(errno));
	wait_listening(&so, p);
	struct h_result r;
	run_client(p, NULL, &r);
	char d[96];
	/* socat ends after one connection; after a failed client it may
	 * still wait for one, so it is stopped rather than waited for. */
	int client_ok = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	if (!client_ok || h_wait_exit(&so, 3.0) != 0)
		h_stop(&so);
	char *serr = h_output(&so, 2);
	static char got[8192];
	ssize_t gl = slurp(rec, got, sizeof(got));
	cr_assert(client_ok, "client PATH against `socat UNIX-LISTEN:PATH`: the "
		  "client %s, stderr: %.300s. socat received %zd bytes of "
		  "request; socat %s, stderr: %.200s", r.what, h_one_line(r.err),
		  gl > 0 ? gl : 0, h_describe(&so, d, sizeof(d)),
		  h_one_line(serr));
	cr_assert(gl == (ssize_t)BLA_REQUEST_LEN &&
		  memcmp(got, BLA_REQUEST, BLA_REQUEST_LEN) == 0,
		  "socat, listening at %s, received %zd bytes \"%.60s\"; expected "
		  "exactly the %zu bytes of the request, ended by "
		  "shutdown(SHUT_WR). socat %s, stderr: %.200s", p, gl,
		  gl > 0 ? got : "", BLA_REQUEST_LEN,
		  h_describe(&so, d, sizeof(d)), h_one_line(serr));
	free(serr);
	expect_reply(&r, NULL, "client PATH against `socat UNIX-LISTEN:PATH`");
	h_result_free(&r);
}

CHECK(lab02, box_client_errors, 1,
      "client: exit 3 and a clear message for ENOENT, 4 for ECONNREFUSED")
{
	struct {
		const char *path;
		int want;
		const char *what;
	} cases[] = {
		{h_path("nothing.sock"), BLA_CLIENT_EXIT_NOENT,
		 "no file at the path (ENOENT)"},
		{h_path("stale.sock"), BLA_CLIENT_EXIT_REFUSED,
		 "a stale socket file (ECONNREFUSED)"},
		{h_path("data.txt"), BLA_CLIENT_EXIT_REFUSED,
		 "a regular file (ECONNREFUSED)"},
	};
	check_make_stale(cases[1].path);
	make_regular(cases[2].path);
	for (size_t k = 0; k < 3; k++) {
		struct h_result r;
		run_client(cases[k].path, NULL, &r);
		cr_assert(WIFEXITED(r.status) &&
			  WEXITSTATUS(r.status) == cases[k].want &&
			  strstr(r.err, cases[k].path) != NULL,
			  "client on %s: expected exit status %d and a message "
			  "naming the path; it %s, stderr: %.300s", cases[k].what,
			  cases[k].want, r.what, h_one_line(r.err));
		h_result_free(&r);
	}
	struct stat st;
	cr_assert(lstat(cases[1].path, &st) == 0, "the client removed the "
		  "stale socket file: only a server may decide that");
}

/* ---- trace checks ---------------------------------------------------------------- */

CHECK(lab02, trace_server_bind_listen, 2,
      "server trace: bind() gets the exact length, listen() the backlog")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	struct trace t = {0};
	start_traced_server(&sp, p, tp, "--backlog", "7", "--count", "1");
	finish_traced_server(&sp, p, tp, &t);

	long b = find_addr_call(&t, "bind", p, 0);
	cr_assert(b >= 0, "no bind() naming %s in the server's trace; calls "
		  "seen:\n%s", p, h_trace_summary(&t, 30));
	long len = arg_num(&t.ev[b], 2);
	cr_assert(len == (long)exact_len(p), "bind() got addrlen %ld; expected "
		  "offsetof(sun_path) + strlen(path) + 1 = 2 + %zu + 1 = %zu, "
		  "the length unix_path_address() computes: %s", len,
		  strlen(p), exact_len(p), t.ev[b].line);
	int fd = call_fd(&t.ev[b]);
	long l = find_call(&t, LISTENS, fd, (size_t)b + 1);
	cr_assert(l >= 0, "no listen() on the bound socket (fd %d) after "
		  "bind(); calls seen:\n%s", fd, h_trace_summary(&t, 30));
	cr_assert(arg_num(&t.ev[l], 1) == 7, "server --backlog 7 called "
		  "listen() with backlog %ld; expected 7: %s",
		  arg_num(&t.ev[l], 1), t.ev[l].line);
	cr_assert(find_call(&t, ACCEPTS, fd, (size_t)l + 1) >= 0,
		  "no accept() on the listening socket after listen()");
	trace_free(&t);
}

CHECK(lab02, trace_server_eof, 1,
      "server trace: reads the request until EOF before replying")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	struct trace t = {0};
	start_traced_server(&sp, p, tp, "--count", "1", NULL, NULL);
	finish_traced_server(&sp, p, tp, &t);
	const char *sum = h_trace_summary(&t, 30);

	long a = find_call(&t, ACCEPTS, -1, 0);
	cr_assert(a >= 0 && t.ev[a].has_ret && t.ev[a].ret >= 0, "no "
		  "successful accept() in the server's trace; calls seen:\n%s",
		  sum);
	int cfd = (int)t.ev[a].ret;
	long w = find_call(&t, WRITES, cfd, (size_t)a + 1);
	cr_assert(w >= 0, "no write()/send() of the reply on the accepted "
		  "socket (fd %d); calls seen:\n%s", cfd, sum);
	long eof = -1;
	for (long r = find_call(&t, READS, cfd, (size_t)a + 1); r >= 0 && r < w;
	     r = find_call(&t, READS, cfd, (size_t)r + 1))
		if (t.ev[r].has_ret && t.ev[r].ret == 0)
			eof = r;
	cr_assert(eof >= 0, "the server replied before a read() on the client's "
		  "socket returned 0: the request ends at EOF (the client's "
		  "shutdown), and one read() may return only part of it; calls "
		  "seen:\n%s", sum);
	trace_free(&t);
}

CHECK(lab02, trace_server_stale, 1,
      "server trace: over a stale file, probe connect, then unlink, bind")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	check_make_stale(p);
	struct h_proc sp;
	struct trace t = {0};
	start_traced_server(&sp, p, tp, "--count", "1", NULL, NULL);
	finish_traced_server(&sp, p, tp, &t);
	const char *sum = h_trace_summary(&t, 30);

	long b1 = find_addr_call(&t, "bind", p, 0);
	cr_assert(b1 >= 0 && t.ev[b1].err == EADDRINUSE, "the first bind() to "
		  "%s should fail with EADDRINUSE (a stale file is there): "
		  "%s\ncalls seen:\n%s", p, b1 >= 0 ? t.ev[b1].line : "(none)",
		  sum);
	long c = find_addr_call(&t, "connect", p, (size_t)b1 + 1);
	cr_assert(c >= 0 && t.ev[c].err == ECONNREFUSED, "after bind()'s "
		  "EADDRINUSE, expected a probe connect() to %s failing with "
		  "ECONNREFUSED (proof that nobody listens) before anything is "
		  "removed; calls seen:\n%s", p, sum);
	long u = find_unlink(&t, p, 0);
	cr_assert(u > c, "expected unlink(%s) after the probe connect()'s "
		  "ECONNREFUSED%s; calls seen:\n%s", p, u >= 0 && u < c ?
		  ", but it came before the probe (a blind unlink, flaw 7)" : "",
		  sum);
	long b2 = find_addr_call(&t, "bind", p, (size_t)u + 1);
	cr_assert(b2 >= 0 && t.ev[b2].err == 0 && t.ev[b2].has_ret &&
		  t.ev[b2].ret == 0, "expected a successful bind() to %s after "
		  "the unlink; calls seen:\n%s", p, sum);
	cr_assert(find_call(&t, LISTENS, call_fd(&t.ev[b2]), (size_t)b2 + 1) >= 0,
		  "no listen() after the second bind()");
	trace_free(&t);
}

CHECK(lab02, trace_server_live, 1,
      "server trace: a live server's name is probed, never unlinked")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	int live = h_listen(p, 5);
	cr_assert(live >= 0, "test setup: listen at %s: %s", p, strerror(errno));
	struct stat st0, st1;
	cr_assert(lstat(p, &st0) == 0, "test setup: no file at %s", p);

	const char *argv[] = {h_bin("server"), p, NULL};
	struct h_proc sp;
	cr_assert(h_start_traced(&sp, argv, NULL, tp) == 0, "could not start "
		  "%s under strace: %s", argv[0], strerror(errno));
	char d[96];
	/* A correct server gives up at once. One that stole the name goes on
	 * running: notice the replaced file instead of waiting 5 s for it. */
	int waited = -1;
	int64_t deadline = mono_deadline(5.0);
	while (mono_ms_left(deadline) > 0) {
		waited = h_wait_exit(&sp, 0.02);
		if (waited == 0 || lstat(p, &st1) != 0 || st1.st_ino != st0.st_ino)
			break;
	}
	if (waited != 0)
		h_stop(&sp);
	struct trace t = {0};
	cr_assert(trace_load(tp, &t) == 0, "could not read the trace %s: %s",
		  tp, strerror(errno));
	const char *sum = h_trace_summary(&t, 30);
	long u = find_unlink(&t, p, 0);
	cr_assert(u < 0, "the server unlinked %s while another server was "
		  "listening there (it steals the name, flaw 7): %s", p,
		  u >= 0 ? t.ev[u].line : "");
	cr_assert(waited == 0, "a second server at %s, where another one "
		  "listens, should fail with EADDRINUSE and exit; it was still "
		  "running after 5 s. Calls seen:\n%s", p, sum);
	char *err = h_output(&sp, 2);
	cr_assert(WIFEXITED(sp.status) && WEXITSTATUS(sp.status) == 1 &&
		  strstr(err, "Address already in use") != NULL,
		  "a second server at %s should exit with status 1 reporting "
		  "EADDRINUSE; it %s, stderr: %.300s", p,
		  h_describe(&sp, d, sizeof(d)), h_one_line(err));
	free(err);
	cr_assert(find_addr_call(&t, "connect", p, 0) >= 0, "expected a probe "
		  "connect() to %s after bind()'s EADDRINUSE; calls seen:\n%s",
		  p, sum);
	cr_assert(lstat(p, &st1) == 0 && st1.st_ino == st0.st_ino,
		  "the live server's socket file %s was removed or replaced", p);
	trace_free(&t);
	close(live);
}

CHECK(lab02, trace_client_order, 2,
      "client trace: connect, write the request, shutdown(SHUT_WR), read")
{
	const char *p = h_path("s.sock");
	const char *rec = h_path("request.bin");
	pid_t peer = peer_start(p, rec);
	const char *argv[] = {h_bin("client"), p, NULL};
	struct h_result r;
	struct trace t = {0};
	int rc = h_trace(argv, NULL, 0, 8.0, &r, &t);
	int e = errno;
	long c = rc == 0 ? find_addr_call(&t, "connect", p, 0) : -1;
	/* A client that never connected leaves the test server waiting for
	 * one: stop it at once. */
	int st = peer_finish(peer, c >= 0 ? 3.0 : 0);
	cr_assert(rc == 0, "could not run the client under strace: %s",
		  strerror(e));
	const char *sum = h_trace_summary(&t, 30);

	cr_assert(c >= 0 && t.ev[c].has_ret && t.ev[c].ret == 0,
		  "no successful connect() to %s in the client's trace (the "
		  "client %s, stderr: %.200s). Calls seen:\n%s", p, r.what,
		  h_one_line(r.err), sum);
	long len = arg_num(&t.ev[c], 2);
	cr_assert(len == (long)exact_len(p), "connect() got addrlen %ld; "
		  "expected offsetof(sun_path) + strlen(path) + 1 = %zu: %s", len,
		  exact_len(p), t.ev[c].line);
	int fd = call_fd(&t.ev[c]);

	/* Everything written before the shutdown is the request. */
	long sh = find_call(&t, SHUTDOWNS, fd, (size_t)c + 1);
	long sent = 0, first_w = -1;
	size_t end = sh >= 0 ? (size_t)sh : t.n;
	for (long w = find_call(&t, WRITES, fd, (size_t)c + 1);
	     w >= 0 && (size_t)w < end; w = find_call(&t, WRITES, fd, (size_t)w + 1)) {
		if (first_w < 0)
			first_w = w;
		if (t.ev[w].has_ret && t.ev[w].ret > 0)
			sent += t.ev[w].ret;
	}
	cr_assert(first_w >= 0, "no write()/send() on the connected socket "
		  "(fd %d) between connect() and shutdown(); calls seen:\n%s",
		  fd, sum);
	cr_assert(sh >= 0, "no shutdown() on the connected socket after the "
		  "request: the server reads until EOF, so the client must "
		  "shutdown(fd, SHUT_WR). %s. Calls seen:\n%s", peer_story(st),
		  sum);
	char how[64] = "";
	cr_assert(trace_arg(&t.ev[sh], 1, how, sizeof(how)) > 0 &&
		  strcmp(how, "SHUT_WR") == 0, "shutdown() got %s; expected "
		  "SHUT_WR (only the sending side ends: the reply must still "
		  "come in): %s", how, t.ev[sh].line);
	cr_assert(sent == (long)BLA_REQUEST_LEN, "the client wrote %ld bytes "
		  "before shutdown(); expected the request's %zu bytes exactly "
		  "(no zero padding, the seed's flaw 1)", sent, BLA_REQUEST_LEN);
	long rd = find_call(&t, READS, fd, (size_t)sh + 1);
	cr_assert(rd >= 0, "no read()/recv() on the socket after shutdown(): "
		  "the reply is never read; calls seen:\n%s", sum);
	cr_assert(find_call(&t, READS, fd, (size_t)c + 1) == rd,
		  "the client read from the socket before shutdown(): with this "
		  "protocol the server replies only after EOF");
	h_result_free(&r);
	trace_free(&t);
}
