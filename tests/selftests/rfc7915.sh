#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7915 rules observed on the wire: wire.py sends packets crafted with
# scapy from the IPv6 or IPv4 host's veth and checks, byte by byte, what
# comes out on the other side (see its header for the cases).
# Usage: rfc7915.sh [CASE...]   (default: all of wire.py's cases)
. "$(dirname "$0")/lib.sh"

if ! [ -x "$PY" ] || ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "# SKIP: $PY with scapy (python3-scapy) needed"
	exit $KSFT_SKIP
fi
nat64_load
kmsg_mark rfc7915
# A jumbo IPv4 link, so that IPv4 packets can be too big for IPv6.
topo_up 9000 1500 || { fail "topology"; finish; }
"$PY" "$(dirname "$0")/wire.py" "$V6" "$V4" "$XL" "$NAT64CTL" "$@" | tee "$TMPD/wire.out"
rc=${PIPESTATUS[0]}
# wire.py's TAP lines are this test's; count them.
ntest=$(grep -cE '^(not )?ok [0-9]+' "$TMPD/wire.out")
grep -q '^not ok' "$TMPD/wire.out" && failed=1
[ "$ntest" -gt 0 ] || fail "wire.py ran no case"
[ "$rc" = 0 ] || fail "wire.py exit $rc"
check_kernel_log rfc7915
finish
