/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mappings: which IPv4 transport address (pool address, port or ICMP
 * identifier) an IPv6 transport address is translated to. Two hash tables
 * find a mapping from either side; lookups are RCU, writers take one lock
 * of each side's lock array, always the IPv6 side's first.
 */
#ifndef _NAT64_MAPPING_H
#define _NAT64_MAPPING_H

#include <linux/in6.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>

#include "nat64.h"
#include "xlat.h"

#define NAT64_MAP_LOCKS	256

enum nat64_map_flag {
	NAT64_MF_SEEN4,		/* a packet came back from the IPv4 side */
	NAT64_MF_FIN6,		/* TCP FIN from the IPv6 side */
	NAT64_MF_FIN4,		/* TCP FIN from the IPv4 side */
	NAT64_MF_RST,		/* TCP RST from either side */
};

struct nat64_mapping {
	struct hlist_node node6;	/* maptable.h6, under locks6 */
	struct hlist_node node4;	/* maptable.h4, under locks4 */
	struct in6_addr addr6;
	__be32 addr4;
	u16 port6, port4;		/* host order; ICMP: identifiers */
	u8 proto;			/* enum xl_proto */
	unsigned long flags;		/* enum nat64_map_flag bits */
	unsigned long last_used;	/* jiffies, WRITE_ONCE/READ_ONCE */
	struct nat64_rule *rule;	/* outlives the mapping (RCU) */
	struct rcu_head rcu;
};

struct nat64_maptable {
	unsigned int mask;		/* buckets - 1 */
	atomic_t count;
	atomic_t gen;			/* bumped on every removal, for dumps */
	struct hlist_head *h6, *h4;
	spinlock_t locks6[NAT64_MAP_LOCKS];
	spinlock_t locks4[NAT64_MAP_LOCKS];
};

void nat64_maps_gc_init(struct nat64_net *nn);
int nat64_maps_init(struct nat64_net *nn);
void nat64_maps_uninit(struct nat64_net *nn);
void nat64_maps_flush(struct nat64_net *nn, const struct nat64_rule *rule);

struct nat64_mapping *nat64_map_find6(struct nat64_net *nn,
				      struct nat64_maptable *mt, u8 proto,
				      const struct in6_addr *addr6, u16 port6);
struct nat64_mapping *nat64_map_find4(struct nat64_net *nn,
				      struct nat64_maptable *mt, u8 proto,
				      __be32 addr4, u16 port4);
struct nat64_mapping *nat64_map_create(struct nat64_net *nn,
				       struct nat64_maptable *mt,
				       struct nat64_rule *rule, u8 proto,
				       const struct in6_addr *addr6, u16 port6,
				       enum nat64_stat *why);

/* Write the timestamp only when it changes: keeps the line shared. */
static inline void nat64_map_touch(struct nat64_mapping *m)
{
	unsigned long now = jiffies;

	if (READ_ONCE(m->last_used) != now)
		WRITE_ONCE(m->last_used, now);
}

static inline void nat64_map_flag(struct nat64_mapping *m, int bit)
{
	if (!test_bit(bit, &m->flags))
		set_bit(bit, &m->flags);
}

/* Jiffies until @m expires if idle (0 if it already has). */
unsigned long nat64_map_remaining(struct nat64_net *nn,
				  const struct nat64_mapping *m);

#endif /* _NAT64_MAPPING_H */
