/* io.c: reading and writing whole buffers over a stream.
 *
 * read() and send() on a stream socket may move fewer bytes than asked: a
 * read() returns what has arrived so far (one byte, if the peer sends one
 * at a time), and a blocking send() that a signal interrupts returns what
 * it had queued by then. A signal may also interrupt a call that has moved
 * nothing yet: -1 with EINTR, which is no failure at all. The seed ignored
 * both (its flaw 10). These two loops go on until the whole buffer has
 * moved, the peer has gone, or a real error occurs. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "framing.h"

ssize_t readn(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue; /* a handler ran; nothing was read */
			return -1;
		}
		if (n == 0)
			break; /* EOF: the caller sees how far it got */
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t writen(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t done = 0;
	while (done < len) {
		/* Always from the first byte not yet sent, for what is left. */
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}
