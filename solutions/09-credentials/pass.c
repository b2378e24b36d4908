/* pass.c: an open descriptor sent through a UNIX socket (SCM_RIGHTS).
 *
 * The descriptor travels in the control part of a message (its "ancillary
 * data"), as a struct cmsghdr followed by the int. Two lengths must not be
 * confused: CMSG_LEN(n) is the length of one control message holding n
 * bytes of data (it goes in cmsg_len); CMSG_SPACE(n) is that plus the
 * padding to the next alignment boundary (the room a buffer needs, and
 * msg_controllen). On x86-64, CMSG_LEN(sizeof(int)) is 20 and
 * CMSG_SPACE(sizeof(int)) is 24: a cmsg_len of 24 tells the kernel there
 * are two ints, and the padding goes out as a second descriptor.
 *
 * The receiver gets a new descriptor for the same open file, as dup()
 * would give, but in its own process. If its control buffer is too small,
 * the kernel closes what does not fit and sets MSG_CTRUNC: the only sign
 * that something was lost. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "credentials.h"

/* A control buffer for one descriptor, aligned for struct cmsghdr. */
union one_fd_control {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int fd_send(int sock, int fd, const void *buf, size_t len)
{
	if (buf == NULL || len == 0 || len > CRED_LINE_MAX) {
		errno = EINVAL;
		return -1;
	}
	union one_fd_control control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));

	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		/* The descriptor went with the first bytes; resending the
		 * rest would need a second message without it. The lab's
		 * messages are one short line: a short count is an error. */
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Closes every descriptor of every SCM_RIGHTS message in msg. */
static void close_all(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

ssize_t fd_recv(int sock, void *buf, size_t cap, int *fd_out)
{
	if (fd_out != NULL)
		*fd_out = -1;
	if (buf == NULL || fd_out == NULL || cap == 0) {
		errno = EINVAL;
		return -1;
	}
	union one_fd_control control;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg;
	ssize_t n;
	do {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		/* MSG_CMSG_CLOEXEC sets FD_CLOEXEC on the new descriptor in
		 * the same step: no window in which a fork+exec could inherit
		 * it. */
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;

	int count = 0, fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k > 0 && count == 0)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		count += (int)k;
	}
	if ((msg.msg_flags & MSG_CTRUNC) || count > 1) {
		/* Some descriptors may have been dropped, or more came than
		 * the protocol allows: keep none of them. */
		close_all(&msg);
		errno = EMSGSIZE;
		return -1;
	}
	if (n == 0 && count == 0)
		return 0;
	if (count == 0) {
		errno = ENOMSG;
		return -1;
	}
	*fd_out = fd;
	return n;
}
