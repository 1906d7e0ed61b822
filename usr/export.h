/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoders for translation records sent to collectors by nat64-logd:
 * IPFIX (RFC 7011, templates per RFC 8158) and RFC 5424 syslog.
 * Nothing here allocates or does I/O; the caller owns every buffer.
 */
#ifndef _NAT64_EXPORT_H
#define _NAT64_EXPORT_H

#include <stdint.h>
#include <stddef.h>
#include <netinet/in.h>

enum nx_event {			/* RFC 8158 natEvent (IANA registry) */
	NX_ADDRESSES_EXHAUSTED = 3,
	NX_SESSION_CREATE = 6,	/* NAT64 session create */
	NX_SESSION_DELETE = 7,
	NX_BIB_CREATE = 10,	/* NAT64 BIB create */
	NX_BIB_DELETE = 11,
	NX_PORTS_EXHAUSTED = 12,
	NX_QUOTA_EXCEEDED = 13,
	NX_BLOCK_ALLOC = 16,	/* port block allocation */
	NX_BLOCK_RELEASE = 17,
	NX_THRESHOLD = 18,
};

/* natQuotaExceededEvent values (RFC 8158 §4.1.1) that have a template. */
enum nx_quota {
	NX_QUOTA_SESSIONS = 1,	/* Maximum session entries: maxSessionEntries */
	NX_QUOTA_BIBS = 2,	/* Maximum BIB entries: maxBIBEntries */
	NX_QUOTA_PER_USER = 3,	/* Maximum entries per user: maxEntriesPerUser */
};

/* natThresholdEvent values (RFC 8158 §4.1.2) that have a template. */
enum nx_threshold {
	NX_THR_POOL_HIGH = 1,	/* Address pool high: addressPoolHighThreshold */
	NX_THR_POOL_LOW = 2,	/* Address pool low: addressPoolLowThreshold */
	NX_THR_GLOBAL_HIGH = 5,	/* Global address mapping high:
				   globalAddressMappingHighThreshold */
};

struct nx_rec {
	uint8_t event;		/* enum nx_event */
	uint64_t time_ms;	/* Unix time in milliseconds */
	uint64_t seq;		/* the kernel's event number (syslog: in SD) */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_ICMP */
	struct in6_addr src6;	/* the IPv6 host; blocks: the subscriber prefix */
	uint8_t plen;		/* blocks: that prefix's length */
	uint16_t sport6;	/* host byte order, as all ports here */
	struct in_addr src4;	/* the pool address (network order) */
	uint16_t sport4;
	struct in6_addr dst6;	/* sessions: the IPv6 destination */
	struct in_addr dst4;	/* sessions: the IPv4 destination */
	uint16_t dport;		/* sessions: destination port (same both sides) */
	uint16_t port_lo, port_hi;	/* blocks */
	uint16_t step;		/* blocks: portRangeStepSize, 1 */
	uint16_t nports;	/* blocks: port_hi - port_lo + 1 */
	uint32_t quota_event;	/* NX_QUOTA_EXCEEDED: natQuotaExceededEvent */
	uint32_t threshold_event; /* NX_THRESHOLD: natThresholdEvent */
	uint32_t limit;		/* quota or threshold value, per the event */
	char pool[16];		/* natPoolName, may be "", need not end in NUL */
};

/* ---- IPFIX ---- */

#define IPFIX_MSG_MAX	65535	/* the 16-bit Length of RFC 7011 §3.1 */
#define IPFIX_MTU_MIN	512	/* the template message needs about 400 */
#define IPFIX_TPL_FIRST	256	/* template IDs 256.. as listed in ipfix.c */

/*
 * One exporter: one observation domain towards one collector. No
 * allocation: the pending message is built in buf. Fields are private
 * except domain, seq and mtu, which may be read.
 */
struct ipfix_exp {
	uint32_t domain;	/* observation domain ID */
	uint32_t seq;		/* RFC 7011 sequence: data records sent before */
	size_t mtu;		/* max message size, e.g. 1400 for UDP */
	size_t len;		/* bytes of buf in use, header included; 0: empty */
	size_t set_off;		/* where the open data set's header is */
	uint16_t set_id;	/* its template ID; 0 when no set is open */
	unsigned int nrec;	/* records pending */
	uint8_t buf[IPFIX_MSG_MAX];
};

/* @mtu is clamped to IPFIX_MTU_MIN..IPFIX_MSG_MAX. */
void ipfix_init(struct ipfix_exp *x, uint32_t domain, size_t mtu);
/*
 * A whole message carrying every template (one set, ID 2) into @out;
 * returns its length, or 0 when @outlen is too small. It does not count
 * in seq and leaves the pending message alone. Send it first, and again
 * now and then over UDP (RFC 7011 §8.4).
 */
size_t ipfix_templates(struct ipfix_exp *x, uint32_t export_time,
		       uint8_t *out, size_t outlen);
/*
 * Appends a record to the pending message. Returns 0; 1 when it did not
 * fit in mtu: the caller then calls ipfix_flush() and adds it again;
 * -1 for a record it cannot encode (unknown event, quota or threshold
 * type), which is then dropped.
 */
int ipfix_add(struct ipfix_exp *x, const struct nx_rec *r);
/*
 * Moves the pending message (header + data sets) into @out and returns
 * its length; 0 when nothing is pending or @outlen is too small (an
 * @outlen of mtu is always enough). Advances seq by the records in it.
 */
size_t ipfix_flush(struct ipfix_exp *x, uint32_t export_time,
		   uint8_t *out, size_t outlen);
unsigned int ipfix_pending(const struct ipfix_exp *x);	/* records pending */

/* ---- syslog ---- */

/*
 * One RFC 5424 message for @r, no trailing newline, NUL-terminated;
 * returns its length, or -1 if it does not fit in @len (or @r's event is
 * unknown). Severity is informational; @hostname or @appname NULL or ""
 * give the NILVALUE "-", as does @procid 0.
 */
int nx_syslog(char *buf, size_t len, const struct nx_rec *r, int facility,
	      const char *hostname, const char *appname, unsigned int procid);
/* The same, framed for TCP by octet counting (RFC 6587 §3.4.1): "LEN SP MSG". */
int nx_syslog_tcp(char *buf, size_t len, const struct nx_rec *r, int facility,
		  const char *hostname, const char *appname, unsigned int procid);

#endif /* _NAT64_EXPORT_H */
