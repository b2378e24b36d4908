/* server.c: open a listening socket at a path, and serve one client.
 *
 * The seed unlinked its path before every bind, so a second copy of the
 * server silently stole the name of a running one (flaw 7). Here the file
 * is removed only when a probe connect() proves that nobody listens on it.
 * The seed also tore down its listening socket whenever its one client
 * left (flaw 6); here the listening socket lives as long as the server,
 * and each client only costs one accepted connection. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bind_listen_accept.h"
#include "../full_io.h" /* common/full_io.h, found through -Icommon/contract */

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

/* Called after bind() failed with EADDRINUSE. Removes the file at path if,
 * and only if, it is a socket file that nobody listens on. Returns 0 when
 * the name is free to bind again, or -1 with errno (EADDRINUSE when the
 * name belongs to someone). */
static int remove_if_stale(const struct sockaddr_un *addr, socklen_t len)
{
	struct stat st;
	if (lstat(addr->sun_path, &st) == -1)
		/* Gone already (the other server exited): just bind again. */
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		/* A regular file or a directory is somebody's data, not a
		 * leftover of ours; connect() would say ECONNREFUSED about it
		 * too, so the probe alone cannot be trusted here. */
		errno = EADDRINUSE;
		return -1;
	}

	/* Non-blocking, so that a live server whose backlog is full answers
	 * EAGAIN at once instead of holding us until it accepts. */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe == -1)
		return -1;
	int r = connect(probe, (const struct sockaddr *)addr, len);
	int err = r == -1 ? errno : 0;
	close(probe);

	if (r == 0 || err == EAGAIN) {
		/* Somebody answers: the name is theirs. */
		errno = EADDRINUSE;
		return -1;
	}
	if (err == ENOENT)
		return 0;
	if (err != ECONNREFUSED) {
		errno = err;
		return -1;
	}
	/* A socket file with no listener behind it: a crashed server's. */
	if (unlink(addr->sun_path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int server_open(const char *path, int backlog)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (unix_path_address(path, &addr, &len) == -1)
		return -1;

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1) {
		/* Only one retry: if another server binds between our unlink
		 * and our bind, the name is rightly theirs (EADDRINUSE). */
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

/* Reads until EOF into buf, at most cap bytes. Returns the count, or -1
 * with errno (EMSGSIZE when there was more than cap). */
static ssize_t read_to_eof(int fd, char *buf, size_t cap)
{
	ssize_t n = read_full(fd, buf, cap);
	if (n < 0 || (size_t)n < cap)
		return n;
	/* Exactly cap bytes so far: one more byte says whether it ended. */
	char extra;
	ssize_t more = read_full(fd, &extra, 1);
	if (more < 0)
		return -1;
	if (more > 0) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

ssize_t server_serve_one(int listen_fd, char *request, size_t cap)
{
	int fd;
	do
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;

	/* read() returning 0 is the client's shutdown(SHUT_WR): the end of
	 * the request, not an error (the seed treated both alike, flaw 10). */
	ssize_t n = read_to_eof(fd, request, cap);
	if (n == -1)
		goto fail;
	/* write_full() sends with MSG_NOSIGNAL: a client gone already gives
	 * EPIPE here instead of a SIGPIPE that would end the whole server. */
	if (write_full(fd, BLA_REPLY, BLA_REPLY_LEN) == -1)
		goto fail;
	if (close(fd) == -1)
		return -1;
	return n;

fail:
	close_keep_errno(fd);
	return -1;
}
