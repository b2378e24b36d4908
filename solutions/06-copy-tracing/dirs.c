/* dirs.c: the direction a data call belongs to.
 *
 * A connection carries two independent byte streams, one each way. Bytes
 * written on socket A are queued on A's peer B and read there, so a write
 * on A and a read on B belong to the same direction, A -> B; a write on B
 * belongs to the other one. */
#include <errno.h>

#include "copy_tracing.h"

int ct_dir_key(const struct ct_call *c, const struct ct_peers *m, unsigned long *from,
	       unsigned long *to)
{
	if (!c || !m || !from || !to || (c->op != CT_WRITE && c->op != CT_READ)) {
		errno = EINVAL;
		return -1;
	}
	/* The map knows peers that this call's own tag may not show yet. */
	unsigned long peer = ct_peer_of(m, c->inode);
	if (peer == 0)
		peer = c->peer;
	if (c->op == CT_WRITE) {
		*from = c->inode;
		*to = peer;
	} else {
		*from = peer;
		*to = c->inode;
	}
	return 0;
}
