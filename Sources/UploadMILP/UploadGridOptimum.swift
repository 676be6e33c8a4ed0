import EdgeSplitModel
import Upload

/// The P4 optimum with a proof: a feasible solution and a lower bound on every solution's total
/// latency, from two integer programs over a grid of shares, refined until they meet.
///
/// **Why a grid gives a proof.** Fix a UE and a partition: its replayed completion time is
/// non-increasing in its compute share `f` and in its bandwidth share `b` (a faster server or
/// uplink finishes every item no later; property-tested). So is the UE's best latency over its
/// partitions, `h_i(f, b)`. The optimum is `min Σ h_i(f_i, b_i)` over `Σ f_i <= F`, `Σ b_i <= B`,
/// `b_i <= min(c_i, B)`. Give UE `i` ascending grids `0 = g_0 < g_1 < … < g_K` (ending at `F`,
/// and at `min(c_i, B)` for bandwidth) and pick one grid point per UE:
/// - **Upper bound** (a solution): the point is the share, charged at its value: `Σ g_{k_i} <= F`.
/// - **Lower bound** (a relaxation): round any solution's shares *up* to the grid, `k_i` with
///   `f_i ∈ (g_{k_i − 1}, g_{k_i}]` (or `k_i = 0` for `f_i = 0`): `h_i` can only drop, and the
///   lower ends still fit, `Σ g_{k_i − 1} <= Σ f_i <= F`. So the program charging each point
///   its lower neighbour's value has an optimum at most the true optimum's.
/// Both are multiple-choice knapsacks with two budgets, solved exactly by the backend given. Each round then splits the grid intervals the relaxation chose, so
/// it cannot choose the same again at the same price; the bound rises and the solution improves.
/// The search starts from `p4-overlap`'s solution (`OverlapSearch`) as the incumbent, returns the best solution seen
/// and stops when the two sides agree to `1e-9` (`TerminationReason.optimal`), after
/// ``maxRounds`` rounds once ``refinementSeconds`` have passed (the rounds are cheap where the
/// budgets are contested and few UEs compete, and each one raises the bound), or at the time limit (`TerminationReason.feasible(limit:)` with the proven
/// bound, so the reported gap is an upper bound on the true one).
///
/// **Assumptions.** Parallel uploading: for a fixed decision it finishes every UE no later than
/// serial uploading (property-tested), so the bound holds for both modes. Static shares:
/// instances with `ReallocationPolicy.onRelease` are skipped, since moving released shares
/// to other UEs can beat every static allocation. Every UE's model has at most ``partitionLimit`` partitions
/// (chains: layers + 1), since each grid point replays all of them.
///
/// **Numerics.** Latencies enter the programs in units of `S / 10⁶` with the constant `−10⁶`,
/// `S` the incumbent's total, as in the P2 ILP, so the backend's absolute tolerances are
/// relative to the optimum; points whose latency alone exceeds `S` cannot be in a solution
/// better than the incumbent and are left out, as are points another point beats with no more
/// of either share.
public enum UploadGridOptimum {
  /// Most partitions a UE's model may have.
  public static let partitionLimit = 512
  /// Most timeline replays the first grid may take (partitions × points, summed over UEs), a
  /// proxy for the time the search needs.
  public static let replayLimit = 400_000
  /// Intervals per share in the first grid.
  public static let initialSteps = 8
  /// Refinement rounds after which the search stops, once ``refinementSeconds`` have passed.
  public static let maxRounds = 24
  /// Seconds for which the search keeps refining past ``maxRounds`` while the bound has not met
  /// the solution: the round count alone stops small contested instances after about a second
  /// with the bound still rising (`branch-ues-04`: 2.16 % after 24 rounds).
  public static let refinementSeconds = 6.0
  /// Relative distance at which the solution counts as proven optimal (the harness's agreement).
  public static let optimalityGap = 1e-9

  static let unitsPerScale = 1e6

  /// Why the search does not apply to `instance`, or `nil`.
  public static func skipReason(_ instance: UploadInstance) -> String? {
    if case .failure(let reason) = partitions(of: instance) { return reason.message }
    return nil
  }

  /// Why the search does not apply, as an error value.
  struct SkipReason: Error { let message: String }

  /// Every UE's partitions, or why the search does not apply: reallocation, a model with more
  /// than ``partitionLimit`` partitions, or a first grid needing more than ``replayLimit`` replays.
  static func partitions(of instance: UploadInstance) -> Result<[[[Bool]]], SkipReason> {
    guard instance.reallocation == .none else {
      return .failure(SkipReason(message: "the bound assumes static shares; reallocation '\(instance.reallocation.rawValue)' can beat it"))
    }
    var sets: [[[Bool]]] = []
    for ue in instance.ues {
      guard let ueSets = ue.model.deviceSets(limit: partitionLimit) else {
        return .failure(SkipReason(message: "UE '\(ue.name)' has more than \(partitionLimit) partitions"))
      }
      sets.append(ueSets)
    }
    let replays = sets.reduce(0) { $0 + $1.count * (initialSteps + 1) * (initialSteps + 1) }
    guard replays <= replayLimit else {
      return .failure(SkipReason(message: "the first grid needs \(replays) replays, more than \(replayLimit)"))
    }
    return .success(sets)
  }

  /// The best solution found and the proven lower bound, after at most `rounds` refinements
  /// (by default ``maxRounds``, and more until ``refinementSeconds`` have passed).
  public static func solve(
    _ instance: UploadInstance, backend: any MILPSolver, options: SolverOptions = .init(),
    rounds roundLimit: Int? = nil
  ) throws(MILPValidationError) -> SolverOutcome<UploadSolution> {
    let sets: [[[Bool]]]
    switch partitions(of: instance) {
    case .success(let found): sets = found
    case .failure(let reason): return SolverOutcome(solution: nil, objective: nil, termination: .error(reason.message))
    }
    let clock = options.started ?? .now
    func elapsed() -> Double {
      let duration = ContinuousClock.now - clock
      return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
    var tables = zip(instance.ues, sets).map { ue, partitions in
      ShareTable(ue, partitions: partitions, on: instance, steps: initialSteps)
    }
    // The incumbent: p4-overlap's solution (never worse than MJOA-MU's), then the best grid solution.
    var incumbent = OverlapSearch.solve(instance, options: options).solution!
    var upper = UploadEvaluator.evaluate(incumbent, on: instance).objective
    var lower = 0.0
    var rounds = 0
    var columns = 0
    var termination = TerminationReason.feasible(limit: .rounds)
    func refining() -> Bool {
      guard let roundLimit else { return rounds < maxRounds || elapsed() < refinementSeconds }
      return rounds < roundLimit
    }
    search: while refining() {
      rounds += 1
      for relaxed in [false, true] {
        let remaining = options.timeLimit.map { $0 - elapsed() }
        if let remaining, remaining <= 0 {
          termination = .feasible(limit: .time)
          break search
        }
        let (program, points) = program(tables, on: instance, relaxed: relaxed, scale: upper)
        columns = program.variables.count
        var milpOptions = options.milpOptions
        milpOptions.timeLimit = options.timeLimit.map { max($0 - elapsed(), 0.001) }  // building this round's program counts
        let result = try backend.solve(program, options: milpOptions)
        let chosen = result.values.map { values in points.indices.filter { values[$0] > 0.5 }.map { points[$0] } }
        if !relaxed {
          if let chosen, let solution = gridSolution(chosen, tables, on: instance) {
            let value = UploadEvaluator.evaluate(solution, on: instance).objective
            if value < upper { (incumbent, upper) = (solution, value) }
          }
          continue
        }
        // The relaxation's dual bound is valid whether or not it finished; a relaxation with no
        // point left under the cutoff would mean the incumbent is optimal, which the tolerance
        // on the cutoff rules out, so it leaves the bound unchanged.
        if let dual = result.bounds.dual, dual.isFinite {
          lower = max(lower, (dual + unitsPerScale) * (upper / unitsPerScale))
        }
        // An infinite incumbent proves nothing (inf − bound <= gap × inf would hold).
        if upper.isFinite && upper - lower <= optimalityGap * upper {
          termination = .optimal
          break search
        }
        guard result.termination == .optimal, let chosen else {
          // The relaxation stopped short (a backend limit): the incumbent stands, stopped by that limit.
          termination = switch result.termination {
          case .feasible(let limit), .noSolutionFound(let limit): .feasible(limit: limit)
          default: .feasible(limit: .unspecified)
          }
          break search
        }
        // Halve the intervals the relaxation chose: it cannot buy the same latency as cheaply again.
        var split = false
        for (ue, k, m) in chosen {
          let table = tables[ue]
          if k > 0 && tables[ue].insertCompute((table.compute[k - 1] + table.compute[k]) / 2) { split = true }
          if m > 0 && tables[ue].insertBandwidth((table.bandwidth[m - 1] + table.bandwidth[m]) / 2) { split = true }
        }
        if !split { break search }
      }
    }
    let points = tables.reduce(0) { $0 + $1.compute.count * $1.bandwidth.count }
    return SolverOutcome(
      solution: incumbent, objective: upper, bound: min(lower, upper), termination: termination,
      statistics: SolverStatistics(
        backend: backend.id, columns: columns,
        counters: ["rounds": Double(rounds), "gridPoints": Double(points), "replays": Double(tables.reduce(0) { $0 + $1.replays })]))
  }

  /// The program choosing one grid point per UE, and the (UE, k, m) of each column.
  ///
  /// `relaxed` charges each point its lower neighbours' shares (the lower bound), otherwise its
  /// own (a solution). Latencies are in units of `scale / 10⁶`, minus `10⁶`.
  static func program(
    _ tables: [ShareTable], on instance: UploadInstance, relaxed: Bool, scale: Double
  ) -> (MILP, [(ue: Int, k: Int, m: Int)]) {
    var program = MILP(sense: .minimize, objectiveConstant: -unitsPerScale)
    var points: [(ue: Int, k: Int, m: Int)] = []
    var compute: [MILP.Term] = [], bandwidth: [MILP.Term] = []
    func charge(_ grid: [Double], _ index: Int) -> Double { relaxed ? (index == 0 ? 0 : grid[index - 1]) : grid[index] }
    // A point can be in a solution worth at most `scale` only if its latency leaves room for the
    // others' least latencies (at their largest shares, the latency being non-increasing).
    let floors = tables.map { $0.latency.last!.last! }
    let floorSum = floors.reduce(0, +)
    for (i, table) in tables.enumerated() {
      var choose: [MILP.Term] = []
      for (k, m) in table.candidates(cutoff: scale * (1 + optimalityGap) - (floorSum - floors[i])) {
        let x = program.addVariable(name: "x_\(i)_\(k)_\(m)", kind: .binary,
                                    objective: table.latency[k][m] / scale * unitsPerScale)
        points.append((i, k, m))
        choose.append(.init(variable: x, coefficient: 1))
        compute.append(.init(variable: x, coefficient: charge(table.compute, k)))
        bandwidth.append(.init(variable: x, coefficient: charge(table.bandwidth, m)))
      }
      program.addConstraint(name: "choose_\(i)", terms: choose, lowerBound: 1, upperBound: 1)
    }
    program.addConstraint(name: "compute", terms: compute, upperBound: instance.serverGflops)
    program.addConstraint(name: "bandwidth", terms: bandwidth, upperBound: instance.bandwidthMbps)
    return (program, points)
  }

  /// The decisions at the chosen points; a rounding excess the backend's feasibility tolerance let
  /// through is taken off the largest shares (`ARA.withinBudget(_:budget:)`). `nil` when a UE has no point.
  static func gridSolution(_ chosen: [(ue: Int, k: Int, m: Int)], _ tables: [ShareTable], on instance: UploadInstance) -> UploadSolution? {
    var decisions = [UploadDecision?](repeating: nil, count: tables.count)
    for (ue, k, m) in chosen { decisions[ue] = tables[ue].decision(k, m) }
    guard decisions.allSatisfy({ $0 != nil }) else { return nil }
    var ues = decisions.compactMap { $0 }
    let compute = ARA.withinBudget(ues.map(\.computeGflops), budget: instance.serverGflops)
    let bandwidth = ARA.withinBudget(ues.map(\.bandwidthMbps), budget: instance.bandwidthMbps)
    for i in ues.indices { (ues[i].computeGflops, ues[i].bandwidthMbps) = (compute[i], bandwidth[i]) }
    return UploadSolution(uploading: .parallel, ues: ues)
  }
}
