/* server.c: msgsrv's two loops, one for datagrams and one for connections.
 *
 * Both receive one message at a time with MSG_TRUNC (or its size peeked
 * first), log its real length, and answer it. They differ in where the
 * answer goes. A connection has a peer: the answer is sent on it, and a
 * receive of 0 bytes is the end of file. A datagram socket has no peer:
 * each datagram names its sender, the answer goes to that name (never to
 * a name remembered from an earlier one), and there is no end of file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "message_sockets.h"
#include "report.h"

int msg_reply_text(const struct msg_info *info, char *buf, size_t cap)
{
	int n = info->truncated
		? snprintf(buf, cap, MSOCK_REPLY_CUT, info->len, info->stored)
		: snprintf(buf, cap, MSOCK_REPLY_WHOLE, info->len);
	if (n < 0 || (size_t)n >= cap) {
		errno = ERANGE;
		return -1;
	}
	return n;
}

/* Receives one message the way the options say: into buf (o->max bytes),
 * or into a buffer of its own size, freed here: the server answers with
 * the length, so the bytes themselves are not kept. */
static ssize_t receive(int fd, const struct msg_serve_opts *o, char *buf,
		       struct msg_info *info)
{
	if (!o->peek)
		return msg_recv(fd, buf, o->max, info);
	char *owned;
	ssize_t n = msg_recv_alloc(fd, o->max, &owned, info);
	if (n != -1)
		free(owned);
	return n;
}

/* Errors after which receiving again cannot work. */
static int fatal(int err)
{
	return err == EBADF || err == ENOTSOCK || err == EINVAL ||
	       err == EFAULT || err == ENOMEM;
}

/* The log line of one message: number, sender, real length, and the cut. */
static void log_message(FILE *log, unsigned long n, const char *who,
			const struct msg_info *info)
{
	fprintf(log, MSOCK_LOG_MESSAGE, n, who, info->len);
	if (info->truncated)
		fprintf(log, MSOCK_LOG_CUT, info->stored);
	fputc('\n', log);
}

int msg_serve_dgram(int fd, const struct msg_serve_opts *o, FILE *log)
{
	char *buf = o->peek ? NULL : malloc(o->max);
	if (!o->peek && buf == NULL)
		return -1;
	/* One structure for the whole loop: msg_recv() resets the address
	 * length before each receive. */
	struct msg_info info;
	memset(&info, 0, sizeof(info));
	int rc = 0;
	for (unsigned long n = 1; o->count == 0 || n <= o->count; n++) {
		if (receive(fd, o, buf, &info) == -1) {
			int err = errno;
			if (fatal(err)) {
				rc = -1;
				errno = err;
				break;
			}
			fprintf(log, "message %lu: receive failed: %s\n", n,
				errno_name(err));
			continue;
		}

		char who[MSOCK_TEXT_MAX];
		if (msg_address_text(&info.from, info.fromlen, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "%s", MSOCK_UNNAMED);
		log_message(log, n, who, &info);

		/* The answer goes to the address of THIS datagram, with the
		 * length that came with it. */
		char reply[64];
		int rlen = msg_reply_text(&info, reply, sizeof(reply));
		if (rlen == -1 ||
		    msg_reply(fd, &info, reply, (size_t)rlen) == -1) {
			if (errno == EDESTADDRREQ)
				fprintf(log, MSOCK_LOG_NOREPLY "\n", n);
			else
				fprintf(log, MSOCK_LOG_DROPPED "\n", n,
					errno_name(errno));
		}
	}
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}

/* Serves one connection until its end of file. msgno counts the messages
 * of the whole run. Returns 0, or -1 with errno when memory ran out. */
static int serve_client(int cfd, unsigned long client, unsigned long *msgno,
			const struct msg_serve_opts *o, char *buf, FILE *log)
{
	char who[32];
	snprintf(who, sizeof(who), "client %lu", client);
	struct msg_info info;
	memset(&info, 0, sizeof(info));
	unsigned long got = 0;
	for (;;) {
		ssize_t n = receive(cfd, o, buf, &info);
		if (n == -1) {
			int err = errno;
			fprintf(log, "%s: receive failed: %s\n", who,
				errno_name(err));
			if (err == ENOMEM) {
				errno = err;
				return -1;
			}
			return 0;
		}
		if (n == 0) {
			/* Not an empty message: the client closed or shut down
			 * its sending side, and nothing more will come. */
			fprintf(log, MSOCK_LOG_EOF "\n", client, got);
			return 0;
		}
		got++;
		unsigned long num = ++*msgno;
		log_message(log, num, who, &info);
		char reply[64];
		int rlen = msg_reply_text(&info, reply, sizeof(reply));
		if (rlen == -1 || msg_send(cfd, reply, (size_t)rlen) == -1) {
			fprintf(log, MSOCK_LOG_DROPPED "\n", num, errno_name(errno));
			return 0;
		}
	}
}

int msg_serve_conn(int lfd, const struct msg_serve_opts *o, FILE *log)
{
	char *buf = o->peek ? NULL : malloc(o->max);
	if (!o->peek && buf == NULL)
		return -1;
	unsigned long msgno = 0;
	int rc = 0;
	for (unsigned long k = 1; o->count == 0 || k <= o->count; k++) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1) {
			int err = errno;
			if (err == EBADF || err == EINVAL || err == ENOTSOCK ||
			    err == EOPNOTSUPP) {
				rc = -1;
				errno = err;
				break;
			}
			fprintf(log, "client %lu: accept failed: %s\n", k,
				errno_name(err));
			k--;
			continue;
		}
		fprintf(log, "client %lu: connected\n", k);
		int r = serve_client(cfd, k, &msgno, o, buf, log);
		int err = errno;
		close(cfd);
		if (r == -1) {
			rc = -1;
			errno = err;
			break;
		}
	}
	int saved = errno;
	free(buf);
	errno = saved;
	return rc;
}
