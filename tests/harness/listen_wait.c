/* listen_wait.c: waiting until a program listens on a UNIX socket address.
 *
 * /proc/net/unix lists every UNIX socket of the network namespace; a
 * listening one has flag __SO_ACCEPTCON (0x10000) and shows its address
 * in the last column: the path, or '@' and the abstract name with its NUL
 * bytes shown as '@'. Polling it every 2 ms tells "ready" apart from
 * "still starting" without a fixed sleep, and a server that exits before
 * listening is noticed at once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness_internal.h"

#define SO_ACCEPTCON_FLAG 0x10000UL

/* Calls fn on the address of each listening socket until it returns 1.
 * Returns 1 when fn did, 0 when none matched, -1 when the file could not
 * be read. */
static int each_listener(int (*fn)(const char *name, void *arg), void *arg)
{
	char *text;
	size_t len;
	int fd = open("/proc/net/unix", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = read_all(fd, 64u << 20, &text, &len);
	close(fd);
	if (rc < 0)
		return -1;
	int found = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long flags, inode;
		unsigned int type, state;
		int pos = -1;
		/* Num: RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %lx %x %x %lu %n", &flags, &type, &state,
			   &inode, &pos) < 4 || pos < 0)
			continue;
		if (!(flags & SO_ACCEPTCON_FLAG))
			continue;
		found = fn(line + pos, arg);
	}
	free(text);
	return found;
}

static int same_name(const char *name, void *arg)
{
	return strcmp(name, (const char *)arg) == 0;
}

/* Collects listeners whose name starts like the wanted one (or the other
 * way round): an abstract name padded with '@' (NUL bytes) or a path cut
 * short is the usual student bug, worth naming in the message. */
struct near {
	const char *want;
	char text[256];
	int count;
};

static int near_name(const char *name, void *arg)
{
	struct near *n = arg;
	size_t lw = strlen(n->want), ln = strlen(name);
	size_t common = lw < ln ? lw : ln;
	if (common < 2 || strncmp(name, n->want, common) != 0 || n->count >= 2)
		return 0;
	size_t used = strlen(n->text);
	snprintf(n->text + used, sizeof(n->text) - used, "%s%.100s%s",
		 n->count ? ", " : "", name, ln > 100 ? "..." : "");
	n->count++;
	return 0;
}

/* Appends "; its stderr: ..." (the last part of it, on one line). */
static void add_stderr(const struct h_proc *p, char *why, size_t cap)
{
	char *err = h_output(p, 2);
	size_t len = strlen(err);
	while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == ' '))
		err[--len] = '\0';
	for (size_t k = 0; k < len; k++)
		if (err[k] == '\n')
			err[k] = '|';
	size_t used = strlen(why);
	if (len == 0)
		snprintf(why + used, cap - used, "; it wrote nothing on stderr");
	else
		snprintf(why + used, cap - used, "; its stderr: %s%s",
			 len > 400 ? "..." : "", len > 400 ? err + len - 400 : err);
	free(err);
}

int h_wait_listening(struct h_proc *p, const char *addr, double timeout_s,
		     char *why, size_t cap)
{
	char dummy[1];
	if (!why || cap == 0) {
		why = dummy;
		cap = sizeof(dummy);
	}
	why[0] = '\0';
	if (!p || p->pid <= 0 || !addr) {
		snprintf(why, cap, "h_wait_listening: no process or no address");
		errno = EINVAL;
		return -1;
	}
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		int found = each_listener(same_name, (void *)addr);
		if (found == 1)
			return 0;
		if (found < 0) {
			int saved = errno;
			snprintf(why, cap, "cannot read /proc/net/unix: %s", strerror(saved));
			errno = saved;
			return -1;
		}
		if (!p->done) {
			int status;
			pid_t r = h__wait_pid(p->pid, &status, 0);
			if (r == p->pid) {
				p->status = status;
				p->done = 1;
				h__reaped(p->pid);
			}
		}
		if (p->done) {
			char how[96];
			h_describe(p, how, sizeof(how));
			snprintf(why, cap, "%s %s before listening on %s", p->name, how, addr);
			add_stderr(p, why, cap);
			errno = ECHILD;
			return -1;
		}
		if (mono_ms_left(deadline) == 0)
			break;
		mono_sleep_ms(2);
	}
	struct near n = {.want = addr};
	each_listener(near_name, &n);
	snprintf(why, cap, "%s was still running but not listening on %s after %.1f s",
		 p->name, addr, timeout_s);
	if (n.count) {
		size_t used = strlen(why);
		snprintf(why + used, cap - used, " (listening instead: %s)", n.text);
	}
	add_stderr(p, why, cap);
	errno = ETIMEDOUT;
	return -1;
}
