/* results_json.c: Gradescope's results.json, built with cJSON.
 *
 * Top level: score (what the text report's last line says), execution_time,
 * output and visibility; tests[] with name, number ("lab.check"), score,
 * max_score, status ("passed"/"failed"), output and visibility. A check
 * from the staff's hidden suite is "after_published": students see it
 * once the grades are published, not while they can still resubmit.
 * Each test's extra_data names its lab folder and check (make report).
 * Also Autolab's last line, {"scores": {"lab01": N, ...}}. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "grader.h"

cJSON *results_check_json(const struct lab *lab, size_t i, const struct check *c)
{
	cJSON *t = cJSON_CreateObject();
	char name[400], number[32];
	snprintf(name, sizeof name, "Lab %02d %s: %s", lab->number, lab->dir + 3, c->title);
	snprintf(number, sizeof number, "%d.%zu", lab->number, i + 1);
	cJSON_AddStringToObject(t, "name", name);
	cJSON_AddStringToObject(t, "number", number);
	cJSON_AddNumberToObject(t, "score", c->score);
	cJSON_AddNumberToObject(t, "max_score", c->points);
	cJSON_AddStringToObject(t, "status", c->passed ? "passed" : "failed");
	const char *out = lab->problem[0] ? lab->problem : c->message;
	cJSON_AddStringToObject(t, "output", c->passed ? "" : out);
	cJSON_AddStringToObject(t, "visibility", c->hidden ? "after_published" : "visible");
	/* For `make report` (Gradescope keeps extra_data without showing
	 * it): the lab's folder, the check's name, and whether the output
	 * is the lab's own problem (it does not compile, it is missing)
	 * rather than this check's message. */
	cJSON *extra = cJSON_AddObjectToObject(t, "extra_data");
	cJSON_AddStringToObject(extra, "lab", lab->dir);
	cJSON_AddStringToObject(extra, "check", c->name);
	cJSON_AddBoolToObject(extra, "lab_problem", lab->problem[0] != '\0');
	return t;
}

int results_json_write(const char *path, const struct lab *labs, size_t n,
		       double elapsed)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *tests = cJSON_CreateArray();
	int score = 0, max = 0;
	for (size_t l = 0; l < n; l++) {
		score += labs[l].score;
		max += labs[l].max_score;
		for (size_t i = 0; i < labs[l].n_checks; i++)
			cJSON_AddItemToArray(tests, results_check_json(&labs[l], i, &labs[l].checks[i]));
	}
	char summary[64];
	snprintf(summary, sizeof summary, "Score: %d/%d", score, max);
	cJSON_AddNumberToObject(root, "score", score);
	cJSON_AddNumberToObject(root, "execution_time", (int)(elapsed + 0.5));
	cJSON_AddStringToObject(root, "output", summary);
	cJSON_AddStringToObject(root, "visibility", "visible");
	cJSON_AddItemToObject(root, "tests", tests);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		int saved = errno;
		free(text);
		errno = saved;
		return -1;
	}
	int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	int saved = errno;
	free(text);
	if (fclose(f) != 0 || !ok) {
		errno = saved ? saved : EIO;
		return -1;
	}
	return 0;
}

void autolab_line_print(const struct lab *labs, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *scores = cJSON_AddObjectToObject(root, "scores");
	for (size_t l = 0; l < n; l++) {
		char key[16];
		snprintf(key, sizeof key, "lab%02d", labs[l].number);
		cJSON_AddNumberToObject(scores, key, labs[l].score);
	}
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	/* Autolab reads the last line of the output: nothing may follow. */
	if (text)
		printf("%s\n", text);
	free(text);
}
