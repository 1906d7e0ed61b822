/* SPDX-License-Identifier: GPL-2.0 */
/* nat64: per-network-namespace state shared by the glue files. */
#ifndef _NAT64_NAT64_H
#define _NAT64_NAT64_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/nat64.h>

#include "portalloc.h"

#define NAT64_VERSION "0.1.0"

/* One range of a pool: addresses, ports, protocols, allocation. */
struct nat64_prange {
	struct pa_range r;
	u8 protos;			/* BIT(enum xl_proto) it serves */
	u8 sequential;			/* alloc sequential (else random) */
	u8 plen;			/* as configured: ADDR/LEN, */
	u32 last;			/* ... or ADDR-LAST (host order) */
	atomic_t next;			/* sequential: index to try first */
};

/* A pool's ranges: replaced whole when one is added, read under RCU. */
struct nat64_pranges {
	unsigned int n;
	struct rcu_head rcu;
	struct nat64_prange r[];
};

/*
 * A pool: IPv4 addresses and ports that IPv6 hosts are translated to.
 * Freed after a grace period.
 */
struct nat64_pool {
	struct list_head list;		/* nat64_net.pools, under config_lock */
	char name[NAT64_NAME_MAX];
	struct nat64_pranges __rcu *ranges;	/* written under config_lock */
	unsigned int users;		/* rules using it, under config_lock */
	struct rcu_head rcu;
};

/*
 * A rule: IPv6 packets to prefix/plen (from src/src_plen, if src_plen is
 * not 0) are translated with pool.
 */
struct nat64_rule {
	char name[NAT64_NAME_MAX];
	u8 prefix[16];
	u8 plen;
	u8 src_plen;			/* 0: any source */
	u8 src[16];
	struct nat64_pool *pool;	/* holds a users count */
	struct rcu_head rcu;
};

/* The published set of rules: replaced whole, read under RCU. */
struct nat64_ruleset {
	unsigned int n;
	struct rcu_head rcu;
	struct nat64_rule *rule[];
};

struct nat64_maptable;

/* Idle timeouts, each a NAT64_CONFIG_A_TIMEOUT_* setting. */
enum nat64_timeout {
	NAT64_TO_UDP,
	NAT64_TO_TCP_EST,
	NAT64_TO_TCP_TRANS,
	NAT64_TO_ICMP,
	NAT64_TO_SYN,			/* unsolicited IPv4 SYN kept */
	NAT64_TO_COUNT
};

struct nat64_net {
	struct net *net;
	struct mutex config_lock;	/* pools, rules, hooks, table setup */
	struct list_head pools;		/* under config_lock */
	unsigned int npools;
	struct nat64_ruleset __rcu *rules;	/* written under config_lock */
	bool hooks_registered;		/* under config_lock */

	/* Settings: written under config_lock, read with READ_ONCE(). */
	u32 lowest_ipv6_mtu;
	bool clear_df;
	bool reset_tos;
	u32 timeout[NAT64_TO_COUNT];	/* seconds, enum nat64_timeout */
	bool filter_addr;		/* address-dependent filtering */
	bool drop_ext_tcp;		/* drop IPv4-initiated TCP */
	u32 limit_sessions;		/* most sessions held */
	u32 limit_ports;		/* per subscriber; 0: no limit */
	u8 subscriber_plen;		/* a subscriber is a /subscriber_plen */
	u32 max_stored_syns;
	bool log_mappings;		/* BIB entries to the kernel log */
	bool log_dests;			/* sessions, with destinations */

	/* Refused events: a flood of refusals sends few of them. */
	struct ratelimit_state refused_rs;

	/* Unsolicited IPv4 SYNs kept for a simultaneous open. */
	spinlock_t synq_lock;
	struct list_head synq;		/* oldest first */
	unsigned int synq_len;		/* under synq_lock, read locklessly */

	struct nf_hook_ops hook_ops[2];

	/* Mapping tables, allocated with the first rule. */
	struct nat64_maptable __rcu *maps;
	struct delayed_work gc_work;
	siphash_key_t hash_key;

	u64 __percpu *stats;		/* [NAT64_STAT_MAX + 1] */
};

extern unsigned int nat64_net_id;

static inline struct nat64_net *nat64_pernet(struct net *net)
{
	return net_generic(net, nat64_net_id);
}

static inline void nat64_stat_inc(struct nat64_net *nn, enum nat64_stat s)
{
	this_cpu_inc(nn->stats[s]);
}

u64 nat64_stat_read(struct nat64_net *nn, enum nat64_stat s);

/* config.c */
int nat64_pool_add(struct nat64_net *nn, const char *name,
		   const struct nat64_prange *pr,
		   struct netlink_ext_ack *extack);
int nat64_pool_del(struct nat64_net *nn, const char *name,
		   struct netlink_ext_ack *extack);
int nat64_rule_add(struct nat64_net *nn, const char *name,
		   const u8 prefix[16], u8 plen, const u8 src[16], u8 src_plen,
		   const char *pool, struct netlink_ext_ack *extack);
int nat64_rule_del(struct nat64_net *nn, const char *name,
		   struct netlink_ext_ack *extack);
void nat64_config_flush(struct nat64_net *nn);
bool nat64_addr_in_rule_pool(struct nat64_net *nn, __be32 addr);
void nat64_hooks_off(struct nat64_net *nn);

/* packet.c */
void nat64_hooks_init(struct nat64_net *nn);
void nat64_synq_expire(struct nat64_net *nn);
void nat64_synq_flush(struct nat64_net *nn);

/*
 * Does @pool hold @addr (host order), with @port and for @proto (enum
 * xl_proto) where these are not -1? Under RCU or config_lock.
 */
bool nat64_pool_has(const struct nat64_pool *pool, u32 addr, int port,
		    int proto);

/* netlink.c */
int nat64_genl_init(void);
void nat64_genl_uninit(void);
/* Has the events group a member in @net? */
bool nat64_genl_listening(struct net *net);
/* A NAT64_CMD_EVENT message in @skb: its header, or NULL. */
void *nat64_genl_event_put(struct sk_buff *skb);
/* Send it (consumed) to the events group of @net. */
void nat64_genl_event_send(struct net *net, struct sk_buff *skb);

/* event.c: are events to be made (logged or sent)? */
static inline bool nat64_ev_wanted(struct nat64_net *nn)
{
	return READ_ONCE(nn->log_mappings) || READ_ONCE(nn->log_dests) ||
	       nat64_genl_listening(nn->net);
}

#endif /* _NAT64_NAT64_H */
