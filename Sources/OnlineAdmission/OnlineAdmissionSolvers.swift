import Admission
import EdgeSplitModel

extension OnlineAdmissionInstance {
  /// The sets of requests present at once whose admissions must fit on every cloudlet together:
  /// the offline optimum's time-indexed capacity rows.
  ///
  /// The requests present at the `i`-th distinct arrival time `t_i` are those with
  /// `atMs ≤ t_i < departure`. Between two arrivals requests only leave, so checking the capacity
  /// at every arrival checks it at every moment; a set is kept only when one of its requests
  /// departs by the next arrival (else it is contained in the next set), plus the last one.
  public var capacityWindows: [[Int]] {
    let times = fields.arrivals.map(\.atMs)
    var windows: [[Int]] = []
    var start = 0
    while start < times.count {
      var end = start
      while end < times.count && times[end] == times[start] { end += 1 }
      let now = times[start]
      let present = (0..<end).filter { departureMs($0) > now }
      let next = end < times.count ? times[end] : Double.infinity
      if next == .infinity || present.contains(where: { departureMs($0) <= next }) { windows.append(present) }
      start = end
    }
    return windows
  }
}

/// The online P1 solvers that need no MILP backend (the offline optimum is in `OnlineAdmissionMILP`).
public enum OnlineAdmissionSolvers {
  public typealias OnlineSolver = Solver<OnlineAdmissionFamily>

  /// Largest `μ` for which ``pricing`` claims its ratio: `1 / (2 log₂ 256) = 1/16`.
  public static let provenMu = 256.0

  /// Exponential pricing where its competitive ratio is proven: ratio `1/16` (`μ ≤ 256` and every
  /// request at most `1/log₂ μ` of a cloudlet's threads, slotted times); skipped elsewhere.
  public static let pricing = OnlineSolver(
    name: "p1o-pricing", role: .approximation(ratio: 1 / (2 * Double.log2(provenMu))),
    summary: "Exponential pricing (Awerbuch-Azar-Plotkin) where its assumptions hold: competitive ratio 1/(2 log2 mu) >= 1/16",
    skip: { instance in
      PricingParameters(instance, table: AdmissionTable(instance.base)).assumptionFailure(maxMu: provenMu)
        .map { "assumptions of the competitive ratio fail: \($0) (p1o-pricing-heuristic runs instead)" }
    }
  ) { instance, _ in pricingOutcome(instance) }

  /// The same rule on the instances where its assumptions fail: no ratio claimed.
  public static let pricingHeuristic = OnlineSolver(
    name: "p1o-pricing-heuristic", role: .heuristic,
    summary: "Exponential pricing where its competitive ratio's assumptions fail (no ratio claimed)",
    skip: { instance in
      PricingParameters(instance, table: AdmissionTable(instance.base)).assumptionFailure(maxMu: provenMu) == nil
        ? "the ratio's assumptions hold: p1o-pricing runs instead" : nil
    }
  ) { instance, _ in pricingOutcome(instance) }

  /// The fixed-threshold rule.
  public static let threshold = OnlineSolver(
    name: "p1o-threshold", role: .heuristic,
    summary: "Fixed threshold: requests below the geometric-mean value density only while the cloudlet stays half free; best fit"
  ) { instance, _ in finished(instance) { OnlineAdmission.threshold(instance, table: $0) } }

  /// First fit.
  public static let firstFit = greedy("p1o-first-fit", .firstFit, "Every request that fits, on the first cloudlet where it fits")
  /// Best fit.
  public static let bestFit = greedy("p1o-best-fit", .bestFit, "Every request that fits, on the cloudlet it leaves with the fewest free threads")
  /// Fewest threads.
  public static let fewestThreads = greedy("p1o-fewest-threads", .fewestThreads, "Every request that fits, on the cloudlet where it needs the fewest threads")

  /// Every solver of this module, in table order.
  public static let all = [pricing, pricingHeuristic, threshold, firstFit, bestFit, fewestThreads]

  /// Every online rule's solution on `instance` (for the offline ILP's start).
  public static func onlineSolutions(_ instance: OnlineAdmissionInstance, table: AdmissionTable) -> [AdmissionSolution] {
    [OnlineAdmission.pricing(instance, table: table).solution, OnlineAdmission.threshold(instance, table: table)]
      + OnlineAdmission.Greedy.allCases.map { OnlineAdmission.greedy(instance, table: table, rule: $0) }
  }

  private static func pricingOutcome(_ instance: OnlineAdmissionInstance) -> SolverOutcome<AdmissionSolution> {
    let table = AdmissionTable(instance.base)
    let (solution, dual) = OnlineAdmission.pricing(instance, table: table)
    var outcome = SolverOutcome.finished(solution, objective: table.weight(of: solution))
    outcome.statistics.counters["dualBound"] = dual
    return outcome
  }

  private static func finished(_ instance: OnlineAdmissionInstance, _ solve: (AdmissionTable) -> AdmissionSolution) -> SolverOutcome<AdmissionSolution> {
    let table = AdmissionTable(instance.base)
    let solution = solve(table)
    return .finished(solution, objective: table.weight(of: solution))
  }

  private static func greedy(_ name: String, _ rule: OnlineAdmission.Greedy, _ summary: String) -> OnlineSolver {
    OnlineSolver(name: name, role: .heuristic, summary: summary) { instance, _ in
      finished(instance) { OnlineAdmission.greedy(instance, table: $0, rule: rule) }
    }
  }
}
