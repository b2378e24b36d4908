/* print.c: what copytrace prints about a report.
 *
 * One line per direction, in the words of the lesson (who wrote how many
 * bytes in how many calls, who read them in how many), then, on request,
 * one line per chunk: which bytes of which write which read took, and how
 * long after the write started the read returned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy_tracing.h"

/* The basename of the program in an execve's first argument. */
static int exec_name(const struct trace_event *ev, char *buf, size_t cap)
{
	char arg[512], path[256];
	int trunc = 0;
	if (trace_arg(ev, 0, arg, sizeof(arg)) < 0 ||
	    trace_unquote(arg, path, sizeof(path), &trunc) < 0)
		return -1;
	const char *base = strrchr(path, '/');
	snprintf(buf, cap, "%s", base ? base + 1 : path);
	return 0;
}

/* The pid whose fork, vfork, clone or clone3 returned pid, or 0. */
static int parent_of(const struct trace *t, int pid)
{
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL || !ev->has_ret || ev->ret != pid)
			continue;
		if (strncmp(ev->name, "clone", 5) == 0 || strcmp(ev->name, "fork") == 0 ||
		    strcmp(ev->name, "vfork") == 0)
			return ev->pid;
	}
	return 0;
}

const char *ct_proc_name(const struct trace *t, int pid, char *buf, size_t cap)
{
	if (pid == 0) {
		snprintf(buf, cap, "(not traced)");
		return buf;
	}
	char prog[256] = "";
	/* A child that did not exec runs its parent's program; a few steps
	 * up are enough (and stop a loop in a garbled trace). */
	for (int who = pid, depth = 0; t && who > 0 && depth < 8 && !prog[0]; depth++) {
		for (size_t k = 0; k < t->n; k++) {
			const struct trace_event *ev = &t->ev[k];
			if (ev->kind == TRACE_CALL && ev->pid == who &&
			    strcmp(ev->name, "execve") == 0 && ev->has_ret && ev->ret == 0)
				exec_name(ev, prog, sizeof(prog));
		}
		who = parent_of(t, who);
	}
	if (prog[0])
		snprintf(buf, cap, "%s %d", prog, pid);
	else
		snprintf(buf, cap, "pid %d", pid);
	return buf;
}

/* Names one end of a direction: its process, or what is known of it. */
static const char *end_name(const struct trace *t, int pid, unsigned long inode, char *buf,
			    size_t cap)
{
	if (pid)
		return ct_proc_name(t, pid, buf, cap);
	if (inode)
		snprintf(buf, cap, "socket %lu (no calls traced)", inode);
	else
		snprintf(buf, cap, "an unknown socket");
	return buf;
}

/* The ordinals (1-based) of the calls among their direction's calls of
 * the same kind that moved bytes (write #1, #2, ... and read #1, #2, ...),
 * in one pass. Returns a malloc'ed array of r->ncalls entries, or NULL. */
static long *ordinals(const struct ct_report *r)
{
	long *ord = calloc(r->ncalls + 1, sizeof(*ord));
	long *seen = calloc(2 * (r->ndirs + 1), sizeof(*seen));
	if (ord && seen) {
		for (size_t k = 0; k < r->ncalls; k++) {
			const struct ct_call *c = &r->calls[k];
			if (c->bytes > 0 && c->dir < r->ndirs)
				ord[k] = ++seen[2 * c->dir + (c->op == CT_READ)];
		}
	}
	free(seen);
	return ord;
}

static void print_dir(FILE *out, const struct trace *t, const struct ct_report *r, size_t d,
		      int pairs, const long *ord)
{
	const struct ct_dir *dir = &r->dirs[d];
	char a[300], b[300];
	fprintf(out, "%s -> %s: %ld writes %ld B, %ld reads %ld B",
		end_name(t, dir->from_pid, dir->from, a, sizeof(a)),
		end_name(t, dir->to_pid, dir->to, b, sizeof(b)), dir->writes,
		dir->bytes_written, dir->reads, dir->bytes_read);
	if (dir->eofs)
		fprintf(out, ", %ld EOF", dir->eofs);
	if (dir->failed)
		fprintf(out, ", %ld failed", dir->failed);
	if (dir->unfinished)
		fprintf(out, ", %ld unfinished", dir->unfinished);
	fprintf(out, "\n  sockets %lu -> %lu; %ld B paired", dir->from, dir->to,
		dir->bytes_paired);
	if (dir->bytes_written > dir->bytes_paired)
		fprintf(out, ", %ld B written and not read in the trace",
			dir->bytes_written - dir->bytes_paired);
	fputc('\n', out);
	/* Failed calls say why: the errno is the story (EPIPE, EAGAIN). A
	 * few are enough to tell it. */
	long shown = 0, failures = dir->failed + dir->unfinished;
	for (size_t k = 0; k < r->ncalls; k++) {
		const struct ct_call *c = &r->calls[k];
		if (c->dir != d || (c->bytes >= 0 && !c->unfinished))
			continue;
		if (shown++ == 5) {
			fprintf(out, "    ... and %ld more failed or unfinished calls\n",
				failures - 5);
			break;
		}
		const struct trace_event *ev = &t->ev[c->ev];
		fprintf(out, "    %s on fd %d %s\n", ev->name, c->fd,
			c->unfinished ? "never returned (still blocked when tracing ended)"
				      : ev->errname[0] ? ev->errname : "failed");
	}
	if (!pairs || !ord)
		return;
	double t0 = -1;
	for (size_t k = 0; k < dir->nchunks; k++) {
		const struct ct_chunk *ch = &r->chunks[dir->first_chunk + k];
		const struct ct_call *w = &r->calls[ch->w], *rd = &r->calls[ch->r];
		const struct trace_event *we = &t->ev[w->ev], *re = &t->ev[rd->ev];
		double rend = re->ts + (re->duration > 0 ? re->duration : 0);
		if (t0 < 0)
			t0 = we->ts;
		fprintf(out, "    write #%ld bytes %ld..%ld (%ld B) -> read #%ld; written at "
			"+%.6f s, read by +%.6f s\n", ord[ch->w], ch->offset,
			ch->offset + ch->bytes - 1, ch->bytes, ord[ch->r], we->ts - t0, rend - t0);
	}
}

void ct_print_report(FILE *out, const struct trace *t, const struct ct_report *r, int pairs)
{
	fprintf(out, "%zu data calls on UNIX stream sockets, %zu directions\n", r->ncalls,
		r->ndirs);
	long *ord = pairs ? ordinals(r) : NULL;
	for (size_t d = 0; d < r->ndirs; d++)
		print_dir(out, t, r, d, pairs, ord);
	free(ord);
}
