#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end through the standard topology (lib.sh): ping, UDP and TCP
# from the IPv6-only host to 64:ff9b:1::192.0.2.2. The IPv4 host must see
# the pool address 198.51.100.1 and an ICMP id / port from the pool's
# 2000-2999; payloads come back intact; `nat64ctl mapping show` lists the
# three mappings; an IPv4 packet to the pool address that matches no
# mapping is not translated, and is counted as 4to6-no-mapping.
. "$(dirname "$0")/lib.sh"

require_cmd ping socat tcpdump ss md5sum
nat64_load
kmsg_mark translate
topo_up || { fail "topology"; finish; }

in_pool() { [ "${1:-0}" -ge 2000 ] 2>/dev/null && [ "$1" -le 2999 ]; }

# --- ICMP: what the IPv4 host receives, seen by tcpdump there ---
x4 tcpdump -l -n -i v4 -c 3 'icmp[icmptype] == icmp-echo' \
	> "$TMPD/icmp.txt" 2> "$TMPD/icmp.err" &
cap=$!
busywait 10000 grep -q 'listening on' "$TMPD/icmp.err"
check "ping 64:ff9b:1::192.0.2.2 through the translator" \
	x6 ping -q -c 3 -i 0.3 -W 5 64:ff9b:1::192.0.2.2 >/dev/null
busywait 5000 sh -c "! kill -0 $cap 2>/dev/null"
kill "$cap" 2>/dev/null
sed 's/^/# /' "$TMPD/icmp.txt"
# "12:00:00.000000 IP 198.51.100.1 > 192.0.2.2: ICMP echo request, id 2345, seq 1, length 64"
read -r src id <<< "$(awk '$2 == "IP" && $6 == "ICMP" { sub(",", "", $10); print $3, $10; exit }' "$TMPD/icmp.txt")"
check "icmp: v4 host sees source 198.51.100.1" [ "${src:-}" = 198.51.100.1 ]
check "icmp: echo id from the pool ports (${id:-none})" in_pool "${id:-}"
check "icmp: 3 echo requests reached the v4 host" \
	[ "$(grep -c 'ICMP echo request' "$TMPD/icmp.txt")" = 3 ]

# --- UDP: the v4 server answers with the payload and the peer it saw ---
udp_echo_server "$V4" 5353 peer
# A connected UDP socket (bash's /dev/udp); dd reads the one datagram
# of the answer (bash's read would take one byte of it).
udp=$(x6 bash -c 'exec 3<>/dev/udp/64:ff9b:1::192.0.2.2/5353 &&
	echo hello-udp >&3 && timeout 30 dd bs=64k count=1 status=none <&3')
echo "# udp reply: $udp"
read -r payload peer port <<< "$udp"
check "udp: payload came back" [ "${payload:-}" = hello-udp ]
check "udp: v4 host saw peer 198.51.100.1" [ "${peer:-}" = 198.51.100.1 ]
check "udp: source port from the pool ports (${port:-none})" in_pool "${port:-}"

# --- TCP: 100 KB each way, the server noting the peer it saw ---
head -c 100000 /dev/urandom > "$TMPD/tcp.in"
x4 socat -T 30 TCP4-LISTEN:8080,reuseaddr \
	SYSTEM:"echo \$SOCAT_PEERADDR \$SOCAT_PEERPORT > $TMPD/tcp.peer; cat" 2>/dev/null &
listening "$V4" tcp 8080
x6 timeout 60 socat -T 30 -t 30 'TCP6:[64:ff9b:1::192.0.2.2]:8080' - \
	< "$TMPD/tcp.in" > "$TMPD/tcp.out"
check "tcp: connection and 100 KB echoed intact" \
	[ "$(md5sum < "$TMPD/tcp.in")" = "$(md5sum < "$TMPD/tcp.out" 2>/dev/null)" ]
read -r peer port < "$TMPD/tcp.peer" 2>/dev/null
check "tcp: v4 host saw peer 198.51.100.1" [ "${peer:-}" = 198.51.100.1 ]
check "tcp: source port from the pool ports (${port:-none})" in_pool "${port:-}"

# --- mappings ---
maps=$(ctl mapping show)
note "$maps"
for p in icmp udp tcp; do
	match "mapping listed for $p" \
		"^$p 2001:db8:6::2 [0-9]+ 198\\.51\\.100\\.1 2[0-9]{3} rule r1 expires [0-9]+s\$" "$maps"
done

# --- IPv4 to the pool address, matching no mapping ---
used=$(awk '{ print $5 }' <<< "$maps")
free=2999
while grep -qx "$free" <<< "$used"; do free=$((free - 1)); done
no_map=$(counter 4to6-no-mapping)
xlated=$(counter 4to6-packets)
x6 tcpdump -l -n -i v6 udp > "$TMPD/v6.txt" 2> "$TMPD/v6.err" &
cap=$!
busywait 10000 grep -q 'listening on' "$TMPD/v6.err"
echo unmapped | x4 socat -u - UDP4:198.51.100.1:$free,sourceport=5555
check "unmapped ipv4 counted as 4to6-no-mapping" \
	busywait 5000 sh -c "[ \"\$(ip netns exec $XL $NAT64CTL stats |
		awk '\$1 == \"4to6-no-mapping\" { print \$2 }')\" -gt $no_map ]"
check "unmapped ipv4 not translated (4to6-packets unchanged)" \
	[ "$(counter 4to6-packets)" = "$xlated" ]
sleep 0.5	# what was not translated cannot be waited for
kill "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
check "nothing reached the v6 host" [ ! -s "$TMPD/v6.txt" ]

check_kernel_log translate
finish
