/* grader.h: the grader's shared types and the interfaces of its parts.
 *
 * The grader builds one lab at a time (lab_build.c), lists the lab's
 * checks from the graded suite's source (check_list.c), runs each check in
 * its own process group under a wall-clock limit (check_run.c), and prints
 * the outcome and writes results.json (grade_report.c, results_json.c).
 * Points and verdicts come only from the check declarations and the report
 * hook's result file; nothing the student's code prints is ever parsed. */
#ifndef TESTS_GRADER_H
#define TESTS_GRADER_H

#include <stddef.h>

#define GRADER_MAX_CHECKS 256
#define GRADER_MSG_CAP 4096

/* One graded check, as declared with CHECK() in tests/labs/NN-topic.c. */
struct check {
	char suite[32];
	char name[96];
	char title[256];
	int points;
	double timeout;         /* Criterion's timeout for the check */
	int hidden;             /* from the staff's hidden suite (--hidden) */
	/* Filled by running it. */
	int done;
	int score;
	int passed;
	double elapsed;
	char message[GRADER_MSG_CAP];
};

struct lab {
	char dir[64];           /* "01-socket-basics" */
	int number;             /* 1 */
	struct check *checks;
	size_t n_checks;
	int score, max_score;
	int built;              /* 1 when it compiled */
	char problem[GRADER_MSG_CAP];   /* why the whole lab scored zero */
	char fingerprint[24];   /* of its sources when grading began (--state) */
};

struct grade_opts {
	const char *make;       /* make command, e.g. "make" */
	const char *impl;       /* the tree graded */
	const char *key;        /* its build folder under <out>/impl */
	const char *out;        /* build/rel or build/san */
	const char *labs_sel;   /* "01" or "01,02" or NULL for all */
	const char *results;    /* results.json path or NULL */
	const char *tests_dir;  /* "tests/labs" */
	const char *hidden_dir; /* "tests/hidden" (staff only) or NULL */
	const char *state;      /* progress state file (--state) or NULL */
	const char *expect;     /* NULL, "pass" or "fail" (project self-tests) */
	int san;
	int verbose;
	double grace;           /* seconds added to a check's own timeout */
	double limit;           /* when > 0, caps every check's wall-clock limit */
	const struct sandbox *sandbox;  /* around every check run */
};

/* Scans a graded suite's source for CHECK()/CHECK_WITH() declarations.
 * Returns the number found (checks malloc'ed in *out), or -1 with errno
 * set; a malformed declaration gives EINVAL and a sentence in err. */
int check_list_scan(const char *path, struct check **out, char *err, size_t cap);

/* The checks of lab dir "NN-topic": its graded suite's, then (marked
 * hidden) those of <hidden_dir>/NN-topic.c when that file exists. Same
 * returns as check_list_scan; a hidden check named like a visible one is
 * EINVAL. */
int check_list_lab(const struct grade_opts *o, const char *lab_dir,
		   struct check **out, char *err, size_t cap);

/* Builds what every lab needs besides the student's code (common/, the
 * harness, the graded suites). Returns 0, 1 when it does not compile (the
 * errors in problem), -1 when make could not be run. */
int base_build(const struct grade_opts *o, char *problem, size_t cap);

/* Builds one lab with make; returns 0 when it compiled, 1 when it did not
 * (first compiler errors in problem), -1 when make could not be run. */
int lab_build(const struct grade_opts *o, struct lab *lab);

/* Runs one check of a built lab and fills its score and message. Returns
 * 0, or -1 when the check could not be started at all. */
int check_run(const struct grade_opts *o, const struct lab *lab, struct check *c);

/* Runs every check of a built lab, in one run of its binary where it can,
 * each check again on its own where that run did not settle it. */
int lab_run_checks(const struct grade_opts *o, struct lab *lab);

/* Kills and reaps every process left below the grader (it is a child
 * subreaper, so orphans of a check come back to it). */
void reap_all_descendants(void);

/* Writes Gradescope's results.json. Returns 0 or -1 with errno set. */
int results_json_write(const char *path, const struct lab *labs, size_t n,
		       double elapsed);

/* One check as a results.json test object (a cJSON object the caller
 * owns), or NULL without memory. */
struct cJSON;
struct cJSON *results_check_json(const struct lab *lab, size_t i, const struct check *c);

/* Records a graded lab in the progress state file (tests/progress/state.h):
 * its checks as results.json has them, its score and the fingerprint of
 * its sources, keeping the hint layer reached and the other labs. Returns
 * 0, or -1 with errno. */
int state_record_lab(const char *state_path, const struct lab *lab);

/* Prints Autolab's line {"scores": {"lab01": N, ...}} on stdout. */
void autolab_line_print(const struct lab *labs, size_t n);

/* Text report on stdout. */
void report_lab_header(const struct lab *lab);
void report_check(const struct lab *lab, size_t i, const struct check *c);
void report_lab_total(const struct lab *lab);

#endif
