/* SPDX-License-Identifier: GPL-2.0 */
/* nat64ctl: talking to the kernel over generic netlink (libnl-genl-3). */
#ifndef NAT64CTL_NL_H
#define NAT64CTL_NL_H

#include <stdbool.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

struct ctl_nl;
struct nl_sock;

/* The program messages are printed for (default "nat64ctl"). */
extern const char *ctl_prog;

/* Called for each reply message with its parsed top-level attributes. */
typedef int (*ctl_reply_fn)(struct nlattr **tb, void *arg);

/* Connect and resolve the family; prints why not and returns NULL. */
struct ctl_nl *ctl_nl_open(void);
void ctl_nl_close(struct ctl_nl *nl);

/* A request for @cmd; add attributes, then ctl_nl_run() it. */
struct nl_msg *ctl_nl_msg(struct ctl_nl *nl, int cmd, bool dump);

/*
 * Send @msg (consumed), feed replies to @fn, wait for the ack or the end
 * of the dump. On a kernel error print "nat64ctl: WHAT: message" (the
 * extended ack's when there is one) and return -1.
 */
int ctl_nl_run(struct ctl_nl *nl, struct nl_msg *msg, ctl_reply_fn fn,
	       void *arg, const char *what);

/*
 * Join the events group (NAT64_MCGRP_EVENTS) and feed each
 * NAT64_CMD_EVENT to @fn until @fn returns non-zero or *@stop is set
 * (by a signal handler). Events the kernel could not deliver (a full
 * socket buffer) are reported on stderr. Returns 0, or -1 with a
 * message printed.
 */
int ctl_nl_monitor(struct ctl_nl *nl, ctl_reply_fn fn, void *arg,
		   volatile int *stop);

/*
 * Join the events group with a receive buffer of @rcvbuf bytes (capped
 * by net.core.rmem_max), NETLINK_BROADCAST_ERROR set (the kernel then
 * counts an event that did not fit in NAT64_STAT_EVENTS_DROPPED) and
 * the socket non-blocking. -1 with a message naming @what if not.
 */
int ctl_nl_join(struct ctl_nl *nl, const char *what, int rcvbuf);
/* The libnl socket, for a program's own poll loop. */
struct nl_sock *ctl_nl_sock(struct ctl_nl *nl);
/*
 * Feed each NAT64_CMD_EVENT queued on the joined (non-blocking) socket
 * to @fn, until none is left or *@stop is set (0), @fn returns non-zero
 * (1), or an error (-1, printed). Each overflow of the socket's buffer
 * the kernel reported adds one to *@overflows.
 */
int ctl_nl_drain(struct ctl_nl *nl, ctl_reply_fn fn, void *arg,
		 volatile int *stop, unsigned long long *overflows);

#endif
