import EdgeSplitModel

/// What every P3 solver needs, computed once per instance with the model's own geometry and
/// timing (``FusedInstance/paths(blockLength:tiling:)``, ``FusedEvaluator``): each block
/// length's path times per tiling, and the best tail cut of each block length.
///
/// The tail is separable: whatever happens in the block, the makespan is
/// `gather + tailTime(blockLength, tailCut)`, so the best cut depends on the block length only.
public struct FusedTables: Sendable {
  /// The instance the tables describe.
  public let instance: FusedInstance
  /// `pathTimes[e - 1][t]`: times of the paths of block length `e` under `instance.tilings[t]`.
  public let pathTimes: [[[PathTimes]]]
  /// `bestTail[e]`: the cut minimizing the tail after a block of length `e`, and its seconds.
  public let bestTail: [(cut: Int, seconds: Double)]

  /// - Complexity: O(maxBlockLength × (Σ tiles × maxBlockLength + layerCount²)).
  public init(_ instance: FusedInstance) {
    self.instance = instance
    pathTimes = (1...instance.maxBlockLength).map { e in
      instance.tilings.map { FusedEvaluator.times(instance, instance.paths(blockLength: e, tiling: $0)) }
    }
    bestTail = (0...instance.maxBlockLength).map { e in
      (e...instance.layerCount).map { ($0, FusedEvaluator.tailTime(instance, blockLength: e, tailCut: $0)) }
        .min { $0.1 < $1.1 }!
    }
  }

  /// The makespan of block length `e` (> 0), tiling index `t`, with the best tail.
  public func makespan(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool]) -> Double {
    FusedEvaluator.gatherTime(pathTimes[e - 1][t], order: order, offloaded: offloaded) + bestTail[e].seconds
  }

  /// The decision for block length `e` (0: unfused), tiling index `t`, with the best tail.
  public func decision(blockLength e: Int, tiling t: Int, order: [Int], offloaded: [Bool]) -> FusedDecision {
    FusedDecision(blockLength: e, tiling: e == 0 ? nil : instance.tilings[t], order: e == 0 ? [] : order,
                  offloaded: e == 0 ? [] : offloaded, tailCut: bestTail[e].cut)
  }

  /// True when results come back at no cost, so offloaded paths form a two-machine flow shop
  /// (upload → server) and Johnson's rule orders them optimally.
  public var downloadsAreFree: Bool { instance.downlinkMbps == nil }

  /// Johnson's rule for the flow shop upload → server (+ download as part of the second
  /// stage): jobs whose upload is shorter than their remaining work first, by increasing
  /// upload; then the others, by decreasing remaining work. Ties keep path order.
  ///
  /// Exact when downloads are free: the evaluator replays offloaded paths as a semi-active
  /// permutation schedule on two machines (uplink, then server), Johnson's order minimizes the
  /// last server completion over all such schedules (Johnson 1954), and the gather time is
  /// `max(device sum, last download)`, nondecreasing in it, with the device sum independent of
  /// the order. With a paid downlink it is a heuristic (three-machine flow shop).
  /// - Complexity: O(k log k) for k jobs.
  public static func johnsonOrder(_ jobs: [Int], _ times: [PathTimes]) -> [Int] {
    let second = { (p: Int) in times[p].server + times[p].download }
    let early = jobs.filter { times[$0].upload < second($0) }
      .sorted { (times[$0].upload, $0) < (times[$1].upload, $1) }
    let late = jobs.filter { times[$0].upload >= second($0) }
      .sorted { (-second($0), $0) < (-second($1), $1) }
    return early + late
  }
}

/// A P3 solver's answer: the decision and the makespan it computed for it (seconds).
public struct FusedResult: Sendable, Hashable {
  public var decision: FusedDecision
  public var makespan: Double
}
