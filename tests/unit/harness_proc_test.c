/* harness_proc_test.c: starting, waiting for and stopping programs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

/* Reads a pid written to path by a started shell, waiting for it. */
static int read_pid_file(const char *path)
{
	int64_t deadline = mono_deadline(3.0);
	for (;;) {
		FILE *f = fopen(path, "re");
		int pid = 0;
		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0)
			return pid;
		cr_assert_gt(mono_ms_left(deadline), 0, "no pid in %s after 3 s", path);
		mono_sleep_ms(2);
	}
}

SELFTEST(harness_proc, stop_kills_the_whole_group)
{
	const char *pidf = h_path("grandchild.pid");
	char script[256];
	snprintf(script, sizeof(script), "sleep 100 & echo $! > %s.tmp; mv %s.tmp %s; wait",
		 pidf, pidf, pidf);
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start sh");
	cr_expect_str_eq(p.name, "sh");
	int gpid = read_pid_file(pidf);
	cr_expect_eq(getpgid(gpid), p.pid, "the grandchild is in the program's group");
	int64_t t0 = mono_ns();
	h_stop(&p);
	cr_expect_eq(p.done, 1);
	cr_expect(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	cr_expect(wait_dead(gpid, 2.0), "grandchild %d still alive after h_stop", gpid);
	cr_expect_lt((double)(mono_ns() - t0) / 1e9, 1.0);
	char buf[64];
	cr_expect_str_eq(h_describe(&p, buf, sizeof(buf)), "killed by SIGKILL");
	h_stop(&p); /* idempotent */
	cr_expect_eq(p.done, 1);
}

SELFTEST(harness_proc, exec_failure_is_reported)
{
	struct h_proc p;
	const char *argv[] = {"/nonexistent/prog", NULL};
	int64_t t0 = mono_ns();
	check_errno(h_start(&p, argv, NULL), errno, ENOENT, "h_start of a missing program");
	cr_expect_lt((double)(mono_ns() - t0) / 1e9, 0.5);
	const char *argv2[] = {"/bin/cat", NULL};
	check_errno(h_start(&p, argv2, h_path("no-such-input")), errno, ENOENT,
		    "h_start with a missing stdin file");
}

SELFTEST(harness_proc, output_capture_and_exit_status)
{
	const char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start");
	check_ok(h_wait_exit(&p, 5.0), errno, "h_wait_exit");
	cr_expect(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 3);
	char buf[64];
	cr_expect_str_eq(h_describe(&p, buf, sizeof(buf)), "exited with status 3");
	char *out = h_output(&p, 1), *err = h_output(&p, 2);
	cr_expect_str_eq(out, "out\n");
	cr_expect_str_eq(err, "err\n");
	free(out);
	free(err);

	/* stdin from a file. */
	const char *in = h_path("input");
	int fd = open(in, O_WRONLY | O_CREAT, 0600);
	cr_assert_eq(write_full(fd, "from file\n", 10), 10);
	close(fd);
	const char *cat[] = {"/bin/cat", NULL};
	check_ok(h_start(&p, cat, in), errno, "h_start cat");
	check_ok(h_wait_exit(&p, 5.0), errno, "h_wait_exit cat");
	out = h_output(&p, 1);
	cr_expect_str_eq(out, "from file\n");
	free(out);

	/* No stdin given: /dev/null, so cat ends at once. */
	check_ok(h_start(&p, cat, NULL), errno, "h_start cat");
	check_ok(h_wait_exit(&p, 5.0), errno, "cat with /dev/null as input ends");
}

SELFTEST(harness_proc, wait_exit_times_out_and_signal)
{
	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start sleep");
	char buf[64];
	cr_expect_str_eq(h_describe(&p, buf, sizeof(buf)), "still running");
	int64_t t0 = mono_ns();
	check_errno(h_wait_exit(&p, 0.1), errno, ETIMEDOUT, "h_wait_exit on sleep 100");
	double el = (double)(mono_ns() - t0) / 1e9;
	cr_expect(el >= 0.09 && el < 0.6, "waited %.3f s for a 0.1 s timeout", el);
	cr_expect_eq(p.done, 0);
	check_ok(h_signal(&p, SIGTERM), errno, "h_signal");
	check_ok(h_wait_exit(&p, 2.0), errno, "exit after SIGTERM");
	cr_expect_str_eq(h_describe(&p, buf, sizeof(buf)), "killed by SIGTERM");
}

/* A field of /proc/<pid>/status as a number (hex for Sig* masks). */
static unsigned long long status_field(int pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "re");
	cr_assert_not_null(f);
	unsigned long long v = ~0ULL;
	size_t fl = strlen(field);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, fl) && line[fl] == ':')
			v = strtoull(line + fl + 1, NULL, 16);
	fclose(f);
	return v;
}

SELFTEST(harness_proc, child_starts_clean)
{
	/* The test ignores SIGPIPE, blocks SIGUSR1 and holds a socket: none
	 * of it may reach the program. */
	signal(SIGPIPE, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int l = h_listen(h_path("held"), 1);
	check_ok(l, errno, "h_listen");
	int plain = open("/dev/null", O_RDONLY); /* without O_CLOEXEC */

	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct h_proc p;
	check_ok(h_start(&p, argv, NULL), errno, "h_start sleep");
	/* Until exec, the child's status shows the test's own state. */
	int64_t deadline = mono_deadline(2.0);
	char exe[64], target[256];
	snprintf(exe, sizeof(exe), "/proc/%d/exe", p.pid);
	for (;;) {
		ssize_t n = readlink(exe, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strstr(target, "sleep"))
			break;
		cr_assert_gt(mono_ms_left(deadline), 0, "sleep did not start");
		mono_sleep_ms(1);
	}
	cr_expect_eq(status_field(p.pid, "SigIgn") & (1ULL << (SIGPIPE - 1)), 0,
		     "SIGPIPE is not ignored in the child");
	cr_expect_eq(status_field(p.pid, "SigBlk"), 0, "no signal blocked in the child");
	/* The kernel closes O_CLOEXEC descriptors a moment after the new
	 * program image appears: give it until a deadline. */
	int leaked = -1;
	deadline = mono_deadline(1.0);
	do {
		leaked = -1;
		char fdpath[64];
		for (int fd = 3; fd < 64 && leaked < 0; fd++) {
			snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%d", p.pid, fd);
			if (access(fdpath, F_OK) == 0)
				leaked = fd;
		}
	} while (leaked >= 0 && mono_ms_left(deadline) > 0 && mono_sleep_ms(1) == 0);
	cr_expect_eq(leaked, -1, "fd %d leaked into the child", leaked);
	cr_expect_eq(getpgid(p.pid), p.pid, "the child leads its own group");
	h_stop(&p);
	close(l);
	close(plain);
}

SELFTEST(harness_proc, children_die_with_the_test_process)
{
	/* An intermediate process starts a program and exits without
	 * stopping it: PR_SET_PDEATHSIG must kill the program. */
	int pp[2];
	cr_assert(pipe(pp) == 0);
	pid_t mid = fork();
	cr_assert_geq(mid, 0);
	if (mid == 0) {
		struct h_proc p;
		const char *argv[] = {"/bin/sleep", "100", NULL};
		int pid = h_start(&p, argv, NULL) == 0 ? p.pid : -1;
		if (write(pp[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(2);
		_exit(0);
	}
	close(pp[1]);
	int pid = -1;
	cr_assert_eq(read(pp[0], &pid, sizeof(pid)), (ssize_t)sizeof(pid));
	close(pp[0]);
	waitpid(mid, NULL, 0);
	cr_assert_gt(pid, 0, "the intermediate could not start sleep");
	cr_expect(wait_dead(pid, 2.0), "sleep %d outlived the process that started it", pid);
}
