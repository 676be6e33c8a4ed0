import EdgeSplitModel

/// What every P3 solver needs, computed once per instance with the model's own geometry and
/// timing (``FusedInstance/paths(blockLength:tiling:)``, ``FusedTiming``): each block
/// length's path times per tiling, and the best tail of each block length and merge place.
///
/// The tail is separable: for a given merge place the makespan is `merge + tailTime(cut)`,
/// so the best cut depends on the block length and the merge place only.
public struct FusedTables: Sendable {
  /// The instance the tables describe.
  public let instance: FusedInstance
  /// `pathTimes[e - 1][t]`: times of the paths of block length `e` under `instance.tilings[t]`.
  public let pathTimes: [[[PathTimes]]]
  /// `deviceMergeTail[e]`: the best cut when the block output of length `e` is merged on the
  /// device (for `e == 0`, the best single cut of the unfused network), and its seconds.
  public let deviceMergeTail: [(cut: Int, seconds: Double)]
  /// `serverMergeTail[e]`: tail seconds when a block of length `e` merges on the server;
  /// `nil` for `e == 0` and when the block is the whole network.
  public let serverMergeTail: [Double?]

  /// - Complexity: O(maxBlockLength × (Σ tiles × maxBlockLength + layerCount²)).
  public init(_ instance: FusedInstance) {
    self.instance = instance
    let count = instance.layerCount
    pathTimes = (1...instance.maxBlockLength).map { e in
      instance.tilings.map { FusedTiming.times(instance, instance.paths(blockLength: e, tiling: $0)) }
    }
    deviceMergeTail = (0...instance.maxBlockLength).map { e in
      let cuts = e == 0 ? 0...count : min(e + 1, count)...count
      return cuts.map { ($0, FusedTiming.tailTime(instance, blockLength: e, tailCut: $0)) }.min { $0.1 < $1.1 }!
    }
    serverMergeTail = (0...instance.maxBlockLength).map { e in
      FusedTiming.mergesOnServer(instance, blockLength: e, tailCut: e)
        ? FusedTiming.tailTime(instance, blockLength: e, tailCut: e) : nil
    }
  }

  /// Makespan when block length `e > 0`, tiling index `t` merges on the device, best tail.
  public func deviceMergeMakespan(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool]) -> Double {
    FusedTiming.gatherTime(pathTimes[e - 1][t], order: order, offloaded: offloaded) + deviceMergeTail[e].seconds
  }

  /// Makespan when block length `e > 0`, tiling index `t` merges on the server; `nil` when
  /// that is impossible (the block is the whole network).
  public func serverMergeMakespan(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool]) -> Double? {
    serverMergeTail[e].map {
      FusedTiming.serverMergeTime(pathTimes[e - 1][t], order: order, offloaded: offloaded) + $0
    }
  }

  /// The better merge place for block length `e > 0`: its makespan and tail cut.
  public func best(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool]) -> (makespan: Double, tailCut: Int) {
    let device = deviceMergeMakespan(blockLength: e, tiling: t, order: order, offloaded: offloaded)
    if let server = serverMergeMakespan(blockLength: e, tiling: t, order: order, offloaded: offloaded), server < device {
      return (server, e)
    }
    return (device, deviceMergeTail[e].cut)
  }

  /// The decision for block length `e` (0: unfused), tiling index `t` and tail cut.
  public func decision(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool], tailCut: Int) -> FusedDecision {
    FusedDecision(blockLength: e, tiling: e == 0 ? nil : instance.tilings[t], order: e == 0 ? [] : order,
                  offloaded: e == 0 ? [] : offloaded, tailCut: tailCut)
  }

  /// True when results come back at no cost, so with a device merge the offloaded paths form
  /// a two-machine flow shop (upload → server) that Johnson's rule orders optimally.
  public var downloadsAreFree: Bool { instance.downlinkMbps == nil }

  /// Johnson's rule for a two-machine flow shop: jobs whose first stage is shorter than their
  /// second first, by increasing first stage; then the others, by decreasing second stage.
  /// Ties keep job index order. It minimizes the last completion on the second machine over
  /// all schedules (Johnson 1954), also when the second machine only becomes free at some
  /// time `t0` (the makespan is `max(t0 + Σ second, Johnson's term)`).
  /// - Complexity: O(k log k) for k jobs.
  public static func johnson(_ jobs: [Int], first: (Int) -> Double, second: (Int) -> Double) -> [Int] {
    let early = jobs.filter { first($0) < second($0) }.sorted { (first($0), $0) < (first($1), $1) }
    let late = jobs.filter { first($0) >= second($0) }.sorted { (-second($0), $0) < (-second($1), $1) }
    return early + late
  }

  /// Offloaded paths by Johnson's rule on (upload, server [+ download]).
  ///
  /// Without the download it is exact for a server merge and for a device merge with free
  /// downloads: the evaluator replays offloaded paths as a semi-active permutation schedule on
  /// the uplink then the server, and the merge time is nondecreasing in the last server
  /// completion. With a paid download (three machines) it is a heuristic.
  public static func remoteOrder(_ jobs: [Int], _ times: [PathTimes], withDownload: Bool) -> [Int] {
    johnson(jobs, first: { times[$0].upload }, second: { times[$0].server + (withDownload ? times[$0].download : 0) })
  }

  /// Local paths by Johnson's rule on (device, output upload), for a server merge.
  ///
  /// Exact there when the offloaded paths go first: the uplink then serves the local outputs
  /// from `Σ uploads` on, a two-machine flow shop (device → uplink) with a late second machine.
  public static func localOrder(_ jobs: [Int], _ times: [PathTimes]) -> [Int] {
    johnson(jobs, first: { times[$0].device }, second: { times[$0].outputUpload })
  }
}

/// A P3 solver's answer: the decision and the makespan it computed for it (seconds).
public struct FusedResult: Sendable, Hashable {
  public var decision: FusedDecision
  public var makespan: Double
}
