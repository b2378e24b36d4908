/* daemon_main.c: the lab 05 daemon program (the seed's guardian, fixed).
 *
 *   daemon PATH [--backlog N] [--journal FILE] [--clients N]
 *
 * Listens at PATH (a stale socket file is replaced; a live daemon's name
 * is never taken) and serves one client at a time, for ever or until
 * --clients N clients have come and gone. Each message gets one line on
 * stdout: "accepted seq N: <text>" or "duplicate seq N discarded". With
 * --journal, every accepted message is also appended to FILE before it is
 * acknowledged, and a restarted daemon reads FILE back, so that it still
 * recognises what its previous run accepted.
 *
 * SIGTERM or SIGINT end it cleanly: the socket file is removed.
 *
 * Exit status: 0 after --clients clients or a signal; 1 on failure (one
 * line on stderr saying what failed; "another daemon is running" for
 * EADDRINUSE); 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconnect.h"
#include "parse_num.h"
#include "report.h"

static const char *socket_path;

/* Removes our socket file and leaves: unlink() and _exit() are safe in a
 * signal handler, and the file is ours since we listen on it. */
static void on_terminate(int sig)
{
	(void)sig;
	unlink(socket_path);
	_exit(0);
}

static noreturn void usage(void)
{
	die(2, "usage: daemon PATH [--backlog N] [--journal FILE] [--clients N]");
}

/* Parses a decimal in [0, max], or dies with a usage error. */
static unsigned long parse_num(const char *opt, const char *text,
			       unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, 0, max, &v) < 0)
		die(2, "%s wants a number from 0 to %lu, got \"%s\"", opt, max,
		    text);
	return (unsigned long)v;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *path = NULL, *journal = NULL;
	int backlog = 5;
	unsigned long clients = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc)
			backlog = (int)parse_num("--backlog", argv[++i], INT_MAX);
		else if (strcmp(argv[i], "--journal") == 0 && i + 1 < argc)
			journal = argv[++i];
		else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc)
			clients = parse_num("--clients", argv[++i], ULONG_MAX);
		else if (argv[i][0] == '-' || path != NULL)
			usage();
		else
			path = argv[i];
	}
	if (path == NULL)
		usage();
	/* One line per event, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct daemon_state st = {.journal_fd = -1, .log = stdout};
	dedup_init(&st.dedup);
	if (journal != NULL) {
		st.journal_fd = journal_open(journal, &st.dedup);
		if (st.journal_fd == -1)
			die_errno(1, errno, "cannot use the journal %s", journal);
		printf("journal %s: session %s, last accepted seq %lu\n", journal,
		       st.dedup.session[0] ? st.dedup.session : "(none)",
		       st.dedup.last);
	}

	int lfd = daemon_open(path, backlog);
	if (lfd == -1) {
		if (errno == EADDRINUSE)
			die_errno(1, errno, "cannot listen at %s: another daemon "
				  "is running there (or the file is not a "
				  "socket)", path);
		die_errno(1, errno, "cannot listen at %s", path);
	}
	socket_path = path;
	struct sigaction sa = {.sa_handler = on_terminate};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("listening at %s, backlog %d\n", path, backlog);

	if (daemon_loop(lfd, &st, clients) == -1) {
		int err = errno;
		unlink(path);
		die_errno(1, err, "daemon at %s stopped", path);
	}
	/* Our name, our file: a clean exit leaves nothing stale behind. */
	if (unlink(path) == -1)
		report_errno(errno, "unlink %s", path);
	close(lfd);
	return 0;
}
