/* proto.c: reading a line, and the HELLO line (given).
 *
 * Lines are read one byte per read(). That is slow for bulk data but
 * exact: nothing after the '\n' leaves the socket. It matters here, because
 * the message after a line may carry a descriptor, and a read() that took
 * part of that message with a plain buffer would make the kernel throw the
 * descriptor away (close it) without a word. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"

ssize_t cred_read_line(int fd, char *line, size_t cap)
{
	if (line == NULL || cap == 0) {
		errno = EINVAL;
		return -1;
	}
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			if (n == 0) {
				line[0] = '\0';
				return 0;
			}
			errno = EPROTO;
			return -1;
		}
		if (c == '\n') {
			line[n] = '\0';
			return (ssize_t)n + 1;
		}
		/* Room is kept for the zero, and no line may pass the
		 * protocol's limit whatever the caller's buffer. */
		if (n + 1 >= cap || n + 1 >= CRED_LINE_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		line[n++] = c;
	}
}

int cred_parse_hello(const char *line, long *claim)
{
	if (line == NULL || claim == NULL || strncmp(line, "HELLO ", 6) != 0)
		goto bad;
	const char *s = line + 6;
	long v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		v = v * 10 + (s[n] - '0');
		/* (uid_t)-1 means "no uid" to the kernel: not a uid. */
		if (v > 4294967294L)
			goto bad;
	}
	if (n == 0 || s[n] != '\0')
		goto bad;
	*claim = v;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}
