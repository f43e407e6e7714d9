#!/usr/bin/env python3
"""Prints the Markdown tables of RESULTS.md from a run-benchmarks.sh output directory.

Usage: python3 benchmarks/results-table.py OUT

Each JMH JSON file (one per group) becomes a table: the parameters, the score with JMH's 99.9%
error, the unit, and gc.alloc.rate.norm (bytes per operation, from -prof gc). Benchmarks with a
`baseline` next to them get a `- baseline` column: the score minus the baseline's for the same
parameters (or the only baseline when it ran once), i.e. the measured work alone.
"""
import json
import os
import sys

# Classes whose baseline is the same per-packet loop minus the work, so score - baseline is the
# work alone. (InterpreterBench's baseline is a whole 2-instruction run; the load benchmarks'
# baselines are ~0.)
NET_OF_BASELINE = {"ProgramBench", "NicBench"}


def fmt(x):
    if x is None or x != x:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 0.01:
        return f"{x:.2f}"
    return f"{x:.1g}" if x else "0"


def rows(path):
    with open(path) as f:
        text = f.read()
    if not text.strip():
        return  # still running
    data = json.loads(text)
    for r in data:
        name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
        params = r.get("params", {})
        pm = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        raw = [x for fork in pm.get("rawData", []) for x in fork]
        best = (max(raw) if r["mode"] == "thrpt" else min(raw)) if raw else None
        yield name, params, pm["score"], pm.get("scoreError"), pm["scoreUnit"], alloc, r["mode"], best


def main(out):
    load = {}
    lf = os.path.join(out, "load.txt")
    if os.path.exists(lf):
        for line in open(lf):
            p = line.split()
            load.setdefault(p[0], []).append(" ".join(p[2:]))
    for fn in sorted(os.listdir(out)):
        if not fn.endswith(".json"):
            continue
        group = fn[:-5]
        rs = list(rows(os.path.join(out, fn)))
        if not rs:
            continue
        keys = sorted({k for r in rs for k in r[1]})
        base = {}
        for name, params, score, *_ in rs:
            if name.endswith(".baseline") and name.split(".")[0] in NET_OF_BASELINE:
                base[tuple(sorted(params.items()))] = score
        only_base = next(iter(base.values())) if len(base) == 1 else None
        l = load.get(group, [])
        print(f"### {group}" + (f" (load average start {l[0]}, end {l[-1]})" if l else ""))
        print()
        print("| benchmark | " + " | ".join(keys)
              + " | score | ± | best iteration | unit | - baseline | B/op |")
        print("| --- | " + " | ".join("---" for _ in keys)
              + " | ---: | ---: | ---: | --- | ---: | ---: |")
        for name, params, score, err, unit, alloc, mode, best in rs:
            b = base.get(tuple(sorted(params.items())), only_base)
            net = "" if name.endswith(".baseline") or b is None or mode == "thrpt" else fmt(score - b)
            print(
                f"| {name} | "
                + " | ".join(str(params.get(k, "")) for k in keys)
                + f" | {fmt(score)} | {fmt(err)} | {fmt(best)} | {unit} | {net} | {fmt(alloc)} |"
            )
        print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
