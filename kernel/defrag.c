// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 and IPv6 reassembly (nf_defrag_ipv4, nf_defrag_ipv6) in front of
 * the translator's hooks. Those are modules in most kernels: were their
 * symbols linked in, `insmod nat64.ko` would fail with "Unknown symbol"
 * on a kernel where nothing loaded them yet. So they are looked up when
 * nat64 loads, with symbol_request(), which loads their modules if need
 * be (modprobe "symbol:..."), and held until it unloads.
 */
#include <linux/module.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nat64.h"

static struct {
	int (*enable4)(struct net *net);
	void (*disable4)(struct net *net);
	int (*enable6)(struct net *net);
	void (*disable6)(struct net *net);
} defrag;

static void defrag_put(void)
{
	if (defrag.enable4)
		symbol_put(nf_defrag_ipv4_enable);
	if (defrag.disable4)
		symbol_put(nf_defrag_ipv4_disable);
	if (defrag.enable6)
		symbol_put(nf_defrag_ipv6_enable);
	if (defrag.disable6)
		symbol_put(nf_defrag_ipv6_disable);
	memset(&defrag, 0, sizeof(defrag));
}

int nat64_defrag_init(void)
{
	defrag.enable4 = symbol_request(nf_defrag_ipv4_enable);
	defrag.disable4 = symbol_request(nf_defrag_ipv4_disable);
	defrag.enable6 = symbol_request(nf_defrag_ipv6_enable);
	defrag.disable6 = symbol_request(nf_defrag_ipv6_disable);
	if (defrag.enable4 && defrag.disable4 && defrag.enable6 &&
	    defrag.disable6)
		return 0;
	pr_err("IPv4 or IPv6 reassembly (nf_defrag_ipv4, nf_defrag_ipv6) not available\n");
	defrag_put();
	return -ENOENT;
}

void nat64_defrag_uninit(void)
{
	defrag_put();
}

/* Reassembly of both families in @net, for the hooks. */
int nat64_defrag_enable(struct net *net)
{
	int err = defrag.enable4(net);

	if (err)
		return err;
	err = defrag.enable6(net);
	if (err)
		defrag.disable4(net);
	return err;
}

void nat64_defrag_disable(struct net *net)
{
	defrag.disable6(net);
	defrag.disable4(net);
}
