// SPDX-License-Identifier: GPL-2.0
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "mapping.h"

static unsigned int map_buckets_log = 16;
module_param(map_buckets_log, uint, 0444);
MODULE_PARM_DESC(map_buckets_log,
		 "log2 of the BIB hash buckets per namespace (10..22)");

/* How often the GC runs, and how many buckets it looks at each time. */
#define GC_INTERVAL		(HZ / 4)
#define GC_MIN_BUCKETS		1024
#define GC_PERIOD_MAX		5	/* seconds */

/*
 * Sessions of all namespaces together: a namespace's limit is its own
 * (each namespace may be another tenant's), this one keeps them all from
 * taking the machine's memory. 0 at load: a quarter of RAM at
 * NAT64_SESSION_COST bytes a session.
 */
static unsigned int max_sessions;
module_param(max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions,
		 "most sessions of all namespaces together (default: 1/4 of RAM's worth)");
static atomic_t all_sessions = ATOMIC_INIT(0);

static struct kmem_cache *bib_cache, *sess_cache, *sub_cache;

/* Entries are allocated in softirq: never from the reserves. */
#define MAP_GFP		(GFP_NOWAIT | __GFP_NOWARN)

/* The idle timeout that applies to a session of @proto in state @state. */
static enum nat64_timeout sess_timeout(u8 proto, u8 state)
{
	switch (proto) {
	case XL_UDP:
		return NAT64_TO_UDP;
	case XL_ICMP:
		return NAT64_TO_ICMP;
	}
	switch (tcp_timer_of(state)) {
	case TCPT_EST:
		return NAT64_TO_TCP_EST;
	case TCPT_SYN:
		return NAT64_TO_SYN;
	default:
		return NAT64_TO_TCP_TRANS;
	}
}

/* Jiffies @s has left at @now if its timeout is @to jiffies (<= 0: none). */
static s32 sess_left(const struct nat64_session *s, u32 to, u32 now)
{
	return (s32)(READ_ONCE(s->last_used) + to - now);
}

unsigned long nat64_sess_remaining(struct nat64_net *nn, u8 proto,
				   const struct nat64_session *s)
{
	enum nat64_timeout t = sess_timeout(proto, READ_ONCE(s->state));
	s32 left = sess_left(s, READ_ONCE(nn->timeout[t]) * HZ, jiffies);

	return left > 0 ? left : 0;
}

unsigned long nat64_bib_remaining(struct nat64_net *nn,
				  const struct nat64_bib *b)
{
	const struct nat64_session *s;
	unsigned long rem = 0;

	hlist_for_each_entry_rcu(s, &b->sessions, node)
		rem = max(rem, nat64_sess_remaining(nn, b->proto, s));
	return rem;
}

/*
 * The keyed hashes take each part of the key as an input of its own:
 * parts combined before hashing (say, the port XORed into the address)
 * would let a subscriber, who picks its own address bits and ports, make
 * keys that are the same input, hence in one bucket, whatever the key.
 */
static u64 addr_hi(const struct in6_addr *a)
{
	return (u64)a->s6_addr32[0] << 32 | a->s6_addr32[1];
}

static u64 addr_lo(const struct in6_addr *a)
{
	return (u64)a->s6_addr32[2] << 32 | a->s6_addr32[3];
}

static u32 hash6(struct nat64_net *nn, u8 proto, const struct in6_addr *a,
		 u16 port)
{
	return siphash_3u64(addr_hi(a), addr_lo(a), (u64)port << 8 | proto,
			    &nn->hash_key);
}

static u32 hash4(struct nat64_net *nn, u8 proto, __be32 addr, u16 port)
{
	return siphash_2u32((__force u32)addr, (u32)port << 8 | proto,
			    &nn->hash_key);
}

/* One bucket is always under one lock: the lock is the bucket modulo. */
static spinlock_t *lock6(struct nat64_maptable *mt, u32 h)
{
	return &mt->locks6[(h & mt->mask) % NAT64_MAP_LOCKS];
}

static spinlock_t *lock4(struct nat64_maptable *mt, u32 h)
{
	return &mt->locks4[(h & mt->mask) % NAT64_MAP_LOCKS];
}

struct nat64_bib *nat64_bib_find6(struct nat64_net *nn,
				  struct nat64_maptable *mt, u8 proto,
				  const struct in6_addr *addr6, u16 port6)
{
	u32 h = hash6(nn, proto, addr6, port6);
	struct nat64_bib *b;

	hlist_for_each_entry_rcu(b, &mt->h6[h & mt->mask], node6)
		if (b->port6 == port6 && b->proto == proto &&
		    ipv6_addr_equal(&b->addr6, addr6))
			return b;
	return NULL;
}

struct nat64_bib *nat64_bib_find4(struct nat64_net *nn,
				  struct nat64_maptable *mt, u8 proto,
				  __be32 addr4, u16 port4)
{
	u32 h = hash4(nn, proto, addr4, port4);
	struct nat64_bib *b;

	hlist_for_each_entry_rcu(b, &mt->h4[h & mt->mask], node4)
		if (b->port4 == port4 && b->proto == proto &&
		    b->addr4 == addr4)
			return b;
	return NULL;
}

/*
 * A session's bucket: its BIB entry (the entry's address, unique while
 * it is linked, and keyed: no one learns it), the peer's address and
 * port, each an input of its own.
 */
static u32 hash_s(struct nat64_net *nn, const struct nat64_bib *b,
		  __be32 raddr, u16 rport)
{
	return siphash_3u64((u64)(unsigned long)b, (__force u32)raddr, rport,
			     &nn->hash_key);
}

static spinlock_t *lock_s(struct nat64_maptable *mt, u32 h)
{
	return &mt->locks_s[(h & mt->mask) % NAT64_SESS_LOCKS];
}

/*
 * Up to this many sessions, @b's own list is walked: cheaper than the
 * keyed hash, and as bounded.
 */
#define SESS_WALK	8

struct nat64_session *nat64_sess_find(struct nat64_net *nn,
				      struct nat64_maptable *mt,
				      const struct nat64_bib *b,
				      __be32 raddr, u16 rport)
{
	struct nat64_session *s;
	u32 h;

	if (READ_ONCE(b->nsessions) <= SESS_WALK) {
		hlist_for_each_entry_rcu(s, &b->sessions, node)
			if (s->raddr == raddr && s->rport == rport)
				return s;
		return NULL;
	}
	h = hash_s(nn, b, raddr, rport);
	for (s = rcu_dereference_check(mt->hs[h & mt->mask], 1); s;
	     s = rcu_dereference_check(s->hnext, 1))
		if (s->bib == b && s->raddr == raddr && s->rport == rport)
			return s;
	return NULL;
}

/*
 * Walks @b's sessions. Only address-dependent filtering asks, for a
 * packet that matched no session; then only @b's own IPv6 host made
 * sessions with new peers, and the walk is bounded by the per-mapping
 * session limit.
 */
bool nat64_bib_knows(const struct nat64_bib *b, __be32 raddr)
{
	struct nat64_session *s;

	hlist_for_each_entry_rcu(s, &b->sessions, node)
		if (s->raddr == raddr)
			return true;
	return false;
}

/*
 * A pool address may be one of the translator's own: then ports its
 * sockets may use (the ephemeral range, listening TCP and bound UDP
 * sockets) are not given out, lest their traffic be translated away.
 */
static bool host_port_busy(struct net *net, u8 proto, __be32 addr, u16 port)
{
	struct sock *sk;
	int lo, hi;

	if (proto == XL_ICMP)
		return false;
	inet_get_local_port_range(net, &lo, &hi);
	if (port >= lo && port <= hi)
		return true;
	if (proto == XL_TCP)
		return inet_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
					    NULL, 0, 0, 0, addr, htons(port),
					    0, 0);
	sk = udp4_lib_lookup(net, 0, 0, addr, htons(port), 0);
	if (!sk)
		return false;
	sock_put(sk);
	return true;
}

bool nat64_host_owns(struct net *net, u8 proto, __be32 addr, u16 port)
{
	return inet_addr_type(net, addr) == RTN_LOCAL &&
	       host_port_busy(net, proto, addr, port);
}

bool nat64_bib_link4_at(struct nat64_net *nn, struct nat64_maptable *mt,
			struct nat64_bib *b, u32 addr, u16 port, bool local)
{
	spinlock_t *lock;
	u32 h;

	if (local && host_port_busy(nn->net, b->proto, htonl(addr), port))
		return false;
	h = hash4(nn, b->proto, htonl(addr), port);
	lock = lock4(mt, h);
	if (!spin_trylock(lock))
		return false;
	if (nat64_bib_find4(nn, mt, b->proto, htonl(addr), port)) {
		spin_unlock(lock);
		return false;
	}
	b->addr4 = htonl(addr);
	b->port4 = port;
	hlist_add_head_rcu(&b->node4, &mt->h4[h & mt->mask]);
	spin_unlock(lock);
	return true;
}

/*
 * Try @b at the candidates of range @r (up to PA_MAX_ATTEMPTS from
 * @start, with pa_candidate() @flags): link it into the IPv4 table at the
 * first free one.
 */
static bool bib_try4(struct nat64_net *nn, struct nat64_maptable *mt,
		     struct nat64_bib *b, const struct pa_range *r,
		     u32 ahash, u32 start, unsigned int flags)
{
	unsigned int i;
	bool local;
	u32 addr;
	u16 port;

	pa_candidate(r, ahash, 0, 0, 0, 0, &addr, &port);
	local = inet_addr_type(nn->net, htonl(addr)) == RTN_LOCAL;
	for (i = 0; i < PA_MAX_ATTEMPTS; i++) {
		pa_candidate(r, ahash, start, b->port6, flags, i, &addr, &port);
		if (nat64_bib_link4_at(nn, mt, b, addr, port, local))
			return true;
	}
	return false;
}

/*
 * Deterministic range @pr (RFC 7422): @b's subscriber's own address and
 * ports, or -ENOENT if @b's source is not in the range's prefix.
 */
static int bib_det4(struct nat64_net *nn, struct nat64_maptable *mt,
		    struct nat64_bib *b, u32 khash,
		    const struct nat64_prange *pr)
{
	struct pa_range sub = { .naddr = 1 };
	u32 i;

	if (!pa_det_index(&pr->det_cfg, b->addr6.s6_addr, &i))
		return -ENOENT;
	pa_det_forward(&pr->det_cfg, &pr->det_shape, i, &sub.addr,
		       &sub.port_lo, &sub.port_hi);
	return bib_try4(nn, mt, b, &sub, 0, khash, 0) ? 0 : -ENOSPC;
}

/*
 * Per-subscriber port limit (RFC 6888 REQ-4) and port blocks: BIB
 * entries held by each IPv6 prefix of the configured length, counted
 * while a limit is set or for entries of a block range. Called under
 * the entry's IPv6 bucket lock; the subscriber's lock nests inside.
 */
static u32 sub_hash(struct nat64_net *nn, const struct in6_addr *a, u8 plen)
{
	struct in6_addr k;

	ipv6_addr_prefix(&k, a, plen);
	return siphash_3u64(addr_hi(&k), addr_lo(&k), plen, &nn->hash_key);
}

static spinlock_t *sub_lock(struct nat64_maptable *mt, u32 h)
{
	return &mt->sub_locks[h % NAT64_SUB_LOCKS];
}

static struct nat64_subscriber *sub_find(struct nat64_maptable *mt, u32 h,
					 const struct in6_addr *a, u8 plen)
{
	struct nat64_subscriber *sub;

	hlist_for_each_entry(sub, &mt->subs[h & mt->mask], node)
		if (sub->plen == plen &&
		    ipv6_prefix_equal(&sub->prefix, a, plen))
			return sub;
	return NULL;
}

/*
 * Count @b, a new entry, and its first session for its subscriber if a
 * limit is set or @need (a block range may serve it): then *@subp is
 * the subscriber, which stays while @b is counted, and *@hp its hash.
 * One lookup does sess_admit()'s work for that session too. 0, or why
 * not (a limit; memory counts as the port limit).
 */
static enum nat64_stat sub_get(struct nat64_net *nn, struct nat64_maptable *mt,
			       struct nat64_bib *b, bool need,
			       struct nat64_subscriber **subp, u32 *hp)
{
	u32 limit = READ_ONCE(nn->limit_ports), h;
	u32 slimit = READ_ONCE(nn->limit_sess_sub);
	u8 plen = READ_ONCE(nn->subscriber_plen);
	enum nat64_stat why = 0;
	struct nat64_subscriber *sub;
	struct mem_cgroup *old;
	spinlock_t *lock;

	b->flags = 0;
	*subp = NULL;
	/* sess_admit()'s mapping limit, for an entry with no session. */
	if (!READ_ONCE(nn->limit_sess_map))
		return NAT64_STAT_DROP_MAPPING_SESSIONS;
	if (!limit && !slimit && !need)
		return 0;
	h = sub_hash(nn, &b->addr6, plen);
	lock = sub_lock(mt, h);
	spin_lock(lock);
	sub = sub_find(mt, h, &b->addr6, plen);
	if (!sub) {
		old = nat64_memcg_enter(mt);
		sub = kmem_cache_alloc(sub_cache, MAP_GFP);
		nat64_memcg_leave(old);
		if (!sub) {
			why = NAT64_STAT_DROP_LIMIT;
			goto out;
		}
		ipv6_addr_prefix(&sub->prefix, &b->addr6, plen);
		sub->plen = plen;
		sub->nports = 0;
		sub->nsessions = 0;
		INIT_LIST_HEAD(&sub->blocks);
		memset(sub->skip, 0, sizeof(sub->skip));
		sub->refused = 0;
		hlist_add_head(&sub->node, &mt->subs[h & mt->mask]);
	}
	if (limit && sub->nports >= limit) {
		why = NAT64_STAT_DROP_LIMIT;
	} else if (slimit && sub->nsessions + 1 > slimit) {
		why = NAT64_STAT_DROP_SUBSCRIBER_SESSIONS;
	} else {
		sub->nports++;
		sub->nsessions++;
		b->flags = BIB_F_COUNTED;
		b->sub_plen = plen;
		*subp = sub;
		*hp = h;
	}
out:
	spin_unlock(lock);
	return why;
}

static void sub_put(struct nat64_net *nn, struct nat64_maptable *mt,
		    struct nat64_bib *b)
{
	struct nat64_subscriber *sub;
	struct nat64_blkev ev = {};
	spinlock_t *lock;
	u32 h;

	/* sub_plen is only set on counted entries. */
	if (!(b->flags & BIB_F_COUNTED))
		return;
	h = sub_hash(nn, &b->addr6, b->sub_plen);
	lock = sub_lock(mt, h);
	spin_lock(lock);
	sub = sub_find(mt, h, &b->addr6, b->sub_plen);
	if (sub && (b->flags & BIB_F_BLOCK))
		nat64_blk_give(nn, mt, sub, b, &ev);
	if (sub && !--sub->nports) {
		WARN_ON_ONCE(!list_empty(&sub->blocks));
		hlist_del(&sub->node);
		kmem_cache_free(sub_cache, sub);
	}
	spin_unlock(lock);
	if (ev.type)
		nat64_blk_report(nn, &ev);
}

/*
 * Pick a free IPv4 transport address for @b (@khash: its IPv6 side's
 * hash; @sub, @shash: its subscriber, if counted) and link it into the
 * IPv4 table; called with @b's IPv6 bucket lock held. Candidates whose
 * bucket lock is contended are skipped rather than waited for: the
 * search is bounded, as it runs in softirq. 0, or why there is none; a
 * new port block in @ev.
 */
static enum nat64_stat bib_link4(struct nat64_net *nn,
				 struct nat64_maptable *mt,
				 struct nat64_bib *b, u32 khash,
				 struct nat64_pool *pool,
				 struct nat64_subscriber *sub, u32 shash,
				 struct nat64_blkev *ev)
{
	const struct nat64_pranges *rs = rcu_dereference(pool->ranges);
	bool hashed = false;
	unsigned int k;
	u32 ahash = 0;

	for (k = 0; k < rs->n; k++) {
		struct nat64_prange *pr = (struct nat64_prange *)&rs->r[k];
		enum nat64_stat why;
		u32 start;
		int err;

		/* A peer's share: only synced entries use it. */
		if (!(pr->protos & BIT(b->proto)) || pr->peer)
			continue;
		if (pr->quiet)
			b->flags |= BIB_F_QUIET;
		if (pr->det) {
			/* Its own range, or nothing: no other range. */
			err = bib_det4(nn, mt, b, khash, pr);
			if (err == -ENOENT)
				continue;
			return err ? NAT64_STAT_DROP_DET_FULL : 0;
		}
		if (pr->blk) {
			/* Its blocks, or nothing (see the uapi header). */
			if (WARN_ON_ONCE(!sub))
				return NAT64_STAT_6TO4_NO_PORT;
			spin_lock(sub_lock(mt, shash));
			why = nat64_blk_take(nn, mt, sub, b, pr->bm, khash,
					     shash, ev);
			spin_unlock(sub_lock(mt, shash));
			if (!why)
				b->flags |= BIB_F_BLOCK;
			return why;
		}
		/* Paired pooling's hash: only dynamic ranges need it. */
		if (!hashed) {
			ahash = siphash(&b->addr6, sizeof(b->addr6),
					&nn->hash_key);
			hashed = true;
		}
		/* Sequential: from the port after the last one given. */
		start = pr->sequential ? (u32)atomic_read(&pr->next) : khash;
		if (bib_try4(nn, mt, b, &pr->r, ahash, start,
			     (b->proto != XL_ICMP ? PA_KEEP_CLASS : 0) |
			     (pr->sequential ? PA_SEQUENTIAL : 0))) {
			if (pr->sequential)
				atomic_set(&pr->next,
					   b->port4 + 1 - pr->r.port_lo);
			return 0;
		}
	}
	return NAT64_STAT_6TO4_NO_PORT;
}

/* Is @proto served by a block range of @pool (its first that serves)? */
static bool pool_blocks(struct nat64_pool *pool, u8 proto)
{
	const struct nat64_pranges *rs = rcu_dereference(pool->ranges);
	unsigned int k;

	for (k = 0; k < rs->n; k++)
		if (rs->r[k].blk && (rs->r[k].protos & BIT(proto)))
			return true;
	return false;
}

/*
 * Add @n sessions (n < 0: remove -n) to the count of @b's subscriber, if
 * @b is counted; called under @b's IPv6 bucket lock. Adding fails past
 * the per-subscriber session limit.
 */
static bool sub_sessions(struct nat64_net *nn, struct nat64_maptable *mt,
			 struct nat64_bib *b, int n)
{
	u32 limit = READ_ONCE(nn->limit_sess_sub), h;
	struct nat64_subscriber *sub;
	spinlock_t *lock;
	bool ok = true;

	if (!(b->flags & BIB_F_COUNTED) || !n)
		return true;
	h = sub_hash(nn, &b->addr6, b->sub_plen);
	lock = sub_lock(mt, h);
	spin_lock(lock);
	sub = sub_find(mt, h, &b->addr6, b->sub_plen);
	if (sub && n > 0 && limit && sub->nsessions + n > limit)
		ok = false;
	else if (sub)
		sub->nsessions += n;
	spin_unlock(lock);
	return ok;
}

static struct nat64_session *sess_alloc(struct nat64_net *nn,
					struct nat64_maptable *mt,
					u8 rule, __be32 raddr,
					u16 rport, u8 state,
					enum nat64_stat *why)
{
	struct nat64_session *s;
	struct mem_cgroup *old;

	if (atomic_inc_return(&all_sessions) > READ_ONCE(max_sessions)) {
		atomic_dec(&all_sessions);
		*why = NAT64_STAT_DROP_MODULE_SESSIONS;
		return NULL;
	}
	if (atomic_inc_return(&mt->nsessions) >
	    READ_ONCE(nn->limit_sessions)) {
		atomic_dec(&mt->nsessions);
		atomic_dec(&all_sessions);
		*why = NAT64_STAT_DROP_LIMIT;
		return NULL;
	}
	old = nat64_memcg_enter(mt);
	s = kmem_cache_alloc(sess_cache, MAP_GFP);
	nat64_memcg_leave(old);
	if (!s) {
		atomic_dec(&mt->nsessions);
		atomic_dec(&all_sessions);
		*why = NAT64_STAT_DROP_NOMEM;
		return NULL;
	}
	s->raddr = raddr;
	s->rport = rport;
	s->state = state;
	s->dead = 0;
	s->last_used = jiffies;
	s->rule = rule;
	s->synced = 0;
	return s;
}

static void sess_free(struct nat64_maptable *mt, struct nat64_session *s)
{
	atomic_dec(&mt->nsessions);
	atomic_dec(&all_sessions);
	kmem_cache_free(sess_cache, s);
}

/*
 * May @b have one more session (the per-mapping and per-subscriber
 * limits)? If so it is counted: sess_link() must follow. @b's IPv6
 * bucket lock is held. 0 or why not.
 */
static enum nat64_stat sess_admit(struct nat64_net *nn,
				  struct nat64_maptable *mt,
				  struct nat64_bib *b)
{
	if (b->nsessions >= READ_ONCE(nn->limit_sess_map))
		return NAT64_STAT_DROP_MAPPING_SESSIONS;
	if (!sub_sessions(nn, mt, b, 1))
		return NAT64_STAT_DROP_SUBSCRIBER_SESSIONS;
	return 0;
}

/* Link @s under @b, admitted; @b's IPv6 bucket lock is held. */
static void sess_link(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_bib *b, struct nat64_session *s)
{
	u32 h = hash_s(nn, b, s->raddr, s->rport);
	struct nat64_session __rcu **head = &mt->hs[h & mt->mask];
	spinlock_t *l = lock_s(mt, h);

	s->bib = b;
	spin_lock(l);
	RCU_INIT_POINTER(s->hnext, rcu_dereference_protected(*head, 1));
	rcu_assign_pointer(*head, s);
	spin_unlock(l);
	hlist_add_head_rcu(&s->node, &b->sessions);
	WRITE_ONCE(b->nsessions, b->nsessions + 1);
	nat64_stat_inc(nn, NAT64_STAT_SESSIONS_CREATED);
}

/* A dynamic BIB entry for @f's IPv6 side, of rule @rule; not linked. */
static struct nat64_bib *bib_new(struct nat64_maptable *mt,
				 const struct nat64_flow *f, u8 rule)
{
	struct mem_cgroup *memcg = nat64_memcg_enter(mt);
	struct nat64_bib *b = kmem_cache_alloc(bib_cache, MAP_GFP);

	nat64_memcg_leave(memcg);
	if (!b)
		return NULL;
	b->addr6 = *f->addr6;
	b->port6 = f->port6;
	b->proto = f->proto;
	b->is_static = 0;
	b->dead = 0;
	b->nsessions = 0;
	b->rule = rule;
	INIT_HLIST_HEAD(&b->sessions);
	return b;
}

struct nat64_session *nat64_sess_create6(struct nat64_net *nn,
					 struct nat64_maptable *mt,
					 struct nat64_rule *rule,
					 const struct nat64_flow *f,
					 u8 state, struct nat64_bib **bibp,
					 enum nat64_stat *why)
{
	u32 h = hash6(nn, f->proto, f->addr6, f->port6);
	spinlock_t *lock = lock6(mt, h);
	struct nat64_session *s, *old;
	struct nat64_bib *b, *nb = NULL;
	struct nat64_subscriber *sub;
	struct nat64_blkev bev = {};
	u32 shash = 0;

	s = sess_alloc(nn, mt, rule->id, f->raddr, f->rport, state, why);
	if (!s)
		return NULL;

	spin_lock_bh(lock);
	/* Another CPU may have made either since our lookup. */
	b = nat64_bib_find6(nn, mt, f->proto, f->addr6, f->port6);
	if (b) {
		old = nat64_sess_find(nn, mt, b, f->raddr, f->rport);
		if (old) {
			spin_unlock_bh(lock);
			sess_free(mt, s);
			*bibp = b;
			return old;
		}
		*why = sess_admit(nn, mt, b);
		if (*why)
			goto err;
	} else {
		nb = bib_new(mt, f, rule->id);
		if (!nb) {
			*why = NAT64_STAT_DROP_NOMEM;
			goto err;
		}
		*why = sub_get(nn, mt, nb, pool_blocks(rule->pool, f->proto),
			       &sub, &shash);
		if (*why) {
			kmem_cache_free(bib_cache, nb);
			goto err;
		}
		*why = bib_link4(nn, mt, nb, h, rule->pool, sub, shash, &bev);
		if (*why) {
			sub_sessions(nn, mt, nb, -1);
			sub_put(nn, mt, nb);
			kmem_cache_free(bib_cache, nb);
			goto err;
		}
		hlist_add_head_rcu(&nb->node6, &mt->h6[h & mt->mask]);
		atomic_inc(&mt->nbib);
		b = nb;
	}
	sess_link(nn, mt, b, s);
	spin_unlock_bh(lock);
	if (bev.type)
		nat64_blk_report(nn, &bev);
	if (nb)
		nat64_stat_inc(nn, NAT64_STAT_MAPPINGS_CREATED);
	/* Under the caller's RCU: b and s stay, their addresses are fixed. */
	if (nat64_ev_wanted(nn)) {
		struct nat64_ev ev;

		if (nb) {
			nat64_ev_fill(nn, &ev, NAT64_EVENT_MAPPING_CREATED, b, NULL);
			nat64_ev_report(nn, &ev);
		}
		nat64_ev_fill(nn, &ev, NAT64_EVENT_SESSION_CREATED, b, s);
		nat64_ev_report(nn, &ev);
	}
	*bibp = b;
	return s;

err:
	spin_unlock_bh(lock);
	sess_free(mt, s);
	return NULL;
}

struct nat64_session *nat64_sess_create4(struct nat64_net *nn,
					 struct nat64_maptable *mt,
					 struct nat64_bib *b, u8 rule,
					 __be32 raddr, u16 rport, u8 state,
					 enum nat64_stat *why)
{
	spinlock_t *lock = lock6(mt, hash6(nn, b->proto, &b->addr6,
					   b->port6));
	struct nat64_session *s, *old;

	/* A flood at a full entry costs no allocation (checked again). */
	if (READ_ONCE(b->nsessions) >= READ_ONCE(nn->limit_sess_map)) {
		*why = NAT64_STAT_DROP_MAPPING_SESSIONS;
		return NULL;
	}
	s = sess_alloc(nn, mt, rule, raddr, rport, state, why);
	if (!s)
		return NULL;
	spin_lock_bh(lock);
	if (b->dead) {
		spin_unlock_bh(lock);
		sess_free(mt, s);
		*why = NAT64_STAT_4TO6_NO_MAPPING;
		return NULL;
	}
	old = nat64_sess_find(nn, mt, b, raddr, rport);
	if (old) {
		spin_unlock_bh(lock);
		sess_free(mt, s);
		return old;
	}
	*why = sess_admit(nn, mt, b);
	if (*why) {
		spin_unlock_bh(lock);
		sess_free(mt, s);
		return NULL;
	}
	sess_link(nn, mt, b, s);
	spin_unlock_bh(lock);
	if (nat64_ev_wanted(nn)) {
		struct nat64_ev ev;

		nat64_ev_fill(nn, &ev, NAT64_EVENT_SESSION_CREATED, b, s);
		nat64_ev_report(nn, &ev);
	}
	return s;
}

/*
 * Entries unlinked from the tables are freed once no reader can see them.
 * Instead of a struct rcu_head in each (16 bytes of every session and BIB
 * entry), they are chained through the pprev pointer of their hash node,
 * which hlist_del_rcu() leaves unused (readers follow next only), and
 * freed in batches after a grace period. The caller removes them under
 * bucket locks and calls reaper_flush() with no lock held, in process
 * context.
 */
/* What one flow costs (issue: at most 128 bytes a session, buckets too). */
static_assert(sizeof(struct nat64_session) <= 48);
static_assert(sizeof(struct nat64_bib) <= 72);

struct reaper {
	struct nat64_session *sess;	/* chained through node.pprev */
	struct nat64_bib *bib;		/* chained through node6.pprev */
	unsigned int n;
};

#define REAP_BATCH	512

struct reap {
	struct rcu_head rcu;
	struct nat64_session *sess;
	struct nat64_bib *bib;
};

static void reap_free(struct nat64_session *s, struct nat64_bib *b)
{
	while (s) {
		struct nat64_session *next = (void *)s->node.pprev;

		kmem_cache_free(sess_cache, s);
		s = next;
	}
	while (b) {
		struct nat64_bib *next = (void *)b->node6.pprev;

		kmem_cache_free(bib_cache, b);
		b = next;
	}
}

static void reap_rcu(struct rcu_head *head)
{
	struct reap *r = container_of(head, struct reap, rcu);

	reap_free(r->sess, r->bib);
	kfree(r);
}

/* Hand what @rp holds to RCU; may sleep. */
static void reaper_flush(struct reaper *rp)
{
	struct reap *r;

	might_sleep();
	if (!rp->n)
		return;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (r) {
		r->sess = rp->sess;
		r->bib = rp->bib;
		call_rcu(&r->rcu, reap_rcu);
	} else {
		synchronize_rcu();
		reap_free(rp->sess, rp->bib);
	}
	rp->sess = NULL;
	rp->bib = NULL;
	rp->n = 0;
}

/*
 * Unlink @s from @b, its subscriber's count left to the caller; @b's
 * IPv6 bucket lock is held.
 */
static void __sess_remove(struct nat64_net *nn, struct nat64_maptable *mt,
			  struct nat64_bib *b, struct nat64_session *s,
			  struct reaper *rp)
{
	u32 h = hash_s(nn, b, s->raddr, s->rport);
	struct nat64_session __rcu **pp = &mt->hs[h & mt->mask];
	struct nat64_session *p;
	spinlock_t *l = lock_s(mt, h);

	WRITE_ONCE(s->dead, 1);
	if (rcu_access_pointer(nn->fpc))
		nat64_fp_forget(nn, s);
	/*
	 * Readers on @s go on through s->hnext, left as it is: @s is freed
	 * after a grace period.
	 */
	spin_lock(l);
	while ((p = rcu_dereference_protected(*pp, lockdep_is_held(l)))) {
		if (p == s) {
			rcu_assign_pointer(*pp, rcu_dereference_protected(
					   s->hnext, lockdep_is_held(l)));
			break;
		}
		pp = &p->hnext;
	}
	spin_unlock(l);
	hlist_del_rcu(&s->node);
	WRITE_ONCE(b->nsessions, b->nsessions - 1);
	atomic_dec(&mt->nsessions);
	atomic_dec(&all_sessions);
	s->node.pprev = (void *)rp->sess;
	rp->sess = s;
	rp->n++;
}

static void sess_remove(struct nat64_net *nn, struct nat64_maptable *mt,
			struct nat64_bib *b, struct nat64_session *s,
			struct reaper *rp)
{
	sub_sessions(nn, mt, b, -1);
	__sess_remove(nn, mt, b, s, rp);
}

/* Unlink @b and its sessions; its IPv6 bucket lock is held. */
static void bib_remove(struct nat64_net *nn, struct nat64_maptable *mt,
		       struct nat64_bib *b, struct reaper *rp)
{
	spinlock_t *lock = lock4(mt, hash4(nn, b->proto, b->addr4, b->port4));
	struct nat64_session *s;
	struct hlist_node *tmp;

	sub_sessions(nn, mt, b, -(int)b->nsessions);
	hlist_for_each_entry_safe(s, tmp, &b->sessions, node)
		__sess_remove(nn, mt, b, s, rp);
	b->dead = 1;
	spin_lock(lock);
	hlist_del_rcu(&b->node4);
	spin_unlock(lock);
	hlist_del_rcu(&b->node6);
	sub_put(nn, mt, b);
	atomic_inc(&mt->gen);
	atomic_dec(&mt->nbib);
	b->node6.pprev = (void *)rp->bib;
	rp->bib = b;
	rp->n++;
}

/*
 * Events seen under a bucket lock, reported once it is released. While
 * events are wanted (@on), a sweep stops when the buffer is full, drops
 * the lock, reports them and starts over on the bucket.
 */
#define EVBUF_SIZE	8

struct evbuf {
	struct nat64_net *nn;
	bool on;
	unsigned int n;
	struct nat64_ev ev[EVBUF_SIZE];
};

static bool evbuf_full(const struct evbuf *eb)
{
	return eb->on && eb->n == EVBUF_SIZE;
}

static void evbuf_add(struct evbuf *eb, u8 type, const struct nat64_bib *b,
		      const struct nat64_session *s)
{
	if (eb->on)
		nat64_ev_fill(eb->nn, &eb->ev[eb->n++], type, b, s);
}

static void evbuf_report(struct nat64_net *nn, struct evbuf *eb)
{
	unsigned int i;

	for (i = 0; i < eb->n; i++)
		nat64_ev_report(nn, &eb->ev[i]);
	eb->n = 0;
}

/*
 * Age @b's sessions; @b's IPv6 bucket lock is held. Adds the ones that
 * expired to *@n. A TCP session whose timer ran out may move on instead
 * of going (established -> trans). False if @eb filled up first.
 */
static bool bib_age(struct nat64_net *nn, struct nat64_maptable *mt,
		    struct nat64_bib *b, struct evbuf *eb, unsigned int *n,
		    struct reaper *rp)
{
	struct nat64_session *s;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(s, tmp, &b->sessions, node) {
		if (nat64_sess_remaining(nn, b->proto, s))
			continue;
		if (b->proto == XL_TCP) {
			u8 st = READ_ONCE(s->state);
			u8 next = tcp_expire(st);

			if (next != TCPS_CLOSED) {
				/* A packet that moved it on meanwhile wins. */
				if (cmpxchg(&s->state, st, next) == st)
					WRITE_ONCE(s->last_used, (u32)jiffies);
				continue;
			}
		}
		if (evbuf_full(eb))
			return false;
		evbuf_add(eb, NAT64_EVENT_SESSION_EXPIRED, b, s);
		sess_remove(nn, mt, b, s, rp);
		(*n)++;
	}
	return true;
}

/*
 * Remove @b's sessions (only those made through @rule, if not NULL); its
 * IPv6 bucket lock is held. False if @eb filled up first.
 */
static bool bib_clear(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_bib *b, u8 rule, struct evbuf *eb,
		      struct reaper *rp)
{
	struct nat64_session *s;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(s, tmp, &b->sessions, node) {
		if (rule && READ_ONCE(s->rule) != rule)
			continue;
		if (evbuf_full(eb))
			return false;
		evbuf_add(eb, NAT64_EVENT_SESSION_REMOVED, b, s);
		sess_remove(nn, mt, b, s, rp);
	}
	return true;
}

/* What a sweep removes. */
struct sweep {
	u8 rule;			/* id; 0: any */
	bool statics;			/* static BIB entries too */
	bool expired;			/* only expired sessions */
	struct reaper rp;		/* what it removed */
};

/* Sweep bucket @i; returns the sessions that expired. */
static unsigned int sweep_bucket(struct nat64_net *nn,
				 struct nat64_maptable *mt, unsigned int i,
				 struct sweep *sw)
{
	spinlock_t *lock = &mt->locks6[i % NAT64_MAP_LOCKS];
	struct hlist_node *tmp;
	struct nat64_bib *b;
	unsigned int n = 0;
	struct evbuf eb;
	bool more;

	if (hlist_empty(&mt->h6[i]))
		return 0;
	eb.nn = nn;
	eb.on = nat64_ev_wanted(nn);
	eb.n = 0;
again:
	more = false;
	spin_lock_bh(lock);
	hlist_for_each_entry_safe(b, tmp, &mt->h6[i], node6) {
		/* The whole entry goes (else only some of its sessions). */
		bool whole = !sw->expired &&
			     !(sw->rule && b->rule != sw->rule) &&
			     (!b->is_static || sw->statics);
		bool done;

		if (sw->expired)
			done = bib_age(nn, mt, b, &eb, &n, &sw->rp);
		else if (sw->rule && b->rule != sw->rule)
			/* Sessions of the rule under other rules' entries. */
			done = bib_clear(nn, mt, b, sw->rule, &eb, &sw->rp);
		else
			done = bib_clear(nn, mt, b, 0, &eb, &sw->rp);
		if (!done || (evbuf_full(&eb) && !b->is_static &&
			      hlist_empty(&b->sessions))) {
			more = true;
			break;
		}
		if (!whole && (b->is_static || !hlist_empty(&b->sessions)))
			continue;
		if (!b->is_static)
			evbuf_add(&eb, sw->expired ?
				  NAT64_EVENT_MAPPING_EXPIRED :
				  NAT64_EVENT_MAPPING_REMOVED, b, NULL);
		bib_remove(nn, mt, b, &sw->rp);
		if (sw->expired)
			nat64_stat_inc(nn, NAT64_STAT_MAPPINGS_EXPIRED);
	}
	spin_unlock_bh(lock);
	evbuf_report(nn, &eb);
	if (sw->rp.n >= REAP_BATCH)
		reaper_flush(&sw->rp);
	if (more)
		goto again;
	return n;
}

static void maps_sweep(struct nat64_net *nn, struct nat64_maptable *mt,
		       struct sweep *sw)
{
	unsigned int i;

	for (i = 0; i <= mt->mask; i++) {
		sweep_bucket(nn, mt, i, sw);
		if (!(i & 1023))
			cond_resched();
	}
	reaper_flush(&sw->rp);
}

/*
 * How many GC runs one pass over the whole table takes: a pass every
 * tenth of the shortest idle timeout, but at least every GC_PERIOD_MAX
 * and at most every second. An idle session thus goes at most 10% (and
 * GC_PERIOD_MAX) after its timeout ran out, while a large table is not
 * walked every second (with 2^20 buckets that walk was most of the
 * translator's idle cost). The short SYN timeout (6 s) is left out: a
 * session an unanswered IPv4 SYN opened may live a pass longer.
 */
static unsigned int gc_runs_per_pass(struct nat64_net *nn)
{
	u32 t = READ_ONCE(nn->timeout[NAT64_TO_UDP]);

	t = min(t, READ_ONCE(nn->timeout[NAT64_TO_TCP_EST]));
	t = min(t, READ_ONCE(nn->timeout[NAT64_TO_TCP_TRANS]));
	t = min(t, READ_ONCE(nn->timeout[NAT64_TO_ICMP]));
	t = clamp_t(u32, t / 10, 1, GC_PERIOD_MAX);
	return t * HZ / GC_INTERVAL;
}

/*
 * Has bucket @i anything for the GC: an expired session, or a dynamic
 * entry left without sessions? Looked at under RCU, without the lock,
 * which most buckets of a large table then never take.
 */
static bool gc_due(struct nat64_maptable *mt, unsigned int i, const u32 *to,
		   u32 now)
{
	const struct nat64_session *s;
	const struct nat64_bib *b;

	rcu_read_lock();
	hlist_for_each_entry_rcu(b, &mt->h6[i], node6) {
		if (!b->is_static && hlist_empty(&b->sessions))
			goto due;
		hlist_for_each_entry_rcu(s, &b->sessions, node)
			if (sess_left(s, to[sess_timeout(b->proto,
							 READ_ONCE(s->state))],
				      now) <= 0)
				goto due;
	}
	rcu_read_unlock();
	return false;
due:
	rcu_read_unlock();
	return true;
}

/*
 * The GC: each run ages a slice of the buckets, so that one run never
 * takes long and a pass over the table takes gc_runs_per_pass() runs.
 */
static void maps_gc(struct work_struct *work)
{
	struct nat64_net *nn = container_of(to_delayed_work(work),
					    struct nat64_net, gc_work);
	struct nat64_maptable *mt = rcu_dereference_protected(nn->maps, 1);
	struct sweep aged = { .expired = true };
	unsigned int slice = max_t(unsigned int, GC_MIN_BUCKETS,
				   (mt->mask + 1) / gc_runs_per_pass(nn));
	unsigned int i, n = 0;
	u32 to[NAT64_TO_COUNT], now = jiffies;

	for (i = 0; i < NAT64_TO_COUNT; i++)
		to[i] = READ_ONCE(nn->timeout[i]) * HZ;
	for (i = 0; i < slice; i++) {
		/* An empty bucket costs a load, not a call. */
		if (!hlist_empty(&mt->h6[mt->gc_next]) &&
		    gc_due(mt, mt->gc_next, to, now))
			n += sweep_bucket(nn, mt, mt->gc_next, &aged);
		mt->gc_next = (mt->gc_next + 1) & mt->mask;
		if (!(i & 255))
			cond_resched();
	}
	reaper_flush(&aged.rp);
	if (n)
		this_cpu_add(nn->stats[NAT64_STAT_SESSIONS_EXPIRED], n);
	nat64_blk_interim(nn, mt);
	nat64_synq_expire(nn);
	queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
			   GC_INTERVAL);
}

/*
 * Flush the sessions made through rule id @rule and the BIB entries it
 * made (all dynamic ones if 0; the static ones too if @statics). The
 * caller made sure no new ones can be made through it (it is unpublished
 * and a grace period has passed).
 */
void nat64_maps_flush(struct nat64_net *nn, u8 rule, bool statics)
{
	struct sweep sw = { .rule = rule, .statics = statics };
	struct nat64_maptable *mt;

	mt = rcu_dereference_protected(nn->maps,
				       lockdep_is_held(&nn->config_lock));
	if (mt)
		maps_sweep(nn, mt, &sw);
}

/*
 * Remove dynamic entry @o, found under RCU with no bucket lock held, if
 * it is still there.
 */
static void bib_evict(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_bib *o, struct reaper *rp)
{
	spinlock_t *l6 = lock6(mt, hash6(nn, o->proto, &o->addr6, o->port6));
	struct nat64_ev ev;
	bool gone = false;

	spin_lock_bh(l6);
	if (!o->dead) {
		nat64_ev_fill(nn, &ev, NAT64_EVENT_MAPPING_REMOVED, o, NULL);
		bib_remove(nn, mt, o, rp);
		gone = true;
	}
	spin_unlock_bh(l6);
	if (gone && nat64_ev_wanted(nn))
		nat64_ev_report(nn, &ev);
}

/* Link @b at @addr4:@port4 unless that is taken; under @b's IPv6 lock. */
static bool bib_link4_sync(struct nat64_net *nn, struct nat64_maptable *mt,
			   struct nat64_bib *b, __be32 addr4, u16 port4)
{
	u32 h = hash4(nn, b->proto, addr4, port4);
	spinlock_t *lock = lock4(mt, h);
	bool ok = false;

	spin_lock(lock);
	if (!nat64_bib_find4(nn, mt, b->proto, addr4, port4)) {
		b->addr4 = addr4;
		b->port4 = port4;
		hlist_add_head_rcu(&b->node4, &mt->h4[h & mt->mask]);
		ok = true;
	}
	spin_unlock(lock);
	return ok;
}

/* The range of @pool that holds @addr4:@port4 for @proto, or NULL. */
static const struct nat64_prange *sync_range(struct nat64_pool *pool,
					     u8 proto, __be32 addr4, u16 port4)
{
	const struct nat64_pranges *rs = rcu_dereference(pool->ranges);
	u32 a = ntohl(addr4);
	unsigned int k;

	for (k = 0; k < rs->n; k++) {
		const struct nat64_prange *pr = &rs->r[k];

		if ((pr->protos & BIT(proto)) && a - pr->r.addr < pr->r.naddr &&
		    port4 >= pr->r.port_lo && port4 <= pr->r.port_hi)
			return pr;
	}
	return NULL;
}

/*
 * Link new entry @b at @addr4:@port4 for sync, in range @pr (maybe
 * NULL), a block of it (*@bev) if it is a block range; @sub counted.
 */
static int sync_link4(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_bib *b, const struct nat64_prange *pr,
		      struct nat64_subscriber *sub, u32 shash, __be32 addr4,
		      u16 port4, struct nat64_blkev *bev)
{
	int err;

	if (pr && pr->quiet)
		b->flags |= BIB_F_QUIET;
	if (!pr || !pr->blk)
		return bib_link4_sync(nn, mt, b, addr4, port4) ? 0 : -EEXIST;
	if (!pr->bm || !sub)
		return -EEXIST;
	spin_lock(sub_lock(mt, shash));
	err = nat64_blk_take_at(nn, mt, sub, b, pr->bm, ntohl(addr4), port4,
				bev);
	spin_unlock(sub_lock(mt, shash));
	if (!err)
		b->flags |= BIB_F_BLOCK;
	return err;
}

/* The errno of a refusal counted as @why. */
static int stat_errno(enum nat64_stat why)
{
	return why == NAT64_STAT_DROP_NOMEM ? -ENOMEM : -ENOSPC;
}

int nat64_sess_sync(struct nat64_net *nn, struct nat64_maptable *mt,
		    const struct nat64_rule *rule, const struct nat64_flow *f,
		    __be32 addr4, u16 port4, int state, u32 left, bool *added)
{
	u32 h = hash6(nn, f->proto, f->addr6, f->port6), to, last, shash;
	u8 st = f->proto == XL_TCP ? (state < 0 ? TCPS_V6_INIT : state) : 0;
	spinlock_t *lock = lock6(mt, h);
	const struct nat64_prange *pr;
	struct nat64_subscriber *sub;
	struct nat64_session *s, *old;
	struct nat64_bib *b, *nb = NULL;
	struct nat64_blkev bev = {};
	enum nat64_stat why = 0;
	int err = -EEXIST;

	to = READ_ONCE(nn->timeout[sess_timeout(f->proto, st)]) * HZ;
	last = (u32)jiffies - (to - min(left, to));
	s = sess_alloc(nn, mt, rule->id, f->raddr, f->rport, st, &why);
	if (!s)
		return stat_errno(why);
	s->last_used = last;
	s->synced = 1;
	*added = false;
	spin_lock_bh(lock);
	b = nat64_bib_find6(nn, mt, f->proto, f->addr6, f->port6);
	if (b) {
		if (b->addr4 != addr4 || b->port4 != port4)
			goto err;
		old = nat64_sess_find(nn, mt, b, f->raddr, f->rport);
		if (old) {
			/* A refresh: the later use wins; so does the state. */
			if (f->proto == XL_TCP && state >= 0)
				WRITE_ONCE(old->state, state);
			if ((s32)(last - READ_ONCE(old->last_used)) > 0)
				WRITE_ONCE(old->last_used, last);
			spin_unlock_bh(lock);
			sess_free(mt, s);
			return 0;
		}
		why = sess_admit(nn, mt, b);
		if (why) {
			err = stat_errno(why);
			goto err;
		}
	} else {
		nb = bib_new(mt, f, rule->id);
		if (!nb) {
			err = -ENOMEM;
			goto err;
		}
		pr = sync_range(rule->pool, f->proto, addr4, port4);
		why = sub_get(nn, mt, nb, pr && pr->blk, &sub, &shash);
		if (why) {
			kmem_cache_free(bib_cache, nb);
			err = stat_errno(why);
			goto err;
		}
		err = sync_link4(nn, mt, nb, pr, sub, shash, addr4, port4,
				 &bev);
		if (err) {
			sub_sessions(nn, mt, nb, -1);
			sub_put(nn, mt, nb);
			kmem_cache_free(bib_cache, nb);
			goto err;
		}
		hlist_add_head_rcu(&nb->node6, &mt->h6[h & mt->mask]);
		atomic_inc(&mt->nbib);
		b = nb;
	}
	sess_link(nn, mt, b, s);
	spin_unlock_bh(lock);
	if (bev.type)
		nat64_blk_report(nn, &bev);
	if (nb)
		nat64_stat_inc(nn, NAT64_STAT_MAPPINGS_CREATED);
	*added = true;
	return 0;

err:
	spin_unlock_bh(lock);
	sess_free(mt, s);
	return err;
}

int nat64_sess_unsync(struct nat64_net *nn, struct nat64_maptable *mt,
		      const struct nat64_flow *f)
{
	spinlock_t *lock = lock6(mt, hash6(nn, f->proto, f->addr6, f->port6));
	struct nat64_ev ev[2];
	struct reaper rp = {};
	struct nat64_session *s;
	struct nat64_bib *b;
	unsigned int n = 0, i;

	spin_lock_bh(lock);
	b = nat64_bib_find6(nn, mt, f->proto, f->addr6, f->port6);
	s = b ? nat64_sess_find(nn, mt, b, f->raddr, f->rport) : NULL;
	if (!s) {
		spin_unlock_bh(lock);
		return -ENOENT;
	}
	nat64_ev_fill(nn, &ev[n], NAT64_EVENT_SESSION_REMOVED, b, s);
	ev[n++].synced = 1;
	sess_remove(nn, mt, b, s, &rp);
	if (!b->is_static && hlist_empty(&b->sessions)) {
		nat64_ev_fill(nn, &ev[n++], NAT64_EVENT_MAPPING_REMOVED, b, NULL);
		bib_remove(nn, mt, b, &rp);
	}
	spin_unlock_bh(lock);
	reaper_flush(&rp);
	if (nat64_ev_wanted(nn))
		for (i = 0; i < n; i++)
			nat64_ev_report(nn, &ev[i]);
	return 0;
}

int nat64_bib_add_static(struct nat64_net *nn, u8 proto,
			 const struct in6_addr *addr6, u16 port6,
			 __be32 addr4, u16 port4, bool evict,
			 struct netlink_ext_ack *extack)
{
	struct nat64_maptable *mt;
	struct nat64_bib *b, *o;
	struct reaper rp = {};
	spinlock_t *l6, *l4;
	u32 h6, h4;
	int err = 0;

	lockdep_assert_held(&nn->config_lock);
	mt = rcu_dereference_protected(nn->maps, 1);
	if (!mt) {
		NL_SET_ERR_MSG(extack, "no rule yet: add a pool and a rule first");
		return -ENOENT;
	}
	b = kmem_cache_zalloc(bib_cache, GFP_KERNEL |
			      (evict ? __GFP_NOFAIL : 0));
	if (!b)
		return -ENOMEM;
	b->addr6 = *addr6;
	b->port6 = port6;
	b->addr4 = addr4;
	b->port4 = port4;
	b->proto = proto;
	b->is_static = 1;
	INIT_HLIST_HEAD(&b->sessions);
	h6 = hash6(nn, proto, addr6, port6);
	h4 = hash4(nn, proto, addr4, port4);
	l6 = lock6(mt, h6);
	l4 = lock4(mt, h4);
	/*
	 * With @evict, dynamic entries holding either side go (a roll-back
	 * puts back static entries whose sides packets may have taken
	 * meanwhile). Each is removed under its own locks, after which
	 * this starts over.
	 */
	rcu_read_lock();
again:
	spin_lock_bh(l6);
	spin_lock(l4);
	o = nat64_bib_find6(nn, mt, proto, addr6, port6);
	if (o) {
		if (!evict || o->is_static) {
			NL_SET_ERR_MSG(extack,
				       "that IPv6 address and port have a mapping already");
			err = -EEXIST;
		}
		goto evict;
	}
	o = nat64_bib_find4(nn, mt, proto, addr4, port4);
	if (o) {
		if (!evict || o->is_static) {
			NL_SET_ERR_MSG(extack,
				       "that IPv4 address and port are mapped already");
			err = -EEXIST;
		}
		goto evict;
	}
	hlist_add_head_rcu(&b->node4, &mt->h4[h4 & mt->mask]);
	hlist_add_head_rcu(&b->node6, &mt->h6[h6 & mt->mask]);
	atomic_inc(&mt->nbib);
	spin_unlock(l4);
	spin_unlock_bh(l6);
	rcu_read_unlock();
	reaper_flush(&rp);
	return 0;
evict:
	spin_unlock(l4);
	spin_unlock_bh(l6);
	if (!err) {
		bib_evict(nn, mt, o, &rp);
		goto again;
	}
	rcu_read_unlock();
	reaper_flush(&rp);
	kmem_cache_free(bib_cache, b);
	return err;
}

int nat64_bib_del_static(struct nat64_net *nn, u8 proto,
			 const struct in6_addr *addr6, u16 port6,
			 __be32 addr4, u16 port4,
			 struct netlink_ext_ack *extack)
{
	struct reaper rp = {};
	struct nat64_maptable *mt;
	struct nat64_bib *b;
	spinlock_t *l6;
	int err = 0;

	lockdep_assert_held(&nn->config_lock);
	mt = rcu_dereference_protected(nn->maps, 1);
	if (!mt) {
		NL_SET_ERR_MSG(extack, "no such static mapping");
		return -ENOENT;
	}
	l6 = lock6(mt, hash6(nn, proto, addr6, port6));
	spin_lock_bh(l6);
	b = nat64_bib_find6(nn, mt, proto, addr6, port6);
	if (!b || !b->is_static || b->addr4 != addr4 || b->port4 != port4) {
		NL_SET_ERR_MSG(extack, "no such static mapping");
		err = -ENOENT;
	} else {
		bib_remove(nn, mt, b, &rp);
	}
	spin_unlock_bh(l6);
	reaper_flush(&rp);
	return err;
}

void nat64_maps_gc_init(struct nat64_net *nn)
{
	INIT_DELAYED_WORK(&nn->gc_work, maps_gc);
}

/* Allocate the tables (with the namespace's first rule). */
int nat64_maps_init(struct nat64_net *nn)
{
	unsigned int bits = clamp(map_buckets_log, 10U, 22U), i;
	struct nat64_maptable *mt;

	lockdep_assert_held(&nn->config_lock);
	if (rcu_access_pointer(nn->maps))
		return 0;
	mt = kzalloc(sizeof(*mt), GFP_KERNEL_ACCOUNT);
	if (!mt)
		return -ENOMEM;
	mt->mask = (1U << bits) - 1;
	mt->h6 = kvcalloc(1U << bits, sizeof(*mt->h6), GFP_KERNEL_ACCOUNT);
	mt->h4 = kvcalloc(1U << bits, sizeof(*mt->h4), GFP_KERNEL_ACCOUNT);
	mt->subs = kvcalloc(1U << bits, sizeof(*mt->subs), GFP_KERNEL_ACCOUNT);
	mt->hs = kvcalloc(1U << bits, sizeof(*mt->hs), GFP_KERNEL_ACCOUNT);
	if (!mt->h6 || !mt->h4 || !mt->subs || !mt->hs) {
		kvfree(mt->h6);
		kvfree(mt->h4);
		kvfree(mt->subs);
		kvfree(mt->hs);
		kfree(mt);
		return -ENOMEM;
	}
	/*
	 * Entries are made in softirq, where no task's cgroup is the right
	 * one: they are charged to the cgroup of whoever set the
	 * namespace up (this is its first commit), as the tables are.
	 */
	mt->memcg = get_mem_cgroup_from_mm(current->mm);
	for (i = 0; i < NAT64_MAP_LOCKS; i++) {
		spin_lock_init(&mt->locks6[i]);
		spin_lock_init(&mt->locks4[i]);
	}
	for (i = 0; i < NAT64_SUB_LOCKS; i++)
		spin_lock_init(&mt->sub_locks[i]);
	for (i = 0; i < NAT64_SESS_LOCKS; i++)
		spin_lock_init(&mt->locks_s[i]);
	rcu_assign_pointer(nn->maps, mt);
	queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
			   GC_INTERVAL);
	return 0;
}

/* Namespace exit: no hooks, no netlink callers are left. */
void nat64_maps_uninit(struct nat64_net *nn)
{
	struct nat64_maptable *mt = rcu_dereference_protected(nn->maps, 1);
	struct sweep all = { .statics = true };
	unsigned int i;

	if (!mt)
		return;
	cancel_delayed_work_sync(&nn->gc_work);
	maps_sweep(nn, mt, &all);
	RCU_INIT_POINTER(nn->maps, NULL);
	/* The sessions and entries are freed by RCU callbacks. */
	rcu_barrier();
	for (i = 0; i <= mt->mask; i++) {
		WARN_ON_ONCE(!hlist_empty(&mt->subs[i]));
		WARN_ON_ONCE(rcu_access_pointer(mt->hs[i]));
	}
	kvfree(mt->hs);
	kvfree(mt->h6);
	kvfree(mt->h4);
	kvfree(mt->subs);
	mem_cgroup_put(mt->memcg);
	kfree(mt);
}

int nat64_maps_module_init(void)
{
	if (!max_sessions)
		max_sessions = min_t(u64, U32_MAX, (u64)totalram_pages() *
				     (PAGE_SIZE / 4 / NAT64_SESSION_COST));
	/* Charged to the namespace's memory cgroup (nat64_memcg_enter()). */
	bib_cache = KMEM_CACHE(nat64_bib, SLAB_ACCOUNT);
	sess_cache = KMEM_CACHE(nat64_session, SLAB_ACCOUNT);
	sub_cache = KMEM_CACHE(nat64_subscriber, SLAB_ACCOUNT);
	if (!bib_cache || !sess_cache || !sub_cache) {
		kmem_cache_destroy(bib_cache);
		kmem_cache_destroy(sess_cache);
		kmem_cache_destroy(sub_cache);
		return -ENOMEM;
	}
	return 0;
}

void nat64_maps_module_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(bib_cache);
	kmem_cache_destroy(sess_cache);
	kmem_cache_destroy(sub_cache);
}
