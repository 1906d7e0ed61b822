#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Batches over raw generic netlink, two sockets at once: one batch a
namespace (-EBUSY), a batch dies with its socket, a change flagged for a
batch needs one open on its own socket, a commit refuses (-EAGAIN) when
the configuration changed meanwhile, and a committed batch applies.

Usage: batchnl.py NAT64CTL   (in the translator namespace)
Prints TAP-style "ok"/"not ok" lines; exits 1 if any failed.
"""
import errno
import re
import struct
import subprocess
import sys

import nsutil

CTL = sys.argv[1]
enum = nsutil.uapi_enum
A, CFG = enum("nat64_attr"), enum("nat64_config_attr")
attr, Sock, NLA_F_NESTED = nsutil.attr, nsutil.GenlSock, nsutil.NLA_F_NESTED


def set_icmp(seconds, batch):
    nest = attr(CFG["NAT64_CONFIG_A_TIMEOUT_ICMP"], struct.pack("=I", seconds))
    a = attr(A["NAT64_A_CONFIG"] | NLA_F_NESTED, nest)
    if batch:
        a += attr(A["NAT64_A_BATCH"], b"")
    return a


def icmp_timeout():
    out = subprocess.run([CTL, "show"], capture_output=True, text=True).stdout
    m = re.search(r"^set timeout icmp (\d+)$", out, re.M)
    return int(m.group(1)) if m else None


tap = nsutil.Tap()
check = tap.check
a, b = Sock(), Sock()
base = icmp_timeout()
check("a change flagged for a batch, none open: EINVAL",
      a.cmd("SET_CONFIG", set_icmp(77, True)) == errno.EINVAL)
check("commit with no batch open: EINVAL", a.cmd("BATCH_COMMIT") == errno.EINVAL)
check("begin on socket A", a.cmd("BATCH_BEGIN") == 0)
check("begin again on A: EBUSY", a.cmd("BATCH_BEGIN") == errno.EBUSY)
check("begin on socket B: EBUSY", b.cmd("BATCH_BEGIN") == errno.EBUSY)
check("B's change flagged for A's batch: EINVAL",
      b.cmd("SET_CONFIG", set_icmp(77, True)) == errno.EINVAL)
check("A's batched change accepted", a.cmd("SET_CONFIG", set_icmp(77, True)) == 0)
check("not applied before the commit", icmp_timeout() == base)
check("commit", a.cmd("BATCH_COMMIT") == 0)
check("applied by the commit", icmp_timeout() == 77)

check("begin on A", a.cmd("BATCH_BEGIN") == 0)
check("A's batched change", a.cmd("SET_CONFIG", set_icmp(78, True)) == 0)
a.close()
check("A closed: B may begin", b.cmd("BATCH_BEGIN") == 0)
check("A's batch was dropped", icmp_timeout() == 77)
check("B's batched change", b.cmd("SET_CONFIG", set_icmp(79, True)) == 0)
check("a change outside the batch", b.cmd("SET_CONFIG", set_icmp(80, False)) == 0)
check("commit after it: EAGAIN", b.cmd("BATCH_COMMIT") == errno.EAGAIN)
check("EAGAIN changed nothing", icmp_timeout() == 80)
check("the batch is gone after a failed commit",
      b.cmd("BATCH_ABORT") == errno.EINVAL)
check("begin, abort", b.cmd("BATCH_BEGIN") == 0 and
      b.cmd("SET_CONFIG", set_icmp(81, True)) == 0 and
      b.cmd("BATCH_ABORT") == 0 and icmp_timeout() == 80)
b.close()
print("1..%d" % tap.n)
sys.exit(tap.failed)
