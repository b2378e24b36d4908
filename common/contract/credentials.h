/* credentials.h: lab 09's contract, who is on the other end of a UNIX
 * socket, who may reach it, and handing an open file to another process.
 *
 * Three things only a UNIX domain socket can do, because both ends run on
 * the same kernel:
 *
 *   - SO_PEERCRED: the kernel tells a server the pid, uid and gid of the
 *     process that connected (captured at connect()), and a client those
 *     of the process that called listen(). Nothing the peer writes can
 *     change them; what the peer SAYS about itself can be any lie.
 *   - A socket file is a file: its mode and the modes of the directories
 *     above it decide who may connect(). The mode must be right from the
 *     moment bind() creates the file (umask or fchmod before bind(), never
 *     a chmod() after it). An abstract name has no file, hence no mode:
 *     anybody may connect, and SO_PEERCRED is the only guard.
 *   - SCM_RIGHTS: a process can send an open descriptor; the receiver gets
 *     a new descriptor for the same open file (same offset, same access
 *     mode), even for a file it could never open() itself.
 *
 * The lab's protocol is text, one line per message ending in '\n' (at most
 * CRED_LINE_MAX bytes with it):
 *
 *   client -> server  HELLO <uid>                  first line: the uid the
 *                                                  client CLAIMS to have
 *   server -> client  WELCOME uid=U gid=G pid=P    U, G, P: SO_PEERCRED's
 *               or    DENIED uid=U                 then the server closes
 *   client -> server  GET                          after WELCOME, any number
 *   server -> client  FILE                         with the descriptor of
 *                                                  the server's file attached
 *               or    NOFILE <reason>              no descriptor attached
 *
 * The server decides with the kernel's uid only; the claimed uid is
 * recorded (and logged) and otherwise ignored.
 *
 * Files of the lab: listen.c, peer.c, pass.c, serve.c and client.c are
 * yours (every function marked TODO(lab09)). address.c and proto.c are
 * given complete, like the programs' *_main.c files.
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise, closes what it opened on failure without losing
 * errno, and never prints or exits. Both labs/09-credentials (the starter)
 * and solutions/09-credentials (the reference) implement this header. */
#ifndef CONTRACT_CREDENTIALS_H
#define CONTRACT_CREDENTIALS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* The longest line of the protocol, its '\n' included. */
#define CRED_LINE_MAX 128
/* The most uids a policy lists. */
#define CRED_ALLOW_MAX 16

/* The credcli program's exit statuses (credcli_main.c). */
#define CRED_CLI_EXIT_OK 0
#define CRED_CLI_EXIT_FAILED 1       /* any other failure */
#define CRED_CLI_EXIT_USAGE 2        /* bad command line */
#define CRED_CLI_EXIT_NOENT 3        /* connect: ENOENT, no file at the path */
#define CRED_CLI_EXIT_REFUSED 4      /* connect: ECONNREFUSED */
#define CRED_CLI_EXIT_ACCES 5        /* connect: EACCES, the file's mode or a
					directory's forbids it */
#define CRED_CLI_EXIT_DENIED 6       /* the server answered DENIED */
#define CRED_CLI_EXIT_WRONG_SERVER 7 /* --server-uid: the process listening
					there runs as another uid */
#define CRED_CLI_EXIT_NO_FD 8        /* a reply to GET carried no descriptor */

/* ---- address.c (given): names and a plain client connection ------------ */

/* Fills *addr and *len for "/path" or "@name" with the exact length, as
 * in lab 03. Returns 0, or -1 with EINVAL (NULL, "", "@" alone) or
 * ENAMETOOLONG (does not fit in sun_path). */
int cred_address(const char *text, struct sockaddr_un *addr, socklen_t *len);

/* A SOCK_STREAM socket (SOCK_CLOEXEC) connected to the server named by
 * text. Returns the fd, or -1 with errno from cred_address(), socket() or
 * connect(), unchanged (ENOENT, ECONNREFUSED, EACCES, ...). */
int cred_connect(const char *text);

/* ---- proto.c (given): lines ------------------------------------------- */

/* Reads one line from fd with read(), one byte at a time, so that nothing
 * after the '\n' is taken from the socket (the next message may carry a
 * descriptor, which a plain read() would throw away). Copies the line
 * without its '\n', followed by a zero, into line.
 * Returns the number of bytes taken from fd, the '\n' included (>= 1);
 * 0 at EOF before the first byte (the peer closed); or -1 with errno:
 * EPROTO (EOF inside a line), EMSGSIZE (the line does not fit in cap, or
 * is longer than CRED_LINE_MAX), EINVAL (line NULL or cap 0), or read()'s
 * errno (EAGAIN after SO_RCVTIMEO, ECONNRESET, ...). EINTR is retried. */
ssize_t cred_read_line(int fd, char *line, size_t cap);

/* Parses "HELLO <uid>" (a line without its '\n'; the uid a decimal from 0
 * to 4294967294, digits only) into *claim. Returns 0, or -1 with EPROTO. */
int cred_parse_hello(const char *line, long *claim);

/* ---- peer.c: who is on the other end ----------------------------------- */

/* The credentials the kernel holds for fd's peer (SO_PEERCRED, level
 * SOL_SOCKET, into a struct ucred): for a connected socket, the process
 * that called connect() or socketpair(), as it was at that moment; for
 * the client's socket, the process that called listen() on the server's.
 * Returns 0 with *out filled, or -1 with errno:
 *   EINVAL    out is NULL;
 *   EBADF     fd is not open;  ENOTSOCK  fd is not a socket;
 *   ENOTCONN  the socket has no peer credentials (not connected, or not
 *             a UNIX socket: the kernel answers pid 0 and uid -1 then). */
int cred_peer(int fd, struct ucred *out);

/* Who may use the server: a list of uids. */
struct cred_policy {
	uid_t allow[CRED_ALLOW_MAX];
	size_t n;
};

/* 1 when uid is one of p's n uids, else 0 (also for a NULL p or n == 0:
 * a policy that lists nobody admits nobody). Never fails. */
int cred_permits(const struct cred_policy *p, uid_t uid);

/* ---- listen.c: a listener whose file has the right mode from birth ------ */

/* Creates a SOCK_STREAM socket (SOCK_CLOEXEC) bound to text ("/path" or
 * "@name") and listening with backlog. For a path the socket file has
 * exactly the permission bits mode from the moment bind() creates it,
 * whatever the process's umask: set the umask to ~mode & 0777 for the
 * bind() and put the old one back right after it (or, on Linux, fchmod()
 * the socket before bind(), which the umask still masks). Never a chmod()
 * after bind(): between the two calls the file exists with the umask's
 * mode and anyone it allows can connect. The process's umask is the same
 * after the call as before, success or failure. For "@name" mode is not
 * used: an abstract name has no file and no mode.
 * Nothing is removed: an existing file at the path gives EADDRINUSE.
 * Returns the listening fd, or -1 with errno (nothing left open):
 *   EINVAL        text NULL, "", "@", or mode has bits outside 0777;
 *   ENAMETOOLONG  text does not fit in sun_path;
 *   EADDRINUSE    something exists at the path, or the abstract name is
 *                 held by an open socket;
 *   EACCES, ENOENT  no write or search permission on the directory, or
 *                 no such directory. */
int cred_listen(const char *text, mode_t mode, int backlog);

/* ---- pass.c: descriptors through a socket (SCM_RIGHTS) ------------------- */

/* Sends the len bytes of buf (1 <= len <= CRED_LINE_MAX) in one sendmsg()
 * with MSG_NOSIGNAL, and with them one control message: level SOL_SOCKET,
 * type SCM_RIGHTS, cmsg_len = CMSG_LEN(sizeof(int)), holding fd. The
 * control buffer is CMSG_SPACE(sizeof(int)) bytes, aligned for a struct
 * cmsghdr. On a stream socket the descriptor travels with those bytes: at
 * least one byte must go, or nothing carries it. fd stays open here (the
 * receiver gets a new descriptor; close yours when you no longer need it).
 * EINTR is retried. Returns 0 when all len bytes went, or -1 with errno:
 *   EINVAL    buf NULL, len 0 or len > CRED_LINE_MAX;
 *   EBADF     fd is not an open descriptor (sendmsg() says so);
 *   EIO       only some of the bytes went (a short count);
 *   EPIPE, ECONNRESET, EAGAIN (SO_SNDTIMEO), ... from sendmsg(). */
int fd_send(int sock, int fd, const void *buf, size_t len);

/* Receives one message with recvmsg() into buf (at most cap bytes) and
 * the descriptor that came with it, with MSG_CMSG_CLOEXEC so that the new
 * descriptor has FD_CLOEXEC. The control buffer has room for one
 * descriptor at least (CMSG_SPACE(sizeof(int)), aligned); control messages
 * of other types (SCM_CREDENTIALS) are skipped.
 * Returns:
 *   n > 0  the number of bytes, with *fd_out the new descriptor (>= 0);
 *   0      at EOF (the peer closed), with *fd_out = -1;
 *   -1     with errno, *fd_out = -1 and no new descriptor left open:
 *     ENOMSG    bytes came without any descriptor (they are consumed, and
 *               in buf, but the message is not what was expected);
 *     EMSGSIZE  more than one descriptor came, or msg_flags has MSG_CTRUNC
 *               (the control buffer was too small: the kernel closed the
 *               descriptors that did not fit); every one received is
 *               closed here;
 *     EINVAL    buf or fd_out NULL, or cap 0;
 *     recvmsg()'s errno (EAGAIN after SO_RCVTIMEO, ECONNRESET, ...).
 * EINTR is retried. */
ssize_t fd_recv(int sock, void *buf, size_t cap, int *fd_out);

/* ---- serve.c: one client, from HELLO to EOF ---------------------------- */

/* What the server learnt about one client. */
struct cred_verdict {
	pid_t pid;         /* from SO_PEERCRED */
	uid_t uid;
	gid_t gid;
	long claim;        /* the uid in its HELLO, -1 before one was read */
	int allowed;       /* 1 when the policy admitted the kernel's uid */
	unsigned files;    /* descriptors passed with FILE */
};

/* Serves one client on the connected socket cfd (not closed here):
 *   1. v's pid, uid, gid from cred_peer(cfd) (the kernel's word);
 *   2. reads the first line with cred_read_line(): it must be a HELLO
 *      (cred_parse_hello), whose uid goes to v->claim and decides nothing;
 *   3. when cred_permits(p, v->uid), replies "WELCOME uid=U gid=G pid=P\n"
 *      with the kernel's values; else replies "DENIED uid=U\n" and returns
 *      0 at once (the HELLO was read, so the close that follows is a clean
 *      EOF for the client, not ECONNRESET);
 *   4. then answers each "GET" line until EOF: opens file (O_RDONLY |
 *      O_CLOEXEC) afresh, so that every client starts at offset 0, sends
 *      "FILE\n" with that descriptor attached (fd_send), closes its own
 *      copy at once, and counts it in v->files; with file NULL, or when
 *      open() fails, it replies "NOFILE <errno name>\n" ("NOFILE none\n"
 *      for NULL) with write_full() and no descriptor.
 * Replies go out whole (write_full() for plain lines).
 * Returns 1 after a welcomed client's EOF, 0 after DENIED, or -1 with
 * errno (v holds what was learnt so far): EPROTO (the first line is not a
 * HELLO, a later line is not GET, or EOF inside a line), EMSGSIZE (a line
 * too long), ECONNRESET (EOF before the HELLO counts as that too), EPIPE,
 * EAGAIN (the client was silent past SO_RCVTIMEO), ENOTCONN (no
 * credentials), EINVAL (p or v NULL). */
int cred_serve(int cfd, const struct cred_policy *p, const char *file,
	       struct cred_verdict *v);

/* ---- client.c: the client's side -------------------------------------- */

/* Sends "HELLO <claim>\n" (claim: 0 to 4294967294) on fd with
 * write_full(), then reads the reply line with cred_read_line() into
 * reply (without its '\n'). Returns 1 for a line starting "WELCOME ", 0
 * for one starting "DENIED ", or -1 with errno: EPROTO (another reply),
 * ECONNRESET (EOF before a reply), EINVAL (claim out of range, reply NULL
 * or cap 0), EMSGSIZE, or the errno of the write or the read. */
int cred_hello(int fd, long claim, char *reply, size_t cap);

/* Sends "GET\n" on fd and receives the reply with fd_recv(). Returns 0
 * with *file_fd the descriptor that came with "FILE\n" (FD_CLOEXEC; yours
 * to read and close), or -1 with errno and *file_fd = -1, nothing left
 * open: ENOMSG (the reply carried no descriptor: a NOFILE), EMSGSIZE
 * (more than one descriptor), EPROTO (a descriptor came with bytes other
 * than "FILE\n": it is closed), ECONNRESET (EOF), EINVAL (file_fd NULL),
 * or the errno of the write or the read. */
int cred_fetch(int fd, int *file_fd);

#endif
