import FusedLayer
import Surgery
import Benchmark
import EdgeSplitModel
import Harness

// What every EdgeSplit benchmark target shares: the run budgets, and the shipped instances
// rebuilt in memory from the same generators and seeds as `instances/` (ShippedInstances),
// so that the numbers do not depend on the working directory.

extension Benchmark.Configuration {
  /// For cases well under a second: wall clock and peak resident memory over at most 20
  /// iterations or 5 s, whichever ends first.
  public static var quick: Benchmark.Configuration {
    Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(5), maxIterations: 20)
  }
  /// For cases of a second or more: one warm-up, then at most 5 iterations or 30 s.
  public static var slow: Benchmark.Configuration {
    Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], warmupIterations: 1,
                            maxDuration: .seconds(30), maxIterations: 5)
  }

  /// This configuration with `metrics` recorded as well (e.g. a `.custom` metric describing the
  /// solution, so the results show what was measured).
  public func recording(_ metrics: [BenchmarkMetric]) -> Benchmark.Configuration {
    var configuration = self
    configuration.metrics += metrics
    return configuration
  }
}

/// Look-ups of single shipped instances by the name their file carries in `instances/`.
public enum Shipped {
  /// The P2 instance `instances/surgery/<name>.json`, e.g. `googlenet-phone-18.88mbps-throughput`.
  /// Stops the benchmark process when no such instance is shipped.
  public static func surgery(_ name: String) -> SurgeryInstance {
    let path = "surgery/\(name).json"
    guard let file = try! ShippedInstances.surgery().first(where: { $0.path == path }) else {
      fatalError("no shipped P2 instance \(path)")
    }
    return file.instance
  }

  /// The P3 instance `instances/fused/<name>.json`, e.g. `vgg16-r5-up20`. Stops the benchmark
  /// process when no such instance is shipped.
  public static func fused(_ name: String) -> FusedInstance {
    guard let instance = try! ShippedInstances.fused().first(where: { $0.name == name }) else {
      fatalError("no shipped P3 instance fused/\(name).json")
    }
    return instance
  }
}
