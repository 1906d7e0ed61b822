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
 * it the kernel answers -EPERM. Joining the multicast group
 * NAT64_MCGRP_EVENTS needs the same (GENL_MCAST_CAP_NET_ADMIN).
 * A namespace's root in a user namespace of its own (a container) is
 * such a user; two settings reach beyond the namespace and need
 * CAP_NET_ADMIN in the initial user namespace as well (the host's
 * administrator), else -EPERM with an extended ack:
 *  - turning NAT64_CONFIG_A_LOG_MAPPINGS or NAT64_CONFIG_A_LOG_DESTINATIONS
 *    on (the lines go to the host's kernel log);
 *  - NAT64_CONFIG_A_LIMIT_SESSIONS above NAT64_LIMIT_SESSIONS_USERNS
 *    (refused, not clamped).
 * The family runs its commands in parallel (parallel_ops): each takes
 * its namespace's configuration lock, so a slow commit in one namespace
 * (it waits for an RCU grace period) holds up neither other namespaces
 * nor other generic netlink families.
 *
 * Validation
 * ----------
 * Attributes are validated strictly against the policies documented below:
 * unknown attributes, wrong lengths and out-of-range values are refused
 * with -EINVAL (or -ERANGE) and an extended ack (NLMSGERR_ATTR_MSG) that
 * says what was wrong. A refused command changes nothing.
 *
 * Configuration, batches
 * -----------------------
 * The configuration of a namespace is its pools, rules, static BIB
 * entries and settings. Every change (POOL_ADD/DEL, RULE_ADD/DEL,
 * BIB_ADD/DEL, SET_CONFIG, CONFIG_FLUSH) is made to a copy of it, checked,
 * and committed whole: the packet path sees the old configuration or the
 * new one, never a mix. Rules that a commit keeps unchanged (same prefix,
 * source and pool name, and a pool that lost no range) keep their
 * mappings; mappings made through a rule that goes or changes are
 * removed.
 *
 * A batch groups changes into one commit, however many messages they
 * take: NAT64_CMD_BATCH_BEGIN copies the configuration aside; each change
 * sent with the flag NAT64_A_BATCH on the same socket is checked and made
 * to that copy only (its errors are reported as usual, and leave the copy
 * as it was); NAT64_CMD_BATCH_COMMIT makes the copy the configuration, or
 * changes nothing if it fails; NAT64_CMD_BATCH_ABORT drops it. One batch
 * may be open in a namespace at a time; it is dropped when the socket
 * that opened it closes. A commit fails with -EAGAIN if the configuration
 * was changed (outside the batch) since BATCH_BEGIN.
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
 *	         NAT64_A_MAPPING_COUNT (u32, BIB entries currently held),
 *	         NAT64_A_SESSION_COUNT (u32, sessions currently held),
 *	         NAT64_A_SEQ (u64, the number of the namespace's last
 *	         event, NAT64_CMD_EVENT: a listener that joined the group
 *	         before asking knows that every event numbered above it is
 *	         to come, and counts as lost those that do not).
 *
 * NAT64_CMD_POOL_ADD (do)
 *	Request: NAT64_A_POOL with NAT64_POOL_A_NAME, NAT64_POOL_A_ADDR and
 *	         either NAT64_POOL_A_PLEN (ADDR/PLEN) or NAT64_POOL_A_LAST
 *	         (ADDR..LAST, at most 65536 addresses); optionally
 *	         NAT64_POOL_A_PORT_MIN and NAT64_POOL_A_PORT_MAX (both or
 *	         none; default NAT64_POOL_DEFAULT_PORT_MIN..
 *	         NAT64_POOL_DEFAULT_PORT_MAX), NAT64_POOL_A_PROTOS and
 *	         NAT64_POOL_A_ALLOC (with NAT64_ALLOC_DETERMINISTIC also
 *	         NAT64_POOL_A_DET_PREFIX and _DET_PLEN; with
 *	         NAT64_ALLOC_BLOCK also _BLK_SIZE, optionally _BLK_MAX,
 *	         _BLK_TIMEOUT, _BLK_INTERIM) and NAT64_POOL_A_QUIET (block
 *	         or deterministic only). A pool that exists
 *	         gets the range added (at most NAT64_MAX_RANGES ranges a
 *	         pool).
 *	Errors:  -EINVAL  host bits set in ADDR/PLEN, LAST < ADDR, neither
 *	                  or both of PLEN and LAST, PORT_MIN > PORT_MAX, or
 *	                  only one of the two port bounds given; DET_PREFIX
 *	                  and DET_PLEN not both given with deterministic
 *	                  allocation, or given without it, bits set past
 *	                  DET_PLEN, DET_SUBLEN given; BLK_* given without
 *	                  block allocation, BLK_SIZE not given with it or
 *	                  larger than the range's ports, over 2^20 blocks,
 *	                  QUIET with random or sequential allocation,
 *	                  a reply-only attribute given; when committing, a
 *	                  deterministic range that does not work with the
 *	                  subscriber length (see "Deterministic NAT");
 *	         -EADDRINUSE  the addresses and ports overlap a range of
 *	                  this or another pool, or the deterministic prefix
 *	                  overlaps another deterministic range's;
 *	         -ENOSPC  the namespace holds NAT64_MAX_POOLS pools already,
 *	                  or the pool NAT64_MAX_RANGES ranges.
 *
 * NAT64_CMD_POOL_DEL (do)
 *	Request: NAT64_A_POOL with NAT64_POOL_A_NAME.
 *	Errors:  -ENOENT no such pool; -EBUSY a rule uses the pool.
 *
 * NAT64_CMD_POOL_GET (dump)
 *	Reply:   one message per pool range, each with NAT64_A_POOL (all of
 *	         NAT64_POOL_A_*, PLEN or LAST as configured; the DET_*
 *	         ones for deterministic ranges only, the BLK_* ones for
 *	         block ranges only, QUIET when set).
 *
 * NAT64_CMD_RULE_ADD (do)
 *	Request: NAT64_A_RULE with NAT64_RULE_A_NAME, NAT64_RULE_A_PREFIX,
 *	         NAT64_RULE_A_PLEN and NAT64_RULE_A_POOL, optionally
 *	         NAT64_RULE_A_SRC with NAT64_RULE_A_SRC_PLEN.
 *	         IPv6 packets whose destination lies inside PREFIX/PLEN (and
 *	         whose source lies inside SRC/SRC_PLEN, if given) are
 *	         translated to IPv4 (destination extracted per RFC 6052,
 *	         source taken from the pool); answers come back with their
 *	         IPv4 source embedded in the same prefix. Rules are tried in
 *	         the order they were added; the first that matches is used.
 *	         Two rules may share a prefix if their sources differ.
 *	Errors:  -EEXIST  a rule of that name exists;
 *	         -ENOENT  the pool does not exist;
 *	         -EINVAL  PLEN is not one of 32, 40, 48, 56, 64, 96, bits set
 *	                  past PLEN, or non-zero u-octet (bits 64..71);
 *	         -EADDRINUSE  the prefix overlaps another rule's prefix with
 *	                  the same source;
 *	         -ENOSPC  the namespace holds NAT64_MAX_RULES rules already.
 *	The first rule of a namespace registers the namespace's netfilter
 *	hooks (in NAT64_MODE_HOOKS, see NAT64_CONFIG_A_MODE); deleting the
 *	last one unregisters them.
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
 *	Request: optionally NAT64_A_PROTO (u8 IPPROTO_TCP, _UDP, _ICMPV6):
 *	         only that protocol's entries.
 *	Reply:   one message per BIB entry with NAT64_A_MAPPING (all of
 *	         NAT64_MAPPING_A_*; RULE and EXPIRES_MS only for dynamic
 *	         ones, STATIC for static ones). Entries are kept in hash
 *	         tables: a dump that spans several recvmsg() calls while
 *	         entries come and go may miss or repeat entries, and is then
 *	         flagged with NLM_F_DUMP_INTR.
 *
 * NAT64_CMD_BIB_ADD, NAT64_CMD_BIB_DEL (do)
 *	Request: NAT64_A_MAPPING with NAT64_MAPPING_A_PROTO, _ADDR6, _PORT6,
 *	         _ADDR4, _PORT4: a static BIB entry. IPv4 hosts may open
 *	         sessions to ADDR4:PORT4 (port forwarding to an IPv6 server).
 *	         At most NAT64_MAX_STATICS static entries.
 *	Errors:  -EEXIST  either side is mapped already, by a static entry
 *	                  or (found when committing) a dynamic one (add);
 *	         -EINVAL  ADDR4 lies in no pool that a rule uses (add; also
 *	                  any change after which a static entry's would);
 *	         -ENOENT  no such static entry (del);
 *	         -ENOSPC  NAT64_MAX_STATICS entries already.
 *
 * NAT64_CMD_SESSION_GET (dump)
 *	Request: optionally NAT64_A_PROTO; optionally NAT64_A_ACTIVE_MS
 *	         (u32): only sessions a packet used (or a sync refreshed)
 *	         within that many milliseconds, which is how a sync daemon
 *	         re-sends only what changed.
 *	Reply:   one message per session with NAT64_A_SESSION (all of
 *	         NAT64_SESSION_A_*; RULE when the rule is known).
 *	         NLM_F_DUMP_INTR as for MAPPING_GET.
 *
 * NAT64_CMD_SESSION_ADD (do)
 *	Session sync (see "Session sync" below): make or refresh a session
 *	another translator holds. Request: NAT64_A_SESSION with
 *	NAT64_SESSION_A_PROTO, _ADDR6, _PORT6, _ADDR4, _PORT4, _RADDR4,
 *	_RPORT and _RULE (the name of a rule of this namespace), and
 *	optionally _STATE (TCP; default NAT64_TCP_V6_INIT) and
 *	_EXPIRES_MS (default: the state's full idle timeout; capped at it).
 *	The BIB entry ADDR6:PORT6 <-> ADDR4:PORT4 is made if need be, and
 *	counts against the subscriber's limits as a translated one does;
 *	a session that exists takes the state and the later expiry. No
 *	event tells of a session made so (the peer that made it did);
 *	events of its expiry or removal carry NAT64_A_SYNCED.
 *	Errors:  -ENOENT  no rule of that name;
 *	         -EINVAL  ADDR4:PORT4 is in no range of the rule's pool that
 *	                  serves the protocol, ADDR6 is outside the rule's
 *	                  source prefix, RADDR4 is denied or not global, or
 *	                  a value is out of range;
 *	         -EEXIST  ADDR6:PORT6 or ADDR4:PORT4 is mapped otherwise
 *	                  here (NAT64_STAT_SYNC_CONFLICTS);
 *	         -ENOSPC  a session or port limit;  -ENOMEM.
 *	Every refusal is counted in NAT64_STAT_SYNC_REFUSED.
 *
 * NAT64_CMD_SESSION_DEL (do)
 *	Request: NAT64_A_SESSION with NAT64_SESSION_A_PROTO, _ADDR6, _PORT6,
 *	         _RADDR4, _RPORT: remove that session (and its BIB entry
 *	         with it if it was the entry's last and the entry is not
 *	         static), as its expiry would, with a SESSION_REMOVED event.
 *	Errors:  -ENOENT  no such session.
 *
 * NAT64_CMD_FASTPATH_ADD, NAT64_CMD_FASTPATH_DEL (do)
 *	Request: NAT64_A_IFNAME: an interface (by name, which need not
 *	         exist yet) whose arriving packets of established sessions
 *	         take the fast path (see "Fast path"), or no longer. A
 *	         change to the configuration: batches take it.
 *	Errors:  -EINVAL  not a valid interface name;
 *	         -EEXIST  ADD: that interface is in the list already;
 *	         -ENOENT  DEL: it is not;
 *	         -ENOSPC  ADD: NAT64_MAX_FASTPATH interfaces are listed;
 *	         -EOPNOTSUPP ADD: the namespace runs in NAT64_MODE_TARGET.
 *
 * NAT64_CMD_FASTPATH_GET (dump)
 *	Reply:   one message per interface listed, each with NAT64_A_IFNAME
 *	         and NAT64_A_IFINDEX (0 while no interface of that name is
 *	         in the namespace: the fast path starts on one when it
 *	         appears, and stops when it goes).
 *
 * NAT64_CMD_STATS_RESET (do)
 *	Request: no attributes. Sets every NAT64_STAT_* counter to zero
 *	         (counts racing with the reset may survive it).
 *
 * NAT64_CMD_SESSION_FLUSH (do)
 *	Request: no attributes. Removes every session and every dynamic
 *	         BIB entry; static entries stay.
 *
 * NAT64_CMD_CONFIG_FLUSH (do)
 *	Request: no attributes. Removes every rule, pool, static BIB
 *	         entry (and the mappings made through them) and denied
 *	         network, and sets every setting to its default. In a batch, typically the first
 *	         change: the batch then says the whole configuration.
 *
 * NAT64_CMD_BATCH_BEGIN, NAT64_CMD_BATCH_COMMIT, NAT64_CMD_BATCH_ABORT (do)
 *	Request: no attributes. See "Configuration, batches" above.
 *	Errors:  -EBUSY   BEGIN while a batch is open (on this socket or
 *	                  another one);
 *	         -EINVAL  COMMIT or ABORT, or a change with NAT64_A_BATCH,
 *	                  without a batch open on this socket;
 *	         -EAGAIN  COMMIT: the configuration changed meanwhile;
 *	         any error of the changes, found when committing the whole
 *	         (e.g. -EEXIST for a static entry a dynamic one holds).
 *
 * NAT64_CMD_SET_CONFIG (do)
 *	Request: NAT64_A_CONFIG with any of NAT64_CONFIG_A_*; the ones given
 *	         are changed, the others kept.
 *	Errors:  -EINVAL/-ERANGE a value out of its range, or a timeout
 *	         below its RFC 6146 §4 minimum (NAT64_TIMEOUT_MIN_*)
 *	         without NAT64_CONFIG_A_BELOW_RFC, or a subscriber length
 *	         a deterministic range does not work with; -EPERM see "Permissions";
 *	         -ENOMEM (or another error of netfilter) the mode could not
 *	         be switched to hooks (nothing changed).
 *
 * NAT64_CMD_DENY_ADD, NAT64_CMD_DENY_DEL (do)
 *	Request: NAT64_A_DENY with NAT64_DENY_A_ADDR and NAT64_DENY_A_PLEN:
 *	         an IPv4 network that IPv6 hosts may not reach through any
 *	         rule (whatever its prefix). IPv6 packets whose translated
 *	         destination lies in a denied network are dropped and
 *	         counted (NAT64_STAT_DROP_DENIED). Part of the configuration
 *	         (batches, CONFIG_FLUSH empty it). At most NAT64_MAX_DENY
 *	         networks.
 *	Errors:  -EINVAL  host bits set past PLEN;
 *	         -EEXIST  that network is denied already (add);
 *	         -ENOENT  it is not (del);
 *	         -ENOSPC  NAT64_MAX_DENY networks already.
 *
 * NAT64_CMD_DENY_GET (dump)
 *	Reply:   one message per denied network, with NAT64_A_DENY.
 *
 * NAT64_CMD_BLOCK_GET (dump)
 *	Request: optionally NAT64_A_BLOCK with NAT64_BLOCK_A_PREFIX and
 *	         _PLEN: only the blocks of subscribers inside that prefix,
 *	         or of the one whose prefix holds it (an address: /128).
 *	Reply:   one message per port block held (see "Port blocks"),
 *	         each with NAT64_A_BLOCK (all of NAT64_BLOCK_A_*; ACTIVE
 *	         only when set).
 *	Errors:  -EINVAL PREFIX without PLEN or the other way round, bits
 *	                 set past PLEN.
 *
 * Port blocks
 * -----------
 * A pool range with NAT64_POOL_A_ALLOC NAT64_ALLOC_BLOCK hands its ports
 * out in blocks of BLK_SIZE consecutive ports, per subscriber (an IPv6
 * /NAT64_CONFIG_A_SUBSCRIBER_PLEN), so that a record of each block
 * (NAT64_EVENT_BLOCK_*), not of each mapping, says who used an IPv4
 * address and port when. Each address of the range has
 * floor((PORT_MAX - PORT_MIN + 1) / BLK_SIZE) blocks, block j of
 * address A being ports PORT_MIN + j * BLK_SIZE .. + BLK_SIZE - 1 (the
 * ports past the last whole block are given to nobody). At most 2^20
 * blocks a range (-EINVAL).
 * - A subscriber's first mapping through the range gets it a free
 *   block, on an address its prefix hashes to (or the next one with a
 *   free block). Its later blocks are on the same address (paired
 *   pooling): none free there, the mapping is refused
 *   (NAT64_STAT_6TO4_NO_PORT).
 * - A block serves every protocol the range serves, each protocol its
 *   own ports: TCP port 40000 and UDP port 40000 of a block are two
 *   mappings of its subscriber.
 * - A mapping takes a free port of the subscriber's blocks, oldest
 *   block first: the IPv6 source port if the block has it (port
 *   preservation), else one below 1024 for a source port below 1024
 *   and one above for the others where the block has both (range
 *   preservation), else any. All of its blocks full (or past
 *   BLK_TIMEOUT), it gets another block, up to BLK_MAX; past that the
 *   mapping is refused, counted (NAT64_STAT_DROP_BLOCK_MAX, and per
 *   subscriber: NAT64_BLOCK_A_REFUSED) and answered with ICMPv6 address
 *   unreachable.
 * - A block takes new mappings for BLK_TIMEOUT seconds after it was
 *   allocated (0: until it is full), then only keeps the ones it has.
 * - A block is released when its last mapping goes (expired, flushed).
 * - Ports that static BIB entries hold, and ports of the translator's
 *   own sockets on a pool address that is its own, are skipped: no
 *   mapping of a block takes them.
 * - A commit that keeps the range as it was (addresses, ports,
 *   protocols, BLK_* and QUIET, and SUBSCRIBER_PLEN) keeps its live
 *   blocks. One that changes it rebuilds the range: the mappings of the
 *   rules using its pool are removed, and with them the blocks, each
 *   with a NAT64_EVENT_BLOCK_RELEASED.
 * Events: NAT64_EVENT_BLOCK_ALLOCATED and _RELEASED when they happen;
 * with BLK_INTERIM, NAT64_EVENT_BLOCK_INTERIM for every live block
 * about every BLK_INTERIM seconds after its last event (a record sent
 * over UDP may be lost). With LOG_MAPPINGS each is also a log line:
 *   nat64: ns=INUM TIME block EVENT PREFIX6/PLEN ADDR4:MIN-MAX PROTOS POOL
 * (EVENT allocated, released or interim; PROTOS tcp,udp,icmp as served).
 * A mapping's subscriber is found from the block that holds its port:
 * NAT64_CMD_BLOCK_GET lists them.
 *
 * Non-global IPv4 addresses and the Well-Known Prefix
 * ---------------------------------------------------
 * RFC 6052 §3.1: the Well-Known Prefix 64:ff9b::/96 MUST NOT be used
 * with a non-global IPv4 address, and a translator MUST drop such
 * packets. An IPv6 packet translated through a rule whose prefix is
 * 64:ff9b::/96 exactly, to an IPv4 destination in one of these networks
 * (IANA IPv4 Special-Purpose Address Registry, "Globally Reachable"
 * false; RFC 5735 §3, RFC 6598), is dropped and counted
 * (NAT64_STAT_DROP_NONGLOBAL): 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
 * 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16,
 * 198.18/15, 198.51.100/24, 203.0.113/24, 240/4 (with
 * 255.255.255.255). (0/8, 127/8 and 224/3 are dropped through any
 * prefix, as NAT64_STAT_DROP_BAD_ADDR.) Network-specific prefixes may
 * reach these networks; NAT64_CMD_DENY_ADD keeps them out.
 *
 * Translated IPv4 packets are sent only along unicast routes: a
 * destination whose route is local (an address of the translator's,
 * which would be delivered to it through lo) or broadcast (a directed
 * broadcast of a connected network), or of any other type that is not
 * unicast, is dropped and counted (NAT64_STAT_DROP_ROUTE_TYPE). No
 * route, or a blackhole, unreachable or prohibit one, is counted as
 * NAT64_STAT_DROP_NO_ROUTE.
 *
 * Deterministic NAT (RFC 7422)
 * ----------------------------
 * A pool range with NAT64_POOL_A_ALLOC NAT64_ALLOC_DETERMINISTIC serves
 * the subscribers (IPv6 /SUBLEN prefixes, SUBLEN being
 * NAT64_CONFIG_A_SUBSCRIBER_PLEN) of the IPv6 prefix
 * NAT64_POOL_A_DET_PREFIX/DET_PLEN. Each subscriber always gets the same
 * IPv4 address and port range, computed from the configuration, not
 * stored: the N = 2^(SUBLEN - DET_PLEN) subscribers are numbered
 * 0..N-1 in address order (i: bits DET_PLEN..SUBLEN-1 of the address);
 * with NADDR addresses A0.. and ports LO..HI (NPORTS = HI - LO + 1),
 *	K = ceil(N / NADDR)	subscribers an address,
 *	P = floor(NPORTS / K)	ports a subscriber,
 *	subscriber i: address A0 + i / K,
 *	              ports LO + (i % K) * P .. LO + (i % K) * P + P - 1.
 * Given to nobody: the top NPORTS - K * P ports of each address, and
 * whatever is past subscriber N-1 (the rest of its address, and the
 * addresses after it). An IPv4 address and port maps back to
 * i = (address - A0) * K + (port - LO) / P, if that range is not left
 * over. Every mapping of a subscriber (all protocols, each protocol its
 * own ports) takes its address and a free port of its range only (the
 * IPv6 source port if it is one of them); none free: refused, counted
 * (NAT64_STAT_DROP_DET_FULL) and answered with ICMPv6 address
 * unreachable. Ports that static BIB entries hold, and ports of the
 * translator's own sockets on a pool address that is its own, stay
 * out as in the other modes. An IPv6 source outside the range's
 * prefix does not use the range (another range of the pool may serve
 * it; none: NAT64_STAT_6TO4_NO_PORT). The deterministic prefixes of all
 * pools may not overlap (-EADDRINUSE).
 * Checked when committing (-EINVAL, with an extended ack), since a
 * change of SUBSCRIBER_PLEN changes every range: SUBLEN must be longer
 * than DET_PLEN, and P at least 1 (so SUBLEN - DET_PLEN at most 31).
 * A commit that changes SUBLEN rebuilds the deterministic ranges; the
 * mappings of the rules using their pools are then removed.
 *
 * Session sync. Two or more translators with the same rules keep each
 * other's sessions so that one carries on the flows of another that
 * failed (the same IPv4 address and port), or the replies of a flow
 * routed through another (asymmetric routing). The daemon nat64-syncd
 * reads the events group and NAT64_CMD_SESSION_GET (ACTIVE_MS) on one
 * translator and replays them with NAT64_CMD_SESSION_ADD and _DEL on
 * the others. Each translator allocates from its own ranges; a pool
 * range with NAT64_POOL_A_PEER holds another translator's share: this
 * one translates to and from its addresses, and takes synced sessions
 * in it, but never allocates from it. Synced sessions are checked
 * against the local rules and pools, so a peer cannot place state in a
 * pool or prefix this translator does not serve.
 *
 * Fast path. Packets arriving on an interface listed with
 * NAT64_CMD_FASTPATH_ADD are looked at first at that interface's
 * netdev ingress hook, before the IPv6 or IPv4 stack sees them. A
 * packet of a live session (TCP: established, without SYN, FIN or RST)
 * whose output the full path cached is translated there and sent
 * straight to the cached route's device and neighbour. What the fast
 * path takes skips the stack: the IPv6 or IPv4 input path, the FORWARD
 * and POSTROUTING chains, connection tracking and the routing lookup,
 * as nf_flowtable's packets do. Everything else goes on to the full
 * path (the hooks at PREROUTING), counted by reason
 * (NAT64_STAT_FP_MISS_*): fragments, ICMP errors, TCP SYN, FIN and
 * RST, IPv4 options, IPv6 extension headers, TTL or hop limit <= 1,
 * packets over the cached MTU, and packets whose cached route or
 * neighbour is gone or changed. The full path caches a session's output
 * (route, device, MTU, ingress interface, mark and TOS) when it
 * translates a packet of it that the fast path could have taken; every
 * configuration commit and every change of an interface's state or
 * MTU in the namespace invalidates the cache. The cache has
 * NAT64_FASTPATH_SLOTS slots, two a session (one each way), keyed by
 * the session: under more live sessions than that, some packets take
 * the full path. Hooks mode only (NAT64_MODE_HOOKS).
 *
 * NAT64_CMD_GET_CONFIG (do)
 *	Request: no attributes.
 *	Reply:   NAT64_A_CONFIG with all of NAT64_CONFIG_A_*.
 *
 * NAT64_CMD_EVENT (notification, never a request)
 *	Sent by the kernel to the multicast group NAT64_MCGRP_EVENTS
 *	("events") of the family, in the namespace the event happened in,
 *	when a dynamic BIB entry or a session is created, expires, is
 *	removed (flushed, its rule deleted) or is refused. Only sockets
 *	with CAP_NET_ADMIN in the user namespace owning the network
 *	namespace may join the group (GENL_MCAST_CAP_NET_ADMIN; joining
 *	without it fails with -EPERM). Events are built and sent only while
 *	the group has a member (nat64ctl monitor; nat64-logd, which sends
 *	them to IPFIX and syslog collectors). They are sent with
 *	GFP_ATOMIC: under memory pressure, or when a listener reads too
 *	slowly (its socket reports ENOBUFS), events are lost, never waited
 *	for. Each event built carries NAT64_A_SEQ, a number one higher
 *	than the namespace's previous event's (from 1), so a listener
 *	counts the events it lost: the numbers it never received, from the
 *	number NAT64_CMD_GET_STATS gave it after it joined up to the
 *	highest it received (events are multicast from every CPU: a lower
 *	number may come after a higher one). NAT64_STAT_EVENTS_SENT counts
 *	the events delivered; NAT64_STAT_EVENTS_DROPPED those numbered and
 *	not delivered: no memory, or a listener's full receive buffer (seen
 *	when the listener set NETLINK_BROADCAST_ERROR on its socket, or was
 *	the only one). Refused events are rate limited (at most 100 a
 *	second per namespace); those left out get no number.
 *	Attributes:
 *	  NAT64_A_EVENT      u8, enum nat64_event;
 *	  NAT64_A_SEQ        u64, the event's number (above);
 *	  NAT64_A_TIMESTAMP  u64, CLOCK_REALTIME in nanoseconds, when the
 *	                     kernel saw the event (for expiries: when the
 *	                     garbage collector found it expired; its pass
 *	                     over all sessions takes a tenth of the
 *	                     shortest idle timeout, from 1 to 5 seconds);
 *	  NAT64_A_MAPPING    nest: NAT64_MAPPING_A_PROTO, _ADDR6, _PORT6,
 *	                     and _ADDR4, _PORT4 except in
 *	                     NAT64_EVENT_MAPPING_REFUSED (none was given);
 *	                     _RULE (the rule that made it; in session
 *	                     events, the session's) when there is one;
 *	  NAT64_A_SESSION    nest, in session events and in
 *	                     NAT64_EVENT_MAPPING_REFUSED: NAT64_SESSION_A_PROTO,
 *	                     _ADDR6, _PORT6, _RADDR4, _RPORT (ICMP: 0), and
 *	                     _ADDR4, _PORT4 except in MAPPING_REFUSED;
 *	                     _RADDR6 (the IPv4 peer within the rule's
 *	                     prefix) when the rule is known;
 *	  NAT64_A_REASON     u32, refused events only: the NAT64_STAT_*
 *	                     counter the refused packet was counted in
 *	                     (NAT64_STAT_DROP_LIMIT, NAT64_STAT_6TO4_NO_PORT,
 *	                     NAT64_STAT_DROP_NOMEM, ...);
 *	  NAT64_A_POOL_NAME  string: the pool of the rule (that made the
 *	                     mapping; refused events: that the packet
 *	                     matched), when it is known (an exporter picks
 *	                     what it exports per pool by it);
 *	  NAT64_A_SYNCED     flag, session events: the session was made by
 *	                     NAT64_CMD_SESSION_ADD (a peer made it: a sync
 *	                     daemon sends it no further), or is removed by
 *	                     NAT64_CMD_SESSION_DEL;
 *	  NAT64_A_BLOCK      nest, NAT64_EVENT_BLOCK_* only (instead of
 *	                     MAPPING and SESSION): NAT64_BLOCK_A_PREFIX,
 *	                     _PLEN, _ADDR4, _PORT_MIN, _PORT_MAX, _PROTOS,
 *	                     _POOL.
 *	Static BIB entries make no mapping events (their sessions do), nor
 *	do the entries of pool ranges with NAT64_POOL_A_QUIET.
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
#define NAT64_MAX_RANGES	16	/* ranges a pool */
#define NAT64_MAX_STATICS	65536	/* static BIB entries */
#define NAT64_MAX_DENY		64	/* denied IPv4 networks */
/*
 * Most NAT64_CONFIG_A_LIMIT_SESSIONS that a user without CAP_NET_ADMIN
 * in the initial user namespace may set (see "Permissions").
 */
#define NAT64_LIMIT_SESSIONS_USERNS	4194304

/*
 * RFC 6146 §4: the least idle timeouts (seconds) a NAT64 may use. Lower
 * ones are refused unless the request carries NAT64_CONFIG_A_BELOW_RFC.
 */
#define NAT64_TIMEOUT_MIN_UDP		120	/* UDP-MIN, 2 minutes */
#define NAT64_TIMEOUT_MIN_TCP_EST	7440	/* 2 hours 4 minutes */
#define NAT64_TIMEOUT_MIN_TCP_TRANS	240	/* 4 minutes */
#define NAT64_TIMEOUT_MIN_ICMP		60	/* ICMP-TIMEOUT */
#define NAT64_TIMEOUT_MIN_SYN		6	/* TCP_INCOMING_SYN */

/* Fast path: interfaces listed at most, and slots of the output cache. */
#define NAT64_MAX_FASTPATH		32
#define NAT64_FASTPATH_SLOTS		65536

/* Multicast group of the family that NAT64_CMD_EVENT is sent to. */
#define NAT64_MCGRP_EVENTS	"events"

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
	NAT64_CMD_BIB_ADD,
	NAT64_CMD_BIB_DEL,
	NAT64_CMD_SESSION_GET,
	NAT64_CMD_SESSION_FLUSH,
	NAT64_CMD_STATS_RESET,
	NAT64_CMD_CONFIG_FLUSH,
	NAT64_CMD_BATCH_BEGIN,
	NAT64_CMD_BATCH_COMMIT,
	NAT64_CMD_BATCH_ABORT,
	NAT64_CMD_EVENT,		/* notification: see above */
	NAT64_CMD_DENY_ADD,
	NAT64_CMD_DENY_DEL,
	NAT64_CMD_DENY_GET,
	NAT64_CMD_BLOCK_GET,
	NAT64_CMD_SESSION_ADD,
	NAT64_CMD_SESSION_DEL,
	NAT64_CMD_FASTPATH_ADD,
	NAT64_CMD_FASTPATH_DEL,
	NAT64_CMD_FASTPATH_GET,
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
	NAT64_A_SESSION_COUNT,	/* u32 */
	NAT64_A_SESSION,	/* nest: NAT64_SESSION_A_* */
	NAT64_A_PROTO,		/* u8: IPPROTO_TCP, _UDP or _ICMPV6 */
	NAT64_A_BATCH,		/* flag: a change to the open batch */
	NAT64_A_EVENT,		/* u8: enum nat64_event (events only) */
	NAT64_A_TIMESTAMP,	/* u64: CLOCK_REALTIME ns (events only) */
	NAT64_A_REASON,		/* u32: NAT64_STAT_* (refused events only) */
	NAT64_A_DENY,		/* nest: NAT64_DENY_A_* */
	NAT64_A_BLOCK,		/* nest: NAT64_BLOCK_A_* */
	NAT64_A_SEQ,		/* u64: event number (events only) */
	NAT64_A_POOL_NAME,	/* string: a pool's name (refused events) */
	NAT64_A_ACTIVE_MS,	/* u32: SESSION_GET filter (see there) */
	NAT64_A_SYNCED,		/* flag: a synced session's event */
	NAT64_A_IFNAME,		/* string: an interface (fast path) */
	NAT64_A_IFINDEX,	/* u32: its index, 0: none of that name */
	__NAT64_A_MAX
};
#define NAT64_A_MAX (__NAT64_A_MAX - 1)

/* NAT64_A_EVENT: what happened (NAT64_CMD_EVENT). */
enum nat64_event {
	NAT64_EVENT_UNSPEC,
	NAT64_EVENT_MAPPING_CREATED,	/* a dynamic BIB entry was made */
	NAT64_EVENT_MAPPING_EXPIRED,	/* ... went with its last session */
	/* ... was removed: flushed, its rule deleted, namespace gone */
	NAT64_EVENT_MAPPING_REMOVED,
	/* an IPv6 packet needed a new BIB entry and got none */
	NAT64_EVENT_MAPPING_REFUSED,
	NAT64_EVENT_SESSION_CREATED,
	NAT64_EVENT_SESSION_EXPIRED,	/* idle timeout ran out */
	NAT64_EVENT_SESSION_REMOVED,	/* flushed, rule deleted, ... */
	/* a packet needed a new session of an existing BIB entry, got none */
	NAT64_EVENT_SESSION_REFUSED,
	/* port blocks (see "Port blocks"): NAT64_A_BLOCK */
	NAT64_EVENT_BLOCK_ALLOCATED,	/* a subscriber got a block */
	NAT64_EVENT_BLOCK_RELEASED,	/* ... its last mapping went */
	NAT64_EVENT_BLOCK_INTERIM,	/* ... still holds it (re-announced) */
	__NAT64_EVENT_MAX
};
#define NAT64_EVENT_MAX (__NAT64_EVENT_MAX - 1)

/* Inside NAT64_A_POOL. */
enum nat64_pool_attr {
	NAT64_POOL_A_UNSPEC,
	NAT64_POOL_A_NAME,	/* string, 1..NAT64_NAME_MAX-1 characters */
	NAT64_POOL_A_ADDR,	/* 4 bytes, IPv4 network address */
	NAT64_POOL_A_PLEN,	/* u8, NAT64_POOL_MIN_PLEN..32 */
	NAT64_POOL_A_PORT_MIN,	/* u16 (host order), 1..65535 */
	NAT64_POOL_A_PORT_MAX,	/* u16 (host order), 1..65535, >= PORT_MIN */
	NAT64_POOL_A_LAST,	/* 4 bytes, last IPv4 address of ADDR..LAST */
	/* u8, NAT64_PROTO_F_* bits, not 0 (default all three) */
	NAT64_POOL_A_PROTOS,
	NAT64_POOL_A_ALLOC,	/* u8, enum nat64_alloc (default random) */
	/*
	 * NAT64_ALLOC_DETERMINISTIC only, and then both: the IPv6 prefix
	 * whose subscribers the range serves (16 bytes, no bits set past
	 * DET_PLEN) and its length (u8, 0..128).
	 */
	NAT64_POOL_A_DET_PREFIX,
	NAT64_POOL_A_DET_PLEN,
	/*
	 * u8, replies only (refused in requests): the subscriber length
	 * the range runs with, NAT64_CONFIG_A_SUBSCRIBER_PLEN as committed.
	 */
	NAT64_POOL_A_DET_SUBLEN,
	/*
	 * NAT64_ALLOC_BLOCK only (see "Port blocks"). Requests: BLK_SIZE
	 * (u16, 1..65535, needed: ports a block), BLK_MAX (u16, 1..1024,
	 * default 8: blocks a subscriber holds at most), BLK_TIMEOUT (u32
	 * seconds, 0..604800, default 0: how long a block takes new
	 * mappings; 0: until it is full), BLK_INTERIM (u32 seconds, 0 or
	 * 10..86400, default 0: none; how often live blocks are announced
	 * again).
	 */
	NAT64_POOL_A_BLK_SIZE,
	NAT64_POOL_A_BLK_MAX,
	NAT64_POOL_A_BLK_TIMEOUT,
	NAT64_POOL_A_BLK_INTERIM,
	/*
	 * flag, NAT64_ALLOC_BLOCK or NAT64_ALLOC_DETERMINISTIC: no mapping
	 * or session events or log lines for the BIB entries of the range
	 * (refusals are still reported); the blocks, or the formula, are
	 * the record.
	 */
	NAT64_POOL_A_QUIET,
	/*
	 * Replies only, NAT64_ALLOC_BLOCK: blocks in the range (u32), held
	 * by subscribers (u32), subscribers holding BLK_MAX blocks (u32),
	 * mappings refused because their subscriber held BLK_MAX full or
	 * closed blocks (u64), and the bytes a block and its subscriber's
	 * share take (u32: struct and port bitmaps, as allocated).
	 */
	NAT64_POOL_A_BLK_TOTAL,
	NAT64_POOL_A_BLK_USED,
	NAT64_POOL_A_BLK_SUBS_AT_MAX,
	NAT64_POOL_A_BLK_REFUSED,
	NAT64_POOL_A_BLK_BYTES,
	NAT64_POOL_A_PAD,
	/*
	 * flag: the range is another translator's share (see "Session
	 * sync"): its addresses are translated and synced sessions may use
	 * it, but no mapping is allocated from it here. Not with
	 * NAT64_ALLOC_BLOCK or NAT64_ALLOC_DETERMINISTIC.
	 */
	NAT64_POOL_A_PEER,
	__NAT64_POOL_A_MAX
};
#define NAT64_POOL_A_MAX (__NAT64_POOL_A_MAX - 1)

#define NAT64_PROTO_F_TCP	0x01
#define NAT64_PROTO_F_UDP	0x02
#define NAT64_PROTO_F_ICMP	0x04

/*
 * How a pool range picks the port (ICMP identifier) of a new BIB entry:
 * random, unpredictable from outside (RFC 6056 spirit: a keyed hash of
 * the IPv6 side, with a per-boot key), or sequential (the next free one
 * after the last given). Both keep the IPv6 source port when it is free
 * and in range, and keep ports below 1024 below 1024 and the others above
 * where the range has both (RFC 6146 §3.5.1.1).
 */
enum nat64_alloc {
	NAT64_ALLOC_RANDOM,
	NAT64_ALLOC_SEQUENTIAL,
	NAT64_ALLOC_DETERMINISTIC,	/* see "Deterministic NAT" above */
	NAT64_ALLOC_BLOCK,		/* see "Port blocks" above */
};

/* Inside NAT64_A_BLOCK: a subscriber's port block. */
enum nat64_block_attr {
	NAT64_BLOCK_A_UNSPEC,
	NAT64_BLOCK_A_PREFIX,	/* 16 bytes: the subscriber's IPv6 prefix */
	NAT64_BLOCK_A_PLEN,	/* u8: its length */
	NAT64_BLOCK_A_ADDR4,	/* 4 bytes: the pool address */
	NAT64_BLOCK_A_PORT_MIN,	/* u16: first port of the block */
	NAT64_BLOCK_A_PORT_MAX,	/* u16: last port */
	NAT64_BLOCK_A_PROTOS,	/* u8: NAT64_PROTO_F_* it serves */
	NAT64_BLOCK_A_POOL,	/* string: the pool's name */
	NAT64_BLOCK_A_MAPPINGS,	/* u32: BIB entries in it, all protocols */
	NAT64_BLOCK_A_AGE_MS,	/* u32: ms since it was allocated */
	NAT64_BLOCK_A_ACTIVE,	/* flag: it takes new mappings */
	/* u32: the subscriber's mappings refused at BLK_MAX blocks */
	NAT64_BLOCK_A_REFUSED,
	__NAT64_BLOCK_A_MAX
};
#define NAT64_BLOCK_A_MAX (__NAT64_BLOCK_A_MAX - 1)

/* Inside NAT64_A_RULE. */
enum nat64_rule_attr {
	NAT64_RULE_A_UNSPEC,
	NAT64_RULE_A_NAME,	/* string, 1..NAT64_NAME_MAX-1 characters */
	NAT64_RULE_A_PREFIX,	/* 16 bytes, RFC 6052 IPv6 prefix */
	NAT64_RULE_A_PLEN,	/* u8, one of 32, 40, 48, 56, 64, 96 */
	NAT64_RULE_A_POOL,	/* string, name of an existing pool */
	NAT64_RULE_A_SRC,	/* 16 bytes, IPv6 source prefix */
	NAT64_RULE_A_SRC_PLEN,	/* u8, 1..128 (with SRC) */
	__NAT64_RULE_A_MAX
};
#define NAT64_RULE_A_MAX (__NAT64_RULE_A_MAX - 1)

/* Inside NAT64_A_DENY: an IPv4 network. */
enum nat64_deny_attr {
	NAT64_DENY_A_UNSPEC,
	NAT64_DENY_A_ADDR,	/* 4 bytes, network address */
	NAT64_DENY_A_PLEN,	/* u8, 0..32 */
	__NAT64_DENY_A_MAX
};
#define NAT64_DENY_A_MAX (__NAT64_DENY_A_MAX - 1)

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
	NAT64_MAPPING_A_STATIC,		/* flag: a static entry */
	NAT64_MAPPING_A_SESSIONS,	/* u32: sessions it has */
	__NAT64_MAPPING_A_MAX
};
#define NAT64_MAPPING_A_MAX (__NAT64_MAPPING_A_MAX - 1)

/* Inside NAT64_A_SESSION (dump replies only). */
enum nat64_session_attr {
	NAT64_SESSION_A_UNSPEC,
	NAT64_SESSION_A_PROTO,		/* u8: IPPROTO_TCP, _UDP or _ICMPV6 */
	NAT64_SESSION_A_ADDR6,		/* 16 bytes: IPv6 host */
	NAT64_SESSION_A_PORT6,		/* u16 */
	NAT64_SESSION_A_ADDR4,		/* 4 bytes: its pool address */
	NAT64_SESSION_A_PORT4,		/* u16 */
	NAT64_SESSION_A_RADDR4,		/* 4 bytes: the IPv4 peer */
	NAT64_SESSION_A_RPORT,		/* u16 (ICMP: = PORT4) */
	NAT64_SESSION_A_RADDR6,		/* 16 bytes: the peer as IPv6 sees it */
	/* u8, TCP: enum nat64_tcp_state; UDP, ICMP: 0 */
	NAT64_SESSION_A_STATE,
	NAT64_SESSION_A_EXPIRES_MS,	/* u32: ms until it expires if idle */
	NAT64_SESSION_A_RULE,		/* string: the rule it was made by */
	__NAT64_SESSION_A_MAX
};
#define NAT64_SESSION_A_MAX (__NAT64_SESSION_A_MAX - 1)

/* TCP session states (RFC 6146 §3.5.2.2). */
enum nat64_tcp_state {
	NAT64_TCP_CLOSED,
	NAT64_TCP_V4_INIT,
	NAT64_TCP_V6_INIT,
	NAT64_TCP_ESTABLISHED,
	NAT64_TCP_V4_FIN_RCV,
	NAT64_TCP_V6_FIN_RCV,
	NAT64_TCP_V4_FIN_V6_FIN_RCV,
	NAT64_TCP_TRANS,
};

enum nat64_filtering {
	NAT64_FILTER_ENDPOINT_INDEPENDENT,
	NAT64_FILTER_ADDRESS_DEPENDENT,
};

/* How packets reach the translator (NAT64_CONFIG_A_MODE). */
enum nat64_mode {
	NAT64_MODE_HOOKS,
	NAT64_MODE_TARGET,
};

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
	 * u32 seconds, 1..604800: how long an idle mapping lives. UDP
	 * (default 300), TCP established (default 7440), TCP transitory
	 * (before both sides spoke, after both FINs or an RST; default
	 * 240), ICMP (default 60). Values below the RFC 6146 §4 minimums
	 * (NAT64_TIMEOUT_MIN_*: UDP 120, TCP established 7440, transitory
	 * 240, ICMP 60; RFC 4787 REQ-5, RFC 5382 REQ-5) are refused with
	 * -EINVAL unless the request carries NAT64_CONFIG_A_BELOW_RFC: they
	 * break applications' keepalives, and are for tests and labs.
	 */
	NAT64_CONFIG_A_TIMEOUT_UDP,
	NAT64_CONFIG_A_TIMEOUT_TCP_EST,
	NAT64_CONFIG_A_TIMEOUT_TCP_TRANS,
	NAT64_CONFIG_A_TIMEOUT_ICMP,
	/*
	 * u32 seconds, 1..600 (default 6, the RFC 6146 §4 minimum, below
	 * which NAT64_CONFIG_A_BELOW_RFC is needed): how long an unsolicited
	 * IPv4 SYN
	 * is kept for a simultaneous open before ICMP port unreachable
	 * answers it (RFC 6146 §3.5.2.2, RFC 5382 REQ-4); also the life of
	 * a session an IPv4 SYN opened until the IPv6 side answers.
	 */
	NAT64_CONFIG_A_TIMEOUT_SYN,
	/*
	 * u8, enum nat64_filtering (default endpoint-independent): which
	 * IPv4 packets may reach an IPv6 host through its BIB entry: from
	 * anyone, or only from IPv4 addresses it has sessions with
	 * (RFC 4787 §5).
	 */
	NAT64_CONFIG_A_FILTERING,
	/* u8, 0 or 1 (default 0): drop IPv4-initiated TCP (SYNs). */
	NAT64_CONFIG_A_DROP_EXT_TCP,
	/*
	 * u32, 1..2^32-1: most sessions held. The default scales with the
	 * machine's memory: an eighth of RAM at 128 bytes a session, at
	 * most 4194304 (2 GB of RAM: 2097152). The module parameter
	 * max_sessions bounds the sessions of all namespaces together
	 * (default: a quarter of RAM's worth); past it, new sessions are
	 * refused with NAT64_STAT_DROP_MODULE_SESSIONS.
	 * Above NAT64_LIMIT_SESSIONS_USERNS needs CAP_NET_ADMIN in the
	 * initial user namespace (see "Permissions").
	 */
	NAT64_CONFIG_A_LIMIT_SESSIONS,
	/*
	 * u32, 0..65535 (default 0, no limit): most BIB entries (IPv4
	 * ports and identifiers) one subscriber holds (RFC 6888 REQ-4).
	 */
	NAT64_CONFIG_A_LIMIT_PORTS,
	/* u8, 1..128 (default 128): a subscriber is an IPv6 /LEN. */
	NAT64_CONFIG_A_SUBSCRIBER_PLEN,
	/* u32, 0..1024 (default 10): unsolicited IPv4 SYNs kept at most. */
	NAT64_CONFIG_A_MAX_STORED_SYNS,
	/*
	 * u8, enum nat64_mode (default hooks): how packets reach the
	 * translator in this namespace. Hooks: the module's own netfilter
	 * hooks (IPv6 and IPv4 PRE_ROUTING, after reassembly, before
	 * connection tracking), registered while the namespace has a rule.
	 * Target: only packets that an xtables rule sends to the NAT64
	 * target, "-t mangle -A PREROUTING ... -j NAT64" (ip6tables for the
	 * IPv6 side, iptables for the IPv4 side, legacy or nft), are
	 * translated; the hooks are not registered. In hooks mode the
	 * target lets every packet go on (XT_CONTINUE). The target is only
	 * valid in the mangle table's PREROUTING chain.
	 * Switching to hooks with a rule registers them; if that fails
	 * (-ENOMEM...), nothing changes.
	 */
	NAT64_CONFIG_A_MODE,
	/*
	 * u8, 0 or 1 (default 0): log each dynamic BIB entry's creation and
	 * end (expired or removed) to the kernel log, for operators who must
	 * keep translation records (RFC 6888 REQ-12, RFC 6269). One pr_info
	 * line each, without destinations:
	 *   nat64: ns=INUM TIME mapping EVENT PROTO [ADDR6]:PORT6 ADDR4:PORT4
	 * INUM is the network namespace's inode number (as in
	 * /proc/PID/ns/net), TIME CLOCK_REALTIME in UTC as
	 * YYYY-MM-DDTHH:MM:SS,
	 * EVENT created, expired or removed, PROTO tcp, udp or icmp (ports:
	 * ICMP identifiers).
	 * Turning it on needs CAP_NET_ADMIN in the initial user namespace
	 * (see "Permissions"). Lines (this and LOG_DESTINATIONS) are rate
	 * limited to 1000 a second per namespace (bursts of 1000); lines
	 * left out are counted (NAT64_STAT_LOG_SUPPRESSED): a record that
	 * must be complete is better kept from the events group.
	 */
	NAT64_CONFIG_A_LOG_MAPPINGS,
	/*
	 * u8, 0 or 1 (default 0): log each session's creation and end with
	 * its IPv4 destination (RFC 6888 REQ-12: destinations are logged
	 * only if asked for):
	 *   nat64: ns=INUM TIME session EVENT PROTO [ADDR6]:PORT6 ADDR4:PORT4
	 *          RADDR4:RPORT
	 * (one line; RPORT 0 for ICMP). Independent of LOG_MAPPINGS;
	 * the same permission and rate limit.
	 */
	NAT64_CONFIG_A_LOG_DESTINATIONS,
	/*
	 * flag, requests only: accept the timeouts of this request below
	 * their RFC 6146 §4 minimums (NAT64_TIMEOUT_MIN_*).
	 */
	NAT64_CONFIG_A_BELOW_RFC,
	/*
	 * u32, 1..65535 (default 4096): most sessions one BIB entry holds
	 * (static ones too). With endpoint-independent filtering anyone may
	 * open a session to a BIB entry, spoofing sources for UDP and ICMP,
	 * and a packet's session is looked for among its entry's: this
	 * bounds both. Refusals: NAT64_STAT_DROP_MAPPING_SESSIONS.
	 */
	NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING,
	/*
	 * u32, 0..2^32-1 (default 65536; 0: no limit): most sessions of the
	 * dynamic BIB entries of one subscriber (NAT64_CONFIG_A_SUBSCRIBER_PLEN).
	 * Like the port limit, counted for the entries made while either
	 * limit is set. Refusals: NAT64_STAT_DROP_SUBSCRIBER_SESSIONS.
	 */
	NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER,
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
	/*
	 * dropped: IPv6 UDP without checksum, or an ICMP error whose
	 * checksum is wrong (its translation gets a new one)
	 */
	NAT64_STAT_DROP_CHECKSUM,
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
	NAT64_STAT_SESSIONS_CREATED,	/* sessions created */
	NAT64_STAT_SESSIONS_EXPIRED,	/* sessions removed after timeout */
	/* dropped: IPv4 packet the filtering refused, or TCP without SYN */
	NAT64_STAT_DROP_FILTERED,
	NAT64_STAT_SYN_STORED,		/* unsolicited IPv4 SYNs kept */
	NAT64_STAT_SYN_EXPIRED,		/* ... answered by port unreachable */
	NAT64_STAT_DROP_SYN_QUEUE_FULL,	/* ... dropped: too many kept */
	/* dropped: session limit or per-subscriber port limit reached */
	NAT64_STAT_DROP_LIMIT,
	NAT64_STAT_HAIRPINNED,		/* IPv6 to IPv6 through a BIB entry */
	/*
	 * Of NAT64_STAT_6TO4_PACKETS and NAT64_STAT_4TO6_PACKETS, per
	 * protocol (ICMP: queries; ICMP errors have their own counters).
	 */
	NAT64_STAT_6TO4_TCP,
	NAT64_STAT_6TO4_UDP,
	NAT64_STAT_6TO4_ICMP,
	NAT64_STAT_4TO6_TCP,
	NAT64_STAT_4TO6_UDP,
	NAT64_STAT_4TO6_ICMP,
	/*
	 * New BIB entries refused, whatever the reason (pool exhausted,
	 * session or port limit, out of memory); the reason is counted too.
	 */
	NAT64_STAT_MAPPINGS_REFUSED,
	/* New sessions of existing BIB entries refused, likewise. */
	NAT64_STAT_SESSIONS_REFUSED,
	/*
	 * dropped: an address no router forwards (RFC 1812 §5.3.7, RFC 4291
	 * §2.5.2, §2.5.6): an unspecified, loopback, link-local or multicast
	 * IPv6 source; an IPv4 source in 0/8, 127/8 or 224/3; an IPv6
	 * destination embedding such an IPv4 address
	 */
	NAT64_STAT_DROP_BAD_ADDR,
	/*
	 * dropped: an unsolicited IPv4 SYN repeated while the first one is
	 * kept (the first one keeps its deadline; RFC 6146 §3.5.2.2)
	 */
	NAT64_STAT_SYN_RETRANSMITTED,
	/*
	 * dropped: an IPv6 destination of the Well-Known Prefix
	 * 64:ff9b::/96 embedding a non-global IPv4 address (RFC 6052 §3.1;
	 * see "Non-global IPv4 addresses" above)
	 */
	NAT64_STAT_DROP_NONGLOBAL,
	/* dropped: IPv4 destination in a denied network (NAT64_CMD_DENY_ADD) */
	NAT64_STAT_DROP_DENIED,
	/*
	 * dropped: the route to the IPv4 destination is not unicast (local,
	 * broadcast, ...)
	 */
	NAT64_STAT_DROP_ROUTE_TYPE,
	/* log lines (LOG_MAPPINGS, LOG_DESTINATIONS) left out: rate limit */
	NAT64_STAT_LOG_SUPPRESSED,
	/*
	 * dropped: an IPv6 packet to a pool address (hairpinning, RFC 6146
	 * §3.8) that no BIB entry takes back to IPv6; ICMPv6 port
	 * unreachable sent to its source
	 */
	NAT64_STAT_DROP_HAIRPIN,
	/*
	 * dropped: an ICMP error about no session: its inner packet is not
	 * one of a session of the BIB entry it names (remote address and
	 * port), or the error is not addressed to that packet's source
	 */
	NAT64_STAT_DROP_ERR_NO_SESSION,
	/* dropped: the BIB entry holds its most sessions (LIMIT_SESSIONS_MAPPING) */
	NAT64_STAT_DROP_MAPPING_SESSIONS,
	/* dropped: the subscriber holds its most sessions (LIMIT_SESSIONS_SUBSCRIBER) */
	NAT64_STAT_DROP_SUBSCRIBER_SESSIONS,
	/* dropped: all namespaces hold the module's most sessions (max_sessions) */
	NAT64_STAT_DROP_MODULE_SESSIONS,
	/*
	 * dropped: a subscriber of a deterministic pool range has no free
	 * port left in its own range (see "Deterministic NAT")
	 */
	NAT64_STAT_DROP_DET_FULL,
	/*
	 * dropped: a subscriber of a block range holds BLK_MAX blocks and
	 * none takes the mapping (see "Port blocks")
	 */
	NAT64_STAT_DROP_BLOCK_MAX,
	/* port blocks given to subscribers, and released */
	NAT64_STAT_BLOCKS_ALLOCATED,
	NAT64_STAT_BLOCKS_RELEASED,
	/*
	 * events (NAT64_CMD_EVENT) delivered to the "events" group, and
	 * those numbered (NAT64_A_SEQ) but not delivered: no memory, or a
	 * listener with NETLINK_BROADCAST_ERROR whose socket was full
	 */
	NAT64_STAT_EVENTS_SENT,
	NAT64_STAT_EVENTS_DROPPED,
	/*
	 * session sync (NAT64_CMD_SESSION_ADD): sessions made, sessions
	 * refreshed, requests refused (any error), and of those the ones
	 * refused because either side was mapped otherwise here
	 */
	NAT64_STAT_SYNC_ADDED,
	NAT64_STAT_SYNC_UPDATED,
	NAT64_STAT_SYNC_REFUSED,
	NAT64_STAT_SYNC_CONFLICTS,
	/*
	 * the fast path (see "Fast path"): packets it translated and sent,
	 * and packets it left to the full path, by reason: a header it does
	 * not take (fragment, IPv4 options, IPv6 extension headers, hop
	 * limit or TTL <= 1, an ICMP error, a bad length or IPv4 header
	 * checksum, not addressed to this host, GSO it cannot keep); TCP
	 * not established or with SYN, FIN or RST; no live session; no
	 * output cached for the session yet (or cached for another ingress
	 * interface, mark or TOS); the cached route or configuration
	 * changed, or its device went down; no usable neighbour; longer
	 * than the cached MTU allows
	 */
	NAT64_STAT_FP_PACKETS,
	NAT64_STAT_FP_MISS_HEADER,
	NAT64_STAT_FP_MISS_TCP,
	NAT64_STAT_FP_MISS_SESSION,
	NAT64_STAT_FP_MISS_NOCACHE,
	NAT64_STAT_FP_MISS_ROUTE,
	NAT64_STAT_FP_MISS_NEIGH,
	NAT64_STAT_FP_MISS_MTU,
	__NAT64_STAT_MAX
};
#define NAT64_STAT_MAX (__NAT64_STAT_MAX - 1)

#endif /* _UAPI_NAT64_H */
