// SPDX-License-Identifier: GPL-2.0
/*
 * nat64: stateful NAT64 (RFC 6146) with IPv6/IPv4 translation (RFC 7915,
 * RFC 6052). Module init and per-namespace state.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <net/genetlink.h>

#include "mapping.h"

/* nat64_net_id, nat64_in6 and nat64_in4: for xt_NAT64.ko. */
unsigned int nat64_net_id __read_mostly;
EXPORT_SYMBOL_GPL(nat64_net_id);

u64 nat64_stat_read(struct nat64_net *nn, enum nat64_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(nn->stats, cpu)[s]);
	return sum;
}

static int __net_init nat64_net_init(struct net *net)
{
	struct nat64_net *nn = nat64_pernet(net);

	nn->net = net;
	mutex_init(&nn->config_lock);
	INIT_LIST_HEAD(&nn->pools);
	/* At most 100 refused events a second; no "suppressed" messages. */
	ratelimit_state_init(&nn->refused_rs, HZ, 100);
	ratelimit_set_flags(&nn->refused_rs, RATELIMIT_MSG_ON_RELEASE);
	spin_lock_init(&nn->synq_lock);
	INIT_LIST_HEAD(&nn->synq);
	get_random_bytes(&nn->hash_key, sizeof(nn->hash_key));
	nat64_hooks_init(nn);
	nat64_fp_net_init(nn);
	nat64_maps_gc_init(nn);
	nn->stats = __alloc_percpu(sizeof(u64) * (NAT64_STAT_MAX + 1),
				   sizeof(u64));
	if (!nn->stats)
		return -ENOMEM;
	if (nat64_config_init(nn)) {
		free_percpu(nn->stats);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The namespace's xtables rules may outlive its state here: from now on
 * their target lets packets go on. The grace period between pre_exit and
 * exit waits for the packets in it.
 */
static void __net_exit nat64_net_pre_exit(struct net *net)
{
	WRITE_ONCE(nat64_pernet(net)->mode, NAT64_MODE_HOOKS);
}

static void __net_exit nat64_net_exit(struct net *net)
{
	struct nat64_net *nn = nat64_pernet(net);

	/* Netlink can't reach a dying namespace; only packets might. */
	nat64_hooks_off(nn);
	nat64_fp_net_exit(nn);
	nat64_maps_uninit(nn);
	nat64_synq_flush(nn);
	nat64_config_exit(nn);
	free_percpu(nn->stats);
}

static struct pernet_operations nat64_net_ops = {
	.init = nat64_net_init,
	.pre_exit = nat64_net_pre_exit,
	.exit = nat64_net_exit,
	.id = &nat64_net_id,
	.size = sizeof(struct nat64_net),
};

static int __init nat64_init(void)
{
	int err;

	err = nat64_defrag_init();
	if (err)
		return err;
	err = nat64_maps_module_init();
	if (err)
		goto err_maps;
	err = register_pernet_subsys(&nat64_net_ops);
	if (err)
		goto err_pernet;
	err = nat64_genl_init();
	if (err)
		goto err_genl;
	err = nat64_fp_module_init();
	if (err)
		goto err_fp;
	pr_info("nat64 " NAT64_VERSION " loaded\n");
	return 0;

err_fp:
	nat64_genl_uninit();
err_genl:
	unregister_pernet_subsys(&nat64_net_ops);
err_pernet:
	nat64_maps_module_exit();
err_maps:
	nat64_defrag_uninit();
	return err;
}

static void __exit nat64_exit(void)
{
	/* Replays each interface's unregistration: the hooks come off. */
	nat64_fp_module_exit();
	nat64_genl_uninit();
	unregister_pernet_subsys(&nat64_net_ops);
	/* Pools, rules and mappings are freed with kfree_rcu(). */
	rcu_barrier();
	nat64_maps_module_exit();
	nat64_defrag_uninit();
}

module_init(nat64_init);
module_exit(nat64_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The nat64 authors");
MODULE_DESCRIPTION("Stateful NAT64 (RFC 6146, RFC 7915, RFC 6052)");
MODULE_VERSION(NAT64_VERSION);
MODULE_ALIAS_GENL_FAMILY(NAT64_GENL_NAME);
/* For modprobe; insmod works without: defrag.c loads them. */
MODULE_SOFTDEP("pre: nf_defrag_ipv4 nf_defrag_ipv6");
