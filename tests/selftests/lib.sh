#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the nat64 selftests (kselftest style). Source it; it sets
# -u, traps EXIT for cleanup, and gives:
#   ok/fail/skip DESC     TAP lines; fail marks the test failed
#   busywait MS CMD...    run CMD until it succeeds or MS ms pass
#   nat64_load            load the module under test ($NAT64_KO)
#   topo_up [V4MTU V6MTU] the standard topology below, configured
#   x6 / x4 / X CMD...    run CMD in the v6 host / v4 host / translator
#   ctl ARGS...           nat64ctl in the translator namespace
#
#  v6-$$                      xlat-$$                        v4-$$
#  v6 2001:db8:6::2 --- x6 2001:db8:6::1  x4 192.0.2.1 --- v4 192.0.2.2
#  (MACs 02:..:06:02)   (02:..:06:01)     (02:..:04:01)   (02:..:04:02)
#  pool p1 198.51.100.1 ports 2000-2999, rule r1 prefix 64:ff9b::/96

set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAT64CTL=${NAT64CTL:-$TOP/usr/nat64ctl}
NAT64_KO=${NAT64_KO:-$TOP/kernel/nat64.ko}
PY=/usr/bin/python3
S=$$
V6=v6-$S
XL=xlat-$S
V4=v4-$S
failed=0
ntest=0

ok() { ntest=$((ntest + 1)); echo "ok $ntest $*"; }
fail() { ntest=$((ntest + 1)); echo "not ok $ntest $*"; failed=1; }
skip() { ntest=$((ntest + 1)); echo "ok $ntest $* # SKIP"; }
# check DESC CMD...: ok if CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# refute DESC CMD...: ok if CMD fails
refute() { local d=$1; shift; if "$@"; then fail "$d"; else ok "$d"; fi; }

busywait() {
	local ms=$1 start
	shift
	start=$(date +%s%3N)
	until "$@"; do
		[ $(( $(date +%s%3N) - start )) -ge "$ms" ] && return 1
		sleep 0.05
	done
}

x6() { ip netns exec "$V6" "$@"; }
x4() { ip netns exec "$V4" "$@"; }
X() { ip netns exec "$XL" "$@"; }
ctl() { ip netns exec "$XL" "$NAT64CTL" "$@"; }

# The value of a counter in `nat64ctl show`.
counter() { ctl show | awk -v n="$1" '$1 == n { print $2 }'; }

nat64_load() {
	modprobe -a nf_defrag_ipv4 nf_defrag_ipv6 veth 2>/dev/null || true
	grep -q '^nat64 ' /proc/modules || insmod "$NAT64_KO"
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
run_cleanup() {
	local h
	# Background helpers (servers) end with the test.
	jobs -p | xargs -r kill 2>/dev/null
	for h in "${cleanup_hooks[@]}"; do $h; done
}
trap run_cleanup EXIT

topo_up() {
	local v4mtu=${1:-1500} v6mtu=${2:-1500} n
	for n in "$V6" "$XL" "$V4"; do
		ip netns add "$n"
		ip -n "$n" link set lo up
	done
	ip link add v6 netns "$V6" address 02:00:00:00:06:02 mtu "$v6mtu" \
		type veth peer name x6 netns "$XL" address 02:00:00:00:06:01 mtu "$v6mtu"
	ip link add v4 netns "$V4" address 02:00:00:00:04:02 mtu "$v4mtu" \
		type veth peer name x4 netns "$XL" address 02:00:00:00:04:01 mtu "$v4mtu"
	x6 sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	X sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	ip -n "$V6" addr add 2001:db8:6::2/64 dev v6 nodad
	ip -n "$V6" link set v6 up
	ip -n "$V6" route add default via 2001:db8:6::1
	ip -n "$XL" addr add 2001:db8:6::1/64 dev x6 nodad
	ip -n "$XL" addr add 192.0.2.1/24 dev x4
	ip -n "$XL" link set x6 up
	ip -n "$XL" link set x4 up
	ip -n "$V4" addr add 192.0.2.2/24 dev v4
	ip -n "$V4" link set v4 up
	ip -n "$V4" route add 198.51.100.0/24 via 192.0.2.1
	ctl pool add p1 198.51.100.1 ports 2000-2999 &&
	ctl rule add r1 prefix 64:ff9b::/96 pool p1
}

# A line for every object of ours left behind; empty if none.
leftovers() {
	ip netns list | grep -E -- "-$S( |\$)" || true
}

# Kernel log since the mark, and whether it holds a splat.
kmsg_mark() { echo "nat64-selftest-mark-$S-$1" > /dev/kmsg; }
kmsg_since() { dmesg | sed -n "/nat64-selftest-mark-$S-$1/,\$p"; }
kmsg_bad() {
	kmsg_since "$1" | grep -E 'WARNING:|BUG:|Oops|KASAN|kmemleak|general protection|RCU stall|refcount_t|unregister_netdevice: waiting|Call Trace'
}

# End the test: exit status from the TAP lines.
finish() {
	echo "1..$ntest"
	[ $failed = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}
