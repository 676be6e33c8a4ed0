import EdgeSplitModel
import Foundation

/// A small fully connected network: ReLU hidden layers and one linear output, its parameters in
/// one flat array (per layer: the `out × in` weights row-major, then the `out` biases).
public struct MLP: Codable, Sendable, Hashable {
  /// Layer widths, input first, `1` last.
  public var sizes: [Int]
  /// Every weight and bias.
  public var parameters: [Double]

  /// He-uniform weights drawn from `rng`, zero biases.
  public init(sizes: [Int], rng: inout SeededGenerator) {
    self.sizes = sizes
    parameters = []
    for l in 0..<(sizes.count - 1) {
      let limit = (6 / Double(sizes[l])).squareRoot()
      parameters += (0..<(sizes[l] * sizes[l + 1])).map { _ in (2 * StreamsGenerator.uniform(&rng) - 1) * limit }
      parameters += Array(repeating: 0, count: sizes[l + 1])
    }
  }

  /// Sets the output layer's weights and bias to zero (the network then outputs 0 everywhere).
  mutating func zeroOutputLayer() {
    let n = sizes[sizes.count - 2]
    parameters.replaceSubrange((parameters.count - n - 1)..., with: repeatElement(0, count: n + 1))
  }

  /// The output for input `x`.
  public func callAsFunction(_ x: [Double]) -> Double { activations(x).last![0] }

  /// Every layer's activations, the input first.
  func activations(_ x: [Double]) -> [[Double]] {
    var outs = [x], offset = 0
    for l in 0..<(sizes.count - 1) {
      let (n, m) = (sizes[l], sizes[l + 1]), input = outs[l]
      var y = [Double](repeating: 0, count: m)
      for o in 0..<m {
        var sum = parameters[offset + n * m + o]
        for i in 0..<n { sum += parameters[offset + o * n + i] * input[i] }
        y[o] = l + 2 < sizes.count ? max(0, sum) : sum
      }
      outs.append(y)
      offset += n * m + m
    }
    return outs
  }

  /// Adds `scale · ∂output/∂parameters` at input `x` into `gradient`.
  func accumulateGradient(_ x: [Double], scale: Double, into gradient: inout [Double]) {
    let outs = activations(x)
    var offsets: [Int] = [0]
    for l in 0..<(sizes.count - 1) { offsets.append(offsets[l] + sizes[l] * sizes[l + 1] + sizes[l + 1]) }
    var delta = [scale]
    for l in stride(from: sizes.count - 2, through: 0, by: -1) {
      let (n, m) = (sizes[l], sizes[l + 1]), offset = offsets[l], input = outs[l]
      var back = [Double](repeating: 0, count: n)
      for o in 0..<m where delta[o] != 0 {
        gradient[offset + n * m + o] += delta[o]
        for i in 0..<n {
          gradient[offset + o * n + i] += delta[o] * input[i]
          back[i] += delta[o] * parameters[offset + o * n + i]
        }
      }
      if l > 0 { for i in 0..<n where input[i] <= 0 { back[i] = 0 } }
      delta = back
    }
  }
}

/// Adam (Kingma & Ba) over a flat parameter array.
struct Adam {
  var rate: Double
  var m: [Double], v: [Double], t = 0
  let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

  init(count: Int, rate: Double) {
    self.rate = rate
    m = Array(repeating: 0, count: count)
    v = m
  }

  /// One descent step along `gradient` (of a loss to minimize).
  mutating func step(_ parameters: inout [Double], _ gradient: [Double]) {
    t += 1
    let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
    for k in parameters.indices {
      m[k] = beta1 * m[k] + (1 - beta1) * gradient[k]
      v[k] = beta2 * v[k] + (1 - beta2) * gradient[k] * gradient[k]
      parameters[k] -= rate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
    }
  }
}

/// A sum tree over priorities: proportional sampling and updates in `O(log n)`.
struct SumTree {
  private(set) var capacity: Int
  private var tree: [Double]

  init(capacity: Int) {
    var c = 1
    while c < capacity { c *= 2 }
    self.capacity = c
    tree = Array(repeating: 0, count: 2 * c)
  }

  var total: Double { tree[1] }
  func priority(_ i: Int) -> Double { tree[capacity + i] }

  mutating func set(_ i: Int, _ p: Double) {
    var k = capacity + i
    tree[k] = p
    while k > 1 {
      k /= 2
      tree[k] = tree[2 * k] + tree[2 * k + 1]
    }
  }

  /// The leaf whose prefix-sum interval contains `mass` (in `0..<total`).
  func find(_ mass: Double) -> Int {
    var k = 1, rest = mass
    while k < capacity {
      if rest < tree[2 * k] || tree[2 * k + 1] == 0 { k = 2 * k } else { rest -= tree[2 * k]; k = 2 * k + 1 }
    }
    return k - capacity
  }
}

/// The features the Q-network scores, times in units of the task's deadline.
///
/// The state is every queue: the task's own device and uplink backlog, the shared server's,
/// the mean and largest backlog of the other streams' devices and uplinks, recent load (all
/// arrivals in the last second, the own stream's rate) and the number of streams. Per action:
/// accuracy, stage times, whether it offloads, the resulting latency, on-time flag, immediate
/// reward, the time it adds to its device, uplink and the server, and its one-step look-ahead
/// (``StreamsBaselines/lookahead(_:_:_:history:on:)``: what the other streams' next tasks can
/// still earn, as a mean per stream and relative to the best action's); the last feature is the
/// look-ahead's own score (utility + future), which a policy with a look-ahead prior adds to
/// the network's output.
public enum StreamsFeatures {
  /// Number of features.
  public static let count = 24

  /// The feature vector of each action of task `i` given `queues` and what has arrived so far.
  public static func of(
    _ i: Int, _ queues: StreamsQueues, _ actions: [StreamsDecision], history: StreamsBaselines.ArrivalHistory,
    on instance: StreamsInstance
  ) -> [[Double]] {
    let task = instance.tasks[i], own = task.stream, stream = instance.streams[own], model = instance.models[stream.model]
    let a = task.arrivalMs / 1000, d = stream.deadlineMs / 1000
    var recent = 0
    var j = i - 1
    while j >= 0, instance.tasks[j].arrivalMs >= task.arrivalMs - 1000 { recent += 1; j -= 1 }
    func scaled(_ t: Double) -> Double { min(5, t / d) }
    func backlog(_ free: Double) -> Double { scaled(max(0, free - a)) }
    let others = instance.streams.indices.filter { $0 != own }
    let device = others.map { backlog(queues.device[$0]) }, uplink = others.map { backlog(queues.uplink[$0]) }
    func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
    let gap = history.nextArrival(of: own, now: a, on: instance).map { $0 - instance.tasks[history.recent[own].last!].arrivalMs / 1000 }
    let state = [backlog(queues.device[own]), backlog(queues.uplink[own]), backlog(queues.server), Double(recent) / 20,
                 mean(device), device.max() ?? 0, mean(uplink), uplink.max() ?? 0,
                 gap.map { $0 > 0 ? min(5, d / $0) : 5 } ?? 0, Double(instance.streams.count) / 8]
    let look = StreamsBaselines.lookahead(i, queues, actions, history: history, on: instance)
    let bestFuture = look.map(\.future).max() ?? 0
    return zip(actions, look).map { action, l in
      let cut = model.exits[action.exit].cuts[action.cut]
      var q = queues
      q.step(i, action, on: instance)
      let per = Double(max(1, l.streams))
      return state + [model.exits[action.exit].accuracy, scaled(Seconds.compute(cut.deviceFlops, gflops: stream.deviceGflops)),
                      scaled(Seconds.transfer(cut.sendBytes, mbps: stream.uplinkMbps)),
                      scaled(Seconds.compute(cut.serverFlops, gflops: instance.serverGflops)), cut.offloads ? 1 : 0,
                      scaled(l.latency), l.onTime ? 1 : 0, l.utility,
                      scaled(q.device[own] - max(queues.device[own], a)), scaled(q.uplink[own] - max(queues.uplink[own], a)),
                      scaled(q.server - max(queues.server, a)), l.future / per, (l.future - bestFuture) / per,
                      l.utility + l.future]
    }
  }
}

/// A trained online scheduler: a Q-network over (state, action) features; per task it takes
/// the action of highest Q (the first on ties).
public struct StreamsPolicy: Codable, Sendable, Hashable {
  /// `edgesplit-streams-policy/2`.
  public var format = "edgesplit-streams-policy/2"
  /// The training seed.
  public var seed: UInt64
  /// The training episodes.
  public var episodes: Int
  /// Whether Q adds the look-ahead score (the last feature) to the network's output, so the
  /// network learns a correction to ``StreamsBaselines/Policy/lookahead``.
  public var lookaheadPrior: Bool
  /// The Q-network.
  public var network: MLP

  public init(seed: UInt64, episodes: Int, lookaheadPrior: Bool, network: MLP) {
    self.seed = seed
    self.episodes = episodes
    self.lookaheadPrior = lookaheadPrior
    self.network = network
  }

  /// Q of one action's features.
  public func q(_ features: [Double]) -> Double { Self.q(network, features, lookaheadPrior: lookaheadPrior) }

  /// Q of `network` on one action's features, with or without the look-ahead prior.
  static func q(_ network: MLP, _ features: [Double], lookaheadPrior: Bool) -> Double {
    (lookaheadPrior ? features[StreamsFeatures.count - 1] : 0) + network(features)
  }

  /// The policy shipped with the library (`Resources/streams-policy.json`).
  public static func shipped() throws -> StreamsPolicy {
    guard let url = Bundle.module.url(forResource: "streams-policy", withExtension: "json") else {
      throw FieldError("streams-policy.json", "the trained policy is missing from the Streams resources")
    }
    return try load(Data(contentsOf: url))
  }

  /// Decodes and checks a policy file.
  public static func load(_ data: Data) throws -> StreamsPolicy {
    let policy = try JSONDecoder().decode(StreamsPolicy.self, from: data)
    guard policy.format == "edgesplit-streams-policy/2" else {
      throw FieldError("format", "must be edgesplit-streams-policy/2, got \(policy.format)")
    }
    let sizes = policy.network.sizes
    let expected = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    guard sizes.first == StreamsFeatures.count, sizes.last == 1, sizes.allSatisfy({ $0 > 0 }),
          policy.network.parameters.count == expected, policy.network.parameters.allSatisfy(\.isFinite) else {
      throw FieldError("network", "must map \(StreamsFeatures.count) features to 1 output with \(expected) finite parameters")
    }
    return policy
  }

  /// The schedule the policy produces online on `instance`.
  public func schedule(_ instance: StreamsInstance) -> StreamsSchedule {
    var history = StreamsBaselines.ArrivalHistory(streams: instance.streams.count)
    return StreamsBaselines.online(instance) { i, queues, actions in
      history.record(i, on: instance)
      let features = StreamsFeatures.of(i, queues, actions, history: history, on: instance)
      var best = 0, bestQ = -Double.infinity
      for (k, f) in features.enumerated() {
        let q = q(f)
        if q > bestQ { best = k; bestQ = q }
      }
      return actions[best]
    }
  }
}
