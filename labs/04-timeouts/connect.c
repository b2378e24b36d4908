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

int connect_timed(const char *addr, int rcv_ms, int snd_ms)
{
	/* TODO(lab04): a blocking connect() that SO_SNDTIMEO bounds.
	 *
	 *   family = timeout_address(addr, &ss, &len)        (-1: return -1)
	 *   fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);   BLOCKING
	 *   set_timeouts(fd, rcv_ms, snd_ms)      BEFORE connect(), once
	 *   connect(fd, (struct sockaddr *)&ss, len)
	 *       full UNIX backlog: waits snd_ms, then EAGAIN;
	 *       TCP with no answer: waits snd_ms, then EINPROGRESS;
	 *       ENOENT / ECONNREFUSED: at once. Leave errno as it is.
	 *   return fd;
	 * On a failure: save errno, close(fd), restore errno, return -1. */
	(void)addr;
	(void)rcv_ms;
	(void)snd_ms;
	errno = ENOSYS;
	return -1;
}

int connect_with_timeout(const char *addr, int ms)
{
	/* TODO(lab04): a non-blocking connect() and poll().
	 *
	 *   ms < 0 -> EINVAL
	 *   deadline = mono_deadline(ms / 1000.0);       (common/mono_time.h)
	 *   family = timeout_address(addr, &ss, &len)
	 *   fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	 *   connect(fd, ...):
	 *     0            connected already;
	 *     EINPROGRESS  loop: struct pollfd p = {fd, POLLOUT};
	 *                  r = poll(&p, 1, mono_ms_left(deadline));
	 *                  r == 0 -> ETIMEDOUT; r == -1 && EINTR -> poll again
	 *                  (same deadline); r == 1 -> getsockopt(fd,
	 *                  SOL_SOCKET, SO_ERROR, &err, &elen): err != 0 is
	 *                  the failure (errno = err), 0 is success;
	 *     anything else (EAGAIN on a full UNIX backlog, ENOENT,
	 *                  ECONNREFUSED): fail at once.
	 *   Success: flags = fcntl(fd, F_GETFL); fcntl(fd, F_SETFL,
	 *   flags & ~O_NONBLOCK); return fd.
	 * On a failure: close(fd) keeping errno, return -1. */
	(void)addr;
	(void)ms;
	errno = ENOSYS;
	return -1;
}
