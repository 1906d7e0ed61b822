#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""RFC 7915 on the wire: packets crafted with scapy are sent from one
namespace's veth and captured, byte by byte, on the other side.

One process does it all (scapy is slow to start under emulation): it opens
an AF_PACKET socket inside each namespace (setns), then runs the cases.

Usage: wire.py V6NS V4NS XLATNS NAT64CTL [CASE...]
Output: TAP lines; exit 0 if every case passed.

Topology (made by the calling script, MAC addresses fixed):
  V6NS dev v6 02:00:00:00:06:02 2001:db8:6::2  <->  XLATNS x6 02:00:00:00:06:01
  V4NS dev v4 02:00:00:00:04:02 192.0.2.2      <->  XLATNS x4 02:00:00:00:04:01
  pool p1 198.51.100.1 ports 2000-2999, rule r1 64:ff9b:1::/96
"""
import select
import socket
import subprocess
import sys
import time

from checks import Fail, check, csum_fold, l4_ok, same
from nsutil import packet_socket
from scapy.all import (Ether, IP, IPv6, UDP, TCP, ICMP, Raw, raw,
                       ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6DestUnreach,
                       ICMPv6PacketTooBig, ICMPv6TimeExceeded,
                       ICMPv6ParamProblem, ICMPv6ND_NS, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
                       IPv6ExtHdrFragment, IPOption, IPerror, UDPerror,
                       IPerror6, fragment6, fragment, in6_chksum)

V6NS, V4NS, XNS, CTL = sys.argv[1:5]
ONLY = set(sys.argv[5:])
M6, MX6 = "02:00:00:00:06:02", "02:00:00:00:06:01"
M4, MX4 = "02:00:00:00:04:02", "02:00:00:00:04:01"
H6, H4, POOL = "2001:db8:6::2", "192.0.2.2", "198.51.100.1"
SRV6 = "64:ff9b:1::192.0.2.2"


S6 = packet_socket(V6NS, "v6")
S4 = packet_socket(V4NS, "v4")


def drain():
    for s in (S6, S4):
        while select.select([s], [], [], 0)[0]:
            s.recv(65535)


def send6(pkt):
    S6.send(raw(Ether(src=M6, dst=MX6) / pkt))


def send4(pkt):
    S4.send(raw(Ether(src=M4, dst=MX4) / pkt))


def capture(sock, want, timeout=3.0):
    """Frames from @sock for which @want(frame) holds, until @timeout."""
    got, end = [], time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return got
        data, addr = sock.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        f = Ether(data)
        if want(f):
            got.append(f)


def recv4(want=lambda p: True, timeout=3.0, n=1):
    """IPv4 packets arriving at the IPv4 host."""
    r = []
    end = time.time() + timeout
    while len(r) < n and time.time() < end:
        r += [f[IP] for f in capture(S4, lambda f: IP in f and want(f[IP]),
                                     min(0.5, end - time.time()))]
    return r


def recv6(want=lambda p: True, timeout=3.0, n=1):
    r = []
    end = time.time() + timeout
    while len(r) < n and time.time() < end:
        r += [f[IPv6] for f in capture(S6, lambda f: IPv6 in f and
                                       want(f[IPv6]),
                                       min(0.5, end - time.time()))]
    return r


def ctl(*args):
    return subprocess.run([CTL, "-n", XNS] + list(args),
                          check=True, capture_output=True, text=True).stdout


def counter(name):
    for line in ctl("stats").splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == name:
            return int(f[1])
    raise KeyError(name)


PAYLOAD = b"nat64 on the wire " * 3
cases = []


def case(fn):
    cases.append(fn)
    return fn


def udp_out(sport=40000, dport=9, size=0, **kw):
    """Send IPv6 UDP to the IPv4 server; return the IPv4 packet."""
    drain()
    send6(IPv6(src=H6, dst=SRV6, **kw) / UDP(sport=sport, dport=dport) /
          Raw(PAYLOAD + b"p" * size))
    r = recv4(lambda p: UDP in p and p[UDP].dport == dport)
    check(r, "no IPv4 packet came out")
    return r[0]


@case
def udp_6to4_fields():
    p = udp_out(tc=0xb8, hlim=30)
    check(p.src == POOL, "source %s" % p.src)
    check(2000 <= p[UDP].sport <= 2999, "port %d" % p[UDP].sport)
    check(p.ttl == 29, "ttl %d" % p.ttl)
    check(p.tos == 0xb8, "tos %#x" % p.tos)
    check(p.flags == 0 and p.frag == 0, "flags %s" % p.flags)
    check(p.ihl == 5, "options")
    check(bytes(p[UDP].payload) == PAYLOAD, "payload")
    check(l4_ok(p), "udp checksum")
    check(IP(raw(p)).chksum == p.chksum, "ip checksum")


@case
def df_over_1260():
    p = udp_out(size=1300)
    check(p.flags.DF, "DF not set on %d bytes" % p.len)
    p = udp_out(size=1260 - 28 - len(PAYLOAD))
    check(p.len == 1260 and not p.flags.DF, "DF on 1260 bytes")


@case
def clear_df():
    ctl("set", "clear-df", "on")
    try:
        p = udp_out(size=1300)
        check(not p.flags.DF, "DF set with clear-df on")
    finally:
        ctl("set", "clear-df", "off")
    p = udp_out(size=1300)
    check(p.flags.DF, "DF not back with clear-df off")


@case
def reset_tos():
    ctl("set", "reset-tos", "on")
    try:
        p = udp_out(tc=0xb8)
        check(p.tos == 0, "tos %#x with reset-tos on" % p.tos)
    finally:
        ctl("set", "reset-tos", "off")


@case
def hop_limit_exceeded():
    drain()
    before = counter("drop-hoplimit")
    send6(IPv6(src=H6, dst=SRV6, hlim=1) / UDP(sport=40000, dport=9))
    r = recv6(lambda p: ICMPv6TimeExceeded in p)
    check(r, "no time exceeded")
    check(r[0].src == "2001:db8:6::1", "from %s" % r[0].src)
    check(not recv4(lambda p: UDP in p, timeout=0.5), "translated anyway")
    check(counter("drop-hoplimit") == before + 1, "not counted")


@case
def routing_header_segments_left():
    drain()
    send6(IPv6(src=H6, dst=SRV6) /
          IPv6ExtHdrRouting(addresses=["2001:db8::9"], segleft=1) /
          UDP(sport=40000, dport=9))
    r = recv6(lambda p: ICMPv6ParamProblem in p)
    check(r, "no parameter problem")
    pp = r[0][ICMPv6ParamProblem]
    check(pp.code == 0 and pp.ptr == 43, "code %d ptr %d" % (pp.code, pp.ptr))


@case
def extension_headers_walked():
    p = None
    drain()
    send6(IPv6(src=H6, dst=SRV6) / IPv6ExtHdrHopByHop() /
          IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting(segleft=0) /
          UDP(sport=40001, dport=9) / Raw(PAYLOAD))
    r = recv4(lambda p: UDP in p and p[UDP].dport == 9)
    check(r, "not translated")
    p = r[0]
    check(p.proto == 17 and p.ihl == 5, "proto %d" % p.proto)
    check(bytes(p[UDP].payload) == PAYLOAD and l4_ok(p), "payload/csum")


@case
def long_chain_dropped():
    before = counter("drop-unsupported")
    chain = IPv6ExtHdrHopByHop()
    for _ in range(12):
        chain = chain / IPv6ExtHdrDestOpt()
    drain()
    send6(IPv6(src=H6, dst=SRV6) / chain / UDP(sport=40000, dport=9))
    check(not recv4(lambda p: UDP in p, timeout=1), "translated")
    check(counter("drop-unsupported") == before + 1, "not counted")


@case
def unknown_protocol_dropped():
    before = counter("drop-unsupported")
    drain()
    send6(IPv6(src=H6, dst=SRV6, nh=47) / Raw(b"\0" * 20))
    check(not recv4(timeout=1, want=lambda p: p.proto == 47), "translated")
    check(counter("drop-unsupported") == before + 1, "not counted")


@case
def unknown_protocol_4to6_dropped():
    mapping_port(40014)
    before = counter("drop-unsupported")
    drain()
    send4(IP(src=H4, dst=POOL, proto=47) / Raw(b"\0" * 20))
    check(not recv6(timeout=1, want=lambda p: p.nh == 47), "translated")
    check(counter("drop-unsupported") == before + 1, "not counted")


@case
def source_in_prefix_dropped():
    before = counter("drop-src-in-prefix")
    drain()
    send6(IPv6(src="64:ff9b:1::198.51.100.7", dst=SRV6) /
          UDP(sport=40000, dport=9))
    check(not recv4(timeout=1, want=lambda p: UDP in p), "translated")
    check(counter("drop-src-in-prefix") == before + 1, "not counted")


@case
def icmp_echo():
    drain()
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6EchoRequest(id=4321, seq=7) /
          Raw(PAYLOAD))
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 8)
    check(r, "no echo request")
    i = r[0][ICMP]
    check(2000 <= i.id <= 2999 and i.seq == 7, "id %d" % i.id)
    check(bytes(i.payload) == PAYLOAD, "payload")
    check(l4_ok(r[0]), "icmp checksum")
    # And the reply goes back with the original identifier.
    drain()
    send4(IP(src=H4, dst=POOL) / ICMP(type=0, id=i.id, seq=7) /
          Raw(PAYLOAD))
    r = recv6(lambda p: ICMPv6EchoReply in p)
    check(r, "no echo reply")
    e = r[0][ICMPv6EchoReply]
    check(e.id == 4321 and e.seq == 7 and same(r[0].src, SRV6),
          "reply %s id %d" % (r[0].src, e.id))
    check(l4_ok(r[0]), "icmpv6 checksum")


@case
def icmp_untranslatable_dropped():
    before = counter("drop-icmp-type")
    drain()
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6ND_NS(tgt=SRV6))
    check(not recv4(timeout=1, want=lambda p: ICMP in p), "translated")
    check(counter("drop-icmp-type") == before + 1, "not counted")


@case
def bad_checksum_stays_bad():
    drain()
    good = IPv6(raw(IPv6(src=H6, dst=SRV6) / UDP(sport=40002, dport=9) /
                    Raw(PAYLOAD)))
    bad = good.copy()
    bad[UDP].chksum = (good[UDP].chksum + 0x10) & 0xffff
    send6(bad)
    r = recv4(lambda p: UDP in p and p[UDP].dport == 9)
    check(r, "not translated")
    check(not l4_ok(r[0]), "bad checksum became good")


@case
def atomic_fragment():
    drain()
    send6(IPv6(src=H6, dst=SRV6) / IPv6ExtHdrFragment(id=0xabcd1234) /
          UDP(sport=40003, dport=9) / Raw(PAYLOAD))
    r = recv4(lambda p: UDP in p and p[UDP].dport == 9)
    check(r, "not translated")
    p = r[0]
    # The reassembly in front of the translator takes the fragment
    # header (and its identification) off; what stays is that a packet
    # which came as a fragment leaves without DF (RFC 7915 §4.1).
    check(not p.flags.DF and not p.flags.MF and p.frag == 0,
          "flags %s" % p.flags)


@case
def fragments_6to4():
    drain()
    big = IPv6(src=H6, dst=SRV6) / IPv6ExtHdrFragment(id=77) / \
        UDP(sport=40004, dport=9) / Raw(b"f" * 2000)
    for f in fragment6(big, 1000):
        send6(f)
    r = recv4(lambda p: p.src == POOL and (p.flags.MF or p.frag), n=3)
    check(len(r) >= 2, "%d IPv4 fragments" % len(r))
    data = b"".join(bytes(p.payload) for p in sorted(r, key=lambda p: p.frag))
    check(data[8:] == b"f" * 2000, "reassembled payload")


def mapping_port(sport=40010):
    """Make a UDP mapping; return the IPv4 port it got."""
    p = udp_out(sport=sport, dport=7)
    return p[UDP].sport


@case
def udp_4to6_fields():
    port = mapping_port()
    drain()
    send4(IP(src=H4, dst=POOL, tos=0x28, ttl=20) / UDP(sport=7, dport=port)
          / Raw(PAYLOAD))
    r = recv6(lambda p: UDP in p and p[UDP].sport == 7)
    check(r, "not translated")
    p = r[0]
    check(same(p.src, SRV6) and same(p.dst, H6), "%s -> %s" % (p.src, p.dst))
    check(p[UDP].dport == 40010, "port %d" % p[UDP].dport)
    check(p.hlim == 19 and p.tc == 0x28 and p.fl == 0, "hlim/tc/fl")
    check(IPv6ExtHdrFragment not in p, "fragment header")
    check(bytes(p[UDP].payload) == PAYLOAD and l4_ok(p), "payload/csum")


@case
def udp_zero_checksum_4to6():
    port = mapping_port()
    drain()
    pkt = IP(raw(IP(src=H4, dst=POOL) / UDP(sport=7, dport=port) /
                 Raw(PAYLOAD)))
    pkt[UDP].chksum = 0
    send4(pkt)
    r = recv6(lambda p: UDP in p and p[UDP].sport == 7)
    check(r, "not translated")
    check(r[0][UDP].chksum != 0 and l4_ok(r[0]), "checksum not computed")


@case
def df_clear_fragmented_to_lowest_mtu():
    port = mapping_port()
    drain()
    send4(IP(src=H4, dst=POOL, flags=0) / UDP(sport=7, dport=port) /
          Raw(b"g" * 1400))
    r = recv6(lambda p: IPv6ExtHdrFragment in p, n=2)
    check(len(r) >= 2, "%d IPv6 fragments" % len(r))
    check(all(len(raw(p)) <= 1280 for p in r), "fragment over 1280")
    ctl("set", "lowest-ipv6-mtu", "1400")
    try:
        drain()
        send4(IP(src=H4, dst=POOL, flags=0) / UDP(sport=7, dport=port) /
              Raw(b"g" * 1340))
        r = recv6(lambda p: IPv6 in p and UDP in p or
                  IPv6ExtHdrFragment in p)
        check(r and IPv6ExtHdrFragment not in r[0],
              "fragmented under lowest-ipv6-mtu 1400")
    finally:
        ctl("set", "lowest-ipv6-mtu", "1280")


@case
def small_df_clear_no_fragment_header():
    port = mapping_port()
    drain()
    send4(IP(src=H4, dst=POOL, flags=0) / UDP(sport=7, dport=port) /
          Raw(b"s" * 100))
    r = recv6(lambda p: UDP in p or IPv6ExtHdrFragment in p)
    check(r and IPv6ExtHdrFragment not in r[0], "atomic fragment made")


@case
def df_too_big_frag_needed():
    port = mapping_port()
    drain()
    send4(IP(src=H4, dst=POOL, flags="DF") / UDP(sport=7, dport=port) /
          Raw(b"b" * 1500))
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 3)
    check(r, "no fragmentation needed")
    i = r[0][ICMP]
    check(i.code == 4 and i.nexthopmtu == 1480,
          "code %d mtu %d" % (i.code, i.nexthopmtu))


@case
def ttl_exceeded_4to6():
    port = mapping_port()
    drain()
    send4(IP(src=H4, dst=POOL, ttl=1) / UDP(sport=7, dport=port))
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 11)
    check(r, "no time exceeded")


@case
def source_route():
    port = mapping_port()
    drain()
    lsrr = IPOption(b"\x83\x07\x04\xc0\x00\x02\x09\x00")
    send4(IP(src=H4, dst=POOL, options=[lsrr]) / UDP(sport=7, dport=port))
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 3)
    check(r and r[0][ICMP].code == 5, "no source route failed")
    check(not recv6(lambda p: UDP in p, timeout=0.5), "translated")
    # An expired route (pointer past the end) is just ignored.
    drain()
    done = IPOption(b"\x83\x07\x08\xc0\x00\x02\x09\x00")
    send4(IP(src=H4, dst=POOL, options=[done]) / UDP(sport=7, dport=port) /
          Raw(PAYLOAD))
    r = recv6(lambda p: UDP in p and p[UDP].sport == 7)
    check(r and bytes(r[0][UDP].payload) == PAYLOAD, "not translated")


@case
def ipv4_options_ignored():
    port = mapping_port(40011)
    drain()
    rr = IPOption(b"\x07\x07\x04\x00\x00\x00\x00\x01")  # record route
    send4(IP(src=H4, dst=POOL, options=[rr]) / UDP(sport=7, dport=port) /
          Raw(PAYLOAD))
    r = recv6(lambda p: UDP in p and p[UDP].sport == 7)
    check(r, "not translated")
    check(r[0].nh == 17 and bytes(r[0][UDP].payload) == PAYLOAD and
          l4_ok(r[0]), "options leaked into the packet")


@case
def fragments_4to6():
    port = mapping_port(40012)
    drain()
    big = IP(src=H4, dst=POOL, id=4242) / UDP(sport=7, dport=port) / \
        Raw(b"h" * 1000)
    for f in fragment(big, 400):
        send4(f)
    r = recv6(lambda p: UDP in p and p[UDP].sport == 7)
    check(r, "not translated")
    check(bytes(r[0][UDP].payload) == b"h" * 1000 and l4_ok(r[0]),
          "reassembled payload or checksum")
    check(IPv6ExtHdrFragment not in r[0], "fragment header under 1280")


@case
def icmp6_paramprob_pointer():
    port = mapping_port(40013)
    drain()
    quoted = IPv6(src=SRV6, dst=H6) / UDP(sport=7, dport=40013)
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6ParamProblem(code=0, ptr=7) /
          quoted)
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 12)
    check(r, "not translated")
    check(r[0][ICMP].code == 0 and r[0][ICMP].ptr == 8,
          "pointer %d" % r[0][ICMP].ptr)
    check(r[0][UDPerror].dport == port, "inner port")


@case
def icmp4_error_to_icmp6():
    port = mapping_port(40020)
    drain()
    quoted = IP(src=POOL, dst=H4) / UDP(sport=port, dport=7) / Raw(PAYLOAD)
    send4(IP(src="192.0.2.9", dst=POOL) / ICMP(type=3, code=3) / quoted)
    r = recv6(lambda p: ICMPv6DestUnreach in p)
    check(r, "not translated")
    p = r[0]
    check(same(p.src, "64:ff9b:1::192.0.2.9") and same(p.dst, H6),
          "outer %s -> %s" % (p.src, p.dst))
    check(p[ICMPv6DestUnreach].code == 4, "code")
    inner = p[IPerror6]
    check(same(inner.src, H6) and same(inner.dst, SRV6), "inner addresses")
    check(inner[UDPerror].sport == 40020 and inner[UDPerror].dport == 7,
          "inner ports")
    check(l4_ok(p), "icmpv6 checksum")


@case
def icmp4_frag_needed_mtu0_plateau():
    port = mapping_port(40021)
    drain()
    quoted = IP(src=POOL, dst=H4, flags="DF", len=1500) / \
        UDP(sport=port, dport=7)
    send4(IP(src="192.0.2.9", dst=POOL) / ICMP(type=3, code=4, nexthopmtu=0)
          / raw(quoted)[:548])
    r = recv6(lambda p: ICMPv6PacketTooBig in p)
    check(r, "not translated")
    check(r[0][ICMPv6PacketTooBig].mtu == 1500,
          "mtu %d" % r[0][ICMPv6PacketTooBig].mtu)


@case
def icmp6_error_to_icmp4():
    port = mapping_port(40022)
    drain()
    quoted = IPv6(src=SRV6, dst=H6) / UDP(sport=7, dport=40022) / \
        Raw(PAYLOAD)
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6DestUnreach(code=4) / quoted)
    r = recv4(lambda p: ICMP in p and p[ICMP].type == 3)
    check(r, "not translated")
    p = r[0]
    check(p[ICMP].code == 3 and p.src == POOL and p.dst == H4, "outer")
    check(p[IPerror].src == H4 and p[IPerror].dst == POOL, "inner addrs")
    check(p[UDPerror].sport == 7 and p[UDPerror].dport == port, "ports")


@case
def malformed_dropped_and_counted():
    before = counter("drop-bad-inner")
    drain()
    # ICMP errors with an empty, a truncated and a nested inner packet.
    send4(IP(src="192.0.2.9", dst=POOL) / ICMP(type=3, code=3))
    send4(IP(src="192.0.2.9", dst=POOL) / ICMP(type=3, code=3) /
          raw(IP(src=POOL, dst=H4) / UDP())[:24])
    send4(IP(src="192.0.2.9", dst=POOL) / ICMP(type=3, code=3) /
          IP(src=POOL, dst=H4) / ICMP(type=3, code=3) /
          IP(src=POOL, dst=H4) / UDP())
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6DestUnreach())
    send6(IPv6(src=H6, dst=SRV6) / ICMPv6DestUnreach() /
          raw(IPv6(src=SRV6, dst=H6) / UDP())[:30])
    # Truncated transport headers, a lying UDP length, TCP offset < 5.
    send6(IPv6(src=H6, dst=SRV6, nh=6) / Raw(b"\0" * 10))
    send6(IPv6(raw(IPv6(src=H6, dst=SRV6) / UDP(len=200) / Raw(b"x"))))
    send4(IP(src=H4, dst=POOL) / TCP(dataofs=2, dport=2000))
    check(not recv6(timeout=1, want=lambda p: p.src.startswith("64:ff9b")),
          "something was translated")
    check(counter("drop-bad-inner") >= before + 4, "inner drops not counted")


for c in cases:
    if ONLY and c.__name__ not in ONLY:
        continue
    n = cases.index(c) + 1
    try:
        c()
        print("ok %d %s" % (n, c.__name__), flush=True)
    except Fail as e:
        print("not ok %d %s # %s" % (n, c.__name__, e), flush=True)
        failed = True
    except Exception as e:  # a test bug is a failure too
        print("not ok %d %s # %s: %s" % (n, c.__name__, type(e).__name__, e),
              flush=True)
        failed = True
sys.exit(1 if "failed" in globals() else 0)
