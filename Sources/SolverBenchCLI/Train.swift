import ArgumentParser
import Foundation
import Streams

extension SolverBench {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Retrain the P5 online scheduler (deep Q-learning) and write its policy file.",
      discussion: """
        Experience initialization from offline-DP solutions of historical traces and prioritized \
        replay are on unless disabled. The same seed and settings give the same file, bit for bit. \
        Progress goes to stderr when it is a terminal.
        """)

    @Option(parsing: .unconditional, help: "Training seed.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Training episodes (one generated trace each).")
    var episodes = 300

    @Option(help: "Where to write the policy.")
    var output = "Sources/Streams/Resources/streams-policy.json"

    @Flag(help: "Disable experience initialization from DP solutions.")
    var noExperienceInit = false

    @Flag(help: "Disable prioritized replay (uniform sampling).")
    var noPrioritized = false

    @Option(help: "Also write each episode's return and loss as CSV to this file.")
    var curve: String?

    func validate() throws {
      guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1") }
    }

    func run() throws {
      var configuration = StreamsTraining.Configuration()
      configuration.experienceInit = !noExperienceInit
      configuration.prioritized = !noPrioritized
      let terminal = isatty(STDERR_FILENO) == 1
      let outcome = StreamsTraining.train(seed: seed, episodes: episodes, configuration: configuration) { done, total in
        guard terminal else { return }
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) episodes\(done == total ? "\n" : "")".utf8))
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      try (encoder.encode(outcome.policy) + Data("\n".utf8)).write(to: URL(fileURLWithPath: output))
      if let curve {
        let rows = zip(outcome.episodeReturns, outcome.episodeLosses).enumerated().map { "\($0 + 1),\($1.0),\($1.1)" }
        try (["episode,return,loss"] + rows).joined(separator: "\n").appending("\n").write(
          toFile: curve, atomically: true, encoding: .utf8)
      }
      let tail = outcome.episodeReturns.suffix(20)
      print("wrote \(output): \(episodes) episodes, mean return of the last \(tail.count) \(tail.reduce(0, +) / Double(tail.count))")
    }
  }
}
