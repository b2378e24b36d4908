/* trace_setup.c: the strace command line and environment of traced runs.
 *
 * `--seccomp-bpf` makes strace stop the program only at the traced
 * syscalls (about four times faster on a busy exchange); it is used when
 * a probe run shows that this strace and kernel support it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness_internal.h"

extern char **environ;

/* strace's path, found once on PATH. */
static const char *strace_path(void)
{
	static char path[256];
	if (path[0])
		return path;
	const char *env = getenv("PATH");
	char *dirs = strdup(env && *env ? env : "/usr/bin:/bin");
	if (dirs) {
		char *save = NULL;
		for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char cand[256];
			if (snprintf(cand, sizeof(cand), "%s/strace", d) < (int)sizeof(cand) &&
			    access(cand, X_OK) == 0) {
				snprintf(path, sizeof(path), "%s", cand);
				break;
			}
		}
		free(dirs);
	}
	if (!path[0])
		snprintf(path, sizeof(path), "/usr/bin/strace");
	return path;
}

/* Whether `strace -f --seccomp-bpf` works here; probed once. */
static int seccomp_works(void)
{
	static int known = -1;
	if (known >= 0)
		return known;
	const char *argv[] = {strace_path(), "-f", "--seccomp-bpf", "-e", "trace=close",
			      "-o", "/dev/null", "/bin/true", NULL};
	struct h_spawn sp = {.argv = argv, .out_fd = -1, .err_fd = -1};
	int saved = errno;
	known = 0;
	pid_t pid = h__spawn(&sp);
	if (pid > 0) {
		int status = 0;
		pid_t r = h__wait_pid(pid, &status, 5.0);
		if (r == 0) {
			h__kill_group(pid);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		} else if (r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			known = 1;
		}
	}
	errno = saved;
	return known;
}

const char **h__strace_argv(const char *const argv[], const char *trace_path)
{
	size_t n = 0;
	while (argv[n])
		n++;
	const char *head[] = {
		strace_path(), "-f", "-yy", "-ttt", "-T", "-s", "256",
		/* -q hides attach messages but keeps "+++ exited with N +++";
		 * -qq would hide exits, which the checks want to see. */
		"-q", "-o", trace_path, "-e", "trace=" H_TRACE_SET,
	};
	size_t nh = sizeof(head) / sizeof(head[0]);
	int seccomp = seccomp_works();
	const char **out = calloc(nh + (size_t)seccomp + 1 + n + 1, sizeof(*out));
	if (!out)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < nh; i++) {
		out[k++] = head[i];
		if (i == 1 && seccomp)
			out[k++] = "--seccomp-bpf"; /* right after -f, which it needs */
	}
	out[k++] = "--";
	for (size_t i = 0; i < n; i++)
		out[k++] = argv[i];
	out[k] = NULL;
	return out;
}

char *const *h__traced_env(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "ASAN_OPTIONS=", 13) == 0) {
			char *s = NULL;
			/* A later option wins, so appending overrides an earlier
			 * detect_leaks=1 and keeps every other option. */
			if (asprintf(&s, "%s%sdetect_leaks=0", environ[i],
				     environ[i][13] ? ":" : "") < 0) {
				free(env);
				return NULL;
			}
			env[i] = (char *)h__keep(s);
			found = 1;
		} else {
			env[i] = environ[i];
		}
	}
	if (!found)
		env[n++] = "ASAN_OPTIONS=detect_leaks=0";
	env[n] = NULL;
	return (char *const *)h__keep((char *)env);
}
