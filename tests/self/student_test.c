/* student_test.c: the student's tools run for real, as a student would
 * (make status, make hint, make watch, and make grade's colours).
 *
 * Each test grades a copy of the lab 01 starter in a temp folder
 * (SUBMISSION=) with its progress kept in another (PROGRESS_DIR=), so
 * nothing of the repository's own progress file is read or written.
 * make watch runs in a real terminal: a tmux server of the test's own
 * (started in the foreground and registered with the harness, so that it
 * dies with the test whatever happens), whose pane the test reads with
 * capture-pane until the expected text appears or a deadline passes.
 *
 * They build and grade, so they run in their own step of `make test`
 * (STUDENT_TESTS=1, filter student/...) and are skipped elsewhere. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../progress/hints.h"

/* A build of lab 01 and its grading, on a loaded machine with sanitizers. */
#define MAKE_RUN_S 240.0

extern char **environ;

static void need_student_step(void)
{
	const char *v = getenv("STUDENT_TESTS");
	if (!v || strcmp(v, "1") != 0)
		cr_skip_test("run in make test's own step (STUDENT_TESTS=1)");
}

static const char *env_or_fail(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s is not set: run the self-tests through `make test`", name);
	return v;
}

static void sh(const char *cmd)
{
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 60.0, &r), 0, "cannot run %s: %s", cmd, strerror(errno));
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s %s: %s", cmd, r.what,
		  r.err);
	h_result_free(&r);
}

/* The lab 01 starter copied into a fresh submission folder. */
struct sandbox_dirs {
	char sub[300];      /* SUBMISSION=... */
	char progress[300]; /* PROGRESS_DIR=... */
	char lib[400];      /* the student's file in it */
};

static void make_submission(struct sandbox_dirs *d)
{
	snprintf(d->sub, sizeof d->sub, "%s", h_path("sub"));
	snprintf(d->progress, sizeof d->progress, "%s", h_path("progress"));
	snprintf(d->lib, sizeof d->lib, "%s/01-socket-basics/socket_basics.c", d->sub);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "mkdir -p %s %s && cp -r labs/01-socket-basics %s/", d->sub,
		 d->progress, d->sub);
	sh(cmd);
}

/* make TARGET SUBMISSION=... PROGRESS_DIR=... [extra...] with none of the
 * calling make's variables, as a student's shell runs it. */
static void run_make(const struct sandbox_dirs *d, const char *target, const char *extra1,
		     const char *extra2, const char *const env_extra[], struct h_result *r)
{
	char sub[400], prog[400];
	snprintf(sub, sizeof sub, "SUBMISSION=%s", d->sub);
	snprintf(prog, sizeof prog, "PROGRESS_DIR=%s", d->progress);
	const char *argv[32];
	size_t n = 0;
	argv[n++] = "/usr/bin/env";
	const char *unset[] = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NO_COLOR", "FORCE_COLOR"};
	for (size_t k = 0; k < sizeof unset / sizeof *unset; k++) {
		argv[n++] = "-u";
		argv[n++] = unset[k];
	}
	for (size_t k = 0; env_extra && env_extra[k]; k++)
		argv[n++] = env_extra[k];
	argv[n++] = env_or_fail("MAKE_CMD");
	argv[n++] = "--no-print-directory";
	argv[n++] = target;
	argv[n++] = sub;
	argv[n++] = prog;
	argv[n++] = getenv("SAN_BUILD") ? "SAN=1" : "SAN=";
	if (extra1)
		argv[n++] = extra1;
	if (extra2)
		argv[n++] = extra2;
	argv[n] = NULL;
	cr_assert_eq(h_run(argv, NULL, 0, MAKE_RUN_S, r), 0, "cannot run make %s: %s", target,
		     strerror(errno));
	cr_assert(!r->timed_out, "make %s was still running after %.0f s", target, MAKE_RUN_S);
	cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
		  "make %s %s\nstdout:\n%s\nstderr:\n%s", target, r->what, r->out, r->err);
}

/* Whether text holds words, whatever the line breaks and indentation
 * between them (the tools wrap hints to the terminal's width). */
static int has_words(const char *text, const char *words)
{
	char *a = malloc(strlen(text) + 1), *b = malloc(strlen(words) + 1);
	cr_assert(a && b, "out of memory");
	const char *src[2] = {text, words};
	char *dst[2] = {a, b};
	for (int k = 0; k < 2; k++) {
		size_t n = 0;
		for (const char *p = src[k]; *p; p++) {
			int blank = *p == ' ' || *p == '\n' || *p == '\t';
			if (blank && (n == 0 || dst[k][n - 1] == ' '))
				continue;
			dst[k][n++] = blank ? ' ' : *p;
		}
		dst[k][n] = '\0';
	}
	int found = strstr(a, b) != NULL;
	free(a);
	free(b);
	return found;
}

/* The hint: and more: of a check of lab 01, from the hints file itself. */
static void lab01_hint(const char *check, char *hint, size_t hcap, char *more, size_t mcap)
{
	struct hints h;
	cr_assert_eq(hints_load("tests/hints/01-socket-basics.hints", &h), 0,
		     "cannot read tests/hints/01-socket-basics.hints: %s", strerror(errno));
	const struct hint_entry *e = hints_find(&h, check);
	cr_assert(e && e->hint && e->more, "no hint: and more: for %s", check);
	snprintf(hint, hcap, "%s", e->hint);
	snprintf(more, mcap, "%s", e->more);
	hints_free(&h);
}

static void append_line(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	cr_assert(f, "cannot open %s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "writing %s: %s", path, strerror(errno));
}

static void use_reference(const struct sandbox_dirs *d)
{
	char cmd[1000];
	snprintf(cmd, sizeof cmd, "cp solutions/01-socket-basics/socket_basics.c %s", d->lib);
	sh(cmd);
}

SELFTEST(student, status_and_hint_layers, .timeout = 600)
{
	need_student_step();
	struct sandbox_dirs d;
	make_submission(&d);
	struct h_result r;

	/* First status: nothing recorded, every lab graded, and it says so. */
	run_make(&d, "status", NULL, NULL, NULL, &r);
	cr_assert(strstr(r.err, "were never graded: grading them now"),
		  "make status with no progress file should say that it grades the labs "
		  "first; stderr:\n%s", r.err);
	cr_assert(strstr(r.out, "01   socket-basics") && strstr(r.out, "Next: lab 01") &&
		  strstr(r.out, "Next: lab 01 socket-basics") &&
		  strstr(r.out, "FAIL unit_probe_unix_types") &&
		  strstr(r.out, "make hint LAB=01 SUBMISSION="),
		  "make status on the starter: expected lab 01 at zero, next lab 01 and its "
		  "first failing check; stdout:\n%s", r.out);
	cr_assert(!strstr(r.out, "\033["), "make status into a pipe must not print colours");
	h_result_free(&r);

	/* Nothing changed: nothing graded again. */
	run_make(&d, "status", NULL, NULL, NULL, &r);
	cr_assert(!strstr(r.err, "grading"), "a second make status with no change should "
		  "grade nothing; stderr:\n%s", r.err);
	h_result_free(&r);

	/* A source changed: that lab only is graded again, and it says why. */
	append_line(d.lib, "/* a student's note */\n");
	run_make(&d, "status", NULL, NULL, NULL, &r);
	cr_assert(strstr(r.err, "lab 01 changed since it was graded at") &&
		  !strstr(r.err, "never graded"),
		  "after an edit make status should grade lab 01 again, saying why; "
		  "stderr:\n%s", r.err);
	h_result_free(&r);

	/* The layers: the message, then hint:, then more:, then no further. */
	char hint[1024], more[1024];
	lab01_hint("unit_probe_unix_types", hint, sizeof hint, more, sizeof more);
	run_make(&d, "hint", "LAB=01", NULL, NULL, &r);
	cr_assert(strstr(r.out, "check unit_probe_unix_types") &&
		  strstr(r.out, "What the check saw") && strstr(r.out, "ENOSYS") &&
		  strstr(r.out, "Hint (1 of 2)") && has_words(r.out, hint) &&
		  !strstr(r.out, "More (2 of 2)"),
		  "the first make hint should show the message and the first hint "
		  "(\"%s\") only:\n%s", hint, r.out);
	h_result_free(&r);
	run_make(&d, "hint", "LAB=01", NULL, NULL, &r);
	cr_assert(strstr(r.out, "More (2 of 2)") && has_words(r.out, more),
		  "the second make hint should add the stronger hint (\"%s\"):\n%s", more,
		  r.out);
	h_result_free(&r);
	run_make(&d, "hint", "LAB=01", NULL, NULL, &r);
	cr_assert(strstr(r.out, "That is every hint for this check"),
		  "the third make hint should say that there is no further layer:\n%s", r.out);
	h_result_free(&r);

	/* Another check starts at its first hint. */
	lab01_hint("unit_fd_reuse", hint, sizeof hint, more, sizeof more);
	run_make(&d, "hint", "LAB=01", "CHECK=unit_fd_reuse", NULL, &r);
	cr_assert(strstr(r.out, "check unit_fd_reuse") && has_words(r.out, hint) &&
		  !strstr(r.out, "More (2 of 2)"),
		  "make hint CHECK=unit_fd_reuse should start at that check's first hint:\n%s",
		  r.out);
	h_result_free(&r);

	/* The reference: lab 01 done, lab 02 next. */
	use_reference(&d);
	run_make(&d, "status", NULL, NULL, NULL, &r);
	cr_assert(strstr(r.err, "lab 01 changed"), "make status should grade the new lab 01; "
		  "stderr:\n%s", r.err);
	cr_assert(strstr(r.out, "####################]  done") &&
		  strstr(r.out, "Next: lab 02 bind-listen-accept"),
		  "with the reference, lab 01 should be done and lab 02 next:\n%s", r.out);
	h_result_free(&r);
	run_make(&d, "hint", "LAB=01", NULL, NULL, &r);
	cr_assert(strstr(r.out, "is done: every check passes"), "make hint on a lab that is "
		  "done should say so:\n%s", r.out);
	h_result_free(&r);
}

SELFTEST(student, grade_colours_only_when_asked, .timeout = 600)
{
	need_student_step();
	struct sandbox_dirs d;
	make_submission(&d);
	struct h_result r;
	run_make(&d, "grade", "LAB=01", NULL, NULL, &r);
	cr_assert(strstr(r.out, "  FAIL ") && strstr(r.out, "\nScore: 0/") &&
		  !strchr(r.out, '\033') && !strchr(r.err, '\r'),
		  "make grade into a pipe: plain text, no progress line; stdout:\n%s\nstderr:\n%s",
		  r.out, r.err);
	h_result_free(&r);
	const char *force[] = {"FORCE_COLOR=1", NULL};
	run_make(&d, "grade", "LAB=01", NULL, force, &r);
	cr_assert(strstr(r.out, "\033[31mFAIL\033[0m") && strstr(r.out, "\033[1mScore: 0/"),
		  "FORCE_COLOR=1: FAIL in red and the score in bold; stdout:\n%s", r.out);
	h_result_free(&r);
	const char *both[] = {"FORCE_COLOR=1", "NO_COLOR=1", NULL};
	run_make(&d, "grade", "LAB=01", NULL, both, &r);
	cr_assert(!strchr(r.out, '\033'), "NO_COLOR=1 wins over FORCE_COLOR=1; stdout:\n%s",
		  r.out);
	h_result_free(&r);
}

/* ---- make watch in a real terminal ----------------------------------------- */

/* tmux's own socket for this test. */
static const char *tmux_sock(void)
{
	return h_path("tmux.sock");
}

/* Runs `tmux -S SOCK args...` (args NULL-ended); returns its stdout,
 * which the caller frees. */
static char *tmux(const char *const args[])
{
	const char *argv[16] = {"/usr/bin/env", "tmux", "-S", tmux_sock()};
	size_t n = 4;
	for (size_t k = 0; args[k] && n < 15; k++)
		argv[n++] = args[k];
	argv[n] = NULL;
	struct h_result r;
	cr_assert_eq(h_run(argv, NULL, 0, 10.0, &r), 0, "cannot run tmux: %s", strerror(errno));
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "tmux %s %s: %s", args[0],
		  r.what, r.err);
	char *out = strdup(r.out);
	h_result_free(&r);
	return out;
}

#define TMUX(...) free(tmux((const char *const[]){__VA_ARGS__, NULL}))

/* Reads the pane until it shows want, or fails after timeout_s with what it
 * showed last. */
static void pane_wait(const char *want, double timeout_s, const char *what)
{
	int64_t deadline = mono_deadline(timeout_s);
	for (;;) {
		char *screen = tmux((const char *const[]){"capture-pane", "-p", "-J", "-t", "watch",
							   NULL});
		if (has_words(screen, want)) {
			free(screen);
			return;
		}
		if (mono_ms_left(deadline) == 0)
			cr_assert_fail("make watch: %s: \"%s\" did not appear within %.0f s; the "
				       "terminal shows:\n%s", what, want, timeout_s, screen);
		free(screen);
		mono_sleep_ms(100);
	}
}

/* Whether an inotifywait watching dir is still running. */
static int watcher_alive(const char *dir)
{
	DIR *proc = opendir("/proc");
	cr_assert(proc, "opendir /proc: %s", strerror(errno));
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(proc))) {
		char path[300], cmd[4096];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(cmd, 1, sizeof cmd - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		found = strstr(cmd, "inotifywait") && strstr(cmd, dir);
	}
	closedir(proc);
	return found;
}

SELFTEST(student, watch_in_a_terminal, .timeout = 600)
{
	need_student_step();
	struct sandbox_dirs d;
	make_submission(&d);

	/* A tmux server in the foreground, owned by the test: the fixture
	 * kills it (and so every pane) however the test ends. */
	struct h_proc server;
	const char *sargv[] = {"/usr/bin/env", "tmux", "-D", "-f", "/dev/null", "-S", tmux_sock(),
			       NULL};
	cr_assert_eq(h_start(&server, sargv, NULL), 0, "cannot start tmux: %s", strerror(errno));
	char why[1024];
	cr_assert_eq(h_wait_listening(&server, tmux_sock(), 10.0, why, sizeof why), 0,
		     "the tmux server did not come up: %s", why);

	/* The pane's shell gets none of make test's variables (its jobserver,
	 * Criterion's worker variables). */
	char shell[2048] = "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u NO_COLOR -u FORCE_COLOR";
	for (char **v = environ; *v; v++) {
		if (strncmp(*v, "BXFI_", 5) != 0)
			continue;
		size_t len = strlen(shell);
		snprintf(shell + len, sizeof shell - len, " -u %.*s", (int)strcspn(*v, "="), *v);
	}
	strncat(shell, " PS1='$ ' bash --norc --noprofile -i", sizeof shell - strlen(shell) - 1);
	TMUX("new-session", "-d", "-s", "watch", "-x", "120", "-y", "50", shell);

	char cwd[1024], cmd[3000];
	cr_assert(getcwd(cwd, sizeof cwd), "getcwd: %s", strerror(errno));
	snprintf(cmd, sizeof cmd, "cd %s && %s watch LAB=01 SUBMISSION=%s PROGRESS_DIR=%s %s",
		 cwd, env_or_fail("MAKE_CMD"), d.sub, d.progress,
		 getenv("SAN_BUILD") ? "SAN=1" : "SAN=");
	TMUX("send-keys", "-t", "watch", cmd, "Enter");

	/* The starter: the first failing check, its message and first hint. */
	char hint[1024], more[1024];
	lab01_hint("unit_probe_unix_types", hint, sizeof hint, more, sizeof more);
	pane_wait("FAIL unit_probe_unix_types", MAKE_RUN_S, "the first failing check");
	pane_wait("ENOSYS", 5.0, "its message");
	pane_wait(hint, 5.0, "its first hint");
	pane_wait("watch: waiting for changes", 5.0, "the wait for a save");

	/* Saved as the reference: graded again, done, and what comes next. */
	use_reference(&d);
	pane_wait("Lab 01 is done: every check passes", MAKE_RUN_S, "the lab done");
	pane_wait("Next: lab 02 bind-listen-accept", 5.0, "the next lab");

	/* Ctrl-C: a clean stop, the watcher gone. */
	TMUX("send-keys", "-t", "watch", "C-c");
	pane_wait("watch: stopped.", 20.0, "the stop on Ctrl-C");
	int64_t deadline = mono_deadline(10.0);
	while (watcher_alive(d.sub) && mono_ms_left(deadline) > 0)
		mono_sleep_ms(50);
	cr_assert(!watcher_alive(d.sub), "an inotifywait on %s is still running after Ctrl-C",
		  d.sub);
	TMUX("kill-server");
	h_wait_exit(&server, 5.0);
}
