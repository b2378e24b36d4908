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

int ct_analyse(const struct trace *t, struct ct_report *r)
{
	/* TODO(lab06): the whole analysis, with your functions of
	 * decode.c, peers.c, dirs.c and pair.c.
	 *
	 *   r NULL -> EINVAL; memset(r, 0, sizeof(*r)); t NULL -> EINVAL
	 *   1. ct_peer_map(t, &r->peers)           the WHOLE trace, first
	 *   2. for k in 0 .. t->n-1:
	 *        struct ct_call c;
	 *        ct_decode_call(&t->ev[k], k, &c)  0: skip; -1: fail
	 *        ct_dir_key(&c, &r->peers, &from, &to)
	 *   3.   d = the index of the ct_dir with this (from, to), a new one
	 *        (zeroed, from/to set) appended to r->dirs when none matches;
	 *        c.dir = d; append c to r->calls (grow with realloc);
	 *        the direction's from_pid: first writer; to_pid: first reader
	 *   4.   totals of dirs[d]: unfinished -> unfinished++;
	 *        bytes < 0 -> failed++ (never add -1 to a sum);
	 *        a read of 0 -> eofs++;
	 *        bytes > 0 -> writes++, bytes_written += bytes (or reads,
	 *        bytes_read)
	 *   5. for each direction d, in order: first_chunk = r->nchunks; when
	 *      from and to are both nonzero, gather its calls with bytes > 0:
	 *      write byte counts wb[], their call indexes wi[]; reads rb[],
	 *      ri[]; ch = ct_pair_fifo(wb, nw, rb, nr, buf) with buf of
	 *      nw + nr chunks; append each chunk to r->chunks with
	 *      .w = wi[chunk.w], .r = ri[chunk.r]; bytes_paired += bytes;
	 *      nchunks = ch
	 *   return 0;
	 * On any failure: save errno, ct_report_free(r), restore, return -1. */
	(void)t;
	(void)r;
	errno = ENOSYS;
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
