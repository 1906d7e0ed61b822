#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for scripts/bench's repro-* parts: a second topology,
# the one of perf-repro (/work/shared/perf-repro, topology.sh and guest.sh
# as of 2026-12-02), copied here so that make bench needs nothing outside
# the project. Same namespaces, addresses, pool, pktgen settings, packet
# counts and marks; added: an idle window, the delivered check and
# BENCH- lines for bench/report.py. Changed: the translators' prefix is
# 64:ff9b:1::/96 (RFC 8215), not the Well-Known Prefix 64:ff9b::/96:
# nat64 drops, as RFC 6052 §3.1 asks, what the Well-Known Prefix would
# take to a non-global IPv4 address such as the sink's 192.0.2.5 (since
# 33e0210, 2026-12-02: perf-repro's nat64 path delivers nothing now, and
# its run does not check).
#
#   n6  pktgen, 2001:db8::5 -- j  translator or router -- n4  sink
#
# pktgen sends 78-byte IPv6 UDP frames from n6 to j with UDP checksums,
# sequential source ports over BENCH_FLOWS flows, clone_skb 0; a tc
# matchall rule at n4's ingress counts and drops everything. Neighbours
# are static. nat64 and Jool have one pool address, 198.51.100.1, ports
# 1024-65535; nat64 keeps its default map_buckets_log (perf-repro's).
#
#   fwd    j routes 2001:db8:2::/64 to n4 (plain IPv6 forwarding)
#   nat64  nat64 in j, rule 64:ff9b:1::/96
#   jool   Jool in j (--netfilter), pool6 64:ff9b:1::/96
#
# Marks: BENCH_WARM packets (unmarked), [mark] BENCH_N packets [mark],
# [mark] 3 s idle [mark].
#
# Environment: BENCH_PATH, BENCH_N, BENCH_MARK, BENCH_WARM (20000),
# BENCH_FLOWS (1000), BENCH_TXCSUM (1: the generator's checksum offload
# left on, perf-repro's TXOFF=0), BENCH_FASTPATH (nat64: 1 for "nat64ctl
# fastpath add" on j6 and j4), NAT64_KO, NAT64CTL, JOOL_DIR.

set -eu
set -o pipefail

p=${BENCH_PATH:?} n=${BENCH_N:?} mark=${BENCH_MARK:?}
warm=${BENCH_WARM:-20000} flows=${BENCH_FLOWS:-1000}

die() { echo "BENCH-ERROR $*"; echo "BENCH-ERROR $*" >&2; exit 1; }
mac() { ip -n "$1" -br link show "$2" | awk '{ print $3 }'; }
cs() { local u; read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }

setup() {
	local ns
	for ns in n6 j n4; do
		ip netns add $ns
		ip -n $ns link set lo up
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip link add v6 netns n6 type veth peer name j6 netns j
	ip link add v4 netns n4 type veth peer name j4 netns j
	ip -n n6 link set v6 up
	ip -n j link set j6 up
	ip -n j link set j4 up
	ip -n n4 link set v4 up
	[ "${BENCH_TXCSUM:-0}" = 1 ] || ip netns exec n6 ethtool -K v6 tx off >/dev/null
	ip -n n6 addr add 2001:db8::5/64 dev v6 nodad
	ip -n j addr add 2001:db8::1/64 dev j6 nodad
	ip -n j addr add 192.0.2.1/24 dev j4
	ip -n n4 addr add 192.0.2.5/24 dev v4
	ip -n j addr add 2001:db8:2::1/64 dev j4 nodad
	ip -n n4 addr add 2001:db8:2::5/64 dev v4 nodad
	ip -n n6 route add 64:ff9b:1::/96 via 2001:db8::1
	ip -n n6 route add 2001:db8:2::/64 via 2001:db8::1
	ip netns exec j sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	# Emulation is 10-30x slower than hardware: the 2 ms softirq
	# budget is one jiffy here.
	sysctl -qw net.core.netdev_budget_usecs=200000 net.core.netdev_max_backlog=200000
	tc -n n4 qdisc add dev v4 ingress
	tc -n n4 filter add dev v4 ingress matchall action drop
	ip -n n6 neigh add 2001:db8::1 lladdr "$(mac j j6)" dev v6 nud permanent
	ip -n j neigh add 192.0.2.5 lladdr "$(mac n4 v4)" dev j4 nud permanent
	ip -n j neigh add 2001:db8:2::5 lladdr "$(mac n4 v4)" dev j4 nud permanent
}

# blast DST COUNT: COUNT packets to DST, source ports 1024 up over the flows.
blast() {
	ip netns exec n6 sh -c "
		echo rem_device_all > /proc/net/pktgen/kpktgend_0
		echo add_device v6 > /proc/net/pktgen/kpktgend_0
		D=/proc/net/pktgen/v6
		for c in 'count $2' 'clone_skb 0' 'pkt_size 78' 'delay 0' 'dst6 $1' \
			'src6 2001:db8::5' 'dst_mac $(mac j j6)' \
			'udp_src_min 1024' 'udp_src_max $((1024 + flows))' \
			'udp_dst_min 9' 'udp_dst_max 9' 'flag UDPCSUM'; do
			echo \"\$c\" > \$D || exit 1
		done
		echo start > /proc/net/pktgen/pgctrl" || die "$p: pktgen run failed"
}


modprobe -a veth pktgen sch_ingress cls_matchall act_gact || die "modprobe failed"
setup
case $p in
nat64)
	deps=$(modinfo -F depends "$NAT64_KO" | tr , ' ')
	# shellcheck disable=SC2086 # a list of names
	[ -z "$deps" ] || modprobe -a $deps || die "modprobe $deps failed"
	insmod "$NAT64_KO" || die "insmod $NAT64_KO failed"
	ip netns exec j "$NAT64CTL" pool add p 198.51.100.1 ports 1024-65535
	ip netns exec j "$NAT64CTL" rule add r prefix 64:ff9b:1::/96 pool p
	if [ "${BENCH_FASTPATH:-0}" = 1 ]; then
		for d in j6 j4; do
			ip netns exec j "$NAT64CTL" fastpath add $d ||
				die "nat64ctl fastpath add $d failed"
		done
	fi
	dst=64:ff9b:1::192.0.2.5 ;;
jool)
	deps=$(modinfo -F depends "$JOOL_DIR/jool.ko" | tr , ' ' | sed 's/\bjool_common\b//')
	# shellcheck disable=SC2086 # a list of names
	modprobe -a $deps || die "modprobe $deps failed"
	insmod "$JOOL_DIR/jool_common.ko" || die "insmod jool_common failed"
	insmod "$JOOL_DIR/jool.ko" || die "insmod jool failed"
	ip netns exec j jool instance add --netfilter --pool6 64:ff9b:1::/96 >/dev/null
	for proto in tcp udp icmp; do
		ip netns exec j jool pool4 add 198.51.100.1 1024-65535 --$proto >/dev/null
	done
	dst=64:ff9b:1::192.0.2.5 ;;
fwd)
	dst=2001:db8:2::5 ;;
*)
	die "unknown path $p" ;;
esac

echo "BENCH-VM cpus=$(nproc) mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) cmdline=$(tr ' ' ',' < /proc/cmdline)"
# The CRNG's state: unseeded, every get_random_*() takes a slow path.
echo "BENCH-RNG crng_init_done=$(dmesg | grep -c 'crng init done') hwrng=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null || echo none)"
blast $dst "$warm"
d0=$(ip netns exec n4 cat /sys/class/net/v4/statistics/rx_packets)
a=$(cs)
"$mark"
blast $dst "$n"
sleep 0.2
"$mark"
b=$(cs)
got=$(( $(ip netns exec n4 cat /sys/class/net/v4/statistics/rx_packets) - d0 ))
[ "$got" -ge "$n" ] || die "$p est: the sink got $got of $n packets"
echo "BENCH-RUN what=est path=$p packets=$n delivered=$got cs=$((b - a))"
a=$(cs)
"$mark"
sleep 3
"$mark"
b=$(cs)
echo "BENCH-RUN what=idle path=$p packets=0 cs=$((b - a))"
case $p in
nat64)
	echo "BENCH-STATE path=$p $(ip netns exec j "$NAT64CTL" stats | grep -E -v '^\s*$' | tr -s ' \t' ' ' | tr '\n' ';')" ;;
esac
