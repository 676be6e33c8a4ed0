// P4 (model uploading): every solver on a shipped instance, then the proven optimum.
// Run from the package root.
import EdgeSplit
import Foundation

let file = URL(fileURLWithPath: "instances/upload/small-dag-3ue-loose.json")
let instance = try InstanceIO.load(UploadFamily.self, contentsOf: file)
for solver in UploadSolvers.all {
  let outcome = try solver.solve(instance)
  print(solver.name, outcome.objective!)             // sum of completion times, seconds
}
// The proven optimum (or a proven lower bound) through a MILP backend, from UploadMILP:
let exact = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 60))
print(exact.termination, exact.objective!, exact.bound!)
// snippet.hide
precondition(exact.termination == .optimal)
