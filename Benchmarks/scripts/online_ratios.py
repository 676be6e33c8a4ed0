#!/usr/bin/env python3
"""Measured competitive ratios of the online P1 solvers, from solverbench's CSV.

    swift run solverbench instances/online-admission --format csv | python3 Benchmarks/scripts/online_ratios.py

Groups instances by name without the trailing `-N` (random, adversarial, bursty, pricing) and
prints, per group and solver, the ratio to the offline optimum as mean ± sample sd over the
instances (seeds), the worst (smallest) ratio, and the same over all instances. Rows whose
reference is only a bound are counted and flagged. Standard library only.
"""
import csv
import statistics
import sys
from collections import defaultdict


def main() -> int:
    lines = [line for line in sys.stdin if not line.startswith("#")]
    rows = [r for r in csv.DictReader(lines) if r["problem"] == "online-admission" and r["role"] != "exact" and r["ratio"]]
    if not rows:
        print("no online-admission rows with a ratio", file=sys.stderr)
        return 1
    by_group = defaultdict(list)
    bound_only = defaultdict(int)
    order = []
    for r in rows:
        group = r["instance"].rsplit("-", 1)[0]
        for key in ((group, r["solver"]), ("all", r["solver"])):
            if key not in by_group:
                order.append(key)
            by_group[key].append(float(r["ratio"]))
            if r["reference_kind"] != "optimum":
                bound_only[key] += 1
    print("| instances | solver | n | ratio mean ± sd | worst ratio |")
    print("|---|---|---:|---:|---:|")
    for key in sorted(order, key=lambda k: (k[0] == "all", k[0], order.index(k))):
        values = by_group[key]
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        flag = f" ({bound_only[key]} vs a bound)" if bound_only[key] else ""
        print(f"| {key[0]} | {key[1]} | {len(values)}{flag} | {statistics.mean(values):.3f} ± {sd:.3f} | {min(values):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
