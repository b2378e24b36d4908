/* analyse.c: the whole trace: every data call, in its direction, with the
 * writes paired to the reads that took their bytes.
 *
 * The order of the steps matters. The peer map comes first, from the
 * whole trace, because a client's first writes carry no peer in their
 * tags. Then every call finds its direction by inode; then the totals;
 * then, direction by direction, the FIFO walk over byte counts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "copy_tracing.h"

/* The state of one analysis: the report and the capacities of its
 * arrays. */
struct build {
	struct ct_report *r;
	size_t cap_calls, cap_dirs, cap_chunks;
};

/* Makes room for one more element in *arr (holding n, capacity *cap). */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, ncap * size);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

/* The index of direction (from, to), created when new. */
static ssize_t dir_index(struct build *b, unsigned long from, unsigned long to)
{
	struct ct_report *r = b->r;
	for (size_t d = 0; d < r->ndirs; d++)
		if (r->dirs[d].from == from && r->dirs[d].to == to)
			return (ssize_t)d;
	if (grow((void **)&r->dirs, &b->cap_dirs, r->ndirs, sizeof(*r->dirs)) < 0)
		return -1;
	struct ct_dir *d = &r->dirs[r->ndirs];
	memset(d, 0, sizeof(*d));
	d->from = from;
	d->to = to;
	return (ssize_t)r->ndirs++;
}

/* Adds call c to the totals of its direction. */
static void count(struct ct_dir *d, const struct ct_call *c)
{
	if (c->op == CT_WRITE && d->from_pid == 0)
		d->from_pid = c->pid;
	if (c->op == CT_READ && d->to_pid == 0)
		d->to_pid = c->pid;
	if (c->unfinished) {
		d->unfinished++;
	} else if (c->bytes < 0) {
		/* -1 is the kernel saying "nothing moved": never a count. */
		d->failed++;
	} else if (c->bytes == 0) {
		if (c->op == CT_READ)
			d->eofs++;
	} else if (c->op == CT_WRITE) {
		d->writes++;
		d->bytes_written += c->bytes;
	} else {
		d->reads++;
		d->bytes_read += c->bytes;
	}
}

/* Pairs the writes and reads of direction d that moved bytes. */
static int pair_dir(struct build *b, size_t d)
{
	struct ct_report *r = b->r;
	struct ct_dir *dir = &r->dirs[d];
	dir->first_chunk = r->nchunks;
	if (dir->from == 0 || dir->to == 0)
		return 0; /* one end is not in the trace: nothing to pair with */
	size_t n = r->ncalls;
	long *wb = malloc((n + 1) * sizeof(*wb)), *rb = malloc((n + 1) * sizeof(*rb));
	size_t *wi = malloc((n + 1) * sizeof(*wi)), *ri = malloc((n + 1) * sizeof(*ri));
	struct ct_chunk *ch = malloc((n + 1) * sizeof(*ch));
	int rc = -1;
	if (!wb || !rb || !wi || !ri || !ch) {
		errno = ENOMEM;
		goto out;
	}
	size_t nw = 0, nr = 0;
	for (size_t k = 0; k < n; k++) {
		const struct ct_call *c = &r->calls[k];
		if (c->dir != d || c->bytes <= 0)
			continue;
		if (c->op == CT_WRITE) {
			wi[nw] = k;
			wb[nw++] = c->bytes;
		} else {
			ri[nr] = k;
			rb[nr++] = c->bytes;
		}
	}
	ssize_t nc = ct_pair_fifo(wb, nw, rb, nr, ch);
	if (nc < 0)
		goto out;
	for (ssize_t k = 0; k < nc; k++) {
		if (grow((void **)&r->chunks, &b->cap_chunks, r->nchunks, sizeof(*r->chunks)) < 0)
			goto out;
		/* Indexes into this direction's lists become indexes into
		 * the report's calls. */
		struct ct_chunk c = ch[k];
		c.w = wi[c.w];
		c.r = ri[c.r];
		r->chunks[r->nchunks++] = c;
		dir->bytes_paired += c.bytes;
	}
	dir->nchunks = (size_t)nc;
	rc = 0;
out:
	free(wb);
	free(rb);
	free(wi);
	free(ri);
	free(ch);
	return rc;
}

int ct_analyse(const struct trace *t, struct ct_report *r)
{
	if (!r) {
		errno = EINVAL;
		return -1;
	}
	memset(r, 0, sizeof(*r));
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	struct build b = {.r = r};
	if (ct_peer_map(t, &r->peers) < 0)
		goto fail;
	for (size_t k = 0; k < t->n; k++) {
		struct ct_call c;
		int rc = ct_decode_call(&t->ev[k], k, &c);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			continue;
		unsigned long from, to;
		if (ct_dir_key(&c, &r->peers, &from, &to) < 0)
			goto fail;
		ssize_t d = dir_index(&b, from, to);
		if (d < 0 || grow((void **)&r->calls, &b.cap_calls, r->ncalls, sizeof(*r->calls)) < 0)
			goto fail;
		c.dir = (size_t)d;
		r->calls[r->ncalls++] = c;
		count(&r->dirs[d], &c);
	}
	for (size_t d = 0; d < r->ndirs; d++)
		if (pair_dir(&b, d) < 0)
			goto fail;
	return 0;
fail:;
	int saved = errno;
	ct_report_free(r);
	errno = saved;
	return -1;
}

/* ---- given ------------------------------------------------------------------ */

void ct_report_free(struct ct_report *r)
{
	if (!r)
		return;
	free(r->calls);
	free(r->dirs);
	free(r->chunks);
	ct_peers_free(&r->peers);
	memset(r, 0, sizeof(*r));
}
