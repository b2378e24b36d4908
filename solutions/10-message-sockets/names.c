/* names.c: addresses and socket types as text (given complete).
 *
 * Lab 03 built this address builder and its way back; this lab uses them
 * unchanged. The one addition is the unnamed sender: recvfrom() and
 * recvmsg() report the address of a datagram from a socket that never
 * bound with length 0 (getpeername() of such a peer gives 2), and both
 * mean "no name". */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "message_sockets.h"

int msg_address(const char *text, struct sockaddr_un *addr, socklen_t *len)
{
	if (text == NULL || text[0] == '\0' || addr == NULL || len == NULL) {
		errno = EINVAL;
		return -1;
	}
	size_t n = strlen(text);
	/* A path needs n + 1 bytes of sun_path (its zero too); "@name"
	 * needs n (the leading zero takes the place of the '@'). Checked
	 * before anything is written. */
	size_t need = text[0] == '@' ? n : n + 1;
	if (need > sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (text[0] != '@') {
		memcpy(addr->sun_path, text, n + 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	} else if (n == 1) {
		/* "@": only the family, which asks bind() for a name. */
		*len = (socklen_t)sizeof(sa_family_t);
	} else {
		memcpy(addr->sun_path + 1, text + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return 0;
}

int msg_address_text(const struct sockaddr_un *addr, socklen_t len,
		     char *buf, size_t cap)
{
	if (addr == NULL || buf == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (len <= sizeof(sa_family_t)) {
		/* No name: a socket that never bound. */
		if (cap < 1) {
			errno = ERANGE;
			return -1;
		}
		buf[0] = '\0';
		return 0;
	}
	if (addr->sun_family != AF_UNIX) {
		errno = EINVAL;
		return -1;
	}
	if (len > sizeof(*addr))
		len = sizeof(*addr);
	size_t room = len - offsetof(struct sockaddr_un, sun_path);
	const char *p = addr->sun_path;
	size_t n = p[0] != '\0' ? strnlen(p, room) : room;
	if (n + 1 > cap) {
		errno = ERANGE;
		return -1;
	}
	/* A path ends at its zero; an abstract name is every byte the length
	 * covers, its zeros shown as '@' like /proc/net/unix does. */
	for (size_t i = 0; i < n; i++)
		buf[i] = p[0] != '\0' || p[i] != '\0' ? p[i] : '@';
	buf[n] = '\0';
	return (int)n;
}

int msg_type_parse(const char *text)
{
	if (text != NULL) {
		if (strcmp(text, "stream") == 0)
			return SOCK_STREAM;
		if (strcmp(text, "seqpacket") == 0)
			return SOCK_SEQPACKET;
		if (strcmp(text, "dgram") == 0)
			return SOCK_DGRAM;
	}
	errno = EINVAL;
	return -1;
}

const char *msg_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_SEQPACKET:
		return "seqpacket";
	case SOCK_DGRAM:
		return "dgram";
	default:
		return "?";
	}
}
