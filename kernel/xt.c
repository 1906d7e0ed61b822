// SPDX-License-Identifier: GPL-2.0
/*
 * The NAT64 xtables target: another way for packets to reach the
 * translator. In a namespace whose mode is NAT64_MODE_TARGET the module
 * registers no hooks of its own; instead rules such as
 *
 *	ip6tables -t mangle -A PREROUTING -i eth0 -j NAT64
 *	iptables  -t mangle -A PREROUTING -i eth1 -j NAT64
 *
 * (legacy or nft, through nft_compat) hand it the packets to translate:
 * the ones it translates are stolen, the ones it refuses dropped, the
 * others go on to the next rule. In NAT64_MODE_HOOKS the target lets
 * every packet go on; the hooks translate.
 *
 * It is a module of its own, xt_NAT64.ko (x_tables is a module too, and
 * nat64.ko must load without it), built on what nat64.ko exports.
 *
 * The target has no options. Each rule holds the namespace's IPv4 or
 * IPv6 reassembly, which runs before the mangle table's PREROUTING: the
 * translator sees whole packets, as behind its own hooks.
 */
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nat64.h"

/* NF_ACCEPT from the translator: not its packet, on to the next rule. */
static unsigned int verdict(unsigned int v)
{
	return v == NF_ACCEPT ? XT_CONTINUE : v;
}

static unsigned int nat64_tg6(struct sk_buff *skb,
			      const struct xt_action_param *par)
{
	struct nat64_net *nn = nat64_pernet(xt_net(par));

	if (READ_ONCE(nn->mode) != NAT64_MODE_TARGET)
		return XT_CONTINUE;
	return verdict(nat64_in6(nn, skb));
}

static unsigned int nat64_tg4(struct sk_buff *skb,
			      const struct xt_action_param *par)
{
	struct nat64_net *nn = nat64_pernet(xt_net(par));

	if (READ_ONCE(nn->mode) != NAT64_MODE_TARGET)
		return XT_CONTINUE;
	return verdict(nat64_in4(nn, skb));
}

static int nat64_tg6_check(const struct xt_tgchk_param *par)
{
	return nf_defrag_ipv6_enable(par->net);
}

static void nat64_tg6_destroy(const struct xt_tgdtor_param *par)
{
	nf_defrag_ipv6_disable(par->net);
}

static int nat64_tg4_check(const struct xt_tgchk_param *par)
{
	return nf_defrag_ipv4_enable(par->net);
}

static void nat64_tg4_destroy(const struct xt_tgdtor_param *par)
{
	nf_defrag_ipv4_disable(par->net);
}

/* x_tables checks the table and the chain and says why it refuses. */
static struct xt_target nat64_tg_reg[] __read_mostly = {
	{
		.name		= "NAT64",
		.revision	= 0,
		.family		= NFPROTO_IPV6,
		.table		= "mangle",
		.hooks		= 1 << NF_INET_PRE_ROUTING,
		.target		= nat64_tg6,
		.targetsize	= 0,
		.checkentry	= nat64_tg6_check,
		.destroy	= nat64_tg6_destroy,
		.me		= THIS_MODULE,
	},
	{
		.name		= "NAT64",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.hooks		= 1 << NF_INET_PRE_ROUTING,
		.target		= nat64_tg4,
		.targetsize	= 0,
		.checkentry	= nat64_tg4_check,
		.destroy	= nat64_tg4_destroy,
		.me		= THIS_MODULE,
	},
};

static int __init nat64_tg_init(void)
{
	return xt_register_targets(nat64_tg_reg, ARRAY_SIZE(nat64_tg_reg));
}

static void __exit nat64_tg_exit(void)
{
	xt_unregister_targets(nat64_tg_reg, ARRAY_SIZE(nat64_tg_reg));
}

module_init(nat64_tg_init);
module_exit(nat64_tg_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The nat64 authors");
MODULE_DESCRIPTION("Xtables: stateful NAT64 target (nat64.ko's translator)");
MODULE_VERSION(NAT64_VERSION);
/* iptables -j NAT64 and ip6tables -j NAT64 load it. */
MODULE_ALIAS("ipt_NAT64");
MODULE_ALIAS("ip6t_NAT64");
