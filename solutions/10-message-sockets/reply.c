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
	if (to == NULL || (buf == NULL && len > 0)) {
		errno = EINVAL;
		return -1;
	}
	if (to->fromlen <= sizeof(sa_family_t)) {
		/* recvfrom() gave no name (length 0, or only the family). */
		errno = EDESTADDRREQ;
		return -1;
	}
	ssize_t n;
	/* MSG_DONTWAIT: a client that never reads fills its queue
	 * (net.unix.max_dgram_qlen datagrams); a blocking sendto() would then
	 * hang the server for every other client. */
	do
		n = sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&to->from, to->fromlen);
	while (n == -1 && errno == EINTR);
	return n;
}
