/* peer.c: who is on the other end, in the kernel's words.
 *
 * SO_PEERCRED returns what the kernel recorded when the connection was
 * made: the pid, uid and gid of the process that called connect() (or
 * socketpair()), or, seen from a client, of the one that called listen().
 * A peer cannot forge them the way it can write any text it likes, which
 * is why a server decides with these and never with what the peer says. */
#include <errno.h>
#include <sys/socket.h>

#include "credentials.h"

int cred_peer(int fd, struct ucred *out)
{
	if (out == NULL) {
		errno = EINVAL;
		return -1;
	}
	struct ucred c;
	socklen_t len = sizeof(c);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) == -1)
		return -1;
	/* An unconnected socket, or one of another family, answers without
	 * an error but with pid 0 and uid -1: there is nobody to describe. */
	if (len != sizeof(c) || c.pid == 0) {
		errno = ENOTCONN;
		return -1;
	}
	*out = c;
	return 0;
}

int cred_permits(const struct cred_policy *p, uid_t uid)
{
	if (p == NULL)
		return 0;
	for (size_t i = 0; i < p->n && i < CRED_ALLOW_MAX; i++)
		if (p->allow[i] == uid)
			return 1;
	return 0;
}
