/* daemon.c: the daemon's listening socket, and its service of one client
 * after another.
 *
 * The seed's daemon tore its listening socket down whenever its client
 * left, unlinked the path and slept 3 s before listening again (flaw 6),
 * and it unlinked the path blindly at start, stealing the name of a live
 * daemon (flaw 7). Here the listening socket is made once and accepted on
 * for ever, and only a provably stale file is removed. Each message is
 * recorded before it is acknowledged, so that an acknowledgement is never
 * a promise the daemon could forget by dying. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "reconnect.h"
#include "../report.h" /* errno_name(), common/report.h */

/* Closes fd without letting close() overwrite the errno being reported. */
static void close_keep_errno(int fd)
{
	int saved = errno;
	close(fd);
	errno = saved;
}

/* Called after bind() failed with EADDRINUSE: removes the file at the
 * address if, and only if, it is a socket file nobody listens on. Returns
 * 0 when the name is free to bind again, or -1 with errno (EADDRINUSE when
 * the name belongs to someone). */
static int remove_if_stale(const struct sockaddr_un *addr, socklen_t len)
{
	struct stat st;
	if (lstat(addr->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE; /* somebody's data: never ours to remove */
		return -1;
	}
	/* Non-blocking: a live daemon with a full backlog answers EAGAIN at
	 * once instead of holding us up. */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe == -1)
		return -1;
	int r = connect(probe, (const struct sockaddr *)addr, len);
	int err = r == -1 ? errno : 0;
	close(probe);
	if (r == 0 || err == EAGAIN) {
		errno = EADDRINUSE; /* a live daemon answered */
		return -1;
	}
	if (err == ENOENT)
		return 0;
	if (err != ECONNREFUSED) {
		errno = err;
		return -1;
	}
	if (unlink(addr->sun_path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int daemon_open(const char *path, int backlog)
{
	if (path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	struct sockaddr_un addr;
	size_t n = strlen(path);
	if (n >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, path, n + 1);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) == -1) {
		/* One retry only: a daemon that binds between our unlink and
		 * our bind rightly keeps the name. */
		if (errno != EADDRINUSE || remove_if_stale(&addr, len) == -1 ||
		    bind(fd, (struct sockaddr *)&addr, len) == -1)
			goto fail;
	}
	if (listen(fd, backlog) == -1)
		goto fail;
	return fd;

fail:
	close_keep_errno(fd);
	return -1;
}

/* Sends "ACK <seq> <reply>\n". */
static int send_ack(int fd, unsigned long seq)
{
	char buf[RC_LINE_MAX + 1];
	int n = proto_ack(buf, sizeof(buf), seq, RC_REPLY);
	if (n == -1)
		return -1;
	return send_line(fd, buf, (size_t)n);
}

/* Handles one line from the client. Returns 0, or -1 with errno. */
static int handle_line(int cfd, struct daemon_state *st, const char *line)
{
	struct proto_line pl;
	if (proto_parse(line, &pl) == -1)
		return -1;
	if (pl.kind == PROTO_HELLO) {
		if (dedup_hello(&st->dedup, pl.session) == -1)
			return -1;
		if (st->log)
			fprintf(st->log, "client %lu: session %s, last accepted "
				"seq %lu\n", st->clients, pl.session,
				st->dedup.last);
		return 0;
	}
	if (pl.kind != PROTO_MSG) {
		errno = EPROTO; /* only the daemon sends ACKs */
		return -1;
	}
	int fresh = dedup_accept(&st->dedup, pl.seq);
	if (fresh == -1)
		return -1;
	if (fresh) {
		/* Record first, acknowledge after: if the daemon dies in
		 * between, the app sends the message again and the next
		 * daemon finds it in the journal: a duplicate, not a loss. */
		if (st->journal_fd >= 0 &&
		    journal_append(st->journal_fd, st->dedup.session, pl.seq) == -1)
			return -1;
		if (st->log)
			fprintf(st->log, RC_LOG_ACCEPTED "\n", pl.seq, pl.text);
	} else if (st->log) {
		fprintf(st->log, RC_LOG_DUPLICATE "\n", pl.seq);
	}
	return send_ack(cfd, pl.seq);
}

int daemon_serve(int cfd, struct daemon_state *st)
{
	struct line_reader r;
	char line[RC_LINE_MAX];
	line_reader_init(&r, cfd);
	for (;;) {
		int got = line_reader_next(&r, line, sizeof(line));
		if (got == -1)
			return -1;
		if (got == 1) {
			if (handle_line(cfd, st, line) == -1)
				return -1;
			continue;
		}
		ssize_t n = line_reader_fill(&r);
		if (n == 0)
			return 0;  /* EOF: the client left */
		if (n == -1)
			return -1; /* ECONNRESET, EMSGSIZE, ... */
	}
}

/* Whether err, from daemon_serve(), concerns only the client. */
static int client_error(int err)
{
	return err == ECONNRESET || err == EPIPE || err == EPROTO ||
	       err == EMSGSIZE || err == ETIMEDOUT || err == EAGAIN;
}

/* Whether err, from accept(), leaves the listening socket usable. */
static int accept_transient(int err)
{
	return err == EINTR || err == ECONNABORTED || err == EMFILE ||
	       err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

int daemon_loop(int lfd, struct daemon_state *st, unsigned long max_clients)
{
	while (max_clients == 0 || st->clients < max_clients) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd == -1) {
			if (accept_transient(errno))
				continue;
			return -1;
		}
		st->clients++;
		if (st->log)
			fprintf(st->log, "client %lu connected\n", st->clients);
		int r = daemon_serve(cfd, st);
		int err = errno;
		close(cfd);
		if (st->log)
			fprintf(st->log, "client %lu left: %s\n", st->clients,
				r == 0 ? "EOF" : errno_name(err));
		if (r == -1 && !client_error(err)) {
			errno = err; /* the journal failed: stop acknowledging */
			return -1;
		}
	}
	return 0;
}
