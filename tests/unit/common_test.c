/* common_test.c: unit tests of common/: errno names, messages, monotonic
 * time and the full read/write loops. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/parse_num.h"

SELFTEST(common, errno_names)
{
	cr_expect_str_eq(errno_name(ECONNREFUSED), "ECONNREFUSED");
	cr_expect_str_eq(errno_name(ENOENT), "ENOENT");
	cr_expect_str_eq(errno_name(EPIPE), "EPIPE");
	cr_expect_str_eq(errno_name(EAGAIN), "EAGAIN");
	cr_expect_str_eq(errno_name(ENAMETOOLONG), "ENAMETOOLONG");
	cr_expect_str_eq(errno_name(EADDRINUSE), "EADDRINUSE");
	cr_expect_str_eq(errno_name(ENOSYS), "ENOSYS");
	cr_expect_str_eq(errno_name(0), "0");
	cr_expect_str_eq(errno_name(99999), "E?");
	cr_expect_str_eq(errno_name(-3), "E?");
}

/* Runs fn in a child whose stderr is a pipe; returns what it printed and
 * its wait status. The child only _exits. */
static char *child_stderr(void (*fn)(void), int *status)
{
	int p[2];
	cr_assert(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		fn();
		_exit(0);
	}
	close(p[1]);
	char *text = NULL;
	size_t len = 0;
	int rc = read_all(p[0], 4096, &text, &len);
	close(p[0]);
	waitpid(pid, status, 0);
	cr_assert(rc == 0, "read_all of the child's stderr: %s", strerror(errno));
	return text;
}

static void say_things(void)
{
	report_init("/some/dir/prog");
	errno = EBADF;
	report_errno(ECONNREFUSED, "connect %s", "/tmp/s");
	if (errno != EBADF)
		_exit(3);
	report("hello %d", 3);
	if (errno != EBADF)
		_exit(4);
	die(7, "bye");
}

SELFTEST(common, report_messages_and_die)
{
	int status;
	char *text = child_stderr(say_things, &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 7,
		  "die(7, ...) should exit with 7; wait status 0x%x (3/4: errno changed)",
		  status);
	/* A prefix: LeakSanitizer may add a note when a forked child of a
	 * threaded process exits. */
	const char *want = "prog: connect /tmp/s: Connection refused\n"
			   "prog: hello 3\nprog: bye\n";
	cr_expect(strncmp(text, want, strlen(want)) == 0, "stderr was:\n%s", text);
	free(text);
}

static void die_with_errno(void)
{
	report_init("x");
	die_errno(5, ENOENT, "open %s", "f");
}

SELFTEST(common, die_errno_message)
{
	int status;
	char *text = child_stderr(die_with_errno, &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	const char *want = "x: open f: No such file or directory\n";
	cr_expect(strncmp(text, want, strlen(want)) == 0, "stderr was:\n%s", text);
	free(text);
}

SELFTEST(common, mono_time)
{
	int64_t a = mono_ns(), b = mono_ns();
	cr_expect(b >= a, "CLOCK_MONOTONIC went backwards");
	double s = mono_seconds();
	cr_expect(s > 0);

	int64_t d = mono_deadline(0.05);
	int left = mono_ms_left(d);
	cr_expect(left >= 1 && left <= 50, "50 ms deadline: %d ms left", left);
	cr_expect_eq(mono_ms_left(mono_ns() - 1000), 0, "a past deadline has 0 ms left");
	/* 0.1 ms left is rounded up to 1 ms, so poll() does not spin. */
	int64_t near = mono_ns() + 100000;
	int l2 = mono_ms_left(near);
	cr_expect(l2 == 1 || (l2 == 0 && mono_ns() >= near), "0.1 ms left gave %d", l2);
	cr_expect_eq(mono_ms_left(mono_deadline(1e12)), INT32_MAX, "capped for poll()");

	int64_t t0 = mono_ns();
	cr_expect_eq(mono_sleep_ms(20), 0);
	double el = (double)(mono_ns() - t0) / 1e6;
	cr_expect(el >= 20 && el < 500, "mono_sleep_ms(20) took %.1f ms", el);
	cr_expect_eq(mono_sleep_ms(0), 0);
	cr_expect_eq(mono_sleep_ms(-5), 0);
}

static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/* The byte at offset i of the test pattern. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

SELFTEST(common, write_full_small_sndbuf_slow_reader)
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	int small = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		/* The peer reads in 7-byte pieces and answers with the count
		 * and how many bytes matched the pattern. */
		close(sv[0]);
		size_t total = 0, good = 0;
		unsigned char b[7];
		ssize_t n;
		while ((n = read(sv[1], b, sizeof(b))) > 0 || (n < 0 && errno == EINTR))
			for (ssize_t k = 0; k < n; k++, total++)
				good += b[k] == pattern(total);
		size_t res[2] = {total, good};
		_exit(write_full(sv[1], res, sizeof(res)) == sizeof(res) ? 0 : 9);
	}
	close(sv[1]);
	size_t len = 1 << 20;
	unsigned char *buf = malloc(len);
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(i);

	/* A timer without SA_RESTART interrupts the blocked sends: the loop
	 * has to survive EINTR and short counts. */
	struct sigaction sa = {.sa_handler = on_tick};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 1000}, {0, 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
	ssize_t n = write_full(sv[0], buf, len);
	int err = errno;
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	cr_assert_eq(n, (ssize_t)len, "write_full returned %zd (%s)", n, strerror(err));
	shutdown(sv[0], SHUT_WR);
	size_t res[2] = {0, 0};
	cr_assert_eq(read_full(sv[0], res, sizeof(res)), (ssize_t)sizeof(res));
	cr_expect_eq(res[0], len, "peer received %zu of %zu bytes", res[0], len);
	cr_expect_eq(res[1], len, "only %zu bytes arrived intact", res[1]);
	int status;
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(buf);
	close(sv[0]);
}

SELFTEST(common, write_full_closed_peer_gives_epipe)
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	close(sv[1]);
	/* SIGPIPE is at its default here: without MSG_NOSIGNAL this test
	 * process would die. */
	signal(SIGPIPE, SIG_DFL);
	errno = 0;
	ssize_t n = write_full(sv[0], "abc", 3);
	check_errno(n, errno, EPIPE, "write_full to a closed peer");
	close(sv[0]);
}

SELFTEST(common, write_full_on_pipe_and_read_full_short)
{
	int p[2];
	cr_assert(pipe(p) == 0);
	cr_expect_eq(write_full(p[1], "0123456789", 10), 10, "write_full on a pipe");
	cr_expect_eq(write_full(p[1], "", 0), 0);
	close(p[1]);
	char buf[100];
	ssize_t n = read_full(p[0], buf, sizeof(buf));
	cr_expect_eq(n, 10, "read_full stops at EOF with the count read: got %zd", n);
	cr_expect(memcmp(buf, "0123456789", 10) == 0);
	cr_expect_eq(read_full(p[0], buf, sizeof(buf)), 0, "then 0 at EOF");
	close(p[0]);
	check_errno(read_full(-1, buf, 1), errno, EBADF, "read_full(-1)");
	check_errno(write_full(-1, buf, 1), errno, EBADF, "write_full(-1)");
}

/* A pipe holding len bytes of 'z', write end closed. */
static int filled_pipe(size_t len)
{
	int p[2];
	cr_assert(pipe(p) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		char b[1000];
		memset(b, 'z', sizeof(b));
		for (size_t done = 0; done < len;) {
			size_t n = len - done < sizeof(b) ? len - done : sizeof(b);
			if (write_full(p[1], b, n) < 0)
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

SELFTEST(common, read_all_cap)
{
	char *out = (char *)1;
	size_t len = 99;
	int fd = filled_pipe(5000);
	int rc = read_all(fd, 4096, &out, &len);
	check_errno(rc, errno, EFBIG, "read_all of 5000 bytes with max 4096");
	cr_expect_null(out, "no buffer on failure");
	close(fd);

	fd = filled_pipe(5000);
	rc = read_all(fd, 5000, &out, &len);
	check_ok(rc, errno, "read_all of exactly max bytes");
	cr_expect_eq(len, 5000);
	cr_expect_eq(out[5000], '\0', "NUL-terminated");
	cr_expect_eq(out[4999], 'z');
	free(out);
	close(fd);

	fd = filled_pipe(0);
	rc = read_all(fd, 0, &out, &len);
	check_ok(rc, errno, "read_all of nothing with max 0");
	cr_expect_eq(len, 0);
	cr_expect_str_eq(out, "");
	free(out);
	close(fd);

	fd = filled_pipe(1);
	check_errno(read_all(fd, 0, &out, &len), errno, EFBIG, "one byte over max 0");
	close(fd);

	fd = filled_pipe(300000);
	rc = read_all(fd, 1 << 20, &out, &len);
	check_ok(rc, errno, "read_all of 300000 bytes (the buffer grows)");
	cr_expect_eq(len, 300000);
	free(out);
	close(fd);

	check_errno(read_all(-1, 10, &out, &len), errno, EBADF, "read_all(-1)");
}

SELFTEST(common, parse_unsigned_whole_numbers_in_range)
{
	unsigned long long v = 0;
	cr_assert_eq(parse_unsigned("42", 10, 0, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(parse_unsigned(" +7", 10, 0, 100, &v), 0, "blanks and '+' as strtoull");
	cr_assert_eq(v, 7);
	cr_assert_eq(parse_unsigned("0600", 8, 0, 0777, &v), 0);
	cr_assert_eq(v, 0600);
	cr_assert_eq(parse_unsigned("18446744073709551615", 10, 0, ULLONG_MAX, &v), 0);
	cr_assert_eq(v, ULLONG_MAX);
	static const char *const not_numbers[] = {"", "-1", " -1", "12x", "x", "1 ", NULL};
	for (size_t i = 0; not_numbers[i]; i++) {
		errno = 0;
		cr_assert_eq(parse_unsigned(not_numbers[i], 10, 0, ULLONG_MAX, &v), -1,
			     "\"%s\" is not an unsigned number", not_numbers[i]);
		cr_assert_eq(errno, EINVAL, "\"%s\": errno %s", not_numbers[i],
			     errno_name(errno));
	}
	errno = 0;
	cr_assert_eq(parse_unsigned(NULL, 10, 0, 1, &v), -1);
	cr_assert_eq(errno, EINVAL);
	static const char *const out_of_range[] = {"101", "4", "99999999999999999999", NULL};
	for (size_t i = 0; out_of_range[i]; i++) {
		errno = 0;
		cr_assert_eq(parse_unsigned(out_of_range[i], 10, 5, 100, &v), -1,
			     "\"%s\" is outside [5, 100]", out_of_range[i]);
		cr_assert_eq(errno, ERANGE, "\"%s\": errno %s", out_of_range[i],
			     errno_name(errno));
	}
	cr_assert_eq(parse_unsigned("8", 8, 0, 0777, &v), -1, "8 is no octal digit");
}
