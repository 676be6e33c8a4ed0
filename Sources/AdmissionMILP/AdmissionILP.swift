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
  static func program(_ table: AdmissionTable, _ formulation: Formulation, windows: [[Int]]? = nil) -> (MILP, [Column]) {
    let instance = table.instance
    var columns: [Column] = []
    for r in instance.requests.indices {
      for c in instance.cloudlets.indices {
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
    var perRequest = [[MILP.Term]](repeating: [], count: instance.requests.count)
    var perWindow = [[MILP.Term]](repeating: [], count: windowList.count * cloudletCount)
    for column in columns {
      let x = model.addVariable(lowerBound: 0, upperBound: 1, kind: .binary,
                                objective: instance.requests[column.request].weight)
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

  /// The integer program of `table` in `formulation`: one binary per column, maximize the weight.
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
    guard result.termination == .optimal, let value = result.bounds.primal else { return nil }
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
  /// `windows`: see ``model(_:formulation:windows:)``. Statistics: `columns`, `rows`,
  /// `solveSeconds`, the backend and the counter `startObjective` (the start's weight).
  public static func solve(
    _ table: AdmissionTable, backend: any MILPSolver, formulation: Formulation = .pruned,
    windows: [[Int]]? = nil, start: AdmissionSolution? = nil, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<AdmissionSolution> {
    let (model, columns) = program(table, formulation, windows: windows)
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
    var outcome = SolverOutcome(result, solution: solution, model: model, backend: backend)
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
