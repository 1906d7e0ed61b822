#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two translators that keep each other's sessions (nat64-syncd), in three
# parts.
#
# 1. A hostile peer (syncnl.py): NAT64_CMD_SESSION_ADD takes sessions only
#    in the rule's pool, for allowed peers, and conflicts are refused and
#    counted; SESSION_DEL removes. A synced mapping of a block range takes
#    its block for the subscriber, or conflicts with another's.
#
# 2. Active/standby, failed over by keepalived (VRRP): translators A and
#    B have the same configuration; keepalived moves the gateway
#    addresses (IPv6 on the LAN, IPv4 on the WAN) to the master. 10 TCP
#    and 10 UDP flows run through A; then A's links go down: B becomes
#    master and every flow goes on through B, with the same IPv4 address
#    and port, no TCP connection broken. A comes back as backup (no
#    preemption), B's namespace is deleted, and the flows go on through A.
#
#          h6-$S                         s4-$S (192.0.2.2, echo 7000)
#            |  2001:db8:1::100            |  10.0.4.100
#       [ br6 in sw-$S ]              [ br4 in sw-$S ]
#        /          \                   /          \
#   A (xa-$S)     B (xb-$S)  -- WAN: 10.0.4.2 / .3, VIP 10.0.4.1
#   LAN 2001:db8:1::2 / ::3, VIP 2001:db8:1::1; sync link 10.9.0.1-2
#
# 3. Active/active: A allocates from 198.51.100.1, B from 198.51.100.2,
#    each holds the other's address as a peer range. Subscriber 1 goes
#    through A, subscriber 2 through B: both carry traffic, each from its
#    own share, and each holds the other's sessions. The replies to A's
#    flows are then routed through B (asymmetric routing), and then A
#    fails: subscriber 1's flows go on through B, from A's address.
. "$(dirname "$0")/lib.sh"

require_cmd python3 keepalived
nat64_load
kmsg_mark sync

SYNCD=$TOP/usr/nat64-syncd
FLOWS=$TOP/tests/selftests/syncflows.py

H6=h6-$S SW=sw-$S XA=xa-$S XB=xb-$S S4=s4-$S
sync_cleanup() {
	local f
	for f in "$TMPD"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	ns_del "$H6" "$SW" "$XA" "$XB" "$S4"
}
cleanup_hooks+=(sync_cleanup)

# c NS ARGS: nat64ctl in NS.
c() { local ns=$1; shift; "$NAT64CTL" -n "$ns" "$@"; }

netns() {
	local n
	for n in "$@"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 || return 1
	done
}

# veth NS1 IF1 NS2 IF2: a link, both ends up.
veth() {
	ip link add name "$2" netns "$1" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set dev "$2" up && ip -n "$3" link set dev "$4" up
}

# syncd_start NS LISTEN PEER: nat64-syncd in NS, sending to PEER.
syncd_start() {
	cat > "$TMPD/$1.sync.conf" <<-EOF
	listen $2 6464
	peer $3 6464
	key-file $TMPD/sync.key
	refresh 1
	status-file $TMPD/$1.sync.status
	pid-file $TMPD/$1.syncd.pid
	EOF
	ip netns exec "$1" "$SYNCD" -f -c "$TMPD/$1.sync.conf" \
		2>> "$TMPD/$1.syncd.err" &
	busywait $((10000 * WAIT)) [ -s "$TMPD/$1.sync.status" ]
}

# peer_field NS FIELD: FIELD of the first peer in NS's syncd status.
peer_field() {
	"$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["peers"][0][sys.argv[2]])' \
		"$TMPD/$1.sync.status" "$2" 2>/dev/null
}
connected() { [ "$(peer_field "$1" out)" = connected ]; }
both_connected() { connected "$XA" && connected "$XB"; }

# nsess NS: the sessions NS holds.
nsess() { c "$1" session show | grep -c '198\.51\.100\.'; }
has_sessions() { [ "$(nsess "$1")" -ge "$2" ]; }

# flows_ok SINCE: every flow answered after SINCE (epoch seconds), from
# the same IPv4 address and port throughout, no TCP connection broken.
flows_ok() { "$PY" "$FLOWS" check "$TMPD/$1.flows" "$2" > "$TMPD/flows.out"; }
flows_wait() { busywait $((60000 * WAIT)) flows_ok "$1" "$2"; }
epoch() { echo "${EPOCHREALTIME}"; }
# diag NAME: what the flows of NAME and the translators say.
diag() {
	local x
	{
		cat "$TMPD/flows.out" "$TMPD/$1.err"
		for x in "$XA" "$XB"; do
			echo "$x:"; c "$x" session show; c "$x" stats | grep -v ' 0$'
		done
		ip -n "$H6" -6 neigh; ip -n "$S4" neigh
	} 2>&1 | head -60 | sed 's/^/# /'
}
# step DESC CMD...: check, and say whether the part may go on.
step() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; return 1; fi; }

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMPD/sync.key"
chmod 600 "$TMPD/sync.key"

# --- 1. a hostile peer ---------------------------------------------------
part1() {
	netns "$XA" || return 1
	c "$XA" pool add p 198.51.100.1/32 ports 1024-32767 &&
	c "$XA" pool add p 198.51.100.1/32 ports 32768-65535 peer &&
	c "$XA" rule add r prefix 64:ff9b:1::/96 pool p &&
	c "$XA" pool add q 198.51.100.8/32 ports 1024-2047 alloc block 64 &&
	c "$XA" rule add rq prefix 64:ff9b:2::/96 pool q &&
	c "$XA" deny add 203.0.113.0/24 || return 1
	ip netns exec "$XA" "$PY" "$TOP/tests/selftests/syncnl.py" "$NAT64CTL"
}
if out=$(part1 2>&1); then ok "session sync refuses a peer's state outside its rules (syncnl.py)"
else
	fail "session sync refuses a peer's state outside its rules (syncnl.py)"
	while read -r l; do echo "# $l"; done <<< "$out"
fi
ns_del "$XA"
[ -x "$SYNCD" ] || { fail "no $SYNCD (make nat64ctl)"; finish; }

# --- 2. active/standby, keepalived ----------------------------------------
keepalived_conf() {
	cat > "$TMPD/$1.ka.conf" <<-EOF
	global_defs {
		router_id $1
		vrrp_garp_master_repeat 3
		vrrp_garp_master_refresh 1
	}
	vrrp_instance nat64 {
		state BACKUP
		nopreempt
		interface w
		virtual_router_id 64
		priority $2
		advert_int 1
		virtual_ipaddress {
			10.0.4.1/24 dev w
		}
		virtual_ipaddress_excluded {
			2001:db8:1::1/64 dev l
		}
	}
	EOF
}
keepalived_start() {
	keepalived_conf "$1" "$2"
	ip netns exec "$1" keepalived -n -P -l -G -f "$TMPD/$1.ka.conf" \
		-p "$TMPD/$1.ka.pid" -r "$TMPD/$1.kav.pid" \
		> "$TMPD/$1.ka.log" 2>&1 &
}
not() { ! "$@"; }
ka_diag() {
	local x
	for x in "$XA" "$XB"; do
		echo "$x:"; cat "$TMPD/$x.ka.log"; ip -n "$x" addr
	done 2>&1 | tail -80 | sed 's/^/# /'
	pgrep -a keepalived | sed 's/^/# /'
}
# master NS: NS holds the gateway addresses.
master() {
	ip -n "$1" -4 addr show dev w 2>/dev/null | grep -q '10\.0\.4\.1/' &&
	ip -n "$1" -6 addr show dev l 2>/dev/null | grep -q '2001:db8:1::1/'
}

topo2() {
	local x i
	netns "$H6" "$SW" "$XA" "$XB" "$S4" || return 1
	ip -n "$SW" link add br6 type bridge && ip -n "$SW" link set br6 up &&
	ip -n "$SW" link add br4 type bridge && ip -n "$SW" link set br4 up &&
	veth "$H6" h "$SW" h && ip -n "$SW" link set dev h master br6 &&
	veth "$S4" s "$SW" s && ip -n "$SW" link set dev s master br4 || return 1
	i=2
	for x in "$XA" "$XB"; do
		veth "$x" l "$SW" "l$i" && ip -n "$SW" link set dev "l$i" master br6 &&
		veth "$x" w "$SW" "w$i" && ip -n "$SW" link set dev "w$i" master br4 &&
		ip -n "$x" addr add "2001:db8:1::$i/64" dev l nodad &&
		ip -n "$x" addr add "10.0.4.$i/24" dev w &&
		ip -n "$x" route add 192.0.2.0/24 via 10.0.4.100 &&
		c "$x" pool add p 198.51.100.1/32 &&
		c "$x" rule add r prefix 64:ff9b:1::/96 pool p || return 1
		i=$((i + 1))
	done
	veth "$XA" y "$XB" y &&
	ip -n "$XA" addr add 10.9.0.1/30 dev y &&
	ip -n "$XB" addr add 10.9.0.2/30 dev y &&
	ip -n "$H6" addr add 2001:db8:1::100/64 dev h nodad &&
	ip -n "$H6" route add default via 2001:db8:1::1 &&
	ip -n "$S4" addr add 10.0.4.100/24 dev s &&
	ip -n "$S4" addr add 192.0.2.2/32 dev s &&
	ip -n "$S4" route add 198.51.100.0/24 via 10.0.4.1
}

part2() {
	local t0 t1
	step "two translators on a LAN and a WAN, a sync link" topo2 &&
	step "nat64-syncd starts on A" syncd_start "$XA" 10.9.0.1 10.9.0.2 &&
	step "nat64-syncd starts on B" syncd_start "$XB" 10.9.0.2 10.9.0.1 &&
	step "A and B connect, authenticated" busywait $((20000 * WAIT)) \
		both_connected || return
	# B starts once A is master: started together, the one whose
	# keepalived comes up first would win (nopreempt), whatever the
	# priorities say.
	keepalived_start "$XA" 150
	step "keepalived makes A master" busywait $((30000 * WAIT)) master "$XA" ||
		{ ka_diag; return; }
	keepalived_start "$XB" 100
	step "B's keepalived starts as backup" busywait $((30000 * WAIT)) \
		grep -q 'Entering BACKUP STATE' "$TMPD/$XB.ka.log" || { ka_diag; return; }
	refute "... and B not master" master "$XB"
	ip netns exec "$S4" "$PY" "$FLOWS" server 192.0.2.2 7000 &
	listening "$S4" tcp 7000
	ip netns exec "$H6" "$PY" "$FLOWS" client 64:ff9b:1::c000:202 7000 10 10 \
		"$TMPD/ab.flows" 2> "$TMPD/ab.err" &
	step "10 TCP and 10 UDP flows through A" \
		busywait $((30000 * WAIT)) flows_ok ab 0 || { diag ab; return; }
	check "B holds the 20 sessions A made (synced)" \
		busywait $((20000 * WAIT)) has_sessions "$XB" 20
	nap 2

	# A's links go down, the WAN first: A cannot say it is going (no
	# priority 0 advertisement); B takes over when three are missed.
	t0=$(epoch)
	ip -n "$XA" link set dev w down
	ip -n "$XA" link set dev l down
	check "B becomes master when A's links go down" \
		busywait $((30000 * WAIT)) master "$XB"
	check "every flow goes on through B, same IPv4 address and port, no TCP connection broken" \
		flows_wait ab "$t0"
	note "A's links down: $(cat "$TMPD/flows.out")"
	check "no session lost: B holds all 20" has_sessions "$XB" 20

	# A comes back, as backup; then B's namespace is deleted.
	ip -n "$XA" link set dev l up
	ip -n "$XA" link set dev w up
	check "A comes back as backup" busywait $((20000 * WAIT)) \
		not master "$XA"
	check "A holds the 20 sessions again (B's refreshes)" \
		busywait $((20000 * WAIT)) has_sessions "$XA" 20
	check "B is still master (no preemption)" master "$XB"
	nap 2
	t1=$(epoch)
	ip netns pids "$XB" | xargs -r kill -9
	ip netns del "$XB"
	check "A becomes master when B's namespace is deleted" \
		busywait $((30000 * WAIT)) master "$XA"
	check "every flow goes on through A, same IPv4 address and port, no TCP connection broken" \
		flows_wait ab "$t1"
	note "B's namespace deleted (its keepalived killed first): $(cat "$TMPD/flows.out")"
	touch "$TMPD/ab.flows.stop"
	wait_stopped
}
wait_stopped() { busywait $((10000 * WAIT)) sh -c "! pgrep -f 'syncflows.py client' > /dev/null"; }
part2
sync_cleanup

# --- 3. active/active -----------------------------------------------------
topo3() {
	netns "$H6" "$XA" "$XB" "$S4" || return 1
	veth "$H6" a "$XA" h && veth "$H6" b "$XB" h &&
	veth "$S4" a "$XA" s && veth "$S4" b "$XB" s &&
	veth "$XA" y "$XB" y || return 1
	ip -n "$H6" addr add 2001:db8:a::2/64 dev a nodad &&
	ip -n "$H6" addr add 2001:db8:b::2/64 dev b nodad &&
	ip -n "$H6" addr add 2001:db8:1::100/128 dev lo &&
	ip -n "$H6" addr add 2001:db8:2::100/128 dev lo &&
	ip -n "$H6" route add 64:ff9b:1::/96 from 2001:db8:1::/64 via 2001:db8:a::1 &&
	ip -n "$H6" route add 64:ff9b:1::/96 from 2001:db8:2::/64 via 2001:db8:b::1 &&
	ip -n "$XA" addr add 2001:db8:a::1/64 dev h nodad &&
	ip -n "$XB" addr add 2001:db8:b::1/64 dev h nodad &&
	ip -n "$XA" route add 2001:db8::/32 via 2001:db8:a::2 &&
	ip -n "$XB" route add 2001:db8::/32 via 2001:db8:b::2 &&
	ip -n "$S4" addr add 10.4.1.100/24 dev a &&
	ip -n "$S4" addr add 10.4.2.100/24 dev b &&
	ip -n "$S4" addr add 192.0.2.2/32 dev lo &&
	ip -n "$XA" addr add 10.4.1.1/24 dev s &&
	ip -n "$XB" addr add 10.4.2.1/24 dev s &&
	ip -n "$XA" route add 192.0.2.0/24 via 10.4.1.100 &&
	ip -n "$XB" route add 192.0.2.0/24 via 10.4.2.100 &&
	ip -n "$S4" route add 198.51.100.1/32 via 10.4.1.1 &&
	ip -n "$S4" route add 198.51.100.2/32 via 10.4.2.1 &&
	ip -n "$XA" addr add 10.9.0.1/30 dev y &&
	ip -n "$XB" addr add 10.9.0.2/30 dev y || return 1
	c "$XA" pool add p 198.51.100.1/32 &&
	c "$XA" pool add p 198.51.100.2/32 peer &&
	c "$XB" pool add p 198.51.100.2/32 &&
	c "$XB" pool add p 198.51.100.1/32 peer &&
	c "$XA" rule add r prefix 64:ff9b:1::/96 pool p &&
	c "$XB" rule add r prefix 64:ff9b:1::/96 pool p
}

# client NAME SRC NTCP NUDP: flows from SRC (in the background).
client() {
	ip netns exec "$H6" "$PY" "$FLOWS" client 64:ff9b:1::c000:202 7000 "$3" "$4" \
		"$TMPD/$1.flows" "$2" 2> "$TMPD/$1.err" &
}
# seen NAME ADDR: every flow of NAME went out from ADDR.
seen() { "$PY" -c 'import json,sys; f=json.load(open(sys.argv[1]))["flows"]; sys.exit(not all(x["seen"] and all(s.startswith(sys.argv[2] + ":") for s in x["seen"]) for x in f))' "$TMPD/$1.flows" "$2"; }

# own_share_only: B's mappings from A's address are those A made.
own_share_only() {
	local a b
	a=$(c "$XA" mapping show | awk '$4 == "198.51.100.1" { print $2, $3, $5 }' | sort)
	b=$(c "$XB" mapping show | awk '$4 == "198.51.100.1" { print $2, $3, $5 }' | sort)
	[ -n "$b" ] && [ -z "$(comm -13 <(echo "$a") <(echo "$b"))" ]
}

holds_other() {
	[ "$(c "$XA" session show | grep -c '198\.51\.100\.2 ')" -ge 10 ] &&
	[ "$(c "$XB" session show | grep -c '198\.51\.100\.1 ')" -ge 10 ]
}

part3() {
	local t0 t1 n0
	step "two translators, each with its own address and the other's as a peer range" topo3 &&
	step "nat64-syncd starts on A" syncd_start "$XA" 10.9.0.1 10.9.0.2 &&
	step "nat64-syncd starts on B" syncd_start "$XB" 10.9.0.2 10.9.0.1 ||
		return
	ip netns exec "$S4" "$PY" "$FLOWS" server 192.0.2.2 7000 &
	listening "$S4" tcp 7000
	client s1 2001:db8:1::100 5 5
	client s2 2001:db8:2::100 5 5
	step "subscriber 1's flows through A" busywait $((30000 * WAIT)) flows_ok s1 0 ||
		{ diag s1; return; }
	step "subscriber 2's flows through B" busywait $((30000 * WAIT)) flows_ok s2 0 ||
		{ diag s2; return; }
	check "A allocates from its own address only" seen s1 198.51.100.1
	check "B allocates from its own address only" seen s2 198.51.100.2
	check "each holds the other's sessions too" busywait $((20000 * WAIT)) \
		holds_other
	nap 2

	# Replies to A's flows come back through B.
	n0=$(c "$XB" stats | awk '$1 == "4to6-udp" || $1 == "4to6-tcp" { n += $2 } END { print n + 0 }')
	t0=$(epoch)
	ip -n "$S4" route replace 198.51.100.1/32 via 10.4.2.1
	check "asymmetric: A's flows go on with their replies through B" flows_wait s1 "$t0"
	check "... which B translated" \
		[ "$(c "$XB" stats | awk '$1 == "4to6-udp" || $1 == "4to6-tcp" { n += $2 } END { print n + 0 }')" -gt $((n0 + 20)) ]

	# A fails: subscriber 1 is routed through B.
	t1=$(epoch)
	ip -n "$XA" link set dev h down
	ip -n "$XA" link set dev s down
	ip -n "$H6" route replace 64:ff9b:1::/96 from 2001:db8:1::/64 via 2001:db8:b::1
	check "A fails: its flows go on through B, from A's address and ports" flows_wait s1 "$t1"
	check "... and B's own flows too" flows_wait s2 "$t1"
	check "B made no mapping of its own in A's share" own_share_only
	touch "$TMPD/s1.flows.stop" "$TMPD/s2.flows.stop"
	wait_stopped
}
part3

check_kernel_log sync
finish
