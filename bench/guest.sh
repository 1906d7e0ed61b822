#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for scripts/bench. Builds, per path, three namespaces
#
#   <p>g  generator  2001:db8:6::2 ---- <p>x  middle  ---- <p>s  sink
#         pktgen -> 64:ff9b:1::c000:202     fwd:   routes 64:ff9b:1::/96 to the sink
#                                          nat64: nat64, pool 198.18.0.0/25
#                                          jool:  Jool, the same pool4
#
# pktgen sends 64-byte IPv6 UDP packets (78-byte frames, the smallest
# pktgen makes: 40 + 8 + 16 bytes of pktgen header) from sequential source
# ports, with UDP checksums. The sink counts at tc ingress the packets that
# arrived translated (IPv4, UDP, to 192.0.2.2:9, from the pool) or, for
# fwd, forwarded (IPv6 to 64:ff9b:1::c000:202 port 9), and drops them; in
# count mode it drops everything else too, in wall mode the rest (TCP,
# ICMP) reaches the sink's stack, for iperf3 and ping.
# Neighbours are static; DAD, router solicitations and IPv6 on the IPv4
# link are off, so nothing but the measured packets crosses the links.
#
# Flows (source address, source ports), so that every run knows which
# sessions it makes or reuses:
#   2001:db8:6::2  ports 1024-2023      the 1,000 established flows
#   2001:db8:6:2::1 .. ::8              new sessions, small table (8
#                                       sources, ports from 1024)
#   2001:db8:6:3::1 .. ::8              new sessions, big table
#   2001:db8:6::5  ports 1024-1031      the load under the latency test
#   2001:db8:6:1::1 .. ::80             the big table: 128 sources, the
#                                       table's flows split evenly, each
#                                       source's ports from 1024 up
# Several sources, because nat64 gives all flows of an IPv6 host one pool
# address (paired pooling): 128 hosts on 128 addresses leave every address
# far from full.
# The big table is filled by one pktgen run from all 128 sources in turn;
# runs over it send from each source starting at a different offset into
# its ports, so that consecutive packets reach sessions made far apart
# (in time, and so in memory).
#
# Environment:
#   BENCH_MODE   count: one path (BENCH_PATH), the instruction windows
#                (marks around each measured run) and the memory used:
#                  warm-up of the 1,000 flows (2,000 packets)
#                  [mark] BENCH_N_EST packets over the 1,000 flows [mark]
#                  [mark] BENCH_N_NEW new sessions [mark]
#                  [mark] 3 s idle [mark]
#                  fill the table to BENCH_TABLE sessions (memory before and
#                  after: /proc/slabinfo, nat64ctl stats)
#                  [mark] BENCH_N_EST_BIG packets over the big table [mark]
#                  [mark] BENCH_N_NEW_BIG new sessions beyond it [mark]
#                  [mark] 3 s idle [mark]
#                  [mark] iperf3 sending BENCH_TCP_KB kilobytes [mark]
#                wall: every path in BENCH_PATHS, then the tests of
#                BENCH_TESTS (est new tcp lat big), each a warm-up round
#                and BENCH_RUNS rounds, the paths alternating
#   BENCH_MARK   count: the marker program (bench/mark.c)
#   BENCH_TABLE  sessions of the big table (default 1000000)
#   BENCH_BUCKETS_LOG  nat64's map_buckets_log (default: the module's)
#   BENCH_RPS    wall: 1 to steer the translator's ingress (x6) over all
#                CPUs (rps_cpus)
#   BENCH_POOL1  nat64, jool: 1 for a one-address pool (198.18.0.1, ports
#                1024-65535) instead of the /25; count mode then measures
#                the established flows and an idle window only (4 marks)
#   BENCH_TXCSUM 1 to leave the generator's transmit checksum offload on:
#                pktgen's packets then arrive CHECKSUM_PARTIAL, as from a
#                container (default: off, checksums computed in software)
#   BENCH_FASTPATH  nat64: 1 to run "nat64ctl fastpath add" for both of
#                the translator's veths (x6, x4) after configuring it
#   BENCH_WALL_PACKETS  wall: packets per pktgen run (default 100000)
#   BENCH_TCP_SECONDS   wall tcp: iperf3 seconds per run (default 4)
#   BENCH_LOAD_PPS      wall lat: offered load in packets/s (default 5000)
#   BENCH_PINGS         wall lat: pings per run (default 400, 5 ms apart)
#   NAT64_KO NAT64CTL JOOL_DIR (holding jool_common.ko and jool.ko)
#
# Output lines start with "BENCH" for scripts/bench; anything wrong ends
# the script with a message and a non-zero status.

set -eu
set -o pipefail

mode=${BENCH_MODE:-count}
settle=${BENCH_SETTLE:-3}
table=${BENCH_TABLE:-1000000}
nbig=128		# sources of the big table
pool=198.18.0.0/25	# RFC 2544 benchmarking space: 128 addresses
# The translator's pool: the /25, or one address of it (the sink takes
# the whole /25 either way).
xpool=$pool
[ "${BENCH_POOL1:-0}" = 1 ] && xpool=198.18.0.1
dst6=64:ff9b:1::c000:202

# On stderr too: a failure inside $(...) must not vanish with its output.
die() { echo "BENCH-ERROR $*"; echo "BENCH-ERROR $*" >&2; exit 1; }
say() { echo "bench-guest: $*" >&2; }

load_modules() {
	local p need_nat64=0 need_jool=0 deps
	for p in "$@"; do
		case $p in
		nat64|nat64-block|nat64-det|nat64-export) need_nat64=1 ;;
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
		if [ -n "${BENCH_BUCKETS_LOG:-}" ]; then
			insmod "$NAT64_KO" map_buckets_log="$BENCH_BUCKETS_LOG" ||
				die "insmod $NAT64_KO failed"
		else
			insmod "$NAT64_KO" || die "insmod $NAT64_KO failed"
		fi
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

# setup PATH SINK: the three namespaces of PATH, configured; SINK is drop
# (the sink drops everything at ingress) or pass (only the pktgen traffic).
setup() {
	local p=$1 sink=$2 g=${1}g x=${1}x s=${1}s n
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
	# The TCP test turns transmit offloads back on (tcp_run).
	# BENCH_TXCSUM=1 leaves them on: CHECKSUM_PARTIAL arrives.
	[ "${BENCH_TXCSUM:-0}" = 1 ] ||
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
		ip -n "$s" addr add $dst6/128 dev v4 nodad
		ip -n "$x" route add 64:ff9b:1::/96 via 2001:db8:4::2
		ip -n "$x" neigh add 2001:db8:4::2 lladdr 02:00:00:00:04:02 dev x4 nud permanent
		ip -n "$s" route add 2001:db8:6::/48 via 2001:db8:4::1
		ip -n "$s" neigh add 2001:db8:4::1 lladdr 02:00:00:00:04:01 dev v4 nud permanent
	else
		ip -n "$x" addr add 192.0.2.1/24 dev x4
		ip -n "$s" addr add 192.0.2.2/24 dev v4
		ip -n "$x" neigh add 192.0.2.2 lladdr 02:00:00:00:04:02 dev x4 nud permanent
		ip -n "$s" route add $pool via 192.0.2.1
		ip -n "$s" neigh add 192.0.2.1 lladdr 02:00:00:00:04:01 dev v4 nud permanent
	fi
	# The sink: count the pktgen traffic that arrived as expected (pref 1).
	tc -n "$s" qdisc add dev v4 ingress
	if [ "$p" = fwd ]; then
		tc -n "$s" filter add dev v4 ingress pref 1 protocol ipv6 flower \
			ip_proto udp dst_ip $dst6 dst_port 9 action drop
	else
		tc -n "$s" filter add dev v4 ingress pref 1 protocol ip flower \
			ip_proto udp src_ip $pool dst_ip 192.0.2.2 \
			dst_port 9 action drop
	fi
	if [ "$sink" = drop ]; then
		# TCP (the count mode's iperf3 window) passes, the rest is dropped.
		if [ "$p" = fwd ]; then
			tc -n "$s" filter add dev v4 ingress pref 2 protocol ipv6 flower \
				ip_proto tcp action pass
		else
			tc -n "$s" filter add dev v4 ingress pref 2 protocol ip flower \
				ip_proto tcp action pass
		fi
		tc -n "$s" filter add dev v4 ingress pref 3 protocol all matchall action drop
	fi
	case $p in
	nat64|nat64-block|nat64-det|nat64-export)
		case $p in
		nat64|nat64-export)
			ip netns exec "$x" "$NAT64CTL" pool add p1 $xpool ports 1024-65535 ;;
		nat64-block)
			# Each source a subscriber (/128): 1,000 flows in 2
			# blocks, a big table source's 7,300 in 15.
			ip netns exec "$x" "$NAT64CTL" pool add p1 $pool ports 1024-65535 \
				alloc block 512 max-blocks 64 ;;
		nat64-det)
			# Each group of sources its own range, sized for the
			# flows a source sends (full run: the new-session runs'
			# 7,500, the big table's 7,800), so that a subscriber's
			# range is at most half full: the established and
			# latency flows' /120 (256 subscribers, 4 an address,
			# 8,000 ports each), the two new-session runs' /124s
			# (16 subscribers on 32 addresses: an address each,
			# 32,000 ports), the big table's /120 over the whole
			# /25's upper ports (2 an address, 16,256 ports).
			for r in "198.18.0.0/26 1024-33023 2001:db8:6::/120" \
				 "198.18.0.0/25 33024-65535 2001:db8:6:1::/120" \
				 "198.18.0.64/27 1024-33023 2001:db8:6:2::/124" \
				 "198.18.0.96/27 1024-33023 2001:db8:6:3::/124"; do
				set -- $r
				ip netns exec "$x" "$NAT64CTL" pool add p1 "$1" ports "$2" \
					alloc deterministic from "$3" || die "nat64-det pool $r"
			done ;;
		esac
		ip netns exec "$x" "$NAT64CTL" rule add r1 prefix 64:ff9b:1::/96 pool p1
		ip netns exec "$x" "$NAT64CTL" set timeout udp 7200
		[ "$p" = nat64-export ] && logd_start "$x"
		if [ "${BENCH_FASTPATH:-0}" = 1 ]; then
			for n in x6 x4; do
				ip netns exec "$x" "$NAT64CTL" fastpath add $n ||
					die "nat64ctl fastpath add $n failed"
			done
		fi
		;;
	jool)
		ip netns exec "$x" jool instance add bench --netfilter --pool6 64:ff9b:1::/96 >/dev/null
		ip netns exec "$x" jool -i bench pool4 add --force $xpool 1024-65535 --udp >/dev/null
		ip netns exec "$x" jool -i bench pool4 add --force $xpool 1024-65535 --tcp >/dev/null
		ip netns exec "$x" jool -i bench pool4 add --force $xpool 1024-65535 --icmp >/dev/null
		ip netns exec "$x" jool -i bench global update udp-timeout 2:00:00 >/dev/null
		;;
	esac
	if [ "${BENCH_RPS:-0}" = 1 ]; then
		local mask
		mask=$(printf '%x' $(( (1 << $(nproc)) - 1 )))
		ip netns exec "$x" sh -c "echo $mask > /sys/class/net/x6/queues/rx-0/rps_cpus" ||
			die "setting rps_cpus on $p's x6 failed"
	fi
}

# nat64-export: nat64-logd in the translator's namespace, exporting every
# record (sessions with their destinations too: the most it does) as
# IPFIX to a collector there that discards them (socat). Each measured
# run then waits, before its closing mark, until nat64-logd has every
# event the kernel numbered (received or counted lost): the windows hold
# the whole export, the kernel's events and the daemon's records.
LOGD=$(dirname "${NAT64CTL:-/x}")/nat64-logd
drain=true
logd_start() {
	local i
	[ -x "$LOGD" ] || die "no $LOGD"
	command -v socat >/dev/null || die "socat is not installed"
	# Its 8 MiB receive buffer, as nat64-logd(8) advises: a burst of
	# new sessions is queued, not dropped (a drop costs less).
	sysctl -qw net.core.rmem_max=16777216
	cat > /run/bench-logd.conf <<-EOF
	ipfix 127.0.0.1:4739
	export all
	status-file /run/bench-logd.status
	EOF
	ip netns exec "$1" socat -u UDP4-RECV:4739,bind=127.0.0.1,rcvbuf=8388608 \
		/dev/null &
	ip netns exec "$1" "$LOGD" -c /run/bench-logd.conf 2> /run/bench-logd.err &
	echo $! > /run/bench-logd.pid
	for i in $(seq 100); do
		[ -s /run/bench-logd.status ] && break
		sleep 0.1
	done
	[ -s /run/bench-logd.status ] || die "nat64-logd did not start: $(cat /run/bench-logd.err)"
	cat > /run/bench-drain.sh <<-EOF
	# Until nat64-logd accounted for every event numbered (60 s at most).
	i=0
	while [ \$i -lt 1200 ]; do
		kill -USR1 \$(cat /run/bench-logd.pid) || exit 1
		k=\$(ip netns exec $1 $NAT64CTL stats | awk '\$1 == "events-sent" || \$1 == "events-dropped" { n += \$2 } END { print n + 0 }')
		sleep 0.05
		l=\$(awk '\$1 == "last-seq" { print \$2 }' /run/bench-logd.status)
		[ "\$l" = "\$k" ] && exit 0
		i=\$((i + 1))
	done
	echo "nat64-logd did not catch up" >&2
	exit 1
	EOF
	drain="sh /run/bench-drain.sh"
}
# logd_status: nat64-logd's counters, as "key=value ..." (BENCH-EXPORT).
logd_status() {
	kill -USR1 "$(cat /run/bench-logd.pid)"
	sleep 0.2
	awk '$1 != "dest" { printf "%s=%s ", $1, $2 }
	     $1 == "dest" { printf "dest_records=%s dest_errors=%s dest_lost=%s ", $6, $10, $12 }' \
		/run/bench-logd.status
}

# --- pktgen: a run is a script of devices, written and run in one go ---

# pg_begin: start a run's script.
pg_begin() {
	pgs=$(mktemp /run/pg.XXXXXX)
	ndev=0
	cat > "$pgs" <<-'EOF'
	t=/proc/net/pktgen/kpktgend_0
	# The thread removes the devices when it next runs: wait for it.
	echo rem_device_all > $t || exit 1
	i=0
	while [ -e /proc/net/pktgen/v6@0 ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "pktgen: devices not removed" >&2; exit 1; }
		sleep 0.05
	done
	# dev NAME CMD...: add a device, configure it, check the last answer.
	dev() {
		local d=$1 f c l ok=0
		shift
		echo "add_device $d" > $t || { echo "pktgen: add_device $d refused" >&2; exit 1; }
		f=/proc/net/pktgen/$d
		for c in "$@"; do
			echo "$c" > $f || { echo "pktgen: $d: '$c' refused" >&2; exit 1; }
		done
		while IFS= read -r l; do
			case $l in "Result: OK"*) ok=1 ;; esac
		done < $f
		[ $ok = 1 ] || { echo "pktgen: $d: configuration refused" >&2; exit 1; }
	}
	# result NAME: "usec packets" of the device's last run.
	result() {
		local l
		while IFS= read -r l; do
			case $l in
			"Result: OK: "*)
				l=${l#Result: OK: }
				set -- $l
				echo "${1%%(*} ${3}"
				return ;;
			esac
		done < /proc/net/pktgen/$1
		echo "pktgen: $1: no result" >&2
		exit 1
	}
	EOF
}

# pg_dev SRC SPORT NPORTS COUNT [RATEP]: a device sending COUNT packets
# from SRC, source ports SPORT..SPORT+NPORTS-1 in turn (COUNT 0: until
# stopped), at RATEP packets/s if given.
pg_dev() {
	local rate=""
	[ -z "${5:-}" ] || rate="'ratep $5'"
	echo "dev v6@$ndev 'clone_skb 0' 'pkt_size 78' 'delay 0' 'dst6 $dst6' 'src6 $1' 'dst_mac 02:00:00:00:06:01' 'udp_dst_min 9' 'udp_dst_max 9' 'flag UDPCSUM' 'udp_src_min $2' 'udp_src_max $(( $2 + $3 ))' 'count $4' $rate" >> "$pgs"
	ndev=$((ndev + 1))
}

# pg_start [MARK]: run the devices so far (between two runs of MARK if
# given), then print "usec packets cs" (the longest device's time, the sum
# of the packets, the time from before the first mark to after the second
# in centiseconds of /proc/uptime). The pause lets packets still queued (softirq work handed
# to ksoftirqd, or to another CPU) arrive before the closing mark.
pg_start() {
	local m=${1:-true} i
	{
		echo "read a x < /proc/uptime"
		echo "$m && echo start > /proc/net/pktgen/pgctrl && sleep 0.2 && $drain && $m || exit 1"
		echo "read b x < /proc/uptime"
		echo "u=0 n=0"
		for i in $(seq 0 $((ndev - 1))); do
			echo "set -- \$(result v6@$i); [ \$1 -gt \$u ] && u=\$1; n=\$((n + \$2))"
		done
		echo 'echo "$u $n $(( ${b%.*}${b#*.} - ${a%.*}${a#*.} ))"'
		# pktgen devices hold 1.5 MB each: not kept between runs.
		echo 'echo rem_device_all > $t'
	} >> "$pgs"
}

# pg_run PATH: run the script in PATH's generator namespace.
pg_run() {
	ip netns exec "${1}g" sh "$pgs" || die "$1: pktgen run failed"
	rm -f "$pgs"
}

# big_share I TOTAL: flows of big-table source I when the table has TOTAL.
big_share() {
	echo $(( $2 / nbig + ($1 < $2 % nbig ? 1 : 0) ))
}
big_src() { printf '2001:db8:6:1::%x' $(( $1 + 1 )); }

# fill_big PATH FIRST LAST TOTAL: make the flows of big-table sources
# FIRST..LAST (TOTAL flows in all 128), all in one run, the sources in
# turn; prints "usec packets".
fill_big() {
	local i c
	pg_begin
	for i in $(seq "$2" "$3"); do
		c=$(big_share "$i" "$4")
		[ "$c" -gt 0 ] || continue
		pg_dev "$(big_src "$i")" 1024 "$c" "$c"
	done
	pg_start
	pg_run "$1"
}

# big_devs PER OFFSET TOTAL: devices sending PER packets each from the
# 128 big-table sources (TOTAL flows in all). Source I starts at a port
# I/128 of the way into its flows (plus OFFSET): the fill made the flows
# of all sources in turn, so that consecutive packets here reach
# sessions made far apart in time, and so in memory.
big_devs() {
	local i c min span
	min=$(( $3 / nbig ))
	span=$(( min - $1 + 1 ))
	[ "$span" -gt 0 ] || die "big table too small for $1 packets a source"
	for i in $(seq 0 $((nbig - 1))); do
		c=$(( (i * (min / nbig) + $2) % span ))
		pg_dev "$(big_src "$i")" $(( 1024 + c )) "$1" "$1"
	done
}

# new_devs K N: N new flows from the 8 sources 2001:db8:6:K::1..8.
new_devs() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		pg_dev "2001:db8:6:$1::$i" 1024 $(( $2 / 8 )) $(( $2 / 8 ))
	done
}

# sink_count PATH: packets the sink's counting filter saw.
sink_count() {
	tc -n "${1}s" -s filter show dev v4 ingress pref 1 |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { for (i = 1; i < NF; i++) if ($i == "bytes") { print $(i + 1); exit } }'
}

# sessions PATH: the translator's session count (nat64: its statistics;
# Jool: the objects in use in its session cache, close to the count).
sessions() {
	case $1 in
	nat64*) ip netns exec "${1}x" "$NAT64CTL" stats | awk '$1 == "sessions:" { print $2; exit }' ;;
	jool) awk '$1 == "session_nodes" { print $2; exit }' /proc/slabinfo ;;
	*) echo 0 ;;
	esac
}

# mem WHEN PATH: the slab caches and vmalloc areas that matter, and
# the totals.
mem() {
	awk -v w="$1" -v p="$2" '
		NR > 2 {
			bytes = $15 * $6 * 4096
			all += bytes
			if ($1 ~ /^(nat64|bib_nodes|session_nodes|jool)/)
				printf "BENCH-MEM when=%s path=%s cache=%s active=%d objs=%d objsize=%d slabs=%d pagesperslab=%d bytes=%d\n",
					w, p, $1, $2, $3, $4, $15, $6, bytes
		}
		END { printf "BENCH-MEM when=%s path=%s cache=ALL bytes=%d\n", w, p, all }
	' /proc/slabinfo
	awk -v w="$1" -v p="$2" '
		/nat64|jool/ { v[$3] += $2 }
		END { for (f in v) printf "BENCH-VMALLOC when=%s path=%s caller=%s bytes=%d\n", w, p, f, v[f] }
	' /proc/vmallocinfo
	awk -v w="$1" -v p="$2" '
		$1 == "Slab:" || $1 == "VmallocUsed:" || $1 == "MemFree:" { gsub(":", "", $1); s = s " " $1 "=" $2 * 1024 }
		END { print "BENCH-MEMINFO when=" w " path=" p s }
	' /proc/meminfo
	# Port blocks are kmalloc'd, at a size their range's block size
	# sets: the pools' count of blocks held, and each range's bitmap.
	[ "$2" = nat64-block ] || return 0
	ip netns exec "${2}x" "$NAT64CTL" -j pool show | python3 -c '
import json, sys
r = [p for p in json.load(sys.stdin) if "blocks_used" in p]
n = sum(p["blocks_used"] for p in r)
b = sum(p["blocks_used"] * p["bytes_per_block"] + (p["blocks"] + 7) // 8 for p in r)
print("BENCH-BLOCKS when=%s path=%s blocks=%d bytes_per_block=%d bytes=%d"
      % (sys.argv[1], sys.argv[2], n, max([p["bytes_per_block"] for p in r] or [0]), b))
' "$1" "$2"
}

# idle WHAT MARK: a marked window of 3 s doing nothing, for the
# instructions that time costs (timers, the translators' garbage
# collection), whatever the packets: the rate corrects the other windows.
idle() {
	local a b x
	read -r a x < /proc/uptime
	"$2"
	sleep 3
	"$2"
	read -r b x < /proc/uptime
	echo "BENCH-RUN what=$1 path=$p packets=0 cs=$(( ${b%.*}${b#*.} - ${a%.*}${a#*.} ))"
}

translator_state() {
	case $1 in
	nat64*)
		ip netns exec "${1}x" "$NAT64CTL" stats | grep -E -v '^\s*$' | tr -s ' \t' ' ' | tr '\n' ';'
		[ "${BENCH_FASTPATH:-0}" = 0 ] ||
			ip netns exec "${1}x" "$NAT64CTL" fastpath show | tr -s ' \t' ' ' | tr '\n' ';' ;;
	jool) ip netns exec "${1}x" jool -i bench stats display 2>/dev/null | tr -s ' \t' ' ' | tr '\n' ';' ;;
	esac
}

# counted PATH WHAT EXPECTED BEFORE: check that the sink got EXPECTED more
# packets than BEFORE.
counted() {
	local got
	got=$(( $(sink_count "$1") - $4 ))
	[ "$got" -eq "$3" ] || die "$1 $2: the sink got $got of $3 packets"
}

# Under emulation the stack runs 10-30x slower than native: scale the
# receive softirq's time budget (2 ms, that is 1 jiffy here) so that it
# does not keep handing packets over to ksoftirqd while pktgen fills the
# backlog. The backlog: big where every packet must arrive (count mode);
# the default where another CPU may fall behind (wall mode with RPS), so
# that what it cannot take is dropped, not queued past the run's end.
sysctl -qw net.core.netdev_budget_usecs=200000
if [ "$mode" = wall ] && [ "${BENCH_RPS:-0}" = 1 ]; then
	sysctl -qw net.core.netdev_max_backlog=1000
else
	sysctl -qw net.core.netdev_max_backlog=200000
fi

echo "BENCH-VM cpus=$(nproc) mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) cmdline=$(tr ' ' ',' < /proc/cmdline)"

case $mode in
count)
	p=${BENCH_PATH:?}
	n_est=${BENCH_N_EST:?} n_new=${BENCH_N_NEW:?}
	n_big=${BENCH_N_EST_BIG:?} n_newbig=${BENCH_N_NEW_BIG:?}
	mark=${BENCH_MARK:?}
	[ $((n_big % nbig)) = 0 ] || die "BENCH_N_EST_BIG must be a multiple of $nbig"
	[ $((n_new % 8)) = 0 ] && [ $((n_newbig % 8)) = 0 ] || die "BENCH_N_NEW, BENCH_N_NEW_BIG: multiples of 8"
	load_modules "$p"
	setup "$p" drop
	# Let link-up work (MLD reports and the like) finish before sending.
	sleep "$settle"
	mem before "$p"
	s0=$(sessions "$p")

	# The 1,000 established flows: a warm-up run makes them.
	c0=$(sink_count "$p")
	pg_begin; pg_dev 2001:db8:6::2 1024 1000 2000; pg_start; pg_run "$p" >/dev/null
	counted "$p" warm-up 2000 "$c0"

	c0=$(sink_count "$p")
	pg_begin; pg_dev 2001:db8:6::2 1024 1000 "$n_est"; pg_start "$mark"
	res=$(pg_run "$p")
	counted "$p" est "$n_est" "$c0"
	set -- $res
	echo "BENCH-RUN what=est path=$p packets=$n_est sessions=$(sessions "$p") usec=$1 cs=$3"

	# One pool address: established packets only. 64,512 ports hold no
	# big table, and Jool gives up on a new session after max-iterations
	# (auto: 1,024) probes from an offset that is the same for every
	# flow from one source to one destination port, as the new-session
	# runs' are.
	if [ "${BENCH_POOL1:-0}" = 1 ]; then
		idle idle "$mark"
		echo "BENCH-STATE path=$p $(translator_state "$p")"
		exit 0
	fi

	c0=$(sink_count "$p")
	pg_begin; new_devs 2 "$n_new"; pg_start "$mark"
	res=$(pg_run "$p")
	counted "$p" new "$n_new" "$c0"
	set -- $res
	echo "BENCH-RUN what=new path=$p packets=$n_new sessions=$(sessions "$p") usec=$1 cs=$3"

	idle idle "$mark"

	# The big table: the same size whatever n_new was.
	fill=$((table - 1000 - n_new))
	c0=$(sink_count "$p")
	t0=$(date +%s.%N)
	res=$(fill_big "$p" 0 $((nbig - 1)) "$fill")
	t1=$(date +%s.%N)
	# The fill is not measured: a translator may lose a packet or two
	# there (Jool once did, 1 of 989,000), which is reported.
	got=$(( $(sink_count "$p") - c0 ))
	[ $(( (fill - got) * 1000 )) -le "$fill" ] ||
		die "$p fill: the sink got $got of $fill packets"
	sleep 1
	s1=$(sessions "$p")
	echo "BENCH-FILL path=$p packets=$fill delivered=$got seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') sessions_before=$s0 sessions=$s1 pktgen=${res// /,}"
	mem after "$p"
	if [[ $p == nat64* ]] && [ "$s1" -ne $((table - fill + got)) ]; then
		die "nat64 holds $s1 sessions, not $((table - fill + got))"
	fi

	c0=$(sink_count "$p")
	pg_begin; big_devs $((n_big / nbig)) 0 "$fill"; pg_start "$mark"
	res=$(pg_run "$p")
	counted "$p" est-big "$n_big" "$c0"
	set -- $res
	echo "BENCH-RUN what=est-big path=$p packets=$n_big sessions=$(sessions "$p") usec=$1 cs=$3"

	c0=$(sink_count "$p")
	[ "$p" = nat64-export ] && e0=$(logd_status)
	t0=$(date +%s.%N)
	pg_begin; new_devs 3 "$n_newbig"; pg_start "$mark"
	res=$(pg_run "$p")
	t1=$(date +%s.%N)
	counted "$p" new-big "$n_newbig" "$c0"
	set -- $res
	echo "BENCH-RUN what=new-big path=$p packets=$n_newbig sessions=$(sessions "$p") usec=$1 cs=$3"
	# The export's pace: the run's events, received or counted lost by
	# nat64-logd, over the run's time to the last one.
	if [ "$p" = nat64-export ]; then
		e1=$(logd_status)
		echo "BENCH-EXPORT what=new-big path=$p packets=$n_newbig seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(awk -v a="$e0" -v b="$e1" 'BEGIN {
			n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); before[kv[1]] = kv[2] }
			n = split(b, y, " "); for (i = 1; i <= n; i++) { split(y[i], kv, "="); if (kv[1] in before && kv[2] ~ /^[0-9]+$/) printf "%s=%d ", kv[1], kv[2] - before[kv[1]] } }')"
	fi

	idle idle-big "$mark"

	# TCP bulk: iperf3 sending BENCH_TCP_KB kilobytes, offloads on.
	if [ -n "${BENCH_TCP_KB:-}" ]; then
		ip netns exec "${p}s" iperf3 -s -D --pidfile "/run/iperf3-$p.pid" >/dev/null ||
			die "iperf3 server for $p failed"
		ip netns exec "${p}g" ethtool -K v6 tx on >/dev/null
		sleep 1
		read -r a x < /proc/uptime
		out=$(ip netns exec "${p}g" sh -c "$mark && iperf3 -c $dst6 -n ${BENCH_TCP_KB}K -f k && $mark" 2>&1) ||
			{ echo "$out" >&2; die "$p: iperf3 failed"; }
		read -r b x < /proc/uptime
		kbps=$(awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Kbits/sec") print $i }' <<< "$out")
		[ -n "$kbps" ] || { echo "$out" >&2; die "$p: no iperf3 result"; }
		echo "BENCH-RUN what=tcp path=$p packets=$BENCH_TCP_KB kbps=$kbps cs=$(( ${b%.*}${b#*.} - ${a%.*}${a#*.} ))"
	fi
	echo "BENCH-STATE path=$p $(translator_state "$p")"
	;;
wall)
	# shellcheck disable=SC2206
	paths=(${BENCH_PATHS:?})
	# shellcheck disable=SC2206
	tests=(${BENCH_TESTS:-est tcp lat new big})
	runs=${BENCH_RUNS:-5}
	packets=${BENCH_WALL_PACKETS:-100000}
	load_modules "${paths[@]}"
	for p in "${paths[@]}"; do setup "$p" pass; done
	for p in "${paths[@]}"; do
		ip netns exec "${p}s" iperf3 -s -D --pidfile "/run/iperf3-$p.pid" >/dev/null ||
			die "iperf3 server for $p failed"
	done
	sleep "$settle"
	# The rounds of the new-session test fill the big table: round R
	# makes the flows of sources FIRST(R)..FIRST(R+1)-1.
	first() { echo $(( $1 * nbig / (runs + 1) )); }
	per=$((packets / nbig))
	for t in "${tests[@]}"; do
	for r in $(seq 0 "$runs"); do
	for p in "${paths[@]}"; do
		case $t in
		est)
			c0=$(sink_count "$p")
			pg_begin; pg_dev 2001:db8:6::2 1024 1000 "$packets"; pg_start
			res=$(pg_run "$p")
			set -- $res
			got=$(( $(sink_count "$p") - c0 ))
			echo "BENCH-WALL test=est round=$r path=$p packets=$2 delivered=$got usec=$1"
			;;
		big)
			# Round R sends from ports the previous one did not.
			off=$(( r * per ))
			c0=$(sink_count "$p")
			pg_begin; big_devs "$per" "$off" "$table"; pg_start
			res=$(pg_run "$p")
			set -- $res
			got=$(( $(sink_count "$p") - c0 ))
			echo "BENCH-WALL test=big round=$r path=$p packets=$2 delivered=$got usec=$1 sessions=$(sessions "$p")"
			;;
		new)
			c0=$(sink_count "$p")
			res=$(fill_big "$p" "$(first "$r")" $(( $(first $((r + 1))) - 1 )) "$table")
			set -- $res
			got=$(( $(sink_count "$p") - c0 ))
			echo "BENCH-WALL test=new round=$r path=$p packets=$2 delivered=$got usec=$1 sessions=$(sessions "$p")"
			;;
		tcp)
			ip netns exec "${p}g" ethtool -K v6 tx on >/dev/null
			if [ "$r" = 0 ]; then
				for d in "${p}g v6" "${p}x x6" "${p}x x4" "${p}s v4"; do
					set -- $d
					echo "BENCH-OFFLOAD path=$p dev=$2 $(ip netns exec "$1" ethtool -k "$2" | awk -F': ' '/^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming|rx-checksumming):/ { gsub(/ .*/, "", $2); printf "%s=%s ", $1, $2 }')"
				done
			fi
			out=$(ip netns exec "${p}g" iperf3 -c $dst6 -t "${BENCH_TCP_SECONDS:-4}" -O 1 -f k 2>&1) ||
				{ echo "$out" >&2; die "$p: iperf3 failed"; }
			ip netns exec "${p}g" ethtool -K v6 tx off >/dev/null
			kbps=$(awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Kbits/sec") print $i }' <<< "$out")
			retr=$(awk '/sender$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Kbits/sec") print $(i + 2) }' <<< "$out")
			[ -n "$kbps" ] || { echo "$out" >&2; die "$p: no iperf3 result"; }
			echo "BENCH-WALL test=tcp round=$r path=$p kbps=$kbps retr=${retr:-0}"
			;;
		lat)
			# The load: 8 established flows at a fixed rate, from
			# 4 devices (each then sends every 4/rate s and sleeps
			# between packets rather than spinning).
			rate=${BENCH_LOAD_PPS:-5000}
			c0=$(sink_count "$p")
			pg_begin
			for i in 0 1 2 3; do pg_dev 2001:db8:6::5 $((1024 + 2 * i)) 2 0 $((rate / 4)); done
			echo "echo start > /proc/net/pktgen/pgctrl" >> "$pgs"
			ip netns exec "${p}g" sh "$pgs" &
			lp=$!
			sleep 0.5
			l0=$(date +%s.%N)
			out=$(ip netns exec "${p}g" ping -6 -n -i 0.005 -c "${BENCH_PINGS:-400}" -W 1 $dst6 2>&1) || true
			ip netns exec "${p}g" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
			l1=$(date +%s.%N)
			wait $lp || die "$p: the load's pktgen failed"
			rm -f "$pgs"
			# Let what the load left queued drain before the next
			# path's run (the backlog is the CPU's, not the path's).
			i=0 c1=-1
			while [ $i -lt 120 ] && [ "$c1" != "$(sink_count "$p")" ]; do
				c1=$(sink_count "$p"); sleep 0.5; i=$((i + 1))
			done
			sent=0
			for i in 0 1 2 3; do
				s=$(ip netns exec "${p}g" awk '/^Result: OK/ { print $5; exit }' "/proc/net/pktgen/v6@$i")
				sent=$((sent + ${s:-0}))
			done
			got=$(( $(sink_count "$p") - c0 ))
			rtts=$(awk -F'time=' 'NF > 1 { split($2, a, " "); printf "%s%s", s, a[1]; s = "," }' <<< "$out")
			[ -n "$rtts" ] || { echo "$out" >&2; die "$p: no ping replies"; }
			echo "BENCH-RTT round=$r path=$p pings=${BENCH_PINGS:-400} load_pps=$rate load_seconds=$(awk -v a="$l0" -v b="$l1" 'BEGIN { printf "%.2f", b - a + 0.5 }') load_sent=$sent load_delivered=$got rtt_ms=$rtts"
			;;
		*) die "unknown test $t" ;;
		esac
	done
	done
	done
	for p in "${paths[@]}"; do
		echo "BENCH-STATE path=$p $(translator_state "$p")"
	done
	;;
*) die "unknown BENCH_MODE $mode" ;;
esac
