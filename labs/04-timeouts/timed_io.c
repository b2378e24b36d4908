/* timed_io.c: one read or one send, bounded in total by the socket's
 * timeout, signals or not.
 *
 * With SO_RCVTIMEO or SO_SNDTIMEO set, the kernel ends a wait with EAGAIN
 * when the time is up. A signal handler that runs during the wait ends it
 * too, with EINTR, even under SA_RESTART: Linux restarts no call that has
 * a timeout. Calling read() again would start a whole new timeout, and a
 * signal that keeps coming (a timer, a child exiting) would then stretch
 * the wait forever. So after EINTR the wait goes on with poll() for only
 * the time that is left, and the data is then taken without blocking. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mono_time.h"
#include "timeouts.h"

ssize_t read_timed(int fd, void *buf, size_t cap)
{
	/* TODO(lab04): one read, bounded in total by SO_RCVTIMEO.
	 *
	 *   get_timeout_ms(fd, SO_RCVTIMEO, &ms)   (0: no bound)
	 *   deadline = mono_deadline(ms / 1000.0);
	 *   n = read(fd, buf, cap);       the kernel times it: EAGAIN at the
	 *                                 end of SO_RCVTIMEO
	 *   n >= 0, or an errno other than EINTR: return it as it is.
	 *   EINTR (a handler ran; SA_RESTART does not restart a call with a
	 *   timeout): do NOT read() again, that starts a whole new timeout.
	 *   Loop instead:
	 *     left = ms == 0 ? -1 : mono_ms_left(deadline);
	 *     left == 0 -> errno = EAGAIN, return -1;
	 *     r = poll(&(struct pollfd){fd, POLLIN}, 1, left);
	 *       -1 with EINTR: loop; -1 otherwise: return -1;
	 *       0: errno = EAGAIN, return -1;
	 *     n = recv(fd, buf, cap, MSG_DONTWAIT);  take it without blocking
	 *       n >= 0: return n; EAGAIN or EINTR: loop; else return -1. */
	(void)fd;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

ssize_t send_timed(int fd, const void *buf, size_t len)
{
	/* TODO(lab04): one send, bounded in total by SO_SNDTIMEO.
	 *
	 * The same shape as read_timed(), with:
	 *   get_timeout_ms(fd, SO_SNDTIMEO, &ms)
	 *   n = send(fd, buf, len, MSG_NOSIGNAL);    EPIPE, never SIGPIPE
	 *   a short count (0 < n < len) is the result: return it, do not
	 *   send the rest (the caller must learn how much went);
	 *   after EINTR: poll() for POLLOUT with the time left, then
	 *   send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT). */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
