#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First slice end to end: ping, UDP and TCP from an IPv6-only host to an
# IPv4 host through nat64; the IPv4 host sees the pool address and a pool
# port; mappings are listed; IPv4 to the pool without a mapping is left
# alone and counted.
. "$(dirname "$0")/lib.sh"

nat64_load
topo_up || { fail "topology"; finish; }

check "ping through the translator" x6 ping -c 3 -i 0.2 -W 5 64:ff9b::192.0.2.2

# UDP: the server answers with the payload and the peer it saw.
x4 socat -T 20 UDP4-RECVFROM:5353,fork \
	SYSTEM:'read -r l; echo "$l $SOCAT_PEERADDR $SOCAT_PEERPORT"' &
busywait 5000 sh -c "ip netns exec $V4 ss -lun | grep -q :5353"
out=$(echo hello-udp | x6 socat -T 3 - UDP6:[64:ff9b::192.0.2.2]:5353)
set -- $out
check "udp payload came back" [ "${1:-}" = hello-udp ]
check "udp peer is the pool address" [ "${2:-}" = 198.51.100.1 ]
check "udp peer port is in the pool range" [ "${3:-0}" -ge 2000 -a "${3:-0}" -le 2999 ]

# TCP: 200 KB each way, compared byte for byte.
head -c 200000 /dev/urandom > /tmp/tcp-$S.in
x4 socat -T 20 TCP4-LISTEN:8080,reuseaddr SYSTEM:'cat' &
busywait 5000 sh -c "ip netns exec $V4 ss -ltn | grep -q :8080"
x6 socat -T 10 -t 5 TCP6:[64:ff9b::192.0.2.2]:8080 - < /tmp/tcp-$S.in > /tmp/tcp-$S.out
check "tcp echo of 200 KB intact" cmp -s /tmp/tcp-$S.in /tmp/tcp-$S.out
rm -f /tmp/tcp-$S.in /tmp/tcp-$S.out

maps=$(ctl mapping show)
echo "$maps" | sed 's/^/# /'
for p in icmp udp tcp; do
	check "$p mapping listed" sh -c "echo '$maps' | grep -q '^$p 2001:db8:6::2 [0-9]* 198.51.100.1 [0-9]* rule r1 expires'"
done

before=$(counter 4to6-no-mapping)
echo -n x | x4 socat -u - UDP4:198.51.100.1:2999,sourceport=5555 || true
busywait 3000 sh -c "[ \"\$(ip netns exec $XL $NAT64CTL show | awk '\$1==\"4to6-no-mapping\" {print \$2}')\" -gt $before ]"
check "ipv4 without a mapping is counted" [ "$(counter 4to6-no-mapping)" -gt "$before" ]
check "no packet translated without a mapping" [ "$(counter 4to6-packets)" -gt 0 ]
finish
