#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits: past the session limit and past the per-subscriber port limit,
# new mappings are refused with ICMPv6 address unreachable and counted,
# while existing ones keep working; a subscriber is a prefix of settable
# length. Also the port search bound: a pool of two ports serves two.
. "$(dirname "$0")/lib.sh"

require_cmd ping python3 socat
nat64_load
kmsg_mark limits
topo_up || { fail "topology"; finish; }
for a in 3 4; do ip -n "$V6" addr add 2001:db8:6::$a/64 dev v6 nodad; done

# One ping, one new ICMP mapping (each ping has its own identifier).
pingfrom() { x6 ping -c 1 -W 3 -I "$1" 64:ff9b:1::192.0.2.2 2>&1; }
refused() { grep -qi "unreachable" <<< "$1"; }

# Session limit: a long ping holds one session, two more fill it.
ctl set limit sessions 3
ip netns exec "$V6" ping -i 0.5 -w 120 -I 2001:db8:6::2 64:ff9b:1::192.0.2.2 > "$TMPD/long" 2>&1 &
long=$!
replies() { grep -c "bytes from" "$TMPD/long"; }
check "long-running ping answered" busywait 10000 sh -c "grep -q 'bytes from' $TMPD/long"
for a in 3 4; do
	check "session from ::$a" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::$a 64:ff9b:1::192.0.2.2 >/dev/null"
done
before=$(counter drop-limit)
out=$(pingfrom 2001:db8:6::2)
check "4th session refused with address unreachable" refused "$out"
note "$out"
check "refusal counted" [ "$(counter drop-limit)" -gt "$before" ]
check "sessions stay at 3" [ "$(ctl stats | awk '$1 == "sessions:" { print $2 }')" = 3 ]
r=$(replies)
check "the existing session keeps working" busywait 10000 sh -c "[ \$(grep -c 'bytes from' $TMPD/long) -gt $r ]"
kill "$long" 2>/dev/null
wait "$long" 2>/dev/null
ctl session flush
ctl set limit sessions 4194304

# Per-subscriber ports: /128 by default, then /64.
ctl set limit ports-per-subscriber 2
check "subscriber ::2, mapping 1" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::2 64:ff9b:1::192.0.2.2 >/dev/null"
check "subscriber ::2, mapping 2" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::2 64:ff9b:1::192.0.2.2 >/dev/null"
before=$(counter drop-limit)
out=$(pingfrom 2001:db8:6::2)
check "subscriber ::2, mapping 3 refused (address unreachable)" refused "$out"
check "refusal counted" [ "$(counter drop-limit)" -gt "$before" ]
check "another /128 subscriber is not limited by it" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::3 64:ff9b:1::192.0.2.2 >/dev/null"
ctl session flush
ctl set subscriber-prefix 64
check "/64: ::2 gets one" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::2 64:ff9b:1::192.0.2.2 >/dev/null"
check "/64: ::3 gets the second" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::3 64:ff9b:1::192.0.2.2 >/dev/null"
out=$(pingfrom 2001:db8:6::4)
check "/64: ::4 refused, the prefix holds 2" refused "$out"
ctl session flush
check "after a flush the subscriber has its ports again" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6::4 64:ff9b:1::192.0.2.2 >/dev/null"
ctl set limit ports-per-subscriber 0 subscriber-prefix 128
ctl session flush

# A pool of two ports: two mappings, then address unreachable.
ctl rule del r1 && ctl pool del p1 &&
	ctl pool add p1 198.51.100.1/32 ports 2000-2001 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 || fail "small pool"
check "port 1 of 2" sh -c "ip netns exec $V6 ping -c 1 -W 3 64:ff9b:1::192.0.2.2 >/dev/null"
check "port 2 of 2" sh -c "ip netns exec $V6 ping -c 1 -W 3 64:ff9b:1::192.0.2.2 >/dev/null"
before=$(counter 6to4-no-port)
out=$(pingfrom 2001:db8:6::2)
check "exhausted pool: address unreachable" refused "$out"
check "exhaustion counted" [ "$(counter 6to4-no-port)" -gt "$before" ]
check "BIB holds 2" [ "$(ctl bib show | wc -l)" = 2 ]
ctl session flush

# A pool address that is the translator's own: its listening sockets'
# ports are not given out, and stay reachable.
ip -n "$XL" addr add 198.51.100.1/32 dev lo
# -t 10 on both ends: socat's 0.5 s after the client's EOF was shorter
# than the shell's echo took on the debug kernel.
X socat -T 20 -t 10 TCP4-LISTEN:2000,bind=198.51.100.1,reuseaddr SYSTEM:'echo local' 2>/dev/null &
listening "$XL" tcp 2000
check "first TCP mapping skips the listener's port" sh -c "ip netns exec $V6 socat -T 5 - 'TCP6:[64:ff9b:1::192.0.2.2]:9,connect-timeout=3' </dev/null 2>/dev/null; ip netns exec $XL $NAT64CTL bib show tcp | grep -q ' 198.51.100.1 2001 '"
check "no TCP mapping has port 2000" sh -c "! ip netns exec $XL $NAT64CTL bib show tcp | grep -q ' 198.51.100.1 2000 '"
check "the translator's listener still answers on the pool address" sh -c "ip netns exec $V4 socat -T 5 -t 10 - TCP4:198.51.100.1:2000,connect-timeout=5 </dev/null | grep -q local"
check_kernel_log limits
finish
