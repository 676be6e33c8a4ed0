import EdgeSplitModel

/// The P2 solvers that need no MILP backend (the exact ILP is in `SurgeryMILP`).
public enum SurgerySolvers {
  public typealias P2Solver = Solver<SurgeryFamily>

  /// DSL, exact for the latency objective.
  public static let dsl = P2Solver(
    name: "p2-dsl", role: .exact, summary: "DADS DSL: minimum-latency partition as a minimum s-t cut (exact push-relabel)",
    skip: only(.latency)
  ) { instance, options in DSL.solve(instance, options: options) }

  /// DSH, ratio 3 for the throughput objective.
  public static let dsh = P2Solver(
    name: "p2-dsh", role: .approximation(ratio: 3),
    summary: "DADS DSH: DSL over a refined log grid of (device, server) weights, least largest stage",
    skip: only(.throughput)
  ) { instance, options in DSH.solve(instance, options: options) }

  /// DSH improved by exact local moves: ratio 3, since DSH's partition is one of its starts.
  public static let dshLocal = P2Solver(
    name: "p2-dsh-local", role: .approximation(ratio: 3),
    summary: "DSH, chain cut, all-device and all-server improved by moving closed sets of layers across the cut",
    skip: only(.throughput)
  ) { instance, options in DSHLocal.solve(instance, options: options) }

  /// Edge-Only.
  public static let allOnDevice = baseline("p2-all-device", .allOnDevice, "Edge-Only: every layer on the device")
  /// Cloud-Only.
  public static let allOnServer = baseline("p2-all-server", .allOnServer, "Cloud-Only: every layer on the server")
  /// Neurosurgeon-style chain cut.
  public static let chainCut = baseline("p2-chain-cut", .bestChainCut, "Neurosurgeon-style: best prefix of the topological order")

  /// Every solver of this module, in table order.
  public static let all = [dsl, dsh, dshLocal, allOnDevice, allOnServer, chainCut]

  private static func only(_ objective: SurgeryObjective) -> @Sendable (SurgeryInstance) -> String? {
    { $0.objective == objective ? nil : "solves the \(objective.rawValue) objective only" }
  }

  private static func baseline(_ name: String, _ baseline: SurgeryBaselines.Baseline, _ summary: String) -> P2Solver {
    P2Solver(name: name, role: .heuristic, summary: summary) { instance, options in
      SurgeryBaselines.solve(instance, baseline: baseline, options: options)
    }
  }
}
