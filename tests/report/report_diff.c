/* report_diff.c: the comparison of a run with the reference's run, as the
 * report shows it beside the two diagrams (see report_diff.h). */
#include "report_diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define DIFF_MAGIC "# seqdiag diff 1"
#define CONTEXT 1 /* same rows kept around a difference */

void diff_free(struct diff *d)
{
	for (size_t k = 0; k < d->n; k++) {
		free(d->rows[k].lane);
		free(d->rows[k].ref_text);
		free(d->rows[k].text);
	}
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

/* Splits line at its tabs into at most cap fields; returns the count. */
static int split(char *line, char **f, int cap)
{
	int n = 0;
	for (char *p = line; p && n < cap;) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return n;
}

static int add(struct diff *d, char **f)
{
	struct diff_row *p = realloc(d->rows, (d->n + 1) * sizeof(*p));
	if (!p)
		return -1;
	d->rows = p;
	struct diff_row *r = &d->rows[d->n];
	r->mark = f[0][0];
	r->lane = strdup(f[1]);
	r->ref_count = strtol(f[2], NULL, 10);
	r->ref_text = strdup(f[3]);
	r->count = strtol(f[4], NULL, 10);
	r->text = strdup(f[5]);
	if (!r->lane || !r->ref_text || !r->text) {
		free(r->lane);
		free(r->ref_text);
		free(r->text);
		errno = ENOMEM;
		return -1;
	}
	d->n++;
	switch (r->mark) {
	case '=': d->same++; break;
	case '-': d->missing++; break;
	case '+': d->extra++; break;
	default: d->changed++; break;
	}
	return 0;
}

int diff_load(const char *path, struct diff *d)
{
	memset(d, 0, sizeof(*d));
	char *text = file_text(path, 8u << 20);
	if (!text)
		return -1;
	int rc = 0;
	if (strncmp(text, DIFF_MAGIC, strlen(DIFF_MAGIC)) != 0) {
		errno = EINVAL;
		rc = -1;
	}
	char *save = NULL;
	for (char *line = rc == 0 ? strtok_r(text, "\n", &save) : NULL; line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		char *f[8];
		if (split(line, f, 8) < 7 || !strchr("=-+~", f[0][0]) || f[0][0] == '\0') {
			errno = EINVAL;
			rc = -1;
			break;
		}
		rc = add(d, f);
	}
	int saved = errno;
	free(text);
	if (rc < 0) {
		diff_free(d);
		errno = saved;
	}
	return rc;
}

/* " x3" after a folded row's text, and the reference's count when it
 * differs. */
static void counts(FILE *out, const struct diff_row *r)
{
	long mine = r->mark == '-' ? r->ref_count : r->count;
	if (mine > 1)
		fprintf(out, " <span class=\"n\">&times;%ld</span>", mine);
	if (r->mark == '=' && r->ref_count != r->count)
		fprintf(out, " <span class=\"n\">(reference &times;%ld)</span>", r->ref_count);
}

static void item(FILE *out, const struct diff_row *r)
{
	switch (r->mark) {
	case '=':
		fputs("<li class=\"d-same\"><code>", out);
		html_text(out, r->text);
		fputs("</code>", out);
		break;
	case '-':
		fputs("<li class=\"d-missing\"><span class=\"tag\">missing</span> <code>", out);
		html_text(out, r->ref_text);
		fputs("</code>", out);
		break;
	case '+':
		fputs("<li class=\"d-extra\"><span class=\"tag\">extra</span> <code>", out);
		html_text(out, r->text);
		fputs("</code>", out);
		break;
	default:
		fputs("<li class=\"d-changed\"><span class=\"tag\">changed</span> <code>", out);
		html_text(out, r->text);
		fputs("</code><br><span class=\"was\">reference: <code>", out);
		html_text(out, r->ref_text);
		fputs("</code></span>", out);
		break;
	}
	counts(out, r);
	fputs("</li>\n", out);
}

/* Whether row k is within CONTEXT rows of a difference in its lane. */
static int near_difference(const struct diff *d, size_t k)
{
	for (size_t j = k >= CONTEXT ? k - CONTEXT : 0; j <= k + CONTEXT && j < d->n; j++)
		if (d->rows[j].mark != '=' && strcmp(d->rows[j].lane, d->rows[k].lane) == 0)
			return 1;
	return 0;
}

void diff_html(FILE *out, const struct diff *d)
{
	for (size_t k = 0; k < d->n;) {
		const char *lane = d->rows[k].lane;
		size_t end = k;
		int differs = 0;
		while (end < d->n && strcmp(d->rows[end].lane, lane) == 0)
			differs |= d->rows[end++].mark != '=';
		fputs("<div class=\"lane\"><div class=\"lane-name\">", out);
		html_text(out, lane);
		if (!differs)
			fprintf(out, " <span class=\"ok\">same %zu row%s as the reference</span>",
				end - k, end - k == 1 ? "" : "s");
		fputs("</div>\n", out);
		if (differs) {
			fputs("<ol class=\"difflist\">\n", out);
			size_t hidden = 0;
			for (size_t j = k; j < end; j++) {
				if (d->rows[j].mark == '=' && !near_difference(d, j)) {
					hidden++;
					continue;
				}
				if (hidden)
					fprintf(out, "<li class=\"d-skip\">&hellip; %zu row%s the same "
						     "&hellip;</li>\n", hidden, hidden == 1 ? "" : "s");
				hidden = 0;
				item(out, &d->rows[j]);
			}
			if (hidden)
				fprintf(out, "<li class=\"d-skip\">&hellip; %zu row%s the same "
					     "&hellip;</li>\n", hidden, hidden == 1 ? "" : "s");
			fputs("</ol>\n", out);
		}
		fputs("</div>\n", out);
		k = end;
	}
}
