/* strace_read.c: a whole trace file into records, split calls joined.
 *
 * With -f, strace prints a call that blocks as two lines, "<unfinished
 * ...>" when it starts and "<... name resumed>" when it returns, with
 * other processes' lines in between. The joined record takes the place of
 * the first half (its timestamp is when the call started) and the
 * arguments, return value and duration of both halves together. */
#include "strace_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A call whose first half was seen and whose second half was not yet. */
struct pending {
	int pid;
	size_t index;
};

struct reader {
	struct trace *t;
	struct pending *pend;
	size_t npend, cappend;
};

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size) {
		errno = ENOMEM;
		return -1;
	}
	void *p = realloc(*arr, ncap * size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

static int append(struct trace *t, struct trace_event *ev)
{
	if (grow((void **)&t->ev, &t->cap, t->n + 1, sizeof(*t->ev)) < 0)
		return -1;
	t->ev[t->n++] = *ev;
	return 0;
}

static long find_pending(struct reader *r, int pid)
{
	for (size_t k = 0; k < r->npend; k++)
		if (r->pend[k].pid == pid)
			return (long)k;
	return -1;
}

static void drop_pending(struct reader *r, long k)
{
	r->pend[k] = r->pend[--r->npend];
}

/* a + b in a new buffer, or NULL. */
static char *concat(const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *d = malloc(la + ls + lb + 1);
	if (d) {
		memcpy(d, a, la);
		memcpy(d + la, sep, ls);
		memcpy(d + la + ls, b, lb + 1);
	}
	return d;
}

/* Completes the pending first half at index with its resumed second half
 * ev (consumed). */
static int join(struct trace_event *first, struct trace_event *ev)
{
	char *args = concat(first->args ? first->args : "", "", ev->args ? ev->args : "");
	char *line = concat(first->line ? first->line : "", "\n", ev->line ? ev->line : "");
	if (!args || !line) {
		free(args);
		free(line);
		trace_event_free(ev);
		errno = ENOMEM;
		return -1;
	}
	free(first->args);
	free(first->line);
	free(first->ret_text);
	first->args = args;
	first->line = line;
	first->ret_text = ev->ret_text;
	ev->ret_text = NULL;
	first->ret = ev->ret;
	first->has_ret = ev->has_ret;
	first->err = ev->err;
	memcpy(first->errname, ev->errname, sizeof(first->errname));
	first->duration = ev->duration;
	if (first->pid == 0)
		first->pid = ev->pid;
	trace_event_free(ev);
	return 0;
}

static int add_line(struct reader *r, const char *line)
{
	struct trace_event ev;
	enum trace_part part;

	if (trace_parse_line_part(line, &ev, &part) < 0 && errno == ENOMEM) {
		trace_event_free(&ev);
		return -1;
	}
	if (ev.kind == TRACE_OTHER && ev.line && ev.line[0] == '\0') {
		trace_event_free(&ev); /* blank lines carry nothing */
		return 0;
	}
	long k = find_pending(r, ev.pid);
	if (part == PART_RESUMED && k < 0 && ev.pid != 0) {
		/* On a terminal, strace leaves out the pid while one process
		 * is traced: the first half may have been printed without it. */
		long z = find_pending(r, 0);
		if (z >= 0 && strcmp(r->t->ev[r->pend[z].index].name, ev.name) == 0)
			k = z;
	}
	if (part == PART_RESUMED && k >= 0) {
		struct trace_event *first = &r->t->ev[r->pend[k].index];
		drop_pending(r, k);
		return join(first, &ev);
	}
	if (k >= 0 && (part == PART_UNFINISHED || ev.kind == TRACE_EXIT ||
		       ev.kind == TRACE_KILLED)) {
		/* The earlier call never resumed: it stays unfinished. */
		drop_pending(r, k);
	}
	if (part == PART_UNFINISHED) {
		if (grow((void **)&r->pend, &r->cappend, r->npend + 1, sizeof(*r->pend)) < 0) {
			trace_event_free(&ev);
			return -1;
		}
		r->pend[r->npend].pid = ev.pid;
		r->pend[r->npend].index = r->t->n;
		r->npend++;
	}
	if (append(r->t, &ev) < 0) {
		if (part == PART_UNFINISHED)
			r->npend--;
		trace_event_free(&ev);
		return -1;
	}
	return 0;
}

int trace_read(FILE *in, struct trace *t)
{
	struct reader r = {.t = t};
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	errno = 0;
	while (getline(&line, &cap, in) >= 0) {
		if (add_line(&r, line) < 0) {
			rc = -1;
			break;
		}
		errno = 0;
	}
	if (rc == 0 && ferror(in))
		rc = -1;
	int saved = errno ? errno : EIO;
	free(line);
	free(r.pend);
	if (rc < 0) {
		trace_free(t);
		errno = saved;
	}
	return rc;
}

int trace_load(const char *path, struct trace *t)
{
	memset(t, 0, sizeof(*t));
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = trace_read(f, t);
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	for (size_t k = 0; k < t->n; k++)
		trace_event_free(&t->ev[k]);
	free(t->ev);
	memset(t, 0, sizeof(*t));
}

long trace_find(const struct trace *t, const char *name, size_t from)
{
	for (size_t k = from; t && name && k < t->n; k++)
		if (t->ev[k].kind == TRACE_CALL && strcmp(t->ev[k].name, name) == 0)
			return (long)k;
	return -1;
}
