/* grade_report.c: the grader's text output, one line per check.
 *
 * Shape: a header per lab, "PASS  2/2  unit  title" per check with the
 * failure message indented under a failed one, a subtotal per lab, and the
 * caller prints the last line "Score: X/Y". On a terminal PASS is green,
 * FAIL red and the totals bold (../progress/term.h); into a pipe the text
 * is plain, byte for byte what it always was. */
#include <stdio.h>
#include <string.h>

#include "../progress/term.h"
#include "grader.h"

/* "unit", "box" or "trace" from the test name's prefix. */
static const char *kind_of(const struct check *c)
{
	if (strncmp(c->name, "unit_", 5) == 0)
		return "unit";
	if (strncmp(c->name, "box_", 4) == 0)
		return "box";
	if (strncmp(c->name, "trace_", 6) == 0)
		return "trace";
	return "check";
}

/* Prints text with every line indented, at most max_lines lines. */
static void print_indented(const char *text, const char *indent, int max_lines)
{
	int lines = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (lines == max_lines) {
			printf("%s[...]\n", indent);
			return;
		}
		printf("%s%.*s\n", indent, len, p);
		lines++;
		p = nl ? nl + 1 : p + len;
	}
}

void report_lab_header(const struct lab *lab)
{
	printf("\n%sLab %02d  %s%s\n", term_sgr(TERM_BOLD), lab->number, lab->dir + 3,
	       term_sgr(TERM_RESET));
	if (lab->problem[0])
		print_indented(lab->problem, "  ! ", 24);
}

void report_check(const struct lab *lab, size_t i, const struct check *c)
{
	(void)i;
	printf("  %s%s%s %3d/%-3d %-5s  %s%s\n", term_sgr(c->passed ? TERM_PASS : TERM_FAIL),
	       c->passed ? "PASS" : "FAIL", term_sgr(TERM_RESET), c->score,
	       c->points, kind_of(c), c->hidden ? "(hidden) " : "", c->title);
	if (!c->passed && c->message[0] && !lab->problem[0])
		print_indented(c->message, "                     ", 16);
	fflush(stdout);
}

void report_lab_total(const struct lab *lab)
{
	printf("  %sLab %02d: %d/%d%s\n", term_sgr(TERM_BOLD), lab->number, lab->score,
	       lab->max_score, term_sgr(TERM_RESET));
	fflush(stdout);
}
