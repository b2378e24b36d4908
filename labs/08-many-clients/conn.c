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
	/* TODO(lab08): c->fd = fd; c->id = id; and every count to 0:
	 * answered, eof, in_len, out_off, out_len. */
	(void)c;
	(void)fd;
	(void)id;
}

ssize_t mc_conn_read(struct mc_conn *c)
{
	/* TODO(lab08): one read() into the free end of in.
	 *
	 *   c->in_len == sizeof c->in -> errno = ENOBUFS, return -1
	 *   do n = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
	 *   while (n == -1 && errno == EINTR);
	 *   n > 0:  c->in_len += n;
	 *   n == 0: c->eof = 1;          (keep what is held)
	 *   return n;       (-1: EAGAIN, ECONNRESET, ... passed on) */
	(void)c;
	errno = ENOSYS;
	return -1;
}

int mc_conn_process(struct mc_conn *c)
{
	/* TODO(lab08): a reply for each complete line, while out has room.
	 *
	 *   done = 0;
	 *   while ((nl = memchr(c->in, '\n', c->in_len)) != NULL)
	 *       len = nl - c->in;
	 *       n = snprintf(reply, sizeof reply, "OK %lu %.*s\n",
	 *                    c->answered + 1, (int)len, c->in);
	 *                               (char reply[MC_REPLY_MAX + 1])
	 *       room for n bytes at the end of out? (sizeof c->out - out_len)
	 *         no: pending = out_len - out_off; if sizeof c->out - pending
	 *             >= n, memmove(c->out, c->out + c->out_off, pending),
	 *             out_off = 0, out_len = pending; else stop (break): the
	 *             line waits for the client to read
	 *       memcpy(c->out + c->out_len, reply, n); out_len += n;
	 *       c->answered++;
	 *       c->in_len -= len + 1; memmove(c->in, nl + 1, c->in_len);
	 *       done++;
	 *   in full (in_len == sizeof c->in) and no '\n' in it
	 *       -> errno = EMSGSIZE, return -1   (a line too long)
	 *   return done; */
	(void)c;
	errno = ENOSYS;
	return -1;
}

ssize_t mc_conn_flush(struct mc_conn *c)
{
	/* TODO(lab08): send what is pending, as much as the kernel takes now.
	 *
	 *   sent = 0;
	 *   while (c->out_off < c->out_len)
	 *       n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
	 *                MSG_NOSIGNAL);
	 *       n == -1: EINTR -> again; EAGAIN (EWOULDBLOCK) -> stop: the
	 *                socket is full, the rest waits for POLLOUT;
	 *                else return -1 (EPIPE, ECONNRESET: the client left)
	 *       c->out_off += n; sent += n;   a short count: the rest later
	 *   all sent (out_off == out_len) -> out_off = out_len = 0;
	 *   return sent; */
	(void)c;
	errno = ENOSYS;
	return -1;
}

short mc_conn_events(const struct mc_conn *c)
{
	/* TODO(lab08): what to ask poll() for on this client.
	 *
	 *   ev = 0;
	 *   !c->eof and c->in_len < sizeof c->in -> ev |= POLLIN;
	 *   c->out_off < c->out_len              -> ev |= POLLOUT;
	 *   return ev;
	 * Never POLLOUT with nothing pending: the server would spin. */
	(void)c;
	return 0;
}

int mc_conn_done(const struct mc_conn *c)
{
	/* TODO(lab08): 1 when c->eof, no '\n' in in[0..in_len) (memchr),
	 * and nothing pending in out; else 0. */
	(void)c;
	return 0;
}
