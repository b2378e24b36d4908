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
	/* TODO(lab03): the text of (addr, len), as /proc/net/unix shows it.
	 *
	 *   NULL addr/buf, len < sizeof(sa_family_t), or
	 *   sun_family != AF_UNIX              -> errno = EINVAL, return -1
	 *   if len > sizeof *addr: len = sizeof *addr;
	 *   room = len - offsetof(struct sockaddr_un, sun_path);
	 *   room == 0               -> ""          unnamed
	 *   sun_path[0] != 0        -> the path: strnlen(sun_path, room)
	 *                              bytes (a 108-byte path has no zero)
	 *   sun_path[0] == 0        -> abstract: room bytes, each zero byte
	 *                              written as '@' (the first one too)
	 *   text + its zero > cap   -> errno = ERANGE, return -1, buf untouched
	 *   write the text and a zero; return its length; */
	(void)addr;
	(void)len;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

int unix_socket_name(int fd, int peer, char *buf, size_t cap)
{
	/* TODO(lab03): a socket's own name (peer 0) or its peer's (peer 1).
	 *
	 *   peer not 0 or 1                    -> errno = EINVAL, return -1
	 *   struct sockaddr_un addr; socklen_t len = sizeof addr;
	 *   peer ? getpeername(fd, (struct sockaddr *)&addr, &len)
	 *        : getsockname(fd, (struct sockaddr *)&addr, &len);
	 *                                         (-1: return -1)
	 *   return unix_address_text(&addr, len, buf, cap);
	 *                      len is what the kernel wrote back: the name's
	 *                      exact length */
	(void)fd;
	(void)peer;
	(void)buf;
	(void)cap;
	errno = ENOSYS;
	return -1;
}
