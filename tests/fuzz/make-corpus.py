#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of the fuzz targets (run once; the output is
committed). Each seed is a packet the translator should handle, or one of
the classic ways to get a packet wrong."""
import os
import struct
from scapy.all import (IP, IPv6, TCP, UDP, ICMP, ICMPv6EchoRequest,
                       ICMPv6EchoReply, ICMPv6DestUnreach, ICMPv6PacketTooBig,
                       ICMPv6TimeExceeded, ICMPv6ParamProblem, ICMPv6ND_NS,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, IPv6ExtHdrFragment, IPOption, Raw,
                       raw)

here = os.path.dirname(os.path.abspath(__file__))
V6, WKP = "2001:db8:6::2", "64:ff9b::192.0.2.2"


def save(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def cap(n):
    return struct.pack("!H", n)


pay = Raw(b"x" * 40)
six = {
    "udp": IPv6(src=V6, dst=WKP) / UDP(sport=40000, dport=53) / pay,
    "tcp": IPv6(src=V6, dst=WKP) / TCP(sport=40000, dport=80, flags="S"),
    "tcp_opts": IPv6(src=V6, dst=WKP) / TCP(sport=1, dport=2,
                                            options=[("MSS", 1440)]) / pay,
    "echo": IPv6(src=V6, dst=WKP) / ICMPv6EchoRequest(id=7, seq=1) / pay,
    "echo_reply": IPv6(src=V6, dst=WKP) / ICMPv6EchoReply(id=7) / pay,
    "ns": IPv6(src=V6, dst=WKP) / ICMPv6ND_NS(tgt=V6),
    "hbh": IPv6(src=V6, dst=WKP) / IPv6ExtHdrHopByHop() / UDP() / pay,
    "dstopt_chain": IPv6(src=V6, dst=WKP) / IPv6ExtHdrHopByHop() /
    IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting(segleft=0) /
    IPv6ExtHdrDestOpt() / UDP() / pay,
    "routing_segleft": IPv6(src=V6, dst=WKP) /
    IPv6ExtHdrRouting(addresses=["2001:db8::1"], segleft=1) / UDP() / pay,
    "atomic_frag": IPv6(src=V6, dst=WKP) / IPv6ExtHdrFragment(id=0x12345) /
    UDP() / pay,
    "frag": IPv6(src=V6, dst=WKP) / IPv6ExtHdrFragment(m=1, id=9) / UDP() /
    pay,
    "hoplimit1": IPv6(src=V6, dst=WKP, hlim=1) / UDP() / pay,
    "long_chain": IPv6(src=V6, dst=WKP) / IPv6ExtHdrHopByHop() /
    IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
    IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
    IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
    UDP() / pay,
}
inner4to6 = IPv6(src=WKP, dst=V6) / UDP(sport=53, dport=40000) / pay
six["unreach"] = IPv6(src=V6, dst=WKP) / ICMPv6DestUnreach(code=4) / \
    inner4to6
six["ptb"] = IPv6(src=V6, dst=WKP) / ICMPv6PacketTooBig(mtu=1280) / \
    IPv6(src=WKP, dst=V6) / TCP(sport=80, dport=40000) / Raw(b"y" * 1200)
six["time_exceeded"] = IPv6(src=V6, dst=WKP) / ICMPv6TimeExceeded() / \
    IPv6(src=WKP, dst=V6) / ICMPv6EchoReply(id=7) / pay
six["paramprob"] = IPv6(src=V6, dst=WKP) / ICMPv6ParamProblem(ptr=7) / \
    inner4to6
six["nested_error"] = IPv6(src=V6, dst=WKP) / ICMPv6DestUnreach() / \
    IPv6(src=WKP, dst=V6) / ICMPv6DestUnreach() / inner4to6
six["empty_error"] = IPv6(src=V6, dst=WKP) / ICMPv6DestUnreach()
for name, pkt in six.items():
    b = raw(pkt)
    save("fuzz_6to4", name, cap(576) + b)
    save("fuzz_6to4", name + "_trunc", cap(100) + b[:len(b) * 2 // 3])

P4 = "198.51.100.1"
inner6to4 = IP(src=P4, dst="192.0.2.2") / UDP(sport=2000, dport=53) / pay
four = {
    "udp": IP(src="192.0.2.2", dst=P4) / UDP(sport=53, dport=2000) / pay,
    "udp_nocsum": IP(src="192.0.2.2", dst=P4) /
    UDP(sport=53, dport=2000, chksum=0) / pay,
    "tcp": IP(src="192.0.2.2", dst=P4, flags="DF") /
    TCP(sport=80, dport=2000, flags="SA") / pay,
    "echo_reply": IP(src="192.0.2.2", dst=P4) / ICMP(type=0, id=2000) / pay,
    "timestamp": IP(src="192.0.2.2", dst=P4) / ICMP(type=13),
    "options": IP(src="192.0.2.2", dst=P4,
                  options=[IPOption(b"\x01\x01\x01\x00")]) / UDP() / pay,
    "lsrr": IP(src="192.0.2.2", dst=P4,
               options=[IPOption(b"\x83\x07\x04\xc0\x00\x02\x01\x00")]) /
    UDP() / pay,
    "lsrr_expired": IP(src="192.0.2.2", dst=P4,
                       options=[IPOption(b"\x83\x07\x08\xc0\x00\x02\x01\x00")])
    / UDP() / pay,
    "frag": IP(src="192.0.2.2", dst=P4, flags="MF") / UDP() / pay,
    "ttl1": IP(src="192.0.2.2", dst=P4, ttl=1) / UDP() / pay,
    "unreach_port": IP(src="192.0.2.2", dst=P4) / ICMP(type=3, code=3) /
    inner6to4,
    "frag_needed_0": IP(src="192.0.2.9", dst=P4) / ICMP(type=3, code=4) /
    IP(src=P4, dst="192.0.2.2", flags="DF") / TCP(sport=2000, dport=80) /
    Raw(b"z" * 1400),
    "frag_needed": IP(src="192.0.2.9", dst=P4) /
    ICMP(type=3, code=4, nexthopmtu=1000) / inner6to4,
    "time_exceeded": IP(src="192.0.2.9", dst=P4) / ICMP(type=11) /
    IP(src=P4, dst="192.0.2.2") / ICMP(type=8, id=2000) / pay,
    "paramprob": IP(src="192.0.2.9", dst=P4) / ICMP(type=12, ptr=8) /
    inner6to4,
    "proto_unreach": IP(src="192.0.2.9", dst=P4) / ICMP(type=3, code=2) /
    inner6to4,
    "redirect": IP(src="192.0.2.9", dst=P4) / ICMP(type=5) / inner6to4,
}
# RFC 4884: an extension after a 128-byte original datagram.
ext = b"\x20\x00\x00\x00" + b"\x00\x08\x01\x01" + b"abcd"
orig = raw(inner6to4).ljust(128, b"\x00")
icmp = bytes([3, 3, 0, 0, 0, 128 // 4, 0, 0]) + orig + ext
four["rfc4884"] = raw(IP(src="192.0.2.9", dst=P4, proto=1) / Raw(icmp))
for name, pkt in four.items():
    b = raw(pkt)
    save("fuzz_4to6", name, cap(1280) + b)
    save("fuzz_4to6", name + "_trunc", cap(60) + b[:len(b) * 2 // 3])

# fuzz_icmp_err: cap, type, code, rest of header, inner packet.
for name, (t, c, rest, inner) in {
        "v6_inner_udp": (1, 4, b"\0" * 4, inner4to6),
        "v6_inner_echo": (3, 0, b"\0" * 4, IPv6(src=WKP, dst=V6) /
                          ICMPv6EchoReply(id=7)),
        "v4_inner_udp": (3, 3, b"\0" * 4, inner6to4),
        "v4_ptb": (3, 4, b"\0\0\x03\xe8", inner6to4),
        "v6_ptb": (2, 0, b"\0\0\x05\x00", inner4to6),
        "v6_4884": (1, 0, bytes([0, 0, 0, 0]), inner4to6),
}.items():
    save("fuzz_icmp_err", name,
         cap(1280) + bytes([t, c]) + rest + raw(inner))
