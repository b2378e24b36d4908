/* strace_args.c: taking a call's argument text apart.
 *
 * Arguments are split at top-level commas (see tscan); fd arguments carry
 * -yy tags that name the socket and its peer; strings use C-like escapes
 * (or \xHH throughout with -xx) and a trailing "..." when strace cut them
 * at its -s limit. */
#include "strace_internal.h"

#include <errno.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_spaces(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t i, size_t end)
{
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	return end;
}

int trace_arg(const struct trace_event *ev, int i, char *buf, size_t cap)
{
	if (!ev || !ev->args || i < 0) {
		errno = ERANGE;
		return -1;
	}
	const char *s = ev->args;
	size_t len = strlen(s), pos = 0;
	if (skip_spaces(s, 0, len) == len) {
		errno = ERANGE; /* a call without arguments */
		return -1;
	}
	for (int k = 0;; k++) {
		size_t start = skip_spaces(s, pos, len);
		size_t stop = tscan(s, start, len, ",");
		if (k == i) {
			size_t end = trim_end(s, start, stop);
			if (end - start + 1 > cap) {
				errno = ERANGE;
				return -1;
			}
			memcpy(buf, s + start, end - start);
			buf[end - start] = '\0';
			return (int)(end - start);
		}
		if (stop >= len) {
			errno = ERANGE;
			return -1;
		}
		pos = stop + 1;
	}
}

/* Reads up to 20 decimal digits into *out; returns the index after them. */
static size_t read_ulong(const char *s, size_t i, size_t end, unsigned long *out)
{
	size_t j = i;
	unsigned long v = 0;
	while (j < end && is_digit(s[j]) && j - i < 19)
		v = v * 10 + (unsigned long)(s[j++] - '0');
	*out = v;
	return j;
}

/* The inside of a UNIX socket tag's brackets: "4817->4818,\"/p\"",
 * "4816,@\"abs\"", "4818". */
static void parse_unix(const char *s, size_t i, size_t end, struct trace_fd *out)
{
	i = read_ulong(s, i, end, &out->inode);
	if (end - i >= 2 && s[i] == '-' && s[i + 1] == '>')
		i = read_ulong(s, i + 2, end, &out->peer);
	if (i < end && s[i] == ',') {
		i++;
		if (i < end && s[i] == '@') {
			out->abstract = 1;
			i++;
		}
		if (i < end && s[i] == '"') {
			/* A name too long for out->name is cut, not refused: the
			 * rest of the tag is still worth having. */
			size_t next;
			tunescape(s, i + 1, end, '"', out->name, sizeof(out->name), &next);
		}
	}
}

int trace_parse_fd(const char *text, struct trace_fd *out)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!text) {
		errno = EINVAL;
		return -1;
	}
	size_t end = strlen(text);
	size_t i = skip_spaces(text, 0, end);
	end = trim_end(text, i, end);
	unsigned long fd;
	size_t j = read_ulong(text, i, end, &fd);
	if (j == i || j - i > 9) {
		errno = EINVAL;
		return -1;
	}
	if (j == end) {
		out->fd = (int)fd; /* a plain number: no -yy tag */
		return 0;
	}
	if (text[j] != '<' || text[end - 1] != '>' || end - 1 <= j) {
		errno = EINVAL;
		return -1;
	}
	out->fd = (int)fd;
	size_t b = j + 1, e = end - 1; /* the tag's inside */

	/* "PROTO:[...]" for sockets, pipes and the like. */
	size_t w = b;
	while (w < e && text[w] != ':' && text[w] != '/' && w - b < sizeof(out->proto))
		w++;
	if (w < e && w > b && text[w] == ':' && w + 1 < e && text[w + 1] == '[' &&
	    text[e - 1] == ']' && w - b < sizeof(out->proto)) {
		memcpy(out->proto, text + b, w - b);
		out->proto[w - b] = '\0';
		size_t ib = w + 2, ie = e - 1;
		if (strncmp(out->proto, "UNIX", 4) == 0) {
			parse_unix(text, ib, ie, out);
		} else {
			size_t k = read_ulong(text, ib, ie, &out->inode);
			if (k != ie) {
				/* TCP/UDP show addresses instead of an inode. */
				out->inode = 0;
				size_t n = ie - ib;
				if (n >= sizeof(out->name))
					n = sizeof(out->name) - 1;
				memcpy(out->name, text + ib, n);
				out->name[n] = '\0';
			}
		}
		return 0;
	}
	/* Otherwise the tag is a file path, escaped like a string. */
	size_t next;
	tunescape(text, b, e, '\0', out->name, sizeof(out->name), &next);
	return 0;
}

int trace_unquote(const char *text, char *buf, size_t cap, int *truncated)
{
	if (truncated)
		*truncated = 0;
	if (!text || !buf) {
		errno = EINVAL;
		return -1;
	}
	size_t end = strlen(text);
	size_t i = skip_spaces(text, 0, end);
	if (i >= end || text[i] != '"') {
		errno = EINVAL;
		return -1;
	}
	size_t next;
	int n = tunescape(text, i + 1, end, '"', buf, cap, &next);
	int saved = errno;
	if (next >= end || text[next] != '"') {
		if (cap > 0)
			buf[0] = '\0';
		errno = EINVAL;
		return -1;
	}
	if (truncated && end - (next + 1) >= 3 && memcmp(text + next + 1, "...", 3) == 0)
		*truncated = 1;
	if (n < 0)
		errno = saved;
	return n;
}
