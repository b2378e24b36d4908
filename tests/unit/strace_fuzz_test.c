/* strace_fuzz_test.c: the parser against garbage. A student's program can
 * make strace print anything, so no input may crash the parser or make it
 * read outside the line; the sanitizer build (make test-unit) turns any
 * out-of-bounds read into a failure. Inputs come from a fixed-seed
 * generator, so a failure can be reproduced. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/check.h"
#include "unit_util.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Characters that mean something to the parser, often; others sometimes. */
static char rnd_char(void)
{
	static const char special[] = "()[]{}<>\"\\,=@ .:-+?0123456789xE<...>";
	uint32_t r = rnd();
	if (r % 4 == 0)
		return (char)(1 + rnd() % 255);
	return special[rnd() % (sizeof(special) - 1)];
}

/* Exactly-sized heap copy, so a read past the NUL hits the redzone. */
static char *exact(const char *s, size_t len)
{
	char *d = malloc(len + 1);
	cr_assert_not_null(d);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static int failures;
static long pokes; /* proves the loops ran */

/* Parses line and checks the record's invariants; then pokes at the
 * argument helpers with what it found. */
static void poke(const char *line)
{
	struct trace_event ev;
	pokes++;
	errno = 0;
	int rc = trace_parse_line(line, &ev);
	int bad = 0;
	if (rc != 0 && !(rc == -1 && errno == EINVAL && ev.kind == TRACE_OTHER))
		bad = 1;
	if (!ev.line || !memchr(ev.name, '\0', sizeof(ev.name)) ||
	    !memchr(ev.errname, '\0', sizeof(ev.errname)))
		bad = 1;
	if (ev.kind == TRACE_CALL && !ev.args)
		bad = 1;
	if (ev.duration != -1 && !(ev.duration >= 0))
		bad = 1;
	if (ev.line) {
		size_t n = strlen(line);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (strlen(ev.line) != n || memcmp(ev.line, line, n) != 0)
			bad = 1;
	}
	if (bad && failures++ < 5)
		cr_log_error("bad record for line: %s", line);

	char buf[64];
	for (int i = 0; i < 12; i++) {
		size_t caps[] = {0, 1, 2, 5, sizeof(buf)};
		int n = trace_arg(&ev, i, buf, caps[rnd() % 5]);
		if (n >= 0) {
			struct trace_fd fd;
			char out[32];
			trace_parse_fd(buf, &fd);
			trace_unquote(buf, out, rnd() % sizeof(out), NULL);
			if (!memchr(fd.name, '\0', sizeof(fd.name)) ||
			    !memchr(fd.proto, '\0', sizeof(fd.proto)))
				bad = 1;
		}
	}
	if (ev.ret_text) {
		struct trace_fd fd;
		trace_parse_fd(ev.ret_text, &fd);
	}
	trace_event_free(&ev);
}

SELFTEST(strace_fuzz, random_lines)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	char tmp[512];
	for (int k = 0; k < 20000; k++) {
		size_t len = rnd() % 400;
		/* Half of them look like the start of a real line. */
		size_t pre = 0;
		if (k % 2) {
			const char *starts[] = {"123  ", "[pid 5] ", "1.5 ", "close(", "<... x resumed>",
						"--- SIG", "+++ killed by ", "+++ exited with ",
						"9 1.2 read(3<UNIX:[", "w(\""};
			const char *st = starts[rnd() % 10];
			pre = strlen(st);
			memcpy(tmp, st, pre);
		}
		for (size_t i = pre; i < pre + len; i++)
			tmp[i] = rnd_char();
		tmp[pre + len] = '\0';
		char *line = exact(tmp, strlen(tmp));
		poke(line);
		free(line);
	}
	cr_expect_eq(failures, 0, "%d lines gave bad records (see the log)", failures);
}

/* Every fixture line, cut at every length and mutated at random. */
SELFTEST(strace_fuzz, cut_and_mutated_fixture_lines)
{
	rng_state = 12345;
	const char *names[] = {"unix_exchange.trace", "hex_strings.trace"};
	for (int f = 0; f < 2; f++) {
		FILE *in = fopen(fixture_path(names[f]), "re");
		cr_assert_not_null(in, "%s: %s", names[f], strerror(errno));
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, in)) > 0) {
			size_t step = len > 600 ? 7 : 1; /* long hex lines: fewer cuts */
			for (size_t cut = 0; cut <= (size_t)len; cut += step) {
				char *c = exact(line, cut);
				poke(c);
				free(c);
			}
			for (int m = 0; m < 30; m++) {
				char *c = exact(line, (size_t)len);
				for (int e = 0; e < 1 + (int)(rnd() % 4); e++)
					c[rnd() % (size_t)len] = rnd_char();
				size_t n = strlen(c);
				char *d = exact(c, n);
				poke(d);
				free(d);
				free(c);
			}
		}
		free(line);
		fclose(in);
	}
	cr_expect_gt(pokes, 15000, "only %ld lines tried", pokes);
	cr_expect_eq(failures, 0, "%d lines gave bad records (see the log)", failures);
}

/* A whole "trace" of garbage through trace_read, with NUL bytes, lines
 * without a newline and split-call halves that never match. */
SELFTEST(strace_fuzz, garbage_stream)
{
	rng_state = 777;
	size_t len = 300000;
	char *data = malloc(len);
	cr_assert_not_null(data);
	for (size_t i = 0; i < len; i++) {
		uint32_t r = rnd() % 50;
		data[i] = r == 0 ? '\n' : r == 1 ? '\0' : rnd_char();
	}
	/* Sprinkle real-looking halves. */
	const char *halves[] = {"\n5 read(3, <unfinished ...>\n", "\n5 <... read resumed>\"x\", 1) = 1\n",
				"\n6 <... write resumed>) = 1\n", "\n7 +++ exited with 0 +++\n",
				"\n[pid 8] accept(3, NULL, NULL <unfinished ...>\n"};
	for (int k = 0; k < 2000; k++) {
		const char *h = halves[rnd() % 5];
		size_t at = rnd() % (len - 64);
		memcpy(data + at, h, strlen(h));
	}
	FILE *f = fmemopen(data, len, "r");
	cr_assert_not_null(f);
	struct trace t;
	int rc = trace_read(f, &t);
	fclose(f);
	cr_expect_eq(rc, 0, "trace_read: %s", strerror(errno));
	cr_expect_gt(t.n, 100);
	for (size_t k = 0; k < t.n; k++) {
		cr_assert_not_null(t.ev[k].line);
		if (t.ev[k].kind == TRACE_CALL)
			cr_assert_not_null(t.ev[k].args);
	}
	trace_free(&t);
	free(data);
}

SELFTEST(strace_fuzz, huge_and_deep_lines)
{
	size_t len = 1 << 20;
	char *s = malloc(len + 16);
	cr_assert_not_null(s);
	const char fills[] = {'(', '[', '{', '"', '<', '\\', '>', ')'};
	for (size_t f = 0; f < sizeof(fills); f++) {
		strcpy(s, "5 f(3<");
		memset(s + 6, fills[f], len);
		strcpy(s + 6 + len, ") = 0");
		char *line = exact(s, strlen(s));
		poke(line);
		free(line);
	}
	/* The same through trace_read: one line longer than any buffer. */
	FILE *f = fmemopen(s, strlen(s), "r");
	struct trace t;
	cr_expect_eq(trace_read(f, &t), 0);
	fclose(f);
	cr_expect_eq(t.n, 1);
	trace_free(&t);
	free(s);

	/* Many pending first halves from many pids, never resumed. */
	char *many = malloc(1 << 20);
	size_t used = 0;
	for (int pid = 1; pid <= 5000; pid++)
		used += (size_t)sprintf(many + used, "%d read(3, <unfinished ...>\n", pid);
	f = fmemopen(many, used, "r");
	cr_expect_eq(trace_read(f, &t), 0);
	fclose(f);
	cr_expect_eq(t.n, 5000);
	for (size_t k = 0; k < t.n; k++)
		cr_expect_eq(t.ev[k].has_ret, 0);
	trace_free(&t);
	free(many);
	cr_expect_eq(failures, 0);
}
