/* progress_main.c: the student's tool behind `make status`, `make hint`
 * and `make watch`, and the hints' completeness check of `make test`.
 *
 *   progress stale         which labs must be graded again: their sources
 *                          changed since they were recorded, or they never
 *                          were (the list on stdout, "01,03"; why on stderr)
 *   progress status        every lab with its score and a progress bar, the
 *                          next lab to do and its first failing check
 *   progress hint          the next hint layer of a lab's first failing check
 *                          (or of --check NAME): the failure message, then
 *                          hint:, then more:; the layer reached is recorded
 *   progress watch-summary what `make watch` shows after each grading: the
 *                          first failing check, its message and first hint,
 *                          or that the lab is done and what comes next
 *   progress hints-check   every graded check has hint: and more:, and
 *                          every block names a graded check
 *
 * It reads the state file that `make grade` writes (state.h) and never
 * grades by itself: the Makefile runs the grader first for the labs that
 * `stale` names, so the figures shown are never out of date. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../../common/report.h"
#include "../grader/grader.h"
#include "hints.h"
#include "state.h"
#include "term.h"

#define MAX_LABS 64
#define BAR_WIDTH 20

struct opts {
	const char *state;      /* the state file */
	const char *impl;       /* the tree graded, e.g. "labs" */
	const char *tests;      /* the graded suites, "tests/labs" */
	const char *hidden;     /* the staff's hidden suites, or NULL */
	const char *hints;      /* "tests/hints" */
	const char *guide;      /* "guide" */
	const char *lab;        /* "01" or NULL */
	const char *check;      /* a check's name, or NULL */
	const char *suffix;     /* make variables repeated in suggested commands */
	const char *who;        /* who asks (status, hint, watch), for messages */
	int partial;            /* hints-check: labs without a hints file skipped */
};

struct labinfo {
	char dir[64];           /* "01-socket-basics" */
	int number;
	cJSON *rec;             /* its record in the state, or NULL (borrowed) */
	int fresh;              /* the record matches the sources */
};

/* ---- labs and their records ---------------------------------------------- */

static int cmp_dirs(const void *a, const void *b)
{
	return strcmp(((const struct labinfo *)a)->dir, ((const struct labinfo *)b)->dir);
}

/* The labs that have a graded suite (tests/labs/NN-topic.c), sorted. */
static size_t find_labs(const char *tests, struct labinfo *labs)
{
	DIR *d = opendir(tests);
	if (!d)
		die_errno(2, errno, "cannot list the graded suites in %s", tests);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < MAX_LABS) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len >= sizeof labs[0].dir + 2 || strcmp(e->d_name + len - 2, ".c") ||
		    e->d_name[0] < '0' || e->d_name[0] > '9' || e->d_name[1] < '0' ||
		    e->d_name[1] > '9' || e->d_name[2] != '-')
			continue;
		memset(&labs[n], 0, sizeof labs[n]);
		snprintf(labs[n].dir, sizeof labs[n].dir, "%.*s", (int)len - 2, e->d_name);
		labs[n].number = atoi(e->d_name);
		n++;
	}
	closedir(d);
	qsort(labs, n, sizeof *labs, cmp_dirs);
	return n;
}

/* The lab numbered by text ("1", "01", "01-socket-basics"), or NULL. */
static struct labinfo *lab_named(struct labinfo *labs, size_t n, const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (end == text || (*end && *end != '-'))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (labs[i].number == v)
			return &labs[i];
	return NULL;
}

/* Links each lab to its record and says whether that is up to date. */
static void attach_records(const struct opts *o, cJSON *root, struct labinfo *labs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		labs[i].rec = state_lab(root, labs[i].dir);
		char fp[FINGERPRINT_LEN + 1];
		lab_fingerprint(o->impl, o->tests, o->hidden, labs[i].dir, fp);
		const char *was = labs[i].rec ?
			cJSON_GetStringValue(cJSON_GetObjectItem(labs[i].rec, "fingerprint")) : NULL;
		labs[i].fresh = was && strcmp(was, fp) == 0;
	}
}

static cJSON *load_state(const struct opts *o)
{
	int reset;
	cJSON *root = state_load(o->state, &reset);
	if (!root)
		die_errno(2, errno, "cannot read the progress file %s", o->state);
	return root;
}

static int num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(obj, key);
	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static const char *str(const cJSON *obj, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(obj, key));
	return v ? v : "";
}

static int passed(const cJSON *check)
{
	return strcmp(str(check, "status"), "passed") == 0;
}

static int hidden(const cJSON *check)
{
	return strcmp(str(check, "visibility"), "visible") != 0;
}

static int lab_done(const struct labinfo *l)
{
	return l->rec && num(l->rec, "max_score") > 0 &&
	       num(l->rec, "score") == num(l->rec, "max_score");
}

/* The first failing check of a record: a visible one when there is one
 * (hidden checks come last in any case). NULL when all pass. */
static cJSON *first_failing(const cJSON *rec)
{
	cJSON *c, *first_hidden = NULL;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(rec, "checks")) {
		if (passed(c))
			continue;
		if (!hidden(c))
			return c;
		if (!first_hidden)
			first_hidden = c;
	}
	return first_hidden;
}

static size_t count_failing(const cJSON *rec)
{
	size_t n = 0;
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(rec, "checks"))
		n += !passed(c);
	return n;
}

static cJSON *check_named(const cJSON *rec, const char *name)
{
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(rec, "checks"))
		if (strcmp(str(c, "check"), name) == 0)
			return c;
	return NULL;
}

/* The first lab not done, starting after `after` (NULL: from the first)
 * and wrapping around; NULL when every lab is done. */
static struct labinfo *next_lab(struct labinfo *labs, size_t n, const struct labinfo *after)
{
	size_t start = after ? (size_t)(after - labs) + 1 : 0;
	for (size_t k = 0; k < n; k++) {
		struct labinfo *l = &labs[(start + k) % n];
		if (l != after && !lab_done(l))
			return l;
	}
	return NULL;
}

/* ---- text ------------------------------------------------------------------- */

/* "14:02:11" today, "2026-11-24 14:02" another day. */
static const char *when(const cJSON *rec, char *buf, size_t cap)
{
	time_t t = (time_t)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "graded_at"));
	time_t now = time(NULL);
	struct tm tm, today;
	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, cap, "%H:%M:%S", &tm);
	else
		strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

static void bar(int score, int max, char out[BAR_WIDTH + 3])
{
	int filled = max > 0 ? (int)((long)score * BAR_WIDTH / max) : 0;
	/* A bar is full only when the lab is. */
	if (score < max && filled == BAR_WIDTH)
		filled = BAR_WIDTH - 1;
	out[0] = '[';
	for (int i = 0; i < BAR_WIDTH; i++)
		out[1 + i] = i < filled ? '#' : '.';
	out[BAR_WIDTH + 1] = ']';
	out[BAR_WIDTH + 2] = '\0';
}

/* Prints text word-wrapped to width columns, every line after indent. */
static void wrap(const char *indent, const char *text, int width)
{
	int room = width - (int)strlen(indent);
	if (room < 20)
		room = 20;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		int len = (int)strlen(p);
		int cut = len;
		if (len > room) {
			cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = room;     /* one long word: cut it */
		}
		printf("%s%.*s\n", indent, cut, p);
		p += cut;
	}
}

/* Prints up to max_lines lines of a check's message, indented; says how
 * to see the rest. */
static void print_message(const char *indent, const char *msg, int max_lines, const char *more)
{
	int lines = 0;
	for (const char *p = msg; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (lines == max_lines) {
			printf("%s[... %s]\n", indent, more);
			return;
		}
		printf("%s%.*s\n", indent, len > 400 ? 400 : len, p);
		if (len > 400)
			printf("%s[... %s]\n", indent, more);
		lines++;
		p = nl ? nl + 1 : p + len;
	}
}

static const char *topic(const struct labinfo *l)
{
	return l->dir + 3;
}

/* " SUBMISSION=..." to repeat in the commands suggested. */
static const char *sfx(const struct opts *o)
{
	return o->suffix ? o->suffix : "";
}

/* The hints of a lab, loaded once per call (the files are small). Returns
 * the entry of check, or NULL; *h must be freed with hints_free. */
static const struct hint_entry *hint_for(const struct opts *o, const struct labinfo *l,
					 const char *check, struct hints *h)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s.hints", o->hints, l->dir);
	if (hints_load(path, h) < 0)
		return NULL;
	return hints_find(h, check);
}

/* ---- stale ------------------------------------------------------------------ */

/* Appends " 01" to a list of lab numbers. */
static void add_num(char *list, size_t cap, int number)
{
	size_t len = strlen(list);
	snprintf(list + len, cap - len, "%s%02d", len ? ", " : "", number);
}

static int cmd_stale(const struct opts *o, struct labinfo *labs, size_t n)
{
	cJSON *root = load_state(o);
	attach_records(o, root, labs, n);
	char out[512] = "", never[512] = "", changed[512] = "", since[64] = "";
	int n_never = 0, n_changed = 0;
	for (size_t i = 0; i < n; i++) {
		struct labinfo *l = &labs[i];
		if ((o->lab && l != lab_named(labs, n, o->lab)) || l->fresh)
			continue;
		size_t len = strlen(out);
		snprintf(out + len, sizeof out - len, "%s%02d", len ? "," : "", l->number);
		if (l->rec) {
			add_num(changed, sizeof changed, l->number);
			if (!n_changed++)
				when(l->rec, since, sizeof since);
		} else {
			add_num(never, sizeof never, l->number);
			n_never++;
		}
	}
	/* Said on stderr: stdout is the list the Makefile reads. */
	if (n_changed)
		fprintf(stderr, "%s: %s %s changed since %s graded%s%s: grading %s again\n",
			o->who, n_changed > 1 ? "labs" : "lab", changed,
			n_changed > 1 ? "they were last" : "it was",
			n_changed > 1 ? "" : " at ", n_changed > 1 ? "" : since,
			n_changed > 1 ? "them" : "it");
	if (n_never)
		fprintf(stderr, "%s: %s %s %s never graded: grading %s now\n", o->who,
			n_never > 1 ? "labs" : "lab", never, n_never > 1 ? "were" : "was",
			n_never > 1 ? "them" : "it");
	if (out[0])
		printf("%s\n", out);
	cJSON_Delete(root);
	return 0;
}

/* ---- status ----------------------------------------------------------------- */

/* The points of a lab never graded, from its suite's declarations. */
static int declared_max(const struct opts *o, const struct labinfo *l)
{
	struct grade_opts g = {.tests_dir = o->tests, .hidden_dir = o->hidden};
	struct check *list;
	char err[512];
	int k = check_list_lab(&g, l->dir, &list, err, sizeof err);
	if (k < 0)
		return 0;
	int max = 0;
	for (int i = 0; i < k; i++)
		max += list[i].points;
	free(list);
	return max;
}

/* The first failing check of lab l, as status and watch show it. */
static void show_first_failing(const struct opts *o, const struct labinfo *l, const char *indent,
			       int with_hint)
{
	const char *problem = str(l->rec, "problem");
	cJSON *c = first_failing(l->rec);
	char more[128];
	snprintf(more, sizeof more, "make grade LAB=%02d%s shows it all", l->number, sfx(o));
	if (!cJSON_IsTrue(cJSON_GetObjectItem(l->rec, "built")) && problem[0]) {
		printf("%s%sThe lab scores zero:%s\n", indent, term_sgr(TERM_FAIL), term_sgr(TERM_RESET));
		char deeper[64];
		snprintf(deeper, sizeof deeper, "%s  ", indent);
		print_message(deeper, problem, 12, more);
		return;
	}
	if (!c)
		return;
	int pts = num(c, "max_score");
	printf("%s%sFAIL%s %s (%d point%s%s): %s\n", indent, term_sgr(TERM_FAIL),
	       term_sgr(TERM_RESET), str(c, "check"), pts, pts == 1 ? "" : "s",
	       hidden(c) ? ", hidden" : "", str(c, "title"));
	char deeper[64];
	snprintf(deeper, sizeof deeper, "%s  ", indent);
	print_message(deeper, str(c, "output"), 10, more);
	if (!with_hint)
		return;
	struct hints h;
	const struct hint_entry *e = hidden(c) ? NULL : hint_for(o, l, str(c, "check"), &h);
	if (e && e->hint) {
		printf("%s%shint:%s\n", indent, term_sgr(TERM_BOLD), term_sgr(TERM_RESET));
		wrap(deeper, e->hint, 78);
	} else {
		printf("%s(no hint written for this check)\n", indent);
	}
	if (!hidden(c))
		hints_free(&h);
}

static int cmd_status(const struct opts *o, struct labinfo *labs, size_t n)
{
	cJSON *root = load_state(o);
	attach_records(o, root, labs, n);
	printf("%sProgress of %s/%s\n\n", term_sgr(TERM_BOLD), o->impl, term_sgr(TERM_RESET));
	printf("  lab  topic                   score  progress\n");
	int total = 0, total_max = 0;
	for (size_t i = 0; i < n; i++) {
		struct labinfo *l = &labs[i];
		int score = l->rec ? num(l->rec, "score") : 0;
		int max = l->rec ? num(l->rec, "max_score") : declared_max(o, l);
		total += score;
		total_max += max;
		char b[BAR_WIDTH + 3], figure[32];
		bar(score, max, b);
		snprintf(figure, sizeof figure, "%d/%d", score, max);
		const char *note = "", *style = term_sgr(TERM_RESET);
		if (!l->rec) {
			note = "not graded";
		} else if (lab_done(l)) {
			note = "done";
			style = term_sgr(TERM_PASS);
		} else if (!cJSON_IsTrue(cJSON_GetObjectItem(l->rec, "built"))) {
			note = strstr(str(l->rec, "problem"), "missing") ? "folder missing"
									  : "does not compile";
			style = term_sgr(TERM_FAIL);
		}
		printf("  %02d   %-22.22s %7s  %s%s%s%s%s%s\n", l->number, topic(l), figure, style, b,
		       term_sgr(TERM_RESET), note[0] ? "  " : "", note,
		       l->rec && !l->fresh ? "  (changed since it was graded)" : "");
	}
	char b[BAR_WIDTH + 3], figure[32];
	bar(total, total_max, b);
	snprintf(figure, sizeof figure, "%d/%d", total, total_max);
	printf("  %sall  %-22s %7s  %s %d%%%s\n", term_sgr(TERM_BOLD), "", figure, b,
	       total_max ? total * 100 / total_max : 0, term_sgr(TERM_RESET));

	struct labinfo *next = next_lab(labs, n, NULL);
	if (!next) {
		printf("\n%sEvery lab is done: %d/%d.%s\n", term_sgr(TERM_PASS), total, total_max,
		       term_sgr(TERM_RESET));
		cJSON_Delete(root);
		return 0;
	}
	printf("\n%sNext: lab %02d %s%s", term_sgr(TERM_BOLD), next->number, topic(next),
	       term_sgr(TERM_RESET));
	if (next->rec)
		printf(", %d/%d", num(next->rec, "score"), num(next->rec, "max_score"));
	printf("\n");
	if (next->rec)
		show_first_failing(o, next, "  ", 0);
	char cmd[3][600];
	snprintf(cmd[0], sizeof cmd[0], "make hint LAB=%02d%s", next->number, sfx(o));
	snprintf(cmd[1], sizeof cmd[1], "make watch LAB=%02d%s", next->number, sfx(o));
	snprintf(cmd[2], sizeof cmd[2], "%s/%s.md", o->guide, next->dir);
	int w = 0;
	for (int k = 0; k < 3; k++)
		w = (int)strlen(cmd[k]) > w ? (int)strlen(cmd[k]) : w;
	if (next->rec && cJSON_IsTrue(cJSON_GetObjectItem(next->rec, "built")))
		printf("\n  %-*s  a hint for this check (again: a stronger one)\n", w, cmd[0]);
	else
		printf("\n");
	printf("  %-*s  grade it again on every save\n", w, cmd[1]);
	printf("  %-*s  the lab's chapter\n", w, cmd[2]);
	cJSON_Delete(root);
	return 0;
}

/* ---- hint ------------------------------------------------------------------- */

/* Records the layer reached for check in lab dir, under the state's lock
 * (a grader may be recording at the same time). */
static void save_layer(const struct opts *o, const char *dir, const char *check, int layer)
{
	int lock = state_lock(o->state);
	if (lock < 0) {
		report_errno(errno, "cannot lock %s: the hint layer is not recorded", o->state);
		return;
	}
	int reset;
	cJSON *root = state_load(o->state, &reset);
	cJSON *rec = root ? state_lab(root, dir) : NULL;
	if (rec) {
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "check", check);
		cJSON_AddNumberToObject(h, "layer", layer);
		cJSON_DeleteItemFromObject(rec, "hint");
		cJSON_AddItemToObject(rec, "hint", h);
		if (state_save(o->state, root) < 0)
			report_errno(errno, "cannot write %s: the hint layer is not recorded",
				     o->state);
	}
	cJSON_Delete(root);
	state_unlock(lock);
}

static int cmd_hint(const struct opts *o, struct labinfo *labs, size_t n)
{
	cJSON *root = load_state(o);
	attach_records(o, root, labs, n);
	struct labinfo *l = o->lab ? lab_named(labs, n, o->lab) : next_lab(labs, n, NULL);
	if (o->lab && !l)
		die(2, "no lab %s here (labs: %s ... %s)", o->lab, labs[0].dir, labs[n - 1].dir);
	if (!l) {
		printf("Every lab is done: no check fails, so there is nothing to hint at.\n");
		cJSON_Delete(root);
		return 0;
	}
	if (!l->rec)
		die(2, "lab %02d was never graded: run make grade LAB=%02d%s", l->number, l->number,
		    sfx(o));
	cJSON *c;
	if (o->check) {
		c = check_named(l->rec, o->check);
		if (!c) {
			fprintf(stderr, "hint: lab %02d has no check named %s; its checks:\n",
				l->number, o->check);
			cJSON *k;
			cJSON_ArrayForEach(k, cJSON_GetObjectItem(l->rec, "checks"))
				fprintf(stderr, "  %s\n", str(k, "check"));
			cJSON_Delete(root);
			return 2;
		}
	} else {
		c = first_failing(l->rec);
		if (!c) {
			struct labinfo *next = next_lab(labs, n, l);
			printf("%sLab %02d %s is done%s: every check passes.\n", term_sgr(TERM_PASS),
			       l->number, topic(l), term_sgr(TERM_RESET));
			if (next)
				printf("Next: lab %02d %s (make hint LAB=%02d%s)\n", next->number,
				       topic(next), next->number, sfx(o));
			cJSON_Delete(root);
			return 0;
		}
	}
	const char *name = str(c, "check");
	if (!cJSON_IsTrue(cJSON_GetObjectItem(l->rec, "built")) && str(l->rec, "problem")[0]) {
		printf("Lab %02d %s scores zero before any check runs:\n", l->number, topic(l));
		char more[128];
		snprintf(more, sizeof more, "make grade LAB=%02d%s shows it all", l->number, sfx(o));
		print_message("  ", str(l->rec, "problem"), 16, more);
		printf("Fix that first; the hints are about the checks.\n");
		cJSON_Delete(root);
		return 0;
	}

	/* The layer: one further than last time for the same check, the
	 * first hint for a check not seen before. */
	cJSON *prev = cJSON_GetObjectItem(l->rec, "hint");
	int layer = 1;
	if (prev && strcmp(str(prev, "check"), name) == 0)
		layer = num(prev, "layer") + 1;
	if (layer > 2)
		layer = 2;

	int pts = num(c, "max_score");
	printf("%sLab %02d %s, check %s%s (%d point%s, %s%s%s)\n", term_sgr(TERM_BOLD), l->number,
	       topic(l), name, term_sgr(TERM_RESET), pts, pts == 1 ? "" : "s",
	       term_sgr(passed(c) ? TERM_PASS : TERM_FAIL), passed(c) ? "passes" : "fails",
	       term_sgr(TERM_RESET));
	printf("  %s\n\n", str(c, "title"));
	if (!passed(c)) {
		printf("%sWhat the check saw%s\n", term_sgr(TERM_BOLD), term_sgr(TERM_RESET));
		char more[128];
		snprintf(more, sizeof more, "make grade LAB=%02d%s shows it all", l->number, sfx(o));
		print_message("  ", str(c, "output"), 16, more);
		printf("\n");
	}
	if (hidden(c)) {
		printf("This is one of the course's hidden checks: it has no hints.\n");
		cJSON_Delete(root);
		return 0;
	}
	struct hints h;
	const struct hint_entry *e = hint_for(o, l, name, &h);
	if (!e || !e->hint) {
		char foot[1200];
		snprintf(foot, sizeof foot, "No hint is written for this check yet: read the "
			 "message above, then the chapter %s/%s.md; make run-checks LAB=%02d%s "
			 "shows the checks' full output.", o->guide, l->dir, l->number, sfx(o));
		wrap("", foot, 78);
		hints_free(&h);
		cJSON_Delete(root);
		return 0;
	}
	printf("%sHint (1 of 2)%s\n", term_sgr(TERM_BOLD), term_sgr(TERM_RESET));
	wrap("  ", e->hint, 78);
	if (layer >= 2 && e->more) {
		printf("\n%sMore (2 of 2)%s\n", term_sgr(TERM_BOLD), term_sgr(TERM_RESET));
		wrap("  ", e->more, 78);
	}
	printf("\n");
	char again[800], foot[1600];
	snprintf(again, sizeof again, "make hint LAB=%02d%s%s%s", l->number,
		 o->check ? " CHECK=" : "", o->check ? o->check : "", sfx(o));
	if (layer < 2)
		snprintf(foot, sizeof foot, "Stuck still? %s again shows a stronger hint.", again);
	else
		snprintf(foot, sizeof foot, "That is every hint for this check. The chapter "
			 "%s/%s.md explains the concept; make run-checks LAB=%02d%s shows the "
			 "checks' full output.", o->guide, l->dir, l->number, sfx(o));
	wrap("", foot, 78);
	hints_free(&h);
	/* The names live in the state just read: copy them before it goes. */
	char dir[64], check[96];
	snprintf(dir, sizeof dir, "%s", l->dir);
	snprintf(check, sizeof check, "%s", name);
	cJSON_Delete(root);
	save_layer(o, dir, check, layer);
	return 0;
}

/* ---- watch-summary ---------------------------------------------------------- */

static int cmd_watch_summary(const struct opts *o, struct labinfo *labs, size_t n)
{
	cJSON *root = load_state(o);
	attach_records(o, root, labs, n);
	struct labinfo *l = o->lab ? lab_named(labs, n, o->lab) : NULL;
	if (!l)
		die(2, "watch-summary needs --lab NN");
	if (!l->rec) {
		printf("Lab %02d %s has not been graded yet.\n", l->number, topic(l));
		cJSON_Delete(root);
		return 0;
	}
	int score = num(l->rec, "score"), max = num(l->rec, "max_score");
	char b[BAR_WIDTH + 3], t[64];
	bar(score, max, b);
	printf("%sLab %02d %s%s  %d/%d  %s%s%s  graded at %s\n\n", term_sgr(TERM_BOLD), l->number,
	       topic(l), term_sgr(TERM_RESET), score, max, term_sgr(lab_done(l) ? TERM_PASS : TERM_RESET),
	       b, term_sgr(TERM_RESET), when(l->rec, t, sizeof t));
	if (lab_done(l)) {
		printf("%sLab %02d is done: every check passes (%d/%d).%s\n", term_sgr(TERM_PASS),
		       l->number, score, max, term_sgr(TERM_RESET));
		struct labinfo *next = next_lab(labs, n, l);
		if (next)
			printf("Next: lab %02d %s: read %s/%s.md, then make watch LAB=%02d%s\n",
			       next->number, topic(next), o->guide, next->dir, next->number, sfx(o));
		else
			printf("That was the last one: every lab is done.\n");
		cJSON_Delete(root);
		return 0;
	}
	show_first_failing(o, l, "", 1);
	size_t failing = count_failing(l->rec);
	if (!cJSON_IsTrue(cJSON_GetObjectItem(l->rec, "built")))
		printf("\nFix that first: the checks run once the lab builds.\n");
	else
		printf("\n%zu check%s failing. make hint LAB=%02d%s: a stronger hint for the first "
		       "one.\n", failing, failing == 1 ? "" : "s", l->number, sfx(o));
	cJSON_Delete(root);
	return 0;
}

/* ---- hints-check ---------------------------------------------------------------- */

static int cmd_hints_check(const struct opts *o, struct labinfo *labs, size_t n)
{
	int bad = 0;
	size_t n_checks = 0, n_labs = 0;
	char skipped[512] = "";
	for (size_t i = 0; i < n; i++) {
		struct labinfo *l = &labs[i];
		char path[4200], err[512];
		struct check *vis = NULL, *hid = NULL;
		snprintf(path, sizeof path, "%s/%s.c", o->tests, l->dir);
		int nv = check_list_scan(path, &vis, err, sizeof err);
		if (nv < 0) {
			printf("%s\n", err);
			bad = 1;
			continue;
		}
		int nh = 0;
		if (o->hidden) {
			snprintf(path, sizeof path, "%s/%s.c", o->hidden, l->dir);
			if (access(path, F_OK) == 0)
				nh = check_list_scan(path, &hid, err, sizeof err);
			if (nh < 0) {
				printf("%s\n", err);
				bad = 1;
				nh = 0;
			}
		}
		snprintf(path, sizeof path, "%s/%s.hints", o->hints, l->dir);
		struct hints h;
		if (hints_load(path, &h) < 0) {
			if (errno == ENOENT && o->partial) {
				add_num(skipped, sizeof skipped, l->number);
			} else {
				printf("%s: %s: every graded check of lab %02d needs a block "
				       "[name] with hint: and more:\n", path, strerror(errno),
				       l->number);
				bad = 1;
			}
			free(vis);
			free(hid);
			continue;
		}
		n_labs++;
		if (h.errors) {
			printf("%s", h.errors);
			bad = 1;
		}
		for (int k = 0; k < nv; k++) {
			const struct hint_entry *e = hints_find(&h, vis[k].name);
			n_checks++;
			if (!e) {
				printf("%s: no block [%s] for the graded check %s/%s\n", path,
				       vis[k].name, l->dir, vis[k].name);
				bad = 1;
				continue;
			}
			if (!e->hint || !e->more) {
				printf("%s:%d: [%s] needs both hint: and more: (it lacks %s)\n",
				       path, e->line, e->name,
				       !e->hint && !e->more ? "both" : !e->hint ? "hint:" : "more:");
				bad = 1;
			} else if (strcmp(e->hint, e->more) == 0) {
				printf("%s:%d: [%s]: more: repeats hint:; it should go further\n",
				       path, e->line, e->name);
				bad = 1;
			}
		}
		for (size_t k = 0; k < h.n; k++) {
			int found = 0, in_hidden = 0;
			for (int j = 0; j < nv && !found; j++)
				found = strcmp(vis[j].name, h.v[k].name) == 0;
			for (int j = 0; j < nh && !found; j++)
				in_hidden |= strcmp(hid[j].name, h.v[k].name) == 0;
			if (found)
				continue;
			bad = 1;
			if (in_hidden)
				printf("%s:%d: [%s] is a hidden check: hints ship in the students' "
				       "handout, so a hidden check must not have any\n", path,
				       h.v[k].line, h.v[k].name);
			else
				printf("%s:%d: [%s] names no graded check of %s/%s.c (renamed or "
				       "removed?)\n", path, h.v[k].line, h.v[k].name, o->tests, l->dir);
		}
		hints_free(&h);
		free(vis);
		free(hid);
	}
	/* A hints file for a lab that has no graded suite is a leftover. */
	DIR *d = opendir(o->hints);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 7 || strcmp(e->d_name + len - 6, ".hints") != 0)
			continue;
		int known = 0;
		for (size_t i = 0; i < n && !known; i++)
			known = strlen(labs[i].dir) == len - 6 &&
				strncmp(labs[i].dir, e->d_name, len - 6) == 0;
		if (!known) {
			printf("%s/%s: no graded suite %s/%.*s.c goes with it\n", o->hints, e->d_name,
			       o->tests, (int)len - 6, e->d_name);
			bad = 1;
		}
	}
	if (d)
		closedir(d);
	if (skipped[0])
		printf("hints-check: skipped (HINTS_PARTIAL=1), no hints file yet: lab%s %s\n",
		       strchr(skipped, ',') ? "s" : "", skipped);
	printf("hints-check: %s: %zu graded checks in %zu lab%s%s\n",
	       bad ? "FAILED" : "ok", n_checks, n_labs, n_labs == 1 ? "" : "s",
	       bad ? "" : ", every one with hint: and more: (hidden checks are exempt)");
	return bad ? 1 : 0;
}

/* ---- main ------------------------------------------------------------------- */

static noreturn void usage(void)
{
	fprintf(stderr,
		"usage: progress stale|status|hint|watch-summary|hints-check\n"
		"         --state FILE --impl DIR --tests DIR [--hidden DIR] [--hints DIR]\n"
		"         [--guide DIR] [--lab NN] [--check NAME] [--suffix ' VAR=...']\n"
		"         [--who NAME] [--partial]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	struct opts o = {.tests = "tests/labs", .hints = "tests/hints", .guide = "guide",
			 .impl = "labs", .who = "progress"};
	static const struct option longs[] = {
		{"state", required_argument, 0, 's'}, {"impl", required_argument, 0, 'i'},
		{"tests", required_argument, 0, 't'}, {"hidden", required_argument, 0, 'H'},
		{"hints", required_argument, 0, 'h'}, {"guide", required_argument, 0, 'g'},
		{"lab", required_argument, 0, 'l'}, {"check", required_argument, 0, 'c'},
		{"suffix", required_argument, 0, 'x'}, {"who", required_argument, 0, 'w'},
		{"partial", no_argument, 0, 'p'}, {0, 0, 0, 0}};
	int opt;
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (opt) {
		case 's': o.state = optarg; break;
		case 'i': o.impl = optarg; break;
		case 't': o.tests = optarg; break;
		case 'H': o.hidden = *optarg ? optarg : NULL; break;
		case 'h': o.hints = optarg; break;
		case 'g': o.guide = optarg; break;
		case 'l': o.lab = *optarg ? optarg : NULL; break;
		case 'c': o.check = *optarg ? optarg : NULL; break;
		case 'x': o.suffix = optarg; break;
		case 'w': o.who = optarg; break;
		case 'p': o.partial = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	const char *partial = getenv("HINTS_PARTIAL");
	if (partial && strcmp(partial, "1") == 0)
		o.partial = 1;
	term_setup(0);

	static struct labinfo labs[MAX_LABS];
	size_t n = find_labs(o.tests, labs);
	if (n == 0)
		die(2, "no graded suite in %s", o.tests);
	if (o.lab && !lab_named(labs, n, o.lab)) {
		fprintf(stderr, "%s: no lab %s; labs:", o.who, o.lab);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %02d", labs[i].number);
		fputc('\n', stderr);
		return 2;
	}
	if (strcmp(cmd, "hints-check") == 0)
		return cmd_hints_check(&o, labs, n);
	if (!o.state)
		usage();
	if (strcmp(cmd, "stale") == 0)
		return cmd_stale(&o, labs, n);
	if (strcmp(cmd, "status") == 0)
		return cmd_status(&o, labs, n);
	if (strcmp(cmd, "hint") == 0)
		return cmd_hint(&o, labs, n);
	if (strcmp(cmd, "watch-summary") == 0)
		return cmd_watch_summary(&o, labs, n);
	usage();
}
