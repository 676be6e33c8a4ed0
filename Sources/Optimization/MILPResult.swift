/// The outcome of ``MILPSolver/solve(_:options:)``: what a backend returns for a ``MILP``.
public struct MILPResult: Sendable, Hashable {
  /// Why the solver stopped.
  public var termination: TerminationReason
  /// Best solution value and best proven bound, objective constant included.
  public var bounds: ObjectiveBounds
  /// One value per variable, present exactly when a feasible solution was found
  /// (``TerminationReason/optimal`` or ``TerminationReason/feasible(limit:)``).
  public var values: [Double]?
  /// Wall-clock seconds spent solving (after validation), the backend's share dominating.
  public var solveSeconds: Double
  /// The backend's captured log (warnings and errors by default; the full log when
  /// ``MILPOptions/printSolverOutput`` is set). Keeps the tail if very long.
  public var message: String

  /// Creates a result.
  public init(
    termination: TerminationReason, bounds: ObjectiveBounds, values: [Double]?, solveSeconds: Double,
    message: String
  ) {
    self.termination = termination
    self.bounds = bounds
    self.values = values
    self.solveSeconds = solveSeconds
    self.message = message
  }

  /// Whether ``values`` holds a feasible solution.
  public var hasSolution: Bool { values != nil }

  /// The objective value of the returned solution, or `nil` if there is none.
  public var objectiveValue: Double? { hasSolution ? bounds.primal : nil }

  /// The relative gap `|primal - dual| / (|primal| + ε)` (ε = `Double.ulpOfOne`),
  /// or `nil` unless both bounds are known and finite. 0 at a proven optimum.
  public var relativeGap: Double? {
    guard let primal = bounds.primal, let dual = bounds.dual, primal.isFinite, dual.isFinite else {
      return nil
    }
    return abs(primal - dual) / (abs(primal) + .ulpOfOne)
  }
}
