/// What the evaluator concludes about a solution: the objective recomputed from the instance,
/// and every constraint it breaks. Solvers' own claims are never trusted.
public struct Verdict: Sendable, Hashable, Codable {
  /// The objective recomputed from the instance (meaningful only when feasible).
  public var objective: Double
  /// One line per broken constraint; empty when the solution is feasible.
  public var violations: [String]

  public init(objective: Double, violations: [String]) {
    self.objective = objective
    self.violations = violations
  }

  /// The verdict on a solution that breaks no constraint: feasible unless the objective
  /// recomputed for it is not a finite number (an overflow is never a result).
  public static func withoutViolations(objective: Double) -> Verdict {
    Verdict(objective: objective, violations: objective.isFinite ? [] : ["the recomputed objective is \(objective)"])
  }

  /// True when no constraint is broken.
  public var isFeasible: Bool { violations.isEmpty }
}

/// Slack allowed when comparing recomputed times with limits, so that solvers summing the same
/// terms in another order are not rejected for rounding: `10^-9 · max(1, |limit|)` (relative above
/// one unit, absolute below; see ``fitsWithin(_:_:tolerance:)``).
public let timeTolerance = 1e-9

/// The slack solvers plan with: half the evaluator's, so that a plan whose times were summed in
/// another order can never land outside the evaluator's ``timeTolerance``.
public let planningTolerance = timeTolerance / 2

/// `value <= limit` up to a relative `tolerance` (the evaluator's ``timeTolerance`` by default).
@inlinable public func fitsWithin(_ value: Double, _ limit: Double, tolerance: Double = timeTolerance) -> Bool {
  value <= limit + tolerance * max(1, abs(limit))
}

/// The unit conversions every timing model shares: files give speeds in GFLOP/s and link rates
/// in Mbit/s (10^6 bit/s); times are seconds.
public enum Seconds {
  /// Time to compute `flops` at `gflops` GFLOP/s.
  @inlinable public static func compute(_ flops: Double, gflops: Double) -> Double { flops / (gflops * 1e9) }
  /// Time to send `bytes` at `mbps` Mbit/s.
  @inlinable public static func transfer(_ bytes: Double, mbps: Double) -> Double { 8 * bytes / (mbps * 1e6) }
}
