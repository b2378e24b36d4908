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
	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
}

uint32_t fr_get_len(const unsigned char hdr[FR_HEADER_LEN])
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	       (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3];
}

int frame_write(int fd, const void *payload, uint32_t len)
{
	if (len > FR_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if (payload == NULL && len > 0) {
		errno = EINVAL;
		return -1;
	}
	unsigned char hdr[FR_HEADER_LEN];
	fr_put_len(hdr, len);
	if (writen(fd, hdr, sizeof(hdr)) == -1)
		return -1;
	if (len > 0 && writen(fd, payload, len) == -1)
		return -1;
	return 0;
}

int frame_read(int fd, struct frame *f, uint32_t max)
{
	if (f == NULL || max == 0 || max > FR_MAX_PAYLOAD) {
		errno = EINVAL;
		return -1;
	}
	f->len = 0;
	f->data = NULL;
	unsigned char hdr[FR_HEADER_LEN];
	ssize_t n = readn(fd, hdr, sizeof(hdr));
	if (n == -1)
		return -1;
	if (n == 0)
		return 0; /* EOF between frames: the normal end */
	if (n < (ssize_t)sizeof(hdr)) {
		errno = EPROTO; /* EOF inside the header */
		return -1;
	}
	f->len = fr_get_len(hdr);
	if (f->len > max) {
		/* Refused before allocating or reading: the length may be
		 * garbage, and the payload may never come. */
		errno = EMSGSIZE;
		return -1;
	}
	unsigned char *data = malloc((size_t)f->len + 1);
	if (data == NULL)
		return -1;
	n = readn(fd, data, f->len);
	if (n != (ssize_t)f->len) {
		int err = n == -1 ? errno : EPROTO; /* EPROTO: EOF inside */
		free(data);
		errno = err;
		return -1;
	}
	data[f->len] = '\0';
	f->data = data;
	return 1;
}

void frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	free(f->data);
	f->data = NULL;
	f->len = 0;
}
