import Admission
import Benchmark
import EdgeSplitModel
import Harness
import ModelZoo

// P1 timings: the exact pruned ILP on a shipped small instance, and the ½-approximation and the
// greedy baselines on the shipped large-01 instance and on a seeded 100,000 × 100 instance.
// Instances come from the same generator and seeds as `instances/` (ShippedInstances), so the
// numbers do not depend on the working directory.

/// The models every shipped P1 instance draws from.
private let admissionModels = ShippedInstances.admissionModels.map { ModelZoo.model(named: $0)! }

private func shippedInstance(_ name: String, _ size: (requests: Int, cloudlets: Int), seed: UInt64) -> AdmissionInstance {
  try! AdmissionGenerator().generate(name: name, models: admissionModels, requests: size.requests,
                                     cloudlets: size.cloudlets, seed: seed)
}

/// `small-12` (the largest small instance): seed 100 + index, as in ShippedInstances.
private let smallInstance = shippedInstance("small-12", ShippedInstances.smallAdmission[11], seed: 111)
/// `large-01`: seed 900, as in ShippedInstances.
private let largeInstance = shippedInstance("large-01", ShippedInstances.largeAdmission[0], seed: 900)
/// The speed goal's instance: 100,000 requests over 100 cloudlets.
private let hugeInstance = shippedInstance("huge-100k", (100_000, 100), seed: 2026)

private let algorithms: [(String, @Sendable (AdmissionTable) -> AdmissionSolution)] = [
  ("approx", AdmissionApproximation.solve),
  ("greedy-fewest-threads", AdmissionGreedy.fewestThreadsFirst),
  ("greedy-edf-best-fit", AdmissionGreedy.earliestDeadlineBestFit),
  ("greedy-first-fit", AdmissionGreedy.firstFit),
]

let benchmarks: @Sendable () -> Void = {
  let quick = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(5),
                                      maxIterations: 20)
  let slow = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 1,
                                     maxDuration: .seconds(30), maxIterations: 5)

  Benchmark("P1 ILP pruned small-12", configuration: quick) { benchmark in
    let table = AdmissionTable(smallInstance)
    benchmark.startMeasurement()
    blackHole(try! AdmissionILP.solve(table, formulation: .pruned))
  }

  for (instance, configuration) in [(largeInstance, quick), (hugeInstance, slow)] {
    Benchmark("P1 table \(instance.name)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations { blackHole(AdmissionTable(instance)) }
    }
    // End to end, as the 2 s goal counts it: the table and the approximation.
    Benchmark("P1 table+approx \(instance.name)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations { blackHole(AdmissionApproximation.solve(AdmissionTable(instance))) }
    }
    for (name, algorithm) in algorithms {
      Benchmark("P1 \(name) \(instance.name) (table prebuilt)", configuration: configuration) { benchmark in
        let table = AdmissionTable(instance)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(algorithm(table)) }
      }
    }
  }
}
