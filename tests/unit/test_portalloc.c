// SPDX-License-Identifier: GPL-2.0
#include "unit.h"
#include "portalloc.h"

static void stays_in_range(void)
{
	struct pa_range r = { .addr = 0xc6336400, .naddr = 4,
			      .port_lo = 2000, .port_hi = 2999 };
	unsigned int i, h;

	for (h = 0; h < 5000; h += 7) {
		u32 first = 0;

		for (i = 0; i < PA_MAX_ATTEMPTS; i++) {
			u32 addr;
			u16 port;

			pa_candidate(&r, h * 2654435761u, h * 40503u,
				     (u16)(h * 13), (h & 1) * PA_KEEP_CLASS, i, &addr, &port);
			CHECK(addr >= r.addr && addr < r.addr + r.naddr);
			CHECK(port >= r.port_lo && port <= r.port_hi);
			/* One host, one pool address (paired pooling). */
			if (!i)
				first = addr;
			CHECK_EQ(addr, first);
		}
	}
}

static void preserves_port(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 1024, .port_hi = 65535 };
	u32 addr;
	u16 port;

	pa_candidate(&r, 5, 99, 40000, PA_KEEP_CLASS, 0, &addr, &port);
	CHECK_EQ(port, 40000);
	pa_candidate(&r, 5, 99, 40000, PA_KEEP_CLASS, 1, &addr, &port);
	CHECK(port != 40000);
	/* Out of the range: not preserved. */
	pa_candidate(&r, 5, 99, 80, PA_KEEP_CLASS, 0, &addr, &port);
	CHECK(port >= 1024);
}

static void distinct_attempts(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 100, .port_hi = 199 };
	unsigned char seen[100] = { 0 };
	unsigned int i, dup = 0;

	for (i = 0; i < PA_MAX_ATTEMPTS; i++) {
		u32 addr;
		u16 port;

		pa_candidate(&r, 0, 12345, 0, PA_KEEP_CLASS, i, &addr, &port);
		dup += seen[port - 100]++;
	}
	CHECK_EQ(dup, 0);
}

static void single_port(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 7, .port_hi = 7 };
	u32 addr;
	u16 port;

	pa_candidate(&r, 0xffffffff, 0xffffffff, 9, PA_KEEP_CLASS, 3, &addr, &port);
	CHECK_EQ(port, 7);
	CHECK_EQ(addr, 1);
}

static void range_preserved(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 1, .port_hi = 65535 };
	struct pa_range high = { .addr = 1, .naddr = 1,
				 .port_lo = 2000, .port_hi = 2999 };
	unsigned int i;

	for (i = 0; i < PA_MAX_ATTEMPTS; i++) {
		u32 addr;
		u16 port;

		pa_candidate(&r, 3, 12345 + i * 7919, 80, PA_KEEP_CLASS, i, &addr, &port);
		CHECK(port >= 1 && port <= 1023);
		pa_candidate(&r, 3, 12345 + i * 7919, 40000, PA_KEEP_CLASS, i, &addr, &port);
		CHECK(port >= 1024);
		/* A pool with only high ports serves low sources too. */
		pa_candidate(&high, 3, 12345 + i * 7919, 80, PA_KEEP_CLASS, i, &addr, &port);
		CHECK(port >= 2000 && port <= 2999);
	}
}

/* ICMP identifiers: no classes, the whole range. */
static void icmp_no_class(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 1, .port_hi = 65535 };
	unsigned int i, high = 0;

	for (i = 1; i < PA_MAX_ATTEMPTS; i++) {
		u32 addr;
		u16 port;

		pa_candidate(&r, 3, 12345 + i * 7919, 80, 0, i, &addr,
			     &port);
		high += port >= 1024;
	}
	CHECK(high > 0);
}

/*
 * Another host's preserved ports fill 1..5000 of the range: wherever the
 * random walk starts, it gets out of that run within its attempts.
 */
static void escapes_runs(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 1, .port_hi = 65535 };
	unsigned int h, i, stuck = 0;

	for (h = 0; h < 20000; h++) {
		for (i = 1; i < PA_MAX_ATTEMPTS; i++) {
			u32 addr;
			u16 port;

			pa_candidate(&r, 0, h * 2654435761u, 7, 0, i, &addr,
				     &port);
			if (port > 5000)
				break;
		}
		stuck += i == PA_MAX_ATTEMPTS;
	}
	CHECK_EQ(stuck, 0);
}

/* Sequential: consecutive ports from the counter. */
static void sequential_order(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 3000, .port_hi = 3999 };
	unsigned int i;

	for (i = 1; i < 10; i++) {
		u32 addr;
		u16 port;

		pa_candidate(&r, 0, 5, 40000, PA_SEQUENTIAL | PA_KEEP_CLASS,
			     i, &addr, &port);
		CHECK_EQ(port, 3005 + i);
	}
}


/* Deterministic NAT: one shape, every subscriber and every pool port. */
static void det_round_trip(const struct pa_det *d, u32 want_k, u32 want_p)
{
	u32 nports = (u32)d->port_hi - d->port_lo + 1, i, a, given = 0;
	struct pa_det_shape sh;
	u8 pfx[16], probe[16];

	CHECK_EQ(pa_det_shape(d, &sh), PA_DET_OK);
	CHECK_EQ(sh.nsubs, 1U << (d->sublen - d->plen));
	CHECK_EQ(sh.per_addr, want_k);
	CHECK_EQ(sh.ports, want_p);
	for (i = 0; i < sh.nsubs; i++) {
		u32 addr, j;
		u16 lo, hi;

		pa_det_forward(d, &sh, i, &addr, &lo, &hi);
		CHECK(addr - d->addr < d->naddr);
		CHECK(lo >= d->port_lo && hi <= d->port_hi);
		CHECK_EQ(hi - lo + 1, sh.ports);
		/* The formula of portalloc.h, written out again. */
		CHECK_EQ(addr, d->addr + i / want_k);
		CHECK_EQ(lo, d->port_lo + (i % want_k) * want_p);
		/* Both ends of the range come back to i. */
		CHECK(pa_det_reverse(d, &sh, addr, lo, &j) && j == i);
		CHECK(pa_det_reverse(d, &sh, addr, hi, &j) && j == i);
		/* Its prefix, and any address in it, is subscriber i. */
		pa_det_prefix(d, i, pfx);
		CHECK(pa_det_index(d, pfx, &j) && j == i);
		memcpy(probe, pfx, 16);
		if (d->sublen < 128)
			probe[15] ^= 1;
		CHECK(pa_det_index(d, probe, &j) && j == i);
	}
	/* Every address and port: nobody's, or exactly one subscriber's. */
	for (a = 0; a < d->naddr; a++) {
		u32 port;

		for (port = d->port_lo; port <= d->port_hi; port++) {
			u32 addr, j;
			u16 lo, hi;

			if (!pa_det_reverse(d, &sh, d->addr + a, (u16)port, &j))
				continue;
			given++;
			CHECK(j < sh.nsubs);
			pa_det_forward(d, &sh, j, &addr, &lo, &hi);
			CHECK(addr == d->addr + a && port >= lo && port <= hi);
		}
	}
	/* Disjoint ranges cover N * P ports; the rest is left over. */
	CHECK_EQ(given, sh.nsubs * sh.ports);
	CHECK(given <= d->naddr * nports);
}

static void det_shapes(void)
{
	/* 2001:db8:1::/48 of /56 subscribers over 4 addresses. */
	struct pa_det d = { .addr = 0xc6336400, .naddr = 4, .port_lo = 1024,
			    .port_hi = 65535, .plen = 48, .sublen = 56,
			    .prefix = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };

	det_round_trip(&d, 64, 1008);
	/* 64 over 3 addresses of 1000 ports: 22, 22, 20 an address. */
	d.naddr = 3;
	d.port_lo = 1000;
	d.port_hi = 1999;
	d.sublen = 54;
	det_round_trip(&d, 22, 45);
	/* 8 over 5 addresses of 7 ports: 2 an address, the 5th unused. */
	d.naddr = 5;
	d.port_lo = 10;
	d.port_hi = 16;
	d.sublen = 51;
	det_round_trip(&d, 2, 3);
	/* One port each. */
	d.naddr = 2;
	d.port_lo = 10;
	d.port_hi = 13;
	det_round_trip(&d, 4, 1);
	/* Lengths off byte boundaries: 2001:db8:8::/45 of /52. */
	d.prefix[4] = 0x00;
	d.prefix[5] = 0x08;
	d.plen = 45;
	d.sublen = 52;
	d.naddr = 1;
	d.port_lo = 1;
	d.port_hi = 65535;
	det_round_trip(&d, 128, 511);
	/* /128 subscribers of a /120. */
	memset(d.prefix, 0, 16);
	d.prefix[0] = 0x20;
	d.plen = 120;
	d.sublen = 128;
	det_round_trip(&d, 256, 255);
}

static void det_refused(void)
{
	struct pa_det d = { .addr = 1, .naddr = 1, .port_lo = 1,
			    .port_hi = 3, .plen = 48, .sublen = 50 };
	struct pa_det_shape sh;
	u8 a[16] = { 0 };
	u32 addr, i;
	u16 lo, hi;

	/* 4 subscribers, 3 ports. */
	CHECK_EQ(pa_det_shape(&d, &sh), PA_DET_TOO_MANY);
	d.sublen = 48;
	CHECK_EQ(pa_det_shape(&d, &sh), PA_DET_SUBLEN);
	d.sublen = 40;
	CHECK_EQ(pa_det_shape(&d, &sh), PA_DET_SUBLEN);
	d.plen = 0;
	d.sublen = 32;
	d.naddr = 65536;
	d.port_hi = 65535;
	CHECK_EQ(pa_det_shape(&d, &sh), PA_DET_TOO_MANY);
	/* The most there can be: 2^31 over 65536 x 65535, 1 port each. */
	d.sublen = 31;
	CHECK_EQ(pa_det_shape(&d, &sh), PA_DET_OK);
	CHECK_EQ(sh.per_addr, 32768);
	CHECK_EQ(sh.ports, 1);
	pa_det_forward(&d, &sh, sh.nsubs - 1, &addr, &lo, &hi);
	CHECK_EQ(addr, 65536);
	CHECK_EQ(lo, 32768);
	CHECK(pa_det_reverse(&d, &sh, addr, lo, &i) && i == sh.nsubs - 1);
	/* Outside the prefix: no index. */
	d.plen = 16;
	d.sublen = 24;
	d.prefix[0] = 0x20;
	a[0] = 0x30;
	CHECK(!pa_det_index(&d, a, &i));
	a[0] = 0x20;
	a[1] = 1;
	CHECK(!pa_det_index(&d, a, &i));
}

/* Port blocks: every block number maps to its ports and back. */
static void blk_round_trip(void)
{
	struct pa_range r = { .addr = 0xc6336410, .naddr = 4,
			      .port_lo = 1000, .port_hi = 1095 };
	u32 per = pa_blk_per_addr(&r, 48), i, j, addr;
	u16 lo;

	CHECK_EQ(per, 2);
	for (i = 0; i < r.naddr * per; i++) {
		pa_blk_at(&r, 48, per, i, &addr, &lo);
		CHECK_EQ(addr, r.addr + i / 2);
		CHECK_EQ(lo, 1000 + i % 2 * 48);
		CHECK(pa_blk_index(&r, 48, per, addr, lo, &j) && j == i);
		CHECK(pa_blk_index(&r, 48, per, addr, lo + 47, &j) && j == i);
	}
	/* Past the last whole block, or outside: nobody's. */
	r.port_hi = 1100;
	CHECK_EQ(pa_blk_per_addr(&r, 48), 2);
	CHECK(!pa_blk_index(&r, 48, per, r.addr, 1096, &j));
	CHECK(!pa_blk_index(&r, 48, per, r.addr, 999, &j));
	CHECK(!pa_blk_index(&r, 48, per, r.addr + 4, 1000, &j));
	CHECK(!pa_blk_index(&r, 48, per, r.addr - 1, 1000, &j));
	/* One block of the whole range. */
	r.port_lo = 1;
	r.port_hi = 65535;
	CHECK_EQ(pa_blk_per_addr(&r, 65535), 1);
}

/* Range preservation's classes, as blocks use them. */
static void class_bounds(void)
{
	struct pa_range r = { .addr = 1, .naddr = 1,
			      .port_lo = 1000, .port_hi = 1047 };
	u32 lo, hi;

	pa_class(&r, 40000, &lo, &hi);
	CHECK(lo == 1024 && hi == 1047);
	pa_class(&r, 700, &lo, &hi);
	CHECK(lo == 1000 && hi == 1023);
	r.port_lo = 1048;
	r.port_hi = 1095;
	pa_class(&r, 700, &lo, &hi);
	CHECK(lo == 1048 && hi == 1095);
	r.port_lo = 100;
	r.port_hi = 200;
	pa_class(&r, 40000, &lo, &hi);
	CHECK(lo == 100 && hi == 200);
}

UNIT_MAIN(T(blk_round_trip), T(class_bounds), T(det_shapes), T(det_refused), T(escapes_runs), T(sequential_order), T(icmp_no_class), T(range_preserved), T(stays_in_range), T(preserves_port), T(distinct_attempts),
	  T(single_port))
