import Admission
import EdgeSplitModel

/// An exact P1 method for the instances where a general MILP stalls: the Lagrangian relaxation
/// of `AdmissionLagrangian` (one exact knapsack per cloudlet) gives a strong bound and an
/// incumbent, Lagrangian variable fixing removes every `(request, cloudlet)` pair that no better
/// solution can use, and the backend's branch and cut proves the rest (the core).
///
/// ## Method
/// 1. **Dual.** Subgradient steps on `L(λ) = Σ λ_r + Σ_c knapsack_c(λ)` with exact knapsacks
///    (dynamic programs over the integer thread capacities, only the candidates that can matter,
///    see `AdmissionLagrangian`) for at most ``dualSteps`` steps and ``dualShare`` of the time
///    limit; the repairs and the local search give the incumbent `z`.
/// 2. **Fixing.** At the best multipliers `λ*`, with `f_c(k)` the optimum of cloudlet `c`'s
///    knapsack within `k` threads, any solution admitting `r` on `c` is worth at most
///    `L(λ*) − f_c(K_c) + (w_r − λ*_r) + f_c(K_c − s(r, c))` (the knapsack of `c` with `r` forced
///    in is at most `r`'s profit plus the best of the others in the remaining threads). When
///    that is at most `z` (for integer weights: below `z + 1`) no better solution uses the pair,
///    and its column is dropped.
/// 3. **Core.** The pruned ILP over the columns left (`AdmissionILP`), started from the
///    incumbent's admissions that survive, with the time that remains.
///
/// The optimum is the better of `z` and the core's optimum: every solution better than `z` lies
/// in the core. So a proven core is a proven optimum, and a stopped one leaves the bound
/// `max(z, min(L(λ*), core bound))`. When `L(λ*)` already meets `z` no program is built.
///
/// Statistics: `lagrangianBound`, `dualSteps`, `fixedColumns` (pairs dropped of `candidates`),
/// `coreRequests` (requests with a column left) and the core program's size and backend.
public enum AdmissionFixing {
  /// Most subgradient steps of the dual phase (it also stops when `μ` vanishes, about 180 steps
  /// without progress).
  public static let dualSteps = 600
  /// Share of the time limit the dual phase may use; the rest is the core's.
  public static let dualShare = 0.25

  /// Solves P1 on `table` exactly, up to `options`' time limit.
  public static func solve(
    _ table: AdmissionTable, backend: any MILPSolver, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<AdmissionSolution> {
    let options = options.startingClock()
    let instance = table.instance
    let integral = instance.requests.allSatisfy { $0.weight == $0.weight.rounded() }
    let dualDeadline = options.timeLimit.map { options.started! + .seconds($0 * dualShare) }
    let dual = AdmissionLagrangian.run(table, exactKnapsacks: true, steps: dualSteps, deadline: dualDeadline)
    let incumbent = dual.solution
    let z = table.weight(of: incumbent)
    var counters = ["dualSteps": Double(dual.steps)]
    // Solutions worth at most `value` cannot beat the incumbent.
    func cannotBeat(_ value: Double) -> Bool {
      let slack = 1e-7 * max(1, abs(value))
      return integral ? (value + slack).rounded(.down) <= z : value + slack <= z
    }
    guard let lambda = dual.multipliers else {
      // No step ran: the local search met the pooled bound (optimal), or nothing fits anywhere.
      let bound = dual.bound ?? table.pooledBound
      counters["lagrangianBound"] = bound
      return outcome(incumbent, z, bound: max(z, bound), optimal: cannotBeat(bound), counters)
    }
    let (profiles, bound) = AdmissionLagrangian.profiles(table, multipliers: lambda)
    counters["lagrangianBound"] = bound
    if cannotBeat(bound) { return outcome(incumbent, z, bound: z, optimal: true, counters) }
    let capacities = instance.cloudlets.map(\.threads)
    var keep = [Bool](repeating: false, count: instance.requests.count * capacities.count)
    var candidates = 0, coreRequests = 0
    for r in instance.requests.indices {
      var kept = false
      for c in capacities.indices {
        guard let s = table.threads(request: r, cloudlet: c), s <= capacities[c] else { continue }
        candidates += 1
        let f = profiles[c]
        let forcedIn = bound - f[capacities[c]] + (instance.requests[r].weight - lambda[r]) + f[capacities[c] - s]
        if !cannotBeat(forcedIn) { (keep[r * capacities.count + c], kept) = (true, true) }
      }
      if kept { coreRequests += 1 }
    }
    let kept = keep.reduce(0) { $1 ? $0 + 1 : $0 }
    counters["candidates"] = Double(candidates)
    counters["fixedColumns"] = Double(candidates - kept)
    counters["coreRequests"] = Double(coreRequests)
    if kept == 0 { return outcome(incumbent, z, bound: z, optimal: true, counters) }
    let isKept = { (r: Int, c: Int) in keep[r * capacities.count + c] }
    let start = AdmissionSolution(admissions: incumbent.admissions.filter { isKept($0.request, $0.cloudlet) })
    let core = try AdmissionILP.solve(table, backend: backend, keep: isKept, start: start, options: options)
    let coreWeight = core.solution.map(table.weight(of:)) ?? 0
    let (solution, weight) = coreWeight > z ? (core.solution!, coreWeight) : (incumbent, z)
    var result = outcome(solution, weight, bound: max(z, min(bound, core.bound ?? bound)),
                         optimal: core.termination == .optimal, counters)
    result.statistics.backend = core.statistics.backend
    result.statistics.columns = core.statistics.columns
    result.statistics.rows = core.statistics.rows
    result.statistics.solveSeconds = core.statistics.solveSeconds
    if !result.isProvenOptimal {
      switch core.termination {
      case .feasible(let limit), .noSolutionFound(let limit): result.termination = .feasible(limit: limit)
      default: result.termination = .feasible(limit: .unspecified)
      }
    }
    return result
  }

  /// The outcome for `solution` (weight `weight`): optimal with bound `weight` when proven, else
  /// feasible at the time limit with `bound`.
  private static func outcome(
    _ solution: AdmissionSolution, _ weight: Double, bound: Double, optimal: Bool, _ counters: [String: Double]
  ) -> SolverOutcome<AdmissionSolution> {
    SolverOutcome(solution: solution, objective: weight, bound: optimal ? weight : bound,
                  termination: optimal ? .optimal : .feasible(limit: .time), statistics: .counters(counters))
  }
}
