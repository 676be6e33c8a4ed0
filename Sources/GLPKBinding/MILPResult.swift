/// Why the solver stopped, independent of whether it returned a solution.
///
/// Shaped on OR-Tools MathOpt: a limit is attached exactly to the two reasons
/// that mean "stopped early", so "time limit, but optimal" or "infeasible, with
/// a solution" cannot be expressed.
public enum TerminationReason: Sendable, Hashable {
  /// What stopped a solve early.
  public enum Limit: Sendable, Hashable {
    /// ``SolveOptions/timeLimit`` ran out.
    case time
    /// Anything else (iteration limit, interruption, GLPK stopping without a
    /// proof); the text says which.
    case other(String)
  }

  /// A solution was proven optimal, within ``SolveOptions/relativeGap`` when
  /// that is positive (``MILPResult/bounds`` then shows the remaining gap).
  case optimal
  /// A limit stopped the solver after it found a feasible solution.
  case feasible(limit: Limit)
  /// A limit stopped the solver before it found any feasible solution.
  case noSolutionFound(limit: Limit)
  /// The model has no feasible solution (proven).
  case infeasible
  /// The model has feasible solutions with arbitrarily good objective values
  /// (proven: a feasible point exists and the relaxation is unbounded).
  case unbounded
  /// GLPK failed; the text carries GLPK's own message.
  case error(String)
}

/// What is known about the optimal objective value.
public struct ObjectiveBounds: Sendable, Hashable {
  /// The objective value of the best solution found, or `nil` if none.
  /// ±infinity (in the improving direction) when the model is unbounded.
  public var primal: Double?
  /// A proven bound on the optimum: no solution is better than this. Equal to
  /// ``primal`` at a proven optimum; `nil` if nothing was proven.
  public var dual: Double?

  /// Creates bounds.
  public init(primal: Double?, dual: Double?) {
    self.primal = primal
    self.dual = dual
  }
}

/// The outcome of ``GLPKSolver/solve(_:options:)``.
public struct MILPResult: Sendable, Hashable {
  /// Why the solver stopped.
  public var termination: TerminationReason
  /// Best solution value and best proven bound, objective constant included.
  public var bounds: ObjectiveBounds
  /// One value per variable, present exactly when a feasible solution was found
  /// (``TerminationReason/optimal`` or ``TerminationReason/feasible(limit:)``).
  public var values: [Double]?
  /// Wall-clock seconds spent solving (after validation), GLPK's share dominating.
  public var solveSeconds: Double
  /// GLPK's captured log (warnings and errors by default; the full log when
  /// ``SolveOptions/printSolverOutput`` is set). Keeps the tail if very long.
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

  /// GLPK's relative gap `|primal - dual| / (|primal| + ε)` (ε = `Double.ulpOfOne`),
  /// or `nil` unless both bounds are known and finite. 0 at a proven optimum.
  public var relativeGap: Double? {
    guard let primal = bounds.primal, let dual = bounds.dual, primal.isFinite, dual.isFinite else {
      return nil
    }
    return abs(primal - dual) / (abs(primal) + .ulpOfOne)
  }
}
