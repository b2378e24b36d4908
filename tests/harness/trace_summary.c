/* trace_summary.c: the socket calls of a trace, short enough for a failure
 * message ("what the kernel actually saw"). */
#include <stdio.h>
#include <string.h>

#include "harness_internal.h"

#define LINE_MAX_CHARS 160

static const char *const socket_calls[] = {
	"socket", "socketpair", "bind", "listen", "accept", "accept4",
	"connect", "getsockname", "getpeername", "setsockopt", "getsockopt",
	"shutdown", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "unlink", "unlinkat", "exit_group", NULL,
};

/* Whether the first argument is an fd tagged as a socket by -yy. */
static int on_socket(const struct trace_event *ev)
{
	char arg[256];
	struct trace_fd fd;
	if (trace_arg(ev, 0, arg, sizeof(arg)) < 0 || trace_parse_fd(arg, &fd) < 0)
		return 0;
	return strncmp(fd.proto, "UNIX", 4) == 0 || strncmp(fd.proto, "TCP", 3) == 0 ||
	       strncmp(fd.proto, "UDP", 3) == 0;
}

static int wanted(const struct trace_event *ev)
{
	if (ev->kind == TRACE_EXIT || ev->kind == TRACE_KILLED)
		return 1;
	if (ev->kind == TRACE_SIGNAL)
		return strcmp(ev->name, "SIGCHLD") != 0;
	if (ev->kind != TRACE_CALL)
		return 0;
	for (size_t k = 0; socket_calls[k]; k++)
		if (strcmp(ev->name, socket_calls[k]) == 0)
			return 1;
	if (!strcmp(ev->name, "read") || !strcmp(ev->name, "write") ||
	    !strcmp(ev->name, "close"))
		return on_socket(ev);
	return 0;
}

/* One event as "pid 1234 bind(...) = 0", cut to LINE_MAX_CHARS. */
static void format_event(const struct trace_event *ev, char *out, size_t cap)
{
	char line[1024];
	switch (ev->kind) {
	case TRACE_EXIT:
		snprintf(line, sizeof(line), "pid %d +++ exited with %d +++", ev->pid, ev->status);
		break;
	case TRACE_KILLED:
		snprintf(line, sizeof(line), "pid %d +++ killed by %s +++", ev->pid, ev->name);
		break;
	case TRACE_SIGNAL:
		snprintf(line, sizeof(line), "pid %d --- %s ---", ev->pid, ev->name);
		break;
	default:
		snprintf(line, sizeof(line), "pid %d %s(%s) = %s", ev->pid, ev->name,
			 ev->args ? ev->args : "", ev->ret_text ? ev->ret_text : "?");
		break;
	}
	/* Newlines would split one call over several message lines. */
	for (char *c = line; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (strlen(line) > LINE_MAX_CHARS)
		strcpy(line + LINE_MAX_CHARS - 3, "...");
	snprintf(out, cap, "%s\n", line);
}

const char *h_trace_summary(const struct trace *t, size_t max)
{
	static char buf[16384];
	size_t used = 0, total = 0;
	buf[0] = '\0';
	if (!t || max == 0)
		return buf;
	for (size_t k = 0; k < t->n; k++)
		total += (size_t)wanted(&t->ev[k]);
	if (total == 0) {
		snprintf(buf, sizeof(buf), "(no socket calls in the trace)");
		return buf;
	}
	/* Too many: the first half and the last half, with a gap line. */
	size_t head = total > max ? (max + 1) / 2 : total;
	size_t tail = total > max ? max / 2 : 0;
	size_t seen = 0;
	for (size_t k = 0; k < t->n && used + 1 < sizeof(buf); k++) {
		if (!wanted(&t->ev[k]))
			continue;
		seen++;
		if (seen > head && seen <= total - tail) {
			if (seen == head + 1)
				used += (size_t)snprintf(buf + used, sizeof(buf) - used,
							 "... %zu more ...\n",
							 total - head - tail);
			continue;
		}
		format_event(&t->ev[k], buf + used, sizeof(buf) - used);
		used += strlen(buf + used);
	}
	if (used > 0 && buf[used - 1] == '\n')
		buf[--used] = '\0';
	return buf;
}
