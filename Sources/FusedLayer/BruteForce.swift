import EdgeSplitModel

/// Exact P3 search (BF) and the no-fusion baseline (NFL).
public enum FusedBruteForce {
  /// Largest tiling BF accepts when downloads cost time: it then enumerates, for every
  /// placement, every order of the offloaded paths, Σₖ C(n, k)·k! ≈ e·n! schedules per tiling
  /// (986,410 for n = 9).
  public static let enumerationTileLimit = 9
  /// Largest tiling BF accepts when downloads are free: 2ⁿ placements, each ordered by
  /// Johnson's rule (exact in that case, see ``FusedTables/johnsonOrder(_:_:)``).
  public static let johnsonTileLimit = 16

  /// Whether BF runs on `instance` in reasonable time.
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
  ///   every permutation.
  /// Ties keep the first decision found (no fusion, shorter blocks, earlier tilings, smaller
  /// placement masks).
  /// - Complexity: O(maxBlockLength × Σ_tilings 2ⁿ·n log n) with free downloads, else
  ///   O(maxBlockLength × Σ_tilings Σₖ C(n,k)·k!·n).
  public static func solve(_ tables: FusedTables) -> FusedResult {
    var best = noFusion(tables)
    for e in 1...tables.instance.maxBlockLength {
      for t in tables.instance.tilings.indices {
        let times = tables.pathTimes[e - 1][t]
        let n = times.count
        for mask in 0..<(1 << n) {
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
          } else {
            forEachPermutation(of: remote) { deviceMerge($0 + local) }
          }
        }
      }
    }
    return best
  }

  /// Calls `body` with every permutation of `items` (Heap's algorithm, iterative).
  static func forEachPermutation(of items: [Int], _ body: ([Int]) -> Void) {
    var items = items
    var counters = [Int](repeating: 0, count: items.count)
    body(items)
    var i = 1
    while i < items.count {
      if counters[i] < i {
        items.swapAt(i % 2 == 0 ? 0 : counters[i], i)
        body(items)
        counters[i] += 1
        i = 1
      } else {
        counters[i] = 0
        i += 1
      }
    }
  }
}
