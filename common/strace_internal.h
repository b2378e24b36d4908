/* strace_internal.h: pieces shared by the strace_*.c files, not an API.
 *
 * Every function here works on a byte range [i, end) of a string and never
 * looks outside it, so that hostile lines cannot make the parser read past
 * their end. */
#ifndef COMMON_STRACE_INTERNAL_H
#define COMMON_STRACE_INTERNAL_H

#include <stddef.h>

#include "strace_parse.h"

/* Which part of a split call a line held. */
enum trace_part {
	PART_WHOLE,      /* a complete line, or not a call at all */
	PART_UNFINISHED, /* "name(args <unfinished ...>" */
	PART_RESUMED,    /* "<... name resumed>rest) = ret" */
};

/* Scans s from i (not past end) and returns the index of the first
 * character listed in stops that stands at the top level: outside quoted
 * strings, brackets, braces, parentheses and -yy fd tags such as
 * 3<UNIX-STREAM:[1->2,"/p"]>. Returns end when there is none. */
size_t tscan(const char *s, size_t i, size_t end, const char *stops);

/* Like trace_parse_line, and also says which part of a split call the
 * line was. */
int trace_parse_line_part(const char *line, struct trace_event *ev,
			  enum trace_part *part);

/* Decodes strace's escapes in s[i, end) into out (cap bytes, always
 * NUL-terminated when cap > 0), stopping at an unescaped stop character
 * (or end). Returns the number of bytes decoded and sets *next to the
 * index where it stopped; -1 with ERANGE when out is too small. */
int tunescape(const char *s, size_t i, size_t end, char stop, char *out,
	      size_t cap, size_t *next);

#endif
