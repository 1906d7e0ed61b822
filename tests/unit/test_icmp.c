// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP translation: every type/code pair in both directions against the
 * tables of RFC 7915 §4.2 and §5.2 (written out again here, from the RFC),
 * and ICMP errors with their inner packet: addresses, ports, checksums,
 * MTU, pointers, RFC 4884 extensions, size bounds.
 */
#include <arpa/inet.h>

#include "unit.h"
#include "xlat.h"
#include "pktsum.h"

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 get32(const u8 *p)
{
	return (u32)get16(p) << 16 | get16(p + 2);
}

/* Sums of a whole IPv6/IPv4 packet's transport part: 0xffff if right. */
static u16 l4sum6(const u8 *pkt, u32 len, u32 l3)
{
	return fold(pseudo6(pkt, len - l3, pkt[6]) + sum_bytes(pkt + l3, len - l3, 0));
}

static u16 l4sum4(const u8 *pkt, u32 len, u32 l3)
{
	u32 s = sum_bytes(pkt + l3, len - l3, 0);

	if (pkt[9] != 1)
		s += sum_bytes(pkt + 12, 8, 0) + (len - l3) + pkt[9];
	return fold(s);
}

#define V6HOST "2001:db8:6::2"
#define V4SRV "192.0.2.2"
#define POOL "198.51.100.1"
#define RTR4 "192.0.2.9"

/* An IPv6 UDP packet from the IPv4 server's embedded address to the host:
 * what we translated 4to6, now quoted in an error. Returns its length.
 */
static u32 inner6(u8 *p, u32 plen)
{
	u32 len = 40 + 8 + plen, i;
	u16 c;

	memset(p, 0, len);
	p[0] = 0x60;
	put16(p + 4, (u16)(len - 40));
	p[6] = 17;
	p[7] = 63;
	inet_pton(AF_INET6, "64:ff9b::" V4SRV, p + 8);
	inet_pton(AF_INET6, V6HOST, p + 24);
	put16(p + 40, 53);
	put16(p + 42, 40000);
	put16(p + 44, (u16)(len - 40));
	for (i = 0; i < plen; i++)
		p[48 + i] = (u8)i;
	c = ~fold(pseudo6(p, len - 40, 17) + sum_bytes(p + 40, len - 40, 0));
	put16(p + 46, c ? c : 0xffff);
	return len;
}

/* IPv4 UDP from the pool to the server: what we translated 6to4. */
static u32 inner4(u8 *p, u32 plen)
{
	u32 len = 20 + 8 + plen, i;
	u16 c;

	memset(p, 0, len);
	p[0] = 0x45;
	put16(p + 2, (u16)len);
	p[8] = 63;
	p[9] = 17;
	inet_pton(AF_INET, POOL, p + 12);
	inet_pton(AF_INET, V4SRV, p + 16);
	put16(p + 10, ~fold(sum_bytes(p, 20, 0)));
	put16(p + 20, 2000);
	put16(p + 22, 53);
	put16(p + 24, (u16)(len - 20));
	for (i = 0; i < plen; i++)
		p[28 + i] = (u8)i;
	c = ~fold(sum_bytes(p + 12, 8, 0) + (len - 20) + 17 + sum_bytes(p + 20, len - 20, 0));
	put16(p + 26, c ? c : 0xffff);
	return len;
}

/* ICMPv6 message (type, code, word) from the host, around @in. */
static u32 err6(u8 *p, u8 type, u8 code, u32 word, const u8 *in, u32 inlen)
{
	u32 len = 40 + 8 + inlen;

	memset(p, 0, 48);
	p[0] = 0x60;
	put16(p + 4, (u16)(len - 40));
	p[6] = 58;
	p[7] = 64;
	inet_pton(AF_INET6, V6HOST, p + 8);
	inet_pton(AF_INET6, "64:ff9b::" V4SRV, p + 24);
	p[40] = type;
	p[41] = code;
	put16(p + 44, word >> 16);
	put16(p + 46, word & 0xffff);
	memcpy(p + 48, in, inlen);
	put16(p + 42, ~fold(pseudo6(p, len - 40, 58) + sum_bytes(p + 40, len - 40, 0)));
	return len;
}

static u32 err4(u8 *p, u8 type, u8 code, u32 word, const u8 *in, u32 inlen)
{
	u32 len = 20 + 8 + inlen;

	memset(p, 0, 28);
	p[0] = 0x45;
	put16(p + 2, (u16)len);
	p[8] = 64;
	p[9] = 1;
	inet_pton(AF_INET, RTR4, p + 12);
	inet_pton(AF_INET, POOL, p + 16);
	put16(p + 10, ~fold(sum_bytes(p, 20, 0)));
	p[20] = type;
	p[21] = code;
	put16(p + 24, word >> 16);
	put16(p + 26, word & 0xffff);
	memcpy(p + 28, in, inlen);
	put16(p + 22, ~fold(sum_bytes(p + 20, len - 20, 0)));
	return len;
}

/* RFC 7915 §4.2, as the RFC words it. Returns 0 if dropped. */
static int expect6to4(u8 type, u8 code, u32 ptr, u8 *t, u8 *c)
{
	static const int ptrmap[40] = {
		0, 1, -1, -1, 2, 2, 9, 8,
		12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
		16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	};

	if (type == 128 || type == 129) {
		*t = type == 128 ? 8 : 0;
		*c = code;
		return 1;
	}
	if (type == 1) {
		static const int m[] = { 1, 10, 1, 1, 3 };

		if (code > 4)
			return 0;
		*t = 3;
		*c = (u8)m[code];
		return 1;
	}
	if (type == 2) {
		*t = 3;
		*c = 4;
		return 1;
	}
	if (type == 3 && code <= 1) {
		*t = 11;
		*c = code;
		return 1;
	}
	if (type == 4 && code == 0 && ptr < 40 && ptrmap[ptr] >= 0) {
		*t = 12;
		*c = 0;
		return 1;
	}
	if (type == 4 && code == 1) {
		*t = 3;
		*c = 2;
		return 1;
	}
	return 0;
}

/* RFC 7915 §5.2. */
static int expect4to6(u8 type, u8 code, u8 ptr, u8 *t, u8 *c)
{
	if (type == 8 || type == 0) {
		*t = type == 8 ? 128 : 129;
		*c = code;
		return 1;
	}
	if (type == 3) {
		switch (code) {
		case 0: case 1: case 5: case 6: case 7: case 8: case 11:
		case 12:
			*t = 1;
			*c = 0;
			return 1;
		case 2:
			*t = 4;
			*c = 1;
			return 1;
		case 3:
			*t = 1;
			*c = 4;
			return 1;
		case 4:
			*t = 2;
			*c = 0;
			return 1;
		case 9: case 10: case 13: case 15:
			*t = 1;
			*c = 1;
			return 1;
		}
		return 0;
	}
	if (type == 11 && code <= 1) {
		*t = 3;
		*c = code;
		return 1;
	}
	if (type == 12 && (code == 0 || code == 2)) {
		int ok = ptr <= 3 || ptr == 8 || ptr == 9 ||
			 (ptr >= 12 && ptr <= 19);

		*t = 4;
		*c = 0;
		return ok;
	}
	return 0;
}

static void fill_outs(struct xl_out *o, struct xl_out *in, bool to4)
{
	memset(o, 0, sizeof(*o));
	memset(in, 0, sizeof(*in));
	if (to4) {
		inet_pton(AF_INET, POOL, o->src);
		inet_pton(AF_INET, V4SRV, o->dst);
		inet_pton(AF_INET, V4SRV, in->src);
		inet_pton(AF_INET, POOL, in->dst);
		in->sport = 53;
		in->dport = 2000;
	} else {
		inet_pton(AF_INET6, "64:ff9b::" RTR4, o->src);
		inet_pton(AF_INET6, V6HOST, o->dst);
		inet_pton(AF_INET6, V6HOST, in->src);
		inet_pton(AF_INET6, "64:ff9b::" V4SRV, in->dst);
		in->sport = 40000;
		in->dport = 53;
	}
}

static void all_pairs_6to4(void)
{
	u8 in[200], pkt[400], out[600];
	u32 inlen = inner6(in, 20), type, code, n = 0;

	for (type = 0; type < 256; type++) {
		for (code = 0; code < 256; code++) {
			u32 ptr = type == 4 ? code % 41 : 0;
			u32 len = err6(pkt, (u8)type, (u8)code, ptr, in, inlen);
			struct xl_out o, io;
			struct xl_mtus m = { 0, 0 };
			struct xl_pkt p;
			enum xl_verdict v = xl_parse6(pkt, len, len, &p);
			u8 et, ec;
			int r;

			if (!expect6to4((u8)type, (u8)code, ptr, &et, &ec)) {
				CHECK_EQ(v, XL_ICMP_UNTRANSLATABLE);
				continue;
			}
			if (type >= 128)	/* echo: a query, no inner */
				continue;
			CHECK_EQ(v, XL_OK);
			CHECK(p.is_err);
			fill_outs(&o, &io, true);
			r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out,
					sizeof(out));
			CHECK(r > 0);
			if (r <= 0)
				continue;
			CHECK_EQ(out[20], et);
			CHECK_EQ(out[21], ec);
			CHECK_EQ(fold(sum_bytes(out, 20, 0)), 0xffff);
			CHECK_EQ(l4sum4(out, (u32)r, 20), 0xffff);
			/* Inner: IPv4 UDP from the pool, checksum still right. */
			CHECK_EQ(out[28], 0x45);
			CHECK_EQ(l4sum4(out + 28, (u32)r - 28, 20), 0xffff);
			CHECK_EQ(get16(out + 48), 53);
			CHECK_EQ(get16(out + 50), 2000);
			if (type == 4 && code == 0)
				CHECK_EQ(out[24], (ptr == 0 || ptr == 1) ? ptr :
					 ptr <= 5 ? 2 : ptr == 6 ? 9 :
					 ptr == 7 ? 8 : ptr <= 23 ? 12 : 16);
			n++;
		}
	}
	CHECK_EQ(n, 5 + 256 + 2 + 1 + 1);
}

static void all_pairs_4to6(void)
{
	u8 in[200], pkt[400], out[1300];
	u32 inlen = inner4(in, 20), type, code, n = 0;

	for (type = 0; type < 256; type++) {
		for (code = 0; code < 256; code++) {
			u8 ptr = type == 12 ? (u8)(code % 24) : 0;
			u32 len = err4(pkt, (u8)type, (u8)code,
				       (u32)ptr << 24, in, inlen);
			struct xl_out o, io;
			struct xl_mtus m = { 0, 0 };
			struct xl_pkt p;
			enum xl_verdict v = xl_parse4(pkt, len, len, &p);
			u8 et, ec;
			int r;

			if (!expect4to6((u8)type, (u8)code, ptr, &et, &ec)) {
				CHECK_EQ(v, XL_ICMP_UNTRANSLATABLE);
				continue;
			}
			if (type == 0 || type == 8)
				continue;
			CHECK_EQ(v, XL_OK);
			fill_outs(&o, &io, false);
			r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out,
					sizeof(out));
			CHECK(r > 0);
			if (r <= 0)
				continue;
			CHECK_EQ(out[40], et);
			CHECK_EQ(out[41], ec);
			CHECK_EQ(l4sum6(out, (u32)r, 40), 0xffff);
			CHECK_EQ(out[48] >> 4, 6);
			CHECK_EQ(l4sum6(out + 48, (u32)r - 48, 40), 0xffff);
			CHECK_EQ(get16(out + 88), 40000);
			if (et == 4 && ec == 0)
				CHECK_EQ(get32(out + 44), ptr <= 1 ? ptr :
					 ptr <= 3 ? 4 : ptr == 8 ? 7 :
					 ptr == 9 ? 6 : ptr <= 15 ? 8 : 24);
			if (et == 4 && ec == 1)
				CHECK_EQ(get32(out + 44), 6);
			n++;
		}
	}
	CHECK(n > 10);
}

static void ptb_mtu(void)
{
	u8 in[1600], pkt[1700], out[1300];
	struct xl_out o, io;
	struct xl_pkt p;
	struct xl_mtus m = { .in = 1500, .out = 1400 };
	u32 len;
	int r;

	/* IPv6 PTB 1500 -> min(1500 - 20, 1400, 1500 - 20) = 1400. */
	len = err6(pkt, 2, 0, 1500, in, inner6(in, 100));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get16(out + 26), 1400);
	m.out = 0;
	m.in = 0;
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get16(out + 26), 1480);
	CHECK(r > 0);
	/* Below the IPv6 minimum, 0 too: taken as 1280, so 1260. */
	len = err6(pkt, 2, 0, 1000, in, inner6(in, 100));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get16(out + 26), 1260);
	len = err6(pkt, 2, 0, 0, in, inner6(in, 100));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get16(out + 26), 1260);

	/* IPv4 frag needed 1400 -> min(1420, 1500, in + 20). */
	m.in = 1500;
	m.out = 1500;
	len = err4(pkt, 3, 4, 1400, in, inner4(in, 100));
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, false);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get32(out + 44), 1420);
	/* Below the IPv6 minimum: 1280. */
	len = err4(pkt, 3, 4, 576, in, inner4(in, 100));
	xl_parse4(pkt, len, len, &p);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get32(out + 44), 1280);
	/* MTU 0 (pre-RFC 1191 router): plateau below the inner length. */
	len = err4(pkt, 3, 4, 0, in, inner4(in, 1472));	/* totlen 1500 */
	xl_parse4(pkt, len, len, &p);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(get32(out + 44), 1492 + 20 > 1500 ? 1500 : 1512);
	CHECK(r > 0);
	CHECK_EQ(xl_plateau(1500), 1492);
	CHECK_EQ(xl_plateau(1492), 1006);
	CHECK_EQ(xl_plateau(20000), 17914);
	CHECK_EQ(xl_plateau(60), 68);
}

static void size_bounds(void)
{
	u8 in[1600], pkt[1700], out[1400];
	struct xl_out o, io;
	struct xl_pkt p;
	struct xl_mtus m = { 0, 0 };
	u32 len, cap;
	int r;

	len = err6(pkt, 1, 4, 0, in, inner6(in, 1400));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(r, 576);
	CHECK_EQ(get16(out + 2), 576);
	CHECK_EQ(l4sum4(out, 576, 20), 0xffff);
	for (cap = 0; cap < 600; cap += 7) {
		r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, cap);
		CHECK(r < 0 || (u32)r <= cap);
	}
	len = err4(pkt, 3, 3, 0, in, inner4(in, 1400));
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, false);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(r, 1280);
	CHECK_EQ(get16(out + 4), 1240);
	CHECK_EQ(l4sum6(out, 1280, 40), 0xffff);
}

/*
 * A long error: parsing asks once for its window (headers, quote, an
 * extension that could fit), never for all of it; its checksum is left
 * to the caller; translating from the window gives what translating from
 * the whole gives.
 */
static void long_error_window(void)
{
	static u8 in[8100], pkt[8200], out[1400], out2[1400];
	struct xl_out o, io;
	struct xl_pkt p;
	struct xl_mtus m = { 0, 0 };
	u32 len, win;
	int r, r2;

	len = err4(pkt, 3, 3, 0, in, inner4(in, 8000));
	win = 20 + 8 + XL_ERR_WINDOW;
	CHECK_EQ(xl_parse4(pkt, 100, len, &p), XL_NEED_MORE);
	CHECK(p.is_err);
	CHECK_EQ(p.need, win);
	CHECK_EQ(xl_parse4(pkt, win, len, &p), XL_OK);
	CHECK(p.csum_todo);
	CHECK_EQ(p.err_len, win);
	fill_outs(&o, &io, false);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(r, 1280);
	CHECK_EQ(l4sum6(out, 1280, 40), 0xffff);
	/* Past the window is never read: damage there changes nothing. */
	memset(pkt + win, 0xee, len - win);
	r2 = xl_err_4to6(&p, pkt, len, &o, &io, &m, out2, sizeof(out2));
	CHECK_EQ(r2, r);
	CHECK_MEM(out2, out, 1280);
	/* A short error is checked whole, as before. */
	len = err4(pkt, 3, 3, 0, in, inner4(in, 1000));
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_OK);
	CHECK(!p.csum_todo);
	pkt[len - 1] ^= 1;
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_BADCSUM);

	/* The same for IPv6, to 576 bytes of ICMPv4. */
	len = err6(pkt, 1, 4, 0, in, inner6(in, 8000));
	win = 40 + 8 + XL_ERR_WINDOW;
	CHECK_EQ(xl_parse6(pkt, 200, len, &p), XL_NEED_MORE);
	CHECK(p.is_err);
	CHECK_EQ(p.need, win);
	CHECK_EQ(xl_parse6(pkt, win, len, &p), XL_OK);
	CHECK(p.csum_todo);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK_EQ(r, 576);
	CHECK_EQ(l4sum4(out, 576, 20), 0xffff);
	memset(pkt + win, 0xee, len - win);
	r2 = xl_err_6to4(&p, pkt, len, &o, &io, &m, out2, sizeof(out2));
	CHECK_EQ(r2, r);
	CHECK_MEM(out2, out, 576);
}

/*
 * The inner IPv4 header gets DF as the outer rules give it (RFC 7915
 * §4.3 applies §4.1): set over 1260 bytes unless DF is to be cleared,
 * clear at or under; its checksum stays right.
 */
static void inner_df(void)
{
	u8 in[1600], pkt[1700], out[600];
	struct xl_out o, io;
	struct xl_pkt p;
	struct xl_mtus m = { 0, 0 };
	u32 len;
	int r;

	len = err6(pkt, 1, 4, 0, in, inner6(in, 1400));	/* IPv4: 1428 */
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	CHECK_EQ(get16(out + 28 + 2), 1428);
	CHECK_EQ(get16(out + 28 + 6), 0x4000);
	CHECK_EQ(fold(sum_bytes(out + 28, 20, 0)), 0xffff);
	CHECK_EQ(get16(out + 6), 0);	/* the 576-byte outer: DF clear */

	io.clear_df = true;
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	CHECK_EQ(get16(out + 28 + 6), 0);

	/* 1260 bytes in IPv4: no DF (the rule is "over 1260"). */
	len = err6(pkt, 1, 4, 0, in, inner6(in, 1232));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	CHECK_EQ(get16(out + 28 + 2), 1260);
	CHECK_EQ(get16(out + 28 + 6), 0);
	len = err6(pkt, 1, 4, 0, in, inner6(in, 1233));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	CHECK_EQ(get16(out + 28 + 6), 0x4000);
}

static void rfc4884_ext(void)
{
	u8 in[300], pkt[500], out[1300];
	static const u8 ext[12] = { 0x20, 0, 0, 0, 0, 8, 1, 1, 'a', 'b', 'c',
				    'd' };
	struct xl_out o, io;
	struct xl_pkt p;
	struct xl_mtus m = { 0, 0 };
	u32 ilen = inner4(in, 20), len;
	int r;

	/* Original datagram padded to 128 bytes, length 32 words. */
	memset(in + ilen, 0, 128 - ilen);
	memcpy(in + 128, ext, sizeof(ext));
	len = err4(pkt, 11, 0, 32 << 16, in, 128 + sizeof(ext));
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, false);
	r = xl_err_4to6(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	/* IPv6: 40 + 8 + inner (40 + 108) padded to 8 -> 152, 19 words. */
	CHECK_EQ(out[44], 19);
	CHECK_EQ(r, 40 + 8 + 152 + (int)sizeof(ext));
	CHECK_MEM(out + 48 + 152, ext, sizeof(ext));
	CHECK_EQ(l4sum6(out, (u32)r, 40), 0xffff);

	/* And back: an ICMPv6 time exceeded with an extension. */
	ilen = inner6(in, 20);
	memset(in + ilen, 0, 128 - ilen);
	memcpy(in + 128, ext, sizeof(ext));
	len = err6(pkt, 3, 0, 16u << 24, in, 128 + sizeof(ext));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	fill_outs(&o, &io, true);
	r = xl_err_6to4(&p, pkt, len, &o, &io, &m, out, sizeof(out));
	CHECK(r > 0);
	/* IPv4: inner 20 + 88 = 108, padded to 128: 32 words. */
	CHECK_EQ(out[25], 32);
	CHECK_EQ(r, 20 + 8 + 128 + (int)sizeof(ext));
	CHECK_MEM(out + 28 + 128, ext, sizeof(ext));
	CHECK_EQ(l4sum4(out, (u32)r, 20), 0xffff);
}

static void bad_inner(void)
{
	u8 in[200], pkt[400];
	struct xl_pkt p;
	u32 ilen = inner6(in, 20), len;

	/* Inner truncated below 8 transport bytes. */
	len = err6(pkt, 1, 4, 0, in, 44);
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BAD_INNER);
	/* An error inside an error. */
	len = err6(pkt, 1, 4, 0, in, ilen);
	memmove(pkt + 48 + 48, pkt + 48, ilen);
	{
		u8 nested[400];
		u32 n2 = err6(nested, 1, 4, 0, pkt, len);

		memcpy(in, nested, n2);
		in[6] = 58;
		len = err6(pkt, 1, 4, 0, in, n2);
		CHECK(xl_parse6(pkt, len, len, &p) != XL_OK);
	}
	/* Empty. */
	len = err6(pkt, 1, 4, 0, in, 0);
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BAD_INNER);
	len = err4(pkt, 3, 3, 0, in, 0);
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_BAD_INNER);
}

/* Errors get a fresh checksum: a damaged one is not translated. */
static void bad_checksum(void)
{
	u8 in[200], pkt[400];
	struct xl_pkt p;
	u32 len;

	len = err6(pkt, 1, 4, 0, in, inner6(in, 20));
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_OK);
	pkt[60] ^= 0x40;	/* an inner address bit */
	CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BADCSUM);
	len = err4(pkt, 3, 3, 0, in, inner4(in, 20));
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_OK);
	pkt[40] ^= 0x40;
	CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_BADCSUM);
}

/* Sources no router forwards, either family. */
static void bad_source(void)
{
	static const char *const bad6[] = { "::", "::1", "fe80::7", "ff02::1" };
	static const char *const bad4[] = { "0.1.2.3", "127.0.0.1",
					    "224.0.0.9", "255.255.255.255" };
	u8 in[200], pkt[400];
	struct xl_pkt p;
	unsigned int i;
	u32 len;

	for (i = 0; i < 4; i++) {
		len = err6(pkt, 1, 4, 0, in, inner6(in, 20));
		inet_pton(AF_INET6, bad6[i], pkt + 8);
		CHECK_EQ(xl_parse6(pkt, len, len, &p), XL_BAD_ADDR);
		len = err4(pkt, 3, 3, 0, in, inner4(in, 20));
		inet_pton(AF_INET, bad4[i], pkt + 12);
		CHECK_EQ(xl_parse4(pkt, len, len, &p), XL_BAD_ADDR);
	}
	CHECK(!xl_addr4_bad((const u8 *)"\xc0\x00\x02\x07"));
	CHECK(xl_addr4_bad((const u8 *)"\xf0\x00\x00\x01"));
}

UNIT_MAIN(T(all_pairs_6to4), T(all_pairs_4to6), T(ptb_mtu),
	  T(size_bounds), T(long_error_window), T(inner_df), T(rfc4884_ext),
	  T(bad_inner), T(bad_checksum),
	  T(bad_source))
