/* message_sockets.h: lab 10's contract, message sockets on AF_UNIX.
 *
 * A SOCK_STREAM socket carries bytes: two sends of 3 bytes may come out of
 * one read as 6 (seed flaw 1). SOCK_SEQPACKET (connected, like a stream)
 * and SOCK_DGRAM (no connection, an address on every datagram) carry
 * messages: each receive returns exactly one message, whole, with its own
 * length, or cut to the buffer with the rest thrown away. This lab
 * receives messages without ever cutting one silently (MSG_TRUNC reports
 * the real length; MSG_PEEK | MSG_TRUNC asks for it first), and answers
 * datagram clients at the address the kernel reported for them, with the
 * length the kernel reported: an autobound client is "\0" and five hex
 * digits, length 8, and sizeof(struct sockaddr_un) would name another
 * socket. A client that never bound has no address at all and cannot be
 * answered.
 *
 * The programs: msgsrv (a server for any of the three types, which logs
 * every message and answers each with a short reply) and msgcli (a client
 * that sends its messages back to back, then prints the replies). Their
 * main() files are given; they call the functions below.
 *
 * Files of the lab: endpoint.c, message.c, reply.c and server.c are yours
 * (every function marked TODO(lab10)). names.c is given complete (the
 * address builder of lab 03, and the type names), and so is
 * msg_reply_text() in server.c.
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise (closing a socket on the way out must not
 * overwrite errno); none exits, and only the two msg_serve_*() functions
 * write to the log stream they are given. */
#ifndef CONTRACT_MESSAGE_SOCKETS_H
#define CONTRACT_MESSAGE_SOCKETS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* Room for the text of any name and its zero (see msg_address_text). */
#define MSOCK_TEXT_MAX 110

/* The largest message msgsrv --peek accepts whole. Larger ones cannot be
 * sent anyway: a message must fit in the sender's SO_SNDBUF (212992 bytes
 * by default), else send() fails with EMSGSIZE. */
#define MSOCK_PEEK_MAX (1u << 20)

/* msgsrv's buffer for one message when neither --max nor --peek is given. */
#define MSOCK_SERVER_MAX 4096

/* The server's answer to each message: MSOCK_REPLY_WHOLE with the message's
 * length when it was received whole, MSOCK_REPLY_CUT with its real length
 * and the buffer size when it was cut (see msg_reply_text). */
#define MSOCK_REPLY_WHOLE "got %zu"
#define MSOCK_REPLY_CUT "truncated %zu > %zu"

/* What msgsrv writes to its log (stdout), one line per event. The checks
 * read these forms; other lines are free.
 *
 *   MSOCK_LOG_MESSAGE   every message: its number (1, 2, ... over the whole
 *                     run), who sent it, its REAL length; followed by
 *                     MSOCK_LOG_CUT on the same line when it was cut.
 *                     "who" is the sender's name for a datagram ("@00a3f",
 *                     "/tmp/c.sock", or MSOCK_UNNAMED), "client N" on a
 *                     connection (N = 1, 2, ... per accepted connection);
 *   MSOCK_LOG_NOREPLY   a datagram from an unnamed sender: nothing can reach
 *                     it, no reply is sent;
 *   MSOCK_LOG_DROPPED   a reply the kernel refused (the errno's name, e.g.
 *                     EAGAIN when the client's queue is full);
 *   MSOCK_LOG_EOF       a client of a connection closed or shut down its
 *                     sending side: the end of file, and how many messages
 *                     came before it. */
#define MSOCK_LOG_MESSAGE "message %lu from %s: %zu bytes"
#define MSOCK_LOG_CUT ", truncated to %zu"
#define MSOCK_LOG_NOREPLY "message %lu: no reply, the sender is unnamed"
#define MSOCK_LOG_DROPPED "message %lu: reply dropped: %s"
#define MSOCK_LOG_EOF "client %lu: end of file after %lu messages"
#define MSOCK_UNNAMED "(unnamed)"

/* The exit statuses of msgcli (msgcli_main.c). */
#define MSGCLI_EXIT_OK 0
#define MSGCLI_EXIT_FAILED 1  /* any other failure */
#define MSGCLI_EXIT_USAGE 2   /* bad command line */
#define MSGCLI_EXIT_NOENT 3   /* ENOENT: no file at the path */
#define MSGCLI_EXIT_REFUSED 4 /* ECONNREFUSED: no socket of that type there,
				 or the datagram server's socket is gone */
#define MSGCLI_EXIT_NOREPLY 5 /* a reply did not come within --timeout */
#define MSGCLI_EXIT_CLOSED 6  /* the server closed (end of file or EPIPE)
				 before every reply came */

/* ---- names.c (given) ------------------------------------------------------ */

/* Lab 03's builder: "/path", "@name", or "@" (autobind: only sun_family,
 * *len = sizeof(sa_family_t)), each with its exact length. Returns 0, or
 * -1 with EINVAL (NULL or "") or ENAMETOOLONG (108 bytes or more). */
int msg_address(const char *text, struct sockaddr_un *addr, socklen_t *len);

/* The text of the address (addr, len) as /proc/net/unix shows it: the
 * path, or '@' and the abstract name with each zero byte shown as '@'. A
 * len of sizeof(sa_family_t) or less is an unnamed socket: "" (recvfrom()
 * and recvmsg() report length 0 for a datagram from a socket that never
 * bound; getpeername() reports 2). Returns the text's length, or -1 with
 * EINVAL (NULL, or a family other than AF_UNIX) or ERANGE (cap too
 * small). */
int msg_address_text(const struct sockaddr_un *addr, socklen_t len,
		     char *buf, size_t cap);

/* "stream", "seqpacket", "dgram" -> SOCK_STREAM, SOCK_SEQPACKET,
 * SOCK_DGRAM; -1 with EINVAL for anything else. */
int msg_type_parse(const char *text);

/* The way back: "stream", "seqpacket", "dgram", or "?" for other types. */
const char *msg_type_name(int type);

/* ---- endpoint.c: the sockets ------------------------------------------------ */

/* A server's socket of the given type (SOCK_STREAM, SOCK_SEQPACKET or
 * SOCK_DGRAM) bound to the address text names ("/path", "@name", or "@"
 * for a name the kernel chooses) with its exact length. A STREAM or
 * SEQPACKET socket then listens with backlog; a DGRAM socket does not
 * listen (listen() on it fails with EOPNOTSUPP): it is ready to receive as
 * soon as it is bound. Nothing is ever unlinked.
 *
 * Returns the fd (close-on-exec), or -1 with errno (every fd closed):
 *   EINVAL        another type, or from msg_address();
 *   ENAMETOOLONG  from msg_address();
 *   EADDRINUSE    the name is taken (a file at the path, or an open socket
 *                 holding the abstract name);
 *   anything socket(), bind() or listen() reports. */
int msg_open(const char *text, int type, int backlog);

/* A client's socket of the given type connected to the server named by
 * text ("/path" or "@name"), exact length. When autobind is 1 the socket is
 * first bound with only sun_family (length sizeof(sa_family_t)), so that
 * the kernel gives it a name: a datagram server can answer only a client
 * that has one. A connected DGRAM socket sends to the server with send()
 * and receives only what the server's socket sends it.
 *
 * Returns the connected fd (close-on-exec), or -1 with errno (the socket
 * closed):
 *   EINVAL        another type, text is "@" (autobind names no server), or
 *                 from msg_address();
 *   ENOENT        no file at the path;
 *   ECONNREFUSED  nobody there: a file nobody has open, an abstract name no
 *                 socket of this type holds, a STREAM or SEQPACKET socket
 *                 that is not listening;
 *   EPROTOTYPE    the path is held by a socket of another type. */
int msg_connect(const char *text, int type, int autobind);

/* ---- message.c: one message at a time ------------------------------------ */

/* What msg_recv() learnt about the message it received. All of it is
 * output: msg_recv() sets every field on every successful call, so a
 * caller may reuse one structure for a whole loop. */
struct msg_info {
	size_t len;      /* the message's real length, whatever the buffer */
	size_t stored;   /* the bytes written into the buffer: min(len, cap) */
	int truncated;   /* 1 when the message was longer than the buffer and
			    the kernel threw the rest away (MSG_TRUNC in
			    msg_flags); 0 otherwise */
	struct sockaddr_un from; /* the sender's address as the kernel
				    reported it (the bytes fromlen covers) */
	socklen_t fromlen;       /* its exact length: 8 for an autobound
				    sender, 2 + strlen + 1 for a path,
				    sizeof(sa_family_t) or less (Linux: 0)
				    for an unnamed one */
};

/* Sends the len bytes at buf as one message on the connected socket fd,
 * with MSG_NOSIGNAL: on a STREAM socket a closed peer raises SIGPIPE,
 * whose default action kills the sender (Linux raises none on SEQPACKET;
 * the flag costs nothing there). A message socket sends all of it or
 * nothing. EINTR is retried.
 *
 * Returns len, or -1 with errno:
 *   EPIPE         STREAM or SEQPACKET: the peer has closed;
 *   ECONNREFUSED  DGRAM: the socket it is connected to has been closed
 *                 (the server is gone); the socket is then disconnected,
 *                 and a second send fails with ENOTCONN;
 *   EMSGSIZE      the message does not fit in the send buffer;
 *   EAGAIN        the peer's queue is full and fd is non-blocking, or
 *                 SO_SNDTIMEO ran out. */
ssize_t msg_send(int fd, const void *buf, size_t len);

/* Receives one message from fd into buf (cap bytes; buf may be NULL when
 * cap is 0: the message is then taken and thrown away, and its length
 * still reported), with recvmsg() or recvfrom() and the flag MSG_TRUNC,
 * so that the kernel reports the message's REAL length even when it was
 * longer than cap. The sender's address goes to info->from with
 * info->fromlen, which is reset to sizeof(info->from) before every call
 * (it is a value-result argument: the kernel writes back the length it
 * reported, and copies no more than the length it was given). On a
 * SEQPACKET or DGRAM socket each call takes exactly one message, never
 * part of one and never two; on a STREAM socket, whatever bytes are there
 * (several sends may come out as one). EINTR is retried.
 *
 * Returns the real length (equal to info->len), or -1 with errno. 0 is an
 * empty datagram on a DGRAM socket, and the end of file on a STREAM or
 * SEQPACKET socket (the peer closed or shut down its sending side; an
 * empty SEQPACKET message looks exactly the same, so the lab never sends
 * one). Errors:
 *   EAGAIN   nothing arrived: fd is non-blocking, or SO_RCVTIMEO ran out;
 *   EINVAL   info is NULL, or buf is NULL with cap > 0;
 *   anything recvmsg() reports (EBADF, ENOTSOCK, ECONNRESET, ...). */
ssize_t msg_recv(int fd, void *buf, size_t cap, struct msg_info *info);

/* The real length of the next message on the SEQPACKET or DGRAM socket fd,
 * without taking it: recv() with MSG_PEEK | MSG_TRUNC and no buffer. It
 * waits like a receive would. On a STREAM socket Linux ignores MSG_TRUNC
 * and the result means nothing.
 *
 * Returns the length (0: an empty datagram, or the end of file on a
 * SEQPACKET socket), or -1 with errno: EAGAIN (nothing there, non-blocking
 * or SO_RCVTIMEO), EINTR is retried, anything recv() reports. */
ssize_t msg_peek_size(int fd);

/* Receives the next message whole into a buffer of its own size: peeks the
 * length n with msg_peek_size(), allocates n bytes (at least 1), and
 * receives with msg_recv(). A message longer than max is received into max
 * bytes instead, truncated and reported as such (info->truncated = 1,
 * info->len its real length): it is consumed either way, so the next call
 * gets the next message.
 *
 * On success *out is a malloc'ed buffer of info->stored bytes (the caller
 * frees it) and the real length is returned; on failure *out is NULL and
 * the result is -1 with errno (as for msg_peek_size() and msg_recv(),
 * EINVAL for a NULL out or info or max == 0, ENOMEM). */
ssize_t msg_recv_alloc(int fd, size_t max, char **out, struct msg_info *info);

/* ---- reply.c: answering a datagram ------------------------------------------ */

/* Sends len bytes at buf from the unconnected DGRAM socket fd to the
 * sender of the datagram that msg_recv() described in *to: sendto() with
 * to->from and to->fromlen, the exact length the kernel reported (never
 * sizeof(to->from): for an autobound name "\0" and five hex digits, the
 * zeros after it would become part of the name), and MSG_DONTWAIT |
 * MSG_NOSIGNAL, so that a client that does not read cannot stall the
 * server.
 *
 * Returns len, or -1 with errno:
 *   EINVAL        to or buf is NULL (buf may be NULL when len is 0);
 *   EDESTADDRREQ  the sender is unnamed (to->fromlen <= sizeof(sa_family_t):
 *                 it never bound, so nothing can reach it). Nothing is sent;
 *   EAGAIN        the sender's receive queue is full (it does not read its
 *                 replies): the reply is dropped, the server goes on;
 *   ECONNREFUSED  no socket holds that name any more (the client closed);
 *   ENOENT        the sender's path no longer exists;
 *   EPERM         the sender is connected to another socket. */
ssize_t msg_reply(int fd, const struct msg_info *to, const void *buf,
		  size_t len);

/* ---- server.c: msgsrv's loops ----------------------------------------------- */

struct msg_serve_opts {
	size_t max;          /* the buffer for one message, at least 1 byte;
				with peek, the largest message taken whole */
	int peek;            /* 1: each message is received with
				msg_recv_alloc() (its size peeked first), so
				nothing up to max is ever cut */
	unsigned long count; /* stop after this many datagrams (DGRAM) or
				connections (STREAM, SEQPACKET); 0: never */
};

/* Writes into buf (cap bytes) the server's reply to the message *info
 * described: MSOCK_REPLY_WHOLE with info->len when it was received whole,
 * MSOCK_REPLY_CUT with info->len and info->stored when it was cut. Returns
 * the reply's length (the zero not counted), or -1 with ERANGE when it does
 * not fit. Given complete. */
int msg_reply_text(const struct msg_info *info, char *buf, size_t cap);

/* The datagram server's loop on the bound DGRAM socket fd: receives each
 * datagram (msg_recv() into o->max bytes, or msg_recv_alloc() with
 * o->peek), logs MSOCK_LOG_MESSAGE (with MSOCK_LOG_CUT when cut) naming the
 * sender with msg_address_text() (MSOCK_UNNAMED when it has no name), and
 * answers it with msg_reply() at the address that came with THIS datagram:
 * MSOCK_LOG_NOREPLY for an unnamed sender, MSOCK_LOG_DROPPED (with the errno's
 * name) when the kernel refuses the reply. A reply that cannot be sent
 * never stops the loop, and the loop never blocks on a client.
 *
 * Returns 0 after o->count datagrams (never when it is 0), or -1 with
 * errno when receiving fails for good (EBADF, ENOTSOCK, EINVAL, ENOMEM;
 * other errors are logged and the loop goes on). */
int msg_serve_dgram(int fd, const struct msg_serve_opts *o, FILE *log);

/* The connection server's loop on the listening STREAM or SEQPACKET socket
 * lfd: accepts one client at a time (client 1, 2, ...), then receives its
 * messages (as msg_serve_dgram() does) and answers each with msg_send() on
 * the connection, until a receive returns 0: that is the end of file, not
 * a message (MSOCK_LOG_EOF); then the connection is closed and the next
 * client accepted. On a STREAM socket each receive is one "message" of
 * whatever bytes were there: this is the contrast the lab shows.
 *
 * Returns 0 after o->count connections (never when it is 0), or -1 with
 * errno when accept() fails for good (EBADF, EINVAL, ENOTSOCK) or memory
 * runs out. */
int msg_serve_conn(int lfd, const struct msg_serve_opts *o, FILE *log);

#endif
