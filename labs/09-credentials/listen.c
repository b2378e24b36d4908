/* listen.c: a listening socket whose file has the right mode from birth.
 *
 * bind() creates the socket file, and connect() needs write permission on
 * it. The file is born with mode 0777 masked by the umask (and, on Linux,
 * by the mode of the socket's own inode, which fchmod() sets). A chmod()
 * after bind() comes too late: between the two calls the file already
 * exists with the umask's mode, and a client the final mode would refuse
 * can connect in that window and stay connected. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credentials.h"

int cred_listen(const char *text, mode_t mode, int backlog)
{
	/* TODO(lab09): a listener whose socket file has exactly `mode`.
	 *
	 *   mode & ~0777 != 0                  -> errno = EINVAL, return -1
	 *   cred_address(text, &addr, &len)    (-1: return -1)
	 *   fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	 *   for a path (text[0] != '@'):
	 *       old = umask(~mode & 0777);     BEFORE bind(): the file is
	 *       bind(fd, ...);                 born with 0777 & ~umask
	 *       umask(old);                    at once, success or not
	 *   for "@name": bind() alone (no file, no mode)
	 *   listen(fd, backlog)
	 *   return fd;
	 * Never chmod() after bind(). Never unlink(). On a failure: keep
	 * errno, close(fd), put errno back, return -1. */
	(void)text;
	(void)mode;
	(void)backlog;
	errno = ENOSYS;
	return -1;
}
