/* decode.c: one event of an strace, seen as a data call on a socket.
 *
 * strace prints what the kernel was asked and what it answered; -yy adds,
 * to every descriptor, what it stands for. The tag 5<UNIX-STREAM:[12531->
 * 11734]> says more than the number 5 ever could: which socket (inode
 * 12531) and which socket it is connected to (11734). fd numbers are
 * reused as soon as they are closed; inodes are not, so the analysis keys
 * everything on inodes. */
#include <errno.h>
#include <string.h>

#include "copy_tracing.h"

/* CT_WRITE, CT_READ, or CT_OTHER for a syscall name. */
static enum ct_op op_of(const char *name)
{
	static const char *const writes[] = {"write", "send", "sendto", "sendmsg", "writev"};
	static const char *const reads[] = {"read", "recv", "recvfrom", "recvmsg", "readv"};
	for (size_t k = 0; k < sizeof(writes) / sizeof(writes[0]); k++) {
		if (strcmp(name, writes[k]) == 0)
			return CT_WRITE;
		if (strcmp(name, reads[k]) == 0)
			return CT_READ;
	}
	return CT_OTHER;
}

int ct_decode_call(const struct trace_event *ev, size_t index, struct ct_call *out)
{
	if (!ev || !out) {
		errno = EINVAL;
		return -1;
	}
	if (ev->kind != TRACE_CALL)
		return 0;
	enum ct_op op = op_of(ev->name);
	if (op == CT_OTHER)
		return 0;

	/* The first argument of every data call is its descriptor. A lone
	 * second half of a split call ("<... read resumed>") has none, and
	 * a write to a file or a pipe has a tag of another kind. */
	char text[512];
	struct trace_fd fd;
	if (trace_arg(ev, 0, text, sizeof(text)) < 0 || trace_parse_fd(text, &fd) < 0)
		return 0;
	if (strcmp(fd.proto, "UNIX-STREAM") != 0 || fd.inode == 0)
		return 0;

	memset(out, 0, sizeof(*out));
	out->ev = index;
	out->pid = ev->pid;
	out->op = op;
	out->fd = fd.fd;
	out->inode = fd.inode;
	out->peer = fd.peer;
	/* A call that strace saw start but not return (has_ret 0) moved an
	 * unknown number of bytes: as far as the trace can tell, none. A
	 * failed call returned -1, which is a verdict, not a byte count. */
	out->unfinished = !ev->has_ret;
	out->bytes = ev->has_ret && ev->ret >= 0 ? ev->ret : -1;
	out->err = ev->has_ret && ev->ret < 0 ? ev->err : 0;
	return 1;
}
