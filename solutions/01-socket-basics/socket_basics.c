/* socket_basics.c: lab 01 reference: probe socket(), exchange bytes over a
 * socketpair, and show how descriptor numbers are reused. */
#include "socket_basics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Closes fd without letting close() replace the errno the caller is about
 * to report. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

/* Reads one int-valued SOL_SOCKET option. Returns 0, or -1 with errno. */
static int get_int_option(int fd, int name, int *value)
{
	socklen_t len = sizeof(*value);
	return getsockopt(fd, SOL_SOCKET, name, value, &len);
}

int probe_socket(int domain, int type, int protocol, struct socket_probe *out)
{
	if (!out) {
		errno = EINVAL;
		return -1;
	}
	out->ok = 0;
	out->err = 0;
	out->domain = out->type = out->protocol = -1;

	/* The arguments go to the kernel untouched: the point is to see what
	 * the kernel does with exactly this combination. */
	int fd = socket(domain, type, protocol);
	if (fd == -1) {
		out->err = errno;
		return 0;
	}
	out->ok = 1;

	/* What the kernel built can differ from what was asked: protocol 0
	 * becomes the type's default, and AF_UNIX turns SOCK_RAW into
	 * SOCK_DGRAM. Reading the options back shows it. */
	if (get_int_option(fd, SO_DOMAIN, &out->domain) == -1 ||
	    get_int_option(fd, SO_TYPE, &out->type) == -1 ||
	    get_int_option(fd, SO_PROTOCOL, &out->protocol) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Writes len bytes with one write() call; a short count is an error here
 * because each call is meant to be one message. */
static int write_once(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t pair_exchange(int type, const void *msg, size_t len, size_t split,
		      void *reply, size_t cap)
{
	/* An empty exchange would leave the read of step 2 waiting forever. */
	if (len == 0 || cap == 0 || split > len) {
		errno = EINVAL;
		return -1;
	}
	int sv[2];
	if (socketpair(AF_UNIX, type, 0, sv) == -1)
		return -1;

	const char *bytes = msg;
	ssize_t got = -1;

	/* Step 1: two writes on end 0, so that the reader can tell whether
	 * the socket kept them apart. */
	if (split > 0 && write_once(sv[0], bytes, split) == -1)
		goto out;
	if (len > split && write_once(sv[0], bytes + split, len - split) == -1)
		goto out;

	/* Step 2: one read on the other end. Both pieces are already queued,
	 * so a stream hands over as much as fits, while a datagram or
	 * seqpacket read returns exactly one message (cut to cap). */
	got = read(sv[1], reply, cap);
	if (got == -1)
		goto out;

	/* Step 3: the pair is symmetric; send what arrived back the other
	 * way, as one message, and check that the same bytes return. */
	if (got > 0) {
		char *back = malloc((size_t)got);
		if (!back)
			goto fail;
		ssize_t n = -1;
		if (write_once(sv[1], reply, (size_t)got) == 0)
			n = read(sv[0], back, (size_t)got);
		int same = n == got && memcmp(back, reply, (size_t)got) == 0;
		free(back);
		if (n == -1)
			goto fail;
		if (!same) {
			errno = EIO;
			goto fail;
		}
	}
	goto out;
fail:
	got = -1;
out:
	/* Step 4: both ends are closed whatever happened. */
	close_keep_errno(sv[0]);
	close_keep_errno(sv[1]);
	return got;
}

int fd_reuse(int fds[4])
{
	for (int i = 0; i < 4; i++)
		fds[i] = -1;
	for (int i = 0; i < 3; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fds[i] == -1)
			goto fail;
	}
	/* Free the first number, then the last one: the next socket shows
	 * which of the two the kernel hands out again. */
	close(fds[0]);
	close(fds[2]);
	fds[3] = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fds[3] == -1) {
		close_keep_errno(fds[1]);
		return -1;
	}
	close(fds[1]);
	close(fds[3]);
	return 0;
fail:
	for (int i = 0; i < 3; i++)
		if (fds[i] != -1)
			close_keep_errno(fds[i]);
	return -1;
}
