#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for scripts/bench. Builds, per path, three namespaces
#
#   <p>g  generator  2001:db8:6::2 ---- <p>x  middle  ---- <p>s  sink
#         pktgen -> 64:ff9b::c000:202     fwd:   routes 64:ff9b::/96 to the sink
#                                          nat64: nat64, pool 198.51.100.0/30
#                                          jool:  Jool, same pool4
#
# and sends 64-byte IPv6 UDP packets (78-byte frames, the smallest pktgen
# makes: 40 + 8 + 16 bytes of pktgen header) from sequential source ports,
# with UDP checksums.
# The sink drops everything at tc ingress; a flower filter in front counts
# the packets that arrived translated (IPv4, UDP, to 192.0.2.2:9, from the
# pool) or, for fwd, forwarded (IPv6 to 64:ff9b::c000:202 port 9).
# Neighbours are static and DAD, router solicitations and IPv6 on the IPv4
# link are off, so nothing but the measured packets crosses the links.
#
# Environment:
#   BENCH_MODE   count: set up BENCH_PATH, send BENCH_PACKETS packets over
#                BENCH_FLOWS flows in one pktgen run, print the result
#                wall: set up every path in BENCH_PATHS, then alternate
#                pktgen runs of BENCH_PACKETS packets (BENCH_RUNS rounds
#                after one warm-up round), printing each run's rate
#   BENCH_PATH / BENCH_PATHS   fwd nat64 jool
#   BENCH_FLOWS  distinct source ports (cycled); new sessions: >= packets
#   BENCH_WARM   count: packets sent before the measured run (same flows)
#   BENCH_MARK   count: the marker program (bench/mark.c), run just before
#                and just after the measured run
#   NAT64_KO NAT64CTL JOOL_DIR (holding jool_common.ko and jool.ko)
#
# Output lines start with "BENCH " (key=value pairs) for scripts/bench;
# anything wrong ends the script with a message and a non-zero status.

set -eu
set -o pipefail

mode=${BENCH_MODE:-count}
packets=${BENCH_PACKETS:?}
flows=${BENCH_FLOWS:?}
settle=${BENCH_SETTLE:-3}
sport0=1024

die() { echo "BENCH-ERROR $*"; exit 1; }
say() { echo "bench-guest: $*" >&2; }

load_modules() {
	local p need_nat64=0 need_jool=0 deps
	for p in "$@"; do
		case $p in
		nat64) need_nat64=1 ;;
		jool) need_jool=1 ;;
		fwd) ;;
		*) die "unknown path $p" ;;
		esac
	done
	modprobe -a veth pktgen sch_ingress cls_flower cls_matchall act_gact ||
		die "modprobe of veth/pktgen/tc modules failed"
	if [ $need_nat64 = 1 ]; then
		[ -e "${NAT64_KO:-}" ] || die "no nat64 module at '${NAT64_KO:-}'"
		deps=$(modinfo -F depends "$NAT64_KO" | tr , ' ')
		# shellcheck disable=SC2086
		[ -z "$deps" ] || modprobe -a $deps || die "modprobe $deps failed"
		insmod "$NAT64_KO" || die "insmod $NAT64_KO failed"
	fi
	if [ $need_jool = 1 ]; then
		[ -e "${JOOL_DIR:-}/jool.ko" ] || die "no jool.ko in '${JOOL_DIR:-}'"
		deps=$(modinfo -F depends "$JOOL_DIR/jool.ko" | tr , ' ' |
			sed 's/\bjool_common\b//')
		# shellcheck disable=SC2086
		modprobe -a $deps || die "modprobe $deps failed"
		insmod "$JOOL_DIR/jool_common.ko" || die "insmod jool_common failed"
		insmod "$JOOL_DIR/jool.ko" || die "insmod jool failed"
	fi
}

# setup PATH: the three namespaces of PATH, configured.
setup() {
	local p=$1 g=${1}g x=${1}x s=${1}s n
	for n in "$g" "$x" "$s"; do
		ip netns add "$n"
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.router_solicitations=0 \
			net.ipv6.conf.default.router_solicitations=0
	done
	ip link add v6 netns "$g" address 02:00:00:00:06:02 type veth \
		peer name x6 netns "$x" address 02:00:00:00:06:01
	ip link add v4 netns "$s" address 02:00:00:00:04:02 type veth \
		peer name x4 netns "$x" address 02:00:00:00:04:01
	ip netns exec "$x" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	if [ "$p" != fwd ]; then
		ip netns exec "$x" sysctl -qw net.ipv6.conf.x4.disable_ipv6=1
		ip netns exec "$s" sysctl -qw net.ipv6.conf.v4.disable_ipv6=1
	fi
	# Checksums: pktgen computes the UDP checksum in software (an IPv6 UDP
	# checksum of 0 is invalid, translators drop it); the veth peer then
	# marks it verified, as a NIC with receive checksum offload would.
	ip netns exec "$g" ethtool -K v6 tx off >/dev/null
	ip -n "$g" link set v6 up
	ip -n "$x" link set x6 up
	ip -n "$x" link set x4 up
	ip -n "$s" link set v4 up
	ip -n "$g" addr add 2001:db8:6::2/64 dev v6 nodad
	ip -n "$g" route add default via 2001:db8:6::1
	ip -n "$g" neigh add 2001:db8:6::1 lladdr 02:00:00:00:06:01 dev v6 nud permanent
	ip -n "$x" addr add 2001:db8:6::1/64 dev x6 nodad
	ip -n "$x" neigh add 2001:db8:6::2 lladdr 02:00:00:00:06:02 dev x6 nud permanent
	if [ "$p" = fwd ]; then
		ip -n "$x" addr add 2001:db8:4::1/64 dev x4 nodad
		ip -n "$s" addr add 2001:db8:4::2/64 dev v4 nodad
		ip -n "$x" route add 64:ff9b::/96 via 2001:db8:4::2
		ip -n "$x" neigh add 2001:db8:4::2 lladdr 02:00:00:00:04:02 dev x4 nud permanent
	else
		ip -n "$x" addr add 192.0.2.1/24 dev x4
		ip -n "$s" addr add 192.0.2.2/24 dev v4
		ip -n "$x" neigh add 192.0.2.2 lladdr 02:00:00:00:04:02 dev x4 nud permanent
	fi
	# The sink: count what arrived as expected (pref 1), drop everything.
	tc -n "$s" qdisc add dev v4 ingress
	if [ "$p" = fwd ]; then
		tc -n "$s" filter add dev v4 ingress pref 1 protocol ipv6 flower \
			ip_proto udp dst_ip 64:ff9b::c000:202 dst_port 9 action drop
	else
		tc -n "$s" filter add dev v4 ingress pref 1 protocol ip flower \
			ip_proto udp src_ip 198.51.100.0/30 dst_ip 192.0.2.2 \
			dst_port 9 action drop
	fi
	tc -n "$s" filter add dev v4 ingress pref 2 protocol all matchall action drop
	case $p in
	nat64)
		ip netns exec "$x" "$NAT64CTL" pool add p1 198.51.100.0/30 ports 1024-65535
		ip netns exec "$x" "$NAT64CTL" rule add r1 prefix 64:ff9b::/96 pool p1
		;;
	jool)
		ip netns exec "$x" jool instance add bench --netfilter --pool6 64:ff9b::/96 >/dev/null
		ip netns exec "$x" jool -i bench pool4 add 198.51.100.0/30 1024-65535 --udp >/dev/null
		;;
	esac
	# pktgen: the generator namespace's thread for CPU 0.
	local t=/proc/net/pktgen/kpktgend_0
	ip netns exec "$g" sh -c "echo rem_device_all > $t && echo add_device v6 > $t"
	pg "$p" "clone_skb 0"
	pg "$p" "pkt_size 78"
	pg "$p" "delay 0"
	pg "$p" "dst6 64:ff9b::c000:202"
	pg "$p" "src6 2001:db8:6::2"
	pg "$p" "dst_mac 02:00:00:00:06:01"
	pg "$p" "udp_dst_min 9"
	pg "$p" "udp_dst_max 9"
	pg "$p" "flag UDPCSUM"
	pg "$p" "udp_src_min $sport0"
	# pktgen cycles through [min, max): FLOWS ports.
	pg "$p" "udp_src_max $((sport0 + flows))"
}

# pg PATH CMD: a pktgen device command, checked.
pg() {
	ip netns exec "${1}g" sh -c "echo '$2' > /proc/net/pktgen/v6" ||
		die "pktgen: '$2' refused"
	ip netns exec "${1}g" grep -q '^Result: OK' /proc/net/pktgen/v6 ||
		die "pktgen: '$2': $(ip netns exec "${1}g" grep '^Result' /proc/net/pktgen/v6)"
}

# sink_count PATH: packets the sink's counting filter saw.
sink_count() {
	tc -n "${1}s" -s filter show dev v4 ingress pref 1 |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { for (i = 1; i < NF; i++) if ($i == "bytes") { print $(i + 1); exit } }'
}

# send PATH N [MARK]: one pktgen run of N packets, between two runs of
# MARK if given; prints pktgen's result (two lines).
send() {
	local m=${3:-true}
	pg "$1" "count $2"
	# The pause lets packets still queued (softirq work handed to
	# ksoftirqd) arrive before the closing mark; an idle CPU executes
	# next to nothing.
	ip netns exec "${1}g" sh -c "$m && echo start > /proc/net/pktgen/pgctrl && sleep 0.2 && $m" ||
		die "pktgen start failed"
	ip netns exec "${1}g" grep -A1 '^Result' /proc/net/pktgen/v6 | tr -s ' \n' ' '
}

translator_state() {
	case $1 in
	nat64) ip netns exec "${1}x" "$NAT64CTL" show | grep -E -v '^\s*$' | tr -s ' \t' ' ' | tr '\n' ';' ;;
	jool) ip netns exec "${1}x" jool -i bench stats display 2>/dev/null | tr -s ' \t' ' ' | tr '\n' ';' ;;
	esac
}

# Under emulation the stack runs 10-30x slower than native: scale the
# receive softirq's time budget (2 ms, that is 1 jiffy here) so that it
# does not keep handing packets over to ksoftirqd while pktgen fills the
# backlog, and make the backlog big enough that nothing is dropped if it
# does.
sysctl -qw net.core.netdev_budget_usecs=200000 net.core.netdev_max_backlog=200000

case $mode in
count)
	p=${BENCH_PATH:?}
	load_modules "$p"
	setup "$p"
	# Let link-up work (MLD reports and the like) finish before sending.
	sleep "$settle"
	warm=${BENCH_WARM:-0}
	if [ "$warm" -gt 0 ]; then
		send "$p" "$warm" >/dev/null
		wgot=$(sink_count "$p")
		[ "$wgot" -eq "$warm" ] ||
			die "$p: the sink got $wgot of the $warm warm-up packets"
	fi
	before=$(sink_count "$p")
	# The measured window: the plugin records the count at each mark.
	res=$(send "$p" "$packets" "${BENCH_MARK:?}")
	got=$(sink_count "$p")
	got=$((got - before))
	echo "BENCH path=$p packets=$packets flows=$flows warm=$warm delivered=$got"
	echo "BENCH-PKTGEN $res"
	echo "BENCH-STATE $(translator_state "$p")"
	[ "$got" -gt 0 ] || die "$p: the sink got none of the $packets packets"
	[ "$got" -eq "$packets" ] ||
		die "$p: the sink got $got of the $packets packets"
	;;
wall)
	# shellcheck disable=SC2206
	paths=(${BENCH_PATHS:?})
	runs=${BENCH_RUNS:-5}
	load_modules "${paths[@]}"
	for p in "${paths[@]}"; do setup "$p"; done
	sleep "$settle"
	# Round 0 is the warm-up (QEMU translates the code paths, the flows
	# are made); rounds 1..runs are measured, paths alternating.
	for r in $(seq 0 "$runs"); do
		for p in "${paths[@]}"; do
			before=$(sink_count "$p")
			res=$(send "$p" "$packets")
			got=$(( $(sink_count "$p") - before ))
			pps=$(sed -n 's/.* \([0-9]*\)pps.*/\1/p' <<< "$res")
			usec=$(sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' <<< "$res")
			echo "BENCH-WALL round=$r path=$p packets=$packets delivered=$got usec=$usec pps=$pps"
			[ "$got" -gt 0 ] || die "$p: the sink got none of the $packets packets"
		done
	done
	;;
*) die "unknown BENCH_MODE $mode" ;;
esac
