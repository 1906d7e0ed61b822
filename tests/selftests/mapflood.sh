#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Floods against the tables' shape (floods.sh floods their size):
# 1. Hash flooding: one /64 subscriber makes mappings from (address,
#    port) pairs that a hash XORing the port into the address (before
#    the keyed hash) puts in one bucket, whatever the key. The BIB dump
#    walks the buckets in order, newest first within one: one bucket
#    would list them as one run in reverse order; spread, they come out
#    shuffled. (Also noted, not asserted: how long a round of packets on
#    those mappings takes the translator.)
# 2. A session flood against one mapping: UDP from 100,000 spoofed IPv4
#    sources to its IPv4 side (endpoint-independent filtering lets each
#    make a session) stops at the per-mapping session limit (default),
#    the refusals counted; then likewise at a per-subscriber limit. The
#    mapping's own flow and another subscriber's traffic go on.
# 3. A failing commit's roll-back under traffic (below).
# And the entries, made in softirq, are charged to the memory cgroup of
# whoever set the namespace up (its first rule): here this test, in a
# cgroup of its own.
#
# Topology: lib.sh's; the translator sends what goes to 192.0.2.99 to
# the v4 host's veth by a static neighbour entry, whose stack drops it.
. "$(dirname "$0")/lib.sh"

require_cmd python3 ping
nat64_load
kmsg_mark mapflood
# A memory cgroup for this test (and so for whoever sets the namespace up).
CG=/sys/fs/cgroup/nat64-$S
cg_setup() {
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup || return 1
	grep -qw memory /sys/fs/cgroup/cgroup.controllers || return 1
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control &&
		mkdir "$CG" && echo $$ > "$CG/cgroup.procs"
}
cg_cleanup() { echo $$ > /sys/fs/cgroup/cgroup.procs; rmdir "$CG" 2> /dev/null; }
cg_slab() { awk '$1 == "slab_unreclaimable" { print $2 }' "$CG/memory.stat"; }
memcg=0
if cg_setup; then
	memcg=1
	cleanup_hooks+=(cg_cleanup)
fi
topo_up || { fail "topology"; finish; }
for a in 3 5; do ip -n "$V6" addr add 2001:db8:6::$a/64 dev v6 nodad; done
# (a debug kernel: floods $SLOW times smaller)
N=$((4096 / SLOW)) SPOOF=$((100000 / SLOW)) SPOOF2=20000 SUBLIM=10000
[ "$SLOW" = 1 ] || SPOOF2=6000 SUBLIM=5000
FLOOD="$(dirname "$0")/flood.py"

X ip neigh replace 192.0.2.99 lladdr 02:00:00:00:04:02 dev x4 nud permanent ||
	fail "neighbour entry"
flood_backlog
# Ports enough for every flow.
ctl rule del r1 && ctl pool del p1 &&
	ctl pool add p1 198.51.100.0/30 ports 1024-65535 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 || fail "big pool"

show=$(ctl show)
match "default sessions-per-mapping" '^set limit sessions-per-mapping 4096$' "$show"
match "default sessions-per-subscriber" '^set limit sessions-per-subscriber 65536$' "$show"
ram=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
lim=$(awk '$1 == "set" && $2 == "limit" && $3 == "sessions" { print $4 }' <<< "$show")
# An eighth of RAM (MemTotal, totalram_pages) at 128 bytes a session, at
# most 4M.
want=$((ram * 1024 / 8 / 128))
[ $want -gt 4194304 ] && want=4194304
scaled() { [ "$lim" -le "$want" ] && [ "$lim" -ge $((want * 9 / 10)) ]; }
check "default session limit scaled to RAM ($lim for $ram kB)" scaled

# 1. Hash flooding.
[ $memcg = 1 ] && cg0=$(cg_slab)
udp_maps() { ctl bib show udp | grep -c '^udp 2001:db8:6::'; }
for r in 1 2 3; do
	$PY "$FLOOD" collide6 "$V6" $N 1 > /dev/null
	busywait $((20000 * WAIT)) sh -c "[ \$($NAT64CTL -n $XL bib show udp | grep -c '^udp 2001:db8:6::') -ge $N ]" && break
done
n=$(udp_maps)
check "colliding flows made their $N mappings ($n)" [ "$n" = $N ]
# A mapping and its session: 72 + 32 bytes at least.
if [ $memcg = 1 ]; then
	d=$(( $(cg_slab) - cg0 ))
	check "the cgroup is charged for them ($d bytes of slab)" [ "$d" -ge $((N * 104)) ]
else
	skip "no memory cgroup: the entries' charge"
fi
# Source port 1024 + i is the i-th mapping made: count the dump's
# neighbours that are made one after the other, newest first.
ctl bib show udp | awk '$2 ~ /^2001:db8:6::/ { print $3 }' > "$TMPD/ports"
runs=$(awk 'NR > 1 && $1 == prev - 1 { n++ } { prev = $1 } END { print n + 0 }' "$TMPD/ports")
check "colliding keys spread over the buckets ($runs of $((N - 1)) dump neighbours in one run)" \
	[ "$runs" -lt $((N / 4)) ]
# The CPUs' time in softirq (where packets are translated), in ms.
softirq_ms() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { print int($8 * 1000 / hz) }' /proc/stat
}
u0=$(counter 6to4-udp)
now_ms
t0=$NOW_MS
si=$(softirq_ms)
$PY "$FLOOD" collide6 "$V6" $N 1 > /dev/null
busywait $((60000 * WAIT)) sh -c "[ \$($NAT64CTL -n $XL stats | awk '\$1 == \"6to4-udp\" { print \$2 }') -ge $((u0 + N)) ]"
now_ms
note "a round of $N packets on the colliding mappings: $((NOW_MS - t0)) ms to send and translate, $(( $(softirq_ms) - si )) ms of softirq ($(( $(counter 6to4-udp) - u0 )) counted)"
ctl session flush

# 2. A session flood against one mapping.
udp_echo_server "$V4" 7
# The mapping's own flow: COUNT datagrams, each answered, from
# [2001:db8:6::2]:5000 to 192.0.2.2:7.
own() {
	x6 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8:6::2", 5000))
s.settimeout(3)
for i in range(int(sys.argv[1])):
    s.sendto(b"own %d" % i, ("64:ff9b:1::c000:202", 7))
    while s.recv(100) != b"own %d" % i:
        pass
' "$1"
}
timed_own() {
	local t si
	now_ms
	t=$NOW_MS
	si=$(softirq_ms)
	own 100 || return 1
	now_ms
	note "$1: 100 echoes of the mapping's own flow in $((NOW_MS - t)) ms, $(( $(softirq_ms) - si )) ms of softirq"
}
check "the mapping's own flow" timed_own "before the flood"
read -r a4 p4 <<< "$(ctl bib show udp | awk '$2 == "2001:db8:6::2" && $3 == 5000 { print $4, $5 }')"
check "its mapping ($a4 $p4)" [ -n "$p4" ]
of_map() { ctl session show udp | awk '$2 == "2001:db8:6::2" && $3 == 5000' | wc -l; }
ms=$(counter drop-mapping-sessions) sr=$(counter sessions-refused)
sent=$($PY "$FLOOD" spoof4 "$V4" "$a4" "$p4" $SPOOF)
# Each frame makes a session or is refused, counted (the mapping had
# one session, its own flow's): wait for the last refusal.
busywait $((120000 * WAIT)) sh -c "[ \$($NAT64CTL -n $XL stats | awk '\$1 == \"drop-mapping-sessions\" { print \$2 }') -ge $((ms + SPOOF + 1 - 4096)) ]"
n=$(of_map)
d=$(( $(counter drop-mapping-sessions) - ms ))
note "spoofed: $sent frames; the mapping has $n sessions, $d refused"
check "the mapping's sessions stop at the limit, 4096 ($n)" [ "$n" = 4096 ]
check "refusals counted as drop-mapping-sessions ($d = $SPOOF + 1 - 4096)" [ "$d" = $((SPOOF + 1 - 4096)) ]
check "and as sessions-refused" [ $(( $(counter sessions-refused) - sr )) -ge "$d" ]
check "the mapping's own flow goes on" timed_own "after the flood"
check "another subscriber's traffic goes on" \
	x6 ping -c 1 -W 5 -I 2001:db8:6::3 64:ff9b:1::192.0.2.2

# The per-subscriber limit: the mapping may hold more, its subscriber not.
ctl set limit sessions-per-mapping 65535 limit sessions-per-subscriber $SUBLIM ||
	fail "set limits"
ss=$(counter drop-subscriber-sessions)
sent=$($PY "$FLOOD" spoof4 "$V4" "$a4" "$p4" $SPOOF2)
# The first 4095 sources have sessions already: their frames are
# translated; then 10000 - 4096 new ones, the rest refused.
busywait $((120000 * WAIT)) sh -c "[ \$($NAT64CTL -n $XL stats | awk '\$1 == \"drop-subscriber-sessions\" { print \$2 }') -ge $((ss + SPOOF2 - 4095 - (SUBLIM - 4096))) ]"
n=$(of_map)
d=$(( $(counter drop-subscriber-sessions) - ss ))
note "spoofed again: $sent frames; the mapping has $n sessions, $d refused"
check "the subscriber's sessions stop at its limit, $SUBLIM ($n)" [ "$n" = $SUBLIM ]
check "refusals counted as drop-subscriber-sessions ($d = $SPOOF2 - 4095 - ($SUBLIM - 4096))" \
	[ "$d" = $((SPOOF2 - 4095 - (SUBLIM - 4096))) ]
check "the mapping's own flow goes on (subscriber limit)" timed_own "at the subscriber limit"
check "another subscriber's traffic goes on (subscriber limit)" \
	x6 ping -c 1 -W 5 -I 2001:db8:6::3 64:ff9b:1::192.0.2.2
ctl session flush
n=$(sessions)
check "flushed: no session left ($n)" [ "$n" = 0 ]
ctl set limit sessions-per-mapping 4096 limit sessions-per-subscriber 65536

# 3. A failing commit's roll-back puts back the static entries it had
# removed, even if packets took their sides meanwhile. The commit
# removes a static entry whose IPv6 host keeps sending, adds FILL others
# (the window) and then one whose IPv6 side a dynamic entry holds: it
# fails, and the first must be back, static.
FILL=$((3000 / SLOW))
check "static entry" ctl bib add udp '[2001:db8:6::2]:6000' 198.51.100.1:6000
cat > "$TMPD/udp_from.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    s.sendto(b"x", ("64:ff9b:1::c000:263", 9))
    if sys.argv[3] == "once":
        break
    time.sleep(0.0005)
PY
# The dynamic entry in the way (entries are added in address order:
# the ::4 ones before it).
in_way() {
	x6 "$PY" "$TMPD/udp_from.py" 2001:db8:6::5 7000 once &&
		busywait $((5000 * WAIT)) sh -c "ip netns exec $XL $NAT64CTL bib show udp | grep -q '^udp 2001:db8:6::5 7000 .* rule r1'"
}
check "the dynamic entry in the way" in_way
{
	echo "bib del udp [2001:db8:6::2]:6000 198.51.100.1:6000"
	for i in $(seq 1 $FILL); do
		echo "bib add udp [2001:db8:6::4]:$((20000 + i)) 198.51.100.2:$((20000 + i))"
	done
	echo "bib add udp [2001:db8:6::5]:7000 198.51.100.3:7000"
} > "$TMPD/rollback.conf"
# The static entry's host sends all along: its packets make a dynamic
# entry as soon as the static one is gone.
ip netns exec "$V6" "$PY" "$TMPD/udp_from.py" 2001:db8:6::2 6000 loop &
sender=$!
static_back() { ctl bib show udp | grep -q '^udp 2001:db8:6::2 6000 198.51.100.1 6000 static$'; }
lost=0
for r in 1 2 3 4 5; do
	# (made again: on a slow kernel the commits outlast its timeout)
	in_way || note "no dynamic entry in the way before commit $r"
	refute "failing commit $r fails" ctl -f "$TMPD/rollback.conf" 2> /dev/null
	static_back && continue
	lost=$((lost + 1))
	note "after commit $r: $(ctl bib show udp | grep '^udp 2001:db8:6::2 6000')"
	# Back to the start: the static entry's side free, the entry put back.
	kill -STOP "$sender"
	ctl session flush
	ctl bib del udp '[2001:db8:6::2]:6000' 198.51.100.1:6000 2> /dev/null
	ctl bib add udp '[2001:db8:6::2]:6000' 198.51.100.1:6000
	in_way || note "no dynamic entry in the way"
	kill -CONT "$sender"
done
kill "$sender"
wait "$sender" 2> /dev/null
check "the static entry is back after each roll-back ($lost of 5 lost)" [ "$lost" = 0 ]
check "no filler entry left" [ "$(ctl bib show udp | grep -c '^udp 2001:db8:6::4 ')" = 0 ]
check_kernel_log mapflood
finish
