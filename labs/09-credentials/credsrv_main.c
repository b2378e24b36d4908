/* credsrv_main.c: the lab 09 server, which knows who connects.
 *
 *   credsrv ADDR [--mode MODE] [--allow UID]... [--file PATH]
 *                [--count N] [--backlog N]
 *
 * Listens at ADDR (/path or @name). For a path the socket file gets the
 * permission bits MODE (octal, default 0600) from the moment it exists;
 * an abstract name has no mode. Each client is served with cred_serve():
 * it is welcomed when the uid the kernel reports for it (SO_PEERCRED) is
 * one of the --allow UIDs (several may be given; with none, only the
 * server's own effective uid), and denied otherwise, whatever uid it
 * claims in its HELLO. A welcomed client may ask for the file PATH with
 * GET: it receives an open descriptor for it, even when it could not open
 * the file itself.
 *
 * Prints "listening at ADDR" (with " mode MMMM" for a path, read back
 * with stat()), then one line per client:
 *   client N: pid=P uid=U gid=G claims uid=C: welcome, K file(s) passed
 *   client N: pid=P uid=U gid=G claims uid=C: denied
 *   client N: pid=P uid=U gid=G claims uid=C: error: <what went wrong>
 * (claims uid=? when no HELLO was read). A silent client is dropped after
 * 2 s. --count N stops after N clients (default 0: never) and removes the
 * socket file of a path. Nothing else is ever removed.
 *
 * Exit status: 0 after --count clients, 1 on failure (one line on stderr),
 * 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "credentials.h"
#include "parse_num.h"
#include "report.h"

static noreturn void usage(void)
{
	die(2, "usage: credsrv ADDR [--mode MODE] [--allow UID]... "
	    "[--file PATH] [--count N] [--backlog N]");
}

/* Parses a number in [0, max] in the given base, or dies with a usage
 * error naming the option. */
static unsigned long parse_num(const char *opt, const char *text, int base,
			       unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, base, 0, max, &v) < 0)
		die(2, "%s wants a number from 0 to %lu (base %d), got \"%s\"",
		    opt, max, base, text);
	return (unsigned long)v;
}

/* Dies with a sentence that says what the failure of cred_listen()
 * means. */
static noreturn void cannot_listen(const char *addr, int err)
{
	if (err == EADDRINUSE && addr[0] != '@')
		die_errno(1, err, "cannot listen at %s (a file exists there: "
			  "another server's, or one a dead server left behind)",
			  addr);
	if (err == EACCES)
		die_errno(1, err, "cannot listen at %s (bind() needs write and "
			  "search permission on the directory)", addr);
	die_errno(1, err, "cannot listen at %s", addr);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL, *file = NULL;
	mode_t mode = 0600;
	int backlog = 5;
	unsigned long count = 0;
	struct cred_policy policy = {.n = 0};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			mode = (mode_t)parse_num("--mode", argv[++i], 8, 0777);
		} else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc) {
			if (policy.n == CRED_ALLOW_MAX)
				die(2, "at most %d --allow options", CRED_ALLOW_MAX);
			policy.allow[policy.n++] = (uid_t)parse_num("--allow",
				argv[++i], 10, 4294967294UL);
		} else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
			file = argv[++i];
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			count = parse_num("--count", argv[++i], 10, ULONG_MAX);
		} else if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc) {
			backlog = (int)parse_num("--backlog", argv[++i], 10, INT_MAX);
		} else if (argv[i][0] == '-' || addr != NULL) {
			usage();
		} else {
			addr = argv[i];
		}
	}
	if (addr == NULL)
		usage();
	if (policy.n == 0)
		policy.allow[policy.n++] = geteuid();
	/* A client that leaves early must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	/* One line per event, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int lfd = cred_listen(addr, mode, backlog);
	if (lfd == -1)
		cannot_listen(addr, errno);
	struct stat st;
	if (addr[0] != '@' && stat(addr, &st) == 0)
		printf("listening at %s mode %04o\n", addr,
		       (unsigned)(st.st_mode & 07777));
	else
		printf("listening at %s\n", addr);

	for (unsigned long n = 1; count == 0 || n <= count; n++) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1) {
			int err = errno;
			if (err == EBADF || err == EINVAL || err == ENOTSOCK)
				die_errno(1, err, "accept on %s", addr);
			report_errno(err, "client %lu: accept", n);
			continue;
		}
		/* Lab 04's lesson: a client that never sends its lines must
		 * not hold this one-client-at-a-time server for ever. */
		struct timeval tv = {2, 0};
		setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

		struct cred_verdict v = {.claim = -1};
		int r = cred_serve(cfd, &policy, file, &v);
		int err = errno;
		char claim[32] = "?";
		if (v.claim >= 0)
			snprintf(claim, sizeof(claim), "%ld", v.claim);
		printf("client %lu: pid=%ld uid=%u gid=%u claims uid=%s: ", n,
		       (long)v.pid, (unsigned)v.uid, (unsigned)v.gid, claim);
		if (r == 1)
			printf("welcome, %u file(s) passed\n", v.files);
		else if (r == 0)
			printf("denied\n");
		else if (err == ECONNRESET && v.claim < 0)
			printf("error: it left before its HELLO\n");
		else
			printf("error: %s (%s)\n", strerror(err), errno_name(err));
		close(cfd);
	}

	if (addr[0] != '@' && unlink(addr) == -1)
		report_errno(errno, "unlink %s", addr);
	close(lfd);
	return 0;
}
