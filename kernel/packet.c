// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks at PRE_ROUTING (or the NAT64 xtables
 * target, xt.c) that translate IPv6 packets to a rule's prefix into IPv4
 * (RFC 6146 §3.5 for the mapping, RFC 7915 §4 for the headers) and IPv4
 * packets to a mapping's pool address back into IPv6 (RFC 7915 §5).
 *
 * Queries (TCP, UDP, ICMP echo) are rewritten in place and sent on with
 * the other family's routing; ICMP errors, whose inner packet changes
 * size, are translated into a fresh small skb. Translated packets are
 * stolen from the hook; every drop is counted, and the errors RFC 7915
 * asks for go out through the kernel's rate-limited ICMP senders.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/arp.h>
#include <net/dst.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "fastpath.h"
#include "mapping.h"
#include "rfc6052.h"

/* After defragmentation, before connection tracking. */
#define NAT64_HOOK_PRIO	(NF_IP_PRI_CONNTRACK_DEFRAG + 1)

static const enum nat64_stat verdict_stat[XL_NVERDICTS] = {
	[XL_NEED_MORE] = NAT64_STAT_DROP_NOMEM,
	[XL_TRUNCATED] = NAT64_STAT_DROP_TRUNCATED,
	[XL_UNSUPPORTED] = NAT64_STAT_DROP_UNSUPPORTED,
	[XL_HOPLIMIT] = NAT64_STAT_DROP_HOPLIMIT,
	[XL_BADCSUM] = NAT64_STAT_DROP_CHECKSUM,
	[XL_ICMP_UNTRANSLATABLE] = NAT64_STAT_DROP_ICMP_TYPE,
	[XL_ROUTING_HDR] = NAT64_STAT_DROP_ROUTING_HDR,
	[XL_SOURCE_ROUTE] = NAT64_STAT_DROP_SOURCE_ROUTE,
	[XL_BAD_INNER] = NAT64_STAT_DROP_BAD_INNER,
	[XL_BAD_ADDR] = NAT64_STAT_DROP_BAD_ADDR,
};

/* Translated packets per protocol, each way. */
static const enum nat64_stat stat_6to4[XL_NPROTO] = {
	[XL_TCP] = NAT64_STAT_6TO4_TCP,
	[XL_UDP] = NAT64_STAT_6TO4_UDP,
	[XL_ICMP] = NAT64_STAT_6TO4_ICMP,
};

static const enum nat64_stat stat_4to6[XL_NPROTO] = {
	[XL_TCP] = NAT64_STAT_4TO6_TCP,
	[XL_UDP] = NAT64_STAT_4TO6_UDP,
	[XL_ICMP] = NAT64_STAT_4TO6_ICMP,
};

static unsigned int drop(struct nat64_net *nn, enum nat64_stat why)
{
	nat64_stat_inc(nn, why);
	return NF_DROP;
}

/*
 * Parse with as few linear bytes as the headers need: start with what is
 * linear already, pull more only when the core asks for it. An ICMP
 * error asks, once, for what its translation reads: never all of a long
 * one, whose checksum err_csum_ok() checks in place.
 */
typedef enum xl_verdict (*parse_fn)(const u8 *buf, u32 len, u32 pktlen,
				    struct xl_pkt *p);

static enum xl_verdict parse(struct sk_buff *skb, parse_fn fn,
			     struct xl_pkt *p)
{
	unsigned int tries;
	enum xl_verdict v = XL_NEED_MORE;

	for (tries = 0; tries < 3 && v == XL_NEED_MORE; tries++) {
		v = fn(skb->data, skb_headlen(skb), skb->len, p);
		if (v == XL_NEED_MORE &&
		    !pskb_may_pull(skb, p->is_err ? p->need :
				   xl_next_pull(p->need, skb_headlen(skb),
						skb->len)))
			return XL_NEED_MORE;
	}
	return v;
}

/*
 * The ICMP checksum of error @p, longer than its translation reads (and
 * than what is linear), checked once it is known to be of a session.
 */
static bool err_csum_ok(struct sk_buff *skb, const struct xl_pkt *p)
{
	__wsum sum;

	if (!p->csum_todo)
		return true;
	sum = skb_checksum(skb, p->l3len, p->l4len, 0);
	if (ip_hdr(skb)->version == 6)
		return !csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
					&ipv6_hdr(skb)->daddr, p->l4len,
					IPPROTO_ICMPV6, sum);
	return !csum_fold(sum);
}

/* An ICMPv4 error about @skb, still untranslated and at PRE_ROUTING. */
static void icmp4_error(struct nat64_net *nn, struct sk_buff *skb, u8 type,
			u8 code, u32 info)
{
	const struct iphdr *iph = ip_hdr(skb);

	/* icmp_send() wants the route the packet came in on. */
	if (!skb_dst(skb) &&
	    ip_route_input_noref(skb, iph->daddr, iph->saddr,
				 iph->tos & 0x1c, skb->dev))
		return;
	icmp_send(skb, type, code, htonl(info));
	nat64_stat_inc(nn, NAT64_STAT_ICMP_SENT);
}

static void icmp6_error(struct nat64_net *nn, struct sk_buff *skb, u8 type,
			u8 code, u32 info)
{
	icmpv6_send(skb, type, code, info);
	nat64_stat_inc(nn, NAT64_STAT_ICMP_SENT);
}

/*
 * A packet the core refused: count it, and tell the sender if due; never
 * about an ICMP error (RFC 4443 §2.4 (e.1), RFC 1812 §4.3.2.7), which the
 * kernel's senders would quietly refuse, leaving icmp-sent wrong.
 */
static unsigned int refuse6(struct nat64_net *nn, struct sk_buff *skb,
			    enum xl_verdict v, const struct xl_pkt *p)
{
	if (p->is_err)
		return drop(nn, verdict_stat[v]);
	if (v == XL_HOPLIMIT)
		icmp6_error(nn, skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT,
			    0);
	else if (v == XL_ROUTING_HDR)
		icmp6_error(nn, skb, ICMPV6_PARAMPROB, ICMPV6_HDR_FIELD,
			    p->err_ptr);
	return drop(nn, verdict_stat[v]);
}

static unsigned int refuse4(struct nat64_net *nn, struct sk_buff *skb,
			    enum xl_verdict v, const struct xl_pkt *p)
{
	if (p->is_err)
		return drop(nn, verdict_stat[v]);
	if (v == XL_HOPLIMIT)
		icmp4_error(nn, skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
	else if (v == XL_SOURCE_ROUTE)
		icmp4_error(nn, skb, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0);
	return drop(nn, verdict_stat[v]);
}

/*
 * A packet of session @s: run the TCP state machine on its flags (@th:
 * its TCP header) and renew the idle timer if due.
 */
static void sess_update(struct nat64_session *s, u8 proto, bool from6,
			const u8 *th)
{
	bool refresh = true;

	if (proto == XL_TCP) {
		u8 st = READ_ONCE(s->state), next;

		/*
		 * Packets of both directions run this at once on different
		 * CPUs (FINs crossing): a plain read-modify-write would let
		 * one transition overwrite the other's. Retry on the state
		 * the other one left.
		 */
		do {
			next = tcp_next(st, from6, th[13] & 0x07, &refresh);
			if (next == st)
				break;
		} while (!try_cmpxchg(&s->state, &st, next));
	}
	if (refresh)
		nat64_sess_touch(s);
}

/* @b's session with IPv4 peer @raddr (4 bytes):@rport, if live. */
static struct nat64_session *sess_live(struct nat64_net *nn,
				       struct nat64_maptable *mt,
				       const struct nat64_bib *b,
				       const u8 *raddr, u16 rport)
{
	struct nat64_session *s;
	__be32 a;

	memcpy(&a, raddr, 4);
	s = nat64_sess_find(nn, mt, b, a, rport);
	return s && !READ_ONCE(s->dead) ? s : NULL;
}

#define TH_SYN_ONLY(th)	(((th)[13] & 0x17) == 0x02)	/* SYN, no ACK/RST/FIN */

/*
 * Make the transport checksum one the core can update: ICMP checksums are
 * updated by difference only over a complete checksum, and a partial
 * checksum must start at the transport header we rewrite.
 */
static int prepare_csum(struct sk_buff *skb, const struct xl_pkt *p,
			bool *partial)
{
	*partial = false;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		if (p->proto != XL_ICMP &&
		    skb_checksum_start_offset(skb) == p->l3len) {
			*partial = true;
			return 0;
		}
		return skb_checksum_help(skb);
	}
	/* Headers change under a complete checksum: let it go. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* Make a translated packet one of the other family's, routed by @dst. */
static void out_prep(struct sk_buff *skb, struct dst_entry *dst,
		     __be16 proto, u16 frag_max)
{
	skb->protocol = proto;
	memset(skb->cb, 0, sizeof(struct inet6_skb_parm));
	if (proto == htons(ETH_P_IP))
		IPCB(skb)->frag_max_size = frag_max;
	else
		IP6CB(skb)->frag_max_size = frag_max;
	nf_reset_ct(skb);
	skb_clear_tstamp(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
}

/* Hand a translated packet to the other family's output path. */
static unsigned int finish(struct nat64_net *nn, struct sk_buff *skb,
			   struct dst_entry *dst, __be16 proto, u16 frag_max)
{
	out_prep(skb, dst, proto, frag_max);
	dst_output(nn->net, NULL, skb);
	return NF_STOLEN;
}

/*
 * A translated IPv6 packet (not GSO, no extension headers) that IPv4 let
 * be fragmented, cut into fragments of at most @mtu bytes here rather
 * than by ip6_fragment(), which would choose an Identification of its
 * own: RFC 7915 §5.1.1 copies the IPv4 one (@id) into its low-order 16
 * bits. Each fragment goes on as a packet of its own.
 */
static unsigned int frag6_out(struct nat64_net *nn, struct sk_buff *skb,
			      struct dst_entry *dst, unsigned int mtu, u16 id)
{
	struct net_device *dev = dst->dev;
	struct ip6_frag_state st;
	struct sk_buff *frag;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		dst_release(dst);
		nat64_stat_inc(nn, NAT64_STAT_DROP_NOMEM);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	out_prep(skb, dst, htons(ETH_P_IPV6), 0);
	ip6_frag_init(skb, XL_IP6_HLEN, mtu - XL_IP6_HLEN - XL_FRAG_HLEN,
		      dev->needed_tailroom, LL_RESERVED_SPACE(dev),
		      &ipv6_hdr(skb)->nexthdr, ipv6_hdr(skb)->nexthdr,
		      htonl(id), &st);
	while (st.left > 0) {
		frag = ip6_frag_next(skb, &st);
		if (IS_ERR(frag)) {
			nat64_stat_inc(nn, NAT64_STAT_DROP_NOMEM);
			kfree_skb(skb);
			return NF_STOLEN;
		}
		dst_output(nn->net, NULL, frag);
	}
	consume_skb(skb);
	return NF_STOLEN;
}

static struct rtable *route4(struct nat64_net *nn, struct sk_buff *skb,
			     const u8 *src, const u8 *dst, u8 tos, u8 proto)
{
	struct flowi4 fl4 = {
		.flowi4_tos = tos & 0x1c,	/* the routing TOS bits */
		.flowi4_proto = proto,
		.flowi4_mark = skb->mark,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};

	struct rtable *rt;

	memcpy(&fl4.saddr, src, 4);
	memcpy(&fl4.daddr, dst, 4);
	rt = ip_route_output_key(nn->net, &fl4);
	/*
	 * Only along unicast routes: not to an address of ours (local,
	 * through lo), nor a directed broadcast, nor anything else. (No
	 * route, blackhole, unreachable and prohibit routes are errors of
	 * the lookup, never -EPERM.)
	 */
	if (!IS_ERR(rt) && rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return ERR_PTR(-EPERM);
	}
	return rt;
}

/* The counter of a route4() that failed. */
static enum nat64_stat route4_stat(const struct rtable *rt)
{
	return PTR_ERR(rt) == -EPERM ? NAT64_STAT_DROP_ROUTE_TYPE :
	       NAT64_STAT_DROP_NO_ROUTE;
}

static struct dst_entry *route6(struct nat64_net *nn, struct sk_buff *skb,
				const u8 *src, const u8 *dst, u8 proto)
{
	struct flowi6 fl6 = {
		.flowi6_proto = proto,
		.flowi6_mark = skb->mark,
	};
	struct dst_entry *d;

	memcpy(&fl6.saddr, src, 16);
	memcpy(&fl6.daddr, dst, 16);
	d = ip6_route_output(nn->net, NULL, &fl6);
	if (d->error) {
		dst_release(d);
		return NULL;
	}
	return d;
}

/*
 * Will the packet, @len bytes once translated, fit @mtu? For GSO, each
 * segment; they are measured before translation, which changes the
 * network header by @grow bytes.
 */
static bool fits(const struct sk_buff *skb, unsigned int len,
		 unsigned int mtu, int grow)
{
	if (len <= mtu)
		return true;
	return skb_is_gso(skb) &&
	       skb_gso_validate_network_len(skb, mtu - grow);
}

/*
 * GSO packets translated as they are: TCP (@tcp: SKB_GSO_TCPV4 or V6),
 * and UDP_L4 with its checksum partial from the UDP header. Segmenting
 * them later makes each segment's headers from the translated ones: IP
 * lengths and ids, the UDP length, and the checksum from the partial
 * pseudo-header sum, which the translation moved to the new addresses
 * and which both families sum alike. Anything else (fragment lists,
 * tunnels, GSO partial, ESP, SCTP, ...) carries headers or checksums the
 * translator does not rewrite: it is segmented, in software, first.
 */
static bool gso_inplace(const struct sk_buff *skb, const struct xl_pkt *p,
			unsigned int tcp)
{
	unsigned int t = skb_shinfo(skb)->gso_type & ~SKB_GSO_DODGY;
	bool partial = skb->ip_summed == CHECKSUM_PARTIAL;

	if (partial && skb_checksum_start_offset(skb) != p->l3len)
		return false;
	if (p->proto == XL_TCP)
		return (t & tcp) &&
		       !(t & ~(tcp | SKB_GSO_TCP_ECN | SKB_GSO_TCP_FIXEDID));
	return p->proto == XL_UDP && t == SKB_GSO_UDP_L4 && partial;
}

static bool rule_src_ok(const struct nat64_rule *r, const u8 *saddr)
{
	return !r->src_plen ||
	       ipv6_prefix_equal((const struct in6_addr *)r->src,
				 (const struct in6_addr *)saddr, r->src_plen);
}

/* The first rule for IPv6 packets from @saddr (NULL: any) to @daddr. */
static struct nat64_rule *rule_for6(struct nat64_net *nn, const u8 *saddr,
				    const u8 *daddr)
{
	struct nat64_ruleset *rs = rcu_dereference(nn->rules);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++) {
		struct nat64_rule *r = rs->rule[i];

		if (rfc6052_match(r->prefix, r->plen, daddr) &&
		    (!saddr || rule_src_ok(r, saddr)))
			return r;
	}
	return NULL;
}

/* The first rule whose pool holds IPv4 address @daddr. */
static struct nat64_rule *rule_for4(struct nat64_net *nn, __be32 daddr)
{
	struct nat64_ruleset *rs = rcu_dereference(nn->rules);
	u32 a = ntohl(daddr);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (nat64_pool_has(rs->rule[i]->pool, a, -1, -1))
			return rs->rule[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Unsolicited IPv4 SYNs, kept for a simultaneous open (RFC 5382 REQ-4) */

struct nat64_syn {
	struct list_head list;
	unsigned long since;		/* jiffies */
	__be32 addr4, raddr;
	u16 port4, rport;
	unsigned int len;
	u8 quote[];			/* the SYN, for the ICMP error */
};

/* What an ICMPv4 error quotes of the SYN (RFC 1812 §4.3.2.3). */
#define SYN_QUOTE_MAX	(576 - XL_IP4_HLEN - XL_ICMP_HLEN)

static unsigned int synq_store(struct nat64_net *nn, struct sk_buff *skb,
			       const struct xl_pkt *p)
{
	unsigned int len = min_t(unsigned int, skb->len, SYN_QUOTE_MAX);
	const struct iphdr *iph = ip_hdr(skb);
	struct nat64_syn *q, *e;

	if (READ_ONCE(nn->drop_ext_tcp))
		return drop(nn, NAT64_STAT_DROP_FILTERED);
	if (READ_ONCE(nn->synq_len) >= READ_ONCE(nn->max_stored_syns))
		return drop(nn, NAT64_STAT_DROP_SYN_QUEUE_FULL);
	q = kmalloc(sizeof(*q) + len, GFP_ATOMIC);
	if (!q)
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	q->since = jiffies;
	q->addr4 = iph->daddr;
	q->raddr = iph->saddr;
	q->port4 = p->dport;
	q->rport = p->sport;
	q->len = len;
	if (skb_copy_bits(skb, 0, q->quote, len)) {
		kfree(q);
		return drop(nn, NAT64_STAT_DROP_TRUNCATED);
	}
	spin_lock_bh(&nn->synq_lock);
	if (nn->synq_len >= READ_ONCE(nn->max_stored_syns)) {
		spin_unlock_bh(&nn->synq_lock);
		kfree(q);
		return drop(nn, NAT64_STAT_DROP_SYN_QUEUE_FULL);
	}
	/* A retransmission: the first one is kept, with its deadline. */
	list_for_each_entry(e, &nn->synq, list) {
		if (e->addr4 == q->addr4 && e->port4 == q->port4 &&
		    e->raddr == q->raddr && e->rport == q->rport) {
			spin_unlock_bh(&nn->synq_lock);
			kfree(q);
			return drop(nn, NAT64_STAT_SYN_RETRANSMITTED);
		}
	}
	list_add_tail(&q->list, &nn->synq);
	WRITE_ONCE(nn->synq_len, nn->synq_len + 1);
	spin_unlock_bh(&nn->synq_lock);
	nat64_stat_inc(nn, NAT64_STAT_SYN_STORED);
	return NF_DROP;
}

/*
 * An IPv6 SYN went out for a kept IPv4 SYN's connection: a simultaneous
 * open. The kept SYN is dropped silently (RFC 5382 REQ-4).
 */
static void synq_match(struct nat64_net *nn, const struct nat64_bib *b,
		       __be32 raddr, u16 rport)
{
	struct nat64_syn *q;

	if (!READ_ONCE(nn->synq_len))
		return;
	spin_lock_bh(&nn->synq_lock);
	list_for_each_entry(q, &nn->synq, list) {
		if (q->addr4 == b->addr4 && q->port4 == b->port4 &&
		    q->raddr == raddr && q->rport == rport) {
			list_del(&q->list);
			WRITE_ONCE(nn->synq_len, nn->synq_len - 1);
			kfree(q);
			break;
		}
	}
	spin_unlock_bh(&nn->synq_lock);
}

/* ICMP port unreachable from the pool address to the SYN's sender. */
static void synq_answer(struct nat64_net *nn, const struct nat64_syn *q)
{
	unsigned int len = XL_IP4_HLEN + XL_ICMP_HLEN + q->len;
	struct flowi4 fl4 = {
		.flowi4_proto = IPPROTO_ICMP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.saddr = q->addr4,
		.daddr = q->raddr,
	};
	struct icmphdr *icmph;
	struct sk_buff *skb;
	struct rtable *rt;
	struct iphdr *iph;

	rt = ip_route_output_key(nn->net, &fl4);
	if (IS_ERR(rt))
		return;
	skb = alloc_skb(LL_MAX_HEADER + len, GFP_KERNEL);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER);
	skb_put(skb, len);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, XL_IP4_HLEN);
	iph = ip_hdr(skb);
	*iph = (struct iphdr) {
		.version = 4,
		.ihl = 5,
		.tos = IPTOS_PREC_INTERNETCONTROL,
		.tot_len = htons(len),
		.id = htons(get_random_u16()),
		.ttl = 64,
		.protocol = IPPROTO_ICMP,
		.saddr = q->addr4,
		.daddr = q->raddr,
	};
	ip_send_check(iph);
	icmph = icmp_hdr(skb);
	*icmph = (struct icmphdr) {
		.type = ICMP_DEST_UNREACH,
		.code = ICMP_PORT_UNREACH,
	};
	memcpy(icmph + 1, q->quote, q->len);
	icmph->checksum = ip_compute_csum(icmph, XL_ICMP_HLEN + q->len);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	ip_local_out(nn->net, NULL, skb);
	nat64_stat_inc(nn, NAT64_STAT_ICMP_SENT);
}

/* Answer and forget the SYNs kept too long (from the GC). */
void nat64_synq_expire(struct nat64_net *nn)
{
	unsigned long life = (unsigned long)READ_ONCE(nn->timeout[NAT64_TO_SYN]) * HZ;
	struct nat64_syn *q, *tmp;
	LIST_HEAD(done);

	if (!READ_ONCE(nn->synq_len))
		return;
	spin_lock_bh(&nn->synq_lock);
	list_for_each_entry_safe(q, tmp, &nn->synq, list) {
		if (time_before(jiffies, q->since + life))
			break;
		list_move_tail(&q->list, &done);
		WRITE_ONCE(nn->synq_len, nn->synq_len - 1);
	}
	spin_unlock_bh(&nn->synq_lock);
	list_for_each_entry_safe(q, tmp, &done, list) {
		synq_answer(nn, q);
		nat64_stat_inc(nn, NAT64_STAT_SYN_EXPIRED);
		kfree(q);
	}
}

void nat64_synq_flush(struct nat64_net *nn)
{
	struct nat64_syn *q, *tmp;

	spin_lock_bh(&nn->synq_lock);
	list_for_each_entry_safe(q, tmp, &nn->synq, list)
		kfree(q);
	INIT_LIST_HEAD(&nn->synq);
	WRITE_ONCE(nn->synq_len, 0);
	spin_unlock_bh(&nn->synq_lock);
}

/* ------------------------------------------------------------------ */

static void out_opts(struct nat64_net *nn, struct xl_out *o)
{
	o->clear_df = READ_ONCE(nn->clear_df);
	o->tclass_zero = READ_ONCE(nn->reset_tos);
	o->csum_partial = false;
	o->ip4_id = get_random_u16();
}

/* Allocate the skb an ICMP error is translated into. */
static struct sk_buff *err_skb(struct sk_buff *orig, unsigned int cap)
{
	struct sk_buff *n = alloc_skb(LL_MAX_HEADER + cap, GFP_ATOMIC);

	if (!n)
		return NULL;
	skb_reserve(n, LL_MAX_HEADER);
	n->mark = orig->mark;
	n->dev = orig->dev;
	return n;
}

/* ICMPv6 error about a packet we translated from IPv4 (RFC 7915 §4.2). */
static unsigned int xlat_err_6to4(struct nat64_net *nn, struct sk_buff *skb,
				  struct nat64_rule *rule,
				  const struct xl_pkt *p)
{
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	const struct xl_inner *in = &p->in;
	struct nat64_rule *irule = rule_for6(nn, NULL, in->src);
	struct xl_out outer, inner;
	struct xl_mtus mtus;
	struct nat64_bib *m;
	struct sk_buff *n;
	struct rtable *rt;
	int len;

	/* The packet in error came from an IPv4 host to a BIB entry. */
	m = irule ? nat64_bib_find6(nn, mt, in->proto,
				    (const struct in6_addr *)in->dst,
				    in->dport) : NULL;
	if (!m)
		return drop(nn, NAT64_STAT_DROP_BAD_INNER);

	out_opts(nn, &outer);
	memcpy(outer.src, &m->addr4, 4);
	rfc6052_extract(rule->plen, p->dst, outer.dst);
	inner = outer;
	rfc6052_extract(irule->plen, in->src, inner.src);
	/*
	 * ... through a session of it, and the error goes back to that
	 * host: no one reports errors about another's flows, or sends
	 * them to a host that is not the flow's peer.
	 */
	if (!sess_live(nn, mt, m, inner.src,
		       in->proto == XL_ICMP ? 0 : in->sport) ||
	    memcmp(p->dst, in->src, 16))
		return drop(nn, NAT64_STAT_DROP_ERR_NO_SESSION);
	if (!err_csum_ok(skb, p))
		return drop(nn, NAT64_STAT_DROP_CHECKSUM);
	memcpy(inner.dst, &m->addr4, 4);
	inner.sport = in->proto == XL_ICMP ? m->port4 : in->sport;
	inner.dport = m->port4;

	rt = route4(nn, skb, outer.src, outer.dst, p->tclass, IPPROTO_ICMP);
	if (IS_ERR(rt))
		return drop(nn, route4_stat(rt));
	mtus.in = skb->dev ? skb->dev->mtu : 0;
	mtus.out = dst_mtu(&rt->dst);

	n = err_skb(skb, XL_ERR4_MAX);
	if (!n) {
		ip_rt_put(rt);
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	}
	len = xl_err_6to4(p, skb->data, skb->len, &outer, &inner, &mtus,
			  n->data, XL_ERR4_MAX);
	if (len < 0) {
		kfree_skb(n);
		ip_rt_put(rt);
		return drop(nn, verdict_stat[-len]);
	}
	skb_put(n, len);
	skb_reset_network_header(n);
	skb_set_transport_header(n, XL_IP4_HLEN);
	nat64_stat_inc(nn, NAT64_STAT_ICMP_ERR_6TO4);
	consume_skb(skb);
	finish(nn, n, &rt->dst, htons(ETH_P_IP), 0);
	return NF_STOLEN;
}

/*
 * The session of a 6to4 packet (@dst4: its IPv4 destination), made if
 * need be: TCP only by a SYN. ERR_PTR(-stat) if there is none.
 */
static struct nat64_session *session6(struct nat64_net *nn,
				      struct nat64_maptable *mt,
				      struct nat64_rule *rule,
				      struct sk_buff *skb,
				      const struct xl_pkt *p, __be32 dst4,
				      struct nat64_bib **bibp, bool *fresh)
{
	struct nat64_flow f = {
		.proto = p->proto,
		.addr6 = &ipv6_hdr(skb)->saddr,
		.port6 = p->sport,
		.raddr = dst4,
		.rport = p->proto == XL_ICMP ? 0 : p->dport,
	};
	struct nat64_session *s;
	enum nat64_stat why;
	const u8 *th = skb->data + p->l3len;
	struct nat64_bib *b;

	b = nat64_bib_find6(nn, mt, f.proto, f.addr6, f.port6);
	s = b ? nat64_sess_find(nn, mt, b, f.raddr, f.rport) : NULL;
	if (s && !READ_ONCE(s->dead)) {
		*bibp = b;
		return s;
	}
	/* A TCP segment of no known connection opens none. */
	if (p->proto == XL_TCP && !(th[13] & 0x02))
		return ERR_PTR(-(long)NAT64_STAT_DROP_FILTERED);
	s = nat64_sess_create6(nn, mt, rule, &f, TCPS_CLOSED, bibp, &why);
	*fresh = true;
	if (!s) {
		nat64_ev_refused(nn, &f, rule,
				 b && !READ_ONCE(b->dead) ? b : NULL, why);
		return ERR_PTR(-(long)why);
	}
	if (p->proto == XL_TCP)
		synq_match(nn, *bibp, f.raddr, f.rport);
	return s;
}

static unsigned int __xlat_4to6(struct nat64_net *nn,
				struct nat64_rule *rule4, struct sk_buff *skb,
				bool hairpin);
static unsigned int xlat_4to6(struct nat64_net *nn, struct nat64_rule *rule4,
			      struct sk_buff *skb);

/*
 * A hairpinned packet no BIB entry takes back to IPv6: the translator
 * is the end of the road, as for any 6to4 packet it cannot translate.
 */
static unsigned int hairpin_refuse(struct nat64_net *nn, struct sk_buff *skb)
{
	icmp6_error(nn, skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	return drop(nn, NAT64_STAT_DROP_HAIRPIN);
}

typedef unsigned int (*xlat_fn)(struct nat64_net *nn, struct nat64_rule *rule,
				struct sk_buff *skb);
static unsigned int xlat_segments(struct nat64_net *nn, struct nat64_rule *rule,
				  struct sk_buff *skb, xlat_fn xlat);

/*
 * RFC 7915 §4.1: DF over 1260 bytes (for GSO, of each segment), unless
 * DF is to be cleared anyway; @o->clear_df set if not. Whether DF is set.
 */
static bool df_6to4(const struct sk_buff *skb, const struct xl_pkt *p,
		    unsigned int len4, struct xl_out *o)
{
	unsigned int seg4 = len4;

	if (skb_is_gso(skb))
		seg4 = XL_IP4_HLEN + skb_shinfo(skb)->gso_size +
		       (p->proto == XL_TCP ?
			(skb->data[p->l3len + 12] >> 4) * 4 : 8);
	if (!p->frag && !o->clear_df && seg4 > 1260)
		return true;
	o->clear_df = true;
	return false;
}

/* May @s's packets take the fast path (TCP: established)? */
static bool fp_state_ok(const struct nat64_session *s, u8 proto)
{
	return proto != XL_TCP || READ_ONCE(s->state) == TCPS_ESTABLISHED;
}

/*
 * Rewrite @skb, IPv6 packet @p of session @s, into IPv4 as @o says, in
 * place, run the session's state machine and count it; -ENOMEM if its
 * headers could not be made writable (the packet is unchanged).
 */
static int rewrite_6to4(struct nat64_net *nn, struct sk_buff *skb,
			struct nat64_session *s, const struct xl_pkt *p,
			struct xl_out *o)
{
	if (skb_ensure_writable(skb, p->l3len + (p->proto == XL_TCP ? 20 : 8)) ||
	    prepare_csum(skb, p, &o->csum_partial))
		return -ENOMEM;
	sess_update(s, p->proto, true, skb->data + p->l3len);
	xl_6to4(p, o, skb->data + p->l3len - XL_IP4_HLEN,
		skb->data + p->l3len);
	skb_pull(skb, p->l3len - XL_IP4_HLEN);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, XL_IP4_HLEN);
	if (skb_is_gso(skb) && (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)) {
		skb_shinfo(skb)->gso_type &= ~SKB_GSO_TCPV6;
		skb_shinfo(skb)->gso_type |= SKB_GSO_TCPV4;
	}
	nat64_stat_inc(nn, NAT64_STAT_6TO4_PACKETS);
	nat64_stat_inc(nn, stat_6to4[p->proto]);
	return 0;
}

static unsigned int xlat_6to4(struct nat64_net *nn, struct nat64_rule *rule,
			      struct sk_buff *skb)
{
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	struct nat64_rule *hairpin;
	unsigned int len4, mtu;
	struct nat64_session *s;
	enum nat64_stat why;
	struct nat64_bib *b;
	u16 frag_max;
	struct rtable *rt;
	__be32 dst4;
	struct xl_out o;
	struct xl_pkt p;
	enum xl_verdict v;
	bool fresh = false;
	bool df;

	v = parse(skb, xl_parse6, &p);
	if (v)
		return refuse6(nn, skb, v, &p);
	/* RFC 1812 §5.3.7: nothing to 0/8, loopback, multicast, broadcast. */
	rfc6052_extract(rule->plen, p.dst, o.dst);
	if (xl_addr4_bad(o.dst))
		return drop(nn, NAT64_STAT_DROP_BAD_ADDR);
	/* RFC 6052 §3.1; then the operator's deny list. */
	if (rule->wkp && rfc6052_v4_nonglobal(o.dst))
		return drop(nn, NAT64_STAT_DROP_NONGLOBAL);
	if (nat64_denied(nn, xl_get32(o.dst)))
		return drop(nn, NAT64_STAT_DROP_DENIED);
	if (p.is_err)
		return xlat_err_6to4(nn, skb, rule, &p);
	len4 = XL_IP4_HLEN + p.l4len;
	if (len4 > IP_MAX_MTU)
		return drop(nn, NAT64_STAT_DROP_TOO_BIG);
	if (skb_is_gso(skb) && !gso_inplace(skb, &p, SKB_GSO_TCPV6))
		return xlat_segments(nn, rule, skb, xlat_6to4);

	memcpy(&dst4, o.dst, 4);
	/*
	 * To a pool address: back to IPv6 (hairpinning, RFC 6146 §3.8),
	 * if a BIB entry is there to take it (an echo goes to its own).
	 */
	hairpin = rule_for4(nn, dst4);
	if (hairpin && p.proto != XL_ICMP &&
	    !nat64_bib_find4(nn, mt, p.proto, dst4, p.dport))
		return hairpin_refuse(nn, skb);
	s = session6(nn, mt, rule, skb, &p, dst4, &b, &fresh);
	if (IS_ERR(s)) {
		why = (enum nat64_stat)-PTR_ERR(s);
		/* RFC 6146 §3.5.1.1: no IPv4 address to be had. */
		if (why != NAT64_STAT_DROP_FILTERED)
			icmp6_error(nn, skb, ICMPV6_DEST_UNREACH,
				    ICMPV6_ADDR_UNREACH, 0);
		return drop(nn, why);
	}
	/*
	 * One IPv6 host may reach one IPv4 peer through two rules'
	 * prefixes: the answers come back through the prefix it used
	 * last. Deleting a rule flushes the sessions naming it; none can
	 * name it afresh then (it is unpublished, a grace period passed).
	 */
	if (READ_ONCE(s->rule) != rule->id)
		WRITE_ONCE(s->rule, rule->id);

	out_opts(nn, &o);
	memcpy(o.src, &b->addr4, 4);
	o.sport = b->port4;
	o.dport = p.proto == XL_ICMP ? b->port4 : p.dport;

	if (hairpin) {
		rt = NULL;
		mtu = IP_MAX_MTU;
		goto translate;
	}

	rt = route4(nn, skb, o.src, o.dst, p.tclass,
		    p.proto == XL_ICMP ? IPPROTO_ICMP : ipv6_hdr(skb)->nexthdr);
	if (IS_ERR(rt))
		return drop(nn, route4_stat(rt));
	mtu = dst_mtu(&rt->dst);
translate:

	/*
	 * A packet IPv6 reassembled was fragments: IPv4 may fragment it
	 * again, to the sizes it came in (RFC 7915 §4.1: no DF).
	 */
	frag_max = IP6CB(skb)->frag_max_size;
	if (frag_max) {
		o.clear_df = true;
		frag_max = frag_max > XL_IP6_HLEN ?
			   frag_max - XL_IP6_HLEN + XL_IP4_HLEN : 0;
	}
	df = df_6to4(skb, &p, len4, &o);
	if (df && !fits(skb, len4, mtu, XL_IP4_HLEN - (int)p.l3len)) {
		ip_rt_put(rt);
		/* Tell the IPv6 host what fits, in IPv6 terms. */
		icmp6_error(nn, skb, ICMPV6_PKT_TOOBIG, 0,
			    max_t(u32, mtu + XL_IP6_HLEN - XL_IP4_HLEN,
				  IPV6_MIN_MTU));
		return drop(nn, NAT64_STAT_DROP_TOO_BIG);
	}

	if (rewrite_6to4(nn, skb, s, &p, &o)) {
		if (rt)
			ip_rt_put(rt);
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	}
	if (hairpin) {
		/* It crosses one router: 4to6 takes the hop off again. */
		ip_hdr(skb)->ttl++;
		ip_send_check(ip_hdr(skb));
		nat64_stat_inc(nn, NAT64_STAT_HAIRPINNED);
		skb->protocol = htons(ETH_P_IP);
		memset(skb->cb, 0, sizeof(struct inet6_skb_parm));
		skb_dst_drop(skb);
		/* Translated or dropped: never back to a stack. */
		return __xlat_4to6(nn, hairpin, skb, true);
	}
	if (unlikely(rcu_access_pointer(nn->fpc)) && !frag_max && !fresh &&
	    fp_state_ok(s, p.proto))
		nat64_fp_learn(nn, s, 0, skb, &rt->dst, 0, p.tclass & 0x1c);
	return finish(nn, skb, &rt->dst, htons(ETH_P_IP), frag_max);
}

/* IPv4 sent no UDP checksum; IPv6 needs one (RFC 7915 §4.5). */
static void udp6_fill_csum(struct sk_buff *skb)
{
	struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct udphdr *uh = udp_hdr(skb);
	unsigned int len = skb->len - XL_IP6_HLEN;

	uh->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len, IPPROTO_UDP,
				    skb_checksum(skb, XL_IP6_HLEN, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/* ICMPv4 error about a packet we translated from IPv6 (RFC 7915 §5.2). */
static unsigned int xlat_err_4to6(struct nat64_net *nn, struct sk_buff *skb,
				  struct nat64_rule *rule4,
				  const struct xl_pkt *p)
{
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	const struct xl_inner *in = &p->in;
	struct xl_out outer, inner;
	struct nat64_session *s;
	struct nat64_rule *rule;
	struct nat64_bib *m;
	struct dst_entry *dst;
	struct xl_mtus mtus;
	struct sk_buff *n;
	__be32 isrc;
	int len;

	/* The packet in error went from a BIB entry to an IPv4 host. */
	memcpy(&isrc, in->src, 4);
	m = nat64_bib_find4(nn, mt, in->proto, isrc, in->sport);
	if (!m)
		return drop(nn, NAT64_STAT_DROP_BAD_INNER);
	/*
	 * ... of a session: as filtering would, no IPv4 host but the
	 * session's peer may report errors (Packet Too Big included) about
	 * it; and to the pool address that sent it.
	 */
	s = sess_live(nn, mt, m, in->dst,
		      in->proto == XL_ICMP ? 0 : in->dport);
	if (!s || memcmp(p->dst, in->src, 4))
		return drop(nn, NAT64_STAT_DROP_ERR_NO_SESSION);
	if (!err_csum_ok(skb, p))
		return drop(nn, NAT64_STAT_DROP_CHECKSUM);
	/* No rule: the session's is being flushed. */
	rule = nat64_rule_by_id(nn, READ_ONCE(s->rule)) ?: rule4;
	/* RFC 6052 §3.1 again: a router's non-global address too. */
	if (rule->wkp && rfc6052_v4_nonglobal(p->src))
		return drop(nn, NAT64_STAT_DROP_NONGLOBAL);
	out_opts(nn, &outer);
	rfc6052_embed(rule->prefix, rule->plen, p->src, outer.src);
	memcpy(outer.dst, &m->addr6, 16);
	inner = outer;
	memcpy(inner.src, &m->addr6, 16);
	rfc6052_embed(rule->prefix, rule->plen, in->dst, inner.dst);
	inner.sport = m->port6;
	inner.dport = in->proto == XL_ICMP ? m->port6 : in->dport;

	dst = route6(nn, skb, outer.src, outer.dst, IPPROTO_ICMPV6);
	if (!dst)
		return drop(nn, NAT64_STAT_DROP_NO_ROUTE);
	mtus.in = skb->dev ? skb->dev->mtu : 0;
	mtus.out = dst_mtu(dst);

	n = err_skb(skb, XL_ERR6_MAX);
	if (!n) {
		dst_release(dst);
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	}
	len = xl_err_4to6(p, skb->data, skb->len, &outer, &inner, &mtus,
			  n->data, XL_ERR6_MAX);
	if (len < 0) {
		kfree_skb(n);
		dst_release(dst);
		return drop(nn, verdict_stat[-len]);
	}
	skb_put(n, len);
	skb_reset_network_header(n);
	skb_set_transport_header(n, XL_IP6_HLEN);
	nat64_stat_inc(nn, NAT64_STAT_ICMP_ERR_4TO6);
	consume_skb(skb);
	return finish(nn, n, dst, htons(ETH_P_IPV6), 0);
}

/*
 * The session of a 4to6 packet to BIB entry @b, made if the filtering
 * lets it: ERR_PTR(-stat) if not, NULL if the packet was kept (an
 * unsolicited SYN).
 */
static struct nat64_session *session4(struct nat64_net *nn,
				      struct nat64_maptable *mt,
				      struct nat64_bib *b,
				      struct nat64_rule *rule4,
				      const struct xl_pkt *p, __be32 src4,
				      const u8 *th, bool *fresh)
{
	u16 rport = p->proto == XL_ICMP ? 0 : p->sport;
	struct nat64_session *s;
	enum nat64_stat why;
	bool known;

	s = nat64_sess_find(nn, mt, b, src4, rport);
	if (s && !READ_ONCE(s->dead))
		return s;
	known = !READ_ONCE(nn->filter_addr) || nat64_bib_knows(b, src4);
	if (p->proto == XL_TCP) {
		if (!TH_SYN_ONLY(th) || READ_ONCE(nn->drop_ext_tcp))
			return ERR_PTR(-(long)NAT64_STAT_DROP_FILTERED);
		/* Filtered: maybe a simultaneous open; wait for IPv6. */
		if (!known)
			return NULL;
	} else if (!known) {
		return ERR_PTR(-(long)NAT64_STAT_DROP_FILTERED);
	}
	s = nat64_sess_create4(nn, mt, b, b->rule ?: rule4->id, src4,
			       rport, TCPS_CLOSED, &why);
	*fresh = true;
	if (s)
		return s;
	/* A BIB entry that just went refuses nothing. */
	if (why != NAT64_STAT_4TO6_NO_MAPPING) {
		struct nat64_flow f = {
			.proto = b->proto,
			.addr6 = &b->addr6,
			.port6 = b->port6,
			.raddr = src4,
			.rport = rport,
		};

		nat64_ev_refused(nn, &f, NULL, b, why);
	}
	return ERR_PTR(-(long)why);
}

/* The same from IPv4 to IPv6 (the header grows, or shrinks by options). */
static int rewrite_4to6(struct nat64_net *nn, struct sk_buff *skb,
			struct nat64_session *s, const struct xl_pkt *p,
			struct xl_out *o)
{
	int delta = XL_IP6_HLEN - p->l3len;
	bool udp_nocsum;

	if (skb_ensure_writable(skb, p->l3len + (p->proto == XL_TCP ? 20 : 8)) ||
	    (delta > 0 && skb_cow_head(skb, delta)) ||
	    prepare_csum(skb, p, &o->csum_partial))
		return -ENOMEM;
	sess_update(s, p->proto, false, skb->data + p->l3len);
	udp_nocsum = p->proto == XL_UDP && !o->csum_partial &&
		     !xl_get16(skb->data + p->l3len + 6);
	xl_4to6(p, o, skb->data + p->l3len - XL_IP6_HLEN,
		skb->data + p->l3len);
	if (delta > 0)
		skb_push(skb, delta);
	else
		skb_pull(skb, -delta);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, XL_IP6_HLEN);
	if (udp_nocsum)
		udp6_fill_csum(skb);
	if (skb_is_gso(skb) && (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4)) {
		skb_shinfo(skb)->gso_type &= ~(SKB_GSO_TCPV4 |
					       SKB_GSO_TCP_FIXEDID);
		skb_shinfo(skb)->gso_type |= SKB_GSO_TCPV6;
	}
	nat64_stat_inc(nn, NAT64_STAT_4TO6_PACKETS);
	nat64_stat_inc(nn, stat_4to6[p->proto]);
	return 0;
}

/*
 * An IPv4 packet to a pool address; @hairpin: an IPv6 host's, translated
 * already, which is translated or dropped (no NF_ACCEPT: the skb is no
 * longer what the hook got).
 */
static unsigned int __xlat_4to6(struct nat64_net *nn,
				struct nat64_rule *rule4, struct sk_buff *skb,
				bool hairpin)
{
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	unsigned int len6, mtu, lowest;
	struct nat64_session *s;
	struct nat64_rule *rule;
	struct nat64_bib *m;
	struct dst_entry *dst;
	u16 frag_max = 0, id4;
	struct xl_out o;
	struct xl_pkt p;
	enum xl_verdict v;
	__be32 src4;
	bool fresh = false;
	int delta;

	/* The pool is the translator's: what it cannot translate, it drops. */
	v = parse(skb, xl_parse4, &p);
	if (v)
		return refuse4(nn, skb, v, &p);
	if (p.is_err)
		return xlat_err_4to6(nn, skb, rule4, &p);

	src4 = ip_hdr(skb)->saddr;
	m = nat64_bib_find4(nn, mt, p.proto, ip_hdr(skb)->daddr, p.dport);
	if (!m) {
		/* Gone since xlat_6to4 looked. */
		if (hairpin)
			return drop(nn, NAT64_STAT_DROP_HAIRPIN);
		if (p.proto == XL_TCP && TH_SYN_ONLY(skb->data + p.l3len) &&
		    nat64_pool_has(rule4->pool, ntohl(ip_hdr(skb)->daddr),
				   p.dport, XL_TCP) &&
		    !nat64_host_owns(nn->net, XL_TCP, ip_hdr(skb)->daddr,
				     p.dport))
			return synq_store(nn, skb, &p);
		nat64_stat_inc(nn, NAT64_STAT_4TO6_NO_MAPPING);
		return NF_ACCEPT;
	}
	/*
	 * RFC 6052 §3.1: no IPv6 source of the Well-Known Prefix and a
	 * non-global IPv4 address. Checked with the rule a new session
	 * would take before one is made, and with the session's below.
	 */
	rule = nat64_rule_by_id(nn, m->rule ?: rule4->id);
	if (rule && rule->wkp && rfc6052_v4_nonglobal(p.src))
		return drop(nn, NAT64_STAT_DROP_NONGLOBAL);
	/* Nor do denied networks reach IPv6 hosts (static entries). */
	if (nat64_denied(nn, ntohl(src4)))
		return drop(nn, NAT64_STAT_DROP_DENIED);
	s = session4(nn, mt, m, rule4, &p, src4, skb->data + p.l3len, &fresh);
	/* No IPv4 SYN of an IPv6 host is kept: it would expire into an
	 * ICMPv4 error to the pool address.
	 */
	if (!s && hairpin)
		return drop(nn, NAT64_STAT_DROP_FILTERED);
	if (!s)
		return synq_store(nn, skb, &p);
	if (IS_ERR(s))
		return drop(nn, (enum nat64_stat)-PTR_ERR(s));

	rule = nat64_rule_by_id(nn, READ_ONCE(s->rule));
	if (!rule)	/* being flushed */
		return drop(nn, NAT64_STAT_4TO6_NO_MAPPING);
	if (rule->wkp && rfc6052_v4_nonglobal(p.src))
		return drop(nn, NAT64_STAT_DROP_NONGLOBAL);
	out_opts(nn, &o);
	rfc6052_embed(rule->prefix, rule->plen, p.src, o.src);
	memcpy(o.dst, &m->addr6, 16);
	o.sport = p.proto == XL_ICMP ? m->port6 : p.sport;
	o.dport = m->port6;

	dst = route6(nn, skb, o.src, o.dst,
		     p.proto == XL_ICMP ? IPPROTO_ICMPV6 : ip_hdr(skb)->protocol);
	if (!dst)
		return drop(nn, NAT64_STAT_DROP_NO_ROUTE);

	len6 = XL_IP6_HLEN + p.l4len;
	mtu = dst_mtu(dst);
	delta = XL_IP6_HLEN - p.l3len;
	if (skb_is_gso(skb) && !gso_inplace(skb, &p, SKB_GSO_TCPV4)) {
		dst_release(dst);
		return xlat_segments(nn, rule4, skb, xlat_4to6);
	}
	if (p.df && !IPCB(skb)->frag_max_size) {
		if (!fits(skb, len6, mtu, delta)) {
			dst_release(dst);
			/* Not to a pool address for a hairpinned one. */
			if (!hairpin)
				icmp4_error(nn, skb, ICMP_DEST_UNREACH,
					    ICMP_FRAG_NEEDED,
					    max_t(int, mtu - XL_IP6_HLEN +
						  XL_IP4_HLEN, 68));
			return drop(nn, NAT64_STAT_DROP_TOO_BIG);
		}
	} else {
		/*
		 * IPv4 allowed fragmenting it (or it came in fragments); no
		 * IPv6 router will, so we fragment anything over the
		 * smallest IPv6 MTU (RFC 7915 §5.1). Smaller packets get no
		 * fragment header (RFC 8021). GSO segments too large are
		 * made packets first, each then fragmented alike.
		 */
		lowest = min(READ_ONCE(nn->lowest_ipv6_mtu), mtu);
		if (!fits(skb, len6, lowest, delta)) {
			if (skb_is_gso(skb)) {
				dst_release(dst);
				return xlat_segments(nn, rule4, skb, xlat_4to6);
			}
			frag_max = lowest;
		}
	}
	id4 = ntohs(ip_hdr(skb)->id);

	if (rewrite_4to6(nn, skb, s, &p, &o)) {
		dst_release(dst);
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	}
	if (frag_max)
		return frag6_out(nn, skb, dst, frag_max, id4);
	if (unlikely(rcu_access_pointer(nn->fpc)) && !hairpin && !fresh &&
	    fp_state_ok(s, p.proto))
		nat64_fp_learn(nn, s, 1, skb, dst,
			       rt6_get_cookie((struct rt6_info *)dst), 0);
	return finish(nn, skb, dst, htons(ETH_P_IPV6), 0);
}

static unsigned int xlat_4to6(struct nat64_net *nn, struct nat64_rule *rule4,
			      struct sk_buff *skb)
{
	return __xlat_4to6(nn, rule4, skb, false);
}

/*
 * BIG TCP, or UDP GRO, past 64 KB (the operator raised gro_max_size or
 * gso_max_size): no IPv4 header can hold the length, and IPv6 only in a
 * jumbo option (6.1) or not at all (payload length 0). Such a packet is
 * segmented, in software, and the segments are translated one by one:
 * rare and slow, but no blackhole.
 */
static bool too_long(const struct sk_buff *skb)
{
	return skb_is_gso(skb) && skb->len > IP_MAX_MTU;
}

static unsigned int xlat_segments(struct nat64_net *nn, struct nat64_rule *rule,
				  struct sk_buff *skb, xlat_fn xlat)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		/* Dropped (and counted), or no more for us: it is gone. */
		if (xlat(nn, rule, seg) != NF_STOLEN)
			kfree_skb(seg);
	}
	return NF_STOLEN;
}

/*
 * 6.1 marks an IPv6 BIG TCP packet with a jumbo hop-by-hop option, which
 * its GSO code removes as if an Ethernet header came just before the IPv6
 * header (so on transmit, not here: it would overwrite the TCP ports).
 * It is removed here first; the payload length stays 0.
 */
static int jumbo_strip(struct sk_buff *skb)
{
	const unsigned int hlen = sizeof(struct hop_jumbo_hdr);
	int nexthdr;

	if (!pskb_may_pull(skb, sizeof(struct ipv6hdr) + hlen))
		return 0;
	nexthdr = ipv6_has_hopopt_jumbo(skb);
	if (!nexthdr)
		return 0;
	if (skb_cow_head(skb, 0))
		return -ENOMEM;
	skb_postpull_rcsum(skb, skb->data + sizeof(struct ipv6hdr), hlen);
	memmove(skb->data + hlen, skb->data, sizeof(struct ipv6hdr));
	__skb_pull(skb, hlen);
	skb_reset_network_header(skb);
	ipv6_hdr(skb)->nexthdr = nexthdr;
	return 0;
}

/*
 * Would a long IPv4 packet be translated? If it has no BIB entry it is
 * the host's, and is left alone whole, as a shorter one is.
 */
static bool mapped4(struct nat64_net *nn, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 buf[2];
	const __be16 *ports;
	u8 proto;

	if (iph->protocol == IPPROTO_TCP)
		proto = XL_TCP;
	else if (iph->protocol == IPPROTO_UDP)
		proto = XL_UDP;
	else
		return false;
	ports = skb_header_pointer(skb, skb_network_offset(skb) + iph->ihl * 4,
				   sizeof(buf), buf);
	return ports && nat64_bib_find4(nn, rcu_dereference(nn->maps), proto,
					iph->daddr, ntohs(ports[1]));
}

/*
 * An IPv6 packet, reassembled, entering the namespace: translated and
 * stolen, dropped, or left alone (NF_ACCEPT). The hooks and the xtables
 * target both come here. Under RCU, in softirq.
 */
unsigned int nat64_in6(struct nat64_net *nn, struct sk_buff *skb)
{
	struct nat64_rule *rule;

	rule = rule_for6(nn, ipv6_hdr(skb)->saddr.s6_addr,
			 ipv6_hdr(skb)->daddr.s6_addr);
	if (!rule)
		return NF_ACCEPT;
	/* A source that claims to be IPv4 translated is spoofed or looped. */
	if (rule_for6(nn, NULL, ipv6_hdr(skb)->saddr.s6_addr))
		return drop(nn, NAT64_STAT_DROP_SRC_IN_PREFIX);
	if (unlikely(too_long(skb))) {
		if (jumbo_strip(skb))
			return drop(nn, NAT64_STAT_DROP_NOMEM);
		return xlat_segments(nn, rule, skb, xlat_6to4);
	}
	return xlat_6to4(nn, rule, skb);
}
EXPORT_SYMBOL_GPL(nat64_in6);

/* The same for an IPv4 packet. */
unsigned int nat64_in4(struct nat64_net *nn, struct sk_buff *skb)
{
	struct nat64_rule *rule4 = rule_for4(nn, ip_hdr(skb)->daddr);

	if (!rule4)
		return NF_ACCEPT;
	if (unlikely(too_long(skb))) {
		if (!mapped4(nn, skb)) {
			nat64_stat_inc(nn, NAT64_STAT_4TO6_NO_MAPPING);
			return NF_ACCEPT;
		}
		return xlat_segments(nn, rule4, skb, xlat_4to6);
	}
	return xlat_4to6(nn, rule4, skb);
}
EXPORT_SYMBOL_GPL(nat64_in4);

/* ------------------------------------------------------------------ */
/*
 * The fast path (fastpath.c has its control side): at the netdev ingress
 * hook of a listed interface, a packet of a live session, of no kind the
 * full path must see, whose output is cached, is translated as above and
 * sent to the cached route's device and neighbour. Anything else goes on
 * (NF_ACCEPT) to the stack and the full path, counted by reason; nothing
 * is changed on the way but what the stack would change itself
 * (trimming link-layer padding, pulling headers into the linear part).
 */

static unsigned int fp_miss(struct nat64_net *nn, enum nat64_stat why)
{
	nat64_stat_inc(nn, why);
	return NF_ACCEPT;
}

/*
 * @skb (the network header at data, as at ingress) trimmed to the
 * length its header gives, @len: false if it is shorter.
 */
static bool fp_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len < len)
		return false;
	return skb->len == len || !pskb_trim_rcsum(skb, len);
}

/* The output cached for @s going @dir, if @skb may use it; else why not. */
static struct dst_entry *fp_out(struct nat64_net *nn,
				const struct nat64_session *s,
				unsigned int dir, const struct sk_buff *skb,
				u8 tos, u32 *mtu, enum nat64_stat *why)
{
	struct nat64_fpcache *c = rcu_dereference(nn->fpc);
	struct nat64_fpe *e = c ? nat64_fp_find(c, s, dir) : NULL;
	struct dst_entry *dst;

	if (!e || e->iif != skb->skb_iif ||
	    e->mark != skb->mark || e->tos != tos) {
		*why = NAT64_STAT_FP_MISS_NOCACHE;
		return NULL;
	}
	dst = e->gen == atomic_read(&nn->fp_gen) ?
	      dst_check(e->dst, e->cookie) : NULL;
	if (!dst || !(READ_ONCE(dst->dev->flags) & IFF_UP)) {
		*why = NAT64_STAT_FP_MISS_ROUTE;
		return NULL;
	}
	*mtu = e->mtu;
	return dst;
}

/* A neighbour with an address, through which @dst's packets go. */
static bool fp_neigh_ok(const struct neighbour *n)
{
	return n && (READ_ONCE(n->nud_state) & NUD_VALID);
}

static struct neighbour *fp_neigh4(struct dst_entry *dst, __be32 daddr)
{
	struct rtable *rt = (struct rtable *)dst;
	struct neighbour *n;

	if (rt->rt_gw_family == AF_INET6)	/* RFC 5549: left to ip_output */
		return NULL;
	n = __ipv4_neigh_lookup_noref(dst->dev,
				      (__force u32)rt_nexthop(rt, daddr));
	return fp_neigh_ok(n) ? n : NULL;
}

static struct neighbour *fp_neigh6(struct dst_entry *dst,
				   const struct in6_addr *daddr)
{
	struct neighbour *n;

	n = __ipv6_neigh_lookup_noref(dst->dev,
				      rt6_nexthop((struct rt6_info *)dst, daddr));
	return fp_neigh_ok(n) ? n : NULL;
}

/* Send translated @skb out of @dst's device to neighbour @n. */
static unsigned int fp_send(struct nat64_net *nn, struct sk_buff *skb,
			    struct dst_entry *dst, struct neighbour *n,
			    __be16 proto)
{
	struct net_device *dev = dst->dev;

	skb->protocol = proto;
	skb->dev = dev;
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	skb_clear_tstamp(skb);
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		nat64_stat_inc(nn, NAT64_STAT_DROP_NOMEM);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	nat64_stat_inc(nn, NAT64_STAT_FP_PACKETS);
	neigh_output(n, skb, false);
	return NF_STOLEN;
}

/*
 * The protocol and ports (ICMP echo: the identifier in both) of the
 * transport header at @off, read before the packet is parsed so as to
 * find its session first: a new session's packet costs the fast path
 * little. The parse that follows must agree.
 */
static bool fp_peek(const struct sk_buff *skb, u8 nexthdr, unsigned int off,
		    u8 *proto, u16 *sport, u16 *dport)
{
	const u8 *l4 = skb->data + off;

	switch (nexthdr) {
	case IPPROTO_TCP:
		*proto = XL_TCP;
		break;
	case IPPROTO_UDP:
		*proto = XL_UDP;
		break;
	case IPPROTO_ICMPV6:
		if (l4[0] != ICMPV6_ECHO_REQUEST && l4[0] != ICMPV6_ECHO_REPLY)
			return false;
		fallthrough;
	case IPPROTO_ICMP:
		if (nexthdr == IPPROTO_ICMP &&
		    l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY)
			return false;
		*proto = XL_ICMP;
		*sport = xl_get16(l4 + 4);
		*dport = *sport;
		return true;
	default:
		return false;
	}
	*sport = xl_get16(l4);
	*dport = xl_get16(l4 + 2);
	return true;
}

/* Does the parse of @p agree with what fp_peek() read? */
static bool fp_peeked(const struct xl_pkt *p, u8 proto, u16 sport, u16 dport)
{
	return p->proto == proto && p->sport == sport && p->dport == dport;
}

unsigned int nat64_fp_in6(struct nat64_net *nn, struct sk_buff *skb)
{
	struct nat64_maptable *mt;
	const struct ipv6hdr *ip6;
	struct nat64_session *s;
	struct nat64_rule *rule;
	struct dst_entry *dst;
	struct nat64_bib *b;
	struct neighbour *n;
	unsigned int len4;
	enum nat64_stat why;
	enum xl_verdict v;
	struct xl_out o;
	struct xl_pkt p;
	u16 sport, dport;
	__be32 daddr;
	u8 proto;
	u32 mtu;

	if (READ_ONCE(nn->mode) != NAT64_MODE_HOOKS ||
	    !pskb_may_pull(skb, sizeof(*ip6) + 8))
		return NF_ACCEPT;
	ip6 = ipv6_hdr(skb);
	rule = rule_for6(nn, ip6->saddr.s6_addr, ip6->daddr.s6_addr);
	if (!rule)
		return NF_ACCEPT;		/* not the translator's */
	if (!fp_peek(skb, ip6->nexthdr, sizeof(*ip6), &proto, &sport, &dport))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	rfc6052_extract(rule->plen, ip6->daddr.s6_addr, o.dst);
	mt = rcu_dereference(nn->maps);
	b = mt ? nat64_bib_find6(nn, mt, proto, &ip6->saddr, sport) : NULL;
	s = b ? sess_live(nn, mt, b, o.dst, proto == XL_ICMP ? 0 : dport) :
	    NULL;
	if (!s || READ_ONCE(s->rule) != rule->id)
		return fp_miss(nn, NAT64_STAT_FP_MISS_SESSION);
	if (!fp_state_ok(s, proto))
		return fp_miss(nn, NAT64_STAT_FP_MISS_TCP);
	dst = fp_out(nn, s, 0, skb, ipv6_get_dsfield(ip6) & 0x1c, &mtu, &why);
	if (!dst)
		return fp_miss(nn, why);

	if (skb->pkt_type != PACKET_HOST || ip6->version != 6 ||
	    !ip6->payload_len ||
	    !fp_trim(skb, sizeof(*ip6) + ntohs(ip6->payload_len)))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	v = parse(skb, xl_parse6, &p);
	if (v || p.is_err || p.frag || p.l3len != XL_IP6_HLEN ||
	    !fp_peeked(&p, proto, sport, dport) ||
	    (skb_is_gso(skb) && !gso_inplace(skb, &p, SKB_GSO_TCPV6)))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	/* FIN, SYN or RST: the state machine's, on the full path. */
	if (p.proto == XL_TCP && (skb->data[p.l3len + 13] & 0x07))
		return fp_miss(nn, NAT64_STAT_FP_MISS_TCP);
	len4 = XL_IP4_HLEN + p.l4len;
	if (!fits(skb, len4, mtu, XL_IP4_HLEN - (int)p.l3len))
		return fp_miss(nn, NAT64_STAT_FP_MISS_MTU);
	memcpy(&daddr, o.dst, 4);
	n = fp_neigh4(dst, daddr);
	if (!n)
		return fp_miss(nn, NAT64_STAT_FP_MISS_NEIGH);

	out_opts(nn, &o);
	memcpy(o.src, &b->addr4, 4);
	o.sport = b->port4;
	o.dport = p.proto == XL_ICMP ? b->port4 : p.dport;
	df_6to4(skb, &p, len4, &o);
	if (rewrite_6to4(nn, skb, s, &p, &o))
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	return fp_send(nn, skb, dst, n, htons(ETH_P_IP));
}

unsigned int nat64_fp_in4(struct nat64_net *nn, struct sk_buff *skb)
{
	unsigned int len6, lowest;
	struct nat64_maptable *mt;
	const struct iphdr *iph;
	struct nat64_session *s;
	struct nat64_rule *rule;
	struct dst_entry *dst;
	struct nat64_bib *m;
	struct neighbour *n;
	enum nat64_stat why;
	enum xl_verdict v;
	struct xl_out o;
	struct xl_pkt p;
	u16 sport, dport;
	int delta;
	u8 proto;
	u32 mtu;

	if (READ_ONCE(nn->mode) != NAT64_MODE_HOOKS ||
	    !pskb_may_pull(skb, sizeof(*iph) + 8))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	if (!rule_for4(nn, iph->daddr))
		return NF_ACCEPT;		/* not the translator's */
	/* No options, no fragments. */
	if (iph->ihl != 5 || ip_is_fragment(iph) ||
	    !fp_peek(skb, iph->protocol, sizeof(*iph), &proto, &sport, &dport))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	mt = rcu_dereference(nn->maps);
	m = mt ? nat64_bib_find4(nn, mt, proto, iph->daddr, dport) : NULL;
	s = m ? sess_live(nn, mt, m, (const u8 *)&iph->saddr,
			  proto == XL_ICMP ? 0 : sport) : NULL;
	rule = s ? nat64_rule_by_id(nn, READ_ONCE(s->rule)) : NULL;
	if (!rule)
		return fp_miss(nn, NAT64_STAT_FP_MISS_SESSION);
	if (!fp_state_ok(s, proto))
		return fp_miss(nn, NAT64_STAT_FP_MISS_TCP);
	dst = fp_out(nn, s, 1, skb, 0, &mtu, &why);
	if (!dst)
		return fp_miss(nn, why);

	/* ip_rcv()'s checks. */
	if (skb->pkt_type != PACKET_HOST || iph->version != 4 ||
	    ip_fast_csum(iph, 5) || !fp_trim(skb, ntohs(iph->tot_len)))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	v = parse(skb, xl_parse4, &p);
	if (v || p.is_err || !fp_peeked(&p, proto, sport, dport) ||
	    (skb_is_gso(skb) && !gso_inplace(skb, &p, SKB_GSO_TCPV4)))
		return fp_miss(nn, NAT64_STAT_FP_MISS_HEADER);
	if (p.proto == XL_TCP && (skb->data[p.l3len + 13] & 0x07))
		return fp_miss(nn, NAT64_STAT_FP_MISS_TCP);
	/* What IPv4 lets be fragmented, IPv6 must not (RFC 7915 §5.1). */
	len6 = XL_IP6_HLEN + p.l4len;
	delta = XL_IP6_HLEN - p.l3len;
	lowest = p.df ? mtu : min(READ_ONCE(nn->lowest_ipv6_mtu), mtu);
	if (!fits(skb, len6, lowest, delta))
		return fp_miss(nn, NAT64_STAT_FP_MISS_MTU);
	n = fp_neigh6(dst, &m->addr6);
	if (!n)
		return fp_miss(nn, NAT64_STAT_FP_MISS_NEIGH);

	out_opts(nn, &o);
	rfc6052_embed(rule->prefix, rule->plen, p.src, o.src);
	memcpy(o.dst, &m->addr6, 16);
	o.sport = p.proto == XL_ICMP ? m->port6 : p.sport;
	o.dport = m->port6;
	if (rewrite_4to6(nn, skb, s, &p, &o))
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	return fp_send(nn, skb, dst, n, htons(ETH_P_IPV6));
}

static unsigned int hook6(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	return nat64_in6(priv, skb);
}

static unsigned int hook4(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	return nat64_in4(priv, skb);
}

void nat64_hooks_init(struct nat64_net *nn)
{
	nn->hook_ops[0] = (struct nf_hook_ops) {
		.hook = hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NAT64_HOOK_PRIO,
		.priv = nn,
	};
	nn->hook_ops[1] = (struct nf_hook_ops) {
		.hook = hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NAT64_HOOK_PRIO,
		.priv = nn,
	};
}
