/* harness_trace_test.c: programs run under strace (h_trace and
 * h_start_traced), read back with the parser. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

static const char *socat(void)
{
	const char *s = which("socat");
	cr_assert_not_null(s, "socat is not installed (make deps installs it)");
	return s;
}

/* The first call named name by any pid whose first argument is a socket. */
static const struct trace_event *socket_call(const struct trace *t, const char *name)
{
	for (long i = trace_find(t, name, 0); i >= 0; i = trace_find(t, name, (size_t)i + 1)) {
		char a[512];
		struct trace_fd fd;
		if (trace_arg(&t->ev[i], 0, a, sizeof(a)) >= 0 && trace_parse_fd(a, &fd) == 0 &&
		    strncmp(fd.proto, "UNIX", 4) == 0)
			return &t->ev[i];
	}
	return NULL;
}

SELFTEST(harness_trace, client_syscalls)
{
	const char *path = h_path("srv");
	int l = h_listen(path, 4);
	check_ok(l, errno, "h_listen");
	char addr[256];
	snprintf(addr, sizeof(addr), "UNIX-CONNECT:%s", path);
	const char *argv[] = {socat(), "-u", "STDIN", addr, NULL};
	struct h_result r;
	struct trace t;
	check_ok(h_trace(argv, "hello", 5, 5.0, &r, &t), errno, "h_trace socat");
	cr_expect_str_eq(r.what, "exited with status 0", "socat: %s; stderr: %s", r.what, r.err);

	long s = trace_find(&t, "socket", 0);
	cr_assert_geq(s, 0, "no socket() in the trace:\n%s", h_trace_summary(&t, 20));
	const struct trace_event *c = socket_call(&t, "connect");
	cr_assert_not_null(c, "no connect():\n%s", h_trace_summary(&t, 20));
	cr_expect_eq(c->ret, 0);
	char a[512], sp[256];
	cr_assert_geq(trace_arg(c, 1, a, sizeof(a)), 0);
	const char *q = strstr(a, "sun_path=");
	cr_assert_not_null(q, "%s", a);
	cr_assert_geq(trace_unquote(q + 9, sp, sizeof(sp), NULL), 0);
	cr_expect_str_eq(sp, path);
	cr_assert_geq(trace_arg(c, 2, a, sizeof(a)), 0);
	long alen = atol(a);
	cr_expect(alen == 2 + (long)strlen(path) || alen == 3 + (long)strlen(path),
		  "socat's addrlen %ld for a %zu-byte path", alen, strlen(path));

	const struct trace_event *w = socket_call(&t, "write");
	if (!w)
		w = socket_call(&t, "sendto");
	cr_assert_not_null(w, "no write on the socket:\n%s", h_trace_summary(&t, 30));
	cr_assert_geq(trace_arg(w, 1, a, sizeof(a)), 0);
	int n = trace_unquote(a, sp, sizeof(sp), NULL);
	cr_expect(n == 5 && !memcmp(sp, "hello", 5), "wrote %s", a);

	int exited = 0;
	for (size_t k = 0; k < t.n; k++)
		exited += t.ev[k].kind == TRACE_EXIT && t.ev[k].status == 0;
	cr_expect_eq(exited, 1, "one \"+++ exited with 0 +++\"");

	const char *sum = h_trace_summary(&t, 20);
	cr_expect(strstr(sum, "connect(") && strstr(sum, "exited with 0"), "summary:\n%s", sum);
	cr_expect(strstr(sum, "ld.so") == NULL, "no file reads in the summary:\n%s", sum);
	cr_expect(strstr(sum, "pid ") == sum, "%s", sum);

	/* The data really went through. */
	int a_fd = accept(l, NULL, NULL);
	char buf[8] = "";
	cr_expect_eq(read_full(a_fd, buf, 5), 5);
	cr_expect(memcmp(buf, "hello", 5) == 0);
	close(a_fd);
	close(l);
	h_result_free(&r);
	trace_free(&t);
}

SELFTEST(harness_trace, status_and_environment)
{
	setenv("ASAN_OPTIONS", "abort_on_error=0", 1);
	const char *argv[] = {"/bin/sh", "-c", "echo \"$ASAN_OPTIONS\"; exit 3", NULL};
	struct h_result r;
	struct trace t;
	check_ok(h_trace(argv, NULL, 0, 5.0, &r, &t), errno, "h_trace sh");
	cr_expect(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3, "%s", r.what);
	cr_expect_str_eq(r.out, "abort_on_error=0:detect_leaks=0\n");
	long e = trace_find(&t, "exit_group", 0);
	cr_assert_geq(e, 0);
	cr_expect_str_eq(t.ev[e].args, "3");
	cr_expect_eq(t.ev[t.n - 1].kind, TRACE_EXIT);
	cr_expect_eq(t.ev[t.n - 1].status, 3);
	h_result_free(&r);
	trace_free(&t);

	unsetenv("ASAN_OPTIONS");
	const char *env[] = {"/usr/bin/env", NULL};
	check_ok(h_trace(env, NULL, 0, 5.0, &r, &t), errno, "h_trace env");
	cr_expect(strstr(r.out, "\nASAN_OPTIONS=detect_leaks=0\n") != NULL ||
		  strncmp(r.out, "ASAN_OPTIONS=detect_leaks=0\n", 28) == 0, "%s", r.out);
	h_result_free(&r);
	trace_free(&t);
}

SELFTEST(harness_trace, deadline_under_trace)
{
	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct h_result r;
	struct trace t;
	check_ok(h_trace(argv, NULL, 0, 0.3, &r, &t), errno, "h_trace sleep");
	cr_expect_eq(r.timed_out, 1);
	cr_expect_lt(r.elapsed, 1.5);
	cr_expect_geq(trace_find(&t, "execve", 0), 0, "the trace was read");
	h_result_free(&r);
	trace_free(&t);
}

SELFTEST(harness_trace, traced_server_then_stop)
{
	const char *path = h_path("sock");
	const char *trace_path = h_path("server.trace");
	char addr[256], why[512];
	snprintf(addr, sizeof(addr), "UNIX-LISTEN:%s", path);
	const char *argv[] = {socat(), addr, "OPEN:/dev/null", NULL};
	struct h_proc p;
	check_ok(h_start_traced(&p, argv, NULL, trace_path), errno, "h_start_traced socat");
	cr_expect_str_eq(p.name, "socat");
	cr_assert_eq(h_wait_listening(&p, path, 5.0, why, sizeof(why)), 0, "%s", why);
	h_stop(&p);
	cr_expect_eq(p.done, 1);

	struct trace t;
	cr_assert_eq(trace_load(trace_path, &t), 0, "%s", strerror(errno));
	const struct trace_event *b = socket_call(&t, "bind");
	cr_assert_not_null(b, "no bind:\n%s", h_trace_summary(&t, 20));
	char a[256];
	trace_arg(b, 2, a, sizeof(a));
	cr_expect_eq(atol(a), 2 + (long)strlen(path) + (atol(a) == 3 + (long)strlen(path)),
		     "bind addrlen %s", a);
	cr_expect_not_null(socket_call(&t, "listen"));
	/* The program was killed by the harness and strace saw it die. */
	int killed = 0;
	for (size_t k = 0; k < t.n; k++)
		killed += t.ev[k].kind == TRACE_KILLED && t.ev[k].status == SIGKILL;
	cr_expect_eq(killed, 1, "\"+++ killed by SIGKILL +++\" in:\n%s", h_trace_summary(&t, 30));
	trace_free(&t);
}

SELFTEST(harness_trace, traced_signal_reaches_the_program)
{
	const char *trace_path = h_path("sleep.trace");
	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct h_proc p;
	check_ok(h_start_traced(&p, argv, NULL, trace_path), errno, "h_start_traced sleep");
	/* The program is strace's child: wait until it has exec'ed. */
	int64_t deadline = mono_deadline(3.0);
	while (h_signal(&p, 0) < 0) {
		cr_assert_gt(mono_ms_left(deadline), 0, "no tracee appeared");
		mono_sleep_ms(1);
	}
	check_ok(h_signal(&p, SIGTERM), errno, "h_signal SIGTERM");
	check_ok(h_wait_exit(&p, 3.0), errno, "strace ends with its tracee");
	char buf[64];
	cr_expect_str_eq(h_describe(&p, buf, sizeof(buf)), "killed by SIGTERM",
			 "strace passes on how the program ended");
	struct trace t;
	cr_assert_eq(trace_load(trace_path, &t), 0);
	cr_expect_eq(t.ev[t.n - 1].kind, TRACE_KILLED);
	cr_expect_str_eq(t.ev[t.n - 1].name, "SIGTERM");
	trace_free(&t);
}
