/* grade_main.c: the grader's entry point (run by `make grade`).
 *
 * For every lab (or those chosen with --lab), in order: list its checks
 * from tests/labs/NN-topic.c, build it for the tree graded, run each check
 * in its own process group with a wall-clock limit, print one line per
 * check and a subtotal, and finally "Score: X/Y". Exit 0 whenever grading
 * ran, whatever the score; 2 when it could not grade (bad arguments, a
 * broken build system). With --expect pass|fail (the project's own tests)
 * it exits 1 when a check did not come out as expected.
 *
 * With --state FILE each lab graded is recorded in the student's progress
 * file (state_record.c). On a terminal the report has colours and a
 * progress line runs on stderr while a lab is graded (--progress: even
 * when stdout goes to a file); into a pipe the text is unchanged. Ctrl-C
 * stops the check or build under way, kills everything it started, and
 * the grader dies of the same signal, as a well-behaved program does. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/mono_time.h"
#include "../../common/report.h"
#include "../progress/state.h"
#include "../progress/term.h"
#include "grader.h"
#include "run_limited.h"
#include "sandbox.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: grade --impl DIR --key NAME --out BUILD [--lab NN[,NN]] "
		"[--results FILE]\n"
		"             [--make CMD] [--tests DIR] [--san] [--limit SECONDS] [--fresh]\n"
		"             [--no-namespaces]\n"
		"             [--hidden DIR] [--autolab] [--expect pass|fail] [--verbose]\n"
		"             [--state FILE] [--progress]\n");
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether lab dir "NN-topic" is selected by "01,2,03-x" (NULL: all). */
static int selected(const char *sel, const char *dir)
{
	if (!sel || !*sel)
		return 1;
	int num = atoi(dir);
	char copy[256];
	snprintf(copy, sizeof copy, "%s", sel);
	for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
		char *end;
		long v = strtol(tok, &end, 10);
		if (end != tok && (*end == '\0' || *end == '-') && v == num)
			return 1;
	}
	return 0;
}

/* The labs that have a graded suite, sorted. Returns the count or -1. */
static int find_labs(const char *tests_dir, char ***names)
{
	DIR *d = opendir(tests_dir);
	if (!d)
		return -1;
	size_t n = 0, cap = 16;
	char **list = malloc(cap * sizeof *list);
	struct dirent *e;
	while (list && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len > 60 || strcmp(e->d_name + len - 2, ".c") != 0 ||
		    e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    e->d_name[1] < '0' || e->d_name[1] > '9' || e->d_name[2] != '-')
			continue;
		if (n == cap) {
			char **bigger = realloc(list, (cap *= 2) * sizeof *list);
			if (!bigger)
				break;
			list = bigger;
		}
		list[n++] = strndup(e->d_name, len - 2);
	}
	closedir(d);
	if (!list)
		return -1;
	qsort(list, n, sizeof *list, cmp_names);
	*names = list;
	return (int)n;
}

static int grade_lab(const struct grade_opts *o, struct lab *lab)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", o->impl, lab->dir);
	for (size_t i = 0; i < lab->n_checks; i++)
		lab->max_score += lab->checks[i].points;
	/* Taken before building: a file saved while the lab is graded makes
	 * the record out of date, and `make status` notices. */
	if (o->state)
		lab_fingerprint(o->impl, o->tests_dir, o->hidden_dir, lab->dir, lab->fingerprint);
	if (!is_dir(path)) {
		snprintf(lab->problem, sizeof lab->problem,
			 "lab folder %s/ is missing from %s, so every check of this lab "
			 "scores zero", lab->dir, o->impl);
	} else {
		term_progress("grade: lab %02d %s: building", lab->number, lab->dir + 3);
		int rc = lab_build(o, lab);
		if (rc < 0) {
			term_progress_clear();
			if (!grader_stop)
				report_errno(errno, "cannot run %s to build %s", o->make, lab->dir);
			return -1;
		}
	}
	if (lab->built) {
		term_progress("grade: lab %02d %s: 0/%zu checks", lab->number, lab->dir + 3,
			      lab->n_checks);
		if (lab_run_checks(o, lab) < 0) {
			term_progress_clear();
			if (!grader_stop)
				report_errno(errno, "cannot run the checks of %s", lab->dir);
			return -1;
		}
	}
	term_progress_clear();
	report_lab_header(lab);
	for (size_t i = 0; i < lab->n_checks; i++) {
		lab->score += lab->checks[i].score;
		report_check(lab, i, &lab->checks[i]);
	}
	report_lab_total(lab);
	/* Recording is a convenience for the student: when it fails the
	 * grade stands, and `make status` will simply grade the lab again. */
	if (o->state && state_record_lab(o->state, lab) < 0)
		report_errno(errno, "cannot record lab %02d in %s", lab->number, o->state);
	return 0;
}

static void on_stop(int sig)
{
	grader_stop = sig;
}

/* Ctrl-C (and a polite kill) stop the check under way (run_limited.c)
 * instead of killing the grader alone and orphaning it. No SA_RESTART:
 * the waits return and see the flag. */
static void catch_stop_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* After a stop: the signal's own default action ends the grader, so that
 * make and the shell see it was interrupted. */
static noreturn void die_of_stop(void)
{
	int sig = grader_stop;
	term_progress_clear();
	fflush(stdout);
	fprintf(stderr, "grade: stopped (%s); every process it started was killed\n",
		sigabbrev_np(sig) ? sigabbrev_np(sig) : "signal");
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* For the project's own tests: did every check come out as expected? */
static int expectation_met(const char *expect, const struct lab *labs, size_t n)
{
	int ok = 1;
	for (size_t l = 0; l < n; l++) {
		for (size_t i = 0; i < labs[l].n_checks; i++) {
			const struct check *c = &labs[l].checks[i];
			int want_pass = strcmp(expect, "pass") == 0;
			if (c->passed != want_pass || (want_pass && c->message[0])) {
				fprintf(stderr, "expectation: %s/%s should %s but %s\n",
					labs[l].dir, c->name, want_pass ? "pass" : "fail",
					c->passed ? "passed" : "failed");
				ok = 0;
			}
			if (!want_pass && !c->message[0] && !labs[l].problem[0]) {
				fprintf(stderr, "expectation: %s/%s failed with no message\n",
					labs[l].dir, c->name);
				ok = 0;
			}
		}
	}
	return ok;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct grade_opts o = {.make = "make", .tests_dir = "tests/labs", .grace = 5.0};
	static const struct option longs[] = {
		{"impl", required_argument, 0, 'i'},  {"key", required_argument, 0, 'k'},
		{"out", required_argument, 0, 'o'},   {"lab", required_argument, 0, 'l'},
		{"results", required_argument, 0, 'r'}, {"make", required_argument, 0, 'm'},
		{"tests", required_argument, 0, 't'}, {"expect", required_argument, 0, 'e'},
		{"hidden", required_argument, 0, 'H'}, {"autolab", no_argument, 0, 'A'},
		{"limit", required_argument, 0, 'L'}, {"fresh", no_argument, 0, 'f'},
		{"no-namespaces", no_argument, 0, 'N'},
		{"state", required_argument, 0, 'T'}, {"progress", no_argument, 0, 'P'},
		{"sandbox-info", no_argument, 0, 'S'}, {"san", no_argument, 0, 's'},         {"verbose", no_argument, 0, 'v'},
		{0, 0, 0, 0}};
	int opt, fresh = 0, no_namespaces = 0, autolab = 0, progress = 0;
	while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (opt) {
		case 'i': o.impl = optarg; break;
		case 'k': o.key = optarg; break;
		case 'o': o.out = optarg; break;
		case 'l': o.labs_sel = optarg; break;
		case 'r': o.results = optarg; break;
		case 'm': o.make = optarg; break;
		case 't': o.tests_dir = optarg; break;
		case 'e': o.expect = optarg; break;
		case 'f': fresh = 1; break;
		case 'H': o.hidden_dir = optarg; break;
		case 'A': autolab = 1; break;
		case 'N': no_namespaces = 1; break;
		case 'T': o.state = optarg; break;
		case 'P': progress = 1; break;
		case 'S': {
			/* Says which protections this machine gives, exit 0 when
			 * the namespaces are among them (hostile tests need it). */
			struct sandbox probe;
			char text[800];
			sandbox_protect(&probe, NULL, NULL, NULL);
			sandbox_probe(&probe, 0);
			printf("%s\n", sandbox_describe(&probe, text, sizeof text));
			int full = probe.namespaces && (probe.pids_cgroup[0] || probe.userns);
			sandbox_release(&probe);
			/* 0: namespaces and a process cap (a pids cgroup, or an
			 * unprivileged uid that RLIMIT_NPROC binds); 4: namespaces
			 * only. */
			return full ? 0 : probe.namespaces ? 4 : 3;
		}
		case 'L': o.limit = atof(optarg); break;
		case 's': o.san = 1; break;
		case 'v': o.verbose = 1; break;
		default: usage(); return 2;
		}
	}
	if (!o.impl || !o.key || !o.out || optind != argc ||
	    (o.expect && strcmp(o.expect, "pass") && strcmp(o.expect, "fail"))) {
		usage();
		return 2;
	}
	if (!is_dir(o.impl))
		die(2, "%s is not a folder: nothing to grade (IMPL= or SUBMISSION= "
		       "must name a folder laid out like labs/)", o.impl);
	char out_abs[PATH_MAX];
	if (!realpath(o.out, out_abs))
		die_errno(2, errno, "build folder %s", o.out);
	o.out = out_abs;
	if (fresh) {
		/* A submission folder is built from scratch: its files' times
		 * say nothing about the objects a previous folder at the same
		 * path left in build/. */
		char old[PATH_MAX + 300];
		snprintf(old, sizeof old, "%s/impl/%s", o.out, o.key);
		remove_tree(old);
	}

	/* Orphans of a check (a server whose test died) come back to the
	 * grader, which kills them before the next check starts. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	catch_stop_signals();
	term_setup(progress);

	char **names;
	int n_names = find_labs(o.tests_dir, &names);
	if (n_names < 0)
		die_errno(2, errno, "cannot list graded suites in %s", o.tests_dir);
	struct lab *labs = calloc((size_t)n_names + 1, sizeof *labs);
	size_t n = 0;
	for (int i = 0; i < n_names; i++) {
		if (!selected(o.labs_sel, names[i]))
			continue;
		struct lab *lab = &labs[n];
		snprintf(lab->dir, sizeof lab->dir, "%s", names[i]);
		lab->number = atoi(names[i]);
		char err[512];
		int k = check_list_lab(&o, names[i], &lab->checks, err, sizeof err);
		if (k <= 0)
			die(2, "%s", k < 0 ? err : "a graded suite declares no CHECK");
		lab->n_checks = (size_t)k;
		n++;
	}
	if (n == 0) {
		report("no lab matches LAB=%s", o.labs_sel ? o.labs_sel : "");
		fprintf(stderr, "labs:");
		for (int i = 0; i < n_names; i++)
			fprintf(stderr, " %.2s", names[i]);
		fputc('\n', stderr);
		return 2;
	}

	char problem[2048];
	term_progress("grade: building the grader's own code");
	int base = base_build(&o, problem, sizeof problem);
	term_progress_clear();
	if (base < 0 && grader_stop)
		die_of_stop();
	if (base < 0)
		die_errno(2, errno, "cannot run %s", o.make);
	if (base > 0)
		die(2, "the lab's own code (common/, tests/) does not build, so nothing "
		       "can be graded; this is not the submission's fault:\n%s", problem);

	struct sandbox sb;
	char here[PATH_MAX];
	sandbox_protect(&sb, getcwd(here, sizeof here), o.out, o.impl);
	sandbox_probe(&sb, o.san);
	if (no_namespaces) {
		sb.namespaces = sb.userns = 0;
		snprintf(sb.why_not, sizeof sb.why_not, "turned off with --no-namespaces");
		snprintf(sb.why_not_user, sizeof sb.why_not_user, "turned off with --no-namespaces");
		/* Without them, root still gives the checks a uid of their own. */
		sandbox_probe_uid_drop(&sb);
	}
	o.sandbox = &sb;
	char line[800];
	printf("Grading %s\n%s\n", o.impl, sandbox_describe(&sb, line, sizeof line));
	fflush(stdout);
	double start = mono_seconds();
	int score = 0, max = 0;
	for (size_t l = 0; l < n; l++) {
		if (grader_stop) {
			sandbox_release(&sb);
			die_of_stop();
		}
		if (grade_lab(&o, &labs[l]) < 0) {
			sandbox_release(&sb);
			if (grader_stop)
				die_of_stop();
			return 2;
		}
		score += labs[l].score;
		max += labs[l].max_score;
	}
	double elapsed = mono_seconds() - start;
	if (o.results) {
		if (results_json_write(o.results, labs, n, elapsed) < 0)
			die_errno(2, errno, "cannot write %s", o.results);
		printf("\nResults written to %s\n", o.results);
	}
	printf("\n%sScore: %d/%d%s\n", term_sgr(TERM_BOLD), score, max, term_sgr(TERM_RESET));
	if (autolab)
		autolab_line_print(labs, n);
	fflush(stdout);
	sandbox_release(&sb);
	int status = o.expect && !expectation_met(o.expect, labs, n) ? 1 : 0;
	for (size_t l = 0; l < n; l++)
		free(labs[l].checks);
	free(labs);
	for (int i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	return status;
}
