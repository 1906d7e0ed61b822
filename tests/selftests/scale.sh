#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100,000 sessions: created (one ICMP echo each, from 20 IPv6 sources),
# listed in full by a dump that spans many messages, then expired by the
# GC; the module's counts and the slab caches of sessions and BIB entries
# go back to where they were (the VM boots with slab_nomerge, so the
# caches are our own).
. "$(dirname "$0")/lib.sh"

require_cmd python3
nat64_load
kmsg_mark scale
topo_up || { fail "topology"; finish; }
N=${SCALE_SESSIONS:-100000}
# Enough identifiers for 20 hosts whatever address each is paired with.
ctl rule del r1 && ctl pool del p1 &&
	ctl pool add p1 198.51.100.0/24 ports 1-65535 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 || fail "big pool"
# The v4 host stays quiet: this is about the translator's tables.
x4 sysctl -qw net.ipv4.icmp_echo_ignore_all=1
# Frames wait for the (emulated) CPU rather than being dropped.
backlog=$(sysctl -n net.core.netdev_max_backlog)
sysctl -qw net.core.netdev_max_backlog=$((N + 1000))
restore_backlog() { sysctl -qw net.core.netdev_max_backlog="$backlog"; }
cleanup_hooks+=(restore_backlog)

# bytes of the slabs of cache $1 (num_slabs * pages per slab * page size)
slab_bytes() {
	awk -v c="$1" -v pg="$(getconf PAGESIZE)" \
		'$1 == c { print $15 * $6 * pg; f = 1 } END { if (!f) print 0 }' /proc/slabinfo
}
s0=$(slab nat64_session) b0=$(slab nat64_bib)
m0=$(( $(slab_bytes nat64_session) + $(slab_bytes nat64_bib) ))
note "slab before: nat64_session $s0, nat64_bib $b0"

# However slow the emulation, nothing expires before all are made.
ctl set timeout icmp 3600
held() { [ "$(sessions)" = "$N" ]; }
start=$(date +%s)
# Sending again what got lost makes no new session: up to three rounds.
for round in 1 2 3; do
	sent=$($PY "$(dirname "$0")/scale.py" "$V6" "$N" 20)
	[ "$sent" = "$N" ] || break
	busywait 90000 held && break
	note "round $round: $(sessions) sessions"
done
check "sent $N echo requests" [ "$sent" = "$N" ]
held || note "$(ctl stats | grep -v " 0$")"
check "$N sessions held" held
note "created in $(( $(date +%s) - start )) s; sessions $(sessions), mappings $(mappings)"
check "as many BIB entries" [ "$(mappings)" = "$N" ]
check "none refused" test "$(counter 6to4-no-port)" = 0 -a "$(counter drop-limit)" = 0
s1=$(slab nat64_session) b1=$(slab nat64_bib)
m1=$(( $(slab_bytes nat64_session) + $(slab_bytes nat64_bib) ))
note "slab while held: nat64_session $s1, nat64_bib $b1"
buckets=$(( 4 * 8 << $(cat /sys/module/nat64/parameters/map_buckets_log 2>/dev/null || echo 16) ))
# (h6, h4, the sessions' hs and the subscribers' subs: 8 bytes each)
note "memory per flow: slabs $(( (m1 - m0) / N )) B, with the hash buckets $(( (m1 - m0 + buckets) / N )) B"
# (slabinfo counts partly used per-CPU slabs as in use: roughly)
check "slab holds the sessions" test "$s1" -ge "$N" -a "$b1" -ge "$N"
lines=$(ctl session show icmp | wc -l)
check "session dump lists all $N (got $lines)" [ "$lines" = "$N" ]
lines=$(ctl bib show | wc -l)
check "bib dump lists all $N (got $lines)" [ "$lines" = "$N" ]

start=$(date +%s)
ctl set timeout icmp 1 below-rfc
check "all expire" busywait 60000 sh -c "[ \$(ip netns exec $XL $NAT64CTL stats | awk '\$1 == \"sessions:\" { print \$2 }') = 0 ]"
note "expired in $(( $(date +%s) - start )) s"
check "no BIB entries left" [ "$(mappings)" = 0 ]
check "expiries counted" [ "$(counter sessions-expired)" -ge "$N" ]
# Freed after an RCU grace period; a few per-CPU slabs may stay counted.
# (slab shrinks the cache first: KASAN's quarantine.)
slack=2000
check "session slab back to baseline" busywait 30000 slab_le nat64_session $((s0 + slack))
check "bib slab back to baseline" busywait 30000 slab_le nat64_bib $((b0 + slack))
note "slab after: nat64_session $(slab nat64_session), nat64_bib $(slab nat64_bib)"
check_kernel_log scale
finish
