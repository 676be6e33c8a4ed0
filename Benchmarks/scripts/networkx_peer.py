#!/usr/bin/env python3
"""DSL (Swift) next to networkx's preflow-push on the same min-cut networks.

The Swift executable `SurgeryPeerExport` (this package) builds the deep-cut DAGs
(`SyntheticNetworks.deepCutDAG`, width 8, seed 42, cuts at 1%, 30% and 70% of the layers),
times DSL on them in release mode and exports each DAG's network G' as JSON. This script reads
those files, times `networkx.minimum_cut(..., flow_func=preflow_push)` on the same graphs (graph
construction excluded), checks that both find the same cut value, and prints a table.

    python3 Benchmarks/scripts/networkx_peer.py                 # 1k, 10k, 50k layers
    python3 Benchmarks/scripts/networkx_peer.py --layers 1000 10000
    python3 Benchmarks/scripts/networkx_peer.py --no-export --directory /tmp/p2-peer   # reuse files
    python3 Benchmarks/scripts/networkx_peer.py --plot Benchmarks/p2-scaling.svg      # and a log-log plot

Installs networkx from PyPI with pip when it is missing. Set SWIFT_SCRATCH_PATH to build the
exporter in another scratch directory.
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time

try:
    import networkx as nx
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "networkx"])
    import networkx as nx
from networkx.algorithms.flow import preflow_push

BENCHMARKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export(directory, layers):
    command = ["swift", "run", "-c", "release", "--package-path", BENCHMARKS]
    if os.environ.get("SWIFT_SCRATCH_PATH"):
        command += ["--scratch-path", os.environ["SWIFT_SCRATCH_PATH"]]
    command += ["SurgeryPeerExport", directory] + [str(n) for n in layers]
    subprocess.check_call(command)


def network(data):
    """G' as a networkx DiGraph: parallel arcs summed, infinite arcs without a capacity."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(data["nodes"]))
    for tail, head, capacity in data["arcs"]:
        if graph.has_edge(tail, head):
            edge = graph[tail][head]
            if capacity is None or "capacity" not in edge:
                edge.pop("capacity", None)
            else:
                edge["capacity"] += capacity
        elif capacity is None:
            graph.add_edge(tail, head)
        else:
            graph.add_edge(tail, head, capacity=capacity)
    return graph


def median_seconds(runs, body):
    """Median wall-clock and CPU seconds of `runs` calls, and the last result."""
    wall, cpu = [], []
    result = None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = body()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def log_log_plot(rows, path):
    """An SVG log-log plot of wall-clock time against layers: Swift DSL and networkx, one line per depth."""
    import math
    width, height, margin = 640, 420, 60
    xs = [row[0] for row in rows]
    ys = [value for row in rows for value in (row[3], row[6])]
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))

    def point(x, y):
        px = margin + (math.log10(x) - x0) / max(x1 - x0, 1e-9) * (width - 2 * margin)
        py = height - margin - (math.log10(y) - y0) / (y1 - y0) * (height - 2 * margin)
        return f"{px:.1f},{py:.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for exponent in range(y0, y1 + 1):
        y = point(min(xs), 10 ** exponent).split(",")[1]
        parts.append(f'<line x1="{margin}" x2="{width - margin}" y1="{y}" y2="{y}" stroke="#ddd"/>'
                     f'<text x="{margin - 8}" y="{y}" text-anchor="end">1e{exponent} s</text>')
    for x in sorted(set(xs)):
        px = point(x, 10 ** y0).split(",")[0]
        parts.append(f'<text x="{px}" y="{height - margin + 18}" text-anchor="middle">{x:,} layers</text>')
    colors = {0.01: "#1b9e77", 0.3: "#d95f02", 0.7: "#7570b3"}
    for depth, color in colors.items():
        series = sorted((row for row in rows if abs(row[1] - depth) < 1e-9), key=lambda row: row[0])
        for index, dash, label in ((3, "", "Swift DSL"), (6, ' stroke-dasharray="6 4"', "networkx preflow_push")):
            points = " ".join(point(row[0], row[index]) for row in series)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
    legend_y = 20
    for depth, color in colors.items():
        parts.append(f'<text x="{margin}" y="{legend_y}" fill="{color}">cut depth {depth:.0%}</text>')
        legend_y += 16
    parts.append(f'<text x="{width - margin}" y="20" text-anchor="end">solid: Swift DSL, dashed: networkx preflow_push</text>')
    parts.append("</svg>")
    with open(path, "w") as file:
        file.write("\n".join(parts) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", default="/tmp/edgesplit-p2-peer")
    parser.add_argument("--layers", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--no-export", action="store_true", help="reuse the JSON files already in --directory")
    parser.add_argument("--plot", help="also write a log-log SVG plot of time against layers to this file")
    arguments = parser.parse_args()
    if not arguments.no_export:
        export(arguments.directory, arguments.layers)
    rows = []
    for layers in arguments.layers:
        for path in sorted(glob.glob(os.path.join(arguments.directory, f"deep-cut-{layers}-d*.json")),
                           key=lambda p: int(p.rsplit("-d", 1)[1].split(".")[0])):
            with open(path) as file:
                data = json.load(file)
            graph = network(data)
            runs = 3 if layers <= 10000 else 1
            seconds, cpu, (value, _) = median_seconds(
                runs, lambda: nx.minimum_cut(graph, data["source"], data["sink"], flow_func=preflow_push))
            swift = data["swift"]
            if abs(value - swift["cutValue"]) > 1e-9 * max(abs(value), abs(swift["cutValue"])):
                sys.exit(f"{data['name']}: networkx cut {value}, Swift {swift['cutValue']}")
            rows.append((layers, data["cutDepth"], swift["layersOnDevice"], swift["dslSeconds"], swift["dslCPUSeconds"],
                         swift["dinicSeconds"], seconds, cpu))
    print("| layers | cut depth | layers on device | Swift DSL wall (CPU) | Swift Dinic wall "
          "| networkx preflow_push wall (CPU) | networkx / DSL wall (CPU) |")
    print("|--:|--:|--:|--:|--:|--:|--:|")
    for layers, depth, on_device, dsl, dsl_cpu, dinic, peer, peer_cpu in rows:
        dinic_text = f"{dinic * 1e3:,.0f} ms" if dinic is not None else "-"
        print(f"| {layers:,} | {depth:.0%} | {on_device:,} | {dsl * 1e3:,.1f} ms ({dsl_cpu * 1e3:,.1f}) | {dinic_text} "
              f"| {peer * 1e3:,.0f} ms ({peer_cpu * 1e3:,.0f}) | {peer / dsl:,.0f}x ({peer_cpu / max(dsl_cpu, 1e-6):,.0f}x) |")
    if arguments.plot:
        log_log_plot(rows, arguments.plot)


if __name__ == "__main__":
    main()
