/* queues.c: how many bytes wait in the kernel, on each side of a socket.
 *
 * Between the two copies of every byte, the kernel holds it: written, not
 * yet read. The seed's client never read the daemon's replies (flaw 2), so
 * they piled up there until the daemon's writes could not go on. These two
 * ioctls measure the pile from either end. */
#include <errno.h>
#include <linux/sockios.h> /* SIOCINQ, SIOCOUTQ */
#include <sys/ioctl.h>

#include "copy_tracing.h"

int ct_queue_sizes(int fd, int *inq, int *outq)
{
	/* TODO(lab06): ask the kernel how much waits on each side.
	 *
	 *   inq or outq NULL -> errno = EINVAL, return -1
	 *   int in, out;
	 *   ioctl(fd, SIOCINQ, &in)    bytes that arrived, not yet read here
	 *   ioctl(fd, SIOCOUTQ, &out)  send-buffer memory held by bytes
	 *                              written here, not yet read there
	 *   either -1 -> return -1 (errno from ioctl; *inq, *outq untouched)
	 *   *inq = in; *outq = out; return 0; */
	(void)fd;
	(void)inq;
	(void)outq;
	errno = ENOSYS;
	return -1;
}
