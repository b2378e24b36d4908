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

struct app {
	const struct app_opts *o;
	struct backoff backoff;
	struct rng rng;
	int fd;                  /* -1 while disconnected */
	int had_ack;             /* the current connection carried an ACK */
	struct line_reader reader;
	unsigned long produced, sent, acked;
	int64_t next_tick, next_try;  /* mono_ns() deadlines */
};

/* One line of the app's log, when it has one. */
static void __attribute__((format(printf, 2, 3)))
say(const struct app *a, const char *fmt, ...)
{
	if (a->o->log == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(a->o->log, fmt, ap);
	va_end(ap);
	fputc('\n', a->o->log);
}

/* Schedules the next connect attempt after a failure, jittered. */
static long back_off(struct app *a, int64_t now)
{
	long d = backoff_next(&a->backoff, &a->rng);
	a->next_try = now + (int64_t)d * 1000000;
	return d;
}

/* The connection broke (reason err, or 0 for EOF): close it. A connection
 * that worked (it carried an ACK) is tried again at once; one that broke
 * before any ACK counts as one more failed attempt, so that a daemon that
 * accepts and drops us at once is not hammered. */
static void lose(struct app *a, int err)
{
	int64_t now = mono_ns();
	close(a->fd);
	a->fd = -1;
	if (a->had_ack) {
		a->next_try = now;
		say(a, "connection lost after seq %lu acknowledged: %s", a->acked,
		    err ? errno_name(err) : "EOF");
	} else {
		long d = back_off(a, now);
		say(a, "connection lost before any ACK: %s, next attempt in %ld ms",
		    err ? errno_name(err) : "EOF", d);
	}
}

/* Sends messages sent+1 .. produced. */
static void send_pending(struct app *a)
{
	char buf[RC_LINE_MAX + 1];
	while (a->fd >= 0 && a->sent < a->produced) {
		int n = proto_msg(buf, sizeof(buf), a->sent + 1, RC_MESSAGE);
		if (n == -1 || send_line(a->fd, buf, (size_t)n) == -1) {
			lose(a, errno); /* EPIPE: the daemon has gone */
			return;
		}
		a->sent++;
	}
}

/* One connect attempt. Returns 0, or -1 with errno when the error is one
 * that waiting cannot repair. */
static int try_connect(struct app *a)
{
	int64_t now = mono_ns();
	int fd = connect_fresh(a->o->path, a->o->timeout_ms);
	if (fd == -1) {
		int err = errno;
		if (!connect_retryable(err)) {
			errno = err;
			return -1;
		}
		long d = back_off(a, now);
		say(a, "connect: %s, next attempt in %ld ms", errno_name(err), d);
		return 0;
	}
	a->fd = fd;
	a->had_ack = 0;
	line_reader_init(&a->reader, fd);
	/* Everything not acknowledged goes again, oldest first: the daemon
	 * discards what it had already accepted. */
	a->sent = a->acked;
	say(a, "connected to %s, resending %lu", a->o->path,
	    a->produced - a->acked);
	char buf[RC_LINE_MAX + 1];
	int n = proto_hello(buf, sizeof(buf), a->o->session);
	if (n == -1)
		return -1;
	if (send_line(fd, buf, (size_t)n) == -1)
		lose(a, errno);
	return 0;
}

/* Reads what arrived and takes in every complete ACK. */
static void read_acks(struct app *a)
{
	ssize_t n = line_reader_fill(&a->reader);
	if (n <= 0) {
		lose(a, n == 0 ? 0 : errno); /* EOF, ECONNRESET, ... */
		return;
	}
	char line[RC_LINE_MAX];
	int got;
	while ((got = line_reader_next(&a->reader, line, sizeof(line))) == 1) {
		struct proto_line pl;
		if (proto_parse(line, &pl) == -1 || pl.kind != PROTO_ACK ||
		    pl.seq > a->sent) {
			lose(a, EPROTO); /* not an answer to what we sent */
			return;
		}
		if (!a->had_ack) {
			a->had_ack = 1;
			backoff_reset(&a->backoff);
		}
		if (pl.seq > a->acked) {
			a->acked = pl.seq; /* everything up to seq is recorded */
			say(a, "ack %lu: %s", pl.seq, pl.text);
		}
	}
	if (got == -1)
		lose(a, errno);
}

/* Produces the tick's message, unless the window is full or count are
 * produced already. */
static void tick(struct app *a, int64_t now)
{
	const struct app_opts *o = a->o;
	if (a->produced - a->acked < RC_WINDOW &&
	    (o->count == 0 || a->produced < o->count))
		a->produced++;
	a->next_tick += (int64_t)o->tick_ms * 1000000;
	if (a->next_tick <= now) /* late (a stalled machine): no burst */
		a->next_tick = now + (int64_t)o->tick_ms * 1000000;
}

int app_run(const struct app_opts *o)
{
	char probe[RC_LINE_MAX + 1];
	if (o == NULL || o->path == NULL || o->tick_ms == 0 ||
	    proto_hello(probe, sizeof(probe), o->session) == -1) {
		errno = EINVAL;
		return -1;
	}
	struct app a = {.o = o, .fd = -1};
	if (backoff_init(&a.backoff, o->base_ms, o->cap_ms, o->jitter) == -1)
		return -1;
	rng_seed(&a.rng, o->seed);
	a.next_tick = a.next_try = mono_ns();

	for (;;) {
		if (o->count != 0 && a.acked >= o->count) {
			if (a.fd >= 0)
				close(a.fd);
			return 0;
		}
		int64_t now = mono_ns();
		if (a.fd == -1 && now >= a.next_try && try_connect(&a) == -1)
			return -1;
		if (now >= a.next_tick)
			tick(&a, now);
		send_pending(&a);

		int64_t wake = a.next_tick;
		if (a.fd == -1 && a.next_try < wake)
			wake = a.next_try;
		now = mono_ns();
		int ms = wake > now ? (int)((wake - now + 999999) / 1000000) : 0;
		struct pollfd p = {.fd = a.fd, .events = POLLIN};
		int r = poll(&p, a.fd >= 0 ? 1 : 0, ms);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r > 0)
			read_acks(&a);
	}
}
