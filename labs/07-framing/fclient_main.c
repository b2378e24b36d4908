/* fclient_main.c: the lab 07 client program.
 *
 *   fclient PATH [--count N] [--size N] [--sndbuf BYTES] [--max N]
 *           [--same] [TEXT...]
 *
 * Connects to PATH and sends each TEXT as one frame (the seed's message
 * when there is none), or, with --size N, a generated payload of N bytes
 * (records "b0000000 b0000009 ...", each naming its own offset, so that a
 * byte out of place shows in a trace); the whole list --count times. It
 * waits for each reply before sending the next frame, and checks it: the
 * payload upper-cased (fserver's answer), or the same payload with --same
 * (an echo server, such as socat with cat). --sndbuf sets SO_SNDBUF on the
 * socket: a small one makes a large frame go out in pieces.
 *
 * stdout: "reply N: L bytes: <the start of the payload>" per reply, then
 * "N replies as expected, SIGUSR1 caught K times".
 *
 * SIGUSR1 is caught and counted, its handler installed WITHOUT SA_RESTART
 * on purpose: a send() or read() it interrupts returns a short count or
 * EINTR, and the client's loops must carry on.
 *
 * Exit status: 0 when every reply came and was as expected; 1 otherwise
 * (a line on stderr says what happened); 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "framing.h"
#include "parse_num.h"
#include "report.h"

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static noreturn void usage(void)
{
	die(2, "usage: fclient PATH [--count N] [--size N] [--sndbuf BYTES] "
	    "[--max N] [--same] [TEXT...]");
}

static unsigned long parse_num(const char *opt, const char *text,
			       unsigned long min, unsigned long max)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, min, max, &v) < 0)
		die(2, "%s wants a number from %lu to %lu, got \"%s\"", opt, min,
		    max, text);
	return (unsigned long)v;
}

/* Fills buf with records "b0000000 ", "b0000009 ", ...: each names the
 * offset it starts at, cut wherever len ends. */
static void fill_pattern(unsigned char *buf, size_t len)
{
	char rec[16];
	for (size_t at = 0; at < len; at += 9) {
		snprintf(rec, sizeof(rec), "b%07zu ", at % 10000000);
		size_t n = len - at < 9 ? len - at : 9;
		memcpy(buf + at, rec, n);
	}
}

/* Prints a reply's start, control bytes as '.'. */
static void show_reply(unsigned long k, const struct frame *r)
{
	char shown[64];
	size_t n = r->len < 48 ? r->len : 48;
	for (size_t i = 0; i < n; i++)
		shown[i] = r->data[i] < 0x20 || r->data[i] == 0x7f ? '.' :
			   (char)r->data[i];
	shown[n] = '\0';
	printf("reply %lu: %lu bytes: %s%s\n", k, (unsigned long)r->len, shown,
	       r->len > n ? "..." : "");
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *path = NULL;
	unsigned long count = 1, size = 0;
	int sndbuf = 0, same = 0;
	uint32_t max = FR_MAX_PAYLOAD;
	const char *texts[64];
	size_t ntexts = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = parse_num("--count", argv[++i], 1, ULONG_MAX);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = parse_num("--size", argv[++i], 0, FR_MAX_PAYLOAD);
		else if (strcmp(argv[i], "--sndbuf") == 0 && i + 1 < argc)
			sndbuf = (int)parse_num("--sndbuf", argv[++i], 1, INT_MAX / 2);
		else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
			max = (uint32_t)parse_num("--max", argv[++i], 1, FR_MAX_PAYLOAD);
		else if (strcmp(argv[i], "--same") == 0)
			same = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (path == NULL)
			path = argv[i];
		else if (ntexts < sizeof(texts) / sizeof(texts[0]))
			texts[ntexts++] = argv[i];
		else
			die(2, "at most %zu texts", sizeof(texts) / sizeof(texts[0]));
	}
	if (path == NULL || (size > 0 && ntexts > 0))
		usage();
	if (ntexts == 0 && size == 0)
		texts[ntexts++] = FR_MESSAGE;
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* No SA_RESTART: see the top of this file. */
	struct sigaction su = {.sa_handler = on_usr1, .sa_flags = 0};
	sigemptyset(&su.sa_mask);
	sigaction(SIGUSR1, &su, NULL);

	unsigned char *gen = NULL;
	if (size > 0) {
		gen = malloc(size);
		if (gen == NULL)
			die_errno(1, errno, "malloc");
		fill_pattern(gen, size);
		ntexts = 1;
	}
	unsigned char *want = malloc(size > 0 ? size : FR_MAX_PAYLOAD);
	if (want == NULL)
		die_errno(1, errno, "malloc");

	int fd = fr_connect(path);
	if (fd == -1)
		die_errno(1, errno, "cannot connect to %s", path);
	if (sndbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) == -1)
		die_errno(1, errno, "setsockopt(SO_SNDBUF, %d)", sndbuf);

	unsigned long k = 0;
	for (unsigned long round = 0; round < count; round++) {
		for (size_t t = 0; t < ntexts; t++) {
			const unsigned char *p = gen ? gen :
				(const unsigned char *)texts[t];
			size_t len = gen ? size : strlen(texts[t]);
			if (len > FR_MAX_PAYLOAD)
				die(1, "text %zu has %zu bytes, more than a frame "
				    "holds (%u)", t + 1, len, FR_MAX_PAYLOAD);
			k++;
			struct frame r;
			if (fr_exchange(fd, p, (uint32_t)len, max, &r) == -1) {
				int err = errno;
				die_errno(1, err, "request %lu (%zu bytes)%s", k, len,
					  err == EPROTO ? ": the server closed the "
					  "connection instead of replying, or "
					  "inside its reply" : err == EMSGSIZE ?
					  ": the reply announced too many bytes" :
					  "");
			}
			show_reply(k, &r);
			memcpy(want, p, len);
			if (!same)
				fr_upper(want, len);
			if (r.len != len)
				die(1, "reply %lu has %lu bytes; expected %zu", k,
				    (unsigned long)r.len, len);
			for (size_t i = 0; i < len; i++)
				if (r.data[i] != want[i])
					die(1, "reply %lu differs from the request "
					    "%s at byte %zu: 0x%02x, expected 0x%02x",
					    k, same ? "echoed" : "upper-cased", i,
					    r.data[i], want[i]);
			frame_free(&r);
		}
	}
	close(fd);
	printf("%lu replies as expected, SIGUSR1 caught %d times\n", k,
	       (int)usr1_count);
	free(gen);
	free(want);
	return 0;
}
