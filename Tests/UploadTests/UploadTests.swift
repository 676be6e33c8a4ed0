import GLPKBinding
import EdgeSplitModel
import Foundation
import ModelZoo
import Testing
@testable import Upload
import UploadMILP

/// A three-layer chain A → B → C on a 1 GFLOP/s device with an 8 Mbit/s (10^6 B/s) uplink and a
/// 1 GFLOP/s server share, A on the device: the hand-computed timelines below use it.
private func handChain() throws -> (UploadInstance, UploadDecision) {
  let model = try DNNModel(name: "abc", inputBytes: 1_000_000, layers: [
    Layer(name: "A", type: .conv, flops: 1e9, outputBytes: 1_000_000, paramBytes: 0, inputs: []),
    Layer(name: "B", type: .conv, flops: 1e9, outputBytes: 1_000, paramBytes: 500_000, inputs: ["A"]),
    Layer(name: "C", type: .fc, flops: 0.5e9, outputBytes: 10, paramBytes: 2_000_000, inputs: ["B"]),
  ])
  let instance = try UploadInstance(
    name: "hand", ues: [UploadUE(name: "u", model: model, deviceGflops: 1, maxUplinkMbps: 8)],
    serverGflops: 1, bandwidthMbps: 8)
  return (instance, UploadDecision(onDevice: [true, false, false], computeGflops: 1, bandwidthMbps: 8))
}

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

@Suite struct UploadEvaluatorTests {
  /// Parallel: B's params 0–0.5 s, C's params from 0.5 s; A's tensor (released at 1 s) preempts
  /// them and is sent 1–2 s; C's params resume and arrive at 3.5 s. B runs 2–3 s; C's input is
  /// ready at 3 s but it waits for its parameters: 3.5–4 s.
  @Test func featureTensorOvertakesQueuedParametersAndLayerWaitsForItsParameters() throws {
    let (instance, decision) = try handChain()
    let timeline = UploadEvaluator.timeline(of: instance.ues[0], decision, mode: .parallel)
    #expect(close(timeline.finish[0][0], 1))
    #expect(close(timeline.paramsArrived[1], 0.5))
    #expect(close(timeline.start[0][1], 2))
    #expect(close(timeline.finish[0][1], 3))
    #expect(close(timeline.paramsArrived[2], 3.5))
    #expect(close(timeline.start[0][2], 3.5))
    #expect(close(timeline.completion, 4))
    let verdict = UploadEvaluator.evaluate(UploadSolution(uploading: .parallel, ues: [decision]), on: instance)
    #expect(verdict.isFeasible && close(verdict.objective, 4))
  }

  /// Serial: B's params are queued when A finishes (1 s), behind A's tensor (1–2 s): 2–2.5 s;
  /// B runs 2.5–3.5 s; only then are C's params queued: 3.5–5.5 s; C runs 5.5–6 s.
  @Test func serialUploadingWaitsForTheEarlierLayers() throws {
    let (instance, decision) = try handChain()
    let timeline = UploadEvaluator.timeline(of: instance.ues[0], decision, mode: .serial)
    #expect(close(timeline.paramsArrived[1], 2.5))
    #expect(close(timeline.start[0][1], 2.5))
    #expect(close(timeline.paramsArrived[2], 5.5))
    #expect(close(timeline.completion, 6))
  }

  /// All on the server: the input (1 s) goes before every parameter block; A has none and runs
  /// 1–2 s; B's params 1–1.5 s, B runs 2–3 s; C's params 1.5–3.5 s, C runs 3.5–4 s.
  @Test func inputTensorGoesFirst() throws {
    let (instance, decision) = try handChain()
    var allServer = decision
    allServer.onDevice = [false, false, false]
    let timeline = UploadEvaluator.timeline(of: instance.ues[0], allServer, mode: .parallel)
    #expect(close(timeline.start[0][0], 1))
    #expect(close(timeline.paramsArrived[1], 1.5))
    #expect(close(timeline.start[0][1], 2))
    #expect(close(timeline.paramsArrived[2], 3.5))
    #expect(close(timeline.completion, 4))
  }

  @Test func infeasibleDecisionsAreNamed() throws {
    let (instance, decision) = try handChain()
    func violations(_ change: (inout UploadDecision) -> Void) -> [String] {
      var d = decision
      change(&d)
      return UploadEvaluator.evaluate(UploadSolution(uploading: .parallel, ues: [d]), on: instance).violations
    }
    #expect(violations { $0.onDevice = [false, true, false] }.first?.contains("runs on the device but its input 'A'") == true)
    #expect(violations { $0.computeGflops = 2 }.contains("compute shares sum to 2.0 GFLOP/s, budget is 1.0"))
    #expect(violations { $0.computeGflops = 0 }.contains("UE 'u': runs FLOPs on the server with no compute share"))
    #expect(violations { $0.bandwidthMbps = 9 }.contains { $0.contains("exceeds its channel") })
    #expect(violations { $0.onDevice = [true, true, true]; $0.computeGflops = 0; $0.bandwidthMbps = 0 }.isEmpty)
    #expect(!UploadEvaluator.evaluate(UploadSolution(uploading: .parallel, ues: []), on: instance).isFeasible)
  }

  /// In parallel mode the sequential surrogate ARA plans with bounds the replayed completion.
  @Test func surrogateBoundsTheParallelTimeline() throws {
    for model in [UploadGenerator.smallChain(), UploadGenerator.smallDAG()] {
      let ue = UploadUE(name: "u", model: model, deviceGflops: 5, maxUplinkMbps: 30)
      for onDevice in model.deviceSets(limit: 1000)! {
        let timeline = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: 40, bandwidthMbps: 20), mode: .parallel)
        let surrogate = ARA.Demand(ue, onDevice: onDevice).surrogate(computeGflops: 40, bandwidthMbps: 20)
        #expect(timeline.completion <= surrogate * (1 + 1e-12))
      }
    }
  }

  @Test func badUploadFilesNameTheField() throws {
    let instance = try UploadGenerator.generate(name: "x", models: [UploadGenerator.smallChain()], ues: 2,
                                                serverGflops: 100, bandwidthMbps: 50, seed: 1)
    let text = String(decoding: try InstanceIO.encode(UploadFamily.self, instance), as: UTF8.self)
    #expect(text.contains("\"problem\" : \"upload\""))
    #expect(try InstanceIO.decode(UploadFamily.self, Data(text.utf8), file: "x.json") == instance)
    func loadError(_ json: String) -> String {
      do { _ = try InstanceIO.decode(UploadFamily.self, Data(json.utf8), file: "x.json"); return "loaded" } catch { return error.description }
    }
    #expect(loadError(text.replacingOccurrences(of: "\"bandwidthMbps\" : 50", with: "\"bandwidthMbps\" : 0"))
            == "x.json: bandwidthMbps: must be > 0, got 0.0")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    var ues = try #require(object["ues"] as? [[String: Any]])
    ues[1]["deviceGflops"] = -1
    object["ues"] = ues
    let slowDevice = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    #expect(loadError(slowDevice) == "x.json: ues[1].deviceGflops: must be > 0, got -1.0")
    #expect(loadError(text.replacingOccurrences(of: "\"flops\" : 1200000000", with: "\"flops\" : -1"))
            .hasPrefix("x.json: ues[0].model.layers[1].flops: must be >= 0"))
    #expect(loadError(text.replacingOccurrences(of: "\"ues\"", with: "\"devices\"")).hasPrefix("x.json: ues:"))
  }
}

@Suite struct ARATests {
  /// The KKT allocation is no worse than any point of a 1%-grid over the budget simplex.
  @Test func kktMatchesNumericSearch() throws {
    var rng = SeededGenerator(seed: 7)
    for _ in 0..<20 {
      let work = (0..<3).map { _ in rng.uniform(in: 0.1...10) }
      let caps = (0..<3).map { _ in rng.uniform(in: 0.2...1) }
      for caps in [[Double](repeating: .infinity, count: 3), caps] {
        let shares = ARA.waterFill(work, budget: 1, caps: caps)
        #expect(fitsWithin(shares.reduce(0, +), 1) && zip(shares, caps).allSatisfy { fitsWithin($0, $1) })
        func cost(_ x: [Double]) -> Double { zip(work, x).reduce(0) { $0 + $1.0 / $1.1 } }
        var best = Double.infinity
        for a in 1..<100 {
          for b in 1..<(100 - a) {
            let x = [Double(a), Double(b), Double(100 - a - b)].map { $0 / 100 }
            if zip(x, caps).allSatisfy({ $0 <= $1 }) { best = min(best, cost(x)) }
          }
        }
        #expect(cost(shares) <= best * (1 + 1e-12))
        #expect(cost(shares) >= best * 0.97)  // the grid is within a few percent of the optimum
        if caps.allSatisfy(\.isInfinite) {
          #expect(close(cost(shares), pow(work.reduce(0) { $0 + $1.squareRoot() }, 2)))
        }
      }
    }
  }
}

/// Small instances for cross-checks: synthetic chain and DAG models, 1–3 UEs.
func smallInstances() throws -> [UploadInstance] {
  let models = [UploadGenerator.smallChain(), UploadGenerator.smallDAG()]
  return try (0..<12).map { seed in
    try UploadGenerator.generate(name: "s\(seed)", models: models, ues: 1 + Int(seed) % 3,
                                 serverGflops: [20, 100, 400][Int(seed) % 3], bandwidthMbps: [10, 50, 200][Int(seed / 3) % 3],
                                 seed: seed)
  }
}

@Suite struct UploadSolverTests {
  /// PBT-DP against every partition at fixed shares: never better, exact on chains; prints how
  /// often it loses the optimum on the DAG (the README's figure).
  @Test func pbtdpAgainstExhaustiveSearch() throws {
    var lost = 0, cases = 0
    var rng = SeededGenerator(seed: 3)
    for model in [UploadGenerator.smallChain(), UploadGenerator.smallDAG()] {
      for _ in 0..<40 {
        let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...100), maxUplinkMbps: 100)
        let f = rng.uniform(in: 5...300), b = rng.uniform(in: 1...100)
        for mode in UploadMode.allCases {
          let found = PBTDP.partition(ue, computeGflops: f, bandwidthMbps: b, mode: mode)
          let optimum = model.deviceSets(limit: 1000)!.map {
            UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: $0, computeGflops: f, bandwidthMbps: b), mode: mode).completion
          }.min()!
          #expect(found.latency >= optimum * (1 - 1e-12))
          if model.isChain { #expect(close(found.latency, optimum)) }
          cases += 1
          if !close(found.latency, optimum) { lost += 1 }
        }
      }
    }
    print("PBT-DP lost the optimum in \(lost) of \(cases) cases")
  }

  /// The same on seeded random 10-layer DAGs (fan-in up to 3), where the dominance rule and the
  /// beam can bind: never better than the optimum; prints how often it loses it and by how much.
  @Test func pbtdpOnRandomDAGs() throws {
    var lost = 0, cases = 0, split = 0, worst = 0.0
    var rng = SeededGenerator(seed: 11)
    for seed in 0..<30 {
      let model = SyntheticNetworks.randomDAG(layers: 10, maxFanIn: 3, seed: UInt64(seed))
      let sets = try #require(model.deviceSets(limit: 1000))
      let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...100), maxUplinkMbps: 1000)
      let f = rng.uniform(in: 5...300), b = rng.uniform(in: 1...1000)
      for mode in UploadMode.allCases {
        let found = PBTDP.partition(ue, computeGflops: f, bandwidthMbps: b, mode: mode)
        let latencies = sets.map {
          UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: $0, computeGflops: f, bandwidthMbps: b), mode: mode).completion
        }
        let optimum = latencies.min()!
        #expect(found.latency >= optimum * (1 - 1e-12))
        cases += 1
        if Set(sets[latencies.firstIndex(of: optimum)!]).count == 2 { split += 1 }
        if !close(found.latency, optimum) { lost += 1 }
        worst = max(worst, found.latency / optimum - 1)
      }
    }
    print("PBT-DP on random DAGs lost the optimum in \(lost) of \(cases) cases (\(split) optima split the model), worst excess \(worst)")
  }

  /// Every solver's solution is feasible and its claimed objective is the evaluator's.
  @Test func everySolverIsCheckedByTheEvaluator() throws {
    let zoo = try UploadGenerator.generate(name: "zoo", models: [ModelZoo.resnet18(), ModelZoo.googlenet()], ues: 2,
                                           serverGflops: 300, bandwidthMbps: 100, seed: 5)
    for instance in try smallInstances() + [zoo] {
      for solver in UploadSolvers.all + UploadExactSolvers.all(backend: GLPKSolver()) where solver.skipReason(for: instance) == nil {
        let outcome = try solver.solve(instance)
        let solution = try #require(outcome.solution, "\(solver.name) on \(instance.name)")
        let verdict = UploadFamily.evaluate(solution, on: instance)
        #expect(verdict.isFeasible, "\(solver.name) on \(instance.name): \(verdict.violations)")
        #expect(outcome.objective == verdict.objective, "\(solver.name) on \(instance.name)")
        #expect(!UploadFamily.plan(solution, on: instance).contains("INFEASIBLE"))
        #expect(UploadFamily.graph(solution, on: instance).hasPrefix("digraph"))
      }
    }
  }
}

/// ARA's water-filling at the loader's magnitudes (issue 24, fixed on main; exact since issue 22):
/// demands 10⁻³⁰ to 10³⁰ apart, budgets 10⁻²⁰⁰ to 10²⁰⁰, never make the shares, summed in index
/// order as the evaluator sums them, spend more than the budget (they used to hand out
/// 100.0000007 Mbit/s of 100), and no share exceeds its cap.
@Suite struct WaterFillingLimitTests {
  @Test func sharesRespectTheBudgetAtExtremeMagnitudes() {
    var random = SeededGenerator(seed: 24)
    var spent = 0
    for trial in 0..<4_000 {
      let count = random.integer(in: 1...12)
      let work = (0..<count).map { _ in random.coin() && random.coin() ? 0 : pow(10, random.uniform(in: -30...30)) }
      let scale = trial % 2 == 0 ? 1 : pow(10, random.uniform(in: -200...200))
      let caps = (0..<count).map { _ in random.coin() ? .infinity : scale * pow(10, random.uniform(in: -3...3)) }
      let budget = scale * pow(10, random.uniform(in: -2...4))
      let shares = ARA.waterFill(work, budget: budget, caps: caps)
      #expect(shares.reduce(0, +) <= budget, "\(work) \(caps) \(budget): \(shares.reduce(0, +))")
      #expect(zip(shares, caps).allSatisfy { $0 >= 0 && $0 <= $1 })
      // Uncapped demand spends the budget (to rounding): the fix takes off ulps, not shares.
      if caps.allSatisfy(\.isInfinite) && work.contains(where: { $0 > 0 }) {
        #expect(shares.reduce(0, +) >= budget * (1 - 1e-12))
        spent += 1
      }
    }
    #expect(spent > 100)
  }

  /// Sums that round above the budget are brought under it exactly; sums that fit are untouched.
  @Test func withinBudgetIsExactAndLeavesFittingSharesAlone() {
    var random = SeededGenerator(seed: 22)
    for _ in 0..<2_000 {
      let count = random.integer(in: 2...40)
      let budget = pow(10, random.uniform(in: -100...100))
      // Shares meant to spend the budget exactly, in arbitrary proportions: their float sum is
      // often a few ulps above it.
      let weights = (0..<count).map { _ in pow(10, random.uniform(in: -12...0)) }
      let total = weights.reduce(0, +)
      let shares = weights.map { budget * $0 / total }
      let fitted = ARA.withinBudget(shares, budget: budget)
      #expect(fitted.reduce(0, +) <= budget)
      #expect(fitted.allSatisfy { $0 >= 0 })
      #expect(zip(fitted, shares).allSatisfy { $0 <= $1 && $0 >= $1 - budget * 1e-12 })
      if shares.reduce(0, +) <= budget { #expect(fitted == shares) }
    }
  }
}
