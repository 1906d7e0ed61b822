#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stateful NAT64 (RFC 6146): BIB, sessions, filtering, the TCP state
# machine, stored SYNs, port allocation, static BIB entries, hairpinning,
# pool exhaustion, several rules on one pool. stateful.py crafts the
# packets with scapy on both hosts' veths and reads `nat64ctl session
# show` / `bib show` and the counters (see its header for the cases); then
# real sockets go through static BIB entries: a TCP and a UDP server on the
# IPv6 host, reached by the IPv4 host at 198.51.100.1:80; then rules are
# added and deleted more times than there are rule ids, around a session.
# Usage: stateful.sh [CASE...]   (default: every case of stateful.py, the
#                                 real-socket checks and rule_ids)
. "$(dirname "$0")/lib.sh"

if ! [ -x "$PY" ] || ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "# SKIP: $PY with scapy (python3-scapy) needed"
	exit $KSFT_SKIP
fi
require_cmd socat ss
nat64_load
kmsg_mark stateful
topo_up || { fail "topology"; finish; }

# More hosts on each side, which only stateful.py answers for: the
# translator sends them to the hosts' veths, whose stacks (not
# forwarding) drop them quietly.
x6 sysctl -qw net.ipv6.conf.all.forwarding=0
x4 sysctl -qw net.ipv4.ip_forward=0
for a in 2001:db8:6::3 2001:db8:6::7; do
	ip -n "$XL" neigh replace "$a" lladdr 02:00:00:00:06:02 dev x6 nud permanent
done
for a in 192.0.2.3 192.0.2.7; do
	ip -n "$XL" neigh replace "$a" lladdr 02:00:00:00:04:02 dev x4 nud permanent
done

"$PY" "$(dirname "$0")/stateful.py" "$V6" "$V4" "$XL" "$NAT64CTL" "$@" |
	tee "$TMPD/stateful.out"
rc=${PIPESTATUS[0]}
# stateful.py's TAP lines are this test's; count them.
ntest=$(grep -cE '^(not )?ok [0-9]+' "$TMPD/stateful.out")
grep -q '^not ok' "$TMPD/stateful.out" && failed=1
[ "$ntest" -gt 0 ] || fail "stateful.py ran no case"
[ "$rc" = 0 ] || [ "$failed" = 1 ] || fail "stateful.py exit $rc"

# --- real sockets through static BIB entries (case static_bib) ---
canon6() { "$PY" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1].strip("[]")))' "$1" 2>/dev/null; }

# static_real PROTO: [2001:db8:6::2]:8080 as 198.51.100.1:80 for PROTO.
static_real() {
	local proto=$1 err reply peer srv
	ctl session flush 2>/dev/null
	if ! err=$(ctl bib add "$proto" '[2001:db8:6::2]:8080' 198.51.100.1:80 2>&1); then
		fail "static $proto: bib add [2001:db8:6::2]:8080 198.51.100.1:80 (${err%%$'\n'*})"
		return
	fi
	ok "static $proto: bib add [2001:db8:6::2]:8080 198.51.100.1:80"
	match "static $proto: listed as static" \
		"^$proto 2001:db8:6::2 8080 198\\.51\\.100\\.1 80 static\$" \
		"$(ctl bib show "$proto")"
	rm -f "$TMPD/peer"
	if [ "$proto" = tcp ]; then
		# -t 10: after the client's EOF, wait for the shell's answer
		# (a loaded guest takes longer than socat's default 0.5 s).
		# shellcheck disable=SC2016 # expanded by the server's shell
		x6 socat -T 20 -t 10 TCP6-LISTEN:8080,reuseaddr \
			SYSTEM:'echo "$SOCAT_PEERADDR" > '"$TMPD/peer"'; cat' 2>/dev/null &
		srv=$!
		listening "$V6" tcp 8080
		reply=$(echo "hello static tcp" |
			x4 timeout 30 socat -T 20 -t 20 - TCP4:198.51.100.1:80 2>&1)
	else
		udp_echo_server "$V6" 8080 echo "$TMPD/peer"
		srv=$!
		# A connected UDP socket; dd reads the one datagram of the answer.
		reply=$(x4 timeout 20 bash -c 'exec 3<>/dev/udp/198.51.100.1/80 &&
			echo "hello static udp" >&3 &&
			timeout 10 dd bs=64k count=1 status=none <&3' 2>&1)
	fi
	check "static $proto: v4 host talks to [2001:db8:6::2]:8080 at 198.51.100.1:80 (${reply:-no reply})" \
		[ "$reply" = "hello static $proto" ]
	peer=$(cat "$TMPD/peer" 2>/dev/null)
	check "static $proto: the server sees 64:ff9b:1::c000:202 (${peer:-nothing})" \
		[ "$(canon6 "$peer")" = 64:ff9b:1::c000:202 ]
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	check "static $proto: bib del" \
		ctl bib del "$proto" '[2001:db8:6::2]:8080' 198.51.100.1:80
	refute "static $proto: no longer listed" \
		grep -q "^$proto 2001:db8:6::2 8080 " <<< "$(ctl bib show "$proto" 2>/dev/null)"
}

if [ $# = 0 ] || [[ " $* " == *" static_bib "* ]]; then
	static_real tcp
	static_real udp
fi

# --- rule ids: a session names its rule by an id; commits recycle them ---
rule_ids() {
	local i n0 ok_cycles=0
	ctl session flush 2>/dev/null
	# The cycles below take minutes on an emulated machine.
	ctl set timeout icmp 3600
	check "rule ids: ping through r1" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
	match "rule ids: the session shows r1's prefix" \
		'"remote6":"64:ff9b:1::c000:202"' "$(ctl -j session show icmp)"
	n0=$(counter sessions-created)
	# More commits that build a rule than there are ids (128).
	for i in $(seq 130); do
		ctl rule add rt prefix 2001:db8:77::/96 pool p1 &&
			ctl rule del rt && ok_cycles=$((ok_cycles + 1))
	done
	check "rule ids: 130 rule add/del cycles ($ok_cycles)" [ "$ok_cycles" = 130 ]
	match "rule ids: r1's session outlived them, with r1's prefix" \
		'"remote6":"64:ff9b:1::c000:202"' "$(ctl -j session show icmp)"
	check "rule ids: no session was made meanwhile" \
		[ "$(counter sessions-created)" = "$n0" ]
	check "rule ids: ping through r1 again" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
	# r1 rebuilt (a source filter): its sessions go, new ones come.
	check "rule ids: r1 rebuilt" ctl -f - <<-EOF
		rule del r1
		rule add r1 prefix 64:ff9b:1::/96 pool p1 from 2001:db8:6::/64
	EOF
	refute "rule ids: r1's old session went with it" \
		grep -q . <<< "$(ctl session show icmp 2>/dev/null)"
	check "rule ids: ping through the rebuilt r1" x6 ping -c 1 -W 5 64:ff9b:1::192.0.2.2
	match "rule ids: a new session with r1's prefix" \
		'"remote6":"64:ff9b:1::c000:202"' "$(ctl -j session show icmp)"
	ctl set timeout icmp 60
}

if [ $# = 0 ] || [[ " $* " == *" rule_ids "* ]]; then
	rule_ids
fi

check_kernel_log stateful
finish
