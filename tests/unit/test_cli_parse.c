// SPDX-License-Identifier: GPL-2.0
/* nat64ctl's argument parsers: what they accept and what they refuse. */
#include <arpa/inet.h>

#include "unit.h"
#include "parse.h"
#include "json.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define POOL(...) parse_pool_add(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &p, err, sizeof(err))
#define RULE(...) parse_rule_add(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &r, err, sizeof(err))
#define SET(...) parse_set(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &c, err, sizeof(err))

static char err[256];

static void pool_good(void)
{
	struct ctl_pool p;

	CHECK_EQ(POOL("p1", "198.51.100.0/30", "ports", "2000-2999"), 0);
	CHECK(!strcmp(p.name, "p1"));
	CHECK_EQ(p.plen, 30);
	CHECK_EQ(ntohl(p.addr.s_addr), 0xc6336400);
	CHECK(p.has_ports);
	CHECK_EQ(p.port_lo, 2000);
	CHECK_EQ(p.port_hi, 2999);
	CHECK_EQ(POOL("p2", "203.0.113.7"), 0);
	CHECK_EQ(p.plen, 32);
	CHECK(!p.has_ports);
	CHECK_EQ(POOL("p3", "10.0.0.0/16", "ports", "1-65535"), 0);
	CHECK_EQ(POOL("p4", "10.0.0.1", "ports", "7-7"), 0);
}

static void pool_bad(void)
{
	struct ctl_pool p;

	CHECK_EQ(POOL("p1", "300.1.1.1"), -1);
	CHECK(strstr(err, "'300.1.1.1'"));
	CHECK_EQ(POOL("p1", "10.0.0.0/33"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.0/15"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.0/"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.0/3x"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports", "5-2"), -1);
	CHECK(strstr(err, "empty"));
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports", "0-2"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports", "1-65536"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports", "12"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports", "-1-2"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "portz", "1-2"), -1);
	CHECK_EQ(POOL("p1", "10.0.0.1", "ports"), -1);
	CHECK_EQ(POOL("p1"), -1);
	CHECK_EQ(POOL("", "10.0.0.1"), -1);
	CHECK_EQ(POOL("sixteen-chars-xx", "10.0.0.1"), -1);
	CHECK_EQ(POOL("has space", "10.0.0.1"), -1);
	CHECK_EQ(POOL("p1", "::1"), -1);
}

/* alloc deterministic from PREFIX6/LEN: both or neither. */
static void pool_det(void)
{
	struct ctl_pool p;
	struct in6_addr want;

	CHECK_EQ(POOL("d", "198.51.100.0/30", "ports", "1024-65535", "alloc",
		      "deterministic", "from", "2001:db8:1::/48"), 0);
	CHECK_EQ(p.alloc, NAT64_ALLOC_DETERMINISTIC);
	CHECK(p.has_from);
	CHECK_EQ(p.from_plen, 48);
	inet_pton(AF_INET6, "2001:db8:1::", &want);
	CHECK_MEM(&p.from, &want, 16);
	/* In any order. */
	CHECK_EQ(POOL("d", "198.51.100.0/30", "from", "2001:db8:1::/48",
		      "alloc", "deterministic"), 0);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "deterministic"), -1);
	CHECK(strstr(err, "from PREFIX6/LEN"));
	CHECK_EQ(POOL("d", "198.51.100.0/30", "from", "2001:db8:1::/48"), -1);
	CHECK(strstr(err, "deterministic only"));
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "sequential", "from",
		      "2001:db8:1::/48"), -1);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "deterministic",
		      "from", "2001:db8:1::"), -1);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "deterministic",
		      "from", "2001:db8:1::/129"), -1);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "deterministic",
		      "from", "2001:db8:1::/48", "from", "2001:db8:2::/48"), -1);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "determ"), -1);
}

/* alloc block SIZE [max-blocks N] [block-timeout S] [interim S], quiet. */
static void pool_blk(void)
{
	struct ctl_pool p;

	CHECK_EQ(POOL("b", "198.51.100.0/30", "ports", "1000-1095", "alloc",
		      "block", "48", "max-blocks", "2", "block-timeout", "300",
		      "interim", "600", "quiet"), 0);
	CHECK_EQ(p.alloc, NAT64_ALLOC_BLOCK);
	CHECK_EQ(p.blk_size, 48);
	CHECK_EQ(p.blk_max, 2);
	CHECK_EQ(p.blk_timeout, 300);
	CHECK_EQ(p.blk_interim, 600);
	CHECK(p.quiet);
	CHECK(p.has_ports && p.port_lo == 1000 && p.port_hi == 1095);
	/* Defaults: not given, the kernel's. */
	CHECK_EQ(POOL("b", "198.51.100.0/30", "quiet", "alloc", "block",
		      "512"), 0);
	CHECK(p.quiet && p.blk_size == 512 && !p.blk_max);
	CHECK(p.blk_timeout == -1 && p.blk_interim == -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block"), -1);
	CHECK(strstr(err, "block size"));
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "0"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "65536"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "x"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "64",
		      "max-blocks", "0"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "64",
		      "max-blocks", "1025"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "alloc", "block", "64",
		      "interim"), -1);
	CHECK_EQ(POOL("b", "198.51.100.0/30", "max-blocks", "2"), -1);
	CHECK(strstr(err, "alloc block only"));
	CHECK_EQ(POOL("b", "198.51.100.0/30", "quiet"), -1);
	CHECK(strstr(err, "block or deterministic"));
	CHECK_EQ(POOL("b", "198.51.100.0/30", "quiet", "quiet", "alloc",
		      "block", "64"), -1);
	CHECK_EQ(POOL("d", "198.51.100.0/30", "alloc", "deterministic",
		      "from", "2001:db8:1::/48", "quiet"), 0);
	CHECK(p.quiet);
	/* peer: another translator's share, random or sequential only */
	CHECK_EQ(POOL("s", "198.51.100.1/32", "ports", "32768-65535", "peer"),
		 0);
	CHECK(p.peer && p.port_lo == 32768);
	CHECK_EQ(POOL("s", "198.51.100.1/32", "peer", "alloc", "block", "64"),
		 -1);
	CHECK(strstr(err, "random or sequential"));
	CHECK_EQ(POOL("s", "198.51.100.1/32", "peer", "peer"), -1);
}

static void rule_parse(void)
{
	struct ctl_rule r;
	u_int8_t wkp[16] = { 0, 0x64, 0xff, 0x9b };

	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::/96", "pool", "p1"), 0);
	CHECK_MEM(&r.prefix, wkp, 16);
	CHECK_EQ(r.plen, 96);
	CHECK(!strcmp(r.pool, "p1"));
	CHECK_EQ(RULE("r1", "pool", "p1", "prefix", "2001:db8::/32"), 0);
	CHECK_EQ(r.plen, 32);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::/96"), -1);
	CHECK_EQ(RULE("r1", "pool", "p1"), -1);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::", "pool", "p1"), -1);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9g::/96", "pool", "p1"), -1);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::/129", "pool", "p1"), -1);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::/96", "pool"), -1);
	CHECK_EQ(RULE("r1", "prefix", "64:ff9b::/96", "prefix", "::/96"), -1);
	CHECK_EQ(RULE("r1", "via", "x", "pool", "p1"), -1);
}

static void set_parse(void)
{
	struct ctl_config c;

	CHECK_EQ(SET("clear-df", "on"), 0);
	CHECK_EQ(c.clear_df, 1);
	CHECK_EQ(c.reset_tos, -1);
	CHECK_EQ(c.lowest_ipv6_mtu, -1);
	CHECK_EQ(SET("clear-df", "off", "lowest-ipv6-mtu", "1400",
		     "reset-tos", "on"), 0);
	CHECK_EQ(c.clear_df, 0);
	CHECK_EQ(c.lowest_ipv6_mtu, 1400);
	CHECK_EQ(c.reset_tos, 1);
	CHECK_EQ(SET("lowest-ipv6-mtu", "1279"), -1);
	CHECK_EQ(SET("lowest-ipv6-mtu", "65536"), -1);
	CHECK_EQ(SET("lowest-ipv6-mtu", "1e3"), -1);
	CHECK_EQ(SET("clear-df", "maybe"), -1);
	CHECK_EQ(SET("clear-df"), -1);
	CHECK_EQ(SET("frob", "on"), -1);
	CHECK_EQ(SET("timeout", "udp", "300", "timeout", "icmp", "2",
		     "clear-df", "on"), 0);
	CHECK_EQ(c.timeout[CTL_TO_UDP], 300);
	CHECK_EQ(c.timeout[CTL_TO_ICMP], 2);
	CHECK_EQ(c.timeout[CTL_TO_TCP_EST], -1);
	CHECK_EQ(c.clear_df, 1);
	/* Below RFC 6146's minimum: the kernel refuses it without below-rfc. */
	CHECK_EQ(SET("timeout", "udp", "119"), 0);
	CHECK_EQ(c.timeout[CTL_TO_UDP], 119);
	CHECK(!c.below_rfc);
	CHECK_EQ(SET("timeout", "udp", "0"), -1);
	CHECK_EQ(SET("timeout", "tcp-est", "0"), -1);
	CHECK_EQ(SET("timeout", "tcp-trans", "604801"), -1);
	CHECK_EQ(SET("timeout", "sctp", "10"), -1);
	CHECK_EQ(SET("timeout", "icmp"), -1);
	CHECK_EQ(c.mode, -1);
	CHECK_EQ(SET("mode", "target"), 0);
	CHECK_EQ(c.mode, NAT64_MODE_TARGET);
	CHECK_EQ(c.clear_df, -1);
	CHECK_EQ(SET("clear-df", "on", "mode", "hooks"), 0);
	CHECK_EQ(c.mode, NAT64_MODE_HOOKS);
	CHECK_EQ(c.clear_df, 1);
	CHECK_EQ(SET("mode", "bogus"), -1);
	CHECK(strstr(err, "invalid mode 'bogus' (hooks or target)"));
	CHECK_EQ(SET("mode", "Target"), -1);
	CHECK_EQ(SET("mode", ""), -1);
	CHECK_EQ(SET("mode"), -1);
	CHECK(strstr(err, "usage: set"));
	CHECK_EQ(SET("clear-df", "on", "mode"), -1);
	CHECK(strstr(err, "'mode' needs a value"));
}

static void prefixes(void)
{
	static const char *const w[] = { "show", "session", "set", "stats",
					 NULL };
	static const char *const w2[] = { "add", "address", NULL };
	char err[128];

	CHECK(!strcmp(ctl_match("show", w, err, sizeof(err)), "show"));
	CHECK(!strcmp(ctl_match("ses", w, err, sizeof(err)), "session"));
	CHECK(!strcmp(ctl_match("session", w, err, sizeof(err)), "session"));
	CHECK(!strcmp(ctl_match("st", w, err, sizeof(err)), "stats"));
	CHECK(!ctl_match("s", w, err, sizeof(err)));
	CHECK(strstr(err, "ambiguous") && strstr(err, "stats"));
	CHECK(!strcmp(ctl_match("sessi", w, err, sizeof(err)), "session"));
	/* A whole word wins over a longer one it begins. */
	CHECK(!strcmp(ctl_match("add", w2, err, sizeof(err)), "add"));
	CHECK(!ctl_match("ad", w2, err, sizeof(err)));
	CHECK(!ctl_match("x", w, err, sizeof(err)));
	CHECK(strstr(err, "unknown"));
	CHECK(!ctl_match("", w, err, sizeof(err)));
}

static void bibs(void)
{
	char *good[] = { "tcp", "[2001:db8::1]:80", "198.51.100.1:8080" };
	char *icmp[] = { "icmp", "[::1]:0", "198.51.100.1:0" };
	char *bad1[] = { "udp", "2001:db8::1:80", "198.51.100.1:80" };
	char *bad2[] = { "udp", "[2001:db8::1]:80", "198.51.100.1:65536" };
	char *bad3[] = { "sctp", "[::1]:1", "1.2.3.4:1" };
	char *bad4[] = { "udp", "[::1]:0", "1.2.3.4:1" };
	struct ctl_bib b;
	char err[128];

	CHECK_EQ(parse_bib(3, good, &b, err, sizeof(err)), 0);
	CHECK_EQ(b.ipproto, IPPROTO_TCP);
	CHECK_EQ(b.port6, 80);
	CHECK_EQ(b.port4, 8080);
	CHECK_EQ(parse_bib(3, icmp, &b, err, sizeof(err)), 0);
	CHECK(parse_bib(3, bad1, &b, err, sizeof(err)) < 0);
	CHECK(parse_bib(3, bad2, &b, err, sizeof(err)) < 0);
	CHECK(parse_bib(3, bad3, &b, err, sizeof(err)) < 0);
	CHECK(parse_bib(3, bad4, &b, err, sizeof(err)) < 0);
	CHECK(parse_bib(2, good, &b, err, sizeof(err)) < 0);
}

static void split(void)
{
	char l1[] = "  pool add p1\t198.51.100.0/24  # the pool\n";
	char l2[] = "# only a comment\n";
	char l3[] = "a b c d";
	char *argv[4];

	CHECK_EQ(ctl_split(l1, argv, 4), 4);
	CHECK(!strcmp(argv[0], "pool") && !strcmp(argv[2], "p1") &&
	      !strcmp(argv[3], "198.51.100.0/24"));
	CHECK_EQ(ctl_split(l2, argv, 4), 0);
	CHECK_EQ(ctl_split(l3, argv, 3), -1);
}

/* json_pretty() of @in, as a string. */
static char *pretty(const char *in)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	json_pretty(f, in);
	fclose(f);
	return buf;
}

static void pretty_json(void)
{
	CHECK(!strcmp(pretty("{\"a\":1,\"b\":[2,3]}"),
		      "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ]\n}"));
	/* Punctuation inside strings is left alone, escapes too. */
	CHECK(!strcmp(pretty("[{\"s\":\"x,{:\\\"]\"}]"),
		      "[\n  {\n    \"s\": \"x,{:\\\"]\"\n  }\n]"));
	CHECK(!strcmp(pretty("[ ]"), "[]"));
	CHECK(!strcmp(pretty("{\"e\":{}}"), "{\n  \"e\": {}\n}"));
	/* JSON lines stay one value a line. */
	CHECK(!strcmp(pretty("{}\n{}\n"), "{}\n{}\n"));
}

/* set log mappings|destinations on|off */
static void set_log(void)
{
	struct ctl_config c;

	CHECK_EQ(SET("clear-df", "on"), 0);
	CHECK_EQ(c.log_mappings, -1);
	CHECK_EQ(c.log_destinations, -1);
	CHECK_EQ(SET("log", "mappings", "on"), 0);
	CHECK_EQ(c.log_mappings, 1);
	CHECK_EQ(c.log_destinations, -1);
	CHECK_EQ(SET("log", "destinations", "on", "log", "mappings", "off",
		     "clear-df", "off"), 0);
	CHECK_EQ(c.log_mappings, 0);
	CHECK_EQ(c.log_destinations, 1);
	CHECK_EQ(c.clear_df, 0);
	CHECK_EQ(SET("log", "destinations", "no"), 0);
	CHECK_EQ(c.log_destinations, 0);
	CHECK_EQ(SET("log", "mappings"), -1);
	CHECK(strstr(err, "usage: set log"));
	CHECK_EQ(SET("log", "sessions", "on"), -1);
	CHECK(strstr(err, "unknown log 'sessions'"));
	CHECK_EQ(SET("log", "mappings", "maybe"), -1);
	CHECK(strstr(err, "'maybe'"));
	CHECK_EQ(SET("log"), -1);
	CHECK_EQ(SET("log", "on"), -1);
}

/* below-rfc: a word alone, anywhere among the settings. */
static void set_below_rfc(void)
{
	struct ctl_config c;

	CHECK_EQ(SET("timeout", "icmp", "1", "below-rfc"), 0);
	CHECK(c.below_rfc);
	CHECK_EQ(c.timeout[CTL_TO_ICMP], 1);
	CHECK_EQ(SET("below-rfc", "timeout", "tcp-est", "5", "clear-df", "on"),
		 0);
	CHECK(c.below_rfc);
	CHECK_EQ(c.timeout[CTL_TO_TCP_EST], 5);
	CHECK_EQ(c.clear_df, 1);
	CHECK_EQ(SET("timeout", "syn", "2", "below-rfc", "timeout", "udp",
		     "5"), 0);
	CHECK(c.below_rfc);
	CHECK_EQ(c.timeout[CTL_TO_SYN], 2);
	CHECK_EQ(c.timeout[CTL_TO_UDP], 5);
	CHECK_EQ(SET("timeout", "udp", "300"), 0);
	CHECK(!c.below_rfc);
	CHECK_EQ(SET("below-rfc"), 0);		/* nothing else: allowed */
	CHECK(c.below_rfc);
	CHECK_EQ(SET("timeout", "icmp", "below-rfc"), -1);
	CHECK_EQ(SET("below-rfc", "clear-df"), -1);
	CHECK(strstr(err, "'clear-df' needs a value"));
	CHECK_EQ(SET("below_rfc", "timeout", "icmp", "1"), -1);
	CHECK_EQ(ctl_timeout_min(CTL_TO_UDP), 120);
	CHECK_EQ(ctl_timeout_min(CTL_TO_TCP_EST), 7440);
	CHECK_EQ(ctl_timeout_min(CTL_TO_TCP_TRANS), 240);
	CHECK_EQ(ctl_timeout_min(CTL_TO_ICMP), 60);
	CHECK_EQ(ctl_timeout_min(CTL_TO_SYN), 6);
}

#define DENY(...) parse_deny(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &d, err, sizeof(err))

/* deny add|del ADDR[/LEN] */
static void deny_parse(void)
{
	struct ctl_deny d;

	CHECK_EQ(DENY("10.0.0.0/8"), 0);
	CHECK_EQ(ntohl(d.addr.s_addr), 0x0a000000);
	CHECK_EQ(d.plen, 8);
	CHECK_EQ(DENY("192.0.2.7"), 0);
	CHECK_EQ(ntohl(d.addr.s_addr), 0xc0000207);
	CHECK_EQ(d.plen, 32);
	CHECK_EQ(DENY("0.0.0.0/0"), 0);
	CHECK_EQ(d.plen, 0);
	CHECK_EQ(DENY("100.64.0.0/10"), 0);
	CHECK_EQ(d.plen, 10);
	CHECK_EQ(DENY("10.0.0.1/8"), -1);
	CHECK(strstr(err, "host bits"));
	CHECK_EQ(DENY("1.0.0.0/0"), -1);
	CHECK_EQ(DENY("10.0.0.0/33"), -1);
	CHECK(strstr(err, "prefix length"));
	CHECK_EQ(DENY("10.0.0.0/"), -1);
	CHECK_EQ(DENY("10.0.0.0/-1"), -1);
	CHECK_EQ(DENY("300.0.0.0/8"), -1);
	CHECK(strstr(err, "invalid IPv4 address"));
	CHECK_EQ(DENY("2001:db8::/32"), -1);
	CHECK_EQ(DENY("10.0.0.0/8", "extra"), -1);
	CHECK(strstr(err, "usage: deny"));
	CHECK_EQ(parse_deny(0, NULL, &d, err, sizeof(err)), -1);
}

UNIT_MAIN(T(pool_good), T(pool_bad), T(pool_det), T(pool_blk), T(rule_parse), T(set_parse),
	  T(prefixes), T(bibs), T(split), T(pretty_json), T(set_log),
	  T(set_below_rfc), T(deny_parse))
