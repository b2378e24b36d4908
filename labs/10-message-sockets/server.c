/* server.c: msgsrv's two loops, one for datagrams and one for connections.
 *
 * Both receive one message at a time with MSG_TRUNC (or its size peeked
 * first), log its real length, and answer it. They differ in where the
 * answer goes. A connection has a peer: the answer is sent on it, and a
 * receive of 0 bytes is the end of file. A datagram socket has no peer:
 * each datagram names its sender, the answer goes to that name (never to
 * a name remembered from an earlier one), and there is no end of file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "message_sockets.h"
#include "report.h"

int msg_reply_text(const struct msg_info *info, char *buf, size_t cap)
{
	int n = info->truncated
		? snprintf(buf, cap, MSOCK_REPLY_CUT, info->len, info->stored)
		: snprintf(buf, cap, MSOCK_REPLY_WHOLE, info->len);
	if (n < 0 || (size_t)n >= cap) {
		errno = ERANGE;
		return -1;
	}
	return n;
}

int msg_serve_dgram(int fd, const struct msg_serve_opts *o, FILE *log)
{
	/* TODO(lab10): the datagram server's loop.
	 *
	 *   buf = malloc(o->max) unless o->peek;
	 *   struct msg_info info = {0};      one for the whole loop: msg_recv
	 *                                    resets fromlen on each call
	 *   for (n = 1; o->count == 0 || n <= o->count; n++):
	 *     o->peek ? msg_recv_alloc(fd, o->max, &owned, &info) (free it)
	 *             : msg_recv(fd, buf, o->max, &info)
	 *       -1: EBADF, ENOTSOCK, EINVAL, EFAULT, ENOMEM -> return -1
	 *           (errno kept, buf freed); else log a line and go on
	 *     who: msg_address_text(&info.from, info.fromlen, who, ...);
	 *          an empty text (length 0) -> MSOCK_UNNAMED
	 *     fprintf(log, MSOCK_LOG_MESSAGE, n, who, info.len);
	 *     if info.truncated: fprintf(log, MSOCK_LOG_CUT, info.stored);
	 *     then '\n'
	 *     rlen = msg_reply_text(&info, reply, sizeof reply);
	 *     msg_reply(fd, &info, reply, rlen)    THIS datagram's address,
	 *                                          never one kept from before
	 *       -1 with EDESTADDRREQ -> MSOCK_LOG_NOREPLY
	 *       -1 otherwise         -> MSOCK_LOG_DROPPED with
	 *                               errno_name(errno); go on either way
	 *   free(buf); return 0; */
	(void)fd;
	(void)o;
	(void)log;
	errno = ENOSYS;
	return -1;
}

int msg_serve_conn(int lfd, const struct msg_serve_opts *o, FILE *log)
{
	/* TODO(lab10): the connection server's loop (STREAM or SEQPACKET).
	 *
	 *   buf = malloc(o->max) unless o->peek; msgno = 0 (whole run)
	 *   for (k = 1; o->count == 0 || k <= o->count; k++):
	 *     cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	 *       -1: EBADF, EINVAL, ENOTSOCK, EOPNOTSUPP -> return -1;
	 *           else log it and try again (k--)
	 *     fprintf(log, "client %lu: connected\n", k);
	 *     for (got = 0;;):
	 *       n = receive as in msg_serve_dgram, on cfd
	 *         -1: log "client %lu: receive failed: %s"; stop this client
	 *              (ENOMEM: return -1)
	 *         0:  the END OF FILE, not an empty message:
	 *             fprintf(log, MSOCK_LOG_EOF "\n", k, got); stop
	 *       got++; who = "client K";
	 *       log MSOCK_LOG_MESSAGE with ++msgno (and MSOCK_LOG_CUT)
	 *       msg_send(cfd, reply, rlen)  the connection has a peer: no
	 *                                   address needed
	 *         -1: MSOCK_LOG_DROPPED with errno_name(errno); stop
	 *     close(cfd);
	 *   free(buf); return 0; */
	(void)lfd;
	(void)o;
	(void)log;
	errno = ENOSYS;
	return -1;
}
