import Admission
import AdmissionMILP
import EdgeSplitModel
import OnlineAdmission

/// The offline optimum of an online P1 instance: P1's pruned ILP (one binary per feasible
/// `(request, cloudlet)` at its fewest threads, a row per request) with a time-indexed capacity,
/// one row per cloudlet and `OnlineAdmissionInstance.capacityWindows` set of requests present at
/// once, over the `MILPSolver` backend passed in. It knows the whole sequence in advance: every
/// online row is measured against it.
///
/// Fewest threads remain enough: giving a request more threads, or another cut, only takes more
/// of every window it is in.
public enum OnlineAdmissionILP {
  /// The integer program of `instance`.
  public static func model(_ instance: OnlineAdmissionInstance) -> MILP {
    AdmissionILP.model(AdmissionTable(instance.base), windows: instance.capacityWindows)
  }

  /// Solves the offline problem with `backend`, started from the best online rule's solution (or
  /// P1's start when no request departs and it is better: with static capacity both are feasible).
  public static func solve(
    _ instance: OnlineAdmissionInstance, backend: any MILPSolver, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<AdmissionSolution> {
    let table = AdmissionTable(instance.base)
    var starts = OnlineAdmissionSolvers.onlineSolutions(instance, table: table)
    if instance.arrivals.allSatisfy({ $0.holdMs == nil }) { starts.append(AdmissionILP.bestKnownSolution(table)) }
    let start = starts.max { table.weight(of: $0) < table.weight(of: $1) }
    return try AdmissionILP.solve(table, backend: backend, windows: instance.capacityWindows, start: start, options: options)
  }
}

/// The exact online-P1 solver over the backend it is built for.
public enum OnlineAdmissionExactSolvers {
  /// Memory guard: the largest `requests × cloudlets` (columns) the ILP is built for.
  public static let columnLimit = 200_000

  /// The offline optimum (knows every arrival in advance).
  public static func offline(backend: any MILPSolver) -> Solver<OnlineAdmissionFamily> {
    Solver(
      name: "p1o-offline-ilp", role: .exact,
      summary: "Offline optimum: ILP (\(backend.id)) with a time-indexed capacity row per cloudlet and set of requests present at once",
      skip: { AdmissionExactSolvers.columnGuard($0.base, limit: columnLimit) }
    ) { instance, options in try OnlineAdmissionILP.solve(instance, backend: backend, options: options) }
  }

  /// Every solver of this module.
  public static func all(backend: any MILPSolver) -> [Solver<OnlineAdmissionFamily>] { [offline(backend: backend)] }
}
