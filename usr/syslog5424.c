// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5424 syslog messages of NAT64 events. The MSGIDs, SD-IDs and
 * SD-PARAM names of sessions (SADD/SDEL, [nsess ...]) and BIB entries
 * (APMADD/APMDEL, [napmap ...]) are those of
 * draft-ietf-behave-syslog-nat-logging as VPP's nat_syslog.c uses them.
 * The draft's names for the other events could not be checked here, so
 * those below (PBADD/PBDEL, ADDREXH, PORTEXH, QUOTAEX, THRESH and their
 * SD-IDs) are ours, made in the same style.
 *
 * The kernel's event number goes in [meta sequenceId="N"] (RFC 5424
 * §7.3.1), which allows 1..2147483647 only: N is the event number while
 * it is in that range, then wraps to 1 as §7.3.1 says; event number 0
 * has no meta element.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export.h"

#define SEVERITY_INFO	6
#define SEQ_MAX		2147483647ULL

/* A bounded writer: once something did not fit, everything fails. */
struct out {
	char *buf;
	size_t len, off;
	int over;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->off)
		o->over = 1;
	else
		o->off += n;
}

static void param_ip6(struct out *o, const char *name, const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	put(o, " %s=\"%s\"", name, s);
}

static void param_ip4(struct out *o, const char *name, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, s, sizeof(s));
	put(o, " %s=\"%s\"", name, s);
}

static void param_u(struct out *o, const char *name, unsigned long v)
{
	put(o, " %s=\"%lu\"", name, v);
}

/* The pool name, with '"', '\' and ']' escaped as RFC 5424 §6.3.3 wants. */
static void param_pool(struct out *o, const struct nx_rec *r)
{
	size_t i, n = strnlen(r->pool, sizeof(r->pool));

	put(o, " POOL=\"");
	for (i = 0; i < n; i++) {
		char c = r->pool[i];

		put(o, "%s%c", c == '"' || c == '\\' || c == ']' ? "\\" : "", c);
	}
	put(o, "\"");
}

static void sd_session(struct out *o, const struct nx_rec *r)
{
	put(o, "[nsess IATYP=\"IPv6\"");
	param_ip6(o, "ISADDR", &r->src6);
	param_u(o, "ISPORT", r->sport6);
	param_ip6(o, "IDADDR", &r->dst6);
	param_u(o, "IDPORT", r->dport);
	put(o, " XATYP=\"IPv4\"");
	param_ip4(o, "XSADDR", r->src4);
	param_u(o, "XSPORT", r->sport4);
	param_ip4(o, "XDADDR", r->dst4);
	param_u(o, "XDPORT", r->dport);
	param_u(o, "PROTO", r->proto);
	put(o, "]");
}

static void sd_bib(struct out *o, const struct nx_rec *r)
{
	put(o, "[napmap IATYP=\"IPv6\"");
	param_ip6(o, "ISADDR", &r->src6);
	param_u(o, "ISPORT", r->sport6);
	put(o, " XATYP=\"IPv4\"");
	param_ip4(o, "XSADDR", r->src4);
	param_u(o, "XSPORT", r->sport4);
	param_u(o, "PROTO", r->proto);
	put(o, "]");
}

static void sd_block(struct out *o, const struct nx_rec *r)
{
	put(o, "[npblock IATYP=\"IPv6\"");
	param_ip6(o, "ISADDR", &r->src6);
	param_u(o, "ISPLEN", r->plen);
	put(o, " XATYP=\"IPv4\"");
	param_ip4(o, "XSADDR", r->src4);
	param_u(o, "XSPORTLO", r->port_lo);
	param_u(o, "XSPORTHI", r->port_hi);
	param_u(o, "XSPSTEP", r->step);
	param_u(o, "XSPNUM", r->nports);
	put(o, "]");
}

static void sd_exhausted(struct out *o, const struct nx_rec *r)
{
	put(o, "[nres");
	param_pool(o, r);
	if (r->event == NX_PORTS_EXHAUSTED) {
		put(o, " XATYP=\"IPv4\"");
		param_ip4(o, "XSADDR", r->src4);
	}
	put(o, "]");
}

static void sd_quota(struct out *o, const struct nx_rec *r)
{
	put(o, "[nquota");
	param_u(o, "QTYPE", r->quota_event);
	param_u(o, "LIMIT", r->limit);
	/* Only the per-user quota names a subscriber, as in RFC 8158. */
	if (r->quota_event == NX_QUOTA_PER_USER) {
		put(o, " IATYP=\"IPv6\"");
		param_ip6(o, "ISADDR", &r->src6);
	}
	put(o, "]");
}

static void sd_threshold(struct out *o, const struct nx_rec *r)
{
	put(o, "[nthresh");
	param_u(o, "TTYPE", r->threshold_event);
	param_u(o, "LIMIT", r->limit);
	param_pool(o, r);
	put(o, "]");
}

struct kind {
	uint8_t event;
	const char *msgid;
	void (*sd)(struct out *o, const struct nx_rec *r);
};

static const struct kind kinds[] = {
	{ NX_SESSION_CREATE, "SADD", sd_session },
	{ NX_SESSION_DELETE, "SDEL", sd_session },
	{ NX_BIB_CREATE, "APMADD", sd_bib },
	{ NX_BIB_DELETE, "APMDEL", sd_bib },
	{ NX_BLOCK_ALLOC, "PBADD", sd_block },
	{ NX_BLOCK_RELEASE, "PBDEL", sd_block },
	{ NX_ADDRESSES_EXHAUSTED, "ADDREXH", sd_exhausted },
	{ NX_PORTS_EXHAUSTED, "PORTEXH", sd_exhausted },
	{ NX_QUOTA_EXCEEDED, "QUOTAEX", sd_quota },
	{ NX_THRESHOLD, "THRESH", sd_threshold },
};

static const struct kind *kind_of(uint8_t event)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].event == event)
			return &kinds[i];
	return NULL;
}

/* TIMESTAMP of RFC 5424 §6.2.3: RFC 3339 in UTC, milliseconds. */
static void put_time(struct out *o, uint64_t ms)
{
	time_t t = ms / 1000;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		put(o, "-");
		return;
	}
	put(o, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (unsigned int)(ms % 1000));
}

static const char *nil(const char *s)
{
	return s && *s ? s : "-";
}

int nx_syslog(char *buf, size_t len, const struct nx_rec *r, int facility,
	      const char *hostname, const char *appname, unsigned int procid)
{
	const struct kind *k = kind_of(r->event);
	struct out o = { buf, len, 0, 0 };

	if (!k || !len)
		return -1;
	put(&o, "<%d>1 ", facility * 8 + SEVERITY_INFO);
	put_time(&o, r->time_ms);
	put(&o, " %s %s ", nil(hostname), nil(appname));
	if (procid)
		put(&o, "%u", procid);
	else
		put(&o, "-");
	put(&o, " %s ", k->msgid);
	k->sd(&o, r);
	if (r->seq)
		put(&o, "[meta sequenceId=\"%llu\"]",
		    (unsigned long long)((r->seq - 1) % SEQ_MAX + 1));
	if (o.over)
		return -1;
	return o.off;
}

int nx_syslog_tcp(char *buf, size_t len, const struct nx_rec *r, int facility,
		  const char *hostname, const char *appname, unsigned int procid)
{
	char pre[24];
	int n, k;

	/* Built in place first, then moved up behind its length. */
	n = nx_syslog(buf, len, r, facility, hostname, appname, procid);
	if (n < 0)
		return -1;
	k = snprintf(pre, sizeof(pre), "%d ", n);
	if ((size_t)k + n + 1 > len)
		return -1;
	memmove(buf + k, buf, n + 1);
	memcpy(buf, pre, k);
	return k + n;
}
