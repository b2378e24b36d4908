/* bind_listen_accept.h: lab 02's contract, a pathname server and its client.
 *
 * The server names itself with a filesystem path, listens, and serves one
 * request per connection; the client connects to that path, sends the
 * seed's message and reads the seed's reply. The protocol has no framing
 * (that is lab 07): the end of a message is the end of its direction of the
 * stream.
 *
 *   client: connect, write the request, shutdown(SHUT_WR), read until EOF
 *   server: accept, read until EOF (at most a cap), write the reply, close
 *
 * Every function returns -1 and leaves errno set on failure; none prints or
 * exits. Both labs/02-bind-listen-accept (the starter) and
 * solutions/02-bind-listen-accept (the reference) implement this header. */
#ifndef CONTRACT_BIND_LISTEN_ACCEPT_H
#define CONTRACT_BIND_LISTEN_ACCEPT_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* The seed's two messages, as exact bytes: 23 and 15 bytes, no terminating
 * zero and no padding on the wire (the seed's flaw 1 padded both to 1024).
 * The request is UTF-8: the character after "sended " takes three bytes. */
#define BLA_REQUEST "the message sended \xe6\x88\xb7!"
#define BLA_REPLY "it's ddddddddd!"
#define BLA_REQUEST_LEN (sizeof(BLA_REQUEST) - 1)
#define BLA_REPLY_LEN (sizeof(BLA_REPLY) - 1)

/* The largest request the server accepts; a longer one is an error for
 * that client only. */
#define BLA_REQUEST_MAX 4096

/* The client program's exit statuses (client_main.c). The two connect
 * failures get their own status so that a script can tell them apart. */
#define BLA_CLIENT_EXIT_OK 0
#define BLA_CLIENT_EXIT_FAILED 1  /* any other failure */
#define BLA_CLIENT_EXIT_USAGE 2   /* bad command line */
#define BLA_CLIENT_EXIT_NOENT 3   /* ENOENT: no socket file at the path */
#define BLA_CLIENT_EXIT_REFUSED 4 /* ECONNREFUSED: a file, nobody listens */

/* Fills *addr with the pathname address of path and *len with its exact
 * length: offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1, the
 * terminating zero included. A path of 107 bytes fits (length 110).
 *
 * Returns 0, or -1 with errno:
 *   EINVAL        path is NULL or empty;
 *   ENAMETOOLONG  strlen(path) >= sizeof(addr->sun_path) (108): the path
 *                 and its zero do not fit. Never truncates.
 * On failure *addr and *len are left untouched. */
int unix_path_address(const char *path, struct sockaddr_un *addr,
		      socklen_t *len);

/* Creates a SOCK_STREAM socket bound to path and listening with backlog
 * (passed to listen() unchanged).
 *
 * When bind() fails with EADDRINUSE the file at path is checked before
 * anything is removed: if it is a socket file, a probe connect() to it
 * tells a live server (connect succeeds, or EAGAIN: its backlog is full)
 * from a stale file (ECONNREFUSED: nobody listens). Only a stale socket
 * file is unlinked, after which bind() is tried once more.
 *
 * Returns the listening fd, or -1 with errno (all fds closed, errno kept):
 *   EINVAL, ENAMETOOLONG  from unix_path_address();
 *   EADDRINUSE  a live server listens at path (its file is left alone),
 *               or path names something that is not a socket, or another
 *               server took the name between the unlink and the bind;
 *   EACCES, ENOENT, ...   from socket(), bind(), the probe or listen(). */
int server_open(const char *path, int backlog);

/* Accepts one client on listen_fd, reads its request until EOF into
 * request (at most cap bytes), sends BLA_REPLY, and closes the client's
 * connection in every case. EINTR is retried. A client that leaves early
 * must not kill the caller: the reply is sent with MSG_NOSIGNAL.
 *
 * Returns the request's length (0 to cap), or -1 with errno:
 *   EBADF, EINVAL, ENOTSOCK  listen_fd is not a listening socket: the
 *                 caller cannot go on;
 *   EMSGSIZE      the request was longer than cap (no reply was sent);
 *   EPIPE, ECONNRESET  the client left before the reply;
 *   EMFILE, ENFILE, ENOMEM, ...  from accept() or read().
 * Apart from the first group, an error concerns that one client, and the
 * caller's accept loop goes on. */
ssize_t server_serve_one(int listen_fd, char *request, size_t cap);

/* Connects to the server at path, sends the len bytes of msg, shuts down
 * its sending direction (the server's end of request), and reads the reply
 * until EOF into reply (at most cap bytes). The socket is closed in every
 * case.
 *
 * Returns the reply's length (0 when the server closed without replying),
 * or -1 with errno:
 *   EINVAL, ENAMETOOLONG  from unix_path_address();
 *   ENOENT        no file at path (no server was ever started there, or
 *                 it removed its file);
 *   ECONNREFUSED  a file exists at path but nobody listens (a stale socket
 *                 file, or not a socket at all);
 *   EACCES        no write permission on the socket file;
 *   EPIPE, ECONNRESET  the server closed the connection early;
 *   EMSGSIZE      the reply was longer than cap. */
ssize_t client_request(const char *path, const void *msg, size_t len,
		       char *reply, size_t cap);

#endif
