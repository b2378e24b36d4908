/* msgcli_main.c: the lab 10 client, which sends messages back to back.
 *
 *   msgcli ADDR [--type stream|seqpacket|dgram] [--autobind] [--send-only]
 *               [--timeout MS] [--max N] [--size N] MESSAGE...
 *
 * Connects a socket of the type (seqpacket unless --type says otherwise)
 * to the server at ADDR (/path or @name) and sends each MESSAGE as one
 * message, all of them before reading anything; --size N (anywhere among
 * the messages) sends N bytes of 'x' at that place. With --autobind the
 * socket first gets a name from the kernel ("autobound as NAME" is
 * printed): a datagram server can only answer a client that has a name.
 *
 * Then it prints one line per reply, "reply K: LEN bytes: TEXT" (with ",
 * truncated to N" when a reply did not fit in --max bytes, default 4096):
 *   dgram      one reply per message, each within --timeout ms (default
 *              2000): a datagram has no end of file, so the wait must end;
 *   seqpacket  its sending side shut down (the server's end of file), the
 *              replies up to the server's end of file ("end of file");
 *   stream     the same, but the replies are whatever each read returned:
 *              a stream keeps no boundaries.
 * With --send-only it reads nothing and exits once the messages are sent
 * (for a peer that never answers, such as `socat ABSTRACT-RECV`).
 *
 * Exit status (see MSGCLI_EXIT_* in message_sockets.h): 0 every reply
 * came; 1 other failure; 2 bad command line; 3 ENOENT (no file at the
 * path); 4 ECONNREFUSED (nobody there, or the datagram server's socket is
 * gone); 5 a reply did not come in time; 6 the server closed early. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "message_sockets.h"
#include "parse_num.h"
#include "report.h"

#define MAX_MESSAGES 64

/* The bytes of --size messages, and the buffer for the replies: static,
 * so that no exit path has anything to free. */
static char fill[MSOCK_PEEK_MAX];
static char reply[MSOCK_PEEK_MAX];

static noreturn void usage(void)
{
	die(MSGCLI_EXIT_USAGE, "usage: msgcli ADDR [--type stream|seqpacket|"
	    "dgram] [--autobind] [--send-only] [--timeout MS] [--max N] "
	    "[--size N] MESSAGE...");
}

static unsigned long parse_num(const char *opt, const char *text,
			       unsigned long min, unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, min, max, &v) < 0)
		die(MSGCLI_EXIT_USAGE, "%s wants a number from %lu to %lu, got "
		    "\"%s\"", opt, min, max, text);
	return (unsigned long)v;
}

static noreturn void cannot_connect(const char *addr, int type, int err)
{
	if (err == ENOENT)
		die(MSGCLI_EXIT_NOENT, "no file at %s (ENOENT): is the server "
		    "running?", addr);
	if (err == ECONNREFUSED)
		die(MSGCLI_EXIT_REFUSED, "no %s socket %s at %s (ECONNREFUSED)",
		    msg_type_name(type), type == SOCK_DGRAM ? "is bound" :
		    "listens", addr);
	die_errno(MSGCLI_EXIT_FAILED, err, "cannot connect to %s", addr);
}

struct message {
	const char *bytes;
	size_t len;
};

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *addr = NULL;
	int type = SOCK_SEQPACKET, autobind = 0, send_only = 0;
	unsigned long timeout_ms = 2000, max = 4096;
	struct message msgs[MAX_MESSAGES];
	size_t nmsg = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (strcmp(a, "--type") == 0 && more) {
			type = msg_type_parse(argv[++i]);
			if (type == -1)
				die(MSGCLI_EXIT_USAGE, "--type wants stream, "
				    "seqpacket or dgram, got \"%s\"", argv[i]);
		} else if (strcmp(a, "--autobind") == 0) {
			autobind = 1;
		} else if (strcmp(a, "--send-only") == 0) {
			send_only = 1;
		} else if (strcmp(a, "--timeout") == 0 && more) {
			timeout_ms = parse_num(a, argv[++i], 1, 3600000);
		} else if (strcmp(a, "--max") == 0 && more) {
			max = parse_num(a, argv[++i], 1, MSOCK_PEEK_MAX);
		} else if (strcmp(a, "--size") == 0 && more) {
			size_t n = parse_num(a, argv[++i], 1, MSOCK_PEEK_MAX);
			memset(fill, 'x', n);
			if (nmsg == MAX_MESSAGES)
				die(MSGCLI_EXIT_USAGE, "at most %d messages",
				    MAX_MESSAGES);
			msgs[nmsg++] = (struct message){fill, n};
		} else if (a[0] == '-' && a[1] == '-' && addr) {
			usage();
		} else if (addr == NULL) {
			if (a[0] == '-')
				usage();
			addr = a;
		} else {
			if (nmsg == MAX_MESSAGES)
				die(MSGCLI_EXIT_USAGE, "at most %d messages",
				    MAX_MESSAGES);
			msgs[nmsg++] = (struct message){a, strlen(a)};
		}
	}
	if (addr == NULL || nmsg == 0)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	int fd = msg_connect(addr, type, autobind);
	if (fd == -1)
		cannot_connect(addr, type, errno);
	int got = -1;
	socklen_t got_len = sizeof(got);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &got, &got_len) == -1 ||
	    got != type)
		die(MSGCLI_EXIT_FAILED, "msg_connect() returned a %s socket for "
		    "--type %s: the type must go to socket()", msg_type_name(got),
		    msg_type_name(type));
	if (autobind) {
		struct sockaddr_un self;
		socklen_t len = sizeof(self);
		char me[MSOCK_TEXT_MAX];
		if (getsockname(fd, (struct sockaddr *)&self, &len) == -1 ||
		    msg_address_text(&self, len, me, sizeof(me)) == -1)
			die_errno(MSGCLI_EXIT_FAILED, errno, "getsockname");
		printf("autobound as %s\n", me);
	}
	/* Every wait for a reply ends: a datagram server that is gone, or
	 * one that cannot answer an unnamed client, sends nothing, ever. */
	struct timeval tv = {(time_t)(timeout_ms / 1000),
			     (suseconds_t)(timeout_ms % 1000) * 1000};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		die_errno(MSGCLI_EXIT_FAILED, errno, "setsockopt SO_RCVTIMEO");

	/* All messages first, back to back: boundaries are the lesson. */
	for (size_t k = 0; k < nmsg; k++) {
		if (msg_send(fd, msgs[k].bytes, msgs[k].len) == -1) {
			int err = errno;
			if (err == ECONNREFUSED || err == ENOTCONN)
				die(MSGCLI_EXIT_REFUSED, "message %zu: the server's "
				    "socket at %s is gone (%s)", k + 1, addr,
				    errno_name(err));
			if (err == EPIPE)
				die(MSGCLI_EXIT_CLOSED, "message %zu: the server "
				    "has closed the connection (EPIPE)", k + 1);
			die_errno(MSGCLI_EXIT_FAILED, err, "sending message %zu "
				  "(%zu bytes)", k + 1, msgs[k].len);
		}
	}
	/* The server's end of file: it answers, then closes. */
	if (type != SOCK_DGRAM && shutdown(fd, SHUT_WR) == -1)
		die_errno(MSGCLI_EXIT_FAILED, errno, "shutdown");
	if (send_only) {
		close(fd);
		return MSGCLI_EXIT_OK;
	}

	struct msg_info info;
	memset(&info, 0, sizeof(info));
	size_t replies = 0;
	for (;;) {
		if (type == SOCK_DGRAM && replies == nmsg)
			break;
		ssize_t n = msg_recv(fd, reply, max, &info);
		if (n == -1 && errno == EAGAIN)
			die(MSGCLI_EXIT_NOREPLY, "no reply %zu within %lu ms%s",
			    replies + 1, timeout_ms, type == SOCK_DGRAM &&
			    !autobind ? " (this client has no name: a "
			    "datagram server cannot answer it; try --autobind)"
			    : "");
		if (n == -1)
			die_errno(MSGCLI_EXIT_FAILED, errno, "reply %zu",
				  replies + 1);
		if (n == 0 && type != SOCK_DGRAM) {
			printf("end of file\n");
			break;
		}
		replies++;
		printf("reply %zu: %zu bytes: %.*s", replies, info.len,
		       (int)info.stored, reply);
		if (info.truncated)
			printf(", truncated to %zu", info.stored);
		putchar('\n');
	}
	close(fd);
	if (type == SOCK_SEQPACKET && replies < nmsg)
		die(MSGCLI_EXIT_CLOSED, "the server closed after %zu of %zu "
		    "replies", replies, nmsg);
	if (fflush(stdout) == EOF)
		die_errno(MSGCLI_EXIT_FAILED, errno, "writing the replies");
	return MSGCLI_EXIT_OK;
}
