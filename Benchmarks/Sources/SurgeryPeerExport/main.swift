// Exports the deep-cut DAGs' min-cut networks G′ for peer max-flow codes, and times Swift's DSL
// on the same graphs. Driven by Benchmarks/scripts/networkx_peer.py; by hand:
//
//   swift run -c release SurgeryPeerExport <directory> [layers ...]
//
// For every size (default 1,000, 10,000 and 50,000 layers) and cut depth (1%, 30%, 70%), it
// writes `<directory>/deep-cut-<layers>-d<percent>.json`: the nodes, source, sink and arcs of G′
// (`[tail, head, capacity]`, `null` for an infinite arc) and the Swift timings (median of 5 runs
// after one warm-up): `dslSeconds` and `dslCPUSeconds` (DSL.solve: build G′, min cut, evaluate;
// wall clock and CPU time) and `minCutSeconds` (the push–relabel min cut alone, on a prebuilt
// G′), plus one Dinic min cut (`dinicSeconds`) up to 10,000 layers.
import EdgeSplitModel
import Foundation
import Graphs
import ModelZoo
import Surgery

/// CPU seconds this process has used (all threads; the exporter runs on one).
func processorSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The median wall-clock seconds and the median CPU seconds of `runs` calls after one warm-up
/// (on a machine shared with other jobs, CPU time is the steadier of the two).
func medianSeconds(runs: Int = 5, _ body: () -> Void) -> (wall: Double, cpu: Double) {
  body()
  let clock = ContinuousClock()
  var wall: [Double] = [], cpu: [Double] = []
  for _ in 0..<runs {
    let start = processorSeconds()
    let duration = clock.measure(body)
    cpu.append(processorSeconds() - start)
    wall.append(Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
  }
  return (wall.sorted()[runs / 2], cpu.sorted()[runs / 2])
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
    let dsl = medianSeconds { outcome = DSL.solve(instance) }
    let graph = DSL.network(for: instance)
    let minCut = medianSeconds { _ = graph.network.minimumCut(source: graph.source, sink: graph.sink) }
    let dinic = layers <= 10_000
      ? medianSeconds(runs: 1) { _ = graph.network.minimumCut(source: graph.source, sink: graph.sink, algorithm: .dinic) }
      : nil
    let cut = graph.network.minimumCut(source: graph.source, sink: graph.sink)
    let onDevice = outcome!.solution!.onDevice.filter { $0 }.count
    var json = "{\"name\": \"\(model.name)\", \"layers\": \(layers), \"cutDepth\": \(depth),"
    json += " \"nodes\": \(graph.network.nodeCount), \"source\": \(graph.source), \"sink\": \(graph.sink),"
    json += " \"swift\": {\"dslSeconds\": \(dsl.wall), \"dslCPUSeconds\": \(dsl.cpu), \"minCutSeconds\": \(minCut.wall),"
    json += " \"dinicSeconds\": \(dinic.map { "\($0.wall)" } ?? "null"), \"cutValue\": \(cut.value),"
    json += " \"layersOnDevice\": \(onDevice)},\n \"arcs\": ["
    json += graph.network.arcs.map { "[\($0.tail), \($0.head), \($0.capacity.isFinite ? "\($0.capacity)" : "null")]" }
      .joined(separator: ",")
    json += "]}\n"
    let file = "\(directory)/deep-cut-\(layers)-d\(Int((100 * depth).rounded())).json"
    try json.write(toFile: file, atomically: true, encoding: .utf8)
    print("\(model.name): DSL \(dsl.wall) s (CPU \(dsl.cpu) s), min cut \(minCut.wall) s, Dinic \(dinic.map { "\($0.wall) s" } ?? "-"), \(onDevice) layers on the device → \(file)")
  }
}
