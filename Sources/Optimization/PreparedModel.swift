/// A validated model in the shape the backends' C shims want: names packed into one
/// NUL-separated buffer, the matrix as merged, zero-free 0-based triplets in row order.
/// Shared by every backend in this package (GLPK, CBC), so each validates the same way.
package struct PreparedModel {
  /// Starts with a lone NUL, so offset 0 is the empty name.
  package var names: [CChar] = [0]
  package var columnNameOffsets: [Int] = []
  package var rowNameOffsets: [Int] = []
  package var rows: [Int32] = []
  package var columns: [Int32] = []
  package var values: [Double] = []
  package var timeLimitMilliseconds: Int32 = .max
  /// ``MILPOptions/initialSolution``, checked feasible, or empty when none was given.
  package var initialSolution: [Double] = []
}

// GLPK's own limits (M_MAX, N_MAX, NNZ_MAX in its sources); beyond them it aborts. CBC's indices
// are 32-bit too, so the same limits keep both backends safe.
private let maxRowsOrColumns = 100_000_000
private let maxNonzeros = 500_000_000

private func label(_ what: String, _ index: Int, _ name: String) -> String {
  name.isEmpty ? "\(what) \(index)" : "\(what) \(index) \"\(name)\""
}

private func check(_ condition: Bool, _ kind: MILPValidationError.Kind, _ message: @autoclosure () -> String)
  throws(MILPValidationError)
{
  if !condition { throw MILPValidationError(kind, message()) }
}

/// GLPK rejects names over 255 bytes and names with control characters.
private func checkName(_ name: String, of what: String) throws(MILPValidationError) {
  try check(name.utf8.count <= 255, .invalidName, "\(what): name is longer than 255 UTF-8 bytes")
  try check(!name.utf8.contains { $0 < 0x20 || $0 == 0x7F }, .invalidName, "\(what): name contains a control character")
}

private func checkBounds(_ lower: Double?, _ upper: Double?, of what: String) throws(MILPValidationError) {
  if let lower { try check(lower.isFinite, .nonFiniteNumber, "\(what): lower bound is \(lower); use nil for none") }
  if let upper { try check(upper.isFinite, .nonFiniteNumber, "\(what): upper bound is \(upper); use nil for none") }
  if let lower, let upper {
    try check(lower <= upper, .inconsistentBounds, "\(what): lower bound \(lower) exceeds upper bound \(upper)")
  }
}

extension MILPOptions {
  /// The time limit in GLPK's unit: milliseconds, rounded up, capped at `Int32.max`.
  package func validatedTimeLimitMilliseconds() throws(MILPValidationError) -> Int32 {
    try check(relativeGap.isFinite && relativeGap >= 0, .invalidOption,
              "relativeGap must be finite and nonnegative, got \(relativeGap)")
    guard let timeLimit else { return .max }
    try check(timeLimit.isFinite && timeLimit > 0, .invalidOption,
              "timeLimit must be finite and positive, got \(timeLimit)")
    return Int32(min((timeLimit * 1000).rounded(.up), Double(Int32.max)))
  }
}

extension MILP {
  /// Checks everything a backend would abort on or silently reinterpret (the rules
  /// are listed on `GLPKSolver.solve(_:options:)`), and that
  /// ``MILPOptions/initialSolution`` is a feasible point. Backends handle empty models.
  package func prepared(options: MILPOptions) throws(MILPValidationError) -> PreparedModel {
    var out = PreparedModel()
    out.timeLimitMilliseconds = try options.validatedTimeLimitMilliseconds()
    try check(objectiveConstant.isFinite, .nonFiniteNumber, "objective constant is \(objectiveConstant)")
    try check(variables.count <= maxRowsOrColumns, .modelTooLarge, "\(variables.count) variables exceed GLPK's limit")
    try check(constraints.count <= maxRowsOrColumns, .modelTooLarge,
              "\(constraints.count) constraints exceed GLPK's limit")

    for (j, variable) in variables.enumerated() {
      let what = label("variable", j, variable.name)
      try checkName(variable.name, of: what)
      try check(variable.objective.isFinite, .nonFiniteNumber, "\(what): objective coefficient is \(variable.objective)")
      try checkBounds(variable.lowerBound, variable.upperBound, of: what)
      if variable.kind != .continuous {
        for bound in [variable.lowerBound, variable.upperBound].compactMap({ $0 }) {
          try check(bound.rounded() == bound, .fractionalIntegerBound,
                    "\(what): bound \(bound) of an integer variable is fractional")
        }
      }
      if variable.kind == .binary {
        let lower = variable.lowerBound ?? 0, upper = variable.upperBound ?? 1
        try check(lower >= 0 && upper <= 1 && lower <= upper, .binaryBoundOutOfRange,
                  "\(what): binary bounds [\(lower), \(upper)] are not within [0, 1]")
      }
      out.columnNameOffsets.append(out.append(name: variable.name))
    }

    // slot[v]: where variable v's entry sits in `values`, valid when slotRow[v] is the current
    // row (an offset alone is not enough: dropping a row's zeros shifts the next row's start
    // below offsets the dropped entries had).
    var slot = [Int](repeating: -1, count: variables.count)
    var slotRow = [Int](repeating: -1, count: variables.count)
    for (i, constraint) in constraints.enumerated() {
      let what = label("constraint", i, constraint.name)
      try checkName(constraint.name, of: what)
      try checkBounds(constraint.lowerBound, constraint.upperBound, of: what)
      let start = out.values.count
      for (k, term) in constraint.terms.enumerated() {
        try check(variables.indices.contains(term.variable), .variableIndexOutOfRange,
                  "\(what): term \(k) names variable \(term.variable), but the model has \(variables.count)")
        try check(term.coefficient.isFinite, .nonFiniteNumber, "\(what): term \(k) has coefficient \(term.coefficient)")
        if slotRow[term.variable] == i {
          out.values[slot[term.variable]] += term.coefficient  // a repeated variable: sum
        } else {
          slot[term.variable] = out.values.count
          slotRow[term.variable] = i
          out.rows.append(Int32(i))
          out.columns.append(Int32(term.variable))
          out.values.append(term.coefficient)
        }
      }
      try out.dropZeros(from: start, of: what, variables: variables)
      try check(out.values.count <= maxNonzeros, .modelTooLarge, "more than \(maxNonzeros) nonzero coefficients")
      out.rowNameOffsets.append(out.append(name: constraint.name))
    }
    if let start = options.initialSolution, !options.relaxIntegrality {
      try checkInitialSolution(start, matrix: out)
      out.initialSolution = start
    }
    return out
  }

  /// Absolute-plus-relative slack allowed when checking a given start against bounds and rows.
  private static let startTolerance = 1e-6

  /// A start a backend would accept must have one finite value per variable, within its bounds,
  /// integral where required, and satisfy every row (backends trust it without checking rows).
  private func checkInitialSolution(_ x: [Double], matrix: PreparedModel) throws(MILPValidationError) {
    try check(x.count == variables.count, .invalidOption,
              "initialSolution has \(x.count) values, but the model has \(variables.count) variables")
    func within(_ value: Double, _ lower: Double?, _ upper: Double?) -> Bool {
      let slack = Self.startTolerance * max(1, abs(value))
      return (lower.map { value >= $0 - slack } ?? true) && (upper.map { value <= $0 + slack } ?? true)
    }
    for (j, variable) in variables.enumerated() {
      let what = "initialSolution: " + label("variable", j, variable.name)
      try check(x[j].isFinite, .invalidOption, "\(what) is \(x[j])")
      let upper = variable.kind == .binary ? (variable.upperBound ?? 1) : variable.upperBound
      let lower = variable.kind == .binary ? (variable.lowerBound ?? 0) : variable.lowerBound
      try check(within(x[j], lower, upper), .invalidOption, "\(what) = \(x[j]) is outside its bounds")
      if variable.kind != .continuous {
        try check(abs(x[j] - x[j].rounded()) <= Self.startTolerance, .invalidOption, "\(what) = \(x[j]) is not integral")
      }
    }
    var activity = [Double](repeating: 0, count: constraints.count)
    for k in matrix.values.indices { activity[Int(matrix.rows[k])] += matrix.values[k] * x[Int(matrix.columns[k])] }
    for (i, constraint) in constraints.enumerated() {
      try check(within(activity[i], constraint.lowerBound, constraint.upperBound), .invalidOption,
                "initialSolution violates \(label("constraint", i, constraint.name)) (activity \(activity[i]))")
    }
  }
}

extension PreparedModel {
  /// The result of a backend run given an unbounded verdict: solutions exist with arbitrarily
  /// good values, so both bounds are infinite in the improving direction.
  package static func unboundedBounds(_ sense: ObjectiveSense) -> ObjectiveBounds {
    let best = sense == .maximize ? Double.infinity : -.infinity
    return ObjectiveBounds(primal: best, dual: best)
  }

  /// Stores a name and returns its offset in ``names`` (0 for the empty name).
  mutating func append(name: String) -> Int {
    guard !name.isEmpty else { return 0 }
    let offset = names.count
    names.append(contentsOf: name.utf8.map { CChar(bitPattern: $0) })
    names.append(0)
    return offset
  }

  /// Removes entries of the current row that summed to zero, and rejects sums
  /// that overflowed to infinity.
  mutating func dropZeros(from start: Int, of what: String, variables: [MILP.Variable]) throws(MILPValidationError) {
    var kept = start
    for k in start..<values.count {
      let variable = Int(columns[k])
      try check(values[k].isFinite, .nonFiniteNumber,
                "\(what): coefficients of \(label("variable", variable, variables[variable].name)) sum to \(values[k])")
      guard values[k] != 0 else { continue }
      (rows[kept], columns[kept], values[kept]) = (rows[k], columns[k], values[k])
      kept += 1
    }
    rows.removeSubrange(kept...)
    columns.removeSubrange(kept...)
    values.removeSubrange(kept...)
  }
}
