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

int cred_serve(int cfd, const struct cred_policy *p, const char *file,
	       struct cred_verdict *v)
{
	/* TODO(lab09): serve one client (see credentials.h).
	 *
	 *   p or v NULL -> EINVAL;  memset(v, 0, ...); v->claim = -1;
	 *   cred_peer(cfd, &who)              v->pid, v->uid, v->gid
	 *   cred_read_line(cfd, line, sizeof line)   0: errno = ECONNRESET
	 *   cred_parse_hello(line, &v->claim)        -1: EPROTO
	 *   v->allowed = cred_permits(p, who.uid);   the KERNEL's uid, never
	 *                                            the claim
	 *   not allowed: write_full "DENIED uid=U\n", return 0
	 *   allowed:     write_full "WELCOME uid=U gid=G pid=P\n"
	 *   then until cred_read_line() gives 0 (EOF: return 1):
	 *     "GET": file NULL -> "NOFILE none\n"
	 *            ffd = open(file, O_RDONLY | O_CLOEXEC)
	 *                  failed -> "NOFILE <errno_name(errno)>\n"
	 *            fd_send(cfd, ffd, "FILE\n", 5); close(ffd) in any case;
	 *            v->files++ when it went
	 *     anything else -> errno = EPROTO, return -1 */
	(void)cfd;
	(void)p;
	(void)file;
	if (v != NULL) {
		memset(v, 0, sizeof(*v));
		v->claim = -1;
	}
	errno = ENOSYS;
	return -1;
}
