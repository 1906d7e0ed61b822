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
match "show begins with flush" '^flush$' "$show"
check "show on an empty namespace: only settings" [ -z "$(grep -vE '^(#|flush$|set )' <<< "$show")" ]
stats=$(ctl stats)
for l in 'mappings: 0' 'sessions: 0' 'counters:'; do
	match "stats has '$l'" "^$l\$" "$stats"
done
for c in 6to4-packets 4to6-packets mappings-created mappings-expired \
	 4to6-no-mapping 6to4-no-port drop-truncated drop-unsupported \
	 drop-hoplimit drop-no-route drop-nomem drop-too-big drop-checksum; do
	match "stats has counter $c" "^  $c 0\$" "$stats"
done
check "pool add" ctl pool add p1 198.51.100.0/30 ports 2000-2999
check "pool add, default ports" ctl pool add p2 203.0.113.7
check "rule add" ctl rule add r1 prefix 64:ff9b::/96 pool p1
check "rule add /64" ctl rule add r2 pool p2 prefix 2001:db8:64::/64
check "set" ctl set clear-df on lowest-ipv6-mtu 1400 reset-tos off
check "pool show" sh -c "ip netns exec $XL $NAT64CTL pool show | grep -qx 'p2 203.0.113.7/32 ports 1024-65535'"
check "rule show" sh -c "ip netns exec $XL $NAT64CTL rule show | grep -qx 'r2 prefix 2001:db8:64::/64 pool p2'"
show=$(ctl show)
match "show lists the pool" '^pool add p1 198\.51\.100\.0/30 ports 2000-2999$' "$show"
match "show lists the rule" '^rule add r1 prefix 64:ff9b::/96 pool p1$' "$show"
match "config shown" '^set lowest-ipv6-mtu 1400$' "$show"
check "default timeouts (RFC 6146)" [ "$(grep '^set timeout' <<< "$show" | tr '\n' ,)" = "set timeout udp 300,set timeout tcp-est 7440,set timeout tcp-trans 240,set timeout icmp 60,set timeout syn 6," ]
show=$(ctl show)
match "default filtering" '^set filtering endpoint-independent$' "$show"
match "default drop-external-tcp" '^set drop-external-tcp off$' "$show"
match "default max-stored-syns" '^set max-stored-syns 10$' "$show"
match "default no port limit" '^set limit ports-per-subscriber 0$' "$show"
match "default subscriber /128" '^set subscriber-prefix 128$' "$show"
check "pool range added" ctl pool add p1 198.51.100.8-198.51.100.9 ports 1-1023 proto icmp alloc sequential
match "pool show lists both ranges" '^p1 198\.51\.100\.8-198\.51\.100\.9 ports 1-1023 proto icmp alloc sequential$' "$(ctl pool show)"
check "rule add from" ctl rule add r4 prefix 64:ff9b::/96 pool p2 from 2001:db8:99::/48
match "rule show lists from" '^r4 prefix 64:ff9b::/96 pool p2 from 2001:db8:99::/48$' "$(ctl rule show)"
check "rule del from" ctl rule del r4
check "set stateful settings" ctl set filtering address-dependent drop-external-tcp on timeout syn 3 max-stored-syns 5 limit sessions 1000 limit ports-per-subscriber 100 subscriber-prefix 64
show=$(ctl show)
match "filtering shown" '^set filtering address-dependent$' "$show"
match "limit shown" '^set limit ports-per-subscriber 100$' "$show"
match "syn timeout shown" '^set timeout syn 3$' "$show"
check "set back" ctl set filtering endpoint-independent drop-external-tcp off timeout syn 6 max-stored-syns 10 limit sessions 4194304 limit ports-per-subscriber 0 subscriber-prefix 128
check "bib add static" ctl bib add tcp '[2001:db8::5]:80' 198.51.100.1:8080
match "bib show lists it" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$(ctl bib show tcp)"
check "bib show udp: none" [ -z "$(ctl bib show udp)" ]
match "words shorten to prefixes" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$(ctl b sh tcp)"
match "-n NETNS" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$("$NAT64CTL" -n "$XL" bib show)"
match "help" 'usage: nat64ctl' "$(ctl help)"
match "OBJECT help" '^  session show' "$(ctl session help)"
check "stats -j is JSON with the counters" python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d["mappings"] == 1 and "6to4-packets" in d and "drop-filtered" in d, d' <<< "$(ctl -j stats)"
check "bib show -j is JSON" python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d == [{"proto": "tcp", "addr6": "2001:db8::5", "port6": 80, "addr4": "198.51.100.1", "port4": 8080, "static": True, "sessions": 0}], d' <<< "$(ctl -j bib show)"
check "session show -j: an empty array" python3 -c 'import json, sys; assert json.load(sys.stdin) == []' <<< "$(ctl -j session show)"
check "session show: none" [ -z "$(ctl session show)" ]
check "session flush" ctl session flush
match "static entry survives a flush" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$(ctl bib show)"

state=$(ctl show)
expect_fail "bad address" "invalid IPv4 address '300.1.1.1'" pool add p3 300.1.1.1
expect_fail "bad length" "prefix length" pool add p3 10.0.0.0/33
expect_fail "empty port range" "empty port range" pool add p3 10.0.0.1 ports 5-2
expect_fail "port 0" "port range" pool add p3 10.0.0.1 ports 0-10
expect_fail "host bits" "host bits" pool add p3 10.0.0.1/24
expect_fail "range overlapping its own pool" "overlap" pool add p1 198.51.100.1 ports 2500-3500
expect_fail "bad address range" "address range" pool add p3 10.0.0.9-10.0.0.1
expect_fail "bad protocol list" "invalid protocols" pool add p3 10.0.0.1 proto tcp,sctp
expect_fail "bad allocation" "invalid allocation" pool add p3 10.0.0.1 alloc lifo
expect_fail "duplicate static mapping (IPv4 side)" "mapped already" bib add tcp '[2001:db8::6]:80' 198.51.100.1:8080
expect_fail "duplicate static mapping (IPv6 side)" "mapping already" bib add tcp '[2001:db8::5]:80' 198.51.100.1:8081
expect_fail "static mapping outside the pools" "no pool" bib add udp '[2001:db8::5]:80' 192.0.2.77:80
expect_fail "static mapping without brackets" "IPv6 transport address" bib add udp 2001:db8::5:80 198.51.100.1:80
expect_fail "static mapping, bad protocol" "unknown protocol" bib add sctp '[2001:db8::5]:80' 198.51.100.1:80
expect_fail "static mapping, port 0" "IPv4 transport address" bib add udp '[2001:db8::5]:80' 198.51.100.1:0
expect_fail "delete a static mapping that is not" "no such static" bib del udp '[2001:db8::5]:80' 198.51.100.1:80
expect_fail "session show, bad protocol" "unknown protocol" session show sctp
expect_fail "bad filtering" "endpoint-independent or address-dependent" set filtering strict
expect_fail "syn timeout too long" "1 to 600" set timeout syn 601
expect_fail "bad limit" "unknown limit" set limit frobs 3
expect_fail "rule from ::/0" "every source" rule add r3 prefix 2001:db8:1::/96 pool p1 from ::/0
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
expect_fail "unknown command" "unknown word" frob
expect_fail "ambiguous prefix" "ambiguous" s show
expect_fail "stats with junk" "unknown word" stats frob
check "refusals changed nothing" [ "$(ctl show)" = "$state" ]

err=$(ip netns exec "$XL" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$NAT64CTL" pool add p9 10.9.9.9 2>&1)
rc=$?
match "unprivileged user refused with CAP_NET_ADMIN" CAP_NET_ADMIN "$err"
check "unprivileged user: exit 1" [ $rc = 1 ]
check "unprivileged changed nothing" [ "$(ctl show)" = "$state" ]

# CAP_NET_ADMIN counts only in the user namespace owning the network one.
if command -v unshare >/dev/null; then
	err=$(X unshare --user --map-root-user "$NAT64CTL" pool add p9 10.9.9.9 2>&1)
	rc=$?
	match "root of another user namespace refused" CAP_NET_ADMIN "$err"
	check "root of another user namespace: exit 1" [ $rc = 1 ]
	check "root of another user namespace changed nothing" [ "$(ctl show)" = "$state" ]
	out=$(unshare --user --map-root-user --net sh -c \
		"\"$NAT64CTL\" pool add p9 10.9.9.9 && \"$NAT64CTL\" pool show" 2>&1)
	match "root of a user namespace configures its own network namespace" '^p9 10\.9\.9\.9/32 ' "$out"
else
	skip "user namespaces (unshare not installed)"
fi

check "bib del static" ctl bib del tcp '[2001:db8::5]:80' 198.51.100.1:8080
check "bib show: none" [ -z "$(ctl bib show)" ]
check "stats reset" ctl stats reset
match "counters zero after reset" '^  mappings-created 0$' "$(ctl stats)"
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
