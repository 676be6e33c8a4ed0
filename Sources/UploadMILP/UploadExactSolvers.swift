import EdgeSplitModel
import Upload

/// The proven P4 optimum as a registered solver, over the `MILPSolver` backend it is built for.
public enum UploadExactSolvers {
  /// The grid search with its lower bound (``UploadGridOptimum``), solving with `backend`.
  public static func gridOptimum(backend: any MILPSolver) -> Solver<UploadFamily> {
    Solver(
      name: "p4-exact", role: .exact,
      summary: "partitions × share grid, two knapsack ILPs (\(backend.id)) refined until solution and lower bound meet",
      skip: UploadGridOptimum.skipReason
    ) { instance, options in try UploadGridOptimum.solve(instance, backend: backend, options: options) }
  }

  /// Every solver of this module, solving with `backend`.
  public static func all(backend: any MILPSolver) -> [Solver<UploadFamily>] { [gridOptimum(backend: backend)] }
}
