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

static int set_nodelay(int fd)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int perf_tcp_pair(int fds[2])
{
	int lfd = -1, cfd = -1, afd = -1;
	struct sockaddr_in in = {.sin_family = AF_INET};
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(in);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd == -1)
		return -1;
	/* Port 0: the kernel picks a free port; getsockname() says which. */
	if (bind(lfd, (struct sockaddr *)&in, sizeof(in)) == -1 ||
	    listen(lfd, 1) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&in, &len) == -1)
		goto fail;
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd == -1)
		goto fail;
	/* The handshake completes in the kernel: connect() returns before
	 * anyone calls accept(), which then finds the connection queued. */
	if (connect(cfd, (struct sockaddr *)&in, sizeof(in)) == -1)
		goto fail;
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (afd == -1)
		goto fail;
	if (set_nodelay(cfd) == -1 || set_nodelay(afd) == -1)
		goto fail;
	close(lfd);
	fds[0] = cfd;
	fds[1] = afd;
	return 0;
fail:
	close_keep_errno(afd);
	close_keep_errno(cfd);
	close_keep_errno(lfd);
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
