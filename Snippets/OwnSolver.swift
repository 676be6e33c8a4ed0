// Your own P2 solver, run through the harness beside DSL: the harness checks its solutions with
// the family's evaluator, compares its claimed objective, and measures its gap to DSL's optimum.
import EdgeSplit
import Harness

let everyPrefix = Solver<SurgeryFamily>(name: "my-prefix-search", role: .heuristic,
                                        summary: "best prefix of the topological order") { instance, _ in
  let model = instance.model
  let best = (0...model.layers.count).map { model.partition(devicePrefix: $0) }
    .min { SurgeryFamily.evaluate($0, on: instance).objective < SurgeryFamily.evaluate($1, on: instance).objective }!
  return .finished(best, objective: SurgeryFamily.evaluate(best, on: instance).objective)
}
let surgery = try SurgeryInstance(name: "resnet18-wifi", model: ModelZoo.resnet18(), deviceGflops: 20,
                                  serverGflops: 500, uplinkMbps: 18.88, objective: .latency)
let rows = BenchmarkRunner(solvers: [AnySolver(everyPrefix), AnySolver(SurgerySolvers.dsl)],
                           settings: SolverOptions(timeLimit: 10))
  .run([AnyInstance(SurgeryFamily.self, surgery)])
// rows[1]: my-prefix-search, its objective, gapPercent against DSL's proven optimum, failures (none)
for row in rows { print(row.solver, row.objective!, row.gapPercent ?? 0, row.failures) }
// snippet.hide
precondition(rows.map(\.solver) == ["p2-dsl", "my-prefix-search"] && rows.allSatisfy { $0.failures.isEmpty })
