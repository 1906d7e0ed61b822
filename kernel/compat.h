/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels nat64 supports (Debian's 6.1 and 6.12),
 * kept here and only here: this header is force-included by Kbuild, the
 * .c files carry no version checks.
 */
#ifndef _NAT64_COMPAT_H
#define _NAT64_COMPAT_H

#include <linux/version.h>

/* 6.5 moved the GSO helpers out of skbuff.h into net/gso.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#else
#include <linux/skbuff.h>
#endif

/*
 * Multicast groups only CAP_NET_ADMIN may join: mainline 6.7, and
 * backported to the 6.1 and 6.6 stable series (Debian's 6.1 and 6.12
 * both have it). Without it the events, which name the IPv6 hosts,
 * would reach anyone: refuse to build.
 */
#include <net/genetlink.h>
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_NET_ADMIN (newer 6.1/6.6 stable, 6.7+)"
#endif

#endif /* _NAT64_COMPAT_H */
