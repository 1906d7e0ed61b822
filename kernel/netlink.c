// SPDX-License-Identifier: GPL-2.0
/*
 * The "nat64" generic netlink family; include/uapi/nat64.h documents it.
 */
#include <linux/ctype.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "mapping.h"

static const struct nla_policy pool_policy[NAT64_POOL_A_MAX + 1] = {
	[NAT64_POOL_A_NAME] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
	[NAT64_POOL_A_ADDR] = NLA_POLICY_EXACT_LEN(4),
	[NAT64_POOL_A_PLEN] = NLA_POLICY_RANGE(NLA_U8, NAT64_POOL_MIN_PLEN, 32),
	[NAT64_POOL_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[NAT64_POOL_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy rule_policy[NAT64_RULE_A_MAX + 1] = {
	[NAT64_RULE_A_NAME] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
	[NAT64_RULE_A_PREFIX] = NLA_POLICY_EXACT_LEN(16),
	[NAT64_RULE_A_PLEN] = NLA_POLICY_RANGE(NLA_U8, 32, 96),
	[NAT64_RULE_A_POOL] = { .type = NLA_NUL_STRING,
				.len = NAT64_NAME_MAX - 1 },
};

/* Past the s16 bounds of NLA_POLICY_RANGE(). */
static struct netlink_range_validation mtu_range = {
	.min = 1280,
	.max = 65535,
};

static struct netlink_range_validation udp_timeout_range = {
	.min = 120,
	.max = 604800,
};

static struct netlink_range_validation timeout_range = {
	.min = 1,
	.max = 604800,
};

static const struct nla_policy config_policy[NAT64_CONFIG_A_MAX + 1] = {
	[NAT64_CONFIG_A_CLEAR_DF] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_LOWEST_IPV6_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32,
								 &mtu_range),
	[NAT64_CONFIG_A_RESET_TOS] = NLA_POLICY_MAX(NLA_U8, 1),
	[NAT64_CONFIG_A_TIMEOUT_UDP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &udp_timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_TCP_EST] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_TCP_TRANS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[NAT64_CONFIG_A_TIMEOUT_ICMP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
};

/* Timeout attributes, in enum nat64_timeout order. */
static const int timeout_attr[NAT64_TO_COUNT] = {
	[NAT64_TO_UDP] = NAT64_CONFIG_A_TIMEOUT_UDP,
	[NAT64_TO_TCP_EST] = NAT64_CONFIG_A_TIMEOUT_TCP_EST,
	[NAT64_TO_TCP_TRANS] = NAT64_CONFIG_A_TIMEOUT_TCP_TRANS,
	[NAT64_TO_ICMP] = NAT64_CONFIG_A_TIMEOUT_ICMP,
};

/* Requests carry only these; the rest are reply-only and refused. */
static const struct nla_policy nat64_policy[NAT64_A_MAX + 1] = {
	[NAT64_A_POOL] = NLA_POLICY_NESTED(pool_policy),
	[NAT64_A_RULE] = NLA_POLICY_NESTED(rule_policy),
	[NAT64_A_CONFIG] = NLA_POLICY_NESTED(config_policy),
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
	u32 count = 0;
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
	if (mt)
		count = atomic_read(&mt->count);
	rcu_read_unlock();
	if (nla_put_u32(msg, NAT64_A_MAPPING_COUNT, count))
		goto nospace;
	genlmsg_end(msg, hdr);
	return nl_reply(info, msg);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_CONFIG_A_MAX + 1];
	struct nat64_net *nn = info_nn(info);
	int err, i;

	err = parse_nest(info, NAT64_A_CONFIG, tb, NAT64_CONFIG_A_MAX,
			 config_policy);
	if (err)
		return err;
	/* Validated as a whole above: nothing below can fail. */
	mutex_lock(&nn->config_lock);
	if (tb[NAT64_CONFIG_A_CLEAR_DF])
		WRITE_ONCE(nn->clear_df,
			   nla_get_u8(tb[NAT64_CONFIG_A_CLEAR_DF]));
	if (tb[NAT64_CONFIG_A_LOWEST_IPV6_MTU])
		WRITE_ONCE(nn->lowest_ipv6_mtu,
			   nla_get_u32(tb[NAT64_CONFIG_A_LOWEST_IPV6_MTU]));
	if (tb[NAT64_CONFIG_A_RESET_TOS])
		WRITE_ONCE(nn->reset_tos,
			   nla_get_u8(tb[NAT64_CONFIG_A_RESET_TOS]));
	for (i = 0; i < NAT64_TO_COUNT; i++)
		if (tb[timeout_attr[i]])
			WRITE_ONCE(nn->timeout[i],
				   nla_get_u32(tb[timeout_attr[i]]));
	mutex_unlock(&nn->config_lock);
	return 0;
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
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return nl_reply(info, msg);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nl_pool_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_POOL_A_MAX + 1];
	u16 lo = NAT64_POOL_DEFAULT_PORT_MIN, hi = NAT64_POOL_DEFAULT_PORT_MAX;
	__be32 addr;
	int err;

	err = parse_nest(info, NAT64_A_POOL, tb, NAT64_POOL_A_MAX,
			 pool_policy);
	if (err)
		return err;
	err = check_name(info, tb[NAT64_POOL_A_NAME]);
	if (err)
		return err;
	if (!tb[NAT64_POOL_A_ADDR] || !tb[NAT64_POOL_A_PLEN]) {
		NL_SET_ERR_MSG(info->extack, "pool needs an address and length");
		return -EINVAL;
	}
	if (!tb[NAT64_POOL_A_PORT_MIN] != !tb[NAT64_POOL_A_PORT_MAX]) {
		NL_SET_ERR_MSG(info->extack,
			       "give both port bounds or neither");
		return -EINVAL;
	}
	if (tb[NAT64_POOL_A_PORT_MIN]) {
		lo = nla_get_u16(tb[NAT64_POOL_A_PORT_MIN]);
		hi = nla_get_u16(tb[NAT64_POOL_A_PORT_MAX]);
	}
	memcpy(&addr, nla_data(tb[NAT64_POOL_A_ADDR]), 4);
	return nat64_pool_add(info_nn(info), nla_data(tb[NAT64_POOL_A_NAME]),
			      addr, nla_get_u8(tb[NAT64_POOL_A_PLEN]), lo, hi,
			      info->extack);
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
	return nat64_pool_del(info_nn(info), nla_data(tb[NAT64_POOL_A_NAME]),
			      info->extack);
}

static int nl_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[NAT64_RULE_A_MAX + 1];
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
	return nat64_rule_add(info_nn(info), nla_data(tb[NAT64_RULE_A_NAME]),
			      nla_data(tb[NAT64_RULE_A_PREFIX]),
			      nla_get_u8(tb[NAT64_RULE_A_PLEN]),
			      nla_data(tb[NAT64_RULE_A_POOL]), info->extack);
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
	return nat64_rule_del(info_nn(info), nla_data(tb[NAT64_RULE_A_NAME]),
			      info->extack);
}

static void *dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &nat64_family, NLM_F_MULTI, cmd);
}

static int put_pool(struct sk_buff *skb, const struct nat64_pool *p)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_POOL);

	if (!nest ||
	    nla_put_string(skb, NAT64_POOL_A_NAME, p->name) ||
	    nla_put(skb, NAT64_POOL_A_ADDR, 4, &p->addr) ||
	    nla_put_u8(skb, NAT64_POOL_A_PLEN, p->plen) ||
	    nla_put_u16(skb, NAT64_POOL_A_PORT_MIN, p->range.port_lo) ||
	    nla_put_u16(skb, NAT64_POOL_A_PORT_MAX, p->range.port_hi))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0]: index of the next pool to dump. */
static int nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	struct nat64_pool *p;
	long i = 0;

	mutex_lock(&nn->config_lock);
	list_for_each_entry(p, &nn->pools, list) {
		void *hdr;

		if (i++ < cb->args[0])
			continue;
		hdr = dump_put(skb, cb, NAT64_CMD_POOL_GET);
		if (!hdr)
			break;
		if (put_pool(skb, p)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
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
	    nla_put_string(skb, NAT64_RULE_A_POOL, r->pool->name))
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

static const u8 map_ipproto[XL_NPROTO] = {
	[XL_TCP] = IPPROTO_TCP,
	[XL_UDP] = IPPROTO_UDP,
	[XL_ICMP] = IPPROTO_ICMPV6,
};

static int put_mapping(struct sk_buff *skb, struct nat64_net *nn,
		       const struct nat64_mapping *m)
{
	struct nlattr *nest = nla_nest_start(skb, NAT64_A_MAPPING);
	u32 ms = jiffies_to_msecs(nat64_map_remaining(nn, m));

	if (!nest ||
	    nla_put_u8(skb, NAT64_MAPPING_A_PROTO, map_ipproto[m->proto]) ||
	    nla_put_in6_addr(skb, NAT64_MAPPING_A_ADDR6, &m->addr6) ||
	    nla_put_u16(skb, NAT64_MAPPING_A_PORT6, m->port6) ||
	    nla_put_in_addr(skb, NAT64_MAPPING_A_ADDR4, m->addr4) ||
	    nla_put_u16(skb, NAT64_MAPPING_A_PORT4, m->port4) ||
	    nla_put_string(skb, NAT64_MAPPING_A_RULE, m->rule->name) ||
	    nla_put_u32(skb, NAT64_MAPPING_A_EXPIRES_MS, ms))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * cb->args[0]: bucket, cb->args[1]: entries of it already dumped. The
 * table's generation flags dumps that raced with changes.
 */
static int nl_mapping_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nat64_net *nn = nat64_pernet(sock_net(skb->sk));
	struct nat64_maptable *mt;
	unsigned long b = cb->args[0];
	long i = 0, skip = cb->args[1];

	rcu_read_lock();
	mt = rcu_dereference(nn->maps);
	if (!mt)
		goto out;
	cb->seq = atomic_read(&mt->gen);
	for (; b <= mt->mask; b++, skip = 0) {
		struct nat64_mapping *m;

		i = 0;
		hlist_for_each_entry_rcu(m, &mt->h6[b], node6) {
			void *hdr;

			if (i < skip) {
				i++;
				continue;
			}
			hdr = dump_put(skb, cb, NAT64_CMD_MAPPING_GET);
			if (!hdr)
				goto out;
			genl_dump_check_consistent(cb, hdr);
			if (put_mapping(skb, nn, m)) {
				genlmsg_cancel(skb, hdr);
				goto out;
			}
			genlmsg_end(skb, hdr);
			i++;
		}
	}
	i = 0;
out:
	rcu_read_unlock();
	cb->args[0] = b;
	cb->args[1] = i;
	return skb->len;
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
	},
};

static struct genl_family nat64_family __ro_after_init = {
	.name = NAT64_GENL_NAME,
	.version = NAT64_GENL_VERSION,
	.maxattr = NAT64_A_MAX,
	.policy = nat64_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = nat64_ops,
	.n_ops = ARRAY_SIZE(nat64_ops),
};

int __init nat64_genl_init(void)
{
	return genl_register_family(&nat64_family);
}

void nat64_genl_uninit(void)
{
	genl_unregister_family(&nat64_family);
}
