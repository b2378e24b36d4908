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
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/full_io.h"
#include "../progress/term.h"
#include "grader.h"
#include "run_limited.h"
#include "sandbox.h"

#define CHECK_OUTPUT_CAP (256 * 1024)

struct verdict {
	int signed_ok;  /* the record carried this run's secret */
	int started;    /* the runner announced the check (PRE_TEST) */
	int found;      /* and reported its verdict */
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

static void parse_verdict(const char *path, const char *secret, const struct check *c,
			  struct verdict *v)
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
		if (strncmp(line, "start ", 6) == 0) {
			if (strcmp(line + 6, want) == 0)
				v->started = 1;
		} else if (strncmp(line, "test ", 5) == 0) {
			ours = strcmp(line + 5, want) == 0;
			if (ours) {
				memset(v, 0, sizeof *v);
				v->started = 1;
				v->points = -1;
			}
		} else if (!ours) {
			continue;
		} else if (strncmp(line, "nonce ", 6) == 0) {
			v->signed_ok = strcmp(line + 6, secret) == 0;
		} else if (strncmp(line, "points ", 7) == 0) {
			v->points = atoi(line + 7);
		} else if (strncmp(line, "status ", 7) == 0) {
			int code;
			sscanf(line + 7, "%15s %d %d %lf", v->status, &v->signal, &code,
			       &v->elapsed);
		} else if (strncmp(line, "message ", 8) == 0) {
			append_unescaped(v->message, sizeof v->message, line + 8);
		} else if (strcmp(line, "end") == 0) {
			/* A record without this run's secret was not written by
			 * the report hook: it does not count. */
			v->found = v->signed_ok;
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

/* One run of a lab's check binary: all its checks (filter NULL) or one. */
struct binary_run {
	char secret[40];
	char dir[16];
	char result_path[64];
	char out_path[64];
	struct run_result r;
};

/* What the progress line of a batch run needs. */
struct batch_progress {
	const struct lab *lab;
	const char *result_path;
};

/* "lab 05 reconnect: 12/28 checks", from the verdict records written so
 * far (one "end" line each). Only on a terminal (term.h). */
static void show_batch_progress(void *ctx)
{
	const struct batch_progress *p = ctx;
	FILE *f = fopen(p->result_path, "r");
	size_t done = 0;
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f))
			done += strcmp(line, "end\n") == 0;
		fclose(f);
	}
	if (done > p->lab->n_checks)
		done = p->lab->n_checks;
	term_progress("grade: lab %02d %s: %zu/%zu checks", p->lab->number, p->lab->dir + 3,
		      done, p->lab->n_checks);
}

static int run_binary(const struct grade_opts *o, const struct lab *lab, const char *filter,
		      double wall, double idle, struct binary_run *b)
{
	snprintf(b->dir, sizeof b->dir, "/tmp/lg.XXXXXX");
	if (!mkdtemp(b->dir))
		return -1;
	/* Tests make their temp dirs in here and some run a program as an
	 * unprivileged user, who must be able to pass through (not list). */
	chmod(b->dir, 0711);
	snprintf(b->result_path, sizeof b->result_path, "%s/result", b->dir);
	char nonce_path[64], env_nonce[96];
	snprintf(nonce_path, sizeof nonce_path, "%s/nonce", b->dir);
	snprintf(env_nonce, sizeof env_nonce, "CHECK_NONCE_FILE=%s", nonce_path);
	unsigned char raw[16];
	FILE *nf = NULL;
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw ||
	    !(nf = fopen(nonce_path, "w"))) {
		int saved = errno;
		remove_tree(b->dir);
		errno = saved;
		return -1;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(b->secret + 2 * i, 3, "%02x", raw[i]);
	fprintf(nf, "%s\n", b->secret);
	fclose(nf);
	snprintf(b->out_path, sizeof b->out_path, "%s/output", b->dir);
	char bin[512];
	snprintf(bin, sizeof bin, "%s/impl/%s/%s/checks", o->out, o->key, lab->dir);

	char env_bin[600], env_result[128], env_root[4200], env_tmp[64], cwd[4096];
	snprintf(env_tmp, sizeof env_tmp, "LAB_TMPDIR=%s", b->dir);
	snprintf(env_bin, sizeof env_bin, "LAB_BIN_DIR=%s/impl/%s/%s/bin", o->out, o->key,
		 lab->dir);
	snprintf(env_result, sizeof env_result, "CHECK_RESULT_FILE=%s", b->result_path);
	snprintf(env_root, sizeof env_root, "LAB_ROOT=%s",
		 getcwd(cwd, sizeof cwd) ? cwd : ".");
	/* Under AddressSanitizer a segmentation fault would be turned into a
	 * report and exit status 1; without its handler the check crashes
	 * with SIGSEGV, as it does in a plain build, and is reported so. */
	char env_asan[600];
	const char *asan = getenv("ASAN_OPTIONS");
	snprintf(env_asan, sizeof env_asan, "ASAN_OPTIONS=%s%shandle_segv=0",
		 asan ? asan : "", asan && *asan ? ":" : "");
	const char *env[] = {env_bin, env_result, env_root, env_tmp, env_nonce,
			     "CRITERION_JOBS=1", o->san ? env_asan : NULL, NULL};
	const char *argv[] = {bin, "-j1", filter, NULL};
	struct batch_progress progress = {lab, b->result_path};
	struct run_spec spec = {argv, env, b->out_path, CHECK_OUTPUT_CAP, wall, b->dir,
				idle > 0 ? b->result_path : NULL, idle,
				term_progress_on() ? show_batch_progress : NULL, &progress,
				o->sandbox};
	if (run_limited(&spec, &b->r) < 0) {
		int saved = errno;
		remove_tree(b->dir);
		errno = saved;
		return -1;
	}
	/* A killed runner cannot remove its socket in /tmp; the grader does. */
	sandbox_remove_stale_sockets();
	return 0;
}

static void timed_out_message(struct check *c, double wall)
{
	snprintf(c->message, sizeof c->message,
		 "timed out: no verdict after %.0f s, so the grader killed the check "
		 "and everything it started. Look for an infinite loop, or a call "
		 "that blocks forever (accept, read, connect) in the code under test.",
		 wall);
}

/* Turns a verdict record into the check's score and message. */
static void judge(const struct grade_opts *o, struct check *c, const struct verdict *v,
		  const struct binary_run *b)
{
	char how[128];
	c->passed = 0;
	c->message[0] = '\0';
	if (!v->found) {
		char tail[700];
		output_tail(b->out_path, tail, sizeof tail);
		snprintf(c->message, sizeof c->message,
			 "no verdict: the check's process %s before reporting a result%s%s",
			 describe_status(b->r.status, how, sizeof how),
			 tail[0] ? ". Its last output:\n" : ".", tail);
	} else if (strcmp(v->status, "passed") == 0) {
		c->passed = 1;
		if (v->points != c->points)
			snprintf(c->message, sizeof c->message,
				 "internal: the binary declares %d points, the source %d",
				 v->points, c->points);
	} else if (strcmp(v->status, "timeout") == 0) {
		snprintf(c->message, sizeof c->message,
			 "timed out after %.0f s: the check did not finish. Look for an "
			 "infinite loop, or a call that blocks with no timeout (accept, "
			 "read, connect) in the code under test.%s%s",
			 c->timeout, v->message[0] ? "\n" : "", v->message);
	} else if (strcmp(v->status, "crashed") == 0) {
		snprintf(c->message, sizeof c->message,
			 "crashed: the test process was killed by SIG%s (%s) while running "
			 "the code under test.%s%s",
			 sigabbrev_np(v->signal) ? sigabbrev_np(v->signal) : "?",
			 strsignal(v->signal), v->message[0] ? "\n" : "", v->message);
	} else if (strcmp(v->status, "skipped") == 0) {
		snprintf(c->message, sizeof c->message, "skipped: %s",
			 v->message[0] ? v->message : "the check did not run");
	} else {
		snprintf(c->message, sizeof c->message, "%s",
			 v->message[0] ? v->message : "the check failed without a message");
	}
	c->elapsed = v->elapsed;
	c->score = c->passed ? c->points : 0;
	if (o->verbose && !c->passed) {
		char tail[700];
		output_tail(b->out_path, tail, sizeof tail);
		size_t used = strlen(c->message);
		snprintf(c->message + used, sizeof c->message - used,
			 "\n--- the check binary's output (end) ---\n%s", tail);
	}
}

static double check_wall(const struct grade_opts *o, const struct check *c)
{
	double wall = c->timeout + o->grace;
	return o->limit > 0 && o->limit < wall ? o->limit : wall;
}

int check_run(const struct grade_opts *o, const struct lab *lab, struct check *c)
{
	char filter[192];
	snprintf(filter, sizeof filter, "--filter=%s/%s", c->suite, c->name);
	double wall = check_wall(o, c);
	struct binary_run b;
	if (run_binary(o, lab, filter, wall, 0, &b) < 0)
		return -1;
	if (b.r.timed_out) {
		c->passed = 0;
		c->score = 0;
		timed_out_message(c, wall);
	} else {
		struct verdict v;
		parse_verdict(b.result_path, b.secret, c, &v);
		judge(o, c, &v, &b);
	}
	c->done = 1;
	remove_tree(b.dir);
	return 0;
}

int lab_run_checks(const struct grade_opts *o, struct lab *lab)
{
	/* All checks in one run of the binary: the runner starts once, and
	 * each check still runs in a worker process of its own. The run is
	 * killed when no check has started or finished for as long as the
	 * slowest check may take (one check hangs the runner), or at the sum
	 * of all the checks' limits. */
	double idle = 0, total = 0;
	for (size_t i = 0; i < lab->n_checks; i++) {
		double w = check_wall(o, &lab->checks[i]);
		idle = w > idle ? w : idle;
		total += w;
	}
	struct binary_run b;
	if (run_binary(o, lab, NULL, total, idle, &b) < 0)
		return -1;
	struct verdict *v = calloc(lab->n_checks, sizeof *v);
	if (!v) {
		remove_tree(b.dir);
		return -1;
	}
	/* The check that was running when the run was killed for being idle
	 * is the one that hung: the last started without a verdict. */
	long hung = -1;
	for (size_t i = 0; i < lab->n_checks; i++) {
		parse_verdict(b.result_path, b.secret, &lab->checks[i], &v[i]);
		if (v[i].started && !v[i].found)
			hung = (long)i;
	}
	for (size_t i = 0; i < lab->n_checks; i++) {
		struct check *c = &lab->checks[i];
		if (v[i].found) {
			judge(o, c, &v[i], &b);
			c->done = 1;
		} else if ((long)i == hung && b.r.idle) {
			c->passed = 0;
			c->score = 0;
			timed_out_message(c, idle);
			c->done = 1;
		}
	}
	free(v);
	remove_tree(b.dir);
	/* Whatever the batch did not settle (it died, or was stopped before
	 * reaching a check) runs again on its own. */
	for (size_t i = 0; i < lab->n_checks; i++) {
		if (lab->checks[i].done)
			continue;
		size_t settled = 0;
		for (size_t k = 0; k < lab->n_checks; k++)
			settled += lab->checks[k].done;
		term_progress("grade: lab %02d %s: %zu/%zu checks (running %s alone)",
			      lab->number, lab->dir + 3, settled, lab->n_checks,
			      lab->checks[i].name);
		if (check_run(o, lab, &lab->checks[i]) < 0)
			return -1;
	}
	return 0;
}
