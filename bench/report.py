#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn scripts/bench's raw results into a Markdown report and JSON.

Usage: report.py RAW OUT.md OUT.json   (the Markdown is also printed)

RAW lines: "KEY VALUE..." header lines (kernel, cpu, qemu, ...), "run NAME
k=v..." per boot, "state NAME N BOOT ..." translator counters, "wall k=v..."
per wall-clock run.
"""
import json
import statistics
import sys

HEADER_KEYS = ("kernel", "cpu", "cpus", "qemu", "qemu_settings", "nat64", "jool", "repeat")
DESCR = {
    "fwd-est": "plain IPv6 forwarding, 1,000 flows",
    "nat64-est": "nat64, established (1,000 flows)",
    "jool-est": "Jool, established (1,000 flows)",
    "fwd-new": "plain IPv6 forwarding, every packet a new flow",
    "nat64-new": "nat64, every packet a new session",
    "jool-new": "Jool, every packet a new session",
}
ORDER = ["fwd-est", "nat64-est", "jool-est", "fwd-new", "nat64-new", "jool-new"]


def kv(fields):
    out = {}
    for f in fields:
        k, _, v = f.partition("=")
        out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out


def parse(path):
    info, runs, wall = {}, [], []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            key, _, rest = line.partition(" ")
            if key == "run":
                name, *fields = rest.split()
                r = kv(fields)
                r["name"] = name
                runs.append(r)
            elif key == "wall":
                wall.append(kv(rest.split()))
            elif key in HEADER_KEYS:
                info[key] = rest
    return info, runs, wall


def per_packet(runs):
    """Per measurement and boot: (window(N2) - window(N1)) / (N2 - N1)."""
    res = {}
    for name in ORDER:
        mine = [r for r in runs if r["name"] == name]
        if not mine:
            continue
        ns = sorted({r["packets"] for r in mine})
        if len(ns) != 2:
            sys.exit(f"report.py: {name}: want two packet counts, got {ns}")
        n1, n2 = ns
        boots = sorted({r["boot"] for r in mine})
        win, tot = [], []
        for b in boots:
            a = [r for r in mine if r["boot"] == b and r["packets"] == n1]
            c = [r for r in mine if r["boot"] == b and r["packets"] == n2]
            if len(a) != 1 or len(c) != 1:
                sys.exit(f"report.py: {name}: boot {b} incomplete")
            win.append((c[0]["window"] - a[0]["window"]) / (n2 - n1))
            tot.append((c[0]["total"] - a[0]["total"]) / (n2 - n1))
        res[name] = {
            "description": DESCR[name],
            "path": mine[0]["path"],
            "flows": mine[0]["flows"],
            "warmup_packets": mine[0]["warm"],
            "n1": n1,
            "n2": n2,
            "boot_pairs": len(boots),
            "insns_per_packet": statistics.median(win),
            "insns_per_packet_each": [round(x, 1) for x in win],
            "whole_boot_check_per_packet": [round(x, 1) for x in tot],
            "delivered": {str(r["packets"]): r["delivered"] for r in mine},
        }
    return res


def wall_stats(wall):
    out = {}
    for p in dict.fromkeys(w["path"] for w in wall):
        pps = [w["pps"] for w in wall if w["path"] == p and w["round"] > 0]
        if not pps:
            continue
        out[p] = {
            "runs": len(pps),
            "median_pps": statistics.median(pps),
            "min_pps": min(pps),
            "max_pps": max(pps),
            "all_pps": pps,
            "packets_per_run": wall[0]["packets"],
            "delivered_all": all(w["delivered"] == w["packets"] for w in wall if w["path"] == p),
        }
    return out


def fmt(x, nd=0):
    return f"{x:,.{nd}f}"


def main():
    raw, md_path, json_path = sys.argv[1:4]
    info, runs, wall = parse(raw)
    pp = per_packet(runs)
    ws = wall_stats(wall)

    added, ratios = {}, {}
    for kind in ("est", "new"):
        base = pp.get(f"fwd-{kind}")
        if not base:
            continue
        for t in ("nat64", "jool"):
            m = pp.get(f"{t}-{kind}")
            if m:
                added[f"{t}-{kind}"] = m["insns_per_packet"] - base["insns_per_packet"]
        if f"nat64-{kind}" in added and f"jool-{kind}" in added and added[f"jool-{kind}"] > 0:
            ratios[kind] = added[f"nat64-{kind}"] / added[f"jool-{kind}"]

    doc = {
        "kernel": info.get("kernel"),
        "cpu": info.get("cpu"),
        "host_cpus": info.get("cpus"),
        "qemu": info.get("qemu"),
        "qemu_settings": info.get("qemu_settings"),
        "nat64": info.get("nat64"),
        "jool": info.get("jool"),
        "method": "guest instructions (TCG plugin bench/plugin/insn.c), 1 vCPU; per "
                  "measurement two boots sending N1 and N2 packets in one pktgen run "
                  "between two marker instructions; per packet = (window(N2) - "
                  "window(N1)) / (N2 - N1). 64-byte IPv6 UDP packets (78-byte frames), "
                  "sequential source ports, clone_skb 0, software UDP checksum; the "
                  "sink drops at tc ingress after counting.",
        "instructions_per_packet": pp,
        "added_over_forwarding": added,
        "ratio_nat64_over_jool_added": ratios,
        "wall_clock": ws,
    }
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    L = []
    L.append(f"# nat64 vs Jool: per-packet cost, {info.get('kernel')}")
    L.append("")
    L.append(f"- kernel: {info.get('kernel')} (Debian), guest 1 vCPU")
    L.append(f"- host CPU: {info.get('cpu')} ({info.get('cpus')} CPUs, shared)")
    L.append(f"- QEMU: {info.get('qemu')}")
    L.append(f"- QEMU settings: {info.get('qemu_settings')}")
    L.append(f"- nat64: {info.get('nat64')}")
    if info.get("jool"):
        L.append(f"- Jool: {info.get('jool')}")
    L.append("")
    L.append("## Guest instructions per packet")
    L.append("")
    L.append("Counted by a TCG plugin between two markers around one pktgen run; two "
             "boots per measurement (N1 and N2 packets, otherwise identical), "
             "per packet = difference / (N2 - N1). 64-byte IPv6 UDP, sequential "
             "source ports; every packet checked delivered (translated) at the sink. "
             "'each' lists the boot pairs; 'whole boot' is the same difference "
             "taken over the boots' total counts (noisier: boot varies by millions).")
    L.append("")
    L.append("| measurement | N1 / N2 | instructions per packet | each | whole-boot check |")
    L.append("|---|---|---:|---|---|")
    for name in ORDER:
        m = pp.get(name)
        if not m:
            continue
        L.append(f"| {m['description']} | {fmt(m['n1'])} / {fmt(m['n2'])} | "
                 f"{fmt(m['insns_per_packet'])} | "
                 f"{', '.join(fmt(x) for x in m['insns_per_packet_each'])} | "
                 f"{', '.join(fmt(x) for x in m['whole_boot_check_per_packet'])} |")
    L.append("")
    if added:
        L.append("## Added over plain forwarding")
        L.append("")
        L.append("| translator | established (1,000 flows) | new session per packet |")
        L.append("|---|---:|---:|")
        for t in ("nat64", "jool"):
            e = added.get(f"{t}-est")
            n = added.get(f"{t}-new")
            L.append(f"| {t} | {fmt(e) if e is not None else '-'} | "
                     f"{fmt(n) if n is not None else '-'} |")
        if ratios:
            cells = [f"{ratios[k]:.3f}" if k in ratios else "-" for k in ("est", "new")]
            L.append(f"| **ratio nat64 / Jool** | **{cells[0]}** | **{cells[1]}** |")
        L.append("")
        if "fwd-est" in pp:
            for t in ("nat64", "jool"):
                if f"{t}-est" in pp:
                    L.append(f"- {t} established end to end: "
                             f"{100 * pp['fwd-est']['insns_per_packet'] / pp[t + '-est']['insns_per_packet']:.1f}% "
                             f"of plain forwarding's packet rate (by instructions)")
            L.append("")
    if ws:
        L.append("## Wall clock, alternated in one boot (no plugin)")
        L.append("")
        first = next(iter(ws.values()))
        L.append(f"pktgen runs of {fmt(first['packets_per_run'])} packets, 1,000 established "
                 f"flows, paths alternated (fwd, nat64, jool, fwd, ...) after one warm-up "
                 f"round; packets/s as pktgen reports it. Noisy (TCG on shared cores): "
                 f"only ratios within the boot mean anything.")
        L.append("")
        L.append("| path | runs | median pps | min - max | median / fwd |")
        L.append("|---|---:|---:|---|---:|")
        fm = ws.get("fwd", {}).get("median_pps")
        for p, s in ws.items():
            rel = f"{s['median_pps'] / fm:.3f}" if fm else "-"
            L.append(f"| {p} | {s['runs']} | {fmt(s['median_pps'])} | "
                     f"{fmt(s['min_pps'])} - {fmt(s['max_pps'])} | {rel} |")
        if "nat64" in ws and "jool" in ws:
            L.append("")
            L.append(f"nat64 / Jool median packet rate: "
                     f"{ws['nat64']['median_pps'] / ws['jool']['median_pps']:.3f}")
        L.append("")
    text = "\n".join(L)
    with open(md_path, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
