/* progress_test.c: unit tests of tests/progress/: the hints parser, the
 * state file, the sources' fingerprint and the colour rules. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/check.h"
#include "../progress/hints.h"
#include "../progress/state.h"
#include "../progress/term.h"

/* ---- hints ------------------------------------------------------------- */

SELFTEST(progress, hints_blocks_and_continuations)
{
	const char *text =
		"# a comment\n"
		"\n"
		"[unit_one]\n"
		"hint: first nudge\n"
		"  that goes on\n"
		"\tand on.\n"
		"more: the shape\n"
		"\n"
		"[box_two]\n"
		"more: only more first\n"
		"hint: then the hint\n";
	struct hints h;
	cr_assert_eq(hints_parse(text, "t.hints", &h), 0, "parse: %s", strerror(errno));
	cr_assert_null(h.errors, "a well-formed file gave errors:\n%s", h.errors);
	cr_assert_eq(h.n, 2);
	const struct hint_entry *e = hints_find(&h, "unit_one");
	cr_assert(e && e->line == 3, "block unit_one at line 3");
	cr_expect_str_eq(e->hint, "first nudge that goes on and on.");
	cr_expect_str_eq(e->more, "the shape");
	e = hints_find(&h, "box_two");
	cr_assert(e);
	cr_expect_str_eq(e->hint, "then the hint");
	cr_expect_str_eq(e->more, "only more first");
	cr_expect_null(hints_find(&h, "unit"));
	hints_free(&h);
}

/* Parses text and asserts that the errors mention each of the phrases. */
static void expect_errors(const char *text, const char *const phrases[])
{
	struct hints h;
	cr_assert_eq(hints_parse(text, "bad.hints", &h), 0, "parse: %s", strerror(errno));
	cr_assert_not_null(h.errors, "no error found in:\n%s", text);
	for (size_t i = 0; phrases[i]; i++)
		cr_expect(strstr(h.errors, phrases[i]), "expected \"%s\" among the errors:\n%s",
			  phrases[i], h.errors);
	hints_free(&h);
}

SELFTEST(progress, hints_mistakes_are_reported)
{
	expect_errors("hint: no block yet\n", (const char *const[]){"bad.hints:1:", "before any",
		      NULL});
	expect_errors("  continued from nothing\n",
		      (const char *const[]){"continuation line", NULL});
	expect_errors("[a]\nhint: x\nmore: y\n[a]\nhint: x\nmore: y\n",
		      (const char *const[]){"bad.hints:4:", "[a] again (first at line 1)", NULL});
	expect_errors("[a]\nhint: x\nhint: y\n", (const char *const[]){"second hint:", NULL});
	expect_errors("[a]\nhint:\nmore: y\n", (const char *const[]){"empty hint:", NULL});
	expect_errors("[a]\ntip: x\n", (const char *const[]){"expected [check_name]", NULL});
	expect_errors("[Bad Name]\n", (const char *const[]){"a block starts with", NULL});
	expect_errors("[a] trailing\n", (const char *const[]){"a block starts with", NULL});
}

SELFTEST(progress, hints_empty_value_continued_is_fine)
{
	struct hints h;
	cr_assert_eq(hints_parse("[a]\nhint:\n  on the next line\nmore: m\n", "x", &h), 0);
	cr_assert_null(h.errors, "%s", h.errors);
	cr_expect_str_eq(h.v[0].hint, "on the next line");
	hints_free(&h);
}

/* ---- state ------------------------------------------------------------- */

SELFTEST(progress, state_missing_corrupt_and_round_trip)
{
	const char *path = h_path("deep/er/state.json");
	int reset = 7;
	cJSON *root = state_load(path, &reset);
	cr_assert_not_null(root, "a missing file is an empty state: %s", strerror(errno));
	cr_expect_eq(reset, 0);
	cr_expect_null(state_lab(root, "01-x"));
	cJSON *lab = cJSON_AddObjectToObject(state_labs(root), "01-x");
	cJSON_AddNumberToObject(lab, "score", 3);
	cr_assert_eq(state_save(path, root), 0, "save (folders made on the way): %s",
		     strerror(errno));
	cJSON_Delete(root);
	root = state_load(path, &reset);
	cr_assert(root && reset == 0);
	lab = state_lab(root, "01-x");
	cr_assert(lab && cJSON_GetObjectItem(lab, "score")->valueint == 3, "round trip");
	cJSON_Delete(root);

	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("{\"version\": 1, \"labs\": {", f);
	fclose(f);
	root = state_load(path, &reset);
	cr_assert(root && reset == 1, "a corrupt file is reset, not an error");
	cr_expect_null(state_lab(root, "01-x"));
	cJSON_Delete(root);

	f = fopen(path, "w");
	fputs("{\"version\": 99, \"labs\": {}}", f);
	fclose(f);
	root = state_load(path, &reset);
	cr_assert(root && reset == 1, "another version is reset");
	cJSON_Delete(root);

	int fd = state_lock(path);
	cr_assert_geq(fd, 0, "lock: %s", strerror(errno));
	state_unlock(fd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

SELFTEST(progress, fingerprint_follows_sources_only)
{
	char impl[300], tests[300], lab[400], p[500];
	snprintf(impl, sizeof impl, "%s", h_path("impl"));
	snprintf(tests, sizeof tests, "%s", h_path("tests"));
	snprintf(lab, sizeof lab, "%s/01-x", impl);
	cr_assert(mkdir(impl, 0755) == 0 && mkdir(tests, 0755) == 0);
	char a[FINGERPRINT_LEN + 1], b[FINGERPRINT_LEN + 1];

	lab_fingerprint(impl, tests, NULL, "01-x", a);
	cr_expect_eq(strlen(a), FINGERPRINT_LEN);
	cr_assert(mkdir(lab, 0755) == 0);
	snprintf(p, sizeof p, "%s/x.c", lab);
	write_file(p, "int x;\n");
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_neq(a, b, "a new lab folder changes it");

	memcpy(a, b, sizeof a);
	snprintf(p, sizeof p, "%s/.x.c.swp", lab);
	write_file(p, "swap");
	snprintf(p, sizeof p, "%s/x.c~", lab);
	write_file(p, "backup");
	snprintf(p, sizeof p, "%s/notes.txt", lab);
	write_file(p, "notes");
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_eq(a, b, "editors' files and notes are not sources");

	snprintf(p, sizeof p, "%s/x.c", lab);
	write_file(p, "int x = 1;\n");
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_neq(a, b, "an edited .c changes it");
	memcpy(a, b, sizeof a);

	snprintf(p, sizeof p, "%s/x.h", lab);
	write_file(p, "#define X 1\n");
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_neq(a, b, "a new header changes it");
	memcpy(a, b, sizeof a);

	snprintf(p, sizeof p, "%s/01-x.c", tests);
	write_file(p, "CHECK(...)\n");
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_neq(a, b, "the graded suite counts");
	memcpy(a, b, sizeof a);

	/* Same contents under another file name: another fingerprint. */
	snprintf(p, sizeof p, "%s/x.h", lab);
	char q[500];
	snprintf(q, sizeof q, "%s/y.h", lab);
	cr_assert(rename(p, q) == 0);
	lab_fingerprint(impl, tests, NULL, "01-x", b);
	cr_expect_str_neq(a, b, "a renamed file changes it");
}

/* ---- colours ----------------------------------------------------------- */

SELFTEST(progress, colour_rules)
{
	/* A terminal gets colours, a pipe does not. */
	cr_expect_eq(term_color_wanted(1, NULL, NULL, "xterm"), 1);
	cr_expect_eq(term_color_wanted(0, NULL, NULL, "xterm"), 0);
	cr_expect_eq(term_color_wanted(1, NULL, NULL, NULL), 1);
	cr_expect_eq(term_color_wanted(1, NULL, NULL, "dumb"), 0);
	/* NO_COLOR: any non-empty value turns them off, and wins. */
	cr_expect_eq(term_color_wanted(1, "1", NULL, "xterm"), 0);
	cr_expect_eq(term_color_wanted(1, "anything", "1", "xterm"), 0);
	cr_expect_eq(term_color_wanted(1, "", NULL, "xterm"), 1);
	/* FORCE_COLOR: on into a pipe; 0 or false turn them off. */
	cr_expect_eq(term_color_wanted(0, NULL, "1", NULL), 1);
	cr_expect_eq(term_color_wanted(0, "", "true", "dumb"), 1);
	cr_expect_eq(term_color_wanted(1, NULL, "0", "xterm"), 0);
	cr_expect_eq(term_color_wanted(1, NULL, "false", "xterm"), 0);
	cr_expect_eq(term_color_wanted(0, NULL, "", NULL), 0);
}

/* ---- the completeness check (progress hints-check) --------------------- */

/* build/<variant>/tests/progress/progress, found from this test binary at
 * build/<variant>/tests/unit/unit_tests. */
static const char *progress_tool(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	snprintf(path, sizeof(path), "%s/progress/progress", exe);
	cr_assert_eq(access(path, X_OK), 0, "%s is missing: `make test-unit` builds it", path);
	return path;
}

static void hints_check(const char *dir, int partial, struct h_result *r)
{
	char tests[400], hidden[400], hints[400];
	snprintf(tests, sizeof tests, "%s/labs", dir);
	snprintf(hidden, sizeof hidden, "%s/hidden", dir);
	snprintf(hints, sizeof hints, "%s/hints", dir);
	const char *argv[] = {progress_tool(), "hints-check", "--tests", tests, "--hidden", hidden,
			      "--hints", hints, partial ? "--partial" : NULL, NULL};
	cr_assert_eq(h_run(argv, NULL, 0, 10.0, r), 0, "cannot run %s: %s", argv[0],
		     strerror(errno));
}

SELFTEST(progress, hints_check_catches_gaps)
{
	char dir[300], p[600];
	snprintf(dir, sizeof dir, "%s", h_path("t"));
	const char *sub[] = {"", "/labs", "/hidden", "/hints"};
	for (size_t k = 0; k < 4; k++) {
		snprintf(p, sizeof p, "%s%s", dir, sub[k]);
		cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %s", p, strerror(errno));
	}
	snprintf(p, sizeof p, "%s/labs/01-a.c", dir);
	write_file(p, "CHECK(lab01, unit_one, 1, \"one\")\n{\n}\n"
		      "CHECK_WITH(lab01, box_two, 2, \"two\", .timeout = 3)\n{\n}\n"
		      "CHECK(lab01, trace_three, 1, \"three\")\n{\n}\n");
	snprintf(p, sizeof p, "%s/labs/02-b.c", dir);
	write_file(p, "CHECK(lab02, unit_b, 1, \"b\")\n{\n}\n");
	snprintf(p, sizeof p, "%s/hidden/01-a.c", dir);
	write_file(p, "CHECK(lab01_hidden, box_secret, 1, \"secret\")\n{\n}\n");
	snprintf(p, sizeof p, "%s/hints/01-a.hints", dir);
	write_file(p, "[unit_one]\nhint: h\nmore: m\n"
		      "[box_two]\nhint: only a hint\n"
		      "[unit_ghost]\nhint: h\nmore: m\n"
		      "[box_secret]\nhint: h\nmore: m\n");
	snprintf(p, sizeof p, "%s/hints/09-z.hints", dir);
	write_file(p, "# a leftover\n");

	struct h_result r;
	hints_check(dir, 0, &r);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1,
		  "hints-check should fail (exit 1); it %s:\n%s", r.what, r.out);
	const char *want[] = {
		"[box_two] needs both hint: and more: (it lacks more:)",
		"no block [trace_three] for the graded check 01-a/trace_three",
		"[unit_ghost] names no graded check",
		"[box_secret] is a hidden check",
		"02-b.hints: No such file or directory",
		"09-z.hints: no graded suite",
		"hints-check: FAILED",
	};
	for (size_t k = 0; k < sizeof want / sizeof *want; k++)
		cr_expect(strstr(r.out, want[k]), "hints-check should report \"%s\":\n%s",
			  want[k], r.out);
	cr_expect(!strstr(r.out, "unit_one"), "unit_one is complete:\n%s", r.out);
	h_result_free(&r);

	/* Partial: a lab without a file is named as skipped, not failed;
	 * the gaps of lab 01 still fail. */
	hints_check(dir, 1, &r);
	cr_expect(strstr(r.out, "skipped (HINTS_PARTIAL=1), no hints file yet: lab 02") &&
		  !strstr(r.out, "02-b.hints: No such file"),
		  "with --partial, lab 02 is skipped and said so:\n%s", r.out);
	cr_expect(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1,
		  "lab 01's gaps still fail with --partial");
	h_result_free(&r);

	/* Completed, the same tree passes. */
	snprintf(p, sizeof p, "%s/hints/01-a.hints", dir);
	write_file(p, "[unit_one]\nhint: h\nmore: m\n[box_two]\nhint: h2\nmore: m2\n"
		      "[trace_three]\nhint: h3\nmore: m3\n");
	snprintf(p, sizeof p, "%s/hints/09-z.hints", dir);
	cr_assert_eq(unlink(p), 0);
	hints_check(dir, 1, &r);
	cr_expect(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
		  strstr(r.out, "hints-check: ok: 3 graded checks in 1 lab,"),
		  "a complete lab 01 and a skipped lab 02 pass with --partial; it %s:\n%s",
		  r.what, r.out);
	h_result_free(&r);
}
