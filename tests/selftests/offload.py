#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Bulk data through the translator from real sockets, so that it gets
GSO, paged and (with a tap) cloned skbs; for malformed.sh.

  offload.py tcp-server NS PORT
      in NS, accept TCP connections on PORT (IPv4 and IPv6) and echo
      what each sends back, until EOF
  offload.py tcp-client NS HOST PORT BYTES
      in NS, send BYTES pseudo-random bytes to [HOST]:PORT in large writes
      while reading the echo; prints "sent N received M same|DIFFERENT"
  offload.py udp-server NS PORT [nodf]
      echo each burst of UDP datagrams back as one UDP_SEGMENT (GSO) send;
      with nodf, IPv4 ones with DF clear (IP_PMTUDISC_DONT)
  offload.py udp-client NS HOST PORT SEGMENTS SIZE
      send SEGMENTS datagrams of SIZE bytes in one UDP_SEGMENT send; print
      "sent N received M same|DIFFERENT" for the echoes
  offload.py link-u32 NS DEV ATTR VALUE
      set the u32 link attribute number ATTR of DEV (RTM_NEWLINK), for
      those iproute2 6.1 has no name for (IFLA_GSO_IPV4_MAX_SIZE, 63);
      exit 1 with the kernel's error if it refuses
  offload.py tap NS DEV6 DEV4 OUTFILE
      in NS, read every frame on DEV6 and DEV4 (OUTFILE.ready once it
      does) until SIGTERM; then write
      to OUTFILE "frames N max-len L bad B max-len6 L6 max-len4 L4" (the
      longest frame on each link) and the first bad frames: on
      DEV6 every IP frame must be IPv6, on DEV4 IPv4 or ICMPv6, and the
      IP version must be the one the EtherType says (a translator that
      wrote into a shared skb would show through)
Exit 0 on success.
"""
import hashlib
import os
import random
import select
import signal
import socket
import struct
import sys
import threading

import nsutil

UDP_SEGMENT = 103
SOL_UDP = 17
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DONT = 0


def data(n, seed=7):
    return random.Random(seed).randbytes(n)


def tcp_server(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(4)
    while True:
        c, _ = s.accept()
        c.settimeout(120)
        while True:
            b = c.recv(1 << 20)
            if not b:
                break
            c.sendall(b)
        c.shutdown(socket.SHUT_WR)
        c.close()


def tcp_client(host, port, n):
    buf = data(n)
    c = socket.create_connection((host, port), timeout=120)
    got = []

    def reader():
        while True:
            b = c.recv(1 << 20)
            if not b:
                break
            got.append(b)
    t = threading.Thread(target=reader)
    t.start()
    view = memoryview(buf)
    for i in range(0, n, 256 << 10):
        c.sendall(view[i:i + (256 << 10)])
    c.shutdown(socket.SHUT_WR)
    t.join(150)
    rx = b"".join(got)
    same = hashlib.sha256(rx).digest() == hashlib.sha256(buf).digest()
    print("sent %d received %d %s" % (n, len(rx),
                                      "same" if same else "DIFFERENT"))
    return 0 if same else 1


def udp_server(port, nodf=False):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    if nodf:
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
    s.bind(("::", port))
    while True:
        b, peer = s.recvfrom(65535)
        burst = [b]
        # The rest of the burst, then all of it back in one GSO send.
        while select.select([s], [], [], 0.5)[0]:
            b2, p2 = s.recvfrom(65535)
            if p2 == peer and len(b2) == len(b):
                burst.append(b2)
        s.setsockopt(SOL_UDP, UDP_SEGMENT, len(b))
        s.sendto(b"".join(burst), peer)
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 0)


def udp_client(host, port, nseg, size):
    buf = data(nseg * size, 9)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((host, port))
    s.setsockopt(SOL_UDP, UDP_SEGMENT, size)
    s.send(buf)
    got = []
    while len(got) < nseg and select.select([s], [], [], 10)[0]:
        got.append(s.recv(65535))
    same = got == [buf[i:i + size] for i in range(0, len(buf), size)]
    print("sent %d received %d %s" % (nseg, len(got),
                                      "same" if same else "DIFFERENT"))
    return 0 if same else 1


def link_u32(dev, attr, value):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # ROUTE
    s.bind((0, 0))
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0,
                       socket.if_nametoindex(dev), 0, 0)
    body += struct.pack("=HHI", 8, attr, value)
    # RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK
    s.send(struct.pack("=IHHII", 16 + len(body), 16, 5, 1, 0) + body)
    ack = s.recv(4096)
    err = struct.unpack_from("=i", ack, 16)[0]
    if err:
        print("RTM_NEWLINK %s attr %d: %s" % (dev, attr,
                                             os.strerror(-err)))
        return 1
    # Older kernels ignore attributes they do not know: read it back.
    s.send(struct.pack("=IHHII", 16 + 16, 18, 1, 2, 0) +  # RTM_GETLINK
           struct.pack("=BxHiII", socket.AF_UNSPEC, 0,
                       socket.if_nametoindex(dev), 0, 0))
    msg = s.recv(65536)
    off = 16 + 16
    while off + 4 <= len(msg):
        alen, atype = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        if atype == attr and alen == 8:
            got = struct.unpack_from("=I", msg, off + 4)[0]
            if got == value:
                return 0
            print("attr %d of %s is %d, not %d" % (attr, dev, got, value))
            return 1
        off += (alen + 3) & ~3
    print("this kernel has no link attribute %d" % attr)
    return 1


def tap(dev6, dev4, out):
    socks = {}
    for dev, ver in ((dev6, 6), (dev4, 4)):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(3))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.bind((dev, 0))
        socks[s] = ver
    open(out + ".ready", "w").close()
    stats = {"frames": 0, "max": 0, "bad": 0, 6: 0, 4: 0}
    bad = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    while not stop:
        try:
            r = select.select(list(socks), [], [], 0.2)[0]
        except InterruptedError:
            continue
        for s in r:
            f = s.recv(1 << 17)
            et = f[12] << 8 | f[13]
            if et not in (0x0800, 0x86dd):
                continue
            stats["frames"] += 1
            stats["max"] = max(stats["max"], len(f))
            stats[socks[s]] = max(stats[socks[s]], len(f))
            # A header rewritten under the tap shows as an IP version
            # its EtherType denies; IPv4 on the IPv6 link is wrong too
            # (the IPv4 link carries the stack's own ICMPv6: RS, MLD).
            ver = 6 if et == 0x86dd else 4
            if f[14] >> 4 != ver or (socks[s] == 6 and ver == 4) or \
                    (socks[s] == 4 and ver == 6 and f[20] != 58):
                stats["bad"] += 1
                if len(bad) < 3:
                    bad.append(f[:64].hex())
    with open(out, "w") as fo:
        fo.write("frames %d max-len %d bad %d max-len6 %d max-len4 %d\n" % (
            stats["frames"], stats["max"], stats["bad"], stats[6],
            stats[4]))
        for b in bad:
            fo.write(b + "\n")
    return 0


def main():
    mode, ns = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    nsutil.enter(ns)
    if mode == "tcp-server":
        return tcp_server(int(a[0]))
    if mode == "tcp-client":
        return tcp_client(a[0], int(a[1]), int(a[2]))
    if mode == "udp-server":
        return udp_server(int(a[0]), a[1:] == ["nodf"])
    if mode == "udp-client":
        return udp_client(a[0], int(a[1]), int(a[2]), int(a[3]))
    if mode == "link-u32":
        return link_u32(a[0], int(a[1]), int(a[2]))
    if mode == "tap":
        return tap(a[0], a[1], a[2])
    print("unknown mode " + mode, file=sys.stderr)
    return 2


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
