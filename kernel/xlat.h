/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 7915 header translation on linear header buffers. Pure core: the
 * caller (kernel glue or a test) hands in the bytes of the headers, the
 * core parses and rewrites them; it never allocates, locks or sees an skb.
 *
 * The packet path is parse, then (after the caller found or made the
 * mapping) translate:
 *
 *	xl_parse6()  -> struct xl_pkt -> xl_6to4()      (queries, in place)
 *	                              -> xl_err_6to4()  (ICMP errors, copied)
 *	xl_parse4()  -> struct xl_pkt -> xl_4to6() / xl_err_4to6()
 *
 * Parsing asks for more linear bytes (XL_NEED_MORE, struct xl_pkt.need)
 * rather than assuming a fixed amount: the glue pulls that much and parses
 * again. ICMP errors are translated from and into whole linear buffers, as
 * their inner packet changes size.
 */
#ifndef _NAT64_XLAT_H
#define _NAT64_XLAT_H

#include "core.h"

#define XL_IP4_HLEN	20
#define XL_IP6_HLEN	40
#define XL_FRAG_HLEN	8
#define XL_ICMP_HLEN	8

/* ICMP errors the translator emits are bounded (RFC 7915 §4.2, §5.2). */
#define XL_ERR4_MAX	576
#define XL_ERR6_MAX	1280
/*
 * What of an ICMP error after its ICMP header is made linear (parsing
 * asks no more): a quote with headers, for XL_ERR6_MAX, and an RFC 4884
 * extension after the longest original datagram the length field can
 * tell (255 * 8 bytes) that could still fit a translated error.
 */
#define XL_ERR_WINDOW	4096

/* Extension headers a packet may carry before we give up on it. */
#define XL_MAX_EXTHDRS	8

/* Transport protocols the translator keeps mappings for. */
enum xl_proto {
	XL_TCP,
	XL_UDP,
	XL_ICMP,	/* ICMPv6 / ICMPv4 queries: the identifier is the port */
	XL_NPROTO
};

/* Why a packet is not translated; each has a counter in the glue. */
enum xl_verdict {
	XL_OK = 0,
	XL_NEED_MORE,	/* make xl_pkt.need bytes linear and parse again */
	XL_TRUNCATED,	/* headers shorter than they claim */
	XL_UNSUPPORTED,	/* protocol, extension header, fragment */
	XL_HOPLIMIT,	/* TTL / hop limit would run out: ICMP time exceeded */
	XL_BADCSUM,	/* IPv6 UDP without a checksum, ICMP error's bad one */
	XL_ICMP_UNTRANSLATABLE,	/* ICMP type/code with no translation */
	XL_ROUTING_HDR,	/* routing header with segments left: param problem */
	XL_SOURCE_ROUTE,	/* unexpired IPv4 source route: unreachable */
	XL_BAD_INNER,	/* ICMP error whose inner packet is unusable */
	XL_BAD_ADDR,	/* a source (or destination) no router forwards */
	XL_NVERDICTS
};

/* The packet inside an ICMP error, as parsed. */
struct xl_inner {
	u8 src[16], dst[16];	/* IPv4 uses the first 4 bytes */
	u8 proto;		/* enum xl_proto */
	u8 icmp_type;
	u8 hop_limit, tclass;
	u16 off;		/* of its IP header, from the outer packet's start */
	u16 l3len;		/* its IP header(s) */
	u16 len;		/* bytes of it present (may be truncated) */
	u16 totlen;		/* length its IP header claims */
	u16 sport, dport;
	u32 frag_id;		/* IPv6 fragment id / IPv4 identification */
	u16 frag_off;		/* IPv4 flags+offset word / IPv6 offset+M */
	u8 frag;		/* it is (or has a header of) a fragment */
};

/* What parsing learnt of a packet; addresses in network order. */
struct xl_pkt {
	u8 src[16];		/* IPv4 packets use the first 4 bytes */
	u8 dst[16];
	u8 proto;		/* enum xl_proto */
	u8 hop_limit;		/* TTL or hop limit as received */
	u8 tclass;		/* traffic class / TOS */
	u8 icmp_type, icmp_code;	/* XL_ICMP: as received */
	u8 df;			/* IPv4: Don't Fragment was set */
	u8 frag;		/* IPv6: had an atomic fragment header */
	u8 is_err;		/* an ICMP error: see inner (refused ones too:
				 * no ICMP error answers them)
				 */
	u16 l3len;		/* bytes of the network header(s) */
	u16 l4len;		/* bytes from the transport header to the end */
	u16 sport, dport;	/* host order; XL_ICMP: both are the identifier */
	u32 frag_id;		/* IPv6 fragment header's identification */
	u32 need;		/* XL_NEED_MORE: linear bytes wanted (for an
				 * ICMP error, all it will ask: is_err is
				 * set already)
				 */
	u32 err_len;		/* is_err: bytes parsed and translated from */
	u8 csum_todo;		/* is_err: longer than err_len, its ICMP
				 * checksum is not checked: the caller does
				 */
	u32 err_ptr;		/* XL_ROUTING_HDR: parameter problem pointer */
	struct xl_inner in;	/* is_err: the packet in error */
};

/*
 * How many linear bytes to provide after XL_NEED_MORE asked for @need with
 * @have linear: a generous first step covers any sane header chain, a
 * second one makes it all linear. So parsing runs at most three times.
 */
#define XL_PULL_STEP	512
static inline u32 xl_next_pull(u32 need, u32 have, u32 pktlen)
{
	if (have < XL_PULL_STEP) {
		u32 step = pktlen < XL_PULL_STEP ? pktlen : XL_PULL_STEP;

		return need > step ? need : step;
	}
	return pktlen;
}

/*
 * Parse the IPv6 packet whose first @len bytes are linear at @buf; @pktlen
 * is the whole packet's length (len <= pktlen).
 */
enum xl_verdict xl_parse6(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p);
enum xl_verdict xl_parse4(const u8 *buf, u32 len, u32 pktlen,
			  struct xl_pkt *p);

/* The other side's addresses and ports, chosen by the caller. */
struct xl_out {
	u8 src[16];		/* IPv4 results use the first 4 bytes */
	u8 dst[16];
	u16 sport, dport;	/* host order; XL_ICMP: the identifier in both */
	u16 ip4_id;		/* 6to4: Identification to use */
	bool csum_partial;	/* the L4 checksum is CHECKSUM_PARTIAL */
	bool clear_df;		/* 6to4: never set DF */
	bool tclass_zero;	/* don't copy traffic class / TOS */
};

/*
 * Translate the IPv6 packet @p (parsed from @in) to IPv4: write the IPv4
 * header (XL_IP4_HLEN bytes) at @ip4 and rewrite the transport header at
 * @l4 (at least its first 20 bytes for TCP, 8 otherwise, writable) in
 * place. @ip4 may overlap the IPv6 header: everything needed from it is
 * in @p. The hop limit is decremented; the caller checked it was > 1.
 */
void xl_6to4(const struct xl_pkt *p, const struct xl_out *o, u8 *ip4, u8 *l4);

/* The reverse: writes XL_IP6_HLEN bytes at @ip6. */
void xl_4to6(const struct xl_pkt *p, const struct xl_out *o, u8 *ip6, u8 *l4);

/* Path MTUs the glue knows, for Packet Too Big / Fragmentation Needed. */
struct xl_mtus {
	u32 in;		/* MTU of the link the error came in on */
	u32 out;	/* MTU of the route the translated error takes */
};

/*
 * Translate the ICMP error @p, @pktlen bytes at @pkt of which the first
 * @p->err_len are there (linear), into @out (room for @cap bytes).
 * @outer gives the translated error's addresses, @inner the addresses and
 * ports of the packet inside it.
 * Returns the length written (never more than @cap, nor than XL_ERR4_MAX
 * resp. XL_ERR6_MAX), or a negative enum xl_verdict.
 */
int xl_err_6to4(const struct xl_pkt *p, const u8 *pkt, u32 pktlen,
		const struct xl_out *outer, const struct xl_out *inner,
		const struct xl_mtus *mtu, u8 *out, u32 cap);
int xl_err_4to6(const struct xl_pkt *p, const u8 *pkt, u32 pktlen,
		const struct xl_out *outer, const struct xl_out *inner,
		const struct xl_mtus *mtu, u8 *out, u32 cap);

/*
 * Is IPv4 address @a one no router forwards (RFC 1812 §5.3.7): 0/8,
 * loopback, multicast, reserved and limited broadcast (224/3)?
 */
static inline bool xl_addr4_bad(const u8 a[4])
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

/* RFC 1191 plateau below an IPv4 total length (for MTU 0 reports). */
u32 xl_plateau(u32 totlen);

#endif /* _NAT64_XLAT_H */
