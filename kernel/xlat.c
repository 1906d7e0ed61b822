// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7915 header translation: IPv6 <-> IPv4 headers, TCP/UDP/ICMP
 * transport headers and checksums, ICMP types and codes, and ICMP errors
 * with the packet inside them. Pure core.
 *
 * Every read is checked against the bytes the caller said are there;
 * every write of the error translators against the room it was given.
 */
#include "xlat.h"
#include "csum.h"

#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMPV6	58

#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_DSTOPTS	60

#define ICMP4_ECHO_REPLY	0
#define ICMP4_DEST_UNREACH	3
#define ICMP4_ECHO_REQUEST	8
#define ICMP4_TIME_EXCEEDED	11
#define ICMP4_PARAMPROB		12

#define ICMP6_DEST_UNREACH	1
#define ICMP6_PKT_TOOBIG	2
#define ICMP6_TIME_EXCEED	3
#define ICMP6_PARAMPROB		4
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129

#define IPV6_MIN_MTU_	1280

static const u8 ipproto4[XL_NPROTO] = {
	[XL_TCP] = PROTO_TCP, [XL_UDP] = PROTO_UDP, [XL_ICMP] = PROTO_ICMP,
};

static const u8 ipproto6[XL_NPROTO] = {
	[XL_TCP] = PROTO_TCP, [XL_UDP] = PROTO_UDP, [XL_ICMP] = PROTO_ICMPV6,
};

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

/* Is byte range [0, @n) there? Truncated if not in the packet at all. */
static enum xl_verdict have(struct xl_pkt *p, u32 n, u32 len, u32 pktlen)
{
	if (n > pktlen)
		return XL_TRUNCATED;
	if (n > len) {
		p->need = n;
		return XL_NEED_MORE;
	}
	return XL_OK;
}

/* Transport header bytes the translation reads and rewrites. */
static u32 l4_min(u8 proto)
{
	return proto == XL_TCP ? 20 : 8;
}

static int proto_from6(u8 nh)
{
	switch (nh) {
	case PROTO_TCP:
		return XL_TCP;
	case PROTO_UDP:
		return XL_UDP;
	case PROTO_ICMPV6:
		return XL_ICMP;
	}
	return -1;
}

static int proto_from4(u8 proto)
{
	switch (proto) {
	case PROTO_TCP:
		return XL_TCP;
	case PROTO_UDP:
		return XL_UDP;
	case PROTO_ICMP:
		return XL_ICMP;
	}
	return -1;
}

/* Ports of a TCP/UDP header or the identifier of an ICMP query. */
static void read_ports(u8 proto, const u8 *l4, u16 *sport, u16 *dport)
{
	if (proto == XL_ICMP) {
		*sport = *dport = xl_get16(l4 + 4);
	} else {
		*sport = xl_get16(l4);
		*dport = xl_get16(l4 + 2);
	}
}

struct walk6 {
	u8 nh;			/* upper-layer protocol */
	u32 off;		/* its offset */
	u8 frag;		/* a fragment header was seen */
	u16 frag_off;		/* its offset (bytes) and M flag (bit 0) */
	u32 frag_id;
	u8 rh_left;		/* a routing header has segments left */
	u32 err_ptr;		/* ... its Segments Left, from @start */
};

/*
 * Walk the extension headers of the IPv6 header at @start: hop-by-hop
 * (first only), destination options, routing (only with no segments
 * left: RFC 7915 §4.1) and fragment.
 */
static enum xl_verdict walk6(struct xl_pkt *p, const u8 *buf, u32 len,
			     u32 pktlen, u32 start, struct walk6 *w)
{
	enum xl_verdict v;
	unsigned int n;

	w->nh = buf[start + 6];
	w->off = start + XL_IP6_HLEN;
	w->frag = 0;
	w->rh_left = 0;
	for (n = 0; n <= XL_MAX_EXTHDRS; n++) {
		u32 hl;

		switch (w->nh) {
		case PROTO_TCP:
		case PROTO_UDP:
		case PROTO_ICMPV6:
			return XL_OK;
		case NH_HOPOPTS:
			if (w->off != start + XL_IP6_HLEN)
				return XL_UNSUPPORTED;
			fallthrough;
		case NH_DSTOPTS:
		case NH_ROUTING:
			v = have(p, w->off + 8, len, pktlen);
			if (v)
				return v;
			hl = (buf[w->off + 1] + 1u) * 8;
			if (w->nh == NH_ROUTING && buf[w->off + 3] &&
			    !w->rh_left) {
				w->err_ptr = w->off + 3 - start;
				w->rh_left = 1;
			}
			v = have(p, w->off + hl, len, pktlen);
			if (v)
				return v;
			w->nh = buf[w->off];
			w->off += hl;
			break;
		case NH_FRAGMENT:
			v = have(p, w->off + XL_FRAG_HLEN, len, pktlen);
			if (v)
				return v;
			w->frag = 1;
			w->frag_off = xl_get16(buf + w->off + 2) & 0xfff9;
			w->frag_id = xl_get32(buf + w->off + 4);
			w->nh = buf[w->off];
			w->off += XL_FRAG_HLEN;
			break;
		default:
			return XL_UNSUPPORTED;
		}
	}
	return XL_UNSUPPORTED;	/* a chain too long to be honest */
}

/* ICMPv6 types 0..127 are errors (RFC 4443 §2.1). */
static bool icmp6_is_error(u8 type)
{
	return type < 128;
}

static bool icmp4_is_error(u8 type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 ||
	       type == 12;
}

/*
 * Does the checksum of the ICMPv6 message at @l4 (@l4len bytes, linear)
 * of IPv6 header @ip6 add up? ICMP errors are translated into messages
 * whose checksum is computed afresh: one that arrived damaged would leave
 * looking sound.
 */
static bool icmp6_csum_ok(const u8 *ip6, const u8 *l4, u32 l4len)
{
	u32 sum = xl_csum_add_bytes(0, ip6 + 8, 32);

	sum += (l4len >> 16) + (l4len & 0xffff) + PROTO_ICMPV6;
	return xl_csum_fold(xl_csum_add_bytes(sum, l4, l4len)) == 0xffff;
}

static bool icmp4_csum_ok(const u8 *l4, u32 l4len)
{
	return xl_csum_fold(xl_csum_add_bytes(0, l4, l4len)) == 0xffff;
}

/* Parse the IPv6 packet inside an ICMPv6 error (all of it is linear). */
static enum xl_verdict parse_inner6(struct xl_pkt *p, const u8 *buf,
				    u32 pktlen, u32 off)
{
	struct xl_inner *in = &p->in;
	struct xl_pkt scratch;
	struct walk6 w;
	int proto;

	if (off + XL_IP6_HLEN > pktlen || buf[off] >> 4 != 6)
		return XL_BAD_INNER;
	if (walk6(&scratch, buf, pktlen, pktlen, off, &w) || w.rh_left)
		return XL_BAD_INNER;
	proto = proto_from6(w.nh);
	/* Ports are only in a first fragment, and must be there. */
	if (proto < 0 || (w.frag && (w.frag_off & 0xfff8)) ||
	    w.off + 8 > pktlen)
		return XL_BAD_INNER;
	in->proto = (u8)proto;
	memcpy(in->src, buf + off + 8, 16);
	memcpy(in->dst, buf + off + 24, 16);
	in->tclass = (u8)(xl_get16(buf + off) >> 4);
	in->hop_limit = buf[off + 7];
	in->off = (u16)off;
	in->l3len = (u16)(w.off - off);
	in->len = (u16)(pktlen - off);
	in->totlen = (u16)min_u32(XL_IP6_HLEN + xl_get16(buf + off + 4),
				  0xffff);
	in->frag = w.frag;
	in->frag_off = w.frag_off;
	in->frag_id = w.frag_id;
	if (in->totlen < in->l3len + 8)
		return XL_BAD_INNER;
	in->icmp_type = buf[w.off];
	/* No error about an error, no error about ND and the like. */
	if (proto == XL_ICMP && in->icmp_type != ICMP6_ECHO_REQUEST &&
	    in->icmp_type != ICMP6_ECHO_REPLY)
		return XL_BAD_INNER;
	read_ports(in->proto, buf + w.off, &in->sport, &in->dport);
	return XL_OK;
}

/* Parse the IPv4 packet inside an ICMPv4 error. */
static enum xl_verdict parse_inner4(struct xl_pkt *p, const u8 *buf,
				    u32 pktlen, u32 off)
{
	struct xl_inner *in = &p->in;
	u32 ihl;
	int proto;

	if (off + XL_IP4_HLEN > pktlen || buf[off] >> 4 != 4)
		return XL_BAD_INNER;
	ihl = (buf[off] & 0xf) * 4u;
	proto = proto_from4(buf[off + 9]);
	if (ihl < XL_IP4_HLEN || proto < 0 || off + ihl + 8 > pktlen)
		return XL_BAD_INNER;
	in->frag_off = xl_get16(buf + off + 6);
	if (in->frag_off & 0x1fff)	/* no ports past the first fragment */
		return XL_BAD_INNER;
	in->frag = !!(in->frag_off & 0x2000);
	in->frag_id = xl_get16(buf + off + 4);
	in->proto = (u8)proto;
	memcpy(in->src, buf + off + 12, 4);
	memcpy(in->dst, buf + off + 16, 4);
	in->tclass = buf[off + 1];
	in->hop_limit = buf[off + 8];
	in->off = (u16)off;
	in->l3len = (u16)ihl;
	in->len = (u16)(pktlen - off);
	in->totlen = xl_get16(buf + off + 2);
	if (in->totlen < ihl + 8)
		return XL_BAD_INNER;
	in->icmp_type = buf[off + ihl];
	if (proto == XL_ICMP && in->icmp_type != ICMP4_ECHO_REQUEST &&
	    in->icmp_type != ICMP4_ECHO_REPLY)
		return XL_BAD_INNER;
	read_ports(in->proto, buf + off + ihl, &in->sport, &in->dport);
	return XL_OK;
}

/*
 * Is IPv6 source @a one no router forwards: unspecified (RFC 4291
 * §2.5.2), loopback, link-local (§2.5.6) or multicast?
 */
static bool addr6_bad_src(const u8 *a)
{
	static const u8 zero[15];

	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return true;
	return !memcmp(a, zero, 15) && a[15] <= 1;
}

/*
 * The bytes of an ICMP error (@l3len: of its outer header) that its
 * translation reads: headers, the quote and an RFC 4884 extension that
 * can fit the translated error. Past them, a long error's checksum is
 * left to the caller (xl_pkt.csum_todo).
 */
static u32 err_window(u32 l3len, u32 pktlen)
{
	return min_u32(pktlen, l3len + XL_ICMP_HLEN + XL_ERR_WINDOW);
}

/* Does an ICMPv6 type/code have a translation (RFC 7915 §4.2)? */
static bool icmp6_translatable(u8 type, u8 code, u32 ptr);
static bool icmp4_translatable(u8 type, u8 code, u8 ptr);

enum xl_verdict xl_parse6(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p)
{
	enum xl_verdict v;
	struct walk6 w;
	const u8 *l4;
	int proto;

	memset(p, 0, sizeof(*p));
	if (len > pktlen || pktlen < XL_IP6_HLEN)
		return XL_TRUNCATED;
	v = have(p, XL_IP6_HLEN, len, pktlen);
	if (v)
		return v;
	if (buf[0] >> 4 != 6 || xl_get16(buf + 4) != pktlen - XL_IP6_HLEN)
		return XL_TRUNCATED;
	memcpy(p->src, buf + 8, 16);
	memcpy(p->dst, buf + 24, 16);
	p->tclass = (u8)(xl_get16(buf) >> 4);
	p->hop_limit = buf[7];
	if (addr6_bad_src(p->src))
		return XL_BAD_ADDR;

	v = walk6(p, buf, len, pktlen, 0, &w);
	if (v)
		return v;
	proto = proto_from6(w.nh);
	if (proto < 0)
		return XL_UNSUPPORTED;
	/* Fragments are reassembled before us; atomic ones are translated. */
	if (w.frag && w.frag_off)
		return XL_UNSUPPORTED;
	p->proto = (u8)proto;
	p->frag = w.frag;
	p->frag_id = w.frag_id;
	p->l3len = (u16)w.off;
	p->l4len = (u16)(pktlen - w.off);
	v = have(p, w.off + l4_min(p->proto), len, pktlen);
	if (v)
		return v;
	l4 = buf + w.off;
	/*
	 * RFC 7915 §4.1: segments left, not translated; parameter problem,
	 * unless it is an ICMPv6 error (RFC 4443 §2.4 (e.1)).
	 */
	if (w.rh_left) {
		p->err_ptr = w.err_ptr;
		p->is_err = p->proto == XL_ICMP && icmp6_is_error(l4[0]);
		return XL_ROUTING_HDR;
	}
	if (p->proto == XL_TCP &&
	    ((l4[12] >> 4) < 5 || (l4[12] >> 4) * 4u > p->l4len))
		return XL_TRUNCATED;
	if (p->proto == XL_UDP && xl_get16(l4 + 4) != p->l4len)
		return XL_TRUNCATED;
	/* IPv6 UDP must carry a checksum (RFC 8200 §8.1). */
	if (p->proto == XL_UDP && !xl_get16(l4 + 6))
		return XL_BADCSUM;
	read_ports(p->proto, l4, &p->sport, &p->dport);

	if (p->proto == XL_ICMP) {
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		if (!icmp6_translatable(l4[0], l4[1], xl_get32(l4 + 4)))
			return XL_ICMP_UNTRANSLATABLE;
		if (icmp6_is_error(l4[0])) {
			u32 win = err_window(w.off, pktlen);

			/* Errors are translated from a linear window. */
			p->is_err = 1;
			v = have(p, win, len, pktlen);
			if (v)
				return v;
			p->err_len = win;
			p->csum_todo = win < pktlen;
			if (!p->csum_todo && !icmp6_csum_ok(buf, l4, p->l4len))
				return XL_BADCSUM;
			v = parse_inner6(p, buf, win, w.off + XL_ICMP_HLEN);
			if (v)
				return v;
		}
	}
	if (p->hop_limit <= 1)
		return XL_HOPLIMIT;
	return XL_OK;
}

/*
 * IPv4 options are ignored, except an unexpired loose or strict source
 * route (RFC 7915 §5.1): the pointer not yet past the option's end.
 */
static enum xl_verdict check_options(const u8 *buf, u32 ihl)
{
	u32 i = XL_IP4_HLEN;

	while (i < ihl) {
		u8 type = buf[i], olen;

		if (type == 0)			/* end of options */
			break;
		if (type == 1) {		/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= ihl)
			return XL_TRUNCATED;
		olen = buf[i + 1];
		if (olen < 2 || i + olen > ihl)
			return XL_TRUNCATED;
		if ((type == 131 || type == 137) && olen >= 3 &&
		    buf[i + 2] <= olen)
			return XL_SOURCE_ROUTE;
		i += olen;
	}
	return XL_OK;
}

enum xl_verdict xl_parse4(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p)
{
	enum xl_verdict v, sr;
	const u8 *l4;
	int proto;
	u32 ihl;

	memset(p, 0, sizeof(*p));
	if (len > pktlen)
		return XL_TRUNCATED;
	v = have(p, XL_IP4_HLEN, len, pktlen);
	if (v)
		return v;
	ihl = (buf[0] & 0xf) * 4u;
	if (buf[0] >> 4 != 4 || ihl < XL_IP4_HLEN ||
	    xl_get16(buf + 2) != pktlen || ihl > pktlen)
		return XL_TRUNCATED;
	v = have(p, ihl, len, pktlen);
	if (v)
		return v;
	memcpy(p->src, buf + 12, 4);
	memcpy(p->dst, buf + 16, 4);
	if (xl_addr4_bad(p->src))
		return XL_BAD_ADDR;
	p->tclass = buf[1];
	p->hop_limit = buf[8];
	p->df = !!(buf[6] & 0x40);
	p->l3len = (u16)ihl;
	p->l4len = (u16)(pktlen - ihl);

	proto = proto_from4(buf[9]);
	if (proto < 0)
		return XL_UNSUPPORTED;
	p->proto = (u8)proto;
	/* Fragments are reassembled before us. */
	if (xl_get16(buf + 6) & 0x3fff)
		return XL_UNSUPPORTED;
	sr = check_options(buf, ihl);
	if (sr && sr != XL_SOURCE_ROUTE)
		return sr;
	v = have(p, ihl + l4_min(p->proto), len, pktlen);
	if (v)
		return v;
	l4 = buf + ihl;
	/* Source route failed, unless it is an ICMP error (RFC 1812
	 * §4.3.2.7).
	 */
	if (sr) {
		p->is_err = p->proto == XL_ICMP && icmp4_is_error(l4[0]);
		return sr;
	}
	if (p->proto == XL_TCP &&
	    ((l4[12] >> 4) < 5 || (l4[12] >> 4) * 4u > p->l4len))
		return XL_TRUNCATED;
	if (p->proto == XL_UDP && xl_get16(l4 + 4) != p->l4len)
		return XL_TRUNCATED;
	read_ports(p->proto, l4, &p->sport, &p->dport);

	if (p->proto == XL_ICMP) {
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		if (!icmp4_translatable(l4[0], l4[1], l4[4]))
			return XL_ICMP_UNTRANSLATABLE;
		if (icmp4_is_error(l4[0])) {
			u32 win = err_window(ihl, pktlen);

			p->is_err = 1;
			v = have(p, win, len, pktlen);
			if (v)
				return v;
			p->err_len = win;
			p->csum_todo = win < pktlen;
			if (!p->csum_todo && !icmp4_csum_ok(l4, p->l4len))
				return XL_BADCSUM;
			v = parse_inner4(p, buf, win, ihl + XL_ICMP_HLEN);
			if (v)
				return v;
		}
	}
	if (p->hop_limit <= 1)
		return XL_HOPLIMIT;
	return XL_OK;
}

/* ---- ICMP type and code tables (RFC 7915 §4.2 and §5.2) ---- */

/* Parameter problem pointers, IPv6 header -> IPv4 header (Figure 6). */
static int ptr6to4(u32 ptr)
{
	if (ptr <= 1)
		return (int)ptr;	/* version/traffic class -> ver/IHL, TOS */
	if (ptr == 4 || ptr == 5)
		return 2;		/* payload length -> total length */
	if (ptr == 6)
		return 9;		/* next header -> protocol */
	if (ptr == 7)
		return 8;		/* hop limit -> TTL */
	if (ptr >= 8 && ptr <= 23)
		return 12;		/* source address */
	if (ptr >= 24 && ptr <= 39)
		return 16;		/* destination address */
	return -1;			/* flow label, or past the header */
}

/* IPv4 header -> IPv6 header (Figure 3). */
static int ptr4to6(u8 ptr)
{
	if (ptr <= 1)
		return ptr;
	if (ptr == 2 || ptr == 3)
		return 4;		/* total length -> payload length */
	if (ptr == 8)
		return 7;		/* TTL -> hop limit */
	if (ptr == 9)
		return 6;		/* protocol -> next header */
	if (ptr >= 12 && ptr <= 15)
		return 8;		/* source address */
	if (ptr >= 16 && ptr <= 19)
		return 24;		/* destination address */
	return -1;	/* identification, flags, checksum, options */
}

/* The ICMPv4 type and code an ICMPv6 message becomes, or false. */
static bool map6to4(u8 type, u8 code, u32 ptr, u8 *t4, u8 *c4)
{
	static const u8 unreach[] = {
		1,	/* 0 no route -> host unreachable */
		10,	/* 1 administratively prohibited -> host prohibited */
		1,	/* 2 beyond scope of source address -> host unreach. */
		1,	/* 3 address unreachable -> host unreachable */
		3,	/* 4 port unreachable -> port unreachable */
	};

	switch (type) {
	case ICMP6_ECHO_REQUEST:
		*t4 = ICMP4_ECHO_REQUEST;
		*c4 = code;
		return true;
	case ICMP6_ECHO_REPLY:
		*t4 = ICMP4_ECHO_REPLY;
		*c4 = code;
		return true;
	case ICMP6_DEST_UNREACH:
		if (code >= sizeof(unreach))
			return false;
		*t4 = ICMP4_DEST_UNREACH;
		*c4 = unreach[code];
		return true;
	case ICMP6_PKT_TOOBIG:
		*t4 = ICMP4_DEST_UNREACH;
		*c4 = 4;		/* fragmentation needed and DF set */
		return true;
	case ICMP6_TIME_EXCEED:
		*t4 = ICMP4_TIME_EXCEEDED;
		*c4 = code;
		return code <= 1;
	case ICMP6_PARAMPROB:
		if (code == 0) {
			*t4 = ICMP4_PARAMPROB;
			*c4 = 0;
			return ptr6to4(ptr) >= 0;
		}
		if (code == 1) {	/* unrecognized next header */
			*t4 = ICMP4_DEST_UNREACH;
			*c4 = 2;	/* protocol unreachable */
			return true;
		}
		return false;
	}
	/* MLD, ND, unknown informational and error messages: dropped. */
	return false;
}

/* The ICMPv6 type and code an ICMPv4 message becomes, or false. */
static bool map4to6(u8 type, u8 code, u8 ptr, u8 *t6, u8 *c6)
{
	/* Destination Unreachable codes; 0xff: no translation. */
	static const u8 unreach_type[16] = {
		1, 1, 4, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0xff, 1,
	};
	static const u8 unreach_code[16] = {
		0, 0, 1, 4, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0xff, 1,
	};

	switch (type) {
	case ICMP4_ECHO_REQUEST:
		*t6 = ICMP6_ECHO_REQUEST;
		*c6 = code;
		return true;
	case ICMP4_ECHO_REPLY:
		*t6 = ICMP6_ECHO_REPLY;
		*c6 = code;
		return true;
	case ICMP4_DEST_UNREACH:
		if (code >= 16 || unreach_type[code] == 0xff)
			return false;
		*t6 = unreach_type[code];
		*c6 = unreach_code[code];
		return true;
	case ICMP4_TIME_EXCEEDED:
		*t6 = ICMP6_TIME_EXCEED;
		*c6 = code;
		return code <= 1;
	case ICMP4_PARAMPROB:
		/* Code 0 (pointer) and 2 (bad length); 1 has no pointer. */
		if (code != 0 && code != 2)
			return false;
		*t6 = ICMP6_PARAMPROB;
		*c6 = 0;
		return ptr4to6(ptr) >= 0;
	}
	/* Timestamp, information, address mask, router discovery, source
	 * quench, redirect, alternate host address, unknown: dropped.
	 */
	return false;
}

static bool icmp6_translatable(u8 type, u8 code, u32 ptr)
{
	u8 t, c;

	return map6to4(type, code, ptr, &t, &c);
}

static bool icmp4_translatable(u8 type, u8 code, u8 ptr)
{
	u8 t, c;

	return map4to6(type, code, ptr, &t, &c);
}

u32 xl_plateau(u32 totlen)
{
	/* RFC 1191 §7, Table 7-1. */
	static const u16 plateaus[] = {
		65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(plateaus); i++)
		if (plateaus[i] < totlen)
			return plateaus[i];
	return 68;
}

/* ---- transport headers and checksums ---- */

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

/* A transport header's translation. */
struct l4x {
	u8 proto;		/* enum xl_proto */
	bool to6;
	const u8 *osrc, *odst;	/* addresses before (4 or 16 bytes) */
	const u8 *nsrc, *ndst;	/* after */
	u32 l4len;		/* transport length for the pseudo-header */
	u16 sport, dport;	/* new ports / identifier */
	bool partial;
};

static u8 echo_type(u8 type, bool to6)
{
	if (to6)
		return type == ICMP4_ECHO_REQUEST ? ICMP6_ECHO_REQUEST :
						    ICMP6_ECHO_REPLY;
	return type == ICMP6_ECHO_REQUEST ? ICMP4_ECHO_REQUEST :
					    ICMP4_ECHO_REPLY;
}

/*
 * Rewrite ports (or ICMP type and identifier) of the transport header at
 * @l4, of which @avail bytes are present (at least 8; a truncated inner
 * header may lack its checksum, which is then left alone), and update its
 * checksum by difference.
 */
static void l4_xlat(const struct l4x *x, u8 *l4, u32 avail)
{
	u32 alen_old = x->to6 ? 4 : 16, alen_new = x->to6 ? 16 : 4;
	u32 delta, coff;

	if (x->proto == XL_ICMP) {
		/* ICMPv6 covers a pseudo-header, ICMPv4 does not. */
		u8 type = echo_type(l4[0], x->to6);

		if (x->to6)
			delta = xl_csum_fold(pseudo6_sum(x->nsrc, x->ndst,
							 x->l4len,
							 PROTO_ICMPV6));
		else
			delta = (u16)~xl_csum_fold(pseudo6_sum(x->osrc,
							       x->odst,
							       x->l4len,
							       PROTO_ICMPV6));
		delta += word_delta(xl_get16(l4), (u16)(type << 8 | l4[1]));
		delta += word_delta(xl_get16(l4 + 4), x->sport);
		l4[0] = type;
		xl_put16(l4 + 4, x->sport);
		xl_csum_apply(l4 + 2, delta, false);
		return;
	}

	delta = xl_csum_sub_bytes(0, x->osrc, alen_old);
	delta = xl_csum_sub_bytes(delta, x->odst, alen_old);
	delta = xl_csum_add_bytes(delta, x->nsrc, alen_new);
	delta = xl_csum_add_bytes(delta, x->ndst, alen_new);
	/* A partial checksum covers the pseudo-header only: the device
	 * sums the transport header as it will be sent.
	 */
	if (!x->partial) {
		delta += word_delta(xl_get16(l4), x->sport);
		delta += word_delta(xl_get16(l4 + 2), x->dport);
	}
	xl_put16(l4, x->sport);
	xl_put16(l4 + 2, x->dport);

	coff = x->proto == XL_TCP ? 16 : 6;
	if (avail < coff + 2)
		return;
	/* An IPv4 UDP checksum of zero means none: the caller fills it. */
	if (x->proto == XL_UDP && !xl_get16(l4 + coff))
		return;
	xl_csum_apply(l4 + coff, delta, x->partial);
	if (x->proto == XL_UDP && !x->partial && !xl_get16(l4 + coff))
		xl_put16(l4 + coff, 0xffff);
}

static void ip4_csum(u8 *ip4)
{
	xl_put16(ip4 + 10, 0);
	xl_put16(ip4 + 10, (u16)~xl_csum_fold(xl_csum_add_bytes(0, ip4,
								 XL_IP4_HLEN)));
}

/* Write an IPv4 header without options. */
static void put_ip4(u8 *ip4, u8 tos, u32 totlen, u16 id, u16 frag, u8 ttl,
		    u8 proto, const u8 *src, const u8 *dst)
{
	ip4[0] = 0x45;
	ip4[1] = tos;
	xl_put16(ip4 + 2, (u16)totlen);
	xl_put16(ip4 + 4, id);
	xl_put16(ip4 + 6, frag);
	ip4[8] = ttl;
	ip4[9] = proto;
	memcpy(ip4 + 12, src, 4);
	memcpy(ip4 + 16, dst, 4);
	ip4_csum(ip4);
}

static void put_ip6(u8 *ip6, u8 tclass, u32 plen, u8 nh, u8 hop,
		    const u8 *src, const u8 *dst)
{
	/* Version 6, traffic class, flow label 0 (RFC 7915 §5.1). */
	xl_put32(ip6, 6u << 28 | (u32)tclass << 20);
	xl_put16(ip6 + 4, (u16)plen);
	ip6[6] = nh;
	ip6[7] = hop;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
}

void xl_6to4(const struct xl_pkt *p, const struct xl_out *o, u8 *ip4, u8 *l4)
{
	u32 totlen = XL_IP4_HLEN + p->l4len;
	struct l4x x = {
		.proto = p->proto, .to6 = false,
		.osrc = p->src, .odst = p->dst, .nsrc = o->src, .ndst = o->dst,
		.l4len = p->l4len, .sport = o->sport, .dport = o->dport,
		.partial = o->csum_partial,
	};
	u16 frag = 0, id = o->ip4_id;

	if (p->frag)		/* atomic fragment: DF clear, its id */
		id = (u16)p->frag_id;
	else if (totlen > 1260 && !o->clear_df)
		frag = 0x4000;	/* RFC 7915 §4.1: DF over 1260 bytes */
	put_ip4(ip4, o->tclass_zero ? 0 : p->tclass, totlen, id, frag,
		p->hop_limit - 1, ipproto4[p->proto], o->src, o->dst);
	l4_xlat(&x, l4, l4_min(p->proto));
}

void xl_4to6(const struct xl_pkt *p, const struct xl_out *o, u8 *ip6, u8 *l4)
{
	struct l4x x = {
		.proto = p->proto, .to6 = true,
		.osrc = p->src, .odst = p->dst, .nsrc = o->src, .ndst = o->dst,
		.l4len = p->l4len, .sport = o->sport, .dport = o->dport,
		.partial = o->csum_partial,
	};

	put_ip6(ip6, o->tclass_zero ? 0 : p->tclass, p->l4len,
		ipproto6[p->proto], p->hop_limit - 1, o->src, o->dst);
	l4_xlat(&x, l4, l4_min(p->proto));
}

/* ---- ICMP errors ---- */

static u32 xl_round_up(u32 n, u32 to)
{
	return (n + to - 1) / to * to;
}

/*
 * RFC 4884: where the error's length field is set and sane, @*orig gets
 * the original datagram's length and @*ext the extension's offset in the
 * packet; otherwise the whole rest is the datagram and there is no
 * extension.
 */
static void split_4884(u32 lenfield_bytes, u32 in_off, u32 pktlen,
		       u32 min_inner, u32 *orig, u32 *ext)
{
	*orig = pktlen - in_off;
	*ext = pktlen;
	if (!lenfield_bytes || lenfield_bytes < min_inner ||
	    in_off + lenfield_bytes + 4 > pktlen)
		return;
	*orig = lenfield_bytes;
	*ext = in_off + lenfield_bytes;
}

/*
 * Only the first @lin bytes of the @pktlen are there (linear): the quote
 * ends with them, and an extension that goes past them is left out. It
 * could not have fit the translated error anyway (XL_ERR_WINDOW).
 */
static void cut_4884(u32 in_off, u32 pktlen, u32 lin, u32 *orig, u32 *ext)
{
	if (lin >= pktlen)
		return;
	if (*orig > lin - in_off)
		*orig = lin - in_off;
	*ext = pktlen;
}

/*
 * Lay the translated inner packet and any extension out after the ICMP
 * header at @out + @hdr; returns the total length and sets the RFC 4884
 * length (in @unit-byte words, 0 if no extension kept).
 */
static u32 place_tail(u8 *out, u32 hdr, u32 inner_len, const u8 *ext,
		      u32 ext_len, u32 lim, u32 unit, u32 *words)
{
	u32 padded;

	*words = 0;
	if (ext_len) {
		padded = xl_round_up(inner_len, unit);
		if (padded < 128)
			padded = 128;
		if (hdr + padded + ext_len <= lim && padded / unit <= 255) {
			memset(out + hdr + inner_len, 0, padded - inner_len);
			memcpy(out + hdr + padded, ext, ext_len);
			*words = padded / unit;
			return hdr + padded + ext_len;
		}
	}
	return min_u32(hdr + inner_len, lim);
}

int xl_err_6to4(const struct xl_pkt *p, const u8 *pkt, u32 pktlen,
		const struct xl_out *outer, const struct xl_out *inner,
		const struct xl_mtus *mtu, u8 *out, u32 cap)
{
	const struct xl_inner *in = &p->in;
	u32 icmp_off = p->l3len, lim = min_u32(cap, XL_ERR4_MAX);
	u32 lin = p->err_len ? min_u32(p->err_len, pktlen) : pktlen;
	u32 orig, ext, l4avail, l4copy, len, words, field, itot;
	u32 hdr = XL_IP4_HLEN + XL_ICMP_HLEN;	/* outer headers */
	u32 ihdr = hdr + XL_IP4_HLEN;		/* + inner IPv4 header */
	u8 type, code, *icmp = out + XL_IP4_HLEN;
	bool lenfield;
	u16 frag = 0, id = 0;
	struct l4x x;

	if (!p->is_err || (u32)in->off + in->l3len + 8 > lin ||
	    icmp_off + XL_ICMP_HLEN > lin || lim < ihdr + 8)
		return -XL_TRUNCATED;
	field = xl_get32(pkt + icmp_off + 4);
	if (!map6to4(p->icmp_type, p->icmp_code, field, &type, &code))
		return -XL_ICMP_UNTRANSLATABLE;

	/* RFC 4884 length (64-bit words) in unreachable and time exceeded. */
	lenfield = p->icmp_type == ICMP6_DEST_UNREACH ||
		   p->icmp_type == ICMP6_TIME_EXCEED;
	split_4884(lenfield ? pkt[icmp_off + 4] * 8u : 0, in->off, pktlen,
		   in->l3len + 8, &orig, &ext);
	cut_4884(in->off, pktlen, lin, &orig, &ext);
	l4avail = orig - in->l3len;
	l4copy = min_u32(l4avail, lim - ihdr);

	/*
	 * Inner IPv4 header: as in §4.1 (RFC 7915 §4.3), but the TTL is not
	 * decremented. A fragment keeps its id, offset and MF, DF clear;
	 * anything else gets DF over 1260 bytes, as xl_6to4() gives it.
	 */
	itot = in->totlen - in->l3len + XL_IP4_HLEN;
	if (in->frag) {
		id = (u16)in->frag_id;
		frag = (in->frag_off & 0xfff8) >> 3 | (in->frag_off & 1) << 13;
	} else if (itot > 1260 && !inner->clear_df) {
		frag = 0x4000;
	}
	put_ip4(out + hdr, inner->tclass_zero ? 0 : in->tclass,
		itot, id, frag, in->hop_limit,
		ipproto4[in->proto], inner->src, inner->dst);
	memcpy(out + ihdr, pkt + in->off + in->l3len, l4copy);
	x = (struct l4x) {
		.proto = in->proto, .to6 = false,
		.osrc = in->src, .odst = in->dst,
		.nsrc = inner->src, .ndst = inner->dst,
		.l4len = in->totlen - in->l3len,
		.sport = inner->sport, .dport = inner->dport,
	};
	l4_xlat(&x, out + ihdr, l4copy);

	len = place_tail(out, hdr, XL_IP4_HLEN + l4copy,
			 lenfield && ext < pktlen ? pkt + ext : NULL,
			 lenfield ? pktlen - ext : 0, lim, 4, &words);

	memset(icmp, 0, XL_ICMP_HLEN);
	icmp[0] = type;
	icmp[1] = code;
	if (p->icmp_type == ICMP6_PKT_TOOBIG) {
		/* RFC 7915 §4.2: min(advertised - 20, IPv4 next hop,
		 * IPv6 link - 20). No IPv6 path is narrower than 1280
		 * (RFC 8200 §5): a smaller report (0 included) is taken as
		 * 1280, as RFC 8201 §4 has IPv6 nodes do.
		 */
		u32 m = (field < IPV6_MIN_MTU_ ? IPV6_MIN_MTU_ : field) - 20;

		if (mtu->out)
			m = min_u32(m, mtu->out);
		if (mtu->in > 20)
			m = min_u32(m, mtu->in - 20);
		xl_put16(icmp + 6, (u16)min_u32(m, 0xffff));
	} else if (type == ICMP4_PARAMPROB) {
		icmp[4] = (u8)ptr6to4(field);
	}
	icmp[5] = (u8)words;	/* RFC 4884 length, 32-bit words */
	xl_put16(icmp + 2, (u16)~xl_csum_fold(xl_csum_add_bytes(0, icmp,
							len - XL_IP4_HLEN)));

	/* Small by construction: DF clear (RFC 7915 §4.1). */
	put_ip4(out, outer->tclass_zero ? 0 : p->tclass, len, outer->ip4_id,
		0, p->hop_limit - 1, PROTO_ICMP, outer->src, outer->dst);
	return (int)len;
}

int xl_err_4to6(const struct xl_pkt *p, const u8 *pkt, u32 pktlen,
		const struct xl_out *outer, const struct xl_out *inner,
		const struct xl_mtus *mtu, u8 *out, u32 cap)
{
	const struct xl_inner *in = &p->in;
	u32 icmp_off = p->l3len, lim = min_u32(cap, XL_ERR6_MAX);
	u32 lin = p->err_len ? min_u32(p->err_len, pktlen) : pktlen;
	u32 hdr = XL_IP6_HLEN + XL_ICMP_HLEN;
	u32 ihl6 = XL_IP6_HLEN + (in->frag ? XL_FRAG_HLEN : 0);
	u32 ihdr = hdr + ihl6;
	u32 orig, ext, l4avail, l4copy, len, words;
	u8 type, code, *icmp = out + XL_IP6_HLEN;
	bool lenfield;
	struct l4x x;
	u32 sum;

	if (!p->is_err || (u32)in->off + in->l3len + 8 > lin ||
	    icmp_off + XL_ICMP_HLEN > lin || lim < ihdr + 8)
		return -XL_TRUNCATED;
	if (!map4to6(p->icmp_type, p->icmp_code, pkt[icmp_off + 4], &type,
		     &code))
		return -XL_ICMP_UNTRANSLATABLE;

	/* RFC 4884 length (32-bit words) in unreachable, time exceeded and
	 * parameter problem; ICMPv6 keeps it only in unreachable and time
	 * exceeded.
	 */
	lenfield = p->icmp_type == ICMP4_DEST_UNREACH ||
		   p->icmp_type == ICMP4_TIME_EXCEEDED ||
		   p->icmp_type == ICMP4_PARAMPROB;
	split_4884(lenfield ? pkt[icmp_off + 5] * 4u : 0, in->off, pktlen,
		   in->l3len + 8, &orig, &ext);
	cut_4884(in->off, pktlen, lin, &orig, &ext);
	if (type != ICMP6_DEST_UNREACH && type != ICMP6_TIME_EXCEED)
		lenfield = false;
	l4avail = orig - in->l3len;
	l4copy = min_u32(l4avail, lim - ihdr);

	/* Inner IPv6 header, with a fragment header if it was a fragment. */
	put_ip6(out + hdr, inner->tclass_zero ? 0 : in->tclass,
		in->totlen - in->l3len + (ihl6 - XL_IP6_HLEN),
		in->frag ? NH_FRAGMENT : ipproto6[in->proto], in->hop_limit,
		inner->src, inner->dst);
	if (in->frag) {
		u8 *fh = out + hdr + XL_IP6_HLEN;

		fh[0] = ipproto6[in->proto];
		fh[1] = 0;
		/* Offset 0 (first fragment only), M from MF. */
		xl_put16(fh + 2, (in->frag_off & 0x2000) ? 1 : 0);
		xl_put32(fh + 4, in->frag_id);
	}
	memcpy(out + ihdr, pkt + in->off + in->l3len, l4copy);
	x = (struct l4x) {
		.proto = in->proto, .to6 = true,
		.osrc = in->src, .odst = in->dst,
		.nsrc = inner->src, .ndst = inner->dst,
		.l4len = in->totlen - in->l3len,
		.sport = inner->sport, .dport = inner->dport,
	};
	l4_xlat(&x, out + ihdr, l4copy);

	len = place_tail(out, hdr, ihl6 + l4copy,
			 lenfield && ext < pktlen ? pkt + ext : NULL,
			 lenfield ? pktlen - ext : 0, lim, 8, &words);

	memset(icmp, 0, XL_ICMP_HLEN);
	icmp[0] = type;
	icmp[1] = code;
	if (type == ICMP6_PKT_TOOBIG) {
		/* RFC 7915 §5.2: min(advertised + 20, IPv6 next hop, IPv4
		 * link + 20); an advertised 0 means the RFC 1191 plateau
		 * below the packet's length. Never below the IPv6 minimum.
		 */
		u32 adv = xl_get16(pkt + icmp_off + 6), m;

		if (!adv)
			adv = xl_plateau(in->totlen);
		m = adv + 20;
		if (mtu->out)
			m = min_u32(m, mtu->out);
		if (mtu->in)
			m = min_u32(m, mtu->in + 20);
		if (m < IPV6_MIN_MTU_)
			m = IPV6_MIN_MTU_;
		xl_put32(icmp + 4, m);
	} else if (type == ICMP6_PARAMPROB) {
		/* Code 0 maps the pointer; protocol unreachable points at
		 * the next header field.
		 */
		xl_put32(icmp + 4, code == 0 ?
			 (u32)ptr4to6(pkt[icmp_off + 4]) : 6);
	} else if (words) {
		icmp[4] = (u8)words;
	}

	put_ip6(out, outer->tclass_zero ? 0 : p->tclass, len - XL_IP6_HLEN,
		PROTO_ICMPV6, p->hop_limit - 1, outer->src, outer->dst);
	sum = pseudo6_sum(outer->src, outer->dst, len - XL_IP6_HLEN,
			  PROTO_ICMPV6);
	sum = xl_csum_add_bytes(sum, icmp, len - XL_IP6_HLEN);
	xl_put16(icmp + 2, (u16)~xl_csum_fold(sum));
	return (int)len;
}
