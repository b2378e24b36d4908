/* check_report.c: the result channel from a graded test binary to the grader.
 *
 * Criterion's own JSON report is unreliable (unescaped quotes, counters that
 * do not add up), and a test's stdout is shared with the student's code, so
 * a verdict is never read from printed text. Instead this report hook, which
 * runs in Criterion's runner process after each test, writes the verdict to
 * the file named by $CHECK_RESULT_FILE. The grader treats a missing file as
 * "the test never finished" (a hang or a killed runner), never as a pass. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* The grader's secret for this run. It arrives in a file named by
 * $CHECK_NONCE_FILE, which this constructor reads and deletes before any
 * code of the student's runs (constructor priority 101 runs before the
 * default ones), so student code cannot stamp a forged "passed" record with
 * it: the grader ignores records without the secret. This raises the bar
 * for code that shares the test's process; it is not a proof (see the
 * staff chapter). */
static char nonce[64];

__attribute__((constructor(101))) static void read_nonce(void)
{
	const char *path = getenv("CHECK_NONCE_FILE");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(nonce, sizeof nonce, f))
			nonce[0] = '\0';
		nonce[strcspn(nonce, "\n")] = '\0';
		fclose(f);
	}
	unlink(path);
	unsetenv("CHECK_NONCE_FILE");
}

/* Writes s on one line, turning newlines and backslashes into escapes so
 * that one record stays one line. */
static void put_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else if ((unsigned char)*s < 0x20 && *s != '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void write_record(struct criterion_test_stats *stats)
{
	const char *path = getenv("CHECK_RESULT_FILE");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	const struct check_meta *meta = stats->test->data
		? stats->test->data->data : NULL;
	const char *status = "passed";
	if (stats->timed_out)
		status = "timeout";
	else if (stats->crashed)
		status = "crashed";
	else if (stats->test_status == CR_STATUS_SKIPPED)
		status = "skipped";
	else if (stats->test_status != CR_STATUS_PASSED)
		status = "failed";
	fprintf(f, "test %s/%s\n", stats->test->category, stats->test->name);
	fprintf(f, "nonce %s\n", nonce);
	fprintf(f, "points %d\n", meta ? meta->points : -1);
	fprintf(f, "status %s %d %d %.3f\n", status, stats->signal,
		stats->exit_code, (double)stats->elapsed_time);
	int messages = 0;
	for (struct criterion_assert_stats *a = stats->asserts; a; a = a->next) {
		if (a->passed)
			continue;
		fputs("message ", f);
		put_escaped(f, a->message);
		fputc('\n', f);
		messages++;
	}
	/* A test process that exits early (exit() in the code under test, or
	 * a sanitizer's report) fails without any assertion: say so. */
	if (!messages && !stats->timed_out && !stats->crashed &&
	    stats->test_status == CR_STATUS_FAILED && stats->exit_code != 0)
		fprintf(f, "message the test process exited with status %d before the "
			   "check finished: exit() called by the code under test, or a "
			   "sanitizer report (run `make run-checks` to see it)\n",
			stats->exit_code);
	fputs("end\n", f);
	fclose(f);
}

/* "start suite/name" before each test: when a test hangs the runner, the
 * grader knows which one it was. */
ReportHook(PRE_TEST)(struct criterion_test *test)
{
	const char *path = getenv("CHECK_RESULT_FILE");
	FILE *f = path && *path ? fopen(path, "a") : NULL;
	if (!f)
		return;
	fprintf(f, "start %s/%s\n", test->category, test->name);
	fclose(f);
}

ReportHook(POST_TEST)(struct criterion_test_stats *stats)
{
	write_record(stats);
}

/* A test whose worker dies of a signal gets TEST_CRASH, not POST_TEST. */
ReportHook(TEST_CRASH)(struct criterion_test_stats *stats)
{
	write_record(stats);
}
