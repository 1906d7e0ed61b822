#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads with insmod into a kernel that has loaded nothing for
# it (run.sh runs this test first in a fresh guest; modules a test run
# before it loaded are unloaded first where they can be): it loads the
# reassembly modules it needs itself, and needs no x_tables (the xtables
# target is xt_NAT64.ko). It translates at once. It registers its
# generic netlink family, unloads, loads again, and unloads with a
# configured namespace still there; nothing in the kernel log. It is
# left loaded for the tests after it.
#
#  v6-$$ 2001:db8:6::2 --- xlat-$$ (nat64, 64:ff9b:1::/96) --- v4-$$ 192.0.2.2
. "$(dirname "$0")/lib.sh"

require_cmd ping
kmsg_mark load
if nat64_loaded; then
	check "unload a module loaded before" nat64_unload
fi
# What an earlier test loaded and left (a fresh guest has none of them).
modprobe -r -q nf_defrag_ipv6 nf_defrag_ipv4 x_tables 2>/dev/null
for m in nf_defrag_ipv4 nf_defrag_ipv6 x_tables; do
	grep -q "^$m " /proc/modules && note "$m was loaded before (in use)"
done
check "nat64.ko depends on no module" [ -z "$(modinfo -F depends "$NAT64_KO")" ]
nat64_load
check "lsmod shows nat64" nat64_loaded
builtin_or_loaded() {
	grep -q "^$1 " /proc/modules ||
		grep -q "/$1.ko" "/lib/modules/$(uname -r)/modules.builtin"
}
check "it loaded IPv4 reassembly" builtin_or_loaded nf_defrag_ipv4
check "it loaded IPv6 reassembly" builtin_or_loaded nf_defrag_ipv6
match "netlink family answers (nat64ctl version)" '^nat64ctl [^ ]+, module [0-9]' \
	"$("$NAT64CTL" version 2>&1)"
check "topology" topo_up
check "translates at once: ping 64:ff9b:1::192.0.2.2" \
	x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
topo_cleanup
check "rmmod" busywait 20000 rmmod nat64
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
