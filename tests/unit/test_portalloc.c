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

UNIT_MAIN(T(escapes_runs), T(sequential_order), T(icmp_no_class), T(range_preserved), T(stays_in_range), T(preserves_port), T(distinct_attempts),
	  T(single_port))
