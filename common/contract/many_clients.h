/* many_clients.h: lab 08's contract, one server serving many clients at
 * once with poll().
 *
 * The seed's daemon served one client at a time: it blocked in accept()
 * for the next client and in read() on the current one, and rebuilt its
 * listening socket, backlog 1, whenever its client left (flaw 6). This
 * server holds up to MC_MAX_CLIENTS connections and serves them all from
 * one thread, one loop around poll(): every socket is non-blocking, the
 * server only reads a client that poll() reported readable and only
 * writes what the kernel takes without waiting, and every client has
 * buffers of its own for the part of a line that has arrived and for the
 * replies that could not be sent yet. A client that sends nothing, or one
 * that never reads its replies, costs the others nothing.
 *
 * The protocol is text, one request per line ending in '\n' (at most
 * MC_LINE_MAX bytes with the '\n'). Each request gets one reply line:
 *
 *   client -> server   <text>\n
 *   server -> client   OK <n> <text>\n      n = 1, 2, 3, ... per connection
 *
 * e.g. "hello\n" then "again\n" get "OK 1 hello\n" and "OK 2 again\n".
 * The count n is the connection's own: it proves that the server keeps
 * every client's state apart. A line longer than MC_LINE_MAX is an error
 * for that client only: the server closes its connection.
 *
 * Files of the lab: nonblock.c, listen.c, accept.c, conn.c and server.c
 * are yours (every function marked TODO(lab08)); server_main.c and the
 * test client client_main.c are given.
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise; none prints (except to the log stream it is
 * given) or exits. */
#ifndef CONTRACT_MANY_CLIENTS_H
#define CONTRACT_MANY_CLIENTS_H

#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The longest request line, its '\n' included: the size of a client's
 * input buffer. */
#define MC_LINE_MAX 256
/* The longest reply line: "OK ", up to 20 digits, ' ', the request's
 * text (at most MC_LINE_MAX - 1 bytes) and '\n'. */
#define MC_REPLY_MAX (MC_LINE_MAX + 24)
/* A client's output buffer: replies waiting for room in its socket. */
#define MC_OUT_MAX 16384
/* The most clients the server holds at once. */
#define MC_MAX_CLIENTS 1024
/* The program's default listen() backlog: room for a burst of clients
 * that connect while the server is busy. */
#define MC_BACKLOG 128

/* ---- nonblock.c ------------------------------------------------------- */

/* Makes fd non-blocking: sets O_NONBLOCK among the file status flags and
 * keeps every other flag as it was (O_APPEND, O_ASYNC, ...): read them
 * with fcntl(F_GETFL) and write them back with O_NONBLOCK added.
 * Returns 0 (also when fd was non-blocking already), or -1 with errno
 * (EBADF: fd is not open). */
int mc_set_nonblocking(int fd);

/* ---- listen.c ----------------------------------------------------------- */

/* Creates a non-blocking SOCK_STREAM socket (SOCK_NONBLOCK | SOCK_CLOEXEC)
 * bound to path with the exact address length
 * offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1, and listening
 * with backlog, passed to listen() unchanged: the kernel queues that many
 * connections (plus one) that the server has not accepted yet, and
 * refuses more (a non-blocking connect() gets EAGAIN). A stale socket file
 * at path is replaced, a live server's name is never taken (lab 02: on
 * EADDRINUSE, probe with connect() and unlink only on ECONNREFUSED).
 * Returns the listening fd, or -1 with errno (all fds closed): EINVAL
 * (path NULL or ""), ENAMETOOLONG (108 bytes or more), EADDRINUSE (a live
 * server there, or not a socket file), EACCES, ... */
int mc_listen(const char *path, int backlog);

/* ---- accept.c ------------------------------------------------------------- */

/* Accepts every connection waiting on the non-blocking listening socket
 * lfd, up to max: accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)
 * again and again until it fails with EAGAIN (nobody is waiting: the
 * queue is drained) or max fds are stored in fds. poll() reports the
 * listener readable once for a whole burst of connections, so one
 * accept() per wake-up would leave the rest of the burst waiting for
 * later rounds. EINTR and ECONNABORTED (a client that left while queued)
 * are skipped. Every fd returned is non-blocking and close-on-exec.
 * Returns the number of fds stored (0 when nobody was waiting), or -1
 * with errno when the first accept fails otherwise: EMFILE, ENFILE (out
 * of descriptors: the connection stays queued), ENOBUFS, ENOMEM, EBADF,
 * EINVAL (lfd is not listening), ... When such an error comes after some
 * successes, the count is returned and the error comes back on the next
 * call. */
int mc_accept_burst(int lfd, int *fds, size_t max);

/* ---- conn.c: one client's state ----------------------------------------- */

/* One connected client. in[0..in_len) holds bytes received and not yet
 * answered: complete lines, and the start of the next one. out[out_off..
 * out_len) holds replies not yet sent: a send() may take only part of
 * them, or nothing (EAGAIN) while the client does not read. */
struct mc_conn {
	int fd;                  /* the connected socket, non-blocking */
	unsigned long id;        /* 1, 2, 3, ...: the order of accept */
	unsigned long answered;  /* requests answered on this connection */
	int eof;                 /* 1 once read() returned 0 */
	size_t in_len;
	char in[MC_LINE_MAX];
	size_t out_off, out_len;
	char out[MC_OUT_MAX];
};

/* Starts c for fd: nothing buffered, nothing answered, no EOF. */
void mc_conn_init(struct mc_conn *c, int fd, unsigned long id);

/* One read() into the free end of in (again on EINTR). Returns the bytes
 * read (> 0), 0 at EOF (c->eof becomes 1; the bytes already held stay),
 * or -1 with errno: EAGAIN (nothing to read now: not an error for the
 * client), ECONNRESET, ..., and ENOBUFS without reading when in is
 * already full (process the lines first). */
ssize_t mc_conn_read(struct mc_conn *c);

/* Answers the complete lines in in, oldest first: for each, appends
 * "OK <n> <text>\n" to out (n = ++c->answered, text = the line without
 * its '\n') and removes the line from in, keeping what follows. A reply
 * is added only when it fits whole in out; when it does not fit at the
 * end, the pending bytes out[out_off..out_len) are first moved to the
 * start of out. When it does not fit even then, processing stops and the
 * line stays in in, to be answered once some output has been sent: this
 * bounds the memory a client that never reads can take.
 * Returns the number of lines answered (0 when none was complete or out
 * had no room), or -1 with EMSGSIZE when in is full and holds no '\n' (a
 * line longer than MC_LINE_MAX). */
int mc_conn_process(struct mc_conn *c);

/* Sends the pending output out[out_off..out_len) with send(...,
 * MSG_NOSIGNAL) until all of it is sent or the socket is full: a short
 * count means "send the rest later", EAGAIN "nothing more now"; the
 * unsent rest stays pending, exactly, to be sent by a later call. EINTR
 * is retried. When everything is sent, out_off = out_len = 0.
 * Returns the number of bytes sent by this call (0 when the socket was
 * full or nothing was pending), or -1 with errno: EPIPE, ECONNRESET (the
 * client has gone; never SIGPIPE), ... */
ssize_t mc_conn_flush(struct mc_conn *c);

/* The events to ask poll() for on c->fd: POLLIN while no EOF was read
 * and in has room; POLLOUT only while output is pending. Asking POLLOUT
 * with nothing to send makes poll() return at once, for ever (a writable
 * socket is always ready): the server would spin. Returns the mask (0
 * when neither). */
short mc_conn_events(const struct mc_conn *c);

/* Whether the server is done with c: EOF was read, no complete line is
 * waiting in in, and no output is pending. An unfinished line at EOF is
 * dropped. Returns 1 or 0. */
int mc_conn_done(const struct mc_conn *c);

/* ---- server.c: the loop ----------------------------------------------------- */

struct mc_server {
	int lfd;                   /* the listening socket, non-blocking */
	FILE *log;                 /* one line per client event, or NULL */
	unsigned long max_clients; /* accept no more after this many (0: no
				      limit) */
	unsigned long accepted;    /* clients accepted so far */
	int accept_paused;         /* 1 after EMFILE, ENFILE, ENOBUFS or
				      ENOMEM from accept, until a client
				      leaves */
	size_t n;                  /* clients connected: conns[0..n) */
	struct mc_conn *conns[MC_MAX_CLIENTS];       /* malloc'ed */
	struct pollfd pfds[MC_MAX_CLIENTS + 1];      /* [0]: lfd */
};

/* Starts s on the listening socket lfd (not closed by anything here), no
 * client yet. Returns 0, or -1 with EINVAL when lfd < 0. */
int mc_server_init(struct mc_server *s, int lfd, FILE *log,
		   unsigned long max_clients);

/* One round of the loop: one poll() on the listener and every client,
 * waiting at most timeout_ms (-1: no limit), then
 *   - for each client poll() reported: POLLHUP or POLLERR (the client
 *     hung up or broke) or POLLNVAL: drop it; POLLIN: mc_conn_read() once
 *     (EAGAIN: nothing, not an error); then answer with mc_conn_process()
 *     and mc_conn_flush() (try to send at once, whether POLLOUT was
 *     reported or not), and again as long as the send took something
 *     (it freed room for the replies to lines still waiting in in);
 *     drop the client on any error (EMSGSIZE, EPIPE, ECONNRESET, ...)
 *     and once mc_conn_done();
 *   - when the listener is readable: mc_accept_burst() into the free
 *     slots (and no more than max_clients in all); each new client gets
 *     a malloc'ed struct mc_conn with id = ++accepted.
 * The listener is polled for POLLIN only while there is room: fewer than
 * MC_MAX_CLIENTS connected, max_clients not reached, accept not paused.
 * Nothing in a round blocks except poll() itself.
 * Returns 0 (also when poll() timed out or was interrupted: EINTR), or -1
 * with errno when poll() fails otherwise or accept fails with an error
 * other than EMFILE, ENFILE, ENOBUFS and ENOMEM (which pause accepting
 * until a client leaves). A client's failure only ends that client. */
int mc_server_step(struct mc_server *s, int timeout_ms);

/* Drops client i (0 <= i < s->n): closes its fd, frees it, logs
 * "client <id> left: <why>" when s->log is set, moves the last client
 * into slot i (s->n shrinks by one) and resumes accepting
 * (accept_paused = 0). */
void mc_server_drop(struct mc_server *s, size_t i, const char *why);

/* Runs mc_server_step(s, -1) until max_clients clients have been accepted
 * and have all left (never when max_clients is 0). Returns 0 then, or -1
 * with errno from mc_server_step(). */
int mc_serve(struct mc_server *s);

/* Drops every client still connected. lfd stays open. */
void mc_server_close(struct mc_server *s);

#endif
