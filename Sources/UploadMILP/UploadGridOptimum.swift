import EdgeSplitModel
import Upload

/// The P4 optimum with a proof: a feasible solution and a lower bound on every solution's total
/// latency, from an integer program over cells of shares, refined until they meet.
///
/// **Why the cells give a proof.** Fix a UE and a partition: its replayed completion time is
/// non-increasing in its compute share `f` and in its bandwidth share `b` (a faster server or
/// uplink finishes every item no later; property-tested). So is the UE's best latency over its
/// partitions, `h_i(f, b)`. The optimum is `min Σ h_i(f_i, b_i)` over `Σ f_i <= F`, `Σ b_i <= B`,
/// `b_i <= min(c_i, B)`. Give UE `i` ascending grids `0 = g_0 < g_1 < … < g_K` (ending at `F`,
/// and at `min(c_i, B)` for bandwidth); they cut its shares into cells (`ShareTable`). On each
/// cell, each partition's latency lies above tangent planes of its `LatencyMinorant`s, and
/// every other partition's above a constant (`ShareTable/cellPieces(_:_:tangents:)`). The
/// *relaxation* picks per UE a cell, a piece and a point in the cell, charges the point's shares
/// against the budgets and the highest of the piece's planes there as latency. Every solution is
/// such a choice at no more than its latency, so the relaxation's optimum (any dual bound the
/// backend proves for it, or for its linear relaxation) is a lower bound. The relaxation's point
/// is also a feasible allocation: the UEs' best partitions there, replayed, are a solution.
///
/// Each round solves the relaxation (its linear relaxation until that bound stalls, see
/// `stall`), replays its point, polished by `OverlapSearch.polish` when close, as a candidate
/// incumbent, and inserts the point's shares into the grids of the UEs that took one inside a
/// cell, so the next relaxation meets `h_i` there. Tangent planes are exact to second order in the
/// cell's size, where the latency at the cell's largest shares alone is exact to first order only;
/// when the first round's program would keep more than ``tangentPieceLimit`` pieces with planes,
/// every round uses that first-order bound instead, a smaller program. A Lagrangian bound drops
/// pieces that cannot be in a relaxation solution better than the incumbent (`LagrangianFilter`).
/// The search starts from `p4-overlap`'s solution (`OverlapSearch`) as the incumbent, returns the
/// best solution seen and stops when the two sides agree to ``optimalityGap``
/// (`TerminationReason.optimal`), when no relaxation solution is below the incumbent (optimal
/// too), when no chosen cell can be split any more, after ``maxRounds`` rounds once
/// ``refinementSeconds`` have passed, or at the time limit (`TerminationReason.feasible(limit:)`
/// with the proven bound, so the reported gap is an upper bound on the true one). UEs that differ
/// in their name only share one table, and one integer column counts how many of them take a piece.
///
/// **Assumptions.** Parallel uploading: for a fixed decision it finishes every UE no later than
/// serial uploading (property-tested), so the bound holds for both modes. Static shares:
/// instances with `ReallocationPolicy.onRelease` are skipped, since moving released shares
/// to other UEs can beat every static allocation. Every UE's model has at most ``partitionLimit`` partitions
/// (chains: layers + 1), since each grid point replays all of them.
///
/// **Numerics.** Latencies enter the program in units of `S / 10⁶` with the constant `−10⁶`,
/// `S` the incumbent's total, as in the P2 ILP, so the backend's absolute tolerances are
/// relative to the optimum; cells whose latency alone exceeds `S` cannot be in a solution
/// better than the incumbent and are left out, as are cells a grid point beats with no more
/// of either share. A point within `snap` of a cell's side counts as on it.
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
  /// the solution (the time limit, when given, stops it first): the bound keeps rising long after
  /// the round count is reached on contested instances.
  public static let refinementSeconds = 60.0
  /// Relative distance at which the solution counts as proven optimal (the harness's agreement).
  public static let optimalityGap = 1e-9

  static let unitsPerScale = 1e6
  /// A relaxation point this close to a cell's edge, relative to its width, is taken to be on it
  /// when cells are split (the backend's values are exact only to its tolerances).
  static let snap = 1e-6
  /// A linear relaxation round that raises the bound by less than this, relative to the
  /// incumbent, hands over to the integer program.
  static let stall = 1e-5
  /// Relaxation points worth at most this much more than the incumbent, relatively, are polished
  /// by a local search before they compete with it.
  static let polishWindow = 0.01
  /// Most pieces with tangent planes the first round's relaxation may keep; beyond it the
  /// programs would grow too large to solve every round, and cells get the latency at their
  /// largest shares alone.
  public static let tangentPieceLimit = 1500

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
    // UEs alike in all but name share one table: what a round learns about one serves them all.
    var groups: [[Int]] = []
    for i in instance.ues.indices {
      if let g = groups.firstIndex(where: { instance.ues[$0[0]].isAlike(instance.ues[i]) }) { groups[g].append(i) } else { groups.append([i]) }
    }
    var tables = groups.map { ShareTable(instance.ues[$0[0]], partitions: sets[$0[0]], on: instance, steps: initialSteps) }
    // The incumbent: p4-overlap's solution (never worse than MJOA-MU's), then the relaxation's points.
    var incumbent = OverlapSearch.solve(instance, options: options).solution!
    var upper = UploadEvaluator.evaluate(incumbent, on: instance).objective
    var lower = 0.0
    var rounds = 0
    var columns = 0
    var termination = TerminationReason.feasible(limit: .rounds)
    // Rounds solve the relaxation's linear programming relaxation (fast, and its bound is valid)
    // until its bound stalls, then the integer program, which alone can close the gap.
    var integral = false
    // Tangent planes or not is decided once, on the first round's program: switching between
    // rounds would trade a tight relaxation for a loose one.
    var tangents: Bool?
    func refining() -> Bool {
      guard let roundLimit else { return rounds < maxRounds || elapsed() < refinementSeconds }
      return rounds < roundLimit
    }
    while refining() {
      rounds += 1
      if let limit = options.timeLimit, limit - elapsed() <= 0 {
        termination = .feasible(limit: .time)
        break
      }
      let (program, cells, usedTangents) = program(tables, sizes: groups.map(\.count), on: instance, scale: upper, tangents: tangents)
      tangents = usedTangents
      columns = program.variables.count
      var milpOptions = options.milpOptions
      milpOptions.timeLimit = options.timeLimit.map { max($0 - elapsed(), 0.001) }  // building this round's program counts
      milpOptions.relaxIntegrality = !integral
      let previous = lower
      let result = try backend.solve(program, options: milpOptions)
      // The dual bound is valid whether or not the backend finished; a relaxation with no cell
      // left under the cutoff would mean the incumbent is optimal, which the tolerance on the
      // cutoff rules out, so it leaves the bound unchanged.
      if let dual = result.bounds.dual, dual.isFinite {
        lower = max(lower, (dual + unitsPerScale) * (upper / unitsPerScale))
      }
      let points = result.values.map { values in chosenPoints(values, cells, tables) }
      if let points, var solution = pointSolution(points, groups: groups, &tables, on: instance) {
        var value = UploadEvaluator.evaluate(solution, on: instance).objective
        // A point near the incumbent's value is worth a local search (`OverlapSearch`).
        if value < upper * (1 + polishWindow) {
          solution = OverlapSearch.polish(solution, on: instance)
          value = UploadEvaluator.evaluate(solution, on: instance).objective
        }
        if value < upper { (incumbent, upper) = (solution, value) }
      }
      // An infinite incumbent proves nothing (inf − bound <= gap × inf would hold).
      if upper.isFinite && upper - lower <= optimalityGap * upper {
        termination = .optimal
        break
      }
      if result.termination == .infeasible {
        // No relaxation solution within the cutoff, just above the incumbent: it is optimal.
        lower = max(lower, upper / (1 + optimalityGap))
        termination = .optimal
        break
      }
      if !integral && lower - previous <= stall * upper { integral = true }
      guard result.termination == .optimal, let points else {
        // The relaxation stopped short (a backend limit): the incumbent stands, stopped by that limit.
        termination = switch result.termination {
        case .feasible(let limit), .noSolutionFound(let limit): .feasible(limit: limit)
        default: .feasible(limit: .unspecified)
        }
        break
      }
      // Split the cells whose point lies inside (not at a grid share, up to `snap` of the cell's
      // width), at the point: the next relaxation meets `h` there. A point at a cell's smallest
      // shares halves it instead, as that share is on the grid already.
      var split = false
      for point in points {
        let table = tables[point.group]
        let (k, m) = (point.cell.k, point.cell.m)
        let (dx, dy) = table.extent(k, m)
        if point.below.compute > snap * dx {
          let share = point.below.compute < (1 - snap) * dx ? table.compute[k] - point.below.compute : (table.compute[k - 1] + table.compute[k]) / 2
          if tables[point.group].insertCompute(share) { split = true }
        }
        if point.below.bandwidth > snap * dy {
          let share = point.below.bandwidth < (1 - snap) * dy ? table.bandwidth[m] - point.below.bandwidth : (table.bandwidth[m - 1] + table.bandwidth[m]) / 2
          if tables[point.group].insertBandwidth(share) { split = true }
        }
      }
      if !split { break }  // cells too small to split: the incumbent stands, with the bound
    }
    let gridPoints = tables.reduce(0) { $0 + $1.compute.count * $1.bandwidth.count }
    return SolverOutcome(
      solution: incumbent, objective: upper, bound: min(lower, upper), termination: termination,
      statistics: SolverStatistics(
        backend: backend.id, columns: columns,
        counters: ["rounds": Double(rounds), "gridPoints": Double(gridPoints), "replays": Double(tables.reduce(0) { $0 + $1.replays })]))
  }

  /// A relaxation column group: the UEs of group `group` in cell `(k, m)`, with the column
  /// counting them and the columns of the compute and bandwidth they take off the cell's largest
  /// shares in total (`nil` for a cell of width 0).
  struct Cell {
    var group: Int, k: Int, m: Int
    var count: Int
    var computeDown: Int?, bandwidthDown: Int?
  }

  /// One partition's planes (or the constant for the others) on cell `(k, m)` of table `group`,
  /// whose largest shares are `compute` and `bandwidth` and widths `dx`, `dy`.
  struct Piece {
    var group: Int, k: Int, m: Int
    var compute: Double, bandwidth: Double, dx: Double, dy: Double
    var planes: [ShareTable.CellPlane]
  }

  /// The relaxation: for every UE one cell and a point in it, latency the highest of its cell
  /// planes there (``ShareTable/cellPieces(_:_:tangents:)``), shares the point's. `sizes[g]` UEs share table `g`; an
  /// integer column counts those in a cell and two more their total distance below its largest
  /// shares, which the objective and budgets only see summed. Latencies are in units of
  /// `scale / 10⁶`, minus `10⁶`.
  /// `tangents`: whether cells get the partitions' tangent planes (`nil`: when the filtered
  /// pieces with them number at most ``tangentPieceLimit``); returned with the choice made.
  static func program(
    _ tables: [ShareTable], sizes: [Int], on instance: UploadInstance, scale: Double, tangents: Bool? = nil
  ) -> (MILP, [Cell], tangents: Bool) {
    var program = MILP(sense: .minimize, objectiveConstant: -unitsPerScale)
    var cells: [Cell] = []
    var compute: [MILP.Term] = [], bandwidth: [MILP.Term] = []
    let unit = unitsPerScale / scale
    // A cell can be in a solution worth at most `scale` only if its latency leaves room for the
    // others' least latencies (at their largest shares, the latency being non-increasing).
    let floors = tables.map { $0.latency.last!.last! }
    let floorSum = zip(floors, sizes).reduce(0) { $0 + $1.0 * Double($1.1) }
    let cutoff = scale * (1 + optimalityGap)
    func relaxationPieces(tangents: Bool) -> (pieces: [Piece], keep: [Bool]) {
      var pieces: [Piece] = []
      for (g, table) in tables.enumerated() {
        for (k, m) in table.candidates(cutoff: cutoff - (floorSum - floors[g])) {
          let (dx, dy) = table.extent(k, m)
          for planes in table.cellPieces(k, m, tangents: tangents) {
            pieces.append(Piece(group: g, k: k, m: m, compute: table.compute[k], bandwidth: table.bandwidth[m], dx: dx, dy: dy, planes: planes))
          }
        }
      }
      return (pieces, LagrangianFilter(pieces, sizes: sizes, on: instance).keep(cutoff: cutoff))
    }
    var (pieces, keep) = relaxationPieces(tangents: tangents ?? true)
    let usedTangents = tangents ?? (keep.count(where: { $0 }) <= tangentPieceLimit)
    if usedTangents != (tangents ?? true) { (pieces, keep) = relaxationPieces(tangents: usedTangents) }
    var choose = [[MILP.Term]](repeating: [], count: tables.count)
    for (index, piece) in pieces.enumerated() where keep[index] {
      let (g, k, m, planes) = (piece.group, piece.k, piece.m, piece.planes)
      let size = Double(sizes[g])
      let name = "\(g)_\(k)_\(m)_\(index)"
      let single = planes.count == 1
      let n = program.addVariable(name: "n_\(name)", upperBound: size, kind: sizes[g] == 1 ? .binary : .integer,
                                  objective: single ? planes[0].base * unit : 0)
      var cell = Cell(group: g, k: k, m: m, count: n)
      choose[g].append(.init(variable: n, coefficient: 1))
      compute.append(.init(variable: n, coefficient: piece.compute))
      bandwidth.append(.init(variable: n, coefficient: piece.bandwidth))
      // Down to the cell's smallest shares, at most a cell's width per UE in it.
      func down(_ what: String, _ width: Double, _ slope: Double, _ budget: inout [MILP.Term]) -> Int? {
        guard width > 0 else { return nil }
        let x = program.addVariable(name: "\(what)_\(name)", upperBound: width * size, objective: slope * unit)
        budget.append(.init(variable: x, coefficient: -1))
        program.addConstraint(name: "\(what)_in_\(name)", terms: [.init(variable: x, coefficient: 1), .init(variable: n, coefficient: -width)],
                              upperBound: 0)
        return x
      }
      cell.computeDown = down("dx", piece.dx, single ? planes[0].alpha : 0, &compute)
      cell.bandwidthDown = down("dy", piece.dy, single ? planes[0].beta : 0, &bandwidth)
      if !single {
        // The latency of the UEs in the cell, above every plane.
        let latency = program.addVariable(name: "l_\(name)", objective: unit)
        for (q, plane) in planes.enumerated() {
          var terms: [MILP.Term] = [.init(variable: latency, coefficient: 1), .init(variable: n, coefficient: -plane.base)]
          if let x = cell.computeDown { terms.append(.init(variable: x, coefficient: -plane.alpha)) }
          if let y = cell.bandwidthDown { terms.append(.init(variable: y, coefficient: -plane.beta)) }
          program.addConstraint(name: "plane\(q)_\(name)", terms: terms, lowerBound: 0)
        }
      }
      cells.append(cell)
    }
    for (g, terms) in choose.enumerated() {
      program.addConstraint(name: "choose_\(g)", terms: terms, lowerBound: Double(sizes[g]), upperBound: Double(sizes[g]))
    }
    program.addConstraint(name: "compute", terms: compute, upperBound: instance.serverGflops)
    program.addConstraint(name: "bandwidth", terms: bandwidth, upperBound: instance.bandwidthMbps)
    return (program, cells, usedTangents)
  }

  /// A cell the relaxation chose for `weight` UEs of table `group` (fractional in a linear
  /// relaxation), and how far below the cell's largest shares each of them lies (the total split
  /// evenly, which the relaxation cannot tell from any other split).
  struct Point {
    var group: Int
    var cell: (k: Int, m: Int)
    var weight: Double
    var below: (compute: Double, bandwidth: Double)
  }

  /// The cells the relaxation's `values` chose, each point kept within its cell.
  static func chosenPoints(_ values: [Double], _ cells: [Cell], _ tables: [ShareTable]) -> [Point] {
    cells.compactMap { cell in
      let weight = values[cell.count]
      guard weight > 1e-9 else { return nil }
      let (dx, dy) = tables[cell.group].extent(cell.k, cell.m)
      return Point(group: cell.group, cell: (cell.k, cell.m), weight: weight,
                   below: (cell.computeDown.map { min(max(values[$0] / weight, 0), dx) } ?? 0,
                           cell.bandwidthDown.map { min(max(values[$0] / weight, 0), dy) } ?? 0))
    }
  }

  /// The solution at the relaxation's points: each UE's best partition at its shares; a rounding
  /// excess the backend's feasibility tolerance let through is first taken off the largest shares
  /// (`ARA.withinBudget(_:budget:)`). A group's UEs go to its points by rounded weight, largest
  /// remainders first (a linear relaxation's weights are fractional). `nil` when no partition
  /// runs at some UE's shares.
  static func pointSolution(_ points: [Point], groups: [[Int]], _ tables: inout [ShareTable], on instance: UploadInstance) -> UploadSolution? {
    var shares = [(computeGflops: Double, bandwidthMbps: Double)?](repeating: nil, count: instance.ues.count)
    for (g, group) in groups.enumerated() {
      let mine = points.filter { $0.group == g }
      var counts = mine.map { Int($0.weight.rounded(.down)) }
      for p in mine.indices.sorted(by: { mine[$0].weight - Double(counts[$0]) > mine[$1].weight - Double(counts[$1]) })
      where counts.reduce(0, +) < group.count { counts[p] += 1 }
      var members = group[...]
      for (point, count) in zip(mine, counts) {
        let table = tables[g]
        for _ in 0..<count {
          guard let i = members.popFirst() else { break }
          shares[i] = (table.compute[point.cell.k] - point.below.compute, table.bandwidth[point.cell.m] - point.below.bandwidth)
        }
      }
    }
    guard shares.allSatisfy({ $0 != nil }) else { return nil }
    let compute = ARA.withinBudget(shares.map { $0!.computeGflops }, budget: instance.serverGflops)
    let bandwidth = ARA.withinBudget(shares.map { $0!.bandwidthMbps }, budget: instance.bandwidthMbps)
    var table = [Int](repeating: 0, count: instance.ues.count)
    for (g, group) in groups.enumerated() { for i in group { table[i] = g } }
    var ues: [UploadDecision] = []
    for i in instance.ues.indices {
      let best = tables[table[i]].best(computeGflops: compute[i], bandwidthMbps: bandwidth[i])
      guard best.partition >= 0 else { return nil }
      ues.append(UploadDecision(onDevice: tables[table[i]].partitions[best.partition], computeGflops: compute[i], bandwidthMbps: bandwidth[i]))
    }
    return UploadSolution(uploading: .parallel, ues: ues)
  }
}
