import EdgeSplitModel

/// Exact P3 search (BF), its lower bounds, and the unfused baselines (NFL, all-local, all-offload).
public enum FusedBruteForce {
  /// Largest tiling BF finishes in about a second when downloads cost time: it then
  /// enumerates, for every placement, every order of the offloaded paths, Σₖ C(n, k)·k! ≈ e·n!
  /// schedules per tiling (986,410 for n = 9), less the placements its bound prunes.
  public static let enumerationTileLimit = 9
  /// Largest tiling BF finishes in about a second when downloads are free: 2ⁿ placements, each
  /// ordered by Johnson's rule (exact in that case, see ``FusedTables/johnson(_:first:second:)``).
  public static let johnsonTileLimit = 16
  /// Seconds BF runs on an instance beyond its limits when the caller sets no time limit.
  public static let fallbackTimeLimit = 60.0
  /// Most tiles BF searches at all: its placements are `Int` bit masks
  /// (`Enumeration.maxSubsetItems`, 62); a tiling with more tiles (the loader allows
  /// ``FusedInstance/maxTiles``) cannot be enumerated, and BF refuses the instance
  /// (``refusal(for:)``) rather than claim an optimum over placements it never tried.
  public static let searchTileLimit = Enumeration.maxSubsetItems

  /// Why BF does not run on `instance` (a tiling beyond ``searchTileLimit``), or `nil`.
  public static func refusal(for instance: FusedInstance) -> String? {
    guard let tiling = instance.tilings.first(where: { Enumeration.subsetCount($0.tiles) == nil }) else { return nil }
    return "tiling \(tiling.rows)×\(tiling.columns) has \(tiling.tiles) tiles: 2^\(tiling.tiles) placements cannot be "
      + "enumerated (brute force searches at most \(searchTileLimit) tiles)"
  }

  /// Whether BF finishes on `instance` in reasonable time (every tiling within
  /// ``enumerationTileLimit`` or, with free downloads, ``johnsonTileLimit``). Beyond that it
  /// still runs, under the time limit, and returns its best decision and a lower bound.
  public static func applies(to instance: FusedInstance) -> Bool {
    let limit = instance.downlinkMbps == nil ? johnsonTileLimit : enumerationTileLimit
    return instance.tilings.allSatisfy { $0.tiles <= limit }
  }

  /// NFL: the unfused network with its best single layer-level cut (device prefix, server rest).
  /// - Complexity: O(layerCount²) (in ``FusedTables``).
  public static func noFusion(_ tables: FusedTables) -> FusedResult {
    FusedResult(decision: tables.decision(blockLength: 0, tiling: 0, order: [], offloaded: [],
                                          tailCut: tables.deviceMergeTail[0].cut),
                makespan: tables.deviceMergeTail[0].seconds)
  }

  /// All-local: the whole network on the device, nothing sent (the unfused cut at the end).
  public static func allLocal(_ tables: FusedTables) -> FusedResult { unfused(tables, tailCut: tables.instance.layerCount) }

  /// All-offload: the raw input goes up and the server runs the whole network (the unfused cut 0).
  public static func allOffload(_ tables: FusedTables) -> FusedResult { unfused(tables, tailCut: 0) }

  /// The unfused decision with one cut.
  private static func unfused(_ tables: FusedTables, tailCut: Int) -> FusedResult {
    FusedResult(decision: tables.decision(blockLength: 0, tiling: 0, order: [], offloaded: [], tailCut: tailCut),
                makespan: FusedTiming.tailTime(tables.instance, blockLength: 0, tailCut: tailCut))
  }

  /// BF's answer: the best decision found, whether the search finished (then it is optimal)
  /// and a lower bound on the optimal makespan (the makespan itself when finished).
  public struct Search: Sendable {
    /// The best decision found.
    public var best: FusedResult
    /// True when every decision was covered, so ``best`` is optimal.
    public var finished: Bool
    /// A lower bound on every decision's makespan.
    public var bound: Double
    /// What stopped an unfinished search: `.time` at the deadline, `.size` at a tiling
    /// beyond ``searchTileLimit``; `nil` when finished.
    public var limit: TerminationReason.Limit? = nil
  }

  /// BF: the optimum over every block length (including none), tiling, placement, path order
  /// and tail cut. For each placement:
  /// - **server merge**: offloaded paths first, by Johnson on (upload, server), then local
  ///   paths by Johnson on (device, output upload). Exact: swapping a local output with the
  ///   offloaded input right after it on the uplink never delays either (the input is ready at
  ///   time 0), so some optimum sends every input first; then the server's flow shop and the
  ///   local flow shop (with the uplink free from `Σ uploads`) are independent and Johnson
  ///   solves each (see ``FusedTables/johnson(_:first:second:)``).
  /// - **device merge**: local order never matters (the device runs them back to back); the
  ///   offloaded order is Johnson's (exact with free downloads) or, with a paid downlink,
  ///   every permutation, skipped when `placementBound(_:offloaded:)` plus the tail cannot
  ///   beat the best so far.
  /// (Block length, tiling) pairs are searched from the fewest tiles up, so that a time limit
  /// stops BF in the largest tilings; ties keep the first decision found (no fusion, fewer
  /// tiles, shorter blocks, earlier tilings, smaller placement masks).
  /// - Parameters:
  ///   - tables: the instance's precomputed tile geometry and path times.
  ///   - deadline: when to stop with the best decision so far; the bound is then the
  ///     least of that makespan and ``pairBound(_:blockLength:tiling:)`` over unfinished pairs.
  /// - Complexity: O(maxBlockLength × Σ_tilings 2ⁿ·n log n) with free downloads, else
  ///   O(maxBlockLength × Σ_tilings Σₖ C(n,k)·k!·n).
  public static func solve(_ tables: FusedTables, deadline: ContinuousClock.Instant?) -> Search {
    var best = noFusion(tables)
    let instance = tables.instance
    let pairs = (1...instance.maxBlockLength).flatMap { e in instance.tilings.indices.map { (e, $0) } }
      .sorted { (instance.tilings[$0.1].tiles, $0.0, $0.1) < (instance.tilings[$1.1].tiles, $1.0, $1.1) }
    var checks = 0
    let expired = { () -> Bool in
      checks += 1
      return checks % 256 == 0 && deadline.map { ContinuousClock.now >= $0 } == true
    }
    for (index, (e, t)) in pairs.enumerated() {
      let times = tables.pathTimes[e - 1][t]
      let n = times.count
      // Pairs come from the fewest tiles up: from the first one whose placements cannot be
      // counted, none can be searched.
      guard let masks = Enumeration.subsetMasks(n) else {
        return unfinished(tables, pairs[index...], best: best, limit: .size)
      }
      var stopped = false
      for mask in masks {
        if expired() { stopped = true; break }
        let offloaded = (0..<n).map { mask & (1 << $0) != 0 }
        let remote = (0..<n).filter { offloaded[$0] }
        let local = (0..<n).filter { !offloaded[$0] }
        let consider = { (order: [Int], value: Double, cut: Int) in
          if value < best.makespan {
            best = FusedResult(decision: tables.decision(blockLength: e, tiling: t, order: order, offloaded: offloaded, tailCut: cut),
                               makespan: value)
          }
        }
        let serverOrder = FusedTables.remoteOrder(remote, times, withDownload: false) + FusedTables.localOrder(local, times)
        if let value = tables.serverMergeMakespan(blockLength: e, tiling: t, order: serverOrder, offloaded: offloaded) {
          consider(serverOrder, value, e)
        }
        let deviceCut = tables.deviceMergeTail[e].cut
        let deviceMerge = { (order: [Int]) in
          consider(order, tables.deviceMergeMakespan(blockLength: e, tiling: t, order: order, offloaded: offloaded), deviceCut)
        }
        if tables.downloadsAreFree {
          deviceMerge(FusedTables.remoteOrder(remote, times, withDownload: false) + local)
        } else if placementBound(times, offloaded: offloaded) + tables.deviceMergeTail[e].seconds < best.makespan {
          forEachPermutation(of: remote) {
            deviceMerge($0 + local)
            return !expired()
          }
          if deadline.map({ ContinuousClock.now >= $0 }) == true { stopped = true; break }
        }
      }
      if stopped { return unfinished(tables, pairs[index...], best: best, limit: .time) }
    }
    return Search(best: best, finished: true, bound: best.makespan)
  }

  /// The answer of a search stopped by `limit` before the (block length, tiling) pairs `rest`:
  /// the best decision so far and the least of its makespan and the pairs' bounds.
  private static func unfinished(_ tables: FusedTables, _ rest: ArraySlice<(Int, Int)>, best: FusedResult,
                                 limit: TerminationReason.Limit) -> Search {
    let bounds = rest.map { pairBound(tables, blockLength: $0.0, tiling: $0.1) }
    return Search(best: best, finished: false, bound: min(best.makespan, bounds.min()!), limit: limit)
  }

  /// BF without a time limit: the optimal decision.
  public static func solve(_ tables: FusedTables) -> FusedResult { solve(tables, deadline: nil).best }

  /// A lower bound on the merge time of one placement merged on the device: each resource's
  /// work, and each path's own chain through the uplink, server and downlink around the
  /// others' work on one resource.
  static func placementBound(_ times: [PathTimes], offloaded: [Bool]) -> Double {
    var device = 0.0, upload = 0.0, server = 0.0, download = 0.0
    var minUpload = Double.infinity, minDownload = Double.infinity, minTail = Double.infinity, minHead = Double.infinity
    for (p, time) in times.enumerated() {
      if offloaded[p] {
        upload += time.upload; server += time.server; download += time.download
        minUpload = min(minUpload, time.upload); minDownload = min(minDownload, time.download)
        minTail = min(minTail, time.server + time.download); minHead = min(minHead, time.upload + time.server)
      } else {
        device += time.device
      }
    }
    guard minUpload.isFinite else { return device }
    return max(device, upload + minTail, minUpload + server + minDownload, minHead + download)
  }

  /// A lower bound on the makespan of every decision of block length `e` and tiling index `t`.
  ///
  /// Every resource starts at time 0, so a merge takes at least each resource's work; for any
  /// weights λ ≥ 0 summing to 1 it takes at least their weighted sum, whose least value over
  /// placements is separable by path (weak Lagrangian duality): with a device merge
  /// `λ_d·Σ device + Σ_p min(0, λ_u·upload + λ_s·server + λ_w·download − λ_d·device)`, with a
  /// server merge (the uplink also carries local outputs) `λ_d·Σ device + λ_u·Σ outputUpload +
  /// Σ_p min(0, λ_u·(upload − outputUpload) + λ_s·server − λ_d·device)`. The bound is the best
  /// over a grid of weights (steps of 1/10), plus each merge place's best tail.
  /// - Complexity: O(286 × n).
  public static func pairBound(_ tables: FusedTables, blockLength e: Int, tiling t: Int) -> Double {
    let times = tables.pathTimes[e - 1][t]
    let steps = 10
    var device = 0.0, server = -Double.infinity
    let totalDevice = times.reduce(0) { $0 + $1.device }, totalOutput = times.reduce(0) { $0 + $1.outputUpload }
    for a in 0...steps {
      for b in 0...(steps - a) {
        for c in 0...(steps - a - b) {
          let (ld, lu, ls) = (Double(a) / Double(steps), Double(b) / Double(steps), Double(c) / Double(steps))
          let lw = Double(steps - a - b - c) / Double(steps)
          device = max(device, times.reduce(ld * totalDevice) {
            $0 + min(0, lu * $1.upload + ls * $1.server + lw * $1.download - ld * $1.device)
          })
          server = max(server, times.reduce(ld * totalDevice + lu * totalOutput) {
            $0 + min(0, lu * ($1.upload - $1.outputUpload) + ls * $1.server - ld * $1.device)
          })
        }
      }
    }
    let deviceMerge = device + tables.deviceMergeTail[e].seconds
    return tables.serverMergeTail[e].map { min(deviceMerge, server + $0) } ?? deviceMerge
  }

  /// A lower bound on the optimal makespan of `tables`' instance without searching: the least of
  /// NFL (exact for unfused decisions) and ``pairBound(_:blockLength:tiling:)`` over every pair.
  public static func lowerBound(_ tables: FusedTables) -> Double {
    let pairs = (1...tables.instance.maxBlockLength).flatMap { e in
      tables.instance.tilings.indices.map { pairBound(tables, blockLength: e, tiling: $0) }
    }
    return min(noFusion(tables).makespan, pairs.min()!)
  }

  /// Calls `body` with every permutation of `items` (Heap's algorithm, iterative) until it
  /// returns `false`.
  static func forEachPermutation(of items: [Int], _ body: ([Int]) -> Bool) {
    var items = items
    var counters = [Int](repeating: 0, count: items.count)
    guard body(items) else { return }
    var i = 1
    while i < items.count {
      if counters[i] < i {
        items.swapAt(i % 2 == 0 ? 0 : counters[i], i)
        guard body(items) else { return }
        counters[i] += 1
        i = 1
      } else {
        counters[i] = 0
        i += 1
      }
    }
  }
}
