import GLPKBinding
import Testing

@Suite("Solving") struct SolveTests {
  @Test func linearProgramReachesKnownVertex() throws {
    // max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 6,  x <= 3;  optimum x = 3, y = 1.
    var model = MILP(sense: .maximize, objectiveConstant: 5)
    let x = model.addVariable(name: "x", upperBound: 3, objective: 3)
    let y = model.addVariable(name: "y", objective: 2)
    model.addConstraint(terms: [term(x, 1), term(y, 1)], upperBound: 4)
    model.addConstraint(terms: [term(x, 1), term(y, 3)], upperBound: 6)

    let result = try GLPKSolver.solve(model)
    #expect(result.termination == .optimal)
    let values = try #require(result.values)
    #expect(abs(values[x] - 3) < 1e-9 && abs(values[y] - 1) < 1e-9)
    #expect(result.bounds == ObjectiveBounds(primal: 16, dual: 16))  // 11 + constant 5
    #expect(result.relativeGap == 0)
    #expect(result.objectiveValue == 16)
  }

  @Test func knapsackOptimumMatchesBruteForce() throws {
    let knapsack = Knapsack()
    let model = knapsack.model()
    let result = try GLPKSolver.solve(model)
    #expect(result.termination == .optimal)
    let values = try #require(result.values)
    #expect(values.allSatisfy { $0 == 0 || $0 == 1 })
    #expect(maxViolation(model, values) < 1e-9)
    #expect(objective(model, values) == knapsack.bruteForceOptimum)
    #expect(result.bounds.primal == knapsack.bruteForceOptimum)
    #expect(result.bounds.dual == knapsack.bruteForceOptimum)
  }

  @Test func integerVariablesInGeneralRanges() throws {
    // min x + y  s.t.  3x + 5y >= 17,  x, y in {-2, ..., 10}.
    var model = MILP(sense: .minimize)
    let x = model.addVariable(lowerBound: -2, upperBound: 10, kind: .integer, objective: 1)
    let y = model.addVariable(lowerBound: -2, upperBound: 10, kind: .integer, objective: 1)
    model.addConstraint(terms: [term(x, 3), term(y, 5)], lowerBound: 17)
    let grid = (-2...10).flatMap { a in (-2...10).map { b in (a, b) } }
    let best = grid.filter { 3 * $0.0 + 5 * $0.1 >= 17 }.map { Double($0.0 + $0.1) }.min()

    let result = try GLPKSolver.solve(model)
    #expect(result.termination == .optimal)
    #expect(result.bounds.primal == best)
    #expect(maxViolation(model, try #require(result.values)) < 1e-9)
  }

  @Test func relaxationGivesFractionalKnapsackOptimum() throws {
    let knapsack = Knapsack()
    let result = try GLPKSolver.solve(knapsack.model(), options: MILPOptions(relaxIntegrality: true))
    #expect(result.termination == .optimal)
    let values = try #require(result.values)
    #expect(values.contains { $0 > 1e-9 && $0 < 1 - 1e-9 })
    #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    let bound = try #require(result.bounds.primal)
    #expect(abs(bound - knapsack.fractionalOptimum) < 1e-9)
    #expect(bound > knapsack.bruteForceOptimum)
  }

  @Test func binariesWithoutExplicitBoundsStayInUnitInterval() throws {
    var model = MILP(sense: .maximize)
    model.addVariable(lowerBound: nil, kind: .binary, objective: 1)
    model.addVariable(lowerBound: nil, kind: .binary, objective: -1)
    let result = try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: true))
    // Without the implied [0, 1] bounds the first would be unbounded above, the second below.
    #expect(result.termination == .optimal)
    #expect(result.values == [1, 0])
    #expect(result.bounds.primal == 1)
  }

  @Test func repeatedTermsAreSummedAndZerosDropped() throws {
    // x + x <= 3 and y - y (no effect) : max x + y with y <= 2.
    var model = MILP(sense: .maximize)
    let x = model.addVariable(objective: 1)
    let y = model.addVariable(upperBound: 2, objective: 1)
    model.addConstraint(terms: [term(x, 1), term(y, 1), term(x, 1), term(y, -1)], upperBound: 3)
    let result = try GLPKSolver.solve(model)
    #expect(result.termination == .optimal)
    #expect(result.values == [1.5, 2])
  }


  /// A zero coefficient dropped from one row must not make the next row take the variable for
  /// already placed (it crashed once: the next row started below the dropped entry's offset).
  @Test func zerosDroppedInOneRowLeaveTheNextIntact() throws {
    // max 2x + 3y  s.t.  0x + y <= 2,  x + y <= 3,  x + 2y <= 5:  the one optimum x = 1, y = 2.
    var model = MILP(sense: .maximize)
    let x = model.addVariable(objective: 2)
    let y = model.addVariable(objective: 3)
    model.addConstraint(terms: [term(y, 1), term(x, 0)], upperBound: 2)  // the zero after a kept term
    model.addConstraint(terms: [term(x, 1), term(y, 1)], upperBound: 3)
    model.addConstraint(terms: [term(x, 1), term(y, 2)], upperBound: 5)
    let result = try GLPKSolver.solve(model)
    #expect(result.termination == .optimal)
    #expect(result.values == [1, 2])
    #expect(result.bounds.primal == 8)
  }
  @Test func emptyModelIsSolvedToItsConstant() throws {
    let result = try GLPKSolver.solve(MILP(sense: .maximize, objectiveConstant: 7))
    #expect(result.termination == .optimal)
    #expect(result.values == [])
    #expect(result.bounds == ObjectiveBounds(primal: 7, dual: 7))

    var impossible = MILP()
    impossible.addConstraint(name: "needs one", terms: [], lowerBound: 1)
    #expect(try GLPKSolver.solve(impossible).termination == .infeasible)
  }

  @Test(arguments: [false, true]) func infeasibleModels(relax: Bool) throws {
    // x + y >= 3 over binaries: even the relaxation is infeasible.
    var model = MILP(sense: .maximize)
    let x = model.addVariable(kind: .binary, objective: 1)
    let y = model.addVariable(kind: .binary, objective: 1)
    model.addConstraint(terms: [term(x, 1), term(y, 1)], lowerBound: 3)
    let result = try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: relax))
    #expect(result.termination == .infeasible)
    #expect(result.values == nil)
    #expect(result.bounds == ObjectiveBounds(primal: nil, dual: nil))
  }

  @Test func integerInfeasibilityWithFeasibleRelaxation() throws {
    // 2x + 2y = 3 has real solutions but no integer ones.
    var model = MILP()
    let x = model.addVariable(upperBound: 5, kind: .integer, objective: 1)
    let y = model.addVariable(upperBound: 5, kind: .integer, objective: 1)
    model.addConstraint(terms: [term(x, 2), term(y, 2)], lowerBound: 3, upperBound: 3)
    #expect(try GLPKSolver.solve(model).termination == .infeasible)
    #expect(try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: true)).termination == .optimal)
  }

  @Test(arguments: [ObjectiveSense.maximize, .minimize], [false, true])
  func unboundedModels(sense: ObjectiveSense, relax: Bool) throws {
    // Improve x + y (or -x - y) forever along x - y <= 1 over nonnegative integers.
    let sign: Double = sense == .maximize ? 1 : -1
    var model = MILP(sense: sense)
    let x = model.addVariable(kind: .integer, objective: sign)
    let y = model.addVariable(kind: .integer, objective: sign)
    model.addConstraint(terms: [term(x, 1), term(y, -1)], upperBound: 1)
    let result = try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: relax))
    #expect(result.termination == .unbounded)
    #expect(result.values == nil)
    let best = sense == .maximize ? Double.infinity : -.infinity
    #expect(result.bounds == ObjectiveBounds(primal: best, dual: best))
  }

  /// 2x - 2y = 1 has no integer solution, but a free z makes the relaxation
  /// unbounded; GLPK answers GLP_ENODFS exactly as for an unbounded model.
  func parityModel(integerUpperBound: Double?) -> MILP {
    var model = MILP(sense: .maximize)
    let x = model.addVariable(upperBound: integerUpperBound, kind: .integer)
    let y = model.addVariable(upperBound: integerUpperBound, kind: .integer)
    model.addVariable(name: "z", objective: 1)
    model.addConstraint(terms: [term(x, 2), term(y, -2)], lowerBound: 1, upperBound: 1)
    return model
  }

  @Test func unboundedRelaxationOfInfeasibleIntegerModelIsInfeasible() throws {
    let model = parityModel(integerUpperBound: 3)
    #expect(try GLPKSolver.solve(model).termination == .infeasible)
    #expect(try GLPKSolver.solve(model, options: MILPOptions(relaxIntegrality: true)).termination == .unbounded)
  }

  @Test func undecidedFeasibilityIsNotCalledUnbounded() throws {
    // With unbounded integers branch and bound never ends; the time limit does.
    let result = try GLPKSolver.solve(parityModel(integerUpperBound: nil), options: MILPOptions(timeLimit: 1))
    #expect(result.termination == .noSolutionFound(limit: .time))
    #expect(result.bounds == ObjectiveBounds(primal: nil, dual: nil))
  }

  @Test func relativeGapStopsEarlyAndReportsOptimalWithHonestBounds() throws {
    let model = MarketSplit().deviationModel
    let result = try GLPKSolver.solve(model, options: MILPOptions(timeLimit: 30, relativeGap: 1e6))
    #expect(result.termination == .optimal)
    let values = try #require(result.values)
    #expect(maxViolation(model, values) < 1e-6)
    let primal = try #require(result.bounds.primal)
    let dual = try #require(result.bounds.dual)
    #expect(abs(primal - objective(model, values)) < 1e-6)
    #expect(primal <= dual + 1e-9)
    #expect(try #require(result.relativeGap) == abs(primal - dual) / (abs(primal) + .ulpOfOne))
    // The bounds are honest: the true optimum (solved to proof) lies between them.
    let optimum = try #require(try GLPKSolver.solve(model, options: MILPOptions(timeLimit: 30)).bounds.primal)
    #expect(primal <= optimum + 1e-9 && optimum <= dual + 1e-9)
  }

  @Test func versionIsReported() {
    #expect(GLPKSolver.version.first?.isNumber == true)
  }
}
