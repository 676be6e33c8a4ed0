import GLPKBinding
import Admission
import AdmissionMILP
import EdgeSplitModel
import PropertyBased
import Testing

/// Properties of every P1 solver on generated instances, with shrinking to the smallest failing
/// (requests, cloudlets, seed) when one breaks.
@Suite struct AdmissionPropertyTests {
  @Test func everySolverIsFeasibleAndBoundedByTheBruteForceOptimum() async {
    await propertyCheck(count: 120, input: Gen.int(in: 1...6), Gen.int(in: 1...3), Gen.int(in: 0...1_000_000)) {
      requests, cloudlets, seed in
      do {
        var generator = AdmissionGenerator()
        generator.threads = 1...6  // small capacities make requests compete
        let instance = try generator.generate(name: "p", models: tinyModels, requests: requests,
                                              cloudlets: cloudlets, seed: UInt64(seed))
        let optimum = bruteForceOptimum(instance)
        let table = AdmissionTable(instance)
        let exact = try AdmissionILP.solve(table, backend: GLPKSolver())
        #expect(exact.objective == optimum)
        let solutions = [AdmissionApproximation.solve(table), AdmissionGreedy.fewestThreadsFirst(table),
                         AdmissionGreedy.earliestDeadlineBestFit(table), AdmissionGreedy.firstFit(table)]
        for solution in solutions {
          let verdict = AdmissionEvaluator.evaluate(solution, on: instance)
          #expect(verdict.violations == [])
          #expect(verdict.objective <= optimum)
        }
        #expect(AdmissionEvaluator.evaluate(solutions[0], on: instance).objective >= 0.5 * optimum)
      } catch {
        Issue.record("generation or solve failed: \(error)")
      }
    }
  }
}
