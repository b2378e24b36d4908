/* endpoint.c: the listening and the connecting socket (given complete).
 *
 * Labs 02 and 05 taught these; they are here so that this lab can be about
 * what travels over the connection. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "framing.h"

/* Fills addr for path; returns the exact length, or 0 with errno. */
static socklen_t path_addr(const char *path, struct sockaddr_un *addr)
{
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return 0;
	}
	size_t n = strlen(path);
	if (n >= sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return 0;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

/* Closes fd without losing the errno being reported; returns -1. */
static int fail_close(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* After bind() failed with EADDRINUSE: 0 when the file at the address
 * was a stale socket file and is now removed, else -1 (EADDRINUSE when a
 * server answers there or the file is not a socket). */
static int remove_stale(const struct sockaddr_un *addr, socklen_t len)
{
	struct stat st;
	if (lstat(addr->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE;
		return -1;
	}
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe == -1)
		return -1;
	int r = connect(probe, (const struct sockaddr *)addr, len);
	int err = r == -1 ? errno : 0;
	close(probe);
	if (r == 0 || err == EAGAIN) {
		errno = EADDRINUSE; /* a live server answered: not ours */
		return -1;
	}
	if (err == ENOENT)
		return 0; /* removed meanwhile */
	if (err != ECONNREFUSED) {
		errno = err;
		return -1;
	}
	if (unlink(addr->sun_path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int fr_listen(const char *path, int backlog)
{
	struct sockaddr_un addr;
	socklen_t len = path_addr(path, &addr);
	if (len == 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1 &&
	    (errno != EADDRINUSE || remove_stale(&addr, len) == -1 ||
	     bind(fd, (struct sockaddr *)&addr, len) == -1))
		return fail_close(fd);
	if (listen(fd, backlog) == -1)
		return fail_close(fd);
	return fd;
}

int fr_connect(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len = path_addr(path, &addr);
	if (len == 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	int r;
	do
		r = connect(fd, (struct sockaddr *)&addr, len);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return fail_close(fd);
	return fd;
}
