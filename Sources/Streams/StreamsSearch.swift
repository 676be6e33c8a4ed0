import EdgeSplitModel

/// The stage-by-stage search over queue states that the offline DP (`p5-dp`, a beam) and the
/// exact solver (`p5-exact`, dominance and bounds) share.
///
/// Stage `i` holds the states after deciding tasks `0..<i`: the free times of every device,
/// uplink and the server, each clipped below at task `i`'s release (an earlier free time is
/// equivalent, as no later task arrives earlier) and, with a grid, rounded up to it. States with
/// the same free times merge, keeping the best accumulated accuracy. Tasks run through
/// ``StreamsQueues/advance(_:arrival:device:uplink:server:)`` and
/// ``StreamsQueues/judge(latency:deadline:dropLate:)``, the evaluator's own rules.
///
/// Why dominance is sound: without dropping, every finish time is non-decreasing in every free
/// time (`max` and `+` are monotone), so a state whose free times are all no later than
/// another's, with at least its accuracy, can earn at least as much from here on. With
/// ``StreamsInstance/Fields/dropLate`` that fails (a task that is on time must run, and may block
/// later ones), so dominance is only used there in the relaxation ``Options/skip``, where any
/// task may be skipped.
struct StreamsSearch {
  struct Options {
    /// The most states kept per stage, ranked by ``rank``; `nil` for all.
    var beam: Int?
    /// Weight of the queues' backlog in the beam's ranking: a state scores its accuracy minus
    /// `rank ×` the accuracy its backlog puts at risk (each queue's backlog over the deadline,
    /// times the best accuracy of the tasks behind it).
    var rank = 0.0
    /// Free times rounded up to a multiple of this many seconds (0: none).
    var grid = 0.0
    /// Drop states dominated in every free time and in accuracy.
    var dominance = false
    /// The relaxation where every task may also be skipped (earns 0, takes no queue time).
    var skip = false
    /// States whose accuracy plus ``suffixBound`` cannot beat this are pruned.
    var incumbent = -Double.infinity
    /// `suffixBound[i]`: a bound on what tasks `i...` can earn from any state (count `n + 1`).
    var suffixBound: [Double]?
    /// Give up (``Result/completed`` false) when a stage holds more states than this (or, with
    /// dominance, its candidates number more than 8 times as many).
    var stateBudget: Int?
    /// When the time is up: an exact search gives up, a beam finishes with one state per stage.
    var deadline: ContinuousClock.Instant?
    /// Per task, a price per second of server time its offloading actions pay when on time
    /// (the Lagrangian bound's multipliers); `nil` for none.
    var serverPrice: [Double]?
    /// A trajectory (action indices per task) whose states stay in the beam: Greedy's, so that
    /// the beam never ends below it.
    var guide: [Int]?
  }

  struct Result {
    /// The best accumulated accuracy (of a surviving state; pruned ones could not beat the incumbent).
    var value: Double
    /// The best state's actions, an index into the task's model's `actions` (`-1`: skipped).
    var actions: [Int]
    /// The most states a stage held.
    var peak: Int
    /// False when the search gave up (state budget or, without a beam, time).
    var completed: Bool
    /// True when the time ran out (a beam then finished with one state per stage).
    var timedOut: Bool
  }

  let instance: StreamsInstance
  private let dim: Int
  private let times: [[StreamsQueues.StageTimes]]
  private let accuracy: [[Double]]
  private let riskWeight: [Double]

  init(_ instance: StreamsInstance) {
    self.instance = instance
    let streams = instance.streams
    dim = 2 * streams.count + 1
    times = instance.tasks.indices.map { i in
      let stream = instance.streams[instance.tasks[i].stream]
      return instance.model(of: i).actions.map { a in
        StreamsQueues.StageTimes(instance.model(of: i).exits[a.exit].cuts[a.cut], stream, serverGflops: instance.serverGflops)
      }
    }
    accuracy = instance.tasks.indices.map { i in instance.model(of: i).actions.map { instance.model(of: i).exits[$0.exit].accuracy } }
    // Per stream: the best accuracy per second of deadline its backlog delays; the server's is the mean.
    var weights = streams.map { (instance.models[$0.model].exits.map(\.accuracy).max() ?? 0) / ($0.deadlineMs / 1000) }
    weights.append(weights.reduce(0, +) / Double(max(1, weights.count)))
    riskWeight = weights
  }

  /// Runs the search from empty queues over every task.
  func run(_ o: Options) -> Result {
    let n = instance.tasks.count, server = dim - 1
    var queues = [Double](repeating: 0, count: dim), values = [0.0]
    var parents: [[Int32]] = [], picks: [[Int32]] = []
    var guided: Int? = o.guide == nil ? nil : 0
    var peak = 1, timedOut = false
    var table: [Int32] = []
    let eps = 1e-9 * max(1, abs(o.incumbent))
    for i in 0..<n {
      let task = instance.tasks[i], s = task.stream, stream = instance.streams[s]
      let arrival = task.arrivalMs / 1000, deadline = stream.deadlineMs / 1000
      let release = i + 1 < n ? instance.tasks[i + 1].arrivalMs / 1000 : Double.infinity
      let future = o.suffixBound?[i + 1] ?? 0
      var beam = o.beam
      if !timedOut, let d = o.deadline, ContinuousClock.now >= d {
        timedOut = true
        if beam == nil { return Result(value: values.max() ?? 0, actions: [], peak: peak, completed: false, timedOut: true) }
      }
      if timedOut { beam = 1 }
      let actionCount = times[i].count + (o.skip ? 1 : 0)
      let capacity = values.count * actionCount
      var size = 1
      while size < 2 * capacity { size *= 2 }
      if table.count < size { table = [Int32](repeating: -1, count: size) } else {
        for k in 0..<size { table[k] = -1 }
      }
      var nextQueues: [Double] = [], nextValues: [Double] = [], parent: [Int32] = [], pick: [Int32] = []
      nextQueues.reserveCapacity(capacity * dim)
      var child = [Double](repeating: 0, count: dim)
      var nextGuided: Int?
      for p in values.indices {
        let base = p * dim
        for k in 0..<actionCount {
          var device = queues[base + 2 * s], uplink = queues[base + 2 * s + 1], busy = queues[base + server]
          var gain = 0.0
          if k < times[i].count {
            let finish = StreamsQueues.advance(times[i][k], arrival: arrival, device: &device, uplink: &uplink, server: &busy)
            let (onTime, commit) = StreamsQueues.judge(latency: finish - arrival, deadline: deadline, dropLate: instance.dropLate)
            if onTime { gain = accuracy[i][k] - (times[i][k].offloads ? (o.serverPrice?[i] ?? 0) * times[i][k].server : 0) }
            if !commit { (device, uplink, busy) = (queues[base + 2 * s], queues[base + 2 * s + 1], queues[base + server]) }
          }
          let value = values[p] + gain
          let isGuide = guided == p && o.guide?[i] == k
          if !isGuide, o.suffixBound != nil, value + future <= o.incumbent + eps { continue }
          for c in 0..<dim { child[c] = queues[base + c] }
          child[2 * s] = device
          child[2 * s + 1] = uplink
          child[server] = busy
          var hash: UInt64 = 0xcbf2_9ce4_8422_2325
          for c in 0..<dim {
            var t = max(child[c], release)
            if o.grid > 0, t.isFinite { t = (t / o.grid).rounded(.up) * o.grid }
            child[c] = t
            hash = (hash ^ t.bitPattern) &* 0x100_0000_01b3
            hash ^= hash >> 29
          }
          var slot = Int(truncatingIfNeeded: hash) & (size - 1)
          var found = -1
          while table[slot] >= 0 {
            let at = Int(table[slot])
            if (0..<dim).allSatisfy({ nextQueues[at * dim + $0] == child[$0] }) { found = at; break }
            slot = (slot + 1) & (size - 1)
          }
          if found < 0 {
            found = nextValues.count
            table[slot] = Int32(found)
            nextQueues.append(contentsOf: child)
            nextValues.append(value)
            parent.append(Int32(p))
            pick.append(Int32(k < times[i].count ? k : -1))
          } else if value > nextValues[found] {
            nextValues[found] = value
            parent[found] = Int32(p)
            pick[found] = Int32(k < times[i].count ? k : -1)
          }
          if isGuide { nextGuided = found }
        }
      }
      var keep = Array(nextValues.indices)
      if o.dominance {
        // Dominance costs the square of the candidates: give up before it when they are far over budget.
        let hopeless = o.stateBudget.map { o.beam == nil && keep.count > 8 * $0 } ?? false
        guard !hopeless, let kept = undominated(keep, nextQueues, nextValues, protecting: nextGuided, deadline: o.deadline) else {
          return Result(value: values.max() ?? 0, actions: [], peak: max(peak, keep.count), completed: false, timedOut: timedOut)
        }
        keep = kept
      }
      if let beam, keep.count > beam {
        let scores = keep.map { j in nextValues[j] - o.rank * risk(nextQueues, j, release: release) }
        var order = keep.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : keep[$0] < keep[$1] }.prefix(beam).map { keep[$0] }
        if let g = nextGuided, !order.contains(g) { order[order.count - 1] = g }
        keep = order.sorted()
      }
      if let budget = o.stateBudget, o.beam == nil, keep.count > budget {
        return Result(value: values.max() ?? 0, actions: [], peak: max(peak, keep.count), completed: false, timedOut: timedOut)
      }
      queues = keep.flatMap { j in nextQueues[(j * dim)..<((j + 1) * dim)] }
      values = keep.map { nextValues[$0] }
      parents.append(keep.map { parent[$0] })
      picks.append(keep.map { pick[$0] })
      guided = nextGuided.flatMap { g in keep.firstIndex(of: g) }
      peak = max(peak, keep.count)
      if values.isEmpty { return Result(value: -.infinity, actions: [], peak: peak, completed: true, timedOut: timedOut) }
    }
    var best = 0
    for k in values.indices where values[k] > values[best] { best = k }
    var actions = [Int](repeating: 0, count: n), k = best
    for i in stride(from: n - 1, through: 0, by: -1) {
      actions[i] = Int(picks[i][k])
      k = Int(parents[i][k])
    }
    return Result(value: values.isEmpty ? 0 : values[best], actions: actions, peak: peak, completed: !timedOut || o.beam != nil,
                  timedOut: timedOut)
  }

  /// The accuracy state `j`'s backlog beyond `release` puts at risk, in deadline units.
  private func risk(_ queues: [Double], _ j: Int, release: Double) -> Double {
    guard release.isFinite else { return 0 }
    var total = 0.0
    for c in 0..<dim { total += max(0, queues[j * dim + c] - release) * riskWeight[min(c / 2, riskWeight.count - 1)] }
    return total
  }

  /// The states of `candidates` no other one dominates (no later in every free time, at least
  /// as much accuracy); `protecting` stays. `nil` when `deadline` passes first.
  private func undominated(
    _ candidates: [Int], _ queues: [Double], _ values: [Double], protecting: Int?, deadline: ContinuousClock.Instant?
  ) -> [Int]? {
    let order = candidates.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
    var kept: [Int] = []
    for (done, j) in order.enumerated() {
      if done % 512 == 511, let deadline, ContinuousClock.now >= deadline { return nil }
      let dominated = j != protecting && kept.contains { k in
        (0..<dim).allSatisfy { queues[k * dim + $0] <= queues[j * dim + $0] }
      }
      if !dominated { kept.append(j) }
    }
    return kept.sorted()
  }

  /// The schedule of `actions` (a skipped task, which only the relaxation has, takes action 0).
  func schedule(_ actions: [Int]) -> StreamsSchedule {
    StreamsSchedule(decisions: actions.enumerated().map { i, k in instance.model(of: i).actions[max(0, k)] })
  }
}
