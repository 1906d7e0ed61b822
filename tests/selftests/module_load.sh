#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, registers its generic netlink family, unloads, loads
# again, and unloads with a configured namespace still there; nothing in
# the kernel log. It is left loaded for the tests after it.
. "$(dirname "$0")/lib.sh"

kmsg_mark load
if nat64_loaded; then
	check "rmmod a module loaded before" rmmod nat64
fi
nat64_load
check "lsmod shows nat64" sh -c "lsmod | grep -q '^nat64 '"
match "netlink family answers (nat64ctl version)" '^nat64ctl [^ ]+, module [0-9]' \
	"$("$NAT64CTL" version 2>&1)"
check "rmmod" rmmod nat64
refute "module gone" nat64_loaded
match "nat64ctl says the module is not loaded" 'not loaded' "$("$NAT64CTL" show 2>&1)"
nat64_load
check "loads again" nat64_loaded
# Unload with state in a namespace: pools and rules are freed with it.
ip netns add "$XL"
check "configure a namespace" sh -c "ip netns exec $XL $NAT64CTL pool add p1 198.51.100.0/30 &&
	ip netns exec $XL $NAT64CTL rule add r1 prefix 64:ff9b:1::/96 pool p1"
check "rmmod with a configured namespace" rmmod nat64
check "the namespace survives" ip netns exec "$XL" true
ns_del "$XL"
nat64_load
check "loads once more" nat64_loaded
check_kernel_log load
finish
