import Benchmark
import BenchmarkSupport
import EdgeSplitModel
import ModelZoo
import Surgery
import SurgeryMILP

// P2 timings: DSL (one minimum cut) on seeded synthetic DAGs of 100, 1,000 and 10,000 layers
// (the speed goal: 10,000 layers well under a second), DSH on the same DAGs under heavy load and
// on GoogLeNet, and DSL next to the exact GLPK integer program on ResNet-18 latency.
//
// The DAGs are `SyntheticNetworks.costDAG` (each layer reads one to three of the 8 layers before
// it; output sizes span three orders of magnitude), whose minimum cuts fall deep inside the
// graph; the "layers on device" metric records where each cut fell. (`deepDAG`, whose
// activations grow like a real CNN's, only ever cuts at all-device or all-server.)

/// `SyntheticNetworks.costDAG` of `layers` layers (width 8, seed 42, one input reader) with the
/// speeds of the 10,000-layer case in SurgeryTests (100 and 200 GFLOP/s, 100 Mbit/s), once per
/// objective.
private func deepDAGInstances(layers: Int) -> (latency: SurgeryInstance, throughput: SurgeryInstance) {
  let model = SyntheticNetworks.costDAG(layers: layers, width: 8, seed: 42, inputShare: 0)
  let instance = { (objective: SurgeryObjective) in
    try! SurgeryInstance(name: "dag-\(layers)-\(objective.rawValue)", model: model, deviceGflops: 100,
                         serverGflops: 200, uplinkMbps: 100, objective: objective)
  }
  return (instance(.latency), instance(.throughput))
}

private let deepDAGs = [100, 1_000, 10_000].map(deepDAGInstances(layers:))
private let googlenetThroughput = Shipped.surgery("googlenet-phone-18.88mbps-throughput")
private let resnet18Latency = Shipped.surgery("resnet18-phone-18.88mbps-latency")

/// How many layers the measured partition leaves on the device: 0 is all-server, the layer
/// count all-device; anything between is an inner cut.
private let layersOnDevice = BenchmarkMetric.custom("layers on device", polarity: .prefersLarger,
                                                    useScalingFactor: false)

private func recordCut(_ partition: Partition, of benchmark: Benchmark) {
  benchmark.measurement(layersOnDevice, partition.onDevice.filter { $0 }.count)
}

let benchmarks: @Sendable () -> Void = {
  func dsh(_ instance: SurgeryInstance, configuration: Benchmark.Configuration) {
    Benchmark("P2 DSH \(instance.name)", configuration: configuration.recording([layersOnDevice])) { benchmark in
      var outcome: DSH.Outcome?
      for _ in benchmark.scaledIterations { outcome = DSH.search(instance) }
      benchmark.stopMeasurement()
      recordCut(outcome!.result.partition, of: benchmark)
    }
  }

  for (latency, throughput) in deepDAGs {
    Benchmark("P2 DSL \(latency.name)", configuration: .quick.recording([layersOnDevice])) { benchmark in
      var result: SurgeryResult?
      for _ in benchmark.scaledIterations { result = DSL.bestPartition(latency) }
      benchmark.stopMeasurement()
      recordCut(result!.partition, of: benchmark)
    }
    dsh(throughput, configuration: throughput.model.layers.count >= 10_000 ? .slow : .quick)
  }
  dsh(googlenetThroughput, configuration: .quick)

  // The same instance both ways: the minimum cut against GLPK's branch and bound.
  Benchmark("P2 DSL \(resnet18Latency.name)", configuration: .quick.recording([layersOnDevice])) { benchmark in
    var result: SurgeryResult?
    for _ in benchmark.scaledIterations { result = DSL.bestPartition(resnet18Latency) }
    benchmark.stopMeasurement()
    recordCut(result!.partition, of: benchmark)
  }
  Benchmark("P2 ILP \(resnet18Latency.name)", configuration: .quick.recording([layersOnDevice])) { benchmark in
    var outcome: SolverOutcome<Partition>?
    for _ in benchmark.scaledIterations { outcome = try! SurgeryILP.solve(resnet18Latency) }
    benchmark.stopMeasurement()
    recordCut(outcome!.solution!, of: benchmark)
  }
}
