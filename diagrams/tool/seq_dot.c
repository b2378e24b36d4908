/* seq_dot.c: the diagram as Graphviz DOT, laid out by `dot`.
 *
 * The layout follows the recipe checked in the project's notes: one small
 * point node per lifeline per row; each lifeline a chain of heavy,
 * arrowless edges; each row a `rank=same` group chained left to right by
 * invisible edges, so that the columns keep their order; messages as
 * `constraint=false` edges; `newrank=true` and `splines=false`.
 *
 * Every message goes between a process and the kernel. An arrow that must
 * cross other columns (a third process on one side) is drawn as a chain
 * of straight segments through the points of the columns it crosses: dot
 * then never bends it around them, and the label sits on the segment next
 * to the process it belongs to. This keeps plain `dot` for any number of
 * lanes, instead of pinning positions for `neato -n2`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "seq_model.h"
#include "seq_text.h"

#define LABEL_MAX 1024
#define FONT "Helvetica"

/* Rows compared with a reference's run (seq_compare): the label of one
 * that is not in the reference's run, or differs from its row there, is
 * filled with one of these. */
#define FILL_EXTRA "#c9efc0"
#define FILL_CHANGED "#ffe08a"

static const char *mark_fill(const struct seq *s, size_t r)
{
	if (!s->marks)
		return NULL;
	unsigned char m = s->marks[r];
	/* The "waits" half of a blocked call shows the mark of its return. */
	if (m == SEQ_MARK_NONE && s->rows[r].kind == ROW_WAIT)
		for (size_t q = r + 1; q < s->nrows; q++)
			if (s->rows[q].ev == s->rows[r].ev) {
				m = s->marks[q];
				break;
			}
	return m == SEQ_MARK_EXTRA ? FILL_EXTRA : m == SEQ_MARK_CHANGED ? FILL_CHANGED : NULL;
}

static const char *const style_color[] = {
	[SEQ_STYLE_PLAIN] = "black",
	[SEQ_STYLE_DATA] = "#1f4fa8",
	[SEQ_STYLE_ERROR] = "#c0282d",
	[SEQ_STYLE_WAIT] = "#808080",
	[SEQ_STYLE_SIGNAL] = "#c0282d",
};

/* The length of the well-formed UTF-8 sequence at p (2 to 4 bytes), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (p[0] >= 0xf5)
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Writes text as a DOT quoted string: quotes and backslashes escaped (a
 * strace string's "\n" must stay two characters), line breaks as "\n",
 * well-formed UTF-8 kept, and any other byte outside printable ASCII as
 * '?', so that the output is always valid UTF-8. */
static void put_quoted(FILE *out, const char *text)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		size_t n;
		if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
			fwrite(p, 1, n, out); /* a title's dash, say */
			p += n - 1;
		} else if (*p < 0x20 || *p >= 0x7f)
			fputc('?', out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* What column c shows at row r (or, for r == nrows, after the last). */
enum col_state {
	COL_KERNEL,
	COL_WAITING, /* its (next) process has not started yet */
	COL_RUNNING,
	COL_DONE,    /* every process of the column has ended */
};

static enum col_state column_state(const struct seq *s, int c, size_t r)
{
	if (c == s->kernel_column)
		return COL_KERNEL;
	int later = 0;
	for (size_t k = 0; k < s->nlanes; k++) {
		const struct seq_lane *l = &s->lanes[k];
		if (l->column != c || l->first_row == FLOW_NONE)
			continue;
		if (r < l->first_row)
			later = 1;
		else if (r <= l->last_row || !l->ended)
			return COL_RUNNING;
	}
	return later ? COL_WAITING : COL_DONE;
}

static void header(const struct seq *s, FILE *out)
{
	fputs("  ht [shape=plaintext, fontsize=8, fontcolor=\"#606060\", label=\"time\"];\n", out);
	for (int c = 0; c < s->ncolumns; c++) {
		char label[160];
		if (c == s->kernel_column) {
			fprintf(out, "  h%d [shape=box, style=\"filled\", fillcolor=\"#e8e8e8\", "
				     "label=\"kernel\"];\n", c);
			continue;
		}
		/* The program, and the pid of each process drawn here in turn. */
		size_t len = 0, n = 0;
		const struct seq_lane *first = NULL;
		char pids[64] = "";
		size_t plen = 0;
		for (size_t k = 0; k < s->nlanes; k++) {
			const struct seq_lane *l = &s->lanes[k];
			if (l->column != c)
				continue;
			if (n == 0)
				first = l;
			if (n < 4)
				plen = text_add(pids, sizeof(pids), plen, "%s%d",
						n == 0 ? "" : n % 2 ? ", " : ",\n", l->pid);
			else if (n == 4)
				plen = text_add(pids, sizeof(pids), plen, ", ...");
			n++;
		}
		if (!first)
			continue; /* cannot happen: every column has a lane */
		len = text_add(label, sizeof(label), 0, "%s\npid%s %s", first->prog, n > 1 ? "s" : "",
			       pids);
		const struct flow_lane *fl = n == 1 ? &s->f->lanes[first->flow_lane] : NULL;
		if (fl && fl->ppid && fl->exec_ev == FLOW_NONE)
			text_add(label, sizeof(label), len, "\nchild of %d", fl->ppid);
		fprintf(out, "  h%d [shape=box, label=", c);
		put_quoted(out, label);
		fputs("];\n", out);
	}
	fputs("  { rank=same; ht", out);
	for (int c = 0; c < s->ncolumns; c++)
		fprintf(out, " -> h%d", c);
	fputs(" [style=invis]; }\n", out);
}

/* "+12.5 ms" from the first row. */
static void time_text(const struct seq *s, const struct seq_row *r, char *buf, size_t cap)
{
	if (!s->have_time) {
		snprintf(buf, cap, " ");
		return;
	}
	double d = r->key - s->t0;
	if (d < 1.0)
		snprintf(buf, cap, "+%.3f ms", d * 1000);
	else
		snprintf(buf, cap, "+%.3f s", d);
}

/* The column left of the arrow segment that carries row r's label: the
 * segment next to the row's process. */
static int label_gap(const struct seq *s, const struct seq_row *row)
{
	int c = s->lanes[row->lane].column;
	return c < s->kernel_column ? c : c - 1;
}

static int is_end(const struct seq_row *row)
{
	return row->kind == ROW_EXIT || row->kind == ROW_KILLED;
}

/* Row r is two ranks: its label above, then its arrow. dot gives labels
 * of edges inside a rank no room of their own, so each label is a node
 * of its own in the rank above the arrow, placed between the two columns
 * of the segment it names; the lifelines pass through that rank too. */
static void row_nodes(const struct seq *s, size_t r, FILE *out)
{
	const struct seq_row *row = &s->rows[r];
	char tt[32], label[LABEL_MAX];
	int style;
	seq_label(s, row, label, sizeof(label), &style);

	fprintf(out, "  s%zu [shape=point, style=invis, width=0.01];\n", r);
	for (int c = 0; c < s->ncolumns; c++)
		fprintf(out, "  m%d_%zu [shape=point, style=invis, width=0.01];\n", c, r);
	int gap = is_end(row) ? -1 : label_gap(s, row);
	const char *fill = mark_fill(s, r);
	if (gap >= 0) {
		fprintf(out, "  L%zu [shape=plaintext, fontsize=9, margin=\"0.02,0\", height=0.1, "
			     "fontcolor=\"%s\"", r, style_color[style]);
		if (fill)
			fprintf(out, ", style=filled, fillcolor=\"%s\"", fill);
		fputs(", label=", out);
		put_quoted(out, label);
		fputs("];\n", out);
	}
	fprintf(out, "  { rank=same; s%zu", r);
	for (int c = 0; c < s->ncolumns; c++) {
		fprintf(out, " -> m%d_%zu", c, r);
		if (c == gap)
			fprintf(out, " -> L%zu", r);
	}
	fputs(" [style=invis]; }\n", out);

	time_text(s, row, tt, sizeof(tt));
	fprintf(out, "  t%zu [shape=plaintext, fontsize=8, fontcolor=\"#606060\", height=0.15, "
		     "margin=0, label=\"%s\"];\n", r, tt);
	for (int c = 0; c < s->ncolumns; c++) {
		if (c == s->lanes[row->lane].column && is_end(row)) {
			fprintf(out, "  n%d_%zu [shape=box, style=\"rounded%s\", fontsize=9, height=0.25, "
				     "margin=\"0.06,0.02\", color=\"%s\", fontcolor=\"%s\", "
				     "fillcolor=\"%s\", label=",
				c, r, fill ? ",filled" : "", style_color[style], style_color[style],
				fill ? fill : "white");
			put_quoted(out, label);
			fputs("];\n", out);
		} else {
			/* No dot where no process runs. */
			enum col_state st = column_state(s, c, r);
			int idle = st == COL_WAITING || st == COL_DONE;
			fprintf(out, "  n%d_%zu [shape=point, width=0.03%s];\n", c, r,
				idle ? ", style=invis" : "");
		}
	}
	fprintf(out, "  { rank=same; t%zu", r);
	for (int c = 0; c < s->ncolumns; c++)
		fprintf(out, " -> n%d_%zu", c, r);
	fputs(" [style=invis]; }\n", out);
}

/* The lifeline of column c: dotted while its process has not started,
 * dashed while it runs, gone once the column's last process ended; the
 * kernel's is one band (see band()). The segment into row r takes the
 * state of row r, except that a process's first row is reached by a
 * dotted line. */
static void lifeline(const struct seq *s, int c, FILE *out)
{
	char prev[48];
	snprintf(prev, sizeof(prev), "h%d", c);
	for (size_t r = 0; r <= s->nrows; r++) {
		enum col_state st = column_state(s, c, r);
		enum col_state before = r > 0 ? column_state(s, c, r - 1) : COL_WAITING;
		const char *style;
		if (st == COL_KERNEL)
			style = "style=invis";
		else if (st == COL_WAITING || (st == COL_RUNNING && before != COL_RUNNING))
			style = "style=dotted, color=\"#b0b0b0\"";
		else if (st == COL_DONE)
			style = "style=invis";
		else
			style = "style=dashed, color=\"#707070\"";
		if (r == s->nrows) {
			fprintf(out, "  %s -> f%d [%s];\n", prev, c, style);
			break;
		}
		fprintf(out, "  %s -> m%d_%zu -> n%d_%zu [%s];\n", prev, c, r, c, r, style);
		snprintf(prev, sizeof(prev), "n%d_%zu", c, r);
	}
}

/* The arrow of row r between its lane and the kernel, as segments. */
static void message(const struct seq *s, size_t r, FILE *out)
{
	const struct seq_row *row = &s->rows[r];
	if (row->kind == ROW_EXIT || row->kind == ROW_KILLED)
		return;
	int c = s->lanes[row->lane].column, k = s->kernel_column;
	int lo = c < k ? c : k, hi = c < k ? k : c;
	int into_kernel = !seq_from_kernel(s, row);
	char label[LABEL_MAX];
	int style; /* the label is in its own node: only the style counts */
	seq_label(s, row, label, sizeof(label), &style);
	const char *color = style_color[style];
	const char *dash = style == SEQ_STYLE_WAIT || style == SEQ_STYLE_SIGNAL ? ", style=dashed" : "";
	for (int i = lo; i < hi; i++) {
		/* Segments run left to right; the arrowhead goes on the
		 * kernel's end or the process's end, as the arrow points. */
		int head_right = c < k ? into_kernel : !into_kernel;
		int at_head = head_right ? i == hi - 1 : i == lo;
		const char *dir = !at_head ? "none" : head_right ? "forward" : "back";
		fprintf(out, "  n%d_%zu -> n%d_%zu [dir=%s, color=\"%s\"%s];\n", i, r, i + 1, r,
			dir, color, dash);
	}
}

/* The kernel's lifeline as one straight band, and on it, for each write
 * whose bytes a drawn read received, a dotted line from the write's row to
 * the read's: the bytes wait in the receiving socket's queue in between.
 * One edge each, drawn straight (splines=false) over the column. */
static size_t row_of(const struct seq *s, size_t ev, int data_row)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (s->rows[r].ev == ev && s->rows[r].count == 1 &&
		    (!data_row || s->rows[r].kind != ROW_WAIT))
			return r;
	return FLOW_NONE;
}

static void band(const struct seq *s, FILE *out)
{
	int k = s->kernel_column;
	fprintf(out, "  h%d -> f%d [color=\"#c8c8c8\", penwidth=5, arrowhead=none, "
		     "headclip=false];\n", k, k);
	const struct flow *f = s->f;
	for (size_t c = 0; c < f->nchunks; c++) {
		const struct flow_chunk *ch = &f->chunks[c];
		size_t w = row_of(s, f->io[ch->wio].ev, 0), r = row_of(s, f->io[ch->rio].ev, 1);
		if (w == FLOW_NONE || r == FLOW_NONE || r <= w)
			continue;
		fprintf(out, "  n%d_%zu -> n%d_%zu [color=\"%s\", style=dotted, penwidth=2, "
			     "arrowhead=none];\n", k, w, k, r, style_color[SEQ_STYLE_DATA]);
	}
}

static void footer(const struct seq *s, FILE *out)
{
	fputs("  { rank=same;", out);
	for (int c = 0; c < s->ncolumns; c++)
		fprintf(out, " f%d", c);
	fputs(" }\n", out);
	for (int c = 0; c < s->ncolumns; c++)
		fprintf(out, "  f%d [shape=point, width=0.01, style=invis];\n", c);
	for (int c = 0; c + 1 < s->ncolumns; c++)
		fprintf(out, "  f%d -> f%d [style=invis];\n", c, c + 1);

	char text[4096];
	size_t len = seq_totals(s, text, sizeof(text));
	if (s->dropped_rows)
		len = text_add(text, sizeof(text), len, "(%zu more rows not drawn)\n", s->dropped_rows);
	if (s->dropped_lanes)
		len = text_add(text, sizeof(text), len, "(%zu more processes not drawn)\n",
			       s->dropped_lanes);
	if (s->nrows == 0)
		len = text_add(text, sizeof(text), len, "No socket calls found in this trace.\n");
	if (s->marks) {
		size_t ndiff = s->nextra + s->nchanged + s->nmissing;
		if (ndiff == 0)
			len = text_add(text, sizeof(text), len,
				       "Compared with the reference's run: every process made the "
				       "same calls with the same results.\n");
		else
			len = text_add(text, sizeof(text), len,
				       "Compared with the reference's run: %zu row%s not in it "
				       "(green), %zu changed (yellow), %zu of its rows missing here%s\n",
				       s->nextra, s->nextra == 1 ? "" : "s", s->nchanged, s->nmissing,
				       s->nmissing ? ":" : ".");
		for (size_t k = 0; k < s->nmissing && k < 8; k++) {
			char cut[96];
			text_head(cut, sizeof(cut), s->missing[k], 90);
			len = text_add(text, sizeof(text), len, "  missing: %s\n", cut);
		}
		if (s->nmissing > 8)
			len = text_add(text, sizeof(text), len, "  (%zu more missing)\n",
				       s->nmissing - 8);
	}
	if (len == 0)
		return;
	/* The graph's own label, at the bottom left: "\l" ends each line
	 * left-justified. */
	fputs("  label=\"", out);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n')
			fputs("\\l", out);
		else if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else
			fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, out);
	}
	fputs("\";\n", out);
}

int seq_write_dot(const struct seq *s, FILE *out)
{
	fputs("digraph sequence {\n", out);
	fputs("  newrank=true; splines=false; nodesep=0.15; ranksep=0.02;\n", out);
	fprintf(out, "  fontname=\"%s\"; fontsize=9; labelloc=b; labeljust=l;\n", FONT);
	fprintf(out, "  node [fontname=\"%s\", fontsize=10];\n", FONT);
	fprintf(out, "  edge [fontname=\"%s\", fontsize=9, arrowsize=0.7];\n", FONT);
	header(s, out);
	if (s->opts.title) {
		/* In a rank of its own: a wide title widens only that rank. */
		fputs("  title [shape=plaintext, fontsize=12, label=", out);
		put_quoted(out, s->opts.title);
		/* Tied to the first and last headers, dot puts it halfway. */
		fprintf(out, "];\n  title -> { ht h%d } [style=invis];\n", s->ncolumns - 1);
	}
	for (size_t r = 0; r < s->nrows; r++)
		row_nodes(s, r, out);
	footer(s, out);
	/* The time column keeps its place without a visible line. */
	fputs("  edge [style=invis, weight=10000];\n  ht", out);
	for (size_t r = 0; r < s->nrows; r++)
		fprintf(out, " -> s%zu -> t%zu", r, r);
	fputs(";\n", out);
	fputs("  edge [arrowhead=none, weight=10000, style=solid];\n", out);
	for (int c = 0; c < s->ncolumns; c++)
		lifeline(s, c, out);
	fputs("  edge [constraint=false, weight=0, style=solid, penwidth=1, "
	      "arrowhead=normal, arrowtail=normal];\n", out);
	band(s, out);
	for (size_t r = 0; r < s->nrows; r++)
		message(s, r, out);
	fputs("}\n", out);
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
