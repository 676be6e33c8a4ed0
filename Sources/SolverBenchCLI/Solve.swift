import ArgumentParser
import EdgeSplitModel
import Foundation
import Harness

extension SolverBench {
  struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Solve one instance file and print the plan: who is admitted where, which layers run where.",
      discussion: """
        Without --solver, the first exact solver that applies is used (its answer is optimal when \
        the status says so); where none applies, every approximation and heuristic runs and the best \
        feasible answer is printed. Exit status: 0 a feasible plan; 1 no feasible plan (or the \
        solver failed); 2 bad input or usage.
        """)

    @Argument(help: "An instance file.")
    var file: String

    @Option(help: "Solver name (see `solverbench list`); default: the best applicable exact solver, else the best heuristic.")
    var solver: String?

    @Option(help: "Output: text (the plan), json (an edgesplit-solution/1 document) or dot (Graphviz).")
    var format: PlanFormat = .text

    @OptionGroup var solving: SolvingOptions
    @OptionGroup var loading: LoadingOptions

    func run() throws {
      let (loaded, failed) = InstanceLoader(strict: loading.strict, quiet: false).load([URL(fileURLWithPath: file)])
      guard !failed, let instance = loaded.first else { throw ExitCode(2) }
      let heartbeat = Heartbeat(label: "solving \(instance.name)")
      let (name, outcome) = try best(for: instance, among: solving.catalog().solvers, options: solving.settings)
      heartbeat.stop()
      switch format {
      case .json:
        FileHandle.standardOutput.write(try SolutionIO.encode(outcome, of: name, on: instance) + Data("\n".utf8))
      case .dot:
        if let solution = outcome.solution { print(solution.graph(), terminator: "") }
      case .text:
        print("solver \(name): \(header(outcome, unit: instance.family.objectiveUnit))")
        if let solution = outcome.solution { print(solution.plan(), terminator: "") }
      }
      guard let verdict = outcome.solution?.evaluate(), verdict.isFeasible else {
        FileHandle.standardError.write(Data("error: \(name) found no feasible plan (\(outcome.termination))\n".utf8))
        throw ExitCode(1)
      }
    }

    /// `optimal, objective 9.076 ms`: objectives in seconds are printed in milliseconds, as the
    /// plans below them are; other units as the solver reports them.
    private func header(_ outcome: SolverOutcome<AnySolution>, unit: ObjectiveUnit) -> String {
      guard unit.isSeconds else { return "\(outcome)" }
      var parts = ["\(outcome.termination)"]
      if let objective = outcome.objective { parts.append("objective \(unit.format(objective))") }
      if let bound = outcome.bound { parts.append("bound \(unit.format(bound))") }
      return parts.joined(separator: ", ")
    }

    /// The named solver's outcome, or the default choice (see the command's discussion).
    private func best(for instance: AnyInstance, among solvers: [AnySolver], options: SolverOptions) throws
      -> (String, SolverOutcome<AnySolution>)
    {
      let ofFamily = solvers.filter { $0.family == instance.family }
      if let solver {
        guard let chosen = ofFamily.first(where: { $0.name == solver }) else {
          let known = ofFamily.map(\.name).joined(separator: ", ")
          let hint = nearest(solver, among: solvers.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
          throw badInput("no \(instance.family.name) solver named '\(solver)'; \(hint)(\(instance.family.name) solvers: \(known))")
        }
        if let reason = chosen.skipReason(for: instance) {
          throw badInput("\(solver) does not run on \(instance.name): \(reason)")
        }
        return (chosen.name, try chosen.solve(instance, options: options))
      }
      let applicable = ofFamily.filter { $0.skipReason(for: instance) == nil && $0.role != .bound }
      if let exact = applicable.first(where: { $0.role == .exact }),
         let outcome = try? exact.solve(instance, options: options), outcome.solution?.evaluate().isFeasible == true {
        return (exact.name, outcome)
      }
      var best: (String, SolverOutcome<AnySolution>, Double)?
      for candidate in applicable where candidate.role != .exact {
        guard let outcome = try? candidate.solve(instance, options: options),
              let verdict = outcome.solution?.evaluate(), verdict.isFeasible else { continue }
        if best.map({ instance.family.sense.isBetter(verdict.objective, than: $0.2) }) ?? true {
          best = (candidate.name, outcome, verdict.objective)
        }
      }
      guard let best else { throw ValidationError("no solver found a feasible plan for \(instance.name)") }
      return (best.0, best.1)
    }
  }
}

/// A line on stderr, when it is a terminal, once a solve has taken more than a second: what is
/// running and for how long, refreshed every second, erased when the solve returns. (The MILP
/// backends do not report incumbents and bounds while they work, so none are shown.)
final class Heartbeat: @unchecked Sendable {
  private let timer: DispatchSourceTimer?

  init(label: String) {
    guard isatty(STDERR_FILENO) == 1 else { timer = nil; return }
    let start = Date()
    let timer = DispatchSource.makeTimerSource(queue: .global())
    timer.schedule(deadline: .now() + 1, repeating: 1)
    timer.setEventHandler {
      FileHandle.standardError.write(Data("\u{1B}[2K\r\(label): \(duration(Date().timeIntervalSince(start))) elapsed".utf8))
    }
    timer.resume()
    self.timer = timer
  }

  func stop() {
    guard let timer else { return }
    timer.cancel()
    FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8))
  }
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, dot
}

/// Writes each row's solution as `folder/<problem>/<instance>--<solver>.json`.
func writeSolutions(_ rows: [(BenchmarkRow, SolverOutcome<AnySolution>?)], of instance: AnyInstance, into folder: URL) {
  let directory = folder.appendingPathComponent(instance.family.name)
  do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (row, outcome) in rows {
      let outcome = outcome ?? SolverOutcome(solution: nil, objective: nil, termination: .error(row.failures.joined(separator: "; ")))
      let data = try SolutionIO.encode(outcome, of: row.solver, on: instance)
      try data.write(to: directory.appendingPathComponent(fileName("\(instance.name)--\(row.solver)") + ".json"))
    }
  } catch {
    FileHandle.standardError.write(Data("error: cannot write solutions of \(instance.name) under \(folder.path): \(error)\n".utf8))
  }
}

/// `name` with every character outside letters, digits, `-`, `_` and `.` replaced by `_`.
private func fileName(_ name: String) -> String {
  String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
}
