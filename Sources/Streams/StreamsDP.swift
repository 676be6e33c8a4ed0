import EdgeSplitModel
import Foundation

/// Offline dynamic programming over the known trace.
///
/// Stage `i` holds states after deciding tasks `0..<i`; a state is the queues' free times
/// (per-stream device and uplink, the server), each clipped below at task `i`'s release (an
/// earlier free time is equivalent, as every later task arrives no earlier) and, when
/// `grid > 0`, rounded **up** to a multiple of `grid` seconds. States with the same key merge,
/// keeping the best accumulated accuracy. With `grid == 0` and no state cap, merging only joins
/// identical queue states, so the DP is exact (tests check it against brute force). Rounding up
/// is pessimistic: every task the DP counts on time is on time in the real replay, so the
/// replayed objective is at least the DP's value. `maxStates` keeps the best states per stage
/// (a beam) to bound the work.
public enum StreamsDP {
  /// Settings: the grid `Δ` (seconds, 0 for none) and the beam width.
  public struct Settings: Sendable, Hashable {
    /// The grid Δ in seconds free times are rounded up to; 0 for no rounding.
    public var grid: Double
    /// The most states kept per stage (the best by accumulated accuracy); `nil` for no beam.
    public var maxStates: Int?

    public init(grid: Double = 0.002, maxStates: Int? = 4000) {
      self.grid = grid
      self.maxStates = maxStates
    }

    /// No rounding and no beam: exact (exponential in the worst case).
    public static let exact = Settings(grid: 0, maxStates: nil)
  }

  private struct Node {
    var queues: StreamsQueues
    var value: Double
    var parent: Int
    var action: StreamsDecision
  }

  /// The best schedule the DP finds, replayed by the evaluator.
  public static func solve(_ instance: StreamsInstance, settings: Settings = .init()) -> SolverOutcome<StreamsSchedule> {
    let schedule = schedule(instance, settings: settings)
    let objective = StreamsEvaluator.evaluate(schedule.schedule, on: instance).objective
    return SolverOutcome(solution: schedule.schedule, objective: objective,
                         termination: settings == .exact ? .optimal : .finished,
                         statistics: .counters(["grid": settings.grid, "peakStates": Double(schedule.peak)]))
  }

  /// The DP's schedule and the largest stage size it held.
  public static func schedule(_ instance: StreamsInstance, settings: Settings) -> (schedule: StreamsSchedule, peak: Int) {
    let n = instance.tasks.count
    var stages: [[Node]] = [[Node(queues: StreamsQueues(streams: instance.streams.count), value: 0, parent: -1,
                                  action: StreamsDecision(exit: 0, cut: 0))]]
    var peak = 1
    for i in 0..<n {
      let actions = instance.model(of: i).actions
      let nextRelease = i + 1 < n ? instance.tasks[i + 1].arrivalMs / 1000 : .infinity
      var next: [Node] = []
      var index: [StreamsQueues: Int] = [:]
      for (p, node) in stages[i].enumerated() {
        for action in actions {
          var queues = node.queues
          let gain = queues.step(i, action, on: instance).utility
          if nextRelease.isFinite { normalize(&queues, release: nextRelease, grid: settings.grid) }
          let candidate = Node(queues: queues, value: node.value + gain, parent: p, action: action)
          if let k = index[queues] {
            if candidate.value > next[k].value { next[k] = candidate }
          } else {
            index[queues] = next.count
            next.append(candidate)
          }
        }
      }
      if let cap = settings.maxStates, next.count > cap {
        let order = next.indices.sorted { a, b in
          next[a].value != next[b].value ? next[a].value > next[b].value : a < b
        }
        next = order.prefix(cap).sorted().map { next[$0] }
      }
      peak = max(peak, next.count)
      stages.append(next)
    }
    var best = 0
    for (k, node) in stages[n].enumerated() where node.value > stages[n][best].value { best = k }
    var decisions: [StreamsDecision] = []
    var k = best
    for i in stride(from: n, to: 0, by: -1) {
      decisions.append(stages[i][k].action)
      k = stages[i][k].parent
    }
    return (StreamsSchedule(decisions: decisions.reversed()), peak)
  }

  private static func normalize(_ q: inout StreamsQueues, release: Double, grid: Double) {
    func snap(_ t: Double) -> Double {
      let clipped = max(t, release)
      return grid > 0 ? (clipped / grid).rounded(.up) * grid : clipped
    }
    for s in q.device.indices {
      q.device[s] = snap(q.device[s])
      q.uplink[s] = snap(q.uplink[s])
    }
    q.server = snap(q.server)
  }
}

/// Exhaustive search over every decision sequence: the reference optimum on tiny traces.
public enum StreamsBruteForce {
  /// Most decision sequences it enumerates.
  public static let maxSequences = 2_000_000.0

  /// The number of decision sequences of `instance`.
  public static func sequences(_ instance: StreamsInstance) -> Double {
    instance.tasks.indices.reduce(1) { $0 * Double(instance.model(of: $1).actions.count) }
  }

  /// Why brute force does not run on `instance`, or `nil`.
  public static func skipReason(_ instance: StreamsInstance) -> String? {
    let count = sequences(instance)
    return count <= maxSequences ? nil : "\(formatted(count, digits: 0)) decision sequences (limit \(formatted(maxSequences, digits: 0)))"
  }

  /// The optimal schedule by depth-first enumeration (first optimum in exit-major order).
  public static func solve(_ instance: StreamsInstance) -> SolverOutcome<StreamsSchedule> {
    let n = instance.tasks.count
    var best = -1.0, bestDecisions: [StreamsDecision] = [], current: [StreamsDecision] = []
    var visited = 0.0
    func search(_ i: Int, _ queues: StreamsQueues, _ value: Double) {
      if i == n {
        visited += 1
        if value > best { best = value; bestDecisions = current }
        return
      }
      for action in instance.model(of: i).actions {
        var q = queues
        let gain = q.step(i, action, on: instance).utility
        current.append(action)
        search(i + 1, q, value + gain)
        current.removeLast()
      }
    }
    search(0, StreamsQueues(streams: instance.streams.count), 0)
    let schedule = StreamsSchedule(decisions: bestDecisions)
    let objective = StreamsEvaluator.evaluate(schedule, on: instance).objective
    return SolverOutcome(solution: schedule, objective: objective, bound: objective, termination: .optimal,
                         statistics: .counters(["sequences": visited]))
  }
}
