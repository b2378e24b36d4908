/* connect.c: connect() bounded in time, two ways.
 *
 * 1. SO_SNDTIMEO on a blocking socket, set before connect(). On AF_UNIX
 *    the only connect() that waits is one whose listener's backlog is full;
 *    the timeout ends that wait with EAGAIN. On TCP it bounds the handshake
 *    and ends it with EINPROGRESS.
 * 2. A non-blocking connect() and poll(). That is how a TCP handshake is
 *    bounded without a socket option; on AF_UNIX a non-blocking connect()
 *    never says EINPROGRESS (a full backlog is EAGAIN at once), so there is
 *    never anything to poll for.
 * Neither bound slows down a refusal: ENOENT and ECONNREFUSED come back at
 * once, and a timeout cannot pace a reconnect loop (lab 05 does that). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mono_time.h"
#include "timeouts.h"

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

int connect_timed(const char *addr, int rcv_ms, int snd_ms)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family = timeout_address(addr, &ss, &len);
	if (family == -1)
		return -1;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* Before connect(): SO_SNDTIMEO is what bounds connect()'s wait. */
	if (set_timeouts(fd, rcv_ms, snd_ms) == -1 ||
	    connect(fd, (struct sockaddr *)&ss, len) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/* Waits for the handshake of a non-blocking connect() in progress on fd,
 * until deadline. Returns 0 when connected, or -1 with errno (ETIMEDOUT,
 * or the handshake's own error). */
static int finish_connect(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r = poll(&p, 1, mono_ms_left(deadline));
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1) {
			if (errno == EINTR)
				continue; /* the deadline stays where it was */
			return -1;
		}
		/* Writable or in error: SO_ERROR says which, and reading it
		 * clears it. */
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
		return 0;
	}
}

int connect_with_timeout(const char *addr, int ms)
{
	if (ms < 0) {
		errno = EINVAL;
		return -1;
	}
	int64_t deadline = mono_deadline(ms / 1000.0);
	struct sockaddr_storage ss;
	socklen_t len;
	int family = timeout_address(addr, &ss, &len);
	if (family == -1)
		return -1;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		/* Only EINPROGRESS is worth waiting for; EAGAIN (a full UNIX
		 * backlog), ENOENT and ECONNREFUSED are final answers. */
		if (errno != EINPROGRESS || finish_connect(fd, deadline) == -1)
			goto fail;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;

fail:
	close_keep_errno(fd);
	return -1;
}
