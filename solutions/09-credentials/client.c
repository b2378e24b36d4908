/* client.c: the client's half of the protocol.
 *
 * The HELLO and its reply are plain lines. The reply to GET is not: it
 * carries a descriptor, so it must be read with recvmsg() and room for a
 * control message. A read() there would take the bytes and the kernel
 * would close the descriptor that came with them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "full_io.h"

int cred_hello(int fd, long claim, char *reply, size_t cap)
{
	if (claim < 0 || claim > 4294967294L || reply == NULL || cap == 0) {
		errno = EINVAL;
		return -1;
	}
	char line[CRED_LINE_MAX];
	int len = snprintf(line, sizeof(line), "HELLO %ld\n", claim);
	if (write_full(fd, line, (size_t)len) == -1)
		return -1;
	ssize_t n = cred_read_line(fd, reply, cap);
	if (n == 0)
		errno = ECONNRESET;
	if (n <= 0)
		return -1;
	if (strncmp(reply, "WELCOME ", 8) == 0)
		return 1;
	if (strncmp(reply, "DENIED ", 7) == 0)
		return 0;
	errno = EPROTO;
	return -1;
}

int cred_fetch(int fd, int *file_fd)
{
	if (file_fd == NULL) {
		errno = EINVAL;
		return -1;
	}
	*file_fd = -1;
	if (write_full(fd, "GET\n", 4) == -1)
		return -1;
	char buf[CRED_LINE_MAX];
	int got;
	ssize_t n = fd_recv(fd, buf, sizeof(buf), &got);
	if (n == 0)
		errno = ECONNRESET;
	if (n <= 0)
		return -1;
	if (n != 5 || memcmp(buf, "FILE\n", 5) != 0) {
		close(got);
		errno = EPROTO;
		return -1;
	}
	*file_fd = got;
	return 0;
}
