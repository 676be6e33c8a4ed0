@_exported import Optimization
import _GLPKShims

/// Solves `MILP` models with GLPK (`glp_intopt`, or `glp_simplex` for the LP
/// relaxation).
///
/// - **Threads.** GLPK is not reentrant, but the build linked here keeps its
///   environment (allocator, hooks, terminal settings) per OS thread. Each
///   `solve(_:options:)` creates, solves and frees its problem inside one
///   synchronous C call, so concurrent solves from different threads are safe,
///   and a solve never straddles an `await` (a task cannot hop threads midway).
///   There is deliberately no GLPK object with a `deinit` that could free it
///   from the wrong thread. From async code, call it like any blocking function.
/// - **Never aborts.** Bad input is rejected in Swift with
///   `MILPValidationError`. If GLPK still raises a fatal error, an error hook
///   frees GLPK's environment on that thread (GLPK requires this) and the solve
///   returns `TerminationReason.error(_:)` with GLPK's text. This also frees
///   any other GLPK objects created on that thread outside this module. The
///   environment is otherwise left allocated for reuse by the thread.
/// - **Silent.** GLPK's log is captured into `MILPResult.message`; nothing is
///   printed unless `MILPOptions.printSolverOutput` is set.
/// - **Statuses.** GLPK's return code and solution status map to
///   `TerminationReason` as follows. `GLP_EMIPGAP`: optimal within the
///   requested gap. `GLP_ETMLIM`: feasible or no solution found, with limit
///   `.time`, according to `glp_mip_status`. `GLP_ENOPFS`: infeasible.
///   `GLP_ENODFS` only says the relaxation is dual infeasible, which can also
///   mean an infeasible model (`2x - 2y = 1` over the integers). So the solver
///   solves again with a zero objective: unbounded if that finds a feasible
///   point, infeasible if it proves there is none. That test gets the rest of
///   the time limit (10 s without one) and reports `.noSolutionFound` if it
///   runs out. `GLP_EFAIL`, `GLP_EBOUND` and the like: error.
/// - **Presolve, cuts, start.** Presolve is always on. `MILPOptions.cutGenerators` picks
///   GLPK's cut generators (`gmi_cuts`, `mir_cuts`, `cov_cuts`, `clq_cuts`). With
///   `MILPOptions.initialSolution` the relaxation is solved first by the (presolving)
///   simplex and the branch and cut starts from its basis, so that its problem keeps the
///   caller's columns and `glp_ios_heur_sol` can install the start as the first incumbent.
public struct GLPKSolver: MILPSolver {
  /// A backend value, for formulations and solver lists that take any `MILPSolver`.
  public init() {}

  /// `glpk`.
  public var id: BackendID { .glpk }

  /// The same as ``solve(_:options:)-swift.type.method``: the `MILPSolver` entry point.
  public func solve(_ model: MILP, options: MILPOptions) throws(MILPValidationError) -> MILPResult {
    try Self.solve(model, options: options)
  }

  /// The version string of the linked GLPK library, e.g. `"5.0"`.
  public static var version: String { String(cString: _glpkshims_version()) }

  /// How much of GLPK's log a result keeps (the tail, if longer).
  static let messageCapacity = 1 << 16

  /// Validates `model` and `options`, then solves synchronously on the calling
  /// thread.
  ///
  /// Validation rejects out-of-range term indices, NaN or infinite numbers
  /// (a missing bound is `nil`), lower bounds above upper bounds, names GLPK
  /// would refuse, fractional bounds on integer or binary variables (never
  /// rounded), binary bounds outside [0, 1], and out-of-range options. Terms
  /// repeating a variable within a constraint are summed. A model without
  /// variables is valid: its optimum is `MILP.objectiveConstant`, unless a
  /// constraint excludes 0, in which case it is infeasible.
  ///
  /// - Throws: `MILPValidationError` before GLPK is called, if the model or
  ///   options are invalid. Solver failures are not thrown; they are reported
  ///   as `TerminationReason.error(_:)`.
  public static func solve(_ model: MILP, options: MILPOptions = .init()) throws(MILPValidationError)
    -> MILPResult
  {
    let prepared = try model.prepared(options: options)
    var values = [Double](repeating: 0, count: model.variables.count)
    var message = [CChar](repeating: 0, count: messageCapacity)
    var raw = _GLPKShimsResult()
    let clock = ContinuousClock()
    let start = clock.now
    prepared.names.withUnsafeBufferPointer { names in
      let columns = model.variables.enumerated().map { j, v in
        _GLPKShimsColumn(
          name: names.baseAddress! + prepared.columnNameOffsets[j],
          lower: v.lowerBound ?? 0, upper: v.upperBound ?? 0,
          has_lower: v.lowerBound == nil ? 0 : 1, has_upper: v.upperBound == nil ? 0 : 1,
          kind: v.kind.shimCode, objective: v.objective)
      }
      let rows = model.constraints.enumerated().map { i, c in
        _GLPKShimsRow(
          name: names.baseAddress! + prepared.rowNameOffsets[i],
          lower: c.lowerBound ?? 0, upper: c.upperBound ?? 0,
          has_lower: c.lowerBound == nil ? 0 : 1, has_upper: c.upperBound == nil ? 0 : 1)
      }
      columns.withUnsafeBufferPointer { columns in
        rows.withUnsafeBufferPointer { rows in
          prepared.rows.withUnsafeBufferPointer { ia in
            prepared.columns.withUnsafeBufferPointer { ja in
              prepared.values.withUnsafeBufferPointer { ar in
                prepared.initialSolution.withUnsafeBufferPointer { initial in
                  var problem = _GLPKShimsProblem(
                    column_count: Int32(columns.count), columns: columns.baseAddress,
                    row_count: Int32(rows.count), rows: rows.baseAddress,
                    nonzero_count: Int32(ar.count), nonzero_rows: ia.baseAddress,
                    nonzero_columns: ja.baseAddress, nonzero_values: ar.baseAddress,
                    maximize: model.sense == .maximize ? 1 : 0, objective_constant: model.objectiveConstant)
                  var cOptions = _GLPKShimsOptions(
                    time_limit_ms: prepared.timeLimitMilliseconds, relative_gap: options.relativeGap,
                    relax_integrality: options.relaxIntegrality ? 1 : 0, print_output: options.printSolverOutput ? 1 : 0,
                    cuts: Int32(options.cutGenerators.rawValue),
                    initial_solution: initial.isEmpty ? nil : initial.baseAddress)
                  values.withUnsafeMutableBufferPointer { values in
                    message.withUnsafeMutableBufferPointer { message in
                      _glpkshims_solve(
                        &problem, &cOptions, values.baseAddress, message.baseAddress, message.count, &raw)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let elapsed = start.duration(to: clock.now)

    let log = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var context = raw.glp_return > 0 ? " [return code \(raw.glp_return), status \(raw.status)]" : ""
    if !log.isEmpty { context += "\n" + log }
    let termination = ShimOutcome(outcome: raw.outcome, limit: raw.limit, detail: raw.detail)
      .termination(failure: "GLPK failed", context: context)
    var bounds = ObjectiveBounds(
      primal: raw.has_solution != 0 ? raw.objective : nil,
      dual: raw.has_dual_bound != 0 ? raw.dual_bound : nil)
    if termination == .unbounded { bounds = PreparedModel.unboundedBounds(model.sense) }
    return MILPResult(
      termination: termination, bounds: bounds, values: raw.has_solution != 0 ? values : nil,
      solveSeconds: seconds(elapsed),
      message: log)
  }
}

extension MILP.VariableKind {
  fileprivate var shimCode: Int32 {
    switch self {
    case .continuous: _GLPKSHIMS_CONTINUOUS
    case .integer: _GLPKSHIMS_INTEGER
    case .binary: _GLPKSHIMS_BINARY
    }
  }
}

extension BackendID {
  /// GLPK, through ``GLPKSolver``.
  public static let glpk = BackendID(rawValue: "glpk")
}
