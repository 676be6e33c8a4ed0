import EdgeSplitModel
import Upload

/// The proven P4 optimum as a registered solver, over any ``MILPSolver`` backend (GLPK by default).
public enum UploadExactSolvers {
  /// The grid search with its lower bound (``UploadGridOptimum``).
  public static let gridOptimum = Solver<UploadFamily>(
    name: "p4-exact", role: .exact,
    summary: "partitions × share grid, two knapsack ILPs (GLPK by default) refined until solution and lower bound meet",
    skip: UploadGridOptimum.skipReason
  ) { instance, options in try UploadGridOptimum.solve(instance, options: options) }

  /// Every solver of this module.
  public static let all = [gridOptimum]
}
