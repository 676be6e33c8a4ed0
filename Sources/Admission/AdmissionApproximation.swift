import EdgeSplitModel

/// P1's constant-factor approximation: a ½-approximation of the maximum weight admitted.
///
/// ## Algorithm
/// ``AdmissionTable`` reduces P1 to the maximum-profit generalized assignment problem (GAP):
/// items are requests, bins are cloudlets with capacity `K_c`, the size of request `r` in
/// cloudlet `c` is `s(r, c)` = ``AdmissionTable/cheapest(request:cloudlet:)`` (missing when no
/// partition and thread count meets the deadline there), and the profit is the weight `w_r`,
/// the same in every bin. The solver is the local-ratio scheme of Cohen, Katzir and Raz for GAP
/// (IPL 2006): visit the cloudlets once, in index order; on cloudlet `c`, solve a 0/1 knapsack
/// *exactly* over the requests still unassigned that fit there (capacity `K_c`, sizes
/// `s(r, c)`, profits `w_r`) and admit the chosen ones on `c`. In the general scheme the
/// residual profit of an already assigned item is its profit minus the profit it earned; here
/// profits do not depend on the bin, so that residual is 0 and assigned requests simply drop
/// out.
///
/// The knapsack step is ``unitKnapsack(sizes:capacity:)`` (smallest sizes first, exact when all
/// weights are equal) or ``knapsack(sizes:profits:capacity:)`` (dynamic program over the
/// integer capacity, exact for any weights).
///
/// ## Theorem (ratio ½)
/// The admitted weight `ALG` is at least `OPT / 2`.
///
/// *Proof sketch.* By the reduction of ``AdmissionTable`` we may take an optimal solution that
/// gives every admitted `(r, c)` its cheapest thread count `s(r, c)`; let `O_c` be the requests
/// it admits on `c`. Let `A_c` be what the algorithm admits on `c` and `U_c` the requests still
/// unassigned when `c` is visited, so `A_c ⊆ U_c` and `A = ∪ A_c`. Split the optimum's weight
/// into the requests the algorithm also admits and the rest:
/// `OPT = w(OPT ∩ A) + Σ_c w(O_c \ A)`.
/// The first term is at most `w(A) = ALG`. For the second, a request of `O_c` that the
/// algorithm never admits was unassigned when `c` was visited, so `O_c \ A ⊆ U_c`; it fits in
/// `c` (a subset of `O_c`, whose sizes sum to at most `K_c`), so it is a feasible knapsack for
/// cloudlet `c` over `U_c`, and the exact knapsack chose `A_c` with `w(A_c) >= w(O_c \ A)`.
/// Summing over cloudlets, `Σ_c w(O_c \ A) <= Σ_c w(A_c) = ALG`. Hence `OPT <= 2 · ALG`. ∎
///
/// This is the local-ratio argument specialised to bin-independent profits: the profit splits
/// into the part "earned" by cloudlet `c`'s knapsack (`w_r` for every request, in `c` only for
/// requests outside `A_c`, in every cloudlet for requests of `A_c`), against which any solution
/// earns at most `2 · w(A_c)` (once inside `c`, once for members of `A_c` placed elsewhere) and
/// the algorithm earns exactly `w(A_c)`; and the residual part, zero on `c` and on `A_c`, on
/// which the remaining cloudlets recurse.
/// The ratio is tight for the scheme: with two one-thread cloudlets `a` (visited first) and `b`,
/// one request that fits both and one that fits only `a`, the knapsack on `a` may take the
/// first (a tie), leaving `b` nothing it can serve: `ALG = 1`, `OPT = 2` (a test builds it).
///
/// - Complexity: `O(R · C)` to gather candidates plus, per cloudlet, `O(n_c + K_c)` for equal
///   weights or `O(n_c · K_c)` otherwise, where `n_c <= min(R, K_c (1 + ln K_c))` counts the
///   candidates of `c` (at most `⌊K_c / s⌋` of each size `s` are kept, see the code); with
///   thread capacities bounded by a constant this is linear in the table size. The table itself
///   (built by the caller) dominates.
public enum AdmissionApproximation {
  /// Runs the local-ratio scheme on `table` and returns an admission the evaluator accepts,
  /// with at least half the optimum weight.
  public static func solve(_ table: AdmissionTable) -> AdmissionSolution {
    let instance = table.instance
    let weights = instance.requests.map(\.weight)
    let equalWeights = weights.allSatisfy { $0 == weights.first }
    var assigned = [Bool](repeating: false, count: instance.requests.count)
    var admissions: [Admission] = []
    var candidates: [Int] = []
    var sizes: [Int] = []
    var profits: [Double] = []
    // Weighted knapsacks see requests heaviest first and at most ⌊K_c / s⌋ of each size s: an
    // optimal knapsack takes no more of one size, and the heaviest ones, so its value is unchanged.
    let order = equalWeights ? Array(instance.requests.indices) : instance.requests.indices.sorted { (weights[$0], $1) > (weights[$1], $0) }
    var perSize: [Int] = []
    for c in instance.cloudlets.indices {
      candidates.removeAll(keepingCapacity: true)
      sizes.removeAll(keepingCapacity: true)
      profits.removeAll(keepingCapacity: true)
      let capacity = instance.cloudlets[c].threads
      perSize = [Int](repeating: 0, count: capacity + 1)
      for r in order where !assigned[r] {
        guard let threads = table.threads(request: r, cloudlet: c) else { continue }
        if !equalWeights {
          guard threads <= capacity, perSize[threads] < capacity / threads else { continue }
          perSize[threads] += 1
          profits.append(weights[r])
        }
        candidates.append(r)
        sizes.append(threads)
      }
      let chosen = equalWeights
        ? unitKnapsack(sizes: sizes, capacity: capacity)
        : knapsack(sizes: sizes, profits: profits, capacity: capacity)
      for i in chosen {
        let r = candidates[i]
        assigned[r] = true
        let option = table.cheapest(request: r, cloudlet: c)!
        admissions.append(Admission(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads))
      }
    }
    return AdmissionSolution(admissions: admissions)
  }

  /// An optimal 0/1 knapsack when every item has the same profit: the most items whose sizes
  /// fit, which is the items taken smallest first (any other choice of `m` items has a size sum
  /// at least that of the `m` smallest). Ties go to the lower index.
  ///
  /// - Parameters:
  ///   - sizes: positive item sizes.
  ///   - capacity: the knapsack's capacity.
  /// - Returns: indices into `sizes` of the chosen items, ascending by size.
  /// - Complexity: `O(n + capacity)`: a counting sort over sizes `1...capacity` (larger items
  ///   can never fit).
  public static func unitKnapsack(sizes: [Int], capacity: Int) -> [Int] {
    guard capacity > 0 else { return [] }
    // Counting sort, restricted to sizes that fit at all.
    var start = [Int](repeating: 0, count: capacity + 2)
    for size in sizes where size <= capacity { start[size + 1] += 1 }
    for size in 1...capacity { start[size + 1] += start[size] }
    var order = [Int](repeating: 0, count: start[capacity + 1])
    var next = start
    for (i, size) in sizes.enumerated() where size <= capacity {
      order[next[size]] = i
      next[size] += 1
    }
    var chosen: [Int] = []
    var room = capacity
    for i in order {
      guard sizes[i] <= room else { break }
      chosen.append(i)
      room -= sizes[i]
    }
    return chosen
  }

  /// An optimal 0/1 knapsack for arbitrary non-negative profits and integer sizes.
  ///
  /// Dynamic program over items and used capacity: `best[k]` is the largest profit of a subset
  /// of the items seen so far with sizes summing to at most `k`; one bit per (item, capacity)
  /// records whether the item was taken, to rebuild the subset. Ties keep the subset without
  /// the later item.
  ///
  /// - Returns: indices into `sizes` of the chosen items, ascending.
  /// - Complexity: `O(n · capacity)` time and space.
  public static func knapsack(sizes: [Int], profits: [Double], capacity: Int) -> [Int] {
    precondition(sizes.count == profits.count)
    guard capacity > 0, !sizes.isEmpty else { return [] }
    let width = capacity + 1
    var best = [Double](repeating: 0, count: width)
    var taken = [Bool](repeating: false, count: sizes.count * width)
    for (i, size) in sizes.enumerated() where size >= 1 && size <= capacity && profits[i] > 0 {
      for k in stride(from: capacity, through: size, by: -1) {
        let with = best[k - size] + profits[i]
        if with > best[k] {
          best[k] = with
          taken[i * width + k] = true
        }
      }
    }
    var chosen: [Int] = []
    var k = capacity
    for i in stride(from: sizes.count - 1, through: 0, by: -1) where taken[i * width + k] {
      chosen.append(i)
      k -= sizes[i]
    }
    return chosen.reversed()
  }
}
