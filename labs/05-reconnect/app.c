/* app.c: the application, which outlives the daemon it talks to.
 *
 * One loop does everything, so that nothing ever blocks for long: poll()
 * sleeps until the next tick or the next connect attempt, whichever comes
 * first, and wakes early when an ACK arrives. Messages are numbered; the
 * app forgets a message only when the daemon has acknowledged it, and on
 * every new connection it sends again everything not yet acknowledged.
 * Because the messages are numbered 1, 2, 3, ... and acknowledged in
 * order, three counters describe the whole queue:
 *
 *   acked <= sent <= produced,   unacknowledged = acked+1 .. produced
 *
 * (every message here is the seed's text, so a number is enough to
 * rebuild one; an app with varying messages would keep their bytes too). */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "reconnect.h"
#include "../mono_time.h" /* common/mono_time.h */
#include "../report.h"    /* errno_name() */

int app_run(const struct app_opts *o)
{
	/* TODO(lab05): the application's loop. Small static helpers (one
	 * per numbered step) keep it readable; the guide walks through them.
	 *
	 * State: struct backoff b (backoff_init(&b, o->base_ms, o->cap_ms,
	 * o->jitter), -1: return -1); struct rng rng (rng_seed(&rng,
	 * o->seed)); int fd = -1; struct line_reader rd; the counters
	 * produced, sent, acked (all 0); two deadlines in mono_ns() units,
	 * next_tick and next_try (both "now" at start); had_ack (did the
	 * current connection carry an ACK?). Check o first: path, tick_ms
	 * >= 1, proto_hello() accepts o->session; else EINVAL.
	 *
	 * for (;;)
	 *  0. o->count != 0 and acked >= o->count: close(fd), return 0.
	 *  1. fd == -1 and now >= next_try: fd = connect_fresh(o->path,
	 *     o->timeout_ms) -- a NEW socket every attempt.
	 *       failed, !connect_retryable(errno): return -1 (errno kept);
	 *       failed, retryable: next_try = now + backoff_next(&b, &rng) ms;
	 *       connected: line_reader_init(&rd, fd); had_ack = 0;
	 *         sent = acked (everything unacknowledged goes again);
	 *         send "HELLO <session>\n" (proto_hello + send_line).
	 *  2. now >= next_tick: produce one more message (produced++) unless
	 *     produced - acked == RC_WINDOW or produced == o->count (count
	 *     != 0); next_tick += tick (if that is already past, now + tick).
	 *  3. while fd != -1 and sent < produced: send "MSG <sent+1> "
	 *     RC_MESSAGE "\n" (proto_msg + send_line), sent++.
	 *  4. poll() the fd (POLLIN; no fd while disconnected: nfds 0) until
	 *     the next deadline: next_tick, or next_try when disconnected;
	 *     -1 with EINTR: continue; other -1: return -1.
	 *  5. readable: line_reader_fill(&rd); then each complete line must
	 *     be "ACK <seq> ..." with seq <= sent (proto_parse), else EPROTO;
	 *     the first ACK of a connection: had_ack = 1, backoff_reset(&b);
	 *     seq > acked: acked = seq.
	 *
	 * Losing the connection (a send or fill fails, fill returns 0 (EOF),
	 * a bad line): close(fd), fd = -1; if had_ack, next_try = now (try
	 * again at once), else next_try = now + backoff_next() ms (a daemon
	 * that drops us before any ACK is not hammered). Log one line per
	 * event to o->log when it is not NULL, e.g. "connect: ECONNREFUSED,
	 * next attempt in 12 ms" (errno_name() gives the name). */
	(void)o;
	errno = ENOSYS;
	return -1;
}
