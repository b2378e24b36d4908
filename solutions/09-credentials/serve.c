/* serve.c: one client of the server, from its HELLO to its EOF.
 *
 * The client's first line says which uid it has. The server records that
 * claim and decides with SO_PEERCRED's uid all the same: text from the
 * peer is whatever the peer chose to write, while the credentials come
 * from the kernel, which recorded them at connect(). The file handed out
 * is opened afresh for each GET, so that every client starts at offset 0
 * (a passed descriptor shares its offset with every copy of it), and the
 * server closes its copy at once: the client's copy keeps the file open. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "full_io.h"
#include "report.h"

/* Sends a text line whole. */
static int send_text(int fd, const char *text)
{
	return write_full(fd, text, strlen(text)) == -1 ? -1 : 0;
}

/* Answers one GET: the file's descriptor with "FILE\n", or NOFILE. */
static int answer_get(int cfd, const char *file, struct cred_verdict *v)
{
	char line[CRED_LINE_MAX];
	if (file == NULL)
		return send_text(cfd, "NOFILE none\n");
	int ffd = open(file, O_RDONLY | O_CLOEXEC);
	if (ffd == -1) {
		snprintf(line, sizeof(line), "NOFILE %s\n", errno_name(errno));
		return send_text(cfd, line);
	}
	int r = fd_send(cfd, ffd, "FILE\n", 5);
	int saved = errno;
	/* The client holds its own descriptor now (or nothing, on failure):
	 * this one is no longer needed either way. */
	close(ffd);
	errno = saved;
	if (r == 0)
		v->files++;
	return r;
}

int cred_serve(int cfd, const struct cred_policy *p, const char *file,
	       struct cred_verdict *v)
{
	if (p == NULL || v == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(v, 0, sizeof(*v));
	v->claim = -1;

	struct ucred who;
	if (cred_peer(cfd, &who) == -1)
		return -1;
	v->pid = who.pid;
	v->uid = who.uid;
	v->gid = who.gid;

	char line[CRED_LINE_MAX];
	ssize_t n = cred_read_line(cfd, line, sizeof(line));
	if (n == 0)
		errno = ECONNRESET;
	if (n <= 0)
		return -1;
	if (cred_parse_hello(line, &v->claim) == -1)
		return -1;

	/* The decision: the kernel's uid, never the claim. */
	v->allowed = cred_permits(p, who.uid);
	if (!v->allowed) {
		snprintf(line, sizeof(line), "DENIED uid=%u\n", (unsigned)who.uid);
		return send_text(cfd, line) == -1 ? -1 : 0;
	}
	snprintf(line, sizeof(line), "WELCOME uid=%u gid=%u pid=%ld\n",
		 (unsigned)who.uid, (unsigned)who.gid, (long)who.pid);
	if (send_text(cfd, line) == -1)
		return -1;

	for (;;) {
		n = cred_read_line(cfd, line, sizeof(line));
		if (n == 0)
			return 1;
		if (n == -1)
			return -1;
		if (strcmp(line, "GET") != 0) {
			errno = EPROTO;
			return -1;
		}
		if (answer_get(cfd, file, v) == -1)
			return -1;
	}
}
