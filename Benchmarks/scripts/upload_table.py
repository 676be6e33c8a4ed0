#!/usr/bin/env python3
"""The P4 table of the Upload article from one shipped run.

Usage:
    .build/release/solverbench instances/upload --format csv --quiet > upload.csv
    python3 Benchmarks/scripts/upload_table.py upload.csv

Prints one Markdown row per instance, in the file's order: p4-exact's objective, status and time,
its proven bound, the other solvers' objectives, MJOA-MU's and p4-overlap's gaps (the harness's,
relative to the reference) and each solver's reduction against serial uploading,
(serial - objective) / serial. Standard library only.
"""
import csv
import sys

SOLVERS = ["p4-overlap", "p4-mjoa-mu", "p4-serial-upload", "p4-all-local", "p4-equal-share"]
HEADER = ("| instance | UEs | p4-exact (status, s) | proven bound | p4-overlap | MJOA-MU | serial upload | all local "
          "| equal share | MJOA-MU gap | p4-overlap gap | MJOA-MU vs serial | p4-overlap vs serial | p4-exact vs serial |")


def number(text):
    return float(text) if text not in ("", None) else None


def main(path):
    with open(path) as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    instances = {}
    for row in rows:
        instances.setdefault(row["instance"], {})[row["solver"]] = row
    print(HEADER)
    print("|---|---:|---|" + "---:|" * 11)
    for name, solvers in instances.items():
        exact = solvers.get("p4-exact")
        serial = number(solvers["p4-serial-upload"]["objective"])

        def reduction(solver):
            value = number(solvers[solver]["objective"]) if solver in solvers else None
            return f"{100 * (serial - value) / serial:.1f} %" if value is not None and serial else "—"

        def gap(solver):
            value = number(solvers[solver]["gap_percent"])
            return f"{value:.2f} %" if value is not None else "—"

        if exact is None or exact["objective"] == "":
            # Not applicable (reallocation instances) or skipped: the harness's status says why.
            exact_cell = exact["status"] if exact else "—"
            bound_cell, exact_reduction = "—", "—"
        else:
            status = exact["status"].split(",")[0].replace(" (glpk)", "").replace(" (cbc)", "")
            exact_cell = f"{number(exact['objective']):.3f} ({status}, {number(exact['seconds']):.2f})"
            bound = number(exact["bound"])
            bound_cell = f"{bound:.3f}" if bound is not None else "—"
            exact_reduction = reduction("p4-exact")
        cells = [name, exact["size"] if exact else solvers["p4-mjoa-mu"]["size"], exact_cell, bound_cell]
        cells += [f"{number(solvers[s]['objective']):.3f}" for s in SOLVERS]
        cells += [gap("p4-mjoa-mu"), gap("p4-overlap"), reduction("p4-mjoa-mu"), reduction("p4-overlap"), exact_reduction]
        print("| " + " | ".join(str(c) for c in cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
