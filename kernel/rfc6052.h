/* SPDX-License-Identifier: GPL-2.0 */
/* RFC 6052 IPv4-embedded IPv6 addresses. Pure core. */
#ifndef _NAT64_RFC6052_H
#define _NAT64_RFC6052_H

#include "core.h"

/* Is @plen one of the prefix lengths RFC 6052 §2.2 allows? */
bool rfc6052_plen_valid(unsigned int plen);

enum rfc6052_prefix_error {
	RFC6052_PREFIX_OK,
	RFC6052_PREFIX_BAD_LEN,		/* not 32, 40, 48, 56, 64 or 96 */
	RFC6052_PREFIX_HOST_BITS,	/* bits set past the length */
	RFC6052_PREFIX_U_OCTET,		/* bits 64..71 not zero */
};

/* Check a prefix for configuration. */
enum rfc6052_prefix_error rfc6052_prefix_check(const u8 prefix[16],
					       unsigned int plen);

/* Does @addr lie inside @prefix/@plen (plen a valid RFC 6052 length)? */
bool rfc6052_match(const u8 prefix[16], unsigned int plen, const u8 addr[16]);

/* Build the IPv6 address embedding @v4 in @prefix/@plen (u-octet zero). */
void rfc6052_embed(const u8 prefix[16], unsigned int plen, const u8 v4[4],
		   u8 out[16]);

/* Extract the IPv4 address embedded in @addr under a prefix of @plen. */
void rfc6052_extract(unsigned int plen, const u8 addr[16], u8 v4[4]);

#endif /* _NAT64_RFC6052_H */
