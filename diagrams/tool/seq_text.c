/* seq_text.c: small text helpers for diagram labels (see seq_text.h).
 *
 * Labels stay plain ASCII: what strace shows of a program's data can be
 * any bytes, and a diagram must render the same with every font. */
#include "seq_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t text_add(char *buf, size_t cap, size_t len, const char *fmt, ...)
{
	if (cap == 0)
		return 0;
	if (len >= cap)
		len = cap - 1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return len;
	return len + (size_t)n < cap ? len + (size_t)n : cap - 1;
}

void text_head(char *dst, size_t cap, const char *src, size_t max)
{
	if (cap == 0)
		return;
	size_t n = strlen(src);
	if (max < 4)
		max = 4;
	if (n <= max) {
		snprintf(dst, cap, "%s", src);
		return;
	}
	snprintf(dst, cap, "%.*s...", (int)(max - 3), src);
}

void text_tail(char *dst, size_t cap, const char *src, size_t max)
{
	if (cap == 0)
		return;
	size_t n = strlen(src);
	if (max < 4)
		max = 4;
	if (n <= max) {
		snprintf(dst, cap, "%s", src);
		return;
	}
	snprintf(dst, cap, "...%s", src + n - (max - 3));
}

/* One byte as strace shows it inside a string. */
static size_t show_byte(unsigned char c, char *one, size_t cap)
{
	if (c == '\n' || c == '\t' || c == '\r')
		snprintf(one, cap, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
	else if (c == '"' || c == '\\')
		snprintf(one, cap, "\\%c", c);
	else if (c < 0x20 || c >= 0x7f)
		snprintf(one, cap, "\\%o", c);
	else
		snprintf(one, cap, "%c", c);
	return strlen(one);
}

void text_preview(char *dst, size_t cap, const char *bytes, size_t n, size_t max)
{
	if (cap == 0)
		return;
	if (max + 1 > cap)
		max = cap - 1;
	size_t total = 0;
	char one[8];
	for (size_t i = 0; i < n && total <= max; i++)
		total += show_byte((unsigned char)bytes[i], one, sizeof(one));
	/* Cut only when it does not fit, and then leave room for "...". */
	size_t limit = total <= max ? max : (max > 3 ? max - 3 : 0);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = show_byte((unsigned char)bytes[i], one, sizeof(one));
		if (o + len > limit)
			break;
		memcpy(dst + o, one, len);
		o += len;
	}
	dst[o] = '\0';
	if (total > max)
		snprintf(dst + o, cap - o, "...");
}

const char *text_bytes(long n, char *buf, size_t cap)
{
	/* Exact counts: the lesson compares them with the program's. */
	if (n < 1024L * 1024)
		snprintf(buf, cap, "%ld B", n);
	else
		snprintf(buf, cap, "%ld B (%.1f MiB)", n, n / (1024.0 * 1024.0));
	return buf;
}
