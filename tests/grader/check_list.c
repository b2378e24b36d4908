/* check_list.c: reads the list of graded checks from a suite's source.
 *
 * The list comes from the source, not from the built binary, so that a lab
 * whose submission does not compile (or is missing) still shows every check
 * it would have had, with its points, at zero. The declarations follow one
 * strict shape, CHECK(suite, name, points, "title" ...) at the start of a
 * line, which keeps this scanner small; the grader cross-checks the points
 * against what the compiled binary reports when a check runs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/full_io.h"
#include "../harness/check_limits.h"
#include "grader.h"

struct cursor {
	const char *p;
	int line;
};

static void skip_space(struct cursor *c)
{
	for (;;) {
		while (isspace((unsigned char)*c->p)) {
			if (*c->p == '\n')
				c->line++;
			c->p++;
		}
		if (c->p[0] == '/' && c->p[1] == '*') {
			const char *end = strstr(c->p + 2, "*/");
			c->p = end ? end + 2 : c->p + strlen(c->p);
		} else if (c->p[0] == '/' && c->p[1] == '/') {
			while (*c->p && *c->p != '\n')
				c->p++;
		} else {
			return;
		}
	}
}

static int take_ident(struct cursor *c, char *buf, size_t cap)
{
	size_t n = 0;
	skip_space(c);
	while (isalnum((unsigned char)*c->p) || *c->p == '_') {
		if (n + 1 >= cap)
			return -1;
		buf[n++] = *c->p++;
	}
	buf[n] = '\0';
	return n ? 0 : -1;
}

static int take_char(struct cursor *c, char ch)
{
	skip_space(c);
	if (*c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* One or more adjacent string literals, concatenated as C does. */
static int take_strings(struct cursor *c, char *buf, size_t cap)
{
	size_t n = 0;
	int any = 0;
	for (;;) {
		skip_space(c);
		if (*c->p != '"')
			break;
		any = 1;
		c->p++;
		while (*c->p && *c->p != '"' && *c->p != '\n') {
			char ch = *c->p++;
			if (ch == '\\' && *c->p) {
				ch = *c->p++;
				if (ch == 'n')
					ch = ' ';
			}
			if (n + 1 < cap)
				buf[n++] = ch;
		}
		if (*c->p != '"')
			return -1;
		c->p++;
	}
	buf[n] = '\0';
	return any ? 0 : -1;
}

/* The rest of a CHECK_WITH(...) argument list up to its closing paren,
 * looking for ".timeout = N". */
static int take_options(struct cursor *c, double *timeout)
{
	int depth = 1;
	const char *start = c->p;
	while (*c->p && depth > 0) {
		if (*c->p == '(')
			depth++;
		else if (*c->p == ')')
			depth--;
		else if (*c->p == '\n')
			c->line++;
		c->p++;
	}
	if (depth != 0)
		return -1;
	for (const char *q = start; q < c->p; q++) {
		if (strncmp(q, ".timeout", 8) == 0) {
			const char *v = q + 8;
			while (*v == ' ' || *v == '\t' || *v == '=')
				v++;
			char *end;
			double t = strtod(v, &end);
			if (end != v && t > 0)
				*timeout = t;
		}
	}
	return 0;
}

int check_list_scan(const char *path, struct check **out, char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *text;
	size_t len;
	int rc = read_all(fileno(f), 4 << 20, &text, &len);
	int saved = errno;
	fclose(f);
	if (rc < 0) {
		snprintf(err, cap, "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}

	size_t n = 0, cap_checks = 16;
	struct check *list = calloc(cap_checks, sizeof *list);
	struct cursor c = {text, 1};
	int bad = 0;
	while (list && *c.p && !bad) {
		/* Declarations start a line; anything else is skipped. */
		const char *line_start = c.p;
		const char *nl = strchr(c.p, '\n');
		int with = strncmp(line_start, "CHECK_WITH(", 11) == 0;
		int plain = strncmp(line_start, "CHECK(", 6) == 0;
		if (!with && !plain) {
			c.p = nl ? nl + 1 : c.p + strlen(c.p);
			c.line++;
			continue;
		}
		int decl_line = c.line;
		c.p += with ? 11 : 6;
		if (n == GRADER_MAX_CHECKS) {
			snprintf(err, cap, "%s:%d: more than %d checks", path,
				 decl_line, GRADER_MAX_CHECKS);
			bad = 1;
			break;
		}
		if (n == cap_checks) {
			struct check *bigger = realloc(list, 2 * cap_checks * sizeof *list);
			if (!bigger) {
				free(list);
				list = NULL;
				break;
			}
			list = bigger;
			memset(list + cap_checks, 0, cap_checks * sizeof *list);
			cap_checks *= 2;
		}
		struct check *k = &list[n];
		char pts[16];
		k->timeout = CHECK_TIMEOUT;
		if (take_ident(&c, k->suite, sizeof k->suite) < 0 ||
		    take_char(&c, ',') < 0 ||
		    take_ident(&c, k->name, sizeof k->name) < 0 ||
		    take_char(&c, ',') < 0 ||
		    take_ident(&c, pts, sizeof pts) < 0 ||
		    take_char(&c, ',') < 0 ||
		    take_strings(&c, k->title, sizeof k->title) < 0) {
			snprintf(err, cap,
				 "%s:%d: a CHECK declaration must read "
				 "CHECK(suite, name, points, \"title\")",
				 path, decl_line);
			bad = 1;
			break;
		}
		char *end;
		long p = strtol(pts, &end, 10);
		if (*end || p < 0 || p > 1000) {
			snprintf(err, cap, "%s:%d: points must be a number, not '%s'",
				 path, decl_line, pts);
			bad = 1;
			break;
		}
		k->points = (int)p;
		skip_space(&c);
		if (*c.p == ',') {
			c.p++;
			if (take_options(&c, &k->timeout) < 0)
				bad = 1;
		} else if (take_char(&c, ')') < 0) {
			bad = 1;
		}
		if (bad) {
			snprintf(err, cap, "%s:%d: unbalanced CHECK declaration",
				 path, decl_line);
			break;
		}
		n++;
	}
	free(text);
	if (!list || bad) {
		free(list);
		errno = list ? EINVAL : ENOMEM;
		if (!list)
			snprintf(err, cap, "out of memory");
		return -1;
	}
	*out = list;
	return (int)n;
}

int check_list_lab(const struct grade_opts *o, const char *lab_dir,
		   struct check **out, char *err, size_t cap)
{
	char src[4200];
	struct check *list;
	snprintf(src, sizeof src, "%s/%s.c", o->tests_dir, lab_dir);
	int n = check_list_scan(src, &list, err, cap);
	if (n < 0)
		return -1;
	*out = list;
	/* Hidden checks are the staff's: a lab without a hidden suite (and
	 * every lab of the students' handout) has none. */
	if (!o->hidden_dir)
		return n;
	snprintf(src, sizeof src, "%s/%s.c", o->hidden_dir, lab_dir);
	if (access(src, F_OK) != 0)
		return n;
	struct check *extra;
	int k = check_list_scan(src, &extra, err, cap);
	if (k < 0)
		goto fail;
	if (k == 0) {
		free(extra);
		return n;
	}
	if (n + k > GRADER_MAX_CHECKS) {
		snprintf(err, cap, "%s: more than %d checks with the hidden ones", src,
			 GRADER_MAX_CHECKS);
		free(extra);
		errno = EINVAL;
		goto fail;
	}
	/* Two checks with one name would not even link, and that would be
	 * blamed on the submission: refuse it here, as the staff's fault. */
	for (int i = 0; i < k; i++) {
		for (int j = 0; j < n; j++) {
			if (strcmp(extra[i].suite, list[j].suite) == 0 &&
			    strcmp(extra[i].name, list[j].name) == 0) {
				snprintf(err, cap, "%s: hidden check %s/%s has the name of a "
					 "visible one; give the hidden suite its own name "
					 "(e.g. %s_hidden)", src, extra[i].suite,
					 extra[i].name, list[j].suite);
				free(extra);
				errno = EINVAL;
				goto fail;
			}
		}
	}
	struct check *all = realloc(list, (size_t)(n + k) * sizeof *all);
	if (!all) {
		free(extra);
		snprintf(err, cap, "out of memory");
		errno = ENOMEM;
		goto fail;
	}
	memcpy(all + n, extra, (size_t)k * sizeof *extra);
	for (int i = n; i < n + k; i++)
		all[i].hidden = 1;
	free(extra);
	*out = all;
	return n + k;

fail:
	free(list);
	*out = NULL;
	return -1;
}
