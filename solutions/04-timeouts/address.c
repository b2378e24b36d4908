/* address.c: the address a text names, UNIX (path or abstract) or TCP.
 *
 * The programs of this lab talk to UNIX sockets and, for contrast, to TCP
 * on the loopback interface; one parser turns "/path", "@name" and
 * "tcp:A.B.C.D:PORT" into a socket address with its exact length. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "timeouts.h"

/* Parses a port: decimal digits only, 1 to 65535. Returns it, or -1. */
static int parse_port(const char *s)
{
	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return -1;
	long v = strtol(s, NULL, 10);
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

static int tcp_address(const char *spec, struct sockaddr_storage *addr,
		       socklen_t *len)
{
	const char *colon = strrchr(spec, ':');
	char host[INET_ADDRSTRLEN];
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	struct sockaddr_in in;
	memset(&in, 0, sizeof(in));
	int port = parse_port(colon + 1);
	if (port < 0 || inet_pton(AF_INET, host, &in.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	in.sin_family = AF_INET;
	in.sin_port = htons((uint16_t)port);
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, &in, sizeof(in));
	*len = sizeof(in);
	return AF_INET;
}

static int unix_address(const char *text, struct sockaddr_storage *addr,
			socklen_t *len)
{
	struct sockaddr_un un;
	size_t n = strlen(text);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	if (text[0] == '@') {
		/* The name is exactly the bytes after the leading zero that the
		 * length covers: no terminating zero, no padding. */
		if (n == 1) {
			errno = EINVAL;
			return -1;
		}
		if (n > sizeof(un.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(un.sun_path + 1, text + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		if (n >= sizeof(un.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(un.sun_path, text, n + 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, &un, sizeof(un));
	return AF_UNIX;
}

int timeout_address(const char *text, struct sockaddr_storage *addr,
		    socklen_t *len)
{
	if (text == NULL || addr == NULL || len == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (text[0] == '/' || text[0] == '@')
		return unix_address(text, addr, len);
	if (strncmp(text, "tcp:", 4) == 0)
		return tcp_address(text + 4, addr, len);
	errno = EINVAL;
	return -1;
}
