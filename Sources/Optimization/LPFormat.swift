/// Writing a ``MILP`` in the CPLEX LP text format, which GLPK (`glpsol --lp`), CBC, HiGHS, SCIP
/// and Gurobi all read, so that a program EdgeSplit builds can be handed to any solver.
extension MILP {
  /// The program as CPLEX LP text.
  ///
  /// Variables and constraints keep their names when every name is a valid, unique LP
  /// identifier, else they are written as `x<j>` and `c<i>` (with the original names in
  /// comments). A ranged constraint becomes two rows (`_lo`, `_hi`); an equality one `=` row; a
  /// constraint with no bound is dropped (it constrains nothing). The objective constant is
  /// written as a comment, since not every reader accepts a constant in the objective: add it to
  /// the value a solver reports.
  public var lpFormat: String {
    let columns = Self.identifiers(variables.map(\.name), fallback: "x")
    let rows = Self.identifiers(constraints.map(\.name), fallback: "c")
    func expression(_ terms: [(Int, Double)]) -> String {
      let nonzero = terms.filter { $0.1 != 0 }
      guard !nonzero.isEmpty else { return "0 \(columns.first ?? "x0")" }
      return nonzero.enumerated().map { index, term in
        let (j, a) = term
        let sign = a < 0 ? "- " : (index == 0 ? "" : "+ ")
        return "\(sign)\(exactText(abs(a))) \(columns[j])"
      }.joined(separator: " ")
    }
    var lines = ["\\ EdgeSplit MILP: \(variables.count) variables, \(constraints.count) constraints"]
    if objectiveConstant != 0 { lines.append("\\ objective constant (not written below): \(exactText(objectiveConstant))") }
    lines.append(sense == .maximize ? "Maximize" : "Minimize")
    lines.append(" obj: " + expression(variables.enumerated().map { ($0, $1.objective) }))
    lines.append("Subject To")
    for (i, constraint) in constraints.enumerated() {
      let body = expression(constraint.terms.map { ($0.variable, $0.coefficient) })
      switch (constraint.lowerBound, constraint.upperBound) {
      case (let low?, let high?) where low == high: lines.append(" \(rows[i]): \(body) = \(exactText(low))")
      case (let low?, let high?):
        lines.append(" \(rows[i])_lo: \(body) >= \(exactText(low))")
        lines.append(" \(rows[i])_hi: \(body) <= \(exactText(high))")
      case (let low?, nil): lines.append(" \(rows[i]): \(body) >= \(exactText(low))")
      case (nil, let high?): lines.append(" \(rows[i]): \(body) <= \(exactText(high))")
      case (nil, nil): continue
      }
    }
    lines.append("Bounds")
    for (j, variable) in variables.enumerated() where variable.kind != .binary {
      let low = variable.lowerBound.map(exactText) ?? "-inf"
      let high = variable.upperBound.map(exactText) ?? "+inf"
      lines.append(" \(low) <= \(columns[j]) <= \(high)")
    }
    for (j, variable) in variables.enumerated() where variable.kind == .binary {
      // A binary fixed by its bounds (the surgery ILP fixes some placements); others are 0/1.
      let low = max(variable.lowerBound ?? 0, 0), high = min(variable.upperBound ?? 1, 1)
      if low > 0 || high < 1 { lines.append(" \(exactText(low)) <= \(columns[j]) <= \(exactText(high))") }
    }
    for (header, kind) in [("General", VariableKind.integer), ("Binary", .binary)] {
      let names = variables.indices.filter { variables[$0].kind == kind }.map { columns[$0] }
      if !names.isEmpty { lines += [header] + names.map { " " + $0 } }
    }
    lines.append("End")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `names` when all are valid, unique LP identifiers, else `prefix0`, `prefix1`, ...
  static func identifiers(_ names: [String], fallback prefix: String) -> [String] {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
    let valid = names.allSatisfy { name in
      guard let first = name.first, !first.isNumber, first != "." else { return false }
      return name.count <= 255 && name.allSatisfy(allowed.contains) && name.lowercased() != "inf"
    }
    return valid && Set(names).count == names.count ? names : names.indices.map { "\(prefix)\($0)" }
  }
}

/// The shortest text that reads back as the same `Double`, integers without a fraction: for files
/// other programs parse (LP text, CSV profiles).
public func exactText(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}
