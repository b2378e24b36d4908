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
	if (lfd < 0) {
		errno = EINVAL;
		return -1;
	}
	s->lfd = lfd;
	s->log = log;
	s->max_clients = max_clients;
	s->accepted = 0;
	s->accept_paused = 0;
	s->n = 0;
	return 0;
}

void mc_server_drop(struct mc_server *s, size_t i, const char *why)
{
	struct mc_conn *c = s->conns[i];
	close(c->fd);
	if (s->log)
		fprintf(s->log, "client %lu left: %s (%zu connected)\n", c->id,
			why, s->n - 1);
	free(c);
	s->conns[i] = s->conns[--s->n];
	s->accept_paused = 0; /* a descriptor is free again */
}

/* Whether the listener should be polled: room for another client. */
static int may_accept(const struct mc_server *s)
{
	return !s->accept_paused && s->n < MC_MAX_CLIENTS &&
	       (s->max_clients == 0 || s->accepted < s->max_clients);
}

/* Why a client that poll() flagged with POLLERR broke: its socket error. */
static const char *socket_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err == 0)
		return "socket error";
	return errno_name(err);
}

/* Serves client i after poll() reported revents for it. Returns NULL when
 * the client stays, or why it must be dropped. */
static const char *serve(struct mc_conn *c, short revents)
{
	if (revents & POLLNVAL)
		return "EBADF";
	if (revents & POLLERR)
		return socket_error(c->fd);
	if (revents & POLLHUP)
		return "hung up"; /* gone both ways: replies cannot arrive */
	if (revents & POLLIN) {
		if (mc_conn_read(c) == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno_name(errno);
	}
	/* Answer, send, and again as long as the send freed room: the
	 * lines still waiting in in need that room for their replies.
	 * Stopping because nothing was answered would leave those lines
	 * there with in full and out empty: the next poll() would ask for
	 * nothing at all on this client, and it would never be served
	 * again. A send that took nothing (EAGAIN) frees nothing: stop. */
	for (;;) {
		if (mc_conn_process(c) == -1)
			return errno_name(errno);
		ssize_t sent = mc_conn_flush(c);
		if (sent == -1)
			return errno_name(errno);
		if (sent == 0)
			break;
	}
	return mc_conn_done(c) ? "EOF" : NULL;
}

/* Accepts a burst of new clients into the free slots. Returns 0, or -1
 * with errno when accepting cannot go on. */
static int accept_clients(struct mc_server *s)
{
	int fds[MC_MAX_CLIENTS];
	size_t room = MC_MAX_CLIENTS - s->n;
	if (s->max_clients != 0 && s->max_clients - s->accepted < room)
		room = s->max_clients - s->accepted;
	int got = mc_accept_burst(s->lfd, fds, room);
	if (got == -1) {
		int err = errno;
		if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
			return -1;
		/* The connection stays queued and the listener stays
		 * readable: polling it again would spin. Wait for a client
		 * to leave. */
		s->accept_paused = 1;
		if (s->log)
			fprintf(s->log, "accept: %s, paused until a client leaves\n",
				errno_name(err));
		return 0;
	}
	for (int k = 0; k < got; k++) {
		struct mc_conn *c = malloc(sizeof(*c));
		if (c == NULL) {
			close(fds[k]);
			continue;
		}
		mc_conn_init(c, fds[k], ++s->accepted);
		s->conns[s->n++] = c;
		if (s->log)
			fprintf(s->log, "client %lu connected (%zu connected)\n",
				c->id, s->n);
	}
	return 0;
}

int mc_server_step(struct mc_server *s, int timeout_ms)
{
	/* s->n never exceeds MC_MAX_CLIENTS (accept stops there); saying so
	 * here also tells the compiler that pfds[] is large enough. */
	size_t n = s->n < MC_MAX_CLIENTS ? s->n : MC_MAX_CLIENTS;
	struct pollfd *pfds = s->pfds;
	for (size_t i = 0; i <= n; i++) {
		/* Slot 0 is the listening socket, slot i + 1 client i. */
		pfds[i].fd = i == 0 ? s->lfd : s->conns[i - 1]->fd;
		pfds[i].events = i == 0 ? (may_accept(s) ? POLLIN : 0)
					: mc_conn_events(s->conns[i - 1]);
		pfds[i].revents = 0;
	}
	int ready = poll(pfds, n + 1, timeout_ms);
	if (ready == -1)
		return errno == EINTR ? 0 : -1;
	/* Backwards, so that dropping client i (the last one moves into its
	 * slot) never skips a client that poll() reported. */
	for (size_t i = n; i-- > 0;) {
		short re = s->pfds[i + 1].revents;
		if (re == 0)
			continue;
		const char *why = serve(s->conns[i], re);
		if (why)
			mc_server_drop(s, i, why);
	}
	if (s->pfds[0].revents & POLLIN)
		return accept_clients(s);
	return 0;
}

int mc_serve(struct mc_server *s)
{
	while (s->max_clients == 0 || s->accepted < s->max_clients || s->n > 0)
		if (mc_server_step(s, -1) == -1)
			return -1;
	return 0;
}

void mc_server_close(struct mc_server *s)
{
	while (s->n > 0)
		mc_server_drop(s, s->n - 1, "server closing");
}
