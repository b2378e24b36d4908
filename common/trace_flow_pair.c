/* trace_flow_pair.c: data calls on sockets, their directions, and which
 * read received which write's bytes.
 *
 * Bytes written on socket A land in the receive queue of A's peer B, in
 * order, and reads on B take them from the front. So on a stream the k-th
 * byte written in a direction is the k-th byte read there: pairing is a
 * walk along the two byte counts, writes in the order they started and
 * reads in the order they returned (a read that blocked started before
 * the write that woke it). No timing guess is involved beyond those two
 * orders. On DGRAM and SEQPACKET sockets each read takes one message. */
#include "trace_flow_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t new_dir(struct flow_build *b, size_t from, size_t to)
{
	struct flow *f = b->f;
	if (flow_grow((void **)&f->dirs, &b->cap_dirs, f->ndirs + 1, sizeof(*f->dirs)) < 0)
		return FLOW_NONE;
	struct flow_dir *d = &f->dirs[f->ndirs];
	memset(d, 0, sizeof(*d));
	d->from = from;
	d->to = to;
	return f->ndirs++;
}

/* The direction (from, to) of datagrams: a datagram socket may send to
 * many sockets, so its directions are found by both ends. */
static size_t dir_between(struct flow_build *b, size_t from, size_t to)
{
	struct flow *f = b->f;
	for (size_t d = 0; d < f->ndirs; d++)
		if (f->dirs[d].from == from && f->dirs[d].to == to)
			return d;
	return new_dir(b, from, to);
}

/* The direction of a write on socket s (s -> its peer) or of a read on s
 * (the socket whose peer s is -> s). For a datagram socket, other is the
 * socket the call's address names (the destination of a sendto(), the
 * sender a recvfrom() reported), or FLOW_NONE. */
static size_t dir_of(struct flow_build *b, size_t s, enum flow_op op, size_t other)
{
	struct flow *f = b->f;
	size_t from = s, to = f->socks[s].peer;
	if (op == FLOW_READ) {
		to = s;
		from = b->peer_in[s];
		if (from == FLOW_MANY || from == FLOW_NONE)
			from = f->socks[s].dgram ? FLOW_NONE : f->socks[s].peer;
	}
	if (f->socks[s].dgram) {
		if (other != FLOW_NONE && other != s) {
			if (op == FLOW_WRITE)
				to = other;
			else
				from = other;
		}
		if (from != FLOW_NONE && to != FLOW_NONE)
			return dir_between(b, from, to);
	}
	if (from != FLOW_NONE) {
		size_t d = b->dir_out[from];
		if (d == FLOW_NONE) {
			d = new_dir(b, from, to);
			b->dir_out[from] = d;
		}
		return d;
	}
	/* Reads whose writer is unknown still get totals of their own. */
	if (b->dir_in[s] == FLOW_NONE)
		b->dir_in[s] = new_dir(b, FLOW_NONE, s);
	return b->dir_in[s];
}

/* Whether a receive call only peeked (MSG_PEEK leaves the bytes queued). */
static int peeks(const struct trace_event *ev)
{
	return ev->args && strstr(ev->args, "MSG_PEEK") != NULL &&
	       (strcmp(ev->name, "recvfrom") == 0 || strcmp(ev->name, "recvmsg") == 0 ||
		strcmp(ev->name, "recv") == 0);
}

/* The socket a datagram call's address names: argument 4 of sendto()
 * and recvfrom(), msg_name in the msghdr of sendmsg() and recvmsg(). */
static size_t address_of(struct flow_build *b, const struct trace_event *ev)
{
	char text[4096];
	if (strcmp(ev->name, "sendto") == 0 || strcmp(ev->name, "recvfrom") == 0) {
		if (trace_arg(ev, 4, text, sizeof(text)) < 0)
			return FLOW_NONE;
		return flow_dgram_named(b, text);
	}
	if (strcmp(ev->name, "sendmsg") == 0 || strcmp(ev->name, "recvmsg") == 0) {
		if (trace_arg(ev, 1, text, sizeof(text)) < 0)
			return FLOW_NONE;
		/* msg_name comes first; a NULL one names nothing. */
		if (strncmp(text, "{msg_name={", 11) != 0)
			return FLOW_NONE;
		char *name = text + 1;
		/* Only the address: the data after it may hold anything. */
		char *p = name + strlen("msg_name=");
		for (int quoted = 0; *p; p++) {
			if (quoted && *p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == '}')
				break;
		}
		*p = '\0';
		return flow_dgram_named(b, name);
	}
	return FLOW_NONE;
}

/* What a receive with MSG_TRUNC copied: it returns a message's real
 * length, which may be more than the room it offered (the rest was
 * dropped). The room is the length argument, or the iov_len of a
 * recvmsg(). bytes itself for any other call. */
static long bytes_copied(const struct trace_event *ev, long bytes)
{
	char text[4096];
	int msg = strcmp(ev->name, "recvmsg") == 0;
	if (bytes <= 0 || (!msg && strcmp(ev->name, "recvfrom") != 0 &&
			   strcmp(ev->name, "recv") != 0))
		return bytes;
	if (trace_arg(ev, msg ? 2 : 3, text, sizeof(text)) < 0 || !strstr(text, "MSG_TRUNC") ||
	    trace_arg(ev, msg ? 1 : 2, text, sizeof(text)) < 0)
		return bytes;
	const char *p = msg ? strstr(text, "iov_len=") : text;
	if (!p)
		return bytes;
	if (msg)
		p += strlen("iov_len=");
	char *end;
	long room = strtol(p, &end, 10);
	return end != p && room >= 0 && room < bytes ? room : bytes;
}

int flow_scan_io(struct flow_build *b)
{
	const struct trace *t = b->t;
	struct flow *f = b->f;
	if (f->nsocks > 0) {
		b->dir_out = malloc(f->nsocks * sizeof(*b->dir_out));
		b->dir_in = malloc(f->nsocks * sizeof(*b->dir_in));
		if (!b->dir_out || !b->dir_in) {
			errno = ENOMEM;
			return -1;
		}
		for (size_t k = 0; k < f->nsocks; k++)
			b->dir_out[k] = b->dir_in[k] = FLOW_NONE;
	}
	size_t cap_peek = 0;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL)
			continue;
		int w = flow_is_write(ev->name), r = flow_is_read(ev->name);
		if (!w && !r)
			continue;
		char text[512];
		struct trace_fd fd;
		if (trace_arg(ev, 0, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
			continue;
		size_t s = flow_sock_of_fd(b, &fd);
		if (s == FLOW_NONE)
			continue; /* a file, a pipe, a terminal: not a socket */
		enum flow_op op = w ? FLOW_WRITE : FLOW_READ;
		size_t d = dir_of(b, s, op, f->socks[s].dgram ? address_of(b, ev) : FLOW_NONE);
		if (d == FLOW_NONE ||
		    flow_grow((void **)&f->io, &b->cap_io, f->nio + 1, sizeof(*f->io)) < 0 ||
		    flow_grow((void **)&b->peek, &cap_peek, f->nio + 1, sizeof(*b->peek)) < 0)
			return -1;
		struct flow_io *io = &f->io[f->nio];
		memset(io, 0, sizeof(*io));
		io->ev = k;
		io->pid = ev->pid;
		io->op = op;
		io->fd = fd.fd;
		io->sock = s;
		io->dir = d;
		io->bytes = ev->has_ret && ev->ret >= 0 ? ev->ret : -1;
		io->t_start = ev->ts;
		io->t_end = flow_end_time(ev);
		io->first_chunk = FLOW_NONE;
		b->peek[f->nio] = op == FLOW_READ && peeks(ev);
		if (op == FLOW_READ && !b->peek[f->nio])
			io->bytes = bytes_copied(ev, io->bytes);
		f->io_of_ev[k] = f->nio++;

		struct flow_dir *dir = &f->dirs[d];
		if (op == FLOW_WRITE && !dir->from_pid)
			dir->from_pid = ev->pid;
		if (op == FLOW_READ && !dir->to_pid)
			dir->to_pid = ev->pid;
		if (io->bytes < 0) {
			dir->failed++;
		} else if (b->peek[f->nio - 1]) {
			/* Peeked bytes are read again later: not counted twice. */
		} else if (op == FLOW_WRITE) {
			if (io->bytes > 0) {
				dir->writes++;
				dir->bytes_written += io->bytes;
			}
		} else {
			if (io->bytes > 0) {
				dir->reads++;
				dir->bytes_read += io->bytes;
			} else {
				dir->eofs++;
			}
		}
	}
	return 0;
}

/* Sort order of one direction's calls: writes by start, reads by end. */
static int by_dir_order(const void *pa, const void *pb, void *arg)
{
	const struct flow *f = arg;
	const struct flow_io *a = &f->io[*(const size_t *)pa];
	const struct flow_io *c = &f->io[*(const size_t *)pb];
	if (a->dir != c->dir)
		return a->dir < c->dir ? -1 : 1;
	if (a->op != c->op)
		return a->op == FLOW_WRITE ? -1 : 1;
	double ka = a->op == FLOW_WRITE ? a->t_start : a->t_end;
	double kc = c->op == FLOW_WRITE ? c->t_start : c->t_end;
	if (ka != kc)
		return ka < kc ? -1 : 1;
	return a->ev < c->ev ? -1 : a->ev > c->ev;
}

static int add_chunk(struct flow_build *b, size_t wio, size_t rio, long bytes, long offset)
{
	struct flow *f = b->f;
	if (flow_grow((void **)&f->chunks, &b->cap_chunks, f->nchunks + 1, sizeof(*f->chunks)) < 0)
		return -1;
	f->chunks[f->nchunks] = (struct flow_chunk){wio, rio, bytes, offset};
	size_t ends[2] = {wio, rio};
	for (int k = 0; k < 2; k++) {
		struct flow_io *io = &f->io[ends[k]];
		if (io->nchunks++ == 0)
			io->first_chunk = f->nchunks;
	}
	f->dirs[f->io[wio].dir].bytes_paired += bytes;
	f->nchunks++;
	return 0;
}

/* Pairs the writes w[0..nw) with the reads r[0..nr) of one direction. */
static int pair_dir(struct flow_build *b, const size_t *w, size_t nw, const size_t *r,
		    size_t nr, int message)
{
	struct flow *f = b->f;
	size_t i = 0, j = 0;
	long wleft = nw ? f->io[w[0]].bytes : 0, rleft = nr ? f->io[r[0]].bytes : 0;
	while (i < nw && j < nr) {
		long wb = f->io[w[i]].bytes;
		if (message) {
			/* One message per read; a short buffer drops the rest. */
			long n = f->io[r[j]].bytes < wb ? f->io[r[j]].bytes : wb;
			if (add_chunk(b, w[i], r[j], n, 0) < 0)
				return -1;
			f->dirs[f->io[w[i]].dir].bytes_dropped += wb - n;
			i++;
			j++;
			continue;
		}
		long n = wleft < rleft ? wleft : rleft;
		if (add_chunk(b, w[i], r[j], n, wb - wleft) < 0)
			return -1;
		wleft -= n;
		rleft -= n;
		if (wleft == 0 && ++i < nw)
			wleft = f->io[w[i]].bytes;
		if (rleft == 0 && ++j < nr)
			rleft = f->io[r[j]].bytes;
	}
	return 0;
}

int flow_pair(struct flow_build *b)
{
	struct flow *f = b->f;
	if (f->nio == 0)
		return 0;
	size_t *order = malloc(f->nio * sizeof(*order));
	if (!order) {
		errno = ENOMEM;
		return -1;
	}
	/* Only calls that moved bytes take part. */
	size_t n = 0;
	for (size_t k = 0; k < f->nio; k++)
		if (f->io[k].bytes > 0 && !b->peek[k])
			order[n++] = k;
	qsort_r(order, n, sizeof(*order), by_dir_order, f);
	int rc = 0;
	for (size_t s = 0; s < n && rc == 0;) {
		size_t d = f->io[order[s]].dir, e = s, mid;
		while (e < n && f->io[order[e]].dir == d)
			e++;
		for (mid = s; mid < e && f->io[order[mid]].op == FLOW_WRITE; mid++)
			;
		const struct flow_dir *dir = &f->dirs[d];
		if (dir->from != FLOW_NONE && dir->to != FLOW_NONE)
			rc = pair_dir(b, order + s, mid - s, order + mid, e - mid,
				      f->socks[dir->to].message);
		s = e;
	}
	free(order);
	return rc;
}
