/* 03-naming.c: graded checks of lab 03, path versus abstract naming.
 *
 * unit_  calls the student's unix_address, unix_address_text,
 *        unix_socket_name, naming_listen and naming_connect directly,
 *        with the test's own sockets as the other end;
 * box_   starts the lab's namesrv and namecli programs and talks to them
 *        with a correct test-side peer (h_connect/h_listen), with socat,
 *        and as an unprivileged user;
 * trace_ runs the programs under strace and asserts on the address and
 *        the length that bind() and connect() really got.
 *
 * The lesson in one line: the length is part of a UNIX socket's name. For
 * a pathname the kernel stops at the zero, so a length too long does no
 * harm; an abstract name has no terminator, so bind() with sizeof(struct
 * sockaddr_un) makes a name padded with zeros (/proc/net/unix shows
 * "@name@@@@...") that no correct client can reach (seed flaw 8). A
 * server and a client built on the same wrong builder still agree with
 * each other, which is why the box checks talk to the programs with the
 * test's own correct peer and with socat, and the trace checks read the
 * length the kernel got. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/naming.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SUN_OFF offsetof(struct sockaddr_un, sun_path)

/* ---- lengths, and how to say what went wrong with one --------------------- */

/* The exact length of the address named by text ("/path", "@name", "@"). */
static size_t exact_len(const char *text)
{
	if (strcmp(text, "@") == 0)
		return sizeof(sa_family_t);
	if (text[0] == '@')
		return SUN_OFF + strlen(text); /* the zero byte, then the name */
	return SUN_OFF + strlen(text) + 1;    /* the path, then its zero */
}

/* How the exact length is computed, for messages. */
static const char *len_formula(const char *text, char *buf, size_t cap)
{
	if (strcmp(text, "@") == 0)
		snprintf(buf, cap, "sizeof(sa_family_t) = 2 (autobind: only "
			 "the family)");
	else if (text[0] == '@')
		snprintf(buf, cap, "offsetof(sun_path) + 1 + strlen(name) = "
			 "2 + 1 + %zu = %zu (the leading zero, then the name, "
			 "nothing after it)", strlen(text) - 1, exact_len(text));
	else
		snprintf(buf, cap, "offsetof(sun_path) + strlen(path) + 1 = "
			 "2 + %zu + 1 = %zu (the terminating zero counted)",
			 strlen(text), exact_len(text));
	return buf;
}

/* A sentence naming the usual mistake behind a length got instead of the
 * exact one, or "" when none fits. */
static const char *len_mistake(const char *text, long got)
{
	long want = (long)exact_len(text);
	if (got == want)
		return "";
	if (strcmp(text, "@") == 0)
		return got == (long)SUN_OFF + 1
		       ? " Length 3 covers the zero in sun_path[0]: that binds "
			 "the empty abstract name \"@\", not autobind; only "
			 "the family (length 2) asks the kernel for a name."
		       : " Autobind is the family alone: length 2.";
	if (got == (long)sizeof(struct sockaddr_un))
		return text[0] == '@'
		       ? " That is sizeof(struct sockaddr_un): every zero byte "
			 "after the name becomes part of an abstract name, so "
			 "the socket is named \"@name@@@...\" and a correct "
			 "client gets ECONNREFUSED (seed flaw 8)."
		       : " That is sizeof(struct sockaddr_un); the kernel "
			 "would find the zero itself, but the lab's builder "
			 "gives the exact length.";
	if (got == want - 1)
		return text[0] == '@'
		       ? " One byte short: the zero in sun_path[0] counts as "
			 "well as the name's bytes, so the name loses its last "
			 "byte."
		       : " One byte short: a missing + 1 for the terminating "
			 "zero.";
	if (got == want + 1)
		return text[0] == '@'
		       ? " One byte too many: an abstract name has no "
			 "terminating zero; a counted zero becomes part of the "
			 "name."
		       : " One byte too many.";
	return "";
}

/* Shows len bytes of sun_path with zero bytes as \0, for messages. */
static const char *shown(const char *bytes, size_t len, char *buf, size_t cap)
{
	size_t j = 0;
	for (size_t i = 0; i < len && j + 6 < cap; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if (c == 0) {
			buf[j++] = '\\';
			buf[j++] = '0';
		} else if (c >= 0x20 && c < 0x7f) {
			buf[j++] = (char)c;
		} else {
			j += (size_t)snprintf(buf + j, cap - j, "\\x%02x", c);
		}
	}
	buf[j] = '\0';
	return buf;
}

/* A run of n copies of c (n < 256), for building names of a given size.
 * Valid until the next call. */
static const char *run_of(char c, size_t n)
{
	static char buf[256];
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* "@" followed by a name that makes the text n bytes long (n < 256),
 * unique to the test: a fresh h_abstract() name padded with 'y'. Valid
 * until four more are made. */
static const char *abstract_of_len(size_t n)
{
	static char keep[4][256];
	static int k;
	const char *base = h_abstract();
	cr_assert(n < sizeof(keep[0]) && strlen(base) <= n,
		  "test setup: abstract_of_len(%zu)", n);
	char *slot = keep[k++ % 4];
	snprintf(slot, sizeof(keep[0]), "%s%s", base, run_of('y', n - strlen(base)));
	return slot;
}

/* "it exited with status 1", "it is still running", "it was killed by
 * SIGKILL": how a started program is doing, as a clause. */
static const char *how_it(struct h_proc *p, char *buf, size_t cap)
{
	char d[96];
	h_describe(p, d, sizeof(d));
	snprintf(buf, cap, "it %s%s", strncmp(d, "still", 5) == 0 ? "is " :
		 strncmp(d, "killed", 6) == 0 ? "was " : "", d);
	return buf;
}

/* ---- the test's own view of names ------------------------------------------ */

/* The test's own getsockname() (peer 0) or getpeername() (peer 1) of fd:
 * the length the kernel reports and the text, built here independently
 * of the student's code. Zero bytes of an abstract name show as '@'. */
static socklen_t kernel_name(int fd, int peer, char *text, size_t cap)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
		     : getsockname(fd, (struct sockaddr *)&a, &len);
	cr_assert(r == 0, "test setup: %s(%d): %s", peer ? "getpeername" :
		  "getsockname", fd, strerror(errno));
	size_t room = (len > sizeof(a) ? sizeof(a) : len) - SUN_OFF;
	size_t j = 0;
	if (room > 0 && a.sun_path[0] != '\0') {
		room = strnlen(a.sun_path, room);
		for (size_t i = 0; i < room && j + 1 < cap; i++)
			text[j++] = a.sun_path[i];
	} else {
		for (size_t i = 0; i < room && j + 1 < cap; i++)
			text[j++] = a.sun_path[i] ? a.sun_path[i] : '@';
	}
	text[j] = '\0';
	return len;
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

/* ---- /proc/net/unix ------------------------------------------------------------ */

#define SO_ACCEPTCON_FLAG 0x10000UL

/* Looks in /proc/net/unix for a listening socket whose name is a near miss
 * of want: want followed by more bytes (a padded abstract name), or want
 * with its last few bytes missing. Copies it into found and returns 1, or
 * returns 0 when there is none. */
static int near_listener(const char *want, char *found, size_t cap)
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
	size_t lw = strlen(want);
	int hit = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !hit;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long flags, inode;
		unsigned type, state;
		int pos = -1;
		if (sscanf(line, "%*s %*s %*s %lx %x %x %lu %n", &flags, &type,
			   &state, &inode, &pos) < 4 || pos < 0 ||
		    !(flags & SO_ACCEPTCON_FLAG))
			continue;
		const char *name = line + pos;
		size_t ln = strlen(name);
		if (strcmp(name, want) == 0)
			continue;
		if ((ln > lw && strncmp(name, want, lw) == 0) ||
		    (ln < lw && ln + 3 >= lw && ln > 8 &&
		     strncmp(name, want, ln) == 0)) {
			snprintf(found, cap, "%s", name);
			hit = 1;
		}
	}
	free(text);
	return hit;
}

/* What a near-miss listener says about the length given to bind(). */
static const char *near_story(const char *want, const char *got, char *buf,
			      size_t cap)
{
	size_t lw = strlen(want), lg = strlen(got);
	if (lg > lw)
		snprintf(buf, cap, "it listens at \"%s\" followed by %zu more "
			 "byte(s) (\"@\" in /proc/net/unix is a zero byte): "
			 "bind() got a length of %zu instead of %zu%s", want,
			 lg - lw, SUN_OFF + lg, exact_len(want),
			 lg + SUN_OFF == sizeof(struct sockaddr_un)
			 ? ", i.e. sizeof(struct sockaddr_un), so the zeros "
			   "after the name became part of it (seed flaw 8)" : "");
	else if (want[0] == '@')
		snprintf(buf, cap, "it listens at \"%s\", %zu byte(s) short of "
			 "\"%s\": bind() got a length of %zu instead of %zu "
			 "(an abstract name's length is offsetof(sun_path) + 1 + "
			 "strlen(name): the zero in sun_path[0] counts too)", got,
			 lw - lg, want, SUN_OFF + lg, exact_len(want));
	else
		snprintf(buf, cap, "it listens at \"%s\", %zu byte(s) short of "
			 "\"%s\": the path was cut (the kernel takes only the "
			 "bytes the length covers; the exact length is "
			 "offsetof(sun_path) + strlen(path) + 1 = %zu)", got,
			 lw - lg, want, exact_len(want));
	return buf;
}

/* Waits until p listens at addr. Fails at once, naming the mistake, when
 * it listens at a near miss of addr instead (a padded or cut abstract
 * name), and otherwise with the harness's sentence (how the program ended,
 * its stderr). */
static void wait_named(struct h_proc *p, const char *addr)
{
	char why[1200], near[400], story[700];
	int64_t deadline = mono_deadline(5.0);
	for (;;) {
		if (h_wait_listening(p, addr, 0.03, why, sizeof(why)) == 0)
			return;
		if (errno != ETIMEDOUT)
			cr_assert_fail("expected %s to listen at %s: %s", p->name,
				       addr, why);
		if (near_listener(addr, near, sizeof(near)))
			cr_assert_fail("%s should listen at %s, but %s.",
				       p->name, addr, near_story(addr, near, story,
				       sizeof(story)));
		if (mono_ms_left(deadline) == 0)
			cr_assert_fail("expected %s to listen at %s: %s", p->name,
				       addr, why);
	}
}

/* ---- test-side peers ------------------------------------------------------------ */

/* Bounds every later read on fd, so that a peer that never closes fails
 * the check in seconds instead of hanging it. */
static void set_rcvtimeo(int fd, int seconds)
{
	struct timeval tv = {seconds, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* As a correct client: connects to addr with the exact length and reads
 * what the server sends until it closes. Returns 0 with the reply in
 * buf, or -1 with a sentence in why. */
static int ask_name(const char *addr, char *buf, size_t cap, char *why,
		    size_t wcap)
{
	int fd = h_connect(addr);
	if (fd < 0) {
		int e = errno;
		snprintf(why, wcap, "a correct client's connect() to %s, with "
			 "length %zu, failed with %s%s", addr, exact_len(addr),
			 errno_name(e), e == ECONNREFUSED && addr[0] == '@'
			 ? ": no socket has exactly that name" : "");
		return -1;
	}
	set_rcvtimeo(fd, 3);
	char *rep = NULL;
	size_t n = 0;
	int r = read_all(fd, 4096, &rep, &n);
	int e = errno;
	close(fd);
	if (r < 0) {
		snprintf(why, wcap, "reading the reply from %s failed with %s",
			 addr, errno_name(e));
		return -1;
	}
	snprintf(buf, cap, "%.*s", (int)n, rep);
	free(rep);
	return 0;
}

/* A test-side server: listens at addr (before returning, so a client
 * cannot come too early) and forks a child that accepts one client, sends
 * reply and closes. The child never asserts; the fixture does not know
 * it, so the caller stops it with peer_stop(). */
static pid_t peer_serve(const char *addr, const char *reply)
{
	int lfd = h_listen(addr, 5);
	cr_assert(lfd >= 0, "test server: listen at %s failed: %s", addr,
		  strerror(errno));
	pid_t pid = fork();
	cr_assert(pid >= 0, "test server: fork failed: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(6);
		set_rcvtimeo(lfd, 4); /* accept() honours it too */
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(3);
		write_full(fd, reply, strlen(reply));
		close(fd);
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void peer_stop(pid_t pid)
{
	int st;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* ---- the lab's programs ----------------------------------------------------------- */

/* Starts namesrv with ADDR and the given extra arguments (NULL-ended). */
static void start_server(struct h_proc *p, const char *addr, const char *a1,
			 const char *a2)
{
	const char *argv[] = {h_bin("namesrv"), addr, a1, a2, NULL};
	cr_assert(h_start(p, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
}

/* Runs namecli with its arguments (up to two). */
static void run_client(const char *a1, const char *a2, struct h_result *r)
{
	const char *argv[] = {h_bin("namecli"), a1, a2, NULL};
	cr_assert(h_run(argv, NULL, 0, 3.0, r) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
}

/* Waits up to 5 s for the line "listening at NAME" on p's stdout and
 * copies NAME into name. */
static void read_listening_line(struct h_proc *p, char *name, size_t cap)
{
	int64_t deadline = mono_deadline(5.0);
	for (;;) {
		char *out = h_output(p, 1);
		char *s = strstr(out, "listening at ");
		char *e = s ? strchr(s, '\n') : NULL;
		if (e) {
			s += strlen("listening at ");
			snprintf(name, cap, "%.*s", (int)(e - s), s);
			free(out);
			return;
		}
		free(out);
		char d[96];
		if (h_wait_exit(p, 0) == 0 || mono_ms_left(deadline) == 0) {
			char *err = h_output(p, 2);
			cr_assert_fail("expected namesrv to print \"listening at "
				       "NAME\" (NAME read back with "
				       "getsockname()); %s, stderr: %.300s",
				       how_it(p, d, sizeof(d)), h_one_line(err));
		}
		mono_sleep_ms(2);
	}
}

/* ---- running as another user ---------------------------------------------------------- */

enum { DROP_FAILED = 200, EXEC_FAILED = 201 };

/* How the unprivileged side of the permission check runs here. */
enum who { AS_NOBODY, AS_OWNER_NO_DAC, AS_NOTHING };

/* In a forked child: becomes a process that file modes apply to. As root
 * it becomes uid and gid 65534 ("nobody"); where that is refused (a user
 * namespace that maps no such uid) it stays root but drops the
 * capabilities that bypass file modes. A non-root test is subject to file
 * modes already. Returns 0, or -1 when neither worked. */
static int drop_privileges(enum who how)
{
	if (how == AS_NOBODY)
		return h_become_other_user();
	if (geteuid() != 0)
		return 0;
	static const int caps[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER};
	return h_drop_capabilities(caps, COUNT(caps));
}

/* Finds out, in a throw-away child, how this machine lets the test make
 * a process that file modes apply to. */
static enum who probe_unprivileged(void)
{
	enum who order[] = {AS_NOBODY, AS_OWNER_NO_DAC};
	for (size_t k = 0; k < COUNT(order); k++) {
		if (order[k] == AS_NOBODY && geteuid() != 0)
			continue;
		pid_t pid = fork();
		cr_assert(pid != -1, "test setup: fork(): %s", strerror(errno));
		if (pid == 0)
			_exit(drop_privileges(order[k]) == 0 ? 0 : 1);
		int st;
		cr_assert(waitpid(pid, &st, 0) == pid, "test setup: waitpid");
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return order[k];
	}
	return AS_NOTHING;
}

/* Copies a program into this test's dir and makes the dir searchable and
 * the copy executable by any user: the build tree may be private. */
static const char *public_copy(const char *bin, const char *name)
{
	char *data;
	size_t len;
	int in = open(bin, O_RDONLY);
	cr_assert(in != -1, "cannot open %s: %s (was it built?)", bin,
		  strerror(errno));
	cr_assert(read_all(in, 64 << 20, &data, &len) == 0,
		  "test setup: reading %s: %s", bin, strerror(errno));
	close(in);
	const char *copy = h_path(name);
	int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	cr_assert(out != -1 && write_full(out, data, len) == (ssize_t)len,
		  "test setup: writing %s: %s", copy, strerror(errno));
	free(data);
	cr_assert(close(out) == 0 && chmod(copy, 0755) == 0 &&
		  chmod(h_dir(), 0711) == 0, "test setup: making %s "
		  "executable by all: %s", copy, strerror(errno));
	return copy;
}

/* Runs argv as the process described by how, up to 3 s, and returns its
 * stdout and stderr together (malloc'ed) with its wait status. */
static char *run_as(enum who how, const char *const argv[], int *status)
{
	const char *path = h_path("unprivileged.out");
	unlink(path);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	cr_assert(out != -1, "test setup: %s: %s", path, strerror(errno));
	pid_t pid = fork();
	cr_assert(pid != -1, "test setup: fork(): %s", strerror(errno));
	if (pid == 0) {
		dup2(out, 1);
		dup2(out, 2);
		if (how != AS_NOTHING && drop_privileges(how) == -1)
			_exit(DROP_FAILED);
		/* Set after the uid change, which clears it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(3);
		execv(argv[0], (char *const *)argv);
		_exit(EXEC_FAILED);
	}
	close(out);
	cr_assert(waitpid(pid, status, 0) == pid, "test setup: waitpid: %s",
		  strerror(errno));
	char *text;
	size_t len;
	int in = open(path, O_RDONLY);
	cr_assert(in != -1 && read_all(in, 1 << 16, &text, &len) == 0,
		  "test setup: reading %s: %s", path, strerror(errno));
	close(in);
	return text;
}

/* ---- traces ------------------------------------------------------------------------- */

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

/* Argument i of ev as a number (-1 when it is not one). */
static long arg_num(const struct trace_event *ev, int i)
{
	char buf[64], *end;
	if (trace_arg(ev, i, buf, sizeof(buf)) < 0)
		return -1;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* The sun_path strace printed in argument 1 of ev, unescaped: *abstract
 * says whether it was shown as @"...". Returns its length, -1 when the
 * argument has no sun_path, -2 when there is no such argument. */
static int traced_sun_path(const struct trace_event *ev, char *out, size_t cap,
			   int *abstract)
{
	char buf[1024];
	if (trace_arg(ev, 1, buf, sizeof(buf)) < 0)
		return -2;
	char *s = strstr(buf, "sun_path=");
	if (!s)
		return -1;
	s += strlen("sun_path=");
	*abstract = *s == '@';
	if (*abstract)
		s++;
	char *end = strrchr(s, '}');
	if (end)
		*end = '\0';
	int trunc = 0;
	return trace_unquote(s, out, cap, &trunc);
}

/* The first call named name (bind or connect) at index >= from whose
 * address starts like the one named by addr (a padded or cut name counts:
 * the check then says what is wrong with it). -1 when there is none. */
static long find_addr_call(const struct trace *t, const char *name,
			   const char *addr, size_t from)
{
	int want_abs = addr[0] == '@';
	const char *want = want_abs ? addr + 1 : addr;
	size_t lw = strlen(want);
	for (long i = trace_find(t, name, from); i >= 0;
	     i = trace_find(t, name, (size_t)i + 1)) {
		char got[512];
		int abs = 0;
		int n = traced_sun_path(&t->ev[i], got, sizeof(got), &abs);
		if (n < 0 || abs != want_abs)
			continue;
		size_t common = (size_t)n < lw ? (size_t)n : lw;
		if (common + 3 >= lw && common > 4 &&
		    memcmp(got, want, common) == 0)
			return i;
	}
	return -1;
}

/* Asserts that the call at index i names exactly addr with exactly its
 * length. what says which call, for the message. */
static void expect_exact_addr(const struct trace *t, long i, const char *addr,
			      const char *what)
{
	const struct trace_event *ev = &t->ev[i];
	char got[512], formula[200], sb[700];
	int abs = 0;
	int n = traced_sun_path(ev, got, sizeof(got), &abs);
	long len = arg_num(ev, 2);
	const char *want = addr[0] == '@' ? addr + 1 : addr;
	cr_assert(len == (long)exact_len(addr), "%s got addrlen %ld; expected "
		  "%s.%s\nThe call: %.400s", what, len, len_formula(addr,
		  formula, sizeof(formula)), len_mistake(addr, len), ev->line);
	cr_assert(n == (int)strlen(want) && memcmp(got, want, (size_t)n) == 0,
		  "%s named sun_path=%s\"%s\"; expected %s\"%s\" exactly.\nThe "
		  "call: %.400s", what, abs ? "@" : "", shown(got, n > 0 ?
		  (size_t)n : 0, sb, sizeof(sb)), abs ? "@" : "", want,
		  ev->line);
}

/* Starts namesrv ADDR --count 1 under strace and waits until it listens
 * (at ADDR or a near miss, which the trace check then explains); then lets
 * it serve one correct client (or stops it when no correct client can
 * reach it) and loads the trace. */
static void traced_server(const char *addr, const char *tp, struct trace *t)
{
	const char *argv[] = {h_bin("namesrv"), addr, "--count", "1", NULL};
	struct h_proc sp;
	cr_assert(h_start_traced(&sp, argv, NULL, tp) == 0, "could not start %s "
		  "under strace: %s", argv[0], strerror(errno));
	char why[1200], near[400], reply[256];
	int64_t deadline = mono_deadline(5.0);
	int listening = 0, near_miss = 0;
	while (!listening && !near_miss) {
		listening = h_wait_listening(&sp, addr, 0.03, why, sizeof(why)) == 0;
		if (!listening && errno != ETIMEDOUT)
			break;
		near_miss = !listening && near_listener(addr, near, sizeof(near));
		if (mono_ms_left(deadline) == 0)
			break;
	}
	int served = listening && ask_name(addr, reply, sizeof(reply), why,
					   sizeof(why)) == 0;
	/* h_stop() kills the traced program first, so that strace still
	 * writes the end of the trace. */
	if (!served || h_wait_exit(&sp, 3.0) != 0)
		h_stop(&sp);
	cr_assert(trace_load(tp, t) == 0, "could not read the trace %s: %s", tp,
		  strerror(errno));
}

/* ==== unit checks: unix_address ========================================================= */

/* The number of leading bytes a and b (n bytes each) have in common. */
static size_t same_prefix(const char *a, const char *b, size_t n)
{
	size_t k = 0;
	while (k < n && a[k] == b[k])
		k++;
	return k;
}

/* Calls unix_address(text) on a structure filled with garbage and checks
 * the family, the bytes of the name and the length. */
static void expect_address(const char *text, const char *kind)
{
	struct sockaddr_un a;
	socklen_t len = 12345;
	memset(&a, 0xA5, sizeof(a));
	errno = 0;
	int r = unix_address(text, &a, &len);
	int e = errno;
	char what[200], formula[200], sb[700];
	if (strlen(text) > 60)
		snprintf(what, sizeof(what), "unix_address(%s)", kind);
	else
		snprintf(what, sizeof(what), "unix_address(\"%s\") (%s)", text,
			 kind);
	check_ok(r, e, what);
	cr_assert(a.sun_family == AF_UNIX, "%s: sun_family is %d; expected "
		  "AF_UNIX (%d)", what, a.sun_family, AF_UNIX);
	if (text[0] == '@' && text[1] != '\0') {
		size_t n = strlen(text) - 1;
		cr_assert(a.sun_path[0] == '\0', "%s: sun_path[0] is '%s'; an "
			  "abstract address starts with a zero byte (the '@' is "
			  "only how the name is written)", what,
			  shown(a.sun_path, 1, sb, sizeof(sb)));
		size_t k = same_prefix(a.sun_path + 1, text + 1, n);
		cr_assert(k == n, "%s: after the leading zero, sun_path holds "
			  "only the first %zu of the name's %zu bytes (then "
			  "\"%s\"): the name was cut short or copied wrong; "
			  "refuse what does not fit, copy the rest whole", what,
			  k, n, shown(a.sun_path + 1 + k, n - k > 8 ? 8 : n - k,
			  sb, sizeof(sb)));
	} else if (text[0] != '@') {
		size_t n = strlen(text);
		size_t k = same_prefix(a.sun_path, text, n + 1);
		cr_assert(k == n + 1, "%s: sun_path should hold the %zu bytes "
			  "of the path and its terminating zero; only the first "
			  "%zu bytes match (then \"%s\")%s", what, n, k,
			  shown(a.sun_path + k, n + 1 - k > 8 ? 8 : n + 1 - k, sb,
			  sizeof(sb)), k == n ? ": the zero is missing" : "");
	}
	cr_assert(len == exact_len(text), "%s set *len = %u; expected %s.%s",
		  what, (unsigned)len, len_formula(text, formula,
		  sizeof(formula)), len_mistake(text, (long)len));
}

CHECK(lab03, unit_address_path, 1,
      "unix_address: a path gets offsetof + strlen + 1; 107 bytes fit")
{
	expect_address(h_path("s.sock"), "a pathname");
	expect_address(h_path_of_len(107), "a 107-byte path, the longest");
	expect_address("rel.sock", "a relative path");
}

CHECK(lab03, unit_address_abstract, 2,
      "unix_address: \"@name\" is \\0 + name, length offsetof + 1 + strlen")
{
	expect_address(h_abstract(), "an abstract name");
	expect_address("@x", "a one-byte abstract name");
	expect_address(abstract_of_len(108), "a 107-byte abstract name, the "
		       "longest: length 110");
}

CHECK(lab03, unit_address_autobind, 1,
      "unix_address: \"@\" is autobind, length sizeof(sa_family_t)")
{
	expect_address("@", "autobind");
	/* The address really asks for autobind: the kernel names the socket
	 * with a zero byte and five hex digits. */
	struct sockaddr_un a;
	socklen_t len;
	cr_assert(unix_address("@", &a, &len) == 0, "unix_address(\"@\") "
		  "failed the second time");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(fd >= 0, "test setup: socket(): %s", strerror(errno));
	int r = bind(fd, (struct sockaddr *)&a, len);
	int e = errno;
	char text[NAMING_TEXT_MAX];
	socklen_t got = r == 0 ? kernel_name(fd, 0, text, sizeof(text)) : 0;
	close(fd);
	cr_assert(r == 0, "bind() with unix_address(\"@\")'s address and "
		  "length %u failed with %s", (unsigned)len, errno_name(e));
	cr_assert(got == 8 && is_autobind_text(text), "bind() with "
		  "unix_address(\"@\")'s address gave the name \"%s\" (length "
		  "%u); autobind gives \\0 and five hex digits (length 8)",
		  text, (unsigned)got);
}

CHECK(lab03, unit_address_too_long, 2,
      "unix_address: 108+ bytes is ENAMETOOLONG, never truncated; \"\" EINVAL")
{
	struct {
		const char *text;
		const char *what;
	} cases[] = {
		{h_path_of_len(108), "a 108-byte path (no room for its zero)"},
		{h_path_of_len(109), "a 109-byte path"},
		{h_path_of_len(200), "a 200-byte path"},
		{abstract_of_len(109), "a 108-byte abstract name (no room "
		 "after the leading zero)"},
		{abstract_of_len(160), "a 159-byte abstract name"},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		struct sockaddr_un a, before;
		socklen_t len = 12345;
		memset(&a, 0xA5, sizeof(a));
		before = a;
		errno = 0;
		int r = unix_address(cases[k].text, &a, &len);
		int e = errno;
		char what[200];
		snprintf(what, sizeof(what), "unix_address(%s; sun_path holds "
			 "108 bytes)", cases[k].what);
		cr_assert(!(r == 0 && e != ENAMETOOLONG), "%s returned 0 with "
			  "*len = %u: a name that does not fit must be refused "
			  "with ENAMETOOLONG, never cut short (strncpy would "
			  "silently name another socket: seed flaw 9)", what,
			  (unsigned)len);
		check_errno(r, e, ENAMETOOLONG, what);
		cr_assert(memcmp(&a, &before, sizeof(a)) == 0 && len == 12345,
			  "%s failed but wrote into the address or its length: "
			  "check the size before copying anything", what);
	}
	struct sockaddr_un a;
	socklen_t len;
	errno = 0;
	int r = unix_address("", &a, &len);
	int e = errno;
	check_errno(r, e, EINVAL, "unix_address(\"\") (an empty text names "
		    "nothing)");
	errno = 0;
	r = unix_address(NULL, &a, &len);
	e = errno;
	check_errno(r, e, EINVAL, "unix_address(NULL, ...)");
}

/* ==== unit checks: unix_address_text ======================================================= */

/* Calls unix_address_text on (a, len) and expects want. */
static void expect_text(const struct sockaddr_un *a, socklen_t len,
			const char *want, const char *what)
{
	char buf[NAMING_TEXT_MAX + 16];
	memset(buf, 'Z', sizeof(buf));
	errno = 0;
	int r = unix_address_text(a, len, buf, NAMING_TEXT_MAX);
	int e = errno;
	char w[300];
	snprintf(w, sizeof(w), "unix_address_text(%s, len %u)", what,
		 (unsigned)len);
	check_ok(r, e, w);
	cr_assert(r == (int)strlen(want) && memchr(buf, '\0', NAMING_TEXT_MAX) &&
		  strcmp(buf, want) == 0, "%s returned %d and wrote \"%.*s\"; "
		  "expected \"%s\" (%zu bytes) and a terminating zero", w, r,
		  NAMING_TEXT_MAX, buf, want, strlen(want));
}

CHECK(lab03, unit_text, 2,
      "unix_address_text: \"/path\", \"@name\", \"@name@@@...\", \"@00a3f\", \"\"")
{
	struct sockaddr_un a;
	char want[NAMING_TEXT_MAX + 8];

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, "/tmp/x/s.sock");
	expect_text(&a, (socklen_t)(SUN_OFF + 14), "/tmp/x/s.sock",
		    "a path, exact length");
	expect_text(&a, sizeof(a), "/tmp/x/s.sock",
		    "a path, length sizeof: the path ends at its zero");

	/* A 108-byte path fills sun_path without a zero; getsockname()
	 * reports length 111 for it. */
	memcpy(a.sun_path, "/tmp/", 5);
	memset(a.sun_path + 5, 'q', 103);
	snprintf(want, sizeof(want), "/tmp/%.103s", run_of('q', 103));
	expect_text(&a, (socklen_t)(SUN_OFF + 109), want,
		    "a 108-byte path with no zero, length 111 as getsockname() "
		    "reports it");

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path + 1, "name", 4);
	expect_text(&a, (socklen_t)(SUN_OFF + 5), "@name",
		    "the abstract name \\0name, exact length");
	snprintf(want, sizeof(want), "@name%.103s", run_of('@', 103));
	expect_text(&a, sizeof(a), want, "\\0name bound with sizeof(struct "
		    "sockaddr_un): the 103 zeros after the name are part of it "
		    "and show as '@'");
	a.sun_path[3] = '\0';
	expect_text(&a, (socklen_t)(SUN_OFF + 5), "@na@e",
		    "an abstract name with a zero byte inside");

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path + 1, "00a3f", 5);
	expect_text(&a, 8, "@00a3f", "an autobound name, length 8");
	expect_text(&a, sizeof(sa_family_t), "",
		    "an unnamed socket: only the family (length 2)");

	/* Errors. */
	char buf[64];
	memset(buf, 'Z', sizeof(buf));
	memcpy(a.sun_path + 1, "name", 4);
	errno = 0;
	int r = unix_address_text(&a, (socklen_t)(SUN_OFF + 5), buf, 5);
	int e = errno;
	check_errno(r, e, ERANGE, "unix_address_text(\\0name, cap 5): \"@name\" "
		    "and its zero need 6 bytes");
	cr_assert(buf[0] == 'Z', "unix_address_text failed with ERANGE but "
		  "wrote into the buffer: leave it untouched");
	r = unix_address_text(&a, (socklen_t)(SUN_OFF + 5), buf, 6);
	cr_assert(r == 5 && strcmp(buf, "@name") == 0, "unix_address_text("
		  "\\0name, cap 6) should fit exactly and return 5; it returned "
		  "%d", r);
	a.sun_family = AF_INET;
	errno = 0;
	r = unix_address_text(&a, (socklen_t)(SUN_OFF + 5), buf, sizeof(buf));
	e = errno;
	check_errno(r, e, EINVAL, "unix_address_text(an AF_INET address)");
	a.sun_family = AF_UNIX;
	errno = 0;
	r = unix_address_text(&a, 1, buf, sizeof(buf));
	e = errno;
	check_errno(r, e, EINVAL, "unix_address_text(len 1: shorter than the "
		    "family)");
}

/* For a naming_connect() to a correct test server that failed with err:
 * what that errno says about the address the client sent. */
static const char *connect_hint(const char *text, int err)
{
	static char buf[400];
	if (err == ECONNREFUSED && text[0] == '@')
		snprintf(buf, sizeof(buf), " (a test server listens at exactly "
			 "%s, length %zu: ECONNREFUSED means the client asked "
			 "for another name. Is the length exact? With sizeof, the "
			 "zeros after the name are part of it)", text,
			 exact_len(text));
	else if (err == ENOENT && text[0] != '@')
		snprintf(buf, sizeof(buf), " (the socket file exists and a test "
			 "server listens on it: ENOENT means the client asked for "
			 "another path; a length that is too short cuts it)");
	else
		buf[0] = '\0';
	return buf;
}

/* When a name read back shows as want followed by '@' (zero bytes), the
 * usual cause: the text was made with sizeof instead of the length that
 * getsockname() wrote back. "" otherwise. */
static const char *padding_hint(const char *got, const char *want)
{
	size_t lw = strlen(want), lg = strlen(got);
	if (lw == 0 || lg <= lw || strncmp(got, want, lw) != 0 ||
	    strspn(got + lw, "@") != lg - lw)
		return "";
	return " The text has zero bytes ('@') after the name: give "
	       "unix_address_text() the length that getsockname()/getpeername() "
	       "wrote back, not sizeof(struct sockaddr_un).";
}

/* ==== unit checks: names read back ============================================================ */

/* Asserts that the student's naming_listen(text) made a listener whose
 * name, read back by the student's unix_socket_name() and by the test's
 * own getsockname(), is want (or an autobound name when want is NULL),
 * with the exact length. Returns the listener. */
static int expect_listener_name(const char *text, const char *want)
{
	char what[160];
	snprintf(what, sizeof(what), "naming_listen(\"%.60s\", 5)", text);
	errno = 0;
	int fd = naming_listen(text, 5);
	int e = errno;
	check_ok(fd, e, what);
	char kt[NAMING_TEXT_MAX], st[NAMING_TEXT_MAX + 8];
	socklen_t klen = kernel_name(fd, 0, kt, sizeof(kt));
	if (want) {
		char formula[200];
		cr_assert(klen == exact_len(want) && strcmp(kt, want) == 0,
			  "%s: the kernel says the socket is named \"%s\" "
			  "(getsockname length %u); expected \"%s\" with length "
			  "%s.%s", what, kt, (unsigned)klen, want,
			  len_formula(want, formula, sizeof(formula)),
			  len_mistake(want, (long)klen));
	} else {
		cr_assert(klen == 8 && is_autobind_text(kt), "%s: the kernel "
			  "says the socket is named \"%s\" (getsockname length "
			  "%u); autobind gives \\0 and five hex digits (length "
			  "8): bind() must get only the family, length 2", what,
			  kt, (unsigned)klen);
	}
	memset(st, 'Z', sizeof(st));
	errno = 0;
	int n = unix_socket_name(fd, 0, st, NAMING_TEXT_MAX);
	e = errno;
	char w2[200];
	snprintf(w2, sizeof(w2), "unix_socket_name(the listener of %s, 0)", what);
	check_ok(n, e, w2);
	cr_assert(n == (int)strlen(kt) && strcmp(st, kt) == 0, "%s returned "
		  "%d and \"%.*s\"; getsockname() says \"%s\" (%zu bytes).%s",
		  w2, n, NAMING_TEXT_MAX, st, kt, strlen(kt),
		  padding_hint(st, kt));
	return fd;
}

CHECK(lab03, unit_name_roundtrip, 2,
      "naming_listen + unix_socket_name: path, abstract and autobind round trip")
{
	const char *p = h_path("s.sock");
	const char *ab = h_abstract();
	int f1 = expect_listener_name(p, p);
	int f2 = expect_listener_name(ab, ab);
	int f3 = expect_listener_name("@", NULL);
	/* Each one is really listening: a correct client reaches it. */
	char t3[NAMING_TEXT_MAX];
	kernel_name(f3, 0, t3, sizeof(t3));
	const char *names[] = {p, ab, t3};
	for (size_t k = 0; k < 3; k++) {
		int c = h_connect(names[k]);
		cr_assert(c >= 0, "a correct client's connect() to %s, the "
			  "name naming_listen() bound, failed with %s: is it "
			  "listening?", names[k], errno_name(errno));
		close(c);
	}
	close(f1);
	close(f2);
	close(f3);
}

CHECK(lab03, unit_name_peer, 1,
      "unix_socket_name: accepted socket, unnamed and autobound peers, errors")
{
	const char *ab = h_abstract();
	int lfd = h_listen(ab, 5);
	cr_assert(lfd >= 0, "test setup: listen at %s: %s", ab, strerror(errno));
	int c = h_connect(ab);
	int s = accept(lfd, NULL, NULL);
	cr_assert(c >= 0 && s >= 0, "test setup: connect/accept: %s",
		  strerror(errno));
	char buf[NAMING_TEXT_MAX];
	struct {
		int fd, peer;
		const char *want, *what;
	} cases[] = {
		{s, 0, ab, "an accepted socket, own name (the listener's)"},
		{s, 1, "", "an accepted socket, peer name (a client that never "
		 "bound is unnamed)"},
		{c, 1, ab, "a connected client, peer name (the server's)"},
	};
	for (size_t k = 0; k < COUNT(cases); k++) {
		memset(buf, 'Z', sizeof(buf));
		errno = 0;
		int n = unix_socket_name(cases[k].fd, cases[k].peer, buf,
					 sizeof(buf));
		int e = errno;
		char w[200];
		snprintf(w, sizeof(w), "unix_socket_name(%s)", cases[k].what);
		check_ok(n, e, w);
		cr_assert(n == (int)strlen(cases[k].want) &&
			  strcmp(buf, cases[k].want) == 0, "%s returned %d and "
			  "\"%.*s\"; expected \"%s\".%s", w, n, (int)sizeof(buf),
			  buf, cases[k].want, padding_hint(buf, cases[k].want));
	}
	close(c);
	close(s);

	/* A client that autobinds before connecting: the server sees its
	 * name as the peer. */
	errno = 0;
	int c2 = naming_connect(ab, 1);
	int e = errno;
	char w2[600];
	snprintf(w2, sizeof(w2), "naming_connect(\"%s\", autobind = 1)%s", ab,
		 c2 < 0 ? connect_hint(ab, e) : "");
	check_ok(c2, e, w2);
	int s2 = accept(lfd, NULL, NULL);
	cr_assert(s2 >= 0, "test setup: accept: %s", strerror(errno));
	char mine[NAMING_TEXT_MAX];
	socklen_t ml = kernel_name(c2, 0, mine, sizeof(mine));
	cr_assert(ml == 8 && is_autobind_text(mine), "naming_connect(..., 1): "
		  "the client socket is named \"%s\" (length %u); with autobind "
		  "it gets \\0 and five hex digits before connect()", mine,
		  (unsigned)ml);
	int n = unix_socket_name(s2, 1, buf, sizeof(buf));
	cr_assert(n == 6 && strcmp(buf, mine) == 0, "unix_socket_name(accepted "
		  "socket, 1) with an autobound client returned %d and \"%s\"; "
		  "expected \"%s\"", n, n >= 0 ? buf : "", mine);
	close(c2);
	close(s2);

	/* Errors keep their errno. */
	errno = 0;
	n = unix_socket_name(lfd, 1, buf, sizeof(buf));
	e = errno;
	check_errno(n, e, ENOTCONN, "unix_socket_name(a listening socket, 1) "
		    "(a listener has no peer)");
	int pfd[2];
	cr_assert(pipe(pfd) == 0, "test setup: pipe: %s", strerror(errno));
	errno = 0;
	n = unix_socket_name(pfd[0], 0, buf, sizeof(buf));
	e = errno;
	close(pfd[0]);
	close(pfd[1]);
	check_errno(n, e, ENOTSOCK, "unix_socket_name(a pipe, 0)");
	int in = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(in >= 0, "test setup: socket(AF_INET): %s", strerror(errno));
	errno = 0;
	n = unix_socket_name(in, 0, buf, sizeof(buf));
	e = errno;
	close(in);
	check_errno(n, e, EINVAL, "unix_socket_name(an AF_INET socket, 0) (its "
		    "address is no sockaddr_un)");
	close(lfd);
}

/* ==== unit checks: lifetime and connect ========================================================= */

CHECK(lab03, unit_lifetime, 2,
      "a path outlives its socket (EADDRINUSE until unlinked); an abstract name does not")
{
	const char *p = h_path("s.sock");
	errno = 0;
	int fd = naming_listen(p, 5);
	int e = errno;
	check_ok(fd, e, "naming_listen(path, 5)");
	close(fd);
	struct stat st;
	cr_assert(lstat(p, &st) == 0 && S_ISSOCK(st.st_mode), "after "
		  "naming_listen(%s) and close(), the socket file should still "
		  "be there (close() never removes it)", p);
	/* A second name for the same file: if naming_listen() removed the
	 * file, the link count drops to 1 (an inode number alone could be
	 * reused by the new file). */
	const char *hard = h_path("s.sock.link");
	cr_assert(link(p, hard) == 0, "test setup: link(%s): %s", p,
		  strerror(errno));
	errno = 0;
	fd = naming_listen(p, 5);
	e = errno;
	if (fd >= 0)
		close(fd);
	int kept = lstat(hard, &st) == 0 && st.st_nlink == 2;
	cr_assert(!(fd >= 0 && !kept), "naming_listen(%s) succeeded over the "
		  "file left by a closed socket, which it removed: "
		  "naming_listen must never unlink (EADDRINUSE is the right "
		  "answer; the seed's blind unlink, flaw 7, would also steal a "
		  "live server's name)", p);
	check_errno(fd, e, EADDRINUSE, "naming_listen(path) again after the "
		    "first socket was closed (its file is still there)");
	cr_assert(kept, "naming_listen failed as it should, but the socket "
		  "file %s was removed or replaced", p);
	unlink(hard);
	cr_assert(unlink(p) == 0, "test setup: unlink: %s", strerror(errno));
	errno = 0;
	fd = naming_listen(p, 5);
	e = errno;
	check_ok(fd, e, "naming_listen(path) once the file was unlinked");
	close(fd);

	const char *ab = h_abstract();
	errno = 0;
	fd = naming_listen(ab, 5);
	e = errno;
	check_ok(fd, e, "naming_listen(abstract name, 5)");
	int copy = dup(fd);
	close(fd);
	errno = 0;
	int again = naming_listen(ab, 5);
	e = errno;
	if (again >= 0)
		close(again);
	check_errno(again, e, EADDRINUSE, "naming_listen(abstract name) while "
		    "a dup() of the first socket is still open (the name lives "
		    "as long as the socket's last descriptor)");
	close(copy);
	errno = 0;
	again = naming_listen(ab, 5);
	e = errno;
	check_ok(again, e, "naming_listen(abstract name) right after the last "
		 "descriptor of the first socket was closed (nothing to unlink: "
		 "the kernel freed the name)");
	close(again);
}

CHECK(lab03, unit_connect, 1,
      "naming_connect: exact names; ENOENT, ECONNREFUSED, a padded name is another; no fd leaked")
{
	const char *p = h_path("s.sock");
	const char *ab = h_abstract();
	int l1 = h_listen(p, 5), l2 = h_listen(ab, 5);
	cr_assert(l1 >= 0 && l2 >= 0, "test setup: listen: %s", strerror(errno));
	const char *ok[] = {p, ab};
	for (size_t k = 0; k < 2; k++) {
		errno = 0;
		int c = naming_connect(ok[k], 0);
		int e = errno;
		char w[600];
		snprintf(w, sizeof(w), "naming_connect(\"%s\", 0) to a listening "
			 "test server%s", ok[k], c < 0 ? connect_hint(ok[k], e) : "");
		check_ok(c, e, w);
		char peer[NAMING_TEXT_MAX];
		socklen_t pl = kernel_name(c, 1, peer, sizeof(peer));
		cr_assert(strcmp(peer, ok[k]) == 0, "%s: connected to \"%s\" "
			  "(length %u) instead", w, peer, (unsigned)pl);
		close(c);
	}
	/* A server bound the seed's way, with sizeof(struct sockaddr_un):
	 * its name is "@name" and 103 zero bytes more. A correct client
	 * asking for "@name" reaches nobody. */
	const char *padded = h_abstract();
	struct sockaddr_un a;
	h_sockaddr(padded, &a);
	int ps = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(ps >= 0 && bind(ps, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  listen(ps, 5) == 0, "test setup: a padded listener: %s",
		  strerror(errno));

	/* Descriptors are counted around the failing calls: each one must
	 * close the socket it made. */
	int before = check_count_fds();
	struct {
		const char *text;
		int want;
		const char *what;
	} bad[] = {
		{h_path("nothing.sock"), ENOENT, "a path with no file"},
		{h_abstract(), ECONNREFUSED, "an abstract name nobody holds"},
		{"@", EINVAL, "\"@\" (autobind names no server)"},
		{h_path_of_len(108), ENAMETOOLONG, "a 108-byte path"},
	};
	for (size_t k = 0; k < COUNT(bad); k++) {
		char w[160];
		snprintf(w, sizeof(w), "naming_connect(%s, 0)", bad[k].what);
		errno = 0;
		int c = naming_connect(bad[k].text, 0);
		int e = errno;
		if (c >= 0)
			close(c);
		check_errno(c, e, bad[k].want, w);
	}

	errno = 0;
	int c = naming_connect(padded, 0);
	int e = errno;
	if (c >= 0)
		close(c);
	cr_assert(c < 0, "naming_connect(\"%s\") reached a server that bound "
		  "\"%s\" with length sizeof(struct sockaddr_un), i.e. the name "
		  "followed by zero bytes: your client sends the padded name "
		  "too (length %zu expected, the zeros must not be counted)",
		  padded, padded, exact_len(padded));
	check_errno(c, e, ECONNREFUSED, "naming_connect(\"@name\") where only "
		    "\"@name\" padded with zeros (bound with sizeof) exists");
	int after = check_count_fds();
	cr_assert(after == before, "naming_connect failed %zu times and left "
		  "%d descriptor(s) open: when connect() fails, close the socket "
		  "before returning -1 (save errno, close, restore errno)",
		  COUNT(bad) + 1, after - before);
	close(ps);
	close(l1);
	close(l2);
}

/* ==== box checks ================================================================================= */

/* Asserts that a namecli run printed want and exited 0; else says what
 * happened, with the server's story. */
static void expect_cli(const struct h_result *r, const char *want,
		       struct h_proc *server, const char *context)
{
	size_t lw = strlen(want);
	int ok = WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0 &&
		 strncmp(r->out, want, lw) == 0 && r->out[lw] == '\n' &&
		 r->out[lw + 1] == '\0';
	if (ok)
		return;
	char d[96] = "no server";
	char *serr = NULL;
	if (server) {
		h_describe(server, d, sizeof(d));
		serr = h_output(server, 2);
	}
	cr_assert_fail("%s: namecli %s and printed \"%.200s\"; expected exit "
		       "status 0 and \"%s\" on one line. namecli's stderr: "
		       "%.300s. Server: %s, stderr: %.300s", context, r->what,
		       h_one_line(r->out), want, h_one_line(r->err), d,
		       h_one_line(serr));
}

/* Asserts that namesrv printed "listening at want" first. */
static void expect_listening_line(struct h_proc *p, const char *want)
{
	char got[400];
	read_listening_line(p, got, sizeof(got));
	cr_assert(strcmp(got, want) == 0, "namesrv %s printed \"listening at "
		  "%s\"; the name read back with getsockname() should be "
		  "\"%s\".%s", want, got, want, padding_hint(got, want));
}

CHECK(lab03, box_path, 1,
      "namesrv /path answers a correct client and namecli with its name")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	start_server(&sp, p, "--count", "2");
	wait_named(&sp, p);
	expect_listening_line(&sp, p);
	char reply[256], why[400];
	cr_assert(ask_name(p, reply, sizeof(reply), why, sizeof(why)) == 0,
		  "namesrv %s: %s", p, why);
	cr_assert(strcmp(reply, p) == 0, "namesrv %s sent \"%s\" to a correct "
		  "client; expected its own name \"%s\"", p, reply, p);
	struct h_result r;
	run_client(p, NULL, &r);
	expect_cli(&r, p, &sp, "namecli /path");
	h_result_free(&r);
	char d[96];
	cr_assert(h_wait_exit(&sp, 2.0) == 0 && WIFEXITED(sp.status) &&
		  WEXITSTATUS(sp.status) == 0, "namesrv --count 2 served two "
		  "clients; expected exit status 0, but %s",
		  how_it(&sp, d, sizeof(d)));
	struct stat st;
	cr_assert(lstat(p, &st) == -1, "namesrv exited cleanly but left its "
		  "socket file %s behind", p);
}

CHECK(lab03, box_abstract, 2,
      "namesrv @name is reachable by a correct client (exact name, no padding)")
{
	const char *ab = h_abstract();
	struct h_proc sp;
	start_server(&sp, ab, "--count", "2");
	wait_named(&sp, ab);
	expect_listening_line(&sp, ab);
	char reply[256], why[400];
	cr_assert(ask_name(ab, reply, sizeof(reply), why, sizeof(why)) == 0,
		  "namesrv %s: %s", ab, why);
	cr_assert(strcmp(reply, ab) == 0, "namesrv %s sent \"%s\" to a correct "
		  "client; expected its own name \"%s\"", ab, reply, ab);
	struct h_result r;
	run_client(ab, NULL, &r);
	expect_cli(&r, ab, &sp, "namecli @name");
	h_result_free(&r);
	char d[96];
	cr_assert(h_wait_exit(&sp, 2.0) == 0 && WIFEXITED(sp.status) &&
		  WEXITSTATUS(sp.status) == 0, "namesrv --count 2 served two "
		  "clients; expected exit status 0, but %s",
		  how_it(&sp, d, sizeof(d)));
	/* With its last descriptor closed, the name is free at once. */
	int again = h_listen(ab, 1);
	cr_assert(again >= 0, "after namesrv %s exited, binding the same "
		  "abstract name failed with %s: the name should be free as "
		  "soon as the last descriptor closed", ab, errno_name(errno));
	close(again);
}

CHECK(lab03, box_socat_client, 1,
      "socat ABSTRACT-CONNECT and UNIX-CONNECT get namesrv's name")
{
	const char *ab = h_abstract();
	const char *p = h_path("s.sock");
	struct h_proc s1, s2;
	start_server(&s1, ab, "--count", "1");
	start_server(&s2, p, "--count", "1");
	wait_named(&s1, ab);
	wait_named(&s2, p);
	char a1[200], a2[200];
	snprintf(a1, sizeof(a1), "ABSTRACT-CONNECT:%s", ab + 1);
	snprintf(a2, sizeof(a2), "UNIX-CONNECT:%s", p);
	const char *addrs[] = {a1, a2};
	const char *want[] = {ab, p};
	struct h_proc *servers[] = {&s1, &s2};
	for (int k = 0; k < 2; k++) {
		const char *argv[] = {"/usr/bin/socat", "-t", "3", "-", addrs[k],
				      NULL};
		struct h_result r;
		cr_assert(h_run(argv, NULL, 0, 4.0, &r) == 0, "could not start "
			  "socat: %s", strerror(errno));
		char d[96];
		h_wait_exit(servers[k], 1.0);
		char *serr = h_output(servers[k], 2);
		cr_assert(strcmp(r.out, want[k]) == 0, "`socat - %s` got \"%.200s\" "
			  "(socat %s, stderr: %.300s); expected exactly \"%s\". "
			  "namesrv: %s, stderr: %.300s", addrs[k], h_one_line(r.out),
			  r.what, h_one_line(r.err), want[k],
			  h_describe(servers[k], d, sizeof(d)), h_one_line(serr));
		free(serr);
		h_result_free(&r);
	}
}

CHECK(lab03, box_socat_server, 1,
      "namecli reaches socat ABSTRACT-LISTEN and UNIX-LISTEN")
{
	const char *ab = h_abstract();
	const char *p = h_path("s.sock");
	char l1[200], l2[200];
	snprintf(l1, sizeof(l1), "ABSTRACT-LISTEN:%s", ab + 1);
	snprintf(l2, sizeof(l2), "UNIX-LISTEN:%s", p);
	const char *listens[] = {l1, l2};
	const char *names[] = {ab, p};
	for (int k = 0; k < 2; k++) {
		const char *argv[] = {"/usr/bin/socat", "-t", "3", listens[k],
				      "SYSTEM:printf socat-here", NULL};
		struct h_proc so;
		cr_assert(h_start(&so, argv, NULL) == 0, "could not start socat: "
			  "%s", strerror(errno));
		wait_named(&so, names[k]);
		struct h_result r;
		run_client(names[k], NULL, &r);
		char ctx[300];
		snprintf(ctx, sizeof(ctx), "namecli %s against `socat %s`",
			 names[k], listens[k]);
		if (!(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0))
			h_stop(&so);
		else
			h_wait_exit(&so, 1.0);
		expect_cli(&r, "socat-here", &so, ctx);
		h_result_free(&r);
	}
}

CHECK(lab03, box_autobind, 1,
      "namesrv @ listens at a kernel-chosen name; namecli --autobind is seen by name")
{
	struct h_proc sp;
	start_server(&sp, "@", "--count", "1");
	char name[400];
	read_listening_line(&sp, name, sizeof(name));
	cr_assert(is_autobind_text(name), "namesrv @ printed \"listening at "
		  "%s\"; autobind gives '@' and five hex digits (bind() with "
		  "length sizeof(sa_family_t) only, then getsockname())", name);
	wait_named(&sp, name);
	struct h_result r;
	run_client("--autobind", name, &r);
	char *out = r.out;
	char me[64] = "";
	int ok = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
		 sscanf(out, "autobound as %63s", me) == 1 &&
		 is_autobind_text(me) && strchr(out, '\n') &&
		 strncmp(strchr(out, '\n') + 1, name, 6) == 0;
	char *serr = h_output(&sp, 2);
	cr_assert(ok, "namecli --autobind %s %s and printed \"%.200s\"; expected "
		  "\"autobound as @xxxxx\" (five hex digits) and then \"%s\". "
		  "stderr: %.300s. namesrv stderr: %.300s", name, r.what,
		  h_one_line(out), name, h_one_line(r.err), h_one_line(serr));
	free(serr);
	char d[96];
	h_wait_exit(&sp, 2.0);
	char *sout = h_output(&sp, 1);
	char line[96];
	snprintf(line, sizeof(line), "client 1: peer %s\n", me);
	cr_assert(strstr(sout, line) != NULL, "namesrv should report its client "
		  "by the name the client was autobound to (\"client 1: peer "
		  "%s\", from getpeername()); namesrv %s, stdout: %.400s", me,
		  h_describe(&sp, d, sizeof(d)), h_one_line(sout));
	free(sout);
	h_result_free(&r);
}

/* 1 when some entry of the test's dir starts with prefix. */
static int dir_has_prefix(const char *prefix)
{
	DIR *d = opendir(h_dir());
	cr_assert(d != NULL, "test setup: opendir: %s", strerror(errno));
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			found = 1;
	closedir(d);
	return found;
}

CHECK(lab03, box_too_long, 1,
      "namesrv and namecli refuse a 108-byte path and a 108-byte abstract name")
{
	const char *p = h_path_of_len(108);
	const char *ab = abstract_of_len(109);
	const char *texts[] = {p, ab};
	const char *what[] = {"a 108-byte path", "a 108-byte abstract name"};
	for (int k = 0; k < 2; k++) {
		struct h_proc sp;
		start_server(&sp, texts[k], NULL, NULL);
		/* A correct namesrv exits at once. One that cut the name goes
		 * on listening: notice its file or its listener instead of
		 * waiting for the deadline. */
		char d[200], near[400] = "";
		int exited = -1, cut = 0;
		int64_t deadline = mono_deadline(3.0);
		while (exited != 0 && !cut && mono_ms_left(deadline) > 0) {
			exited = h_wait_exit(&sp, 0.02);
			cut = k == 0 ? dir_has_prefix("xx")
				     : near_listener(texts[k], near, sizeof(near));
		}
		cr_assert(!cut, "namesrv with %s should refuse it with "
			  "ENAMETOOLONG, but it %s anyway: sun_path has no room "
			  "for it, so the kernel got the name's first bytes "
			  "(strncpy cuts silently and may leave no zero: seed "
			  "flaw 9); check the length before copying. %s",
			  what[k], k == 0 ? "created a socket file for it" :
			  "listens at a name made of its first bytes",
			  how_it(&sp, d, sizeof(d)));
		char *err = h_output(&sp, 2);
		cr_assert(exited == 0 && WIFEXITED(sp.status) &&
			  WEXITSTATUS(sp.status) == 1 &&
			  strstr(err, "File name too long") != NULL, "namesrv "
			  "with %s should exit with status 1 and report "
			  "ENAMETOOLONG (\"File name too long\"); %s, stderr: "
			  "%.300s", what[k], how_it(&sp, d, sizeof(d)),
			  h_one_line(err));
		free(err);
		struct h_result r;
		run_client(texts[k], NULL, &r);
		cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1 &&
			  strstr(r.err, "File name too long") != NULL, "namecli "
			  "with %s should exit with status 1 and report "
			  "ENAMETOOLONG (\"File name too long\"); it %s, stderr: "
			  "%.300s", what[k], r.what, h_one_line(r.err));
		h_result_free(&r);
	}
	/* h_path_of_len() names a run of 'x' in the test's dir: any file
	 * starting so is a cut copy of the path. */
	cr_assert(!dir_has_prefix("xx"), "a file was created in %s for the "
		  "108-byte path: the path was cut to fit sun_path (strncpy, "
		  "seed flaw 9) instead of refused", h_dir());
}

CHECK(lab03, box_permissions, 2,
      "another user: the file mode guards /path (EACCES), nothing guards @name")
{
	enum who how = probe_unprivileged();
	const char *cli = public_copy(h_bin("namecli"), "namecli-copy");
	const char *p = h_path("s.sock");
	const char *ab = h_abstract();
	struct h_proc s1, s2;
	start_server(&s1, p, NULL, NULL);
	start_server(&s2, ab, NULL, NULL);
	wait_named(&s1, p);
	wait_named(&s2, ab);
	const char *who = how == AS_NOBODY ? "uid 65534" :
			  how != AS_OWNER_NO_DAC ? "the test's own user (no "
			  "way to drop privileges here)" : geteuid() != 0 ?
			  "the test's own user, the socket file's owner (a "
			  "test not run as root cannot switch users)" :
			  "root without CAP_DAC_OVERRIDE, the socket file's "
			  "owner (uid 65534 is not available here)";
	if (how != AS_NOBODY)
		cr_log_warn("box_permissions: cannot switch to uid 65534 here; "
			    "running namecli as %s, with mode 0400 on the "
			    "socket file", who);
	/* Write permission on the socket file is what connect() needs: take
	 * it away from the other user (from everyone when the client can
	 * only be the owner), then give it to all. */
	mode_t closed = how == AS_NOBODY ? 0600 : 0400;
	int status;
	if (how != AS_NOTHING) {
		cr_assert(chmod(p, closed) == 0, "test setup: chmod %s: %s", p,
			  strerror(errno));
		const char *argv[] = {cli, p, NULL};
		char *out = run_as(how, argv, &status);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) ==
			  NAMING_CLI_EXIT_ACCES, "namecli %s run as %s, with the "
			  "socket file's mode %04o: expected exit status %d "
			  "(EACCES: connecting needs write permission on the "
			  "socket file); it ended with status 0x%x, output: %.300s",
			  p, who, (unsigned)closed, NAMING_CLI_EXIT_ACCES, status,
			  h_one_line(out));
		free(out);
	} else {
		cr_log_warn("box_permissions: this machine gives no way to run "
			    "a process that file modes apply to: the EACCES part "
			    "is NOT checked here");
	}
	cr_assert(chmod(p, 0666) == 0, "test setup: chmod %s: %s", p,
		  strerror(errno));
	const char *targets[] = {p, ab};
	const char *story[] = {"with the socket file's mode 0666",
			       "an abstract name has no mode and no owner"};
	for (int k = 0; k < 2; k++) {
		const char *argv[] = {cli, targets[k], NULL};
		char *out = run_as(how, argv, &status);
		size_t lt = strlen(targets[k]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			  strncmp(out, targets[k], lt) == 0 && out[lt] == '\n',
			  "namecli %s run as %s (%s): expected exit status 0 and "
			  "the reply \"%s\"; it ended with status 0x%x, output: "
			  "%.300s", targets[k], who, story[k], targets[k], status,
			  h_one_line(out));
		free(out);
	}
}

/* ==== trace checks ================================================================================== */

CHECK(lab03, trace_bind_abstract, 2,
      "strace: namesrv @name binds \\0name with length 2 + 1 + strlen(name)")
{
	const char *ab = h_abstract();
	const char *tp = h_path("server.trace");
	struct trace t = {0};
	traced_server(ab, tp, &t);
	long b = find_addr_call(&t, "bind", ab, 0);
	cr_assert(b >= 0, "no bind() naming the abstract %s in namesrv's "
		  "trace; calls seen:\n%s", ab, h_trace_summary(&t, 30));
	expect_exact_addr(&t, b, ab, "namesrv's bind()");
	cr_assert(t.ev[b].has_ret && t.ev[b].ret == 0, "namesrv's bind() "
		  "failed: %s", t.ev[b].line);
	int fd = call_fd(&t.ev[b]);
	long l = trace_find(&t, "listen", (size_t)b + 1);
	cr_assert(l >= 0 && call_fd(&t.ev[l]) == fd, "no listen() on the bound "
		  "socket (fd %d) after bind(); calls seen:\n%s", fd,
		  h_trace_summary(&t, 30));
	trace_free(&t);
}

CHECK(lab03, trace_bind_path, 1,
      "strace: namesrv /path binds with length 2 + strlen(path) + 1")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	struct trace t = {0};
	traced_server(p, tp, &t);
	long b = find_addr_call(&t, "bind", p, 0);
	cr_assert(b >= 0, "no bind() naming %s in namesrv's trace; calls "
		  "seen:\n%s", p, h_trace_summary(&t, 30));
	expect_exact_addr(&t, b, p, "namesrv's bind()");
	trace_free(&t);
}

CHECK(lab03, trace_connect, 1,
      "strace: namecli connects to @name and /path with the exact lengths")
{
	const char *ab = h_abstract();
	const char *p = h_path("s.sock");
	const char *names[] = {ab, p};
	for (int k = 0; k < 2; k++) {
		pid_t peer = peer_serve(names[k], "peer-here");
		const char *argv[] = {h_bin("namecli"), names[k], NULL};
		struct h_result r;
		struct trace t = {0};
		int rc = h_trace(argv, NULL, 0, 5.0, &r, &t);
		int e = errno;
		peer_stop(peer);
		cr_assert(rc == 0, "could not run namecli under strace: %s",
			  strerror(e));
		long c = find_addr_call(&t, "connect", names[k], 0);
		cr_assert(c >= 0, "no connect() naming %s in namecli's trace "
			  "(namecli %s, stderr: %.200s); calls seen:\n%s",
			  names[k], r.what, h_one_line(r.err),
			  h_trace_summary(&t, 30));
		expect_exact_addr(&t, c, names[k], "namecli's connect()");
		cr_assert(t.ev[c].has_ret && t.ev[c].ret == 0, "namecli's "
			  "connect() to the test's server at %s failed: %s",
			  names[k], t.ev[c].line);
		trace_free(&t);
		h_result_free(&r);
	}
}

/* 1 when argument 1 of ev is an address with only the family. */
static int family_only(const struct trace_event *ev)
{
	char buf[256];
	return trace_arg(ev, 1, buf, sizeof(buf)) > 0 &&
	       strcmp(buf, "{sa_family=AF_UNIX}") == 0;
}

CHECK(lab03, trace_autobind, 1,
      "strace: autobind is bind() with only the family, length 2")
{
	/* The client side: namecli --autobind binds before connecting. */
	const char *ab = h_abstract();
	pid_t peer = peer_serve(ab, "peer-here");
	const char *argv[] = {h_bin("namecli"), "--autobind", ab, NULL};
	struct h_result r;
	struct trace t = {0};
	int rc = h_trace(argv, NULL, 0, 5.0, &r, &t);
	int e = errno;
	peer_stop(peer);
	cr_assert(rc == 0, "could not run namecli under strace: %s", strerror(e));
	const char *sum = h_trace_summary(&t, 30);
	long c = find_addr_call(&t, "connect", ab, 0);
	cr_assert(c >= 0, "no connect() to %s in the trace of namecli "
		  "--autobind (it %s, stderr: %.200s); calls seen:\n%s", ab,
		  r.what, h_one_line(r.err), sum);
	int fd = call_fd(&t.ev[c]);
	long b = -1;
	for (long i = trace_find(&t, "bind", 0); i >= 0 && i < c;
	     i = trace_find(&t, "bind", (size_t)i + 1))
		if (call_fd(&t.ev[i]) == fd)
			b = i;
	cr_assert(b >= 0, "namecli --autobind: no bind() on the client's socket "
		  "(fd %d) before its connect(); calls seen:\n%s", fd, sum);
	cr_assert(family_only(&t.ev[b]) && arg_num(&t.ev[b], 2) ==
		  (long)sizeof(sa_family_t) && t.ev[b].ret == 0,
		  "namecli --autobind: expected bind(fd, {sa_family=AF_UNIX}, 2) "
		  "= 0 (only the family: the kernel chooses the name); the "
		  "kernel saw: %s", t.ev[b].line);
	trace_free(&t);
	h_result_free(&r);

	/* The server side: namesrv @ binds the same way. */
	const char *tp = h_path("server.trace");
	const char *sargv[] = {h_bin("namesrv"), "@", "--count", "1", NULL};
	struct h_proc sp;
	cr_assert(h_start_traced(&sp, sargv, NULL, tp) == 0, "could not start "
		  "namesrv under strace: %s", strerror(errno));
	char name[400], reply[256], why[400];
	read_listening_line(&sp, name, sizeof(name));
	if (is_autobind_text(name) && ask_name(name, reply, sizeof(reply), why,
					       sizeof(why)) == 0)
		h_wait_exit(&sp, 3.0);
	if (!sp.done)
		h_stop(&sp);
	struct trace st = {0};
	cr_assert(trace_load(tp, &st) == 0, "could not read the trace %s: %s",
		  tp, strerror(errno));
	long sb = trace_find(&st, "bind", 0);
	cr_assert(sb >= 0 && family_only(&st.ev[sb]) &&
		  arg_num(&st.ev[sb], 2) == (long)sizeof(sa_family_t),
		  "namesrv @: expected bind(fd, {sa_family=AF_UNIX}, 2); the "
		  "kernel saw: %s\ncalls seen:\n%s", sb >= 0 ? st.ev[sb].line :
		  "no bind() at all", h_trace_summary(&st, 30));
	cr_assert(trace_find(&st, "getsockname", (size_t)sb + 1) >= 0,
		  "namesrv @: no getsockname() after the autobind: the chosen "
		  "name can only be learnt from the kernel");
	trace_free(&st);
}
