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
	d->session[0] = '\0';
	d->last = 0;
}

int dedup_hello(struct dedup *d, const char *session)
{
	if (session == NULL || session[0] == '\0' ||
	    strlen(session) > RC_SESSION_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* The same app coming back keeps its count; a new run of the app
	 * numbers from 1 again and must not be taken for duplicates. */
	if (strcmp(d->session, session) != 0) {
		strcpy(d->session, session);
		d->last = 0;
	}
	return 0;
}

int dedup_accept(struct dedup *d, unsigned long seq)
{
	if (d->session[0] == '\0') {
		errno = EPROTO;
		return -1;
	}
	if (seq == 0) {
		errno = EINVAL;
		return -1;
	}
	if (seq <= d->last)
		return 0;
	d->last = seq;
	return 1;
}
