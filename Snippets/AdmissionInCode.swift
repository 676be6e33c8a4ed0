// P1 built in code: two phones running AlexNet and one cloudlet with 8 threads.
import EdgeSplit

// snippet.build
let instance = try AdmissionInstance(
  name: "two-phones", models: [ModelZoo.model(named: "alexnet")!],
  cloudlets: [Cloudlet(name: "edge-1", threads: 8, threadGflops: 40)],
  requests: [
    InferenceRequest(name: "phone-a", model: "alexnet", deviceGflops: 30, uplinkMbps: 20, delaysMs: [5], deadlineMs: 120),
    InferenceRequest(name: "phone-b", model: "alexnet", deviceGflops: 10, uplinkMbps: 5, delaysMs: [8], deadlineMs: 150),
  ])
// snippet.solve
let exact = try AdmissionILP.solve(instance, backend: GLPKSolver())   // SolverOutcome<AdmissionSolution>
print(exact.termination, exact.objective!, exact.bound!)      // optimal ...
for a in exact.solution!.admissions {
  print(instance.requests[a.request].name, a.cloudlet, a.devicePrefix, a.threads)
}
print(AdmissionFamily.plan(exact.solution!, on: instance))    // the plan `solverbench solve` prints
let half = AdmissionApproximation.solve(instance)             // the ½-approximation
let greedy = AdmissionGreedy.solve(instance, rule: .firstFit) // a greedy baseline
let cbc = try AdmissionILP.solve(instance, backend: CBCSolver(), formulation: .full)  // the other backend and formulation
// snippet.table
let table = AdmissionTable(instance)       // the cheapest-thread table, reusable across solvers
let approximation = AdmissionApproximation.solve(table)   // AdmissionSolution, at least half the optimum
let (lagrangian, lagrangianBound) = AdmissionLagrangian.solve(table)
let pooled = table.pooledBound                              // fractional knapsack of all cloudlets
// snippet.end
// snippet.hide
precondition(exact.isProvenOptimal && cbc.isProvenOptimal && cbc.objective == exact.objective)
precondition(AdmissionFamily.evaluate(half.solution!, on: instance).objective >= 0.5 * exact.objective!)
precondition(AdmissionFamily.evaluate(greedy.solution!, on: instance).isFeasible)
precondition(AdmissionFamily.evaluate(approximation, on: instance).isFeasible)
precondition(AdmissionFamily.evaluate(lagrangian, on: instance).objective <= exact.objective!)
_ = (lagrangianBound, pooled)
