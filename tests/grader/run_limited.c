/* run_limited.c: run one command under a wall-clock limit, kill what it
 * leaves behind, and keep a capped copy of its output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/mono_time.h"
#include "../../common/report.h"
#include "grader.h"
#include "run_limited.h"
#include "sandbox.h"

volatile sig_atomic_t grader_stop;

const char *describe_status(int status, char *buf, size_t cap)
{
	if (WIFEXITED(status))
		snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "killed by SIG%s (%s)",
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, cap, "ended with wait status 0x%x", status);
	return buf;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Lists the grader's direct children from /proc. Returns the count. */
static size_t list_children(pid_t *out, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "r");
	size_t n = 0;
	if (!f)
		return 0;
	long v;
	while (n < cap && fscanf(f, "%ld", &v) == 1)
		out[n++] = (pid_t)v;
	fclose(f);
	return n;
}

void reap_all_descendants(void)
{
	/* The grader is a child subreaper: when a killed child had children
	 * of its own, they are re-parented to the grader and show up in the
	 * next pass. A bounded number of passes keeps a fork bomb from
	 * holding the grader forever; issue 7's sandbox bounds the bomb. */
	for (int pass = 0; pass < 200; pass++) {
		pid_t kids[512];
		size_t n = list_children(kids, 512);
		int status;
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
		if (n == 0)
			return;
		for (size_t i = 0; i < n; i++) {
			kill(-kids[i], SIGKILL);
			kill(kids[i], SIGKILL);
		}
		for (size_t i = 0; i < n; i++)
			waitpid(kids[i], &status, 0);
	}
}

static void child_exec(const struct run_spec *s, int out_fd)
{
	setpgid(0, 0);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (out_fd > 2)
		close(out_fd);
	/* No core files littering the tree graded. */
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	if (s->sandbox && sandbox_enter(s->sandbox, s->cwd) < 0) {
		dprintf(2, "grader: cannot set up the sandbox: %s\n", strerror(errno));
		_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (s->cwd && chdir(s->cwd) < 0) {
		dprintf(2, "grader: cannot enter %s: %s\n", s->cwd, strerror(errno));
		_exit(127);
	}
	/* Criterion marks its worker processes with BXFI_* variables; a test
	 * binary that inherits them (the grader run from a test) would take
	 * itself for a worker and abort. */
	extern char **environ;
	for (size_t i = 0; environ[i];) {
		if (strncmp(environ[i], "BXFI_", 5) == 0) {
			char name[64];
			snprintf(name, sizeof name, "%.*s",
				 (int)strcspn(environ[i], "="), environ[i]);
			unsetenv(name);
		} else {
			i++;
		}
	}
	for (const char *const *e = s->setenv; e && *e; e++)
		putenv((char *)*e);
	execvp(s->argv[0], (char *const *)s->argv);
	dprintf(2, "grader: cannot run %s: %s\n", s->argv[0], strerror(errno));
	_exit(127);
}

int run_limited(const struct run_spec *s, struct run_result *r)
{
	memset(r, 0, sizeof *r);
	if (grader_stop) {
		errno = EINTR;
		return -1;
	}
	int out = open(s->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return -1;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		int saved = errno;
		close(out);
		errno = saved;
		return -1;
	}
	int64_t start = mono_ns();
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(out);
		close(pfd[0]);
		close(pfd[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_exec(s, pfd[1]);
	}
	setpgid(pid, pid);	/* both sides set it, so no race with kill() */
	close(pfd[1]);
	r->pid = pid;

	int64_t deadline = start + (int64_t)(s->wall_limit * 1e9);
	int64_t idle_deadline = s->watch_path ? start + (int64_t)(s->idle_limit * 1e9) : 0;
	off_t watched_size = -1;
	size_t kept = 0;
	int reaped = 0, pipe_open = 1;
	char buf[65536];
	while (!reaped || pipe_open) {
		if (!reaped && waitpid(pid, &r->status, WNOHANG) == pid) {
			reaped = 1;
			/* The child is gone; whatever it left behind (a
			 * server it started, a stuck worker, in its group or
			 * not) goes too, so that the pipe closes. */
			kill(-pid, SIGKILL);
			reap_all_descendants();
		}
		if (!reaped && s->watch_path) {
			struct stat st;
			off_t size = stat(s->watch_path, &st) == 0 ? st.st_size : -1;
			if (size != watched_size) {
				watched_size = size;
				idle_deadline = mono_ns() + (int64_t)(s->idle_limit * 1e9);
				if (s->on_change)
					s->on_change(s->change_ctx);
			} else if (mono_ns() >= idle_deadline) {
				r->idle = 1;
			}
		}
		if (!reaped && grader_stop) {
			/* The user stopped the grader: a build (make) gets
			 * SIGTERM first, so that it deletes the object it was
			 * writing instead of leaving half of it for the next
			 * build; then everything goes. */
			kill(-pid, SIGTERM);
			int64_t until = mono_ns() + 1000000000LL;
			while (!reaped && mono_ns() < until) {
				if (waitpid(pid, &r->status, WNOHANG) == pid)
					reaped = 1;
				else
					poll(NULL, 0, 10);
			}
			kill(-pid, SIGKILL);
			if (!reaped)
				waitpid(pid, &r->status, 0);
			reaped = 1;
			reap_all_descendants();
		}
		if (!reaped && (mono_ns() >= deadline || r->idle)) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			waitpid(pid, &r->status, 0);
			reaped = 1;
			reap_all_descendants();
		}
		if (reaped && pipe_open && mono_ns() >= deadline + 2000000000LL) {
			/* A descendant outside the group keeps the pipe open. */
			reap_all_descendants();
		}
		if (!pipe_open) {
			if (!reaped) {
				int ms = mono_ms_left(deadline);
				struct pollfd none = {-1, 0, 0};
				poll(&none, 0, ms > 20 ? 20 : ms);
			}
			continue;
		}
		struct pollfd p = {pfd[0], POLLIN, 0};
		int ms = reaped ? 50 : mono_ms_left(deadline);
		if (ms > 20)
			ms = 20;
		if (poll(&p, 1, ms) > 0) {
			ssize_t got = read(pfd[0], buf, sizeof buf);
			if (got > 0) {
				size_t keep = (size_t)got;
				if (kept + keep > s->out_cap) {
					keep = kept < s->out_cap ? s->out_cap - kept : 0;
					r->truncated = 1;
				}
				if (keep && write(out, buf, keep) < 0)
					keep = 0;
				kept += keep;
			} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
				pipe_open = 0;
			}
		}
	}
	close(pfd[0]);
	close(out);
	reap_all_descendants();
	r->elapsed = (double)(mono_ns() - start) / 1e9;
	if (grader_stop) {
		errno = EINTR;
		return -1;
	}
	return 0;
}
