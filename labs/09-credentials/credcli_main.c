/* credcli_main.c: the lab 09 client.
 *
 *   credcli ADDR [--claim UID] [--server-uid UID] [--get N]
 *
 * Connects to the server at ADDR (/path or @name) and asks the kernel who
 * is listening there (SO_PEERCRED works both ways): it prints
 * "server pid=P uid=U gid=G". With --server-uid it stops there, before
 * sending anything, unless the server runs as that uid: anybody can bind a
 * free abstract name, so a client that cares must check. Then it sends
 * "HELLO <uid>", claiming its real uid or, with --claim, any uid at all
 * (the server must not believe it), and prints the reply line. After a
 * WELCOME it sends GET N times (default 0) and prints, each time, the
 * whole content of the file whose descriptor came with the reply.
 *
 * Exit status (see CRED_CLI_EXIT_* in credentials.h): 0 welcomed (and
 * every GET answered with a descriptor); 1 any other failure; 2 bad
 * command line; 3 ENOENT, 4 ECONNREFUSED, 5 EACCES at connect(); 6 the
 * server said DENIED; 7 the server runs as another uid than
 * --server-uid; 8 a reply to GET carried no descriptor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "full_io.h"
#include "parse_num.h"
#include "report.h"

/* The most of the passed file that is printed. */
#define FILE_MAX (1 << 20)

static noreturn void usage(void)
{
	die(CRED_CLI_EXIT_USAGE, "usage: credcli ADDR [--claim UID] "
	    "[--server-uid UID] [--get N]");
}

static long parse_num(const char *opt, const char *text, long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, 0, (unsigned long long)max, &v) < 0)
		die(CRED_CLI_EXIT_USAGE, "%s wants a number from 0 to %ld, got "
		    "\"%s\"", opt, max, text);
	return (long)v;
}

static noreturn void cannot_connect(const char *addr, int err)
{
	if (err == ENOENT)
		die(CRED_CLI_EXIT_NOENT, "no file at %s (ENOENT): is the server "
		    "running?", addr);
	if (err == ECONNREFUSED)
		die(CRED_CLI_EXIT_REFUSED, "nobody listens at %s (ECONNREFUSED)",
		    addr);
	if (err == EACCES)
		die(CRED_CLI_EXIT_ACCES, "no permission to connect to %s "
		    "(EACCES): connecting needs write permission on the socket "
		    "file and search permission on every directory above it",
		    addr);
	die_errno(CRED_CLI_EXIT_FAILED, err, "cannot connect to %s", addr);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL;
	long claim = (long)getuid(), server_uid = -1, gets = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--claim") == 0 && i + 1 < argc)
			claim = parse_num("--claim", argv[++i], 4294967294L);
		else if (strcmp(argv[i], "--server-uid") == 0 && i + 1 < argc)
			server_uid = parse_num("--server-uid", argv[++i], 4294967294L);
		else if (strcmp(argv[i], "--get") == 0 && i + 1 < argc)
			gets = parse_num("--get", argv[++i], 1000);
		else if (argv[i][0] == '-' || addr != NULL)
			usage();
		else
			addr = argv[i];
	}
	if (addr == NULL)
		usage();

	int fd = cred_connect(addr);
	if (fd == -1)
		cannot_connect(addr, errno);
	struct ucred server;
	if (cred_peer(fd, &server) == -1)
		die_errno(CRED_CLI_EXIT_FAILED, errno, "SO_PEERCRED on the "
			  "connection to %s", addr);
	printf("server pid=%ld uid=%u gid=%u\n", (long)server.pid,
	       (unsigned)server.uid, (unsigned)server.gid);
	fflush(stdout);
	if (server_uid >= 0 && (long)server.uid != server_uid)
		die(CRED_CLI_EXIT_WRONG_SERVER, "the process listening at %s runs "
		    "as uid %u, not %ld: not talking to it", addr,
		    (unsigned)server.uid, server_uid);

	char reply[CRED_LINE_MAX];
	int r = cred_hello(fd, claim, reply, sizeof(reply));
	if (r == -1)
		die_errno(CRED_CLI_EXIT_FAILED, errno, "HELLO to %s", addr);
	printf("%s\n", reply);
	fflush(stdout);
	if (r == 0)
		die(CRED_CLI_EXIT_DENIED, "the server at %s denied uid %u",
		    addr, (unsigned)getuid());

	for (long k = 0; k < gets; k++) {
		int ffd;
		if (cred_fetch(fd, &ffd) == -1) {
			int err = errno;
			if (err == ENOMSG)
				die(CRED_CLI_EXIT_NO_FD, "GET: the reply carried no "
				    "descriptor (ENOMSG): does the server have a "
				    "--file it can open?");
			die_errno(CRED_CLI_EXIT_FAILED, err, "GET from %s", addr);
		}
		char *data = NULL;
		size_t len = 0;
		if (read_all(ffd, FILE_MAX, &data, &len) == -1)
			die_errno(CRED_CLI_EXIT_FAILED, errno, "reading the passed "
				  "file (descriptor %d)", ffd);
		close(ffd);
		fwrite(data, 1, len, stdout);
		free(data);
	}
	close(fd);
	if (fflush(stdout) == EOF)
		die_errno(CRED_CLI_EXIT_FAILED, errno, "writing to stdout");
	return CRED_CLI_EXIT_OK;
}
