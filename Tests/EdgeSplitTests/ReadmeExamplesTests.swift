import EdgeSplit
import Foundation
import Harness
import Testing

/// The README's code examples ("Using EdgeSplit from Swift"), run as written (paths made
/// absolute), so they cannot rot.
@Suite struct ReadmeExamplesTests {
  private static let instances = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../instances").standardized

  @Test func admissionFromAFile() throws {
    let instance = try InstanceIO.load(AdmissionFamily.self,
                                       contentsOf: Self.instances.appendingPathComponent("admission/small-01.json"))
    let exact = try AdmissionILP.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 10))
    #expect(exact.termination == .optimal)
    #expect(exact.objective == 6 && exact.bound == 6)
    let approximate = AdmissionApproximation.solve(instance)
    let verdict = AdmissionFamily.evaluate(try #require(approximate.solution), on: instance)
    #expect(verdict.isFeasible && verdict.objective >= 0.5 * 6)
    // Every admitted request: which cloudlet, how many device layers, how many threads.
    for admission in try #require(exact.solution).admissions {
      #expect(instance.cloudlets.indices.contains(admission.cloudlet) && admission.threads >= 1)
    }
    #expect(AdmissionFamily.plan(try #require(exact.solution), on: instance).contains("6 of"))
  }

  @Test func admissionBuiltInCode() throws {
    let model = ModelZoo.model(named: "alexnet")!
    let instance = try AdmissionInstance(
      name: "two-phones", models: [model],
      cloudlets: [Cloudlet(name: "edge-1", threads: 8, threadGflops: 40)],
      requests: [
        InferenceRequest(name: "phone-a", model: "alexnet", deviceGflops: 30, uplinkMbps: 20, delaysMs: [5], deadlineMs: 120),
        InferenceRequest(name: "phone-b", model: "alexnet", deviceGflops: 10, uplinkMbps: 5, delaysMs: [8], deadlineMs: 150),
      ])
    let outcome = try AdmissionILP.solve(instance, backend: GLPKSolver())
    #expect(outcome.isProvenOptimal)
    #expect(AdmissionFamily.evaluate(try #require(outcome.solution), on: instance).objective == outcome.objective)
  }

  @Test func surgeryBuiltInCode() throws {
    let instance = try SurgeryInstance(
      name: "googlenet-4g", model: ModelZoo.googlenet(), deviceGflops: 10, serverGflops: 1000,
      uplinkMbps: 5.85, objective: .latency)
    let best = DSL.solve(instance)
    #expect(best.termination == .optimal)
    let partition = try #require(best.solution)
    let verdict = SurgeryFamily.evaluate(partition, on: instance)
    #expect(verdict.isFeasible && abs(verdict.objective - best.objective!) < 1e-9)
    #expect(verdict.objective <= SurgeryFamily.evaluate(.allOnServer(instance.model), on: instance).objective)
    #expect(SurgeryFamily.plan(partition, on: instance).contains("device layers"))
  }

  @Test func fusedFromAFile() throws {
    let instance = try InstanceIO.load(FusedFamily.self,
                                       contentsOf: Self.instances.appendingPathComponent("fused/vgg16-r40-up20.json"))
    let swarm = PSOMW().solve(instance, options: SolverOptions(seed: 1))
    let verdict = FusedFamily.evaluate(try #require(swarm.solution), on: instance)
    #expect(verdict.isFeasible && abs(verdict.objective - swarm.objective!) < 1e-9)
    #expect(verdict.objective <= FusedBruteForce.noFusion(instance).objective!)
  }

  /// "Writing your own solver": a P2 solver that tries every prefix of the topological order,
  /// registered nowhere, run through the harness beside DSL.
  @Test func ownSolverThroughTheHarness() throws {
    let everyPrefix = Solver<SurgeryFamily>(name: "my-prefix-search", role: .heuristic,
                                            summary: "best prefix of the topological order") { instance, _ in
      let model = instance.model
      let best = (0...model.layers.count).map { model.partition(devicePrefix: $0) }
        .min { SurgeryFamily.evaluate($0, on: instance).objective < SurgeryFamily.evaluate($1, on: instance).objective }!
      return .finished(best, objective: SurgeryFamily.evaluate(best, on: instance).objective)
    }
    let instance = try SurgeryInstance(name: "resnet18-wifi", model: ModelZoo.model(named: "resnet18")!,
                                       deviceGflops: 20, serverGflops: 500, uplinkMbps: 18.88, objective: .latency)
    let runner = BenchmarkRunner(solvers: [AnySolver(everyPrefix), AnySolver(SurgerySolvers.dsl)],
                                 settings: SolverOptions(timeLimit: 10))
    let rows = runner.run([AnyInstance(SurgeryFamily.self, instance)])
    #expect(rows.map(\.solver) == ["p2-dsl", "my-prefix-search"])
    #expect(rows.allSatisfy { $0.failures.isEmpty && $0.feasible == true })
    #expect(rows[1].referenceKind == .optimum && rows[1].gapPercent! >= 0)
  }
}
