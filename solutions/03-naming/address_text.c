/* address_text.c: from a socket address back to "/path", "@name" or "".
 *
 * getsockname() and getpeername() return an address and a length; the
 * length says which bytes are the name. Turning them into text the way
 * /proc/net/unix does makes a wrong length visible: an abstract name
 * bound with sizeof(struct sockaddr_un) comes back as "@name@@@@...". */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "naming.h"

int unix_address_text(const struct sockaddr_un *addr, socklen_t len,
		      char *buf, size_t cap)
{
	if (addr == NULL || buf == NULL || len < sizeof(sa_family_t) ||
	    addr->sun_family != AF_UNIX) {
		errno = EINVAL;
		return -1;
	}
	/* getsockname() reports the length the address needed, which can be
	 * more than the structure it filled (a 108-byte path gives 111). */
	if (len > sizeof(*addr))
		len = sizeof(*addr);
	size_t room = len - offsetof(struct sockaddr_un, sun_path);
	const char *p = addr->sun_path;

	if (room == 0) {
		/* Unnamed: nothing after the family. */
		if (cap < 1) {
			errno = ERANGE;
			return -1;
		}
		buf[0] = '\0';
		return 0;
	}
	if (p[0] != '\0') {
		/* A pathname ends at its zero, or at the end of the length
		 * when the path filled sun_path. */
		size_t n = strnlen(p, room);
		if (n + 1 > cap) {
			errno = ERANGE;
			return -1;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		return (int)n;
	}
	/* Abstract: the leading zero shows as '@', and so does every zero
	 * inside the name, which is exactly as long as the length says. */
	if (room + 1 > cap) {
		errno = ERANGE;
		return -1;
	}
	for (size_t i = 0; i < room; i++)
		buf[i] = p[i] == '\0' ? '@' : p[i];
	buf[room] = '\0';
	return (int)room;
}

int unix_socket_name(int fd, int peer, char *buf, size_t cap)
{
	if (peer != 0 && peer != 1) {
		errno = EINVAL;
		return -1;
	}
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	memset(&addr, 0, sizeof(addr));
	int r = peer ? getpeername(fd, (struct sockaddr *)&addr, &len)
		     : getsockname(fd, (struct sockaddr *)&addr, &len);
	if (r == -1)
		return -1;
	/* An AF_INET socket also answers, with another family: refused by
	 * unix_address_text() with EINVAL. */
	return unix_address_text(&addr, len, buf, cap);
}
