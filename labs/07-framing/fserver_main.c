/* fserver_main.c: the lab 07 server program.
 *
 *   fserver PATH [--max N] [--clients N] [--sndbuf BYTES] [--backlog N]
 *
 * Listens at PATH and serves one client at a time: every frame it receives
 * is answered with a frame holding the same payload upper-cased (a-z
 * only). A frame longer than --max bytes (default FR_MAX_PAYLOAD), or a
 * stream that ends inside a frame, ends that client's connection with a
 * log line saying why; the next client is served as usual. With
 * --clients N it exits after N clients; --sndbuf sets SO_SNDBUF on every
 * connection (a small one makes large replies go out in pieces).
 *
 * stdout: "listening at PATH, max N bytes", then one line per client
 * (FR_LOG_CLIENT in framing.h), then at exit "served N clients, SIGUSR1
 * caught K times".
 *
 * SIGUSR1 is caught and counted, and its handler is installed WITHOUT
 * SA_RESTART on purpose: a read() or send() it interrupts returns EINTR or
 * a short count, and the server's loops must carry on (the checks send it
 * while the server waits). SIGTERM and SIGINT end it cleanly (the socket
 * file is removed).
 *
 * Exit status: 0 after --clients clients; 1 on failure; 2 on a bad
 * command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "framing.h"
#include "parse_num.h"
#include "report.h"

static const char *socket_path;
static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

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
	die(2, "usage: fserver PATH [--max N] [--clients N] [--sndbuf BYTES] "
	    "[--backlog N]");
}

/* Parses a decimal in [min, max], or dies with a usage error. */
static unsigned long parse_num(const char *opt, const char *text,
			       unsigned long min, unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, min, max, &v) < 0)
		die(2, "%s wants a number from %lu to %lu, got \"%s\"", opt, min,
		    max, text);
	return (unsigned long)v;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct fr_server_opts o = {.max = FR_MAX_PAYLOAD, .log = stdout};
	const char *path = NULL;
	int backlog = 5;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
			o.max = (uint32_t)parse_num("--max", argv[++i], 1,
						    FR_MAX_PAYLOAD);
		else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc)
			o.clients = parse_num("--clients", argv[++i], 0, ULONG_MAX);
		else if (strcmp(argv[i], "--sndbuf") == 0 && i + 1 < argc)
			o.sndbuf = (int)parse_num("--sndbuf", argv[++i], 1, INT_MAX / 2);
		else if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc)
			backlog = (int)parse_num("--backlog", argv[++i], 0, INT_MAX);
		else if (argv[i][0] == '-' || path != NULL)
			usage();
		else
			path = argv[i];
	}
	if (path == NULL)
		usage();
	/* One line per client, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int lfd = fr_listen(path, backlog);
	if (lfd == -1)
		die_errno(1, errno, "cannot listen at %s", path);
	socket_path = path;
	struct sigaction sa = {.sa_handler = on_terminate};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* No SA_RESTART: see the top of this file. */
	struct sigaction su = {.sa_handler = on_usr1, .sa_flags = 0};
	sigemptyset(&su.sa_mask);
	sigaction(SIGUSR1, &su, NULL);
	printf("listening at %s, max %lu bytes\n", path, (unsigned long)o.max);

	if (fr_server_loop(lfd, &o) == -1) {
		int err = errno;
		unlink(path);
		die_errno(1, err, "server at %s stopped", path);
	}
	printf("served %lu clients, SIGUSR1 caught %d times\n", o.clients,
	       (int)usr1_count);
	if (unlink(path) == -1)
		report_errno(errno, "unlink %s", path);
	close(lfd);
	return 0;
}
