/* dedup.c: the daemon's memory of the messages it has accepted.
 *
 * After a reconnect the app sends again every message it has no
 * acknowledgement for. Some of those may have reached the daemon already:
 * the connection broke after the daemon accepted a message but before its
 * ACK arrived. Sequence numbers tell them apart: the app numbers its
 * messages 1, 2, 3, ... in order, so "accepted" is simply "seq <= last". */
#include <errno.h>
#include <string.h>

#include "reconnect.h"

void dedup_init(struct dedup *d)
{
	/* TODO(lab05): no session, nothing accepted:
	 *   d->session[0] = '\0'; d->last = 0; */
	(void)d;
}

int dedup_hello(struct dedup *d, const char *session)
{
	/* TODO(lab05): a HELLO.
	 *
	 *   session NULL, "" or longer than RC_SESSION_MAX -> EINVAL
	 *   a different session than d->session: copy it, d->last = 0
	 *       (a new run of the app counts from 1 again);
	 *   the same session: keep d->last (the app reconnected);
	 *   return 0; */
	(void)d;
	(void)session;
	errno = ENOSYS;
	return -1;
}

int dedup_accept(struct dedup *d, unsigned long seq)
{
	/* TODO(lab05): new or duplicate?
	 *
	 *   no session yet (d->session[0] == '\0') -> errno = EPROTO, -1
	 *   seq == 0                                -> errno = EINVAL, -1
	 *   seq <= d->last -> return 0              a duplicate
	 *   d->last = seq; return 1;                new (may jump forward) */
	(void)d;
	(void)seq;
	errno = ENOSYS;
	return -1;
}
