#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn scripts/bench's raw results into a Markdown report and JSON.

Usage: report.py RAW OUT.md OUT.json   (the Markdown is also printed)

RAW lines (scripts/bench writes them):
  KEY VALUE...                      header: kernel, cpu, qemu, table, ...
  count path=P boot=R variant=V total=T marks=M0,...,M13
  guest path=P boot=R variant=V BENCH-RUN|BENCH-FILL|BENCH-MEM|... k=v...
  wall smp=1 BENCH-WALL|BENCH-RTT|BENCH-OFFLOAD k=v...
  scale smp=N BENCH-WALL k=v...
  elapsed part=NAME seconds=S
"""
import json
import statistics
import sys

HEADER_KEYS = ("kernel", "cpu", "cpus", "qemu", "qemu_settings", "nat64", "jool",
               "repeat", "table", "buckets_log", "wall_runs", "wall_tests", "nice",
               "started", "finished")
# nat64-block, nat64-det: nat64 with its pool in port block and in
# deterministic (RFC 7422) mode; subscriber records count as theirs.
# nat64-export: nat64 with nat64-logd exporting every record as IPFIX.
# nat64-fp: nat64 with its fast path on both veths. nat64-1, jool1: one
# pool address (no big table). fwd-csum, nat64-csum: the generator's
# checksum offload on (CHECKSUM_PARTIAL arriving). repro-*: the second
# topology (perf-repro's), established packets only, Jool with one address.
MAIN_PATHS = ("fwd", "nat64", "nat64-fp", "nat64-export", "nat64-block", "nat64-det", "jool",
              "nat64-1", "jool1")
CSUM_PATHS = ("fwd", "fwd-csum", "nat64", "nat64-csum")
REPRO_PATHS = ("repro-fwd", "repro-nat64", "repro-nat64-fp", "repro-jool")
# -smp2: two vCPUs (single-threaded TCG, so the count is exact) with
# receive packet steering on the translator's ingress.
SMP2_PATHS = ("fwd", "fwd-smp2", "nat64", "nat64-smp2", "nat64-fp", "nat64-fp-smp2")
PATHS = MAIN_PATHS + ("fwd-csum", "nat64-csum", "fwd-smp2", "nat64-smp2",
                      "nat64-fp-smp2") + REPRO_PATHS


def base_fwd(p):
    """The forwarding path a path is compared with: the same generator
    and topology."""
    if p.startswith("repro-"):
        return "repro-fwd"
    if p.endswith("-smp2"):
        return "fwd-smp2"
    return "fwd-csum" if p.endswith("-csum") else "fwd"


KINDS = ("est", "new", "est-big", "new-big")   # the marked windows, in order,
TCP = "tcp"                                     # then iperf3's (per KB, optional)
NAT64_CACHES = ("nat64_session", "nat64_bib", "nat64_subscriber")
TRANSLATOR_CACHES = {"nat64": NAT64_CACHES,
                     "nat64-fp": NAT64_CACHES,
                     "nat64-smp2": NAT64_CACHES,
                     "nat64-fp-smp2": NAT64_CACHES,
                     "nat64-csum": NAT64_CACHES,
                     "nat64-export": NAT64_CACHES,
                     "nat64-block": NAT64_CACHES,
                     "nat64-det": NAT64_CACHES,
                     "jool": ("session_nodes", "bib_nodes")}


def kv(fields):
    out = {}
    for f in fields:
        k, sep, v = f.partition("=")
        if not sep:
            continue
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def parse(path):
    info, counts, guest, wall, scale, elapsed = {}, [], [], [], [], {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            key, _, rest = line.partition(" ")
            if key == "count":
                counts.append(kv(rest.split()))
            elif key in ("guest", "wall", "scale"):
                words = rest.split()
                i = next(i for i, w in enumerate(words) if w.startswith("BENCH-"))
                ctx = kv(words[:i])
                rec = {"type": words[i], **kv(words[i + 1:])}
                rec.update({f"ctx_{k}": v for k, v in ctx.items()})
                {"guest": guest, "wall": wall, "scale": scale}[key].append(rec)
            elif key == "elapsed":
                e = kv(rest.split())
                elapsed[e["part"]] = e["seconds"]
            elif key in HEADER_KEYS:
                info[key] = rest
    return info, counts, guest, wall, scale, elapsed


def med(xs):
    return statistics.median(xs) if xs else None


def pct(xs, q):
    """The q-th percentile (0..100), nearest rank."""
    s = sorted(xs)
    if not s:
        return None
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


# The marked windows of a count boot, in order, by the number of marks.
WINDOWS = {4: ("est", "idle"),                   # one pool address, repro-*
           8: ("est", "new", "est-big", "new-big"),
           10: ("est", "new", "est-big", "new-big", "tcp"),
           14: ("est", "new", "idle", "est-big", "new-big", "idle-big", "tcp")}
IDLE_FOR = {"est": "idle", "new": "idle", "est-big": "idle-big", "new-big": "idle-big",
            "tcp": "idle-big"}


def instructions(counts, guest):
    """Per path and kind: instructions per packet (per KB for tcp), the
    median of the boot pairs. "raw" is the plain difference of the windows;
    the headline figure takes out what the windows' time cost when idle
    (timers, garbage collection: instructions per second measured in the
    same boot), where the boots measured it."""
    res, idle = {}, {}
    for p in PATHS:
        mine = [c for c in counts if c["path"] == p]
        boots = sorted(b for b in {c["boot"] for c in mine}
                       if {c["variant"] for c in mine if c["boot"] == b} == {1, 2})
        if not boots:
            continue
        res[p] = {}
        data = {}
        for b in boots:
            for v in (1, 2):
                c = [c for c in mine if c["boot"] == b and c["variant"] == v][0]
                marks = [int(x) for x in str(c["marks"]).split(",")]
                kinds = WINDOWS[len(marks)]
                for k, kind in enumerate(kinds):
                    run = [g for g in guest if g["type"] == "BENCH-RUN" and g["what"] == kind
                           and g["ctx_path"] == p and g["ctx_boot"] == b and g["ctx_variant"] == v]
                    data[(b, v, kind)] = {"win": marks[2 * k + 1] - marks[2 * k],
                                          "n": run[0]["packets"], "cs": run[0].get("cs")}
        kinds = {k for (_, _, k) in data}
        # A 3 s idle window that took much longer means the host starved
        # the guest (shared cores): then time-based costs are off too.
        slow = [f"boot {b}.{v} {k} {data[(b, v, k)]['cs'] / 100:.2f} s"
                for b in boots for v in (1, 2) for k in ("idle", "idle-big")
                if k in kinds and not 290 <= data[(b, v, k)]["cs"] <= 340]
        if slow:
            idle.setdefault(p, {})["stalled"] = slow
        for ik in ("idle", "idle-big"):
            if ik in kinds:
                rates = [data[(b, v, ik)]["win"] / (data[(b, v, ik)]["cs"] / 100)
                         for b in boots for v in (1, 2)]
                idle.setdefault(p, {})[ik] = med(rates)
        for kind in ("est", "new", "est-big", "new-big", "tcp"):
            if kind not in kinds:
                continue
            raw, corr, ns, bad = [], [], None, []
            for b in boots:
                d1, d2 = data[(b, 1, kind)], data[(b, 2, kind)]
                dn = d2["n"] - d1["n"]
                raw.append((d2["win"] - d1["win"]) / dn)
                ik = IDLE_FOR[kind]
                if ik in kinds and d1["cs"] is not None:
                    def net(d, v):
                        i = data[(b, v, ik)]
                        return d["win"] - i["win"] / i["cs"] * d["cs"]
                    corr.append((net(d2, 2) - net(d1, 1)) / dn)
                    bad.append(any(not 290 <= data[(b, v, ik)]["cs"] <= 340 for v in (1, 2)))
                ns = (d1["n"], d2["n"])
            # Pairs whose idle window shows the guest starved are left out
            # where other pairs remain.
            if corr and any(bad) and not all(bad):
                corr = [x for x, z in zip(corr, bad) if not z]
            vals = corr if corr else raw
            res[p][kind] = {"insns_per_packet": med(vals), "raw": med(raw),
                            "idle_corrected": bool(corr),
                            "each": [round(x, 1) for x in vals], "n1_n2": ns}
    return res, idle


def memory(guest, table, buckets_log):
    res = {}
    for p in PATHS:
        mems = [g for g in guest if g["type"] == "BENCH-MEM" and g["ctx_path"] == p]
        if not mems:
            continue
        boots = sorted({(g["ctx_boot"], g["ctx_variant"]) for g in mems})
        per = []
        for bv in boots:
            def get(when, cache):
                x = [g for g in mems if (g["ctx_boot"], g["ctx_variant"]) == bv
                     and g["when"] == when and g["cache"] == cache]
                return x[0] if x else None
            caches = {}
            for name in TRANSLATOR_CACHES.get(p, ()):
                a, b = get("after", name), get("before", name)
                if a:
                    caches[name] = {"objsize": a["objsize"], "objects": a["active"],
                                    "bytes": a["bytes"] - (b["bytes"] if b else 0)}
            # Port blocks are kmalloc'd: what the pools say they hold.
            blks = {g["when"]: g for g in guest if g["type"] == "BENCH-BLOCKS"
                    and g["ctx_path"] == p and (g["ctx_boot"], g["ctx_variant"]) == bv}
            if "after" in blks:
                a, b = blks["after"], blks.get("before")
                caches["port blocks"] = {"objsize": a["bytes_per_block"],
                                         "objects": a["blocks"],
                                         "bytes": a["bytes"] - (b["bytes"] if b else 0)}
            if not get("after", "ALL"):
                continue        # no big table (one pool address)
            all_delta = get("after", "ALL")["bytes"] - get("before", "ALL")["bytes"]
            fills = [g for g in guest if g["type"] == "BENCH-FILL" and g["ctx_path"] == p
                     and (g["ctx_boot"], g["ctx_variant"]) == bv]
            sessions = fills[0]["sessions"] if fills else None
            vm = [g for g in guest if g["type"] == "BENCH-VMALLOC" and g["ctx_path"] == p
                  and (g["ctx_boot"], g["ctx_variant"]) == bv and g["when"] == "after"]
            per.append({"caches": caches,
                        "translator_slab_bytes": sum(c["bytes"] for c in caches.values()),
                        "all_slab_bytes": all_delta, "sessions_reported": sessions,
                        "vmalloc_bytes": sum(v["bytes"] for v in vm),
                        "fill_seconds": fills[0]["seconds"] if fills else None})
        if not per:
            continue
        slab = med([x["translator_slab_bytes"] for x in per])
        allb = med([x["all_slab_bytes"] for x in per])
        buckets = 2 * 8 * (1 << buckets_log) if p.startswith("nat64") else 0
        res[p] = {"sessions": table, "boots": per,
                  "slab_bytes_per_session": slab / table,
                  "all_slab_bytes_per_session": allb / table,
                  "bucket_bytes": buckets,
                  "bucket_bytes_per_session": buckets / table,
                  "bytes_per_session": (slab + buckets) / table}
    return res


def wall_tests(recs):
    """Per test and path, over the measured rounds (round > 0)."""
    out = {}
    for r in recs:
        if r["type"] != "BENCH-WALL" or r["round"] == 0:
            continue
        t, p = r["test"], r["path"]
        if t == "tcp":
            val = r["kbps"] / 1000.0
        else:
            val = r["delivered"] * 1e6 / r["usec"]
        d = out.setdefault(t, {}).setdefault(p, {"values": [], "lost": 0})
        d["values"].append(round(val, 1))
        if t != "tcp":
            d["lost"] += r["packets"] - r["delivered"]
    for t in out:
        for p, d in out[t].items():
            v = d["values"]
            d.update(runs=len(v), median=med(v), min=min(v), max=max(v))
    return out


def rtts(recs):
    out = {}
    for r in recs:
        if r["type"] != "BENCH-RTT" or r["round"] == 0:
            continue
        d = out.setdefault(r["path"], {"rtt_ms": [], "pings": 0, "load_pps": []})
        xs = [float(x) for x in str(r["rtt_ms"]).split(",") if x]
        d["rtt_ms"].extend(xs)
        d["pings"] += r["pings"]
        d["load_pps"].append(round(r["load_delivered"] / r["load_seconds"]))
        d["offered_pps"] = r["load_pps"]
    for p, d in out.items():
        x = d.pop("rtt_ms")
        d.update(replies=len(x), p50_ms=pct(x, 50), p90_ms=pct(x, 90),
                 p99_ms=pct(x, 99), max_ms=max(x),
                 load_pps_median=med(d["load_pps"]))
    return out


def fmt(x, nd=0):
    if x is None:
        return "-"
    return f"{x:,.{nd}f}"


def main():
    raw, md_path, json_path = sys.argv[1:4]
    info, counts, guest, wall, scale, elapsed = parse(raw)
    table = int(info.get("table", "1000000"))
    blog = int(info.get("buckets_log", "16"))
    ins, idle = instructions(counts, guest)
    mem = memory(guest, table, blog)
    wt = wall_tests(wall)
    lat = rtts(wall)
    sc = {}
    for smp in sorted({r["ctx_smp"] for r in scale}):
        sc[smp] = wall_tests([r for r in scale if r["ctx_smp"] == smp]).get("est", {})
    offl = {}
    for r in wall:
        if r["type"] == "BENCH-OFFLOAD":
            offl.setdefault(r["path"], {})[r["dev"]] = {k: v for k, v in r.items()
                                                       if k not in ("type", "path", "dev") and not k.startswith("ctx_")}
    vminfo = next((g for g in guest if g["type"] == "BENCH-VM"), None)

    # Derived: added over forwarding, ratios, targets.
    added, ratio, e2e, loss_insn = {}, {}, {}, {}
    for t in ins:
        b = base_fwd(t)
        if t == b or b not in ins:
            continue
        for kind in KINDS + (TCP,):
            if kind in ins[b] and kind in ins[t]:
                f = ins[b][kind]["insns_per_packet"]
                added.setdefault(t, {})[kind] = ins[t][kind]["insns_per_packet"] - f
                e2e.setdefault(t, {})[kind] = f / ins[t][kind]["insns_per_packet"]

    def added_ratio(a, b):
        return {k: added[a][k] / added[b][k] for k in added.get(a, {})
                if k in added.get(b, {}) and added[b][k] > 0}
    ratio = added_ratio("nat64", "jool")
    # Jool with one pool address, against nat64 with one (or, without
    # that part, with the /25).
    ratio1 = added_ratio("nat64-1" if "nat64-1" in added else "nat64", "jool1")
    ratio_repro = added_ratio("repro-nat64", "repro-jool")
    # The big-table runs send from 128 pktgen devices, which costs the
    # generator more per packet than one device (fwd shows how much): a
    # translator's loss is taken with forwarding's 1,000-flow cost under
    # both, i.e. only its added cost changes.
    for p in ins:
        if base_fwd(p) != "fwd" or p == "fwd" or "fwd" not in ins or "est-big" not in ins[p]:
            continue
        f = ins["fwd"]["est"]["insns_per_packet"]
        loss_insn[p] = 1 - (f + added[p]["est"]) / (f + added[p]["est-big"])
    gen_big = None
    if "fwd" in ins and "est-big" in ins["fwd"]:
        gen_big = ins["fwd"]["est-big"]["insns_per_packet"] - ins["fwd"]["est"]["insns_per_packet"]

    def wratio(test, a, b):
        try:
            return wt[test][a]["median"] / wt[test][b]["median"]
        except (KeyError, ZeroDivisionError, TypeError):
            return None

    # Wall clock: the same correction, as a ratio to forwarding's loss.
    wall_loss = {}
    try:
        fr = wt["big"]["fwd"]["median"] / wt["est"]["fwd"]["median"]
    except (KeyError, TypeError):
        fr = None
    for p in ("nat64", "jool"):
        try:
            wall_loss[p] = 1 - wt["big"][p]["median"] / wt["est"][p]["median"] / fr
        except (KeyError, TypeError):
            pass

    targets = []

    def target(name, ok, figures):
        targets.append({"target": name, "met": ok, "figures": figures})

    if ratio:
        for kind, label in (("est", "1,000 sessions"), ("est-big", f"{table:,} sessions")):
            if kind in ratio:
                w = wratio("est" if kind == "est" else "big", "nat64", "jool")
                target(f"established pps >= 2x Jool ({label}): nat64's added instructions <= 1/2 of Jool's",
                       ratio[kind] <= 0.5,
                       f"added nat64/Jool = {ratio[kind]:.3f} ({added['nat64'][kind]:,.0f} vs {added['jool'][kind]:,.0f} instructions/packet)"
                       + (f"; wall clock end to end nat64/Jool = {w:.2f}x" if w else ""))
        for kind, label in (("est", "1,000 sessions"), ("est-big", f"{table:,} sessions")):
            if "nat64" in e2e:
                w = wratio("est" if kind == "est" else "big", "nat64", "fwd")
                target(f"established pps >= 80% of plain forwarding ({label})",
                       e2e["nat64"][kind] >= 0.8,
                       f"by instructions {100 * e2e['nat64'][kind]:.1f}%"
                       + (f"; wall clock {100 * w:.1f}%" if w else ""))
    if "fwd" in ins and "nat64-fp" in ins and "est" in ins["nat64-fp"]:
        r = ins["nat64-fp"]["est"]["insns_per_packet"] / ins["fwd"]["est"]["insns_per_packet"]
        target("fast path: an established packet costs less than plain IPv6 forwarding (< 1.0, aim <= 0.7)",
               r < 1.0, f"nat64-fp / fwd = {r:.3f} ({ins['nat64-fp']['est']['insns_per_packet']:,.0f} vs "
               f"{ins['fwd']['est']['insns_per_packet']:,.0f} instructions/packet)")
    for p in ("nat64", "nat64-fp"):
        if "new" in added.get(p, {}):
            target(f"{p}: a new session costs at most +2,000 over forwarding",
                   added[p]["new"] <= 2000, f"+{added[p]['new']:,.0f} (small table)"
                   + (f", +{added[p]['new-big']:,.0f} ({table:,} in the table)" if "new-big" in added[p] else ""))
    w = wratio("tcp", "nat64", "jool")
    if False and TCP in ratio:  # TCP per KB is not deterministic enough: see below
        target("TCP bulk >= 2x Jool (iperf3, offloads on): nat64's added instructions <= 1/2 of Jool's",
               ratio[TCP] <= 0.5,
               f"added nat64/Jool = {ratio[TCP]:.3f} ({added['nat64'][TCP]:,.0f} vs {added['jool'][TCP]:,.0f} "
               f"instructions/KB; end to end {100 * e2e['nat64'][TCP]:.1f}% vs {100 * e2e['jool'][TCP]:.1f}% of forwarding)"
               + (f"; wall clock nat64/Jool = {w:.2f}x" if w else ""))
    if w:
        # Read like the others: the time each translator adds to moving
        # a bit, over forwarding's, from the medians (end to end, 2x
        # Jool would be above forwarding itself).
        tf = wt["tcp"].get("fwd", {}).get("median", 0)
        tn, tj = wt["tcp"]["nat64"]["median"], wt["tcp"]["jool"]["median"]
        add = None
        if tf and tj < tf and tn:
            add = (1 / tn - 1 / tf) / (1 / tj - 1 / tf)
        target("TCP bulk >= 2x Jool (iperf3, offloads on), wall clock: nat64's added time per bit <= 1/2 of Jool's",
               add is not None and add <= 0.5,
               (f"added nat64/Jool = {add:.2f}; " if add is not None else "")
               + f"end to end median {tn:,.0f} vs {tj:,.0f} Mbit/s = {w:.2f}x"
               f" (forwarding {tf:,.0f} Mbit/s)")
    for kind, label in (("new", "small table"), ("new-big", f"table at {table:,}")):
        if kind in ratio:
            ww = wratio("new", "nat64", "jool") if kind == "new" else None
            target(f"new-session rate >= 2x Jool ({label}): nat64's added instructions <= 1/2 of Jool's",
                   ratio[kind] <= 0.5,
                   f"added nat64/Jool = {ratio[kind]:.3f} ({added['nat64'][kind]:,.0f} vs {added['jool'][kind]:,.0f} instructions/session)"
                   + (f"; wall clock sessions/s nat64/Jool = {ww:.2f}x (table growing to {table:,})" if ww else ""))
    if "nat64" in mem:
        m = mem["nat64"]
        target("<= 128 bytes per session", m["bytes_per_session"] <= 128,
               f"{m['bytes_per_session']:.1f} B (slab {m['slab_bytes_per_session']:.1f} + buckets "
               f"{m['bucket_bytes_per_session']:.1f} at map_buckets_log={blog}); Jool "
               + (f"{mem['jool']['bytes_per_session']:.1f} B" if "jool" in mem else "-"))
    if "nat64" in loss_insn:
        wl = wall_loss.get("nat64")
        bg = ""
        if "nat64" in idle and "fwd" in idle and "idle-big" in idle["nat64"]:
            bg = (f"; time-based cost with the table full (GC): "
                  f"{(idle['nat64']['idle-big'] - idle['fwd'].get('idle-big', 0)) / 1e6:.0f} M instructions/s "
                  f"more than forwarding, which under emulation weighs on the wall clock")
        target(f"<= 10% throughput loss from 1,000 to {table:,} sessions (per-packet work)",
               loss_insn["nat64"] <= 0.10,
               f"by instructions {100 * loss_insn['nat64']:.1f}%" + bg
               + (f"; wall clock {100 * wl:.1f}%" if wl is not None else "")
               + (f" (Jool: {100 * loss_insn['jool']:.1f}%" if "jool" in loss_insn else "")
               + (f", wall {100 * wall_loss['jool']:.1f}%)" if "jool" in wall_loss else ")" if "jool" in loss_insn else ""))

    doc = {
        "kernel": info.get("kernel"), "cpu": info.get("cpu"), "host_cpus": info.get("cpus"),
        "qemu": info.get("qemu"), "qemu_settings": info.get("qemu_settings"),
        "guest": vminfo and {"cpus": vminfo.get("cpus"), "mem_kb": vminfo.get("mem_kb"),
                             "cmdline": str(vminfo.get("cmdline", "")).replace(",", " ")},
        "nat64": info.get("nat64"), "jool": info.get("jool"),
        "table_sessions": table, "map_buckets_log": blog,
        "started": info.get("started"), "finished": info.get("finished"),
        "note": info.get("note"),
        "elapsed_seconds": elapsed,
        "instructions_per_packet": ins, "idle_instructions_per_second": idle,
        "added_over_forwarding": added,
        "ratio_nat64_over_jool_added": ratio,
        "ratio_nat64_over_jool1_added": ratio1,
        "ratio_nat64_over_jool_added_second_topology": ratio_repro,
        "end_to_end_over_forwarding_by_instructions": e2e,
        "loss_1k_to_table_by_instructions": loss_insn, "loss_1k_to_table_wall": wall_loss,
        "memory": mem, "wall_clock": wt, "latency": lat, "scaling": sc, "offloads": offl,
        "targets": targets,
    }
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    L = []
    A = L.append
    A(f"# nat64 vs Jool vs plain forwarding, {info.get('kernel')}")
    A("")
    A(f"- kernel: {info.get('kernel')} (Debian); guest command line: "
      f"{doc['guest']['cmdline'] if doc['guest'] else '-'}")
    A(f"- host CPU: {info.get('cpu')} ({info.get('cpus')} CPUs, shared with other work)")
    A(f"- QEMU: {info.get('qemu')}")
    A(f"- VM: {info.get('qemu_settings')}")
    A(f"- nat64: {info.get('nat64')}")
    if info.get("jool"):
        A(f"- Jool: {info.get('jool')}")
    if info.get("note"):
        A(f"- note: {info.get('note')}")
    A(f"- big table: {table:,} sessions (128 IPv6 sources, every session its own BIB entry); "
      f"pool 198.18.0.0/25 ports 1024-65535 (128 addresses) for both translators"
      + ("" if "nat64-1" not in ins and "jool1" not in ins else
         " (nat64-1, jool1: one address, 198.18.0.1)") + "; UDP timeout 2 h")
    if elapsed:
        A(f"- run time: {sum(elapsed.values()) / 60:.0f} min ("
          + ", ".join(f"{k} {v / 60:.1f}" for k, v in elapsed.items()) + ")")
    A("")
    if targets:
        A("## Targets")
        A("")
        A("| target | met | figures |")
        A("|---|---|---|")
        for t in targets:
            A(f"| {t['target']} | {'**yes**' if t['met'] else '**no**'} | {t['figures']} |")
        A("")
        A("End-to-end packet rate can never exceed plain forwarding (pktgen, veth and delivery "
          "cost more than translation), so \"2x Jool\" is read as the translator's added cost "
          "(see /work/shared/BENCH-NOTES.md); the end-to-end wall-clock ratio is given beside it.")
        A("")
    def cell(p, kind):
        """Instructions per packet, and added over forwarding."""
        a = added.get(p, {}).get(kind)
        return fmt(ins[p][kind]["insns_per_packet"]) + (f" ({a:+,.0f})" if a is not None else "")

    def kinds_table(paths, value):
        """A row for each of PATHS measured, a column for each kind."""
        A("| path | " + " | ".join(KINDS) + " |")
        A("|---|" + "---:|" * len(KINDS))
        for p in paths:
            if p in ins:
                A(f"| {p} | " + " | ".join(value(p, k) if k in ins[p] else "-"
                                          for k in KINDS) + " |")

    if ins:
        A("## Guest instructions per packet (deterministic)")
        A("")
        A("TCG plugin count between marker instructions around each run, 1 vCPU; a boot pair "
          "per path sending N1 and N2 packets, per packet = difference / (N2 - N1). "
          "64-byte IPv6 UDP, every packet checked delivered at the sink.")
        A("")
        A(f"| path | established, 1,000 sessions | new session, small table | established, {table:,} sessions | new session, {table:,} in the table |")
        A("|---|---:|---:|---:|---:|")
        for p in MAIN_PATHS:
            if p in ins:
                A(f"| {p} | " + " | ".join(cell(p, k) if k in ins[p] else "-" for k in KINDS) + " |")
        if ratio:
            A("| **nat64 / Jool, added (pool /25)** | " + " | ".join(
                f"**{ratio[k]:.3f}**" if k in ratio else "-" for k in KINDS) + " |")
        if ratio1:
            n1name = "nat64-1" if "nat64-1" in added else "nat64"
            A(f"| **{n1name} / jool1, added (one pool address)** | " + " | ".join(
                f"**{ratio1[k]:.3f}**" if k in ratio1 else "-" for k in KINDS) + " |")
        for t in ("nat64", "nat64-fp", "jool", "jool1"):
            if t in e2e:
                A(f"| {t} end to end, % of forwarding | " + " | ".join(
                    f"{100 * e2e[t][k]:.1f}%" if k in e2e[t] else "-" for k in KINDS) + " |")
        A("")
        if "nat64-1" in ins or "jool1" in ins:
            A("nat64-1 and jool1: the same paths with one pool address (198.18.0.1, ports "
              "1024-65535) instead of the /25; Jool's cost per packet grows with the number of "
              "pool4 addresses. Established packets only: 64,512 ports hold no big table, and "
              "Jool gives up on a new session after max-iterations (auto: 1,024) probes from "
              "one offset per source and destination port, which the new-session runs' "
              "1,500-7,500 flows a source exceed.")
            A("")
        if "nat64-fp" in ins:
            A("nat64-fp: nat64 with `nat64ctl fastpath add` on both of the translator's veths "
              "(x6, x4).")
            A("")
        if any(ins[p][k].get("idle_corrected") for p in ins for k in ins[p]):
            A("")
            A("Idle-corrected: each boot also counts 3 idle seconds with the small and with the "
              "big table (timers, garbage collection), and the time each measured window took "
              "is charged at that rate and taken out, leaving the per-packet work. Under "
              "emulation a packet takes 10-30x longer than natively, so costs paid per second "
              "weigh 10-30x more per packet here than they would natively; they are shown "
              "apart below. Without the correction (raw window differences):")
            A("")
            kinds_table(PATHS, lambda p, k: fmt(ins[p][k]["raw"]))
            if idle:
                A("")
                A("Instructions per idle second (what time costs): " + "; ".join(
                    f"{p} " + ", ".join(f"{'small table' if k == 'idle' else 'big table'} "
                                        f"{fmt(v / 1e6, 1)} M" for k, v in d.items() if k != "stalled")
                    for p, d in idle.items()) + ".")
                base = idle.get("fwd", {}).get("idle", 0)
                for p, d in idle.items():
                    # Only where time costs much: then the correction is large.
                    if "stalled" in d and d.get("idle-big", 0) > 3 * base:
                        A("")
                        A(f"**Warning**: {p}'s idle windows (3 s) took " + ", ".join(d["stalled"])
                          + ": the host starved the guest, and the time-based correction of that "
                          "boot pair is unreliable (left out where other pairs remain).")
        if any(TCP in ins[p] for p in ins):
            A("")
            A("TCP bulk (iperf3 -n, offloads on, generator to sink), guest instructions per KB "
              "sent (not deterministic like the UDP figures: segment sizes and ACKs follow "
              "timing, so boot pairs disagree; not used for the targets): " + "; ".join(
                  f"{p} {fmt(ins[p][TCP]['insns_per_packet'])} (pairs: {', '.join(fmt(x) for x in ins[p][TCP]['each'])})"
                  + (f" (+{fmt(added[p][TCP])})" if TCP in added.get(p, {}) else "")
                  for p in PATHS if p in ins and TCP in ins[p])
              + (f"; nat64/Jool added {ratio[TCP]:.3f}" if TCP in ratio else "") + ".")
        exp = [g for g in guest if g["type"] == "BENCH-EXPORT"]
        if exp and "nat64" in ins and "nat64-export" in ins:
            A("")
            A("Export (nat64-export: nat64-logd sending every mapping and session record as "
              "IPFIX to a collector on the same machine, its work inside the windows): a new "
              "session costs " + ", ".join(
                  f"{k} {fmt(ins['nat64-export'][k]['insns_per_packet'])} vs "
                  f"{fmt(ins['nat64'][k]['insns_per_packet'])} without "
                  f"(+{fmt(ins['nat64-export'][k]['insns_per_packet'] - ins['nat64'][k]['insns_per_packet'])})"
                  for k in ("new", "new-big")) + " instructions; an established packet "
              f"{fmt(ins['nat64-export']['est']['insns_per_packet'])} vs "
              f"{fmt(ins['nat64']['est']['insns_per_packet'])}. Pace, in the emulated guest "
              "(one vCPU shared by the packets and the daemon): " + "; ".join(
                  f"{e.get('events-received', 0):,} events in {e['seconds']} s = "
                  f"{e.get('events-received', 0) / max(float(e['seconds']), 0.01):,.0f} events/s, "
                  f"{e.get('events-lost', 0)} lost"
                  for e in exp) + ".")
        # The paths that sent the same counts, together.
        ns = {}
        for p in ins:
            ns.setdefault(", ".join(f"{k} {fmt(ins[p][k]['n1_n2'][0])} / {fmt(ins[p][k]['n1_n2'][1])}"
                                    for k in KINDS if k in ins[p]), []).append(p)
        A("N1 / N2: " + "; ".join(n if len(ns) == 1 else f"{', '.join(ps)}: {n}"
                                  for n, ps in ns.items())
          + ". Each boot pair: " + "; ".join(
              f"{p} " + ", ".join(f"{k} " + "/".join(fmt(x) for x in ins[p][k]["each"])
                                  for k in KINDS if k in ins[p])
              for p in ins) + ".")
        A("")
        if gen_big is not None:
            A(f"The big-table runs send from 128 pktgen devices, which costs the generator "
              f"{fmt(gen_big)} more instructions per packet than one device (fwd's est-big minus "
              f"est); the loss from 1,000 to {table:,} sessions is therefore taken on the "
              f"added cost, with forwarding's 1,000-flow cost under both: "
              + ", ".join(f"{p} {100 * v:.1f}%" for p, v in loss_insn.items()) + ".")
        A("")
    def minus_rows(pairs):
        """A row "A minus B" of per-kind differences for each pair measured."""
        for a, b in pairs:
            if a in ins and b in ins:
                A(f"| {a} minus {b} | " + " | ".join(
                    f"{ins[a][k]['insns_per_packet'] - ins[b][k]['insns_per_packet']:+,.0f}"
                    if k in ins[a] and k in ins[b] else "-" for k in KINDS) + " |")

    if any(p in ins for p in ("fwd-csum", "nat64-csum")):
        A("## Generator checksum offload on (CHECKSUM_PARTIAL arriving)")
        A("")
        A("fwd-csum and nat64-csum leave the generator's transmit checksum offload on: pktgen's "
          "packets then reach the translator CHECKSUM_PARTIAL, as from a container on a veth, "
          "where the other paths' arrive with the checksum computed and verified. Added cost "
          "is over forwarding with the same generator.")
        A("")
        kinds_table(CSUM_PATHS, cell)
        minus_rows((("fwd-csum", "fwd"), ("nat64-csum", "nat64")))
        A("")
    if any(p in ins for p in ("fwd-smp2", "nat64-smp2", "nat64-fp-smp2")):
        A("## Two vCPUs, receive packet steering")
        A("")
        A("-smp2: the same boots with two vCPUs (single-threaded TCG: the plugin's one counter "
          "stays exact) and rps_cpus of the translator's x6 over both, so that packets are "
          "handed to the other CPU. Added cost is over forwarding with two vCPUs; the "
          "difference to one vCPU is what steering and sharing cost each path.")
        A("")
        kinds_table(SMP2_PATHS, cell)
        minus_rows((("fwd-smp2", "fwd"), ("nat64-smp2", "nat64"),
                    ("nat64-fp-smp2", "nat64-fp")))
        A("")
    if any(p in ins for p in REPRO_PATHS):
        A("## Second topology (perf-repro's)")
        A("")
        A("bench/repro-guest.sh, a copy of /work/shared/perf-repro: other addresses, a plainer "
          "sink (matchall), one pool address (198.51.100.1) for both translators, nat64 at its "
          "default map_buckets_log; 1,000 established UDP flows, 20,000 and 200,000 packets a "
          "boot. perf-repro's own figure is the raw one (no idle correction).")
        A("")
        A("| path | established packet | added over forwarding | % of forwarding | raw (perf-repro's method) | idle instructions/s |")
        A("|---|---:|---:|---:|---:|---:|")
        for p in REPRO_PATHS:
            if p in ins:
                a = added.get(p, {}).get("est")
                A(f"| {p[6:]}{' (one address)' if p == 'repro-jool' else ''} | "
                  f"{fmt(ins[p]['est']['insns_per_packet'])} | "
                  + (f"{a:+,.0f} | {100 * e2e[p]['est']:.1f}%" if a is not None else "- | -")
                  + f" | {fmt(ins[p]['est']['raw'])} | {fmt(idle.get(p, {}).get('idle'))} |")
        if "est" in ratio_repro:
            A(f"| **nat64 / Jool, added** | **{ratio_repro['est']:.3f}** | | | | |")
        A("")
    if mem:
        A(f"## Memory per session ({table:,} sessions)")
        A("")
        A("Slab caches (slab_nomerge) before the first packet and with the big table full, "
          "whole slabs counted (num_slabs x pages); nat64's hash buckets (2 tables x 8 bytes x "
          f"2^{blog}) added; Jool keeps its tables in trees, no buckets. nat64-block's "
          "port blocks are kmalloc'd: their bytes are the pools' count of blocks held times "
          "each one's kmalloc size, plus each range's bitmap of blocks (1 bit a block).")
        A("")
        A("| translator | caches (object size) | slab bytes/session | buckets bytes/session | total bytes/session | all slab caches, bytes/session |")
        A("|---|---|---:|---:|---:|---:|")
        for p, m in mem.items():
            if p.startswith("fwd"):
                continue
            cs = m["boots"][0]["caches"]
            A(f"| {p} | " + ", ".join(f"{n} ({c['objsize']} B)" for n, c in cs.items())
              + f" | {m['slab_bytes_per_session']:.1f} | {m['bucket_bytes_per_session']:.1f} | "
              f"**{m['bytes_per_session']:.1f}** | {m['all_slab_bytes_per_session']:.1f} |")
        if "nat64" in mem:
            s = mem["nat64"]["slab_bytes_per_session"]
            A("")
            A("nat64 with other bucket counts (computed): " + ", ".join(
                f"log {b}: {s + 16 * (1 << b) / table:.1f} B" for b in (16, 18, 19, 20)) + ".")
        A("")
    if wt or lat:
        A("## Wall clock, alternated in one 1-vCPU boot (no plugin)")
        A("")
        A("Paths alternated (fwd, nat64, jool, fwd, ...) after one warm-up round; medians and "
          "min - max of the measured rounds. Noisy: TCG on 2 host cores shared with other "
          "VMs; only ratios within the boot mean anything.")
        A("")
        names = {"est": "established pps, 1,000 sessions",
                 "big": f"established pps, {table:,} sessions",
                 "new": f"new sessions/s (table growing to {table:,})",
                 "tcp": "TCP bulk, Mbit/s (iperf3, offloads on)"}
        A("| test | runs | fwd | nat64 | Jool | nat64/Jool | nat64/fwd | Jool/fwd |")
        A("|---|---:|---:|---:|---:|---:|---:|---:|")
        for t in ("est", "big", "new", "tcp"):
            if t not in wt:
                continue
            d = wt[t]
            cells = [f"{fmt(d[p]['median'])} ({fmt(d[p]['min'])} - {fmt(d[p]['max'])})" if p in d else "-"
                     for p in ("fwd", "nat64", "jool")]
            rr = [wratio(t, "nat64", "jool"), wratio(t, "nat64", "fwd"), wratio(t, "jool", "fwd")]
            A(f"| {names[t]} | {d.get('nat64', d.get('fwd'))['runs']} | " + " | ".join(cells) + " | "
              + " | ".join(f"{x:.2f}" if x else "-" for x in rr) + " |")
        lost = {f"{t}/{p}": d["lost"] for t in wt for p, d in wt[t].items() if d.get("lost")}
        if lost:
            A("")
            A("Packets lost (sent, not counted at the sink): " + ", ".join(f"{k} {v:,}" for k, v in lost.items()))
        A("")
        if wall_loss:
            A(f"Wall-clock loss from 1,000 to {table:,} sessions, relative to forwarding's "
              f"(the 128-device generator's own cost): "
              + ", ".join(f"{p} {100 * v:.1f}%" for p, v in wall_loss.items()) + ".")
            A("")
        if offl:
            o = offl.get("nat64", next(iter(offl.values())))
            A("Offloads during the TCP test (ethtool -k, veth defaults; nat64's namespaces): "
              + "; ".join(f"{dev}: " + ", ".join(f"{k} {v}" for k, v in fs.items()) for dev, fs in o.items()))
            A("")
    if lat:
        A("## Latency under load")
        A("")
        first = next(iter(lat.values()))
        A(f"ping (ICMPv6 echo, 5 ms apart) through the path while pktgen offers "
          f"{fmt(first['offered_pps'])} packets/s of established UDP (8 flows) through it; "
          "all replies of the measured rounds pooled.")
        A("")
        A("| path | replies / pings | RTT p50 ms | p90 | p99 | max | load delivered, pps (median) |")
        A("|---|---:|---:|---:|---:|---:|---:|")
        for p in PATHS:
            if p in lat:
                d = lat[p]
                A(f"| {p} | {d['replies']} / {d['pings']} | {d['p50_ms']:.3f} | {d['p90_ms']:.3f} | "
                  f"{d['p99_ms']:.3f} | {d['max_ms']:.2f} | {fmt(d['load_pps_median'])} |")
        A("")
    if sc:
        A("## Scaling, 1 to 2 vCPUs")
        A("")
        A("Established pps (1,000 sessions) alternated as above, receive packet steering on "
          "the translator's ingress (x6 rps_cpus = all CPUs), netdev_max_backlog 1000; pps "
          "= packets delivered at the sink / pktgen's time; one boot per vCPU count. Across "
          "boots on shared host cores: very noisy.")
        A("")
        A("| path | 1 vCPU pps | 2 vCPU pps | 2 / 1 |")
        A("|---|---:|---:|---:|")
        for p in PATHS:
            a = sc.get(1, {}).get(p)
            b = sc.get(2, {}).get(p)
            if a or b:
                A(f"| {p} | {fmt(a['median']) if a else '-'} ({fmt(a['min'])} - {fmt(a['max'])}) | "
                  f"{fmt(b['median']) if b else '-'} ({fmt(b['min'])} - {fmt(b['max'])}) | "
                  f"{b['median'] / a['median']:.2f} |" if a and b else f"| {p} | - | - | - |")
        A("")
    text = "\n".join(L)
    with open(md_path, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
