/* seq_fold.c: long repetitions folded into one block of rows.
 *
 * A client that sends 60 requests draws the same few rows 60 times. When
 * a block of 1 to 4 rows repeats at least 3 times in a row (same process,
 * call, fd and result each time), it is drawn once, marked "x60". Then a
 * run of 4 or more reads or writes on one fd that differ only in their
 * byte counts (a big transfer in pieces) becomes one row with the total.
 * What is left is capped at max_rows, with a note of what was cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"

#define SIG_LEN 128
#define MAX_PERIOD 4
#define MIN_REPEAT 3
#define MIN_RUN 4

/* The fd number of a call's first argument, or -1. */
static int fd_of(const struct trace_event *ev)
{
	char text[512];
	struct trace_fd fd;
	if (trace_arg(ev, 0, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
		return -1;
	return fd.fd;
}

/* FNV-1a of the arguments of a call that is not a data call (whose data
 * differs from one repetition to the next, and does not count). */
static unsigned long long args_hash(const struct trace_event *ev)
{
	unsigned long long h = 1469598103934665603ULL;
	if (ev->kind != TRACE_CALL || !ev->args || flow_is_read(ev->name) ||
	    flow_is_write(ev->name))
		return 0;
	for (const char *p = ev->args; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* What must be equal for two rows to be repetitions of each other. */
static void signature(const struct seq *s, const struct seq_row *r, char *sig, size_t cap,
		      int with_ret)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	snprintf(sig, cap, "%d|%zu|%.31s|%d|%ld|%d|%.23s|%d|%llx", (int)r->kind, r->lane,
		 ev->name, ev->kind == TRACE_CALL ? fd_of(ev) : ev->status, with_ret ? ev->ret : 0,
		 ev->has_ret, ev->errname, r->count > 1, args_hash(ev));
}

static int is_data(const struct seq *s, const struct seq_row *r)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	return r->kind == ROW_CALL && ev->has_ret && ev->ret > 0 &&
	       (flow_is_read(ev->name) || flow_is_write(ev->name));
}

static long bytes_of(const struct seq *s, const struct seq_row *r)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	return ev->has_ret && ev->ret > 0 ? ev->ret : 0;
}

/* Folds blocks of up to MAX_PERIOD rows repeated MIN_REPEAT times. */
static void fold_blocks(struct seq *s, char (*sig)[SIG_LEN])
{
	size_t out = 0;
	for (size_t i = 0; i < s->nrows;) {
		size_t best_p = 0, best_k = 1;
		for (size_t p = 1; p <= MAX_PERIOD && i + p * MIN_REPEAT <= s->nrows; p++) {
			size_t k = 1;
			while (i + (k + 1) * p <= s->nrows) {
				size_t j = 0;
				while (j < p && strcmp(sig[i + j], sig[i + k * p + j]) == 0)
					j++;
				if (j < p)
					break;
				k++;
			}
			if (k >= MIN_REPEAT && k * p > best_k * best_p) {
				best_p = p;
				best_k = k;
			}
		}
		if (best_p == 0) {
			memmove(sig[out], sig[i], SIG_LEN);
			s->rows[out++] = s->rows[i++];
			continue;
		}
		for (size_t j = 0; j < best_p; j++) {
			struct seq_row r = s->rows[i + j];
			r.total_bytes = 0;
			for (size_t k = 0; k < best_k; k++)
				r.total_bytes += bytes_of(s, &s->rows[i + k * best_p + j]);
			r.count = (long)best_k;
			r.period = (int)best_p;
			memmove(sig[out], sig[i + j], SIG_LEN);
			s->rows[out++] = r;
		}
		i += best_k * best_p;
	}
	s->nrows = out;
}

/* Folds runs of data calls on one fd that differ only in size. */
static void fold_runs(struct seq *s)
{
	size_t out = 0;
	for (size_t i = 0; i < s->nrows;) {
		size_t j = i + 1;
		char a[SIG_LEN], b[SIG_LEN];
		if (is_data(s, &s->rows[i]) && s->rows[i].count == 1) {
			signature(s, &s->rows[i], a, sizeof(a), 0);
			while (j < s->nrows && s->rows[j].count == 1 && is_data(s, &s->rows[j])) {
				signature(s, &s->rows[j], b, sizeof(b), 0);
				if (strcmp(a, b) != 0)
					break;
				j++;
			}
		}
		if (j - i < MIN_RUN) {
			s->rows[out++] = s->rows[i++];
			continue;
		}
		struct seq_row r = s->rows[i];
		r.total_bytes = 0;
		for (size_t k = i; k < j; k++)
			r.total_bytes += bytes_of(s, &s->rows[k]);
		r.count = (long)(j - i);
		r.period = 0; /* a run: sizes differ */
		s->rows[out++] = r;
		i = j;
	}
	s->nrows = out;
}

void seq_fold(struct seq *s)
{
	if (s->opts.fold && s->nrows > 0) {
		char (*sig)[SIG_LEN] = malloc(s->nrows * sizeof(*sig));
		if (sig) { /* without memory, the diagram is only longer */
			for (size_t r = 0; r < s->nrows; r++)
				signature(s, &s->rows[r], sig[r], SIG_LEN, 1);
			fold_blocks(s, sig);
			free(sig);
		}
		fold_runs(s);
	}
	if (s->opts.max_rows > 0 && s->nrows > (size_t)s->opts.max_rows) {
		s->dropped_rows = s->nrows - (size_t)s->opts.max_rows;
		s->nrows = (size_t)s->opts.max_rows;
	}
	for (size_t k = 0; k < s->nlanes; k++)
		s->lanes[k].first_row = s->lanes[k].last_row = FLOW_NONE;
	for (size_t r = 0; r < s->nrows; r++) {
		struct seq_lane *l = &s->lanes[s->rows[r].lane];
		if (l->first_row == FLOW_NONE)
			l->first_row = r;
		l->last_row = r;
	}
}
