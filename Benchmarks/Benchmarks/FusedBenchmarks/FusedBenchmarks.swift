import Benchmark
import BenchmarkSupport
import EdgeSplitModel
import FusedLayer

// P3 timings on one shipped VGG-16 instance (phone-class device, server 40× faster, 20 Mbit/s
// up and 80 Mbit/s down, tilings up to 3×3): the path/tail tables, then PSOMW, the exact search
// BF and the no-fusion baseline NFL on the prebuilt tables.

private let instance = Shipped.fused("vgg16-r40-up20")

let benchmarks: @Sendable () -> Void = {
  Benchmark("P3 tables \(instance.name)", configuration: .quick) { benchmark in
    for _ in benchmark.scaledIterations { blackHole(FusedTables(instance)) }
  }

  let algorithms: [(name: String, configuration: Benchmark.Configuration, run: @Sendable (FusedTables) -> FusedResult)] = [
    ("PSOMW", .quick, { PSOMW().solve($0, seed: 1) }),
    ("BF", .slow, FusedBruteForce.solve),
    ("NFL", .quick, FusedBruteForce.noFusion),
  ]
  for algorithm in algorithms {
    Benchmark("P3 \(algorithm.name) \(instance.name) (tables prebuilt)", configuration: algorithm.configuration) { benchmark in
      let tables = FusedTables(instance)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { blackHole(algorithm.run(tables)) }
    }
  }
}
