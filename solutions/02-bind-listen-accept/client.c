/* client.c: one request to the server at a path, one reply back.
 *
 * The client marks the end of its request with shutdown(SHUT_WR): the
 * server's read() then returns 0, while the client can still read the
 * reply on the same connection. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bind_listen_accept.h"
#include "../full_io.h" /* common/full_io.h, found through -Icommon/contract */

ssize_t client_request(const char *path, const void *msg, size_t len,
		       char *reply, size_t cap)
{
	struct sockaddr_un addr;
	socklen_t alen;
	if (unix_path_address(path, &addr, &alen) == -1)
		return -1;

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* ENOENT (no file) and ECONNREFUSED (a file, nobody listening) come
	 * back from here unchanged, for the caller to tell apart. */
	if (connect(fd, (struct sockaddr *)&addr, alen) == -1)
		goto fail;
	if (write_full(fd, msg, len) == -1)
		goto fail;
	if (shutdown(fd, SHUT_WR) == -1)
		goto fail;

	ssize_t n = read_full(fd, reply, cap);
	if (n == -1)
		goto fail;
	if ((size_t)n == cap) {
		char extra;
		ssize_t more = read_full(fd, &extra, 1);
		if (more == -1)
			goto fail;
		if (more > 0) {
			errno = EMSGSIZE;
			goto fail;
		}
	}
	if (close(fd) == -1)
		return -1;
	return n;

fail:;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
