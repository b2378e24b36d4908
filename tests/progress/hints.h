/* hints.h: the layered hints of a lab's graded checks,
 * tests/hints/NN-topic.hints.
 *
 * The file is plain text, one block per graded check:
 *
 *     # a comment (a line starting with '#')
 *     [unit_read_frame_dribble]
 *     hint: a first nudge: what to look at, the concept.
 *     more: a stronger hint: the shape of the fix, without the answer.
 *
 * A line starting with blanks continues the field above (the lines are
 * joined with one space); blank lines are ignored. The check's failure
 * message is layer 0, hint: layer 1 and more: layer 2 (`make hint`). */
#ifndef TESTS_PROGRESS_HINTS_H
#define TESTS_PROGRESS_HINTS_H

#include <stddef.h>

struct hint_entry {
	char name[96];  /* the check's name, e.g. "unit_probe_refusals" */
	char *hint;     /* layer 1, or NULL when the block has none */
	char *more;     /* layer 2, or NULL */
	int line;       /* where the block starts, for messages */
};

struct hints {
	struct hint_entry *v;
	size_t n;
	/* One line per mistake found, "FILE:LINE: what", or NULL when the
	 * file is well formed. Readers that only show hints may ignore it;
	 * the completeness check fails on it. */
	char *errors;
};

/* Parses text (from a file called name, for messages) into h. Returns 0,
 * or -1 with errno (ENOMEM); mistakes in the text are not failures: they
 * are listed in h->errors. */
int hints_parse(const char *text, const char *name, struct hints *h);

/* Reads and parses a file. Returns 0, or -1 with errno (ENOENT when the
 * lab has no hints file). */
int hints_load(const char *path, struct hints *h);

/* The block of check name, or NULL. */
const struct hint_entry *hints_find(const struct hints *h, const char *name);

void hints_free(struct hints *h);

#endif
