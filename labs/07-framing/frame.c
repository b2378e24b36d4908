/* frame.c: one message as a length-prefixed frame.
 *
 * The header is the payload's length in 4 bytes, most significant first.
 * Shifts say that directly and work on any host; copying a uint32_t's
 * memory would send the host's byte order, which on x86 is the reverse.
 * The reader trusts nothing it has not checked: the length is compared
 * with the limit before a byte of memory is allocated for it, and exactly
 * the announced bytes are read, so that the stream stays in step. */
#include <errno.h>
#include <stdlib.h>

#include "framing.h"

void fr_put_len(unsigned char hdr[FR_HEADER_LEN], uint32_t len)
{
	/* TODO(lab07): most significant byte first, with shifts.
	 *
	 *   hdr[0] = len >> 24;  hdr[1] = len >> 16;
	 *   hdr[2] = len >> 8;   hdr[3] = len;      (each cast to unsigned char)
	 * (htonl() and a memcpy of its result give the same bytes.) */
	(void)hdr;
	(void)len;
}

uint32_t fr_get_len(const unsigned char hdr[FR_HEADER_LEN])
{
	/* TODO(lab07): the inverse of fr_put_len().
	 *
	 *   return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | ...;
	 * (Cast before shifting: hdr[0] << 24 is an int, and 0x80 << 24
	 * does not fit in one.) */
	(void)hdr;
	return 0;
}

int frame_write(int fd, const void *payload, uint32_t len)
{
	/* TODO(lab07): the header, then the payload, each with writen().
	 *
	 *   len > FR_MAX_PAYLOAD         -> errno = EMSGSIZE, return -1
	 *   payload == NULL and len > 0  -> errno = EINVAL, return -1
	 *   unsigned char hdr[FR_HEADER_LEN]; fr_put_len(hdr, len);
	 *   writen(fd, hdr, FR_HEADER_LEN)            (-1 -> return -1)
	 *   len > 0: writen(fd, payload, len)         (-1 -> return -1)
	 *   return 0; */
	(void)fd;
	(void)payload;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int frame_read(int fd, struct frame *f, uint32_t max)
{
	/* TODO(lab07): one frame, checked before it is trusted.
	 *
	 *   f NULL, max 0 or max > FR_MAX_PAYLOAD -> errno = EINVAL, return -1
	 *   f->len = 0; f->data = NULL;
	 *   n = readn(fd, hdr, FR_HEADER_LEN);
	 *     n == -1 -> return -1
	 *     n == 0  -> return 0              EOF at a frame boundary
	 *     n < 4   -> errno = EPROTO, -1    EOF inside the header
	 *   f->len = fr_get_len(hdr);
	 *   f->len > max -> errno = EMSGSIZE, return -1
	 *                   BEFORE malloc and before reading any payload
	 *   data = malloc(f->len + 1);         (NULL -> return -1, ENOMEM)
	 *   n = readn(fd, data, f->len);       exactly the payload, no more
	 *     n != f->len -> free(data) keeping errno: EPROTO when the
	 *                    peer closed (n >= 0), readn()'s errno when -1
	 *   data[f->len] = '\0'; f->data = data;
	 *   return 1; */
	(void)fd;
	(void)f;
	(void)max;
	errno = ENOSYS;
	return -1;
}

void frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	free(f->data);
	f->data = NULL;
	f->len = 0;
}
