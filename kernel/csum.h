/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One's complement arithmetic for the Internet checksum (RFC 1071) and its
 * incremental update (RFC 1624), on host-order 16-bit words read from
 * big-endian buffers. Pure core.
 */
#ifndef _NAT64_CSUM_H
#define _NAT64_CSUM_H

#include "core.h"

/* Add the 16-bit big-endian words of @len bytes at @p to @sum. */
static inline u32 xl_csum_add_bytes(u32 sum, const u8 *p, u32 len)
{
	u32 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += xl_get16(p + i);
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

/* Subtract the words of @len (even) bytes at @p from @sum. */
static inline u32 xl_csum_sub_bytes(u32 sum, const u8 *p, u32 len)
{
	u32 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u16)~xl_get16(p + i);
	return sum;
}

static inline u16 xl_csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/*
 * Apply a difference @delta (a one's complement sum of added words and of
 * the complements of removed words) to the checksum field at @field.
 *
 * @partial: the field holds the not yet complemented pseudo-header sum of a
 * packet whose checksum a device will finish (Linux CHECKSUM_PARTIAL), so
 * the difference is added to it directly. Otherwise the field is a complete
 * checksum and RFC 1624 eqn. 3 applies: HC' = ~(~HC + ~m + m'). A checksum
 * that was wrong before stays wrong by the same amount.
 */
static inline void xl_csum_apply(u8 *field, u32 delta, bool partial)
{
	u16 old = xl_get16(field);

	if (partial)
		xl_put16(field, xl_csum_fold((u32)old + xl_csum_fold(delta)));
	else
		xl_put16(field, (u16)~xl_csum_fold((u16)~old +
						    xl_csum_fold(delta)));
}

#endif /* _NAT64_CSUM_H */
