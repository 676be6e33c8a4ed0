#!/usr/bin/env python3
"""Peer comparison: solve the same pruned P1 ILPs with HiGHS (scipy.optimize.milp) and compare
its times with EdgeSplit's exact P1 solvers (the pruned ILP on GLPK and CBC, p1-lagrangian-exact).

Usage (from the repository root, after `swift build -c release`):

    python3 Benchmarks/scripts/highs_peer.py INSTANCES_FOLDER [--solverbench PATH] [--time-limit 60] [--ours SOLVER:BACKEND,...]
        [--out Benchmarks/results/highs-peer.md]

Steps: `solverbench export-ilp --format json` writes every admission instance's pruned ILP as MILP JSON;
HiGHS solves each (one thread, the same time limit); `solverbench run --solvers S --backend B
--jobs 1` times EdgeSplit's solves for each (S, B) of `--ours` (default: the pruned ILP on GLPK
and on CBC, and `p1-lagrangian-exact` on both; its seconds include building the table and the
start heuristics, which the peer does not pay). Writes a Markdown table of times, proofs, final
gaps of unproven runs and time ratios, with shifted geometric means (shift 1 s) over instances
both solve.
Installs SciPy from PyPI (pip --user) when it is missing.
"""
import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time


def ensure_scipy():
    try:
        import scipy  # noqa: F401
    except ImportError:
        print("installing scipy from PyPI", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--user", "--quiet", "scipy"])
    import scipy
    return scipy.__version__


def solve_with_highs(path, time_limit):
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    with open(path) as f:
        model = json.load(f)
    variables, constraints = model["variables"], model.get("constraints", [])
    n = len(variables)
    sign = -1.0 if model.get("sense") == "maximize" else 1.0
    c = np.array([sign * v.get("objective", 0.0) for v in variables])
    integrality = np.array([0 if v.get("kind") == "continuous" else 1 for v in variables])
    lower = np.array([v.get("lowerBound", -np.inf) if v.get("lowerBound") is not None else -np.inf for v in variables])
    upper = np.array([v["upperBound"] if v.get("upperBound") is not None else (1.0 if v.get("kind") == "binary" else np.inf)
                      for v in variables])
    rows, cols, vals = [], [], []
    for i, con in enumerate(constraints):
        for t in con["terms"]:
            rows.append(i)
            cols.append(t["variable"])
            vals.append(t["coefficient"])
    a = coo_matrix((vals, (rows, cols)), shape=(len(constraints), n)).tocsr()
    row_lower = [con["lowerBound"] if con.get("lowerBound") is not None else -np.inf for con in constraints]
    row_upper = [con["upperBound"] if con.get("upperBound") is not None else np.inf for con in constraints]
    start = time.perf_counter()
    result = milp(c, integrality=integrality, bounds=Bounds(lower, upper),
                  constraints=[LinearConstraint(a, row_lower, row_upper)] if constraints else None,
                  options={"time_limit": time_limit, "disp": False})
    seconds = time.perf_counter() - start
    objective = None if result.x is None else sign * result.fun + model.get("objectiveConstant", 0.0)
    bound = getattr(result, "mip_dual_bound", None)
    bound = None if bound is None or not math.isfinite(bound) else sign * bound + model.get("objectiveConstant", 0.0)
    return {"seconds": seconds, "optimal": result.status == 0, "objective": objective, "bound": bound}


def run_solverbench(solverbench, folder, solver, backend, time_limit):
    out = subprocess.run([solverbench, "run", folder, "--solvers", solver, "--backend", backend,
                          "--jobs", "1", "--quiet", "--format", "csv", "--time-limit", str(time_limit)],
                         capture_output=True, text=True)
    lines = out.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("instance,"))
    table = [line for line in lines[header:] if line.startswith(("instance,", "bench-", "hard-", "small-", "large-"))
             or "," in line and line.count(",") >= 15]
    for noise in set(lines) - set(table):
        print(f"solverbench --backend {backend} printed: {noise}", file=sys.stderr)
    rows = {}
    for row in csv.DictReader(io.StringIO("\n".join(table))):
        rows[row["instance"]] = {"seconds": float(row["seconds"]), "optimal": row["status"].startswith("optimal"),
                                 "objective": float(row["objective"]) if row["objective"] else None,
                                 "bound": float(row["bound"]) if row["bound"] else None}
    return rows


def gap(r):
    """Relative gap in % between a run's incumbent and its bound (maximization), or None."""
    if r is None or r.get("objective") is None or r.get("bound") is None:
        return None
    return 100 * (r["bound"] - r["objective"]) / max(abs(r["bound"]), 1e-9)


def sgm(values, shift=1.0):
    return math.exp(sum(math.log(v + shift) for v in values) / len(values)) - shift if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances")
    parser.add_argument("--solverbench", default=".build/release/solverbench")
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--ours", default="p1-ilp-pruned:glpk,p1-ilp-pruned:cbc,p1-lagrangian-exact:glpk,p1-lagrangian-exact:cbc",
                        help="comma-separated solver:backend pairs to time against HiGHS")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    version = ensure_scipy()
    runs = [tuple(pair.split(":")) for pair in args.ours.split(",")]
    label = lambda run: f"{run[0]} ({run[1].upper()})"

    with tempfile.TemporaryDirectory() as exported:
        subprocess.check_call([args.solverbench, "export-ilp", args.instances, exported, "--format", "json"], stdout=subprocess.DEVNULL)
        names = sorted(f[:-len(".milp.json")] for f in os.listdir(exported) if f.endswith(".milp.json"))
        highs = {name: solve_with_highs(os.path.join(exported, name + ".milp.json"), args.time_limit) for name in names}
    ours = {run: run_solverbench(args.solverbench, args.instances, run[0], run[1], args.time_limit) for run in runs}

    def cell(r):
        if r is None:
            return "-"
        text = f"{r['seconds']:.2f}"
        if not r["optimal"]:
            g = gap(r)
            text += "*" + ("" if g is None else f" ({g:.3f} %)")
        return text

    lines = [f"HiGHS via SciPy {version} (scipy.optimize.milp), time limit {args.time_limit:g} s; times in seconds, "
             "`*` = not proven optimal within the limit, with the final gap (bound − incumbent) / bound in parentheses.", "",
             "| instance | HiGHS | " + " | ".join(label(run) for run in runs) + " | " + " | ".join(f"{label(run)} / HiGHS" for run in runs) + " |",
             "|---|---:|" + "---:|" * (2 * len(runs))]
    for name in names:
        h = highs[name]
        ratio = lambda r: "-" if r is None or not (r["optimal"] and h["optimal"]) else f"{r['seconds'] / max(h['seconds'], 1e-3):.2f}"
        row = [ours[run].get(name) for run in runs]
        lines.append(f"| {name} | {cell(h)} | " + " | ".join(cell(r) for r in row) + " | " + " | ".join(ratio(r) for r in row) + " |")
        for run, r in zip(runs, row):
            if r and r["optimal"] and h["optimal"] and abs(r["objective"] - h["objective"]) > 1e-6 * max(1, abs(h["objective"])):
                lines.append(f"| **{name}: {label(run)} optimum {r['objective']} differs from HiGHS {h['objective']}** |")
    lines += ["", "| solver | proven optimal | worst final gap (%) | shifted geometric mean (s, shift 1 s) over instances both prove | ratio to HiGHS |",
              "|---|---:|---:|---:|---:|"]
    worst = lambda rows: max([gap(r) or 0.0 for r in rows if r and not r["optimal"]], default=0.0)
    lines.append(f"| HiGHS | {sum(h['optimal'] for h in highs.values())}/{len(names)} | {worst(highs.values()):.3f} | "
                 f"{sgm([h['seconds'] for h in highs.values()]):.3f} | 1 |")
    for run in runs:
        both = [n for n in names if highs[n]["optimal"] and ours[run].get(n, {}).get("optimal")]
        mine = sgm([ours[run][n]["seconds"] for n in both])
        peer = sgm([highs[n]["seconds"] for n in both])
        proven = sum(1 for n in names if ours[run].get(n, {}).get("optimal"))
        lines.append(f"| {label(run)} | {proven}/{len(names)} | {worst(ours[run].values()):.3f} | "
                     f"{mine:.3f} (HiGHS {peer:.3f} on the same {len(both)}) | {mine / max(peer, 1e-3):.2f} |")
    text = "\n".join(lines) + "\n"
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
