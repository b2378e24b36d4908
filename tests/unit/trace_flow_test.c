/* trace_flow_test.c: the pairing layer (common/trace_flow.h) on recorded
 * traces (tests/fixtures/traces/gen_flow.sh made them), on a live trace,
 * and on hostile input. Pids and inodes differ between recordings, so the
 * checks find things by shape (the direction with three writes, ...). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/trace_flow.h"
#include "../harness/check.h"
#include "unit_util.h"

static void load_flow(const char *name, struct trace *t, struct flow *f)
{
	const char *path = fixture_path(name);
	cr_assert_eq(trace_load_any(path, t), 0, "loading %s: %s", path, strerror(errno));
	cr_assert_eq(flow_build(t, f), 0, "flow_build(%s): %s", name, strerror(errno));
}

/* The direction whose writes and reads number w and r. */
static const struct flow_dir *dir_with(const struct flow *f, long w, long r)
{
	for (size_t d = 0; d < f->ndirs; d++)
		if (f->dirs[d].writes == w && f->dirs[d].reads == r)
			return &f->dirs[d];
	return NULL;
}

/* The k-th data call (0-based) of direction d doing op. */
static const struct flow_io *io_in(const struct flow *f, const struct flow_dir *d,
				   enum flow_op op, int k)
{
	for (size_t i = 0; i < f->nio; i++) {
		const struct flow_io *io = &f->io[i];
		if (&f->dirs[io->dir] == d && io->op == op && io->bytes > 0 && k-- == 0)
			return io;
	}
	cr_assert_fail("no %s number %d in that direction", op == FLOW_WRITE ? "write" : "read",
		       k);
	return NULL;
}

static const struct flow_chunk *chunk(const struct flow *f, const struct flow_io *io, size_t k)
{
	cr_assert_lt(k, io->nchunks, "call has %zu chunks, wanted chunk %zu", io->nchunks, k);
	return &f->chunks[io->first_chunk + k];
}

/* What gen_flow.c did, whichever way the trace was recorded. */
static void check_shapes(const struct trace *t, const struct flow *f)
{
	/* Three writes (23 + 15 + 5 bytes), one read of all 43. */
	const struct flow_dir *three = dir_with(f, 3, 1);
	cr_assert_not_null(three, "no direction with 3 writes and 1 read");
	cr_expect_eq(three->bytes_written, 43);
	cr_expect_eq(three->bytes_read, 43);
	cr_expect_eq(three->bytes_paired, 43);
	const struct flow_io *rd = io_in(f, three, FLOW_READ, 0);
	cr_assert_eq(rd->nchunks, 3, "the read took bytes of 3 writes");
	const long sizes[] = {23, 15, 5};
	for (size_t k = 0; k < 3; k++) {
		const struct flow_chunk *c = chunk(f, rd, k);
		cr_expect_eq(c->bytes, sizes[k], "chunk %zu: %ld bytes", k, c->bytes);
		cr_expect_eq(c->offset, 0);
		cr_expect_eq(c->rio, (size_t)(rd - f->io));
		cr_expect_eq(&f->io[c->wio], io_in(f, three, FLOW_WRITE, (int)k),
			     "chunk %zu comes from write %zu", k, k);
	}
	cr_expect_neq(three->from_pid, three->to_pid, "child writes, parent reads");

	/* One write of 10000 bytes read in pieces of 4096, 4096, 1808. */
	const struct flow_dir *big = dir_with(f, 1, 3);
	cr_assert_not_null(big, "no direction with 1 write and 3 reads");
	const struct flow_io *w = io_in(f, big, FLOW_WRITE, 0);
	cr_expect_eq(w->bytes, 10000);
	cr_assert_eq(w->nchunks, 3);
	const long pieces[] = {4096, 4096, 1808};
	for (size_t k = 0; k < 3; k++) {
		const struct flow_chunk *c = chunk(f, w, k);
		cr_expect_eq(c->bytes, pieces[k]);
		cr_expect_eq(c->offset, (long)k * 4096);
		cr_expect_eq(&f->io[c->rio], io_in(f, big, FLOW_READ, (int)k));
		cr_expect_eq(f->io[c->rio].nchunks, 1);
	}
	cr_expect_eq(big->to_pid, three->from_pid);

	/* SEQPACKET: 10 and 20 bytes read with an 8-byte buffer. */
	const struct flow_dir *seq = NULL;
	for (size_t d = 0; d < f->ndirs; d++)
		if (f->dirs[d].bytes_written == 30)
			seq = &f->dirs[d];
	cr_assert_not_null(seq, "no SEQPACKET direction of 30 bytes");
	cr_assert_neq(seq->to, FLOW_NONE);
	cr_expect_eq(f->socks[seq->to].message, 1, "strace tags it \"UNIX\": the "
		     "socketpair(SOCK_SEQPACKET) call must mark it");
	cr_expect_eq(seq->bytes_read, 16);
	cr_expect_eq(seq->bytes_paired, 16);
	cr_expect_eq(seq->bytes_dropped, 14, "2 + 12 bytes cut off");
	for (int k = 0; k < 2; k++) {
		const struct flow_io *r = io_in(f, seq, FLOW_READ, k);
		cr_assert_eq(r->nchunks, 1, "one message per read");
		cr_expect_eq(&f->io[chunk(f, r, 0)->wio], io_in(f, seq, FLOW_WRITE, k));
		cr_expect_eq(chunk(f, r, 0)->bytes, 8);
	}

	/* TCP loopback: both ends in the trace, paired by address pairs. */
	int tcp = 0;
	for (size_t d = 0; d < f->ndirs; d++) {
		const struct flow_dir *dd = &f->dirs[d];
		if (dd->from == FLOW_NONE || strcmp(f->socks[dd->from].proto, "TCP") != 0)
			continue;
		cr_assert_neq(dd->to, FLOW_NONE, "TCP peer not found");
		cr_expect_eq(f->socks[dd->to].peer, dd->from);
		cr_expect(strstr(f->socks[dd->from].addr, "127.0.0.1:"), "%s",
			  f->socks[dd->from].addr);
		cr_expect(dd->bytes_written == 13 || dd->bytes_written == 4);
		cr_expect_eq(dd->bytes_paired, dd->bytes_written);
		tcp++;
	}
	cr_expect_eq(tcp, 2, "two TCP directions");

	/* The write to a closed peer failed. */
	long failed = 0;
	for (size_t d = 0; d < f->ndirs; d++)
		failed += f->dirs[d].failed;
	cr_expect_eq(failed, 1, "one EPIPE");

	/* Lanes: the parent and two forked children, one killed. */
	cr_assert_eq(f->nlanes, 3, "%zu lanes", f->nlanes);
	const struct flow_lane *parent = &f->lanes[0];
	cr_expect_str_eq(parent->prog, "gen_flow");
	cr_expect_neq(parent->exec_ev, FLOW_NONE);
	cr_expect_eq(parent->ended, 1);
	cr_expect_eq(parent->status, 0);
	int killed = 0;
	for (size_t k = 1; k < 3; k++) {
		const struct flow_lane *c = &f->lanes[k];
		cr_expect_eq(c->ppid, parent->pid, "lane %d's parent", c->pid);
		cr_expect_str_eq(c->prog, "gen_flow", "a child runs its parent's program");
		cr_expect_eq(c->exec_ev, FLOW_NONE);
		killed += c->ended == 2 && c->status == SIGPIPE;
		char name[96];
		snprintf(name, sizeof(name), "gen_flow %d", c->pid);
		cr_expect_str_eq(c->name, name);
	}
	cr_expect_eq(killed, 1, "one child killed by SIGPIPE");
	cr_expect_eq(flow_lane_of(f, parent->pid), parent);
	cr_expect_null(flow_lane_of(f, 1));

	/* Every event maps back to its io record. */
	for (size_t k = 0; k < f->nio; k++)
		cr_expect_eq(flow_io_of(f, f->io[k].ev), &f->io[k]);
	cr_expect_null(flow_io_of(f, t->n + 5));
}

SELFTEST(trace_flow, shapes_from_f_trace)
{
	struct trace t;
	struct flow f;
	load_flow("flow_shapes.trace", &t, &f);
	check_shapes(&t, &f);
	/* Pipes carry the sync bytes: they are not sockets. */
	for (size_t k = 0; k < f.nsocks; k++)
		cr_expect(strncmp(f.socks[k].proto, "pipe", 4) != 0);
	flow_free(&f);
	trace_free(&t);
	cr_expect_eq(f.nio, 0);
	flow_free(NULL);
}

SELFTEST(trace_flow, shapes_from_ff_files)
{
	struct trace t;
	struct flow f;
	load_flow("flow_ff/shapes", &t, &f);
	check_shapes(&t, &f);
	flow_free(&f);
	trace_free(&t);
}

/* A lane by program name (the first one). */
static const struct flow_lane *lane_named(const struct flow *f, const char *prog)
{
	for (size_t k = 0; k < f->nlanes; k++)
		if (strcmp(f->lanes[k].prog, prog) == 0)
			return &f->lanes[k];
	cr_assert_fail("no lane runs %s", prog);
	return NULL;
}

SELFTEST(trace_flow, lab02_exchange)
{
	struct trace t;
	struct flow f;
	load_flow("lab02_exchange.trace", &t, &f);
	const struct flow_lane *srv = lane_named(&f, "server");
	const struct flow_lane *cli = lane_named(&f, "client");
	cr_expect(strstr(srv->exe, "/bin/server") != NULL, "%s", srv->exe);
	cr_expect_eq(srv->ppid, cli->ppid, "both started by the shell");
	cr_expect_str_eq(lane_named(&f, "sh")->prog, "sh");

	/* The client's socket showed no peer when it connected: its peer
	 * comes from the server's accept, printed later. */
	long c = trace_find(&t, "connect", 0);
	cr_assert_geq(c, 0);
	char a[512];
	struct trace_fd fd;
	cr_assert_geq(trace_arg(&t.ev[c], 0, a, sizeof(a)), 0);
	cr_assert_eq(trace_parse_fd(a, &fd), 0);
	cr_expect_eq(fd.peer, 0, "the fixture's connect tag has no peer: %s", a);

	const struct flow_dir *req = NULL, *rep = NULL;
	for (size_t d = 0; d < f.ndirs; d++) {
		if (f.dirs[d].from_pid == cli->pid && f.dirs[d].to_pid == srv->pid)
			req = &f.dirs[d];
		if (f.dirs[d].from_pid == srv->pid && f.dirs[d].to_pid == cli->pid)
			rep = &f.dirs[d];
	}
	cr_assert_not_null(req, "no client -> server direction");
	cr_assert_not_null(rep, "no server -> client direction");
	cr_expect_eq(req->bytes_written, 23, "the seed's request is 23 bytes");
	cr_expect_eq(req->bytes_paired, 23);
	cr_expect_eq(req->writes, 1);
	cr_expect_eq(req->reads, 1);
	cr_expect_eq(req->eofs, 1, "the server read EOF after shutdown(SHUT_WR)");
	cr_expect_eq(rep->bytes_written, 15);
	cr_expect_eq(rep->bytes_paired, 15);
	cr_expect_eq(rep->eofs, 1);
	const struct flow_io *w = io_in(&f, req, FLOW_WRITE, 0);
	cr_expect_str_eq(t.ev[w->ev].name, "sendto");
	cr_assert_eq(w->nchunks, 1);
	const struct flow_io *r = &f.io[chunk(&f, w, 0)->rio];
	cr_expect_eq(r->pid, srv->pid);
	cr_expect_str_eq(t.ev[r->ev].name, "read");
	cr_expect_eq(r->bytes, 23);
	cr_expect_geq(r->t_end, w->t_start, "the read returned after the write began");
	/* The reply's read started (and is recorded) before the write that
	 * fed it; pairing goes by bytes, not by record order. */
	const struct flow_io *rw = io_in(&f, rep, FLOW_WRITE, 0);
	const struct flow_io *rr = io_in(&f, rep, FLOW_READ, 0);
	cr_expect_lt(rr->ev, rw->ev, "fixture: the client's read is recorded first");
	cr_expect_eq(rr->nchunks, 1);
	cr_expect_eq(&f.io[chunk(&f, rr, 0)->wio], rw);
	flow_free(&f);
	trace_free(&t);
}

SELFTEST(trace_flow, socat_echo_lanes)
{
	struct trace t;
	struct flow f;
	load_flow("socat_echo.trace", &t, &f);
	const struct flow_lane *cat = lane_named(&f, "cat");
	const struct flow_lane *parent = flow_lane_of(&f, cat->ppid);
	cr_assert_not_null(parent, "cat's parent is in the trace");
	cr_expect_str_eq(parent->prog, "socat", "socat forked cat (EXEC:cat)");
	/* client -> server -> cat -> server -> client: four 12-byte hops. */
	int hops = 0;
	for (size_t d = 0; d < f.ndirs; d++)
		if (f.dirs[d].bytes_paired == 12 && f.dirs[d].bytes_written == 12)
			hops++;
	cr_expect_eq(hops, 4, "four paired hops of \"hello socat\\n\"");
	flow_free(&f);
	trace_free(&t);
}

SELFTEST(trace_flow, live_socat_exec)
{
	const char *socat = which("socat");
	cr_assert_not_null(socat, "socat is not installed (make deps installs it)");
	static const char msg[] = "pairing, live\n";
	const char *argv[] = {socat, "-", "EXEC:cat", NULL};
	struct h_result r;
	struct trace t;
	check_ok(h_trace(argv, msg, strlen(msg), 5.0, &r, &t), errno, "h_trace socat");
	cr_expect_str_eq(r.what, "exited with status 0", "socat: %s; stderr: %s", r.what, r.err);
	cr_expect_str_eq(r.out, msg, "cat echoed it back through socat");
	struct flow f;
	cr_assert_eq(flow_build(&t, &f), 0);
	const struct flow_lane *cat = lane_named(&f, "cat"), *so = lane_named(&f, "socat");
	int there = 0, back = 0;
	for (size_t d = 0; d < f.ndirs; d++) {
		const struct flow_dir *dd = &f.dirs[d];
		there += dd->from_pid == so->pid && dd->to_pid == cat->pid &&
			 dd->bytes_paired == (long)strlen(msg);
		back += dd->from_pid == cat->pid && dd->to_pid == so->pid &&
			dd->bytes_paired == (long)strlen(msg);
	}
	cr_expect_eq(there, 1, "socat -> cat, paired:\n%s", h_trace_summary(&t, 30));
	cr_expect_eq(back, 1, "cat -> socat, paired:\n%s", h_trace_summary(&t, 30));
	flow_free(&f);
	trace_free(&t);
	h_result_free(&r);
}

/* A trace from text, through the real reader. */
static void trace_of(const char *text, struct trace *t)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	cr_assert_not_null(in);
	cr_assert_eq(trace_read(in, t), 0);
	fclose(in);
}

SELFTEST(trace_flow, hostile_cases)
{
	struct trace t;
	struct flow f;
	trace_of(
		/* A tag inside data is data, not a socket. */
		"1 1.0 write(3<UNIX-STREAM:[10->11]>, \"4<UNIX-STREAM:[77->78]>\", 23) = 23\n"
		/* A socket its own peer; inode 0; a peer of a pipe. */
		"1 1.1 write(5<UNIX-STREAM:[12->12]>, \"x\", 1) = 1\n"
		"1 1.2 read(6<UNIX-STREAM:[0->9]>, \"\", 1) = 0\n"
		"1 1.3 read(7<pipe:[5->6]>, \"x\", 1) = 1\n"
		/* More read than written; a return larger than asked. */
		"2 1.4 read(4<UNIX-STREAM:[11->10]>, \"x\", 8) = 99999\n"
		/* Garbage returns and arguments. */
		"2 1.5 write(4<UNIX-STREAM:[11->10]>, \"x\", 1) = -5\n"
		"2 1.6 sendmsg(4<UNIX-STREAM:[11->10]>) = ?\n"
		"2 1.7 recvfrom() = 3\n"
		"2 1.8 write(, , ) = 1\n"
		"3 1.9 <... read resumed>\"\", 4) = 4\n"
		"x y z\n"
		"3 2.0 clone(child_stack=NULL) = 99999999999\n"
		"3 2.1 execve(\"\", [], 0) = 0\n"
		"3 2.2 execve(42) = 0\n"
		"4 2.3 recvfrom(8<UNIX:[20->21]>, \"ab\", 2, MSG_PEEK, NULL, NULL) = 2\n",
		&t);
	cr_assert_eq(flow_build(&t, &f), 0);
	for (size_t k = 0; k < f.nsocks; k++) {
		cr_expect_neq(f.socks[k].inode, 77, "a tag inside a string made a socket");
		cr_expect_neq(f.socks[k].peer, k, "a socket is its own peer");
		cr_expect_neq(f.socks[k].inode, 0, "a socket of inode 0");
		cr_expect(strncmp(f.socks[k].proto, "pipe", 4) != 0);
	}
	long paired = 0;
	for (size_t d = 0; d < f.ndirs; d++) {
		paired += f.dirs[d].bytes_paired;
		cr_expect_leq(f.dirs[d].bytes_paired, f.dirs[d].bytes_written);
	}
	cr_expect_eq(paired, 23, "only the 23 written bytes can be paired");
	const struct flow_lane *l3 = flow_lane_of(&f, 3);
	cr_assert_not_null(l3);
	cr_expect_str_eq(l3->prog, "", "an empty execve path names nothing");
	const struct flow_io *peek = flow_io_of(&f, t.n - 1);
	cr_assert_not_null(peek);
	cr_expect_eq(peek->nchunks, 0, "MSG_PEEK takes nothing from the queue");
	flow_free(&f);
	trace_free(&t);

	/* Nothing at all. */
	struct trace empty = {0};
	cr_assert_eq(flow_build(&empty, &f), 0);
	cr_expect_eq(f.nlanes + f.nio + f.nsocks + f.ndirs, 0);
	flow_free(&f);
	check_errno(flow_build(NULL, &f), errno, EINVAL, "flow_build(NULL)");
	cr_expect_null(flow_lane_of(NULL, 1));
	cr_expect_null(flow_io_of(NULL, 0));
	cr_expect_eq(flow_end_time(NULL), 0);
}

SELFTEST(trace_flow, datagrams_by_address)
{
	/* Lab 10's shape: a DGRAM server at @srv answers two autobound
	 * clients with sendto() at the address each recvmsg() reported; one
	 * client is connected (send() with no address), the other uses
	 * sendto(). DGRAM tags show no peers: only the addresses tell. The
	 * server's second receive has a 4-byte buffer and MSG_TRUNC: it
	 * returns 9, the real length, but copied 4. */
	struct trace t;
	struct flow f;
	trace_of(
		"1 1.0 socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = 3<UNIX:[10]>\n"
		"1 1.1 bind(3<UNIX:[10]>, {sa_family=AF_UNIX, sun_path=@\"srv\"}, 6) = 0\n"
		"2 1.2 socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = 3<UNIX:[20]>\n"
		"2 1.3 bind(3<UNIX:[20]>, {sa_family=AF_UNIX}, 2) = 0\n"
		"2 1.4 connect(3<UNIX:[20,@\"0000a\"]>, {sa_family=AF_UNIX, sun_path=@\"srv\"}, 6) = 0\n"
		"2 1.5 sendto(3<UNIX:[20,@\"0000a\"]>, \"one\", 3, 0, NULL, 0) = 3\n"
		"3 1.6 socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = 3<UNIX:[30]>\n"
		"3 1.7 bind(3<UNIX:[30,@\"0000b\"]>, {sa_family=AF_UNIX}, 2) = 0\n"
		"3 1.8 sendto(3<UNIX:[30,@\"0000b\"]>, \"two-three\", 9, 0, {sa_family=AF_UNIX, sun_path=@\"srv\"}, 6) = 9\n"
		"1 1.9 recvmsg(3<UNIX:[10,@\"srv\"]>, {msg_name={sa_family=AF_UNIX, sun_path=@\"0000a\"}, msg_namelen=110 => 8, msg_iov=[{iov_base=\"one\", iov_len=64}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, MSG_TRUNC) = 3\n"
		"1 2.0 recvmsg(3<UNIX:[10,@\"srv\"]>, {msg_name={sa_family=AF_UNIX, sun_path=@\"0000b\"}, msg_namelen=110 => 8, msg_iov=[{iov_base=\"two-\", iov_len=4}], msg_iovlen=1, msg_controllen=0, msg_flags=MSG_TRUNC}, MSG_TRUNC) = 9\n"
		"1 2.1 sendto(3<UNIX:[10,@\"srv\"]>, \"re-b\", 4, MSG_DONTWAIT, {sa_family=AF_UNIX, sun_path=@\"0000b\"}, 8) = 4\n"
		"1 2.2 sendto(3<UNIX:[10,@\"srv\"]>, \"re-a\", 4, MSG_DONTWAIT, {sa_family=AF_UNIX, sun_path=@\"0000a\"}, 8) = 4\n"
		"2 2.3 recvfrom(3<UNIX:[20,@\"0000a\"]>, \"re-a\", 64, 0, {sa_family=AF_UNIX, sun_path=@\"srv\"}, [110 => 6]) = 4\n"
		"3 2.4 recvfrom(3<UNIX:[30,@\"0000b\"]>, \"re-b\", 64, 0, {sa_family=AF_UNIX, sun_path=@\"srv\"}, [110 => 6]) = 4\n",
		&t);
	cr_assert_eq(flow_build(&t, &f), 0);
	/* Four directions, each one write paired with one read. */
	cr_expect_eq(f.ndirs, 4, "a->srv, b->srv, srv->b, srv->a: got %zu directions", f.ndirs);
	for (size_t d = 0; d < f.ndirs; d++) {
		const struct flow_dir *dir = &f.dirs[d];
		cr_expect(dir->from != FLOW_NONE && dir->to != FLOW_NONE,
			  "direction %zu has an unknown end", d);
		cr_expect_eq(dir->writes, 1, "direction %zu: %ld writes", d, dir->writes);
		cr_expect_eq(dir->reads, 1, "direction %zu: %ld reads", d, dir->reads);
	}
	/* Each reply reached the client it was addressed to. */
	const struct flow_io *ra = flow_io_of(&f, 13), *rb = flow_io_of(&f, 14);
	cr_assert(ra && rb && ra->nchunks == 1 && rb->nchunks == 1, "the replies are unpaired");
	cr_expect_eq(f.io[f.chunks[ra->first_chunk].wio].ev, 12, "client a got b's reply");
	cr_expect_eq(f.io[f.chunks[rb->first_chunk].wio].ev, 11, "client b got a's reply");
	/* The cut datagram: 4 bytes copied, 5 dropped. */
	const struct flow_io *cut = flow_io_of(&f, 10);
	cr_assert_not_null(cut);
	cr_expect_eq(cut->bytes, 4, "a receive with MSG_TRUNC returned 9 but copied %ld", cut->bytes);
	cr_expect_eq(f.dirs[cut->dir].bytes_dropped, 5);
	flow_free(&f);
	trace_free(&t);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

/* A line that looks like a data call often, and like garbage sometimes. */
static void random_line(char *buf, size_t cap)
{
	static const char *const names[] = {"read", "write", "sendto", "recvfrom", "readv",
					    "close", "accept", "socketpair", "clone", "execve"};
	static const char *const protos[] = {"UNIX-STREAM", "UNIX", "TCP", "pipe", "UDP"};
	int pid = 1 + (int)(rnd() % 4);
	unsigned a = rnd() % 6, b = rnd() % 6;
	long ret = (long)(rnd() % 50) - 5;
	size_t n = (size_t)snprintf(buf, cap, "%d %u.%06u %s(%u<%s:[%u->%u]>, \"%.*s\", %u) = %ld\n",
				    pid, rnd() % 3, rnd() % 1000000, names[rnd() % 10], rnd() % 9,
				    protos[rnd() % 5], a, b, (int)(rnd() % 8), "3<UNIX:[", rnd() % 64,
				    ret);
	/* Then damage it a little, sometimes. */
	for (int k = rnd() % 4; k > 0 && n > 2; k--)
		buf[rnd() % (n - 1)] = "()[]<>\",=-0 \\"[rnd() % 14];
}

SELFTEST(trace_flow, fuzz_invariants)
{
	int checked = 0;
	for (int round = 0; round < 300; round++) {
		char text[64 * 160] = "", line[160];
		size_t len = 0;
		for (int k = 0; k < 60; k++) {
			random_line(line, sizeof(line));
			size_t l = strlen(line);
			memcpy(text + len, line, l + 1);
			len += l;
		}
		struct trace t;
		struct flow f;
		trace_of(text, &t);
		cr_assert_eq(flow_build(&t, &f), 0, "round %d", round);
		for (size_t c = 0; c < f.nchunks; c++) {
			const struct flow_chunk *ch = &f.chunks[c];
			cr_assert_lt(ch->wio, f.nio);
			cr_assert_lt(ch->rio, f.nio);
			const struct flow_io *w = &f.io[ch->wio], *r = &f.io[ch->rio];
			cr_assert(w->op == FLOW_WRITE && r->op == FLOW_READ, "round %d", round);
			cr_assert_eq(w->dir, r->dir, "round %d: a chunk across directions", round);
			cr_assert(ch->bytes > 0 && ch->bytes <= w->bytes && ch->bytes <= r->bytes);
			cr_assert(ch->offset >= 0 && ch->offset + ch->bytes <= w->bytes);
			checked++;
		}
		for (size_t i = 0; i < f.nio; i++) {
			const struct flow_io *io = &f.io[i];
			long sum = 0;
			for (size_t c = 0; c < io->nchunks; c++)
				sum += f.chunks[io->first_chunk + c].bytes;
			cr_assert_leq(sum, io->bytes > 0 ? io->bytes : 0, "round %d", round);
			cr_assert_lt(io->dir, f.ndirs);
			cr_assert_lt(io->sock, f.nsocks);
		}
		for (size_t s = 0; s < f.nsocks; s++)
			cr_assert(f.socks[s].peer == FLOW_NONE || f.socks[s].peer < f.nsocks);
		flow_free(&f);
		trace_free(&t);
	}
	cr_expect_gt(checked, 50, "the generator made pairable traffic: %d chunks", checked);
}
