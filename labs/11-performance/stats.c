/* stats.c: percentiles, a latency summary, and throughput.
 *
 * A latency distribution has a long right tail: most round trips take
 * about the same time, a few take ten or a hundred times longer (the peer
 * was not running, an interrupt came, the other core was busy). The mean
 * mixes the two and describes neither, so latency is reported as
 * percentiles of the sorted samples: p50, the typical round trip, and p99,
 * the one that one request in a hundred waits for. */
#include <errno.h>
#include <stdlib.h>

#include "performance.h"

int perf_percentile(const int64_t *sorted, size_t n, unsigned permille,
		    int64_t *out)
{
	/* TODO(lab11): the nearest-rank percentile of sorted samples.
	 *
	 *   sorted or out NULL, n == 0, permille > 1000 -> EINVAL, return -1
	 *   rank = ((uint64_t)permille * n + 999) / 1000;   ceil, in integers
	 *   rank == 0 -> rank = 1;                          (p0 is the minimum)
	 *   *out = sorted[rank - 1];                        ranks count from 1
	 *   return 0;
	 * Check by hand: 1..10, p50 -> rank 5 -> 5; p99 -> rank 10 -> 10. */
	(void)sorted;
	(void)n;
	(void)permille;
	(void)out;
	errno = ENOSYS;
	return -1;
}

int perf_summarize(int64_t *samples, size_t n, struct perf_latency *out)
{
	/* TODO(lab11): sort, then read the summary off the sorted samples.
	 *
	 *   samples or out NULL, n == 0 -> EINVAL
	 *   qsort(samples, n, sizeof(samples[0]), cmp);   ascending, in place;
	 *       write cmp yourself: return (x > y) - (x < y) for the two
	 *       int64_t values (x - y can overflow an int)
	 *   out->n = n; out->min_ns = samples[0]; out->max_ns = samples[n - 1];
	 *   out->mean_ns = (sum of the samples, as a double) / n;
	 *   perf_percentile(samples, n, PERF_P50, &out->p50_ns), and the same
	 *   for PERF_P90 -> p90_ns and PERF_P99 -> p99_ns.
	 *   return 0;
	 * Never derive a percentile from the mean (mean + k * deviation): a
	 * latency distribution is not symmetric. */
	(void)samples;
	(void)n;
	(void)out;
	errno = ENOSYS;
	return -1;
}

int perf_throughput(uint64_t bytes, int64_t elapsed_ns, double *bytes_per_s)
{
	/* TODO(lab11): bytes per second, in floating point.
	 *
	 *   elapsed_ns <= 0 or bytes_per_s NULL -> EINVAL
	 *   *bytes_per_s = (double)bytes * 1e9 / (double)elapsed_ns;
	 *   return 0;
	 * Convert to double BEFORE dividing: with integers, a transfer that
	 * took less than a second would divide by zero. */
	(void)bytes;
	(void)elapsed_ns;
	(void)bytes_per_s;
	errno = ENOSYS;
	return -1;
}
