/* report_page.h: what the report page shows, and the function that
 * writes it (report_page.c). */
#ifndef TESTS_REPORT_PAGE_H
#define TESTS_REPORT_PAGE_H

#include <stddef.h>
#include <stdio.h>

#include "report_diff.h"

/* One check, as results.json gives it. Strings point into the parsed
 * JSON, which outlives the page. */
struct check_rep {
	const char *title;  /* "Lab 02 bind-listen-accept: " left out */
	const char *name;   /* "box_socat_client" */
	const char *output; /* the failure message, "" for a pass */
	int score, max, passed, hidden;
};

struct lab_rep {
	char dir[64];         /* "02-bind-listen-accept" */
	int number;
	struct check_rep *checks;
	size_t n;
	int score, max;
	const char *problem;  /* why every check scored zero, or NULL */
	struct diff diff;     /* work/LAB.diff, when diff_loaded */
	int diff_loaded;
};

struct page {
	const char *tree;     /* whose work: "labs/ (your work)" */
	const char *work;     /* the folder of the labs' diagram files */
	const char *guide;    /* guide/, for the chapters' titles, or NULL */
	struct lab_rep *labs;
	size_t nlabs;
	int score, max;
};

/* Writes the whole page. Each lab's files in p->work are named after its
 * folder: LAB.scenario (the lab has a diagram scenario), LAB.svg (your
 * run's diagram) or LAB.why (why there is none: first line, then
 * details), LAB.note (what the scenario printed when it failed),
 * LAB.ref.svg or LAB.refwhy (the reference's), LAB.diff (seqdiag
 * --compare) or LAB.diffwhy, LAB.varies (what timing changes). Returns 0,
 * or -1 when writing failed. */
int page_write(FILE *out, struct page *p);

#endif
