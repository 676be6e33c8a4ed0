/// Whether a problem's objective is maximized (P1 admits requests) or minimized (latencies).
public enum ObjectiveSense: String, Codable, Sendable {
  case maximize, minimize

  /// True when `a` is strictly better than `b` in this sense.
  public func isBetter(_ a: Double, than b: Double) -> Bool {
    self == .maximize ? a > b : a < b
  }
}

/// What a solver promises, which decides how the harness reads its result.
public enum SolverRole: Sendable, Hashable {
  /// Proves optimality when it finishes; its value (or bound) is the reference for the others.
  case exact
  /// Carries a proven guarantee: for maximization `value >= ratio × optimum`, for minimization
  /// `value <= ratio × optimum`. The harness fails the run when an instance breaks it.
  case approximation(ratio: Double)
  /// A heuristic or baseline with no guarantee.
  case heuristic
  /// Produces only a bound on the optimum (e.g. an LP relaxation), no solution.
  case bound

  /// `exact`, `approximation`, `heuristic` or `bound`.
  public var name: String {
    switch self {
    case .exact: "exact"
    case .approximation: "approximation"
    case .heuristic: "heuristic"
    case .bound: "bound"
    }
  }

  /// The proven ratio of an approximation, else `nil`.
  public var provenRatio: Double? {
    if case .approximation(let ratio) = self { ratio } else { nil }
  }
}

/// Settings every solver accepts. Solvers ignore what does not concern them (a heuristic has no
/// use for a backend, an ILP none for a seed).
public struct SolverOptions: Sendable {
  /// Wall-clock budget in seconds for solvers that can stop early (exact solvers, brute force);
  /// `nil` for none.
  public var timeLimit: Double?
  /// Seed for randomized solvers: the same seed gives the same answer.
  public var seed: UInt64
  /// The MILP backend exact formulations use; `nil` lets each formulation use its default (GLPK).
  public var backend: (any MILPSolver)?

  public init(timeLimit: Double? = nil, seed: UInt64 = 1, backend: (any MILPSolver)? = nil) {
    self.timeLimit = timeLimit
    self.seed = seed
    self.backend = backend
  }
}

/// What every solver of every family returns.
///
/// ``objective`` is the solver's own value for ``solution``; the harness recomputes it with the
/// family's evaluator and never trusts it. ``bound`` is a proven bound on the optimum (a dual
/// bound, an LP value), present only when the solver proved one.
public struct SolverOutcome<Solution: Sendable>: Sendable {
  /// The solution, when the solver found one.
  public var solution: Solution?
  /// The objective the solver computed for ``solution``.
  public var objective: Double?
  /// A proven bound on the optimum (upper for maximization, lower for minimization), if known.
  public var bound: Double?
  /// Why the solver stopped.
  public var termination: TerminationReason
  /// A few counters (`columns`, `cutsSolved`, `evaluations`, ...), for reports.
  public var statistics: [String: Double]

  public init(
    solution: Solution?, objective: Double?, bound: Double? = nil, termination: TerminationReason,
    statistics: [String: Double] = [:]
  ) {
    self.solution = solution
    self.objective = objective
    self.bound = bound
    self.termination = termination
    self.statistics = statistics
  }

  /// The outcome of an algorithm without a proof: `solution` with its value, ``TerminationReason/finished``.
  public static func finished(_ solution: Solution, objective: Double, statistics: [String: Double] = [:]) -> Self {
    Self(solution: solution, objective: objective, termination: .finished, statistics: statistics)
  }

  /// True when the solver proved ``solution`` optimal.
  public var isProvenOptimal: Bool { termination == .optimal && solution != nil }

  /// The same outcome with the solution mapped (e.g. from a formulation's columns to the family's type).
  public func map<Other: Sendable>(_ transform: (Solution) throws -> Other) rethrows -> SolverOutcome<Other> {
    SolverOutcome<Other>(solution: try solution.map(transform), objective: objective, bound: bound,
                         termination: termination, statistics: statistics)
  }
}

extension SolverOutcome: CustomStringConvertible {
  /// `optimal, objective 6, bound 6`.
  public var description: String {
    var parts = ["\(termination)"]
    if let objective { parts.append("objective \(objective)") }
    if let bound { parts.append("bound \(bound)") }
    return parts.joined(separator: ", ")
  }
}

/// An exact MILP backend: validates a ``MILP`` in Swift, solves it synchronously on the calling
/// thread and reports a closed ``TerminationReason``; it never takes the process down.
///
/// GLPK (`GLPKBinding.GLPKSolver`) is one backend. Problem formulations build a ``MILP`` and
/// accept any backend, so a program that never solves an ILP links no solver library.
public protocol MILPSolver: Sendable {
  /// Short name for reports (`glpk`).
  var name: String { get }
  /// Solves `model`; throws only when the model or options are invalid.
  func solve(_ model: MILP, options: SolveOptions) throws(MILPValidationError) -> MILPResult
}

extension SolverOutcome {
  /// An exact formulation's outcome from its backend's result: the best value found is the
  /// objective and the dual bound the bound, both divided by `unit` (a formulation that solves in
  /// milliseconds reports seconds with `unit: 1000`); the backend's time, its name (as the
  /// statistic `backend.<name>`, which reports show beside the status) and the model's size
  /// become statistics.
  public init(_ result: MILPResult, solution: Solution?, unit: Double = 1, model: MILP, backend: any MILPSolver) {
    self.init(solution: solution, objective: result.bounds.primal.map { $0 / unit },
              bound: result.bounds.dual.map { $0 / unit }, termination: result.termination,
              statistics: ["columns": Double(model.variables.count), "rows": Double(model.constraints.count),
                           "solveSeconds": result.solveSeconds, "backend.\(backend.name)": 1])
  }
}

extension SolverOptions {
  /// The backend's options for an exact solve under these settings: the time limit, a proven optimum.
  public var milpOptions: SolveOptions { SolveOptions(timeLimit: timeLimit) }
}
