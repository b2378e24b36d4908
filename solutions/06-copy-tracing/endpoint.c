/* endpoint.c: the sockets of the workload (copysrv and copycli), over a
 * UNIX stream socket or, for contrast, TCP on the loopback interface.
 *
 * The same two programs run over both, so that their traces differ only
 * in the socket family: same calls, same byte counts. What the kernel does
 * between the write and the read is what differs, and strace cannot show
 * it; see the guide. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "copy_tracing.h"

void ct_fill(char *buf, size_t len, const char *text)
{
	size_t tl = strlen(text);
	for (size_t k = 0; k < len; k++)
		buf[k] = text[k % tl];
}

/* The address of addr: "@name" is abstract (exact length, no trailing
 * zero), anything else a pathname. Returns the length, or -1. */
static socklen_t unix_addr(const char *addr, struct sockaddr_un *sun)
{
	size_t len = strlen(addr);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len == 0 || (addr[0] == '@' && len == 1)) {
		errno = EINVAL;
		return 0;
	}
	if (len >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return 0;
	}
	memcpy(sun->sun_path, addr, len);
	if (addr[0] == '@') {
		sun->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/* 127.0.0.1:port, port a decimal number 0..65535. Returns 0, or -1. */
static int tcp_addr(const char *port, struct sockaddr_in *sin)
{
	char *end;
	errno = 0;
	long p = strtol(port, &end, 10);
	if (errno || end == port || *end || p < 0 || p > 65535) {
		errno = EINVAL;
		return -1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return 0;
}

/* Closes fd without losing the errno being reported. */
static int fail_close(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int ct_listen(const char *addr, int tcp, char *shown, size_t cap)
{
	if (!addr || !shown || cap == 0) {
		errno = EINVAL;
		return -1;
	}
	if (tcp) {
		struct sockaddr_in sin;
		if (tcp_addr(addr, &sin) < 0)
			return -1;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		int one = 1;
		socklen_t sl = sizeof(sin);
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 16) < 0 ||
		    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
			return fail_close(fd);
		snprintf(shown, cap, "127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
		return fd;
	}
	struct sockaddr_un sun;
	socklen_t len = unix_addr(addr, &sun);
	if (len == 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 16) < 0)
		return fail_close(fd);
	snprintf(shown, cap, "%s", addr);
	return fd;
}

int ct_connect(const char *addr, int tcp)
{
	if (!addr) {
		errno = EINVAL;
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t len;
	if (tcp) {
		if (tcp_addr(addr, (struct sockaddr_in *)&ss) < 0)
			return -1;
		len = sizeof(struct sockaddr_in);
	} else if ((len = unix_addr(addr, (struct sockaddr_un *)&ss)) == 0) {
		return -1;
	}
	int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return fail_close(fd);
	return fd;
}
