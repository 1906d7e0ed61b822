#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mappings expire after their protocol's idle timeout (shortened here
# through nat64ctl), are counted, and new traffic makes new ones.
. "$(dirname "$0")/lib.sh"

require_cmd ping socat
nat64_load
kmsg_mark expiry
topo_up || { fail "topology"; finish; }
# Short timeouts, SELFTEST_SLOW times longer in a slow guest (the debug
# kernel): a mapping must outlive the steps that look at it.
k=${SELFTEST_SLOW:-1}
ctl set timeout icmp $((2 * k)) timeout tcp-trans $((3 * k)) timeout tcp-est $((3 * k)) below-rfc

has() { ctl mapping show | grep -q "^$1 "; }

# UDP first, the rest runs meanwhile: 20 s (RFC 6146's minimum is 2
# minutes: below-rfc).
U=$((20 * k))
ctl set timeout udp $U below-rfc
x6 bash -c 'exec 3<>/dev/udp/64:ff9b:1::192.0.2.2/9 && echo x >&3'
udp_start=$(date +%s)
check "udp mapping made" busywait 10000 has udp
x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2 >/dev/null
check "icmp mapping made" has icmp
check "icmp mapping expires within the timeout and a GC pass" busywait $((8000 * k)) sh -c "! ip netns exec $XL $NAT64CTL mapping show | grep -q '^icmp '"
check "expiry counted" [ "$(counter mappings-expired)" -ge 1 ]
check "session expiry counted" [ "$(counter sessions-expired)" -ge 1 ]

# TCP: a connection that closed expires after the transitory timeout.
x4 socat -T 10 -t 10 TCP4-LISTEN:8080,reuseaddr SYSTEM:'echo hi' 2>/dev/null &
listening "$V4" tcp 8080
check "tcp through" sh -c "ip netns exec $V6 socat -T 5 -t 10 - 'TCP6:[64:ff9b:1::192.0.2.2]:8080' </dev/null | grep -q hi"
check "tcp mapping made" has tcp
check "tcp mapping expires" busywait $((10000 * k)) sh -c "! ip netns exec $XL $NAT64CTL mapping show | grep -q '^tcp '"

# The pool's ports come back: new traffic maps again.
check "ping after expiry" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
check "new icmp mapping" has icmp
# UDP: gone after its U s (and a GC pass), not before.
left=$((udp_start + U - 6 * k - $(date +%s)))
if [ $left -gt 0 ]; then
	sleep $left
	check "udp mapping still there before its timeout" has udp
else
	# A slow guest took longer than that over the rest.
	skip "udp mapping still there before its timeout ($((U - 6 * k - left)) s passed already)"
fi
check "udp mapping expires after $U s" busywait $((40000 * k)) sh -c "! ip netns exec $XL $NAT64CTL mapping show | grep -q '^udp '"
check_kernel_log expiry
finish
