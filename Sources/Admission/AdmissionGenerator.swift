import EdgeSplitModel
import RealModule

/// A seeded generator of P1 instances over given models.
///
/// Cloudlets and devices are placed uniformly in a unit square (a metro area); the delay from a
/// device to a cloudlet grows with distance, standing for access plus multi-hop routing.
/// Ranges (all documented defaults, every one a parameter):
/// - cloudlet threads `K_c` uniform in `4...16`, thread speed uniform in 20–50 GFLOP/s (one core
///   of a server CPU with vector units);
/// - device speed log-uniform in 5–50 GFLOP/s (Raspberry Pi 4 to a phone SoC);
/// - uplink log-uniform in 1–100 Mbit/s (3G to Wi-Fi, the span DADS measured);
/// - delay `1 + 20 × distance` ms (1–29 ms);
/// - deadline = tightness × reference latency, tightness uniform in `0.5...1.5`, where the
///   reference is the request's best latency with one thread of an average cloudlet at its
///   nearest site: below 1 the request needs parallelism, above it it has room to spare.
///
/// Two optional settings make hard instances (both off by default, and then the generator draws
/// exactly what it always drew):
/// - ``demandOverCapacity``: after the requests are drawn, every cloudlet's thread count is
///   scaled by one common factor so that the demand (the sum over requests that fit somewhere
///   of their fewest threads on any cloudlet) is this many times the total capacity;
/// - ``weights``: integer weights, uniform or correlated with the request's thread need
///   (correlated weights make the profit-per-thread ratios nearly equal: the classic hard
///   knapsack case).
public struct AdmissionGenerator: Sendable {
  /// How request weights are drawn.
  public enum Weights: Sendable, Hashable {
    /// Every weight is 1 (the count objective).
    case unit
    /// Integers uniform in the range.
    case uniform(ClosedRange<Int>)
    /// The request's fewest threads on any cloudlet plus an integer uniform in the range (a
    /// one-point range is the strongly correlated case).
    case correlated(extra: ClosedRange<Int>)
    /// `base` minus the request's fewest threads (at least 1), plus an integer uniform in the
    /// range: large requests are worth less (generalized assignment type D).
    case inverselyCorrelated(base: Int, extra: ClosedRange<Int>)
  }
  /// Threads per cloudlet `K_c` (uniform).
  public var threads: ClosedRange<Int> = 4...16
  /// Speed of one cloudlet thread in GFLOP/s (uniform).
  public var threadGflops: ClosedRange<Double> = 20...50
  /// Device speed in GFLOP/s (log-uniform).
  public var deviceGflops: ClosedRange<Double> = 5...50
  /// Device uplink in Mbit/s (log-uniform).
  public var uplinkMbps: ClosedRange<Double> = 1...100
  /// Delay to a cloudlet at distance 0, in ms.
  public var delayBaseMs = 1.0
  /// Extra delay per unit of distance in the unit square, in ms.
  public var delayPerDistanceMs = 20.0
  /// Deadline over the reference latency (uniform).
  public var tightness: ClosedRange<Double> = 0.5...1.5
  /// Target demand over total capacity (e.g. 1.5–3 for tight instances), or `nil` to keep the
  /// drawn thread counts. Reached by scaling thread counts, so within rounding.
  public var demandOverCapacity: Double? = nil
  /// How weights are drawn (after everything else, from the same seeded stream).
  public var weights: Weights = .unit

  /// The documented defaults.
  public init() {}

  /// Generates an instance with `requests` requests spread uniformly over `models`.
  public func generate(
    name: String, models: [DNNModel], requests requestCount: Int, cloudlets cloudletCount: Int, seed: UInt64
  ) throws(FieldError) -> AdmissionInstance {
    precondition(!models.isEmpty && cloudletCount >= 1 && requestCount >= 0)
    var rng = SeededGenerator(seed: seed)
    let sites = (0..<cloudletCount).map { _ in (rng.uniform(in: 0...1), rng.uniform(in: 0...1)) }
    let cloudlets = (0..<cloudletCount).map { c in
      Cloudlet(name: "c\(c)", threads: rng.integer(in: threads),
               threadGflops: rng.uniform(in: threadGflops).roundedTo(2))
    }
    let averageGflops = cloudlets.map(\.threadGflops).reduce(0, +) / Double(cloudletCount)
    let profiles = models.map(PrefixProfile.init)
    var requests: [InferenceRequest] = []
    requests.reserveCapacity(requestCount)
    for r in 0..<requestCount {
      let m = rng.integer(in: models.indices)
      let (x, y) = (rng.uniform(in: 0...1), rng.uniform(in: 0...1))
      let delays = sites.map { site in
        (delayBaseMs + delayPerDistanceMs * ((site.0 - x) * (site.0 - x) + (site.1 - y) * (site.1 - y)).squareRoot()).roundedTo(3)
      }
      let device = Self.logUniform(deviceGflops, &rng).roundedTo(2)
      let uplink = Self.logUniform(uplinkMbps, &rng).roundedTo(2)
      let profile = profiles[m]
      let reference = (0..<profile.count).map { p in
        Seconds.compute(profile.deviceFlops[p], gflops: device) + Seconds.transfer(profile.transferBytes[p], mbps: uplink)
          + Seconds.compute(profile.serverFlops[p], gflops: averageGflops)
      }.min()! + delays.min()! / 1000
      let deadline = (reference * 1000 * rng.uniform(in: tightness)).roundedTo(3)
      requests.append(InferenceRequest(name: "r\(r)", model: models[m].name, deviceGflops: device,
                                       uplinkMbps: uplink, delaysMs: delays, deadlineMs: deadline))
    }
    var instance = try AdmissionInstance(name: name, models: models, cloudlets: cloudlets, requests: requests)
    if let ratio = demandOverCapacity {
      precondition(ratio > 0 && ratio.isFinite)
      // Scaling capacity changes which (request, cloudlet) pairs fit, hence the demand: a few
      // rounds settle it.
      for _ in 0..<4 {
        let demand = Self.demand(AdmissionTable(instance))
        let capacity = instance.cloudlets.reduce(0) { $0 + $1.threads }
        let scale = Double(demand) / ratio / Double(capacity)
        var scaled = instance.cloudlets
        for c in scaled.indices {
          scaled[c].threads = min(4_096, max(1, Int((Double(scaled[c].threads) * scale).rounded())))
        }
        instance = try AdmissionInstance(name: name, models: models, cloudlets: scaled, requests: requests)
      }
    }
    switch weights {
    case .unit: return instance
    case .uniform(let range):
      for r in requests.indices { requests[r].weight = Double(rng.integer(in: range)) }
    case .correlated(let extra):
      let needs = Self.needs(AdmissionTable(instance))
      for r in requests.indices { requests[r].weight = Double(needs[r] + rng.integer(in: extra)) }
    case .inverselyCorrelated(let base, let extra):
      let needs = Self.needs(AdmissionTable(instance))
      for r in requests.indices { requests[r].weight = Double(max(1, base - needs[r]) + rng.integer(in: extra)) }
    }
    return try AdmissionInstance(name: name, models: models, cloudlets: instance.cloudlets, requests: requests)
  }

  /// The sum over requests that fit on some cloudlet of their fewest threads on any cloudlet.
  public static func demand(_ table: AdmissionTable) -> Int {
    needs(table).reduce(0, +)
  }

  /// Each request's fewest threads on any cloudlet (0 when it fits nowhere).
  static func needs(_ table: AdmissionTable) -> [Int] {
    table.instance.requests.indices.map { table.fewestThreads(request: $0) ?? 0 }
  }

  private static func logUniform(_ range: ClosedRange<Double>, _ rng: inout SeededGenerator) -> Double {
    .exp(rng.uniform(in: .log(range.lowerBound) ... .log(range.upperBound)))
  }
}

extension Double {
  /// Rounded to `digits` decimals, so generated files stay short and readable.
  func roundedTo(_ digits: Int) -> Double {
    let scale = Double.pow(10, digits)
    return (self * scale).rounded() / scale
  }
}
