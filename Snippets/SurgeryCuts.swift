// P2 (DNN surgery): GoogLeNet between a 10 GFLOP/s device and a 1 TFLOP/s server over 4G.
import EdgeSplit

// snippet.latency
let instance = try SurgeryInstance(name: "googlenet-4g", model: ModelZoo.googlenet(), deviceGflops: 10,
                                   serverGflops: 1000, uplinkMbps: 5.85, objective: .latency)
let best = DSL.solve(instance)                       // SolverOutcome<Partition>: optimal, by one min cut
print(SurgeryFamily.evaluate(best.solution!, on: instance).objective)   // the independent evaluator
print(DSL.bestPartition(instance).stages)            // Te, Tt, Tc in seconds
print(SurgeryFamily.plan(best.solution!, on: instance))
// snippet.throughput
let heavy = try SurgeryInstance(name: "googlenet-4g-heavy", model: ModelZoo.googlenet(), deviceGflops: 10,
                                serverGflops: 1000, uplinkMbps: 5.85, objective: .throughput)
let dsh = DSH.solve(heavy)                           // ratio 3, cutsSolved in statistics
let local = DSHLocal.solve(heavy)                    // ratio 3, never worse than DSH or the chain cut
let ilp = try SurgeryILP.solve(heavy, backend: GLPKSolver())   // the exact optimum
print(dsh.objective!, local.objective!, ilp.objective!)
// snippet.end
// snippet.hide
precondition(best.termination == .optimal && ilp.termination == .optimal)
precondition(local.objective! <= dsh.objective! && ilp.objective! <= local.objective! + 1e-9)
precondition(dsh.objective! <= 3 * ilp.objective!)
