/* term.h: what a terminal gets that a pipe does not: colours on stdout,
 * and a progress line on stderr that is rewritten in place.
 *
 * Colours follow the usual conventions: on only when stdout is a terminal
 * (and TERM is not "dumb"); NO_COLOR with any non-empty value turns them
 * off (https://no-color.org), and it wins over everything; FORCE_COLOR
 * with a non-empty value other than "0" or "false" turns them on even
 * into a pipe. The progress line is never written unless stderr is a
 * terminal, so the text that tests and course platforms read through
 * pipes is the same byte for byte. */
#ifndef TESTS_PROGRESS_TERM_H
#define TESTS_PROGRESS_TERM_H

enum term_style { TERM_PASS, TERM_FAIL, TERM_BOLD, TERM_DIM, TERM_RESET };

/* The decision behind colours, as a pure function of its inputs (any
 * string may be NULL: unset). Returns 1 for colours, 0 for plain text. */
int term_color_wanted(int stdout_is_tty, const char *no_color,
		      const char *force_color, const char *term);

/* Decides, once, from the real stdout, stderr and environment. With
 * progress_off_tty set, the progress line is shown whenever stderr is a
 * terminal, even when stdout goes to a file (a tool that logs the full
 * report and shows only the progress). */
void term_setup(int progress_off_tty);

/* The escape sequence of a style, or "" when colours are off. */
const char *term_sgr(enum term_style s);

/* Whether the progress line is on. */
int term_progress_on(void);

/* Replaces the progress line on stderr with the formatted text (cut to
 * the terminal's width, so that it never wraps). No-op when off. */
void term_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Erases the progress line, if one is shown. Call it before printing
 * anything else. */
void term_progress_clear(void);

#endif
