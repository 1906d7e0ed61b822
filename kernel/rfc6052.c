// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6052 §2.2: the IPv4 address follows the prefix, skipping bits 64..71
 * (the u-octet, which must be zero), and the suffix is zero.
 */
#include "rfc6052.h"

bool rfc6052_plen_valid(unsigned int plen)
{
	switch (plen) {
	case 32: case 40: case 48: case 56: case 64: case 96:
		return true;
	}
	return false;
}

/* Byte positions in the IPv6 address of the four IPv4 bytes. */
static void v4_positions(unsigned int plen, unsigned int pos[4])
{
	unsigned int i, b = plen / 8;

	for (i = 0; i < 4; i++, b++) {
		if (b == 8)	/* the u-octet */
			b++;
		pos[i] = b;
	}
}

enum rfc6052_prefix_error rfc6052_prefix_check(const u8 prefix[16],
					       unsigned int plen)
{
	unsigned int i;

	if (!rfc6052_plen_valid(plen))
		return RFC6052_PREFIX_BAD_LEN;
	/* The u-octet first: with plen 96 it is inside the prefix. */
	if (prefix[8])
		return RFC6052_PREFIX_U_OCTET;
	for (i = plen / 8; i < 16; i++)
		if (prefix[i])
			return RFC6052_PREFIX_HOST_BITS;
	return RFC6052_PREFIX_OK;
}

bool rfc6052_match(const u8 prefix[16], unsigned int plen, const u8 addr[16])
{
	unsigned int pos[4];

	if (memcmp(prefix, addr, plen / 8))
		return false;
	/*
	 * RFC 6052 §2.2: the u-octet is zero, and so is the suffix; an
	 * address with anything else there embeds no IPv4 address.
	 */
	if (plen != 96 && addr[8])
		return false;
	v4_positions(plen, pos);
	if (plen < 96) {
		unsigned int i;

		for (i = pos[3] + 1; i < 16; i++)
			if (addr[i])
				return false;
	}
	return true;
}

void rfc6052_embed(const u8 prefix[16], unsigned int plen, const u8 v4[4],
		   u8 out[16])
{
	unsigned int pos[4], i;

	memset(out, 0, 16);
	memcpy(out, prefix, plen / 8);
	v4_positions(plen, pos);
	for (i = 0; i < 4; i++)
		out[pos[i]] = v4[i];
}

void rfc6052_extract(unsigned int plen, const u8 addr[16], u8 v4[4])
{
	unsigned int pos[4], i;

	v4_positions(plen, pos);
	for (i = 0; i < 4; i++)
		v4[i] = addr[pos[i]];
}

bool rfc6052_is_wkp(const u8 prefix[16], unsigned int plen)
{
	static const u8 wkp[12] = { 0x00, 0x64, 0xff, 0x9b };

	return plen == 96 && !memcmp(prefix, wkp, sizeof(wkp));
}

/* Networks (address, length) of rfc6052_v4_nonglobal(), host order. */
static const struct {
	u32 addr;
	u8 plen;
} nonglobal4[] = {
	{ 0x00000000, 8 },	/* 0/8, "this network" (RFC 1122) */
	{ 0x0a000000, 8 },	/* 10/8, private (RFC 1918) */
	{ 0x64400000, 10 },	/* 100.64/10, shared (RFC 6598) */
	{ 0x7f000000, 8 },	/* 127/8, loopback */
	{ 0xa9fe0000, 16 },	/* 169.254/16, link local (RFC 3927) */
	{ 0xac100000, 12 },	/* 172.16/12, private */
	{ 0xc0000000, 24 },	/* 192.0.0/24, IETF protocol assignments */
	{ 0xc0000200, 24 },	/* 192.0.2/24, TEST-NET-1 (RFC 5737) */
	{ 0xc0586300, 24 },	/* 192.88.99/24, 6to4 relay (RFC 7526) */
	{ 0xc0a80000, 16 },	/* 192.168/16, private */
	{ 0xc6120000, 15 },	/* 198.18/15, benchmarking (RFC 2544) */
	{ 0xc6336400, 24 },	/* 198.51.100/24, TEST-NET-2 */
	{ 0xcb007100, 24 },	/* 203.0.113/24, TEST-NET-3 */
	{ 0xf0000000, 4 },	/* 240/4, reserved, and 255.255.255.255 */
};

bool rfc6052_v4_nonglobal(const u8 v4[4])
{
	u32 a = xl_get32(v4);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nonglobal4); i++)
		if (!((a ^ nonglobal4[i].addr) &
		      (0xffffffffU << (32 - nonglobal4[i].plen))))
			return true;
	return false;
}
