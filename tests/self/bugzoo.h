/* bugzoo.h: the bug zoo's entries and the checks of a graded suite.
 *
 * An entry is one typical mistake, kept as a small unified diff against a
 * reference: tests/bugzoo/NN-topic/<name>.patch. The lines before the
 * first "--- " line (patch ignores them) say what the mistake is and which
 * checks must catch it:
 *
 *   Must fail: lab03/unit_address_abstract: offsetof(sun_path) + 1
 *   Tier: core            (or full: run only when BUGZOO=full)
 *   Known weak: lab02/unit_open_live: why no check catches it yet
 *
 * The self-test (bugzoo_test.c) grades each patched reference with the
 * real grader and holds the result against these lines. */
#ifndef TESTS_SELF_BUGZOO_H
#define TESTS_SELF_BUGZOO_H

#include <stddef.h>

#define ZOO_ROOT "tests/bugzoo"
#define ZOO_MAX_ENTRIES 256
#define ZOO_MAX_MUST 16
#define ZOO_MAX_CHECKS 64

/* A check that must fail, and a phrase its message must contain. */
struct zoo_must {
	char check[96];    /* "lab03/unit_address_abstract" */
	char phrase[160];
};

struct zoo_entry {
	char lab[64];      /* "03-naming" */
	char name[64];     /* "sizeof-abstract" */
	char patch[256];   /* "tests/bugzoo/03-naming/sizeof-abstract.patch" */
	int full_only;     /* "Tier: full" */
	char weak[96];     /* "Known weak:" check, or "" */
	size_t n_must;
	struct zoo_must must[ZOO_MAX_MUST];
};

/* Reads the header of one patch file into e (lab and name from its path).
 * Returns 0, or -1 with a sentence in err (unreadable file, a malformed
 * line, no "Must fail:" line and no "Known weak:" line, or both). */
int zoo_read_entry(const char *path, struct zoo_entry *e, char *err, size_t cap);

/* Lists the entries under ZOO_ROOT (relative to the project root), those
 * of tier full only when all is set, the labs with higher numbers first
 * (their checks take longest, so they start first when entries run side
 * by side), by name within a lab. Returns the count, or -1 with a
 * sentence in err. */
int zoo_list(int all, struct zoo_entry *out, size_t cap, char *err, size_t errcap);

/* One graded check as declared in tests/labs/NN-topic.c. */
struct zoo_check {
	char name[96];     /* "lab03/unit_address_abstract" */
	char title[96];    /* the start of its title, up to the first '\' */
};

/* The checks of lab's graded suite in declaration order, which is the
 * order of results.json's tests[]. Returns the count, or -1 with a
 * sentence in err. */
int zoo_suite_checks(const char *lab, struct zoo_check *out, size_t cap,
		     char *err, size_t errcap);

#endif
