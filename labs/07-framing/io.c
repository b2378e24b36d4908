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
	/* TODO(lab07): read until len bytes have arrived, or EOF.
	 *
	 *   done = 0;
	 *   while (done < len)
	 *       n = read(fd, (char *)buf + done, len - done);
	 *       n == -1 and errno == EINTR -> again (a handler ran, no data)
	 *       n == -1 -> return -1         (ECONNRESET, EAGAIN, ...)
	 *       n == 0  -> stop: EOF         (the caller sees done < len)
	 *       done += n;                   a short count: read the rest
	 *   return done; */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t writen(int fd, const void *buf, size_t len)
{
	/* TODO(lab07): send all len bytes, never raising SIGPIPE.
	 *
	 *   done = 0;
	 *   while (done < len)
	 *       n = send(fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);
	 *       n == -1 and errno == EINTR -> again
	 *       n == -1 -> return -1         (EPIPE: the peer has gone)
	 *       done += n;                   a short count: the REST, from
	 *                                    buf + done, not from buf again
	 *   return len; */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
