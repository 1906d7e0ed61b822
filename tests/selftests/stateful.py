#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Stateful NAT64 (RFC 6146) on the wire: BIB and session behaviour seen
through packets crafted with scapy on both hosts' veths, and through
`nat64ctl session show` / `bib show` / the counters of `nat64ctl stats`.

One process does it all (scapy is slow to start under emulation): it opens
an AF_PACKET socket inside each host namespace (setns), then runs the
cases. Each case is one TAP line; a case made of several parts runs every
part and lists the parts that failed. A case restores what it changed
(settings, pools, rules, static BIB entries) and the runner flushes the
dynamic sessions before and after each case.

Cases:
  eim                 one source port to two IPv4 hosts: one BIB entry, two
                      sessions, one pool address:port seen by both
  filtering           endpoint-independent vs address-dependent
  tcp_states          the TCP state machine, step by step (session show)
  stored_syn          unsolicited IPv4 SYNs: stored, ICMP error when they
                      expire, simultaneous open, max-stored-syns
  drop_external_tcp   IPv4 SYNs to a BIB entry, dropped or not
  port_allocation     random, sequential, range preservation, paired pools
  static_bib          bib add/show/del, static entries on the wire
  hairpinning         IPv6 host to IPv6 host through a pool address, one
                      hop taken off the hop limit
  hairpin_no_mapping  to a pool address:port of no BIB entry (UDP, a TCP
                      SYN): dropped, ICMPv6 port unreachable, nothing
                      handed to a stack, no IPv4 SYN kept
  pool_exhaustion     ICMPv6 address unreachable; a pool grows by pool add
  two_rules_eim       two prefixes on one pool: one BIB entry
  two_prefixes_one_peer  one source port to one IPv4 server through both
                      prefixes, alternately: each answer from the prefix
                      its question went to

Usage: stateful.py V6NS V4NS XLATNS NAT64CTL [CASE...]
Output: TAP lines (numbered from 1 over the cases run), comments for the
parts that passed; exit 0 if every case passed.

Topology (made by stateful.sh, MAC addresses fixed):
  V6NS dev v6 02:00:00:00:06:02 2001:db8:6::2  <->  XLATNS x6 02:00:00:00:06:01
  V4NS dev v4 02:00:00:00:04:02 192.0.2.2      <->  XLATNS x4 02:00:00:00:04:01
  pool p1 198.51.100.1 ports 2000-2999, rule r1 64:ff9b:1::/96 pool p1
The further host addresses 2001:db8:6::3 and ::7 (v6 side), 192.0.2.3 and
.7 (v4 side) are not configured on the hosts: the translator has static
neighbour entries sending them to the hosts' veths, where only this script
sees them. So the hosts' own stacks stay quiet (no TCP RST, no ICMP port
unreachable) for what is crafted here. TCP is always crafted between
2001:db8:6::7 and 192.0.2.7 for that reason.
"""
import ipaddress
import select
import socket
import subprocess
import sys
import time

from checks import Fail, check, note, same
from nsutil import WAIT, packet_socket
from scapy.all import (Ether, IP, IPv6, UDP, TCP, ICMP, Raw, raw,
                       ICMPv6EchoRequest, ICMPv6DestUnreach, IPerror,
                       TCPerror, IPerror6, UDPerror)

V6NS, V4NS, XNS, CTL = sys.argv[1:5]
ONLY = sys.argv[5:]
M6, MX6 = "02:00:00:00:06:02", "02:00:00:00:06:01"
M4, MX4 = "02:00:00:00:04:02", "02:00:00:00:04:01"
H6, H6B, T6 = "2001:db8:6::2", "2001:db8:6::3", "2001:db8:6::7"
H4, H4B, T4 = "192.0.2.2", "192.0.2.3", "192.0.2.7"
POOL = "198.51.100.1"
PFX, PFX2 = "64:ff9b:1::", "2001:db8:64::"
# What the spec says the settings are when nobody set them.
DEFAULT_TIMEOUT = {"udp": 300, "tcp-est": 7440, "tcp-trans": 240,
                   "icmp": 60, "syn": 6}


# ---- addresses ----

def emb(v4, prefix=PFX):
    """@v4 embedded in the /96 @prefix (RFC 6052)."""
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address(prefix)) |
                                     int(ipaddress.IPv4Address(v4))))


# ---- the wire ----

S6 = packet_socket(V6NS, "v6")
S4 = packet_socket(V4NS, "v4")
# Every frame that arrived at a host during the current case, with the
# time it was read: what was drained away can still be looked for.
JOURNAL = {S6: [], S4: []}


def read_frame(sock):
    data, addr = sock.recvfrom(65535)
    if addr[2] == socket.PACKET_OUTGOING:
        return None
    JOURNAL[sock].append((time.time(), data))
    return data


def drain():
    for s in (S6, S4):
        while select.select([s], [], [], 0)[0]:
            read_frame(s)


def send6(pkt):
    S6.send(raw(Ether(src=M6, dst=MX6) / pkt))


def frame4(pkt):
    """@pkt (IPv4) as the IPv4 host's frame to the translator, in bytes."""
    return raw(Ether(src=M4, dst=MX4) / pkt)


def send4(pkt):
    S4.send(frame4(pkt))


def wait_frames(sock, layer, want, timeout, n):
    """Up to @n packets (@layer of the frames arriving at @sock) for which
    @want holds, read until @timeout; each with .time its arrival."""
    got, end = [], time.time() + timeout
    while len(got) < n:
        # Past the deadline, what is queued already still counts.
        left = max(0.0, end - time.time())
        if not select.select([sock], [], [], left)[0]:
            break
        data = read_frame(sock)
        if data is None:
            continue
        f = Ether(data)
        if layer in f and want(f[layer]):
            p = f[layer]
            p.time = JOURNAL[sock][-1][0]
            got.append(p)
    return got


def recv4(want=lambda p: True, timeout=10.0, n=1):
    """IPv4 packets arriving at the IPv4 host."""
    return wait_frames(S4, IP, want, timeout, n)


def recv6(want=lambda p: True, timeout=10.0, n=1):
    """IPv6 packets arriving at the IPv6 host."""
    return wait_frames(S6, IPv6, want, timeout, n)


def journal(sock, layer, since, want):
    """Packets that arrived at @sock since @since for which @want holds."""
    drain()
    r = []
    for t, data in JOURNAL[sock]:
        f = Ether(data)
        if t >= since and layer in f and want(f[layer]):
            r.append(f[layer])
    return r


# ---- nat64ctl ----

def ctl_run(*args):
    return subprocess.run([CTL, "-n", XNS] +
                          [str(a) for a in args],
                          capture_output=True, text=True)


def ctl(*args):
    r = ctl_run(*args)
    if r.returncode:
        err = r.stderr.strip().splitlines()
        raise Fail("nat64ctl %s: exit %d%s" %
                   (" ".join(str(a) for a in args), r.returncode,
                    (": " + err[0]) if err else ""))
    return r.stdout


def quiet(*args):
    """nat64ctl, whatever comes of it."""
    ctl_run(*args)


def counters():
    """The counters, but the fast path's own accounting (which packets it
    took and which it left to the full path, NAT64_FASTPATH=1): the
    checks are of what the translator did."""
    c = {}
    for line in ctl("stats").splitlines():
        f = line.split()
        if len(f) == 2 and f[1].isdigit() and \
                not f[0].startswith("fastpath-"):
            c[f[0]] = int(f[1])
    return c


def counter(name):
    c = counters()
    if name not in c:
        raise Fail("no counter %s in nat64ctl stats" % name)
    return c[name]


def wait_counter(name, at_least, timeout=10.0):
    """Wait until counter @name is at least @at_least; return its value."""
    end = time.time() + timeout
    while True:
        v = counter(name)
        if v >= at_least or time.time() > end:
            return v
        time.sleep(0.2)


def timeout_now(name):
    """The current idle timeout @name, as `nat64ctl show` tells it."""
    for line in ctl("show").splitlines():
        f = line.split()
        if len(f) in (4, 5) and f[:2] == ["set", "timeout"] and f[2] == name:
            return int(f[3])
    return DEFAULT_TIMEOUT[name]


class Session:
    def __init__(self, f):
        self.proto, self.a6, self.a4 = f[0], f[1], f[3]
        self.p6, self.p4 = int(f[2]), int(f[4])
        self.r4, self.rp = f[5], int(f[6])
        self.state, self.expires = f[7], int(f[9].rstrip("s"))

    def __repr__(self):
        return "%s [%s]:%d %s:%d %s:%d %s %ds" % (
            self.proto, self.a6, self.p6, self.a4, self.p4, self.r4,
            self.rp, self.state, self.expires)


class Bib:
    def __init__(self, f):
        self.proto, self.a6, self.a4 = f[0], f[1], f[3]
        self.p6, self.p4 = int(f[2]), int(f[4])
        self.static = f[5] == "static"
        self.rule = None if self.static else f[6]

    def __repr__(self):
        return "%s [%s]:%d %s:%d %s" % (
            self.proto, self.a6, self.p6, self.a4, self.p4,
            "static" if self.static else "rule " + self.rule)


def sessions(proto=None):
    """`session show [PROTO]`, every line checked against the format."""
    r = []
    for line in ctl("session", "show", *([proto] if proto else [])) \
            .splitlines():
        f = line.split()
        if not f:
            continue
        check(len(f) == 10 and f[0] in ("tcp", "udp", "icmp") and
              f[8] == "expires" and f[9][:-1].isdigit() and
              f[9][-1] == "s" and f[2].isdigit() and f[4].isdigit() and
              f[6].isdigit(), "session show: bad line %r" % line)
        s = Session(f)
        check(not proto or s.proto == proto,
              "session show %s listed %r" % (proto, line))
        r.append(s)
    return r


def bibs(proto=None):
    """`bib show [PROTO]`, every line checked against the format."""
    r = []
    for line in ctl("bib", "show", *([proto] if proto else [])).splitlines():
        f = line.split()
        if not f:
            continue
        dyn = len(f) == 9 and f[5] == "rule" and f[7] == "expires" and \
            f[8][:-1].isdigit() and f[8][-1] == "s"
        sta = len(f) == 6 and f[5] == "static"
        check((dyn or sta) and f[0] in ("tcp", "udp", "icmp") and
              f[2].isdigit() and f[4].isdigit(),
              "bib show: bad line %r" % line)
        b = Bib(f)
        check(not proto or b.proto == proto,
              "bib show %s listed %r" % (proto, line))
        r.append(b)
    return r


def sessions_of(proto, a6, p6):
    return [s for s in sessions(proto) if same(s.a6, a6) and s.p6 == p6]


def bibs_of(proto, a6, p6):
    return [b for b in bibs(proto) if same(b.a6, a6) and b.p6 == p6]


def session(proto, a6, p6, r4, rp):
    for s in sessions_of(proto, a6, p6):
        if same(s.r4, r4) and s.rp == rp:
            return s
    return None


def expect_state(a6, p6, r4, rp, state, timeout=10.0):
    """Wait for TCP session (@a6,@p6)-(@r4,@rp) to be in @state."""
    end = time.time() + timeout
    while True:
        s = session("tcp", a6, p6, r4, rp)
        if s and s.state == state:
            return s
        if time.time() > end:
            raise Fail("session [%s]:%d-%s:%d is %s, not %s" %
                       (a6, p6, r4, rp, s.state if s else "missing", state))
        time.sleep(0.1)


# ---- per case bookkeeping ----

FAILS = []
CLEANUPS = []


def on_exit(fn, *args):
    """Call fn(*args) when the case ends, last registered first."""
    CLEANUPS.append((fn, args))


def setting(*args, back):
    """`set ARGS...`, set back to @back when the case ends."""
    ctl("set", *args)
    on_exit(ctl, "set", *(list(args[:-1]) + [back]))


def set_timeout(name, secs):
    """Timeout @name to @secs (below RFC 6146's minimum: a test's)."""
    old = timeout_now(name)
    ctl("set", "timeout", name, secs, "below-rfc")
    on_exit(ctl, "set", "timeout", name, old, "below-rfc")


def add_pool(name, *args):
    ctl("pool", "add", name, *args)
    on_exit(ctl, "pool", "del", name)


def add_rule(name, prefix, pool):
    ctl("rule", "add", name, "prefix", prefix, "pool", pool)
    on_exit(ctl, "rule", "del", name)


def add_static(proto, a6, p6, a4, p4):
    ctl("bib", "add", proto, "[%s]:%d" % (a6, p6), "%s:%d" % (a4, p4))
    on_exit(quiet, "bib", "del", proto, "[%s]:%d" % (a6, p6),
            "%s:%d" % (a4, p4))


class part:
    """A part of a case: its failure is recorded, the case goes on."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, typ, e, tb):
        if typ is None:
            note("%s: %s: ok" % (CURRENT, self.name))
            return False
        if typ is Fail:
            why = str(e)
        elif issubclass(typ, Exception):
            why = "%s: %s" % (typ.__name__, e)
        else:
            return False
        FAILS.append("%s: %s" % (self.name, why))
        note("%s: %s: FAILED: %s" % (CURRENT, self.name, why))
        return True


# ---- traffic ----

PAYLOAD = b"stateful nat64 "


def udp_out(sport, dst4, dport, src=H6, prefix=PFX, payload=PAYLOAD):
    """UDP from the IPv6 side; return the IPv4 packet that came out."""
    drain()
    send6(IPv6(src=src, dst=emb(dst4, prefix)) /
          UDP(sport=sport, dport=dport) / Raw(payload))
    r = recv4(lambda p: UDP in p and p.dst == dst4 and
              p[UDP].dport == dport and bytes(p[UDP].payload) == payload)
    check(r, "udp [%s]:%d -> [%s]:%d not translated" %
          (src, sport, emb(dst4, prefix), dport))
    return r[0]


def udp_in(src4, sport, a4, p4, dport6, timeout=10.0, payload=PAYLOAD):
    """UDP from the IPv4 side; the IPv6 packet that came out, or None."""
    drain()
    send4(IP(src=src4, dst=a4) / UDP(sport=sport, dport=p4) / Raw(payload))
    r = recv6(lambda p: UDP in p and p[UDP].sport == sport and
              p[UDP].dport == dport6 and bytes(p[UDP].payload) == payload,
              timeout=timeout)
    return r[0] if r else None


def tcp_out(sport, dport, flags, seq=0, ack=0, src=T6, dst4=T4,
            prefix=PFX):
    """A TCP segment from the IPv6 side; return the translated one."""
    drain()
    send6(IPv6(src=src, dst=emb(dst4, prefix)) /
          TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
              window=8192))
    want = int(TCP(flags=flags).flags)
    r = recv4(lambda p: TCP in p and p.dst == dst4 and
              p[TCP].dport == dport and int(p[TCP].flags) == want)
    check(r, "tcp %s [%s]:%d -> %s:%d not translated" %
          (flags, src, sport, dst4, dport))
    return r[0]


def tcp_in(src4, sport, p4, flags, dport6, seq=0, ack=0, a4=POOL,
           timeout=10.0):
    """A TCP segment from the IPv4 side; the IPv6 one that came out, or
    None."""
    drain()
    send4(IP(src=src4, dst=a4) /
          TCP(sport=sport, dport=p4, flags=flags, seq=seq, ack=ack,
              window=8192))
    want = int(TCP(flags=flags).flags)
    r = recv6(lambda p: TCP in p and p[TCP].sport == sport and
              p[TCP].dport == dport6 and int(p[TCP].flags) == want,
              timeout=timeout)
    return r[0] if r else None


def tcp_open(sport, rport):
    """V6 SYN and V4 SYN+ACK between [T6]:@sport and T4:@rport; return the
    pool port."""
    syn = tcp_out(sport, rport, "S", seq=1000)
    p4 = syn[TCP].sport
    check(syn.src == POOL, "SYN from %s" % syn.src)
    r = tcp_in(T4, rport, p4, "SA", sport, seq=5000, ack=1001)
    check(r and same(r.src, emb(T4)) and same(r.dst, T6),
          "SYN+ACK not translated")
    return p4


def in_pool(port, lo=2000, hi=2999):
    return lo <= port <= hi


cases = []


def case(fn):
    cases.append(fn)
    return fn


# ---- 1. endpoint-independent mapping ----

@case
def eim():
    """One source transport address, two IPv4 destinations: one mapping."""
    before = counters()
    with part("both destinations see one pool address:port"):
        a = udp_out(41001, H4, 7001)
        b = udp_out(41001, H4B, 7002)
        check(a.src == POOL and b.src == POOL,
              "sources %s, %s" % (a.src, b.src))
        check(a[UDP].sport == b[UDP].sport,
              "two mappings: ports %d and %d" % (a[UDP].sport,
                                                 b[UDP].sport))
        check(in_pool(a[UDP].sport), "port %d" % a[UDP].sport)
    if FAILS:
        return
    p4 = a[UDP].sport
    with part("session show: two sessions, bib show: one entry"):
        ss = sessions_of("udp", H6, 41001)
        check(len(ss) == 2, "%d sessions: %s" % (len(ss), ss))
        for s in ss:
            check(same(s.a4, POOL) and s.p4 == p4 and s.state == "active",
                  "session %r" % s)
        check(sorted((s.r4, s.rp) for s in ss) ==
              [(H4, 7001), (H4B, 7002)], "remotes %s" % ss)
        bb = bibs_of("udp", H6, 41001)
        check(len(bb) == 1, "%d bib entries: %s" % (len(bb), bb))
        check(same(bb[0].a4, POOL) and bb[0].p4 == p4 and
              not bb[0].static and bb[0].rule == "r1", "bib %r" % bb[0])
    with part("mappings-created +1, sessions-created +2"):
        after = counters()
        for name, n in (("mappings-created", 1), ("sessions-created", 2)):
            check(name in after, "no counter %s in nat64ctl stats" % name)
            check(after[name] == before.get(name, 0) + n,
                  "%s %d, was %d" % (name, after[name],
                                     before.get(name, 0)))


# ---- 2. filtering ----

@case
def filtering():
    with part("endpoint-independent: any IPv4 host gets through"):
        p = udp_out(41002, H4, 7003)
        r = udp_in(H4B, 7777, POOL, p[UDP].sport, 41002)
        check(r, "UDP from %s:7777 to %s:%d did not reach the v6 host" %
              (H4B, POOL, p[UDP].sport))
        check(same(r.src, emb(H4B)) and same(r.dst, H6),
              "%s -> %s" % (r.src, r.dst))
    with part("address-dependent"):
        setting("filtering", "address-dependent",
                back="endpoint-independent")
        p = udp_out(41003, H4, 7004)
        dropped = counter("drop-filtered")
        r = udp_in(H4B, 7004, POOL, p[UDP].sport, 41003, timeout=1.5)
        check(not r, "UDP from another address got through")
        check(wait_counter("drop-filtered", dropped + 1, 3) == dropped + 1,
              "drop-filtered %d, was %d" % (counter("drop-filtered"),
                                            dropped))
        r = udp_in(H4, 7005, POOL, p[UDP].sport, 41003)
        check(r, "UDP from the same address, another port, dropped")
        check(same(r.src, emb(H4)), "from %s" % r.src)


# ---- 3. TCP state machine ----

@case
def tcp_states():
    trans = timeout_now("tcp-trans")
    with part("v6 SYN, v4 SYN+ACK, v6 FIN, v4 FIN"):
        syn = tcp_out(42001, 80, "S", seq=1000)
        p4 = syn[TCP].sport
        check(syn.src == POOL and in_pool(p4),
              "SYN from %s:%d" % (syn.src, p4))
        s = expect_state(T6, 42001, T4, 80, "v6-init")
        check(same(s.a4, POOL) and s.p4 == p4, "session %r" % s)
        r = tcp_in(T4, 80, p4, "SA", 42001, seq=5000, ack=1001)
        check(r, "SYN+ACK not translated")
        s = expect_state(T6, 42001, T4, 80, "established")
        check(s.expires > trans,
              "established expires in %ds, tcp-trans is %ds" %
              (s.expires, trans))
        tcp_out(42001, 80, "A", seq=1001, ack=5001)
        expect_state(T6, 42001, T4, 80, "established")
        tcp_out(42001, 80, "FA", seq=1001, ack=5001)
        expect_state(T6, 42001, T4, 80, "v6-fin-rcv")
        r = tcp_in(T4, 80, p4, "FA", 42001, seq=5001, ack=1002)
        check(r, "v4 FIN not translated")
        s = expect_state(T6, 42001, T4, 80, "v4-fin-v6-fin-rcv")
        check(s.expires <= trans,
              "after both FINs expires in %ds, tcp-trans is %ds" %
              (s.expires, trans))
    with part("established, RST -> trans"):
        p4 = tcp_open(42002, 80)
        expect_state(T6, 42002, T4, 80, "established")
        drain()
        send4(IP(src=T4, dst=POOL) /
              TCP(sport=80, dport=p4, flags="R", seq=5001))
        check(recv6(lambda p: TCP in p and p[TCP].dport == 42002 and
                    p[TCP].flags.R), "RST not translated")
        s = expect_state(T6, 42002, T4, 80, "trans")
        check(s.expires <= trans, "trans expires in %ds" % s.expires)
    with part("established, v4 FIN first -> v4-fin-rcv"):
        p4 = tcp_open(42003, 80)
        expect_state(T6, 42003, T4, 80, "established")
        check(tcp_in(T4, 80, p4, "FA", 42003, seq=5001, ack=1001),
              "v4 FIN not translated")
        expect_state(T6, 42003, T4, 80, "v4-fin-rcv")
    with part("tcp-est 4, tcp-trans 3: established session expires"):
        est = 4 * WAIT
        set_timeout("tcp-est", est)
        set_timeout("tcp-trans", 3 * WAIT)
        gone = counter("sessions-expired")
        tcp_open(42004, 80)
        tcp_out(42004, 80, "A", seq=1001, ack=5001)
        s = expect_state(T6, 42004, T4, 80, "established")
        check(s.expires <= est, "established expires in %ds" % s.expires)
        # Either it goes (after a trans period or not) or it stays in
        # trans; either way, not established past tcp-est.
        start, seen = time.time(), []
        while True:
            s = session("tcp", T6, 42004, T4, 80)
            if not s:
                break
            seen.append(s.state)
            check(time.time() < start + 25 * WAIT, "still %r after %d s" %
                  (s, 25 * WAIT))
            check(s.state in ("established", "trans"), "now %r" % s)
            check(s.state == "trans" or time.time() < start + 10 * WAIT,
                  "still %r %d s after tcp-est %d s" % (s, 10 * WAIT, est))
            time.sleep(0.5)
        note("tcp_states: gone after %.1f s, states seen: %s" %
             (time.time() - start, " ".join(sorted(set(seen)))))
        n = wait_counter("sessions-expired", gone + 1, 3)
        check(n > gone, "sessions-expired %d, was %d" % (n, gone))


# ---- 4. stored SYNs (RFC 6146 §3.5.2.2) ----

def icmp_for_syn(sport, dport, seq=None):
    """Is an IPv4 packet an ICMP port unreachable quoting that SYN?"""
    return lambda p: (ICMP in p and p[ICMP].type == 3 and TCPerror in p and
                      p[IPerror].src == T4 and p[IPerror].dst == POOL and
                      p[TCPerror].sport == sport and
                      p[TCPerror].dport == dport and
                      (seq is None or p[TCPerror].seq == seq))


@case
def stored_syn():
    with part("unsolicited SYN stored, ICMP port unreachable after 2 s"):
        set_timeout("syn", 2)
        stored, expired = counter("syn-stored"), counter("syn-expired")
        retx = counter("syn-retransmitted")
        drain()
        t0 = time.time()
        # The SYN and at once a retransmission of it (well within the
        # 2 s, even on a slow kernel): that is dropped and counted, the
        # first keeps its deadline (one answer, quoting the first SYN).
        syn = IP(src=T4, dst=POOL) / TCP(sport=7401, dport=2950, flags="S",
                                         seq=777)
        send4(syn)
        send4(syn)
        check(not recv6(lambda p: TCP in p and p[TCP].sport == 7401,
                        timeout=1.0), "unsolicited SYN translated")
        # The ICMP error first: each counter below is a nat64ctl process,
        # slow on a loaded machine, and the error's time is when it is read.
        r = recv4(icmp_for_syn(7401, 2950),
                  timeout=12 * WAIT - (time.time() - t0))
        check(r, "no ICMP error quoting the SYN within %d s" % (12 * WAIT))
        check(wait_counter("syn-retransmitted", retx + 1, 5) == retx + 1,
              "syn-retransmitted %d, was %d" %
              (counter("syn-retransmitted"), retx))
        check(counter("syn-stored") == stored + 1,
              "syn-stored %d, was %d (want one more)" %
              (counter("syn-stored"), stored))
        dt = r[0].time - t0
        check(r[0][ICMP].code == 3,
              "ICMP type 3 code %d" % r[0][ICMP].code)
        check(r[0][TCPerror].seq == 777 and r[0].dst == T4,
              "ICMP error to %s quoting seq %d" % (r[0].dst,
                                                   r[0][TCPerror].seq))
        check(1.5 <= dt <= 10 * WAIT, "ICMP error %.1f s after the SYN" % dt)
        note("stored_syn: ICMP error %.1f s after the SYN" % dt)
        check(wait_counter("syn-expired", expired + 1, 5) == expired + 1,
              "syn-expired %d, was %d" % (counter("syn-expired"), expired))
        check(not recv4(icmp_for_syn(7401, 2950), timeout=1.0),
              "a second ICMP error for the retransmitted SYN")
    with part("simultaneous open: v6 SYN to the stored SYN's port"):
        set_timeout("syn", 3)
        drain()
        t0 = time.time()
        send4(IP(src=T4, dst=POOL) / TCP(sport=7402, dport=2951, flags="S",
                                          seq=900))
        syn = tcp_out(2951, 7402, "S", seq=100)
        check(syn.src == POOL and syn[TCP].sport == 2951,
              "v6 SYN went out from %s:%d" % (syn.src, syn[TCP].sport))
        r = tcp_in(T4, 7402, 2951, "SA", 2951, seq=900, ack=101)
        check(r, "v4 SYN+ACK not translated")
        expect_state(T6, 2951, T4, 7402, "established")
        # Past the syn timeout and a GC pass: still no error.
        time.sleep(max(0.0, t0 + 6.5 - time.time()))
        errs = journal(S4, IP, t0, icmp_for_syn(7402, 2951))
        check(not errs, "ICMP error sent for the stored SYN")
    with part("max-stored-syns 4: the 5th to 7th SYN dropped, counted"):
        # The 7 SYNs built first and sent in a burst, well inside the
        # syn timeout: built one by one under a loaded emulator, the
        # first was once let go before the 5th came, which then fitted.
        set_timeout("syn", 4)
        setting("max-stored-syns", 4, back=10)
        syns = [frame4(IP(src=T4, dst=POOL) /
                       TCP(sport=7410 + i, dport=2960 + i, flags="S",
                           seq=1))
                for i in range(7)]
        stored, full = counter("syn-stored"), counter("drop-syn-queue-full")
        expired = counter("syn-expired")
        drain()
        for f in syns:
            S4.send(f)
        full_now = wait_counter("drop-syn-queue-full", full + 3, 5)
        stored_now = counter("syn-stored")
        check(full_now == full + 3 and stored_now == stored + 4,
              "drop-syn-queue-full +%d, syn-stored +%d (want +3, +4)" %
              (full_now - full, stored_now - stored))
        # Let them go, so that no error turns up in another case.
        wait_counter("syn-expired", expired + 4, 10)


# ---- 5. drop-external-tcp ----

@case
def drop_external_tcp():
    syn = tcp_out(42010, 83, "S", seq=1000)
    p4 = syn[TCP].sport
    with part("on: v4 SYN to a BIB entry dropped, counted"):
        setting("drop-external-tcp", "on", back="off")
        try:
            dropped = counter("drop-filtered")
            r = tcp_in(T4, 84, p4, "S", 42010, seq=3000, timeout=1.5)
            check(not r, "v4 SYN translated")
            n = wait_counter("drop-filtered", dropped + 1, 3)
            check(n == dropped + 1, "drop-filtered %d, was %d" % (n, dropped))
            check(session("tcp", T6, 42010, T4, 84) is None,
                  "session made for the dropped SYN")
        finally:
            quiet("set", "drop-external-tcp", "off")
    with part("off: v4 SYN to a BIB entry translated, v4-init"):
        r = tcp_in(T4, 85, p4, "S", 42010, seq=4000)
        check(r, "v4 SYN not translated")
        check(same(r.src, emb(T4)) and same(r.dst, T6), "%s -> %s" %
              (r.src, r.dst))
        expect_state(T6, 42010, T4, 85, "v4-init")


# ---- 6. port allocation ----

@case
def port_allocation():
    with part("random (default): 5 flows, not 5 consecutive ports"):
        add_pool("p3", "198.51.100.3", "ports", "3000-3999")
        add_rule("r3", "64:ff9b:2::/96", "p3")
        ports = [udp_out(50010 + i, H4, 7010, prefix="64:ff9b:2::")
                 [UDP].sport for i in range(5)]
        note("port_allocation: random: %s" % ports)
        check(all(in_pool(p, 3000, 3999) for p in ports), "ports %s" % ports)
        check(len(set(ports)) == 5, "ports %s" % ports)
        check(not all(b == a + 1 for a, b in zip(ports, ports[1:])),
              "consecutive ports %s" % ports)
    with part("range preservation in a pool of ports 1-65535"):
        add_pool("p4", "198.51.100.4", "ports", "1-65535")
        add_rule("r4", "64:ff9b:3::/96", "p4")
        # The host at ::7 takes the ports first: ::2 cannot keep its own.
        for sport in (600, 1023, 1024, 5000):
            p = udp_out(sport, H4, 7011, src=T6, prefix="64:ff9b:3::")
            check((p[UDP].sport < 1024) == (sport < 1024),
                  "[%s]:%d got port %d" % (T6, sport, p[UDP].sport))
        for sport in (600, 1023, 1024, 5000):
            p = udp_out(sport, H4, 7011, prefix="64:ff9b:3::")
            check((p[UDP].sport < 1024) == (sport < 1024),
                  "[%s]:%d got port %d" % (H6, sport, p[UDP].sport))
    with part("paired pooling: one IPv4 address per IPv6 host"):
        add_pool("p5", "198.51.100.8/30")
        add_rule("r5", "64:ff9b:4::/96", "p5")
        net = ipaddress.ip_network("198.51.100.8/30")
        for host in (H6, T6):
            srcs = set()
            for i in range(5):
                srcs.add(udp_out(50020 + i, H4, 7012, src=host,
                                 prefix="64:ff9b:4::").src)
            drain()
            send6(IPv6(src=host, dst=emb(T4, "64:ff9b:4::")) /
                  ICMPv6EchoRequest(id=50030, seq=1))
            r = recv4(lambda p: ICMP in p and p[ICMP].type == 8 and
                      p.dst == T4)
            check(r, "echo request from %s not translated" % host)
            srcs.add(r[0].src)
            syn = tcp_out(50031, 80, "S", src=host, prefix="64:ff9b:4::")
            srcs.add(syn.src)
            note("port_allocation: %s uses %s" % (host, sorted(srcs)))
            check(len(srcs) == 1, "%s uses %s" % (host, sorted(srcs)))
            check(ipaddress.ip_address(srcs.pop()) in net, "not in the pool")
    with part("sequential: 3000, 3001, 3002, 3003"):
        add_pool("p2", "198.51.100.2", "ports", "3000-3999", "alloc",
                 "sequential")
        add_rule("r2", "64:ff9b:5::/96", "p2")
        ports = [udp_out(50001 + i, H4, 7013, prefix="64:ff9b:5::")
                 [UDP].sport for i in range(4)]
        check(ports == [3000, 3001, 3002, 3003], "ports %s" % ports)


# ---- 7. static BIB entries ----

@case
def static_bib():
    with part("bib add/show/del, refusals"):
        entry = ("tcp", "[%s]:8080" % H6, "%s:80" % POOL)
        ctl("bib", "add", *entry)
        on_exit(quiet, "bib", "del", *entry)
        b = bibs_of("tcp", H6, 8080)
        check(len(b) == 1 and b[0].static and same(b[0].a4, POOL) and
              b[0].p4 == 80, "bib show tcp: %s" % b)
        for what, args in (("a duplicate", entry),
                           ("an address in no pool",
                            ("tcp", "[%s]:8081" % H6, "203.0.113.1:80"))):
            r = ctl_run("bib", "add", *args)
            check(r.returncode == 1 and r.stderr.strip(),
                  "adding %s: exit %d, stderr %r" %
                  (what, r.returncode, r.stderr))
        ctl("bib", "del", *entry)
        check(not bibs_of("tcp", H6, 8080), "still listed after bib del")
    with part("static udp: IPv4 host reaches [2001:db8:6::7]:8082"):
        add_static("udp", T6, 8082, POOL, 82)
        r = udp_in(H4, 7021, POOL, 82, 8082)
        check(r, "UDP to %s:82 did not reach the v6 host" % POOL)
        check(same(r.dst, T6) and same(r.src, emb(H4)) and
              r[UDP].sport == 7021, "%s -> %s" % (r.src, r.dst))
        p = udp_out(8082, H4, 7021, src=T6)
        check(p.src == POOL and p[UDP].sport == 82,
              "reply from %s:%d" % (p.src, p[UDP].sport))
        ctl("session", "flush")
        b = bibs_of("udp", T6, 8082)
        check(len(b) == 1 and b[0].static,
              "after session flush, bib: %s" % b)
        check(udp_in(H4, 7022, POOL, 82, 8082),
              "not translated after session flush")
    with part("static tcp: v4 SYN reaches [2001:db8:6::7]:8083"):
        add_static("tcp", T6, 8083, POOL, 83)
        r = tcp_in(T4, 7023, 83, "S", 8083, seq=10)
        check(r and same(r.dst, T6) and same(r.src, emb(T4)),
              "SYN to %s:83 not translated" % POOL)
        expect_state(T6, 8083, T4, 7023, "v4-init")
        syn = tcp_out(8083, 7023, "SA", seq=20, ack=11)
        check(syn.src == POOL and syn[TCP].sport == 83,
              "SYN+ACK from %s:%d" % (syn.src, syn[TCP].sport))
        expect_state(T6, 8083, T4, 7023, "established")


# ---- 8. hairpinning ----

@case
def hairpinning():
    server = emb(POOL)          # 64:ff9b:1::c633:6401
    add_static("udp", H6B, 5000, POOL, 2500)
    hp = counter("hairpinned")
    drain()
    send6(IPv6(src=H6, dst=server, hlim=64) /
          UDP(sport=41008, dport=2500) / Raw(b"hairpin request"))
    r = recv6(lambda p: UDP in p and same(p.dst, H6B) and
              p[UDP].dport == 5000)
    check(r, "nothing reached [%s]:5000" % H6B)
    req = r[0]
    # The translator is one router on the way: one hop.
    check(req.hlim == 63, "hop limit %d, sent 64" % req.hlim)
    p4 = req[UDP].sport
    check(same(req.src, server), "request from %s, not %s" %
          (req.src, server))
    check(bytes(req[UDP].payload) == b"hairpin request", "payload")
    b = bibs_of("udp", H6, 41008)
    check(len(b) == 1 and same(b[0].a4, POOL) and b[0].p4 == p4,
          "request from port %d, client bib %s" % (p4, b))
    drain()
    send6(IPv6(src=H6B, dst=server) / UDP(sport=5000, dport=p4) /
          Raw(b"hairpin reply"))
    r = recv6(lambda p: UDP in p and same(p.dst, H6) and
              p[UDP].dport == 41008)
    check(r, "the reply did not reach the client")
    check(same(r[0].src, server) and r[0][UDP].sport == 2500,
          "reply from [%s]:%d" % (r[0].src, r[0][UDP].sport))
    check(bytes(r[0][UDP].payload) == b"hairpin reply", "payload")
    n = wait_counter("hairpinned", hp + 2, 3)
    check(n >= hp + 2, "hairpinned %d, was %d" % (n, hp))


def snmp6(name):
    """Counter @name of the translator namespace's /proc/net/snmp6."""
    out = subprocess.run(["ip", "netns", "exec", XNS, "cat",
                          "/proc/net/snmp6"], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == name:
            return int(f[1])
    raise Fail("no %s in /proc/net/snmp6" % name)


@case
def hairpin_no_mapping():
    """RFC 6146 §3.8: a hairpinned packet no BIB entry takes back is
    the translator's to drop; the sender is told, as for any 6to4 packet
    that cannot be translated."""
    server = emb(POOL)

    def unreach_for(sport):
        return lambda p: (ICMPv6DestUnreach in p and IPerror6 in p and
                          same(p[IPerror6].dst, server) and
                          (UDPerror in p and p[UDPerror].sport == sport or
                           TCPerror in p and p[TCPerror].sport == sport))

    for what, src, pkt, sport in (
            ("udp", H6, UDP(sport=41030, dport=2777) / Raw(b"to nobody"),
             41030),
            ("tcp syn", T6, TCP(sport=41031, dport=2778, flags="S",
                                seq=77, window=8192), 41031)):
        with part("%s to [%s]:%d: dropped, port unreachable" %
                  (what, server, pkt.dport)):
            c0, nr0 = counters(), snmp6("Ip6InNoRoutes")
            drain()
            send6(IPv6(src=src, dst=server) / pkt)
            r = recv6(unreach_for(sport))
            hp = c0.get("drop-hairpin", 0) + 1
            wait_counter("drop-hairpin", hp, 3)
            c1 = counters()
            # Nothing else: no session, no IPv4 SYN kept (syn-stored).
            moved = {k: c1[k] - c0.get(k, 0) for k in c1
                     if c1[k] != c0.get(k, 0) and
                     k not in ("sessions-expired", "mappings-expired")}
            want = {"drop-hairpin": 1, "icmp-sent": 1}
            nr = snmp6("Ip6InNoRoutes")
            errs = []
            if not r:
                errs.append("no ICMPv6 destination unreachable")
            elif r[0][ICMPv6DestUnreach].code != 4 or not same(r[0].dst,
                                                               src):
                errs.append("code %d to %s" % (
                    r[0][ICMPv6DestUnreach].code, r[0].dst))
            if moved != want:
                errs.append("counters moved %s, want %s" % (moved, want))
            if nr != nr0:
                errs.append("Ip6InNoRoutes +%d: the IPv4 bytes went back "
                            "to IPv6" % (nr - nr0))
            if journal(S4, IP, 0, lambda p: True):
                errs.append("something came out on the IPv4 side")
            check(not errs, "; ".join(errs))


# ---- 9. pool exhaustion ----

@case
def pool_exhaustion():
    add_pool("p6", "198.51.100.20", "ports", "2000-2001")
    add_rule("r6", "64:ff9b:6::/96", "p6")
    pre = "64:ff9b:6::"
    a = udp_out(41091, H4, 7090, prefix=pre)
    b = udp_out(41092, H4, 7090, prefix=pre)
    got = sorted((a[UDP].sport, b[UDP].sport))
    check(got == [2000, 2001], "first two flows got ports %s" % got)
    with part("third flow: ICMPv6 address unreachable, 6to4-no-port"):
        noport = counter("6to4-no-port")
        drain()
        send6(IPv6(src=H6, dst=emb(H4, pre)) /
              UDP(sport=41093, dport=7090) / Raw(PAYLOAD))
        r = recv6(lambda p: ICMPv6DestUnreach in p and UDPerror in p and
                  p[UDPerror].sport == 41093)
        check(r, "no ICMPv6 destination unreachable for the third flow")
        check(r[0][ICMPv6DestUnreach].code == 3,
              "code %d" % r[0][ICMPv6DestUnreach].code)
        check(same(r[0][IPerror6].src, H6),
              "quotes %s" % r[0][IPerror6].src)
        check(not journal(S4, IP, 0, lambda p: UDP in p and
                          p[UDP].sport not in (2000, 2001) and
                          p.src == "198.51.100.20"),
              "third flow translated")
        n = counter("6to4-no-port")
        check(n == noport + 1, "6to4-no-port %d, was %d" % (n, noport))
    with part("the first two flows keep working"):
        for sport, p in ((41091, a), (41092, b)):
            again = udp_out(sport, H4, 7090, prefix=pre)
            check(again[UDP].sport == p[UDP].sport,
                  "flow %d moved to port %d" % (sport, again[UDP].sport))
            r = udp_in(H4, 7090, "198.51.100.20", p[UDP].sport, sport)
            check(r and same(r.src, emb(H4, pre)),
                  "reply to flow %d did not come back" % sport)
    with part("pool add p6 again: port 2002 more, the third flow gets it"):
        ctl("pool", "add", "p6", "198.51.100.20", "ports", "2002-2002")
        c = udp_out(41093, H4, 7090, prefix=pre)
        check(c.src == "198.51.100.20" and c[UDP].sport == 2002,
              "third flow from %s:%d" % (c.src, c[UDP].sport))


# ---- 10. two rules, one pool, EIM ----

@case
def two_rules_eim():
    add_rule("r2", PFX2 + "/96", "p1")
    with part("both flows out through one mapping"):
        a = udp_out(41010, H4, 7100)
        b = udp_out(41010, H4B, 7101, prefix=PFX2)
        check(a.src == POOL and b.src == POOL and
              a[UDP].sport == b[UDP].sport,
              "mapped to %s:%d and %s:%d" % (a.src, a[UDP].sport, b.src,
                                             b[UDP].sport))
    if FAILS:
        return
    p4 = a[UDP].sport
    with part("replies come from the prefix each flow used"):
        r = udp_in(H4, 7100, POOL, p4, 41010)
        check(r and same(r.src, emb(H4)),
              "reply from %s: %s" % (H4, r.src if r else "none"))
        r = udp_in(H4B, 7101, POOL, p4, 41010)
        check(r, "reply from %s did not come back" % H4B)
        check(same(r.src, emb(H4B, PFX2)),
              "reply from %s came as %s, not %s" % (H4B, r.src,
                                                    emb(H4B, PFX2)))
    with part("one bib entry, two sessions"):
        bb = bibs_of("udp", H6, 41010)
        check(len(bb) == 1, "%d bib entries: %s" % (len(bb), bb))
        ss = sessions_of("udp", H6, 41010)
        check(len(ss) == 2, "%d sessions: %s" % (len(ss), ss))


@case
def two_prefixes_one_peer():
    """One IPv6 source port, one IPv4 server, reached through r1's and
    r2's prefixes in turn (two connected sockets would do this): each
    answer must come from the prefix its question went to."""
    add_rule("r2", PFX2 + "/96", "p1")
    p4 = None
    for i, pre in enumerate((PFX, PFX2, PFX, PFX2, PFX2, PFX)):
        with part("exchange %d through %s" % (i + 1, pre)):
            q = udp_out(41020, H4, 7200, prefix=pre,
                        payload=b"question %d" % i)
            check(q.src == POOL and p4 in (None, q[UDP].sport),
                  "from %s:%d (first %s)" % (q.src, q[UDP].sport, p4))
            p4 = q[UDP].sport
            r = udp_in(H4, 7200, POOL, p4, 41020, payload=b"answer %d" % i)
            check(r, "the answer did not come back")
            check(same(r.src, emb(H4, pre)),
                  "answer from %s, not %s" % (r.src, emb(H4, pre)))
    with part("one session, of the prefix used last"):
        ss = sessions_of("udp", H6, 41020)
        check(len(ss) == 1, "%d sessions: %s" % (len(ss), ss))


# ---- the runner ----

CURRENT = None


def main():
    global CURRENT
    names = [c.__name__ for c in cases]
    for o in ONLY:
        if o not in names:
            print("# no case %s (cases: %s)" % (o, " ".join(names)))
            return 2
    bad, n = False, 0
    for c in cases:
        if ONLY and c.__name__ not in ONLY:
            continue
        n += 1
        CURRENT = c.__name__
        del FAILS[:]
        del CLEANUPS[:]
        for s in JOURNAL:
            del JOURNAL[s][:]
        quiet("session", "flush")
        note("%s: start" % CURRENT)     # the last words if the kernel dies
        start = time.time()
        try:
            c()
        except Fail as e:
            FAILS.append(str(e))
        except Exception as e:  # a test bug is a failure too
            FAILS.append("%s: %s" % (type(e).__name__, e))
        for fn, args in reversed(CLEANUPS):
            try:
                fn(*args)
            except Exception as e:
                FAILS.append("cleanup: %s" % e)
        quiet("session", "flush")
        note("%s: %.1f s" % (CURRENT, time.time() - start))
        if FAILS:
            print("not ok %d %s # %s" % (n, CURRENT, "; ".join(FAILS)),
                  flush=True)
            bad = True
        else:
            print("ok %d %s" % (n, CURRENT), flush=True)
    return 1 if bad else 0


sys.exit(main())
