/* io.c: full reads and writes, and the echo peer of the ping-pong (given).
 *
 * Plain read() and write(), on sockets and pipes alike, so that every
 * transport makes the same system calls (send() would not work on a
 * pipe). A stream socket or a pipe may return fewer bytes than asked; a
 * signal may interrupt a call: both loops carry on until the count is
 * reached. Lab 07 builds such loops in detail. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "performance.h"

ssize_t perf_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			/* Not expected for len > 0; avoids an endless loop. */
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t perf_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int perf_echo(struct perf_end e, size_t size, long count)
{
	if (size == 0 || count < 0) {
		errno = EINVAL;
		return -1;
	}
	char *buf = malloc(size);
	if (buf == NULL)
		return -1;
	int rc = 0;
	for (long i = 0; i < count; i++) {
		ssize_t n = perf_read_full(e.rfd, buf, size);
		if (n >= 0 && (size_t)n < size)
			errno = EPIPE;
		if (n < 0 || (size_t)n < size ||
		    perf_write_full(e.wfd, buf, size) == -1) {
			rc = -1;
			break;
		}
	}
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}
