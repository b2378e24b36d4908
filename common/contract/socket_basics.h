/* socket_basics.h: lab 01's contract: create sockets, read back what the
 * kernel made, pass bytes through a socketpair, watch fd numbers reused.
 *
 * Every function here cleans up after itself: whatever it returns, no file
 * descriptor it opened is still open afterwards. On failure a function
 * returns -1 and leaves errno as the failing call set it (closing the
 * sockets must not overwrite it). Nothing here prints or exits. */
#ifndef CONTRACT_SOCKET_BASICS_H
#define CONTRACT_SOCKET_BASICS_H

#include <stddef.h>
#include <sys/types.h>

/* What one socket(domain, type, protocol) call gave. */
struct socket_probe {
	int ok;       /* 1 when socket() returned a descriptor, else 0 */
	int err;      /* socket()'s errno when ok == 0, else 0 */
	int domain;   /* SO_DOMAIN read back when ok, else -1 */
	int type;     /* SO_TYPE read back when ok, else -1 */
	int protocol; /* SO_PROTOCOL read back when ok, else -1 (0 chosen by
	               * the caller shows here as the protocol the kernel
	               * picked, e.g. IPPROTO_TCP for an AF_INET stream) */
};

/* Calls socket(domain, type, protocol) exactly as given (no flags added).
 * When it fails, records its errno in out->err (EAFNOSUPPORT: unknown
 * domain; ESOCKTNOSUPPORT: type not offered by the domain;
 * EPROTONOSUPPORT: protocol not offered for that type; EPERM: SOCK_RAW
 * without CAP_NET_RAW; EINVAL: a type or protocol value out of range).
 * When it succeeds, reads back SO_DOMAIN, SO_TYPE and SO_PROTOCOL with
 * getsockopt(SOL_SOCKET) into out, then closes the socket.
 * Returns 0 when the probe ran, whether or not socket() succeeded: a
 * refused combination is a result, not an error. Returns -1 when out is
 * NULL (EINVAL) or when a getsockopt() failed (its errno is kept, the
 * socket is closed anyway). */
int probe_socket(int domain, int type, int protocol, struct socket_probe *out);

/* Passes bytes both ways between the two ends of one socketpair.
 *
 * Creates socketpair(AF_UNIX, type, 0) (type SOCK_STREAM, SOCK_DGRAM or
 * SOCK_SEQPACKET), then:
 *   1. writes msg on end 0 with two write() calls: bytes [0, split) and
 *      bytes [split, len) (an empty piece is not written);
 *   2. calls read() once on end 1 into reply, with room for cap bytes;
 *   3. writes the bytes that read got back on end 1 with one write(), and
 *      reads them once on end 0 (into a buffer of its own), checking that
 *      the same bytes came back;
 *   4. closes both ends.
 * Whether step 2 sees one piece or both shows whether the socket type
 * keeps message boundaries.
 * Returns the number of bytes the read of step 2 got (also what came back
 * in step 3), or -1 with errno: EINVAL when len or cap is 0 or split >
 * len; EIO when a write was short or step 3 brought back other bytes;
 * otherwise the errno of the failing socketpair(), write() or read()
 * (e.g. EPROTONOSUPPORT or ESOCKTNOSUPPORT for a type socketpair refuses,
 * EMSGSIZE for a datagram too large). */
ssize_t pair_exchange(int type, const void *msg, size_t len, size_t split,
		      void *reply, size_t cap);

/* Shows that a new descriptor gets the lowest number not in use, not the
 * number freed last. Opens three AF_UNIX stream sockets (fds[0], fds[1],
 * fds[2]), closes fds[0] and then fds[2], opens a fourth (fds[3]), and
 * closes everything still open. Afterwards fds[3] == fds[0] (and not
 * fds[2], the number freed last), unless something else in the process
 * opened a descriptor meanwhile.
 * Returns 0, or -1 with socket()'s errno (e.g. EMFILE); on failure the
 * entries not opened are -1 and every socket opened is closed. */
int fd_reuse(int fds[4]);

#endif
