/* daemon.c: the daemon's listening socket, and its service of one client
 * after another.
 *
 * The seed's daemon tore its listening socket down whenever its client
 * left, unlinked the path and slept 3 s before listening again (flaw 6),
 * and it unlinked the path blindly at start, stealing the name of a live
 * daemon (flaw 7). Here the listening socket is made once and accepted on
 * for ever, and only a provably stale file is removed. Each message is
 * recorded before it is acknowledged, so that an acknowledgement is never
 * a promise the daemon could forget by dying. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "reconnect.h"
#include "../report.h" /* errno_name(), common/report.h */

int daemon_open(const char *path, int backlog)
{
	/* TODO(lab05): listen at path without stealing a live daemon's name
	 * (your lab 02 server_open() did exactly this).
	 *
	 *   path NULL or "" -> EINVAL; strlen(path) >= 108 -> ENAMETOOLONG
	 *   addr and len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   bind(fd, &addr, len) fails with EADDRINUSE? look before unlinking:
	 *     lstat(path): gone -> bind again; not S_ISSOCK -> EADDRINUSE;
	 *     probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	 *     connect(probe, &addr, len); close(probe);
	 *       success or EAGAIN  -> a live daemon: EADDRINUSE, touch nothing
	 *       ECONNREFUSED       -> stale: unlink(path), bind once more
	 *   listen(fd, backlog);
	 *   return fd;
	 * On any failure: close(fd) keeping errno, return -1. */
	(void)path;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}

int daemon_serve(int cfd, struct daemon_state *st)
{
	/* TODO(lab05): serve one client until it leaves.
	 *
	 *   struct line_reader r; char line[RC_LINE_MAX];
	 *   line_reader_init(&r, cfd);
	 *   for (;;)
	 *     got = line_reader_next(&r, line, sizeof line);
	 *     got == 1: proto_parse(line, &pl)          (-1: EPROTO, return)
	 *       HELLO: dedup_hello(&st->dedup, pl.session);
	 *       MSG:   fresh = dedup_accept(&st->dedup, pl.seq);   (-1: return)
	 *              fresh: FIRST journal_append(st->journal_fd,
	 *                         st->dedup.session, pl.seq) when journal_fd
	 *                         >= 0, THEN the log line (when st->log)
	 *                         fprintf(st->log, RC_LOG_ACCEPTED "\n",
	 *                                 pl.seq, pl.text);
	 *              else:  fprintf(st->log, RC_LOG_DUPLICATE "\n", pl.seq);
	 *              and only then the ACK, for both:
	 *                n = proto_ack(buf, sizeof buf, pl.seq, RC_REPLY);
	 *                send_line(cfd, buf, n)     (-1: EPIPE, return -1)
	 *       ACK (or anything else): errno = EPROTO, return -1
	 *     got == 0: n = line_reader_fill(&r);
	 *               n == 0 -> return 0 (EOF); n == -1 -> return -1 */
	(void)cfd;
	(void)st;
	errno = ENOSYS;
	return -1;
}

int daemon_loop(int lfd, struct daemon_state *st, unsigned long max_clients)
{
	/* TODO(lab05): one client after another on the SAME listening socket.
	 *
	 *   while (max_clients == 0 || st->clients < max_clients)
	 *     cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	 *     cfd == -1: EINTR, ECONNABORTED, EMFILE, ENFILE, ENOBUFS,
	 *                ENOMEM -> continue; anything else -> return -1
	 *     st->clients++; log "client %lu connected"
	 *     r = daemon_serve(cfd, st); err = errno; close(cfd);
	 *     log "client %lu left: %s" with "EOF" or errno_name(err)
	 *     r == -1 and err is not ECONNRESET, EPIPE, EPROTO, EMSGSIZE,
	 *        ETIMEDOUT or EAGAIN (so: the journal failed)
	 *        -> errno = err, return -1     (stop acknowledging)
	 *   return 0;
	 * Never close lfd here and never listen again: the listening socket
	 * outlives every client (the seed rebuilt it each time, flaw 6). */
	(void)lfd;
	(void)st;
	(void)max_clients;
	errno = ENOSYS;
	return -1;
}
