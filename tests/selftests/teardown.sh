#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under load: while load.py's mixed traffic flows both ways
# (UDP, TCP, ICMP from many source ports and identifiers 6to4; UDP, TCP,
# ICMP to static BIB entries 4to6; long TCP connections; unsolicited IPv4
# SYNs kept in the stored-SYN queue), with short timeouts so the GC always
# has work and a monitor listening for events:
#
#   session flush (repeatedly); static BIB entries removed and added;
#   rule del (refused while static entries need its pool), then with them
#   in one batch; pool del and re-add; flush; nat64ctl -f batches
#   replacing the configuration back and forth; the translator's
#   namespace deleted; rmmod with another namespace translating.
#
# After each step: no splat in the kernel log, the counts are sane
# (mappings <= sessions + static entries), they reach 0 where nothing may
# be left, and the traffic resumes once the configuration is back. rmmod
# must succeed (the module holds no references while in hooks mode: the
# namespaces are torn down by unregister_pernet_subsys), and the module
# loaded again starts from an empty configuration.
#
# Topology: lib.sh's (v6 -- xlat -- v4), with static entries
# tcp/udp [2001:db8:6::2]:8080 <-> 198.51.100.1:80 and
# icmp [2001:db8:6::2]:4000 <-> 198.51.100.1:4000.
. "$(dirname "$0")/lib.sh"

require_cmd python3
nat64_load
kmsg_mark teardown
topo_up || { fail "topology"; finish; }

RATE=$((5 / SLOW))
[ $RATE -gt 0 ] || RATE=2
T=$((30000 * WAIT))	# ms for traffic to resume

configure() {
	ctl set below-rfc timeout icmp 2 timeout tcp-trans 4 timeout tcp-est 60 \
		timeout syn 2 &&
	load_statics
}
configure || fail "configuration"
ctl show > "$TMPD/base.conf"
# The same, with the pool on other ports: its rule is rebuilt, its
# mappings go, every time one replaces the other.
sed 's/ports 2000-2999/ports 3000-3999/' "$TMPD/base.conf" > "$TMPD/alt.conf"

empty() { [ "$(sessions)" = 0 ] && [ "$(mappings)" = 0 ]; }
# Nothing translated stays nothing for a second of traffic.
stays_empty() { empty && sleep 1 && empty; }
clean_log() {
	local bad
	bad=$(kmsg_bad teardown)
	[ -z "$bad" ] && return 0
	kmsg_since teardown | tail -n 60 | sed 's/^/#     /'
	return 1
}
flowing() {
	progress "$T" v6 udp_rx tcp_ok icmp_rx && progress "$T" v4 udp_rx tcp_ok icmp_rx
}
# After STEP: log clean, counts sane, every kind of traffic flows.
after() {
	note "$1: at ${SECONDS} s"
	check "$1: kernel log clean" clean_log
	check "$1: counts sane" sane "$(nstatic)"
	if flowing; then
		ok "$1: traffic flows both ways (UDP, TCP, ICMP)"
	else
		fail "$1: traffic flows both ways (UDP, TCP, ICMP)"
		note "v6: $(cat "$TMPD/v6.stats")" "v4: $(cat "$TMPD/v4.stats")"
	fi
}
load_all() {
	load_start v4 --rate "$RATE" --syns "$RATE" &&
	load_start v6 --rate "$RATE" --ports 64 --long 4
}
show_is() { ctl show > "$TMPD/show" && diff -u "$1" "$TMPD/show"; }

ip netns exec "$XL" "$NAT64CTL" monitor > /dev/null 2>&1 &
monitor=$!
load_all || fail "load.py started"
after "start"
check "long connections" progress "$T" v6 long_rx
check "unsolicited SYNs stored" busywait "$T" sh -c "[ \$(ip netns exec $XL $NAT64CTL stats | awk '\$1 == \"syn-stored\" { print \$2 }') -gt 0 ]"
note "sessions $(sessions), mappings $(mappings)"

# 1. Session flush, five times in a row.
for i in 1 2 3 4 5; do
	ctl session flush || fail "session flush $i"
	sleep 0.2
done
check "session flush: static entries stay" [ "$(nstatic)" = 3 ]
after "session flush"

# 2. The static entries go and come back, three times.
for i in 1 2 3; do
	load_statics_del && sleep 0.3 && load_statics || fail "static entries del/add $i"
done
after "static entries del/add"

# 3. Rule and pool removal. Static entries need a rule's pool.
refute "rule del refused while static entries need its pool" ctl rule del r1
check "rule and static entries removed in one batch" ctl -f - <<'EOF'
bib del tcp [2001:db8:6::2]:8080 198.51.100.1:80
bib del udp [2001:db8:6::2]:8080 198.51.100.1:80
bib del icmp [2001:db8:6::2]:4000 198.51.100.1:4000
rule del r1
EOF
check "rule del: no session or mapping left, none made" busywait 5000 stays_empty
refute "rule del: nothing in session show" grep -q . <<< "$(ctl session show)"
check "pool del" ctl pool del p1
check "pool del: no pool left" [ -z "$(ctl pool show)" ]
check_nothing() { clean_log && empty; }
check "rule and pool gone: log clean, counts 0" check_nothing
ctl pool add p1 198.51.100.1/32 ports 2000-2999 &&
	ctl rule add r1 prefix 64:ff9b:1::/96 pool p1 && load_statics ||
	fail "rule, pool and static entries added back"
after "rule and pool del/add"
refute "pool del refused while a rule uses it" ctl pool del p1

# 4. flush: everything goes, then the saved configuration comes back.
check "flush" ctl flush
check "flush: no session or mapping left, none made" busywait 5000 stays_empty
refute "flush: no pool or rule left" grep -qE '^(pool|rule) ' <<< "$(ctl show)"
check "configuration back (-f)" ctl -f "$TMPD/base.conf"
check "show prints the configuration back" show_is "$TMPD/base.conf"
after "flush"

# 5. Batches replacing the configuration, back and forth.
ok=1
for i in 1 2 3 4 5 6 7 8; do
	ctl -f "$TMPD/alt.conf" && sleep 0.2 && ctl -f "$TMPD/base.conf" &&
		sleep 0.2 || { ok=0; break; }
done
check "eight batches each way" [ $ok = 1 ]
check "the same batch again changes nothing" ctl -f "$TMPD/base.conf"
check "show prints the configuration back" show_is "$TMPD/base.conf"
after "-f batches"
note "sessions $(sessions), mappings $(mappings); $(counter syn-stored) SYNs stored, $(counter syn-expired) expired"

# 6. The translator's namespace goes, with all of that in it.
check "translator namespace has sessions" [ "$(sessions)" -gt 0 ]
ip netns del "$XL"
refute "translator namespace gone" ip netns exec "$XL" true
sleep 1
check "namespace deleted: kernel log clean" clean_log
load_stop
topo_cleanup
# Its sessions and BIB entries are freed (after a grace period).
check "namespace deleted: session slab empties" busywait $((20000 * WAIT)) slab_le nat64_session 2000
note "slab: nat64_session $(slab nat64_session), nat64_bib $(slab nat64_bib)"
check "module still loaded" nat64_loaded

# 7. rmmod while another translator namespace translates.
topo_up || { fail "topology again"; finish; }
configure || fail "configuration again"
ip netns exec "$XL" "$NAT64CTL" monitor > /dev/null 2>&1 &
monitor2=$!
load_all || fail "load.py started again"
after "new namespace"
check "sessions before rmmod" [ "$(sessions)" -gt 0 ]
check "SYNs stored before rmmod" busywait "$T" sh -c "[ \$(ip netns exec $XL $NAT64CTL stats | awk '\$1 == \"syn-stored\" { print \$2 }') -gt 0 ]"
if out=$(rmmod nat64 2>&1); then
	ok "rmmod under traffic"
else
	fail "rmmod under traffic: $out"
fi
refute "module gone" nat64_loaded
sleep 1
check "rmmod: kernel log clean" clean_log
check "rmmod: nat64 slabs gone" sh -c "! grep -qE '^nat64_(session|bib) ' /proc/slabinfo"
kill "$monitor" "$monitor2" 2>/dev/null
wait "$monitor" "$monitor2" 2>/dev/null
nat64_load
check "loaded again: no configuration" sh -c "! ip netns exec $XL $NAT64CTL show | grep -qE '^(pool|rule|bib) '"
check "loaded again: nothing held" empty
check "configuration back" ctl -f "$TMPD/base.conf"
after "module loaded again"
load_stop
check_kernel_log teardown
finish
