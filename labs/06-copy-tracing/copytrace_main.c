/* copytrace_main.c: follows the bytes of a traced client/server exchange.
 *
 *   copytrace [--no-pairs] TRACE...
 *
 * Each TRACE is the output of `strace -f -yy -ttt -T -o TRACE ...` (or
 * the prefix given to `strace -ff -o`); several are merged by time, so
 * that a server and a client traced separately read as one exchange.
 * Prints, for each direction of each connection, the writes and the reads
 * that carried its bytes, and (unless --no-pairs) which read took which
 * write's bytes. Exit status: 0, 1 when a trace cannot be read or
 * analysed, 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "copy_tracing.h"
#include "report.h"

int main(int argc, char **argv)
{
	report_init(argv[0]);
	int pairs = 1, first = 1;
	if (argc > 1 && strcmp(argv[1], "--no-pairs") == 0) {
		pairs = 0;
		first = 2;
	}
	if (first >= argc || argv[first][0] == '-')
		die(2, "usage: copytrace [--no-pairs] TRACE...");

	struct trace t;
	if (ct_load_traces((const char *const *)argv + first, (size_t)(argc - first), &t) < 0)
		die_errno(1, errno, "cannot read the trace%s %s%s", argc - first > 1 ? "s" : "",
			  argv[first], argc - first > 1 ? " ..." : "");
	struct ct_report r;
	if (ct_analyse(&t, &r) < 0) {
		int e = errno;
		size_t n = t.n;
		trace_free(&t);
		die_errno(1, e, "analysing %zu trace events", n);
	}
	ct_print_report(stdout, &t, &r, pairs);
	ct_report_free(&r);
	trace_free(&t);
	return 0;
}
