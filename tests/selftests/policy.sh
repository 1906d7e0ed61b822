#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the translator refuses to translate to, each refusal counted:
#  - through the Well-Known Prefix 64:ff9b::/96, non-global IPv4
#    addresses (RFC 6052 §3.1): 10.1.2.3, 192.168.1.1, 169.254.169.254
#    (cloud metadata), 100.64.0.1 (shared address space): drop-nonglobal;
#    global ones just outside those networks still go through; and the
#    other way, an IPv4 source 10.9.9.9 that would be 64:ff9b::10.9.9.9;
#  - networks on the deny list, through any prefix, and their hosts to
#    a static entry: drop-denied;
#  - IPv4 destinations whose route is not unicast: the IPv4 link's
#    directed broadcast and the translator's own address: drop-route-type.
# And the translation log is rate limited: every session event with
# log destinations on is either a line in the kernel log or counted in
# log-suppressed. (400 sessions: the lines fit the guest's 128 KiB log;
# whether the limit, 1000 a second, is reached depends on the speed of
# the machine, so only the sum is checked.)
#
# The translator has a default route to the IPv4 host, so that each of
# these packets would be sent on if it were translated.
. "$(dirname "$0")/lib.sh"

require_cmd ping
nat64_load
kmsg_mark policy
topo_up || { fail "topology"; finish; }
ip -n "$XL" route add default via 192.0.2.2
# Global addresses (just past 198.18/15 and 100.64/10) on the IPv4 host.
ip -n "$V4" addr add 198.20.0.2/32 dev v4
ip -n "$V4" addr add 100.128.0.2/32 dev v4
check "rule through the Well-Known Prefix" ctl pool add p2 198.51.100.2/32 ports 2000-9999 &&
	ctl rule add wkp prefix 64:ff9b::/96 pool p2

# dropped ADDR6 COUNTER: one ping to ADDR6 is dropped, counted once in
# COUNTER, and makes no session.
dropped() {
	local n0 c0 t0 n1 c1 t1
	n0=$(counter "$2") c0=$(counter sessions-created) t0=$(counter 6to4-packets)
	x6 ping -c 1 -W 1 "$1" >/dev/null 2>&1
	n1=$(counter "$2") c1=$(counter sessions-created) t1=$(counter 6to4-packets)
	if [ -z "$n0" ] || [ "$n1" != $((n0 + 1)) ] || [ "$t1" != "$t0" ]; then
		note "$2: $n0 -> $n1, 6to4-packets: $t0 -> $t1"
		return 1
	fi
	[ "${3:-}" = session ] || [ "$c1" = "$c0" ]
}

for a in 10.1.2.3 192.168.1.1 169.254.169.254 100.64.0.1; do
	check "64:ff9b::$a dropped (RFC 6052 §3.1), counted" \
		dropped "64:ff9b::$a" drop-nonglobal
done
check "a global address through the Well-Known Prefix: 198.20.0.2" \
	x6 ping -q -c 1 -W 5 64:ff9b::198.20.0.2
check "... and 100.128.0.2" x6 ping -q -c 1 -W 5 64:ff9b::100.128.0.2
check "a non-global address through a network-specific prefix" \
	x6 ping -q -c 1 -W 5 64:ff9b:1::192.0.2.2

# RFC 6052 §3.1 the other way: an IPv4 host with a non-global address,
# to a static entry of the Well-Known Prefix's pool, would be the IPv6
# source 64:ff9b::10.9.9.9: dropped, counted, no session; a global
# source is translated.
ip -n "$V4" addr add 10.9.9.9/32 dev v4
check "static entry in the Well-Known Prefix's pool" \
	ctl bib add udp '[2001:db8:6::2]:9000' 198.51.100.2:9000
# in4 SRC COUNTER: a datagram from SRC to it moves COUNTER by one, and
# sessions-created by ${3:-0}.
in4() {
	local n0 c0 n1 c1
	n0=$(counter "$2") c0=$(counter sessions-created)
	x4 "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 40000))
s.sendto(b"x", ("198.51.100.2", 9000))' "$1"
	busywait 5000 sh -c "[ \$($NAT64CTL -n $XL stats | awk '\$1 == \"$2\" { print \$2 }') -gt $n0 ]"
	n1=$(counter "$2") c1=$(counter sessions-created)
	note "$1: $2 $n0 -> $n1, sessions-created $c0 -> $c1"
	[ "$n1" = $((n0 + 1)) ] && [ "$c1" = $((c0 + ${3:-0})) ]
}
check "from 10.9.9.9 to it: dropped, counted, no session" in4 10.9.9.9 drop-nonglobal
check "from 198.20.0.2 to it: translated, a session" in4 198.20.0.2 4to6-udp 1
# err4 ROUTER COUNTER: an ICMPv4 error (host unreachable) from ROUTER
# about that session's flow moves COUNTER by one.
err4() {
	local n0 n1
	n0=$(counter "$2")
	x4 "$PY" -c 'import sys
from scapy.all import IP, ICMP, UDP, send
send(IP(src=sys.argv[1], dst="198.51.100.2") / ICMP(type=3, code=1) /
     IP(src="198.51.100.2", dst="198.20.0.2") / UDP(sport=9000, dport=40000),
     verbose=False)' "$1"
	busywait 5000 sh -c "[ \$($NAT64CTL -n $XL stats | awk '\$1 == \"$2\" { print \$2 }') -gt $n0 ]"
	n1=$(counter "$2")
	note "error from $1: $2 $n0 -> $n1"
	[ "$n1" = $((n0 + 1)) ]
}
check "an ICMPv4 error from router 10.9.9.9: dropped, counted" err4 10.9.9.9 drop-nonglobal
check "the same error from 100.128.0.2: translated" err4 100.128.0.2 icmp-err-4to6

# The deny list, through either prefix.
check "deny add 192.0.2.0/25" ctl deny add 192.0.2.0/25
check "deny add 198.20.0.0/16" ctl deny add 198.20.0.0/16
check "a denied address through a network-specific prefix: dropped, counted" \
	dropped 64:ff9b:1::192.0.2.2 drop-denied
check "a denied address through the Well-Known Prefix: dropped, counted" \
	dropped 64:ff9b::198.20.0.2 drop-denied
check "a denied network's host to a static entry: dropped, counted" \
	in4 198.20.0.2 drop-denied
check "an address outside the denied networks still goes" \
	x6 ping -q -c 1 -W 5 64:ff9b::100.128.0.2
check "deny del" ctl deny del 192.0.2.0/25
check "no longer denied" x6 ping -q -c 1 -W 5 64:ff9b:1::192.0.2.2
check "flush empties the deny list" sh -c "
	\"$NAT64CTL\" -n $XL show | \"$NAT64CTL\" -n $XL -f - &&
	\"$NAT64CTL\" -n $XL deny show | grep -qx 198.20.0.0/16 &&
	\"$NAT64CTL\" -n $XL flush &&
	[ -z \"\$(\"$NAT64CTL\" -n $XL deny show)\" ]"
check "configured again" sh -c "\"$NAT64CTL\" -n $XL pool add p1 198.51.100.1/32 ports 2000-2999 &&
	\"$NAT64CTL\" -n $XL rule add r1 prefix 64:ff9b:1::/96 pool p1"

# Only unicast routes: the IPv4 link's broadcast, the translator's own
# address (a local route, through lo) are not sent to. (These make a
# session first, as a packet to an unrouted destination does.)
check "directed broadcast 192.0.2.255: dropped, counted" \
	dropped 64:ff9b:1::192.0.2.255 drop-route-type session
check "the translator's own 192.0.2.1: dropped, counted" \
	dropped 64:ff9b:1::192.0.2.1 drop-route-type session
check "a unicast destination still goes" x6 ping -q -c 1 -W 5 64:ff9b:1::192.0.2.2

# The translation log: lines or counted.
kmsg_mark policy-log
s0=$(counter sessions-created) l0=$(counter log-suppressed)
check "log destinations on" ctl set log destinations on
x6 "$PY" -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for p in range(1, 401):
    s.sendto(b"x", ("64:ff9b:1::192.0.2.2", p))
'
check "log destinations off" ctl set log destinations off
s1=$(counter sessions-created) l1=$(counter log-suppressed)
lines=$(kmsg_since policy-log | grep -c ' session created udp ')
note "sessions $((s1 - s0)), log lines $lines, suppressed $((l1 - l0))"
check "sessions made" [ $((s1 - s0)) -gt 0 ]
check "each session logged or counted as suppressed" \
	[ $((lines + l1 - l0)) = $((s1 - s0)) ]

check_kernel_log policy
finish
