/* copysrv_main.c: the workload's server: reads fixed-size requests and
 * answers each with a reply, like the seed's daemon, so that its trace
 * shows every byte of both directions.
 *
 *   copysrv ADDR [--tcp] [--count N] [--size S] [--reply R] [--dontwait]
 *
 * ADDR is a path or @name (with --tcp, a port on 127.0.0.1; 0 picks one).
 * It serves N clients one after another (default 1; 0: forever), reading
 * requests of S bytes (default 23, the seed's message) and writing a reply
 * of R bytes (default 15, the seed's reply) after each, until the client's
 * end of file. Plain read() and write() calls, so that strace shows them
 * as such; SIGPIPE is ignored, so a client gone is an EPIPE.
 *
 * The seed's daemon wrote its replies with no timeout and no check, to a
 * client that never read them (flaw 2): once the kernel's buffer for them
 * is full, that write blocks forever. This server does the same by
 * default. With --dontwait each reply is sent with MSG_DONTWAIT instead,
 * and the first one that would block ends the server (status 3) with a
 * report of how much was queued, measured with SIOCOUTQ/SIOCINQ.
 *
 * Prints "listening on ADDR", then one line per client:
 *   copysrv: client 1: 3 requests, read 69 B in 3 reads; 3 replies,
 *   wrote 45 B in 3 writes
 * Exit status: 0 all clients served, 1 an error, 2 usage, 3 a reply would
 * have blocked (--dontwait). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "copy_tracing.h"
#include "parse_num.h"
#include "report.h"

struct opts {
	const char *addr;
	int tcp, dontwait;
	long count, size, reply;
};

/* What one client cost, in calls and bytes. */
struct tally {
	long requests, reads, bytes_read;
	long replies, writes, bytes_written;
};

static noreturn void usage(void)
{
	die(2, "usage: copysrv ADDR [--tcp] [--count N] [--size S] [--reply R] [--dontwait]");
}

static long number(const char *text, long min, long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, (unsigned long long)min,
			   (unsigned long long)max, &v) < 0)
		usage();
	return (long)v;
}

static void parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.count = 1, .size = 23, .reply = 15};
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		if (strcmp(a, "--tcp") == 0)
			o->tcp = 1;
		else if (strcmp(a, "--dontwait") == 0)
			o->dontwait = 1;
		else if (strcmp(a, "--count") == 0)
			o->count = number(k + 1 < argc ? argv[++k] : NULL, 0, 1000000);
		else if (strcmp(a, "--size") == 0)
			o->size = number(k + 1 < argc ? argv[++k] : NULL, 1, 1L << 26);
		else if (strcmp(a, "--reply") == 0)
			o->reply = number(k + 1 < argc ? argv[++k] : NULL, 1, 1L << 26);
		else if (a[0] == '-' && a[1] == '-')
			usage();
		else if (!o->addr)
			o->addr = a;
		else
			usage();
	}
	if (!o->addr)
		usage();
}

/* Reads one request of len bytes. Returns len, fewer at end of file (0:
 * the client is done), or -1. */
static long read_request(int fd, char *buf, long len, struct tally *t)
{
	long got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, (size_t)(len - got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		t->reads++;
		t->bytes_read += n;
		got += n;
	}
	return got;
}

/* Writes one reply, blocking like the seed's daemon. Returns 0, or -1. */
static int write_reply(int fd, const char *buf, long len, struct tally *t)
{
	long put = 0;
	while (put < len) {
		ssize_t n = write(fd, buf + put, (size_t)(len - put));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		t->writes++;
		t->bytes_written += n;
		put += n;
	}
	return 0;
}

/* --dontwait: one send that may not block. When the kernel has no room
 * for the whole reply, reports what is queued and exits with status 3. */
static void send_or_report(int fd, const char *buf, long len, struct tally *t)
{
	ssize_t n = send(fd, buf, (size_t)len, MSG_DONTWAIT);
	if (n > 0) {
		t->writes++;
		t->bytes_written += n;
	}
	if (n == len)
		return;
	if (n < 0 && errno != EAGAIN)
		die_errno(1, errno, "reply %ld", t->replies + 1);
	int inq = 0, outq = 0, sndbuf = 0;
	socklen_t sl = sizeof(sndbuf);
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
	char queues[160];
	if (ct_queue_sizes(fd, &inq, &outq) == 0)
		snprintf(queues, sizeof(queues), "SIOCOUTQ %d B of SO_SNDBUF %d B, SIOCINQ %d B",
			 outq, sndbuf, inq);
	else
		snprintf(queues, sizeof(queues), "ct_queue_sizes failed: %s (SO_SNDBUF %d B)",
			 strerror(errno), sndbuf);
	printf("copysrv: reply %ld would block (%s): %ld B of replies written and not yet "
	       "read by the client; %s\n", t->replies + 1, n < 0 ? "EAGAIN" : "short send",
	       t->bytes_written, queues);
	exit(3);
}

/* Serves one client until its end of file. Returns 0, or -1. */
static int serve(int fd, const struct opts *o, char *req, const char *rep, struct tally *t)
{
	for (;;) {
		long n = read_request(fd, req, o->size, t);
		if (n <= 0)
			return (int)n;
		t->requests++;
		if (o->dontwait)
			send_or_report(fd, rep, o->reply, t);
		else if (write_reply(fd, rep, o->reply, t) < 0)
			return -1;
		t->replies++;
		if (n < o->size)
			return 0; /* a short last request, then end of file */
	}
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct opts o;
	parse(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	char *req = malloc((size_t)o.size), *rep = malloc((size_t)o.reply);
	if (!req || !rep)
		die_errno(1, ENOMEM, "buffers");
	ct_fill(rep, (size_t)o.reply, CT_REPLY_TEXT);
	char shown[128];
	int lfd = ct_listen(o.addr, o.tcp, shown, sizeof(shown));
	if (lfd < 0)
		die_errno(1, errno, "cannot listen at %s", o.addr);
	printf("copysrv: listening on %s\n", shown);

	int status = 0;
	for (long c = 1; o.count == 0 || c <= o.count; c++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) {
				c--;
				continue;
			}
			die_errno(1, errno, "accept");
		}
		struct tally t = {0};
		if (serve(fd, &o, req, rep, &t) < 0) {
			report_errno(errno, "client %ld", c);
			status = 1;
		}
		printf("copysrv: client %ld: %ld requests, read %ld B in %ld reads; %ld replies, "
		       "wrote %ld B in %ld writes\n", c, t.requests, t.bytes_read, t.reads,
		       t.replies, t.bytes_written, t.writes);
		close(fd);
	}
	close(lfd);
	if (!o.tcp && o.addr[0] != '@')
		unlink(o.addr);
	free(req);
	free(rep);
	return status;
}
