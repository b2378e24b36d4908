/* connect.c: one connect attempt on a fresh socket, and the retry policy.
 *
 * The seed kept trying to connect every tick whatever the error. Some
 * errors mean "not yet" (the daemon is restarting), others mean "never
 * like this" (wrong path, wrong socket type, no permission): retrying
 * those forever only hides the problem. And every attempt gets a socket
 * of its own: after a failed connect() POSIX leaves the socket's state
 * unspecified, and a Linux stream socket that was connected once answers
 * every later connect() with EISCONN. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "reconnect.h"

int connect_retryable(int err)
{
	/* TODO(lab05): 1 for the errors that waiting can cure, 0 otherwise.
	 *
	 *   switch (err) {
	 *   case ENOENT:        no file yet: the daemon is restarting
	 *   case ECONNREFUSED:  a file, nobody listening (yet)
	 *   case EAGAIN:        its backlog is full: it is busy
	 *   case EINTR:         a signal interrupted the attempt
	 *       return 1;
	 *   default:            EACCES, EPROTOTYPE, ENAMETOOLONG, EISCONN, ...
	 *       return 0;
	 *   } */
	(void)err;
	errno = ENOSYS;
	return -1;
}

int connect_fresh(const char *path, int timeout_ms)
{
	/* TODO(lab05): one attempt, on a socket made for it.
	 *
	 *   path NULL or ""                   -> EINVAL
	 *   strlen(path) >= sizeof sun_path   -> ENAMETOOLONG (never cut it)
	 *   struct sockaddr_un addr = {AF_UNIX, path with its zero};
	 *   len = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   if (timeout_ms > 0)               set it ONCE (the seed's flaw 4)
	 *       struct timeval tv = {timeout_ms / 1000,
	 *                            (timeout_ms % 1000) * 1000};
	 *       setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	 *   connect(fd, (struct sockaddr *)&addr, len)
	 *   return fd;
	 * On any failure: save errno, close(fd), restore errno, return -1
	 * (the caller needs connect()'s errno, unchanged, to decide). */
	(void)path;
	(void)timeout_ms;
	errno = ENOSYS;
	return -1;
}
