/* bugzoo_checks.c: the names of a graded suite's checks, in the order the
 * grader numbers them (declaration order in tests/labs/NN-topic.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugzoo.h"
#include "../../common/full_io.h"

/* Copies the identifier-like word at s (after blanks) into out, and
 * returns the position after the ',' that ends it, or NULL. */
static const char *take_arg(const char *s, char *out, size_t cap)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strcspn(s, ", \t\n");
	if (n == 0 || n >= cap)
		return NULL;
	snprintf(out, cap, "%.*s", (int)n, s);
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == ',' ? s + 1 : NULL;
}

/* The start of the first string literal at or after s: its bytes up to
 * the first backslash or the closing quote, at most cap - 1 of them. */
static void title_start(const char *s, char *out, size_t cap)
{
	out[0] = '\0';
	const char *q = strchr(s, '"');
	if (!q)
		return;
	size_t n = strcspn(q + 1, "\"\\\n");
	if (n >= cap)
		n = cap - 1;
	snprintf(out, cap, "%.*s", (int)n, q + 1);
}

int zoo_suite_checks(const char *lab, struct zoo_check *out, size_t cap,
		     char *err, size_t errcap)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/labs/%s.c", lab);
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	if (!f || read_all(fileno(f), 1 << 22, &text, &len) == -1) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	size_t n = 0;
	for (const char *line = text; line && *line;) {
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		const char *open = NULL;
		if (strncmp(s, "CHECK(", 6) == 0)
			open = s + 6;
		else if (strncmp(s, "CHECK_WITH(", 11) == 0)
			open = s + 11;
		if (open) {
			char suite[32], name[64], points[16];
			const char *p = take_arg(open, suite, sizeof(suite));
			p = p ? take_arg(p, name, sizeof(name)) : NULL;
			p = p ? take_arg(p, points, sizeof(points)) : NULL;
			if (!p || n == cap) {
				snprintf(err, errcap, "%s: cannot read the check declared "
					 "as \"%.60s\"%s", path, s, n == cap ?
					 " (too many checks)" : "");
				free(text);
				return -1;
			}
			snprintf(out[n].name, sizeof(out[n].name), "%s/%s", suite, name);
			title_start(p, out[n].title, sizeof(out[n].title));
			n++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	free(text);
	if (n == 0) {
		snprintf(err, errcap, "%s declares no CHECK()", path);
		return -1;
	}
	return (int)n;
}
