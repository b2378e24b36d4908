/* reconnect.h: lab 05's contract, the seed's daemon and application rebuilt
 * so that they survive each other's death.
 *
 * The application (app) sends the seed's message once per tick to the
 * daemon over a UNIX stream socket at a path; the daemon answers each one
 * with the seed's reply. Unlike the seed, the app is not killed by SIGPIPE
 * when the daemon dies, reconnects with capped exponential backoff and
 * jitter, and resends what the daemon never acknowledged; the daemon keeps
 * its listening socket, never steals a live daemon's name, and discards
 * duplicates by sequence number, so that no message is lost or counted
 * twice across a restart.
 *
 * The protocol is text, one message per line ending in '\n' (at most
 * RC_LINE_MAX bytes with the '\n'):
 *
 *   app    -> daemon  HELLO <session>        first line of every connection
 *   app    -> daemon  MSG <seq> <text>       seq = 1, 2, 3, ... per session
 *   daemon -> app     ACK <seq> <text>       one per MSG, new or duplicate
 *
 * e.g. "MSG 7 the message sended 户!\n" and "ACK 7 it's ddddddddd!\n".
 * The session is a token the app draws at start; a daemon that sees a new
 * session starts counting again. An ACK for seq n tells the app that every
 * message up to n has been recorded (the daemon handles lines in order).
 *
 * Files of the lab: backoff.c, connect.c, lines.c, dedup.c, daemon.c and
 * app.c are yours (every function marked TODO(lab05)). rng.c, proto.c and
 * journal.c are given complete, like the programs' *_main.c files and the
 * two seed programs, which rebuild the seed's flaws on purpose.
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise; none exits, and only daemon_loop() and app_run()
 * write to the log stream they are given. */
#ifndef CONTRACT_RECONNECT_H
#define CONTRACT_RECONNECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* The seed's two messages, as exact UTF-8 bytes (no padding). */
#define RC_MESSAGE "the message sended \xe6\x88\xb7!"
#define RC_REPLY "it's ddddddddd!"

/* The longest line on the wire, its '\n' included. */
#define RC_LINE_MAX 256
/* The longest session token: 1 to 32 bytes of [0-9A-Za-z_-]. */
#define RC_SESSION_MAX 32
/* The app keeps at most this many messages unacknowledged; while the
 * window is full it produces no new message at a tick. */
#define RC_WINDOW 64

/* What the daemon writes to its log (stdout), one line per message, each
 * line starting with one of these: "accepted seq N: <text>" for a new
 * message, after it was recorded in the journal; "duplicate seq N
 * discarded" for one it had already accepted. The checks read these two
 * forms; other lines are free. */
#define RC_LOG_ACCEPTED "accepted seq %lu: %s"
#define RC_LOG_DUPLICATE "duplicate seq %lu discarded"

/* ---- rng.c (given): a small seeded generator, so that tests can replay
 * the jitter exactly --------------------------------------------------- */

struct rng {
	uint64_t state;
};

/* Starts the sequence of seed (any value, 0 included). */
void rng_seed(struct rng *r, uint64_t seed);
/* The next 64 random bits (splitmix64). */
uint64_t rng_next(struct rng *r);
/* The next number uniformly distributed in [0, 1). */
double rng_unit(struct rng *r);

/* ---- backoff.c: how long to wait before the next connect attempt ------- */

struct backoff {
	unsigned base_ms;  /* the first delay, before jitter */
	unsigned cap_ms;   /* no delay is ever longer */
	double jitter;     /* relative spread j, 0 <= j < 1 */
	unsigned attempt;  /* k: delays handed out since init or reset */
};

/* Sets up b: the k-th delay (k = 0, 1, 2, ...) is nominal(k) =
 * min(base_ms * 2^k, cap_ms), spread by jitter.
 * Returns 0, or -1 with EINVAL when base_ms is 0, cap_ms < base_ms, or
 * jitter is not in [0, 1). */
int backoff_init(struct backoff *b, unsigned base_ms, unsigned cap_ms,
		 double jitter);

/* The next delay in milliseconds, then k grows by one (it may stop growing
 * once nominal(k) has reached the cap). The delay is
 * nominal(k) * (1 + j * u), u = 2 * rng_unit(rng) - 1 (so u is in
 * [-1, 1)), then limited to cap_ms and rounded to the nearest integer:
 * always in [nominal(k) * (1 - j), min(nominal(k) * (1 + j), cap_ms)],
 * never above cap_ms, and it must not overflow however many attempts
 * fail. It draws exactly one number from rng per call.
 * Returns the delay (>= 0), or -1 with EINVAL when b or rng is NULL. */
long backoff_next(struct backoff *b, struct rng *rng);

/* After a successful connection: the next delay is nominal(0) again. */
void backoff_reset(struct backoff *b);

/* ---- connect.c: one connect attempt, and what to do after a failure ----- */

/* Whether a connect() that failed with err is worth trying again later:
 * 1 for ENOENT (no socket file yet: the daemon is restarting),
 * ECONNREFUSED (a file, nobody listening: it died or has not listened
 * yet), EAGAIN (its backlog is full) and EINTR; 0 for everything else,
 * in particular EACCES, EPROTOTYPE and ENAMETOOLONG, which no amount of
 * waiting repairs. Returns 1 or 0 (never -1 for a real errno value). */
int connect_retryable(int err);

/* One connect attempt to the daemon at path, on a NEW socket every call
 * (POSIX leaves a socket's state unspecified after a failed connect(), and
 * on Linux a stream socket that was connected once can never connect
 * again: EISCONN). The address has the exact length
 * offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1. When
 * timeout_ms > 0, SO_SNDTIMEO is set once to that value before connect():
 * it bounds a connect() that waits for room in a full backlog (EAGAIN), and
 * every later send on the socket.
 * Returns the connected fd (SOCK_CLOEXEC), or -1 with errno, the socket
 * closed and nothing leaked: EINVAL (path NULL or ""), ENAMETOOLONG (108
 * bytes or more), or connect()'s own errno, unchanged: ENOENT,
 * ECONNREFUSED, EAGAIN, EACCES, EPROTOTYPE, ... */
int connect_fresh(const char *path, int timeout_ms);

/* ---- lines.c: whole lines over a stream ---------------------------------- */

/* Sends all len bytes of buf, looping over short counts and EINTR, with
 * send(..., MSG_NOSIGNAL): a peer that has gone gives the error EPIPE
 * instead of the signal SIGPIPE, whose default action kills the process.
 * Returns 0, or -1 with errno: EPIPE (the peer closed, or shut down its
 * reading side), ECONNRESET, EAGAIN (SO_SNDTIMEO expired), ... */
int send_line(int fd, const char *buf, size_t len);

/* Collects the bytes of one direction of a stream and cuts them into
 * lines. A read() may return part of a line, or several lines and a
 * part: the reader keeps what it has not handed out yet. */
struct line_reader {
	int fd;
	size_t len;              /* bytes held in buf */
	char buf[RC_LINE_MAX];
};

/* Starts reading fd with nothing buffered. */
void line_reader_init(struct line_reader *r, int fd);

/* One read() into the free end of the buffer (again on EINTR).
 * Returns the number of bytes read (> 0), 0 at EOF (the peer closed or
 * shut down its sending side; bytes of an unfinished line are then
 * dropped), or -1 with errno: EMSGSIZE when the buffer is already full
 * without a '\n' (a line longer than RC_LINE_MAX), ECONNRESET (on a UNIX
 * socket: the peer closed while data we had sent was still unread in its
 * queue), EAGAIN (a timeout or a non-blocking fd), ... */
ssize_t line_reader_fill(struct line_reader *r);

/* Takes the oldest complete line out of the buffer and copies it, without
 * its '\n' and followed by a zero, into line (cap >= RC_LINE_MAX always
 * fits). Returns 1 when it did, 0 when no complete line is buffered (call
 * line_reader_fill()), or -1 with EINVAL when line or cap is too small for
 * the line (the line stays buffered). */
int line_reader_next(struct line_reader *r, char *line, size_t cap);

/* ---- proto.c (given): the three kinds of lines --------------------------- */

enum proto_kind { PROTO_HELLO, PROTO_MSG, PROTO_ACK };

struct proto_line {
	enum proto_kind kind;
	unsigned long seq;                 /* MSG, ACK: >= 1 */
	char session[RC_SESSION_MAX + 1];  /* HELLO */
	const char *text;                  /* MSG, ACK: points into the line */
};

/* Parses a line (without its '\n'). Returns 0, or -1 with EPROTO when it
 * is none of the three forms (unknown word, seq 0 or not a decimal
 * number, bad session token). */
int proto_parse(const char *line, struct proto_line *out);

/* Formats a whole line, '\n' included, into buf. Return the length, or -1
 * with EINVAL (bad session, seq 0) or EMSGSIZE (does not fit in cap or in
 * RC_LINE_MAX). */
int proto_hello(char *buf, size_t cap, const char *session);
int proto_msg(char *buf, size_t cap, unsigned long seq, const char *text);
int proto_ack(char *buf, size_t cap, unsigned long seq, const char *text);

/* ---- dedup.c: the daemon's memory of what it has accepted ---------------- */

struct dedup {
	char session[RC_SESSION_MAX + 1];  /* "" before the first HELLO */
	unsigned long last;                /* highest seq accepted, 0: none */
};

/* Nothing accepted yet, no session. */
void dedup_init(struct dedup *d);

/* A HELLO: a session other than the current one starts over (last = 0);
 * the same session (an app that reconnected) keeps last. Returns 0, or -1
 * with EINVAL when session is NULL, "" or longer than RC_SESSION_MAX. */
int dedup_hello(struct dedup *d, const char *session);

/* A MSG with seq: 1 when it is new (seq > last; last becomes seq), 0 when
 * it is a duplicate (seq <= last), which the daemon acknowledges again but
 * does not accept. Returns -1 with EPROTO before any HELLO (no session)
 * and with EINVAL for seq 0. Seqs may jump forward: an app that was
 * running before this daemon's memory began resumes where it is. */
int dedup_accept(struct dedup *d, unsigned long seq);

/* ---- journal.c (given): what the daemon accepted, kept on disk ----------- */

/* Opens (creating it, mode 0600) the journal at path for appending, and
 * restores d from its last complete line "<session> <seq>", so that a
 * restarted daemon still knows what its previous run accepted. A missing
 * or empty journal leaves d as dedup_init() made it. Returns the fd
 * (O_APPEND, O_CLOEXEC), or -1 with errno (open(), read(), EPROTO for a
 * last line that is not a record). */
int journal_open(const char *path, struct dedup *d);

/* Appends "<session> <seq>\n" in one write(). Returns 0, or -1 with errno
 * (a short write is EIO). */
int journal_append(int fd, const char *session, unsigned long seq);

/* ---- daemon.c: the daemon ------------------------------------------------ */

/* Creates a SOCK_STREAM socket bound to path (exact address length) and
 * listening with backlog, without stealing a live daemon's name: when
 * bind() fails with EADDRINUSE, the path is removed only if it is a socket
 * file and a non-blocking probe connect() to it gets ECONNREFUSED (a stale
 * file left by a daemon that died), then bind() is tried once more.
 * Returns the listening fd (SOCK_CLOEXEC), or -1 with errno (all fds
 * closed): EINVAL, ENAMETOOLONG (path); EADDRINUSE (a live daemon answers
 * at path, or the file there is not a socket); EACCES, ... */
int daemon_open(const char *path, int backlog);

/* What the daemon keeps from one client to the next. */
struct daemon_state {
	struct dedup dedup;     /* session and last accepted seq */
	int journal_fd;         /* from journal_open(), or -1: none */
	FILE *log;              /* where the log lines go, or NULL */
	unsigned long clients;  /* clients accepted so far */
};

/* Serves one connected client (fd cfd, not closed here) until it leaves.
 * For each line, in order: HELLO -> dedup_hello(); MSG -> dedup_accept()
 * and, for a new message, first journal_append() (when journal_fd >= 0),
 * then the log line RC_LOG_ACCEPTED, and only then the ACK (an ACK is a
 * promise: what was acknowledged must survive a crash); a duplicate gets
 * the log line RC_LOG_DUPLICATE and an ACK again. Every ACK carries
 * RC_REPLY and is sent with send_line().
 * Returns 0 when the client closed (EOF), or -1 with errno: ECONNRESET,
 * EPIPE (the client went away), EPROTO (a line that is not the protocol,
 * or a MSG before HELLO), EMSGSIZE (a line too long), or the journal's
 * write error (ENOSPC, EIO, ...): then nothing more may be acknowledged. */
int daemon_serve(int cfd, struct daemon_state *st);

/* Accepts clients one after another on the listening socket lfd (which
 * stays open and listening all along), serves each with daemon_serve() and
 * closes its connection, logging one line per client when it comes and
 * when it leaves (with the reason: EOF or the errno name). A client's
 * failure (ECONNRESET, EPIPE, EPROTO, EMSGSIZE) only ends that client.
 * Returns 0 after max_clients clients (0: never returns 0), or -1 with
 * errno when accept() fails for a reason other than EINTR, ECONNABORTED,
 * EMFILE, ENFILE, ENOBUFS or ENOMEM, or when the journal cannot be
 * written. */
int daemon_loop(int lfd, struct daemon_state *st, unsigned long max_clients);

/* ---- app.c: the application ---------------------------------------------- */

struct app_opts {
	const char *path;      /* the daemon's socket file */
	const char *session;   /* this run's session token */
	unsigned tick_ms;      /* one new message per tick (>= 1) */
	unsigned long count;   /* return once this many are acknowledged;
				  0: run for ever */
	unsigned base_ms, cap_ms;  /* backoff between connect attempts */
	double jitter;
	uint64_t seed;         /* seeds the jitter's rng */
	int timeout_ms;        /* passed to connect_fresh(); 0: none */
	FILE *log;             /* one line per event, or NULL */
};

/* Runs the application. Every tick it produces the next message
 * (seq = 1, 2, ...; none while RC_WINDOW are unacknowledged or count are
 * produced) and sends it if connected; between ticks it reads ACKs and
 * forgets every message up to the acknowledged seq.
 *
 * When the connection breaks (EOF, ECONNRESET, EPIPE, any other error of
 * a send or a read, or a line that is not an ACK for a seq it sent:
 * EPROTO) it closes the socket. It tries connect_fresh() again at once if
 * that connection had carried an ACK, else after backoff_next() ms; after
 * each failed attempt that connect_retryable() allows it waits
 * backoff_next() ms (ticks go on meanwhile) and tries again. The first ACK
 * on a connection calls backoff_reset(). On every new connection it sends
 * HELLO and then again every message not yet acknowledged, oldest first.
 * Never killed by SIGPIPE.
 * Returns 0 once count messages are acknowledged (socket closed), or -1
 * with errno: the first connect error that is not retryable (EACCES,
 * EPROTOTYPE, ENAMETOOLONG, ...), EINVAL (bad options), or an error of
 * poll(). */
int app_run(const struct app_opts *o);

#endif
