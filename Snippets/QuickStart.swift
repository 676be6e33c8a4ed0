// Solve a shipped P1 instance exactly and with the ½-approximation, then print the plan.
// Run from the package root: the path is relative to it.
import EdgeSplit
import Foundation

let file = URL(fileURLWithPath: "instances/admission/small-01.json")
let instance = try InstanceIO.load(AdmissionFamily.self, contentsOf: file)
let exact = try AdmissionILP.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 30))
print(exact)                                              // optimal, objective 6.0, bound 6.0
let half = AdmissionApproximation.solve(instance)         // ratio ½, same outcome type
let verdict = AdmissionFamily.evaluate(half.solution!, on: instance)
print(verdict.isFeasible, verdict.objective)              // the independent evaluator
print(AdmissionFamily.plan(exact.solution!, on: instance))
// snippet.hide
precondition(exact.termination == .optimal && exact.objective == 6 && verdict.objective >= 3)
