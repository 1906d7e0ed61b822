// SPDX-License-Identifier: GPL-2.0
/*
 * nat64ctl: configure the nat64 kernel module.
 *
 * Exit status: 0 done, 1 refused by the kernel or failed, 2 bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "json.h"
#include "../kernel/portalloc.h"
#include "nl.h"
#include "parse.h"
#include "../kernel/tcpfsm.h"

#ifndef NAT64_VERSION
#define NAT64_VERSION "0.1.0"
#endif

/* nat64-syncd's defaults (nat64-syncd.8). */
#define SYNCD_STATUS	"/run/nat64-syncd.status"
#define SYNCD_PID	"/run/nat64-syncd.pid"

static const char *const stat_names[NAT64_STAT_MAX + 1] = {
	[NAT64_STAT_6TO4_PACKETS] = "6to4-packets",
	[NAT64_STAT_4TO6_PACKETS] = "4to6-packets",
	[NAT64_STAT_MAPPINGS_CREATED] = "mappings-created",
	[NAT64_STAT_MAPPINGS_EXPIRED] = "mappings-expired",
	[NAT64_STAT_4TO6_NO_MAPPING] = "4to6-no-mapping",
	[NAT64_STAT_6TO4_NO_PORT] = "6to4-no-port",
	[NAT64_STAT_DROP_TRUNCATED] = "drop-truncated",
	[NAT64_STAT_DROP_UNSUPPORTED] = "drop-unsupported",
	[NAT64_STAT_DROP_HOPLIMIT] = "drop-hoplimit",
	[NAT64_STAT_DROP_NO_ROUTE] = "drop-no-route",
	[NAT64_STAT_DROP_NOMEM] = "drop-nomem",
	[NAT64_STAT_DROP_TOO_BIG] = "drop-too-big",
	[NAT64_STAT_DROP_CHECKSUM] = "drop-checksum",
	[NAT64_STAT_DROP_ICMP_TYPE] = "drop-icmp-type",
	[NAT64_STAT_DROP_ROUTING_HDR] = "drop-routing-hdr",
	[NAT64_STAT_DROP_SOURCE_ROUTE] = "drop-source-route",
	[NAT64_STAT_DROP_BAD_INNER] = "drop-bad-inner",
	[NAT64_STAT_ICMP_ERR_6TO4] = "icmp-err-6to4",
	[NAT64_STAT_ICMP_ERR_4TO6] = "icmp-err-4to6",
	[NAT64_STAT_ICMP_SENT] = "icmp-sent",
	[NAT64_STAT_DROP_SRC_IN_PREFIX] = "drop-src-in-prefix",
	[NAT64_STAT_SESSIONS_CREATED] = "sessions-created",
	[NAT64_STAT_SESSIONS_EXPIRED] = "sessions-expired",
	[NAT64_STAT_DROP_FILTERED] = "drop-filtered",
	[NAT64_STAT_SYN_STORED] = "syn-stored",
	[NAT64_STAT_SYN_EXPIRED] = "syn-expired",
	[NAT64_STAT_DROP_SYN_QUEUE_FULL] = "drop-syn-queue-full",
	[NAT64_STAT_DROP_LIMIT] = "drop-limit",
	[NAT64_STAT_HAIRPINNED] = "hairpinned",
	[NAT64_STAT_6TO4_TCP] = "6to4-tcp",
	[NAT64_STAT_6TO4_UDP] = "6to4-udp",
	[NAT64_STAT_6TO4_ICMP] = "6to4-icmp",
	[NAT64_STAT_4TO6_TCP] = "4to6-tcp",
	[NAT64_STAT_4TO6_UDP] = "4to6-udp",
	[NAT64_STAT_4TO6_ICMP] = "4to6-icmp",
	[NAT64_STAT_MAPPINGS_REFUSED] = "mappings-refused",
	[NAT64_STAT_SESSIONS_REFUSED] = "sessions-refused",
	[NAT64_STAT_DROP_BAD_ADDR] = "drop-bad-addr",
	[NAT64_STAT_SYN_RETRANSMITTED] = "syn-retransmitted",
	[NAT64_STAT_DROP_NONGLOBAL] = "drop-nonglobal",
	[NAT64_STAT_DROP_DENIED] = "drop-denied",
	[NAT64_STAT_DROP_ROUTE_TYPE] = "drop-route-type",
	[NAT64_STAT_LOG_SUPPRESSED] = "log-suppressed",
	[NAT64_STAT_DROP_HAIRPIN] = "drop-hairpin",
	[NAT64_STAT_DROP_ERR_NO_SESSION] = "drop-err-no-session",
	[NAT64_STAT_DROP_MAPPING_SESSIONS] = "drop-mapping-sessions",
	[NAT64_STAT_DROP_SUBSCRIBER_SESSIONS] = "drop-subscriber-sessions",
	[NAT64_STAT_DROP_MODULE_SESSIONS] = "drop-module-sessions",
	[NAT64_STAT_DROP_DET_FULL] = "drop-det-full",
	[NAT64_STAT_DROP_BLOCK_MAX] = "drop-block-max",
	[NAT64_STAT_BLOCKS_ALLOCATED] = "blocks-allocated",
	[NAT64_STAT_BLOCKS_RELEASED] = "blocks-released",
	[NAT64_STAT_EVENTS_SENT] = "events-sent",
	[NAT64_STAT_EVENTS_DROPPED] = "events-dropped",
	[NAT64_STAT_SYNC_ADDED] = "sync-added",
	[NAT64_STAT_SYNC_UPDATED] = "sync-updated",
	[NAT64_STAT_SYNC_REFUSED] = "sync-refused",
	[NAT64_STAT_SYNC_CONFLICTS] = "sync-conflicts",
	[NAT64_STAT_FP_PACKETS] = "fastpath-packets",
	[NAT64_STAT_FP_MISS_HEADER] = "fastpath-miss-header",
	[NAT64_STAT_FP_MISS_TCP] = "fastpath-miss-tcp",
	[NAT64_STAT_FP_MISS_SESSION] = "fastpath-miss-session",
	[NAT64_STAT_FP_MISS_NOCACHE] = "fastpath-miss-nocache",
	[NAT64_STAT_FP_MISS_ROUTE] = "fastpath-miss-route",
	[NAT64_STAT_FP_MISS_NEIGH] = "fastpath-miss-neigh",
	[NAT64_STAT_FP_MISS_MTU] = "fastpath-miss-mtu",
};

/* The name of counter @t, or "stat-T" for one this build does not know. */
static const char *stat_name(unsigned int t, char *buf, size_t len)
{
	if (t <= NAT64_STAT_MAX && stat_names[t])
		return stat_names[t];
	snprintf(buf, len, "stat-%u", t);
	return buf;
}

/* Per object: its lines of the usage text. */
static const char *const help_text[][2] = {
	{ "version", "  version\n" },
	{ "show",
	  "  show                  the configuration, as commands -f reads back\n" },
	{ "flush",
	  "  flush                 remove pools, rules, static BIB entries;\n"
	  "                        settings back to their defaults\n" },
	{ "pool",
	  "  pool add NAME ADDR[/LEN|-ADDR] [ports LO-HI] [proto tcp,udp,icmp]\n"
	  "           [alloc random|sequential|deterministic from PREFIX6/LEN|\n"
	  "                  block SIZE [max-blocks N] [block-timeout SECONDS]\n"
	  "                             [interim SECONDS]] [quiet] [peer]\n"
	  "  pool del NAME | pool show\n" },
	{ "block",
	  "  block show [PREFIX6/LEN]  subscribers' port blocks\n" },
	{ "lookup",
	  "  lookup ADDR4:PORT...  the subscriber of a deterministic pool's port\n"
	  "  lookup ADDR6[/LEN]... a subscriber's deterministic address and ports\n" },
	{ "rule",
	  "  rule add NAME prefix PREFIX/LEN pool POOL [from SRC/LEN]\n"
	  "  rule del NAME | rule show\n" },
	{ "bib",
	  "  bib add|del tcp|udp|icmp [ADDR6]:PORT ADDR4:PORT\n"
	  "  bib show [tcp|udp|icmp]     (also: mapping show)\n" },
	{ "deny",
	  "  deny add|del ADDR[/LEN]  IPv4 networks not to translate to\n"
	  "  deny show\n" },
	{ "fastpath",
	  "  fastpath add|del DEV  established flows arriving on DEV skip the\n"
	  "                        stack (and its FORWARD chain)\n"
	  "  fastpath show\n" },
	{ "session", "  session show [tcp|udp|icmp] | session flush\n" },
	{ "stats", "  stats [reset]\n" },
	{ "monitor",
	  "  monitor               mapping, session and block events, live\n" },
	{ "sync",
	  "  sync status [--status-file PATH]  nat64-syncd's peers and counters\n"
	  "  sync resync [--pid-file PATH]     nat64-syncd: all sessions to all\n"
	  "                                    peers again (SIGUSR2)\n" },
	{ "set",
	  "  set { clear-df on|off | reset-tos on|off | lowest-ipv6-mtu N |\n"
	  "        timeout udp|tcp-est|tcp-trans|icmp|syn SECONDS |\n"
	  "        filtering endpoint-independent|address-dependent |\n"
	  "        drop-external-tcp on|off | max-stored-syns N |\n"
	  "        limit sessions|ports-per-subscriber|sessions-per-mapping|\n"
	  "              sessions-per-subscriber N |\n"
	  "        subscriber-prefix LEN | mode hooks|target |\n"
	  "        log mappings|destinations on|off }... [below-rfc]\n"
	  "        (below-rfc: allow timeouts under RFC 6146's minimums)\n" },
};

/* The usage of one object (NULL: all). */
static int usage_of(FILE *f, const char *obj)
{
	size_t i;

	fprintf(f, "usage: nat64ctl [-j|-p] [-n NETNS] OBJECT COMMAND [ARGS]\n"
		"       nat64ctl [-n NETNS] -f FILE\n");
	if (!obj)
		fprintf(f, "  -j: listings, stats and events in JSON; -p: JSON, indented;\n"
			"  -n: in the named network namespace (ip netns);\n"
			"  -f: the commands of FILE (- for stdin), one a line,\n"
			"      applied all together or not at all\n");
	for (i = 0; i < sizeof(help_text) / sizeof(help_text[0]); i++)
		if (!obj || !strcmp(obj, help_text[i][0]))
			fputs(help_text[i][1], f);
	if (!obj)
		fprintf(f, "  help | OBJECT help\n"
			"Words may be shortened to any unambiguous prefix.\n");
	return f == stdout ? 0 : 2;
}

static int usage(FILE *f)
{
	return usage_of(f, NULL);
}

/* -j: bib and session listings as a JSON array of objects. */
static bool json;

/* The separator before the next item of a JSON array. */
static const char *json_sep(void *arg)
{
	int *n = arg;

	return (*n)++ ? ",\n" : "\n";
}

/* "FILE:LINE: " while a batch file is read, for messages. */
static const char *where = "";
/* Requests are changes to the open batch (NAT64_A_BATCH). */
static bool in_batch;

static int bad(const char *msg)
{
	fprintf(stderr, "nat64ctl: %s%s\n", where, msg);
	return 2;
}

/* ---- printing replies ---- */

/* A pool's attributes into @p; false if one it must have is missing. */
static bool pool_parse(struct nlattr **tb, struct nlattr **p)
{
	return tb[NAT64_A_POOL] &&
	       !nla_parse_nested(p, NAT64_POOL_A_MAX, tb[NAT64_A_POOL], NULL) &&
	       p[NAT64_POOL_A_NAME] && p[NAT64_POOL_A_ADDR] &&
	       nla_len(p[NAT64_POOL_A_ADDR]) == 4 &&
	       p[NAT64_POOL_A_PORT_MIN] && p[NAT64_POOL_A_PORT_MAX];
}

/* "tcp,udp,icmp", or those of them in @f (NAT64_PROTO_F_*). */
static const char *protos_text(unsigned int f, char buf[16])
{
	snprintf(buf, 16, "%s%s%s%s%s", f & NAT64_PROTO_F_TCP ? "tcp" : "",
		 f & NAT64_PROTO_F_TCP && f & ~NAT64_PROTO_F_TCP ? "," : "",
		 f & NAT64_PROTO_F_UDP ? "udp" : "",
		 f & NAT64_PROTO_F_UDP && f & NAT64_PROTO_F_ICMP ? "," : "",
		 f & NAT64_PROTO_F_ICMP ? "icmp" : "");
	return buf;
}

/* Integer attributes of a reply: 0 if absent or short. */
static unsigned int attr_u16(struct nlattr *a)
{
	return a && nla_len(a) >= 2 ? nla_get_u16(a) : 0;
}

static unsigned int attr_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

static unsigned long long attr_u64(struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? (unsigned long long)nla_get_u64(a) : 0;
}

static int print_pool(struct nlattr **tb, void *arg)
{
	struct nlattr *p[NAT64_POOL_A_MAX + 1];
	char a[INET_ADDRSTRLEN], range[2 * INET_ADDRSTRLEN + 8], pbuf[16];
	unsigned int f = NAT64_PROTO_F_TCP | NAT64_PROTO_F_UDP |
			 NAT64_PROTO_F_ICMP;

	if (!pool_parse(tb, p))
		return 0;
	inet_ntop(AF_INET, nla_data(p[NAT64_POOL_A_ADDR]), a, sizeof(a));
	if (p[NAT64_POOL_A_LAST] && nla_len(p[NAT64_POOL_A_LAST]) == 4) {
		char l[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, nla_data(p[NAT64_POOL_A_LAST]), l,
			  sizeof(l));
		snprintf(range, sizeof(range), "%s-%s", a, l);
	} else if (p[NAT64_POOL_A_PLEN]) {
		snprintf(range, sizeof(range), "%s/%u", a,
			 nla_get_u8(p[NAT64_POOL_A_PLEN]));
	} else {
		return 0;
	}
	printf("%s%s %s ports %u-%u", arg ? "pool add " : "",
	       nla_get_string(p[NAT64_POOL_A_NAME]), range,
	       nla_get_u16(p[NAT64_POOL_A_PORT_MIN]),
	       nla_get_u16(p[NAT64_POOL_A_PORT_MAX]));
	if (p[NAT64_POOL_A_PROTOS])
		f = nla_get_u8(p[NAT64_POOL_A_PROTOS]);
	if (f != (NAT64_PROTO_F_TCP | NAT64_PROTO_F_UDP | NAT64_PROTO_F_ICMP))
		printf(" proto %s", protos_text(f, pbuf));
	if (p[NAT64_POOL_A_ALLOC] &&
	    nla_get_u8(p[NAT64_POOL_A_ALLOC]) == NAT64_ALLOC_SEQUENTIAL)
		printf(" alloc sequential");
	if (p[NAT64_POOL_A_ALLOC] &&
	    nla_get_u8(p[NAT64_POOL_A_ALLOC]) == NAT64_ALLOC_DETERMINISTIC &&
	    p[NAT64_POOL_A_DET_PREFIX] &&
	    nla_len(p[NAT64_POOL_A_DET_PREFIX]) == 16 &&
	    p[NAT64_POOL_A_DET_PLEN]) {
		char a6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, nla_data(p[NAT64_POOL_A_DET_PREFIX]), a6,
			  sizeof(a6));
		printf(" alloc deterministic from %s/%u", a6,
		       nla_get_u8(p[NAT64_POOL_A_DET_PLEN]));
	}
	if (p[NAT64_POOL_A_ALLOC] &&
	    nla_get_u8(p[NAT64_POOL_A_ALLOC]) == NAT64_ALLOC_BLOCK) {
		printf(" alloc block %u max-blocks %u",
		       attr_u16(p[NAT64_POOL_A_BLK_SIZE]),
		       attr_u16(p[NAT64_POOL_A_BLK_MAX]));
		if (attr_u32(p[NAT64_POOL_A_BLK_TIMEOUT]))
			printf(" block-timeout %u",
			       attr_u32(p[NAT64_POOL_A_BLK_TIMEOUT]));
		if (attr_u32(p[NAT64_POOL_A_BLK_INTERIM]))
			printf(" interim %u",
			       attr_u32(p[NAT64_POOL_A_BLK_INTERIM]));
	}
	if (p[NAT64_POOL_A_QUIET])
		printf(" quiet");
	if (p[NAT64_POOL_A_PEER])
		printf(" peer");
	/* pool show (not show): how the blocks are used */
	if (!arg && p[NAT64_POOL_A_BLK_TOTAL])
		printf("\n  blocks %u used %u free %u subscribers-at-max %u refused %llu bytes-per-block %u",
		       attr_u32(p[NAT64_POOL_A_BLK_TOTAL]),
		       attr_u32(p[NAT64_POOL_A_BLK_USED]),
		       attr_u32(p[NAT64_POOL_A_BLK_TOTAL]) -
		       attr_u32(p[NAT64_POOL_A_BLK_USED]),
		       attr_u32(p[NAT64_POOL_A_BLK_SUBS_AT_MAX]),
		       attr_u64(p[NAT64_POOL_A_BLK_REFUSED]),
		       attr_u32(p[NAT64_POOL_A_BLK_BYTES]));
	printf("\n");
	return 0;
}

/* A pool range of a dump reply as a struct pa_det, if deterministic. */
static bool parse_det(struct nlattr **tb, char name[NAT64_NAME_MAX],
		      struct pa_det *d)
{
	struct nlattr *p[NAT64_POOL_A_MAX + 1];
	uint32_t a, last;

	memset(d, 0, sizeof(*d));
	if (!tb[NAT64_A_POOL] ||
	    nla_parse_nested(p, NAT64_POOL_A_MAX, tb[NAT64_A_POOL], NULL) ||
	    !p[NAT64_POOL_A_NAME] || !p[NAT64_POOL_A_ADDR] ||
	    nla_len(p[NAT64_POOL_A_ADDR]) != 4 ||
	    !p[NAT64_POOL_A_PORT_MIN] || !p[NAT64_POOL_A_PORT_MAX] ||
	    !p[NAT64_POOL_A_ALLOC] ||
	    nla_get_u8(p[NAT64_POOL_A_ALLOC]) != NAT64_ALLOC_DETERMINISTIC ||
	    !p[NAT64_POOL_A_DET_PREFIX] ||
	    nla_len(p[NAT64_POOL_A_DET_PREFIX]) != 16 ||
	    !p[NAT64_POOL_A_DET_PLEN] || !p[NAT64_POOL_A_DET_SUBLEN])
		return false;
	memcpy(&a, nla_data(p[NAT64_POOL_A_ADDR]), 4);
	d->addr = ntohl(a);
	if (p[NAT64_POOL_A_LAST] && nla_len(p[NAT64_POOL_A_LAST]) == 4) {
		memcpy(&last, nla_data(p[NAT64_POOL_A_LAST]), 4);
		d->naddr = ntohl(last) - d->addr + 1;
	} else if (p[NAT64_POOL_A_PLEN]) {
		d->naddr = 1U << (32 - nla_get_u8(p[NAT64_POOL_A_PLEN]));
	} else {
		return false;
	}
	d->port_lo = nla_get_u16(p[NAT64_POOL_A_PORT_MIN]);
	d->port_hi = nla_get_u16(p[NAT64_POOL_A_PORT_MAX]);
	memcpy(d->prefix, nla_data(p[NAT64_POOL_A_DET_PREFIX]), 16);
	d->plen = nla_get_u8(p[NAT64_POOL_A_DET_PLEN]);
	d->sublen = nla_get_u8(p[NAT64_POOL_A_DET_SUBLEN]);
	snprintf(name, NAT64_NAME_MAX, "%s",
		 nla_get_string(p[NAT64_POOL_A_NAME]));
	return true;
}

static void json_chars(const char *s);

/* pool show -j: an object of the JSON array (@arg: items so far). */
static int print_pool_json(struct nlattr **tb, void *arg)
{
	struct nlattr *p[NAT64_POOL_A_MAX + 1];
	char a[INET_ADDRSTRLEN], l[INET_ADDRSTRLEN];
	static const char *const allocs[] = {
		[NAT64_ALLOC_RANDOM] = "random",
		[NAT64_ALLOC_SEQUENTIAL] = "sequential",
		[NAT64_ALLOC_DETERMINISTIC] = "deterministic",
		[NAT64_ALLOC_BLOCK] = "block",
	};
	unsigned int f = NAT64_PROTO_F_TCP | NAT64_PROTO_F_UDP |
			 NAT64_PROTO_F_ICMP, al = NAT64_ALLOC_RANDOM;
	char name[NAT64_NAME_MAX];
	struct pa_det d;

	if (!pool_parse(tb, p))
		return 0;
	if (p[NAT64_POOL_A_PROTOS])
		f = nla_get_u8(p[NAT64_POOL_A_PROTOS]);
	if (p[NAT64_POOL_A_ALLOC] &&
	    nla_get_u8(p[NAT64_POOL_A_ALLOC]) <= NAT64_ALLOC_BLOCK)
		al = nla_get_u8(p[NAT64_POOL_A_ALLOC]);
	printf("%s{\"name\":\"", json_sep(arg));
	json_chars(nla_get_string(p[NAT64_POOL_A_NAME]));
	printf("\",\"addr\":\"%s\"",
	       inet_ntop(AF_INET, nla_data(p[NAT64_POOL_A_ADDR]), a,
			 sizeof(a)));
	if (p[NAT64_POOL_A_LAST] && nla_len(p[NAT64_POOL_A_LAST]) == 4)
		printf(",\"last\":\"%s\"",
		       inet_ntop(AF_INET, nla_data(p[NAT64_POOL_A_LAST]), l,
				 sizeof(l)));
	else if (p[NAT64_POOL_A_PLEN])
		printf(",\"plen\":%u", nla_get_u8(p[NAT64_POOL_A_PLEN]));
	printf(",\"port_min\":%u,\"port_max\":%u,\"protos\":[%s%s%s%s%s],"
	       "\"alloc\":\"%s\"",
	       nla_get_u16(p[NAT64_POOL_A_PORT_MIN]),
	       nla_get_u16(p[NAT64_POOL_A_PORT_MAX]),
	       f & NAT64_PROTO_F_TCP ? "\"tcp\"" : "",
	       f & NAT64_PROTO_F_TCP && f & ~NAT64_PROTO_F_TCP ? "," : "",
	       f & NAT64_PROTO_F_UDP ? "\"udp\"" : "",
	       f & NAT64_PROTO_F_UDP && f & NAT64_PROTO_F_ICMP ? "," : "",
	       f & NAT64_PROTO_F_ICMP ? "\"icmp\"" : "", allocs[al]);
	if (parse_det(tb, name, &d)) {
		struct pa_det_shape sh;
		char a6[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, d.prefix, a6, sizeof(a6));
		printf(",\"from\":\"%s\",\"from_plen\":%u,"
		       "\"subscriber_plen\":%u", a6, d.plen, d.sublen);
		if (pa_det_shape(&d, &sh) == PA_DET_OK)
			printf(",\"subscribers\":%u,\"subscribers_per_addr\":%u,"
			       "\"ports_per_subscriber\":%u", sh.nsubs,
			       sh.per_addr, sh.ports);
	}
	if (al == NAT64_ALLOC_BLOCK)
		printf(",\"block_size\":%u,\"max_blocks\":%u,"
		       "\"block_timeout\":%u,\"interim\":%u,\"blocks\":%u,"
		       "\"blocks_used\":%u,\"blocks_free\":%u,"
		       "\"subscribers_at_max\":%u,\"refused\":%llu,"
		       "\"bytes_per_block\":%u",
		       attr_u16(p[NAT64_POOL_A_BLK_SIZE]),
		       attr_u16(p[NAT64_POOL_A_BLK_MAX]),
		       attr_u32(p[NAT64_POOL_A_BLK_TIMEOUT]),
		       attr_u32(p[NAT64_POOL_A_BLK_INTERIM]),
		       attr_u32(p[NAT64_POOL_A_BLK_TOTAL]),
		       attr_u32(p[NAT64_POOL_A_BLK_USED]),
		       attr_u32(p[NAT64_POOL_A_BLK_TOTAL]) -
		       attr_u32(p[NAT64_POOL_A_BLK_USED]),
		       attr_u32(p[NAT64_POOL_A_BLK_SUBS_AT_MAX]),
		       attr_u64(p[NAT64_POOL_A_BLK_REFUSED]),
		       attr_u32(p[NAT64_POOL_A_BLK_BYTES]));
	printf(",\"quiet\":%s,\"peer\":%s}",
	       p[NAT64_POOL_A_QUIET] ? "true" : "false",
	       p[NAT64_POOL_A_PEER] ? "true" : "false");
	return 0;
}

static int print_rule(struct nlattr **tb, void *arg)
{
	struct nlattr *r[NAT64_RULE_A_MAX + 1];
	char a[INET6_ADDRSTRLEN];

	if (!tb[NAT64_A_RULE] ||
	    nla_parse_nested(r, NAT64_RULE_A_MAX, tb[NAT64_A_RULE], NULL) ||
	    !r[NAT64_RULE_A_NAME] || !r[NAT64_RULE_A_PREFIX] ||
	    nla_len(r[NAT64_RULE_A_PREFIX]) != 16 || !r[NAT64_RULE_A_PLEN] ||
	    !r[NAT64_RULE_A_POOL])
		return 0;
	inet_ntop(AF_INET6, nla_data(r[NAT64_RULE_A_PREFIX]), a, sizeof(a));
	printf("%s%s prefix %s/%u pool %s", arg ? "rule add " : "",
	       nla_get_string(r[NAT64_RULE_A_NAME]), a,
	       nla_get_u8(r[NAT64_RULE_A_PLEN]),
	       nla_get_string(r[NAT64_RULE_A_POOL]));
	if (r[NAT64_RULE_A_SRC] && nla_len(r[NAT64_RULE_A_SRC]) == 16 &&
	    r[NAT64_RULE_A_SRC_PLEN]) {
		inet_ntop(AF_INET6, nla_data(r[NAT64_RULE_A_SRC]), a, sizeof(a));
		printf(" from %s/%u", a, nla_get_u8(r[NAT64_RULE_A_SRC_PLEN]));
	}
	printf("\n");
	return 0;
}

static const char *proto_name(unsigned int p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" :
	       p == IPPROTO_ICMPV6 ? "icmp" : "?";
}

/*
 * The NAT64_A_MAPPING nest of a reply, with both sides' addresses as
 * text; false if it lacks any of protocol, addresses and ports.
 */
static bool parse_mapping(struct nlattr **tb,
			  struct nlattr *m[NAT64_MAPPING_A_MAX + 1],
			  char a6[INET6_ADDRSTRLEN], char a4[INET_ADDRSTRLEN])
{
	if (!tb[NAT64_A_MAPPING] ||
	    nla_parse_nested(m, NAT64_MAPPING_A_MAX, tb[NAT64_A_MAPPING],
			     NULL) ||
	    !m[NAT64_MAPPING_A_PROTO] || !m[NAT64_MAPPING_A_ADDR6] ||
	    nla_len(m[NAT64_MAPPING_A_ADDR6]) != 16 ||
	    !m[NAT64_MAPPING_A_ADDR4] || nla_len(m[NAT64_MAPPING_A_ADDR4]) != 4 ||
	    !m[NAT64_MAPPING_A_PORT6] || !m[NAT64_MAPPING_A_PORT4])
		return false;
	inet_ntop(AF_INET6, nla_data(m[NAT64_MAPPING_A_ADDR6]), a6,
		  INET6_ADDRSTRLEN);
	inet_ntop(AF_INET, nla_data(m[NAT64_MAPPING_A_ADDR4]), a4,
		  INET_ADDRSTRLEN);
	return true;
}

/* An IPv4 address attribute as text into @buf, or "" if it is not one. */
static const char *attr_addr4(struct nlattr *a, char buf[INET_ADDRSTRLEN])
{
	if (!a || nla_len(a) != 4 ||
	    !inet_ntop(AF_INET, nla_data(a), buf, INET_ADDRSTRLEN))
		return "";
	return buf;
}

static int print_mapping(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_MAPPING_A_MAX + 1];
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN];

	if (!parse_mapping(tb, m, a6, a4))
		return 0;
	if (json) {
		printf("%s{\"proto\":\"%s\",\"addr6\":\"%s\",\"port6\":%u,"
		       "\"addr4\":\"%s\",\"port4\":%u,\"static\":%s",
		       json_sep(arg),
		       proto_name(nla_get_u8(m[NAT64_MAPPING_A_PROTO])), a6,
		       nla_get_u16(m[NAT64_MAPPING_A_PORT6]), a4,
		       nla_get_u16(m[NAT64_MAPPING_A_PORT4]),
		       m[NAT64_MAPPING_A_STATIC] ? "true" : "false");
		if (m[NAT64_MAPPING_A_SESSIONS])
			printf(",\"sessions\":%u",
			       nla_get_u32(m[NAT64_MAPPING_A_SESSIONS]));
		if (m[NAT64_MAPPING_A_RULE])
			printf(",\"rule\":\"%s\"",
			       nla_get_string(m[NAT64_MAPPING_A_RULE]));
		if (m[NAT64_MAPPING_A_EXPIRES_MS])
			printf(",\"expires_ms\":%u",
			       nla_get_u32(m[NAT64_MAPPING_A_EXPIRES_MS]));
		printf("}");
		return 0;
	}
	printf("%s %s %u %s %u", proto_name(nla_get_u8(m[NAT64_MAPPING_A_PROTO])),
	       a6, nla_get_u16(m[NAT64_MAPPING_A_PORT6]), a4,
	       nla_get_u16(m[NAT64_MAPPING_A_PORT4]));
	if (m[NAT64_MAPPING_A_STATIC])
		printf(" static\n");
	else if (m[NAT64_MAPPING_A_RULE] && m[NAT64_MAPPING_A_EXPIRES_MS])
		printf(" rule %s expires %us\n",
		       nla_get_string(m[NAT64_MAPPING_A_RULE]),
		       (nla_get_u32(m[NAT64_MAPPING_A_EXPIRES_MS]) + 999) / 1000);
	else
		printf("\n");
	return 0;
}

static int print_session(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_SESSION_A_MAX + 1];
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], r4[INET_ADDRSTRLEN];
	char r6[INET6_ADDRSTRLEN] = "";
	const char *state;
	unsigned int proto;

	if (!tb[NAT64_A_SESSION] ||
	    nla_parse_nested(m, NAT64_SESSION_A_MAX, tb[NAT64_A_SESSION],
			     NULL) ||
	    !m[NAT64_SESSION_A_PROTO] || !m[NAT64_SESSION_A_ADDR6] ||
	    nla_len(m[NAT64_SESSION_A_ADDR6]) != 16 ||
	    !m[NAT64_SESSION_A_ADDR4] || nla_len(m[NAT64_SESSION_A_ADDR4]) != 4 ||
	    !m[NAT64_SESSION_A_RADDR4] ||
	    nla_len(m[NAT64_SESSION_A_RADDR4]) != 4 ||
	    !m[NAT64_SESSION_A_PORT6] || !m[NAT64_SESSION_A_PORT4] ||
	    !m[NAT64_SESSION_A_RPORT] || !m[NAT64_SESSION_A_STATE] ||
	    !m[NAT64_SESSION_A_EXPIRES_MS])
		return 0;
	proto = nla_get_u8(m[NAT64_SESSION_A_PROTO]);
	inet_ntop(AF_INET6, nla_data(m[NAT64_SESSION_A_ADDR6]), a6, sizeof(a6));
	inet_ntop(AF_INET, nla_data(m[NAT64_SESSION_A_ADDR4]), a4, sizeof(a4));
	inet_ntop(AF_INET, nla_data(m[NAT64_SESSION_A_RADDR4]), r4, sizeof(r4));
	state = proto == IPPROTO_TCP ?
		tcp_state_name(nla_get_u8(m[NAT64_SESSION_A_STATE])) : "active";
	if (json) {
		if (m[NAT64_SESSION_A_RADDR6] &&
		    nla_len(m[NAT64_SESSION_A_RADDR6]) == 16)
			inet_ntop(AF_INET6, nla_data(m[NAT64_SESSION_A_RADDR6]),
				  r6, sizeof(r6));
		printf("%s{\"proto\":\"%s\",\"addr6\":\"%s\",\"port6\":%u,"
		       "\"addr4\":\"%s\",\"port4\":%u,\"remote4\":\"%s\","
		       "\"rport\":%u,\"remote6\":\"%s\",\"state\":\"%s\","
		       "\"expires_ms\":%u}", json_sep(arg), proto_name(proto),
		       a6, nla_get_u16(m[NAT64_SESSION_A_PORT6]), a4,
		       nla_get_u16(m[NAT64_SESSION_A_PORT4]), r4,
		       nla_get_u16(m[NAT64_SESSION_A_RPORT]), r6, state,
		       nla_get_u32(m[NAT64_SESSION_A_EXPIRES_MS]));
		return 0;
	}
	printf("%s %s %u %s %u %s %u %s expires %us\n", proto_name(proto),
	       a6, nla_get_u16(m[NAT64_SESSION_A_PORT6]), a4,
	       nla_get_u16(m[NAT64_SESSION_A_PORT4]), r4,
	       nla_get_u16(m[NAT64_SESSION_A_RPORT]), state,
	       (nla_get_u32(m[NAT64_SESSION_A_EXPIRES_MS]) + 999) / 1000);
	return 0;
}

static int print_version(struct nlattr **tb, void *arg)
{
	(void)arg;
	printf("nat64ctl %s, module %s\n", NAT64_VERSION,
	       tb[NAT64_A_VERSION] ? nla_get_string(tb[NAT64_A_VERSION]) :
				     "unknown");
	return 0;
}

static const int timeout_attr[CTL_TO_N] = {
	[CTL_TO_UDP] = NAT64_CONFIG_A_TIMEOUT_UDP,
	[CTL_TO_TCP_EST] = NAT64_CONFIG_A_TIMEOUT_TCP_EST,
	[CTL_TO_TCP_TRANS] = NAT64_CONFIG_A_TIMEOUT_TCP_TRANS,
	[CTL_TO_ICMP] = NAT64_CONFIG_A_TIMEOUT_ICMP,
	[CTL_TO_SYN] = NAT64_CONFIG_A_TIMEOUT_SYN,
};

/* The settings, as `set` commands. */
static int print_config(struct nlattr **tb, void *arg)
{
	struct nlattr *c[NAT64_CONFIG_A_MAX + 1];
	int t;

	(void)arg;
	if (!tb[NAT64_A_CONFIG] ||
	    nla_parse_nested(c, NAT64_CONFIG_A_MAX, tb[NAT64_A_CONFIG], NULL))
		return 0;
	if (c[NAT64_CONFIG_A_CLEAR_DF])
		printf("set clear-df %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_CLEAR_DF]) ? "on" : "off");
	if (c[NAT64_CONFIG_A_RESET_TOS])
		printf("set reset-tos %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_RESET_TOS]) ? "on" : "off");
	if (c[NAT64_CONFIG_A_LOWEST_IPV6_MTU])
		printf("set lowest-ipv6-mtu %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_LOWEST_IPV6_MTU]));
	for (t = 0; t < CTL_TO_N; t++)
		if (c[timeout_attr[t]])
			printf("set timeout %s %u%s\n", ctl_timeout_names[t],
			       nla_get_u32(c[timeout_attr[t]]),
			       nla_get_u32(c[timeout_attr[t]]) <
			       ctl_timeout_min(t) ? " below-rfc" : "");
	if (c[NAT64_CONFIG_A_FILTERING])
		printf("set filtering %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_FILTERING]) ==
		       NAT64_FILTER_ADDRESS_DEPENDENT ? "address-dependent" :
		       "endpoint-independent");
	if (c[NAT64_CONFIG_A_DROP_EXT_TCP])
		printf("set drop-external-tcp %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_DROP_EXT_TCP]) ? "on" : "off");
	if (c[NAT64_CONFIG_A_MAX_STORED_SYNS])
		printf("set max-stored-syns %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_MAX_STORED_SYNS]));
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS])
		printf("set limit sessions %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS]));
	if (c[NAT64_CONFIG_A_LIMIT_PORTS])
		printf("set limit ports-per-subscriber %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_LIMIT_PORTS]));
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING])
		printf("set limit sessions-per-mapping %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING]));
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER])
		printf("set limit sessions-per-subscriber %u\n",
		       nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER]));
	if (c[NAT64_CONFIG_A_SUBSCRIBER_PLEN])
		printf("set subscriber-prefix %u\n",
		       nla_get_u8(c[NAT64_CONFIG_A_SUBSCRIBER_PLEN]));
	if (c[NAT64_CONFIG_A_MODE])
		printf("set mode %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_MODE]) == NAT64_MODE_TARGET ?
		       "target" : "hooks");
	if (c[NAT64_CONFIG_A_LOG_MAPPINGS])
		printf("set log mappings %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_LOG_MAPPINGS]) ? "on" : "off");
	if (c[NAT64_CONFIG_A_LOG_DESTINATIONS])
		printf("set log destinations %s\n",
		       nla_get_u8(c[NAT64_CONFIG_A_LOG_DESTINATIONS]) ?
		       "on" : "off");
	return 0;
}

/* Static BIB entries, as `bib add` commands. */
static int print_static(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_MAPPING_A_MAX + 1];
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN];

	(void)arg;
	if (!parse_mapping(tb, m, a6, a4) || !m[NAT64_MAPPING_A_STATIC])
		return 0;
	printf("bib add %s [%s]:%u %s:%u\n",
	       proto_name(nla_get_u8(m[NAT64_MAPPING_A_PROTO])), a6,
	       nla_get_u16(m[NAT64_MAPPING_A_PORT6]), a4,
	       nla_get_u16(m[NAT64_MAPPING_A_PORT4]));
	return 0;
}

/* The NAT64_A_DENY nest of a reply: its address as text, its length. */
static bool parse_deny_reply(struct nlattr **tb, char a[INET_ADDRSTRLEN],
			     unsigned int *plen)
{
	struct nlattr *d[NAT64_DENY_A_MAX + 1];

	if (!tb[NAT64_A_DENY] ||
	    nla_parse_nested(d, NAT64_DENY_A_MAX, tb[NAT64_A_DENY], NULL) ||
	    !*attr_addr4(d[NAT64_DENY_A_ADDR], a) || !d[NAT64_DENY_A_PLEN])
		return false;
	*plen = nla_get_u8(d[NAT64_DENY_A_PLEN]);
	return true;
}

/* A denied network: "ADDR/LEN" (as a `deny add` command if @arg). */
static int print_deny(struct nlattr **tb, void *arg)
{
	char a[INET_ADDRSTRLEN];
	unsigned int plen;

	if (parse_deny_reply(tb, a, &plen))
		printf("%s%s/%u\n", arg ? "deny add " : "", a, plen);
	return 0;
}

/* deny show -j: an object of the JSON array (@arg: items so far). */
static int print_deny_json(struct nlattr **tb, void *arg)
{
	char a[INET_ADDRSTRLEN];
	unsigned int plen;

	if (parse_deny_reply(tb, a, &plen))
		printf("%s{\"addr\":\"%s\",\"plen\":%u}", json_sep(arg), a,
		       plen);
	return 0;
}

/* A fast path interface: "DEV" (as a `fastpath add` command if @arg). */
static int print_fastpath(struct nlattr **tb, void *arg)
{
	if (!tb[NAT64_A_IFNAME])
		return 0;
	if (arg)
		printf("fastpath add %s\n", nla_get_string(tb[NAT64_A_IFNAME]));
	else
		printf("%s%s\n", nla_get_string(tb[NAT64_A_IFNAME]),
		       tb[NAT64_A_IFINDEX] && nla_get_u32(tb[NAT64_A_IFINDEX]) ?
		       "" : " (absent)");
	return 0;
}

/* fastpath show -j: an object of the JSON array (@arg: items so far). */
static int print_fastpath_json(struct nlattr **tb, void *arg)
{
	if (!tb[NAT64_A_IFNAME])
		return 0;
	printf("%s{\"dev\":\"", json_sep(arg));
	json_chars(nla_get_string(tb[NAT64_A_IFNAME]));
	printf("\",\"ifindex\":%u}", tb[NAT64_A_IFINDEX] ?
	       nla_get_u32(tb[NAT64_A_IFINDEX]) : 0);
	return 0;
}

/* ---- events (monitor) ---- */

static const char *const event_names[NAT64_EVENT_MAX + 1][2] = {
	[NAT64_EVENT_MAPPING_CREATED] = { "mapping", "created" },
	[NAT64_EVENT_MAPPING_EXPIRED] = { "mapping", "expired" },
	[NAT64_EVENT_MAPPING_REMOVED] = { "mapping", "removed" },
	[NAT64_EVENT_MAPPING_REFUSED] = { "mapping", "refused" },
	[NAT64_EVENT_SESSION_CREATED] = { "session", "created" },
	[NAT64_EVENT_SESSION_EXPIRED] = { "session", "expired" },
	[NAT64_EVENT_SESSION_REMOVED] = { "session", "removed" },
	[NAT64_EVENT_SESSION_REFUSED] = { "session", "refused" },
	[NAT64_EVENT_BLOCK_ALLOCATED] = { "block", "allocated" },
	[NAT64_EVENT_BLOCK_RELEASED] = { "block", "released" },
	[NAT64_EVENT_BLOCK_INTERIM] = { "block", "interim" },
};

/* An address attribute of @len bytes as text, or "" if it is not one. */
static const char *attr_addr(struct nlattr *a, int af, char *buf,
			     socklen_t len)
{
	if (!a || nla_len(a) != (af == AF_INET6 ? 16 : 4) ||
	    !inet_ntop(af, nla_data(a), buf, len))
		return "";
	return buf;
}

/* @s as the contents of a JSON string (rule names may hold '"'). */
static void json_chars(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
}

/*
 * A port block (NAT64_A_BLOCK of @tb) in a line of text, or as the body
 * of a JSON object: "PREFIX6/LEN ADDR4 PORT_MIN-PORT_MAX PROTOS POOL".
 * False if it is not one.
 */
static bool block_text(struct nlattr **tb, struct nlattr **b, bool js)
{
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], pr[16];

	if (!tb[NAT64_A_BLOCK] ||
	    nla_parse_nested(b, NAT64_BLOCK_A_MAX, tb[NAT64_A_BLOCK], NULL) ||
	    !*attr_addr(b[NAT64_BLOCK_A_PREFIX], AF_INET6, a6, sizeof(a6)) ||
	    !*attr_addr(b[NAT64_BLOCK_A_ADDR4], AF_INET, a4, sizeof(a4)) ||
	    !b[NAT64_BLOCK_A_PLEN] || !b[NAT64_BLOCK_A_POOL] ||
	    !b[NAT64_BLOCK_A_PROTOS])
		return false;
	protos_text(nla_get_u8(b[NAT64_BLOCK_A_PROTOS]), pr);
	if (js) {
		printf("\"subscriber\":\"%s/%u\",\"addr4\":\"%s\","
		       "\"port_min\":%u,\"port_max\":%u,\"protos\":\"%s\","
		       "\"pool\":\"", a6, nla_get_u8(b[NAT64_BLOCK_A_PLEN]), a4,
		       attr_u16(b[NAT64_BLOCK_A_PORT_MIN]),
		       attr_u16(b[NAT64_BLOCK_A_PORT_MAX]), pr);
		json_chars(nla_get_string(b[NAT64_BLOCK_A_POOL]));
		printf("\"");
	} else {
		printf("%s/%u %s %u-%u %s %s", a6,
		       nla_get_u8(b[NAT64_BLOCK_A_PLEN]), a4,
		       attr_u16(b[NAT64_BLOCK_A_PORT_MIN]),
		       attr_u16(b[NAT64_BLOCK_A_PORT_MAX]), pr,
		       nla_get_string(b[NAT64_BLOCK_A_POOL]));
	}
	return true;
}

/*
 * block show: "PREFIX6/LEN ADDR4 MIN-MAX PROTOS POOL mappings N age S
 * active|closed refused N", or JSON objects (@arg: items so far).
 */
static int print_block(struct nlattr **tb, void *arg)
{
	struct nlattr *b[NAT64_BLOCK_A_MAX + 1];

	if (json)
		printf("%s{", json_sep(arg));
	if (!block_text(tb, b, json)) {
		if (json)
			printf("}");
		return 0;
	}
	if (json)
		printf(",\"mappings\":%u,\"age_ms\":%u,\"active\":%s,"
		       "\"refused\":%u}",
		       attr_u32(b[NAT64_BLOCK_A_MAPPINGS]),
		       attr_u32(b[NAT64_BLOCK_A_AGE_MS]),
		       b[NAT64_BLOCK_A_ACTIVE] ? "true" : "false",
		       attr_u32(b[NAT64_BLOCK_A_REFUSED]));
	else
		printf(" mappings %u age %u %s refused %u\n",
		       attr_u32(b[NAT64_BLOCK_A_MAPPINGS]),
		       attr_u32(b[NAT64_BLOCK_A_AGE_MS]) / 1000,
		       b[NAT64_BLOCK_A_ACTIVE] ? "active" : "closed",
		       attr_u32(b[NAT64_BLOCK_A_REFUSED]));
	return 0;
}

/* An event's number (NAT64_A_SEQ), 0 from a module without them. */
static unsigned long long event_seq(struct nlattr **tb)
{
	if (tb[NAT64_A_SEQ] && nla_len(tb[NAT64_A_SEQ]) == 8)
		return (unsigned long long)nla_get_u64(tb[NAT64_A_SEQ]);
	return 0;
}

/* Time of an event, as UTC text with microseconds, and its nanoseconds. */
static unsigned long long event_time(struct nlattr **tb, char *when,
				     size_t len)
{
	unsigned long long ns = 0;
	struct tm tm;
	time_t secs;

	if (tb[NAT64_A_TIMESTAMP] && nla_len(tb[NAT64_A_TIMESTAMP]) == 8)
		ns = (unsigned long long)nla_get_u64(tb[NAT64_A_TIMESTAMP]);
	secs = (time_t)(ns / 1000000000);
	gmtime_r(&secs, &tm);
	strftime(when, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), len - strlen(when), ".%06lluZ",
		 ns % 1000000000 / 1000);
	return ns;
}

/* A block event: "TIME block VERB PREFIX6/LEN ADDR4 MIN-MAX PROTOS POOL". */
static int print_block_event(struct nlattr **tb, unsigned int type)
{
	struct nlattr *b[NAT64_BLOCK_A_MAX + 1];
	char when[64];
	unsigned long long ns = event_time(tb, when, sizeof(when));

	if (json)
		printf("{\"seq\":%llu,\"time\":\"%s\",\"timestamp_ns\":%llu,"
		       "\"event\":\"block-%s\",", event_seq(tb), when, ns,
		       event_names[type][1]);
	else
		printf("%s block %s ", when, event_names[type][1]);
	if (!block_text(tb, b, json))
		printf(json ? "\"malformed\":true" : "(malformed)");
	printf(json ? "}\n" : "\n");
	fflush(stdout);
	return 0;
}

/*
 * One event a line: "TIME OBJECT VERB PROTO [ADDR6]:PORT6 ADDR4:PORT4
 * [RADDR4:RPORT] [reason NAME]" (ADDR4:PORT4 "-" if none was given), or
 * one JSON object a line with -j. Flushed at once, for readers of a file.
 */
static int print_event(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_MAPPING_A_MAX + 1];
	struct nlattr *sn[NAT64_SESSION_A_MAX + 1];
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], r4[INET_ADDRSTRLEN];
	char when[64], reason[32] = "", buf[16];
	unsigned long long ns;
	unsigned int type, r;
	bool sess, has4;

	(void)arg;
	if (tb[NAT64_A_EVENT] && tb[NAT64_A_BLOCK]) {
		type = nla_get_u8(tb[NAT64_A_EVENT]);
		if (type >= NAT64_EVENT_BLOCK_ALLOCATED &&
		    type <= NAT64_EVENT_BLOCK_INTERIM)
			return print_block_event(tb, type);
		return 0;
	}
	if (!tb[NAT64_A_EVENT] || !tb[NAT64_A_MAPPING] ||
	    nla_parse_nested(m, NAT64_MAPPING_A_MAX, tb[NAT64_A_MAPPING],
			     NULL) ||
	    !m[NAT64_MAPPING_A_PROTO] || !*attr_addr(m[NAT64_MAPPING_A_ADDR6],
						     AF_INET6, a6, sizeof(a6)))
		return 0;
	type = nla_get_u8(tb[NAT64_A_EVENT]);
	if (type > NAT64_EVENT_MAX || !event_names[type][0])
		return 0;
	sess = tb[NAT64_A_SESSION] &&
	       !nla_parse_nested(sn, NAT64_SESSION_A_MAX, tb[NAT64_A_SESSION],
				 NULL) &&
	       *attr_addr(sn[NAT64_SESSION_A_RADDR4], AF_INET, r4, sizeof(r4));
	has4 = *attr_addr(m[NAT64_MAPPING_A_ADDR4], AF_INET, a4, sizeof(a4));
	ns = event_time(tb, when, sizeof(when));
	if (tb[NAT64_A_REASON] && nla_len(tb[NAT64_A_REASON]) == 4) {
		r = nla_get_u32(tb[NAT64_A_REASON]);
		snprintf(reason, sizeof(reason), "%s",
			 stat_name(r, buf, sizeof(buf)));
	}
	if (json) {
		printf("{\"seq\":%llu,\"time\":\"%s\",\"timestamp_ns\":%llu,"
		       "\"event\":\"%s-%s\",\"proto\":\"%s\",\"addr6\":\"%s\","
		       "\"port6\":%u", event_seq(tb), when, ns, event_names[type][0],
		       event_names[type][1],
		       proto_name(nla_get_u8(m[NAT64_MAPPING_A_PROTO])), a6,
		       attr_u16(m[NAT64_MAPPING_A_PORT6]));
		if (has4)
			printf(",\"addr4\":\"%s\",\"port4\":%u", a4,
			       attr_u16(m[NAT64_MAPPING_A_PORT4]));
		if (sess)
			printf(",\"remote4\":\"%s\",\"rport\":%u", r4,
			       attr_u16(sn[NAT64_SESSION_A_RPORT]));
		if (m[NAT64_MAPPING_A_RULE]) {
			printf(",\"rule\":\"");
			json_chars(nla_get_string(m[NAT64_MAPPING_A_RULE]));
			printf("\"");
		}
		if (reason[0])
			printf(",\"reason\":\"%s\"", reason);
		printf("}\n");
	} else {
		printf("%s %s %s %s [%s]:%u ", when, event_names[type][0],
		       event_names[type][1],
		       proto_name(nla_get_u8(m[NAT64_MAPPING_A_PROTO])), a6,
		       attr_u16(m[NAT64_MAPPING_A_PORT6]));
		if (has4)
			printf("%s:%u", a4, attr_u16(m[NAT64_MAPPING_A_PORT4]));
		else
			printf("-");
		if (sess)
			printf(" %s:%u", r4, attr_u16(sn[NAT64_SESSION_A_RPORT]));
		if (reason[0])
			printf(" reason %s", reason);
		printf("\n");
	}
	fflush(stdout);
	return 0;
}

static volatile int monitor_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

/* Until SIGINT or SIGTERM: then exit 0. */
static int cmd_monitor(struct ctl_nl *nl)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return ctl_nl_monitor(nl, print_event, NULL, &monitor_stop) ? 1 : 0;
}

/* stats -j: one JSON object of the counters. */
static int print_stats_json(struct nlattr **tb, void *arg)
{
	struct nlattr *a;
	int rem, n = 0;
	char buf[16];

	(void)arg;
	printf("{");
	if (tb[NAT64_A_MAPPING_COUNT])
		printf("%s\"mappings\":%u", n++ ? "," : "",
		       nla_get_u32(tb[NAT64_A_MAPPING_COUNT]));
	if (tb[NAT64_A_SESSION_COUNT])
		printf("%s\"sessions\":%u", n++ ? "," : "",
		       nla_get_u32(tb[NAT64_A_SESSION_COUNT]));
	if (tb[NAT64_A_STATS]) {
		nla_for_each_nested(a, tb[NAT64_A_STATS], rem) {
			int t = nla_type(a);

			if (nla_len(a) != 8)
				continue;
			printf("%s\"%s\":%llu", n++ ? "," : "",
			       stat_name(t, buf, sizeof(buf)),
			       (unsigned long long)nla_get_u64(a));
		}
	}
	printf("}\n");
	return 0;
}

static int print_stats(struct nlattr **tb, void *arg)
{
	struct nlattr *a;
	char buf[16];
	int rem;

	(void)arg;
	if (tb[NAT64_A_MAPPING_COUNT])
		printf("mappings: %u\n", nla_get_u32(tb[NAT64_A_MAPPING_COUNT]));
	if (tb[NAT64_A_SESSION_COUNT])
		printf("sessions: %u\n", nla_get_u32(tb[NAT64_A_SESSION_COUNT]));
	if (!tb[NAT64_A_STATS])
		return 0;
	printf("counters:\n");
	nla_for_each_nested(a, tb[NAT64_A_STATS], rem) {
		int t = nla_type(a);

		if (nla_len(a) != 8)
			continue;
		printf("  %s %llu\n", stat_name(t, buf, sizeof(buf)),
		       (unsigned long long)nla_get_u64(a));
	}
	return 0;
}

/* ---- commands ---- */

static int simple(struct ctl_nl *nl, int cmd, bool dump, ctl_reply_fn fn,
		  void *arg, const char *what)
{
	return ctl_nl_run(nl, ctl_nl_msg(nl, cmd, dump), fn, arg, what) ? 1 : 0;
}

/*
 * The whole configuration as commands: `nat64ctl -f` of this output
 * makes the same configuration (and keeps the mappings of rules it does
 * not change).
 */
static int cmd_show(struct ctl_nl *nl)
{
	static int show = 1;

	printf("# nat64 configuration (nat64ctl -f reads it back)\nflush\n");
	if (simple(nl, NAT64_CMD_GET_CONFIG, false, print_config, NULL,
		   "show") ||
	    simple(nl, NAT64_CMD_POOL_GET, true, print_pool, &show, "show") ||
	    simple(nl, NAT64_CMD_RULE_GET, true, print_rule, &show, "show") ||
	    simple(nl, NAT64_CMD_DENY_GET, true, print_deny, &show, "show") ||
	    simple(nl, NAT64_CMD_FASTPATH_GET, true, print_fastpath, &show,
		   "show"))
		return 1;
	return simple(nl, NAT64_CMD_MAPPING_GET, true, print_static, NULL,
		      "show");
}

/* A command line, parsed before the kernel is asked anything. */
enum req_kind {
	REQ_VERSION, REQ_SHOW, REQ_POOL_ADD, REQ_POOL_DEL, REQ_POOL_SHOW,
	REQ_RULE_ADD, REQ_RULE_DEL, REQ_RULE_SHOW, REQ_MAPPING_SHOW, REQ_SET,
	REQ_BIB_ADD, REQ_BIB_DEL, REQ_SESSION_SHOW, REQ_SESSION_FLUSH,
	REQ_STATS, REQ_STATS_RESET, REQ_HELP, REQ_FLUSH, REQ_MONITOR,
	REQ_DENY_ADD, REQ_DENY_DEL, REQ_DENY_SHOW, REQ_LOOKUP, REQ_BLOCK_SHOW,
	REQ_SYNC_STATUS, REQ_SYNC_RESYNC, REQ_FASTPATH_ADD, REQ_FASTPATH_DEL,
	REQ_FASTPATH_SHOW,
};

/* What a batch file may hold: changes. */
static bool batchable(enum req_kind k)
{
	return k == REQ_POOL_ADD || k == REQ_POOL_DEL || k == REQ_RULE_ADD ||
	       k == REQ_RULE_DEL || k == REQ_BIB_ADD || k == REQ_BIB_DEL ||
	       k == REQ_SET || k == REQ_FLUSH || k == REQ_DENY_ADD ||
	       k == REQ_DENY_DEL || k == REQ_FASTPATH_ADD ||
	       k == REQ_FASTPATH_DEL;
}

struct req {
	enum req_kind kind;
	char name[NAT64_NAME_MAX];
	struct ctl_pool pool;
	struct ctl_rule rule;
	struct ctl_config config;
	struct ctl_bib bib;
	struct ctl_deny deny;
	int proto;			/* show filter: IPPROTO_*, or 0 */
	/* block show: only the subscribers in this prefix, if any */
	bool has_prefix;
	struct in6_addr prefix;
	unsigned int plen;
	/* lookup: its arguments (checked by parse_lookup()) */
	int nlookup;
	char **lookup;
	/* sync: nat64-syncd's status or pid file */
	const char *file;
};

/* An argument of lookup: ADDR4:PORT (reverse) or ADDR6[/LEN] (forward). */
struct lookup_arg {
	bool lookup6;
	struct in_addr addr4;
	unsigned int port4;
	struct in6_addr addr6;
	unsigned int plen6;
	const char *arg;
};

/* Returns 0, or the exit status for a usage error (message printed). */
static const char *const objects[] = {
	"version", "show", "pool", "rule", "bib", "mapping", "session", "set",
	"stats", "flush", "help", "monitor", "deny", "lookup", "block", "sync",
	"fastpath", NULL
};
static const char *const verbs[] = {
	"add", "del", "show", "flush", "reset", "help", NULL
};

/* ADDR4:PORT or ADDR6[/LEN] into @q; -1 if it is neither. */
static int parse_lookup(const char *s, struct lookup_arg *q)
{
	char buf[INET6_ADDRSTRLEN + 8], *sep, *end;
	unsigned long v;

	memset(q, 0, sizeof(*q));
	if (strlen(s) >= sizeof(buf))
		return -1;
	q->arg = s;
	strcpy(buf, s);
	sep = strrchr(buf, ':');
	if (sep && strchr(buf, '.') && !strchr(buf, '/') && sep == strchr(buf, ':')) {
		*sep = 0;
		errno = 0;
		v = strtoul(sep + 1, &end, 10);
		if (inet_pton(AF_INET, buf, &q->addr4) != 1 || !sep[1] ||
		    *end || errno || v > 65535)
			return -1;
		q->port4 = (unsigned int)v;
		return 0;
	}
	q->lookup6 = true;
	q->plen6 = 128;
	sep = strchr(buf, '/');
	if (sep) {
		*sep = 0;
		errno = 0;
		v = strtoul(sep + 1, &end, 10);
		if (!sep[1] || *end || errno || v > 128)
			return -1;
		q->plen6 = (unsigned int)v;
	}
	return inet_pton(AF_INET6, buf, &q->addr6) == 1 ? 0 : -1;
}

static int parse_req(int argc, char **argv, struct req *q)
{
	const char *obj, *verb = "";
	char err[256];

	memset(q, 0, sizeof(*q));
	obj = ctl_match(argv[0], objects, err, sizeof(err));
	if (!obj) {
		bad(err);
		return where[0] ? 2 : usage(stderr);
	}
	if (!strcmp(obj, "set") || !strcmp(obj, "help") ||
	    !strcmp(obj, "sync") ||
	    (!strcmp(obj, "lookup") && argc > 1 && strcmp(argv[1], "help")))
		;	/* set takes settings, lookup addresses, not verbs */
	else if (argc > 1 && !(verb = ctl_match(argv[1], verbs, err,
						 sizeof(err))))
		return bad(err);
	if (!strcmp(obj, "help") || !strcmp(verb, "help")) {
		q->kind = REQ_HELP;
		snprintf(q->name, sizeof(q->name), "%s",
			 strcmp(obj, "help") ? obj : "");
		if (!strcmp(obj, "mapping"))
			snprintf(q->name, sizeof(q->name), "bib");
		return 0;
	}
	if (!strcmp(obj, "stats")) {
		q->kind = argc == 1 ? REQ_STATS : REQ_STATS_RESET;
		return argc == 1 || (argc == 2 && !strcmp(verb, "reset")) ? 0 :
		       bad("usage: stats [reset]");
	}
	if (!strcmp(obj, "flush")) {
		q->kind = REQ_FLUSH;
		return argc == 1 ? 0 : bad("usage: flush");
	}
	if (!strcmp(obj, "monitor")) {
		q->kind = REQ_MONITOR;
		return argc == 1 ? 0 : bad("usage: monitor");
	}
	if (!strcmp(obj, "sync")) {
		static const char *const sync_verbs[] = {
			"status", "resync", "help", NULL
		};
		const char *opt = NULL;

		verb = argc > 1 ? ctl_match(argv[1], sync_verbs, err,
					    sizeof(err)) : NULL;
		if (verb && !strcmp(verb, "help")) {
			q->kind = REQ_HELP;
			snprintf(q->name, sizeof(q->name), "sync");
			return 0;
		}
		if (verb)
			opt = verb[0] == 's' ? "--status-file" : "--pid-file";
		if (!verb || (argc != 2 && (argc != 4 || strcmp(argv[2], opt))))
			return bad("usage: sync { status [--status-file PATH] | resync [--pid-file PATH] }");
		q->kind = verb[0] == 's' ? REQ_SYNC_STATUS : REQ_SYNC_RESYNC;
		q->file = argc == 4 ? argv[3] :
			  verb[0] == 's' ? SYNCD_STATUS : SYNCD_PID;
		return 0;
	}
	if (!strcmp(obj, "lookup")) {
		struct lookup_arg la;
		int i;

		q->kind = REQ_LOOKUP;
		q->nlookup = argc - 1;
		q->lookup = argv + 1;
		for (i = 1; i < argc; i++) {
			if (parse_lookup(argv[i], &la)) {
				snprintf(err, sizeof(err),
					 "invalid address '%s' (ADDR4:PORT or ADDR6[/LEN])",
					 argv[i]);
				return bad(err);
			}
		}
		return argc > 1 ? 0 :
		       bad("usage: lookup { ADDR4:PORT | ADDR6[/LEN] }...");
	}
	if (!strcmp(obj, "version") || !strcmp(obj, "show")) {
		q->kind = obj[0] == 'v' ? REQ_VERSION : REQ_SHOW;
		return argc == 1 ? 0 : bad("unexpected arguments");
	}
	if (!strcmp(obj, "mapping") || !strcmp(obj, "bib") ||
	    !strcmp(obj, "session")) {
		bool sess = obj[0] == 's';

		if (!strcmp(verb, "show") && argc <= 3) {
			q->kind = sess ? REQ_SESSION_SHOW : REQ_MAPPING_SHOW;
			if (argc == 3) {
				q->proto = parse_proto(argv[2]);
				if (q->proto < 0) {
					snprintf(err, sizeof(err),
						 "unknown protocol '%s' (tcp, udp, icmp)",
						 argv[2]);
					return bad(err);
				}
			}
			return 0;
		}
		if (sess && !strcmp(verb, "flush") && argc == 2) {
			q->kind = REQ_SESSION_FLUSH;
			return 0;
		}
		if (obj[0] == 'b' && (!strcmp(verb, "add") ||
				      !strcmp(verb, "del"))) {
			q->kind = verb[0] == 'a' ? REQ_BIB_ADD : REQ_BIB_DEL;
			return parse_bib(argc - 2, argv + 2, &q->bib, err,
					 sizeof(err)) ? bad(err) : 0;
		}
		return bad(sess ? "usage: session { show [tcp|udp|icmp] | flush }" :
			   "usage: bib { add|del tcp|udp|icmp [ADDR6]:PORT ADDR4:PORT | show [tcp|udp|icmp] }");
	}
	if (!strcmp(obj, "block")) {
		struct lookup_arg la;

		if (strcmp(verb, "show") || argc > 3)
			return bad("usage: block show [PREFIX6/LEN]");
		q->kind = REQ_BLOCK_SHOW;
		if (argc < 3)
			return 0;
		if (parse_lookup(argv[2], &la) || !la.lookup6) {
			snprintf(err, sizeof(err),
				 "invalid IPv6 prefix '%s' (PREFIX6/LEN)",
				 argv[2]);
			return bad(err);
		}
		q->has_prefix = true;
		q->prefix = la.addr6;
		q->plen = la.plen6;
		return 0;
	}
	if (!strcmp(obj, "deny")) {
		if (!strcmp(verb, "show") && argc == 2) {
			q->kind = REQ_DENY_SHOW;
			return 0;
		}
		if (!strcmp(verb, "add") || !strcmp(verb, "del")) {
			q->kind = verb[0] == 'a' ? REQ_DENY_ADD : REQ_DENY_DEL;
			return parse_deny(argc - 2, argv + 2, &q->deny, err,
					  sizeof(err)) ? bad(err) : 0;
		}
		return bad("usage: deny { add|del ADDR[/LEN] | show }");
	}
	if (!strcmp(obj, "fastpath")) {
		if (!strcmp(verb, "show") && argc == 2) {
			q->kind = REQ_FASTPATH_SHOW;
			return 0;
		}
		if ((!strcmp(verb, "add") || !strcmp(verb, "del")) &&
		    argc == 3) {
			if (!argv[2][0] || strlen(argv[2]) >= IFNAMSIZ)
				return bad("fastpath: not an interface name");
			q->kind = verb[0] == 'a' ? REQ_FASTPATH_ADD :
				  REQ_FASTPATH_DEL;
			snprintf(q->name, sizeof(q->name), "%s", argv[2]);
			return 0;
		}
		return bad("usage: fastpath { add|del DEV | show }");
	}
	if (!strcmp(obj, "set")) {
		q->kind = REQ_SET;
		return parse_set(argc - 1, argv + 1, &q->config, err,
				 sizeof(err)) ? bad(err) : 0;
	}
	if (strcmp(obj, "pool") && strcmp(obj, "rule"))
		return where[0] ? bad("unknown command") : usage(stderr);
	if (!strcmp(verb, "show") && argc == 2) {
		q->kind = obj[0] == 'p' ? REQ_POOL_SHOW : REQ_RULE_SHOW;
		return 0;
	}
	if (!strcmp(verb, "del") && argc == 3) {
		q->kind = obj[0] == 'p' ? REQ_POOL_DEL : REQ_RULE_DEL;
		return parse_name(argv[2], q->name, err, sizeof(err)) ?
		       bad(err) : 0;
	}
	if (!strcmp(verb, "add") && obj[0] == 'p') {
		q->kind = REQ_POOL_ADD;
		return parse_pool_add(argc - 2, argv + 2, &q->pool, err,
				      sizeof(err)) ? bad(err) : 0;
	}
	if (!strcmp(verb, "add")) {
		q->kind = REQ_RULE_ADD;
		return parse_rule_add(argc - 2, argv + 2, &q->rule, err,
				      sizeof(err)) ? bad(err) : 0;
	}
	return bad(obj[0] == 'p' ?
		   "usage: pool { add NAME ADDR[/LEN|-ADDR] [ports LO-HI] [proto tcp,udp,icmp] [alloc random|sequential|deterministic from PREFIX6/LEN] | del NAME | show }" :
		   "usage: rule { add NAME prefix PREFIX/LEN pool POOL [from SRC/LEN] | del NAME | show }");
}

/* The deterministic ranges of the pools, for lookup. */
struct det_list {
	unsigned int n;
	struct {
		char pool[NAT64_NAME_MAX];
		struct pa_det d;
	} r[NAT64_MAX_POOLS * NAT64_MAX_RANGES];
};

static int collect_det(struct nlattr **tb, void *arg)
{
	struct det_list *l = arg;

	if (l->n < sizeof(l->r) / sizeof(l->r[0]) &&
	    parse_det(tb, l->r[l->n].pool, &l->r[l->n].d))
		l->n++;
	return 0;
}

/* One answer of lookup: subscriber @i of @d. */
static void print_det(const char *pool, const struct pa_det *d,
		      const struct pa_det_shape *sh, uint32_t i)
{
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN];
	struct in_addr in;
	uint8_t pfx[16];
	uint32_t addr;
	uint16_t lo, hi;

	pa_det_prefix(d, i, pfx);
	pa_det_forward(d, sh, i, &addr, &lo, &hi);
	in.s_addr = htonl(addr);
	inet_ntop(AF_INET6, pfx, a6, sizeof(a6));
	inet_ntop(AF_INET, &in, a4, sizeof(a4));
	if (json) {
		printf("{\"subscriber\":\"%s/%u\",\"addr4\":\"%s\","
		       "\"port_min\":%u,\"port_max\":%u,\"index\":%u,"
		       "\"pool\":\"", a6, d->sublen, a4, lo, hi, i);
		json_chars(pool);
		printf("\"}\n");
	} else {
		printf("subscriber %s/%u address %s ports %u-%u pool %s\n", a6,
		       d->sublen, a4, lo, hi, pool);
	}
}

/* One argument of lookup against the ranges of @l: 0, or 1 (said why). */
static int lookup_one(const struct det_list *l, const struct lookup_arg *q)
{
	char msg[256];
	unsigned int k;

	snprintf(msg, sizeof(msg), "%s is in no deterministic pool", q->arg);
	for (k = 0; k < l->n; k++) {
		const struct pa_det *d = &l->r[k].d;
		struct pa_det_shape sh;
		uint32_t i;

		if (pa_det_shape(d, &sh) != PA_DET_OK)
			continue;
		if (q->lookup6) {
			if (!pa_det_index(d, q->addr6.s6_addr, &i))
				continue;
			if (q->plen6 < d->sublen) {
				snprintf(msg, sizeof(msg),
					 "%s holds several subscribers (/%u) of pool %s",
					 q->arg, d->sublen, l->r[k].pool);
				break;
			}
		} else {
			if (ntohl(q->addr4.s_addr) - d->addr >= d->naddr ||
			    q->port4 < d->port_lo || q->port4 > d->port_hi)
				continue;
			if (!pa_det_reverse(d, &sh, ntohl(q->addr4.s_addr),
					    (uint16_t)q->port4, &i)) {
				snprintf(msg, sizeof(msg),
					 "%s is in deterministic pool %s but no subscriber's (left over)",
					 q->arg, l->r[k].pool);
				break;
			}
		}
		print_det(l->r[k].pool, d, &sh, i);
		return 0;
	}
	fprintf(stderr, "nat64ctl: lookup: %s\n", msg);
	return 1;
}

/*
 * lookup: from the configuration alone (the pools' deterministic
 * ranges), the subscriber of an IPv4 address and port, or the address
 * and ports of the subscriber of an IPv6 address; one line (or JSON
 * object) each, in order.
 */
static int cmd_lookup(struct ctl_nl *nl, const struct req *q)
{
	struct det_list *l = calloc(1, sizeof(*l));
	struct lookup_arg la;
	int rc = 0, i;

	if (!l) {
		fprintf(stderr, "nat64ctl: lookup: out of memory\n");
		return 1;
	}
	if (simple(nl, NAT64_CMD_POOL_GET, true, collect_det, l, "lookup")) {
		free(l);
		return 1;
	}
	for (i = 0; i < q->nlookup; i++)
		if (!parse_lookup(q->lookup[i], &la))
			rc |= lookup_one(l, &la);
	free(l);
	return rc;
}

/* A request whose attributes live in one nest. */
static struct nl_msg *nest_msg(struct ctl_nl *nl, int cmd, int type,
			       struct nlattr **nest)
{
	struct nl_msg *msg = ctl_nl_msg(nl, cmd, false);

	if (msg)
		*nest = nla_nest_start(msg, type);
	return msg;
}

/* ---- sync: nat64-syncd's status file and signal ---- */

/* The number after "KEY": in @obj (nat64-syncd's own flat objects). */
static long long sync_num(const char *obj, const char *end, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(obj, pat);
	return p && p < end ? strtoll(p + strlen(pat), NULL, 10) : 0;
}

/* The string after "KEY": into @buf ("-" if none). */
static void sync_str(const char *obj, const char *end, const char *key,
		     char *buf, size_t len)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(obj, pat);
	if (!p || p >= end) {
		snprintf(buf, len, "-");
		return;
	}
	p += strlen(pat);
	q = strchr(p, '"');
	snprintf(buf, len, "%.*s", q && q < end ? (int)(q - p) : 0, p);
}

static int cmd_sync_status(const char *path)
{
	char text[65536], addr[INET6_ADDRSTRLEN + 8], out[16], in[16];
	const char *p, *end;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		fprintf(stderr, "nat64ctl: %s: %s (is nat64-syncd running?)\n",
			path, strerror(errno));
		return 1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (json) {
		fputs(text, stdout);
		return 0;
	}
	p = strstr(text, "\"peers\":[");
	if (!p) {
		fprintf(stderr, "nat64ctl: %s: not nat64-syncd's status\n", path);
		return 1;
	}
	printf("%-28s %-10s %-10s %10s %10s %10s %8s %8s %10s %8s\n",
	       "peer", "out", "in", "sent", "received", "applied", "refused",
	       "dropped", "queue", "lag-ms");
	while ((p = strchr(p, '{')) && (end = strchr(p, '}'))) {
		char where[INET6_ADDRSTRLEN + 16];

		sync_str(p, end, "address", addr, sizeof(addr));
		sync_str(p, end, "out", out, sizeof(out));
		sync_str(p, end, "in", in, sizeof(in));
		snprintf(where, sizeof(where), strchr(addr, ':') ? "[%s]:%lld" :
			 "%s:%lld", addr, sync_num(p, end, "port"));
		printf("%-28s %-10s %-10s %10lld %10lld %10lld %8lld %8lld %10lld %8lld\n",
		       where, out, in, sync_num(p, end, "sent"),
		       sync_num(p, end, "received"), sync_num(p, end, "applied"),
		       sync_num(p, end, "refused"), sync_num(p, end, "dropped"),
		       sync_num(p, end, "queue-records"),
		       sync_num(p, end, "lag-ms"));
		p = end + 1;
		if (*p == ']')
			break;
	}
	p = strrchr(text, ']');
	if (p)
		printf("events %lld, lost %lld\n",
		       sync_num(p, p + strlen(p), "events"),
		       sync_num(p, p + strlen(p), "events-lost"));
	return 0;
}

static int cmd_sync_resync(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (!f) {
		fprintf(stderr, "nat64ctl: %s: %s (is nat64-syncd running?)\n",
			path, strerror(errno));
		return 1;
	}
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1) {
		fclose(f);
		fprintf(stderr, "nat64ctl: %s: no process id\n", path);
		return 1;
	}
	fclose(f);
	if (kill((pid_t)pid, SIGUSR2)) {
		fprintf(stderr, "nat64ctl: nat64-syncd (pid %ld): %s\n", pid,
			strerror(errno));
		return 1;
	}
	return 0;
}

static int run_req(struct ctl_nl *nl, const struct req *q)
{
	struct nl_msg *msg = NULL;
	struct nlattr *nest = NULL;
	const char *what = "";
	char ewhat[512];
	int t, items = 0;

	switch (q->kind) {
	case REQ_VERSION:
		return simple(nl, NAT64_CMD_GET_VERSION, false, print_version,
			      NULL, "version");
	case REQ_SHOW:
		return cmd_show(nl);
	case REQ_MONITOR:
		return cmd_monitor(nl);
	case REQ_HELP:
		return usage_of(stdout, q->name[0] ? q->name : NULL);
	case REQ_SYNC_STATUS:
		return cmd_sync_status(q->file);
	case REQ_SYNC_RESYNC:
		return cmd_sync_resync(q->file);
	case REQ_STATS:
		return simple(nl, NAT64_CMD_GET_STATS, false,
			      json ? print_stats_json : print_stats, NULL,
			      "stats");
	case REQ_STATS_RESET:
		return simple(nl, NAT64_CMD_STATS_RESET, false, NULL, NULL,
			      "stats reset");
	case REQ_POOL_SHOW:
		if (!json)
			return simple(nl, NAT64_CMD_POOL_GET, true, print_pool,
				      NULL, "pool show");
		printf("[");
		t = simple(nl, NAT64_CMD_POOL_GET, true, print_pool_json,
			   &items, "pool show");
		printf("%s]\n", items ? "\n" : "");
		return t;
	case REQ_LOOKUP:
		return cmd_lookup(nl, q);
	case REQ_RULE_SHOW:
		return simple(nl, NAT64_CMD_RULE_GET, true, print_rule, NULL,
			      "rule show");
	case REQ_MAPPING_SHOW:
	case REQ_SESSION_SHOW:
		what = q->kind == REQ_MAPPING_SHOW ? "bib show" : "session show";
		msg = ctl_nl_msg(nl, q->kind == REQ_MAPPING_SHOW ?
				 NAT64_CMD_MAPPING_GET : NAT64_CMD_SESSION_GET,
				 true);
		if (!msg) {
			fprintf(stderr, "nat64ctl: %s: out of memory\n", what);
			return 1;
		}
		if (q->proto)
			nla_put_u8(msg, NAT64_A_PROTO, (uint8_t)q->proto);
		if (json)
			printf("[");
		t = ctl_nl_run(nl, msg, q->kind == REQ_MAPPING_SHOW ?
			       print_mapping : print_session, &items, what);
		if (json)
			printf("%s]\n", items ? "\n" : "");
		return t ? 1 : 0;
	case REQ_SESSION_FLUSH:
		return simple(nl, NAT64_CMD_SESSION_FLUSH, false, NULL, NULL,
			      "session flush");
	case REQ_BLOCK_SHOW:
		msg = ctl_nl_msg(nl, NAT64_CMD_BLOCK_GET, true);
		if (!msg) {
			fprintf(stderr, "nat64ctl: block show: out of memory\n");
			return 1;
		}
		if (q->has_prefix) {
			nest = nla_nest_start(msg, NAT64_A_BLOCK);
			nla_put(msg, NAT64_BLOCK_A_PREFIX, 16, &q->prefix);
			nla_put_u8(msg, NAT64_BLOCK_A_PLEN, (uint8_t)q->plen);
			nla_nest_end(msg, nest);
		}
		if (json)
			printf("[");
		t = ctl_nl_run(nl, msg, print_block, &items, "block show");
		if (json)
			printf("%s]\n", items ? "\n" : "");
		return t ? 1 : 0;
	case REQ_DENY_SHOW:
		if (json)
			printf("[");
		t = simple(nl, NAT64_CMD_DENY_GET, true,
			   json ? print_deny_json : print_deny,
			   json ? &items : NULL, "deny show");
		if (json)
			printf("%s]\n", items ? "\n" : "");
		return t;
	case REQ_DENY_ADD:
	case REQ_DENY_DEL:
		what = q->kind == REQ_DENY_ADD ? "deny add" : "deny del";
		msg = nest_msg(nl, q->kind == REQ_DENY_ADD ?
			       NAT64_CMD_DENY_ADD : NAT64_CMD_DENY_DEL,
			       NAT64_A_DENY, &nest);
		if (!msg)
			break;
		nla_put(msg, NAT64_DENY_A_ADDR, 4, &q->deny.addr);
		nla_put_u8(msg, NAT64_DENY_A_PLEN, (uint8_t)q->deny.plen);
		break;
	case REQ_FASTPATH_SHOW:
		if (json)
			printf("[");
		t = simple(nl, NAT64_CMD_FASTPATH_GET, true,
			   json ? print_fastpath_json : print_fastpath,
			   json ? &items : NULL, "fastpath show");
		if (json)
			printf("%s]\n", items ? "\n" : "");
		return t;
	case REQ_FASTPATH_ADD:
	case REQ_FASTPATH_DEL:
		what = q->kind == REQ_FASTPATH_ADD ? "fastpath add" :
		       "fastpath del";
		msg = ctl_nl_msg(nl, q->kind == REQ_FASTPATH_ADD ?
				 NAT64_CMD_FASTPATH_ADD :
				 NAT64_CMD_FASTPATH_DEL, false);
		if (msg)
			nla_put_string(msg, NAT64_A_IFNAME, q->name);
		break;
	case REQ_FLUSH:
		what = "flush";
		msg = ctl_nl_msg(nl, NAT64_CMD_CONFIG_FLUSH, false);
		break;
	case REQ_BIB_ADD:
	case REQ_BIB_DEL:
		what = q->kind == REQ_BIB_ADD ? "bib add" : "bib del";
		msg = nest_msg(nl, q->kind == REQ_BIB_ADD ? NAT64_CMD_BIB_ADD :
			       NAT64_CMD_BIB_DEL, NAT64_A_MAPPING, &nest);
		if (!msg)
			break;
		nla_put_u8(msg, NAT64_MAPPING_A_PROTO, (uint8_t)q->bib.ipproto);
		nla_put(msg, NAT64_MAPPING_A_ADDR6, 16, &q->bib.addr6);
		nla_put_u16(msg, NAT64_MAPPING_A_PORT6, (uint16_t)q->bib.port6);
		nla_put(msg, NAT64_MAPPING_A_ADDR4, 4, &q->bib.addr4);
		nla_put_u16(msg, NAT64_MAPPING_A_PORT4, (uint16_t)q->bib.port4);
		break;
	case REQ_POOL_ADD:
		what = "pool add";
		msg = nest_msg(nl, NAT64_CMD_POOL_ADD, NAT64_A_POOL, &nest);
		if (!msg)
			break;
		nla_put_string(msg, NAT64_POOL_A_NAME, q->pool.name);
		nla_put(msg, NAT64_POOL_A_ADDR, 4, &q->pool.addr);
		if (q->pool.is_range)
			nla_put(msg, NAT64_POOL_A_LAST, 4, &q->pool.last);
		else
			nla_put_u8(msg, NAT64_POOL_A_PLEN,
				   (uint8_t)q->pool.plen);
		if (q->pool.protos)
			nla_put_u8(msg, NAT64_POOL_A_PROTOS,
				   (uint8_t)q->pool.protos);
		if (q->pool.alloc >= 0)
			nla_put_u8(msg, NAT64_POOL_A_ALLOC,
				   (uint8_t)q->pool.alloc);
		if (q->pool.has_from) {
			nla_put(msg, NAT64_POOL_A_DET_PREFIX, 16,
				&q->pool.from);
			nla_put_u8(msg, NAT64_POOL_A_DET_PLEN,
				   (uint8_t)q->pool.from_plen);
		}
		if (q->pool.blk_size)
			nla_put_u16(msg, NAT64_POOL_A_BLK_SIZE,
				    (uint16_t)q->pool.blk_size);
		if (q->pool.blk_max)
			nla_put_u16(msg, NAT64_POOL_A_BLK_MAX,
				    (uint16_t)q->pool.blk_max);
		if (q->pool.blk_timeout >= 0)
			nla_put_u32(msg, NAT64_POOL_A_BLK_TIMEOUT,
				    (uint32_t)q->pool.blk_timeout);
		if (q->pool.blk_interim >= 0)
			nla_put_u32(msg, NAT64_POOL_A_BLK_INTERIM,
				    (uint32_t)q->pool.blk_interim);
		if (q->pool.quiet)
			nla_put_flag(msg, NAT64_POOL_A_QUIET);
		if (q->pool.peer)
			nla_put_flag(msg, NAT64_POOL_A_PEER);
		if (q->pool.has_ports) {
			nla_put_u16(msg, NAT64_POOL_A_PORT_MIN,
				    (uint16_t)q->pool.port_lo);
			nla_put_u16(msg, NAT64_POOL_A_PORT_MAX,
				    (uint16_t)q->pool.port_hi);
		}
		break;
	case REQ_POOL_DEL:
	case REQ_RULE_DEL:
		what = q->kind == REQ_POOL_DEL ? "pool del" : "rule del";
		msg = q->kind == REQ_POOL_DEL ?
		      nest_msg(nl, NAT64_CMD_POOL_DEL, NAT64_A_POOL, &nest) :
		      nest_msg(nl, NAT64_CMD_RULE_DEL, NAT64_A_RULE, &nest);
		if (msg)	/* NAME is attribute 1 in both nests */
			nla_put_string(msg, NAT64_POOL_A_NAME, q->name);
		break;
	case REQ_RULE_ADD:
		what = "rule add";
		msg = nest_msg(nl, NAT64_CMD_RULE_ADD, NAT64_A_RULE, &nest);
		if (!msg)
			break;
		nla_put_string(msg, NAT64_RULE_A_NAME, q->rule.name);
		nla_put(msg, NAT64_RULE_A_PREFIX, 16, &q->rule.prefix);
		nla_put_u8(msg, NAT64_RULE_A_PLEN, (uint8_t)q->rule.plen);
		nla_put_string(msg, NAT64_RULE_A_POOL, q->rule.pool);
		if (q->rule.has_src) {
			nla_put(msg, NAT64_RULE_A_SRC, 16, &q->rule.src);
			nla_put_u8(msg, NAT64_RULE_A_SRC_PLEN,
				   (uint8_t)q->rule.src_plen);
		}
		break;
	case REQ_SET:
		what = "set";
		msg = nest_msg(nl, NAT64_CMD_SET_CONFIG, NAT64_A_CONFIG, &nest);
		if (!msg)
			break;
		if (q->config.clear_df >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_CLEAR_DF,
				   (uint8_t)q->config.clear_df);
		if (q->config.reset_tos >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_RESET_TOS,
				   (uint8_t)q->config.reset_tos);
		if (q->config.lowest_ipv6_mtu >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_LOWEST_IPV6_MTU,
				    (uint32_t)q->config.lowest_ipv6_mtu);
		for (t = 0; t < CTL_TO_N; t++)
			if (q->config.timeout[t] >= 0)
				nla_put_u32(msg, timeout_attr[t],
					    (uint32_t)q->config.timeout[t]);
		if (q->config.filtering >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_FILTERING,
				   (uint8_t)q->config.filtering);
		if (q->config.drop_ext_tcp >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_DROP_EXT_TCP,
				   (uint8_t)q->config.drop_ext_tcp);
		if (q->config.limit_sessions >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS,
				    (uint32_t)q->config.limit_sessions);
		if (q->config.limit_ports >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_PORTS,
				    (uint32_t)q->config.limit_ports);
		if (q->config.limit_sess_map >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING,
				    (uint32_t)q->config.limit_sess_map);
		if (q->config.limit_sess_sub >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER,
				    (uint32_t)q->config.limit_sess_sub);
		if (q->config.subscriber_plen >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_SUBSCRIBER_PLEN,
				   (uint8_t)q->config.subscriber_plen);
		if (q->config.max_stored_syns >= 0)
			nla_put_u32(msg, NAT64_CONFIG_A_MAX_STORED_SYNS,
				    (uint32_t)q->config.max_stored_syns);
		if (q->config.mode >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_MODE,
				   (uint8_t)q->config.mode);
		if (q->config.log_mappings >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_LOG_MAPPINGS,
				   (uint8_t)q->config.log_mappings);
		if (q->config.log_destinations >= 0)
			nla_put_u8(msg, NAT64_CONFIG_A_LOG_DESTINATIONS,
				   (uint8_t)q->config.log_destinations);
		if (q->config.below_rfc)
			nla_put_flag(msg, NAT64_CONFIG_A_BELOW_RFC);
		break;
	}
	/* Changes are a nest of attributes, but for these. */
	if (!msg || (!nest && q->kind != REQ_FLUSH &&
		     q->kind != REQ_FASTPATH_ADD &&
		     q->kind != REQ_FASTPATH_DEL)) {
		fprintf(stderr, "nat64ctl: %s: out of memory\n", what);
		nlmsg_free(msg);
		return 1;
	}
	if (nest)
		nla_nest_end(msg, nest);
	if (in_batch && nla_put_flag(msg, NAT64_A_BATCH) < 0) {
		nlmsg_free(msg);
		return 1;
	}
	snprintf(ewhat, sizeof(ewhat), "%s%s", where, what);
	return ctl_nl_run(nl, msg, NULL, NULL, ewhat) ? 1 : 0;
}

/* A request of its own with no attributes; 0 or 1. */
static int plain(struct ctl_nl *nl, int cmd, const char *what)
{
	return ctl_nl_run(nl, ctl_nl_msg(nl, cmd, false), NULL, NULL, what) ?
	       1 : 0;
}

/*
 * -f FILE: read every line first (a syntax error stops it before the
 * kernel is asked anything), then send them as one batch and commit it.
 * Any error names its line, and the configuration stays as it was.
 */
static int run_batch(struct ctl_nl *nl, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	struct breq { struct req q; unsigned int line; } *reqs = NULL;
	unsigned int n = 0, line = 0, i;
	char *buf = NULL, here[300];
	size_t cap = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "nat64ctl: cannot read %s: %s\n", file,
			strerror(errno));
		return 1;
	}
	while (getline(&buf, &cap, f) >= 0) {
		char *argv[64];
		struct breq *r;
		int argc;

		line++;
		snprintf(here, sizeof(here), "%s:%u: ", name, line);
		where = here;
		argc = ctl_split(buf, argv, 64);
		if (!argc)
			continue;
		if (argc < 0) {
			rc = bad("too many words");
			goto out;
		}
		r = realloc(reqs, (n + 1) * sizeof(*reqs));
		if (!r) {
			rc = bad("out of memory");
			goto out;
		}
		reqs = r;
		rc = parse_req(argc, argv, &reqs[n].q);
		if (rc)
			goto out;
		if (!batchable(reqs[n].q.kind)) {
			snprintf(here + strlen(here), sizeof(here) - strlen(here),
				 "'%s' ", argv[0]);
			rc = bad("is not a change: a batch holds pool, rule, bib add/del, deny add/del, fastpath add/del, set and flush");
			goto out;
		}
		reqs[n++].line = line;
	}
	if (ferror(f)) {
		fprintf(stderr, "nat64ctl: cannot read %s: %s\n", file,
			strerror(errno));
		rc = 1;
		goto out;
	}
	where = "";
	snprintf(here, sizeof(here), "%s: batch", name);
	rc = plain(nl, NAT64_CMD_BATCH_BEGIN, here);
	if (rc)
		goto out;
	in_batch = true;
	for (i = 0; i < n && !rc; i++) {
		snprintf(here, sizeof(here), "%s:%u: ", name, reqs[i].line);
		where = here;
		rc = run_req(nl, &reqs[i].q);
	}
	in_batch = false;
	where = "";
	if (rc) {
		snprintf(here, sizeof(here), "%s: abort", name);
		plain(nl, NAT64_CMD_BATCH_ABORT, here);
	} else {
		snprintf(here, sizeof(here), "%s: commit", name);
		rc = plain(nl, NAT64_CMD_BATCH_COMMIT, here);
	}
out:
	where = "";
	free(reqs);
	free(buf);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* -n NAME: act in the network namespace `ip netns` calls NAME. */
static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/') || snprintf(path, sizeof(path), "/run/netns/%s",
					  name) >= (int)sizeof(path)) {
		fprintf(stderr, "nat64ctl: invalid namespace name '%s'\n", name);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nat64ctl: no network namespace '%s' (%s)\n",
			name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "nat64ctl: cannot enter namespace '%s': %s\n",
			name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* -p: what the command prints (JSON) is indented before it is shown. */
static int run_pretty(struct ctl_nl *nl, const struct req *q)
{
	FILE *saved = stdout, *mem;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	mem = open_memstream(&buf, &len);
	if (!mem)
		return run_req(nl, q);
	stdout = mem;
	rc = run_req(nl, q);
	fclose(mem);
	stdout = saved;
	if (buf)
		json_pretty(stdout, buf);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *file = NULL;
	bool pretty = false;
	struct ctl_nl *nl;
	struct req q;
	int rc;

	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "-j")) {
			json = true;
		} else if (!strcmp(argv[1], "-p")) {
			json = pretty = true;
		} else if (!strcmp(argv[1], "-f") && argc > 2) {
			file = argv[2];
			argc--;
			argv++;
		} else if (!strcmp(argv[1], "-n") && argc > 2) {
			netns = argv[2];
			argc--;
			argv++;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			return usage(stdout);
		} else {
			fprintf(stderr, "nat64ctl: unknown option '%s'\n",
				argv[1]);
			return usage(stderr);
		}
	}
	if (file) {
		if (argc > 1)
			return bad("-f takes no other command");
		if (netns && enter_netns(netns))
			return 1;
		nl = ctl_nl_open();
		if (!nl)
			return 1;
		rc = run_batch(nl, file);
		ctl_nl_close(nl);
		return rc;
	}
	if (argc < 2)
		return usage(stderr);
	rc = parse_req(argc - 1, argv + 1, &q);
	if (rc)
		return rc;
	/* These read nat64-syncd's files: no kernel needed. */
	if (q.kind == REQ_HELP || q.kind == REQ_SYNC_RESYNC)
		return run_req(NULL, &q);
	if (q.kind == REQ_SYNC_STATUS)
		return pretty ? run_pretty(NULL, &q) : run_req(NULL, &q);
	if (netns && enter_netns(netns))
		return 1;

	nl = ctl_nl_open();
	if (!nl) {
		if (q.kind == REQ_VERSION)
			printf("nat64ctl %s, module not loaded\n", NAT64_VERSION);
		return 1;
	}
	rc = pretty ? run_pretty(nl, &q) : run_req(nl, &q);
	ctl_nl_close(nl);
	return rc;
}
