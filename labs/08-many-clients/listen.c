/* listen.c: the server's listening socket, non-blocking, with a backlog
 * that holds a burst.
 *
 * The seed listened with a backlog of 1 (flaw 6): while it served its one
 * client, a second connect() waited, and a third was refused. Here the
 * backlog is a parameter (the program's default is MC_BACKLOG): the kernel
 * completes that many connections (plus one) on its own and queues them
 * until the server accepts them. The socket is non-blocking, so that the
 * accept loop can take a whole burst and stop at EAGAIN instead of
 * waiting in accept() for a client that is not there. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "many_clients.h"

int mc_listen(const char *path, int backlog)
{
	/* TODO(lab08): listen at path, non-blocking (your lab 02
	 * server_open(), or lab 05 daemon_open(), with one flag more).
	 *
	 *   path NULL or "" -> EINVAL; strlen(path) >= 108 -> ENAMETOOLONG
	 *   addr and len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	 *   bind(fd, &addr, len) fails with EADDRINUSE? look before unlinking:
	 *     lstat(path): gone -> bind again; not S_ISSOCK -> EADDRINUSE;
	 *     probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	 *     connect(probe, &addr, len); close(probe);
	 *       success or EAGAIN  -> a live server: EADDRINUSE, touch nothing
	 *       ECONNREFUSED       -> stale: unlink(path), bind once more
	 *   listen(fd, backlog);          the backlog as given, not a constant
	 *   return fd;
	 * On any failure: close(fd) keeping errno, return -1. */
	(void)path;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}
