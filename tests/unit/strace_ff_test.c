/* strace_ff_test.c: reading the per-process files of `strace -ff -o P`
 * (trace_load_ff, trace_load_any): pids from the file names, records
 * merged by timestamp. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../harness/check.h"
#include "unit_util.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

SELFTEST(strace_ff, merges_by_time)
{
	char prefix[256];
	snprintf(prefix, sizeof(prefix), "%s/t", h_dir());
	write_file(h_path("t.12"), "1.000002 socket(AF_UNIX, SOCK_STREAM, 0) = 3 <0.000010>\n"
				   "1.000006 close(3) = 0 <0.000010>\n"
				   "1.000007 +++ exited with 0 +++\n");
	write_file(h_path("t.7"), "1.000001 execve(\"/bin/x\", [\"x\"], 0x1 /* 1 var */) = 0\n"
				  "1.000004 write(1, \"a\", 1) = 1 <0.000010>\n"
				  "1.000009 +++ killed by SIGKILL +++\n");
	/* Not per-pid files of this prefix: ignored. */
	write_file(h_path("t.12.bak"), "9.0 close(9) = 0\n");
	write_file(h_path("t.x"), "9.0 close(9) = 0\n");
	write_file(h_path("tt.5"), "9.0 close(9) = 0\n");

	struct trace t;
	cr_assert_eq(trace_load_ff(prefix, &t), 0, "trace_load_ff: %s", strerror(errno));
	cr_assert_eq(t.n, 6, "%zu records", t.n);
	static const int pids[] = {7, 12, 7, 12, 12, 7};
	static const char *const names[] = {"execve", "socket", "write", "close", "", "SIGKILL"};
	for (size_t k = 0; k < t.n; k++) {
		cr_expect_eq(t.ev[k].pid, pids[k], "record %zu: pid %d", k, t.ev[k].pid);
		if (names[k][0])
			cr_expect_str_eq(t.ev[k].name, names[k], "record %zu", k);
		if (k > 0)
			cr_expect_geq(t.ev[k].ts, t.ev[k - 1].ts, "in time order");
	}
	cr_expect_eq(t.ev[4].kind, TRACE_EXIT);
	trace_free(&t);

	/* trace_load_any: a file is one trace, anything else a prefix. */
	cr_assert_eq(trace_load_any(h_path("t.7"), &t), 0);
	cr_expect_eq(t.n, 3);
	cr_expect_eq(t.ev[0].pid, 0, "a lone file has no pid to give");
	trace_free(&t);
	cr_assert_eq(trace_load_any(prefix, &t), 0);
	cr_expect_eq(t.n, 6);
	trace_free(&t);
}

SELFTEST(strace_ff, errors)
{
	struct trace t;
	check_errno(trace_load_ff(h_path("none"), &t), errno, ENOENT, "no such files");
	cr_expect_eq(t.n, 0);
	check_errno(trace_load_ff("/nonexistent/dir/p", &t), errno, ENOENT, "no such dir");
	check_errno(trace_load_ff("", &t), errno, EINVAL, "empty prefix");
	check_errno(trace_load_ff(NULL, &t), errno, EINVAL, "NULL prefix");
	check_errno(trace_load_any(h_path("none"), &t), errno, ENOENT, "trace_load_any");
	/* A directory is not a trace file: it is taken as a prefix. */
	check_errno(trace_load_any(h_dir(), &t), errno, ENOENT, "a directory");
}

SELFTEST(strace_ff, recorded_set)
{
	struct trace t;
	cr_assert_eq(trace_load_ff(fixture_path("flow_ff/shapes"), &t), 0, "%s", strerror(errno));
	cr_expect_gt(t.n, 50);
	int pids[3] = {0}, npids = 0;
	for (size_t k = 0; k < t.n; k++) {
		cr_expect_neq(t.ev[k].pid, 0, "every record has its file's pid");
		cr_expect_neq(t.ev[k].kind, TRACE_OTHER, "unparsed: %s", t.ev[k].line);
		int seen = 0;
		for (int j = 0; j < npids; j++)
			seen |= pids[j] == t.ev[k].pid;
		if (!seen && npids < 3)
			pids[npids++] = t.ev[k].pid;
		if (k > 0)
			cr_expect_geq(t.ev[k].ts, t.ev[k - 1].ts);
	}
	cr_expect_eq(npids, 3);
	cr_expect_str_eq(t.ev[0].name, "execve", "the parent's execve comes first");
	trace_free(&t);
}
