import EdgeSplitModel
import Foundation

/// Seeded arrival processes and instance generation for P5.
public enum StreamsGenerator {
  /// An arrival process of one stream.
  public enum Arrivals: Sendable, Hashable {
    /// Poisson arrivals at `rate` tasks per second.
    case poisson(rate: Double)
    /// A two-state Markov-modulated Poisson process: `low` and `high` rates (per second), and
    /// the mean time in each state (seconds) before switching.
    case mmpp(low: Double, high: Double, meanLowSeconds: Double, meanHighSeconds: Double)
    /// Poisson epochs at `rate` per second, each releasing `size` tasks at once (a camera
    /// flushing a burst of frames, a batch job).
    case batch(rate: Double, size: Int)

    /// `poisson 4/s`, `mmpp 1.6/s-10/s` or `batches of 4 at 3/s`.
    public var label: String {
      switch self {
      case .poisson(let rate): "poisson \(formatted(rate, digits: 2))/s"
      case .mmpp(let low, let high, let l, let h):
        "mmpp \(formatted(low, digits: 2))/s (mean \(formatted(l, digits: 2)) s)-\(formatted(high, digits: 2))/s (mean \(formatted(h, digits: 2)) s)"
      case .batch(let rate, let size): "batches of \(size) at \(formatted(rate, digits: 2))/s"
      }
    }

    /// Arrival times (seconds) in `[0, horizon)`.
    public func times(horizon: Double, using rng: inout SeededGenerator) -> [Double] {
      var out: [Double] = [], t = 0.0
      switch self {
      case .poisson(let rate):
        while true {
          t += exponential(rate, &rng)
          if t >= horizon { return out }
          out.append(t)
        }
      case .mmpp(let low, let high, let meanLow, let meanHigh):
        var inHigh = false
        while true {
          let rate = inHigh ? high : low, leave = 1 / (inHigh ? meanHigh : meanLow)
          t += exponential(rate + leave, &rng)
          if t >= horizon { return out }
          if uniform(&rng) * (rate + leave) < rate { out.append(t) } else { inHigh.toggle() }
        }
      case .batch(let rate, let size):
        while true {
          t += exponential(rate, &rng)
          if t >= horizon { return out }
          out += Array(repeating: t, count: size)
        }
      }
    }
  }

  /// A uniform number in `[0, 1)` from the generator's top 53 bits.
  public static func uniform(_ rng: inout SeededGenerator) -> Double { Double(rng.next() >> 11) * 0x1p-53 }

  static func exponential(_ rate: Double, _ rng: inout SeededGenerator) -> Double { -log(1 - uniform(&rng)) / rate }

  /// The default setting: ``StreamsRegime/standard`` with the given rate, uplink, trace length
  /// and models (four streams, Poisson and bursty MMPP alternating, a 200 GFLOP/s server).
  public static func instance(
    name: String, seed: UInt64, ratePerSecond: Double = 4, uplinkMbps: Double = 40, tasks: Int = 48,
    models: [StreamsModel] = StreamsProfiles.standard()
  ) throws(FieldError) -> StreamsInstance {
    var regime = StreamsRegime.standard
    regime.ratePerSecond = ratePerSecond
    regime.uplinkMbps = uplinkMbps
    regime.tasks = tasks
    return try instance(regime: regime, seed: seed, name: name, models: models)
  }

  /// One trace of `regime`, drawn from `seed`: the same regime and seed give the same instance,
  /// bit for bit, so training and held-out traces are reproducible (use disjoint seeds for them).
  ///
  /// Stream `s` runs model `s mod models.count` on a device of 8, 12, 16 or 24 GFLOP/s
  /// (`s mod 4`) with an uplink of 0.5×, 1×, 1.5× or 1× ``StreamsRegime/uplinkMbps``, and
  /// deadline 150 ms (AlexNet) or 250 ms (ResNet-18); each stream's arrivals follow
  /// ``StreamsRegime/pattern`` over a horizon long enough to hold ``StreamsRegime/tasks``
  /// arrivals, and the instance keeps the first ``StreamsRegime/tasks`` of the merged trace.
  public static func instance(
    regime: StreamsRegime, seed: UInt64, name: String? = nil, models: [StreamsModel] = StreamsProfiles.standard()
  ) throws(FieldError) -> StreamsInstance {
    try regime.check()
    var rng = SeededGenerator(seed: seed)
    let speeds = [8.0, 12, 16, 24], links = [0.5, 1, 1.5, 1.0], deadlines = [150.0, 250]
    let heavy = models.indices.max { models[$0].finalExitFlops < models[$1].finalExitFlops } ?? 0
    var streams: [TaskStream] = []
    var trace: [StreamTask] = []
    for s in 0..<regime.streams {
      let model = s % models.count
      let arrivals = regime.arrivals(stream: s, heavy: model == heavy)
      streams.append(TaskStream(name: "s\(s)", model: model, deviceGflops: speeds[s % 4],
                                uplinkMbps: regime.uplinkMbps * links[s % 4],
                                deadlineMs: deadlines[model % deadlines.count], arrivals: arrivals.label))
      let horizon = 4 * Double(regime.tasks) / regime.ratePerSecond
      trace += arrivals.times(horizon: horizon, using: &rng).map { StreamTask(stream: s, arrivalMs: ($0 * 1e6).rounded() / 1000) }
    }
    trace.sort { ($0.arrivalMs, $0.stream) < ($1.arrivalMs, $1.stream) }
    return try StreamsInstance(name: name ?? "\(regime.name)-\(seed)", serverGflops: regime.serverGflops, models: models,
                               streams: streams, tasks: Array(trace.prefix(regime.tasks)), dropLate: regime.dropLate)
  }
}

extension StreamsGenerator {
  /// Length of the short shipped trace of each congested regime, where `p5-exact` proves the optimum.
  public static let shippedShortTasks = 12

  /// The shipped set. Uncongested: per-stream arrival rate 2, 4, 6, 8 /s at 40 Mbit/s, and base
  /// uplink 10, 20, 80 Mbit/s at 4 /s (the 4 /s, 40 Mbit/s point is shared), 48 tasks each
  /// (`rate4-bw40`). Congested: per preset of ``StreamsRegime/congested`` a short trace of
  /// ``shippedShortTasks`` tasks (`bursty-12`, seeds 600…) and a long one of the preset's 1,000
  /// tasks (`bursty-1000`, seeds 700…).
  public static func shipped() throws(FieldError) -> [StreamsInstance] {
    let points: [(rate: Double, mbps: Double)] = [(2, 40), (4, 40), (6, 40), (8, 40), (4, 10), (4, 20), (4, 80)]
    var instances: [StreamsInstance] = []
    for (i, point) in points.enumerated() {
      instances.append(try instance(name: "rate\(Int(point.rate))-bw\(Int(point.mbps))", seed: UInt64(500 + i),
                                    ratePerSecond: point.rate, uplinkMbps: point.mbps))
    }
    for (k, regime) in StreamsRegime.congested.enumerated() {
      var short = regime
      short.tasks = shippedShortTasks
      instances.append(try instance(regime: short, seed: UInt64(600 + k), name: "\(regime.name)-\(short.tasks)"))
      instances.append(try instance(regime: regime, seed: UInt64(700 + k), name: "\(regime.name)-\(regime.tasks)"))
    }
    return instances
  }
}
