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
	/* TODO(lab05): send all len bytes, never raising SIGPIPE.
	 *
	 *   done = 0;
	 *   while (done < len)
	 *       n = send(fd, buf + done, len - done, MSG_NOSIGNAL);
	 *       n == -1 and errno == EINTR -> again
	 *       n == -1 -> return -1          (EPIPE: the daemon has gone)
	 *       done += n;                    a short count: send the rest
	 *   return 0; */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

void line_reader_init(struct line_reader *r, int fd)
{
	/* TODO(lab05): r->fd = fd; r->len = 0; */
	(void)r;
	(void)fd;
}

ssize_t line_reader_fill(struct line_reader *r)
{
	/* TODO(lab05): one read() into the free end of the buffer.
	 *
	 *   r->len == sizeof r->buf -> errno = EMSGSIZE, return -1
	 *                    (full, and line_reader_next found no '\n')
	 *   do n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
	 *   while (n == -1 && errno == EINTR);
	 *   n > 0:  r->len += n;
	 *   n == 0: EOF; drop the unfinished line: r->len = 0;
	 *   return n;        (-1: ECONNRESET, EAGAIN, ... passed on) */
	(void)r;
	errno = ENOSYS;
	return -1;
}

int line_reader_next(struct line_reader *r, char *line, size_t cap)
{
	/* TODO(lab05): hand out the oldest complete line, if there is one.
	 *
	 *   nl = memchr(r->buf, '\n', r->len);   none -> return 0
	 *   n = nl - r->buf;                      the line's length
	 *   line NULL or cap < n + 1 -> errno = EINVAL, return -1
	 *   memcpy(line, r->buf, n); line[n] = '\0';
	 *   r->len -= n + 1;
	 *   memmove(r->buf, nl + 1, r->len);      keep what follows
	 *   return 1; */
	(void)r;
	(void)line;
	(void)cap;
	errno = ENOSYS;
	return -1;
}
