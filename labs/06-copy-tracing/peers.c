/* peers.c: which socket is connected to which, from the tags of a whole
 * trace.
 *
 * A stream connection has two ends, each a socket with its own inode. The
 * -yy tag of either end shows both ([A->B] on A, [B->A] on B), but only
 * once the connection is complete: until the server's accept() returns,
 * the client's socket is tagged [A] alone, even after connect() returned
 * and even on writes whose bytes already wait on the server's side. So the
 * map is built from every tag of the trace before any call is paired, and
 * each tag [A->B] records both A -> B and B -> A. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "copy_tracing.h"

/* ---- the table (given) ------------------------------------------------------ */

int ct_peers_set(struct ct_peers *m, unsigned long inode, unsigned long peer)
{
	if (!m || inode == 0 || peer == 0 || inode == peer) {
		errno = EINVAL;
		return -1;
	}
	if (ct_peer_of(m, inode) != 0)
		return 0;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		struct ct_link *v = realloc(m->v, ncap * sizeof(*v));
		if (!v) {
			errno = ENOMEM;
			return -1;
		}
		m->v = v;
		m->cap = ncap;
	}
	m->v[m->n].inode = inode;
	m->v[m->n].peer = peer;
	m->n++;
	return 0;
}

unsigned long ct_peer_of(const struct ct_peers *m, unsigned long inode)
{
	/* A trace has a handful of sockets: a linear search is enough. */
	for (size_t k = 0; m && k < m->n; k++)
		if (m->v[k].inode == inode)
			return m->v[k].peer;
	return 0;
}

void ct_peers_free(struct ct_peers *m)
{
	if (!m)
		return;
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* ---- building the map ------------------------------------------------------------ */

int ct_peer_map(const struct trace *t, struct ct_peers *m)
{
	/* TODO(lab06): every tag of the whole trace into the map, both ways.
	 *
	 *   t or m NULL -> errno = EINVAL, return -1
	 *   for each event k of t with kind TRACE_CALL, look at two tags:
	 *     its first argument:  trace_arg(ev, 0, text, sizeof(text)) >= 0
	 *     its return value, when ev->has_ret && ev->ret >= 0:
	 *                          ev->ret_text (accept's new socket)
	 *   for each, trace_parse_fd(text, &fd) == 0, and when
	 *     strcmp(fd.proto, "UNIX-STREAM") == 0, fd.inode, fd.peer nonzero
	 *     and different:
	 *       ct_peers_set(m, fd.inode, fd.peer);
	 *       ct_peers_set(m, fd.peer, fd.inode);   the other end's tags
	 *                                             may never show it
	 *   on ENOMEM: save errno, ct_peers_free(m), restore errno, return -1
	 *   return 0;
	 * Never search the whole line for tags: "7<UNIX-STREAM:[1->2]>" inside
	 * a written string is data. */
	(void)t;
	(void)m;
	errno = ENOSYS;
	return -1;
}
