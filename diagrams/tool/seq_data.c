/* seq_data.c: the words about data: on a write or read arrow, which copy
 * it is and which write a read took its bytes from ("#n"), and the totals
 * per direction under the diagram. */
#include <string.h>

#include "seq_model.h"
#include "seq_text.h"

#define ARG_MAX 512
#define PREVIEW 32

static int arg(const struct trace_event *ev, int i, char *buf, size_t cap)
{
	if (trace_arg(ev, i, buf, cap) < 0) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* The "#n" of each write whose bytes this read took, "(part)" after one
 * it took only some bytes of. */
static size_t read_ids(const struct seq *s, const struct flow_io *io, char *buf, size_t cap,
		       size_t len)
{
	const struct flow *f = s->f;
	int shown = 0, last = -1;
	for (size_t c = 0; c < io->nchunks; c++) {
		const struct flow_chunk *ch = &f->chunks[io->first_chunk + c];
		int id = s->pair_of_wio ? s->pair_of_wio[ch->wio] : 0;
		if (id == 0 || id == last)
			continue;
		if (shown == 3) {
			len = text_add(buf, cap, len, "+...");
			break;
		}
		int part = ch->bytes < f->io[ch->wio].bytes;
		len = text_add(buf, cap, len, "%s#%d%s", shown ? "+" : "", id, part ? " (part)" : "");
		shown++;
		last = id;
	}
	return shown ? text_add(buf, cap, len, " ") : len;
}

/* "\n(read by socat 1234, not drawn)" when the process at the other end
 * of the copy is in the trace but has no lifeline. */
static size_t other_end(const struct seq *s, const struct flow_io *io, char *buf, size_t cap,
			size_t len)
{
	const struct flow *f = s->f;
	if (io->nchunks == 0)
		return len;
	const struct flow_chunk *ch = &f->chunks[io->first_chunk];
	int pid = f->io[io->op == FLOW_WRITE ? ch->rio : ch->wio].pid;
	if (seq_lane_of(s, pid) != FLOW_NONE)
		return len;
	const struct flow_lane *l = flow_lane_of(f, pid);
	return text_add(buf, cap, len, "\n(%s by %s, not drawn)",
			io->op == FLOW_WRITE ? "read" : "written", l ? l->name : "?");
}

size_t seq_data_preview(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
			size_t len)
{
	const struct trace_event *ev = &s->t->ev[r->ev];
	const struct flow_io *io = flow_io_of(s->f, r->ev);
	if (!io || io->bytes <= 0 || r->count > 1)
		return len;
	char data[ARG_MAX], shown[PREVIEW + 8];
	int plain = strcmp(ev->name, "write") == 0 || strcmp(ev->name, "read") == 0 ||
		    strcmp(ev->name, "sendto") == 0 || strcmp(ev->name, "recvfrom") == 0 ||
		    strcmp(ev->name, "send") == 0 || strcmp(ev->name, "recv") == 0;
	if (!plain || arg(ev, 1, data, sizeof(data)) < 0)
		return len;
	char raw[256];
	int trunc = 0;
	int n = trace_unquote(data, raw, sizeof(raw), &trunc);
	if (n < 0)
		return len;
	text_preview(shown, sizeof(shown), raw, (size_t)n, PREVIEW);
	/* strace cut it (-s) where the preview did not. */
	int more = trunc && n <= PREVIEW;
	return text_add(buf, cap, len, "\"%s\"%s", shown, more ? "..." : "");
}

size_t seq_data_text(const struct seq *s, const struct seq_row *r, char *buf, size_t cap,
		     size_t len)
{
	const struct flow_io *io = flow_io_of(s->f, r->ev);
	char nb[48];
	if (!io || io->bytes <= 0)
		return len;
	int write = io->op == FLOW_WRITE;
	const char *copy = write ? "copy 1: user->kernel" : "copy 2: kernel->user";
	if (r->count > 1) {
		text_bytes(r->total_bytes, nb, sizeof(nb));
		if (r->period == 0)
			return text_add(buf, cap, len, "\n%s %s in %ld calls", copy, nb, r->count);
		return text_add(buf, cap, len, "\n%s %ld x %ld B = %s", copy, r->count, io->bytes,
				nb);
	}
	char shown[PREVIEW + 16];
	if (seq_data_preview(s, r, shown, sizeof(shown), 0) > 0)
		len = text_add(buf, cap, len, "\n%s", shown);
	text_bytes(io->bytes, nb, sizeof(nb));
	len = text_add(buf, cap, len, "\n");
	if (write) {
		int id = s->pair_of_wio ? s->pair_of_wio[io - s->f->io] : 0;
		if (id)
			len = text_add(buf, cap, len, "#%d ", id);
		len = text_add(buf, cap, len, "%s %s", copy, nb);
		if (io->nchunks > 1)
			len = text_add(buf, cap, len, " (read in %zu pieces)", io->nchunks);
		else if (io->nchunks == 0)
			len = text_add(buf, cap, len, s->f->dirs[io->dir].to == FLOW_NONE
							     ? " (reader not traced)"
							     : " (never read)");
		return other_end(s, io, buf, cap, len);
	}
	len = read_ids(s, io, buf, cap, len);
	len = text_add(buf, cap, len, "%s %s", copy, nb);
	if (io->nchunks == 0)
		len = text_add(buf, cap, len, " (writer not traced)");
	return other_end(s, io, buf, cap, len);
}

/* "UNIX stream", "UNIX seqpacket", "TCP"...: strace 6.1 tags only stream
 * sockets with their type, so the flags the pairing layer found count. */
static const char *sock_kind(const struct flow_sock *so)
{
	if (!so)
		return "socket";
	if (strncmp(so->proto, "UNIX", 4) == 0)
		return so->dgram ? "UNIX dgram" : so->message ? "UNIX seqpacket" : "UNIX stream";
	return so->proto;
}

size_t seq_totals(const struct seq *s, char *buf, size_t cap)
{
	const struct flow *f = s->f;
	size_t len = 0;
	buf[0] = '\0';
	for (size_t d = 0; d < f->ndirs; d++) {
		const struct flow_dir *dir = &f->dirs[d];
		if (dir->bytes_written == 0 && dir->bytes_read == 0)
			continue;
		int drawn = 0;
		for (size_t k = 0; k < s->nlanes; k++)
			drawn |= s->lanes[k].pid == dir->from_pid || s->lanes[k].pid == dir->to_pid;
		if (!drawn)
			continue;
		const struct flow_lane *w = dir->from_pid ? flow_lane_of(f, dir->from_pid) : NULL;
		const struct flow_lane *rd = dir->to_pid ? flow_lane_of(f, dir->to_pid) : NULL;
		char wb[48], rb[48];
		len = text_add(buf, cap, len, "%s -> %s (%s): %s written in %ld call%s, %s read in %ld",
			       w ? w->name : "(not traced)", rd ? rd->name : "(not traced)",
			       sock_kind(dir->from != FLOW_NONE ? &f->socks[dir->from] : NULL),
			       text_bytes(dir->bytes_written, wb, sizeof(wb)), dir->writes,
			       dir->writes == 1 ? "" : "s", text_bytes(dir->bytes_read, rb, sizeof(rb)),
			       dir->reads);
		if (dir->eofs)
			len = text_add(buf, cap, len, ", then EOF");
		long unread = dir->bytes_written - dir->bytes_read - dir->bytes_dropped;
		if (dir->bytes_dropped > 0)
			len = text_add(buf, cap, len, "; %ld B cut off by short reads", dir->bytes_dropped);
		if (unread > 0 && dir->to != FLOW_NONE && dir->to_pid)
			len = text_add(buf, cap, len, "; %ld B never read", unread);
		len = text_add(buf, cap, len, "\n");
	}
	if (len > 0)
		len = text_add(buf, cap, len,
			       "Each byte is copied twice: by the write (copy 1, user->kernel) "
			       "and by the read (copy 2, kernel->user).\n");
	if (s->npairs > 0)
		len = text_add(buf, cap, len,
			       "Dotted on the kernel line: bytes waiting in the receiving socket "
			       "from write #n to the read that takes them.\n");
	return len;
}
