/* seq_rows.c: the drawn events in time order, one row each.
 *
 * Where a call goes in time needs care, because a call has a start and an
 * end and other processes act in between. A call that waits for another
 * process (read, recv, accept, poll) is placed where it returned, and any
 * other call where it started: so a write always comes before the read
 * that received its bytes, and a connect before the accept it completed.
 * A call that blocked for a while (1 ms or more while another drawn
 * process acted, or 100 ms or more) is split in two rows: "... waits" where it started and
 * its return where it ended, so that the diagram shows what it waited
 * for. Without -ttt timestamps, the trace's own order is used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seq_model.h"

/* A call blocked long enough to be worth two rows: 1 ms while another
 * drawn process acted, or 100 ms in any case (a timeout, a long wait). */
#define SPLIT_MIN_S 0.001
#define SPLIT_ALWAYS_S 0.1

static int waits_for_peer(const char *name)
{
	static const char *const names[] = {
		"read", "readv", "recv", "recvfrom", "recvmsg", "accept", "accept4", "poll",
		"ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", NULL,
	};
	for (const char *const *n = names; *n; n++)
		if (strcmp(name, *n) == 0)
			return 1;
	return 0;
}

static int add_row(struct seq *s, enum row_kind kind, size_t ev, size_t lane, double key,
		   size_t seq)
{
	if (s->nrows == s->caprows) {
		size_t ncap = s->caprows ? s->caprows * 2 : 64;
		struct seq_row *p = realloc(s->rows, ncap * sizeof(*p));
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		s->rows = p;
		s->caprows = ncap;
	}
	s->rows[s->nrows++] = (struct seq_row){
		.kind = kind, .ev = ev, .lane = lane, .key = key, .seq = seq, .count = 1,
		.period = 1,
	};
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct seq_row *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether a row of another lane lies strictly between t0 and t1. The
 * rows are sorted by key. */
static int other_between(const struct seq *s, size_t lane, double t0, double t1)
{
	size_t lo = 0, hi = s->nrows;
	while (lo < hi) { /* first row with key > t0 */
		size_t mid = lo + (hi - lo) / 2;
		if (s->rows[mid].key <= t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < s->nrows && s->rows[k].key < t1; k++)
		if (s->rows[k].lane != lane)
			return 1;
	return 0;
}

static double start_of(const struct seq *s, size_t k)
{
	return s->have_time ? s->t->ev[k].ts : (double)k;
}

static double end_of(const struct seq *s, size_t k)
{
	return s->have_time ? flow_end_time(&s->t->ev[k]) : (double)k;
}

/* Whether row q (another process's) shows the end of a connection whose
 * other socket is in socks[0..n): a read of EOF, a failed data call, or a
 * poll on such a socket. */
static int sees_end(const struct seq *s, const struct seq_row *q, const size_t *socks,
		    size_t n)
{
	const struct flow *f = s->f;
	const struct trace_event *ev = &s->t->ev[q->ev];
	const struct flow_io *io = flow_io_of(f, q->ev);
	for (size_t k = 0; k < n; k++) {
		size_t peer = f->socks[socks[k]].peer;
		if (peer == FLOW_NONE)
			continue;
		if (io && io->sock == peer && io->bytes <= 0)
			return 1;
		char tag[40];
		snprintf(tag, sizeof(tag), "[%lu->", f->socks[peer].inode);
		if (!io && ev->args && f->socks[peer].inode && strstr(ev->name, "poll") &&
		    strstr(ev->args, tag))
			return 1;
	}
	return 0;
}

/* strace prints "+++ killed by SIGKILL +++" (or "exited") only after the
 * kernel has torn the process down, and by then its peers may already
 * have read EOF: the effect would be drawn above its cause. Such an end
 * moves up to just before the first row of another process that saw one
 * of its connections end, and never above its own last call. */
static void pull_ends(struct seq *s)
{
	const struct flow *f = s->f;
	for (size_t r = 0; r < s->nrows; r++) {
		struct seq_row *end = &s->rows[r];
		if (end->kind != ROW_EXIT && end->kind != ROW_KILLED)
			continue;
		int pid = s->t->ev[end->ev].pid;
		size_t socks[32], n = 0;
		for (size_t i = 0; i < f->nio && n < 32; i++) {
			if (f->io[i].pid != pid)
				continue;
			size_t k = 0;
			while (k < n && socks[k] != f->io[i].sock)
				k++;
			if (k == n)
				socks[n++] = f->io[i].sock;
		}
		double floor = -1e300; /* its own last row */
		for (size_t q = r; q-- > 0;)
			if (s->rows[q].lane == end->lane) {
				floor = s->rows[q].key;
				break;
			}
		for (size_t q = 0; q < r; q++) {
			const struct seq_row *other = &s->rows[q];
			if (other->lane == end->lane || other->key <= floor)
				continue;
			if (sees_end(s, other, socks, n)) {
				/* Just before it, after anything else at that time. */
				end->key = other->key;
				end->seq = other->seq > 0 ? other->seq - 1 : 0;
				break;
			}
		}
	}
}

int seq_rows(struct seq *s)
{
	const struct trace *t = s->t;
	for (size_t k = 0; k < t->n && !s->have_time; k++)
		if (t->ev[k].ts > 0)
			s->have_time = 1;
	for (size_t k = 0; k < t->n; k++) {
		size_t lane = s->lane_of_pid_ev[k];
		if (lane == FLOW_NONE || !seq_shown(s, k))
			continue;
		const struct trace_event *ev = &t->ev[k];
		int rc = 0;
		switch (ev->kind) {
		case TRACE_CALL:
			if (!ev->has_ret && strcmp(ev->name, "execve") != 0)
				/* Never returned: the process died inside it. */
				rc = add_row(s, ROW_WAIT, k, lane, start_of(s, k), 2 * k);
			else
				rc = add_row(s, ROW_CALL, k, lane,
					     waits_for_peer(ev->name) ? end_of(s, k) : start_of(s, k),
					     2 * k);
			break;
		case TRACE_SIGNAL:
			rc = add_row(s, ROW_SIGNAL, k, lane, start_of(s, k), 2 * k);
			break;
		case TRACE_EXIT:
			rc = add_row(s, ROW_EXIT, k, lane, start_of(s, k), 2 * k);
			break;
		case TRACE_KILLED:
			rc = add_row(s, ROW_KILLED, k, lane, start_of(s, k), 2 * k);
			break;
		default:
			break;
		}
		if (rc < 0)
			return -1;
	}
	if (s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), by_key);

	/* Split the calls that blocked while others acted. Decided on the
	 * one-row layout, then the new rows are added and sorted in. */
	if (s->have_time && s->nrows > 0) {
		size_t n = s->nrows;
		char *split = calloc(n, 1);
		if (!split) {
			errno = ENOMEM;
			return -1;
		}
		for (size_t r = 0; r < n; r++) {
			const struct seq_row *row = &s->rows[r];
			double t0 = start_of(s, row->ev), t1 = end_of(s, row->ev);
			split[r] = row->kind == ROW_CALL && t1 - t0 >= SPLIT_MIN_S &&
				   (t1 - t0 >= SPLIT_ALWAYS_S ||
				    other_between(s, row->lane, t0, t1));
		}
		for (size_t r = 0; r < n; r++) {
			if (!split[r])
				continue;
			size_t ev = s->rows[r].ev, lane = s->rows[r].lane;
			s->rows[r].kind = ROW_WAIT;
			s->rows[r].key = start_of(s, ev);
			if (add_row(s, ROW_RETURN, ev, lane, end_of(s, ev), 2 * ev + 1) < 0) {
				free(split);
				return -1;
			}
		}
		free(split);
		qsort(s->rows, s->nrows, sizeof(*s->rows), by_key);
	}
	if (s->have_time && s->nrows > 1) {
		pull_ends(s);
		qsort(s->rows, s->nrows, sizeof(*s->rows), by_key);
	}
	s->t0 = s->nrows ? s->rows[0].key : 0;
	return 0;
}
