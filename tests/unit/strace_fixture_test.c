/* strace_fixture_test.c: whole traces captured from gen_trace.c (see
 * tests/fixtures/traces/gen.sh), in the three output shapes: -o FILE,
 * strace's own stderr, and -xx. The expected values below were read off
 * the committed files. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "../harness/check.h"
#include "unit_util.h"

static const char MSG[] = "hi \"q\"\n\t\\\001\377 end";

static void load(const char *name, struct trace *t)
{
	const char *path = fixture_path(name);
	cr_assert_eq(trace_load(path, t), 0, "trace_load(%s): %s", path, strerror(errno));
	cr_assert_gt(t->n, 40, "%s: only %zu events", name, t->n);
}

/* The k-th (0-based) call named name, or fails. */
static const struct trace_event *nth_call(const struct trace *t, const char *name, int k)
{
	long i = -1;
	for (int n = 0; n <= k; n++) {
		i = trace_find(t, name, (size_t)(i + 1));
		cr_assert_geq(i, 0, "call %d of %s() not found", k, name);
	}
	return &t->ev[i];
}

static const struct trace_event *find_kind(const struct trace *t, enum trace_kind kind,
					   const char *name, int status)
{
	for (size_t k = 0; k < t->n; k++)
		if (t->ev[k].kind == kind && (!name || !strcmp(t->ev[k].name, name)) &&
		    (status < 0 || t->ev[k].status == status))
			return &t->ev[k];
	cr_assert_fail("no event of kind %d named %s status %d", kind, name ? name : "-",
		       status);
	return NULL;
}

static void arg(const struct trace_event *ev, int i, char *buf, size_t cap)
{
	cr_assert_geq(trace_arg(ev, i, buf, cap), 0, "arg %d of %s", i, ev->line);
}

/* What every shape of the same run must show. */
static void common_checks(const struct trace *t, const char *path)
{
	char a[2048], s[512];
	struct trace_fd fd;
	for (size_t k = 0; k < t->n; k++)
		cr_expect_neq(t->ev[k].kind, TRACE_OTHER, "unparsed line: %s", t->ev[k].line);

	/* bind: the exact address lengths. */
	const struct trace_event *b = nth_call(t, "bind", 0);
	arg(b, 2, a, sizeof(a));
	cr_expect_str_eq(a, "26", "2 + strlen(path) + 1");
	arg(b, 1, a, sizeof(a));
	const char *sp = strstr(a, "sun_path=");
	cr_assert_not_null(sp);
	cr_assert_geq(trace_unquote(sp + 9, s, sizeof(s), NULL), 0);
	cr_expect_str_eq(s, path);
	b = nth_call(t, "bind", 1);
	arg(b, 2, a, sizeof(a));
	cr_expect_str_eq(a, "13", "2 + 1 + strlen(\"lt-fixture\")");

	/* The first accept blocked and was joined with its second half. */
	const struct trace_event *acc = nth_call(t, "accept", 0);
	cr_expect_eq(acc->has_ret, 1);
	cr_expect_eq(acc->ret, 5);
	cr_expect_gt(acc->duration, 0.05, "accept waited ~0.1 s: %.6f", acc->duration);
	arg(acc, 1, a, sizeof(a));
	cr_expect_str_eq(a, "NULL");
	cr_assert_eq(trace_parse_fd(acc->ret_text, &fd), 0);
	cr_expect_str_eq(fd.proto, "UNIX-STREAM");
	cr_expect_str_eq(fd.name, path);
	cr_expect_neq(fd.peer, 0, "an accepted socket shows its peer");
	cr_expect(strchr(acc->line, '\n') != NULL, "both halves kept in line");
	/* It stands where it started, before the client's socket(). */
	const struct trace_event *client_socket = nth_call(t, "socket", 2);
	cr_expect_lt(acc, client_socket, "the joined accept keeps its start position");

	/* The abstract listener's accept. */
	acc = nth_call(t, "accept", 1);
	cr_assert_eq(trace_parse_fd(acc->ret_text, &fd), 0);
	cr_expect_eq(fd.abstract, 1);
	cr_expect_str_eq(fd.name, "lt-fixture");

	/* The server's first read got the client's message, escapes and all. */
	const struct trace_event *rd = nth_call(t, "read", 0);
	cr_expect_eq(rd->ret, 15);
	arg(rd, 1, a, sizeof(a));
	int n = trace_unquote(a, s, sizeof(s), NULL);
	cr_expect_eq(n, 15);
	cr_expect(memcmp(s, MSG, 15) == 0, "read data: %s", a);
	const struct trace_event *wr = nth_call(t, "write", 0);
	arg(wr, 0, a, sizeof(a));
	cr_assert_eq(trace_parse_fd(a, &fd), 0);
	cr_expect_neq(fd.peer, 0, "the client's connected socket shows its peer");
	cr_expect_eq(wr->ret, 15);

	/* Failed connects. */
	const struct trace_event *c = nth_call(t, "connect", 2);
	cr_expect_eq(c->err, ENOENT);
	c = nth_call(t, "connect", 3);
	cr_expect_eq(c->err, ECONNREFUSED);
	cr_expect_str_eq(c->errname, "ECONNREFUSED");

	/* TCP tags. */
	const struct trace_event *tcp = nth_call(t, "accept", 2);
	cr_assert_eq(trace_parse_fd(tcp->ret_text, &fd), 0);
	cr_expect_str_eq(fd.proto, "TCP");
	cr_expect(strstr(fd.name, "127.0.0.1:") && strstr(fd.name, "->"), "TCP: %s", fd.name);

	/* A string longer than -s 256. */
	const struct trace_event *big = NULL;
	for (int k = 0; !big; k++) {
		const struct trace_event *w = nth_call(t, "write", k);
		if (w->ret == 300)
			big = w;
	}
	arg(big, 1, a, sizeof(a));
	int trunc = 0;
	cr_expect_eq(trace_unquote(a, s, sizeof(s), &trunc), 256);
	cr_expect_eq(trunc, 1);

	/* The SIGPIPE child, the child killed mid-read, the exits. */
	const struct trace_event *pipe_sig = find_kind(t, TRACE_SIGNAL, "SIGPIPE", -1);
	const struct trace_event *killed = find_kind(t, TRACE_KILLED, "SIGPIPE", SIGPIPE);
	cr_expect_eq(pipe_sig->pid, killed->pid);
	cr_expect_neq(killed->pid, 0);
	const struct trace_event *epipe = nth_call(t, "write", 3);
	cr_expect_eq(epipe->err, EPIPE, "write before SIGPIPE: %s", epipe->line);
	cr_expect_eq(epipe->pid, killed->pid);
	const struct trace_event *k9 = find_kind(t, TRACE_KILLED, "SIGKILL", SIGKILL);
	int unfinished = 0;
	for (size_t k = 0; k < t->n; k++)
		if (t->ev[k].kind == TRACE_CALL && t->ev[k].pid == k9->pid &&
		    !strcmp(t->ev[k].name, "read")) {
			cr_expect_eq(t->ev[k].has_ret, 0, "the killed read never returned");
			unfinished++;
		}
	cr_expect_eq(unfinished, 1);
	find_kind(t, TRACE_EXIT, NULL, 3);
	find_kind(t, TRACE_EXIT, NULL, 0);
}

SELFTEST(strace_fixture, o_file_shape)
{
	struct trace t;
	load("unix_exchange.trace", &t);
	common_checks(&t, "/tmp/lt.gen.VwBPNH/sock");
	const struct trace_event *acc = nth_call(&t, "accept", 0);
	cr_expect_eq(acc->pid, 7139);
	cr_expect(fabs(acc->ts - 1795604809.017489) < 1e-6, "ts of the first half: %.6f",
		  acc->ts);
	cr_expect(fabs(acc->duration - 0.100864) < 1e-6);
	cr_expect_str_eq(acc->args, "3<UNIX-STREAM:[12522,\"/tmp/lt.gen.VwBPNH/sock\"]>, "
				    "NULL, NULL");
	const struct trace_event *rd = nth_call(&t, "read", 0);
	cr_expect_str_eq(rd->args, "5<UNIX-STREAM:[12531->11734,\"/tmp/lt.gen.VwBPNH/sock\"]>, "
				   "\"hi \\\"q\\\"\\n\\t\\\\\\1\\377 end\", 64",
			 "halves joined: %s", rd->args);
	for (size_t k = 0; k < t.n; k++)
		cr_expect_neq(t.ev[k].pid, 0, "every line of -f -o has a pid");
	trace_free(&t);
	cr_expect_eq(t.n, 0);
	cr_expect_null(t.ev);
}

SELFTEST(strace_fixture, tty_shape)
{
	struct trace t;
	load("tty_prefix.trace", &t);
	common_checks(&t, "/tmp/lt.gen.VwBPNH/sock");
	cr_expect_eq(t.ev[0].pid, 0, "before the fork, strace prints no pid");
	trace_free(&t);
}

SELFTEST(strace_fixture, hex_shape)
{
	struct trace t;
	load("hex_strings.trace", &t);
	common_checks(&t, "/tmp/lt.gen.VwBPNH/sock");
	for (size_t k = 0; k < t.n; k++)
		cr_expect_eq(t.ev[k].ts, 0, "this shape has no timestamps");
	trace_free(&t);
}

SELFTEST(strace_fixture, load_errors)
{
	struct trace t;
	check_errno(trace_load("/nonexistent/trace", &t), errno, ENOENT, "trace_load");
	cr_expect_eq(t.n, 0);
	trace_free(&t);
	trace_free(NULL);
	cr_expect_eq(trace_find(NULL, "x", 0), -1);
}
