/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stateful tables of RFC 6146 §3: per protocol, the Binding
 * Information Base (BIB: which IPv4 transport address, a pool address and
 * port or ICMP identifier, an IPv6 transport address is translated to,
 * whatever the destination: endpoint-independent mapping) and, under each
 * BIB entry, its sessions (one per IPv4 peer it talks to).
 *
 * Two hash tables find a BIB entry from either side; its sessions hang
 * off it in a short list. Lookups are RCU. Writers take the lock of the
 * entry's IPv6 bucket (which also guards its session list) and, to link
 * or unlink it on the IPv4 side, the IPv4 bucket's lock: always in that
 * order. A BIB entry created dynamically lives while it has sessions;
 * a static one until it is deleted.
 */
#ifndef _NAT64_MAPPING_H
#define _NAT64_MAPPING_H

#include <linux/in6.h>
#include <linux/memcontrol.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>

#include "nat64.h"
#include "tcpfsm.h"
#include "xlat.h"

#define NAT64_MAP_LOCKS	1024
/* Held briefly, inside a BIB bucket's lock, to link or unlink a session. */
#define NAT64_SESS_LOCKS	256

/*
 * What a session costs, counting its share of a BIB entry and of the
 * buckets, for the defaults of the session limits (scaled to RAM).
 */
#define NAT64_SESSION_COST	128

/* The IPPROTO_* number of each enum xl_proto, as netlink carries it. */
extern const u8 nat64_ipproto[XL_NPROTO];

/*
 * No rcu_head in these two: removed ones are chained through their
 * node's pprev and freed in batches after a grace period (mapping.c).
 * Rules are named by id and time is 32 bits of jiffies (the longest
 * timeout, a week, is far below 2^31 jiffies): a session is 48 bytes, a
 * BIB entry 72.
 */
struct nat64_session {
	struct hlist_node node;		/* bib->sessions, under its lock */
	/*
	 * maptable.hs, under its lock (and the BIB entry's): the lookup by
	 * (BIB entry, IPv4 peer, port). Singly linked: 8 bytes, not 16.
	 */
	struct nat64_session __rcu *hnext;
	const struct nat64_bib *bib;	/* the entry it belongs to */
	__be32 raddr;			/* the IPv4 peer */
	u32 last_used;			/* jiffies, WRITE_ONCE/READ_ONCE */
	u16 rport;			/* its port, host order; ICMP: 0 */
	u8 state;			/* TCP: enum tcp_state */
	u8 dead;			/* unlinked: do not touch */
	u8 rule;			/* id of the rule whose prefix the
					 * IPv6 side used
					 */
	u8 synced;			/* made by session sync */
};

struct nat64_bib {
	struct hlist_node node6;	/* maptable.h6, under locks6 */
	struct hlist_node node4;	/* maptable.h4, under locks4 */
	struct hlist_head sessions;	/* under the node6 bucket's lock */
	struct in6_addr addr6;
	__be32 addr4;
	u16 port6, port4;		/* host order; ICMP: identifiers */
	u8 proto;			/* enum xl_proto */
	u8 is_static;
	u8 dead;			/* unlinked: add no sessions */
	u8 flags;			/* BIB_F_* */
	u8 sub_plen;			/* counted: of that prefix length */
	u8 rule;			/* id of the rule that made it
					 * (0: static)
					 */
	u16 nsessions;			/* under the node6 bucket's lock */
};

/* nat64_bib.flags */
#define BIB_F_COUNTED	0x1		/* holds a nat64_subscriber port */
#define BIB_F_BLOCK	0x2		/* ... in one of its blocks */
#define BIB_F_QUIET	0x4		/* no events (NAT64_POOL_A_QUIET) */

/*
 * BIB entries an IPv6 subscriber (prefix) holds and their sessions, for
 * the limits and port blocks: one for each subscriber while a limit is
 * set (the session limit is by default) or it has entries of a block
 * range, so as many buckets as the BIB has.
 */
struct nat64_subscriber {
	struct hlist_node node;		/* maptable.subs, under sub_locks */
	struct in6_addr prefix;
	u8 plen;
	/*
	 * Per protocol: how many of the oldest blocks are known full for
	 * it or closed, so that a new mapping need not look at them (a
	 * lower bound: 0 is always right).
	 */
	u16 skip[XL_NPROTO];
	u32 nports;
	u32 nsessions;			/* of its counted entries */
	struct list_head blocks;	/* struct nat64_block, oldest first */
	u32 refused;			/* mappings refused at BLK_MAX */
};

/*
 * A port block a subscriber holds (block.c), under its subscriber's
 * lock: which of its ports each protocol's entries hold, a bit a port.
 */
struct nat64_block {
	struct list_head node;		/* nat64_subscriber.blocks */
	struct nat64_blockmap *bm;	/* its range's: holds a reference */
	u32 idx;			/* its number in bm */
	__be32 addr4;
	u16 port_lo;			/* .. port_lo + bm->size - 1 */
	u32 used;			/* BIB entries in it */
	u32 nused[XL_NPROTO];		/* ... of each protocol */
	u32 since;			/* jiffies: allocated */
	u32 announced;			/* jiffies: last event */
	unsigned long bits[];		/* [XL_NPROTO][BITS_TO_LONGS(size)] */
};

/*
 * The blocks of a block range: which are held (a bit each), and its
 * settings, fixed. Freed once no range and no block refers to it.
 */
struct nat64_blockmap {
	refcount_t ref;
	struct rcu_head rcu;
	struct pa_range r;		/* addresses and ports */
	u16 size, max;			/* BLK_SIZE, BLK_MAX */
	u32 timeout, interim;		/* jiffies; 0: none */
	u32 per_addr;			/* blocks an address */
	u32 nblocks;			/* in all */
	u8 protos;			/* BIT(enum xl_proto) served */
	u8 quiet;
	char pool[NAT64_NAME_MAX];
	atomic_t used;			/* blocks held */
	atomic_t at_max;		/* subscribers holding max of them */
	atomic64_t refused;		/* mappings refused at max */
	unsigned long map[];		/* [BITS_TO_LONGS(nblocks)] */
};

/* A block event, taken under a lock, reported after (or NULL type). */
struct nat64_blkev {
	u8 type;			/* enum nat64_event; 0: none */
	u8 plen, protos;
	struct in6_addr prefix;
	__be32 addr4;
	u16 port_lo, port_hi;
	char pool[NAT64_NAME_MAX];
};

#define NAT64_SUB_LOCKS		1024

struct nat64_maptable {
	unsigned int mask;		/* buckets - 1 */
	struct mem_cgroup *memcg;	/* charged for the entries */
	atomic_t nbib;
	atomic_t nsessions;
	atomic_t gen;			/* bumped on every removal, for dumps */
	unsigned int gc_next;		/* next bucket the GC looks at */
	struct hlist_head *h6, *h4;
	struct nat64_session __rcu **hs;	/* [mask + 1]: sessions */
	spinlock_t locks6[NAT64_MAP_LOCKS];
	spinlock_t locks4[NAT64_MAP_LOCKS];
	spinlock_t locks_s[NAT64_SESS_LOCKS];	/* inside a locks6 lock */
	struct hlist_head *subs;	/* [mask + 1] */
	spinlock_t sub_locks[NAT64_SUB_LOCKS];
	atomic_t nblocks;		/* port blocks held */
	atomic_t ninterim;		/* ... of ranges with interim events */
	unsigned long interim_next;	/* jiffies: next look for interims */
};

/* What a new session's IPv6 side looks like (6to4 packet's addresses). */
struct nat64_flow {
	u8 proto;			/* enum xl_proto */
	const struct in6_addr *addr6;	/* IPv6 host */
	u16 port6;
	__be32 raddr;			/* IPv4 peer */
	u16 rport;			/* 0 for ICMP */
};

/*
 * An event (enum nat64_event) of a BIB entry or session: a copy, taken
 * where it happened (maybe under a bucket lock), reported after.
 */
struct nat64_ev {
	struct in6_addr addr6;
	__be32 addr4, raddr;
	u16 port6, port4, rport;	/* host order; rport 0 for ICMP */
	u8 type;			/* enum nat64_event */
	u8 proto;			/* enum xl_proto */
	u8 quiet;			/* BIB_F_QUIET: neither logged nor sent */
	u8 has4;			/* addr4, port4 known */
	u8 session;			/* raddr, rport known */
	u8 synced;			/* NAT64_A_SYNCED */
	u32 reason;			/* refused: NAT64_STAT_* */
	struct in6_addr raddr6;		/* raddr in the rule's prefix */
	char rule[NAT64_NAME_MAX];	/* "" if none */
	char pool[NAT64_NAME_MAX];	/* the rule's pool, or "" */
};

/* block.c, under the subscriber's lock (sub_locks) */
/*
 * A port of @sub's blocks of @bm for @b (whose IPv6 side hashes to
 * @khash; @sub's prefix to @shash), linked into the IPv4 table; a new
 * block if need be, described in @ev. 0, or why there is none.
 */
enum nat64_stat nat64_blk_take(struct nat64_net *nn, struct nat64_maptable *mt,
			       struct nat64_subscriber *sub, struct nat64_bib *b,
			       struct nat64_blockmap *bm, u32 khash, u32 shash,
			       struct nat64_blkev *ev);
/*
 * Session sync: @b takes @addr:@port (host order) of @bm, and @sub the
 * block that holds it, claimed if it is free (new: @ev). 0, -EINVAL
 * (not a port of @bm), -EEXIST (another subscriber's block, or the
 * port is taken), -ENOMEM.
 */
int nat64_blk_take_at(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_subscriber *sub, struct nat64_bib *b,
		      struct nat64_blockmap *bm, u32 addr, u16 port,
		      struct nat64_blkev *ev);
/* @b goes: give its port back; its block too if it was the last (@ev). */
void nat64_blk_give(struct nat64_net *nn, struct nat64_maptable *mt,
		    struct nat64_subscriber *sub, const struct nat64_bib *b,
		    struct nat64_blkev *ev);
/* Interim events due: those of @mt's subscribers' blocks. */
void nat64_blk_interim(struct nat64_net *nn, struct nat64_maptable *mt);
/* Does @blk take new mappings at @now (BLK_TIMEOUT)? */
bool nat64_blk_open(const struct nat64_block *blk, u32 now);
/* The bytes a block of @bm takes. */
size_t nat64_blk_bytes(const struct nat64_blockmap *bm);

/*
 * mapping.c: link @b into the IPv4 table at @addr:@port (host order)
 * unless it is taken or (@local: the address is the translator's) its
 * own socket's; called under @b's IPv6 bucket lock.
 */
bool nat64_bib_link4_at(struct nat64_net *nn, struct nat64_maptable *mt,
			struct nat64_bib *b, u32 addr, u16 port, bool local);
/* Charge what is allocated from here on to @mt's memory cgroup. */
static inline struct mem_cgroup *nat64_memcg_enter(struct nat64_maptable *mt)
{
	return set_active_memcg(mt->memcg);
}

static inline void nat64_memcg_leave(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

/* event.c */
/* Log and send a block event (@ev->type not 0). */
void nat64_blk_report(struct nat64_net *nn, const struct nat64_blkev *ev);
/* Fill @ev for event @type of @b and, for session events, @s. */
void nat64_ev_fill(struct nat64_net *nn, struct nat64_ev *ev, u8 type,
		   const struct nat64_bib *b, const struct nat64_session *s);
/* Log and send @ev as the settings and listeners want. */
void nat64_ev_report(struct nat64_net *nn, const struct nat64_ev *ev);
/*
 * A packet of @f, of @rule (if known), wanted a new BIB entry (@b NULL)
 * or a new session of @b, and got none because of @why: count it, tell
 * listeners.
 */
void nat64_ev_refused(struct nat64_net *nn, const struct nat64_flow *f,
		      const struct nat64_rule *rule, const struct nat64_bib *b,
		      enum nat64_stat why);

int nat64_maps_module_init(void);
void nat64_maps_module_exit(void);
void nat64_maps_gc_init(struct nat64_net *nn);
int nat64_maps_init(struct nat64_net *nn);
void nat64_maps_uninit(struct nat64_net *nn);
void nat64_maps_flush(struct nat64_net *nn, u8 rule, bool statics);

struct nat64_bib *nat64_bib_find6(struct nat64_net *nn,
				  struct nat64_maptable *mt, u8 proto,
				  const struct in6_addr *addr6, u16 port6);
struct nat64_bib *nat64_bib_find4(struct nat64_net *nn,
				  struct nat64_maptable *mt, u8 proto,
				  __be32 addr4, u16 port4);
/*
 * @b's session with IPv4 peer @raddr:@rport: a walk of @b's sessions
 * while they are few (up to 8), else one bucket of a keyed hash table.
 * Under RCU or @b's bucket lock.
 */
struct nat64_session *nat64_sess_find(struct nat64_net *nn,
				      struct nat64_maptable *mt,
				      const struct nat64_bib *b,
				      __be32 raddr, u16 rport);
/* Does @b have a session with IPv4 peer @raddr (any port)? */
bool nat64_bib_knows(const struct nat64_bib *b, __be32 raddr);

/*
 * The session of @f, made with its BIB entry if need be (the BIB entry's
 * IPv4 side from @rule's pool). NULL, with *@why, if none can be had.
 */
struct nat64_session *nat64_sess_create6(struct nat64_net *nn,
					 struct nat64_maptable *mt,
					 struct nat64_rule *rule,
					 const struct nat64_flow *f,
					 u8 state, struct nat64_bib **bibp,
					 enum nat64_stat *why);
/* A session of @b with IPv4 peer @raddr:@rport, IPv4 initiated. */
struct nat64_session *nat64_sess_create4(struct nat64_net *nn,
					 struct nat64_maptable *mt,
					 struct nat64_bib *b, u8 rule,
					 __be32 raddr, u16 rport, u8 state,
					 enum nat64_stat *why);

/*
 * Session sync (NAT64_CMD_SESSION_ADD): make @f's session, its BIB entry
 * at @addr4:@port4 (which the caller found in @rule's pool), or refresh
 * it: TCP state @state (-1: keep, or V6_INIT for a new one), @left
 * jiffies to live (capped at the state's timeout). *@added says which.
 * 0, -EEXIST (either side mapped otherwise), -ENOSPC, -ENOMEM.
 */
int nat64_sess_sync(struct nat64_net *nn, struct nat64_maptable *mt,
		    const struct nat64_rule *rule, const struct nat64_flow *f,
		    __be32 addr4, u16 port4, int state, u32 left, bool *added);
/* NAT64_CMD_SESSION_DEL: remove @f's session; 0 or -ENOENT. */
int nat64_sess_unsync(struct nat64_net *nn, struct nat64_maptable *mt,
		      const struct nat64_flow *f);

/* Is @addr:@port (@proto, enum xl_proto) the translator's own socket's? */
bool nat64_host_owns(struct net *net, u8 proto, __be32 addr, u16 port);

/*
 * Add a static entry; with @evict (a roll-back's), dynamic entries that
 * hold either side are removed first, and it cannot fail.
 */
int nat64_bib_add_static(struct nat64_net *nn, u8 proto,
			 const struct in6_addr *addr6, u16 port6,
			 __be32 addr4, u16 port4, bool evict,
			 struct netlink_ext_ack *extack);
int nat64_bib_del_static(struct nat64_net *nn, u8 proto,
			 const struct in6_addr *addr6, u16 port6,
			 __be32 addr4, u16 port4,
			 struct netlink_ext_ack *extack);

/* Write the timestamp only when it changes: keeps the line shared. */
static inline void nat64_sess_touch(struct nat64_session *s)
{
	u32 now = jiffies;

	if (READ_ONCE(s->last_used) != now)
		WRITE_ONCE(s->last_used, now);
}

/* Jiffies until @s expires if idle (0 if it already has). */
unsigned long nat64_sess_remaining(struct nat64_net *nn, u8 proto,
				   const struct nat64_session *s);
/* The latest expiry among @b's sessions (under RCU). */
unsigned long nat64_bib_remaining(struct nat64_net *nn,
				  const struct nat64_bib *b);

#endif /* _NAT64_MAPPING_H */
