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

/* Records both directions of one tag, when it shows a connection. */
static int note_tag(struct ct_peers *m, const char *text)
{
	struct trace_fd fd;
	if (!text || trace_parse_fd(text, &fd) < 0)
		return 0;
	if (strcmp(fd.proto, "UNIX-STREAM") != 0 || fd.inode == 0 || fd.peer == 0 ||
	    fd.inode == fd.peer)
		return 0;
	if (ct_peers_set(m, fd.inode, fd.peer) < 0 || ct_peers_set(m, fd.peer, fd.inode) < 0)
		return -1;
	return 0;
}

int ct_peer_map(const struct trace *t, struct ct_peers *m)
{
	if (!t || !m) {
		errno = EINVAL;
		return -1;
	}
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL)
			continue;
		char arg0[512];
		int rc = 0;
		if (trace_arg(ev, 0, arg0, sizeof(arg0)) >= 0)
			rc = note_tag(m, arg0);
		/* accept() returns the server's end of a new connection. */
		if (rc == 0 && ev->has_ret && ev->ret >= 0)
			rc = note_tag(m, ev->ret_text);
		if (rc < 0) {
			int saved = errno;
			ct_peers_free(m);
			errno = saved;
			return -1;
		}
	}
	return 0;
}
