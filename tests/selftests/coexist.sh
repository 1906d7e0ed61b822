#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nat64 beside connection tracking and NAT44 in the translator's
# namespace: with conntrack loaded, a stateful forward filter and an
# IPv4 masquerade on the IPv4 side, translated traffic still goes through
# with the pool address (the masquerade does not touch it), and plain
# IPv4 traffic of the translator's own IPv4 network is masqueraded.
. "$(dirname "$0")/lib.sh"

require_cmd nft socat conntrack
# The guest may not load modules on demand: load what the rules use.
if ! modprobe -a nfnetlink nf_tables nf_conntrack nf_nat nft_ct nft_chain_nat \
	nft_masq nf_conntrack_netlink 2>/dev/null; then
	echo "# SKIP: nf_tables or conntrack modules missing"
	exit $KSFT_SKIP
fi
nat64_load
kmsg_mark coexist
topo_up || { fail "topology"; finish; }
# A second IPv4 LAN behind the translator, NATed to the v4 side.
ip netns add "lan-$S"
cleanup_hooks+=(lan_del)
lan_del() { ns_del "lan-$S"; }
ip link add l4 netns "lan-$S" type veth peer name xl netns "$XL"
ip -n "lan-$S" link set lo up
ip -n "lan-$S" addr add 10.4.4.2/24 dev l4
ip -n "lan-$S" link set l4 up
ip -n "lan-$S" route add default via 10.4.4.1
ip -n "$XL" addr add 10.4.4.1/24 dev xl
ip -n "$XL" link set xl up

X nft -f - <<'NFT' || fail "nft rules"
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname { "xl", "x6" } accept
	}
}
table ip nat {
	chain postrouting {
		type nat hook postrouting priority 100;
		oifname "x4" masquerade
	}
}
NFT
check "nft ruleset loaded" sh -c "ip netns exec $XL nft list ruleset | grep -q masquerade"

# shellcheck disable=SC2016 # expanded by the server's shell
# Answers "LINE PEER PORT" (socat's UDP servers lose datagrams in a
# slow guest).
udp_echo_server "$V4" 5353 peer
udp=$(x6 bash -c 'exec 3<>/dev/udp/64:ff9b:1::192.0.2.2/5353 &&
	echo via-nat64 >&3 && timeout 10 dd bs=64k count=1 status=none <&3')
read -r payload peer _ <<< "$udp"
check "nat64 udp through, answer back" [ "${payload:-}" = via-nat64 ]
check "nat64: v4 host sees the pool address, not the masquerade" [ "${peer:-}" = 198.51.100.1 ]
udp=$(ip netns exec "lan-$S" bash -c 'exec 3<>/dev/udp/192.0.2.2/5353 &&
	echo via-nat44 >&3 && timeout 10 dd bs=64k count=1 status=none <&3')
read -r payload peer _ <<< "$udp"
check "nat44 udp through, answer back" [ "${payload:-}" = via-nat44 ]
check "nat44: v4 host sees the masquerade address" [ "${peer:-}" = 192.0.2.1 ]

x4 socat -T 30 -t 10 TCP4-LISTEN:8080,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
listening "$V4" tcp 8080
check "nat64 tcp with a stateful firewall" sh -c "ip netns exec $V6 socat -T 10 -t 10 - 'TCP6:[64:ff9b:1::192.0.2.2]:8080,connect-timeout=5' </dev/null | grep -q hi"
check "nat44 tcp with a stateful firewall" sh -c "ip netns exec lan-$S socat -T 10 -t 10 - TCP4:192.0.2.2:8080,connect-timeout=5 </dev/null | grep -q hi"
check "ping through nat64" x6 ping -c 2 -W 5 64:ff9b:1::192.0.2.2
# Conntrack tracks the NAT44 flows, not the translated ones.
ct=$(X conntrack -L 2>/dev/null)
note "$ct"
match "conntrack has the nat44 flow" "src=10\\.4\\.4\\.2 " "$ct"
refute "conntrack has no translated flow" grep -q "198\\.51\\.100\\.1" <<< "$ct"
check_kernel_log coexist
finish
