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
	if (text == NULL || text[0] == '\0' || addr == NULL || len == NULL) {
		errno = EINVAL;
		return -1;
	}
	size_t n = strlen(text);
	/* Checked before anything is written: a refused name leaves the
	 * caller's address as it was. A path needs n + 1 bytes of sun_path
	 * (its zero included); "@name" needs n (the leading zero takes the
	 * place of the '@'). */
	size_t need = text[0] == '@' ? n : n + 1;
	if (need > sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (text[0] != '@') {
		memcpy(addr->sun_path, text, n + 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	} else if (n == 1) {
		/* "@" alone: only the family, which tells bind() to choose
		 * a name. */
		*len = (socklen_t)sizeof(sa_family_t);
	} else {
		/* sun_path[0] stays zero; the name follows it, and the length
		 * ends exactly where the name ends. */
		memcpy(addr->sun_path + 1, text + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return 0;
}
