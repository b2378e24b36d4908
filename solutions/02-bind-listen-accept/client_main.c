/* client_main.c: the lab 02 client program.
 *
 *   client PATH [MESSAGE]
 *
 * Sends MESSAGE (default: the seed's request) to the server at PATH and
 * prints the reply followed by a newline.
 *
 * Exit status (see BLA_CLIENT_EXIT_* in bind_listen_accept.h):
 *   0 the reply was printed;
 *   1 any other failure, or an empty reply;
 *   2 bad command line;
 *   3 ENOENT: no socket file at PATH (is the server running?);
 *   4 ECONNREFUSED: a file at PATH but nobody listens (stale file?). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bind_listen_accept.h"
#include "report.h"

int main(int argc, char **argv)
{
	report_init(argv[0]);
	if (argc < 2 || argc > 3 || argv[1][0] == '-')
		die(BLA_CLIENT_EXIT_USAGE, "usage: client PATH [MESSAGE]");
	const char *path = argv[1];
	const char *msg = argc == 3 ? argv[2] : BLA_REQUEST;

	char reply[BLA_REQUEST_MAX];
	ssize_t n = client_request(path, msg, strlen(msg), reply, sizeof(reply));
	if (n == -1) {
		int err = errno;
		if (err == ENOENT)
			die(BLA_CLIENT_EXIT_NOENT, "no socket file at %s "
			    "(ENOENT): is the server running?", path);
		if (err == ECONNREFUSED)
			die(BLA_CLIENT_EXIT_REFUSED, "%s exists but nobody "
			    "listens (ECONNREFUSED): stale socket file?", path);
		die_errno(BLA_CLIENT_EXIT_FAILED, err, "request to %s", path);
	}
	if (n == 0)
		die(BLA_CLIENT_EXIT_FAILED, "%s closed the connection without "
		    "a reply", path);
	fwrite(reply, 1, (size_t)n, stdout);
	putchar('\n');
	if (fflush(stdout) == EOF)
		die_errno(BLA_CLIENT_EXIT_FAILED, errno, "writing the reply");
	return BLA_CLIENT_EXIT_OK;
}
