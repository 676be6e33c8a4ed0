import EdgeSplitModel

/// A UE's candidate partitions and the best of them at given shares, each candidate replayed by
/// ``UploadEvaluator`` with parallel uploading.
///
/// Candidates are replayed in increasing order of the lower bound `max(D, U / b, W / f)` (device
/// time, upload time, server time: each resource works one item at a time) until that bound
/// reaches the best completion found, so most are never replayed. With every closed device set
/// as candidates the result is the UE's exact best latency at those shares.
public struct PartitionMenu: Sendable {
  /// The UE.
  public let ue: UploadUE
  /// The candidate partitions.
  public private(set) var partitions: [[Bool]]
  /// Each candidate's device time, bytes sent and server FLOPs.
  private var demands: [ARA.Demand]
  /// Timelines replayed so far.
  public private(set) var replays = 0

  /// A menu of `partitions` (each a valid partition of the UE's model).
  public init(_ ue: UploadUE, partitions: [[Bool]]) {
    self.ue = ue
    self.partitions = partitions
    demands = partitions.map { ARA.Demand(ue, onDevice: $0) }
  }

  /// Every closed device set when the model has at most `limit`, else every prefix of the UE's
  /// execution order (all-local and all-server included): the menu PBT-DP's results are added to.
  public init(_ ue: UploadUE, exhaustiveUpTo limit: Int) {
    if let sets = ue.model.deviceSets(limit: limit) {
      self.init(ue, partitions: sets)
    } else {
      let n = ue.model.layers.count
      self.init(ue, partitions: (0...n).map { prefix in
        var onDevice = [Bool](repeating: false, count: n)
        for v in ue.order.prefix(prefix) { onDevice[v] = true }
        return onDevice
      })
    }
  }

  /// Adds `partition` unless it is already a candidate; true when added.
  public mutating func add(_ partition: [Bool]) -> Bool {
    guard !partitions.contains(partition) else { return false }
    partitions.append(partition)
    demands.append(ARA.Demand(ue, onDevice: partition))
    return true
  }

  /// The candidates in increasing order of the lower bound `max(D, U / b, W / f)` on their
  /// completion at compute share `f` GFLOP/s and bandwidth share `b` Mbit/s, with that bound
  /// (infinite for a candidate needing a resource whose share is 0).
  public func byLowerBound(computeGflops f: Double, bandwidthMbps b: Double) -> [(partition: Int, bound: Double)] {
    demands.indices.map { p in
      let demand = demands[p]
      return (p, max(demand.deviceSeconds,
                     demand.uploadBytes > 0 ? Seconds.transfer(demand.uploadBytes, mbps: b) : 0,
                     demand.serverFlops > 0 ? Seconds.compute(demand.serverFlops, gflops: f) : 0))
    }.sorted { $0.bound < $1.bound }
  }

  /// The best candidate at compute share `f` GFLOP/s and bandwidth share `b` Mbit/s (either may be
  /// 0: candidates needing that resource are then out), as (completion, index); `(inf, -1)` when
  /// no candidate can run there.
  public mutating func best(computeGflops f: Double, bandwidthMbps b: Double) -> (latency: Double, partition: Int) {
    var result = (latency: Double.infinity, partition: -1)
    for (p, bound) in byLowerBound(computeGflops: f, bandwidthMbps: b) {
      // Infinite bounds (work at a zero share) are never replayed.
      guard bound < result.latency else { break }
      replays += 1
      let completion = UploadEvaluator.timeline(
        of: ue, UploadDecision(onDevice: partitions[p], computeGflops: f, bandwidthMbps: b), mode: .parallel
      ).completion
      if completion < result.latency { result = (completion, p) }
    }
    return result
  }
}
