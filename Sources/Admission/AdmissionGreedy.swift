import EdgeSplitModel

/// Threads still free on every cloudlet, and the admissions made so far: the bookkeeping every
/// greedy shares, so that none of them can over-commit a cloudlet or admit a request twice.
struct CapacityLedger {
  let table: AdmissionTable
  private(set) var free: [Int]
  private(set) var admitted: [Bool]
  private(set) var admissions: [Admission] = []

  init(_ table: AdmissionTable) {
    self.table = table
    free = table.instance.cloudlets.map(\.threads)
    admitted = [Bool](repeating: false, count: table.instance.requests.count)
  }

  /// Threads left on `c` if `r` were admitted there at its cheapest option; `nil` when `r` is
  /// already admitted, cannot meet its deadline on `c`, or does not fit.
  func room(afterAdmitting r: Int, on c: Int) -> Int? {
    guard !admitted[r], let threads = table.threads(request: r, cloudlet: c), threads <= free[c] else { return nil }
    return free[c] - threads
  }

  /// Admits `r` on `c` at its cheapest option when it fits; returns whether it did.
  @discardableResult
  mutating func admit(_ r: Int, on c: Int) -> Bool {
    guard room(afterAdmitting: r, on: c) != nil, let option = table.cheapest(request: r, cloudlet: c) else { return false }
    free[c] -= option.threads
    admitted[r] = true
    admissions.append(Admission(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads))
    return true
  }

  var solution: AdmissionSolution { AdmissionSolution(admissions: admissions) }
}

/// Greedy P1 baselines from the admission-control literature. None has a worst-case guarantee;
/// they exist to show what the ½-approximation (``AdmissionApproximation``) and the exact ILP
/// gain. All give an admitted request its cheapest option on the chosen cloudlet (see
/// ``AdmissionTable``) and never exceed a cloudlet's threads. They ignore weights, as the
/// baselines in the literature count requests.
public enum AdmissionGreedy {
  /// Fewest threads first: every feasible `(request, cloudlet)` pair in one global order by
  /// thread need (ties by request index, then cloudlet index), admitting a pair when its
  /// request is still waiting and the cloudlet still has the threads. The classic "smallest
  /// demand first" rule that maximizes the count on a single cloudlet.
  ///
  /// - Complexity: `O(R · C + K)` with a counting sort over thread needs `1...K`, `K` the
  ///   largest cloudlet capacity.
  public static func fewestThreadsFirst(_ table: AdmissionTable) -> AdmissionSolution {
    let instance = table.instance
    let cloudletCount = instance.cloudlets.count
    let largest = instance.cloudlets.map(\.threads).max()!
    var start = [Int](repeating: 0, count: largest + 2)
    for r in instance.requests.indices {
      for c in 0..<cloudletCount {
        if let k = table.threads(request: r, cloudlet: c) { start[k + 1] += 1 }
      }
    }
    for k in 1...largest { start[k + 1] += start[k] }
    var order = [Int32](repeating: 0, count: start[largest + 1])
    var next = start
    for r in instance.requests.indices {
      for c in 0..<cloudletCount {
        if let k = table.threads(request: r, cloudlet: c) {
          order[next[k]] = Int32(r * cloudletCount + c)
          next[k] += 1
        }
      }
    }
    var ledger = CapacityLedger(table)
    for pair in order {
      ledger.admit(Int(pair) / cloudletCount, on: Int(pair) % cloudletCount)
    }
    return ledger.solution
  }

  /// Earliest deadline first with best fit: requests by ascending deadline (ties by index), each
  /// placed on the cloudlet where it leaves the fewest threads free (ties by cloudlet index),
  /// or rejected when it fits nowhere. The urgent-first rule of real-time admission paired with
  /// bin packing's best-fit placement.
  ///
  /// - Complexity: `O(R log R + R · C)`.
  public static func earliestDeadlineBestFit(_ table: AdmissionTable) -> AdmissionSolution {
    let requests = table.instance.requests
    let order = requests.indices.sorted { (requests[$0].deadlineMs, $0) < (requests[$1].deadlineMs, $1) }
    var ledger = CapacityLedger(table)
    for r in order {
      var best: (room: Int, cloudlet: Int)?
      for c in table.instance.cloudlets.indices {
        if let room = ledger.room(afterAdmitting: r, on: c), room < (best?.room ?? .max) { best = (room, c) }
      }
      if let best { ledger.admit(r, on: best.cloudlet) }
    }
    return ledger.solution
  }

  /// First fit in arrival order: requests in index order (the order they arrive), each on the
  /// first cloudlet (by index) where it meets its deadline and fits. The online baseline: it
  /// decides each request once, without looking ahead.
  ///
  /// - Complexity: `O(R · C)`.
  public static func firstFit(_ table: AdmissionTable) -> AdmissionSolution {
    var ledger = CapacityLedger(table)
    for r in table.instance.requests.indices {
      for c in table.instance.cloudlets.indices where ledger.admit(r, on: c) { break }
    }
    return ledger.solution
  }
}
