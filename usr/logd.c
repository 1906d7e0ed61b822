// SPDX-License-Identifier: GPL-2.0
/*
 * nat64-logd: the translator's records (the kernel's NAT64_CMD_EVENT
 * multicast, in the namespace it runs in) to collectors, as IPFIX over
 * UDP (RFC 7011, with the RFC 8158 NAT templates) and as RFC 5424
 * syslog over UDP or TCP (RFC 6587 octet counting).
 *
 * Loss is counted, never silent: each kernel event carries a number
 * (NAT64_A_SEQ), so the events this daemon never got are the numbers
 * missing between the first and the highest it did get; a receive
 * buffer overflow is also reported by the socket (ENOBUFS). IPFIX
 * messages carry RFC 7011 sequence numbers, for the collector to count
 * what the network lost. The counters are written to the status file.
 *
 * The kernel never waits for this daemon: what the daemon does not read
 * in time is lost in the kernel, numbered and counted there too
 * (events-dropped in nat64ctl stats).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "daemon.h"
#include "export.h"
#include "nl.h"

#define LOGD_CONF	"/etc/nat64/logd.conf"
#define LOGD_STATUS	"/run/nat64-logd.status"
#define MAX_DESTS	8
#define MAX_POOLS	NAT64_MAX_POOLS

/* What is exported: per pool, or the default for all. */
enum {
	X_SESSIONS = 1 << 0,	/* natEvent 6/7, with the destination */
	X_MAPPINGS = 1 << 1,	/* 10/11 */
	X_BLOCKS = 1 << 2,	/* 16/17 */
	X_LIMITS = 1 << 3,	/* 3, 12, 13, 18 */
};
#define X_DEFAULT	(X_MAPPINGS | X_BLOCKS | X_LIMITS)

enum dest_kind { D_IPFIX, D_SYSLOG_UDP, D_SYSLOG_TCP };

struct dest {
	enum dest_kind kind;
	char name[128];			/* as configured */
	struct sockaddr_storage sa;
	socklen_t salen;
	int fd;				/* -1: not connected (TCP) */
	time_t retry;			/* TCP: next connection attempt */
	time_t tpl_sent;		/* IPFIX: templates last sent */
	struct ipfix_exp *ipfix;
	unsigned long long records, messages, errors, lost;
};

struct pool_sel {
	char name[NAT64_NAME_MAX];
	unsigned int what;
};

static struct {
	struct dest dest[MAX_DESTS];
	unsigned int ndest;
	struct pool_sel pool[MAX_POOLS];
	unsigned int npool;
	unsigned int what;		/* default selection */
	unsigned long tpl_interval;	/* s */
	unsigned long poll_interval;	/* s */
	unsigned int thr_sessions;	/* %, 0: off */
	unsigned int thr_blocks;	/* %, 0: off */
	unsigned long domain;
	unsigned long mtu;
	int facility;
	unsigned long rcvbuf;
	char hostname[256];
	unsigned int pid;		/* the syslog PROCID */
	char status[PATH_MAX];
} cf = {
	.what = X_DEFAULT,
	.tpl_interval = 60,
	.poll_interval = 10,
	.domain = 1,
	.mtu = 1400,
	.facility = 16,		/* local0 */
	.rcvbuf = 8 << 20,
	.status = LOGD_STATUS,
};

/* The account the status file gives. */
static struct {
	struct ev_account ev;		/* events received, lost */
	unsigned long long polls;	/* of the poller (limits, thresholds) */
	unsigned long long enobufs;	/* overflows the socket reported */
	unsigned long long records;	/* made from events (before dests) */
	unsigned long long filtered;	/* events of kinds not exported */
	unsigned long long malformed;
	unsigned long long thresholds;	/* records of the poller */
} st;

/* ---- configuration ---- */

/* "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or "ADDR6" into @d's address. */
static int parse_hostport(struct dest *d, const char *s, unsigned int dport)
{
	char host[INET6_ADDRSTRLEN + 2], *port = NULL, *end;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&d->sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&d->sa;
	unsigned long p = dport;
	const char *h = host;

	if (strlen(s) >= sizeof(host))
		return -1;
	strcpy(host, s);
	if (host[0] == '[') {
		end = strchr(host, ']');
		if (!end)
			return -1;
		*end = 0;
		h = host + 1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
	} else if (strchr(host, ':') == strrchr(host, ':') &&
		   strchr(host, ':')) {
		port = strchr(host, ':');
		*port++ = 0;
	}
	if (port) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (errno || *end || !p || p > 65535)
			return -1;
	}
	memset(&d->sa, 0, sizeof(d->sa));
	if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(p);
		d->salen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		d->salen = sizeof(*s6);
	} else {
		return -1;
	}
	return 0;
}

/* "sessions,mappings,blocks,limits", "all" or "none". */
static int parse_what(const char *s, unsigned int *what)
{
	char buf[128], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*what = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "sessions"))
			*what |= X_SESSIONS;
		else if (!strcmp(tok, "mappings"))
			*what |= X_MAPPINGS;
		else if (!strcmp(tok, "blocks"))
			*what |= X_BLOCKS;
		else if (!strcmp(tok, "limits"))
			*what |= X_LIMITS;
		else if (!strcmp(tok, "all"))
			*what |= X_SESSIONS | X_MAPPINGS | X_BLOCKS | X_LIMITS;
		else if (strcmp(tok, "none"))
			return -1;
	}
	return 0;
}

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6",
	"local7",
};

/* One line of the configuration file (tokens in @w, @n of them). */
static int conf_line(char **w, int n)
{
	unsigned long v;
	struct dest *d;
	int i;

	if (!strcmp(w[0], "ipfix") && n == 2) {
		if (cf.ndest == MAX_DESTS)
			return -1;
		d = &cf.dest[cf.ndest];
		d->kind = D_IPFIX;
		if (parse_hostport(d, w[1], 4739))
			return -1;
		snprintf(d->name, sizeof(d->name), "ipfix %s", w[1]);
		cf.ndest++;
		return 0;
	}
	if (!strcmp(w[0], "syslog") && n == 3 &&
	    (!strcmp(w[1], "udp") || !strcmp(w[1], "tcp"))) {
		if (cf.ndest == MAX_DESTS)
			return -1;
		d = &cf.dest[cf.ndest];
		d->kind = w[1][0] == 'u' ? D_SYSLOG_UDP : D_SYSLOG_TCP;
		if (parse_hostport(d, w[2], d->kind == D_SYSLOG_UDP ? 514 : 601))
			return -1;
		snprintf(d->name, sizeof(d->name), "syslog %s %s", w[1], w[2]);
		cf.ndest++;
		return 0;
	}
	if (!strcmp(w[0], "export") && n == 2)
		return parse_what(w[1], &cf.what);
	if (!strcmp(w[0], "pool") && n == 4 && !strcmp(w[2], "export")) {
		if (cf.npool == MAX_POOLS || strlen(w[1]) >= NAT64_NAME_MAX)
			return -1;
		strcpy(cf.pool[cf.npool].name, w[1]);
		return parse_what(w[3], &cf.pool[cf.npool++].what);
	}
	if (!strcmp(w[0], "threshold") && n == 3 &&
	    (!strcmp(w[1], "sessions") || !strcmp(w[1], "blocks"))) {
		if (parse_uint(w[2], 1, 100, &v))
			return -1;
		*(w[1][0] == 's' ? &cf.thr_sessions : &cf.thr_blocks) = v;
		return 0;
	}
	if (!strcmp(w[0], "facility") && n == 2) {
		for (i = 0; i < 24; i++)
			if (!strcmp(w[1], facilities[i])) {
				cf.facility = i;
				return 0;
			}
		return -1;
	}
	return -1;
}

/* The settings of one value; the others are conf_line()'s. */
static const struct conf_set conf_sets[] = {
	{ "template-interval", .lo = 1, .hi = 86400, .num = &cf.tpl_interval },
	{ "poll-interval", .lo = 1, .hi = 3600, .num = &cf.poll_interval },
	{ "observation-domain", .lo = 0, .hi = UINT32_MAX, .num = &cf.domain },
	{ "mtu", .lo = IPFIX_MTU_MIN, .hi = 65000, .num = &cf.mtu },
	{ "receive-buffer", .lo = 65536, .hi = 1 << 30, .num = &cf.rcvbuf },
	{ "hostname", .str = cf.hostname, .size = sizeof(cf.hostname) },
	{ "status-file", .str = cf.status, .size = sizeof(cf.status) },
	{ NULL }
};

static int conf_read(const char *path)
{
	if (conf_read_lines(path, conf_sets, conf_line))
		return -1;
	if (!cf.ndest) {
		logmsg("%s: no collector (ipfix or syslog lines)", path);
		return -1;
	}
	return 0;
}

static unsigned int pool_what(const char *pool)
{
	unsigned int i;

	for (i = 0; i < cf.npool; i++)
		if (!strncmp(cf.pool[i].name, pool, NAT64_NAME_MAX))
			return cf.pool[i].what;
	return cf.what;
}

/* ---- collectors ---- */

static void dest_open(struct dest *d, time_t now)
{
	int type = d->kind == D_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct timeval tv = { .tv_sec = 1 };

	if (d->fd >= 0 || now < d->retry)
		return;
	d->fd = socket(d->sa.ss_family, type | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		goto fail;
	/* A collector that stalls costs at most a second a message. */
	setsockopt(d->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(d->fd, (struct sockaddr *)&d->sa, d->salen))
		goto fail;
	d->tpl_sent = 0;
	return;
fail:
	logmsg("%s: %s (again in 5 s)", d->name, strerror(errno));
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->retry = now + 5;
}

/* Send @len bytes to @d: 0, or -1 (counted; TCP reconnects later). */
static int dest_send(struct dest *d, const void *buf, size_t len)
{
	ssize_t n;

	dest_open(d, time(NULL));
	if (d->fd < 0) {
		d->errors++;
		return -1;
	}
	n = send(d->fd, buf, len, MSG_NOSIGNAL);
	if (n == (ssize_t)len) {
		d->messages++;
		return 0;
	}
	d->errors++;
	/* UDP: ECONNREFUSED from an earlier datagram; the next may pass. */
	if (d->kind == D_SYSLOG_TCP) {
		logmsg("%s: %s", d->name, n < 0 ? strerror(errno) : "short write");
		close(d->fd);
		d->fd = -1;
		d->retry = time(NULL) + 5;
	}
	return -1;
}

static void ipfix_send_pending(struct dest *d)
{
	static uint8_t msg[IPFIX_MSG_MAX];
	unsigned int n = ipfix_pending(d->ipfix);
	size_t len;

	if (!n)
		return;
	len = ipfix_flush(d->ipfix, (uint32_t)time(NULL), msg, sizeof(msg));
	if (len && !dest_send(d, msg, len))
		d->records += n;
	else
		d->lost += n;
}

static void ipfix_send_templates(struct dest *d, time_t now)
{
	static uint8_t msg[IPFIX_MSG_MAX];
	size_t len;

	if (d->tpl_sent && now - d->tpl_sent < (time_t)cf.tpl_interval)
		return;
	len = ipfix_templates(d->ipfix, (uint32_t)now, msg, sizeof(msg));
	if (len && !dest_send(d, msg, len))
		d->tpl_sent = now;
}

/* One record to every collector. */
static void export(const struct nx_rec *r)
{
	char msg[1024];
	unsigned int i;
	int len;

	st.records++;
	for (i = 0; i < cf.ndest; i++) {
		struct dest *d = &cf.dest[i];

		if (d->kind == D_IPFIX) {
			ipfix_send_templates(d, time(NULL));
			int rc = ipfix_add(d->ipfix, r);

			if (rc == 1) {
				ipfix_send_pending(d);
				rc = ipfix_add(d->ipfix, r);
			}
			if (rc)
				d->lost++;
			continue;
		}
		len = (d->kind == D_SYSLOG_TCP ? nx_syslog_tcp : nx_syslog)
			(msg, sizeof(msg), r, cf.facility, cf.hostname,
			 "nat64-logd", cf.pid);
		if (len < 0 || dest_send(d, msg, len))
			d->lost++;
		else
			d->records++;
	}
}

static void flush_all(void)
{
	unsigned int i;

	for (i = 0; i < cf.ndest; i++)
		if (cf.dest[i].kind == D_IPFIX)
			ipfix_send_pending(&cf.dest[i]);
}

/* ---- kernel events ---- */

/* Limits as the poller last read them (quota records carry them). */
static struct {
	uint32_t sessions, per_subscriber, per_mapping;
} lim;

static uint16_t u16_of(struct nlattr *a)
{
	return a && nla_len(a) == 2 ? nla_get_u16(a) : 0;
}

static void addr_of(struct nlattr *a, void *dst, int len)
{
	if (a && nla_len(a) == len)
		memcpy(dst, nla_data(a), len);
}

static void name_of(struct nlattr *a, char *dst)
{
	memset(dst, 0, NAT64_NAME_MAX);
	if (a && nla_len(a) > 0)
		strncpy(dst, nla_data(a), NAT64_NAME_MAX - 1);
}

/* A refusal's reason as RFC 8158 sees it: 0 if it is none of its. */
static int refused_rec(struct nx_rec *r, uint32_t why)
{
	switch (why) {
	case NAT64_STAT_6TO4_NO_PORT:
		r->event = NX_PORTS_EXHAUSTED;
		return 1;
	case NAT64_STAT_DROP_LIMIT:
	case NAT64_STAT_DROP_MODULE_SESSIONS:
		r->event = NX_QUOTA_EXCEEDED;
		r->quota_event = NX_QUOTA_SESSIONS;
		r->limit = lim.sessions;
		return 1;
	case NAT64_STAT_DROP_SUBSCRIBER_SESSIONS:
	case NAT64_STAT_DROP_MAPPING_SESSIONS:
	case NAT64_STAT_DROP_BLOCK_MAX:
	case NAT64_STAT_DROP_DET_FULL:
		r->event = NX_QUOTA_EXCEEDED;
		r->quota_event = NX_QUOTA_PER_USER;
		r->limit = why == NAT64_STAT_DROP_SUBSCRIBER_SESSIONS ?
			   lim.per_subscriber :
			   why == NAT64_STAT_DROP_MAPPING_SESSIONS ?
			   lim.per_mapping : 0;
		return 1;
	}
	return 0;
}

/* A mapping or session event's record (natEvent) and kind; refusals' by reason. */
static const uint8_t ev_map[NAT64_EVENT_MAX + 1][2] = {
	[NAT64_EVENT_MAPPING_CREATED] = { NX_BIB_CREATE, X_MAPPINGS },
	[NAT64_EVENT_MAPPING_EXPIRED] = { NX_BIB_DELETE, X_MAPPINGS },
	[NAT64_EVENT_MAPPING_REMOVED] = { NX_BIB_DELETE, X_MAPPINGS },
	[NAT64_EVENT_MAPPING_REFUSED] = { 0, X_LIMITS },
	[NAT64_EVENT_SESSION_CREATED] = { NX_SESSION_CREATE, X_SESSIONS },
	[NAT64_EVENT_SESSION_EXPIRED] = { NX_SESSION_DELETE, X_SESSIONS },
	[NAT64_EVENT_SESSION_REMOVED] = { NX_SESSION_DELETE, X_SESSIONS },
	[NAT64_EVENT_SESSION_REFUSED] = { 0, X_LIMITS },
};

/* One NAT64_CMD_EVENT: a record, or none (filtered out). */
static int on_event(struct nlattr **tb, void *arg)
{
	struct nlattr *m[NAT64_MAPPING_A_MAX + 1];
	struct nlattr *s[NAT64_SESSION_A_MAX + 1];
	struct nlattr *b[NAT64_BLOCK_A_MAX + 1];
	struct nx_rec r = { 0 };
	unsigned int what, kind;
	unsigned long long seq;
	uint8_t type;

	(void)arg;
	/* The account of loss: see daemon.h. */
	if (ev_seen(&st.ev, tb)) {
		st.malformed++;
		return 0;
	}
	seq = nla_get_u64(tb[NAT64_A_SEQ]);
	type = nla_get_u8(tb[NAT64_A_EVENT]);
	r.seq = seq;
	if (tb[NAT64_A_TIMESTAMP] && nla_len(tb[NAT64_A_TIMESTAMP]) == 8)
		r.time_ms = nla_get_u64(tb[NAT64_A_TIMESTAMP]) / 1000000;
	if (type >= NAT64_EVENT_BLOCK_ALLOCATED &&
	    type <= NAT64_EVENT_BLOCK_INTERIM) {
		if (!tb[NAT64_A_BLOCK] ||
		    nla_parse_nested(b, NAT64_BLOCK_A_MAX, tb[NAT64_A_BLOCK],
				     NULL)) {
			st.malformed++;
			return 0;
		}
		name_of(b[NAT64_BLOCK_A_POOL], r.pool);
		if (!(pool_what(r.pool) & X_BLOCKS)) {
			st.filtered++;
			return 0;
		}
		r.event = type == NAT64_EVENT_BLOCK_RELEASED ? NX_BLOCK_RELEASE :
			  NX_BLOCK_ALLOC;
		addr_of(b[NAT64_BLOCK_A_PREFIX], &r.src6, 16);
		if (b[NAT64_BLOCK_A_PLEN])
			r.plen = nla_get_u8(b[NAT64_BLOCK_A_PLEN]);
		addr_of(b[NAT64_BLOCK_A_ADDR4], &r.src4, 4);
		r.port_lo = u16_of(b[NAT64_BLOCK_A_PORT_MIN]);
		r.port_hi = u16_of(b[NAT64_BLOCK_A_PORT_MAX]);
		r.step = 1;
		r.nports = r.port_hi - r.port_lo + 1;
		export(&r);
		return 0;
	}
	if (!tb[NAT64_A_MAPPING] ||
	    nla_parse_nested(m, NAT64_MAPPING_A_MAX, tb[NAT64_A_MAPPING],
			     NULL) || !m[NAT64_MAPPING_A_PROTO]) {
		st.malformed++;
		return 0;
	}
	name_of(tb[NAT64_A_POOL_NAME], r.pool);
	r.proto = nla_get_u8(m[NAT64_MAPPING_A_PROTO]);
	/* ICMPv6 on the IPv6 side is ICMP on the IPv4 side. */
	if (r.proto == IPPROTO_ICMPV6)
		r.proto = IPPROTO_ICMP;
	addr_of(m[NAT64_MAPPING_A_ADDR6], &r.src6, 16);
	r.sport6 = u16_of(m[NAT64_MAPPING_A_PORT6]);
	addr_of(m[NAT64_MAPPING_A_ADDR4], &r.src4, 4);
	r.sport4 = u16_of(m[NAT64_MAPPING_A_PORT4]);
	if (tb[NAT64_A_SESSION] &&
	    !nla_parse_nested(s, NAT64_SESSION_A_MAX, tb[NAT64_A_SESSION],
			      NULL)) {
		addr_of(s[NAT64_SESSION_A_RADDR4], &r.dst4, 4);
		addr_of(s[NAT64_SESSION_A_RADDR6], &r.dst6, 16);
		r.dport = u16_of(s[NAT64_SESSION_A_RPORT]);
	}
	if (type > NAT64_EVENT_MAX || !ev_map[type][1]) {
		st.malformed++;
		return 0;
	}
	r.event = ev_map[type][0];
	kind = ev_map[type][1];
	if (type == NAT64_EVENT_MAPPING_REFUSED ||
	    type == NAT64_EVENT_SESSION_REFUSED) {
		if (!tb[NAT64_A_REASON] || nla_len(tb[NAT64_A_REASON]) != 4 ||
		    !refused_rec(&r, nla_get_u32(tb[NAT64_A_REASON]))) {
			st.filtered++;
			return 0;
		}
	}
	what = pool_what(r.pool);
	if (!(what & kind)) {
		st.filtered++;
		return 0;
	}
	export(&r);
	return 0;
}

/* ---- the poller: thresholds and limits ---- */

static int on_stats(struct nlattr **tb, void *arg)
{
	uint32_t *sessions = arg;

	if (tb[NAT64_A_SESSION_COUNT])
		*sessions = nla_get_u32(tb[NAT64_A_SESSION_COUNT]);
	return 0;
}

static int on_config(struct nlattr **tb, void *arg)
{
	struct nlattr *c[NAT64_CONFIG_A_MAX + 1];

	(void)arg;
	if (!tb[NAT64_A_CONFIG] ||
	    nla_parse_nested(c, NAT64_CONFIG_A_MAX, tb[NAT64_A_CONFIG], NULL))
		return 0;
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS])
		lim.sessions = nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS]);
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER])
		lim.per_subscriber =
			nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS_SUBSCRIBER]);
	if (c[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING])
		lim.per_mapping =
			nla_get_u32(c[NAT64_CONFIG_A_LIMIT_SESSIONS_MAPPING]);
	return 0;
}

/* A threshold that fires once, and again after it fell back below. */
struct armed {
	char pool[NAT64_NAME_MAX];
	uint32_t addr;			/* the range's first address */
	bool high, full;
};

static struct armed armed[MAX_POOLS * NAT64_MAX_RANGES];
static unsigned int narmed;
static bool sessions_high;

static struct armed *armed_for(const char *pool, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < narmed; i++)
		if (armed[i].addr == addr &&
		    !strncmp(armed[i].pool, pool, NAT64_NAME_MAX))
			return &armed[i];
	if (narmed == sizeof(armed) / sizeof(armed[0]))
		return NULL;
	memset(&armed[narmed], 0, sizeof(armed[0]));
	snprintf(armed[narmed].pool, NAT64_NAME_MAX, "%.*s", NAT64_NAME_MAX - 1,
		 pool);
	armed[narmed].addr = addr;
	return &armed[narmed++];
}

/* Export @r when @cond comes true: once, until it was false again. */
static void edge(bool cond, bool *fired, const struct nx_rec *r)
{
	if (cond && !*fired) {
		st.thresholds++;
		export(r);
	}
	*fired = cond;
}

/* A block range of a pool: high threshold, and all blocks given out. */
static int on_pool(struct nlattr **tb, void *arg)
{
	struct nlattr *p[NAT64_POOL_A_MAX + 1];
	struct nx_rec r = { 0 };
	uint32_t used, total, addr = 0;
	struct armed *a;

	(void)arg;
	if (!cf.thr_blocks || !tb[NAT64_A_POOL] ||
	    nla_parse_nested(p, NAT64_POOL_A_MAX, tb[NAT64_A_POOL], NULL) ||
	    !p[NAT64_POOL_A_BLK_TOTAL] || !p[NAT64_POOL_A_BLK_USED] ||
	    !p[NAT64_POOL_A_NAME])
		return 0;
	used = nla_get_u32(p[NAT64_POOL_A_BLK_USED]);
	total = nla_get_u32(p[NAT64_POOL_A_BLK_TOTAL]);
	addr_of(p[NAT64_POOL_A_ADDR], &addr, 4);
	name_of(p[NAT64_POOL_A_NAME], r.pool);
	a = armed_for(r.pool, addr);
	if (!a || !total || !(pool_what(r.pool) & X_LIMITS))
		return 0;
	r.time_ms = clock_ms(CLOCK_REALTIME);
	r.event = NX_THRESHOLD;
	r.threshold_event = NX_THR_POOL_HIGH;
	r.limit = cf.thr_blocks;
	edge((uint64_t)used * 100 >= (uint64_t)total * cf.thr_blocks,
	     &a->high, &r);
	r.event = NX_ADDRESSES_EXHAUSTED;
	edge(used >= total, &a->full, &r);
	return 0;
}

static void poll_kernel(struct ctl_nl *nl)
{
	struct nx_rec r = { 0 };
	uint32_t sessions = 0;
	uint64_t thr;

	if (ctl_nl_run(nl, ctl_nl_msg(nl, NAT64_CMD_GET_CONFIG, false),
		       on_config, NULL, "config") ||
	    ctl_nl_run(nl, ctl_nl_msg(nl, NAT64_CMD_GET_STATS, false),
		       on_stats, &sessions, "stats"))
		return;
	st.polls++;
	if (cf.thr_blocks)
		ctl_nl_run(nl, ctl_nl_msg(nl, NAT64_CMD_POOL_GET, true),
			   on_pool, NULL, "pools");
	if (!cf.thr_sessions || !lim.sessions || !(cf.what & X_LIMITS))
		return;
	thr = (uint64_t)lim.sessions * cf.thr_sessions / 100;
	r.event = NX_THRESHOLD;
	r.threshold_event = NX_THR_GLOBAL_HIGH;
	r.limit = thr;
	r.time_ms = clock_ms(CLOCK_REALTIME);
	edge(sessions >= thr, &sessions_high, &r);
}

/* ---- status ---- */

static void status_body(FILE *f)
{
	unsigned int i;

	fprintf(f, "events-received %llu\nevents-lost %llu\n"
		"base-seq %llu\nlast-seq %llu\nsocket-overflows %llu\n"
		"records %llu\nfiltered %llu\nmalformed %llu\n"
		"threshold-records %llu\npolls %llu\n",
		st.ev.events, ev_lost(&st.ev), st.ev.base, st.ev.high,
		st.enobufs, st.records, st.filtered, st.malformed,
		st.thresholds, st.polls);
	for (i = 0; i < cf.ndest; i++) {
		struct dest *d = &cf.dest[i];

		fprintf(f, "dest %u %s records %llu messages %llu errors %llu lost %llu",
			i, d->name, d->records, d->messages, d->errors,
			d->lost);
		if (d->kind == D_IPFIX)
			fprintf(f, " sequence %u", d->ipfix->seq);
		fputc('\n', f);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nat64-logd [-c FILE]\n"
		"  -c FILE   configuration (default " LOGD_CONF ")\n"
		"See nat64-logd(8).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *conf = LOGD_CONF;
	struct ctl_nl *ev, *req;
	time_t last_poll = 0, last_status = 0, now;
	unsigned long long klast = 0;
	struct pollfd pfd;
	unsigned int i;
	int opt;

	ctl_prog = "nat64-logd";
	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		if (opt == 'c')
			conf = optarg;
		else
			usage();
	}
	if (optind != argc)
		usage();
	if (conf_read(conf))
		return 1;
	if (!cf.hostname[0] && gethostname(cf.hostname, sizeof(cf.hostname)))
		strcpy(cf.hostname, "-");
	cf.hostname[sizeof(cf.hostname) - 1] = 0;
	cf.pid = getpid();
	for (i = 0; i < cf.ndest; i++) {
		struct dest *d = &cf.dest[i];

		d->fd = -1;
		if (d->kind != D_IPFIX)
			continue;
		d->ipfix = calloc(1, sizeof(*d->ipfix));
		if (!d->ipfix)
			return 1;
		ipfix_init(d->ipfix, cf.domain, cf.mtu);
	}
	ev = ctl_nl_open();
	req = ev ? ctl_nl_open() : NULL;
	if (!req || ctl_nl_join(ev, "events", cf.rcvbuf))
		return 1;
	ev_start(&st.ev, req);
	signals_init(false);
	now = time(NULL);
	for (i = 0; i < cf.ndest; i++) {
		dest_open(&cf.dest[i], now);
		if (cf.dest[i].kind == D_IPFIX)
			ipfix_send_templates(&cf.dest[i], now);
	}
	logmsg("exporting to %u collector(s)", cf.ndest);
	pfd.fd = nl_socket_get_fd(ctl_nl_sock(ev));
	pfd.events = POLLIN;
	while (!stop) {
		now = time(NULL);
		if (now - last_poll >= (time_t)cf.poll_interval) {
			poll_kernel(req);
			last_poll = now;
		}
		for (i = 0; i < cf.ndest; i++)
			if (cf.dest[i].kind == D_IPFIX)
				ipfix_send_templates(&cf.dest[i], now);
		if (now != last_status || dump_status) {
			/* A drain came since @klast was read: see ev_due(). */
			ev_due(&st.ev, klast);
			klast = ev_kernel_last(req);
			status_write(cf.status, status_body);
			last_status = now;
			dump_status = 0;
		}
		if (poll(&pfd, 1, 1000) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		/* Everything queued, then what is pending goes out. */
		ctl_nl_drain(ev, on_event, NULL, &stop, &st.enobufs);
		flush_all();
	}
	/* What the socket still holds, then the last message. */
	stop = 0;
	ctl_nl_drain(ev, on_event, NULL, &stop, &st.enobufs);
	flush_all();
	ev_due(&st.ev, ev_kernel_last(req));
	status_write(cf.status, status_body);
	logmsg("stopped: %llu events, %llu lost, %llu records",
	       st.ev.events, ev_lost(&st.ev), st.records);
	ctl_nl_close(req);
	ctl_nl_close(ev);
	return 0;
}
