/* strace_args_test.c: splitting arguments, decoding -yy fd tags and
 * un-escaping strace's strings. */
#include <errno.h>
#include <string.h>

#include "../harness/check.h"

/* A CALL event with the given argument text (not from a parsed line). */
static struct trace_event call_with(const char *args)
{
	struct trace_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_CALL;
	ev.args = (char *)args;
	return ev;
}

static void expect_arg(const char *args, int i, const char *want)
{
	struct trace_event ev = call_with(args);
	char buf[512];
	int n = trace_arg(&ev, i, buf, sizeof(buf));
	cr_expect_eq(n, (int)strlen(want), "arg %d of [%s]: got %d (%s)", i, args, n,
		     n >= 0 ? buf : errno_name(errno));
	if (n >= 0)
		cr_expect_str_eq(buf, want, "arg %d of [%s]", i, args);
}

static void expect_no_arg(const char *args, int i)
{
	struct trace_event ev = call_with(args);
	char buf[512];
	errno = 0;
	int n = trace_arg(&ev, i, buf, sizeof(buf));
	check_errno(n, errno, ERANGE, "trace_arg past the last argument");
}

SELFTEST(strace_args, split_top_level)
{
	const char *bind = "3<UNIX-STREAM:[9220]>, {sa_family=AF_UNIX, "
			   "sun_path=\"/tmp/st/g.sock\"}, 17";
	expect_arg(bind, 0, "3<UNIX-STREAM:[9220]>");
	expect_arg(bind, 1, "{sa_family=AF_UNIX, sun_path=\"/tmp/st/g.sock\"}");
	expect_arg(bind, 2, "17");
	expect_no_arg(bind, 3);
	expect_no_arg(bind, -1);
	expect_no_arg("", 0);
	expect_no_arg("   ", 0);

	const char *w = "5<UNIX-STREAM:[7811->9229,\"/tmp/a,b\"]>, \"a,\\\"b,c\", 6";
	expect_arg(w, 0, "5<UNIX-STREAM:[7811->9229,\"/tmp/a,b\"]>");
	expect_arg(w, 1, "\"a,\\\"b,c\"");
	expect_arg(w, 2, "6");

	const char *sp = "AF_UNIX, SOCK_STREAM, 0, [5<UNIX-STREAM:[7820->7821]>, "
			 "6<UNIX-STREAM:[7821->7820]>]";
	expect_arg(sp, 3, "[5<UNIX-STREAM:[7820->7821]>, 6<UNIX-STREAM:[7821->7820]>]");

	expect_arg("7<TCP:[127.0.0.1:52069->127.0.0.1:49596]>, \"tcp\", 64, 0, NULL, NULL", 0,
		   "7<TCP:[127.0.0.1:52069->127.0.0.1:49596]>");
	expect_arg("5, {sa_family=AF_UNIX}, [112 => 2]", 2, "[112 => 2]");
	expect_arg("0x1, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1, 7", 1,
		   "FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1");
	expect_arg("0x1, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1, 7", 2, "7");
	expect_arg("3</tmp/a(b[c,d>, 5", 0, "3</tmp/a(b[c,d>");
	expect_arg("3</tmp/a(b[c,d>, 5", 1, "5");
	expect_arg("0</dev/null<char 1:3>>, 1", 1, "1");
	expect_arg("\"x\"..., 300", 1, "300");
	expect_arg("[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, -1", 1, "2");
	expect_arg("0x7ff /* 37 vars */", 0, "0x7ff /* 37 vars */");
}

SELFTEST(strace_args, arg_does_not_fit)
{
	struct trace_event ev = call_with("12345, 6");
	char buf[5];
	check_errno(trace_arg(&ev, 0, buf, sizeof(buf)), errno, ERANGE,
		    "a 5-byte argument in a 5-byte buffer (no room for the NUL)");
	cr_expect_eq(trace_arg(&ev, 1, buf, sizeof(buf)), 1);
	check_errno(trace_arg(NULL, 0, buf, sizeof(buf)), errno, ERANGE, "no event");
	struct trace_event none = call_with(NULL);
	check_errno(trace_arg(&none, 0, buf, sizeof(buf)), errno, ERANGE, "no args");
}

SELFTEST(strace_args, unix_fd_tags)
{
	struct trace_fd fd;
	cr_assert_eq(trace_parse_fd("3<UNIX-STREAM:[4817->4818,\"/tmp/x/sock\"]>", &fd), 0);
	cr_expect_eq(fd.fd, 3);
	cr_expect_str_eq(fd.proto, "UNIX-STREAM");
	cr_expect_eq(fd.inode, 4817);
	cr_expect_eq(fd.peer, 4818);
	cr_expect_str_eq(fd.name, "/tmp/x/sock");
	cr_expect_eq(fd.abstract, 0);

	cr_assert_eq(trace_parse_fd("4<UNIX-STREAM:[4816,@\"abs\"]>", &fd), 0);
	cr_expect_eq(fd.inode, 4816);
	cr_expect_eq(fd.peer, 0, "a listener has no peer");
	cr_expect_str_eq(fd.name, "abs");
	cr_expect_eq(fd.abstract, 1);

	cr_assert_eq(trace_parse_fd(" 5<UNIX-STREAM:[4818->4817,@\"abs\"]> ", &fd), 0);
	cr_expect_eq(fd.fd, 5);
	cr_expect_eq(fd.inode, 4818);
	cr_expect_eq(fd.peer, 4817);
	cr_expect_eq(fd.abstract, 1);

	cr_assert_eq(trace_parse_fd("5<UNIX-STREAM:[9229]>", &fd), 0);
	cr_expect_eq(fd.inode, 9229);
	cr_expect_str_eq(fd.name, "");

	cr_assert_eq(trace_parse_fd("3<UNIX:[6753->6754]>", &fd), 0);
	cr_expect_str_eq(fd.proto, "UNIX");
	cr_expect_eq(fd.peer, 6754);

	cr_assert_eq(trace_parse_fd("5<UNIX-STREAM:[1->2,\"\\x2f\\x74\\x6d\\x70\"]>", &fd), 0);
	cr_expect_str_eq(fd.name, "/tmp", "-xx names are decoded");

	cr_assert_eq(trace_parse_fd("6<UNIX-SEQPACKET:[10,\"/a\\\"b\"]>", &fd), 0);
	cr_expect_str_eq(fd.proto, "UNIX-SEQPACKET");
	cr_expect_str_eq(fd.name, "/a\"b");
}

SELFTEST(strace_args, other_fd_tags)
{
	struct trace_fd fd;
	cr_assert_eq(trace_parse_fd("5<TCP:[127.0.0.1:5000->127.0.0.1:41000]>", &fd), 0);
	cr_expect_str_eq(fd.proto, "TCP");
	cr_expect_str_eq(fd.name, "127.0.0.1:5000->127.0.0.1:41000");
	cr_expect_eq(fd.inode, 0);

	cr_assert_eq(trace_parse_fd("5<TCP:[9244]>", &fd), 0);
	cr_expect_eq(fd.inode, 9244);

	cr_assert_eq(trace_parse_fd("6<TCPv6:[[::1]:5000->[::1]:41000]>", &fd), 0);
	cr_expect_str_eq(fd.proto, "TCPv6");
	cr_expect_str_eq(fd.name, "[::1]:5000->[::1]:41000");

	cr_assert_eq(trace_parse_fd("3<pipe:[9644]>", &fd), 0);
	cr_expect_str_eq(fd.proto, "pipe");
	cr_expect_eq(fd.inode, 9644);

	cr_assert_eq(trace_parse_fd("3</etc/ld.so.cache>", &fd), 0);
	cr_expect_str_eq(fd.proto, "");
	cr_expect_str_eq(fd.name, "/etc/ld.so.cache");

	cr_assert_eq(trace_parse_fd("3</tmp/st/a\\76b)c\\\"d e\\nf>", &fd), 0);
	cr_expect_str_eq(fd.name, "/tmp/st/a>b)c\"d e\nf");

	cr_assert_eq(trace_parse_fd("7", &fd), 0);
	cr_expect_eq(fd.fd, 7);
	cr_expect_str_eq(fd.proto, "");

	const char *bad[] = {"NULL", "", "-1", "3<UNIX-STREAM:[", "x3<a>", "3 <a>",
			     "99999999999<a>", "3<", NULL};
	for (size_t k = 0; bad[k]; k++) {
		errno = 0;
		int rc = trace_parse_fd(bad[k], &fd);
		cr_expect(rc == -1 && errno == EINVAL, "\"%s\" is not an fd: rc %d", bad[k], rc);
	}
	check_errno(trace_parse_fd(NULL, &fd), errno, EINVAL, "trace_parse_fd(NULL)");
	cr_expect_eq(fd.fd, -1);
}

SELFTEST(strace_args, unquote)
{
	char buf[64];
	int trunc = -1;
	int n = trace_unquote("\"hi \\\"q\\\"\\n\\t\\\\\\1\\377 end\"", buf, sizeof(buf), &trunc);
	cr_assert_eq(n, 15, "decoded %d bytes", n);
	cr_expect(memcmp(buf, "hi \"q\"\n\t\\\001\377 end", 15) == 0);
	cr_expect_eq(trunc, 0);

	n = trace_unquote("\"\\x68\\x69\\x20\\x22\\x0a\\xff\"", buf, sizeof(buf), &trunc);
	cr_assert_eq(n, 6);
	cr_expect(memcmp(buf, "hi \"\n\377", 6) == 0);

	n = trace_unquote("\"aaa\"...", buf, sizeof(buf), &trunc);
	cr_expect_eq(n, 3);
	cr_expect_eq(trunc, 1, "\"...\" after the quote marks a cut string");

	n = trace_unquote("\"\\0001\\r\\v\\f\"", buf, sizeof(buf), NULL);
	cr_assert_eq(n, 5);
	cr_expect(memcmp(buf, "\0" "1\r\v\f", 5) == 0);

	cr_expect_eq(trace_unquote("\"\"", buf, sizeof(buf), &trunc), 0);
	cr_expect_str_eq(buf, "");

	check_errno(trace_unquote("abc", buf, sizeof(buf), &trunc), errno, EINVAL, "unquoted");
	check_errno(trace_unquote("\"abc", buf, sizeof(buf), &trunc), errno, EINVAL,
		    "no closing quote");
	check_errno(trace_unquote("\"abc\\\"", buf, sizeof(buf), &trunc), errno, EINVAL,
		    "escaped closing quote");
	check_errno(trace_unquote("\"abcdef\"", buf, 6, &trunc), errno, ERANGE, "too long");
	cr_expect_eq(trace_unquote("\"abcde\"", buf, 6, &trunc), 5, "exactly fits");
	check_errno(trace_unquote(NULL, buf, 6, &trunc), errno, EINVAL, "NULL text");
}
