/* client_main.c: a small line client for trying the lab 08 server by hand
 * (given complete; not graded).
 *
 *   client PATH
 *
 * Connects to the server at PATH and prints "connected to PATH", then for
 * each line read on stdin sends it and prints the one reply line it gets
 * back. At the end of stdin it
 * shuts down its sending side, prints whatever else arrives until the
 * server closes, and exits. Start several in separate terminals (or as
 * coprocesses of a script) to see one server serve them all at once.
 *
 * Exit status: 0 when every line got its reply; 1 on failure (one line
 * on stderr); 2 on a bad command line. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "many_clients.h"
#include "full_io.h"
#include "report.h"

/* Connects to path (exact address length). Returns the fd, or -1. */
static int connect_to(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(a.sun_path)) {
		errno = n == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path, path, n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&a,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1)) == -1) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Reads from fd until one whole line is in buf (NUL-terminated, '\n'
 * kept) or EOF. buf may hold the start of the next line afterwards: *len
 * counts every byte held. Returns the line's length with its '\n', 0 at
 * EOF, -1 on error. */
static ssize_t read_line(int fd, char *buf, size_t cap, size_t *len)
{
	for (;;) {
		char *nl = memchr(buf, '\n', *len);
		if (nl)
			return nl - buf + 1;
		if (*len + 1 >= cap) {
			errno = EMSGSIZE;
			return -1;
		}
		ssize_t n = read(fd, buf + *len, cap - 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		*len += (size_t)n;
		buf[*len] = '\0';
	}
}

int main(int argc, char **argv)
{
	report_init(argv[0]);
	if (argc != 2)
		die(2, "usage: client PATH");
	int fd = connect_to(argv[1]);
	if (fd == -1)
		die_errno(1, errno, "cannot connect to %s", argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("connected to %s\n", argv[1]);
	char buf[2 * MC_REPLY_MAX + 2];
	size_t held = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] != '\n') {
			if ((size_t)n + 1 >= cap && !(line = realloc(line, cap = (size_t)n + 2)))
				die(1, "out of memory");
			line[n++] = '\n';
		}
		if (write_full(fd, line, (size_t)n) == -1)
			die_errno(1, errno, "send");
		ssize_t got = read_line(fd, buf, sizeof(buf), &held);
		if (got <= 0)
			die_errno(1, got == 0 ? EPIPE : errno, "no reply from the server");
		fwrite(buf, 1, (size_t)got, stdout);
		held -= (size_t)got;
		memmove(buf, buf + got, held);
	}
	free(line);
	shutdown(fd, SHUT_WR);
	/* Anything else the server sends before it closes. */
	for (;;) {
		ssize_t got = read_line(fd, buf, sizeof(buf), &held);
		if (got <= 0)
			break;
		fwrite(buf, 1, (size_t)got, stdout);
		held -= (size_t)got;
		memmove(buf, buf + got, held);
	}
	close(fd);
	return 0;
}
