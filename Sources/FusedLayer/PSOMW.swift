import EdgeSplitModel

/// Particle Swarm Optimization with Minimizing Waiting (PSOMW) for P3.
///
/// A particle is a point with `2 + 2m` coordinates (`m` = most tiles of any tiling):
/// - `x[0] ∈ [0, maxBlockLength + 1)`: the block length `⌊x[0]⌋` (0 = no fusion);
/// - `x[1] ∈ [0, tilings)`: the tiling index `⌊x[1]⌋`;
/// - `x[2 ..< 2+m] ∈ [0, 1]`: random keys, the path order is the paths sorted by key;
/// - `x[2+m ..< 2+2m] ∈ [−1, 1]`: placements, a path is offloaded when its coordinate is > 0.
///
/// Every particle is decoded and then repaired by the *minimizing waiting* step, so it always
/// stands for a valid decision whose offloaded paths keep the uplink and server busy:
/// 1. order: the paths in key order, or offloaded paths first in Johnson's order (uploads
///    short relative to server work first, which minimizes the server's waiting for uploads;
///    with and without the download in the second stage, and the Campbell–Dudek–Smith
///    surrogate) then local paths in Johnson's order on (device, output upload), whichever
///    finishes earliest;
/// 2. placement: move single paths between device and server (best improving move first)
///    while that lowers the makespan, which balances the device against the offloaded flow
///    shop and removes idle time at the merge;
/// 3. tail: the better merge place (device or server) with its best cut.
/// The repaired decision is written back into the particle (Lamarckian), and the swarm moves
/// with the standard update `v ← w·v + c1·r1·(pbest − x) + c2·r2·(gbest − x)`, `x ← x + v`,
/// with velocities clamped to half of each coordinate's range.
///
/// Particle 0 starts at the no-fusion decision, so the result is never worse than NFL. So that
/// no (block length, tiling) pair is missed, every pair is repaired once before the swarm
/// moves and the best of these seeds fill half of the initial swarm; at the end the best
/// decisions of the ``polishedPairs`` best pairs go through a local search (`polish(_:_:)`).
/// On the random family of `RandomFusedInstances` (400 instances × 10 seeds) the defaults end
/// within 0.04% of brute force on every run (README, "P3").
public struct PSOMW: Sendable {
  /// Particles in the swarm (default 20).
  public var swarmSize: Int
  /// Update rounds after the initial evaluation (default 30).
  public var iterations: Int
  /// Inertia weight `w` (default 0.72, the constriction-equivalent value of Clerc and Kennedy).
  public var inertia: Double
  /// Cognitive weight `c1` (default 1.49).
  public var cognitive: Double
  /// Social weight `c2` (default 1.49).
  public var social: Double
  /// How many (block length, tiling) pairs are polished at the end: the swarm's best and the
  /// best seeds of other pairs (default 3).
  public var polishedPairs: Int
  /// Most paths for which the polish schedules every placement of a pair (default 10).
  public var exhaustivePlacementLimit: Int

  public init(swarmSize: Int = 20, iterations: Int = 30, inertia: Double = 0.72,
              cognitive: Double = 1.49, social: Double = 1.49, polishedPairs: Int = 3, exhaustivePlacementLimit: Int = 10) {
    precondition(swarmSize >= 1 && iterations >= 0, "PSOMW needs at least one particle")
    self.swarmSize = swarmSize
    self.iterations = iterations
    self.inertia = inertia
    self.cognitive = cognitive
    self.social = social
    self.polishedPairs = polishedPairs
    self.exhaustivePlacementLimit = exhaustivePlacementLimit
  }

  /// Runs the swarm; the same `seed` gives the same result.
  ///
  /// Before the swarm moves, every (block length, tiling) pair is repaired from three
  /// placements (all paths local, all offloaded, each path where it alone finishes sooner), so
  /// no pair depends on a particle landing on it; the best of these seeds fill half of the
  /// initial swarm (particle 0 is NFL, the rest random). After the last round the best
  /// decisions of the three best pairs are polished (`polish(_:_:)`).
  /// - Complexity: O((pairs + swarmSize × iterations) × n² × n log n) for n tiles, plus the polish.
  public func solve(_ tables: FusedTables, seed: UInt64) -> FusedResult {
    var random = SeededGenerator(seed: seed)
    let instance = tables.instance
    let m = instance.tilings.map(\.tiles).max()!
    let lower = [0.0, 0] + Array(repeating: 0.0, count: m) + Array(repeating: -1.0, count: m)
    let upper = [Double(instance.maxBlockLength + 1), Double(instance.tilings.count)]
      + Array(repeating: 1.0, count: m) + Array(repeating: 1.0, count: m)
    let dimensions = lower.count
    let clampPosition = { (d: Int, v: Double) in min(max(v, lower[d]), upper[d].nextDown) }
    let maxVelocity = (0..<dimensions).map { (upper[$0] - lower[$0]) / 2 }

    var positions = (0..<swarmSize).map { _ in
      (0..<dimensions).map { random.uniform(in: lower[$0]..<upper[$0]) }
    }
    positions[0][0] = 0.5  // the no-fusion decision
    let seeds = pairSeeds(tables).sorted { $0.makespan < $1.makespan }
    for (i, seed) in zip(1..<max(1, swarmSize / 2 + 1), seeds) { encode(seed, tables, into: &positions[i], m) }
    var velocities = [[Double]](repeating: Array(repeating: 0, count: dimensions), count: swarmSize)
    var personalBest: [(position: [Double], result: FusedResult)] = []
    var globalBest: (position: [Double], result: FusedResult)?

    for round in 0...iterations {
      for i in 0..<swarmSize {
        if round > 0 {
          for d in 0..<dimensions {
            let r1 = random.uniform(in: 0..<1), r2 = random.uniform(in: 0..<1)
            var v = inertia * velocities[i][d]
              + cognitive * r1 * (personalBest[i].position[d] - positions[i][d])
              + social * r2 * (globalBest!.position[d] - positions[i][d])
            v = min(max(v, -maxVelocity[d]), maxVelocity[d])
            velocities[i][d] = v
            positions[i][d] = clampPosition(d, positions[i][d] + v)
          }
        }
        let result = decodeAndRepair(&positions[i], tables, m)
        if round == 0 {
          personalBest.append((positions[i], result))
        } else if result.makespan < personalBest[i].result.makespan {
          personalBest[i] = (positions[i], result)
        }
        if globalBest == nil || result.makespan < globalBest!.result.makespan {
          globalBest = (positions[i], result)
        }
      }
    }
    var finalists = [globalBest!.result]
    for seed in seeds where finalists.count < polishedPairs && !finalists.contains(where: { $0.decision.samePair(as: seed.decision) }) {
      finalists.append(seed)
    }
    return finalists.map { polish($0, tables) }.min { $0.makespan < $1.makespan }!
  }

  /// The best repair of each (block length, tiling) pair from three starting placements.
  func pairSeeds(_ tables: FusedTables) -> [FusedResult] {
    (1...tables.instance.maxBlockLength).flatMap { e in
      tables.instance.tilings.indices.map { t in
        let times = tables.pathTimes[e - 1][t]
        let n = times.count
        let starts = [
          [Bool](repeating: false, count: n), [Bool](repeating: true, count: n),
          times.map { $0.upload + $0.server + $0.download < $0.device },
        ]
        return starts.map { repair(tables, blockLength: e, tiling: t, keyOrder: Array(0..<n), offloaded: $0) }
          .min { $0.makespan < $1.makespan }!
      }
    }
  }

  /// Writes a repaired decision into a particle.
  func encode(_ result: FusedResult, _ tables: FusedTables, into x: inout [Double], _ m: Int) {
    let decision = result.decision
    x[0] = Double(decision.blockLength) + 0.5
    guard let tiling = decision.tiling, let t = tables.instance.tilings.firstIndex(of: tiling) else { return }
    x[1] = Double(t) + 0.5
    let n = decision.order.count
    for (rank, p) in decision.order.enumerated() { x[2 + p] = (Double(rank) + 0.5) / Double(n) }
    for p in 0..<n { x[2 + m + p] = decision.offloaded[p] ? 0.5 : -0.5 }
  }
  /// Decodes a particle, repairs it (minimizing waiting) and writes the repair back.
  func decodeAndRepair(_ x: inout [Double], _ tables: FusedTables, _ m: Int) -> FusedResult {
    let e = min(Int(x[0]), tables.instance.maxBlockLength)
    guard e > 0 else { return FusedBruteForce.noFusion(tables) }
    let t = min(Int(x[1]), tables.instance.tilings.count - 1)
    let n = tables.pathTimes[e - 1][t].count
    let keyOrder = (0..<n).sorted { (x[2 + $0], $0) < (x[2 + $1], $1) }
    let result = repair(tables, blockLength: e, tiling: t, keyOrder: keyOrder, offloaded: (0..<n).map { x[2 + m + $0] > 0 })
    encode(result, tables, into: &x, m)
    return result
  }

  /// The best of `keyOrder` and the Johnson orders for a placement, with the better merge
  /// place and cut: offloaded paths by Johnson on (upload, server + download), (upload, server)
  /// and (upload + server, server + download) (the Campbell–Dudek–Smith surrogate of the
  /// three-stage flow shop), then local paths by Johnson on (device, output upload).
  static func schedule(_ tables: FusedTables, blockLength e: Int, tiling t: Int, keyOrder: [Int], offloaded: [Bool])
    -> FusedResult {
    let times = tables.pathTimes[e - 1][t]
    let remote = keyOrder.filter { offloaded[$0] }, local = keyOrder.filter { !offloaded[$0] }
    let localJohnson = FusedTables.localOrder(local, times)
    let candidates = [
      keyOrder,
      FusedTables.remoteOrder(remote, times, withDownload: true) + localJohnson,
      FusedTables.remoteOrder(remote, times, withDownload: false) + localJohnson,
      FusedTables.johnson(remote, first: { times[$0].upload + times[$0].server },
                          second: { times[$0].server + times[$0].download }) + localJohnson,
    ]
    return candidates.map { order in
      let outcome = tables.best(blockLength: e, tiling: t, order: order, offloaded: offloaded)
      return FusedResult(decision: tables.decision(blockLength: e, tiling: t, order: order, offloaded: offloaded,
                                                   tailCut: outcome.tailCut),
                         makespan: outcome.makespan)
    }.min { $0.makespan < $1.makespan }!
  }

  /// Minimizing waiting: from a placement, moves single paths between device and server (best
  /// improving move first) while the makespan drops, each placement scheduled by
  /// ``schedule(_:blockLength:tiling:keyOrder:offloaded:)``.
  func repair(_ tables: FusedTables, blockLength e: Int, tiling t: Int, keyOrder: [Int], offloaded start: [Bool])
    -> FusedResult {
    var offloaded = start
    var current = Self.schedule(tables, blockLength: e, tiling: t, keyOrder: keyOrder, offloaded: offloaded)
    while true {
      var bestMove: (path: Int, result: FusedResult)?
      for p in offloaded.indices {
        offloaded[p].toggle()
        let candidate = Self.schedule(tables, blockLength: e, tiling: t, keyOrder: keyOrder, offloaded: offloaded)
        offloaded[p].toggle()
        if candidate.makespan < (bestMove?.result.makespan ?? current.makespan) { bestMove = (p, candidate) }
      }
      guard let move = bestMove else { return current }
      offloaded[move.path].toggle()
      current = move.result
    }
  }

  /// Local search on a fused decision. With at most ``exhaustivePlacementLimit`` paths every
  /// placement of its (block length, tiling) pair is scheduled
  /// (``schedule(_:blockLength:tiling:keyOrder:offloaded:)`` with the decision's order as key
  /// order); otherwise, and then, moves are applied until none improves: toggling one path's
  /// place, exchanging the places of a local and an offloaded path, or swapping two paths in
  /// the order.
  /// - Complexity: O(2ⁿ × n log n) for the placements, O(n² × n log n) per improving move.
  func polish(_ start: FusedResult, _ tables: FusedTables) -> FusedResult {
    guard let tiling = start.decision.tiling, let t = tables.instance.tilings.firstIndex(of: tiling) else { return start }
    let e = start.decision.blockLength
    let n = start.decision.order.count
    var current = start
    if n <= exhaustivePlacementLimit, let masks = Enumeration.subsetMasks(n) {
      for mask in masks {
        let candidate = Self.schedule(tables, blockLength: e, tiling: t, keyOrder: start.decision.order,
                                      offloaded: (0..<n).map { mask & (1 << $0) != 0 })
        if candidate.makespan < current.makespan { current = candidate }
      }
    }
    var improved = true
    while improved {
      improved = false
      let order = current.decision.order
      var neighbours: [(order: [Int], offloaded: [Bool])] = []
      for p in 0..<n {
        for q in p..<n {
          var offloaded = current.decision.offloaded
          if p == q {
            offloaded[p].toggle()
          } else if offloaded[p] != offloaded[q] {
            offloaded.swapAt(p, q)
          }
          if offloaded != current.decision.offloaded { neighbours.append((order, offloaded)) }
          if p != q {
            var swapped = order
            swapped.swapAt(p, q)
            neighbours.append((swapped, current.decision.offloaded))
          }
        }
      }
      for neighbour in neighbours {
        let candidate = Self.schedule(tables, blockLength: e, tiling: t, keyOrder: neighbour.order, offloaded: neighbour.offloaded)
        if candidate.makespan < current.makespan * (1 - 1e-12) {
          current = candidate
          improved = true
        }
      }
    }
    return current
  }
}

extension FusedDecision {
  /// Whether both decisions fuse the same block under the same tiling.
  func samePair(as other: FusedDecision) -> Bool { blockLength == other.blockLength && tiling == other.tiling }
}
