/* peer.c: the test acting as a correct client or server. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness_internal.h"

int h_sockaddr(const char *addr, struct sockaddr_un *sun)
{
	if (!addr || !sun || !*addr) {
		errno = EINVAL;
		return -1;
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	size_t len = strlen(addr);
	if (addr[0] == '@') {
		/* Abstract: a NUL, then exactly the name's bytes; no padding,
		 * or the name would include the zeros. */
		if (len > sizeof(sun->sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, addr + 1, len - 1);
		return (int)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	if (len + 1 > sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, addr, len + 1);
	return (int)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int h_connect(const char *addr)
{
	struct sockaddr_un sun;
	int len = h_sockaddr(addr, &sun);
	if (len < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int rc;
	while ((rc = connect(fd, (struct sockaddr *)&sun, (socklen_t)len)) < 0 &&
	       errno == EINTR)
		;
	if (rc < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int h_listen(const char *addr, int backlog)
{
	struct sockaddr_un sun;
	int len = h_sockaddr(addr, &sun);
	if (len < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, (socklen_t)len) < 0 ||
	    listen(fd, backlog) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
