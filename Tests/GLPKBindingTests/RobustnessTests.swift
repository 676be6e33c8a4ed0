import Foundation
import Dispatch
import GLPKBinding
import Synchronization
import Testing
import _GLPKShims

@Suite("Robustness") struct RobustnessTests {
  @Test func timeLimitStopsHardFeasibilityInstance() throws {
    let model = MarketSplit().feasibilityModel
    // The reason names the time limit: GLPK stopped because of it (no wall-clock assertion here).
    let result = try GLPKSolver.solve(model, options: MILPOptions(timeLimit: 1))
    #expect([.noSolutionFound(limit: .time), .feasible(limit: .time)].contains(result.termination))
    if let values = result.values { #expect(maxViolation(model, values) < 1e-6) }
  }

  @Test func timeLimitKeepsIncumbentAndValidBound() throws {
    let model = MarketSplit().deviationModel
    let result = try GLPKSolver.solve(model, options: MILPOptions(timeLimit: 1))
    // x = 0 is feasible, so GLPK's first incumbent comes at the root: the limit finds one.
    #expect(result.termination == .feasible(limit: .time))
    let values = try #require(result.values)
    #expect(maxViolation(model, values) < 1e-6)
    let primal = try #require(result.bounds.primal)
    #expect(abs(primal - objective(model, values)) < 1e-6)
    let dual = try #require(result.bounds.dual)  // the LP bound (0) is known at once
    #expect(primal <= dual + 1e-9)  // maximize: nothing found beats the proven bound
    #expect(dual <= 1e-9)  // every deviation is nonnegative, so 0 is a valid bound too
  }

  @Test func guardTurnsAbortIntoErrorAndGLPKStillWorks() throws {
    var message = [CChar](repeating: 0, count: 4096)
    let caught = _glpkshims_selftest_out_of_range_column(&message, message.count)
    #expect(caught == 1)
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #expect(text.contains("glp_set_col_bnds"))

    // Same thread, fresh environment: a normal solve must succeed.
    let knapsack = Knapsack()
    let result = try GLPKSolver.solve(knapsack.model())
    #expect(result.termination == .optimal)
    #expect(result.bounds.primal == knapsack.bruteForceOptimum)
  }

  @Test func glpkErrorInsideSolveBecomesErrorOutcome() throws {
    // A duplicate (row, column) entry makes glp_load_matrix raise a fatal error.
    // The Swift layer merges duplicates, so only a direct shim call gets here.
    let columns = [
      _GLPKShimsColumn(
        name: nil, lower: 0, upper: 1, has_lower: 1, has_upper: 1, kind: _GLPKSHIMS_CONTINUOUS, objective: 1)
    ]
    let rows = [_GLPKShimsRow(name: nil, lower: 0, upper: 1, has_lower: 0, has_upper: 1)]
    let indices: [Int32] = [0, 0], coefficients = [1.0, 1.0]
    var options = _GLPKShimsOptions(time_limit_ms: .max, relative_gap: 0, relax_integrality: 0, print_output: 0,
                                    cuts: 0, initial_solution: nil)
    var values = [0.0]
    var message = [CChar](repeating: 0, count: 4096)
    var result = _GLPKShimsResult()
    columns.withUnsafeBufferPointer { columns in
      rows.withUnsafeBufferPointer { rows in
        indices.withUnsafeBufferPointer { indices in
          coefficients.withUnsafeBufferPointer { coefficients in
            var problem = _GLPKShimsProblem(
              column_count: 1, columns: columns.baseAddress, row_count: 1, rows: rows.baseAddress,
              nonzero_count: 2, nonzero_rows: indices.baseAddress, nonzero_columns: indices.baseAddress,
              nonzero_values: coefficients.baseAddress, maximize: 1, objective_constant: 0)
            _glpkshims_solve(&problem, &options, &values, &message, message.count, &result)
          }
        }
      }
    }
    #expect(result.outcome == _GLPKSHIMS_ERROR)
    #expect(result.caught_glpk_error == 1)
    #expect(result.has_solution == 0)
    let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    #expect(text.contains("duplicate indices"))
    #expect(try GLPKSolver.solve(Knapsack().model()).termination == .optimal)
  }

  /// Hundreds of solves overlapping on every core (each solve takes long enough to overlap with
  /// the others: a 30-item knapsack, branch and bound), every result equal to the sequential one.
  @Test func concurrentSolvesMatchSequentialOnes() throws {
    let models = (0..<16).map { Knapsack(items: 30, seed: UInt64($0)).model() }
    let sequential = try models.map { try GLPKSolver.solve($0) }
    let results = Mutex([MILPResult?](repeating: nil, count: 320))
    DispatchQueue.concurrentPerform(iterations: 320) { i in
      let result = try? GLPKSolver.solve(models[i % models.count])
      results.withLock { $0[i] = result }
    }
    for (i, result) in results.withLock({ $0 }).enumerated() {
      let expected = sequential[i % models.count]
      #expect(result?.termination == expected.termination && result?.bounds == expected.bounds && result?.values == expected.values, "solve \(i)")
    }
  }

  /// Thousands of solves (including failing ones) leave the resident memory where it was:
  /// every GLPK environment and problem is freed in the call that made it. The resident size is
  /// the whole test process's, and other suites allocate at the same time, so a batch is measured
  /// up to three times: a leak grows every batch, another suite's allocations do not.
  @Test func memoryDoesNotGrowOverThousandsOfSolves() throws {
    let model = Knapsack(items: 12, seed: 3).model()
    func residentBytes() throws -> Int {
      let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
      return Int(fields[1])! * 4096
    }
    for _ in 0..<200 { _ = try GLPKSolver.solve(model) }
    var growths: [Int] = []
    for _ in 0..<3 {
      let before = try residentBytes()
      for i in 0..<3_000 {
        _ = try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: i % 2 == 0))
      }
      growths.append(try residentBytes() - before)
      if growths.last! < 16 << 20 { break }
    }
    #expect(growths.min()! < 16 << 20, "resident memory grew by \(growths) bytes over each batch of 3,000 solves")
  }

  @Test func silentByDefaultAndLogCapturedOnRequest() throws {
    let model = Knapsack().model()
    // Only errors would reach the log by default, and this solve has none.
    #expect(try GLPKSolver.solve(model).message.isEmpty)
    let logged = try GLPKSolver.solve(model, options: MILPOptions(printSolverOutput: true))
    #expect(logged.message.contains("tree is empty"))  // the branch-and-bound log
  }

  @Test func warningsAreCapturedNotPrinted() throws {
    // On this unbounded LP glp_simplex reports (at error level) that it cannot
    // recover a solution from presolve; the log must hold it, stdout must not.
    var model = MILP(sense: .maximize)
    let x = model.addVariable(objective: 1)
    let y = model.addVariable(objective: 1)
    model.addConstraint(terms: [term(x, 1), term(y, -1)], upperBound: 1)
    let result = try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: true))
    #expect(result.termination == .unbounded)
    #expect(result.message.contains("glp_simplex"))
  }
}
