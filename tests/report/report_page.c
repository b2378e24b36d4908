/* report_page.c: the report page itself: one self-contained HTML file
 * (inline CSS, pictures as data: URIs, no script, no font or anything
 * else fetched), a summary of the scores on top, then one section per
 * lab with its checks and the two sequence diagrams side by side. */
#include "report_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "report_diff.h"

static const char CSS[] =
	":root{--pass:#1a7f37;--fail:#c0282d;--extra:#c9efc0;--changed:#ffe08a;"
	"--missing:#f8d0d0;--line:#d8dce0;--muted:#5a6370}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI','DejaVu Sans',"
	"'Liberation Sans',sans-serif;color:#1d2126;background:#f4f5f7}\n"
	"header{background:#20262e;color:#fff;padding:18px 28px}\n"
	"header h1{margin:0 0 4px;font-size:22px}\n"
	"header p{margin:0;color:#c8ced6}\n"
	".total{float:right;font-size:28px;font-weight:700}\n"
	"main{padding:12px 28px 40px}\n"
	"code,pre{font-family:ui-monospace,'DejaVu Sans Mono','Liberation Mono',monospace;"
	"font-size:12.5px}\n"
	"pre{white-space:pre-wrap;word-break:break-word;margin:4px 0;padding:8px 10px;"
	"background:#fbf3f3;border-left:3px solid var(--fail);max-height:22em;overflow:auto}\n"
	"table{border-collapse:collapse;width:100%;background:#fff}\n"
	"th,td{text-align:left;padding:5px 9px;border-bottom:1px solid var(--line);"
	"vertical-align:top}\n"
	"th{background:#eceef1;font-weight:600}\n"
	".bar{display:inline-block;width:140px;height:10px;background:#e3e6ea;border-radius:5px;"
	"overflow:hidden;vertical-align:middle;margin-right:6px}\n"
	".bar i{display:block;height:100%;background:var(--pass)}\n"
	".PASS{color:var(--pass);font-weight:700}.FAIL{color:var(--fail);font-weight:700}\n"
	"section.lab{background:#fff;border:1px solid var(--line);border-radius:6px;"
	"margin:22px 0;padding:14px 18px}\n"
	"section.lab h2{margin:0 0 10px;font-size:19px}\n"
	"section.lab h2 .score{float:right}\n"
	"h3{font-size:16px;margin:18px 0 8px}\n"
	".kind{font-size:11px;text-transform:uppercase;color:var(--muted);letter-spacing:.04em}\n"
	".name{color:var(--muted);font-size:12px}\n"
	".hidden{font-size:11px;background:#eceef1;border-radius:3px;padding:0 4px}\n"
	".problem{border:1px solid var(--fail);background:#fdf1f1;border-radius:4px;"
	"padding:8px 12px;margin:0 0 10px}\n"
	".note{border:1px solid #d9b44a;background:#fff8e1;border-radius:4px;padding:8px 12px;"
	"margin:0 0 10px}\n"
	".note pre{background:#fffdf5;border-left-color:#d9b44a}\n"
	".diagrams{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr) "
	"minmax(17rem,.85fr);gap:14px;align-items:start}\n"
	"@media (max-width:1100px){.diagrams{grid-template-columns:minmax(0,1fr) "
	"minmax(0,1fr)}.diffs{grid-column:1/-1}}\n"
	"figure{margin:0;border:1px solid var(--line);border-radius:4px;background:#fff}\n"
	"figcaption{font-weight:600;padding:6px 10px;background:#eceef1;"
	"border-bottom:1px solid var(--line)}\n"
	".pic{max-height:88vh;overflow:auto}\n"
	".pic img{display:block;width:100%;height:auto}\n"
	".nodiagram{margin:12px;padding:14px;border:2px dashed var(--fail);border-radius:4px;"
	"color:#6b1a1d;background:#fdf5f5}\n"
	".nodiagram pre{background:#fff}\n"
	".diffs{border:1px solid var(--line);border-radius:4px;padding:0 10px 8px;"
	"max-height:88vh;overflow:auto;font-size:13px}\n"
	".diffs h4{margin:8px 0}\n"
	".lane{margin:8px 0}.lane-name{font-weight:600}\n"
	".ok{color:var(--pass);font-weight:400}\n"
	".difflist{list-style:none;margin:4px 0;padding:0}\n"
	".difflist li{padding:2px 6px;border-radius:3px;margin:1px 0;word-break:break-word}\n"
	".d-same{color:var(--muted)}.d-skip{color:var(--muted);font-style:italic}\n"
	".d-extra{background:var(--extra)}.d-changed{background:var(--changed)}\n"
	".d-missing{background:var(--missing)}\n"
	".tag{font-size:10.5px;font-weight:700;text-transform:uppercase;margin-right:3px}\n"
	".was{color:#6a5310;font-size:12px}.n{color:var(--muted)}\n"
	".legend span{display:inline-block;padding:0 6px;border-radius:3px;margin:0 2px}\n"
	"a{color:#1f4fa8}\n";

/* The chapter's title ("Lab 02: bind, listen, accept") from the first
 * line of guide/LAB.md, or "Lab NN: topic". */
static void chapter_title(const char *guide, const struct lab_rep *lab, char *out, size_t cap)
{
	char path[512];
	char *text = NULL;
	if (guide) {
		snprintf(path, sizeof(path), "%s/%s.md", guide, lab->dir);
		text = file_text(path, 1u << 20);
	}
	if (text && strncmp(text, "# ", 2) == 0) {
		size_t n = strcspn(text + 2, "\n");
		snprintf(out, cap, "%.*s", (int)n, text + 2);
	} else {
		snprintf(out, cap, "Lab %02d: %s", lab->number,
			 strlen(lab->dir) > 3 ? lab->dir + 3 : lab->dir);
	}
	free(text);
}

static const char *kind_of(const char *name)
{
	if (strncmp(name, "unit_", 5) == 0)
		return "unit";
	if (strncmp(name, "box_", 4) == 0)
		return "box";
	if (strncmp(name, "trace_", 6) == 0)
		return "trace";
	return "check";
}

static void bar(FILE *out, int score, int max)
{
	int pct = max > 0 ? score * 100 / max : 0;
	fprintf(out, "<span class=\"bar\"><i style=\"width:%d%%\"></i></span>", pct);
}

/* work/LAB.EXT as a path. */
static const char *work_file(const struct page *p, const struct lab_rep *lab, const char *ext,
			     char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s.%s", p->work, lab->dir, ext);
	return buf;
}

/* The first line of a text file of the work folder, escaped. */
static int first_line(FILE *out, const char *path)
{
	char *text = file_text(path, 1u << 20);
	if (!text)
		return 0;
	html_textn(out, text, strcspn(text, "\n"));
	free(text);
	return 1;
}

static void checks_table(FILE *out, const struct lab_rep *lab)
{
	if (lab->problem) {
		fputs("<div class=\"problem\"><b>Every check of this lab scores zero:</b>\n", out);
		fputs("<pre>", out);
		html_text(out, lab->problem);
		fputs("</pre></div>\n", out);
	}
	fputs("<table class=\"checks\"><tr><th></th><th>points</th><th>kind</th>"
	      "<th>check</th></tr>\n", out);
	for (size_t k = 0; k < lab->n; k++) {
		const struct check_rep *c = &lab->checks[k];
		fprintf(out, "<tr class=\"check\"><td class=\"%s\">%s</td><td>%d/%d</td>"
			     "<td class=\"kind\">%s</td><td>",
			c->passed ? "PASS" : "FAIL", c->passed ? "PASS" : "FAIL", c->score, c->max,
			kind_of(c->name));
		html_text(out, c->title);
		if (c->hidden)
			fputs(" <span class=\"hidden\">hidden</span>", out);
		fputs("<br><span class=\"name\">", out);
		html_text(out, c->name);
		fputs("</span>", out);
		if (!c->passed && !lab->problem && c->output[0]) {
			fputs("<pre>", out);
			html_text(out, c->output);
			fputs("</pre>", out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* One diagram (or why there is none) in a figure. */
static void figure(FILE *out, const char *caption, const char *svg, const char *why_path,
		   const char *fallback)
{
	fputs("<figure><figcaption>", out);
	html_text(out, caption);
	fputs("</figcaption>\n", out);
	if (svg && file_nonempty(svg)) {
		fputs("<div class=\"pic\"><img alt=\"", out);
		html_text(out, caption);
		fputs("\" src=\"", out);
		if (html_data_uri(out, svg, "image/svg+xml") < 0)
			fputs("data:,", out);
		fputs("\"></div>\n", out);
	} else {
		fputs("<div class=\"nodiagram\"><b>No diagram:</b> ", out);
		char *why = why_path ? file_text(why_path, 1u << 20) : NULL;
		if (why) {
			size_t n = strcspn(why, "\n");
			html_textn(out, why, n);
			if (why[n] && why[n + 1]) {
				fputs("<pre>", out);
				html_text(out, why + n + 1);
				fputs("</pre>", out);
			}
		} else {
			html_text(out, fallback);
		}
		free(why);
		fputs("</div>\n", out);
	}
	fputs("</figure>\n", out);
}

static void diagrams(FILE *out, const struct page *p, struct lab_rep *lab)
{
	char path[1024], why[1024], ref[1024], refwhy[1024];
	fputs("<h3>Sequence diagrams: the reference's run and yours</h3>\n", out);
	if (!file_nonempty(work_file(p, lab, "scenario", path, sizeof(path)))) {
		fputs("<p>This lab has no sequence-diagram scenario.</p>\n", out);
		return;
	}
	if (file_nonempty(work_file(p, lab, "note", path, sizeof(path)))) {
		/* First line: what went wrong; then what the programs printed. */
		char *note = file_text(path, 1u << 20);
		if (note) {
			size_t n = strcspn(note, "\n");
			fputs("<div class=\"note\"><b>Your run did not go as the scenario "
			      "expects</b> (the diagram shows what happened). ", out);
			html_textn(out, note, n);
			if (note[n] && note[n + 1]) {
				/* A long output keeps its end, where it went wrong. */
				const char *rest = note + n + 1;
				size_t len = strlen(rest);
				fputs(" What the programs printed:\n<pre>", out);
				if (len > 6000)
					fputs("[...]\n", out);
				html_text(out, rest + (len > 6000 ? len - 6000 : 0));
				fputs("</pre>", out);
			}
			fputs("</div>\n", out);
			free(note);
		}
	}
	fputs("<div class=\"diagrams\">\n", out);
	work_file(p, lab, "ref.svg", ref, sizeof(ref));
	work_file(p, lab, "refwhy", refwhy, sizeof(refwhy));
	figure(out, "The reference's run", ref, refwhy, "the reference diagram is missing");
	char caption[300];
	snprintf(caption, sizeof(caption), "Your run (%s)", p->tree);
	work_file(p, lab, "svg", path, sizeof(path));
	work_file(p, lab, "why", why, sizeof(why));
	figure(out, caption, path, why, "it was not drawn");

	fputs("<div class=\"diffs\"><h4>Differences</h4>\n", out);
	if (lab->diff_loaded) {
		const struct diff *d = &lab->diff;
		if (d->missing + d->extra + d->changed == 0)
			fputs("<p class=\"ok\">None: every process made the same calls with the "
			      "same results as in the reference's run.</p>\n", out);
		else
			fprintf(out, "<p class=\"legend\"><span class=\"d-missing\">%d missing</span>"
				     "<span class=\"d-extra\">%d extra</span>"
				     "<span class=\"d-changed\">%d changed</span> "
				     "(%d the same)</p>\n",
				d->missing, d->extra, d->changed, d->same);
		diff_html(out, d);
	} else {
		fputs("<p>", out);
		if (!first_line(out, work_file(p, lab, "diffwhy", path, sizeof(path))))
			fputs("Not compared.", out);
		fputs("</p>\n", out);
	}
	if (file_nonempty(work_file(p, lab, "varies", path, sizeof(path)))) {
		fputs("<p class=\"name\">Timing changes this scenario from run to run: ", out);
		first_line(out, path);
		fputs(". Some differences may come from that.</p>\n", out);
	}
	fputs("</div>\n</div>\n", out);
}

static void lab_section(FILE *out, const struct page *p, struct lab_rep *lab)
{
	char title[300];
	chapter_title(p->guide, lab, title, sizeof(title));
	fprintf(out, "<section class=\"lab\" id=\"lab-%02d\">\n<h2>", lab->number);
	html_text(out, title);
	fprintf(out, " <span class=\"score\">%d/%d</span></h2>\n", lab->score, lab->max);
	checks_table(out, lab);
	diagrams(out, p, lab);
	fputs("</section>\n", out);
}

static void summary(FILE *out, const struct page *p)
{
	fputs("<h2>Summary</h2>\n<table class=\"summary\"><tr><th>lab</th><th>score</th>"
	      "<th>checks failed</th><th>diagram compared with the reference</th></tr>\n", out);
	for (size_t k = 0; k < p->nlabs; k++) {
		struct lab_rep *lab = &p->labs[k];
		char title[300];
		chapter_title(p->guide, lab, title, sizeof(title));
		int failed = 0;
		for (size_t c = 0; c < lab->n; c++)
			failed += !lab->checks[c].passed;
		fprintf(out, "<tr><td><a href=\"#lab-%02d\">", lab->number);
		html_text(out, title);
		fputs("</a></td><td>", out);
		bar(out, lab->score, lab->max);
		fprintf(out, "%d/%d</td><td>%d of %zu</td><td>", lab->score, lab->max, failed,
			lab->n);
		char path[1024];
		if (lab->diff_loaded) {
			int n = lab->diff.missing + lab->diff.extra + lab->diff.changed;
			if (n == 0)
				fputs("<span class=\"ok\">the same</span>", out);
			else
				fprintf(out, "%d difference%s", n, n == 1 ? "" : "s");
		} else if (!file_nonempty(work_file(p, lab, "scenario", path, sizeof(path)))) {
			fputs("(no scenario)", out);
		} else if (file_nonempty(work_file(p, lab, "why", path, sizeof(path)))) {
			fputs("no diagram", out);
		} else {
			fputs("not compared", out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

int page_write(FILE *out, struct page *p)
{
	char path[1024];
	for (size_t k = 0; k < p->nlabs; k++) {
		struct lab_rep *lab = &p->labs[k];
		lab->diff_loaded =
			diff_load(work_file(p, lab, "diff", path, sizeof(path)), &lab->diff) == 0;
	}
	char when[64];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Socket lab report</title>\n<style>\n", out);
	fputs(CSS, out);
	fputs("</style></head><body>\n<header>", out);
	fprintf(out, "<div class=\"total\">%d/%d</div>", p->score, p->max);
	fputs("<h1>Socket lab report</h1><p>", out);
	html_text(out, p->tree);
	fputs(" &middot; graded ", out);
	html_text(out, when);
	fputs("</p></header>\n<main>\n", out);
	summary(out, p);
	fputs("<p class=\"legend\">Each lab shows its checks (a failed one with its message), "
	      "then the sequence diagram of the reference's run beside the one of your "
	      "programs' run, drawn from a real <code>strace</code> of the same scenario. The "
	      "calls are compared process by process: "
	      "<span class=\"d-missing\">missing</span> in your run, "
	      "<span class=\"d-extra\">extra</span> in your run (green in your diagram), "
	      "<span class=\"d-changed\">changed</span> arguments or result (yellow in your "
	      "diagram). The checks give the score; the comparison only shows where to "
	      "look.</p>\n", out);
	for (size_t k = 0; k < p->nlabs; k++)
		lab_section(out, p, &p->labs[k]);
	fputs("</main></body></html>\n", out);
	for (size_t k = 0; k < p->nlabs; k++)
		if (p->labs[k].diff_loaded)
			diff_free(&p->labs[k].diff);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
