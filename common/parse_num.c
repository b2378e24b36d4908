/* parse_num.c: whole unsigned numbers from a command line (parse_num.h). */
#include "parse_num.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int parse_unsigned(const char *text, int base, unsigned long long min,
		   unsigned long long max, unsigned long long *out)
{
	const char *p = text;
	while (p && isspace((unsigned char)*p))
		p++;
	/* strtoull() takes "-1" for ULLONG_MAX: no minus sign, then. */
	if (!p || *p == '\0' || *p == '-') {
		errno = EINVAL;
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, base);
	if (end == p || *end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}
