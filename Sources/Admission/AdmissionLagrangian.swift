import EdgeSplitModel

/// A Lagrangian heuristic for P1, finished by ``AdmissionLocalSearch``. No worst-case ratio is
/// claimed; measured gaps are in the README.
///
/// Relaxing "each request admitted at most once" with multipliers `λ_r ≥ 0` splits P1 into one
/// 0-1 knapsack per cloudlet with profits `w_r − λ_r` (sizes `s(r, c)`, capacity `K_c`), and
/// `L(λ) = Σ λ_r + Σ_c knapsack_c(λ)` is an upper bound on the optimum. Subgradient steps
/// (Held–Karp: `t = μ (L − best) / ‖g‖²`, `g_r = 1 − #cloudlets choosing r`, `μ` halved after
/// ``patience`` steps without a better bound) drive the knapsacks towards agreement. Every step
/// is turned into a solution: each request chosen somewhere goes to the choosing cloudlet where
/// it needs the fewest threads (it fits: a subset of a knapsack), the rest are filled in
/// density order; the best repair is polished by the local search at the end.
///
/// Skips the relaxation when the local search already meets ``AdmissionTable/pooledBound``.
/// Stops when the bound proves the best solution optimal (`⌊L⌋ ≤ best` for integer weights),
/// after ``maxIterations``, when `μ` falls below 10⁻³, or when the knapsack work (`Σ_c n_c K_c`
/// per step) would exceed ``workBudget``; then the local search's own answer is returned if
/// better.
public enum AdmissionLagrangian {
  /// Most subgradient steps.
  public static let maxIterations = 300
  /// Steps without a better bound before `μ` is halved.
  public static let patience = 15
  /// Largest total knapsack work (sum over steps of `Σ_c candidates_c × (K_c + 1)`).
  public static let workBudget = 200_000_000

  /// The best solution found and the best Lagrangian bound proven on the way (`nil` when no
  /// step ran).
  public static func solve(_ table: AdmissionTable) -> (solution: AdmissionSolution, bound: Double?) {
    let instance = table.instance
    let weights = instance.requests.map(\.weight)
    var best = AdmissionLocalSearch.solve(table)
    var bestWeight = table.weight(of: best)
    let pooled = table.pooledBound
    if bestWeight >= pooled - 1e-9 { return (best, pooled) }  // already optimal
    // Candidates per cloudlet: (request, size) for every request meeting its deadline there.
    let candidates = instance.cloudlets.indices.map { c in
      instance.requests.indices.compactMap { r in table.threads(request: r, cloudlet: c).map { (r, $0) } }
    }
    let work = zip(candidates, instance.cloudlets).reduce(0) { $0 + $1.0.count * ($1.1.threads + 1) }
    guard work > 0 else { return (best, nil) }
    let iterations = min(maxIterations, workBudget / work)
    let integral = weights.allSatisfy { $0 == $0.rounded() }
    var lambda = [Double](repeating: 0, count: weights.count)
    var bound: Double?
    var mu = 2.0, stale = 0
    var bestRepair = AdmissionSolution(admissions: []), bestRepairWeight = -1.0
    var chosenBy = [[Int]](repeating: [], count: weights.count)
    var profits = weights
    for _ in 0..<iterations {
      for r in chosenBy.indices { chosenBy[r].removeAll(keepingCapacity: true) }
      for r in profits.indices { profits[r] = weights[r] - lambda[r] }
      var value = lambda.reduce(0, +)
      for c in instance.cloudlets.indices {
        value += knapsack(candidates[c], capacity: instance.cloudlets[c].threads, profits: profits) { chosenBy[$0].append(c) }
      }
      if bound.map({ value < $0 - 1e-9 }) ?? true { (bound, stale) = (value, 0) } else { stale += 1 }
      if stale >= patience { (mu, stale) = (mu / 2, 0) }
      let repaired = repair(table, chosenBy)
      let repairedWeight = table.weight(of: repaired)
      if repairedWeight > bestRepairWeight + 1e-9 { (bestRepair, bestRepairWeight) = (repaired, repairedWeight) }
      if repairedWeight > bestWeight + 1e-9 { (best, bestWeight) = (repaired, repairedWeight) }
      let proven = integral ? (bound! + 1e-6).rounded(.down) <= bestWeight : bound! <= bestWeight + 1e-9
      if proven || mu < 1e-3 { break }
      var norm = 0.0
      for r in lambda.indices { let g = 1 - Double(chosenBy[r].count); norm += g * g }
      guard norm > 0 else { break }  // every request chosen exactly once: the knapsacks agree
      let step = mu * max(value - bestWeight, 1e-6) / norm
      for r in lambda.indices { lambda[r] = max(0, lambda[r] - step * (1 - Double(chosenBy[r].count))) }
    }
    // Polishing is the costly part: once, on the best repair.
    if bestRepairWeight >= 0 {
      let polished = AdmissionLocalSearch.solve(table, from: bestRepair)
      if table.weight(of: polished) > bestWeight + 1e-9 { best = polished }
    }
    return (best, bound)
  }

  /// An optimal 0-1 knapsack over `items` (request, size) with positive `profits[request]`; calls `chosen`
  /// for each request taken and returns the profit.
  static func knapsack(_ items: [(Int, Int)], capacity: Int, profits: [Double], chosen: (Int) -> Void) -> Double {
    let width = capacity + 1
    var best = [Double](repeating: 0, count: width)
    var take = [Bool](repeating: false, count: items.count * width)
    best.withUnsafeMutableBufferPointer { best in
      take.withUnsafeMutableBufferPointer { take in
        for i in items.indices {
          let (r, s) = items[i]
          let p = profits[r]
          guard p > 0, s <= capacity else { continue }
          var k = capacity
          while k >= s {
            if best[k - s] + p > best[k] {
              best[k] = best[k - s] + p
              take[i * width + k] = true
            }
            k -= 1
          }
        }
      }
    }
    var k = capacity
    for i in items.indices.reversed() where take[i * width + k] {
      chosen(items[i].0)
      k -= items[i].1
    }
    return best[capacity]
  }

  /// Each request chosen by some knapsack on the choosing cloudlet where it needs the fewest
  /// threads, then the density-ordered fill.
  static func repair(_ table: AdmissionTable, _ chosenBy: [[Int]]) -> AdmissionSolution {
    var state = AdmissionLocalSearch.State(table)
    for (r, cloudlets) in chosenBy.enumerated() {
      if let c = cloudlets.min(by: { (table.threads(request: r, cloudlet: $0)!, $0) < (table.threads(request: r, cloudlet: $1)!, $1) }) {
        state.place(r, on: c)
      }
    }
    state.fill()
    return state.solution
  }
}
