/* full_io.c: read and write loops that survive short counts and EINTR. */
#include "full_io.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	int is_socket = 1; /* until send() says otherwise */

	if (len > SSIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	while (done < len) {
		ssize_t n;
		if (is_socket) {
			/* MSG_NOSIGNAL turns a closed peer into EPIPE instead of
			 * a SIGPIPE that would kill the caller. */
			n = send(fd, p + done, len - done, MSG_NOSIGNAL);
			if (n < 0 && errno == ENOTSOCK) {
				is_socket = 0;
				continue;
			}
		} else {
			n = write(fd, p + done, len - done);
		}
		if (n < 0) {
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
	return (ssize_t)len;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	if (len > SSIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0) {
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

int read_all(int fd, size_t max, char **out, size_t *out_len)
{
	size_t cap = max < 4096 ? max + 1 : 4096, len = 0;
	char *buf = NULL;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (max >= SIZE_MAX - 1) {
		errno = EINVAL;
		return -1;
	}
	buf = malloc(cap + 1);
	if (!buf)
		return -1;
	for (;;) {
		/* The buffer may hold max + 1 bytes: one more than allowed is
		 * how an overflow is noticed without a second read. */
		if (len == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nbuf = realloc(buf, ncap + 1);
			if (!nbuf) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
	}
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;
}
