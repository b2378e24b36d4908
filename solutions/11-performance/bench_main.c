/* bench_main.c: the lab 11 benchmark, every transport side by side.
 *
 *   bench [--transports LIST] [--sizes LIST] [--rounds N] [--warmup N]
 *         [--messages N] [--stream-bytes N] [--memcpy-bytes N] [--repeat N]
 *         [--latency-only | --throughput-only] [--no-baseline]
 *         [--no-memcpy] [--cpus A,B|same|none] [--kv] [--help]
 *
 * For each transport (unix-stream, unix-seqpacket, tcp, pipe; LIST is a
 * comma-separated choice): the latency of a 1-byte ping-pong (--rounds
 * timed round trips after --warmup untimed ones) as percentiles; then the
 * throughput of a stream of messages of each size of --sizes (default
 * 64,1024,65536), at most --messages messages and --stream-bytes bytes per
 * stream. Then memcpy() bandwidth, the physical limit. Each figure is the
 * best (fastest) of --repeat runs; each run of a measurement (your perf_*
 * code) is followed or preceded by a run of the minimal baseline loop doing
 * the same system calls (baseline.c), on a fresh link, so that both see
 * the same machine; the ratio of the two shows the measurement's own cost.
 * Numbers accept K, M, G (powers of 1024): --stream-bytes 64M. Both
 * processes run on one CPU unless --cpus says otherwise (see --help).
 *
 * Each run forks a peer (echo, or stream receiver) on a fresh link; the
 * parent measures. By default the output is a table; --kv prints one line
 * of key=value pairs per figure instead, for scripts and for the checks.
 * Exit status: 0 when every measurement worked, 1 when one failed (it is
 * reported and the others go on), 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "performance.h"
#include "report.h"

#define MAX_SIZES 8
#define MAX_REPEAT 15
#define CPU_SAME (-2)

struct options {
	int transports[PERF_NTRANSPORTS];
	int ntransports;
	size_t sizes[MAX_SIZES];
	int nsizes;
	long rounds, warmup, messages, repeat;
	uint64_t stream_bytes, memcpy_bytes;
	int latency, throughput, baseline, memcpy_, kv;
	int cpu_measure, cpu_peer; /* -1: not pinned */
};

static int failures;

/* ---- the command line ---------------------------------------------------------- */

#define USAGE "usage: bench [--transports LIST] [--sizes LIST] [--rounds N] " \
	"[--warmup N] [--messages N] [--stream-bytes N] [--memcpy-bytes N] " \
	"[--repeat N] [--latency-only | --throughput-only] [--no-baseline] " \
	"[--no-memcpy] [--cpus A,B|same|none] [--kv]"

static noreturn void usage(void)
{
	die(2, "%s", USAGE);
}

/* --help: the usage and the defaults, on stdout. */
static noreturn void help(void)
{
	printf("%s\n\n"
	       "  --transports LIST  unix-stream,unix-seqpacket,tcp,pipe (all)\n"
	       "  --sizes LIST       stream message sizes, bytes (64,1024,65536)\n"
	       "  --rounds N         timed 1-byte round trips (10000)\n"
	       "  --warmup N         untimed round trips before them (500)\n"
	       "  --messages N       at most N messages per stream (50000)\n"
	       "  --stream-bytes N   at most N bytes per stream (256M)\n"
	       "  --memcpy-bytes N   bytes copied per memcpy figure (512M)\n"
	       "  --repeat N         runs per figure, the best kept (3)\n"
	       "  --cpus A,B         measuring side on CPU A, peer on CPU B;\n"
	       "                     same: both on one CPU (default); none: unpinned\n"
	       "  --no-baseline      skip the baseline loops (baseline.c)\n"
	       "  --kv               key=value lines instead of tables\n"
	       "Numbers take K, M, G (x 1024).\n", USAGE);
	exit(0);
}

/* A number in [min, max], with an optional K, M or G suffix (x 1024^k). */
static uint64_t parse_num(const char *opt, const char *text, uint64_t min,
			  uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	uint64_t mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024 * 1024 * 1024, end++;
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    v > max / mult || v * mult < min || v * mult > max)
		die(2, "%s wants a number from %llu to %llu, got \"%s\"", opt,
		    (unsigned long long)min, (unsigned long long)max, text);
	return v * mult;
}

static void parse_transports(struct options *o, const char *text)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", text);
	o->ntransports = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = perf_transport_parse(t);
		if (k < 0 || o->ntransports == PERF_NTRANSPORTS)
			die(2, "--transports: \"%s\" is not one of unix-stream, "
			    "unix-seqpacket, tcp, pipe", t);
		o->transports[o->ntransports++] = k;
	}
	if (o->ntransports == 0)
		usage();
}

static void parse_sizes(struct options *o, const char *text)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", text);
	o->nsizes = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->nsizes == MAX_SIZES)
			die(2, "--sizes: at most %d sizes", MAX_SIZES);
		/* A seqpacket message must fit in the socket's send buffer. */
		o->sizes[o->nsizes++] = (size_t)parse_num("--sizes", t, 1, 128 * 1024);
	}
	if (o->nsizes == 0)
		usage();
}

/* "A,B": the measuring side on CPU A, the peer on CPU B (A,A: both on
 * one); "same": both on the first CPU this process may use (the default);
 * "none": wherever the scheduler puts them. */
static void parse_cpus(struct options *o, const char *text)
{
	if (strcmp(text, "none") == 0 || strcmp(text, "same") == 0) {
		o->cpu_measure = o->cpu_peer = text[0] == 'n' ? -1 : CPU_SAME;
		return;
	}
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", text);
	char *comma = strchr(buf, ',');
	if (comma == NULL)
		die(2, "--cpus wants A,B (two CPU numbers) or none, got \"%s\"", text);
	*comma = '\0';
	o->cpu_measure = (int)parse_num("--cpus", buf, 0, CPU_SETSIZE - 1);
	o->cpu_peer = (int)parse_num("--cpus", comma + 1, 0, CPU_SETSIZE - 1);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.rounds = 10000, .warmup = 500, .messages = 50000,
			      .repeat = 3, .stream_bytes = 256u << 20,
			      .memcpy_bytes = 512u << 20, .latency = 1,
			      .throughput = 1, .baseline = 1, .memcpy_ = 1,
			      .cpu_measure = CPU_SAME, .cpu_peer = CPU_SAME};
	parse_transports(o, "unix-stream,unix-seqpacket,tcp,pipe");
	parse_sizes(o, "64,1024,65536");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--transports") == 0 && v)
			parse_transports(o, argv[++i]);
		else if (strcmp(a, "--sizes") == 0 && v)
			parse_sizes(o, argv[++i]);
		else if (strcmp(a, "--rounds") == 0 && v)
			o->rounds = (long)parse_num(a, argv[++i], 1, 10000000);
		else if (strcmp(a, "--warmup") == 0 && v)
			o->warmup = (long)parse_num(a, argv[++i], 0, 10000000);
		else if (strcmp(a, "--messages") == 0 && v)
			o->messages = (long)parse_num(a, argv[++i], 1, 100000000);
		else if (strcmp(a, "--stream-bytes") == 0 && v)
			o->stream_bytes = parse_num(a, argv[++i], 1, 1ull << 40);
		else if (strcmp(a, "--memcpy-bytes") == 0 && v)
			o->memcpy_bytes = parse_num(a, argv[++i], 1, 1ull << 40);
		else if (strcmp(a, "--repeat") == 0 && v)
			o->repeat = (long)parse_num(a, argv[++i], 1, MAX_REPEAT);
		else if (strcmp(a, "--latency-only") == 0)
			o->throughput = 0, o->memcpy_ = 0;
		else if (strcmp(a, "--throughput-only") == 0)
			o->latency = 0;
		else if (strcmp(a, "--no-baseline") == 0)
			o->baseline = 0;
		else if (strcmp(a, "--no-memcpy") == 0)
			o->memcpy_ = 0;
		else if (strcmp(a, "--cpus") == 0 && v)
			parse_cpus(o, argv[++i]);
		else if (strcmp(a, "--kv") == 0)
			o->kv = 1;
		else if (strcmp(a, "--help") == 0)
			help();
		else
			usage();
	}
	if (!o->latency && !o->throughput)
		usage();
}

/* ---- one run: a link, a forked peer, the measuring side --------------------------- */

enum job { JOB_PINGPONG, JOB_STREAM };

struct job_args {
	enum job job;
	int base;           /* 1: the baseline loops */
	size_t size;
	long warmup, rounds;
	uint64_t total;
	int64_t *samples;   /* JOB_PINGPONG, rounds of them */
};

/* What a run gave: the measuring side's result, or the errno it failed
 * with (and whether the peer failed). */
struct outcome {
	int ok;
	int err;
	int peer_failed;
	long rep;           /* which repetition (its samples) */
	struct perf_run run;
};

static int peer_side(const struct job_args *j, struct perf_end e)
{
	struct perf_run r;
	if (j->job == JOB_PINGPONG)
		return j->base ? perf_base_echo(e, j->size, j->warmup + j->rounds)
			       : perf_echo(e, j->size, j->warmup + j->rounds);
	return j->base ? perf_base_stream_recv(e, j->size, j->total)
		       : perf_stream_recv(e, j->size, j->total, &r);
}

static int measuring_side(const struct job_args *j, struct perf_end e,
			  struct perf_run *r)
{
	int64_t el = 0;
	int rc;
	memset(r, 0, sizeof(*r));
	if (j->job == JOB_PINGPONG) {
		if (!j->base)
			return perf_pingpong(e, j->size, j->warmup, j->rounds,
					     j->samples, r);
		rc = perf_base_pingpong(e, j->size, j->warmup, j->rounds, &el);
		r->bytes = 2 * (uint64_t)j->rounds * j->size;
		r->messages = j->rounds;
	} else {
		if (!j->base)
			return perf_stream_send(e, j->size, j->total, r);
		rc = perf_base_stream_send(e, j->size, j->total, &el);
		r->bytes = j->total;
		r->messages = (long)((j->total + j->size - 1) / j->size);
	}
	r->elapsed_ns = el;
	return rc;
}

/* Pins the calling process to cpu (nothing when cpu < 0). Returns 0, or
 * -1 with errno (EINVAL: no such CPU, or one this process may not use). */
static int pin(int cpu)
{
	if (cpu < 0)
		return 0;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static struct outcome run_once(const struct options *opt,
			       enum perf_transport kind, const struct job_args *j)
{
	struct outcome o = {0};
	struct perf_link link;
	if (perf_link_open(kind, &link) == -1) {
		o.err = errno;
		return o;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == -1) {
		o.err = errno;
		perf_link_close(&link);
		return o;
	}
	if (pid == 0) {
		perf_end_close(&link.a);
		/* Checked once in main(): it works. */
		pin(opt->cpu_peer);
		_exit(peer_side(j, link.b) == 0 ? 0 : 1);
	}
	perf_end_close(&link.b);
	int rc = measuring_side(j, link.a, &o.run);
	o.err = rc == -1 ? errno : 0;
	/* Closing our end also ends a peer still waiting for us. */
	perf_end_close(&link.a);
	int status;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	o.peer_failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	o.ok = rc == 0 && !o.peer_failed;
	return o;
}

/* ---- repeated runs, the best of them --------------------------------------------------- */

static int cmp_run(const void *a, const void *b)
{
	const struct outcome *x = a, *y = b;
	return (x->run.elapsed_ns > y->run.elapsed_ns) -
	       (x->run.elapsed_ns < y->run.elapsed_ns);
}

/* One figure: the best (fastest) run of the measurement and of its
 * baseline. Interference (another process on the CPU, an interrupt) only
 * ever adds time, so the fastest of several runs is the one closest to
 * the transport's own cost, and the fairest to compare. */
struct figure {
	struct outcome ref, base;
	struct perf_latency lat; /* JOB_PINGPONG, from ref's best run */
	int have_lat;
};

static void measure(const struct options *o, enum perf_transport kind,
		    struct job_args j, struct figure *f)
{
	struct outcome refs[MAX_REPEAT], bases[MAX_REPEAT];
	int64_t *samples[MAX_REPEAT] = {0};
	int nref = 0, nbase = 0;
	memset(f, 0, sizeof(*f));
	for (long rep = 0; rep < o->repeat; rep++) {
		/* Alternate the order, so that neither always runs first. */
		for (int turn = 0; turn < 2; turn++) {
			int base = (turn + (int)rep) % 2;
			if (base && !o->baseline)
				continue;
			struct job_args jj = j;
			jj.base = base;
			if (!base && j.job == JOB_PINGPONG) {
				samples[rep] = calloc((size_t)j.rounds, sizeof(int64_t));
				if (samples[rep] == NULL)
					die_errno(1, errno, "calloc");
				jj.samples = samples[rep];
			}
			struct outcome out = run_once(o, kind, &jj);
			if (!out.ok) {
				(base ? &f->base : &f->ref)->err = out.err;
				(base ? &f->base : &f->ref)->peer_failed = out.peer_failed;
				continue;
			}
			/* The samples travel with the run: keep their index. */
			out.rep = rep;
			if (base)
				bases[nbase++] = out;
			else
				refs[nref++] = out;
		}
	}
	if (nref > 0) {
		qsort(refs, (size_t)nref, sizeof(refs[0]), cmp_run);
		f->ref = refs[0];
		if (j.job == JOB_PINGPONG) {
			if (perf_summarize(samples[f->ref.rep], (size_t)j.rounds,
					   &f->lat) == 0)
				f->have_lat = 1;
			else
				f->ref = (struct outcome){.err = errno};
		}
	}
	if (nbase > 0) {
		qsort(bases, (size_t)nbase, sizeof(bases[0]), cmp_run);
		f->base = bases[0];
	}
	for (long rep = 0; rep < o->repeat; rep++)
		free(samples[rep]);
}

/* ---- printing ---------------------------------------------------------------------- */

static const char *why(const struct outcome *o)
{
	static char buf[2][96];
	static int k;
	char *b = buf[k ^= 1];
	if (o->err == ENOSYS)
		snprintf(b, sizeof(buf[0]), "ENOSYS (not implemented yet)");
	else if (o->err != 0)
		snprintf(b, sizeof(buf[0]), "%s (%s)", errno_name(o->err),
			 strerror(o->err));
	else
		snprintf(b, sizeof(buf[0]), "the peer failed");
	return b;
}

/* MB/s (10^6 bytes per second) of a run, or -1 when it has no rate. */
static double mbps(const struct perf_run *r)
{
	double bps;
	if (perf_throughput(r->bytes, r->elapsed_ns, &bps) == -1)
		return -1;
	return bps / 1e6;
}

/* The same for the baseline and memcpy, computed here: the yardsticks do
 * not depend on the code they measure. */
static double plain_mbps(uint64_t bytes, int64_t elapsed_ns)
{
	return elapsed_ns > 0 ? (double)bytes * 1e3 / (double)elapsed_ns : -1;
}

/* The ratio of a measurement to its baseline, printed with a mark when
 * they differ by more than 10%. */
static void print_ratio(double ref, double base)
{
	if (ref <= 0 || base <= 0) {
		printf("  %8s\n", "-");
		return;
	}
	double q = ref / base;
	printf("  %8.2f%s\n", q, q < 0.9 || q > 1.1 ? " *" : "");
}

static void print_latency(const struct options *o, enum perf_transport kind,
			  const struct figure *f)
{
	const char *name = perf_transport_name(kind);
	double base_mean = f->base.ok ? (double)f->base.run.elapsed_ns /
					(double)o->rounds : -1;
	if (o->kv) {
		if (f->ref.ok && f->have_lat)
			printf("latency transport=%s size=1 rounds=%ld warmup=%ld "
			       "min_ns=%lld p50_ns=%lld p90_ns=%lld p99_ns=%lld "
			       "max_ns=%lld mean_ns=%.1f elapsed_ns=%lld\n", name,
			       o->rounds, o->warmup, (long long)f->lat.min_ns,
			       (long long)f->lat.p50_ns, (long long)f->lat.p90_ns,
			       (long long)f->lat.p99_ns, (long long)f->lat.max_ns,
			       f->lat.mean_ns, (long long)f->ref.run.elapsed_ns);
		else
			printf("error what=latency transport=%s errno=%s\n", name,
			       f->ref.err ? errno_name(f->ref.err) : "peer");
		if (o->baseline && f->base.ok)
			printf("latency_base transport=%s size=1 rounds=%ld "
			       "elapsed_ns=%lld mean_ns=%.1f\n", name, o->rounds,
			       (long long)f->base.run.elapsed_ns, base_mean);
		else if (o->baseline)
			printf("error what=latency_base transport=%s errno=%s\n",
			       name, f->base.err ? errno_name(f->base.err) : "peer");
		return;
	}
	printf("%-15s", name);
	if (f->ref.ok && f->have_lat)
		printf(" %8.2f %8.2f %8.2f %9.2f %8.2f", f->lat.p50_ns / 1e3,
		       f->lat.p90_ns / 1e3, f->lat.p99_ns / 1e3,
		       f->lat.max_ns / 1e3, f->lat.mean_ns / 1e3);
	else
		printf(" %-44s", why(&f->ref));
	if (!o->baseline) {
		printf("\n");
		return;
	}
	if (f->base.ok)
		printf(" | %10.2f", base_mean / 1e3);
	else
		printf(" | %s", why(&f->base));
	print_ratio(f->ref.ok && f->have_lat ? f->lat.mean_ns : -1, base_mean);
}

static void print_throughput(const struct options *o, enum perf_transport kind,
			     size_t size, const struct figure *f)
{
	const char *name = perf_transport_name(kind);
	double ref = f->ref.ok ? mbps(&f->ref.run) : -1;
	double base = f->base.ok ? plain_mbps(f->base.run.bytes,
					      f->base.run.elapsed_ns) : -1;
	if (o->kv) {
		if (f->ref.ok && ref >= 0)
			printf("throughput transport=%s size=%zu messages=%ld bytes=%llu "
			       "elapsed_ns=%lld MBps=%.3f\n", name, size,
			       f->ref.run.messages, (unsigned long long)f->ref.run.bytes,
			       (long long)f->ref.run.elapsed_ns, ref);
		else
			printf("error what=throughput transport=%s size=%zu errno=%s\n",
			       name, size, f->ref.err ? errno_name(f->ref.err) : "peer");
		if (o->baseline && f->base.ok && base >= 0)
			printf("throughput_base transport=%s size=%zu bytes=%llu "
			       "elapsed_ns=%lld MBps=%.3f\n", name, size,
			       (unsigned long long)f->base.run.bytes,
			       (long long)f->base.run.elapsed_ns, base);
		else if (o->baseline)
			printf("error what=throughput_base transport=%s size=%zu "
			       "errno=%s\n", name, size,
			       f->base.err ? errno_name(f->base.err) : "peer");
		return;
	}
	printf("%-15s %6zu", name, size);
	if (f->ref.ok && ref >= 0)
		printf(" %9ld %11llu %9.4f %9.1f", f->ref.run.messages,
		       (unsigned long long)f->ref.run.bytes,
		       f->ref.run.elapsed_ns / 1e9, ref);
	else
		printf(" %-41s", why(&f->ref));
	if (!o->baseline) {
		printf("\n");
		return;
	}
	if (f->base.ok)
		printf(" | %9.1f", base);
	else
		printf(" | %s", why(&f->base));
	print_ratio(ref, base);
}

/* ---- memcpy, the physical limit ---------------------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds, read here for the same reason. */
static int64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Copies bytes in all, block bytes at a time, between two buffers. The
 * destination is read back after the loop so that the copies cannot be
 * optimised away. Returns the rate in MB/s, or -1. */
static double memcpy_rate(size_t block, uint64_t bytes, struct perf_run *r)
{
	char *src = malloc(block), *dst = malloc(block);
	if (src == NULL || dst == NULL) {
		free(src);
		free(dst);
		return -1;
	}
	memset(src, 'm', block);
	memset(dst, 0, block);
	uint64_t copies = bytes / block ? bytes / block : 1;
	int64_t t0 = clock_ns();
	for (uint64_t i = 0; i < copies; i++) {
		memcpy(dst, src, block);
		/* The compiler may not drop or merge the copies. */
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	int64_t t1 = clock_ns();
	volatile char sink = dst[block - 1];
	(void)sink;
	free(src);
	free(dst);
	*r = (struct perf_run){.t_start_ns = t0, .t_end_ns = t1,
			       .elapsed_ns = t1 - t0, .bytes = copies * block,
			       .messages = (long)copies};
	return plain_mbps(r->bytes, r->elapsed_ns);
}

/* "64 KiB", "64 MiB", or the count of bytes. */
static const char *human(size_t n)
{
	static char buf[32];
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, sizeof(buf), "%zuM", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, sizeof(buf), "%zuK", n >> 10);
	else
		snprintf(buf, sizeof(buf), "%zu", n);
	return buf;
}

static void print_memcpy(const struct options *o)
{
	static const size_t blocks[] = {64 * 1024, 64 * 1024 * 1024};
	if (!o->kv)
		printf("\nmemcpy, the physical limit (a transfer copies every byte "
		       "twice: user -> kernel -> user)\n%-15s %6s %9s %11s %9s %9s\n",
		       "", "block", "copies", "bytes", "seconds", "MB/s");
	for (size_t k = 0; k < 2; k++) {
		size_t block = blocks[k];
		if (block > o->memcpy_bytes)
			block = (size_t)o->memcpy_bytes;
		struct perf_run r = {0}, run;
		double best = -1;
		for (long rep = 0; rep < o->repeat; rep++) {
			double v = memcpy_rate(block, o->memcpy_bytes, &run);
			if (v > best) {
				best = v;
				r = run;
			}
		}
		if (best < 0) {
			failures++;
			if (o->kv)
				printf("error what=memcpy block=%zu errno=%s\n", block,
				       errno_name(errno));
			else
				printf("%-15s %6zu %s\n", "memcpy", block, strerror(errno));
			continue;
		}
		if (o->kv)
			printf("memcpy block=%zu bytes=%llu elapsed_ns=%lld MBps=%.3f\n",
			       block, (unsigned long long)r.bytes,
			       (long long)r.elapsed_ns, best);
		else
			printf("%-15s %6s %9ld %11llu %9.4f %9.1f\n", "memcpy",
			       human(block), r.messages,
			       (unsigned long long)r.bytes, r.elapsed_ns / 1e9, best);
	}
}

/* ---- UNIX against TCP ---------------------------------------------------------------------- */

static void ratio_header(int *done)
{
	if (!*done)
		printf("\nUNIX against TCP loopback (above 1: the UNIX socket does "
		       "better)\n");
	*done = 1;
}

static void print_ratios(const struct options *o, struct figure lat[],
			 struct figure thr[][MAX_SIZES])
{
	int tcp = -1;
	for (int t = 0; t < o->ntransports; t++)
		if (o->transports[t] == PERF_TCP)
			tcp = t;
	if (tcp < 0)
		return;
	int header = o->kv;
	for (int t = 0; t < o->ntransports; t++) {
		int kind = o->transports[t];
		if (kind != PERF_UNIX_STREAM && kind != PERF_UNIX_SEQPACKET)
			continue;
		const char *name = perf_transport_name(kind);
		if (o->latency && lat[t].have_lat && lat[tcp].have_lat &&
		    lat[t].lat.p50_ns > 0) {
			double q = (double)lat[tcp].lat.p50_ns / (double)lat[t].lat.p50_ns;
			double q99 = lat[t].lat.p99_ns > 0 ? (double)lat[tcp].lat.p99_ns /
				     (double)lat[t].lat.p99_ns : 0;
			ratio_header(&header);
			if (o->kv)
				printf("ratio metric=latency_p50 num=tcp den=%s value=%.3f\n"
				       "ratio metric=latency_p99 num=tcp den=%s value=%.3f\n",
				       name, q, name, q99);
			else
				printf("  %-15s latency p50 %.2fx, p99 %.2fx (tcp / %s)\n",
				       name, q, q99, name);
		}
		for (int s = 0; o->throughput && s < o->nsizes; s++) {
			double u = thr[t][s].ref.ok ? mbps(&thr[t][s].ref.run) : -1;
			double c = thr[tcp][s].ref.ok ? mbps(&thr[tcp][s].ref.run) : -1;
			if (u <= 0 || c <= 0)
				continue;
			ratio_header(&header);
			if (o->kv)
				printf("ratio metric=throughput size=%zu num=%s den=tcp "
				       "value=%.3f\n", o->sizes[s], name, u / c);
			else
				printf("  %-15s throughput %6zu B: %.2fx (%s / tcp)\n",
				       name, o->sizes[s], u / c, name);
		}
	}
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	report_init(argv[0]);
	struct options o;
	parse_options(argc, argv, &o);
	/* A peer that died must give EPIPE, not kill the measuring side. */
	signal(SIGPIPE, SIG_IGN);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t all;
	if (sched_getaffinity(0, sizeof(all), &all) == -1)
		CPU_ZERO(&all);
	if (o.cpu_measure == CPU_SAME) {
		o.cpu_measure = o.cpu_peer = -1;
		for (int c = 0; c < CPU_SETSIZE && o.cpu_measure < 0; c++)
			if (CPU_ISSET(c, &all))
				o.cpu_measure = o.cpu_peer = c;
	}
	if (o.cpu_measure >= 0 &&
	    (pin(o.cpu_peer) == -1 || pin(o.cpu_measure) == -1)) {
		report_errno(errno, "cannot pin to CPUs %d,%d; running unpinned",
			     o.cpu_measure, o.cpu_peer);
		sched_setaffinity(0, sizeof(all), &all);
		o.cpu_measure = o.cpu_peer = -1;
	}
	char pinned[32] = "none";
	if (o.cpu_measure >= 0)
		snprintf(pinned, sizeof(pinned), "%d,%d", o.cpu_measure, o.cpu_peer);

	if (o.kv)
		printf("config cpus=%ld pinned=%s rounds=%ld warmup=%ld messages=%ld "
		       "stream_bytes=%llu repeat=%ld baseline=%d\n", cpus, pinned,
		       o.rounds, o.warmup, o.messages,
		       (unsigned long long)o.stream_bytes, o.repeat, o.baseline);
	else
		printf("bench: %ld CPUs, measuring side and peer pinned to CPUs %s; "
		       "each figure is the best of %ld run%s%s\n", cpus, pinned,
		       o.repeat, o.repeat > 1 ? "s" : "", o.baseline ?
		       ", each run in turn with the baseline loop (baseline.c)" : "");

	static struct figure lat[PERF_NTRANSPORTS];
	static struct figure thr[PERF_NTRANSPORTS][MAX_SIZES];
	if (o.latency) {
		if (!o.kv)
			printf("\nlatency of a 1-byte round trip, microseconds (%ld timed "
			       "after %ld warm-up)\n%-15s %8s %8s %8s %9s %8s%s\n",
			       o.rounds, o.warmup, "transport", "p50", "p90", "p99",
			       "max", "mean", o.baseline ? " |  base mean  ref/base" : "");
		for (int t = 0; t < o.ntransports; t++) {
			struct job_args j = {.job = JOB_PINGPONG, .size = 1,
					     .warmup = o.warmup, .rounds = o.rounds};
			measure(&o, o.transports[t], j, &lat[t]);
			failures += !lat[t].ref.ok || (o.baseline && !lat[t].base.ok);
			print_latency(&o, o.transports[t], &lat[t]);
			fflush(stdout);
		}
	}
	if (o.throughput) {
		if (!o.kv)
			printf("\nthroughput, MB/s (10^6 bytes/s; at most %ld messages or "
			       "%llu bytes per stream)\n%-15s %6s %9s %11s %9s %9s%s\n",
			       o.messages, (unsigned long long)o.stream_bytes,
			       "transport", "size", "messages", "bytes", "seconds",
			       "MB/s", o.baseline ? " |  base MB/s  ref/base" : "");
		for (int t = 0; t < o.ntransports; t++)
			for (int s = 0; s < o.nsizes; s++) {
				uint64_t total = (uint64_t)o.messages * o.sizes[s];
				if (total > o.stream_bytes)
					total = o.stream_bytes;
				struct job_args j = {.job = JOB_STREAM, .size = o.sizes[s],
						     .total = total};
				measure(&o, o.transports[t], j, &thr[t][s]);
				failures += !thr[t][s].ref.ok ||
					    (o.baseline && !thr[t][s].base.ok);
				print_throughput(&o, o.transports[t], o.sizes[s], &thr[t][s]);
				fflush(stdout);
			}
	}
	if (o.memcpy_)
		print_memcpy(&o);
	print_ratios(&o, lat, thr);
	if (!o.kv && o.baseline)
		printf("\nref/base: your measurement's figure over the baseline's "
		       "(mean round trip; MB/s).\n* marks a difference above 10%%: "
		       "on a busy machine run again, or with --repeat 5.\n");
	if (fflush(stdout) == EOF)
		return 1;
	return failures ? 1 : 0;
}
