#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Continuous mixed traffic through the translator, from real sockets, for
the tests that change or tear down the translator under load (teardown.sh,
floods.sh, soak.sh). One process per host namespace, each both a client
and the servers for the other side's clients:

  v6: new UDP flows to 64:ff9b:1::192.0.2.2:7 from a rotating set of source
      ports, TCP connections to [64:ff9b:1::192.0.2.2]:8080 (connect, one
      echo, close), ICMPv6 echo requests from a rotating set of
      identifiers; servers on [::]:8080 (UDP and TCP echo) for the v4
      host's clients, which come through static BIB entries.
  v4: UDP echo on :7, TCP echo on :8080; clients to 198.51.100.1:80
      (UDP and TCP, static BIB entries to [2001:db8:6::2]:8080) and ICMP
      echo requests to 198.51.100.1 with identifier 4000 (a static ICMP
      entry); with --no-static, servers only.

Besides the short flows, --long N keeps N TCP connections open that
exchange a line every second (reopened when they fail): established
sessions that must survive what the test does.

Every error is counted, never fatal: the translator may be gone. The
counters are written to STATS (one line, "name=value ...", replaced
atomically) every 0.25 s and at exit (SIGTERM):

  udp_tx/udp_rx      datagrams sent / echoes received
  tcp_tx/tcp_ok/tcp_err  connections tried / echoed / failed or timed out
  icmp_tx/icmp_rx    echo requests / replies
  long_rx/long_err   echoes on the long connections / their failures
  srv_udp/srv_tcp    datagrams / connections the servers answered
  syn_tx             unsolicited SYNs (--syns N a second, v4: connections
                     to 198.51.100.1, ports 2000-2999, given up after 1 s)

Usage: load.py NS v6|v4 STATS [--rate N] [--ports N] [--long N]
                              [--no-static] [--dst ADDR]
  --rate N   new flows a second of each kind (UDP, TCP, ICMP; default 20)
  --ports N  source ports and identifiers to rotate through (default 64)
"""
import argparse
import errno
import os
import selectors
import signal
import socket
import struct
import sys
import time

import nsutil

ap = argparse.ArgumentParser()
ap.add_argument("ns")
ap.add_argument("role", choices=("v6", "v4"))
ap.add_argument("stats")
ap.add_argument("--rate", type=float, default=20)
ap.add_argument("--ports", type=int, default=64)
ap.add_argument("--long", type=int, default=0)
ap.add_argument("--no-static", action="store_true")
ap.add_argument("--dst", default=None)
ap.add_argument("--syns", type=float, default=0)
args = ap.parse_args()

nsutil.enter(args.ns)
V6 = args.role == "v6"
FAM = socket.AF_INET6 if V6 else socket.AF_INET
if V6:
    DST = args.dst or "64:ff9b:1::c000:202"
    UDP_PORT, TCP_PORT = 7, 8080
else:
    DST = args.dst or "198.51.100.1"
    UDP_PORT, TCP_PORT = 80, 80
# Servers: the v4 host's for the v6 host's clients and the other way.
SRV_UDP, SRV_TCP = (8080, 8080) if V6 else (7, 8080)
CLIENTS = V6 or not args.no_static
ICMP_ID4 = 4000			# static icmp entry's IPv4 identifier

# How long a flow may take to be answered, and a long connection's echo:
# three times longer on a slow kernel (NAT64_SLOW, the debug kernel),
# where the other side's Python server often took more than 3 s to answer
# (teardown.sh there counted most TCP flows failed before any change).
FLOW_TIMEOUT = 3.0 * nsutil.WAIT
LONG_TIMEOUT = 5.0 * nsutil.WAIT
SPORT_BASE = 20000
MAX_OPEN = 300			# client sockets open at once, at most

c = dict.fromkeys(("udp_tx", "udp_rx", "tcp_tx", "tcp_ok", "tcp_err",
                   "icmp_tx", "icmp_rx", "long_rx", "long_err",
                   "srv_udp", "srv_tcp", "syn_tx"), 0)
sel = selectors.DefaultSelector()
# fd -> (kind, socket, deadline, extra)
flows = {}
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)


def write_stats():
    tmp = args.stats + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join("%s=%d" % kv for kv in c.items()) + "\n")
    os.replace(tmp, args.stats)


def close(fd):
    kind, s, _, _ = flows.pop(fd)
    longs.discard(fd)
    try:
        sel.unregister(s)
    except (KeyError, ValueError):
        pass
    s.close()


longs = set()			# fds of the long connections


def add(kind, s, events, extra=None, timeout=FLOW_TIMEOUT):
    flows[s.fileno()] = (kind, s, time.monotonic() + timeout, extra)
    sel.register(s, events)
    if kind == "long":
        longs.add(s.fileno())


# ---- servers ----

def listen_servers():
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    u.bind(("::", SRV_UDP))
    u.setblocking(False)
    t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("::", SRV_TCP))
    t.listen(512)
    t.setblocking(False)
    sel.register(u, selectors.EVENT_READ)
    sel.register(t, selectors.EVENT_READ)
    return u, t


srv_u, srv_t = listen_servers()


def serve_udp():
    for _ in range(64):
        try:
            data, peer = srv_u.recvfrom(2048)
        except BlockingIOError:
            return
        except OSError:
            return
        try:
            srv_u.sendto(data, peer)
            c["srv_udp"] += 1
        except OSError:
            pass


def serve_accept():
    for _ in range(64):
        try:
            s, _ = srv_t.accept()
        except (BlockingIOError, OSError):
            return
        s.setblocking(False)
        # Long connections idle for a second between lines.
        add("srv", s, selectors.EVENT_READ, timeout=30.0)


def read(s):
    """What stream socket @s has: None if nothing yet, b"" at its end or
    on an error."""
    try:
        return s.recv(4096)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def serve_conn(fd):
    s = flows[fd][1]
    data = read(s)
    if data is None:
        return
    if not data:
        close(fd)
        return
    try:
        s.send(data)
        c["srv_tcp"] += 1
    except OSError:
        close(fd)
        return
    kind, s, _, extra = flows[fd]
    flows[fd] = (kind, s, time.monotonic() + 30.0, extra)


# ---- clients ----

n_udp = n_icmp = 0
icmp_seq = 0


def start_udp():
    global n_udp
    port = SPORT_BASE + n_udp % args.ports
    n_udp += 1
    s = socket.socket(FAM, socket.SOCK_DGRAM)
    s.setblocking(False)
    c["udp_tx"] += 1
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            s.bind(("", 0))
        s.connect((DST, UDP_PORT))
        s.send(b"udp %d" % n_udp)
    except OSError:
        s.close()
        return
    add("udp", s, selectors.EVENT_READ)


def start_tcp(kind="tcp"):
    s = socket.socket(FAM, socket.SOCK_STREAM)
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 0, 0))
    if kind == "tcp":
        c["tcp_tx"] += 1
    err = s.connect_ex((DST, TCP_PORT))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        c["tcp_err" if kind == "tcp" else "long_err"] += 1
        return
    # extra: [state] where state 0 = connecting, 1 = waiting for the echo
    add(kind, s, selectors.EVENT_WRITE, [0, time.monotonic()],
        timeout=FLOW_TIMEOUT if kind == "tcp" else LONG_TIMEOUT)


def tcp_event(fd, mask):
    kind, s, deadline, st = flows[fd]
    errk = "tcp_err" if kind == "tcp" else "long_err"
    if st[0] == 0:
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            c[errk] += 1
            close(fd)
            return
        try:
            s.send(b"tcp\n")
        except OSError:
            c[errk] += 1
            close(fd)
            return
        st[0] = 1
        sel.modify(s, selectors.EVENT_READ)
        return
    data = read(s)
    if data is None:
        return
    if not data:
        c[errk] += 1
        close(fd)
        return
    if kind == "tcp":
        c["tcp_ok"] += 1
        close(fd)
        return
    # A long connection: the next line in a second.
    c["long_rx"] += 1
    st[0] = 2
    st[1] = time.monotonic() + 1.0
    sel.modify(s, selectors.EVENT_READ)
    flows[fd] = (kind, s, time.monotonic() + 30.0, st)


n_syn = 0


def start_syn():
    """A connection to a pool port of no mapping: an unsolicited SYN."""
    global n_syn
    s = socket.socket(FAM, socket.SOCK_STREAM)
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 0, 0))
    c["syn_tx"] += 1
    n_syn += 1
    if s.connect_ex((DST, 2000 + n_syn % 1000)) not in (0, errno.EINPROGRESS):
        s.close()
        return
    add("syn", s, selectors.EVENT_WRITE, timeout=1.0)


def long_tick(now):
    for fd in list(longs):
        kind, s, _, st = flows[fd]
        if st[0] == 2 and now >= st[1]:
            try:
                s.send(b"long\n")
            except OSError:
                c["long_err"] += 1
                close(fd)
                continue
            st[0] = 1
            flows[fd] = (kind, s, now + LONG_TIMEOUT, st)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    t = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


if V6:
    icmp = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                         socket.IPPROTO_ICMPV6)
    ICMP_REQ, ICMP_REP = 128, 129
else:
    icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ICMP_REQ, ICMP_REP = 8, 0
icmp.setblocking(False)
sel.register(icmp, selectors.EVENT_READ)
ICMP_BASE = 30000


def start_icmp():
    global n_icmp, icmp_seq
    ident = ICMP_BASE + n_icmp % args.ports if V6 else ICMP_ID4
    n_icmp += 1
    icmp_seq = (icmp_seq + 1) & 0xffff
    msg = struct.pack("!BBHHH", ICMP_REQ, 0, 0, ident, icmp_seq) + b"load"
    if not V6:
        # The kernel computes ICMPv6 checksums of raw sockets, not ICMP's.
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    c["icmp_tx"] += 1
    try:
        icmp.sendto(msg, (DST, 0))
    except OSError:
        pass


def icmp_read():
    for _ in range(64):
        try:
            data = icmp.recv(2048)
        except (BlockingIOError, OSError):
            return
        if not V6:
            data = data[(data[0] & 15) * 4:]	# IPv4 raw: header included
        if len(data) >= 8 and data[0] == ICMP_REP:
            ident = struct.unpack("!H", data[4:6])[0]
            if (V6 and ICMP_BASE <= ident < ICMP_BASE + args.ports) or \
                    (not V6 and ident == ICMP_ID4):
                c["icmp_rx"] += 1


def udp_read(fd):
    s = flows[fd][1]
    try:
        s.recv(2048)
        c["udp_rx"] += 1
    except BlockingIOError:
        return
    except OSError:
        pass
    close(fd)


# ---- the loop ----

t0 = last_stats = time.monotonic()
owed = syn_owed = 0.0
next_long = next_expiry = t0
last = t0
while not stop:
    now = time.monotonic()
    if CLIENTS:
        owed += (now - last) * args.rate
        # Long connections: keep --long of them, reopening at most one
        # every 0.2 s (no storm when the other side refuses them).
        if len(longs) < args.long and now >= next_long:
            start_tcp("long")
            next_long = now + 0.2
        while owed >= 1 and len(flows) < MAX_OPEN:
            owed -= 1
            start_udp()
            start_tcp()
            start_icmp()
        owed = min(owed, args.rate)
        syn_owed += (now - last) * args.syns
        while syn_owed >= 1 and len(flows) < MAX_OPEN:
            syn_owed -= 1
            start_syn()
        syn_owed = min(syn_owed, max(args.syns, 1))
        long_tick(now)
    last = now
    for key, mask in sel.select(timeout=0.05):
        s = key.fileobj
        if s is srv_u:
            serve_udp()
        elif s is srv_t:
            serve_accept()
        elif s is icmp:
            icmp_read()
        else:
            fd = key.fd
            if fd not in flows:
                continue
            kind = flows[fd][0]
            if kind == "udp":
                udp_read(fd)
            elif kind == "srv":
                serve_conn(fd)
            elif kind == "syn":
                close(fd)
            else:
                tcp_event(fd, mask)
    now = time.monotonic()
    if now < next_expiry:
        continue
    next_expiry = now + 0.25
    for fd, (kind, s, deadline, _) in list(flows.items()):
        if now > deadline:
            if kind == "tcp":
                c["tcp_err"] += 1
            elif kind == "long":
                c["long_err"] += 1
            close(fd)
    if now - last_stats >= 0.25:
        write_stats()
        last_stats = now
write_stats()
sys.exit(0)
