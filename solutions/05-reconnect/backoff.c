/* backoff.c: capped exponential backoff with jitter, for reconnecting.
 *
 * The seed waited a fixed 3 s (plus its 1 s tick) before every connect
 * attempt: far too long when the daemon is back at once, and no gentler
 * when it stays away (flaw 5). Here the first retry comes after a few
 * milliseconds, each failure doubles the wait up to a cap, and a random
 * spread (jitter) keeps many clients that lost the same daemon from
 * knocking again all in the same instant. */
#include <errno.h>

#include "reconnect.h"

int backoff_init(struct backoff *b, unsigned base_ms, unsigned cap_ms,
		 double jitter)
{
	/* !(jitter >= 0) also refuses a NaN. */
	if (b == NULL || base_ms == 0 || cap_ms < base_ms || !(jitter >= 0) ||
	    jitter >= 1) {
		errno = EINVAL;
		return -1;
	}
	b->base_ms = base_ms;
	b->cap_ms = cap_ms;
	b->jitter = jitter;
	b->attempt = 0;
	return 0;
}

/* min(base * 2^k, cap), doubling step by step so that nothing overflows
 * however large k grows: it stops as soon as the cap is reached. */
static double nominal(const struct backoff *b)
{
	double n = b->base_ms;
	for (unsigned k = 0; k < b->attempt && n < b->cap_ms; k++)
		n *= 2;
	return n < b->cap_ms ? n : b->cap_ms;
}

long backoff_next(struct backoff *b, struct rng *rng)
{
	if (b == NULL || rng == NULL) {
		errno = EINVAL;
		return -1;
	}
	double n = nominal(b);
	double u = 2 * rng_unit(rng) - 1;
	double d = n * (1 + b->jitter * u);
	if (d > b->cap_ms)
		d = b->cap_ms;
	/* Once the nominal delay has reached the cap, k no longer matters:
	 * keep it from wrapping around after 2^32 failures. */
	if (n < b->cap_ms)
		b->attempt++;
	/* d >= 0 here: adding a half and truncating rounds to nearest. */
	return (long)(d + 0.5);
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
