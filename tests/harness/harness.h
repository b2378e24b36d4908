/* harness.h: the fixtures every socket test stands on.
 *
 * Each test gets a fresh, short temp dir (sun_path holds 108 bytes), unique
 * abstract names, and a registry of the processes it started: the teardown
 * kills each one's whole process group and reaps it, whatever the test's
 * outcome. Waiting is always "poll until ready or a deadline passes", never
 * a fixed sleep. strace runs are parsed into struct trace records.
 *
 * Rules for tests that use it (see ../shared/notes): never cr_assert in a
 * forked child (only _exit); children started here die with the test
 * process (PR_SET_PDEATHSIG) and are also killed in h_test_fini. */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include "../../common/full_io.h"
#include "../../common/mono_time.h"
#include "../../common/report.h"
#include "../../common/strace_parse.h"

/* Fixtures, installed by CHECK()/SELFTEST(). h_test_init creates the temp
 * dir; h_test_fini kills and reaps every started process and removes the
 * dir. */
void h_test_init(void);
void h_test_fini(void);

/* Removes a file tree, carrying on past entries it cannot remove (no error
 * when the tree does not exist). */
void h_remove_tree(const char *path);

/* This test's temp dir, e.g. "/tmp/lt.Ab12Cd". */
const char *h_dir(void);

/* "<h_dir()>/<name>" in storage that stays valid until the test ends. */
const char *h_path(const char *name);

/* A path of exactly len bytes (plus NUL) inside h_dir(), made of a run of
 * 'x' after the dir; for overlong-path checks. Valid until the test ends.
 * NULL (EINVAL) when len is too short to hold the dir and one 'x'. */
const char *h_path_of_len(size_t len);

/* A fresh abstract name "@lt-<pid>-<n>-<random>", unique on the machine.
 * Valid until the test ends. */
const char *h_abstract(void);

/* The path of a program of the lab under test: "$LAB_BIN_DIR/<prog>".
 * Fails the test with a clear message when LAB_BIN_DIR is not set. */
const char *h_bin(const char *prog);

/* A started program. */
struct h_proc {
	pid_t pid;          /* also its process group id */
	int status;         /* wait status, valid when done */
	int done;           /* 1 once reaped */
	char name[64];      /* basename of argv[0], for messages */
	char out_path[160]; /* captured stdout */
	char err_path[160]; /* captured stderr */
};

/* Starts argv in its own process group, stdin from stdin_path (NULL:
 * /dev/null), stdout and stderr captured to files in h_dir(). Registered
 * for teardown. Returns 0, or -1 with errno set. */
int h_start(struct h_proc *p, const char *const argv[], const char *stdin_path);

/* Same, under `strace -f -yy -ttt -T` writing to trace_path. strace leads
 * the group; h_stop kills the program first so that strace finishes the
 * trace ("+++ killed by SIGKILL +++"), then the rest. p->name is the
 * program's name. Read the trace with trace_load after h_stop or
 * h_wait_exit (p->status is the program's, as strace passes it on). */
int h_start_traced(struct h_proc *p, const char *const argv[],
		   const char *stdin_path, const char *trace_path);

/* Polls /proc/net/unix until a socket bound to addr ("/path" or "@name")
 * is listening. Returns 0; or -1 when the deadline passes (ETIMEDOUT) or
 * the process exits first (ECHILD), with a sentence saying which in why. */
int h_wait_listening(struct h_proc *p, const char *addr, double timeout_s,
		     char *why, size_t cap);

/* Waits for p to exit, up to timeout_s. Returns 0 when it exited (status in
 * p->status), -1 with ETIMEDOUT otherwise (p still runs). */
int h_wait_exit(struct h_proc *p, double timeout_s);

/* Kills p's process group with SIGKILL and reaps p. Idempotent. */
void h_stop(struct h_proc *p);

/* Sends sig to p's process group, to let a program end cleanly. For a
 * traced p, only to the program (not strace), and only once it has
 * exec'ed: -1 with ESRCH before that. */
int h_signal(struct h_proc *p, int sig);

/* The captured stdout (which=1) or stderr (which=2) of p so far, as a
 * malloc'ed NUL-terminated string capped at 64 KiB (never NULL). */
char *h_output(const struct h_proc *p, int which);

/* "exited with status 1", "killed by SIGSEGV", "still running". */
const char *h_describe(const struct h_proc *p, char *buf, size_t cap);

/* A program run to completion. */
struct h_result {
	int status;     /* wait status */
	int timed_out;  /* 1 when killed at the deadline */
	double elapsed; /* seconds */
	char *out;      /* captured stdout (malloc, capped at 64 KiB) */
	char *err;      /* captured stderr (malloc, capped at 64 KiB) */
	char what[96];  /* "exited with status 0", "killed by SIGSEGV", ... */
};

/* Runs argv with stdin_data (may be NULL) as its input, up to timeout_s,
 * killing its process group at the deadline. Returns 0 when it ran (see r
 * for how it ended), -1 with errno when it could not be started. */
int h_run(const char *const argv[], const void *stdin_data, size_t len,
	  double timeout_s, struct h_result *r);
void h_result_free(struct h_result *r);

/* The syscalls traced by h_trace()/h_start_traced(). */
#define H_TRACE_SET \
	"%network,read,write,close,unlink,unlinkat,execve,exit_group"

/* Runs argv like h_run() under strace and loads the trace into t. */
int h_trace(const char *const argv[], const void *stdin_data, size_t len,
	    double timeout_s, struct h_result *r, struct trace *t);

/* A short summary of the socket calls in t (one per line, at most max
 * lines) for failure messages: what the kernel actually saw. */
const char *h_trace_summary(const struct trace *t, size_t max);

/* Test-side peers (the test acting as a correct client or server).
 * addr is "/path" or "@name". Return an fd, or -1 with errno set. */
int h_connect(const char *addr);
int h_listen(const char *addr, int backlog);

/* Fills a struct sockaddr_un for addr with the exact length (pathname:
 * offsetof + strlen + 1; abstract: offsetof + 1 + strlen). Returns the
 * length, or -1 with ENAMETOOLONG. */
struct sockaddr_un;
int h_sockaddr(const char *addr, struct sockaddr_un *sun);

/* ---- what the kernel says about the test's processes (kernel_view.c) ---- */

/* The number of descriptors open in process pid (0: this process, not
 * counting the one used to list them), or -1 with errno. No assertion:
 * forked children may call it. */
int h_count_fds(pid_t pid);

/* 1 when the task whose /proc folder is task_dir ("/proc/123",
 * "/proc/self/task/456") sleeps (state S) inside a system call; then *nr
 * is the call's number (SYS_read, ...) and *arg0 its first argument (the
 * fd of read, accept, send...). 0 otherwise (running, or gone). Either
 * pointer may be NULL. A test sends a signal or lets a peer go on only
 * once this says the call under test is waiting. */
int h_blocked_in(const char *task_dir, long *nr, unsigned long *arg0);

/* 1 when that task sleeps in one of the calls nrs (ended by -1), on fd
 * when fd >= 0. h_read_calls and h_send_calls are read() and write() with
 * their socket relatives (recvfrom, recvmsg, readv; sendto, sendmsg,
 * writev). */
int h_blocked_in_one_of(const char *task_dir, const long nrs[], int fd);
extern const long h_read_calls[], h_send_calls[];

/* The state letter of that task ('R', 'S', 'D', 'T', 't', 'Z'), or 0 when
 * /proc cannot say (it is gone). */
char h_task_state(const char *task_dir);

/* The uid and gid the checks use for "another user" (nobody). */
#define H_OTHER_UID 65534

/* In a forked child: becomes uid and gid H_OTHER_UID, with no
 * supplementary groups. Returns 0, or -1 with errno when this process may
 * not (not root, or a container that forbids it): the check then says it
 * could not test with another user. Never call it in the test process. */
int h_become_other_user(void);

/* In a forked child: drops the n capabilities (CAP_NET_RAW, ...) from its
 * effective, permitted, inheritable and bounding sets: root without the
 * power a check is about, where becoming another user is refused. 0, or
 * -1 with errno. */
int h_drop_capabilities(const int caps[], size_t n);

/* The pid of a child of parent that runs comm (a program started under
 * strace is the tracer's child), or -1 when there is none yet. */
pid_t h_child_named(pid_t parent, const char *comm);

/* Leaves a stale socket file at addr (a path): bound, then closed, so the
 * file stays and nobody listens (what a crashed server leaves). 0, or -1
 * with errno. */
int h_make_stale(const char *addr);

/* ---- failure messages (one_line.c) ---- */

/* Folds s (a program's captured output, changed in place) into one line
 * for a message: trailing newlines and blanks dropped, inner newlines
 * shown as '|'. "(none)" for NULL, "(nothing)" for empty. */
const char *h_one_line(char *s);

/* The same, but only the last max characters when it is longer (0: all). */
const char *h_one_line_tail(char *s, size_t max);

#endif
