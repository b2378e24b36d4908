/* hints.c: parses tests/hints/NN-topic.hints (format in hints.h). */
#include "hints.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "../../common/full_io.h"

/* Appends "name:line: text\n" to h->errors. */
static int complain(struct hints *h, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int complain(struct hints *h, const char *name, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	size_t old = h->errors ? strlen(h->errors) : 0;
	size_t add = strlen(name) + strlen(text) + 32;
	char *more = realloc(h->errors, old + add);
	if (!more)
		return -1;
	snprintf(more + old, add, "%s:%d: %s\n", name, line, text);
	h->errors = more;
	return 0;
}

/* Appends piece to *field, with one space between the parts. */
static int append(char **field, const char *piece, size_t len)
{
	size_t old = *field ? strlen(*field) : 0;
	char *more = realloc(*field, old + len + 2);
	if (!more)
		return -1;
	if (old)
		more[old++] = ' ';
	memcpy(more + old, piece, len);
	more[old + len] = '\0';
	*field = more;
	return 0;
}

static int valid_name(const char *s, size_t len)
{
	if (len == 0 || len >= sizeof(((struct hint_entry *)0)->name))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

int hints_parse(const char *text, const char *name, struct hints *h)
{
	memset(h, 0, sizeof *h);
	size_t cap = 0;
	char **field = NULL;    /* the field that a continuation extends */
	int line = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : p + len;
		line++;
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		size_t lead = 0;
		while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
			lead++;
		struct hint_entry *cur = h->n ? &h->v[h->n - 1] : NULL;
		int oom = 0;
		if (len == 0 || lead == len || p[0] == '#') {
			/* blank or comment */
		} else if (lead > 0) {
			if (!field)
				oom = complain(h, name, line, "a continuation line (it starts "
					       "with blanks) with no hint: or more: above it");
			else
				oom = append(field, p + lead, len - lead);
		} else if (p[0] == '[') {
			field = NULL;
			const char *close = memchr(p, ']', len);
			if (!close || close != p + len - 1 || !valid_name(p + 1, (size_t)(close - p - 1))) {
				oom = complain(h, name, line, "a block starts with [check_name] "
					       "(lower case, digits, '_'), alone on its line: "
					       "\"%.*s\"", (int)len, p);
			} else {
				char check[96];
				snprintf(check, sizeof check, "%.*s", (int)(close - p - 1), p + 1);
				const struct hint_entry *dup = hints_find(h, check);
				if (dup)
					oom = complain(h, name, line, "[%s] again (first at line %d)",
						       check, dup->line);
				if (!oom && h->n == cap) {
					cap = cap ? 2 * cap : 32;
					struct hint_entry *v = realloc(h->v, cap * sizeof *v);
					if (!v)
						goto oom;
					h->v = v;
				}
				if (!oom) {
					cur = &h->v[h->n++];
					memset(cur, 0, sizeof *cur);
					snprintf(cur->name, sizeof cur->name, "%s", check);
					cur->line = line;
				}
			}
		} else {
			const char *colon = memchr(p, ':', len);
			size_t klen = colon ? (size_t)(colon - p) : 0;
			int is_hint = colon && klen == 4 && strncmp(p, "hint", 4) == 0;
			int is_more = colon && klen == 4 && strncmp(p, "more", 4) == 0;
			char **slot = !cur ? NULL : is_hint ? &cur->hint : is_more ? &cur->more : NULL;
			field = NULL;
			if (!is_hint && !is_more) {
				oom = complain(h, name, line, "expected [check_name], hint: or "
					       "more: (a continuation starts with blanks): \"%.*s\"",
					       (int)(len > 60 ? 60 : len), p);
			} else if (!cur) {
				oom = complain(h, name, line, "%.4s: before any [check_name]", p);
			} else if (*slot) {
				oom = complain(h, name, line, "[%s] has a second %.4s:", cur->name, p);
			} else {
				const char *v = colon + 1;
				while (v < p + len && (*v == ' ' || *v == '\t'))
					v++;
				/* An empty value may be continued on the next
				 * lines; it is checked at the end. */
				oom = append(slot, v, (size_t)(p + len - v));
				field = slot;
			}
		}
		if (oom)
			goto oom;
		p = next;
	}
	for (size_t i = 0; i < h->n; i++) {
		struct hint_entry *e = &h->v[i];
		const char *names[2] = {"hint", "more"};
		char *vals[2] = {e->hint, e->more};
		for (int k = 0; k < 2; k++)
			if (vals[k] && !*vals[k] &&
			    complain(h, name, e->line, "[%s] has an empty %s:", e->name, names[k]) < 0)
				goto oom;
	}
	return 0;
oom:
	hints_free(h);
	errno = ENOMEM;
	return -1;
}

int hints_load(const char *path, struct hints *h)
{
	memset(h, 0, sizeof *h);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *text;
	size_t len;
	int rc = read_all(fd, 1 << 20, &text, &len);
	int saved = errno;
	close(fd);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	rc = hints_parse(text, path, h);
	saved = errno;
	free(text);
	errno = saved;
	return rc;
}

const struct hint_entry *hints_find(const struct hints *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].name, name) == 0)
			return &h->v[i];
	return NULL;
}

void hints_free(struct hints *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].hint);
		free(h->v[i].more);
	}
	free(h->v);
	free(h->errors);
	memset(h, 0, sizeof *h);
}
