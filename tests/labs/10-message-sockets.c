/* 10-message-sockets.c: graded checks of lab 10, message sockets.
 *
 * unit_  calls the student's msg_open, msg_connect, msg_send, msg_recv,
 *        msg_peek_size, msg_recv_alloc and msg_reply directly, with the
 *        test's own sockets (socketpairs, bound and autobound datagram
 *        sockets) on the other end;
 * box_   starts the lab's msgsrv and msgcli and talks to them with the
 *        test's own correct peers and with socat as an outside peer
 *        (UNIX-SENDTO, ABSTRACT-SENDTO with and without bind=,
 *        ABSTRACT-RECV, UNIX-LISTEN with socktype=5);
 * trace_ runs the programs under strace and asserts on what the kernel
 *        saw: autobind as bind() with length 2, the reply's sendto() with
 *        the address and the length recvfrom()/recvmsg() reported, and
 *        MSG_TRUNC and MSG_PEEK on the receives.
 *
 * The lesson in one line: on SEQPACKET and DGRAM sockets one send is one
 * message and one receive takes exactly one, whole or visibly cut; a
 * datagram is answered at the address it came with, with the length the
 * kernel gave. So every check sends several messages back to back before
 * anything reads, and looks at each one's length.
 *
 * Determinism. Servers are waited for in /proc/net/unix (a listening
 * socket for stream and seqpacket, a bound datagram socket of type 0002
 * for dgram), never with a sleep. Every receive of the test has a
 * deadline (poll), so a reply that never comes fails the check with a
 * message in about a second. When a wrong msg_reply() would block for ever
 * on a full queue, a watchdog thread empties that queue after a deadline
 * and the check says the call blocked. The full-queue checks read
 * net.unix.max_dgram_qlen instead of assuming its default (10). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/message_sockets.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

/* ---- small things ------------------------------------------------------------ */

/* Fills n bytes with a pattern that differs from message to message. */
static void pattern(char *buf, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)seed * 3) % 26);
}

/* The name of a socket type, for messages. */
static const char *tname(int type)
{
	return type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" :
	       type == SOCK_DGRAM ? "SOCK_DGRAM" :
	       type == SOCK_STREAM ? "SOCK_STREAM" : "another type";
}

/* SO_TYPE of fd, or -1. */
static int so_type(int fd)
{
	int t = -1;
	socklen_t l = sizeof(t);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l) == -1)
		return -1;
	return t;
}

/* 1 when text is '@' and five lowercase hex digits: an autobound name. */
static int is_autobind_text(const char *text)
{
	if (strlen(text) != 6 || text[0] != '@')
		return 0;
	for (int i = 1; i < 6; i++)
		if (!strchr("0123456789abcdef", text[i]))
			return 0;
	return 1;
}

/* The text of (a, len) as /proc/net/unix shows it, built here
 * independently of the student's code; "" for an unnamed socket. */
static const char *addr_text(const struct sockaddr_un *a, socklen_t len,
			     char *buf, size_t cap)
{
	size_t j = 0;
	if (len > sizeof(*a))
		len = sizeof(*a);
	if (len > SUN_OFF) {
		size_t room = len - SUN_OFF;
		if (a->sun_path[0] != '\0')
			room = strnlen(a->sun_path, room);
		for (size_t i = 0; i < room && j + 1 < cap; i++)
			buf[j++] = a->sun_path[i] || a->sun_path[0] ? a->sun_path[i]
								   : '@';
	}
	buf[j] = '\0';
	return buf;
}

/* A socket's own name (getsockname), as text, and its length. */
static socklen_t own_name(int fd, char *buf, size_t cap)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0,
		  "test setup: getsockname: %s", strerror(errno));
	addr_text(&a, len, buf, cap);
	return len;
}

/* net.unix.max_dgram_qlen: how many datagrams wait on an unconnected
 * receiver before senders get EAGAIN (the queue takes one more). */
static long max_dgram_qlen(void)
{
	long v = 10;
	FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 10;
		fclose(f);
	}
	return v;
}

/* ---- test-side sockets ----------------------------------------------------------- */

/* A socket of the test, of type, bound to addr: "/path", "@name", "@"
 * (autobind: the family alone, length 2), or NULL (not bound). */
static int t_socket(int type, const char *addr)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0, "test setup: socket: %s", strerror(errno));
	if (addr == NULL)
		return fd;
	struct sockaddr_un a;
	int len;
	if (strcmp(addr, "@") == 0) {
		memset(&a, 0, sizeof(a));
		a.sun_family = AF_UNIX;
		len = (int)sizeof(sa_family_t);
	} else {
		len = h_sockaddr(addr, &a);
	}
	cr_assert(len > 0 && bind(fd, (struct sockaddr *)&a, (socklen_t)len) == 0,
		  "test setup: bind %s: %s", addr, strerror(errno));
	return fd;
}

/* The test's sendto() of n bytes to addr ("/path" or "@name"). */
static void t_sendto(int fd, const void *buf, size_t n, const char *addr)
{
	struct sockaddr_un a;
	int len = h_sockaddr(addr, &a);
	ssize_t r = sendto(fd, buf, n, MSG_NOSIGNAL, (struct sockaddr *)&a,
			   (socklen_t)len);
	cr_assert(r == (ssize_t)n, "test setup: sendto %s (%zu bytes): %s", addr,
		  n, r < 0 ? strerror(errno) : "short");
}

/* The test's connect() to addr. Returns 0, or -1 with errno. */
static int t_connect(int fd, const char *addr)
{
	struct sockaddr_un a;
	int len = h_sockaddr(addr, &a);
	return connect(fd, (struct sockaddr *)&a, (socklen_t)len);
}

/* Why a correct client's connect() to msgsrv failed, in the lesson's
 * terms. */
static const char *connect_story(int err)
{
	if (err == EPROTOTYPE)
		return "EPROTOTYPE: the socket at that path is of another type "
		       "(in msg_open(), the type must go to socket())";
	if (err == ECONNREFUSED)
		return "ECONNREFUSED: no socket of this type holds that name, and "
		       "one of another type does not count (in msg_open(), the "
		       "type must go to socket())";
	return errno_name(err);
}

/* Receives one message within ms milliseconds, with MSG_TRUNC (the real
 * length is returned). -1 with ETIMEDOUT when nothing came, -1 with errno
 * on an error. *from gets the sender's address text when not NULL. */
static ssize_t t_recv(int fd, void *buf, size_t cap, int ms, char *from,
		      size_t fcap)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int64_t deadline = mono_deadline(ms / 1000.0);
	for (;;) {
		int left = (int)mono_ms_left(deadline);
		int r = poll(&p, 1, left);
		if (r == 1)
			break;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	ssize_t n = recvfrom(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT,
			     (struct sockaddr *)&a, &len);
	if (from)
		addr_text(&a, len, from, fcap);
	return n;
}

/* ---- the lab's programs ------------------------------------------------------------- */

/* How a started program is doing, with the end of its log (stdout) and
 * of its stderr. */
static const char *story(struct h_proc *p, char *buf, size_t cap)
{
	char d[96];
	h_describe(p, d, sizeof(d));
	char *out = h_output(p, 1);
	char *err = h_output(p, 2);
	size_t lo = strlen(out);
	const char *tail = lo > 400 ? out + lo - 400 : out;
	snprintf(buf, cap, "%s %s; its output %s%s; stderr: %.300s", p->name, d,
		 lo > 400 ? "ends: ..." : "is: ", h_one_line((char *)tail),
		 h_one_line(err));
	free(out);
	free(err);
	return buf;
}

/* 1 when /proc/net/unix lists a socket of type (hex Type column) named
 * addr, listening or not. */
static int proc_has(const char *addr, int type)
{
	int fd = open("/proc/net/unix", O_RDONLY | O_CLOEXEC);
	char *text = NULL;
	size_t len = 0;
	if (fd < 0)
		return 0;
	int rc = read_all(fd, 64u << 20, &text, &len);
	close(fd);
	if (rc < 0)
		return 0;
	int hit = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !hit;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long flags, inode;
		unsigned t, st;
		int pos = -1;
		if (sscanf(line, "%*s %*s %*s %lx %x %x %lu %n", &flags, &t, &st,
			   &inode, &pos) < 4 || pos < 0)
			continue;
		hit = (int)t == type && strcmp(line + pos, addr) == 0;
	}
	free(text);
	return hit;
}

/* Waits until p's datagram socket is bound at addr (a DGRAM socket never
 * listens: being in /proc/net/unix with its name is being ready). */
static void wait_bound(struct h_proc *p, const char *addr)
{
	int64_t deadline = mono_deadline(5.0);
	char s[1000];
	while (!proc_has(addr, SOCK_DGRAM)) {
		if (h_wait_exit(p, 0) == 0)
			cr_assert_fail("expected %s to bind a SOCK_DGRAM socket at "
				       "%s; %s", p->name, addr, story(p, s,
				       sizeof(s)));
		if (mono_ms_left(deadline) == 0)
			cr_assert_fail("%s was still running but no SOCK_DGRAM "
				       "socket was bound at %s after 5 s%s; %s",
				       p->name, addr, proc_has(addr, SOCK_STREAM) ||
				       proc_has(addr, SOCK_SEQPACKET) ? " (a "
				       "socket of another type is: pass the type "
				       "to socket())" : "", story(p, s, sizeof(s)));
		mono_sleep_ms(2);
	}
}

/* Starts msgsrv ADDR --type TYPE and up to four more arguments, and waits
 * until it is ready: listening (stream, seqpacket) or bound (dgram). */
static void start_server(struct h_proc *p, const char *addr, const char *type,
			 const char *a1, const char *a2, const char *a3,
			 const char *a4, const char *trace)
{
	const char *argv[] = {h_bin("msgsrv"), addr, "--type", type, a1, a2,
			      a3, a4, NULL};
	int r = trace ? h_start_traced(p, argv, NULL, trace)
		      : h_start(p, argv, NULL);
	cr_assert(r == 0, "could not start %s: %s", argv[0], strerror(errno));
	if (strcmp(type, "dgram") == 0) {
		wait_bound(p, addr);
		return;
	}
	char why[1200];
	if (h_wait_listening(p, addr, 5.0, why, sizeof(why)) != 0) {
		const char *hint = proc_has(addr, SOCK_DGRAM)
			? " (a SOCK_DGRAM socket is bound there: msg_open() "
			  "must create the type it is given)" : "";
		cr_assert_fail("expected msgsrv --type %s to listen at %s%s: %s",
			       type, addr, hint, why);
	}
}

/* Waits up to timeout_s for needle to appear in p's stdout. Returns 1 when
 * it did. */
static int wait_output(struct h_proc *p, const char *needle, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		char *out = h_output(p, 1);
		int found = strstr(out, needle) != NULL;
		free(out);
		if (found)
			return 1;
		if (mono_ms_left(deadline) == 0)
			return 0;
		mono_sleep_ms(2);
	}
}

/* Asserts that p's stdout has the line want (a whole line). */
static void expect_log_line(struct h_proc *p, const char *want, const char *why)
{
	char needle[300], prefix[64] = "";
	snprintf(needle, sizeof(needle), "%s\n", want);
	/* "message N: ..." is the one line about message N's reply: another
	 * line with that start is an answer already, and a wrong one. */
	unsigned long num;
	int end = 0;
	if (sscanf(want, "message %lu: %n", &num, &end) == 1 && end > 0)
		snprintf(prefix, sizeof(prefix), "\nmessage %lu: ", num);
	int64_t deadline = mono_deadline(2.0);
	for (;;) {
		char *out = h_output(p, 1);
		int found = strstr(out, needle) != NULL;
		int other = prefix[0] && strstr(out, prefix) != NULL;
		free(out);
		if (found)
			return;
		if (other || mono_ms_left(deadline) == 0)
			break;
		mono_sleep_ms(2);
	}
	char s[1000];
	cr_assert_fail("expected msgsrv to log the line \"%s\"%s; %s", want, why,
		       story(p, s, sizeof(s)));
}

/* Runs msgcli with its arguments (NULL-ended, up to 12). */
static void run_client(const char *const args[], struct h_result *r)
{
	const char *argv[16] = {h_bin("msgcli")};
	size_t k = 1;
	for (size_t i = 0; args[i] && k + 1 < COUNT(argv); i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	cr_assert(h_run(argv, NULL, 0, 5.0, r) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
}

/* ==== unit checks: the sockets =================================================== */

/* Expects the student's fd to be of type, named want (or autobound when
 * want is NULL), listening or not. */
static void expect_server_socket(int fd, int type, const char *want,
				 const char *what)
{
	int t = so_type(fd);
	cr_assert(t == type, "%s made a %s socket; expected %s (pass the type "
		  "to socket())", what, tname(t), tname(type));
	char name[200];
	socklen_t len = own_name(fd, name, sizeof(name));
	if (want) {
		size_t exact = want[0] == '@' ? SUN_OFF + strlen(want)
					      : SUN_OFF + strlen(want) + 1;
		cr_assert(strcmp(name, want) == 0 && len == exact, "%s: the "
			  "socket is named \"%s\" (length %u); expected \"%s\" "
			  "with its exact length %zu", what, name, (unsigned)len,
			  want, exact);
	} else {
		cr_assert(len == 8 && is_autobind_text(name), "%s: the socket "
			  "is named \"%s\" (length %u); \"@\" asks the kernel for "
			  "a name: bind() with the family alone, length 2, gives "
			  "\\0 and five hex digits (length 8)", what, name,
			  (unsigned)len);
	}
	int acc = -1;
	socklen_t l = sizeof(acc);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l);
	if (type == SOCK_DGRAM)
		cr_assert(acc == 0, "%s: a datagram socket has nothing to "
			  "listen for", what);
	else
		cr_assert(acc == 1, "%s: the socket is not listening (listen() "
			  "after bind())", what);
}

CHECK(lab10, unit_open, 1,
      "msg_open: a listening SEQPACKET socket, a bound DGRAM socket that never listens")
{
	const char *ab = h_abstract(), *ab2 = h_abstract(), *ab3 = h_abstract();
	const char *p = h_path("d.sock");
	struct {
		const char *text;
		int type;
		const char *want;
	} cases[] = {
		{ab, SOCK_SEQPACKET, ab},
		{ab2, SOCK_DGRAM, ab2},
		{p, SOCK_DGRAM, p},
		{"@", SOCK_DGRAM, NULL},
		{ab3, SOCK_STREAM, ab3},
	};
	int fds[COUNT(cases)];
	for (size_t k = 0; k < COUNT(cases); k++) {
		char what[200];
		snprintf(what, sizeof(what), "msg_open(\"%s\", %s, 5)",
			 strlen(cases[k].text) > 40 ? "a path" : cases[k].text,
			 tname(cases[k].type));
		errno = 0;
		fds[k] = msg_open(cases[k].text, cases[k].type, 5);
		int e = errno;
		if (fds[k] == -1 && e == EOPNOTSUPP)
			cr_assert_fail("%s failed with EOPNOTSUPP: listen() on a "
				       "datagram socket; a DGRAM socket is ready "
				       "once it is bound", what);
		check_ok(fds[k], e, what);
		expect_server_socket(fds[k], cases[k].type, cases[k].want, what);
	}
	/* A datagram sent to the bound DGRAM socket is there at once. */
	int c = t_socket(SOCK_DGRAM, NULL);
	t_sendto(c, "ping", 4, ab2);
	char buf[16];
	ssize_t n = t_recv(fds[1], buf, sizeof(buf), 1000, NULL, 0);
	cr_assert(n == 4, "a datagram sent to the socket of msg_open(\"%s\", "
		  "SOCK_DGRAM) did not arrive (%s)", ab2, n < 0 ?
		  errno_name(errno) : "wrong length");
	close(c);

	errno = 0;
	int again = msg_open(p, SOCK_DGRAM, 5);
	int e = errno;
	if (again >= 0)
		close(again);
	check_errno(again, e, EADDRINUSE, "msg_open(the same path again, "
		    "SOCK_DGRAM) (its file exists: never unlink it)");
	errno = 0;
	again = msg_open(h_abstract(), SOCK_RAW, 5);
	e = errno;
	if (again >= 0)
		close(again);
	check_errno(again, e, EINVAL, "msg_open(..., SOCK_RAW, 5) (only "
		    "stream, seqpacket and dgram)");
	for (size_t k = 0; k < COUNT(cases); k++)
		close(fds[k]);
}

CHECK(lab10, unit_connect, 1,
      "msg_connect: the type asked, autobind gives a name, ENOENT/ECONNREFUSED/EPROTOTYPE")
{
	/* SEQPACKET to a test listener. */
	const char *ab = h_abstract();
	int l = t_socket(SOCK_SEQPACKET, ab);
	cr_assert(listen(l, 5) == 0, "test setup: listen: %s", strerror(errno));
	errno = 0;
	int c = msg_connect(ab, SOCK_SEQPACKET, 0);
	int e = errno;
	check_ok(c, e, e == ECONNREFUSED ? "msg_connect(@name, SOCK_SEQPACKET, 0) "
		 "to a listening SEQPACKET socket (a socket of another type "
		 "cannot reach it: pass the type to socket())" : "msg_connect("
		 "@name, SOCK_SEQPACKET, 0) to a listening SEQPACKET socket");
	cr_assert(so_type(c) == SOCK_SEQPACKET, "msg_connect(..., SOCK_SEQPACKET, "
		  "0) returned a %s socket", tname(so_type(c)));
	close(c);
	close(l);

	/* DGRAM with autobind: the test's socket sees a name on its
	 * datagram; without it, none. */
	const char *ab2 = h_abstract();
	int s = t_socket(SOCK_DGRAM, ab2);
	for (int autobind = 1; autobind >= 0; autobind--) {
		char what[120];
		snprintf(what, sizeof(what), "msg_connect(@name, SOCK_DGRAM, %d)",
			 autobind);
		errno = 0;
		c = msg_connect(ab2, SOCK_DGRAM, autobind);
		e = errno;
		check_ok(c, e, what);
		cr_assert(so_type(c) == SOCK_DGRAM, "%s returned a %s socket",
			  what, tname(so_type(c)));
		char me[200], from[200];
		socklen_t ml = own_name(c, me, sizeof(me));
		if (autobind)
			cr_assert(ml == 8 && is_autobind_text(me), "%s: the client "
				  "is named \"%s\" (length %u); with autobind it "
				  "must have \\0 and five hex digits (bind() with "
				  "the family alone, length 2, before connect())",
				  what, me, (unsigned)ml);
		cr_assert(send(c, "hi", 2, MSG_NOSIGNAL) == 2, "%s: send() on "
			  "the returned socket failed: %s (is it connected?)",
			  what, strerror(errno));
		char buf[8];
		ssize_t n = t_recv(s, buf, sizeof(buf), 1000, from, sizeof(from));
		cr_assert(n == 2, "%s: the datagram did not reach the server", what);
		if (autobind)
			cr_assert(strcmp(from, me) == 0, "%s: the server saw the "
				  "datagram come from \"%s\"; the client is \"%s\"",
				  what, from, me);
		else
			cr_assert(from[0] == '\0', "%s: the client should have no "
				  "name (autobind 0), but the server saw \"%s\"",
				  what, from);
		close(c);
	}
	close(s);

	/* The errors a client must tell apart. */
	const char *stale = h_path("stale.sock");
	close(t_socket(SOCK_DGRAM, stale)); /* the file stays, nobody holds it */
	const char *seq = h_path("seq.sock");
	int ls = t_socket(SOCK_SEQPACKET, seq);
	cr_assert(listen(ls, 5) == 0, "test setup: listen: %s", strerror(errno));
	struct {
		const char *text;
		int type, want;
		const char *what;
	} bad[] = {
		{h_path("none.sock"), SOCK_DGRAM, ENOENT, "DGRAM, a path with no file"},
		{h_path("none.sock"), SOCK_SEQPACKET, ENOENT, "SEQPACKET, a path with "
		 "no file"},
		{stale, SOCK_DGRAM, ECONNREFUSED, "DGRAM, a socket file nobody "
		 "holds"},
		{h_abstract(), SOCK_DGRAM, ECONNREFUSED, "DGRAM, an abstract name "
		 "nobody holds"},
		{seq, SOCK_DGRAM, EPROTOTYPE, "DGRAM, a path where a SEQPACKET "
		 "socket listens"},
		{"@", SOCK_DGRAM, EINVAL, "DGRAM, \"@\" (autobind names no "
		 "server)"},
	};
	for (size_t k = 0; k < COUNT(bad); k++) {
		char w[200];
		snprintf(w, sizeof(w), "msg_connect(%s)", bad[k].what);
		errno = 0;
		c = msg_connect(bad[k].text, bad[k].type, 1);
		e = errno;
		if (c >= 0)
			close(c);
		check_errno(c, e, bad[k].want, w);
	}
	close(ls);
}

/* ==== unit checks: messages ========================================================== */

/* The test's messages for the boundary checks: lengths and contents. */
static const size_t bsizes[] = {1, 7, 200, 3};

CHECK(lab10, unit_boundaries, 2,
      "msg_recv: four messages sent back to back come out one by one, exact lengths")
{
	int types[] = {SOCK_SEQPACKET, SOCK_DGRAM};
	size_t total = 0;
	for (size_t i = 0; i < COUNT(bsizes); i++)
		total += bsizes[i];
	for (size_t t = 0; t < COUNT(types); t++) {
		int sv[2];
		cr_assert(socketpair(AF_UNIX, types[t], 0, sv) == 0,
			  "test setup: socketpair: %s", strerror(errno));
		/* A receive that waits for more than one message ends. */
		struct timeval tv = {1, 0};
		setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		char msg[4][256];
		for (size_t i = 0; i < COUNT(bsizes); i++) {
			pattern(msg[i], bsizes[i], (int)i + 1);
			cr_assert(send(sv[0], msg[i], bsizes[i], 0) ==
				  (ssize_t)bsizes[i], "test setup: send");
		}
		struct msg_info info;
		memset(&info, 0, sizeof(info));
		for (size_t i = 0; i < COUNT(bsizes); i++) {
			char buf[4096];
			errno = 0;
			ssize_t n = msg_recv(sv[1], buf, sizeof(buf), &info);
			int e = errno;
			char what[200];
			snprintf(what, sizeof(what), "msg_recv() on a %s socket, "
				 "message %zu of 4 (%zu bytes; lengths sent back "
				 "to back: 1, 7, 200, 3)", tname(types[t]), i + 1,
				 bsizes[i]);
			if (n == -1 && e == EAGAIN)
				cr_assert_fail("%s: no message within 1 s, though "
					       "%zu are queued: does it wait to fill "
					       "the buffer? One receive is one "
					       "message; nothing more will come",
					       what, COUNT(bsizes) - i);
			check_ok(n, e, what);
			cr_assert(n != (ssize_t)(total) || i != 0, "%s returned "
				  "%zd: all four messages merged into one, as a "
				  "stream would. Do not loop to fill the buffer",
				  what, n);
			cr_assert(n == (ssize_t)bsizes[i] && info.len == bsizes[i] &&
				  info.stored == bsizes[i] && !info.truncated,
				  "%s returned %zd (info: len %zu, stored %zu, "
				  "truncated %d); expected exactly %zu, whole",
				  what, n, info.len, info.stored, info.truncated,
				  bsizes[i]);
			cr_assert(memcmp(buf, msg[i], bsizes[i]) == 0, "%s: the "
				  "bytes are not the message's", what);
		}
		close(sv[0]);
		close(sv[1]);
	}
	/* The contrast: a stream keeps no boundaries. The four sends are
	 * all queued, and one receive takes every byte. */
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
	struct timeval tv = {1, 0};
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (size_t i = 0; i < COUNT(bsizes); i++) {
		char m[256];
		pattern(m, bsizes[i], (int)i + 1);
		cr_assert(send(sv[0], m, bsizes[i], 0) == (ssize_t)bsizes[i],
			  "test setup: send");
	}
	char buf[4096];
	struct msg_info info;
	errno = 0;
	ssize_t n = msg_recv(sv[1], buf, sizeof(buf), &info);
	int e = errno;
	check_ok(n, e, "msg_recv() on a SOCK_STREAM socket");
	cr_assert(n == (ssize_t)total && !info.truncated, "msg_recv() on a "
		  "SOCK_STREAM socket after four sends of 1, 7, 200 and 3 bytes "
		  "returned %zd; a stream has no boundaries: one receive takes "
		  "all %zu queued bytes (the contrast this lab is about)", n,
		  total);
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab10, unit_truncation, 2,
      "msg_recv: a message longer than the buffer is reported with its real length (MSG_TRUNC)")
{
	int types[] = {SOCK_SEQPACKET, SOCK_DGRAM};
	struct {
		size_t len;
		int cut;
	} m[] = {{300, 1}, {4, 0}, {64, 0}, {65, 1}, {10, 1}};
	for (size_t t = 0; t < COUNT(types); t++) {
		int sv[2];
		cr_assert(socketpair(AF_UNIX, types[t], 0, sv) == 0,
			  "test setup: socketpair: %s", strerror(errno));
		struct timeval tv = {1, 0};
		setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		char sent[COUNT(m)][300];
		for (size_t i = 0; i < COUNT(m); i++) {
			pattern(sent[i], m[i].len, (int)i + 5);
			cr_assert(send(sv[0], sent[i], m[i].len, 0) ==
				  (ssize_t)m[i].len, "test setup: send");
		}
		struct msg_info info;
		memset(&info, 0, sizeof(info));
		for (size_t i = 0; i < COUNT(m); i++) {
			/* The last one goes to no buffer at all. */
			size_t cap = i + 1 == COUNT(m) ? 0 : 64;
			char buf[80];
			memset(buf, 'Z', sizeof(buf));
			char what[240];
			snprintf(what, sizeof(what), "msg_recv() on a %s socket, a "
				 "%zu-byte message, %s", tname(types[t]), m[i].len,
				 cap ? "buffer of 64 bytes" : "buf NULL, cap 0");
			errno = 0;
			ssize_t n = msg_recv(sv[1], cap ? buf : NULL, cap, &info);
			int e = errno;
			check_ok(n, e, what);
			size_t want_stored = m[i].len < cap ? m[i].len : cap;
			if (i == 1 && n == 236)
				cr_assert_fail("%s returned 236: the rest of the "
					       "300-byte message? The kernel threw it "
					       "away when the first receive cut it; "
					       "this receive should be the next "
					       "message (4 bytes)", what);
			cr_assert(!(m[i].cut && n == (ssize_t)want_stored),
				  "%s returned %zd: %s. With MSG_TRUNC in the flags, "
				  "recvmsg() returns the real length (%zu) and sets "
				  "MSG_TRUNC in msg_flags", what, n, info.truncated ?
				  "the cut was seen but the real length lost" :
				  "the message was cut silently", m[i].len);
			cr_assert(n == (ssize_t)m[i].len && info.len == m[i].len,
				  "%s returned %zd (info.len %zu); expected the "
				  "real length %zu%s", what, n, info.len, m[i].len,
				  n > (ssize_t)m[i].len && !m[i].cut ? ": more than "
				  "one message came out of one call. Do not loop to "
				  "fill the buffer" : "");
			cr_assert(info.stored == want_stored &&
				  info.truncated == m[i].cut, "%s: info.stored "
				  "%zu, info.truncated %d; expected %zu and %d%s",
				  what, info.stored, info.truncated, want_stored,
				  m[i].cut, m[i].len == 64 ? " (64 bytes in 64 "
				  "fit exactly: not truncated)" : "");
			cr_assert(memcmp(buf, sent[i], want_stored) == 0 &&
				  (cap == 0 || buf[want_stored] == 'Z'), "%s: the "
				  "buffer does not hold exactly the message's first "
				  "%zu bytes", what, want_stored);
		}
		close(sv[0]);
		close(sv[1]);
	}
}

CHECK(lab10, unit_peek, 1,
      "msg_peek_size and msg_recv_alloc: the size first, then the message whole")
{
	int types[] = {SOCK_SEQPACKET, SOCK_DGRAM};
	size_t big = 100000;
	char *bigm = malloc(big);
	cr_assert(bigm != NULL, "test setup: malloc");
	pattern(bigm, big, 9);
	for (size_t t = 0; t < COUNT(types); t++) {
		int sv[2];
		cr_assert(socketpair(AF_UNIX, types[t], 0, sv) == 0,
			  "test setup: socketpair: %s", strerror(errno));
		struct timeval tv = {1, 0};
		setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		cr_assert(send(sv[0], bigm, big, 0) == (ssize_t)big &&
			  send(sv[0], "five!", 5, 0) == 5 &&
			  send(sv[0], bigm, 1000, 0) == 1000 &&
			  send(sv[0], "ok", 2, 0) == 2, "test setup: send: %s",
			  strerror(errno));
		const char *tn = tname(types[t]);
		for (int twice = 0; twice < 2; twice++) {
			errno = 0;
			ssize_t n = msg_peek_size(sv[1]);
			int e = errno;
			char w[160];
			snprintf(w, sizeof(w), "msg_peek_size() on a %s socket "
				 "(call %d) with a 100000-byte message queued", tn,
				 twice + 1);
			check_ok(n, e, w);
			cr_assert(n == (ssize_t)big, "%s returned %zd; expected "
				  "100000%s", w, n, twice && n == 5 ? ": the first "
				  "call took the message (MSG_PEEK leaves it "
				  "queued)" : n == 0 ? ": recv() with no buffer "
				  "returns 0 unless MSG_TRUNC asks for the real "
				  "length" : "");
		}
		char *out = NULL;
		struct msg_info info;
		memset(&info, 0, sizeof(info));
		errno = 0;
		ssize_t n = msg_recv_alloc(sv[1], MSOCK_PEEK_MAX, &out, &info);
		int e = errno;
		check_ok(n, e, "msg_recv_alloc() with a 100000-byte message");
		cr_assert(n == (ssize_t)big && info.stored == big &&
			  !info.truncated && out && memcmp(out, bigm, big) == 0,
			  "msg_recv_alloc(%s, max 1 MiB) on a 100000-byte message "
			  "returned %zd (stored %zu, truncated %d); expected it "
			  "whole: allocate what msg_peek_size() says", tn, n,
			  info.stored, info.truncated);
		free(out);
		out = NULL;
		n = msg_recv_alloc(sv[1], MSOCK_PEEK_MAX, &out, &info);
		cr_assert(n == 5 && out && memcmp(out, "five!", 5) == 0,
			  "msg_recv_alloc() after it returned %zd; expected the "
			  "next message, 5 bytes \"five!\"", n);
		free(out);
		out = NULL;
		/* Larger than max: taken cut, reported, and gone. */
		n = msg_recv_alloc(sv[1], 100, &out, &info);
		cr_assert(n == 1000 && info.stored == 100 && info.truncated &&
			  out && memcmp(out, bigm, 100) == 0, "msg_recv_alloc(max "
			  "100) on a 1000-byte message returned %zd (stored %zu, "
			  "truncated %d); expected 1000, 100 stored, truncated 1%s",
			  n, info.stored, info.truncated, n == 100 ? ": the real "
			  "length was lost (msg_recv() receives with MSG_TRUNC)" :
			  "");
		free(out);
		out = NULL;
		n = msg_recv_alloc(sv[1], 100, &out, &info);
		cr_assert(n == 2 && out && memcmp(out, "ok", 2) == 0,
			  "msg_recv_alloc() after a message larger than max "
			  "returned %zd; expected the next message (2 bytes): the "
			  "large one must be consumed, not left queued", n);
		free(out);
		/* Nothing queued, non-blocking: EAGAIN, not a hang. */
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		errno = 0;
		n = msg_peek_size(sv[1]);
		e = errno;
		check_errno(n, e, EAGAIN, "msg_peek_size() on an empty "
			    "non-blocking socket");
		close(sv[0]);
		close(sv[1]);
	}
	/* An empty datagram is a message of length 0. */
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "test setup");
	cr_assert(send(sv[0], "", 0, 0) == 0, "test setup: send");
	char *out = NULL;
	struct msg_info info;
	errno = 0;
	ssize_t n = msg_recv_alloc(sv[1], 100, &out, &info);
	int e = errno;
	check_ok(n, e, "msg_recv_alloc() on an empty datagram");
	cr_assert(n == 0 && out != NULL, "msg_recv_alloc() on an empty datagram "
		  "returned %zd and %s; expected 0 and a buffer (of at least 1 "
		  "byte)", n, out ? "a buffer" : "NULL");
	free(out);
	close(sv[0]);
	close(sv[1]);
	free(bigm);
}

/* ==== unit checks: who sent it, and the answer ======================================== */

CHECK(lab10, unit_sender, 2,
      "msg_recv: the sender's address and its exact length, reset on every call")
{
	const char *srv = h_abstract();
	int s = t_socket(SOCK_DGRAM, srv);
	struct timeval tv = {1, 0};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	const char *named = h_abstract();
	const char *cpath = h_path("client.sock");
	int un = t_socket(SOCK_DGRAM, NULL);
	int a1 = t_socket(SOCK_DGRAM, "@");
	int a2 = t_socket(SOCK_DGRAM, "@");
	int ps = t_socket(SOCK_DGRAM, cpath);
	int ns = t_socket(SOCK_DGRAM, named);
	char n1[64], n2[64];
	own_name(a1, n1, sizeof(n1));
	own_name(a2, n2, sizeof(n2));
	struct {
		int fd;
		const char *want;
		size_t len;
		const char *what;
	} seq[] = {
		{a1, n1, 8, "an autobound sender"},
		{un, "", 0, "a sender that never bound"},
		{a2, n2, 8, "a second autobound sender, right after the unnamed one"},
		{ps, cpath, SUN_OFF + strlen(cpath) + 1, "a sender bound at a path"},
		{a1, n1, 8, "the first autobound sender again"},
		{ns, named, SUN_OFF + strlen(named), "a sender bound at an "
		 "abstract name"},
	};
	for (size_t k = 0; k < COUNT(seq); k++)
		t_sendto(seq[k].fd, "m", 1, srv);
	/* One structure for the whole sequence, as a server's loop keeps
	 * it, and garbage in it to start with: every field is output. */
	struct msg_info info;
	memset(&info, 0xA5, sizeof(info));
	for (size_t k = 0; k < COUNT(seq); k++) {
		char buf[8], what[200];
		snprintf(what, sizeof(what), "msg_recv(), datagram %zu from %s",
			 k + 1, seq[k].what);
		errno = 0;
		ssize_t n = msg_recv(s, buf, sizeof(buf), &info);
		int e = errno;
		if (n == -1 && e == EAGAIN)
			cr_assert_fail("%s: nothing within 1 s, though %zu datagrams "
				       "are queued: does it wait to fill the "
				       "buffer? One receive is one message", what,
				       COUNT(seq) - k);
		if (n == -1 && e == EINVAL)
			cr_assert_fail("%s failed with EINVAL: the address length "
				       "given to recvfrom()/recvmsg() was garbage "
				       "left in info. It is value-result: set it "
				       "to sizeof(info->from) before every call",
				       what);
		check_ok(n, e, what);
		char got[200];
		addr_text(&info.from, info.fromlen, got, sizeof(got));
		if (seq[k].len == 0) {
			cr_assert(info.fromlen <= sizeof(sa_family_t), "%s: "
				  "fromlen is %u; a sender that never bound has "
				  "no name (Linux reports length 0)", what,
				  (unsigned)info.fromlen);
			continue;
		}
		cr_assert(info.fromlen == seq[k].len, "%s: fromlen %u; the "
			  "kernel reports %zu for \"%s\"%s", what,
			  (unsigned)info.fromlen, seq[k].len, seq[k].want,
			  info.fromlen <= sizeof(sa_family_t) ? " (did the "
			  "length given to the call stay at what the previous "
			  "call wrote back?)" : "");
		cr_assert(strcmp(got, seq[k].want) == 0, "%s: from holds \"%s\" "
			  "with fromlen %u; the sender is \"%s\". The kernel copies "
			  "no more of the address than the length it is given, "
			  "and writes back the full length: reset fromlen to "
			  "sizeof(info->from) before every receive", what, got,
			  (unsigned)info.fromlen, seq[k].want);
	}
	close(s);
	close(un);
	close(a1);
	close(a2);
	close(ps);
	close(ns);
}

/* The test's own receive of one datagram on s, as msg_recv() should
 * describe it (so that msg_reply() is checked on its own). */
static void test_info(int s, struct msg_info *info)
{
	memset(info, 0, sizeof(*info));
	char buf[64];
	struct pollfd p = {.fd = s, .events = POLLIN};
	cr_assert(poll(&p, 1, 1000) == 1, "test setup: no datagram");
	info->fromlen = sizeof(info->from);
	ssize_t n = recvfrom(s, buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&info->from, &info->fromlen);
	cr_assert(n >= 0, "test setup: recvfrom: %s", strerror(errno));
	info->len = info->stored = (size_t)n;
}

struct drainer {
	int fd;
	volatile int stop;
	volatile int drained;
	pthread_t th;
};

/* Watchdog: after 1.5 s, empties d->fd so that a msg_reply() blocked on
 * its full queue returns (and the check can say it blocked). */
static void *drain_late(void *arg)
{
	struct drainer *d = arg;
	int64_t deadline = mono_deadline(1.5);
	while (!d->stop && mono_ms_left(deadline) > 0)
		mono_sleep_ms(5);
	char buf[64];
	while (!d->stop) {
		if (recv(d->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			d->drained = 1;
		else
			mono_sleep_ms(2);
	}
	return NULL;
}

CHECK(lab10, unit_reply, 2,
      "msg_reply: to the sender's exact address; EDESTADDRREQ unnamed; EAGAIN, never blocks")
{
	const char *srv = h_abstract();
	int s = t_socket(SOCK_DGRAM, srv);
	const char *cpath = h_path("client.sock");
	int a = t_socket(SOCK_DGRAM, "@");
	int b = t_socket(SOCK_DGRAM, "@");
	int p = t_socket(SOCK_DGRAM, cpath);
	int u = t_socket(SOCK_DGRAM, NULL);
	char an[64], bn[64];
	own_name(a, an, sizeof(an));
	own_name(b, bn, sizeof(bn));
	struct {
		int fd;
		const char *name;
	} who[] = {{a, an}, {p, cpath}, {b, bn}};
	struct msg_info info[COUNT(who)];
	for (size_t k = 0; k < COUNT(who); k++) {
		t_sendto(who[k].fd, "q", 1, srv);
		test_info(s, &info[k]);
	}
	/* Answered in another order than they came: each answer goes to the
	 * address in its own info. */
	size_t order[] = {2, 0, 1};
	for (size_t i = 0; i < COUNT(order); i++) {
		size_t k = order[i];
		char reply[32], what[200], got[64], from[200];
		int len = snprintf(reply, sizeof(reply), "reply to %zu", k);
		snprintf(what, sizeof(what), "msg_reply() to %s (fromlen %u)",
			 who[k].name, (unsigned)info[k].fromlen);
		errno = 0;
		ssize_t n = msg_reply(s, &info[k], reply, (size_t)len);
		int e = errno;
		if (n == -1 && e == ECONNREFUSED)
			cr_assert_fail("%s failed with ECONNREFUSED: no socket holds "
				       "the name the reply was sent to. Use "
				       "info->fromlen as the length: with "
				       "sizeof(struct sockaddr_un), the zeros "
				       "after the name become part of it", what);
		check_ok(n, e, what);
		cr_assert(n == len, "%s returned %zd; expected %d", what, n, len);
		ssize_t r = t_recv(who[k].fd, got, sizeof(got), 1000, from,
				   sizeof(from));
		cr_assert(r == len && memcmp(got, reply, (size_t)len) == 0,
			  "%s: the sender did not receive \"%s\" (%s)", what,
			  reply, r < 0 ? errno_name(errno) : "another message");
		cr_assert(strcmp(from, srv) == 0, "%s: the reply came from \"%s\"; "
			  "expected the server's socket %s", what, from, srv);
	}
	for (size_t k = 0; k < COUNT(who); k++) {
		char got[64];
		ssize_t r = recv(who[k].fd, got, sizeof(got), MSG_DONTWAIT);
		cr_assert(r < 0, "%s received a second datagram: a reply went to "
			  "the wrong client", who[k].name);
	}

	/* Unnamed: nothing can reach it. */
	struct msg_info ui;
	t_sendto(u, "q", 1, srv);
	test_info(s, &ui);
	errno = 0;
	ssize_t n = msg_reply(s, &ui, "x", 1);
	int e = errno;
	check_errno(n, e, EDESTADDRREQ, "msg_reply() to a sender that never "
		    "bound (fromlen 0)");

	/* A sender that closed since: ECONNREFUSED, as the kernel says. */
	int gone = t_socket(SOCK_DGRAM, "@");
	struct msg_info gi;
	t_sendto(gone, "q", 1, srv);
	test_info(s, &gi);
	close(gone);
	errno = 0;
	n = msg_reply(s, &gi, "x", 1);
	e = errno;
	check_errno(n, e, ECONNREFUSED, "msg_reply() to an autobound sender "
		    "that has closed its socket");

	/* A sender that never reads: its queue fills, and the answer is
	 * EAGAIN at once, never a wait. */
	int q = t_socket(SOCK_DGRAM, "@");
	struct msg_info qi;
	t_sendto(q, "q", 1, srv);
	test_info(s, &qi);
	struct drainer d = {.fd = q};
	cr_assert(pthread_create(&d.th, NULL, drain_late, &d) == 0,
		  "test setup: pthread_create");
	long limit = max_dgram_qlen() + 50;
	long sent = 0;
	int last_err = 0;
	double slowest = 0;
	for (long k = 0; k < limit; k++) {
		int64_t t0 = mono_ns();
		errno = 0;
		n = msg_reply(s, &qi, "full?", 5);
		last_err = errno;
		double took = (double)(mono_ns() - t0) / 1e9;
		if (took > slowest)
			slowest = took;
		if (n == -1)
			break;
		sent++;
	}
	d.stop = 1;
	pthread_join(d.th, NULL);
	cr_assert(slowest < 1.0 && !d.drained, "msg_reply() to a client that "
		  "never reads blocked for %.1f s once its queue was full (the "
		  "test had to empty it): send with MSG_DONTWAIT, so that one "
		  "client cannot stall the server", slowest);
	cr_assert(n == -1, "msg_reply() sent %ld replies to a client that never "
		  "reads and never failed: its queue holds about "
		  "net.unix.max_dgram_qlen (%ld) datagrams", sent, limit - 50);
	check_errno(n, last_err, EAGAIN, "msg_reply() once the client's queue "
		    "is full");
	close(q);
	close(s);
	close(a);
	close(b);
	close(p);
	close(u);
}

/* In a child: msg_send() on a socket whose peer has closed. Exits with
 * the errno it got (0 for success). */
static void child_send(int fd)
{
	/* The default action, as in a program that never touched SIGPIPE:
	 * the test runner's own setting must not hide the signal. */
	signal(SIGPIPE, SIG_DFL);
	sigset_t pipe_set;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe_set, NULL);
	alarm(3);
	errno = 0;
	ssize_t n = msg_send(fd, "x", 1);
	_exit(n == -1 ? (errno & 0xff) : 0);
}

CHECK(lab10, unit_peer_gone, 1,
      "peer closed: end of file is 0, a send is EPIPE (never SIGPIPE); DGRAM: ECONNREFUSED")
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "test setup");
	cr_assert(send(sv[0], "last", 4, 0) == 4, "test setup: send");
	close(sv[0]);
	struct timeval tv = {1, 0};
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char buf[16];
	struct msg_info info;
	errno = 0;
	ssize_t n = msg_recv(sv[1], buf, sizeof(buf), &info);
	int e = errno;
	check_ok(n, e, "msg_recv() on a SEQPACKET socket whose peer sent "
		 "\"last\" and closed");
	cr_assert(n == 4, "msg_recv() returned %zd for the 4-byte message "
		  "queued before the peer closed", n);
	errno = 0;
	n = msg_recv(sv[1], buf, sizeof(buf), &info);
	e = errno;
	check_ok(n, e, "msg_recv() on a SEQPACKET socket after its peer closed");
	cr_assert(n == 0, "msg_recv() after the peer closed returned %zd; "
		  "expected 0, the end of file", n);
	/* Linux raises no SIGPIPE on SEQPACKET: EPIPE is all there is. */
	errno = 0;
	n = msg_send(sv[1], "x", 1);
	e = errno;
	check_errno(n, e, EPIPE, "msg_send() on a SEQPACKET socket whose peer "
		    "closed");
	close(sv[1]);

	/* On a STREAM socket the same send raises SIGPIPE, whose default
	 * action kills the sender, unless MSG_NOSIGNAL says no. */
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "test setup");
	close(sv[0]);
	pid_t pid = fork();
	cr_assert(pid >= 0, "test setup: fork");
	if (pid == 0)
		child_send(sv[1]);
	int st;
	cr_assert(waitpid(pid, &st, 0) == pid, "test setup: waitpid");
	cr_assert(!(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE), "msg_send() "
		  "on a STREAM socket whose peer closed killed the process with "
		  "SIGPIPE: send with MSG_NOSIGNAL, so that it fails with EPIPE "
		  "instead");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == EPIPE, "msg_send() on a "
		  "STREAM socket whose peer closed: expected -1 with EPIPE, got %s",
		  WIFEXITED(st) ? (WEXITSTATUS(st) ? errno_name(WEXITSTATUS(st))
		  : "success") : "a crash");
	close(sv[1]);

	/* A connected datagram client whose server is gone. */
	const char *ab = h_abstract();
	int s = t_socket(SOCK_DGRAM, ab);
	int c = t_socket(SOCK_DGRAM, "@");
	cr_assert(t_connect(c, ab) == 0, "test setup: connect: %s",
		  strerror(errno));
	cr_assert(msg_send(c, "first", 5) == 5, "msg_send() of 5 bytes to a "
		  "datagram server that is there failed: %s", errno_name(errno));
	close(s);
	errno = 0;
	n = msg_send(c, "again", 5);
	e = errno;
	check_errno(n, e, ECONNREFUSED, "msg_send() on a DGRAM socket connected "
		    "to a server socket that has been closed");
	close(c);
}

/* ==== box checks ======================================================================= */

/* How many replies p's log says were not sent (dropped, or not sent to
 * an unnamed sender). */
static int count_unsent(struct h_proc *p)
{
	char *out = h_output(p, 1);
	int k = 0;
	for (const char *s = out; (s = strstr(s, ": reply dropped: ")); s++)
		k++;
	for (const char *s = out; (s = strstr(s, ": no reply, ")); s++)
		k++;
	free(out);
	return k;
}

/* Receives one reply on the test's socket c within 2 s and expects the
 * text want; what says which message it answers. */
static void expect_reply(int c, const char *want, const char *what,
			 struct h_proc *srv)
{
	char buf[512], s[1000];
	/* Waits in slices, so that a server that logs a reply it could not
	 * send (or one it would not) ends the wait at once. */
	int before = count_unsent(srv);
	ssize_t n = -1;
	int e = ETIMEDOUT;
	int64_t deadline = mono_deadline(2.0);
	while (n == -1 && e == ETIMEDOUT && mono_ms_left(deadline) > 0) {
		n = t_recv(c, buf, sizeof(buf) - 1, 50, NULL, 0);
		e = errno;
		if (n == -1 && e == ETIMEDOUT && count_unsent(srv) > before)
			cr_assert_fail("no reply to %s (expected \"%s\"): msgsrv "
				       "logged that it did not send one; %s", what,
				       want, story(srv, s, sizeof(s)));
	}
	if (n == -1 && e == ETIMEDOUT)
		cr_assert_fail("no reply to %s within 2 s (expected \"%s\"); %s",
			       what, want, story(srv, s, sizeof(s)));
	cr_assert(n >= 0, "receiving the reply to %s: %s", what, errno_name(e));
	if (n == 0)
		cr_assert_fail("the server closed the connection instead of "
			       "answering %s (expected \"%s\"); %s", what, want,
			       story(srv, s, sizeof(s)));
	buf[n < (ssize_t)sizeof(buf) - 1 ? n : (ssize_t)sizeof(buf) - 1] = '\0';
	size_t got_len, cap, want_len;
	const char *hint = "";
	if (sscanf(buf, "got %zu", &got_len) == 1 &&
	    sscanf(want, "got %zu", &want_len) == 1 && got_len > want_len)
		hint = ": the server's receive took more than this one message. "
		       "One receive is one message: do not loop to fill the "
		       "buffer";
	else if (sscanf(buf, "got %zu", &got_len) == 1 && strstr(want, "truncated"))
		hint = ": the message was cut without a word. Receive with "
		       "MSG_TRUNC: the kernel then returns the real length";
	else if (sscanf(buf, "truncated %zu > %zu", &got_len, &cap) == 2 &&
		 got_len == cap)
		hint = ": the cut was seen but the real length lost. Without "
		       "MSG_TRUNC in the flags, the receive returns only the "
		       "bytes that fit";
	else if (strcmp(buf, "got 0") == 0)
		hint = ": a receive of 0 bytes on a connection is the end of "
		       "file, not an empty message";
	cr_assert(strcmp(buf, want) == 0, "the reply to %s is \"%s\"; expected "
		  "\"%s\"%s. %s", what, buf, want, hint, story(srv, s, sizeof(s)));
}

CHECK(lab10, box_seqpacket, 2,
      "msgsrv seqpacket: messages sent back to back get one exact reply each; end of file both ways")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	start_server(&sp, p, "seqpacket", "--count", "2", NULL, NULL, NULL);
	int c = t_socket(SOCK_SEQPACKET, NULL);
	cr_assert(t_connect(c, p) == 0, "a SEQPACKET connect() to msgsrv at %s "
		  "failed: %s", p, connect_story(errno));
	size_t sizes[] = {1, 7, 200, 3, 50};
	for (size_t k = 0; k < COUNT(sizes); k++) {
		char m[256];
		pattern(m, sizes[k], (int)k);
		cr_assert(send(c, m, sizes[k], MSG_NOSIGNAL) == (ssize_t)sizes[k],
			  "sending message %zu to msgsrv: %s", k + 1,
			  errno_name(errno));
	}
	for (size_t k = 0; k < COUNT(sizes); k++) {
		char want[32], what[96];
		snprintf(want, sizeof(want), "got %zu", sizes[k]);
		snprintf(what, sizeof(what), "message %zu (%zu bytes; 1, 7, 200, 3 "
			 "and 50 were sent back to back)", k + 1, sizes[k]);
		expect_reply(c, want, what, &sp);
	}
	/* The client's end of file: the server must see it as such and
	 * close, which is the client's end of file in turn. */
	cr_assert(shutdown(c, SHUT_WR) == 0, "test setup: shutdown");
	char buf[64], s[1000];
	ssize_t n = t_recv(c, buf, sizeof(buf) - 1, 2000, NULL, 0);
	if (n > 0) {
		buf[n] = '\0';
		cr_assert_fail("after the client shut down its sending side, "
			       "msgsrv sent \"%s\" instead of closing: a receive "
			       "of 0 bytes on SEQPACKET is the end of file, not "
			       "an empty message", buf);
	}
	cr_assert(n == 0, "after the client shut down its sending side, msgsrv "
		  "neither closed the connection nor answered within 2 s (%s); %s",
		  errno_name(errno), story(&sp, s, sizeof(s)));
	close(c);
	for (size_t k = 0; k < COUNT(sizes); k++) {
		char line[96];
		snprintf(line, sizeof(line), "message %zu from client 1: %zu bytes",
			 k + 1, sizes[k]);
		expect_log_line(&sp, line, " (one line per message, its own "
				"length)");
	}
	expect_log_line(&sp, "client 1: end of file after 5 messages", "");

	/* socat as an outside client: -b 16 cuts its input into messages of
	 * 16 bytes (50 = 16 + 16 + 16 + 2); -v logs each read and write. */
	char addr[200];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s,socktype=5", p);
	const char *argv[] = {"/usr/bin/socat", "-v", "-b", "16", "-t", "2", "-",
			      addr, NULL};
	char in[50];
	memset(in, 'y', sizeof(in));
	struct h_result r;
	cr_assert(h_run(argv, in, sizeof(in), 5.0, &r) == 0, "could not start "
		  "socat: %s", strerror(errno));
	cr_assert(strcmp(r.out, "got 16got 16got 16got 2") == 0, "`socat -b 16 "
		  "- %s` with 50 bytes of input (messages of 16, 16, 16, 2) got "
		  "\"%.200s\" back (socat %s, stderr: %.300s); expected the "
		  "replies \"got 16\" x3 and \"got 2\"", addr, h_one_line(r.out),
		  r.what, h_one_line(r.err));
	h_result_free(&r);
	char d[96];
	cr_assert(h_wait_exit(&sp, 2.0) == 0 && WIFEXITED(sp.status) &&
		  WEXITSTATUS(sp.status) == 0, "msgsrv --count 2 served two "
		  "clients; expected it to exit with status 0, but it %s",
		  h_describe(&sp, d, sizeof(d)));
	expect_log_line(&sp, "client 2: end of file after 4 messages", "");
}

/* The lengths socat -v logged for one direction ('>' sent, '<' received),
 * in order. Returns how many. */
static size_t socat_lengths(const char *err, char dir, size_t *out, size_t cap)
{
	size_t k = 0;
	for (const char *s = strstr(err, "length="); s && k < cap;
	     s = strstr(s + 1, "length=")) {
		/* The header is "> 2026/11/25 13:42:12.000819531  length=16". */
		const char *h = s;
		while (h > err && h[-1] != '>' && h[-1] != '<' && s - h < 48)
			h--;
		if (h > err && h[-1] == dir)
			out[k++] = strtoul(s + 7, NULL, 10);
	}
	return k;
}

static const char *list_text(const size_t *v, size_t n, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(buf + used, cap - used, "%s%zu",
					 i ? ", " : "", v[i]);
	return buf;
}

CHECK(lab10, box_dgram_socat, 2,
      "msgsrv dgram with socat UNIX-SENDTO/ABSTRACT-SENDTO: one datagram at a time; replies only to a bound socat")
{
	char in[50];
	memset(in, 'z', sizeof(in));
	/* An unbound socat: four datagrams, logged one by one, no replies. */
	const char *p = h_path("d.sock");
	struct h_proc s1;
	start_server(&s1, p, "dgram", NULL, NULL, NULL, NULL, NULL);
	char a1[200];
	snprintf(a1, sizeof(a1), "UNIX-SENDTO:%s", p);
	const char *argv1[] = {"/usr/bin/socat", "-b", "16", "-u", "-", a1, NULL};
	struct h_result r;
	cr_assert(h_run(argv1, in, sizeof(in), 5.0, &r) == 0, "could not start "
		  "socat: %s", strerror(errno));
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "`socat -b "
		  "16 -u - %s` %s, stderr: %.300s", a1, r.what, h_one_line(r.err));
	h_result_free(&r);
	size_t lens[] = {16, 16, 16, 2};
	for (size_t k = 0; k < COUNT(lens); k++) {
		char line[96];
		snprintf(line, sizeof(line), "message %zu from " MSOCK_UNNAMED
			 ": %zu bytes", k + 1, lens[k]);
		expect_log_line(&s1, line, " (socat -b 16 sent 50 bytes as "
				"datagrams of 16, 16, 16 and 2 from an unbound "
				"socket)");
		snprintf(line, sizeof(line), MSOCK_LOG_NOREPLY, (unsigned long)k + 1);
		expect_log_line(&s1, line, " (a sender that never bound has no "
				"address: recvfrom() reports length 0)");
	}

	/* A socat bound at an abstract name: the replies come back. */
	const char *ab = h_abstract();
	const char *me = h_abstract();
	struct h_proc s2;
	start_server(&s2, ab, "dgram", NULL, NULL, NULL, NULL, NULL);
	char a2[300];
	snprintf(a2, sizeof(a2), "ABSTRACT-SENDTO:%s,bind=%s", ab + 1, me + 1);
	const char *argv2[] = {"/usr/bin/socat", "-v", "-b", "16", "-t", "1", "-",
			       a2, NULL};
	cr_assert(h_run(argv2, in, sizeof(in), 5.0, &r) == 0, "could not start "
		  "socat: %s", strerror(errno));
	size_t got[16], sent[16];
	size_t ng = socat_lengths(r.err, '<', got, COUNT(got));
	size_t ns = socat_lengths(r.err, '>', sent, COUNT(sent));
	char l1[200], l2[200], s[1000];
	cr_assert(ns == 4, "test setup: socat logged %zu datagrams sent (%s)",
		  ns, list_text(sent, ns, l1, sizeof(l1)));
	int ok = ng == 4 && strcmp(r.out, "got 16got 16got 16got 2") == 0;
	cr_assert(ok, "`socat -v -b 16 - %s` sent datagrams of %s bytes and got "
		  "%zu replies back (lengths %s, text \"%.200s\"); expected four: "
		  "\"got 16\" x3 and \"got 2\", each to the address its datagram "
		  "came from (%s, length %zu). %s", a2, list_text(sent, ns, l1,
		  sizeof(l1)), ng, list_text(got, ng, l2, sizeof(l2)),
		  h_one_line(r.out), me, SUN_OFF + strlen(me), story(&s2, s,
		  sizeof(s)));
	h_result_free(&r);
	char line[300];
	snprintf(line, sizeof(line), "message 4 from %s: 2 bytes", me);
	expect_log_line(&s2, line, "");
}

CHECK(lab10, box_msgcli_socat, 1,
      "msgcli's messages reach socat one by one: ABSTRACT-RECV (dgram), UNIX-LISTEN socktype=5")
{
	const char *ab = h_abstract();
	const char *p = h_path("q.sock");
	char recv_addr[200], listen_addr[200];
	snprintf(recv_addr, sizeof(recv_addr), "ABSTRACT-RECV:%s", ab + 1);
	snprintf(listen_addr, sizeof(listen_addr), "UNIX-LISTEN:%s,socktype=5", p);
	const char *peers[] = {recv_addr, listen_addr};
	const char *names[] = {ab, p};
	const char *types[] = {"dgram", "seqpacket"};
	for (int k = 0; k < 2; k++) {
		const char *argv[] = {"/usr/bin/socat", "-v", "-u", peers[k],
				      "OPEN:/dev/null", NULL};
		struct h_proc so;
		cr_assert(h_start(&so, argv, NULL) == 0, "could not start socat: "
			  "%s", strerror(errno));
		if (k == 0) {
			wait_bound(&so, ab);
		} else {
			char why[600];
			cr_assert(h_wait_listening(&so, p, 5.0, why, sizeof(why))
				  == 0, "socat: %s", why);
		}
		const char *args[] = {names[k], "--type", types[k], "--send-only",
				      "a", "bb", "--size", "300", "dddd", NULL};
		struct h_result r;
		run_client(args, &r);
		int refused = WIFEXITED(r.status) &&
			      WEXITSTATUS(r.status) == MSGCLI_EXIT_REFUSED;
		cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
			  "msgcli %s --type %s --send-only a bb --size 300 dddd "
			  "against `socat %s`: %s, stderr: %.300s%s", names[k],
			  types[k], peers[k], r.what, h_one_line(r.err), refused ?
			  " (socat is there, with a socket of the type asked: "
			  "ECONNREFUSED means msg_connect() made a socket of "
			  "another type)" : "");
		h_result_free(&r);
		size_t want[] = {1, 2, 300, 4};
		size_t got[16];
		size_t n = 0;
		int64_t deadline = mono_deadline(2.0);
		for (;;) {
			char *err = h_output(&so, 2);
			n = socat_lengths(err, '>', got, COUNT(got));
			free(err);
			if (n >= COUNT(want) || mono_ms_left(deadline) == 0)
				break;
			mono_sleep_ms(5);
		}
		h_stop(&so);
		char l1[200];
		cr_assert(n == COUNT(want) && memcmp(got, want, sizeof(want)) == 0,
			  "socat (%s) read messages of %s bytes from msgcli "
			  "--type %s; expected four reads of 1, 2, 300 and 4 "
			  "bytes: one send per message, on a %s socket", peers[k],
			  list_text(got, n, l1, sizeof(l1)), types[k],
			  k ? "SOCK_SEQPACKET" : "SOCK_DGRAM");
	}
}

CHECK(lab10, box_truncation, 2,
      "msgsrv --max 16 reports each message's real length (seqpacket and dgram), never cuts silently")
{
	size_t sizes[] = {10, 40, 16, 17};
	const char *want[] = {"got 10", "truncated 40 > 16", "got 16",
			      "truncated 17 > 16"};
	const char *types[] = {"seqpacket", "dgram"};
	for (int t = 0; t < 2; t++) {
		const char *ab = h_abstract();
		struct h_proc sp;
		start_server(&sp, ab, types[t], "--max", "16", NULL, NULL, NULL);
		int c = t_socket(t == 0 ? SOCK_SEQPACKET : SOCK_DGRAM,
				 t == 0 ? NULL : "@");
		cr_assert(t_connect(c, ab) == 0, "connecting the test's %s client "
			  "to msgsrv at %s: %s", types[t], ab, connect_story(errno));
		for (size_t k = 0; k < COUNT(sizes); k++) {
			char m[64];
			pattern(m, sizes[k], (int)k);
			cr_assert(send(c, m, sizes[k], MSG_NOSIGNAL) ==
				  (ssize_t)sizes[k], "sending to msgsrv: %s",
				  errno_name(errno));
		}
		char me[64] = "client 1";
		if (t == 1)
			own_name(c, me, sizeof(me));
		for (size_t k = 0; k < COUNT(sizes); k++) {
			char what[160];
			snprintf(what, sizeof(what), "message %zu (%zu bytes) sent "
				 "to msgsrv --type %s --max 16", k + 1, sizes[k],
				 types[t]);
			expect_reply(c, want[k], what, &sp);
			char line[200];
			int len = snprintf(line, sizeof(line), MSOCK_LOG_MESSAGE,
					   (unsigned long)k + 1, me, sizes[k]);
			if (sizes[k] > 16)
				snprintf(line + len, sizeof(line) - (size_t)len,
					 MSOCK_LOG_CUT, (size_t)16);
			expect_log_line(&sp, line, " (the real length, and the "
					"cut said)");
		}
		close(c);
		h_stop(&sp);
	}
}

/* The name msgcli printed in "autobound as NAME", or "" */
static void autobound_as(const char *out, char *name, size_t cap)
{
	const char *s = strstr(out, "autobound as ");
	name[0] = '\0';
	if (s)
		sscanf(s + strlen("autobound as "), "%63s", name);
	(void)cap;
}

CHECK(lab10, box_autobind_reply, 2,
      "msgsrv dgram answers each datagram at its own sender; msgcli --autobind gets them, unbound gets none")
{
	const char *ab = h_abstract();
	struct h_proc sp;
	start_server(&sp, ab, "dgram", NULL, NULL, NULL, NULL, NULL);
	/* First a client of the test's own, so that the server has seen
	 * another sender before msgcli. */
	int a = t_socket(SOCK_DGRAM, "@");
	char an[64];
	own_name(a, an, sizeof(an));
	t_sendto(a, "x", 1, ab);
	char what[200], buf[64], s[1000];
	snprintf(what, sizeof(what), "1 byte from the test's autobound client "
		 "%s", an);
	expect_reply(a, "got 1", what, &sp);

	const char *args[] = {ab, "--type", "dgram", "--autobind", "--timeout",
			      "1000", "one", "two", "three", NULL};
	struct h_result r;
	run_client(args, &r);
	char me[64];
	autobound_as(r.out, me, sizeof(me));
	cr_assert(is_autobind_text(me), "msgcli --type dgram --autobind printed "
		  "\"%.200s\"; expected \"autobound as @xxxxx\" first (five hex "
		  "digits)", h_one_line(r.out));
	/* Replies that went to the first client instead of msgcli. */
	ssize_t stray = recv(a, buf, sizeof(buf), MSG_DONTWAIT);
	cr_assert(stray < 0, "msgcli's replies arrived at the test's first "
		  "client %s instead: answer each datagram at the address that "
		  "came with IT, not one remembered from an earlier sender. "
		  "msgcli %s", an, r.what);
	char want[200];
	snprintf(want, sizeof(want), "autobound as %s\nreply 1: 5 bytes: got 3\n"
		 "reply 2: 5 bytes: got 3\nreply 3: 5 bytes: got 5\n", me);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
		  strcmp(r.out, want) == 0, "msgcli --type dgram --autobind one "
		  "two three %s and printed \"%.300s\"; expected three replies, "
		  "\"got 3\", \"got 3\", \"got 5\", one per message (stderr: "
		  "%.300s). %s", r.what, h_one_line(r.out), h_one_line(r.err),
		  story(&sp, s, sizeof(s)));
	h_result_free(&r);
	char line[200];
	snprintf(line, sizeof(line), "message 2 from %s: 3 bytes", me);
	expect_log_line(&sp, line, " (the sender's autobound name)");

	/* Without a name: the server cannot answer, and says so. */
	const char *args2[] = {ab, "--type", "dgram", "--timeout", "300", "alone",
			       NULL};
	run_client(args2, &r);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) ==
		  MSGCLI_EXIT_NOREPLY, "msgcli --type dgram without --autobind "
		  "%s (stdout: %.200s, stderr: %.300s); expected exit status %d: "
		  "no reply can reach a client that has no name", r.what,
		  h_one_line(r.out), h_one_line(r.err), MSGCLI_EXIT_NOREPLY);
	h_result_free(&r);
	snprintf(line, sizeof(line), MSOCK_LOG_NOREPLY, 5ul);
	expect_log_line(&sp, line, "");
	close(a);
}

CHECK(lab10, box_server_gone, 1,
      "msgcli with no server: ENOENT (exit 3), ECONNREFUSED (exit 4), dgram and seqpacket")
{
	const char *none = h_path("none.sock");
	const char *stale = h_path("stale.sock");
	close(t_socket(SOCK_DGRAM, stale)); /* a file nobody holds */
	const char *ab = h_abstract();
	struct {
		const char *addr, *type;
		int want;
		const char *what;
	} cases[] = {
		{none, "dgram", MSGCLI_EXIT_NOENT, "no file at the path (ENOENT)"},
		{none, "seqpacket", MSGCLI_EXIT_NOENT, "no file at the path "
		 "(ENOENT)"},
		{stale, "dgram", MSGCLI_EXIT_REFUSED, "a socket file nobody holds "
		 "(ECONNREFUSED)"},
		{stale, "seqpacket", MSGCLI_EXIT_REFUSED, "a socket file nobody "
		 "holds (ECONNREFUSED)"},
		{ab, "dgram", MSGCLI_EXIT_REFUSED, "an abstract name nobody holds "
		 "(ECONNREFUSED)"},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		const char *args[] = {cases[k].addr, "--type", cases[k].type,
				      "--autobind", "hello", NULL};
		struct h_result r;
		run_client(args, &r);
		cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) ==
			  cases[k].want, "msgcli --type %s to %s: expected exit "
			  "status %d; it %s, stderr: %.300s", cases[k].type,
			  cases[k].what, cases[k].want, r.what, h_one_line(r.err));
		h_result_free(&r);
	}
}

CHECK(lab10, box_full_queue, 1,
      "a client that never reads cannot stall msgsrv dgram: its replies are dropped (EAGAIN)")
{
	const char *ab = h_abstract();
	struct h_proc sp;
	start_server(&sp, ab, "dgram", NULL, NULL, NULL, NULL, NULL);
	/* q never reads. Its own sends are bounded, so that a server that
	 * stopped reading fails them instead of hanging the test. */
	int q = t_socket(SOCK_DGRAM, "@");
	struct timeval tv = {2, 0};
	setsockopt(q, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	long total = max_dgram_qlen() + 20;
	if (total > 400)
		total = 400;
	struct sockaddr_un sa;
	int sl = h_sockaddr(ab, &sa);
	char s[1000];
	for (long k = 0; k < total; k++) {
		if (sendto(q, "q", 1, MSG_NOSIGNAL, (struct sockaddr *)&sa,
			   (socklen_t)sl) == 1)
			continue;
		int e = errno;
		cr_assert_fail("the test's client could not send datagram %ld of "
			       "%ld to msgsrv (%s): msgsrv stopped receiving. Its "
			       "replies to this client, which never reads, "
			       "filled the client's queue; a reply sent without "
			       "MSG_DONTWAIT then blocks the whole server. %s",
			       k + 1, total, errno_name(e), story(&sp, s,
			       sizeof(s)));
	}
	char line[96];
	snprintf(line, sizeof(line), "message %ld from ", total);
	cr_assert(wait_output(&sp, line, 3.0), "msgsrv did not log message %ld "
		  "within 3 s, though the test sent %ld datagrams: it is stuck, "
		  "in a reply to a client that never reads (without "
		  "MSG_DONTWAIT) or in a receive that waits for more than one "
		  "datagram. %s", total, total, story(&sp, s, sizeof(s)));
	snprintf(line, sizeof(line), "message %ld: reply dropped: EAGAIN", total);
	expect_log_line(&sp, line, " (the client's queue is full)");
	/* Everybody else is still served. */
	int c = t_socket(SOCK_DGRAM, "@");
	t_sendto(c, "hello", 5, ab);
	expect_reply(c, "got 5", "another client's datagram, sent after the "
		     "full queue", &sp);
	close(c);
	close(q);
}

/* ==== trace checks ===================================================================== */

/* Argument i of ev as a number (-1 when it is not one). */
static long arg_num(const struct trace_event *ev, int i)
{
	char buf[64], *end;
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* The name in a traced address "{sa_family=AF_UNIX, sun_path=@\"x\"}" as
 * text ("@x", zero bytes as '@'; "" for the family alone). -1 when s has
 * no address. */
static int traced_name(const char *s, char *out, size_t cap)
{
	const char *f = strstr(s, "sa_family=AF_UNIX");
	if (!f)
		return -1;
	const char *p = strstr(f, "sun_path=");
	const char *close_brace = strchr(f, '}');
	out[0] = '\0';
	if (!p || (close_brace && close_brace < p))
		return 0;
	p += strlen("sun_path=");
	int abstract = *p == '@';
	if (abstract)
		p++;
	char q[512], raw[512];
	size_t n = 0;
	/* Copy the quoted string, to its closing quote. */
	if (*p != '"')
		return -1;
	q[n++] = *p++;
	while (*p && n + 2 < sizeof(q)) {
		if (*p == '\\' && p[1]) {
			q[n++] = *p++;
			q[n++] = *p++;
			continue;
		}
		q[n++] = *p;
		if (*p++ == '"')
			break;
	}
	q[n] = '\0';
	int trunc = 0;
	int len = trace_unquote(q, raw, sizeof(raw), &trunc);
	if (len < 0)
		return -1;
	size_t j = 0;
	if (abstract && j + 1 < cap)
		out[j++] = '@';
	for (int i = 0; i < len && j + 1 < cap; i++)
		out[j++] = raw[i] ? raw[i] : '@';
	out[j] = '\0';
	return (int)j;
}

/* A receive or send call of a datagram, as strace showed it. */
struct dcall {
	int recv;          /* 1 recvfrom/recvmsg/recv, 0 sendto/sendmsg */
	char name[200];    /* the address's text, "" when none */
	int has_name;      /* an address was given */
	long len_in;       /* the length given (for a receive, the room) */
	long len_out;      /* the length the kernel wrote back (receive) */
	long buf;          /* the buffer's size, -1 when unknown */
	char flags[160];   /* the flags argument */
};

/* Decodes ev when it is a receive or a send call. Returns 1, or 0. */
static int decode_dcall(const struct trace_event *ev, struct dcall *d)
{
	memset(d, 0, sizeof(*d));
	d->len_in = d->len_out = d->buf = -1;
	char a[1024];
	const char *nm = ev->name;
	if (strcmp(nm, "recvfrom") == 0 || strcmp(nm, "sendto") == 0) {
		d->recv = nm[0] == 'r';
		d->buf = arg_num(ev, 2);
		if (trace_arg(ev, 3, d->flags, sizeof(d->flags)) < 0)
			d->flags[0] = '\0';
		if (trace_arg(ev, 4, a, sizeof(a)) >= 0 &&
		    traced_name(a, d->name, sizeof(d->name)) >= 0)
			d->has_name = 1;
		if (trace_arg(ev, 5, a, sizeof(a)) >= 0) {
			/* "[110 => 8]" for a receive, "8" for a send. */
			const char *s = a[0] == '[' ? a + 1 : a;
			d->len_in = strtol(s, NULL, 10);
			const char *arrow = strstr(a, "=>");
			d->len_out = arrow ? strtol(arrow + 2, NULL, 10) : d->len_in;
		}
		return 1;
	}
	if (strcmp(nm, "recvmsg") == 0 || strcmp(nm, "sendmsg") == 0) {
		d->recv = nm[0] == 'r';
		if (trace_arg(ev, 2, d->flags, sizeof(d->flags)) < 0)
			d->flags[0] = '\0';
		if (trace_arg(ev, 1, a, sizeof(a)) < 0)
			return 1;
		const char *mn = strstr(a, "msg_name=");
		if (mn && traced_name(mn, d->name, sizeof(d->name)) >= 0)
			d->has_name = 1;
		const char *ml = strstr(a, "msg_namelen=");
		if (ml) {
			d->len_in = strtol(ml + 12, NULL, 10);
			const char *arrow = strstr(ml, "=>");
			const char *comma = strchr(ml, ',');
			d->len_out = arrow && (!comma || arrow < comma)
				     ? strtol(arrow + 2, NULL, 10) : d->len_in;
		}
		const char *il = strstr(a, "iov_len=");
		if (il)
			d->buf = strtol(il + 8, NULL, 10);
		return 1;
	}
	if (strcmp(nm, "recv") == 0 || strcmp(nm, "send") == 0) {
		d->recv = nm[0] == 'r';
		d->buf = arg_num(ev, 2);
		if (trace_arg(ev, 3, d->flags, sizeof(d->flags)) < 0)
			d->flags[0] = '\0';
		return 1;
	}
	return 0;
}

/* Index of the next completed receive (want_recv 1) or send call at or
 * after i, decoded into d, or -1. */
static long next_dcall(const struct trace *t, size_t i, int want_recv,
		       struct dcall *d)
{
	for (; i < t->n; i++) {
		const struct trace_event *ev = &t->ev[i];
		if (ev->kind != TRACE_CALL || !ev->has_ret)
			continue;
		if (decode_dcall(ev, d) && d->recv == want_recv)
			return (long)i;
	}
	return -1;
}

/* Runs msgsrv under strace for the length of body's exchange, then loads
 * its trace. */
static void load_server_trace(struct h_proc *sp, const char *tp, struct trace *t)
{
	if (h_wait_exit(sp, 3.0) != 0)
		h_stop(sp);
	cr_assert(trace_load(tp, t) == 0, "could not read the trace %s: %s", tp,
		  strerror(errno));
}

/* 1 when argument 1 of ev is an address with only the family. */
static int family_only(const struct trace_event *ev)
{
	char buf[256];
	return trace_arg(ev, 1, buf, sizeof(buf)) > 0 &&
	       strcmp(buf, "{sa_family=AF_UNIX}") == 0;
}

CHECK(lab10, trace_autobind_reply, 3,
      "strace: the client binds with length 2; the server's sendto() uses recvfrom()'s address and length (8)")
{
	const char *ab = h_abstract();
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	start_server(&sp, ab, "dgram", "--count", "3", NULL, NULL, tp);
	const char *argv[] = {h_bin("msgcli"), ab, "--type", "dgram",
			      "--autobind", "one", "two", "three", NULL};
	struct h_result r;
	struct trace ct = {0};
	cr_assert(h_trace(argv, NULL, 0, 5.0, &r, &ct) == 0, "could not run "
		  "msgcli under strace: %s", strerror(errno));
	struct trace st = {0};
	load_server_trace(&sp, tp, &st);
	char me[64];
	autobound_as(r.out, me, sizeof(me));

	/* The client: bind(fd, {sa_family=AF_UNIX}, 2) before it sends. */
	const char *csum = h_trace_summary(&ct, 30);
	long first_send = trace_find(&ct, "sendto", 0);
	long b = trace_find(&ct, "bind", 0);
	cr_assert(b >= 0 && (first_send < 0 || b < first_send), "msgcli --type "
		  "dgram --autobind made no bind() before sending (it %s): a "
		  "client without a name cannot be answered. Calls seen:\n%s",
		  r.what, csum);
	cr_assert(family_only(&ct.ev[b]) && arg_num(&ct.ev[b], 2) ==
		  (long)sizeof(sa_family_t) && ct.ev[b].ret == 0, "msgcli "
		  "--autobind: expected bind(fd, {sa_family=AF_UNIX}, 2) = 0, "
		  "the family alone, so that the kernel chooses the name%s; the "
		  "kernel saw: %s", arg_num(&ct.ev[b], 2) == 3 ? " (length 3 "
		  "binds the empty abstract name \"@\" instead)" : "",
		  ct.ev[b].line);
	cr_assert(is_autobind_text(me), "msgcli --autobind printed \"%.200s\"; "
		  "expected \"autobound as @xxxxx\"", h_one_line(r.out));

	/* The server: each receive names the client with length 8, and the
	 * send after it uses exactly that address and length. */
	const char *ssum = h_trace_summary(&st, 40);
	size_t from = 0;
	int pairs = 0;
	for (int k = 1; k <= 3; k++) {
		struct dcall rc, sc;
		long ri = next_dcall(&st, from, 1, &rc);
		cr_assert(ri >= 0, "msgsrv's trace has no receive for datagram %d "
			  "of msgcli's three; calls seen:\n%s", k, ssum);
		const char *rl = st.ev[ri].line;
		cr_assert(rc.has_name && rc.len_in >= (long)sizeof(struct
			  sockaddr_un), "msgsrv's receive of datagram %d gave the "
			  "kernel room for %ld bytes of address; give it "
			  "sizeof(struct sockaddr_un) = 110 before every call "
			  "(the length is value-result: the kernel copies no "
			  "more than it is given).\nThe call: %.500s", k,
			  rc.len_in, rl);
		cr_assert(rc.len_out == 8 && strcmp(rc.name, me) == 0, "msgsrv's "
			  "receive of datagram %d reported the sender \"%s\" with "
			  "length %ld; msgcli is %s (length 8).\nThe call: %.500s",
			  k, rc.name, rc.len_out, me, rl);
		long si = next_dcall(&st, (size_t)ri + 1, 0, &sc);
		long rnext = next_dcall(&st, (size_t)ri + 1, 1, &rc);
		cr_assert(si >= 0 && (rnext < 0 || si < rnext), "msgsrv sent no "
			  "reply to datagram %d (no sendto() after its receive); "
			  "calls seen:\n%s", k, ssum);
		const char *sl = st.ev[si].line;
		cr_assert(sc.has_name, "msgsrv's reply to datagram %d was sent "
			  "without an address: a datagram socket that is not "
			  "connected needs sendto() with the sender's address.\n"
			  "The call: %.500s", k, sl);
		cr_assert(sc.len_in == 8, "msgsrv's sendto() for datagram %d got "
			  "addrlen %ld; recvfrom() reported 8 for %s%s.\nThe call: "
			  "%.500s", k, sc.len_in, me, sc.len_in == (long)sizeof(
			  struct sockaddr_un) ? ". That is sizeof(struct "
			  "sockaddr_un): the zeros after the five hex digits "
			  "become part of the name, which nobody holds "
			  "(ECONNREFUSED)" : "", sl);
		cr_assert(strcmp(sc.name, me) == 0, "msgsrv's sendto() for "
			  "datagram %d named \"%s\"; the datagram came from %s: "
			  "answer at the address recvfrom() gave for it.\nThe "
			  "call: %.500s", k, sc.name, me, sl);
		cr_assert(st.ev[si].ret >= 0, "msgsrv's reply to datagram %d "
			  "failed: %.500s", k, sl);
		pairs++;
		from = (size_t)si + 1;
	}
	cr_assert(pairs == 3, "expected three receive/reply pairs");
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "msgcli "
		  "--autobind %s (stdout: %.300s)", r.what, h_one_line(r.out));
	trace_free(&st);
	trace_free(&ct);
	h_result_free(&r);
}

CHECK(lab10, trace_truncation, 1,
      "strace: msgsrv --max 16 receives a 40-byte datagram with MSG_TRUNC, which returns 40")
{
	const char *ab = h_abstract();
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	start_server(&sp, ab, "dgram", "--max", "16", "--count", "1", tp);
	int c = t_socket(SOCK_DGRAM, "@");
	char m[40];
	pattern(m, sizeof(m), 3);
	t_sendto(c, m, sizeof(m), ab);
	char buf[64];
	t_recv(c, buf, sizeof(buf), 2000, NULL, 0);
	close(c);
	struct trace st = {0};
	load_server_trace(&sp, tp, &st);
	struct dcall d;
	long i = -1;
	for (size_t from = 0;; from = (size_t)i + 1) {
		i = next_dcall(&st, from, 1, &d);
		if (i < 0 || !strstr(d.flags, "MSG_PEEK"))
			break;
	}
	cr_assert(i >= 0, "no receive call in msgsrv's trace; calls seen:\n%s",
		  h_trace_summary(&st, 30));
	const char *line = st.ev[i].line;
	cr_assert(strstr(d.flags, "MSG_TRUNC") != NULL, "msgsrv received the "
		  "40-byte datagram without MSG_TRUNC in the flags (\"%s\"): "
		  "the receive then returns what fit (%ld) and the real length "
		  "is lost.\nThe call: %.500s", d.flags, st.ev[i].ret, line);
	cr_assert(st.ev[i].ret == 40, "msgsrv's receive returned %ld for a "
		  "40-byte datagram; with MSG_TRUNC it returns the real length, "
		  "40.\nThe call: %.500s", st.ev[i].ret, line);
	cr_assert(d.buf == 16, "msgsrv --max 16 received into a buffer of %ld "
		  "bytes; expected 16.\nThe call: %.500s", d.buf, line);
	trace_free(&st);
}

CHECK(lab10, trace_peek, 1,
      "strace: msgsrv --peek asks recv(MSG_PEEK|MSG_TRUNC) for the size, then takes 100000 bytes whole")
{
	const char *ab = h_abstract();
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	start_server(&sp, ab, "seqpacket", "--peek", "--count", "1", NULL, tp);
	int c = t_socket(SOCK_SEQPACKET, NULL);
	cr_assert(t_connect(c, ab) == 0, "connecting to msgsrv --peek at %s: %s",
		  ab, connect_story(errno));
	size_t big = 100000;
	char *m = malloc(big);
	cr_assert(m != NULL, "test setup: malloc");
	pattern(m, big, 1);
	cr_assert(send(c, m, big, MSG_NOSIGNAL) == (ssize_t)big &&
		  send(c, "abc", 3, MSG_NOSIGNAL) == 3, "sending to msgsrv: %s",
		  errno_name(errno));
	free(m);
	expect_reply(c, "got 100000", "a 100000-byte message to msgsrv --peek",
		     &sp);
	expect_reply(c, "got 3", "the 3-byte message after it", &sp);
	shutdown(c, SHUT_WR);
	char buf[16];
	t_recv(c, buf, sizeof(buf), 2000, NULL, 0);
	close(c);
	struct trace st = {0};
	load_server_trace(&sp, tp, &st);
	const char *sum = h_trace_summary(&st, 30);
	struct dcall d;
	long p = -1;
	for (size_t from = 0;; from = (size_t)p + 1) {
		p = next_dcall(&st, from, 1, &d);
		if (p < 0 || (strstr(d.flags, "MSG_PEEK") && st.ev[p].ret > 0))
			break;
	}
	cr_assert(p >= 0, "msgsrv --peek made no receive with MSG_PEEK; calls "
		  "seen:\n%s", sum);
	cr_assert(strstr(d.flags, "MSG_TRUNC") && st.ev[p].ret == (long)big,
		  "msgsrv's first peek returned %ld with the flags \"%s\"; "
		  "recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC) returns the real "
		  "length of the next message, 100000.\nThe call: %.500s",
		  st.ev[p].ret, d.flags, st.ev[p].line);
	long g = next_dcall(&st, (size_t)p + 1, 1, &d);
	cr_assert(g >= 0 && !strstr(d.flags, "MSG_PEEK"), "no receive after "
		  "msgsrv's peek; calls seen:\n%s", sum);
	cr_assert(st.ev[g].ret == (long)big && d.buf >= (long)big, "after the "
		  "peek said 100000, msgsrv received with a buffer of %ld bytes "
		  "and got %ld; expected a buffer of 100000 and the message "
		  "whole.\nThe call: %.500s", d.buf, st.ev[g].ret, st.ev[g].line);
	trace_free(&st);
}
