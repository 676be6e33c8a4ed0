import Surgery
import CBCBinding
import EdgeSplitModel
import GLPKBinding
import SurgeryMILP
import Testing

/// P2's exact ILP solved by both MILP backends on the small cross-check DAGs: the same optimum.
@Suite struct SurgeryCBCCrossCheckTests {
  @Test(arguments: SurgeryObjective.allCases)
  func glpkAndCBCAgree(objective: SurgeryObjective) throws {
    for instance in try crossCheckInstances(objective: objective) {
      let glpk = try SurgeryILP.solve(instance, backend: GLPKSolver())
      let cbc = try SurgeryILP.solve(instance, backend: CBCSolver())
      #expect(glpk.termination == .optimal && cbc.termination == .optimal, "\(instance.name): \(cbc.termination)")
      let (a, b) = (try #require(glpk.objective), try #require(cbc.objective))
      #expect(abs(a - b) <= 1e-6 * max(abs(a), 1e-9), "\(instance.name): GLPK \(a), CBC \(b)")
      let verdict = SurgeryEvaluator.evaluate(try #require(cbc.solution), on: instance)
      #expect(verdict.isFeasible && abs(verdict.objective - b) <= 1e-6 * max(abs(b), 1e-9), "\(instance.name)")
    }
  }
}
