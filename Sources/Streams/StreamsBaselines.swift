import EdgeSplitModel

/// Online baselines: each decides task by task from the current queues only.
public enum StreamsBaselines {
  /// A baseline policy.
  public enum Policy: Sendable, Hashable {
    /// The action with the best immediate utility (accuracy if on time), ties to the earliest finish.
    case greedy
    /// The final exit, with the cut finishing earliest.
    case finalExit
    /// The final exit, entirely on the device.
    case allLocal
    /// The final exit, entirely on the server (the input is sent).
    case allOffload
    /// A uniformly random action (seeded).
    case random
  }

  /// Runs `policy` over the trace.
  public static func solve(_ instance: StreamsInstance, policy: Policy, seed: UInt64 = 1) -> SolverOutcome<StreamsSchedule> {
    var rng = SeededGenerator(seed: seed)
    let schedule = online(instance) { i, queues, actions in
      let model = instance.model(of: i), final = model.exits.count - 1
      switch policy {
      case .greedy: return greedyChoice(i, queues, actions, on: instance)
      case .finalExit:
        let cuts = actions.filter { $0.exit == final }
        return cuts.min { queues.finish(of: i, $0, on: instance) < queues.finish(of: i, $1, on: instance) }!
      case .allLocal: return StreamsDecision(exit: final, cut: model.exits[final].cuts.count - 1)
      case .allOffload: return StreamsDecision(exit: final, cut: 0)
      case .random:
        return actions[Int(StreamsGenerator.uniform(&rng) * Double(actions.count))]
      }
    }
    return .finished(schedule, objective: StreamsEvaluator.evaluate(schedule, on: instance).objective)
  }

  /// The greedy choice for task `i` given `queues`.
  public static func greedyChoice(
    _ i: Int, _ queues: StreamsQueues, _ actions: [StreamsDecision], on instance: StreamsInstance
  ) -> StreamsDecision {
    var best = actions[0], bestKey = (-1.0, Double.infinity)
    for action in actions {
      let result = queues.result(of: i, action, on: instance)
      if result.utility > bestKey.0 || (result.utility == bestKey.0 && result.latency < bestKey.1) {
        best = action
        bestKey = (result.utility, result.latency)
      }
    }
    return best
  }

  /// Runs an online policy: for each task in order, `choose(task, queues, actions)`.
  public static func online(
    _ instance: StreamsInstance, choose: (Int, StreamsQueues, [StreamsDecision]) throws -> StreamsDecision
  ) rethrows -> StreamsSchedule {
    var queues = StreamsQueues(streams: instance.streams.count)
    var decisions: [StreamsDecision] = []
    for i in instance.tasks.indices {
      let decision = try choose(i, queues, instance.model(of: i).actions)
      queues.step(i, decision, on: instance)
      decisions.append(decision)
    }
    return StreamsSchedule(decisions: decisions)
  }
}
