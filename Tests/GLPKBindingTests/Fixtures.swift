import GLPKBinding

/// Shorthand for a constraint term.
func term(_ variable: Int, _ coefficient: Double) -> MILP.Term {
  MILP.Term(variable: variable, coefficient: coefficient)
}

/// A 0-1 knapsack and its optimum, found by brute force.
struct Knapsack {
  var profits: [Double] = [10, 13, 7, 8, 9, 4]
  var weights: [Double] = [3, 4, 2, 3, 3, 1]
  var capacity: Double = 8

  /// The six-item knapsack above.
  init() {}

  /// A seeded random knapsack: correlated profits (weight + 10) make branch and bound work.
  init(items: Int, seed: UInt64) {
    var random = SeededGenerator(seed: seed)
    weights = (0..<items).map { _ in Double(10 + random.next() % 90) }
    profits = weights.map { $0 + 10 }
    capacity = (weights.reduce(0, +) / 2).rounded()
  }

  func model(kind: MILP.VariableKind = .binary) -> MILP {
    var model = MILP(sense: .maximize)
    for (i, profit) in profits.enumerated() {
      model.addVariable(name: "item\(i)", lowerBound: 0, upperBound: 1, kind: kind, objective: profit)
    }
    model.addConstraint(name: "capacity", terms: weights.indices.map { term($0, weights[$0]) }, upperBound: capacity)
    return model
  }

  var bruteForceOptimum: Double {
    var best = 0.0
    for mask in 0..<(1 << profits.count) {
      let chosen = profits.indices.filter { mask & (1 << $0) != 0 }
      if chosen.reduce(0, { $0 + weights[$1] }) <= capacity {
        best = max(best, chosen.reduce(0) { $0 + profits[$1] })
      }
    }
    return best
  }

  /// Dantzig's bound: fill greedily by profit/weight ratio, split the last item.
  var fractionalOptimum: Double {
    var left = capacity, total = 0.0
    for i in profits.indices.sorted(by: { profits[$0] / weights[$0] > profits[$1] / weights[$1] }) {
      let take = min(1, left / weights[i])
      total += take * profits[i]
      left -= take * weights[i]
      if left <= 0 { break }
    }
    return total
  }
}

/// A Cornuéjols–Dawande market-split instance: `rows` equalities over `items`
/// binaries with coefficients in 0..<100 and right-hand sides half the row sums.
/// Branch and bound needs far more than a second on 5 x 40 (LP bounds are useless).
struct MarketSplit {
  var coefficients: [[Double]]
  var targets: [Double]

  init(rows: Int = 5, items: Int = 40, seed: UInt64 = 2024) {
    var random = SeededGenerator(seed: seed)
    coefficients = (0..<rows).map { _ in (0..<items).map { _ in Double(random.next() % 100) } }
    targets = coefficients.map { ($0.reduce(0, +) / 2).rounded(.down) }
  }

  /// The pure feasibility version: equalities, zero objective.
  var feasibilityModel: MILP {
    var model = MILP(sense: .maximize)
    for j in coefficients[0].indices { model.addVariable(name: "x\(j)", kind: .binary) }
    for (i, row) in coefficients.enumerated() {
      model.addConstraint(name: "split\(i)", terms: row.indices.map { term($0, row[$0]) },
                          lowerBound: targets[i], upperBound: targets[i])
    }
    return model
  }

  /// The optimization version: maximize minus the total deviation from the
  /// targets. x = 0 is feasible, so incumbents come fast; the LP bound stays 0.
  var deviationModel: MILP {
    var model = feasibilityModel
    for i in coefficients.indices {
      let over = model.addVariable(name: "over\(i)", objective: -1)
      let under = model.addVariable(name: "under\(i)", objective: -1)
      model.constraints[i].terms += [term(over, -1), term(under, 1)]
    }
    return model
  }
}

/// The largest violation of `model`'s bounds and constraints by `values`.
func maxViolation(_ model: MILP, _ values: [Double]) -> Double {
  var worst = 0.0
  func excess(_ x: Double, _ lower: Double?, _ upper: Double?) {
    if let lower { worst = max(worst, lower - x) }
    if let upper { worst = max(worst, x - upper) }
  }
  for (variable, x) in zip(model.variables, values) {
    excess(x, variable.lowerBound, variable.upperBound)
    if variable.kind != .continuous { worst = max(worst, abs(x - x.rounded())) }
  }
  for constraint in model.constraints {
    excess(constraint.terms.reduce(0) { $0 + $1.coefficient * values[$1.variable] },
           constraint.lowerBound, constraint.upperBound)
  }
  return worst
}

/// The objective value of `values`, constant included.
func objective(_ model: MILP, _ values: [Double]) -> Double {
  zip(model.variables, values).reduce(model.objectiveConstant) { $0 + $1.0.objective * $1.1 }
}
