/* socket_basics.c: lab 01: probe socket(), exchange bytes over a
 * socketpair, and show how descriptor numbers are reused.
 *
 * Each function below is a hole marked TODO(lab01). The contract (what to
 * return, which errno) is in common/contract/socket_basics.h; the guide is
 * guide/01-socket-basics.md. */
#include "socket_basics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int probe_socket(int domain, int type, int protocol, struct socket_probe *out)
{
	/* TODO(lab01): probe one combination.
	 *   - out == NULL: errno = EINVAL, return -1.
	 *   - Reset *out: ok = 0, err = 0, domain = type = protocol = -1.
	 *   - int fd = socket(domain, type, protocol);  (exactly these
	 *     arguments, no SOCK_CLOEXEC or other flags)
	 *     on -1: out->err = errno; return 0 (a refusal is a result).
	 *   - out->ok = 1; then for SO_DOMAIN, SO_TYPE and SO_PROTOCOL:
	 *         socklen_t len = sizeof(int);
	 *         getsockopt(fd, SOL_SOCKET, SO_TYPE, &out->type, &len);
	 *     if one fails: save errno, close(fd), restore errno, return -1.
	 *   - close(fd); return 0. */
	(void)domain;
	(void)type;
	(void)protocol;
	(void)out;
	errno = ENOSYS;
	return -1;
}

ssize_t pair_exchange(int type, const void *msg, size_t len, size_t split,
		      void *reply, size_t cap)
{
	/* TODO(lab01): one exchange each way over a socketpair.
	 *   - len == 0, cap == 0 or split > len: errno = EINVAL, return -1
	 *     (an empty exchange would wait in read() forever).
	 *   - int sv[2]; socketpair(AF_UNIX, type, 0, sv);
	 *   - write(sv[0], msg, split); then
	 *     write(sv[0], (const char *)msg + split, len - split);
	 *     (skip an empty piece; a short count is an error: EIO).
	 *   - ssize_t got = read(sv[1], reply, cap);   one read only
	 *   - write(sv[1], reply, got); read(sv[0], back, got) into a
	 *     buffer of your own (malloc), and check with memcmp that the
	 *     same got bytes came back (EIO if not).
	 *   - close(sv[0]); close(sv[1]); on every path, keeping errno.
	 *   - return got. */
	(void)type;
	(void)msg;
	(void)len;
	(void)split;
	(void)reply;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

int fd_reuse(int fds[4])
{
	/* TODO(lab01): watch the kernel pick descriptor numbers.
	 *   - fds[0..3] = -1;
	 *   - fds[0], fds[1], fds[2] = socket(AF_UNIX, SOCK_STREAM, 0);
	 *   - close(fds[0]); close(fds[2]);      (this order)
	 *   - fds[3] = socket(AF_UNIX, SOCK_STREAM, 0);
	 *   - close(fds[1]); close(fds[3]); return 0.
	 *   On a failed socket(): close what is open, keep errno, return -1. */
	for (int i = 0; i < 4; i++)
		fds[i] = -1;
	errno = ENOSYS;
	return -1;
}
