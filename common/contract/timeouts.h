/* timeouts.h: lab 04's contract, bounding every wait of a socket client.
 *
 * A blocked read(), send() or connect() can wait forever for a peer that
 * never answers. SO_RCVTIMEO and SO_SNDTIMEO bound those waits inside the
 * kernel; a non-blocking connect() with poll() bounds a TCP handshake. The
 * seed set SO_SNDTIMEO twice in a row, 5 s "for connect" then 1 s "for
 * send" (its flaw 4): an option holds one value, so the second call simply
 * replaced the first. Here each option is set once, and read back.
 *
 * Addresses are text, one of:
 *   "/path"              a pathname UNIX socket;
 *   "@name"              an abstract UNIX socket (no file);
 *   "tcp:A.B.C.D:PORT"   an IPv4 TCP socket (the labs use 127.0.0.1 only).
 *
 * A timeout is a number of milliseconds, 0 meaning "no timeout" (wait as
 * long as it takes), as for the socket options themselves. Every function
 * returns -1 and leaves errno set on failure, closes what it opened on
 * failure without losing errno, and never prints or exits. Both
 * labs/04-timeouts (the starter) and solutions/04-timeouts (the reference)
 * implement this header. */
#ifndef CONTRACT_TIMEOUTS_H
#define CONTRACT_TIMEOUTS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>

/* The tclient program's exit statuses (tclient_main.c). */
#define TCLIENT_EXIT_OK 0              /* connected, and the read got data or EOF */
#define TCLIENT_EXIT_FAILED 1          /* any other failure */
#define TCLIENT_EXIT_USAGE 2           /* bad command line */
#define TCLIENT_EXIT_CONNECT_TIMEOUT 3 /* connect: EAGAIN, EINPROGRESS, ETIMEDOUT */
#define TCLIENT_EXIT_CONNECT_REFUSED 4 /* connect: ENOENT, ECONNREFUSED */
#define TCLIENT_EXIT_READ_TIMEOUT 5    /* read: EAGAIN, nothing came in time */
#define TCLIENT_EXIT_SEND_TIMEOUT 6    /* send: a short count, or EAGAIN */

/* Fills *addr with the address that text names (see the top of this file)
 * and *len with its exact length:
 *   "/path"  offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
 *   "@name"  offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name)
 *            (sun_path[0] is 0; no trailing zero belongs to the name);
 *   "tcp:"   sizeof(struct sockaddr_in), port in network byte order.
 * Returns the address family (AF_UNIX or AF_INET), or -1 with errno:
 *   EINVAL        text is NULL or empty, starts with none of '/', '@',
 *                 "tcp:", is "@" alone, or has a bad IPv4 address or a
 *                 port outside 1..65535 (digits only);
 *   ENAMETOOLONG  the path (with its zero) or the abstract name (after
 *                 its leading zero byte) does not fit in sun_path.
 * On failure *addr and *len are left untouched. */
int timeout_address(const char *text, struct sockaddr_storage *addr,
		    socklen_t *len);

/* Converts ms milliseconds to a struct timeval: whole seconds in tv_sec,
 * the rest in MICROseconds in tv_usec (1500 -> {1, 500000}; 200 ->
 * {0, 200000}; 0 -> {0, 0}). Returns 0, or -1 with EINVAL when ms < 0 or
 * tv is NULL (tv untouched). */
int ms_to_timeval(int ms, struct timeval *tv);

/* Sets SO_RCVTIMEO to rcv_ms and SO_SNDTIMEO to snd_ms on fd, with exactly
 * ONE setsockopt(SOL_SOCKET) call per option (0: no timeout). Both values
 * are checked before anything is set.
 * Returns 0, or -1 with errno: EINVAL when a value is negative (nothing
 * set); EBADF, ENOTSOCK from setsockopt(). */
int set_timeouts(int fd, int rcv_ms, int snd_ms);

/* Reads back the SO_RCVTIMEO or SO_SNDTIMEO (optname) in force on fd, with
 * getsockopt(), into *ms: milliseconds, a partial millisecond rounded up
 * (the kernel keeps timeouts in clock ticks, so a value may read back a
 * little larger than it was set: 1 ms reads back as one tick, 4 ms at
 * 250 Hz). 0 means no timeout.
 * Returns 0, or -1 with errno: EINVAL when optname is neither option or ms
 * is NULL; EOVERFLOW when the value does not fit an int; EBADF, ENOTSOCK
 * from getsockopt(). */
int get_timeout_ms(int fd, int optname, int *ms);

/* Connects a new blocking SOCK_STREAM socket to addr, whose wait the
 * kernel bounds with SO_SNDTIMEO: socket(), then set_timeouts(fd, rcv_ms,
 * snd_ms) BEFORE connect(), then connect().
 *   - AF_UNIX, the listener's backlog full (it admits backlog + 1 waiting
 *     connections): connect() waits for a free place up to snd_ms, then
 *     fails with EAGAIN;
 *   - AF_INET, no answer to the handshake: connect() waits up to snd_ms,
 *     then fails with EINPROGRESS (the kernel goes on trying; the socket
 *     is closed here);
 *   - ENOENT (no file) and ECONNREFUSED (nobody listens) come back at
 *     once, whatever the timeout.
 * On success the socket keeps both timeouts for the exchange that follows.
 * Returns the connected fd, or -1 with errno: EINVAL, ENAMETOOLONG from
 * timeout_address() or set_timeouts(); EAGAIN, EINPROGRESS, ENOENT,
 * ECONNREFUSED as above; EINTR when a signal handler ran during the wait
 * (a call with a timeout is not restarted); others from socket() and
 * connect(). */
int connect_timed(const char *addr, int rcv_ms, int snd_ms);

/* Connects a new SOCK_STREAM socket to addr within ms milliseconds using a
 * non-blocking socket and poll(), with no socket option:
 *   - connect() returns 0: connected;
 *   - connect() fails with EINPROGRESS (a TCP handshake under way): poll()
 *     for POLLOUT with what is left of ms (a signal does not extend it);
 *     nothing by then: ETIMEDOUT; ready: getsockopt(SO_ERROR) gives the
 *     handshake's outcome (0: connected; else that errno, ECONNREFUSED for
 *     a closed port);
 *   - any other failure comes back at once. On AF_UNIX that includes a
 *     full backlog: a non-blocking connect() there fails with EAGAIN, not
 *     EINPROGRESS, so there is nothing to poll for.
 * On success O_NONBLOCK is cleared again (the caller gets an ordinary
 * blocking socket) and no timeout option is set.
 * Returns the connected fd, or -1 with errno: EINVAL (ms < 0, bad
 * address), ENAMETOOLONG, ETIMEDOUT, EAGAIN, ENOENT, ECONNREFUSED, or
 * another errno of socket(), connect(), poll() or SO_ERROR. */
int connect_with_timeout(const char *addr, int ms);

/* Reads once from fd into buf (at most cap bytes), waiting no longer in
 * total than the SO_RCVTIMEO in force on fd (read back first; 0: no
 * bound). The kernel does the timing: a read() with nothing to read
 * returns -1 EAGAIN when SO_RCVTIMEO expires.
 * A signal caught during the wait ends the read() with EINTR even when the
 * handler was installed with SA_RESTART: the kernel does not restart a call
 * that has a timeout. A handled signal is not a failure, so read_timed()
 * goes on waiting, but only for what is left of the timeout (poll() with
 * the remaining milliseconds, then a read that does not block): however
 * many signals arrive, it returns within about SO_RCVTIMEO.
 * Returns the byte count (> 0), 0 at EOF, or -1 with errno: EAGAIN
 * (== EWOULDBLOCK) when nothing came in time; ECONNRESET, EBADF, ... from
 * getsockopt(), read() or poll(). */
ssize_t read_timed(int fd, void *buf, size_t cap);

/* Sends buf on fd with one send(MSG_NOSIGNAL) (a closed peer gives EPIPE,
 * not SIGPIPE), waiting no longer in total than the SO_SNDTIMEO in force
 * on fd (read back first; 0: no bound). Into a peer that does not read,
 * the kernel queues what fits in the send buffer and then waits for room
 * until the timeout: the call returns the short count when some bytes
 * went, -1 EAGAIN when none did. That short count is the result: it is
 * not retried here, and it must not be lost.
 * A signal caught before any byte went ends the send() with EINTR (not
 * restarted, as for read_timed()); send_timed() then waits for POLLOUT for
 * what is left of the timeout only, and sends what fits without blocking.
 * Returns the count sent (1..len; len when all went), or -1 with errno:
 * EAGAIN when nothing went in time; EPIPE, ECONNRESET, ... */
ssize_t send_timed(int fd, const void *buf, size_t len);

#endif
