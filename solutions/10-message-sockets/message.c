/* message.c: sending and receiving one message, never cut silently.
 *
 * On SEQPACKET and DGRAM sockets the kernel keeps each send as one message
 * and each receive takes exactly one. A buffer shorter than the message
 * gets its first bytes and the kernel throws the rest away; MSG_TRUNC
 * makes the receive return the real length (and sets MSG_TRUNC in
 * msg_flags), so the cut is always seen. MSG_PEEK | MSG_TRUNC with no
 * buffer asks for that length without taking the message, so a buffer of
 * the right size can be made first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "message_sockets.h"

ssize_t msg_send(int fd, const void *buf, size_t len)
{
	ssize_t n;
	/* MSG_NOSIGNAL: on a stream, a peer that closed is EPIPE here, not
	 * a SIGPIPE that kills the program (seed flaw 3). SEQPACKET gives
	 * EPIPE without a signal on Linux anyway. */
	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t msg_recv(int fd, void *buf, size_t cap, struct msg_info *info)
{
	if (info == NULL || (buf == NULL && cap > 0)) {
		errno = EINVAL;
		return -1;
	}
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh;
	ssize_t n;
	do {
		memset(&mh, 0, sizeof(mh));
		memset(&info->from, 0, sizeof(info->from));
		/* The length is value-result: it must offer the whole
		 * structure again on every call, or the kernel copies only
		 * as much of the next address as the last one took. */
		mh.msg_name = &info->from;
		mh.msg_namelen = sizeof(info->from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(fd, &mh, MSG_TRUNC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	info->len = (size_t)n;
	info->stored = (size_t)n < cap ? (size_t)n : cap;
	/* On a STREAM socket Linux ignores MSG_TRUNC: the bytes that did not
	 * fit stay queued for the next call, and nothing is lost. */
	info->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	info->fromlen = mh.msg_namelen;
	return n;
}

ssize_t msg_peek_size(int fd)
{
	ssize_t n;
	/* No buffer at all: MSG_TRUNC makes the kernel report the length of
	 * the message, MSG_PEEK leaves it queued. */
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t msg_recv_alloc(int fd, size_t max, char **out, struct msg_info *info)
{
	if (out == NULL || info == NULL || max == 0) {
		errno = EINVAL;
		return -1;
	}
	*out = NULL;
	ssize_t size = msg_peek_size(fd);
	if (size == -1)
		return -1;
	/* Room for the whole message, unless it is larger than the caller
	 * allows: then it is taken cut (and reported so), never left queued
	 * for ever in front of the next one. */
	size_t cap = (size_t)size > max ? max : (size_t)size;
	char *buf = malloc(cap > 0 ? cap : 1);
	if (buf == NULL)
		return -1;
	ssize_t n = msg_recv(fd, buf, cap, info);
	if (n == -1) {
		int saved = errno;
		free(buf);
		errno = saved;
		return -1;
	}
	*out = buf;
	return n;
}
