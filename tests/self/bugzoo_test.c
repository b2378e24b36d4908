/* bugzoo_test.c: every mistake in the bug zoo is caught, and caught
 * exactly by the checks its entry lists.
 *
 * For each entry (tests/bugzoo/NN-topic/<name>.patch, see bugzoo.h): copy
 * solutions/NN-topic into a submission folder, apply the patch, grade the
 * folder with the real grader, and read results.json. The lab must lose
 * points; every check listed under "Must fail:" must score 0 with the
 * listed phrase in its message; every other check must still pass, so
 * that the entry shows exactly which checks catch the mistake. An entry
 * marked "Known weak:" is a mistake no check catches yet: it must still
 * score full marks, and this test says so once a check starts catching it.
 *
 * Entries of tier "full" run only with BUGZOO=full in the environment;
 * BUGZOO_ONLY=<name> (or NN-topic/<name>) runs a single entry. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/parameterized.h>

#include "../harness/check.h"
#include "bugzoo.h"

/* Long enough for the slowest lab's checks after a mistake that makes
 * every check wait for its own time limit. */
#define ZOO_TEST_TIMEOUT 280

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s is not set: run the bug zoo through `make test` "
		  "(tests/run_selftests.sh exports it)", name);
	return v;
}

static int want_all(void)
{
	const char *v = getenv("BUGZOO");
	return v && strcmp(v, "full") == 0;
}

/* Whether entry e is the one BUGZOO_ONLY names (every entry when unset). */
static int selected(const struct zoo_entry *e)
{
	const char *only = getenv("BUGZOO_ONLY");
	if (!only || !*only)
		return 1;
	char full[140];
	snprintf(full, sizeof(full), "%s/%s", e->lab, e->name);
	return strcmp(only, e->name) == 0 || strcmp(only, full) == 0;
}

/* The entries this run covers; fails the test when they cannot be read. */
static int entries(struct zoo_entry *out, size_t cap)
{
	char err[512];
	int n = zoo_list(want_all(), out, cap, err, sizeof(err));
	cr_assert(n >= 0, "bug zoo: %s", err);
	int k = 0;
	for (int i = 0; i < n; i++)
		if (selected(&out[i]))
			out[k++] = out[i];
	return k;
}

ParameterizedTestParameters(bugzoo, entry)
{
	/* The list is read again in each test; an index is all it needs. A
	 * broken list still yields one test, which then says what is wrong. */
	static struct zoo_entry list[ZOO_MAX_ENTRIES];
	char err[512];
	int n = zoo_list(want_all(), list, ZOO_MAX_ENTRIES, err, sizeof(err));
	int k = 0;
	for (int i = 0; i < n; i++)
		k += selected(&list[i]);
	if (k < 1)
		k = 1;
	int *idx = cr_malloc(sizeof(int) * (size_t)k);
	for (int i = 0; i < k; i++)
		idx[i] = i;
	return cr_make_param_array(int, idx, (size_t)k);
}

/* A growing text of the problems found with one entry. */
struct problems {
	char text[16384];
	size_t len;
	int count;
};

static void __attribute__((format(printf, 2, 3)))
problem(struct problems *p, const char *fmt, ...)
{
	/* Each problem on a line of its own; what does not fit is cut. */
	size_t room = sizeof(p->text) - p->len;
	int n = snprintf(p->text + p->len, room, "\n  - ");
	if (n > 0 && (size_t)n < room) {
		p->len += (size_t)n;
		room -= (size_t)n;
		va_list ap;
		va_start(ap, fmt);
		n = vsnprintf(p->text + p->len, room, fmt, ap);
		va_end(ap);
		p->len += n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
	}
	p->count++;
}

/* The path of a program found in $PATH (h_run() does not search it);
 * fails the test when there is none. Valid until the next call. */
static const char *which(const char *prog)
{
	static char found[PATH_MAX];
	const char *path = getenv("PATH");
	char dirs[4096];
	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof(found), "%s/%s", d, prog);
		if (access(found, X_OK) == 0)
			return found;
	}
	cr_assert_fail("%s is not installed (not found in PATH)", prog);
	return NULL;
}

/* Runs argv to its end; fails the test with its output when it does not
 * exit 0. */
static void run_or_fail(const char *const argv[], const char *what, double timeout)
{
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, timeout, &r) == 0, "%s: cannot start %s: %s",
		  what, argv[0], strerror(errno));
	cr_assert(!r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "%s: `%s` %s\nstdout:\n%s\nstderr:\n%s", what, argv[0], r.what, r.out,
		  r.err);
	h_result_free(&r);
}

/* Copies solutions/<lab> into a fresh submission folder and applies the
 * entry's patch. Returns the folder. */
static const char *patched_submission(const struct zoo_entry *e)
{
	const char *sub = h_path("submission");
	cr_assert(mkdir(sub, 0755) == 0, "mkdir %s: %s", sub, strerror(errno));
	char src[128], patch[PATH_MAX], what[400];
	snprintf(src, sizeof(src), "solutions/%s", e->lab);
	cr_assert(realpath(e->patch, patch), "%s: %s", e->patch, strerror(errno));
	char cp_bin[PATH_MAX];
	snprintf(cp_bin, sizeof(cp_bin), "%s", which("cp"));
	const char *cp[] = {cp_bin, "-R", src, sub, NULL};
	run_or_fail(cp, "copying the reference", 30);
	/* No fuzz: a patch that no longer fits the reference must be
	 * refreshed, not applied somewhere near. */
	const char *pa[] = {which("patch"), "-p1", "--batch", "--fuzz=0", "--no-backup-if-mismatch",
			    "-d", sub, "-i", patch, NULL};
	snprintf(what, sizeof(what), "%s does not apply to solutions/%s (refresh the "
		 "entry: copy the reference, redo the mistake, diff -u)", e->patch, e->lab);
	run_or_fail(pa, what, 30);
	return sub;
}

/* Grades sub with the real grader; returns results.json parsed. */
static cJSON *grade(const struct zoo_entry *e, const char *sub, double *elapsed)
{
	const char *results = h_path("results.json");
	char key[160], lab[8];
	snprintf(key, sizeof(key), "bugzoo-%.2s-%s", e->lab, e->name);
	snprintf(lab, sizeof(lab), "%.2s", e->lab);
	const char *argv[] = {env_or_fail("GRADER"), "--make", env_or_fail("MAKE_CMD"),
			      "--impl", sub, "--key", key, "--out", env_or_fail("BUILD_OUT"),
			      "--lab", lab, "--results", results, "--fresh",
			      getenv("SAN_BUILD") ? "--san" : NULL, NULL};
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, ZOO_TEST_TIMEOUT - 20, &r) == 0,
		  "cannot run the grader: %s", strerror(errno));
	cr_assert(!r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
		  "%s: the grader should exit 0 after grading; it %s\nstderr:\n%s",
		  e->patch, r.what, r.err);
	*elapsed = r.elapsed;
	h_result_free(&r);
	FILE *f = fopen(results, "r");
	char *text = NULL;
	size_t len;
	cr_assert(f && read_all(fileno(f), 1 << 22, &text, &len) == 0,
		  "%s: the grader wrote no readable %s", e->patch, results);
	fclose(f);
	cJSON *json = cJSON_Parse(text);
	cr_assert(json, "%s: results.json is not valid JSON", e->patch);
	free(text);
	return json;
}

/* The must-fail line of e for check, or NULL. */
static const struct zoo_must *listed(const struct zoo_entry *e, const char *check)
{
	for (size_t i = 0; i < e->n_must; i++)
		if (strcmp(e->must[i].check, check) == 0)
			return &e->must[i];
	return NULL;
}

/* A message cut to one short line, for the problem list. */
static const char *gist(const char *msg, char *buf, size_t cap)
{
	size_t j = 0;
	for (size_t i = 0; msg[i] && j + 4 < cap; i++)
		buf[j++] = msg[i] == '\n' ? ' ' : msg[i];
	if (j + 4 >= cap)
		memcpy(buf + j, "...", 4);
	else
		buf[j] = '\0';
	return buf;
}

ParameterizedTest(int *index, bugzoo, entry, .init = h_test_init,
		  .fini = h_test_fini, .timeout = ZOO_TEST_TIMEOUT)
{
	static struct zoo_entry list[ZOO_MAX_ENTRIES];
	int n = entries(list, ZOO_MAX_ENTRIES);
	cr_assert(n > 0, "bug zoo: no entry %s under %s", getenv("BUGZOO_ONLY") ?
		  "named by BUGZOO_ONLY" : "at all", ZOO_ROOT);
	cr_assert(*index < n, "bug zoo: entry %d of %d vanished", *index, n);
	const struct zoo_entry *e = &list[*index];

	struct zoo_check checks[ZOO_MAX_CHECKS];
	char err[512];
	int nc = zoo_suite_checks(e->lab, checks, ZOO_MAX_CHECKS, err, sizeof(err));
	cr_assert(nc > 0, "%s: %s", e->patch, err);
	/* Static, not on the heap: a failed cr_assert leaves the test at once,
	 * and each entry runs in a process of its own. */
	static struct problems problems;
	struct problems *p = &problems;
	for (size_t i = 0; i < e->n_must; i++) {
		int found = 0;
		for (int c = 0; c < nc; c++)
			found |= strcmp(checks[c].name, e->must[i].check) == 0;
		if (!found)
			problem(p, "\"Must fail: %s\" names no check of tests/labs/%s.c",
				e->must[i].check, e->lab);
	}
	cr_assert(p->count == 0, "%s:%s", e->patch, p->text);

	double elapsed = 0;
	cJSON *json = grade(e, patched_submission(e), &elapsed);
	cJSON *tests = cJSON_GetObjectItem(json, "tests");
	cJSON *score = cJSON_GetObjectItem(json, "score");
	cr_assert(cJSON_IsArray(tests) && cJSON_GetArraySize(tests) == nc &&
		  cJSON_IsNumber(score), "%s: results.json should list the %d checks "
		  "of tests/labs/%s.c and a score", e->patch, nc, e->lab);

	int max = 0;
	char caught[2048] = "";
	for (int c = 0; c < nc; c++) {
		cJSON *t = cJSON_GetArrayItem(tests, c);
		cJSON *name = cJSON_GetObjectItem(t, "name");
		cJSON *got = cJSON_GetObjectItem(t, "score");
		cJSON *of = cJSON_GetObjectItem(t, "max_score");
		cJSON *out = cJSON_GetObjectItem(t, "output");
		cr_assert(cJSON_IsString(name) && cJSON_IsNumber(got) && cJSON_IsNumber(of) &&
			  cJSON_IsString(out), "%s: results.json test %d lacks name, score, "
			  "max_score or output", e->patch, c + 1);
		/* Numbered in declaration order: the title says it is the
		 * same check. */
		const char *title = strstr(name->valuestring, ": ");
		cr_assert(title && strncmp(title + 2, checks[c].title,
					   strlen(checks[c].title)) == 0,
			  "%s: results.json test %d is \"%s\", but the %d-th check "
			  "declared in tests/labs/%s.c is %s (\"%s...\")", e->patch, c + 1,
			  name->valuestring, c + 1, e->lab, checks[c].name, checks[c].title);
		max += of->valueint;
		int failed = got->valueint < of->valueint;
		const struct zoo_must *m = listed(e, checks[c].name);
		char g[240];
		if (failed) {
			size_t cl = strlen(caught);
			snprintf(caught + cl, sizeof(caught) - cl, "%s%s", cl ? ", " : "",
				 checks[c].name + 6);
		}
		if (e->weak[0] && failed)
			problem(p, "%s now fails (%s): the mistake is caught at last; "
				"replace \"Known weak:\" with a \"Must fail:\" line for each "
				"failing check", checks[c].name, gist(out->valuestring, g,
				sizeof(g)));
		else if (m && !failed)
			problem(p, "%s is listed under \"Must fail:\" but passed",
				checks[c].name);
		else if (m && got->valueint != 0)
			problem(p, "%s should score 0, it scored %d of %d", checks[c].name,
				got->valueint, of->valueint);
		else if (m && !strstr(out->valuestring, m->phrase))
			problem(p, "%s failed, but its message lacks the phrase \"%s\": %s",
				checks[c].name, m->phrase, gist(out->valuestring, g,
				sizeof(g)));
		else if (!m && !e->weak[0] && failed)
			problem(p, "%s failed but is not listed (list it, with a phrase of "
				"its message, or make the mistake narrower): %s",
				checks[c].name, gist(out->valuestring, g, sizeof(g)));
	}
	int total = score->valueint;
	cJSON_Delete(json);
	if (!e->weak[0] && total >= max)
		problem(p, "the lab kept full marks (%d/%d)", total, max);
	fprintf(stderr, "bugzoo: %-22s %-30s %3d/%-3d %5.1f s  %s%s\n", e->lab, e->name,
		total, max, elapsed, e->weak[0] ? "known weak: " : "caught by ",
		e->weak[0] ? e->weak : caught);
	cr_assert(p->count == 0, "%s (%d/%d): not caught as listed:%s (the build "
		  "is kept in %s/impl/bugzoo-%.2s-%s)", e->patch, total, max, p->text,
		  getenv("BUILD_OUT"), e->lab, e->name);
	/* Caught as listed: its build is of no further use. */
	char build[PATH_MAX], rm[PATH_MAX];
	snprintf(build, sizeof(build), "%s/impl/bugzoo-%.2s-%s", getenv("BUILD_OUT"),
		 e->lab, e->name);
	snprintf(rm, sizeof(rm), "%s", which("rm"));
	const char *argv[] = {rm, "-rf", build, NULL};
	run_or_fail(argv, "removing the entry's build", 30);
}
