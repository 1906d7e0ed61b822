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

void pa_candidate(const struct pa_range *r, u32 addr_hash, u32 key_hash,
		  u16 sport, bool keep_class, unsigned int attempt, u32 *addr,
		  u16 *port)
{
	u32 lo = r->port_lo, hi = r->port_hi;

	*addr = r->addr + addr_hash % r->naddr;
	if (keep_class)
		sub_range(r, sport, &lo, &hi);
	if (attempt == 0 && sport >= lo && sport <= hi) {
		*port = sport;
		return;
	}
	*port = (u16)(lo + (key_hash + attempt) % (hi - lo + 1));
}
