/* framing.h: lab 07's contract, messages over a stream in frames, and the
 * read and write loops that move them whole.
 *
 * A stream socket carries bytes, not messages (the seed's flaw 1): the
 * bytes of one write() may come out in several read()s, those of several
 * writes in one read(), and a read() or write() may move fewer bytes than
 * asked (a short count) or be interrupted by a signal before moving any
 * (EINTR; flaw 10). The seed wrote fixed 1024-byte buffers and took each
 * read() for one message. Here each message travels as a frame:
 *
 *   +--------+--------+--------+--------+--------------------------+
 *   | length: 4 bytes, big-endian       | payload: length bytes    |
 *   +--------+--------+--------+--------+--------------------------+
 *
 * length counts the payload only, goes most significant byte first
 * whatever the host's byte order (network byte order), and is at most
 * FR_MAX_PAYLOAD. A payload may be empty (length 0) and may hold any
 * bytes. "hi" is the 6 bytes 00 00 00 02 68 69 on the wire.
 *
 * A reader that has read a header knows exactly how many bytes belong to
 * the frame: it reads those and not one more, so the next frame's bytes
 * stay in the socket for the next call (nothing here keeps a buffer
 * between calls). A header that announces more than the reader's limit is
 * refused before anything is allocated or read for it: any 4 bytes make a
 * length, and garbage ("GET / HTTP/1.0", a line of text) announces a
 * gigabyte or more.
 *
 * The server, fserver, answers every frame with one frame: the same
 * payload with the ASCII letters a-z made upper-case, every other byte
 * unchanged. A client whose stream is not a sequence of frames (a length
 * over the limit, a stream ending inside a frame) gets no answer to it:
 * the server logs why and closes that connection, and serves the next
 * client as if nothing had happened.
 *
 * Files of the lab: io.c (readn, writen), frame.c (the header, frame_write,
 * frame_read), server.c (fr_serve_client, fr_server_loop) and client.c
 * (fr_exchange) are yours, every function marked TODO(lab07). endpoint.c,
 * frame_free() and fr_upper() are given complete, like the programs'
 * *_main.c files.
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise; none prints or exits, except fr_server_loop(),
 * which writes one line per client to the log it is given. */
#ifndef CONTRACT_FRAMING_H
#define CONTRACT_FRAMING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The bytes of a frame's header. */
#define FR_HEADER_LEN 4
/* The largest payload the protocol allows (64 KiB). A reader may set a
 * lower limit; none may accept more. */
#define FR_MAX_PAYLOAD 65536u

/* The seed's message, the default payload of fclient (23 bytes of UTF-8),
 * and fserver's answer to it. */
#define FR_MESSAGE "the message sended \xe6\x88\xb7!"
#define FR_MESSAGE_UPPER "THE MESSAGE SENDED \xe6\x88\xb7!"

/* The line fserver's loop logs when a client leaves (see fr_server_loop):
 * counts, then "end: " and the reason, "EOF" or the errno's name
 * (errno_name() in common/report.h). The checks read "end: <reason>". */
#define FR_LOG_CLIENT "client %lu: %lu frames, %llu bytes in, %llu bytes out, end: %s"

/* ---- io.c: whole buffers over a stream ------------------------------------ */

/* Reads exactly len bytes into buf, calling read() (or recv()) again after
 * every short count, and again after EINTR (a signal whose handler ran
 * while read() waited: nothing was read, nothing is wrong).
 * Returns len when all arrived; a count from 0 to len - 1 when the peer
 * closed first (EOF: 0 means it closed before the first byte); or -1 with
 * read()'s errno (ECONNRESET, EAGAIN when a timeout expired, EBADF, ...),
 * after which the bytes already read are lost to the caller: the stream's
 * position is unknown, and the connection can only be closed. */
ssize_t readn(int fd, void *buf, size_t len);

/* Writes all len bytes of buf to the socket fd with send(..., MSG_NOSIGNAL)
 * (a peer that has gone gives EPIPE instead of the signal SIGPIPE, which
 * kills), calling send() again for the rest after every short count,
 * from the first byte not yet sent, and again after EINTR. A blocking
 * send() returns a short count when a signal interrupts it after part of
 * the buffer went out, for instance while the peer reads slowly and the
 * socket's send buffer (SO_SNDBUF) is small.
 * Returns len, or -1 with send()'s errno: EPIPE, ECONNRESET, EAGAIN (a
 * send timeout expired), ENOTSOCK, ... */
ssize_t writen(int fd, const void *buf, size_t len);

/* ---- frame.c: frames ------------------------------------------------------ */

/* Stores len in hdr as 4 bytes, most significant first:
 * 23 -> 00 00 00 17, 0x01020304 -> 01 02 03 04, on any host. */
void fr_put_len(unsigned char hdr[FR_HEADER_LEN], uint32_t len);

/* The length that the 4 bytes of hdr hold, read most significant first:
 * the inverse of fr_put_len(). */
uint32_t fr_get_len(const unsigned char hdr[FR_HEADER_LEN]);

/* Sends one frame, its header then its payload, with writen(). Whether
 * the header and the payload go in one send() or two is free; the bytes
 * on the wire must be exactly the 4 header bytes then the len payload
 * bytes. payload may be NULL when len is 0.
 * Returns 0, or -1 with errno: EMSGSIZE when len > FR_MAX_PAYLOAD (nothing
 * is sent); EINVAL when payload is NULL and len > 0; or writen()'s errno
 * (EPIPE, ...). */
int frame_write(int fd, const void *payload, uint32_t len);

/* One frame received. */
struct frame {
	uint32_t len;          /* the payload's length, as the header said */
	unsigned char *data;   /* malloc'ed: len bytes, then one zero byte
				  (so that a text payload is a C string);
				  NULL when frame_read() failed */
};

/* Reads one frame from fd: its 4-byte header with readn(), then, only if
 * the length is at most max, exactly that many payload bytes with readn()
 * into a buffer it allocates (len + 1 bytes). It never reads beyond the
 * frame: the next frame's bytes stay in the socket.
 * Returns 1 with *f filled (free it with frame_free()); 0 when the peer
 * closed exactly at a frame boundary (EOF before any header byte: the
 * normal end of a conversation), with f->len 0 and f->data NULL; or -1
 * with f->data NULL and errno:
 *   EMSGSIZE  the header announces more than max bytes: f->len holds the
 *             announced length; only the 4 header bytes were consumed,
 *             nothing was allocated, and the payload was not read;
 *   EPROTO    the peer closed inside a frame: after 1 to 3 header bytes,
 *             or before the whole payload arrived (f->len holds the
 *             announced length);
 *   EINVAL    max is 0 or above FR_MAX_PAYLOAD, or f is NULL;
 *   ENOMEM    the payload buffer could not be allocated;
 *   or readn()'s errno (ECONNRESET, EAGAIN, ...).
 * After -1 the stream cannot be trusted any more: close the connection. */
int frame_read(int fd, struct frame *f, uint32_t max);

/* Frees f->data (given). f->data becomes NULL and f->len 0. */
void frame_free(struct frame *f);

/* ---- server.c: fserver ---------------------------------------------------- */

/* Upper-cases the ASCII letters a-z of buf[0..len) in place; every other
 * byte, UTF-8 included, is unchanged (given). */
void fr_upper(unsigned char *buf, size_t len);

/* What one client did, for the log. */
struct fr_stats {
	unsigned long frames;          /* frames received and answered */
	unsigned long long bytes_in;   /* payload bytes of the frames received */
	unsigned long long bytes_out;  /* payload bytes of the replies sent */
	uint32_t bad_len;              /* the length a refused header
					  announced (EMSGSIZE), else 0 */
};

/* Serves one connected client (fd cfd, not closed here): for each frame
 * read with frame_read(cfd, ..., max), one reply frame with the payload
 * upper-cased (fr_upper), sent with frame_write(), in order; st (zeroed
 * first) counts them.
 * Returns 0 when the client closed at a frame boundary, or -1 with errno:
 * frame_read()'s (EMSGSIZE, with st->bad_len set; EPROTO; ECONNRESET;
 * ENOMEM) or frame_write()'s (EPIPE, ...). A frame that fails gets no
 * reply. */
int fr_serve_client(int cfd, uint32_t max, struct fr_stats *st);

/* fserver's options. */
struct fr_server_opts {
	uint32_t max;            /* frame_read()'s limit */
	unsigned long clients;   /* return after this many; 0: never */
	int sndbuf;              /* > 0: SO_SNDBUF of every connection */
	FILE *log;               /* one line per client, or NULL */
};

/* Accepts clients one after another on the listening socket lfd (kept
 * open), and for each: sets SO_SNDBUF to o->sndbuf when it is > 0, serves
 * it with fr_serve_client(), closes its connection, and logs one line
 * (when o->log is not NULL):
 *   FR_LOG_CLIENT with the client's number (1, 2, ...), its counts and
 *   "EOF" or errno_name() of the error; after EMSGSIZE the line goes on
 *   with " (announced <bad_len> bytes, max <max>)".
 * A client's failure, whatever it is, ends only that client: the next one
 * is served normally. accept() failing with EINTR, ECONNABORTED, EMFILE,
 * ENFILE, ENOBUFS or ENOMEM is tried again.
 * Returns 0 after o->clients clients, or -1 with errno when accept() fails
 * otherwise (EBADF, EINVAL, ...). */
int fr_server_loop(int lfd, const struct fr_server_opts *o);

/* ---- client.c: fclient ---------------------------------------------------- */

/* One request and its reply: frame_write(fd, payload, len), then
 * frame_read(fd, reply, max).
 * Returns 0 with *reply filled (free it with frame_free()), or -1 with
 * errno: frame_write()'s or frame_read()'s, or EPROTO when the server
 * closed at a frame boundary instead of replying (reply->data NULL). */
int fr_exchange(int fd, const void *payload, uint32_t len, uint32_t max,
		struct frame *reply);

/* ---- endpoint.c (given): the sockets ------------------------------------- */

/* A SOCK_STREAM socket (SOCK_CLOEXEC) listening at path with backlog; a
 * stale socket file (nobody listening) is replaced, a live server's never.
 * Returns the fd, or -1 with errno (ENAMETOOLONG, EADDRINUSE, ...). */
int fr_listen(const char *path, int backlog);

/* A SOCK_STREAM socket (SOCK_CLOEXEC) connected to path. Returns the fd,
 * or -1 with connect()'s errno (ENOENT, ECONNREFUSED, ...). */
int fr_connect(const char *path);

#endif
