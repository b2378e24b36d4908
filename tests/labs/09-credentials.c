/* 09-credentials.c: graded checks of lab 09, credentials and permissions.
 *
 * unit_  calls the student's cred_peer, cred_listen, fd_send, fd_recv,
 *        cred_serve, cred_hello and cred_fetch directly, with the test's
 *        own sockets (and its own sendmsg()/recvmsg()) as the other end;
 * box_   starts the lab's credsrv and credcli, as the test's user and as
 *        another user, and talks to credsrv with the test's own client,
 *        one that lies about its uid;
 * trace_ runs credsrv and credcli under strace: the umask (or fchmod)
 *        before bind() and no chmod() after it, SO_PEERCRED read on the
 *        accepted socket before the reply, and the SCM_RIGHTS control
 *        message as the kernel saw it on both sides.
 *
 * Another user. Where the checks run as root (the grader's sandbox runs
 * them as root, possibly in a user namespace that maps uid 65534), a
 * forked child becomes uid and gid 65534 with setgroups(0, NULL),
 * setgid() and setuid(), and plays the stranger: it must be refused by
 * SO_PEERCRED, get EACCES from a socket file of mode 0600, and still read
 * a file of mode 0600 through a passed descriptor. Where that is not
 * possible (not root, or setuid refused), every check that needs it says
 * so in its messages (and with an info line), and tests what one user
 * can: the pid and uid the kernel reports for a child of the same user,
 * a policy that leaves out the test's own uid, a mode without the owner's
 * write bit.
 *
 * Descriptors are counted in /proc/self/fd before and after every call
 * that receives some, so that a descriptor left open on an error path is
 * a failure, not a slow leak nobody sees. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/credentials.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* The other user of the checks: "nobody" on Debian. */
#define OTHER_UID H_OTHER_UID
/* A uid nobody has here, for claims and for policies that leave out the
 * test's own user. */
#define STRANGER_UID 4242
/* What the passed files hold: the offset checks read from the middle. */
#define SECRET "0123456789 the content of a file only its owner may open\n"

enum { DROP_FAILED = 200, EXEC_FAILED = 201 };

/* ---- small helpers -------------------------------------------------------- */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	cr_assert(fd >= 0 && write_full(fd, text, strlen(text)) ==
		  (ssize_t)strlen(text), "test setup: cannot write %s: %s",
		  path, strerror(errno));
	close(fd);
	cr_assert(chmod(path, mode) == 0, "test setup: chmod %s: %s", path,
		  strerror(errno));
}

/* 1 when a and b are descriptors of the same file. */
static int same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Bounds every later read (and accept) on fd. */
static void set_rcvtimeo(int fd, int seconds)
{
	struct timeval tv = {seconds, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void socket_pair(int sv[2])
{
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		  "test setup: socketpair: %s", strerror(errno));
	set_rcvtimeo(sv[0], 3);
	set_rcvtimeo(sv[1], 3);
}

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

/* ---- the test's own side of the protocol ------------------------------------- */

/* Reads one line (without its '\n') one byte at a time, like the lab's
 * cred_read_line(). Returns its length, 0 at EOF before any byte, -1 with
 * errno (EAGAIN when the socket's timeout passed). */
static ssize_t own_read_line(int fd, char *line, size_t cap)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			line[n] = '\0';
			return n == 0 ? 0 : (ssize_t)n;
		}
		if (c == '\n' || n + 1 >= cap) {
			line[n] = '\0';
			return (ssize_t)n + (c == '\n');
		}
		line[n++] = c;
	}
}

/* Sends data with the descriptors fds[0..n) in one SCM_RIGHTS message
 * (none when n is 0), as a correct sender does. */
static void own_send(int s, const char *data, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = {(void *)data, strlen(data)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n > 0) {
		cr_assert(n <= 64, "test setup: at most 64 descriptors");
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	}
	ssize_t r = sendmsg(s, &msg, MSG_NOSIGNAL);
	cr_assert(r == (ssize_t)strlen(data), "test setup: sendmsg: %s",
		  strerror(errno));
}

/* What the test's own recvmsg() saw: the bytes, every descriptor of every
 * SCM_RIGHTS control message, and the shape of the control data. */
struct own_msg {
	ssize_t n;              /* recvmsg()'s result */
	int err;                /* its errno when n == -1 */
	char data[256];         /* the bytes, zero-terminated */
	int fds[64];
	int nfds;
	int ncmsg;              /* control messages of any type */
	size_t first_len;       /* cmsg_len of the first one */
	int first_level, first_type;
	int flags;              /* msg_flags */
};

/* Receives one message with a control buffer big enough for 64
 * descriptors, so that nothing the sender put in is lost. */
static void own_recv(int s, struct own_msg *m)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} control;
	memset(m, 0, sizeof(*m));
	struct iovec iov = {m->data, sizeof(m->data) - 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	do
		m->n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	while (m->n == -1 && errno == EINTR);
	m->err = errno;
	if (m->n < 0)
		return;
	m->flags = msg.msg_flags;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (m->ncmsg++ == 0) {
			m->first_len = c->cmsg_len;
			m->first_level = c->cmsg_level;
			m->first_type = c->cmsg_type;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && m->nfds < 64; i++)
			memcpy(&m->fds[m->nfds++], CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
	}
}

static void own_close_fds(struct own_msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

/* The whole content of fd from its current offset (at most 4 KiB). */
static char *content_of(int fd)
{
	static char buf[4096];
	ssize_t n = read_full(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Opens a copy of SECRET at path, mode 0600 (its owner only). */
static int open_secret(const char *path)
{
	write_file(path, SECRET, 0600);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0, "test setup: open %s: %s", path, strerror(errno));
	return fd;
}

/* ---- another user ---------------------------------------------------------------- */

/* Whether a forked child can become uid 65534 here; when not, *why says
 * why, for messages. */
static int other_user(const char **why)
{
	static const char *reason;
	static int known = -1;
	if (known < 0) {
		if (geteuid() == 0) {
			pid_t pid = fork();
			cr_assert(pid != -1, "test setup: fork: %s", strerror(errno));
			if (pid == 0)
				_exit(h_become_other_user() == 0 ? 0 : 1);
			int st;
			cr_assert(waitpid(pid, &st, 0) == pid, "test setup: waitpid");
			known = WIFEXITED(st) && WEXITSTATUS(st) == 0;
			reason = "setuid(65534) was refused here (a user namespace "
				 "that maps no such uid?)";
		} else {
			known = 0;
			reason = "the checks do not run as root, so they cannot "
				 "switch to uid 65534";
		}
	}
	if (why)
		*why = known ? "" : reason;
	return known;
}

/* A phrase for messages saying who played the other side. */
static const char *who_note(int other)
{
	static char buf[300];
	const char *why;
	if (other)
		return "(the other side ran as uid 65534)";
	other_user(&why);
	snprintf(buf, sizeof(buf), "(no second user here: %s; the other side "
		 "ran as the test's own user)", why);
	return buf;
}

/* Says once, in the log, that a check runs with one user only. */
static void note_single_user(const char *check)
{
	const char *why;
	if (!other_user(&why))
		cr_log_info("%s: no second user: %s; testing what one user can",
			    check, why);
}

/* Copies a program of the lab into this test's dir, and makes the dir
 * searchable and the copy executable by any user: the build tree may be
 * private. */
static const char *public_copy(const char *prog)
{
	const char *bin = h_bin(prog);
	char *data;
	size_t len;
	int in = open(bin, O_RDONLY | O_CLOEXEC);
	cr_assert(in != -1, "cannot open %s: %s (was it built?)", bin,
		  strerror(errno));
	cr_assert(read_all(in, 64 << 20, &data, &len) == 0,
		  "test setup: reading %s: %s", bin, strerror(errno));
	close(in);
	char name[64];
	snprintf(name, sizeof(name), "%s-copy", prog);
	const char *copy = h_path(name);
	int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	cr_assert(out != -1 && write_full(out, data, len) == (ssize_t)len,
		  "test setup: writing %s: %s", copy, strerror(errno));
	free(data);
	cr_assert(close(out) == 0 && chmod(copy, 0755) == 0 &&
		  chmod(h_dir(), 0711) == 0, "test setup: making %s "
		  "executable by all: %s", copy, strerror(errno));
	return copy;
}

/* A program run to its end, as the test's user or as uid 65534. */
struct ran {
	pid_t pid;
	int status;
	char *out, *err;
	char what[96];
};

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, 1 << 16, &text, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return strdup("");
	}
	close(fd);
	return text;
}

/* Runs argv (NULL-ended), as uid 65534 when other is 1, for at most 4 s
 * (an alarm ends it), with stdout and stderr captured. */
static void run_as(int other, const char *const argv[], struct ran *r)
{
	const char *po = h_path("run.out"), *pe = h_path("run.err");
	unlink(po);
	unlink(pe);
	int out = open(po, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int err = open(pe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	cr_assert(out != -1 && err != -1, "test setup: %s: %s", po,
		  strerror(errno));
	pid_t pid = fork();
	cr_assert(pid != -1, "test setup: fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		if (other && h_become_other_user() == -1)
			_exit(DROP_FAILED);
		/* Set after the uid change, which clears it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(4);
		execv(argv[0], (char *const *)argv);
		_exit(EXEC_FAILED);
	}
	close(out);
	close(err);
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	cr_assert(waitpid(pid, &r->status, 0) == pid, "test setup: waitpid: %s",
		  strerror(errno));
	r->out = slurp(po);
	r->err = slurp(pe);
	if (WIFEXITED(r->status))
		snprintf(r->what, sizeof(r->what), "exited with status %d",
			 WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		snprintf(r->what, sizeof(r->what), "was killed by signal %d%s",
			 WTERMSIG(r->status), WTERMSIG(r->status) == SIGALRM ?
			 " (SIGALRM: still running after 4 s)" : "");
	cr_assert(!(WIFEXITED(r->status) && WEXITSTATUS(r->status) == DROP_FAILED),
		  "test setup: the child could not become uid 65534");
}

static void ran_free(struct ran *r)
{
	free(r->out);
	free(r->err);
}

static int exited_with(const struct ran *r, int code)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

/* ---- the lab's programs ------------------------------------------------------------ */

/* Starts credsrv with the given arguments (NULL-ended). */
static void start_server(struct h_proc *p, const char *a0, ...)
{
	const char *argv[24] = {h_bin("credsrv"), a0};
	size_t n = 2;
	va_list ap;
	va_start(ap, a0);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n + 1 < COUNT(argv))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
}

/* Waits until p listens at addr, or fails with how it ended. */
static void wait_listening(struct h_proc *p, const char *addr)
{
	char why[1200];
	if (h_wait_listening(p, addr, 5.0, why, sizeof(why)) == 0)
		return;
	cr_assert_fail("expected credsrv to listen at %s: %s", addr, why);
}

/* Polls p's stdout until it holds want, for up to 3 s. Returns the
 * output (malloc) either way; the caller checks. */
static char *wait_output(struct h_proc *p, const char *want)
{
	int64_t deadline = mono_deadline(3.0);
	for (;;) {
		char *out = h_output(p, 1);
		if (strstr(out, want) || mono_ms_left(deadline) == 0 ||
		    (p->done || h_wait_exit(p, 0) == 0)) {
			if (!strstr(out, want)) {
				free(out);
				out = h_output(p, 1);
			}
			return out;
		}
		free(out);
		mono_sleep_ms(5);
	}
}

/* As the test's own client: connects to addr, sends "HELLO <claim>" and
 * reads the reply line into reply. Returns the connected fd. */
static int own_hello(const char *addr, long claim, char *reply, size_t cap)
{
	int fd = h_connect(addr);
	cr_assert(fd >= 0, "the test's client could not connect to credsrv at "
		  "%s: %s", addr, errno_name(errno));
	set_rcvtimeo(fd, 3);
	char line[64];
	int len = snprintf(line, sizeof(line), "HELLO %ld\n", claim);
	cr_assert(write_full(fd, line, (size_t)len) == len,
		  "the test's client could not send its HELLO: %s",
		  errno_name(errno));
	ssize_t n = own_read_line(fd, reply, cap);
	cr_assert(n > 0, "credsrv at %s did not answer the HELLO (%s)", addr,
		  n == 0 ? "it closed the connection" : errno_name(errno));
	return fd;
}

/* ==== unit checks: cred_peer =========================================================== */

CHECK(lab09, unit_peer_self, 1,
      "cred_peer: SO_PEERCRED of a socketpair is this process; ENOTCONN, ENOTSOCK, EBADF")
{
	int sv[2];
	socket_pair(sv);
	struct ucred c;
	memset(&c, 0xA5, sizeof(c));
	errno = 0;
	int r = cred_peer(sv[0], &c);
	int e = errno;
	check_ok(r, e, "cred_peer(one end of a socketpair)");
	cr_assert(c.pid == getpid() && c.uid == geteuid() && c.gid == getegid(),
		  "cred_peer(one end of a socketpair) gave pid=%ld uid=%u gid=%u; "
		  "the kernel records the process that called socketpair(): "
		  "pid=%ld uid=%u gid=%u (getsockopt(fd, SOL_SOCKET, "
		  "SO_PEERCRED, &ucred, &len))", (long)c.pid, (unsigned)c.uid,
		  (unsigned)c.gid, (long)getpid(), (unsigned)geteuid(),
		  (unsigned)getegid());
	close(sv[0]);
	close(sv[1]);

	/* A socket with no peer: the kernel answers pid 0 and uid -1
	 * without an error, which the function must not pass on as a
	 * process. */
	int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(u >= 0, "test setup: socket: %s", strerror(errno));
	memset(&c, 0xA5, sizeof(c));
	errno = 0;
	r = cred_peer(u, &c);
	e = errno;
	cr_assert(!(r == 0 && c.pid == 0), "cred_peer(an unconnected socket) "
		  "returned 0 with pid 0 and uid %d: that is how the kernel says "
		  "\"nobody\" (getsockopt() does not fail); report ENOTCONN",
		  (int)c.uid);
	check_errno(r, e, ENOTCONN, "cred_peer(an unconnected socket)");
	close(u);

	int f = open("/dev/null", O_RDONLY | O_CLOEXEC);
	errno = 0;
	r = cred_peer(f, &c);
	e = errno;
	check_errno(r, e, ENOTSOCK, "cred_peer(a descriptor of /dev/null)");
	close(f);
	errno = 0;
	r = cred_peer(f, &c);
	e = errno;
	check_errno(r, e, EBADF, "cred_peer(a closed descriptor)");
	socket_pair(sv);
	errno = 0;
	r = cred_peer(sv[0], NULL);
	e = errno;
	check_errno(r, e, EINVAL, "cred_peer(fd, NULL)");
	close(sv[0]);
	close(sv[1]);
}

/* A forked child, as uid 65534 when other is 1, that connects to addr,
 * writes one byte and waits for EOF (5 s at most). */
static pid_t child_connects(const char *addr, int other)
{
	pid_t pid = fork();
	cr_assert(pid != -1, "test setup: fork: %s", strerror(errno));
	if (pid == 0) {
		alarm(5);
		if (other && h_become_other_user() == -1)
			_exit(DROP_FAILED);
		int fd = h_connect(addr);
		if (fd < 0)
			_exit(3);
		char c = 'x';
		if (write(fd, &c, 1) != 1)
			_exit(4);
		while (read(fd, &c, 1) > 0)
			;
		_exit(0);
	}
	return pid;
}

/* A forked child, as uid 65534 when other is 1, that listens at addr,
 * writes a byte on ready when it does, and accepts until killed. */
static pid_t child_listens(const char *addr, int other, int ready)
{
	pid_t pid = fork();
	cr_assert(pid != -1, "test setup: fork: %s", strerror(errno));
	if (pid == 0) {
		alarm(5);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (other && h_become_other_user() == -1)
			_exit(DROP_FAILED);
		int lfd = h_listen(addr, 5);
		if (lfd < 0)
			_exit(3);
		char c = 'r';
		if (write(ready, &c, 1) != 1)
			_exit(4);
		for (;;) {
			int fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				_exit(5);
			/* Hold it until the client closes; report bytes
			 * received in the exit status (a squatter's view). */
			char buf[64];
			ssize_t n = read(fd, buf, sizeof(buf));
			_exit(n > 0 ? 10 : 0);
		}
	}
	return pid;
}

static void stop_child(pid_t pid, int *status)
{
	int st;
	kill(pid, SIGKILL);
	waitpid(pid, status ? status : &st, 0);
}

/* Waits up to 3 s for one byte on fd (a child saying it is ready). */
static int wait_ready(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;
	return poll(&p, 1, 3000) == 1 && read(fd, &c, 1) == 1 ? 0 : -1;
}

CHECK(lab09, unit_peer_other_uid, 2,
      "cred_peer: the connecting process's pid and uid (65534 when possible), both ways")
{
	int other = other_user(NULL);
	note_single_user("unit_peer_other_uid");
	uid_t want_uid = other ? OTHER_UID : geteuid();
	gid_t want_gid = other ? OTHER_UID : getegid();

	/* The server's view: who connected. */
	const char *ab = h_abstract();
	int lfd = h_listen(ab, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", ab, strerror(errno));
	set_rcvtimeo(lfd, 3);
	pid_t child = child_connects(ab, other);
	int cfd = accept(lfd, NULL, NULL);
	int ae = errno;
	if (cfd < 0) {
		int st;
		stop_child(child, &st);
		cr_assert_fail("test setup: the child never connected (%s, child "
			       "status 0x%x)", errno_name(ae), st);
	}
	struct ucred c;
	memset(&c, 0xA5, sizeof(c));
	errno = 0;
	int r = cred_peer(cfd, &c);
	int e = errno;
	close(cfd);
	close(lfd);
	stop_child(child, NULL);
	check_ok(r, e, "cred_peer(an accepted connection)");
	cr_assert(c.pid == child && c.uid == want_uid && c.gid == want_gid,
		  "cred_peer(the accepted connection of a child) gave pid=%ld "
		  "uid=%u gid=%u; expected the process that called connect(): "
		  "pid=%ld uid=%u gid=%u %s", (long)c.pid, (unsigned)c.uid,
		  (unsigned)c.gid, (long)child, (unsigned)want_uid,
		  (unsigned)want_gid, who_note(other));

	/* The client's view: who called listen(). */
	const char *ab2 = h_abstract();
	int ready[2];
	cr_assert(pipe2(ready, O_CLOEXEC) == 0, "test setup: pipe: %s",
		  strerror(errno));
	pid_t srv = child_listens(ab2, other, ready[1]);
	close(ready[1]);
	int ok = wait_ready(ready[0]);
	close(ready[0]);
	if (ok != 0) {
		int st;
		stop_child(srv, &st);
		cr_assert_fail("test setup: the listening child never got ready "
			       "(status 0x%x)", st);
	}
	int fd = h_connect(ab2);
	cr_assert(fd >= 0, "test setup: connect to %s: %s", ab2, strerror(errno));
	memset(&c, 0xA5, sizeof(c));
	errno = 0;
	r = cred_peer(fd, &c);
	e = errno;
	close(fd);
	stop_child(srv, NULL);
	check_ok(r, e, "cred_peer(a client's connected socket)");
	cr_assert(c.pid == srv && c.uid == want_uid, "cred_peer on the client's "
		  "socket gave pid=%ld uid=%u; seen from a client, SO_PEERCRED "
		  "names the process that called listen(): pid=%ld uid=%u %s",
		  (long)c.pid, (unsigned)c.uid, (long)srv, (unsigned)want_uid,
		  who_note(other));
}

/* ==== unit checks: cred_listen ========================================================= */

/* Says what a wrong mode most likely comes from. */
static const char *mode_story(mode_t got, mode_t want, mode_t mask)
{
	static char buf[400];
	if (got == (0777 & ~mask))
		snprintf(buf, sizeof(buf), " That is 0777 & ~umask (%04o): the "
			 "file was born with the process's umask and the requested "
			 "mode was never applied; set the umask to ~mode & 0777 "
			 "around bind().", (unsigned)mask);
	else if (got == (want & ~mask))
		snprintf(buf, sizeof(buf), " That is the mode masked by the "
			 "umask (%04o & ~%04o): fchmod() before bind() is masked by "
			 "the umask too; set the umask to ~mode & 0777 for the "
			 "bind().", (unsigned)want, (unsigned)mask);
	else
		buf[0] = '\0';
	return buf;
}

CHECK(lab09, unit_listen_mode, 2,
      "cred_listen: the socket file has exactly the mode asked, whatever the umask, which is kept")
{
	static const struct {
		mode_t mode, mask;
	} cases[] = {
		{0600, 022}, {0666, 077}, {0640, 0}, {0660, 027},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		char name[32];
		snprintf(name, sizeof(name), "m%zu.sock", k);
		const char *p = h_path(name);
		mode_t old = umask(cases[k].mask);
		errno = 0;
		int fd = cred_listen(p, cases[k].mode, 5);
		int e = errno;
		mode_t after = umask(old);
		char what[200];
		snprintf(what, sizeof(what), "cred_listen(\"%s\", %04o, 5) with "
			 "umask %04o", p, (unsigned)cases[k].mode,
			 (unsigned)cases[k].mask);
		check_ok(fd, e, what);
		cr_assert(after == cases[k].mask, "%s left the umask at %04o: put "
			  "the old umask back right after bind() (umask() returns "
			  "it); the umask belongs to the whole process and masks "
			  "every file it creates later", what, (unsigned)after);
		struct stat st;
		cr_assert(stat(p, &st) == 0, "%s returned %d but there is no "
			  "file at the path: %s", what, fd, strerror(errno));
		mode_t got = st.st_mode & 07777;
		cr_assert(S_ISSOCK(st.st_mode), "%s: the file at the path is not "
			  "a socket (mode 0%o)", what, (unsigned)st.st_mode);
		cr_assert(got == cases[k].mode, "%s: the socket file has mode "
			  "%04o; expected %04o.%s", what, (unsigned)got,
			  (unsigned)cases[k].mode, mode_story(got, cases[k].mode,
			  cases[k].mask));
		int flags = fcntl(fd, F_GETFD);
		cr_assert(flags != -1 && (flags & FD_CLOEXEC), "%s: the listening "
			  "socket lacks FD_CLOEXEC (socket(..., SOCK_STREAM | "
			  "SOCK_CLOEXEC, 0))", what);
		int c = h_connect(p);
		int ce = errno;
		cr_assert(c >= 0, "%s: the test's own client could not connect: %s "
			  "(is it listening?)", what, errno_name(ce));
		close(c);
		close(fd);
	}

	/* An abstract name has no file: the mode has nothing to apply to. */
	const char *ab = h_abstract();
	errno = 0;
	int fd = cred_listen(ab, 0600, 5);
	int e = errno;
	check_ok(fd, e, "cred_listen(an abstract name, 0600, 5)");
	int c = h_connect(ab);
	int ce = errno;
	close(fd);
	cr_assert(c >= 0, "cred_listen(%s, 0600, 5): the test's client could not "
		  "connect: %s", ab, errno_name(ce));
	close(c);
}

CHECK(lab09, unit_listen_errors, 1,
      "cred_listen: EINVAL, ENAMETOOLONG, EADDRINUSE, ENOENT; nothing left open, umask kept")
{
	const char *taken = h_path("taken");
	write_file(taken, "not a socket\n", 0644);
	const char *missing = h_path("no-such-dir/s.sock");
	const char *ab = h_abstract();
	int holder = h_listen(ab, 1);
	cr_assert(holder >= 0, "test setup: listen at %s: %s", ab, strerror(errno));
	static char long_path[200];
	snprintf(long_path, sizeof(long_path), "%s", h_path_of_len(108));
	struct {
		const char *text;
		mode_t mode;
		int err;
		const char *what;
	} cases[] = {
		{h_path("a.sock"), 01600, EINVAL, "a path (sticky bit: outside 0777)"},
		{h_path("b.sock"), 04600, EINVAL, "a path (set-user-ID: outside 0777)"},
		{NULL, 0600, EINVAL, "NULL"},
		{"@", 0600, EINVAL, "\"@\" (autobind names no server)"},
		{long_path, 0600, ENAMETOOLONG, "a 108-byte path"},
		{taken, 0600, EADDRINUSE, "a path where a regular file exists"},
		{ab, 0600, EADDRINUSE, "an abstract name a socket holds"},
		{missing, 0600, ENOENT, "a path in a directory that does not exist"},
	};
	mode_t old = umask(022);
	int before = check_count_fds();
	for (size_t k = 0; k < COUNT(cases); k++) {
		char what[300];
		snprintf(what, sizeof(what), "cred_listen with %s, mode %04o",
			 cases[k].what, (unsigned)cases[k].mode);
		errno = 0;
		int fd = cred_listen(cases[k].text, cases[k].mode, 5);
		int e = errno;
		if (fd >= 0)
			close(fd);
		mode_t now = umask(022);
		check_errno(fd, e, cases[k].err, what);
		cr_assert(now == 022, "%s failed but left the umask at %04o "
			  "instead of 0022: put it back on every path", what,
			  (unsigned)now);
		int after = check_count_fds();
		cr_assert(after == before, "%s failed and left %d descriptor(s) "
			  "open: close the socket on every error path (keeping "
			  "errno)", what, after - before);
	}
	umask(old);
	close(holder);
	char *text = NULL;
	size_t len = 0;
	int fd = open(taken, O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0 && read_all(fd, 4096, &text, &len) == 0 &&
		  strcmp(text, "not a socket\n") == 0, "the regular file at %s "
		  "was removed or changed: cred_listen must never unlink "
		  "anything (EADDRINUSE is the answer)", taken);
	close(fd);
	free(text);
}

/* ==== unit checks: fd_send and fd_recv ================================================ */

CHECK(lab09, unit_send_rights, 2,
      "fd_send: one SCM_RIGHTS message, cmsg_len CMSG_LEN(sizeof(int)), the bytes with it")
{
	count_sigpipes();
	int sv[2];
	socket_pair(sv);
	int f = open_secret(h_path("secret"));
	int before = check_count_fds();
	errno = 0;
	int r = fd_send(sv[0], f, "FILE\n", 5);
	int e = errno;
	check_ok(r, e, "fd_send(sock, an open file, \"FILE\\n\", 5)");
	cr_assert(r == 0, "fd_send returned %d; expected 0", r);
	cr_assert(fcntl(f, F_GETFD) != -1, "fd_send closed the descriptor it "
		  "sent: it belongs to the caller (the receiver gets a copy of "
		  "its own)");
	struct own_msg m;
	own_recv(sv[1], &m);
	cr_assert(m.n == 5 && memcmp(m.data, "FILE\n", 5) == 0, "after fd_send(..., "
		  "\"FILE\\n\", 5) the receiver got %zd byte(s) \"%.20s\"; expected "
		  "the 5 bytes \"FILE\\n\" in the same message", m.n, m.data);
	cr_assert(m.ncmsg > 0, "fd_send's message carried no control message at "
		  "all: no descriptor went (msg_control and msg_controllen must "
		  "point at a struct cmsghdr of type SCM_RIGHTS)");
	cr_assert(m.first_level == SOL_SOCKET && m.first_type == SCM_RIGHTS,
		  "fd_send's control message has level %d, type %d; expected "
		  "SOL_SOCKET (%d) and SCM_RIGHTS (%d)", m.first_level,
		  m.first_type, SOL_SOCKET, SCM_RIGHTS);
	size_t want_len = CMSG_LEN(sizeof(int));
	if (m.first_len == CMSG_SPACE(sizeof(int)) && want_len != m.first_len) {
		own_close_fds(&m);
		cr_assert_fail("fd_send's cmsg_len is %zu, which is CMSG_SPACE("
			       "sizeof(int)): the kernel read it as %zu "
			       "descriptors, and the padding went out as a second "
			       "one. cmsg_len is CMSG_LEN(sizeof(int)) = %zu; "
			       "CMSG_SPACE is the room for msg_controllen",
			       m.first_len, (m.first_len - CMSG_LEN(0)) / sizeof(int),
			       want_len);
	}
	int nfds = m.nfds;
	int same = nfds == 1 && same_file(m.fds[0], f);
	own_close_fds(&m);
	cr_assert(m.first_len == want_len && nfds == 1, "fd_send's control "
		  "message has cmsg_len %zu and carried %d descriptor(s); "
		  "expected cmsg_len CMSG_LEN(sizeof(int)) = %zu and exactly one",
		  m.first_len, nfds, want_len);
	cr_assert(same, "the descriptor fd_send sent is not the file it was "
		  "given (fstat() shows another inode): copy the int fd itself "
		  "into CMSG_DATA()");
	cr_assert(!(m.flags & MSG_CTRUNC), "the receiver saw MSG_CTRUNC with a "
		  "control buffer for 64 descriptors");
	cr_assert(check_count_fds() == before, "fd_send left %d more descriptor(s) "
		  "open in the sender", check_count_fds() - before);

	/* Errors, and a message nobody should see. */
	errno = 0;
	r = fd_send(sv[0], f, "FILE\n", 0);
	e = errno;
	check_errno(r, e, EINVAL, "fd_send(sock, fd, buf, 0): with no byte "
		    "nothing carries the descriptor on a stream socket");
	errno = 0;
	r = fd_send(sv[0], f, NULL, 5);
	e = errno;
	check_errno(r, e, EINVAL, "fd_send(sock, fd, NULL, 5)");
	int closed = dup(f);
	close(closed);
	errno = 0;
	r = fd_send(sv[0], closed, "FILE\n", 5);
	e = errno;
	check_errno(r, e, EBADF, "fd_send(sock, a closed descriptor, ...)");
	int fl = fcntl(sv[1], F_GETFL);
	fcntl(sv[1], F_SETFL, fl | O_NONBLOCK);
	char junk[16];
	ssize_t n = recv(sv[1], junk, sizeof(junk), 0);
	cr_assert(n == -1 && errno == EAGAIN, "after three fd_send() calls that "
		  "should have failed, the receiver found %zd byte(s) queued", n);

	/* A peer that is gone: EPIPE, and no SIGPIPE (MSG_NOSIGNAL). */
	close(sv[1]);
	errno = 0;
	r = fd_send(sv[0], f, "FILE\n", 5);
	e = errno;
	cr_assert(sigpipes == 0, "fd_send to a closed peer raised SIGPIPE, whose "
		  "default action kills the process: pass MSG_NOSIGNAL to "
		  "sendmsg()");
	check_errno(r, e, EPIPE, "fd_send(to a socket whose peer closed)");
	close(sv[0]);
	close(f);
}

CHECK(lab09, unit_recv_rights, 2,
      "fd_recv: a new descriptor of the same open file: content, offset, FD_CLOEXEC")
{
	int sv[2];
	socket_pair(sv);
	int f = open_secret(h_path("secret"));
	char head[6] = "";
	cr_assert(read_full(f, head, 5) == 5, "test setup: read 5 bytes");
	own_send(sv[0], "FILE\n", &f, 1);
	int before = check_count_fds();
	char buf[64];
	memset(buf, 0, sizeof(buf));
	int got = -7;
	errno = 0;
	ssize_t n = fd_recv(sv[1], buf, sizeof(buf), &got);
	int e = errno;
	check_ok(n, e, "fd_recv(a message \"FILE\\n\" carrying one descriptor)");
	cr_assert(n == 5 && memcmp(buf, "FILE\n", 5) == 0, "fd_recv returned %zd "
		  "and \"%.20s\"; expected 5 and the bytes \"FILE\\n\"", n, buf);
	cr_assert(got >= 0, "fd_recv returned %zd but *fd_out is %d: the "
		  "descriptor is in the control message (CMSG_DATA of the "
		  "SCM_RIGHTS cmsghdr)", n, got);
	cr_assert(got != f && same_file(got, f), "fd_recv's descriptor %d is %s",
		  got, got == f ? "the sender's own number: a descriptor number "
		  "means nothing in another process; the kernel installs a new "
		  "one" : "not the file that was sent (another inode)");
	int flags = fcntl(got, F_GETFD);
	cr_assert(flags != -1 && (flags & FD_CLOEXEC), "the received descriptor "
		  "lacks FD_CLOEXEC: pass MSG_CMSG_CLOEXEC to recvmsg(), or a "
		  "program this process execs inherits the file");
	off_t off = lseek(got, 0, SEEK_CUR);
	cr_assert(off == 5, "the received descriptor is at offset %ld; the sender "
		  "had read 5 bytes: a passed descriptor shares the open file, "
		  "offset included", (long)off);
	char *rest = content_of(got);
	cr_assert(strcmp(rest, SECRET + 5) == 0, "reading the received descriptor "
		  "gave \"%.80s\"; expected the file from its 6th byte", rest);
	off = lseek(f, 0, SEEK_CUR);
	cr_assert(off == (off_t)strlen(SECRET), "after reading through the "
		  "received descriptor, the sender's offset is %ld, expected %zu: "
		  "both share one open file description", (long)off,
		  strlen(SECRET));
	close(got);
	cr_assert(check_count_fds() == before, "fd_recv left %d descriptor(s) open "
		  "besides the one it returned", check_count_fds() - before);

	/* Two messages queued, each with its own descriptor: each call gets
	 * its own bytes and its own descriptor. */
	int pp[2];
	cr_assert(pipe2(pp, O_CLOEXEC) == 0, "test setup: pipe");
	own_send(sv[0], "A\n", &f, 1);
	own_send(sv[0], "B\n", &pp[0], 1);
	int g1 = -1, g2 = -1;
	ssize_t n1 = fd_recv(sv[1], buf, sizeof(buf), &g1);
	char b1 = buf[0];
	ssize_t n2 = fd_recv(sv[1], buf, sizeof(buf), &g2);
	char b2 = buf[0];
	int ok = n1 == 2 && b1 == 'A' && same_file(g1, f) && n2 == 2 &&
		 b2 == 'B' && same_file(g2, pp[0]);
	if (g1 >= 0)
		close(g1);
	if (g2 >= 0)
		close(g2);
	cr_assert(ok, "two messages in a row (\"A\\n\" with a file, \"B\\n\" with "
		  "a pipe): fd_recv returned %zd ('%c') then %zd ('%c'); expected "
		  "2 and 2, each with its own descriptor", n1, b1, n2, b2);
	close(pp[0]);
	close(pp[1]);
	close(f);
	close(sv[0]);
	close(sv[1]);
}

CHECK(lab09, unit_recv_errors, 2,
      "fd_recv: ENOMSG without rights, EMSGSIZE on MSG_CTRUNC or 2+ fds, 0 at EOF; no fd leaked")
{
	int sv[2];
	socket_pair(sv);
	int f = open_secret(h_path("secret"));
	char buf[64];
	int before = check_count_fds();

	/* Bytes without any descriptor. */
	own_send(sv[0], "NOFILE none\n", NULL, 0);
	int got = -7;
	errno = 0;
	ssize_t n = fd_recv(sv[1], buf, sizeof(buf), &got);
	int e = errno;
	check_errno(n, e, ENOMSG, "fd_recv(a message of 12 bytes and no "
		    "descriptor)");
	cr_assert(got == -1, "fd_recv failed with ENOMSG but *fd_out is %d; "
		  "expected -1", got);

	/* Too many descriptors: some that fit a one-descriptor buffer, many
	 * that set MSG_CTRUNC in any reasonable one. */
	static const int counts[] = {2, 3, 40};
	for (size_t k = 0; k < COUNT(counts); k++) {
		int fds[64];
		for (int i = 0; i < counts[k]; i++)
			fds[i] = f;
		own_send(sv[0], "FILE\n", fds, counts[k]);
		got = -7;
		errno = 0;
		n = fd_recv(sv[1], buf, sizeof(buf), &got);
		e = errno;
		int leaked = check_count_fds() - before;
		if (n >= 0 && got >= 0) {
			close(got);
			leaked--;
		}
		char what[200];
		snprintf(what, sizeof(what), "fd_recv(a message carrying %d "
			 "descriptors)", counts[k]);
		cr_assert(!(n >= 0 && counts[k] > 2), "%s returned %zd with one "
			  "descriptor, as if nothing were wrong: with a control "
			  "buffer for one or two, the kernel sets MSG_CTRUNC in "
			  "msg_flags and closes those that did not fit; check "
			  "msg_flags & MSG_CTRUNC (and the count)", what, n);
		cr_assert(n < 0, "%s returned %zd with one descriptor and %d more "
			  "left open in this process: count the descriptors of "
			  "every SCM_RIGHTS control message; more than one is "
			  "EMSGSIZE, with all of them closed", what, n, leaked);
		check_errno(n, e, EMSGSIZE, what);
		cr_assert(got == -1, "%s failed but *fd_out is %d", what, got);
		cr_assert(leaked == 0, "%s failed with EMSGSIZE but left %d "
			  "descriptor(s) open: close every descriptor of every "
			  "SCM_RIGHTS control message received", what, leaked);
	}

	/* The stream goes on: a good message after the bad ones. */
	own_send(sv[0], "FILE\n", &f, 1);
	got = -7;
	n = fd_recv(sv[1], buf, sizeof(buf), &got);
	cr_assert(n == 5 && got >= 0 && same_file(got, f), "after the refused "
		  "messages, fd_recv of a good one returned %zd with descriptor "
		  "%d; expected 5 and the file", n, got);
	close(got);

	/* EOF. */
	close(sv[0]);
	got = -7;
	errno = 0;
	n = fd_recv(sv[1], buf, sizeof(buf), &got);
	e = errno;
	cr_assert(n == 0 && got == -1, "fd_recv after the peer closed returned "
		  "%zd (%s) with *fd_out %d; expected 0 (EOF) and -1", n,
		  n < 0 ? errno_name(e) : "no error", got);
	errno = 0;
	n = fd_recv(sv[1], buf, sizeof(buf), NULL);
	e = errno;
	check_errno(n, e, EINVAL, "fd_recv(sock, buf, cap, NULL)");
	/* sv[0] is closed since: one fewer. */
	cr_assert(check_count_fds() == before - 1, "fd_recv left %d descriptor(s) "
		  "open after these failures", check_count_fds() - (before - 1));
	close(sv[1]);
	close(f);
}

/* ==== unit checks: cred_serve ========================================================== */

/* What a child running the student's cred_serve() reports back. */
struct serve_report {
	int r, err;
	struct cred_verdict v;
	int fds_before, fds_after;
};

/* Forks a child that runs cred_serve(sv[1], p, file, &v) on one end of a
 * socketpair made here (so SO_PEERCRED names this process), and returns
 * the other end; the child's report comes on *report. */
static int start_serve(const struct cred_policy *p, const char *file,
		       pid_t *pid, int *report)
{
	int sv[2], rp[2];
	socket_pair(sv);
	cr_assert(pipe2(rp, O_CLOEXEC) == 0, "test setup: pipe: %s",
		  strerror(errno));
	*pid = fork();
	cr_assert(*pid != -1, "test setup: fork: %s", strerror(errno));
	if (*pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(5);
		close(sv[0]);
		close(rp[0]);
		struct serve_report rep;
		memset(&rep, 0, sizeof(rep));
		rep.fds_before = h_count_fds(getpid());
		errno = 0;
		rep.r = cred_serve(sv[1], p, file, &rep.v);
		rep.err = errno;
		rep.fds_after = h_count_fds(getpid());
		close(sv[1]);
		if (write(rp[1], &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
			_exit(3);
		_exit(0);
	}
	close(sv[1]);
	close(rp[1]);
	*report = rp[0];
	return sv[0];
}

/* Waits (3 s at most) for the child's report and reaps it. */
static void finish_serve(pid_t pid, int report, struct serve_report *rep)
{
	struct pollfd pf = {report, POLLIN, 0};
	int ready = poll(&pf, 1, 3000);
	ssize_t n = ready == 1 ? read(report, rep, sizeof(*rep)) : -1;
	close(report);
	int st;
	if (n != (ssize_t)sizeof(*rep))
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert(n == (ssize_t)sizeof(*rep), "cred_serve did not return within "
		  "3 s after the client closed its end (the child running it %s): "
		  "at EOF (cred_read_line() returns 0) it must return 1",
		  WIFSIGNALED(st) ? "was killed by its alarm" : "exited early");
}

/* Sends one line on fd. */
static void say(int fd, const char *line)
{
	cr_assert(write_full(fd, line, strlen(line)) == (ssize_t)strlen(line),
		  "the test's client could not send \"%s\": %s", line,
		  errno_name(errno));
}

/* Reads one line, failing with what came instead when it does not. */
static void expect_line(int fd, const char *want, const char *ctx)
{
	char line[CRED_LINE_MAX + 8];
	errno = 0;
	ssize_t n = own_read_line(fd, line, sizeof(line));
	int e = errno;
	cr_assert(n > 0, "%s: expected the reply \"%s\", but %s", ctx, want,
		  n == 0 ? "the server closed the connection" :
		  e == EAGAIN ? "nothing came within 3 s" : errno_name(e));
	cr_assert(strcmp(line, want) == 0, "%s: the reply was \"%s\"; expected "
		  "\"%s\"", ctx, line, want);
}

CHECK(lab09, unit_serve_claim, 2,
      "cred_serve: decides and answers with SO_PEERCRED's uid, never the HELLO's claim; GET passes a fresh fd")
{
	const char *secret = h_path("secret");
	write_file(secret, SECRET, 0600);
	char welcome[128], denied[64], hello[64];
	snprintf(welcome, sizeof(welcome), "WELCOME uid=%u gid=%u pid=%ld",
		 (unsigned)geteuid(), (unsigned)getegid(), (long)getpid());
	snprintf(denied, sizeof(denied), "DENIED uid=%u", (unsigned)geteuid());
	snprintf(hello, sizeof(hello), "HELLO %d\n", STRANGER_UID);

	/* 1. The test's own uid is allowed; the client claims another. */
	struct cred_policy own = {.allow = {geteuid()}, .n = 1};
	pid_t pid;
	int rep_fd;
	int fd = start_serve(&own, secret, &pid, &rep_fd);
	say(fd, hello);
	char line[CRED_LINE_MAX + 8];
	ssize_t n = own_read_line(fd, line, sizeof(line));
	struct serve_report rep;
	if (n <= 0) {
		close(fd);
		finish_serve(pid, rep_fd, &rep);
		cr_assert_fail("cred_serve, policy {uid %u}, client uid %u: no "
			       "reply to \"HELLO %d\"; cred_serve returned %d (%s); "
			       "expected the reply \"%s\"", (unsigned)geteuid(),
			       (unsigned)geteuid(), STRANGER_UID, rep.r, rep.r < 0 ?
			       errno_name(rep.err) : "no error", welcome);
	}
	char claimed[64];
	snprintf(claimed, sizeof(claimed), "uid=%d", STRANGER_UID);
	cr_assert(!(n > 0 && strstr(line, claimed)), "the client sent \"HELLO "
		  "%d\" but is uid %u; cred_serve answered \"%s\": it believed the "
		  "claim. Answer with the uid SO_PEERCRED gives (cred_peer())",
		  STRANGER_UID, (unsigned)geteuid(), line);
	cr_assert(strcmp(line, denied) != 0, "cred_serve, policy {uid %u}: the "
		  "client is uid %u, which the policy allows, and claims uid %d; "
		  "it answered \"%s\": it decided with the claim in the HELLO. "
		  "Decide with cred_permits(p, the uid SO_PEERCRED gives)",
		  (unsigned)geteuid(), (unsigned)geteuid(), STRANGER_UID, line);
	cr_assert(n > 0 && strcmp(line, welcome) == 0, "cred_serve, policy "
		  "{uid %u}, client uid %u claiming %d: the reply was \"%s\"; "
		  "expected \"%s\" (the kernel's uid, gid and pid: on a "
		  "socketpair, those of the process that made it)",
		  (unsigned)geteuid(), (unsigned)geteuid(), STRANGER_UID,
		  n > 0 ? line : n == 0 ? "(it closed)" : errno_name(errno),
		  welcome);
	for (int k = 0; k < 2; k++) {
		say(fd, "GET\n");
		struct own_msg m;
		own_recv(fd, &m);
		int nfds = m.nfds;
		char *text = nfds == 1 ? content_of(m.fds[0]) : NULL;
		int ok = m.n == 5 && memcmp(m.data, "FILE\n", 5) == 0 && nfds == 1 &&
			 strcmp(text, SECRET) == 0;
		own_close_fds(&m);
		cr_assert(ok, "GET number %d: got %zd byte(s) \"%.40s\" with %d "
			  "descriptor(s)%s%.60s%s; expected \"FILE\\n\" with one "
			  "descriptor of the file, read from its start%s", k + 1,
			  m.n, m.data, nfds, text ? ", whose content read \"" : "",
			  text ? text : "", text ? "\"" : "", k == 1 && text &&
			  !*text ? " (the second GET found the file at its end: open "
			  "it afresh for each GET; a passed descriptor shares its "
			  "offset)" : "");
	}
	close(fd);
	finish_serve(pid, rep_fd, &rep);
	cr_assert(rep.r == 1, "cred_serve returned %d (%s) after a welcomed "
		  "client's EOF; expected 1", rep.r, rep.r < 0 ?
		  errno_name(rep.err) : "no error");
	cr_assert(rep.v.claim == STRANGER_UID && rep.v.uid == geteuid() &&
		  rep.v.pid == getpid() && rep.v.allowed == 1 && rep.v.files == 2,
		  "cred_serve's verdict: pid=%ld uid=%u claim=%ld allowed=%d "
		  "files=%u; expected pid=%ld uid=%u claim=%d allowed=1 files=2",
		  (long)rep.v.pid, (unsigned)rep.v.uid, rep.v.claim,
		  rep.v.allowed, rep.v.files, (long)getpid(),
		  (unsigned)geteuid(), STRANGER_UID);
	cr_assert(rep.fds_after == rep.fds_before, "cred_serve passed two files "
		  "and left %d more descriptor(s) open in the server: close your "
		  "copy after fd_send() (the client's copy keeps the file open)",
		  rep.fds_after - rep.fds_before);

	/* 2. Only the claimed uid is allowed: the claim must not open the
	 * door. */
	struct cred_policy stranger = {.allow = {STRANGER_UID}, .n = 1};
	fd = start_serve(&stranger, secret, &pid, &rep_fd);
	say(fd, hello);
	n = own_read_line(fd, line, sizeof(line));
	cr_assert(!(n > 0 && strncmp(line, "WELCOME", 7) == 0), "policy {uid %d}, "
		  "client uid %u claiming %d: cred_serve answered \"%s\": it let "
		  "the client in on its word. Decide with cred_permits(p, the uid "
		  "from SO_PEERCRED)", STRANGER_UID, (unsigned)geteuid(),
		  STRANGER_UID, line);
	cr_assert(n > 0 && strcmp(line, denied) == 0, "policy {uid %d}, client "
		  "uid %u: the reply was \"%s\"; expected \"%s\"", STRANGER_UID,
		  (unsigned)geteuid(), n > 0 ? line : "(none)", denied);
	close(fd);
	finish_serve(pid, rep_fd, &rep);
	cr_assert(rep.r == 0 && rep.v.allowed == 0, "cred_serve returned %d "
		  "(allowed=%d) after DENIED; expected 0 (allowed=0)", rep.r,
		  rep.v.allowed);

	/* 3. No file to give: NOFILE without a descriptor; then a line that
	 * is not the protocol. */
	char myhello[64];
	snprintf(myhello, sizeof(myhello), "HELLO %u\n", (unsigned)geteuid());
	fd = start_serve(&own, h_path("missing"), &pid, &rep_fd);
	say(fd, myhello);
	expect_line(fd, welcome, "cred_serve, a HELLO with the true uid");
	say(fd, "GET\n");
	struct own_msg m;
	own_recv(fd, &m);
	int nfds = m.nfds;
	own_close_fds(&m);
	cr_assert(m.n > 0 && strcmp(m.data, "NOFILE ENOENT\n") == 0 && nfds == 0,
		  "GET when the file does not exist: got \"%.40s\" with %d "
		  "descriptor(s); expected \"NOFILE ENOENT\\n\" and none", m.data,
		  nfds);
	say(fd, "PUT\n");
	finish_serve(pid, rep_fd, &rep);
	close(fd);
	cr_assert(rep.r == -1 && rep.err == EPROTO, "cred_serve after the line "
		  "\"PUT\": returned %d (%s); expected -1 with EPROTO", rep.r,
		  rep.r < 0 ? errno_name(rep.err) : "no error");
}

/* A forked client, as uid 65534 when other is 1: connects to addr, sends
 * "HELLO <claim>", and writes the reply line on out. */
static pid_t child_hello(const char *addr, int other, long claim, int out)
{
	pid_t pid = fork();
	cr_assert(pid != -1, "test setup: fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(5);
		if (other && h_become_other_user() == -1)
			_exit(DROP_FAILED);
		int fd = h_connect(addr);
		if (fd < 0)
			_exit(3);
		char line[CRED_LINE_MAX + 8];
		int len = snprintf(line, sizeof(line), "HELLO %ld\n", claim);
		if (write_full(fd, line, (size_t)len) != len)
			_exit(4);
		ssize_t n = own_read_line(fd, line, sizeof(line));
		if (n <= 0)
			snprintf(line, sizeof(line), "(no reply: %s)",
				 n == 0 ? "EOF" : errno_name(errno));
		write_full(out, line, strlen(line));
		close(fd);
		_exit(0);
	}
	return pid;
}

/* One session of the student's cred_serve() in this process, with a
 * forked client at addr. Returns cred_serve()'s result; the client's
 * reply goes into reply. */
static int serve_child(int lfd, const char *addr, int other, long claim,
		       const struct cred_policy *p, struct cred_verdict *v,
		       pid_t *child, char *reply, size_t cap, int *err)
{
	int rp[2];
	cr_assert(pipe2(rp, O_CLOEXEC) == 0, "test setup: pipe: %s",
		  strerror(errno));
	*child = child_hello(addr, other, claim, rp[1]);
	close(rp[1]);
	int cfd = accept(lfd, NULL, NULL);
	int ae = errno;
	if (cfd < 0) {
		stop_child(*child, NULL);
		cr_assert_fail("test setup: the child client never connected: %s",
			       errno_name(ae));
	}
	set_rcvtimeo(cfd, 3);
	errno = 0;
	int r = cred_serve(cfd, p, NULL, v);
	*err = errno;
	close(cfd);
	ssize_t n = read_full(rp[0], reply, cap - 1);
	reply[n > 0 ? n : 0] = '\0';
	close(rp[0]);
	int st;
	waitpid(*child, &st, 0);
	if (n <= 0)
		snprintf(reply, cap, "(nothing: %s)", WIFEXITED(st) &&
			 WEXITSTATUS(st) == 4 ? "its HELLO found the connection "
			 "closed already" : WIFEXITED(st) && WEXITSTATUS(st) == 3 ?
			 "it could not connect" : "it failed");
	return r;
}

CHECK(lab09, unit_serve_other_uid, 2,
      "cred_serve: uid 65534 claiming to be root is DENIED; with 65534 allowed it is WELCOME")
{
	int other = other_user(NULL);
	note_single_user("unit_serve_other_uid");
	uid_t them = other ? OTHER_UID : geteuid();
	gid_t their_gid = other ? OTHER_UID : getegid();
	/* With a second user: the stranger claims the allowed uid (ours).
	 * Without: the client claims the one uid allowed, which is not its
	 * own. */
	uid_t allowed_first = other ? geteuid() : STRANGER_UID;
	const char *ab = h_abstract();
	int lfd = h_listen(ab, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", ab, strerror(errno));
	set_rcvtimeo(lfd, 3);

	struct cred_policy p1 = {.allow = {allowed_first}, .n = 1};
	struct cred_verdict v;
	pid_t child;
	char reply[256], want[128];
	int err;
	int r = serve_child(lfd, ab, other, (long)allowed_first, &p1, &v, &child,
			    reply, sizeof(reply), &err);
	snprintf(want, sizeof(want), "DENIED uid=%u", (unsigned)them);
	cr_assert(!(strncmp(reply, "WELCOME", 7) == 0), "policy {uid %u}; the "
		  "client is uid %u and claims %u in its HELLO; cred_serve "
		  "answered \"%s\": it took the client at its word. Only "
		  "SO_PEERCRED's uid decides %s", (unsigned)allowed_first,
		  (unsigned)them, (unsigned)allowed_first, reply, who_note(other));
	cr_assert(r == 0 && strcmp(reply, want) == 0 && v.uid == them &&
		  v.pid == child && v.allowed == 0, "policy {uid %u}, client uid "
		  "%u (pid %ld) claiming %u: cred_serve returned %d (%s), verdict "
		  "pid=%ld uid=%u allowed=%d, and the client read \"%s\"; expected "
		  "0, pid=%ld uid=%u allowed=0 and \"%s\" %s",
		  (unsigned)allowed_first, (unsigned)them, (long)child,
		  (unsigned)allowed_first, r, r < 0 ? errno_name(err) : "no error",
		  (long)v.pid, (unsigned)v.uid, v.allowed, reply, (long)child,
		  (unsigned)them, want, who_note(other));

	struct cred_policy p2 = {.allow = {them}, .n = 1};
	r = serve_child(lfd, ab, other, (long)them, &p2, &v, &child, reply,
			sizeof(reply), &err);
	snprintf(want, sizeof(want), "WELCOME uid=%u gid=%u pid=%ld",
		 (unsigned)them, (unsigned)their_gid, (long)child);
	cr_assert(r == 1 && strcmp(reply, want) == 0, "policy {uid %u}, client "
		  "uid %u (pid %ld): cred_serve returned %d (%s) and the client "
		  "read \"%s\"; expected 1 and \"%s\" %s", (unsigned)them,
		  (unsigned)them, (long)child, r, r < 0 ? errno_name(err) :
		  "no error", reply, want, who_note(other));
	close(lfd);
}

/* ==== unit checks: cred_hello and cred_fetch =========================================== */

CHECK(lab09, unit_client, 1,
      "cred_hello sends HELLO and reads the verdict; cred_fetch gets the fd, ENOMSG without one")
{
	int sv[2];
	socket_pair(sv);
	char reply[CRED_LINE_MAX], line[CRED_LINE_MAX + 8];
	int before = check_count_fds();

	/* The server's replies are queued first; the client's lines are
	 * read afterwards. */
	own_send(sv[0], "WELCOME uid=1 gid=2 pid=3\n", NULL, 0);
	errno = 0;
	int r = cred_hello(sv[1], 77, reply, sizeof(reply));
	int e = errno;
	check_ok(r, e, "cred_hello(fd, 77, ...) with the reply \"WELCOME uid=1 "
		 "gid=2 pid=3\"");
	cr_assert(r == 1 && strcmp(reply, "WELCOME uid=1 gid=2 pid=3") == 0,
		  "cred_hello returned %d with reply \"%s\"; expected 1 and "
		  "\"WELCOME uid=1 gid=2 pid=3\" (without its '\\n')", r, reply);
	expect_line(sv[0], "HELLO 77", "what cred_hello(fd, 77, ...) sent");
	own_send(sv[0], "DENIED uid=5\n", NULL, 0);
	r = cred_hello(sv[1], 5, reply, sizeof(reply));
	cr_assert(r == 0, "cred_hello with the reply \"DENIED uid=5\" returned "
		  "%d; expected 0", r);
	own_read_line(sv[0], line, sizeof(line));
	own_send(sv[0], "HUH\n", NULL, 0);
	errno = 0;
	r = cred_hello(sv[1], 5, reply, sizeof(reply));
	e = errno;
	check_errno(r, e, EPROTO, "cred_hello with the reply \"HUH\"");
	own_read_line(sv[0], line, sizeof(line));

	int f = open_secret(h_path("secret"));
	own_send(sv[0], "FILE\n", &f, 1);
	int got = -7;
	errno = 0;
	r = cred_fetch(sv[1], &got);
	e = errno;
	cr_assert(!(r == -1 && (e == EAGAIN || e == ENOMSG)), "cred_fetch with the "
		  "reply \"FILE\\n\" carrying a descriptor failed with %s: %s",
		  errno_name(e), e == EAGAIN ? "it waited 3 s for a message after "
		  "the line, but the descriptor travels with the bytes \"FILE\\n\" "
		  "themselves: read them with fd_recv(), not cred_read_line()" :
		  "it found no descriptor: read the reply with fd_recv() (recvmsg() "
		  "and a control buffer); a read() makes the kernel discard it");
	check_ok(r, e, "cred_fetch with the reply \"FILE\\n\" and a descriptor");
	int flags = got >= 0 ? fcntl(got, F_GETFD) : -1;
	int same = got >= 0 && same_file(got, f);
	if (got >= 0)
		close(got);
	cr_assert(r == 0 && same, "cred_fetch returned %d with *file_fd %d; "
		  "expected 0 and a descriptor of the file that came with FILE "
		  "(read the reply with fd_recv(), never read(): the kernel "
		  "discards a descriptor that a read() meets)", r, got);
	cr_assert(flags != -1 && (flags & FD_CLOEXEC), "cred_fetch's descriptor "
		  "lacks FD_CLOEXEC (MSG_CMSG_CLOEXEC in fd_recv)");
	expect_line(sv[0], "GET", "what cred_fetch sent");

	own_send(sv[0], "NOFILE none\n", NULL, 0);
	got = -7;
	errno = 0;
	r = cred_fetch(sv[1], &got);
	e = errno;
	check_errno(r, e, ENOMSG, "cred_fetch with the reply \"NOFILE none\" and "
		    "no descriptor");
	cr_assert(got == -1, "cred_fetch failed but *file_fd is %d", got);
	own_read_line(sv[0], line, sizeof(line));
	own_send(sv[0], "OOPS\n", &f, 1);
	got = -7;
	errno = 0;
	r = cred_fetch(sv[1], &got);
	e = errno;
	check_errno(r, e, EPROTO, "cred_fetch with the reply \"OOPS\" and a "
		    "descriptor");
	own_read_line(sv[0], line, sizeof(line));
	close(f);
	cr_assert(check_count_fds() == before, "cred_fetch left %d descriptor(s) open "
		  "after its failures: close the descriptor of a reply that is "
		  "not FILE", check_count_fds() - before);
	close(sv[0]);
	close(sv[1]);
}

/* ==== box checks: credsrv and credcli =================================================== */

CHECK(lab09, box_welcome, 1,
      "credcli is WELCOMEd with its own pid and uid; a lying HELLO changes nothing")
{
	const char *ab = h_abstract();
	struct h_proc sp, cp;
	start_server(&sp, ab, "--count", "2", NULL);
	wait_listening(&sp, ab);
	const char *argv[] = {h_bin("credcli"), ab, NULL};
	cr_assert(h_start(&cp, argv, NULL) == 0, "could not start credcli: %s",
		  strerror(errno));
	if (h_wait_exit(&cp, 4.0) != 0)
		h_stop(&cp);
	char *out = h_output(&cp, 1), *err = h_output(&cp, 2);
	char want1[128], want2[128], d[96];
	snprintf(want1, sizeof(want1), "server pid=%ld uid=%u gid=%u\n",
		 (long)sp.pid, (unsigned)geteuid(), (unsigned)getegid());
	snprintf(want2, sizeof(want2), "WELCOME uid=%u gid=%u pid=%ld\n",
		 (unsigned)geteuid(), (unsigned)getegid(), (long)cp.pid);
	int ok = cp.done && WIFEXITED(cp.status) && WEXITSTATUS(cp.status) == 0 &&
		 strncmp(out, want1, strlen(want1)) == 0 &&
		 strcmp(out + strlen(want1), want2) == 0;
	cr_assert(ok, "credcli %s %s and printed \"%.200s\" (stderr: %.200s); "
		  "expected status 0 and the two lines \"%.*s\" (SO_PEERCRED on the "
		  "client's socket: the server's pid) and \"%.*s\" (the server's "
		  "SO_PEERCRED: credcli's pid)", ab, h_describe(&cp, d, sizeof(d)),
		  h_one_line(out), h_one_line(err), (int)strlen(want1) - 1, want1,
		  (int)strlen(want2) - 1, want2);
	free(out);
	free(err);

	/* The test's own client lies about its uid. */
	char reply[CRED_LINE_MAX + 8], want[128];
	int fd = own_hello(ab, STRANGER_UID, reply, sizeof(reply));
	close(fd);
	snprintf(want, sizeof(want), "WELCOME uid=%u gid=%u pid=%ld",
		 (unsigned)geteuid(), (unsigned)getegid(), (long)getpid());
	cr_assert(strcmp(reply, want) == 0, "a client of uid %u sent \"HELLO %d\" "
		  "to credsrv (which allows uid %u only); the reply was \"%s\"; "
		  "expected \"%s\": the claim in the HELLO decides nothing and "
		  "appears nowhere in the reply", (unsigned)geteuid(), STRANGER_UID,
		  (unsigned)geteuid(), reply, want);
	char line[160];
	snprintf(line, sizeof(line), "pid=%ld uid=%u gid=%u claims uid=%d: welcome",
		 (long)getpid(), (unsigned)geteuid(), (unsigned)getegid(),
		 STRANGER_UID);
	char *log = wait_output(&sp, line);
	cr_assert(strstr(log, line) != NULL, "credsrv's log should show the lying "
		  "client as \"client 2: %s...\"; it shows: %.400s", line,
		  h_one_line(log));
	free(log);
}

/* Runs credcli (a copy any user may execute) against addr, as uid 65534
 * when other is 1, with up to three more arguments. */
static void run_cli(int other, const char *cli, const char *addr,
		    const char *a1, const char *a2, const char *a3, struct ran *r)
{
	const char *argv[] = {cli, addr, a1, a2, a3, NULL};
	run_as(other, argv, r);
}

CHECK(lab09, box_refuse_uid, 2,
      "credsrv refuses a uid it does not allow (65534 when possible) whatever it claims, admits one it does")
{
	int other = other_user(NULL);
	note_single_user("box_refuse_uid");
	const char *cli = public_copy("credcli");
	char own[24], stranger[24], nobody[24];
	snprintf(own, sizeof(own), "%u", (unsigned)geteuid());
	snprintf(stranger, sizeof(stranger), "%d", STRANGER_UID);
	snprintf(nobody, sizeof(nobody), "%d", OTHER_UID);
	const char *ab1 = h_abstract(), *ab2 = h_abstract();
	struct h_proc s1, s2;
	struct ran r;
	char want[128];

	/* s1 allows only the test's user; the other user claims to be it. */
	start_server(&s1, ab1, NULL);
	wait_listening(&s1, ab1);
	if (other) {
		run_cli(1, cli, ab1, "--claim", own, NULL, &r);
		snprintf(want, sizeof(want), "DENIED uid=%d\n", OTHER_UID);
		cr_assert(!exited_with(&r, 0), "credsrv %s (only uid %s allowed) "
			  "WELCOMEd credcli run as uid 65534 claiming uid %s: it "
			  "believed the HELLO (output: %.200s). Decide with the uid "
			  "SO_PEERCRED gives", ab1, own, own, h_one_line(r.out));
		cr_assert(exited_with(&r, CRED_CLI_EXIT_DENIED) &&
			  strstr(r.out, want), "credcli as uid 65534 against credsrv "
			  "(only uid %s allowed) %s, printed \"%.200s\" (stderr "
			  "%.200s); expected status %d and \"%.*s\"", own, r.what,
			  h_one_line(r.out), h_one_line(r.err), CRED_CLI_EXIT_DENIED,
			  (int)strlen(want) - 1, want);
		ran_free(&r);
		char line[128];
		snprintf(line, sizeof(line), "uid=%d gid=%d claims uid=%s: denied",
			 OTHER_UID, OTHER_UID, own);
		char *log = wait_output(&s1, line);
		cr_assert(strstr(log, line), "credsrv's log should have \"...%s\"; "
			  "it has: %.400s", line, h_one_line(log));
		free(log);
	}
	run_cli(0, cli, ab1, NULL, NULL, NULL, &r);
	snprintf(want, sizeof(want), "WELCOME uid=%s gid=%u pid=%ld\n", own,
		 (unsigned)getegid(), (long)r.pid);
	cr_assert(exited_with(&r, 0) && strstr(r.out, want), "credcli as the "
		  "server's own user (uid %s, allowed) %s and printed \"%.200s\" "
		  "(stderr %.200s); expected status 0 and \"%.*s\"", own, r.what,
		  h_one_line(r.out), h_one_line(r.err), (int)strlen(want) - 1, want);
	ran_free(&r);

	/* s2 allows only the other uid (or a stranger's, with one user). */
	start_server(&s2, ab2, "--allow", other ? nobody : stranger, NULL);
	wait_listening(&s2, ab2);
	if (other) {
		run_cli(1, cli, ab2, NULL, NULL, NULL, &r);
		snprintf(want, sizeof(want), "WELCOME uid=%d gid=%d pid=%ld\n",
			 OTHER_UID, OTHER_UID, (long)r.pid);
		cr_assert(exited_with(&r, 0) && strstr(r.out, want), "credcli as "
			  "uid 65534 against credsrv --allow 65534 %s and printed "
			  "\"%.200s\" (stderr %.200s); expected status 0 and \"%.*s\"",
			  r.what, h_one_line(r.out), h_one_line(r.err),
			  (int)strlen(want) - 1, want);
		ran_free(&r);
	}
	run_cli(0, cli, ab2, "--claim", other ? nobody : stranger, NULL, &r);
	snprintf(want, sizeof(want), "DENIED uid=%s\n", own);
	cr_assert(!exited_with(&r, 0), "credcli as uid %s claiming uid %s was "
		  "WELCOMEd by credsrv --allow %s: it believed the HELLO (output: "
		  "%.200s). Decide with the uid SO_PEERCRED gives %s", own,
		  other ? nobody : stranger, other ? nobody : stranger,
		  h_one_line(r.out), who_note(other));
	cr_assert(exited_with(&r, CRED_CLI_EXIT_DENIED) && strstr(r.out, want),
		  "credcli as uid %s against credsrv --allow %s %s, printed "
		  "\"%.200s\" (stderr %.200s); expected status %d and \"%.*s\" %s",
		  own, other ? nobody : stranger, r.what, h_one_line(r.out),
		  h_one_line(r.err), CRED_CLI_EXIT_DENIED, (int)strlen(want) - 1,
		  want, who_note(other));
	ran_free(&r);
}

/* Checks the socket file at path: a socket, mode want, owned by us. */
static void expect_socket_mode(const char *path, mode_t want)
{
	struct stat st;
	cr_assert(stat(path, &st) == 0, "no socket file at %s: %s", path,
		  strerror(errno));
	mode_t got = st.st_mode & 07777;
	cr_assert(S_ISSOCK(st.st_mode) && got == want && st.st_uid == geteuid(),
		  "credsrv %s --mode %04o: stat() shows %s mode %04o owned by uid "
		  "%u; expected a socket of mode %04o owned by uid %u (the test runs "
		  "it with umask 0022).%s", path, (unsigned)want,
		  S_ISSOCK(st.st_mode) ? "a socket of" : "a non-socket of",
		  (unsigned)got, (unsigned)st.st_uid, (unsigned)want,
		  (unsigned)geteuid(), mode_story(got, want, 022));
}

CHECK(lab09, box_mode, 2,
      "credsrv --mode: stat shows the mode; uid 65534 gets EACCES at 0600 and in a 0700 directory")
{
	int other = other_user(NULL);
	note_single_user("box_mode");
	const char *cli = public_copy("credcli");
	mode_t old = umask(022);
	const char *p1 = h_path("m600.sock"), *p2 = h_path("m666.sock");
	struct h_proc s1, s2, s3;
	start_server(&s1, p1, "--mode", "0600", NULL);
	start_server(&s2, p2, "--mode", "0666", NULL);
	umask(old);
	wait_listening(&s1, p1);
	wait_listening(&s2, p2);
	expect_socket_mode(p1, 0600);
	expect_socket_mode(p2, 0666);
	struct ran r;
	if (other) {
		run_cli(1, cli, p1, NULL, NULL, NULL, &r);
		cr_assert(exited_with(&r, CRED_CLI_EXIT_ACCES), "credcli as uid "
			  "65534 against the socket file %s of mode 0600 (owner uid "
			  "%u) %s, output \"%.200s\" (stderr %.200s); expected status "
			  "%d: connect() needs write permission on the socket file, "
			  "so EACCES", p1, (unsigned)geteuid(), r.what,
			  h_one_line(r.out), h_one_line(r.err), CRED_CLI_EXIT_ACCES);
		ran_free(&r);
		run_cli(1, cli, p2, NULL, NULL, NULL, &r);
		cr_assert(exited_with(&r, CRED_CLI_EXIT_DENIED), "credcli as uid "
			  "65534 against the socket file %s of mode 0666 %s, output "
			  "\"%.200s\" (stderr %.200s); expected status %d: the mode "
			  "lets it connect, and SO_PEERCRED then lets credsrv refuse "
			  "it", p2, r.what, h_one_line(r.out), h_one_line(r.err),
			  CRED_CLI_EXIT_DENIED);
		ran_free(&r);

		/* The directory guards too: connect() needs search permission
		 * on every directory on the way. */
		const char *dir = h_path("private");
		cr_assert(mkdir(dir, 0700) == 0 && chmod(dir, 0700) == 0,
			  "test setup: mkdir %s: %s", dir, strerror(errno));
		const char *p3 = h_path("private/s.sock");
		old = umask(022);
		start_server(&s3, p3, "--mode", "0666", NULL);
		umask(old);
		wait_listening(&s3, p3);
		run_cli(1, cli, p3, NULL, NULL, NULL, &r);
		cr_assert(exited_with(&r, CRED_CLI_EXIT_ACCES), "credcli as uid "
			  "65534 against %s (mode 0666) in a directory of mode 0700 "
			  "%s, output \"%.200s\" (stderr %.200s); expected status %d "
			  "(EACCES: no search permission on the directory)", p3,
			  r.what, h_one_line(r.out), h_one_line(r.err),
			  CRED_CLI_EXIT_ACCES);
		ran_free(&r);
	} else if (geteuid() != 0) {
		/* One user, not root: a mode without the owner's write bit
		 * stops the owner too. */
		const char *p3 = h_path("m400.sock");
		start_server(&s3, p3, "--mode", "0400", NULL);
		wait_listening(&s3, p3);
		expect_socket_mode(p3, 0400);
		run_cli(0, cli, p3, NULL, NULL, NULL, &r);
		cr_assert(exited_with(&r, CRED_CLI_EXIT_ACCES), "credcli against "
			  "%s of mode 0400, as its owner %s, output \"%.200s\" "
			  "(stderr %.200s); expected status %d: without the write bit "
			  "connect() gets EACCES %s", p3, r.what, h_one_line(r.out),
			  h_one_line(r.err), CRED_CLI_EXIT_ACCES, who_note(0));
		ran_free(&r);
	} else {
		cr_log_info("box_mode: root without a second user: only the modes "
			    "were checked (root passes any mode)");
	}
}

CHECK(lab09, box_pass_file, 2,
      "credcli (uid 65534 when possible) reads a 0600 file through the passed fd; credsrv closes its copies")
{
	int other = other_user(NULL);
	note_single_user("box_pass_file");
	const char *cli = public_copy("credcli");
	const char *secret = h_path("secret");
	write_file(secret, SECRET, 0600);
	char own[24], nobody[24];
	snprintf(own, sizeof(own), "%u", (unsigned)geteuid());
	snprintf(nobody, sizeof(nobody), "%d", OTHER_UID);
	const char *ab = h_abstract();
	struct h_proc sp;
	start_server(&sp, ab, "--file", secret, "--allow", own, "--allow",
		     nobody, NULL);
	wait_listening(&sp, ab);

	if (other) {
		/* The other user cannot open the file itself. */
		pid_t pid = fork();
		cr_assert(pid != -1, "test setup: fork");
		if (pid == 0) {
			if (h_become_other_user() == -1)
				_exit(DROP_FAILED);
			_exit(open(secret, O_RDONLY) == -1 && errno == EACCES ? 0 : 1);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			cr_log_info("box_pass_file: uid 65534 can open %s itself here",
				    secret);
	}
	struct ran r;
	run_cli(other, cli, ab, "--get", "2", NULL, &r);
	char want[sizeof(SECRET) * 2 + 8];
	snprintf(want, sizeof(want), "%s%s", SECRET, SECRET);
	size_t lo = strlen(r.out), lw = strlen(want);
	cr_assert(exited_with(&r, 0) && lo >= lw && strcmp(r.out + lo - lw, want) == 0,
		  "credcli --get 2 %s against credsrv --file (a file of mode 0600 "
		  "owned by uid %s) %s; stdout \"%.300s\", stderr \"%.200s\"; "
		  "expected status 0 and the file's content twice, read through "
		  "the descriptors that came with FILE (SCM_RIGHTS): whoever holds "
		  "an open descriptor may read it, whoever could open() the file", 
		  other ? "run as uid 65534" : "", own, r.what, h_one_line(r.out),
		  h_one_line(r.err));
	ran_free(&r);

	/* The server must not keep what it passed: count its descriptors
	 * around twenty GETs of the test's own client. */
	char reply[CRED_LINE_MAX + 8];
	int fd = own_hello(ab, (long)geteuid(), reply, sizeof(reply));
	cr_assert(strncmp(reply, "WELCOME", 7) == 0, "credsrv answered \"%s\" to "
		  "the test's client; expected a WELCOME", reply);
	int base = h_count_fds(sp.pid);
	for (int k = 0; k < 20; k++) {
		say(fd, "GET\n");
		struct own_msg m;
		own_recv(fd, &m);
		int nfds = m.nfds;
		own_close_fds(&m);
		cr_assert(m.n == 5 && nfds == 1, "GET number %d of the test's "
			  "client: got %zd byte(s) \"%.30s\" with %d descriptor(s); "
			  "expected \"FILE\\n\" and one", k + 1, m.n, m.data, nfds);
	}
	/* Its last close() may come just after the reply: poll a little. */
	int now = h_count_fds(sp.pid);
	int64_t deadline = mono_deadline(2.0);
	while (now > base && mono_ms_left(deadline) > 0) {
		mono_sleep_ms(5);
		now = h_count_fds(sp.pid);
	}
	close(fd);
	cr_assert(base > 0 && now <= base, "credsrv had %d descriptors open "
		  "before twenty GETs and %d after: it keeps a copy of each file it "
		  "passes. Close yours right after fd_send(): the client's copy "
		  "keeps the file open", base, now);

	/* A server with no file: a reply without a descriptor. */
	const char *ab2 = h_abstract();
	struct h_proc s2;
	start_server(&s2, ab2, NULL);
	wait_listening(&s2, ab2);
	run_cli(0, cli, ab2, "--get", "1", NULL, &r);
	cr_assert(exited_with(&r, CRED_CLI_EXIT_NO_FD), "credcli --get 1 against "
		  "credsrv without --file %s (stderr \"%.200s\"); expected status "
		  "%d: the NOFILE reply carries no descriptor, which cred_fetch "
		  "reports as ENOMSG", r.what, h_one_line(r.err), CRED_CLI_EXIT_NO_FD);
	ran_free(&r);
}

CHECK(lab09, box_squatter, 1,
      "credcli --server-uid refuses a server of another uid before sending anything")
{
	int other = other_user(NULL);
	note_single_user("box_squatter");
	const char *cli = public_copy("credcli");
	char own[24], stranger[24];
	snprintf(own, sizeof(own), "%u", (unsigned)geteuid());
	snprintf(stranger, sizeof(stranger), "%d", STRANGER_UID);
	const char *ab = h_abstract();
	struct ran r;
	if (other) {
		/* Uid 65534 took the abstract name first: nothing stops it. */
		int ready[2];
		cr_assert(pipe2(ready, O_CLOEXEC) == 0, "test setup: pipe");
		pid_t sq = child_listens(ab, 1, ready[1]);
		close(ready[1]);
		int ok = wait_ready(ready[0]);
		close(ready[0]);
		if (ok != 0) {
			stop_child(sq, NULL);
			cr_assert_fail("test setup: the squatter never listened");
		}
		run_cli(0, cli, ab, "--server-uid", own, NULL, &r);
		int st = 0, got = 0;
		for (int64_t dl = mono_deadline(2.0); !got && mono_ms_left(dl) > 0;)
			if (waitpid(sq, &st, WNOHANG) == sq)
				got = 1;
			else
				mono_sleep_ms(5);
		if (!got)
			stop_child(sq, &st);
		char want[96];
		snprintf(want, sizeof(want), "server pid=%ld uid=%d", (long)sq,
			 OTHER_UID);
		cr_assert(exited_with(&r, CRED_CLI_EXIT_WRONG_SERVER) &&
			  strstr(r.out, want), "credcli --server-uid %s against a "
			  "process of uid 65534 holding %s %s, printed \"%.200s\" "
			  "(stderr %.200s); expected status %d and \"%s\": SO_PEERCRED "
			  "on the client's socket names the process that listens",
			  own, ab, r.what, h_one_line(r.out), h_one_line(r.err),
			  CRED_CLI_EXIT_WRONG_SERVER, want);
		cr_assert(got && WIFEXITED(st) && WEXITSTATUS(st) == 0, "credcli "
			  "--server-uid %s sent bytes to the squatter (status 0x%x): "
			  "check the server's uid before the HELLO", own, st);
		ran_free(&r);
		return;
	}
	struct h_proc sp;
	start_server(&sp, ab, NULL);
	wait_listening(&sp, ab);
	run_cli(0, cli, ab, "--server-uid", stranger, NULL, &r);
	cr_assert(exited_with(&r, CRED_CLI_EXIT_WRONG_SERVER), "credcli "
		  "--server-uid %s against credsrv run as uid %s %s, output "
		  "\"%.200s\" (stderr %.200s); expected status %d %s", stranger,
		  own, r.what, h_one_line(r.out), h_one_line(r.err),
		  CRED_CLI_EXIT_WRONG_SERVER, who_note(0));
	ran_free(&r);
	run_cli(0, cli, ab, "--server-uid", own, NULL, &r);
	cr_assert(exited_with(&r, 0), "credcli --server-uid %s against credsrv "
		  "run as uid %s %s (stderr %.200s); expected status 0", own, own,
		  r.what, h_one_line(r.err));
	ran_free(&r);
}

/* ==== trace checks ====================================================================== */

/* The calls these checks read: the harness's set, plus the ones that set
 * a file's mode and open the passed file. */
#define LAB09_TRACE_SET "%network,read,write,close,umask,chmod,fchmod," \
	"fchmodat,openat,execve,exit_group"

/* Starts argv (NULL-ended, argv[0] a program of the lab) under
 * `strace -f -yy -ttt -T` writing to tp. strace leads the process group;
 * the program must end by itself (--count, a client that exits). */
static void start_traced(struct h_proc *p, const char *tp,
			 const char *const argv[])
{
	const char *full[32] = {"/usr/bin/strace", "-f", "-yy", "-ttt", "-T",
				"-s", "256", "-q", "-o", tp, "-e",
				"trace=" LAB09_TRACE_SET, "--"};
	size_t n = 13;
	for (size_t i = 0; argv[i] && n + 1 < COUNT(full); i++)
		full[n++] = argv[i];
	full[n] = NULL;
	/* LeakSanitizer cannot run under ptrace: a sanitized program would
	 * fail at exit. Its other checks stay on. */
	const char *old = getenv("ASAN_OPTIONS");
	char *saved = old ? strdup(old) : NULL;
	char opts[512];
	snprintf(opts, sizeof(opts), "%s%sdetect_leaks=0", old ? old : "",
		 old && *old ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	int rc = h_start(p, full, NULL);
	int e = errno;
	if (saved)
		setenv("ASAN_OPTIONS", saved, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(saved);
	cr_assert(rc == 0, "could not start %s under strace: %s", argv[0],
		  strerror(e));
}

/* Waits (5 s at most) for a traced run to end and loads its trace. */
static void end_traced(struct h_proc *p, const char *tp, struct trace *t)
{
	if (h_wait_exit(p, 5.0) != 0)
		h_stop(p);
	cr_assert(trace_load(tp, t) == 0, "could not read the trace %s: %s", tp,
		  strerror(errno));
}

/* The fd number of a call's first argument, or -1. */
static int call_fd(const struct trace_event *ev)
{
	char buf[512];
	struct trace_fd f;
	if (trace_arg(ev, 0, buf, sizeof(buf)) < 0 ||
	    trace_parse_fd(buf, &f) < 0)
		return -1;
	return f.fd;
}

/* Argument i of ev as a number in any C base (strace prints modes and
 * umasks in octal with a leading 0). -1 when it is not one. */
static long arg_num(const struct trace_event *ev, int i)
{
	char buf[64], *end;
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	long v = strtol(buf, &end, 0);
	return end == buf ? -1 : v;
}

/* 1 when ev's arguments mention the quoted path. */
static int names_path(const struct trace_event *ev, const char *path)
{
	char q[300];
	snprintf(q, sizeof(q), "\"%s\"", path);
	return ev->args && strstr(ev->args, q) != NULL;
}

/* The descriptors listed in "cmsg_data=[5</tmp/x>, 6<...>]" of ev: their
 * numbers, and the first one's -yy tag (between < and >) in tag. Returns
 * how many, 0 when there is no such list. */
static int cmsg_fds(const struct trace_event *ev, int *first, char *tag,
		    size_t cap)
{
	const char *p = ev->args ? strstr(ev->args, "cmsg_data=[") : NULL;
	if (!p)
		return 0;
	p += strlen("cmsg_data=[");
	int n = 0;
	tag[0] = '\0';
	while (*p && *p != ']') {
		char *end;
		long fd = strtol(p, &end, 10);
		if (end == p)
			break;
		if (n == 0)
			*first = (int)fd;
		p = end;
		if (*p == '<') {
			/* A tag may hold [...] and <...> of its own. */
			const char *start = ++p;
			int depth = 1;
			for (; *p && depth > 0; p++)
				depth += *p == '<' ? 1 : *p == '>' ? -1 : 0;
			if (n == 0)
				snprintf(tag, cap, "%.*s", (int)(p - 1 - start), start);
		}
		n++;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return n;
}

CHECK(lab09, trace_mode_before_bind, 2,
      "strace: the umask (or fchmod) is set before bind(), never a chmod() after it")
{
	const char *path = h_path("s.sock");
	const char *tp = h_path("srv.trace");
	const char *argv[] = {h_bin("credsrv"), path, "--mode", "0600", "--count",
			      "1", NULL};
	struct h_proc sp;
	mode_t old = umask(022);
	start_traced(&sp, tp, argv);
	umask(old);
	char why[1200];
	if (h_wait_listening(&sp, path, 5.0, why, sizeof(why)) == 0) {
		char reply[CRED_LINE_MAX + 8];
		int fd = own_hello(path, (long)geteuid(), reply, sizeof(reply));
		close(fd);
	}
	struct trace t = {0};
	end_traced(&sp, tp, &t);
	const char *sum = h_trace_summary(&t, 30);

	long b = -1;
	for (long i = trace_find(&t, "bind", 0); i >= 0 && b < 0;
	     i = trace_find(&t, "bind", (size_t)i + 1))
		if (names_path(&t.ev[i], path))
			b = i;
	cr_assert(b >= 0, "no bind() to %s in credsrv's trace (%s); calls "
		  "seen:\n%s", path, why, sum);
	const struct trace_event *bind_ev = &t.ev[b];
	int fd = call_fd(bind_ev);

	/* After bind(): the file exists; a chmod() now is too late. */
	for (size_t i = (size_t)b + 1; i < t.n; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || ev->pid != bind_ev->pid)
			continue;
		int late = ((strcmp(ev->name, "chmod") == 0 ||
			     strcmp(ev->name, "fchmodat") == 0) &&
			    names_path(ev, path)) ||
			   (strcmp(ev->name, "fchmod") == 0 && call_fd(ev) == fd);
		cr_assert(!late, "credsrv called %s() after bind(): from bind() at "
			  "%.6f to %s() at %.6f (%.0f us) the socket file existed "
			  "with the mode the umask gave it, and any client that "
			  "mode let in could connect and stay connected. Set the "
			  "umask (or fchmod() the socket) BEFORE bind().\nbind: "
			  "%.200s\n%s: %.200s", ev->name, bind_ev->ts, ev->name,
			  ev->ts, (ev->ts - bind_ev->ts) * 1e6, bind_ev->line,
			  ev->name, ev->line);
	}

	/* Before bind(): a umask() or an fchmod() of the socket. */
	long um = -1, fm = -1;
	for (long i = 0; i < b; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || ev->pid != bind_ev->pid)
			continue;
		if (strcmp(ev->name, "umask") == 0)
			um = i;
		if (strcmp(ev->name, "fchmod") == 0 && call_fd(ev) == fd)
			fm = i;
	}
	cr_assert(um >= 0 || fm >= 0, "no umask() and no fchmod() of the socket "
		  "before bind(): the socket file was born with the umask the "
		  "program inherited (0022 here: mode 0755) and only a later "
		  "call could fix it, too late.\nbind: %.200s\ncalls seen:\n%s",
		  bind_ev->line, sum);
	if (um >= 0) {
		long set = arg_num(&t.ev[um], 0);
		long was = t.ev[um].ret_text ? strtol(t.ev[um].ret_text, NULL, 0) : -1;
		cr_assert(fm >= 0 || (0777 & ~set) == 0600, "credsrv --mode 0600 "
			  "set umask(%04lo) before bind(): the file is born with "
			  "0777 & ~%04lo = %04lo, not 0600 (the umask is ~mode & "
			  "0777)\n%.200s", set, set, 0777 & ~set, t.ev[um].line);
		long back = -1;
		for (long i = trace_find(&t, "umask", (size_t)b + 1); i >= 0 && back < 0;
		     i = trace_find(&t, "umask", (size_t)i + 1))
			if (t.ev[i].pid == bind_ev->pid && arg_num(&t.ev[i], 0) == was)
				back = i;
		cr_assert(back >= 0, "credsrv set umask(%04lo) before bind() and "
			  "never put back the old umask %04lo after it: every file "
			  "the program creates later gets the socket's mode (call "
			  "umask(old) right after bind())\n%.200s", set, was,
			  t.ev[um].line);
	}
	trace_free(&t);
}

CHECK(lab09, trace_peercred, 1,
      "strace: credsrv asks SO_PEERCRED on the accepted socket before it answers")
{
	const char *ab = h_abstract();
	const char *tp = h_path("srv.trace");
	const char *argv[] = {h_bin("credsrv"), ab, "--count", "1", NULL};
	struct h_proc sp;
	start_traced(&sp, tp, argv);
	char why[1200];
	if (h_wait_listening(&sp, ab, 5.0, why, sizeof(why)) == 0) {
		char reply[CRED_LINE_MAX + 8];
		int fd = own_hello(ab, STRANGER_UID, reply, sizeof(reply));
		close(fd);
	}
	struct trace t = {0};
	end_traced(&sp, tp, &t);
	const char *sum = h_trace_summary(&t, 30);
	long a = trace_find(&t, "accept4", 0);
	if (a < 0)
		a = trace_find(&t, "accept", 0);
	cr_assert(a >= 0 && t.ev[a].ret >= 0, "no successful accept() in "
		  "credsrv's trace (%s); calls seen:\n%s", why, sum);
	int cfd = (int)t.ev[a].ret;
	long g = -1, w = -1;
	for (size_t i = (size_t)a + 1; i < t.n && w < 0; i++) {
		const struct trace_event *ev = &t.ev[i];
		if (ev->kind != TRACE_CALL || call_fd(ev) != cfd)
			continue;
		if (strcmp(ev->name, "getsockopt") == 0 && ev->args &&
		    strstr(ev->args, "SO_PEERCRED") && g < 0)
			g = (long)i;
		if (strcmp(ev->name, "write") == 0 || strcmp(ev->name, "sendto") == 0 ||
		    strcmp(ev->name, "sendmsg") == 0 || strcmp(ev->name, "writev") == 0)
			w = (long)i;
	}
	cr_assert(g >= 0, "credsrv answered the client (%s) without asking the "
		  "kernel who it is: no getsockopt(%d, SOL_SOCKET, SO_PEERCRED, ...) "
		  "on the accepted socket before the reply. The HELLO's uid is "
		  "the client's word; SO_PEERCRED is the kernel's.\ncalls seen:\n%s",
		  w >= 0 ? t.ev[w].line : "no reply at all", cfd, sum);
	char want[64];
	snprintf(want, sizeof(want), "{pid=%ld, uid=%u,", (long)getpid(),
		 (unsigned)geteuid());
	cr_assert(strstr(t.ev[g].args, want) != NULL, "credsrv's SO_PEERCRED call "
		  "did not return the test's pid %ld and uid %u: %.300s",
		  (long)getpid(), (unsigned)geteuid(), t.ev[g].line);
	trace_free(&t);
}

CHECK(lab09, trace_rights, 2,
      "strace: sendmsg carries SCM_RIGHTS (cmsg_len 20, one fd) then close(); recvmsg with MSG_CMSG_CLOEXEC")
{
	const char *secret = h_path("secret");
	write_file(secret, SECRET, 0600);
	const char *ab = h_abstract();
	const char *tps = h_path("srv.trace"), *tpc = h_path("cli.trace");
	const char *sargv[] = {h_bin("credsrv"), ab, "--file", secret, "--count",
			       "1", NULL};
	struct h_proc sp, cp;
	start_traced(&sp, tps, sargv);
	char why[1200];
	int listening = h_wait_listening(&sp, ab, 5.0, why, sizeof(why)) == 0;
	if (listening) {
		const char *cargv[] = {h_bin("credcli"), ab, "--get", "1", NULL};
		start_traced(&cp, tpc, cargv);
	}
	struct trace ts = {0}, tc = {0};
	if (listening)
		end_traced(&cp, tpc, &tc);
	end_traced(&sp, tps, &ts);
	cr_assert(listening, "credsrv never listened at %s: %s", ab, why);

	/* The server's side. */
	long s = -1;
	for (long i = trace_find(&ts, "sendmsg", 0); i >= 0 && s < 0;
	     i = trace_find(&ts, "sendmsg", (size_t)i + 1))
		if (ts.ev[i].args && strstr(ts.ev[i].args, "SCM_RIGHTS"))
			s = i;
	cr_assert(s >= 0, "no sendmsg() with an SCM_RIGHTS control message in "
		  "credsrv's trace: the file's descriptor never went to the "
		  "client; calls seen:\n%s", h_trace_summary(&ts, 40));
	const struct trace_event *ev = &ts.ev[s];
	char want_len[32], tag[300];
	snprintf(want_len, sizeof(want_len), "cmsg_len=%zu,", CMSG_LEN(sizeof(int)));
	int first = -1;
	int nfds = cmsg_fds(ev, &first, tag, sizeof(tag));
	cr_assert(strstr(ev->args, want_len) && nfds == 1, "credsrv's sendmsg() "
		  "carried %d descriptor(s); expected one, with %.*s = CMSG_LEN("
		  "sizeof(int)) (CMSG_SPACE would make the padding a second "
		  "descriptor)\n%.500s", nfds, (int)strlen(want_len) - 1,
		  want_len, ev->line);
	cr_assert(strstr(tag, secret) != NULL, "the descriptor credsrv passed is "
		  "<%s>, not the file %s it was given with --file\n%.500s", tag,
		  secret, ev->line);
	cr_assert(strstr(ev->args, "iov_base=\"FILE\\n\"") != NULL, "credsrv's "
		  "sendmsg() with the descriptor should carry the bytes "
		  "\"FILE\\n\"\n%.500s", ev->line);
	long c = -1;
	for (long i = trace_find(&ts, "close", (size_t)s + 1); i >= 0 && c < 0;
	     i = trace_find(&ts, "close", (size_t)i + 1))
		if (ts.ev[i].pid == ev->pid && call_fd(&ts.ev[i]) == first)
			c = i;
	cr_assert(c >= 0, "credsrv never closed descriptor %d (<%s>) after "
		  "passing it: the client holds its own copy now; close yours "
		  "right after sendmsg(), or the server leaks one per GET", first,
		  tag);

	/* The client's side. */
	long r = -1;
	for (long i = trace_find(&tc, "recvmsg", 0); i >= 0 && r < 0;
	     i = trace_find(&tc, "recvmsg", (size_t)i + 1))
		if (tc.ev[i].args && strstr(tc.ev[i].args, "SCM_RIGHTS"))
			r = i;
	cr_assert(r >= 0, "no recvmsg() receiving an SCM_RIGHTS message in "
		  "credcli's trace: the reply to GET must be read with recvmsg() "
		  "and a control buffer (a read() makes the kernel discard the "
		  "descriptor); calls seen:\n%s", h_trace_summary(&tc, 40));
	ev = &tc.ev[r];
	char flags[64];
	cr_assert(trace_arg(ev, 2, flags, sizeof(flags)) > 0 &&
		  strstr(flags, "MSG_CMSG_CLOEXEC"), "credcli's recvmsg() has "
		  "flags %s; pass MSG_CMSG_CLOEXEC, so that the new descriptor "
		  "gets FD_CLOEXEC at once\n%.500s", flags, ev->line);
	cr_assert(!strstr(ev->args, "MSG_CTRUNC"), "credcli's recvmsg() came "
		  "back with MSG_CTRUNC: its control buffer was too small\n%.500s",
		  ev->line);
	int got = -1;
	cmsg_fds(ev, &got, tag, sizeof(tag));
	long rd = -1;
	for (long i = trace_find(&tc, "read", (size_t)r + 1); i >= 0 && rd < 0;
	     i = trace_find(&tc, "read", (size_t)i + 1))
		if (call_fd(&tc.ev[i]) == got && tc.ev[i].ret > 0)
			rd = i;
	cr_assert(rd >= 0, "credcli never read the file through the descriptor "
		  "%d it received", got);
	trace_free(&ts);
	trace_free(&tc);
}
