#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scaling out on routing: three translators behind an ECMP router. The
# IPv6 router spreads 64:ff9b:1::/96 over them with a resilient nexthop
# group, hashing on the IPv6 source address only, so that a subscriber
# sticks to one translator, the one holding its mappings (EIM, paired
# pooling); each translator has a pool of its own, routed back to it by
# the IPv4 router. 60 subscribers, 3 UDP flows each (other source and
# destination ports): every flow is answered, from an address of the
# pool of the translator holding its mapping; a subscriber's flows share
# one translator and one address; each translator holds mappings of its
# own pool only and at least 10% of the subscribers. Then one
# translator's links go down (it fails): the router drops its nexthop by
# itself (carrier loss), its subscribers move to the others with new
# addresses, and every other subscriber keeps its translator, address
# and ports. (Nexthop objects go with their link's carrier, no sysctl
# needed. A plain multipath route splits the hash range in contiguous
# shares: losing T1 would move some of T2's subscribers too.)
#
#                         r6-$S                                 r4-$S
#  h6-$S                  64:ff9b:1::/96 nhid 10 (resilient:    198.51.100.0/26 via T1
#  subscribers  --- h --- 1/2/3), hash: IPv6 source     t1 --- 198.51.100.64/26 via T2
#  2001:db8:6::100-13b    t1 -- tk1-$S -- t1 (10.4.1.0/24)      198.51.100.128/26 via T3
#                         t2 -- tk2-$S -- t2 (10.4.2.0/24)      s --- s4-$S 192.0.2.2
#                         t3 -- tk3-$S -- t3 (10.4.3.0/24)            UDP echo 7001-7003
#                     (2001:db8:10:K::1 / ::2)
#
# Translator K (tkK-$S): pool 198.51.100.(64(K-1))/26, rule
# 64:ff9b:1::/96 through it.
. "$(dirname "$0")/lib.sh"

require_cmd python3
nat64_load
kmsg_mark ecmp

H6=h6-$S R6=r6-$S R4=r4-$S S4=s4-$S
TK=("" "tk1-$S" "tk2-$S" "tk3-$S")
NSUB=60 NFLOW=3
SUBS=()
for i in $(seq 0 $((NSUB - 1))); do SUBS+=("$(printf '2001:db8:6::%x' $((0x100 + i)))"); done

ecmp_cleanup() { ns_del "$H6" "$R6" "${TK[@]:1}" "$R4" "$S4"; }
cleanup_hooks+=(ecmp_cleanup)

# pool_of ADDR4: the translator (1-3) whose pool holds ADDR4; 0 if none.
pool_of() {
	local o=${1##*.}
	if [[ $1 == 198.51.100.* ]] && [[ $o =~ ^[0-9]+$ ]] && [ "$o" -lt 192 ]; then
		echo $((o / 64 + 1))
	else
		echo 0
	fi
}

# The namespaces: no DAD (addresses usable at once), forwarding on.
topo() {
	local n k
	for n in "$H6" "$R6" "${TK[@]:1}" "$R4" "$S4"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 || return 1
	done
	ip link add name h netns "$H6" type veth peer name h netns "$R6" &&
	ip link add name s netns "$S4" type veth peer name s netns "$R4" || return 1
	for k in 1 2 3; do
		ip link add name t$k netns "$R6" type veth peer name a6 netns "${TK[k]}" &&
		ip link add name t$k netns "$R4" type veth peer name a4 netns "${TK[k]}" &&
		ip -n "$R6" addr add 2001:db8:10:$k::1/64 dev t$k nodad &&
		ip -n "$R6" link set dev t$k up &&
		ip -n "$R4" addr add 10.4.$k.1/24 dev t$k &&
		ip -n "$R4" link set dev t$k up &&
		ip -n "$R4" route add 198.51.100.$((64 * (k - 1)))/26 via 10.4.$k.2 &&
		ip -n "${TK[k]}" addr add 2001:db8:10:$k::2/64 dev a6 nodad &&
		ip -n "${TK[k]}" addr add 10.4.$k.2/24 dev a4 &&
		ip -n "${TK[k]}" link set dev a6 up &&
		ip -n "${TK[k]}" link set dev a4 up &&
		ip -n "${TK[k]}" route add default via 2001:db8:10:$k::1 &&
		ip -n "${TK[k]}" route add default via 10.4.$k.1 &&
		"$NAT64CTL" -n "${TK[k]}" pool add p$k 198.51.100.$((64 * (k - 1)))/26 &&
		"$NAT64CTL" -n "${TK[k]}" rule add r1 prefix 64:ff9b:1::/96 pool p$k ||
			return 1
	done
	# The subscribers: addresses of h6's link.
	{
		echo "addr add 2001:db8:6::2/64 dev h nodad"
		for a in "${SUBS[@]}"; do echo "addr add $a/128 dev h nodad"; done
	} | ip -n "$H6" -batch - &&
	ip -n "$H6" link set dev h up &&
	ip -n "$H6" route add default via 2001:db8:6::1 &&
	ip -n "$R6" addr add 2001:db8:6::1/64 dev h nodad &&
	ip -n "$R6" link set dev h up &&
	ip -n "$R4" addr add 192.0.2.1/24 dev s &&
	ip -n "$R4" link set dev s up &&
	ip -n "$S4" addr add 192.0.2.2/24 dev s &&
	ip -n "$S4" link set dev s up &&
	ip -n "$S4" route add default via 192.0.2.1 || return 1
	busywait 5000 sh -c "ip -n $H6 -br link show dev h | grep -qw UP &&
		ip -n $S4 -br link show dev s | grep -qw UP"
}
topo || { fail "topology"; finish; }
ok "topology: 3 translators, each with its pool"

# ECMP on the IPv6 source address alone (policy 3: the fields below;
# 0x0001 is the source address).
if ! nsx "$R6" sysctl -qw net.ipv6.fib_multipath_hash_policy=3 \
	net.ipv6.fib_multipath_hash_fields=0x0001 2>/dev/null; then
	echo "# SKIP: no custom multipath hash fields (before 5.12)"
	exit $KSFT_SKIP
fi
if ! { ip -n "$R6" nexthop add id 1 via 2001:db8:10:1::2 dev t1 &&
	ip -n "$R6" nexthop add id 2 via 2001:db8:10:2::2 dev t2 &&
	ip -n "$R6" nexthop add id 3 via 2001:db8:10:3::2 dev t3; }; then
	fail "nexthops"
	finish
fi
if ! ip -n "$R6" nexthop add id 10 group 1/2/3 type resilient buckets 120 2>/dev/null; then
	echo "# SKIP: no resilient nexthop groups (before 5.13)"
	exit $KSFT_SKIP
fi
check "multipath route through the resilient group" \
	ip -n "$R6" route add 64:ff9b:1::/96 nhid 10
match "hash policy 3, fields: source address" "^1$" \
	"$(nsx "$R6" sysctl -n net.ipv6.fib_multipath_hash_fields)"

for p in 7001 7002 7003; do udp_echo_server "$S4" $p peer; done

# flows.py SECONDS ADDR...: from each ADDR, NFLOW UDP flows, flow J from
# port 40000+J to 64:ff9b:1::192.0.2.2 port 7001+J, sent again each
# second until answered or SECONDS have passed. The echo server adds the
# source it saw: a line "ADDR6 PORT6 DPORT ADDR4 PORT4" an answered flow,
# "ADDR6 PORT6 DPORT - -" one not answered.
cat > "$TMPD/flows.py" <<EOF
import select, socket, sys, time
secs, subs, nflow = float(sys.argv[1]), sys.argv[2:], $NFLOW
socks = {}
for a in subs:
    for j in range(nflow):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((a, 40000 + j))
        s.setblocking(False)
        socks[s] = ("%s %d %d" % (a, 40000 + j, 7001 + j), 7001 + j)
answers, end, due = {}, time.monotonic() + secs, 0
while len(answers) < len(socks) and time.monotonic() < end:
    if time.monotonic() >= due:
        for s, (msg, port) in socks.items():
            if s not in answers:
                s.sendto(msg.encode(), ("64:ff9b:1::c000:202", port))
        due = time.monotonic() + 1
    r, _, _ = select.select([s for s in socks if s not in answers], [], [], 0.2)
    for s in r:
        answers[s] = s.recv(1000).decode().split()
for s, (msg, _) in socks.items():
    a = answers.get(s)
    print(" ".join(a) if a and len(a) == 5 else msg + " - -")
EOF
flows() { nsx "$H6" "$PY" "$TMPD/flows.py" $((20 * WAIT)) "${SUBS[@]}"; }

# bib K: translator K's UDP mappings, "ADDR6 PORT6 ADDR4 PORT4" a line.
bib() { "$NAT64CTL" -n "${TK[$1]}" bib show udp | awk '{ print $2, $3, $4, $5 }'; }

# analyse ROUND OUTPUT [DOWN]: the checks of one round of flows, DOWN the
# translator that is down. Sets tk[ADDR6], addr[ADDR6], port[ADDR6 PORT6].
analyse() {
	local r=$1 out=$2 down=${3:-0} a sp a4 p4 k n
	local -A split=() seen=() inbib=()
	local unanswered=0 foreign=0 nobib=0 nsplit=0 count=(0 0 0 0)
	tk=() addr=() port=()
	for k in 1 2 3; do
		[ "$k" = "$down" ] && continue
		while read -r a sp a4 p4; do
			[ -n "$a" ] || continue
			[ "$(pool_of "$a4")" = "$k" ] || foreign=$((foreign + 1))
			inbib["$k $a $sp $a4 $p4"]=1
		done <<< "$(bib $k)"
	done
	while read -r a sp _ a4 p4; do
		if [ "$a4" = - ]; then
			unanswered=$((unanswered + 1))
			continue
		fi
		k=$(pool_of "$a4")
		[ -n "${inbib["$k $a $sp $a4 $p4"]:-}" ] || nobib=$((nobib + 1))
		port["$a $sp"]=$p4
		if [ -z "${seen[$a]:-}" ]; then
			seen[$a]=1 tk[$a]=$k addr[$a]=$a4
			count[k]=$((count[k] + 1))
		elif [ "${tk[$a]}" != "$k" ] || [ "${addr[$a]}" != "$a4" ]; then
			split[$a]=1
		fi
	done <<< "$out"
	nsplit=${#split[@]}
	n=$((NSUB * NFLOW))
	check "$r: all $n flows answered ($unanswered not)" [ "$unanswered" = 0 ]
	[ "$unanswered" = 0 ] || note "$(grep -- ' - -$' <<< "$out" | head -n 5)"
	check "$r: every answer from the pool of the translator with its mapping ($nobib not)" \
		[ "$nobib" = 0 ]
	check "$r: each translator maps to its own pool only ($foreign mappings not)" \
		[ "$foreign" = 0 ]
	check "$r: a subscriber's flows share one translator and address ($nsplit split)" \
		[ "$nsplit" = 0 ]
	note "$r: subscribers by translator: T1 ${count[1]}, T2 ${count[2]}, T3 ${count[3]}"
	for k in 1 2 3; do
		[ "$k" = "$down" ] && continue
		check "$r: translator $k has at least 10% of the subscribers (${count[k]})" \
			[ "${count[k]}" -ge $((NSUB / 10)) ]
	done
	[ "$down" = 0 ] || check "$r: translator $down has none" [ "${count[down]}" = 0 ]
}

declare -A tk addr port
out1=$(flows)
analyse "3 up" "$out1"
declare -A tk1 addr1 port1
for a in "${!tk[@]}"; do tk1[$a]=${tk[$a]} addr1[$a]=${addr[$a]}; done
for f in "${!port[@]}"; do port1[$f]=${port[$f]}; done

# Translator 1 fails: its links go down. The router sees its link lose
# carrier and removes nexthop 1 from the group: only its buckets move.
check "translator 1 fails: its links down" \
	ip -n "${TK[1]}" -batch - <<< $'link set dev a6 down\nlink set dev a4 down'
check "router removes the failed translator's nexthop" \
	busywait 5000 sh -c "! ip -n $R6 nexthop show id 1 >/dev/null 2>&1"
match "... the group keeps the other two" "group 2/3 " "$(ip -n "$R6" nexthop show id 10)"

out2=$(flows)
analyse "T1 down" "$out2" 1
moved=0 stayed=0 kept=0 wrong=0
for a in "${SUBS[@]}"; do
	if [ -z "${tk1[$a]:-}" ] || [ -z "${tk[$a]:-}" ]; then continue; fi
	if [ "${tk1[$a]}" = 1 ]; then
		moved=$((moved + 1))
		[ "${tk[$a]}" != 1 ] && [ "${addr[$a]}" != "${addr1[$a]}" ] ||
			wrong=$((wrong + 1))
	else
		stayed=$((stayed + 1))
		same=1
		[ "${tk[$a]}" = "${tk1[$a]}" ] && [ "${addr[$a]}" = "${addr1[$a]}" ] || same=0
		for j in $(seq 0 $((NFLOW - 1))); do
			[ "${port["$a $((40000 + j))"]:-}" = "${port1["$a $((40000 + j))"]:-x}" ] || same=0
		done
		kept=$((kept + same))
	fi
done
note "T1 down: $moved subscribers moved, $stayed stayed ($kept with the same mappings)"
check "T1's subscribers ($moved) all moved, to a new address of another pool ($wrong not)" \
	[ "$moved" -gt 0 -a "$wrong" = 0 ]
check "the others ($stayed) kept translator, address and ports ($kept)" \
	[ "$stayed" -gt 0 -a "$kept" = "$stayed" ]
check "every subscriber counted ($moved + $stayed)" [ $((moved + stayed)) = "$NSUB" ]

check_kernel_log ecmp
finish
