#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send ICMPv6 echo requests that each open a NAT64 session: N flows
from SOURCES addresses of 2001:db8:6::/64 (identifiers 0..N/SOURCES-1
each), to 64:ff9b:1::192.0.2.2, as raw frames on the v6 host's veth.

Usage: scale.py V6NS N SOURCES
"""
import socket
import struct
import sys

import nsutil

V6NS, N, SOURCES = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
nsutil.enter(V6NS)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
s.bind(("v6", 0))

eth = bytes.fromhex("020000000601" "020000000602" "86dd")
dst = socket.inet_pton(socket.AF_INET6, "64:ff9b:1::c000:202")
base = socket.inet_pton(socket.AF_INET6, "2001:db8:6::1:0")
payload = b"nat64-scale-test"
plen = 8 + len(payload)


def fold(x):
    while x >> 16:
        x = (x & 0xffff) + (x >> 16)
    return x


# The checksum of everything but the words that vary (source's last word,
# identifier): pseudo-header, type/code, sequence, payload.
fixed = 0
for i in range(0, 14, 2):
    fixed += struct.unpack("!H", base[i:i + 2])[0]
for i in range(0, 16, 2):
    fixed += struct.unpack("!H", dst[i:i + 2])[0]
fixed += plen + 58 + (128 << 8) + 1
for i in range(0, len(payload), 2):
    fixed += struct.unpack("!H", payload[i:i + 2])[0]

per = (N + SOURCES - 1) // SOURCES
sent = 0
for a in range(SOURCES):
    src = base[:14] + struct.pack("!H", a + 1)
    hdr = eth + struct.pack("!IHBB", 0x60000000, plen, 58, 64) + src + dst
    for ident in range(per):
        if sent == N:
            break
        c = 0xffff - fold(fixed + a + 1 + ident)
        s.send(hdr + struct.pack("!BBHHH", 128, 0, c, ident, 1) + payload)
        sent += 1
print(sent)
