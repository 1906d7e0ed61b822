#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed and corner-case packets (issue 7). malformed.py sends a table
# of crafted packets (truncated headers, lying lengths, IPv4 options,
# extension header chains, fragments, ICMP errors with bad inner packets,
# Packet Too Big / Fragmentation Needed MTUs, TTL and hop limit 0 and 1,
# bad addresses, unknown protocols and ICMP types, a stored-SYN flood) and
# checks for each what comes out and which counter moved (see its
# header); the cases where something must come out run again with packet
# sockets open on the translator's links (cloned skbs; the taps must see
# the packets untouched). Then real sockets push GSO, paged and cloned
# skbs through:
# TCP both ways over TSO veths, UDP with UDP_SEGMENT both ways, the same
# again with a packet tap and a tc mirred mirror on the translator's
# links (so the translator gets shared and cloned skbs); the data must
# arrive intact and the taps must have seen the packets untouched. Last,
# BIG TCP: GSO packets over 64 KB, which the translator segments.
#
#  v6-$$                     xlat-$$                       v4-$$
#  v6 2001:db8:6::2 --- x6 2001:db8:6::1  x4 192.0.2.1 --- v4 192.0.2.2
#  (+ ::7, only for       MTU 9000 both links, tso on       (+ .7, likewise)
#   malformed.py)
#
# Usage: malformed.sh [CASE...]  (substrings of malformed.py's case names;
#                                 with any, the socket tests and the
#                                 cloned pass are skipped)
. "$(dirname "$0")/lib.sh"

if ! [ -x "$PY" ] || ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "# SKIP: $PY with scapy (python3-scapy) needed"
	exit $KSFT_SKIP
fi
nat64_load
kmsg_mark malformed
topo_up 9000 9000 || { fail "topology"; finish; }

# The crafted packets come from, and go to, addresses the hosts do not
# have: only malformed.py sees them.
x6 sysctl -qw net.ipv6.conf.all.forwarding=0
x4 sysctl -qw net.ipv4.ip_forward=0
ip -n "$XL" neigh replace 2001:db8:6::7 lladdr 02:00:00:00:06:02 dev x6 nud permanent
ip -n "$XL" neigh replace 192.0.2.7 lladdr 02:00:00:00:04:02 dev x4 nud permanent
ip -n "$XL" neigh replace 192.0.2.9 lladdr 02:00:00:00:04:02 dev x4 nud permanent
# Every ICMP error the translator owes must go out, however many.
X sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

# All of it: the cases that translate again with cloned skbs (--cloned).
[ $# = 0 ] && set -- --cloned
"$PY" "$(dirname "$0")/malformed.py" "$V6" "$V4" "$XL" "$NAT64CTL" "$@" |
	tee "$TMPD/malformed.out"
rc=${PIPESTATUS[0]}
ntest=$(grep -cE '^(not )?ok [0-9]+' "$TMPD/malformed.out")
grep -q '^not ok' "$TMPD/malformed.out" && failed=1
[ "$ntest" -gt 0 ] || fail "malformed.py ran no case"
[ "$rc" = 0 ] || [ "$failed" = 1 ] || fail "malformed.py exit $rc"

# --- GSO, paged and cloned skbs from real sockets ---
if [ "$*" = --cloned ]; then
	off="$PY $(dirname "$0")/offload.py"
	for d in v6:"$V6" x6:"$XL" x4:"$XL" v4:"$V4"; do
		ip netns exec "${d#*:}" ethtool -K "${d%%:*}" tso on gso on \
			>/dev/null 2>&1
	done
	$off tcp-server "$V4" 5001 &
	$off udp-server "$V4" 5002 &
	listening "$V4" tcp 5001
	listening "$V4" udp 5002

	# bulk TAG: 4 MB echoed over TCP and 16 x 1400 bytes of UDP GSO
	# echoed as GSO; counts the translated TCP packets.
	bulk() {
		local tag=$1 out t0 t1
		t0=$(( $(counter 6to4-tcp) + $(counter 4to6-tcp) ))
		out=$($off tcp-client "$V6" 64:ff9b:1::192.0.2.2 5001 4000000 2>&1)
		t1=$(( $(counter 6to4-tcp) + $(counter 4to6-tcp) ))
		check "$tag: 4 MB over TCP both ways, intact ($out)" \
			[ "${out##* }" = same ]
		# 8940-byte segments would take over 900 packets: GSO made
		# far fewer.
		check "$tag: TCP went as GSO ($((t1 - t0)) packets translated)" \
			[ $((t1 - t0)) -lt 900 ]
		out=$($off udp-client "$V6" 64:ff9b:1::192.0.2.2 5002 16 1400 2>&1)
		check "$tag: UDP GSO, 16 x 1400 bytes both ways, intact ($out)" \
			[ "$out" = "sent 16 received 16 same" ]
	}
	drops() {
		ctl stats | awk '$1 ~ /^drop-/ { n += $2 } END { print n + 0 }'
	}
	d0=$(drops)
	bulk "gso"

	# The same with the translator's links tapped (packet sockets: the
	# skbs it gets are clones whose data the taps share) and mirrored
	# by tc (clones held in a netem queue).
	$off tap "$XL" x6 x4 "$TMPD/tap" &
	tap=$!
	busywait 20000 test -e "$TMPD/tap.ready"
	modprobe -qa dummy sch_netem sch_ingress cls_matchall act_mirred
	if err=$(ip -n "$XL" link add m6 type dummy 2>&1 &&
	   ip -n "$XL" link set m6 up 2>&1 &&
	   X tc qdisc add dev m6 root netem delay 20ms limit 100000 2>&1 &&
	   X tc qdisc add dev x6 clsact 2>&1 &&
	   X tc filter add dev x6 ingress matchall \
		action mirred egress mirror dev m6 2>&1); then
		mirred=" + mirred"
	else
		mirred=""
		note "no tc mirred/netem ($err): taps only"
	fi
	bulk "cloned (taps$mirred)"
	kill "$tap"
	wait "$tap"
	read -r _ frames _ maxlen _ bad _ < "$TMPD/tap"
	check "cloned: the taps saw $frames frames, none rewritten ($bad bad)" \
		test "${frames:-0}" -gt 0 -a "${bad:-1}" = 0
	[ "${bad:-0}" = 0 ] || sed 's/^/#     /' "$TMPD/tap"
	check "cloned: frames of up to $maxlen bytes (GSO) on the taps" \
		[ "${maxlen:-0}" -gt 9014 ]
	check "no drop counted during the bulk transfers ($(($(drops) - d0)))" \
		[ "$(drops)" = "$d0" ]
	X tc qdisc del dev x6 clsact 2>/dev/null

	# IPv4 GSO with DF clear (the IPv4 host's IP_PMTUDISC_DONT) whose
	# segments, 1448 bytes in IPv6, fit neither the route to the IPv6
	# host (MTU 1400) nor lowest-ipv6-mtu (1280): segmented, and each
	# segment fragmented as a packet would be (RFC 7915 §5.1), not lost.
	$off udp-server "$V4" 5003 nodf &
	listening "$V4" udp 5003
	ip -n "$XL" -6 route add 2001:db8:6::2/128 dev x6 mtu 1400
	d0=$(drops)
	out=$($off udp-client "$V6" 64:ff9b:1::192.0.2.2 5003 16 1400 2>&1)
	check "UDP GSO without DF into a 1400-byte IPv6 route: 16 x 1400 bytes both ways, intact ($out)" \
		[ "$out" = "sent 16 received 16 same" ]
	check "no drop counted for it ($(($(drops) - d0)))" \
		[ "$(drops)" = "$d0" ]
	ip -n "$XL" -6 route del 2001:db8:6::2/128 dev x6 mtu 1400

	# UDP GRO fraglist skbs (SKB_GSO_FRAGLIST): the IPv4 host's UDP GSO
	# is segmented in software on v4, and GRO on x4 with rx-gro-list
	# makes the burst one fraglist skb, each datagram keeping its own
	# headers; x6 without tx-gso-list segments it again on the way out.
	# The translator must segment it first, not rewrite only the head.
	if err=$(ip netns exec "$V4" ethtool -K v4 tx-udp-segmentation off 2>&1 &&
	   ip netns exec "$XL" ethtool -K x4 gro on rx-gro-list on 2>&1 &&
	   ip netns exec "$XL" ethtool -K x6 tx-gso-list off 2>&1); then
		u0=$(counter 4to6-udp)
		out=$($off udp-client "$V6" 64:ff9b:1::192.0.2.2 5002 16 1400 2>&1)
		check "UDP GRO fraglist into the translator: 16 x 1400 bytes both ways, intact ($out, $(($(counter 4to6-udp) - u0)) translated)" \
			[ "$out" = "sent 16 received 16 same" ]
	else
		fail "UDP GRO fraglist: ethtool: $err"
	fi
	ip netns exec "$V4" ethtool -K v4 tx-udp-segmentation on >/dev/null 2>&1
	ip netns exec "$XL" ethtool -K x4 gro off rx-gro-list off >/dev/null 2>&1
	ip netns exec "$XL" ethtool -K x6 tx-gso-list on >/dev/null 2>&1

	# BIG TCP: GSO packets over 64 KB, from the IPv6 host (gso_max_size
	# raised on its link) and, where the kernel has IPv4 BIG TCP (6.3+:
	# IFLA_GSO_IPV4_MAX_SIZE), from the IPv4 host. No IPv4 header can
	# hold such a length: the translator segments them.
	ip -n "$V6" link set v6 gso_max_size 185000
	# TCP sizes its GSO packets down when the RTT is long (a slow
	# guest): not here.
	ip netns exec "$V6" sysctl -qw net.ipv4.tcp_tso_rtt_log=24
	ip netns exec "$V4" sysctl -qw net.ipv4.tcp_tso_rtt_log=24
	ip -n "$XL" link set x6 gro_max_size 185000
	if big4=$($off link-u32 "$V4" v4 63 185000 2>&1); then
		big4="both ways"
		both=1
	else
		both=0
		big4="IPv6 to IPv4 only ($big4)"
	fi
	$off tap "$XL" x6 x4 "$TMPD/tapbig" &
	tap=$!
	busywait 20000 test -e "$TMPD/tapbig.ready"
	d0=$(drops)
	ctl stats > "$TMPD/stats.before"
	out=$($off tcp-client "$V6" 64:ff9b:1::192.0.2.2 5001 4000000 2>&1)
	check "BIG TCP, $big4: 4 MB over TCP both ways, intact ($out)" \
		[ "${out##* }" = same ]
	kill "$tap"
	wait "$tap"
	read -r _ _ _ _ _ _ _ max6 _ max4 < "$TMPD/tapbig"
	check "BIG TCP: IPv6 packets of up to $max6 bytes reached the translator" \
		[ "${max6:-0}" -gt 65550 ]
	[ "$both" = 1 ] &&
		check "BIG TCP: IPv4 packets of up to $max4 bytes reached the translator" \
			[ "${max4:-0}" -gt 65550 ]
	check "BIG TCP: no drop counted ($(($(drops) - d0)))" \
		[ "$(drops)" = "$d0" ]
	[ "$(drops)" = "$d0" ] ||
		note "$(ctl stats | diff "$TMPD/stats.before" - | grep -E '^[<>] +drop-')"
fi

check_kernel_log malformed
finish
