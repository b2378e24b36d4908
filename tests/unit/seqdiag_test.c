/* seqdiag_test.c: the diagram tool (diagrams/tool/, built as
 * build/<variant>/diagrams/seqdiag beside this binary's build) on a
 * recorded trace, on a live run, and on garbage. The DOT text it writes
 * is checked for the arrows the lesson needs, and `dot` must accept it. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "unit_util.h"

/* Runs seqdiag with args (NULL-terminated, after the program). */
static void run_tool(const char *const *args, struct h_result *r)
{
	const char *argv[16] = {seqdiag_path()};
	size_t n = 1;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	check_ok(h_run(argv, NULL, 0, 8.0, r), errno, "running seqdiag");
	cr_assert(!r->timed_out, "seqdiag hung");
	cr_assert(!WIFSIGNALED(r->status), "seqdiag crashed: %s\nstderr: %s", r->what, r->err);
}

/* `dot -Tsvg` must accept the file. */
static void dot_accepts(const char *dot_path)
{
	const char *dot = which("dot");
	cr_assert_not_null(dot, "Graphviz is not installed (make deps installs it)");
	char out[PATH_MAX];
	snprintf(out, sizeof(out), "%s.check.svg", dot_path);
	const char *argv[] = {dot, "-Tsvg", "-o", out, dot_path, NULL};
	struct h_result r;
	check_ok(h_run(argv, NULL, 0, 8.0, &r), errno, "running dot");
	cr_expect_str_eq(r.what, "exited with status 0", "dot -Tsvg %s: %s\n%s", dot_path, r.what,
			 r.err);
	cr_expect(strstr(r.err, "Error") == NULL, "dot complained: %s", r.err);
	struct stat st;
	cr_expect(stat(out, &st) == 0 && st.st_size > 1000, "no SVG from dot");
	h_result_free(&r);
}

/* The number n of the first "#n copy 1: user->kernel <bytes> B" label,
 * checking that "#n copy 2: kernel->user <bytes> B" comes after it. */
static int paired_copies(const char *dot, long bytes)
{
	char want[96];
	for (int n = 1; n < 100; n++) {
		snprintf(want, sizeof(want), "#%d copy 1: user->kernel %ld B", n, bytes);
		const char *w = strstr(dot, want);
		if (!w)
			continue;
		snprintf(want, sizeof(want), "#%d copy 2: kernel->user %ld B", n, bytes);
		const char *r = strstr(dot, want);
		cr_assert_not_null(r, "write #%d of %ld B is drawn, its read is not", n, bytes);
		cr_expect_gt(r, w, "the read of #%d is drawn below its write", n);
		return n;
	}
	cr_assert_fail("no write of %ld B paired with a read in the diagram", bytes);
	return 0;
}

SELFTEST(seqdiag, recorded_lab02_exchange)
{
	const char *base = h_path("lab02");
	const char *args[] = {"--keep", "server,client", "--title", "Lab 02 \"test\"", "-o", base,
			      fixture_path("lab02_exchange.trace"), NULL};
	struct h_result r;
	run_tool(args, &r);
	cr_assert_str_eq(r.what, "exited with status 0", "stderr: %s", r.err);
	cr_expect(strstr(r.out, ".dot\n") && strstr(r.out, ".svg\n") && strstr(r.out, ".png\n"),
		  "it prints the files it wrote: %s", r.out);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s.dot", base);
	char *dot = slurp(path);
	/* Two lifelines and the kernel; the shell that ran them is left out. */
	cr_expect(strstr(dot, "label=\"client\\npid "), "no client lifeline");
	cr_expect(strstr(dot, "label=\"server\\npid "), "no server lifeline");
	cr_expect(strstr(dot, "label=\"kernel\""), "no kernel lifeline");
	cr_expect(strstr(dot, "\"sh\\npid") == NULL, "the shell got a lifeline");
	cr_expect(strstr(dot, "Lab 02 \\\"test\\\""), "title quotes escaped");
	/* The calls of the lesson, with their key arguments. */
	cr_expect(strstr(dot, "bind(3, \\\"s.sock\\\", 9) = 0"), "bind with its address length");
	cr_expect(strstr(dot, "listen(3, backlog 5) = 0"), "listen with its backlog");
	cr_expect(strstr(dot, "connect(3, \\\"s.sock\\\", 9) = 0"), "connect");
	cr_expect(strstr(dot, "accept4(3) ...\\nwaits"), "accept drawn waiting");
	cr_expect(strstr(dot, "accept4 = 4"), "accept's return");
	cr_expect(strstr(dot, "shutdown(3, SHUT_WR) = 0"), "shutdown");
	cr_expect(strstr(dot, "read(4, max 4073) = 0 (EOF)"), "the server saw EOF");
	cr_expect(strstr(dot, "exit 0"), "exits");
	/* Each message: the write's copy and the read's, tied by number. */
	int req = paired_copies(dot, 23), rep = paired_copies(dot, 15);
	cr_expect_lt(req, rep, "the request is drawn before the reply");
	cr_expect(strstr(dot, "the message sended \\\\346\\\\210\\\\267!"),
		  "the data as strace shows it, backslashes escaped for dot");
	cr_expect(strstr(dot, "23 B written in 1 call, 23 B read in 1, then EOF"),
		  "the totals per direction");
	free(dot);
	dot_accepts(path);
	h_result_free(&r);
}

/* A socat server (EXEC:cat, an echo) and a socat client, started from
 * one bash under strace -f, like a scenario: the client connects once the
 * server listens (polled in /proc/net/unix with bash builtins, no sleep). */
static const char LIVE_SCRIPT[] =
	"P=$1\n"
	"socat UNIX-LISTEN:$P EXEC:cat &\n"
	"listening() {\n"
	"  local end=$((SECONDS + 5)) a b c flags d e f path\n"
	"  while ((SECONDS < end)); do\n"
	"    while read -r a b c flags d e f path; do\n"
	"      [[ $flags == 00010000 && $path == \"$P\" ]] && return 0\n"
	"    done < /proc/net/unix\n"
	"  done\n"
	"  return 1\n"
	"}\n"
	"listening || exit 3\n"
	"printf 'the message sended \\346\\210\\267!' | socat - UNIX-CONNECT:$P\n"
	"wait\n";

SELFTEST(seqdiag, live_run)
{
	cr_assert_not_null(which("socat"), "socat is not installed (make deps installs it)");
	const char *trace = h_path("live.trace");
	const char *argv[] = {"/bin/bash", "-c", LIVE_SCRIPT, "live", h_path("live.sock"), NULL};
	struct h_proc p;
	check_ok(h_start_traced(&p, argv, NULL, trace), errno, "starting the traced run");
	cr_assert_eq(h_wait_exit(&p, 8.0), 0, "the socat exchange did not end");
	char how[64];
	char *out = h_output(&p, 1);
	cr_assert_str_eq(h_describe(&p, how, sizeof(how)), "exited with status 0",
			 "the socat exchange failed; stdout: %s", out);
	cr_expect_str_eq(out, "the message sended \346\210\267!", "the echo came back");
	free(out);

	const char *base = h_path("live");
	const char *args[] = {"--keep", "socat,cat", "--format", "svg", "-o", base, trace, NULL};
	struct h_result r;
	run_tool(args, &r);
	cr_assert_str_eq(r.what, "exited with status 0", "stderr: %s", r.err);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s.dot", base);
	char *dot = slurp(path);
	cr_expect(strstr(dot, "connect(") && strstr(dot, "live.sock"), "the client's connect");
	cr_expect(strstr(dot, "accept"), "the server's accept");
	cr_expect(strstr(dot, "listen("), "the server's listen");
	cr_expect(strstr(dot, "label=\"cat\\npid"), "cat has a lifeline");
	/* The client's 23 bytes, written once and read once by the server. */
	paired_copies(dot, 23);
	free(dot);
	dot_accepts(path);
	h_result_free(&r);
}

/* A ping-pong of 60 rounds between two processes, as a trace. */
static void write_pingpong(const char *path, int rounds)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	double t = 100.0;
	fprintf(f, "1 %.6f socketpair(AF_UNIX, SOCK_STREAM, 0, [3<UNIX-STREAM:[1->2]>, "
		   "4<UNIX-STREAM:[2->1]>]) = 0 <0.000010>\n", t);
	for (int k = 0; k < rounds; k++) {
		fprintf(f, "1 %.6f write(3<UNIX-STREAM:[1->2]>, \"ping\", 4) = 4 <0.000010>\n",
			t += 0.0001);
		fprintf(f, "2 %.6f read(4<UNIX-STREAM:[2->1]>, \"ping\", 64) = 4 <0.000010>\n",
			t += 0.0001);
		fprintf(f, "2 %.6f write(4<UNIX-STREAM:[2->1]>, \"a\\\"b\\\\c\\n\", 6) = 6 "
			   "<0.000010>\n", t += 0.0001);
		fprintf(f, "1 %.6f read(3<UNIX-STREAM:[1->2]>, \"a\\\"b\\\\c\\n\", 64) = 6 "
			   "<0.000010>\n", t += 0.0001);
	}
	fprintf(f, "1 %.6f +++ exited with 0 +++\n2 %.6f +++ killed by SIGPIPE +++\n", t + 0.001,
		t + 0.002);
	fclose(f);
}

SELFTEST(seqdiag, folds_repetitions)
{
	const char *trace = h_path("pp.trace"), *base = h_path("pp");
	write_pingpong(trace, 60);
	const char *args[] = {"-o", base, "--format", "svg", trace, NULL};
	struct h_result r;
	run_tool(args, &r);
	cr_assert_str_eq(r.what, "exited with status 0", "stderr: %s", r.err);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s.dot", base);
	char *dot = slurp(path);
	cr_expect(strstr(dot, "x60 write(3, 4 B) = 4"), "60 rounds folded into one block");
	cr_expect(strstr(dot, "copy 1: user->kernel 60 x 4 B = 240 B"), "folded byte count");
	cr_expect(strstr(dot, "killed by SIGPIPE"), "the kill is marked");
	cr_expect(strstr(dot, "240 B written in 60 calls, 240 B read in 60"), "totals");
	free(dot);
	dot_accepts(path);
	h_result_free(&r);

	/* Unfolded, the rows are capped, and the cut is said. */
	const char *args2[] = {"--no-fold", "--max-rows", "50", "-o", base, "--format", "none",
			       trace, NULL};
	run_tool(args2, &r);
	cr_assert_str_eq(r.what, "exited with status 0", "stderr: %s", r.err);
	dot = slurp(path);
	cr_expect(strstr(dot, "(193 more rows not drawn)"), "the cap is noted");
	/* Data with quotes, backslashes and a newline stays one escaped line. */
	cr_expect(strstr(dot, "\\\"a\\\\\\\"b\\\\\\\\c\\\\n\\\""), "escaped data preview");
	free(dot);
	dot_accepts(path);
	h_result_free(&r);
}

SELFTEST(seqdiag, ff_set)
{
	const char *base = h_path("ff");
	const char *args[] = {"-o", base, "--format", "none", fixture_path("flow_ff/shapes"), NULL};
	struct h_result r;
	run_tool(args, &r);
	cr_assert_str_eq(r.what, "exited with status 0", "stderr: %s", r.err);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s.dot", base);
	char *dot = slurp(path);
	paired_copies(dot, 13); /* the TCP ping */
	cr_expect(strstr(dot, "copy 1: user->kernel 10000 B (read in 3 pieces)"), "pieces");
	cr_expect(strstr(dot, "#1+#2+#3 copy 2: kernel->user 43 B"), "one read, three writes");
	cr_expect(strstr(dot, "write(3, 6 B) = -1 EPIPE"), "the error by name");
	cr_expect(strstr(dot, "SIGPIPE"), "the signal");
	free(dot);
	dot_accepts(path);
	h_result_free(&r);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

SELFTEST(seqdiag, garbage_input)
{
	/* Random bytes: a clear error, no crash. */
	const char *junk = h_path("junk");
	FILE *f = fopen(junk, "w");
	cr_assert_not_null(f);
	for (int k = 0; k < 20000; k++)
		fputc((int)(rnd() & 0xff), f);
	fclose(f);
	const char *args[] = {"-o", h_path("junk_out"), junk, NULL};
	struct h_result r;
	run_tool(args, &r);
	cr_expect_str_eq(r.what, "exited with status 1", "random bytes: %s", r.err);
	cr_expect(strstr(r.err, "no socket calls to draw"), "a clear error: %s", r.err);
	h_result_free(&r);

	/* strace-like lines with damage: drawn or refused, never a crash,
	 * and whatever is drawn is valid DOT. */
	static const char *const pieces[] = {
		"write(3<UNIX-STREAM:[1->2]>, \"", "\\\"", "\\\\", "\", 5) = 5", "read(4<UNIX-STREAM:[2->1]>, ",
		" <unfinished ...>", "<... read resumed>", ") = -1 EPIPE (Broken pipe)", "+++ exited with 0 +++",
		"--- SIGPIPE {si_signo=SIGPIPE} ---", "connect(3<UNIX:[7]>, {sa_family=AF_UNIX, sun_path=\"",
		"\\n\\t\\377", "execve(\"/x/\\\"y\", [\"a\"]) = 0", "accept(", "\"}, 110) = 0", " <0.5>", "\n",
	};
	int drawn = 0;
	for (int round = 0; round < 8; round++) {
		const char *hostile = h_path("hostile.trace");
		f = fopen(hostile, "w");
		cr_assert_not_null(f);
		for (int k = 0; k < 400; k++) {
			if (rnd() % 3 == 0)
				fprintf(f, "\n%u %u.%06u ", 1 + rnd() % 3, 10 + k / 50, rnd() % 1000000);
			fputs(pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))], f);
		}
		fclose(f);
		const char *base = h_path("hostile");
		const char *hargs[] = {"-o", base, "--format", "none", hostile, NULL};
		run_tool(hargs, &r);
		cr_expect(strstr(r.what, "exited with status 0") || strstr(r.what, "exited with status 1"),
			  "round %d: %s\n%s", round, r.what, r.err);
		if (strcmp(r.what, "exited with status 0") == 0) {
			drawn++;
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s.dot", base);
			dot_accepts(path);
		}
		h_result_free(&r);
	}
	cr_expect_gt(drawn, 0, "some hostile traces still hold calls to draw");

	/* A missing file and a bad command line. */
	const char *missing[] = {h_path("nothing-here"), NULL};
	run_tool(missing, &r);
	cr_expect_str_eq(r.what, "exited with status 1");
	cr_expect(strstr(r.err, "cannot read the trace"), "%s", r.err);
	h_result_free(&r);
	const char *bad[] = {"--format", "gif", "x", NULL};
	run_tool(bad, &r);
	cr_expect_str_eq(r.what, "exited with status 2");
	h_result_free(&r);
}
