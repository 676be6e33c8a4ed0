import EdgeSplitModel

/// A Lagrangian heuristic for P1, finished by ``AdmissionLocalSearch``. No worst-case ratio is
/// claimed; measured gaps are in the README.
///
/// Relaxing "each request admitted at most once" with multipliers `λ_r ≥ 0` splits P1 into one
/// 0-1 knapsack per cloudlet with profits `w_r − λ_r` (sizes `s(r, c)`, capacity `K_c`), and
/// `L(λ) = Σ λ_r + Σ_c knapsack_c(λ)` is an upper bound on the optimum. Subgradient steps
/// (Held–Karp: `t = μ (L − best) / ‖g‖²`, `g_r = 1 − #cloudlets choosing r`, `μ` halved after
/// ``patience`` steps without a better bound) drive the knapsacks towards agreement. Steps are
/// turned into solutions: each request chosen somewhere goes to the choosing cloudlet where it
/// needs the fewest threads (it fits: a subset of a knapsack), the rest are filled in density
/// order; the best repair is polished by the local search at the end.
///
/// The multipliers start at the pooled bound's dual (``warmStart(_:)``). Each step's knapsacks
/// see only the candidates that can matter (`Subproblems`): of the
/// requests needing `s` threads on `c`, an optimal knapsack (or its LP relaxation) takes at most
/// `⌊K_c / s⌋`, the most profitable ones, so the rest are left out. When the dynamic programs
/// of a step would still cost more than ``exactKnapsackLimit``, every cloudlet gets the LP
/// relaxation of its knapsack instead (Dantzig's greedy bound: still an upper bound, cheap on
/// huge capacities).
///
/// The work scales with the instance: at most ``maxIterations`` steps, at least
/// ``minIterations`` up to ``localSearchLimit``, and beyond those as many as ``workBudget``
/// allows (a step costs its candidate scan and knapsacks). Skips the relaxation when the
/// local search already meets ``AdmissionTable/pooledBound``. Stops when the bound proves the
/// best solution optimal (`⌊L⌋ ≤ best` for integer weights) or when `μ` falls below 10⁻³; then
/// the local search's own answer is returned if better. Beyond ``localSearchLimit`` (requests ×
/// cloudlets) the local search is skipped (start and polish): the ½-approximation starts, repairs
/// run every ``repairInterval`` steps, and the best of them is the answer.
public enum AdmissionLagrangian {
  /// Most subgradient steps.
  public static let maxIterations = 300
  /// Fewest subgradient steps (unless the bound proves optimality or `μ` vanishes first) on
  /// tables up to ``localSearchLimit``: there the budget grows with the work of one step.
  public static let minIterations = 100
  /// Steps without a better bound before `μ` is halved.
  public static let patience = 15
  /// Total work (sum over steps of the candidate scans and knapsack cells) that may buy steps
  /// beyond ``minIterations``.
  public static let workBudget = 100_000_000
  /// Largest dynamic-program work of one step (`Σ_c candidates_c × (K_c + 1)`) for which the
  /// heuristic solves the knapsacks exactly; beyond it, their LP relaxations.
  public static let exactKnapsackLimit = 20_000_000
  /// Largest requests × cloudlets on which the local search runs (its passes cost
  /// `O(candidates · C² · scanLimit)`).
  public static let localSearchLimit = 2_000_000
  /// Beyond ``localSearchLimit``, steps between two repairs.
  public static let repairInterval = 8

  /// What a run of the relaxation found.
  public struct Result: Sendable {
    /// The best solution found.
    public var solution: AdmissionSolution
    /// The best Lagrangian bound (`nil` when no step ran).
    public var bound: Double?
    /// The multipliers `λ` at which ``bound`` was reached (`nil` when no step ran).
    public var multipliers: [Double]?
    /// Subgradient steps run.
    public var steps: Int
  }

  /// The best solution found and the best Lagrangian bound proven on the way (`nil` when no
  /// step ran).
  public static func solve(_ table: AdmissionTable) -> (solution: AdmissionSolution, bound: Double?) {
    let result = run(table)
    return (result.solution, result.bound)
  }

  /// Runs the relaxation. `exactKnapsacks` solves every knapsack by dynamic program (the
  /// strongest bound; what exact methods need), `steps` replaces the scaled step count,
  /// `deadline` stops the steps early.
  public static func run(
    _ table: AdmissionTable, exactKnapsacks: Bool = false, steps: Int? = nil, deadline: ContinuousClock.Instant? = nil
  ) -> Result {
    let instance = table.instance
    let weights = instance.requests.map(\.weight)
    let searching = instance.requests.count * instance.cloudlets.count <= localSearchLimit
    var best = searching ? AdmissionLocalSearch.solve(table) : AdmissionApproximation.solve(table)
    var bestWeight = table.weight(of: best)
    let pooled = table.pooledBound
    if bestWeight >= pooled - 1e-9 { return Result(solution: best, bound: pooled, steps: 0) }  // already optimal
    var subproblems = Subproblems(table, exactLimit: exactKnapsacks ? .max : exactKnapsackLimit)
    let integral = weights.allSatisfy { $0 == $0.rounded() }
    var lambda = warmStart(table)
    var bound: Double?, bestLambda: [Double]?
    var mu = 2.0, stale = 0, step = 0
    var bestRepair = AdmissionSolution(admissions: []), bestRepairWeight = -1.0
    var chosenBy = [[Int]](repeating: [], count: weights.count)
    var profits = weights
    func consider(_ repaired: AdmissionSolution) {
      let repairedWeight = table.weight(of: repaired)
      if repairedWeight > bestRepairWeight + 1e-9 { (bestRepair, bestRepairWeight) = (repaired, repairedWeight) }
      if repairedWeight > bestWeight + 1e-9 { (best, bestWeight) = (repaired, repairedWeight) }
    }
    var budget = Double(workBudget)
    // Repairs cost `O(R · C + R log R)`: on huge tables, every ``repairInterval``-th step only.
    let repairEvery = searching ? 1 : repairInterval
    while step < (steps ?? maxIterations) {
      if let deadline, ContinuousClock.now >= deadline { break }
      for r in profits.indices { profits[r] = weights[r] - lambda[r] }
      let (relaxed, work) = subproblems.evaluate(profits: profits, chosenBy: &chosenBy)
      let value = lambda.reduce(0, +) + relaxed
      step += 1
      budget -= Double(work)
      if bound.map({ value < $0 - 1e-9 }) ?? true { (bound, bestLambda, stale) = (value, lambda, 0) } else { stale += 1 }
      if stale >= patience { (mu, stale) = (mu / 2, 0) }
      if step % repairEvery == 0 { consider(repair(table, chosenBy)) }
      let proven = integral ? (bound! + 1e-6).rounded(.down) <= bestWeight : bound! <= bestWeight + 1e-9
      if proven || mu < 1e-3 { break }
      if steps == nil && (step >= minIterations || !searching) && budget <= 0 { break }
      var norm = 0.0
      for r in lambda.indices { let g = 1 - Double(chosenBy[r].count); norm += g * g }
      guard norm > 0 else { break }  // every request chosen exactly once: the knapsacks agree
      let t = mu * max(value - bestWeight, 1e-6) / norm
      for r in lambda.indices { lambda[r] = max(0, lambda[r] - t * (1 - Double(chosenBy[r].count))) }
    }
    if step % repairEvery != 0 { consider(repair(table, chosenBy)) }
    // Polishing is the costly part: once, on the best repair.
    if searching && bestRepairWeight >= 0 {
      let polished = AdmissionLocalSearch.solve(table, from: bestRepair)
      if table.weight(of: polished) > bestWeight + 1e-9 { best = polished }
    }
    return Result(solution: best, bound: bound, multipliers: bestLambda, steps: step)
  }

  /// The first multipliers: with `θ` the profit per thread at which the pooled fractional
  /// knapsack of ``AdmissionTable/pooledBound`` fills up, `λ_r = max(0, w_r − θ · s_r)` for `s_r`
  /// the fewest threads of `r`: what each request earns above the marginal thread, the LP dual
  /// when the cloudlets act as one pool (0 when everything fits).
  public static func warmStart(_ table: AdmissionTable) -> [Double] {
    let requests = table.instance.requests
    let need = requests.indices.map { table.fewestThreads(request: $0) }
    let order = requests.indices.filter { need[$0] != nil }
      .sorted { requests[$0].weight * Double(need[$1]!) > requests[$1].weight * Double(need[$0]!) }
    var room = table.instance.cloudlets.reduce(0) { $0 + $1.threads }, theta = 0.0
    for r in order {
      guard need[r]! <= room else { theta = requests[r].weight / Double(need[r]!); break }
      room -= need[r]!
    }
    return requests.indices.map { r in need[r].map { max(0, requests[r].weight - theta * Double($0)) } ?? 0 }
  }

  /// The per-cloudlet knapsacks of one subgradient step, over the candidates that can matter.
  ///
  /// Requests are visited by decreasing profit; request `r` joins cloudlet `c`'s candidates
  /// while fewer than `⌊K_c / s(r, c)⌋` candidates of its size are there. An optimal knapsack
  /// (and its LP relaxation) never takes more than that many items of one size, and among
  /// items of equal size the most profitable ones, so the filter changes no optimum.
  struct Subproblems {
    let table: AdmissionTable
    let capacities: [Int]
    /// Largest dynamic-program work (`Σ_c candidates_c × (K_c + 1)`) of one step; beyond it every
    /// cloudlet takes the LP relaxation.
    let exactLimit: Int
    /// Candidates of each cloudlet (request, size), refilled every step.
    var kept: [[(Int, Int)]]
    /// Candidates per (cloudlet, size), at `sizeOffset[c] + s`, cleared every step.
    var perSize: [Int32]
    let sizeOffset: [Int]
    /// Per cloudlet, the last step's knapsack optimum for every capacity `0...K_c` (empty where
    /// the LP relaxation was used).
    var profiles: [[Double]]

    init(_ table: AdmissionTable, exactLimit: Int) {
      self.table = table
      capacities = table.instance.cloudlets.map(\.threads)
      self.exactLimit = exactLimit
      kept = capacities.map { _ in [] }
      var offsets: [Int] = [], total = 0
      for k in capacities { offsets.append(total); total += k + 1 }
      sizeOffset = offsets
      perSize = [Int32](repeating: 0, count: total)
      profiles = capacities.map { _ in [] }
    }

    /// `Σ_c knapsack_c` at `profits` (exact, or the LP relaxation where the dynamic program is
    /// too costly), recording in `chosenBy` the cloudlets that take each request in full, and
    /// the work done.
    mutating func evaluate(profits: [Double], chosenBy: inout [[Int]]) -> (value: Double, work: Int) {
      for r in chosenBy.indices { chosenBy[r].removeAll(keepingCapacity: true) }
      for c in kept.indices { kept[c].removeAll(keepingCapacity: true) }
      for i in perSize.indices { perSize[i] = 0 }
      let order = profits.indices.filter { profits[$0] > 0 }.sorted { profits[$0] > profits[$1] }
      let cloudletCount = capacities.count
      var accepted: [(Int, Int, Int)] = []  // (cloudlet, request, size) of one request
      table.withThreadCounts { threads in
        perSize.withUnsafeMutableBufferPointer { perSize in
          capacities.withUnsafeBufferPointer { capacities in
            sizeOffset.withUnsafeBufferPointer { sizeOffset in
              for r in order {
                accepted.removeAll(keepingCapacity: true)
                let row = r * cloudletCount
                for c in 0..<cloudletCount {
                  let s = Int(threads[row + c])
                  guard s > 0, s <= capacities[c] else { continue }
                  let slot = sizeOffset[c] + s
                  guard Int(perSize[slot]) < capacities[c] / s else { continue }
                  perSize[slot] += 1
                  accepted.append((c, r, s))
                }
                for (c, r, s) in accepted { kept[c].append((r, s)) }
              }
            }
          }
        }
      }
      var dynamic = 0
      for c in 0..<cloudletCount { dynamic += kept[c].count * (capacities[c] + 1) }
      let exact = dynamic <= exactLimit
      var value = 0.0, work = order.count * cloudletCount
      for c in 0..<cloudletCount {
        if exact {
          profiles[c] = AdmissionLagrangian.knapsackProfile(kept[c], capacity: capacities[c], profits: profits) { chosenBy[$0].append(c) }
          value += profiles[c][capacities[c]]
        } else {
          profiles[c] = []
          value += AdmissionLagrangian.fractionalKnapsack(&kept[c], capacity: capacities[c], profits: profits) { chosenBy[$0].append(c) }
        }
      }
      return (value, work + (exact ? dynamic : kept.reduce(0) { $0 + $1.count }))
    }
  }

  /// Per cloudlet, the exact knapsack optimum at profits `w_r − λ_r` for every capacity
  /// `0...K_c`, and `L(λ)`: what variable fixing needs.
  package static func profiles(_ table: AdmissionTable, multipliers lambda: [Double]) -> (profiles: [[Double]], bound: Double) {
    var subproblems = Subproblems(table, exactLimit: .max)
    var chosenBy = [[Int]](repeating: [], count: lambda.count)
    let profits = zip(table.instance.requests, lambda).map { $0.weight - $1 }
    let value = subproblems.evaluate(profits: profits, chosenBy: &chosenBy).value
    return (subproblems.profiles, lambda.reduce(0, +) + value)
  }

  /// An optimal 0-1 knapsack over `items` (request, size) with positive `profits[request]`; calls `chosen`
  /// for each request taken and returns the profit.
  static func knapsack(_ items: [(Int, Int)], capacity: Int, profits: [Double], chosen: (Int) -> Void) -> Double {
    knapsackProfile(items, capacity: capacity, profits: profits, chosen: chosen).last!
  }

  /// ``knapsack(_:capacity:profits:chosen:)`` returning the optimum for every capacity `0...capacity`
  /// (entry `k`: the best profit within `k` threads).
  package static func knapsackProfile(_ items: [(Int, Int)], capacity: Int, profits: [Double], chosen: (Int) -> Void) -> [Double] {
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
    return best
  }

  /// The LP relaxation of the 0-1 knapsack over `items` (reordered by decreasing profit per
  /// thread): the densest items in full while they fit, then the fitting share of the next
  /// (Dantzig's bound, at least the 0-1 optimum). Calls `chosen` for the items taken in full.
  static func fractionalKnapsack(_ items: inout [(Int, Int)], capacity: Int, profits: [Double], chosen: (Int) -> Void) -> Double {
    items.sort { a, b in profits[a.0] * Double(b.1) > profits[b.0] * Double(a.1) }
    var room = capacity, value = 0.0
    for (r, s) in items where profits[r] > 0 {
      guard s <= room else { return value + profits[r] * Double(room) / Double(s) }
      value += profits[r]
      room -= s
      chosen(r)
    }
    return value
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
