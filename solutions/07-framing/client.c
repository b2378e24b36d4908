/* client.c: one request, one reply.
 *
 * The client sends a frame and waits for the frame that answers it before
 * sending the next (lock-step): a client that sent everything first and
 * read afterwards could fill the server's send buffer with replies it does
 * not read yet, and both would wait for each other (the seed's flaw 2). */
#include <errno.h>

#include "framing.h"

int fr_exchange(int fd, const void *payload, uint32_t len, uint32_t max,
		struct frame *reply)
{
	if (frame_write(fd, payload, len) == -1)
		return -1;
	int r = frame_read(fd, reply, max);
	if (r == -1)
		return -1;
	if (r == 0) {
		errno = EPROTO; /* the server left without answering */
		return -1;
	}
	return 0;
}
