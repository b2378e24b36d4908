/* server_main.c: the lab 02 server program.
 *
 *   server PATH [--backlog N] [--count N]
 *
 * Listens at PATH and serves one request per connection, in a loop: one
 * line on stdout per client served, one line on stderr per client that
 * failed (the loop goes on). --backlog is passed to listen() (default 5);
 * --count N stops after N clients, served or failed (default 0: never),
 * and then removes the socket file.
 *
 * Exit status: 0 after --count clients, 1 on failure (one line on stderr
 * saying which call failed and why), 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind_listen_accept.h"
#include "parse_num.h"
#include "report.h"

static noreturn void usage(void)
{
	die(2, "usage: server PATH [--backlog N] [--count N]");
}

/* Parses a decimal in [0, INT_MAX], or dies with a usage error. */
static int parse_count(const char *opt, const char *text)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, 0, INT_MAX, &v) < 0)
		die(2, "%s wants a number from 0 to %d, got \"%s\"", opt,
		    INT_MAX, text);
	return (int)v;
}

/* Prints the request on one line: printable bytes and UTF-8 as they are,
 * control bytes and quotes escaped, so that one client is one line. */
static void print_request(const char *buf, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *path = NULL;
	int backlog = 5, count = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc)
			backlog = parse_count("--backlog", argv[++i]);
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = parse_count("--count", argv[++i]);
		else if (argv[i][0] == '-' || path != NULL)
			usage();
		else
			path = argv[i];
	}
	if (path == NULL)
		usage();
	/* One line per client, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int lfd = server_open(path, backlog);
	if (lfd == -1) {
		if (errno == EADDRINUSE)
			die_errno(1, errno, "cannot listen at %s (another server "
				  "is running there, or it is not a socket file)",
				  path);
		die_errno(1, errno, "cannot listen at %s", path);
	}
	printf("listening at %s, backlog %d\n", path, backlog);

	static char request[BLA_REQUEST_MAX];
	for (long n = 1; count == 0 || n <= count; n++) {
		ssize_t len = server_serve_one(lfd, request, sizeof(request));
		if (len >= 0) {
			printf("client %ld: request ", n);
			print_request(request, (size_t)len);
			printf(" (%zd bytes), reply %zu bytes\n", len, BLA_REPLY_LEN);
			continue;
		}
		int err = errno;
		if (err == EBADF || err == EINVAL || err == ENOTSOCK)
			die_errno(1, err, "accept on %s", path);
		if (err == EMSGSIZE)
			report("client %ld: request longer than %d bytes, "
			       "closed without a reply", n, BLA_REQUEST_MAX);
		else if (err == EPIPE || err == ECONNRESET)
			report_errno(err, "client %ld: left before the reply", n);
		else
			report_errno(err, "client %ld", n);
	}

	/* Our name, our file: a clean exit leaves no stale file behind. */
	if (unlink(path) == -1)
		report_errno(errno, "unlink %s", path);
	close(lfd);
	return 0;
}
