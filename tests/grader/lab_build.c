/* lab_build.c: build one lab of the tree graded, and when it does not
 * compile, keep the compiler's first errors for the student. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../common/full_io.h"
#include "grader.h"
#include "run_limited.h"

/* A build that takes longer than this is stuck (a source that includes
 * /dev/zero, say); the lab then scores zero like any failed build. */
#define BUILD_LIMIT_S 300.0
#define FIRST_ERROR_LINES 14

static int is_error_line(const char *line)
{
	return strstr(line, "error:") || strstr(line, "undefined reference") ||
	       strstr(line, "multiple definition") || strstr(line, "No rule to make");
}

/* Copies into dst the first error lines of the build log (each with the
 * line after it, which usually shows the source), or its last lines when
 * no line looks like an error. */
static void first_errors(const char *log, char *dst, size_t cap)
{
	size_t used = 0, lines = 0;
	dst[0] = '\0';
	const char *p = log;
	int take_next = 0;
	while (*p && lines < FIRST_ERROR_LINES) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)(len < 511 ? len : 511), p);
		int keep = take_next || is_error_line(line);
		take_next = is_error_line(line);
		if (keep && strncmp(line, "make", 4) != 0 && used + len + 2 < cap) {
			used += (size_t)snprintf(dst + used, cap - used, "%s\n", line);
			lines++;
		}
		p = nl ? nl + 1 : p + len;
	}
	if (lines == 0) {
		size_t n = strlen(log);
		const char *tail = n > 1500 ? log + n - 1500 : log;
		snprintf(dst, cap, "%s", tail);
	}
}

/* Runs make with the given variables and target (args, NULL-ended after
 * the common ones). Returns 0 when it succeeded, 1 when it failed or ran
 * out of time (*timed_out set; its first errors in errs), -1 when make
 * could not be run. */
static int run_make(const struct grade_opts *o, const char *const args[],
		    char *errs, size_t cap, int *timed_out)
{
	char tests_arg[4200], log_path[] = "/tmp/lg-build.XXXXXX";
	snprintf(tests_arg, sizeof tests_arg, "TESTS_DIR=%s", o->tests_dir);
	int fd = mkstemp(log_path);
	if (fd < 0)
		return -1;
	close(fd);
	const char *argv[16] = {o->make, "--no-print-directory", "-s", tests_arg,
				o->san ? "SAN=1" : "SAN=", "SUBMISSION="};
	size_t n = 6;
	/* The hidden suites are compiled with the base and linked into each
	 * lab's check binary from where the grader lists them (without
	 * --hidden, from the Makefile's default). */
	char hidden_arg[4200];
	if (o->hidden_dir) {
		snprintf(hidden_arg, sizeof hidden_arg, "HIDDEN_DIR=%s", o->hidden_dir);
		argv[n++] = hidden_arg;
	}
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct run_spec spec = {argv, NULL, log_path, 256 * 1024, BUILD_LIMIT_S, NULL};
	struct run_result r;
	int rc = run_limited(&spec, &r);
	int saved = errno;
	char *log = NULL;
	size_t len = 0;
	FILE *f = fopen(log_path, "r");
	if (f) {
		read_all(fileno(f), 1 << 20, &log, &len);
		fclose(f);
	}
	unlink(log_path);
	if (rc < 0) {
		free(log);
		errno = saved;
		return -1;
	}
	*timed_out = r.timed_out;
	int ok = !r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
	if (!ok)
		first_errors(log ? log : "", errs, cap);
	free(log);
	return ok ? 0 : 1;
}

int base_build(const struct grade_opts *o, char *problem, size_t cap)
{
	const char *args[] = {"grade-base", NULL};
	int timed_out;
	return run_make(o, args, problem, cap, &timed_out);
}

int lab_build(const struct grade_opts *o, struct lab *lab)
{
	char impl_arg[4200], key_arg[300], lab_arg[128];
	snprintf(impl_arg, sizeof impl_arg, "IMPL_DIR=%s", o->impl);
	snprintf(key_arg, sizeof key_arg, "IMPL_KEY=%s", o->key);
	snprintf(lab_arg, sizeof lab_arg, "LAB_DIR=%s", lab->dir);
	const char *args[] = {impl_arg, key_arg, lab_arg, "lab-build", NULL};
	char errs[GRADER_MSG_CAP - 200];
	int timed_out = 0;
	int rc = run_make(o, args, errs, sizeof errs, &timed_out);
	if (rc <= 0) {
		lab->built = rc == 0;
		return rc;
	}
	if (timed_out)
		snprintf(lab->problem, sizeof lab->problem,
			 "the build did not finish within %.0f s and was stopped",
			 BUILD_LIMIT_S);
	else
		snprintf(lab->problem, sizeof lab->problem,
			 "%s/%s does not compile, so every check of this lab scores zero.\n"
			 "The compiler's first errors:\n%s",
			 o->impl, lab->dir, errs);
	return 1;
}
