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

  /// True when no constraint is broken.
  public var isFeasible: Bool { violations.isEmpty }
}

/// Relative slack allowed when comparing recomputed times with limits, so that solvers summing
/// the same terms in another order are not rejected for rounding (1 part in 10^9).
public let timeTolerance = 1e-9

/// `value <= limit` up to ``timeTolerance``.
@inlinable public func fitsWithin(_ value: Double, _ limit: Double) -> Bool {
  value <= limit + timeTolerance * max(1, abs(limit))
}
