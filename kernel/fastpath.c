// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path, its control side: a netdev ingress hook on each listed
 * interface that is there (the configuration lists them by name; a
 * netdevice notifier follows them coming, going and being renamed), and
 * the output cache the full path fills (nat64_fp_learn()) and the hooks
 * read (packet.c, nat64_fp_in6() and nat64_fp_in4()).
 *
 * The cache holds no session state: an entry names its session by
 * address, and is dropped when the session is unlinked. It is made
 * stale whole by bumping nat64_net.fp_gen: at every configuration commit
 * (rules, pools, deny list and settings a cached flow was checked
 * against) and every change of an interface's state, address or MTU in
 * the namespace. Route changes are caught per packet by dst_check().
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "fastpath.h"
#include "mapping.h"

/* After the netdev chains an operator is likely to give lower numbers. */
#define NAT64_FP_PRIO	100

struct nat64_fpdev {
	struct list_head list;		/* nat64_net.fp_devs */
	struct nf_hook_ops ops;		/* .dev: the interface */
};

static unsigned int fp_hook(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	switch (skb->protocol) {
	case htons(ETH_P_IPV6):
		return nat64_fp_in6(priv, skb);
	case htons(ETH_P_IP):
		return nat64_fp_in4(priv, skb);
	}
	return NF_ACCEPT;
}

static bool fp_listed(const struct nat64_spec *s, const char *name)
{
	return s && nat64_spec_fastpath_find(s, name) >= 0;
}

static struct nat64_fpdev *fpdev_find(struct nat64_net *nn,
				      const struct net_device *dev)
{
	struct nat64_fpdev *d;

	list_for_each_entry(d, &nn->fp_devs, list)
		if (d->ops.dev == dev)
			return d;
	return NULL;
}

static int fpdev_on(struct nat64_net *nn, struct net_device *dev)
{
	struct nat64_fpdev *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	int err;

	if (!d)
		return -ENOMEM;
	d->ops = (struct nf_hook_ops) {
		.hook = fp_hook,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_INGRESS,
		.priority = NAT64_FP_PRIO,
		.priv = nn,
		.dev = dev,
	};
	err = nf_register_net_hook(nn->net, &d->ops);
	if (err) {
		kfree(d);
		return err;
	}
	list_add(&d->list, &nn->fp_devs);
	return 0;
}

static void fpdev_off(struct nat64_net *nn, struct nat64_fpdev *d)
{
	nf_unregister_net_hook(nn->net, &d->ops);
	list_del(&d->list);
	kfree(d);
}

/* Hooks off every interface @s does not list. */
static void fpdevs_trim(struct nat64_net *nn, const struct nat64_spec *s)
{
	struct nat64_fpdev *d, *tmp;

	list_for_each_entry_safe(d, tmp, &nn->fp_devs, list)
		if (!fp_listed(s, d->ops.dev->name))
			fpdev_off(nn, d);
}

static void fpe_free(struct nat64_fpe *e)
{
	dst_release(e->dst);
	kfree(e);
}

static void fpe_free_rcu(struct rcu_head *head)
{
	fpe_free(container_of(head, struct nat64_fpe, rcu));
}

/* No cache once nothing is listed; no packet sees it after this. */
static void fpc_drop(struct nat64_net *nn)
{
	struct nat64_fpcache *c;
	unsigned int i;

	c = rcu_replace_pointer(nn->fpc, NULL,
				lockdep_is_held(&nn->config_lock));
	if (!c)
		return;
	synchronize_rcu();
	for (i = 0; i < NAT64_FASTPATH_SLOTS; i++)
		if (c->slot[i])
			fpe_free(c->slot[i]);
	kvfree(c);
}

int nat64_fp_plan(struct nat64_net *nn, const struct nat64_spec *s,
		  struct netlink_ext_ack *extack)
{
	struct nat64_fpcache *c;
	struct net_device *dev;
	unsigned int i;
	int err;

	lockdep_assert_held(&nn->config_lock);
	if (!s->nfastpath)
		return 0;
	if (s->set.mode != NAT64_MODE_HOOKS) {
		NL_SET_ERR_MSG(extack,
			       "the fast path needs mode hooks: the xtables target decides what is translated");
		return -EOPNOTSUPP;
	}
	if (!rcu_access_pointer(nn->fpc)) {
		c = kvzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		rcu_assign_pointer(nn->fpc, c);
	}
	for (i = 0; i < s->nfastpath; i++) {
		dev = dev_get_by_name(nn->net, s->fastpath[i]);
		if (!dev)
			continue;	/* hooked when it comes */
		err = fpdev_find(nn, dev) ? 0 : fpdev_on(nn, dev);
		dev_put(dev);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "no memory for the fast path's hook");
			nat64_fp_unplan(nn, s);
			return err;
		}
	}
	return 0;
}

void nat64_fp_unplan(struct nat64_net *nn, const struct nat64_spec *s)
{
	fpdevs_trim(nn, nn->spec);
	if (!nn->spec || !nn->spec->nfastpath)
		fpc_drop(nn);
}

void nat64_fp_apply(struct nat64_net *nn, const struct nat64_spec *s)
{
	fpdevs_trim(nn, s);
	atomic_inc(&nn->fp_gen);
	if (!s->nfastpath)
		fpc_drop(nn);
}

void nat64_fp_net_init(struct nat64_net *nn)
{
	INIT_LIST_HEAD(&nn->fp_devs);
}

/* Namespace exit: its interfaces are gone, so are the hooks. */
void nat64_fp_net_exit(struct nat64_net *nn)
{
	mutex_lock(&nn->config_lock);
	fpdevs_trim(nn, NULL);
	fpc_drop(nn);
	mutex_unlock(&nn->config_lock);
}

/*
 * The slot of @s's set that a new entry of @s going @dir takes, and its
 * entry (@old): @s's own, else a free way, else one cached before the
 * last configuration or interface change, else the older of the two if
 * it is more than a second old. NULL: none (with more busy sessions
 * than the cache holds, each slot changes hands at most once a second,
 * rather than at the cost of a new entry a packet).
 */
static struct nat64_fpe **fp_victim(struct nat64_fpcache *c,
				    const struct nat64_session *s,
				    unsigned int dir, u32 gen,
				    struct nat64_fpe **old)
{
	struct nat64_fpe **slot = nat64_fp_slot(c, s, dir);
	struct nat64_fpe *e[2] = { READ_ONCE(slot[0]),
				   READ_ONCE(slot[NAT64_FP_WAY1]) };
	unsigned int w;

	for (w = 0; w < 2; w++)
		if (e[w] && e[w]->sess == s)
			goto take;
	for (w = 0; w < 2; w++)
		if (!e[w] || e[w]->gen != gen)
			goto take;
	w = (s32)(e[1]->since - e[0]->since) < 0;
	if ((u32)jiffies - e[w]->since < HZ)
		return NULL;
take:
	*old = e[w];
	return &slot[NAT64_FP_WAY1 * w];
}

void nat64_fp_learn(struct nat64_net *nn, const struct nat64_session *s,
		    unsigned int dir, const struct sk_buff *skb,
		    struct dst_entry *dst, u32 cookie, u8 tos)
{
	struct nat64_fpcache *c = rcu_dereference(nn->fpc);
	u32 gen = atomic_read(&nn->fp_gen);
	struct nat64_fpe *e, *old, **slot;
	struct nat64_maptable *mt;
	struct mem_cgroup *memcg;

	if (!c)
		return;
	slot = fp_victim(c, s, dir, gen, &old);
	if (!slot)
		return;
	if (old && old->sess == s && old->dst == dst && old->gen == gen &&
	    old->iif == skb->skb_iif && old->mark == skb->mark &&
	    old->tos == tos && old->cookie == cookie)
		return;
	mt = rcu_dereference(nn->maps);
	memcg = nat64_memcg_enter(mt);
	e = kmalloc(sizeof(*e), GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	nat64_memcg_leave(memcg);
	if (!e)
		return;
	e->sess = s;
	e->dst = dst;
	e->cookie = cookie;
	e->mtu = dst_mtu(dst);
	e->mark = skb->mark;
	e->iif = skb->skb_iif;
	e->gen = gen;
	e->since = jiffies;
	e->tos = tos;
	dst_hold(dst);
	if (cmpxchg(slot, old, e) != old) {
		fpe_free(e);
		return;
	}
	if (old)
		call_rcu(&old->rcu, fpe_free_rcu);
	/*
	 * Unlinked meanwhile? Its nat64_fp_forget() may have looked before
	 * the entry was in (both sides order with a full barrier).
	 */
	if (READ_ONCE(s->dead))
		nat64_fp_forget(nn, s);
}

void nat64_fp_forget(struct nat64_net *nn, const struct nat64_session *s)
{
	struct nat64_fpcache *c;
	struct nat64_fpe *e, **slot;
	unsigned int dir;

	smp_mb();	/* s->dead is set: see nat64_fp_learn() */
	rcu_read_lock();
	c = rcu_dereference(nn->fpc);
	for (dir = 0; c && dir < 4; dir++) {	/* both ways, each way */
		slot = nat64_fp_slot(c, s, dir & 1) +
		       (dir & 2 ? NAT64_FP_WAY1 : 0);
		e = READ_ONCE(*slot);
		if (e && e->sess == s && cmpxchg(slot, e, NULL) == e)
			call_rcu(&e->rcu, fpe_free_rcu);
	}
	rcu_read_unlock();
}

/*
 * An interface of a namespace came, went or was renamed: hook it if it
 * is listed, unhook it if not. Any change of an interface's state
 * invalidates the cache. Under RTNL (config_lock is taken under it,
 * never the other way round).
 */
static int fp_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nat64_net *nn = nat64_pernet(dev_net(dev));
	struct nat64_fpdev *d;
	bool listed;

	if (!nn->net)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
	case NETDEV_UNREGISTER:
		mutex_lock(&nn->config_lock);
		d = fpdev_find(nn, dev);
		listed = event != NETDEV_UNREGISTER &&
			 fp_listed(nn->spec, dev->name);
		if (d && !listed)
			fpdev_off(nn, d);
		else if (!d && listed && fpdev_on(nn, dev))
			pr_warn("fast path: no hook on %s: out of memory\n",
				dev->name);
		mutex_unlock(&nn->config_lock);
		fallthrough;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
	case NETDEV_CHANGEADDR:
		if (rcu_access_pointer(nn->fpc))
			atomic_inc(&nn->fp_gen);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block fp_notifier = {
	.notifier_call = fp_netdev_event,
};

int nat64_fp_module_init(void)
{
	return register_netdevice_notifier(&fp_notifier);
}

void nat64_fp_module_exit(void)
{
	unregister_netdevice_notifier(&fp_notifier);
}
