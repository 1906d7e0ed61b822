#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path (nat64ctl fastpath add DEV) through the standard topology:
# - listed, shown (text and JSON), kept in `show`; refused in target mode;
# - a TCP transfer and a UDP echo flow: the established packets take the
#   fast path both ways (fastpath-packets), the SYN and FIN do not
#   (fastpath-miss-tcp), the data arrives intact;
# - under a running UDP echo flow: the IPv4 route moves to another link
#   (packets follow it: fastpath-miss-route, then the fast path again),
#   the IPv4 host's MAC address changes (the neighbour is updated; the
#   flow goes on), the IPv4 link's MTU drops under the flow's packets
#   (they are answered with Packet Too Big by the full path:
#   fastpath-miss-mtu, drop-too-big);
# - the interface deleted and made again: the hook goes and comes back;
#   fastpath del, and the namespace's teardown with the fast path on.
. "$(dirname "$0")/lib.sh"

require_cmd socat md5sum
nat64_load
kmsg_mark fastpath
topo_up || { fail "topology"; finish; }
fastpath_off	# NAT64_FASTPATH=1's: this test lists them itself

check "fastpath add x6, x4" sh -c "$NAT64CTL -n $XL fastpath add x6 &&
	$NAT64CTL -n $XL fastpath add x4"
fp=$(ctl fastpath show)
note "$fp"
check "fastpath show: both, present" [ "$fp" = "$(printf 'x6\nx4')" ]
match "fastpath show -j" '^\[\{"dev":"x6","ifindex":[1-9][0-9]*\},\{"dev":"x4","ifindex":[1-9][0-9]*\}\]$' \
	"$(ctl -j fastpath show | tr -d '\n')"
match "show lists them (nat64ctl -f reads it back)" '^fastpath add x4$' \
	"$(ctl show)"
refute "fastpath add x6 again: refused" ctl fastpath add x6
refute "fastpath add a/b: not an interface name" ctl fastpath add a/b
match "set mode target with the fast path: refused" 'fast path needs mode hooks' \
	"$(ctl set mode target 2>&1)"

# --- TCP: 2 MB each way ---
head -c 2000000 /dev/urandom > "$TMPD/tcp.in"
fp0=$(counter fastpath-packets)
mt0=$(counter fastpath-miss-tcp)
tr0=$(( $(counter 6to4-packets) + $(counter 4to6-packets) ))
x4 socat -T 60 TCP4-LISTEN:8080,reuseaddr SYSTEM:cat 2>/dev/null &
listening "$V4" tcp 8080
x6 timeout 120 socat -T 60 -t 60 'TCP6:[64:ff9b:1::192.0.2.2]:8080' - \
	< "$TMPD/tcp.in" > "$TMPD/tcp.out"
check "tcp: 2 MB echoed intact" \
	[ "$(md5sum < "$TMPD/tcp.in")" = "$(md5sum < "$TMPD/tcp.out")" ]
fp1=$(counter fastpath-packets)
tr1=$(( $(counter 6to4-packets) + $(counter 4to6-packets) ))
note "translated +$((tr1 - tr0)), fastpath-packets +$((fp1 - fp0)), fastpath-miss-tcp +$(( $(counter fastpath-miss-tcp) - mt0 ))"
# (TSO makes the data a few large packets: most, not all, are fast.)
check "tcp: most packets took the fast path" \
	[ $((fp1 - fp0 >= 20 && (fp1 - fp0) * 2 >= tr1 - tr0)) = 1 ]
check "tcp: SYN and FIN did not (fastpath-miss-tcp)" \
	[ "$(counter fastpath-miss-tcp)" -gt "$mt0" ]

# --- a UDP echo flow, 100 datagrams a second, counted at the v6 host ---
udp_echo_server "$V4" 9000
x6 "$PY" -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, 23, 2)	# IPV6_MTU_DISCOVER: DO
s.connect(("64:ff9b:1::c000:202", 9000))
s.setblocking(False)
sent = got = 0
out = sys.argv[1]
while True:
    if os.path.exists(out + ".big"):	# one large packet, asked for
        os.unlink(out + ".big")
        try:
            s.send(b"y" * 1352)
        except OSError:
            pass
    try:	# the Packet Too Big the large one got comes back as an error
        s.send(b"x" * 64)
    except OSError:
        pass
    sent += 1
    t = time.monotonic() + 0.01
    while time.monotonic() < t:
        try:
            s.recv(2048)
            got += 1
        except BlockingIOError:
            time.sleep(0.002)
        except OSError:
            pass
    if sent % 10 == 0:
        with open(out + ".tmp", "w") as f:
            f.write("%d %d\n" % (sent, got))
        os.replace(out + ".tmp", out)
' "$TMPD/flow" &
flow=$!
cleanup_hooks+=(stop_flow)
stop_flow() { kill "$flow" 2>/dev/null; }
got() { local s g; [ -e "$TMPD/flow" ] && read -r s g < "$TMPD/flow"; echo "${g:-0}"; }
# more_echoes N: N more echoes come back than now (60 s at most).
more_echoes() {
	local want=$(( $(got) + $1 ))
	busywait 60000 sh -c "g=\$(cut -d' ' -f2 $TMPD/flow 2>/dev/null)
		[ \"\${g:-0}\" -ge $want ]"
}
check "udp: echoes come back" more_echoes 50
fp0=$(counter fastpath-packets)
check "udp: on the fast path" busywait 30000 counter_ge fastpath-packets $((fp0 + 50))

# --- the route moves to a second link ---
ip link add v4b netns "$V4" type veth peer name x4b netns "$XL"
ip -n "$XL" addr add 192.0.2.129/32 dev x4b
ip -n "$V4" addr add 192.0.2.130/32 dev v4b
ip -n "$XL" link set x4b up
ip -n "$V4" link set v4b up
ip netns exec "$V4" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.v4b.rp_filter=0
ip -n "$V4" route add 192.0.2.129/32 dev v4b
ip -n "$XL" route add 192.0.2.130/32 dev x4b
busywait 5000 sh -c "ip -n $V4 -br link show v4b | grep -qw UP"
rx_b() { ip -n "$V4" -s -j link show v4b | "$PY" -c \
	'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
rx0=$(rx_b)
mr0=$(counter fastpath-miss-route)
ip -n "$XL" route replace 192.0.2.2/32 via 192.0.2.130 dev x4b onlink
check "route change: echoes go on" more_echoes 50
check "route change: packets arrive on the new link" [ "$(rx_b)" -ge $((rx0 + 40)) ]
check "route change: the cached route was found stale (fastpath-miss-route)" \
	[ "$(counter fastpath-miss-route)" -gt "$mr0" ]
fp0=$(counter fastpath-packets)
check "route change: the fast path again" more_echoes 30
check "route change: ... counted (fastpath-packets +$(( $(counter fastpath-packets) - fp0 )))" \
	[ "$(counter fastpath-packets)" -ge $((fp0 + 30)) ]

# --- the IPv4 host's MAC address changes (on the link in use) ---
ip -n "$V4" link set v4b address 02:00:00:00:44:44
ip -n "$XL" neigh replace 192.0.2.130 lladdr 02:00:00:00:44:44 dev x4b \
	nud reachable
rx0=$(rx_b)
check "neighbour change: echoes go on" more_echoes 50
check "neighbour change: frames reach the new address" \
	[ "$(rx_b)" -ge $((rx0 + 40)) ]

# --- the link's MTU drops below what the flow's large packets need ---
ip -n "$XL" link set x4b mtu 1300
ip -n "$V4" link set v4b mtu 1300
# The MTU change made the cache stale: the flow caches the route again.
fp0=$(counter fastpath-packets)
check "mtu change: the fast path again" busywait 30000 counter_ge fastpath-packets $((fp0 + 20))
mm0=$(counter fastpath-miss-mtu)
tb0=$(counter drop-too-big)
# The flow sends a 1400-byte IPv6 packet: a 1380-byte IPv4 one with DF.
touch "$TMPD/flow.big"
check "mtu change: a large packet is left to the full path (fastpath-miss-mtu)" \
	busywait 10000 counter_ge fastpath-miss-mtu $((mm0 + 1))
check "mtu change: ... which answers Packet Too Big (drop-too-big)" \
	busywait 10000 counter_ge drop-too-big $((tb0 + 1))
check "mtu change: small ones go on" more_echoes 30

# --- the interface goes and comes back ---
stop_flow
ip -n "$XL" link del x4b
fp=$(ctl fastpath show)
check "x4b deleted: x6, x4 still listed, present" [ "$fp" = "$(printf 'x6\nx4')" ]
ip -n "$XL" link del x4
check "x4 deleted: listed, absent" \
	[ "$(ctl fastpath show)" = "$(printf 'x6\nx4 (absent)')" ]
ip link add v4 netns "$V4" type veth peer name x4 netns "$XL"
match "x4 made again: present" '"dev":"x4","ifindex":[1-9]' \
	"$(ctl -j fastpath show | tr -d '\n')"
check "fastpath del x4" ctl fastpath del x4
check "fastpath show: x6" [ "$(ctl fastpath show)" = x6 ]
refute "fastpath del x4 again: refused" ctl fastpath del x4

check_kernel_log fastpath
finish
