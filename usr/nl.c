// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "uapi/nat64.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The program the messages name: nat64ctl, or nat64-logd. */
const char *ctl_prog = "nat64ctl";
#define nl_err(fmt, ...) fprintf(stderr, "%s: " fmt, ctl_prog, ##__VA_ARGS__)

struct ctl_nl {
	struct nl_sock *sk;
	int family;
};

struct run_state {
	ctl_reply_fn fn;
	void *arg;
	bool done;
	int error;		/* negative errno from the kernel */
	bool intr;		/* NLM_F_DUMP_INTR seen */
	char msg[256];		/* extended ack message */
};

struct ctl_nl *ctl_nl_open(void)
{
	struct ctl_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		nl_err("cannot open a generic netlink socket\n");
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, NAT64_GENL_NAME);
	if (nl->family < 0) {
		nl_err("the nat64 kernel module is not loaded (try: modprobe nat64)\n");
		goto err;
	}
	return nl;
err:
	ctl_nl_close(nl);
	return NULL;
}

void ctl_nl_close(struct ctl_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *ctl_nl_msg(struct ctl_nl *nl, int cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, (uint8_t)cmd,
			 NAT64_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct run_state *st = arg;
	struct nlattr *tb[NAT64_A_MAX + 1];
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	if (genlmsg_parse(h, 0, tb, NAT64_A_MAX, NULL))
		return NL_SKIP;
	if (st->fn && st->fn(tb, st->arg))
		return NL_STOP;
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct run_state *st = arg;

	(void)msg;
	st->done = true;
	return NL_STOP;
}

/* The kernel's error, and the extended ack message after it if any. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct run_state *st = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	size_t off, end = h->nlmsg_len;

	(void)nla;
	st->done = true;
	st->error = err->error;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = NLMSG_HDRLEN + sizeof(*err);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + sizeof(struct nlattr) <= end) {
		struct nlattr *a = (struct nlattr *)((char *)h + off);

		if (a->nla_len < sizeof(*a) || off + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(st->msg, sizeof(st->msg), "%.*s",
				 (int)(a->nla_len - sizeof(*a)),
				 (char *)a + sizeof(*a));
			st->msg[strcspn(st->msg, "\n")] = 0;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return NL_STOP;
}

int ctl_nl_run(struct ctl_nl *nl, struct nl_msg *msg, ctl_reply_fn fn,
	       void *arg, const char *what)
{
	struct run_state st = { .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	if (!cb || !msg) {
		nlmsg_free(msg);
		nl_cb_put(cb);
		nl_err("%s: out of memory\n", what);
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);

	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		nl_err("%s: %s\n", what, nl_geterror(err));
		return -1;
	}
	while (!st.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err == -NLE_DUMP_INTR) {
			st.intr = true;
			continue;
		}
		if (err < 0 && !st.done) {
			nl_cb_put(cb);
			nl_err("%s: %s\n", what,
				nl_geterror(err));
			return -1;
		}
	}
	nl_cb_put(cb);
	if (st.intr)
		nl_err("warning: the table changed during the dump; entries may be missing or repeated\n");
	/* genetlink's permission check says nothing; the module says why. */
	if (st.error == -EPERM && !st.msg[0]) {
		nl_err("%s: operation not permitted (CAP_NET_ADMIN is needed)\n",
			what);
		return -1;
	}
	if (st.error) {
		if (st.msg[0])
			nl_err("%s: %s (%s)\n", what, st.msg,
				strerror(-st.error));
		else
			nl_err("%s: %s\n", what,
				strerror(-st.error));
		return -1;
	}
	return 0;
}

struct mon_state {
	ctl_reply_fn fn;
	void *arg;
	bool stop;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct mon_state *st = arg;
	struct nlattr *tb[NAT64_A_MAX + 1];
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(h);

	if (g->cmd != NAT64_CMD_EVENT ||
	    genlmsg_parse(h, 0, tb, NAT64_A_MAX, NULL))
		return NL_SKIP;
	if (st->fn(tb, st->arg)) {
		st->stop = true;
		return NL_STOP;
	}
	return NL_OK;
}

/* Notifications have sequence number 0: any is fine. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

struct nl_sock *ctl_nl_sock(struct ctl_nl *nl)
{
	return nl->sk;
}

int ctl_nl_join(struct ctl_nl *nl, const char *what, int rcvbuf)
{
	int grp, err, one = 1;

	grp = genl_ctrl_resolve_grp(nl->sk, NAT64_GENL_NAME,
				    NAT64_MCGRP_EVENTS);
	if (grp < 0) {
		nl_err("%s: the module has no events group (%s)\n", what,
		       nl_geterror(grp));
		return -1;
	}
	err = nl_socket_add_membership(nl->sk, grp);
	if (err == -NLE_PERM) {
		nl_err("%s: operation not permitted (CAP_NET_ADMIN is needed)\n",
		       what);
		return -1;
	}
	if (err < 0) {
		nl_err("%s: %s\n", what, nl_geterror(err));
		return -1;
	}
	/* Room for bursts (a flush, a GC pass); capped by rmem_max. */
	nl_socket_set_buffer_size(nl->sk, rcvbuf, 0);
	/* Then the kernel counts what did not fit (events-dropped). */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
		   NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	nl_socket_set_nonblocking(nl->sk);
	return 0;
}

int ctl_nl_drain(struct ctl_nl *nl, ctl_reply_fn fn, void *arg,
		 volatile int *stop, unsigned long long *overflows)
{
	struct mon_state st = { .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err, ret = 0;

	if (!cb) {
		nl_err("events: out of memory\n");
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &st);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	/* Everything queued; 0 or -NLE_AGAIN once drained. */
	while (!*stop && !st.stop &&
	       (err = nl_recvmsgs_report(nl->sk, cb)) != 0 &&
	       err != -NLE_AGAIN) {
		if (err == -NLE_NOMEM) {
			(*overflows)++;
		} else if (err < 0 && err != -NLE_INTR) {
			nl_err("events: %s\n", nl_geterror(err));
			ret = -1;
			break;
		}
	}
	nl_cb_put(cb);
	return ret ? ret : st.stop;
}

int ctl_nl_monitor(struct ctl_nl *nl, ctl_reply_fn fn, void *arg,
		   volatile int *stop)
{
	unsigned long long overflows = 0, seen = 0;
	struct pollfd pfd;
	int ret = 0;

	if (ctl_nl_join(nl, "monitor", 4 << 20))
		return -1;
	pfd.fd = nl_socket_get_fd(nl->sk);
	pfd.events = POLLIN;
	while (!*stop && !ret) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			nl_err("monitor: %s\n", strerror(errno));
			break;
		}
		ret = ctl_nl_drain(nl, fn, arg, stop, &overflows);
		if (overflows != seen)
			nl_err("monitor: events lost (the socket buffer overflowed)\n");
		seen = overflows;
	}
	return ret < 0 ? -1 : 0;
}
