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

/* Is @prefix/@plen the Well-Known Prefix 64:ff9b::/96 (RFC 6052 §2.1)? */
bool rfc6052_is_wkp(const u8 prefix[16], unsigned int plen);

/*
 * Is @v4 a non-global IPv4 address, one the Well-Known Prefix must not
 * carry (RFC 6052 §3.1)? The networks of the IANA IPv4 Special-Purpose
 * Address Registry that are not globally reachable (RFC 5735 §3,
 * RFC 6598, RFC 6890): 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
 * 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16,
 * 198.18/15, 198.51.100/24, 203.0.113/24, 240/4, 255.255.255.255.
 */
bool rfc6052_v4_nonglobal(const u8 v4[4]);

#endif /* _NAT64_RFC6052_H */
