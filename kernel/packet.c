// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: netfilter hooks at PRE_ROUTING that translate IPv6
 * packets to a rule's prefix into IPv4 (RFC 6146 §3.5 for the mapping,
 * RFC 7915 §4 for the headers) and IPv4 packets to a mapping's pool
 * address back into IPv6 (RFC 7915 §5). Packets are rewritten in place
 * and sent on with the other family's routing; translated packets are
 * stolen from the hook, every drop is counted.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "mapping.h"
#include "rfc6052.h"

/* After defragmentation, before connection tracking. */
#define NAT64_HOOK_PRIO	(NF_IP_PRI_CONNTRACK_DEFRAG + 1)

static const enum nat64_stat verdict_stat[] = {
	[XL_TRUNCATED] = NAT64_STAT_DROP_TRUNCATED,
	[XL_UNSUPPORTED] = NAT64_STAT_DROP_UNSUPPORTED,
	[XL_HOPLIMIT] = NAT64_STAT_DROP_HOPLIMIT,
	[XL_BADCSUM] = NAT64_STAT_DROP_CHECKSUM,
};

static unsigned int drop(struct nat64_net *nn, enum nat64_stat why)
{
	nat64_stat_inc(nn, why);
	return NF_DROP;
}

static void track_tcp(struct nat64_mapping *m, const u8 *th, int fin_bit)
{
	if (th[13] & 0x04)	/* RST */
		nat64_map_flag(m, NAT64_MF_RST);
	if (th[13] & 0x01)	/* FIN */
		nat64_map_flag(m, fin_bit);
}

/*
 * Make the transport checksum one the core can update: ICMP checksums are
 * recomputed by difference only over a complete checksum, and a partial
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

/* Hand a translated packet to the other family's output path. */
static void finish(struct nat64_net *nn, struct sk_buff *skb, __be16 proto)
{
	skb->protocol = proto;
	memset(skb->cb, 0, sizeof(struct inet6_skb_parm));
	nf_reset_ct(skb);
	skb_clear_tstamp(skb);
	dst_output(nn->net, NULL, skb);
}

static unsigned int out4(struct nat64_net *nn, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->daddr,
		.saddr = iph->saddr,
		.flowi4_tos = iph->tos & 0x1c,	/* the routing TOS bits */
		.flowi4_proto = iph->protocol,
		.flowi4_mark = skb->mark,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct rtable *rt;
	unsigned int mtu;

	rt = ip_route_output_key(nn->net, &fl4);
	if (IS_ERR(rt))
		return drop(nn, NAT64_STAT_DROP_NO_ROUTE);
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);

	mtu = dst_mtu(&rt->dst);
	if ((iph->frag_off & htons(IP_DF)) && skb->len > mtu &&
	    !(skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return drop(nn, NAT64_STAT_DROP_TOO_BIG);

	finish(nn, skb, htons(ETH_P_IP));
	return NF_STOLEN;
}

static unsigned int out6(struct nat64_net *nn, struct sk_buff *skb, bool df)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.daddr = ip6->daddr,
		.saddr = ip6->saddr,
		.flowi6_proto = ip6->nexthdr,
		.flowi6_mark = skb->mark,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(nn->net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return drop(nn, NAT64_STAT_DROP_NO_ROUTE);
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);

	if (skb->len > dst_mtu(dst) &&
	    !(skb_is_gso(skb) &&
	      skb_gso_validate_network_len(skb, dst_mtu(dst)))) {
		if (df)
			return drop(nn, NAT64_STAT_DROP_TOO_BIG);
		/* IPv4 allowed fragmenting it: so may IPv6 output. */
		skb->ignore_df = 1;
	}
	finish(nn, skb, htons(ETH_P_IPV6));
	return NF_STOLEN;
}

static struct nat64_rule *rule_for6(struct nat64_net *nn,
				    const struct in6_addr *daddr)
{
	struct nat64_ruleset *rs = rcu_dereference(nn->rules);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (rfc6052_match(rs->rule[i]->prefix, rs->rule[i]->plen,
				  daddr->s6_addr))
			return rs->rule[i];
	return NULL;
}

static bool in_pool4(struct nat64_net *nn, __be32 daddr)
{
	struct nat64_ruleset *rs = rcu_dereference(nn->rules);
	u32 a = ntohl(daddr);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++) {
		const struct pa_range *r = &rs->rule[i]->pool->range;

		if (a - r->addr < r->naddr)
			return true;
	}
	return false;
}

static unsigned int xlat_6to4(struct nat64_net *nn, struct nat64_rule *rule,
			      struct sk_buff *skb)
{
	unsigned int len = min_t(unsigned int, skb->len, XL_LINEAR_MAX);
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	enum nat64_stat why;
	struct nat64_mapping *m;
	struct xl_out o;
	struct xl_pkt p;
	enum xl_verdict v;

	if (!pskb_may_pull(skb, len))
		return drop(nn, NAT64_STAT_DROP_TRUNCATED);
	v = xl_parse6(skb->data, len, skb->len, &p);
	if (v)
		return drop(nn, verdict_stat[v]);
	if (XL_IP4_HLEN + p.l4len > IP_MAX_MTU)
		return drop(nn, NAT64_STAT_DROP_TOO_BIG);

	m = nat64_map_find6(nn, mt, p.proto, &ipv6_hdr(skb)->saddr, p.sport);
	if (!m) {
		m = nat64_map_create(nn, mt, rule, p.proto,
				     &ipv6_hdr(skb)->saddr, p.sport, &why);
		if (!m)
			return drop(nn, why);
	}
	nat64_map_touch(m);

	if (skb_ensure_writable(skb, len) ||
	    prepare_csum(skb, &p, &o.csum_partial))
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	if (p.proto == XL_TCP)
		track_tcp(m, skb->data + p.l3len, NAT64_MF_FIN6);

	memcpy(o.src, &m->addr4, 4);
	rfc6052_extract(rule->plen, p.dst, o.dst);
	o.sport = m->port4;
	o.dport = p.proto == XL_ICMP ? m->port4 : p.dport;
	o.ip4_id = get_random_u16();
	xl_6to4(&p, &o, skb->data + XL_IP6_HLEN - XL_IP4_HLEN,
		skb->data + XL_IP6_HLEN);

	skb_pull(skb, XL_IP6_HLEN - XL_IP4_HLEN);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, XL_IP4_HLEN);
	if (skb_is_gso(skb) && (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)) {
		skb_shinfo(skb)->gso_type &= ~SKB_GSO_TCPV6;
		skb_shinfo(skb)->gso_type |= SKB_GSO_TCPV4;
	}
	nat64_stat_inc(nn, NAT64_STAT_6TO4_PACKETS);
	return out4(nn, skb);
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

static unsigned int xlat_4to6(struct nat64_net *nn, struct sk_buff *skb)
{
	unsigned int len = min_t(unsigned int, skb->len, XL_LINEAR_MAX);
	struct nat64_maptable *mt = rcu_dereference(nn->maps);
	struct nat64_mapping *m;
	bool udp_nocsum;
	struct xl_out o;
	struct xl_pkt p;
	enum xl_verdict v;
	int delta;

	if (!pskb_may_pull(skb, len))
		return drop(nn, NAT64_STAT_DROP_TRUNCATED);
	v = xl_parse4(skb->data, len, skb->len, &p);
	if (v == XL_UNSUPPORTED) {
		/* Not ours to translate: leave it to the stack. */
		nat64_stat_inc(nn, NAT64_STAT_DROP_UNSUPPORTED);
		return NF_ACCEPT;
	}
	if (v)
		return drop(nn, verdict_stat[v]);

	m = nat64_map_find4(nn, mt, p.proto, ip_hdr(skb)->daddr, p.dport);
	if (!m) {
		nat64_stat_inc(nn, NAT64_STAT_4TO6_NO_MAPPING);
		return NF_ACCEPT;
	}
	nat64_map_touch(m);
	nat64_map_flag(m, NAT64_MF_SEEN4);

	delta = XL_IP6_HLEN - p.l3len;
	if (skb_ensure_writable(skb, len) ||
	    (delta > 0 && skb_cow_head(skb, delta)) ||
	    prepare_csum(skb, &p, &o.csum_partial))
		return drop(nn, NAT64_STAT_DROP_NOMEM);
	if (p.proto == XL_TCP)
		track_tcp(m, skb->data + p.l3len, NAT64_MF_FIN4);
	udp_nocsum = p.proto == XL_UDP && !o.csum_partial &&
		     !xl_get16(skb->data + p.l3len + 6);

	rfc6052_embed(m->rule->prefix, m->rule->plen, p.src, o.src);
	memcpy(o.dst, &m->addr6, 16);
	o.sport = p.proto == XL_ICMP ? m->port6 : p.sport;
	o.dport = m->port6;
	xl_4to6(&p, &o, skb->data + p.l3len - XL_IP6_HLEN,
		skb->data + p.l3len);

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
	return out6(nn, skb, p.df);
}

static unsigned int hook6(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct nat64_net *nn = priv;
	struct nat64_rule *rule;

	rule = rule_for6(nn, &ipv6_hdr(skb)->daddr);
	if (!rule)
		return NF_ACCEPT;
	return xlat_6to4(nn, rule, skb);
}

static unsigned int hook4(void *priv, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct nat64_net *nn = priv;

	if (!in_pool4(nn, ip_hdr(skb)->daddr))
		return NF_ACCEPT;
	return xlat_4to6(nn, skb);
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
