/* parse_num.h: whole unsigned numbers from a program's command line,
 * checked once here so that every program's options agree on what a
 * number is. */
#ifndef COMMON_PARSE_NUM_H
#define COMMON_PARSE_NUM_H

/* Parses all of text as an unsigned number in base (10; 8 for a file
 * mode) within [min, max]. Leading blanks and a '+' are allowed, as
 * strtoull() allows them; a '-' is not (strtoull() would wrap it round).
 * Returns 0 with *out set, or -1 with errno EINVAL when text is not such
 * a number (empty, negative, characters after it) or ERANGE when it is
 * one outside [min, max]. */
int parse_unsigned(const char *text, int base, unsigned long long min,
		   unsigned long long max, unsigned long long *out);

#endif
