import EdgeSplitModel

/// ARA: the allocation of server compute and uplink bandwidth among UEs for fixed partitions.
///
/// ARA plans with the *sequential surrogate* of a UE's latency, where nothing overlaps:
///
///     T_i(f_i, b_i) = D_i + U_i / b_i + W_i / f_i
///
/// with `D_i` the device time, `U_i` the bits the UE sends (tensors and parameters) and `W_i` its
/// server FLOPs. Minimizing `Σ T_i` subject to `Σ f_i <= F`, `Σ b_i <= B`, `0 <= b_i <= c_i` (the
/// channel caps) separates into two problems of the form `min Σ w_i / x_i, Σ x_i <= X`. The
/// objective is convex and decreasing, so the budget is spent and the KKT conditions read
/// `w_i / x_i² = λ` for uncapped UEs: `x_i = sqrt(w_i / λ)`, i.e.
///
///     f_i = F · sqrt(W_i) / Σ_j sqrt(W_j)        (value (Σ sqrt W_i)² / F)
///
/// and with caps, water-filling `x_i = min(c_i, sqrt(w_i) · t)` with the level `t` that spends the
/// budget (or every UE at its cap when the caps sum to less). A UE running several frames
/// (``UploadUE/frames``) asks for every frame's device time, tensors and FLOPs and for its
/// parameters once (``Demand``). In parallel mode the surrogate is an upper bound on the
/// event-level completion time of the same decision, for any number of frames (``UploadEvaluator``
/// overlaps uploads with device and server work; every item is released by `D_i`, the end of the
/// last frame's device layers; the uplink is work-conserving, so everything has arrived by
/// `D_i + U_i / b_i`; the server, running the frames in order, then never idles and needs at most
/// `W_i / f_i`), so ARA minimizes an upper bound: it is optimal for the surrogate only, not for
/// the evaluator's objective.
public enum ARA {
  /// What a UE asks of the server for a fixed partition, over all its ``UploadUE/frames``.
  public struct Demand: Sendable, Hashable {
    /// Device seconds `D_i`, every frame's.
    public var deviceSeconds: Double
    /// Bytes sent: every frame's tensors read on the server, and the server layers' parameters once.
    public var uploadBytes: Double
    /// Server FLOPs `W_i`, every frame's.
    public var serverFlops: Double

    /// The demand of `onDevice` for `ue` (the partition must cover the model).
    public init(_ ue: UploadUE, onDevice: [Bool]) {
      let partition = Partition(onDevice: onDevice)
      let frames = Double(ue.frames)
      deviceSeconds = frames * Seconds.compute(ue.model.deviceFlops(partition), gflops: ue.deviceGflops)
      uploadBytes = UploadEvaluator.sentBytes(ue, onDevice)
      serverFlops = frames * ue.model.serverFlops(partition)
    }

    /// The surrogate latency at shares `f` GFLOP/s and `b` Mbit/s (zero work takes no time).
    public func surrogate(computeGflops f: Double, bandwidthMbps b: Double) -> Double {
      deviceSeconds + (uploadBytes > 0 ? Seconds.transfer(uploadBytes, mbps: b) : 0)
        + (serverFlops > 0 ? Seconds.compute(serverFlops, gflops: f) : 0)
    }
  }

  /// The KKT allocation `(f_i, b_i)` for `demands` on `instance` (indexed like its UEs).
  public static func allocate(_ demands: [Demand], on instance: UploadInstance) -> [(computeGflops: Double, bandwidthMbps: Double)] {
    let compute = waterFill(demands.map(\.serverFlops), budget: instance.serverGflops,
                            caps: Array(repeating: .infinity, count: demands.count))
    let bandwidth = waterFill(demands.map(\.uploadBytes), budget: instance.bandwidthMbps,
                              caps: instance.ues.map(\.maxUplinkMbps))
    return demands.indices.map { (compute[$0], bandwidth[$0]) }
  }

  /// `argmin Σ w_i / x_i` subject to `Σ x_i <= budget`, `0 <= x_i <= caps[i]`: `x_i = min(c_i,
  /// sqrt(w_i)·t)`. UEs are capped in increasing order of `c_i / sqrt(w_i)`; zero demand gets 0.
  public static func waterFill(_ work: [Double], budget: Double, caps: [Double]) -> [Double] {
    var shares = [Double](repeating: 0, count: work.count)
    let active = work.indices.filter { work[$0] > 0 }.sorted { caps[$0] / work[$0].squareRoot() < caps[$1] / work[$1].squareRoot() }
    var remainingBudget = budget
    // Σ sqrt(w) of the UEs not yet capped, summed afresh rather than by subtracting capped roots
    // from the total: with demands 10^20 apart that subtraction loses the small roots and the
    // shares overspend the budget.
    var rootsFrom = [Double](repeating: 0, count: active.count + 1)
    for k in active.indices.reversed() { rootsFrom[k] = rootsFrom[k + 1] + work[active[k]].squareRoot() }
    var level = 0.0
    var uncappedFrom = active.count
    for (k, i) in active.enumerated() {
      level = remainingBudget / rootsFrom[k]
      if caps[i] <= work[i].squareRoot() * level {
        shares[i] = caps[i]
        remainingBudget -= caps[i]
      } else {
        uncappedFrom = k
        break
      }
    }
    for i in active.dropFirst(uncappedFrom) { shares[i] = work[i].squareRoot() * level }
    return withinBudget(shares, budget: budget)
  }

  /// `shares` with their sum, added in index order as ``UploadEvaluator`` adds them, at most
  /// `budget` exactly, not only up to the evaluator's tolerance: while the sum exceeds the budget
  /// the largest share gives up the excess (and one more ulp). Floating-point addition is monotone
  /// in each term, so every step lowers the sum or the largest share, and the loop ends; shares
  /// whose sum already fits come back unchanged.
  public static func withinBudget(_ shares: [Double], budget: Double) -> [Double] {
    var shares = shares
    while true {
      let total = shares.reduce(0, +)
      guard total > budget, let largest = shares.indices.max(by: { shares[$0] < shares[$1] }), shares[largest] > 0 else {
        return shares
      }
      shares[largest] = max(0, (shares[largest] - (total - budget)).nextDown)
    }
  }

  /// `Σ_i` surrogate latency of `demands` at `shares`.
  public static func surrogateTotal(_ demands: [Demand], _ shares: [(computeGflops: Double, bandwidthMbps: Double)]) -> Double {
    zip(demands, shares).reduce(0) { $0 + $1.0.surrogate(computeGflops: $1.1.computeGflops, bandwidthMbps: $1.1.bandwidthMbps) }
  }
}
