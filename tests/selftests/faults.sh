#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures (failslab, fail_page_alloc: a kernel with fault
# injection, such as scripts/debug-kernel's; skipped on others) during
# traffic and during configuration changes: nothing leaks, nothing is
# half applied.
#
# Traffic (standard topology): every allocation from nat64's caches
# (nat64_bib, nat64_session: failslab's cache-filter) fails: new ICMP, UDP
# and TCP flows are dropped and counted (drop-nomem), no mapping is made;
# half of them fail: each flow that got an answer has its BIB entry and
# its session, no other BIB entry or session is left; then atomic page
# allocations fail all over the system (fail_page_alloc) while traffic
# runs. After each, new flows translate again.
#
# Configuration: each change (pools, rules, static entries, settings,
# deletions, batches with nat64ctl -f) is run again and again from the
# same configuration, the Nth fault-injection point reached by its Kth
# netlink request failing, for every N until the request gets through
# without reaching it. nat64ctl's requests for the change are recorded
# once (nlrec.c, an LD_PRELOAD shim around its sendmsg) and replayed by
# failreplay.py, which sets /proc/thread-self/fail-nth before request K:
# one process for all the runs, where nat64ctl took two or three execs a
# run. Each run must end with the configuration (what nat64ctl show
# reads) exactly as before if a request failed, and exactly as the
# change makes it if all succeeded. (A failure in the allocation of the
# netlink acknowledgement, after the change was made, is the one case of
# an error with the change applied: allowed when the error is the
# socket's, ENOBUFS, not an error nat64 answered; counted in a note.)
#
# At the end no session or BIB entry is left, the kernel log is clean
# (but for the reports of allocations made to fail, lib.sh's
# kmsg_unfaulted), and later run.sh unloads the module (its caches must
# be empty then) and scans for leaks with kmemleak. FAULTS_MAX_N (default
# 400) bounds N per request.
. "$(dirname "$0")/lib.sh"

FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
if [ ! -d $FS ] || [ ! -d $FP ] || [ ! -e /proc/self/fail-nth ]; then
	echo "# SKIP: no fault injection in this kernel (failslab, fail_page_alloc, fail-nth)"
	exit $KSFT_SKIP
fi
require_cmd cc ping socat python3
nat64_load
kmsg_mark faults

# All fault injection off, whatever the test did (also at exit).
faults_on() { echo nat64-faults-on > /dev/kmsg; }
faults_off() {
	local d
	for d in $FS $FP; do
		echo 0 > "$d"/probability
		echo 0 > "$d"/times
		echo Y > "$d"/ignore-gfp-wait	# the defaults
	done
	echo N > $FS/cache-filter
	echo 1 > $FP/min-order
	echo nat64-faults-off > /dev/kmsg
}
cleanup_hooks+=(faults_off)
for d in $FS $FP; do
	echo 0 > "$d"/verbose	# a report would carry a "Call Trace"
	echo 0 > "$d"/space
	echo 1 > "$d"/interval
done
faults_off

cc -O2 -Wall -shared -fPIC -o "$TMPD/nlrec.so" "$(dirname "$0")/nlrec.c" -ldl ||
	{ fail "build nlrec.so"; finish; }

topo_up || { fail "topology"; finish; }
udp_echo_server "$V4" 5353
x4 socat -T 20 -t 10 TCP4-LISTEN:8080,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
listening "$V4" tcp 8080

ping1() { x6 ping -c 1 -W 2 64:ff9b:1::192.0.2.2 >/dev/null 2>&1; }
# One UDP flow (a fresh source port): its datagram echoed?
udp1() {
	x6 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"x", ("64:ff9b:1::192.0.2.2", 5353))
try:
    s.recv(10)
except OSError:
    sys.exit(1)'
}
tcp1() {
	# -t: wait for the answer after stdin's EOF (the server forks a shell).
	x6 socat -T 10 -t 10 - 'TCP6:[64:ff9b:1::192.0.2.2]:8080,connect-timeout=3' </dev/null 2>/dev/null |
		grep -q hi
}
# N UDP flows at once, one source port each; prints how many were
# answered within 10 s.
udp_flows() {
	x6 "$PY" -c '
import select, socket, sys, time
socks = []
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.sendto(b"x", ("64:ff9b:1::192.0.2.2", 5353))
    socks.append(s)
answered, end = 0, time.time() + 10
while socks and time.time() < end:
    ready = select.select(socks, [], [], max(0, end - time.time()))[0]
    for s in ready:
        s.recv(10)
        socks.remove(s)
        answered += 1
print(answered)' "$1"
}
nbib() { ctl bib show "$@" | grep -c .; }
nsess() { ctl session show "$@" | grep -c .; }
stat_is() { [ "$(ctl stats | awk -v n="$1:" '$1 == n { print $2 }')" = "$2" ]; }

# --- traffic: nat64's caches fail ---
# Their failslab flag: set at boot by slub_debug=A,nat64_bib,nat64_session
# (scripts/selftest --debug-kernel), writable in sysfs on later kernels.
marked() {
	local c
	for c in nat64_bib nat64_session; do
		[ "$(cat /sys/kernel/slab/$c/failslab 2>/dev/null)" = 1 ] ||
			{ echo 1 > /sys/kernel/slab/$c/failslab; } 2>/dev/null ||
			return 1
	done
}
if ! marked; then
	skip "traffic with nat64's caches failing (boot with slub_debug=A,nat64_bib,nat64_session)"
else
	echo 1 > $FS/cache-filter
	echo N > $FS/task-filter
	echo -1 > $FS/times
	faults_on
	echo 100 > $FS/probability
	nomem=$(counter drop-nomem)
	refute "all failing: ping not translated" ping1
	refute "all failing: udp not translated" udp1
	refute "all failing: tcp not translated" tcp1
	check "all failing: drops counted (drop-nomem)" \
		[ "$(counter drop-nomem)" -ge $((nomem + 3)) ]
	check "all failing: no mapping made" [ "$(nbib)" = 0 ]
	check "all failing: no session made" [ "$(nsess)" = 0 ]

	echo 50 > $FS/probability
	n=$(udp_flows 40)
	note "half failing: $n of 40 udp flows answered"
	check "half failing: some flows through" [ "${n:-0}" -gt 0 ]
	check "half failing: a BIB entry for each flow answered" [ "$(nbib udp)" = "$n" ]
	check "half failing: a session for each flow answered" [ "$(nsess udp)" = "$n" ]
	faults_off
	check "recovered: ping" ping1
	check "recovered: udp" udp1
	check "recovered: tcp" tcp1
	ctl session flush
fi

# --- traffic: atomic page allocations fail anywhere, for a while ---
echo N > $FP/task-filter
echo Y > $FP/ignore-gfp-wait
echo Y > $FP/ignore-gfp-highmem
echo 0 > $FP/min-order
echo 500 > $FP/times
faults_on
echo 10 > $FP/probability
udp_flows 20 > /dev/null
for _ in 1 2 3 4 5; do ping1; tcp1; done
note "fail_page_alloc: $((500 - $(cat $FP/times))) allocations failed"
faults_off
check "recovered after fail_page_alloc: ping" busywait 10000 ping1
check "recovered after fail_page_alloc: udp" udp1
check "recovered after fail_page_alloc: tcp" tcp1
ctl session flush

# --- configuration changes, every allocation failing in turn ---
# Sleeping allocations too, from any cache, pages of any order.
echo N > $FS/cache-filter
echo N > $FS/task-filter
echo N > $FS/ignore-gfp-wait
echo N > $FP/ignore-gfp-wait
echo 0 > $FP/min-order
# Traffic meanwhile (ip's PID is ping's: $! ends it).
ip netns exec "$V6" ping -i 0.5 64:ff9b:1::192.0.2.2 >/dev/null 2>&1 &
pinger=$!
faults_on

cat > "$TMPD/base.conf" <<'CONF'
flush
pool add p1 198.51.100.1/32 ports 2000-2999
rule add r1 prefix 64:ff9b:1::/96 pool p1
CONF
cat > "$TMPD/batch.conf" <<'CONF'
set timeout udp 600 filtering address-dependent
pool add p2 203.0.113.0/29 proto tcp,udp
rule add r2 prefix 2001:db8:64::/64 pool p2 from 2001:db8:6::/48
bib add tcp [2001:db8:6::2]:80 198.51.100.1:2080
CONF
max_n=${FAULTS_MAX_N:-400}

# rec FILE ARGS...: nat64ctl ARGS in the translator, its requests
# recorded to FILE.
rec() {
	local f=$1
	shift
	: > "$f"
	NLREC=$f LD_PRELOAD=$TMPD/nlrec.so "$NAT64CTL" -n "$XL" "$@"
}
rec "$TMPD/base.rec" -f "$TMPD/base.conf" &&
	rec "$TMPD/show.rec" show > /dev/null ||
	{ fail "nat64ctl's requests recorded"; finish; }

# faulty DESC ARGS...: nat64ctl ARGS from base.conf, each allocation
# failing in turn (see the top).
faulty() {
	local desc=$1 out rc line runs="" late=""
	shift
	ctl -f "$TMPD/base.conf" || { fail "$desc: base configuration"; return; }
	if ! out=$(rec "$TMPD/change.rec" "$@" 2>&1); then
		fail "$desc: runs without faults"
		note "$out"
		return
	fi
	out=$("$PY" "$(dirname "$0")/failreplay.py" "$XL" "$TMPD/base.rec" \
		"$TMPD/show.rec" "$TMPD/change.rec" "$max_n")
	rc=$?
	while IFS= read -r line; do
		case $line in
		"# "*) note "$desc: ${line#"# "}" ;;
		"runs "*) read -r _ runs _ late <<< "$line" ;;
		esac
	done <<< "$out"
	[ "${late:-0}" = 0 ] || note "$desc: $late lost acknowledgements (error, change made)"
	check "$desc: all or nothing under allocation failures (${runs:-?} runs)" [ $rc = 0 ]
}

faulty "pool add" pool add p2 198.51.100.8/30 ports 1024-65535
faulty "pool add, a range to a pool" pool add p1 198.51.100.2/32 ports 1-65535 proto icmp
faulty "rule add" rule add r2 prefix 2001:db8:64::/64 pool p1 from 2001:db8:6::/48
faulty "bib add" bib add tcp '[2001:db8:6::2]:80' 198.51.100.1:2080
faulty "set" set timeout udp 600 limit sessions 1000
faulty "rule del" rule del r1
faulty "-f batch" -f "$TMPD/batch.conf"
faults_off
kill "$pinger" 2>/dev/null

check "translates after all that" busywait 10000 ping1

# --- nothing left behind ---
ctl session flush
check "no sessions left" busywait 10000 stat_is sessions 0
check "no mappings left" busywait 10000 stat_is mappings 0
note "$(ctl stats | grep -E '^(sessions|mappings):')"
check_kernel_log faults
finish
