/* harness_kernel_view_test.c: the harness's view of /proc (descriptor
 * counts, a thread blocked in a call), another user, stale socket files. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"

SELFTEST(harness_kernel_view, fd_count_follows_open_and_close)
{
	int before = check_count_fds();
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert(fd >= 0);
	cr_assert_eq(check_count_fds(), before + 1);
	cr_assert_eq(h_count_fds(getpid()), before + 1,
		     "counting by pid sees the same descriptors as /proc/self");
	close(fd);
	cr_assert_eq(check_count_fds(), before);
	cr_assert_eq(h_count_fds(999999999), -1, "no such process: -1");
}

struct reader {
	int fd;
	pid_t tid;
	volatile int started;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	r->tid = (pid_t)syscall(SYS_gettid);
	r->started = 1;
	char c;
	ssize_t n = read(r->fd, &c, 1);
	(void)n;
	return NULL;
}

SELFTEST(harness_kernel_view, blocked_in_names_the_call_and_its_fd)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	struct reader r = {sv[0], 0, 0};
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, reader_main, &r), 0);
	char dir[64] = "";
	long nr = -1;
	unsigned long arg0 = 0;
	int seen = 0;
	int64_t deadline = mono_deadline(5.0);
	while (!seen && mono_ms_left(deadline) > 0) {
		if (r.started && !dir[0])
			snprintf(dir, sizeof(dir), "/proc/self/task/%d", (int)r.tid);
		seen = dir[0] && h_blocked_in(dir, &nr, &arg0);
		if (!seen)
			mono_sleep_ms(1);
	}
	cr_assert(seen, "the reader thread was never seen blocked");
	cr_assert_eq(nr, SYS_read, "blocked in call %ld, expected read", nr);
	cr_assert_eq((int)arg0, sv[0]);
	cr_assert_eq(write(sv[1], "x", 1), 1);
	pthread_join(th, NULL);
	cr_assert_eq(h_blocked_in(dir, NULL, NULL), 0, "a finished thread blocks nowhere");
	close(sv[0]);
	close(sv[1]);
}

SELFTEST(harness_kernel_view, stale_file_refuses_connections)
{
	const char *p = h_path("stale.sock");
	cr_assert_eq(h_make_stale(p), 0, "h_make_stale: %s", strerror(errno));
	struct stat st;
	cr_assert(stat(p, &st) == 0 && S_ISSOCK(st.st_mode), "the socket file stays");
	int fd = h_connect(p);
	cr_assert(fd == -1 && errno == ECONNREFUSED, "nobody listens: ECONNREFUSED");
	cr_assert_eq(h_make_stale(p), -1, "a second bind on the same path fails");
}

SELFTEST(harness_kernel_view, another_user_or_fewer_capabilities)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (geteuid() != 0)
			_exit(h_become_other_user() == -1 ? 0 : 1);
		if (h_become_other_user() == 0)
			_exit(getuid() == H_OTHER_UID && getgid() == H_OTHER_UID ? 0 : 2);
		/* Refused here: dropping a capability must work instead. */
		static const int raw[] = {CAP_NET_RAW};
		if (h_drop_capabilities(raw, 1) != 0)
			_exit(3);
		_exit(socket(AF_INET, SOCK_RAW, 1) == -1 && errno == EPERM ? 0 : 4);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child reported %d (1: a non-root user became another, 2: wrong "
		  "ids, 3: capability drop failed, 4: raw socket still allowed)",
		  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

SELFTEST(harness_kernel_view, one_line_folds_output_for_messages)
{
	char a[] = "first\nsecond\n\n  ";
	cr_assert_str_eq(h_one_line(a), "first|second");
	char b[] = "\n \n";
	cr_assert_str_eq(h_one_line(b), "(nothing)");
	cr_assert_str_eq(h_one_line(NULL), "(none)");
	char c[] = "0123456789\n";
	cr_assert_str_eq(h_one_line_tail(c, 4), "6789", "the tail: how it ended");
	char d[] = "short";
	cr_assert_str_eq(h_one_line_tail(d, 0), "short");
}

SELFTEST(harness_kernel_view, child_named_finds_a_started_program)
{
	const char *argv[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
	struct h_proc p;
	cr_assert_eq(h_start(&p, argv, NULL), 0);
	/* The shell execs sleep in place: the pid stays, the name changes. */
	pid_t found = -1;
	int64_t deadline = mono_deadline(5.0);
	while (found < 0 && mono_ms_left(deadline) > 0) {
		found = h_child_named(getpid(), "sleep");
		if (found < 0)
			mono_sleep_ms(1);
	}
	cr_assert_eq(found, p.pid, "h_child_named(test, \"sleep\") gave %d, expected %d",
		     (int)found, (int)p.pid);
	cr_assert_eq(h_child_named(getpid(), "no-such-program"), -1);
	h_stop(&p);
}
