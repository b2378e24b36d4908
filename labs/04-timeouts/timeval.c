/* timeval.c: SO_RCVTIMEO and SO_SNDTIMEO, set once each and read back.
 *
 * Both options take a struct timeval: seconds and MICROseconds. The seed
 * set SO_SNDTIMEO twice in a row, 5 s meant for connect() and 1 s meant
 * for send() (flaw 4). A socket option holds one value, so the second call
 * replaced the first, and the connect() that followed waited 1 s. Reading
 * the option back with getsockopt() shows what is really in force. */
#include <errno.h>
#include <limits.h>
#include <sys/socket.h>

#include "timeouts.h"

int ms_to_timeval(int ms, struct timeval *tv)
{
	/* TODO(lab04): milliseconds to seconds + MICROseconds.
	 *
	 *   ms < 0 or tv == NULL -> errno = EINVAL, return -1 (tv untouched)
	 *   tv->tv_sec  = ms / 1000;            whole seconds
	 *   tv->tv_usec = (ms % 1000) * 1000;   the rest, in microseconds
	 *   return 0; */
	(void)ms;
	(void)tv;
	errno = ENOSYS;
	return -1;
}

int set_timeouts(int fd, int rcv_ms, int snd_ms)
{
	/* TODO(lab04): one setsockopt() per option, no more.
	 *
	 *   struct timeval rcv, snd;
	 *   ms_to_timeval(rcv_ms, &rcv) and ms_to_timeval(snd_ms, &snd)
	 *                  BOTH first: a bad value sets nothing (EINVAL)
	 *   setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv))
	 *   setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd))
	 *   return 0, or -1 as soon as one fails (errno as it set it). */
	(void)fd;
	(void)rcv_ms;
	(void)snd_ms;
	errno = ENOSYS;
	return -1;
}

int get_timeout_ms(int fd, int optname, int *ms)
{
	/* TODO(lab04): read an option back, in milliseconds.
	 *
	 *   optname not SO_RCVTIMEO/SO_SNDTIMEO, or ms == NULL -> EINVAL
	 *   struct timeval tv; socklen_t len = sizeof(tv);
	 *   getsockopt(fd, SOL_SOCKET, optname, &tv, &len)
	 *   total = tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
	 *                  (long long; a partial millisecond rounds up)
	 *   total > INT_MAX -> EOVERFLOW; else *ms = total; return 0; */
	(void)fd;
	(void)optname;
	(void)ms;
	errno = ENOSYS;
	return -1;
}
