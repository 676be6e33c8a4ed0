/// Why the solver stopped, independent of whether it returned a solution.
///
/// Shaped on OR-Tools MathOpt: a limit is attached exactly to the two reasons
/// that mean "stopped early", so "time limit, but optimal" or "infeasible, with
/// a solution" cannot be expressed.
public enum TerminationReason: Sendable, Hashable, Codable {
  /// What stopped a solve early: a closed set, so reports and callers can switch over it.
  public enum Limit: String, Sendable, Hashable, CaseIterable, Codable {
    /// The wall-clock budget (``SolverOptions/timeLimit``, ``MILPOptions/timeLimit``) ran out.
    case time
    /// A backend's simplex iteration limit.
    case iterations
    /// A backend's branch-and-bound node limit.
    case nodes
    /// The solve was interrupted (a signal, a callback).
    case interrupted
    /// A backend reached the memory it may use (for backends with a memory cap; GLPK and CBC
    /// run without one).
    case memory
    /// An algorithm's own round budget (the refinement rounds of an iterative exact search).
    case rounds
    /// The backend stopped before a proof without naming why.
    case unspecified
    /// The backend's numerical tolerances: it called a solution optimal whose exact value,
    /// recomputed from the data, differs from its claim by more than the claims are checked to
    /// (``SolverOutcome/confirmed(by:)``).
    case tolerance
    /// An exhaustive search's size: more candidates than it can enumerate (2⁶³ subsets and
    /// beyond do not fit a 64-bit count).
    case size
  }

  /// An algorithm without an optimality proof (a heuristic, an approximation, a baseline) ran
  /// to its end and returned its solution. Never returned by a ``MILPSolver``.
  case finished
  /// A solution was proven optimal, within ``MILPOptions/relativeGap`` when
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
  /// The solver failed; the text carries its own message.
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


extension TerminationReason: CustomStringConvertible {
  /// Short words for tables and plans: `optimal`, `time limit, feasible`, `finished (no proof)`...
  public var description: String {
    switch self {
    case .finished: "finished (no optimality proof)"
    case .optimal: "optimal"
    case .feasible(let limit): "\(limit) limit, feasible"
    case .noSolutionFound(let limit): "\(limit) limit, no solution"
    case .infeasible: "infeasible"
    case .unbounded: "unbounded"
    case .error(let message): "error: \(message)"
    }
  }
}

extension TerminationReason.Limit: CustomStringConvertible {
  /// The limit's name as statuses read it (`time` in `time limit, feasible`).
  public var description: String {
    switch self {
    case .time: "time"
    case .iterations: "iteration"
    case .nodes: "node"
    case .interrupted: "interrupt"
    case .memory: "memory"
    case .rounds: "refinement rounds"
    case .unspecified: "unnamed"
    case .tolerance: "tolerance"
    case .size: "size"
    }
  }
}

extension ObjectiveBounds: CustomStringConvertible {
  /// `primal 6, dual 6`, with `none` for a missing side.
  public var description: String {
    "primal \(primal.map { "\($0)" } ?? "none"), dual \(dual.map { "\($0)" } ?? "none")"
  }
}
