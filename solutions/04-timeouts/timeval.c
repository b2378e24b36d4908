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
	if (ms < 0 || tv == NULL) {
		errno = EINVAL;
		return -1;
	}
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
	return 0;
}

int set_timeouts(int fd, int rcv_ms, int snd_ms)
{
	struct timeval rcv, snd;
	/* Both converted before either is set: a bad second value must not
	 * leave the socket half configured. */
	if (ms_to_timeval(rcv_ms, &rcv) == -1 || ms_to_timeval(snd_ms, &snd) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) == -1)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
}

int get_timeout_ms(int fd, int optname, int *ms)
{
	if ((optname != SO_RCVTIMEO && optname != SO_SNDTIMEO) || ms == NULL) {
		errno = EINVAL;
		return -1;
	}
	struct timeval tv;
	socklen_t len = sizeof(tv);
	if (getsockopt(fd, SOL_SOCKET, optname, &tv, &len) == -1)
		return -1;
	/* A partial millisecond counts as a whole one: the caller must never
	 * believe in a shorter wait than the kernel's. */
	long long total = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
	if (total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	*ms = (int)total;
	return 0;
}
