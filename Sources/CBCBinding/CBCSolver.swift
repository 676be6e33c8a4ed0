@_exported import Optimization
import _CBCShims

/// Solves `MILP` models with COIN-OR CBC through its C interface (`Cbc_solve`; Clp for the
/// LP relaxation). A second backend beside `GLPKSolver`, under the same rules.
///
/// - **Never aborts.** The model and options go through the same Swift validation as GLPK's
///   (`MILPValidationError` before any C call). CBC is C++: the shim that calls it catches
///   every exception and returns `TerminationReason.error(_:)` with its text.
/// - **Threads.** Each ``solve(_:options:)`` creates, solves and deletes its own model inside
///   one synchronous call. CBC 2.10's driver keeps global state (concurrent solves fail at
///   random), so the shim serializes all CBC solves of the process with one lock: calling
///   from many threads is safe, but they take turns.
/// - **Silent.** Log level 0 (`Cbc_setLogLevel`, `-log 0`, `-slog 0`) unless
///   `MILPOptions.printSolverOutput` is set. Clp still prints a few lines ("5 slacks added")
///   at level 0, so during a silent solve standard output (file descriptor 1, process-wide) is
///   redirected to a temporary file whose text becomes `MILPResult.message` (its tail, with
///   an exception's text at the end).
/// - **Statuses.** `Cbc_status` 0 (finished): `Cbc_isProvenOptimal` with a solution is
///   `TerminationReason.optimal` (also when `Cbc_secondaryStatus` is 2, stopped at the
///   requested gap); `Cbc_isProvenInfeasible` without one is `TerminationReason.infeasible`;
///   secondary status 7 (relaxation unbounded) is told apart by a second solve with a zero
///   objective, as GLPK's `GLP_ENODFS` is (unbounded if a feasible point exists, infeasible
///   if not). `Cbc_status` 1 (stopped): feasible or no solution (whether `Cbc_bestSolution`
///   exists) with limit `.time` for secondary status 4, iteration limit for 8, interrupted for
///   5. Status 5: interrupted. Status 2 (abandoned) and -1 (never reached branch and bound):
///   error. The dual bound is `Cbc_getBestPossibleObjValue` (plus the objective constant),
///   never worse than the incumbent. The LP relaxation (all columns continuous) is optimal
///   when Clp proves it; Clp's "proven infeasible" also covers dual infeasibility, so a second
///   solve with a zero objective tells unbounded from infeasible.
/// - **Options.** `MILPOptions.timeLimit` is CBC's `sec` in wall-clock seconds (`timeMode elapsed`), `MILPOptions.relativeGap`
///   its `ratioGap`, `MILPOptions.initialSolution` a MIP start (`Cbc_setMIPStartI`). CBC
///   runs its own default cut loop and ignores `MILPOptions.cutGenerators`. The time limit
///   does not apply to the LP relaxation (Clp has none through this interface).
public struct CBCSolver: MILPSolver {
  /// A backend value, for formulations and solver lists that take any `MILPSolver`.
  public init() {}

  /// `cbc`.
  public var id: BackendID { .cbc }

  /// The version string of the linked CBC library, e.g. `"2.10.8"`.
  public static var version: String { String(cString: _cbcshims_version()) }

  /// Validates `model` and `options` (the rules of `GLPKSolver.solve(_:options:)`), then
  /// solves synchronously on the calling thread.
  ///
  /// - Throws: `MILPValidationError` before CBC is called, if the model or options are
  ///   invalid. Solver failures are reported as `TerminationReason.error(_:)`.
  public func solve(_ model: MILP, options: MILPOptions) throws(MILPValidationError) -> MILPResult {
    let prepared = try model.prepared(options: options)
    let n = model.variables.count
    let lower = model.variables.map { v in v.lowerBound ?? (v.kind == .binary ? 0 : -.infinity) }
    let upper = model.variables.map { v in v.upperBound ?? (v.kind == .binary ? 1 : .infinity) }
    let objective = model.variables.map(\.objective)
    let isInteger = model.variables.map { CChar($0.kind == .continuous ? 0 : 1) }
    let rowLower = model.constraints.map { $0.lowerBound ?? -.infinity }
    let rowUpper = model.constraints.map { $0.upperBound ?? .infinity }
    var values = [Double](repeating: 0, count: n)
    var message = [CChar](repeating: 0, count: 1 << 16)
    var raw = _CBCShimsResult()

    let clock = ContinuousClock()
    let start = clock.now
    lower.withUnsafeBufferPointer { lower in
      upper.withUnsafeBufferPointer { upper in
        objective.withUnsafeBufferPointer { objective in
          isInteger.withUnsafeBufferPointer { isInteger in
            rowLower.withUnsafeBufferPointer { rowLower in
              rowUpper.withUnsafeBufferPointer { rowUpper in
                prepared.rows.withUnsafeBufferPointer { rows in
                  prepared.columns.withUnsafeBufferPointer { columns in
                    prepared.values.withUnsafeBufferPointer { coefficients in
                      prepared.initialSolution.withUnsafeBufferPointer { initial in
                        var problem = _CBCShimsProblem(
                          column_count: Int32(n), column_lower: lower.baseAddress, column_upper: upper.baseAddress,
                          objective: objective.baseAddress, is_integer: isInteger.baseAddress,
                          row_count: Int32(rowLower.count), row_lower: rowLower.baseAddress,
                          row_upper: rowUpper.baseAddress, nonzero_count: Int32(coefficients.count),
                          nonzero_rows: rows.baseAddress, nonzero_columns: columns.baseAddress,
                          nonzero_values: coefficients.baseAddress, maximize: model.sense == .maximize ? 1 : 0,
                          objective_constant: model.objectiveConstant)
                        var cOptions = _CBCShimsOptions(
                          time_limit_seconds: options.timeLimit ?? 0, relative_gap: options.relativeGap,
                          relax_integrality: options.relaxIntegrality ? 1 : 0,
                          print_output: options.printSolverOutput ? 1 : 0,
                          initial_solution: prepared.initialSolution.isEmpty ? nil : initial.baseAddress)
                        values.withUnsafeMutableBufferPointer { values in
                          message.withUnsafeMutableBufferPointer { message in
                            _cbcshims_solve(&problem, &cOptions, values.baseAddress, message.baseAddress,
                                            message.count, &raw)
                          }
                        }
                      }
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
    let context = (raw.status >= 0 ? " [Cbc_status \(raw.status), secondary \(raw.secondary_status)]" : "")
      + (log.isEmpty ? "" : "\n" + log)
    let termination = ShimOutcome(outcome: raw.outcome, limit: raw.limit, detail: raw.detail)
      .termination(failure: "CBC failed", context: context)
    var bounds = ObjectiveBounds(primal: raw.has_solution != 0 ? raw.objective : nil,
                                 dual: raw.has_dual_bound != 0 ? raw.dual_bound : nil)
    if termination == .unbounded { bounds = PreparedModel.unboundedBounds(model.sense) }
    return MILPResult(termination: termination, bounds: bounds, values: raw.has_solution != 0 ? values : nil,
                      solveSeconds: seconds(elapsed), message: log)
  }
}

extension BackendID {
  /// CBC, through ``CBCSolver``.
  public static let cbc = BackendID(rawValue: "cbc")
}
