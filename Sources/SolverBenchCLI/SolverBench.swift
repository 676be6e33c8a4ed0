import ArgumentParser
import EdgeSplitModel
import Foundation
import Harness
import Synchronization

/// `solverbench`: runs EdgeSplit's solvers on a folder of instance files and reports
/// objective, gap to the exact optimum (or a bound) and time.
///
/// The commands live in this library; an executable is a one-line `main` that names the MILP
/// backends it links (``main(backends:)``), so `solverbench` (GLPK and CBC) and the GPL-free
/// `solverbench-cbc` share every command.
public struct SolverBench: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "solverbench",
    abstract: "Run EdgeSplit's solvers on instance files and report objectives, gaps and times.",
    discussion: """
      Every solution is checked by the problem's evaluator. Gap = (reference − objective) / \
      |reference| for maximization (objective − reference for minimization), \
      where the reference is a proven optimum or, marked "bound", a proven bound.

      Exit status: 0 all good; 1 an infeasible solution, a wrong claimed objective, a broken \
      proven ratio or a solver error; 2 bad input or usage.
      """,
    version: EdgeSplitVersion.current,
    subcommands: [Run.self, Solve.self, Merge.self, Generate.self, ExportILP.self, ListSolvers.self, Train.self, ImportONNX.self, ImportCSV.self, Instance.self],
    defaultSubcommand: Run.self)

  public init() {}

  /// The MILP backends this executable links, the first being `--backend`'s default.
  static let backends = Mutex<[any MILPSolver]>([])

  /// Runs the command line with `backends` available to `--backend`. Usage errors exit 2 (the
  /// documented status), not ArgumentParser's 64.
  public static func main(backends: [any MILPSolver]) -> Never {
    precondition(!backends.isEmpty, "solverbench needs at least one MILP backend")
    Self.backends.withLock { $0 = backends }
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let word = arguments.first, let suggestion = misspelledSubcommand(word) {
      FileHandle.standardError.write(Data("error: unknown command '\(word)'; did you mean '\(suggestion)'? (see `solverbench --help`)\n".utf8))
      Foundation.exit(2)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
      exit()
    } catch {
      if exitCode(for: error) == .validationFailure {
        // One error style: ArgumentParser's "Error: " as the rest of the CLI writes it.
        var message = fullMessage(for: error)
        if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }

  /// The subcommand `word` is probably a typo of: a word that is neither a subcommand, an option
  /// nor an existing path (the default `run` takes a path), within two edits of a subcommand.
  static func misspelledSubcommand(_ word: String) -> String? {
    let names = configuration.subcommands.map { $0._commandName }
    guard !word.hasPrefix("-"), !names.contains(word), !FileManager.default.fileExists(atPath: word),
          !word.contains("/"), !word.hasSuffix(".json") else { return nil }
    return nearest(word, among: names)
  }
}

/// `42 s`, `3 min 5 s`, `1 h 2 min` for progress lines.
func duration(_ seconds: Double) -> String {
  let total = Int(seconds.rounded())
  if total < 60 { return "\(total) s" }
  if total < 3600 { return "\(total / 60) min \(total % 60) s" }
  return "\(total / 3600) h \(total % 3600 / 60) min"
}

/// The name in `names` closest to `word` by edit distance, when at most 2 edits (or a third of
/// the word) away: what "did you mean" suggests.
func nearest(_ word: String, among names: [String]) -> String? {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var row = [i + 1]
      for (j, y) in b.enumerated() { row.append(min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))) }
      previous = row
    }
    return previous[b.count]
  }
  let limit = max(2, word.count / 3)
  let scored = names.map { ($0, distance(Array(word.lowercased()), Array($0.lowercased()))) }.filter { $0.1 <= limit }
  return scored.min { $0.1 < $1.1 }?.0
}

/// `--backend`: which of the MILP backends this executable links the exact solvers use.
struct BackendOption: ParsableArguments {
  @Option(help: ArgumentHelp("MILP backend of the exact solvers (default: the first this executable links).",
                             valueName: "glpk|cbc"))
  var backend: String?

  func validate() throws { _ = try chosen() }

  /// The backend `--backend` names, among those the executable links.
  func chosen() throws -> any MILPSolver {
    let available = SolverBench.backends.withLock { $0 }
    guard let backend else { return available[0] }
    guard let found = available.first(where: { $0.id.rawValue == backend }) else {
      throw ValidationError("--backend \(backend) is not linked into this executable (available: \(available.map(\.id.rawValue).joined(separator: ", ")))")
    }
    return found
  }

  /// The catalog whose exact solvers use the chosen backend.
  func catalog() throws -> Catalog { Catalog(backend: try chosen()) }
}

/// The solver settings every solving command shares.
struct SolvingOptions: ParsableArguments {
  // `.unconditional`: `--time-limit -5` is the value -5 (rejected below), not a missing value.
  @Option(parsing: .unconditional, help: "Time limit in seconds for each exact solve.")
  var timeLimit: Double = 60

  @Option(parsing: .unconditional, help: "Seed for randomized solvers.")
  var seed: UInt64 = 1

  @OptionGroup var backend: BackendOption

  func validate() throws {
    guard timeLimit > 0, timeLimit.isFinite else { throw ValidationError("--time-limit must be a positive number of seconds, got \(timeLimit)") }
  }

  /// The catalog whose exact solvers use the chosen backend.
  func catalog() throws -> Catalog { try backend.catalog() }

  /// The settings handed to every solver.
  var settings: SolverOptions { SolverOptions(timeLimit: timeLimit, seed: seed) }
}

/// How instance files are read.
struct LoadingOptions: ParsableArguments {
  @Flag(help: "Unknown fields in an instance file are errors (exit 2), not warnings.")
  var strict = false
}

/// Where rows go: the format on standard output and, optionally, a report folder.
struct OutputOptions: ParsableArguments {
  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  @Option(help: "Also write report.md with SVG plots into this folder.")
  var report: String?

  /// Prints `rows` in ``format`` and writes the report folder when asked.
  func finish(_ rows: [BenchmarkRow], context: RunContext) throws {
    switch format {
    case .table: print(Report.table(rows), terminator: "")
    case .json: print(try Report.json(rows, context: context), terminator: "")
    case .csv: print(Report.csv(rows, context: context), terminator: "")
    }
    if let report { try Report.writeReport(rows, context: context, to: URL(fileURLWithPath: report)) }
  }
}

/// `i/n`: the i-th of n round-robin slices of the sorted files (1-based), for job arrays.
struct Shard: ExpressibleByArgument {
  var index: Int
  var count: Int

  init?(argument: String) {
    let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
    guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

extension SolverBench {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the solvers on every instance under a folder (the default).")

    @Argument(help: "Folder (searched recursively) or single instance file.")
    var path: String = "instances"

    @OptionGroup var solving: SolvingOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var loading: LoadingOptions

    @Option(help: "Comma-separated solver names or globs (default: all). See `solverbench list`.")
    var solvers: String?

    @Option(help: "Comma-separated problem families to run (default: all).")
    var problems: String?

    @Option(parsing: .unconditional, help: "Instances run in parallel (solvers of one instance stay sequential). Use 1 for clean timings.")
    var jobs = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Run only shard i of n (1-based, round robin over the sorted files), for job arrays.",
                               valueName: "i/n"))
    var shard: Shard?

    @Option(help: ArgumentHelp("Compare every row with this solver's objective on the same instance (a 'vs base %' column: % better than it), e.g. p4-serial-upload or p5-greedy.", valueName: "solver"))
    var versus: String?

    @Option(help: "Also write every row's solution as an edgesplit-solution/1 JSON file into this folder.")
    var solutions: String?

    @Flag(help: "No progress output or notes on stderr.")
    var quiet = false

    func validate() throws {
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
      let url = URL(fileURLWithPath: path)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        throw badInput("\(path): no such file or folder")
      }
      var files = isFolder.boolValue ? BenchmarkRunner.jsonFiles(under: url) : [url]
      guard !files.isEmpty else {
        FileHandle.standardError.write(Data("error: \(path): no .json files found\n".utf8))
        throw ExitCode(2)
      }
      if let shard { files = BenchmarkRunner.shard(files, index: shard.index, of: shard.count) }
      let wanted = try problemFilter()
      let (loaded, loadFailed) = InstanceLoader(strict: loading.strict, quiet: quiet).load(files)
      let instances = loaded.filter { wanted?.contains($0.family.name) ?? true }
      if instances.isEmpty && !loadFailed {
        FileHandle.standardError.write(Data("error: \(path): no instances to run\(wanted == nil ? "" : " for --problems \(problems ?? "")")\n".utf8))
        throw ExitCode(2)
      }
      let selected = try solving.catalog().solvers(matching: list(solvers))
      guard !selected.isEmpty else {
        let names = try solving.catalog().solvers.map(\.name)
        let hints = list(solvers).compactMap { nearest($0, among: names).map { "'\($0)'" } }
        throw badInput("--solvers matches no solver\(hints.isEmpty ? "" : " (did you mean \(hints.joined(separator: ", "))?)"); see `solverbench list`")
      }
      let showProgress = !quiet && isatty(STDERR_FILENO) == 1
      var progress: (@Sendable (Int, Int, String, String) -> Void)?
      if showProgress {
        let start = Date()
        progress = { done, total, instance, solver in
          // Elapsed time and, once a run has finished, an estimate of the rest at the same pace.
          let elapsed = Date().timeIntervalSince(start)
          let estimate = done > 0 ? ", about \(duration(elapsed / Double(done) * Double(total - done))) left" : ""
          FileHandle.standardError.write(Data("\u{1B}[2K\r[\(done + 1)/\(total)] \(duration(elapsed))\(estimate) \(instance): \(solver)".utf8))
        }
      }
      var onSolutions: (@Sendable (AnyInstance, [(BenchmarkRow, SolverOutcome<AnySolution>?)]) -> Void)?
      if let solutions {
        let folder = URL(fileURLWithPath: solutions)
        onSolutions = { instance, rows in writeSolutions(rows, of: instance, into: folder) }
      }
      if let versus, !selected.contains(where: { $0.name == versus }) {
        throw ValidationError("--versus \(versus) is not among the selected solvers; see `solverbench list`")
      }
      let runner = BenchmarkRunner(solvers: selected, settings: solving.settings, versus: versus,
                                   progress: progress, onSolutions: onSolutions)
      let context = RunContext.current(settings: runner.settings, jobs: jobs, versus: versus)
      let rows = runner.run(instances, jobs: jobs)
      if showProgress { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
      try output.finish(rows, context: context)
      // Every failing row is listed even when a bad file decides the status (2 outranks 1).
      let failed = reportFailures(rows)
      if loadFailed { throw ExitCode(2) }
      if failed { throw ExitCode(1) }
    }

    private func problemFilter() throws -> Set<String>? {
      guard let problems else { return nil }
      return Set(try list(problems).map { name in
        guard Catalog.family(named: name) != nil else {
          throw ValidationError("unknown problem '\(name)' (known: \(Catalog.families.map(\.name).joined(separator: ", ")))")
        }
        return name
      })
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Combine the JSON outputs of several shards (`run --format json --shard i/n`) into one report.")

    @Argument(help: "JSON files written by `solverbench run --format json`.")
    var files: [String]

    @OptionGroup var output: OutputOptions

    func run() throws {
      guard !files.isEmpty else { throw ValidationError("give at least one JSON file") }
      var rows: [BenchmarkRow] = []
      var context: RunContext?
      for file in files {
        do {
          let data = try InstanceIO.contents(of: URL(fileURLWithPath: file))
          let document = try InstanceIO.decodeDocument(Report.Document.self, data, file: file, decoder: Report.decoder)
          rows += document.rows
          context = context ?? document.context
        } catch {
          FileHandle.standardError.write(Data("error: \(error)\n".utf8))
          throw ExitCode(2)
        }
      }
      try output.finish(rows, context: context!)
      if reportFailures(rows) { throw ExitCode(1) }
    }
  }

  struct ListSolvers: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the solvers and their guarantees.")

    @OptionGroup var backend: BackendOption

    func run() throws {
      for solver in try backend.catalog().solvers {
        let role = switch solver.role {
        case .exact: "exact"
        case .approximation(let ratio): "approximation, ratio \(ratio)"
        case .heuristic: "heuristic"
        case .bound: "bound only"
        }
        print("\(solver.name)  [\(solver.family.name); \(role)]  \(solver.summary)")
      }
    }
  }

  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the shipped instance set (deterministic: same seeds, same files).")

    @Argument(help: "Folder to write into.")
    var path: String = "instances"

    @Flag(help: "Write the larger hard P1 benchmark set (Benchmarks/, not CI) instead of the shipped set.")
    var hardBenchmark = false

    @Flag(help: "With --hard-benchmark, also write the 100,000 × 100 speed instance (about 175 MB).")
    var huge = false

    func run() throws {
      let folder = URL(fileURLWithPath: path)
      let written = try hardBenchmark ? ShippedInstances.writeHardBenchmark(to: folder, huge: huge) : ShippedInstances.write(to: folder)
      print("wrote \(written.count) files under \(path)")
    }
  }
}

extension SolverBench {
  struct ExportILP: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export-ilp",
      abstract: "Write the integer program of every instance whose family has one, for other solvers.",
      discussion: """
        Families with an ILP declare it in the catalog (today: admission, the pruned P1 program; \
        surgery, the P2 program's first pass; online-admission, the offline optimum's program with \
        time-indexed capacity rows). Files are <instance>.lp (CPLEX LP text, read by glpsol, \
        CBC, HiGHS, SCIP, Gurobi) or <instance>.milp.json (EdgeSplit's MILP as JSON).
        """)

    @Argument(help: "An instance file or a folder of them.")
    var path: String

    @Argument(help: "Folder to write the programs into.")
    var output: String

    @Option(help: "lp (CPLEX LP text) or json (EdgeSplit's MILP JSON).")
    var format: ProgramFormat = .lp

    func run() throws {
      let url = URL(fileURLWithPath: path)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        throw ValidationError("\(path): no such file or folder")
      }
      let folder = URL(fileURLWithPath: output)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let files = isFolder.boolValue ? BenchmarkRunner.jsonFiles(under: url) : [url]
      let (instances, failed) = InstanceLoader(strict: false, quiet: true).load(files)
      var written = 0
      for instance in instances {
        guard let program = Catalog.registrations.first(where: { $0.family == instance.family })?.ilp(of: instance) else { continue }
        let data = switch format {
        case .lp: Data(program.lpFormat.utf8)
        case .json: try JSONEncoder().encode(program)
        }
        try data.write(to: folder.appendingPathComponent("\(instance.name).\(format.fileExtension)"))
        written += 1
      }
      let withILP = Catalog.registrations.filter(\.hasILP).map(\.family.name).joined(separator: ", ")
      print("wrote \(written) files under \(output) (\(instances.count - written) instances of families without an ILP skipped; with one: \(withILP))")
      if failed { throw ExitCode(2) }
    }
  }
}

/// The file formats `export-ilp` writes.
enum ProgramFormat: String, ExpressibleByArgument, CaseIterable {
  case lp, json

  var fileExtension: String { self == .lp ? "lp" : "milp.json" }
}

/// Lists every failing row on stderr; true if there is any.
private func reportFailures(_ rows: [BenchmarkRow]) -> Bool {
  let failures = rows.filter { !$0.failures.isEmpty }
  for row in failures {
    let line = [row.instance, row.solver + ":", row.failures.joined(separator: "; ")].map(escapingControlCharacters).joined(separator: " ")
    FileHandle.standardError.write(Data("FAIL \(line)\n".utf8))
  }
  return !failures.isEmpty
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

private func list(_ text: String?) -> [String] {
  (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
