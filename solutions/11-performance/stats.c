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
	if (sorted == NULL || out == NULL || n == 0 || permille > 1000) {
		errno = EINVAL;
		return -1;
	}
	/* Nearest rank, in integers: ceil(permille * n / 1000), at least 1. */
	uint64_t rank = ((uint64_t)permille * n + 999) / 1000;
	if (rank == 0)
		rank = 1;
	*out = sorted[rank - 1];
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	/* Not x - y: a difference of two int64_t can overflow an int. */
	return (x > y) - (x < y);
}

int perf_summarize(int64_t *samples, size_t n, struct perf_latency *out)
{
	if (samples == NULL || out == NULL || n == 0) {
		errno = EINVAL;
		return -1;
	}
	qsort(samples, n, sizeof(samples[0]), cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)samples[i];
	out->n = n;
	out->min_ns = samples[0];
	out->max_ns = samples[n - 1];
	out->mean_ns = sum / (double)n;
	/* The arguments are valid now, so these cannot fail. */
	perf_percentile(samples, n, PERF_P50, &out->p50_ns);
	perf_percentile(samples, n, PERF_P90, &out->p90_ns);
	perf_percentile(samples, n, PERF_P99, &out->p99_ns);
	return 0;
}

int perf_throughput(uint64_t bytes, int64_t elapsed_ns, double *bytes_per_s)
{
	if (elapsed_ns <= 0 || bytes_per_s == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* In floating point from the start: bytes / (elapsed_ns / 1e9) with
	 * integers would divide by zero below one second, and truncate above. */
	*bytes_per_s = (double)bytes * 1e9 / (double)elapsed_ns;
	return 0;
}
