// P5 (stream offloading with multi-exit DNNs): the shipped solvers on a shipped trace.
// Run from the package root.
import EdgeSplit
import Foundation

let file = URL(fileURLWithPath: "instances/streams/rate4-bw40.json")
let trace = try InstanceIO.load(StreamsFamily.self, contentsOf: file)
for solver in [StreamsSolvers.dp, StreamsSolvers.dqn, StreamsSolvers.greedy] {
  let outcome = try solver.solve(trace, options: SolverOptions(seed: 1))
  print(solver.name, outcome.objective!)             // total accuracy of on-time tasks
}
// A generated trace, and the offline DP with its exact settings (no grid, no beam) on 5 tasks:
let tiny = try StreamsGenerator.instance(name: "tiny", seed: 1, ratePerSecond: 12, uplinkMbps: 15, tasks: 5)
let dp = StreamsDP.solve(tiny, settings: .exact)
print(StreamsFamily.plan(dp.solution!, on: tiny))
// snippet.hide
let brute = StreamsBruteForce.solve(tiny)
precondition(abs(brute.objective! - StreamsFamily.evaluate(dp.solution!, on: tiny).objective) < 1e-9)
