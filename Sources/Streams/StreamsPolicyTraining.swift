import EdgeSplitModel
import Foundation

extension StreamsTraining {
  /// Training the shipped scheduler, as the streams family declares it to `solverbench train`:
  /// deep Q-learning with experience initialization from offline-DP solutions, prioritized
  /// replay and the look-ahead prior, each switchable off; the training distribution set by
  /// `--set` (a ``StreamsRegime`` and ranges) or `--traces`; held-out scoring by `--held-out`.
  public static let policyTraining = PolicyTraining(
    defaultOutput: "Sources/Streams/Resources/streams-policy.json", defaultEpisodes: 300,
    switches: [
      .init(name: "experience-init", help: "experience initialization from offline-DP solutions of historical traces"),
      .init(name: "prioritized", help: "prioritized replay (off: uniform sampling)"),
      .init(name: "lookahead-prior", help: "Q = look-ahead score + network (off: the network alone)"),
    ],
    parameters: [
      .init(name: "regime", help: "the generated traces' regime: standard, bursty, batch, high-rate or weak-server (default standard)"),
      .init(name: "rate", help: "per-stream arrival rate, LO:HI tasks/s, uniform per trace (default: 2:8 for standard, else the regime's)"),
      .init(name: "uplink", help: "base uplink, LO:HI Mbit/s, log-uniform per trace (default: 10:80 for standard, else the regime's)"),
      .init(name: "streams", help: "number of streams (default: the regime's)"),
      .init(name: "server", help: "edge server GFLOP/s (default: the regime's)"),
      .init(name: "pattern", help: "arrivals: mixed, bursty or batch (default: the regime's)"),
      .init(name: "burst", help: "high-to-low rate ratio of bursty arrivals (default: the regime's)"),
      .init(name: "batch", help: "tasks per batch of batch arrivals (default: the regime's)"),
      .init(name: "drop-late", help: "true or false: late tasks dropped (default: the regime's)"),
      .init(name: "tasks", help: "tasks per training episode (default 48)"),
      .init(name: "gamma", help: "discount factor per task, in [0, 1) (default 0.9)"),
      .init(name: "epsilon", help: "initial exploration rate, in [0, 1] (default 1)"),
      .init(name: "learning-rate", help: "Adam step size (default 0.001)"),
    ],
    sample: { request, seeds in
      let c = try configuration(for: request)
      return try seeds.map { seed in
        var rng = SeededGenerator(seed: seed)
        let instance = try c.distribution.draw("sample-\(seed)", tasks: c.tasksPerEpisode, using: &rng)
        return (instance.name, try InstanceIO.encode(StreamsFamily.self, instance))
      }
    }
  ) { request, progress in
    let configuration = try configuration(for: request)
    let outcome = train(seed: request.seed, episodes: request.episodes, configuration: configuration, progress: progress)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // A policy is plain numbers and names: encoding it cannot fail.
    let policy = try! encoder.encode(outcome.policy) + Data("\n".utf8)
    let start = outcome.validation[0].map { ["0,,,\($0)"] } ?? []
    let rows = start + zip(outcome.episodeReturns, outcome.episodeLosses).enumerated().map { e, row in
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
      summary: "\(request.episodes) episodes, mean return of the last \(tail.count) \(tail.reduce(0, +) / Double(tail.count)), "
        + "kept the network after episode \(outcome.kept)",
      evaluationCSV: evaluation)
  }

  /// The configuration a `solverbench train` request asks for; errors name the setting or file.
  public static func configuration(for request: PolicyTraining.Request) throws -> Configuration {
    var c = Configuration()
    c.experienceInit = !request.disabled.contains("experience-init")
    c.prioritized = !request.disabled.contains("prioritized")
    c.lookaheadPrior = !request.disabled.contains("lookahead-prior")
    let settings = request.settings
    if let text = settings["tasks"] { c.tasksPerEpisode = try integer(text, "tasks", atLeast: 2) }
    if let text = settings["gamma"] { c.gamma = try number(text, "gamma", in: 0...0.999) }
    if let text = settings["epsilon"] { c.epsilonStart = try number(text, "epsilon", in: 0...1) }
    if let text = settings["learning-rate"] { c.learningRate = try number(text, "learning-rate", in: 1e-6...1) }
    let generatorSettings = ["regime", "rate", "uplink", "streams", "server", "pattern", "burst", "batch", "drop-late"]
    guard request.traces.isEmpty else {
      if let name = generatorSettings.first(where: { settings[$0] != nil }) {
        throw FieldError("--set \(name)", "sets generated traces; it has no effect with --traces")
      }
      c.distribution = .traces(try request.traces.map { try InstanceIO.load(StreamsFamily.self, contentsOf: $0) })
      return c
    }
    let presets = [StreamsRegime.standard] + StreamsRegime.congested
    var regime = StreamsRegime.standard
    if let name = settings["regime"] {
      guard let preset = presets.first(where: { $0.name == name }) else {
        throw FieldError("--set regime", "must be one of \(presets.map(\.name).joined(separator: ", ")), got '\(name)'")
      }
      regime = preset
    }
    let standard = regime.name == StreamsRegime.standard.name
    if let text = settings["streams"] { regime.streams = try integer(text, "streams", atLeast: 1) }
    if let text = settings["server"] { regime.serverGflops = try number(text, "server", in: 1e-3...1e9) }
    if let text = settings["pattern"] {
      guard let pattern = StreamsRegime.Pattern(rawValue: text) else {
        throw FieldError("--set pattern", "must be one of \(StreamsRegime.Pattern.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
      }
      regime.pattern = pattern
    }
    if let text = settings["burst"] { regime.burstFactor = try number(text, "burst", in: 1...1e6) }
    if let text = settings["batch"] { regime.batchSize = try integer(text, "batch", atLeast: 1) }
    if let text = settings["drop-late"] {
      guard let drop = Bool(text) else { throw FieldError("--set drop-late", "must be true or false, got '\(text)'") }
      regime.dropLate = drop
    }
    let rate = try settings["rate"].map { try range($0, "rate") } ?? (standard ? 2...8 : regime.ratePerSecond...regime.ratePerSecond)
    let uplink = try settings["uplink"].map { try range($0, "uplink") } ?? (standard ? 10...80 : regime.uplinkMbps...regime.uplinkMbps)
    c.distribution = .generated(regime: regime, rate: rate, uplinkMbps: uplink)
    return c
  }

  /// A number within `bounds`.
  private static func number(_ text: String, _ name: String, in bounds: ClosedRange<Double>) throws(FieldError) -> Double {
    guard let x = Double(text), bounds.contains(x) else {
      throw FieldError("--set \(name)", "must be a number in \(bounds.lowerBound)...\(bounds.upperBound), got '\(text)'")
    }
    return x
  }

  /// An integer of at least `least`.
  private static func integer(_ text: String, _ name: String, atLeast least: Int) throws(FieldError) -> Int {
    guard let n = Int(text), n >= least else { throw FieldError("--set \(name)", "must be an integer >= \(least), got '\(text)'") }
    return n
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
