/* accept.c: taking a whole burst of connections at once.
 *
 * poll() says "the listener is readable" once, however many connections
 * wait in its queue. Accepting one per wake-up leaves the rest of a burst
 * queued for later rounds (and a queue that stays full refuses newcomers);
 * so the server accepts until the kernel says EAGAIN: the queue is empty.
 * That loop is only safe on a non-blocking listener: on a blocking one,
 * the accept() after the last queued client waits for the next client to
 * come, and every connected client waits with it. */
#include <errno.h>
#include <sys/socket.h>

#include "many_clients.h"

int mc_accept_burst(int lfd, int *fds, size_t max)
{
	/* TODO(lab08): accept until the queue is empty (or max).
	 *
	 *   got = 0;
	 *   while (got < max)
	 *       fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	 *       fd == -1:
	 *         EINTR, ECONNABORTED          -> again
	 *         EAGAIN (EWOULDBLOCK)         -> stop: drained
	 *         anything else: got > 0 -> stop (it comes back next call)
	 *                        got == 0 -> return -1 (errno kept)
	 *       fds[got++] = fd;
	 *   return got; */
	(void)lfd;
	(void)fds;
	(void)max;
	errno = ENOSYS;
	return -1;
}
