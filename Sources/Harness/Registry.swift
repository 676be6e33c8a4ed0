import Admission
import EdgeSplitModel
import FusedLayer
import GLPKBinding
import Surgery

/// Every solver the harness knows, in the order tables list them. Each problem family adds
/// its solvers here; the runner needs nothing else.
public enum SolverRegistry {
  /// Every solver of every family.
  public static let all: [SolverDescriptor] = admissionSolvers + surgerySolvers + fusedSolvers

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

extension SolverRun {
  /// A GLPK-backed exact solve as the harness reads it: the best value found is the claim, the
  /// dual bound the bound, and only `.optimal` proves the solution optimal.
  init(exact solution: ProblemSolution?, _ termination: TerminationReason, _ bounds: ObjectiveBounds) {
    self.init(solution: solution, claimedObjective: bounds.primal, bound: bounds.dual,
              provenOptimal: termination == .optimal, status: termination.label)
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
    return SolverRun(exact: outcome.solution.map(ProblemSolution.admission), outcome.termination, outcome.bounds)
  }
}

/// Largest instance (requests) the full formulation is run on: it has a column per
/// `(r, c, p, k)` and exists to cross-check the pruned one, not to scale.
public let fullILPRequestLimit = 60
/// Largest column count (requests × Σ threads × layers, an upper bound) of the full formulation.
public let fullILPColumnLimit = 2_000_000
/// Largest instance (requests) the pruned ILP is tried on by default.
public let prunedILPRequestLimit = 500

/// Largest instance (requests) the LP bound is computed on. The simplex on the pruned program
/// (one column per feasible `(r, c)`, at most `R · C`) took about 1 s on the shipped 2,500 × 60
/// instance; the 100,000 × 100 instance (up to 10^7 columns) is beyond what it is meant for.
public let lpBoundRequestLimit = 5_000

/// Wraps a P1 algorithm that returns an admission from the table (no bound, no optimality claim).
private func admissionAlgorithm(
  _ algorithm: @escaping @Sendable (AdmissionTable) -> AdmissionSolution
) -> @Sendable (ProblemInstance, RunSettings) throws -> SolverRun {
  { instance, _ in
    SolverRun(solution: .admission(algorithm(AdmissionTable(admissionInstance(instance)!))), status: "done")
  }
}

let admissionSolvers: [SolverDescriptor] = [
  SolverDescriptor(
    name: "p1-ilp-pruned", problem: .admission, role: .exact,
    summary: "GLPK ILP, one column per (request, cloudlet) at its cheapest thread count",
    applies: { (admissionInstance($0)?.requests.count ?? .max) <= prunedILPRequestLimit },
    run: exactAdmission(.pruned)),
  SolverDescriptor(
    name: "p1-ilp-full", problem: .admission, role: .exact,
    summary: "GLPK ILP over every (request, cloudlet, partition, threads) meeting the deadline",
    applies: { instance in
      guard let body = admissionInstance(instance), body.requests.count <= fullILPRequestLimit else { return false }
      // At most one column per (request, cloudlet, prefix, threads): keep GLPK's model bounded.
      let columns = body.requests.count * body.cloudlets.reduce(0) { $0 + $1.threads }
        * (body.models.map(\.layers.count).max() ?? 0)
      return columns <= fullILPColumnLimit
    },
    run: exactAdmission(.full)),
  SolverDescriptor(
    name: "p1-lp-bound", problem: .admission, role: .bound,
    summary: "LP relaxation of the pruned ILP (GLPK simplex): an upper bound, rounded down for integer weights",
    applies: { (admissionInstance($0)?.requests.count ?? .max) <= lpBoundRequestLimit },
    run: { instance, settings in
      let bound = try AdmissionILP.relaxationBound(AdmissionTable(admissionInstance(instance)!), timeLimit: settings.timeLimit)
      return SolverRun(solution: nil, bound: bound, status: bound == nil ? "LP not solved" : "LP optimal")
    }),
  SolverDescriptor(
    name: "p1-approx", problem: .admission, role: .approximation(ratio: 0.5),
    summary: "Local-ratio GAP scheme: an exact knapsack per cloudlet over the waiting requests (1/2-approximation)",
    run: admissionAlgorithm(AdmissionApproximation.solve)),
  SolverDescriptor(
    name: "p1-greedy-fewest-threads", problem: .admission, role: .heuristic,
    summary: "All (request, cloudlet) pairs by ascending thread need, admitted while they fit",
    run: admissionAlgorithm(AdmissionGreedy.fewestThreadsFirst)),
  SolverDescriptor(
    name: "p1-greedy-edf-best-fit", problem: .admission, role: .heuristic,
    summary: "Earliest deadline first, each on the cloudlet it leaves with the fewest free threads",
    run: admissionAlgorithm(AdmissionGreedy.earliestDeadlineBestFit)),
  SolverDescriptor(
    name: "p1-greedy-first-fit", problem: .admission, role: .heuristic,
    summary: "Requests in arrival order, each on the first cloudlet where it fits",
    run: admissionAlgorithm(AdmissionGreedy.firstFit)),
]

// MARK: - P2 DNN surgery

private func surgeryInstance(_ instance: ProblemInstance) -> SurgeryInstance? {
  if case .surgery(let body) = instance { body } else { nil }
}

/// Largest model (layers) the P2 ILP is run on: every shipped model fits; it exists to
/// cross-check DSL and measure DSH, not to scale.
public let surgeryILPLayerLimit = 120

/// A P2 solver that returns one partition.
private func surgerySolver(
  _ name: String, _ role: SolverRole, _ summary: String, only objective: SurgeryObjective? = nil,
  _ solve: @escaping @Sendable (SurgeryInstance) -> SurgeryResult
) -> SolverDescriptor {
  SolverDescriptor(
    name: name, problem: .surgery, role: role, summary: summary,
    applies: { instance in surgeryInstance(instance).map { objective == nil || $0.objective == objective } ?? false },
    run: { instance, _ in
      let body = surgeryInstance(instance)!
      let result = solve(body)
      return SolverRun(solution: .surgery(result.partition), claimedObjective: result.stages.value(for: body.objective),
                       provenOptimal: role == .exact, status: "done")
    })
}

let surgerySolvers: [SolverDescriptor] = [
  surgerySolver("p2-dsl", .exact, "DADS DSL: minimum-latency partition as a minimum s-t cut (Dinic)",
                only: .latency, DSL.solve),
  surgerySolver("p2-dsh", .approximation(ratio: 3),
                "DADS DSH: DSL over a refined log grid of (device, server) weights, least largest stage",
                only: .throughput) { DSH.solve($0).result },
  SolverDescriptor(
    name: "p2-ilp", problem: .surgery, role: .exact,
    summary: "GLPK ILP over layer placements and transfer indicators (latency or largest stage)",
    applies: { (surgeryInstance($0)?.model.layers.count ?? .max) <= surgeryILPLayerLimit },
    run: { instance, settings in
      let body = surgeryInstance(instance)!
      let outcome = try SurgeryILP.solve(body, options: SolveOptions(timeLimit: settings.timeLimit))
      return SolverRun(exact: outcome.partition.map(ProblemSolution.surgery), outcome.termination, outcome.bounds)
    }),
  surgerySolver("p2-all-device", .heuristic, "Edge-Only: every layer on the device", SurgeryBaselines.allOnDevice),
  surgerySolver("p2-all-server", .heuristic, "Cloud-Only: every layer on the server", SurgeryBaselines.allOnServer),
  surgerySolver("p2-chain-cut", .heuristic, "Neurosurgeon-style: best prefix of the topological order",
                SurgeryBaselines.bestChainCut),
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
