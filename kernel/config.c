// SPDX-License-Identifier: GPL-2.0
/*
 * Pools and rules of a namespace. Changes are made under config_lock and
 * published with RCU; a refused change changes nothing.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
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

static const struct nat64_pranges *pranges(struct nat64_net *nn,
					   const struct nat64_pool *p)
{
	return rcu_dereference_protected(p->ranges,
					 lockdep_is_held(&nn->config_lock));
}

static bool ranges_overlap(const struct nat64_prange *a,
			   const struct nat64_prange *b)
{
	return a->r.addr <= b->r.addr + (b->r.naddr - 1) &&
	       b->r.addr <= a->r.addr + (a->r.naddr - 1) &&
	       a->r.port_lo <= b->r.port_hi && b->r.port_lo <= a->r.port_hi;
}

/*
 * Add range @pr to pool @name, making the pool if it does not exist.
 * The pool's ranges are copied with the new one and swapped in whole.
 */
int nat64_pool_add(struct nat64_net *nn, const char *name,
		   const struct nat64_prange *pr,
		   struct netlink_ext_ack *extack)
{
	const struct nat64_pranges *old = NULL;
	struct nat64_pranges *rs;
	struct nat64_pool *p, *np = NULL;
	unsigned int n = 0, k;
	int err = 0;

	mutex_lock(&nn->config_lock);
	list_for_each_entry(p, &nn->pools, list) {
		const struct nat64_pranges *prs = pranges(nn, p);

		for (k = 0; k < prs->n; k++) {
			if (ranges_overlap(&prs->r[k], pr)) {
				NL_SET_ERR_MSG(extack,
					       "addresses and ports overlap a pool's");
				err = -EADDRINUSE;
				goto out;
			}
		}
	}
	p = pool_find(nn, name);
	if (p) {
		old = pranges(nn, p);
		n = old->n;
		if (n >= NAT64_MAX_RANGES) {
			NL_SET_ERR_MSG(extack, "too many ranges in the pool");
			err = -ENOSPC;
			goto out;
		}
	} else {
		if (nn->npools >= NAT64_MAX_POOLS) {
			NL_SET_ERR_MSG(extack, "too many pools");
			err = -ENOSPC;
			goto out;
		}
		np = kzalloc(sizeof(*np), GFP_KERNEL);
		if (!np) {
			err = -ENOMEM;
			goto out;
		}
		strscpy(np->name, name, sizeof(np->name));
		p = np;
	}
	rs = kzalloc(struct_size(rs, r, n + 1), GFP_KERNEL);
	if (!rs) {
		kfree(np);
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < n; k++) {
		rs->r[k] = old->r[k];
		atomic_set(&rs->r[k].next, atomic_read(&old->r[k].next));
	}
	rs->r[n] = *pr;
	atomic_set(&rs->r[n].next, 0);
	rs->n = n + 1;
	rcu_assign_pointer(p->ranges, rs);
	if (old)
		kfree_rcu((struct nat64_pranges *)old, rcu);
	if (np) {
		list_add_tail(&np->list, &nn->pools);
		nn->npools++;
	}
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

static void pool_free(struct nat64_pool *p)
{
	kfree(rcu_dereference_protected(p->ranges, 1));
	kfree(p);
}

static void pool_free_rcu(struct rcu_head *head)
{
	pool_free(container_of(head, struct nat64_pool, rcu));
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
		call_rcu(&p->rcu, pool_free_rcu);
	}
	mutex_unlock(&nn->config_lock);
	return err;
}

bool nat64_pool_has(const struct nat64_pool *pool, u32 addr, int port,
		    int proto)
{
	const struct nat64_pranges *rs = rcu_dereference_check(pool->ranges,
							       1);
	unsigned int k;

	for (k = 0; k < rs->n; k++) {
		const struct nat64_prange *pr = &rs->r[k];

		if (addr - pr->r.addr < pr->r.naddr &&
		    (proto < 0 || pr->protos & BIT(proto)) &&
		    (port < 0 ||
		     (port >= pr->r.port_lo && port <= pr->r.port_hi)))
			return true;
	}
	return false;
}

/* Is @addr in a pool that a rule uses? Under config_lock. */
bool nat64_addr_in_rule_pool(struct nat64_net *nn, __be32 addr)
{
	struct nat64_ruleset *rs = ruleset(nn);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (nat64_pool_has(rs->rule[i]->pool, ntohl(addr), -1, -1))
			return true;
	return false;
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

	if (nn->hooks_registered || nn->mode == NAT64_MODE_TARGET)
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
		   const u8 prefix[16], u8 plen, const u8 src[16], u8 src_plen,
		   const char *pool, struct netlink_ext_ack *extack)
{
	static const u8 any[16];
	struct nat64_ruleset *rs;
	struct nat64_rule *r;
	struct nat64_pool *p;
	unsigned int i, n;
	int err;

	if (!src_plen)
		src = any;
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
	if (src_plen) {
		struct in6_addr a;

		ipv6_addr_prefix(&a, (const struct in6_addr *)src, src_plen);
		if (memcmp(&a, src, 16)) {
			NL_SET_ERR_MSG(extack,
				       "source prefix has bits set past its length");
			return -EINVAL;
		}
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
		const struct nat64_rule *o = rs->rule[i];

		if (prefixes_overlap(o->prefix, o->plen, prefix, plen) &&
		    o->src_plen == src_plen &&
		    !memcmp(o->src, src, 16)) {
			NL_SET_ERR_MSG(extack,
				       "prefix overlaps another rule's with the same source");
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
	memcpy(r->src, src, 16);
	r->src_plen = src_plen;
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
	nat64_maps_flush(nn, r, false);
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
		pool_free(p);
	}
}

/*
 * Hooks registered if and only if the mode is hooks and there is a rule
 * (the mode changed). Under config_lock.
 */
int nat64_hooks_sync(struct nat64_net *nn)
{
	struct nat64_ruleset *rs = ruleset(nn);

	if (nn->mode == NAT64_MODE_TARGET || !rs || !rs->n) {
		nat64_hooks_off(nn);
		return 0;
	}
	return hooks_on(nn);
}
