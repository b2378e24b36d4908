/* seq_render.c: running Graphviz's `dot` on the written DOT file.
 *
 * The program is run directly (fork and execvp, no shell), so paths with
 * spaces or quotes need no escaping. Its error messages go to our stderr. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seq_model.h"

int seq_render(const char *dot_path, const char *fmt, const char *out_path, char *why,
	       size_t cap)
{
	char tflag[32];
	snprintf(tflag, sizeof(tflag), "-T%s", fmt);
	/* 96 dpi keeps the PNG at page width. Not for the SVG: it scales
	 * anyway, and Graphviz then scales its drawing inside a viewBox
	 * left at 72 dpi, so that browsers cut off its right part. */
	int png = strcmp(fmt, "png") == 0;
	char *const argv[] = {"dot", tflag, png ? "-Gdpi=96" : "-Gdpi=72", "-o",
			      (char *)out_path, (char *)dot_path, NULL};
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, cap, "fork for dot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp("dot", argv);
		fprintf(stderr, "seqdiag: cannot run dot (Graphviz): %s\n", strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, cap, "waiting for dot: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(why, cap, "dot (Graphviz) is not installed: apt-get install graphviz");
	else if (WIFEXITED(status))
		snprintf(why, cap, "dot -T%s exited with status %d on %s", fmt,
			 WEXITSTATUS(status), dot_path);
	else
		snprintf(why, cap, "dot -T%s was killed by signal %d", fmt, WTERMSIG(status));
	errno = EIO;
	return -1;
}
