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
	/* TODO(lab06): the two sockets of the call's direction.
	 *
	 *   any pointer NULL, or c->op neither CT_WRITE nor CT_READ
	 *                -> errno = EINVAL, return -1
	 *   peer = ct_peer_of(m, c->inode);   the map, from the whole trace
	 *   if (peer == 0) peer = c->peer;    else the call's own tag
	 *   a write on A:  *from = A (c->inode), *to = peer
	 *   a read on B:   *from = peer,        *to = B (c->inode)
	 *   return 0; */
	(void)c;
	(void)m;
	(void)from;
	(void)to;
	errno = ENOSYS;
	return -1;
}
