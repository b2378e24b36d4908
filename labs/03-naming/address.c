/* address.c: one address builder for the three kinds of UNIX socket name.
 *
 * The seed named its server with a path, and showed the abstract form
 * with the length sizeof(addr) (flaw 8): for a path the kernel stops at
 * the zero, but an abstract name has no terminator, so every zero the
 * length covers becomes part of the name. It also copied the path with
 * strncpy (flaw 9), which cuts a long path silently. Here the length is
 * computed from the text, exactly, and a name that does not fit is
 * refused. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "naming.h"

int unix_address(const char *text, struct sockaddr_un *addr, socklen_t *len)
{
	/* TODO(lab03): build the address named by text, with its exact length.
	 *
	 *   NULL text/addr/len, or ""          -> errno = EINVAL, return -1
	 *   n = strlen(text);
	 *   what sun_path must hold: "/path" n + 1 bytes (its zero too),
	 *   "@name" n bytes (a zero, then the n - 1 bytes of the name);
	 *   more than sizeof addr->sun_path (108) -> errno = ENAMETOOLONG,
	 *                                         return -1, touch nothing
	 *                                         (no strncpy: never truncate)
	 *   memset(addr, 0, sizeof *addr); addr->sun_family = AF_UNIX;
	 *   "/path":  memcpy(addr->sun_path, text, n + 1);   the zero too
	 *             *len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	 *   "@":      *len = sizeof(sa_family_t);             autobind
	 *   "@name":  sun_path[0] stays 0; memcpy(addr->sun_path + 1,
	 *             text + 1, n - 1);
	 *             *len = offsetof(struct sockaddr_un, sun_path) + 1
	 *                    + (n - 1);       NOT sizeof *addr: the zeros
	 *                                     would become part of the name
	 *   return 0; */
	(void)text;
	(void)addr;
	(void)len;
	errno = ENOSYS;
	return -1;
}
