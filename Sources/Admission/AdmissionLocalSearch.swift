import Algorithms
import EdgeSplitModel

/// A near-optimal P1 heuristic: a density-ordered best-fit start, improved by local search with
/// short ejection chains. No worst-case ratio is claimed (the ½-approximation,
/// ``AdmissionApproximation``, keeps the proven guarantee); measured gaps are in the README.
///
/// The GAP view: request `r` has weight `w_r` and size `s(r, c)` (its cheapest thread count,
/// ``AdmissionTable/threads(request:cloudlet:)``) on every cloudlet where it meets its deadline.
///
/// 1. **Start.** The ½-approximation's solution (up to ``approximationStartLimit``), completed
///    by a density-ordered best fit: waiting requests by decreasing `w_r / min_c s(r, c)`
///    (ties: heavier first, then index), each on the cloudlet where it fits with the fewest
///    threads (then leaving the fewest free). Beyond the limit, the best fit alone.
/// 2. **Repack** every cloudlet: an exact 0-1 knapsack over its admitted requests and its
///    ``knapsackCandidatesPerThread`` × `K_c` densest waiting ones; kept when it admits more.
/// 3. **Improve** (passes over the ``passCandidates`` heaviest waiting requests, fewest threads
///    first among equals), trying for each waiting `r` and each cloudlet `c` it can use:
///    - *insert* `r` when it fits;
///    - *shift*: move one admitted `q` from `c` to another cloudlet with room, then insert `r`
///      (gain `w_r`);
///    - *eject*: replace one admitted `q` on `c` with `w_q < w_r` whose threads make room,
///      then try to re-admit `q` anywhere (by insertion), keeping the chain's gain `≥ w_r − w_q > 0`.
///    Steps 2 and 3 repeat until neither improves or ``maxPasses`` rounds. Each move strictly
///    increases the admitted weight, so the search ends.
/// Scans of a cloudlet's admitted requests look at the ``scanLimit`` lightest only, which
/// bounds a pass by `O(R · C + passCandidates · C² · scanLimit)`. The search stops early when the
/// solution meets ``AdmissionTable/pooledBound``.
public enum AdmissionLocalSearch {
  /// Largest number of improvement passes.
  public static let maxPasses = 8
  /// How many admitted requests of a cloudlet (lightest first) a shift or an ejection considers.
  public static let scanLimit = 24
  /// How many waiting requests (heaviest, then densest first) a pass tries to admit.
  public static let passCandidates = 4_096

  /// Largest `requests × cloudlets` on which the search starts from the ½-approximation rather
  /// than the density greedy (the approximation's knapsacks cost more on huge instances).
  public static let approximationStartLimit = 20_000_000
  /// How many waiting requests (densest first) a cloudlet's knapsack re-optimization considers,
  /// per thread of the cloudlet.
  public static let knapsackCandidatesPerThread = 4

  /// Runs the heuristic on a prebuilt table, from the ½-approximation's solution (up to
  /// ``approximationStartLimit``) or else from the density-ordered best fit.
  /// An approximation that already meets ``AdmissionTable/pooledBound`` is optimal and returned.
  public static func solve(_ table: AdmissionTable) -> AdmissionSolution {
    guard table.instance.requests.count * table.instance.cloudlets.count <= approximationStartLimit else {
      return solve(table, from: AdmissionSolution(admissions: []))
    }
    let approximation = AdmissionApproximation.solve(table)
    if table.weight(of: approximation) >= table.pooledBound - 1e-9 { return approximation }
    return solve(table, from: approximation)
  }

  /// Runs the heuristic from `start` (a feasible solution that admits every request at its
  /// cheapest option on its cloudlet), completed by the density-ordered best fit. Stops as soon
  /// as the solution meets ``AdmissionTable/pooledBound`` (it is optimal then).
  public static func solve(_ table: AdmissionTable, from start: AdmissionSolution) -> AdmissionSolution {
    var state = State(table)
    for a in start.admissions { state.place(a.request, on: a.cloudlet) }
    state.fill()
    let pooled = table.pooledBound
    for _ in 0..<maxPasses where table.weight(of: state.solution) < pooled - 1e-9 {
      let repacked = state.repackAll()
      if !state.improve() && !repacked { break }
    }
    return state.solution
  }

  struct State {
    let table: AdmissionTable
    let cloudletCount: Int
    let weights: [Double]
    var free: [Int]
    /// The cloudlet of each admitted request, -1 when waiting.
    var placement: [Int]
    /// Admitted requests per cloudlet, kept sorted by weight ascending (then index).
    var members: [[Int]]

    init(_ table: AdmissionTable) {
      self.table = table
      cloudletCount = table.instance.cloudlets.count
      weights = table.instance.requests.map(\.weight)
      free = table.instance.cloudlets.map(\.threads)
      placement = [Int](repeating: -1, count: table.instance.requests.count)
      members = [[Int]](repeating: [], count: cloudletCount)
    }

    func size(_ r: Int, _ c: Int) -> Int? { table.threads(request: r, cloudlet: c) }

    mutating func place(_ r: Int, on c: Int) {
      free[c] -= size(r, c)!
      placement[r] = c
      let at = members[c].partitioningIndex { (weights[$0], $0) > (weights[r], r) }
      members[c].insert(r, at: at)
    }

    mutating func remove(_ r: Int) {
      let c = placement[r]
      free[c] += size(r, c)!
      placement[r] = -1
      members[c].remove(at: members[c].firstIndex(of: r)!)
    }

    /// The cloudlet where `r` fits with the fewest threads, then leaving the fewest free,
    /// skipping `excluded`.
    func bestFit(_ r: Int, excluding excluded: Int = -1) -> Int? {
      var best: Int?, bestKey = (Int.max, Int.max)
      for c in 0..<cloudletCount where c != excluded {
        if let s = size(r, c), s <= free[c], (s, free[c] - s) < bestKey { (best, bestKey) = (c, (s, free[c] - s)) }
      }
      return best
    }

    /// The density-ordered best fit over every waiting request.
    mutating func fill() {
      let need = placement.indices.map { r in table.fewestThreads(request: r) }
      let order = placement.indices.filter { need[$0] != nil }.sorted { a, b in
        let (da, db) = (weights[a] / Double(need[a]!), weights[b] / Double(need[b]!))
        return da != db ? da > db : weights[a] != weights[b] ? weights[a] > weights[b] : a < b
      }
      for r in order where placement[r] < 0 { if let c = bestFit(r) { place(r, on: c) } }
    }

    /// Re-packs every cloudlet once (``repack(_:)``); whether any improved.
    mutating func repackAll() -> Bool {
      var improved = false
      for c in 0..<cloudletCount where repack(c) { improved = true }
      return improved
    }

    /// Replaces `c`'s admitted requests by an optimal 0-1 knapsack over them and the densest
    /// waiting requests that can use `c`, when that admits more weight; the requests it drops
    /// wait (and may be placed elsewhere later).
    mutating func repack(_ c: Int) -> Bool {
      let capacity = table.instance.cloudlets[c].threads
      let current = members[c].reduce(0) { $0 + weights[$1] }
      var waiting = placement.indices.filter { placement[$0] < 0 && (size($0, c) ?? .max) <= capacity }
      guard !waiting.isEmpty else { return false }
      let cap = knapsackCandidatesPerThread * capacity
      if waiting.count > cap {
        waiting.sort { a, b in
          let (da, db) = (weights[a] / Double(size(a, c)!), weights[b] / Double(size(b, c)!))
          return da != db ? da > db : a < b
        }
        waiting.removeSubrange(cap...)
      }
      let items = members[c] + waiting
      // best[k]: the largest weight within k threads; take[i * width + k]: item i taken there.
      let width = capacity + 1
      var best = [Double](repeating: 0, count: width)
      var take = [Bool](repeating: false, count: items.count * width)
      for (i, r) in items.enumerated() {
        let s = size(r, c)!, w = weights[r]
        guard s <= capacity else { continue }
        for k in stride(from: capacity, through: s, by: -1) where best[k - s] + w > best[k] {
          best[k] = best[k - s] + w
          take[i * width + k] = true
        }
      }
      guard best[capacity] > current + 1e-9 * max(1, current) else { return false }
      for r in members[c] { remove(r) }
      var k = capacity
      for i in items.indices.reversed() where take[i * width + k] {
        place(items[i], on: c)
        k -= size(items[i], c)!
      }
      return true
    }

    /// One pass over the waiting requests; whether anything improved.
    mutating func improve() -> Bool {
      let need = placement.indices.map { r in (0..<cloudletCount).compactMap { size(r, $0) }.min() ?? 0 }
      let waiting = placement.indices.filter { placement[$0] < 0 && need[$0] > 0 }
        .sorted { a, b in
          if weights[a] != weights[b] { return weights[a] > weights[b] }
          return need[a] != need[b] ? need[a] < need[b] : a < b
        }
        .prefix(passCandidates)
      var improved = false
      for r in waiting where placement[r] < 0 {
        if tryInsert(r) || tryShift(r) || tryEject(r) { improved = true }
      }
      return improved
    }

    mutating func tryInsert(_ r: Int) -> Bool {
      guard let c = bestFit(r) else { return false }
      place(r, on: c)
      return true
    }

    mutating func tryShift(_ r: Int) -> Bool {
      for c in 0..<cloudletCount {
        guard let s = size(r, c), s > free[c] else { continue }
        for q in members[c].prefix(scanLimit) where free[c] + size(q, c)! >= s {
          if let d = bestFit(q, excluding: c) {
            remove(q)
            place(q, on: d)
            place(r, on: c)
            return true
          }
        }
      }
      return false
    }

    mutating func tryEject(_ r: Int) -> Bool {
      var best: (c: Int, q: Int)?
      for c in 0..<cloudletCount {
        guard let s = size(r, c), s > free[c] else { continue }
        for q in members[c].prefix(scanLimit) {
          guard weights[q] < weights[r] else { break }  // sorted: no lighter one follows
          if free[c] + size(q, c)! >= s {
            if best == nil || weights[q] < weights[best!.q] { best = (c, q) }
            break  // the lightest that makes room on c
          }
        }
      }
      guard let (c, q) = best else { return false }
      remove(q)
      place(r, on: c)
      _ = tryInsert(q)
      return true
    }

    var solution: AdmissionSolution {
      AdmissionSolution(admissions: placement.indices.compactMap { r in
        let c = placement[r]
        guard c >= 0, let option = table.cheapest(request: r, cloudlet: c) else { return nil }
        return Admission(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads)
      })
    }
  }
}
