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
	/* TODO(lab09): introduce yourself and read the verdict.
	 *
	 *   claim outside 0..4294967294, reply NULL, cap 0 -> EINVAL
	 *   write_full(fd, "HELLO <claim>\n", ...)
	 *   n = cred_read_line(fd, reply, cap)   0: errno = ECONNRESET
	 *   "WELCOME ..." -> 1;  "DENIED ..." -> 0;  else errno = EPROTO */
	(void)fd;
	(void)claim;
	(void)reply;
	(void)cap;
	errno = ENOSYS;
	return -1;
}

int cred_fetch(int fd, int *file_fd)
{
	/* TODO(lab09): ask for the file, receive its descriptor.
	 *
	 *   file_fd NULL -> EINVAL;  *file_fd = -1 first
	 *   write_full(fd, "GET\n", 4)
	 *   n = fd_recv(fd, buf, sizeof buf, &got)   never read() here: the
	 *                                            descriptor would be lost
	 *   n == 0 -> ECONNRESET;  -1 -> return -1 (ENOMSG, EMSGSIZE as is)
	 *   bytes other than "FILE\n" -> close(got), errno = EPROTO
	 *   *file_fd = got; return 0; */
	(void)fd;
	if (file_fd != NULL)
		*file_fd = -1;
	errno = ENOSYS;
	return -1;
}
