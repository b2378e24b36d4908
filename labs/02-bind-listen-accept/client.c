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
	/* TODO(lab02): connect, send, end the request, read the reply.
	 *
	 *   unix_path_address(path, &addr, &alen)      (-1: return -1)
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   connect(fd, (struct sockaddr *)&addr, alen)
	 *                            keep ENOENT / ECONNREFUSED as they are
	 *   write_full(fd, msg, len);                 exactly len bytes,
	 *                                             no padding
	 *   shutdown(fd, SHUT_WR);                    the server sees EOF
	 *   n = read_full(fd, reply, cap);            the reply, until EOF
	 *   if n == cap and one more byte comes -> EMSGSIZE
	 *   close(fd); return n;
	 * On a failure: close(fd) keeping errno, return -1. */
	(void)path;
	(void)msg;
	(void)len;
	(void)reply;
	(void)cap;
	errno = ENOSYS;
	return -1;
}
