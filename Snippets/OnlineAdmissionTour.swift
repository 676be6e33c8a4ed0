// P1 online: requests decided on arrival, measured against the offline optimum of the same
// sequence. Run from the package root.
import EdgeSplit
import Foundation

let file = URL(fileURLWithPath: "instances/online-admission/bursty-1.json")
let instance = try InstanceIO.load(OnlineAdmissionFamily.self, contentsOf: file)
let optimum = try OnlineAdmissionILP.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 30))
print(optimum.termination, optimum.objective!)             // optimal, the offline optimum
for solver in OnlineAdmissionSolvers.all where solver.skipReason(for: instance) == nil {
  let online = try solver.solve(instance)
  let verdict = OnlineAdmissionFamily.evaluate(online.solution!, on: instance)   // replays arrivals and departures
  print(solver.name, verdict.isFeasible, verdict.objective / optimum.objective!)  // measured ratio
}
// Your own arrival order over a P1 instance: small low-value requests first.
let p1 = try InstanceIO.load(AdmissionFamily.self, contentsOf: URL(fileURLWithPath: "instances/admission-hard/hard-02-correlated.json"))
let adversarial = try OnlineAdmissionGenerator.online(p1, order: .adversarial, name: "hard-02-adversarial")
let priced = OnlineAdmission.pricing(adversarial, table: AdmissionTable(adversarial.base))
print(PricingParameters(adversarial, table: AdmissionTable(adversarial.base)).assumptionFailure(maxMu: 256) ?? "ratio proven")
print(OnlineAdmissionFamily.evaluate(priced.solution, on: adversarial).objective)
