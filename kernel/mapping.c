// SPDX-License-Identifier: GPL-2.0
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "mapping.h"

static unsigned int map_buckets_log = 14;
module_param(map_buckets_log, uint, 0444);
MODULE_PARM_DESC(map_buckets_log,
		 "log2 of the mapping hash buckets per namespace (10..20)");

static unsigned int max_mappings = 262144;
module_param(max_mappings, uint, 0644);
MODULE_PARM_DESC(max_mappings, "most mappings a namespace may hold");

#define GC_INTERVAL		HZ

/* Which of the namespace's idle timeouts applies to @m now. */
static enum nat64_timeout map_timeout(const struct nat64_mapping *m)
{
	switch (m->proto) {
	case XL_UDP:
		return NAT64_TO_UDP;
	case XL_ICMP:
		return NAT64_TO_ICMP;
	}
	if (test_bit(NAT64_MF_RST, &m->flags) ||
	    (test_bit(NAT64_MF_FIN6, &m->flags) &&
	     test_bit(NAT64_MF_FIN4, &m->flags)))
		return NAT64_TO_TCP_TRANS;
	if (test_bit(NAT64_MF_SEEN4, &m->flags))
		return NAT64_TO_TCP_EST;
	return NAT64_TO_TCP_TRANS;
}

unsigned long nat64_map_remaining(struct nat64_net *nn,
				  const struct nat64_mapping *m)
{
	unsigned long end = READ_ONCE(m->last_used) +
		(unsigned long)READ_ONCE(nn->timeout[map_timeout(m)]) * HZ;

	return time_after(end, jiffies) ? end - jiffies : 0;
}

static u32 hash6(struct nat64_net *nn, u8 proto, const struct in6_addr *a,
		 u16 port)
{
	return siphash_4u32(a->s6_addr32[0], a->s6_addr32[1],
			    a->s6_addr32[2],
			    a->s6_addr32[3] ^ ((u32)port << 8 | proto),
			    &nn->hash_key);
}

static u32 hash4(struct nat64_net *nn, u8 proto, __be32 addr, u16 port)
{
	return siphash_2u32((__force u32)addr, (u32)port << 8 | proto,
			    &nn->hash_key);
}

struct nat64_mapping *nat64_map_find6(struct nat64_net *nn,
				      struct nat64_maptable *mt, u8 proto,
				      const struct in6_addr *addr6, u16 port6)
{
	u32 h = hash6(nn, proto, addr6, port6);
	struct nat64_mapping *m;

	hlist_for_each_entry_rcu(m, &mt->h6[h & mt->mask], node6)
		if (m->port6 == port6 && m->proto == proto &&
		    ipv6_addr_equal(&m->addr6, addr6))
			return m;
	return NULL;
}

struct nat64_mapping *nat64_map_find4(struct nat64_net *nn,
				      struct nat64_maptable *mt, u8 proto,
				      __be32 addr4, u16 port4)
{
	u32 h = hash4(nn, proto, addr4, port4);
	struct nat64_mapping *m;

	hlist_for_each_entry_rcu(m, &mt->h4[h & mt->mask], node4)
		if (m->port4 == port4 && m->proto == proto &&
		    m->addr4 == addr4)
			return m;
	return NULL;
}

/*
 * Pick a free IPv4 transport address for @m and link it into the IPv4
 * table; called with @m's IPv6 bucket lock held. Candidates whose bucket
 * lock is contended are skipped rather than waited for.
 */
static bool map_link4(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_mapping *m, const struct pa_range *r)
{
	u32 ahash = siphash(&m->addr6, sizeof(m->addr6), &nn->hash_key);
	u32 khash = hash6(nn, m->proto, &m->addr6, m->port6);
	unsigned int i;

	for (i = 0; i < PA_MAX_ATTEMPTS; i++) {
		spinlock_t *lock;
		u32 addr, h;
		u16 port;

		pa_candidate(r, ahash, khash, m->port6, i, &addr, &port);
		h = hash4(nn, m->proto, htonl(addr), port);
		lock = &mt->locks4[h % NAT64_MAP_LOCKS];
		if (!spin_trylock(lock))
			continue;
		if (!nat64_map_find4(nn, mt, m->proto, htonl(addr), port)) {
			m->addr4 = htonl(addr);
			m->port4 = port;
			hlist_add_head_rcu(&m->node4, &mt->h4[h & mt->mask]);
			spin_unlock(lock);
			return true;
		}
		spin_unlock(lock);
	}
	return false;
}

struct nat64_mapping *nat64_map_create(struct nat64_net *nn,
				       struct nat64_maptable *mt,
				       struct nat64_rule *rule, u8 proto,
				       const struct in6_addr *addr6, u16 port6,
				       enum nat64_stat *why)
{
	u32 h = hash6(nn, proto, addr6, port6);
	spinlock_t *lock = &mt->locks6[h % NAT64_MAP_LOCKS];
	struct nat64_mapping *m, *old;

	if (atomic_inc_return(&mt->count) > READ_ONCE(max_mappings)) {
		*why = NAT64_STAT_DROP_NOMEM;
		goto err_count;
	}
	m = kmalloc(sizeof(*m), GFP_ATOMIC);
	if (!m) {
		*why = NAT64_STAT_DROP_NOMEM;
		goto err_count;
	}
	m->addr6 = *addr6;
	m->port6 = port6;
	m->proto = proto;
	m->flags = 0;
	m->last_used = jiffies;
	m->rule = rule;

	spin_lock_bh(lock);
	/* Another CPU may have made it since our lookup. */
	old = nat64_map_find6(nn, mt, proto, addr6, port6);
	if (old) {
		spin_unlock_bh(lock);
		kfree(m);
		atomic_dec(&mt->count);
		return old;
	}
	if (!map_link4(nn, mt, m, &rule->pool->range)) {
		spin_unlock_bh(lock);
		kfree(m);
		*why = NAT64_STAT_6TO4_NO_PORT;
		goto err_count;
	}
	hlist_add_head_rcu(&m->node6, &mt->h6[h & mt->mask]);
	spin_unlock_bh(lock);
	atomic_inc(&mt->gen);
	nat64_stat_inc(nn, NAT64_STAT_MAPPINGS_CREATED);
	return m;

err_count:
	atomic_dec(&mt->count);
	return NULL;
}

/* Unlink @m; its IPv6 bucket lock is held. */
static void map_remove(struct nat64_net *nn, struct nat64_maptable *mt,
		       struct nat64_mapping *m)
{
	u32 h = hash4(nn, m->proto, m->addr4, m->port4);
	spinlock_t *lock = &mt->locks4[h % NAT64_MAP_LOCKS];

	spin_lock(lock);
	hlist_del_rcu(&m->node4);
	spin_unlock(lock);
	hlist_del_rcu(&m->node6);
	atomic_inc(&mt->gen);
	atomic_dec(&mt->count);
	kfree_rcu(m, rcu);
}

/*
 * Remove the mappings for which @match says so. Runs in process context;
 * readers may still be looking at what it removes (RCU).
 */
static void maps_sweep(struct nat64_net *nn, struct nat64_maptable *mt,
		       bool (*match)(const struct nat64_mapping *m,
				     const void *arg),
		       const void *arg, enum nat64_stat stat)
{
	unsigned int b;

	for (b = 0; b <= mt->mask; b++) {
		spinlock_t *lock = &mt->locks6[b % NAT64_MAP_LOCKS];
		struct nat64_mapping *m;
		struct hlist_node *tmp;

		if (hlist_empty(&mt->h6[b]))
			continue;
		spin_lock_bh(lock);
		hlist_for_each_entry_safe(m, tmp, &mt->h6[b], node6) {
			if (!match(m, arg))
				continue;
			map_remove(nn, mt, m);
			if (stat)
				nat64_stat_inc(nn, stat);
		}
		spin_unlock_bh(lock);
		if (!(b & 1023))
			cond_resched();
	}
}

static bool match_expired(const struct nat64_mapping *m, const void *nn)
{
	return !nat64_map_remaining((struct nat64_net *)nn, m);
}

static bool match_rule(const struct nat64_mapping *m, const void *rule)
{
	return !rule || m->rule == rule;
}

static void maps_gc(struct work_struct *work)
{
	struct nat64_net *nn = container_of(to_delayed_work(work),
					    struct nat64_net, gc_work);
	struct nat64_maptable *mt = rcu_dereference_protected(nn->maps, 1);

	maps_sweep(nn, mt, match_expired, nn, NAT64_STAT_MAPPINGS_EXPIRED);
	queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
			   GC_INTERVAL);
}

/*
 * Flush the mappings made through @rule (all mappings if NULL). The caller
 * made sure no new ones can be made through it (it is unpublished and a
 * grace period has passed).
 */
void nat64_maps_flush(struct nat64_net *nn, const struct nat64_rule *rule)
{
	struct nat64_maptable *mt;

	mt = rcu_dereference_protected(nn->maps,
				       lockdep_is_held(&nn->config_lock));
	if (mt)
		maps_sweep(nn, mt, match_rule, rule, 0);
}

void nat64_maps_gc_init(struct nat64_net *nn)
{
	INIT_DELAYED_WORK(&nn->gc_work, maps_gc);
}

/*
 * Allocate the tables (with the namespace's first rule). The hash index
 * uses the low bits of the hash, the lock index the bucket number modulo
 * NAT64_MAP_LOCKS: one bucket is always under one lock.
 */
int nat64_maps_init(struct nat64_net *nn)
{
	unsigned int bits = clamp(map_buckets_log, 10U, 20U), i;
	struct nat64_maptable *mt;

	lockdep_assert_held(&nn->config_lock);
	if (rcu_access_pointer(nn->maps))
		return 0;
	mt = kzalloc(sizeof(*mt), GFP_KERNEL);
	if (!mt)
		return -ENOMEM;
	mt->mask = (1U << bits) - 1;
	mt->h6 = kvcalloc(1U << bits, sizeof(*mt->h6), GFP_KERNEL);
	mt->h4 = kvcalloc(1U << bits, sizeof(*mt->h4), GFP_KERNEL);
	if (!mt->h6 || !mt->h4) {
		kvfree(mt->h6);
		kvfree(mt->h4);
		kfree(mt);
		return -ENOMEM;
	}
	for (i = 0; i < NAT64_MAP_LOCKS; i++) {
		spin_lock_init(&mt->locks6[i]);
		spin_lock_init(&mt->locks4[i]);
	}
	rcu_assign_pointer(nn->maps, mt);
	queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
			   GC_INTERVAL);
	return 0;
}

/* Namespace exit: no hooks, no netlink callers are left. */
void nat64_maps_uninit(struct nat64_net *nn)
{
	struct nat64_maptable *mt = rcu_dereference_protected(nn->maps, 1);

	if (!mt)
		return;
	cancel_delayed_work_sync(&nn->gc_work);
	maps_sweep(nn, mt, match_rule, NULL, 0);
	RCU_INIT_POINTER(nn->maps, NULL);
	synchronize_rcu();
	kvfree(mt->h6);
	kvfree(mt->h4);
	kfree(mt);
}
