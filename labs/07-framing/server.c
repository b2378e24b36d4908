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
	/* TODO(lab07): answer frames until the client leaves.
	 *
	 *   memset(st, 0, sizeof *st);
	 *   for (;;)
	 *     struct frame f;
	 *     r = frame_read(cfd, &f, max);
	 *     r == 0  -> return 0                       the client is done
	 *     r == -1 -> errno == EMSGSIZE: st->bad_len = f.len;
	 *                return -1                      no reply to it
	 *     st->bytes_in += f.len;
	 *     fr_upper(f.data, f.len);
	 *     frame_write(cfd, f.data, f.len)   then frame_free(&f),
	 *                                       keeping frame_write's errno
	 *     -1 -> return -1 (EPIPE: the client left)
	 *     st->frames++; st->bytes_out += the reply's length; */
	(void)cfd;
	(void)max;
	if (st != NULL)
		memset(st, 0, sizeof(*st));
	errno = ENOSYS;
	return -1;
}

int fr_server_loop(int lfd, const struct fr_server_opts *o)
{
	/* TODO(lab07): one client after another, whatever each one does.
	 *
	 *   n = 0;
	 *   while (o->clients == 0 || n < o->clients)
	 *     cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	 *     cfd == -1: EINTR, ECONNABORTED, EMFILE, ENFILE, ENOBUFS,
	 *                ENOMEM -> continue; anything else -> return -1
	 *     n++;
	 *     o->sndbuf > 0: setsockopt(cfd, SOL_SOCKET, SO_SNDBUF,
	 *                               &o->sndbuf, sizeof o->sndbuf);
	 *     r = fr_serve_client(cfd, o->max, &st); err = errno;
	 *     close(cfd);
	 *     o->log: fprintf(o->log, FR_LOG_CLIENT, n, st.frames,
	 *                     st.bytes_in, st.bytes_out,
	 *                     r == 0 ? "EOF" : errno_name(err));
	 *             after EMSGSIZE also " (announced %lu bytes, max %lu)"
	 *             with st.bad_len and o->max; then '\n'
	 *     and on to the next client, even when r == -1
	 *   return 0; */
	(void)lfd;
	(void)o;
	errno = ENOSYS;
	return -1;
}
