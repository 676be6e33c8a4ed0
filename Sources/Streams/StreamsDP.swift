import EdgeSplitModel
import Foundation

/// Offline dynamic programming over the known trace: a beam over queue states.
///
/// Stage `i` holds states after deciding tasks `0..<i` (`StreamsSearch`): the queues' free
/// times, clipped below at the next release and, when `grid > 0`, rounded **up** to a multiple
/// of `grid` seconds; equal states merge, keeping the best accumulated accuracy. The beam keeps
/// the `maxStates` states of best accuracy minus `rank ×` the accuracy their backlog puts at
/// risk (ranking by accuracy alone keeps states that earned a little now by blocking the
/// queues), once per weight of `ranks`. Greedy's trajectory stays in the beam and the result
/// is never below Greedy's
/// (whichever replays better is returned). With the time limit reached it finishes with one
/// state per stage. With `grid == 0` and no beam only identical states merge, so the DP is exact
/// (tests check it against brute force).
public enum StreamsDP {
  /// Settings: the grid `Δ` (seconds, 0 for none), the beam width and its ranking.
  public struct Settings: Sendable, Hashable {
    /// The grid Δ in seconds free times are rounded up to; 0 for no rounding.
    public var grid: Double
    /// The most states kept per stage; `nil` for no beam.
    public var maxStates: Int?
    /// Weights of the backlog's risk in the beam's ranking (0: accuracy alone): the beam runs
    /// once per weight and the best replayed schedule wins (no single weight is best on every
    /// congested regime).
    public var ranks: [Double]

    public init(grid: Double = 0, maxStates: Int? = 300, ranks: [Double] = [0.5, 0]) {
      self.grid = grid
      self.maxStates = maxStates
      self.ranks = ranks
    }

    /// No rounding and no beam: exact (exponential in the worst case).
    public static let exact = Settings(grid: 0, maxStates: nil, ranks: [0])
  }

  /// The best schedule the DP finds, replayed by the evaluator, never below Greedy's; it obeys
  /// `options.timeLimit`.
  public static func solve(
    _ instance: StreamsInstance, settings: Settings = .init(), options: SolverOptions = .init()
  ) -> SolverOutcome<StreamsSchedule> {
    let greedy = StreamsBaselines.solve(instance, policy: .greedy)
    let run = search(instance, settings: settings, greedy: greedy.solution!, deadline: options.startingClock().deadline)
    var (schedule, objective) = (run.schedule, run.objective)
    if greedy.objective! > objective { (schedule, objective) = (greedy.solution!, greedy.objective!) }
    let termination: TerminationReason = run.timedOut ? .feasible(limit: .time) : settings == .exact ? .optimal : .finished
    return SolverOutcome(solution: schedule, objective: objective, termination: termination,
                         statistics: .counters(["grid": settings.grid, "peakStates": Double(run.peak)]))
  }

  /// The DP's schedule and the largest stage size it held.
  public static func schedule(_ instance: StreamsInstance, settings: Settings) -> (schedule: StreamsSchedule, peak: Int) {
    let run = search(instance, settings: settings, greedy: nil, deadline: nil)
    return (run.schedule, run.peak)
  }

  /// The best of one beam per rank, with its replayed objective; a beam is guided by Greedy's
  /// schedule (`greedy`, computed here when the caller has none).
  private static func search(
    _ instance: StreamsInstance, settings: Settings, greedy: StreamsSchedule?, deadline: ContinuousClock.Instant?
  ) -> (schedule: StreamsSchedule, objective: Double, peak: Int, timedOut: Bool) {
    let engine = StreamsSearch(instance)
    var o = StreamsSearch.Options()
    o.beam = settings.maxStates
    o.grid = settings.grid
    o.deadline = deadline
    if settings.maxStates != nil {
      let guide = greedy ?? StreamsBaselines.solve(instance, policy: .greedy).solution!
      o.guide = guide.decisions.enumerated().map { i, d in instance.model(of: i).actions.firstIndex(of: d)! }
    }
    var best: (schedule: StreamsSchedule, objective: Double, peak: Int, timedOut: Bool)?
    for rank in settings.ranks.isEmpty ? [0] : settings.ranks {
      o.rank = rank
      let result = engine.run(o), schedule = engine.schedule(result.actions)
      let objective = StreamsEvaluator.evaluate(schedule, on: instance).objective
      let peak = max(best?.peak ?? 0, result.peak), timedOut = (best?.timedOut ?? false) || result.timedOut
      if best == nil || objective > best!.objective { best = (schedule, objective, peak, timedOut) } else {
        best!.peak = peak
        best!.timedOut = timedOut
      }
    }
    return best!
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
