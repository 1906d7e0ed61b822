# SPDX-License-Identifier: GPL-2.0
"""What the selftests' packet-crafting scripts (wire.py, stateful.py,
malformed.py) share: failing a case, TAP comments, comparing addresses,
and checking Internet checksums."""
import socket
import struct

from scapy.all import IP, raw


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def note(*lines):
    """@lines as TAP comment lines."""
    for line in lines:
        for x in str(line).splitlines():
            print("# " + x, flush=True)


def same(a, b):
    """Are two addresses of one family equal, whatever their spelling?"""
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    try:
        return socket.inet_pton(fam, a) == socket.inet_pton(fam, b)
    except OSError:
        return False


def csum_fold(data, s=0):
    """The ones' complement sum of @data (plus @s), folded to 16 bits."""
    if len(data) % 2:
        data += b"\0"
    s += sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def l4_ok(p):
    """Does the transport checksum of IPv4/IPv6 packet @p add up (0xffff)?
    IPv6 extension headers are skipped."""
    b = raw(p)
    if isinstance(p, IP):
        hl = p.ihl * 4
        l4 = b[hl:p.len]
        pseudo = b"" if p.proto == 1 else \
            b[12:20] + bytes([0, p.proto]) + struct.pack("!H", len(l4))
    else:
        q, nh, off = p, p.nh, 40
        while nh not in (6, 17, 58):
            nh = b[off]
            off += 8 if q.nh == 44 else (b[off + 1] + 1) * 8
            q = q.payload
        l4 = b[off:]
        pseudo = b[8:40] + struct.pack("!I", len(l4)) + bytes([0, 0, 0, nh])
    return csum_fold(pseudo + l4) == 0xffff
