#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the nat64 selftests (kselftest style). A test sources this
# file, builds what it needs, prints TAP lines through ok/fail/skip and
# ends with `finish` (exit 0 pass, 1 fail, 4 skip). Everything it made is
# removed on exit, however it exits.
#
#   ok/fail/skip DESC     TAP lines; fail marks the test failed
#   check DESC CMD...     ok if CMD succeeds, else fail
#   refute DESC CMD...    ok if CMD fails, else fail
#   match DESC ERE TEXT   ok if TEXT has a line matching ERE
#   busywait MS CMD...    run CMD until it succeeds, at most MS ms
#   note TEXT...          TEXT as TAP comments ("# ...")
#   require_cmd CMD...    skip the whole test if a tool is missing
#   nat64_load            load $NAT64_KO unless nat64 is loaded (fatal if
#                         it cannot be)
#   topo_up [V4MTU V6MTU] the standard topology below, configured
#   x6 / x4 / X CMD...    run CMD in the v6 host / v4 host / translator
#   ctl ARGS...           nat64ctl in the translator's namespace
#   counter NAME          a counter of `nat64ctl stats` in the translator
#   counter_ge NAME N     ... is N or more
#   kmsg_mark TAG; check_kernel_log TAG
#                         mark the kernel log; then ok if nothing since the
#                         mark is a splat (WARNING, BUG, leak, ...)
#   kmsg_unfaulted        filter: the kernel log less the allocation
#                         failure reports that faults.sh asked for
#   udp_echo_server NS PORT [peer [PEERFILE]]
#                         a UDP echo server in NS (see below)
#   cleanup_hooks+=(FN)   FN runs at exit, after the standard cleanup
#
# Standard topology (topo_up):
#
#  v6-$$                      xlat-$$                        v4-$$
#  v6 2001:db8:6::2 --- x6 2001:db8:6::1  x4 192.0.2.1 --- v4 192.0.2.2
#  (MACs 02:..:06:02)   (02:..:06:01)     (02:..:04:01)   (02:..:04:02)
#  default via ::1      forwarding on (both families)      198.51.100.0/24
#                       pool p1 198.51.100.1/32 ports 2000-2999  via .1
#                       rule r1 prefix 64:ff9b:1::/96 pool p1
#
# The v6 host reaches the v4 host at 64:ff9b:1::192.0.2.2 (64:ff9b:1::c000:202).
#
# The module: each test calls nat64_load, which loads it if it is not
# loaded; a test may unload and reload it. run.sh unloads it at the end
# and fails the run if that does not work.
#
# Environment: NAT64_KO (default build/$(uname -r)/nat64.ko, else
# kernel/nat64.ko), NAT64CTL (default usr/nat64ctl), both relative to the
# repository holding this file. SELFTEST_SLOW (default 1): how many times
# slower than usual the guest is (scripts/selftest --debug-kernel sets
# it); tests that shorten timeouts lengthen them by it. NAT64_FASTPATH=1:
# topo_up puts the fast path on x6 and x4 (make selftest-fastpath).

set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAT64CTL=${NAT64CTL:-$TOP/usr/nat64ctl}
if [ -z "${NAT64_KO:-}" ]; then
	NAT64_KO=$TOP/build/$(uname -r)/nat64.ko
	[ -e "$NAT64_KO" ] || NAT64_KO=$TOP/kernel/nat64.ko
fi
export NAT64CTL NAT64_KO
# shellcheck disable=SC2034 # for the tests
PY=/usr/bin/python3
S=$$
V6=v6-$S
XL=xlat-$S
V4=v4-$S
failed=0
ntest=0

# Kernel log lines that fail a test, and the run.
KMSG_BAD='WARNING:|BUG:|Oops|KASAN|kmemleak|UBSAN|general protection|RCU stall|rcu_.*stall|soft lockup|hard LOCKUP|blocked for more than|refcount_t|unregister_netdevice: waiting|Call Trace|list_add corruption|list_del corruption|double free|use-after-free|Kernel panic'

ok() { ntest=$((ntest + 1)); echo "ok $ntest $*"; }
fail() { ntest=$((ntest + 1)); echo "not ok $ntest $*"; failed=1; }
skip() { ntest=$((ntest + 1)); echo "ok $ntest $* # SKIP"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
refute() { local d=$1; shift; if "$@"; then fail "$d"; else ok "$d"; fi; }
match() {
	if grep -qE -- "$2" <<< "$3"; then
		ok "$1"
	else
		fail "$1"
		printf '%s\n' "$3" | sed 's/^/#     /'
	fi
}

# note TEXT...: TEXT as TAP comment lines.
note() {
	local l
	for l in "$@"; do printf '# %s\n' "${l//$'\n'/$'\n'# }"; done
}

# The helpers that run often start no process: a process start costs
# about half a second on the debug kernel. now_ms: NOW_MS, the time in
# milliseconds; nap SECONDS: sleep, as a read that times out on a FIFO
# nobody writes to (lib.sh's own, opened below).
now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; NOW_MS=$((10#$t / 1000)); }
nap() {
	if [ -n "${NAP_FD:-}" ]; then
		read -r -t "$1" -u "$NAP_FD" _
		return 0
	fi
	sleep "$1"
}

busywait() {
	local ms=$1 end
	shift
	now_ms
	end=$((NOW_MS + ms))
	until "$@"; do
		now_ms
		[ "$NOW_MS" -ge "$end" ] && return 1
		nap 0.05
	done
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null && continue
		echo "# SKIP: $c not installed"
		exit $KSFT_SKIP
	done
}

# A command in a namespace. nsenter only enters the network namespace,
# where ip netns exec also makes a mount namespace and mounts sysfs: on
# the debug kernel that costs more than most commands it runs. (Nothing
# run so reads /sys; /proc/sys/net and /proc/net are the namespace's.)
nsx() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }
x6() { nsx "$V6" "$@"; }
x4() { nsx "$V4" "$@"; }
X() { nsx "$XL" "$@"; }
ctl() { "$NAT64CTL" -n "$XL" "$@"; }

# The value of a counter in `nat64ctl stats`.
counter() { local st; st=$(ctl stats); stat_field "$1" "$st"; }
# counter_ge NAME N: that counter is N or more (for busywait).
counter_ge() { [ "$(counter "$1")" -ge "$2" ]; }
# stat_field KEY TEXT: the second word of TEXT's first line whose first word
# is KEY (as awk '$1 == KEY { print $2 }' would, but without a process).
stat_field() {
	local k v
	while read -r k v _; do
		[ "$k" = "$1" ] && { printf '%s\n' "$v"; return 0; }
	done <<< "$2"
	return 0
}
# The translator's session and mapping counts.
sessions() { counter sessions:; }
mappings() { counter mappings:; }
# Empty the caches named of what they hold of freed objects: KASAN keeps
# freed objects in its quarantine, counted as active, until other frees
# push them out or the cache is shrunk (a no-op elsewhere but for the
# free slabs it gives back).
slab_shrink() {
	local c
	for c; do echo 1 > "/sys/kernel/slab/$c/shrink"; done 2>/dev/null
}
# Active objects of slab cache $1 (0 if it has none), once shrunk.
slab() {
	slab_shrink "$1"
	awk -v c="$1" '$1 == c { print $2; f = 1 } END { if (!f) print 0 }' /proc/slabinfo
}
# Has cache $1 at most $2 active objects? (for busywait)
slab_le() { [ "$(slab "$1")" -le "$2" ]; }

nat64_loaded() { grep -q '^nat64 ' /proc/modules; }
xt_loaded() { grep -q '^xt_NAT64 ' /proc/modules; }
# The xtables target's module, beside the translator's.
NAT64_XT_KO=${NAT64_XT_KO:-$(dirname "$NAT64_KO")/xt_NAT64.ko}

# Load the module under test. It needs nothing loaded first: it loads
# the reassembly modules itself (insmod as an operator would).
nat64_load() {
	nat64_loaded && return 0
	if [ ! -e "$NAT64_KO" ]; then
		echo "# FAIL: no module at $NAT64_KO (make modules-all)"
		exit $KSFT_FAIL
	fi
	modprobe veth 2>/dev/null
	if ! insmod "$NAT64_KO"; then
		echo "# FAIL: insmod $NAT64_KO failed"
		dmesg | tail -n 5 | sed 's/^/# /'
		exit $KSFT_FAIL
	fi
}

# Unload the translator, and the xtables target first if loaded (it
# holds the translator; its rules go with their namespaces, after a
# while: wait for them).
nat64_unload() {
	if xt_loaded; then
		busywait 20000 rmmod xt_NAT64 2>/dev/null || return 1
	fi
	rmmod nat64
}

# Remove namespaces, after ending what still runs in them.
ns_del() {
	local n
	for n in "$@"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null || true
	done
}

topo_cleanup() { ns_del "$V6" "$XL" "$V4"; }

cleanup_hooks=(topo_cleanup)
# shellcheck disable=SC2317 # called by the trap
run_cleanup() {
	local h p
	# Background helpers (servers, captures) end with the test.
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	for h in "${cleanup_hooks[@]}"; do $h; done
	rm -rf "/tmp/nat64-selftest-$S"
}
[ -n "${NAT64_LIB_ONLY:-}" ] || trap run_cleanup EXIT

# A scratch directory of the test's own (removed at exit).
TMPD=/tmp/nat64-selftest-$S
if [ -z "${NAT64_LIB_ONLY:-}" ]; then
	mkdir -p "$TMPD"
	mkfifo "$TMPD/nap" && exec {NAP_FD}<> "$TMPD/nap"
fi

topo_up() {
	local v4mtu=${1:-1500} v6mtu=${2:-1500} n
	for n in "$V6" "$XL" "$V4"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
	done
	ip link add v6 netns "$V6" address 02:00:00:00:06:02 mtu "$v6mtu" \
		type veth peer name x6 netns "$XL" address 02:00:00:00:06:01 mtu "$v6mtu" &&
	ip link add v4 netns "$V4" address 02:00:00:00:04:02 mtu "$v4mtu" \
		type veth peer name x4 netns "$XL" address 02:00:00:00:04:01 mtu "$v4mtu" ||
		return 1
	x6 sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.v6.accept_dad=0
	X sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.x6.accept_dad=0 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	ip -n "$V6" addr add 2001:db8:6::2/64 dev v6 nodad &&
	ip -n "$V6" link set v6 up &&
	ip -n "$V6" route add default via 2001:db8:6::1 &&
	ip -n "$XL" addr add 2001:db8:6::1/64 dev x6 nodad &&
	ip -n "$XL" addr add 192.0.2.1/24 dev x4 &&
	ip -n "$XL" link set x6 up &&
	ip -n "$XL" link set x4 up &&
	ip -n "$V4" addr add 192.0.2.2/24 dev v4 &&
	ip -n "$V4" link set v4 up &&
	ip -n "$V4" route add 198.51.100.0/24 via 192.0.2.1 &&
	ctl pool add p1 198.51.100.1/32 ports 2000-2999 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 || return 1
	# NAT64_FASTPATH=1: the whole suite with the fast path on.
	if [ "${NAT64_FASTPATH:-0}" = 1 ]; then
		printf 'fastpath add x6\nfastpath add x4\n' | ctl -f - || return 1
	fi
	# The links are up once both ends say so.
	busywait 5000 sh -c "ip -n $V6 -br link show v6 | grep -qw UP &&
		ip -n $V4 -br link show v4 | grep -qw UP"
}

# The fast path topo_up put on for NAT64_FASTPATH=1, off again (for a
# test's target mode).
fastpath_off() {
	[ "${NAT64_FASTPATH:-0}" = 1 ] || return 0
	printf 'fastpath del x6\nfastpath del x4\n' | ctl -f -
}

# For floods: frames wait for the (emulated) CPU rather than being
# dropped; the backlog is put back at exit.
flood_backlog() {
	NAT64_BACKLOG=$(sysctl -n net.core.netdev_max_backlog)
	sysctl -qw net.core.netdev_max_backlog=20000
	cleanup_hooks+=(flood_backlog_restore)
}
flood_backlog_restore() {
	sysctl -qw net.core.netdev_max_backlog="$NAT64_BACKLOG"
}

# A line for every namespace of this test left behind; empty if none.
leftovers() {
	ip netns list | grep -E -- "-$S( |\$)" || true
}

# Wait until a socket is listening: listening NS tcp|udp PORT.
listening() {
	local opt=-ltn
	[ "$2" = udp ] && opt=-lun
	busywait $((5000 * WAIT)) sh -c "nsenter --net=/run/netns/$1 ss -H $opt 'sport = :$3' | grep -q ."
}

# udp_echo_server NS PORT [peer [PEERFILE]]: in NS, answer each UDP
# datagram to PORT (IPv4 or IPv6) with itself, or with "LINE PEER PORT"
# (mode peer); PEERFILE gets the last peer's address. In the background,
# ended with the test. (socat's UDP servers lose datagrams when the
# emulated machine is loaded.)
udp_echo_server() {
	ip netns exec "$1" "$PY" -c '
import socket, sys
port, mode, pf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", port))
while True:
    data, peer = s.recvfrom(65535)
    host = peer[0][7:] if peer[0].startswith("::ffff:") else peer[0]
    if pf:
        with open(pf, "w") as f:
            f.write(host + "\n")
    if mode == "peer":
        data = data.rstrip(b"\n") + (" %s %d\n" % (host, peer[1])).encode()
    s.sendto(data, peer)
' "$2" "${3:-echo}" "${4:-}" &
	listening "$1" udp "$2"
}

# The kernel log since a mark, and the splats in it.
kmsg_mark() { echo "nat64-selftest-mark-$S-$1" > /dev/kmsg; }
kmsg_since() { dmesg | sed -n "/nat64-selftest-mark-$S-$1\$/,\$p"; }
kmsg_bad() { kmsg_since "$1" | kmsg_unfaulted | grep -E "$KMSG_BAD"; }
# Allocations that fail because faults.sh made them fail may be reported
# with a stack dump (warn_alloc: "page allocation failure", "vmalloc
# error"). Between its marks nat64-faults-on and nat64-faults-off, such
# reports (to the end of their stack dump) are no splat.
kmsg_unfaulted() {
	awk '/nat64-faults-on$/ { on = 1 }
		/nat64-faults-off$/ { on = 0; skip = 0 }
		on && /page allocation failure:|vmalloc error:/ { skip = 1 }
		!skip { print }
		skip && /<\/TASK>/ { skip = 0 }'
}
check_kernel_log() {
	local bad
	bad=$(kmsg_bad "$1")
	if [ -z "$bad" ]; then
		ok "kernel log clean"
	else
		fail "kernel log clean"
		kmsg_since "$1" | sed 's/^/#     /'
	fi
}

# End the test: the plan line, and the exit status from the TAP lines.
finish() {
	echo "1..$ntest"
	[ $failed = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# ---- Traffic under load (load.py) ----
# load_start SIDE ARGS...  load.py in the v6 or v4 host (SIDE v6|v4) in the
#                          background, counters in $TMPD/SIDE.stats
# load_stop                end them (SIGTERM: they write their counters)
# load_get SIDE NAME       LOADV: a counter of theirs (0 before the first
#                          write)
# progress MS SIDE NAME... all the counters grow within MS ms
# load_statics / load_statics_del
#                          the static entries the v4 side's clients use:
#                          tcp, udp [2001:db8:6::2]:8080 <-> 198.51.100.1:80,
#                          icmp [2001:db8:6::2]:4000 <-> 198.51.100.1:4000
# nstatic                  static entries in the translator
# NAT64_SLOW=1 (a debug kernel, ~10x slower): tests scale down rates and
# sizes by $SLOW (10, else 1) and stretch their waits by $WAIT (3, else 1).
# shellcheck disable=SC2034 # for the tests
SLOW=1 WAIT=1
if [ -n "${NAT64_SLOW:-}" ] && [ "${NAT64_SLOW}" != 0 ]; then
	# shellcheck disable=SC2034
	SLOW=10 WAIT=3
fi
load_pids=()
load_start() {
	local side=$1 ns
	shift
	ns=$V6
	[ "$side" = v4 ] && ns=$V4
	rm -f "$TMPD/$side.stats"
	"$PY" "$TOP/tests/selftests/load.py" "$ns" "$side" "$TMPD/$side.stats" "$@" &
	load_pids+=($!)
	busywait $((20000 * WAIT)) test -e "$TMPD/$side.stats"
}
load_stop() {
	local p
	for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${load_pids[@]}"; do wait "$p" 2>/dev/null; done
	load_pids=()
}
# load_get SIDE NAME: LOADV, counter NAME of load.py's stats for SIDE (0
# if none yet).
load_get() {
	local w line=""
	LOADV=0
	{ read -r line < "$TMPD/$1.stats"; } 2>/dev/null
	for w in $line; do
		[ "${w%%=*}" = "$2" ] && LOADV=$((10#${w#*=}))
	done
	return 0
}
# progress MS SIDE NAME...: each of load.py's counters NAME of SIDE grows
# within MS ms.
progress() {
	local ms=$1 side=$2 n i end moved from=()
	shift 2
	for n in "$@"; do load_get "$side" "$n"; from+=("$LOADV"); done
	now_ms
	end=$((NOW_MS + ms))
	while :; do
		moved=1 i=0
		for n in "$@"; do
			load_get "$side" "$n"
			[ "$LOADV" -gt "${from[i]}" ] || moved=0
			i=$((i + 1))
		done
		[ $moved = 1 ] && return 0
		now_ms
		[ "$NOW_MS" -ge "$end" ] && return 1
		nap 0.25	# (polled slowly: the traffic needs the CPU more)
	done
}

nstatic() { ctl bib show | grep -c ' static$'; }
# sane MAXSTATIC: the counts are numbers, sessions below 100,000 and
# mappings at most sessions + MAXSTATIC (static entries have none).
sane() {
	local st s m
	st=$(ctl stats) || return 1
	s=$(stat_field sessions: "$st")
	m=$(stat_field mappings: "$st")
	[ -n "$s" ] && [ -n "$m" ] && [ "$s" -lt 100000 ] &&
		[ "$m" -le $((s + $1)) ] && return 0
	note "counts: sessions $s, mappings $m, static at most $1"
	return 1
}
LOAD_STATICS="tcp [2001:db8:6::2]:8080 198.51.100.1:80
udp [2001:db8:6::2]:8080 198.51.100.1:80
icmp [2001:db8:6::2]:4000 198.51.100.1:4000"
# An IPv6 address and port that has a dynamic mapping cannot get a static
# one: the v6 host's server makes one when it answers a datagram in
# flight after its static entry went. Flush, try again.
load_statics() {
	local p a6 a4
	for _ in 1 2 3 4 5; do
		while read -r p a6 a4; do
			ctl bib show "$p" | grep -q " static$" ||
				ctl bib add "$p" "$a6" "$a4" 2>/dev/null || break
		done <<< "$LOAD_STATICS"
		[ "$(nstatic)" = 3 ] && return 0
		ctl session flush
	done
	return 1
}
load_statics_del() {
	local p a6 a4
	while read -r p a6 a4; do
		ctl bib del "$p" "$a6" "$a4" || return 1
	done <<< "$LOAD_STATICS"
}
