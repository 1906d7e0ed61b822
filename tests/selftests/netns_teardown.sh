#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The translator's namespace is deleted while it holds mappings (ICMP,
# UDP, TCP); the module must then unload, with nothing left behind and
# nothing (WARNING, leak, refcount, unregister_netdevice waiting...) in the
# kernel log. It is loaded again for the tests after it.
. "$(dirname "$0")/lib.sh"

require_cmd ping socat
nat64_load
kmsg_mark teardown
topo_up || { fail "topology"; finish; }

for p in 1 2 3 4 5; do
	echo x | x6 socat -u - "UDP6:[64:ff9b:1::192.0.2.2]:$((9000 + p))"
done
# A TCP connection still open when the namespace goes.
x4 socat -T 60 TCP4-LISTEN:8080,reuseaddr SYSTEM:'cat' 2>/dev/null &
listening "$V4" tcp 8080
x6 socat -T 60 'TCP6:[64:ff9b:1::192.0.2.2]:8080' SYSTEM:'echo hi; sleep 60' 2>/dev/null &
# The ICMP mapping last: on the debug kernel the steps above outlasted
# its 60 s timeout.
x6 ping -c 2 -i 0.3 -W 5 64:ff9b:1::192.0.2.2 >/dev/null
nmap() { [ "$(ctl mapping show | wc -l)" -ge 7 ]; }
check "mappings made (icmp, 5 udp, tcp)" busywait $((10000 * WAIT)) nmap
note "$(ctl mapping show)"

ip netns del "$XL"
refute "translator namespace gone" ip netns exec "$XL" true
# Namespace cleanup is asynchronous: wait for the module to be free.
check "module unloads" busywait 30000 rmmod nat64 2>/dev/null
refute "module gone" nat64_loaded
topo_cleanup
check "no namespace of ours left" [ -z "$(leftovers)" ]
check_kernel_log teardown
nat64_load
finish
