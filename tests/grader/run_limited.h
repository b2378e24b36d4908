/* run_limited.h: run a command in its own process group under a wall-clock
 * limit, with its output captured to a file up to a cap.
 *
 * Everything the grader starts (the build, each check) goes through here:
 * a child that hangs, floods its output or leaves orphans behind cannot
 * stop the grader, because the limit is enforced from outside and the whole
 * group, and then every leftover descendant, is killed and reaped. */
#ifndef TESTS_GRADER_RUN_LIMITED_H
#define TESTS_GRADER_RUN_LIMITED_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox;

struct run_spec {
	const char *const *argv;    /* argv[0] is looked up in PATH */
	const char *const *setenv;  /* "NAME=value" entries added, NULL-ended */
	const char *out_path;       /* stdout and stderr go here */
	size_t out_cap;             /* bytes kept; the rest is read and dropped */
	double wall_limit;          /* seconds; the group is killed after it */
	const char *cwd;            /* working directory, NULL: unchanged */
	/* When set, the run is also killed when this file has not changed for
	 * idle_limit seconds: the progress of a batch of checks. */
	const char *watch_path;
	double idle_limit;
	/* Called (when set) each time watch_path changes: progress. */
	void (*on_change)(void *ctx);
	void *change_ctx;
	/* Protections for student code (sandbox.h); NULL for none. */
	const struct sandbox *sandbox;
};

struct run_result {
	pid_t pid;          /* the child, also its process group */
	int status;         /* wait status of the child */
	int timed_out;      /* 1 when the grader killed it at a limit */
	int idle;           /* 1 when that limit was the idle one */
	int truncated;      /* 1 when output went past out_cap */
	double elapsed;     /* seconds */
};

/* Set (to the signal's number) by the grader's SIGINT/SIGTERM/SIGHUP
 * handler: the user wants to stop. run_limited() then kills what it runs
 * at once, and starts nothing more. */
extern volatile sig_atomic_t grader_stop;

/* Returns 0 when the command ran (see r), -1 with errno when it could not
 * be started, or -1 with EINTR when grader_stop was set (what it started
 * is killed and reaped). */
int run_limited(const struct run_spec *s, struct run_result *r);

/* "exited with status 1", "killed by SIGSEGV (Segmentation fault)". */
const char *describe_status(int status, char *buf, size_t cap);

/* Removes a file tree (no error when it does not exist). */
void remove_tree(const char *path);

#endif
