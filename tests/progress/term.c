/* term.c: colours and the progress line (see term.h for the rules). */
#include "term.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int color_on, progress_on, progress_shown;

int term_color_wanted(int stdout_is_tty, const char *no_color,
		      const char *force_color, const char *term)
{
	if (no_color && *no_color)
		return 0;
	if (force_color && *force_color)
		return strcmp(force_color, "0") != 0 && strcmp(force_color, "false") != 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return stdout_is_tty != 0;
}

void term_setup(int progress_off_tty)
{
	const char *term = getenv("TERM");
	color_on = term_color_wanted(isatty(STDOUT_FILENO), getenv("NO_COLOR"),
				     getenv("FORCE_COLOR"), term);
	/* The line is drawn with \r and an erase-line sequence, which a
	 * dumb terminal does not understand. */
	progress_on = isatty(STDERR_FILENO) && (progress_off_tty || isatty(STDOUT_FILENO)) &&
		      term && *term && strcmp(term, "dumb") != 0;
	progress_shown = 0;
}

const char *term_sgr(enum term_style s)
{
	if (!color_on)
		return "";
	switch (s) {
	case TERM_PASS: return "\033[32m";
	case TERM_FAIL: return "\033[31m";
	case TERM_BOLD: return "\033[1m";
	case TERM_DIM: return "\033[2m";
	default: return "\033[0m";
	}
}

int term_progress_on(void)
{
	return progress_on;
}

void term_progress(const char *fmt, ...)
{
	if (!progress_on)
		return;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* A line longer than the terminal wraps, and \r cannot go back up
	 * to erase its first part. */
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    strlen(text) >= ws.ws_col)
		text[ws.ws_col - 1] = '\0';
	fflush(stdout);
	fprintf(stderr, "\r\033[K%s", text);
	fflush(stderr);
	progress_shown = 1;
}

void term_progress_clear(void)
{
	if (!progress_shown)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	progress_shown = 0;
}
