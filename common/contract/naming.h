/* naming.h: lab 03's contract, the three ways to name a UNIX socket.
 *
 * A UNIX domain socket is named by a struct sockaddr_un and a length, and
 * the length is part of the name:
 *
 *   "/path"  a pathname: a file in the filesystem. The length counts the
 *            family, the path and its terminating zero.
 *   "@name"  an abstract name: sun_path[0] is a zero byte and the name is
 *            exactly the bytes the length covers after it, no terminator.
 *            Nothing appears in the filesystem.
 *   "@"      autobind: the address holds only sun_family, and bind() asks
 *            the kernel to choose an abstract name (a zero byte and five
 *            hex digits).
 *
 * The text forms above are what the programs take on their command line
 * and what they print: the same notation /proc/net/unix and `ss -x` use.
 *
 * Every function returns -1 and leaves errno set on failure (closing a
 * socket on the way out must not overwrite it); none prints or exits. Both
 * labs/03-naming (the starter) and solutions/03-naming (the reference)
 * implement this header. */
#ifndef CONTRACT_NAMING_H
#define CONTRACT_NAMING_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* Room for the text of any name and its terminating zero: a path of up to
 * 108 bytes (the kernel reports one that filled sun_path without a zero),
 * or '@' and an abstract name of up to 107 bytes. */
#define NAMING_TEXT_MAX 110

/* The exit statuses of the namecli program (namecli_main.c). The connect
 * failures that mean different things get a status each. */
#define NAMING_CLI_EXIT_OK 0
#define NAMING_CLI_EXIT_FAILED 1  /* any other failure */
#define NAMING_CLI_EXIT_USAGE 2   /* bad command line */
#define NAMING_CLI_EXIT_NOENT 3   /* ENOENT: no file at the path */
#define NAMING_CLI_EXIT_REFUSED 4 /* ECONNREFUSED: nobody listens there */
#define NAMING_CLI_EXIT_ACCES 5   /* EACCES: the file's mode forbids it */

/* Builds the address named by text, with its exact length:
 *
 *   "/path" (any text not starting with '@'): sun_path holds the path and
 *       its zero; *len = offsetof(struct sockaddr_un, sun_path) + n + 1
 *       for a path of n bytes. The longest path that fits is 107 bytes.
 *   "@name": sun_path[0] = 0, then the n bytes of the name and nothing
 *       more; *len = offsetof(struct sockaddr_un, sun_path) + 1 + n. No
 *       byte after the name is counted: the kernel would take any zeros
 *       the length covers as part of the name. The longest name is 107
 *       bytes (length 110).
 *   "@": autobind; only sun_family is set; *len = sizeof(sa_family_t).
 *
 * The bytes of *addr that the length does not cover are zero.
 *
 * Returns 0, or -1 with errno:
 *   EINVAL        text, addr or len is NULL, or text is "";
 *   ENAMETOOLONG  a path of 108 bytes or more, or an abstract name of 108
 *                 bytes or more. Never truncates.
 * On failure *addr and *len are left untouched. */
int unix_address(const char *text, struct sockaddr_un *addr, socklen_t *len);

/* The way back: writes the text of the address (addr, len) into buf, as
 * /proc/net/unix and `ss -x` show it, and returns its length (the zero
 * written after it not counted).
 *
 *   len == sizeof(sa_family_t): an unnamed socket (unbound, or one end of
 *       a socketpair): the empty text "".
 *   sun_path[0] != 0: a pathname: the bytes up to the first zero, or up to
 *       the end of the length when there is no zero (a 108-byte path).
 *   sun_path[0] == 0: an abstract name: '@' and then every byte the length
 *       covers after the leading zero, with each zero byte among them
 *       shown as '@' (so a name bound with sizeof(struct sockaddr_un)
 *       shows as "@name@@@@..."). An autobound name gives "@" and its five
 *       hex digits, e.g. "@00a3f".
 *
 * A len above sizeof(struct sockaddr_un) is taken as sizeof(struct
 * sockaddr_un): getsockname() reports the full length of an address it
 * could not fit (111 for a 108-byte path) and copies only what fits.
 *
 * Returns the length of the text, or -1 with errno:
 *   EINVAL  addr or buf is NULL, len < sizeof(sa_family_t), or
 *           sun_family is not AF_UNIX;
 *   ERANGE  the text and its zero do not fit in cap bytes (buf is then
 *           left untouched). */
int unix_address_text(const struct sockaddr_un *addr, socklen_t len,
		      char *buf, size_t cap);

/* The name of a socket as text: its own (getsockname(), peer == 0) or its
 * peer's (getpeername(), peer == 1), through unix_address_text(). For an
 * accepted connection the own name is the listener's name; a client that
 * never bound shows as "". Returns the text's length, or -1 with errno:
 *   EBADF, ENOTSOCK  fd is not a socket;
 *   ENOTCONN         peer == 1 and fd is not connected;
 *   EINVAL           fd is not an AF_UNIX socket, or peer is not 0 or 1;
 *   ERANGE           as for unix_address_text(). */
int unix_socket_name(int fd, int peer, char *buf, size_t cap);

/* Creates a SOCK_STREAM socket bound to the address named by text (see
 * unix_address(): "/path", "@name", or "@" to let the kernel choose), with
 * the exact length, and listening with backlog (passed on unchanged).
 *
 * Nothing is ever removed: a path where a file already exists, even the
 * file a dead server left behind, gives EADDRINUSE (that is the lesson:
 * a path outlives its socket, an abstract name does not).
 *
 * Returns the listening fd, or -1 with errno (every fd closed):
 *   EINVAL, ENAMETOOLONG  from unix_address() (nothing was created);
 *   EADDRINUSE   the name is taken: a file at the path, or a socket still
 *                open somewhere holding the abstract name;
 *   EACCES, ENOENT, ...   from socket(), bind() or listen(). */
int naming_listen(const char *text, int backlog);

/* Creates a SOCK_STREAM socket and connects it to the server named by text
 * ("/path" or "@name"), with the exact length. When autobind is 1 the
 * socket is first bound with the autobind address (length
 * sizeof(sa_family_t)), so that the server sees a name for its peer.
 *
 * Returns the connected fd, or -1 with errno (the socket closed):
 *   EINVAL, ENAMETOOLONG  from unix_address(), or text is "@" (autobind
 *                 names no server);
 *   ENOENT        no file at the path;
 *   ECONNREFUSED  nobody listens on that name (for an abstract name: no
 *                 socket has exactly that name; for a path: a file
 *                 nobody listens on);
 *   EACCES        no write permission on the socket file (or no search
 *                 permission on a directory on the way). */
int naming_connect(const char *text, int autobind);

#endif
