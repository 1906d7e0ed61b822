// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number in [min, max], nothing else. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out < min || *out > max)
		return -1;
	return 0;
}

int parse_name(const char *s, char out[NAT64_NAME_MAX], char *err,
	       size_t errlen)
{
	size_t i, n = strlen(s);

	if (!n || n >= NAT64_NAME_MAX)
		return fail(err, errlen,
			    "invalid name '%s' (1 to %d characters)", s,
			    NAT64_NAME_MAX - 1);
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]))
			return fail(err, errlen,
				    "invalid name '%s' (printable characters, no spaces)",
				    s);
	memcpy(out, s, n + 1);
	return 0;
}

/* ADDR[/LEN] */
static int parse_prefix4(const char *s, struct ctl_pool *p, char *err,
			 size_t errlen)
{
	char buf[64];
	char *slash;
	unsigned long plen = 32;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "invalid IPv4 address '%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		if (parse_uint(slash + 1, NAT64_POOL_MIN_PLEN, 32, &plen))
			return fail(err, errlen,
				    "invalid prefix length '%s' (%d to 32)",
				    slash + 1, NAT64_POOL_MIN_PLEN);
	}
	if (inet_pton(AF_INET, buf, &p->addr) != 1)
		return fail(err, errlen, "invalid IPv4 address '%s'", buf);
	p->plen = (unsigned int)plen;
	return 0;
}

/* LO-HI */
static int parse_ports(const char *s, struct ctl_pool *p, char *err,
		       size_t errlen)
{
	char buf[32];
	char *dash;
	unsigned long lo, hi;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "invalid port range '%s'", s);
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (!dash)
		return fail(err, errlen, "invalid port range '%s' (LO-HI)", s);
	*dash = 0;
	if (parse_uint(buf, 1, 65535, &lo) || parse_uint(dash + 1, 1, 65535, &hi))
		return fail(err, errlen,
			    "invalid port range '%s' (ports 1 to 65535)", s);
	if (lo > hi)
		return fail(err, errlen, "empty port range '%s' (LO > HI)", s);
	p->has_ports = true;
	p->port_lo = (unsigned int)lo;
	p->port_hi = (unsigned int)hi;
	return 0;
}

/* tcp,udp,icmp (any non-empty subset) */
static int parse_protos(const char *s, unsigned int *out)
{
	char buf[32], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "tcp"))
			*out |= NAT64_PROTO_F_TCP;
		else if (!strcmp(tok, "udp"))
			*out |= NAT64_PROTO_F_UDP;
		else if (!strcmp(tok, "icmp"))
			*out |= NAT64_PROTO_F_ICMP;
		else
			return -1;
	}
	return *out ? 0 : -1;
}

#define POOL_USAGE "usage: pool add NAME ADDR[/LEN|-ADDR] [ports LO-HI] " \
		   "[proto tcp,udp,icmp] " \
		   "[alloc random|sequential|deterministic from PREFIX6/LEN|" \
		   "block SIZE [max-blocks N] [block-timeout SECONDS] " \
		   "[interim SECONDS]] [quiet] [peer]"

static int parse_prefix6(const char *s, struct in6_addr *a, unsigned int *len,
			 char *err, size_t errlen);

/*
 * NAME ADDR[/LEN|-LAST] [ports LO-HI] [proto LIST] [alloc MODE]
 * [from PREFIX6/LEN] (from: with alloc deterministic only, and needed)
 * [quiet]; alloc block SIZE, then [max-blocks N] [block-timeout S]
 * [interim S] (with alloc block only)
 */
int parse_pool_add(int argc, char **argv, struct ctl_pool *p, char *err,
		   size_t errlen)
{
	bool seen_ports = false, seen_proto = false;
	const char *dash;
	int i;

	memset(p, 0, sizeof(*p));
	p->alloc = -1;
	p->blk_timeout = -1;
	p->blk_interim = -1;
	if (argc < 2)
		return fail(err, errlen, POOL_USAGE);
	if (parse_name(argv[0], p->name, err, errlen))
		return -1;
	dash = strchr(argv[1], '-');
	if (dash) {
		char buf[INET_ADDRSTRLEN];
		size_t n = (size_t)(dash - argv[1]);

		if (n >= sizeof(buf))
			return fail(err, errlen, "invalid IPv4 address range '%s'",
				    argv[1]);
		memcpy(buf, argv[1], n);
		buf[n] = 0;
		if (inet_pton(AF_INET, buf, &p->addr) != 1 ||
		    inet_pton(AF_INET, dash + 1, &p->last) != 1)
			return fail(err, errlen,
				    "invalid IPv4 address range '%s' (ADDR-ADDR)",
				    argv[1]);
		if (ntohl(p->last.s_addr) < ntohl(p->addr.s_addr))
			return fail(err, errlen,
				    "empty address range '%s' (first > last)",
				    argv[1]);
		p->is_range = true;
	} else if (parse_prefix4(argv[1], p, err, errlen)) {
		return -1;
	}
	for (i = 2; i < argc; i += 2) {
		const char *k = argv[i], *v;
		unsigned long n;

		if (!strcmp(k, "quiet") && !p->quiet) {
			p->quiet = true;
			i--;
			continue;
		}
		if (!strcmp(k, "peer") && !p->peer) {
			p->peer = true;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			return fail(err, errlen, POOL_USAGE);
		v = argv[i + 1];
		if (!strcmp(k, "alloc") && p->alloc < 0 &&
		    !strcmp(v, "block")) {
			p->alloc = NAT64_ALLOC_BLOCK;
			if (i + 2 >= argc ||
			    parse_uint(argv[i + 2], 1, 65535, &n))
				return fail(err, errlen,
					    "alloc block needs a block size (1..65535 ports)");
			p->blk_size = n;
			i++;
		} else if ((!strcmp(k, "max-blocks") && !p->blk_max) ||
			   (!strcmp(k, "block-timeout") && p->blk_timeout < 0) ||
			   (!strcmp(k, "interim") && p->blk_interim < 0)) {
			bool m = k[0] == 'm';

			if (parse_uint(v, m, m ? 1024 : 604800, &n))
				return fail(err, errlen, "invalid %s '%s' (%s)",
					    k, v, m ? "1..1024" : "seconds");
			if (m) {
				p->blk_max = n;
			} else if (k[0] == 'b') {
				p->blk_timeout = n;
			} else {
				p->blk_interim = n;
			}
		} else if (!strcmp(k, "ports") && !seen_ports) {
			if (parse_ports(v, p, err, errlen))
				return -1;
			seen_ports = true;
		} else if (!strcmp(k, "proto") && !seen_proto) {
			if (parse_protos(v, &p->protos))
				return fail(err, errlen,
					    "invalid protocols '%s' (tcp,udp,icmp)",
					    v);
			seen_proto = true;
		} else if (!strcmp(k, "alloc") && p->alloc < 0) {
			if (!strcmp(v, "random"))
				p->alloc = NAT64_ALLOC_RANDOM;
			else if (!strcmp(v, "sequential"))
				p->alloc = NAT64_ALLOC_SEQUENTIAL;
			else if (!strcmp(v, "deterministic"))
				p->alloc = NAT64_ALLOC_DETERMINISTIC;
			else
				return fail(err, errlen,
					    "invalid allocation '%s' (random, sequential or deterministic)",
					    v);
		} else if (!strcmp(k, "from") && !p->has_from) {
			if (parse_prefix6(v, &p->from, &p->from_plen, err,
					  errlen))
				return -1;
			p->has_from = true;
		} else {
			return fail(err, errlen, "unknown or repeated keyword '%s'",
				    k);
		}
	}
	if (p->alloc == NAT64_ALLOC_DETERMINISTIC && !p->has_from)
		return fail(err, errlen,
			    "alloc deterministic needs from PREFIX6/LEN (the subscribers' prefix)");
	if (p->alloc != NAT64_ALLOC_DETERMINISTIC && p->has_from)
		return fail(err, errlen,
			    "from PREFIX6/LEN is for alloc deterministic only");
	if (p->alloc != NAT64_ALLOC_BLOCK &&
	    (p->blk_max || p->blk_timeout >= 0 || p->blk_interim >= 0))
		return fail(err, errlen,
			    "max-blocks, block-timeout and interim are for alloc block only");
	if (p->peer && (p->alloc == NAT64_ALLOC_BLOCK ||
			p->alloc == NAT64_ALLOC_DETERMINISTIC))
		return fail(err, errlen,
			    "peer is for alloc random or sequential only");
	if (p->quiet && p->alloc != NAT64_ALLOC_BLOCK &&
	    p->alloc != NAT64_ALLOC_DETERMINISTIC)
		return fail(err, errlen,
			    "quiet is for alloc block or deterministic only");
	return 0;
}

/* PREFIX/LEN */
static int parse_prefix6(const char *s, struct in6_addr *a, unsigned int *len,
			 char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned long plen;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "invalid IPv6 prefix '%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return fail(err, errlen, "invalid IPv6 prefix '%s' (PREFIX/LEN)",
			    s);
	*slash = 0;
	if (parse_uint(slash + 1, 0, 128, &plen))
		return fail(err, errlen, "invalid prefix length '%s'",
			    slash + 1);
	if (inet_pton(AF_INET6, buf, a) != 1)
		return fail(err, errlen, "invalid IPv6 address '%s'", buf);
	*len = (unsigned int)plen;
	return 0;
}

#define RULE_USAGE "usage: rule add NAME prefix PREFIX/LEN pool POOL " \
		   "[from SRC/LEN]"

/* NAME prefix PREFIX/LEN pool POOL [from SRC/LEN], keywords in any order */
int parse_rule_add(int argc, char **argv, struct ctl_rule *r, char *err,
		   size_t errlen)
{
	bool have_prefix = false, have_pool = false;
	int i;

	memset(r, 0, sizeof(*r));
	if (argc < 1)
		return fail(err, errlen, RULE_USAGE);
	if (parse_name(argv[0], r->name, err, errlen))
		return -1;
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return fail(err, errlen, "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "prefix") && !have_prefix) {
			if (parse_prefix6(argv[i + 1], &r->prefix, &r->plen,
					  err, errlen))
				return -1;
			have_prefix = true;
		} else if (!strcmp(argv[i], "pool") && !have_pool) {
			if (parse_name(argv[i + 1], r->pool, err, errlen))
				return -1;
			have_pool = true;
		} else if (!strcmp(argv[i], "from") && !r->has_src) {
			if (parse_prefix6(argv[i + 1], &r->src, &r->src_plen,
					  err, errlen))
				return -1;
			if (!r->src_plen)
				return fail(err, errlen,
					    "from ::/0 is every source: leave 'from' out");
			r->has_src = true;
		} else {
			return fail(err, errlen, "unknown or repeated keyword '%s'",
				    argv[i]);
		}
	}
	if (!have_prefix || !have_pool)
		return fail(err, errlen, "rule add needs prefix and pool");
	return 0;
}

const char *ctl_match(const char *s, const char *const *words, char *err,
		      size_t errlen)
{
	const char *found = NULL;
	size_t n = strlen(s), i, len = 0;

	for (i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return words[i];
	for (i = 0; n && words[i]; i++) {
		if (strncmp(s, words[i], n))
			continue;
		if (found) {
			len = (size_t)snprintf(err, errlen, "'%s' is ambiguous (%s",
					       s, found);
			for (; words[i]; i++)
				if (!strncmp(s, words[i], n) && len < errlen)
					len += (size_t)snprintf(err + len,
								errlen - len,
								", %s",
								words[i]);
			if (len < errlen)
				snprintf(err + len, errlen - len, ")");
			return NULL;
		}
		found = words[i];
	}
	if (!found)
		snprintf(err, errlen, "unknown word '%s'", s);
	return found;
}

int ctl_split(char *line, char **argv, int max)
{
	char *p = strchr(line, '#'), *save = NULL, *w;
	int n = 0;

	if (p)
		*p = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -1;
		argv[n++] = w;
	}
	return n;
}

int parse_proto(const char *s)
{
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(s, "icmp"))
		return IPPROTO_ICMPV6;
	return -1;
}

/* [ADDR6]:PORT or ADDR4:PORT */
static int parse_taddr(const char *s, int af, void *addr, unsigned int *port,
		       unsigned long minport)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	unsigned long n;
	size_t len;

	if (!colon || parse_uint(colon + 1, minport, 65535, &n))
		return -1;
	len = (size_t)(colon - s);
	if (af == AF_INET6) {
		if (len < 2 || s[0] != '[' || s[len - 1] != ']')
			return -1;
		s++;
		len -= 2;
	}
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (inet_pton(af, buf, addr) != 1)
		return -1;
	*port = (unsigned int)n;
	return 0;
}

/* tcp|udp|icmp [ADDR6]:PORT ADDR4:PORT */
int parse_bib(int argc, char **argv, struct ctl_bib *b, char *err,
	      size_t errlen)
{
	int proto;
	unsigned long minport;

	memset(b, 0, sizeof(*b));
	if (argc != 3)
		return fail(err, errlen,
			    "usage: bib add|del tcp|udp|icmp [ADDR6]:PORT ADDR4:PORT");
	proto = parse_proto(argv[0]);
	if (proto < 0)
		return fail(err, errlen, "unknown protocol '%s' (tcp, udp, icmp)",
			    argv[0]);
	b->ipproto = (unsigned int)proto;
	minport = proto == IPPROTO_ICMPV6 ? 0 : 1;
	if (parse_taddr(argv[1], AF_INET6, &b->addr6, &b->port6, minport))
		return fail(err, errlen,
			    "invalid IPv6 transport address '%s' ([ADDR]:PORT)",
			    argv[1]);
	if (parse_taddr(argv[2], AF_INET, &b->addr4, &b->port4, minport))
		return fail(err, errlen,
			    "invalid IPv4 transport address '%s' (ADDR:PORT)",
			    argv[2]);
	return 0;
}

static int parse_onoff(const char *s, int *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "yes"))
		*out = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

const char *const ctl_timeout_names[CTL_TO_N] = {
	"udp", "tcp-est", "tcp-trans", "icmp", "syn",
};

unsigned long ctl_timeout_min(int t)
{
	static const unsigned long min[CTL_TO_N] = {
		[CTL_TO_UDP] = NAT64_TIMEOUT_MIN_UDP,
		[CTL_TO_TCP_EST] = NAT64_TIMEOUT_MIN_TCP_EST,
		[CTL_TO_TCP_TRANS] = NAT64_TIMEOUT_MIN_TCP_TRANS,
		[CTL_TO_ICMP] = NAT64_TIMEOUT_MIN_ICMP,
		[CTL_TO_SYN] = NAT64_TIMEOUT_MIN_SYN,
	};

	return t >= 0 && t < CTL_TO_N ? min[t] : 0;
}

/*
 * timeout NAME SECONDS; the kernel has the same bounds, and refuses
 * values under the RFC 6146 minimum without below-rfc (it says so).
 */
static int parse_timeout(const char *name, const char *v,
			 struct ctl_config *c, char *err, size_t errlen)
{
	unsigned long n;
	int t;

	for (t = 0; t < CTL_TO_N; t++)
		if (!strcmp(name, ctl_timeout_names[t]))
			break;
	if (t == CTL_TO_N)
		return fail(err, errlen,
			    "unknown timeout '%s' (udp, tcp-est, tcp-trans, icmp, syn)",
			    name);
	if (parse_uint(v, 1, t == CTL_TO_SYN ? 600 : 604800, &n))
		return fail(err, errlen,
			    "invalid %s timeout '%s' (1 to %d seconds)",
			    name, v, t == CTL_TO_SYN ? 600 : 604800);
	c->timeout[t] = (long)n;
	return 0;
}

/* KEY VALUE [KEY VALUE...]; timeout takes a name and a value. */
int parse_set(int argc, char **argv, struct ctl_config *c, char *err,
	      size_t errlen)
{
	int i, t;

	c->clear_df = c->reset_tos = -1;
	c->lowest_ipv6_mtu = -1;
	c->filtering = c->drop_ext_tcp = -1;
	c->limit_sessions = c->limit_ports = -1;
	c->limit_sess_map = c->limit_sess_sub = -1;
	c->subscriber_plen = c->max_stored_syns = -1;
	c->mode = -1;
	c->log_mappings = c->log_destinations = -1;
	c->below_rfc = false;
	for (t = 0; t < CTL_TO_N; t++)
		c->timeout[t] = -1;
	if (argc < 1 || (argc < 2 && strcmp(argv[0], "below-rfc")))
		return fail(err, errlen,
			    "usage: set { clear-df on|off | reset-tos on|off | lowest-ipv6-mtu N | timeout udp|tcp-est|tcp-trans|icmp|syn SECONDS | filtering endpoint-independent|address-dependent | drop-external-tcp on|off | limit sessions|ports-per-subscriber|sessions-per-mapping|sessions-per-subscriber N | subscriber-prefix LEN | max-stored-syns N | mode hooks|target | log mappings|destinations on|off | below-rfc }...");
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long n;

		/* A word alone: the timeouts may be below RFC 6146's. */
		if (!strcmp(k, "below-rfc")) {
			c->below_rfc = true;
			i--;
			continue;
		}
		if (!v)
			return fail(err, errlen, "'%s' needs a value", k);
		if (!strcmp(k, "timeout")) {
			if (i + 2 >= argc)
				return fail(err, errlen,
					    "usage: set timeout udp|tcp-est|tcp-trans|icmp|syn SECONDS");
			if (parse_timeout(v, argv[i + 2], c, err, errlen))
				return -1;
			i++;
		} else if (!strcmp(k, "limit")) {
			if (i + 2 >= argc)
				return fail(err, errlen,
					    "usage: set limit sessions|ports-per-subscriber|sessions-per-mapping|sessions-per-subscriber N");
			if (!strcmp(v, "sessions")) {
				if (parse_uint(argv[i + 2], 1, 4294967295UL, &n))
					return fail(err, errlen,
						    "invalid session limit '%s' (1 to 4294967295)",
						    argv[i + 2]);
				c->limit_sessions = (long)n;
			} else if (!strcmp(v, "ports-per-subscriber")) {
				if (parse_uint(argv[i + 2], 0, 65535, &n))
					return fail(err, errlen,
						    "invalid port limit '%s' (0 to 65535, 0: none)",
						    argv[i + 2]);
				c->limit_ports = (long)n;
			} else if (!strcmp(v, "sessions-per-mapping")) {
				if (parse_uint(argv[i + 2], 1, 65535, &n))
					return fail(err, errlen,
						    "invalid session limit '%s' (1 to 65535)",
						    argv[i + 2]);
				c->limit_sess_map = (long)n;
			} else if (!strcmp(v, "sessions-per-subscriber")) {
				if (parse_uint(argv[i + 2], 0, 4294967295UL, &n))
					return fail(err, errlen,
						    "invalid session limit '%s' (0 to 4294967295, 0: none)",
						    argv[i + 2]);
				c->limit_sess_sub = (long)n;
			} else {
				return fail(err, errlen,
					    "unknown limit '%s' (sessions, ports-per-subscriber, sessions-per-mapping, sessions-per-subscriber)",
					    v);
			}
			i++;
		} else if (!strcmp(k, "log")) {
			int *what = !strcmp(v, "mappings") ? &c->log_mappings :
				    !strcmp(v, "destinations") ?
				    &c->log_destinations : NULL;

			if (i + 2 >= argc)
				return fail(err, errlen,
					    "usage: set log mappings|destinations on|off");
			if (!what)
				return fail(err, errlen,
					    "unknown log '%s' (mappings, destinations)",
					    v);
			if (parse_onoff(argv[i + 2], what))
				return fail(err, errlen,
					    "invalid value '%s' for log %s (on or off)",
					    argv[i + 2], v);
			i++;
		} else if (!strcmp(k, "filtering")) {
			if (!strcmp(v, "endpoint-independent"))
				c->filtering = NAT64_FILTER_ENDPOINT_INDEPENDENT;
			else if (!strcmp(v, "address-dependent"))
				c->filtering = NAT64_FILTER_ADDRESS_DEPENDENT;
			else
				return fail(err, errlen,
					    "invalid filtering '%s' (endpoint-independent or address-dependent)",
					    v);
		} else if (!strcmp(k, "drop-external-tcp")) {
			if (parse_onoff(v, &c->drop_ext_tcp))
				return fail(err, errlen,
					    "invalid value '%s' for drop-external-tcp (on or off)",
					    v);
		} else if (!strcmp(k, "subscriber-prefix")) {
			if (parse_uint(v, 1, 128, &n))
				return fail(err, errlen,
					    "invalid subscriber-prefix '%s' (1 to 128)",
					    v);
			c->subscriber_plen = (long)n;
		} else if (!strcmp(k, "max-stored-syns")) {
			if (parse_uint(v, 0, 1024, &n))
				return fail(err, errlen,
					    "invalid max-stored-syns '%s' (0 to 1024)",
					    v);
			c->max_stored_syns = (long)n;
		} else if (!strcmp(k, "mode")) {
			if (!strcmp(v, "hooks"))
				c->mode = NAT64_MODE_HOOKS;
			else if (!strcmp(v, "target"))
				c->mode = NAT64_MODE_TARGET;
			else
				return fail(err, errlen,
					    "invalid mode '%s' (hooks or target)",
					    v);
		} else if (!strcmp(k, "clear-df")) {
			if (parse_onoff(v, &c->clear_df))
				return fail(err, errlen,
					    "invalid value '%s' for clear-df (on or off)",
					    v);
		} else if (!strcmp(k, "reset-tos")) {
			if (parse_onoff(v, &c->reset_tos))
				return fail(err, errlen,
					    "invalid value '%s' for reset-tos (on or off)",
					    v);
		} else if (!strcmp(k, "lowest-ipv6-mtu")) {
			if (parse_uint(v, 1280, 65535, &n))
				return fail(err, errlen,
					    "invalid value '%s' for lowest-ipv6-mtu (1280 to 65535)",
					    v);
			c->lowest_ipv6_mtu = (long)n;
		} else {
			return fail(err, errlen, "unknown setting '%s'", k);
		}
	}
	return 0;
}

/* ADDR[/LEN], LEN 0..32 (default 32), no bits set past LEN. */
int parse_deny(int argc, char **argv, struct ctl_deny *d, char *err,
	       size_t errlen)
{
	char buf[64], *slash;
	unsigned long plen = 32;
	uint32_t a, mask;

	if (argc != 1)
		return fail(err, errlen, "usage: deny add|del ADDR[/LEN]");
	if (strlen(argv[0]) >= sizeof(buf))
		return fail(err, errlen, "invalid IPv4 network '%s'", argv[0]);
	strcpy(buf, argv[0]);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		if (parse_uint(slash + 1, 0, 32, &plen))
			return fail(err, errlen,
				    "invalid prefix length '%s' (0 to 32)",
				    slash + 1);
	}
	if (inet_pton(AF_INET, buf, &d->addr) != 1)
		return fail(err, errlen, "invalid IPv4 address '%s'", buf);
	a = ntohl(d->addr.s_addr);
	mask = plen ? 0xffffffffU << (32 - plen) : 0;
	if (a & ~mask)
		return fail(err, errlen,
			    "host bits set in '%s' (bits past /%lu)", argv[0],
			    plen);
	d->plen = (unsigned int)plen;
	return 0;
}
