/* server.c: the server's loop, one poll() for the listener and every
 * client.
 *
 * The seed's daemon had one client and two places to wait: accept() for
 * the next client, read() for the current one (flaw 6). Serving many
 * clients from one thread means waiting in one place only, poll(), for
 * whichever socket is ready first; then doing, on each ready socket, only
 * what completes without waiting (the sockets are non-blocking); and
 * keeping whatever is left in the client's buffers for a later round.
 *
 * Each round rebuilds the poll set from the clients' states: the listener
 * while there is room for more clients, and for each client POLLIN while
 * it may send more and POLLOUT only while replies wait for room. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "many_clients.h"
#include "../report.h" /* errno_name(), common/report.h */

int mc_server_init(struct mc_server *s, int lfd, FILE *log,
		   unsigned long max_clients)
{
	/* TODO(lab08): lfd < 0 -> EINVAL; else s->lfd = lfd, s->log = log,
	 * s->max_clients = max_clients, and accepted, accept_paused and n
	 * to 0. return 0. */
	(void)s;
	(void)lfd;
	(void)log;
	(void)max_clients;
	errno = ENOSYS;
	return -1;
}

void mc_server_drop(struct mc_server *s, size_t i, const char *why)
{
	/* TODO(lab08): forget client i for good.
	 *
	 *   c = s->conns[i];
	 *   close(c->fd);                           no descriptor leaks
	 *   s->log: fprintf(s->log, "client %lu left: %s (%zu connected)\n",
	 *                   c->id, why, s->n - 1);
	 *   free(c);
	 *   s->conns[i] = s->conns[--s->n];         the last one fills the hole
	 *   s->accept_paused = 0;                   a descriptor is free again */
	(void)s;
	(void)i;
	(void)why;
}

int mc_server_step(struct mc_server *s, int timeout_ms)
{
	/* TODO(lab08): one round of the loop. Small static helpers keep it
	 * readable (the guide walks through them): one that serves a client
	 * after poll(), one that accepts.
	 *
	 *  1. The poll set, from the states: n = s->n;
	 *       s->pfds[0] = {s->lfd, room ? POLLIN : 0}, room = !accept_paused
	 *         && n < MC_MAX_CLIENTS && (max_clients == 0 || accepted <
	 *         max_clients);
	 *       s->pfds[1 + i] = {s->conns[i]->fd, mc_conn_events(conns[i])}.
	 *  2. ready = poll(s->pfds, n + 1, timeout_ms);
	 *       -1 with EINTR: return 0; other -1: return -1.
	 *  3. Clients, from i = n - 1 down to 0 (so that a drop, which moves
	 *     the last client into slot i, skips nobody): re = revents;
	 *       re == 0: nothing; POLLNVAL, POLLERR (getsockopt SO_ERROR says
	 *       why) or POLLHUP: drop it;
	 *       POLLIN: mc_conn_read(c) == -1 and errno not EAGAIN: drop it;
	 *       then repeat { mc_conn_process(c); sent = mc_conn_flush(c); }
	 *       until sent == 0: a send that took something freed room for
	 *       the replies to lines still waiting in in (-1 from either:
	 *       drop it with errno_name(errno));
	 *       mc_conn_done(c): drop it ("EOF").
	 *  4. s->pfds[0].revents & POLLIN: got = mc_accept_burst(s->lfd,
	 *     fds, room) with room = MC_MAX_CLIENTS - s->n (and no more than
	 *     max_clients - accepted when max_clients != 0);
	 *       -1 with EMFILE, ENFILE, ENOBUFS, ENOMEM: accept_paused = 1
	 *       (the connection stays queued; polling the listener again
	 *       would spin), return 0; other -1: return -1;
	 *       each fd: c = malloc(sizeof *c) (NULL: close(fd)),
	 *       mc_conn_init(c, fd, ++s->accepted), s->conns[s->n++] = c,
	 *       log "client %lu connected (%zu connected)".
	 *  5. return 0.
	 * Nothing here may block but poll(): one read per POLLIN, sends
	 * until EAGAIN, accepts until EAGAIN, all on non-blocking sockets. */
	(void)s;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}

int mc_serve(struct mc_server *s)
{
	/* TODO(lab08): while (max_clients == 0 || accepted < max_clients ||
	 * n > 0) mc_server_step(s, -1), returning -1 when it does; then
	 * return 0. */
	(void)s;
	errno = ENOSYS;
	return -1;
}

void mc_server_close(struct mc_server *s)
{
	/* TODO(lab08): while (s->n > 0) mc_server_drop(s, s->n - 1,
	 * "server closing"); */
	(void)s;
}
