#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery and traceroute through the translator, with an IPv4
# router behind it:
#
#  v6-$$ ---------------- xlat-$$ ------------- r4-$$ ------------- v4-$$
#  2001:db8:6::2   2001:db8:6::1  192.0.2.1   192.0.2.254  203.0.113.1   203.0.113.2
#        IPv6 link: MTU6           IPv4 link: MTU 1000     IPv4 link: 1500
#
# The IPv6 host reaches the IPv4 host at 64:ff9b:1::203.0.113.2.
. "$(dirname "$0")/lib.sh"

require_cmd socat traceroute

R4=r4-$S
x_r4() { ip netns exec "$R4" "$@"; }
cleanup_r4() { ns_del "$R4"; }
cleanup_hooks+=(cleanup_r4)

# topo MTU6: build the four namespaces.
topo() {
	local n
	for n in "$V6" "$XL" "$R4" "$V4"; do
		ip netns add "$n"
		ip -n "$n" link set lo up
	done
	ip link add v6 netns "$V6" mtu "$1" type veth peer name x6 netns "$XL" mtu "$1"
	ip link add x4 netns "$XL" mtu 1000 type veth peer name a4 netns "$R4" mtu 1000
	ip link add b4 netns "$R4" type veth peer name v4 netns "$V4"
	x6 sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	X sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	x_r4 sysctl -qw net.ipv4.ip_forward=1
	ip -n "$V6" addr add 2001:db8:6::2/64 dev v6 nodad
	ip -n "$V6" link set v6 up
	ip -n "$V6" route add default via 2001:db8:6::1
	ip -n "$XL" addr add 2001:db8:6::1/64 dev x6 nodad
	ip -n "$XL" addr add 192.0.2.1/24 dev x4
	ip -n "$XL" link set x6 up
	ip -n "$XL" link set x4 up
	ip -n "$XL" route add default via 192.0.2.254
	ip -n "$R4" addr add 192.0.2.254/24 dev a4
	ip -n "$R4" addr add 203.0.113.1/24 dev b4
	ip -n "$R4" link set a4 up
	ip -n "$R4" link set b4 up
	ip -n "$R4" route add 198.51.100.0/24 via 192.0.2.1
	ip -n "$V4" addr add 203.0.113.2/24 dev v4
	ip -n "$V4" link set v4 up
	ip -n "$V4" route add default via 203.0.113.1
	ctl pool add p1 198.51.100.1 ports 2000-2999 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1
}

teardown() { ns_del "$V6" "$XL" "$R4" "$V4"; }

# 300 KB each way over TCP through the translator, compared byte for byte.
transfer() {
	local desc=$1 in=$TMPD/pmtu.in out=$TMPD/pmtu.out
	head -c 300000 /dev/urandom > "$in"
	x4 socat -T 30 TCP4-LISTEN:8080,reuseaddr SYSTEM:cat 2>/dev/null &
	listening "$V4" tcp 8080
	x6 timeout 60 socat -T 30 -t 30 'TCP6:[64:ff9b:1::203.0.113.2]:8080' - < "$in" > "$out"
	check "$desc: 300 KB each way intact" cmp -s "$in" "$out"
	wait
	rm -f "$in" "$out"
}

nat64_load
kmsg_mark paths

# IPv6 link 1280: IPv6 packets become IPv4 packets of at most 1260 bytes,
# sent without DF and fragmented for the 1000-byte link; the IPv4 host's
# full-size segments are cut down by the IPv4 router's "fragmentation
# needed" (IPv4 PMTUD across the translated path).
topo 1280 || { fail "topology 1280"; finish; }
transfer "ipv6 link mtu 1280, ipv4 link mtu 1000"

# Traceroute from the IPv6 side: the translator, then the IPv4 router
# (its time exceeded translated), then the destination.
hops=$(x6 traceroute -6 -n -q 1 -w 3 -m 6 64:ff9b:1::203.0.113.2 2>&1)
note "$hops"
hop() { echo "$hops" | awk -v n="$1" '$1 == n { print $2 }'; }
check "traceroute6 hop 1 is the translator" [ "$(hop 1)" = 2001:db8:6::1 ]
check "traceroute6 hop 2 is the ipv4 router, translated" [ "$(hop 2)" = 64:ff9b:1::c000:2fe ]
check "traceroute6 hop 3 is the ipv4 host, translated" [ "$(hop 3)" = 64:ff9b:1::cb00:7102 ]

# Traceroute from the IPv4 side, to a UDP mapping whose IPv6 socket is
# gone: the IPv4 router, the translator, then the IPv6 host's port
# unreachable translated (from the pool address).
echo x | x6 socat -u - 'UDP6:[64:ff9b:1::203.0.113.2]:9999,sourceport=40000'
port=$(ctl mapping show | awk '$1 == "udp" && $3 == 40000 { print $5 }')
hops=$(x4 traceroute -n -q 1 -w 3 -m 6 -U -p "${port:-1}" 198.51.100.1 2>&1)
note "$hops"
check "traceroute hop 1 is the ipv4 router" [ "$(hop 1)" = 203.0.113.1 ]
check "traceroute hop 2 is the translator" [ "$(hop 2)" = 192.0.2.1 ]
check "traceroute hop 3 is the ipv6 host, translated" [ "$(hop 3)" = 198.51.100.1 ]
teardown

# IPv6 link 1500: full-size IPv6 segments become IPv4 packets over 1260
# bytes, so with DF; the translator answers "packet too big" for the
# 1000-byte link and the IPv6 host's PMTUD takes over.
topo 1500 || { fail "topology 1500"; finish; }
before=$(counter drop-too-big)
transfer "ipv6 link mtu 1500, ipv4 link mtu 1000"
check "translator sent packet too big" [ "$(counter drop-too-big)" -gt "$before" ]
teardown

check_kernel_log paths
finish
