#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Events and records: `nat64ctl monitor` (text and -j) sees mappings and
# sessions created, expired, removed and refused, with the addresses and
# ports used and a current timestamp; only CAP_NET_ADMIN may listen; the
# translation log (set log mappings/destinations) writes kernel log lines,
# with destinations only when asked, none when off; the per-protocol and
# refusal counters move.
. "$(dirname "$0")/lib.sh"

require_cmd ping python3 socat setpriv
nat64_load
kmsg_mark monitor
topo_up || { fail "topology"; finish; }

JS=$TMPD/events.json
TXT=$TMPD/events.txt

# has_event FROM EVENT [KEY=VALUE...]: a JSON event after line FROM of
# $JS with these fields (compared as text); prints the first such line.
cat > "$TMPD/ev.py" <<'EOF'
import json, sys
path, start, want = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conds = [a.split("=", 1) for a in sys.argv[4:]]
with open(path) as f:
    lines = f.read().splitlines()[start:]
for line in lines:
    e = json.loads(line)
    if e.get("event") == want and all(str(e.get(k)) == v for k, v in conds):
        print(line)
        sys.exit(0)
sys.exit(1)
EOF
# pings COUNT: that many pings to the v4 host, quietly.
pings() { x6 ping -c "$1" -W 3 64:ff9b:1::192.0.2.2 >/dev/null 2>&1; }
has_event() { $PY "$TMPD/ev.py" "$JS" "$@" > "$TMPD/hit"; }
# The number of lines of $JS: the FROM of the next has_event.
mark() { wc -l < "$JS"; }
# A field of the last has_event hit.
field() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$TMPD/hit" "$1"; }

# ip netns exec execs nat64ctl: $! is the monitor itself.
ip netns exec "$XL" "$NAT64CTL" -j monitor > "$JS" 2> "$TMPD/events.err" &
mon_js=$!
# The text one through -n, as an operator would run it.
"$NAT64CTL" -n "$XL" monitor > "$TXT" 2>&1 &
mon_txt=$!
stop_monitors() { kill "$mon_js" "$mon_txt" 2>/dev/null; }
cleanup_hooks+=(stop_monitors)

# The monitors have joined once they report a mapping: each ping makes one.
ready() {
	x6 ping -c 1 -W 1 64:ff9b:1::192.0.2.2 >/dev/null 2>&1
	grep -q '"event":"mapping-created"' "$JS" && grep -q ' mapping created ' "$TXT"
}
check "monitors receive events" busywait 15000 ready
ctl session flush
check "session flush: mapping removed event" busywait 5000 grep -q '"event":"mapping-removed"' "$JS"
check "session flush: session removed event" busywait 5000 grep -q '"event":"session-removed"' "$JS"

# A UDP mapping whose ports are known: the source port is in the pool's
# range and free, so it is kept.
m=$(mark)
x6 socat -u - 'UDP6:[64:ff9b:1::192.0.2.2]:9,sourceport=2345' <<< x
check "udp mapping created event" busywait 10000 has_event "$m" mapping-created proto=udp addr6=2001:db8:6::2 port6=2345 addr4=198.51.100.1 port4=2345 rule=r1
now=$(date +%s)
ts=$(field timestamp_ns)
check "timestamp is the current time" [ $(( ts / 1000000000 - now )) -le 5 -a $(( now - ts / 1000000000 )) -le 30 ]
match "time field is UTC with microseconds" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$' "$(field time)"
check "udp session created event with its destination" has_event "$m" session-created proto=udp addr6=2001:db8:6::2 port6=2345 addr4=198.51.100.1 port4=2345 remote4=192.0.2.2 rport=9
check "text monitor: mapping line" busywait 5000 grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z mapping created udp \[2001:db8:6::2\]:2345 198\.51\.100\.1:2345$' "$TXT"
check "text monitor: session line" grep -qE '^[0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z session created udp \[2001:db8:6::2\]:2345 198\.51\.100\.1:2345 192\.0\.2\.2:9$' "$TXT"

# ICMP expiry: the mapping of a ping goes one timeout and a GC pass later.
ctl set timeout icmp 1 below-rfc
m=$(mark)
check "ping" pings 1
check "icmp mapping created event" busywait 5000 has_event "$m" mapping-created proto=icmp addr6=2001:db8:6::2 addr4=198.51.100.1
id=$(field port6)
id4=$(field port4)
check "icmp mapping expired event" busywait 10000 has_event "$m" mapping-expired proto=icmp port6="$id" port4="$id4" addr6=2001:db8:6::2 addr4=198.51.100.1
check "icmp session expired event" has_event "$m" session-expired proto=icmp port6="$id" remote4=192.0.2.2 rport=0
check "text monitor: expired line" busywait 5000 grep -qE " mapping expired icmp \[2001:db8:6::2\]:$id 198\.51\.100\.1:$id4\$" "$TXT"
check "no mapping of it left" sh -c "! ip netns exec $XL $NAT64CTL bib show icmp | grep -q ' $id4 '"

# Refusals: past the session limit (the UDP session holds the only one).
ctl stats reset
ctl set limit sessions 1
m=$(mark)
refute "ping past the session limit refused" pings 1
check "mapping refused event" busywait 5000 has_event "$m" mapping-refused proto=icmp addr6=2001:db8:6::2 remote4=192.0.2.2 reason=drop-limit
check "a refused mapping has no IPv4 side" [ "$(field addr4)" = None ]
x6 socat -u - 'UDP6:[64:ff9b:1::192.0.2.2]:10,sourceport=2345' <<< x
check "session refused event (existing mapping, new destination)" busywait 5000 has_event "$m" session-refused proto=udp port6=2345 addr4=198.51.100.1 port4=2345 remote4=192.0.2.2 rport=10 reason=drop-limit
check "text monitor: refused line" busywait 5000 grep -qE ' mapping refused icmp \[2001:db8:6::2\]:[0-9]+ - 192\.0\.2\.2:0 reason drop-limit$' "$TXT"
check "mappings-refused counted" [ "$(counter mappings-refused)" -ge 1 ]
check "sessions-refused counted" [ "$(counter sessions-refused)" -ge 1 ]
# A flood of refusals: all counted, few events (rate limited).
m=$(mark)
before=$(counter mappings-refused)
t0=$(date +%s)
x6 $PY -c '
import socket
for i in range(3000):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.sendto(b"x", ("64:ff9b:1::c000:202", 9))
    s.close()
'
t1=$(date +%s)
d=$(( $(counter mappings-refused) - before ))
ctl set limit sessions 4194304
# Events come in order: once this mapping's is in, the flood's are too.
pings 1
check "flood: an event after it" busywait 10000 has_event "$m" mapping-created proto=icmp
n=$(tail -n +$((m + 1)) "$JS" | grep -c '"event":"mapping-refused"')
note "3000 new flows refused in $((t1 - t0 + 1)) s: $d counted, $n events"
check "flood: refusals counted" [ "$d" -ge 2700 ]
check "flood: refused events rate limited" [ "$n" -ge 1 -a "$n" -le $(( (t1 - t0 + 2) * 100 )) ]
check "flood: the monitor kept up" [ ! -s "$TMPD/events.err" ]

# Only CAP_NET_ADMIN may listen.
err=$(X setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$NAT64CTL" monitor 2>&1)
rc=$?
match "unprivileged monitor refused" 'monitor: operation not permitted \(CAP_NET_ADMIN' "$err"
check "unprivileged monitor: exit 1" [ $rc = 1 ]

# The translation log: off by default, mappings without destinations,
# sessions with them when asked.
show=$(ctl show)
match "log mappings off by default" '^set log mappings off$' "$show"
match "log destinations off by default" '^set log destinations off$' "$show"
# logged TAG ERE: a kernel log line since mark TAG matches ERE.
logged() { kmsg_since "$1" | grep -qE "$2"; }
logline='nat64: ns=[0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
kmsg_mark log-on
ctl set log mappings on
match "log mappings shown" '^set log mappings on$' "$(ctl show)"
m=$(mark)
pings 1
busywait 5000 has_event "$m" mapping-created proto=icmp
id=$(field port6)
id4=$(field port4)
busywait 10000 has_event "$m" mapping-expired proto=icmp port6="$id"
check "mapping creation logged" busywait 5000 logged log-on "$logline mapping created icmp \[2001:db8:6::2\]:$id 198\.51\.100\.1:$id4\$"
check "mapping expiry logged" busywait 5000 logged log-on "$logline mapping expired icmp \[2001:db8:6::2\]:$id 198\.51\.100\.1:$id4\$"
refute "no destination logged" logged log-on "nat64: .*192\.0\.2\.2"
kmsg_mark log-dst
ctl set log destinations on
m=$(mark)
pings 1
busywait 5000 has_event "$m" mapping-created proto=icmp
id=$(field port6)
id4=$(field port4)
busywait 10000 has_event "$m" mapping-expired proto=icmp port6="$id"
check "session creation logged with its destination" busywait 5000 logged log-dst "$logline session created icmp \[2001:db8:6::2\]:$id 198\.51\.100\.1:$id4 192\.0\.2\.2:0\$"
check "session expiry logged" busywait 5000 logged log-dst "$logline session expired icmp \[2001:db8:6::2\]:$id 198\.51\.100\.1:$id4 192\.0\.2\.2:0\$"
ctl set log mappings off log destinations off
kmsg_mark log-off
m=$(mark)
pings 1
check "(logging off) created" busywait 5000 has_event "$m" mapping-created proto=icmp
id=$(field port6)
check "(logging off) expired" busywait 10000 has_event "$m" mapping-expired proto=icmp port6="$id"
refute "nothing logged with logging off" logged log-off "nat64: ns="

# Per-protocol counters, both directions.
ctl set timeout icmp 60
ctl stats reset
x4 socat -T 10 -t 10 TCP4-LISTEN:8080,reuseaddr SYSTEM:'echo hi' 2>/dev/null &
x4 socat -T 10 UDP4-RECVFROM:5353 SYSTEM:'echo hi' 2>/dev/null &
listening "$V4" tcp 8080
listening "$V4" udp 5353
check "tcp through" sh -c "ip netns exec $V6 socat -T 5 -t 10 - 'TCP6:[64:ff9b:1::192.0.2.2]:8080' </dev/null | grep -q hi"
check "udp through" sh -c "echo x | ip netns exec $V6 socat -t $((5 * WAIT)) -T $((5 * WAIT)) - 'UDP6:[64:ff9b:1::192.0.2.2]:5353' | grep -q hi"
check "icmp through" pings 2
ctl -j stats > "$TMPD/stats.json"
for c in 6to4-tcp 4to6-tcp 6to4-udp 4to6-udp 6to4-icmp 4to6-icmp; do
	check "counter $c moved" $PY -c "import json,sys; sys.exit(json.load(open('$TMPD/stats.json'))['$c'] < 1)"
done
check "6to4 per protocol adds up to 6to4-packets" $PY -c "import json,sys; s=json.load(open('$TMPD/stats.json')); sys.exit(s['6to4-tcp']+s['6to4-udp']+s['6to4-icmp'] != s['6to4-packets'])"
check "4to6 per protocol adds up to 4to6-packets" $PY -c "import json,sys; s=json.load(open('$TMPD/stats.json')); sys.exit(s['4to6-tcp']+s['4to6-udp']+s['4to6-icmp'] != s['4to6-packets'])"
check "ping counted as 2 icmp each way" $PY -c "import json,sys; s=json.load(open('$TMPD/stats.json')); sys.exit(s['6to4-icmp'] != 2 or s['4to6-icmp'] != 2)"
show=$(ctl stats)
for c in 6to4-tcp 6to4-udp 6to4-icmp 4to6-tcp 4to6-udp 4to6-icmp mappings-refused sessions-refused; do
	match "show has counter $c" "^  $c [0-9]+\$" "$show"
done

# Every line of -j is one JSON object; the monitors end on SIGTERM.
check "every -j line parses" $PY -c "import json,sys; [json.loads(l) for l in open('$JS')]"
kill -TERM "$mon_js" "$mon_txt"
wait "$mon_js"
check "json monitor exits 0 on SIGTERM" [ $? = 0 ]
wait "$mon_txt"
check "text monitor exits 0 on SIGTERM" [ $? = 0 ]
check "no errors from the monitor" [ ! -s "$TMPD/events.err" ]
check_kernel_log monitor
finish
