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
	if (!inq || !outq) {
		errno = EINVAL;
		return -1;
	}
	int in = 0, out = 0;
	/* Both answers or neither: the caller compares them. */
	if (ioctl(fd, SIOCINQ, &in) == -1 || ioctl(fd, SIOCOUTQ, &out) == -1)
		return -1;
	*inq = in;
	*outq = out;
	return 0;
}
