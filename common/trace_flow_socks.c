/* trace_flow_socks.c: the sockets of a trace and their peers.
 *
 * Every -yy socket tag anywhere in the trace (in arguments and in return
 * values, such as accept's new fd or socketpair's pair) names a socket,
 * and a tag "[A->B]" says that B is A's peer. The map is built over the
 * whole trace before anything is paired: a client's tag shows no peer
 * until the server has accepted, so its first writes only find their
 * peer through tags printed later. Quoted strings are skipped: data that
 * looks like a tag is only data. */
#include "trace_flow_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_internal.h"

/* What the call that made a socket asked for, when strace's tag hides it. */
enum { MADE_SEQPACKET = 1, MADE_DGRAM = 2 };

static int is_unix(const char *proto)
{
	return strncmp(proto, "UNIX", 4) == 0;
}

/* The table key of a decoded tag: "U<inode>" for UNIX sockets, else the
 * protocol and address ("TCP:127.0.0.1:4->127.0.0.1:5"). 0, or -1 when
 * the tag names no socket. */
static int sock_key(const struct trace_fd *fd, char *key, size_t cap)
{
	/* Pipes and other tagged files are not sockets. */
	if (strncmp(fd->proto, "UNIX", 4) != 0 && strncmp(fd->proto, "TCP", 3) != 0 &&
	    strncmp(fd->proto, "UDP", 3) != 0)
		return -1;
	if (is_unix(fd->proto)) {
		if (fd->inode == 0)
			return -1;
		snprintf(key, cap, "U%lu", fd->inode);
		return 0;
	}
	if (fd->name[0])
		snprintf(key, cap, "%s:%s", fd->proto, fd->name);
	else if (fd->inode)
		snprintf(key, cap, "%s:#%lu", fd->proto, fd->inode);
	else
		return -1;
	return 0;
}

static size_t add_sock(struct flow_build *b, const char *key, const char *proto)
{
	struct flow *f = b->f;
	if (flow_grow((void **)&f->socks, &b->cap_socks, f->nsocks + 1, sizeof(*f->socks)) < 0)
		return FLOW_NONE;
	struct flow_sock *s = &f->socks[f->nsocks];
	memset(s, 0, sizeof(*s));
	flow_copy(s->proto, sizeof(s->proto), proto);
	s->peer = FLOW_NONE;
	s->dgram = strstr(proto, "DGRAM") || strncmp(proto, "UDP", 3) == 0;
	s->message = s->dgram || strstr(proto, "SEQPACKET");
	if (flow_key_put(&b->socks_by_key, key, f->nsocks) < 0)
		return FLOW_NONE;
	return f->nsocks++;
}

/* The socket of key, created with proto when new; FLOW_NONE on ENOMEM. */
static size_t intern(struct flow_build *b, const char *key, const char *proto)
{
	size_t k = flow_key_get(&b->socks_by_key, key);
	return k != FLOW_NONE ? k : add_sock(b, key, proto);
}

size_t flow_sock_of_fd(struct flow_build *b, const struct trace_fd *fd)
{
	char key[192];
	if (sock_key(fd, key, sizeof(key)) < 0)
		return FLOW_NONE;
	return flow_key_get(&b->socks_by_key, key);
}

/* Records one decoded tag; kind says what the call that made the socket
 * asked for (strace 6.1 tags UNIX SEQPACKET and DGRAM sockets plainly
 * "UNIX"): MADE_SEQPACKET, MADE_DGRAM, or 0 when unknown. Returns 0, or -1
 * on ENOMEM. */
static int note_tag(struct flow_build *b, const struct trace_fd *fd, int kind)
{
	char key[192];
	if (sock_key(fd, key, sizeof(key)) < 0)
		return 0;
	size_t k = intern(b, key, fd->proto);
	if (k == FLOW_NONE)
		return -1;
	struct flow_sock *s = &b->f->socks[k];
	if (kind)
		s->message = 1;
	if (kind == MADE_DGRAM)
		s->dgram = 1;
	if (is_unix(fd->proto)) {
		s->inode = fd->inode;
		if (fd->name[0] && !s->addr[0]) {
			/* "@name" for an abstract name, as ss and the labs print it. */
			size_t at = fd->abstract ? 1 : 0;
			s->addr[0] = '@';
			flow_copy(s->addr + at, sizeof(s->addr) - at, fd->name);
		}
		if (fd->peer && fd->peer != fd->inode && s->peer == FLOW_NONE) {
			snprintf(key, sizeof(key), "U%lu", fd->peer);
			size_t p = intern(b, key, fd->proto);
			if (p == FLOW_NONE)
				return -1;
			b->f->socks[p].inode = fd->peer; /* known before its own tag */
			b->f->socks[k].peer = p;
		}
	} else {
		s->inode = fd->inode;
		if (!s->addr[0])
			flow_copy(s->addr, sizeof(s->addr), fd->name);
	}
	return 0;
}

/* Finds each "N<PROTO:[...]>" outside quoted strings in text and notes
 * it. */
static int scan_text(struct flow_build *b, const char *text, int kind)
{
	if (!text)
		return 0;
	size_t len = strlen(text), i = 0;
	while (i < len) {
		if (text[i] == '"') {
			/* Skip the string, escapes and all. */
			for (i++; i < len && text[i] != '"'; i++)
				if (text[i] == '\\' && i + 1 < len)
					i++;
			i++;
			continue;
		}
		if (!isdigit((unsigned char)text[i]) || (i > 0 && isalnum((unsigned char)text[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && isdigit((unsigned char)text[j]))
			j++;
		if (j >= len || text[j] != '<') {
			i = j;
			continue;
		}
		/* The tag ends where the fd argument does. */
		size_t end = tscan(text, i, len, ",)]} ");
		char buf[512];
		if (end - i < sizeof(buf)) {
			memcpy(buf, text + i, end - i);
			buf[end - i] = '\0';
			struct trace_fd fd;
			if (trace_parse_fd(buf, &fd) == 0 && note_tag(b, &fd, kind) < 0)
				return -1;
		}
		i = end > j ? end : j + 1;
	}
	return 0;
}

/* What kind of sockets ev makes, when they keep message boundaries:
 * socket() and socketpair() asking for SOCK_SEQPACKET or SOCK_DGRAM, and
 * accept() on a SEQPACKET listener. 0 otherwise. */
static int message_call(struct flow_build *b, const struct trace_event *ev)
{
	if (strcmp(ev->name, "socket") == 0 || strcmp(ev->name, "socketpair") == 0) {
		char type[128];
		if (trace_arg(ev, 1, type, sizeof(type)) < 0)
			return 0;
		if (strstr(type, "SOCK_SEQPACKET"))
			return MADE_SEQPACKET;
		return strstr(type, "SOCK_DGRAM") ? MADE_DGRAM : 0;
	}
	if (strcmp(ev->name, "accept") == 0 || strcmp(ev->name, "accept4") == 0) {
		char text[512];
		struct trace_fd fd;
		if (trace_arg(ev, 0, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
			return 0;
		size_t l = flow_sock_of_fd(b, &fd);
		return l != FLOW_NONE && b->f->socks[l].message ? MADE_SEQPACKET : 0;
	}
	return 0;
}

size_t flow_dgram_named(struct flow_build *b, const char *text)
{
	const char *p = text ? strstr(text, "sun_path=") : NULL;
	if (!p)
		return FLOW_NONE;
	p += strlen("sun_path=");
	char name[130], raw[128];
	size_t at = *p == '@';
	if (at)
		p++;
	int trunc = 0;
	int n = trace_unquote(p, raw, sizeof(raw) - 1, &trunc);
	if (n <= 0 || trunc || memchr(raw, '\0', (size_t)n))
		return FLOW_NONE; /* no name, or one the tags cannot show */
	name[0] = '@';
	memcpy(name + at, raw, (size_t)n);
	name[at + (size_t)n] = '\0';
	/* A name is held by one socket at a time; a trace that reuses it
	 * for another socket later pairs with the first one. */
	struct flow *f = b->f;
	for (size_t k = 0; k < f->nsocks; k++)
		if (f->socks[k].dgram && strcmp(f->socks[k].addr, name) == 0)
			return k;
	return FLOW_NONE;
}

/* A datagram socket's connect() names the socket its send()s go to: that
 * is its peer, one way (no tag shows it). */
static void link_dgram_connects(struct flow_build *b)
{
	const struct trace *t = b->t;
	struct flow *f = b->f;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL || strcmp(ev->name, "connect") != 0 ||
		    !ev->has_ret || ev->ret != 0)
			continue;
		char text[512];
		struct trace_fd fd;
		if (trace_arg(ev, 0, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
			continue;
		size_t s = flow_sock_of_fd(b, &fd);
		if (s == FLOW_NONE || !f->socks[s].dgram || f->socks[s].peer != FLOW_NONE ||
		    trace_arg(ev, 1, text, sizeof(text)) < 0)
			continue;
		size_t p = flow_dgram_named(b, text);
		if (p != FLOW_NONE && p != s)
			f->socks[s].peer = p;
	}
}

/* TCP and UDP: the peer of "L->R" is "R->L", when both are in the trace. */
static void link_inet(struct flow_build *b)
{
	struct flow *f = b->f;
	for (size_t k = 0; k < f->nsocks; k++) {
		struct flow_sock *s = &f->socks[k];
		const char *arrow = strstr(s->addr, "->");
		if (is_unix(s->proto) || s->peer != FLOW_NONE || !arrow)
			continue;
		char key[192];
		snprintf(key, sizeof(key), "%s:%s->%.*s", s->proto, arrow + 2,
			 (int)(arrow - s->addr), s->addr);
		size_t p = flow_key_get(&b->socks_by_key, key);
		if (p != FLOW_NONE && p != k)
			s->peer = p;
	}
}

int flow_scan_socks(struct flow_build *b)
{
	const struct trace *t = b->t;
	struct flow *f = b->f;
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind != TRACE_CALL)
			continue;
		int pair = strcmp(ev->name, "socketpair") == 0;
		int made = message_call(b, ev);
		if (scan_text(b, ev->args, pair ? made : 0) < 0 ||
		    scan_text(b, ev->ret_text, made) < 0)
			return -1;
	}
	link_inet(b);
	link_dgram_connects(b);
	/* A connection's peer relation goes both ways: B->A completes A->B
	 * when only one side's tag showed it. Datagram sockets connect one
	 * way. */
	for (size_t k = 0; k < f->nsocks; k++) {
		size_t p = f->socks[k].peer;
		if (p != FLOW_NONE && !f->socks[k].dgram && f->socks[p].peer == FLOW_NONE)
			f->socks[p].peer = k;
	}
	if (f->nsocks > 0) {
		b->peer_in = malloc(f->nsocks * sizeof(*b->peer_in));
		if (!b->peer_in) {
			errno = ENOMEM;
			return -1;
		}
	}
	for (size_t k = 0; k < f->nsocks; k++)
		b->peer_in[k] = FLOW_NONE;
	for (size_t k = 0; k < f->nsocks; k++) {
		size_t p = f->socks[k].peer;
		if (p == FLOW_NONE)
			continue;
		b->peer_in[p] = b->peer_in[p] == FLOW_NONE ? k : FLOW_MANY;
	}
	return 0;
}
