/* rng.c: a tiny seeded random generator for the backoff's jitter (given).
 *
 * rand() shares one hidden state with everything else in the process, so
 * a test could not replay a sequence of delays. This generator lives in a
 * struct the caller owns: the same seed gives the same delays every time.
 * The algorithm is splitmix64 (Steele, Lea and Flood, 2014), which fills
 * all 64 bits well even from seeds such as 0, 1, 2. */
#include "reconnect.h"

void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double rng_unit(struct rng *r)
{
	/* The top 53 bits fill a double's mantissa exactly: every value is
	 * a multiple of 2^-53 in [0, 1), and 1.0 itself never comes out. */
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}
