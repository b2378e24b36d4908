/* reply.c: answering a datagram at the address it came from.
 *
 * A DGRAM server has no connection to answer on: every datagram carries
 * its sender's address, and the answer goes to that address with the
 * length the kernel gave for it. An autobound sender is "\0" and five hex
 * digits, length 8; with sizeof(struct sockaddr_un) the zeros after the
 * digits would be taken as part of the name, and nobody holds that one
 * (ECONNREFUSED). A sender that never bound has no address: it cannot be
 * answered at all. */
#include <errno.h>
#include <sys/socket.h>

#include "message_sockets.h"

ssize_t msg_reply(int fd, const struct msg_info *to, const void *buf,
		  size_t len)
{
	/* TODO(lab10): send to the sender of the datagram *to describes.
	 *
	 *   to NULL, or buf NULL with len > 0    -> errno = EINVAL, return -1
	 *   to->fromlen <= sizeof(sa_family_t)   -> errno = EDESTADDRREQ,
	 *            return -1: an unnamed sender (length 0), nothing to
	 *            send to, and nothing is sent
	 *   n = sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
	 *              (const struct sockaddr *)&to->from, to->fromlen);
	 *            to->fromlen, NOT sizeof(to->from); MSG_DONTWAIT: a
	 *            client that never reads gets EAGAIN, the server goes on
	 *            again while -1 and EINTR
	 *   return n; */
	(void)fd;
	(void)to;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
