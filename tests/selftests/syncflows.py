#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Long-lived flows across a translator failover (sync.sh).

  syncflows.py server ADDR PORT
      TCP and UDP echo on ADDR:PORT (IPv4): every line or datagram comes back
      prefixed with the address and port it came from, as the server saw
      them (the translator's pool address and port).
  syncflows.py client DST6 PORT NTCP NUDP STATUS [SRC6]
      NTCP TCP connections and NUDP UDP sockets to [DST6]:PORT (from
      SRC6 if given); each sends
      a numbered message every 100 ms. STATUS (JSON, rewritten every
      200 ms) has, per flow: replies, the IPv4 address:port the server saw
      (all of them: more than one means the mapping moved), the time of
      the last reply, the longest gap between two replies, and whether
      the TCP connection broke. Runs until STATUS.stop exists.
"""
import json
import os
import select
import socket
import sys
import threading
import time


def server(addr, port):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(256)
    # Bound to the address: replies come from it, whatever the route.
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, port))

    def conn(c, peer):
        tag = ("%s:%d " % peer).encode()
        buf = b""
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    return
                buf += d
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    c.sendall(tag + line + b"\n")
        except OSError:
            return

    def udp():
        while True:
            d, peer = u.recvfrom(4096)
            u.sendto(("%s:%d " % peer).encode() + d, peer)

    threading.Thread(target=udp, daemon=True).start()
    while True:
        c, peer = t.accept()
        threading.Thread(target=conn, args=(c, peer), daemon=True).start()


class Flow:
    def __init__(self, kind, sock):
        self.kind, self.s, self.buf = kind, sock, b""
        self.replies, self.seen, self.last, self.gap = 0, set(), None, 0.0
        self.broken, self.gaps = False, []

    def reply(self, data, now):
        self.seen.add(data.split(b" ", 1)[0].decode())
        if self.last is not None:
            self.gap = max(self.gap, now - self.last)
            # Outages (no reply for over half a second): when, how long.
            if now - self.last > 0.5:
                self.gaps = (self.gaps + [[self.last, now]])[-20:]
        self.last = now
        self.replies += 1


def client(dst, port, ntcp, nudp, status, src=None):
    flows = []
    for _ in range(ntcp):
        s = socket.create_connection((dst, port), timeout=30,
                                     source_address=(src, 0) if src else None)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        flows.append(Flow("tcp", s))
    for _ in range(nudp):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        if src:
            s.bind((src, 0))
        s.connect((dst, port))
        s.setblocking(False)
        flows.append(Flow("udp", s))
    seq, nxt, wrote = 0, 0.0, 0.0
    while not os.path.exists(status + ".stop"):
        now = time.time()
        if now >= nxt:
            seq += 1
            for f in flows:
                if f.broken:
                    continue
                try:
                    if f.kind == "tcp":
                        f.s.send(b"%d\n" % seq)
                    else:
                        f.s.send(b"%d" % seq)
                except BlockingIOError:
                    pass
                except OSError:
                    # UDP: an ICMP error while the path moves; TCP: reset
                    f.broken = f.kind == "tcp"
            nxt = now + 0.1
        live = [f.s for f in flows if not f.broken]
        r, _, _ = select.select(live, [], [], 0.05)
        now = time.time()
        for f in flows:
            if f.s not in r:
                continue
            try:
                d = f.s.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                continue
            except OSError:
                f.broken = True
                continue
            if f.kind == "udp":
                f.reply(d, now)
                continue
            if not d:
                f.broken = True
                continue
            f.buf += d
            while b"\n" in f.buf:
                line, f.buf = f.buf.split(b"\n", 1)
                f.reply(line, now)
        if now - wrote >= 0.2:
            wrote = now
            out = [{"kind": f.kind, "replies": f.replies,
                    "seen": sorted(f.seen), "last": f.last or 0,
                    "gap": round(f.gap, 3), "gaps": f.gaps,
                    "broken": f.broken}
                   for f in flows]
            with open(status + ".tmp", "w") as fh:
                json.dump({"time": now, "flows": out}, fh)
            os.rename(status + ".tmp", status)


def check(status, since):
    """Exit 0 if every flow answered after SINCE (epoch s), none broke,
    each kept one IPv4 address:port; print how long the flows went
    unanswered from SINCE on (the longest outage ending after it)."""
    with open(status) as fh:
        st = json.load(fh)
    bad = [f for f in st["flows"]
           if f["broken"] or f["last"] <= since or len(f["seen"]) != 1]
    out = max([end - max(start, since) for f in st["flows"]
               for start, end in f["gaps"] if end > since] or [0])
    print("flows %d bad %d, unanswered for %.1f s at most" %
          (len(st["flows"]), len(bad), out))
    for f in bad[:3]:
        print("  bad flow:", f)
    return 0 if not bad else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
               int(sys.argv[5]), sys.argv[6], *sys.argv[7:8])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], float(sys.argv[3])))
