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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", default="/tmp/edgesplit-p2-peer")
    parser.add_argument("--layers", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--no-export", action="store_true", help="reuse the JSON files already in --directory")
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


if __name__ == "__main__":
    main()
