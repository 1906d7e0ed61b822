#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Floods of new flows, as raw frames (for floods.sh).

  flood.py v6 NS SOURCES PER SECONDS [FIRST]
      from SOURCES addresses 2001:db8:6::1:FIRST.. (FIRST default 1),
      PER flows of each of UDP, TCP SYN and ICMPv6 echo per source (source
      ports / identifiers 1024..), to 64:ff9b:1::192.0.2.99 and, every other
      round, 64:ff9b:1::192.0.2.98 (port 9): new BIB entries and sessions,
      and new sessions of existing entries. Sent round after round for
      SECONDS seconds (at least one round), on the v6 host's veth.
  flood.py syn4 NS COUNT SECONDS
      TCP SYNs from 192.0.2.2 (ports 10000..) to 198.51.100.1 ports
      2000..2999 (unsolicited: no mapping), COUNT a round, for SECONDS
      seconds, on the v4 host's veth.
  flood.py collide6 NS COUNT ROUNDS
      UDP from COUNT flows of 2001:db8:6::/64 (source ports 1024..) to
      64:ff9b:1::192.0.2.99 port 9 whose address's last 32 bits, read as a
      little-endian number, XOR the port shifted by 8 are one constant:
      keys a hash that XORs the port into the address before hashing
      takes for one. ROUNDS times, in order, no frame lost (resent while
      the queue is full), on the v6 host's veth.
  flood.py mappings6 NS COUNT
      UDP from COUNT flows, 64 source ports (1024..) of each address
      2001:db8:6::2:0.., to 64:ff9b:3::192.0.2.99 port 9: COUNT new
      mappings, as fast as the v6 host's veth takes them, no frame lost
      (resent while the queue is full).
  flood.py spoof4 NS ADDR4 PORT4 COUNT
      UDP from COUNT IPv4 sources 100.64.0.0.. (port 4000) to
      ADDR4:PORT4, no frame lost, on the v4 host's veth.

Prints the number of frames sent.
"""
import socket
import struct
import sys
import time

import nsutil


def csum(data, start=0):
    if len(data) % 2:
        data += b"\0"
    t = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def l4_sum(src, dst, proto, l4):
    """Pseudo-header + L4 checksum, as a complemented 16-bit value."""
    ph = src + dst + struct.pack("!IxxxB", len(l4), proto) \
        if len(src) == 16 else src + dst + struct.pack("!xBH", proto, len(l4))
    return csum(ph + l4)


def tcp_syn(sport, dport):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02,
                       65535, 0, 0)


def frames_v6(sources, per, first):
    eth = bytes.fromhex("020000000601" "020000000602" "86dd")
    base = socket.inet_pton(socket.AF_INET6, "2001:db8:6::1:0")
    dsts = [socket.inet_pton(socket.AF_INET6, "64:ff9b:1::c000:263"),
            socket.inet_pton(socket.AF_INET6, "64:ff9b:1::c000:262")]
    rounds = []
    for dst in dsts:
        out = []
        for a in range(first, first + sources):
            src = base[:14] + struct.pack("!H", a)
            for i in range(per):
                port = 1024 + i
                for proto, l4 in (
                        (17, struct.pack("!HHHH", port, 9, 12, 0) + b"floo"),
                        (6, tcp_syn(port, 9)),
                        (58, struct.pack("!BBHHH", 128, 0, 0, port, 1) +
                         b"flood")):
                    c = l4_sum(src, dst, proto, l4)
                    off = {17: 6, 6: 16, 58: 2}[proto]
                    l4 = l4[:off] + struct.pack("!H", c or 0xffff) + \
                        l4[off + 2:]
                    ip = struct.pack("!IHBB", 0x60000000, len(l4), proto, 64)
                    out.append(eth + ip + src + dst + l4)
        rounds.append(out)
    return rounds


def frames_syn4(count):
    eth = bytes.fromhex("020000000401" "020000000402" "0800")
    src = socket.inet_aton("192.0.2.2")
    dst = socket.inet_aton("198.51.100.1")
    out = []
    for i in range(count):
        l4 = tcp_syn(10000 + i, 2000 + i % 1000)
        c = l4_sum(src, dst, 6, l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i, 0, 64, 6,
                         0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        out.append(eth + ip + l4)
    return [out]


def udp6(src, dst, sport, dport, data):
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4_sum(src, dst, 17, l4)
    l4 = l4[:6] + struct.pack("!H", c or 0xffff) + l4[8:]
    return struct.pack("!IHBB", 0x60000000, len(l4), 17, 64) + src + dst + l4


def frames_collide6(count):
    eth = bytes.fromhex("020000000601" "020000000602" "86dd")
    base = socket.inet_pton(socket.AF_INET6, "2001:db8:6::")
    dst = socket.inet_pton(socket.AF_INET6, "64:ff9b:1::c000:263")
    out = []
    for i in range(count):
        port = 1024 + i
        low = struct.pack("<I", 0x5a5a0000 ^ (port << 8))
        out.append(eth + udp6(base[:12] + low, dst, port, 9, b"hash"))
    return out


def frames_mappings6(count):
    eth = bytes.fromhex("020000000601" "020000000602" "86dd")
    base = socket.inet_pton(socket.AF_INET6, "2001:db8:6::")[:12]
    dst = socket.inet_pton(socket.AF_INET6, "64:ff9b:3::c000:263")
    return [eth + udp6(base + struct.pack("!I", 0x20000 + i // 64), dst,
                       1024 + i % 64, 9, b"map") for i in range(count)]


def frames_spoof4(addr4, port4, count):
    eth = bytes.fromhex("020000000401" "020000000402" "0800")
    dst = socket.inet_aton(addr4)
    first = struct.unpack("!I", socket.inet_aton("100.64.0.0"))[0]
    out = []
    for i in range(count):
        src = struct.pack("!I", first + i)
        l4 = struct.pack("!HHHH", 4000, port4, 12, 0) + b"spof"
        c = l4_sum(src, dst, 17, l4)
        l4 = l4[:6] + struct.pack("!H", c or 0xffff) + l4[8:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i & 0xffff,
                         0, 64, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        out.append(eth + ip + l4)
    return out


def send_all(ns, dev, proto, frames, rounds):
    """Every frame, in order: resent while the queue is full."""
    s = nsutil.packet_socket(ns, dev, proto)
    sent = 0
    for _ in range(rounds):
        for f in frames:
            while True:
                try:
                    s.send(f)
                    break
                except OSError:
                    time.sleep(0.001)
            sent += 1
    return sent


mode, ns = sys.argv[1], sys.argv[2]
if mode == "collide6":
    print(send_all(ns, "v6", 0x86dd, frames_collide6(int(sys.argv[3])),
                   int(sys.argv[4])))
    sys.exit(0)
if mode == "mappings6":
    print(send_all(ns, "v6", 0x86dd, frames_mappings6(int(sys.argv[3])), 1))
    sys.exit(0)
if mode == "spoof4":
    print(send_all(ns, "v4", 0x0800,
                   frames_spoof4(sys.argv[3], int(sys.argv[4]),
                                 int(sys.argv[5])), 1))
    sys.exit(0)
if mode == "v6":
    rounds = frames_v6(int(sys.argv[3]), int(sys.argv[4]),
                       int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    seconds, dev = float(sys.argv[5]), "v6"
else:
    rounds = frames_syn4(int(sys.argv[3]))
    seconds, dev = float(sys.argv[4]), "v4"
s = nsutil.packet_socket(ns, dev, 0x86dd if mode == "v6" else 0x0800)
end = time.monotonic() + seconds
sent = r = 0
while True:
    for f in rounds[r % len(rounds)]:
        try:
            s.send(f)
            sent += 1
        except OSError:
            time.sleep(0.001)
    r += 1
    if time.monotonic() >= end:
        break
    # A breath between rounds: the test samples the counts meanwhile.
    time.sleep(0.1)
print(sent)
