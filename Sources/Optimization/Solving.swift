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

  /// A role without its ratio, for tables and files.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case exact, approximation, heuristic, bound
    public var description: String { rawValue }
  }

  /// The role without its ratio.
  public var kind: Kind {
    switch self {
    case .exact: .exact
    case .approximation: .approximation
    case .heuristic: .heuristic
    case .bound: .bound
    }
  }

  /// The proven ratio of an approximation, else `nil`.
  public var provenRatio: Double? {
    if case .approximation(let ratio) = self { ratio } else { nil }
  }
}

/// Settings every solver accepts. Solvers ignore what does not concern them (a heuristic has no
/// use for a time limit, an ILP none for a seed). The MILP backend is not among them: exact
/// solvers are built for one (`AdmissionExactSolvers.all(backend:)`), so the one place that picks
/// GLPK or CBC is whoever builds the solver list (the harness's `Catalog`).
public struct SolverOptions: Sendable {
  /// Wall-clock budget in seconds for solvers that can stop early (exact solvers, brute force);
  /// `nil` for none.
  public var timeLimit: Double?
  /// Seed for randomized solvers: the same seed gives the same answer.
  public var seed: UInt64
  /// When the solver's clock started, so that the time limit counts everything it does (tables,
  /// model building) and not only the backend's solve. `Solver.solve(_:options:)` sets it when
  /// the caller has not; `nil` means the clock starts when it is read.
  public var started: ContinuousClock.Instant?

  public init(timeLimit: Double? = nil, seed: UInt64 = 1) {
    self.timeLimit = timeLimit
    self.seed = seed
  }

  /// The same options with the clock started now, unless it already was.
  public func startingClock() -> SolverOptions {
    var out = self
    out.started = started ?? .now
    return out
  }

  /// What is left of ``timeLimit`` since ``started``, at least 1 ms (so that an exhausted budget
  /// stops a backend at once instead of failing validation); `nil` without a limit.
  public var remainingTime: Double? {
    guard let timeLimit else { return nil }
    guard let started else { return timeLimit }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return max(timeLimit - seconds, 0.001)
  }

  /// When the budget runs out (``started`` plus ``timeLimit``); `nil` without a limit.
  public var deadline: ContinuousClock.Instant? {
    timeLimit.map { (started ?? .now) + .seconds($0) }
  }
}

/// Which MILP backend solved a program: a name the backend declares (`glpk`, `cbc`), typed so
/// that reports never parse it out of free text. Open, so that a third-party backend can
/// declare its own.
public struct BackendID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public var description: String { rawValue }
}

/// What a solver reports about its own run, for reports and studies: the size of the program an
/// exact solver built and which backend solved it, plus algorithm-specific counters.
public struct SolverStatistics: Sendable, Hashable {
  /// The MILP backend that solved the program, for exact formulations.
  public var backend: BackendID?
  /// Columns (variables) of the program.
  public var columns: Int?
  /// Rows (constraints) of the program.
  public var rows: Int?
  /// Seconds the backend spent in its solve call(s).
  public var solveSeconds: Double?
  /// The extension point: counters named by the algorithm (`rounds`, `cutsSolved`, `moves`,
  /// `startObjective`, ...), documented where each solver sets them.
  public var counters: [String: Double]

  public init(backend: BackendID? = nil, columns: Int? = nil, rows: Int? = nil, solveSeconds: Double? = nil,
              counters: [String: Double] = [:]) {
    self.backend = backend
    self.columns = columns
    self.rows = rows
    self.solveSeconds = solveSeconds
    self.counters = counters
  }

  /// Statistics with only algorithm-specific counters.
  public static func counters(_ counters: [String: Double]) -> Self { Self(counters: counters) }
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
  /// The program's size, the backend, and algorithm counters, for reports.
  public var statistics: SolverStatistics

  public init(
    solution: Solution?, objective: Double?, bound: Double? = nil, termination: TerminationReason,
    statistics: SolverStatistics = .init()
  ) {
    self.solution = solution
    self.objective = objective
    self.bound = bound
    self.termination = termination
    self.statistics = statistics
  }

  /// The outcome of an algorithm without a proof: `solution` with its value, ``TerminationReason/finished``.
  public static func finished(_ solution: Solution, objective: Double, statistics: SolverStatistics = .init()) -> Self {
    Self(solution: solution, objective: objective, termination: .finished, statistics: statistics)
  }

  /// True when the solver proved ``solution`` optimal.
  public var isProvenOptimal: Bool { termination == .optimal && solution != nil }

  /// Relative distance within which an exact formulation's claimed value and the exact value of
  /// its solution, recomputed from the data, are the same number summed in another order
  /// (the harness's tolerance for comparing objectives).
  public static var claimTolerance: Double { 1e-9 }

  /// The outcome with its claim checked against `exactValue`, the objective of ``solution``
  /// recomputed from the instance (not from the program's scaled coefficients). A backend
  /// proves optimality within its own numerical tolerances, absolute ones included, which data
  /// spanning many orders of magnitude can exceed: when the two differ by more than
  /// ``claimTolerance`` (relative), the objective becomes `exactValue` and an `optimal`
  /// becomes `tolerance limit, feasible`, with the backend's bound kept, so that nothing is
  /// claimed that the data do not confirm.
  public func confirmed(by exactValue: Double) -> Self {
    guard let objective, solution != nil else { return self }
    let agree = abs(objective - exactValue) <= Self.claimTolerance * max(abs(objective), abs(exactValue))
    guard !agree else { return self }
    var out = self
    out.objective = exactValue
    if termination == .optimal { out.termination = .feasible(limit: .tolerance) }
    out.statistics.counters["claimedObjective"] = objective
    return out
  }

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
/// GLPK (`GLPKBinding.GLPKSolver`, GPL-3) and CBC (`CBCBinding.CBCSolver`, EPL-2.0) are the two
/// backends. Problem formulations build a ``MILP`` and take the backend as a parameter, so a
/// formulation links no solver library and a program links only the backend it picks.
public protocol MILPSolver: Sendable {
  /// Which backend this is, for reports (`glpk`).
  var id: BackendID { get }
  /// Solves `model`; throws only when the model or options are invalid.
  func solve(_ model: MILP, options: MILPOptions) throws(MILPValidationError) -> MILPResult
}

extension SolverOutcome {
  /// An exact formulation's outcome from its backend's result: the best value found is the
  /// objective and the dual bound the bound, both divided by `unit` (a formulation that solves in
  /// milliseconds reports seconds with `unit: 1000`); the backend, its time and the model's size
  /// become statistics.
  public init(_ result: MILPResult, solution: Solution?, unit: Double = 1, model: MILP, backend: any MILPSolver) {
    self.init(solution: solution, objective: result.bounds.primal.map { $0 / unit },
              bound: result.bounds.dual.map { $0 / unit }, termination: result.termination,
              statistics: SolverStatistics(backend: backend.id, columns: model.variables.count,
                                           rows: model.constraints.count, solveSeconds: result.solveSeconds))
  }
}

extension SolverOptions {
  /// The backend's options for an exact solve under these settings: what is left of the time
  /// limit since ``started`` (read when the backend is about to run, so building the model
  /// counts), a proven optimum.
  public var milpOptions: MILPOptions { MILPOptions(timeLimit: remainingTime) }
}
