/* seq_model.h: the sequence diagram drawn from a trace, before it becomes
 * DOT text.
 *
 * A diagram has columns (one lifeline per process, and the kernel's in the
 * middle) and rows (one event each, top to bottom in time order). Every
 * message goes between a process and the kernel: a call is an arrow into
 * the kernel, data read and signals are arrows out of it. */
#ifndef DIAGRAMS_SEQ_MODEL_H
#define DIAGRAMS_SEQ_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include "strace_parse.h"
#include "trace_flow.h"

/* What the user asked for. */
struct seq_opts {
	const char *bin_dir;   /* keep processes that executed from here */
	const char *keep;      /* or these programs (comma-separated names) */
	const char *title;     /* first line of the diagram, may be NULL */
	int max_lanes;         /* processes drawn at most (others noted) */
	int max_rows;          /* rows drawn at most (after folding) */
	int fold;              /* 1: fold repetitions into "xN" rows */
	const char *masks[8];  /* texts shown as "*" in the row list: the
	                          random parts of a run (its temp folder) */
	int nmasks;
	const char *compare;   /* a reference's row list to mark against */
};

enum row_kind {
	ROW_CALL,    /* a call drawn as one arrow, result included */
	ROW_WAIT,    /* the start of a call that blocked: "... waits" */
	ROW_RETURN,  /* the return of a call that blocked */
	ROW_SIGNAL,  /* a signal delivered to the process */
	ROW_EXIT,    /* the process exited */
	ROW_KILLED,  /* the process was killed by a signal */
};

struct seq_row {
	enum row_kind kind;
	size_t ev;         /* the trace event */
	size_t lane;       /* index into seq.lanes */
	double key;        /* sort key: time, or event index without times */
	size_t seq;        /* tie-break: event index, then start before end */
	long count;        /* >1 when folded: the rows stand for count
	                      repetitions (of a period of `period` rows) */
	int period;
	long total_bytes;  /* folded data rows: the bytes of all repetitions */
	int pair_id;       /* writes: number shown as "#n", 0 for none */
};

struct seq_lane {
	size_t flow_lane;  /* index into flow.lanes */
	int pid;
	char prog[64];
	int server;        /* 1 when it called listen() */
	int side;          /* -1 left of the kernel, +1 right */
	int column;        /* 0.. from the left (the kernel has one too);
	                      several lanes may share one, one after another */
	size_t from_ev;    /* events before this one are not its program's */
	size_t first_row, last_row;
	int ended;         /* copied from the flow lane */
	char name[72];     /* in the row list: "server", "daemon#2" for the
	                      second process running daemon */
};

struct seq {
	const struct trace *t;
	const struct flow *f;
	struct seq_opts opts;
	struct seq_lane *lanes;
	size_t nlanes;
	size_t dropped_lanes;   /* processes left out by max_lanes */
	int kernel_column;
	int ncolumns;
	struct seq_row *rows;
	size_t nrows, caprows;
	size_t dropped_rows;    /* rows left out by max_rows */
	size_t *lane_of_pid_ev; /* per trace event: lane index or FLOW_NONE */
	int have_time;          /* 1 when the trace has -ttt timestamps */
	double t0;              /* time of the first row */
	int *pair_of_wio;       /* per flow io (writes): its "#n", 0 none */
	int npairs;             /* the numbers given */
	/* Set by seq_compare (NULL otherwise). */
	unsigned char *marks;   /* per row: a SEQ_MARK_* value */
	char **missing;         /* "lane: text" of the reference's rows that
	                           this run lacks */
	size_t nmissing;
	size_t nextra, nchanged;
};

/* How a row compares with the reference's run. */
enum { SEQ_MARK_NONE, SEQ_MARK_SAME, SEQ_MARK_EXTRA, SEQ_MARK_CHANGED };

/* seq_build.c: the whole diagram model (select, rows, fold, pair
 * numbers). t and f must outlive s. Returns 0, or -1 with errno. */
int seq_build(struct seq *s, const struct trace *t, const struct flow *f,
	      const struct seq_opts *opts);

/* seq_select.c: chooses the lanes and which events are drawn. */
int seq_select(struct seq *s);
/* The seq lane of pid, or FLOW_NONE. */
size_t seq_lane_of(const struct seq *s, int pid);

/* seq_columns.c: sides and columns, once the rows are known: left lanes,
 * the kernel, right lanes; a lane may reuse the column of an ended lane
 * of the same program. */
void seq_columns(struct seq *s);
/* Whether event k (of a kept lane) is drawn at all. */
int seq_shown(const struct seq *s, size_t k);

/* seq_rows.c: rows in time order, blocked calls split in two. */
int seq_rows(struct seq *s);

/* seq_fold.c: repetitions folded, then rows capped at max_rows. */
void seq_fold(struct seq *s);

/* seq_label.c: the text of a row's arrow, with '\n' between lines.
 * Returns the length written (cut to cap). *style gets one of the
 * SEQ_STYLE_* values. */
enum { SEQ_STYLE_PLAIN, SEQ_STYLE_DATA, SEQ_STYLE_ERROR, SEQ_STYLE_WAIT,
       SEQ_STYLE_SIGNAL };
size_t seq_label(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
		 int *style);
/* seq_data.c: the data lines of a write or read row (a preview of the
 * bytes, which copy it is, its "#n"), appended at buf[len]; returns the
 * new length, len itself for a row without data. */
size_t seq_data_text(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
		     size_t len);
/* seq_data.c: the first bytes of a write or read row's data as strace
 * shows them, quoted, appended at buf[len] (len itself for other rows and
 * folded ones). */
size_t seq_data_preview(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
			size_t len);
/* Whether the row's arrow points from the kernel to the process. */
int seq_from_kernel(const struct seq *s, const struct seq_row *r);
/* seq_data.c: the per-direction totals, one line each, and what the
 * marks mean, for the diagram's footer and --totals. */
size_t seq_totals(const struct seq *s, char *buf, size_t cap);

/* seq_label.c: a row as one line of the row list, the same in every run
 * of the same programs: the call with its key arguments and result (a
 * blocked call once, at its return), without times, pids, "#n" or a
 * poll's remaining timeout, the masks replaced by "*" and a kernel-chosen
 * (autobind) name by "@<autobind>". rows[0..n) is one row, or (n > 1) a
 * run of reads of one stream socket by one process, written as the one
 * read that would have taken all their bytes: how a stream's bytes are
 * cut into reads depends on timing. Returns the length, or 0 for a row
 * the list leaves out (the "waits" half of a call whose return has a row
 * of its own). */
size_t seq_row_text(const struct seq *s, const struct seq_row *const *rows, size_t n,
		    char *buf, size_t cap);
/* Whether row r is a read that got bytes from a stream socket (not
 * folded): one that seq_row_text may join with the next. */
int seq_stream_read(const struct seq *s, const struct seq_row *r);

/* seq_compare.c: gives each lane its name in the row list (after
 * seq_columns: the k-th process of a program is "prog#k" from k = 2). */
void seq_name_lanes(struct seq *s);
/* Writes the row list: a comment line, then "lane<TAB>count<TAB>text"
 * per row, in time order. Returns 0, or -1 with errno. */
int seq_write_rows(const struct seq *s, FILE *out);
/* Compares the rows with the row list at ref_path, lane by lane (a
 * longest common subsequence of each lane's texts): fills s->marks and
 * s->missing, and writes the alignment to diff (when not NULL) as
 * "mark<TAB>lane<TAB>reference's count<TAB>reference's text<TAB>count
 * <TAB>text<TAB>row", mark one of = (same), - (only in the reference), +
 * (only in this run), ~ (changed), row this run's row number from 1 (0
 * when none). Returns 0, or -1 with errno (EINVAL: not a row list). */
int seq_compare(struct seq *s, const char *ref_path, FILE *diff);

/* seq_dot.c: the DOT text of the diagram. Returns 0, or -1 with errno. */
int seq_write_dot(const struct seq *s, FILE *out);

/* seq_render.c: runs `dot -T<fmt> in -o out`. Returns 0, or -1 with a
 * sentence in why. */
int seq_render(const char *dot_path, const char *fmt, const char *out_path, char *why,
	       size_t cap);

void seq_free(struct seq *s);

#endif
