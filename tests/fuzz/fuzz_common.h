/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzz targets: run the core the way the kernel glue does
 * (parse with as few linear bytes as asked for, translate queries in
 * place, errors into a bounded buffer) on buffers of exactly the size
 * given, so that AddressSanitizer catches any byte read or written past
 * them.
 */
#ifndef _NAT64_FUZZ_COMMON_H
#define _NAT64_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlat.h"

#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: assertion %s failed\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

typedef enum xl_verdict (*fuzz_parse_fn)(const u8 *, u32, u32,
					 struct xl_pkt *);

/* Parse like the glue: grow the linear part on XL_NEED_MORE. */
static inline enum xl_verdict fuzz_parse(fuzz_parse_fn fn, const u8 *pkt,
					 u32 len, u32 first, struct xl_pkt *p)
{
	u32 lin = first < len ? first : len;
	enum xl_verdict v;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		/* Exactly @lin readable bytes. */
		u8 *copy = malloc(lin ? lin : 1);

		memcpy(copy, pkt, lin);
		v = fn(copy, lin, len, p);
		free(copy);
		if (v != XL_NEED_MORE)
			return v;
		FUZZ_ASSERT(p->need > lin && p->need <= len);
		lin = xl_next_pull(p->need, lin, len);
	}
	FUZZ_ASSERT(0 && "parse asked for more bytes too often");
	return v;
}

static inline void fuzz_out(struct xl_out *o, const u8 *seed, size_t n)
{
	memset(o, 0, sizeof(*o));
	if (n >= 16)
		memcpy(o->src, seed, 16);
	if (n >= 32)
		memcpy(o->dst, seed + 16, 16);
	o->sport = 4242;
	o->dport = 53;
	o->ip4_id = 7;
}

/*
 * Translate a parsed packet. Queries: in place, with exactly the header
 * bytes the glue would make writable. Errors: into a buffer of @cap bytes.
 */
static inline void fuzz_translate(const struct xl_pkt *p, const u8 *pkt,
				  u32 len, bool to4, u32 cap)
{
	struct xl_out o, in;
	struct xl_mtus mtus = { .in = 1500, .out = 1400 };

	fuzz_out(&o, pkt, len);
	fuzz_out(&in, pkt + len / 2, len - len / 2);
	if (p->is_err) {
		u8 *out = malloc(cap ? cap : 1);
		int n;

		FUZZ_ASSERT(p->in.off + p->in.l3len + 8u <= len);
		n = to4 ? xl_err_6to4(p, pkt, len, &o, &in, &mtus, out, cap)
			: xl_err_4to6(p, pkt, len, &o, &in, &mtus, out, cap);
		if (n >= 0) {
			FUZZ_ASSERT((u32)n <= cap);
			FUZZ_ASSERT((u32)n <= (to4 ? XL_ERR4_MAX : XL_ERR6_MAX));
		}
		free(out);
		return;
	}
	{
		u32 l4n = p->proto == XL_TCP ? 20 : 8;
		u32 hdr = p->l3len + l4n;
		u32 room = to4 ? 0 : XL_IP6_HLEN;	/* headroom for 4to6 */
		u8 *buf;

		FUZZ_ASSERT(hdr <= len);
		buf = malloc(room + hdr);
		memcpy(buf + room, pkt, hdr);
		if (to4) {
			FUZZ_ASSERT(p->l3len >= XL_IP4_HLEN);
			xl_6to4(p, &o, buf + p->l3len - XL_IP4_HLEN,
				buf + p->l3len);
		} else {
			xl_4to6(p, &o, buf + room + p->l3len - XL_IP6_HLEN,
				buf + room + p->l3len);
		}
		free(buf);
	}
}

/*
 * A whole-packet target: the first two input bytes are the error buffer's
 * room, the rest is the packet, parsed from @first linear bytes.
 */
static inline int fuzz_packet(const uint8_t *data, size_t size,
			      fuzz_parse_fn fn, u32 first, bool to4)
{
	struct xl_pkt p;
	u8 *pkt;
	u32 cap, len;

	if (size < 2 || size > 70000)
		return 0;
	cap = (u32)data[0] << 8 | data[1];
	len = (u32)size - 2;
	pkt = malloc(len ? len : 1);
	memcpy(pkt, data + 2, len);
	if (fuzz_parse(fn, pkt, len, first, &p) == XL_OK)
		fuzz_translate(&p, pkt, len, to4, cap);
	free(pkt);
	return 0;
}

#endif /* _NAT64_FUZZ_COMMON_H */
