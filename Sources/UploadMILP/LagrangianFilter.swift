import Upload

/// Reduced-cost filtering of the relaxation's pieces with a Lagrangian bound: priced at `λ` per
/// GFLOP/s and `μ` per Mbit/s, each UE picks its cheapest piece on its own, and
///
///     L(λ, μ) = Σ_g n_g · min_{c ∈ g} r_c(λ, μ) − λ F − μ B
///
/// is below every relaxation solution, `r_c` being a lower bound on piece `c`'s latency plus its
/// priced shares. A solution that puts a UE of group `g` on piece `c` is worth at least
/// `L − min_g + r_c`; when that exceeds the cutoff the piece cannot be in a solution better than
/// the incumbent, and leaving it out does not change whether the relaxation proves the incumbent
/// optimal or the bound it proves below the cutoff.
///
/// `r_c` is the largest, over the piece's planes, of that plane's least priced value on the cell
/// (a linear function: least at a corner). `L` is concave in `(λ, μ)`; a few sweeps of ternary
/// searches over each multiplier in turn raise it (any multipliers give a valid filter).
struct LagrangianFilter {
  let pieces: [UploadGridOptimum.Piece]
  let sizes: [Int]
  let computeBudget: Double, bandwidthBudget: Double

  init(_ pieces: [UploadGridOptimum.Piece], sizes: [Int], on instance: UploadInstance) {
    self.pieces = pieces
    self.sizes = sizes
    computeBudget = instance.serverGflops
    bandwidthBudget = instance.bandwidthMbps
  }

  /// A lower bound on piece `c`'s latency plus its shares priced at `(λ, μ)`.
  func reduced(_ c: Int, _ lambda: Double, _ mu: Double) -> Double {
    let piece = pieces[c]
    var best = -Double.infinity
    for plane in piece.planes {
      var least = Double.infinity
      for (x, y) in [(0, 0), (piece.dx, 0), (0, piece.dy), (piece.dx, piece.dy)] {
        least = min(least, plane.value(x, y) + lambda * (piece.compute - x) + mu * (piece.bandwidth - y))
      }
      best = max(best, least)
    }
    return best
  }

  /// `L(λ, μ)` and each group's least reduced value.
  func bound(_ lambda: Double, _ mu: Double) -> (value: Double, least: [Double]) {
    var least = [Double](repeating: .infinity, count: sizes.count)
    for c in pieces.indices { least[pieces[c].group] = min(least[pieces[c].group], reduced(c, lambda, mu)) }
    let value = zip(least, sizes).reduce(0) { $0 + $1.0 * Double($1.1) } - lambda * computeBudget - mu * bandwidthBudget
    return (value, least)
  }

  /// Which pieces can be in a relaxation solution worth at most `cutoff`.
  func keep(cutoff: Double) -> [Bool] {
    guard !pieces.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { return pieces.map { _ in true } }
    // Prices above the largest latency a whole budget can buy back are never better.
    let spread = pieces.reduce(0.0) { top, piece in max(top, piece.planes.map { $0.value(piece.dx, piece.dy) }.max() ?? 0) }
      * Double(sizes.reduce(0, +))
    var (lambda, mu) = (0.0, 0.0)
    func search(_ high: Double, _ value: (Double) -> Double) -> Double {
      var (low, high) = (0.0, high)
      for _ in 0..<40 {
        let (a, b) = (low + (high - low) / 3, high - (high - low) / 3)
        if value(a) < value(b) { low = a } else { high = b }
      }
      return (low + high) / 2
    }
    // The filter must use one pair of multipliers throughout: the best bound's.
    var best = (bound: bound(0, 0), lambda: 0.0, mu: 0.0)
    for _ in 0..<3 {
      lambda = search(spread / computeBudget) { bound($0, mu).value }
      mu = search(spread / bandwidthBudget) { bound(lambda, $0).value }
      let candidate = bound(lambda, mu)
      if candidate.value > best.bound.value { best = (candidate, lambda, mu) } else { break }
    }
    guard best.bound.value.isFinite else { return pieces.map { _ in true } }
    return pieces.indices.map { c in
      best.bound.value - best.bound.least[pieces[c].group] + reduced(c, best.lambda, best.mu) <= cutoff
    }
  }
}
