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

# The configuration as the CLI lists it.
config() { ctl pool show && ctl rule show; }

# expect_fail DESC PATTERN ARGS...: nat64ctl refuses (exit 1, or 2 for a
# usage error) with a message "nat64ctl: ...PATTERN..." (or a usage) on
# stderr, and the configuration is unchanged.
expect_fail() {
	local desc=$1 pat=$2 err rc before
	shift 2
	before=$(config)
	err=$(ctl "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 0 ]; then
		fail "$desc (accepted)"
	elif [ $rc != 1 ] && [ $rc != 2 ]; then
		fail "$desc (exit $rc: $err)"
	elif ! grep -qE '^(nat64ctl: |usage: )' <<< "$err"; then
		fail "$desc (message not starting 'nat64ctl: ': $err)"
	elif ! grep -qiF -- "$pat" <<< "$err"; then
		fail "$desc (said: $err)"
	elif [ "$(config)" != "$before" ]; then
		fail "$desc (configuration changed)"
	else
		ok "$desc"
	fi
}

match "version" '^nat64ctl [0-9][^ ]*, module [0-9][^ ]*$' "$(ctl version)"
show=$(ctl show)
check "show on an empty namespace" [ $? = 0 ]
note "$show"
for l in 'pools:' 'rules:' 'mappings: 0' 'counters:'; do
	match "show has '$l'" "^$l\$" "$show"
done
for c in 6to4-packets 4to6-packets mappings-created mappings-expired \
	 4to6-no-mapping 6to4-no-port drop-truncated drop-unsupported \
	 drop-hoplimit drop-no-route drop-nomem drop-too-big drop-checksum; do
	match "show has counter $c" "^  $c 0\$" "$show"
done
check "pool add" ctl pool add p1 198.51.100.0/30 ports 2000-2999
check "pool add, default ports" ctl pool add p2 203.0.113.7
check "rule add" ctl rule add r1 prefix 64:ff9b::/96 pool p1
check "rule add /64" ctl rule add r2 pool p2 prefix 2001:db8:64::/64
check "set" ctl set clear-df on lowest-ipv6-mtu 1400 reset-tos off
check "pool show" sh -c "ip netns exec $XL $NAT64CTL pool show | grep -qx 'p2 203.0.113.7/32 ports 1024-65535'"
check "rule show" sh -c "ip netns exec $XL $NAT64CTL rule show | grep -qx 'r2 prefix 2001:db8:64::/64 pool p2'"
show=$(ctl show)
match "show lists the pool" '^  p1 198\.51\.100\.0/30 ports 2000-2999$' "$show"
match "show lists the rule" '^  r1 prefix 64:ff9b::/96 pool p1$' "$show"
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
expect_fail "pool add without arguments" "usage" pool add
expect_fail "pool del without a name" "usage" pool del
expect_fail "unknown keyword" "unknown" pool add p3 10.0.0.1 portz 1-2
expect_fail "long name" "invalid name" pool add abcdefghijklmnopq 10.0.0.1
expect_fail "bad setting" "unknown setting" set frob on
expect_fail "mtu too small" "1280 to 65535" set lowest-ipv6-mtu 1000
expect_fail "udp timeout under 2 minutes" "120 to 604800" set timeout udp 60
expect_fail "unknown command" "unknown command" frob
check "refusals changed nothing" [ "$(ctl show)" = "$state" ]

err=$(ip netns exec "$XL" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$NAT64CTL" pool add p9 10.9.9.9 2>&1)
rc=$?
match "unprivileged user refused with CAP_NET_ADMIN" CAP_NET_ADMIN "$err"
check "unprivileged user: exit 1" [ $rc = 1 ]
check "unprivileged changed nothing" [ "$(ctl show)" = "$state" ]

check "rule del" ctl rule del r2
check "pool del" ctl pool del p2
check "rule del last" ctl rule del r1
check "pool del last" ctl pool del p1

ns_del "$XL"
check "rmmod" rmmod nat64
err=$("$NAT64CTL" show 2>&1)
rc=$?
match "module not loaded is named" '^nat64ctl: .*not loaded' "$err"
check "module not loaded: show exits 1" [ $rc = 1 ]
out=$("$NAT64CTL" version 2>/dev/null)
rc=$?
match "module not loaded: version says so" '^nat64ctl [^ ]+, module not loaded$' "$out"
check "module not loaded: version exits 1" [ $rc = 1 ]
nat64_load
check_kernel_log ctl
finish
