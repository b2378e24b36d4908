/* kernel_view.c: what /proc says about the test's own processes (open
 * descriptors, a thread blocked in a call), and the test acting as another
 * user or leaving a stale socket file: small pieces every lab's checks use. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness_internal.h"

int h_count_fds(pid_t pid)
{
	char dir[64];
	if (pid > 0)
		snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	else
		snprintf(dir, sizeof(dir), "/proc/self/fd");
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	/* The directory stream's own descriptor was counted in this
	 * process's folder; it is not one of the test's. */
	return pid > 0 && pid != getpid() ? n : n - 1;
}

/* Reads a small /proc file whole into buf. Returns its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	ssize_t n = read(f, buf, cap - 1);
	int saved = errno;
	close(f);
	errno = saved;
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

char h_task_state(const char *task_dir)
{
	char path[128], buf[512];
	snprintf(path, sizeof(path), "%s/stat", task_dir);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	/* The state follows the command name, which may hold blanks and
	 * parentheses: look after the last ')'. */
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

int h_blocked_in(const char *task_dir, long *nr, unsigned long *arg0)
{
	if (h_task_state(task_dir) != 'S')
		return 0;
	char path[128], buf[512];
	snprintf(path, sizeof(path), "%s/syscall", task_dir);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	long n;
	unsigned long a0;
	if (sscanf(buf, "%ld %lx", &n, &a0) != 2)
		return 0;	/* "running", or "-1 ..." outside any call */
	if (nr)
		*nr = n;
	if (arg0)
		*arg0 = a0;
	return 1;
}

const long h_read_calls[] = {SYS_read, SYS_recvfrom, SYS_recvmsg, SYS_readv, -1};
const long h_send_calls[] = {SYS_write, SYS_sendto, SYS_sendmsg, SYS_writev, -1};

int h_blocked_in_one_of(const char *task_dir, const long nrs[], int fd)
{
	long nr;
	unsigned long arg0;
	if (!h_blocked_in(task_dir, &nr, &arg0))
		return 0;
	for (size_t i = 0; nrs[i] >= 0; i++)
		if (nrs[i] == nr)
			return fd < 0 || (int)arg0 == fd;
	return 0;
}

int h_become_other_user(void)
{
	if (geteuid() != 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setgid(H_OTHER_UID) < 0 || setuid(H_OTHER_UID) < 0)
		return -1;
	return 0;
}

int h_make_stale(const char *addr)
{
	struct sockaddr_un a;
	int len = h_sockaddr(addr, &a);
	if (len < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int rc = bind(fd, (struct sockaddr *)&a, (socklen_t)len);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int h_drop_capabilities(const int caps[], size_t n)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) == -1)
		return -1;
	for (size_t k = 0; k < n; k++) {
		/* From the bounding set too, so that no exec gives it back. */
		if (prctl(PR_CAPBSET_DROP, caps[k], 0, 0, 0) == -1)
			return -1;
		unsigned i = CAP_TO_INDEX(caps[k]), bit = CAP_TO_MASK(caps[k]);
		data[i].effective &= ~bit;
		data[i].permitted &= ~bit;
		data[i].inheritable &= ~bit;
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

pid_t h_child_named(pid_t parent, const char *comm)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	pid_t found = -1;
	struct dirent *de;
	while (found < 0 && (de = readdir(d)) != NULL) {
		char path[300], buf[512];
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		/* "pid (comm) state ppid ...": comm may hold blanks and
		 * parentheses, so it ends at the last ')'. */
		char *open_paren = strchr(buf, '(');
		char *paren = strrchr(buf, ')');
		int ppid;
		if (!open_paren || !paren || paren < open_paren ||
		    sscanf(paren + 2, "%*c %d", &ppid) != 1 || ppid != parent)
			continue;
		*paren = '\0';
		if (strcmp(open_paren + 1, comm) == 0)
			found = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	return found;
}
