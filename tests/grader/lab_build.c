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

int lab_build(const struct grade_opts *o, struct lab *lab)
{
	char impl_arg[4200], key_arg[300], lab_arg[128], tests_arg[4200];
	char log_path[] = "/tmp/lg-build.XXXXXX";
	snprintf(tests_arg, sizeof tests_arg, "TESTS_DIR=%s", o->tests_dir);
	snprintf(impl_arg, sizeof impl_arg, "IMPL_DIR=%s", o->impl);
	snprintf(key_arg, sizeof key_arg, "IMPL_KEY=%s", o->key);
	snprintf(lab_arg, sizeof lab_arg, "LAB_DIR=%s", lab->dir);
	int fd = mkstemp(log_path);
	if (fd < 0)
		return -1;
	close(fd);
	const char *argv[] = {o->make, "--no-print-directory", "-s", impl_arg, key_arg,
			      lab_arg, tests_arg, o->san ? "SAN=1" : "SAN=", "SUBMISSION=",
			      "lab-build", NULL};
	struct run_spec spec = {argv, NULL, log_path, 256 * 1024, BUILD_LIMIT_S, NULL};
	struct run_result r;
	int rc = run_limited(&spec, &r);
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
		return -1;
	}
	if (!r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) {
		free(log);
		lab->built = 1;
		return 0;
	}
	char errs[GRADER_MSG_CAP - 200];
	first_errors(log ? log : "", errs, sizeof errs);
	if (r.timed_out)
		snprintf(lab->problem, sizeof lab->problem,
			 "the build did not finish within %.0f s and was stopped",
			 BUILD_LIMIT_S);
	else
		snprintf(lab->problem, sizeof lab->problem,
			 "%s/%s does not compile, so every check of this lab scores zero.\n"
			 "The compiler's first errors:\n%s",
			 o->impl, lab->dir, errs);
	free(log);
	return 1;
}
