/* namecli_main.c: the lab 03 client, which prints what the server says.
 *
 *   namecli [--autobind] ADDR
 *
 * Connects to the server at ADDR (/path or @name), reads until the server
 * closes, and prints what it received followed by a newline (from namesrv:
 * the server's own name). With --autobind the socket is bound to a name
 * the kernel chooses before connecting, and "autobound as NAME" is printed
 * first, on a line of its own.
 *
 * Exit status (see NAMING_CLI_EXIT_* in naming.h):
 *   0 the reply was printed;
 *   1 any other failure, or an empty reply;
 *   2 bad command line;
 *   3 ENOENT: no file at the path;
 *   4 ECONNREFUSED: nobody listens on that name;
 *   5 EACCES: the socket file's mode does not let this user connect. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "full_io.h"
#include "naming.h"
#include "report.h"

/* The longest reply kept; namesrv's is at most NAMING_TEXT_MAX bytes. */
#define REPLY_MAX 4096

static noreturn void cannot_connect(const char *addr, int err)
{
	if (err == ENOENT)
		die(NAMING_CLI_EXIT_NOENT, "no file at %s (ENOENT): is the "
		    "server running?", addr);
	if (err == ECONNREFUSED && addr[0] == '@')
		die(NAMING_CLI_EXIT_REFUSED, "nobody listens on the abstract "
		    "name %s (ECONNREFUSED): the name must match byte for "
		    "byte, length included", addr);
	if (err == ECONNREFUSED)
		die(NAMING_CLI_EXIT_REFUSED, "%s exists but nobody listens "
		    "(ECONNREFUSED): stale socket file?", addr);
	if (err == EACCES)
		die(NAMING_CLI_EXIT_ACCES, "no permission to connect to %s "
		    "(EACCES): connecting needs write permission on the socket "
		    "file", addr);
	die_errno(NAMING_CLI_EXIT_FAILED, err, "cannot connect to %s", addr);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	int autobind = 0;
	const char *addr = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--autobind") == 0)
			autobind = 1;
		else if ((argv[i][0] == '-' && argv[i][1] != '\0') || addr)
			die(NAMING_CLI_EXIT_USAGE, "usage: namecli [--autobind] ADDR");
		else
			addr = argv[i];
	}
	if (addr == NULL)
		die(NAMING_CLI_EXIT_USAGE, "usage: namecli [--autobind] ADDR");

	int fd = naming_connect(addr, autobind);
	if (fd == -1)
		cannot_connect(addr, errno);
	if (autobind) {
		char me[NAMING_TEXT_MAX];
		if (unix_socket_name(fd, 0, me, sizeof(me)) == -1)
			die_errno(NAMING_CLI_EXIT_FAILED, errno, "getsockname");
		printf("autobound as %s\n", me);
	}

	char *reply = NULL;
	size_t n = 0;
	if (read_all(fd, REPLY_MAX, &reply, &n) == -1)
		die_errno(NAMING_CLI_EXIT_FAILED, errno, "reading the reply "
			  "from %s", addr);
	close(fd);
	if (n == 0)
		die(NAMING_CLI_EXIT_FAILED, "%s closed the connection without "
		    "a reply", addr);
	fwrite(reply, 1, n, stdout);
	putchar('\n');
	free(reply);
	if (fflush(stdout) == EOF)
		die_errno(NAMING_CLI_EXIT_FAILED, errno, "writing the reply");
	return NAMING_CLI_EXIT_OK;
}
