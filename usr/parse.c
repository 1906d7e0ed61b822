// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
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

/* NAME ADDR[/LEN] [ports LO-HI] */
int parse_pool_add(int argc, char **argv, struct ctl_pool *p, char *err,
		   size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (argc != 2 && argc != 4)
		return fail(err, errlen,
			    "usage: pool add NAME ADDR[/LEN] [ports LO-HI]");
	if (parse_name(argv[0], p->name, err, errlen) ||
	    parse_prefix4(argv[1], p, err, errlen))
		return -1;
	if (argc == 4) {
		if (strcmp(argv[2], "ports"))
			return fail(err, errlen, "unknown keyword '%s'",
				    argv[2]);
		return parse_ports(argv[3], p, err, errlen);
	}
	return 0;
}

static int parse_prefix6(const char *s, struct ctl_rule *r, char *err,
			 size_t errlen)
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
	if (inet_pton(AF_INET6, buf, &r->prefix) != 1)
		return fail(err, errlen, "invalid IPv6 address '%s'", buf);
	r->plen = (unsigned int)plen;
	return 0;
}

/* NAME prefix PREFIX/LEN pool POOL, keywords in any order */
int parse_rule_add(int argc, char **argv, struct ctl_rule *r, char *err,
		   size_t errlen)
{
	bool have_prefix = false, have_pool = false;
	int i;

	memset(r, 0, sizeof(*r));
	if (argc < 1)
		return fail(err, errlen,
			    "usage: rule add NAME prefix PREFIX/LEN pool POOL");
	if (parse_name(argv[0], r->name, err, errlen))
		return -1;
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return fail(err, errlen, "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "prefix") && !have_prefix) {
			if (parse_prefix6(argv[i + 1], r, err, errlen))
				return -1;
			have_prefix = true;
		} else if (!strcmp(argv[i], "pool") && !have_pool) {
			if (parse_name(argv[i + 1], r->pool, err, errlen))
				return -1;
			have_pool = true;
		} else {
			return fail(err, errlen, "unknown or repeated keyword '%s'",
				    argv[i]);
		}
	}
	if (!have_prefix || !have_pool)
		return fail(err, errlen, "rule add needs prefix and pool");
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
	"udp", "tcp-est", "tcp-trans", "icmp",
};

/* timeout NAME SECONDS; the kernel has the same bounds. */
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
			    "unknown timeout '%s' (udp, tcp-est, tcp-trans, icmp)",
			    name);
	if (parse_uint(v, t == CTL_TO_UDP ? 120 : 1, 604800, &n))
		return fail(err, errlen,
			    "invalid %s timeout '%s' (%d to 604800 seconds)",
			    name, v, t == CTL_TO_UDP ? 120 : 1);
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
	for (t = 0; t < CTL_TO_N; t++)
		c->timeout[t] = -1;
	if (argc < 2)
		return fail(err, errlen,
			    "usage: set { clear-df on|off | reset-tos on|off | lowest-ipv6-mtu N | timeout udp|tcp-est|tcp-trans|icmp SECONDS }...");
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long n;

		if (!v)
			return fail(err, errlen, "'%s' needs a value", k);
		if (!strcmp(k, "timeout")) {
			if (i + 2 >= argc)
				return fail(err, errlen,
					    "usage: set timeout udp|tcp-est|tcp-trans|icmp SECONDS");
			if (parse_timeout(v, argv[i + 2], c, err, errlen))
				return -1;
			i++;
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
