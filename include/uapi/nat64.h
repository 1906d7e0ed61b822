/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nat64 - stateful NAT64 (RFC 6146) for Linux: generic netlink protocol.
 *
 * This header is the whole documentation of the protocol between the
 * nat64 kernel module and its control tools (nat64ctl).
 *
 * Family
 * ------
 * Generic netlink family "nat64" (NAT64_GENL_NAME), version
 * NAT64_GENL_VERSION. The family is network-namespace aware: every command
 * acts on the network namespace of the netlink socket that sent it. All
 * state (pools, rules, mappings, counters) is per namespace.
 *
 * Permissions
 * -----------
 * Every command except NAT64_CMD_GET_VERSION needs CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM); without
 * it the kernel answers -EPERM.
 *
 * Validation
 * ----------
 * Attributes are validated strictly against the policies documented below:
 * unknown attributes, wrong lengths and out-of-range values are refused
 * with -EINVAL (or -ERANGE) and an extended ack (NLMSGERR_ATTR_MSG) that
 * says what was wrong. A refused command changes nothing.
 *
 * Commands
 * --------
 * NAT64_CMD_GET_VERSION (do)
 *	Request: no attributes.
 *	Reply:   NAT64_A_VERSION.
 *
 * NAT64_CMD_GET_STATS (do)
 *	Request: no attributes.
 *	Reply:   NAT64_A_STATS (nest of NAT64_STAT_* -> u64 counters, one
 *	         attribute per counter, summed over all CPUs),
 *	         NAT64_A_MAPPING_COUNT (u32, mappings currently held).
 *
 * NAT64_CMD_POOL_ADD (do)
 *	Request: NAT64_A_POOL with NAT64_POOL_A_NAME, NAT64_POOL_A_ADDR,
 *	         NAT64_POOL_A_PLEN, optionally NAT64_POOL_A_PORT_MIN and
 *	         NAT64_POOL_A_PORT_MAX (both or none; default
 *	         NAT64_POOL_DEFAULT_PORT_MIN..NAT64_POOL_DEFAULT_PORT_MAX).
 *	Errors:  -EEXIST  a pool of that name exists;
 *	         -EINVAL  host bits set in ADDR/PLEN, PORT_MIN > PORT_MAX, or
 *	                  only one of the two port bounds given;
 *	         -EADDRINUSE  the addresses overlap another pool's;
 *	         -ENOSPC  the namespace holds NAT64_MAX_POOLS pools already.
 *
 * NAT64_CMD_POOL_DEL (do)
 *	Request: NAT64_A_POOL with NAT64_POOL_A_NAME.
 *	Errors:  -ENOENT no such pool; -EBUSY a rule uses the pool.
 *
 * NAT64_CMD_POOL_GET (dump)
 *	Reply:   one message per pool, each with NAT64_A_POOL (all of
 *	         NAT64_POOL_A_*).
 *
 * NAT64_CMD_RULE_ADD (do)
 *	Request: NAT64_A_RULE with NAT64_RULE_A_NAME, NAT64_RULE_A_PREFIX,
 *	         NAT64_RULE_A_PLEN and NAT64_RULE_A_POOL.
 *	         IPv6 packets whose destination lies inside PREFIX/PLEN are
 *	         translated to IPv4 (destination extracted per RFC 6052,
 *	         source taken from the pool); answers come back with their
 *	         IPv4 source embedded in the same prefix.
 *	Errors:  -EEXIST  a rule of that name exists;
 *	         -ENOENT  the pool does not exist;
 *	         -EINVAL  PLEN is not one of 32, 40, 48, 56, 64, 96, bits set
 *	                  past PLEN, or non-zero u-octet (bits 64..71);
 *	         -EADDRINUSE  the prefix overlaps another rule's prefix;
 *	         -ENOSPC  the namespace holds NAT64_MAX_RULES rules already.
 *	The first rule of a namespace registers the namespace's netfilter
 *	hooks; deleting the last one unregisters them.
 *
 * NAT64_CMD_RULE_DEL (do)
 *	Request: NAT64_A_RULE with NAT64_RULE_A_NAME.
 *	Errors:  -ENOENT no such rule. Mappings made through the rule are
 *	         flushed with it.
 *
 * NAT64_CMD_RULE_GET (dump)
 *	Reply:   one message per rule, each with NAT64_A_RULE (all of
 *	         NAT64_RULE_A_*).
 *
 * NAT64_CMD_MAPPING_GET (dump)
 *	Reply:   one message per mapping with NAT64_A_MAPPING (all of
 *	         NAT64_MAPPING_A_*). Mappings are kept in hash tables: a dump
 *	         that spans several recvmsg() calls while mappings come and go
 *	         may miss or repeat entries, and is then flagged with
 *	         NLM_F_DUMP_INTR.
 *
 * NAT64_CMD_SET_CONFIG (do)
 *	Request: NAT64_A_CONFIG with any of NAT64_CONFIG_A_*; the ones given
 *	         are changed, the others kept.
 *	Errors:  -EINVAL/-ERANGE a value out of its range.
 *
 * NAT64_CMD_GET_CONFIG (do)
 *	Request: no attributes.
 *	Reply:   NAT64_A_CONFIG with all of NAT64_CONFIG_A_*.
 *
 * Names (pools, rules) are 1..NAT64_NAME_MAX-1 printable characters,
 * NUL-terminated. Addresses are in network byte order.
 */
#ifndef _UAPI_NAT64_H
#define _UAPI_NAT64_H

#define NAT64_GENL_NAME		"nat64"
#define NAT64_GENL_VERSION	1

#define NAT64_NAME_MAX		16	/* including the terminating NUL */
#define NAT64_MAX_POOLS		64
#define NAT64_MAX_RULES		64
#define NAT64_POOL_MIN_PLEN	16	/* at most 65536 addresses a pool */
#define NAT64_POOL_DEFAULT_PORT_MIN	1024
#define NAT64_POOL_DEFAULT_PORT_MAX	65535

enum nat64_cmd {
	NAT64_CMD_UNSPEC,
	NAT64_CMD_GET_VERSION,
	NAT64_CMD_GET_STATS,
	NAT64_CMD_POOL_ADD,
	NAT64_CMD_POOL_DEL,
	NAT64_CMD_POOL_GET,
	NAT64_CMD_RULE_ADD,
	NAT64_CMD_RULE_DEL,
	NAT64_CMD_RULE_GET,
	NAT64_CMD_MAPPING_GET,
	NAT64_CMD_SET_CONFIG,
	NAT64_CMD_GET_CONFIG,
	__NAT64_CMD_MAX
};
#define NAT64_CMD_MAX (__NAT64_CMD_MAX - 1)

/* Top-level attributes. */
enum nat64_attr {
	NAT64_A_UNSPEC,
	NAT64_A_VERSION,	/* NUL-terminated string, module version */
	NAT64_A_STATS,		/* nest: NAT64_STAT_* */
	NAT64_A_MAPPING_COUNT,	/* u32 */
	NAT64_A_POOL,		/* nest: NAT64_POOL_A_* */
	NAT64_A_RULE,		/* nest: NAT64_RULE_A_* */
	NAT64_A_MAPPING,	/* nest: NAT64_MAPPING_A_* */
	NAT64_A_PAD,		/* padding for 64-bit attributes */
	NAT64_A_CONFIG,		/* nest: NAT64_CONFIG_A_* */
	__NAT64_A_MAX
};
#define NAT64_A_MAX (__NAT64_A_MAX - 1)

/* Inside NAT64_A_POOL. */
enum nat64_pool_attr {
	NAT64_POOL_A_UNSPEC,
	NAT64_POOL_A_NAME,	/* string, 1..NAT64_NAME_MAX-1 characters */
	NAT64_POOL_A_ADDR,	/* 4 bytes, IPv4 network address */
	NAT64_POOL_A_PLEN,	/* u8, NAT64_POOL_MIN_PLEN..32 */
	NAT64_POOL_A_PORT_MIN,	/* u16 (host order), 1..65535 */
	NAT64_POOL_A_PORT_MAX,	/* u16 (host order), 1..65535, >= PORT_MIN */
	__NAT64_POOL_A_MAX
};
#define NAT64_POOL_A_MAX (__NAT64_POOL_A_MAX - 1)

/* Inside NAT64_A_RULE. */
enum nat64_rule_attr {
	NAT64_RULE_A_UNSPEC,
	NAT64_RULE_A_NAME,	/* string, 1..NAT64_NAME_MAX-1 characters */
	NAT64_RULE_A_PREFIX,	/* 16 bytes, RFC 6052 IPv6 prefix */
	NAT64_RULE_A_PLEN,	/* u8, one of 32, 40, 48, 56, 64, 96 */
	NAT64_RULE_A_POOL,	/* string, name of an existing pool */
	__NAT64_RULE_A_MAX
};
#define NAT64_RULE_A_MAX (__NAT64_RULE_A_MAX - 1)

/* Inside NAT64_A_MAPPING (dump replies only). */
enum nat64_mapping_attr {
	NAT64_MAPPING_A_UNSPEC,
	NAT64_MAPPING_A_PROTO,		/* u8: IPPROTO_TCP, _UDP or _ICMPV6 */
	NAT64_MAPPING_A_ADDR6,		/* 16 bytes: IPv6 host's address */
	NAT64_MAPPING_A_PORT6,		/* u16: its port (ICMP: identifier) */
	NAT64_MAPPING_A_ADDR4,		/* 4 bytes: pool address */
	NAT64_MAPPING_A_PORT4,		/* u16: pool port (ICMP: identifier) */
	NAT64_MAPPING_A_RULE,		/* string: rule that made it */
	NAT64_MAPPING_A_EXPIRES_MS,	/* u32: ms until it expires if idle */
	__NAT64_MAPPING_A_MAX
};
#define NAT64_MAPPING_A_MAX (__NAT64_MAPPING_A_MAX - 1)

/* Inside NAT64_A_CONFIG: translation settings of the namespace. */
enum nat64_config_attr {
	NAT64_CONFIG_A_UNSPEC,
	/*
	 * u8, 0 or 1 (default 0): translated IPv6->IPv4 packets never carry
	 * Don't Fragment (other vendors' "clear-dont-fragment-bit").
	 */
	NAT64_CONFIG_A_CLEAR_DF,
	/*
	 * u32, 1280..65535 (default 1280): the smallest MTU on the IPv6
	 * side. IPv4 packets that allow fragmentation (DF clear) and would
	 * be larger as IPv6 are fragmented to this size.
	 */
	NAT64_CONFIG_A_LOWEST_IPV6_MTU,
	/*
	 * u8, 0 or 1 (default 0): set the IPv4 TOS / IPv6 traffic class of
	 * translated packets to zero instead of copying it (RFC 7915 §4.1).
	 */
	NAT64_CONFIG_A_RESET_TOS,
	/*
	 * u32 seconds: how long an idle mapping lives. UDP 120..604800
	 * (default 300; RFC 4787 REQ-5 forbids less than 2 minutes), TCP
	 * established 1..604800 (default 7440, the RFC 5382 minimum), TCP
	 * transitory (before both sides spoke, after both FINs or an RST)
	 * 1..604800 (default 240), ICMP 1..604800 (default 60). Values below
	 * the RFC defaults for TCP and ICMP are for tests and labs.
	 */
	NAT64_CONFIG_A_TIMEOUT_UDP,
	NAT64_CONFIG_A_TIMEOUT_TCP_EST,
	NAT64_CONFIG_A_TIMEOUT_TCP_TRANS,
	NAT64_CONFIG_A_TIMEOUT_ICMP,
	__NAT64_CONFIG_A_MAX
};
#define NAT64_CONFIG_A_MAX (__NAT64_CONFIG_A_MAX - 1)

/*
 * Inside NAT64_A_STATS: one u64 attribute per counter, the attribute type
 * being the counter's number. Userspace ignores numbers it does not know.
 */
enum nat64_stat {
	NAT64_STAT_UNSPEC,
	NAT64_STAT_6TO4_PACKETS,	/* IPv6 packets translated to IPv4 */
	NAT64_STAT_4TO6_PACKETS,	/* IPv4 packets translated to IPv6 */
	NAT64_STAT_MAPPINGS_CREATED,	/* mappings created */
	NAT64_STAT_MAPPINGS_EXPIRED,	/* mappings removed after timeout */
	NAT64_STAT_4TO6_NO_MAPPING,	/* IPv4 to a pool, no mapping: left alone */
	/* dropped: pool exhausted (ICMPv6 address unreachable sent) */
	NAT64_STAT_6TO4_NO_PORT,
	NAT64_STAT_DROP_TRUNCATED,	/* dropped: headers shorter than claimed */
	/* dropped: protocol, extension header or fragment not translated */
	NAT64_STAT_DROP_UNSUPPORTED,
	/* dropped: TTL / hop limit ran out (ICMP time exceeded sent) */
	NAT64_STAT_DROP_HOPLIMIT,
	NAT64_STAT_DROP_NO_ROUTE,	/* dropped: no route for translated packet */
	NAT64_STAT_DROP_NOMEM,		/* dropped: out of memory */
	/* dropped: translated packet over the MTU with DF (ICMP too big sent) */
	NAT64_STAT_DROP_TOO_BIG,
	NAT64_STAT_DROP_CHECKSUM,	/* dropped: IPv6 UDP without checksum */
	/* dropped: ICMP type/code with no translation (RFC 7915 §4.2, §5.2) */
	NAT64_STAT_DROP_ICMP_TYPE,
	/* dropped: routing header with segments left (ICMPv6 parameter problem sent) */
	NAT64_STAT_DROP_ROUTING_HDR,
	/* dropped: unexpired IPv4 source route (ICMP source route failed sent) */
	NAT64_STAT_DROP_SOURCE_ROUTE,
	/* dropped: ICMP error whose inner packet is malformed or has no mapping */
	NAT64_STAT_DROP_BAD_INNER,
	NAT64_STAT_ICMP_ERR_6TO4,	/* ICMPv6 errors translated to ICMPv4 */
	NAT64_STAT_ICMP_ERR_4TO6,	/* ICMPv4 errors translated to ICMPv6 */
	/* ICMP errors the translator originated (time exceeded, too big, ...) */
	NAT64_STAT_ICMP_SENT,
	/* dropped: IPv6 source inside a NAT64 prefix (RFC 6146 §3.5.1) */
	NAT64_STAT_DROP_SRC_IN_PREFIX,
	__NAT64_STAT_MAX
};
#define NAT64_STAT_MAX (__NAT64_STAT_MAX - 1)

#endif /* _UAPI_NAT64_H */
