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
  /// BF on `instance`, proven optimal.
  public static func solve(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    solve(FusedTables(instance)).outcome(proven: true)
  }

  /// NFL on `instance`.
  public static func noFusion(_ instance: FusedInstance, options: SolverOptions = .init()) -> SolverOutcome<FusedDecision> {
    noFusion(FusedTables(instance)).outcome(proven: false)
  }
}

/// The P3 solvers.
public enum FusedSolvers {
  public typealias P3Solver = Solver<FusedFamily>

  /// Brute force (exact, small tilings).
  public static let bruteForce = P3Solver(
    name: "p3-bf", role: .exact,
    summary: "brute force over block length, tiling, placement and offloaded order (Johnson when downloads are free)",
    skip: { FusedBruteForce.applies(to: $0) ? nil : "a tiling has more tiles than brute force enumerates" }
  ) { instance, options in FusedBruteForce.solve(instance, options: options) }

  /// PSOMW with the default swarm.
  public static let psomw = P3Solver(
    name: "p3-psomw", role: .heuristic, summary: "particle swarm with the minimizing-waiting repair (30 particles, 60 rounds)"
  ) { instance, options in PSOMW().solve(instance, options: options) }

  /// NFL.
  public static let noFusion = P3Solver(
    name: "p3-nfl", role: .heuristic, summary: "no fused layers: the best single layer-level cut between device and server"
  ) { instance, options in FusedBruteForce.noFusion(instance, options: options) }

  /// Every solver of this module, in table order.
  public static let all = [bruteForce, psomw, noFusion]
}
