/* seqdiag_main.c: seqdiag, which draws the sequence diagram of a strace
 * log: one lifeline per process, the kernel in the middle, every socket
 * call an arrow, and each write tied to the reads that received its bytes.
 *
 *   seqdiag [options] TRACE
 *
 * TRACE is the output of `strace -f -yy -ttt -T -o TRACE ...`, or the
 * PREFIX of a `strace -ff -o PREFIX` set (PREFIX.<pid> files). Options:
 *   -o BASE        write BASE.dot and render it to BASE.svg and BASE.png
 *                  (without -o, the DOT text goes to stdout);
 *   --bin DIR      draw only processes that executed a program from DIR
 *                  (and children they forked), from their execve on;
 *   --keep NAMES   draw only processes running these programs (a,b,c);
 *                  with --bin too, processes that match either are drawn;
 *   --title TEXT   a title line;
 *   --format LIST  formats rendered with -o (default "svg,png"; "none");
 *   --max-lanes N  processes drawn at most (default 6);
 *   --max-rows N   rows drawn at most (default 150);
 *   --no-fold      draw every repetition instead of "xN" rows;
 *   --totals       also print the bytes and calls per direction;
 *   --mask TEXT    in the row list, show TEXT (a random part of the run,
 *                  such as its temp folder's name) as "*"; repeatable;
 *   --compare REF  mark the rows that differ from the row list REF (a
 *                  reference's BASE.rows): filled green when not in the
 *                  reference's run, yellow when changed, and the
 *                  reference's rows missing here listed at the bottom.
 * With -o, BASE.rows gets the row list (one line per row: process, count,
 * call and result; the same in every run of the same programs), and with
 * --compare, BASE.diff the alignment of the two lists (seq_compare.c).
 *
 * Exit status: 0 when drawn; 1 when the trace cannot be read, holds
 * nothing to draw, or dot failed (one line on stderr says which); 2 on a
 * bad command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "seq_model.h"

static noreturn void usage(void)
{
	die(2, "usage: seqdiag [-o BASE] [--bin DIR] [--keep NAMES] [--title TEXT] "
	       "[--format svg,png|none] [--max-lanes N] [--max-rows N] [--no-fold] "
	       "[--totals] [--mask TEXT]... [--compare REF.rows] TRACE");
}

static int number(const char *opt, const char *text, int lo, int hi)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi)
		die(2, "%s wants a number from %d to %d, got \"%s\"", opt, lo, hi, text);
	return (int)v;
}

/* Writes base.dot, then each format of the comma-separated list, and
 * prints each path. Returns 0, or -1 after reporting why. */
/* Writes the row list to BASE.rows (kind "rows"), or compares the rows
 * with the reference's list and writes BASE.diff (kind "diff"). Prints
 * the path. Returns 0, or -1 after reporting why. */
static int write_list(struct seq *s, const char *base, const char *kind)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s.%s", base, kind);
	FILE *f = fopen(path, "we");
	if (!f) {
		report_errno(errno, "cannot write %s", path);
		return -1;
	}
	int diff = strcmp(kind, "diff") == 0;
	int rc = diff ? seq_compare(s, s->opts.compare, f) : seq_write_rows(s, f);
	int saved = errno;
	if (fclose(f) == EOF && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc < 0) {
		if (diff && saved == EINVAL)
			report("%s is not a row list written by seqdiag -o", s->opts.compare);
		else if (diff)
			report_errno(saved, "comparing with %s into %s", s->opts.compare, path);
		else
			report_errno(saved, "writing %s", path);
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

static int write_files(struct seq *s, const char *base, const char *formats)
{
	char path[4096];
	if (write_list(s, base, "rows") < 0 ||
	    (s->opts.compare && write_list(s, base, "diff") < 0))
		return -1;
	snprintf(path, sizeof(path), "%s.dot", base);
	FILE *f = fopen(path, "we");
	if (!f) {
		report_errno(errno, "cannot write %s", path);
		return -1;
	}
	int rc = seq_write_dot(s, f);
	int saved = errno;
	if (fclose(f) == EOF && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc < 0) {
		report_errno(saved, "writing %s", path);
		return -1;
	}
	printf("%s\n", path);
	if (strcmp(formats, "none") == 0)
		return 0;
	char list[256];
	snprintf(list, sizeof(list), "%s", formats);
	char *save = NULL;
	for (char *fmt = strtok_r(list, ",", &save); fmt; fmt = strtok_r(NULL, ",", &save)) {
		char out[4200], why[256];
		snprintf(out, sizeof(out), "%s.%s", base, fmt);
		if (seq_render(path, fmt, out, why, sizeof(why)) < 0) {
			report("%s", why);
			return -1;
		}
		printf("%s\n", out);
	}
	return 0;
}

/* Checks a --format list before anything is read. */
static void check_formats(const char *formats)
{
	if (strcmp(formats, "none") == 0)
		return;
	char list[256];
	if (snprintf(list, sizeof(list), "%s", formats) >= (int)sizeof(list))
		die(2, "--format: list too long");
	char *save = NULL;
	int n = 0;
	for (char *fmt = strtok_r(list, ",", &save); fmt; fmt = strtok_r(NULL, ",", &save), n++)
		if (strcmp(fmt, "svg") != 0 && strcmp(fmt, "png") != 0 && strcmp(fmt, "pdf") != 0)
			die(2, "--format: unknown format \"%s\" (svg, png, pdf or none)", fmt);
	if (n == 0)
		die(2, "--format: empty list (svg, png, pdf or none)");
}

/* Everything after the trace is read; memory is freed on every path, so
 * that a sanitizer build reports no leak whatever happens. */
static int draw(const struct trace *t, const char *path, const struct seq_opts *opts,
		const char *base, const char *formats, int totals)
{
	struct flow f;
	struct seq s;
	if (flow_build(t, &f) < 0) {
		report_errno(errno, "analysing %s", path);
		return 1;
	}
	int status = 0;
	if (seq_build(&s, t, &f, opts) < 0) {
		report_errno(errno, "building the diagram of %s", path);
		status = 1;
	} else if (s.nrows == 0) {
		report("%s: no socket calls to draw (%zu lines read). Is it the output of "
		       "strace -f -yy?%s", path, t->n,
		       opts->bin_dir || opts->keep ? " Did the selected programs run?" : "");
		status = 1;
	} else if (base) {
		status = write_files(&s, base, formats) < 0;
	} else if (opts->compare && seq_compare(&s, opts->compare, NULL) < 0) {
		report_errno(errno, "comparing with %s", opts->compare);
		status = 1;
	} else if (seq_write_dot(&s, stdout) < 0) {
		report_errno(errno, "writing the DOT text");
		status = 1;
	}
	if (status == 0 && totals) {
		char text[8192];
		seq_totals(&s, text, sizeof(text));
		fputs(text, stdout);
	}
	seq_free(&s);
	flow_free(&f);
	return status;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct seq_opts opts = {.max_lanes = 6, .max_rows = 150, .fold = 1};
	const char *base = NULL, *formats = "svg,png";
	int totals = 0;
	enum { O_BIN = 256, O_KEEP, O_TITLE, O_FORMAT, O_LANES, O_ROWS, O_NOFOLD, O_TOTALS,
	       O_MASK, O_COMPARE };
	static const struct option longopts[] = {
		{"bin", required_argument, NULL, O_BIN},
		{"keep", required_argument, NULL, O_KEEP},
		{"title", required_argument, NULL, O_TITLE},
		{"format", required_argument, NULL, O_FORMAT},
		{"max-lanes", required_argument, NULL, O_LANES},
		{"max-rows", required_argument, NULL, O_ROWS},
		{"no-fold", no_argument, NULL, O_NOFOLD},
		{"totals", no_argument, NULL, O_TOTALS},
		{"mask", required_argument, NULL, O_MASK},
		{"compare", required_argument, NULL, O_COMPARE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': base = optarg; break;
		case O_BIN: opts.bin_dir = optarg; break;
		case O_KEEP: opts.keep = optarg; break;
		case O_TITLE: opts.title = optarg; break;
		case O_FORMAT: formats = optarg; break;
		case O_LANES: opts.max_lanes = number("--max-lanes", optarg, 1, 12); break;
		case O_ROWS: opts.max_rows = number("--max-rows", optarg, 1, 100000); break;
		case O_NOFOLD: opts.fold = 0; break;
		case O_TOTALS: totals = 1; break;
		case O_MASK:
			if (opts.nmasks == (int)(sizeof(opts.masks) / sizeof(opts.masks[0])))
				die(2, "--mask: at most %d", opts.nmasks);
			if (*optarg)
				opts.masks[opts.nmasks++] = optarg;
			break;
		case O_COMPARE: opts.compare = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	const char *path = argv[optind];
	check_formats(formats);

	struct trace t;
	if (trace_load_any(path, &t) < 0)
		die_errno(1, errno, "cannot read the trace %s (a strace -o file, or the prefix "
				    "of a strace -ff set)", path);
	int status = draw(&t, path, &opts, base, formats, totals);
	trace_free(&t);
	return status;
}
