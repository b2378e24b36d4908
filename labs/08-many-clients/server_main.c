/* server_main.c: the lab 08 server program, many clients at once.
 *
 *   server PATH [--backlog N] [--clients N]
 *
 * Listens at PATH (a stale socket file is replaced; a live server's name
 * is never taken) with a listen() backlog of N (default MC_BACKLOG), and
 * serves every client that connects, all at once, from one thread: each
 * request line "<text>" gets the reply "OK <n> <text>", n counting that
 * client's requests. One line per client event goes to stdout: "client N
 * connected (K connected)" and "client N left: <why> (K connected)".
 * --clients N ends the program once N clients have come and gone
 * (default 0: never).
 *
 * SIGTERM or SIGINT end it cleanly: the socket file is removed.
 *
 * Exit status: 0 after --clients clients or a signal; 1 on failure (one
 * line on stderr saying what failed); 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "many_clients.h"
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
	die(2, "usage: server PATH [--backlog N] [--clients N]");
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
	const char *path = NULL;
	int backlog = MC_BACKLOG;
	unsigned long clients = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc)
			backlog = (int)parse_num("--backlog", argv[++i], INT_MAX);
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

	int lfd = mc_listen(path, backlog);
	if (lfd == -1) {
		if (errno == EADDRINUSE)
			die_errno(1, errno, "cannot listen at %s: another server "
				  "is running there (or the file is not a "
				  "socket)", path);
		die_errno(1, errno, "cannot listen at %s", path);
	}
	socket_path = path;
	struct sigaction sa = {.sa_handler = on_terminate};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("listening at %s, backlog %d\n", path, backlog);

	/* About 16 KiB per client: on the heap, not on the stack. */
	struct mc_server *s = malloc(sizeof(*s));
	if (s == NULL)
		die_errno(1, errno, "cannot allocate the server's state");
	if (mc_server_init(s, lfd, stdout, clients) == -1)
		die_errno(1, errno, "mc_server_init");
	if (mc_serve(s) == -1) {
		int err = errno;
		unlink(path);
		die_errno(1, err, "server at %s stopped", path);
	}
	mc_server_close(s);
	free(s);
	/* Our name, our file: a clean exit leaves nothing stale behind. */
	if (unlink(path) == -1)
		report_errno(errno, "unlink %s", path);
	close(lfd);
	return 0;
}
