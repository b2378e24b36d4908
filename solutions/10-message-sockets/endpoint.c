/* endpoint.c: a server's socket and a client's, for any of the three types.
 *
 * The calls are lab 03's, with the type as a parameter. What changes with
 * the type: a DGRAM socket has no connection, so its server binds and
 * never listens; a DGRAM client's connect() only records the server's
 * address (no server is involved, nothing is accepted), and a client
 * that wants answers must have a name of its own: autobind. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "message_sockets.h"

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

static int known_type(int type)
{
	return type == SOCK_STREAM || type == SOCK_SEQPACKET ||
	       type == SOCK_DGRAM;
}

int msg_open(const char *text, int type, int backlog)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (!known_type(type)) {
		errno = EINVAL;
		return -1;
	}
	if (msg_address(text, &addr, &len) == -1)
		return -1;

	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1)
		goto fail;
	/* A datagram socket receives as soon as it has a name: there is no
	 * connection to wait for, and listen() would fail (EOPNOTSUPP). */
	if (type != SOCK_DGRAM && listen(fd, backlog) == -1)
		goto fail;
	return fd;

fail:
	close_keep_errno(fd);
	return -1;
}

int msg_connect(const char *text, int type, int autobind)
{
	struct sockaddr_un addr;
	socklen_t len;
	if (!known_type(type)) {
		errno = EINVAL;
		return -1;
	}
	if (msg_address(text, &addr, &len) == -1)
		return -1;
	if (len == sizeof(sa_family_t)) {
		/* "@" asks for a name; it names no server. */
		errno = EINVAL;
		return -1;
	}

	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (autobind) {
		/* Only the family, length 2: the kernel chooses "\0" and five
		 * hex digits. Without a name, a datagram server sees the
		 * sender's address with length 0 and cannot answer. */
		struct sockaddr_un self;
		socklen_t self_len;
		if (msg_address("@", &self, &self_len) == -1 ||
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
