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

int ct_decode_call(const struct trace_event *ev, size_t index, struct ct_call *out)
{
	/* TODO(lab06): is ev a data call on a UNIX stream socket?
	 *
	 *   ev or out NULL                     -> errno = EINVAL, return -1
	 *   ev->kind != TRACE_CALL             -> return 0
	 *   op from ev->name: "write", "send", "sendto", "sendmsg", "writev"
	 *       are CT_WRITE; "read", "recv", "recvfrom", "recvmsg", "readv"
	 *       CT_READ; any other name        -> return 0
	 *   char text[512]; struct trace_fd fd;
	 *   trace_arg(ev, 0, text, sizeof(text)) < 0 ||
	 *   trace_parse_fd(text, &fd) < 0      -> return 0 (no fd tag)
	 *   strcmp(fd.proto, "UNIX-STREAM") != 0 || fd.inode == 0
	 *                                      -> return 0 (file, pipe, TCP)
	 *   memset(out, 0, sizeof(*out)); then ev = index, pid = ev->pid, op,
	 *   fd = fd.fd, inode = fd.inode (the id: NOT the fd number),
	 *   peer = fd.peer (0 when the tag shows none),
	 *   unfinished = !ev->has_ret,
	 *   bytes = ev->ret when ev->has_ret && ev->ret >= 0, else -1,
	 *   err = ev->err when the call returned -1, else 0;
	 *   return 1;
	 * A call strace printed in two halves (<unfinished ...> then
	 * <... read resumed>) arrives here as ONE event, already joined by
	 * the parser: treat it like any other. */
	(void)ev;
	(void)index;
	(void)out;
	errno = ENOSYS;
	return -1;
}
