#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Translation records to real collectors: nat64-logd in the translator's
# namespace exports to collectors on the v4 host (192.0.2.2):
#   nfcapd (Debian's nfdump)     IPFIX, UDP 4739, read back with nfdump
#   socat, to a file             IPFIX, UDP 4740, decoded by python3-ipfix
#   socat, to files              syslog over UDP 5514 and TCP 5601
# 1. Records: a UDP flow's mapping (natEvent 10) and session (6, with its
#    destination), a port block (16) with its range, the block range's
#    high threshold (18) and exhaustion (3), the refusal that follows
#    (12), a per-subscriber quota (13), and after a flush the deletes
#    (11, 7) and the block's release (17); each with the addresses and
#    ports the translator used, as `nat64ctl mapping show` has them; per
#    pool selection (a pool that exports no sessions sends none); IPFIX
#    sequence numbers that count the data records; templates sent again;
#    syslog lines over UDP and TCP (octet counting) with the NAT syslog
#    draft's names; every event numbered and none lost.
# 2. Under load: 100,000 new mappings (and their sessions) as fast as the
#    guest makes them, exported to nfcapd: the records nfdump reads plus
#    the records nat64-logd counted lost equal the records the translator
#    made, exactly; what nat64-logd lost equals what the kernel counted
#    dropped (events-dropped).
. "$(dirname "$0")/lib.sh"

require_cmd python3 socat nfcapd nfdump ping
LOGD=$TOP/usr/nat64-logd
CHECK="$PY $(dirname "$0")/ipfix_check.py"
FLOOD="$(dirname "$0")/flood.py"
nat64_load
kmsg_mark export
topo_up || { fail "topology"; finish; }
[ -x "$LOGD" ] || { fail "no $LOGD (make nat64ctl)"; finish; }

# More subscribers on the v6 host, used only when bound to (deprecated:
# never a default source address).
for a in 3 4 5; do
	ip -n "$V6" addr add 2001:db8:6::$a/64 dev v6 nodad preferred_lft 0
done
# p2: one address, two blocks of 512 ports; p3: room for the load.
pools() {
	ctl pool add p2 198.51.100.64/32 ports 1024-2047 alloc block 512 &&
		ctl rule add r2 prefix 64:ff9b:2::/96 pool p2 &&
		ctl pool add p3 198.51.100.128/25 ports 1024-65535 &&
		ctl rule add r3 prefix 64:ff9b:3::/96 pool p3
}
check "pools p2 (blocks) and p3" pools
X ip neigh replace 192.0.2.99 lladdr 02:00:00:00:04:02 dev x4 nud permanent ||
	fail "neighbour entry"

# The collectors' sockets may take 8 MiB (put back at exit).
RMEM=$(sysctl -n net.core.rmem_max)
rmem_restore() { sysctl -qw net.core.rmem_max="$RMEM"; }
cleanup_hooks+=(rmem_restore)
sysctl -qw net.core.rmem_max=16777216
mkdir -p "$TMPD/nf1" "$TMPD/nf2"
# nfcapd NUM PORT: nfcapd on the v4 host, writing to $TMPD/nfNUM.
nfcapd_start() {
	# ip netns exec execs it: $! is nfcapd itself (nsenter forks).
	ip netns exec "$V4" nfcapd -p "$2" -b 192.0.2.2 -w "$TMPD/nf$1" -t 3600 \
		-B 8388608 > "$TMPD/nfcapd$1.log" 2>&1 &
	eval "nfcapd_pid$1=$!"
}
# nfcapd_stop NUM [fmt]: its file written (on SIGTERM), its records as
# ipfix_check prints them in $TMPD/nfNUM.txt; with fmt, as nfdump prints
# "natEvent postNATSourceIPv4Address" (200,000 of them: quicker).
nfcapd_stop() {
	local pid f
	eval "pid=\$nfcapd_pid$1"
	kill "$pid"
	wait "$pid"
	for f in "$TMPD/nf$1"/nfcapd.*; do
		if [ -n "${2:-}" ]; then
			# nfdump's fmt: names natEvent 6 and 10 alike
			# ("UNKNOW"): a session record is the one with a
			# destination. A line a record (-o raw: 30).
			nfdump -q -r "$f" -o 'fmt:%nda %nsa' |
				awk '{ print ($1 == "0.0.0.0" ? 10 : 6), $2 }'
		else
			$CHECK nfdump "$f"
		fi
	done > "$TMPD/nf$1.txt"
}
nfcapd_start 1 4739
nsx "$V4" socat -u UDP4-RECV:4740,bind=192.0.2.2,rcvbuf=4194304 \
	"OPEN:$TMPD/ipfix.bin,creat,append" &
nsx "$V4" socat -u UDP4-RECV:5514,bind=192.0.2.2 \
	"OPEN:$TMPD/syslog-udp.txt,creat,append" &
nsx "$V4" socat -u TCP4-LISTEN:5601,bind=192.0.2.2,reuseaddr \
	"OPEN:$TMPD/syslog-tcp.txt,creat,append" &
collectors_up() {
	listening "$V4" udp 4739 && listening "$V4" udp 4740 &&
		listening "$V4" udp 5514 && listening "$V4" tcp 5601
}
check "collectors listening" collectors_up

cat > "$TMPD/logd.conf" <<EOF
# what an operator writes: collectors, then what to send
ipfix 192.0.2.2:4739
ipfix 192.0.2.2:4740
syslog udp 192.0.2.2:5514
syslog tcp 192.0.2.2:5601
hostname xlat
export mappings,blocks,limits
pool p1 export all
pool p3 export mappings,sessions
template-interval 2
poll-interval 1
threshold blocks 50
status-file $TMPD/logd.status
EOF
# logd_start CONF: nat64-logd in the translator, until logd_stop.
logd_start() {
	rm -f "$TMPD/logd.status"
	ip netns exec "$XL" "$LOGD" -c "$1" 2>> "$TMPD/logd.err" &
	logd_pid=$!
	busywait $((10000 * WAIT)) [ -s "$TMPD/logd.status" ]
}
logd_stop() { kill "$logd_pid" && wait "$logd_pid"; }
# st NAME: a line of nat64-logd's status file (written every second).
st() { awk -v k="$1" '$1 == k { print $2 }' "$TMPD/logd.status"; }
# dest N FIELD: a counter of collector N in the status file.
dest() {
	awk -v n="$1" -v k="$2" '$1 == "dest" && $2 == n {
		for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }' "$TMPD/logd.status"
}
# recs: what the python3-ipfix collector got so far, a line a record.
recs() { $CHECK decode "$TMPD/ipfix.bin" 2>/dev/null; }
# has_rec ERE [SECONDS]: a record of the python3-ipfix collector's
# matches (within SECONDS).
has_rec() { $CHECK wait "$TMPD/ipfix.bin" "$1" "${2:-0}"; }
# polled: the poller ran twice more since now (limits and thresholds
# read after a change).
polled() { local p; p=$(st polls); busywait $((10000 * WAIT)) [ "$(st polls)" -ge $((p + 2)) ]; }

check "nat64-logd starts" logd_start "$TMPD/logd.conf"
check "events-dropped counter exists, 0" [ "$(counter events-dropped)" = 0 ]

# --- 1. records ---
x6 socat -u - 'UDP6:[64:ff9b:1::192.0.2.2]:9,sourceport=2345' <<< x
mapped() { ctl mapping show | grep -q '^udp 2001:db8:6::2 2345 198\.51\.100\.1 2345 '; }
check "the mapping" busywait $((10000 * WAIT)) mapped
check "BIB create (10): the mapping's addresses and ports" has_rec '^10 2001:db8:6::2 2345 198\.51\.100\.1 2345 - - - -$' $((10 * WAIT))
check "session create (6): with its destination" \
	has_rec '^6 2001:db8:6::2 2345 198\.51\.100\.1 2345 192\.0\.2\.2 9 - -$'

# A block: p2's first of two; 50% of the range's blocks given out.
check "ping through p2" x6 ping -c 1 -W 5 64:ff9b:2::192.0.2.2 > /dev/null
b=$(ctl block show 2001:db8:6::2)
lo=$(awk '{ split($3, r, "-"); print r[1] }' <<< "$b")
hi=$(awk '{ split($3, r, "-"); print r[2] }' <<< "$b")
match "block show: the v6 host's block" '^2001:db8:6::2/128 198\.51\.100\.64 1[0-9]{3}-[12][0-9]{3} ' "$b"
check "port block allocation (16): prefix, address, range" has_rec "^16 2001:db8:6::2 - 198\\.51\\.100\\.64 - - - $lo $hi\$" $((10 * WAIT))
check "threshold (18): half of p2's blocks" has_rec '^18 ' $((10 * WAIT))
refute "no exhaustion yet" has_rec '^3 '
x6 ping -c 1 -W 5 -I 2001:db8:6::3 64:ff9b:2::192.0.2.2 > /dev/null
check "addresses exhausted (3): p2's last block given" has_rec '^3 ' $((10 * WAIT))
refute "a third subscriber gets no block" x6 ping -c 1 -W 2 -I 2001:db8:6::4 64:ff9b:2::192.0.2.2
check "ports exhausted (12): its refusal" has_rec '^12 ' $((10 * WAIT))

# A quota: two sessions a subscriber; the third is refused.
ctl set limit sessions-per-subscriber 2
polled
for p in 1 2 3; do
	x6 socat -u - "UDP6:[64:ff9b:1::192.0.2.2]:$p,bind=[2001:db8:6::5]:3000" <<< x
done
check "quota exceeded (13): per subscriber, its address" has_rec '^13 2001:db8:6::5 ' $((10 * WAIT))
check "the quota record carries the limit" busywait 1000 sh -c \
	"$CHECK all $TMPD/ipfix.bin 2>/dev/null | grep -q 'maxEntriesPerUser=2'" ||
	note "$(recs | grep '^13 ')"

# p3 exports mappings and sessions; p2 (the default) no sessions.
refute "no session records of p2 (export mappings,blocks,limits)" \
	has_rec '^6 2001:db8:6::[23] [0-9]+ 198\.51\.100\.64 '
check "p2's mappings are exported" has_rec '^10 2001:db8:6::3 [0-9]+ 198\.51\.100\.64 '

ctl session flush
check "BIB delete (11)" has_rec '^11 2001:db8:6::2 2345 198\.51\.100\.1 2345 - - - -$' $((10 * WAIT))
check "session delete (7)" \
	has_rec '^7 2001:db8:6::2 2345 198\.51\.100\.1 2345 192\.0\.2\.2 9 - -$'
check "port block de-allocation (17)" has_rec "^17 2001:db8:6::2 - 198\\.51\\.100\\.64 - - - $lo $hi\$" $((10 * WAIT))

# Sequence numbers: each message's is the data records before it;
# templates (set 2) again every 2 s.
check "templates sent again (template-interval 2)" busywait $((10000 * WAIT)) sh -c \
	"[ \$($CHECK templates $TMPD/ipfix.bin) -ge 2 ]"
check "IPFIX sequence numbers count the data records" sh -c \
	"$CHECK seqcheck $TMPD/ipfix.bin > $TMPD/seq.out 2>&1"
note "$(cat "$TMPD/seq.out")"

# Syslog, the same records in the NAT syslog draft's names.
check "syslog over UDP: the mapping (APMADD)" busywait $((10000 * WAIT)) grep -qE \
	'^<134>1 [0-9T:.-]+Z xlat nat64-logd [0-9]+ APMADD \[napmap .*ISADDR="2001:db8:6::2" ISPORT="2345" .*XSADDR="198\.51\.100\.1" XSPORT="2345"' \
	"$TMPD/syslog-udp.txt"
check "syslog over UDP: the session (SADD) with its destination" grep -qE \
	'SADD \[nsess .*ISADDR="2001:db8:6::2" ISPORT="2345" IDADDR="64:ff9b:1::c000:202" IDPORT="9" .*XDADDR="192\.0\.2\.2"' \
	"$TMPD/syslog-udp.txt"
check "syslog over TCP: octet-counted messages" busywait $((10000 * WAIT)) \
	$PY - "$TMPD/syslog-tcp.txt" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
n = 0
while data:
    sp = data.index(b" ")
    ln = int(data[:sp])
    msg = data[sp + 1:sp + 1 + ln]
    assert len(msg) == ln and msg.startswith(b"<134>1 "), msg
    n += 1
    data = data[sp + 1 + ln:]
assert n >= 10, n
EOF
check "syslog over TCP: the block (PBADD)" grep -qE \
	"PBADD \\[npblock .*XSADDR=\"198\\.51\\.100\\.64\" XSPORTLO=\"$lo\" XSPORTHI=\"$hi\"" \
	"$TMPD/syslog-tcp.txt"

# None lost: the kernel sent every event, nat64-logd got each number.
sent=$(counter events-sent)
check "every event numbered was received (status: $(st events-received) of $sent)" \
	busywait $((10000 * WAIT)) [ "$(st events-received)" = "$sent" ]
check "none lost (nat64-logd)" [ "$(st events-lost)" = 0 ]
check "none dropped (the kernel)" [ "$(counter events-dropped)" = 0 ]
check "nat64-logd stops cleanly" logd_stop
nfcapd_stop 1
check "nfdump: the mapping, from nfcapd's file" \
	grep -qE '^10 2001:db8:6::2 2345 198\.51\.100\.1 2345 ' "$TMPD/nf1.txt"
check "nfdump: the session with its destination" \
	grep -qE '^6 2001:db8:6::2 2345 198\.51\.100\.1 2345 192\.0\.2\.2 9 ' "$TMPD/nf1.txt"
check "nfdump: as many records as the other collector" \
	[ "$(wc -l < "$TMPD/nf1.txt")" = "$(recs | wc -l)" ]

# --- 2. under load ---
N=$((100000 / SLOW))
ctl set limit sessions-per-subscriber 65536
ctl session flush
flood_backlog
cat > "$TMPD/load.conf" <<EOF
ipfix 192.0.2.2:4741
export none
pool p3 export mappings,sessions
status-file $TMPD/logd.status
EOF
nfcapd_start 2 4741
check "nfcapd listening" listening "$V4" udp 4741
check "nat64-logd starts (IPFIX only)" logd_start "$TMPD/load.conf"
m0=$(counter mappings-created) s0=$(counter sessions-created)
e0=$(counter events-sent) d0=$(counter events-dropped)
t0=$EPOCHREALTIME
sent=$($PY "$FLOOD" mappings6 "$V6" "$N")
t1=$EPOCHREALTIME
note "$sent frames in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
# Every event numbered has come or been counted lost.
settled() {
	local e d
	e=$(counter events-sent) d=$(counter events-dropped)
	[ "$(st last-seq)" = "$((e + d))" ] &&
		[ $(( $(st events-received) + $(st events-lost) )) = $((e + d - e0 - d0)) ]
}
check "nat64-logd accounted for every event" busywait $((60000 * WAIT)) settled
made_m=$(( $(counter mappings-created) - m0 ))
made_s=$(( $(counter sessions-created) - s0 ))
made=$((made_m + made_s))
dropped=$(( $(counter events-dropped) - d0 ))
note "made $made_m mappings, $made_s sessions; kernel events-dropped $dropped"
check "at least 95% of $N mappings made" [ "$made_m" -ge $((N * 95 / 100)) ]
check "two events per mapping, all numbered" \
	[ $(( $(counter events-sent) + $(counter events-dropped) - e0 - d0 )) = "$made" ]
lost=$(st events-lost)
check "nat64-logd's lost ($lost) = the kernel's dropped ($dropped)" [ "$lost" = "$dropped" ]
check "nat64-logd stops (flushing what is pending)" logd_stop
exported=$(dest 0 records) dlost=$(dest 0 lost)
nfcapd_stop 2 fmt
got=$(wc -l < "$TMPD/nf2.txt")
note "nat64-logd: $exported records exported, $dlost lost sending; nfdump read $got"
check "received ($got) + lost ($lost + $dlost) = made ($made), exactly" \
	[ $((got + lost + dlost)) = "$made" ]
# (As many as were made when none were lost.)
kinds() {
	local m s
	m=$(grep -c '^10 ' "$TMPD/nf2.txt") s=$(grep -c '^6 ' "$TMPD/nf2.txt")
	note "nfdump: $m mapping records (10), $s session records (6)"
	grep -vE '^(10|6) ' "$TMPD/nf2.txt" | head -n 3 | while read -r l; do note "other: $l"; done
	[ $((m + s)) = "$got" ] && [ "$m" -le "$made_m" ] && [ "$s" -le "$made_s" ]
}
check "nfdump: mapping (10) and session (6) records only, no more than made" kinds
check "nfdump: all from p3's addresses (198.51.100.128/25)" \
	[ "$(grep -cvE ' 198\.51\.100\.(1[3-9][0-9]|2[0-5][0-9]|12[89])$' "$TMPD/nf2.txt")" = 0 ]

ctl session flush
check_kernel_log export
if [ "$failed" != 0 ]; then
	note "nat64-logd's messages: $(cat "$TMPD/logd.err")"
	note "its last status: $(cat "$TMPD/logd.status")"
	note "nfcapd: $(tail -n 5 "$TMPD/nfcapd1.log" "$TMPD/nfcapd2.log")"
fi
finish
