import EdgeSplitModel
import Foundation

extension StreamsTraining {
  /// Training the shipped scheduler, as the streams family declares it to `solverbench train`:
  /// deep Q-learning with experience initialization from offline-DP solutions and prioritized
  /// replay, each switchable off.
  public static let policyTraining = PolicyTraining(
    defaultOutput: "Sources/Streams/Resources/streams-policy.json", defaultEpisodes: 300,
    switches: [
      .init(name: "experience-init", help: "experience initialization from offline-DP solutions of historical traces"),
      .init(name: "prioritized", help: "prioritized replay (off: uniform sampling)"),
    ]
  ) { request, progress in
    var configuration = Configuration()
    configuration.experienceInit = !request.disabled.contains("experience-init")
    configuration.prioritized = !request.disabled.contains("prioritized")
    let outcome = train(seed: request.seed, episodes: request.episodes, configuration: configuration, progress: progress)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // A policy is plain numbers and names: encoding it cannot fail.
    let policy = try! encoder.encode(outcome.policy) + Data("\n".utf8)
    let rows = zip(outcome.episodeReturns, outcome.episodeLosses).enumerated().map { "\($0 + 1),\($1.0),\($1.1)" }
    let tail = outcome.episodeReturns.suffix(20)
    return PolicyTraining.Result(
      policy: policy, curveCSV: (["episode,return,loss"] + rows).joined(separator: "\n") + "\n",
      summary: "\(request.episodes) episodes, mean return of the last \(tail.count) \(tail.reduce(0, +) / Double(tail.count))")
  }
}
