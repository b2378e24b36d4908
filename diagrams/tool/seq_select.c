/* seq_select.c: which processes get a lifeline, where it goes, and which
 * events are drawn.
 *
 * A scenario runs the lab's programs from a shell, and the trace holds the
 * shell too. With --bin DIR only processes that executed a program from
 * DIR are drawn, with --keep NAMES those running the programs named (both
 * together: either), and children they forked without executing anything;
 * each from its execve() on: what the shell did in the child before the
 * execve is not the program's. Where the lanes go is seq_columns.c's. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"

static int socket_proto(const char *proto)
{
	return strncmp(proto, "UNIX", 4) == 0 || strncmp(proto, "TCP", 3) == 0 ||
	       strncmp(proto, "UDP", 3) == 0;
}

/* Whether argument i of ev is an fd tagged as a socket by -yy. */
static int socket_arg(const struct trace_event *ev, int i)
{
	char text[512];
	struct trace_fd fd;
	return trace_arg(ev, i, text, sizeof(text)) >= 0 && trace_parse_fd(text, &fd) == 0 &&
	       socket_proto(fd.proto);
}

static int name_in(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

int seq_shown(const struct seq *s, size_t k)
{
	static const char *const always[] = {
		"socket", "socketpair", "bind", "listen", "connect", "accept", "accept4",
		"shutdown", "setsockopt", "getsockopt", "getsockname", "getpeername",
		"unlink", "unlinkat", "umask", "chmod", "fchmod", "fchmodat", NULL,
	};
	static const char *const on_socket[] = {
		"read", "write", "readv", "writev", "send", "sendto", "sendmsg", "recv",
		"recvfrom", "recvmsg", "close", "fcntl", "ioctl", NULL,
	};
	static const char *const waits[] = {
		"poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", NULL,
	};
	const struct trace_event *ev = &s->t->ev[k];
	switch (ev->kind) {
	case TRACE_CALL:
		if (strcmp(ev->name, "execve") == 0)
			return ev->has_ret && ev->ret == 0;
		if (name_in(ev->name, always))
			return 1;
		if (name_in(ev->name, on_socket))
			return socket_arg(ev, 0);
		if (name_in(ev->name, waits))
			return ev->args && (strstr(ev->args, "<UNIX") || strstr(ev->args, "<TCP"));
		return 0;
	case TRACE_SIGNAL:
		return strcmp(ev->name, "SIGCHLD") != 0;
	case TRACE_EXIT:
	case TRACE_KILLED:
		return 1;
	default:
		return 0;
	}
}

/* Whether path lies inside dir (both made absolute when they exist). */
static int inside(const char *path, const char *dir_real)
{
	char real[PATH_MAX];
	const char *p = realpath(path, real) ? real : path;
	size_t n = strlen(dir_real);
	return strncmp(p, dir_real, n) == 0 && p[n] == '/';
}

static int listed(const char *prog, const char *names)
{
	size_t n = strlen(prog);
	for (const char *p = names; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && n > 0 && strncmp(p, prog, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* Marks the flow lanes to draw in keep[]. */
static void choose(const struct seq *s, char *keep)
{
	const struct flow *f = s->f;
	char dir_real[PATH_MAX] = "";
	if (s->opts.bin_dir && !realpath(s->opts.bin_dir, dir_real))
		snprintf(dir_real, sizeof(dir_real), "%s", s->opts.bin_dir);
	for (size_t k = 0; k < f->nlanes; k++) {
		const struct flow_lane *l = &f->lanes[k];
		if (!s->opts.bin_dir && !s->opts.keep)
			keep[k] = 1;
		else
			keep[k] = (s->opts.bin_dir && l->exe[0] && inside(l->exe, dir_real)) ||
				  (s->opts.keep && listed(l->prog, s->opts.keep));
	}
	if (!s->opts.bin_dir && !s->opts.keep)
		return;
	/* Children that never executed anything run their parent's program.
	 * Repeat until nothing changes: a grandchild may come first. */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t k = 0; k < f->nlanes; k++) {
			const struct flow_lane *l = &f->lanes[k];
			if (keep[k] || l->exec_ev != FLOW_NONE || !l->ppid)
				continue;
			const struct flow_lane *p = flow_lane_of(f, l->ppid);
			if (p && keep[p - f->lanes]) {
				keep[k] = 1;
				changed = 1;
			}
		}
	}
}

size_t seq_lane_of(const struct seq *s, int pid)
{
	for (size_t k = 0; k < s->nlanes; k++)
		if (s->lanes[k].pid == pid)
			return k;
	return FLOW_NONE;
}

int seq_select(struct seq *s)
{
	const struct flow *f = s->f;
	const struct trace *t = s->t;
	char *keep = calloc(f->nlanes ? f->nlanes : 1, 1);
	size_t *shown = calloc(f->nlanes ? f->nlanes : 1, sizeof(*shown));
	s->lane_of_pid_ev = malloc((t->n ? t->n : 1) * sizeof(*s->lane_of_pid_ev));
	s->lanes = calloc(f->nlanes ? f->nlanes : 1, sizeof(*s->lanes));
	if (!keep || !shown || !s->lane_of_pid_ev || !s->lanes) {
		free(keep);
		free(shown);
		errno = ENOMEM;
		return -1;
	}
	choose(s, keep);
	/* Count what each kept lane would draw; lanes with nothing go. */
	for (size_t k = 0; k < t->n; k++) {
		const struct flow_lane *l = flow_lane_of(f, t->ev[k].pid);
		size_t li = l ? (size_t)(l - f->lanes) : FLOW_NONE;
		size_t from = l && l->exec_ev != FLOW_NONE ? l->exec_ev : 0;
		if (li != FLOW_NONE && keep[li] && k >= from && seq_shown(s, k))
			shown[li]++;
	}
	for (size_t li = 0; li < f->nlanes; li++) {
		if (!keep[li] || shown[li] == 0)
			continue;
		if (s->nlanes >= (size_t)s->opts.max_lanes) {
			s->dropped_lanes++;
			continue;
		}
		const struct flow_lane *l = &f->lanes[li];
		struct seq_lane *sl = &s->lanes[s->nlanes++];
		sl->flow_lane = li;
		sl->pid = l->pid;
		snprintf(sl->prog, sizeof(sl->prog), "%s", l->prog[0] ? l->prog : "pid");
		sl->from_ev = l->exec_ev != FLOW_NONE ? l->exec_ev : 0;
		sl->ended = l->ended;
		sl->first_row = sl->last_row = FLOW_NONE;
	}
	for (size_t k = 0; k < t->n; k++) {
		size_t sl = seq_lane_of(s, t->ev[k].pid);
		if (sl != FLOW_NONE && k < s->lanes[sl].from_ev)
			sl = FLOW_NONE;
		s->lane_of_pid_ev[k] = sl;
		if (sl != FLOW_NONE && t->ev[k].kind == TRACE_CALL &&
		    (strcmp(t->ev[k].name, "listen") == 0))
			s->lanes[sl].server = 1;
	}
	free(keep);
	free(shown);
	return 0;
}
