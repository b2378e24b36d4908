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

int naming_listen(const char *text, int backlog)
{
	/* TODO(lab03): socket, bind with the exact length, listen.
	 *
	 *   unix_address(text, &addr, &len)           (-1: return -1)
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   bind(fd, (struct sockaddr *)&addr, len)   len from the builder,
	 *                                             never sizeof addr
	 *   listen(fd, backlog)
	 *   return fd;
	 * Never unlink(): EADDRINUSE is the answer when the name is taken.
	 * On a failure: int saved = errno; close(fd); errno = saved;
	 * return -1; */
	(void)text;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

int naming_connect(const char *text, int autobind)
{
	/* TODO(lab03): connect to the server named by text.
	 *
	 *   unix_address(text, &addr, &len)           (-1: return -1)
	 *   len == sizeof(sa_family_t) ("@")  -> errno = EINVAL, return -1
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   if autobind: unix_address("@", &self, &self_len);
	 *                bind(fd, (struct sockaddr *)&self, self_len);
	 *   connect(fd, (struct sockaddr *)&addr, len)
	 *                keep ENOENT / ECONNREFUSED / EACCES as they are
	 *   return fd;
	 * On a failure: close(fd) keeping errno, return -1. */
	(void)text;
	(void)autobind;
	errno = ENOSYS;
	return -1;
}
