import EdgeSplitModel
import Admission

/// The exact P1 solver: an integer program solved by GLPK.
///
/// Both formulations have one binary per candidate decision, a row per request (admitted at
/// most once) and a row per cloudlet (threads given out at most `K_c`); the objective is the
/// total weight admitted.
/// - ``Formulation/full``: a column for every `(r, c, p, k)` that meets the deadline.
/// - ``Formulation/pruned``: a column per `(r, c)` with its cheapest thread count only (see
///   `AdmissionTable`). Same optimum, far fewer columns; the tests check they agree.
public enum AdmissionILP {
  /// Which columns the integer program has.
  public enum Formulation: String, Sendable, CaseIterable {
    case full, pruned
  }

  /// A column's meaning.
  struct Column: Hashable {
    var request: Int, cloudlet: Int, devicePrefix: Int, threads: Int
  }

  /// Builds the integer program for `table` in the given formulation; with `windows`, one
  /// capacity row per cloudlet and window instead of one per cloudlet (see ``model(_:formulation:windows:)``).
  /// `keep(r, c)` false leaves out every column of request `r` on cloudlet `c`.
  static func program(
    _ table: AdmissionTable, _ formulation: Formulation, windows: [[Int]]? = nil, keep: ((Int, Int) -> Bool)? = nil
  ) -> (MILP, [Column]) {
    let instance = table.instance
    var columns: [Column] = []
    for r in instance.requests.indices {
      for c in instance.cloudlets.indices where keep?(r, c) ?? true {
        switch formulation {
        case .pruned:
          if let option = table.cheapest(request: r, cloudlet: c) {
            columns.append(Column(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads))
          }
        case .full:
          for p in 0..<table.profiles[instance.modelIndex[r]].count {
            guard let least = table.minimumThreads(request: r, cloudlet: c, devicePrefix: p) else { continue }
            for k in least...instance.cloudlets[c].threads {
              columns.append(Column(request: r, cloudlet: c, devicePrefix: p, threads: k))
            }
          }
        }
      }
    }
    var model = MILP(sense: .maximize)
    // Capacity rows: one per (cloudlet, window); without windows, one window holding every request.
    let windowList = windows ?? [Array(instance.requests.indices)]
    var windowsOf = [[Int]](repeating: [], count: instance.requests.count)
    for (w, members) in windowList.enumerated() { for r in members { windowsOf[r].append(w) } }
    let cloudletCount = instance.cloudlets.count
    let unit = weightUnit(instance)
    var perRequest = [[MILP.Term]](repeating: [], count: instance.requests.count)
    var perWindow = [[MILP.Term]](repeating: [], count: windowList.count * cloudletCount)
    for column in columns {
      let x = model.addVariable(lowerBound: 0, upperBound: 1, kind: .binary,
                                objective: instance.requests[column.request].weight / unit)
      perRequest[column.request].append(MILP.Term(variable: x, coefficient: 1))
      for w in windowsOf[column.request] {
        perWindow[w * cloudletCount + column.cloudlet].append(MILP.Term(variable: x, coefficient: Double(column.threads)))
      }
    }
    for terms in perRequest where !terms.isEmpty {
      model.addConstraint(terms: terms, upperBound: 1)
    }
    for (row, terms) in perWindow.enumerated() where !terms.isEmpty {
      model.addConstraint(terms: terms, upperBound: Double(instance.cloudlets[row % cloudletCount].threads))
    }
    return (model, columns)
  }

  /// Weights below this share of `weightUnit(_:)` are within the backends' tolerances (10⁻⁷,
  /// with a factor 10 to spare): the LP bound adds them rather than trust the simplex with them.
  static let tinyWeightShare = 1e-6

  /// The weight one unit of the programs' objective stands for: 1, or, when every weight is
  /// below 1, the power of two at or below the largest (exact to divide by), so that the largest
  /// objective coefficient is in [1, 2). A backend's tolerances (GLPK's and CBC's 10⁻⁷ on reduced
  /// costs and bounds) then apply relative to the largest weight: a lone request of weight
  /// 3·10⁻⁸ is no longer below them. Weights of 1 and more are left alone, so integral weights
  /// keep an integral objective (GLPK prunes with it).
  static func weightUnit(_ instance: AdmissionInstance) -> Double {
    let largest = instance.requests.map(\.weight).max() ?? 1
    return largest < 1 ? Double(sign: .plus, exponent: largest.exponent, significand: 1) : 1
  }

  /// The integer program of `table` in `formulation`: one binary per column, maximize the weight
  /// (in units of `weightUnit(_:)`).
  ///
  /// `windows` are sets of requests (indices) whose admissions on any one cloudlet must fit in its
  /// threads together: one capacity row per cloudlet and window. `nil` (the default) is one window
  /// holding every request, P1's capacity row; the online family passes the requests present at
  /// once (a time-indexed capacity).
  public static func model(_ table: AdmissionTable, formulation: Formulation = .pruned, windows: [[Int]]? = nil) -> MILP {
    program(table, formulation, windows: windows).0
  }

  /// An upper bound on the P1 optimum: the LP relaxation of the ``Formulation/pruned`` program,
  /// solved by GLPK's simplex.
  ///
  /// Every integer solution is a solution of the relaxation, so the integer optimum is at most
  /// the LP optimum. When every weight is an integer the optimum is an integer too, and the bound
  /// is rounded down (after a `1e-6` allowance for simplex round-off). The pruned relaxation is
  /// used because its integer optimum is the P1 optimum (`AdmissionTable`) and it has one
  /// column per feasible `(r, c)`.
  ///
  /// - Returns: the bound, or `nil` when GLPK stopped without an optimal LP (time limit, error).
  /// - Complexity: one simplex solve on at most `R · C` columns and `R + C` rows.
  public static func relaxationBound(
    _ table: AdmissionTable, backend: any MILPSolver, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> Double? {
    let (model, columns) = program(table, .pruned)
    guard !columns.isEmpty else { return 0 }
    var relaxed = options.milpOptions
    relaxed.relaxIntegrality = true
    let result = try backend.solve(model, options: relaxed)
    guard result.termination == .optimal, let scaled = result.bounds.primal else { return nil }
    // The simplex may leave out a column whose objective coefficient is below its reduced-cost
    // tolerance (10⁻⁷); adding the weights of such requests keeps the bound a bound.
    let unit = weightUnit(table.instance)
    let belowTolerance = table.instance.requests.reduce(0.0) { $1.weight / unit < tinyWeightShare ? $0 + $1.weight : $0 }
    let value = scaled * unit + belowTolerance
    let integral = table.instance.requests.allSatisfy { $0.weight == $0.weight.rounded() }
    // The simplex's error is relative to the value, so is the allowance before rounding down.
    return integral ? (value + 1e-7 * max(1, abs(value))).rounded(.down) : value
  }

  /// Solves P1 exactly on `instance` with `backend` (up to `options`' time limit).
  public static func solve(
    _ instance: AdmissionInstance, backend: any MILPSolver, formulation: Formulation = .pruned,
    options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<AdmissionSolution> {
    try solve(AdmissionTable(instance), backend: backend, formulation: formulation, options: options)
  }

  /// The cut generators the P1 programs ask GLPK for (CBC picks its own). Measured one by one
  /// and in combinations on the 16 hard benchmark instances (README): cover + clique gave the
  /// best shifted geometric mean and the fastest proof on the largest; MIR and Gomory cuts cost
  /// more than they save on these programs.
  public static let cutGenerators: MILPOptions.CutGenerators = [.cover, .clique]

  /// The start handed to the backend: the best of the Lagrangian heuristic (`AdmissionLagrangian`,
  /// whose answer is never below the local search from the ½-approximation) and the greedy rules
  /// on `table`. An answer meeting `AdmissionTable.pooledBound` is optimal and ends the search.
  public static func bestKnownSolution(_ table: AdmissionTable) -> AdmissionSolution {
    // The local search from the approximation first; the subgradient steps only when it is not
    // provably optimal (the heuristic returns it unchanged when it meets the pooled bound).
    let local = AdmissionLagrangian.solve(table).solution
    if table.weight(of: local) >= table.pooledBound - 1e-9 { return local }
    let candidates = [local] + AdmissionGreedy.Rule.allCases.map { AdmissionGreedy.solve(table, rule: $0) }
    return candidates.max { table.weight(of: $0) < table.weight(of: $1) }!
  }

  /// `solution` with every request left out that still fits somewhere admitted (heaviest
  /// first, with its cheapest option, on the first cloudlet with the threads free). Every weight
  /// is positive, so an optimal solution has none; one the backend's tolerances let through (a
  /// weight far below the largest) is added here, and the claim is then checked against the
  /// exact weight (`SolverOutcome.confirmed(by:)`).
  static func filled(_ solution: AdmissionSolution, _ table: AdmissionTable) -> AdmissionSolution {
    let instance = table.instance
    var free = instance.cloudlets.map(\.threads)
    var admitted = Set<Int>()
    for a in solution.admissions {
      free[a.cloudlet] -= a.threads
      admitted.insert(a.request)
    }
    var out = solution
    let rest = instance.requests.indices.filter { !admitted.contains($0) }.sorted { instance.requests[$0].weight > instance.requests[$1].weight }
    for r in rest {
      guard let c = instance.cloudlets.indices.first(where: { (table.threads(request: r, cloudlet: $0) ?? .max) <= free[$0] }),
            let option = table.cheapest(request: r, cloudlet: c) else { continue }
      free[c] -= option.threads
      out.admissions.append(Admission(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads))
    }
    return out
  }

  /// `solution` as values of `columns`, or `nil` if some admission has no column (a plan the
  /// formulation does not contain).
  static func values(of solution: AdmissionSolution, _ columns: [Column]) -> [Double]? {
    let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    var values = [Double](repeating: 0, count: columns.count)
    for a in solution.admissions {
      guard let j = index[Column(request: a.request, cloudlet: a.cloudlet, devicePrefix: a.devicePrefix, threads: a.threads)]
      else { return nil }
      values[j] = 1
    }
    return values
  }

  /// Solves P1 exactly on a prebuilt table.
  ///
  /// An instance where no request fits anywhere has optimum 0 and is answered without a backend.
  /// Otherwise the backend starts from `start` (by default ``bestKnownSolution(_:)``; it must be
  /// feasible for the program) (GLPK with ``cutGenerators``), and a run stopped by a limit always
  /// reports an incumbent at least as good as that start, with the backend's dual bound.
  /// `windows`: see ``model(_:formulation:windows:)``. `keep(r, c)` false leaves out the columns
  /// of request `r` on cloudlet `c` (the program then answers for the rest only).
  /// Statistics: `columns`, `rows`, `solveSeconds`, the backend and the counter
  /// `startObjective` (the start's weight).
  public static func solve(
    _ table: AdmissionTable, backend: any MILPSolver, formulation: Formulation = .pruned,
    windows: [[Int]]? = nil, keep: ((Int, Int) -> Bool)? = nil, start: AdmissionSolution? = nil,
    options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<AdmissionSolution> {
    let (model, columns) = program(table, formulation, windows: windows, keep: keep)
    guard !columns.isEmpty else {
      return SolverOutcome(solution: AdmissionSolution(admissions: []), objective: 0, bound: 0, termination: .optimal,
                           statistics: SolverStatistics(columns: 0))
    }
    let start = start ?? bestKnownSolution(table)
    let startValues = values(of: start, columns)
    var milpOptions = options.milpOptions
    milpOptions.cutGenerators = cutGenerators
    milpOptions.initialSolution = startValues
    let result = try backend.solve(model, options: milpOptions)
    let solution = result.values.map { values in
      AdmissionSolution(admissions: zip(values, columns).compactMap { value, column in
        value > 0.5 ? Admission(request: column.request, cloudlet: column.cloudlet,
                                devicePrefix: column.devicePrefix, threads: column.threads) : nil
      })
    }
    let unit = weightUnit(table.instance)
    var outcome = SolverOutcome(result, solution: solution.map { filled($0, table) }, unit: 1 / unit, model: model, backend: backend)
    if let admitted = outcome.solution {
      let fitting = table.instance.requests.indices.filter { r in table.instance.cloudlets.indices.contains { table.threads(request: r, cloudlet: $0) != nil } }
      if admitted.admissions.count == fitting.count {
        // Every request that fits anywhere is admitted: optimal whatever the backend's tolerances.
        let weight = table.weight(of: admitted)
        outcome.objective = weight
        outcome.bound = weight
        outcome.termination = .optimal
      } else {
        outcome = outcome.confirmed(by: table.weight(of: admitted))
      }
    }
    let startWeight = table.weight(of: start)
    outcome.statistics.counters["startObjective"] = startWeight
    // Stopped by a limit with nothing better than the start (GLPK may stop before its root
    // heuristic call, CBC before reading its MIP start): the start is the incumbent.
    let limit: TerminationReason.Limit? = switch result.termination {
    case .feasible(let limit), .noSolutionFound(let limit): limit
    default: nil
    }
    if let limit, startValues != nil, (outcome.objective ?? -.infinity) < startWeight {
      outcome.solution = start
      outcome.objective = startWeight
      outcome.termination = .feasible(limit: limit)
    }
    return outcome
  }
}
