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

/// The features the Q-network scores: the task's queue backlogs and recent load, and what the
/// action would do (accuracy, stage times, latency, on time, the server time it adds), times
/// in units of the task's deadline.
public enum StreamsFeatures {
  /// Number of features.
  public static let count = 13

  /// The feature vector of each action of task `i` given `queues` (online: uses only the past).
  public static func of(_ i: Int, _ queues: StreamsQueues, _ actions: [StreamsDecision], on instance: StreamsInstance) -> [[Double]] {
    let task = instance.tasks[i], stream = instance.streams[task.stream], model = instance.models[stream.model]
    let a = task.arrivalMs / 1000, d = stream.deadlineMs / 1000
    var recent = 0
    var j = i - 1
    while j >= 0, instance.tasks[j].arrivalMs >= task.arrivalMs - 1000 { recent += 1; j -= 1 }
    func scaled(_ t: Double) -> Double { min(5, t / d) }
    let state = [scaled(max(0, queues.device[task.stream] - a)), scaled(max(0, queues.uplink[task.stream] - a)),
                 scaled(max(0, queues.server - a)), Double(recent) / 20]
    return actions.map { action in
      let cut = model.exits[action.exit].cuts[action.cut]
      var q = queues
      let result = q.step(i, action, on: instance)
      let onTime = result.onTime
      let accuracy = model.exits[action.exit].accuracy
      return state + [accuracy, scaled(Seconds.compute(cut.deviceFlops, gflops: stream.deviceGflops)),
                      scaled(Seconds.transfer(cut.sendBytes, mbps: stream.uplinkMbps)),
                      scaled(Seconds.compute(cut.serverFlops, gflops: instance.serverGflops)), cut.offloads ? 1 : 0,
                      scaled(result.latency), onTime ? 1 : 0, onTime ? accuracy : 0, scaled(q.server - max(queues.server, a))]
    }
  }

  /// The immediate reward of task `i` under `action`: its accuracy when it meets its deadline.
  static func reward(_ i: Int, _ queues: StreamsQueues, _ action: StreamsDecision, on instance: StreamsInstance) -> Double {
    queues.result(of: i, action, on: instance).utility
  }
}

/// A trained online scheduler: a Q-network over (state, action) features; per task it takes
/// the action of highest Q (the first on ties).
public struct StreamsPolicy: Codable, Sendable, Hashable {
  /// `edgesplit-streams-policy/1`.
  public var format = "edgesplit-streams-policy/1"
  /// The training seed.
  public var seed: UInt64
  /// The training episodes.
  public var episodes: Int
  /// The Q-network.
  public var network: MLP

  public init(seed: UInt64, episodes: Int, network: MLP) {
    self.seed = seed
    self.episodes = episodes
    self.network = network
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
    guard policy.format == "edgesplit-streams-policy/1" else {
      throw FieldError("format", "must be edgesplit-streams-policy/1, got \(policy.format)")
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
    StreamsBaselines.online(instance) { i, queues, actions in
      let features = StreamsFeatures.of(i, queues, actions, on: instance)
      var best = 0, bestQ = -Double.infinity
      for (k, f) in features.enumerated() {
        let q = network(f)
        if q > bestQ { best = k; bestQ = q }
      }
      return actions[best]
    }
  }
}
