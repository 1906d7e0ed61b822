#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""NAT64_CMD_SESSION_ADD and _DEL as a hostile peer would use them
(sync.sh), in a translator with rule r (64:ff9b:1::/96, pool p:
198.51.100.1 ports 1024-32767, and 198.51.100.1 ports 32768-65535 as a
peer's share), rule rq (64:ff9b:2::/96, pool q: 198.51.100.8 ports
1024-2047 in blocks of 64) and 203.0.113.0/24 denied.

Usage: syncnl.py NAT64CTL
Prints TAP-style "ok"/"not ok" lines; exits 1 if any failed.
"""
import errno
import re
import socket
import struct
import subprocess
import sys

import nsutil

CTL = sys.argv[1]
A, SA = nsutil.uapi_enum("nat64_attr"), nsutil.uapi_enum("nat64_session_attr")
attr, NESTED = nsutil.attr, nsutil.NLA_F_NESTED
TCP, UDP = 6, 17
EST = nsutil.uapi_enum("nat64_tcp_state")["NAT64_TCP_ESTABLISHED"]


def session(proto=UDP, addr6="2001:db8:6::2", port6=5000,
            addr4="198.51.100.1", port4=40000, raddr="192.0.2.2", rport=7,
            rule=b"r", state=None, expires=None):
    a = (attr(SA["NAT64_SESSION_A_PROTO"], bytes([proto])) +
         attr(SA["NAT64_SESSION_A_ADDR6"],
              socket.inet_pton(socket.AF_INET6, addr6)) +
         attr(SA["NAT64_SESSION_A_PORT6"], struct.pack("=H", port6)) +
         attr(SA["NAT64_SESSION_A_RADDR4"], socket.inet_aton(raddr)) +
         attr(SA["NAT64_SESSION_A_RPORT"], struct.pack("=H", rport)))
    if addr4 is not None:
        a += (attr(SA["NAT64_SESSION_A_ADDR4"], socket.inet_aton(addr4)) +
              attr(SA["NAT64_SESSION_A_PORT4"], struct.pack("=H", port4)))
    if rule is not None:
        a += attr(SA["NAT64_SESSION_A_RULE"], rule + b"\0")
    if state is not None:
        a += attr(SA["NAT64_SESSION_A_STATE"], bytes([state]))
    if expires is not None:
        a += attr(SA["NAT64_SESSION_A_EXPIRES_MS"], struct.pack("=I", expires))
    return attr(A["NAT64_A_SESSION"] | NESTED, a)


def ctl(*args):
    return subprocess.run([CTL] + list(args), capture_output=True,
                          text=True).stdout


tap = nsutil.Tap()
check = tap.check
s = nsutil.GenlSock()
add = lambda **kw: s.cmd("SESSION_ADD", session(**kw))  # noqa: E731
check("a peer's UDP session is taken", add() == 0)
check("... and listed with its mapping",
      "198.51.100.1 40000" in ctl("session", "show", "udp"))
check("a TCP session in a peer's share, established, 5000 s left",
      add(proto=TCP, port6=5001, port4=50000, state=EST,
          expires=5000000) == 0)
out = ctl("session", "show", "tcp")
check("... listed established", "ESTABLISHED" in out.upper() and
      "198.51.100.1 50000" in out)
check("the same again refreshes it", add(proto=TCP, port6=5001, port4=50000,
                                         state=EST, expires=6000000) == 0)
check("an address outside the rule's pool: EINVAL",
      add(port6=5002, addr4="198.51.100.9") == errno.EINVAL)
check("a protocol the pool does not serve, or a port outside: EINVAL",
      add(port6=5003, port4=80) == errno.EINVAL)
check("a rule this translator does not have: ENOENT",
      add(port6=5004, rule=b"other") == errno.ENOENT)
check("a denied IPv4 peer: EINVAL",
      add(port6=5005, raddr="203.0.113.5") == errno.EINVAL)
check("a loopback IPv4 peer: EINVAL",
      add(port6=5006, raddr="127.0.0.1") == errno.EINVAL)
check("the IPv6 side mapped to another port here: EEXIST",
      add(port4=40001) == errno.EEXIST)
check("the IPv4 side held by another IPv6 host: EEXIST",
      add(addr6="2001:db8:6::3") == errno.EEXIST)
check("no IPv4 side or rule: EINVAL", add(port6=5007, addr4=None) ==
      errno.EINVAL and add(port6=5007, rule=None) == errno.EINVAL)
check("a TCP state out of range: ERANGE (the policy)",
      add(proto=TCP, port6=5008, port4=50001, state=99) == errno.ERANGE)
st = ctl("stats")
check("counted: 2 added, 1 refreshed, 9 refused, 2 conflicts",
      all(re.search(r"^\s*%s %d$" % (k, v), st, re.M)
          for k, v in (("sync-added", 2), ("sync-updated", 1),
                       ("sync-refused", 9), ("sync-conflicts", 2))) or
      print("# " + st.replace("\n", "\n# ")))
check("removed by SESSION_DEL", s.cmd("SESSION_DEL", session(
    addr4=None, rule=None)) == 0 and "40000" not in ctl("session", "show"))
check("removed again: ENOENT", s.cmd("SESSION_DEL", session(
    addr4=None, rule=None)) == errno.ENOENT)

# Port blocks: a synced mapping takes the peer's block for its subscriber.
for p6, p4, n in ((1030, 1030, 1), (1031, 1040, 2)):
    r = add(addr6="2001:db8:7::1", port6=p6, addr4="198.51.100.8", port4=p4,
            rule=b"rq")
    out = ctl("block", "show")
    check("a mapping in a block range is taken, with its block (%d)" % n,
          r == 0 and re.search(r"^2001:db8:7::\S*/\d+ 198\.51\.100\.8 1024-1087 "
                               r".* mappings %d " % n, out, re.M) or
          print("# error %d, blocks: %s" % (r, out)))
check("another subscriber in that block: EEXIST",
      add(addr6="2001:db8:8::1", port6=1032, addr4="198.51.100.8", port4=1050,
          rule=b"rq") == errno.EEXIST)
for p6 in (1030, 1031):
    s.cmd("SESSION_DEL", session(addr6="2001:db8:7::1", port6=p6, addr4=None,
                                 rule=None))
check("the block goes with its last mapping",
      "198.51.100.8" not in ctl("block", "show"))
sys.exit(tap.failed)
