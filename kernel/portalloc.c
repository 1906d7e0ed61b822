// SPDX-License-Identifier: GPL-2.0
#include "portalloc.h"

/* RFC 6146 §3.5.1.1 / RFC 4787 REQ-3 (see portalloc.h). */
void pa_class(const struct pa_range *r, u16 sport, u32 *lo, u32 *hi)
{
	*lo = r->port_lo;
	*hi = r->port_hi;
	if (sport < 1024 && r->port_lo < 1024)
		*hi = r->port_hi < 1023 ? r->port_hi : 1023;
	else if (sport >= 1024 && r->port_hi >= 1024)
		*lo = r->port_lo > 1024 ? r->port_lo : 1024;
}

static u32 gcd(u32 a, u32 b)
{
	while (b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * A step near n/phi that is coprime with @n: successive attempts land far
 * apart and never on the same port twice.
 */
static u32 coprime_step(u32 n)
{
	u32 s = (u32)((u64)n * 40503 >> 16) | 1;

	while (gcd(s, n) != 1)
		s += 2;
	return s;
}

void pa_candidate(const struct pa_range *r, u32 addr_hash, u32 key_hash,
		  u16 sport, unsigned int flags, unsigned int attempt,
		  u32 *addr, u16 *port)
{
	u32 lo = r->port_lo, hi = r->port_hi, step, n;

	*addr = r->addr + addr_hash % r->naddr;
	if (flags & PA_KEEP_CLASS)
		pa_class(r, sport, &lo, &hi);
	if (attempt == 0 && sport >= lo && sport <= hi) {
		*port = sport;
		return;
	}
	/*
	 * Sequential: the next ports in order. Random: spread over the
	 * range (a multiplicative step), so that a run of used ports, such
	 * as another host's preserved ones, does not use up the attempts.
	 */
	n = hi - lo + 1;
	step = flags & PA_SEQUENTIAL ? 1 : coprime_step(n);
	*port = (u16)(lo + ((u64)key_hash + (u64)attempt * step) % n);
}

enum pa_det_err pa_det_shape(const struct pa_det *d, struct pa_det_shape *sh)
{
	u32 nports = (u32)d->port_hi - d->port_lo + 1;

	if (d->sublen <= d->plen || d->sublen > 128)
		return PA_DET_SUBLEN;
	/* P >= 1 needs N <= naddr * nports < 2^32. */
	if (d->sublen - d->plen > 31)
		return PA_DET_TOO_MANY;
	sh->nsubs = 1U << (d->sublen - d->plen);
	/* N + naddr - 1 < 2^31 + 2^16: no overflow. */
	sh->per_addr = (sh->nsubs + d->naddr - 1) / d->naddr;
	if (sh->per_addr > nports)
		return PA_DET_TOO_MANY;
	sh->ports = nports / sh->per_addr;
	return PA_DET_OK;
}

static unsigned int bit6(const u8 *a, unsigned int b)
{
	return a[b >> 3] >> (7 - (b & 7)) & 1;
}

bool pa_det_index(const struct pa_det *d, const u8 addr6[16], u32 *i)
{
	unsigned int b;
	u32 v = 0;

	if (memcmp(addr6, d->prefix, d->plen / 8))
		return false;
	for (b = d->plen & ~7U; b < d->plen; b++)
		if (bit6(addr6, b) != bit6(d->prefix, b))
			return false;
	for (b = d->plen; b < d->sublen; b++)
		v = v << 1 | bit6(addr6, b);
	*i = v;
	return true;
}

void pa_det_forward(const struct pa_det *d, const struct pa_det_shape *sh,
		    u32 i, u32 *addr, u16 *port_lo, u16 *port_hi)
{
	u32 lo = d->port_lo + (i % sh->per_addr) * sh->ports;

	*addr = d->addr + i / sh->per_addr;
	*port_lo = (u16)lo;
	*port_hi = (u16)(lo + sh->ports - 1);
}

bool pa_det_reverse(const struct pa_det *d, const struct pa_det_shape *sh,
		    u32 addr, u16 port, u32 *i)
{
	u32 a = addr - d->addr, j;

	if (a >= d->naddr || port < d->port_lo || port > d->port_hi)
		return false;
	j = (u32)(port - d->port_lo) / sh->ports;
	if (j >= sh->per_addr)
		return false;
	/* a * K + j < 2^32: a < naddr, K <= ceil(2^31 / naddr). */
	if ((u64)a * sh->per_addr + j >= sh->nsubs)
		return false;
	*i = a * sh->per_addr + j;
	return true;
}

void pa_det_prefix(const struct pa_det *d, u32 i, u8 out[16])
{
	unsigned int b, n = d->sublen - d->plen;

	memcpy(out, d->prefix, 16);
	for (b = d->plen; b < 128; b++)
		out[b >> 3] &= ~(0x80 >> (b & 7));
	for (b = 0; b < n; b++)
		if (i >> (n - 1 - b) & 1)
			out[(d->plen + b) >> 3] |= 0x80 >> ((d->plen + b) & 7);
}
