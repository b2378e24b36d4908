/* proto.c: the protocol's three kinds of lines, parsed and formatted
 * (given).
 *
 * The lesson of this lab is what happens around the lines (reconnecting,
 * acknowledging, resending), not how to scan them, so this file is given
 * complete. Parsing is strict: a line the daemon does not understand is
 * an error for that client, never a guess. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reconnect.h"

/* Whether s is a valid session token: 1 to RC_SESSION_MAX bytes of
 * [0-9A-Za-z_-]. */
static int session_ok(const char *s, size_t n)
{
	if (n == 0 || n > RC_SESSION_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Reads a decimal seq >= 1 at *p (digits only, no sign, no overflow) and
 * moves *p past it. Returns 0, or -1 when there is none. */
static int parse_seq(const char **p, unsigned long *seq)
{
	const char *s = *p;
	unsigned long v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');
		if (v > (~0UL - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (n == 0 || v == 0)
		return -1;
	*seq = v;
	*p = s + n;
	return 0;
}

int proto_parse(const char *line, struct proto_line *out)
{
	memset(out, 0, sizeof(*out));
	if (strncmp(line, "HELLO ", 6) == 0) {
		const char *s = line + 6;
		size_t n = strlen(s);
		if (!session_ok(s, n))
			goto bad;
		out->kind = PROTO_HELLO;
		memcpy(out->session, s, n + 1);
		return 0;
	}
	if (strncmp(line, "MSG ", 4) == 0 || strncmp(line, "ACK ", 4) == 0) {
		const char *p = line + 4;
		if (parse_seq(&p, &out->seq) == -1)
			goto bad;
		/* The text is optional; when present, one space comes first. */
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			goto bad;
		out->kind = line[0] == 'M' ? PROTO_MSG : PROTO_ACK;
		out->text = p;
		return 0;
	}
bad:
	errno = EPROTO;
	return -1;
}

/* Formats "<word> <seq> <text>\n" into buf. */
static int format_seq_line(char *buf, size_t cap, const char *word,
			   unsigned long seq, const char *text)
{
	if (seq == 0 || text == NULL || strchr(text, '\n') != NULL) {
		errno = EINVAL;
		return -1;
	}
	int n = snprintf(buf, cap, "%s %lu %s\n", word, seq, text);
	if (n < 0)
		return -1;
	if ((size_t)n >= cap || n > RC_LINE_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

int proto_hello(char *buf, size_t cap, const char *session)
{
	if (session == NULL || !session_ok(session, strlen(session))) {
		errno = EINVAL;
		return -1;
	}
	int n = snprintf(buf, cap, "HELLO %s\n", session);
	if (n < 0)
		return -1;
	if ((size_t)n >= cap) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

int proto_msg(char *buf, size_t cap, unsigned long seq, const char *text)
{
	return format_seq_line(buf, cap, "MSG", seq, text);
}

int proto_ack(char *buf, size_t cap, unsigned long seq, const char *text)
{
	return format_seq_line(buf, cap, "ACK", seq, text);
}
