import EdgeSplitModel
import Foundation
@testable import Streams
import Testing

/// A two-exit model with round numbers: at 1 GFLOP/s, 8 Mbit/s and a 10 GFLOP/s server,
/// 10^7 device FLOPs = 10 ms, 10^4 bytes = 10 ms, 10^8 server FLOPs = 10 ms.
private func handModel() -> StreamsModel {
  StreamsModel(name: "toy", accuracySource: "illustrative", exits: [
    StreamsExit(name: "early", accuracy: 0.5, cuts: [
      StreamsCut(after: "input", deviceFlops: 0, sendBytes: 10_000, serverFlops: 1e8),
      StreamsCut(after: "early", deviceFlops: 2e7, sendBytes: 0, serverFlops: 0),
    ]),
    StreamsExit(name: "final", accuracy: 0.8, cuts: [
      StreamsCut(after: "conv", deviceFlops: 1e7, sendBytes: 20_000, serverFlops: 2e8),
      StreamsCut(after: "final", deviceFlops: 8e7, sendBytes: 0, serverFlops: 0),
    ]),
  ])
}

private func handInstance() throws -> StreamsInstance {
  let streams = (0..<2).map {
    TaskStream(name: "s\($0)", model: 0, deviceGflops: 1, uplinkMbps: 8, deadlineMs: 100, arrivals: "hand")
  }
  return try StreamsInstance(name: "hand", serverGflops: 10, models: [handModel()], streams: streams, tasks: [
    StreamTask(stream: 0, arrivalMs: 0), StreamTask(stream: 1, arrivalMs: 5),
    StreamTask(stream: 0, arrivalMs: 10), StreamTask(stream: 0, arrivalMs: 20),
  ])
}

/// A generated trace cut to its first `tasks` tasks, busy enough for queues to interact.
private func tiny(seed: UInt64, tasks: Int) throws -> StreamsInstance {
  let full = try StreamsGenerator.instance(name: "tiny\(seed)", seed: seed, ratePerSecond: 12, uplinkMbps: 15, tasks: 12)
  return try full.with(tasks: Array(full.tasks.prefix(tasks)))
}

@Suite struct StreamsTests {
  @Test func evaluatorMatchesHandComputedQueues() throws {
    let instance = try handInstance()
    let schedule = StreamsSchedule(decisions: [
      StreamsDecision(exit: 1, cut: 1),  // s0 @0: device 0–80 ms: on time, +0.8
      StreamsDecision(exit: 0, cut: 0),  // s1 @5: uplink1 5–15, server 15–25: 20 ms, +0.5
      StreamsDecision(exit: 1, cut: 0),  // s0 @10: device 80–90, uplink0 90–110, server 110–130: 120 ms, missed
      StreamsDecision(exit: 0, cut: 0),  // s0 @20: no device work, uplink0 110–120, server 130–140: 120 ms, missed
    ])
    let results = StreamsEvaluator.replay(schedule, on: instance)
    let latencies = results.map { ($0.latency * 1000 * 1e6).rounded() / 1e6 }
    #expect(latencies == [80, 20, 120, 120])
    #expect(results.map(\.onTime) == [true, true, false, false])
    let verdict = StreamsFamily.evaluate(schedule, on: instance)
    #expect(verdict.isFeasible)
    #expect(abs(verdict.objective - 1.3) < 1e-12)
    let plan = StreamsFamily.plan(schedule, on: instance)
    #expect(plan.contains("stream s0 (toy, deadline 100 ms): 3 tasks, 2 deadline misses"))
  }

  @Test func evaluatorRejectsBadDecisions() throws {
    let instance = try handInstance()
    let short = StreamsFamily.evaluate(StreamsSchedule(decisions: []), on: instance)
    #expect(short.violations == ["the schedule has 0 decisions for 4 tasks"])
    let bad = StreamsSchedule(decisions: Array(repeating: StreamsDecision(exit: 1, cut: 5), count: 4))
    #expect(StreamsFamily.evaluate(bad, on: instance).violations.first?.hasPrefix("decisions[0].cut:") == true)
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func exactDPEqualsBruteForce(seed: UInt64) throws {
    let instance = try tiny(seed: seed, tasks: 4)
    let bf = StreamsBruteForce.solve(instance)
    let dp = StreamsDP.solve(instance, settings: .exact)
    #expect(bf.objective! > 0)
    #expect(abs(dp.objective! - bf.objective!) < 1e-9)
    let coarse = StreamsDP.solve(instance, settings: .init(grid: 0.05, maxStates: nil))
    #expect(coarse.objective! <= bf.objective! + 1e-9)
  }

  @Test func everySolverIsAcceptedByTheEvaluator() throws {
    let instance = try tiny(seed: 9, tasks: 4)
    for solver in StreamsSolvers.all {
      #expect(solver.skipReason(for: instance) == nil, "\(solver.name)")
      let outcome = try solver.solve(instance, options: .init(seed: 3))
      let verdict = StreamsFamily.evaluate(try #require(outcome.solution), on: instance)
      #expect(verdict.isFeasible, "\(solver.name)")
      #expect(outcome.objective == verdict.objective, "\(solver.name)")
      if solver.role == .exact { #expect(outcome.isProvenOptimal) }
    }
    let large = try StreamsGenerator.instance(name: "large", seed: 4)
    #expect(StreamsSolvers.bruteForce.skipReason(for: large) != nil)
  }

  @Test func badFilesNameTheField() throws {
    let instance = try handInstance()
    var json = try #require(try JSONSerialization.jsonObject(with: InstanceIO.encode(StreamsFamily.self, instance)) as? [String: Any])
    var tasks = try #require(json["tasks"] as? [[String: Any]])
    tasks[2]["arrivalMs"] = 1
    json["tasks"] = tasks
    let data = try JSONSerialization.data(withJSONObject: json)
    #expect {
      _ = try InstanceIO.decode(StreamsFamily.self, data, file: "bad.json")
    } throws: { error in
      "\(error)" == "bad.json: tasks[2].arrivalMs: tasks must be sorted by arrival, got 1.0 after 5.0"
    }
    var model = json
    var streams = try #require(json["streams"] as? [[String: Any]])
    streams[1]["model"] = 3
    model["streams"] = streams
    #expect {
      _ = try InstanceIO.decode(StreamsFamily.self, try JSONSerialization.data(withJSONObject: model), file: "m.json")
    } throws: { error in
      "\(error)".hasPrefix("m.json: streams[1].model: must index models")
    }
  }

  @Test func generatorIsSeeded() throws {
    let a = try StreamsGenerator.instance(name: "a", seed: 11)
    let b = try StreamsGenerator.instance(name: "a", seed: 11)
    #expect(a == b)
    #expect(a.tasks.count == 48)
    #expect(a.models.map(\.exits.count) == [3, 4])
  }

  private static func smallTraining() -> StreamsTraining.Configuration {
    var c = StreamsTraining.Configuration()
    c.tasksPerEpisode = 24
    c.hidden = [16]
    c.batch = 16
    c.historicalTraces = 2
    c.pretrainSteps = 50
    c.dp = .init(grid: 0.01, maxStates: 50)
    return c
  }

  @Test func trainingIsReproducible() {
    let a = StreamsTraining.train(seed: 5, episodes: 2, configuration: Self.smallTraining())
    let b = StreamsTraining.train(seed: 5, episodes: 2, configuration: Self.smallTraining())
    #expect(a.policy == b.policy)
    #expect(a.episodeLosses == b.episodeLosses)
  }

  @Test func learnerLossFallsAndBeatsRandom() throws {
    let outcome = StreamsTraining.train(seed: 1, episodes: 30, configuration: Self.smallTraining())
    let losses = outcome.episodeLosses
    let early = losses.prefix(5).reduce(0, +), late = losses.suffix(5).reduce(0, +)
    #expect(late < early, "losses \(losses)")
    let instance = try StreamsGenerator.instance(name: "test", seed: 77, tasks: 32)
    let learned = StreamsEvaluator.evaluate(outcome.policy.schedule(instance), on: instance).objective
    let random = StreamsBaselines.solve(instance, policy: .random, seed: 1).objective!
    #expect(learned > random)
  }

  @Test func shippedPolicyLoads() throws {
    let policy = try StreamsPolicy.shipped()
    #expect(policy.network.sizes.first == StreamsFeatures.count)
    #expect(throws: (any Error).self) { try StreamsPolicy.load(Data("{}".utf8)) }
  }
}

@Suite struct StreamsRegimeTests {
  @Test func lateTasksAreDroppedOnlyWhenTheInstanceSaysSo() throws {
    let run = try handInstance()
    var fields = run.fields
    fields.dropLate = true
    let drop = try StreamsInstance(validating: fields)
    let schedule = StreamsSchedule(decisions: [
      StreamsDecision(exit: 1, cut: 1),  // s0 @0: device 0–80 ms, +0.8
      StreamsDecision(exit: 1, cut: 1),  // s1 @5: device1 5–85, +0.8
      StreamsDecision(exit: 1, cut: 1),  // s0 @10: device 80–160: 150 ms, late (dropped: device stays free at 80)
      StreamsDecision(exit: 0, cut: 1),  // s0 @20: device 80–100 when @10 was dropped (80 ms, +0.5), else 160–180 (160 ms, late)
    ])
    let ran = StreamsEvaluator.replay(schedule, on: run)
    #expect(ran.map(\.dropped) == [false, false, false, false])
    #expect(ran.map(\.onTime) == [true, true, false, false])
    let dropped = StreamsEvaluator.replay(schedule, on: drop)
    #expect(dropped.map(\.dropped) == [false, false, true, false])
    #expect(dropped.map(\.onTime) == [true, true, false, true])
    #expect(abs(StreamsFamily.evaluate(schedule, on: drop).objective - 2.1) < 1e-12)
    #expect(abs(StreamsFamily.evaluate(schedule, on: run).objective - 1.6) < 1e-12)
    // Files without the field read as `dropLate: false`; the field is written back.
    let data = try InstanceIO.encode(StreamsFamily.self, drop)
    #expect(String(decoding: data, as: UTF8.self).contains("\"dropLate\" : true"))
    var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    json.removeValue(forKey: "dropLate")
    let old = try InstanceIO.decode(StreamsFamily.self, try JSONSerialization.data(withJSONObject: json), file: "old.json")
    #expect(old.dropLate == false)
  }

  @Test func releasesBeyondTheExactRangeAreRejected() throws {
    let instance = try handInstance()
    #expect {
      _ = try instance.with(tasks: [StreamTask(stream: 0, arrivalMs: 1e18)])
    } throws: { error in
      "\(error)".hasPrefix("tasks[0].arrivalMs: must be at most")
    }
  }

  @Test(arguments: [StreamsRegime.standard] + StreamsRegime.congested)
  func regimesAreSeededAndShapedAsDeclared(regime: StreamsRegime) throws {
    var small = regime
    small.tasks = 120
    let a = try StreamsGenerator.instance(regime: small, seed: 3)
    #expect(a == (try StreamsGenerator.instance(regime: small, seed: 3)))
    #expect(a != (try StreamsGenerator.instance(regime: small, seed: 4)))
    #expect(a.name == "\(regime.name)-3")
    #expect(a.tasks.count == 120)
    #expect(a.streams.count == regime.streams)
    #expect(a.serverGflops == regime.serverGflops)
    if regime.pattern == .batch {
      // Batches of the heavy model share their release time.
      let heavy = a.tasks.filter { a.streams[$0.stream].arrivals.hasPrefix("batches of \(regime.batchSize)") }
      #expect(!heavy.isEmpty)
      #expect(Set(heavy.map(\.arrivalMs)).count * regime.batchSize <= heavy.count + regime.batchSize)
    }
  }

  @Test func standardRegimeIsTheOriginalGenerator() throws {
    var regime = StreamsRegime.standard
    regime.ratePerSecond = 6
    regime.tasks = 30
    let viaRegime = try StreamsGenerator.instance(regime: regime, seed: 8, name: "x")
    let original = try StreamsGenerator.instance(name: "x", seed: 8, ratePerSecond: 6, tasks: 30)
    #expect(viaRegime == original)
  }

  @Test func badRegimesNameTheParameter() {
    var regime = StreamsRegime.bursty
    regime.burstFactor = 0.5
    #expect { _ = try StreamsGenerator.instance(regime: regime, seed: 1) } throws: { "\($0)".hasPrefix("burstFactor:") }
  }
}

@Suite struct StreamsReferenceTests {
  /// A congested trace cut to `tasks` tasks, optionally dropping late tasks.
  private func congested(_ regime: StreamsRegime, seed: UInt64, tasks: Int, dropLate: Bool) throws -> StreamsInstance {
    var r = regime
    r.tasks = tasks
    r.dropLate = dropLate
    return try StreamsGenerator.instance(regime: r, seed: seed)
  }

  @Test(arguments: [false, true], [1, 2, 3] as [UInt64])
  func exactSearchEqualsBruteForce(dropLate: Bool, seed: UInt64) throws {
    for regime in [StreamsRegime.bursty, .weakServer] {
      let instance = try congested(regime, seed: seed, tasks: 5, dropLate: dropLate)
      let bf = StreamsBruteForce.solve(instance)
      let exact = StreamsExact.solve(instance)
      #expect(exact.isProvenOptimal)
      #expect(abs(exact.objective! - bf.objective!) < 1e-9, "\(instance.name) dropLate \(dropLate)")
      #expect(StreamsEvaluator.evaluate(exact.solution!, on: instance).objective == exact.objective)
      // Every bound the reference can fall back to bounds the optimum.
      let suffix = try #require(StreamsExact.suffixBound(instance, deadline: nil))
      #expect(suffix[0] >= bf.objective! - 1e-9)
      #expect(StreamsExact.lagrangianBound(instance, best: 0, deadline: nil, lengths: [0.05, 0.1]).bound >= bf.objective! - 1e-9)
      // Halving a stream's tasks (each half from empty queues) never lowers its optimum alone.
      let s0 = instance.tasks.indices.filter { instance.tasks[$0].stream == instance.tasks[0].stream }
      let whole = StreamsExact.alone(instance, s0).value
      let halves = StreamsExact.alone(instance, Array(s0.prefix(1))).value + StreamsExact.alone(instance, Array(s0.dropFirst())).value
      #expect(halves >= whole - 1e-9)
    }
  }

  @Test func longTracesGetABoundAndTheBestScheduleFound() throws {
    let instance = try congested(.weakServer, seed: 4, tasks: 70, dropLate: false)
    let outcome = StreamsExact.solve(instance, options: .init(timeLimit: 30))
    let bound = try #require(outcome.bound)
    #expect(bound >= outcome.objective!)
    #expect(outcome.objective! >= StreamsBaselines.solve(instance, policy: .greedy).objective!)
    #expect(!outcome.isProvenOptimal)
  }

  @Test(arguments: StreamsRegime.congested)
  func dpIsNeverBelowGreedy(regime: StreamsRegime) throws {
    for seed in 1...3 as ClosedRange<UInt64> {
      let instance = try congested(regime, seed: seed, tasks: 60, dropLate: seed == 3)
      let greedy = StreamsBaselines.solve(instance, policy: .greedy).objective!
      for settings in [StreamsDP.Settings(), .init(grid: 0.01, maxStates: 20, rank: 0), .init(maxStates: 5, rank: 2)] {
        let dp = StreamsDP.solve(instance, settings: settings)
        #expect(dp.objective! >= greedy, "\(instance.name) \(settings)")
        #expect(StreamsEvaluator.evaluate(dp.solution!, on: instance).objective == dp.objective)
      }
    }
  }

  @Test func dpStopsWhenTheTimeIsUp() throws {
    let instance = try congested(.bursty, seed: 1, tasks: 200, dropLate: false)
    let outcome = try StreamsSolvers.dp.solve(instance, options: .init(timeLimit: 0))
    #expect(outcome.termination == .feasible(limit: .time))
    #expect(outcome.solution?.decisions.count == 200)
    #expect(outcome.objective! >= StreamsBaselines.solve(instance, policy: .greedy).objective!)
  }
}
