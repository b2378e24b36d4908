/* proc.c: programs started for a test, waited for, stopped and read. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

/* Fills p's name and capture file paths. */
static void name_proc(struct h_proc *p, const char *prog)
{
	int id = h__next_id();
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", h__base(prog));
	const char *dir = h_dir();
	if (snprintf(p->out_path, sizeof(p->out_path), "%s/%s.%d.out", dir, p->name, id) >=
		    (int)sizeof(p->out_path) ||
	    snprintf(p->err_path, sizeof(p->err_path), "%s/%s.%d.err", dir, p->name, id) >=
		    (int)sizeof(p->err_path)) {
		snprintf(p->out_path, sizeof(p->out_path), "%s/p%d.out", dir, id);
		snprintf(p->err_path, sizeof(p->err_path), "%s/p%d.err", dir, id);
	}
}

int h_start(struct h_proc *p, const char *const argv[], const char *stdin_path)
{
	if (!p || !argv || !argv[0]) {
		errno = EINVAL;
		return -1;
	}
	name_proc(p, argv[0]);
	struct h_spawn sp = {
		.argv = argv, .stdin_path = stdin_path,
		.out_path = p->out_path, .out_fd = -1,
		.err_path = p->err_path, .err_fd = -1,
	};
	pid_t pid = h__spawn(&sp);
	if (pid < 0)
		return -1;
	p->pid = pid;
	h__register(pid, 0);
	return 0;
}

int h_start_traced(struct h_proc *p, const char *const argv[],
		   const char *stdin_path, const char *trace_path)
{
	if (!p || !argv || !argv[0] || !trace_path) {
		errno = EINVAL;
		return -1;
	}
	name_proc(p, argv[0]);
	const char **targv = h__strace_argv(argv, trace_path);
	char *const *env = h__traced_env();
	if (!targv || !env) {
		free(targv);
		errno = ENOMEM;
		return -1;
	}
	/* strace leads the process group and the program is its child, in
	 * the same group: killing the group ends both. */
	struct h_spawn sp = {
		.argv = targv, .envp = env, .stdin_path = stdin_path,
		.out_path = p->out_path, .out_fd = -1,
		.err_path = p->err_path, .err_fd = -1,
	};
	pid_t pid = h__spawn(&sp);
	int saved = errno;
	free(targv);
	if (pid < 0) {
		errno = saved;
		return -1;
	}
	p->pid = pid;
	h__register(pid, 1);
	return 0;
}

static void mark_done(struct h_proc *p, int status)
{
	p->status = status;
	p->done = 1;
	h__reaped(p->pid);
}

int h_wait_exit(struct h_proc *p, double timeout_s)
{
	if (!p || p->pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (p->done)
		return 0;
	int status;
	pid_t r = h__wait_pid(p->pid, &status, timeout_s);
	if (r < 0)
		return -1;
	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	mark_done(p, status);
	return 0;
}

void h_stop(struct h_proc *p)
{
	if (!p || p->pid <= 0)
		return;
	int saved = errno;
	if (!p->done && h__is_traced(p->pid)) {
		/* Killing the tracees first lets strace see them die, write
		 * the end of the trace and exit by itself. */
		h__signal_members(p->pid, SIGKILL, 0);
		int status;
		if (h__wait_pid(p->pid, &status, 2.0) > 0)
			mark_done(p, status);
	}
	/* Also after an exit: grandchildren may still be running. */
	h__kill_group(p->pid);
	if (!p->done) {
		int status;
		pid_t r;
		while ((r = waitpid(p->pid, &status, 0)) < 0 && errno == EINTR)
			;
		mark_done(p, r == p->pid ? status : 0);
	}
	errno = saved;
}

int h_signal(struct h_proc *p, int sig)
{
	if (!p || p->pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (h__is_traced(p->pid)) {
		/* Not to strace itself: it would detach and stop tracing. */
		if (h__signal_members(p->pid, sig, 1) == 0) {
			errno = ESRCH;
			return -1;
		}
		return 0;
	}
	return kill(-p->pid, sig);
}

char *h_output(const struct h_proc *p, int which)
{
	return h__read_capped(p ? (which == 2 ? p->err_path : p->out_path) : NULL,
			      H_OUTPUT_CAP);
}

const char *h_describe(const struct h_proc *p, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return "";
	if (!p || p->pid <= 0)
		snprintf(buf, cap, "not started");
	else if (!p->done)
		snprintf(buf, cap, "still running");
	else
		h__status_text(p->status, buf, cap);
	return buf;
}
