#!/usr/bin/env python3
"""Summary of the P5 online study written by streams_study.sh (standard library only).

    python3 Benchmarks/scripts/streams_study.py Benchmarks/results/streams [--reference p5-dp]

Per regime folder (baselines.csv from solverbench, eval-<variant>-<seed>.csv and
curve-<variant>-<seed>.csv from solverbench train): per held-out trace, the improvement over
Greedy (objective / Greedy - 1) and the gap to the offline reference ((reference - objective) /
reference, the best objective of the --reference solvers); per training seed, the mean over the
traces; then mean ± sample sd over seeds with a 95 % t confidence interval, and each ablation's
paired difference to the full learner (same seeds). Writes summary.md and, per regime,
improvement.svg and curves.svg (validation reward of the greedy policy per checkpoint, mean over
seeds, per variant).
"""
import csv
import glob
import os
import statistics
import sys
from collections import defaultdict

# Two-sided 95 % Student t quantiles by degrees of freedom.
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}


def spread(xs):
    """(mean, sd, half-width of the 95 % CI) of xs, in percent if given fractions."""
    m = statistics.fmean(xs)
    if len(xs) < 2:
        return m, 0.0, 0.0
    sd = statistics.stdev(xs)
    return m, sd, T95.get(len(xs) - 1, 1.96) * sd / len(xs) ** 0.5


def pct(x):
    return f"{100 * x:+.2f} %"


def pm(xs):
    m, sd, h = spread(xs)
    return f"{100 * m:+.2f} % ± {100 * sd:.2f} (95 % CI {100 * (m - h):+.2f} … {100 * (m + h):+.2f})"


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def svg_bars(path, title, labels, values, errors):
    w, h, left, top, bar = 640, 60 + 28 * len(labels), 190, 40, 18
    lo, hi = min(0.0, *(v - e for v, e in zip(values, errors))), max(0.0, *(v + e for v, e in zip(values, errors)))
    span = (hi - lo) or 1.0
    x = lambda v: left + (v - lo) / span * (w - left - 30)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
             f'<line x1="{x(0)}" y1="{top - 5}" x2="{x(0)}" y2="{h - 10}" stroke="#444"/>']
    for i, (label, v, e) in enumerate(zip(labels, values, errors)):
        y = top + 28 * i
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{min(x(0), x(v))}" y="{y}" width="{abs(x(v) - x(0))}" height="{bar}" fill="#4a7fb5"/>')
        if e > 0:
            parts.append(f'<line x1="{x(v - e)}" y1="{y + bar / 2}" x2="{x(v + e)}" y2="{y + bar / 2}" stroke="#000"/>')
        parts.append(f'<text x="{x(max(v, 0) + e) + 4}" y="{y + 13}">{v:+.1f} %</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def svg_curves(path, title, series):
    w, h, left, top, right, bottom = 640, 360, 60, 40, 150, 40
    points = [p for _, ps in series for p in ps]
    if not points:
        return
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    sx = lambda v: left + (v - x0) / ((x1 - x0) or 1) * (w - left - right)
    sy = lambda v: h - bottom - (v - y0) / ((y1 - y0) or 1) * (h - top - bottom)
    colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<text x="{(w - right) / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
             f'<text x="{(w - right) / 2}" y="{h - 8}" text-anchor="middle">episode</text>',
             f'<text x="{left - 5}" y="{sy(y1) + 4}" text-anchor="end">{y1:.1f}</text>',
             f'<text x="{left - 5}" y="{sy(y0) + 4}" text-anchor="end">{y0:.1f}</text>']
    for k, (name, ps) in enumerate(series):
        c = colours[k % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{" ".join(f"{sx(a):.1f},{sy(b):.1f}" for a, b in ps)}"/>')
        parts.append(f'<text x="{w - right + 10}" y="{top + 18 * k + 10}" fill="{c}">{name}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out = args[0]
    references = set((args[args.index("--reference") + 1] if "--reference" in args else "p5-dp").split(","))
    lines = ["# P5 online study", ""]
    for folder in sorted(d for d in glob.glob(os.path.join(out, "*")) if os.path.isdir(d)):
        regime = os.path.basename(folder)
        base = defaultdict(dict)
        for r in read_rows(os.path.join(folder, "baselines.csv")):
            if r["objective"]:
                base[r["instance"]][r["solver"]] = float(r["objective"])
        traces = sorted(base)
        greedy = {t: base[t]["p5-greedy"] for t in traces}
        ref = {t: max(v for s, v in base[t].items() if s in references) for t in traces}
        look = {t: base[t]["p5-lookahead"] for t in traces}
        over = lambda objs: statistics.fmean(objs[t] / greedy[t] - 1 for t in traces)
        gap = lambda objs: statistics.fmean((ref[t] - objs[t]) / ref[t] for t in traces)
        lines += [f"## {regime}", "",
                  f"{len(traces)} held-out traces ({', '.join(traces)}); reference = best of {', '.join(sorted(references))}.", "",
                  "| method | over Greedy (mean over traces; over seeds: mean ± sd, 95 % CI) | gap to reference |",
                  "|---|---|---|",
                  f"| offline reference | {pct(over(ref))} | 0 |",
                  f"| p5-lookahead (online, no learning) | {pct(over(look))} | {pct(gap(look))} |"]
        learner = {}
        for path in sorted(glob.glob(os.path.join(folder, "eval-*.csv"))):
            variant, seed = os.path.basename(path)[5:-4].rsplit("-", 1)
            objs = {r["instance"]: float(r["objective"]) for r in read_rows(path)}
            learner.setdefault(variant, {})[int(seed)] = (over(objs), gap(objs))
        order = sorted(learner, key=lambda v: (v != "full", v))
        labels, values, errors = ["offline reference", "p5-lookahead"], [100 * over(ref), 100 * over(look)], [0.0, 0.0]
        for variant in order:
            seeds = sorted(learner[variant])
            ups, gaps = [learner[variant][s][0] for s in seeds], [learner[variant][s][1] for s in seeds]
            lines.append(f"| learner {variant} (seeds {', '.join(map(str, seeds))}) | {pm(ups)} | {pm(gaps)} |")
            m, _, hw = spread(ups)
            labels.append(f"learner {variant}")
            values.append(100 * m)
            errors.append(100 * hw)
        lines.append("")
        if "full" in learner and len(order) > 1:
            lines += ["Ablations, paired by seed (variant − full, improvement over Greedy in points):", "",
                      "| variant | difference (mean ± sd, 95 % CI) |", "|---|---|"]
            for variant in order[1:]:
                common = sorted(set(learner[variant]) & set(learner["full"]))
                diffs = [learner[variant][s][0] - learner["full"][s][0] for s in common]
                lines.append(f"| {variant} | {pm(diffs)} |")
            lines.append("")
        kept = []
        for variant in order:
            episodes = []
            for seed in sorted(learner[variant]):
                path = os.path.join(folder, f"train-{variant}-{seed}.txt")
                if os.path.exists(path):
                    text = open(path).read()
                    if "after episode " in text:
                        episodes.append(text.split("after episode ")[1].split()[0])
            if episodes:
                kept.append(f"{variant}: {', '.join(episodes)}")
        if kept:
            lines += ["Checkpoint kept by validation (episode; 0 = before the first episode), per seed: " + "; ".join(kept), ""]
        lines.append("Per seed, learner over Greedy: " + "; ".join(
            f"{v}: " + ", ".join(f"{s}: {pct(learner[v][s][0])}" for s in sorted(learner[v])) for v in order))
        lines.append("")
        svg_bars(os.path.join(folder, "improvement.svg"), f"P5 {regime}: over Greedy on held-out traces (95 % CI over seeds)",
                 labels, values, errors)
        series = []
        for variant in order:
            checkpoints = defaultdict(list)
            for path in glob.glob(os.path.join(folder, f"curve-{variant}-*.csv")):
                if not os.path.basename(path)[6:-4].rsplit("-", 1)[0] == variant:
                    continue
                for r in read_rows(path):
                    if r.get("validation"):
                        checkpoints[int(r["episode"])].append(float(r["validation"]))
            series.append((variant, sorted((e, statistics.fmean(v)) for e, v in checkpoints.items())))
        svg_curves(os.path.join(folder, "curves.svg"), f"P5 {regime}: validation reward per checkpoint (mean over seeds)", series)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
