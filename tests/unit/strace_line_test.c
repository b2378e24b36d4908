/* strace_line_test.c: every line form of `strace -f -yy -ttt -T` that the
 * parser reads, one line at a time. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "../harness/check.h"

/* Parses line, expecting success, into ev. */
static void parse_ok(const char *line, struct trace_event *ev)
{
	int rc = trace_parse_line(line, ev);
	cr_assert_eq(rc, 0, "trace_parse_line refused: %s", line);
	cr_assert_not_null(ev->line);
}

static int near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

SELFTEST(strace_line, failed_call_with_o_prefix)
{
	struct trace_event ev;
	parse_ok("1234  1795604378.099245 connect(5<UNIX-STREAM:[5911]>, {sa_family=AF_UNIX, "
		 "sun_path=\"/tmp/st/s.sock\"}, 16) = -1 ENOENT (No such file or directory) "
		 "<0.000020>\n", &ev);
	cr_expect_eq(ev.kind, TRACE_CALL);
	cr_expect_eq(ev.pid, 1234);
	cr_expect(near(ev.ts, 1795604378.099245), "ts %.6f", ev.ts);
	cr_expect(near(ev.duration, 0.000020), "duration %.6f", ev.duration);
	cr_expect_str_eq(ev.name, "connect");
	cr_expect_str_eq(ev.args, "5<UNIX-STREAM:[5911]>, {sa_family=AF_UNIX, "
				  "sun_path=\"/tmp/st/s.sock\"}, 16");
	cr_expect_str_eq(ev.ret_text, "-1 ENOENT (No such file or directory)");
	cr_expect_eq(ev.ret, -1);
	cr_expect_eq(ev.has_ret, 1);
	cr_expect_eq(ev.err, ENOENT);
	cr_expect_str_eq(ev.errname, "ENOENT");
	cr_expect(ev.line[strlen(ev.line) - 1] != '\n', "newline stripped");
	trace_event_free(&ev);

	parse_ok("7 1.5 connect(3, {sa_family=AF_UNIX, sun_path=@\"x\"}, 4) = -1 ECONNREFUSED "
		 "(Connection refused) <0.000009>", &ev);
	cr_expect_eq(ev.err, ECONNREFUSED);
	cr_expect_str_eq(ev.errname, "ECONNREFUSED");
	trace_event_free(&ev);
}

SELFTEST(strace_line, fd_return_and_no_timestamp)
{
	struct trace_event ev;
	parse_ok("4711  socket(AF_UNIX, SOCK_STREAM, 0) = 3<UNIX-STREAM:[9220]> <0.000020>", &ev);
	cr_expect_eq(ev.pid, 4711);
	cr_expect_eq(ev.ts, 0, "no -ttt: ts 0");
	cr_expect_eq(ev.ret, 3);
	cr_expect_str_eq(ev.ret_text, "3<UNIX-STREAM:[9220]>");
	cr_expect_eq(ev.err, 0);
	cr_expect_str_eq(ev.errname, "");
	trace_event_free(&ev);

	parse_ok("close(3) = 0", &ev);
	cr_expect_eq(ev.pid, 0, "no pid on the line");
	cr_expect_eq(ev.duration, -1, "no -T: duration -1");
	cr_expect_str_eq(ev.args, "3");
	trace_event_free(&ev);
}

SELFTEST(strace_line, tty_pid_prefix_and_padding)
{
	struct trace_event ev;
	parse_ok("[pid  3279] exit_group(2)               = ?", &ev);
	cr_expect_eq(ev.kind, TRACE_CALL);
	cr_expect_eq(ev.pid, 3279);
	cr_expect_str_eq(ev.name, "exit_group");
	cr_expect_eq(ev.has_ret, 0, "= ? has no return value");
	cr_expect_str_eq(ev.ret_text, "?");
	trace_event_free(&ev);

	parse_ok("[pid 12] 1795604809.187632 write(1, \"x\", 1) = 1 <0.5>", &ev);
	cr_expect_eq(ev.pid, 12);
	cr_expect(near(ev.ts, 1795604809.187632));
	cr_expect(near(ev.duration, 0.5));
	trace_event_free(&ev);
}

SELFTEST(strace_line, other_timestamp_forms)
{
	struct trace_event ev;
	parse_ok("10:59:38.123456 close(3) = 0", &ev);
	cr_expect(near(ev.ts, 10 * 3600 + 59 * 60 + 38.123456), "-tt ts %.6f", ev.ts);
	trace_event_free(&ev);
	parse_ok("99 10:59:38 close(3) = 0", &ev);
	cr_expect_eq(ev.pid, 99);
	cr_expect(near(ev.ts, 10 * 3600 + 59 * 60 + 38), "-t ts %.6f", ev.ts);
	trace_event_free(&ev);
}

SELFTEST(strace_line, signals_and_exits)
{
	struct trace_event ev;
	parse_ok("4713  1795604515.100681 --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, "
		 "si_pid=4713, si_uid=0} ---", &ev);
	cr_expect_eq(ev.kind, TRACE_SIGNAL);
	cr_expect_eq(ev.pid, 4713);
	cr_expect_str_eq(ev.name, "SIGPIPE");
	cr_expect_str_eq(ev.args, "{si_signo=SIGPIPE, si_code=SI_USER, si_pid=4713, si_uid=0}");
	trace_event_free(&ev);

	parse_ok("+++ exited with 0 +++", &ev);
	cr_expect_eq(ev.kind, TRACE_EXIT);
	cr_expect_eq(ev.status, 0);
	cr_expect_eq(ev.pid, 0);
	trace_event_free(&ev);

	parse_ok("4711  1795604515.101232 +++ exited with 3 +++", &ev);
	cr_expect_eq(ev.kind, TRACE_EXIT);
	cr_expect_eq(ev.status, 3);
	cr_expect_eq(ev.pid, 4711);
	trace_event_free(&ev);

	parse_ok("[pid  4713] +++ killed by SIGPIPE +++", &ev);
	cr_expect_eq(ev.kind, TRACE_KILLED);
	cr_expect_str_eq(ev.name, "SIGPIPE");
	cr_expect_eq(ev.status, SIGPIPE, "status holds the signal number");
	trace_event_free(&ev);

	parse_ok("5 +++ killed by SIGSEGV (core dumped) +++", &ev);
	cr_expect_eq(ev.kind, TRACE_KILLED);
	cr_expect_str_eq(ev.name, "SIGSEGV");
	cr_expect_eq(ev.status, SIGSEGV);
	trace_event_free(&ev);
}

SELFTEST(strace_line, unfinished_and_resumed_halves)
{
	struct trace_event ev;
	parse_ok("4711  1795604514.995320 accept(3<UNIX-STREAM:[9220,\"/tmp/st/g.sock\"]>, "
		 "NULL, NULL <unfinished ...>", &ev);
	cr_expect_eq(ev.kind, TRACE_CALL);
	cr_expect_str_eq(ev.name, "accept");
	cr_expect_str_eq(ev.args, "3<UNIX-STREAM:[9220,\"/tmp/st/g.sock\"]>, NULL, NULL");
	cr_expect_eq(ev.has_ret, 0);
	cr_expect_null(ev.ret_text);
	trace_event_free(&ev);

	parse_ok("4711  1795604515.096170 <... read resumed>\"hi \\\"q\\\"\", 64) = 6 <0.000075>",
		 &ev);
	cr_expect_eq(ev.kind, TRACE_CALL);
	cr_expect_str_eq(ev.name, "read");
	cr_expect_str_eq(ev.args, "\"hi \\\"q\\\"\", 64");
	cr_expect_eq(ev.ret, 6);
	cr_expect(near(ev.duration, 0.000075));
	trace_event_free(&ev);

	/* A call cut short by the process's death, in both shapes. */
	parse_ok("4783  <... read resumed> <unfinished ...>) = ?", &ev);
	cr_expect_str_eq(ev.name, "read");
	cr_expect_str_eq(ev.args, "");
	cr_expect_eq(ev.has_ret, 0);
	trace_event_free(&ev);
	parse_ok("7142  read(6<UNIX-STREAM:[12565->12564]>,  <unfinished ...>) = ?", &ev);
	cr_expect_str_eq(ev.args, "6<UNIX-STREAM:[12565->12564]>, ");
	cr_expect_eq(ev.has_ret, 0);
	trace_event_free(&ev);
}

SELFTEST(strace_line, tricky_arguments_and_returns)
{
	struct trace_event ev;
	parse_ok("write(1, \"a) = 5\", 6) = 6", &ev);
	cr_expect_str_eq(ev.args, "1, \"a) = 5\", 6", "a ')' inside a string");
	cr_expect_eq(ev.ret, 6);
	trace_event_free(&ev);

	parse_ok("close(3</tmp/st/a\\76b)c\\\"d e\\nf>)       = 0", &ev);
	cr_expect_str_eq(ev.args, "3</tmp/st/a\\76b)c\\\"d e\\nf>", "')' inside a path tag");
	cr_expect_eq(ev.ret, 0);
	trace_event_free(&ev);

	parse_ok("close(0</dev/null<char 1:3>>) = 0", &ev);
	cr_expect_str_eq(ev.args, "0</dev/null<char 1:3>>");
	trace_event_free(&ev);

	parse_ok("mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, -1, 0) = 0x7f12ab340000", &ev);
	cr_expect_eq(ev.ret, 0x7f12ab340000L);
	trace_event_free(&ev);

	parse_ok("poll([{fd=3, events=POLLIN}], 1, 100) = 0 (Timeout) <0.100123>", &ev);
	cr_expect_eq(ev.ret, 0);
	cr_expect_str_eq(ev.ret_text, "0 (Timeout)");
	cr_expect(near(ev.duration, 0.100123));
	trace_event_free(&ev);

	parse_ok("9 <... read resumed>0x7ffd, 10) = ? ERESTARTSYS (To be restarted if "
		 "SA_RESTART is set) <1.000>", &ev);
	cr_expect_eq(ev.has_ret, 0);
	cr_expect_str_eq(ev.errname, "ERESTARTSYS");
	cr_expect_eq(ev.err, 0, "not an errno a program sees");
	trace_event_free(&ev);

	parse_ok("getsockname(5, {sa_family=AF_UNIX}, [112 => 2]) = 0", &ev);
	cr_expect_str_eq(ev.args, "5, {sa_family=AF_UNIX}, [112 => 2]");
	trace_event_free(&ev);
}

SELFTEST(strace_line, unknown_lines_are_kept)
{
	const char *lines[] = {
		"strace: Process 4792 attached",
		"1234 kill(0, SIGKILL",  /* strace killed mid-line */
		"[ Process PID=12 runs in 32 bit mode. ]",
		"--- stopped by SIGSTOP ---",
		"+++ exited with +++",
		"close(3) garbage",
		"",
		"[pid ] close(3) = 0",
		"123456789012345678901234567890 x",
		"0x(1) = 1",
		"name_that_is_far_too_long_for_the_field_of_32_bytes(1) = 0",
	};
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		struct trace_event ev;
		errno = 0;
		int rc = trace_parse_line(lines[k], &ev);
		int err = errno;
		cr_expect(rc == -1 && err == EINVAL, "line \"%s\": rc %d errno %s", lines[k],
			  rc, errno_name(err));
		cr_expect_eq(ev.kind, TRACE_OTHER, "line \"%s\"", lines[k]);
		cr_expect_str_eq(ev.line ? ev.line : "(null)", lines[k], "kept verbatim");
		cr_expect_null(ev.args);
		cr_expect_null(ev.ret_text);
		trace_event_free(&ev);
	}
}
