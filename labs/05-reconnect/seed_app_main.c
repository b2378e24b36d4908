/* seed_app_main.c: the seed's application, rebuilt WITH its flaws (given).
 *
 *   seed_app PATH [--tick-ms N] [--sleep-ms N]
 *
 * This program is not your work and is not graded: it reproduces what the
 * original client did, so that the guide can show its failures for real
 * (run it under strace next to seed_daemon). Every tick (default 1000 ms)
 * it either reconnects or writes a 1024-byte buffer holding the seed's
 * message padded with zeros. Its flaws, numbered as in the guide:
 *   1  fixed 1024-byte writes whatever the message's length;
 *   2  it never reads the daemon's replies;
 *   3  write() without MSG_NOSIGNAL and SIGPIPE left at its default: the
 *      first write after the daemon's death kills the program;
 *   4  SO_SNDTIMEO set twice, 5 s then 1 s: only the second one counts;
 *   5  before every reconnect it closes, then sleeps --sleep-ms (default
 *      3000 ms, "so the kernel can release resources", which a UNIX socket
 *      does not need), on top of the tick;
 *   8  sizeof(addr) as the address length;
 *   9  strncpy() into sun_path: a long path is cut silently.
 * Do not copy this code into your lab: it is the "before" picture. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "reconnect.h"
#include "../mono_time.h"
#include "parse_num.h"
#include "report.h"

static int parse_ms(const char *opt, const char *text)
{
	unsigned long long v;
	if (parse_unsigned(text, 10, 0, 3600000, &v) < 0)
		die(2, "%s wants milliseconds from 0 to 3600000, got \"%s\"",
		    opt, text);
	return (int)v;
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	const char *path = NULL;
	int tick_ms = 1000, sleep_ms = 3000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tick-ms") == 0 && i + 1 < argc)
			tick_ms = parse_ms(argv[i], argv[i + 1]), i++;
		else if (strcmp(argv[i], "--sleep-ms") == 0 && i + 1 < argc)
			sleep_ms = parse_ms(argv[i], argv[i + 1]), i++;
		else if (argv[i][0] == '-' || path != NULL)
			die(2, "usage: seed_app PATH [--tick-ms N] [--sleep-ms N]");
		else
			path = argv[i];
	}
	if (path == NULL)
		die(2, "usage: seed_app PATH [--tick-ms N] [--sleep-ms N]");
	setvbuf(stdout, NULL, _IOLBF, 0);

	char buf[1024];
	memset(buf, 0, sizeof(buf));
	strcpy(buf, RC_MESSAGE); /* flaw 1: 23 bytes of text, 1001 zeros */

	int fd = -1, must_connect = 1;
	for (;;) {
		if (must_connect) {
			close(fd); /* the first time: close(-1), EBADF ignored */
			mono_sleep_ms(sleep_ms); /* flaw 5 */
			fd = socket(AF_UNIX, SOCK_STREAM, 0);
			struct timeval tv = {5, 0}; /* meant for connect */
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			tv.tv_sec = 1; /* meant for write; flaw 4: replaces 5 s */
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			struct sockaddr_un addr;
			memset(&addr, 0, sizeof(addr));
			addr.sun_family = AF_UNIX;
			/* flaw 9: no terminating zero for a 108-byte path */
			strncpy(addr.sun_path, path, sizeof(addr.sun_path));
			/* flaw 8: sizeof, harmless for a path */
			if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
				printf("connect: %s\n", strerror(errno));
			} else {
				printf("connected\n");
				must_connect = 0;
			}
		} else {
			/* flaw 3: SIGPIPE kills us here if the daemon died */
			if (write(fd, buf, sizeof(buf)) == -1) {
				printf("write: %s\n", strerror(errno));
				must_connect = 1;
			}
		}
		mono_sleep_ms(tick_ms);
	}
}
