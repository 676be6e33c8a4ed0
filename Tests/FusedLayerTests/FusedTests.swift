import FusedLayer
import EdgeSplitModel
import Foundation
@testable import FusedLayer
import ModelZoo
import Testing

/// A chain of `specs` spatial layers over a `channels × size × size` input, then one fc layer.
private func chain(size: Int, channels: Int = 1, _ specs: [(kind: String, out: Int, k: Int, s: Int, p: Int)]) throws -> DNNModel {
  var b = NetworkBuilder("tiny")
  b.input(channels: channels, height: size, width: size)
  for (i, spec) in specs.enumerated() {
    if spec.kind == "conv" {
      b.conv("l\(i)", out: spec.out, kernel: spec.k, stride: spec.s, padding: spec.p)
    } else {
      b.pool("l\(i)", .max, kernel: spec.k, stride: spec.s, padding: spec.p)
    }
  }
  b.fc("fc", out: 10)
  return try b.build()
}

private func instance(
  _ model: DNNModel, device: Double = 1, server: Double = 4, up: Double = 8, down: Double? = nil,
  tilings: [Tiling], maxBlockLength: Int
) throws -> FusedInstance {
  try FusedInstance(name: "t", model: model, deviceGflops: device, serverGflops: server, uplinkMbps: up,
                    downlinkMbps: down, tilings: tilings, maxBlockLength: maxBlockLength)
}

/// Every valid decision of a tiny instance, for plain enumeration.
private func allDecisions(_ instance: FusedInstance) -> [FusedDecision] {
  var decisions = (0...instance.layerCount).map {
    FusedDecision(blockLength: 0, tiling: nil, order: [], offloaded: [], tailCut: $0)
  }
  for e in 1...instance.maxBlockLength {
    for tiling in instance.tilings {
      let n = tiling.tiles
      var orders: [[Int]] = []
      FusedBruteForce.forEachPermutation(of: Array(0..<n)) { orders.append($0); return true }
      for mask in 0..<(1 << n) {
        let offloaded = (0..<n).map { mask & (1 << $0) != 0 }
        for order in orders {
          for cut in e...instance.layerCount {
            decisions.append(FusedDecision(blockLength: e, tiling: tiling, order: order, offloaded: offloaded, tailCut: cut))
          }
        }
      }
    }
  }
  return decisions
}

/// Seeded tiny instances whose compute and transfer times are of the same order, with and
/// without a paid downlink.
private func tinyCases() throws -> [FusedInstance] {
  let model = try chain(size: 6, channels: 2, [("conv", 4, 3, 1, 1), ("pool", 4, 2, 2, 0), ("conv", 3, 3, 1, 1)])
  var random = SeededGenerator(seed: 7)
  return try (0..<8).map { i in
    try instance(model, device: random.uniform(in: 5e-7...5e-6),
                 server: random.uniform(in: 2e-6...5e-5), up: random.uniform(in: 5e-4...5e-3),
                 down: i % 2 == 0 ? nil : random.uniform(in: 1e-3...1e-2),
                 tilings: [Tiling(rows: 1, columns: 1), Tiling(rows: 1, columns: 2), Tiling(rows: 2, columns: 2)],
                 maxBlockLength: 3)
  }
}

@Suite struct FusedGeometryTests {
  /// Two 3×3 stride-1 pad-1 convs on an 8×8 map, output split 2×2. Walking tile rows [0, 4)
  /// back: conv2 needs [−1, 5) → [0, 5), conv1 needs [−1, 6) → [0, 6). Tile rows [4, 8):
  /// [3, 9) → [3, 8), then [2, 9) → [2, 8).
  @Test func convStackRegionsAndOverlap() throws {
    let model = try chain(size: 8, [("conv", 1, 3, 1, 1), ("conv", 1, 3, 1, 1)])
    let fused = try instance(model, tilings: [Tiling(rows: 2, columns: 2)], maxBlockLength: 2)
    let paths = fused.paths(blockLength: 2, tiling: Tiling(rows: 2, columns: 2))
    #expect(paths.count == 4)
    #expect(paths[0].inputRows == Span(0, 6) && paths[0].inputColumns == Span(0, 6))
    #expect(paths[1].inputRows == Span(0, 6) && paths[1].inputColumns == Span(2, 8))
    #expect(paths[3].inputRows == Span(2, 8) && paths[3].inputColumns == Span(2, 8))
    #expect(paths[3].outputRows == Span(4, 8) && paths[3].outputColumns == Span(4, 8))
    // conv1 produces 5×5 = 25 of its 64 pixels per tile, conv2 its 16: (25 + 16)/64 of each.
    let perLayer = model.layers[0].flops
    #expect(model.layers[1].flops == perLayer)
    for path in paths {
      #expect(abs(path.flops - perLayer * 41 / 64) < 1e-9 * perLayer)
      #expect(path.inputBytes == 4 * 36)
      #expect(path.outputBytes == 4 * 16)
    }
    // The overlap is redundant work: 4 × 41/64 = 164/128 of the unfused block.
    let total = paths.reduce(0) { $0 + $1.flops }
    #expect(abs(total / (2 * perLayer) - 164.0 / 128) < 1e-12)
  }

  /// A 2×2 stride-2 pool has no overlap: each tile reads exactly twice its span.
  @Test func stridedPoolHasNoOverlap() throws {
    let model = try chain(size: 8, [("pool", 1, 2, 2, 0)])
    let fused = try instance(model, tilings: [Tiling(rows: 2, columns: 2)], maxBlockLength: 1)
    let paths = fused.paths(blockLength: 1, tiling: Tiling(rows: 2, columns: 2))
    #expect(paths.map(\.inputRows) == [Span(0, 4), Span(0, 4), Span(4, 8), Span(4, 8)])
    #expect(paths.map(\.inputColumns) == [Span(0, 4), Span(4, 8), Span(0, 4), Span(4, 8)])
    #expect(paths.reduce(0) { $0 + $1.inputBytes } == 4 * 64)
  }

  /// On the real networks: one tile is the unfused block (same FLOPs, the whole input), tiles
  /// partition the block output, and tiling only ever adds work.
  @Test(arguments: ["vgg16", "tinyyolov2"])
  func tilesOfRealNetworks(_ name: String) throws {
    let model = ModelZoo.model(named: name)!
    let tilings = [Tiling(rows: 1, columns: 1), Tiling(rows: 2, columns: 2), Tiling(rows: 3, columns: 3), Tiling(rows: 4, columns: 4)]
    let fused = try instance(model, tilings: tilings, maxBlockLength: 6)
    for e in 1...6 {
      let blockFlops = (0..<e).reduce(0.0) { $0 + fused.layer(at: $1).flops }
      let whole = fused.paths(blockLength: e, tiling: tilings[0])
      #expect(abs(whole[0].flops - blockFlops) <= 1e-9 * blockFlops)
      #expect(whole[0].inputBytes == model.inputBytes)
      for tiling in tilings.dropFirst() {
        let paths = fused.paths(blockLength: e, tiling: tiling)
        #expect(paths.reduce(0) { $0 + $1.outputBytes } == fused.layer(at: e - 1).outputBytes)
        #expect(paths.reduce(0) { $0 + $1.flops } >= blockFlops * (1 - 1e-12))
        #expect(paths.reduce(0) { $0 + $1.inputBytes } >= model.inputBytes)
      }
    }
  }

  @Test func uneven3x3SplitOf8() {
    #expect(FusedInstance.split(8, into: 3) == [Span(0, 2), Span(2, 5), Span(5, 8)])
  }

  @Test func fusingAnFcLayerIsRejectedWithItsPath() throws {
    let model = try chain(size: 8, [("conv", 1, 3, 1, 1)])
    #expect(throws: FieldError("model.layers[1].type", "layer 'fc' may be fused (within maxBlockLength) so it must be conv or pool")) {
      try instance(model, tilings: [Tiling(rows: 1, columns: 1)], maxBlockLength: 2)
    }
    #expect(throws: FieldError("tilings[0]", "9x1 does not fit the 8x8 output of block length 1")) {
      try instance(model, tilings: [Tiling(rows: 9, columns: 1)], maxBlockLength: 1)
    }
  }

  @Test func absurdGeometryIsRejectedAtLoad() throws {
    let model = try chain(size: 64, [("conv", 1, 3, 1, 1)])
    #expect(throws: FieldError("tilings[0]", "must have 1 to 64 tiles with rows, columns >= 1, got 20x20")) {
      try instance(model, tilings: [Tiling(rows: 20, columns: 20)], maxBlockLength: 1)
    }
    #expect(throws: FieldError("tilings[0]", "must have 1 to 64 tiles with rows, columns >= 1, got 2147483648x2147483648")) {
      try instance(model, tilings: [Tiling(rows: 1 << 31, columns: 1 << 31)], maxBlockLength: 1)
    }
    let wrongInput = try DNNModel(name: "m", inputBytes: 5, inputShape: model.inputShape, layers: model.layers)
    #expect(throws: FieldError("model.inputBytes", "must be 4 × C × H × W = 16384 bytes (fp32 [1, 64, 64]), got 5.0")) {
      try instance(wrongInput, tilings: [Tiling(rows: 1, columns: 1)], maxBlockLength: 1)
    }
    var hugeStride = model.layers
    hugeStride[0].window?.stride = 1 << 62
    #expect(throws: FieldError("layers[0].window.stride", "must be in 1...16777216, got 4611686018427387904")) {
      try DNNModel(name: "m", inputBytes: model.inputBytes, inputShape: model.inputShape, layers: hugeStride)
    }
    #expect(throws: FieldError("inputShape", "must be a non-empty list of sizes in 1...16777216, got [-3, 8, 8]")) {
      try DNNModel(name: "m", inputBytes: model.inputBytes, inputShape: [-3, 8, 8], layers: model.layers)
    }
    var hugeShape = model.layers
    hugeShape[0].outputShape = [1 << 20, 1 << 20, 1 << 20]
    #expect(throws: FieldError("layers[0].outputShape", "has more than 1099511627776 elements")) {
      try DNNModel(name: "m", inputBytes: model.inputBytes, inputShape: model.inputShape, layers: hugeShape)
    }
  }

  @Test func instanceFileRoundTrips() throws {
    let fused = try tinyCases()[1]
    let data = try InstanceIO.encode(FusedFamily.self, fused)
    #expect(try InstanceIO.decode(FusedFamily.self, data, file: "t.json") == fused)
  }

  @Test func badFieldInAFileNamesItsPath() throws {
    var object = try JSONSerialization.jsonObject(with: InstanceIO.encode(FusedFamily.self, tinyCases()[0])) as! [String: Any]
    object["maxBlockLength"] = 99
    let data = try JSONSerialization.data(withJSONObject: object)
    #expect(throws: InstanceLoadError.self) { try InstanceIO.decode(FusedFamily.self, data, file: "t.json") }
    do { _ = try InstanceIO.decode(FusedFamily.self, data, file: "t.json") } catch {
      #expect(error.path == "maxBlockLength")
      #expect(error.message == "must be in 1...4, got 99")
    }
  }
}

@Suite struct FusedEvaluatorTests {
  /// p0, p1 offloaded, p2 local. Order [0, 1]: p0 up 0–1, server 1–3, down 3–4; p1 up 1–3,
  /// server 3–4, down 4–4.5; device 0–3. Order [1, 0]: p1 up 0–2, server 2–3, down 3–3.5;
  /// p0 up 2–3, server 3–5, down 5–6.
  @Test func gatherTimeReplaysTheFlowShop() {
    let times = [PathTimes(device: 4, upload: 1, server: 2, download: 1),
                 PathTimes(device: 5, upload: 2, server: 1, download: 0.5),
                 PathTimes(device: 3, upload: 1, server: 1, download: 1)]
    let offloaded = [true, true, false]
    #expect(FusedTiming.gatherTime(times, order: [0, 1, 2], offloaded: offloaded) == 4.5)
    #expect(FusedTiming.gatherTime(times, order: [1, 0, 2], offloaded: offloaded) == 6)
    #expect(FusedTiming.gatherTime(times, order: [2, 1, 0], offloaded: [false, false, false]) == 12)
  }

  /// Server merge, order [2, 0, 1] with p2 local (output upload 2): device 0–3, then the
  /// uplink sends p2's output 3–5, p0's input 5–6 (server 6–8), p1's input 6–8 (server 8–9).
  /// Order [0, 1, 2]: inputs 0–1, 1–3 (server 1–3, 3–4), p2's output 3–5: merge at 5.
  @Test func serverMergeInterleavesOutputsOnTheUplink() {
    let times = [PathTimes(device: 4, upload: 1, server: 2, download: 1, outputUpload: 9),
                 PathTimes(device: 5, upload: 2, server: 1, download: 0.5, outputUpload: 9),
                 PathTimes(device: 3, upload: 1, server: 1, download: 1, outputUpload: 2)]
    let offloaded = [true, true, false]
    #expect(FusedTiming.serverMergeTime(times, order: [2, 0, 1], offloaded: offloaded) == 9)
    #expect(FusedTiming.serverMergeTime(times, order: [0, 1, 2], offloaded: offloaded) == 5)
  }

  /// One 3×3 pad-1 conv (1 channel, 4×4) then an fc, device speed set so that the conv takes
  /// 16 s there and the server 4× faster; split 1×2, path 0 offloaded. Each path reads 4×3
  /// pixels (48 bytes = 48 µs at 8 Mbit/s) and is half the conv: 8 s on the device, 2 s on
  /// the server. Gather = max(8, 0.000048 + 2) = 8.
  @Test func makespanOfAHandCheckedDecision() throws {
    var b = NetworkBuilder("hand")
    b.input(channels: 1, height: 4, width: 4)
    b.conv("conv", out: 1, kernel: 3, padding: 1)
    b.fc("fc", out: 10)
    let model = try b.build()
    let scale = model.layers[0].flops / 16e9  // device GFLOP/s: the conv takes 16 s
    let fused = try instance(model, device: scale, server: 4 * scale, up: 8, tilings: [Tiling(rows: 1, columns: 2)], maxBlockLength: 1)
    let fcSeconds = model.layers[1].flops / (scale * 1e9)
    let local = FusedDecision(blockLength: 1, tiling: Tiling(rows: 1, columns: 2), order: [0, 1], offloaded: [true, false], tailCut: 2)
    let verdict = FusedEvaluator.evaluate(local, on: fused)
    #expect(verdict.isFeasible)
    #expect(abs(verdict.objective - (8 + fcSeconds)) < 1e-9)
    // Merge on the server: path 1's 32-byte output tile goes up once the device has it
    // (8 s + 32 µs), path 0 is already there (2.000048 s); the server then runs the fc.
    var serverMerge = local
    serverMerge.tailCut = 1
    #expect(abs(FusedEvaluator.evaluate(serverMerge, on: fused).objective - (8 + 32e-6 + fcSeconds / 4)) < 1e-9)
  }

  @Test func invalidDecisionsAreReported() throws {
    let fused = try tinyCases()[0]
    let bad = [
      FusedDecision(blockLength: 4, tiling: nil, order: [], offloaded: [], tailCut: 4),
      FusedDecision(blockLength: 1, tiling: Tiling(rows: 3, columns: 3), order: Array(0..<9), offloaded: Array(repeating: false, count: 9), tailCut: 1),
      FusedDecision(blockLength: 1, tiling: Tiling(rows: 1, columns: 2), order: [0, 0], offloaded: [true, false], tailCut: 1),
      FusedDecision(blockLength: 2, tiling: Tiling(rows: 1, columns: 2), order: [0, 1], offloaded: [true, false], tailCut: 1),
      FusedDecision(blockLength: 0, tiling: Tiling(rows: 1, columns: 1), order: [], offloaded: [], tailCut: 0),
    ]
    #expect(bad.map { FusedEvaluator.evaluate($0, on: fused).violations } == [
      ["block length 4 outside 0...3"],
      ["tiling 3x3 is not one of the instance's"],
      ["order [0, 0] is not a permutation of the 2 paths"],
      ["tail cut 1 outside 2...4"],
      ["an unfused decision (block length 0) has no tiling"],
    ])
  }
}

@Suite struct FusedSolverTests {
  /// BF (Johnson's order without downlink costs, enumerated orders with them) equals the
  /// minimum over every decision replayed by the evaluator.
  @Test(arguments: 0..<8)
  func bruteForceMatchesPlainEnumeration(_ index: Int) throws {
    let fused = try tinyCases()[index]
    let best = allDecisions(fused).map { FusedEvaluator.evaluate($0, on: fused).objective }.min()!
    let bf = FusedBruteForce.solve(FusedTables(fused))
    #expect(abs(bf.makespan - best) <= 1e-12 * best)
    #expect(agrees(FusedEvaluator.evaluate(bf.decision, on: fused).objective, bf.makespan))
  }

  @Test(arguments: 0..<8)
  func psomwIsValidAndBetweenBruteForceAndNoFusion(_ index: Int) throws {
    let fused = try tinyCases()[index]
    let tables = FusedTables(fused)
    let bf = FusedBruteForce.solve(tables), nfl = FusedBruteForce.noFusion(tables)
    for seed: UInt64 in [1, 2, 3] {
      let pso = PSOMW(swarmSize: 8, iterations: 10).solve(tables, seed: seed)
      let verdict = FusedEvaluator.evaluate(pso.decision, on: fused)
      #expect(verdict.isFeasible)
      #expect(agrees(verdict.objective, pso.makespan))
      #expect(fitsWithin(bf.makespan, pso.makespan))
      #expect(fitsWithin(pso.makespan, nfl.makespan))
    }
    #expect(fitsWithin(bf.makespan, nfl.makespan))
    #expect(agrees(FusedEvaluator.evaluate(nfl.decision, on: fused).objective, nfl.makespan))
  }

  /// The tiny cases are not trivial: in some, the optimum fuses and mixes device and server
  /// paths and beats the best unfused cut; both merge places occur among the optima.
  @Test func tinyCasesExerciseFusion() throws {
    let outcomes = try tinyCases().map { fused in
      let tables = FusedTables(fused)
      return (FusedBruteForce.solve(tables), FusedBruteForce.noFusion(tables))
    }
    #expect(outcomes.contains { bf, nfl in
      bf.decision.blockLength > 0 && Set(bf.decision.offloaded).count == 2 && bf.makespan < nfl.makespan
    })
    let fused = outcomes.map(\.0.decision).filter { $0.blockLength > 0 }
    #expect(fused.contains { $0.tailCut == $0.blockLength } && fused.contains { $0.tailCut > $0.blockLength })
  }

  @Test func psomwIsReproducible() throws {
    let tables = FusedTables(try tinyCases()[3])
    #expect(PSOMW().solve(tables, seed: 5) == PSOMW().solve(tables, seed: 5))
  }

  /// Johnson's rule: short uploads first by increasing upload, then by decreasing server work.
  @Test func johnsonOrder() {
    let times = [(3.0, 1.0), (1.0, 2.0), (2.0, 2.5), (4.0, 4.0)].map {
      PathTimes(device: 0, upload: $0.0, server: $0.1, download: 0)
    }
    #expect(FusedTables.remoteOrder([0, 1, 2, 3], times, withDownload: false) == [1, 2, 3, 0])
  }
}

/// Tilings at the loader's limit (64 tiles): brute force enumerates placements as `Int` bit
/// masks, so it must refuse what it cannot count instead of trapping (63 tiles, `1 << 63`) or
/// trying nothing and calling the no-fusion value optimal (64 tiles, `1 << 64 == 0`).
@Suite struct FusedEnumerationLimitTests {
  @Test(arguments: [(7, 9), (8, 8)])
  func bruteForceRefusesTilingsItCannotEnumerate(rows: Int, columns: Int) throws {
    let model = try chain(size: 64, [("conv", 2, 3, 1, 1)])
    let tiled = try instance(model, tilings: [Tiling(rows: 2, columns: 1), Tiling(rows: rows, columns: columns)], maxBlockLength: 1)
    let reason = try #require(FusedSolvers.bruteForce.skipReason(for: tiled))
    #expect(reason.contains("\(rows * columns) tiles") && reason.contains("at most \(FusedBruteForce.searchTileLimit)"))
    // Called directly, BF searches what it can and never claims an optimum.
    let outcome = FusedBruteForce.solve(tiled, options: SolverOptions(timeLimit: 0.5))
    #expect(outcome.termination == .feasible(limit: .size))
    #expect(fitsWithin(outcome.bound!, outcome.objective!))
    #expect(Enumeration.subsetCount(rows * columns) == nil && Enumeration.subsetCount(62) == 1 << 62)
    // PSOMW's exhaustive polish asks the same question.
    let swarm = PSOMW(exhaustivePlacementLimit: 64).solve(tiled)
    #expect(swarm.solution != nil)
  }
}
