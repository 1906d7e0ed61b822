// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping and session events: NAT64_CMD_EVENT messages to the "events"
 * multicast group, and the translation log (RFC 6888 REQ-12) in the
 * kernel log. Both are made only when asked for: a listener in the
 * group, or a log setting on; otherwise a caller pays one check.
 */
#include <linux/ratelimit.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "mapping.h"
#include "rfc6052.h"

static const char *const ev_verb[NAT64_EVENT_MAX + 1] = {
	[NAT64_EVENT_MAPPING_CREATED] = "created",
	[NAT64_EVENT_MAPPING_EXPIRED] = "expired",
	[NAT64_EVENT_MAPPING_REMOVED] = "removed",
	[NAT64_EVENT_MAPPING_REFUSED] = "refused",
	[NAT64_EVENT_SESSION_CREATED] = "created",
	[NAT64_EVENT_SESSION_EXPIRED] = "expired",
	[NAT64_EVENT_SESSION_REMOVED] = "removed",
	[NAT64_EVENT_SESSION_REFUSED] = "refused",
};

static const char *const proto_name[XL_NPROTO] = {
	[XL_TCP] = "tcp",
	[XL_UDP] = "udp",
	[XL_ICMP] = "icmp",
};

/*
 * What @ev says of its rule: name, pool, and @raddr (if given) within
 * its prefix. Under RCU, @rule may be NULL.
 */
static void ev_rule(struct nat64_ev *ev, const struct nat64_rule *rule,
		    const __be32 *raddr)
{
	strscpy(ev->rule, rule ? rule->name : "", sizeof(ev->rule));
	strscpy(ev->pool, rule && rule->pool ? rule->pool->name : "",
		sizeof(ev->pool));
	if (rule && raddr)
		rfc6052_embed(rule->prefix, rule->plen, (const u8 *)raddr,
			      ev->raddr6.s6_addr);
	else
		memset(&ev->raddr6, 0, sizeof(ev->raddr6));
}

void nat64_ev_fill(struct nat64_net *nn, struct nat64_ev *ev, u8 type,
		   const struct nat64_bib *b, const struct nat64_session *s)
{
	const struct nat64_rule *rule;

	ev->type = type;
	ev->proto = b->proto;
	ev->quiet = !!(b->flags & BIB_F_QUIET);
	ev->addr6 = b->addr6;
	ev->port6 = b->port6;
	ev->addr4 = b->addr4;
	ev->port4 = b->port4;
	ev->has4 = 1;
	ev->session = !!s;
	ev->raddr = s ? s->raddr : 0;
	ev->rport = s ? s->rport : 0;
	ev->synced = s ? READ_ONCE(s->synced) : 0;
	ev->reason = 0;
	/*
	 * The GC fills events under a bucket lock alone: the rule is read
	 * under RCU here, whoever the caller is.
	 */
	rcu_read_lock();
	/* A session's own rule: a static entry's sessions have one too. */
	rule = nat64_rule_by_id(nn, s && s->rule ? s->rule : b->rule);
	ev_rule(ev, rule, s ? &s->raddr : NULL);
	rcu_read_unlock();
}

/* Header, attributes and the two nests, at most. */
#define EV_MSG_SIZE	512

static int ev_put(struct sk_buff *skb, const void *arg, u64 ts)
{
	const struct nat64_ev *ev = arg;
	u8 ipproto = nat64_ipproto[ev->proto];
	struct nlattr *nest;

	if (nla_put_u8(skb, NAT64_A_EVENT, ev->type) ||
	    nla_put_u64_64bit(skb, NAT64_A_TIMESTAMP, ts, NAT64_A_PAD) ||
	    (ev->reason && nla_put_u32(skb, NAT64_A_REASON, ev->reason)) ||
	    (ev->synced && nla_put_flag(skb, NAT64_A_SYNCED)) ||
	    (ev->pool[0] && nla_put_string(skb, NAT64_A_POOL_NAME, ev->pool)))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, NAT64_A_MAPPING);
	if (!nest ||
	    nla_put_u8(skb, NAT64_MAPPING_A_PROTO, ipproto) ||
	    nla_put_in6_addr(skb, NAT64_MAPPING_A_ADDR6, &ev->addr6) ||
	    nla_put_u16(skb, NAT64_MAPPING_A_PORT6, ev->port6) ||
	    (ev->has4 &&
	     (nla_put_in_addr(skb, NAT64_MAPPING_A_ADDR4, ev->addr4) ||
	      nla_put_u16(skb, NAT64_MAPPING_A_PORT4, ev->port4))) ||
	    (ev->rule[0] &&
	     nla_put_string(skb, NAT64_MAPPING_A_RULE, ev->rule)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	if (!ev->session)
		return 0;
	nest = nla_nest_start(skb, NAT64_A_SESSION);
	if (!nest ||
	    nla_put_u8(skb, NAT64_SESSION_A_PROTO, ipproto) ||
	    nla_put_in6_addr(skb, NAT64_SESSION_A_ADDR6, &ev->addr6) ||
	    nla_put_u16(skb, NAT64_SESSION_A_PORT6, ev->port6) ||
	    (ev->has4 &&
	     (nla_put_in_addr(skb, NAT64_SESSION_A_ADDR4, ev->addr4) ||
	      nla_put_u16(skb, NAT64_SESSION_A_PORT4, ev->port4))) ||
	    nla_put_in_addr(skb, NAT64_SESSION_A_RADDR4, ev->raddr) ||
	    nla_put_u16(skb, NAT64_SESSION_A_RPORT, ev->rport) ||
	    (!ipv6_addr_any(&ev->raddr6) &&
	     nla_put_in6_addr(skb, NAT64_SESSION_A_RADDR6, &ev->raddr6)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Number an event, build it with @put and multicast it. Never waits:
 * what is numbered and not delivered (no memory; a listener's full
 * socket: -ENOBUFS with NETLINK_BROADCAST_ERROR, else -ESRCH when it was
 * the only one) is counted, so that a listener's missing numbers and
 * the counters tell the same loss.
 */
static void ev_emit(struct nat64_net *nn,
		    int (*put)(struct sk_buff *, const void *, u64),
		    const void *ev, u64 ts)
{
	u64 seq = atomic64_inc_return(&nn->ev_seq);
	struct sk_buff *skb = genlmsg_new(EV_MSG_SIZE, GFP_ATOMIC);
	void *hdr;

	if (!skb)
		goto drop;
	hdr = nat64_genl_event_put(skb);
	if (!hdr || nla_put_u64_64bit(skb, NAT64_A_SEQ, seq, NAT64_A_PAD) ||
	    put(skb, ev, ts)) {
		nlmsg_free(skb);
		goto drop;
	}
	genlmsg_end(skb, hdr);
	if (!nat64_genl_event_send(nn->net, skb)) {
		nat64_stat_inc(nn, NAT64_STAT_EVENTS_SENT);
		return;
	}
drop:
	nat64_stat_inc(nn, NAT64_STAT_EVENTS_DROPPED);
}

static void ev_send(struct nat64_net *nn, const struct nat64_ev *ev, u64 ts)
{
	ev_emit(nn, ev_put, ev, ts);
}

/* One line a mapping or session: a stable format, see the uapi header. */
static void ev_log(struct nat64_net *nn, const struct nat64_ev *ev, u64 ts)
{
	time64_t secs = div_u64(ts, NSEC_PER_SEC);

	if (ev->session)
		pr_info("ns=%u %ptT session %s %s [%pI6c]:%u %pI4:%u %pI4:%u\n",
			nn->net->ns.inum, &secs, ev_verb[ev->type],
			proto_name[ev->proto], &ev->addr6, ev->port6,
			&ev->addr4, ev->port4, &ev->raddr, ev->rport);
	else
		pr_info("ns=%u %ptT mapping %s %s [%pI6c]:%u %pI4:%u\n",
			nn->net->ns.inum, &secs, ev_verb[ev->type],
			proto_name[ev->proto], &ev->addr6, ev->port6,
			&ev->addr4, ev->port4);
}

void nat64_ev_report(struct nat64_net *nn, const struct nat64_ev *ev)
{
	u64 ts = ktime_get_real_ns();
	bool log;

	if (ev->quiet)
		return;
	/* Refusals are not translation records: never logged. */
	log = ev->type != NAT64_EVENT_MAPPING_REFUSED &&
	      ev->type != NAT64_EVENT_SESSION_REFUSED &&
	      (ev->session ? READ_ONCE(nn->log_dests) :
	       READ_ONCE(nn->log_mappings));
	/*
	 * Rate limited: a namespace's traffic can make lines faster than
	 * any log keeps; those left out are counted.
	 */
	if (log) {
		if (__ratelimit(&nn->log_rs))
			ev_log(nn, ev, ts);
		else
			nat64_stat_inc(nn, NAT64_STAT_LOG_SUPPRESSED);
	}
	if (nat64_genl_listening(nn->net))
		ev_send(nn, ev, ts);
}

static const char *const blk_verb[NAT64_EVENT_MAX + 1] = {
	[NAT64_EVENT_BLOCK_ALLOCATED] = "allocated",
	[NAT64_EVENT_BLOCK_RELEASED] = "released",
	[NAT64_EVENT_BLOCK_INTERIM] = "interim",
};

/* "tcp,udp,icmp", or those of them in @protos (BIT(enum xl_proto)). */
static const char *protos_str(u8 protos, char buf[16])
{
	unsigned int p, n = 0;

	buf[0] = 0;
	for (p = 0; p < XL_NPROTO; p++)
		if (protos & BIT(p))
			n += scnprintf(buf + n, 16 - n, "%s%s", n ? "," : "",
				       proto_name[p]);
	return buf;
}

static int blk_put_ev(struct sk_buff *skb, const void *arg, u64 ts)
{
	const struct nat64_blkev *ev = arg;
	struct nlattr *nest;

	if (nla_put_u8(skb, NAT64_A_EVENT, ev->type) ||
	    nla_put_u64_64bit(skb, NAT64_A_TIMESTAMP, ts, NAT64_A_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, NAT64_A_BLOCK);
	if (!nest ||
	    nla_put_in6_addr(skb, NAT64_BLOCK_A_PREFIX, &ev->prefix) ||
	    nla_put_u8(skb, NAT64_BLOCK_A_PLEN, ev->plen) ||
	    nla_put_in_addr(skb, NAT64_BLOCK_A_ADDR4, ev->addr4) ||
	    nla_put_u16(skb, NAT64_BLOCK_A_PORT_MIN, ev->port_lo) ||
	    nla_put_u16(skb, NAT64_BLOCK_A_PORT_MAX, ev->port_hi) ||
	    nla_put_u8(skb, NAT64_BLOCK_A_PROTOS, ev->protos) ||
	    nla_put_string(skb, NAT64_BLOCK_A_POOL, ev->pool))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void nat64_blk_report(struct nat64_net *nn, const struct nat64_blkev *ev)
{
	u64 ts = ktime_get_real_ns();
	char protos[16];

	if (READ_ONCE(nn->log_mappings)) {
		time64_t secs = div_u64(ts, NSEC_PER_SEC);

		if (__ratelimit(&nn->log_rs))
			pr_info("ns=%u %ptT block %s %pI6c/%u %pI4:%u-%u %s %s\n",
				nn->net->ns.inum, &secs, blk_verb[ev->type],
				&ev->prefix, ev->plen, &ev->addr4, ev->port_lo,
				ev->port_hi, protos_str(ev->protos, protos),
				ev->pool);
		else
			nat64_stat_inc(nn, NAT64_STAT_LOG_SUPPRESSED);
	}
	if (nat64_genl_listening(nn->net))
		ev_emit(nn, blk_put_ev, ev, ts);
}

void nat64_ev_refused(struct nat64_net *nn, const struct nat64_flow *f,
		      const struct nat64_rule *rule, const struct nat64_bib *b,
		      enum nat64_stat why)
{
	struct nat64_ev ev;

	nat64_stat_inc(nn, b ? NAT64_STAT_SESSIONS_REFUSED :
			   NAT64_STAT_MAPPINGS_REFUSED);
	if (!nat64_genl_listening(nn->net) || !__ratelimit(&nn->refused_rs))
		return;
	if (b) {
		nat64_ev_fill(nn, &ev, NAT64_EVENT_SESSION_REFUSED, b, NULL);
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.type = NAT64_EVENT_MAPPING_REFUSED;
		ev.proto = f->proto;
		ev.addr6 = *f->addr6;
		ev.port6 = f->port6;
	}
	/* The packet path holds the RCU read lock: @rule stays. */
	if (rule)
		ev_rule(&ev, rule, &f->raddr);
	ev.quiet = 0;
	ev.session = 1;
	ev.raddr = f->raddr;
	ev.rport = f->rport;
	ev.reason = why;
	ev_send(nn, &ev, ktime_get_real_ns());
}
