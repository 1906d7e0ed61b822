/* SPDX-License-Identifier: GPL-2.0 */
/* nat64: per-network-namespace state shared by the glue files. */
#ifndef _NAT64_NAT64_H
#define _NAT64_NAT64_H

#include <linux/if.h>
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
	/*
	 * alloc deterministic: det_cfg.prefix and .plen as configured; the
	 * rest of det_cfg and det_shape are filled in when committing.
	 */
	bool det;
	struct pa_det det_cfg;
	struct pa_det_shape det_shape;
	/*
	 * alloc block: as configured (blk_sublen filled in when
	 * committing); bm, in a published range only, holds its blocks
	 * and a reference to them (block.c).
	 */
	bool blk;
	bool quiet;			/* no mapping or session events */
	bool peer;			/* another translator's share */
	u16 blk_size, blk_max;
	u32 blk_timeout, blk_interim;	/* seconds */
	u8 blk_sublen;
	struct nat64_blockmap *bm;
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
	u8 id;				/* its nat64_net.rule_by_id slot */
	bool wkp;			/* prefix is 64:ff9b::/96 (RFC 6052 §3.1) */
	struct rcu_head rcu;
};

/*
 * Sessions and BIB entries name their rule by a one-byte id (0: none),
 * not a pointer. An id is taken when its rule is built and given back
 * after the rule's mappings are flushed, so one commit may hold every
 * old rule's id and every new rule's at once.
 */
#define NAT64_RULE_IDS	(2 * NAT64_MAX_RULES + 1)

/* The published set of rules: replaced whole, read under RCU. */
struct nat64_ruleset {
	unsigned int n;
	struct rcu_head rcu;
	struct nat64_rule *rule[];
};

/* Denied IPv4 networks (NAT64_CMD_DENY_ADD), host order. */
struct nat64_sdeny {
	u32 addr;
	u8 plen;
};

/* The published deny list: replaced whole, read under RCU. */
struct nat64_denyset {
	unsigned int n;
	struct rcu_head rcu;
	struct nat64_sdeny d[];
};

struct nat64_maptable;
struct nat64_spec;
struct nat64_blockmap;

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
	struct nat64_denyset __rcu *deny;	/* written under config_lock */
	/* Every built rule by its id; [0] stays NULL. */
	struct nat64_rule __rcu *rule_by_id[NAT64_RULE_IDS];
	bool hooks_registered;		/* under config_lock */
	/* enum nat64_mode: written under config_lock, read with READ_ONCE() */
	u8 mode;

	/*
	 * The configuration as data (pools, rules, static BIB entries,
	 * settings): what the objects above were built from. A change is
	 * made to a copy, or to the open batch, and committed whole.
	 */
	struct nat64_spec *spec;	/* under config_lock */
	u32 spec_gen;			/* bumped by every commit */
	struct nat64_spec *stage;	/* open batch, or NULL */
	u32 stage_portid;		/* ... of this netlink socket */
	u32 stage_gen;			/* ... begun on spec_gen */

	/* Settings: written under config_lock, read with READ_ONCE(). */
	u32 lowest_ipv6_mtu;
	bool clear_df;
	bool reset_tos;
	u32 timeout[NAT64_TO_COUNT];	/* seconds, enum nat64_timeout */
	bool filter_addr;		/* address-dependent filtering */
	bool drop_ext_tcp;		/* drop IPv4-initiated TCP */
	u32 limit_sessions;		/* most sessions held */
	u32 limit_ports;		/* per subscriber; 0: no limit */
	u32 limit_sess_map;		/* sessions per BIB entry */
	u32 limit_sess_sub;		/* ... per subscriber; 0: no limit */
	u8 subscriber_plen;		/* a subscriber is a /subscriber_plen */
	u32 max_stored_syns;
	bool log_mappings;		/* BIB entries to the kernel log */
	bool log_dests;			/* sessions, with destinations */

	/* The number of the namespace's last event (NAT64_A_SEQ). */
	atomic64_t ev_seq;
	/* Refused events: a flood of refusals sends few of them. */
	struct ratelimit_state refused_rs;
	/* Log lines (log_mappings, log_dests): a flood logs few of them. */
	struct ratelimit_state log_rs;

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

	/*
	 * Fast path (fastpath.c): the hooks on the listed interfaces that
	 * are there (struct nat64_fpdev, under config_lock), the output
	 * cache while any interface is listed, and its generation: an
	 * entry of an older one is stale.
	 */
	struct list_head fp_devs;
	struct nat64_fpcache __rcu *fpc;
	atomic_t fp_gen;
};

extern unsigned int nat64_net_id;

static inline struct nat64_net *nat64_pernet(struct net *net)
{
	return net_generic(net, nat64_net_id);
}

/* The rule of id @id (NULL for 0, or once its mappings were flushed). */
static inline struct nat64_rule *nat64_rule_by_id(struct nat64_net *nn, u8 id)
{
	return rcu_dereference_check(nn->rule_by_id[id],
				     lockdep_is_held(&nn->config_lock));
}

static inline void nat64_stat_inc(struct nat64_net *nn, enum nat64_stat s)
{
	this_cpu_inc(nn->stats[s]);
}

u64 nat64_stat_read(struct nat64_net *nn, enum nat64_stat s);

/* Settings of a namespace (NAT64_CONFIG_A_*), as configured. */
struct nat64_settings {
	u32 lowest_ipv6_mtu;
	bool clear_df;
	bool reset_tos;
	u32 timeout[NAT64_TO_COUNT];
	bool filter_addr;
	bool drop_ext_tcp;
	u32 limit_sessions;
	u32 limit_ports;
	u32 limit_sess_map;
	u32 limit_sess_sub;
	u8 subscriber_plen;
	u32 max_stored_syns;
	u8 mode;			/* enum nat64_mode */
	bool log_mappings;
	bool log_dests;
};

/* A pool, a rule and a static BIB entry of a struct nat64_spec. */
struct nat64_spool {
	char name[NAT64_NAME_MAX];
	unsigned int n;
	struct nat64_prange r[NAT64_MAX_RANGES];
};

struct nat64_srule {
	char name[NAT64_NAME_MAX];
	char pool[NAT64_NAME_MAX];
	u8 prefix[16];
	u8 src[16];			/* zero when src_plen is 0 */
	u8 plen;
	u8 src_plen;
};

struct nat64_sstatic {
	struct in6_addr addr6;
	__be32 addr4;
	u16 port6, port4;
	u8 proto;			/* enum xl_proto */
};

/*
 * A whole configuration, plain data: built and checked aside, then
 * committed (nat64_commit()) in one step.
 */
struct nat64_spec {
	struct nat64_settings set;
	unsigned int npools, nrules, nstatics, cap, ndeny;
	struct nat64_sdeny deny[NAT64_MAX_DENY];
	struct nat64_spool pools[NAT64_MAX_POOLS];
	struct nat64_srule rules[NAT64_MAX_RULES];	/* in match order */
	struct nat64_sstatic *statics;	/* [cap], sorted (sstatic_cmp) */
	unsigned int nfastpath;
	char fastpath[NAT64_MAX_FASTPATH][IFNAMSIZ];	/* interfaces */
};

/* config.c */
int nat64_config_init(struct nat64_net *nn);
void nat64_config_exit(struct nat64_net *nn);
void nat64_hooks_off(struct nat64_net *nn);

/*
 * Changes to a struct nat64_spec. Under config_lock; each checks what it
 * can against the rest of the spec and leaves it as it was on error.
 */
int nat64_spec_pool_add(struct nat64_spec *s, const char *name,
			const struct nat64_prange *pr,
			struct netlink_ext_ack *extack);
int nat64_spec_pool_del(struct nat64_spec *s, const char *name,
			struct netlink_ext_ack *extack);
int nat64_spec_rule_add(struct nat64_spec *s, const struct nat64_srule *r,
			struct netlink_ext_ack *extack);
int nat64_spec_rule_del(struct nat64_spec *s, const char *name,
			struct netlink_ext_ack *extack);
int nat64_spec_static_add(struct nat64_spec *s,
			  const struct nat64_sstatic *st,
			  struct netlink_ext_ack *extack);
int nat64_spec_static_del(struct nat64_spec *s,
			  const struct nat64_sstatic *st,
			  struct netlink_ext_ack *extack);
/* Deny IPv4 network @addr/@plen (host order), or stop denying it. */
int nat64_spec_deny_add(struct nat64_spec *s, u32 addr, u8 plen,
			struct netlink_ext_ack *extack);
int nat64_spec_deny_del(struct nat64_spec *s, u32 addr, u8 plen,
			struct netlink_ext_ack *extack);
/* Is IPv4 address @addr (host order) denied? Under RCU. */
bool nat64_denied(struct nat64_net *nn, u32 addr);
/* Back to the defaults: no pools, rules, static entries or denials. */
void nat64_spec_flush(struct nat64_spec *s);

/*
 * The spec a change is made to: the open batch when @batch (it must be
 * @portid's), else a copy of the committed one that the caller commits
 * with nat64_commit() (or frees with nat64_spec_free()). Under config_lock.
 */
struct nat64_spec *nat64_spec_edit(struct nat64_net *nn, bool batch,
				   u32 portid, struct netlink_ext_ack *extack);
void nat64_spec_free(struct nat64_spec *s);
/*
 * Make the namespace run @s (consumed, whether it works or not). All or
 * nothing: on error the running configuration is the one before.
 */
int nat64_commit(struct nat64_net *nn, struct nat64_spec *s,
		 struct netlink_ext_ack *extack);
int nat64_batch_begin(struct nat64_net *nn, u32 portid,
		      struct netlink_ext_ack *extack);
int nat64_batch_end(struct nat64_net *nn, u32 portid, bool commit,
		    struct netlink_ext_ack *extack);
/* The netlink socket @portid closed: drop its batch. */
void nat64_batch_release(struct nat64_net *nn, u32 portid);

/* Where @s lists interface @name for the fast path, or -1. */
int nat64_spec_fastpath_find(const struct nat64_spec *s, const char *name);
/* Add interface @name to the fast path's list, or remove it. */
int nat64_spec_fastpath_add(struct nat64_spec *s, const char *name,
			    struct netlink_ext_ack *extack);
int nat64_spec_fastpath_del(struct nat64_spec *s, const char *name,
			    struct netlink_ext_ack *extack);

/* fastpath.c */
struct nat64_session;
int nat64_fp_module_init(void);
void nat64_fp_module_exit(void);
void nat64_fp_net_init(struct nat64_net *nn);
/*
 * A commit of @s: nat64_fp_plan() before anything is published (hooks
 * on the listed interfaces that are there, the cache), undone by
 * nat64_fp_unplan() if the commit fails; nat64_fp_apply() after (hooks
 * off the interfaces no longer listed, the cache invalidated, or freed
 * with the last). Under config_lock.
 */
int nat64_fp_plan(struct nat64_net *nn, const struct nat64_spec *s,
		  struct netlink_ext_ack *extack);
void nat64_fp_unplan(struct nat64_net *nn, const struct nat64_spec *s);
void nat64_fp_apply(struct nat64_net *nn, const struct nat64_spec *s);
void nat64_fp_net_exit(struct nat64_net *nn);
/*
 * Cache @dst (referenced anew; @cookie: its route cookie) as the output
 * of session @s going @dir (0: 6to4, 1: 4to6), learnt from @skb, whose
 * ingress interface, mark and routing TOS @tos it serves. Under RCU.
 */
void nat64_fp_learn(struct nat64_net *nn, const struct nat64_session *s,
		    unsigned int dir, const struct sk_buff *skb,
		    struct dst_entry *dst, u32 cookie, u8 tos);
/* Session @s is unlinked (dead set): drop what is cached for it. */
void nat64_fp_forget(struct nat64_net *nn, const struct nat64_session *s);

/* packet.c */
void nat64_hooks_init(struct nat64_net *nn);
unsigned int nat64_in6(struct nat64_net *nn, struct sk_buff *skb);
unsigned int nat64_in4(struct nat64_net *nn, struct sk_buff *skb);
/* The fast path's hook functions (netdev ingress): see fastpath.c. */
unsigned int nat64_fp_in6(struct nat64_net *nn, struct sk_buff *skb);
unsigned int nat64_fp_in4(struct nat64_net *nn, struct sk_buff *skb);
void nat64_synq_expire(struct nat64_net *nn);
void nat64_synq_flush(struct nat64_net *nn);

/*
 * Does @pool hold @addr (host order), with @port and for @proto (enum
 * xl_proto) where these are not -1? Under RCU or config_lock.
 */
bool nat64_pool_has(const struct nat64_pool *pool, u32 addr, int port,
		    int proto);

/*
 * block.c: the blocks of a block range, made when a commit publishes it
 * (the range's reference), kept by a commit that keeps the range, and
 * freed when neither a range nor a block refers to them.
 */
struct nat64_blockmap *nat64_blockmap_new(const struct nat64_prange *pr,
					  const char *pool);
void nat64_blockmap_get(struct nat64_blockmap *bm);
void nat64_blockmap_put(struct nat64_blockmap *bm);
/* Blocks in all, held, subscribers at BLK_MAX, refusals, bytes a block. */
void nat64_blockmap_counts(const struct nat64_blockmap *bm, u32 *total,
			   u32 *used, u32 *at_max, u64 *refused, u32 *bytes);

/* defrag.c: the reassembly modules, taken at load time */
int nat64_defrag_init(void);
void nat64_defrag_uninit(void);
int nat64_defrag_enable(struct net *net);
void nat64_defrag_disable(struct net *net);

/* netlink.c */
int nat64_genl_init(void);
void nat64_genl_uninit(void);
/* Has the events group a member in @net? */
bool nat64_genl_listening(struct net *net);
/* A NAT64_CMD_EVENT message in @skb: its header, or NULL. */
void *nat64_genl_event_put(struct sk_buff *skb);
/* Send it (consumed) to the events group of @net. */
int nat64_genl_event_send(struct net *net, struct sk_buff *skb);

/* event.c: are events to be made (logged or sent)? */
static inline bool nat64_ev_wanted(struct nat64_net *nn)
{
	return READ_ONCE(nn->log_mappings) || READ_ONCE(nn->log_dests) ||
	       nat64_genl_listening(nn->net);
}

#endif /* _NAT64_NAT64_H */
