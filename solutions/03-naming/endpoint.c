/* endpoint.c: a listening socket at a name, and a client connected to one.
 *
 * Both hand the kernel the exact length from unix_address(). The listener
 * never unlinks anything: a path stays in the filesystem after its socket
 * is closed and must be removed by someone, while an abstract name is
 * released by the kernel when the last descriptor of its socket closes. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "naming.h"

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

int naming_listen(const char *text, int backlog)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (unix_address(text, &addr, &len) == -1)
		return -1;

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* For "@" len is sizeof(sa_family_t): the kernel picks the name. */
	if (bind(fd, (struct sockaddr *)&addr, len) == -1 ||
	    listen(fd, backlog) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int naming_connect(const char *text, int autobind)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (unix_address(text, &addr, &len) == -1)
		return -1;
	if (len == sizeof(sa_family_t)) {
		/* "@" is a request for a name, not the name of a server. */
		errno = EINVAL;
		return -1;
	}

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (autobind) {
		/* The builder's "@": only the family, so the kernel gives this
		 * client a name of its own, which the server then sees with
		 * getpeername(). */
		struct sockaddr_un self;
		socklen_t self_len;
		if (unix_address("@", &self, &self_len) == -1 ||
		    bind(fd, (struct sockaddr *)&self, self_len) == -1)
			goto fail;
	}
	if (connect(fd, (struct sockaddr *)&addr, len) == -1)
		goto fail;
	return fd;

fail:
	close_keep_errno(fd);
	return -1;
}
