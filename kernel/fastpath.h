/* SPDX-License-Identifier: GPL-2.0 */
/* The fast path's output cache: shared by fastpath.c and packet.c. */
#ifndef _NAT64_FASTPATH_H
#define _NAT64_FASTPATH_H

#include <linux/hash.h>
#include <linux/log2.h>
#include <net/dst.h>

#include "nat64.h"

/*
 * What a session's packets going one way need to leave without the
 * other family's routing: the route (referenced; its device, and a
 * cookie for IPv6 routes), its MTU when cached, and what the route was
 * looked up for: the ingress interface, the mark and the routing TOS.
 * Written once, replaced whole; read under RCU.
 */
struct nat64_fpe {
	const struct nat64_session *sess;	/* compared, never followed */
	struct dst_entry *dst;
	u32 cookie;
	u32 mtu;
	u32 mark;
	int iif;
	u32 gen;			/* nat64_net.fp_gen when cached */
	u32 since;			/* jiffies when cached */
	u8 tos;
	struct rcu_head rcu;
};

/*
 * Two-way set-associative: the session's hash picks a set of four
 * slots, two ways of one slot each way (6to4, 4to6); an entry of the
 * session takes either way. With more sessions than the cache holds,
 * a session whose set is full goes on the full path: the cache holds at
 * most NAT64_FASTPATH_SLOTS entries, and no session grows.
 */
struct nat64_fpcache {
	struct nat64_fpe *slot[NAT64_FASTPATH_SLOTS];
};

/* Way 0 of @s going @dir; way 1 is NAT64_FP_WAY1 slots on. */
#define NAT64_FP_WAY1	2

static inline struct nat64_fpe **nat64_fp_slot(struct nat64_fpcache *c,
					       const struct nat64_session *s,
					       unsigned int dir)
{
	return &c->slot[hash_ptr(s, ilog2(NAT64_FASTPATH_SLOTS) - 2) << 2 |
			dir];
}

/* @s's entry going @dir in either way of its set, or NULL. */
static inline struct nat64_fpe *nat64_fp_find(struct nat64_fpcache *c,
					      const struct nat64_session *s,
					      unsigned int dir)
{
	struct nat64_fpe **slot = nat64_fp_slot(c, s, dir);
	struct nat64_fpe *e = READ_ONCE(slot[0]);

	if (e && e->sess == s)
		return e;
	e = READ_ONCE(slot[NAT64_FP_WAY1]);
	return e && e->sess == s ? e : NULL;
}

#endif /* _NAT64_FASTPATH_H */
