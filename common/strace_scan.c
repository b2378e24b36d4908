/* strace_scan.c: bounded scanning of strace's argument text and escapes. */
#include "strace_internal.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#define STACK_MAX 64

/* Index just past a quoted string that starts at s[i] == '"' (or end when
 * the closing quote is missing). */
static size_t skip_quoted(const char *s, size_t i, size_t end)
{
	for (i++; i < end; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return end;
}

/* Whether the tag opened at s[i] == '<' has the socket-like shape
 * "WORD:[", whose brackets must balance before '>' can close it. Other
 * tags hold a file path, where brackets mean nothing. */
static int socket_tag(const char *s, size_t i, size_t end)
{
	size_t j = i + 1;
	while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '_'))
		j++;
	return j > i + 1 && j + 1 < end && s[j] == ':' && s[j + 1] == '[';
}

size_t tscan(const char *s, size_t i, size_t end, const char *stops)
{
	char stack[STACK_MAX]; /* the closer each open bracket waits for */
	size_t depth = 0, extra = 0;

	while (i < end) {
		char c = s[i];
		/* Inside a path tag only escapes and the closing '>' count. */
		if (depth > 0 && stack[depth - 1] == 'p') {
			if (c == '\\')
				i++;
			else if (c == '>')
				depth--;
			i++;
			continue;
		}
		if (c == '"') {
			i = skip_quoted(s, i, end);
			continue;
		}
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (depth == 0 && extra == 0 && c && stops && strchr(stops, c))
			return i;
		char want = 0;
		switch (c) {
		case '(': want = ')'; break;
		case '[': want = ']'; break;
		case '{': want = '}'; break;
		case '<':
			/* A -yy tag follows an fd number: "3<...>". */
			if (i > 0 && isdigit((unsigned char)s[i - 1]) &&
			    i + 1 < end && s[i + 1] != '<')
				want = socket_tag(s, i, end) ? '>' : 'p';
			break;
		case ')': case ']': case '}': case '>':
			if (extra > 0) {
				extra--;
				break;
			}
			/* Pops to the matching opener, so that one stray
			 * bracket in garbage does not swallow the rest. A '>'
			 * outside a tag (as in "[112 => 2]") means nothing. */
			for (size_t k = depth; k > 0; k--) {
				if (stack[k - 1] == c) {
					depth = k - 1;
					break;
				}
				if (c == '>')
					break;
			}
			break;
		default:
			break;
		}
		if (want) {
			if (depth < STACK_MAX)
				stack[depth++] = want;
			else
				extra++;
		}
		i++;
	}
	return end;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tunescape(const char *s, size_t i, size_t end, char stop, char *out,
	      size_t cap, size_t *next)
{
	size_t n = 0;
	int overflow = 0;

	while (i < end && s[i] != stop) {
		unsigned char b;
		if (s[i] != '\\' || i + 1 >= end) {
			b = (unsigned char)s[i++];
		} else {
			char e = s[i + 1];
			i += 2;
			switch (e) {
			case 'n': b = '\n'; break;
			case 't': b = '\t'; break;
			case 'r': b = '\r'; break;
			case 'v': b = '\v'; break;
			case 'f': b = '\f'; break;
			case 'a': b = '\a'; break;
			case 'b': b = '\b'; break;
			case 'e': b = 0x1b; break;
			case 'x': {
				int v = 0, k = 0;
				while (k < 2 && i < end && hexval(s[i]) >= 0) {
					v = v * 16 + hexval(s[i++]);
					k++;
				}
				b = (unsigned char)(k ? v : 'x');
				break;
			}
			default:
				if (e >= '0' && e <= '7') {
					int v = e - '0', k = 1;
					while (k < 3 && i < end && s[i] >= '0' && s[i] <= '7') {
						v = v * 8 + (s[i++] - '0');
						k++;
					}
					b = (unsigned char)v;
				} else {
					b = (unsigned char)e; /* \" \\ \' and others */
				}
				break;
			}
		}
		if (n + 1 < cap)
			out[n] = (char)b;
		else
			overflow = 1;
		n++;
	}
	if (cap > 0)
		out[n < cap ? n : cap - 1] = '\0';
	if (next)
		*next = i;
	if (overflow) {
		errno = ERANGE;
		return -1;
	}
	return (int)n;
}
