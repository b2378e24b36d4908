/* listen.c: a listening socket whose file has the right mode from birth.
 *
 * bind() creates the socket file, and connect() needs write permission on
 * it. The file is born with mode 0777 masked by the umask (and, on Linux,
 * by the mode of the socket's own inode, which fchmod() sets). A chmod()
 * after bind() comes too late: between the two calls the file already
 * exists with the umask's mode, and a client the final mode would refuse
 * can connect in that window and stay connected. So the umask is set for
 * the one call that creates the file, and put back at once. */
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credentials.h"

int cred_listen(const char *text, mode_t mode, int backlog)
{
	struct sockaddr_un addr;
	socklen_t len;
	if ((mode & ~(mode_t)0777) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (cred_address(text, &addr, &len) == -1)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;

	/* The umask belongs to the whole process: in a program with threads
	 * another thread's open() could be masked by this one meanwhile.
	 * These programs have one thread. An abstract name has no file, so
	 * its bind() needs no umask. */
	int is_path = text[0] != '@';
	mode_t old = 0;
	if (is_path)
		old = umask(~mode & 0777);
	int r = bind(fd, (struct sockaddr *)&addr, len);
	int saved = errno;
	if (is_path)
		umask(old);
	if (r == -1 || listen(fd, backlog) == -1) {
		if (r == 0)
			saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
