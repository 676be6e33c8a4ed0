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
///    with and without the download in the second stage) then local paths in Johnson's order
///    on (device, output upload), whichever finishes earliest;
/// 2. placement: move single paths between device and server (best improving move first)
///    while that lowers the makespan, which balances the device against the offloaded flow
///    shop and removes idle time at the merge;
/// 3. tail: the better merge place (device or server) with its best cut.
/// The repaired decision is written back into the particle (Lamarckian), and the swarm moves
/// with the standard update `v ← w·v + c1·r1·(pbest − x) + c2·r2·(gbest − x)`, `x ← x + v`,
/// with velocities clamped to half of each coordinate's range.
///
/// Particle 0 starts at the no-fusion decision, so the result is never worse than NFL.
public struct PSOMW: Sendable {
  /// Particles in the swarm (default 30).
  public var swarmSize: Int
  /// Update rounds after the initial evaluation (default 60).
  public var iterations: Int
  /// Inertia weight `w` (default 0.72, the constriction-equivalent value of Clerc and Kennedy).
  public var inertia: Double
  /// Cognitive weight `c1` (default 1.49).
  public var cognitive: Double
  /// Social weight `c2` (default 1.49).
  public var social: Double

  public init(swarmSize: Int = 30, iterations: Int = 60, inertia: Double = 0.72,
              cognitive: Double = 1.49, social: Double = 1.49) {
    precondition(swarmSize >= 1 && iterations >= 0, "PSOMW needs at least one particle")
    self.swarmSize = swarmSize
    self.iterations = iterations
    self.inertia = inertia
    self.cognitive = cognitive
    self.social = social
  }

  /// Runs the swarm; the same `seed` gives the same result.
  /// - Complexity: O(swarmSize × iterations × n² × n log n) for n tiles (the repair's moves).
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
      (0..<dimensions).map { Double.random(in: lower[$0]..<upper[$0], using: &random) }
    }
    positions[0][0] = 0.5  // the no-fusion decision
    var velocities = [[Double]](repeating: Array(repeating: 0, count: dimensions), count: swarmSize)
    var personalBest: [(position: [Double], result: FusedResult)] = []
    var globalBest: (position: [Double], result: FusedResult)?

    for round in 0...iterations {
      for i in 0..<swarmSize {
        if round > 0 {
          for d in 0..<dimensions {
            let r1 = Double.random(in: 0..<1, using: &random), r2 = Double.random(in: 0..<1, using: &random)
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
    return globalBest!.result
  }

  /// Decodes a particle, repairs it (minimizing waiting) and writes the repair back.
  func decodeAndRepair(_ x: inout [Double], _ tables: FusedTables, _ m: Int) -> FusedResult {
    let e = min(Int(x[0]), tables.instance.maxBlockLength)
    guard e > 0 else { return FusedBruteForce.noFusion(tables) }
    let t = min(Int(x[1]), tables.instance.tilings.count - 1)
    let times = tables.pathTimes[e - 1][t]
    let n = times.count
    let keyOrder = (0..<n).sorted { (x[2 + $0], $0) < (x[2 + $1], $1) }
    var offloaded = (0..<n).map { x[2 + m + $0] > 0 }

    /// The best of the key order and the Johnson orders for a placement.
    func schedule(_ offloaded: [Bool]) -> (order: [Int], makespan: Double, tailCut: Int) {
      let remote = keyOrder.filter { offloaded[$0] }, local = keyOrder.filter { !offloaded[$0] }
      let localJohnson = FusedTables.localOrder(local, times)
      let candidates = [
        keyOrder,
        FusedTables.remoteOrder(remote, times, withDownload: true) + localJohnson,
        FusedTables.remoteOrder(remote, times, withDownload: false) + localJohnson,
      ]
      return candidates.map { order in
        let outcome = tables.best(blockLength: e, tiling: t, order: order, offloaded: offloaded)
        return (order, outcome.makespan, outcome.tailCut)
      }.min { $0.1 < $1.1 }!
    }

    var current = schedule(offloaded)
    while true {
      var bestMove: (path: Int, schedule: (order: [Int], makespan: Double, tailCut: Int))?
      for p in 0..<n {
        offloaded[p].toggle()
        let candidate = schedule(offloaded)
        offloaded[p].toggle()
        if candidate.makespan < (bestMove?.schedule.makespan ?? current.makespan) { bestMove = (p, candidate) }
      }
      guard let move = bestMove else { break }
      offloaded[move.path].toggle()
      current = move.schedule
    }

    for (rank, p) in current.order.enumerated() { x[2 + p] = (Double(rank) + 0.5) / Double(n) }
    for p in 0..<n { x[2 + m + p] = offloaded[p] ? 0.5 : -0.5 }
    return FusedResult(decision: tables.decision(blockLength: e, tiling: t, order: current.order, offloaded: offloaded,
                                                 tailCut: current.tailCut),
                       makespan: current.makespan)
  }
}
