/* msgsrv_main.c: the lab 10 server, for any of the three socket types.
 *
 *   msgsrv ADDR [--type stream|seqpacket|dgram] [--max N] [--peek]
 *               [--count N] [--backlog N]
 *
 * ADDR is /path, @name, or @ (the kernel chooses an abstract name). The
 * type is seqpacket unless --type says otherwise. The server prints
 * "listening at NAME" (stream, seqpacket) or "bound at NAME" (dgram), NAME
 * read back with getsockname(), then one line per event (see MSOCK_LOG_*
 * in message_sockets.h) and answers every message with "got LEN", or
 * "truncated LEN > MAX" when it did not fit in its buffer.
 *
 * --max N   the buffer for one message (default 4096 bytes);
 * --peek    peek each message's size first and take it whole (up to
 *           --max, default 1 MiB with --peek);
 * --count N stop after N datagrams (dgram) or N connections (default 0:
 *           never); a path is then removed;
 * --backlog N  passed to listen() (default 5).
 *
 * Exit status: 0 after --count, 1 on failure (one line on stderr saying
 * which call failed and why), 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "message_sockets.h"
#include "parse_num.h"
#include "report.h"

static noreturn void usage(void)
{
	die(2, "usage: msgsrv ADDR [--type stream|seqpacket|dgram] [--max N] "
	    "[--peek] [--count N] [--backlog N]   (ADDR: /path, @name, or @)");
}

/* Parses a decimal in [lo, hi], or dies with a usage error. */
static unsigned long parse_num(const char *opt, const char *text,
			       unsigned long min, unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, min, max, &v) < 0)
		die(2, "%s wants a number from %lu to %lu, got \"%s\"", opt, min,
		    max, text);
	return (unsigned long)v;
}

static noreturn void cannot_open(const char *addr, int err)
{
	if (err == EADDRINUSE && addr[0] == '@')
		die_errno(1, err, "cannot bind %s (a socket still open "
			  "somewhere holds that abstract name)", addr);
	if (err == EADDRINUSE)
		die_errno(1, err, "cannot bind %s (a file exists there: a "
			  "running server's, or one a dead server left behind)",
			  addr);
	die_errno(1, err, "cannot open a socket at %s", addr);
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL;
	int type = SOCK_SEQPACKET, backlog = 5, peek = 0;
	unsigned long max = 0, count = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--type") == 0 && more) {
			type = msg_type_parse(argv[++i]);
			if (type == -1)
				die(2, "--type wants stream, seqpacket or dgram, "
				    "got \"%s\"", argv[i]);
		} else if (strcmp(a, "--max") == 0 && more) {
			max = parse_num(a, argv[++i], 1, MSOCK_PEEK_MAX);
		} else if (strcmp(a, "--count") == 0 && more) {
			count = parse_num(a, argv[++i], 0, ULONG_MAX);
		} else if (strcmp(a, "--backlog") == 0 && more) {
			backlog = (int)parse_num(a, argv[++i], 0, INT_MAX);
		} else if (strcmp(a, "--peek") == 0) {
			peek = 1;
		} else if ((a[0] == '-' && a[1] != '\0') || addr) {
			usage();
		} else {
			addr = a;
		}
	}
	if (addr == NULL)
		usage();
	if (max == 0)
		max = peek ? MSOCK_PEEK_MAX : MSOCK_SERVER_MAX;
	/* One line per event, visible at once even when stdout is a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	int fd = msg_open(addr, type, backlog);
	if (fd == -1)
		cannot_open(addr, errno);
	int got = -1;
	socklen_t got_len = sizeof(got);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &got, &got_len) == -1 ||
	    got != type)
		die(1, "msg_open() returned a %s socket for --type %s: the type "
		    "must go to socket()", msg_type_name(got), msg_type_name(type));
	struct sockaddr_un self;
	socklen_t self_len = sizeof(self);
	char name[MSOCK_TEXT_MAX];
	if (getsockname(fd, (struct sockaddr *)&self, &self_len) == -1 ||
	    msg_address_text(&self, self_len, name, sizeof(name)) == -1)
		die_errno(1, errno, "getsockname on the socket at %s", addr);
	printf("%s at %s (%s)\n", type == SOCK_DGRAM ? "bound" : "listening",
	       name, msg_type_name(type));

	struct msg_serve_opts o = {.max = max, .peek = peek, .count = count};
	int rc = type == SOCK_DGRAM ? msg_serve_dgram(fd, &o, stdout)
				    : msg_serve_conn(fd, &o, stdout);
	if (rc == -1)
		die_errno(1, errno, "serving on %s", name);
	/* A path is a file that outlives the socket: remove ours on a clean
	 * exit. An abstract name goes away by itself with the close. */
	if (addr[0] != '@' && unlink(addr) == -1)
		report_errno(errno, "unlink %s", addr);
	close(fd);
	return 0;
}
