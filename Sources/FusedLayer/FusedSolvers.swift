import EdgeSplitModel

extension FusedResult {
  /// The decision as an outcome: `optimal` when `proven`, else `finished`.
  func outcome(proven: Bool) -> SolverOutcome<FusedDecision> {
    SolverOutcome(solution: decision, objective: makespan, termination: proven ? .optimal : .finished)
  }
}

extension PSOMW {
  /// Runs the swarm on `instance` with `options.seed` (builds the ``FusedTables``; use
  /// ``solve(_:seed:)`` to reuse them).
  public func solve(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    solve(FusedTables(instance), seed: options.seed).outcome(proven: false)
  }
}

extension FusedBruteForce {
  /// BF on `instance` under `options.timeLimit` (or ``fallbackTimeLimit`` when none is set and
  /// the instance is beyond ``applies(to:)``): `optimal` when it finishes, else `time limit,
  /// feasible` with the best decision so far and a lower bound (``Search/bound``), or
  /// `size limit, feasible` when a tiling is beyond ``searchTileLimit``.
  public static func solve(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    let start = options.started ?? .now
    let tables = FusedTables(instance)
    let limit = options.timeLimit ?? (applies(to: instance) ? nil : fallbackTimeLimit)
    let search = solve(tables, deadline: limit.map { start + .seconds($0) })
    return SolverOutcome(solution: search.best.decision, objective: search.best.makespan, bound: search.bound,
                         termination: search.finished ? .optimal : .feasible(limit: search.limit ?? .time))
  }

  /// NFL on `instance`.
  public static func noFusion(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    noFusion(FusedTables(instance)).outcome(proven: false)
  }

  /// All-local on `instance`.
  public static func allLocal(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    allLocal(FusedTables(instance)).outcome(proven: false)
  }

  /// All-offload on `instance`.
  public static func allOffload(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    allOffload(FusedTables(instance)).outcome(proven: false)
  }
}

/// The P3 solvers.
public enum FusedSolvers {
  public typealias P3Solver = Solver<FusedFamily>

  /// Brute force (exact; beyond its tile limits it stops at the time limit with a lower bound).
  public static let bruteForce = P3Solver(
    name: "p3-bf", role: .exact,
    summary: "brute force over block length, tiling, placement and offloaded order (Johnson when downloads are free); "
      + "finishes up to \(FusedBruteForce.enumerationTileLimit) tiles with a downlink, \(FusedBruteForce.johnsonTileLimit) without; "
      + "beyond, or at --time-limit, stops with its best decision and a lower bound; "
      + "refuses tilings of more than \(FusedBruteForce.searchTileLimit) tiles",
    skip: { FusedBruteForce.refusal(for: $0) }
  ) { instance, options in FusedBruteForce.solve(instance, options: options) }

  /// PSOMW with the default swarm.
  public static let psomw = P3Solver(
    name: "p3-psomw", role: .heuristic, summary: "particle swarm with the minimizing-waiting repair (20 particles, 30 rounds), every (block, tiling) pair seeded, best pairs polished"
  ) { instance, options in PSOMW().solve(instance, options: options) }

  /// NFL.
  public static let noFusion = P3Solver(
    name: "p3-nfl", role: .heuristic, summary: "no fused layers: the best single layer-level cut between device and server"
  ) { instance, options in FusedBruteForce.noFusion(instance, options: options) }

  /// All-local baseline.
  public static let allLocal = P3Solver(
    name: "p3-all-local", role: .heuristic, summary: "baseline: the whole network on the device"
  ) { instance, options in FusedBruteForce.allLocal(instance, options: options) }

  /// All-offload baseline.
  public static let allOffload = P3Solver(
    name: "p3-all-offload", role: .heuristic, summary: "baseline: the raw input uploaded, the whole network on the server"
  ) { instance, options in FusedBruteForce.allOffload(instance, options: options) }

  /// Every solver of this module, in table order.
  public static let all = [bruteForce, psomw, noFusion, allLocal, allOffload]
}
