import EdgeSplitModel

/// The P5 solvers.
public enum StreamsSolvers {
  public typealias P5Solver = Solver<StreamsFamily>

  /// Offline DP on the known trace: a beam over queue states seeded with Greedy's trajectory.
  public static let dp = P5Solver(
    name: "p5-dp", role: .heuristic,
    summary: "offline DP over queue states (two 300-state beams ranked by accuracy, and by accuracy minus backlog risk; Greedy's trajectory kept)"
  ) { instance, options in StreamsDP.solve(instance, options: options) }

  /// The offline reference: the proven optimum (dominance and bounds), else a proven bound.
  public static let exact = P5Solver(
    name: "p5-exact", role: .exact,
    summary: "exact search over queue states with dominance and per-stream bounds (≤ 64 tasks), else a window bound"
  ) { instance, options in StreamsExact.solve(instance, options: options) }

  /// Exhaustive search on tiny traces.
  public static let bruteForce = P5Solver(
    name: "p5-bf", role: .exact, summary: "brute force over every (exit, cut) sequence (tiny traces)",
    skip: StreamsBruteForce.skipReason
  ) { instance, _ in StreamsBruteForce.solve(instance) }

  /// The shipped deep-Q policy, deciding online task by task.
  public static let dqn = P5Solver(
    name: "p5-dqn", role: .heuristic,
    summary: "online deep Q-network (experience init from DP + prioritized replay), shipped policy"
  ) { instance, _ in
    let schedule = try StreamsPolicy.shipped().schedule(instance)
    return .finished(schedule, objective: StreamsEvaluator.evaluate(schedule, on: instance).objective)
  }

  /// Per task, best immediate utility.
  public static let greedy = baseline("p5-greedy", .greedy, "Greedy: per task the exit/cut with the best immediate utility")
  /// One-step look-ahead over every stream's expected next task.
  public static let lookahead = baseline(
    "p5-lookahead", .lookahead,
    "online one-step look-ahead: own utility + each stream's next expected task on the queues left (no learning)")
  /// Final exit, best cut.
  public static let finalExit = baseline("p5-final-exit", .finalExit, "always the final exit, with the earliest-finishing cut")
  /// Final exit on the device.
  public static let allLocal = baseline("p5-all-local", .allLocal, "every task's final exit on its device")
  /// Final exit on the server.
  public static let allOffload = baseline("p5-all-offload", .allOffload, "every task's input sent, final exit on the server")
  /// Uniformly random decisions.
  public static let random = baseline("p5-random", .random, "uniformly random exit and cut (seeded)")

  /// Every solver of this module, in table order.
  public static let all = [bruteForce, exact, dp, dqn, lookahead, greedy, finalExit, allLocal, allOffload, random]

  private static func baseline(_ name: String, _ policy: StreamsBaselines.Policy, _ summary: String) -> P5Solver {
    P5Solver(name: name, role: .heuristic, summary: summary) { instance, options in
      StreamsBaselines.solve(instance, policy: policy, seed: options.seed)
    }
  }
}
