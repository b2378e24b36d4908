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
	size_t got = 0;
	while (got < max) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break; /* drained */
			if (got > 0)
				break; /* the error comes back next time */
			return -1;
		}
		fds[got++] = fd;
	}
	return (int)got;
}
