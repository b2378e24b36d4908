/* seq_build.c: from a trace and its flow analysis to the rows of a
 * diagram, in the order the steps need. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"

/* Numbers the writes whose bytes were read, in the order they are drawn;
 * a read's label names the numbers of the writes it took bytes from.
 * Folded rows stand for many writes and get no number. */
static int number_pairs(struct seq *s)
{
	const struct flow *f = s->f;
	if (f->nio == 0)
		return 0;
	s->pair_of_wio = calloc(f->nio, sizeof(*s->pair_of_wio));
	if (!s->pair_of_wio) {
		errno = ENOMEM;
		return -1;
	}
	int next = 1;
	for (size_t r = 0; r < s->nrows; r++) {
		const struct seq_row *row = &s->rows[r];
		const struct flow_io *io = flow_io_of(f, row->ev);
		if (!io || io->op != FLOW_WRITE || io->nchunks == 0 || row->count > 1 ||
		    row->kind == ROW_WAIT)
			continue;
		size_t w = (size_t)(io - f->io);
		/* A number only helps when the read it ties to is drawn. */
		int drawn = 0;
		for (size_t c = 0; c < io->nchunks; c++)
			drawn |= seq_lane_of(s, f->io[f->chunks[io->first_chunk + c].rio].pid) !=
				 FLOW_NONE;
		if (drawn && s->pair_of_wio[w] == 0)
			s->pair_of_wio[w] = next++;
	}
	s->npairs = next - 1;
	return 0;
}

int seq_build(struct seq *s, const struct trace *t, const struct flow *f,
	      const struct seq_opts *opts)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->f = f;
	s->opts = *opts;
	if (s->opts.max_lanes <= 0)
		s->opts.max_lanes = 6;
	if (seq_select(s) < 0 || seq_rows(s) < 0)
		return -1;
	seq_fold(s);
	seq_columns(s);
	seq_name_lanes(s);
	return number_pairs(s);
}

void seq_free(struct seq *s)
{
	if (!s)
		return;
	free(s->lanes);
	free(s->rows);
	free(s->lane_of_pid_ev);
	free(s->pair_of_wio);
	free(s->marks);
	for (size_t k = 0; k < s->nmissing; k++)
		free(s->missing[k]);
	free(s->missing);
	memset(s, 0, sizeof(*s));
}
