import Foundation
import Testing

/// End-to-end checks of the `solverbench` executable: exit statuses and messages users see.
@Suite struct CLITests {
  private static let shipped = URL(fileURLWithPath: shippedInstance("admission/small-01.json"))

  private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProduct("solverbench", arguments)
  }

  /// Writes `text` to a fresh temporary file and returns its path.
  private func file(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-\(UUID().uuidString).json")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// The shipped small-01 instance with one textual substitution.
  private func broken(_ from: String, _ to: String) throws -> String {
    let text = try String(contentsOf: Self.shipped, encoding: .utf8)
    #expect(text.contains(from), "fixture no longer contains \(from)")
    return try file(text.replacingOccurrences(of: from, with: to, options: [], range: text.range(of: from)))
  }

  /// `train` serves the family that declares policy training (streams): the same seed writes the
  /// same policy bit for bit, parts switch off by name, unknown parts and families are usage errors.
  @Test func trainIsDeclaredByTheFamilyAndReproducible() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let paths = (1...3).map { folder.appendingPathComponent("policy-\($0).json").path }
    let curves = paths.map { $0.replacingOccurrences(of: ".json", with: ".csv") }
    // Experience initialization (offline DP over historical traces) is the slow part: off here.
    for (k, disabled) in [[], [], ["--disable", "prioritized"]].enumerated() {
      let result = try run(["train", "--episodes", "2", "--seed", "7", "--output", paths[k], "--curve", curves[k],
                            "--disable", "experience-init"] + disabled)
      #expect(result.status == 0 && result.stdout.hasPrefix("wrote \(paths[k]): 2 episodes"), "\(result.stderr)")
    }
    let policies = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let losses = try curves.map { try String(contentsOf: URL(fileURLWithPath: $0), encoding: .utf8) }
    #expect(policies[0] == policies[1] && losses[0] == losses[1])
    // Two episodes may keep the same (untrained) checkpoint; the losses show the replay differs.
    #expect(losses[0] != losses[2], "switching prioritized replay off changed nothing")
    #expect(losses[0].hasPrefix("episode,return,loss,validation\n0,,,"))
    let unknown = try run(["train", "--disable", "bogus"])
    #expect(unknown.status == 2 && unknown.stderr.contains("--disable bogus: no such part of streams's training (known: experience-init, prioritized, lookahead-prior)"))
    let setting = try run(["train", "--set", "bogus=1"])
    #expect(setting.status == 2 && setting.stderr.contains("--set bogus=1: expected name=value with a name of streams's training"))
    let range = try run(["train", "--set", "rate=9:3", "--output", paths[0]])
    #expect(range.status == 2 && range.stderr.contains("error: --set rate: must be LO:HI"), "\(range.stderr)")
    let samples = folder.appendingPathComponent("samples")
    let sampled = try run(["train", "--set", "regime=batch", "--set", "tasks=20", "--sample", samples.path, "--sample-seeds", "3:4"])
    #expect(sampled.status == 0 && sampled.stdout == "wrote 2 instances to \(samples.path)\n", "\(sampled.stderr)")
    let held = try run(["train", "--episodes", "1", "--disable", "experience-init", "--output", paths[0], "--set", "tasks=10",
                        "--held-out", samples.path])
    #expect(held.status == 0 && held.stdout.contains("instance,objective\nsample-3,"), "\(held.stderr)")
    let untrained = try run(["train", "--problem", "admission"])
    #expect(untrained.status == 2 && untrained.stderr.contains("no family of that name has policy training (with training: streams)"))
  }

  @Test func goodInstanceExitsZeroWithOptimaInTheTable() throws {
    let result = try run([Self.shipped.path, "--quiet"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("p1-ilp-pruned"))
    #expect(result.stdout.contains("(opt)"))
  }

  @Test func jsonOutputParses() throws {
    let result = try run([Self.shipped.path, "--format", "json"])
    #expect(result.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(object?["schema"] as? String == "edgesplit-bench/3")
    #expect((object?["rows"] as? [Any])?.isEmpty == false)
  }

  @Test(arguments: [
    ("\"deadlineMs\" :", "\"deadlineMs\" : -5, \"x\" :", "requests[0].deadlineMs: must be > 0, got -5.0"),
    ("\"uplinkMbps\"", "\"uplink\"", "requests[0].uplinkMbps: missing required field"),
    ("\"outputBytes\" :", "\"outputBytes\" : -1, \"y\" :", "models[0].layers[0].outputBytes: must be >= 0, got -1.0"),
    ("\"format\" : \"edgesplit/1\"", "\"format\" : \"edgesplit/0\"", "format: unsupported format 'edgesplit/0'"),
    ("\"threads\" :", "\"threads\" : 0, \"z\" :", "cloudlets[0].threads: must be in 1...4096, got 0"),
  ])
  func badFieldsExitTwoNamingFileAndField(from: String, to: String, message: String) throws {
    let path = try broken(from, to)
    let result = try run([path, "--quiet"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(path): \(message)"), "\(result.stderr)")
  }

  @Test func malformedJSONCyclesAndDanglingInputsExitTwo() throws {
    let malformed = try file("{ \"format\": \"edgesplit/1\", ")
    var result = try run([malformed])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(malformed): malformed JSON"))

    let layers = """
      {"format":"edgesplit/1","problem":"admission","cloudlets":[{"name":"c","threads":2,"threadGflops":10}],
       "requests":[],"models":[{"name":"m","inputBytes":10,"layers":[
         {"name":"a","type":"conv","flops":1,"outputBytes":1,"paramBytes":0,"inputs":["LAST"]},
         {"name":"b","type":"conv","flops":1,"outputBytes":1,"paramBytes":0,"inputs":["a"]}]}]}
      """
    let cyclic = try file(layers.replacingOccurrences(of: "LAST", with: "b"))
    result = try run([cyclic])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(cyclic): models[0].layers: the layer graph has a cycle through a, b"))

    let dangling = try file(layers.replacingOccurrences(of: "LAST", with: "ghost"))
    result = try run([dangling])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(dangling): models[0].layers[0].inputs[0]: layer 'a' reads 'ghost', which is not a layer of this model"))
  }

  /// Shards merged back give the whole run; a failing row in any shard makes `merge` exit 1.
  @Test func shardsMergeAndFailuresExitOne() throws {
    let folder = Self.shipped.deletingLastPathComponent().path
    var shards: [String] = []
    for i in 1...2 {
      let result = try run([folder, "--solvers", "p1-ilp-pruned", "--format", "json", "--shard", "\(i)/2"])
      #expect(result.status == 0)
      shards.append(try file(result.stdout))
    }
    let merged = try run(["merge"] + shards + ["--format", "csv"])
    #expect(merged.status == 0)
    // the context lines, the header, every P1 instance once (12 small, 2 large)
    #expect(merged.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 1 + 14)

    let failing = try String(contentsOfFile: shards[0], encoding: .utf8)
      .replacingOccurrences(of: "\"failures\" : [\n\n      ]", with: "\"failures\" : [\"over capacity\"]")
    #expect(failing.contains("over capacity"))
    let result = try run(["merge", try file(failing)])
    #expect(result.status == 1)
    #expect(result.stderr.contains("over capacity"))
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try run([Self.shipped.path, "--solvers", "no-such-solver"]).status == 2)
    #expect(try run([Self.shipped.path, "--time-limit", "-1"]).status == 2)
    #expect(try run(["/no/such/folder"]).status == 2)
    #expect(try run([Self.shipped.path, "--shard", "3/2"]).status == 2)
  }

  /// Negative numbers are values, not options: `--jobs -1` and `--time-limit -1` name the rule
  /// they break (ArgumentParser used to read `-1` as an option and say "Missing value").
  @Test func negativeNumbersGetTheirRuleNotMissingValue() throws {
    let jobs = try run([Self.shipped.path, "--jobs", "-1"])
    #expect(jobs.status == 2)
    #expect(jobs.stderr.contains("--jobs must be at least 1, got -1") && !jobs.stderr.contains("Missing value"))
    let limit = try run([Self.shipped.path, "--time-limit", "-1"])
    #expect(limit.status == 2)
    #expect(limit.stderr.contains("--time-limit must be a positive number of seconds, got -1.0") && !limit.stderr.contains("Missing value"))
    let seed = try run(["solve", Self.shipped.path, "--seed", "-1"])
    #expect(seed.status == 2 && !seed.stderr.contains("Missing value"))
  }

  /// `merge` on a file that is missing or not a report says so in a few words, with a place.
  @Test func mergeNamesMissingAndMalformedFiles() throws {
    let missing = try run(["merge", "/no/such/report.json"])
    #expect(missing.status == 2)
    #expect(missing.stderr == "error: /no/such/report.json: cannot read file: no such file\n")
    let broken = try file("{\n  \"schema\": \"edgesplit-bench/3\",\n  \"rows\": [1 2]\n}")
    let malformed = try run(["merge", broken])
    #expect(malformed.status == 2)
    #expect(malformed.stderr.hasPrefix("error: \(broken): malformed JSON at line 3, column"), "\(malformed.stderr)")
  }

  @Test func unknownFieldsWarnAndFailWithStrict() throws {
    let misspelled = try broken("\"weight\" : 1", "\"weigth\" : 5")
    let warned = try run([misspelled, "--quiet", "--solvers", "p1-approx"])
    #expect(warned.status == 0)
    #expect(warned.stderr == "warning: \(misspelled): requests[0].weigth: unknown field (ignored)\n")
    let strict = try run([misspelled, "--quiet", "--strict"])
    #expect(strict.status == 2)
    #expect(strict.stderr == "error: \(misspelled): requests[0].weigth: unknown field\n")
  }

  /// Fields stated at their default (`"reallocation" : "none"`, `"weight" : 1`) are known fields:
  /// `--strict` runs the file and prints nothing.
  @Test func statedDefaultsPassStrict() throws {
    let upload = try String(contentsOfFile: shippedInstance("upload/small-chain-2ue-loose.json"), encoding: .utf8)
    #expect(upload.contains("\"reallocation\" : \"none\""))
    let result = try run(["run", try file(upload), "--quiet", "--strict", "--solvers", "p4-all-local"])
    #expect(result.status == 0)
    #expect(result.stderr == "")

    let admission = try String(contentsOf: Self.shipped, encoding: .utf8)
    #expect(admission.contains("\"weight\" : 1"))
    let strict = try run(["run", try file(admission), "--quiet", "--strict", "--solvers", "p1-approx"])
    #expect(strict.status == 0)
    #expect(strict.stderr == "")
  }

  @Test func emptyFolderAndModelsFoldersAreNotSilent() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-\(UUID().uuidString)/models")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let empty = try run([folder.path])
    #expect(empty.status == 2 && empty.stderr.contains("no .json files found"))
    // An instance inside a folder named "models" is run, a bare model beside it is skipped with a note.
    try FileManager.default.copyItem(at: Self.shipped, to: folder.appendingPathComponent("small-01.json"))
    try FileManager.default.copyItem(at: Self.shipped.deletingLastPathComponent().appendingPathComponent("../models/alexnet.json"),
                                     to: folder.appendingPathComponent("alexnet.json"))
    let result = try run([folder.path, "--solvers", "p1-approx"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("small-01"))
    #expect(result.stderr.contains("note: skipped 1 model file (a bare model, no \"format\"): alexnet.json"))
  }
}
