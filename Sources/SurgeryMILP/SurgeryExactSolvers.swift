import Surgery
import EdgeSplitModel

/// The exact P2 ILP as a registered solver, over any ``MILPSolver`` backend (GLPK by default).
public enum SurgeryExactSolvers {
  /// Largest model (layers) the P2 ILP is run on: every shipped model fits; it exists to
  /// cross-check DSL and measure DSH, not to scale.
  public static let layerLimit = 120

  /// The ILP for the instance's own objective.
  public static let ilp = Solver<SurgeryFamily>(
    name: "p2-ilp", role: .exact,
    summary: "ILP (GLPK by default) over layer placements and transfer indicators (latency or largest stage)",
    skip: { $0.model.layers.count <= layerLimit ? nil : "more than \(layerLimit) layers" }
  ) { instance, options in try SurgeryILP.solve(instance, options: options) }

  /// Every solver of this module.
  public static let all = [ilp]
}
