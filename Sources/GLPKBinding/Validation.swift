import Optimization
/// A validated model in the shape the C shim wants: names packed into one
/// NUL-separated buffer, the matrix as merged, zero-free 0-based triplets.
struct PreparedModel {
  /// Starts with a lone NUL, so offset 0 is the empty name.
  var names: [CChar] = [0]
  var columnNameOffsets: [Int] = []
  var rowNameOffsets: [Int] = []
  var rows: [Int32] = []
  var columns: [Int32] = []
  var values: [Double] = []
  var timeLimitMilliseconds: Int32 = .max
}

// GLPK's own limits (M_MAX, N_MAX, NNZ_MAX in its sources); beyond them it aborts.
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

extension SolveOptions {
  /// The time limit in GLPK's unit: milliseconds, rounded up, capped at `Int32.max`.
  func validatedTimeLimitMilliseconds() throws(MILPValidationError) -> Int32 {
    try check(relativeGap.isFinite && relativeGap >= 0, .invalidOption,
              "relativeGap must be finite and nonnegative, got \(relativeGap)")
    guard let timeLimit else { return .max }
    try check(timeLimit.isFinite && timeLimit > 0, .invalidOption,
              "timeLimit must be finite and positive, got \(timeLimit)")
    return Int32(min((timeLimit * 1000).rounded(.up), Double(Int32.max)))
  }
}

extension MILP {
  /// Checks everything GLPK would abort on or silently reinterpret (the rules
  /// are listed on ``GLPKSolver/solve(_:options:)``). GLPK handles empty models.
  func prepared(options: SolveOptions) throws(MILPValidationError) -> PreparedModel {
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

    // slot[v]: where variable v's entry sits in `values`, if placed in the current row.
    var slot = [Int](repeating: -1, count: variables.count)
    for (i, constraint) in constraints.enumerated() {
      let what = label("constraint", i, constraint.name)
      try checkName(constraint.name, of: what)
      try checkBounds(constraint.lowerBound, constraint.upperBound, of: what)
      let start = out.values.count
      for (k, term) in constraint.terms.enumerated() {
        try check(variables.indices.contains(term.variable), .variableIndexOutOfRange,
                  "\(what): term \(k) names variable \(term.variable), but the model has \(variables.count)")
        try check(term.coefficient.isFinite, .nonFiniteNumber, "\(what): term \(k) has coefficient \(term.coefficient)")
        if slot[term.variable] >= start {
          out.values[slot[term.variable]] += term.coefficient  // a repeated variable: sum
        } else {
          slot[term.variable] = out.values.count
          out.rows.append(Int32(i))
          out.columns.append(Int32(term.variable))
          out.values.append(term.coefficient)
        }
      }
      try out.dropZeros(from: start, of: what, variables: variables)
      try check(out.values.count <= maxNonzeros, .modelTooLarge, "more than \(maxNonzeros) nonzero coefficients")
      out.rowNameOffsets.append(out.append(name: constraint.name))
    }
    return out
  }
}

extension PreparedModel {
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
