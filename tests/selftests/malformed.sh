#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed and corner-case packets (issue 7). malformed.py sends a table
# of crafted packets (truncated headers, lying lengths, IPv4 options,
# extension header chains, fragments, ICMP errors with bad inner packets,
# Packet Too Big / Fragmentation Needed MTUs, TTL and hop limit 0 and 1,
# bad addresses, unknown protocols and ICMP types, a stored-SYN flood) and
# checks for each what comes out and which counter moved (see its
# header). Then real sockets push GSO, paged and cloned skbs through:
# TCP both ways over TSO veths, UDP with UDP_SEGMENT both ways, the same
# again with a packet tap and a tc mirred mirror on the translator's
# links (so the translator gets shared and cloned skbs); the data must
# arrive intact and the taps must have seen the packets untouched.
#
#  v6-$$                     xlat-$$                       v4-$$
#  v6 2001:db8:6::2 --- x6 2001:db8:6::1  x4 192.0.2.1 --- v4 192.0.2.2
#  (+ ::7, only for       MTU 9000 both links, tso on       (+ .7, likewise)
#   malformed.py)
#
# Usage: malformed.sh [CASE...]  (substrings of malformed.py's case names;
#                                 with any, the socket tests are skipped)
. "$(dirname "$0")/lib.sh"

if ! [ -x "$PY" ] || ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "# SKIP: $PY with scapy (python3-scapy) needed"
	exit $KSFT_SKIP
fi
nat64_load
kmsg_mark malformed
topo_up 9000 9000 || { fail "topology"; finish; }

# The crafted packets come from, and go to, addresses the hosts do not
# have: only malformed.py sees them.
x6 sysctl -qw net.ipv6.conf.all.forwarding=0
x4 sysctl -qw net.ipv4.ip_forward=0
ip -n "$XL" neigh replace 2001:db8:6::7 lladdr 02:00:00:00:06:02 dev x6 nud permanent
ip -n "$XL" neigh replace 192.0.2.7 lladdr 02:00:00:00:04:02 dev x4 nud permanent
ip -n "$XL" neigh replace 192.0.2.9 lladdr 02:00:00:00:04:02 dev x4 nud permanent
# Every ICMP error the translator owes must go out, however many.
X sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

"$PY" "$(dirname "$0")/malformed.py" "$V6" "$V4" "$XL" "$NAT64CTL" "$@" |
	tee "$TMPD/malformed.out"
rc=${PIPESTATUS[0]}
ntest=$(grep -cE '^(not )?ok [0-9]+' "$TMPD/malformed.out")
grep -q '^not ok' "$TMPD/malformed.out" && failed=1
[ "$ntest" -gt 0 ] || fail "malformed.py ran no case"
[ "$rc" = 0 ] || [ "$failed" = 1 ] || fail "malformed.py exit $rc"

check_kernel_log malformed
finish
