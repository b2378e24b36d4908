/* load.c: one trace made of several strace files, merged by time.
 *
 * The server and the client are often traced separately (each started by
 * its own strace). Socket inodes are numbered system-wide, so the two
 * files together say everything one trace of both would: merging them by
 * timestamp is enough. Within one file the order strace wrote is kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "copy_tracing.h"

struct slot {
	double ts;
	size_t index; /* position after concatenation: the tie-break */
};

static int by_time(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Moves every record of src to the end of dst; src is left empty. */
static int append(struct trace *dst, struct trace *src)
{
	if (dst->n + src->n > dst->cap) {
		size_t ncap = dst->n + src->n;
		struct trace_event *p = realloc(dst->ev, ncap * sizeof(*p));
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		dst->ev = p;
		dst->cap = ncap;
	}
	if (src->n)
		memcpy(dst->ev + dst->n, src->ev, src->n * sizeof(*src->ev));
	dst->n += src->n;
	free(src->ev);
	memset(src, 0, sizeof(*src));
	return 0;
}

/* Sorts t by timestamp, stably; a record without one (ts 0) takes the
 * time of the record before it. */
static int sort_by_time(struct trace *t)
{
	if (t->n < 2)
		return 0;
	struct slot *s = malloc(t->n * sizeof(*s));
	struct trace_event *ev = malloc(t->n * sizeof(*ev));
	if (!s || !ev) {
		free(s);
		free(ev);
		errno = ENOMEM;
		return -1;
	}
	double last = 0;
	for (size_t k = 0; k < t->n; k++) {
		if (t->ev[k].ts > 0)
			last = t->ev[k].ts;
		s[k] = (struct slot){last, k};
	}
	qsort(s, t->n, sizeof(*s), by_time);
	for (size_t k = 0; k < t->n; k++)
		ev[k] = t->ev[s[k].index];
	free(t->ev);
	t->ev = ev;
	t->cap = t->n;
	free(s);
	return 0;
}

int ct_load_traces(const char *const *paths, size_t n, struct trace *t)
{
	if (!t || (n > 0 && !paths)) {
		errno = EINVAL;
		return -1;
	}
	memset(t, 0, sizeof(*t));
	for (size_t k = 0; k < n; k++) {
		struct trace one = {0};
		if (trace_load_any(paths[k], &one) < 0 || append(t, &one) < 0) {
			int saved = errno;
			trace_free(&one);
			trace_free(t);
			errno = saved;
			return -1;
		}
	}
	if (n > 1 && sort_by_time(t) < 0) {
		int saved = errno;
		trace_free(t);
		errno = saved;
		return -1;
	}
	return 0;
}
