# SPDX-License-Identifier: GPL-2.0
"""Network namespaces (`ip netns` names) for the selftests' Python parts,
and the pace of the guest they run in."""
import ctypes
import os
import re
import socket
import struct

# How many times longer to wait on a slow kernel (NAT64_SLOW, the debug
# kernel; lib.sh's $WAIT).
WAIT = 3 if os.environ.get("NAT64_SLOW", "0") not in ("", "0") else 1

# The repository the tests run from.
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def uapi_enum(name):
    """The members of C enum @name of include/uapi/nat64.h, by name."""
    text = open(os.path.join(TOP, "include/uapi/nat64.h")).read()
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return {n.strip(): i for i, n in enumerate(body.split(",")) if n.strip()}


class Tap:
    """TAP-style "ok N DESC"/"not ok N DESC" lines, one a check(); failed
    is 1 once one failed (the script's exit status)."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, desc, cond):
        self.n += 1
        print(("ok %d %s" if cond else "not ok %d %s") % (self.n, desc))
        if not cond:
            self.failed = 1


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def _setns(fd, what):
    if _libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns " + what)


def enter(ns):
    """Move this process into namespace @ns."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        _setns(fd, ns)
    finally:
        os.close(fd)


def packet_socket(ns, dev, ethertype=3):
    """An AF_PACKET socket on @dev inside namespace @ns (ETH_P_ALL by
    default); the process stays in its own namespace."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        enter(ns)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ethertype))
        s.bind((dev, 0))
    finally:
        _setns(own, "back")
        os.close(own)
    return s


NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


class GenlSock:
    """A generic netlink socket to the nat64 family: req() returns the
    errno of a request (0: acknowledged)."""

    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.s.bind((0, 0))
        self.s.settimeout(2.0)
        self.seq = 0
        r = self.req(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                     attr(CTRL_ATTR_FAMILY_NAME, b"nat64\0"), raw=True)
        off = 20
        while off + 4 <= len(r):
            ln, t = struct.unpack_from("=HH", r, off)
            if t == CTRL_ATTR_FAMILY_ID:
                self.fam = struct.unpack_from("=H", r, off + 4)[0]
            off += (ln + 3) & ~3

    def req(self, fam, cmd, attrs=b"", raw=False):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + attrs
        self.s.send(struct.pack("=IHHII", 16 + len(body), fam,
                                NLM_F_REQUEST | (0 if raw else NLM_F_ACK),
                                self.seq, 0) + body)
        data = self.s.recv(65536)
        if raw:
            return data
        _ln, typ = struct.unpack_from("=IH", data, 0)
        assert typ == NLMSG_ERROR, typ
        return -struct.unpack_from("=i", data, 16)[0]

    def cmd(self, name, attrs=b""):
        cmd = uapi_enum("nat64_cmd")["NAT64_CMD_" + name]
        return self.req(self.fam, cmd, attrs)

    def close(self):
        self.s.close()
