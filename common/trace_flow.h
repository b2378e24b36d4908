/* trace_flow.h: who talked to whom in a trace, and which read got which
 * write's bytes.
 *
 * Built on strace_parse.h. From a whole `strace -f -yy` trace it finds:
 * - the sockets, and each one's peer, from every -yy tag seen anywhere in
 *   the trace (a client's tag shows no peer until the server has accepted,
 *   so a map built line by line would miss pairs);
 * - the data calls on sockets (write, sendto, sendmsg, writev and read,
 *   recvfrom, recvmsg, readv), grouped by direction: bytes written on
 *   socket A travel to A's peer B, where reads on B take them;
 * - the pairing of each write with the reads that received its bytes,
 *   first in first out by bytes on a stream (a read can take the bytes of
 *   several writes, and a write can be read in pieces), one message per
 *   read on DGRAM and SEQPACKET sockets;
 * - per direction totals, and one lane per process named after the
 *   program it executed.
 * Like the parser, it never crashes on garbage: what it cannot place stays
 * unpaired. Functions return -1 and keep errno; none prints or exits. */
#ifndef COMMON_TRACE_FLOW_H
#define COMMON_TRACE_FLOW_H

#include <stddef.h>

#include "strace_parse.h"

/* No index: returned by the lookups below and stored where a link is
 * missing. */
#define FLOW_NONE ((size_t)-1)

/* One socket end seen in the trace. UNIX sockets are known by inode; TCP
 * and UDP ones by their "local->remote" address pair, as -yy shows them. */
struct flow_sock {
	char proto[24];      /* "UNIX-STREAM", "TCP", "TCPv6", ... */
	unsigned long inode; /* UNIX: the socket's inode; else 0 */
	char addr[128];      /* UNIX: its name if bound ("" when none, @ for
	                        abstract); TCP/UDP: "local->remote" */
	size_t peer;         /* index of the peer socket, FLOW_NONE unknown */
	int message;         /* 1 when reads keep message boundaries (DGRAM,
	                        SEQPACKET, UDP): one write per read */
	int dgram;           /* 1 when connectionless (DGRAM, UDP): a tag
	                        A->B then says nothing about B's peer */
};

enum flow_op { FLOW_WRITE, FLOW_READ };

/* One data call on a socket. */
struct flow_io {
	size_t ev;           /* index of the call in the trace */
	int pid;
	enum flow_op op;
	int fd;
	size_t sock;         /* the socket the call used */
	size_t dir;          /* its direction (see struct flow_dir) */
	long bytes;          /* bytes moved: the return value, 0 for EOF,
	                        -1 for a failed or unfinished call */
	double t_start;      /* when the call started (seconds, -ttt) */
	double t_end;        /* when it returned (t_start if unknown) */
	size_t first_chunk;  /* its chunks: chunks[first_chunk ...] */
	size_t nchunks;      /* 0 when none of its bytes were paired */
};

/* Bytes of one write that one read received. A write's chunks, and a
 * read's, are consecutive in the chunk array. */
struct flow_chunk {
	size_t wio;          /* the write (index into io) */
	size_t rio;          /* the read (index into io) */
	long bytes;
	long offset;         /* where the bytes start inside the write */
};

/* One direction of one connection: what was written on socket `from`
 * and read on socket `to`. Either may be FLOW_NONE when that end is not in
 * the trace (then nothing is paired). */
struct flow_dir {
	size_t from, to;     /* socket indexes */
	int from_pid;        /* first pid that wrote, 0 if none */
	int to_pid;          /* first pid that read, 0 if none */
	long bytes_written;  /* sum of successful writes */
	long bytes_read;     /* sum of successful reads */
	long bytes_paired;   /* bytes matched write -> read */
	long bytes_dropped;  /* message sockets: bytes of messages that a
	                        shorter read buffer cut off (discarded) */
	long writes;         /* write calls that moved bytes */
	long reads;          /* read calls that moved bytes */
	long eofs;           /* reads that returned 0 (end of file) */
	long failed;         /* calls that returned -1 (EAGAIN, EPIPE, ...) */
};

/* One process (or thread) of the trace. */
struct flow_lane {
	int pid;
	int ppid;            /* the pid whose fork/clone returned this pid, 0 */
	int thread;          /* 1 when created with CLONE_THREAD */
	char prog[64];       /* basename of its last successful execve, else
	                        its parent's, else "" */
	char exe[256];       /* the path execve got, "" when none */
	size_t exec_ev;      /* index of that execve, FLOW_NONE if none */
	size_t first_ev;     /* its first and last events in the trace */
	size_t last_ev;
	int ended;           /* 0 still running at the end, 1 exited,
	                        2 killed by a signal */
	int status;          /* exit status, or the signal number */
	char name[96];       /* "server 12152", or "pid 12152" */
};

struct flow {
	struct flow_sock *socks;
	size_t nsocks;
	struct flow_io *io;
	size_t nio;
	struct flow_chunk *chunks;
	size_t nchunks;
	struct flow_dir *dirs;
	size_t ndirs;
	struct flow_lane *lanes;  /* in order of first appearance */
	size_t nlanes;
	size_t *io_of_ev;         /* trace index -> io index or FLOW_NONE */
	size_t nev;
	size_t *lanes_by_pid;     /* lane indexes sorted by pid (lookups) */
};

/* Analyses trace t (which must outlive f: io records point into it).
 * Returns 0, or -1 with errno ENOMEM (f is then empty). */
int flow_build(const struct trace *t, struct flow *f);
void flow_free(struct flow *f);

/* The io record of trace event ev, or NULL when it is not a data call on
 * a socket. */
const struct flow_io *flow_io_of(const struct flow *f, size_t ev);

/* The lane of pid, or NULL. */
const struct flow_lane *flow_lane_of(const struct flow *f, int pid);

/* Whether a syscall name moves data out of (write) or into (read) the
 * caller, as far as this library counts them. */
int flow_is_write(const char *name);
int flow_is_read(const char *name);

/* When a call returned, in -ttt seconds: the timestamp of the second
 * half of a joined split call, else ts + duration (ts when unknown). */
double flow_end_time(const struct trace_event *ev);

#endif
