/* spawn.c: starting a program in its own process group, and ending it.
 *
 * The child does only async-signal-safe work between fork and exec: the
 * test process may have threads (Criterion's), and a lock held by one of
 * them at fork time would never be released in the child. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Writes a message of string pieces to fd with write() only. */
static void child_say(int fd, const char *a, const char *b, const char *c)
{
	const char *parts[] = {a, b, c, "\n"};
	for (size_t k = 0; k < 4; k++)
		if (parts[k] && write(fd, parts[k], strlen(parts[k])) < 0)
			return;
}

/* Points target (0, 1, 2) at path or at fd; returns -1 on failure. */
static int child_redirect(int target, const char *path, int flags, int fd)
{
	if (!path && fd < 0)
		path = "/dev/null";
	if (path) {
		fd = open(path, flags, 0644);
		if (fd < 0)
			return -1;
	}
	if (fd == target) {
		/* dup2 would be a no-op and leave FD_CLOEXEC set. */
		return fcntl(fd, F_SETFD, 0);
	}
	if (dup2(fd, target) < 0)
		return -1;
	if (path)
		close(fd);
	return 0;
}

static void __attribute__((__noreturn__))
child(const struct h_spawn *sp, pid_t parent, int report_fd)
{
	int err;
	setpgid(0, 0);
	/* Dies with the test process even when Criterion kills it at its
	 * timeout and no teardown runs. The parent may already be gone
	 * before prctl took effect: check. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);

	if (child_redirect(0, sp->stdin_path ? sp->stdin_path : "/dev/null",
			   O_RDONLY, -1) < 0 ||
	    child_redirect(1, sp->out_path, O_WRONLY | O_CREAT | O_TRUNC, sp->out_fd) < 0 ||
	    child_redirect(2, sp->err_path, O_WRONLY | O_CREAT | O_TRUNC, sp->err_fd) < 0) {
		err = errno;
		if (write(report_fd, &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	/* The test's own descriptors (listening sockets, pipes to
	 * Criterion) must not leak into the program: a leaked socket end
	 * would hide an EOF the test waits for. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			if (fd != report_fd)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	/* Ignored signals and the signal mask survive exec: start clean, so
	 * that a program dies of SIGPIPE like it would in a shell. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);

	execve(sp->argv[0], (char *const *)sp->argv, sp->envp ? sp->envp : environ);
	err = errno;
	child_say(2, "harness: cannot execute ", sp->argv[0], "");
	child_say(2, "harness: execve failed with ", errno_name(err), "");
	if (write(report_fd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

pid_t h__spawn(const struct h_spawn *sp)
{
	int rp[2];
	if (!sp || !sp->argv || !sp->argv[0]) {
		errno = EINVAL;
		return -1;
	}
	/* The child reports a failed exec through this pipe; a successful
	 * exec closes it (O_CLOEXEC), so EOF means "running". */
	if (pipe2(rp, O_CLOEXEC) < 0)
		return -1;
	pid_t parent = getpid();
	fflush(NULL); /* buffered output must not be written twice */
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(rp[0]);
		close(rp[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(rp[0]);
		child(sp, parent, rp[1]);
	}
	close(rp[1]);
	/* Also here, so the group exists whichever process runs first; it
	 * fails harmlessly (EACCES) once the child has exec'ed. */
	setpgid(pid, pid);

	int err = 0;
	ssize_t n;
	while ((n = read(rp[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(rp[0]);
	if (n == (ssize_t)sizeof(err)) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		errno = err ? err : ENOEXEC;
		return -1;
	}
	return pid;
}

/* The process group and state of pid from /proc/<pid>/stat; -1 if gone. */
static int proc_pgrp(pid_t pid, pid_t *pgrp, char *state)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip to the last ')'. */
	char *p = strrchr(buf, ')');
	int ppid, pg;
	if (!p || sscanf(p + 1, " %c %d %d", state, &ppid, &pg) != 3)
		return -1;
	*pgrp = pg;
	return 0;
}

/* Whether pid runs the same program as other (both /proc/N/exe), or
 * cannot be told apart from it. */
static int same_image(pid_t pid, pid_t other)
{
	char p1[64], p2[64], e1[512], e2[512];
	snprintf(p1, sizeof(p1), "/proc/%d/exe", (int)pid);
	snprintf(p2, sizeof(p2), "/proc/%d/exe", (int)other);
	ssize_t n1 = readlink(p1, e1, sizeof(e1) - 1);
	ssize_t n2 = readlink(p2, e2, sizeof(e2) - 1);
	/* Unknown counts as the same: a signal must not go to a process that
	 * may still carry strace's handlers. */
	if (n1 <= 0 || n2 <= 0)
		return 1;
	return n1 == n2 && memcmp(e1, e2, (size_t)n1) == 0;
}

int h__signal_members(pid_t pgid, int sig, int exec_only)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == pgid)
			continue;
		pid_t pg;
		char state;
		if (proc_pgrp((pid_t)pid, &pg, &state) < 0 || pg != pgid || state == 'Z')
			continue;
		if (exec_only && same_image((pid_t)pid, pgid))
			continue;
		if (kill((pid_t)pid, sig) == 0)
			count++;
	}
	closedir(d);
	return count;
}

void h__kill_group(pid_t pgid)
{
	if (pgid <= 1)
		return; /* never the whole system or our own group */
	kill(-pgid, SIGKILL);
	kill(pgid, SIGKILL); /* in case the leader left its group */
}

/* A file descriptor that becomes readable when pid exits, or -1. */
static int pid_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

pid_t h__wait_pid(pid_t pid, int *status, double timeout_s)
{
	int64_t deadline = mono_deadline(timeout_s);
	int pfd = -2;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (pfd >= 0)
				close(pfd);
			return r;
		}
		int left = mono_ms_left(deadline);
		if (left == 0)
			break;
		if (pfd == -2)
			pfd = pid_fd(pid);
		if (pfd >= 0) {
			struct pollfd p = {.fd = pfd, .events = POLLIN};
			poll(&p, 1, left);
		} else {
			mono_sleep_ms(left < 2 ? left : 2);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return 0;
}

char *h__read_capped(const char *path, size_t cap)
{
	char *buf = malloc(cap + 1);
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			abort(); /* "never NULL" cannot be kept otherwise */
		buf[0] = '\0';
		return buf;
	}
	size_t len = 0;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		ssize_t n = read_full(fd, buf, cap);
		if (n > 0)
			len = (size_t)n;
		close(fd);
	}
	buf[len] = '\0';
	return buf;
}

void h__status_text(int status, char *buf, size_t cap)
{
	if (WIFEXITED(status)) {
		snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *abbrev = sigabbrev_np(sig);
		snprintf(buf, cap, "killed by SIG%s%s", abbrev ? abbrev : "?",
			 WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		snprintf(buf, cap, "stopped (wait status 0x%x)", (unsigned)status);
	}
}

const char *h__base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : (path ? path : "?");
}
