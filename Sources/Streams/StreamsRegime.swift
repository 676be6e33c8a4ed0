import EdgeSplitModel

/// The parameters of a family of generated P5 traces (``StreamsGenerator/instance(regime:seed:name:models:)``):
/// how many streams, how their tasks arrive, and how fast the uplinks and the shared server are.
///
/// The presets are the shipped regimes: ``standard`` (uncongested, where Greedy is near the
/// optimum) and the congested ones where scheduling matters (``bursty``, ``batch``,
/// ``highRate``, ``weakServer``). Change a field to draw a variant (`var r = StreamsRegime.bursty;
/// r.tasks = 200`).
public struct StreamsRegime: Sendable, Hashable, Codable {
  /// How each stream's tasks arrive.
  public enum Pattern: String, Sendable, Hashable, Codable, CaseIterable {
    /// Even streams Poisson at the rate, odd streams a two-state MMPP at 0.4× and 2.5× the rate
    /// (mean 2 s low, 0.5 s high): the original P5 setting.
    case mixed
    /// Every stream an MMPP whose high rate is ``StreamsRegime/burstFactor`` times its low
    /// rate (mean 2 s low, 0.5 s high), scaled so the mean rate is ``StreamsRegime/ratePerSecond``.
    case bursty
    /// Streams of the heaviest model release batches of ``StreamsRegime/batchSize`` tasks at
    /// once (Poisson epochs, same mean rate); the other streams are Poisson.
    case batch
  }

  /// Name of the regime; generated instances are called `name-seed` unless named.
  public var name: String
  /// Number of streams (devices), at least 1.
  public var streams: Int
  /// Mean arrival rate of each stream, tasks per second.
  public var ratePerSecond: Double
  /// The arrival pattern.
  public var pattern: Pattern
  /// High-to-low rate ratio of the ``Pattern/bursty`` MMPP (≥ 1).
  public var burstFactor: Double
  /// Tasks per batch of the ``Pattern/batch`` pattern (≥ 1).
  public var batchSize: Int
  /// Base uplink rate in Mbit/s (streams get 0.5×, 1×, 1.5× or 1× of it).
  public var uplinkMbps: Double
  /// Edge server speed in GFLOP/s.
  public var serverGflops: Double
  /// Tasks in the trace (the first ones of the merged arrivals).
  public var tasks: Int
  /// The instance option ``StreamsInstance/Fields/dropLate``: late tasks are dropped instead of run.
  public var dropLate: Bool

  public init(
    name: String, streams: Int = 4, ratePerSecond: Double = 4, pattern: Pattern = .mixed, burstFactor: Double = 10,
    batchSize: Int = 4, uplinkMbps: Double = 40, serverGflops: Double = 200, tasks: Int = 48, dropLate: Bool = false
  ) {
    self.name = name
    self.streams = streams
    self.ratePerSecond = ratePerSecond
    self.pattern = pattern
    self.burstFactor = burstFactor
    self.batchSize = batchSize
    self.uplinkMbps = uplinkMbps
    self.serverGflops = serverGflops
    self.tasks = tasks
    self.dropLate = dropLate
  }

  /// Uncongested: 4 streams, mixed Poisson/MMPP at 4 tasks/s, 40 Mbit/s, a 200 GFLOP/s server.
  public static let standard = StreamsRegime(name: "standard")
  /// Congested by bursts: 8 streams, MMPP with 10× bursts at 12 tasks/s mean, 20 Mbit/s, a
  /// 100 GFLOP/s server.
  public static let bursty = StreamsRegime(name: "bursty", streams: 8, ratePerSecond: 12, pattern: .bursty,
                                           uplinkMbps: 20, serverGflops: 100, tasks: 1000)
  /// Congested by batches: the heavy model's streams release 6 tasks at once, 12 tasks/s per
  /// stream, low bandwidth (10 Mbit/s), 8 streams, a 100 GFLOP/s server.
  public static let batch = StreamsRegime(name: "batch", streams: 8, ratePerSecond: 12, pattern: .batch, batchSize: 6,
                                          uplinkMbps: 10, serverGflops: 100, tasks: 1000)
  /// Congested by rate: 8 streams at 16 tasks/s (mixed pattern), 20 Mbit/s, a 200 GFLOP/s server.
  public static let highRate = StreamsRegime(name: "high-rate", streams: 8, ratePerSecond: 16, uplinkMbps: 20, tasks: 1000)
  /// Congested at the server: 8 streams at 12 tasks/s (mixed), 40 Mbit/s, a 30 GFLOP/s server.
  public static let weakServer = StreamsRegime(name: "weak-server", streams: 8, ratePerSecond: 12, uplinkMbps: 40,
                                               serverGflops: 30, tasks: 1000)

  /// The congested presets.
  public static let congested: [StreamsRegime] = [bursty, batch, highRate, weakServer]

  /// Checks the parameters, naming the one at fault.
  public func check() throws(FieldError) {
    try Check.that(streams >= 1, "streams", "must be at least 1, got \(streams)")
    try Check.positive(ratePerSecond, "ratePerSecond")
    try Check.that(burstFactor >= 1 && burstFactor.isFinite, "burstFactor", "must be a finite number ≥ 1, got \(burstFactor)")
    try Check.that(batchSize >= 1, "batchSize", "must be at least 1, got \(batchSize)")
    try Check.positive(uplinkMbps, "uplinkMbps")
    try Check.positive(serverGflops, "serverGflops")
    try Check.that(tasks >= 0, "tasks", "must not be negative, got \(tasks)")
  }

  /// Stream `stream`'s arrival process; `heavy` when it runs the heaviest model.
  func arrivals(stream: Int, heavy: Bool) -> StreamsGenerator.Arrivals {
    let r = ratePerSecond
    switch pattern {
    case .mixed:
      return stream % 2 == 0 ? .poisson(rate: r) : .mmpp(low: r * 0.4, high: r * 2.5, meanLowSeconds: 2, meanHighSeconds: 0.5)
    case .bursty:
      // Time share 0.8 low, 0.2 high: mean rate = low · (0.8 + 0.2 · burstFactor).
      let low = r / (0.8 + 0.2 * burstFactor)
      return .mmpp(low: low, high: low * burstFactor, meanLowSeconds: 2, meanHighSeconds: 0.5)
    case .batch:
      return heavy ? .batch(rate: r / Double(batchSize), size: batchSize) : .poisson(rate: r)
    }
  }
}
