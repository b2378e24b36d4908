/* sockprobe_main.c: the lab 01 program: probes socket() combinations, runs
 * a socketpair exchange, and shows descriptor reuse, one line per result.
 *
 *   sockprobe DOMAIN TYPE PROTOCOL [DOMAIN TYPE PROTOCOL ...]
 *   sockprobe pair stream|dgram|seqpacket [FIRST SECOND]
 *   sockprobe reuse
 *
 * DOMAIN is unix (or local), inet, inet6 or a number; TYPE is stream,
 * dgram, seqpacket, raw or a number; PROTOCOL is 0, tcp, udp, sctp, icmp,
 * icmpv6 or a number. Exit status: 0 when every request ran (a refused
 * combination is a result), 1 when a call failed, 2 on a usage error. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "report.h"
#include "socket_basics.h"

struct name {
	const char *word;  /* as typed on the command line */
	const char *macro; /* as written in C */
	int value;
};

static const struct name domains[] = {
	{"unix", "AF_UNIX", AF_UNIX},     {"local", "AF_UNIX", AF_LOCAL},
	{"inet", "AF_INET", AF_INET},     {"inet6", "AF_INET6", AF_INET6},
	{"packet", "AF_PACKET", AF_PACKET}, {NULL, NULL, 0},
};

static const struct name types[] = {
	{"stream", "SOCK_STREAM", SOCK_STREAM},
	{"dgram", "SOCK_DGRAM", SOCK_DGRAM},
	{"seqpacket", "SOCK_SEQPACKET", SOCK_SEQPACKET},
	{"raw", "SOCK_RAW", SOCK_RAW},
	{NULL, NULL, 0},
};

static const struct name protocols[] = {
	{"tcp", "IPPROTO_TCP", IPPROTO_TCP},
	{"udp", "IPPROTO_UDP", IPPROTO_UDP},
	{"sctp", "IPPROTO_SCTP", IPPROTO_SCTP},
	{"icmp", "IPPROTO_ICMP", IPPROTO_ICMP},
	{"icmpv6", "IPPROTO_ICMPV6", IPPROTO_ICMPV6},
	{NULL, NULL, 0},
};

/* A word from the table, or a decimal number. Returns 0, or -1 when the
 * text is neither. */
static int parse_name(const struct name *table, const char *text, int *value)
{
	for (const struct name *n = table; n->word; n++) {
		if (strcmp(n->word, text) == 0) {
			*value = n->value;
			return 0;
		}
	}
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < -2147483647L || v > 2147483647L)
		return -1;
	*value = (int)v;
	return 0;
}

/* The C name of a value, or "" when the table does not know it. */
static const char *macro_of(const struct name *table, int value)
{
	for (const struct name *n = table; n->word; n++)
		if (n->value == value)
			return n->macro;
	return "";
}

/* Prints "key=value (MACRO)", leaving out the parentheses when the value
 * has no name. */
static void print_field(const char *key, const struct name *table, int value)
{
	const char *macro = macro_of(table, value);
	printf(" %s=%d", key, value);
	if (*macro)
		printf(" (%s)", macro);
}

/* One probe per DOMAIN TYPE PROTOCOL triple. */
static int run_probes(int argc, char **argv)
{
	if (argc == 0 || argc % 3 != 0)
		die(2, "probes come in threes: DOMAIN TYPE PROTOCOL");
	int status = 0;
	for (int i = 0; i < argc; i += 3) {
		int d, t, p;
		if (parse_name(domains, argv[i], &d) == -1)
			die(2, "unknown domain '%s'", argv[i]);
		if (parse_name(types, argv[i + 1], &t) == -1)
			die(2, "unknown type '%s'", argv[i + 1]);
		if (parse_name(protocols, argv[i + 2], &p) == -1)
			die(2, "unknown protocol '%s'", argv[i + 2]);

		struct socket_probe pr;
		printf("%s %s %s ->", argv[i], argv[i + 1], argv[i + 2]);
		if (probe_socket(d, t, p, &pr) == -1) {
			int err = errno;
			printf(" failed\n");
			report_errno(err, "probe %s %s %s", argv[i],
				     argv[i + 1], argv[i + 2]);
			status = 1;
		} else if (pr.ok) {
			printf(" ok:");
			print_field("domain", domains, pr.domain);
			print_field("type", types, pr.type);
			print_field("protocol", protocols, pr.protocol);
			printf("\n");
		} else {
			printf(" error %s (%s)\n", errno_name(pr.err),
			       strerror(pr.err));
		}
	}
	return status;
}

/* Prints len bytes in double quotes, escaping what is not printable. */
static void print_quoted(const char *bytes, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

/* The socketpair exchange of two pieces written separately. */
static int run_pair(int argc, char **argv)
{
	if (argc != 1 && argc != 3)
		die(2, "usage: pair stream|dgram|seqpacket [FIRST SECOND]");
	int type;
	if (parse_name(types, argv[0], &type) == -1)
		die(2, "unknown type '%s'", argv[0]);
	const char *first = argc == 3 ? argv[1] : "hello";
	const char *second = argc == 3 ? argv[2] : "world";

	char msg[512], reply[512];
	size_t split = strlen(first), len = split + strlen(second);
	if (len == 0 || len > sizeof(msg))
		die(2, "the two pieces must hold 1 to %zu bytes", sizeof(msg));
	memcpy(msg, first, split);
	memcpy(msg + split, second, len - split);

	ssize_t got = pair_exchange(type, msg, len, split, reply, sizeof(reply));
	if (got == -1) {
		report_errno(errno, "pair %s", argv[0]);
		return 1;
	}
	printf("pair %s: wrote ", argv[0]);
	print_quoted(first, split);
	printf(" then ");
	print_quoted(second, len - split);
	printf(" on end 0; one read on end 1 got %zd bytes ", got);
	print_quoted(reply, (size_t)got);
	printf("; they came back on end 0\n");
	return 0;
}

/* Descriptor numbers as the kernel hands them out and takes them back. */
static int run_reuse(void)
{
	int fds[4];
	if (fd_reuse(fds) == -1) {
		report_errno(errno, "reuse");
		return 1;
	}
	printf("reuse: opened %d %d %d; closed %d then %d; next socket got %d"
	       " (%s)\n", fds[0], fds[1], fds[2], fds[0], fds[2], fds[3],
	       fds[3] == fds[0] ? "the lowest free number"
				: "not the lowest free number");
	return 0;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	if (argc < 2)
		die(2, "usage: sockprobe DOMAIN TYPE PROTOCOL ... | "
		       "pair stream|dgram|seqpacket [FIRST SECOND] | reuse");
	int status;
	if (strcmp(argv[1], "pair") == 0)
		status = run_pair(argc - 2, argv + 2);
	else if (strcmp(argv[1], "reuse") == 0 && argc == 2)
		status = run_reuse();
	else
		status = run_probes(argc - 1, argv + 1);
	/* A full disk or a closed pipe on stdout is a failure too. */
	if (fflush(stdout) == EOF)
		die_errno(1, errno, "stdout");
	return status;
}
