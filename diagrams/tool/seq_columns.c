/* seq_columns.c: where each lifeline goes, once the rows are known.
 *
 * Servers (processes that called listen()) go right of the kernel and the
 * others left, a forked child beside its parent; so every arrow runs
 * between a process and its neighbour, the kernel. A process that starts
 * after another run of the same program ended takes over its column (a
 * program run again, a server restarted): fewer columns keep the diagram
 * at page width. Without servers, each new column goes to the side that
 * has fewer. */
#include <string.h>

#include "seq_model.h"

/* Whether lane k can take over column c of its side: every lane there
 * runs the same program and ended before k's first row. */
static int free_for(const struct seq *s, size_t k, int c)
{
	const struct seq_lane *l = &s->lanes[k];
	int any = 0;
	for (size_t j = 0; j < k; j++) {
		const struct seq_lane *o = &s->lanes[j];
		if (o->column != c || o->side != l->side)
			continue;
		any = 1;
		if (strcmp(o->prog, l->prog) != 0 || !o->ended || o->last_row == FLOW_NONE ||
		    l->first_row == FLOW_NONE || o->last_row >= l->first_row)
			return 0;
	}
	return any;
}

/* Gives lane k a column on its side (numbered within the side for now):
 * a free one, else a new one. */
static void take_column(struct seq *s, size_t k, int *count)
{
	struct seq_lane *l = &s->lanes[k];
	int *n = &count[l->side > 0];
	for (int c = 0; c < *n; c++) {
		if (free_for(s, k, c)) {
			l->column = c;
			return;
		}
	}
	l->column = (*n)++;
}

static void choose_sides(struct seq *s, int *count)
{
	size_t nserv = 0;
	for (size_t k = 0; k < s->nlanes; k++)
		nserv += s->lanes[k].server;
	for (size_t k = 0; k < s->nlanes; k++) {
		struct seq_lane *l = &s->lanes[k];
		l->column = -1;
		if (nserv > 0 && nserv < s->nlanes) {
			l->side = l->server ? 1 : -1;
			/* A forked child that serves nothing stands by its parent. */
			const struct flow_lane *fl = &s->f->lanes[l->flow_lane];
			size_t p = fl->ppid ? seq_lane_of(s, fl->ppid) : FLOW_NONE;
			if (!l->server && p != FLOW_NONE && p < k && fl->exec_ev == FLOW_NONE)
				l->side = s->lanes[p].side;
			take_column(s, k, count);
			continue;
		}
		/* No client/server split: a rerun keeps its column, anything
		 * new goes to the side with fewer columns. */
		for (int side = -1; side <= 1 && l->column < 0; side += 2) {
			l->side = side;
			for (int c = 0; c < count[side > 0] && l->column < 0; c++)
				if (free_for(s, k, c))
					l->column = c;
		}
		if (l->column < 0) {
			l->side = count[0] <= count[1] ? -1 : 1;
			l->column = count[l->side > 0]++;
		}
	}
}

void seq_columns(struct seq *s)
{
	int count[2] = {0, 0}; /* columns left and right of the kernel */
	choose_sides(s, count);
	/* Several columns on one side and none on the other: move the
	 * non-servers over (or the first server), keeping arrows short. */
	if (count[0] + count[1] >= 2 && (count[0] == 0 || count[1] == 0)) {
		int from = count[0] == 0 ? 1 : -1;
		int moved = 0;
		for (size_t k = 0; k < s->nlanes; k++)
			if (!s->lanes[k].server && (from > 0 || k > 0))
				s->lanes[k].side = -from, moved = 1;
		if (!moved)
			s->lanes[0].side = -from;
		count[0] = count[1] = 0;
		for (size_t k = 0; k < s->nlanes; k++)
			s->lanes[k].column = -1;
		for (size_t k = 0; k < s->nlanes; k++)
			take_column(s, k, count);
	}
	/* Left columns, the kernel, right columns. */
	for (size_t k = 0; k < s->nlanes; k++)
		if (s->lanes[k].side > 0)
			s->lanes[k].column += count[0] + 1;
	s->kernel_column = count[0];
	s->ncolumns = count[0] + 1 + count[1];
}
