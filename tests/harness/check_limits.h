/* check_limits.h: time limits shared by the check declarations and the
 * grader, kept in one place so that the two cannot disagree. */
#ifndef TESTS_CHECK_LIMITS_H
#define TESTS_CHECK_LIMITS_H

/* Criterion's own limit for a check, a first line of defence. The grader
 * also enforces a wall-clock limit from outside (this plus a grace) and
 * kills the whole process group, because a test process is not trusted to
 * end by itself. */
#define CHECK_TIMEOUT 10.0

#endif
