import CBCBinding
import GLPKBinding
import Testing

private func term(_ variable: Int, _ coefficient: Double) -> MILP.Term {
  MILP.Term(variable: variable, coefficient: coefficient)
}

/// Small models with every outcome a backend can prove, each solved as a MILP and as its
/// relaxation by CBC and GLPK: the two must agree on the termination and the optimum.
private let models: [(name: String, model: MILP)] = {
  var out: [(String, MILP)] = []
  var knapsack = MILP(sense: .maximize, objectiveConstant: 2)
  for (profit, weight) in zip([10.0, 13, 7, 8, 9, 4], [3.0, 4, 2, 3, 3, 1]) {
    knapsack.addVariable(kind: .binary, objective: profit)
    _ = weight
  }
  knapsack.addConstraint(terms: zip(0..., [3.0, 4, 2, 3, 3, 1]).map { term($0, $1) }, upperBound: 8)
  out.append(("knapsack", knapsack))

  var infeasible = MILP(sense: .maximize)
  infeasible.addVariable(kind: .binary, objective: 1)
  infeasible.addVariable(kind: .binary, objective: 1)
  infeasible.addConstraint(terms: [term(0, 1), term(1, 1)], lowerBound: 3)
  out.append(("infeasible", infeasible))

  var parity = MILP()  // 2x + 2y = 3: integer infeasible, relaxation feasible
  parity.addVariable(upperBound: 5, kind: .integer, objective: 1)
  parity.addVariable(upperBound: 5, kind: .integer, objective: 1)
  parity.addConstraint(terms: [term(0, 2), term(1, 2)], lowerBound: 3, upperBound: 3)
  out.append(("parity", parity))

  for sense in [ObjectiveSense.maximize, .minimize] {
    let sign: Double = sense == .maximize ? 1 : -1
    var unbounded = MILP(sense: sense)
    unbounded.addVariable(kind: .integer, objective: sign)
    unbounded.addVariable(kind: .integer, objective: sign)
    unbounded.addConstraint(terms: [term(0, 1), term(1, -1)], upperBound: 1)
    out.append(("unbounded-\(sense)", unbounded))
  }

  var general = MILP(sense: .minimize)  // integers in general ranges, an equality
  general.addVariable(lowerBound: -4, upperBound: 7, kind: .integer, objective: 3)
  general.addVariable(lowerBound: -2, upperBound: 9, kind: .integer, objective: -2)
  general.addVariable(lowerBound: 0, upperBound: 2.5, objective: 1)
  general.addConstraint(terms: [term(0, 1), term(1, 1), term(2, 1)], lowerBound: 3, upperBound: 3)
  general.addConstraint(terms: [term(0, 2), term(1, -1)], lowerBound: -6)
  out.append(("general", general))
  return out
}()

@Suite("CBC backend, cross-checked with GLPK") struct CBCCrossCheckTests {
  @Test(arguments: models.indices, [false, true])
  func backendsAgree(index: Int, relax: Bool) throws {
    let (name, model) = models[index]
    let options = MILPOptions(relaxIntegrality: relax)
    let cbc = try CBCSolver().solve(model, options: options)
    let glpk = try GLPKSolver().solve(model, options: options)
    #expect(cbc.termination == glpk.termination, "\(name): CBC \(cbc.termination), GLPK \(glpk.termination)")
    if let a = cbc.bounds.primal, let b = glpk.bounds.primal, a.isFinite {
      #expect(abs(a - b) < 1e-6, "\(name): CBC \(a), GLPK \(b)")
    } else {
      #expect(cbc.bounds == glpk.bounds, "\(name)")
    }
    if cbc.termination == .optimal {
      #expect(cbc.bounds.dual == cbc.bounds.primal)
      #expect(cbc.values?.count == model.variables.count)
    }
  }

  /// A random generalized assignment problem: hard enough that a tiny time limit stops CBC.
  func assignment(items: Int, bins: Int, seed: UInt64) -> MILP {
    var state = seed
    func next(_ bound: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int((state >> 33) % UInt64(bound))
    }
    var model = MILP(sense: .maximize)
    var perBin = [[MILP.Term]](repeating: [], count: bins)
    for _ in 0..<items {
      var row: [MILP.Term] = []
      let profit = Double(1 + next(10))
      for b in 0..<bins {
        let x = model.addVariable(kind: .binary, objective: profit + Double(next(3)))
        row.append(term(x, 1))
        perBin[b].append(term(x, Double(1 + next(9))))
      }
      model.addConstraint(terms: row, upperBound: 1)
    }
    for terms in perBin { model.addConstraint(terms: terms, upperBound: Double(items * 2 / bins)) }
    return model
  }

  @Test func initialSolutionIsKeptAndBoundsAreHonest() throws {
    let model = assignment(items: 60, bins: 6, seed: 7)
    let start = [Double](repeating: 0, count: model.variables.count)  // admit nothing: feasible
    for backend in [CBCSolver() as any MILPSolver, GLPKSolver()] {
      let result = try backend.solve(model, options: MILPOptions(timeLimit: 0.05, initialSolution: start))
      switch result.termination {
      case .optimal, .feasible(limit: .time): break
      default: Issue.record("\(backend.id): \(result.termination) \(result.message)")
      }
      if let primal = result.bounds.primal, let dual = result.bounds.dual { #expect(primal <= dual + 1e-6) }
    }
    let full = try CBCSolver().solve(model, options: MILPOptions(timeLimit: 60))
    let glpk = try GLPKSolver().solve(model, options: MILPOptions(timeLimit: 60, cutGenerators: .all))
    if full.termination == .optimal && glpk.termination == .optimal {
      #expect(abs(full.bounds.primal! - glpk.bounds.primal!) < 1e-6)
    }
  }

  @Test func infeasibleStartIsRejectedBeforeAnySolverCall() {
    var model = MILP(sense: .maximize)
    model.addVariable(kind: .binary, objective: 1)
    model.addVariable(kind: .binary, objective: 1)
    model.addConstraint(terms: [term(0, 1), term(1, 1)], upperBound: 1)
    for start in [[1.0, 1.0], [0.5, 0], [1]] {
      #expect(throws: MILPValidationError.self) {
        try CBCSolver().solve(model, options: MILPOptions(initialSolution: start))
      }
    }
  }

  @Test func versionIsReported() {
    #expect(CBCSolver.version.first?.isNumber == true)
  }
}
