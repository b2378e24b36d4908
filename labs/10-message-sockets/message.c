/* message.c: sending and receiving one message, never cut silently.
 *
 * On SEQPACKET and DGRAM sockets the kernel keeps each send as one message
 * and each receive takes exactly one. A buffer shorter than the message
 * gets its first bytes and the kernel throws the rest away; MSG_TRUNC
 * makes the receive return the real length (and sets MSG_TRUNC in
 * msg_flags), so the cut is always seen. MSG_PEEK | MSG_TRUNC with no
 * buffer asks for that length without taking the message, so a buffer of
 * the right size can be made first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "message_sockets.h"

ssize_t msg_send(int fd, const void *buf, size_t len)
{
	/* TODO(lab10): one message on a connected socket.
	 *
	 *   n = send(fd, buf, len, MSG_NOSIGNAL);   again while -1 and EINTR
	 *            MSG_NOSIGNAL: on a STREAM socket a closed peer is then
	 *            EPIPE, not a SIGPIPE that kills the program
	 *   return n;        (a message socket sends all of it or nothing) */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t msg_recv(int fd, void *buf, size_t cap, struct msg_info *info)
{
	/* TODO(lab10): one message, its real length, and who sent it.
	 *
	 *   info NULL, or buf NULL with cap > 0  -> errno = EINVAL, return -1
	 *   struct iovec iov = {buf, cap};
	 *   struct msghdr mh = {0};  mh.msg_iov = &iov; mh.msg_iovlen = 1;
	 *   mh.msg_name = &info->from;
	 *   mh.msg_namelen = sizeof(info->from);   EVERY call: the kernel
	 *            copies no more address than this, and writes back the
	 *            real length (0 for a sender that never bound)
	 *   n = recvmsg(fd, &mh, MSG_TRUNC);   again while -1 and EINTR
	 *            MSG_TRUNC: n is the message's REAL length, even when
	 *            only cap bytes fit
	 *   ONE call: never loop to fill the buffer (that is a stream's way,
	 *            and here it would merge messages or wait for ever)
	 *   info->len = n; info->stored = min(n, cap);
	 *   info->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	 *   info->fromlen = mh.msg_namelen;
	 *   return n;     (0: an empty datagram, or EOF on a connection)
	 * recvfrom(fd, buf, cap, MSG_TRUNC, &from, &fromlen) does as well
	 * (truncated: n > cap), with the same care for fromlen. */
	(void)fd;
	(void)buf;
	(void)cap;
	(void)info;
	errno = ENOSYS;
	return -1;
}

ssize_t msg_peek_size(int fd)
{
	/* TODO(lab10): the length of the next message, left queued.
	 *
	 *   n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);  again on EINTR
	 *   return n; */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

ssize_t msg_recv_alloc(int fd, size_t max, char **out, struct msg_info *info)
{
	/* TODO(lab10): the next message, whole, in a buffer of its size.
	 *
	 *   out or info NULL, or max == 0       -> errno = EINVAL, return -1
	 *   *out = NULL;
	 *   size = msg_peek_size(fd);                  (-1: return -1)
	 *   cap = size > max ? max : size;     a huge one is taken cut,
	 *                                      not left in front for ever
	 *   buf = malloc(cap ? cap : 1);               (NULL: return -1)
	 *   n = msg_recv(fd, buf, cap, info);  (-1: free(buf) keeping
	 *                                       errno, return -1)
	 *   *out = buf; return n; */
	(void)fd;
	(void)max;
	(void)out;
	(void)info;
	errno = ENOSYS;
	return -1;
}
