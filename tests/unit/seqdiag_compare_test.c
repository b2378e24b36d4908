/* seqdiag_compare_test.c: seqdiag's row list (BASE.rows) and its
 * comparison with a reference's list (--compare, BASE.diff, rows marked
 * in the DOT text), on the recorded lab 02 exchange and on small
 * synthetic traces. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

#define FILL_EXTRA "fillcolor=\"#c9efc0\""
#define FILL_CHANGED "fillcolor=\"#ffe08a\""

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* Runs seqdiag -o base --format none [extra...] trace; it must succeed. */
static void draw(const char *base, const char *trace, const char *const *extra)
{
	const char *argv[24] = {seqdiag_path(), "-o", base, "--format", "none"};
	size_t n = 5;
	while (extra && *extra && n < 22)
		argv[n++] = *extra++;
	argv[n++] = trace;
	argv[n] = NULL;
	struct h_result r;
	check_ok(h_run(argv, NULL, 0, 8.0, &r), errno, "running seqdiag");
	cr_assert_str_eq(r.what, "exited with status 0", "seqdiag %s: %s", trace, r.err);
	h_result_free(&r);
}

static char *file_of(const char *base, const char *ext)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s.%s", base, ext);
	return slurp(path);
}

/* The number of lines of a .diff that start with mark. */
static int marks(const char *diff, char mark)
{
	int n = 0;
	for (const char *p = diff; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += *p == mark && p[1] == '\t';
	return n;
}

/* Replaces the first occurrence of from in text (malloc'ed result). */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	cr_assert_not_null(p, "\"%s\" is not in:\n%s", from, text);
	size_t len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(len);
	cr_assert_not_null(out);
	snprintf(out, len, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return out;
}

SELFTEST(seqdiag_compare, row_list_of_a_run)
{
	const char *base = h_path("lab02");
	const char *keep[] = {"--keep", "server,client", NULL};
	draw(base, fixture_path("lab02_exchange.trace"), keep);
	char *rows = file_of(base, "rows");
	cr_expect(strncmp(rows, "# seqdiag rows 1", 16) == 0, "a header line:\n%s", rows);
	/* One line per call, with its process, count, arguments and result. */
	cr_expect(strstr(rows, "\nserver\t1\tbind(3, \"s.sock\", 9) = 0\n"), "bind:\n%s", rows);
	cr_expect(strstr(rows, "\nserver\t1\tlisten(3, backlog 5) = 0\n"), "listen:\n%s", rows);
	/* A call that waited is one line, at its return. */
	cr_expect(strstr(rows, "\nserver\t1\taccept4(3) = 4\n"), "accept:\n%s", rows);
	cr_expect(strstr(rows, "waits") == NULL, "no \"waits\" half:\n%s", rows);
	/* The data as strace shows it, no "#n" (numbering differs by run). */
	cr_expect(strstr(rows, "= 23 \"the message sended \\346\\210\\267!\"\n"), "data:\n%s",
		  rows);
	cr_expect(strstr(rows, "copy 1") == NULL && strstr(rows, "#1") == NULL,
		  "no pair numbers:\n%s", rows);
	cr_expect(strstr(rows, "\nclient\t1\texit 0\n"), "the exit:\n%s", rows);
	/* No pid, no time. */
	cr_expect(strstr(rows, "4440") == NULL && strstr(rows, " ms") == NULL,
		  "pids or times in the list:\n%s", rows);
	free(rows);
}

SELFTEST(seqdiag_compare, same_run_has_no_marks)
{
	const char *base = h_path("lab02");
	const char *keep[] = {"--keep", "server,client", NULL};
	draw(base, fixture_path("lab02_exchange.trace"), keep);
	char ref[PATH_MAX];
	snprintf(ref, sizeof(ref), "%s.rows", base);
	const char *again = h_path("again");
	const char *cmp[] = {"--keep", "server,client", "--compare", ref, NULL};
	draw(again, fixture_path("lab02_exchange.trace"), cmp);
	char *diff = file_of(again, "diff"), *dot = file_of(again, "dot");
	cr_expect(strncmp(diff, "# seqdiag diff 1", 16) == 0, "a header line:\n%s", diff);
	cr_expect(marks(diff, '=') > 10 && marks(diff, '-') + marks(diff, '+') + marks(diff, '~') == 0,
		  "every row the same:\n%s", diff);
	cr_expect(strstr(dot, FILL_EXTRA) == NULL && strstr(dot, FILL_CHANGED) == NULL,
		  "no row marked");
	cr_expect(strstr(dot, "every process made the same calls"), "the footer says so");
	free(diff);
	free(dot);
}

SELFTEST(seqdiag_compare, differences_marked)
{
	const char *base = h_path("lab02");
	const char *keep[] = {"--keep", "server,client", NULL};
	draw(base, fixture_path("lab02_exchange.trace"), keep);
	/* A reference that binds with another length (changed), has no
	 * listen (this run's is extra) and one more close (missing here). */
	char *rows = file_of(base, "rows");
	char *a = replaced(rows, "bind(3, \"s.sock\", 9) = 0", "bind(3, \"s.sock\", 110) = 0");
	char *b = replaced(a, "server\t1\tlisten(3, backlog 5) = 0\n", "");
	char *c = replaced(b, "client\t1\texit 0\n", "client\t1\tclose(9) = 0\nclient\t1\texit 0\n");
	const char *ref = h_path("ref.rows");
	spit(ref, c);
	const char *run = h_path("run");
	const char *cmp[] = {"--keep", "server,client", "--compare", ref, NULL};
	draw(run, fixture_path("lab02_exchange.trace"), cmp);
	char *diff = file_of(run, "diff"), *dot = file_of(run, "dot");
	cr_expect(strstr(diff, "\n~\tserver\t1\tbind(3, \"s.sock\", 110) = 0\t1\tbind(3, "
			       "\"s.sock\", 9) = 0\t"),
		  "bind changed:\n%s", diff);
	cr_expect(strstr(diff, "\n+\tserver\t0\t\t1\tlisten(3, backlog 5) = 0\t"),
		  "listen extra:\n%s", diff);
	cr_expect(strstr(diff, "\n-\tclient\t1\tclose(9) = 0\t0\t\t0\n"), "close missing:\n%s",
		  diff);
	cr_expect_eq(marks(diff, '~') + marks(diff, '+') + marks(diff, '-'), 3,
		     "exactly three differences:\n%s", diff);
	cr_expect(strstr(dot, FILL_CHANGED) && strstr(dot, FILL_EXTRA), "both marks drawn");
	cr_expect(strstr(dot, "missing: client: close(9) = 0"), "the missing row in the footer");
	free(rows);
	free(a);
	free(b);
	free(c);
	free(diff);
	free(dot);
}

/* A stream written once (10 bytes) and read in the pieces given. */
static void write_reads(const char *path, const int *pieces, int n)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	double t = 100.0;
	fprintf(f, "1 %.6f socketpair(AF_UNIX, SOCK_STREAM, 0, [3<UNIX-STREAM:[1->2]>, "
		   "4<UNIX-STREAM:[2->1]>]) = 0 <0.000010>\n", t);
	fprintf(f, "1 %.6f write(3<UNIX-STREAM:[1->2]>, \"0123456789\", 10) = 10 <0.000010>\n",
		t += 0.0001);
	for (int k = 0, at = 0; k < n; at += pieces[k++])
		fprintf(f, "2 %.6f read(4<UNIX-STREAM:[2->1]>, \"%.*s\", 64) = %d <0.000010>\n",
			t += 0.0001, pieces[k], "0123456789" + at, pieces[k]);
	fprintf(f, "2 %.6f read(4<UNIX-STREAM:[2->1]>, \"\", 64) = 0 <0.000010>\n", t += 0.0001);
	fprintf(f, "1 %.6f +++ exited with 0 +++\n2 %.6f +++ exited with 0 +++\n", t + 0.001,
		t + 0.002);
	fclose(f);
}

SELFTEST(seqdiag_compare, stream_reads_in_pieces_are_one)
{
	/* How a stream's bytes are cut into reads is timing: 10 at once or
	 * 3 + 7 lists the same, and compares the same. */
	const char *whole = h_path("whole.trace"), *cut = h_path("cut.trace");
	int one[] = {10}, two[] = {3, 7};
	write_reads(whole, one, 1);
	write_reads(cut, two, 2);
	const char *a = h_path("a"), *b = h_path("b");
	draw(a, whole, NULL);
	draw(b, cut, NULL);
	char *ra = file_of(a, "rows"), *rb = file_of(b, "rows");
	cr_expect(strstr(ra, "read(4, max 64) = 10 \"0123456789\"\n"), "one read:\n%s", ra);
	cr_expect_str_eq(ra, rb, "the same list for 10 and 3 + 7");
	char ref[PATH_MAX];
	snprintf(ref, sizeof(ref), "%s.rows", a);
	const char *cmp[] = {"--compare", ref, NULL};
	draw(b, cut, cmp);
	char *diff = file_of(b, "diff");
	cr_expect_eq(marks(diff, '~') + marks(diff, '+') + marks(diff, '-'), 0, "no difference:\n%s",
		     diff);
	free(ra);
	free(rb);
	free(diff);
}

SELFTEST(seqdiag_compare, masks_and_a_bad_reference)
{
	/* --mask hides a run's random word; a file that is not a row list
	 * is refused with a sentence. */
	const char *base = h_path("masked");
	const char *mask[] = {"--keep", "server,client", "--mask", "s.sock", NULL};
	draw(base, fixture_path("lab02_exchange.trace"), mask);
	char *rows = file_of(base, "rows");
	cr_expect(strstr(rows, "bind(3, \"*\", 9) = 0"), "masked:\n%s", rows);
	free(rows);
	/* A number (the scenario's pid) only where it stands alone. */
	const char *pid[] = {"--keep", "server,client", "--mask", "9", NULL};
	draw(base, fixture_path("lab02_exchange.trace"), pid);
	rows = file_of(base, "rows");
	cr_expect(strstr(rows, "bind(3, \"s.sock\", *) = 0"), "9 alone masked:\n%s", rows);
	cr_expect(strstr(rows, "read(4, max 4096)"), "4096 kept whole:\n%s", rows);
	free(rows);
	const char *bogus = h_path("bogus.rows");
	spit(bogus, "server\t1\tbind\n");
	const char *argv[] = {seqdiag_path(), "--compare", bogus, "-o", h_path("x"), "--format", "none",
			      fixture_path("lab02_exchange.trace"), NULL};
	struct h_result r;
	check_ok(h_run(argv, NULL, 0, 8.0, &r), errno, "running seqdiag");
	cr_expect_str_eq(r.what, "exited with status 1", "%s", r.err);
	cr_expect(strstr(r.err, "not a row list"), "says why: %s", r.err);
	h_result_free(&r);
}
