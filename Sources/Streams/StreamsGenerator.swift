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

    /// `poisson 4/s` or `mmpp 1.6/s-10/s`.
    public var label: String {
      switch self {
      case .poisson(let rate): "poisson \(formatted(rate, digits: 2))/s"
      case .mmpp(let low, let high, let l, let h):
        "mmpp \(formatted(low, digits: 2))/s (mean \(formatted(l, digits: 2)) s)-\(formatted(high, digits: 2))/s (mean \(formatted(h, digits: 2)) s)"
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
      }
    }
  }

  /// A uniform number in `[0, 1)` from the generator's top 53 bits.
  public static func uniform(_ rng: inout SeededGenerator) -> Double { Double(rng.next() >> 11) * 0x1p-53 }

  static func exponential(_ rate: Double, _ rng: inout SeededGenerator) -> Double { -log(1 - uniform(&rng)) / rate }

  /// The default setting: four streams (Poisson and bursty MMPP alternating, AlexNet and
  /// ResNet-18 alternating) with devices of 8–24 GFLOP/s, uplinks at 0.5×–1.5× `uplinkMbps`,
  /// deadlines 150 ms (AlexNet) and 250 ms (ResNet-18), a 200 GFLOP/s server, and the first
  /// `tasks` arrivals of the merged trace. `ratePerSecond` is each stream's mean arrival rate.
  public static func instance(
    name: String, seed: UInt64, ratePerSecond: Double = 4, uplinkMbps: Double = 40, tasks: Int = 48,
    models: [StreamsModel] = StreamsProfiles.standard()
  ) throws(FieldError) -> StreamsInstance {
    try Check.positive(ratePerSecond, "ratePerSecond")
    try Check.positive(uplinkMbps, "uplinkMbps")
    var rng = SeededGenerator(seed: seed)
    let speeds = [8.0, 12, 16, 24], links = [0.5, 1, 1.5, 1.0], deadlines = [150.0, 250]
    var streams: [TaskStream] = []
    var trace: [StreamTask] = []
    for s in 0..<4 {
      let model = s % models.count
      let arrivals: Arrivals = s % 2 == 0
        ? .poisson(rate: ratePerSecond)
        : .mmpp(low: ratePerSecond * 0.4, high: ratePerSecond * 2.5, meanLowSeconds: 2, meanHighSeconds: 0.5)
      streams.append(TaskStream(name: "s\(s)", model: model, deviceGflops: speeds[s], uplinkMbps: uplinkMbps * links[s],
                                deadlineMs: deadlines[model % deadlines.count], arrivals: arrivals.label))
      let horizon = 4 * Double(tasks) / ratePerSecond
      trace += arrivals.times(horizon: horizon, using: &rng).map { StreamTask(stream: s, arrivalMs: ($0 * 1e6).rounded() / 1000) }
    }
    trace.sort { ($0.arrivalMs, $0.stream) < ($1.arrivalMs, $1.stream) }
    return try StreamsInstance(name: name, serverGflops: 200, models: models, streams: streams, tasks: Array(trace.prefix(tasks)))
  }
}

extension StreamsGenerator {
  /// The shipped sweep: per-stream arrival rate 2, 4, 6, 8 /s at 40 Mbit/s, and base uplink
  /// 10, 20, 80 Mbit/s at 4 /s (the 4 /s, 40 Mbit/s point is shared), 48 tasks each.
  public static func shipped() throws(FieldError) -> [StreamsInstance] {
    let points: [(rate: Double, mbps: Double)] = [(2, 40), (4, 40), (6, 40), (8, 40), (4, 10), (4, 20), (4, 80)]
    var instances: [StreamsInstance] = []
    for (i, point) in points.enumerated() {
      instances.append(try instance(name: "rate\(Int(point.rate))-bw\(Int(point.mbps))", seed: UInt64(500 + i),
                                    ratePerSecond: point.rate, uplinkMbps: point.mbps))
    }
    return instances
  }
}
