import EdgeSplitModel
import Foundation
@testable import Harness
import Testing

/// Two requests that each need both threads of the only cloudlet: optimum 1.
private func contested() throws -> AnyInstance {
  let model = try DNNModel(name: "m", inputBytes: 1000, layers: [
    Layer(name: "a", type: .fc, flops: 2e9, outputBytes: 10, paramBytes: 0, inputs: []),
    Layer(name: "b", type: .fc, flops: 2e9, outputBytes: 10, paramBytes: 0, inputs: ["a"]),
  ], parallelFraction: 1)
  let request = InferenceRequest(name: "r0", model: "m", deviceGflops: 1, uplinkMbps: 1000, delaysMs: [0], deadlineMs: 2_100)
  var second = request
  second.name = "r1"
  return AnyInstance(AdmissionFamily.self, try AdmissionInstance(
    name: "contested", models: [model], cloudlets: [Cloudlet(name: "c", threads: 2, threadGflops: 1)],
    requests: [request, second]))
}

private func fixed(_ name: String, _ role: SolverRole, _ admissions: [Admission], claimed: Double? = nil) -> AnySolver {
  AnySolver(Solver<AdmissionFamily>(name: name, role: role, summary: "fixed answer") { _, _ in
    SolverOutcome(solution: AdmissionSolution(admissions: admissions), objective: claimed, termination: .finished)
  })
}

@Suite struct RunnerTests {
  private func rows(_ solvers: [AnySolver]) throws -> [BenchmarkRow] {
    BenchmarkRunner(solvers: solvers, settings: SolverOptions(timeLimit: 10)).run([try contested()])
  }

  @Test func everyRegisteredSolverIsScoredAgainstTheExactReference() throws {
    let rows = try rows(Catalog.solvers)
    #expect(rows.map(\.solver) == Catalog.solvers.filter { $0.family == AnyFamily(AdmissionFamily.self) }.map(\.name))
    for row in rows {
      #expect(row.failures == [], "\(row.solver)")
      #expect(row.reference == 1 && row.referenceKind == .optimum)
      if row.role == "bound" {
        #expect(row.objective == nil && row.bound == 1, "\(row.solver)")
      } else {
        #expect(row.objective == 1, "\(row.solver)")
        #expect(row.gapPercent == 0, "\(row.solver)")
      }
    }
  }

  @Test func infeasibleSolutionIsAFailure() throws {
    let overbooked = fixed("overbooked", .heuristic, [
      Admission(request: 0, cloudlet: 0, devicePrefix: 0, threads: 2),
      Admission(request: 1, cloudlet: 0, devicePrefix: 0, threads: 2),
    ])
    let row = try rows([overbooked])[0]
    #expect(row.feasible == false)
    #expect(row.objective == nil)
    #expect(row.failures == ["cloudlet 'c': 4 threads given out, capacity 2"])
  }

  @Test func brokenRatioAndFalseClaimsAreFailures() throws {
    let idle = fixed("idle", .approximation(ratio: 0.5), [], claimed: 1)
    let rows = try rows(Catalog.solvers(matching: ["p1-ilp-pruned"]) + [idle])
    let row = try #require(rows.first { $0.solver == "idle" })
    #expect(row.ratioHolds == false)
    #expect(row.gapPercent == 100)
    #expect(row.failures == [
      "claimed objective 1.0 but the evaluator computes 0.0",
      "proven ratio 0.5 violated: 0.0 vs optimum 1.0",
    ])
  }

  @Test func beatingAClaimedOptimumIsAFailure() throws {
    // An "exact" solver that wrongly proves 0 is caught by a heuristic that admits one request.
    let wrongExact = AnySolver(Solver<AdmissionFamily>(name: "wrong", role: .exact, summary: "") { _, _ in
      SolverOutcome(solution: AdmissionSolution(admissions: []), objective: 0, bound: 0, termination: .optimal)
    })
    let lucky = fixed("lucky", .heuristic, [Admission(request: 0, cloudlet: 0, devicePrefix: 0, threads: 2)])
    let rows = try rows([wrongExact, lucky])
    #expect(rows[1].objective == 1)
    #expect(rows[1].failures == ["objective 1.0 is better than the optimum 0.0"])
  }
}

@Suite struct ReportTests {
  private func row(_ solver: String, gap: Double?, seconds: Double, failures: [String] = []) -> BenchmarkRow {
    BenchmarkRow(instance: "i", problem: "admission", size: 3, solver: solver, role: "heuristic", status: "done",
                 objective: 1, bound: nil, reference: gap == nil ? nil : 1, referenceKind: gap == nil ? .none : .optimum,
                 gapPercent: gap, ratio: nil, provenRatio: nil, ratioHolds: nil, feasible: true, failures: failures,
                 seconds: seconds)
  }

  @Test func aggregatesOnAHandMadeTable() {
    let rows = [row("a", gap: 0, seconds: 0), row("a", gap: 10, seconds: 3), row("b", gap: nil, seconds: 1, failures: ["x"])]
    let aggregates = Report.aggregates(rows)
    #expect(aggregates.map(\.solver) == ["a", "b"])
    #expect(aggregates[0].runs == 2 && aggregates[0].optimal == 1 && aggregates[0].solved == 2)
    #expect(aggregates[0].meanGapPercent == 5 && aggregates[0].worstGapPercent == 10)
    // exp((ln 1 + ln 4) / 2) − 1 = 2 − 1
    #expect(abs(aggregates[0].shiftedGeometricMeanSeconds - 1) < 1e-12)
    #expect(aggregates[1].meanGapPercent == nil && aggregates[1].failures == 1)
  }

  @Test func jsonParsesBack() throws {
    let rows = [row("a", gap: 0, seconds: 0.5), row("b", gap: nil, seconds: 1)]
    let text = try Report.json(rows, settings: SolverOptions(timeLimit: 5, seed: 9))
    let document = try JSONDecoder().decode(Report.Document.self, from: Data(text.utf8))
    #expect(document.rows == rows)
    #expect(document.schema == "edgesplit-bench/1")
    #expect(document.timeLimitSeconds == 5 && document.seed == 9)
  }

  @Test func csvQuotesFieldsThatNeedIt() {
    let text = Report.csv([row("a,b", gap: 0, seconds: 1, failures: ["say \"no\""])])
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[1].hasPrefix("i,admission,\"a,b\",heuristic,done,"))
    #expect(lines[1].hasSuffix(",\"say \"\"no\"\"\""))
  }

  @Test func globsMatchLikeAShell() {
    #expect(glob("p1-*", matches: "p1-ilp-full"))
    #expect(glob("p?-ilp-*", matches: "p1-ilp-full"))
    #expect(!glob("p2-*", matches: "p1-ilp-full"))
    #expect(glob("*", matches: ""))
  }
}

@Suite struct ShippedInstanceTests {
  @Test func shippedFilesAreExactlyWhatTheGeneratorWrites() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instances").standardized
    for (path, content) in try ShippedInstances.all() {
      let url = root.appendingPathComponent(path)
      switch content {
      case .instance(let instance):
        #expect(try InstanceIO.load(contentsOf: url, families: Catalog.families) == instance,
                "\(path) is stale: run `swift run solverbench generate`")
      case .model(let model):
        #expect(try JSONDecoder().decode(DNNModel.self, from: Data(contentsOf: url)) == model, "\(path) is stale")
      }
    }
  }
}

@Suite struct ParallelRunTests {
  /// Parallel runs (GLPK on several threads at once) give the same rows as a sequential run.
  @Test func jobsDoNotChangeResults() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instances/admission").standardized
    let instances = try BenchmarkRunner.instanceFiles(under: root).filter { $0.lastPathComponent.hasPrefix("small-") }
      .map { try InstanceIO.load(contentsOf: $0, families: Catalog.families) }
    let solvers = Catalog.solvers(matching: ["p1-*"])
    #expect(solvers.count == 8)
    let runner = BenchmarkRunner(solvers: solvers, settings: SolverOptions(timeLimit: 30))
    func stripped(_ rows: [BenchmarkRow]) -> [BenchmarkRow] { rows.map { var row = $0; row.seconds = 0; return row } }
    let sequential = stripped(runner.run(instances, jobs: 1))
    let parallel = stripped(runner.run(instances, jobs: 4))
    #expect(sequential.count == instances.count * solvers.count)
    #expect(parallel == sequential)
    #expect(sequential.allSatisfy { $0.failures.isEmpty })
  }

  @Test func shardsCoverEveryItemOnce() {
    let items = Array(0..<10)
    let shards = (1...3).map { BenchmarkRunner.shard(items, index: $0, of: 3) }
    #expect(shards == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]])
    #expect(shards.flatMap { $0 }.sorted() == items)
  }
}
