/* nonblock.c: switching a descriptor to non-blocking mode.
 *
 * A server that serves many clients from one thread must never wait in
 * read(), write() or accept() on one socket while the others have work:
 * with O_NONBLOCK, a call that would wait fails at once with EAGAIN, and
 * the only place the server waits is poll(), on all of them at once.
 * O_NONBLOCK is one of several file status flags; F_SETFL replaces them
 * all, so the old ones are read first and written back with it. */
#include <errno.h>
#include <fcntl.h>

#include "many_clients.h"

int mc_set_nonblocking(int fd)
{
	/* TODO(lab08): add O_NONBLOCK, keep every other status flag.
	 *
	 *   flags = fcntl(fd, F_GETFL);            -1: return -1 (EBADF)
	 *   already O_NONBLOCK -> return 0
	 *   fcntl(fd, F_SETFL, flags | O_NONBLOCK) -1: return -1
	 *   return 0;
	 * Not fcntl(fd, F_SETFL, O_NONBLOCK): that clears O_APPEND and the
	 * other flags the descriptor had. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}
