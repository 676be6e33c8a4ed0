import EdgeSplit
import Foundation
import Testing

/// The README's code examples, run as written (paths made absolute), so they cannot rot.
@Suite struct ReadmeExamplesTests {
  private static let instances = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../instances").standardized

  @Test func admissionExample() throws {
    guard case .admission(let instance) = try InstanceIO.load(
      contentsOf: Self.instances.appendingPathComponent("admission/small-01.json"))
    else { Issue.record("not a P1 instance"); return }
    let table = AdmissionTable(instance)
    let outcome = try AdmissionILP.solve(table, formulation: .pruned, options: SolveOptions(timeLimit: 10))
    #expect(outcome.termination == .optimal)
    #expect(outcome.bounds == ObjectiveBounds(primal: 6, dual: 6))
    let verdict = AdmissionEvaluator.evaluate(try #require(outcome.solution), on: instance)
    #expect(verdict.isFeasible && verdict.objective == 6)
    let approximate = AdmissionApproximation.solve(table)
    #expect(AdmissionEvaluator.evaluate(approximate, on: instance).objective >= 0.5 * 6)
  }

  @Test func surgeryExample() throws {
    let instance = try SurgeryInstance(
      name: "googlenet-4g", model: ModelZoo.googlenet(), deviceGflops: 10, serverGflops: 1000,
      uplinkMbps: 5.85, objective: .latency)
    let best = DSL.solve(instance)
    let verdict = SurgeryEvaluator.evaluate(best.partition, on: instance)
    #expect(verdict.isFeasible)
    #expect(abs(verdict.objective - best.stages.latency) < 1e-9)
    #expect(best.stages.latency <= SurgeryEvaluator.evaluate(.allOnServer(instance.model), on: instance).objective)
  }

  @Test func fusedExample() throws {
    guard case .fused(let instance) = try InstanceIO.load(
      contentsOf: Self.instances.appendingPathComponent("fused/vgg16-r40-up20.json"))
    else { Issue.record("not a P3 instance"); return }
    let tables = FusedTables(instance)
    let swarm = PSOMW().solve(tables, seed: 1)
    let verdict = FusedEvaluator.evaluate(swarm.decision, on: instance)
    #expect(verdict.isFeasible && abs(verdict.objective - swarm.makespan) < 1e-9)
    #expect(swarm.makespan <= FusedBruteForce.noFusion(tables).makespan)
  }
}
