/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure core's environment: fixed-width types and byte-order helpers
 * for the code that is compiled both into the module and into the
 * userspace unit tests and fuzzers. Nothing here allocates, locks or
 * knows about sk_buffs.
 */
#ifndef _NAT64_CORE_H
#define _NAT64_CORE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define fallthrough __attribute__((__fallthrough__))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Big-endian loads and stores on byte buffers; no alignment assumed. */
static inline u16 xl_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 xl_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void xl_put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void xl_put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

#endif /* _NAT64_CORE_H */
