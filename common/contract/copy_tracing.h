/* copy_tracing.h: lab 06's contract, following the bytes of a client/server
 * exchange through the kernel from an strace of both processes.
 *
 * Every byte that one process sends another over a UNIX stream socket is
 * copied twice: write() copies it from the writer's memory into a kernel
 * buffer queued on the peer socket, and read() copies it from there into
 * the reader's memory. `strace -f -yy` shows both calls, and its -yy tags
 * name the socket each one used: 5<UNIX-STREAM:[12531->11734]> is fd 5,
 * the socket whose inode is 12531, connected to the socket 11734. From a
 * whole trace this lab finds, for each direction of each connection, which
 * writes put bytes in and which reads took them out.
 *
 * The analysis, step by step (each step a function below):
 *   1. ct_decode_call: is this event a data call on a UNIX stream socket,
 *      and which socket (inode) and how many bytes?
 *   2. ct_peer_map: who is connected to whom, from every tag of the WHOLE
 *      trace (a client's tag shows no peer until the server has accepted);
 *   3. ct_dir_key: which direction a call belongs to (writer -> reader);
 *   4. ct_pair_fifo: which read took which write's bytes (first in, first
 *      out, by bytes: a stream keeps no message boundaries);
 *   5. ct_analyse: all of it over a trace, with totals per direction.
 * And one kernel measurement: ct_queue_sizes (SIOCINQ, SIOCOUTQ), to see
 * bytes that were written and not yet read (the seed's flaw 2).
 *
 * Files of the lab: decode.c, peers.c (ct_peer_map), dirs.c, pair.c,
 * analyse.c (ct_analyse) and queues.c are yours (every function marked
 * TODO(lab06)). The rest is given complete: the peer table helpers in
 * peers.c, ct_report_free in analyse.c, load.c, print.c, endpoint.c and
 * the programs copytrace, copysrv and copycli (*_main.c).
 *
 * Every function returns -1 and leaves errno set on failure unless its
 * comment says otherwise; none prints (except ct_print_report, to the
 * stream it is given) and none exits. */
#ifndef CONTRACT_COPY_TRACING_H
#define CONTRACT_COPY_TRACING_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../strace_parse.h" /* struct trace, trace_arg, trace_parse_fd */

/* ---- decode.c: one event of the trace ------------------------------------ */

enum ct_op {
	CT_OTHER = 0, /* not a data call */
	CT_WRITE = 1, /* write, send, sendto, sendmsg, writev */
	CT_READ = 2,  /* read, recv, recvfrom, recvmsg, readv */
};

/* One data call on a UNIX stream socket. */
struct ct_call {
	size_t ev;           /* index of the event in the trace */
	int pid;             /* the process that made the call */
	enum ct_op op;       /* CT_WRITE or CT_READ */
	int fd;              /* its descriptor number (reused: not an id) */
	unsigned long inode; /* the socket's inode, from the -yy tag: the id */
	unsigned long peer;  /* the peer inode that tag shows, 0 when none */
	long bytes;          /* bytes moved: the return value when >= 0
	                        (0 for a read is end of file); -1 when the
	                        call failed or never returned */
	int err;             /* errno of a failed call (EPIPE, EAGAIN...), 0 */
	int unfinished;      /* 1 when the call never returned in the trace
	                        (has_ret 0: still blocked when tracing ended) */
	size_t dir;          /* ct_analyse: index of its direction in the
	                        report's dirs; ct_decode_call sets 0 */
};

/* Decodes trace event number index, ev, when it is a data call on a UNIX
 * stream socket: a TRACE_CALL whose name is one of the CT_WRITE or CT_READ
 * names above and whose first argument is an fd tag with protocol
 * "UNIX-STREAM" and an inode (read it with trace_arg(ev, 0, ...) and
 * trace_parse_fd). A call strace split in two (<unfinished ...> then
 * <... read resumed>) is one event: the parser joined the halves, and it
 * counts like any other. Fills *out (every field; dir 0) and returns 1.
 * Returns 0, leaving *out untouched, for every other event: other calls,
 * signals and exits, data calls on files, pipes, terminals or TCP sockets,
 * a lone resumed half whose first argument is not an fd.
 * Returns -1 with EINVAL when ev or out is NULL. */
int ct_decode_call(const struct trace_event *ev, size_t index, struct ct_call *out);

/* ---- peers.c: who is connected to whom ---------------------------------- */

struct ct_link {
	unsigned long inode, peer;
};

/* inode -> peer inode, for UNIX stream sockets. Start with {0}. */
struct ct_peers {
	struct ct_link *v;
	size_t n, cap;
};

/* Given. Records that inode's peer is peer, unless inode already has one
 * (the first wins: a stream socket connects once). inode and peer must be
 * nonzero and different (EINVAL). Returns 0, or -1 (EINVAL, ENOMEM). */
int ct_peers_set(struct ct_peers *m, unsigned long inode, unsigned long peer);
/* Given. The peer of inode, or 0 when it is unknown. */
unsigned long ct_peer_of(const struct ct_peers *m, unsigned long inode);
/* Given. Frees the table and resets it to {0}. */
void ct_peers_free(struct ct_peers *m);

/* Builds the map over the whole trace t into m (which must be {0}): for
 * every TRACE_CALL, the fd tag of its first argument, and of its return
 * value when it returned one (accept's new socket: ev->ret_text), each
 * decoded with trace_parse_fd. A tag of protocol "UNIX-STREAM" showing
 * both an inode A and a peer B (A != B) says A and B are the two ends of
 * one connection: record A -> B and also B -> A, since the other end's
 * tags may never show it (a client that wrote before the server accepted
 * and exited without another traced call). Tags inside strings are data,
 * not tags: only those two places are read.
 * The whole trace is read before anything is paired: until accept()
 * returns, the client's tag is [A] with no peer, so a map built line by
 * line would leave its first writes with nowhere to go.
 * Returns 0, or -1 with EINVAL (NULL) or ENOMEM (m is then freed). */
int ct_peer_map(const struct trace *t, struct ct_peers *m);

/* ---- dirs.c: which direction a call belongs to --------------------------- */

/* A direction is named by its two sockets: bytes written on `from` arrive
 * on `to`. For a write on socket A: from = A, to = A's peer. For a read on
 * socket B: to = B, from = B's peer (the socket whose writes B reads).
 * The peer comes from the map m; when m does not know it, from the call's
 * own tag (c->peer); when neither knows it, it is 0. Sockets are told
 * apart by inode, never by fd number: accept() gives the same number to
 * one client after another.
 * Returns 0, or -1 with EINVAL when an argument is NULL or c->op is
 * neither CT_WRITE nor CT_READ. */
int ct_dir_key(const struct ct_call *c, const struct ct_peers *m, unsigned long *from,
	       unsigned long *to);

/* ---- pair.c: which read took which write's bytes ------------------------- */

/* Bytes of one write that one read received. */
struct ct_chunk {
	size_t w;     /* the write: an index into the writes given (or, in a
	                 report, into report.calls) */
	size_t r;     /* the read: likewise */
	long bytes;   /* how many of its bytes */
	long offset;  /* where they start inside the write */
};

/* Pairs one direction's writes with its reads, first in first out by
 * bytes. w[0..nw) are the byte counts of the writes in the order they
 * were made, r[0..nr) those of the reads; every count must be > 0 (only
 * calls that moved bytes take part). The k-th byte written is the k-th
 * byte read: walk both lists, each chunk taking min(bytes left in the
 * current write, bytes left in the current read). A read can take the
 * bytes of several writes; a write can be read in several pieces. Bytes
 * written and never read (still queued, or lost when a process died) stay
 * unpaired: the walk stops when either list ends. out must have room for
 * nw + nr chunks (the most a walk can make). Chunks come out in byte
 * order, e.g. w = {23, 15, 5}, r = {43} gives {0,0,23,0} {1,0,15,0}
 * {2,0,5,0}; w = {10000}, r = {4096, 4096, 1808} gives {0,0,4096,0}
 * {0,1,4096,4096} {0,2,1808,8192}.
 * Returns the number of chunks, or -1 with EINVAL when out is NULL, when
 * w or r is NULL with a nonzero count, or when a count is <= 0. */
ssize_t ct_pair_fifo(const long *w, size_t nw, const long *r, size_t nr,
		     struct ct_chunk *out);

/* ---- analyse.c: the whole trace ------------------------------------------ */

/* One direction of one connection: bytes written on `from`, read on `to`. */
struct ct_dir {
	unsigned long from, to; /* inodes; 0 when that end is unknown */
	int from_pid, to_pid;   /* first pid that wrote / read here, 0 none */
	long writes;            /* write calls that moved bytes (> 0) */
	long bytes_written;     /* their sum */
	long reads;             /* read calls that moved bytes (> 0) */
	long bytes_read;        /* their sum */
	long eofs;              /* reads that returned 0 (end of file) */
	long failed;            /* calls that returned -1 (EPIPE, EAGAIN...) */
	long unfinished;        /* calls that never returned */
	long bytes_paired;      /* bytes matched write -> read */
	size_t first_chunk;     /* its chunks: report.chunks[first_chunk ...] */
	size_t nchunks;
};

struct ct_report {
	struct ct_call *calls;   /* the data calls, in trace order */
	size_t ncalls;
	struct ct_dir *dirs;     /* in the order of their first call */
	size_t ndirs;
	struct ct_chunk *chunks; /* w and r index calls; grouped by direction
	                            in dirs order, each group in byte order */
	size_t nchunks;
	struct ct_peers peers;   /* the map the analysis used */
};

/* Analyses trace t into *r (overwritten, whatever it held):
 *   1. the peer map over the whole trace (ct_peer_map);
 *   2. every data call (ct_decode_call), in trace order, into r->calls;
 *   3. each call into its direction (ct_dir_key): a new ct_dir when the
 *      (from, to) pair is new, with from_pid / to_pid set by the first
 *      write / read; calls[k].dir is its index;
 *   4. totals: a call with bytes > 0 counts in writes and bytes_written,
 *      or reads and bytes_read; a read of 0 bytes in eofs; a call that
 *      never returned in unfinished; any other call with bytes -1 in
 *      failed. A failed call moved nothing: never add its -1 to a sum;
 *   5. for each direction with both ends known (from and to nonzero),
 *      its writes and reads that moved bytes, in trace order, paired with
 *      ct_pair_fifo; the chunks go into r->chunks with w and r turned
 *      into indexes of r->calls, and bytes_paired is their sum.
 * Returns 0, or -1 with EINVAL (NULL) or ENOMEM; on failure *r is empty
 * ({0}, nothing to free). Free a report with ct_report_free. */
int ct_analyse(const struct trace *t, struct ct_report *r);
/* Given. Frees what ct_analyse allocated and resets *r to {0}. */
void ct_report_free(struct ct_report *r);

/* ---- queues.c: what waits in the kernel ----------------------------------- */

/* Reads the two queue sizes of socket fd with ioctl(2):
 *   *inq  = SIOCINQ: bytes that arrived and wait in fd's receive queue
 *           (written by the peer, not yet read here);
 *   *outq = SIOCOUTQ: on a UNIX socket, the memory that data written on
 *           fd and not yet read by the peer still holds in fd's send
 *           buffer (each queued buffer counted with its overhead, so
 *           more than the payload); writes block (or fail with EAGAIN)
 *           when it reaches SO_SNDBUF. On TCP, bytes not yet acknowledged.
 * Returns 0, or -1 with errno (EINVAL for NULL pointers or a listening
 * socket, EBADF, ENOTTY when fd is not a socket); on failure *inq and
 * *outq are left untouched. */
int ct_queue_sizes(int fd, int *inq, int *outq);

/* ---- load.c (given): traces from several files ---------------------------- */

/* Loads each of the n traces (files of `strace -f -o`, or prefixes of
 * `strace -ff -o`) and merges them into *t by timestamp, keeping each
 * file's own order. Tracing the server and the client separately gives
 * two files; their sockets' inodes are the same system-wide, so the
 * merged trace pairs them like one trace of both. Returns 0, or -1 with
 * errno of the failing load (t is then empty). */
int ct_load_traces(const char *const *paths, size_t n, struct trace *t);

/* ---- print.c (given): what copytrace prints ------------------------------- */

/* "copycli 4431" for the process pid of t (the program of its last
 * successful execve, or its parent's), "pid 4431" when unknown, or
 * "(not traced)" for pid 0. Returns buf. */
const char *ct_proc_name(const struct trace *t, int pid, char *buf, size_t cap);

/* Prints report r of trace t: one line per direction,
 *   copycli 4431 -> copysrv 4430: 3 writes 69 B, 3 reads 69 B, 1 EOF
 * followed, when pairs is 1, by one line per chunk. */
void ct_print_report(FILE *out, const struct trace *t, const struct ct_report *r, int pairs);

/* ---- endpoint.c (given): the workload's sockets ---------------------------- */

/* The seed's two messages, as exact UTF-8 bytes; the workload repeats
 * them to fill requests and replies of any size. */
#define CT_REQUEST_TEXT "the message sended \xe6\x88\xb7!"
#define CT_REPLY_TEXT "it's ddddddddd!"

/* Fills buf[0..len) with text repeated. */
void ct_fill(char *buf, size_t len, const char *text);

/* A listening socket at addr: a pathname ("/tmp/x.sock", "x.sock"; no
 * file may exist there yet), "@name" (abstract, exact length), or with tcp
 * a port on 127.0.0.1 ("0": any free port). *shown gets the address to
 * print ("127.0.0.1:40213" for TCP). Returns the fd, or -1 with errno. */
int ct_listen(const char *addr, int tcp, char *shown, size_t cap);
/* A socket connected to addr (same forms). Returns the fd, or -1. */
int ct_connect(const char *addr, int tcp);

#endif
