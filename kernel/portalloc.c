// SPDX-License-Identifier: GPL-2.0
#include "portalloc.h"

/*
 * RFC 6146 §3.5.1.1 / RFC 4787 REQ-3: a source port below 1024 gets a
 * port below 1024, one above gets one above, where the pool has both;
 * otherwise the whole range.
 */
static void sub_range(const struct pa_range *r, u16 sport, u32 *lo, u32 *hi)
{
	*lo = r->port_lo;
	*hi = r->port_hi;
	if (sport < 1024 && r->port_lo < 1024)
		*hi = r->port_hi < 1023 ? r->port_hi : 1023;
	else if (sport >= 1024 && r->port_hi >= 1024)
		*lo = r->port_lo > 1024 ? r->port_lo : 1024;
}

static u32 gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * A step near n/phi that is coprime with @n: successive attempts land far
 * apart and never on the same port twice.
 */
static u32 coprime_step(u32 n)
{
	u32 s = (u32)((u64)n * 40503 >> 16) | 1;

	while (gcd(s, n) != 1)
		s += 2;
	return s;
}

void pa_candidate(const struct pa_range *r, u32 addr_hash, u32 key_hash,
		  u16 sport, unsigned int flags, unsigned int attempt,
		  u32 *addr, u16 *port)
{
	u32 lo = r->port_lo, hi = r->port_hi, step, n;

	*addr = r->addr + addr_hash % r->naddr;
	if (flags & PA_KEEP_CLASS)
		sub_range(r, sport, &lo, &hi);
	if (attempt == 0 && sport >= lo && sport <= hi) {
		*port = sport;
		return;
	}
	/*
	 * Sequential: the next ports in order. Random: spread over the
	 * range (a multiplicative step), so that a run of used ports, such
	 * as another host's preserved ones, does not use up the attempts.
	 */
	n = hi - lo + 1;
	step = flags & PA_SEQUENTIAL ? 1 : coprime_step(n);
	*port = (u16)(lo + ((u64)key_hash + (u64)attempt * step) % n);
}
