/* platforms_test.c: the course platforms run for real (guide/staff.md).
 *
 * - the students' handout: built, extracted in an empty temp folder, built
 *   there from nothing and graded to Score: 0/Y, with no staff material;
 * - Gradescope's autograder.zip: setup.sh and run_autograder run on a fake
 *   /autograder (AUTOGRADER_ROOT) with a submission holding two labs of
 *   solutions/ in a labs/ folder, and results.json validated;
 * - grade-all on three submissions (good, not compiling, labs missing):
 *   the gradebook's rows and each student's results.json.
 *
 * Each builds the project once in a temp folder, so they are slower than
 * the grader's own self-tests: they run in their own step of `make test`
 * (PLATFORM_TESTS=1, filter platforms/...) and are skipped elsewhere. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../harness/check.h"

/* Limits of the long steps: a build from nothing plus grading. */
#define BUILD_RUN_S 240.0

static void need_platform_step(void)
{
	const char *v = getenv("PLATFORM_TESTS");
	if (!v || strcmp(v, "1") != 0)
		cr_skip_test("run in make test's own step (PLATFORM_TESTS=1)");
}

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s is not set: run the self-tests through `make test`", name);
	return v;
}

/* Runs argv to completion; fails the test unless it exited 0. The caller
 * frees r. argv[0] is not looked up in PATH: commands go through
 * /usr/bin/env. */
static void run_ok(const char *const argv[], struct h_result *r, const char *what)
{
	cr_assert_eq(h_run(argv, NULL, 0, BUILD_RUN_S, r), 0, "%s: cannot run %s: %s", what,
		     argv[0], strerror(errno));
	cr_assert(!r->timed_out, "%s: still running after %.0f s", what, BUILD_RUN_S);
	cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
		  "%s %s\nstdout (end):\n%s\nstderr (end):\n%s", what, r->what,
		  strlen(r->out) > 3000 ? r->out + strlen(r->out) - 3000 : r->out,
		  strlen(r->err) > 2000 ? r->err + strlen(r->err) - 2000 : r->err);
}

/* A shell command (for cp -r, unzip), which must succeed. */
static void sh(const char *cmd)
{
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct h_result r;
	run_ok(argv, &r, cmd);
	h_result_free(&r);
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot open %s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len;
	cr_assert_eq(read_all(fileno(f), 4 << 20, &text, &len), 0, "reading %s", path);
	fclose(f);
	return text;
}

static cJSON *load_json(const char *path)
{
	char *text = slurp(path);
	cJSON *j = cJSON_Parse(text);
	cr_assert(j, "%s is not valid JSON:\n%.2000s", path, text);
	free(text);
	return j;
}

/* Checks results.json's shape: every test has the seven fields, the top
 * score is the sum of the tests' scores. Returns the top score. */
static int validate_results(cJSON *j, const char *path)
{
	cJSON *score = cJSON_GetObjectItem(j, "score");
	cJSON *tests = cJSON_GetObjectItem(j, "tests");
	cr_assert(cJSON_IsNumber(score) && cJSON_IsArray(tests) && cJSON_GetArraySize(tests) > 0,
		  "%s needs a numeric score and a non-empty tests[]", path);
	double sum = 0;
	cJSON *t;
	cJSON_ArrayForEach(t, tests) {
		const char *strings[] = {"name", "number", "status", "output", "visibility"};
		for (size_t k = 0; k < 5; k++)
			cr_assert(cJSON_IsString(cJSON_GetObjectItem(t, strings[k])),
				  "%s: a test lacks the string field %s", path, strings[k]);
		cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(t, "score")) &&
			  cJSON_IsNumber(cJSON_GetObjectItem(t, "max_score")),
			  "%s: test %s lacks score or max_score", path,
			  cJSON_GetObjectItem(t, "number")->valuestring);
		sum += cJSON_GetObjectItem(t, "score")->valuedouble;
	}
	cr_assert(sum == score->valuedouble, "%s: score %g is not the sum of the tests' "
		  "scores %g", path, score->valuedouble, sum);
	return score->valueint;
}

/* The score and maximum of lab `lab` (tests numbered "lab.k"), and how many
 * of its tests are hidden (visibility other than "visible"). */
static void lab_totals(cJSON *j, int lab, int *score, int *max, int *hidden)
{
	*score = *max = *hidden = 0;
	char prefix[16];
	snprintf(prefix, sizeof prefix, "%d.", lab);
	cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "tests")) {
		if (strncmp(cJSON_GetObjectItem(t, "number")->valuestring, prefix,
			    strlen(prefix)) != 0)
			continue;
		*score += cJSON_GetObjectItem(t, "score")->valueint;
		*max += cJSON_GetObjectItem(t, "max_score")->valueint;
		if (strcmp(cJSON_GetObjectItem(t, "visibility")->valuestring, "visible") != 0)
			(*hidden)++;
	}
}

SELFTEST(platforms, handout_builds_and_grades_to_zero, .timeout = 300)
{
	need_platform_step();
	/* A fresh make, as a student would run it: no SAN=1 from above. */
	const char *argv[] = {"/usr/bin/env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL",
			      env_or_fail("MAKE_CMD"), "--no-print-directory", "handout-check",
			      NULL};
	struct h_result r;
	run_ok(argv, &r, "make handout-check");
	cr_assert(strstr(r.out, "handout-check: ok") && strstr(r.out, "Score: 0/"),
		  "make handout-check should end with its verdict and the score 0/Y:\n%s",
		  r.out);
	h_result_free(&r);

	/* And from the outside: what the tarball holds. */
	const char *list[] = {"/usr/bin/env", "tar", "-tzf", "build/handout/socket-lab-handout.tar.gz", NULL};
	run_ok(list, &r, "tar -tzf");
	const char *absent[] = {"./solutions/", "./tests/hidden/", "./tests/self/",
				"./tests/unit/", "./tests/bugzoo/", "./tests/fixtures/",
				"./platforms/", "./.ci/", "./guide/staff.md"};
	for (size_t k = 0; k < sizeof absent / sizeof *absent; k++)
		cr_assert(!strstr(r.out, absent[k]), "the handout holds %s", absent[k]);
	const char *present[] = {"./Makefile\n", "./README.md\n", "./.gitignore\n",
				 "./labs/01-socket-basics/", "./tests/labs/", "./tests/grader/",
				 "./tests/harness/", "./tests/report/", "./common/contract/",
				 "./guide/", "./diagrams/", "./diagrams/02-bind-listen-accept.rows\n",
				 "./tests/progress/", "./tests/hints/"};
	for (size_t k = 0; k < sizeof present / sizeof *present; k++)
		cr_assert(strstr(r.out, present[k]), "the handout lacks %s", present[k]);
	h_result_free(&r);
}

SELFTEST(platforms, gradescope_autograder_runs_on_a_fake_layout, .timeout = 300)
{
	need_platform_step();
	if (!(have("zip") && have("unzip")) && !have("python3"))
		cr_skip_test("neither zip/unzip nor python3 is installed: cannot make or "
			     "open autograder.zip here");
	const char *make = env_or_fail("MAKE_CMD");
	const char *mk[] = {"/usr/bin/env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL", make,
			    "--no-print-directory", "gradescope", NULL};
	struct h_result r;
	run_ok(mk, &r, "make gradescope");
	h_result_free(&r);

	/* Gradescope's layout: the zip in source/, the submission (two labs
	 * of the references, in a labs/ folder) in submission/. */
	const char *root = h_path("autograder");
	char cmd[3000], zip[600], path[1024], cwd[512];
	cr_assert(getcwd(cwd, sizeof cwd), "getcwd: %s", strerror(errno));
	snprintf(zip, sizeof zip, "%s/build/gradescope/autograder.zip", cwd);
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/source %s/submission/labs && cd %s/source && "
		 "if command -v unzip >/dev/null; then unzip -q %s; "
		 "else python3 -m zipfile -e %s .; fi && "
		 "cp -r %s/solutions/01-socket-basics %s/solutions/02-bind-listen-accept "
		 "%s/submission/labs/",
		 root, root, root, zip, zip, cwd, cwd, root);
	sh(cmd);
	/* Gradescope needs both scripts at the zip's root, executable. */
	const char *top[] = {"setup.sh", "run_autograder"};
	for (size_t k = 0; k < 2; k++) {
		struct stat st;
		snprintf(path, sizeof path, "%s/source/%s", root, top[k]);
		cr_assert(stat(path, &st) == 0 && (st.st_mode & S_IXUSR),
			  "%s is not an executable file at the zip's root", top[k]);
	}
	snprintf(path, sizeof path, "%s/source/solutions", root);
	cr_assert(access(path, F_OK) != 0, "the zip holds solutions/");
	snprintf(path, sizeof path, "%s/source/tests/hidden", root);
	cr_assert(access(path, F_OK) == 0, "the zip lacks the hidden checks");

	char env_root[1100], setup[1100], run[1100];
	snprintf(env_root, sizeof env_root, "AUTOGRADER_ROOT=%s", root);
	snprintf(setup, sizeof setup, "%s/source/setup.sh", root);
	const char *s_argv[] = {"/usr/bin/env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL",
				env_root, "bash", setup, NULL};
	run_ok(s_argv, &r, "setup.sh");
	h_result_free(&r);
	/* Gradescope copies run_autograder to /autograder and runs it there. */
	snprintf(cmd, sizeof cmd, "cp %s/source/run_autograder %s/", root, root);
	sh(cmd);
	snprintf(run, sizeof run, "%s/run_autograder", root);
	const char *r_argv[] = {"/usr/bin/env", "-u", "MAKEFLAGS", "-u", "MFLAGS", "-u", "MAKELEVEL",
				env_root, run, NULL};
	run_ok(r_argv, &r, "run_autograder");

	snprintf(path, sizeof path, "%s/results/results.json", root);
	cJSON *j = load_json(path);
	int total = validate_results(j, path);
	int score, max, hidden;
	lab_totals(j, 1, &score, &max, &hidden);
	cr_assert(max > 0 && score == max, "lab 01 (a copy of the reference) scored %d/%d:\n%s",
		  score, max, r.out);
	int sum = score;
	lab_totals(j, 2, &score, &max, &hidden);
	cr_assert(max > 0 && score == max, "lab 02 (a copy of the reference) scored %d/%d:\n%s",
		  score, max, r.out);
	cr_assert(hidden > 0, "lab 02's hidden checks are not in results.json (or not "
		  "marked hidden)");
	sum += score;
	cr_assert_eq(total, sum, "labs 03 and later were not handed in, so the score should "
		     "be lab 01's and 02's %d, not %d", sum, total);
	cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "tests")) {
		const char *number = cJSON_GetObjectItem(t, "number")->valuestring;
		if (atoi(number) >= 3)
			cr_assert(strstr(cJSON_GetObjectItem(t, "output")->valuestring, "missing"),
				  "test %s of a lab not handed in should say the folder is missing",
				  number);
	}
	cJSON_Delete(j);
	h_result_free(&r);
}

/* The row of student name in the gradebook text, as fields. */
static int csv_row(char *book, const char *name, char *fields[], int cap)
{
	size_t len = strlen(name);
	for (char *line = strtok(book, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, name, len) != 0 || line[len] != ',')
			continue;
		int n = 0;
		for (char *f = strsep(&line, ","); f && n < cap; f = strsep(&line, ","))
			fields[n++] = f;
		return n;
	}
	return -1;
}

SELFTEST(platforms, grade_all_makes_the_gradebook, .timeout = 300)
{
	need_platform_step();
	const char *subs = h_path("subs");
	const char *dest = h_path("out");
	char cmd[2048];
	/* good: labs 01 and 02 of the references; broken: lab 01 with a file
	 * that does not compile; missing: nothing but a stray file. */
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/good %s/broken %s/missing && "
		 "cp -r solutions/01-socket-basics solutions/02-bind-listen-accept %s/good/ && "
		 "cp -r solutions/01-socket-basics %s/broken/ && "
		 "printf 'int broken(void)\\n{\\n\\treturn\\n}\\n' "
		 ">%s/broken/01-socket-basics/broken.c && "
		 "echo 'see attachment' >%s/missing/README.txt",
		 subs, subs, subs, subs, subs, subs, subs);
	sh(cmd);
	char subs_arg[600], dest_arg[600];
	snprintf(subs_arg, sizeof subs_arg, "SUBMISSIONS=%s", subs);
	snprintf(dest_arg, sizeof dest_arg, "GRADE_ALL_DIR=%s", dest);
	const char *argv[] = {"/usr/bin/env", env_or_fail("MAKE_CMD"), "--no-print-directory",
			      "grade-all",
			      subs_arg, dest_arg, getenv("SAN_BUILD") ? "SAN=1" : "SAN=", NULL};
	struct h_result r;
	run_ok(argv, &r, "make grade-all");

	/* The maxima come from the good student's results.json. */
	char path[700];
	snprintf(path, sizeof path, "%s/good/results.json", dest);
	cJSON *j = load_json(path);
	int good_total = validate_results(j, path);
	int s1, m1, s2, m2, hidden;
	lab_totals(j, 1, &s1, &m1, &hidden);
	lab_totals(j, 2, &s2, &m2, &hidden);
	cJSON_Delete(j);

	snprintf(path, sizeof path, "%s/gradebook.csv", dest);
	char *book = slurp(path);
	cr_assert(strncmp(book, "student,lab01,lab02,", 20) == 0 &&
		  strstr(book, ",total,max,status\n"), "the gradebook's header is wrong:\n%s",
		  book);
	char *copy = strdup(book);
	char *f[16];
	int n = csv_row(copy, "good", f, 16);
	cr_assert(n >= 5, "no row for good:\n%s", book);
	cr_assert(atoi(f[1]) == m1 && atoi(f[2]) == m2 && atoi(f[n - 3]) == m1 + m2 &&
		  atoi(f[n - 3]) == good_total && strcmp(f[n - 1], "graded") == 0,
		  "good (labs 01 and 02 of the references) should have %d, %d and a total of "
		  "%d; the gradebook:\n%s", m1, m2, m1 + m2, book);
	for (int k = 3; k < n - 3; k++)
		cr_assert_eq(atoi(f[k]), 0, "good has no lab %02d but scores %s in it", k, f[k]);
	free(copy);
	const char *zero[] = {"broken", "missing"};
	for (size_t z = 0; z < 2; z++) {
		copy = strdup(book);
		n = csv_row(copy, zero[z], f, 16);
		cr_assert(n >= 5 && atoi(f[n - 3]) == 0 && atoi(f[n - 2]) > 0 &&
			  strcmp(f[n - 1], "graded") == 0,
			  "%s should be graded with a total of 0; the gradebook:\n%s", zero[z], book);
		free(copy);
	}
	free(book);
	/* Each student's own report says why. */
	snprintf(path, sizeof path, "%s/broken/report.txt", dest);
	char *rep = slurp(path);
	cr_assert(strstr(rep, "does not compile"), "broken's report should say its lab 01 "
		  "does not compile:\n%.2000s", rep);
	free(rep);
	snprintf(path, sizeof path, "%s/missing/report.txt", dest);
	rep = slurp(path);
	cr_assert(strstr(rep, "missing"), "missing's report should say the labs are "
		  "missing:\n%.2000s", rep);
	free(rep);
	h_result_free(&r);
}
