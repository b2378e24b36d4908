/* copycli_main.c: the workload's client: sends fixed-size requests and
 * reads the reply to each, so that its trace and the server's show every
 * byte of both directions.
 *
 *   copycli ADDR [--tcp] [-n N] [-s S] [-r R] [--no-read]
 *
 * ADDR is a path or @name (with --tcp, a port on 127.0.0.1). It sends N
 * requests of S bytes (defaults 3 and 23, the seed's message), reading
 * the reply of R bytes (default 15) after each; then it shuts down its
 * sending side and reads until the server's end of file. Plain write() and
 * read() calls; SIGPIPE is ignored, so a server gone is an EPIPE.
 *
 * --no-read is the seed's client (flaw 2): it never reads the replies.
 * After its N requests it keeps the connection open, holding whatever was
 * sent to it, until SIGINT or SIGTERM ends it. If the server's replies
 * fill the kernel's buffer first, its writes block, and so, once the
 * server stops reading, do the client's.
 *
 * Prints one line:
 *   copycli: 3 requests, wrote 69 B in 3 writes; 3 replies, read 45 B in
 *   3 reads; EOF
 * Exit status: 0 done, 1 an error, 2 usage. */
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
	int tcp, no_read;
	long n, size, reply;
};

struct tally {
	long requests, writes, bytes_written;
	long replies, reads, bytes_read, eofs;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static noreturn void usage(void)
{
	die(2, "usage: copycli ADDR [--tcp] [-n N] [-s S] [-r R] [--no-read]");
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
	*o = (struct opts){.n = 3, .size = 23, .reply = 15};
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		const char *next = k + 1 < argc ? argv[k + 1] : NULL;
		if (strcmp(a, "--tcp") == 0) {
			o->tcp = 1;
		} else if (strcmp(a, "--no-read") == 0) {
			o->no_read = 1;
		} else if (strcmp(a, "-n") == 0) {
			o->n = number(next, 0, 100000000);
			k++;
		} else if (strcmp(a, "-s") == 0) {
			o->size = number(next, 1, 1L << 26);
			k++;
		} else if (strcmp(a, "-r") == 0) {
			o->reply = number(next, 1, 1L << 26);
			k++;
		} else if (a[0] == '-' && a[1]) {
			usage();
		} else if (!o->addr) {
			o->addr = a;
		} else {
			usage();
		}
	}
	if (!o->addr)
		usage();
}

static int write_all(int fd, const char *buf, long len, struct tally *t)
{
	long put = 0;
	while (put < len) {
		ssize_t n = write(fd, buf + put, (size_t)(len - put));
		if (n < 0 && errno == EINTR && !stop)
			continue;
		if (n < 0)
			return -1;
		t->writes++;
		t->bytes_written += n;
		put += n;
	}
	return 0;
}

/* Reads exactly len bytes. Returns 0, or -1 (EPROTO at an early EOF). */
static int read_exact(int fd, char *buf, long len, struct tally *t)
{
	long got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, (size_t)(len - got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			t->eofs++;
			errno = EPROTO;
			return -1;
		}
		t->reads++;
		t->bytes_read += n;
		got += n;
	}
	return 0;
}

static void print_tally(const struct tally *t)
{
	printf("copycli: %ld requests, wrote %ld B in %ld writes; %ld replies, read %ld B in "
	       "%ld reads%s\n", t->requests, t->bytes_written, t->writes, t->replies,
	       t->bytes_read, t->reads, t->eofs ? "; EOF" : "");
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct opts o;
	parse(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: a signal must end a blocked write or pause(). */
	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	char *req = malloc((size_t)o.size), *rep = malloc((size_t)o.reply);
	if (!req || !rep)
		die_errno(1, ENOMEM, "buffers");
	ct_fill(req, (size_t)o.size, CT_REQUEST_TEXT);
	int fd = ct_connect(o.addr, o.tcp);
	if (fd < 0)
		die_errno(1, errno, "cannot connect to %s", o.addr);

	struct tally t = {0};
	int status = 0;
	for (long k = 0; k < o.n && !stop; k++) {
		if (write_all(fd, req, o.size, &t) < 0) {
			report_errno(errno, "request %ld", k + 1);
			status = 1;
			break;
		}
		t.requests++;
		if (o.no_read)
			continue;
		if (read_exact(fd, rep, o.reply, &t) < 0) {
			report_errno(errno, "reply %ld", k + 1);
			status = 1;
			break;
		}
		t.replies++;
	}
	if (status == 0 && o.no_read) {
		/* The seed's client: replies are never read; hold them. */
		while (!stop)
			pause();
	} else if (status == 0) {
		char extra;
		ssize_t n;
		if (shutdown(fd, SHUT_WR) < 0) {
			report_errno(errno, "shutdown");
			status = 1;
		}
		while (status == 0 && (n = read(fd, &extra, 1)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			report_errno(n < 0 ? errno : EPROTO, "after the last reply");
			status = 1;
		}
		if (status == 0)
			t.eofs++;
	}
	print_tally(&t);
	close(fd);
	free(req);
	free(rep);
	return status;
}
