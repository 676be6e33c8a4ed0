import EdgeSplitModel
import Foundation
import GLPKBinding
import ModelZoo
import Testing
@testable import Upload
import UploadMILP

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

/// A two-layer chain A → B: A 1 GFLOP (1 s on the 1 GFLOP/s device), its output 1 MB (1 s at
/// 8 Mbit/s = 10^6 B/s); B 0.5 GFLOP (0.5 s at a 1 GFLOP/s share) with 2.5 MB of parameters
/// (2.5 s); A has 0.5 MB of parameters, the input is 1 MB.
private func handUE(frames: Int) throws -> UploadUE {
  let model = try DNNModel(name: "ab", inputBytes: 1_000_000, layers: [
    Layer(name: "A", type: .conv, flops: 1e9, outputBytes: 1_000_000, paramBytes: 500_000, inputs: []),
    Layer(name: "B", type: .fc, flops: 0.5e9, outputBytes: 10, paramBytes: 2_500_000, inputs: ["A"]),
  ])
  return UploadUE(name: "u", model: model, deviceGflops: 1, maxUplinkMbps: 8, frames: frames)
}

/// Issue 22, item 3: a model uploaded once for several inferences (``UploadUE/frames``).
@Suite struct FramesTimelineTests {
  /// Parallel, A on the device, 3 frames. Device: A 0–1, 1–2, 2–3 s. Uplink: B's parameters from
  /// 0; frame 1's tensor (released at 1) preempts them, 1–2; they resume and arrive at 3.5.
  /// Frame 2's tensor (released at 2) and frame 3's (at 3) come after the parameters: 3.5–4.5 and
  /// 4.5–5.5. Server: B of frame 1 3.5–4, frame 2 4.5–5, frame 3 5.5–6.
  @Test func splitChainWithThreeFramesByHand() throws {
    let ue = try handUE(frames: 3)
    let timeline = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: [true, false], computeGflops: 1, bandwidthMbps: 8),
                                            mode: .parallel)
    #expect(timeline.finish.map { $0[0] }.map { ($0 * 1e9).rounded() / 1e9 } == [1, 2, 3])
    #expect(close(timeline.paramsArrived[1], 3.5))
    for (frame, (start, finish)) in [(3.5, 4.0), (4.5, 5.0), (5.5, 6.0)].enumerated() {
      #expect(close(timeline.start[frame][1], start) && close(timeline.finish[frame][1], finish), "frame \(frame + 1)")
    }
    #expect(close(timeline.lastArrival, 5.5) && close(timeline.lastServerFinish, 6))
    #expect(close(timeline.completion, 6))
  }

  /// Serial, same split: B's parameters are queued when frame 1's A finishes (1 s), behind frame
  /// 1's tensor (1–2 s): 2–4.5 s; frame 2's and 3's tensors follow, 4.5–5.5 and 5.5–6.5. B runs
  /// 4.5–5, 5.5–6, 6.5–7.
  @Test func serialSplitChainWithThreeFramesByHand() throws {
    let ue = try handUE(frames: 3)
    let timeline = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: [true, false], computeGflops: 1, bandwidthMbps: 8),
                                            mode: .serial)
    #expect(close(timeline.paramsArrived[1], 4.5))
    #expect(close(timeline.start[1][1], 5.5) && close(timeline.start[2][1], 6.5))
    #expect(close(timeline.completion, 7))
  }

  /// Parallel, everything on the server, 3 frames. Uplink: frame 1's input 0–1, A's parameters
  /// 1–1.5, B's 1.5–4, frame 2's input 4–5, frame 3's 5–6. Server: A 1.5–2.5 and B 4–4.5 (frame 1),
  /// A 5–6 and B 6–6.5 (frame 2), A 6.5–7.5 and B 7.5–8 (frame 3).
  @Test func allOnTheServerWithThreeFramesByHand() throws {
    let ue = try handUE(frames: 3)
    let timeline = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: [false, false], computeGflops: 1, bandwidthMbps: 8),
                                            mode: .parallel)
    #expect(close(timeline.paramsArrived[0], 1.5) && close(timeline.paramsArrived[1], 4))
    let expected: [[(Double, Double)]] = [[(1.5, 2.5), (4, 4.5)], [(5, 6), (6, 6.5)], [(6.5, 7.5), (7.5, 8)]]
    for frame in 0..<3 {
      for layer in 0..<2 {
        #expect(close(timeline.start[frame][layer], expected[frame][layer].0), "frame \(frame + 1) layer \(layer)")
        #expect(close(timeline.finish[frame][layer], expected[frame][layer].1), "frame \(frame + 1) layer \(layer)")
      }
    }
    #expect(close(timeline.completion, 8))
  }

  /// All on the device: the frames run back to back.
  @Test func allLocalFramesRunBackToBack() throws {
    let ue = try handUE(frames: 4)
    let timeline = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: [true, true], computeGflops: 0, bandwidthMbps: 0),
                                            mode: .parallel)
    #expect(close(timeline.completion, 6) && timeline.lastArrival == 0 && timeline.lastServerFinish == 0)
  }

  /// The evaluator against an independent time-stepped replay (``steppedCompletion``) on random
  /// chains and DAGs, partitions, shares, 1–4 frames and both modes.
  @Test func agreesWithATimeSteppedReplay() throws {
    var rng = SeededGenerator(seed: 220)
    let models = [UploadGenerator.smallChain(), UploadGenerator.smallDAG()]
      + (0..<3).map { SyntheticNetworks.randomDAG(layers: 6, maxFanIn: 2, seed: $0) }
    var compared = 0
    for model in models {
      let sets = try #require(model.deviceSets(limit: 1_000))
      for _ in 0..<4 {
        let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...20), maxUplinkMbps: 1_000,
                          frames: rng.integer(in: 1...4))
        let onDevice = sets[rng.integer(in: sets.indices)]
        // Shares that make each resource take a comparable part of a few seconds.
        let f = rng.uniform(in: 2...20), b = rng.uniform(in: 10...40)
        for mode in UploadMode.allCases {
          let exact = UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: mode)
          let dt = 5e-4
          let stepped = steppedCompletion(ue, onDevice, computeGflops: f, bandwidthMbps: b, mode: mode, dt: dt)
          // Each event of the stepped replay may come up to a step late.
          let events = Double(ue.frames * (2 * model.layers.count + 1) + model.layers.count)
          #expect(abs(stepped - exact.completion) <= 2 * events * dt, "\(model.name) \(mode) frames \(ue.frames): \(stepped) vs \(exact.completion)")
          compared += 1
        }
      }
    }
    #expect(compared == models.count * 8)
  }
}

/// One UE's completion time replayed in steps of `dt` seconds, written from the rules of the
/// evaluator's timing model and sharing none of its code: the device runs the frames' device
/// layers back to back; in each step the uplink gives its bytes to the released unsent items in
/// priority order (frame 1's tensors by release, then parameters by execution order, then later
/// frames' tensors by frame and release) and the server works on the next job of the frame-major
/// sequence once it was ready at the step's start. Events land at most about a step late.
func steppedCompletion(
  _ ue: UploadUE, _ onDevice: [Bool], computeGflops f: Double, bandwidthMbps b: Double, mode: UploadMode, dt: Double
) -> Double {
  let model = ue.model, order = ue.order, frames = ue.frames, n = model.layers.count
  var position = [Int](repeating: 0, count: n)
  for (p, v) in order.enumerated() { position[v] = p }
  var deviceFinish = [[Double]](repeating: [Double](repeating: 0, count: n), count: frames)
  var clock = 0.0
  for frame in 0..<frames {
    for v in order where onDevice[v] {
      clock += model.layers[v].flops / (ue.deviceGflops * 1e9)
      deviceFinish[frame][v] = clock
    }
  }
  let server = order.filter { !onDevice[$0] }
  if server.isEmpty { return clock }
  struct Item { var rank: [Double]; var release: Double?; var left: Double; var layer: Int?; var frame: Int; var isParameter: Bool; var arrival = Double.infinity }
  var items: [Item] = []
  for frame in 0..<frames {
    let rankClass = frame == 0 ? 0.0 : 2.0
    if server.contains(where: { model.predecessors[$0].isEmpty }) {
      items.append(Item(rank: [rankClass, Double(frame), 0, -1], release: 0, left: model.inputBytes, layer: nil, frame: frame, isParameter: false))
    }
    for v in order where onDevice[v] && model.successors[v].contains(where: { !onDevice[$0] }) {
      items.append(Item(rank: [rankClass, Double(frame), deviceFinish[frame][v], Double(position[v])], release: deviceFinish[frame][v],
                        left: model.layers[v].outputBytes, layer: v, frame: frame, isParameter: false))
    }
  }
  for v in server where model.layers[v].paramBytes > 0 {
    items.append(Item(rank: [1, 0, 0, Double(position[v])], release: mode == .parallel ? 0 : nil, left: model.layers[v].paramBytes,
                      layer: v, frame: 0, isParameter: true))
  }
  let jobs = (0..<frames).flatMap { frame in server.map { (frame: frame, layer: $0) } }
  var jobFinish = [Double](repeating: .infinity, count: jobs.count)
  var jobLeft = jobs.map { model.layers[$0.layer].flops }
  func finish(_ frame: Int, _ v: Int) -> Double {
    onDevice[v] ? deviceFinish[frame][v] : jobFinish[frame * server.count + server.firstIndex(of: v)!]
  }
  func tensorArrival(_ frame: Int, _ producer: Int?) -> Double {
    items.first { !$0.isParameter && $0.frame == frame && $0.layer == producer }!.arrival
  }
  func parametersArrival(_ v: Int) -> Double { items.first { $0.isParameter && $0.layer == v }?.arrival ?? 0 }
  let bytesPerSecond = b * 1e6 / 8, flopsPerSecond = f * 1e9
  var current = 0, started = false
  var t = 0.0
  while current < jobs.count {
    if mode == .serial {
      for k in items.indices where items[k].isParameter && items[k].release == nil
        && order.prefix(position[items[k].layer!]).allSatisfy({ finish(0, $0) <= t }) {
        items[k].release = t
      }
    }
    var capacity = bytesPerSecond * dt
    while capacity > 0, let k = items.indices.filter({ items[$0].arrival.isInfinite && (items[$0].release ?? .infinity) <= t })
      .min(by: { items[$0].rank.lexicographicallyPrecedes(items[$1].rank) }) {
      let used = min(capacity, items[k].left)
      items[k].left -= used
      capacity -= used
      if items[k].left <= 0 { items[k].arrival = t + dt - capacity / bytesPerSecond }
    }
    var time = dt
    while time > 0 && current < jobs.count {
      let (frame, v) = jobs[current]
      if !started {
        let inputs = model.predecessors[v].isEmpty
          ? tensorArrival(frame, nil) <= t
          : model.predecessors[v].allSatisfy { onDevice[$0] ? tensorArrival(frame, $0) <= t : finish(frame, $0) <= t }
        guard inputs && parametersArrival(v) <= t else { break }
        started = true
      }
      let work = min(jobLeft[current], flopsPerSecond * time)
      jobLeft[current] -= work
      time -= work / flopsPerSecond
      if jobLeft[current] <= 0 {
        jobFinish[current] = t + dt - time
        current += 1
        started = false
      }
    }
    t += dt
  }
  return max(jobFinish.last!, clock)
}

/// ARA's demand and PBT-DP with frames (monotonicity in the shares and the surrogate and resource
/// bounds are property-tested with frames in `UploadMonotonicityTests`).
@Suite struct FramesBoundTests {
  /// The demand counts device time, tensors and FLOPs per frame and parameters once.
  @Test func demandScalesWithFramesExceptParameters() throws {
    let one = try handUE(frames: 1), ten = try handUE(frames: 10)
    for onDevice in [[true, false], [false, false], [true, true]] {
      let (a, b) = (ARA.Demand(one, onDevice: onDevice), ARA.Demand(ten, onDevice: onDevice))
      #expect(b.deviceSeconds == 10 * a.deviceSeconds && b.serverFlops == 10 * a.serverFlops)
      let parameters = zip(one.model.layers, onDevice).reduce(0) { $0 + ($1.1 ? 0 : $1.0.paramBytes) }
      #expect(b.uploadBytes == 10 * (a.uploadBytes - parameters) + parameters)
    }
  }

  /// PBT-DP with frames never beats the best partition and finds it on chains.
  @Test func pbtdpAgainstEveryPartition() throws {
    var rng = SeededGenerator(seed: 2204)
    for model in [UploadGenerator.smallChain(), UploadGenerator.smallDAG()] + (0..<4).map({ SyntheticNetworks.randomDAG(layers: 8, maxFanIn: 2, seed: $0) }) {
      for _ in 0..<6 {
        let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...100), maxUplinkMbps: 1000,
                          frames: rng.integer(in: 2...30))
        let f = rng.uniform(in: 5...300), b = rng.uniform(in: 1...300)
        for mode in UploadMode.allCases {
          let found = PBTDP.partition(ue, computeGflops: f, bandwidthMbps: b, mode: mode)
          let optimum = try #require(model.deviceSets(limit: 1_000)).map {
            UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: $0, computeGflops: f, bandwidthMbps: b), mode: mode).completion
          }.min()!
          #expect(found.latency >= optimum * (1 - 1e-12))
          if model.isChain { #expect(close(found.latency, optimum), "\(model.name) frames \(ue.frames)") }
        }
      }
    }
  }
}

/// The first four contested instances with 3 frames per UE.
func framedContestedInstances() throws -> [UploadInstance] {
  try contestedInstances().prefix(4).map { try $0.withFrames(3).renamed("\($0.name)-f3") }
}

/// Small instances with several frames per UE: the contested ones and the small synthetic ones.
func framedInstances() throws -> [UploadInstance] {
  try framedContestedInstances()
    + smallInstances().prefix(6).enumerated().map { try $1.withFrames([2, 10][$0 % 2]).renamed("\($1.name)-f\([2, 10][$0 % 2])") }
}

@Suite struct FramesSolverTests {
  /// Every solver's solution is feasible and its claim is the evaluator's; `p4-exact`'s bound (after
  /// 6 rounds) is below every solver's objective and random feasible solutions, and its solution
  /// is no worse than MJOA-MU's.
  @Test func everySolverAndTheBound() throws {
    for instance in try framedInstances() {
      let exact = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), rounds: 6)
      let bound = try #require(exact.bound), objective = try #require(exact.objective)
      #expect(bound <= objective)
      let exactSolution = try #require(exact.solution)
      #expect(UploadEvaluator.evaluate(exactSolution, on: instance).objective == objective, "\(instance.name)")
      for solver in UploadSolvers.all {
        let outcome = try solver.solve(instance)
        let solution = try #require(outcome.solution, "\(solver.name) on \(instance.name)")
        let verdict = UploadFamily.evaluate(solution, on: instance)
        #expect(verdict.isFeasible, "\(solver.name) on \(instance.name): \(verdict.violations)")
        #expect(outcome.objective == verdict.objective, "\(solver.name) on \(instance.name)")
        #expect(verdict.objective >= bound * (1 - 1e-9), "\(solver.name) on \(instance.name)")
        if solver.name == "p4-mjoa-mu" { #expect(objective <= verdict.objective, "\(instance.name)") }
      }
      for seed in UInt64(0)..<20 {
        #expect(UploadEvaluator.evaluate(randomSolution(on: instance, seed: seed), on: instance).objective >= bound * (1 - 1e-9),
                "\(instance.name) seed \(seed)")
      }
    }
  }
}

@Suite struct FramesFileTests {
  private func text(frames: Int) throws -> String {
    let instance = try UploadGenerator.generate(name: "x", models: [UploadGenerator.smallChain()], ues: 2,
                                                serverGflops: 100, bandwidthMbps: 50, frames: frames, seed: 1)
    return String(decoding: try InstanceIO.encode(UploadFamily.self, instance), as: UTF8.self)
  }

  private func loadError(_ json: String) -> String {
    do { _ = try InstanceIO.decode(UploadFamily.self, Data(json.utf8), file: "x.json"); return "loaded" } catch { return error.description }
  }

  /// Files without the field run one frame; the field is written and read back.
  @Test func framesAreReadAndWritten() throws {
    let one = try text(frames: 1)
    #expect(one.contains("\"frames\" : 1,"))
    let withoutField = one.replacingOccurrences(of: "\"frames\" : 1,", with: "")
    let old = try InstanceIO.decode(UploadFamily.self, Data(withoutField.utf8), file: "x.json")
    #expect(old.ues.allSatisfy { $0.frames == 1 })
    #expect(try InstanceIO.decode(UploadFamily.self, Data(one.utf8), file: "x.json") == old)
    let twelve = try InstanceIO.decode(UploadFamily.self, Data(try text(frames: 12).utf8), file: "x.json")
    #expect(twelve.ues.allSatisfy { $0.frames == 12 })
    #expect(twelve == (try old.withFrames(12)))
  }

  @Test func badFramesNameTheField() throws {
    let one = try text(frames: 1)
    func with(_ value: String) -> String {
      var replaced = false
      return one.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        guard !replaced, line.contains("\"frames\" : 1,") else { return String(line) }
        replaced = true
        return line.replacingOccurrences(of: "1,", with: "\(value),")
      }.joined(separator: "\n")
    }
    #expect(loadError(with("0")) == "x.json: ues[0].frames: must be an integer in 1...100000, got 0")
    #expect(loadError(with("-3")) == "x.json: ues[0].frames: must be an integer in 1...100000, got -3")
    #expect(loadError(with("100001")) == "x.json: ues[0].frames: must be an integer in 1...100000, got 100001")
    #expect(loadError(with("2.5")).hasPrefix("x.json: ues[0].frames: must be an integer"))
    #expect(loadError(with("1e30")).hasPrefix("x.json: ues[0].frames: must be an integer"))
    #expect(loadError(with("\"many\"")).hasPrefix("x.json: ues[0].frames:"))
    #expect(loadError(with("100000")) == "loaded")
  }

  /// Totals over the frames that overflow are rejected at load, naming the field.
  @Test func framesThatOverflowAreRejected() throws {
    // 10³⁰ FLOPs at 2·10⁻²⁸⁶ GFLOP/s: 5·10³⁰⁶ s per frame, finite; 100 frames overflow.
    let model = try DNNModel(name: "huge", inputBytes: 1, layers: [
      Layer(name: "l", type: .conv, flops: 1e30, outputBytes: 1, paramBytes: 1, inputs: []),
    ])
    let ue = UploadUE(name: "u", model: model, deviceGflops: 2e-286, maxUplinkMbps: 10)
    #expect(throws: Never.self) { try UploadInstance(name: "x", ues: [ue], serverGflops: 1, bandwidthMbps: 10) }
    #expect(throws: FieldError("ues[0].frames", "makes running and sending 100 frames overflow to inf seconds")) {
      try UploadInstance(name: "x", ues: [ue.running(frames: 100)], serverGflops: 1, bandwidthMbps: 10)
    }
    // Two UEs whose frames fit alone but not summed: the sum is named, as without frames.
    let half = UploadUE(name: "v", model: model, deviceGflops: 2e-286, maxUplinkMbps: 10, frames: 30)
    #expect(throws: FieldError("ues", "makes the sum of the UEs' completion times (each at a 1/2 share of the budgets) overflow to inf seconds")) {
      try UploadInstance(name: "x", ues: [ue.running(frames: 30), half], serverGflops: 1, bandwidthMbps: 10)
    }
  }
}
