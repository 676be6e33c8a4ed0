import GLPKBinding
import Admission
import AdmissionMILP
import Benchmark
import BenchmarkSupport
import EdgeSplitModel
import Harness
import ModelZoo

// P1 timings: the exact pruned ILP on a shipped small instance, and the ½-approximation and the
// greedy baselines, the local search and the Lagrangian heuristic on the shipped large-01
// instance, on a seeded 100,000 × 100 instance and on the largest hard benchmark instance, and
// the scaling series from 1,000 to 100,000 requests.
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

/// The scaling series: 1,000, 10,000 and 100,000 requests over one cloudlet per 1,000 requests,
/// at least 10 and at most 100 (seed 2026; the last point is `hugeInstance` itself).
private let scalingSeries = [1_000, 10_000].map { requests in
  shippedInstance("scale-\(requests / 1000)k", (requests, min(max(requests / 1000, 10), 100)), seed: 2026)
} + [hugeInstance]

private let algorithms: [(String, @Sendable (AdmissionTable) -> AdmissionSolution)] = [
  ("approx", AdmissionApproximation.solve),
  ("greedy-fewest-threads", AdmissionGreedy.fewestThreadsFirst),
  ("greedy-edf-best-fit", AdmissionGreedy.earliestDeadlineBestFit),
  ("greedy-first-fit", AdmissionGreedy.firstFit),
  ("local-search", AdmissionLocalSearch.solve),
  ("lagrangian", { AdmissionLagrangian.solve($0).solution }),
]

/// The hard benchmark family (`solverbench generate --hard-benchmark`): its largest instance.
private let hardInstance = try! ShippedInstances.hardAdmissionInstances(
  [ShippedInstances.hardAdmissionBenchmark.last!], prefix: "bench-16", seed0: 515)[0]

let benchmarks: @Sendable () -> Void = {
  Benchmark("P1 ILP pruned small-12", configuration: .quick) { benchmark in
    let table = AdmissionTable(smallInstance)
    benchmark.startMeasurement()
    blackHole(try! AdmissionILP.solve(table, backend: GLPKSolver(), formulation: .pruned))
  }

  for (instance, configuration) in [(largeInstance, Benchmark.Configuration.quick), (hugeInstance, .slow),
                                    (hardInstance, .slow)] {
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

  // End to end (table included) as the request count grows.
  for instance in scalingSeries {
    let size = "\(instance.requests.count) requests × \(instance.cloudlets.count) cloudlets"
    let configuration: Benchmark.Configuration = instance.requests.count >= 100_000 ? .slow : .quick
    Benchmark("P1 scaling table+approx \(size)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations { blackHole(AdmissionApproximation.solve(AdmissionTable(instance))) }
    }
    Benchmark("P1 scaling table+greedy-fewest-threads \(size)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations { blackHole(AdmissionGreedy.fewestThreadsFirst(AdmissionTable(instance))) }
    }
  }
}
