// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration of a namespace: pools, rules, static BIB entries and
 * settings. It is kept as data (struct nat64_spec); a change is made to a
 * copy of it (or to an open batch), checked, and committed whole: the
 * objects the packet path reads are built aside and published with RCU.
 * A refused change, or a failed commit, changes nothing.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>

#include "mapping.h"
#include "rfc6052.h"

static struct nat64_pool *pool_find(struct nat64_net *nn, const char *name)
{
	struct nat64_pool *p;

	list_for_each_entry(p, &nn->pools, list)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static struct nat64_ruleset *ruleset(struct nat64_net *nn)
{
	return rcu_dereference_protected(nn->rules,
					 lockdep_is_held(&nn->config_lock));
}

static int rule_find(struct nat64_ruleset *rs, const char *name)
{
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (!strcmp(rs->rule[i]->name, name))
			return i;
	return -1;
}

static const struct nat64_pranges *pranges(struct nat64_net *nn,
					   const struct nat64_pool *p)
{
	return rcu_dereference_protected(p->ranges,
					 lockdep_is_held(&nn->config_lock));
}

static bool ranges_overlap(const struct nat64_prange *a,
			   const struct nat64_prange *b)
{
	return a->r.addr <= b->r.addr + (b->r.naddr - 1) &&
	       b->r.addr <= a->r.addr + (a->r.naddr - 1) &&
	       a->r.port_lo <= b->r.port_hi && b->r.port_lo <= a->r.port_hi;
}

/* A range set and the references its block ranges hold. */
static void pranges_free(const struct nat64_pranges *rs)
{
	unsigned int k;

	for (k = 0; rs && k < rs->n; k++)
		nat64_blockmap_put(rs->r[k].bm);
	kfree(rs);
}

static void pranges_free_rcu(struct rcu_head *head)
{
	pranges_free(container_of(head, struct nat64_pranges, rcu));
}

static void pool_free(struct nat64_pool *p)
{
	pranges_free(rcu_dereference_protected(p->ranges, 1));
	kfree(p);
}

static void pool_free_rcu(struct rcu_head *head)
{
	pool_free(container_of(head, struct nat64_pool, rcu));
}

bool nat64_pool_has(const struct nat64_pool *pool, u32 addr, int port,
		    int proto)
{
	const struct nat64_pranges *rs = rcu_dereference_check(pool->ranges,
							       1);
	unsigned int k;

	for (k = 0; k < rs->n; k++) {
		const struct nat64_prange *pr = &rs->r[k];

		if (addr - pr->r.addr < pr->r.naddr &&
		    (proto < 0 || pr->protos & BIT(proto)) &&
		    (port < 0 ||
		     (port >= pr->r.port_lo && port <= pr->r.port_hi)))
			return true;
	}
	return false;
}

/*
 * The namespace's hooks, with IPv4 and IPv6 reassembly in front of them:
 * the translator sees whole packets and fragments them again on output.
 */
static int hooks_on(struct nat64_net *nn)
{
	int err;

	if (nn->hooks_registered)
		return 0;
	err = nat64_defrag_enable(nn->net);
	if (err)
		return err;
	err = nf_register_net_hooks(nn->net, nn->hook_ops,
				    ARRAY_SIZE(nn->hook_ops));
	if (err) {
		nat64_defrag_disable(nn->net);
		return err;
	}
	nn->hooks_registered = true;
	return 0;
}

void nat64_hooks_off(struct nat64_net *nn)
{
	if (!nn->hooks_registered)
		return;
	nf_unregister_net_hooks(nn->net, nn->hook_ops,
				ARRAY_SIZE(nn->hook_ops));
	nat64_defrag_disable(nn->net);
	nn->hooks_registered = false;
}


/* ---- specs: plain data, no side effects ---- */

static const struct nat64_settings default_settings_ = {
	.lowest_ipv6_mtu = 1280,
	/* RFC 6146 §4 defaults. */
	.timeout = {
		[NAT64_TO_UDP] = 300,
		[NAT64_TO_TCP_EST] = 7440,
		[NAT64_TO_TCP_TRANS] = 240,
		[NAT64_TO_ICMP] = 60,
		[NAT64_TO_SYN] = 6,
	},
	.limit_sessions = 4194304,	/* at most: see default_settings() */
	.limit_sess_map = 4096,
	.limit_sess_sub = 65536,
	.subscriber_plen = 128,
	.max_stored_syns = 10,
};

/* The defaults; the session limit an eighth of RAM's worth, at most 4M. */
static struct nat64_settings default_settings(void)
{
	struct nat64_settings v = default_settings_;
	u64 ram = (u64)totalram_pages() * (PAGE_SIZE / 8 / NAT64_SESSION_COST);

	v.limit_sessions = clamp_t(u64, ram, 1, v.limit_sessions);
	return v;
}

static struct nat64_spec *spec_alloc(void)
{
	struct nat64_spec *s = kvzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (s)
		s->set = default_settings();
	return s;
}

void nat64_spec_free(struct nat64_spec *s)
{
	if (s)
		kvfree(s->statics);
	kvfree(s);
}

static struct nat64_spec *spec_dup(const struct nat64_spec *o)
{
	struct nat64_spec *s = kvmalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return NULL;
	memcpy(s, o, sizeof(*s));
	s->statics = NULL;
	s->cap = 0;
	if (o->nstatics) {
		s->statics = kvmalloc_array(o->nstatics, sizeof(*s->statics),
					    GFP_KERNEL_ACCOUNT);
		if (!s->statics) {
			kvfree(s);
			return NULL;
		}
		memcpy(s->statics, o->statics,
		       o->nstatics * sizeof(*s->statics));
		s->cap = o->nstatics;
	}
	return s;
}

void nat64_spec_flush(struct nat64_spec *s)
{
	s->set = default_settings();
	s->npools = 0;
	s->nrules = 0;
	s->nstatics = 0;
	s->ndeny = 0;
	s->nfastpath = 0;
}

static int spool_find(const struct nat64_spec *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->npools; i++)
		if (!strcmp(s->pools[i].name, name))
			return i;
	return -1;
}

static int srule_find(const struct nat64_spec *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nrules; i++)
		if (!strcmp(s->rules[i].name, name))
			return i;
	return -1;
}

/* Do IPv6 prefixes @a/@alen and @b/@blen overlap (any lengths)? */
static bool prefixes_overlap6(const u8 *a, u8 alen, const u8 *b, u8 blen)
{
	unsigned int n = min(alen, blen);

	if (memcmp(a, b, n / 8))
		return false;
	return !(n % 8) || !((a[n / 8] ^ b[n / 8]) & (0xff00 >> (n % 8)));
}

int nat64_spec_pool_add(struct nat64_spec *s, const char *name,
			const struct nat64_prange *pr,
			struct netlink_ext_ack *extack)
{
	struct nat64_spool *sp;
	unsigned int i, k;
	int at;

	for (i = 0; i < s->npools; i++) {
		for (k = 0; k < s->pools[i].n; k++) {
			const struct nat64_prange *o = &s->pools[i].r[k];

			if (ranges_overlap(o, pr)) {
				NL_SET_ERR_MSG(extack,
					       "addresses and ports overlap a pool's");
				return -EADDRINUSE;
			}
			if (pr->det && o->det &&
			    prefixes_overlap6(o->det_cfg.prefix,
					      o->det_cfg.plen,
					      pr->det_cfg.prefix,
					      pr->det_cfg.plen)) {
				NL_SET_ERR_MSG(extack,
					       "deterministic prefix overlaps another deterministic range's");
				return -EADDRINUSE;
			}
		}
	}
	at = spool_find(s, name);
	if (at < 0) {
		if (s->npools >= NAT64_MAX_POOLS) {
			NL_SET_ERR_MSG(extack, "too many pools");
			return -ENOSPC;
		}
		sp = &s->pools[s->npools++];
		memset(sp, 0, sizeof(*sp));
		strscpy(sp->name, name, sizeof(sp->name));
	} else {
		sp = &s->pools[at];
		if (sp->n >= NAT64_MAX_RANGES) {
			NL_SET_ERR_MSG(extack, "too many ranges in the pool");
			return -ENOSPC;
		}
	}
	sp->r[sp->n] = *pr;
	atomic_set(&sp->r[sp->n].next, 0);
	sp->n++;
	return 0;
}

int nat64_spec_pool_del(struct nat64_spec *s, const char *name,
			struct netlink_ext_ack *extack)
{
	int at = spool_find(s, name);
	unsigned int i;

	if (at < 0) {
		NL_SET_ERR_MSG(extack, "no pool of that name");
		return -ENOENT;
	}
	for (i = 0; i < s->nrules; i++) {
		if (!strcmp(s->rules[i].pool, name)) {
			NL_SET_ERR_MSG(extack, "pool is used by a rule");
			return -EBUSY;
		}
	}
	memmove(&s->pools[at], &s->pools[at + 1],
		(s->npools - at - 1) * sizeof(s->pools[0]));
	s->npools--;
	return 0;
}

static bool prefixes_overlap(const u8 *a, u8 alen, const u8 *b, u8 blen)
{
	return !memcmp(a, b, min(alen, blen) / 8);
}

int nat64_spec_rule_add(struct nat64_spec *s, const struct nat64_srule *r,
			struct netlink_ext_ack *extack)
{
	unsigned int i;

	switch (rfc6052_prefix_check(r->prefix, r->plen)) {
	case RFC6052_PREFIX_OK:
		break;
	case RFC6052_PREFIX_BAD_LEN:
		NL_SET_ERR_MSG(extack,
			       "prefix length must be 32, 40, 48, 56, 64 or 96");
		return -EINVAL;
	case RFC6052_PREFIX_HOST_BITS:
		NL_SET_ERR_MSG(extack, "prefix has bits set past its length");
		return -EINVAL;
	case RFC6052_PREFIX_U_OCTET:
		NL_SET_ERR_MSG(extack,
			       "prefix has a non-zero u-octet (bits 64-71)");
		return -EINVAL;
	}
	if (r->src_plen || memchr_inv(r->src, 0, 16)) {
		struct in6_addr a;

		ipv6_addr_prefix(&a, (const struct in6_addr *)r->src,
				 r->src_plen);
		if (memcmp(&a, r->src, 16)) {
			NL_SET_ERR_MSG(extack,
				       "source prefix has bits set past its length");
			return -EINVAL;
		}
	}
	if (srule_find(s, r->name) >= 0) {
		NL_SET_ERR_MSG(extack, "a rule of that name exists");
		return -EEXIST;
	}
	for (i = 0; i < s->nrules; i++) {
		const struct nat64_srule *o = &s->rules[i];

		if (prefixes_overlap(o->prefix, o->plen, r->prefix, r->plen) &&
		    o->src_plen == r->src_plen && !memcmp(o->src, r->src, 16)) {
			NL_SET_ERR_MSG(extack,
				       "prefix overlaps another rule's with the same source");
			return -EADDRINUSE;
		}
	}
	if (s->nrules >= NAT64_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "too many rules");
		return -ENOSPC;
	}
	if (spool_find(s, r->pool) < 0) {
		NL_SET_ERR_MSG(extack, "no pool of that name");
		return -ENOENT;
	}
	s->rules[s->nrules++] = *r;
	return 0;
}

int nat64_spec_rule_del(struct nat64_spec *s, const char *name,
			struct netlink_ext_ack *extack)
{
	int at = srule_find(s, name);

	if (at < 0) {
		NL_SET_ERR_MSG(extack, "no rule of that name");
		return -ENOENT;
	}
	memmove(&s->rules[at], &s->rules[at + 1],
		(s->nrules - at - 1) * sizeof(s->rules[0]));
	s->nrules--;
	return 0;
}

static u32 mask4(u8 plen)
{
	return plen ? 0xffffffffU << (32 - plen) : 0;
}

static int sdeny_find(const struct nat64_spec *s, u32 addr, u8 plen)
{
	unsigned int i;

	for (i = 0; i < s->ndeny; i++)
		if (s->deny[i].addr == addr && s->deny[i].plen == plen)
			return i;
	return -1;
}

int nat64_spec_deny_add(struct nat64_spec *s, u32 addr, u8 plen,
			struct netlink_ext_ack *extack)
{
	if (plen > 32 || addr & ~mask4(plen)) {
		NL_SET_ERR_MSG(extack,
			       "denied network has bits set past its length");
		return -EINVAL;
	}
	if (sdeny_find(s, addr, plen) >= 0) {
		NL_SET_ERR_MSG(extack, "that network is denied already");
		return -EEXIST;
	}
	if (s->ndeny >= NAT64_MAX_DENY) {
		NL_SET_ERR_MSG(extack, "too many denied networks");
		return -ENOSPC;
	}
	s->deny[s->ndeny].addr = addr;
	s->deny[s->ndeny].plen = plen;
	s->ndeny++;
	return 0;
}

int nat64_spec_deny_del(struct nat64_spec *s, u32 addr, u8 plen,
			struct netlink_ext_ack *extack)
{
	int at = sdeny_find(s, addr, plen);

	if (at < 0) {
		NL_SET_ERR_MSG(extack, "that network is not denied");
		return -ENOENT;
	}
	memmove(&s->deny[at], &s->deny[at + 1],
		(s->ndeny - at - 1) * sizeof(s->deny[0]));
	s->ndeny--;
	return 0;
}

int nat64_spec_fastpath_find(const struct nat64_spec *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nfastpath; i++)
		if (!strncmp(s->fastpath[i], name, IFNAMSIZ))
			return i;
	return -1;
}

int nat64_spec_fastpath_add(struct nat64_spec *s, const char *name,
			    struct netlink_ext_ack *extack)
{
	if (!dev_valid_name(name)) {
		NL_SET_ERR_MSG(extack, "not a valid interface name");
		return -EINVAL;
	}
	if (nat64_spec_fastpath_find(s, name) >= 0) {
		NL_SET_ERR_MSG(extack, "that interface has the fast path already");
		return -EEXIST;
	}
	if (s->nfastpath >= NAT64_MAX_FASTPATH) {
		NL_SET_ERR_MSG(extack, "too many fast path interfaces");
		return -ENOSPC;
	}
	strscpy(s->fastpath[s->nfastpath], name, IFNAMSIZ);
	s->nfastpath++;
	return 0;
}

int nat64_spec_fastpath_del(struct nat64_spec *s, const char *name,
			    struct netlink_ext_ack *extack)
{
	int at = nat64_spec_fastpath_find(s, name);

	if (at < 0) {
		NL_SET_ERR_MSG(extack, "that interface has no fast path");
		return -ENOENT;
	}
	memmove(s->fastpath[at], s->fastpath[at + 1],
		(s->nfastpath - at - 1) * IFNAMSIZ);
	s->nfastpath--;
	return 0;
}

bool nat64_denied(struct nat64_net *nn, u32 addr)
{
	const struct nat64_denyset *ds = rcu_dereference(nn->deny);
	unsigned int i;

	for (i = 0; ds && i < ds->n; i++)
		if (!((addr ^ ds->d[i].addr) & mask4(ds->d[i].plen)))
			return true;
	return false;
}

/* Is IPv4 address @a (host order) in a pool a rule of @s uses? */
static bool spec_addr_ruled(const struct nat64_spec *s, u32 a)
{
	unsigned int i, k;
	int p;

	for (i = 0; i < s->nrules; i++) {
		p = spool_find(s, s->rules[i].pool);
		for (k = 0; p >= 0 && k < s->pools[p].n; k++)
			if (a - s->pools[p].r[k].r.addr < s->pools[p].r[k].r.naddr)
				return true;
	}
	return false;
}

/* Static entries are sorted by protocol, IPv6 side, IPv4 side. */
static int sstatic_cmp(const struct nat64_sstatic *a,
		       const struct nat64_sstatic *b)
{
	int c = (int)a->proto - (int)b->proto;

	if (!c)
		c = memcmp(&a->addr6, &b->addr6, 16);
	if (!c)
		c = (int)a->port6 - (int)b->port6;
	if (!c)
		c = memcmp(&a->addr4, &b->addr4, 4);
	if (!c)
		c = (int)a->port4 - (int)b->port4;
	return c;
}

/* Index of @st in s->statics, or where it would go (-1 - index). */
static int sstatic_find(const struct nat64_spec *s,
			const struct nat64_sstatic *st)
{
	int lo = 0, hi = s->nstatics - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = sstatic_cmp(&s->statics[mid], st);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1 - lo;
}

int nat64_spec_static_add(struct nat64_spec *s,
			  const struct nat64_sstatic *st,
			  struct netlink_ext_ack *extack)
{
	unsigned int i;
	int at;

	if (!spec_addr_ruled(s, ntohl(st->addr4))) {
		NL_SET_ERR_MSG(extack,
			       "the IPv4 address is in no pool that a rule uses");
		return -EINVAL;
	}
	for (i = 0; i < s->nstatics; i++) {
		const struct nat64_sstatic *o = &s->statics[i];

		if (o->proto != st->proto)
			continue;
		if (ipv6_addr_equal(&o->addr6, &st->addr6) &&
		    o->port6 == st->port6) {
			NL_SET_ERR_MSG(extack,
				       "that IPv6 address and port have a mapping already");
			return -EEXIST;
		}
		if (o->addr4 == st->addr4 && o->port4 == st->port4) {
			NL_SET_ERR_MSG(extack,
				       "that IPv4 address and port are mapped already");
			return -EEXIST;
		}
	}
	if (s->nstatics >= NAT64_MAX_STATICS) {
		NL_SET_ERR_MSG(extack, "too many static mappings");
		return -ENOSPC;
	}
	if (s->nstatics == s->cap) {
		unsigned int cap = max(16U, s->cap * 2);
		struct nat64_sstatic *n;

		n = kvmalloc_array(cap, sizeof(*n), GFP_KERNEL_ACCOUNT);
		if (!n)
			return -ENOMEM;
		if (s->nstatics)
			memcpy(n, s->statics, s->nstatics * sizeof(*n));
		kvfree(s->statics);
		s->statics = n;
		s->cap = cap;
	}
	at = -1 - sstatic_find(s, st);
	memmove(&s->statics[at + 1], &s->statics[at],
		(s->nstatics - at) * sizeof(*st));
	s->statics[at] = *st;
	s->nstatics++;
	return 0;
}

int nat64_spec_static_del(struct nat64_spec *s,
			  const struct nat64_sstatic *st,
			  struct netlink_ext_ack *extack)
{
	int at = sstatic_find(s, st);

	if (at < 0) {
		NL_SET_ERR_MSG(extack, "no such static mapping");
		return -ENOENT;
	}
	memmove(&s->statics[at], &s->statics[at + 1],
		(s->nstatics - at - 1) * sizeof(*st));
	s->nstatics--;
	return 0;
}

/* ---- commit: build the running objects of a spec and swap them in ---- */

/* What a commit builds aside before it publishes anything. */
struct plan {
	struct nat64_pool *pool[NAT64_MAX_POOLS];	/* per spec pool */
	bool pool_new[NAT64_MAX_POOLS];
	struct nat64_pranges *ranges[NAT64_MAX_POOLS];	/* NULL: same */
	bool shrunk[NAT64_MAX_POOLS];	/* lost addresses or ports */
	struct nat64_rule *rule[NAT64_MAX_RULES];	/* per spec rule */
	bool rule_new[NAT64_MAX_RULES];
	struct nat64_ruleset *rs;
	struct nat64_denyset *deny;	/* NULL: same (or none) */
	bool hooks_were;
};

static bool prange_eq(const struct nat64_prange *a,
		      const struct nat64_prange *b)
{
	return a->r.addr == b->r.addr && a->r.naddr == b->r.naddr &&
	       a->r.port_lo == b->r.port_lo && a->r.port_hi == b->r.port_hi &&
	       a->protos == b->protos && a->sequential == b->sequential &&
	       a->plen == b->plen && a->last == b->last && a->det == b->det &&
	       (!a->det || (a->det_cfg.plen == b->det_cfg.plen &&
			    a->det_cfg.sublen == b->det_cfg.sublen &&
			    !memcmp(a->det_cfg.prefix, b->det_cfg.prefix, 16))) &&
	       a->quiet == b->quiet && a->peer == b->peer && a->blk == b->blk &&
	       (!a->blk || (a->blk_size == b->blk_size &&
			    a->blk_max == b->blk_max &&
			    a->blk_timeout == b->blk_timeout &&
			    a->blk_interim == b->blk_interim &&
			    a->blk_sublen == b->blk_sublen));
}

/*
 * The deterministic ranges of @s, with the subscriber length of @s:
 * their formula's figures, or -EINVAL if it does not work.
 */
static int spec_det_check(struct nat64_spec *s, struct netlink_ext_ack *extack)
{
	unsigned int i, k;

	for (i = 0; i < s->npools; i++) {
		for (k = 0; k < s->pools[i].n; k++) {
			struct nat64_prange *pr = &s->pools[i].r[k];
			struct pa_det *d = &pr->det_cfg;

			/* Subscribers change with the length: blocks go. */
			pr->blk_sublen = pr->blk ? s->set.subscriber_plen : 0;
			if (!pr->det)
				continue;
			d->addr = pr->r.addr;
			d->naddr = pr->r.naddr;
			d->port_lo = pr->r.port_lo;
			d->port_hi = pr->r.port_hi;
			d->sublen = s->set.subscriber_plen;
			switch (pa_det_shape(d, &pr->det_shape)) {
			case PA_DET_OK:
				break;
			case PA_DET_SUBLEN:
				NL_SET_ERR_MSG(extack,
					       "deterministic pool: the subscriber prefix must be longer than the pool's IPv6 prefix");
				return -EINVAL;
			case PA_DET_TOO_MANY:
				NL_SET_ERR_MSG(extack,
					       "deterministic pool: more subscribers than addresses and ports (less than 1 port each)");
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Pool @i of @s against the running pool of its name. */
static int plan_pool(struct nat64_net *nn, const struct nat64_spool *sp,
		     struct plan *pl, unsigned int i)
{
	const struct nat64_pranges *old = NULL;
	struct nat64_pranges *rs;
	unsigned int j, k;
	bool same;

	pl->pool[i] = pool_find(nn, sp->name);
	if (pl->pool[i]) {
		old = pranges(nn, pl->pool[i]);
		same = old->n == sp->n;
		for (k = 0; same && k < sp->n; k++)
			same = prange_eq(&old->r[k], &sp->r[k]);
		if (same)
			return 0;
	} else {
		pl->pool[i] = kzalloc(sizeof(*pl->pool[i]), GFP_KERNEL_ACCOUNT);
		if (!pl->pool[i])
			return -ENOMEM;
		pl->pool_new[i] = true;
		strscpy(pl->pool[i]->name, sp->name,
			sizeof(pl->pool[i]->name));
	}
	rs = kzalloc(struct_size(rs, r, sp->n), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return -ENOMEM;
	rs->n = sp->n;
	for (k = 0; k < sp->n; k++) {
		rs->r[k] = sp->r[k];
		rs->r[k].bm = NULL;
		atomic_set(&rs->r[k].next, 0);
	}
	pl->ranges[i] = rs;
	/*
	 * Ranges kept keep their place and their blocks; any other one
	 * going shrinks it.
	 */
	for (j = 0; old && j < old->n; j++) {
		for (k = 0; k < sp->n; k++) {
			if (prange_eq(&old->r[j], &sp->r[k]) && !rs->r[k].bm) {
				atomic_set(&rs->r[k].next,
					   atomic_read(&old->r[j].next));
				if (old->r[j].bm) {
					rs->r[k].bm = old->r[j].bm;
					nat64_blockmap_get(rs->r[k].bm);
				}
				break;
			}
		}
		if (k == sp->n)
			pl->shrunk[i] = true;
	}
	for (k = 0; k < sp->n; k++) {
		if (!rs->r[k].blk || rs->r[k].bm)
			continue;
		rs->r[k].bm = nat64_blockmap_new(&rs->r[k], sp->name);
		if (!rs->r[k].bm)
			return -ENOMEM;
	}
	if (pl->pool_new[i])
		RCU_INIT_POINTER(pl->pool[i]->ranges, rs);
	return 0;
}

static bool rule_same(const struct nat64_rule *r, const struct nat64_srule *sr)
{
	return !strcmp(r->pool->name, sr->pool) && r->plen == sr->plen &&
	       !memcmp(r->prefix, sr->prefix, 16) &&
	       r->src_plen == sr->src_plen && !memcmp(r->src, sr->src, 16);
}

/* An id no built rule holds and @pl did not give yet (see nat64.h). */
static u8 rule_id_free(struct nat64_net *nn, const struct plan *pl,
		       unsigned int nnew)
{
	unsigned int id, i;

	for (id = 1; id < NAT64_RULE_IDS; id++) {
		if (rcu_access_pointer(nn->rule_by_id[id]))
			continue;
		for (i = 0; i < nnew; i++)
			if (pl->rule[i] && pl->rule[i]->id == id)
				break;
		if (i == nnew)
			return id;
	}
	return 0;	/* cannot happen: 64 old rules and 64 new fit */
}

static int plan_rules(struct nat64_net *nn, const struct nat64_spec *s,
		      struct plan *pl)
{
	struct nat64_ruleset *old = ruleset(nn);
	unsigned int i;

	pl->rs = kzalloc(struct_size(pl->rs, rule, s->nrules),
			 GFP_KERNEL_ACCOUNT);
	if (!pl->rs)
		return -ENOMEM;
	pl->rs->n = s->nrules;
	for (i = 0; i < s->nrules; i++) {
		const struct nat64_srule *sr = &s->rules[i];
		int p = spool_find(s, sr->pool), o = rule_find(old, sr->name);
		struct nat64_rule *r;

		if (p < 0)	/* the spec operations keep this from happening */
			return -EINVAL;
		if (o >= 0 && rule_same(old->rule[o], sr) && !pl->shrunk[p]) {
			pl->rs->rule[i] = old->rule[o];
			continue;
		}
		r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
		if (!r)
			return -ENOMEM;
		strscpy(r->name, sr->name, sizeof(r->name));
		memcpy(r->prefix, sr->prefix, 16);
		r->plen = sr->plen;
		r->wkp = rfc6052_is_wkp(r->prefix, r->plen);
		memcpy(r->src, sr->src, 16);
		r->src_plen = sr->src_plen;
		r->pool = pl->pool[p];
		r->id = rule_id_free(nn, pl, i);
		if (WARN_ON_ONCE(!r->id)) {
			kfree(r);
			return -ENOSPC;
		}
		pl->rule[i] = r;
		pl->rule_new[i] = true;
		pl->rs->rule[i] = r;
	}
	return 0;
}

/* The deny list of @s, if it is not the one of @o. */
static int plan_deny(const struct nat64_spec *o, const struct nat64_spec *s,
		     struct plan *pl)
{
	if (o->ndeny == s->ndeny &&
	    !memcmp(o->deny, s->deny, s->ndeny * sizeof(s->deny[0])))
		return 0;
	if (!s->ndeny)
		return 0;
	pl->deny = kzalloc(struct_size(pl->deny, d, s->ndeny),
			   GFP_KERNEL_ACCOUNT);
	if (!pl->deny)
		return -ENOMEM;
	pl->deny->n = s->ndeny;
	memcpy(pl->deny->d, s->deny, s->ndeny * sizeof(s->deny[0]));
	return 0;
}

static void plan_free(struct nat64_net *nn, const struct nat64_spec *s,
		      struct plan *pl)
{
	unsigned int i;

	for (i = 0; i < s->nrules; i++)
		if (pl->rule_new[i])
			kfree(pl->rule[i]);
	kfree(pl->rs);
	kfree(pl->deny);
	for (i = 0; i < s->npools; i++) {
		pranges_free(pl->ranges[i]);
		if (pl->pool_new[i])
			kfree(pl->pool[i]);
	}
	if (!pl->hooks_were)
		nat64_hooks_off(nn);
	kfree(pl);
}

static int static_apply(struct nat64_net *nn, const struct nat64_sstatic *st,
			bool add, bool evict, struct netlink_ext_ack *extack)
{
	if (add)
		return nat64_bib_add_static(nn, st->proto, &st->addr6,
					    st->port6, st->addr4, st->port4,
					    evict, extack);
	return nat64_bib_del_static(nn, st->proto, &st->addr6, st->port6,
				    st->addr4, st->port4, extack);
}

/*
 * Static entries: remove those of @o that @s lacks, then add those @s
 * has that @o lacks. If an add fails (the IPv6 or IPv4 side is taken by
 * a dynamic entry), put everything back as it was. Meanwhile packets may
 * have made dynamic entries on the sides the removed ones held: putting
 * those back evicts them, and cannot fail.
 */
static int statics_apply(struct nat64_net *nn, const struct nat64_spec *o,
			 const struct nat64_spec *s,
			 struct netlink_ext_ack *extack)
{
	unsigned int i, j, added = 0;
	int err = 0;

	for (i = 0; i < o->nstatics; i++)
		if (sstatic_find(s, &o->statics[i]) < 0)
			static_apply(nn, &o->statics[i], false, false, NULL);
	for (j = 0; j < s->nstatics; j++) {
		if (sstatic_find(o, &s->statics[j]) >= 0)
			continue;
		err = static_apply(nn, &s->statics[j], true, false, extack);
		if (err)
			break;
		added++;
	}
	if (!err)
		return 0;
	for (j = 0; added && j < s->nstatics; j++) {
		if (sstatic_find(o, &s->statics[j]) >= 0)
			continue;
		static_apply(nn, &s->statics[j], false, false, NULL);
		added--;
	}
	for (i = 0; i < o->nstatics; i++)
		if (sstatic_find(s, &o->statics[i]) < 0)
			WARN_ON_ONCE(static_apply(nn, &o->statics[i], true,
						  true, NULL));
	return err;
}

static void settings_apply(struct nat64_net *nn, const struct nat64_settings *v)
{
	int i;

	WRITE_ONCE(nn->lowest_ipv6_mtu, v->lowest_ipv6_mtu);
	WRITE_ONCE(nn->clear_df, v->clear_df);
	WRITE_ONCE(nn->reset_tos, v->reset_tos);
	for (i = 0; i < NAT64_TO_COUNT; i++)
		WRITE_ONCE(nn->timeout[i], v->timeout[i]);
	WRITE_ONCE(nn->filter_addr, v->filter_addr);
	WRITE_ONCE(nn->drop_ext_tcp, v->drop_ext_tcp);
	WRITE_ONCE(nn->limit_sessions, v->limit_sessions);
	/*
	 * Ports are counted while a limit is set: entries made before it
	 * are not held against a subscriber.
	 */
	WRITE_ONCE(nn->limit_ports, v->limit_ports);
	WRITE_ONCE(nn->limit_sess_map, v->limit_sess_map);
	WRITE_ONCE(nn->limit_sess_sub, v->limit_sess_sub);
	WRITE_ONCE(nn->subscriber_plen, v->subscriber_plen);
	WRITE_ONCE(nn->max_stored_syns, v->max_stored_syns);
	WRITE_ONCE(nn->mode, v->mode);
	WRITE_ONCE(nn->log_mappings, v->log_mappings);
	WRITE_ONCE(nn->log_dests, v->log_dests);
}

static bool rule_kept(const struct nat64_ruleset *rs,
		      const struct nat64_rule *r)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (rs->rule[i] == r)
			return true;
	return false;
}

int nat64_commit(struct nat64_net *nn, struct nat64_spec *s,
		 struct netlink_ext_ack *extack)
{
	struct nat64_ruleset *old_rs = ruleset(nn);
	struct nat64_spec *o = nn->spec;
	/* In target mode, packets come through the xtables target. */
	bool hooks = s->nrules && s->set.mode == NAT64_MODE_HOOKS;
	struct nat64_pool *p, *tmp;
	struct plan *pl;
	unsigned int i;
	int err;

	lockdep_assert_held(&nn->config_lock);
	err = spec_det_check(s, extack);
	if (err) {
		nat64_spec_free(s);
		return err;
	}
	for (i = 0; i < s->nstatics; i++) {
		if (!spec_addr_ruled(s, ntohl(s->statics[i].addr4))) {
			NL_SET_ERR_MSG(extack,
				       "a static mapping's IPv4 address would be in no pool that a rule uses");
			nat64_spec_free(s);
			return -EINVAL;
		}
	}
	pl = kzalloc(sizeof(*pl), GFP_KERNEL_ACCOUNT);
	if (!pl) {
		nat64_spec_free(s);
		return -ENOMEM;
	}
	pl->hooks_were = nn->hooks_registered;

	/* Build: nothing the packet path sees changes until publish. */
	for (i = 0; i < s->npools; i++) {
		err = plan_pool(nn, &s->pools[i], pl, i);
		if (err)
			goto fail;
	}
	err = plan_rules(nn, s, pl);
	if (!err)
		err = plan_deny(o, s, pl);
	if (!err && (s->nrules || s->nstatics))
		err = nat64_maps_init(nn);
	if (!err && hooks)
		err = hooks_on(nn);
	if (!err)
		err = nat64_fp_plan(nn, s, extack);
	if (!err)
		err = statics_apply(nn, o, s, extack);
	if (err)
		goto fail;

	/* Publish. */
	for (i = 0; i < s->npools; i++) {
		if (pl->pool_new[i]) {
			list_add_tail(&pl->pool[i]->list, &nn->pools);
			nn->npools++;
		} else if (pl->ranges[i]) {
			const struct nat64_pranges *or = pranges(nn,
								 pl->pool[i]);

			rcu_assign_pointer(pl->pool[i]->ranges, pl->ranges[i]);
			call_rcu((struct rcu_head *)&or->rcu, pranges_free_rcu);
		}
	}
	for (i = 0; i < s->nrules; i++)
		if (pl->rule_new[i])
			rcu_assign_pointer(nn->rule_by_id[pl->rule[i]->id],
					   pl->rule[i]);
	rcu_assign_pointer(nn->rules, pl->rs);
	if (pl->deny || !s->ndeny) {
		struct nat64_denyset *od;

		od = rcu_replace_pointer(nn->deny, pl->deny,
					 lockdep_is_held(&nn->config_lock));
		if (od)
			kfree_rcu(od, rcu);
	}
	settings_apply(nn, &s->set);
	if (!hooks)
		nat64_hooks_off(nn);
	nat64_fp_apply(nn, s);

	/*
	 * Rules gone or rebuilt: once no packet sees them, their mappings
	 * go with them.
	 */
	for (i = 0; old_rs && i < old_rs->n; i++) {
		if (!rule_kept(pl->rs, old_rs->rule[i])) {
			synchronize_rcu();
			break;
		}
	}
	for (i = 0; old_rs && i < old_rs->n; i++) {
		struct nat64_rule *r = old_rs->rule[i];

		if (rule_kept(pl->rs, r))
			continue;
		nat64_maps_flush(nn, r->id, false);
		RCU_INIT_POINTER(nn->rule_by_id[r->id], NULL);
		kfree_rcu(r, rcu);
	}
	if (old_rs)
		kfree_rcu(old_rs, rcu);
	list_for_each_entry_safe(p, tmp, &nn->pools, list) {
		if (spool_find(s, p->name) >= 0)
			continue;
		list_del(&p->list);
		nn->npools--;
		call_rcu(&p->rcu, pool_free_rcu);
	}
	kfree(pl);
	nat64_spec_free(o);
	nn->spec = s;
	nn->spec_gen++;
	return 0;

fail:
	nat64_fp_unplan(nn, s);
	plan_free(nn, s, pl);
	nat64_spec_free(s);
	return err;
}

/* ---- editing and batches ---- */

struct nat64_spec *nat64_spec_edit(struct nat64_net *nn, bool batch,
				   u32 portid, struct netlink_ext_ack *extack)
{
	struct nat64_spec *s;

	lockdep_assert_held(&nn->config_lock);
	if (batch) {
		if (!nn->stage || nn->stage_portid != portid) {
			NL_SET_ERR_MSG(extack,
				       "no batch is open on this socket");
			return ERR_PTR(-EINVAL);
		}
		return nn->stage;
	}
	s = spec_dup(nn->spec);
	return s ? s : ERR_PTR(-ENOMEM);
}

int nat64_batch_begin(struct nat64_net *nn, u32 portid,
		      struct netlink_ext_ack *extack)
{
	struct nat64_spec *s;
	int err = 0;

	mutex_lock(&nn->config_lock);
	if (nn->stage) {
		if (nn->stage_portid == portid)
			NL_SET_ERR_MSG(extack,
				       "a batch is open on this socket already");
		else
			NL_SET_ERR_MSG(extack,
				       "another batch is open in this namespace");
		err = -EBUSY;
		goto out;
	}
	s = spec_dup(nn->spec);
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	nn->stage = s;
	nn->stage_portid = portid;
	nn->stage_gen = nn->spec_gen;
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

int nat64_batch_end(struct nat64_net *nn, u32 portid, bool commit,
		    struct netlink_ext_ack *extack)
{
	struct nat64_spec *s;
	int err = 0;

	mutex_lock(&nn->config_lock);
	s = nn->stage;
	if (!s || nn->stage_portid != portid) {
		NL_SET_ERR_MSG(extack, "no batch is open on this socket");
		err = -EINVAL;
		goto out;
	}
	nn->stage = NULL;
	if (!commit) {
		nat64_spec_free(s);
	} else if (nn->stage_gen != nn->spec_gen) {
		NL_SET_ERR_MSG(extack,
			       "the configuration changed since the batch began");
		nat64_spec_free(s);
		err = -EAGAIN;
	} else {
		err = nat64_commit(nn, s, extack);
	}
out:
	mutex_unlock(&nn->config_lock);
	return err;
}

void nat64_batch_release(struct nat64_net *nn, u32 portid)
{
	mutex_lock(&nn->config_lock);
	if (nn->stage && nn->stage_portid == portid) {
		nat64_spec_free(nn->stage);
		nn->stage = NULL;
	}
	mutex_unlock(&nn->config_lock);
}

int nat64_config_init(struct nat64_net *nn)
{
	/* Log lines: 1000 a second; no "suppressed" lines of its own. */
	ratelimit_state_init(&nn->log_rs, HZ, 1000);
	ratelimit_set_flags(&nn->log_rs, RATELIMIT_MSG_ON_RELEASE);
	nn->spec = spec_alloc();
	if (!nn->spec)
		return -ENOMEM;
	settings_apply(nn, &nn->spec->set);
	return 0;
}

/* Namespace exit: hooks and netlink are gone, tables already flushed. */
void nat64_config_exit(struct nat64_net *nn)
{
	struct nat64_ruleset *rs = rcu_dereference_protected(nn->rules, 1);
	struct nat64_pool *p, *tmp;
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++) {
		RCU_INIT_POINTER(nn->rule_by_id[rs->rule[i]->id], NULL);
		kfree(rs->rule[i]);
	}
	kfree(rs);
	RCU_INIT_POINTER(nn->rules, NULL);
	kfree(rcu_dereference_protected(nn->deny, 1));
	RCU_INIT_POINTER(nn->deny, NULL);
	list_for_each_entry_safe(p, tmp, &nn->pools, list) {
		list_del(&p->list);
		pool_free(p);
	}
	nat64_spec_free(nn->stage);
	nn->stage = NULL;
	nat64_spec_free(nn->spec);
	nn->spec = NULL;
}
