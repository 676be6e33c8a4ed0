import Surgery
import EdgeSplitModel

/// The exact P2 ILP as a registered solver, over the `MILPSolver` backend it is built for.
public enum SurgeryExactSolvers {
  /// Largest model (layers) the P2 ILP is run on: every shipped model fits; it exists to
  /// cross-check DSL and measure DSH, not to scale.
  public static let layerLimit = 120

  /// The ILP for the instance's own objective, solved by `backend`.
  public static func ilp(backend: any MILPSolver) -> Solver<SurgeryFamily> {
    Solver(
      name: "p2-ilp", role: .exact,
      summary: "ILP (\(backend.id)) over layer placements and transfer indicators (latency or largest stage)",
      skip: { $0.model.layers.count <= layerLimit ? nil : "more than \(layerLimit) layers" }
    ) { instance, options in try SurgeryILP.solve(instance, backend: backend, options: options) }
  }

  /// Every solver of this module, solving with `backend`.
  public static func all(backend: any MILPSolver) -> [Solver<SurgeryFamily>] { [ilp(backend: backend)] }
}
