#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Reads NAT64 event records back from a collector, one line per record:

  event src6 sport6 src4 sport4 dst4 dport port_lo port_hi

Usage:
  ipfix_check.py nfdump FILE       what nfdump (1.7.1) stored in FILE
  ipfix_check.py decode FILE...    raw IPFIX messages, back to back (a
                                   file of concatenated UDP payloads)
  ipfix_check.py all FILE...       the same, every field as NAME=VALUE
  ipfix_check.py seqcheck FILE     checks each message's sequence number
                                   is the data records before it; prints
                                   "MESSAGES RECORDS TEMPLATE-SETS"
  ipfix_check.py templates FILE    the number of template sets in FILE
  ipfix_check.py wait FILE ERE SECONDS
                                   until a record of FILE (as decode prints
                                   it) matches ERE: exit 0, or 1 after
                                   SECONDS (the file read again and again
                                   by one process: cheaper than a loop of
                                   decodes in a slow guest)
  ipfix_check.py listen PORT N [SECONDS]
                                   N records received on UDP PORT
                                   (127.0.0.1), decoded by python3-ipfix

A field the record does not carry prints as "-". nfdump 1.7.1 drops
portRangeStart/End from IPFIX: those read 0 there (see usr/ipfix.c).
"""
import contextlib
import io
import re
import socket
import struct
import subprocess
import time
import sys

import ipfix.ie
import ipfix.message

FIELDS = ("natEvent", "sourceIPv6Address", "sourceTransportPort",
          "postNATSourceIPv4Address", "postNAPTSourceTransportPort",
          "postNATDestinationIPv4Address", "destinationTransportPort",
          "portRangeStart", "portRangeEnd")

# RFC 8158's IEs that python3-ipfix 0.9.7's IANA list predates.
EXTRA = ("natQuotaExceededEvent(466)<unsigned32>[4]",
         "natThresholdEvent(467)<unsigned32>[4]",
         "maxSessionEntries(471)<unsigned32>[4]",
         "maxBIBEntries(472)<unsigned32>[4]",
         "maxEntriesPerUser(473)<unsigned32>[4]",
         "addressPoolHighThreshold(476)<unsigned32>[4]",
         "addressPoolLowThreshold(477)<unsigned32>[4]",
         "globalAddressMappingHighThreshold(481)<unsigned32>[4]")


def line(rec):
    return " ".join(str(rec[f]) if f in rec else "-" for f in FIELDS)


def setup():
    ipfix.ie.use_iana_default()
    for spec in EXTRA:
        ipfix.ie.for_spec(spec)


# nfdump -o raw keys for FIELDS; its fmt: prints natEvent 6.. as "UNKNOW".
RAW = ("nat event", "src addr", "src port", "src xlt ip", "src xlt port",
       "dst xlt ip", "dst port", None, None)


def from_nfdump(path):
    out = subprocess.run(["nfdump", "-q", "-r", path, "-o", "raw"],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split("Flow Record:")[1:]:
        kv = {}
        for row in block.splitlines():
            if "=" in row:
                k, v = row.split("=", 1)
                k, v = k.strip(), (v.split() or [""])[0]
                kv[k] = v.rstrip(":") if k == "nat event" else v
        print(" ".join(kv.get(k, "-") if k else "0" for k in RAW))


def from_messages(chunks, every=False):
    setup()
    buf = ipfix.message.MessageBuffer()
    n = 0
    for data in chunks:
        while len(data) >= 16:
            mlen = int.from_bytes(data[2:4], "big")
            if mlen < 16 or mlen > len(data):
                break   # a message still being written
            buf.from_bytes(data[:mlen])
            data = data[mlen:]
            for rec in buf.namedict_iterator():
                if every:
                    print(" ".join("%s=%s" % (k, v) for k, v in rec.items()))
                else:
                    print(line(rec))
                n += 1
                yield n


def messages(path):
    """(sequence, [(set id, set body)]) of each whole message in @path."""
    data = open(path, "rb").read()
    off = 0
    while off + 16 <= len(data):
        ver, mlen = struct.unpack_from("!HH", data, off)
        if ver != 10 or mlen < 16 or off + mlen > len(data):
            break
        seq = struct.unpack_from("!I", data, off + 8)[0]
        sets, s = [], off + 16
        while s + 4 <= off + mlen:
            sid, slen = struct.unpack_from("!HH", data, s)
            if slen < 4:
                break
            sets.append((sid, data[s + 4:s + slen]))
            s += slen
        yield seq, sets
        off += mlen


def seqcheck(path):
    """RFC 7011 §3.1: a message's sequence number is the data records of
    the domain sent before it. Fixed-length templates only (ours)."""
    reclen, recs, msgs, tsets, bad = {}, 0, 0, 0, 0
    for seq, sets in messages(path):
        msgs += 1
        if seq != recs % 2**32:
            bad += 1
            print("message %d: sequence %d, want %d" % (msgs, seq, recs),
                  file=sys.stderr)
        for sid, body in sets:
            if sid == 2:
                tsets += 1
                o = 0
                while o + 4 <= len(body):
                    tid, cnt = struct.unpack_from("!HH", body, o)
                    o += 4
                    reclen[tid] = sum(struct.unpack_from("!HH", body, o + 4 * i)[1]
                                      for i in range(cnt))
                    o += 4 * cnt
            elif sid >= 256:
                recs += len(body) // reclen[sid]
    print(msgs, recs, tsets)
    return 1 if bad or not msgs else 0


def datagrams(port, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    s.settimeout(timeout)
    try:
        while True:
            yield s.recv(65535)
    except socket.timeout:
        return
    finally:
        s.close()


def main(argv):
    if len(argv) == 3 and argv[1] == "nfdump":
        from_nfdump(argv[2])
    elif len(argv) >= 3 and argv[1] in ("decode", "all"):
        chunks = (open(p, "rb").read() for p in argv[2:])
        for _ in from_messages(chunks, argv[1] == "all"):
            pass
    elif len(argv) == 5 and argv[1] == "wait":
        want, end = re.compile(argv[3]), time.monotonic() + float(argv[4])
        while True:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                for _ in from_messages([open(argv[2], "rb").read()]):
                    pass
            if any(want.search(x) for x in out.getvalue().splitlines()):
                return 0
            if time.monotonic() >= end:
                return 1
            time.sleep(0.2)
    elif len(argv) == 3 and argv[1] == "seqcheck":
        return seqcheck(argv[2])
    elif len(argv) == 3 and argv[1] == "templates":
        print(sum(1 for _, sets in messages(argv[2])
                  for sid, _ in sets if sid == 2))
    elif len(argv) in (4, 5) and argv[1] == "listen":
        want = int(argv[3])
        wait = float(argv[4]) if len(argv) == 5 else 10.0
        got = 0
        for got in from_messages(datagrams(int(argv[2]), wait)):
            if got >= want:
                break
        if got < want:
            print("only %d of %d records" % (got, want), file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
