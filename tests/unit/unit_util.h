/* unit_util.h: small helpers shared by the unit tests of this folder. */
#ifndef TESTS_UNIT_UTIL_H
#define TESTS_UNIT_UTIL_H

#include <stddef.h>

/* The path of a committed trace fixture, found from the working
 * directory (make runs from the repository root) or, failing that, from
 * the test binary's own location (build/<variant>/tests/unit/). */
const char *fixture_path(const char *name);

/* The full path of a program on PATH, or NULL. */
const char *which(const char *prog);

/* build/<variant>/diagrams/seqdiag, found from this test binary at
 * build/<variant>/tests/unit/unit_tests; fails the test when it is not
 * built. */
const char *seqdiag_path(void);

/* A whole file as a string (malloc), or fails the test. */
char *slurp(const char *path);

/* Waits up to timeout_s until pid is gone or a zombie; 1 if it is. */
int wait_dead(int pid, double timeout_s);

#endif
