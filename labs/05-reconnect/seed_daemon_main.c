/* seed_daemon_main.c: the seed's guardian daemon, rebuilt WITH its flaws
 * (given).
 *
 *   seed_daemon PATH [--tick-ms N] [--sleep-ms N]
 *
 * Not your work and not graded: it reproduces the original server so
 * that the guide can show its failures for real. Every tick (default
 * 1000 ms) it either sets up and waits for its one client, or reads up to
 * 1024 bytes and writes a 1024-byte reply. Its flaws, as in the guide:
 *   1  one read() is taken for one message; replies padded to 1024 bytes;
 *   2  the reply's write() is unchecked and untimed: when the client never
 *      reads, the replies fill the socket's buffers and write() blocks
 *      for ever (and raises SIGPIPE, with its default action, if the
 *      client then closes);
 *   5  it sleeps --sleep-ms (default 3000 ms) before every setup;
 *   6  it destroys its listening socket when its client leaves and builds
 *      a new one, serving one client at a time (listen backlog 1);
 *   7  it unlinks PATH blindly before bind(), stealing a live daemon's
 *      name;
 *   8, 9  sizeof(addr) as the length, strncpy() into sun_path;
 *  10  read() returning 0 (EOF) and -1 (error) are treated alike.
 * Do not copy this code into your lab: it is the "before" picture. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
			die(2, "usage: seed_daemon PATH [--tick-ms N] [--sleep-ms N]");
		else
			path = argv[i];
	}
	if (path == NULL)
		die(2, "usage: seed_daemon PATH [--tick-ms N] [--sleep-ms N]");
	setvbuf(stdout, NULL, _IOLBF, 0);

	char in[1024], out[1024];
	memset(out, 0, sizeof(out));
	strcpy(out, RC_REPLY);

	int lfd = -1, cfd = -1, must_connect = 1;
	unsigned long n_read = 0;
	for (;;) {
		if (must_connect) {
			close(cfd);
			close(lfd); /* flaw 6: the listening socket goes too */
			mono_sleep_ms(sleep_ms); /* flaw 5 */
			lfd = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un addr;
			memset(&addr, 0, sizeof(addr));
			addr.sun_family = AF_UNIX;
			strncpy(addr.sun_path, path, sizeof(addr.sun_path));
			unlink(path); /* flaw 7: whoever owns it */
			if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == -1 ||
			    listen(lfd, 1) == -1) {
				printf("bind/listen: %s\n", strerror(errno));
			} else {
				printf("listening\n");
				cfd = accept(lfd, NULL, NULL);
				if (cfd == -1)
					printf("accept: %s\n", strerror(errno));
				else
					must_connect = 0;
			}
		} else {
			ssize_t n = read(cfd, in, sizeof(in));
			if (n <= 0) { /* flaw 10: EOF and errors alike */
				printf("read: %s\n", n == 0 ? "EOF" : strerror(errno));
				unlink(path);
				must_connect = 1;
			} else {
				/* flaw 1: whatever one read() returned is "a
				 * message"; only its text up to a zero shows. */
				printf("read %zd bytes (#%lu): %.*s\n", n, ++n_read,
				       (int)strnlen(in, (size_t)n), in);
				/* flaw 2: unchecked, and blocks when full */
				(void)!write(cfd, out, sizeof(out));
			}
		}
		mono_sleep_ms(tick_ms);
	}
}
