/* harness_internal.h: what the harness's own files share; tests use
 * harness.h only. */
#ifndef TESTS_HARNESS_INTERNAL_H
#define TESTS_HARNESS_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

/* What is kept of a program's stdout or stderr. */
#define H_OUTPUT_CAP (64 * 1024)

/* How a program is started by h__spawn. */
struct h_spawn {
	const char *const *argv; /* argv[0] is a path */
	char *const *envp;       /* NULL: the test's environment */
	const char *stdin_path;  /* NULL: /dev/null */
	const char *out_path;    /* stdout to this file, or ... */
	int out_fd;              /* ... to this fd when out_path is NULL */
	const char *err_path;
	int err_fd;
};

/* Forks and execs sp in a new process group that dies with the test.
 * Returns the pid, or -1 with errno set; an exec failure is reported as
 * -1 with the errno of execve (the child is reaped). */
pid_t h__spawn(const struct h_spawn *sp);

/* The registry of started processes, emptied by h_test_fini. */
void h__register(pid_t pid, int traced);
void h__reaped(pid_t pid);
int h__is_traced(pid_t pid);

/* Keeps a malloc'ed string until the test ends and returns it (NULL
 * stays NULL). */
const char *h__keep(char *s);

/* A number unique within this test, for file names. */
int h__next_id(void);

/* Sends sig to every live member of process group pgid except the
 * leader: for a traced program, the tracees but not strace. With
 * exec_only, skips members still running the leader's program: strace's
 * child before its exec still has strace's signal handlers, which would
 * swallow the signal. Returns how many were signalled. */
int h__signal_members(pid_t pgid, int sig, int exec_only);

/* Kills a process group for good: SIGKILL to the group and its leader. */
void h__kill_group(pid_t pgid);

/* Waits up to timeout_s for pid to change state, reaping it. Returns the
 * pid with *status set, 0 on timeout, -1 with errno on error. */
pid_t h__wait_pid(pid_t pid, int *status, double timeout_s);

/* The first cap bytes of a file as a malloc'ed string ("" when it cannot
 * be read); never NULL. */
char *h__read_capped(const char *path, size_t cap);

/* "exited with status 1", "killed by SIGSEGV (core dumped)". */
void h__status_text(int status, char *buf, size_t cap);

/* The argv of `strace ... -o trace_path -- argv...` in a malloc'ed array
 * (only the array itself is malloc'ed), or NULL. */
const char **h__strace_argv(const char *const argv[], const char *trace_path);

/* The environment for a traced program: the test's own, with
 * detect_leaks=0 added to ASAN_OPTIONS (LeakSanitizer cannot run under
 * ptrace). Kept until the test ends. */
char *const *h__traced_env(void);

/* basename of a path, within the string. */
const char *h__base(const char *path);

#endif
