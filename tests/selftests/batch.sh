#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration as a whole: `nat64ctl show` prints commands that
# `nat64ctl -f` reads back to the same configuration (in this namespace,
# without disturbing its mappings, and in a fresh one); a batch applies
# all of its lines or none, and an error names its line; `flush`; -p
# (indented JSON); the systemd unit applying /etc/nat64.conf; batches
# over raw netlink (batchnl.py).
. "$(dirname "$0")/lib.sh"

nat64_load
topo_up || { fail "topology"; finish; }
kmsg_mark batch
XL2=xlat2-$S
cleanup_hooks+=("ns_del $XL2")

ping6ok() { x6 ping -c1 -W2 64:ff9b:1::192.0.2.2 >/dev/null 2>&1; }

# A configuration with something of every kind.
check "configure" ctl set filtering address-dependent timeout icmp 90 \
	clear-df on lowest-ipv6-mtu 1400 limit ports-per-subscriber 500 \
	subscriber-prefix 64 max-stored-syns 7
check "second range" ctl pool add p1 198.51.100.8-198.51.100.9 ports 1-1023 proto icmp alloc sequential
check "second pool" ctl pool add p2 203.0.113.0/29 proto tcp,udp
check "rule from" ctl rule add r2 prefix 2001:db8:64::/64 pool p2 from 2001:db8:6::/48
check "static entry" ctl bib add tcp '[2001:db8:6::2]:80' 198.51.100.1:8080
saved=$(ctl show)
note "$saved"
echo "$saved" > "$TMPD/saved.conf"
match "show lists the static entry" '^bib add tcp \[2001:db8:6::2\]:80 198\.51\.100\.1:8080$' "$saved"
match "show lists the range" '^pool add p1 198\.51\.100\.8-198\.51\.100\.9 ports 1-1023 proto icmp alloc sequential$' "$saved"

check "ping makes a mapping" ping6ok
mapping=$(ctl bib show icmp)
check "one ICMP mapping" [ "$(wc -l <<< "$mapping")" = 1 ]

# Round trip in place: same configuration, same mappings.
check "-f of show output" ctl -f "$TMPD/saved.conf"
check "round trip: show unchanged" [ "$(ctl show)" = "$saved" ]
check "round trip kept the mapping" [ "$(ctl bib show icmp | awk '{print $1,$2,$3,$4,$5}')" = "$(awk '{print $1,$2,$3,$4,$5}' <<< "$mapping")" ]
check "still translates" ping6ok

# Round trip into a fresh namespace, from stdin.
ip netns add "$XL2"
check "-n NETNS -f - (stdin)" sh -c "\"$NAT64CTL\" -n $XL2 -f - < $TMPD/saved.conf"
check "fresh namespace: same show" [ "$("$NAT64CTL" -n "$XL2" show)" = "$saved" ]

# Atomicity: the last line fails in the kernel; nothing changes.
cat > "$TMPD/bad.conf" <<'CONF'
# comment line
set timeout icmp 30 below-rfc
pool add p3 192.0.2.128/25   # trailing comment
rule del r2
rule add r3 prefix 2001:db8:1::/96 pool nope
CONF
err=$(ctl -f "$TMPD/bad.conf" 2>&1)
rc=$?
check "failing batch exits 1" [ $rc = 1 ]
match "error names file and line" "^nat64ctl: $TMPD/bad.conf:5: .*no pool" "$err"
check "failing batch changed nothing" [ "$(ctl show)" = "$saved" ]

# A syntax error is found before anything is sent.
printf 'set timeout icmp 30 below-rfc\npool add p3 300.1.1.1\n' > "$TMPD/syntax.conf"
err=$(ctl -f "$TMPD/syntax.conf" 2>&1)
rc=$?
check "syntax error exits 2" [ $rc = 2 ]
match "syntax error names the line" "syntax.conf:2: .*invalid IPv4 address" "$err"
check "syntax error changed nothing" [ "$(ctl show)" = "$saved" ]

printf 'stats\n' > "$TMPD/query.conf"
err=$(ctl -f "$TMPD/query.conf" 2>&1)
match "a query is not a change" "query.conf:1: 'stats' is not a change" "$err"

# A commit that fails as a whole: the static entry's pool goes away.
printf 'rule del r1\n' > "$TMPD/orphan.conf"
err=$(ctl -f "$TMPD/orphan.conf" 2>&1)
match "commit error: a static entry would lose its pool" "orphan.conf: commit: .*static" "$err"
check "failed commit changed nothing" [ "$(ctl show)" = "$saved" ]
check "failed commit kept the mapping" [ -n "$(ctl bib show icmp)" ]

check "-f of a missing file fails" sh -c "! \"$NAT64CTL\" -n $XL -f $TMPD/none.conf 2>/dev/null"
check "-f with a command too is a usage error" sh -c "\"$NAT64CTL\" -n $XL -f $TMPD/saved.conf show 2>/dev/null; [ \$? = 2 ]"

# A good batch that changes several things at once.
cat > "$TMPD/change.conf" <<'CONF'
set timeout icmp 600
rule del r2
pool del p2
pool add p3 192.0.2.128/25
CONF
check "good batch" ctl -f "$TMPD/change.conf"
show=$(ctl show)
match "batch applied: timeout" '^set timeout icmp 600$' "$show"
match "batch applied: new pool" '^pool add p3 192\.0\.2\.128/25 ' "$show"
check "batch applied: r2 and p2 gone" [ -z "$(grep -E 'r2|p2' <<< "$show")" ]
check "batch kept r1's mapping" [ -n "$(ctl bib show icmp)" ]

# flush: nothing left but default settings; traffic stops.
check "flush" ctl flush
show=$(ctl show)
check "flush: no pool, rule or static entry" [ -z "$(grep -E '^(pool|rule|bib) ' <<< "$show")" ]
match "flush: settings back to defaults" '^set timeout icmp 60$' "$show"
check "flush: mappings gone" [ -z "$(ctl bib show)" ]
refute "flush: no translation" ping6ok
check "restore with -f" ctl -f "$TMPD/saved.conf"
check "restored: show as saved" [ "$(ctl show)" = "$saved" ]
check "restored: translates" ping6ok

# -p: the same JSON, indented.
out=$(ctl -p stats)
check "-p stats is JSON" python3 -c 'import json, sys; d = json.load(sys.stdin); assert "6to4-packets" in d, d' <<< "$out"
check "-p stats is indented" [ "$(wc -l <<< "$out")" -gt 10 ]
match "-p: two-space indent" '^  "mappings": [0-9]+,$' "$out"
out=$(ctl -p bib show)
check "-p bib show is JSON" python3 -c 'import json, sys; d = json.load(sys.stdin); assert any(b["static"] and b["port4"] == 8080 for b in d), d' <<< "$out"
check "-p session show is JSON" python3 -c 'import json, sys; assert isinstance(json.load(sys.stdin), list)' <<< "$(ctl -p session show)"

# The systemd unit: it loads the module and applies /etc/nat64.conf.
unit=$TOP/usr/nat64.service
if [ ! -e "$unit" ]; then
	fail "usr/nat64.service built"
else
	match "unit loads the module" '^ExecStartPre=/sbin/modprobe nat64$' "$(cat "$unit")"
	match "unit applies /etc/nat64.conf" '^ExecStart=.*/nat64ctl -f /etc/nat64.conf$' "$(cat "$unit")"
	match "unit flushes on stop" '^ExecStop=.*/nat64ctl flush$' "$(cat "$unit")"
	# Its commands, run as systemd would but in a fresh namespace and
	# with this build's nat64ctl and a scratch file for /etc/nat64.conf.
	ns_del "$XL2"
	ip netns add "$XL2"
	cp "$TMPD/saved.conf" "$TMPD/nat64.conf"
	start=$(sed -n 's/^ExecStart=//p' "$unit" |
		sed "s|[^ ]*/nat64ctl|$NAT64CTL|; s|/etc/nat64.conf|$TMPD/nat64.conf|")
	check "unit ExecStart applies the file" ip netns exec "$XL2" $start
	check "unit: configuration as in the file" [ "$("$NAT64CTL" -n "$XL2" show)" = "$saved" ]
	stop=$(sed -n 's/^ExecStop=//p' "$unit" | sed "s|[^ ]*/nat64ctl|$NAT64CTL|")
	check "unit ExecStop flushes" ip netns exec "$XL2" $stop
	check "unit: stopped, nothing left" [ -z "$("$NAT64CTL" -n "$XL2" show | grep -E '^(pool|rule|bib) ')" ]
	if command -v systemd-analyze >/dev/null; then
		sed "s|[^ =]*/nat64ctl|$NAT64CTL|" "$unit" > "$TMPD/nat64.service"
		v=$(systemd-analyze verify --man=no "$TMPD/nat64.service" 2>&1)
		check "systemd-analyze verify" [ -z "$(grep -v 'Failed to .*bus\|No such file or directory.*sysinit\|offline' <<< "$v")" ]
		note "$v"
	else
		skip "systemd-analyze verify (not installed)"
	fi
fi

# Two sockets at once, over raw netlink.
out=$(X "$PY" "$(dirname "$0")/batchnl.py" "$NAT64CTL" 2>&1)
rc=$?
note "$out"
check "batches over netlink: one at a time, dropped with their socket, EAGAIN" [ $rc = 0 ]

ns_del "$XL2"
check_kernel_log batch
finish
