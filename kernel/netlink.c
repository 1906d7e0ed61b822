// SPDX-License-Identifier: GPL-2.0
/*
 * The "nat64" generic netlink family; include/uapi/nat64.h documents it.
 */
#include <linux/ctype.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "mapping.h"
#include "rfc6052.h"

static struct netlink_range_validation blk_timeout_range = {
	.max = 604800,
};

static struct netlink_range_validation blk_interim_range = {
	.max = 86400,
};

static const struct nla_policy pool_policy[NAT64_POOL_A_MAX + 1] = {
	[NAT64_POOL_A_NAME] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
	[NAT64_POOL_A_ADDR] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_POOL_A_PLEN] = NLA_POLICY_RANGE(NLA_U8, NAT64_POOL_MIN_PLEN, 32),
	[NAT64_POOL_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[NAT64_POOL_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[NAT64_POOL_A_LAST] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_POOL_A_PROTOS] = NLA_POLICY_RANGE(NLA_U8, 1, 7),
	[NAT64_POOL_A_ALLOC] = NLA_POLICY_MAX(NLA_U8, NAT64_ALLOC_BLOCK),
	[NAT64_POOL_A_DET_PREFIX] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_POOL_A_DET_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[NAT64_POOL_A_DET_SUBLEN] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[NAT64_POOL_A_BLK_SIZE] = NLA_POLICY_MIN(NLA_U16, 1),
	[NAT64_POOL_A_BLK_MAX] = NLA_POLICY_RANGE(NLA_U16, 1, 1024),
	[NAT64_POOL_A_BLK_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &blk_timeout_range),
	[NAT64_POOL_A_BLK_INTERIM] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &blk_interim_range),
	[NAT64_POOL_A_QUIET] = { .type = NLA_FLAG },
	[NAT64_POOL_A_PEER] = { .type = NLA_FLAG },
	/* Replies only. */
	[NAT64_POOL_A_BLK_TOTAL] = { .type = NLA_REJECT },
	[NAT64_POOL_A_BLK_USED] = { .type = NLA_REJECT },
	[NAT64_POOL_A_BLK_SUBS_AT_MAX] = { .type = NLA_REJECT },
	[NAT64_POOL_A_BLK_REFUSED] = { .type = NLA_REJECT },
	[NAT64_POOL_A_BLK_BYTES] = { .type = NLA_REJECT },
	[NAT64_POOL_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy block_policy[NAT64_BLOCK_A_MAX + 1] = {
	[NAT64_BLOCK_A_PREFIX] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_BLOCK_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy rule_policy[NAT64_RULE_A_MAX + 1] = {
	[NAT64_RULE_A_NAME] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
	[NAT64_RULE_A_PREFIX] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_RULE_A_PLEN] = NLA_POLICY_RANGE(NLA_U8, 32, 96),
	[NAT64_RULE_A_POOL] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
	[NAT64_RULE_A_SRC] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_RULE_A_SRC_PLEN] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
};

static const struct nla_policy session_policy[NAT64_SESSION_A_MAX + 1] = {
	[NAT64_SESSION_A_PROTO] = { .type = NLA_U8 },
	[NAT64_SESSION_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_SESSION_A_PORT6] = { .type = NLA_U16 },
	[NAT64_SESSION_A_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_SESSION_A_PORT4] = { .type = NLA_U16 },
	[NAT64_SESSION_A_RADDR4] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_SESSION_A_RPORT] = { .type = NLA_U16 },
	[NAT64_SESSION_A_STATE] = NLA_POLICY_RANGE(NLA_U8, NAT64_TCP_V4_INIT,
						   NAT64_TCP_TRANS),
	[NAT64_SESSION_A_EXPIRES_MS] = { .type = NLA_U32 },
	[NAT64_SESSION_A_RULE] = { .type = NLA_NUL_STRING,
				   .len = NAT64_NAME_MAX - 1 },
	/* Replies only. */
	[NAT64_SESSION_A_RADDR6] = { .type = NLA_REJECT },
};

static const struct nla_policy mapping_policy[NAT64_MAPPING_A_MAX + 1] = {
	[NAT64_MAPPING_A_PROTO] = { .type = NLA_U8 },
	[NAT64_MAPPING_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_MAPPING_A_PORT6] = { .type = NLA_U16 },
	[NAT64_MAPPING_A_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_MAPPING_A_PORT4] = { .type = NLA_U16 },
};

/* Past the s16 bounds of NLA_POLICY_RANGE(). */
static struct netlink_range_validation mtu_range = {
	.min = 1280,
	.max = 65535,
};

static struct netlink_range_validation timeout_range = {
	.min = 1,
	.max = 604800,
};

static struct netlink_range_validation syn_timeout_range = {
	.min = 1,
	.max = 600,
};

static struct netlink_range_validation sessions_range = {
	.min = 1,
	.max = U32_MAX,
};

static struct netlink_range_validation sess_map_range = {
	.min = 1,
	.max = 65535,
};

static struct netlink_range_validation ports_range = {
	.min = 0,
	.max = 65535,
};

static struct netlink_range_validation syns_range = {
	.min = 0,
	.max = 1024,
};

static const struct nla_policy config_policy[NAT64_CONFIG_A_MAX + 1] = {
	[NAT64_CONFIG_A_CLEAR_DF] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_LOWEST_IPV6_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32,
								 &mtu_range),
	[NAT64_CONFIG_A_RESET_TOS] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_TIMEOUT_UDP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_TCP_EST] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_TCP_TRANS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_ICMP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_SYN] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &syn_timeout_range),
	[NAT64_CONFIG_A_FILTERING] =
		NLA_POLICY_MAX(NLA_U8, NAT64_FILTER_ADDRESS_DEPENDENT),
	[NAT64_CONFIG_A_DROP_EXT_TCP] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_LIMIT_SESSIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sessions_range),
	[NAT64_CONFIG_A_LIMIT_PORTS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ports_range),
	[NAT64_CONFIG_A_SUBSCRIBER_PLEN] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[NAT64_CONFIG_A_MAX_STORED_SYNS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &syns_range),
	[NAT64_CONFIG_A_MODE] = NLA_POLICY_MAX(NLA_U8, NAT64_MODE_TARGET),
	[NAT64_CONFIG_A_LOG_MAPPINGS] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_LOG_DESTINATIONS] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_BELOW_RFC] = { .type = NLA_FLAG },
	[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &sess_map_range),
	[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER] = { .type = NLA_U32 },
};

static const struct nla_policy deny_policy[NAT64_DENY_A_MAX + 1] = {
	[NAT64_DENY_A_ADDR] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_DENY_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

/* Timeout attributes, in enum nat64_timeout order. */
static const int timeout_attr[NAT64_TO_COUNT] = {
	[NAT64_TO_UDP] = NAT64_CONFIG_A_TIMEOUT_UDP,
	[NAT64_TO_TCP_EST] = NAT64_CONFIG_A_TIMEOUT_TCP_EST,
	[NAT64_TO_TCP_TRANS] = NAT64_CONFIG_A_TIMEOUT_TCP_TRANS,
	[NAT64_TO_ICMP] = NAT64_CONFIG_A_TIMEOUT_ICMP,
	[NAT64_TO_SYN] = NAT64_CONFIG_A_TIMEOUT_SYN,
};

/* RFC 6146 §4: the least of each timeout, in enum nat64_timeout order. */
static const u32 timeout_min[NAT64_TO_COUNT] = {
	[NAT64_TO_UDP] = NAT64_TIMEOUT_MIN_UDP,
	[NAT64_TO_TCP_EST] = NAT64_TIMEOUT_MIN_TCP_EST,
	[NAT64_TO_TCP_TRANS] = NAT64_TIMEOUT_MIN_TCP_TRANS,
	[NAT64_TO_ICMP] = NAT64_TIMEOUT_MIN_ICMP,
	[NAT64_TO_SYN] = NAT64_TIMEOUT_MIN_SYN,
};

/* Requests carry only these; the rest are reply-only and refused. */
static const struct nla_policy nat64_policy[NAT64_A_MAX + 1] = {
	[NAT64_A_POOL] = NLA_POLICY_NESTED(pool_policy),
	[NAT64_A_RULE] = NLA_POLICY_NESTED(rule_policy),
	[NAT64_A_CONFIG] = NLA_POLICY_NESTED(config_policy),
	[NAT64_A_MAPPING] = NLA_POLICY_NESTED(mapping_policy),
	[NAT64_A_PROTO] = { .type = NLA_U8 },
	[NAT64_A_BATCH] = { .type = NLA_FLAG },
	[NAT64_A_DENY] = NLA_POLICY_NESTED(deny_policy),
	[NAT64_A_BLOCK] = NLA_POLICY_NESTED(block_policy),
	[NAT64_A_SESSION] = NLA_POLICY_NESTED(session_policy),
	[NAT64_A_ACTIVE_MS] = { .type = NLA_U32 },
	[NAT64_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static struct genl_family nat64_family;

static struct nat64_net *info_nn(struct genl_info *info)
{
	return nat64_pernet(genl_info_net(info));
}

/* Parse the nest @type of a request into @tb, which must be present. */
static int parse_nest(struct genl_info *info, int type, struct nlattr **tb,
		      int max, const struct nla_policy *policy)
{
	if (!info->attrs[type]) {
		NL_SET_ERR_MSG(info->extack, "missing attribute nest");
		return -EINVAL;
	}
	return nla_parse_nested(tb, max, info->attrs[type], policy,
				info->extack);
}

static int check_name(struct genl_info *info, struct nlattr *attr)
{
	const char *s;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "missing name");
		return -EINVAL;
	}
	s = nla_data(attr);
	if (!*s) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "empty name");
		return -EINVAL;
	}
	for (; *s; s++) {
		if (!isgraph(*s)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "name has non-printable characters");
			return -EINVAL;
		}
	}
	return 0;
}

static int nl_reply(struct genl_info *info, struct sk_buff *msg)
{
	return genlmsg_reply(msg, info);
}

static int nl_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nat64_family, 0,
				NAT64_CMD_GET_VERSION);
	if (!hdr || nla_put_string(msg, NAT64_A_VERSION, NAT64_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return nl_reply(info, msg);
}

static int nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);
	struct nat64_maptable *mt;
	struct sk_buff *msg;
	struct nlattr *nest;
	u32 count = 0, nsess = 0;
	void *hdr;
	int i;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nat64_family, 0,
				NAT64_CMD_GET_STATS);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, NAT64_A_STATS);
	if (!nest)
		goto nospace;
	for (i = 1; i <= NAT64_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, i, nat64_stat_read(nn, i),
				      NAT64_STAT_UNSPEC))
			goto nospace;
	nla_nest_end(msg, nest);
	rcu_read_lock();
	mt = rcu_dereference(nn->maps);
	if (mt) {
		count = atomic_read(&mt->nbib);
		nsess = atomic_read(&mt->nsessions);
	}
	rcu_read_unlock();
	if (nla_put_u32(msg, NAT64_A_MAPPING_COUNT, count) ||
	    nla_put_u32(msg, NAT64_A_SESSION_COUNT, nsess) ||
	    nla_put_u64_64bit(msg, NAT64_A_SEQ, atomic64_read(&nn->ev_seq),
			      NAT64_A_PAD))
		goto nospace;
	genlmsg_end(msg, hdr);
	return nl_reply(info, msg);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Apply @op to the spec a request edits; commit it unless batched. */
typedef int (*edit_fn)(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack);

static int edit(struct genl_info *info, edit_fn op, const void *arg)
{
	struct nat64_net *nn = info_nn(info);
	bool batch = !!info->attrs[NAT64_A_BATCH];
	struct nat64_spec *s;
	int err;

	mutex_lock(&nn->config_lock);
	s = nat64_spec_edit(nn, batch, info->snd_portid, info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
	} else {
		err = op(s, arg, info->extack);
		if (!batch && err)
			nat64_spec_free(s);
		else if (!batch)
			err = nat64_commit(nn, s, info->extack);
	}
	mutex_unlock(&nn->config_lock);
	return err;
}

/* @arg: the NAT64_A_CONFIG attributes, validated as a whole. */
static int op_set(struct nat64_spec *s, const void *arg,
		  struct netlink_ext_ack *extack)
{
	struct nlattr *const *tb = arg;
	struct nat64_settings *v = &s->set;
	int i;

	if (tb[NAT64_CONFIG_A_CLEAR_DF])
		v->clear_df = nla_get_u8(tb[NAT64_CONFIG_A_CLEAR_DF]);
	if (tb[NAT64_CONFIG_A_LOWEST_IPV6_MTU])
		v->lowest_ipv6_mtu =
			nla_get_u32(tb[NAT64_CONFIG_A_LOWEST_IPV6_MTU]);
	if (tb[NAT64_CONFIG_A_RESET_TOS])
		v->reset_tos = nla_get_u8(tb[NAT64_CONFIG_A_RESET_TOS]);
	for (i = 0; i < NAT64_TO_COUNT; i++)
		if (tb[timeout_attr[i]])
			v->timeout[i] = nla_get_u32(tb[timeout_attr[i]]);
	if (tb[NAT64_CONFIG_A_FILTERING])
		v->filter_addr = nla_get_u8(tb[NAT64_CONFIG_A_FILTERING]) ==
				 NAT64_FILTER_ADDRESS_DEPENDENT;
	if (tb[NAT64_CONFIG_A_DROP_EXT_TCP])
		v->drop_ext_tcp = nla_get_u8(tb[NAT64_CONFIG_A_DROP_EXT_TCP]);
	if (tb[NAT64_CONFIG_A_LIMIT_SESSIONS])
		v->limit_sessions =
			nla_get_u32(tb[NAT64_CONFIG_A_LIMIT_SESSIONS]);
	if (tb[NAT64_CONFIG_A_LIMIT_PORTS])
		v->limit_ports = nla_get_u32(tb[NAT64_CONFIG_A_LIMIT_PORTS]);
	if (tb[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING])
		v->limit_sess_map =
			nla_get_u32(tb[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING]);
	if (tb[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER])
		v->limit_sess_sub =
			nla_get_u32(tb[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER]);
	if (tb[NAT64_CONFIG_A_SUBSCRIBER_PLEN])
		v->subscriber_plen =
			nla_get_u8(tb[NAT64_CONFIG_A_SUBSCRIBER_PLEN]);
	if (tb[NAT64_CONFIG_A_MAX_STORED_SYNS])
		v->max_stored_syns =
			nla_get_u32(tb[NAT64_CONFIG_A_MAX_STORED_SYNS]);
	if (tb[NAT64_CONFIG_A_MODE])
		v->mode = nla_get_u8(tb[NAT64_CONFIG_A_MODE]);
	if (tb[NAT64_CONFIG_A_LOG_MAPPINGS])
		v->log_mappings = nla_get_u8(tb[NAT64_CONFIG_A_LOG_MAPPINGS]);
	if (tb[NAT64_CONFIG_A_LOG_DESTINATIONS])
		v->log_dests =
			nla_get_u8(tb[NAT64_CONFIG_A_LOG_DESTINATIONS]);
	return 0;
}

/*
 * Does @attr (u8) turn on a log setting now @cur? Turning it on from a
 * user namespace would let a container write to the host's log.
 */
static bool turns_on(const struct nlattr *attr, bool cur)
{
	return attr && nla_get_u8(attr) && !cur;
}

/* The checks of a SET_CONFIG request that need more than its values. */
static int set_allowed(struct sk_buff *skb, struct genl_info *info,
		       struct nlattr **tb)
{
	struct nat64_net *nn = info_nn(info);
	bool admin = netlink_capable(skb, CAP_NET_ADMIN);
	int i;

	if (!admin &&
	    (turns_on(tb[NAT64_CONFIG_A_LOG_MAPPINGS],
		      READ_ONCE(nn->log_mappings)) ||
	     turns_on(tb[NAT64_CONFIG_A_LOG_DESTINATIONS],
		      READ_ONCE(nn->log_dests)))) {
		NL_SET_ERR_MSG(info->extack,
			       "turning the kernel log on needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (!admin && tb[NAT64_CONFIG_A_LIMIT_SESSIONS]) {
		u32 v = nla_get_u32(tb[NAT64_CONFIG_A_LIMIT_SESSIONS]);

		if (v > NAT64_LIMIT_SESSIONS_USERNS &&
		    v != READ_ONCE(nn->limit_sessions)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[NAT64_CONFIG_A_LIMIT_SESSIONS],
					    "a session limit over 4194304 needs CAP_NET_ADMIN in the initial user namespace");
			return -EPERM;
		}
	}
	if (tb[NAT64_CONFIG_A_BELOW_RFC])
		return 0;
	for (i = 0; i < NAT64_TO_COUNT; i++) {
		struct nlattr *a = tb[timeout_attr[i]];

		if (a && nla_get_u32(a) < timeout_min[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "timeout below its RFC 6146 minimum (udp 120, tcp-est 7440, tcp-trans 240, icmp 60, syn 6 seconds) without below-rfc");
			return -EINVAL;
		}
	}
	return 0;
}

static int nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_CONFIG_A_MAX + 1];
	int err;

	err = parse_nest(info, NAT64_A_CONFIG, tb, NAT64_CONFIG_A_MAX,
			 config_policy);
	if (!err)
		err = set_allowed(skb, info, tb);
	return err ? err : edit(info, op_set, tb);
}

struct deny_arg {
	u32 addr;
	u8 plen;
	bool add;
};

static int op_deny(struct nat64_spec *s, const void *arg,
		   struct netlink_ext_ack *extack)
{
	const struct deny_arg *d = arg;

	return d->add ? nat64_spec_deny_add(s, d->addr, d->plen, extack) :
	       nat64_spec_deny_del(s, d->addr, d->plen, extack);
}

static int nl_deny_change(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_DENY_A_MAX + 1];
	struct deny_arg d = {
		.add = info->genlhdr->cmd == NAT64_CMD_DENY_ADD,
	};
	int err;

	err = parse_nest(info, NAT64_A_DENY, tb, NAT64_DENY_A_MAX,
			 deny_policy);
	if (err)
		return err;
	if (!tb[NAT64_DENY_A_ADDR] || !tb[NAT64_DENY_A_PLEN]) {
		NL_SET_ERR_MSG(info->extack,
			       "a denied network needs an address and a length");
		return -EINVAL;
	}
	d.addr = ntohl(nla_get_in_addr(tb[NAT64_DENY_A_ADDR]));
	d.plen = nla_get_u8(tb[NAT64_DENY_A_PLEN]);
	return edit(info, op_deny, &d);
}


struct fastpath_arg {
	const char *name;
	bool add;
};

static int op_fastpath(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack)
{
	const struct fastpath_arg *f = arg;

	return f->add ? nat64_spec_fastpath_add(s, f->name, extack) :
	       nat64_spec_fastpath_del(s, f->name, extack);
}

static int nl_fastpath_change(struct sk_buff *skb, struct genl_info *info)
{
	struct fastpath_arg f = {
		.add = info->genlhdr->cmd == NAT64_CMD_FASTPATH_ADD,
	};

	if (!info->attrs[NAT64_A_IFNAME]) {
		NL_SET_ERR_MSG(info->extack, "which interface?");
		return -EINVAL;
	}
	f.name = nla_data(info->attrs[NAT64_A_IFNAME]);
	return edit(info, op_fastpath, &f);
}

static int op_flush(struct nat64_spec *s, const void *arg,
		    struct netlink_ext_ack *extack)
{
	nat64_spec_flush(s);
	return 0;
}

static int nl_config_flush(struct sk_buff *skb, struct genl_info *info)
{
	return edit(info, op_flush, NULL);
}

static int nl_batch(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);

	switch (info->genlhdr->cmd) {
	case NAT64_CMD_BATCH_BEGIN:
		return nat64_batch_begin(nn, info->snd_portid, info->extack);
	case NAT64_CMD_BATCH_COMMIT:
		return nat64_batch_end(nn, info->snd_portid, true,
				       info->extack);
	default:
		return nat64_batch_end(nn, info->snd_portid, false,
				       info->extack);
	}
}

static int nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int i;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	/* The settings of one commit, not a mix of two. */
	mutex_lock(&nn->config_lock);
	hdr = genlmsg_put_reply(msg, info, &nat64_family, 0,
				NAT64_CMD_GET_CONFIG);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, NAT64_A_CONFIG);
	if (!nest ||
	    nla_put_u8(msg, NAT64_CONFIG_A_CLEAR_DF, READ_ONCE(nn->clear_df)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_LOWEST_IPV6_MTU,
			READ_ONCE(nn->lowest_ipv6_mtu)) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_RESET_TOS, READ_ONCE(nn->reset_tos)))
		goto nospace;
	for (i = 0; i < NAT64_TO_COUNT; i++)
		if (nla_put_u32(msg, timeout_attr[i],
				READ_ONCE(nn->timeout[i])))
			goto nospace;
	if (nla_put_u8(msg, NAT64_CONFIG_A_FILTERING,
		       READ_ONCE(nn->filter_addr) ?
		       NAT64_FILTER_ADDRESS_DEPENDENT :
		       NAT64_FILTER_ENDPOINT_INDEPENDENT) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_DROP_EXT_TCP,
		       READ_ONCE(nn->drop_ext_tcp)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS,
			READ_ONCE(nn->limit_sessions)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_PORTS,
			READ_ONCE(nn->limit_ports)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING,
			READ_ONCE(nn->limit_sess_map)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER,
			READ_ONCE(nn->limit_sess_sub)) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_SUBSCRIBER_PLEN,
		       READ_ONCE(nn->subscriber_plen)) ||
	    nla_put_u32(msg, NAT64_CONFIG_A_MAX_STORED_SYNS,
			READ_ONCE(nn->max_stored_syns)) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_MODE, READ_ONCE(nn->mode)) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_LOG_MAPPINGS,
		       READ_ONCE(nn->log_mappings)) ||
	    nla_put_u8(msg, NAT64_CONFIG_A_LOG_DESTINATIONS,
		       READ_ONCE(nn->log_dests)))
		goto nospace;
	mutex_unlock(&nn->config_lock);
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return nl_reply(info, msg);

nospace:
	mutex_unlock(&nn->config_lock);
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* NAT64_POOL_A_PROTOS bits are the pool ranges' BIT(enum xl_proto). */
static_assert(BIT(XL_TCP) == NAT64_PROTO_F_TCP &&
	      BIT(XL_UDP) == NAT64_PROTO_F_UDP &&
	      BIT(XL_ICMP) == NAT64_PROTO_F_ICMP);

const u8 nat64_ipproto[XL_NPROTO] = {
	[XL_TCP] = IPPROTO_TCP,
	[XL_UDP] = IPPROTO_UDP,
	[XL_ICMP] = IPPROTO_ICMPV6,
};

/* enum xl_proto of an IPPROTO_* attribute value, or -1. */
static int xl_proto_of(u8 ipproto)
{
	int i;

	for (i = 0; i < XL_NPROTO; i++)
		if (nat64_ipproto[i] == ipproto)
			return i;
	return -1;
}

struct pool_range {
	const char *name;
	struct nat64_prange r;
};

static int op_pool_add(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack)
{
	const struct pool_range *pr = arg;

	return nat64_spec_pool_add(s, pr->name, &pr->r, extack);
}

static int op_pool_del(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack)
{
	return nat64_spec_pool_del(s, arg, extack);
}

static int op_rule_add(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack)
{
	return nat64_spec_rule_add(s, arg, extack);
}

static int op_rule_del(struct nat64_spec *s, const void *arg,
		       struct netlink_ext_ack *extack)
{
	return nat64_spec_rule_del(s, arg, extack);
}

static int op_static_add(struct nat64_spec *s, const void *arg,
			 struct netlink_ext_ack *extack)
{
	return nat64_spec_static_add(s, arg, extack);
}

static int op_static_del(struct nat64_spec *s, const void *arg,
			 struct netlink_ext_ack *extack)
{
	return nat64_spec_static_del(s, arg, extack);
}

/* The deterministic attributes of a pool range being added. */
static int pool_det(struct genl_info *info, struct nlattr **tb,
		    struct nat64_prange *pr)
{
	struct pa_det *d = &pr->det_cfg;
	unsigned int b;

	if (tb[NAT64_POOL_A_DET_SUBLEN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NAT64_POOL_A_DET_SUBLEN],
				    "the subscriber length is a setting (subscriber-prefix)");
		return -EINVAL;
	}
	if (!pr->det) {
		if (tb[NAT64_POOL_A_DET_PREFIX] || tb[NAT64_POOL_A_DET_PLEN]) {
			NL_SET_ERR_MSG(info->extack,
				       "an IPv6 prefix is only for deterministic allocation");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[NAT64_POOL_A_DET_PREFIX] || !tb[NAT64_POOL_A_DET_PLEN]) {
		NL_SET_ERR_MSG(info->extack,
			       "deterministic allocation needs the subscribers' IPv6 prefix and length");
		return -EINVAL;
	}
	nla_memcpy(d->prefix, tb[NAT64_POOL_A_DET_PREFIX], 16);
	d->plen = nla_get_u8(tb[NAT64_POOL_A_DET_PLEN]);
	for (b = d->plen; b < 128; b++) {
		if (d->prefix[b / 8] & (0x80 >> (b % 8))) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[NAT64_POOL_A_DET_PREFIX],
					    "IPv6 prefix has bits set past its length");
			return -EINVAL;
		}
	}
	return 0;
}

/* Blocks at most a block range has (the uapi header's 2^20). */
#define POOL_MAX_BLOCKS	(1U << 20)

/* The port block attributes of a pool range being added. */
static int pool_blk(struct genl_info *info, struct nlattr **tb,
		    struct nat64_prange *pr)
{
	struct netlink_ext_ack *extack = info->extack;
	u32 nports = (u32)pr->r.port_hi - pr->r.port_lo + 1;

	pr->quiet = !!tb[NAT64_POOL_A_QUIET];
	if (pr->quiet && !pr->blk && !pr->det) {
		NL_SET_ERR_MSG(extack,
			       "quiet is for block or deterministic allocation");
		return -EINVAL;
	}
	if (!pr->blk) {
		if (tb[NAT64_POOL_A_BLK_SIZE] || tb[NAT64_POOL_A_BLK_MAX] ||
		    tb[NAT64_POOL_A_BLK_TIMEOUT] ||
		    tb[NAT64_POOL_A_BLK_INTERIM]) {
			NL_SET_ERR_MSG(extack,
				       "block settings are for block allocation");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[NAT64_POOL_A_BLK_SIZE]) {
		NL_SET_ERR_MSG(extack, "block allocation needs a block size");
		return -EINVAL;
	}
	pr->blk_size = nla_get_u16(tb[NAT64_POOL_A_BLK_SIZE]);
	if (pr->blk_size > nports) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NAT64_POOL_A_BLK_SIZE],
				    "block size is larger than the range's ports");
		return -EINVAL;
	}
	if ((u64)(nports / pr->blk_size) * pr->r.naddr > POOL_MAX_BLOCKS) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NAT64_POOL_A_BLK_SIZE],
				    "over 2^20 blocks: make them larger, or the range smaller");
		return -EINVAL;
	}
	pr->blk_max = tb[NAT64_POOL_A_BLK_MAX] ?
		      nla_get_u16(tb[NAT64_POOL_A_BLK_MAX]) : 8;
	if (tb[NAT64_POOL_A_BLK_TIMEOUT])
		pr->blk_timeout = nla_get_u32(tb[NAT64_POOL_A_BLK_TIMEOUT]);
	if (tb[NAT64_POOL_A_BLK_INTERIM]) {
		pr->blk_interim = nla_get_u32(tb[NAT64_POOL_A_BLK_INTERIM]);
		if (pr->blk_interim && pr->blk_interim < 10) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[NAT64_POOL_A_BLK_INTERIM],
					    "interim is 0 (none) or 10 seconds and more");
			return -EINVAL;
		}
	}
	return 0;
}

static int nl_pool_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_POOL_A_MAX + 1];
	struct pool_range prr = {
		.r.r.port_lo = NAT64_POOL_DEFAULT_PORT_MIN,
		.r.r.port_hi = NAT64_POOL_DEFAULT_PORT_MAX,
		.r.protos = BIT(XL_TCP) | BIT(XL_UDP) | BIT(XL_ICMP),
	};
	struct nat64_prange *pr = &prr.r;
	__be32 addr;
	u32 a;
	int err;

	err = parse_nest(info, NAT64_A_POOL, tb, NAT64_POOL_A_MAX,
			 pool_policy);
	if (err)
		return err;
	err = check_name(info, tb[NAT64_POOL_A_NAME]);
	if (err)
		return err;
	if (!tb[NAT64_POOL_A_ADDR] ||
	    !tb[NAT64_POOL_A_PLEN] == !tb[NAT64_POOL_A_LAST]) {
		NL_SET_ERR_MSG(info->extack,
			       "pool needs an address and either a length or a last address");
		return -EINVAL;
	}
	if (!tb[NAT64_POOL_A_PORT_MIN] != !tb[NAT64_POOL_A_PORT_MAX]) {
		NL_SET_ERR_MSG(info->extack,
			       "give both port bounds or neither");
		return -EINVAL;
	}
	if (tb[NAT64_POOL_A_PORT_MIN]) {
		pr->r.port_lo = nla_get_u16(tb[NAT64_POOL_A_PORT_MIN]);
		pr->r.port_hi = nla_get_u16(tb[NAT64_POOL_A_PORT_MAX]);
		if (pr->r.port_lo > pr->r.port_hi) {
			NL_SET_ERR_MSG(info->extack,
				       "pool port range is empty (min > max)");
			return -EINVAL;
		}
	}
	memcpy(&addr, nla_data(tb[NAT64_POOL_A_ADDR]), 4);
	a = ntohl(addr);
	pr->r.addr = a;
	if (tb[NAT64_POOL_A_PLEN]) {
		u8 plen = nla_get_u8(tb[NAT64_POOL_A_PLEN]);

		if (a & ~(plen ? ~0U << (32 - plen) : 0)) {
			NL_SET_ERR_MSG(info->extack,
				       "pool address has host bits set");
			return -EINVAL;
		}
		pr->plen = plen;
		pr->r.naddr = 1U << (32 - plen);
	} else {
		__be32 last;

		memcpy(&last, nla_data(tb[NAT64_POOL_A_LAST]), 4);
		if (ntohl(last) < a || ntohl(last) - a >= 65536) {
			NL_SET_ERR_MSG(info->extack,
				       "address range is empty or over 65536 addresses");
			return -EINVAL;
		}
		pr->last = ntohl(last);
		pr->r.naddr = ntohl(last) - a + 1;
	}
	if (tb[NAT64_POOL_A_PROTOS])
		pr->protos = nla_get_u8(tb[NAT64_POOL_A_PROTOS]);
	if (tb[NAT64_POOL_A_ALLOC]) {
		u8 alloc = nla_get_u8(tb[NAT64_POOL_A_ALLOC]);

		pr->sequential = alloc == NAT64_ALLOC_SEQUENTIAL;
		pr->det = alloc == NAT64_ALLOC_DETERMINISTIC;
		pr->blk = alloc == NAT64_ALLOC_BLOCK;
	}
	err = pool_det(info, tb, pr);
	if (!err)
		err = pool_blk(info, tb, pr);
	if (err)
		return err;
	pr->peer = !!tb[NAT64_POOL_A_PEER];
	if (pr->peer && (pr->det || pr->blk)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NAT64_POOL_A_PEER],
				    "a peer's share has random or sequential allocation");
		return -EINVAL;
	}
	prr.name = nla_data(tb[NAT64_POOL_A_NAME]);
	return edit(info, op_pool_add, &prr);
}

static int nl_pool_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_POOL_A_MAX + 1];
	int err;

	err = parse_nest(info, NAT64_A_POOL, tb, NAT64_POOL_A_MAX,
			 pool_policy);
	if (!err)
		err = check_name(info, tb[NAT64_POOL_A_NAME]);
	if (err)
		return err;
	return edit(info, op_pool_del, nla_data(tb[NAT64_POOL_A_NAME]));
}

static int nl_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_RULE_A_MAX + 1];
	struct nat64_srule r = {};
	int err;

	err = parse_nest(info, NAT64_A_RULE, tb, NAT64_RULE_A_MAX,
			 rule_policy);
	if (!err)
		err = check_name(info, tb[NAT64_RULE_A_NAME]);
	if (!err)
		err = check_name(info, tb[NAT64_RULE_A_POOL]);
	if (err)
		return err;
	if (!tb[NAT64_RULE_A_PREFIX] || !tb[NAT64_RULE_A_PLEN]) {
		NL_SET_ERR_MSG(info->extack, "rule needs a prefix and length");
		return -EINVAL;
	}
	if (!tb[NAT64_RULE_A_SRC] != !tb[NAT64_RULE_A_SRC_PLEN]) {
		NL_SET_ERR_MSG(info->extack,
			       "a source prefix needs its length");
		return -EINVAL;
	}
	strscpy(r.name, nla_data(tb[NAT64_RULE_A_NAME]), sizeof(r.name));
	strscpy(r.pool, nla_data(tb[NAT64_RULE_A_POOL]), sizeof(r.pool));
	nla_memcpy(r.prefix, tb[NAT64_RULE_A_PREFIX], 16);
	r.plen = nla_get_u8(tb[NAT64_RULE_A_PLEN]);
	if (tb[NAT64_RULE_A_SRC]) {
		nla_memcpy(r.src, tb[NAT64_RULE_A_SRC], 16);
		r.src_plen = nla_get_u8(tb[NAT64_RULE_A_SRC_PLEN]);
	}
	return edit(info, op_rule_add, &r);
}

static int nl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_RULE_A_MAX + 1];
	int err;

	err = parse_nest(info, NAT64_A_RULE, tb, NAT64_RULE_A_MAX,
			 rule_policy);
	if (!err)
		err = check_name(info, tb[NAT64_RULE_A_NAME]);
	if (err)
		return err;
	return edit(info, op_rule_del, nla_data(tb[NAT64_RULE_A_NAME]));
}

static void *dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &nat64_family, NLM_F_MULTI, cmd);
}

static int put_pool(struct sk_buff *skb, const struct nat64_pool *p,
		    const struct nat64_prange *pr)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_POOL);

	if (!nest ||
	    nla_put_string(skb, NAT64_POOL_A_NAME, p->name) ||
	    nla_put_in_addr(skb, NAT64_POOL_A_ADDR, htonl(pr->r.addr)) ||
	    (pr->last ?
	     nla_put_in_addr(skb, NAT64_POOL_A_LAST, htonl(pr->last)) :
	     nla_put_u8(skb, NAT64_POOL_A_PLEN, pr->plen)) ||
	    nla_put_u16(skb, NAT64_POOL_A_PORT_MIN, pr->r.port_lo) ||
	    nla_put_u16(skb, NAT64_POOL_A_PORT_MAX, pr->r.port_hi) ||
	    nla_put_u8(skb, NAT64_POOL_A_PROTOS, pr->protos) ||
	    nla_put_u8(skb, NAT64_POOL_A_ALLOC,
		       pr->det ? NAT64_ALLOC_DETERMINISTIC :
		       pr->blk ? NAT64_ALLOC_BLOCK :
		       pr->sequential ? NAT64_ALLOC_SEQUENTIAL :
		       NAT64_ALLOC_RANDOM) ||
	    (pr->quiet && nla_put_flag(skb, NAT64_POOL_A_QUIET)) ||
	    (pr->peer && nla_put_flag(skb, NAT64_POOL_A_PEER)))
		return -EMSGSIZE;
	if (pr->blk) {
		u32 total = 0, used = 0, at_max = 0, bytes = 0;
		u64 refused = 0;

		if (pr->bm)
			nat64_blockmap_counts(pr->bm, &total, &used, &at_max,
					      &refused, &bytes);
		if (nla_put_u16(skb, NAT64_POOL_A_BLK_SIZE, pr->blk_size) ||
		    nla_put_u16(skb, NAT64_POOL_A_BLK_MAX, pr->blk_max) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_TIMEOUT,
				pr->blk_timeout) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_INTERIM,
				pr->blk_interim) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_TOTAL, total) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_USED, used) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_SUBS_AT_MAX, at_max) ||
		    nla_put_u64_64bit(skb, NAT64_POOL_A_BLK_REFUSED, refused,
				      NAT64_POOL_A_PAD) ||
		    nla_put_u32(skb, NAT64_POOL_A_BLK_BYTES, bytes))
			return -EMSGSIZE;
	}
	if (pr->det &&
	    (nla_put(skb, NAT64_POOL_A_DET_PREFIX, 16, pr->det_cfg.prefix) ||
	     nla_put_u8(skb, NAT64_POOL_A_DET_PLEN, pr->det_cfg.plen) ||
	     nla_put_u8(skb, NAT64_POOL_A_DET_SUBLEN, pr->det_cfg.sublen)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0]: ranges (over all pools) already dumped. */
static int nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	struct nat64_pool *p;
	long i = 0;

	mutex_lock(&nn->config_lock);
	list_for_each_entry(p, &nn->pools, list) {
		const struct nat64_pranges *rs;
		unsigned int k;

		rs = rcu_dereference_protected(p->ranges,
					       lockdep_is_held(&nn->config_lock));
		for (k = 0; k < rs->n; k++) {
			void *hdr;

			if (i++ < cb->args[0])
				continue;
			hdr = dump_put(skb, cb, NAT64_CMD_POOL_GET);
			if (!hdr)
				goto out;
			if (put_pool(skb, p, &rs->r[k])) {
				genlmsg_cancel(skb, hdr);
				goto out;
			}
			genlmsg_end(skb, hdr);
			cb->args[0] = i;
		}
	}
out:
	mutex_unlock(&nn->config_lock);
	return skb->len;
}

/* cb->args[0]: index of the next denied network to dump. */
static int nl_deny_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	const struct nat64_spec *s;
	long i;

	mutex_lock(&nn->config_lock);
	s = nn->spec;
	for (i = cb->args[0]; i < s->ndeny; i++) {
		void *hdr = dump_put(skb, cb, NAT64_CMD_DENY_GET);
		struct nlattr *nest;

		if (!hdr)
			break;
		nest = nla_nest_start(skb, NAT64_A_DENY);
		if (!nest ||
		    nla_put_in_addr(skb, NAT64_DENY_A_ADDR,
				    htonl(s->deny[i].addr)) ||
		    nla_put_u8(skb, NAT64_DENY_A_PLEN, s->deny[i].plen)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	mutex_unlock(&nn->config_lock);
	return skb->len;
}

static int nl_fastpath_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct nat64_net *nn = nat64_pernet(net);
	const struct nat64_spec *s;
	struct net_device *dev;
	long i;

	mutex_lock(&nn->config_lock);
	s = nn->spec;
	for (i = cb->args[0]; i < s->nfastpath; i++) {
		void *hdr = dump_put(skb, cb, NAT64_CMD_FASTPATH_GET);
		u32 ifindex = 0;

		if (!hdr)
			break;
		rcu_read_lock();
		dev = dev_get_by_name_rcu(net, s->fastpath[i]);
		if (dev)
			ifindex = dev->ifindex;
		rcu_read_unlock();
		if (nla_put_string(skb, NAT64_A_IFNAME, s->fastpath[i]) ||
		    nla_put_u32(skb, NAT64_A_IFINDEX, ifindex)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	mutex_unlock(&nn->config_lock);
	return skb->len;
}

static int put_rule(struct sk_buff *skb, const struct nat64_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_RULE);

	if (!nest ||
	    nla_put_string(skb, NAT64_RULE_A_NAME, r->name) ||
	    nla_put(skb, NAT64_RULE_A_PREFIX, 16, r->prefix) ||
	    nla_put_u8(skb, NAT64_RULE_A_PLEN, r->plen) ||
	    nla_put_string(skb, NAT64_RULE_A_POOL, r->pool->name) ||
	    (r->src_plen &&
	     (nla_put(skb, NAT64_RULE_A_SRC, 16, r->src) ||
	      nla_put_u8(skb, NAT64_RULE_A_SRC_PLEN, r->src_plen))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0]: index of the next rule to dump. */
static int nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	struct nat64_ruleset *rs;
	long i;

	mutex_lock(&nn->config_lock);
	rs = rcu_dereference_protected(nn->rules,
				       lockdep_is_held(&nn->config_lock));
	for (i = cb->args[0]; rs && i < rs->n; i++) {
		void *hdr = dump_put(skb, cb, NAT64_CMD_RULE_GET);

		if (!hdr)
			break;
		if (put_rule(skb, rs->rule[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	mutex_unlock(&nn->config_lock);
	return skb->len;
}

static int put_mapping(struct sk_buff *skb, struct nat64_net *nn,
		       const struct nat64_bib *b)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_MAPPING);
	struct nat64_rule *rule = nat64_rule_by_id(nn, b->rule);

	if (!nest ||
	    nla_put_u8(skb, NAT64_MAPPING_A_PROTO, nat64_ipproto[b->proto]) ||
	    nla_put_in6_addr(skb, NAT64_MAPPING_A_ADDR6, &b->addr6) ||
	    nla_put_u16(skb, NAT64_MAPPING_A_PORT6, b->port6) ||
	    nla_put_in_addr(skb, NAT64_MAPPING_A_ADDR4, b->addr4) ||
	    nla_put_u16(skb, NAT64_MAPPING_A_PORT4, b->port4) ||
	    nla_put_u32(skb, NAT64_MAPPING_A_SESSIONS,
			READ_ONCE(b->nsessions)))
		return -EMSGSIZE;
	if (b->is_static ? nla_put_flag(skb, NAT64_MAPPING_A_STATIC) :
	    ((rule && nla_put_string(skb, NAT64_MAPPING_A_RULE, rule->name)) ||
	     nla_put_u32(skb, NAT64_MAPPING_A_EXPIRES_MS,
			 jiffies_to_msecs(nat64_bib_remaining(nn, b)))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_session(struct sk_buff *skb, struct nat64_net *nn,
		       const struct nat64_bib *b,
		       const struct nat64_session *s)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_SESSION);
	struct nat64_rule *rule = nat64_rule_by_id(nn, READ_ONCE(s->rule));
	u8 r6[16] = {};

	if (rule)
		rfc6052_embed(rule->prefix, rule->plen,
			      (const u8 *)&s->raddr, r6);
	if (!nest ||
	    nla_put_u8(skb, NAT64_SESSION_A_PROTO, nat64_ipproto[b->proto]) ||
	    nla_put_in6_addr(skb, NAT64_SESSION_A_ADDR6, &b->addr6) ||
	    nla_put_u16(skb, NAT64_SESSION_A_PORT6, b->port6) ||
	    nla_put_in_addr(skb, NAT64_SESSION_A_ADDR4, b->addr4) ||
	    nla_put_u16(skb, NAT64_SESSION_A_PORT4, b->port4) ||
	    nla_put_in_addr(skb, NAT64_SESSION_A_RADDR4, s->raddr) ||
	    nla_put_u16(skb, NAT64_SESSION_A_RPORT,
			b->proto == XL_ICMP ? b->port4 : s->rport) ||
	    nla_put(skb, NAT64_SESSION_A_RADDR6, 16, r6) ||
	    nla_put_u8(skb, NAT64_SESSION_A_STATE,
		       b->proto == XL_TCP ? READ_ONCE(s->state) : 0) ||
	    nla_put_u32(skb, NAT64_SESSION_A_EXPIRES_MS,
			jiffies_to_msecs(nat64_sess_remaining(nn, b->proto,
							      s))) ||
	    (rule && nla_put_string(skb, NAT64_SESSION_A_RULE, rule->name)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The protocol a dump asks for (NAT64_A_PROTO), -1 for all, or -EINVAL. */
static int dump_proto(struct netlink_callback *cb)
{
	const struct nlattr *a = nlmsg_find_attr(cb->nlh, GENL_HDRLEN,
						 NAT64_A_PROTO);

	if (!a)
		return -1;
	if (nla_len(a) < 1 || xl_proto_of(nla_get_u8(a)) < 0)
		return -EINVAL;
	return xl_proto_of(nla_get_u8(a));
}

/*
 * The NAT64_A_ACTIVE_MS of a session dump, in jiffies (0: all), or
 * -EINVAL.
 */
static long dump_active(struct netlink_callback *cb)
{
	const struct nlattr *a = nlmsg_find_attr(cb->nlh, GENL_HDRLEN,
						 NAT64_A_ACTIVE_MS);

	if (!a)
		return 0;
	if (nla_len(a) < 4)
		return -EINVAL;
	return min_t(u32, msecs_to_jiffies(nla_get_u32(a)), INT_MAX / 2) + 1;
}

/* End a dump of buckets under RCU: the next starts at item @next of @bucket. */
static int dump_resume(struct sk_buff *skb, struct netlink_callback *cb,
		       unsigned long bucket, long next)
{
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = next;
	return skb->len;
}

/*
 * Dump BIB entries (@sessions false) or sessions. cb->args[0]: bucket,
 * cb->args[1]: items of it already dumped. The table's generation flags
 * dumps that raced with removals.
 */
static int table_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      bool sessions)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	u8 cmd = sessions ? NAT64_CMD_SESSION_GET : NAT64_CMD_MAPPING_GET;
	unsigned long bucket = cb->args[0];
	long i = 0, skip = cb->args[1];
	struct nat64_maptable *mt;
	int proto = dump_proto(cb);
	long active = dump_active(cb);
	u32 now = jiffies;

	if (proto == -EINVAL) {
		NL_SET_ERR_MSG(cb->extack, "unknown protocol");
		return -EINVAL;
	}
	if (active < 0) {
		NL_SET_ERR_MSG(cb->extack, "active time is a u32");
		return -EINVAL;
	}
	rcu_read_lock();
	mt = rcu_dereference(nn->maps);
	if (!mt)
		goto out;
	cb->seq = atomic_read(&mt->gen);
	for (; bucket <= mt->mask; bucket++, skip = 0) {
		struct nat64_bib *b;

		i = 0;
		hlist_for_each_entry_rcu(b, &mt->h6[bucket], node6) {
			struct nat64_session *s;
			void *hdr;

			if (proto >= 0 && b->proto != proto)
				continue;
			if (!sessions) {
				if (i++ < skip)
					continue;
				hdr = dump_put(skb, cb, cmd);
				if (!hdr)
					goto full;
				genl_dump_check_consistent(cb, hdr);
				if (put_mapping(skb, nn, b)) {
					genlmsg_cancel(skb, hdr);
					goto full;
				}
				genlmsg_end(skb, hdr);
				continue;
			}
			hlist_for_each_entry_rcu(s, &b->sessions, node) {
				if (i++ < skip)
					continue;
				if (active && (u32)(now - READ_ONCE(s->last_used)) >=
					      (u32)active)
					continue;
				hdr = dump_put(skb, cb, cmd);
				if (!hdr)
					goto full;
				genl_dump_check_consistent(cb, hdr);
				if (put_session(skb, nn, b, s)) {
					genlmsg_cancel(skb, hdr);
					goto full;
				}
				genlmsg_end(skb, hdr);
			}
		}
	}
out:
	return dump_resume(skb, cb, bucket, 0);
full:
	/* The item that did not fit is dumped again next time. */
	return dump_resume(skb, cb, bucket, i - 1);
}

static int nl_mapping_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return table_dump(skb, cb, false);
}

static int nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return table_dump(skb, cb, true);
}

/* The subscriber prefix a block dump asks for: plen -1 for all. */
static int block_filter(struct netlink_callback *cb, struct in6_addr *pfx)
{
	const struct nlattr *a = nlmsg_find_attr(cb->nlh, GENL_HDRLEN,
						 NAT64_A_BLOCK);
	struct nlattr *tb[NAT64_BLOCK_A_MAX + 1];
	struct in6_addr p;
	int err;
	u8 plen;

	if (!a)
		return -1;
	err = nla_parse_nested(tb, NAT64_BLOCK_A_MAX, a, block_policy,
			       cb->extack);
	if (err)
		return err;
	if (!tb[NAT64_BLOCK_A_PREFIX] != !tb[NAT64_BLOCK_A_PLEN]) {
		NL_SET_ERR_MSG(cb->extack, "a prefix needs its length");
		return -EINVAL;
	}
	if (!tb[NAT64_BLOCK_A_PREFIX])
		return -1;
	*pfx = nla_get_in6_addr(tb[NAT64_BLOCK_A_PREFIX]);
	plen = nla_get_u8(tb[NAT64_BLOCK_A_PLEN]);
	ipv6_addr_prefix(&p, pfx, plen);
	if (!ipv6_addr_equal(&p, pfx)) {
		NL_SET_ERR_MSG(cb->extack,
			       "IPv6 prefix has bits set past its length");
		return -EINVAL;
	}
	return plen;
}

static int put_block(struct sk_buff *skb, const struct nat64_subscriber *sub,
		     const struct nat64_block *blk, u32 now)
{
	const struct nat64_blockmap *bm = blk->bm;
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_BLOCK);

	if (!nest ||
	    nla_put_in6_addr(skb, NAT64_BLOCK_A_PREFIX, &sub->prefix) ||
	    nla_put_u8(skb, NAT64_BLOCK_A_PLEN, sub->plen) ||
	    nla_put_in_addr(skb, NAT64_BLOCK_A_ADDR4, blk->addr4) ||
	    nla_put_u16(skb, NAT64_BLOCK_A_PORT_MIN, blk->port_lo) ||
	    nla_put_u16(skb, NAT64_BLOCK_A_PORT_MAX,
			blk->port_lo + bm->size - 1) ||
	    nla_put_u8(skb, NAT64_BLOCK_A_PROTOS, bm->protos) ||
	    nla_put_string(skb, NAT64_BLOCK_A_POOL, bm->pool) ||
	    nla_put_u32(skb, NAT64_BLOCK_A_MAPPINGS, blk->used) ||
	    nla_put_u32(skb, NAT64_BLOCK_A_AGE_MS,
			jiffies_to_msecs(now - blk->since)) ||
	    (nat64_blk_open(blk, now) &&
	     nla_put_flag(skb, NAT64_BLOCK_A_ACTIVE)) ||
	    nla_put_u32(skb, NAT64_BLOCK_A_REFUSED, sub->refused))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The subscribers' port blocks, a message each. cb->args[0]: bucket,
 * cb->args[1]: blocks of it already dumped. Each bucket is read under
 * its subscribers' lock.
 */
static int nl_block_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	unsigned long bucket = cb->args[0];
	long i = 0, skip = cb->args[1];
	struct nat64_maptable *mt;
	struct in6_addr pfx;
	int plen = block_filter(cb, &pfx);
	u32 now = jiffies;

	if (plen < -1)
		return plen;
	rcu_read_lock();
	mt = rcu_dereference(nn->maps);
	if (!mt)
		goto out;
	for (; bucket <= mt->mask; bucket++, skip = 0) {
		spinlock_t *lock = &mt->sub_locks[bucket % NAT64_SUB_LOCKS];
		struct nat64_subscriber *sub;
		struct nat64_block *blk;

		i = 0;
		if (hlist_empty(&mt->subs[bucket]))
			continue;
		spin_lock_bh(lock);
		hlist_for_each_entry(sub, &mt->subs[bucket], node) {
			/* Inside the prefix, or holding it (an address). */
			if (plen >= 0 &&
			    !ipv6_prefix_equal(&sub->prefix, &pfx,
					       min_t(int, plen, sub->plen)))
				continue;
			list_for_each_entry(blk, &sub->blocks, node) {
				void *hdr;

				if (i++ < skip)
					continue;
				hdr = dump_put(skb, cb, NAT64_CMD_BLOCK_GET);
				if (!hdr || put_block(skb, sub, blk, now)) {
					if (hdr)
						genlmsg_cancel(skb, hdr);
					spin_unlock_bh(lock);
					goto full;
				}
				genlmsg_end(skb, hdr);
			}
		}
		spin_unlock_bh(lock);
	}
out:
	return dump_resume(skb, cb, bucket, 0);
full:
	/* The item that did not fit is dumped again next time. */
	return dump_resume(skb, cb, bucket, i - 1);
}

static int nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);
	int cpu;

	mutex_lock(&nn->config_lock);
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(nn->stats, cpu), 0,
		       sizeof(u64) * (NAT64_STAT_MAX + 1));
	mutex_unlock(&nn->config_lock);
	return 0;
}

static int nl_session_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);

	mutex_lock(&nn->config_lock);
	nat64_maps_flush(nn, 0, false);
	mutex_unlock(&nn->config_lock);
	nat64_synq_flush(nn);
	return 0;
}

static int nl_bib_change(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_MAPPING_A_MAX + 1];
	bool add = info->genlhdr->cmd == NAT64_CMD_BIB_ADD;
	struct nat64_sstatic st = {};
	int proto, err;

	err = parse_nest(info, NAT64_A_MAPPING, tb, NAT64_MAPPING_A_MAX,
			 mapping_policy);
	if (err)
		return err;
	if (!tb[NAT64_MAPPING_A_PROTO] || !tb[NAT64_MAPPING_A_ADDR6] ||
	    !tb[NAT64_MAPPING_A_PORT6] || !tb[NAT64_MAPPING_A_ADDR4] ||
	    !tb[NAT64_MAPPING_A_PORT4]) {
		NL_SET_ERR_MSG(info->extack,
			       "a static mapping needs a protocol, an IPv6 and an IPv4 address and port");
		return -EINVAL;
	}
	proto = xl_proto_of(nla_get_u8(tb[NAT64_MAPPING_A_PROTO]));
	if (proto < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NAT64_MAPPING_A_PROTO],
				    "protocol must be tcp, udp or icmp");
		return -EINVAL;
	}
	st.proto = proto;
	st.addr6 = nla_get_in6_addr(tb[NAT64_MAPPING_A_ADDR6]);
	st.addr4 = nla_get_in_addr(tb[NAT64_MAPPING_A_ADDR4]);
	st.port6 = nla_get_u16(tb[NAT64_MAPPING_A_PORT6]);
	st.port4 = nla_get_u16(tb[NAT64_MAPPING_A_PORT4]);
	if (proto != XL_ICMP && (!st.port6 || !st.port4)) {
		NL_SET_ERR_MSG(info->extack, "port 0 cannot be mapped");
		return -EINVAL;
	}
	return edit(info, add ? op_static_add : op_static_del, &st);
}

/*
 * The flow a NAT64_CMD_SESSION_ADD or _DEL names in @tb, IPv6 address
 * in @a6; with @full (ADD) its IPv4 side too. 0 or -EINVAL.
 */
static int sync_flow(struct genl_info *info, struct nlattr **tb, bool full,
		     struct nat64_flow *f, struct in6_addr *a6)
{
	int proto;

	if (!tb[NAT64_SESSION_A_PROTO] || !tb[NAT64_SESSION_A_ADDR6] ||
	    !tb[NAT64_SESSION_A_PORT6] || !tb[NAT64_SESSION_A_RADDR4] ||
	    !tb[NAT64_SESSION_A_RPORT] ||
	    (full && (!tb[NAT64_SESSION_A_ADDR4] ||
		      !tb[NAT64_SESSION_A_PORT4] ||
		      !tb[NAT64_SESSION_A_RULE]))) {
		if (full)
			NL_SET_ERR_MSG(info->extack,
				       "a session needs a protocol, both sides' addresses and ports, the peer's, and a rule");
		else
			NL_SET_ERR_MSG(info->extack,
				       "a session is named by its protocol, IPv6 address and port, and the peer's");
		return -EINVAL;
	}
	proto = xl_proto_of(nla_get_u8(tb[NAT64_SESSION_A_PROTO]));
	if (proto < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NAT64_SESSION_A_PROTO],
				    "protocol must be tcp, udp or icmp");
		return -EINVAL;
	}
	*a6 = nla_get_in6_addr(tb[NAT64_SESSION_A_ADDR6]);
	f->proto = proto;
	f->addr6 = a6;
	f->port6 = nla_get_u16(tb[NAT64_SESSION_A_PORT6]);
	f->raddr = nla_get_in_addr(tb[NAT64_SESSION_A_RADDR4]);
	/* ICMP sessions are keyed by the peer alone. */
	f->rport = proto == XL_ICMP ? 0 : nla_get_u16(tb[NAT64_SESSION_A_RPORT]);
	return 0;
}

/* The rule named @name, under RCU. */
static struct nat64_rule *rule_named(struct nat64_net *nn, const char *name)
{
	struct nat64_ruleset *rs = rcu_dereference(nn->rules);
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (!strcmp(rs->rule[i]->name, name))
			return rs->rule[i];
	return NULL;
}

/*
 * May a peer place @f's BIB entry at @addr4:@port4 under @rule? Only
 * in the rule's pool, for a source the rule takes, to a peer that is
 * neither denied nor (under the Well-Known Prefix) non-global.
 */
static int sync_check(struct genl_info *info, struct nat64_net *nn,
		      const struct nat64_rule *rule,
		      const struct nat64_flow *f, __be32 addr4, u16 port4)
{
	if (!nat64_pool_has(rule->pool, ntohl(addr4), port4, f->proto)) {
		NL_SET_ERR_MSG(info->extack,
			       "the IPv4 address and port are in no range of the rule's pool for the protocol");
		return -EINVAL;
	}
	if (rule->src_plen &&
	    !ipv6_prefix_equal(f->addr6, (const struct in6_addr *)rule->src,
			       rule->src_plen)) {
		NL_SET_ERR_MSG(info->extack,
			       "the IPv6 address is outside the rule's source prefix");
		return -EINVAL;
	}
	if (ipv4_is_zeronet(f->raddr) || ipv4_is_loopback(f->raddr) ||
	    ipv4_is_multicast(f->raddr) || ipv4_is_lbcast(f->raddr) ||
	    nat64_denied(nn, ntohl(f->raddr)) ||
	    (rule->wkp && rfc6052_v4_nonglobal((const u8 *)&f->raddr))) {
		NL_SET_ERR_MSG(info->extack,
			       "the IPv4 peer may not be reached through this rule");
		return -EINVAL;
	}
	if (f->proto != XL_ICMP && (!f->port6 || !port4 || !f->rport)) {
		NL_SET_ERR_MSG(info->extack, "port 0 cannot be synced");
		return -EINVAL;
	}
	return 0;
}

static int nl_session_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);
	struct nlattr *tb[NAT64_SESSION_A_MAX + 1];
	struct nat64_maptable *mt;
	struct nat64_rule *rule;
	struct nat64_flow f;
	struct in6_addr a6;
	int err, state = -1;
	bool added = false;
	u32 left = U32_MAX;
	__be32 addr4;
	u16 port4;

	err = parse_nest(info, NAT64_A_SESSION, tb, NAT64_SESSION_A_MAX,
			 session_policy);
	if (!err)
		err = sync_flow(info, tb, true, &f, &a6);
	if (!err)
		err = check_name(info, tb[NAT64_SESSION_A_RULE]);
	if (err)
		goto out;
	addr4 = nla_get_in_addr(tb[NAT64_SESSION_A_ADDR4]);
	port4 = nla_get_u16(tb[NAT64_SESSION_A_PORT4]);
	if (tb[NAT64_SESSION_A_STATE])
		state = nla_get_u8(tb[NAT64_SESSION_A_STATE]);
	if (tb[NAT64_SESSION_A_EXPIRES_MS])
		left = msecs_to_jiffies(nla_get_u32(tb[NAT64_SESSION_A_EXPIRES_MS]));
	rcu_read_lock();
	rule = rule_named(nn, nla_data(tb[NAT64_SESSION_A_RULE]));
	mt = rcu_dereference(nn->maps);
	if (!rule || !mt) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NAT64_SESSION_A_RULE],
				    "no rule of that name");
		err = -ENOENT;
	} else {
		err = sync_check(info, nn, rule, &f, addr4, port4);
	}
	if (!err) {
		err = nat64_sess_sync(nn, mt, rule, &f, addr4, port4, state,
				      left, &added);
		if (err == -EEXIST) {
			nat64_stat_inc(nn, NAT64_STAT_SYNC_CONFLICTS);
			NL_SET_ERR_MSG(info->extack,
				       "the IPv6 or the IPv4 side is mapped otherwise here");
		} else if (err) {
			NL_SET_ERR_MSG(info->extack,
				       "a session or port limit, or no memory");
		}
	}
	rcu_read_unlock();
out:
	nat64_stat_inc(nn, err ? NAT64_STAT_SYNC_REFUSED :
		       added ? NAT64_STAT_SYNC_ADDED :
		       NAT64_STAT_SYNC_UPDATED);
	return err;
}

static int nl_session_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nat64_net *nn = info_nn(info);
	struct nlattr *tb[NAT64_SESSION_A_MAX + 1];
	struct nat64_maptable *mt;
	struct nat64_flow f;
	struct in6_addr a6;
	int err;

	err = parse_nest(info, NAT64_A_SESSION, tb, NAT64_SESSION_A_MAX,
			 session_policy);
	if (!err)
		err = sync_flow(info, tb, false, &f, &a6);
	if (err)
		return err;
	/* The maps stay while the namespace does: config_lock not needed. */
	rcu_read_lock();
	mt = rcu_dereference(nn->maps);
	rcu_read_unlock();
	err = mt ? nat64_sess_unsync(nn, mt, &f) : -ENOENT;
	if (err)
		NL_SET_ERR_MSG(info->extack, "no such session");
	return err;
}

static const struct genl_ops nat64_ops[] = {
	{
		.cmd = NAT64_CMD_GET_VERSION,
		.doit = nl_get_version,
	}, {
		.cmd = NAT64_CMD_GET_STATS,
		.doit = nl_get_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_POOL_ADD,
		.doit = nl_pool_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_POOL_DEL,
		.doit = nl_pool_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_POOL_GET,
		.dumpit = nl_pool_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_RULE_ADD,
		.doit = nl_rule_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_RULE_DEL,
		.doit = nl_rule_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_RULE_GET,
		.dumpit = nl_rule_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_MAPPING_GET,
		.dumpit = nl_mapping_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_SET_CONFIG,
		.doit = nl_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_GET_CONFIG,
		.doit = nl_get_config,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BIB_ADD,
		.doit = nl_bib_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BIB_DEL,
		.doit = nl_bib_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_SESSION_GET,
		.dumpit = nl_session_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_SESSION_FLUSH,
		.doit = nl_session_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_STATS_RESET,
		.doit = nl_stats_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_CONFIG_FLUSH,
		.doit = nl_config_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BATCH_BEGIN,
		.doit = nl_batch,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BATCH_COMMIT,
		.doit = nl_batch,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BATCH_ABORT,
		.doit = nl_batch,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_DENY_ADD,
		.doit = nl_deny_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_DENY_DEL,
		.doit = nl_deny_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_DENY_GET,
		.dumpit = nl_deny_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_BLOCK_GET,
		.dumpit = nl_block_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_SESSION_ADD,
		.doit = nl_session_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_SESSION_DEL,
		.doit = nl_session_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_FASTPATH_ADD,
		.doit = nl_fastpath_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_FASTPATH_DEL,
		.doit = nl_fastpath_change,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NAT64_CMD_FASTPATH_GET,
		.dumpit = nl_fastpath_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Only CAP_NET_ADMIN may join: events name the IPv6 hosts. */
static const struct genl_multicast_group nat64_mcgrps[] = {
	{ .name = NAT64_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * parallel_ops: the handlers run without genl_mutex, so that a commit's
 * grace period or table sweep stalls no other family. Each one that
 * reads or changes a namespace's configuration (the spec, the open
 * batch, pools, rules, the deny list, settings read as a whole) takes
 * that namespace's config_lock; the mapping tables are read under RCU
 * (dumps) and changed under their bucket locks; counters are per-CPU.
 * GET_VERSION reads nothing, GET_STATS only counters and table sizes.
 * Events are multicast from any context, with no lock of the family.
 */
static struct genl_family nat64_family __ro_after_init = {
	.name = NAT64_GENL_NAME,
	.version = NAT64_GENL_VERSION,
	.maxattr = NAT64_A_MAX,
	.policy = nat64_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = nat64_ops,
	.n_ops = ARRAY_SIZE(nat64_ops),
	.mcgrps = nat64_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nat64_mcgrps),
};

/* A batch dies with the socket that opened it. */
static int nat64_nl_notify(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct nat64_net *nn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nn = nat64_pernet(n->net);
	if (READ_ONCE(nn->stage))
		nat64_batch_release(nn, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block nat64_nl_notifier = {
	.notifier_call = nat64_nl_notify,
};

/* Cleared before the family goes: its group numbers are stale then. */
static bool events_on;

int __init nat64_genl_init(void)
{
	int err = netlink_register_notifier(&nat64_nl_notifier);

	if (err)
		return err;
	err = genl_register_family(&nat64_family);
	if (err)
		netlink_unregister_notifier(&nat64_nl_notifier);
	WRITE_ONCE(events_on, !err);
	return err;
}

void nat64_genl_uninit(void)
{
	WRITE_ONCE(events_on, false);
	genl_unregister_family(&nat64_family);
	netlink_unregister_notifier(&nat64_nl_notifier);
}

bool nat64_genl_listening(struct net *net)
{
	return READ_ONCE(events_on) &&
	       genl_has_listeners(&nat64_family, net, 0);
}

void *nat64_genl_event_put(struct sk_buff *skb)
{
	return genlmsg_put(skb, 0, 0, &nat64_family, 0, NAT64_CMD_EVENT);
}

int nat64_genl_event_send(struct net *net, struct sk_buff *skb)
{
	return genlmsg_multicast_netns(&nat64_family, net, skb, 0, 0,
				       GFP_ATOMIC);
}
