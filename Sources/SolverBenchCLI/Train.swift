import ArgumentParser
import EdgeSplitModel
import Foundation
import Harness

extension SolverBench {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Retrain a family's learned online policy and write its policy file.",
      discussion: """
        Serves every family whose catalog registration declares policy training (today: streams, \
        the P5 deep-Q scheduler, whose parts are experience-init and prioritized). Every part is on \
        unless --disable names it. The training traces are generated (their distribution set with \
        --set; streams: rate=LO:HI tasks/s per stream, uplink=LO:HI Mbit/s, tasks=N per episode, \
        and the generator's regime settings) or taken from --traces. With --held-out, the trained \
        policy is scored on those instances (different seeds than training) into --evaluation. \
        The same seed and settings give the same file, bit for bit. Progress goes to stderr when \
        it is a terminal.
        """)

    @Option(help: "The family whose policy to train (default: the only one that has training).")
    var problem: String?

    @Option(parsing: .unconditional, help: "Training seed.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Training episodes (default: the family's).")
    var episodes: Int?

    @Option(help: "Where to write the policy (default: the file the family ships).")
    var output: String?

    @Option(help: ArgumentHelp("Switch a part of the training off (repeatable); see the discussion.", valueName: "part"))
    var disable: [String] = []

    @Option(help: "Also write each episode's return and loss as CSV to this file.")
    var curve: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("A setting of the training distribution or learner, name=value (repeatable); see the discussion.", valueName: "name=value"))
    var settings: [String] = []

    @Option(help: "Train on windows of the instances in this file or folder instead of generated traces.")
    var traces: String?

    @Option(help: "Score the trained policy on the instances in this file or folder (held-out traces).")
    var heldOut: String?

    @Option(help: "With --held-out, write each instance's objective as CSV to this file (default: stdout).")
    var evaluation: String?

    @Option(help: "Do not train: write instances of the training distribution (one per --sample-seeds seed) into this folder.")
    var sample: String?

    @Option(help: ArgumentHelp("With --sample, the seeds as FIRST:LAST (default 1:10); use seeds training does not (it draws its own from --seed).", valueName: "first:last"))
    var sampleSeeds = "1:10"

    func validate() throws {
      if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1") }
      let training = try chosen().training
      let known = Set(training.switches.map(\.name))
      if let unknown = disable.first(where: { !known.contains($0) }) {
        throw ValidationError("--disable \(unknown): no such part of \(try chosen().family.name)'s training (known: \(training.switches.map(\.name).joined(separator: ", ")))")
      }
      let parameters = Set(training.parameters.map(\.name))
      for setting in settings {
        let name = setting.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        guard setting.contains("="), parameters.contains(name) else {
          let known = training.parameters.map { "  \($0.name): \($0.help)" }.joined(separator: "\n")
          throw ValidationError("--set \(setting): expected name=value with a name of \(try chosen().family.name)'s training; known:\n\(known)")
        }
      }
      if evaluation != nil && heldOut == nil { throw ValidationError("--evaluation needs --held-out") }
      if sample != nil {
        guard training.canSample else { throw ValidationError("--sample: \(try chosen().family.name)'s training cannot draw instances") }
        _ = try seedRange()
      }
    }

    /// `--sample-seeds` as seeds.
    private func seedRange() throws -> ClosedRange<UInt64> {
      let parts = sampleSeeds.split(separator: ":").map { UInt64($0) }
      guard parts.count == 2, let first = parts[0], let last = parts[1], first <= last else {
        throw ValidationError("--sample-seeds \(sampleSeeds): expected FIRST:LAST with FIRST <= LAST")
      }
      return first...last
    }

    /// The `.json` files at `path` (one file, or every one under a folder).
    private func files(_ path: String, option: String) throws -> [URL] {
      let url = URL(fileURLWithPath: path)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        throw badInput("\(option) \(path): no such file or folder")
      }
      let found = isFolder.boolValue ? BenchmarkRunner.jsonFiles(under: url) : [url]
      guard !found.isEmpty else { throw badInput("\(option) \(path): no .json files found") }
      return found
    }

    /// The family to train and its training.
    private func chosen() throws -> (family: AnyFamily, training: PolicyTraining) {
      let trainable = Catalog.registrations.compactMap { r in r.training.map { (r.family, $0) } }
      if let problem {
        guard let found = trainable.first(where: { $0.0.name == problem }) else {
          throw ValidationError("--problem \(problem): no family of that name has policy training (with training: \(trainable.map(\.0.name).joined(separator: ", ")))")
        }
        return found
      }
      guard trainable.count == 1 else {
        throw ValidationError("give --problem: several families have policy training (\(trainable.map(\.0.name).joined(separator: ", ")))")
      }
      return trainable[0]
    }

    func run() throws {
      let (_, training) = try chosen()
      let episodes = episodes ?? training.defaultEpisodes
      let output = output ?? training.defaultOutput
      let terminal = isatty(STDERR_FILENO) == 1
      var named: [String: String] = [:]
      for setting in settings {
        let parts = setting.split(separator: "=", maxSplits: 1)
        named[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
      }
      let request = PolicyTraining.Request(
        seed: seed, episodes: episodes, disabled: Set(disable), settings: named,
        traces: try traces.map { try files($0, option: "--traces") } ?? [],
        heldOut: try heldOut.map { try files($0, option: "--held-out") } ?? [])
      if let sample {
        let folder = URL(fileURLWithPath: sample)
        do {
          try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
          let files = try training.sample(request, seeds: Array(try seedRange()))
          for file in files { try file.data.write(to: folder.appendingPathComponent("\(file.name).json")) }
          print("wrote \(files.count) instances to \(sample)")
        } catch let error as ValidationError {
          throw error
        } catch {
          throw badInput("\(error)")
        }
        return
      }
      let result: PolicyTraining.Result
      do {
        result = try training.train(request) { done, total in
          guard terminal else { return }
          let width = 30, filled = width * done / total
          let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
          FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) episodes\(done == total ? "\n" : "")".utf8))
        }
      } catch {
        throw badInput("\(error)")
      }
      try result.policy.write(to: URL(fileURLWithPath: output))
      if let curve { try result.curveCSV.write(toFile: curve, atomically: true, encoding: .utf8) }
      print("wrote \(output): \(result.summary)")
      if let evaluationCSV = result.evaluationCSV {
        if let evaluation { try evaluationCSV.write(toFile: evaluation, atomically: true, encoding: .utf8) } else { print(evaluationCSV, terminator: "") }
      }
    }
  }
}
