import Dispatch
import EdgeSplitModel
import Foundation
import Synchronization

/// Which value a row's gap is measured against.
public enum ReferenceKind: String, Codable, Sendable {
  /// A proven optimum.
  case optimum
  /// A proven bound on the optimum (the true gap is at most the one shown).
  case bound
  /// Nothing to compare with.
  case none
}

/// What became of one solver's run: how it stopped (with the MILP backend that got it there), or
/// that it could not run. Shown as `optimal (glpk)`, `time limit, feasible`, `error: ...`.
public enum RunStatus: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The solver returned: its termination and, for exact formulations, its backend.
  case stopped(TerminationReason, backend: BackendID?)
  /// The solver threw: it could not run (bad parameters, an invalid program).
  case failed(message: String)

  /// The status of a solver that returned `outcome`.
  public init<S>(_ outcome: SolverOutcome<S>) {
    self = .stopped(outcome.termination, backend: outcome.statistics.backend)
  }

  /// Whether the solver claimed a proven optimum.
  public var isOptimal: Bool { if case .stopped(.optimal, _) = self { true } else { false } }

  public var description: String {
    switch self {
    case .stopped(let termination, let backend): "\(termination)" + (backend.map { " (\($0))" } ?? "")
    case .failed(let message): "error: \(message)"
    }
  }
}

/// One solver on one instance.
public struct BenchmarkRow: Codable, Sendable, Hashable {
  /// Instance name.
  public var instance: String
  /// Problem family (`ProblemFamily.name`).
  public var problem: String
  /// `FamilyInstance.size` of the instance (requests, layers, ...).
  public var size: Int
  /// Solver name, as in ``Catalog``.
  public var solver: String
  /// What the solver promises.
  public var role: SolverRole.Kind
  /// How the solver stopped, or why it could not run.
  public var status: RunStatus
  /// Objective recomputed by the evaluator; `nil` when the solver returned no solution.
  public var objective: Double?
  /// The bound a bound-only or time-limited exact solver proved.
  public var bound: Double?
  /// The optimum or bound the gap is measured against.
  public var reference: Double?
  /// Whether ``reference`` is a proven optimum or a bound.
  public var referenceKind: ReferenceKind
  /// `(ref − obj) / |ref|` for maximization (`obj − ref` for minimization), in %: relative to the
  /// reference (to `|obj|` when the reference is 0; 0 when both are). Against a bound it is an
  /// upper bound on the true gap.
  public var gapPercent: Double?
  /// `obj / ref`: the empirical approximation ratio.
  public var ratio: Double?
  /// The solver's proven ratio, if it has one.
  public var provenRatio: Double?
  /// Whether the proven ratio held; `nil` when no optimum is known or no ratio is claimed.
  public var ratioHolds: Bool?
  /// Whether the evaluator accepted the solution (`nil`: no solution).
  public var feasible: Bool?
  /// Problems found: broken constraints, a wrong claimed objective, a broken ratio.
  public var failures: [String]
  /// Wall time of the solver call in seconds.
  public var seconds: Double
  /// With `--versus NAME`: how much better this row's objective is than NAME's on the same
  /// instance, in % of NAME's (`(obj − base) / |base|` when maximizing, `(base − obj) / |base|`
  /// when minimizing); `nil` when either has no objective or the base is 0.
  public var versusPercent: Double? = nil
}

/// Runs solvers on instances, checks every solution, and derives gaps and ratio checks.
public struct BenchmarkRunner: Sendable {
  /// The solvers to run, where they apply.
  public var solvers: [AnySolver]
  /// Time limit and seed.
  public var settings: SolverOptions
  /// The solver every row is compared with (``BenchmarkRow/versusPercent``), e.g. the baseline a
  /// paper reports its gains against; `nil` for none.
  public var versus: String?
  /// Called before each solver run with (done, total, instance, solver); for progress output.
  public var progress: (@Sendable (Int, Int, String, String) -> Void)?
  /// Called once per instance with its scored rows and each row's outcome (`nil`: the solver failed), for
  /// writing solutions out; may be called from several threads at once with `jobs > 1`.
  public var onSolutions: (@Sendable (AnyInstance, [(BenchmarkRow, SolverOutcome<AnySolution>?)]) -> Void)?

  public init(solvers: [AnySolver], settings: SolverOptions, versus: String? = nil,
              progress: (@Sendable (Int, Int, String, String) -> Void)? = nil,
              onSolutions: (@Sendable (AnyInstance, [(BenchmarkRow, SolverOutcome<AnySolution>?)]) -> Void)? = nil) {
    self.solvers = solvers
    self.settings = settings
    self.versus = versus
    self.progress = progress
    self.onSolutions = onSolutions
  }

  /// Every `.json` file under `directory`, recursively, sorted by path (instances and model
  /// files alike: the loader tells them apart by content).
  public static func jsonFiles(under directory: URL) -> [URL] {
    let keys: [URLResourceKey] = [.isRegularFileKey]
    guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys) else { return [] }
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
  }

  /// Runs every applicable solver on every instance; rows come back in instance order.
  ///
  /// With `jobs > 1`, instances run on that many threads at once (solvers of one instance stay
  /// sequential, because the exact ones give the others their reference). Every GLPK solve is
  /// self-contained in one synchronous call on its thread, so this is safe; wall times then
  /// include contention for cores, so measure with `jobs == 1`.
  public func run(_ instances: [AnyInstance], jobs: Int = 1) -> [BenchmarkRow] {
    let plan = instances.map { instance in (instance, ordered(solvers.filter { $0.skipReason(for: instance) == nil })) }
    let total = plan.reduce(0) { $0 + $1.1.count }
    let state = Mutex((next: 0, done: 0, rows: [[BenchmarkRow]](repeating: [], count: plan.count)))
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, plan.count))) { _ in
      while true {
        let index: Int? = state.withLock { state in
          guard state.next < plan.count else { return nil }
          defer { state.next += 1 }
          return state.next
        }
        guard let index else { return }
        let (instance, applicable) = plan[index]
        var runs: [Run] = []
        for solver in applicable {
          if let progress {
            let done = state.withLock { state in defer { state.done += 1 }; return state.done }
            progress(done, total, instance.name, solver.name)
          }
          let start = ContinuousClock.now
          var outcome: SolverOutcome<AnySolution>?
          var error: String?
          do { outcome = try solver.solve(instance, options: settings) } catch let failure { error = "\(failure)" }
          let elapsed = ContinuousClock.now - start
          runs.append(Run(solver: solver, outcome: outcome, error: error,
                          seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
        }
        let rows = score(instance, runs)
        state.withLock { $0.rows[index] = rows }
        if let onSolutions { onSolutions(instance, zip(rows, runs).map { ($0, $1.outcome) }) }
      }
    }
    return state.withLock { $0.rows.flatMap { $0 } }
  }

  /// The `shard`-th of `count` slices of `items` (1-based), round robin, so that a job array
  /// of `count` processes covers every item exactly once.
  public static func shard<T>(_ items: [T], index shard: Int, of count: Int) -> [T] {
    precondition(count >= 1 && (1...count).contains(shard), "shard \(shard)/\(count) out of range")
    return items.enumerated().filter { $0.offset % count == shard - 1 }.map(\.element)
  }

  /// Exact and bound solvers first, so their references exist when the others are scored.
  private func ordered(_ list: [AnySolver]) -> [AnySolver] {
    func rank(_ role: SolverRole) -> Int {
      switch role {
      case .exact: 0
      case .bound: 1
      case .approximation: 2
      case .heuristic: 3
      }
    }
    return list.enumerated().sorted { (rank($0.element.role), $0.offset) < (rank($1.element.role), $1.offset) }.map(\.element)
  }

  /// One solver's run on one instance, before scoring.
  struct Run {
    var solver: AnySolver
    var outcome: SolverOutcome<AnySolution>?
    var error: String?
    var seconds: Double
  }

  /// Relative tolerance within which two objectives are the same number summed in another order
  /// (a claimed objective and the evaluator's, two exact solvers' optima, an objective and a
  /// reference): `|a − b| <= 1e-9 · max(|a|, |b|)`. Anything further apart is a failure.
  public static let objectiveTolerance = 1e-9

  /// Whether `a` and `b` are equal within ``objectiveTolerance``; never for non-finite values.
  static func agree(_ a: Double, _ b: Double) -> Bool {
    a.isFinite && b.isFinite && abs(a - b) <= objectiveTolerance * max(abs(a), abs(b))
  }

  private func score(_ instance: AnyInstance, _ runs: [Run]) -> [BenchmarkRow] {
    let family = instance.family
    let sense = family.sense
    var rows: [BenchmarkRow] = []
    for run in runs {
      let solver = run.solver, error = run.error
      var row = BenchmarkRow(instance: instance.name, problem: family.name, size: instance.size, solver: solver.name, role: solver.role.kind,
                             status: error.map { .failed(message: $0) } ?? RunStatus(run.outcome!), objective: nil,
                             bound: run.outcome?.bound.flatMap { $0.isFinite ? $0 : nil },
                             reference: nil, referenceKind: .none, gapPercent: nil, ratio: nil,
                             provenRatio: solver.role.provenRatio, ratioHolds: nil, feasible: nil,
                             failures: error.map { ["solver failed: \($0)"] } ?? [], seconds: run.seconds)
      if let outcome = run.outcome {
        row.failures += Self.statusFailures(outcome, role: solver.role, family: family)
        if let solution = outcome.solution {
          let verdict = solution.evaluate()
          row.feasible = verdict.isFeasible
          row.failures += verdict.violations
          if verdict.isFeasible { row.objective = verdict.objective }
          if let claimed = outcome.objective, !Self.agree(claimed, verdict.objective) {
            row.failures.append("claimed objective \(claimed) but the evaluator computes \(verdict.objective)")
          }
        }
      }
      rows.append(row)
    }
    // The reference: a proven optimum if an exact solver finished, else the tightest bound.
    let proven = zip(runs, rows).filter { $0.0.solver.role == .exact && $0.0.outcome?.isProvenOptimal == true && $0.1.objective != nil }
      .map { $0.1.objective! }
    let bounds = rows.compactMap(\.bound)
    let reference: (Double, ReferenceKind)? =
      proven.first.map { ($0, .optimum) }
      ?? (bounds.isEmpty ? nil : (sense == .maximize ? bounds.min()! : bounds.max()!, .bound))
    for i in rows.indices { rows[i].failures += Self.claimFailures(rows[i], runs[i], among: rows, sense: sense) }
    if let versus, let base = rows.first(where: { $0.solver == versus })?.objective, base != 0 {
      for i in rows.indices {
        guard let objective = rows[i].objective else { continue }
        rows[i].versusPercent = 100 * ((sense == .maximize ? objective - base : base - objective) / abs(base))
      }
    }
    for i in rows.indices {
      guard let (value, kind) = reference else { continue }
      rows[i].reference = value
      rows[i].referenceKind = kind
      guard let objective = rows[i].objective else { continue }
      // Relative to the reference; a zero reference has no scale, so the objective's is used.
      let scale = value != 0 ? abs(value) : abs(objective)
      let shortfall = Self.agree(objective, value) ? 0 : (sense == .maximize ? value - objective : objective - value)
      // Divided first: 100 × a shortfall near the double range would overflow to inf.
      rows[i].gapPercent = scale == 0 ? 0 : 100 * (shortfall / scale)
      rows[i].ratio = value == 0 ? (objective == 0 ? 1 : nil) : objective / value
      if shortfall < 0 {
        rows[i].failures.append("objective \(objective) is better than the \(kind.rawValue) \(value)")
      }
      // A bound that some solution beats is wrong, whichever solver proved it.
      if let bound = rows[i].bound, kind == .optimum, !Self.agree(bound, value), sense.isBetter(value, than: bound) {
        rows[i].failures.append("bound \(bound) is beaten by the optimum \(value)")
      }
      if kind == .optimum, let ratio = rows[i].provenRatio {
        let target = ratio * value
        let holds = Self.agree(objective, target) || (sense == .maximize ? objective > target : objective < target)
        rows[i].ratioHolds = holds
        if !holds { rows[i].failures.append("proven ratio \(ratio) violated: \(objective) vs optimum \(value)") }
      }
    }
    return rows
  }

  /// What the other rows on the same instance prove wrong about `row`'s claim: an `optimal`
  /// that another row's evaluated objective beats, an `infeasible` on an instance another
  /// solver solved, and an optimum another exact solver proved different (each naming the row
  /// that contradicts it, its backend and the tolerance, so that the failure explains itself).
  static func claimFailures(_ row: BenchmarkRow, _ run: Run, among rows: [BenchmarkRow], sense: ObjectiveSense) -> [String] {
    guard let outcome = run.outcome else { return [] }
    let others = rows.filter { $0.solver != row.solver && $0.objective != nil }
    let tolerance = "relative tolerance \(objectiveTolerance)"
    switch outcome.termination {
    case .optimal:
      guard let objective = row.objective else { return [] }
      var failures: [String] = []
      if let better = others.filter({ !agree($0.objective!, objective) && sense.isBetter($0.objective!, than: objective) })
        .min(by: { sense.isBetter($0.objective!, than: $1.objective!) }) {
        failures.append("claims optimal \(objective), but \(better.solver) (\(better.status)) found \(better.objective!), "
                        + "feasible per the evaluator")
      }
      for other in others where other.role == .exact && other.status.isOptimal && !agree(other.objective!, objective)
        && !sense.isBetter(other.objective!, than: objective) {
        failures.append("exact solvers disagree beyond the \(tolerance): \(row.solver) (\(row.status)) proves \(objective), "
                        + "\(other.solver) (\(other.status)) proves \(other.objective!)")
      }
      return failures
    case .infeasible where run.solver.role == .exact:
      return others.first.map { ["says infeasible, but \($0.solver) (\($0.status)) found a solution of \($0.objective!), feasible per the evaluator"] } ?? []
    default:
      return []
    }
  }

  /// What a solver's status alone proves wrong: an exact solver that calls an always-feasible
  /// family's instance infeasible or unbounded, a backend error, an optimum without a solution,
  /// non-finite objectives or bounds.
  static func statusFailures(_ outcome: SolverOutcome<AnySolution>, role: SolverRole, family: AnyFamily) -> [String] {
    var failures: [String] = []
    switch outcome.termination {
    case .infeasible where family.alwaysFeasible, .unbounded where family.alwaysFeasible:
      failures.append("says \(outcome.termination), but every valid \(family.name) instance has a finite optimum")
    case .error(let message):
      failures.append("solver error: \(message)")
    case .optimal where outcome.solution == nil && role != .bound:
      failures.append("says optimal but returned no solution")
    default:
      break
    }
    if let claimed = outcome.objective, !claimed.isFinite { failures.append("claimed objective is \(claimed)") }
    if let bound = outcome.bound, !bound.isFinite { failures.append("bound is \(bound)") }
    return failures
  }
}
