/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing the IPv4 transport address for a new mapping. Pure core: it
 * proposes candidates, the caller checks them against its tables. NAT runs
 * in softirq, so the search is bounded (PA_MAX_ATTEMPTS) instead of
 * scanning a whole range.
 */
#ifndef _NAT64_PORTALLOC_H
#define _NAT64_PORTALLOC_H

#include "core.h"

#define PA_MAX_ATTEMPTS	64

/* pa_candidate() flags */
#define PA_KEEP_CLASS	0x1	/* below 1024 stays below, above above */
#define PA_SEQUENTIAL	0x2	/* try ports in order from @key_hash */

struct pa_range {
	u32 addr;		/* first address, host order */
	u32 naddr;		/* number of addresses, >= 1 */
	u16 port_lo, port_hi;	/* inclusive, lo <= hi */
};

/*
 * Candidate number @attempt (0..PA_MAX_ATTEMPTS-1) for a flow whose source
 * address hashes to @addr_hash and whose full key hashes to @key_hash.
 * All of a host's flows use one pool address (RFC 4787 "paired" pooling);
 * the first candidate keeps the source port when the range has it (port
 * preservation), the rest spread over the range from a point @key_hash
 * picks (PA_SEQUENTIAL: walk it in order from @key_hash), below 1024 for
 * source ports below 1024 and above for the others where the range
 * allows and PA_KEEP_CLASS asks for it (port range preservation: TCP and
 * UDP; ICMP identifiers have no such classes).
 */
void pa_candidate(const struct pa_range *r, u32 addr_hash, u32 key_hash,
		  u16 sport, unsigned int flags, unsigned int attempt,
		  u32 *addr, u16 *port);

#endif /* _NAT64_PORTALLOC_H */
