import EdgeSplitModel
import Foundation
import ModelZoo
import Testing
@testable import Upload

private func near(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

/// A one-layer model: `inputBytes` sent, then `flops` run with `paramBytes` of parameters.
private func oneLayer(_ name: String, inputBytes: Double, flops: Double, paramBytes: Double) throws -> DNNModel {
  try DNNModel(name: name, inputBytes: inputBytes, layers: [
    Layer(name: "l", type: .conv, flops: flops, outputBytes: 1_000, paramBytes: paramBytes, inputs: []),
  ])
}

/// A two-layer chain x → y: x (2 GFLOP, no parameters), y (1 GFLOP, 3 MB of parameters), 1 MB input.
private func twoLayers() throws -> DNNModel {
  try DNNModel(name: "xy", inputBytes: 1_000_000, layers: [
    Layer(name: "x", type: .conv, flops: 2e9, outputBytes: 1_000, paramBytes: 0, inputs: []),
    Layer(name: "y", type: .fc, flops: 1e9, outputBytes: 10, paramBytes: 3_000_000, inputs: ["x"]),
  ])
}

private func allServer(_ model: DNNModel, computeGflops: Double, bandwidthMbps: Double) -> UploadDecision {
  UploadDecision(onDevice: Array(repeating: false, count: model.layers.count), computeGflops: computeGflops, bandwidthMbps: bandwidthMbps)
}

@Suite struct RateScheduleTests {
  /// 2 units/s until 1 s, then 4, then 1 from 3 s.
  @Test func workAndCompletionFollowTheBreakpoints() {
    var schedule = RateSchedule(rate: 2)
    schedule.change(to: 4, at: 1)
    schedule.change(to: 1, at: 3)
    #expect(schedule.rate(at: 0.5) == 2 && schedule.rate(at: 1) == 4 && schedule.rate(at: 10) == 1)
    #expect(schedule.completion(of: 1, from: 0) == 0.5)  // before the first change
    #expect(schedule.completion(of: 6, from: 0.5) == 2.25)  // 1 unit by 1 s, 5 at 4/s
    #expect(schedule.completion(of: 10, from: 0.5) == 4)  // 1 + 8 by 3 s, 1 at 1/s
    #expect(schedule.completion(of: 0, from: 2) == 2)
    #expect(schedule.work(from: 0.5, to: 4) == 10)
    #expect(schedule.averageRate(until: 3) == 10.0 / 3)
    schedule.change(to: 5, at: 3)  // replaces the change at 3 s
    #expect(schedule.rate(at: 3) == 5 && schedule.changeTimes == [1, 3])
  }
}

@Suite struct ReallocationTests {
  /// Two UEs share F = 2 GFLOP/s and B = 16 Mbit/s equally (1 GFLOP/s and 8 Mbit/s = 10^6 B/s
  /// each), every layer on the server, channel caps 16 Mbit/s.
  /// - UE a (one layer, 1 GFLOP, 1 MB input): input 0–1 s, layer 1–2 s. It releases its
  ///   bandwidth at 1 s and its compute at 2 s; b is the only UE still using either.
  /// - UE b (``twoLayers()``): input 0–1 s. Static: y's 3 MB of parameters 1–4 s, x 1–3 s,
  ///   y 4–5 s; total 2 + 5 = 7 s. On release: from 1 s b sends at 16 Mbit/s (2·10^6 B/s), so
  ///   y's parameters arrive at 1 + 3/2 = 2.5 s; x runs 1 GFLOP by 2 s, then the remaining
  ///   1 GFLOP at 2 GFLOP/s: done at 2.5 s; y runs 2.5–3 s. Total 2 + 3 = 5 s.
  /// - b's effective shares: compute (1·2 + 2·1) / 3 = 4/3 GFLOP/s over [0, 3]; bandwidth
  ///   (8·1 + 16·1.5) / 2.5 = 12.8 Mbit/s over [0, 2.5]. a's stay 1 and 8.
  @Test func anEarlyFinishersSharesGoToTheOtherUE() throws {
    let a = try oneLayer("a", inputBytes: 1_000_000, flops: 1e9, paramBytes: 0)
    let b = try twoLayers()
    let instance = try UploadInstance(
      name: "two", ues: [UploadUE(name: "a", model: a, deviceGflops: 1, maxUplinkMbps: 16),
                         UploadUE(name: "b", model: b, deviceGflops: 1, maxUplinkMbps: 16)],
      serverGflops: 2, bandwidthMbps: 16, reallocation: .onRelease)
    let solution = UploadSolution(uploading: .parallel, ues: [
      allServer(a, computeGflops: 1, bandwidthMbps: 8), allServer(b, computeGflops: 1, bandwidthMbps: 8),
    ])
    let replay = UploadEvaluator.replay(solution, on: instance)
    let (ta, tb) = (replay.timelines[0], replay.timelines[1])
    #expect(ta.lastArrival == 1 && ta.start[0][0] == 1 && ta.lastServerFinish == 2)
    #expect(tb.start[0][0] == 1 && tb.finish[0][0] == 2.5)
    #expect(tb.paramsArrived[1] == 2.5 && tb.lastArrival == 2.5)
    #expect(tb.start[0][1] == 2.5 && tb.finish[0][1] == 3 && tb.completion == 3)
    #expect(replay.uplinkRates[1].rate(at: 1) == 2e6 && replay.computeRates[1].rate(at: 2) == 2e9)
    #expect(replay.uplinkRates[0].rate(at: 1) == 0 && replay.computeRates[0].rate(at: 2) == 0)
    let effective = replay.effectiveShares
    #expect(effective[0].computeGflops == 1 && effective[0].bandwidthMbps == 8)
    #expect(near(effective[1].computeGflops, 4.0 / 3) && near(effective[1].bandwidthMbps, 12.8))
    #expect(UploadEvaluator.evaluate(solution, on: instance).objective == 5)
    #expect(UploadEvaluator.evaluate(solution, on: try instance.withReallocation(.none)).objective == 7)
  }

  /// Three UEs, every layer on the server; B = 48 Mbit/s as 24 / 16 / 8, F = 4 GFLOP/s as 1 / 2 / 1.
  /// UE a's 3 MB input arrives at 1 s (24 Mbit/s = 3·10^6 B/s) and its layer runs 1–2 s; b and c
  /// are still uploading parameters (20 MB and 10 MB) then. At 1 s a's 24 Mbit/s are split 2 : 1
  /// between b and c (+16 and +8) unless a cap stops it: c capped at 12 takes 4 and b the other
  /// 20; with b capped at 20 as well 16 Mbit/s stay unused. At 2 s a's 1 GFLOP/s is split 2 : 1.
  @Test(arguments: [(100.0, 100.0, 32.0, 16.0), (100, 12, 36, 12), (20, 12, 20, 12)])
  func releasedSharesAreSplitInProportionUnderTheCaps(capB: Double, capC: Double, expectedB: Double, expectedC: Double) throws {
    let models = [try oneLayer("a", inputBytes: 3_000_000, flops: 1e9, paramBytes: 0),
                  try oneLayer("b", inputBytes: 1_000_000, flops: 1e9, paramBytes: 20_000_000),
                  try oneLayer("c", inputBytes: 1_000_000, flops: 1e9, paramBytes: 10_000_000)]
    let caps = [24, capB, capC]
    let instance = try UploadInstance(
      name: "three", ues: models.indices.map { UploadUE(name: models[$0].name, model: models[$0], deviceGflops: 1, maxUplinkMbps: caps[$0]) },
      serverGflops: 4, bandwidthMbps: 48, reallocation: .onRelease)
    let solution = UploadSolution(uploading: .parallel, ues: zip(models, [(1.0, 24.0), (2, 16), (1, 8)]).map {
      allServer($0, computeGflops: $1.0, bandwidthMbps: $1.1)
    })
    #expect(UploadEvaluator.problems(solution, on: instance).isEmpty)
    let replay = UploadEvaluator.replay(solution, on: instance)
    #expect(replay.timelines[0].lastArrival == 1 && replay.timelines[0].lastServerFinish == 2)
    #expect(replay.uplinkRates[1].rate(at: 1.5) == UploadEvaluator.bytesPerSecond(expectedB))
    #expect(replay.uplinkRates[2].rate(at: 1.5) == UploadEvaluator.bytesPerSecond(expectedC))
    #expect(near(replay.computeRates[1].rate(at: 2.5), (2 + 2.0 / 3) * 1e9))
    #expect(near(replay.computeRates[2].rate(at: 2.5), (1 + 1.0 / 3) * 1e9))
    if capB == 100 && capC == 100 {
      // b: input by 0.5 s, 1 MB of parameters by 1 s, the other 19 MB at 4·10^6 B/s: 5.75 s. Its
      // 32 Mbit/s go to c, then alone on the uplink: c sent 1 MB by 1 s and 9.5 MB by 5.75 s, and
      // the last 0.5 MB at 48 Mbit/s (6·10^6 B/s) take 1/12 s.
      #expect(replay.timelines[1].lastArrival == 5.75)
      #expect(near(replay.timelines[2].lastArrival, 5.75 + 1.0 / 12))
      #expect(replay.uplinkRates[2].rate(at: 5.8) == 6e6)
    }
  }

  /// A UE that holds shares it never uses (all its layers on the device) gives them away at 0:
  /// the other UE then runs exactly as if it had held the whole budget from the start.
  @Test func unusedSharesAreReleasedAtTimeZero() throws {
    let local = try oneLayer("local", inputBytes: 1_000_000, flops: 1e9, paramBytes: 0)
    let b = try twoLayers()
    let ues = [UploadUE(name: "local", model: local, deviceGflops: 1, maxUplinkMbps: 16),
               UploadUE(name: "b", model: b, deviceGflops: 1, maxUplinkMbps: 16)]
    let instance = try UploadInstance(name: "idle", ues: ues, serverGflops: 2, bandwidthMbps: 16, reallocation: .onRelease)
    let solution = UploadSolution(uploading: .parallel, ues: [
      UploadDecision(onDevice: [true], computeGflops: 1, bandwidthMbps: 8), allServer(b, computeGflops: 1, bandwidthMbps: 8),
    ])
    let replay = UploadEvaluator.replay(solution, on: instance)
    #expect(replay.timelines[1] == UploadEvaluator.timeline(of: ues[1], allServer(b, computeGflops: 2, bandwidthMbps: 16), mode: .parallel))
    #expect(replay.uplinkRates[0].rate(at: 0) == 0 && replay.computeRates[0].rate(at: 0) == 0)
  }

  /// Static shares: the joint evaluation is the sum of the per-UE timelines, bit for bit.
  @Test func staticSharesAreTheSumOfTheTimelines() throws {
    for (instance, solution) in try randomSolutions() {
      #expect(instance.reallocation == .none)
      let sum = instance.ues.indices.reduce(0.0) { $0 + UploadEvaluator.timeline(of: instance.ues[$1], solution.ues[$1], mode: solution.uploading).completion }
      #expect(UploadEvaluator.evaluate(solution, on: instance).objective == sum, "\(instance.name)")
    }
  }

  /// Rates only grow until a UE's release, so under reallocation no UE completes later; the
  /// released rates never exceed the budgets or the channel caps; and some solutions gain.
  @Test func reallocationNeverDelaysAUE() throws {
    var gained = 0
    for (staticInstance, solution) in try randomSolutions() {
      let instance = try staticInstance.withReallocation(.onRelease)
      let before = UploadEvaluator.replay(solution, on: staticInstance)
      let after = UploadEvaluator.replay(solution, on: instance)
      for (old, new) in zip(before.timelines, after.timelines) {
        #expect(new.completion <= old.completion * (1 + 1e-12), "\(instance.name)")
      }
      #expect(after.totalCompletion <= before.totalCompletion * (1 + 1e-12))
      if after.totalCompletion < before.totalCompletion * (1 - 1e-9) { gained += 1 }
      let times = Set((after.uplinkRates + after.computeRates).flatMap(\.changeTimes) + [0])
      for t in times {
        let bandwidth = after.uplinkRates.reduce(0) { $0 + $1.rate(at: t) }
        let compute = after.computeRates.reduce(0) { $0 + $1.rate(at: t) }
        #expect(fitsWithin(bandwidth, UploadEvaluator.bytesPerSecond(instance.bandwidthMbps)), "\(instance.name) at \(t)")
        #expect(fitsWithin(compute, UploadEvaluator.flopsPerSecond(instance.serverGflops)), "\(instance.name) at \(t)")
        for (ue, rates) in zip(instance.ues, after.uplinkRates) {
          #expect(fitsWithin(rates.rate(at: t), UploadEvaluator.bytesPerSecond(ue.maxUplinkMbps)))
        }
      }
    }
    #expect(gained > 0)
  }

  @Test func thePolicyIsReadWrittenAndChecked() throws {
    let instance = try UploadGenerator.generate(name: "x", models: [UploadGenerator.smallChain()], ues: 2,
                                                serverGflops: 100, bandwidthMbps: 50, seed: 1)
    let text = String(decoding: try InstanceIO.encode(UploadFamily.self, instance), as: UTF8.self)
    #expect(text.contains("\"reallocation\" : \"none\""))
    #expect(try InstanceIO.decode(UploadFamily.self, Data(text.utf8), file: "x.json").reallocation == .none)

    let reallocated = try instance.withReallocation(.onRelease)
    let reallocatedText = String(decoding: try InstanceIO.encode(UploadFamily.self, reallocated), as: UTF8.self)
    #expect(reallocatedText.contains("\"reallocation\" : \"onRelease\""))
    #expect(try InstanceIO.decode(UploadFamily.self, Data(reallocatedText.utf8), file: "x.json") == reallocated)
    #expect(try reallocated.renamed("y").reallocation == .onRelease)

    let bogus = reallocatedText.replacingOccurrences(of: "\"onRelease\"", with: "\"bogus\"")
    #expect(throws: InstanceLoadError(file: "x.json", path: "reallocation", message: "unknown policy 'bogus' (known: none, onRelease)")) {
      try InstanceIO.decode(UploadFamily.self, Data(bogus.utf8), file: "x.json")
    }
  }

  /// MJOA-MU on a fast-link instance where it offloads (the shipped `fast-ues-05`): its solution
  /// is feasible, its claimed objective is the evaluator's, and reallocation only helps it.
  @Test func mjoaMUPartitionsAtTheEffectiveShares() throws {
    let models = ["alexnet", "vgg16", "tinyyolov2", "resnet18", "googlenet", "mobilenetv2"].map { ModelZoo.model(named: $0)! }
    let instance = try UploadGenerator.generate(name: "fast", models: models, ues: 5, serverGflops: 500, bandwidthMbps: 1000,
                                                caps: UploadGenerator.fastUplinkMbps, reallocation: .onRelease, seed: 410)
    let outcome = MJOAMU.solve(instance)
    let solution = try #require(outcome.solution)
    #expect(solution.ues.contains { $0.onDevice.contains(false) })
    let verdict = UploadEvaluator.evaluate(solution, on: instance)
    #expect(verdict.isFeasible && outcome.objective == verdict.objective)
    #expect(verdict.objective <= UploadEvaluator.evaluate(solution, on: try instance.withReallocation(.none)).objective)
  }

  /// On small reallocating instances every solver's claimed objective is the evaluator's.
  @Test func smallReallocatingInstancesKeepTheSolverInvariants() throws {
    let models = [UploadGenerator.smallChain(), UploadGenerator.smallDAG()]
    for seed in UInt64(20)..<UInt64(26) {
      let instance = try UploadGenerator.generate(name: "r\(seed)", models: models, ues: 2 + Int(seed) % 2, serverGflops: 60,
                                                  bandwidthMbps: 80, reallocation: .onRelease, seed: seed)
      for solver in UploadSolvers.all where solver.skipReason(for: instance) == nil {
        let outcome = try solver.solve(instance)
        let solution = try #require(outcome.solution, "\(solver.name) on \(instance.name)")
        #expect(outcome.objective == UploadFamily.evaluate(solution, on: instance).objective, "\(solver.name) on \(instance.name)")
      }
    }
  }
}

/// Seeded static instances (synthetic and zoo models, 2–4 UEs) each with random feasible
/// solutions: random closed partitions and random positive shares that spend part of the budgets.
func randomSolutions() throws -> [(UploadInstance, UploadSolution)] {
  let small = [UploadGenerator.smallChain(), UploadGenerator.smallDAG()]
  let zoo = [ModelZoo.alexnet(), ModelZoo.resnet18()]
  var cases: [(UploadInstance, UploadSolution)] = []
  for seed in UInt64(0)..<UInt64(8) {
    let instance = try UploadGenerator.generate(
      name: "random\(seed)", models: seed < 6 ? small : zoo, ues: 2 + Int(seed) % 3,
      serverGflops: [30, 300][Int(seed) % 2], bandwidthMbps: [20, 200, 1000][Int(seed) % 3],
      caps: UploadGenerator.fastUplinkMbps, seed: seed)
    for draw in 0..<6 {
      let solution = randomSolution(on: instance, seed: seed * 100 + UInt64(draw))
      #expect(UploadEvaluator.problems(solution, on: instance).isEmpty)
      cases.append((instance, solution))
    }
  }
  return cases
}
