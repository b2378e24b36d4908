/* 06-copy-tracing.c: graded checks of lab 06, kernel-mediated copy
 * tracing.
 *
 * unit_  calls the student's trace analysis (ct_decode_call, ct_peer_map,
 *        ct_dir_key, ct_pair_fifo, ct_analyse) on recorded traces in
 *        tests/fixtures/traces/lab06/ (gen_lab06.sh made them), and
 *        compares the result with what common/trace_flow computes on the
 *        same trace: the oracle, whose own unit tests live in
 *        tests/unit/trace_flow_test.c. Inodes and pids differ between
 *        recordings, so the checks find sockets by the trace's shape (the
 *        accept() that returned them, the writes with no peer in their
 *        tag). Also ct_queue_sizes on a socketpair;
 * box_   traces copysrv and copycli in the test, runs copytrace on the two
 *        trace files and reads its per-direction totals, which must equal
 *        the byte counts the workload was asked to move and reports;
 * trace_ traces the workload and asserts on what the kernel saw, through
 *        the student's analysis: every byte written on one side is read
 *        on the other (the two copies); the reply backlog of the seed's
 *        flaw 2, with the test as a client that never reads, measured with
 *        SIOCINQ here and SIOCOUTQ in the server; the same transfer over
 *        TCP loopback, which makes the same calls and moves the same
 *        bytes.
 *
 * The oracle counts a call that never returned as failed; the contract
 * counts it apart (unfinished), so the comparisons add the two. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/check.h"
#include "../../common/trace_flow.h"
#include "../../common/contract/copy_tracing.h"

/* ---- messages ------------------------------------------------------------------- */

/* A growing message buffer for lists in failure messages. */
struct msg {
	char text[6000];
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) add(struct msg *m, const char *fmt, ...)
{
	if (m->len >= sizeof(m->text) - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(m->text + m->len, sizeof(m->text) - m->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len += (size_t)n;
	if (m->len >= sizeof(m->text))
		m->len = sizeof(m->text) - 1;
}

/* The first line of a trace event (a joined split call holds two), cut
 * to fit a message. */
static const char *line_of(const struct trace *t, size_t k)
{
	static char buf[4][220];
	static int next;
	char *b = buf[next++ % 4];
	const char *s = k < t->n && t->ev[k].line ? t->ev[k].line : "(no line)";
	size_t n = strcspn(s, "\n");
	snprintf(b, sizeof(buf[0]), "%.*s%s", (int)(n > 200 ? 200 : n), s, n > 200 ? "..." : "");
	return b;
}

/* 1 when strace printed event k in two halves that the parser joined. */
static int was_split(const struct trace *t, size_t k)
{
	return k < t->n && t->ev[k].line && strchr(t->ev[k].line, '\n') != NULL;
}

/* ---- fixtures --------------------------------------------------------------------- */

/* The path of a recorded trace of this lab: under $LAB_ROOT (the grader
 * runs checks in a temp dir and says where the project is), else the
 * working directory (make run-checks), else found from this binary,
 * build/<variant>/impl/<tree>/<lab>/checks, six levels below the root. */
static const char *fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *root = getenv("LAB_ROOT");
	snprintf(path, sizeof(path), "%s/tests/fixtures/traces/lab06/%s",
		 root && *root ? root : ".", name);
	if (access(path, R_OK) == 0)
		return path;
	char exe[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 6; up++) {
			char *slash = strrchr(exe, '/');
			if (slash)
				*slash = '\0';
		}
		snprintf(path, sizeof(path), "%s/tests/fixtures/traces/lab06/%s", exe, name);
	}
	return path;
}

static void load_fixture(const char *name, struct trace *t, struct flow *f)
{
	const char *p = fixture(name);
	cr_assert(trace_load(p, t) == 0, "test setup: cannot read the fixture %s: %s", p,
		  strerror(errno));
	cr_assert(flow_build(t, f) == 0, "test setup: the oracle failed on %s: %s", p,
		  strerror(errno));
}

/* ---- reading the trace independently of the student -------------------------------- */

/* Decodes the fd tag of argument 0 of event k (0), or -1. */
static int arg0_tag(const struct trace *t, size_t k, struct trace_fd *fd)
{
	char text[512];
	if (t->ev[k].kind != TRACE_CALL || trace_arg(&t->ev[k], 0, text, sizeof(text)) < 0)
		return -1;
	return trace_parse_fd(text, fd);
}

/* One connection as the server's accept() saw it. */
struct conn {
	unsigned long client, server; /* inodes: the connect()ing and accepted ends */
	size_t accept_ev;
};

/* The connections of t, from each accept's returned tag [server->client]. */
static size_t connections(const struct trace *t, struct conn *out, size_t max)
{
	size_t n = 0;
	for (size_t k = 0; k < t->n && n < max; k++) {
		const struct trace_event *ev = &t->ev[k];
		struct trace_fd fd;
		if (ev->kind != TRACE_CALL || strncmp(ev->name, "accept", 6) != 0 ||
		    !ev->has_ret || ev->ret < 0 || !ev->ret_text ||
		    trace_parse_fd(ev->ret_text, &fd) < 0 || fd.peer == 0)
			continue;
		out[n++] = (struct conn){fd.peer, fd.inode, k};
	}
	return n;
}

static unsigned long sock_inode(const struct flow *f, size_t s)
{
	return s == FLOW_NONE ? 0 : f->socks[s].inode;
}

/* ---- comparing with the oracle ---------------------------------------------------- */

static void dir_text(struct msg *m, const struct ct_dir *d)
{
	add(m, "%lu -> %lu: %ld writes %ld B, %ld reads %ld B, %ld EOF, %ld failed, "
	    "%ld unfinished, %ld B paired", d->from, d->to, d->writes, d->bytes_written,
	    d->reads, d->bytes_read, d->eofs, d->failed, d->unfinished, d->bytes_paired);
}

static void oracle_text(struct msg *m, const struct flow *f, const struct flow_dir *d)
{
	add(m, "%lu -> %lu: %ld writes %ld B, %ld reads %ld B, %ld EOF, %ld failed or "
	    "unfinished, %ld B paired", sock_inode(f, d->from), sock_inode(f, d->to), d->writes,
	    d->bytes_written, d->reads, d->bytes_read, d->eofs, d->failed, d->bytes_paired);
}

static const char *student_dirs(const struct ct_report *r)
{
	static struct msg m;
	m.len = 0;
	m.text[0] = '\0';
	if (r->ndirs == 0)
		add(&m, "(none)");
	for (size_t d = 0; d < r->ndirs && d < 8; d++) {
		add(&m, "\n  ");
		dir_text(&m, &r->dirs[d]);
	}
	return m.text;
}

static const struct ct_dir *find_dir(const struct ct_report *r, unsigned long from,
				     unsigned long to)
{
	for (size_t d = 0; d < r->ndirs; d++)
		if (r->dirs[d].from == from && r->dirs[d].to == to)
			return &r->dirs[d];
	return NULL;
}

/* 1 when the report has a call for trace event k. */
static int has_call(const struct ct_report *r, size_t k)
{
	for (size_t i = 0; i < r->ncalls; i++)
		if (r->calls[i].ev == k)
			return 1;
	return 0;
}

/* Lists the oracle's data calls of direction od that the report lacks. */
static size_t missing_calls(const struct trace *t, const struct flow *f, size_t od,
			    const struct ct_report *r, struct msg *m, size_t *split)
{
	size_t n = 0;
	*split = 0;
	for (size_t i = 0; i < f->nio; i++) {
		if (f->io[i].dir != od || has_call(r, f->io[i].ev))
			continue;
		if (was_split(t, f->io[i].ev))
			(*split)++;
		if (n++ < 4)
			add(m, "\n  %s%s", line_of(t, f->io[i].ev),
			    was_split(t, f->io[i].ev) ? "  <- split by strace, joined by the parser"
						      : "");
	}
	return n;
}

/* Explains, in the lesson's terms, why a direction's totals differ.
 * Returns 1 when it found a reason to give. */
static int diagnose(const struct trace *t, const struct flow *f, size_t od,
		     const struct ct_report *r, const struct ct_dir *sd, struct msg *m)
{
	const struct flow_dir *o = &f->dirs[od];
	size_t before = m->len;
	size_t split = 0;
	struct msg miss = {0};
	size_t nmiss = missing_calls(t, f, od, r, &miss, &split);
	if (nmiss > 0) {
		add(m, "\nYour report has no call for %zu of this direction's data calls, e.g.:%s",
		    nmiss, miss.text);
		if (split)
			add(m, "\n%zu of them were split by strace (<unfinished ...> then <... "
			    "resumed>): the parser joined the two halves into one event with the "
			    "return value; it is a data call like any other, do not skip it.", split);
	}
	if (sd->bytes_written < o->bytes_written && sd->writes > o->writes)
		add(m, "\nYou count more writes but fewer bytes: a failed call returns -1, "
		    "which is not a byte count. Count it in failed and add nothing.");
	if (sd->bytes_read < o->bytes_read && sd->reads > o->reads)
		add(m, "\nYou count more reads but fewer bytes: a failed read returns -1, "
		    "which is not a byte count. Count it in failed and add nothing.");
	if (sd->reads > o->reads && sd->eofs < o->eofs)
		add(m, "\nA read that returns 0 is end of file (the peer closed or shut down "
		    "its side): count it in eofs, not in reads.");
	/* This direction's calls that the report put in another direction. */
	size_t astray = 0, unknown = 0;
	struct msg list = {0};
	for (size_t i = 0; i < f->nio; i++) {
		if (f->io[i].dir != od)
			continue;
		for (size_t c = 0; c < r->ncalls; c++) {
			const struct ct_dir *cd = r->calls[c].dir < r->ndirs ?
						  &r->dirs[r->calls[c].dir] : NULL;
			if (r->calls[c].ev != f->io[i].ev || cd == sd)
				continue;
			astray++;
			if (cd && (cd->from == 0 || cd->to == 0))
				unknown++;
			if (astray <= 3)
				add(&list, "\n  %s  <- in your direction %lu -> %lu",
				    line_of(t, f->io[i].ev), cd ? cd->from : 0, cd ? cd->to : 0);
		}
	}
	if (astray)
		add(m, "\n%zu of this direction's calls are in another of your directions, "
		    "e.g.:%s", astray, list.text);
	if (unknown)
		add(m, "\n%zu of them went to a direction with an unknown end (0): when you "
		    "placed them, the peer was not known yet. A client's tags show no peer "
		    "until the server's accept() returns; build the peer map over the whole "
		    "trace (ct_peer_map) before placing any call.", unknown);
	/* Calls of other directions that the report put in this one. */
	size_t foreign = 0;
	struct msg flist = {0};
	for (size_t c = 0; c < r->ncalls; c++) {
		if (r->calls[c].dir >= r->ndirs || &r->dirs[r->calls[c].dir] != sd)
			continue;
		const struct flow_io *io = flow_io_of(f, r->calls[c].ev);
		if (!io || io->dir == od)
			continue;
		if (foreign++ < 3)
			add(&flist, "\n  %s", line_of(t, r->calls[c].ev));
	}
	if (foreign)
		add(m, "\nYour direction %lu -> %lu also holds %zu calls of another "
		    "connection, e.g.:%s\nSockets are known by inode, never by fd number "
		    "(or pid and fd): accept() gives the number closed last to the next "
		    "client.", sd->from, sd->to, foreign, flist.text);
	if (sd->bytes_paired != o->bytes_paired && sd->bytes_written == o->bytes_written &&
	    sd->bytes_read == o->bytes_read)
		add(m, "\nThe totals are right but the pairing is not: walk the writes and the "
		    "reads of the direction in trace order, each chunk taking min(bytes left "
		    "in the write, bytes left in the read).");
	return m->len > before;
}

/* Compares the chunks of oracle direction od with the report's. */
static void expect_chunks(const char *name, const struct trace *t, const struct flow *f,
			  size_t od, const struct ct_report *r, const struct ct_dir *sd)
{
	size_t k = 0;
	for (size_t i = 0; i < f->nchunks; i++) {
		const struct flow_chunk *oc = &f->chunks[i];
		if (f->io[oc->wio].dir != od)
			continue;
		size_t wev = f->io[oc->wio].ev, rev = f->io[oc->rio].ev;
		cr_assert(k < sd->nchunks, "%s, direction %lu -> %lu: your pairing stops after "
			  "%zu chunks; next, %ld B of the write\n  %s\nshould go to the read\n  "
			  "%s\n(FIFO by bytes: the k-th byte written is the k-th byte read)", name,
			  sd->from, sd->to, k, oc->bytes, line_of(t, wev), line_of(t, rev));
		const struct ct_chunk *c = &r->chunks[sd->first_chunk + k];
		cr_assert(sd->first_chunk + k < r->nchunks && c->w < r->ncalls &&
			  c->r < r->ncalls, "%s: chunk %zu of direction %lu -> %lu points "
			  "outside the report (first_chunk %zu, nchunks %zu, calls %zu)", name, k,
			  sd->from, sd->to, sd->first_chunk, r->nchunks, r->ncalls);
		size_t sw = r->calls[c->w].ev, sr = r->calls[c->r].ev;
		cr_assert(sw == wev && sr == rev && c->bytes == oc->bytes && c->offset == oc->offset,
			  "%s, direction %lu -> %lu, chunk %zu: expected %ld B at offset %ld of the "
			  "write\n  %s\ntaken by the read\n  %s\nbut your chunk is %ld B at offset "
			  "%ld of\n  %s\ntaken by\n  %s\n(FIFO by bytes: writes and reads in trace "
			  "order, each chunk min(bytes left in the write, bytes left in the read))",
			  name, sd->from, sd->to, k, oc->bytes, oc->offset, line_of(t, wev),
			  line_of(t, rev), c->bytes, c->offset, line_of(t, sw), line_of(t, sr));
		k++;
	}
	cr_assert(k == sd->nchunks, "%s, direction %lu -> %lu: %zu chunks expected, your "
		  "report has %zu", name, sd->from, sd->to, k, sd->nchunks);
}

/* The report r of fixture name must agree with the oracle f on every
 * direction: sockets, totals and chunks. hint is the lesson's sentence for
 * a direction that is missing altogether. */
static void expect_like_oracle(const char *name, const struct trace *t, const struct flow *f,
			       const struct ct_report *r, const char *hint)
{
	size_t want = 0;
	for (size_t od = 0; od < f->ndirs; od++) {
		const struct flow_dir *o = &f->dirs[od];
		unsigned long from = sock_inode(f, o->from), to = sock_inode(f, o->to);
		want++;
		const struct ct_dir *sd = find_dir(r, from, to);
		if (!sd) {
			struct msg m = {0};
			oracle_text(&m, f, o);
			cr_assert_fail("%s: expected a direction %s.\nYour report has no direction "
				       "%lu -> %lu; your directions:%s\n%s", name, m.text, from, to,
				       student_dirs(r), hint);
		}
		long o_fail = o->failed, s_fail = sd->failed + sd->unfinished;
		if (sd->writes != o->writes || sd->bytes_written != o->bytes_written ||
		    sd->reads != o->reads || sd->bytes_read != o->bytes_read ||
		    sd->eofs != o->eofs || s_fail != o_fail || sd->bytes_paired != o->bytes_paired) {
			struct msg m = {0};
			add(&m, "%s, direction %lu -> %lu:\n  expected ", name, from, to);
			oracle_text(&m, f, o);
			add(&m, "\n  yours    ");
			dir_text(&m, sd);
			if (!diagnose(t, f, od, r, sd, &m))
				add(&m, "\n%s", hint);
			cr_assert_fail("%s", m.text);
		}
		expect_chunks(name, t, f, od, r, sd);
	}
	cr_assert(r->ndirs == want, "%s: the trace has %zu directions, your report %zu:%s\n%s",
		  name, want, r->ndirs, student_dirs(r), hint);
}

/* Runs the student's analysis on t, failing the check when it fails. */
static void analyse(const char *name, const struct trace *t, struct ct_report *r)
{
	memset(r, 0xA5, sizeof(*r));
	int rc = ct_analyse(t, r);
	int e = errno;
	char what[160];
	snprintf(what, sizeof(what), "ct_analyse(%s, %zu events)", name, t->n);
	if (rc != 0)
		memset(r, 0, sizeof(*r));
	check_ok(rc, e, what);
	cr_assert(rc == 0, "%s returned %d; expected 0", what, rc);
}

/* ---- unit checks: ct_decode_call ---------------------------------------------------- */

/* Every event of fixture name, decoded by the student and by the oracle. */
static void expect_decoded(const char *name)
{
	struct trace t;
	struct flow f;
	load_fixture(name, &t, &f);
	size_t data = 0;
	for (size_t k = 0; k < t.n; k++) {
		const struct trace_event *ev = &t.ev[k];
		struct ct_call c;
		memset(&c, 0x5A, sizeof(c));
		int rc = ct_decode_call(ev, k, &c);
		int e = errno;
		check_ok(rc, e, "ct_decode_call on an event of a recorded trace");
		const struct flow_io *io = flow_io_of(&f, k);
		if (!io) {
			cr_assert(rc == 0, "%s, event %zu:\n  %s\nis not a data call on a UNIX "
				  "stream socket; ct_decode_call should return 0, got %d%s%s", name,
				  k, line_of(&t, k), rc, rc == -1 ? " with errno " : "",
				  rc == -1 ? errno_name(e) : "");
			continue;
		}
		data++;
		struct trace_fd fd;
		cr_assert(arg0_tag(&t, k, &fd) == 0, "test setup: no fd tag in %s",
			  line_of(&t, k));
		const char *kind = io->op == FLOW_WRITE ? "write" : "read";
		cr_assert(rc == 1, "%s, event %zu:\n  %s\nis a %s on a UNIX stream socket; "
			  "ct_decode_call returned %d, expected 1.%s", name, k, line_of(&t, k),
			  kind, rc, was_split(&t, k) ? " strace printed this call in two halves "
			  "(<unfinished ...> then <... resumed>); the parser joined them into one "
			  "event with its return value: it is a data call like any other." : "");
		unsigned long inode = f.socks[io->sock].inode;
		cr_assert(c.inode == inode, "%s, event %zu:\n  %s\nct_decode_call gave inode "
			  "%lu; expected %lu, the number in the tag's brackets.%s", name, k,
			  line_of(&t, k), c.inode, inode, c.inode == (unsigned long)fd.fd ?
			  " You gave the fd number: fd numbers are reused as soon as they are "
			  "closed, the inode names the socket." : "");
		cr_assert(c.peer == fd.peer, "%s, event %zu:\n  %s\nct_decode_call gave peer "
			  "%lu; this tag shows %lu (0 when it shows none)", name, k,
			  line_of(&t, k), c.peer, fd.peer);
		enum ct_op op = io->op == FLOW_WRITE ? CT_WRITE : CT_READ;
		cr_assert(c.op == op && c.ev == k && c.pid == ev->pid && c.fd == fd.fd,
			  "%s, event %zu:\n  %s\nexpected op %s, ev %zu, pid %d, fd %d; got op %d, "
			  "ev %zu, pid %d, fd %d", name, k, line_of(&t, k),
			  op == CT_WRITE ? "CT_WRITE" : "CT_READ", k, ev->pid, fd.fd, (int)c.op,
			  c.ev, c.pid, c.fd);
		cr_assert(c.bytes == io->bytes, "%s, event %zu:\n  %s\nct_decode_call gave "
			  "bytes %ld; expected %ld%s", name, k, line_of(&t, k), c.bytes, io->bytes,
			  io->bytes < 0 ? " (-1: a call that failed or never returned moved no "
			  "bytes the trace can count)" : "");
		int unfinished = !ev->has_ret;
		int err = ev->has_ret && ev->ret < 0 ? ev->err : 0;
		cr_assert(c.unfinished == unfinished && c.err == err, "%s, event %zu:\n  %s\n"
			  "ct_decode_call gave unfinished %d, err %s; expected unfinished %d (%s), "
			  "err %s", name, k, line_of(&t, k), c.unfinished, errno_name(c.err),
			  unfinished, unfinished ? "strace never saw it return: has_ret is 0" :
			  "it returned", errno_name(err));
		cr_assert(c.dir == 0, "%s, event %zu: ct_decode_call should set dir to 0 (only "
			  "ct_analyse places calls in directions); got %zu", name, k, c.dir);
	}
	cr_assert(data > 0, "test setup: no data call in %s", name);
	flow_free(&f);
	trace_free(&t);
}

CHECK(lab06, unit_decode_call, 1,
      "ct_decode_call: data calls on UNIX stream sockets, split calls included")
{
	struct ct_call c;
	int rc = ct_decode_call(NULL, 0, &c);
	int e = errno;
	check_errno(rc, e, EINVAL, "ct_decode_call(NULL, 0, &call)");
	/* Both processes in one trace: blocked calls are split in two. */
	expect_decoded("exchange.trace");
	expect_decoded("shapes.trace");
}

CHECK(lab06, unit_decode_failed, 1,
      "ct_decode_call: a failed call moved -1 bytes (EPIPE, EAGAIN, never returned)")
{
	expect_decoded("failures.trace");
	expect_decoded("hang.trace");
}

/* ---- unit checks: ct_peer_map ------------------------------------------------------- */

CHECK(lab06, unit_peer_map, 2,
      "ct_peer_map: peers from the WHOLE trace, both ways, even before accept")
{
	struct trace t;
	struct flow f;
	load_fixture("preaccept.trace", &t, &f);
	struct conn cs[4];
	size_t nc = connections(&t, cs, 4);
	cr_assert(nc == 2, "test setup: expected 2 accept() calls in preaccept.trace, found %zu",
		  nc);
	struct ct_peers m = {0};
	int rc = ct_peer_map(&t, &m);
	int e = errno;
	check_ok(rc, e, "ct_peer_map(preaccept.trace)");

	/* Client 1 wrote twice before the server accepted: its tags said
	 * [A] then; only later tags show [A->B]. */
	size_t early = 0;
	for (size_t k = 0; k < cs[0].accept_ev; k++) {
		struct trace_fd fd;
		if (arg0_tag(&t, k, &fd) == 0 && fd.inode == cs[0].client &&
		    strcmp(t.ev[k].name, "write") == 0 && fd.peer == 0)
			early++;
	}
	cr_assert(early == 2, "test setup: expected 2 writes with no peer in their tag before "
		  "the first accept(), found %zu", early);
	unsigned long got = ct_peer_of(&m, cs[0].client);
	cr_assert(got == cs[0].server, "ct_peer_of(map, %lu) = %lu; expected %lu. The client "
		  "socket %lu wrote twice before the server's accept() returned, and those tags "
		  "show no peer ([%lu]); later tags ([%lu->%lu], and the server's [%lu->%lu]) "
		  "do. Read every tag of the whole trace before using the map.", cs[0].client,
		  got, cs[0].server, cs[0].client, cs[0].client, cs[0].client, cs[0].server,
		  cs[0].server, cs[0].client);
	got = ct_peer_of(&m, cs[0].server);
	cr_assert(got == cs[0].client, "ct_peer_of(map, %lu) = %lu; expected %lu (the socket "
		  "accept() returned, tagged [%lu->%lu])", cs[0].server, got, cs[0].client,
		  cs[0].server, cs[0].client);
	/* Client 2 exited without another traced call after the accept:
	 * only the server's tags ever show this connection. */
	got = ct_peer_of(&m, cs[1].client);
	cr_assert(got == cs[1].server, "ct_peer_of(map, %lu) = %lu; expected %lu. Socket %lu's "
		  "own tags never show its peer (it wrote before accept() and its process then "
		  "exited); only the server's tags [%lu->%lu] do. A tag [A->B] says both "
		  "A -> B and B -> A: record both.", cs[1].client, got, cs[1].server,
		  cs[1].client, cs[1].server, cs[1].client);
	got = ct_peer_of(&m, cs[1].server);
	cr_assert(got == cs[1].client, "ct_peer_of(map, %lu) = %lu; expected %lu (accept() "
		  "returned [%lu->%lu])", cs[1].server, got, cs[1].client, cs[1].server,
		  cs[1].client);
	cr_assert(m.n == 4, "the map holds %zu entries; expected 4: the two ends of each of "
		  "the 2 connections (a listening socket, tagged with no peer, has none)", m.n);
	ct_peers_free(&m);
	flow_free(&f);
	trace_free(&t);

	/* Data is data: a tag inside a written string is not a tag. */
	static const char text[] =
		"100 1795600000.000001 write(5<UNIX-STREAM:[4001->4002]>, "
		"\"7<UNIX-STREAM:[5001->5002]>\", 28) = 28 <0.000010>\n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	cr_assert(in && trace_read(in, &t) == 0, "test setup: fmemopen/trace_read failed");
	fclose(in);
	struct ct_peers m2 = {0};
	rc = ct_peer_map(&t, &m2);
	e = errno;
	check_ok(rc, e, "ct_peer_map on one write");
	cr_assert(ct_peer_of(&m2, 4001) == 4002 && ct_peer_of(&m2, 4002) == 4001,
		  "ct_peer_map on\n  %s\nshould record 4001 -> 4002 and 4002 -> 4001", text);
	cr_assert(ct_peer_of(&m2, 5001) == 0, "ct_peer_map on\n  %s\nrecorded a peer for "
		  "5001, which only appears inside the written data: read the tags of the "
		  "first argument and of the return value, not the whole line", text);
	ct_peers_free(&m2);
	trace_free(&t);
	rc = ct_peer_map(NULL, &m2);
	e = errno;
	check_errno(rc, e, EINVAL, "ct_peer_map(NULL, &map)");
}

/* ---- unit checks: ct_dir_key -------------------------------------------------------- */

CHECK(lab06, unit_dir_key, 1,
      "ct_dir_key: a write on A and a read on A's peer are one direction")
{
	struct ct_peers m = {0};
	cr_assert(ct_peers_set(&m, 100, 200) == 0 && ct_peers_set(&m, 200, 100) == 0,
		  "test setup: ct_peers_set failed");
	struct {
		enum ct_op op;
		int fd;
		unsigned long inode, peer, from, to;
		const char *what;
	} cases[] = {
		{CT_WRITE, 3, 100, 200, 100, 200, "a write on 100 (tag [100->200])"},
		{CT_READ, 4, 200, 100, 100, 200, "a read on 200 (tag [200->100])"},
		{CT_WRITE, 4, 200, 100, 200, 100, "a write on 200"},
		{CT_READ, 3, 100, 200, 200, 100, "a read on 100"},
		{CT_WRITE, 3, 100, 0, 100, 200, "a write on 100 whose tag shows no peer yet "
		 "(before accept): the map knows it"},
		{CT_READ, 4, 300, 400, 400, 300, "a read on 300, unknown to the map, tag "
		 "[300->400]: the tag says it"},
		{CT_WRITE, 3, 500, 0, 500, 0, "a write on 500, whose peer nothing shows"},
		{CT_READ, 3, 600, 0, 0, 600, "a read on 600, whose peer nothing shows"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct ct_call c = {.ev = k, .pid = 7, .op = cases[k].op, .fd = cases[k].fd,
				    .inode = cases[k].inode, .peer = cases[k].peer, .bytes = 10};
		unsigned long from = 12345, to = 12345;
		int rc = ct_dir_key(&c, &m, &from, &to);
		int e = errno;
		check_ok(rc, e, cases[k].what);
		cr_assert(from == cases[k].from && to == cases[k].to, "ct_dir_key for %s gave "
			  "%lu -> %lu; expected %lu -> %lu (bytes written on a socket arrive on "
			  "its peer: a write on A is A -> peer(A), a read on B is peer(B) -> B)%s",
			  cases[k].what, from, to, cases[k].from, cases[k].to,
			  from == (unsigned long)c.fd || to == (unsigned long)c.fd ?
			  ". You used the fd number: sockets are known by inode" : "");
	}
	struct ct_call c = {.op = CT_OTHER, .inode = 100};
	unsigned long from, to;
	int rc = ct_dir_key(&c, &m, &from, &to);
	int e = errno;
	check_errno(rc, e, EINVAL, "ct_dir_key on a call with op CT_OTHER");
	ct_peers_free(&m);
}

/* ---- unit checks: ct_pair_fifo ------------------------------------------------------- */

static const char *chunks_text(const struct ct_chunk *c, ssize_t n)
{
	static struct msg m;
	m.len = 0;
	m.text[0] = '\0';
	if (n <= 0)
		add(&m, "(none)");
	for (ssize_t k = 0; k < n && k < 12; k++)
		add(&m, "%s{w%zu r%zu %ld B @%ld}", k ? " " : "", c[k].w, c[k].r, c[k].bytes,
		    c[k].offset);
	return m.text;
}

static void expect_pairs(const char *what, const long *w, size_t nw, const long *r,
			 size_t nr, const struct ct_chunk *want, size_t nwant)
{
	struct ct_chunk got[32];
	memset(got, 0x7F, sizeof(got));
	ssize_t n = ct_pair_fifo(w, nw, r, nr, got);
	int e = errno;
	check_ok(n, e, what);
	char exp[1024];
	snprintf(exp, sizeof(exp), "%s", chunks_text(want, (ssize_t)nwant));
	int same = n == (ssize_t)nwant;
	for (size_t k = 0; same && k < nwant; k++)
		same = got[k].w == want[k].w && got[k].r == want[k].r &&
		       got[k].bytes == want[k].bytes && got[k].offset == want[k].offset;
	cr_assert(same, "ct_pair_fifo for %s returned %zd chunks %s; expected %zu chunks %s "
		  "(FIFO by bytes: the k-th byte written is the k-th byte read; {w r B @offset} "
		  "= bytes of write w taken by read r, starting at offset in the write)", what,
		  n, chunks_text(got, n), nwant, exp);
}

CHECK(lab06, unit_pair_fifo, 2,
      "ct_pair_fifo: FIFO by bytes, reads across write boundaries")
{
	const long w1[] = {23, 15, 5}, r1[] = {43};
	const struct ct_chunk p1[] = {{0, 0, 23, 0}, {1, 0, 15, 0}, {2, 0, 5, 0}};
	expect_pairs("writes 23+15+5, one read of 43", w1, 3, r1, 1, p1, 3);
	const long w2[] = {10000}, r2[] = {4096, 4096, 1808};
	const struct ct_chunk p2[] = {{0, 0, 4096, 0}, {0, 1, 4096, 4096}, {0, 2, 1808, 8192}};
	expect_pairs("one write of 10000, reads of 4096+4096+1808", w2, 1, r2, 3, p2, 3);
	const long w3[] = {3000, 3000, 3000}, r3[] = {2000, 2000, 2000, 2000, 1000};
	const struct ct_chunk p3[] = {{0, 0, 2000, 0},    {0, 1, 1000, 2000}, {1, 1, 1000, 0},
				      {1, 2, 2000, 1000}, {2, 3, 2000, 0},    {2, 4, 1000, 2000}};
	expect_pairs("writes 3x3000, reads 4x2000+1000", w3, 3, r3, 5, p3, 6);
	const long w4[] = {100, 50}, r4[] = {30};
	const struct ct_chunk p4[] = {{0, 0, 30, 0}};
	expect_pairs("writes 100+50, one read of 30 (the rest never read: it stays unpaired)",
		     w4, 2, r4, 1, p4, 1);
	const long w5[] = {10}, r5[] = {4, 20};
	const struct ct_chunk p5[] = {{0, 0, 4, 0}, {0, 1, 6, 4}};
	expect_pairs("one write of 10, reads of 4+20 (more read than the trace saw "
		     "written)", w5, 1, r5, 2, p5, 2);
	expect_pairs("no writes, one read of 5", NULL, 0, r5, 1, NULL, 0);

	struct ct_chunk out[8];
	const long bad[] = {5, -1};
	ssize_t n = ct_pair_fifo(bad, 2, r1, 1, out);
	int e = errno;
	check_errno(n, e, EINVAL, "ct_pair_fifo with a write count of -1 (only calls that "
		    "moved bytes take part)");
	const long zero[] = {0};
	n = ct_pair_fifo(w1, 3, zero, 1, out);
	e = errno;
	check_errno(n, e, EINVAL, "ct_pair_fifo with a read count of 0");
	n = ct_pair_fifo(w1, 3, r1, 1, NULL);
	e = errno;
	check_errno(n, e, EINVAL, "ct_pair_fifo with out NULL");
}

/* ---- unit checks: ct_analyse on recorded traces -------------------------------------- */

/* Loads fixture name, analyses it and compares with the oracle. */
static void analyse_fixture(const char *name, const char *hint)
{
	struct trace t;
	struct flow f;
	load_fixture(name, &t, &f);
	struct ct_report r;
	analyse(name, &t, &r);
	expect_like_oracle(name, &t, &f, &r, hint);
	for (size_t k = 0; k < r.ncalls; k++)
		cr_assert(r.calls[k].dir < r.ndirs && (k == 0 || r.calls[k].ev > r.calls[k - 1].ev),
			  "%s: calls[%zu] has dir %zu (of %zu) and ev %zu: calls are in trace "
			  "order and each names its direction", name, k, r.calls[k].dir, r.ndirs,
			  r.calls[k].ev);
	cr_assert(r.ncalls == f.nio, "%s: your report has %zu data calls; the trace has %zu",
		  name, r.ncalls, f.nio);
	ct_report_free(&r);
	cr_assert(r.calls == NULL && r.ndirs == 0, "ct_report_free did not reset the report");
	flow_free(&f);
	trace_free(&t);
}

CHECK(lab06, unit_analyse_exchange, 1,
      "ct_analyse: copysrv/copycli, both directions, split calls counted")
{
	struct ct_report r;
	int rc = ct_analyse(NULL, &r);
	int e = errno;
	check_errno(rc, e, EINVAL, "ct_analyse(NULL, &report)");
	analyse_fixture("exchange.trace", "copycli sent 3 requests of 23 B and read 3 replies "
			"of 15 B: two directions, each 3 writes and 3 reads plus one EOF.");
}

CHECK(lab06, unit_analyse_preaccept, 2,
      "ct_analyse: writes made before accept() are paired (map built first)")
{
	analyse_fixture("preaccept.trace", "Writes made before the server's accept() "
			"returned carry a tag with no peer ([A]); the peer is known only from "
			"tags printed later. Build the peer map over the whole trace before "
			"placing any call, not line by line.");
}

CHECK(lab06, unit_analyse_short_reads, 1,
      "ct_analyse: reads across write boundaries, big writes read in pieces")
{
	analyse_fixture("shapes.trace", "A stream keeps no message boundaries: one read can "
			"take several writes' bytes, one write can be read in pieces.");
}

CHECK(lab06, unit_analyse_failures, 2,
      "ct_analyse: EOF, EPIPE, EAGAIN and blocked calls counted apart, not as bytes")
{
	const char *hint = "A read of 0 is end of file; a call that returned -1 failed "
			   "(EPIPE, EAGAIN) and moved nothing; a call that never returned is "
			   "unfinished.";
	analyse_fixture("failures.trace", hint);
	analyse_fixture("backlog.trace", hint);
	analyse_fixture("hang.trace", hint);
}

CHECK(lab06, unit_analyse_fd_reuse, 1,
      "ct_analyse: two clients on the same fd numbers stay two connections")
{
	struct trace t;
	struct flow f;
	load_fixture("two_clients.trace", &t, &f);
	struct conn cs[4];
	cr_assert(connections(&t, cs, 4) == 2, "test setup: expected 2 accepts");
	struct ct_report r;
	analyse("two_clients.trace", &t, &r);
	cr_assert(r.ndirs == 4, "two_clients.trace: copysrv served two clients one after the "
		  "other, so there are 2 connections and 4 directions; your report has %zu:%s\n"
		  "Both accepted sockets were fd 4 in the server (accept() reuses the number "
		  "closed last) and each client used fd 3: sockets are known by inode ([%lu], "
		  "[%lu]), not by fd number.", r.ndirs, student_dirs(&r), cs[0].server,
		  cs[1].server);
	expect_like_oracle("two_clients.trace", &t, &f, &r, "Sockets are known by inode, not "
			   "by fd number.");
	ct_report_free(&r);
	flow_free(&f);
	trace_free(&t);
}

/* ---- unit checks: ct_queue_sizes ----------------------------------------------------- */

static void expect_queues(int fd, int inq, int outq_min, int outq_max, const char *what)
{
	int in = -7, out = -7;
	int rc = ct_queue_sizes(fd, &in, &out);
	int e = errno;
	check_ok(rc, e, what);
	cr_assert(in == inq && out >= outq_min && out <= outq_max, "%s gave inq %d, outq %d; "
		  "expected inq %d (SIOCINQ: bytes waiting to be read here) and outq in "
		  "[%d, %d] (SIOCOUTQ: on a UNIX socket, the send-buffer memory that data "
		  "written here and not yet read by the peer holds, overhead included)", what,
		  in, out, inq, outq_min, outq_max);
}

CHECK(lab06, unit_queue_sizes, 1,
      "ct_queue_sizes: SIOCINQ and SIOCOUTQ on both ends of a socketpair")
{
	int sv[2];
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "test setup: socketpair: %s",
		  strerror(errno));
	expect_queues(sv[0], 0, 0, 0, "ct_queue_sizes on a fresh socket");
	char buf[100];
	memset(buf, 'q', sizeof(buf));
	cr_assert(write(sv[0], buf, 100) == 100, "test setup: write");
	expect_queues(sv[1], 100, 0, 0, "ct_queue_sizes on the reader after 100 B were written "
		      "to it");
	expect_queues(sv[0], 0, 100, 65536, "ct_queue_sizes on the writer of those 100 B");
	cr_assert(read(sv[1], buf, 40) == 40, "test setup: read");
	expect_queues(sv[1], 60, 0, 0, "ct_queue_sizes on the reader after it read 40 of 100 B");
	cr_assert(read(sv[1], buf, 100) == 60, "test setup: read");
	expect_queues(sv[0], 0, 0, 0, "ct_queue_sizes on the writer once all was read");

	int in = 11, out = 22;
	int rc = ct_queue_sizes(sv[0], NULL, &out);
	int e = errno;
	check_errno(rc, e, EINVAL, "ct_queue_sizes(fd, NULL, &outq)");
	close(sv[0]);
	close(sv[1]);
	rc = ct_queue_sizes(sv[0], &in, &out);
	e = errno;
	check_errno(rc, e, EBADF, "ct_queue_sizes on a closed descriptor");
	cr_assert(in == 11 && out == 22, "ct_queue_sizes failed but changed *inq or *outq "
		  "(%d, %d): leave them untouched on failure", in, out);
	int lfd = h_listen(h_path("l.sock"), 1);
	cr_assert(lfd >= 0, "test setup: listen: %s", strerror(errno));
	rc = ct_queue_sizes(lfd, &in, &out);
	e = errno;
	close(lfd);
	check_errno(rc, e, EINVAL, "ct_queue_sizes on a listening socket (it queues "
		    "connections, not bytes)");
}

/* ---- running the workload traced ---------------------------------------------------- */

/* Loads the trace files paths[0..n) into t, merged by time (each file's
 * order kept): the server and the client are traced separately, and
 * socket inodes are the same in both. */
static void load_merged(const char *const *paths, size_t n, struct trace *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t k = 0; k < n; k++) {
		struct trace one;
		cr_assert(trace_load(paths[k], &one) == 0, "could not read the trace %s: %s",
			  paths[k], strerror(errno));
		struct trace_event *ev = realloc(t->ev, (t->n + one.n + 1) * sizeof(*ev));
		cr_assert(ev, "out of memory");
		memcpy(ev + t->n, one.ev, one.n * sizeof(*ev));
		t->ev = ev;
		t->n += one.n;
		t->cap = t->n + 1;
		free(one.ev);
	}
	/* Insertion sort by time, stable: a few hundred events at most. */
	for (size_t i = 1; i < t->n; i++) {
		struct trace_event e = t->ev[i];
		size_t j = i;
		while (j > 0 && t->ev[j - 1].ts > e.ts) {
			t->ev[j] = t->ev[j - 1];
			j--;
		}
		t->ev[j] = e;
	}
}

/* The pid of the first successful execve in t (the traced program), 0. */
static int exec_pid(const struct trace *t, const char *prog)
{
	for (size_t k = 0; k < t->n; k++) {
		const struct trace_event *ev = &t->ev[k];
		if (ev->kind == TRACE_CALL && strcmp(ev->name, "execve") == 0 && ev->has_ret &&
		    ev->ret == 0 && ev->args && strstr(ev->args, prog))
			return ev->pid;
	}
	return 0;
}

static void wait_listening(struct h_proc *p, const char *path)
{
	char why[1024];
	if (h_wait_listening(p, path, 5.0, why, sizeof(why)) == 0)
		return;
	cr_assert_fail("expected %s to listen at %s: %s", p->name, path, why);
}

/* Fails with both programs' stories. */
static void expect_exit0(struct h_proc *p, const char *what)
{
	char d[96];
	if (WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0)
		return;
	char *err = h_output(p, 2), *out = h_output(p, 1);
	cr_assert_fail("%s %s; expected exit status 0. stdout: %.300s; stderr: %.300s", what,
		       h_describe(p, d, sizeof(d)), h_one_line(out), h_one_line(err));
}

/* One traced exchange: copysrv serving the clients described by cli
 * (each an argv tail after the address), every program under strace.
 * Fills paths (server trace first) and the server's proc. */
struct run {
	char server_trace[256];
	char client_trace[4][256];
	size_t nclients;
	struct h_proc server;
	struct h_proc client[4];
};

static void traced_run(struct run *run, const char *addr, int tcp, const char *const *srv_args,
		       const char *const cli_args[][8], size_t nclients)
{
	static int runs;
	int id = ++runs;
	memset(run, 0, sizeof(*run));
	char name[48];
	snprintf(name, sizeof(name), "run%d.server.trace", id);
	snprintf(run->server_trace, sizeof(run->server_trace), "%s", h_path(name));
	const char *argv[16] = {h_bin("copysrv"), addr};
	size_t n = 2;
	if (tcp)
		argv[n++] = "--tcp";
	for (size_t k = 0; srv_args[k] && n < 15; k++)
		argv[n++] = srv_args[k];
	argv[n] = NULL;
	cr_assert(h_start_traced(&run->server, argv, NULL, run->server_trace) == 0,
		  "could not start copysrv under strace: %s", strerror(errno));
	char port[16] = "";
	if (tcp) {
		/* copysrv prints the port it got: wait for that line. */
		int64_t deadline = mono_deadline(5.0);
		for (;;) {
			char *out = h_output(&run->server, 1);
			const char *at = strstr(out, "listening on 127.0.0.1:");
			if (at && strchr(at, '\n'))
				snprintf(port, sizeof(port), "%.*s",
					 (int)strcspn(at + 23, "\n"), at + 23);
			free(out);
			if (port[0] || mono_ms_left(deadline) == 0 ||
			    h_wait_exit(&run->server, 0.005) == 0)
				break;
		}
		char d[96];
		cr_assert(port[0], "copysrv --tcp 0 did not print \"listening on 127.0.0.1:PORT\" "
			  "within 5 s; it %s", h_describe(&run->server, d, sizeof(d)));
	} else {
		wait_listening(&run->server, addr);
	}
	for (size_t c = 0; c < nclients; c++) {
		snprintf(name, sizeof(name), "run%d.client%zu.trace", id, c + 1);
		snprintf(run->client_trace[c], sizeof(run->client_trace[c]), "%s", h_path(name));
		const char *cargv[16] = {h_bin("copycli"), tcp ? port : addr};
		size_t m = 2;
		if (tcp)
			cargv[m++] = "--tcp";
		for (size_t k = 0; cli_args[c][k] && m < 15; k++)
			cargv[m++] = cli_args[c][k];
		cargv[m] = NULL;
		struct h_proc *cp = &run->client[c];
		cr_assert(h_start_traced(cp, cargv, NULL, run->client_trace[c]) == 0,
			  "could not start copycli under strace: %s", strerror(errno));
		cr_assert(h_wait_exit(cp, 8.0) == 0, "copycli did not finish within 8 s");
		expect_exit0(cp, "copycli");
	}
	run->nclients = nclients;
	cr_assert(h_wait_exit(&run->server, 5.0) == 0, "copysrv did not exit within 5 s after "
		  "its last client");
	expect_exit0(&run->server, "copysrv");
}

static void load_run(const struct run *run, struct trace *t)
{
	const char *paths[5] = {run->server_trace};
	for (size_t c = 0; c < run->nclients; c++)
		paths[c + 1] = run->client_trace[c];
	load_merged(paths, run->nclients + 1, t);
}

/* ---- box checks: copytrace ----------------------------------------------------------- */

/* One direction line of copytrace's output. */
struct line {
	char from[64], to[64];
	int from_pid, to_pid;
	long writes, wbytes, reads, rbytes;
};

static size_t parse_copytrace(const char *out, struct line *l, size_t max)
{
	size_t n = 0;
	for (const char *s = out; s && *s && n < max; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		struct line x;
		if (sscanf(s, "%63s %d -> %63s %d: %ld writes %ld B, %ld reads %ld B", x.from,
			   &x.from_pid, x.to, &x.to_pid, &x.writes, &x.wbytes, &x.reads,
			   &x.rbytes) == 8)
			l[n++] = x;
	}
	return n;
}

/* Runs copytrace on the run's traces; its stdout in *out (malloc). */
static void run_copytrace(const struct run *run, char **out)
{
	const char *argv[8] = {h_bin("copytrace"), run->server_trace};
	for (size_t c = 0; c < run->nclients; c++)
		argv[c + 2] = run->client_trace[c];
	struct h_result r;
	cr_assert(h_run(argv, NULL, 0, 10.0, &r) == 0, "could not run copytrace: %s",
		  strerror(errno));
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "copytrace %s %s...: it "
		  "%s; expected exit status 0. stderr: %.400s", run->server_trace,
		  run->client_trace[0], r.what, h_one_line(r.err));
	*out = r.out;
	r.out = NULL;
	h_result_free(&r);
}

/* Finds the line from -> to of copytrace's output and checks its totals. */
static void expect_line(const char *out, const struct line *l, size_t n, const char *from,
			int from_pid, const char *to, int to_pid, long calls, long bytes,
			int exact_reads)
{
	const struct line *x = NULL;
	for (size_t k = 0; k < n; k++)
		if (strcmp(l[k].from, from) == 0 && l[k].from_pid == from_pid &&
		    strcmp(l[k].to, to) == 0 && l[k].to_pid == to_pid)
			x = &l[k];
	cr_assert(x, "copytrace printed no line \"%s %d -> %s %d: ...\"; its output:\n%.1500s",
		  from, from_pid, to, to_pid, out);
	cr_assert(x->wbytes == bytes && x->rbytes == bytes, "copytrace: %s %d -> %s %d: %ld B "
		  "written, %ld B read; the workload moved exactly %ld B that way (every byte "
		  "written once and read once). Its output:\n%.1500s", from, from_pid, to, to_pid,
		  x->wbytes, x->rbytes, bytes, out);
	cr_assert(x->writes == calls && (exact_reads ? x->reads == calls : x->reads >= 1),
		  "copytrace: %s %d -> %s %d: %ld writes and %ld reads; the workload made %ld "
		  "writes%s. Its output:\n%.1500s", from, from_pid, to, to_pid, x->writes,
		  x->reads, calls, exact_reads ? " and as many reads" : "", out);
}

/* The workload's own report must contain want. */
static void expect_reported(struct h_proc *p, const char *want)
{
	char *out = h_output(p, 1);
	cr_assert(strstr(out, want), "%s should have reported \"%s\"; its stdout: %.400s",
		  p->name, want, h_one_line(out));
	free(out);
}

CHECK(lab06, box_copytrace_exchange, 2,
      "copytrace on a live trace: per-direction totals equal the bytes moved")
{
	const char *p = h_path("s.sock");
	const char *srv[] = {"--count", "1", "--size", "3000", "--reply", "100", NULL};
	const char *cli[][8] = {{"-n", "5", "-s", "3000", "-r", "100", NULL}};
	struct run run;
	traced_run(&run, p, 0, srv, cli, 1);
	expect_reported(&run.client[0], "copycli: 5 requests, wrote 15000 B in 5 writes; 5 "
			"replies, read 500 B in 5 reads; EOF");
	expect_reported(&run.server, "copysrv: client 1: 5 requests, read 15000 B in 5 reads; "
			"5 replies, wrote 500 B in 5 writes");
	struct trace t;
	load_run(&run, &t);
	int spid = exec_pid(&t, "copysrv"), cpid = exec_pid(&t, "copycli");
	cr_assert(spid && cpid, "test setup: no execve of copysrv or copycli in the traces");
	char *out;
	run_copytrace(&run, &out);
	struct line l[8];
	size_t n = parse_copytrace(out, l, 8);
	cr_assert(n == 2, "copytrace printed %zu direction lines \"PROG PID -> PROG PID: N "
		  "writes B B, N reads B B\" with a traced program at both ends; expected 2 (one connection, both ways). Its "
		  "output:\n%.1500s", n, out);
	expect_line(out, l, n, "copycli", cpid, "copysrv", spid, 5, 15000, 1);
	expect_line(out, l, n, "copysrv", spid, "copycli", cpid, 5, 500, 1);
	free(out);
	trace_free(&t);
}

CHECK(lab06, box_copytrace_two_clients, 1,
      "copytrace: a server's two clients in a row are four directions")
{
	const char *p = h_path("s.sock");
	const char *srv[] = {"--count", "2", "--size", "40", "--reply", "10", NULL};
	const char *cli[][8] = {{"-n", "3", "-s", "40", "-r", "10", NULL},
				{"-n", "5", "-s", "40", "-r", "10", NULL}};
	struct run run;
	traced_run(&run, p, 0, srv, cli, 2);
	struct trace t1, t2;
	const char *p1[] = {run.client_trace[0]}, *p2[] = {run.client_trace[1]};
	load_merged(p1, 1, &t1);
	load_merged(p2, 1, &t2);
	struct trace ts;
	const char *ps[] = {run.server_trace};
	load_merged(ps, 1, &ts);
	int spid = exec_pid(&ts, "copysrv"), c1 = exec_pid(&t1, "copycli"),
	    c2 = exec_pid(&t2, "copycli");
	char *out;
	run_copytrace(&run, &out);
	struct line l[8];
	size_t n = parse_copytrace(out, l, 8);
	cr_assert(n == 4, "copytrace printed %zu direction lines with a traced program at both "
		  "ends (\"copycli PID -> copysrv PID: ...\"); expected 4: copysrv served two "
		  "clients one after the other, on the same fd number (accept() reuses it), but "
		  "on different sockets (inodes). Its output:\n%.1500s", n, out);
	expect_line(out, l, n, "copycli", c1, "copysrv", spid, 3, 120, 1);
	expect_line(out, l, n, "copysrv", spid, "copycli", c1, 3, 30, 1);
	expect_line(out, l, n, "copycli", c2, "copysrv", spid, 5, 200, 1);
	expect_line(out, l, n, "copysrv", spid, "copycli", c2, 5, 50, 1);
	free(out);
	trace_free(&t1);
	trace_free(&t2);
	trace_free(&ts);
}

CHECK(lab06, box_copytrace_large, 1,
      "copytrace: 300000-byte messages, read in pieces, still add up")
{
	const char *p = h_path("s.sock");
	const char *srv[] = {"--count", "1", "--size", "300000", "--reply", "70000", NULL};
	const char *cli[][8] = {{"-n", "2", "-s", "300000", "-r", "70000", NULL}};
	struct run run;
	traced_run(&run, p, 0, srv, cli, 1);
	struct trace t;
	load_run(&run, &t);
	int spid = exec_pid(&t, "copysrv"), cpid = exec_pid(&t, "copycli");
	char *out;
	run_copytrace(&run, &out);
	struct line l[8];
	size_t n = parse_copytrace(out, l, 8);
	/* A 300000-byte write does not fit the receiver's queue at once: the
	 * reads take it in pieces, so only the write count is exact. */
	expect_line(out, l, n, "copycli", cpid, "copysrv", spid, 2, 600000, 0);
	expect_line(out, l, n, "copysrv", spid, "copycli", cpid, 2, 140000, 0);
	free(out);
	trace_free(&t);
}

/* ---- trace checks ------------------------------------------------------------------- */

/* The direction of r whose writer is pid, or NULL. */
static const struct ct_dir *dir_from_pid(const struct ct_report *r, int pid)
{
	for (size_t d = 0; d < r->ndirs; d++)
		if (r->dirs[d].from_pid == pid)
			return &r->dirs[d];
	return NULL;
}

CHECK(lab06, trace_every_byte_crosses, 2,
      "every byte written by one process is read by the other: two copies")
{
	const char *p = h_path("s.sock");
	const char *srv[] = {"--count", "1", "--size", "1024", "--reply", "64", NULL};
	const char *cli[][8] = {{"-n", "4", "-s", "1024", "-r", "64", NULL}};
	struct run run;
	traced_run(&run, p, 0, srv, cli, 1);
	struct trace t;
	load_run(&run, &t);
	int spid = exec_pid(&t, "copysrv"), cpid = exec_pid(&t, "copycli");
	struct ct_report r;
	analyse("the live trace of copysrv and copycli", &t, &r);
	const char *sum = h_trace_summary(&t, 40);
	struct {
		int writer, reader;
		long bytes;
		const char *what;
	} dirs[] = {{cpid, spid, 4096, "copycli -> copysrv (4 requests of 1024 B)"},
		    {spid, cpid, 256, "copysrv -> copycli (4 replies of 64 B)"}};
	for (size_t k = 0; k < 2; k++) {
		const struct ct_dir *d = dir_from_pid(&r, dirs[k].writer);
		cr_assert(d, "no direction written by pid %d (%s) in your analysis; your "
			  "directions:%s\nCalls seen:\n%s", dirs[k].writer, dirs[k].what,
			  student_dirs(&r), sum);
		cr_assert(d->to_pid == dirs[k].reader, "%s: your direction %lu -> %lu is read "
			  "by pid %d; expected %d", dirs[k].what, d->from, d->to, d->to_pid,
			  dirs[k].reader);
		cr_assert(d->bytes_written == dirs[k].bytes && d->bytes_read == dirs[k].bytes &&
			  d->bytes_paired == dirs[k].bytes, "%s: %ld B written (copy 1, user -> "
			  "kernel), %ld B read (copy 2, kernel -> user), %ld B paired; expected "
			  "%ld B each way: every byte crosses the kernel once in each copy", 
			  dirs[k].what, d->bytes_written, d->bytes_read, d->bytes_paired,
			  dirs[k].bytes);
		/* Causality: no read returns a byte before its write started.
		 * The two programs were traced by two strace processes, and
		 * ts + duration can fall short of the moment strace saw a call
		 * return (strace may be preempted between printing a line's
		 * time and starting its clock for -T). The reader's next
		 * event is a safe bound: strace printed it after the read
		 * had returned. */
		for (size_t c = d->first_chunk; c < d->first_chunk + d->nchunks; c++) {
			const struct ct_chunk *ch = &r.chunks[c];
			size_t wk = r.calls[ch->w].ev, rk = r.calls[ch->r].ev;
			size_t next = rk + 1;
			while (next < t.n && t.ev[next].pid != t.ev[rk].pid)
				next++;
			if (next >= t.n)
				continue;
			cr_assert(t.ev[wk].ts <= t.ev[next].ts, "%s: your pairing gives the read\n"
				  "  %s\nbytes of the write\n  %s\nwhich started after the reader "
				  "had gone on to\n  %s", dirs[k].what, line_of(&t, rk),
				  line_of(&t, wk), line_of(&t, next));
		}
	}
	ct_report_free(&r);
	trace_free(&t);
}

CHECK(lab06, trace_reply_backlog, 3,
      "flaw 2: replies nobody reads pile up until the server's write would block")
{
	const char *p = h_path("s.sock");
	const char *tp = h_path("server.trace");
	struct h_proc sp;
	const char *argv[] = {h_bin("copysrv"), p, "--dontwait", "--size", "1024", "--reply",
			      "1024", NULL};
	cr_assert(h_start_traced(&sp, argv, NULL, tp) == 0, "could not start copysrv: %s",
		  strerror(errno));
	wait_listening(&sp, p);

	/* The test is the seed's client: it sends requests and never reads. */
	int fd = h_connect(p);
	cr_assert(fd >= 0, "test client: connect: %s", strerror(errno));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	char req[1024];
	memset(req, 'r', sizeof(req));
	long sent = 0;
	int exited = 0;
	int64_t deadline = mono_deadline(6.0);
	while (!exited && mono_ms_left(deadline) > 0) {
		ssize_t n = send(fd, req, sizeof(req), MSG_NOSIGNAL);
		if (n > 0) {
			sent += n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			break; /* EPIPE: the server is gone */
		} else {
			struct pollfd pf = {.fd = fd, .events = POLLOUT};
			poll(&pf, 1, 20);
		}
		/* Cheap check every few requests: has the server given up? */
		if (n <= 0 || sent % (16 * 1024) == 0)
			exited = h_wait_exit(&sp, 0) == 0;
	}
	if (!exited)
		exited = h_wait_exit(&sp, 2.0) == 0;
	int inq = -1;
	ioctl(fd, SIOCINQ, &inq);
	char d[96];
	char *out = h_output(&sp, 1), *err = h_output(&sp, 2);
	cr_assert(exited && WIFEXITED(sp.status) && WEXITSTATUS(sp.status) == 3,
		  "copysrv --dontwait, whose client sent %ld B of requests and read no reply, "
		  "should stop with status 3 when a reply would block; it %s. stdout: %.400s; "
		  "stderr: %.300s", sent, h_describe(&sp, d, sizeof(d)), h_one_line(out),
		  h_one_line(err));

	long reported = -1;
	int outq = -1, sndbuf = -1;
	const char *at = strstr(out, "would block");
	if (at) {
		const char *b = strstr(at, "): ");
		if (b)
			reported = strtol(b + 3, NULL, 10);
		const char *q = strstr(at, "SIOCOUTQ ");
		if (q)
			sscanf(q, "SIOCOUTQ %d B of SO_SNDBUF %d B", &outq, &sndbuf);
	}
	cr_assert(outq >= 0 && sndbuf > 0, "copysrv could not measure its send queue when the "
		  "reply would block (ct_queue_sizes must read SIOCINQ and SIOCOUTQ); it "
		  "printed: %.400s", h_one_line(out));
	cr_assert(outq >= sndbuf / 2 && outq <= sndbuf + 65536, "when copysrv's reply would "
		  "block, SIOCOUTQ (from your ct_queue_sizes) said %d B; expected about "
		  "SO_SNDBUF = %d B: the send buffer is full of replies nobody read", outq,
		  sndbuf);
	cr_assert(inq > 0 && inq < outq, "the test client's SIOCINQ says %d B of replies wait "
		  "unread; expected more than 0 and less than the server's SIOCOUTQ %d B (which "
		  "counts each queued buffer's overhead too)", inq, outq);

	struct trace t;
	const char *paths[] = {tp};
	load_merged(paths, 1, &t);
	int spid = exec_pid(&t, "copysrv");
	struct ct_report r;
	analyse("the trace of copysrv --dontwait", &t, &r);
	const struct ct_dir *dir = dir_from_pid(&r, spid);
	cr_assert(dir, "no direction written by copysrv (pid %d) in your analysis; your "
		  "directions:%s", spid, student_dirs(&r));
	cr_assert(dir->bytes_written == inq, "your analysis says copysrv's replies moved %ld B; "
		  "the client's receive queue holds %d B (SIOCINQ): every byte whose write "
		  "returned was copied into the kernel and waits there, since nobody read it%s",
		  dir->bytes_written, inq, dir->bytes_written < inq ? ". The last sendto() "
		  "returned -1 (EAGAIN): it moved nothing, so its -1 is not a byte count" : "");
	cr_assert(reported == inq, "copysrv reported %ld B of replies written; the client's "
		  "SIOCINQ says %d B", reported, inq);
	cr_assert(dir->failed == 1 && dir->unfinished == 0, "the reply that would have "
		  "blocked is one sendto() = -1 EAGAIN in the trace: expected failed 1, "
		  "unfinished 0 in that direction; yours: failed %ld, unfinished %ld",
		  dir->failed, dir->unfinished);
	cr_assert(dir->reads == 0 && dir->bytes_paired == 0 && dir->to != 0, "direction %lu -> "
		  "%lu: the client never read, so no read and no pairing are expected (its end "
		  "is known from the server's tag); yours: %ld reads, %ld B paired, to %lu",
		  dir->from, dir->to, dir->reads, dir->bytes_paired, dir->to);
	cr_assert(dir->writes == reported / 1024, "your analysis counts %ld writes of replies; "
		  "copysrv wrote %ld replies of 1024 B", dir->writes, reported / 1024);
	free(out);
	free(err);
	close(fd);
	ct_report_free(&r);
	trace_free(&t);
}

/* Data-call totals of one direction, however computed. */
struct totals {
	long writes, wbytes, reads, rbytes, eofs;
};

CHECK(lab06, trace_tcp_contrast, 1,
      "TCP loopback: the same calls and bytes as UNIX (both copy twice)")
{
	const char *srv[] = {"--count", "1", "--size", "1024", "--reply", "64", NULL};
	const char *cli[][8] = {{"-n", "4", "-s", "1024", "-r", "64", NULL}};
	struct run unix_run, tcp_run;
	traced_run(&unix_run, h_path("s.sock"), 0, srv, cli, 1);
	struct trace tu;
	load_run(&unix_run, &tu);
	struct ct_report ru;
	analyse("the UNIX trace", &tu, &ru);

	traced_run(&tcp_run, "0", 1, srv, cli, 1);
	struct trace tt;
	load_run(&tcp_run, &tt);
	struct ct_report rt;
	analyse("the TCP trace", &tt, &rt);
	cr_assert(rt.ncalls == 0, "your analysis found %zu data calls on UNIX stream sockets "
		  "in a trace of TCP sockets only, e.g.\n  %s\nct_decode_call returns 0 for a "
		  "tag whose protocol is not UNIX-STREAM (TCP sockets have no peer inode in "
		  "their tags)", rt.ncalls, rt.ncalls ? line_of(&tt, rt.calls[0].ev) : "");
	struct flow f;
	cr_assert(flow_build(&tt, &f) == 0, "test setup: the oracle failed on the TCP trace");
	int cpid = exec_pid(&tt, "copycli"), spid = exec_pid(&tt, "copysrv");
	int ucpid = exec_pid(&tu, "copycli");
	for (int k = 0; k < 2; k++) {
		int writer = k == 0 ? cpid : spid;
		struct totals tcp = {0}, un = {0};
		for (size_t d = 0; d < f.ndirs; d++)
			if (f.dirs[d].from_pid == writer)
				tcp = (struct totals){f.dirs[d].writes, f.dirs[d].bytes_written,
						      f.dirs[d].reads, f.dirs[d].bytes_read,
						      f.dirs[d].eofs};
		const struct ct_dir *ud = NULL;
		for (size_t d = 0; d < ru.ndirs; d++)
			if ((ru.dirs[d].from_pid == ucpid) == (k == 0) && ru.dirs[d].from_pid)
				ud = &ru.dirs[d];
		cr_assert(ud, "no direction %s in your analysis of the UNIX run:%s",
			  k == 0 ? "copycli -> copysrv" : "copysrv -> copycli", student_dirs(&ru));
		un = (struct totals){ud->writes, ud->bytes_written, ud->reads, ud->bytes_read,
				     ud->eofs};
		cr_assert(tcp.wbytes == (k == 0 ? 4096 : 256), "test setup: over TCP the oracle "
			  "counts %ld B %s", tcp.wbytes, k == 0 ? "client -> server" :
			  "server -> client");
		cr_assert(un.writes == tcp.writes && un.wbytes == tcp.wbytes &&
			  un.reads == tcp.reads && un.rbytes == tcp.rbytes && un.eofs == tcp.eofs,
			  "%s: over TCP loopback %ld writes %ld B, %ld reads %ld B, %ld EOF; over "
			  "UNIX your analysis says %ld writes %ld B, %ld reads %ld B, %ld EOF. The "
			  "same workload makes the same calls both ways: each byte is copied in by "
			  "a write and out by a read; only the kernel's path between differs.",
			  k == 0 ? "copycli -> copysrv" : "copysrv -> copycli", tcp.writes,
			  tcp.wbytes, tcp.reads, tcp.rbytes, tcp.eofs, un.writes, un.wbytes,
			  un.reads, un.rbytes, un.eofs);
	}
	flow_free(&f);
	ct_report_free(&ru);
	ct_report_free(&rt);
	trace_free(&tu);
	trace_free(&tt);
}
