/* state.h: a student's progress, kept between runs in an ignored state
 * file (PROGRESS_DIR/<tree>.json, .lab-progress/labs.json by default;
 * never a tracked file).
 *
 * Every `make grade` records there, per lab graded, what its
 * results.json says (the checks' scores, statuses and messages), a
 * fingerprint of the lab's sources at the time, and keeps the hint layer
 * `make hint` reached. `make status`, `make hint` and `make watch` read
 * it, and regrade a lab whose fingerprint no longer matches its sources.
 *
 *   {"version": 1, "labs": {"01-socket-basics": {
 *       "fingerprint": "9f2c...", "graded_at": 1764080000,
 *       "score": 3, "max_score": 13, "built": true, "problem": "",
 *       "checks": [{"check": "unit_probe_unix_types", "suite": "lab01",
 *                   "title": "...", "score": 1, "max_score": 1,
 *                   "status": "passed", "output": "", ...}],
 *       "hint": {"check": "unit_probe_refusals", "layer": 1}}}} */
#ifndef TESTS_PROGRESS_STATE_H
#define TESTS_PROGRESS_STATE_H

#include <cjson/cJSON.h>

#define STATE_VERSION 1
#define FINGERPRINT_LEN 16

/* Reads the state file. A missing file gives an empty state; so does one
 * that is not valid JSON or not this version (*reset is then 1: it will
 * be rewritten). Returns the root object, or NULL with errno when the file
 * exists but cannot be read. */
cJSON *state_load(const char *path, int *reset);

/* Writes the state file atomically (a temp file renamed over it),
 * creating its folder when needed. Returns 0, or -1 with errno. */
int state_save(const char *path, const cJSON *root);

/* Takes an exclusive lock beside the state file (path + ".lock"), so that
 * two graders recording at once do not lose each other's labs. Returns
 * the lock's fd, or -1 with errno. state_unlock() releases it. */
int state_lock(const char *path);
void state_unlock(int fd);

/* The record of lab dir "NN-topic", or NULL when it was never graded. */
cJSON *state_lab(const cJSON *root, const char *lab_dir);

/* The labs object of root, created when missing. NULL only without memory. */
cJSON *state_labs(cJSON *root);

/* A fingerprint of what a lab's grade depends on: the lab folder's *.c
 * and *.h files (names and contents; editors' swap and backup files do
 * not count), its graded suite and, when hidden_dir has one, its hidden
 * suite. Writes FINGERPRINT_LEN hex digits and a zero into out. Files that
 * cannot be read count as such (the fingerprint still changes when they
 * come back). Returns 0. */
int lab_fingerprint(const char *impl, const char *tests_dir, const char *hidden_dir,
		    const char *lab_dir, char out[FINGERPRINT_LEN + 1]);

#endif
