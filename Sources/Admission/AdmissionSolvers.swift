import EdgeSplitModel

extension AdmissionTable {
  /// The total weight `solution` admits (its objective; not a feasibility check).
  public func weight(of solution: AdmissionSolution) -> Double {
    solution.admissions.reduce(0) { $0 + instance.requests[$1.request].weight }
  }

  /// A cheap upper bound on the optimum: the fractional knapsack of all cloudlets pooled
  /// (`Σ_c K_c` threads), each request sized by its fewest threads on any cloudlet, densest
  /// first. Any solution fits in the pool with sizes at least these, so none admits more; rounded
  /// down when every weight is an integer. Meets the optimum when, e.g., every fitting request
  /// fits at once or the pool fills with requests of equal density.
  /// - Complexity: `O(R · C + R log R)`.
  public var pooledBound: Double {
    let requests = instance.requests
    var items: [(weight: Double, size: Int)] = requests.indices.compactMap { r in
      fewestThreads(request: r).map { (requests[r].weight, $0) }
    }
    items.sort { $0.weight * Double($1.size) > $1.weight * Double($0.size) }
    var room = Double(instance.cloudlets.reduce(0) { $0 + $1.threads }), bound = 0.0
    for item in items where room > 0 && item.weight > 0 {
      let share = min(1, room / Double(item.size))
      bound += share * item.weight
      room -= share * Double(item.size)
    }
    let integral = requests.allSatisfy { $0.weight == $0.weight.rounded() }
    return integral ? (bound + 1e-9 * max(1, bound)).rounded(.down) : bound
  }

  /// `solution` as a finished outcome, with its weight as the claimed objective.
  func finished(_ solution: AdmissionSolution) -> SolverOutcome<AdmissionSolution> {
    .finished(solution, objective: weight(of: solution))
  }
}

extension AdmissionApproximation {
  /// The ½-approximation on `instance` (builds the ``AdmissionTable``; use ``solve(_:)`` to reuse one).
  public static func solve(_ instance: AdmissionInstance, options: SolverOptions = .init()) -> SolverOutcome<AdmissionSolution> {
    let table = AdmissionTable(instance)
    return table.finished(solve(table))
  }
}

extension AdmissionGreedy {
  /// Which greedy rule to run.
  public enum Rule: String, Sendable, CaseIterable {
    case fewestThreadsFirst, earliestDeadlineBestFit, firstFit
  }

  /// The greedy `rule` on a prebuilt table.
  public static func solve(_ table: AdmissionTable, rule: Rule) -> AdmissionSolution {
    switch rule {
    case .fewestThreadsFirst: fewestThreadsFirst(table)
    case .earliestDeadlineBestFit: earliestDeadlineBestFit(table)
    case .firstFit: firstFit(table)
    }
  }

  /// The greedy `rule` on `instance`.
  public static func solve(_ instance: AdmissionInstance, rule: Rule, options: SolverOptions = .init()) -> SolverOutcome<AdmissionSolution> {
    let table = AdmissionTable(instance)
    return table.finished(solve(table, rule: rule))
  }
}

/// The P1 solvers that need no MILP backend (the exact ones are in `AdmissionMILP`).
public enum AdmissionSolvers {
  public typealias P1Solver = Solver<AdmissionFamily>

  /// The local-ratio ½-approximation.
  public static let approximation = P1Solver(
    name: "p1-approx", role: .approximation(ratio: 0.5),
    summary: "Local-ratio GAP scheme: an exact knapsack per cloudlet over the waiting requests (1/2-approximation)"
  ) { instance, options in AdmissionApproximation.solve(instance, options: options) }

  /// The Lagrangian heuristic with local search (no ratio claimed); its Lagrangian bound is the
  /// `lagrangianBound` statistic.
  public static let lagrangian = P1Solver(
    name: "p1-lagrangian", role: .heuristic,
    summary: "Lagrangian relaxation of the one-cloudlet rows (a knapsack per cloudlet), repaired and polished by local search with knapsack repacking and ejections (no ratio claimed)"
  ) { instance, options in
    let table = AdmissionTable(instance)
    let (solution, bound) = AdmissionLagrangian.solve(table)
    var outcome = table.finished(solution)
    if let bound { outcome.statistics.counters["lagrangianBound"] = bound }
    return outcome
  }

  /// Fewest threads first.
  public static let fewestThreadsFirst = greedy(
    "p1-greedy-fewest-threads", .fewestThreadsFirst, "All (request, cloudlet) pairs by ascending thread need, admitted while they fit")
  /// Earliest deadline first, best fit.
  public static let earliestDeadlineBestFit = greedy(
    "p1-greedy-edf-best-fit", .earliestDeadlineBestFit, "Earliest deadline first, each on the cloudlet it leaves with the fewest free threads")
  /// First fit in arrival order.
  public static let firstFit = greedy(
    "p1-greedy-first-fit", .firstFit, "Requests in arrival order, each on the first cloudlet where it fits")

  /// Every solver of this module, in table order.
  public static let all = [approximation, lagrangian, fewestThreadsFirst, earliestDeadlineBestFit, firstFit]

  private static func greedy(_ name: String, _ rule: AdmissionGreedy.Rule, _ summary: String) -> P1Solver {
    P1Solver(name: name, role: .heuristic, summary: summary) { instance, options in
      AdmissionGreedy.solve(instance, rule: rule, options: options)
    }
  }
}
