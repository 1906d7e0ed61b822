// SPDX-License-Identifier: GPL-2.0
#include "portalloc.h"

void pa_candidate(const struct pa_range *r, u32 addr_hash, u32 key_hash,
		  u16 sport, unsigned int attempt, u32 *addr, u16 *port)
{
	u32 nports = (u32)r->port_hi - r->port_lo + 1;

	*addr = r->addr + addr_hash % r->naddr;
	if (attempt == 0 && sport >= r->port_lo && sport <= r->port_hi) {
		*port = sport;
		return;
	}
	*port = (u16)(r->port_lo + (key_hash + attempt) % nports);
}
