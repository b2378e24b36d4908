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
	/* TODO(lab05): check the arguments, then fill *b.
	 *
	 *   b NULL, base_ms == 0, cap_ms < base_ms, or jitter not in [0, 1)
	 *       -> errno = EINVAL, return -1   (!(jitter >= 0) also catches NaN)
	 *   b->base_ms = base_ms; b->cap_ms = cap_ms; b->jitter = jitter;
	 *   b->attempt = 0;
	 *   return 0; */
	(void)b;
	(void)base_ms;
	(void)cap_ms;
	(void)jitter;
	errno = ENOSYS;
	return -1;
}

long backoff_next(struct backoff *b, struct rng *rng)
{
	/* TODO(lab05): the next delay in ms, then one more attempt.
	 *
	 *   b or rng NULL -> errno = EINVAL, return -1
	 *   n = nominal(k) = min(base_ms * 2^k, cap_ms), k = b->attempt.
	 *       Never compute base_ms << k: it overflows (and k >= 32 is
	 *       undefined). Double step by step in a double (or a 64-bit
	 *       integer) and stop as soon as the cap is reached.
	 *   u = 2 * rng_unit(rng) - 1;              exactly one draw, in [-1, 1)
	 *   d = n * (1 + b->jitter * u);
	 *   if (d > b->cap_ms) d = b->cap_ms;       never above the cap
	 *   if (n < b->cap_ms) b->attempt++;        (k may stop at the cap)
	 *   return (long)(d + 0.5);                 rounded, d >= 0 */
	(void)b;
	(void)rng;
	errno = ENOSYS;
	return -1;
}

void backoff_reset(struct backoff *b)
{
	/* TODO(lab05): after a connection that worked, start again from
	 * nominal(0):  b->attempt = 0; */
	(void)b;
}
