// Exports the deep-cut DAGs' min-cut networks G′ for peer max-flow codes, and times Swift's DSL
// on the same graphs. Driven by Benchmarks/scripts/networkx_peer.py; by hand:
//
//   swift run -c release SurgeryPeerExport <directory> [layers ...]
//
// For every size (default 1,000, 10,000 and 50,000 layers) and cut depth (1%, 30%, 70%), it
// writes `<directory>/deep-cut-<layers>-d<percent>.json`: the nodes, source, sink and arcs of G′
// (`[tail, head, capacity]`, `null` for an infinite arc) and the Swift timings (median of 5 runs
// after one warm-up): `dslSeconds` (DSL.solve: build G′, min cut, evaluate) and
// `minCutSeconds` (the push–relabel min cut alone, on a prebuilt G′), plus one Dinic min cut
// (`dinicSeconds`) up to 10,000 layers.
import EdgeSplitModel
import Foundation
import Graphs
import ModelZoo
import Surgery

/// The median wall-clock seconds of `runs` calls after one warm-up.
func medianSeconds(runs: Int = 5, _ body: () -> Void) -> Double {
  body()
  let clock = ContinuousClock()
  let times = (0..<runs).map { _ in
    let duration = clock.measure(body)
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }.sorted()
  return times[runs / 2]
}

let arguments = CommandLine.arguments.dropFirst()
guard let directory = arguments.first else {
  print("usage: SurgeryPeerExport <directory> [layers ...]")
  exit(2)
}
let sizes = arguments.count > 1 ? arguments.dropFirst().map { Int($0)! } : [1_000, 10_000, 50_000]
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let speeds = SyntheticNetworks.deepCutSpeeds
for layers in sizes {
  for depth in [0.01, 0.3, 0.7] {
    let model = SyntheticNetworks.deepCutDAG(layers: layers, width: 8, cutDepth: depth, seed: 42)
    let instance = try SurgeryInstance(name: model.name, model: model, deviceGflops: speeds.deviceGflops,
                                       serverGflops: speeds.serverGflops, uplinkMbps: speeds.uplinkMbps, objective: .latency)
    var outcome: SolverOutcome<Partition>?
    let dslSeconds = medianSeconds { outcome = DSL.solve(instance) }
    let graph = DSL.network(for: instance)
    let minCutSeconds = medianSeconds { _ = graph.network.minimumCut(source: graph.source, sink: graph.sink) }
    let dinicSeconds = layers <= 10_000
      ? medianSeconds(runs: 1) { _ = graph.network.minimumCut(source: graph.source, sink: graph.sink, algorithm: .dinic) }
      : nil
    let cut = graph.network.minimumCut(source: graph.source, sink: graph.sink)
    let onDevice = outcome!.solution!.onDevice.filter { $0 }.count
    var json = "{\"name\": \"\(model.name)\", \"layers\": \(layers), \"cutDepth\": \(depth),"
    json += " \"nodes\": \(graph.network.nodeCount), \"source\": \(graph.source), \"sink\": \(graph.sink),"
    json += " \"swift\": {\"dslSeconds\": \(dslSeconds), \"minCutSeconds\": \(minCutSeconds),"
    json += " \"dinicSeconds\": \(dinicSeconds.map { "\($0)" } ?? "null"), \"cutValue\": \(cut.value),"
    json += " \"layersOnDevice\": \(onDevice)},\n \"arcs\": ["
    json += graph.network.arcs.map { "[\($0.tail), \($0.head), \($0.capacity.isFinite ? "\($0.capacity)" : "null")]" }
      .joined(separator: ",")
    json += "]}\n"
    let file = "\(directory)/deep-cut-\(layers)-d\(Int((100 * depth).rounded())).json"
    try json.write(toFile: file, atomically: true, encoding: .utf8)
    print("\(model.name): DSL \(dslSeconds) s, min cut \(minCutSeconds) s, Dinic \(dinicSeconds.map { "\($0) s" } ?? "-"), \(onDevice) layers on the device → \(file)")
  }
}
