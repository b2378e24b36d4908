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

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

/* Called after bind() failed with EADDRINUSE: removes the file at the
 * address if, and only if, it is a socket file nobody listens on (lab 02).
 * Returns 0 when the name is free to bind again, or -1 with errno
 * (EADDRINUSE when the name belongs to someone). */
static int remove_if_stale(const struct sockaddr_un *addr, socklen_t len)
{
	struct stat st;
	if (lstat(addr->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE; /* somebody's data: never ours to remove */
		return -1;
	}
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe == -1)
		return -1;
	int r = connect(probe, (const struct sockaddr *)addr, len);
	int err = r == -1 ? errno : 0;
	close(probe);
	if (r == 0 || err == EAGAIN) {
		errno = EADDRINUSE; /* a live server answered */
		return -1;
	}
	if (err == ENOENT)
		return 0;
	if (err != ECONNREFUSED) {
		errno = err;
		return -1;
	}
	if (unlink(addr->sun_path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int mc_listen(const char *path, int backlog)
{
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	struct sockaddr_un addr;
	size_t n = strlen(path);
	if (n >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, path, n + 1);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1) {
		if (errno != EADDRINUSE || remove_if_stale(&addr, len) == -1 ||
		    bind(fd, (struct sockaddr *)&addr, len) == -1)
			goto fail;
	}
	if (listen(fd, backlog) == -1)
		goto fail;
	return fd;

fail:
	close_keep_errno(fd);
	return -1;
}
