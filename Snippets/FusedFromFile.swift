// P3 (fused-layer parallelism) from a shipped file, with a seed. Run from the package root.
import EdgeSplit
import Foundation

let file = URL(fileURLWithPath: "instances/fused/vgg16-r40-up20.json")
let instance = try InstanceIO.load(FusedFamily.self, contentsOf: file)
print(PSOMW().solve(instance, options: SolverOptions(seed: 1)))   // finished (no optimality proof), objective ...
let tables = FusedTables(instance)                   // tile geometry and path times, once
let swarm = PSOMW().solve(tables, seed: 1)           // PSOMW with the documented defaults
let exact = FusedBruteForce.solve(tables)            // BF
let noFusion = FusedBruteForce.noFusion(tables)      // NFL
print(swarm.makespan, exact.makespan, noFusion.makespan)
print(FusedFamily.plan(swarm.decision, on: instance))
// snippet.hide
precondition(exact.makespan <= swarm.makespan + 1e-12 && swarm.makespan <= noFusion.makespan + 1e-12)
