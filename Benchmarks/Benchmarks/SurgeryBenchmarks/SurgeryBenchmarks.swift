import GLPKBinding
import Benchmark
import BenchmarkSupport
import EdgeSplitModel
import ModelZoo
import Surgery
import SurgeryMILP

// P2 timings: DSL (one minimum cut) on the deep-cut DAG families of 1,000, 10,000 and 50,000
// layers whose minimum cut keeps 1%, 30% and 70% of the layers on the device (the speed goal:
// 50,000 layers under 0.5 s at any depth), the same cut by the Dinic oracle up to 10,000 layers,
// DSH and DSH + local moves under heavy load, and DSL next to the exact GLPK integer program on
// ResNet-18 latency.
//
// The DAGs are `SyntheticNetworks.deepCutDAG` (width 8, seed 42) at `deepCutSpeeds`; the
// "layers on device" metric records where each cut fell. A max flow's work grows with the depth
// of the cut, so a one-layer-deep cut says nothing about scaling.

/// `deepCutDAG(layers:width: 8, cutDepth:seed: 42)` at `deepCutSpeeds`, for `objective`.
private func deepCutInstance(layers: Int, depth: Double, objective: SurgeryObjective = .latency) -> SurgeryInstance {
  let model = SyntheticNetworks.deepCutDAG(layers: layers, width: 8, cutDepth: depth, seed: 42)
  let speeds = SyntheticNetworks.deepCutSpeeds
  return try! SurgeryInstance(name: "\(model.name)-\(objective.rawValue)", model: model, deviceGflops: speeds.deviceGflops,
                              serverGflops: speeds.serverGflops, uplinkMbps: speeds.uplinkMbps, objective: objective)
}

private let depths = [0.01, 0.3, 0.7]
private let googlenetThroughput = Shipped.surgery("googlenet-phone-18.88mbps-throughput")
private let resnet18Latency = Shipped.surgery("resnet18-phone-18.88mbps-latency")

/// How many layers the measured partition leaves on the device: 0 is all-server, the layer
/// count all-device; anything between is an inner cut.
private let layersOnDevice = BenchmarkMetric.custom("layers on device", polarity: .prefersLarger,
                                                    useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
  /// Times `solve` on `instance` and records where the partition cut.
  func partitioning(
    _ label: String, _ instance: SurgeryInstance, configuration: Benchmark.Configuration,
    _ solve: @escaping @Sendable (SurgeryInstance) -> SolverOutcome<Partition>
  ) {
    Benchmark("P2 \(label) \(instance.name)", configuration: configuration.recording([layersOnDevice])) { benchmark in
      var outcome: SolverOutcome<Partition>?
      for _ in benchmark.scaledIterations { outcome = solve(instance) }
      benchmark.stopMeasurement()
      benchmark.measurement(layersOnDevice, outcome!.solution!.onDevice.filter { $0 }.count)
    }
  }

  for layers in [1_000, 10_000, 50_000] {
    for depth in depths {
      let instance = deepCutInstance(layers: layers, depth: depth)
      partitioning("DSL", instance, configuration: .quick) { DSL.solve($0) }
      if layers <= 10_000 {
        Benchmark("P2 Dinic min cut \(instance.name)", configuration: .slow) { benchmark in
          let graph = DSL.network(for: instance)
          for _ in benchmark.scaledIterations {
            blackHole(graph.network.minimumCut(source: graph.source, sink: graph.sink, algorithm: .dinic))
          }
        }
      }
    }
  }
  for layers in [100, 1_000] {
    let instance = deepCutInstance(layers: layers, depth: 0.3, objective: .throughput)
    partitioning("DSH", instance, configuration: .quick) { DSH.solve($0) }
    partitioning("DSH-local", instance, configuration: .quick) { DSHLocal.solve($0) }
  }
  partitioning("DSH", googlenetThroughput, configuration: .quick) { DSH.solve($0) }
  partitioning("DSH-local", googlenetThroughput, configuration: .quick) { DSHLocal.solve($0) }

  // The same instance both ways: the minimum cut against GLPK's branch and bound.
  partitioning("DSL", resnet18Latency, configuration: .quick) { DSL.solve($0) }
  partitioning("ILP", resnet18Latency, configuration: .quick) { try! SurgeryILP.solve($0, backend: GLPKSolver()) }
}
