#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Soak: SOAK_SECONDS (default 30; `make soak` runs 600) of load.py's mixed
# traffic both ways (UDP, TCP and ICMP flows starting and ending all the
# time, from many source ports and identifiers; long TCP connections;
# static entries from the v4 side; unsolicited SYNs), with short
# timeouts so that sessions expire all along, and a change every few
# seconds, in turn: session flush, the session limit lowered under the
# load and raised, a batch that rebuilds the rule (its mappings go), the
# batch back, the rule and static entries removed in one batch and put
# back in another, static entries removed and added, a per-subscriber
# port limit set and cleared with the ICMP timeout changed.
#
# Checked all along: the kernel log stays clean, the counts are sane. At
# the end: everything still translates, and once the traffic stops every
# session expires (the timeouts are short, below RFC 6146's minimums),
# the count and the slab caches back to where they were.
# NAT64_SLOW=1 (a debug kernel) lowers the rates.
. "$(dirname "$0")/lib.sh"

require_cmd python3
nat64_load
kmsg_mark soak
topo_up || { fail "topology"; finish; }
DUR=${SOAK_SECONDS:-30}
RATE=$((10 / SLOW))
[ $RATE -gt 0 ] || RATE=1
T=$((30000 * WAIT))

ctl set below-rfc timeout icmp 2 timeout tcp-trans 4 timeout tcp-est 20 \
	timeout syn 2 timeout udp 10 && load_statics || fail "configuration"
ctl show > "$TMPD/base.conf"
sed 's/ports 2000-2999/ports 3000-3999/' "$TMPD/base.conf" > "$TMPD/alt.conf"
{
	grep -v '^bib ' "$TMPD/base.conf" | grep -v '^rule '
} > "$TMPD/norule.conf"

s0=$(slab nat64_session) b0=$(slab nat64_bib)

load_start v4 --rate "$RATE" --syns 2 || fail "load.py v4"
load_start v6 --rate "$RATE" --ports 256 --long 4 || fail "load.py v6"
flowing() {
	progress "$T" v6 udp_rx tcp_ok icmp_rx long_rx &&
		progress "$T" v4 udp_rx tcp_ok icmp_rx
}
check "traffic flows" flowing

# The changes, one every STEP seconds, in turn.
STEP=2
change() {
	case $(($1 % 10)) in
	0) ctl session flush ;;
	1) ctl set limit sessions 50 ;;
	2) ctl set limit sessions 4194304 ;;
	3) ctl -f "$TMPD/alt.conf" ;;
	4) ctl -f "$TMPD/base.conf" ;;
	5) ctl -f "$TMPD/norule.conf" ;;
	6) ctl -f "$TMPD/base.conf" ;;
	7) load_statics_del && load_statics ;;
	8) ctl set limit ports-per-subscriber 20 timeout icmp 1 below-rfc ;;
	9) ctl set limit ports-per-subscriber 0 timeout icmp 2 below-rfc ;;
	esac
}
start=$(date +%s) i=0 errs=0 insane=0 bad=""
next=$((start + STEP))
while [ $(( $(date +%s) - start )) -lt "$DUR" ]; do
	if ! change $i; then
		errs=$((errs + 1))
		note "change $((i % 10)) failed"
	fi
	sane 3 || insane=$((insane + 1))
	bad=$(kmsg_bad soak)
	[ -n "$bad" ] && break
	i=$((i + 1))
	# The next change STEP seconds after this one began.
	left=$((next - $(date +%s)))
	[ $left -gt 0 ] && sleep $left
	next=$((next + STEP))
done
note "$i changes in $(( $(date +%s) - start )) s; sessions $(sessions), mappings $(mappings)"
note "v6: $(cat "$TMPD/v6.stats")" "v4: $(cat "$TMPD/v4.stats")"
check "every change applied" [ $errs = 0 ]
check "counts sane all along" [ $insane = 0 ]
check "kernel log clean all along" [ -z "$bad" ]

# Back to the configuration, everything translates.
ctl -f "$TMPD/base.conf" && load_statics || fail "configuration back"
# Twice the wait: after a flush the long connections come back only once
# their echo timed out (load.py), and a loaded host stretches both.
T=$((2 * T))
if flowing; then
	ok "traffic flows at the end"
else
	fail "traffic flows at the end"
	note "v6: $(cat "$TMPD/v6.stats")" "v4: $(cat "$TMPD/v4.stats")"
fi
check "sessions expired during the run" [ "$(counter sessions-expired)" -gt 0 ]
check "refusals while the limits were low" [ "$(counter drop-limit)" -gt 0 ]
load_stop
# Once nothing is sent: every session expires (UDP last, 120 s), and the
# dynamic mappings with them.
zero() { [ "$(sessions)" = 0 ] && [ "$(mappings)" = 3 ]; }
check "all sessions expire" busywait $((150000 * WAIT)) zero
note "sessions $(sessions), mappings $(mappings); expired: $(counter sessions-expired) sessions, $(counter mappings-expired) mappings"
load_statics_del
check "session slab back to where it was" busywait 20000 sh -c "[ \$(awk '\$1 == \"nat64_session\" { print \$2 }' /proc/slabinfo) -le $((s0 + 1000)) ]"
check "bib slab back to where it was" busywait 20000 sh -c "[ \$(awk '\$1 == \"nat64_bib\" { print \$2 }' /proc/slabinfo) -le $((b0 + 1000)) ]"
note "slab: nat64_session $s0 -> $(slab nat64_session), nat64_bib $b0 -> $(slab nat64_bib)"
check_kernel_log soak
finish
