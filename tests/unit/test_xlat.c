// SPDX-License-Identifier: GPL-2.0
/*
 * Header translation: packets built here with checksums computed from
 * scratch, translated by the core, and checked field by field and by
 * recomputing every checksum on the result.
 */
#include <arpa/inet.h>

#include "unit.h"
#include "xlat.h"
#include "pktsum.h"

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMP6 58

/* Offset of the checksum field in a transport header. */
static unsigned int csum_off(u8 proto)
{
	return proto == P_TCP ? 16 : proto == P_UDP ? 6 : 2;
}

/* Is the packet's transport checksum right (sums to 0xffff)? */
static bool l4_ok6(const u8 *pkt, u32 len)
{
	u8 nh = pkt[6];

	return fold(pseudo6(pkt, len - 40, nh) +
		    sum_bytes(pkt + 40, len - 40, 0)) == 0xffff;
}

static bool l4_ok4(const u8 *pkt, u32 len)
{
	u32 ihl = (pkt[0] & 15) * 4, s = sum_bytes(pkt + ihl, len - ihl, 0);

	if (pkt[9] != P_ICMP)
		s += pseudo4(pkt, len - ihl, pkt[9]);
	return fold(s) == 0xffff;
}

static bool ip4_hdr_ok(const u8 *pkt)
{
	return fold(sum_bytes(pkt, (pkt[0] & 15) * 4, 0)) == 0xffff;
}

static const u8 payload[] = "translate me, byte for byte!";
#define PLEN ((u32)sizeof(payload))

/* Build an IPv6 packet; returns its length. */
static u32 build6(u8 *pkt, u8 proto, u16 sport, u16 dport, u8 icmp_type,
		  u32 plen)
{
	u32 l4h = proto == P_TCP ? 20 : 8, len = 40 + l4h + plen, i;
	u8 *l4 = pkt + 40;

	memset(pkt, 0, len);
	pkt[0] = 0x6b;		/* version 6, traffic class 0xb5 */
	pkt[1] = 0x51;		/* flow label 0x12345 */
	pkt[2] = 0x23;
	pkt[3] = 0x45;
	pkt[4] = (len - 40) >> 8;
	pkt[5] = (len - 40) & 0xff;
	pkt[6] = proto == P_ICMP ? P_ICMP6 : proto;
	pkt[7] = 64;
	inet_pton(AF_INET6, "2001:db8:6::2", pkt + 8);
	inet_pton(AF_INET6, "64:ff9b::192.0.2.2", pkt + 24);
	for (i = 0; i < plen; i++)
		l4[l4h + i] = payload[i % PLEN];
	if (proto == P_ICMP) {
		l4[0] = icmp_type;
		l4[4] = sport >> 8;
		l4[5] = sport & 0xff;
		l4[7] = 1;	/* sequence */
	} else {
		l4[0] = sport >> 8;
		l4[1] = sport & 0xff;
		l4[2] = dport >> 8;
		l4[3] = dport & 0xff;
	}
	if (proto == P_TCP) {
		l4[12] = 5 << 4;
		l4[13] = 0x18;
	}
	if (proto == P_UDP) {
		l4[4] = (len - 40) >> 8;
		l4[5] = (len - 40) & 0xff;
	}
	u16 c = ~fold(pseudo6(pkt, len - 40, pkt[6]) +
		      sum_bytes(l4, len - 40, 0));
	if (proto == P_UDP && !c)
		c = 0xffff;
	l4[csum_off(proto)] = c >> 8;
	l4[csum_off(proto) + 1] = c & 0xff;
	return len;
}

static u32 build4(u8 *pkt, u8 proto, u16 sport, u16 dport, u8 icmp_type,
		  u32 plen, bool df)
{
	u32 l4h = proto == P_TCP ? 20 : 8, len = 20 + l4h + plen, i;
	u8 *l4 = pkt + 20;
	u16 c;

	memset(pkt, 0, len);
	pkt[0] = 0x45;
	pkt[1] = 0x88;
	pkt[2] = len >> 8;
	pkt[3] = len & 0xff;
	pkt[4] = 0x12;
	pkt[6] = df ? 0x40 : 0;
	pkt[8] = 50;
	pkt[9] = proto;
	inet_pton(AF_INET, "192.0.2.2", pkt + 12);
	inet_pton(AF_INET, "198.51.100.1", pkt + 16);
	c = ~fold(sum_bytes(pkt, 20, 0));
	pkt[10] = c >> 8;
	pkt[11] = c & 0xff;
	for (i = 0; i < plen; i++)
		l4[l4h + i] = payload[i % PLEN];
	if (proto == P_ICMP) {
		l4[0] = icmp_type;
		l4[4] = dport >> 8;
		l4[5] = dport & 0xff;
	} else {
		l4[0] = sport >> 8;
		l4[1] = sport & 0xff;
		l4[2] = dport >> 8;
		l4[3] = dport & 0xff;
	}
	if (proto == P_TCP)
		l4[12] = 5 << 4;
	if (proto == P_UDP) {
		l4[4] = (len - 20) >> 8;
		l4[5] = (len - 20) & 0xff;
	}
	c = ~fold((proto == P_ICMP ? 0 : pseudo4(pkt, len - 20, proto)) +
		  sum_bytes(l4, len - 20, 0));
	if (proto == P_UDP && !c)
		c = 0xffff;
	l4[csum_off(proto)] = c >> 8;
	l4[csum_off(proto) + 1] = c & 0xff;
	return len;
}

/* Translate like the glue does: IPv4 header written over the IPv6 one. */
static u32 do_6to4(u8 *pkt, u32 len, struct xl_pkt *p, bool partial)
{
	struct xl_out o = { .sport = 2345, .ip4_id = 0x4242,
			    .csum_partial = partial };

	CHECK_EQ(xl_parse6(pkt, len,
			   len, p), XL_OK);
	inet_pton(AF_INET, "198.51.100.1", o.src);
	inet_pton(AF_INET, "192.0.2.2", o.dst);
	o.dport = p->proto == XL_ICMP ? o.sport : p->dport;
	xl_6to4(p, &o, pkt + 20, pkt + 40);
	memmove(pkt, pkt + 20, len - 20);
	return len - 20;
}

static void udp_6to4(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	u32 len = build6(pkt, P_UDP, 40000, 53, 0, 100);

	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(len, 20 + 8 + 100);
	CHECK_EQ(pkt[0], 0x45);
	CHECK_EQ(pkt[1], 0xb5);			/* traffic class -> TOS */
	CHECK_EQ(pkt[2] << 8 | pkt[3], len);
	CHECK_EQ(pkt[4] << 8 | pkt[5], 0x4242);
	CHECK_EQ(pkt[6], 0);			/* small: no DF */
	CHECK_EQ(pkt[8], 63);			/* hop limit - 1 */
	CHECK_EQ(pkt[9], P_UDP);
	CHECK(ip4_hdr_ok(pkt));
	CHECK_EQ(pkt[20] << 8 | pkt[21], 2345);
	CHECK_EQ(pkt[22] << 8 | pkt[23], 53);
	CHECK(l4_ok4(pkt, len));
	CHECK_MEM(pkt + 28, payload, PLEN);
}

static void tcp_6to4_df(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	u32 len = build6(pkt, P_TCP, 40000, 80, 0, 1300);

	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(pkt[6], 0x40);			/* over 1260 bytes: DF */
	CHECK_EQ(pkt[9], P_TCP);
	CHECK(ip4_hdr_ok(pkt));
	CHECK(l4_ok4(pkt, len));
	CHECK_EQ(pkt[20] << 8 | pkt[21], 2345);
}

static void df_threshold(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	/* 1260 bytes of IPv4 exactly: no DF; one more: DF. */
	u32 len = build6(pkt, P_UDP, 1, 2, 0, 1260 - 28);

	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(len, 1260);
	CHECK_EQ(pkt[6], 0);
	len = build6(pkt, P_UDP, 1, 2, 0, 1261 - 28);
	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(pkt[6], 0x40);
}

static void icmp_echo_6to4(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	u32 len = build6(pkt, P_ICMP, 777, 0, 128, 56);

	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(pkt[9], P_ICMP);
	CHECK_EQ(pkt[20], 8);			/* echo request */
	CHECK_EQ(pkt[24] << 8 | pkt[25], 2345);	/* identifier */
	CHECK(l4_ok4(pkt, len));

	len = build6(pkt, P_ICMP, 777, 0, 129, 0);
	len = do_6to4(pkt, len, &p, false);
	CHECK_EQ(pkt[20], 0);			/* echo reply */
	CHECK(l4_ok4(pkt, len));
}

/* A wrong checksum stays wrong by the same amount (RFC 1624 update). */
static void bad_csum_stays_bad(void)
{
	static const u8 protos[] = { P_UDP, P_TCP, P_ICMP };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u8 pkt[2000];
		struct xl_pkt p;
		u32 len = build6(pkt, protos[i], 1000, 2000, 128, 33);
		u8 *c = pkt + 40 + csum_off(protos[i]);
		u16 before, after;
		u32 s;

		c[1] += 0x10;
		before = fold(pseudo6(pkt, len - 40, pkt[6]) +
			      sum_bytes(pkt + 40, len - 40, 0));
		CHECK(before != 0xffff);
		len = do_6to4(pkt, len, &p, false);
		s = sum_bytes(pkt + 20, len - 20, 0);
		if (protos[i] != P_ICMP)
			s += pseudo4(pkt, len - 20, protos[i]);
		after = fold(s);
		CHECK_EQ(after, before);
	}
}

static void partial_6to4(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	u32 len = build6(pkt, P_TCP, 40000, 80, 0, 10), s;
	u16 c;

	/* CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum. */
	c = fold(pseudo6(pkt, len - 40, P_TCP));
	pkt[56] = c >> 8;
	pkt[57] = c & 0xff;
	len = do_6to4(pkt, len, &p, true);
	/* The device would sum from the transport header and complement. */
	c = ~fold(sum_bytes(pkt + 20, len - 20, 0));
	pkt[36] = c >> 8;
	pkt[37] = c & 0xff;
	CHECK(l4_ok4(pkt, len));
	s = fold(pseudo4(pkt, len - 20, P_TCP));
	CHECK(s != 0);
}

static u32 do_4to6(u8 *buf, u32 len, struct xl_pkt *p, bool partial)
{
	struct xl_out o = { .dport = 40000, .csum_partial = partial };
	u8 *pkt = buf + 20;	/* headroom for the longer header */

	CHECK_EQ(xl_parse4(pkt, len,
			   len, p), XL_OK);
	inet_pton(AF_INET6, "64:ff9b::192.0.2.2", o.src);
	inet_pton(AF_INET6, "2001:db8:6::2", o.dst);
	o.sport = p->proto == XL_ICMP ? o.dport : p->sport;
	xl_4to6(p, &o, pkt + p->l3len - 40, pkt + p->l3len);
	memmove(buf, pkt + p->l3len - 40, len - p->l3len + 40);
	return len - p->l3len + 40;
}

static void udp_4to6(void)
{
	u8 buf[2100], *pkt = buf + 20;
	struct xl_pkt p;
	u32 len = build4(pkt, P_UDP, 53, 2345, 0, 100, true);

	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(buf[0], 0x68);			/* v6, TOS 0x88 */
	CHECK_EQ(buf[1], 0x80);
	CHECK_EQ(buf[2] | buf[3], 0);		/* flow label 0 */
	CHECK_EQ(buf[4] << 8 | buf[5], len - 40);
	CHECK_EQ(buf[6], P_UDP);
	CHECK_EQ(buf[7], 49);
	CHECK_EQ(buf[40] << 8 | buf[41], 53);
	CHECK_EQ(buf[42] << 8 | buf[43], 40000);
	CHECK(l4_ok6(buf, len));
	CHECK_MEM(buf + 48, payload, PLEN);
}

static void tcp_icmp_4to6(void)
{
	u8 buf[2100], *pkt = buf + 20;
	struct xl_pkt p;
	u32 len = build4(pkt, P_TCP, 80, 2345, 0, 500, false);

	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(buf[6], P_TCP);
	CHECK(l4_ok6(buf, len));

	len = build4(pkt, P_ICMP, 0, 2345, 0, 56, false);
	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(buf[6], P_ICMP6);
	CHECK_EQ(buf[40], 129);			/* echo reply */
	CHECK_EQ(buf[44] << 8 | buf[45], 40000);
	CHECK(l4_ok6(buf, len));

	len = build4(pkt, P_ICMP, 0, 2345, 8, 0, false);
	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(buf[40], 128);			/* echo request */
	CHECK(l4_ok6(buf, len));
}

static void options_4to6(void)
{
	u8 buf[2100], *pkt = buf + 20, opt[300];
	struct xl_pkt p;
	u32 len = build4(opt, P_UDP, 53, 2345, 0, 20, false);
	u16 c;

	/* Same packet with 8 bytes of options (NOPs, end of list). */
	memcpy(pkt, opt, 20);
	memset(pkt + 20, 1, 7);
	pkt[27] = 0;
	memcpy(pkt + 28, opt + 20, len - 20);
	len += 8;
	pkt[0] = 0x47;
	pkt[2] = len >> 8;
	pkt[3] = len & 0xff;
	pkt[10] = pkt[11] = 0;
	c = ~fold(sum_bytes(pkt, 28, 0));
	pkt[10] = c >> 8;
	pkt[11] = c & 0xff;
	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(len, 40 + 8 + 20);
	CHECK(l4_ok6(buf, len));
}

static void udp_zero_csum_4to6_left(void)
{
	u8 buf[2100], *pkt = buf + 20;
	struct xl_pkt p;
	u32 len = build4(pkt, P_UDP, 53, 2345, 0, 10, false);

	pkt[26] = pkt[27] = 0;	/* no checksum: the glue computes one */
	len = do_4to6(buf, len, &p, false);
	CHECK_EQ(buf[46] | buf[47], 0);
}

static void parse_refusals(void)
{
	u8 pkt[2000];
	struct xl_pkt p;
	u32 len = build6(pkt, P_UDP, 1, 2, 0, 10), i;

	/* Every truncation of a good packet is refused, never read past. */
	for (i = 0; i < len; i++) {
		u8 *copy = malloc(i ? i : 1);

		memcpy(copy, pkt, i);
		CHECK(xl_parse6(copy, i, i, &p) != XL_OK);
		free(copy);
	}
	CHECK_EQ(xl_parse6(pkt, len, len + 1, &p), XL_TRUNCATED);
	pkt[7] = 1;
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_HOPLIMIT);
	pkt[7] = 64;
	pkt[6] = 47;	/* GRE */
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_UNSUPPORTED);
	len = build6(pkt, P_UDP, 1, 2, 0, 10);
	pkt[46] = pkt[47] = 0;
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BADCSUM);
	len = build6(pkt, P_ICMP, 1, 0, 135 /* neighbour solicitation */, 10);
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_ICMP_UNTRANSLATABLE);
	len = build6(pkt, P_ICMP, 1, 0, 1 /* unreachable, garbage inside */, 10);
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BAD_INNER);
	len = build6(pkt, P_UDP, 1, 2, 0, 10);
	pkt[45] = 9;	/* UDP length lies */
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_TRUNCATED);

	len = build4(pkt, P_UDP, 1, 2, 0, 10, false);
	for (i = 0; i < len; i++) {
		u8 *copy = malloc(i ? i : 1);

		memcpy(copy, pkt, i);
		CHECK(xl_parse4(copy, i, i, &p) != XL_OK);
		free(copy);
	}
	pkt[6] = 0x20;	/* MF: a fragment */
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_UNSUPPORTED);
	pkt[6] = 0;
	pkt[0] = 0x44;	/* IHL 16 bytes */
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_TRUNCATED);
	pkt[0] = 0x4f;	/* IHL 60 bytes, past the packet's headers */
	CHECK(xl_parse4(pkt, len, len, &p) != XL_OK);
	pkt[0] = 0x45;
	pkt[8] = 1;
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_HOPLIMIT);
	len = build4(pkt, P_TCP, 1, 2, 0, 10, false);
	pkt[32] = 4 << 4;	/* TCP data offset < 5 */
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_TRUNCATED);
	pkt[32] = 15 << 4;	/* past the packet */
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_TRUNCATED);
}

UNIT_MAIN(T(udp_6to4), T(tcp_6to4_df), T(df_threshold), T(icmp_echo_6to4),
	  T(bad_csum_stays_bad), T(partial_6to4), T(udp_4to6),
	  T(tcp_icmp_4to6), T(options_4to6), T(udp_zero_csum_4to6_left),
	  T(parse_refusals))
