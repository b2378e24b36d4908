/* harness_run_test.c: h_run's input, capture, deadline and flood cap. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../harness/check.h"
#include "unit_util.h"

#define CAP (64 * 1024)

SELFTEST(harness_run, output_and_status)
{
	struct h_result r;
	const char *argv[] = {"/bin/sh", "-c", "echo hi; echo oops >&2; exit 4", NULL};
	check_ok(h_run(argv, NULL, 0, 5.0, &r), errno, "h_run sh");
	cr_expect_str_eq(r.out, "hi\n");
	cr_expect_str_eq(r.err, "oops\n");
	cr_expect(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 4);
	cr_expect_eq(r.timed_out, 0);
	cr_expect_str_eq(r.what, "exited with status 4");
	cr_expect(r.elapsed > 0 && r.elapsed < 1.0, "elapsed %.3f", r.elapsed);
	h_result_free(&r);
	h_result_free(&r); /* safe twice */

	const char *seg[] = {"/bin/sh", "-c", "kill -SEGV $$", NULL};
	check_ok(h_run(seg, NULL, 0, 5.0, &r), errno, "h_run kill -SEGV");
	cr_expect(strncmp(r.what, "killed by SIGSEGV", 17) == 0, "%s", r.what);
	h_result_free(&r);

	check_errno(h_run((const char *[]){"/nonexistent", NULL}, NULL, 0, 1.0, &r), errno,
		    ENOENT, "h_run of a missing program");
}

SELFTEST(harness_run, stdin_data)
{
	struct h_result r;
	const char *cat[] = {"/bin/cat", NULL};
	check_ok(h_run(cat, "abc\0def", 7, 5.0, &r), errno, "h_run cat");
	cr_expect(memcmp(r.out, "abc\0def", 8) == 0, "binary input passes through");
	h_result_free(&r);

	/* 1 MiB through cat: the test must neither block nor keep it all. */
	size_t len = 1 << 20;
	char *big = malloc(len);
	memset(big, 'q', len);
	check_ok(h_run(cat, big, len, 5.0, &r), errno, "h_run cat 1 MiB");
	cr_expect_eq(strlen(r.out), CAP, "kept %zu bytes", strlen(r.out));
	cr_expect_str_eq(r.what, "exited with status 0");
	cr_expect_lt(r.elapsed, 2.0);
	h_result_free(&r);
	free(big);

	check_ok(h_run(cat, NULL, 0, 5.0, &r), errno, "h_run cat with no input");
	cr_expect_str_eq(r.out, "");
	h_result_free(&r);
}

SELFTEST(harness_run, deadline_kills)
{
	struct h_result r;
	const char *argv[] = {"/bin/sleep", "100", NULL};
	check_ok(h_run(argv, NULL, 0, 0.3, &r), errno, "h_run sleep");
	cr_expect_eq(r.timed_out, 1);
	cr_expect(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
	cr_expect(r.elapsed >= 0.29 && r.elapsed < 1.0, "elapsed %.3f", r.elapsed);
	cr_expect(strstr(r.what, "killed at the deadline") != NULL, "%s", r.what);
	h_result_free(&r);
}

SELFTEST(harness_run, flood_is_capped)
{
	struct h_result r;
	const char *out[] = {"/usr/bin/yes", NULL};
	int64_t t0 = mono_ns();
	check_ok(h_run(out, NULL, 0, 0.3, &r), errno, "h_run yes");
	cr_expect_eq(r.timed_out, 1);
	cr_expect_eq(strlen(r.out), CAP);
	cr_expect(strncmp(r.out, "y\ny\n", 4) == 0);
	cr_expect_lt((double)(mono_ns() - t0) / 1e9, 1.0);
	h_result_free(&r);

	const char *err[] = {"/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' e >&2; echo end",
			     NULL};
	check_ok(h_run(err, NULL, 0, 5.0, &r), errno, "h_run flooding stderr");
	cr_expect_eq(r.timed_out, 0, "3 MB of stderr must not block the program");
	cr_expect_eq(strlen(r.err), CAP);
	cr_expect_str_eq(r.out, "end\n");
	h_result_free(&r);
}

SELFTEST(harness_run, leftover_processes_do_not_hold_it)
{
	/* sh exits while its background sleep still holds the output pipe. */
	struct h_result r;
	const char *argv[] = {"/bin/sh", "-c", "sleep 100 & echo done", NULL};
	check_ok(h_run(argv, NULL, 0, 5.0, &r), errno, "h_run sh with a background sleep");
	cr_expect_str_eq(r.out, "done\n");
	cr_expect_eq(r.timed_out, 0);
	cr_expect_lt(r.elapsed, 1.0, "took %.3f s", r.elapsed);
	h_result_free(&r);
}
