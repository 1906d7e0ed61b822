#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzzing: random and malformed generic netlink requests to
every nat64 command (and some that do not exist). Each must be answered,
with an acknowledgement, an error or a dump, within a second.

Usage: nlfuzz.py ITERATIONS SEED
Prints a summary line; exits 1 if a request went unanswered.
"""
import os
import random
import socket
import struct
import sys

ITER, SEED = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(SEED)
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
s.settimeout(1.0)
seq = 0


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def send(family, cmd, attrs, flags):
    global seq
    seq += 1
    body = struct.pack("=BBH", cmd, 1, 0) + attrs
    s.send(struct.pack("=IHHII", 16 + len(body), family, flags, seq, 0) + body)
    return seq


def answers(want):
    """Read until the answer to @want ends: ('ack'|'err'|'done', n)."""
    n = 0
    while True:
        data = s.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            ln, typ, _flags, sq, _pid = struct.unpack_from("=IHHII", data, off)
            if ln < 16:
                return ("bad", n)
            if sq == want:
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    return ("ack" if err == 0 else "err", n)
                if typ == NLMSG_DONE:
                    return ("done", n)
                n += 1
            off += (ln + 3) & ~3


send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, b"nat64\0"),
     NLM_F_REQUEST)
data = s.recv(65536)
off, fam = 20, None
while off + 4 <= len(data):
    ln, t = struct.unpack_from("=HH", data, off)
    if t == CTRL_ATTR_FAMILY_ID:
        fam = struct.unpack_from("=H", data, off + 4)[0]
    off += (ln + 3) & ~3
if fam is None:
    sys.exit("nat64 family not found")


def rand_payload(depth):
    k = rnd.random()
    if k < 0.3:
        return bytes(rnd.getrandbits(8) for _ in range(rnd.choice([0, 1, 2, 3, 4, 5, 8, 15, 16, 17])))
    if k < 0.5:   # a plausible value: u8/u16/u32, address, name
        return rnd.choice([struct.pack("=B", rnd.getrandbits(8)),
                           struct.pack("=H", rnd.getrandbits(16)),
                           struct.pack("=I", rnd.getrandbits(32)),
                           rnd.randbytes(4), rnd.randbytes(16), b"p1\0", b"r1\0",
                           b"\0", b"x" * 40 + b"\0", b"a\x01b\0"])
    return nest(depth + 1)


def nest(depth=0):
    out = b""
    for _ in range(rnd.randint(0, 6)):
        t = rnd.randint(0, 16)
        if rnd.random() < 0.05:
            t |= 0x8000          # NLA_F_NESTED
        p = rand_payload(depth) if depth < 2 else rnd.randbytes(rnd.randint(0, 8))
        out += attr(t, p)
    if rnd.random() < 0.1:       # a truncated or overlong trailing attribute
        out += struct.pack("=HH", rnd.choice([0, 2, 3, 200]), rnd.randint(0, 16))
    return out


stats = {}
for i in range(ITER):
    cmd = rnd.randint(0, 30)
    flags = NLM_F_REQUEST | NLM_F_ACK
    if rnd.random() < 0.3:
        flags |= NLM_F_DUMP
    want = send(fam, cmd, nest(), flags)
    try:
        kind, _ = answers(want)
    except socket.timeout:
        print("not answered: cmd %d flags %#x (iteration %d)" % (cmd, flags, i))
        sys.exit(1)
    stats[kind] = stats.get(kind, 0) + 1
print("answered %d requests: %s" % (ITER, ", ".join(
    "%s %d" % kv for kv in sorted(stats.items()))))
sys.exit(0 if "bad" not in stats else 1)
