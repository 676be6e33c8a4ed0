import EdgeSplitModel
import Foundation

extension StreamsTraining {
  /// Training the shipped scheduler, as the streams family declares it to `solverbench train`:
  /// deep Q-learning with experience initialization from offline-DP solutions and prioritized
  /// replay, each switchable off; the training distribution set by `--set` or `--traces`, and
  /// held-out scoring by `--held-out`.
  public static let policyTraining = PolicyTraining(
    defaultOutput: "Sources/Streams/Resources/streams-policy.json", defaultEpisodes: 300,
    switches: [
      .init(name: "experience-init", help: "experience initialization from offline-DP solutions of historical traces"),
      .init(name: "prioritized", help: "prioritized replay (off: uniform sampling)"),
      .init(name: "lookahead-prior", help: "Q = look-ahead score + network (off: the network alone)"),
    ],
    parameters: [
      .init(name: "rate", help: "per-stream arrival rate range of generated traces, LO:HI tasks/s (default 2:8)"),
      .init(name: "uplink", help: "base uplink range of generated traces, LO:HI Mbit/s, log-uniform (default 10:80)"),
      .init(name: "tasks", help: "tasks per training episode (default 48)"),
      .init(name: "gamma", help: "discount factor per task, in [0, 1) (default 0.9)"),
      .init(name: "epsilon", help: "initial exploration rate, in [0, 1] (default 1)"),
      .init(name: "learning-rate", help: "Adam step size (default 0.001)"),
    ]
  ) { request, progress in
    let configuration = try configuration(for: request)
    let outcome = train(seed: request.seed, episodes: request.episodes, configuration: configuration, progress: progress)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // A policy is plain numbers and names: encoding it cannot fail.
    let policy = try! encoder.encode(outcome.policy) + Data("\n".utf8)
    let rows = zip(outcome.episodeReturns, outcome.episodeLosses).enumerated().map { e, row in
      "\(e + 1),\(row.0),\(row.1),\(outcome.validation[e + 1].map { "\($0)" } ?? "")"
    }
    let tail = outcome.episodeReturns.suffix(20)
    var evaluation: String?
    if !request.heldOut.isEmpty {
      let scored = try request.heldOut.map { url in
        let instance = try InstanceIO.load(StreamsFamily.self, contentsOf: url)
        let objective = StreamsEvaluator.evaluate(outcome.policy.schedule(instance), on: instance).objective
        return "\(instance.name),\(objective)"
      }
      evaluation = (["instance,objective"] + scored).joined(separator: "\n") + "\n"
    }
    return PolicyTraining.Result(
      policy: policy, curveCSV: (["episode,return,loss,validation"] + rows).joined(separator: "\n") + "\n",
      summary: "\(request.episodes) episodes, mean return of the last \(tail.count) \(tail.reduce(0, +) / Double(tail.count))",
      evaluationCSV: evaluation)
  }

  /// The configuration a `solverbench train` request asks for; errors name the setting or file.
  public static func configuration(for request: PolicyTraining.Request) throws -> Configuration {
    var c = Configuration()
    c.experienceInit = !request.disabled.contains("experience-init")
    c.prioritized = !request.disabled.contains("prioritized")
    c.lookaheadPrior = !request.disabled.contains("lookahead-prior")
    let settings = request.settings
    if let tasks = settings["tasks"] {
      guard let n = Int(tasks), n >= 2 else { throw FieldError("--set tasks", "must be an integer >= 2, got '\(tasks)'") }
      c.tasksPerEpisode = n
    }
    if let text = settings["gamma"] { c.gamma = try number(text, "gamma", in: 0...0.999) }
    if let text = settings["epsilon"] { c.epsilonStart = try number(text, "epsilon", in: 0...1) }
    if let text = settings["learning-rate"] { c.learningRate = try number(text, "learning-rate", in: 1e-6...1) }
    if request.traces.isEmpty {
      guard case .generated(var rate, var uplink) = c.distribution else { preconditionFailure("the default is generated") }
      if let text = settings["rate"] { rate = try range(text, "rate") }
      if let text = settings["uplink"] { uplink = try range(text, "uplink") }
      c.distribution = .generated(rate: rate, uplinkMbps: uplink)
    } else {
      if let name = ["rate", "uplink"].first(where: { settings[$0] != nil }) {
        throw FieldError("--set \(name)", "sets generated traces; it has no effect with --traces")
      }
      c.distribution = .traces(try request.traces.map { try InstanceIO.load(StreamsFamily.self, contentsOf: $0) })
    }
    return c
  }

  /// A number within `bounds`.
  private static func number(_ text: String, _ name: String, in bounds: ClosedRange<Double>) throws(FieldError) -> Double {
    guard let x = Double(text), bounds.contains(x) else {
      throw FieldError("--set \(name)", "must be a number in \(bounds.lowerBound)...\(bounds.upperBound), got '\(text)'")
    }
    return x
  }

  /// `LO:HI` (or one number) as a positive, finite range.
  private static func range(_ text: String, _ name: String) throws(FieldError) -> ClosedRange<Double> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
    guard (1...2).contains(parts.count), let lo = parts.first!, let hi = parts.last!, lo > 0, hi >= lo, hi.isFinite else {
      throw FieldError("--set \(name)", "must be LO:HI with 0 < LO <= HI (or one positive number), got '\(text)'")
    }
    return lo...hi
  }
}
