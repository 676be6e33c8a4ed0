import EdgeSplitModel

/// The offline reference of P5: a proven optimum where the search closes, else a proven upper
/// bound with the best schedule found.
///
/// - **Optimum** (traces up to ``maxExactTasks`` tasks): `StreamsSearch` without a beam, from
///   the offline DP's schedule as incumbent, dropping states dominated in every free time and in
///   accuracy and states whose accuracy plus a bound on the rest cannot beat the incumbent. The
///   bound on tasks `i...` is the sum over streams of each stream's own optimum on its tasks
///   from `i` on, alone with an empty server (sharing the server only delays a stream). With
///   ``StreamsInstance/Fields/dropLate`` dominance is unsound, so only identical states merge.
/// - **Bound** (longer traces, or when a stage exceeds ``stateBudget`` states or time runs out):
///   ``lagrangianBound(_:best:deadline:lengths:iterations:)``, each stream alone with the shared
///   server's capacity priced back in, reported with the offline DP's schedule.
public enum StreamsExact {
  /// Longest trace the exact search is tried on.
  public static let maxExactTasks = 64
  /// Most states a stage of an exact search may hold before it gives up.
  public static let stateBudget = 5_000
  /// The same for one stream alone (`alone(_:_:prices:)`), which then halves its tasks.
  public static let aloneBudget = 1_000

  /// The proven optimum, or the best schedule found with a proven upper bound.
  public static func solve(_ instance: StreamsInstance, options: SolverOptions = .init()) -> SolverOutcome<StreamsSchedule> {
    let options = options.startingClock(), deadline = options.deadline
    let heuristic = StreamsDP.solve(instance, options: options)
    var schedule = heuristic.solution!, objective = heuristic.objective!
    if instance.tasks.count <= maxExactTasks, let (actions, value) = optimum(instance, incumbent: objective, deadline: deadline) {
      if let actions, value > objective {
        schedule = StreamsSearch(instance).schedule(actions)
        objective = StreamsEvaluator.evaluate(schedule, on: instance).objective
      }
      return SolverOutcome(solution: schedule, objective: objective, bound: objective, termination: .optimal,
                           statistics: .counters(["heuristic": heuristic.objective!]))
    }
    let limit: TerminationReason.Limit = deadline.map { ContinuousClock.now >= $0 } == true ? .time : .size
    let (bound, iterations) = lagrangianBound(instance, best: objective, deadline: deadline)
    return SolverOutcome(solution: schedule, objective: objective, bound: max(bound, objective), termination: .feasible(limit: limit),
                         statistics: .counters(["boundIterations": Double(iterations)]))
  }

  /// The optimum by the exact search: its actions (`nil` when nothing beats `incumbent`, which
  /// is then optimal) and value; `nil` when the search gives up.
  static func optimum(
    _ instance: StreamsInstance, incumbent: Double, deadline: ContinuousClock.Instant?, relaxed: Bool = false
  ) -> (actions: [Int]?, value: Double)? {
    var o = StreamsSearch.Options()
    o.skip = relaxed
    o.dominance = relaxed || !instance.dropLate
    o.incumbent = incumbent
    o.stateBudget = stateBudget
    o.deadline = deadline
    guard let suffix = suffixBound(instance, deadline: deadline) else { return nil }
    o.suffixBound = suffix
    let result = StreamsSearch(instance).run(o)
    guard result.completed else { return nil }
    return result.value > incumbent ? (result.actions, result.value) : (nil, incumbent)
  }

  /// `bound[i]` bounds what tasks `i...` earn from any queues: per stream, its own optimum on
  /// its tasks from `i` on, alone and from empty queues (`alone(_:_:prices:)`), summed.
  static func suffixBound(_ instance: StreamsInstance, deadline: ContinuousClock.Instant?) -> [Double]? {
    let n = instance.tasks.count
    var bound = [Double](repeating: 0, count: n + 1)
    for s in instance.streams.indices {
      let mine = instance.tasks.indices.filter { instance.tasks[$0].stream == s }
      // own[j]: the stream's optimum alone on its tasks mine[j...].
      var own = [Double](repeating: 0, count: mine.count + 1)
      for j in stride(from: mine.count - 1, through: 0, by: -1) {
        if let deadline, ContinuousClock.now >= deadline { return nil }
        own[j] = max(own[j + 1], alone(instance, Array(mine[j...])).value)
      }
      var j = mine.count
      for i in stride(from: n - 1, through: 0, by: -1) {
        if j > 0, mine[j - 1] >= i { j -= 1 }
        bound[i] += own[j]
      }
    }
    return bound
  }

  /// Lengths (seconds) of the server-capacity intervals of ``lagrangianBound(_:best:deadline:lengths:iterations:)``.
  public static let intervalSeconds = [0.3, 0.6, 1.2]
  /// Most subgradient iterations of the bound.
  public static let boundIterations = 3

  /// A Lagrangian bound: each stream alone (its device, its uplink, a server of its own) solved
  /// exactly, with the shared server's capacity priced back in. The server is one machine: the
  /// tasks released at or after `a` that finish on time by `b` (their deadline is at most `b`)
  /// get at most `b − a` seconds of it. Relaxing these constraints for intervals `[a, b]` of the
  /// given lengths (offset by half a length) with prices `λ ≥ 0` gives
  /// `Σ λ·(b − a) + Σ_streams (best accuracy minus the priced server time)`, a bound for every
  /// `λ`; subgradient steps lower it (`λ = 0` is the per-stream bound). With `dropLate` each
  /// stream may also skip tasks (the monotone relaxation).
  public static func lagrangianBound(
    _ instance: StreamsInstance, best: Double, deadline: ContinuousClock.Instant?,
    lengths: [Double] = intervalSeconds, iterations limit: Int = boundIterations
  ) -> (bound: Double, iterations: Int) {
    let n = instance.tasks.count
    guard n > 0 else { return (0, 0) }
    let release = instance.tasks.map { $0.arrivalMs / 1000 }
    let due = instance.tasks.indices.map { release[$0] + instance.streams[instance.tasks[$0].stream].deadlineMs / 1000 }
    // The capacity (length) of each interval [a, b] (a on a grid of half its length) that covers a
    // task, and per task the intervals covering it.
    var intervals: [Double] = [], index: [[Int]: Int] = [:]
    var covering = [[Int]](repeating: [], count: n)
    for (l, length) in lengths.enumerated() where length > 0 {
      let half = length / 2
      for j in 0..<n where due[j] - release[j] <= length {
        let first = Int(((due[j] - length) / half).rounded(.up)), last = Int((release[j] / half).rounded(.down))
        for k in stride(from: first, through: last, by: 1) where Double(k) * half <= release[j] && Double(k) * half + length >= due[j] {
          let key = [l, k]
          let at = index[key] ?? intervals.count
          if at == intervals.count {
            index[key] = at
            intervals.append(length)
          }
          covering[j].append(at)
        }
      }
    }
    var prices = [Double](repeating: 0, count: intervals.count)
    let streams = instance.streams.indices.map { s in instance.tasks.indices.filter { instance.tasks[$0].stream == s } }
    var bound = Double.infinity, theta = 1.0, stale = 0, iterations = 0
    while iterations < limit {
      if let deadline, ContinuousClock.now >= deadline, bound.isFinite { break }
      iterations += 1
      var total = zip(prices, intervals).reduce(0) { $0 + $1.0 * $1.1 }
      var usage = [Double](repeating: 0, count: prices.count)
      let price = instance.tasks.indices.map { j in covering[j].reduce(0) { $0 + prices[$1] } }
      for mine in streams where !mine.isEmpty {
        let best = alone(instance, mine, prices: price)
        total += best.value
        for (j, seconds) in best.server { for k in covering[j] { usage[k] += seconds } }
      }
      if total < bound - 1e-9 { bound = total; stale = 0 } else { stale += 1 }
      if stale >= 4 { theta /= 2; stale = 0 }
      let gradient = zip(intervals, usage).map { $0 - $1 }
      // Only prices that can move count: a zero price with slack stays at zero.
      let norm = zip(prices, gradient).reduce(0) { $0 + ($1.0 > 0 || $1.1 < 0 ? $1.1 * $1.1 : 0) }
      guard norm > 0, total > best else { break }
      let step = theta * (total - best) / norm
      for k in prices.indices { prices[k] = max(0, prices[k] - step * gradient[k]) }
    }
    return (bound, iterations)
  }

  /// One stream's optimum alone (its device, its uplink, a server of its own, from empty queues)
  /// on `part` (its task indices, in order), each task's on-time accuracy less `prices[task]` per
  /// second of server time; with the server seconds each on-time offloaded task uses. When the
  /// search does not close, the part is cut at its largest release gap near the middle and the
  /// halves summed, each from empty queues: never less (finish times are monotone in free times).
  static func alone(_ instance: StreamsInstance, _ part: [Int], prices: [Double]? = nil) -> (value: Double, server: [(Int, Double)]) {
    guard !part.isEmpty else { return (0, []) }
    // A sorted part of a valid trace is valid.
    let sub = try! instance.with(tasks: part.map { instance.tasks[$0] })
    var o = StreamsSearch.Options()
    o.skip = instance.dropLate
    o.dominance = true
    o.stateBudget = part.count == 1 ? nil : aloneBudget
    o.serverPrice = prices.map { p in part.map { p[$0] } }
    let result = StreamsSearch(sub).run(o)
    if result.completed {
      var queues = StreamsQueues(streams: instance.streams.count), server: [(Int, Double)] = []
      for (j, k) in result.actions.enumerated() where k >= 0 {
        let decision = sub.model(of: j).actions[k], cut = sub.model(of: j).exits[decision.exit].cuts[decision.cut]
        if queues.step(j, decision, on: sub).onTime, cut.offloads {
          server.append((part[j], Seconds.compute(cut.serverFlops, gflops: instance.serverGflops)))
        }
      }
      return (result.value, server)
    }
    func gap(_ j: Int) -> Double { instance.tasks[part[j]].arrivalMs - instance.tasks[part[j - 1]].arrivalMs }
    var middle = part.count / 2
    for j in max(1, part.count / 4)...max(1, 3 * part.count / 4) where gap(j) > gap(middle) { middle = j }
    let left = alone(instance, Array(part[..<middle]), prices: prices)
    let right = alone(instance, Array(part[middle...]), prices: prices)
    return (left.value + right.value, left.server + right.server)
  }
}
