/* namesrv_main.c: the lab 03 server, which tells each client its own name.
 *
 *   namesrv ADDR [--backlog N] [--count N]
 *
 * ADDR is /path, @name, or @ alone (the kernel chooses an abstract name).
 * The server listens there and prints "listening at NAME", NAME being read
 * back with getsockname(): for @ it is the name the kernel chose, and a
 * name bound with a wrong length shows here as it really is. Each client
 * then receives NAME as text (no newline) and the connection is closed;
 * one line per client goes to stdout: "client N: peer PEER", PEER being
 * the client's own name, or "(unnamed)" for a client that never bound.
 *
 * --backlog is passed to listen() (default 5); --count N stops after N
 * clients (default 0: never) and then removes the socket file of a path.
 * Nothing else is ever removed: a file left at the path by a dead server
 * makes the start fail with EADDRINUSE.
 *
 * Exit status: 0 after --count clients, 1 on failure (one line on stderr
 * saying which call failed and why), 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "full_io.h"
#include "naming.h"
#include "parse_num.h"
#include "report.h"

static noreturn void usage(void)
{
	die(2, "usage: namesrv ADDR [--backlog N] [--count N]   "
	    "(ADDR: /path, @name, or @ for a name the kernel chooses)");
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

/* Dies with a sentence that says what the failure of naming_listen()
 * means for this kind of name. */
static noreturn void cannot_listen(const char *addr, int err)
{
	if (err == ENAMETOOLONG)
		die_errno(1, err, "cannot listen at %.60s... (%zu bytes): a path "
			  "holds at most 107 bytes, an abstract name 107 after "
			  "the '@'", addr, strlen(addr));
	if (err == EADDRINUSE && addr[0] == '@')
		die_errno(1, err, "cannot listen at %s (a socket still open "
			  "somewhere holds that abstract name)", addr);
	if (err == EADDRINUSE)
		die_errno(1, err, "cannot listen at %s (a file exists there: a "
			  "running server's, or one a dead server left behind; "
			  "remove it if it is stale)", addr);
	die_errno(1, err, "cannot listen at %s", addr);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL;
	int backlog = 5, count = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc)
			backlog = parse_count("--backlog", argv[++i]);
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = parse_count("--count", argv[++i]);
		else if ((argv[i][0] == '-' && argv[i][1] != '\0') || addr)
			usage();
		else
			addr = argv[i];
	}
	if (addr == NULL)
		usage();
	/* One line per event, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int lfd = naming_listen(addr, backlog);
	if (lfd == -1)
		cannot_listen(addr, errno);
	char name[NAMING_TEXT_MAX];
	int name_len = unix_socket_name(lfd, 0, name, sizeof(name));
	if (name_len == -1)
		die_errno(1, errno, "getsockname on the socket at %s", addr);
	printf("listening at %s\n", name);

	for (long n = 1; count == 0 || n <= count; n++) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1) {
			int err = errno;
			if (err == EBADF || err == EINVAL || err == ENOTSOCK)
				die_errno(1, err, "accept on %s", name);
			report_errno(err, "client %ld: accept", n);
			continue;
		}
		/* The accepted socket carries the listener's name: this is
		 * what the client asked for, as the kernel holds it. */
		char own[NAMING_TEXT_MAX], peer[NAMING_TEXT_MAX];
		int own_len = unix_socket_name(cfd, 0, own, sizeof(own));
		int peer_len = unix_socket_name(cfd, 1, peer, sizeof(peer));
		if (own_len == -1 || peer_len == -1)
			report_errno(errno, "client %ld: getsockname/getpeername", n);
		else if (write_full(cfd, own, (size_t)own_len) == -1)
			report_errno(errno, "client %ld: sending the name", n);
		else
			printf("client %ld: peer %s\n", n,
			       peer_len > 0 ? peer : "(unnamed)");
		close(cfd);
	}

	/* A path is a file that outlives the socket: remove ours on a clean
	 * exit. An abstract name goes away by itself with the close. */
	if (addr[0] != '@' && unlink(addr) == -1)
		report_errno(errno, "unlink %s", addr);
	close(lfd);
	return 0;
}
