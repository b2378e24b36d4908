/* run.c: running a program to completion with input, captured output and
 * a deadline (h_run), optionally under strace (h_trace).
 *
 * Input comes from a file written beforehand, so the test never blocks
 * writing into a pipe the program does not read. Output goes through
 * pipes that are read as it arrives: 64 KiB of each stream are kept and
 * the rest is read and thrown away, so a program that floods its output
 * neither blocks nor fills the disk. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

/* After the program ends, how long its pipes may stay open (held by a
 * process that left the group) before the capture stops waiting. */
#define DRAIN_GRACE_S 0.2

struct capture {
	int fd;       /* read end, -1 once at EOF */
	char *buf;    /* H_OUTPUT_CAP + 1 bytes */
	size_t len;
};

/* Reads what is available; keeps up to the cap and discards the rest. */
static void capture_read(struct capture *c)
{
	char scratch[16384];
	for (;;) {
		char *dst = scratch;
		size_t room = sizeof(scratch);
		if (c->len < H_OUTPUT_CAP) {
			dst = c->buf + c->len;
			room = H_OUTPUT_CAP - c->len;
		}
		ssize_t n = read(c->fd, dst, room);
		if (n > 0) {
			if (dst != scratch)
				c->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN) {
			close(c->fd);
			c->fd = -1;
		}
		return;
	}
}

static int open_pid_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Writes the program's input to a file in the test's dir. */
static const char *input_file(const void *data, size_t len)
{
	if (!data)
		return NULL; /* /dev/null */
	char *path = NULL;
	if (asprintf(&path, "%s/stdin.%d", h_dir(), h__next_id()) < 0)
		return NULL;
	h__keep(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	ssize_t n = write_full(fd, data, len);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return NULL;
	}
	return path;
}

static void close_pipe(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* Runs argv (envp: NULL for the test's environment) to completion. */
static int run(const char *const argv[], char *const *envp, const void *stdin_data,
	       size_t len, double timeout_s, struct h_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!argv || !argv[0]) {
		errno = EINVAL;
		return -1;
	}
	int64_t start = mono_ns(), deadline = mono_deadline(timeout_s);
	const char *in = input_file(stdin_data, len);
	if (stdin_data && !in)
		return -1;

	int po[2] = {-1, -1}, pe[2] = {-1, -1};
	struct capture cap[2] = {{-1, NULL, 0}, {-1, NULL, 0}};
	cap[0].buf = malloc(H_OUTPUT_CAP + 1);
	cap[1].buf = malloc(H_OUTPUT_CAP + 1);
	if (!cap[0].buf || !cap[1].buf || pipe2(po, O_CLOEXEC) < 0 ||
	    pipe2(pe, O_CLOEXEC) < 0) {
		int saved = errno ? errno : ENOMEM;
		free(cap[0].buf);
		free(cap[1].buf);
		close_pipe(po);
		close_pipe(pe);
		errno = saved;
		return -1;
	}
	struct h_spawn sp = {
		.argv = argv, .envp = envp, .stdin_path = in,
		.out_fd = po[1], .err_fd = pe[1],
	};
	pid_t pid = h__spawn(&sp);
	int saved = errno;
	close(po[1]);
	close(pe[1]);
	cap[0].fd = po[0];
	cap[1].fd = pe[0];
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		free(cap[0].buf);
		free(cap[1].buf);
		errno = saved;
		return -1;
	}
	h__register(pid, 0);
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	fcntl(pe[0], F_SETFL, O_NONBLOCK);

	int pidfd = open_pid_fd(pid);
	int reaped = 0, status = 0;
	int64_t drain_until = 0;
	for (;;) {
		if (!reaped) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				reaped = 1;
				h__reaped(pid);
				/* Whatever the program left running in its group
				 * goes too, so that the pipes reach EOF. */
				h__kill_group(pid);
				drain_until = mono_deadline(DRAIN_GRACE_S);
			}
		}
		if (!reaped && mono_ms_left(deadline) == 0) {
			r->timed_out = 1;
			h__kill_group(pid);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			reaped = 1;
			h__reaped(pid);
			drain_until = mono_deadline(DRAIN_GRACE_S);
		}
		if (reaped && ((cap[0].fd < 0 && cap[1].fd < 0) ||
			       mono_ms_left(drain_until) == 0))
			break;

		struct pollfd pf[3];
		int n = 0;
		for (int k = 0; k < 2; k++)
			if (cap[k].fd >= 0)
				pf[n++] = (struct pollfd){.fd = cap[k].fd, .events = POLLIN};
		int wait_ms = mono_ms_left(reaped ? drain_until : deadline);
		if (!reaped) {
			if (pidfd >= 0)
				pf[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
			else if (wait_ms > 2)
				wait_ms = 2; /* no pidfd: poll for the exit */
		}
		if (poll(pf, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
			mono_sleep_ms(1);
		for (int k = 0; k < 2; k++)
			if (cap[k].fd >= 0)
				capture_read(&cap[k]);
	}
	if (pidfd >= 0)
		close(pidfd);
	for (int k = 0; k < 2; k++) {
		if (cap[k].fd >= 0)
			close(cap[k].fd);
		cap[k].buf[cap[k].len] = '\0';
	}
	r->out = cap[0].buf;
	r->err = cap[1].buf;
	r->status = status;
	r->elapsed = (double)(mono_ns() - start) / 1e9;
	if (r->timed_out)
		snprintf(r->what, sizeof(r->what),
			 "still running after %.1f s (killed at the deadline)", timeout_s);
	else
		h__status_text(status, r->what, sizeof(r->what));
	return 0;
}

int h_run(const char *const argv[], const void *stdin_data, size_t len,
	  double timeout_s, struct h_result *r)
{
	return run(argv, NULL, stdin_data, len, timeout_s, r);
}

void h_result_free(struct h_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int h_trace(const char *const argv[], const void *stdin_data, size_t len,
	    double timeout_s, struct h_result *r, struct trace *t)
{
	memset(t, 0, sizeof(*t));
	memset(r, 0, sizeof(*r));
	if (!argv || !argv[0]) {
		errno = EINVAL;
		return -1;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/trace.%d", h_dir(), h__next_id()) < 0)
		return -1;
	h__keep(path);
	const char **targv = h__strace_argv(argv, path);
	char *const *env = h__traced_env();
	if (!targv || !env) {
		free(targv);
		errno = ENOMEM;
		return -1;
	}
	int rc = run(targv, env, stdin_data, len, timeout_s, r);
	int saved = errno;
	free(targv);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	if (trace_load(path, t) < 0) {
		saved = errno;
		h_result_free(r);
		errno = saved;
		return -1;
	}
	return 0;
}
