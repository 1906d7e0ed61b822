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

#endif /* _NAT64_COMPAT_H */
