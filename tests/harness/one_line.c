/* one_line.c: a program's output folded into one line, for a check's
 * failure message. */
#include <string.h>

#include "harness_internal.h"

const char *h_one_line(char *s)
{
	return h_one_line_tail(s, 0);
}

const char *h_one_line_tail(char *s, size_t max)
{
	if (!s)
		return "(none)";
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	if (n == 0)
		return "(nothing)";
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			s[i] = '|';
	/* The end of a long output says most: how the program stopped. */
	return max > 0 && n > max ? s + n - max : s;
}
