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

/* Waits until fd is ready for events or the deadline passes (bound_ms 0:
 * no deadline). A signal does not move the deadline. Returns 1 when ready
 * (or in error: the next call says which), 0 when the time is up, or -1
 * with errno. */
static int wait_rest(int fd, short events, int bound_ms, int64_t deadline)
{
	for (;;) {
		int left = bound_ms == 0 ? -1 : mono_ms_left(deadline);
		if (left == 0)
			return 0;
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, left);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -1;
	}
}

ssize_t read_timed(int fd, void *buf, size_t cap)
{
	int ms;
	if (get_timeout_ms(fd, SO_RCVTIMEO, &ms) == -1)
		return -1;
	int64_t deadline = mono_deadline(ms / 1000.0);

	/* The first try is a plain read(): SO_RCVTIMEO bounds it. */
	ssize_t n = read(fd, buf, cap);
	if (n >= 0 || errno != EINTR)
		return n;
	for (;;) {
		int r = wait_rest(fd, POLLIN, ms, deadline);
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = EAGAIN;
			return -1;
		}
		n = recv(fd, buf, cap, MSG_DONTWAIT);
		/* EAGAIN although poll() said ready: another reader was
		 * quicker. Wait again, for what is left of the time. */
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
	}
}

ssize_t send_timed(int fd, const void *buf, size_t len)
{
	int ms;
	if (get_timeout_ms(fd, SO_SNDTIMEO, &ms) == -1)
		return -1;
	int64_t deadline = mono_deadline(ms / 1000.0);

	/* A short count is returned as it is: those bytes went, and the
	 * caller must know how many. */
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0 || errno != EINTR)
		return n;
	for (;;) {
		int r = wait_rest(fd, POLLOUT, ms, deadline);
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = EAGAIN;
			return -1;
		}
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
	}
}
