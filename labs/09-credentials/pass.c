/* pass.c: an open descriptor sent through a UNIX socket (SCM_RIGHTS).
 *
 * The descriptor travels in the control part of a message (its "ancillary
 * data"), as a struct cmsghdr followed by the int. Two lengths must not be
 * confused: CMSG_LEN(n) is the length of one control message holding n
 * bytes of data (it goes in cmsg_len); CMSG_SPACE(n) is that plus the
 * padding to the next alignment boundary (the room a buffer needs, and
 * msg_controllen). On x86-64, CMSG_LEN(sizeof(int)) is 20 and
 * CMSG_SPACE(sizeof(int)) is 24.
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

int fd_send(int sock, int fd, const void *buf, size_t len)
{
	/* TODO(lab09): len bytes and one descriptor in one sendmsg().
	 *
	 *   buf NULL, len 0, len > CRED_LINE_MAX  -> errno = EINVAL
	 *   union { char buf[CMSG_SPACE(sizeof(int))];
	 *           struct cmsghdr align; } control;   (zeroed)
	 *   struct iovec iov = {buf, len};
	 *   struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
	 *       .msg_control = control.buf,
	 *       .msg_controllen = sizeof(control.buf)};
	 *   struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	 *   c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS;
	 *   c->cmsg_len = CMSG_LEN(sizeof(int));       LEN, not SPACE
	 *   memcpy(CMSG_DATA(c), &fd, sizeof(int));
	 *   n = sendmsg(sock, &msg, MSG_NOSIGNAL);     again on EINTR
	 *   n != len -> errno = EIO;   return 0 when all went.
	 * Do not close fd: it is the caller's. */
	(void)sock;
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t fd_recv(int sock, void *buf, size_t cap, int *fd_out)
{
	/* TODO(lab09): one message and the descriptor that came with it.
	 *
	 *   *fd_out = -1 first; buf/fd_out NULL or cap 0 -> EINVAL
	 *   control buffer as in fd_send (room for one descriptor at least);
	 *   n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);  again on EINTR
	 *   walk CMSG_FIRSTHDR / CMSG_NXTHDR: for SOL_SOCKET + SCM_RIGHTS,
	 *       (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) descriptors;
	 *       skip any other type
	 *   msg.msg_flags & MSG_CTRUNC, or more than one descriptor:
	 *       close every one received, errno = EMSGSIZE, return -1
	 *   n == 0 and none        -> return 0 (EOF)
	 *   bytes but no descriptor -> errno = ENOMSG, return -1
	 *   *fd_out = the descriptor; return n; */
	(void)sock;
	(void)buf;
	(void)cap;
	if (fd_out != NULL)
		*fd_out = -1;
	errno = ENOSYS;
	return -1;
}
