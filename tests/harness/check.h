/* check.h: how a graded check is declared, with its points beside it.
 *
 * A graded check is a Criterion test declared with CHECK() instead of
 * Test(). The points and the one-line title live next to the test body,
 * so the grader reads them from the test binary itself (see check_main.c:
 * `--list-checks`) and nothing else has to be kept in step.
 *
 * Test names start with their kind: unit_ (calls the student's functions),
 * box_ (talks to the student's programs over a real socket) or trace_
 * (asserts on the syscalls strace saw). The grader shows the kind. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "check_limits.h"
#include "harness.h"

struct check_meta {
	int points;
	const char *title;
};

/* A graded check worth pts points; the body follows like a Test()'s. */
#define CHECK(suite, name, pts, title_)                                    \
	static struct check_meta check_meta_##suite##_##name = {           \
		(pts), (title_)};                                          \
	Test(suite, name, .data = &check_meta_##suite##_##name,            \
	     .description = (title_), .init = h_test_init,                 \
	     .fini = h_test_fini, .timeout = CHECK_TIMEOUT)

/* Same, with extra Criterion options (.signal, .exit_code, .timeout). A
 * .timeout given here replaces CHECK_TIMEOUT (a later designated
 * initializer wins, hence the pragma), and the grader reads it too. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define CHECK_WITH(suite, name, pts, title_, ...)                         \
	static struct check_meta check_meta_##suite##_##name = {           \
		(pts), (title_)};                                          \
	Test(suite, name, .data = &check_meta_##suite##_##name,            \
	     .description = (title_), .init = h_test_init,                 \
	     .fini = h_test_fini, .timeout = CHECK_TIMEOUT, __VA_ARGS__)

/* An ungraded test of the project's own code (unit tests of common/ and of
 * the harness): the same fixtures, no points. */
#define SELFTEST(suite, name, ...)                                         \
	Test(suite, name, .init = h_test_init, .fini = h_test_fini,       \
	     .timeout = CHECK_TIMEOUT, ##__VA_ARGS__)

/* Asserts that a call failed with the expected errno, and says what
 * happened instead in the lesson's terms. `what` names the call. */
#define check_errno(ret, err, want, what)                                  \
	cr_assert((ret) == -1 && (err) == (want),                          \
		  "%s: expected -1 with errno %s, got %ld%s%s%s", (what),  \
		  errno_name(want), (long)(ret),                           \
		  (ret) == -1 ? " with errno " : "",                       \
		  (ret) == -1 ? errno_name(err) : "",                      \
		  (ret) == -1 && (err) == ENOSYS ? " (not implemented yet)" : "")

/* Asserts that a call succeeded (did not return -1). */
#define check_ok(ret, err, what)                                           \
	cr_assert((ret) != -1, "%s: expected success, got -1 with errno %s%s", \
		  (what), errno_name(err),                                 \
		  (err) == ENOSYS ? " (not implemented yet)" : "")

/* The number of descriptors this process has open; the check fails (as a
 * problem of the test, not of the code under test) when /proc cannot say. */
static inline int check_count_fds(void)
{
	int n = h_count_fds(0);
	cr_assert(n >= 0, "test setup: cannot list /proc/self/fd: %s", strerror(errno));
	return n;
}

/* h_make_stale(), failing the check as a problem of the test setup. */
static inline void check_make_stale(const char *path)
{
	cr_assert(h_make_stale(path) == 0, "test setup: could not leave a stale "
		  "socket file at %s: %s", path, strerror(errno));
}

#endif
