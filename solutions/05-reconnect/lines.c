/* lines.c: sending whole lines, and cutting a stream back into lines.
 *
 * A stream socket keeps no message boundaries (the seed's flaw 1): one
 * read() may return half a line, or two lines and the start of a third.
 * The reader below keeps the bytes it has not handed out yet. Sending is
 * the other half of the seed's worst flaw (3): a write() to a socket whose
 * peer has gone raises SIGPIPE, and SIGPIPE's default action is death, so
 * every send here says MSG_NOSIGNAL and gets the error EPIPE instead. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reconnect.h"

int send_line(int fd, const char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = send(fd, buf + done, len - done, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n; /* a short count: send the rest */
	}
	return 0;
}

void line_reader_init(struct line_reader *r, int fd)
{
	r->fd = fd;
	r->len = 0;
}

ssize_t line_reader_fill(struct line_reader *r)
{
	if (r->len == sizeof(r->buf)) {
		/* Full, and line_reader_next() found no '\n' in it. */
		errno = EMSGSIZE;
		return -1;
	}
	ssize_t n;
	do
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		r->len += (size_t)n;
	else if (n == 0)
		r->len = 0; /* an unfinished line at EOF is dropped */
	return n;
}

int line_reader_next(struct line_reader *r, char *line, size_t cap)
{
	char *nl = memchr(r->buf, '\n', r->len);
	if (nl == NULL)
		return 0;
	size_t n = (size_t)(nl - r->buf);
	if (line == NULL || cap < n + 1) {
		errno = EINVAL;
		return -1;
	}
	memcpy(line, r->buf, n);
	line[n] = '\0';
	/* Keep what follows the line for the next call. */
	r->len -= n + 1;
	memmove(r->buf, nl + 1, r->len);
	return 1;
}
