/* trace_flow_lanes.c: one lane per process of a trace, named after the
 * program it runs.
 *
 * A lane is named from the last successful execve() of its pid (the
 * basename of the path), and a pid that never executed anything carries
 * the program its parent ran when it forked it: a forked server worker is
 * still "server". The parent is the pid whose fork, vfork, clone or
 * clone3 returned the child's pid. */
#include "trace_flow_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fork seen in the parent, applied to the child at the end (the child's
 * first line can come before the parent's fork returns). */
struct birth {
	int child, parent, thread;
	char prog[64]; /* the parent's program when it forked */
};

static struct flow_lane *lane_get(struct flow_build *b, struct flow_keytab *by_pid,
				  int pid, size_t ev)
{
	struct flow *f = b->f;
	char key[16];
	snprintf(key, sizeof(key), "%d", pid);
	size_t k = flow_key_get(by_pid, key);
	if (k != FLOW_NONE)
		return &f->lanes[k];
	if (flow_grow((void **)&f->lanes, &b->cap_lanes, f->nlanes + 1, sizeof(*f->lanes)) < 0 ||
	    flow_key_put(by_pid, key, f->nlanes) < 0)
		return NULL;
	struct flow_lane *l = &f->lanes[f->nlanes++];
	memset(l, 0, sizeof(*l));
	l->pid = pid;
	l->exec_ev = FLOW_NONE;
	l->first_ev = ev;
	l->last_ev = ev;
	return l;
}

static int is_fork(const char *name)
{
	return strcmp(name, "clone") == 0 || strcmp(name, "clone3") == 0 ||
	       strcmp(name, "fork") == 0 || strcmp(name, "vfork") == 0;
}

/* Takes the program path from execve's first argument. */
static void note_exec(struct flow_lane *l, const struct trace_event *ev, size_t k)
{
	char arg[600], path[sizeof(l->exe)];
	if (trace_arg(ev, 0, arg, sizeof(arg)) < 0 ||
	    trace_unquote(arg, path, sizeof(path), NULL) < 0)
		return;
	flow_copy(l->exe, sizeof(l->exe), path);
	const char *slash = strrchr(path, '/');
	flow_copy(l->prog, sizeof(l->prog), slash ? slash + 1 : path);
	l->exec_ev = k;
}

static int cmp_pid(const void *a, const void *b, void *arg)
{
	const struct flow *f = arg;
	int x = f->lanes[*(const size_t *)a].pid, y = f->lanes[*(const size_t *)b].pid;
	return x < y ? -1 : x > y;
}

int flow_scan_lanes(struct flow_build *b)
{
	const struct trace *t = b->t;
	struct flow *f = b->f;
	struct birth *births = NULL;
	size_t nbirths = 0, cap = 0;
	struct flow_keytab by_pid = {0};
	int rc = -1;

	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		struct flow_lane *l = lane_get(b, &by_pid, ev->pid, k);
		if (!l)
			goto out;
		l->last_ev = k;
		if (ev->kind == TRACE_EXIT || ev->kind == TRACE_KILLED) {
			l->ended = ev->kind == TRACE_EXIT ? 1 : 2;
			l->status = ev->status;
		}
		if (ev->kind != TRACE_CALL || !ev->has_ret)
			continue;
		if (strcmp(ev->name, "execve") == 0 && ev->ret == 0) {
			note_exec(l, ev, k);
		} else if (is_fork(ev->name) && ev->ret > 0 && ev->ret <= 0x7fffffff) {
			if (flow_grow((void **)&births, &cap, nbirths + 1, sizeof(*births)) < 0)
				goto out;
			struct birth *bi = &births[nbirths++];
			bi->child = (int)ev->ret;
			bi->parent = ev->pid;
			bi->thread = ev->args && strstr(ev->args, "CLONE_THREAD") != NULL;
			flow_copy(bi->prog, sizeof(bi->prog), l->prog);
		}
	}
	for (size_t k = 0; k < nbirths; k++) {
		char key[16];
		snprintf(key, sizeof(key), "%d", births[k].child);
		size_t j = flow_key_get(&by_pid, key);
		if (j != FLOW_NONE && !f->lanes[j].ppid) {
			struct flow_lane *l = &f->lanes[j];
			l->ppid = births[k].parent;
			l->thread = births[k].thread;
			if (l->exec_ev == FLOW_NONE)
				flow_copy(l->prog, sizeof(l->prog), births[k].prog);
		}
	}
	for (size_t j = 0; j < f->nlanes; j++) {
		struct flow_lane *l = &f->lanes[j];
		if (l->prog[0])
			snprintf(l->name, sizeof(l->name), "%s %d", l->prog, l->pid);
		else
			snprintf(l->name, sizeof(l->name), "pid %d", l->pid);
	}
	/* A sorted index for flow_lane_of(). */
	f->lanes_by_pid = malloc((f->nlanes ? f->nlanes : 1) * sizeof(*f->lanes_by_pid));
	if (!f->lanes_by_pid) {
		errno = ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < f->nlanes; j++)
		f->lanes_by_pid[j] = j;
	qsort_r(f->lanes_by_pid, f->nlanes, sizeof(*f->lanes_by_pid), cmp_pid, f);
	rc = 0;
out:;
	int saved = errno;
	free(births);
	flow_key_free(&by_pid);
	errno = saved;
	return rc;
}
