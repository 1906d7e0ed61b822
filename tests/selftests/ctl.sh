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
check "set stateful settings" ctl set filtering address-dependent drop-external-tcp on timeout syn 3 below-rfc max-stored-syns 5 limit sessions 1000 limit ports-per-subscriber 100 subscriber-prefix 64
show=$(ctl show)
match "filtering shown" '^set filtering address-dependent$' "$show"
match "limit shown" '^set limit ports-per-subscriber 100$' "$show"
match "syn timeout shown, below RFC 6146's minimum" '^set timeout syn 3 below-rfc$' "$show"
check "set back" ctl set filtering endpoint-independent drop-external-tcp off timeout syn 6 max-stored-syns 10 limit sessions 4194304 limit ports-per-subscriber 0 subscriber-prefix 128
# RFC 6146 §4 minimums: refused below them, unless below-rfc says so.
for t in "udp 119" "tcp-est 7439" "tcp-trans 239" "icmp 59" "syn 5"; do
	# shellcheck disable=SC2086
	expect_fail "timeout $t: below RFC 6146" "below its RFC 6146 minimum" set timeout $t
	# shellcheck disable=SC2086
	check "timeout $t below-rfc: accepted" ctl set timeout $t below-rfc
done
show=$(ctl show)
match "timeouts below the minimums shown with below-rfc" '^set timeout tcp-est 7439 below-rfc$' "$show"
check "show reads back (-f) with them" sh -c "\"$NAT64CTL\" -n $XL show | \"$NAT64CTL\" -n $XL -f -"
check "the minimums themselves need no below-rfc" ctl set timeout udp 120 timeout tcp-est 7440 timeout tcp-trans 240 timeout icmp 60 timeout syn 6
match "at the minimum: no below-rfc" '^set timeout udp 120$' "$(ctl show)"
check "timeouts back" ctl set timeout udp 300

# Denied IPv4 networks.
check "deny add" ctl deny add 10.0.0.0/8
check "deny add /32" ctl deny add 192.0.2.77
match "deny show" '^10\.0\.0\.0/8$' "$(ctl deny show)"
match "show lists denials" '^deny add 192\.0\.2\.77/32$' "$(ctl show)"
check "deny show -j is JSON" python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d == [{"addr": "10.0.0.0", "plen": 8}, {"addr": "192.0.2.77", "plen": 32}], d' <<< "$(ctl -j deny show)"
expect_fail "deny twice" "denied already" deny add 10.0.0.0/8
expect_fail "deny with host bits" "host bits" deny add 10.0.0.1/8
expect_fail "deny del of one not denied" "not denied" deny del 10.0.0.0/9
check "deny in a batch" sh -c "printf 'deny add 172.16.0.0/12\ndeny del 192.0.2.77\n' | \"$NAT64CTL\" -n $XL -f -"
check "the batch's denials" [ "$(ctl deny show | tr '\n' ,)" = "10.0.0.0/8,172.16.0.0/12," ]

check "bib add static" ctl bib add tcp '[2001:db8::5]:80' 198.51.100.1:8080
match "bib show lists it" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$(ctl bib show tcp)"
check "bib show udp: none" [ -z "$(ctl bib show udp)" ]
match "words shorten to prefixes" '^tcp 2001:db8::5 80 198\.51\.100\.1 8080 static$' "$(ctl bi sh tcp)"
out=$(ctl b sh tcp 2>&1)
check "an ambiguous prefix is refused" [ $? -ne 0 ]
match "... naming the words it could be" "'b' is ambiguous \(bib, block\)" "$out"
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
expect_fail "udp timeout under 2 minutes" "RFC 6146 minimum" set timeout udp 60
expect_fail "timeout 0" "1 to 604800" set timeout icmp 0 below-rfc
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
	# What reaches beyond its namespace needs the host's CAP_NET_ADMIN.
	for w in mappings destinations; do
		err=$(unshare -Ur --net "$NAT64CTL" set log "$w" on 2>&1)
		rc=$?
		match "container root may not turn log $w on" \
			'needs CAP_NET_ADMIN in the initial user namespace' "$err"
		check "container root, log $w on: exit 1" [ $rc = 1 ]
	done
	out=$(unshare -Ur --net sh -c "\"$NAT64CTL\" set log mappings off log destinations off && \"$NAT64CTL\" show" 2>&1)
	match "container root may turn the log off" '^set log mappings off$' "$out"
	err=$(unshare -Ur --net "$NAT64CTL" set limit sessions 4194305 2>&1)
	rc=$?
	match "container root: session limit over the cap refused" \
		'session limit over 4194304 needs CAP_NET_ADMIN' "$err"
	check "container root, session limit over the cap: exit 1" [ $rc = 1 ]
	out=$(unshare -Ur --net sh -c "\"$NAT64CTL\" set limit sessions 4194304 &&
		\"$NAT64CTL\" set limit sessions 1000 && \"$NAT64CTL\" show" 2>&1)
	match "container root: session limits up to the cap" '^set limit sessions 1000$' "$out"
	check "the host's root may set more" ctl set limit sessions 4294967295
	check "and log" ctl set log mappings on log destinations on
	match "the host's settings" '^set limit sessions 4294967295$' "$(ctl show)"
	check "back" ctl set limit sessions 4194304 log mappings off log destinations off
else
	skip "user namespaces (unshare not installed)"
fi

# Commands run in parallel (parallel_ops): commits in two namespaces at
# once, each waiting for grace periods, both go through; a third one
# reads meanwhile. (Lockdep, on the debug kernel, checks the locking.)
commits() {
	local i
	for i in 1 2 3 4; do
		"$NAT64CTL" -n "$1" pool add p 10.$i.0.1 &&
		"$NAT64CTL" -n "$1" rule add r prefix 2001:db8:$i::/96 pool p &&
		"$NAT64CTL" -n "$1" deny add 10.$i.0.0/16 &&
		"$NAT64CTL" -n "$1" flush || return 1
	done
}
ip netns add "par1-$S" && ip netns add "par2-$S"
commits "par1-$S" & p1=$!
commits "par2-$S" & p2=$!
reads=0
for _ in 1 2 3 4; do
	ctl show >/dev/null && ctl stats >/dev/null && reads=$((reads + 1))
done
check "reads meanwhile" [ $reads = 4 ]
wait $p1; r1=$?
wait $p2; r2=$?
check "commits in two namespaces at once: the first's went through" [ $r1 = 0 ]
check "... and the second's" [ $r2 = 0 ]
check "... and left both empty" [ -z "$("$NAT64CTL" -n "par1-$S" rule show)$("$NAT64CTL" -n "par2-$S" deny show)" ]
ns_del "par1-$S" "par2-$S"

check "deny del" ctl deny del 10.0.0.0/8
check "deny del last" ctl deny del 172.16.0.0/12
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
