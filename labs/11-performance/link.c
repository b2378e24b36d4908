/* link.c: the four transports, each opened as a link with two ends.
 *
 * A socketpair() gives two connected UNIX sockets at once, with no name:
 * the data path is the same as for a client and a server that met through
 * bind() and connect(), and the measurement needs no file to clean up.
 * TCP needs a real listener, on 127.0.0.1. A pipe carries bytes one way
 * only, so a link of pipes is two of them. perf_tcp_pair() is the
 * student's; the rest of this file is given. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "performance.h"

/* Closes fd without touching errno. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	if (fd >= 0)
		close(fd);
	errno = saved;
}

int perf_tcp_pair(int fds[2])
{
	/* TODO(lab11): two connected TCP sockets on 127.0.0.1, TCP_NODELAY on
	 * both.
	 *
	 *   lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   struct sockaddr_in in = {AF_INET, port 0, htonl(INADDR_LOOPBACK)};
	 *   bind(lfd, &in, sizeof(in)); listen(lfd, 1);
	 *   getsockname(lfd, &in, &len)          the port the kernel picked
	 *   cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   connect(cfd, &in, sizeof(in))        returns once the handshake is
	 *                                        done, before accept()
	 *   afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	 *   int one = 1;
	 *   setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), and
	 *   the same on afd: without it Nagle's algorithm holds a small write
	 *   back while an earlier one is unacknowledged;
	 *   close(lfd); fds[0] = cfd; fds[1] = afd; return 0;
	 * On a failure: close what is open (close_keep_errno), return -1. */
	(void)fds;
	errno = ENOSYS;
	return -1;
}

int perf_link_open(enum perf_transport kind, struct perf_link *link)
{
	int sv[2], up[2], down[2];
	if (link == NULL) {
		errno = EINVAL;
		return -1;
	}
	switch (kind) {
	case PERF_UNIX_STREAM:
	case PERF_UNIX_SEQPACKET:
		if (socketpair(AF_UNIX, (kind == PERF_UNIX_STREAM ? SOCK_STREAM
				: SOCK_SEQPACKET) | SOCK_CLOEXEC, 0, sv) == -1)
			return -1;
		break;
	case PERF_TCP:
		if (perf_tcp_pair(sv) == -1)
			return -1;
		break;
	case PERF_PIPE:
		/* down carries a -> b, up carries b -> a. */
		if (pipe2(down, O_CLOEXEC) == -1)
			return -1;
		if (pipe2(up, O_CLOEXEC) == -1) {
			close_keep_errno(down[0]);
			close_keep_errno(down[1]);
			return -1;
		}
		link->kind = kind;
		link->a = (struct perf_end){.rfd = up[0], .wfd = down[1]};
		link->b = (struct perf_end){.rfd = down[0], .wfd = up[1]};
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
	link->kind = kind;
	link->a = (struct perf_end){.rfd = sv[0], .wfd = sv[0]};
	link->b = (struct perf_end){.rfd = sv[1], .wfd = sv[1]};
	return 0;
}

void perf_end_close(struct perf_end *end)
{
	if (end->rfd >= 0)
		close(end->rfd);
	if (end->wfd >= 0 && end->wfd != end->rfd)
		close(end->wfd);
	end->rfd = end->wfd = -1;
}

void perf_link_close(struct perf_link *link)
{
	perf_end_close(&link->a);
	perf_end_close(&link->b);
}

static const char *const names[PERF_NTRANSPORTS] = {
	[PERF_UNIX_STREAM] = "unix-stream",
	[PERF_UNIX_SEQPACKET] = "unix-seqpacket",
	[PERF_TCP] = "tcp",
	[PERF_PIPE] = "pipe",
};

const char *perf_transport_name(enum perf_transport kind)
{
	return (unsigned)kind < PERF_NTRANSPORTS ? names[kind] : "?";
}

int perf_transport_parse(const char *text)
{
	for (int k = 0; text != NULL && k < PERF_NTRANSPORTS; k++)
		if (strcmp(text, names[k]) == 0)
			return k;
	errno = EINVAL;
	return -1;
}
