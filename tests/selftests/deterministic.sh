#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deterministic NAT (RFC 7422): a pool of 4 addresses x 259 ports serves
# the 256 /56 subscribers of 2001:db8:6::/48, 64 an address, 4 ports
# each (3 ports an address left over). nat64ctl lookup answers the
# formula, computed here independently, for every subscriber, forward
# and back; real mappings of subscribers in different /56s lie in their
# ranges; a full range is refused and counted, nothing is given outside
# it; static entries keep their ports; configurations the formula does
# not work with are refused when committing. Memory: nothing is stored
# per subscriber.
. "$(dirname "$0")/lib.sh"

require_cmd ping python3 socat
nat64_load
kmsg_mark deterministic
topo_up || { fail "topology"; finish; }

FROM=2001:db8:6::/48
POOL4=198.51.100.4	# .4 - .7
LO=2000 HI=2258
# The formula of include/uapi/nat64.h for this shape, by hand:
# N = 2^(56-48) = 256, K = ceil(256 / 4) = 64, P = floor(259 / 64) = 4.
N=256 K=64 P=4

# Subscribers in other /56s than the link's: addresses of the v6 host,
# routed to it by the translator.
ip -n "$XL" -6 route add 2001:db8:6::/48 via 2001:db8:6::2 dev x6 ||
	fail "route to the subscribers"
for a in 2001:db8:6:100::2 2001:db8:6:4200::2 2001:db8:6:fe00::2 2001:db8:6:ff00::2; do
	ip -n "$V6" addr add $a/128 dev v6 nodad || fail "address $a"
done

# Configuring: refused until the subscriber length works with the pool.
ctl rule del r1 && ctl pool del p1 || fail "default pool removed"
out=$(ctl pool add p1 $POOL4/30 ports $LO-$HI alloc deterministic from $FROM 2>&1)
check "deterministic pool refused with /128 subscribers" [ $? -ne 0 ]
match "... with a message" "more subscribers than addresses and ports" "$out"
b0=$(slab nat64_bib) s0=$(slab nat64_session)
ctl set subscriber-prefix 56 || fail "subscriber-prefix 56"
check "deterministic pool of 256 subscribers" \
	ctl pool add p1 $POOL4/30 ports $LO-$HI alloc deterministic from $FROM
check "rule through it" ctl rule add r1 prefix 64:ff9b:1::/96 pool p1
out=$(ctl set subscriber-prefix 48 2>&1)
check "subscriber-prefix not longer than the pool's prefix: refused" [ $? -ne 0 ]
match "... with a message" "must be longer" "$out"
out=$(ctl set subscriber-prefix 64 2>&1)
check "65536 subscribers for 1036 ports: refused" [ $? -ne 0 ]
match "... with a message" "less than 1 port each" "$out"
check "subscriber-prefix stays 56" sh -c "ip netns exec $XL $NAT64CTL show | grep -qx 'set subscriber-prefix 56'"
out=$(ctl pool add p2 198.51.100.8/30 alloc deterministic from 2001:db8:6:80::/57 2>&1)
check "overlapping deterministic prefix refused" [ $? -ne 0 ]
match "... with a message" "overlaps another deterministic" "$out"

# Shown as a command that reads back, and in JSON.
show=$(ctl show)
match "show: the pool as a command" "^pool add p1 $POOL4/30 ports $LO-$HI alloc deterministic from $FROM\$" "$show"
check "show reads back (-f)" sh -c "ip netns exec $XL $NAT64CTL show | ip netns exec $XL $NAT64CTL -f -"
check "... to the same configuration" [ "$(ctl show)" = "$show" ]
json=$(ctl -j pool show)
check "pool show -j" $PY -c '
import json, sys
p = json.loads(sys.argv[1])[0]
assert p["alloc"] == "deterministic" and p["from"] == "2001:db8:6::", p
assert p["from_plen"] == 48 and p["subscriber_plen"] == 56, p
assert (p["subscribers"], p["subscribers_per_addr"], p["ports_per_subscriber"]) == (256, 64, 4), p
' "$json"

# Memory: a configuration of 256 subscribers allocates nothing per
# subscriber (the formula is computed, not stored).
check "no BIB entry or session objects for the configuration" \
	test "$(slab nat64_bib)" = "$b0" -a "$(slab nat64_session)" = "$s0"

# Every subscriber: forward and reverse lookups against the formula (one
# nat64ctl for all: answers come one a line, in order).
out=$($PY - "$NAT64CTL" "$XL" $N $K $P $LO $POOL4 <<'EOF'
import ipaddress, json, subprocess, sys
ctl, ns, n, k, p, lo, pool4 = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), sys.argv[7]
base4 = int(ipaddress.IPv4Address(pool4))
subs = list(ipaddress.IPv6Network("2001:db8:6::/48").subnets(new_prefix=56))
assert len(subs) == n
queries, wants = [], []
for i, net in enumerate(subs):
    want = {"subscriber": str(net), "addr4": str(ipaddress.IPv4Address(base4 + i // k)),
            "port_min": lo + i % k * p, "port_max": lo + i % k * p + p - 1}
    # Forward: the prefix, and an address inside it; reverse: a port of
    # its range (not always the first) comes back.
    for q in (str(net), str(net.network_address + 0x1234 + i),
              f"{want['addr4']}:{want['port_min'] + i % p}"):
        queries.append(q)
        wants.append(want)
r = subprocess.run([ctl, "-n", ns, "-j", "lookup", *queries],
                   capture_output=True, text=True)
got = [json.loads(l) for l in r.stdout.splitlines()]
bad = int(r.returncode != 0 or len(got) != len(queries))
for q, g, w in zip(queries, got, wants):
    if any(g[f] != w[f] for f in w):
        print(f"{q}: {g}, want {w}"); bad += 1
print(f"{len(got)} answers, {bad} wrong")
EOF
)
last=${out##*$'\n'}
check "lookup of all $N subscribers, forward and back, is the formula" [ "$last" = "$((3 * N)) answers, 0 wrong" ]
[ "$last" = "$((3 * N)) answers, 0 wrong" ] || note "$out"
# The example of nat64ctl(8) and the README, as a second pool.
ctl pool add det 198.51.100.0/30 ports 1024-65535 alloc deterministic from 2001:db8:1::/48 ||
	fail "the man page's pool"
match "man page example: reverse" "^subscriber 2001:db8:1:e600::/56 address 198.51.100.3 ports 39328-40335 pool det\$" "$(ctl lookup 198.51.100.3:40123)"
match "man page example: forward" "^subscriber 2001:db8:1:200::/56 address 198.51.100.0 ports 3040-4047 pool det\$" "$(ctl lookup 2001:db8:1:200::/56)"
ctl pool del det
match "lookup: subscriber 0x42" "^subscriber 2001:db8:6:4200::/56 address 198.51.100.5 ports 2008-2011 pool p1\$" "$(ctl lookup 2001:db8:6:4200::/56)"
out=$(ctl lookup 198.51.100.9:2000 2>&1)
check "lookup of an address in no deterministic pool fails" [ $? -ne 0 ]
match "... and says so" "in no deterministic pool" "$out"
out=$(ctl lookup $POOL4:$((LO + K * P)) 2>&1)
check "lookup of a left-over port fails" [ $? -ne 0 ]
match "... and says so" "no subscriber's \(left over\)" "$out"
out=$(ctl lookup 2001:db8:7::1 2>&1)
check "lookup of an IPv6 address outside the prefix fails" [ $? -ne 0 ]
match "... and says so" "in no deterministic pool" "$out"
out=$(ctl lookup 2001:db8:6::/52 2>&1)
check "lookup of a prefix holding several subscribers fails" [ $? -ne 0 ]

# Real mappings: each subscriber's address and ports, none other.
# range SRC: "ADDR4 LO HI" of its subscriber, by the formula (SRC is
# 2001:db8:6:XX00::..., i = 0xXX: the 4th group's high byte).
range() {
	local g i
	g=$(cut -d: -f4 <<< "$1")
	i=$(( 0x${g:-0} >> 8 ))
	echo "198.51.100.$(( ${POOL4##*.} + i / K )) $(( LO + i % K * P )) $(( LO + i % K * P + P - 1 ))"
}
# in_range SRC PROTO: every BIB entry of SRC for PROTO is in its range.
in_range() {
	local a lo hi n
	read -r a lo hi <<< "$(range "$1")"
	n=$(ctl bib show "$2" | awk -v s="$1" -v a="$a" -v lo="$lo" -v hi="$hi" '
		$2 == s { if ($4 != a || $5 < lo || $5 > hi) bad = 1; n++ }
		END { print bad ? -1 : n + 0 }')
	[ "$n" -gt 0 ] && [ "$n" -ge "${3:-1}" ]
}
pingfrom() { x6 ping -c 1 -W 3 -I "$1" 64:ff9b:1::192.0.2.2 2>&1; }
for a in 2001:db8:6::2 2001:db8:6:100::2 2001:db8:6:4200::2 2001:db8:6:fe00::2; do
	check "ping from $a answered" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I $a 64:ff9b:1::192.0.2.2 >/dev/null"
	check "... its ICMP mapping is in its range ($(range $a))" in_range $a icmp
done
udp() { echo x | x6 socat -u - "UDP6-SENDTO:[64:ff9b:1::c000:202]:9,bind=[$1]:$2"; }
udp 2001:db8:6:4200::2 40000
check "UDP from port 40000 mapped in its range" busywait 5000 in_range 2001:db8:6:4200::2 udp
ctl bib show | grep -F '2001:db8:6:' | while read -r l; do note "$l"; done

# A static entry on a port of subscriber 1's range keeps it out.
ctl bib add udp "[2001:db8:6:100::9]:53" 198.51.100.4:2004 || fail "static entry"
udp 2001:db8:6:100::2 2004
check "UDP from port 2004: mapped in the range" busywait 5000 in_range 2001:db8:6:100::2 udp
check "... but not on the static entry's port" sh -c "ip netns exec $XL $NAT64CTL bib show udp | grep '^udp 2001:db8:6:100::2 ' | grep -qv ' 2004 rule'"

# Fill one subscriber's 4 ports: the 5th mapping is refused and counted.
full=2001:db8:6:ff00::2
for n in 1 2 3 4; do
	check "$full: mapping $n of $P" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I $full 64:ff9b:1::192.0.2.2 >/dev/null"
done
before=$(counter drop-det-full) refused0=$(counter mappings-refused)
out=$(pingfrom $full)
match "5th refused with address unreachable" "[Uu]nreachable" "$out"
check "refusal counted in drop-det-full" [ "$(counter drop-det-full)" = $((before + 1)) ]
check "... and in mappings-refused" [ "$(counter mappings-refused)" = $((refused0 + 1)) ]
check "its 4 mappings, all in its range" in_range $full icmp 4
check "no 5th mapping" [ "$(ctl bib show icmp | awk -v s=$full '$2 == s' | wc -l)" = 4 ]
check "another subscriber of the same address still gets a port" sh -c "ip netns exec $V6 ping -c 1 -W 3 -I 2001:db8:6:fe00::2 64:ff9b:1::192.0.2.2 >/dev/null"

# Memory of the mappings made: per mapping, as for any; per subscriber
# nothing more (scale.sh measures the mappings at scale).
maps=$(mappings)
note "memory per subscriber: no state (computed); $maps mappings of 6 subscribers: nat64_bib $(( $(slab nat64_bib) - b0 )), nat64_session $(( $(slab nat64_session) - s0 )) objects more"

# A new subscriber length rebuilds the ranges: the mappings go.
check "subscriber-prefix 55: 128 subscribers of 8 ports" ctl set subscriber-prefix 55
check "... old mappings flushed" busywait 5000 sh -c "[ \$(ip netns exec $XL $NAT64CTL bib show icmp | wc -l) = 0 ]"
match "... lookup follows it" "^subscriber 2001:db8:6:4200::/55 address 198.51.100.5 ports 2008-2015 pool p1\$" "$(ctl lookup 2001:db8:6:4200::2)"
check_kernel_log deterministic
finish
