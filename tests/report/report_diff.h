/* report_diff.h: a run's comparison with the reference's run (the .diff
 * file seqdiag --compare writes) read back and shown as HTML. */
#ifndef TESTS_REPORT_DIFF_H
#define TESTS_REPORT_DIFF_H

#include <stddef.h>
#include <stdio.h>

/* One step of the alignment: mark '=' (same), '-' (only in the
 * reference's run), '+' (only in this run) or '~' (changed). */
struct diff_row {
	char mark;
	char *lane;
	long ref_count, count;
	char *ref_text, *text;
};

struct diff {
	struct diff_row *rows;
	size_t n;
	int same, missing, extra, changed;
};

/* Reads the .diff file at path. Returns 0, or -1 with errno (EINVAL: not
 * a file seqdiag wrote). */
int diff_load(const char *path, struct diff *d);
void diff_free(struct diff *d);

/* The differences as HTML, one list per process: rows that differ with
 * their mark, long runs of same rows shortened to one line. */
void diff_html(FILE *out, const struct diff *d);

#endif
