#!/usr/bin/env python3
"""Hottest frames of a JFR recording (as JMH's -prof jfr writes it), as Markdown tables.

Usage: python3 benchmarks/jfr-hot-frames.py FILE.jfr [TOP] [THREAD-SUBSTRING]

Reads the jdk.ExecutionSample events through `jfr print --json` (JDK's jfr tool) and prints the
methods that are most often on top of the stack (self time) and most often anywhere on the stack
(inclusive time, each method counted once per sample), as percentages of the samples. Samples of
JMH's own infrastructure threads are left out; THREAD-SUBSTRING keeps only matching threads.
"""
import collections
import json
import shutil
import subprocess
import sys

# Frames every sample has (threads, reflection, JMH's generated stubs): not worth listing.
INFRASTRUCTURE = ("java/", "jdk/", "org/openjdk/", "io/xdpemu/bench/jmh_generated/")


def main(path, top, thread_filter):
    jfr = shutil.which("jfr") or "jfr"
    out = subprocess.run(
        [jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
        check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    self_count = collections.Counter()
    incl_count = collections.Counter()
    n = 0
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or ""
        if thread_filter and thread_filter not in thread:
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        names = []
        for f in frames:
            m = f["method"]
            names.append(m["type"]["name"].split(".")[-1] + "." + m["name"])
        if any(x.startswith("BlackholeThread") for x in names):
            continue
        n += 1
        self_count[names[0]] += 1
        for name in set(names):
            if not name.startswith(INFRASTRUCTURE):
                incl_count[name] += 1
    print(f"{n} samples ({path})\n")
    for title, c in (("self (top of stack)", self_count), ("inclusive", incl_count)):
        print(f"| {title} | % of samples |\n| --- | ---: |")
        for name, k in c.most_common(top):
            print(f"| `{name}` | {100.0 * k / max(n, 1):.1f} |")
        print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15,
         sys.argv[3] if len(sys.argv) > 3 else None)
