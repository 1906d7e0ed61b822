// SPDX-License-Identifier: GPL-2.0
/*
 * Pools and rules of a namespace. Changes are made under config_lock and
 * published with RCU; a refused change changes nothing.
 */
#include <linux/slab.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "mapping.h"
#include "rfc6052.h"

static struct nat64_pool *pool_find(struct nat64_net *nn, const char *name)
{
	struct nat64_pool *p;

	list_for_each_entry(p, &nn->pools, list)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static struct nat64_ruleset *ruleset(struct nat64_net *nn)
{
	return rcu_dereference_protected(nn->rules,
					 lockdep_is_held(&nn->config_lock));
}

static int rule_find(struct nat64_ruleset *rs, const char *name)
{
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (!strcmp(rs->rule[i]->name, name))
			return i;
	return -1;
}

static u32 plen_mask(u8 plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

int nat64_pool_add(struct nat64_net *nn, const char *name, __be32 addr,
		   u8 plen, u16 port_lo, u16 port_hi,
		   struct netlink_ext_ack *extack)
{
	u32 a = ntohl(addr), mask = plen_mask(plen);
	struct nat64_pool *p;
	int err = 0;

	if (a & ~mask) {
		NL_SET_ERR_MSG(extack, "pool address has host bits set");
		return -EINVAL;
	}
	if (port_lo > port_hi) {
		NL_SET_ERR_MSG(extack, "pool port range is empty (min > max)");
		return -EINVAL;
	}

	mutex_lock(&nn->config_lock);
	if (pool_find(nn, name)) {
		NL_SET_ERR_MSG(extack, "a pool of that name exists");
		err = -EEXIST;
		goto out;
	}
	list_for_each_entry(p, &nn->pools, list) {
		u32 m = plen_mask(min(plen, p->plen));

		if ((a & m) == (ntohl(p->addr) & m)) {
			NL_SET_ERR_MSG(extack,
				       "addresses overlap another pool's");
			err = -EADDRINUSE;
			goto out;
		}
	}
	if (nn->npools >= NAT64_MAX_POOLS) {
		NL_SET_ERR_MSG(extack, "too many pools");
		err = -ENOSPC;
		goto out;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	strscpy(p->name, name, sizeof(p->name));
	p->addr = addr;
	p->plen = plen;
	p->range.addr = a;
	p->range.naddr = 1U << (32 - plen);
	p->range.port_lo = port_lo;
	p->range.port_hi = port_hi;
	list_add_tail(&p->list, &nn->pools);
	nn->npools++;
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

int nat64_pool_del(struct nat64_net *nn, const char *name,
		   struct netlink_ext_ack *extack)
{
	struct nat64_pool *p;
	int err = 0;

	mutex_lock(&nn->config_lock);
	p = pool_find(nn, name);
	if (!p) {
		NL_SET_ERR_MSG(extack, "no pool of that name");
		err = -ENOENT;
	} else if (p->users) {
		NL_SET_ERR_MSG(extack, "pool is used by a rule");
		err = -EBUSY;
	} else {
		list_del(&p->list);
		nn->npools--;
		kfree_rcu(p, rcu);
	}
	mutex_unlock(&nn->config_lock);
	return err;
}

/* Publish a copy of the ruleset with @add appended or index @del removed. */
static int ruleset_replace(struct nat64_net *nn, struct nat64_rule *add,
			   int del)
{
	struct nat64_ruleset *old = ruleset(nn), *rs;
	unsigned int n = old ? old->n : 0, i, j = 0;

	n = add ? n + 1 : n - 1;
	rs = kzalloc(struct_size(rs, rule, n), GFP_KERNEL);
	if (!rs)
		return -ENOMEM;
	for (i = 0; old && i < old->n; i++)
		if ((int)i != del)
			rs->rule[j++] = old->rule[i];
	if (add)
		rs->rule[j++] = add;
	rs->n = j;
	rcu_assign_pointer(nn->rules, rs);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/*
 * The namespace's hooks, with IPv4 and IPv6 reassembly in front of them:
 * the translator sees whole packets and fragments them again on output.
 */
static int hooks_on(struct nat64_net *nn)
{
	int err;

	if (nn->hooks_registered)
		return 0;
	err = nf_defrag_ipv4_enable(nn->net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(nn->net);
	if (err)
		goto err_v6;
	err = nf_register_net_hooks(nn->net, nn->hook_ops,
				    ARRAY_SIZE(nn->hook_ops));
	if (err)
		goto err_hooks;
	nn->hooks_registered = true;
	return 0;

err_hooks:
	nf_defrag_ipv6_disable(nn->net);
err_v6:
	nf_defrag_ipv4_disable(nn->net);
	return err;
}

void nat64_hooks_off(struct nat64_net *nn)
{
	if (!nn->hooks_registered)
		return;
	nf_unregister_net_hooks(nn->net, nn->hook_ops,
				ARRAY_SIZE(nn->hook_ops));
	nf_defrag_ipv6_disable(nn->net);
	nf_defrag_ipv4_disable(nn->net);
	nn->hooks_registered = false;
}

static bool prefixes_overlap(const u8 *a, u8 alen, const u8 *b, u8 blen)
{
	return !memcmp(a, b, min(alen, blen) / 8);
}

int nat64_rule_add(struct nat64_net *nn, const char *name,
		   const u8 prefix[16], u8 plen, const char *pool,
		   struct netlink_ext_ack *extack)
{
	struct nat64_ruleset *rs;
	struct nat64_rule *r;
	struct nat64_pool *p;
	unsigned int i, n;
	int err;

	switch (rfc6052_prefix_check(prefix, plen)) {
	case RFC6052_PREFIX_OK:
		break;
	case RFC6052_PREFIX_BAD_LEN:
		NL_SET_ERR_MSG(extack,
			       "prefix length must be 32, 40, 48, 56, 64 or 96");
		return -EINVAL;
	case RFC6052_PREFIX_HOST_BITS:
		NL_SET_ERR_MSG(extack, "prefix has bits set past its length");
		return -EINVAL;
	case RFC6052_PREFIX_U_OCTET:
		NL_SET_ERR_MSG(extack,
			       "prefix has a non-zero u-octet (bits 64-71)");
		return -EINVAL;
	}
	mutex_lock(&nn->config_lock);
	rs = ruleset(nn);
	n = rs ? rs->n : 0;
	if (rule_find(rs, name) >= 0) {
		NL_SET_ERR_MSG(extack, "a rule of that name exists");
		err = -EEXIST;
		goto out;
	}
	for (i = 0; rs && i < rs->n; i++) {
		if (prefixes_overlap(rs->rule[i]->prefix, rs->rule[i]->plen,
				     prefix, plen)) {
			NL_SET_ERR_MSG(extack,
				       "prefix overlaps another rule's");
			err = -EADDRINUSE;
			goto out;
		}
	}
	if (n >= NAT64_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "too many rules");
		err = -ENOSPC;
		goto out;
	}
	p = pool_find(nn, pool);
	if (!p) {
		NL_SET_ERR_MSG(extack, "no pool of that name");
		err = -ENOENT;
		goto out;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		err = -ENOMEM;
		goto out;
	}
	strscpy(r->name, name, sizeof(r->name));
	memcpy(r->prefix, prefix, 16);
	r->plen = plen;
	r->pool = p;

	err = nat64_maps_init(nn);
	if (!err)
		err = ruleset_replace(nn, r, -1);
	if (!err) {
		err = hooks_on(nn);
		if (err)	/* back out: drop the rule appended last */
			ruleset_replace(nn, NULL, n);
	}
	if (err) {
		kfree(r);
		goto out;
	}
	p->users++;
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

int nat64_rule_del(struct nat64_net *nn, const char *name,
		   struct netlink_ext_ack *extack)
{
	struct nat64_ruleset *rs;
	struct nat64_rule *r;
	int i, err;

	mutex_lock(&nn->config_lock);
	rs = ruleset(nn);
	i = rule_find(rs, name);
	if (i < 0) {
		NL_SET_ERR_MSG(extack, "no rule of that name");
		err = -ENOENT;
		goto out;
	}
	r = rs->rule[i];
	err = ruleset_replace(nn, NULL, i);
	if (err)
		goto out;
	if (!ruleset(nn)->n)
		nat64_hooks_off(nn);
	/* No packet path still sees the rule: none makes mappings with it. */
	synchronize_rcu();
	nat64_maps_flush(nn, r);
	r->pool->users--;
	kfree_rcu(r, rcu);
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

/* Namespace exit: hooks and netlink are gone, tables already flushed. */
void nat64_config_flush(struct nat64_net *nn)
{
	struct nat64_ruleset *rs = rcu_dereference_protected(nn->rules, 1);
	struct nat64_pool *p, *tmp;
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		kfree(rs->rule[i]);
	kfree(rs);
	RCU_INIT_POINTER(nn->rules, NULL);
	list_for_each_entry_safe(p, tmp, &nn->pools, list) {
		list_del(&p->list);
		kfree(p);
	}
}
