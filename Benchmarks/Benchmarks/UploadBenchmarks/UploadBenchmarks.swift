import Benchmark
import BenchmarkSupport
import EdgeSplitModel
import ModelZoo
import Upload

// P4 timings: MJOA-MU (PBT-DP alternated with ARA) on 100 UEs whose models are the ResNet-50 and
// GoogLeNet DAGs (72 and 81 layers), fast links (caps 1–1000 Mbit/s), a 20,000 GFLOP/s server and
// 50,000 Mbit/s of bandwidth for all, so that many UEs offload part of their model (the metric
// below counts them). Cellular caps or small budgets make almost every UE all-local and the
// search trivial, so they are not the hard case.

private let instance = try! UploadGenerator.generate(
  name: "ues100-resnet50-googlenet", models: [ModelZoo.model(.resnet50), ModelZoo.model(.googlenet)],
  ues: 100, serverGflops: 20_000, bandwidthMbps: 50_000, caps: UploadGenerator.fastUplinkMbps, seed: 100)

private let offloading = BenchmarkMetric.custom("UEs that offload", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
  Benchmark("P4 MJOA-MU \(instance.name)", configuration: .slow.recording([offloading])) { benchmark in
    var outcome: SolverOutcome<UploadSolution>?
    for _ in benchmark.scaledIterations { outcome = MJOAMU.solve(instance) }
    benchmark.stopMeasurement()
    let solution = outcome!.solution!
    benchmark.measurement(offloading, solution.ues.count { $0.onDevice.contains(false) })
  }
  Benchmark("P4 p4-overlap \(instance.name)", configuration: .slow.recording([offloading])) { benchmark in
    var outcome: SolverOutcome<UploadSolution>?
    for _ in benchmark.scaledIterations { outcome = OverlapSearch.solve(instance) }
    benchmark.stopMeasurement()
    benchmark.measurement(offloading, outcome!.solution!.ues.count { $0.onDevice.contains(false) })
  }
  Benchmark("P4 serial-upload baseline \(instance.name)", configuration: .slow) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(MJOAMU.solve(instance, mode: .serial)) }
  }
}
