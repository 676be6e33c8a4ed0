import EdgeSplitModel
import Foundation
import RealModule

/// Per (problem, solver) summary of a run.
public struct Aggregate: Codable, Sendable, Hashable {
  /// Problem family (`ProblemFamily.name`).
  public var problem: String
  /// Solver name.
  public var solver: String
  /// Instances the solver ran on.
  public var runs: Int
  /// Runs that returned a solution the evaluator accepted.
  public var solved: Int
  /// Runs whose objective equals a proven optimum.
  public var optimal: Int
  /// Mean gap in % over runs with a reference (optimum or bound).
  public var meanGapPercent: Double?
  /// Largest gap in % over the same runs.
  public var worstGapPercent: Double?
  /// The worst ``BenchmarkRow/ratio`` (objective over reference) over the runs that have one:
  /// the smallest when maximizing, the largest when minimizing; for an online solver against the
  /// offline optimum, its measured competitive ratio.
  public var worstRatio: Double? = nil
  /// Mean of ``BenchmarkRow/versusPercent`` over the runs that have one (`--versus`).
  public var meanVersusPercent: Double? = nil
  /// Shifted geometric mean of wall time: `exp(mean(ln(t + s))) − s`, `s` = `timeShift`.
  public var shiftedGeometricMeanSeconds: Double
  /// Runs with any failure (infeasible, wrong claim, broken ratio, solver error).
  public var failures: Int
}

extension Array<Double> {
  /// The arithmetic mean, `nil` when empty.
  var mean: Double? { isEmpty ? nil : reduce(0, +) / Double(count) }
}

/// Turns rows into aggregates and renders tables, CSV and JSON.
public enum Report {
  /// Shift of the shifted geometric mean of times, in seconds: 10 ms, near the typical solve
  /// here, so that sub-millisecond solvers are still told apart (a 1 s shift would turn the mean
  /// into an arithmetic one) while a few microsecond runs cannot dominate it.
  public static let timeShift = 0.01

  /// Shifted geometric mean, computed in log space.
  public static func shiftedGeometricMean(_ values: [Double], shift: Double = timeShift) -> Double {
    guard !values.isEmpty else { return 0 }
    let meanLog = values.reduce(0) { $0 + Double.log($1 + shift) } / Double(values.count)
    return Double.exp(meanLog) - shift
  }

  /// One aggregate per (problem, solver), in first-seen order.
  public static func aggregates(_ rows: [BenchmarkRow]) -> [Aggregate] {
    var order: [String] = []
    var groups: [String: [BenchmarkRow]] = [:]
    for row in rows {
      let key = "\(row.problem)\u{0}\(row.solver)"
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(row)
    }
    return order.map { key in
      let group = groups[key]!
      let gaps = group.compactMap(\.gapPercent)
      let ratios = group.compactMap(\.ratio)
      let minimizing = Catalog.family(named: group[0].problem)?.sense == .minimize
      return Aggregate(
        problem: group[0].problem, solver: group[0].solver, runs: group.count,
        solved: group.count { $0.feasible == true },
        optimal: group.count { $0.referenceKind == .optimum && ($0.gapPercent.map { abs($0) < 1e-9 } ?? false) },
        meanGapPercent: gaps.mean,
        worstGapPercent: gaps.max(),
        worstRatio: minimizing ? ratios.max() : ratios.min(),
        meanVersusPercent: group.compactMap(\.versusPercent).mean,
        shiftedGeometricMeanSeconds: shiftedGeometricMean(group.map(\.seconds)),
        failures: group.count { !$0.failures.isEmpty })
    }
  }

  /// The JSON document `--format json` prints.
  public struct Document: Codable, Sendable {
    /// Schema tag of this document.
    public var schema = "edgesplit-bench/3"
    /// How gaps are computed.
    public var gapDefinition = "maximize: (reference - objective) / |reference|; minimize: (objective - reference) / |reference|; in percent; divided by |objective| when the reference is 0, 0 when both are 0"
    /// Shift used for the shifted geometric mean of times, seconds.
    public var timeShiftSeconds = Report.timeShift
    /// Version, commit, date, machine, OS, compiler and settings of the run.
    public var context: RunContext
    /// One row per (instance, solver).
    public var rows: [BenchmarkRow]
    /// One summary per (problem, solver).
    public var aggregates: [Aggregate]
  }

  /// The `--format json` document for `rows`. Numbers JSON cannot hold (an objective that
  /// overflowed, a ratio over a zero reference) are written as the strings `"inf"`, `"-inf"` and
  /// `"nan"`, as the CSV writes them, so that the document is always written (``decoder`` reads
  /// them back).
  public static func json(_ rows: [BenchmarkRow], context: RunContext) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = InstanceIO.nonFiniteEncoding
    let document = Document(context: context, rows: rows, aggregates: aggregates(rows))
    return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
  }

  /// The decoder for ``json(_:context:)``'s documents (`solverbench merge`).
  public static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = InstanceIO.nonFiniteDecoding
    return decoder
  }

  private static let columns = ["instance", "problem", "solver", "objective", "reference", "gap%", "ratio", "proven", "status", "seconds"]

  /// Objectives, bounds and references in their family's unit (seconds as ms, stated).
  private static func cells(_ row: BenchmarkRow) -> [String] {
    let value = Catalog.family(named: row.problem).map { $0.objectiveUnit.format } ?? compactNumber
    let reference = row.reference.map { "\(value($0)) (\(row.referenceKind == .optimum ? "opt" : "bound"))" } ?? "-"
    let proven = row.provenRatio.map { "\(compactNumber($0))\(row.ratioHolds == false ? " BROKEN" : row.ratioHolds == true ? " ok" : "")" } ?? "-"
    let status = row.failures.isEmpty ? "\(row.status)" : "FAIL: \(row.failures[0])"
    return [row.instance, row.problem, row.solver,
            row.objective.map(value) ?? (row.bound.map { "≤ \(value($0))" } ?? "-"),
            reference, row.gapPercent.map { String(format: "%.2f", $0) } ?? "-",
            row.ratio.map { String(format: "%.4f", $0) } ?? "-", proven, status, seconds(row.seconds)]
  }

  /// An aligned table of rows, then one of aggregates.
  public static func table(_ rows: [BenchmarkRow]) -> String {
    rowTable(rows) + "\n" + summaryTable(rows)
  }

  /// `+1.23`, or `-` for none: a `--versus` comparison.
  private static func signed(_ percent: Double?) -> String { percent.map { String(format: "%+.2f", $0) } ?? "-" }

  /// The aligned per-row table, with a `vs base %` column when the run compared against a solver.
  private static func rowTable(_ rows: [BenchmarkRow]) -> String {
    let versus = rows.contains { $0.versusPercent != nil }
    return align([columns + (versus ? ["vs base %"] : [])] + rows.map { cells($0) + (versus ? [signed($0.versusPercent)] : []) })
  }

  /// The aligned per-solver summary, with `mean vs base %` when the run compared against a solver.
  private static func summaryTable(_ rows: [BenchmarkRow]) -> String {
    let versus = rows.contains { $0.versusPercent != nil }
    let summary = aggregates(rows).map { a in
      [a.problem, a.solver, "\(a.runs)", "\(a.solved)", "\(a.optimal)",
       a.meanGapPercent.map { String(format: "%.2f", $0) } ?? "-",
       a.worstGapPercent.map { String(format: "%.2f", $0) } ?? "-",
       a.worstRatio.map { String(format: "%.4f", $0) } ?? "-",
       seconds(a.shiftedGeometricMeanSeconds), "\(a.failures)"]
        + (versus ? [signed(a.meanVersusPercent)] : [])
    }
    return align([summaryColumns + (versus ? ["mean vs base %"] : [])] + summary)
  }

  private static let summaryColumns = ["problem", "solver", "runs", "solved", "optimal", "mean gap%", "worst gap%", "worst ratio", "sgm s (shift 10 ms)", "failures"]

  /// Comma-separated rows with a header, quoting fields that need it, after `# key value` lines
  /// with the run's context (read with `comment='#'` in pandas, `comment.char = "#"` in R).
  public static func csv(_ rows: [BenchmarkRow], context: RunContext) -> String {
    let header = ["instance", "problem", "size", "solver", "role", "status", "objective", "bound", "reference", "reference_kind",
                  "gap_percent", "ratio", "proven_ratio", "ratio_holds", "feasible", "seconds", "versus_percent", "failures"]
    let lines = rows.map { r in
      [r.instance, r.problem, "\(r.size)", r.solver, "\(r.role)", "\(r.status)", opt(r.objective), opt(r.bound), opt(r.reference),
       r.referenceKind.rawValue, opt(r.gapPercent), opt(r.ratio), opt(r.provenRatio),
       r.ratioHolds.map { "\($0)" } ?? "", r.feasible.map { "\($0)" } ?? "", "\(r.seconds)", opt(r.versusPercent),
       r.failures.joined(separator: "; ")].map(quote).joined(separator: ",")
    }
    return (context.lines.map { "# " + $0 } + [header.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
  }

  private static func opt(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }

  private static func quote(_ field: String) -> String {
    field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
      ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
  }

  /// Seconds for tables: `< 1 µs` below a microsecond (the clock's honest resolution here),
  /// else four significant digits.
  static func seconds(_ value: Double) -> String {
    value < 1e-6 ? "< 1 µs" : String(format: "%.4g", value)
  }

  private static func align(_ table: [[String]]) -> String {
    let widths = table[0].indices.map { c in table.map { $0[c].count }.max()! }
    return table.map { row in
      row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n") + "\n"
  }
}

extension Report {
  /// Writes `report.md` and, per problem family, three SVG plots: the gap of every solver (a
  /// strip per solver, the mean marked), time against instance size (log-log), and the
  /// Dolan–Moré performance profile of time. Each solver keeps one colour in every plot. The
  /// summary comes first; the per-instance rows are folded under `<details>`. Returns the files
  /// written.
  @discardableResult
  public static func writeReport(_ rows: [BenchmarkRow], context: RunContext, to folder: URL) throws -> [URL] {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var written: [URL] = []
    var markdown = """
      # solverbench report

      \(context.lines.map { "- " + $0 }.joined(separator: "\n"))

      Gap = (reference − objective) / |reference| in % (objective − reference for \
      minimization); the reference is a proven optimum (`opt`) or a proven bound (`bound`). Times: wall \
      clock; aggregates use the shifted geometric mean with shift \(timeShift * 1000) ms; times below 1 µs \
      are shown as `< 1 µs` and drawn on the 1 µs line with hollow markers.

      ## Summary

      ```
      \(summaryTable(rows))```

      """
    let familyOrder = Catalog.families.map(\.name)
    for problem in Set(rows.map(\.problem)).sorted(by: { (familyOrder.firstIndex(of: $0) ?? .max, $0) < (familyOrder.firstIndex(of: $1) ?? .max, $1) }) {
      let ofProblem = rows.filter { $0.problem == problem }
      let solvers = ofProblem.reduce(into: [String]()) { if !$0.contains($1.solver) { $0.append($1.solver) } }
      let gaps = solvers.map { solver in (solver, ofProblem.filter { $0.solver == solver }.compactMap(\.gapPercent)) }
        .filter { !$0.1.isEmpty }
      let times = solvers.map { solver in
        (solver, ofProblem.filter { $0.solver == solver && ($0.objective != nil || $0.bound != nil) }.map { (Double($0.size), $0.seconds) })
      }
      let files = ["gap", "time", "profile"].map { folder.appendingPathComponent("\($0)-\(problem).svg") }
      // No empty plots: a family without a reference on any instance (no gaps) gets no gap plot.
      if !gaps.isEmpty {
        try SVGPlot.strip(title: "\(problem): gap to the reference per solver", axis: "gap %",
                          categories: gaps.map { (name: $0.0, values: $0.1) }).write(to: files[0], atomically: true, encoding: .utf8)
      }
      try SVGPlot.logLog(title: "\(problem): time against instance size", xAxis: "instance size (\(Catalog.family(named: problem)?.sizeUnit ?? "size"))",
                         yAxis: "seconds", series: times.map { (name: $0.0, points: $0.1) })
        .write(to: files[1], atomically: true, encoding: .utf8)
      try SVGPlot.profile(title: "\(problem): performance profile of time (Dolan–Moré)", series: performanceProfile(ofProblem))
        .write(to: files[2], atomically: true, encoding: .utf8)
      written += gaps.isEmpty ? Array(files.dropFirst()) : files
      let gapPlot = gaps.isEmpty ? "No gap plot: no instance of this family has a reference (optimum or bound)." : "![gap](\(files[0].lastPathComponent))"
      let objective = Catalog.family(named: problem).map {
        "Objective: \($0.objectiveUnit) (\($0.objectiveUnit.isSeconds ? "shown in ms, " : "")\($0.sense.rawValue)d)."
      } ?? ""
      markdown += """

        ## \(problem)

        \(objective)

        \(gapPlot)

        ![time](\(files[1].lastPathComponent))

        ![performance profile](\(files[2].lastPathComponent))

        <details><summary>\(ofProblem.count) rows</summary>

        ```
        \(rowTable(ofProblem))```

        </details>

        """
    }
    let file = folder.appendingPathComponent("report.md")
    try markdown.write(to: file, atomically: true, encoding: .utf8)
    return written + [file]
  }

  /// The Dolan–Moré performance profile of wall time, over the instances each solver ran on:
  /// for each solver, the ratios `t(instance, solver) / min over solvers t(instance, ·)` over the
  /// instances it has a row for (a solver that does not apply to an instance, or that runs on one
  /// objective only, is not charged for the others). As Dolan and Moré define failure, a run
  /// counts as solving its instance only when it is feasible, passed every check and its gap is
  /// within ``profileTolerancePercent`` of the best gap any solver reached there (the optimum when
  /// an exact solver ran); any other run has ratio ∞, so a trivial baseline does not "win" at τ = 1
  /// with a poor answer. The fraction of its instances with ratio ≤ τ, plotted against τ, is the
  /// profile. Bound-only rows are left out. Times below 1 µs count as 1 µs.
  static func performanceProfile(_ rows: [BenchmarkRow]) -> [(name: String, ratios: [Double])] {
    let solving = rows.filter { $0.role != .bound }
    let solvers = solving.reduce(into: [String]()) { if !$0.contains($1.solver) { $0.append($1.solver) } }
    func valid(_ row: BenchmarkRow) -> Bool { row.feasible == true && row.failures.isEmpty }
    var bestGap: [String: Double] = [:]
    for row in solving where valid(row) {
      if let gap = row.gapPercent { bestGap[row.instance] = min(bestGap[row.instance] ?? .infinity, gap) }
    }
    func solved(_ row: BenchmarkRow) -> Bool {
      guard valid(row) else { return false }
      guard let gap = row.gapPercent, let best = bestGap[row.instance] else { return true }
      return gap <= best + profileTolerancePercent
    }
    var best: [String: Double] = [:]
    for row in solving where solved(row) { best[row.instance] = min(best[row.instance] ?? .infinity, max(row.seconds, 1e-6)) }
    return solvers.map { solver in
      let own = solving.filter { $0.solver == solver }.sorted { $0.instance < $1.instance }
      let ratios = own.map { row -> Double in
        guard solved(row), let fastest = best[row.instance] else { return .infinity }
        return max(row.seconds, 1e-6) / fastest
      }
      return (solver, ratios)
    }
  }

  /// How far (in gap percentage points) above the best gap on an instance a run may be and still
  /// count as solving it in the performance profile.
  static let profileTolerancePercent = 1e-6
}
