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
#define PA_KEEP_CLASS	0x1	/* below 1024 stays below, 1024 and up stay up */
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

/*
 * Port range preservation (RFC 6146 §3.5.1.1): the ports of @r a mapping
 * of source port @sport keeps to, [*@lo, *@hi]: below 1024 for a source
 * port below 1024, 1024 and up for the others, where @r has both;
 * otherwise all of @r's.
 */
void pa_class(const struct pa_range *r, u16 sport, u32 *lo, u32 *hi);

/*
 * Port blocks: each address of @r has pa_blk_per_addr() blocks of @size
 * consecutive ports from r->port_lo (ports past the last whole block
 * are left over); block number @idx (0..naddr * per_addr - 1) is block
 * idx % per_addr of address idx / per_addr.
 */
static inline u32 pa_blk_per_addr(const struct pa_range *r, u16 size)
{
	return ((u32)r->port_hi - r->port_lo + 1) / size;
}

static inline void pa_blk_at(const struct pa_range *r, u16 size,
			     u32 per_addr, u32 idx, u32 *addr, u16 *port_lo)
{
	*addr = r->addr + idx / per_addr;
	*port_lo = (u16)(r->port_lo + idx % per_addr * size);
}

/* The block number of @addr (host order) and @port, if one has them. */
static inline bool pa_blk_index(const struct pa_range *r, u16 size,
				u32 per_addr, u32 addr, u16 port, u32 *idx)
{
	u32 a = addr - r->addr, j;

	if (a >= r->naddr || port < r->port_lo)
		return false;
	j = (u32)(port - r->port_lo) / size;
	if (j >= per_addr)
		return false;
	*idx = a * per_addr + j;
	return true;
}

/*
 * Deterministic NAT (RFC 7422): a subscriber's IPv4 address and port
 * range follow from its place in an IPv6 prefix, by a formula both ways;
 * nothing is stored per subscriber.
 *
 * The N = 2^(sublen - plen) subscribers (/sublen prefixes) of the IPv6
 * prefix/plen are numbered 0..N-1 in address order (index i: bits
 * plen..sublen-1 of the address). With naddr addresses and
 * nports = port_hi - port_lo + 1 ports each:
 *	K = ceil(N / naddr)	subscribers per address,
 *	P = floor(nports / K)	ports per subscriber,
 *	subscriber i: address addr + i / K,
 *	              ports port_lo + (i % K) * P .. that + P - 1
 * Left over, and given to nobody: the top nports - K * P ports of every
 * address, and on the last address used ((N - 1) / K) the ranges of the
 * K * ceil(N / K) - N indices past N - 1, and the addresses after it.
 * Valid when sublen > plen and P >= 1 (so N <= 2^31).
 */
struct pa_det {
	u32 addr;		/* first address, host order */
	u32 naddr;		/* number of addresses, >= 1 */
	u16 port_lo, port_hi;	/* inclusive, lo <= hi */
	u8 prefix[16];		/* IPv6 prefix, no bits set past plen */
	u8 plen;		/* its length */
	u8 sublen;		/* a subscriber is a /sublen */
};

/* What pa_det_shape() computes, from which the rest follows. */
struct pa_det_shape {
	u32 nsubs;		/* N */
	u32 per_addr;		/* K */
	u32 ports;		/* P */
};

enum pa_det_err {
	PA_DET_OK,
	PA_DET_SUBLEN,		/* sublen is not longer than plen */
	PA_DET_TOO_MANY,	/* P would be 0: too many subscribers */
};

enum pa_det_err pa_det_shape(const struct pa_det *d, struct pa_det_shape *sh);
/* Is @addr6 in @d's prefix? Then *@i is its subscriber's index. */
bool pa_det_index(const struct pa_det *d, const u8 addr6[16], u32 *i);
/* Subscriber @i (< N): its address (host order) and ports. */
void pa_det_forward(const struct pa_det *d, const struct pa_det_shape *sh,
		    u32 i, u32 *addr, u16 *port_lo, u16 *port_hi);
/* Whose are @addr (host order) and @port? False: nobody's (left over). */
bool pa_det_reverse(const struct pa_det *d, const struct pa_det_shape *sh,
		    u32 addr, u16 port, u32 *i);
/* Subscriber @i's prefix (/sublen) into @out. */
void pa_det_prefix(const struct pa_det *d, u32 i, u8 out[16]);

#endif /* _NAT64_PORTALLOC_H */
