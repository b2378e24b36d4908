/* 02-bind-listen-accept.c (hidden): lab 02 checks the staff keep out of the
 * students' handout.
 *
 * Linked into lab 02's check binary beside tests/labs/02-bind-listen-accept.c
 * and graded with it (`make grade` passes --hidden tests/hidden); results.json
 * marks these checks "after_published". The suite has its own name,
 * lab02_hidden, so that no check name is shared with the visible suite.
 *
 * They test the server program the way odd real clients use it:
 * - a request that arrives in pieces must be read until EOF (the visible
 *   suite sees a single read() only in the trace), and the cap of 4096
 *   bytes holds at the program's level too;
 * - the server must close every client's connection, also on its error
 *   paths (a client that left before the reply, a request too long): a
 *   descriptor leaked per failed client is invisible to each client, and
 *   only shows when the server's open descriptors are counted in /proc. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/contract/bind_listen_accept.h"

#define PIECES 16
#define PIECE_LEN (BLA_REQUEST_MAX / PIECES)

/* Waits until the server listens at path, or fails saying why. */
static void wait_listening(struct h_proc *p, const char *path)
{
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) == 0)
		return;
	cr_assert_fail("expected %s to listen at %s: %s", p->name, path, why);
}

/* A connected test client whose reads give up after 3 s. */
static int test_client(const char *path)
{
	int fd = h_connect(path);
	cr_assert(fd >= 0, "test client: connect(%s) failed: %s", path,
		  errno_name(errno));
	struct timeval tv = {3, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The server's stderr on one line, for messages (malloc'ed). */
static char *server_story(struct h_proc *sp)
{
	char *err = h_output(sp, 2);
	for (char *c = err; *c; c++)
		if (*c == '\n')
			*c = '|';
	return err;
}

CHECK(lab02_hidden, box_request_in_pieces, 1,
      "the server reads a 4096-byte request sent in pieces to EOF, refuses "
      "4097 bytes, and serves the next client")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);

	/* 1. Exactly BLA_REQUEST_MAX bytes in pieces, with a short wait
	 * between them that also watches for an early answer: a correct
	 * server says nothing before the client's shutdown. */
	static char big[BLA_REQUEST_MAX + 1];
	memset(big, 'p', sizeof(big));
	int fd = test_client(p);
	size_t sent = 0;
	int early = 0;
	for (int k = 0; k < PIECES; k++) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (k > 0 && poll(&pf, 1, 15) > 0) {
			early = 1;
			break;
		}
		if (send(fd, big + sent, PIECE_LEN, MSG_NOSIGNAL) != PIECE_LEN) {
			early = 1;
			break;
		}
		sent += PIECE_LEN;
	}
	char *s_err = server_story(&sp);
	cr_assert(!early, "a client sent its request in pieces of %d bytes; after "
		  "%zu of its %d bytes, before its shutdown, the server already "
		  "replied or closed the connection. server_serve_one must read "
		  "until read() returns 0 (the end of the request), not take what "
		  "one read() returns as the whole request. Server stderr: %.300s",
		  PIECE_LEN, sent, BLA_REQUEST_MAX, s_err);
	free(s_err);
	cr_assert(shutdown(fd, SHUT_WR) == 0, "test client: shutdown: %s",
		  errno_name(errno));
	char *rep = NULL;
	size_t rl = 0;
	int r = read_all(fd, 65536, &rep, &rl);
	int e = errno;
	close(fd);
	s_err = server_story(&sp);
	cr_assert(r == 0 && rl == BLA_REPLY_LEN && memcmp(rep, BLA_REPLY, rl) == 0,
		  "a request of exactly %d bytes (the cap, which fits), sent in "
		  "pieces, got %s%zu bytes back; expected the %zu bytes \""
		  BLA_REPLY "\" then EOF. Server stderr: %.300s", BLA_REQUEST_MAX,
		  r == 0 ? "" : r == -1 && e == EAGAIN ? "no EOF in 3 s, " :
		  "an error, ", rl, BLA_REPLY_LEN, s_err);
	free(rep);
	free(s_err);

	/* 2. One byte more than the cap: no reply, the connection closed. */
	fd = test_client(p);
	cr_assert(send(fd, big, sizeof(big), MSG_NOSIGNAL) == (ssize_t)sizeof(big) &&
		  shutdown(fd, SHUT_WR) == 0, "test client: sending %zu bytes: %s",
		  sizeof(big), errno_name(errno));
	rep = NULL;
	r = read_all(fd, 65536, &rep, &rl);
	e = errno;
	close(fd);
	cr_assert((r == 0 && rl == 0) || (r == -1 && e == ECONNRESET),
		  "a request of %zu bytes (one more than the cap) got %s; expected "
		  "the connection closed without a reply (server_serve_one fails "
		  "with EMSGSIZE)", sizeof(big),
		  r == 0 ? "a reply" : e == EAGAIN ? "no EOF within 3 s" :
		  errno_name(e));
	free(rep);

	/* 3. The server is still there for the lab's own client. */
	struct h_result res;
	const char *cargv[] = {h_bin("client"), p, NULL};
	cr_assert(h_run(cargv, NULL, 0, 3.0, &res) == 0, "could not start %s: %s",
		  cargv[0], strerror(errno));
	int ok = WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0 &&
		 strcmp(res.out, BLA_REPLY "\n") == 0;
	s_err = server_story(&sp);
	char d[96];
	cr_assert(ok, "after the 4096-byte and the 4097-byte requests, the client "
		  "program %s and printed \"%.80s\"; expected exit status 0 and \""
		  BLA_REPLY "\" (the server must keep serving). Server: %s, "
		  "stderr: %.300s", res.what, res.out, h_describe(&sp, d, sizeof(d)),
		  s_err);
	h_result_free(&res);
	free(s_err);

	/* The server's report of the first client: the length that
	 * server_serve_one returned (its line was printed before the third
	 * client was accepted). */
	char *out = h_output(&sp, 1);
	cr_assert(strstr(out, "(4096 bytes)"), "the server's report does not show "
		  "a request of 4096 bytes (server_serve_one returns the request's "
		  "length); its stdout:\n%.600s", out);
	free(out);
}

/* One round of clients that make server_serve_one fail: one leaves at once,
 * one sends its request and leaves before the reply, one sends a request
 * one byte over the cap and waits for the connection to close. */
static void failing_clients(const char *path)
{
	static char big[BLA_REQUEST_MAX + 1];
	memset(big, 'x', sizeof(big));
	close(test_client(path));
	int fd = test_client(path);
	cr_assert(send(fd, BLA_REQUEST, BLA_REQUEST_LEN, MSG_NOSIGNAL) ==
		  (ssize_t)BLA_REQUEST_LEN, "test client: send: %s", errno_name(errno));
	close(fd);
	fd = test_client(path);
	cr_assert(send(fd, big, sizeof(big), MSG_NOSIGNAL) == (ssize_t)sizeof(big) &&
		  shutdown(fd, SHUT_WR) == 0, "test client: sending %zu bytes: %s",
		  sizeof(big), errno_name(errno));
	char *rep = NULL;
	size_t rl = 0;
	int r = read_all(fd, 65536, &rep, &rl);
	int e = errno;
	free(rep);
	close(fd);
	cr_assert(r == 0 || e == ECONNRESET, "a client whose request was too long "
		  "got no EOF within 3 s (%s): the server must close the connection "
		  "of a client it refuses", errno_name(e));
}

CHECK(lab02_hidden, box_no_descriptor_leak, 2,
      "the server closes every client's connection, also when serving it "
      "failed: no descriptor leaks")
{
	const char *p = h_path("s.sock");
	struct h_proc sp;
	const char *argv[] = {h_bin("server"), p, NULL};
	cr_assert(h_start(&sp, argv, NULL) == 0, "could not start %s: %s",
		  argv[0], strerror(errno));
	wait_listening(&sp, p);
	int before = h_count_fds(sp.pid);
	cr_assert(before > 0, "test setup: cannot count the server's descriptors "
		  "in /proc/%d/fd: %s", (int)sp.pid, strerror(errno));

	enum { ROUNDS = 5 };
	for (int k = 0; k < ROUNDS; k++)
		failing_clients(p);

	/* A served client last: the server is serial, so once this client
	 * has its reply and EOF, every client before it was dealt with. */
	struct h_result res;
	const char *cargv[] = {h_bin("client"), p, NULL};
	cr_assert(h_run(cargv, NULL, 0, 3.0, &res) == 0, "could not start %s: %s",
		  cargv[0], strerror(errno));
	int ok = WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0 &&
		 strcmp(res.out, BLA_REPLY "\n") == 0;
	char *s_err = server_story(&sp);
	char d[96];
	cr_assert(ok, "after %d clients that left early or sent too much, the "
		  "client program %s and printed \"%.80s\"; expected exit status 0 "
		  "and \"" BLA_REPLY "\". Server: %s, stderr: %.300s", 3 * ROUNDS,
		  res.what, res.out, h_describe(&sp, d, sizeof(d)), s_err);
	h_result_free(&res);
	free(s_err);

	int after = h_count_fds(sp.pid);
	cr_assert(after == before, "the server had %d descriptors open while "
		  "listening, and %d after serving %d clients that failed (left "
		  "before the reply, or sent more than %d bytes) and one that was "
		  "served: server_serve_one must close the client's connection on "
		  "every path, its error paths included (save errno, close, restore)",
		  before, after, 3 * ROUNDS, BLA_REQUEST_MAX);
}
