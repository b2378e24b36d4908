/* state_record.c: `make grade` records each lab it graded in the student's
 * progress state file (--state FILE), for `make status`, `make hint` and
 * `make watch` (tests/progress/).
 *
 * The record is what results.json says of the lab's checks, plus each
 * check's name (hints are keyed by it), the lab's score and the
 * fingerprint of its sources when grading began. The rest of the file
 * (other labs, the hint layer reached in this one) is kept. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../progress/state.h"
#include "grader.h"

static cJSON *lab_record(const struct lab *lab)
{
	cJSON *rec = cJSON_CreateObject();
	cJSON *checks = cJSON_CreateArray();
	if (!rec || !checks) {
		cJSON_Delete(rec);
		cJSON_Delete(checks);
		return NULL;
	}
	cJSON_AddStringToObject(rec, "fingerprint", lab->fingerprint);
	cJSON_AddNumberToObject(rec, "graded_at", (double)time(NULL));
	cJSON_AddNumberToObject(rec, "score", lab->score);
	cJSON_AddNumberToObject(rec, "max_score", lab->max_score);
	cJSON_AddBoolToObject(rec, "built", lab->built);
	cJSON_AddStringToObject(rec, "problem", lab->problem);
	for (size_t i = 0; i < lab->n_checks; i++) {
		const struct check *c = &lab->checks[i];
		cJSON *t = results_check_json(lab, i, c);
		if (!t)
			continue;
		cJSON_AddStringToObject(t, "check", c->name);
		cJSON_AddStringToObject(t, "suite", c->suite);
		cJSON_AddStringToObject(t, "title", c->title);
		cJSON_AddItemToArray(checks, t);
	}
	cJSON_AddItemToObject(rec, "checks", checks);
	return rec;
}

int state_record_lab(const char *state_path, const struct lab *lab)
{
	cJSON *rec = lab_record(lab);
	if (!rec) {
		errno = ENOMEM;
		return -1;
	}
	int lock = state_lock(state_path);
	if (lock < 0) {
		int saved = errno;
		cJSON_Delete(rec);
		errno = saved;
		return -1;
	}
	int reset;
	cJSON *root = state_load(state_path, &reset);
	cJSON *labs = root ? state_labs(root) : NULL;
	int rc = -1, saved = root ? ENOMEM : errno;
	if (labs) {
		/* The hint layer belongs to the student, not to a grading. */
		cJSON *old = cJSON_GetObjectItem(labs, lab->dir);
		cJSON *hint = cJSON_IsObject(old) ? cJSON_DetachItemFromObject(old, "hint") : NULL;
		if (hint)
			cJSON_AddItemToObject(rec, "hint", hint);
		cJSON_DeleteItemFromObject(labs, lab->dir);
		cJSON_AddItemToObject(labs, lab->dir, rec);
		rec = NULL;
		rc = state_save(state_path, root);
		saved = errno;
	}
	cJSON_Delete(rec);
	cJSON_Delete(root);
	state_unlock(lock);
	errno = saved;
	return rc;
}
