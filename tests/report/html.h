/* html.h: writing HTML safely for `make report`: every text escaped, files
 * embedded as data: URIs, so that the page needs nothing but itself. */
#ifndef TESTS_REPORT_HTML_H
#define TESTS_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes text with &, <, >, " and ' as entities, and control characters
 * other than newline and tab as U+FFFD: what a student's program printed
 * can never become markup. */
void html_text(FILE *out, const char *text);

/* The same for the first n bytes of text. */
void html_textn(FILE *out, const char *text, size_t n);

/* Writes "data:MIME;base64,..." holding the file at path. Returns 0, or
 * -1 with errno (nothing written then). */
int html_data_uri(FILE *out, const char *path, const char *mime);

/* The file at path as a string (malloc'ed); NULL with errno when it
 * cannot be read (EFBIG when it holds more than max bytes). */
char *file_text(const char *path, size_t max);

/* Whether the file at path exists and is not empty. */
int file_nonempty(const char *path);

#endif
