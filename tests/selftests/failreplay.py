#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A configuration change under allocation failures, for faults.sh: the
netlink requests of one nat64ctl command, recorded by nlrec.so
(NLREC), replayed again and again from the same configuration,
request K made to fail at its Nth fault-injection point
(/proc/thread-self/fail-nth), for every K but the first (the family
lookup) and every N until request K gets through without reaching it.

Each run must leave the configuration (what `nat64ctl show` prints: the
settings, pools, rules and static BIB entries, dumped here by replaying
that command's recorded requests) exactly as it was if a request failed,
and exactly as the change makes it if all succeeded. One case of an
error with the change made is allowed: the acknowledgement's own
allocation failed after the change (ENOBUFS on the socket, not an error
nat64 answered); those are counted.

Runs in one process what took nat64ctl two or three execs a run (an exec
takes about half a second on the debug kernel).

Usage: failreplay.py NETNS BASE.rec SHOW.rec CHANGE.rec [MAX_N]
  BASE.rec: the requests of `nat64ctl -f BASE` (the starting point),
  SHOW.rec: of `nat64ctl show`, CHANGE.rec: of the change.
Prints "# " notes, then "runs R late L" and exits 0, or exits 1 on the
first run that broke the rule (noted), 2 on a setup error.
"""
import errno
import gc
import os
import socket
import struct
import sys

import nsutil

NS, BASE, SHOW, CHANGE = sys.argv[1:5]
MAX_N = int(sys.argv[5]) if len(sys.argv) > 5 else 400

NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 2, 4, 0x300
NLA_TYPE_MASK = 0x3FFF


CMD = nsutil.uapi_enum("nat64_cmd")
A = nsutil.uapi_enum("nat64_attr")
M = nsutil.uapi_enum("nat64_mapping_attr")


def records(path):
    """The requests nlrec.so recorded: u32 length, then the bytes."""
    data = open(path, "rb").read()
    out, off = [], 0
    while off + 4 <= len(data):
        (ln,) = struct.unpack_from("=I", data, off)
        out.append(data[off + 4:off + 4 + ln])
        off += 4 + ln
    return out


def attrs(buf):
    """(type, payload) of each attribute in @buf."""
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            break
        yield t & NLA_TYPE_MASK, buf[off + 4:off + ln]
        off += (ln + 3) & ~3


class Failed(Exception):
    """A request of a run failed: .why (an errno, or a word)."""

    def __init__(self, why):
        super().__init__(why)
        self.why = why
        self.hit = False


FAIL_NTH = os.open("/proc/thread-self/fail-nth", os.O_RDWR)


def send(s, req, nth):
    """Send @req, its Nth fault-injection point made to fail if @nth;
    returns whether that failure was injected. An error sending (the
    request's own allocation failed) raises Failed, .hit set."""
    if nth:
        os.pwrite(FAIL_NTH, b"%d" % nth, 0)
    err = None
    try:
        s.send(req)
    except OSError as e:
        err = e.errno
    hit = False
    if nth:
        left = os.pread(FAIL_NTH, 16, 0)
        os.pwrite(FAIL_NTH, b"0", 0)
        hit = int(left.strip() or b"0") == 0
    if err is not None:
        e = Failed(err)
        e.hit = hit
        raise e
    return hit


def answers(s, req):
    """The messages answering @req (replies; not the ack, not DONE)."""
    _ln, _t, flags, seq, _pid = struct.unpack_from("=IHHII", req, 0)
    dump = (flags & NLM_F_DUMP) == NLM_F_DUMP
    out = []
    while True:
        try:
            data = s.recv(1 << 16)
        except socket.timeout:
            raise Failed("no answer")
        except OSError as e:
            raise Failed(e.errno)
        if len(data) < 16:
            raise Failed("a short answer")
        off = 0
        while off + 16 <= len(data):
            ln, t, fl, sq, _pid = struct.unpack_from("=IHHII", data, off)
            if ln < 16:
                raise Failed("a bad answer")
            msg = data[off:off + ln]
            off += (ln + 3) & ~3
            if sq != seq:
                continue
            if t == NLMSG_ERROR:
                (err,) = struct.unpack_from("=i", msg, 16)
                if err:
                    raise Failed(-err)
                return out
            if t == NLMSG_DONE:
                return out
            out.append(msg)
            if not dump and not fl & NLM_F_MULTI and not flags & NLM_F_ACK:
                return out


def run(reqs, fault=None):
    """Replay @reqs on a socket of its own (a batch left open dies with
    it); @fault = (K, N): request K's Nth point fails. Returns (the
    answers of each request, whether the failure was injected); raises
    Failed, with .hit set, at the first request that failed."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.settimeout(5.0 * nsutil.WAIT)
    hit = False
    out = []
    try:
        s.bind((0, 0))
        for k, req in enumerate(reqs, 1):
            nth = fault[1] if fault and fault[0] == k else 0
            hit = send(s, req, nth) or hit
            out.append(answers(s, req))
    except Failed as e:
        e.hit = e.hit or hit
        raise
    finally:
        s.close()
    return out, hit


def state(show):
    """The configuration, as `nat64ctl show` sees it: the settings, pool
    and rule dumps as they are, and the static BIB entries (without their
    session counts), sorted."""
    out = []
    for req, msgs in zip(show, run(show)[0]):
        cmd = req[16] if len(req) > 16 else -1
        if cmd != CMD["NAT64_CMD_MAPPING_GET"]:
            out += [m[16:] for m in msgs]
            continue
        statics = []
        for m in msgs:
            for t, nest in attrs(m[20:]):
                if t != A["NAT64_A_MAPPING"]:
                    continue
                entry = sorted((mt, v) for mt, v in attrs(nest)
                               if mt != M["NAT64_MAPPING_A_SESSIONS"])
                if any(mt == M["NAT64_MAPPING_A_STATIC"] for mt, _ in entry):
                    statics.append(entry)
        out += sorted(statics)
    return out


def note(*lines):
    for line in lines:
        print("# " + line)
    sys.stdout.flush()


def main():
    nsutil.enter(NS)
    base, show, change = records(BASE), records(SHOW), records(CHANGE)
    if not base or not show or not change:
        note("nothing recorded")
        return 2
    gc.disable()	# nothing of Python's between fail-nth and the send
    try:
        run(base)
        before = state(show)
        run(change)
        after = state(show)
        run(base)
    except Failed as e:
        note("without faults: request failed (%s)" % e.why)
        return 2
    if before == after:
        note("the change changes nothing")
        return 2
    try:
        return replay(base, show, change, before, after)
    except Failed as e:
        note("the base configuration or show failed (%s)" % e.why)
        return 1


def replay(base, show, change, before, after):
    """The runs (see the top); returns the exit status."""
    runs = late = 0
    for k in range(2, len(change) + 1):
        for n in range(1, MAX_N + 1):
            runs += 1
            try:
                hit = run(change, (k, n))[1]
                why = None
            except Failed as e:
                hit, why = e.hit, e.why
            now = state(show)
            where = "request %d of %d, point %d" % (k, len(change), n)
            if why is None and now != after:
                note(where + ": success, but the configuration is not the change's")
                return 1
            if why is not None and now == after:
                if why != errno.ENOBUFS:
                    note("%s: error %s, but the change was made" % (where, why))
                    return 1
                late += 1
            elif why is not None and now != before:
                note("%s: error %s, and the configuration half changed" % (where, why))
                return 1
            if now != before:
                run(base)
            if not hit:
                break
        else:
            note("request %d: stopped at %d points" % (k, MAX_N))
    print("runs %d late %d" % (runs, late))
    return 0


if __name__ == "__main__":
    sys.exit(main())
