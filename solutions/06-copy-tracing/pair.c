/* pair.c: which read took which write's bytes.
 *
 * The kernel queues the bytes written on a stream socket at its peer in
 * order, and each read takes bytes from the front of that queue. So the
 * k-th byte written in one direction is the k-th byte read there, however
 * the writes and reads were sized: pairing is a walk along two byte
 * counts, with no guessing from timestamps. */
#include <errno.h>

#include "copy_tracing.h"

/* 1 when counts[0..n) can be walked: present when n > 0, all positive. */
static int valid_counts(const long *counts, size_t n)
{
	if (n > 0 && !counts)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (counts[k] <= 0)
			return 0;
	return 1;
}

ssize_t ct_pair_fifo(const long *w, size_t nw, const long *r, size_t nr,
		     struct ct_chunk *out)
{
	if (!out || !valid_counts(w, nw) || !valid_counts(r, nr)) {
		errno = EINVAL;
		return -1;
	}
	size_t i = 0, j = 0, n = 0;
	long wleft = nw ? w[0] : 0, rleft = nr ? r[0] : 0;
	while (i < nw && j < nr) {
		long take = wleft < rleft ? wleft : rleft;
		out[n++] = (struct ct_chunk){.w = i, .r = j, .bytes = take,
					     .offset = w[i] - wleft};
		wleft -= take;
		rleft -= take;
		/* Each step ends a write or a read (or both), so the walk
		 * makes at most nw + nr chunks. */
		if (wleft == 0 && ++i < nw)
			wleft = w[i];
		if (rleft == 0 && ++j < nr)
			rleft = r[j];
	}
	return (ssize_t)n;
}
