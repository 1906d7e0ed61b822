// SPDX-License-Identifier: GPL-2.0
/*
 * IPFIX (RFC 7011) messages of NAT64 events, with the templates of
 * RFC 8158 §4. Written from the RFCs: libfixbuf is LGPL-3.0, which does
 * not combine with this GPL-2.0-only project, so it is not used.
 *
 * Collector check (nfdump 1.7.1, see tests/selftests/ipfix_check.py):
 * it keeps natEvent, observationTimeMilliseconds (as "Event time", so no
 * second time IE is needed), both IPv6 addresses, sourceIPv6PrefixLength
 * (as "src mask"), protocol, ports and the postNAT/postNAPT fields; its
 * IPFIX decoder drops portRange* (361-364, block fields read 0), natPoolName
 * and IEs 466-481. Best view: nfdump -r FILE -o raw, or -o 'fmt:%tevt %nevt
 * %pr %sa %sp %nsa %nsp %da %nda %dp'.
 */
#include <string.h>

#include "export.h"

/* Information Elements (IANA "IPFIX Information Elements" registry). */
enum {
	IE_PROTO = 4,		/* protocolIdentifier, unsigned8 */
	IE_SPORT = 7,		/* sourceTransportPort, unsigned16 */
	IE_DPORT = 11,		/* destinationTransportPort, unsigned16 */
	IE_SRC6 = 27,		/* sourceIPv6Address */
	IE_DST6 = 28,		/* destinationIPv6Address */
	IE_SRC6_PLEN = 29,	/* sourceIPv6PrefixLength, unsigned8 */
	IE_XSRC4 = 225,		/* postNATSourceIPv4Address */
	IE_XDST4 = 226,		/* postNATDestinationIPv4Address */
	IE_XSPORT = 227,	/* postNAPTSourceTransportPort, unsigned16 */
	IE_XDPORT = 228,	/* postNAPTDestinationTransportPort, unsigned16 */
	IE_NAT_EVENT = 230,	/* natEvent, unsigned8 */
	IE_POOL_NAME = 284,	/* natPoolName, string */
	IE_TIME_MS = 323,	/* observationTimeMilliseconds, dateTimeMilliseconds */
	IE_PORT_START = 361,	/* portRangeStart, unsigned16 */
	IE_PORT_END = 362,	/* portRangeEnd, unsigned16 */
	IE_PORT_STEP = 363,	/* portRangeStepSize, unsigned16 */
	IE_PORT_NUM = 364,	/* portRangeNumPorts, unsigned16 */
	IE_QUOTA_EVENT = 466,	/* natQuotaExceededEvent, unsigned32 */
	IE_THR_EVENT = 467,	/* natThresholdEvent, unsigned32 */
	IE_MAX_SESSIONS = 471,	/* maxSessionEntries, unsigned32 */
	IE_MAX_BIBS = 472,	/* maxBIBEntries, unsigned32 */
	IE_MAX_PER_USER = 473,	/* maxEntriesPerUser, unsigned32 */
	IE_POOL_HIGH = 476,	/* addressPoolHighThreshold, unsigned32 */
	IE_POOL_LOW = 477,	/* addressPoolLowThreshold, unsigned32 */
	IE_GLOBAL_HIGH = 481,	/* globalAddressMappingHighThreshold, unsigned32 */
};

#define POOL_LEN	16	/* natPoolName sent fixed-length, NUL-padded */

struct ie {
	uint16_t id, len;
};

struct tpl {
	uint16_t id;
	uint8_t nie;
	const struct ie *ie;
};

#define HEAD	{ IE_TIME_MS, 8 }, { IE_NAT_EVENT, 1 }

static const struct ie t_session[] = {
	HEAD, { IE_SRC6, 16 }, { IE_XSRC4, 4 }, { IE_PROTO, 1 },
	{ IE_SPORT, 2 }, { IE_XSPORT, 2 }, { IE_DST6, 16 }, { IE_XDST4, 4 },
	{ IE_DPORT, 2 }, { IE_XDPORT, 2 },
};
static const struct ie t_bib[] = {
	HEAD, { IE_SRC6, 16 }, { IE_XSRC4, 4 }, { IE_PROTO, 1 },
	{ IE_SPORT, 2 }, { IE_XSPORT, 2 },
};
static const struct ie t_block[] = {
	HEAD, { IE_SRC6, 16 }, { IE_SRC6_PLEN, 1 }, { IE_XSRC4, 4 },
	{ IE_PORT_START, 2 }, { IE_PORT_END, 2 }, { IE_PORT_STEP, 2 },
	{ IE_PORT_NUM, 2 },
};
static const struct ie t_addr_exh[] = {
	HEAD, { IE_POOL_NAME, POOL_LEN },
};
static const struct ie t_port_exh[] = {
	HEAD, { IE_XSRC4, 4 }, { IE_POOL_NAME, POOL_LEN },
};
/*
 * Quota exceeded: RFC 8158 gives the subscriber's address only with the
 * per-user quota; the global session and BIB limits have none.
 */
static const struct ie t_quota_sessions[] = {
	HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_SESSIONS, 4 },
};
static const struct ie t_quota_bibs[] = {
	HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_BIBS, 4 },
};
static const struct ie t_quota_user[] = {
	HEAD, { IE_QUOTA_EVENT, 4 }, { IE_MAX_PER_USER, 4 }, { IE_SRC6, 16 },
};
/*
 * Threshold reached. RFC 8158 names the pool by natPoolId (283); we have
 * a name, not a number, so natPoolName (284) stands in for it.
 */
static const struct ie t_thr_pool_high[] = {
	HEAD, { IE_THR_EVENT, 4 }, { IE_POOL_NAME, POOL_LEN },
	{ IE_POOL_HIGH, 4 },
};
static const struct ie t_thr_pool_low[] = {
	HEAD, { IE_THR_EVENT, 4 }, { IE_POOL_NAME, POOL_LEN },
	{ IE_POOL_LOW, 4 },
};
static const struct ie t_thr_global[] = {
	HEAD, { IE_THR_EVENT, 4 }, { IE_GLOBAL_HIGH, 4 },
};

#define TPL(n, t)	{ IPFIX_TPL_FIRST + (n), sizeof(t) / sizeof((t)[0]), t }

/* Template IDs are fixed: a collector may keep them across restarts. */
static const struct tpl tpls[] = {
	TPL(0, t_session),		/* 256 */
	TPL(1, t_bib),			/* 257 */
	TPL(2, t_block),		/* 258 */
	TPL(3, t_addr_exh),		/* 259 */
	TPL(4, t_port_exh),		/* 260 */
	TPL(5, t_quota_sessions),	/* 261 */
	TPL(6, t_quota_bibs),		/* 262 */
	TPL(7, t_quota_user),		/* 263 */
	TPL(8, t_thr_pool_high),	/* 264 */
	TPL(9, t_thr_pool_low),		/* 265 */
	TPL(10, t_thr_global),		/* 266 */
};

#define NTPL	(sizeof(tpls) / sizeof(tpls[0]))
#define HDR_LEN	16	/* message header, RFC 7011 §3.1 */
#define SET_LEN	4	/* set header, §3.3.2 */

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, v >> 16);
	return put16(p, v);
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
	p = put32(p, v >> 32);
	return put32(p, v);
}

/* The template for @r, or NULL when it has none. */
static const struct tpl *tpl_of(const struct nx_rec *r)
{
	switch (r->event) {
	case NX_SESSION_CREATE:
	case NX_SESSION_DELETE:
		return &tpls[0];
	case NX_BIB_CREATE:
	case NX_BIB_DELETE:
		return &tpls[1];
	case NX_BLOCK_ALLOC:
	case NX_BLOCK_RELEASE:
		return &tpls[2];
	case NX_ADDRESSES_EXHAUSTED:
		return &tpls[3];
	case NX_PORTS_EXHAUSTED:
		return &tpls[4];
	case NX_QUOTA_EXCEEDED:
		if (r->quota_event >= NX_QUOTA_SESSIONS &&
		    r->quota_event <= NX_QUOTA_PER_USER)
			return &tpls[5 + r->quota_event - NX_QUOTA_SESSIONS];
		return NULL;
	case NX_THRESHOLD:
		if (r->threshold_event == NX_THR_POOL_HIGH)
			return &tpls[8];
		if (r->threshold_event == NX_THR_POOL_LOW)
			return &tpls[9];
		if (r->threshold_event == NX_THR_GLOBAL_HIGH)
			return &tpls[10];
		return NULL;
	}
	return NULL;
}

static size_t rec_len(const struct tpl *t)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < t->nie; i++)
		n += t->ie[i].len;
	return n;
}

/* One field of @r as @ie says; returns the byte after it. */
static uint8_t *put_ie(uint8_t *p, const struct ie *ie, const struct nx_rec *r)
{
	switch (ie->id) {
	case IE_TIME_MS:	return put64(p, r->time_ms);
	case IE_NAT_EVENT:	*p = r->event; return p + 1;
	case IE_PROTO:		*p = r->proto; return p + 1;
	case IE_SRC6_PLEN:	*p = r->plen; return p + 1;
	case IE_SPORT:		return put16(p, r->sport6);
	case IE_XSPORT:		return put16(p, r->sport4);
	case IE_DPORT:
	case IE_XDPORT:		return put16(p, r->dport);
	case IE_PORT_START:	return put16(p, r->port_lo);
	case IE_PORT_END:	return put16(p, r->port_hi);
	case IE_PORT_STEP:	return put16(p, r->step);
	case IE_PORT_NUM:	return put16(p, r->nports);
	case IE_QUOTA_EVENT:	return put32(p, r->quota_event);
	case IE_THR_EVENT:	return put32(p, r->threshold_event);
	case IE_SRC6:
		memcpy(p, &r->src6, 16);
		return p + 16;
	case IE_DST6:
		memcpy(p, &r->dst6, 16);
		return p + 16;
	case IE_XSRC4:
		memcpy(p, &r->src4, 4);
		return p + 4;
	case IE_XDST4:
		memcpy(p, &r->dst4, 4);
		return p + 4;
	case IE_POOL_NAME:
		/* RFC 7011 §6.1.6: padding a fixed-length string with NULs. */
		memset(p, 0, POOL_LEN);
		memcpy(p, r->pool, strnlen(r->pool, sizeof(r->pool)));
		return p + POOL_LEN;
	}
	/* Every limit IE: the one the template chose carries r->limit. */
	return put32(p, r->limit);
}

static void put_header(uint8_t *p, size_t len, uint32_t export_time,
		       uint32_t seq, uint32_t domain)
{
	p = put16(p, 10);
	p = put16(p, len);
	p = put32(p, export_time);
	p = put32(p, seq);
	put32(p, domain);
}

void ipfix_init(struct ipfix_exp *x, uint32_t domain, size_t mtu)
{
	x->domain = domain;
	x->seq = 0;
	if (mtu < IPFIX_MTU_MIN)
		mtu = IPFIX_MTU_MIN;
	if (mtu > IPFIX_MSG_MAX)
		mtu = IPFIX_MSG_MAX;
	x->mtu = mtu;
	x->len = 0;
	x->set_off = 0;
	x->set_id = 0;
	x->nrec = 0;
}

size_t ipfix_templates(struct ipfix_exp *x, uint32_t export_time,
		       uint8_t *out, size_t outlen)
{
	size_t len = HDR_LEN + SET_LEN;
	unsigned int i, j;
	uint8_t *p;

	for (i = 0; i < NTPL; i++)
		len += 4 + 4 * tpls[i].nie;
	if (len > outlen)
		return 0;
	put_header(out, len, export_time, x->seq, x->domain);
	p = put16(out + HDR_LEN, 2);
	p = put16(p, len - HDR_LEN);
	for (i = 0; i < NTPL; i++) {
		p = put16(p, tpls[i].id);
		p = put16(p, tpls[i].nie);
		for (j = 0; j < tpls[i].nie; j++) {
			p = put16(p, tpls[i].ie[j].id);
			p = put16(p, tpls[i].ie[j].len);
		}
	}
	return len;
}

int ipfix_add(struct ipfix_exp *x, const struct nx_rec *r)
{
	const struct tpl *t = tpl_of(r);
	size_t need, set_len;
	unsigned int i;
	uint8_t *p;

	if (!t)
		return -1;
	if (!x->len)
		x->len = HDR_LEN;
	need = rec_len(t) + (x->set_id == t->id ? 0 : SET_LEN);
	if (x->len + need > x->mtu)
		return 1;
	/* Consecutive records of one template share a set; a change opens one. */
	if (x->set_id != t->id) {
		x->set_off = x->len;
		x->set_id = t->id;
		put16(x->buf + x->len, t->id);
		x->len += SET_LEN;
	}
	p = x->buf + x->len;
	for (i = 0; i < t->nie; i++)
		p = put_ie(p, &t->ie[i], r);
	x->len = p - x->buf;
	set_len = x->len - x->set_off;
	put16(x->buf + x->set_off + 2, set_len);
	x->nrec++;
	return 0;
}

size_t ipfix_flush(struct ipfix_exp *x, uint32_t export_time,
		   uint8_t *out, size_t outlen)
{
	size_t len = x->len;

	if (!x->nrec || len > outlen)
		return 0;
	put_header(x->buf, len, export_time, x->seq, x->domain);
	memcpy(out, x->buf, len);
	x->seq += x->nrec;
	x->nrec = 0;
	x->len = 0;
	x->set_id = 0;
	x->set_off = 0;
	return len;
}

unsigned int ipfix_pending(const struct ipfix_exp *x)
{
	return x->nrec;
}
