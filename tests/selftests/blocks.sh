#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port blocks (pool ... alloc block): a subscriber (/56) gets a block of
# 48 ports with its first mapping, on one address; its mappings keep
# their source port (port preservation) or its class (range
# preservation) inside the block; a full block spills into a second one
# on the same address; past max-blocks mappings are refused and counted;
# events (allocated, released, interim) carry the subscriber, address,
# ports, protocols and time, and quiet pools send no mapping events; a
# commit that keeps the pool keeps the blocks, one that changes it
# releases them; a block past its block-timeout takes no new mappings; a
# block whose mappings expired is released; memory per subscriber; a
# full block whose mapping expired is filled again before a newer one.
. "$(dirname "$0")/lib.sh"

require_cmd python3 ping
nat64_load
kmsg_mark blocks
topo_up || { fail "topology"; finish; }

POOL4=198.51.100.16	# /30: .16 - .19
LO=1000 HI=1095 SIZE=48	# 2 blocks an address: 1000-1047 (across 1024), 1048-1095
A=2001:db8:6::2		# subscriber 2001:db8:6::/56
B=2001:db8:6:100::2	# subscriber 2001:db8:6:100::/56
JS=$TMPD/events.json

# Subscribers in other /56s than the link's: addresses of the v6 host.
ip -n "$XL" -6 route add 2001:db8:6::/48 via 2001:db8:6::2 dev x6 ||
	fail "route to the subscribers"
{
	echo "addr add $B/128 dev v6 nodad"
	for i in $(seq 16 79); do
		printf 'addr add 2001:db8:6:%x00::2/128 dev v6 nodad\n' "$i"
	done
} | ip -n "$V6" -batch - || fail "subscriber addresses"

# send ADDR:PORT...: a UDP datagram from each to the v4 host's port 9.
cat > "$TMPD/send.py" <<'EOF'
import socket, sys
for a in sys.argv[1:]:
    addr, port = a.rsplit(":", 1)
    addr = addr.strip("[]")
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    s.sendto(b"x", ("64:ff9b:1::c000:202", 9))
    s.close()
EOF
send() { x6 $PY "$TMPD/send.py" "$@"; }
# send_ports ADDR FIRST LAST: from each port FIRST..LAST of ADDR.
send_ports() {
	local a=() i
	for i in $(seq "$2" "$3"); do a+=("[$1]:$i"); done
	send "${a[@]}"
}
# udp_maps SRC: "PORT6 ADDR4 PORT4" of each UDP mapping of SRC.
udp_maps() { ctl bib show udp | awk -v s="$1" '$2 == s { print $3, $4, $5 }'; }
nmaps() { udp_maps "$1" | wc -l; }
# between V LO HI: V is a number from LO to HI.
between() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
nmaps_is() { [ "$(nmaps "$1")" -eq "$2" ]; }
port4_of() { udp_maps "$1" | awk -v p="$2" '$1 == p { print $3 }'; }
blocks() { ctl block show "$@"; }
nblocks_is() { [ "$(blocks | grep -c .)" -eq "$1" ]; }
poolj() { ctl -j pool show | $PY -c 'import json,sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$1"; }
# counter_is NAME N: counter NAME (as stats prints it) is N.
counter_is() { [ "$(counter "$1")" = "$2" ]; }
has_event() { grep -q "\"event\":\"$1\".*\"subscriber\":\"$2\".*\"port_min\":$3," "$JS"; }

# Events: a monitor, ready once it reports a mapping of the default pool.
ip netns exec "$XL" "$NAT64CTL" -j monitor > "$JS" 2>&1 &
mon=$!
stop_monitor() { kill "$mon" 2>/dev/null; }
cleanup_hooks+=(stop_monitor)
ready() {
	x6 ping -c 1 -W 1 64:ff9b:1::192.0.2.2 >/dev/null 2>&1
	grep -q '"event":"mapping-created"' "$JS"
}
check "monitor receives events" busywait 15000 ready

# Configuring.
ctl rule del r1 && ctl pool del p1 && ctl session flush ||
	fail "default pool removed"
ctl set subscriber-prefix 56 || fail "subscriber-prefix 56"
out=$(ctl pool add b1 $POOL4/30 ports $LO-$HI alloc block 200 2>&1)
check "a block larger than the range is refused" [ $? -ne 0 ]
match "... with a message" "larger than the range's ports" "$out"
out=$(ctl pool add b1 10.0.0.0/16 alloc block 16 2>&1)
check "over 2^20 blocks is refused" [ $? -ne 0 ]
match "... with a message" "over 2\^20 blocks" "$out"
out=$(ctl pool add b1 $POOL4/30 alloc block 48 interim 5 2>&1)
check "an interim under 10 s is refused" [ $? -ne 0 ]
match "... with a message" "10 seconds and more" "$out"
out=$(ctl pool add b1 $POOL4/30 max-blocks 2 2>&1)
check "max-blocks without alloc block is refused" [ $? -ne 0 ]
out=$(ctl pool add b1 $POOL4/30 quiet 2>&1)
check "quiet with random allocation is refused" [ $? -ne 0 ]
check "pool of 8 blocks of $SIZE ports, 2 a subscriber, quiet" \
	ctl pool add b1 $POOL4/30 ports $LO-$HI alloc block $SIZE max-blocks 2 quiet
check "rule through it" ctl rule add r1 prefix 64:ff9b:1::/96 pool b1
show=$(ctl show)
match "show: the pool as a command" "^pool add b1 $POOL4/30 ports $LO-$HI alloc block $SIZE max-blocks 2 quiet\$" "$show"
check "show reads back (-f)" sh -c "ip netns exec $XL $NAT64CTL show | ip netns exec $XL $NAT64CTL -f -"
check "... to the same configuration" [ "$(ctl show)" = "$show" ]
check "pool show -j: 8 blocks, none used" [ "$(poolj blocks)/$(poolj blocks_used)" = 8/0 ]
subs0=$(slab nat64_subscriber)
ev0=$(grep -c . "$JS")

# The first mapping: a block, the lowest of the subscriber's address.
send "[$A]:40000"
check "first mapping made" busywait 5000 nmaps_is $A 1
read -r _ X p <<< "$(udp_maps $A)"
b=$(blocks 2001:db8:6::/56)
match "block show: one block, 1000-1047 of its address" "^2001:db8:6::/56 $X 1000-1047 tcp,udp,icmp b1 mappings 1 age [0-9]+ active refused 0\$" "$b"
check "its port keeps the source port's class (1024-1047)" between "$p" 1024 1047
check "block allocated event" busywait 5000 has_event block-allocated 2001:db8:6::/56 1000
match "... with the address and protocols" "\"addr4\":\"$X\",\"port_min\":1000,\"port_max\":1047,\"protos\":\"tcp,udp,icmp\",\"pool\":\"b1\"" "$(grep block-allocated "$JS")"
refute "quiet: no mapping or session events" sh -c "tail -n +$((ev0 + 1)) $JS | grep -q '\"event\":\"\\(mapping\\|session\\)-'"

# Port preservation, range preservation.
pp=1030; [ "$p" = 1030 ] && pp=1031
send "[$A]:$pp" "[$A]:700"
check "two more mappings" busywait 5000 nmaps_is $A 3
check "source port $pp kept" [ "$(port4_of $A $pp)" = "$pp" ]
q=$(port4_of $A 700)
check "source port 700 got a port below 1024 ($q)" between "$q" 1000 1023

# Fill the block: 45 more; then the 49th spills into the second block.
send_ports $A 41000 41044
check "48 mappings" busywait 10000 nmaps_is $A 48
check "... all in the first block" [ "$(udp_maps $A | awk -v x=$X '$2 == x && $3 >= 1000 && $3 <= 1047' | wc -l)" -eq 48 ]
check "still one block" nblocks_is 1
send "[$A]:41100"
check "the 49th mapping" busywait 5000 nmaps_is $A 49
check "... is in a second block, same address, 1048-1095" \
	[ "$(udp_maps $A | awk -v x=$X '$1 == 41100 && $2 == x && $3 >= 1048 && $3 <= 1095' | wc -l)" -eq 1 ]
check "block allocated event for 1048" busywait 5000 has_event block-allocated 2001:db8:6::/56 1048
send_ports $A 41101 41147
check "96 mappings fill both blocks" busywait 10000 nmaps_is $A 96
c0=$(counter drop-block-max)
send "[$A]:42000"
check "past max-blocks: refused, counted" busywait 5000 counter_is drop-block-max $((c0 + 1))
check "... no mapping made" nmaps_is $A 96
match "... the subscriber's refusal in block show (by its address)" "refused 1\$" "$(blocks $A | head -n 1)"
check "pool show -j: 2 used, 1 subscriber at max, 1 refused" \
	[ "$(poolj blocks_used)/$(poolj subscribers_at_max)/$(poolj refused)" = 2/1/1 ]
# Each protocol has its own ports in a block: UDP filled both, ICMP
# (ping's identifier) still fits in the first.
x6 ping -c 1 -W 5 -I $A 64:ff9b:1::192.0.2.2 >/dev/null 2>&1
icmp=$(ctl bib show icmp | awk -v s=$A '$2 == s { print $4, $5 }')
icmp_in_first() { [ "${icmp% *}" = "$X" ] && between "${icmp#* }" 1000 1047; }
check "a ping from A after UDP filled its blocks: mapped in the first ($icmp)" icmp_in_first

# Another subscriber: its own block, on its own address or the next.
send "[$B]:40000"
check "subscriber B mapped" busywait 5000 nmaps_is $B 1
read -r _ Y pb <<< "$(udp_maps $B)"
match "B's block" "^2001:db8:6:100::/56 $Y 1000-1047 " "$(blocks 2001:db8:6:100::/56)"
check "... its port in it, of its class ($pb)" between "$pb" 1024 1047
check "B is not on A's full address" [ "$Y" != "$X" ]
check "JSON: 3 blocks" [ "$(ctl -j block show | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ]
check "filter by prefix: A's two" [ "$(blocks 2001:db8:6::/56 | grep -c .)" = 2 ]

# A commit that keeps the pool keeps the blocks.
before=$(blocks | sed 's/ age [0-9]* / /')
check "an unrelated commit" ctl deny add 203.0.113.0/24
check "... keeps the blocks and their mappings" [ "$(blocks | sed 's/ age [0-9]* / /')" = "$before" ]
check "... and the mappings" nmaps_is $A 96

# One that changes the pool's subscribers drops them, each released.
ctl set subscriber-prefix 60 || fail "subscriber-prefix 60"
check "a commit changing the subscribers releases the blocks" busywait 5000 nblocks_is 0
check "... and removes their mappings" nmaps_is $A 0
check "... 3 released events" busywait 5000 sh -c "[ \$(grep -c '\"event\":\"block-released\"' $JS) -eq 3 ]"
check "... pool show: none used, nobody at max" [ "$(poolj blocks_used)/$(poolj subscribers_at_max)" = 0/0 ]
check "... subscriber records freed" busywait 5000 slab_le nat64_subscriber "$subs0"

# block-timeout, interim, expiry, memory: a /27 (64 blocks).
ctl flush || fail "flush"
ctl set subscriber-prefix 56 timeout udp 40 below-rfc || fail "settings"
check "pool with block-timeout 3, interim 10" \
	ctl pool add b2 198.51.100.32/27 ports $LO-$HI alloc block $SIZE block-timeout 3 interim 10
ctl rule add r1 prefix 64:ff9b:1::/96 pool b2 || fail "rule"
send "[$A]:40000"
check "a block for A" busywait 5000 nblocks_is 1
match "... active" " active refused 0\$" "$(blocks)"
check "... its mapping event (the pool is not quiet)" busywait 5000 grep -q '"event":"mapping-created".*"addr6":"2001:db8:6::2","port6":40000' "$JS"
check "after its block-timeout the block is closed" busywait 6000 sh -c "ip netns exec $XL $NAT64CTL block show | grep -q ' closed '"
send "[$A]:40001"
check "a new mapping opens a second block" busywait 5000 nblocks_is 2
check "... the first one keeps its mapping" [ "$(blocks | grep -c ' mappings 1 ')" -eq 2 ]
check "interim events for both blocks" busywait 15000 sh -c "[ \$(grep -c '\"event\":\"block-interim\"' $JS) -ge 2 ]"

# Memory: 62 more subscribers with a mapping each.
r0=$(grep -c '"event":"block-released"' "$JS")
# (A loop: the guest has no /dev/fd for a process substitution.)
many=()
for i in $(seq 16 77); do many+=("$(printf '[2001:db8:6:%x00::2]:40000' "$i")"); done
send "${many[@]}"
check "62 more subscribers, a block each" busywait 10000 nblocks_is 64
v=$(poolj blocks_used)
check "the pool is full: 64 of 64 ($v)" [ "$v" = 64 ]
[ "$v" = 64 ] || note "$(ctl pool show) $(ctl stats | grep -i 'port\|block')"
c0=$(counter 6to4-no-port)
send "[2001:db8:6:4e00::2]:40000"
check "one more subscriber: no block left, refused" busywait 5000 counter_is 6to4-no-port $((c0 + 1))
check "one subscriber each in block show" [ "$(blocks | awk '{ print $1 }' | sort -u | wc -l)" -eq 63 ]
objsize=$(awk '$1 == "nat64_subscriber" { print $4 }' /proc/slabinfo)
per=$((objsize + $(poolj bytes_per_block)))
note "memory per subscriber with one block of $SIZE ports: $per bytes ($objsize subscriber + $(poolj bytes_per_block) block)"
check "memory per subscriber <= 256 bytes" [ "$per" -le 256 ]

# Expiry: once the UDP timeout has passed, every block is released.
check "blocks released when their mappings expire" busywait 60000 nblocks_is 0
check "... with an event each" busywait 5000 sh -c "[ \$(grep -c '\"event\":\"block-released\"' $JS) -ge $((r0 + 64)) ]"
note "released events: $r0 before, $(grep -c '"event":"block-released"' "$JS") after; $(ctl stats | grep -i 'block')"
check "... and their subscriber records" busywait 5000 slab_le nat64_subscriber "$subs0"
check "... pool show: none used" [ "$(poolj blocks_used)" = 0 ]

# Oldest first once a full block has room again: a mapping of the first
# block expires while the others are kept alive, and the next mapping
# takes a port of the first block, not of the second, which has room.
ctl flush || fail "flush"
ctl set subscriber-prefix 56 timeout udp 8 below-rfc || fail "settings"
ctl pool add b3 $POOL4/30 ports $LO-$HI alloc block $SIZE max-blocks 2 ||
	fail "pool b3"
ctl rule add r1 prefix 64:ff9b:1::/96 pool b3 || fail "rule"
send_ports $A 43000 43047
check "48 mappings fill a block" busywait 10000 nmaps_is $A 48
send "[$A]:43100"
check "... the 49th opens a second" busywait 5000 nblocks_is 2
keep=()
for i in $(seq 43001 43047) 43100; do keep+=("[$A]:$i"); done
# refresh_until_gone: keep the others alive until 43000's mapping expires.
refresh_until_gone() { send "${keep[@]}"; [ -z "$(port4_of "$A" 43000)" ]; }
check "one mapping of the first block expires, the others kept" \
	busywait 40000 refresh_until_gone
check "... both blocks still held" nblocks_is 2
send "[$A]:43200"
in_first() { udp_maps "$A" | awk '$1 == 43200 && $3 >= 1000 && $3 <= 1047' | grep -q .; }
check "the next mapping takes the first block's free port" busywait 5000 in_first
note "43200 mapped to $(udp_maps "$A" | awk '$1 == 43200 { print $2, $3 }')"

stop_monitor
finish
