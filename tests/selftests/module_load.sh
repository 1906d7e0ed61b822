#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, registers its netlink family, unloads, and loads again,
# leaving nothing in the kernel log.
. "$(dirname "$0")/lib.sh"

kmsg_mark load
grep -q '^nat64 ' /proc/modules && rmmod nat64
nat64_load
check "module loaded" grep -q '^nat64 ' /proc/modules
check "netlink family answers" "$NAT64CTL" version
check "rmmod" rmmod nat64
refute "module gone" grep -q '^nat64 ' /proc/modules
check "loads again" nat64_load
# A namespace with state, then unload with it still there.
ip netns add "$XL"
ctl pool add p1 198.51.100.0/30 && ctl rule add r1 prefix 64:ff9b::/96 pool p1
check "rmmod with a configured namespace" rmmod nat64
check "loads once more" nat64_load
refute "kernel log clean" kmsg_bad load
finish
