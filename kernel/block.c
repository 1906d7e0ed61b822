// SPDX-License-Identifier: GPL-2.0
/*
 * Port blocks (NAT64_ALLOC_BLOCK, see the uapi header): a block range's
 * ports are handed to subscribers in blocks, and each of a subscriber's
 * mappings takes a port of its blocks. A range's blocks (struct
 * nat64_blockmap) say which blocks are held, a bit each, set and
 * cleared atomically; a subscriber's blocks (struct nat64_block) say
 * which of their ports its entries hold, under the subscriber's lock.
 * Nothing here runs per packet of an established flow: only for a new
 * BIB entry, its removal, and the GC's interim events.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/route.h>

#include "mapping.h"

/* At most 2^20 blocks a range: the bitmap is 128 KB at most. */
#define BLK_MAX_BLOCKS	(1U << 20)

struct nat64_blockmap *nat64_blockmap_new(const struct nat64_prange *pr,
					  const char *pool)
{
	u32 per_addr = pa_blk_per_addr(&pr->r, pr->blk_size);
	u64 n = (u64)per_addr * pr->r.naddr;
	struct nat64_blockmap *bm;

	if (WARN_ON_ONCE(!n || n > BLK_MAX_BLOCKS))
		return NULL;
	bm = kvzalloc(struct_size(bm, map, BITS_TO_LONGS(n)),
		      GFP_KERNEL_ACCOUNT);
	if (!bm)
		return NULL;
	refcount_set(&bm->ref, 1);
	bm->r = pr->r;
	bm->size = pr->blk_size;
	bm->max = pr->blk_max;
	bm->timeout = pr->blk_timeout * HZ;
	bm->interim = pr->blk_interim * HZ;
	bm->per_addr = per_addr;
	bm->nblocks = n;
	bm->protos = pr->protos;
	bm->quiet = pr->quiet;
	strscpy(bm->pool, pool, sizeof(bm->pool));
	return bm;
}

void nat64_blockmap_get(struct nat64_blockmap *bm)
{
	refcount_inc(&bm->ref);
}

/*
 * Any context. Readers under RCU may still look at @bm (in a range
 * they found before a commit replaced it): freed after a grace period.
 */
void nat64_blockmap_put(struct nat64_blockmap *bm)
{
	if (bm && refcount_dec_and_test(&bm->ref))
		kvfree_rcu(bm, rcu);
}

size_t nat64_blk_bytes(const struct nat64_blockmap *bm)
{
	return sizeof(struct nat64_block) +
	       XL_NPROTO * BITS_TO_LONGS(bm->size) * sizeof(unsigned long);
}

void nat64_blockmap_counts(const struct nat64_blockmap *bm, u32 *total,
			   u32 *used, u32 *at_max, u64 *refused, u32 *bytes)
{
	*total = bm->nblocks;
	*used = atomic_read(&bm->used);
	*at_max = atomic_read(&bm->at_max);
	*refused = atomic64_read(&bm->refused);
	*bytes = kmalloc_size_roundup(nat64_blk_bytes(bm));
}

static unsigned long *blk_bits(struct nat64_block *blk, u8 proto)
{
	return blk->bits + proto * BITS_TO_LONGS(blk->bm->size);
}

bool nat64_blk_open(const struct nat64_block *blk, u32 now)
{
	return !blk->bm->timeout || now - blk->since < blk->bm->timeout;
}

static void blk_ev(struct nat64_blkev *ev, u8 type,
		   const struct nat64_subscriber *sub,
		   const struct nat64_block *blk)
{
	const struct nat64_blockmap *bm = blk->bm;

	ev->type = type;
	ev->prefix = sub->prefix;
	ev->plen = sub->plen;
	ev->protos = bm->protos;
	ev->addr4 = blk->addr4;
	ev->port_lo = blk->port_lo;
	ev->port_hi = blk->port_lo + bm->size - 1;
	memcpy(ev->pool, bm->pool, sizeof(ev->pool));
}

/*
 * Link @b at a free port of @blk among bits [@lo, @hi] (port numbers
 * less blk->port_lo), from @start on, wrapping. False after
 * PA_MAX_ATTEMPTS ports that turned out taken (static entries, the
 * host's sockets, a contended lock), or none left.
 */
static bool blk_scan(struct nat64_net *nn, struct nat64_maptable *mt,
		     struct nat64_block *blk, struct nat64_bib *b, u32 lo,
		     u32 hi, u32 start, bool local, unsigned int *tries)
{
	unsigned long *bits = blk_bits(blk, b->proto);
	u32 addr = ntohl(blk->addr4), i;
	unsigned int pass;

	for (pass = 0; pass < 2; pass++) {
		u32 end = pass ? start : hi + 1;

		for (i = pass ? lo : start;; i++) {
			i = find_next_zero_bit(bits, end, i);
			if (i >= end)
				break;
			if (nat64_bib_link4_at(nn, mt, b, addr,
					       blk->port_lo + i, local))
				return true;
			if (++*tries >= PA_MAX_ATTEMPTS)
				return false;
		}
	}
	return false;
}

/*
 * A free port of @blk for @b: the source port if the block has it (port
 * preservation), else one of the source port's class (range
 * preservation) from a point @khash picks, else any.
 */
static bool blk_port(struct nat64_net *nn, struct nat64_maptable *mt,
		     struct nat64_block *blk, struct nat64_bib *b, u32 khash)
{
	u32 size = blk->bm->size;
	struct pa_range r = {
		.addr = ntohl(blk->addr4), .naddr = 1,
		.port_lo = blk->port_lo,
		.port_hi = blk->port_lo + size - 1,
	};
	unsigned long *bits = blk_bits(blk, b->proto);
	bool local = inet_addr_type(nn->net, blk->addr4) == RTN_LOCAL;
	unsigned int tries = 0;
	u32 lo = r.port_lo, hi = r.port_hi;

	if (b->proto != XL_ICMP)
		pa_class(&r, b->port6, &lo, &hi);
	if (b->port6 >= lo && b->port6 <= hi &&
	    !test_bit(b->port6 - r.port_lo, bits) &&
	    nat64_bib_link4_at(nn, mt, b, r.addr, b->port6, local))
		goto got;
	/* Bit numbers from here on. */
	lo -= r.port_lo;
	hi -= r.port_lo;
	if (blk_scan(nn, mt, blk, b, lo, hi, lo + khash % (hi - lo + 1),
		     local, &tries))
		goto got;
	if ((lo || hi != size - 1) && tries < PA_MAX_ATTEMPTS &&
	    blk_scan(nn, mt, blk, b, 0, size - 1, khash % size, local,
		     &tries))
		goto got;
	return false;
got:
	__set_bit(b->port4 - r.port_lo, bits);
	blk->used++;
	blk->nused[b->proto]++;
	return true;
}

/* Take a free block number of @bm in [@first, @end), from @start. */
static long blk_claim(struct nat64_blockmap *bm, u32 first, u32 end,
		      u32 start)
{
	unsigned int pass;
	u32 i;

	for (pass = 0; pass < 2; pass++) {
		u32 stop = pass ? start : end;

		for (i = pass ? first : start;; i++) {
			i = find_next_zero_bit(bm->map, stop, i);
			if (i >= stop)
				break;
			if (!test_and_set_bit(i, bm->map))
				return i;
		}
	}
	return -1;
}

static void blk_free(struct nat64_maptable *mt, struct nat64_block *blk)
{
	struct nat64_blockmap *bm = blk->bm;

	clear_bit(blk->idx, bm->map);
	atomic_dec(&bm->used);
	atomic_dec(&mt->nblocks);
	if (bm->interim)
		atomic_dec(&mt->ninterim);
	kfree(blk);
	nat64_blockmap_put(bm);
}

/*
 * Block @idx of @bm, claimed (its bit set): it is cleared again if the
 * block cannot be had. NULL with *@why if so.
 */
static struct nat64_block *blk_init(struct nat64_maptable *mt,
				    struct nat64_blockmap *bm, u32 idx,
				    enum nat64_stat *why)
{
	struct nat64_block *blk;
	struct mem_cgroup *old;
	u32 addr;

	*why = NAT64_STAT_6TO4_NO_PORT;
	/* The range was replaced meanwhile, and its blocks are going. */
	if (!refcount_inc_not_zero(&bm->ref)) {
		clear_bit(idx, bm->map);
		return NULL;
	}
	old = nat64_memcg_enter(mt);
	blk = kzalloc(nat64_blk_bytes(bm), GFP_NOWAIT | __GFP_NOWARN |
		      __GFP_ACCOUNT);
	nat64_memcg_leave(old);
	if (!blk) {
		clear_bit(idx, bm->map);
		nat64_blockmap_put(bm);
		*why = NAT64_STAT_DROP_NOMEM;
		return NULL;
	}
	atomic_inc(&bm->used);
	atomic_inc(&mt->nblocks);
	if (bm->interim)
		atomic_inc(&mt->ninterim);
	blk->bm = bm;
	blk->idx = idx;
	pa_blk_at(&bm->r, bm->size, bm->per_addr, idx, &addr, &blk->port_lo);
	blk->addr4 = htonl(addr);
	blk->since = jiffies;
	blk->announced = blk->since;
	return blk;
}

/*
 * A new block of @bm: on address number @a if @paired, else on the
 * first address from @a with a free block. NULL with *@why if none.
 */
static struct nat64_block *blk_new(struct nat64_maptable *mt,
				   struct nat64_blockmap *bm, u32 a,
				   bool paired, enum nat64_stat *why)
{
	u32 first = paired ? a * bm->per_addr : 0;
	u32 end = paired ? first + bm->per_addr : bm->nblocks;
	long idx;

	/*
	 * The lowest free block: a subscriber's blocks come in order. A
	 * full range costs no scan of its bitmap.
	 */
	*why = NAT64_STAT_6TO4_NO_PORT;
	if (atomic_read(&bm->used) >= bm->nblocks)
		return NULL;
	idx = blk_claim(bm, first, end, a * bm->per_addr);
	if (idx < 0)
		return NULL;
	return blk_init(mt, bm, idx, why);
}

/* @sub's new block @blk joins its @n others of the range: @ev says so. */
static void blk_add(struct nat64_net *nn, struct nat64_subscriber *sub,
		    struct nat64_block *blk, unsigned int n,
		    struct nat64_blkev *ev)
{
	list_add_tail(&blk->node, &sub->blocks);
	if (n + 1 == blk->bm->max)
		atomic_inc(&blk->bm->at_max);
	blk_ev(ev, NAT64_EVENT_BLOCK_ALLOCATED, sub, blk);
	nat64_stat_inc(nn, NAT64_STAT_BLOCKS_ALLOCATED);
}

enum nat64_stat nat64_blk_take(struct nat64_net *nn, struct nat64_maptable *mt,
			       struct nat64_subscriber *sub, struct nat64_bib *b,
			       struct nat64_blockmap *bm, u32 khash, u32 shash,
			       struct nat64_blkev *ev)
{
	u32 now = jiffies, size = bm->size, k = 0;
	struct nat64_block *blk;
	enum nat64_stat why;
	unsigned int n = 0;
	bool prefix = true;
	u8 p = b->proto;
	__be32 a = 0;

	ev->type = 0;
	/*
	 * Oldest first: new blocks only once the older ones are full. The
	 * oldest sub->skip[p] are known to be full for @p or closed; while
	 * every block looked at is too, the count grows. The range's
	 * blocks, and their address, are counted on the way: a subscriber
	 * at BLK_MAX refused again and again walks its list once a packet.
	 */
	list_for_each_entry(blk, &sub->blocks, node) {
		bool room;

		if (blk->bm == bm) {
			n++;
			a = blk->addr4;
		}
		if (k++ < sub->skip[p])
			continue;
		room = blk->nused[p] < blk->bm->size &&
		       nat64_blk_open(blk, now);
		if (room && blk->bm == bm && blk_port(nn, mt, blk, b, khash)) {
			if (prefix && blk->nused[p] >= size)
				sub->skip[p] = k;
			return 0;
		}
		/* Room left, if only for another range's mappings. */
		if (room)
			prefix = false;
		else if (prefix)
			sub->skip[p] = k;
	}
	if (n >= bm->max) {
		sub->refused++;
		atomic64_inc(&bm->refused);
		return NAT64_STAT_DROP_BLOCK_MAX;
	}
	/* Paired pooling: a subscriber's blocks share its first's address. */
	blk = blk_new(mt, bm, n ? ntohl(a) - bm->r.addr : shash % bm->r.naddr,
		      n, &why);
	if (!blk)
		return why;
	if (!blk_port(nn, mt, blk, b, khash)) {
		/* Every port of it taken by others: never announced. */
		blk_free(mt, blk);
		return NAT64_STAT_6TO4_NO_PORT;
	}
	blk_add(nn, sub, blk, n, ev);
	return 0;
}

int nat64_blk_take_at(struct nat64_net *nn, struct nat64_maptable *mt,
		      struct nat64_subscriber *sub, struct nat64_bib *b,
		      struct nat64_blockmap *bm, u32 addr, u16 port,
		      struct nat64_blkev *ev)
{
	struct nat64_block *blk;
	enum nat64_stat why;
	unsigned int n = 0;
	bool fresh = false;
	u32 idx;

	ev->type = 0;
	if (!pa_blk_index(&bm->r, bm->size, bm->per_addr, addr, port, &idx))
		return -EINVAL;
	list_for_each_entry(blk, &sub->blocks, node) {
		if (blk->bm != bm)
			continue;
		n++;
		if (blk->idx == idx)
			goto have;
	}
	/* Another subscriber's block here: the peer's view conflicts. */
	if (test_and_set_bit(idx, bm->map))
		return -EEXIST;
	blk = blk_init(mt, bm, idx, &why);
	if (!blk)
		return why == NAT64_STAT_DROP_NOMEM ? -ENOMEM : -EEXIST;
	fresh = true;
have:
	if (test_bit(port - blk->port_lo, blk_bits(blk, b->proto)) ||
	    !nat64_bib_link4_at(nn, mt, b, addr, port, false)) {
		if (fresh)
			blk_free(mt, blk);
		return -EEXIST;
	}
	__set_bit(port - blk->port_lo, blk_bits(blk, b->proto));
	blk->used++;
	blk->nused[b->proto]++;
	if (fresh)
		blk_add(nn, sub, blk, n, ev);
	return 0;
}

void nat64_blk_give(struct nat64_net *nn, struct nat64_maptable *mt,
		    struct nat64_subscriber *sub, const struct nat64_bib *b,
		    struct nat64_blkev *ev)
{
	struct nat64_block *blk, *o;
	unsigned int n = 0;

	ev->type = 0;
	list_for_each_entry(blk, &sub->blocks, node) {
		u32 off = (u32)b->port4 - blk->port_lo;
		unsigned long *bits;

		/* One block holds the port: its entry is the only one. */
		if (blk->addr4 != b->addr4 || b->port4 < blk->port_lo ||
		    off >= blk->bm->size)
			continue;
		bits = blk_bits(blk, b->proto);
		if (!test_bit(off, bits))
			continue;
		__clear_bit(off, bits);
		/* A full block has room again: it may be among the skipped. */
		if (blk->nused[b->proto]-- == blk->bm->size)
			sub->skip[b->proto] = 0;
		if (--blk->used)
			return;
		/* The blocks after it move up one. */
		memset(sub->skip, 0, sizeof(sub->skip));
		list_for_each_entry(o, &sub->blocks, node)
			n += o->bm == blk->bm;
		if (n == blk->bm->max)
			atomic_dec(&blk->bm->at_max);
		blk_ev(ev, NAT64_EVENT_BLOCK_RELEASED, sub, blk);
		list_del(&blk->node);
		blk_free(mt, blk);
		nat64_stat_inc(nn, NAT64_STAT_BLOCKS_RELEASED);
		return;
	}
	WARN_ON_ONCE(1);
}

#define BLK_EVBUF	8

void nat64_blk_interim(struct nat64_net *nn, struct nat64_maptable *mt)
{
	struct nat64_blkev ev[BLK_EVBUF];
	u32 now = jiffies, i;

	/*
	 * A look is a walk of every subscriber bucket: only when a block
	 * wants interim events, and at most every 2 s (interims are 10 s
	 * and more apart).
	 */
	if (!atomic_read(&mt->ninterim) ||
	    time_before(jiffies, mt->interim_next))
		return;
	mt->interim_next = jiffies + 2 * HZ;
	for (i = 0; i <= mt->mask; i++) {
		/* Bucket i's lock: its subscribers' hash is i modulo it. */
		spinlock_t *lock = &mt->sub_locks[i % NAT64_SUB_LOCKS];
		struct nat64_subscriber *sub;
		struct nat64_block *blk;
		unsigned int n, k;
		bool more;

		if (!(i & 1023))
			cond_resched();
		if (hlist_empty(&mt->subs[i]))
			continue;
again:
		n = 0;
		more = false;
		spin_lock_bh(lock);
		hlist_for_each_entry(sub, &mt->subs[i], node) {
			list_for_each_entry(blk, &sub->blocks, node) {
				if (!blk->bm->interim ||
				    now - blk->announced < blk->bm->interim)
					continue;
				if (n == BLK_EVBUF) {
					more = true;
					goto out;
				}
				blk->announced = now;
				blk_ev(&ev[n++], NAT64_EVENT_BLOCK_INTERIM, sub,
				       blk);
			}
		}
out:
		spin_unlock_bh(lock);
		for (k = 0; k < n; k++)
			nat64_blk_report(nn, &ev[k]);
		if (more)
			goto again;
	}
}
