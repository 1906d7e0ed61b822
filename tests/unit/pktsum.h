/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums computed from scratch, independently of the core's
 * incremental arithmetic, to check what it produces.
 */
#ifndef _NAT64_PKTSUM_H
#define _NAT64_PKTSUM_H

#include "core.h"

/* One's complement sum of big-endian 16-bit words (RFC 1071). */
static inline u32 sum_bytes(const u8 *p, size_t n, u32 s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (u32)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (u32)p[n - 1] << 8;
	return s;
}

static inline u16 fold(u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u16)s;
}

/* Pseudo-header sums of the IPv6 / IPv4 header at the given buffer. */
static inline u32 pseudo6(const u8 *ip6, u32 len, u8 nh)
{
	return sum_bytes(ip6 + 8, 32, 0) + (len >> 16) + (len & 0xffff) + nh;
}

static inline u32 pseudo4(const u8 *ip4, u32 len, u8 proto)
{
	return sum_bytes(ip4 + 12, 8, 0) + len + proto;
}

#endif /* _NAT64_PKTSUM_H */
