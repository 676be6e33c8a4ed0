import ArgumentParser
import EdgeSplitModel
import Foundation
import Harness

/// `solverbench`: runs EdgeSplit's solvers on a folder of instance files and reports
/// objective, gap to the exact optimum (or a bound) and time.
@main
struct SolverBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "solverbench",
    abstract: "Run EdgeSplit's solvers on instance files and report objectives, gaps and times.",
    discussion: """
      Every solution is checked by the problem's evaluator. Gap = (reference − objective) / \
      max(|reference|, |objective|) for maximization (objective − reference for minimization), \
      where the reference is a proven optimum or, marked "bound", a proven bound.

      Exit status: 0 all good; 1 an infeasible solution, a wrong claimed objective, a broken \
      proven ratio or a solver error; 2 bad input or usage.
      """,
    subcommands: [Run.self, Generate.self, ListSolvers.self],
    defaultSubcommand: Run.self)
}

extension SolverBench {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the solvers on every instance under a folder (the default).")

    @Argument(help: "Folder (searched recursively) or single instance file.")
    var path: String = "instances"

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: "Time limit in seconds for each exact solve.")
    var timeLimit: Double = 60

    @Option(help: "Seed for randomized solvers.")
    var seed: UInt64 = 1

    @Option(help: "Comma-separated solver names or globs (default: all). See `solverbench list`.")
    var solvers: String?

    @Option(help: "Comma-separated problem families to run (default: all).")
    var problems: String?

    @Flag(help: "No progress output on stderr.")
    var quiet = false

    func validate() throws {
      guard timeLimit > 0, timeLimit.isFinite else { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    func run() throws {
      let url = URL(fileURLWithPath: path)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        throw ValidationError("\(path): no such file or folder")
      }
      let files = isFolder.boolValue ? BenchmarkRunner.instanceFiles(under: url) : [url]
      let wanted = try problemFilter()
      var instances: [ProblemInstance] = []
      var loadFailed = false
      for file in files {
        do {
          let instance = try InstanceIO.load(contentsOf: file)
          if wanted.map({ $0.contains(instance.kind) }) ?? true { instances.append(instance) }
        } catch {
          FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
          loadFailed = true
        }
      }
      let selected = SolverRegistry.matching(list(solvers))
      guard !selected.isEmpty else { throw ValidationError("--solvers matches no solver; see `solverbench list`") }
      let showProgress = !quiet && isatty(STDERR_FILENO) == 1
      var progress: (@Sendable (Int, Int, String, String) -> Void)?
      if showProgress {
        progress = { done, total, instance, solver in
          FileHandle.standardError.write(Data("\u{1B}[2K\r[\(done + 1)/\(total)] \(instance): \(solver)".utf8))
        }
      }
      let runner = BenchmarkRunner(solvers: selected, settings: RunSettings(timeLimit: timeLimit, seed: seed), progress: progress)
      let rows = runner.run(instances)
      if showProgress { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
      switch format {
      case .table: print(Report.table(rows), terminator: "")
      case .json: print(try Report.json(rows, settings: runner.settings), terminator: "")
      case .csv: print(Report.csv(rows), terminator: "")
      }
      let failures = rows.filter { !$0.failures.isEmpty }
      for row in failures {
        FileHandle.standardError.write(Data("FAIL \(row.instance) \(row.solver): \(row.failures.joined(separator: "; "))\n".utf8))
      }
      if loadFailed { throw ExitCode(2) }
      if !failures.isEmpty { throw ExitCode(1) }
    }

    private func problemFilter() throws -> Set<ProblemKind>? {
      guard let problems else { return nil }
      return Set(try list(problems).map { name in
        guard let kind = ProblemKind(rawValue: name) else {
          throw ValidationError("unknown problem '\(name)' (known: \(ProblemKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
      })
    }
  }

  struct ListSolvers: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the solvers and their guarantees.")

    func run() {
      for solver in SolverRegistry.all {
        let role = switch solver.role {
        case .exact: "exact"
        case .approximation(let ratio): "approximation, ratio \(ratio)"
        case .heuristic: "heuristic"
        case .bound: "bound only"
        }
        print("\(solver.name)  [\(solver.problem.rawValue); \(role)]  \(solver.summary)")
      }
    }
  }

  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the shipped instance set (deterministic: same seeds, same files).")

    @Argument(help: "Folder to write into.")
    var path: String = "instances"

    func run() throws {
      let written = try ShippedInstances.write(to: URL(fileURLWithPath: path))
      print("wrote \(written.count) files under \(path)")
    }
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

private func list(_ text: String?) -> [String] {
  (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
