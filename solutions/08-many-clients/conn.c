/* conn.c: one client's state: the part of a request that has arrived, and
 * the replies the client has not taken yet.
 *
 * A server that waits for nobody cannot keep a client's half-read line on
 * its stack, nor wait until a reply is sent: a read() may bring half a
 * line (the rest comes when it comes), and a send() may take part of a
 * reply, or nothing when the client does not read. So each client carries
 * two buffers, and every step is "do what can be done now, keep the rest":
 *
 *   socket --read--> in[0..in_len) --process--> out[out_off..out_len)
 *          --send--> socket
 *
 * Both buffers are bounded: a client that never reads fills out, then in,
 * and then the server simply stops reading it (mc_conn_events() leaves
 * POLLIN out); its requests wait in the kernel, charged to the client. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "many_clients.h"

void mc_conn_init(struct mc_conn *c, int fd, unsigned long id)
{
	c->fd = fd;
	c->id = id;
	c->answered = 0;
	c->eof = 0;
	c->in_len = 0;
	c->out_off = 0;
	c->out_len = 0;
}

ssize_t mc_conn_read(struct mc_conn *c)
{
	if (c->in_len == sizeof(c->in)) {
		errno = ENOBUFS; /* answer what is there first */
		return -1;
	}
	ssize_t n;
	do
		n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		c->in_len += (size_t)n;
	else if (n == 0)
		c->eof = 1;
	return n;
}

/* Makes room for len more bytes at the end of out, moving the pending
 * bytes to the front when that helps. Returns 1 when they fit. */
static int out_room(struct mc_conn *c, size_t len)
{
	if (sizeof(c->out) - c->out_len >= len)
		return 1;
	size_t pending = c->out_len - c->out_off;
	if (sizeof(c->out) - pending < len)
		return 0;
	memmove(c->out, c->out + c->out_off, pending);
	c->out_off = 0;
	c->out_len = pending;
	return 1;
}

int mc_conn_process(struct mc_conn *c)
{
	int done = 0;
	for (;;) {
		char *nl = memchr(c->in, '\n', c->in_len);
		if (nl == NULL)
			break;
		size_t len = (size_t)(nl - c->in);
		char reply[MC_REPLY_MAX + 1];
		int n = snprintf(reply, sizeof(reply), "OK %lu %.*s\n",
				 c->answered + 1, (int)len, c->in);
		if (n < 0 || (size_t)n > MC_REPLY_MAX) {
			errno = EMSGSIZE; /* cannot happen: len < MC_LINE_MAX */
			return -1;
		}
		if (!out_room(c, (size_t)n))
			break; /* the client must read first; the line waits */
		memcpy(c->out + c->out_len, reply, (size_t)n);
		c->out_len += (size_t)n;
		c->answered++;
		/* Keep what follows the line for the next round. */
		c->in_len -= len + 1;
		memmove(c->in, nl + 1, c->in_len);
		done++;
	}
	if (c->in_len == sizeof(c->in) && memchr(c->in, '\n', c->in_len) == NULL) {
		errno = EMSGSIZE; /* a line longer than MC_LINE_MAX */
		return -1;
	}
	return done;
}

ssize_t mc_conn_flush(struct mc_conn *c)
{
	size_t sent = 0;
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break; /* full: the rest waits for POLLOUT */
			return -1;
		}
		/* A short count: the kernel took what fitted. */
		c->out_off += (size_t)n;
		sent += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	return (ssize_t)sent;
}

short mc_conn_events(const struct mc_conn *c)
{
	short ev = 0;
	if (!c->eof && c->in_len < sizeof(c->in))
		ev |= POLLIN;
	if (c->out_off < c->out_len)
		ev |= POLLOUT;
	return ev;
}

int mc_conn_done(const struct mc_conn *c)
{
	return c->eof && c->out_off == c->out_len &&
	       memchr(c->in, '\n', c->in_len) == NULL;
}
