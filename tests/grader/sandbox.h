/* sandbox.h: the protections put around every process the grader starts
 * to run student code (the check binaries, and through them the student's
 * programs).
 *
 * Always: its own process group, a wall-clock limit enforced from outside
 * (run_limited.c), captured and capped output, and resource limits (CPU
 * time, file size, open files, core files; address space in plain builds).
 * RLIMIT_NPROC is not set: it counts every process of the user, so on a
 * student's desktop it would break checks, and it does not bind root.
 * Where the machine allows it (root, or unprivileged user namespaces):
 * new PID, network and mount namespaces, so that kill(-1, SIGKILL) or a
 * fork bomb reach nothing outside, connections to other hosts are
 * impossible (only a loopback interface exists), and every process left
 * behind dies with the namespace's init when the check ends; the
 * filesystem is read-only but for /tmp and /dev/shm (the project, its
 * build and the submission stay read-only even under /tmp), and the
 * capabilities that could undo that (CAP_SYS_ADMIN and others) are
 * dropped, so code running as root cannot rewrite the grader, the other
 * labs' binaries or the submission. Where a
 * cgroup pids controller is writable (v1 or v2), the number of processes a
 * check may have at once is capped, which stops a fork bomb even as root
 * (RLIMIT_NPROC does not bind root). When the grader is root, the check
 * also gets a user namespace of its own: it is root in there (so that tests
 * can still play a second user, uid 65534, and use raw sockets in their own
 * network namespace) but an unprivileged uid of its own on the host, which
 * RLIMIT_NPROC binds and which owns nothing outside its folder. Where no
 * user namespace can be made, root still runs the check as that uid, with
 * setuid and no new privileges. Which
 * protections are active is detected at run time and printed. */
#ifndef TESTS_GRADER_SANDBOX_H
#define TESTS_GRADER_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sandbox {
	int namespaces;         /* 1 when PID+net+mount namespaces work */
	/* 1 when, besides, the check runs in a user namespace of its own as an
	 * unprivileged host uid (see sandbox.c): root inside, nobody outside. */
	int userns;
	/* 1 when, without a user namespace, the grader (root) still runs the
	 * check as an unprivileged uid of its own, with setuid: the checks
	 * that need root to play a second user then say they cannot. */
	int drop_uid;
	char why_not_user[160]; /* why not, when the grader is root and it is not */
	char pids_cgroup[200];  /* a cgroup with pids.max for the checks, "" none */
	char why_not[160];      /* why they do not, when they do not */
	int limit_as;           /* 1 to limit the address space (not with ASan) */
	/* With namespaces: the whole filesystem is read-only for the check
	 * but for /tmp and /dev/shm, and these folders (the project, the
	 * build, the submission) are read-only even when under /tmp. */
	char read_only[3][4096];
	double cpu_seconds;     /* RLIMIT_CPU for each process */
};

/* Finds out, once, what this machine allows. Call sandbox_protect() first. Never fails: what does not
 * work is recorded with the reason. */
void sandbox_probe(struct sandbox *sb, int asan_build);

/* Names the folders the check must not write to (NULL to skip one). */
void sandbox_protect(struct sandbox *sb, const char *root, const char *build,
		     const char *submission);

/* Finds out whether the grader (root) can run checks as an unprivileged
 * uid without a user namespace (sets drop_uid). sandbox_probe() calls it
 * when the user namespace does not work; the grader calls it again when
 * namespaces are turned off. */
void sandbox_probe_uid_drop(struct sandbox *sb);

/* Removes what sandbox_probe() created (the pids cgroup). */
void sandbox_release(struct sandbox *sb);

/* One line saying which protections are active. */
const char *sandbox_describe(const struct sandbox *sb, char *buf, size_t cap);

/* Called in the forked child before exec: applies the limits and, when
 * available, enters the namespaces. work_dir (NULL for none) is the
 * check's own folder: with a user namespace it is given to the check's
 * unprivileged uid, with the files in it, so that the check can write there. With namespaces it returns in a
 * grandchild that runs as PID 2 under a small init (PID 1) that reaps
 * everything and ends the namespace with the command's status. Returns 0
 * to go on with exec, -1 with errno when a protection that was probed as
 * working could not be applied (the caller must not run the command). */
int sandbox_enter(const struct sandbox *sb, const char *work_dir);

/* Removes the sockets that killed Criterion runners left in /tmp (named
 * after pids no process has any more). */
void sandbox_remove_stale_sockets(void);

#endif
