import EdgeSplitModel
import Foundation

/// Deep Q-learning for the online scheduler, with experience initialization from offline-DP
/// solutions of historical traces and proportional prioritized experience replay (sum tree).
///
/// An episode is one trace drawn from the ``Distribution`` (generated with parameters drawn
/// from ranges, or a window of a given trace); a step is one task; the reward is the task's
/// accuracy if it meets its deadline; the target is `r + γ · max_a' Q_target(s', a')` over the
/// next task's actions. Everything is drawn from one `SeededGenerator`: the same seed and
/// configuration give the same policy, bit for bit.
public enum StreamsTraining {
  /// Where training traces come from.
  public enum Distribution: Sendable, Hashable {
    /// `StreamsGenerator.instance(regime:seed:name:models:)` with, per trace, a per-stream
    /// arrival rate uniform in `rate` (tasks/s) and a base uplink log-uniform in `uplinkMbps`;
    /// every other parameter (streams, pattern, server, dropLate) from `regime`.
    case generated(regime: StreamsRegime, rate: ClosedRange<Double>, uplinkMbps: ClosedRange<Double>)
    /// Windows of ``Configuration/tasksPerEpisode`` consecutive tasks of these traces (uniform
    /// trace, uniform start), e.g. a folder of recorded or generated traces.
    case traces([StreamsInstance])

    /// The original setting: the standard regime at 2–8 tasks/s, 10–80 Mbit/s.
    public static let standard = Distribution.generated(regime: .standard, rate: 2...8, uplinkMbps: 10...80)

    /// One trace of `tasks` tasks drawn with `rng`.
    public func draw(_ name: String, tasks: Int, using rng: inout SeededGenerator) throws(FieldError) -> StreamsInstance {
      switch self {
      case .generated(var regime, let rates, let uplinks):
        regime.ratePerSecond = rates.lowerBound + (rates.upperBound - rates.lowerBound) * StreamsGenerator.uniform(&rng)
        regime.uplinkMbps = uplinks.lowerBound * pow(uplinks.upperBound / uplinks.lowerBound, StreamsGenerator.uniform(&rng))
        regime.tasks = tasks
        return try StreamsGenerator.instance(regime: regime, seed: rng.next(), name: name)
      case .traces(let traces):
        let source = traces[Int(StreamsGenerator.uniform(&rng) * Double(traces.count))]
        let starts = max(1, source.tasks.count - tasks + 1)
        let start = Int(StreamsGenerator.uniform(&rng) * Double(starts))
        return try source.with(tasks: Array(source.tasks[start..<min(source.tasks.count, start + tasks)]))
      }
    }
  }

  /// Hyper-parameters and the two ablation switches.
  public struct Configuration: Sendable, Hashable {
    /// The training traces.
    public var distribution = Distribution.standard
    /// Tasks per training trace.
    public var tasksPerEpisode = 48
    /// Hidden layer widths of the Q-network.
    public var hidden = [32, 32]
    /// Transitions per update.
    public var batch = 32
    /// Adam step size.
    public var learningRate = 1e-3
    /// Discount factor γ.
    public var gamma = 0.9
    /// Exploration rate ε at the start, decayed linearly to `epsilonEnd` over 80 % of the steps.
    public var epsilonStart = 1.0
    /// Final exploration rate.
    public var epsilonEnd = 0.05
    /// Updates between copies of the online network into the target network.
    public var targetSync = 200
    /// Transitions the replay buffer holds (oldest overwritten).
    public var replayCapacity = 20_000
    /// PER exponent α and the importance-sampling β, annealed from `betaStart` to 1.
    public var alpha = 0.6
    /// The importance-sampling exponent at the first episode.
    public var betaStart = 0.4
    /// Experience initialization: DP solutions of this many historical traces fill the replay
    /// before learning, followed by `pretrainSteps` updates on them.
    public var experienceInit = true
    /// Historical traces solved by the DP for experience initialization.
    public var historicalTraces = 8
    /// Updates on the historical experience before the first episode.
    public var pretrainSteps = 500
    /// Prioritized replay; uniform sampling when false.
    public var prioritized = true
    /// Q = look-ahead score + network (the network's last layer starts at zero, so the first
    /// greedy policy is the look-ahead); the network alone when false.
    public var lookaheadPrior = true
    /// Episodes between scorings of the current greedy policy on the validation traces (drawn
    /// from the same distribution as training, never the held-out ones), also scored before the
    /// first episode; the policy returned is the best scored. 0: no validation, the final
    /// network is returned.
    public var validationEvery = 25
    /// Validation traces (of ``tasksPerEpisode`` tasks each).
    public var validationTraces = 4
    /// The DP the historical traces are solved with.
    public var dp = StreamsDP.Settings(grid: 0.005, maxStates: 300)

    /// The default setting (the shipped policy's).
    public init() {}
  }

  /// What training produced.
  public struct Outcome: Sendable {
    /// The greedy policy of the best-validated network (the final one without validation).
    public var policy: StreamsPolicy
    /// Each episode's total reward (ε-greedy, during training).
    public var episodeReturns: [Double]
    /// Each episode's mean weighted TD loss (0 before any update).
    public var episodeLosses: [Double]
    /// Per episode after which the greedy policy was validated (0: before the first episode,
    /// after experience initialization): its total reward on the validation traces.
    public var validation: [Int: Double]
    /// The episode after which the returned network was taken.
    public var kept: Int
  }

  private struct Transition {
    var features: [Double]
    var reward: Double
    var next: [[Double]]
  }

  /// Trains a policy; `progress(done, total)` is called after every episode.
  public static func train(
    seed: UInt64, episodes: Int, configuration: Configuration = .init(), progress: ((Int, Int) -> Void)? = nil
  ) -> Outcome {
    var rng = SeededGenerator(seed: seed)
    let c = configuration
    var online = MLP(sizes: [StreamsFeatures.count] + c.hidden + [1], rng: &rng)
    if c.lookaheadPrior { online.zeroOutputLayer() }
    func q(_ network: MLP, _ features: [Double]) -> Double { StreamsPolicy.q(network, features, lookaheadPrior: c.lookaheadPrior) }
    var target = online
    var adam = Adam(count: online.parameters.count, rate: c.learningRate)
    var memory: [Transition] = []
    var tree = SumTree(capacity: c.replayCapacity)
    var nextSlot = 0, maxPriority = 1.0, updates = 0
    let totalSteps = Double(max(1, episodes * c.tasksPerEpisode))

    func remember(_ t: Transition) {
      if memory.count < c.replayCapacity { memory.append(t) } else { memory[nextSlot] = t }
      tree.set(nextSlot, pow(maxPriority, c.alpha))
      nextSlot = (nextSlot + 1) % c.replayCapacity
    }

    func learn(beta: Double) -> Double {
      guard memory.count >= c.batch else { return 0 }
      var picks: [Int] = [], weights: [Double] = []
      if c.prioritized {
        // Stratified proportional sampling; importance weights normalized by the batch's largest.
        let segment = tree.total / Double(c.batch)
        for b in 0..<c.batch {
          let k = min(tree.find((Double(b) + StreamsGenerator.uniform(&rng)) * segment), memory.count - 1)
          picks.append(k)
          weights.append(pow(Double(memory.count) * tree.priority(k) / tree.total, -beta))
        }
        let largest = weights.max()!
        weights = weights.map { $0 / largest }
      } else {
        for _ in 0..<c.batch { picks.append(Int(StreamsGenerator.uniform(&rng) * Double(memory.count))); weights.append(1) }
      }
      var gradient = [Double](repeating: 0, count: online.parameters.count)
      var loss = 0.0
      for (k, w) in zip(picks, weights) {
        let t = memory[k]
        let future = t.next.map { q(target, $0) }.max() ?? 0
        let error = t.reward + c.gamma * future - q(online, t.features)
        loss += w * error * error / Double(c.batch)
        // Gradient of the weighted Huber loss (δ clipped to [-1, 1]).
        online.accumulateGradient(t.features, scale: -w * min(1, max(-1, error)) / Double(c.batch), into: &gradient)
        if c.prioritized {
          let p = abs(error) + 1e-3
          maxPriority = max(maxPriority, p)
          tree.set(k, pow(p, c.alpha))
        }
      }
      adam.step(&online.parameters, gradient)
      updates += 1
      if updates % c.targetSync == 0 { target = online }
      return loss
    }

    func trace(_ name: String) -> StreamsInstance {
      do {
        return try c.distribution.draw(name, tasks: c.tasksPerEpisode, using: &rng)
      } catch {
        preconditionFailure("a training trace is valid by construction: \(error)")
      }
    }

    /// Replays `decide` over `instance`, storing each transition; returns the total reward.
    func episode(_ instance: StreamsInstance, learning: Bool, beta: Double,
                 decide: (Int, [[Double]], StreamsQueues) -> Int) -> (reward: Double, loss: Double) {
      var queues = StreamsQueues(streams: instance.streams.count)
      var history = StreamsBaselines.ArrivalHistory(streams: instance.streams.count)
      var pending: (features: [Double], reward: Double)?
      var total = 0.0, loss = 0.0, steps = 0
      for i in instance.tasks.indices {
        let actions = instance.model(of: i).actions
        history.record(i, on: instance)
        let features = StreamsFeatures.of(i, queues, actions, history: history, on: instance)
        if let p = pending { remember(Transition(features: p.features, reward: p.reward, next: features)) }
        let k = decide(i, features, queues)
        let reward = queues.step(i, actions[k], on: instance).utility
        pending = (features[k], reward)
        total += reward
        if learning { loss += learn(beta: beta); steps += 1 }
      }
      if let p = pending { remember(Transition(features: p.features, reward: p.reward, next: [])) }
      return (total, steps > 0 ? loss / Double(steps) : 0)
    }

    if c.experienceInit {
      for h in 0..<c.historicalTraces {
        let instance = trace("history\(h)")
        let plan = StreamsDP.schedule(instance, settings: c.dp).schedule
        _ = episode(instance, learning: false, beta: c.betaStart) { i, _, _ in
          instance.model(of: i).actions.firstIndex(of: plan.decisions[i])!
        }
      }
      for _ in 0..<c.pretrainSteps { _ = learn(beta: c.betaStart) }
    }

    let validation = (0..<(c.validationEvery > 0 ? c.validationTraces : 0)).map { trace("validation\($0)") }
    var scores: [Int: Double] = [:], best: (score: Double, episode: Int, network: MLP)?
    func validate(after e: Int) {
      let policy = StreamsPolicy(seed: seed, episodes: e, lookaheadPrior: c.lookaheadPrior, network: online)
      let score = validation.reduce(0) { $0 + StreamsEvaluator.evaluate(policy.schedule($1), on: $1).objective }
      scores[e] = score
      if score > best?.score ?? -.infinity { best = (score, e, online) }
    }

    if !validation.isEmpty { validate(after: 0) }
    var returns: [Double] = [], losses: [Double] = []
    var step = 0.0
    for e in 0..<episodes {
      let instance = trace("episode\(e)")
      let beta = c.betaStart + (1 - c.betaStart) * Double(e) / Double(max(1, episodes - 1))
      let result = episode(instance, learning: true, beta: beta) { _, features, _ in
        let progress = min(1, step / (0.8 * totalSteps))
        let epsilon = c.epsilonStart + (c.epsilonEnd - c.epsilonStart) * progress
        step += 1
        if StreamsGenerator.uniform(&rng) < epsilon { return Int(StreamsGenerator.uniform(&rng) * Double(features.count)) }
        let values = features.map { q(online, $0) }
        return values.indices.max { values[$0] < values[$1] }!
      }
      returns.append(result.reward)
      losses.append(result.loss)
      if !validation.isEmpty && ((e + 1) % c.validationEvery == 0 || e + 1 == episodes) { validate(after: e + 1) }
      progress?(e + 1, episodes)
    }
    return Outcome(policy: StreamsPolicy(seed: seed, episodes: episodes, lookaheadPrior: c.lookaheadPrior,
                                         network: best?.network ?? online),
                   episodeReturns: returns, episodeLosses: losses, validation: scores, kept: best?.episode ?? episodes)
  }
}
