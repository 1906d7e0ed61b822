/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 7915 header translation on linear header buffers. Pure core: the
 * caller (kernel glue or a test) hands in the bytes of the headers, the
 * core parses and rewrites them; it never allocates, locks or sees an skb.
 *
 * The packet path is parse, then (after the caller found or made the
 * mapping) translate:
 *
 *	xl_parse6()  -> struct xl_pkt -> xl_6to4()
 *	xl_parse4()  -> struct xl_pkt -> xl_4to6()
 */
#ifndef _NAT64_XLAT_H
#define _NAT64_XLAT_H

#include "core.h"

#define XL_IP4_HLEN	20
#define XL_IP6_HLEN	40

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
	XL_TRUNCATED,	/* headers shorter than they claim */
	XL_UNSUPPORTED,	/* protocol, ICMP type, extension header, fragment */
	XL_HOPLIMIT,	/* TTL / hop limit would run out */
	XL_BADCSUM,	/* IPv6 UDP without a checksum */
};

/* What parsing learnt of a packet; addresses in network order. */
struct xl_pkt {
	u8 src[16];		/* IPv4 packets use the first 4 bytes */
	u8 dst[16];
	u8 proto;		/* enum xl_proto */
	u8 hop_limit;		/* TTL or hop limit as received */
	u8 tclass;		/* traffic class / TOS */
	u8 icmp_type;		/* XL_ICMP: type as received */
	u8 df;			/* IPv4: Don't Fragment was set */
	u16 l3len;		/* bytes of the network header(s) */
	u16 l4len;		/* bytes from the transport header to the end */
	u16 sport, dport;	/* host order; XL_ICMP: both are the identifier */
};

/* Linear bytes the glue must provide from the start of the packet. */
#define XL_LINEAR_MAX	(60 + 20)

/*
 * Parse the IPv6 packet whose first @len bytes (all linear, @len >= the
 * headers it claims, up to XL_LINEAR_MAX) start at @buf; @pktlen is the
 * whole packet's length.
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

#endif /* _NAT64_XLAT_H */
