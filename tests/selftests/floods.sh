#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Floods to the limits (limits.sh has the limits one packet at a time):
# new flows (UDP, TCP SYN, ICMP echo; new mappings and new sessions of
# existing ones) far past the per-subscriber port limit and the global
# session limit, and unsolicited IPv4 SYNs far past max-stored-syns.
# While they run and after: the counts never pass the limits (sampled),
# the nat64 slab caches stay within what the limit allows (the VM boots
# with slab_nomerge), the refusals are counted, flows established before
# (load.py's long TCP connections, a ping) keep working, and a subscriber
# below its limit still gets mappings.
#
# Topology: lib.sh's; flood.py's sources 2001:db8:6::1:N (v6 side) are
# sent by the translator to the v6 host's veth by static neighbour
# entries, and the flood's destinations 192.0.2.98 and .99 to the v4
# host's, whose stacks drop them quietly (not theirs, no forwarding).
. "$(dirname "$0")/lib.sh"

require_cmd python3 ping
nat64_load
kmsg_mark floods
topo_up || { fail "topology"; finish; }
ip -n "$V6" addr add 2001:db8:6::3/64 dev v6 nodad
# Flows tried: NSRC subscribers x PER flows of each protocol x 2
# destinations; each subscriber may hold PORTS mappings, all LIMIT sessions.
if [ "$SLOW" = 1 ]; then
	NSRC=64 PER=20 PORTS=50 LIMIT=1000
else
	NSRC=16 PER=5 PORTS=10 LIMIT=100
fi
SYNS=10
SECS=$((12 * WAIT))
T=$((30000 * WAIT))

{
	for a in $(seq 1 $((NSRC + 1))); do
		printf 'neigh replace 2001:db8:6::1:%x lladdr 02:00:00:00:06:02 dev x6 nud permanent\n' "$a"
	done
	echo "neigh replace 192.0.2.98 lladdr 02:00:00:00:04:02 dev x4 nud permanent"
	echo "neigh replace 192.0.2.99 lladdr 02:00:00:00:04:02 dev x4 nud permanent"
} | ip -n "$XL" -batch - || fail "neighbour entries"
flood_backlog
# Ports enough that the limits, not the pool, refuse.
ctl rule del r1 && ctl pool del p1 &&
	ctl pool add p1 198.51.100.0/30 ports 1024-65535 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 || fail "big pool"
# No stored SYN expires while the flood runs.
ctl set below-rfc timeout icmp 30 timeout tcp-trans 60 timeout syn 120 \
	max-stored-syns $SYNS || fail "settings"

slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
# Mappings of the IPv6 address $1.
held_by() { ctl bib show | awk -v a="$1" '$2 == a' | wc -l; }
# (up to 3 echoes: one may be lost in the backlog the flood fills)
ping3() { x6 ping -c 3 -W $((5 * WAIT)) -I 2001:db8:6::3 64:ff9b:1::192.0.2.2 > /dev/null; }
pings() { grep -c "bytes from" "$TMPD/ping"; }
pinging() {
	local n
	n=$(pings)
	busywait "$T" sh -c "[ \$(grep -c 'bytes from' $TMPD/ping) -gt $n ]"
}
established() {
	progress "$T" v6 long_rx && pinging
}
# Sample the counts and caches every 0.2 s into $TMPD/samples until
# $TMPD/sampling goes.
sampler() {
	local st
	while [ -e "$TMPD/sampling" ]; do
		st=$(ctl stats)
		slab_shrink nat64_session nat64_bib
		echo "$(awk '$1 == "sessions:" { s = $2 } $1 == "mappings:" { m = $2 } END { print s, m }' <<< "$st")" \
			"$(awk '$1 == "nat64_session" { s = $2 } $1 == "nat64_bib" { b = $2 } END { print s + 0, b + 0 }' /proc/slabinfo)" \
			"$(slab_kb)"
		sleep 0.1
	done > "$TMPD/samples"
}
col_max() { awk -v c="$1" 'NF == 5 && $c > m { m = $c } END { print m + 0 }' "$TMPD/samples"; }

# Flows established before the floods: long TCP connections (UDP, TCP
# servers on the v4 host), a ping.
load_start v4 --no-static || fail "load.py v4"
load_start v6 --rate 0 --long 4 || fail "load.py v6"
ip netns exec "$V6" ping -i 0.5 -W 2 -I 2001:db8:6::2 64:ff9b:1::192.0.2.2 > "$TMPD/ping" 2>&1 &
ping_pid=$!
check "established flows work" established
s0=$(slab nat64_session) b0=$(slab nat64_bib) k0=$(slab_kb)
note "before: sessions $(sessions), slab nat64_session $s0, nat64_bib $b0, Slab $k0 kB"

# 1. One subscriber floods past its port limit.
ctl set limit ports-per-subscriber $PORTS || fail "set ports-per-subscriber"
dl=$(counter drop-limit) mr=$(counter mappings-refused)
sent=$(nice -n 19 $PY "$(dirname "$0")/flood.py" v6 "$V6" 1 $((PER * 10)) "$SECS" $((NSRC + 1)))
note "subscriber flood: $sent frames"
sub=$(printf '2001:db8:6::1:%x' $((NSRC + 1)))
n=$(held_by "$sub")
check "subscriber holds its $PORTS mappings, no more ($n)" [ "$n" = $PORTS ]
check "subscriber flood: refusals counted as drop-limit" [ "$(counter drop-limit)" -gt "$dl" ]
check "subscriber flood: and as mappings-refused" [ "$(counter mappings-refused)" -gt "$mr" ]
check "established flows work after it" established
check "another subscriber gets mappings" ping3
check_log() { [ -z "$(kmsg_bad floods)" ]; }
check "subscriber flood: kernel log clean" check_log

# 2. Many subscribers flood past the session limit (each past its port
# limit too), while IPv4 hosts flood unsolicited SYNs.
ctl set limit sessions $LIMIT || fail "set limit sessions"
dl=$(counter drop-limit) mr=$(counter mappings-refused) sr=$(counter sessions-refused)
ss=$(counter syn-stored) sq=$(counter drop-syn-queue-full)
touch "$TMPD/sampling"
# (the floods at a lower priority, or they would starve the sampler)
sampler &
sampler_pid=$!
nice -n 19 $PY "$(dirname "$0")/flood.py" v6 "$V6" "$NSRC" "$PER" "$SECS" > "$TMPD/sent6" &
f6=$!
nice -n 19 $PY "$(dirname "$0")/flood.py" syn4 "$V4" 2000 "$SECS" > "$TMPD/sent4" &
f4=$!
# While they run: the flows established before keep working.
check "established flows work during the flood" established
wait $f6 $f4
rm -f "$TMPD/sampling"
wait $sampler_pid
note "flood: $(cat "$TMPD/sent6") frames from $NSRC subscribers, $(cat "$TMPD/sent4") SYNs; $(wc -l < "$TMPD/samples") samples"
note "now: sessions $(sessions), mappings $(mappings), slab nat64_session $(slab nat64_session), nat64_bib $(slab nat64_bib), Slab $(slab_kb) kB"
m=$(col_max 1)
check "sessions never past $LIMIT (max $m)" [ "$m" -le $LIMIT ]
check "the limit was reached" [ "$m" = $LIMIT ]
m=$(col_max 2)
check "mappings never past $LIMIT (max $m)" [ "$m" -le $LIMIT ]
m=$(col_max 3)
# Freed objects linger in per-CPU slabs: the bound allows for them (and
# the sampler shrinks the caches, for KASAN's quarantine).
check "session slab bounded (max $m <= $s0 + $LIMIT + 2000)" [ "$m" -le $((s0 + LIMIT + 2000)) ]
m=$(col_max 4)
check "bib slab bounded (max $m <= $b0 + $LIMIT + 2000)" [ "$m" -le $((b0 + LIMIT + 2000)) ]
m=$(col_max 5)
check "all slabs grew by less than 16 MB (max $m kB, from $k0 kB)" [ "$m" -le $((k0 + 16384)) ]
bad=$(ctl bib show | awk '{ n[$2]++ } END { for (a in n) if (n[a] > '$PORTS') print a, n[a] }')
check "no subscriber past $PORTS mappings${bad:+ ($bad)}" [ -z "$bad" ]
check "refusals counted as drop-limit" [ "$(counter drop-limit)" -gt "$dl" ]
check "mappings-refused counted" [ "$(counter mappings-refused)" -gt "$mr" ]
check "sessions-refused counted (new sessions of existing mappings)" [ "$(counter sessions-refused)" -gt "$sr" ]
n=$(( $(counter syn-stored) - ss ))
check "stored SYNs: at most max-stored-syns ($n)" test "$n" -le "$SYNS" -a "$n" -gt 0
check "stored-SYN flood counted (drop-syn-queue-full)" [ "$(counter drop-syn-queue-full)" -gt "$sq" ]
check "established flows work after the flood" established
check "flood: kernel log clean" check_log

# 3. Flushed, the table is usable again by anyone. (The ping would make
# a new session at once, the long connections only when they reconnect.)
kill $ping_pid 2>/dev/null
wait $ping_pid 2>/dev/null
ctl session flush
n=$(sessions)
check "flushed: no session left ($n)" [ "$n" = 0 ]
[ "$n" = 0 ] || note "$(ctl session show)"
check "flushed: a new subscriber gets mappings" ping3
check "long connections come back" progress "$T" v6 long_rx
load_stop
check_kernel_log floods
finish
