/* check_run.c: run one graded check in its own process and turn what the
 * report hook wrote into a score and a message for the student.
 *
 * The verdict is the record that check_report.c writes from Criterion's
 * runner; no record means no pass. A check that overruns its own timeout
 * plus a grace is killed from outside with its whole process group. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/full_io.h"
#include "grader.h"
#include "run_limited.h"

#define CHECK_OUTPUT_CAP (256 * 1024)

struct verdict {
	int found;
	int points;
	char status[16];
	int signal;
	double elapsed;
	/* Smaller than a check's message, which adds a sentence around it. */
	char message[GRADER_MSG_CAP - 512];
};

/* Appends an escaped message line (\n and \\ escapes) to dst. */
static void append_unescaped(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(dst);
	if (n && n + 1 < cap)
		dst[n++] = '\n';
	for (; *src && n + 1 < cap; src++) {
		if (src[0] == '\\' && src[1] == 'n') {
			dst[n++] = '\n';
			src++;
		} else if (src[0] == '\\' && src[1] == '\\') {
			dst[n++] = '\\';
			src++;
		} else {
			dst[n++] = *src;
		}
	}
	dst[n] = '\0';
}

static void parse_verdict(const char *path, const struct check *c, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *text;
	size_t len;
	int rc = read_all(fileno(f), 1 << 20, &text, &len);
	fclose(f);
	if (rc < 0)
		return;
	char want[160];
	snprintf(want, sizeof want, "%s/%s", c->suite, c->name);
	int ours = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "test ", 5) == 0) {
			ours = strcmp(line + 5, want) == 0;
			if (ours) {
				memset(v, 0, sizeof *v);
				v->points = -1;
			}
		} else if (!ours) {
			continue;
		} else if (strncmp(line, "points ", 7) == 0) {
			v->points = atoi(line + 7);
		} else if (strncmp(line, "status ", 7) == 0) {
			int code;
			sscanf(line + 7, "%15s %d %d %lf", v->status, &v->signal, &code,
			       &v->elapsed);
		} else if (strncmp(line, "message ", 8) == 0) {
			append_unescaped(v->message, sizeof v->message, line + 8);
		} else if (strcmp(line, "end") == 0) {
			v->found = 1;
			ours = 0;
		}
	}
	free(text);
}

/* The last lines of the check's captured output, for a check that died
 * without a verdict. */
static void output_tail(const char *path, char *dst, size_t cap)
{
	dst[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char *text;
	size_t len;
	if (read_all(fileno(f), CHECK_OUTPUT_CAP + 1, &text, &len) == 0) {
		const char *tail = len > 600 ? text + len - 600 : text;
		snprintf(dst, cap, "%s", tail);
		free(text);
	}
	fclose(f);
}

int check_run(const struct grade_opts *o, const struct lab *lab, struct check *c)
{
	char dir[] = "/tmp/lg.XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	/* Tests make their temp dirs in here and some run a program as an
	 * unprivileged user, who must be able to pass through (not list). */
	chmod(dir, 0711);
	char result_path[64], out_path[64], bin[512], filter[192];
	snprintf(result_path, sizeof result_path, "%s/result", dir);
	snprintf(out_path, sizeof out_path, "%s/output", dir);
	snprintf(bin, sizeof bin, "%s/impl/%s/%s/checks", o->out, o->key, lab->dir);
	snprintf(filter, sizeof filter, "--filter=%s/%s", c->suite, c->name);

	char env_bin[600], env_result[128], env_root[4200], env_tmp[64];
	snprintf(env_tmp, sizeof env_tmp, "LAB_TMPDIR=%s", dir);
	snprintf(env_bin, sizeof env_bin, "LAB_BIN_DIR=%s/impl/%s/%s/bin", o->out, o->key,
		 lab->dir);
	snprintf(env_result, sizeof env_result, "CHECK_RESULT_FILE=%s", result_path);
	char cwd[4096];
	snprintf(env_root, sizeof env_root, "LAB_ROOT=%s",
		 getcwd(cwd, sizeof cwd) ? cwd : ".");
	/* Under AddressSanitizer a segmentation fault would be turned into a
	 * report and exit status 1; without its handler the check crashes
	 * with SIGSEGV, as it does in a plain build, and is reported so. */
	char env_asan[600];
	const char *asan = getenv("ASAN_OPTIONS");
	snprintf(env_asan, sizeof env_asan, "ASAN_OPTIONS=%s%shandle_segv=0",
		 asan ? asan : "", asan && *asan ? ":" : "");
	const char *env[] = {env_bin, env_result, env_root, env_tmp, "CRITERION_JOBS=1",
			     o->san ? env_asan : NULL, NULL};
	const char *argv[] = {bin, filter, "-j1", NULL};
	double wall = c->timeout + o->grace;
	if (o->limit > 0 && o->limit < wall)
		wall = o->limit;
	struct run_spec spec = {argv, env, out_path, CHECK_OUTPUT_CAP, wall, dir};
	struct run_result r;
	if (run_limited(&spec, &r) < 0) {
		int saved = errno;
		remove_tree(dir);
		errno = saved;
		return -1;
	}
	/* Criterion's runner names its socket after its pid; a killed runner
	 * cannot remove it, so the grader does. */
	char sock[64];
	snprintf(sock, sizeof sock, "/tmp/criterion_%d.sock", (int)r.pid);
	unlink(sock);

	struct verdict v;
	parse_verdict(result_path, c, &v);
	c->elapsed = r.elapsed;
	c->passed = 0;
	c->message[0] = '\0';
	char how[128];
	if (r.timed_out) {
		snprintf(c->message, sizeof c->message,
			 "timed out: no verdict after %.0f s, so the grader killed the check "
			 "and everything it started. Look for an infinite loop, or a call "
			 "that blocks forever (accept, read, connect) in the code under test.",
			 wall);
	} else if (!v.found) {
		char tail[700];
		output_tail(out_path, tail, sizeof tail);
		snprintf(c->message, sizeof c->message,
			 "no verdict: the check's process %s before reporting a result%s%s",
			 describe_status(r.status, how, sizeof how),
			 tail[0] ? ". Its last output:\n" : ".", tail);
	} else if (strcmp(v.status, "passed") == 0) {
		c->passed = 1;
		if (v.points != c->points)
			snprintf(c->message, sizeof c->message,
				 "internal: the binary declares %d points, the source %d",
				 v.points, c->points);
	} else if (strcmp(v.status, "timeout") == 0) {
		snprintf(c->message, sizeof c->message,
			 "timed out after %.0f s: the check did not finish. Look for an "
			 "infinite loop, or a call that blocks with no timeout (accept, "
			 "read, connect) in the code under test.%s%s",
			 c->timeout, v.message[0] ? "\n" : "", v.message);
	} else if (strcmp(v.status, "crashed") == 0) {
		snprintf(c->message, sizeof c->message,
			 "crashed: the test process was killed by SIG%s (%s) while running "
			 "the code under test.%s%s",
			 sigabbrev_np(v.signal) ? sigabbrev_np(v.signal) : "?",
			 strsignal(v.signal), v.message[0] ? "\n" : "", v.message);
	} else if (strcmp(v.status, "skipped") == 0) {
		snprintf(c->message, sizeof c->message, "skipped: %s",
			 v.message[0] ? v.message : "the check did not run");
	} else {
		snprintf(c->message, sizeof c->message, "%s",
			 v.message[0] ? v.message : "the check failed without a message");
	}
	c->score = c->passed ? c->points : 0;
	remove_tree(dir);
	return 0;
}
