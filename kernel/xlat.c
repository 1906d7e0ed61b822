// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7915 header translation (first slice: TCP, UDP, ICMP echo, no
 * extension headers, no fragments). Pure core.
 */
#include "xlat.h"
#include "csum.h"

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58

#define ICMP4_ECHO_REPLY	0
#define ICMP4_ECHO_REQUEST	8
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129

/* Minimum transport header bytes the translation touches. */
static u32 l4_min(u8 proto)
{
	return proto == XL_TCP ? 20 : 8;
}

/* Read ports / identifier and check the transport header fits. */
static enum xl_verdict parse_l4(const u8 *l4, u32 avail, struct xl_pkt *p)
{
	if (p->l4len < l4_min(p->proto) || avail < l4_min(p->proto))
		return XL_TRUNCATED;
	if (p->proto == XL_TCP && (l4[12] >> 4) * 4 < 20)
		return XL_TRUNCATED;
	if (p->proto == XL_TCP && (l4[12] >> 4) * 4 > p->l4len)
		return XL_TRUNCATED;
	if (p->proto == XL_UDP && xl_get16(l4 + 4) != p->l4len)
		return XL_TRUNCATED;
	if (p->proto == XL_ICMP) {
		p->icmp_type = l4[0];
		p->sport = p->dport = xl_get16(l4 + 4);
	} else {
		p->sport = xl_get16(l4);
		p->dport = xl_get16(l4 + 2);
	}
	return XL_OK;
}

enum xl_verdict xl_parse6(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p)
{
	if (len < XL_IP6_HLEN || pktlen < XL_IP6_HLEN || len > pktlen)
		return XL_TRUNCATED;
	if (buf[0] >> 4 != 6)
		return XL_TRUNCATED;
	if (xl_get16(buf + 4) != pktlen - XL_IP6_HLEN)
		return XL_TRUNCATED;

	memset(p, 0, sizeof(*p));
	memcpy(p->src, buf + 8, 16);
	memcpy(p->dst, buf + 24, 16);
	p->tclass = (u8)(xl_get16(buf) >> 4);
	p->hop_limit = buf[7];
	p->l3len = XL_IP6_HLEN;
	p->l4len = (u16)(pktlen - XL_IP6_HLEN);

	switch (buf[6]) {
	case IPPROTO_TCP_:
		p->proto = XL_TCP;
		break;
	case IPPROTO_UDP_:
		p->proto = XL_UDP;
		break;
	case IPPROTO_ICMPV6_:
		p->proto = XL_ICMP;
		break;
	default:
		return XL_UNSUPPORTED;
	}
	if (parse_l4(buf + XL_IP6_HLEN, len - XL_IP6_HLEN, p))
		return XL_TRUNCATED;
	if (p->proto == XL_ICMP && p->icmp_type != ICMP6_ECHO_REQUEST &&
	    p->icmp_type != ICMP6_ECHO_REPLY)
		return XL_UNSUPPORTED;
	/* IPv6 UDP must carry a checksum (RFC 8200 §8.1). */
	if (p->proto == XL_UDP && !xl_get16(buf + XL_IP6_HLEN + 6))
		return XL_BADCSUM;
	if (p->hop_limit <= 1)
		return XL_HOPLIMIT;
	return XL_OK;
}

enum xl_verdict xl_parse4(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p)
{
	u32 ihl;

	if (len < XL_IP4_HLEN || len > pktlen)
		return XL_TRUNCATED;
	ihl = (buf[0] & 0xf) * 4u;
	if (buf[0] >> 4 != 4 || ihl < XL_IP4_HLEN || ihl > len)
		return XL_TRUNCATED;
	if (xl_get16(buf + 2) != pktlen)
		return XL_TRUNCATED;

	memset(p, 0, sizeof(*p));
	memcpy(p->src, buf + 12, 4);
	memcpy(p->dst, buf + 16, 4);
	p->tclass = buf[1];
	p->hop_limit = buf[8];
	p->df = !!(buf[6] & 0x40);
	p->l3len = (u16)ihl;
	p->l4len = (u16)(pktlen - ihl);

	switch (buf[9]) {
	case IPPROTO_TCP_:
		p->proto = XL_TCP;
		break;
	case IPPROTO_UDP_:
		p->proto = XL_UDP;
		break;
	case IPPROTO_ICMP_:
		p->proto = XL_ICMP;
		break;
	default:
		return XL_UNSUPPORTED;
	}
	/* Fragments (MF set or an offset) are not translated yet. */
	if (xl_get16(buf + 6) & 0x3fff)
		return XL_UNSUPPORTED;
	if (parse_l4(buf + ihl, len - ihl, p))
		return XL_TRUNCATED;
	if (p->proto == XL_ICMP && p->icmp_type != ICMP4_ECHO_REQUEST &&
	    p->icmp_type != ICMP4_ECHO_REPLY)
		return XL_UNSUPPORTED;
	if (p->hop_limit <= 1)
		return XL_HOPLIMIT;
	return XL_OK;
}

static u8 icmp6to4_type(u8 type)
{
	return type == ICMP6_ECHO_REQUEST ? ICMP4_ECHO_REQUEST :
					    ICMP4_ECHO_REPLY;
}

static u8 icmp4to6_type(u8 type)
{
	return type == ICMP4_ECHO_REQUEST ? ICMP6_ECHO_REQUEST :
					    ICMP6_ECHO_REPLY;
}

/* One's complement sum of the ICMPv6 pseudo-header (RFC 8200 §8.1). */
static u32 pseudo6_sum(const u8 src[16], const u8 dst[16], u32 len, u8 nh)
{
	u32 sum = 0;

	sum = xl_csum_add_bytes(sum, src, 16);
	sum = xl_csum_add_bytes(sum, dst, 16);
	sum += len >> 16;
	sum += len & 0xffff;
	sum += nh;
	return sum;
}

/* Difference a 16-bit word changing from @old to @new makes to a sum. */
static u32 word_delta(u16 old, u16 new)
{
	return (u16)~old + (u32)new;
}

/*
 * Rewrite the transport header at @l4 for the new ports and addresses.
 * @delta already holds the pseudo-header difference for TCP/UDP.
 */
static void rewrite_ports(const struct xl_pkt *p, const struct xl_out *o,
			  u8 *l4, u32 delta)
{
	u8 *check = l4 + (p->proto == XL_TCP ? 16 : 6);

	/* A partial checksum covers the pseudo-header only: the device
	 * sums the transport header as it will be sent.
	 */
	if (!o->csum_partial) {
		delta += word_delta(p->sport, o->sport);
		delta += word_delta(p->dport, o->dport);
	}
	xl_put16(l4, o->sport);
	xl_put16(l4 + 2, o->dport);
	/* An IPv4 UDP checksum of zero means none: only 4to6 sees that. */
	if (p->proto == XL_UDP && !xl_get16(check))
		return;
	xl_csum_apply(check, delta, o->csum_partial);
	if (p->proto == XL_UDP && !o->csum_partial && !xl_get16(check))
		xl_put16(check, 0xffff);
}

void xl_6to4(const struct xl_pkt *p, const struct xl_out *o, u8 *ip4, u8 *l4)
{
	static const u8 ipproto[XL_NPROTO] = {
		[XL_TCP] = IPPROTO_TCP_,
		[XL_UDP] = IPPROTO_UDP_,
		[XL_ICMP] = IPPROTO_ICMP_,
	};
	u32 totlen = XL_IP4_HLEN + p->l4len;
	u32 delta;

	ip4[0] = 0x45;
	ip4[1] = p->tclass;
	xl_put16(ip4 + 2, (u16)totlen);
	xl_put16(ip4 + 4, o->ip4_id);
	/* RFC 7915 §4.1: DF only when the IPv4 packet is over 1260 bytes. */
	xl_put16(ip4 + 6, totlen > 1260 ? 0x4000 : 0);
	ip4[8] = p->hop_limit - 1;
	ip4[9] = ipproto[p->proto];
	xl_put16(ip4 + 10, 0);
	memcpy(ip4 + 12, o->src, 4);
	memcpy(ip4 + 16, o->dst, 4);
	xl_put16(ip4 + 10, (u16)~xl_csum_fold(xl_csum_add_bytes(0, ip4, 20)));

	if (p->proto == XL_ICMP) {
		/* ICMPv4 has no pseudo-header: take the IPv6 one out. */
		u8 type = icmp6to4_type(p->icmp_type);

		delta = (u16)~xl_csum_fold(pseudo6_sum(p->src, p->dst,
							p->l4len,
							IPPROTO_ICMPV6_));
		delta += word_delta(xl_get16(l4), (u16)(type << 8 | l4[1]));
		delta += word_delta(p->sport, o->sport);
		l4[0] = type;
		xl_put16(l4 + 4, o->sport);
		xl_csum_apply(l4 + 2, delta, false);
		return;
	}
	delta = xl_csum_sub_bytes(0, p->src, 16);
	delta = xl_csum_sub_bytes(delta, p->dst, 16);
	delta = xl_csum_add_bytes(delta, o->src, 4);
	delta = xl_csum_add_bytes(delta, o->dst, 4);
	rewrite_ports(p, o, l4, delta);
}

void xl_4to6(const struct xl_pkt *p, const struct xl_out *o, u8 *ip6, u8 *l4)
{
	static const u8 nexthdr[XL_NPROTO] = {
		[XL_TCP] = IPPROTO_TCP_,
		[XL_UDP] = IPPROTO_UDP_,
		[XL_ICMP] = IPPROTO_ICMPV6_,
	};
	u32 delta;

	/* Version 6, traffic class = TOS, flow label 0 (RFC 7915 §5.1). */
	xl_put32(ip6, 6u << 28 | (u32)p->tclass << 20);
	xl_put16(ip6 + 4, p->l4len);
	ip6[6] = nexthdr[p->proto];
	ip6[7] = p->hop_limit - 1;
	memcpy(ip6 + 8, o->src, 16);
	memcpy(ip6 + 24, o->dst, 16);

	if (p->proto == XL_ICMP) {
		/* ICMPv6 covers its pseudo-header: add it in. */
		u8 type = icmp4to6_type(p->icmp_type);

		delta = pseudo6_sum(o->src, o->dst, p->l4len, IPPROTO_ICMPV6_);
		delta = xl_csum_fold(delta);
		delta += word_delta(xl_get16(l4), (u16)(type << 8 | l4[1]));
		delta += word_delta(p->sport, o->sport);
		l4[0] = type;
		xl_put16(l4 + 4, o->sport);
		xl_csum_apply(l4 + 2, delta, false);
		return;
	}
	delta = xl_csum_sub_bytes(0, p->src, 4);
	delta = xl_csum_sub_bytes(delta, p->dst, 4);
	delta = xl_csum_add_bytes(delta, o->src, 16);
	delta = xl_csum_add_bytes(delta, o->dst, 16);
	rewrite_ports(p, o, l4, delta);
}
