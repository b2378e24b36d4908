/* seq_text.h: small text helpers for diagram labels: appending, cutting
 * to a width, and showing data bytes safely. */
#ifndef DIAGRAMS_SEQ_TEXT_H
#define DIAGRAMS_SEQ_TEXT_H

#include <stddef.h>

/* Appends formatted text at buf[len] (cap bytes in all, always
 * terminated); returns the new length, never more than cap - 1. */
size_t text_add(char *buf, size_t cap, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Copies src cut to at most max characters; a cut text ends with "...". */
void text_head(char *dst, size_t cap, const char *src, size_t max);

/* Copies src cut to its last max characters; a cut text starts with
 * "...". For paths, whose end says the most. */
void text_tail(char *dst, size_t cap, const char *src, size_t max);

/* Shows n data bytes the way strace does ("\n", "\"", "\346" for bytes
 * outside printable ASCII), in at most max characters, "..." when cut. */
void text_preview(char *dst, size_t cap, const char *bytes, size_t n, size_t max);

/* "23 B", or "2097152 B (2.0 MiB)" from 1 MiB on. */
const char *text_bytes(long n, char *buf, size_t cap);

#endif
