// SPDX-License-Identifier: GPL-2.0
/* RFC 6052 embedding and extraction, with the RFC's own example table. */
#include <arpa/inet.h>

#include "unit.h"
#include "rfc6052.h"

struct example {
	const char *prefix;
	unsigned int plen;
	const char *v4;
	const char *v6;
};

/* RFC 6052 §2.4, Table 1 and the Well-Known Prefix example. */
static const struct example examples[] = {
	{ "2001:db8::", 32, "192.0.2.33", "2001:db8:c000:221::" },
	{ "2001:db8:100::", 40, "192.0.2.33", "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::", 48, "192.0.2.33", "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::", 56, "192.0.2.33", "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::", 64, "192.0.2.33",
	  "2001:db8:122:344:c0:2:2100:0" },
	{ "2001:db8:122:344::", 96, "192.0.2.33",
	  "2001:db8:122:344::192.0.2.33" },
	{ "64:ff9b::", 96, "192.0.2.33", "64:ff9b::192.0.2.33" },
};

static void pton6(const char *s, u8 out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort();
}

static void pton4(const char *s, u8 out[4])
{
	if (inet_pton(AF_INET, s, out) != 1)
		abort();
}

static void rfc_table(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		u8 prefix[16], v4[4], v6[16], out6[16], out4[4];

		pton6(e->prefix, prefix);
		pton4(e->v4, v4);
		pton6(e->v6, v6);
		CHECK_EQ(rfc6052_prefix_check(prefix, e->plen),
			 RFC6052_PREFIX_OK);
		rfc6052_embed(prefix, e->plen, v4, out6);
		CHECK_MEM(out6, v6, 16);
		CHECK(rfc6052_match(prefix, e->plen, v6));
		rfc6052_extract(e->plen, v6, out4);
		CHECK_MEM(out4, v4, 4);
	}
}

static void wkp_96_roundtrip(void)
{
	u8 prefix[16], v6[16], v4[4], out[4];
	unsigned int a;

	pton6("64:ff9b::", prefix);
	/* A spread of addresses, including the extremes. */
	for (a = 0; a < 0xffffff00u; a += 0x01010101u) {
		v4[0] = a >> 24;
		v4[1] = a >> 16;
		v4[2] = a >> 8;
		v4[3] = a;
		rfc6052_embed(prefix, 96, v4, v6);
		CHECK_MEM(v6, prefix, 12);
		CHECK(rfc6052_match(prefix, 96, v6));
		rfc6052_extract(96, v6, out);
		CHECK_MEM(out, v4, 4);
	}
}

static void match_rejects(void)
{
	u8 prefix[16], addr[16];

	pton6("64:ff9b::", prefix);
	pton6("64:ff9c::192.0.2.1", addr);
	CHECK(!rfc6052_match(prefix, 96, addr));
	pton6("2001:db8::1", addr);
	CHECK(!rfc6052_match(prefix, 96, addr));

	/* Under a /64 the u-octet and the suffix must be zero. */
	pton6("2001:db8:122:344::", prefix);
	pton6("2001:db8:122:344:c0:2:2100:0", addr);
	CHECK(rfc6052_match(prefix, 64, addr));
	pton6("2001:db8:122:344:1c0:2:2100:0", addr);
	CHECK(!rfc6052_match(prefix, 64, addr));
	pton6("2001:db8:122:344:c0:2:2100:1", addr);
	CHECK(!rfc6052_match(prefix, 64, addr));
}

static void prefix_check(void)
{
	static const unsigned int bad[] = { 0, 8, 16, 24, 31, 33, 63, 65,
					    72, 80, 88, 95, 97, 128 };
	u8 prefix[16];
	unsigned int i;

	pton6("64:ff9b::", prefix);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!rfc6052_plen_valid(bad[i]));
		CHECK_EQ(rfc6052_prefix_check(prefix, bad[i]),
			 RFC6052_PREFIX_BAD_LEN);
	}
	/* Bits past the length. */
	pton6("2001:db8:1::", prefix);
	CHECK_EQ(rfc6052_prefix_check(prefix, 32), RFC6052_PREFIX_HOST_BITS);
	CHECK_EQ(rfc6052_prefix_check(prefix, 48), RFC6052_PREFIX_OK);
	/* The u-octet, inside a /96. */
	pton6("2001:db8:0:0:100::", prefix);
	CHECK_EQ(rfc6052_prefix_check(prefix, 96), RFC6052_PREFIX_U_OCTET);
	pton6("2001:db8:0:0:1::", prefix);
	CHECK_EQ(rfc6052_prefix_check(prefix, 96), RFC6052_PREFIX_OK);
}

/* RFC 6052 §3.1: only 64:ff9b::/96 itself is the Well-Known Prefix. */
static void wkp(void)
{
	u8 prefix[16];

	pton6("64:ff9b::", prefix);
	CHECK(rfc6052_is_wkp(prefix, 96));
	CHECK(!rfc6052_is_wkp(prefix, 64));
	pton6("64:ff9b:1::", prefix);	/* RFC 8215 local use: network-specific */
	CHECK(!rfc6052_is_wkp(prefix, 96));
	pton6("2001:db8:64::", prefix);
	CHECK(!rfc6052_is_wkp(prefix, 96));
}

/* Each special-purpose network: its first and last address, and the
 * addresses just outside it (global unless another network holds them). */
static void nonglobal(void)
{
	static const struct {
		const char *a;
		int nonglobal;
	} t[] = {
		{ "0.0.0.0", 1 }, { "0.255.255.255", 1 }, { "1.0.0.0", 0 },
		{ "9.255.255.255", 0 }, { "10.0.0.0", 1 }, { "10.1.2.3", 1 },
		{ "10.255.255.255", 1 }, { "11.0.0.0", 0 },
		{ "100.63.255.255", 0 }, { "100.64.0.0", 1 }, { "100.64.0.1", 1 },
		{ "100.127.255.255", 1 }, { "100.128.0.0", 0 },
		{ "126.255.255.255", 0 }, { "127.0.0.1", 1 }, { "128.0.0.0", 0 },
		{ "169.253.255.255", 0 }, { "169.254.0.0", 1 },
		{ "169.254.169.254", 1 }, { "169.255.0.0", 0 },
		{ "172.15.255.255", 0 }, { "172.16.0.0", 1 },
		{ "172.31.255.255", 1 }, { "172.32.0.0", 0 },
		{ "191.255.255.255", 0 }, { "192.0.0.0", 1 }, { "192.0.0.255", 1 },
		{ "192.0.1.0", 0 }, { "192.0.2.0", 1 }, { "192.0.2.255", 1 },
		{ "192.0.3.0", 0 }, { "192.88.98.255", 0 }, { "192.88.99.1", 1 },
		{ "192.88.100.0", 0 }, { "192.167.255.255", 0 },
		{ "192.168.0.0", 1 }, { "192.168.1.1", 1 },
		{ "192.168.255.255", 1 }, { "192.169.0.0", 0 },
		{ "198.17.255.255", 0 }, { "198.18.0.0", 1 },
		{ "198.19.255.255", 1 }, { "198.20.0.0", 0 },
		{ "198.51.99.255", 0 }, { "198.51.100.0", 1 },
		{ "198.51.100.255", 1 }, { "198.51.101.0", 0 },
		{ "203.0.112.255", 0 }, { "203.0.113.0", 1 },
		{ "203.0.113.255", 1 }, { "203.0.114.0", 0 },
		{ "8.8.8.8", 0 }, { "223.255.255.255", 0 },
		{ "239.255.255.255", 0 }, { "240.0.0.0", 1 },
		{ "255.255.255.254", 1 }, { "255.255.255.255", 1 },
	};
	unsigned int i;
	u8 v4[4];

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pton4(t[i].a, v4);
		if (rfc6052_v4_nonglobal(v4) != t[i].nonglobal) {
			fprintf(stderr, "  %s: want %s\n", t[i].a,
				t[i].nonglobal ? "non-global" : "global");
			CHECK(0);
		}
	}
}

UNIT_MAIN(T(rfc_table), T(wkp_96_roundtrip), T(match_rejects),
	  T(prefix_check), T(wkp), T(nonglobal))
