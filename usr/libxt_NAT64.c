// SPDX-License-Identifier: GPL-2.0
/*
 * libxt_NAT64: the iptables/ip6tables (legacy and nft) extension of the
 * nat64 module's NAT64 target. The target has no options:
 *
 *	ip6tables -t mangle -A PREROUTING -i eth0 -j NAT64
 *	iptables  -t mangle -A PREROUTING -i eth1 -j NAT64
 *
 * hand packets to the translator of the namespace, which translates them
 * when `nat64ctl set mode target` is set there (see nat64ctl(8)).
 */
#include <stdio.h>
#include <xtables.h>

static void nat64_tg_help(void)
{
	printf("NAT64 target takes no options. In the mangle table's PREROUTING\n"
	       "chain, it hands packets to the nat64 translator of the network\n"
	       "namespace (when its mode is target: nat64ctl set mode target):\n"
	       "translated ones are stolen, refused ones dropped, the others go on.\n");
}

static struct xtables_target nat64_tg_reg = {
	.family		= NFPROTO_UNSPEC,
	.name		= "NAT64",
	.revision	= 0,
	.version	= XTABLES_VERSION,
	.size		= XT_ALIGN(0),
	.userspacesize	= XT_ALIGN(0),
	.help		= nat64_tg_help,
};

static void __attribute__((constructor)) nat64_tg_ldr(void)
{
	xtables_register_target(&nat64_tg_reg);
}
