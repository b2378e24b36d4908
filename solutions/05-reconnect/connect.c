/* connect.c: one connect attempt on a fresh socket, and the retry policy.
 *
 * The seed kept trying to connect every tick whatever the error. Some
 * errors mean "not yet" (the daemon is restarting), others mean "never
 * like this" (wrong path, wrong socket type, no permission): retrying
 * those forever only hides the problem. And every attempt gets a socket
 * of its own: after a failed connect() POSIX leaves the socket's state
 * unspecified, and a Linux stream socket that was connected once answers
 * every later connect() with EISCONN. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "reconnect.h"

int connect_retryable(int err)
{
	switch (err) {
	case ENOENT:       /* no file: the daemon is not (yet) there */
	case ECONNREFUSED: /* a file, nobody listening: it died or starts */
	case EAGAIN:       /* its backlog is full: it is busy */
	case EINTR:        /* a signal interrupted the attempt */
		return 1;
	default:
		return 0;
	}
}

/* The pathname address of path with its exact length; refuses what does
 * not fit instead of cutting it (the seed's flaw 9). */
static int path_address(const char *path, struct sockaddr_un *addr,
			socklen_t *len)
{
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	size_t n = strlen(path);
	if (n >= sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

int connect_fresh(const char *path, int timeout_ms)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (path_address(path, &addr, &len) == -1)
		return -1;

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (timeout_ms > 0) {
		/* Set once (the seed set it twice and kept only the second,
		 * flaw 4). On a UNIX socket it bounds a connect() that waits
		 * for room in the daemon's backlog, then every send. */
		struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
			goto fail;
	}
	if (connect(fd, (struct sockaddr *)&addr, len) == -1)
		goto fail;
	return fd;

fail:;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
