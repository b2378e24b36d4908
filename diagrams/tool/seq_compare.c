/* seq_compare.c: a diagram's rows as a plain list, and a run compared
 * with a reference's list.
 *
 * Two runs of the same programs never give the same diagram: pids, times
 * and the order in which two processes' calls interleave all change. What
 * stays is each process's own sequence of calls, arguments and results.
 * So the list gives every row with the name of its process ("server",
 * "daemon#2" for the second daemon), and the comparison aligns the two
 * lists one process at a time, by their longest common subsequence: what
 * is left over is missing (only in the reference's run), extra (only in
 * this one), or changed (a call of the same name in the same place, with
 * other arguments or another result).
 *
 * Timing changes a run in two more ways, which the comparison forgives: a
 * stream's bytes come in reads of any size (successive reads of one
 * stream are written as one, seq_row_text), and a loop runs a few times
 * more or less (repeated blocks are folded before the alignment, and two
 * counts are the same when neither is more than four times the other). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"
#include "seq_text.h"

#define ROW_TEXT 1024
#define ROWS_MAGIC "# seqdiag rows 1"
#define MAX_CELLS (16u << 20) /* of a lane's alignment table */
#define MAX_JOIN 8              /* stream reads written as one */
#define MAX_PERIOD 4            /* of a repeated block, in rows */

void seq_name_lanes(struct seq *s)
{
	for (size_t k = 0; k < s->nlanes; k++) {
		int nth = 1;
		for (size_t j = 0; j < k; j++)
			nth += strcmp(s->lanes[j].prog, s->lanes[k].prog) == 0;
		if (nth == 1)
			snprintf(s->lanes[k].name, sizeof(s->lanes[k].name), "%s", s->lanes[k].prog);
		else
			snprintf(s->lanes[k].name, sizeof(s->lanes[k].name), "%s#%d", s->lanes[k].prog,
				 nth);
	}
}

/* One row of either list (or a folded block's row). */
struct item {
	char *lane;
	long count;
	char *text;
	size_t *rows;   /* this run's diagram rows it stands for (indexes);
	                   none for the reference's */
	size_t nrows;
};

struct list {
	struct item *v;
	size_t n, cap;
};

static void list_free(struct list *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->v[k].lane);
		free(l->v[k].text);
		free(l->v[k].rows);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Appends an item (copies of lane and text, no rows); returns it or NULL. */
static struct item *list_add(struct list *l, const char *lane, long count, const char *text)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct item *p = realloc(l->v, ncap * sizeof(*p));
		if (!p) {
			errno = ENOMEM;
			return NULL;
		}
		l->v = p;
		l->cap = ncap;
	}
	struct item *it = &l->v[l->n];
	*it = (struct item){.lane = strdup(lane), .count = count, .text = strdup(text)};
	if (!it->lane || !it->text) {
		free(it->lane);
		free(it->text);
		errno = ENOMEM;
		return NULL;
	}
	l->n++;
	return it;
}

static int add_rows(struct item *it, const size_t *rows, size_t n)
{
	if (n == 0)
		return 0; /* the reference's items have no rows */
	size_t *p = realloc(it->rows, (it->nrows + n + 1) * sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(p + it->nrows, rows, n * sizeof(*p));
	it->rows = p;
	it->nrows += n;
	return 0;
}

/* Reads a row list written by seq_write_rows. */
static int list_load(const char *path, struct list *l)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[ROW_TEXT + 200];
	int rc = 0, first = 1;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (first) {
			first = 0;
			if (strncmp(line, ROWS_MAGIC, strlen(ROWS_MAGIC)) != 0) {
				errno = EINVAL;
				rc = -1;
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *tab1 = strchr(line, '\t');
		char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab2) {
			errno = EINVAL;
			rc = -1;
			break;
		}
		*tab1 = *tab2 = '\0';
		if (!list_add(l, line, strtol(tab1 + 1, NULL, 10), tab2 + 1))
			rc = -1;
	}
	if (rc == 0 && first) {
		errno = EINVAL; /* empty */
		rc = -1;
	}
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

/* Joins row r into item it, a run of reads of one stream. */
static int join_read(const struct seq *s, struct item *it, size_t r)
{
	char text[ROW_TEXT];
	const struct seq_row *run[MAX_JOIN];
	if (add_rows(it, &r, 1) < 0)
		return -1;
	for (size_t k = 0; k < it->nrows; k++)
		run[k] = &s->rows[it->rows[k]];
	seq_row_text(s, run, it->nrows, text, sizeof(text));
	char *joined = strdup(text);
	if (!joined) {
		errno = ENOMEM;
		return -1;
	}
	free(it->text);
	it->text = joined;
	return 0;
}

/* The row list of the diagram itself: one item per row, except that
 * successive reads of one stream socket by one process are one item. */
static int rows_list(const struct seq *s, struct list *l)
{
	char text[ROW_TEXT];
	/* Per lane: its last item, when that is a run of stream reads. */
	size_t *open = malloc((s->nlanes ? s->nlanes : 1) * sizeof(*open));
	if (!open) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t k = 0; k < s->nlanes; k++)
		open[k] = FLOW_NONE;
	int rc = 0;
	for (size_t r = 0; rc == 0 && r < s->nrows; r++) {
		const struct seq_row *row = &s->rows[r];
		const struct seq_row *one[1] = {row};
		if (seq_row_text(s, one, 1, text, sizeof(text)) == 0)
			continue;
		size_t lane = row->lane;
		int stream = seq_stream_read(s, row);
		struct item *it = open[lane] != FLOW_NONE ? &l->v[open[lane]] : NULL;
		if (stream && it && it->nrows < MAX_JOIN &&
		    flow_io_of(s->f, s->rows[it->rows[0]].ev)->fd == flow_io_of(s->f, row->ev)->fd) {
			rc = join_read(s, it, r);
			continue;
		}
		it = list_add(l, s->lanes[lane].name, row->count, text);
		rc = it ? add_rows(it, &r, 1) : -1;
		open[lane] = stream ? l->n - 1 : FLOW_NONE;
	}
	free(open);
	return rc;
}

int seq_write_rows(const struct seq *s, FILE *out)
{
	struct list l = {0};
	if (rows_list(s, &l) < 0) {
		list_free(&l);
		return -1;
	}
	fprintf(out, "%s: lane<TAB>count<TAB>text, one row per line, in time order\n",
		ROWS_MAGIC);
	for (size_t k = 0; k < l.n; k++)
		fprintf(out, "%s\t%ld\t%s\n", l.v[k].lane, l.v[k].count, l.v[k].text);
	list_free(&l);
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* One lane's items of list src, with repeated blocks (1 to MAX_PERIOD
 * items, twice or more in a row) folded into one block whose counts add
 * up the repetitions', into dst. */
static int fold_lane(const struct list *src, const char *lane, struct list *dst)
{
	const struct item **x = malloc((src->n + 1) * sizeof(*x));
	if (!x) {
		errno = ENOMEM;
		return -1;
	}
	size_t n = 0;
	for (size_t k = 0; k < src->n; k++)
		if (strcmp(src->v[k].lane, lane) == 0)
			x[n++] = &src->v[k];
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t best_p = 1, best_k = 1;
		for (size_t p = 1; p <= MAX_PERIOD && i + 2 * p <= n; p++) {
			size_t k = 1;
			while (i + (k + 1) * p <= n) {
				size_t j = 0;
				while (j < p && strcmp(x[i + j]->text, x[i + k * p + j]->text) == 0)
					j++;
				if (j < p)
					break;
				k++;
			}
			if (k >= 2 && k * p > best_k * best_p) {
				best_p = p;
				best_k = k;
			}
		}
		for (size_t j = 0; rc == 0 && j < best_p; j++) {
			struct item *it = list_add(dst, lane, 0, x[i + j]->text);
			for (size_t k = 0; it && rc == 0 && k < best_k; k++) {
				const struct item *rep = x[i + k * best_p + j];
				it->count += rep->count;
				rc = add_rows(it, rep->rows, rep->nrows);
			}
			if (!it)
				rc = -1;
		}
		i += best_k * best_p;
	}
	free(x);
	return rc;
}

/* The call's name: the text up to its first '(', ':' or space. */
static size_t name_len(const char *text)
{
	return strcspn(text, "(: ");
}

static int same_name(const char *a, const char *b)
{
	size_t n = name_len(a);
	return n == name_len(b) && strncmp(a, b, n) == 0;
}

/* Whether two items are the same row: same text, and counts that differ
 * by at most a factor of four (a loop that ran a little more or less,
 * waiting for another process; not one that never waits). */
static int same(const struct item *a, const struct item *b)
{
	long lo = a->count < b->count ? a->count : b->count;
	long hi = a->count < b->count ? b->count : a->count;
	return hi <= 4 * lo && strcmp(a->text, b->text) == 0;
}

/* One step of an alignment: a row of the reference (index a into the
 * folded reference list), of this run (b), or both; NONE for neither. */
#define NONE ((size_t)-1)
struct step {
	char mark; /* '=', '-', '+', '~' */
	size_t a, b;
};

struct steps {
	struct step *v;
	size_t n, cap;
};

static int step_add(struct steps *st, char mark, size_t a, size_t b)
{
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 64;
		struct step *p = realloc(st->v, ncap * sizeof(*p));
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		st->v = p;
		st->cap = ncap;
	}
	st->v[st->n++] = (struct step){mark, a, b};
	return 0;
}

/* The rows a[a0..a1) and b[b0..b1) between two matches: each reference
 * row is paired, in order, with the next row of this run that makes the
 * same call (changed); the others are missing or extra, in place. */
static int gap(struct steps *st, const struct list *a, size_t a0, size_t a1,
	       const struct list *b, size_t b0, size_t b1)
{
	size_t di = a0, ii = b0, next = b0;
	for (size_t k = a0; k < a1; k++) {
		size_t j = next;
		while (j < b1 && !same_name(a->v[k].text, b->v[j].text))
			j++;
		if (j == b1)
			continue;
		for (; di < k; di++)
			if (step_add(st, '-', di, NONE) < 0)
				return -1;
		for (; ii < j; ii++)
			if (step_add(st, '+', NONE, ii) < 0)
				return -1;
		if (step_add(st, '~', k, j) < 0)
			return -1;
		di = k + 1;
		ii = next = j + 1;
	}
	for (; di < a1; di++)
		if (step_add(st, '-', di, NONE) < 0)
			return -1;
	for (; ii < b1; ii++)
		if (step_add(st, '+', NONE, ii) < 0)
			return -1;
	return 0;
}

/* Aligns a->v[a0..) with b->v[b0..) (one lane's rows, to the lists' ends)
 * and appends the steps. */
static int align(struct steps *st, const struct list *a, size_t a0, const struct list *b,
		 size_t b0)
{
	size_t n = a->n - a0, m = b->n - b0;
	const struct item *x = a->v + a0, *y = b->v + b0;
	if ((n + 1) * (m + 1) > MAX_CELLS) {
		errno = E2BIG;
		return -1;
	}
	/* len[i][j]: the longest common subsequence of x[i..n) and y[j..m). */
	unsigned *len = calloc((n + 1) * (m + 1), sizeof(*len));
	if (!len) {
		errno = ENOMEM;
		return -1;
	}
#define LEN(i, j) len[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			LEN(i, j) = same(&x[i], &y[j]) ? LEN(i + 1, j + 1) + 1
				    : LEN(i + 1, j) >= LEN(i, j + 1) ? LEN(i + 1, j)
								     : LEN(i, j + 1);
	/* Walk it; the rows skipped since the last match form a gap. */
	size_t i = 0, j = 0, gi = 0, gj = 0;
	int rc = 0;
	while (rc == 0 && (i < n || j < m)) {
		if (i < n && j < m && same(&x[i], &y[j])) {
			rc = gap(st, a, a0 + gi, a0 + i, b, b0 + gj, b0 + j);
			if (rc == 0)
				rc = step_add(st, '=', a0 + i, b0 + j);
			gi = ++i;
			gj = ++j;
		} else if (j == m || (i < n && LEN(i + 1, j) >= LEN(i, j + 1))) {
			i++;
		} else {
			j++;
		}
	}
#undef LEN
	if (rc == 0)
		rc = gap(st, a, a0 + gi, a0 + n, b, b0 + gj, b0 + m);
	free(len);
	return rc;
}

/* Applies the steps to the diagram (marks, the missing rows' texts) and
 * writes them to diff when not NULL. */
static int apply(struct seq *s, const struct steps *st, const struct list *fa,
		 const struct list *fb, FILE *diff)
{
	if (diff)
		fputs("# seqdiag diff 1: mark<TAB>lane<TAB>reference's count<TAB>reference's "
		      "text<TAB>count<TAB>text<TAB>row\n", diff);
	for (size_t k = 0; k < st->n; k++) {
		const struct step *p = &st->v[k];
		const struct item *a = p->a != NONE ? &fa->v[p->a] : NULL;
		const struct item *b = p->b != NONE ? &fb->v[p->b] : NULL;
		unsigned char mark = p->mark == '=' ? SEQ_MARK_SAME
				     : p->mark == '+' ? SEQ_MARK_EXTRA
						      : SEQ_MARK_CHANGED;
		for (size_t r = 0; b && r < b->nrows; r++)
			s->marks[b->rows[r]] = mark;
		if (p->mark == '+')
			s->nextra++;
		else if (p->mark == '~')
			s->nchanged++;
		else if (p->mark == '-') {
			size_t len = strlen(a->lane) + strlen(a->text) + 3;
			char *line = malloc(len);
			if (!line) {
				errno = ENOMEM;
				return -1;
			}
			snprintf(line, len, "%s: %s", a->lane, a->text);
			s->missing[s->nmissing++] = line;
		}
		if (diff)
			fprintf(diff, "%c\t%s\t%ld\t%s\t%ld\t%s\t%zu\n", p->mark,
				b ? b->lane : a->lane, a ? a->count : 0L, a ? a->text : "",
				b ? b->count : 0L, b ? b->text : "",
				b && b->nrows ? b->rows[0] + 1 : (size_t)0);
	}
	if (diff && (fflush(diff) == EOF || ferror(diff))) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* Whether lane was already aligned: the lane of one of the first ka
 * items of a (the reference's), or of the first kb of b. */
static int seen_lane(const struct list *a, size_t ka, const struct list *b, size_t kb,
		     const char *lane)
{
	for (size_t k = 0; k < ka; k++)
		if (strcmp(a->v[k].lane, lane) == 0)
			return 1;
	for (size_t k = 0; k < kb; k++)
		if (strcmp(b->v[k].lane, lane) == 0)
			return 1;
	return 0;
}

/* The lanes in order, the reference's then this run's others: each
 * lane's items folded (into fa and fb) and aligned. */
static int align_all(struct steps *st, const struct list *ref, const struct list *cur,
		     struct list *fa, struct list *fb)
{
	for (size_t k = 0; k < ref->n + cur->n; k++) {
		const char *lane = k < ref->n ? ref->v[k].lane : cur->v[k - ref->n].lane;
		if (k < ref->n ? seen_lane(ref, k, cur, 0, lane)
			       : seen_lane(ref, ref->n, cur, k - ref->n, lane))
			continue;
		size_t a0 = fa->n, b0 = fb->n;
		if (fold_lane(ref, lane, fa) < 0 || fold_lane(cur, lane, fb) < 0 ||
		    align(st, fa, a0, fb, b0) < 0)
			return -1;
	}
	return 0;
}

int seq_compare(struct seq *s, const char *ref_path, FILE *diff)
{
	struct list ref = {0}, cur = {0}, fa = {0}, fb = {0};
	struct steps st = {0};
	int rc = list_load(ref_path, &ref);
	if (rc == 0)
		rc = rows_list(s, &cur);
	if (rc == 0) {
		s->marks = calloc(s->nrows ? s->nrows : 1, 1);
		s->missing = calloc(ref.n ? ref.n : 1, sizeof(*s->missing));
		if (!s->marks || !s->missing) {
			errno = ENOMEM;
			rc = -1;
		}
	}
	if (rc == 0)
		rc = align_all(&st, &ref, &cur, &fa, &fb);
	if (rc == 0)
		rc = apply(s, &st, &fa, &fb, diff);
	int saved = errno;
	free(st.v);
	list_free(&ref);
	list_free(&cur);
	list_free(&fa);
	list_free(&fb);
	errno = saved;
	return rc;
}
