# SPDX-License-Identifier: GPL-2.0
"""Network namespaces (`ip netns` names) for the selftests' Python parts,
and the pace of the guest they run in."""
import ctypes
import os
import re
import socket

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
