/* pair.c: which read took which write's bytes.
 *
 * The kernel queues the bytes written on a stream socket at its peer in
 * order, and each read takes bytes from the front of that queue. So the
 * k-th byte written in one direction is the k-th byte read there, however
 * the writes and reads were sized: pairing is a walk along two byte
 * counts, with no guessing from timestamps. */
#include <errno.h>

#include "copy_tracing.h"

ssize_t ct_pair_fifo(const long *w, size_t nw, const long *r, size_t nr,
		     struct ct_chunk *out)
{
	/* TODO(lab06): walk the two byte counts, first in first out.
	 *
	 *   out NULL, w NULL with nw > 0, r NULL with nr > 0, or any count
	 *   <= 0                    -> errno = EINVAL, return -1
	 *   i = 0, j = 0, n = 0;    the current write, read and chunk
	 *   wleft = bytes left in write i, rleft = bytes left in read j
	 *   while (i < nw && j < nr):
	 *       take = min(wleft, rleft);
	 *       out[n++] = (struct ct_chunk){.w = i, .r = j, .bytes = take,
	 *                                    .offset = w[i] - wleft};
	 *       wleft -= take; rleft -= take;
	 *       write used up: next write (wleft = w[++i]); read full: next read
	 *   return n;               bytes left over stay unpaired */
	(void)w;
	(void)nw;
	(void)r;
	(void)nr;
	(void)out;
	errno = ENOSYS;
	return -1;
}
