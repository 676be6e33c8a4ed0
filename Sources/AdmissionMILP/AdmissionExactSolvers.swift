import Admission
import EdgeSplitModel

/// The exact P1 solvers and the LP bound, over the `MILPSolver` backend they are built for.
public enum AdmissionExactSolvers {
  public typealias P1Solver = Solver<AdmissionFamily>

  /// Largest instance (requests) the full formulation is run on: it has a column per
  /// `(r, c, p, k)` and exists to cross-check the pruned one, not to scale.
  public static let fullRequestLimit = 60
  /// Largest column count (requests × Σ threads × layers, an upper bound) of the full formulation.
  public static let fullColumnLimit = 2_000_000
  /// Memory guard of the pruned ILP: the largest `requests × cloudlets` (its column count at
  /// most) it is built for. How far the solve goes is the time limit's decision, not this.
  public static let prunedColumnLimit = 1_000_000
  /// Largest instance (requests) the LP bound is computed on. The simplex on the pruned program
  /// (one column per feasible `(r, c)`, at most `R · C`) took about 1 s on the shipped 2,500 × 60
  /// instance; the 100,000 × 100 instance (up to 10^7 columns) is beyond what it is meant for.
  public static let lpBoundRequestLimit = 5_000

  /// Why the pruned ILP (or one built like it, such as the online family's) is not built for
  /// `instance`: more than `limit` possible columns (`requests × cloudlets`); `nil` when it is.
  public static func columnGuard(_ instance: AdmissionInstance, limit: Int = prunedColumnLimit) -> String? {
    let columns = instance.requests.count * instance.cloudlets.count
    return columns <= limit ? nil : "up to \(columns) columns, more than \(limit)"
  }

  /// The pruned ILP: one column per `(request, cloudlet)` at its cheapest thread count.
  public static func pruned(backend: any MILPSolver) -> P1Solver {
    P1Solver(
      name: "p1-ilp-pruned", role: .exact,
      summary: "ILP (\(backend.id)), one column per (request, cloudlet) at its cheapest thread count",
      skip: { columnGuard($0) }
    ) { instance, options in try AdmissionILP.solve(instance, backend: backend, formulation: .pruned, options: options) }
  }

  /// Lagrangian variable fixing, then the pruned ILP on the core (`AdmissionFixing`).
  public static func lagrangianExact(backend: any MILPSolver) -> P1Solver {
    P1Solver(
      name: "p1-lagrangian-exact", role: .exact,
      summary: "Lagrangian bound (exact knapsack per cloudlet), variable fixing, then the pruned ILP (\(backend.id)) on the columns left",
      skip: { columnGuard($0) }
    ) { instance, options in try AdmissionFixing.solve(AdmissionTable(instance), backend: backend, options: options) }
  }

  /// The full ILP over every `(request, cloudlet, partition, threads)` meeting the deadline.
  public static func full(backend: any MILPSolver) -> P1Solver {
    P1Solver(
      name: "p1-ilp-full", role: .exact,
      summary: "ILP (\(backend.id)) over every (request, cloudlet, partition, threads) meeting the deadline",
      skip: { instance in
        guard instance.requests.count <= fullRequestLimit else { return "more than \(fullRequestLimit) requests" }
        // At most one column per (request, cloudlet, prefix, threads): keep the model bounded.
        let columns = instance.requests.count * instance.cloudlets.reduce(0) { $0 + $1.threads }
          * (instance.models.map(\.layers.count).max() ?? 0)
        return columns <= fullColumnLimit ? nil : "up to \(columns) columns, more than \(fullColumnLimit)"
      }
    ) { instance, options in try AdmissionILP.solve(instance, backend: backend, formulation: .full, options: options) }
  }

  /// The LP relaxation of the pruned ILP: an upper bound only.
  public static func lpBound(backend: any MILPSolver) -> P1Solver {
    P1Solver(
      name: "p1-lp-bound", role: .bound,
      summary: "LP relaxation of the pruned ILP (\(backend.id) simplex): an upper bound, rounded down for integer weights",
      skip: { $0.requests.count <= lpBoundRequestLimit ? nil : "more than \(lpBoundRequestLimit) requests" }
    ) { instance, options in
      let bound = try AdmissionILP.relaxationBound(AdmissionTable(instance), backend: backend, options: options)
      return SolverOutcome(solution: nil, objective: nil, bound: bound,
                           termination: bound == nil ? .noSolutionFound(limit: .unspecified) : .optimal)
    }
  }

  /// Every solver of this module, solving with `backend`, in table order.
  public static func all(backend: any MILPSolver) -> [P1Solver] {
    [pruned(backend: backend), lagrangianExact(backend: backend), full(backend: backend), lpBound(backend: backend)]
  }
}
