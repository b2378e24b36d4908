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

int server_open(const char *path, int backlog)
{
	/* TODO(lab02): socket, bind, and listen, without stealing a name.
	 *
	 *   unix_path_address(path, &addr, &len)       (-1: return -1)
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   bind(fd, (struct sockaddr *)&addr, len)     with the exact len
	 *   if bind failed with EADDRINUSE, look before you unlink:
	 *     lstat(path): gone (ENOENT) -> bind again; not S_ISSOCK ->
	 *       EADDRINUSE (never remove somebody's regular file);
	 *     probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	 *     connect(probe, &addr, len), then close(probe):
	 *       0 or EAGAIN  -> a live server owns the name: EADDRINUSE,
	 *                       do NOT unlink;
	 *       ECONNREFUSED -> a stale file: unlink(path), bind once more;
	 *   listen(fd, backlog)                         backlog unchanged
	 *   return fd;
	 * On any failure close what you opened, keeping errno:
	 *   int saved = errno; close(fd); errno = saved; return -1; */
	(void)path;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

ssize_t server_serve_one(int listen_fd, char *request, size_t cap)
{
	/* TODO(lab02): one client: accept, read to EOF, reply, close.
	 *
	 *   fd = accept(listen_fd, NULL, NULL);        retry on EINTR
	 *   n = read_full(fd, request, cap);           0 bytes at EOF is the
	 *                                              end of the request
	 *   if n == cap, read one more byte: if there is one, the request is
	 *     too long -> EMSGSIZE (close, no reply)
	 *   write_full(fd, BLA_REPLY, BLA_REPLY_LEN)   sends with MSG_NOSIGNAL:
	 *                                              a client gone gives
	 *                                              EPIPE, not SIGPIPE
	 *   close(fd); return n;
	 * On a failure: close(fd) keeping errno, return -1. */
	(void)listen_fd;
	(void)request;
	(void)cap;
	errno = ENOSYS;
	return -1;
}
