import EdgeSplitModel

/// Whether a problem's objective is maximized (P1 admits requests) or minimized (latencies).
public enum ObjectiveSense: String, Codable, Sendable {
  case maximize, minimize
}

extension ProblemKind {
  /// The direction every solver of this family optimizes.
  public var sense: ObjectiveSense {
    switch self {
    case .admission: .maximize
    case .surgery: .minimize
    case .fused: .minimize
    }
  }
}

extension ProblemKind {
  /// What ``ProblemInstance/size`` counts for this family, for axis labels.
  public var sizeUnit: String {
    switch self {
    case .admission: "requests"
    case .surgery, .fused: "layers"
    }
  }
}

/// What a solver is, which decides how the harness reads its result.
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
}

/// A solution of any problem family, as returned to the harness for checking.
public enum ProblemSolution: Sendable {
  case admission(AdmissionSolution)
  /// P2: where each layer runs.
  case surgery(Partition)
  case fused(FusedDecision)
}

/// What one solver run returns. The harness recomputes the objective with the evaluator and
/// never trusts ``claimedObjective``.
public struct SolverRun: Sendable {
  /// The solution, if the solver found one.
  public var solution: ProblemSolution?
  /// The objective the solver believes it reached (compared with the evaluator's).
  public var claimedObjective: Double?
  /// A proven bound on the optimum (dual bound), when the solver has one.
  public var bound: Double?
  /// True when the solver proved its solution optimal.
  public var provenOptimal: Bool
  /// Short status text (e.g. `optimal`, `time limit`, `feasible`).
  public var status: String

  public init(
    solution: ProblemSolution?, claimedObjective: Double? = nil, bound: Double? = nil,
    provenOptimal: Bool = false, status: String
  ) {
    self.solution = solution
    self.claimedObjective = claimedObjective
    self.bound = bound
    self.provenOptimal = provenOptimal
    self.status = status
  }
}

/// Settings every run shares.
public struct RunSettings: Sendable {
  /// Time limit in seconds for exact solvers.
  public var timeLimit: Double
  /// Seed for randomized solvers.
  public var seed: UInt64

  public init(timeLimit: Double = 60, seed: UInt64 = 1) {
    self.timeLimit = timeLimit
    self.seed = seed
  }
}

/// A solver as the harness sees it: a name, the family it solves, its role, when it applies,
/// and how to run it.
public struct SolverDescriptor: Sendable {
  /// Unique name used in tables and `--solvers` (e.g. `p1-ilp-pruned`).
  public var name: String
  /// The family it solves.
  public var problem: ProblemKind
  /// How to read its result.
  public var role: SolverRole
  /// One line for `--help` and reports.
  public var summary: String
  /// Whether it should run on an instance (exact solvers skip instances too large for them).
  public var applies: @Sendable (ProblemInstance) -> Bool
  /// Runs it. Throwing means the solver could not run (bad parameters), not infeasibility.
  public var run: @Sendable (ProblemInstance, RunSettings) throws -> SolverRun

  public init(
    name: String, problem: ProblemKind, role: SolverRole, summary: String,
    applies: @escaping @Sendable (ProblemInstance) -> Bool = { _ in true },
    run: @escaping @Sendable (ProblemInstance, RunSettings) throws -> SolverRun
  ) {
    self.name = name
    self.problem = problem
    self.role = role
    self.summary = summary
    self.applies = applies
    self.run = run
  }
}

/// Checks a solution with the problem's one evaluator.
func evaluate(_ solution: ProblemSolution, on instance: ProblemInstance) -> Verdict {
  switch (solution, instance) {
  case (.admission(let s), .admission(let i)): AdmissionEvaluator.evaluate(s, on: i)
  case (.surgery(let s), .surgery(let i)): SurgeryEvaluator.evaluate(s, on: i)
  case (.fused(let s), .fused(let i)): FusedEvaluator.evaluate(s, on: i)
  default: Verdict(objective: 0, violations: ["the solution is for another problem family than the instance"])
  }
}
