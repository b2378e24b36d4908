/* strace_line.c: one line of `strace -f -yy -ttt -T` output into a record.
 *
 * A line is: an optional pid ("1234 " from -o, "[pid 1234] " on a
 * terminal), an optional timestamp, then one of: a call with its return
 * value, the first or second half of a split call, a signal, or an exit.
 * Everything is parsed within the line's length; whatever does not fit
 * the grammar becomes a TRACE_OTHER record holding the line verbatim. */
#include "strace_internal.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char UNFINISHED[] = "<unfinished ...>";

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_spaces(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static int starts_with(const char *s, size_t i, size_t end, const char *word)
{
	size_t n = strlen(word);
	return end - i >= n && memcmp(s + i, word, n) == 0;
}

static int ends_with(const char *s, size_t i, size_t end, const char *word)
{
	size_t n = strlen(word);
	return end - i >= n && memcmp(s + end - n, word, n) == 0;
}

static char *dup_range(const char *s, size_t i, size_t end)
{
	char *d = malloc(end - i + 1);
	if (d) {
		memcpy(d, s + i, end - i);
		d[end - i] = '\0';
	}
	return d;
}

/* Reads a decimal number of at most 18 digits at s[i]; returns the index
 * after it, or i when there is none. */
static size_t read_long(const char *s, size_t i, size_t end, long *out)
{
	size_t j = i;
	long v = 0;
	while (j < end && is_digit(s[j]) && j - i < 18)
		v = v * 10 + (s[j++] - '0');
	*out = v;
	return j;
}

/* Reads "digits.digits" (-ttt) or "HH:MM:SS[.frac]" (-t, -tt) as seconds.
 * Returns the index after it, or i when the text is not a timestamp. */
static size_t read_timestamp(const char *s, size_t i, size_t end, double *ts)
{
	long whole;
	size_t j = read_long(s, i, end, &whole);
	if (j == i)
		return i;
	if (j < end && s[j] == ':') {
		long mm, ss;
		if (j - i > 2)
			return i; /* hours have two digits */
		size_t k = read_long(s, j + 1, end, &mm);
		if (k == j + 1 || k >= end || s[k] != ':')
			return i;
		size_t l = read_long(s, k + 1, end, &ss);
		if (l == k + 1 || k - j > 3 || l - k > 3)
			return i;
		whole = whole * 3600 + mm * 60 + ss;
		j = l;
	}
	double frac = 0, scale = 0.1;
	if (j < end && s[j] == '.') {
		j++;
		while (j < end && is_digit(s[j])) {
			frac += (s[j++] - '0') * scale;
			scale /= 10;
		}
	}
	if (j < end && s[j] != ' ' && s[j] != '\t')
		return i;
	*ts = (double)whole + frac;
	return j;
}

/* The errno value of a name strace printed ("ECONNREFUSED"), or 0. */
static int errno_value(const char *name)
{
	static const struct {
		const char *name;
		int value;
	} aliases[] = {
		{"EWOULDBLOCK", EWOULDBLOCK},
		{"ENOTSUP", ENOTSUP},
		{"EDEADLOCK", EDEADLK},
	};
	for (int v = 1; v < 256; v++)
		if (strcmp(errno_name(v), name) == 0)
			return v;
	for (size_t k = 0; k < sizeof(aliases) / sizeof(aliases[0]); k++)
		if (strcmp(aliases[k].name, name) == 0)
			return aliases[k].value;
	return 0;
}

/* The number of a signal named "SIGPIPE", or 0. */
static int signal_value(const char *name)
{
	if (strncmp(name, "SIG", 3) != 0)
		return 0;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcmp(abbrev, name + 3) == 0)
			return sig;
	}
#endif
	static const struct {
		const char *name;
		int value;
	} table[] = {
		{"SIGHUP", SIGHUP}, {"SIGINT", SIGINT}, {"SIGQUIT", SIGQUIT},
		{"SIGILL", SIGILL}, {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},
		{"SIGBUS", SIGBUS}, {"SIGFPE", SIGFPE}, {"SIGKILL", SIGKILL},
		{"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
		{"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
		{"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},
	};
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++)
		if (strcmp(table[k].name, name) == 0)
			return table[k].value;
	return 0;
}

/* Copies an identifier-like word s[i, j) into dst (cap bytes). Returns 0,
 * or -1 when it is empty or too long. */
static int copy_word(char *dst, size_t cap, const char *s, size_t i, size_t j)
{
	if (j <= i || j - i >= cap)
		return -1;
	memcpy(dst, s + i, j - i);
	dst[j - i] = '\0';
	return 0;
}

static size_t word_end(const char *s, size_t i, size_t end)
{
	while (i < end && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i;
}

/* "--- SIGPIPE {si_signo=...} ---" */
static int parse_signal(const char *s, size_t i, size_t end, struct trace_event *ev)
{
	if (!ends_with(s, i, end, " ---") || end - i < 8)
		return -1;
	end -= 4;
	i = skip_spaces(s, i + 4, end);
	size_t w = word_end(s, i, end);
	if (!starts_with(s, i, w, "SIG") || copy_word(ev->name, sizeof(ev->name), s, i, w))
		return -1;
	w = skip_spaces(s, w, end);
	ev->args = dup_range(s, w, end);
	if (!ev->args)
		return -1;
	ev->kind = TRACE_SIGNAL;
	return 0;
}

/* "+++ exited with 3 +++" and "+++ killed by SIGPIPE (core dumped) +++" */
static int parse_exit(const char *s, size_t i, size_t end, struct trace_event *ev)
{
	if (!ends_with(s, i, end, " +++") || end - i < 8)
		return -1;
	end -= 4;
	i += 4;
	if (starts_with(s, i, end, "exited with ")) {
		long status;
		i += strlen("exited with ");
		size_t j = read_long(s, i, end, &status);
		if (j == i || j != end)
			return -1;
		ev->kind = TRACE_EXIT;
		ev->status = (int)status;
		return 0;
	}
	if (starts_with(s, i, end, "killed by ")) {
		i += strlen("killed by ");
		size_t w = word_end(s, i, end);
		if (copy_word(ev->name, sizeof(ev->name), s, i, w))
			return -1;
		w = skip_spaces(s, w, end);
		if (w != end && !starts_with(s, w, end, "(core dumped)"))
			return -1;
		ev->kind = TRACE_KILLED;
		ev->status = signal_value(ev->name);
		return 0;
	}
	return -1;
}

/* The part after a call's closing parenthesis: "  = -1 ENOENT (No such
 * file or directory) <0.000011>". */
static int parse_return(const char *s, size_t i, size_t end, struct trace_event *ev)
{
	i = skip_spaces(s, i, end);
	if (i >= end || s[i] != '=')
		return -1;
	i = skip_spaces(s, i + 1, end);

	/* -T: a trailing " <seconds>". */
	if (end > i && s[end - 1] == '>') {
		size_t lt = end - 1;
		while (lt > i && s[lt] != '<' && s[lt] != ' ')
			lt--;
		double d;
		if (s[lt] == '<' && lt > i && s[lt - 1] == ' ' &&
		    read_timestamp(s, lt + 1, end - 1, &d) == end - 1 &&
		    is_digit(s[lt + 1])) {
			ev->duration = d;
			end = lt;
			while (end > i && s[end - 1] == ' ')
				end--;
		}
	}
	if (i >= end)
		return -1;
	ev->ret_text = dup_range(s, i, end);
	if (!ev->ret_text)
		return -1;

	size_t w;
	if (s[i] == '?') {
		ev->has_ret = 0;
		w = skip_spaces(s, i + 1, end);
	} else {
		int neg = 0;
		size_t j = i;
		unsigned long long v = 0;
		if (s[j] == '-') {
			neg = 1;
			j++;
		}
		size_t digits = j;
		if (end - j > 2 && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X')) {
			j += 2;
			digits = j;
			while (j < end && isxdigit((unsigned char)s[j]) && j - digits < 16) {
				char c = s[j++];
				v = v * 16 + (unsigned)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
			}
		} else {
			while (j < end && is_digit(s[j]) && j - digits < 19)
				v = v * 10 + (unsigned)(s[j++] - '0');
		}
		if (j == digits)
			return -1;
		/* Unsigned negation avoids overflow on hostile numbers. */
		ev->ret = (long)(neg ? 0ULL - v : v);
		ev->has_ret = 1;
		w = skip_spaces(s, j, end);
	}
	/* An error name follows "-1" (and "?" for ERESTARTSYS and kin). */
	if (w < end && s[w] == 'E' && (ev->ret < 0 || !ev->has_ret)) {
		size_t we = word_end(s, w, end);
		if (copy_word(ev->errname, sizeof(ev->errname), s, w, we) == 0 && ev->has_ret)
			ev->err = errno_value(ev->errname);
	}
	return 0;
}

/* "name(args) = ret", "name(args <unfinished ...>" and the resumed form,
 * whose text starts right after "<... name resumed>". */
static int parse_call(const char *s, size_t i, size_t end, struct trace_event *ev,
		      enum trace_part *part, int resumed)
{
	size_t args_start = i, close;
	if (!resumed) {
		size_t w = word_end(s, i, end);
		if (w >= end || s[w] != '(' || !(isalpha((unsigned char)s[i]) || s[i] == '_') ||
		    copy_word(ev->name, sizeof(ev->name), s, i, w))
			return -1;
		args_start = w + 1;
	}
	close = tscan(s, args_start, end, ")");

	size_t args_end = close;
	int unfinished = 0;
	/* " <unfinished ...>" ends the first half; it also appears before the
	 * ")" of a call that a process's death cut short. */
	if (ends_with(s, args_start, args_end, UNFINISHED)) {
		args_end -= strlen(UNFINISHED);
		if (args_end > args_start && s[args_end - 1] == ' ')
			args_end--;
		unfinished = 1;
	}
	if (close == end && !unfinished)
		return -1; /* a call cut off mid-line */
	ev->args = dup_range(s, args_start, args_end);
	if (!ev->args)
		return -1;
	ev->kind = TRACE_CALL;
	if (close == end) {
		*part = PART_UNFINISHED;
		return 0;
	}
	*part = resumed ? PART_RESUMED : PART_WHOLE;
	return parse_return(s, close + 1, end, ev);
}

static void event_reset(struct trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = TRACE_OTHER;
	ev->duration = -1;
}

/* Makes ev an OTHER record that keeps only the line. */
static int as_other(struct trace_event *ev, int pid, double ts)
{
	char *line = ev->line;
	ev->line = NULL;
	trace_event_free(ev);
	ev->line = line;
	ev->pid = pid;
	ev->ts = ts;
	errno = line ? EINVAL : ENOMEM;
	return -1;
}

int trace_parse_line_part(const char *line, struct trace_event *ev,
			  enum trace_part *part)
{
	*part = PART_WHOLE;
	event_reset(ev);
	if (!line) {
		errno = EINVAL;
		return -1;
	}
	size_t end = strlen(line);
	while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r'))
		end--;
	ev->line = dup_range(line, 0, end);
	if (!ev->line) {
		errno = ENOMEM;
		return -1;
	}
	const char *s = ev->line;
	size_t i = 0;
	int pid = 0;
	double ts = 0;

	/* "[pid  1234] " (strace writing to a terminal with -f). */
	if (starts_with(s, i, end, "[pid ")) {
		long v;
		size_t j = skip_spaces(s, i + 5, end);
		size_t k = read_long(s, j, end, &v);
		if (k == j || k >= end || s[k] != ']')
			return as_other(ev, 0, 0);
		pid = (int)v;
		i = skip_spaces(s, k + 1, end);
	} else if (i < end && is_digit(s[i])) {
		/* "1234 " (strace -f -o FILE); a number followed by '.' or ':'
		 * is a timestamp instead. */
		long v;
		size_t k = read_long(s, i, end, &v);
		if (k < end && (s[k] == ' ' || s[k] == '\t')) {
			pid = (int)v;
			i = skip_spaces(s, k, end);
		}
	}
	if (i < end && is_digit(s[i])) {
		size_t k = read_timestamp(s, i, end, &ts);
		if (k == i)
			return as_other(ev, pid, 0);
		i = skip_spaces(s, k, end);
	}
	ev->pid = pid;
	ev->ts = ts;

	int rc = -1;
	if (starts_with(s, i, end, "--- ")) {
		rc = parse_signal(s, i, end, ev);
	} else if (starts_with(s, i, end, "+++ ")) {
		rc = parse_exit(s, i, end, ev);
	} else if (starts_with(s, i, end, "<... ")) {
		size_t w = word_end(s, i + 5, end);
		if (starts_with(s, w, end, " resumed>") &&
		    copy_word(ev->name, sizeof(ev->name), s, i + 5, w) == 0) {
			size_t rest = w + strlen(" resumed>");
			rc = parse_call(s, rest, end, ev, part, 1);
		}
	} else {
		rc = parse_call(s, i, end, ev, part, 0);
	}
	if (rc < 0) {
		*part = PART_WHOLE;
		return as_other(ev, pid, ts);
	}
	return 0;
}

int trace_parse_line(const char *line, struct trace_event *ev)
{
	enum trace_part part;
	return trace_parse_line_part(line, ev, &part);
}

void trace_event_free(struct trace_event *ev)
{
	if (!ev)
		return;
	free(ev->args);
	free(ev->ret_text);
	free(ev->line);
	event_reset(ev);
}
