/* full_io.h: read and write loops that survive short counts and EINTR.
 *
 * A stream socket may accept or deliver fewer bytes than asked, and a
 * signal may interrupt a blocked call; lab 07 teaches why and has students
 * write these loops themselves. Earlier labs and the tests use these. */
#ifndef COMMON_FULL_IO_H
#define COMMON_FULL_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes unless an error occurs. Returns len, or -1 with errno
 * set (bytes already written are lost to the caller: use it where an error
 * ends the exchange anyway). EINTR is retried. Uses send(MSG_NOSIGNAL) on
 * sockets so that a closed peer gives EPIPE instead of killing the process,
 * and write() on anything else. */
ssize_t write_full(int fd, const void *buf, size_t len);

/* Reads until len bytes arrived or EOF. Returns the count read (less than
 * len only at EOF), or -1 with errno set. EINTR is retried. */
ssize_t read_full(int fd, void *buf, size_t len);

/* Reads until EOF into a buffer it grows, at most max bytes (more is an
 * error: EFBIG). On success *out is a malloc'ed, NUL-terminated buffer of
 * *out_len bytes (the NUL not counted), and the result is 0; else -1. */
int read_all(int fd, size_t max, char **out, size_t *out_len);

#endif
