import Admission
import EdgeSplitModel
import FusedLayer
import GLPKBinding

/// Every solver the harness knows, in the order tables list them. Each problem family adds
/// its solvers here; the runner needs nothing else.
public enum SolverRegistry {
  public static let all: [SolverDescriptor] = admissionSolvers + fusedSolvers

  /// The solvers whose names match any of `patterns` (`*` and `?` globs); all when empty.
  public static func matching(_ patterns: [String]) -> [SolverDescriptor] {
    patterns.isEmpty ? all : all.filter { solver in patterns.contains { glob($0, matches: solver.name) } }
  }
}

/// Shell-style glob with `*` and `?`.
func glob(_ pattern: String, matches text: String) -> Bool {
  let p = Array(pattern), t = Array(text)
  func match(_ i: Int, _ j: Int) -> Bool {
    if i == p.count { return j == t.count }
    if p[i] == "*" { return (j...t.count).contains { match(i + 1, $0) } }
    return j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1)
  }
  return match(0, 0)
}

extension TerminationReason {
  /// Short words for tables: `optimal`, `time limit (feasible)`, ...
  var label: String {
    switch self {
    case .optimal: "optimal"
    case .feasible(let limit): "\(limit.label) limit, feasible"
    case .noSolutionFound(let limit): "\(limit.label) limit, no solution"
    case .infeasible: "infeasible"
    case .unbounded: "unbounded"
    case .error(let message): "error: \(message)"
    }
  }
}

extension TerminationReason.Limit {
  var label: String {
    switch self {
    case .time: "time"
    case .other(let what): what
    }
  }
}

// MARK: - P1 admission

private func admissionInstance(_ instance: ProblemInstance) -> AdmissionInstance? {
  if case .admission(let body) = instance { body } else { nil }
}

/// Runs the exact ILP and translates GLPK's termination into a harness run.
private func exactAdmission(_ formulation: AdmissionILP.Formulation) -> @Sendable (ProblemInstance, RunSettings) throws -> SolverRun {
  { instance, settings in
    let body = admissionInstance(instance)!
    let outcome = try AdmissionILP.solve(AdmissionTable(body), formulation: formulation,
                                         options: SolveOptions(timeLimit: settings.timeLimit))
    return SolverRun(solution: outcome.solution.map(ProblemSolution.admission),
                     claimedObjective: outcome.bounds.primal, bound: outcome.bounds.dual,
                     provenOptimal: outcome.termination == .optimal, status: outcome.termination.label)
  }
}

/// Largest instance (requests) the full formulation is run on: it has a column per
/// `(r, c, p, k)` and exists to cross-check the pruned one, not to scale.
public let fullILPRequestLimit = 60
/// Largest instance (requests) the pruned ILP is tried on by default.
public let prunedILPRequestLimit = 500

let admissionSolvers: [SolverDescriptor] = [
  SolverDescriptor(
    name: "p1-ilp-pruned", problem: .admission, role: .exact,
    summary: "GLPK ILP, one column per (request, cloudlet) at its cheapest thread count",
    applies: { (admissionInstance($0)?.requests.count ?? .max) <= prunedILPRequestLimit },
    run: exactAdmission(.pruned)),
  SolverDescriptor(
    name: "p1-ilp-full", problem: .admission, role: .exact,
    summary: "GLPK ILP over every (request, cloudlet, partition, threads) meeting the deadline",
    applies: { (admissionInstance($0)?.requests.count ?? .max) <= fullILPRequestLimit },
    run: exactAdmission(.full)),
]

// MARK: - P3 fused-layer parallelism

private func fusedInstance(_ instance: ProblemInstance) -> FusedInstance? {
  if case .fused(let body) = instance { body } else { nil }
}

/// Wraps a P3 solver: builds the shared tables and reports the decision with its makespan.
private func fusedRun(
  exact: Bool, _ solve: @escaping @Sendable (FusedTables, RunSettings) -> FusedResult
) -> @Sendable (ProblemInstance, RunSettings) throws -> SolverRun {
  { instance, settings in
    let result = solve(FusedTables(fusedInstance(instance)!), settings)
    return SolverRun(solution: .fused(result.decision), claimedObjective: result.makespan,
                     provenOptimal: exact, status: exact ? "optimal" : "done")
  }
}

let fusedSolvers: [SolverDescriptor] = [
  SolverDescriptor(
    name: "p3-bf", problem: .fused, role: .exact,
    summary: "brute force over block length, tiling, placement and offloaded order (Johnson when downloads are free)",
    applies: { fusedInstance($0).map(FusedBruteForce.applies(to:)) ?? false },
    run: fusedRun(exact: true) { tables, _ in FusedBruteForce.solve(tables) }),
  SolverDescriptor(
    name: "p3-psomw", problem: .fused, role: .heuristic,
    summary: "particle swarm with the minimizing-waiting repair (30 particles, 60 rounds)",
    run: fusedRun(exact: false) { tables, settings in PSOMW().solve(tables, seed: settings.seed) }),
  SolverDescriptor(
    name: "p3-nfl", problem: .fused, role: .heuristic,
    summary: "no fused layers: the best single layer-level cut between device and server",
    run: fusedRun(exact: false) { tables, _ in FusedBruteForce.noFusion(tables) }),
]
