import Algorithms
import EdgeSplitModel
import Upload

/// One UE's best latency on a grid of (compute share, bandwidth share) points, over every
/// partition of its model: `h(f, b) = min_p completion(p, f, b)`, each value replayed by
/// ``UploadEvaluator`` with parallel uploading.
///
/// The grids are ascending, start at 0 and end at the most the UE can get (`F`, and
/// `min(maxUplinkMbps, B)`); ``UploadGridOptimum`` refines them by inserting midpoints.
struct ShareTable {
  /// Every partition of the UE's model, and the best of them at a grid point.
  private var menu: PartitionMenu
  /// Every partition of the UE's model.
  var partitions: [[Bool]] { menu.partitions }
  /// Compute share grid in GFLOP/s.
  private(set) var compute: [Double]
  /// Bandwidth share grid in Mbit/s.
  private(set) var bandwidth: [Double]
  /// `latency[k][m]`: the best completion time at `(compute[k], bandwidth[m])`, infinite when no
  /// partition can run there.
  private(set) var latency: [[Double]] = []
  /// `choice[k][m]`: the index in ``partitions`` achieving it (-1 when none).
  private(set) var choice: [[Int]] = []
  /// Timelines replayed so far.
  var replays: Int { menu.replays }

  /// The table on uniform grids of `steps` intervals over `[0, F]` and `[0, min(cap, B)]`.
  init(_ ue: UploadUE, partitions: [[Bool]], on instance: UploadInstance, steps: Int) {
    menu = PartitionMenu(ue, partitions: partitions)
    let topCompute = instance.serverGflops
    let topBandwidth = min(ue.maxUplinkMbps, instance.bandwidthMbps)
    compute = (0...steps).map { topCompute * Double($0) / Double(steps) }
    bandwidth = (0...steps).map { topBandwidth * Double($0) / Double(steps) }
    for f in compute {
      var row: [(latency: Double, partition: Int)] = []
      for b in bandwidth { row.append(best(f, b)) }
      latency.append(row.map(\.latency))
      choice.append(row.map(\.partition))
    }
  }

  /// The best partition at shares `f`, `b` (`PartitionMenu.best`).
  private mutating func best(_ f: Double, _ b: Double) -> (latency: Double, partition: Int) {
    menu.best(computeGflops: f, bandwidthMbps: b)
  }

  /// Inserts compute share `value` into the grid; false when it is already there (or rounds onto
  /// a neighbour) or lies outside it.
  mutating func insertCompute(_ value: Double) -> Bool {
    let k = compute.partitioningIndex { $0 >= value }
    guard k > 0, k < compute.count, compute[k] != value else { return false }
    compute.insert(value, at: k)
    var row: [(latency: Double, partition: Int)] = []
    for b in bandwidth { row.append(best(value, b)) }
    latency.insert(row.map(\.latency), at: k)
    choice.insert(row.map(\.partition), at: k)
    return true
  }

  /// Inserts bandwidth share `value` into the grid, as ``insertCompute(_:)``.
  mutating func insertBandwidth(_ value: Double) -> Bool {
    let m = bandwidth.partitioningIndex { $0 >= value }
    guard m > 0, m < bandwidth.count, bandwidth[m] != value else { return false }
    bandwidth.insert(value, at: m)
    for k in compute.indices {
      let point = best(compute[k], value)
      latency[k].insert(point.latency, at: m)
      choice[k].insert(point.partition, at: m)
    }
    return true
  }

  /// The grid points worth a column: finite latency at most `cutoff`, and strictly better than
  /// every other point that uses no more of either share (a point that is not can be swapped
  /// for that one in any solution of either program, since both charge shares monotonically).
  func candidates(cutoff: Double) -> [(k: Int, m: Int)] {
    var points: [(k: Int, m: Int)] = []
    // prefix[k][m]: the least latency over points (k', m') <= (k, m).
    var prefix = latency
    for k in compute.indices {
      for m in bandwidth.indices {
        let dominating = min(k > 0 ? prefix[k - 1][m] : .infinity, m > 0 ? prefix[k][m - 1] : .infinity)
        if latency[k][m] <= cutoff && latency[k][m] < dominating { points.append((k, m)) }
        prefix[k][m] = min(latency[k][m], dominating)
      }
    }
    return points
  }

  /// The decision at grid point `(k, m)`.
  func decision(_ k: Int, _ m: Int) -> UploadDecision {
    UploadDecision(onDevice: partitions[choice[k][m]], computeGflops: compute[k], bandwidthMbps: bandwidth[m])
  }
}
