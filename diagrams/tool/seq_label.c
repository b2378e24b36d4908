/* seq_label.c: the words on each arrow.
 *
 * A label is short enough to keep the diagram at page width: the call
 * with its key arguments (fd, address, address length, backlog, byte
 * count) and its result (an error by name); a long one is broken before
 * the result. Data calls add the lines of seq_data.c: which of the two
 * copies the arrow is, and the "#n" that ties a write to its reads. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"
#include "seq_text.h"

#define ARG_MAX 512
#define WIDE 46 /* a label line longer than this is broken */

static int arg(const struct trace_event *ev, int i, char *buf, size_t cap)
{
	if (trace_arg(ev, i, buf, cap) < 0) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* The fd number of argument i ("3<UNIX-STREAM:[...]>" -> 3), or -1. */
static int fd_arg(const struct trace_event *ev, int i)
{
	char text[ARG_MAX];
	struct trace_fd fd;
	if (arg(ev, i, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
		return -1;
	return fd.fd;
}

/* A quoted string found after `key` in text, unescaped into out (shown
 * with non-printable bytes as '.'). Returns 0, or -1 when absent. */
static int string_after(const char *text, const char *key, char *out, size_t cap)
{
	const char *p = strstr(text, key);
	if (!p)
		return -1;
	p += strlen(key);
	char raw[256];
	int n = trace_unquote(p, raw, sizeof(raw), NULL);
	if (n < 0)
		return -1;
	text_preview(out, cap, raw, (size_t)n, cap - 1);
	return 0;
}

/* A socket address as strace prints it, made short: "/tmp/x/s.sock",
 * "@name", "127.0.0.1:5000", "(no name)". */
static void address(const char *text, char *out, size_t cap)
{
	char name[200];
	if (strcmp(text, "NULL") == 0) {
		snprintf(out, cap, "NULL");
	} else if (strstr(text, "sun_path=@")) {
		string_after(text, "sun_path=@", name, sizeof(name));
		char tail[64];
		text_tail(tail, sizeof(tail), name, 32);
		snprintf(out, cap, "@%s", tail);
	} else if (strstr(text, "sun_path=")) {
		string_after(text, "sun_path=", name, sizeof(name));
		char tail[64];
		text_tail(tail, sizeof(tail), name, 32);
		snprintf(out, cap, "\"%s\"", tail);
	} else if (strstr(text, "AF_UNIX")) {
		snprintf(out, cap, "(no name)");
	} else if (strstr(text, "sin_port=htons(") || strstr(text, "sin6_port=htons(")) {
		const char *p = strstr(text, "port=htons(");
		long port = strtol(p + strlen("port=htons("), NULL, 10);
		char ip[64] = "?";
		if (string_after(text, "inet_addr(", ip, sizeof(ip)) < 0) {
			const char *q = strstr(text, "inet_pton(AF_INET6, ");
			if (q)
				string_after(q, "inet_pton(AF_INET6, ", ip, sizeof(ip));
		}
		snprintf(out, cap, strchr(ip, ':') ? "[%s]:%ld" : "%s:%ld", ip, port);
	} else {
		text_head(out, cap, text, 24);
	}
}

/* The value of key in a msghdr as strace prints it ("msg_namelen=" gives
 * "110 => 8"), up to the next ',' or '}' outside quotes and brackets.
 * Returns 0, or -1 (out "") when the key is absent. */
static int msghdr_field(const char *hdr, const char *key, char *out, size_t cap)
{
	const char *p = strstr(hdr, key);
	size_t n = 0;
	out[0] = '\0';
	if (!p)
		return -1;
	int depth = 0, quoted = 0;
	for (p += strlen(key); *p && n + 2 < cap; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				out[n++] = *p++;
			else if (*p == '"')
				quoted = 0;
		} else if (*p == '"') {
			quoted = 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (depth-- == 0)
				break;
		} else if (*p == ',' && depth == 0) {
			break;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	return 0;
}

/* sendmsg() and recvmsg(): the byte count or room, the flags, the
 * address a datagram went to or came from with its length, and a cut the
 * kernel reported (MSG_TRUNC in msg_flags). */
static size_t msghdr_text(const struct trace_event *ev, int fd, int with_address, char *buf,
			  size_t cap)
{
	char hdr[2048], flags[ARG_MAX], f[256], name[256], shown[128];
	int recv = ev->name[0] == 'r';
	arg(ev, 1, hdr, sizeof(hdr));
	arg(ev, 2, flags, sizeof(flags));
	size_t len = text_add(buf, cap, 0, "%s(%d", ev->name, fd);
	char room[64];
	msghdr_field(hdr, "iov_len=", room, sizeof(room));
	if (room[0])
		len = text_add(buf, cap, len, recv ? ", max %s" : ", %s B", room);
	if (flags[0] && strcmp(flags, "0") != 0)
		len = text_add(buf, cap, len, ", %s", flags);
	len = text_add(buf, cap, len, ")");
	if (with_address && msghdr_field(hdr, "msg_name=", name, sizeof(name)) == 0 &&
	    name[0] == '{') {
		address(name, shown, sizeof(shown));
		msghdr_field(hdr, "msg_namelen=", f, sizeof(f));
		len = text_add(buf, cap, len, "\n%s %s, namelen %s", recv ? "from" : "to",
			       shown, f);
	}
	if (with_address && recv && msghdr_field(hdr, "msg_flags=", f, sizeof(f)) == 0 &&
	    strstr(f, "MSG_TRUNC"))
		len = text_add(buf, cap, len, "\nmsg_flags MSG_TRUNC: cut to %s B", room);
	return len;
}

/* ", to @name, addrlen 8" for a sendto() with an address; ", from
 * @name, addrlen 110 => 8" for a recvfrom() that asked for one. */
static size_t peer_address_text(const struct trace_event *ev, char *buf, size_t cap, size_t len)
{
	char a4[ARG_MAX], a5[64], shown[128];
	if (arg(ev, 4, a4, sizeof(a4)) < 0 || a4[0] != '{')
		return len;
	arg(ev, 5, a5, sizeof(a5));
	size_t l5 = strlen(a5);
	if (l5 > 1 && a5[0] == '[' && a5[l5 - 1] == ']') {
		memmove(a5, a5 + 1, l5 - 2);
		a5[l5 - 2] = '\0';
	}
	address(a4, shown, sizeof(shown));
	return text_add(buf, cap, len, "\n%s %s, addrlen %s",
			ev->name[0] == 's' ? "to" : "from", shown, a5);
}

/* "SOCK_STREAM|SOCK_CLOEXEC" -> "SOCK_STREAM|CLOEXEC": the flags after
 * the type lose their common prefix, to keep labels short. */
static void short_flags(const char *type, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = type; *p && o + 1 < cap;) {
		if (p != type && p[-1] == '|' && strncmp(p, "SOCK_", 5) == 0)
			p += 5;
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* "poll(fd 3 POLLIN, 20 ms)": the fds and events of a poll()'s array,
 * and its timeout. */
static size_t poll_text(const struct trace_event *ev, char *buf, size_t cap)
{
	char fds[ARG_MAX], tmo[ARG_MAX];
	arg(ev, 0, fds, sizeof(fds));
	arg(ev, 2, tmo, sizeof(tmo));
	size_t len = text_add(buf, cap, 0, "%s(", ev->name);
	int n = 0;
	for (const char *p = strstr(fds, "fd="); p && n < 3; p = strstr(p + 3, "fd="), n++) {
		long fd = strtol(p + 3, NULL, 10);
		const char *e = strstr(p, "events=");
		char events[48] = "";
		if (e) {
			e += strlen("events=");
			size_t k = strcspn(e, ",}");
			snprintf(events, sizeof(events), " %.*s", (int)(k < 40 ? k : 40), e);
		}
		len = text_add(buf, cap, len, "%sfd %ld%s", n ? ", " : "", fd, events);
	}
	if (strcmp(ev->name, "poll") == 0)
		return text_add(buf, cap, len, ", %s ms)", tmo[0] ? tmo : "?");
	char shown[40];
	text_head(shown, sizeof(shown), tmo, 30);
	return text_add(buf, cap, len, ", %s)", shown);
}

/* A struct timeval of SO_RCVTIMEO/SO_SNDTIMEO, which strace 6.1 shows as
 * 16 raw bytes for the _OLD options: "300 ms", "0 (no timeout)". Returns
 * 1 when it could decode it. */
static int timeval_text(const char *opt, const char *value, char *out, size_t cap)
{
	unsigned char raw[32];
	if (!strstr(opt, "TIMEO"))
		return 0;
	int n = trace_unquote(value, (char *)raw, sizeof(raw), NULL);
	if (n != 16)
		return 0;
	unsigned long long sec = 0, usec = 0;
	for (int k = 7; k >= 0; k--) { /* little-endian 64-bit fields */
		sec = sec << 8 | raw[k];
		usec = usec << 8 | raw[8 + k];
	}
	if (sec == 0 && usec == 0)
		snprintf(out, cap, "0 (no timeout)");
	else if (sec < 10)
		snprintf(out, cap, "%llu ms", sec * 1000 + usec / 1000);
	else
		snprintf(out, cap, "%llu.%03llu s", sec, usec / 1000);
	return 1;
}

/* "execve server s.sock --count 1" from the program and its argv. */
static size_t exec_text(const struct seq *s, const struct seq_row *r, char *buf, size_t cap)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	const struct seq_lane *l = &s->lanes[r->lane];
	char argv[ARG_MAX], line[256] = "";
	size_t len = text_add(line, sizeof(line), 0, "%s", l->prog);
	arg(ev, 1, argv, sizeof(argv));
	/* Skip argv[0] (the program, cut by -s), then each quoted word. */
	const char *p = argv[0] == '[' ? argv + 1 : argv;
	for (int k = 0; *p; k++) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p != '"')
			break;
		char word[128];
		int n = trace_unquote(p, word, sizeof(word), NULL);
		/* Step over the string: to the closing quote, escapes and all. */
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;
		if (*p)
			p++;
		while (*p == '.')
			p++; /* the "..." of a cut string */
		if (k > 0 && n >= 0) {
			char shown[64];
			text_preview(shown, sizeof(shown), word, (size_t)n, 28);
			len = text_add(line, sizeof(line), len, " %s", shown);
		}
	}
	char cut[80];
	text_head(cut, sizeof(cut), line, 44);
	return text_add(buf, cap, 0, "execve: %s", cut);
}

/* ", SCM_RIGHTS [5 = secret]" for a sendmsg() or recvmsg() whose control
 * message passes descriptors (the first one named by the tail of its -yy
 * tag, with "+N" for any more); "" for any other call. */
static size_t rights_text(const struct trace_event *ev, char *buf, size_t cap, size_t len)
{
	const char *p = ev->args ? strstr(ev->args, "cmsg_type=SCM_RIGHTS, cmsg_data=[") : NULL;
	if (!p)
		return len;
	p = strchr(p, '[') + 1;
	char *end;
	long fd = strtol(p, &end, 10);
	if (end == p)
		return text_add(buf, cap, len, ", SCM_RIGHTS");
	char tag[128] = "", tail[40] = "";
	if (*end == '<') {
		/* The tag may hold <...> and [...] of its own. */
		const char *start = end + 1, *q = start;
		for (int depth = 1; *q && depth > 0; q++)
			depth += *q == '<' ? 1 : *q == '>' ? -1 : 0;
		snprintf(tag, sizeof(tag), "%.*s", (int)(q - 1 - start), start);
		const char *slash = strrchr(tag, '/');
		text_tail(tail, sizeof(tail), slash && tag[0] == '/' ? slash + 1 : tag, 24);
		end = (char *)q;
	}
	int more = 0;
	for (const char *q = end; *q && *q != ']'; q++)
		more += *q == ',';
	len = text_add(buf, cap, len, ", SCM_RIGHTS [%ld%s%s", fd, tail[0] ? " = " : "", tail);
	if (more)
		len = text_add(buf, cap, len, " +%d", more);
	return text_add(buf, cap, len, "]");
}

/* The call with its key arguments, no result. */
static size_t call_text(const struct seq *s, const struct seq_row *r, char *buf, size_t cap)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	const char *n = ev->name;
	char a1[ARG_MAX], a2[ARG_MAX], a3[ARG_MAX], shown[128];
	int fd = fd_arg(ev, 0);
	arg(ev, 1, a1, sizeof(a1));
	arg(ev, 2, a2, sizeof(a2));
	arg(ev, 3, a3, sizeof(a3));

	if (strcmp(n, "execve") == 0)
		return exec_text(s, r, buf, cap);
	if (strcmp(n, "socket") == 0 || strcmp(n, "socketpair") == 0) {
		char a0[ARG_MAX], type[ARG_MAX];
		arg(ev, 0, a0, sizeof(a0));
		short_flags(a1, type, sizeof(type));
		size_t len = text_add(buf, cap, 0, "%s(%s, %s", n, a0, type);
		if (strcmp(a2, "0") != 0 && strcmp(a2, "IPPROTO_IP") != 0)
			len = text_add(buf, cap, len, ", %s", a2);
		return text_add(buf, cap, len, ")");
	}
	if (strcmp(n, "bind") == 0 || strcmp(n, "connect") == 0) {
		address(a1, shown, sizeof(shown));
		return text_add(buf, cap, 0, "%s(%d, %s, %s)", n, fd, shown, a2);
	}
	if (strcmp(n, "listen") == 0)
		return text_add(buf, cap, 0, "listen(%d, backlog %s)", fd, a1);
	if (strcmp(n, "sendmsg") == 0 || strcmp(n, "recvmsg") == 0) {
		size_t len = text_add(buf, cap, 0, "%s(%d", n, fd);
		return text_add(buf, cap, rights_text(ev, buf, cap, len), ")");
	}
	if (strcmp(n, "accept") == 0 || strcmp(n, "accept4") == 0 ||
	    strcmp(n, "close") == 0 || strcmp(n, "getsockname") == 0 ||
	    strcmp(n, "getpeername") == 0 || strcmp(n, "readv") == 0 ||
	    strcmp(n, "writev") == 0)
		return text_add(buf, cap, 0, "%s(%d)", n, fd);
	if (strcmp(n, "sendmsg") == 0 || strcmp(n, "recvmsg") == 0)
		return msghdr_text(ev, fd, r->kind != ROW_WAIT, buf, cap);
	if (strcmp(n, "shutdown") == 0)
		return text_add(buf, cap, 0, "shutdown(%d, %s)", fd, a1);
	if (strcmp(n, "setsockopt") == 0 || strcmp(n, "getsockopt") == 0) {
		if (!timeval_text(a2, a3, shown, sizeof(shown)))
			text_head(shown, sizeof(shown), a3, 30);
		return text_add(buf, cap, 0, "%s(%d, %s, %s)", n, fd, a2, shown);
	}
	if (strcmp(n, "unlink") == 0 || strcmp(n, "unlinkat") == 0) {
		char p[ARG_MAX], path[200], tail[64];
		arg(ev, strcmp(n, "unlink") == 0 ? 0 : 1, p, sizeof(p));
		if (trace_unquote(p, path, sizeof(path), NULL) >= 0)
			text_tail(tail, sizeof(tail), path, 32);
		else
			text_head(tail, sizeof(tail), p, 28);
		return text_add(buf, cap, 0, "%s(\"%s\")", n, tail);
	}
	if (flow_is_write(n)) {
		size_t len = a2[0] ? text_add(buf, cap, 0, "%s(%d, %s B", n, fd, a2)
				   : text_add(buf, cap, 0, "%s(%d", n, fd);
		if ((strcmp(n, "sendto") == 0 || strcmp(n, "send") == 0) && strcmp(a3, "0") != 0)
			len = text_add(buf, cap, len, ", %s", a3);
		len = text_add(buf, cap, len, ")");
		return strcmp(n, "sendto") == 0 ? peer_address_text(ev, buf, cap, len) : len;
	}
	if (flow_is_read(n)) {
		/* A read cut short by the process's death has no length. */
		size_t len = a2[0] ? text_add(buf, cap, 0, "%s(%d, max %s", n, fd, a2)
				   : text_add(buf, cap, 0, "%s(%d", n, fd);
		if ((strcmp(n, "recvfrom") == 0 || strcmp(n, "recv") == 0) && strcmp(a3, "0") != 0)
			len = text_add(buf, cap, len, ", %s", a3);
		len = text_add(buf, cap, len, ")");
		return strcmp(n, "recvfrom") == 0 && r->kind != ROW_WAIT
		       ? peer_address_text(ev, buf, cap, len) : len;
	}
	if (strcmp(n, "poll") == 0 || strcmp(n, "ppoll") == 0)
		return poll_text(ev, buf, cap);
	if (strcmp(n, "fcntl") == 0) {
		text_head(shown, sizeof(shown), a2, 24);
		return text_add(buf, cap, 0, "fcntl(%d, %s%s%s)", fd, a1, a2[0] ? ", " : "", shown);
	}
	text_head(shown, sizeof(shown), ev->args ? ev->args : "", 30);
	return text_add(buf, cap, 0, "%s(%s)", n, shown);
}

/* " = 3", " = -1 ECONNREFUSED", " = 0 (EOF)", " = [3, 4]". */
static size_t result_text(const struct trace_event *ev, char *buf, size_t cap, size_t len)
{
	if (!ev->has_ret)
		return text_add(buf, cap, len, " = ?");
	/* strace prints the old umask in octal, as it was given. */
	if (strcmp(ev->name, "umask") == 0 && ev->ret_text)
		return text_add(buf, cap, len, " = %.8s", ev->ret_text);
	if (ev->ret < 0 && ev->errname[0])
		return text_add(buf, cap, len, " = -1 %s", ev->errname);
	if (flow_is_read(ev->name) && ev->ret == 0)
		return text_add(buf, cap, len, " = 0 (EOF)");
	if (strcmp(ev->name, "socketpair") == 0 && ev->ret == 0) {
		char pair[ARG_MAX];
		struct trace_fd a, b;
		char one[ARG_MAX];
		if (arg(ev, 3, pair, sizeof(pair)) == 0 && pair[0] == '[') {
			/* "[3<UNIX-STREAM:[..]>, 4<...>]": the two fd numbers. */
			struct trace_event tmp = {.args = pair + 1};
			if (trace_arg(&tmp, 0, one, sizeof(one)) >= 0 && trace_parse_fd(one, &a) == 0 &&
			    trace_arg(&tmp, 1, one, sizeof(one)) >= 0) {
				size_t l = strlen(one);
				if (l > 0 && one[l - 1] == ']')
					one[l - 1] = '\0';
				if (trace_parse_fd(one, &b) == 0)
					return text_add(buf, cap, len, " = 0, fds [%d, %d]", a.fd, b.fd);
			}
		}
	}
	if ((strcmp(ev->name, "getsockname") == 0 || strcmp(ev->name, "getpeername") == 0) &&
	    ev->ret == 0) {
		char a1[ARG_MAX], shown[128];
		arg(ev, 1, a1, sizeof(a1));
		address(a1, shown, sizeof(shown));
		return text_add(buf, cap, len, " = 0: %s", shown);
	}
	return text_add(buf, cap, len, " = %ld", ev->ret);
}

/* On the return of a receive that waited: the address it reported and
 * a cut (what its call text leaves out while it waits). */
static size_t return_address_text(const struct trace_event *ev, char *buf, size_t cap,
				  size_t len)
{
	if (!ev->has_ret || ev->ret < 0)
		return len;
	if (strcmp(ev->name, "recvfrom") == 0)
		return peer_address_text(ev, buf, cap, len);
	if (strcmp(ev->name, "recvmsg") != 0)
		return len;
	char call[512];
	size_t n = msghdr_text(ev, -1, 1, call, sizeof(call));
	const char *rest = memchr(call, '\n', n);
	return rest ? text_add(buf, cap, len, "%s", rest) : len;
}

/* How long a call took, when 1 ms or more: " (12.5 ms)" in a call's
 * label, "\nafter 12.5 ms" on the return of a call that waited. */
static size_t duration_text(const struct trace_event *ev, char *buf, size_t cap, size_t len,
			    int after)
{
	const char *pre = after ? "\nafter " : " (", *post = after ? "" : ")";
	if (ev->duration >= 1.0)
		return text_add(buf, cap, len, "%s%.3f s%s", pre, ev->duration, post);
	if (ev->duration >= 0.001)
		return text_add(buf, cap, len, "%s%.1f ms%s", pre, ev->duration * 1000, post);
	return len;
}

int seq_from_kernel(const struct seq *s, const struct seq_row *r)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	switch (r->kind) {
	case ROW_SIGNAL:
	case ROW_RETURN:
		return 1;
	case ROW_CALL:
		return flow_is_read(ev->name);
	default:
		return 0;
	}
}

size_t seq_label(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
		 int *style)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	size_t len = 0;
	*style = SEQ_STYLE_PLAIN;
	buf[0] = '\0';
	if (r->count > 1)
		len = text_add(buf, cap, len, "x%ld ", r->count);
	switch (r->kind) {
	case ROW_SIGNAL:
		*style = SEQ_STYLE_SIGNAL;
		return text_add(buf, cap, len, "%s", ev->name);
	case ROW_EXIT:
		if (ev->status != 0)
			*style = SEQ_STYLE_ERROR;
		return text_add(buf, cap, len, "exit %d", ev->status);
	case ROW_KILLED:
		*style = SEQ_STYLE_ERROR;
		return text_add(buf, cap, len, "killed by %s", ev->name);
	case ROW_WAIT:
		*style = SEQ_STYLE_WAIT;
		len += call_text(s, r, buf + len, cap - len);
		return text_add(buf, cap, len, ev->has_ret ? " ...\nwaits" : " ...\nnever returned");
	case ROW_RETURN:
		len = text_add(buf, cap, len, "%s", ev->name);
		len = result_text(ev, buf, cap, len);
		len = duration_text(ev, buf, cap, len, 1);
		len = return_address_text(ev, buf, cap, len);
		break;
	case ROW_CALL:
		len += call_text(s, r, buf + len, cap - len);
		if (strcmp(ev->name, "execve") != 0) {
			/* A long call puts its result on a line of its own, to keep
			 * the columns narrow. */
			char res[96];
			size_t rl = result_text(ev, res, sizeof(res), 0);
			rl = duration_text(ev, res, sizeof(res), rl, 0);
			len = text_add(buf, cap, len, "%s%s", len + rl > WIDE ? "\n" : "",
				       res + (len + rl > WIDE));
		}
		break;
	}
	if (ev->has_ret && ev->ret < 0 && ev->errname[0]) {
		*style = SEQ_STYLE_ERROR;
		return len;
	}
	size_t before = len;
	len = seq_data_text(s, r, buf, cap, len);
	if (len != before)
		*style = SEQ_STYLE_DATA;
	return len;
}

/* Replaces every occurrence of each mask in buf with "*" (a number only
 * where no digit touches it), and a name the
 * kernel chose (autobind: '@' and 5 hex digits, alone) with
 * "@<autobind>"; any byte outside printable ASCII or well-formed UTF-8
 * becomes '?', so that the list is one line per row. */
static size_t normalize(const struct seq *s, char *buf, size_t cap, size_t len)
{
	for (int m = 0; m < s->opts.nmasks; m++) {
		const char *mask = s->opts.masks[m];
		size_t ml = strlen(mask);
		if (ml == 0)
			continue;
		/* A number (a pid) is masked only where it stands alone. */
		int number = isdigit((unsigned char)mask[0]) && isdigit((unsigned char)mask[ml - 1]);
		for (char *p = strstr(buf, mask); p; p = strstr(p + 1, mask)) {
			if (number && ((p > buf && isdigit((unsigned char)p[-1])) ||
				       isdigit((unsigned char)p[ml])))
				continue;
			memmove(p + 1, p + ml, len - (size_t)(p - buf) - ml + 1);
			*p = '*';
			len -= ml - 1;
		}
	}
	for (char *p = strchr(buf, '@'); p; p = strchr(p + 1, '@')) {
		size_t k = 1;
		while (k <= 6 && p[k] && strchr("0123456789abcdef", p[k]))
			k++;
		if (k != 6 || (p[6] && (isalnum((unsigned char)p[6]) || p[6] == '-' || p[6] == '_')))
			continue;
		static const char word[] = "@<autobind>";
		size_t wl = sizeof(word) - 1;
		if (len - 6 + wl + 1 > cap)
			break;
		memmove(p + wl, p + 6, len - (size_t)(p - buf) - 6 + 1);
		memcpy(p, word, wl);
		len += wl - 6;
	}
	for (unsigned char *p = (unsigned char *)buf; *p; p++) {
		if (*p == '\n')
			*p = ' ';
		else if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p >= 0x80) {
			/* Keep a well-formed UTF-8 sequence, mark any other byte. */
			size_t n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
			size_t k = 1;
			while (n && k < n && (p[k] & 0xc0) == 0x80)
				k++;
			if (n && k == n)
				p += n - 1;
			else
				*p = '?';
		}
	}
	return len;
}

/* In the row list, a poll's timeout is left out when positive: a
 * program that polls until a deadline asks for what is left of it, which
 * differs from run to run. */
static size_t mask_timeout(const struct trace_event *ev, char *buf, size_t cap, size_t len)
{
	if (strcmp(ev->name, "poll") == 0 && len > 4 && strcmp(buf + len - 4, " ms)") == 0) {
		char *comma = strrchr(buf, ',');
		if (comma && comma[1] == ' ' && comma[2] >= '1' && comma[2] <= '9') {
			*comma = '\0';
			return text_add(buf, cap, (size_t)(comma - buf), ", some ms)");
		}
	} else if (strcmp(ev->name, "ppoll") == 0 && len > 0 && buf[len - 1] == ')') {
		char *comma = strrchr(buf, ',');
		if (comma && strncmp(comma, ", NULL)", 7) != 0 && strstr(comma, "tv_"))
			return text_add(buf, cap, (size_t)(comma - buf), ", a timeout)");
	}
	return len;
}

int seq_stream_read(const struct seq *s, const struct seq_row *r)
{
	const struct flow_io *io = flow_io_of(s->f, r->ev);
	return (r->kind == ROW_CALL || r->kind == ROW_RETURN) && r->count == 1 && io &&
	       io->op == FLOW_READ && io->bytes > 0 && !s->f->socks[io->sock].message;
}

/* The bytes of a run of reads (what strace showed of them, joined), as a
 * quoted preview appended at buf[len]. */
static size_t joined_preview(const struct seq *s, const struct seq_row *const *rows, size_t n,
			     char *buf, size_t cap, size_t len)
{
	char raw[512] = "", part[256], data[ARG_MAX];
	size_t got = 0;
	int trunc = 0;
	for (size_t k = 0; k < n && got < sizeof(raw); k++) {
		const struct trace_event *ev = &s->t->ev[rows[k]->ev];
		int cut = 0;
		if (arg(ev, 1, data, sizeof(data)) < 0)
			return len;
		int m = trace_unquote(data, part, sizeof(part), &cut);
		if (m < 0)
			return len;
		size_t take = (size_t)m < sizeof(raw) - got ? (size_t)m : sizeof(raw) - got;
		memcpy(raw + got, part, take);
		got += take;
		trunc |= cut;
	}
	char shown[48];
	text_preview(shown, sizeof(shown), raw, got, 32);
	return text_add(buf, cap, len, " \"%s\"%s", shown, trunc && got <= 32 ? "..." : "");
}

size_t seq_row_text(const struct seq *s, const struct seq_row *const *rows, size_t n,
		    char *buf, size_t cap)
{
	const struct seq_row *r = rows[0];
	const struct trace_event *ev = &s->t->ev[r->ev];
	size_t len = 0;
	buf[0] = '\0';
	if (n > 1) {
		/* Reads of one stream: one read of all their bytes. */
		long total = 0;
		for (size_t k = 0; k < n; k++)
			total += s->t->ev[rows[k]->ev].ret;
		len = call_text(s, r, buf, cap);
		len = text_add(buf, cap, len, " = %ld", total);
		const char *name = ev->name;
		if (strcmp(name, "read") == 0 || strcmp(name, "recv") == 0 ||
		    strcmp(name, "recvfrom") == 0)
			len = joined_preview(s, rows, n, buf, cap, len);
		return normalize(s, buf, cap, len);
	}
	switch (r->kind) {
	case ROW_SIGNAL:
		len = text_add(buf, cap, 0, "signal %s", ev->name);
		break;
	case ROW_EXIT:
		len = text_add(buf, cap, 0, "exit %d", ev->status);
		break;
	case ROW_KILLED:
		len = text_add(buf, cap, 0, "killed by %s", ev->name);
		break;
	case ROW_WAIT:
		if (ev->has_ret)
			return 0; /* its ROW_RETURN stands for the call */
		len = call_text(s, r, buf, cap);
		len = text_add(buf, cap, len, " = ? (never returned)");
		break;
	case ROW_RETURN:
	case ROW_CALL:
		len = call_text(s, r, buf, cap);
		if (strcmp(ev->name, "execve") == 0)
			break;
		if (r->count > 1 && r->period == 0) {
			/* A transfer in pieces: their sizes vary from run to run,
			 * their total does not. */
			char nb[48];
			len = text_add(buf, cap, len, " in pieces, %s in all",
				       text_bytes(r->total_bytes, nb, sizeof(nb)));
			break;
		}
		len = mask_timeout(ev, buf, cap, len);
		len = result_text(ev, buf, cap, len);
		if (!(ev->has_ret && ev->ret < 0)) {
			char data[64];
			if (seq_data_preview(s, r, data, sizeof(data), 0) > 0)
				len = text_add(buf, cap, len, " %s", data);
		}
		break;
	}
	return normalize(s, buf, cap, len);
}
