/* trace_flow_internal.h: pieces shared by the trace_flow*.c files, not an
 * API. */
#ifndef COMMON_TRACE_FLOW_INTERNAL_H
#define COMMON_TRACE_FLOW_INTERNAL_H

#include <stddef.h>

#include "trace_flow.h"

/* Grows *arr (of *cap elements of size bytes) to hold need elements.
 * Returns 0, or -1 with ENOMEM. */
int flow_grow(void **arr, size_t *cap, size_t need, size_t size);

/* Copies src into dst (cap > 0 bytes), cut to fit, always terminated. */
void flow_copy(char *dst, size_t cap, const char *src);

/* A string -> index hash table, for sockets keyed by inode or address. */
struct flow_keytab {
	char **keys;
	size_t *vals;
	size_t cap;   /* a power of two, or 0 */
	size_t n;
};

/* The index stored for key, or FLOW_NONE. */
size_t flow_key_get(const struct flow_keytab *kt, const char *key);
/* Stores key -> val (key copied). Returns 0, or -1 with ENOMEM. */
int flow_key_put(struct flow_keytab *kt, const char *key, size_t val);
void flow_key_free(struct flow_keytab *kt);

/* The state of one build: the result and its tables. */
struct flow_build {
	const struct trace *t;
	struct flow *f;
	size_t cap_socks, cap_io, cap_chunks, cap_dirs, cap_lanes;
	struct flow_keytab socks_by_key;
	size_t *peer_in;     /* per socket: the unique socket whose peer it is,
	                        FLOW_NONE for none, FLOW_MANY for several */
	size_t *dir_out;     /* per socket: direction of data written on it */
	size_t *dir_in;      /* per socket: direction of reads with no known
	                        source */
	int *peek;           /* per io: 1 for a MSG_PEEK read */
};

#define FLOW_MANY ((size_t)-2)

/* trace_flow_socks.c: every socket tag in the trace into f->socks, with
 * peers linked. */
int flow_scan_socks(struct flow_build *b);
/* The socket named by a decoded fd tag, or FLOW_NONE. */
size_t flow_sock_of_fd(struct flow_build *b, const struct trace_fd *fd);

/* The datagram socket bound to the address strace printed in text
 * ("{sa_family=AF_UNIX, sun_path=@\"name\"}", possibly inside a msghdr as
 * "msg_name={...}"), or FLOW_NONE when text names none or no socket of
 * the trace holds the name. */
size_t flow_dgram_named(struct flow_build *b, const char *text);

/* trace_flow_pair.c: data calls, directions, pairing and totals. */
int flow_scan_io(struct flow_build *b);
int flow_pair(struct flow_build *b);

/* trace_flow_lanes.c: one lane per pid. */
int flow_scan_lanes(struct flow_build *b);

#endif
