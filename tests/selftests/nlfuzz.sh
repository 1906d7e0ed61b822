#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing: thousands of random and malformed requests to every
# nat64 command, as root and as an unprivileged user, in a namespace with
# a configuration and traffic. Every request is answered; the kernel log
# stays clean; the configuration and the translation survive.
. "$(dirname "$0")/lib.sh"

require_cmd python3 ping setpriv
nat64_load
kmsg_mark nlfuzz
topo_up || { fail "topology"; finish; }
check "ping before" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
ITER=${NLFUZZ_ITERATIONS:-3000}
seed=$(( $(date +%s) % 100000 ))
note "seed $seed"
out=$(X $PY "$(dirname "$0")/nlfuzz.py" "$ITER" "$seed" 2>&1)
check "root: every request answered" [ $? = 0 ]
note "$out"
# (a copy of the fuzzer the user can read: the clone may be in /root)
cp "$(dirname "$0")/nlfuzz.py" "$TMPD/" && chmod a+rx "$TMPD"
out=$(X setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	$PY "$TMPD/nlfuzz.py" $((ITER / 3)) $((seed + 1)) 2>&1)
check "unprivileged: every request answered" [ $? = 0 ]
note "$out"
# Random requests may have changed settings or added pools: the rule and
# the pool it uses must still be there, unless a random delete hit them.
ctl show > "$TMPD/show" 2>&1
check "nat64ctl show still works" [ $? = 0 ]
if grep -q "r1 prefix 64:ff9b:1::/96 pool p1" "$TMPD/show"; then
	ctl set clear-df off reset-tos off lowest-ipv6-mtu 1280 filtering endpoint-independent drop-external-tcp off limit sessions 4194304 limit ports-per-subscriber 0
	check "ping after" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
else
	note "the fuzzer deleted rule r1"
fi
check_kernel_log nlfuzz
finish
