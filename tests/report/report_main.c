/* report_main.c: html_report, the page `make report` writes.
 *
 *   html_report --results FILE --work DIR [--guide DIR] [--tree TEXT]
 *               -o OUT.html LAB_DIR...
 *
 * FILE is the results.json of one grader run (Gradescope's format, with
 * each test's extra_data naming its lab folder and check); DIR holds each
 * lab's diagram files, made by tests/report/make_report.sh (see
 * report_page.h). One section per LAB_DIR, in the order given; a lab the
 * grader did not grade is left out. Exit status 0 when the page was
 * written, 1 when it could not be, 2 on a bad command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../common/report.h"
#include "html.h"
#include "report_page.h"

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static int num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNumber(v) ? v->valueint : 0;
}

/* Whether test t belongs to lab dir "NN-topic": its extra_data says so,
 * or (results.json of an older grader) its number is "NN.k". */
static int of_lab(const cJSON *t, const char *dir)
{
	const cJSON *extra = cJSON_GetObjectItemCaseSensitive(t, "extra_data");
	const char *lab = str(extra, "lab");
	if (*lab)
		return strcmp(lab, dir) == 0;
	return atoi(str(t, "number")) == atoi(dir);
}

/* Fills lab from the tests of results.json that belong to it. */
static int collect(const cJSON *tests, struct lab_rep *lab)
{
	size_t n = 0;
	const cJSON *t;
	cJSON_ArrayForEach(t, tests) n += of_lab(t, lab->dir);
	lab->checks = calloc(n ? n : 1, sizeof(*lab->checks));
	if (!lab->checks)
		return -1;
	cJSON_ArrayForEach(t, tests) {
		if (!of_lab(t, lab->dir))
			continue;
		struct check_rep *c = &lab->checks[lab->n++];
		const cJSON *extra = cJSON_GetObjectItemCaseSensitive(t, "extra_data");
		const char *name = str(t, "name"), *colon = strstr(name, ": ");
		c->title = colon ? colon + 2 : name;
		c->name = str(extra, "check");
		c->output = str(t, "output");
		c->score = num(t, "score");
		c->max = num(t, "max_score");
		c->passed = strcmp(str(t, "status"), "passed") == 0;
		c->hidden = strcmp(str(t, "visibility"), "visible") != 0;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(extra, "lab_problem")) &&
		    c->output[0])
			lab->problem = c->output;
		lab->score += c->score;
		lab->max += c->max;
	}
	return 0;
}

static noreturn void usage(void)
{
	die(2, "usage: html_report --results FILE --work DIR [--guide DIR] [--tree TEXT] "
	       "-o OUT.html LAB_DIR...");
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *results = NULL, *out_path = NULL;
	struct page p = {.tree = "labs/"};
	static const struct option longs[] = {
		{"results", required_argument, NULL, 'r'}, {"work", required_argument, NULL, 'w'},
		{"guide", required_argument, NULL, 'g'},   {"tree", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "o:", longs, NULL)) != -1) {
		switch (opt) {
		case 'r': results = optarg; break;
		case 'w': p.work = optarg; break;
		case 'g': p.guide = optarg; break;
		case 't': p.tree = optarg; break;
		case 'o': out_path = optarg; break;
		default: usage();
		}
	}
	if (!results || !p.work || !out_path || optind == argc)
		usage();

	char *text = file_text(results, 64u << 20);
	if (!text)
		die_errno(1, errno, "cannot read %s", results);
	cJSON *root = cJSON_Parse(text);
	free(text);
	const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	if (!cJSON_IsArray(tests))
		die(1, "%s is not a results.json the grader wrote (no tests[])", results);

	p.labs = calloc((size_t)(argc - optind), sizeof(*p.labs));
	if (!p.labs)
		die_errno(1, ENOMEM, "memory");
	for (int i = optind; i < argc; i++) {
		struct lab_rep *lab = &p.labs[p.nlabs];
		snprintf(lab->dir, sizeof(lab->dir), "%s", argv[i]);
		lab->number = atoi(argv[i]);
		if (collect(tests, lab) < 0)
			die_errno(1, ENOMEM, "memory");
		if (lab->n == 0) {
			free(lab->checks); /* not graded in this run */
			memset(lab, 0, sizeof(*lab));
			continue;
		}
		p.score += lab->score;
		p.max += lab->max;
		p.nlabs++;
	}

	/* Written beside, then renamed: a reader never sees half a page. */
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
	FILE *out = fopen(tmp, "we");
	if (!out)
		die_errno(1, errno, "cannot write %s", tmp);
	int rc = page_write(out, &p);
	if (fclose(out) != 0 || rc < 0)
		die_errno(1, errno, "writing %s", tmp);
	if (rename(tmp, out_path) < 0)
		die_errno(1, errno, "renaming %s to %s", tmp, out_path);
	for (size_t k = 0; k < p.nlabs; k++)
		free(p.labs[k].checks);
	free(p.labs);
	cJSON_Delete(root);
	printf("%s\n", out_path);
	return 0;
}
