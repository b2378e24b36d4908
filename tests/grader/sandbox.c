/* sandbox.c: resource limits and namespaces around student code. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "sandbox.h"

#define NS_FLAGS (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS)
#define FILE_LIMIT (64L << 20)  /* a check writes traces, not gigabytes */
#define OPEN_FILES 4096         /* lab 08 serves 100+ clients at once */
#define ADDRESS_SPACE (4L << 30)
#define MAX_PIDS 512            /* processes of one check at a time */
/* Host uids given to checks: a range of 65536 (uid 0 to 65535 inside, so
 * that tests can still become uid 65534) per grader child. The ranges
 * start at 2^30, far above the uids of real users and of the subordinate
 * ranges that /etc/subuid usually hands out (100000 and up, 65536 each). */
#define USER_BASE 0x40000000u
#define USER_RANGE 65536u

static int write_text(const char *dir, const char *file, const char *text)
{
	char path[300];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Brings the loopback interface up: a new network namespace starts with
 * lo down, and the labs use 127.0.0.1 for the TCP contrasts. */
static int loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* In the new mount namespace: stop mount events from leaking out, and
 * mount a /proc that shows this PID namespace (the harness and the tests
 * read /proc/net/unix and /proc/<pid>). */
static int private_proc(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* Ends the calling process the way `status` says a child ended, so that
 * the grader sees the command's own exit status or signal. */
static void exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		signal(sig, SIG_DFL);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

/* Remounts the mount at dir read-only. The flags it has already (nosuid,
 * nodev, noexec, atime) are kept: in a user namespace they are locked, and
 * a remount that would clear one is refused with EPERM. */
static int remount_read_only(const char *dir)
{
	struct statvfs st;
	if (statvfs(dir, &st) < 0)
		return -1;
	unsigned long keep = st.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME |
					  ST_NODIRATIME | ST_RELATIME);
	return mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
}

/* Read-only everywhere but /tmp and /dev/shm, and read-only again for the
 * protected folders (which may live under /tmp, as a CI clone does). */
static int read_only_filesystem(const struct sandbox *sb)
{
	static const char *const writable[] = {"/tmp", "/dev/shm"};
	for (size_t i = 0; i < 2; i++)
		if (access(writable[i], F_OK) == 0 &&
		    mount(writable[i], writable[i], NULL, MS_BIND | MS_REC, NULL) < 0)
			return -1;
	for (size_t i = 0; i < 3; i++) {
		const char *dir = sb->read_only[i];
		if (!dir[0])
			continue;
		if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0 || remount_read_only(dir) < 0)
			return -1;
	}
	return remount_read_only("/");
}

/* Drops the capabilities that would let root undo the sandbox (remount,
 * load modules, reconfigure the network, trace or kill outside) from the
 * bounding set; the exec that follows then leaves them out. Kept: what the
 * checks use to play other users (setuid/setgid, chown, file access) and
 * raw sockets (lab 01). */
static int drop_capabilities(void)
{
	static const int drop[] = {
		CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_RAWIO, CAP_SYS_TIME,
		CAP_NET_ADMIN, CAP_MKNOD, CAP_SYS_CHROOT, CAP_SYS_PTRACE, CAP_LINUX_IMMUTABLE,
		CAP_MAC_ADMIN, CAP_MAC_OVERRIDE, CAP_SYSLOG, CAP_SYS_RESOURCE, CAP_BPF,
		CAP_PERFMON, CAP_CHECKPOINT_RESTORE, CAP_SETFCAP, CAP_SETPCAP,
	};
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	return 0;
}

/* The host uid (and gid) that is root in the user namespace of the grader
 * child pid. Taken from the pid, unique among the processes alive, so that
 * two checks graded at once (two students of a batch) never share a uid
 * and cannot open each other's files in /tmp. Pids above 32768 can share
 * a range with a pid 32768 lower, which is rare and costs only that. */
static uid_t user_base(pid_t pid)
{
	return USER_BASE + ((uid_t)pid % 32768u) * USER_RANGE;
}

static int write_map(pid_t pid, const char *file, uid_t base)
{
	char dir[64], line[64];
	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	snprintf(line, sizeof line, "0 %u %u\n", (unsigned)base, USER_RANGE);
	return write_text(dir, file, line);
}

/* Moves the caller into a new user namespace (and, owned by it, new PID,
 * network and mount namespaces) where it is root, mapped to the host uid
 * and gid base. A process that has unshared can no longer write a map of
 * more than its own uid; a helper forked before, still root on the host,
 * writes it. */
static int enter_user_ns(uid_t base)
{
	int go[2];
	if (pipe(go) < 0)
		return -1;
	pid_t parent = getpid();
	pid_t helper = fork();
	if (helper < 0) {
		int saved = errno;
		close(go[0]);
		close(go[1]);
		errno = saved;
		return -1;
	}
	if (helper == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(write_map(parent, "uid_map", base) == 0 &&
		      write_map(parent, "gid_map", base) == 0 ? 0 : 1);
	}
	close(go[0]);
	int rc = unshare(CLONE_NEWUSER | NS_FLAGS);
	int saved = errno;
	if (rc == 0 && write(go[1], "x", 1) != 1)
		rc = -1, saved = errno;
	close(go[1]);
	int status = 0;
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EPERM;
		return -1;
	}
	/* Until now the caller kept its host uid 0, which the namespace does
	 * not map; becoming its root makes it the unprivileged host uid. */
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return -1;
	return 0;
}

/* The host uid of the check being started (user_base() of the process
 * that enters the sandbox), kept for the processes it forks. */
static uid_t check_uid;

/* Without a user namespace: becomes the unprivileged host uid itself, for
 * good. No new privileges after that: a set-user-ID program (su, sudo,
 * mount) cannot give root back. */
static int become_check_uid(uid_t uid)
{
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Before the user namespace: a mount namespace of the host's root, where
 * the filesystem is made read-only as read_only_filesystem() says. Done
 * here because the unprivileged uid could not even reach a submission in
 * a 0700 folder to mount it; and the mounts the user namespace then
 * copies are locked, so its root cannot unmount them to write below. */
static int mounts_as_root(const struct sandbox *sb)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return read_only_filesystem(sb);
}

/* Gives a folder and the files directly in it to the host uid base, so
 * that the check's root can write its results and temp files there. */
static int give_folder(const char *dir, uid_t base)
{
	if (chown(dir, base, base) < 0)
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lchown(path, base, base) < 0)
			rc = -1;
	}
	int saved = errno;
	closedir(d);
	errno = saved;
	return rc;
}

void sandbox_protect(struct sandbox *sb, const char *root, const char *build,
		     const char *submission)
{
	const char *dirs[3] = {root, build, submission};
	for (size_t i = 0; i < 3; i++) {
		sb->read_only[i][0] = '\0';
		if (dirs[i] && !realpath(dirs[i], sb->read_only[i]))
			sb->read_only[i][0] = '\0';
	}
}

/* Makes the next process created in this PID namespace get number
 * next + 1. Criterion's runner names its socket /tmp/criterion_<pid>.sock
 * after its own pid; in a new namespace that pid would be 2 for every
 * check, and two checks graded at once would collide (become_init() says
 * which number is chosen instead). */
static int set_next_pid(pid_t next)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
	if (!f)
		return -1;
	int ok = fprintf(f, "%d", (int)next) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* PID 1 of the namespace: starts the command (returns 0 in its child),
 * reaps every process re-parented to it, and exits like the command when
 * that ends; its death kills whatever is left in the namespace. */
static int become_init(const struct sandbox *sb, int host_pid_pipe)
{
	/* The outer process tells init its pid as the host sees it. That pid
	 * is init's while the check runs, so no other process on the machine
	 * can hold it: given to the command, it names Criterion's socket
	 * without a clash. */
	int host_pid = 0;
	if (read(host_pid_pipe, &host_pid, sizeof host_pid) != (ssize_t)sizeof host_pid ||
	    host_pid < 2)
		_exit(126);
	close(host_pid_pipe);
	if (private_proc() < 0 || loopback_up() < 0 || set_next_pid(host_pid - 1) < 0)
		_exit(126);
	pid_t cmd = fork();
	if (cmd < 0)
		_exit(126);
	if (cmd == 0) {
		if ((!sb->userns && read_only_filesystem(sb) < 0) || drop_capabilities() < 0 ||
		    (sb->drop_uid && become_check_uid(check_uid) < 0))
			_exit(126);
		return 0;
	}
	for (;;) {
		int status;
		pid_t got = waitpid(-1, &status, 0);
		if (got == cmd) {
			/* A signal death becomes 128+sig here: PID 1 cannot
			 * kill itself with a default action. */
			_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						  : WEXITSTATUS(status));
		}
		if (got < 0 && errno == ECHILD)
			_exit(127);
	}
}

static void set_limit(int resource, rlim_t value)
{
	struct rlimit rl = {value, value};
	struct rlimit cur;
	/* Never try to raise a hard limit someone else set lower. */
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY &&
	    cur.rlim_max < value)
		rl.rlim_cur = rl.rlim_max = cur.rlim_max;
	setrlimit(resource, &rl);
}

int sandbox_enter(const struct sandbox *sb, const char *work_dir)
{
	set_limit(RLIMIT_CORE, 0);
	set_limit(RLIMIT_FSIZE, FILE_LIMIT);
	set_limit(RLIMIT_NOFILE, OPEN_FILES);
	set_limit(RLIMIT_CPU, (rlim_t)(sb->cpu_seconds + 1));
	if (sb->limit_as)
		set_limit(RLIMIT_AS, ADDRESS_SPACE);
	if (sb->pids_cgroup[0] && write_text(sb->pids_cgroup, "cgroup.procs", "0") < 0)
		return -1;
	check_uid = user_base(getpid());
	if (sb->userns || sb->drop_uid) {
		/* The uid's own count of processes: a fork bomb stops at the
		 * limit even where no pids cgroup is writable. */
		set_limit(RLIMIT_NPROC, MAX_PIDS);
		if (work_dir && give_folder(work_dir, check_uid) < 0)
			return -1;
	}
	if (!sb->namespaces)
		return sb->drop_uid ? become_check_uid(check_uid) : 0;
	int pfd[2];
	if (sb->userns) {
		if (mounts_as_root(sb) < 0 || enter_user_ns(check_uid) < 0)
			return -1;
	} else if (unshare(NS_FLAGS) < 0) {
		return -1;
	}
	if (pipe(pfd) < 0)
		return -1;
	pid_t init = fork();
	if (init < 0)
		return -1;
	if (init == 0) {
		close(pfd[1]);
		return become_init(sb, pfd[0]);
	}
	close(pfd[0]);
	int host_pid = (int)init;
	if (write(pfd[1], &host_pid, sizeof host_pid) != (ssize_t)sizeof host_pid)
		kill(init, SIGKILL);
	close(pfd[1]);
	/* The outer child stays outside the namespace, in the grader's
	 * process group, and passes the command's status on. */
	int status;
	while (waitpid(init, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 128 + 65)
		exit_like(WEXITSTATUS(status) - 128);
	exit_like(status);
	return -1;
}

/* A cgroup of the grader's own with pids.max set: the v1 pids hierarchy,
 * or cgroup v2 when its root delegates the pids controller. */
static void make_pids_cgroup(struct sandbox *sb)
{
	static const char *const bases[] = {"/sys/fs/cgroup/pids", "/sys/fs/cgroup"};
	for (size_t i = 0; i < 2; i++) {
		char probe[300];
		snprintf(probe, sizeof probe, "%s/pids.max", bases[i]);
		int v1_root = i == 0 && access(bases[i], W_OK) == 0;
		if (i == 1) {
			FILE *f = fopen("/sys/fs/cgroup/cgroup.subtree_control", "r");
			char line[256] = "";
			if (!f)
				continue;
			if (!fgets(line, sizeof line, f))
				line[0] = '\0';
			fclose(f);
			if (!strstr(line, "pids"))
				continue;
		} else if (!v1_root) {
			continue;
		}
		char dir[200], max[32];
		snprintf(dir, sizeof dir, "%s/socket-lab-grader-%d", bases[i], (int)getpid());
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			continue;
		snprintf(max, sizeof max, "%d", MAX_PIDS);
		if (write_text(dir, "pids.max", max) < 0) {
			rmdir(dir);
			continue;
		}
		snprintf(sb->pids_cgroup, sizeof sb->pids_cgroup, "%s", dir);
		return;
	}
}

void sandbox_release(struct sandbox *sb)
{
	if (sb->pids_cgroup[0]) {
		rmdir(sb->pids_cgroup);
		sb->pids_cgroup[0] = '\0';
	}
}

/* 1 when the folder can be entered: under a user namespace the check is
 * another user, who needs search permission on the way to the project and
 * its build (a project under a 0700 /root is out of its reach). */
static int reachable(const char *dir)
{
	return !dir[0] || access(dir, X_OK) == 0;
}

/* Tries the real thing in a throwaway child: 0 when every step works,
 * else the number of the step that failed (probe_reason() says it). */
static int probe_namespaces(const struct sandbox *sb, int with_user)
{
	pid_t pid = fork();
	if (pid < 0)
		return 13;
	if (pid == 0) {
		if (with_user && mounts_as_root(sb) < 0)
			_exit(17);
		if (with_user ? enter_user_ns(user_base(getpid())) < 0 : unshare(NS_FLAGS) < 0)
			_exit(with_user ? 20 : 10);
		pid_t init = fork();
		if (init == 0)
			_exit(private_proc() < 0 ? 11 : loopback_up() < 0 ? 12 :
			      set_next_pid(1000) < 0 ? 16 :
			      !reachable(sb->read_only[0]) || !reachable(sb->read_only[1]) ? 21 :
			      (!with_user && read_only_filesystem(sb) < 0) ? 17 :
			      drop_capabilities() < 0 ? 18 : 0);
		int status;
		if (init < 0 || waitpid(init, &status, 0) < 0)
			_exit(13);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 14);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 15;
}

static const char *probe_reason(int code)
{
	static const char *const reasons[] = {
		[10] = "unshare(CLONE_NEWPID|CLONE_NEWNET|CLONE_NEWNS) is not allowed here",
		[11] = "cannot mount /proc in a new mount namespace",
		[12] = "cannot bring up the loopback interface in a new network namespace",
		[13] = "cannot start an init process in a new PID namespace",
		[14] = "the namespace probe crashed",
		[15] = "the namespace probe crashed",
		[16] = "cannot choose pids in a new PID namespace (ns_last_pid)",
		[17] = "cannot make the filesystem read-only in a new mount namespace",
		[18] = "cannot drop capabilities",
		[20] = "cannot make a user namespace with a uid range mapped",
		[21] = "the project or its build is in a folder other users cannot enter "
		       "(chmod o+x on the folders above it)",
	};
	return code > 0 && code < 22 && reasons[code] ? reasons[code] : "unknown failure";
}

void sandbox_probe(struct sandbox *sb, int asan_build)
{
	/* Everything but the protected folders, which sandbox_protect() named
	 * and the probe below tries for real. */
	char keep[sizeof sb->read_only];
	memcpy(keep, sb->read_only, sizeof keep);
	memset(sb, 0, sizeof *sb);
	memcpy(sb->read_only, keep, sizeof keep);
	sb->limit_as = !asan_build;	/* ASan reserves terabytes of addresses */
	sb->cpu_seconds = 120;
	make_pids_cgroup(sb);
	if (geteuid() == 0) {
		int code = probe_namespaces(sb, 1);
		if (code == 0) {
			sb->namespaces = sb->userns = 1;
			return;
		}
		snprintf(sb->why_not_user, sizeof sb->why_not_user, "%s", probe_reason(code));
	}
	int code = probe_namespaces(sb, 0);
	if (code == 0)
		sb->namespaces = 1;
	else
		snprintf(sb->why_not, sizeof sb->why_not, "%s", probe_reason(code));
	if (geteuid() == 0)
		sandbox_probe_uid_drop(sb);
}

void sandbox_probe_uid_drop(struct sandbox *sb)
{
	sb->drop_uid = 0;
	if (geteuid() != 0)
		return;
	pid_t pid = fork();
	if (pid == 0)
		_exit(become_check_uid(user_base(getpid())) < 0 ? 20 :
		      !reachable(sb->read_only[0]) || !reachable(sb->read_only[1]) ? 21 : 0);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		sb->drop_uid = 1;
	else
		snprintf(sb->why_not_user, sizeof sb->why_not_user, "%s",
			 probe_reason(WIFEXITED(status) ? WEXITSTATUS(status) : 14));
}

void sandbox_remove_stale_sockets(void)
{
	/* Criterion's runner socket is /tmp/criterion_<pid>.sock, with the pid
	 * as the runner saw it. Under namespaces that is the pid of the
	 * check's init on the host, alive while the check runs; once no
	 * process has that pid, the file is stale. */
	DIR *d = opendir("/tmp");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		int pid;
		char tail[16];
		if (sscanf(e->d_name, "criterion_%d%15s", &pid, tail) != 2 ||
		    strcmp(tail, ".sock") != 0 || pid <= 1)
			continue;
		if (kill(pid, 0) < 0 && errno == ESRCH) {
			char path[300];
			snprintf(path, sizeof path, "/tmp/%s", e->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

const char *sandbox_describe(const struct sandbox *sb, char *buf, size_t cap)
{
	snprintf(buf, cap,
		 "Sandbox: own process group, wall-clock limit, output cap, limits on "
		 "CPU/file size/open files/core%s%s; %s; %s%s%s; %s%s%s",
		 sb->limit_as ? "/address space" : "", sb->userns || sb->drop_uid ? "/processes" : "",
		 sb->pids_cgroup[0] ? "at most 512 processes (pids cgroup)"
				    : "no process-count limit (no writable pids cgroup)",
		 sb->namespaces ? "PID, network and mount namespaces, read-only files "
				  "but /tmp (project, build and submission read-only), "
				  "capabilities to undo that dropped"
				: "no namespaces (",
		 sb->namespaces ? "" : sb->why_not, sb->namespaces ? "" : ")",
		 sb->userns ? "checks run as an unprivileged uid of their own (user namespace)"
		 : sb->drop_uid ? "checks run as an unprivileged uid of their own (no user "
				  "namespace: checks that need root to play a second user say "
				  "they cannot"
		 : geteuid() == 0 ? "checks run as root (" : "checks run as you",
		 !sb->userns && geteuid() == 0 ? (sb->drop_uid ? "" : sb->why_not_user[0]
						  ? sb->why_not_user : "no user namespace")
					       : "",
		 !sb->userns && geteuid() == 0 ? ")" : "");
	return buf;
}
