#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7915 rules observed on the wire: wire.py sends packets crafted with
# scapy from the IPv6 or IPv4 host's veth and checks, byte by byte, what
# comes out on the other side (see its header for the cases).
. "$(dirname "$0")/lib.sh"

[ -x $PY ] && $PY -c 'import scapy' 2>/dev/null || { echo "# no scapy"; exit $KSFT_SKIP; }
nat64_load
# A jumbo IPv4 link, so that IPv4 packets can be too big for IPv6.
topo_up 9000 1500 || { fail "topology"; finish; }
kmsg_mark rfc7915
$PY "$(dirname "$0")/wire.py" "$V6" "$V4" "$XL" "$NAT64CTL" "$@" | tee /tmp/wire-$S.out
n=$(grep -c '^ok\|^not ok' /tmp/wire-$S.out)
grep -q '^not ok' /tmp/wire-$S.out && failed=1
[ "$n" -gt 0 ] || failed=1
rm -f /tmp/wire-$S.out
ntest=$n
if [ -n "$(kmsg_bad rfc7915)" ]; then
	kmsg_bad rfc7915
	fail "kernel log clean"
fi
finish
