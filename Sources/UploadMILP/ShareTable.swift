import Algorithms
import EdgeSplitModel
import Upload

/// One UE's best latency on a grid of (compute share, bandwidth share) points, over every
/// partition of its model, and a plane below it on each grid *cell*.
///
/// Point `(k, m)` is `(compute[k], bandwidth[m])`; its cell is the box of shares
/// `(compute[k − 1], compute[k]] × (bandwidth[m − 1], bandwidth[m]]` (the share 0 alone for
/// `k = 0` or `m = 0`). `latency[k][m] = h(f, b) = min_p completion(p, f, b)` at the point, each
/// value replayed by ``UploadEvaluator`` with parallel uploading. Since every completion is
/// non-increasing in both shares, `h` on the cell is at least the point's value, and
/// ``cellPieces(_:_:tangents:)`` sharpens that with the partitions' ``LatencyMinorant``s.
///
/// The grids are ascending, start at 0 and end at the most the UE can get (`F`, and
/// `min(maxUplinkMbps, B)`); ``UploadGridOptimum`` refines them by inserting shares, which only
/// ever shrinks cells.
struct ShareTable {
  /// Every partition of the UE's model; it replays the points that are not on the grid.
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
  /// `minorants[k][m]`: those replayed at the point, of every partition that can be the best
  /// anywhere in the point's cell (as large as it was when the point was added), and a latency
  /// below which no other partition comes on that cell.
  private var minorants: [[(kept: [(partition: Int, minorant: LatencyMinorant)], others: Double)]] = []
  /// Timelines replayed for grid points so far.
  private var pointReplays = 0
  /// Timelines replayed so far.
  var replays: Int { pointReplays + menu.replays }

  /// The table on uniform grids of `steps` intervals over `[0, F]` and `[0, min(cap, B)]`.
  init(_ ue: UploadUE, partitions: [[Bool]], on instance: UploadInstance, steps: Int) {
    menu = PartitionMenu(ue, partitions: partitions)
    let topCompute = instance.serverGflops
    let topBandwidth = min(ue.maxUplinkMbps, instance.bandwidthMbps)
    compute = (0...steps).map { topCompute * Double($0) / Double(steps) }
    bandwidth = (0...steps).map { topBandwidth * Double($0) / Double(steps) }
    for k in compute.indices {
      let row = bandwidth.indices.map { point(k, $0) }
      latency.append(row.map(\.latency))
      minorants.append(row.map(\.minorants))
    }
  }

  /// The width of cell `(k, m)` in compute and in bandwidth share.
  func extent(_ k: Int, _ m: Int) -> (compute: Double, bandwidth: Double) {
    (k > 0 ? compute[k] - compute[k - 1] : 0, m > 0 ? bandwidth[m] - bandwidth[m - 1] : 0)
  }

  /// The best latency at grid point `(k, m)` and the minorants of every partition that can be
  /// the best in its cell.
  ///
  /// Partitions are replayed in increasing order of their lower bound ``PartitionMenu`` until
  /// that bound reaches the least tangent plane value at the cell's far corner (smallest
  /// shares): every other partition's completion is above that value on the whole cell, and on
  /// every cell the point has later, since cells only shrink.
  private mutating func point(_ k: Int, _ m: Int) -> (latency: Double, minorants: (kept: [(partition: Int, minorant: LatencyMinorant)], others: Double)) {
    let (f, b) = (compute[k], bandwidth[m])
    let (dx, dy) = extent(k, m)
    var result = (latency: Double.infinity, minorants: (kept: [(partition: Int, minorant: LatencyMinorant)](), others: Double.infinity))
    for (p, bound) in menu.byLowerBound(computeGflops: f, bandwidthMbps: b) {
      guard bound < result.minorants.others else { break }
      pointReplays += 1
      guard let minorant = LatencyMinorant(menu.ue, onDevice: partitions[p], computeGflops: f, bandwidthMbps: b) else { continue }
      result.minorants.kept.append((p, minorant))
      result.latency = min(result.latency, minorant.value)
      let top = minorant.tangent(computeGflops: f, bandwidthMbps: b)
      result.minorants.others = min(result.minorants.others, top.value + top.computeSlope * dx + top.bandwidthSlope * dy)
    }
    return result
  }

  /// The best latency and partition at shares `(f, b)` anywhere (the planes are not kept).
  mutating func best(computeGflops f: Double, bandwidthMbps b: Double) -> (latency: Double, partition: Int) {
    menu.best(computeGflops: f, bandwidthMbps: b)
  }

  /// A plane on a cell: `base + alpha · x + beta · y` seconds at `x` GFLOP/s below the cell's
  /// largest compute share and `y` Mbit/s below its largest bandwidth share.
  struct CellPlane: Hashable {
    var base: Double, alpha: Double, beta: Double
    func value(_ x: Double, _ y: Double) -> Double { base + alpha * x + beta * y }
  }

  /// What `h` on cell `(k, m)` is at least, piece by piece: for each partition that can be the
  /// best there, planes its latency is above everywhere on the cell, and for all the others
  /// together a constant (one plane with slopes 0); `h` is at least the least piece.
  ///
  /// A partition's planes are tangent planes of its ``LatencyMinorant``s (convex, so above each
  /// of them) at the cell's corners and centre (those with both shares positive). A minorant
  /// holds for every compute share and for bandwidth shares up to the one it was replayed at, so
  /// besides the point's own, those of the grid points beside it (one compute share down or up)
  /// and above it (one bandwidth share up) hold on the cell too: the first is exact at the
  /// cell's smallest compute share, and the others are what held on the cell before it was last
  /// split. At each anchor only the highest tangent is kept. A kept partition is left out when
  /// its latency at the point is already at least another's minorant at the far corner, which
  /// bounds that one on the whole cell. Without `tangents`, the one piece is the point's
  /// latency, a bound by monotonicity alone (exact to first order only, but a much smaller
  /// program).
  func cellPieces(_ k: Int, _ m: Int, tangents: Bool) -> [[CellPlane]] {
    guard tangents else { return [[CellPlane(base: latency[k][m], alpha: 0, beta: 0)]] }
    let (dx, dy) = extent(k, m)
    let (f, b) = (compute[k], bandwidth[m])
    let (kept, others) = minorants[k][m]
    let farCorner = kept.map { $0.minorant.value(computeGflops: f - dx, bandwidthMbps: b - dy) }
    var anchors = [(0.0, 0.0), (dx / 2, dy / 2)]
    if dx > 0 && f - dx > 0 { anchors.append((dx, 0)) }
    if dy > 0 && b - dy > 0 { anchors.append((0, dy)) }
    if dx > 0 && dy > 0 && f - dx > 0 && b - dy > 0 { anchors.append((dx, dy)) }
    let neighbours = [(k - 1, m), (k + 1, m), (k, m + 1)].filter { compute.indices.contains($0.0) && bandwidth.indices.contains($0.1) }
    var pieces: [[CellPlane]] = []
    for (p, (partition, minorant)) in kept.enumerated() {
      guard minorant.value < kept.indices.reduce(others, { $1 == p ? $0 : min($0, farCorner[$1]) }) else { continue }
      let valid = [minorant] + neighbours.compactMap { k, m in minorants[k][m].kept.first { $0.partition == partition }?.minorant }
      var planes: [CellPlane] = []
      for (x, y) in anchors {
        let highest = valid.map { $0.tangent(computeGflops: f - x, bandwidthMbps: b - y) }.max { $0.value < $1.value }!
        guard highest.value.isFinite else { continue }
        let plane = CellPlane(base: highest.value - highest.computeSlope * x - highest.bandwidthSlope * y,
                              alpha: highest.computeSlope, beta: highest.bandwidthSlope)
        if !planes.contains(plane) { planes.append(plane) }
      }
      // Every anchor's tangent infinite cannot happen (the point's own is finite there), but a
      // piece without planes would cost nothing: the point's latency is always a bound.
      if planes.isEmpty { planes.append(CellPlane(base: minorant.value, alpha: 0, beta: 0)) }
      pieces.append(planes)
    }
    if others.isFinite { pieces.append([CellPlane(base: others, alpha: 0, beta: 0)]) }
    return pieces
  }

  /// Inserts compute share `value` into the grid; false when it is already there (or rounds onto
  /// a neighbour) or lies outside it.
  mutating func insertCompute(_ value: Double) -> Bool {
    let k = compute.partitioningIndex { $0 >= value }
    guard k > 0, k < compute.count, compute[k] != value else { return false }
    compute.insert(value, at: k)
    latency.insert([], at: k)
    minorants.insert([], at: k)
    for m in bandwidth.indices {
      let point = point(k, m)
      latency[k].append(point.latency)
      minorants[k].append(point.minorants)
    }
    return true
  }

  /// Inserts bandwidth share `value` into the grid, as ``insertCompute(_:)``.
  mutating func insertBandwidth(_ value: Double) -> Bool {
    let m = bandwidth.partitioningIndex { $0 >= value }
    guard m > 0, m < bandwidth.count, bandwidth[m] != value else { return false }
    bandwidth.insert(value, at: m)
    for k in compute.indices {
      latency[k].insert(.infinity, at: m)
      minorants[k].insert(([], .infinity), at: m)
      let point = point(k, m)
      (latency[k][m], minorants[k][m]) = (point.latency, point.minorants)
    }
    return true
  }

  /// The cells worth a column: least latency (at the point) at most `cutoff`, and strictly
  /// below every point with no more of either share than the cell's smallest: a cell that is
  /// not can be swapped for that point in any solution of the relaxation without raising its
  /// latency or its shares.
  func candidates(cutoff: Double) -> [(k: Int, m: Int)] {
    var cells: [(k: Int, m: Int)] = []
    // prefix[k][m]: the least latency over points (k', m') <= (k, m).
    var prefix = latency
    for k in compute.indices {
      for m in bandwidth.indices {
        let (lowK, lowM) = (k > 0 ? k - 1 : 0, m > 0 ? m - 1 : 0)
        let below = (k, m) == (lowK, lowM) ? Double.infinity : prefix[lowK][lowM]
        if latency[k][m] <= cutoff && latency[k][m] < below { cells.append((k, m)) }
        prefix[k][m] = min(latency[k][m], k > 0 ? prefix[k - 1][m] : .infinity, m > 0 ? prefix[k][m - 1] : .infinity)
      }
    }
    return cells
  }
}

extension UploadUE {
  /// Whether `other` differs from this UE in its name at most, so both have the same `h(f, b)`
  /// and one ``ShareTable`` serves both.
  func isAlike(_ other: UploadUE) -> Bool {
    model == other.model && deviceGflops == other.deviceGflops && maxUplinkMbps == other.maxUplinkMbps && frames == other.frames
  }
}
