/* server.c: fserver's service of one client, and of one client after
 * another.
 *
 * A client that breaks the framing (announces a frame over the limit, or
 * leaves in the middle of one) loses its connection, and only that: the
 * server cannot know where that client's next frame would start, so it
 * does not guess, and the next client finds a server in the same state as
 * the first did. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "framing.h"
#include "../report.h" /* errno_name(), common/report.h */

void fr_upper(unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (unsigned char)(buf[i] - 'a' + 'A');
}

int fr_serve_client(int cfd, uint32_t max, struct fr_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (;;) {
		struct frame f;
		int r = frame_read(cfd, &f, max);
		if (r == 0)
			return 0; /* the client closed between frames */
		if (r == -1) {
			if (errno == EMSGSIZE)
				st->bad_len = f.len;
			return -1;
		}
		uint32_t len = f.len;
		st->bytes_in += len;
		fr_upper(f.data, len);
		r = frame_write(cfd, f.data, len);
		int err = errno;
		frame_free(&f);
		if (r == -1) {
			errno = err; /* the reply did not go: EPIPE, ... */
			return -1;
		}
		st->frames++;
		st->bytes_out += len;
	}
}

/* Whether an accept() error leaves the listening socket usable. */
static int accept_transient(int err)
{
	return err == EINTR || err == ECONNABORTED || err == EMFILE ||
	       err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

int fr_server_loop(int lfd, const struct fr_server_opts *o)
{
	unsigned long n = 0;
	while (o->clients == 0 || n < o->clients) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1) {
			if (accept_transient(errno))
				continue;
			return -1;
		}
		n++;
		if (o->sndbuf > 0)
			setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &o->sndbuf,
				   sizeof(o->sndbuf));
		struct fr_stats st;
		int r = fr_serve_client(cfd, o->max, &st);
		int err = errno;
		close(cfd);
		if (o->log == NULL)
			continue;
		/* Whatever went wrong concerns this client only. */
		fprintf(o->log, FR_LOG_CLIENT, n, st.frames, st.bytes_in,
			st.bytes_out, r == 0 ? "EOF" : errno_name(err));
		if (r == -1 && err == EMSGSIZE)
			fprintf(o->log, " (announced %lu bytes, max %lu)",
				(unsigned long)st.bad_len, (unsigned long)o->max);
		fputc('\n', o->log);
	}
	return 0;
}
