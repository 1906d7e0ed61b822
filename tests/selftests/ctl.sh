#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nat64ctl against the module: good commands work, bad ones are refused
# with a message and change nothing, the unprivileged are turned away,
# and a missing module is named.
. "$(dirname "$0")/lib.sh"

nat64_load
ip netns add "$XL"
kmsg_mark ctl

# expect_fail DESC PATTERN ARGS...: nat64ctl fails, says PATTERN on stderr
expect_fail() {
	local desc=$1 pat=$2 err
	shift 2
	if err=$(ctl "$@" 2>&1 >/dev/null); then
		fail "$desc (accepted)"
	elif echo "$err" | grep -qi -- "$pat"; then
		ok "$desc"
	else
		fail "$desc (said: $err)"
	fi
}

check "version" sh -c "ip netns exec $XL $NAT64CTL version | grep -q 'module 0\.'"
check "show on an empty namespace" sh -c "ip netns exec $XL $NAT64CTL show >/dev/null"
check "pool add" ctl pool add p1 198.51.100.0/30 ports 2000-2999
check "pool add, default ports" ctl pool add p2 203.0.113.7
check "rule add" ctl rule add r1 prefix 64:ff9b::/96 pool p1
check "rule add /64" ctl rule add r2 pool p2 prefix 2001:db8:64::/64
check "set" ctl set clear-df on lowest-ipv6-mtu 1400 reset-tos off
check "pool show" sh -c "ip netns exec $XL $NAT64CTL pool show | grep -qx 'p2 203.0.113.7/32 ports 1024-65535'"
check "rule show" sh -c "ip netns exec $XL $NAT64CTL rule show | grep -qx 'r2 prefix 2001:db8:64::/64 pool p2'"
check "config shown" sh -c "ip netns exec $XL $NAT64CTL show | grep -qx '  lowest-ipv6-mtu 1400'"
check "default timeouts (RFC 6146)" sh -c "ip netns exec $XL $NAT64CTL show | grep -A4 '  timeout udp 300' | tr -s ' ' | tr '\n' , | grep -q 'timeout udp 300, timeout tcp-est 7440, timeout tcp-trans 240, timeout icmp 60,'"

state=$(ctl show)
expect_fail "bad address" "invalid IPv4 address '300.1.1.1'" pool add p3 300.1.1.1
expect_fail "bad length" "prefix length" pool add p3 10.0.0.0/33
expect_fail "empty port range" "empty port range" pool add p3 10.0.0.1 ports 5-2
expect_fail "port 0" "port range" pool add p3 10.0.0.1 ports 0-10
expect_fail "host bits" "host bits" pool add p3 10.0.0.1/24
expect_fail "duplicate pool" "exists" pool add p1 10.9.9.9
expect_fail "overlapping pool" "overlap" pool add p3 198.51.100.2
expect_fail "unknown pool" "no pool" rule add r3 prefix 2001:db8:1::/96 pool nope
expect_fail "prefix length 95" "32, 40, 48, 56, 64 or 96" rule add r3 prefix 2001:db8:1::/95 pool p1
expect_fail "u-octet set" "u-octet" rule add r3 prefix 2001:db8:0:0:100::/96 pool p1
expect_fail "overlapping prefix" "overlap" rule add r3 prefix 64:ff9b::/96 pool p2
expect_fail "pool in use" "used by a rule" pool del p1
expect_fail "unknown rule" "no rule" rule del nope
expect_fail "missing arguments" "needs prefix and pool" rule add r3 prefix 2001:db8:1::/96
expect_fail "unknown keyword" "unknown" pool add p3 10.0.0.1 portz 1-2
expect_fail "long name" "invalid name" pool add abcdefghijklmnopq 10.0.0.1
expect_fail "bad setting" "unknown setting" set frob on
expect_fail "mtu too small" "1280 to 65535" set lowest-ipv6-mtu 1000
expect_fail "udp timeout under 2 minutes" "120 to 604800" set timeout udp 60
expect_fail "unknown command" "unknown command" frob
check "refusals changed nothing" [ "$(ctl show)" = "$state" ]

err=$(ip netns exec "$XL" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$NAT64CTL" pool add p9 10.9.9.9 2>&1)
check "unprivileged user refused with CAP_NET_ADMIN" sh -c "echo '$err' | grep -q CAP_NET_ADMIN"
check "unprivileged changed nothing" [ "$(ctl show)" = "$state" ]

check "rule del" ctl rule del r2
check "pool del" ctl pool del p2
check "rule del last" ctl rule del r1
check "pool del last" ctl pool del p1

ip netns del "$XL"
rmmod nat64
err=$("$NAT64CTL" show 2>&1)
check "module not loaded is named" sh -c "echo '$err' | grep -q 'not loaded'"
nat64_load
refute "kernel log clean" kmsg_bad ctl
finish
