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

int msg_open(const char *text, int type, int backlog)
{
	/* TODO(lab10): a server's socket of the given type, bound, and
	 * listening unless it is a datagram socket.
	 *
	 *   type not SOCK_STREAM, SOCK_SEQPACKET or SOCK_DGRAM
	 *                                      -> errno = EINVAL, return -1
	 *   msg_address(text, &addr, &len)             (-1: return -1)
	 *   fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	 *   bind(fd, (struct sockaddr *)&addr, len)   the builder's length
	 *   if (type != SOCK_DGRAM) listen(fd, backlog);
	 *                  a DGRAM socket never listens (EOPNOTSUPP): it
	 *                  receives as soon as it has a name
	 *   return fd;
	 * Never unlink(). On a failure: int saved = errno; close(fd);
	 * errno = saved; return -1; */
	(void)text;
	(void)type;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

int msg_connect(const char *text, int type, int autobind)
{
	/* TODO(lab10): a client's socket of the given type, connected.
	 *
	 *   bad type -> EINVAL; msg_address(text, &addr, &len) (-1: return -1)
	 *   len == sizeof(sa_family_t) ("@")    -> errno = EINVAL, return -1
	 *   fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	 *   if autobind: msg_address("@", &self, &self_len);
	 *                bind(fd, (struct sockaddr *)&self, self_len);
	 *                   self_len is 2: the family alone, and the
	 *                   kernel chooses "\0" and five hex digits
	 *   connect(fd, (struct sockaddr *)&addr, len)
	 *                   keep ENOENT / ECONNREFUSED / EPROTOTYPE as they
	 *                   are: the caller tells them apart
	 *   return fd;
	 * On a failure: close(fd) keeping errno, return -1. */
	(void)text;
	(void)type;
	(void)autobind;
	errno = ENOSYS;
	return -1;
}
