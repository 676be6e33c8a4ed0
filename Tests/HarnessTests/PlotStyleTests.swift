import EdgeSplitModel
import Foundation
@testable import Harness
import Testing

/// Report plots: one tick style for times, legends beside the data, no empty plots.
@Suite struct PlotStyleTests {
  @Test func timeTicksHaveOneStyle() {
    #expect([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10].map(SVGPlot.timeTick)
            == ["≤ 1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s", "10 s"])
  }

  /// Every legend swatch of the time plot lies right of the plot area.
  @Test func timeLegendIsOutsideThePlot() throws {
    let svg = SVGPlot.logLog(title: "t", xAxis: "x", yAxis: "s", series: [("p2-dsl", [(10, 0.01), (1000, 2)]), ("p2-ilp", [(10, 0.1)])])
    let plotRight = SVGPlot.width - SVGPlot.right - SVGPlot.legendWidth
    let swatches = svg.split(separator: "\n").filter { $0.hasPrefix("<rect x=") && $0.contains("width=\"10\"") }
    #expect(swatches.count == 2)
    for swatch in swatches {
      let x = try #require(Double(swatch.split(separator: "\"")[1]))
      #expect(x > plotRight, "\(swatch)")
    }
    #expect(!svg.contains("e-0"), "no exponent-style ticks")
  }

  /// A family with no reference anywhere gets no gap plot, and the report says why.
  @Test func noEmptyGapPlot() throws {
    let row = BenchmarkRow(instance: "i", problem: "streams", size: 3, solver: "p5-greedy", role: .heuristic,
                           status: .stopped(.finished, backend: nil), objective: 1, bound: nil, reference: nil,
                           referenceKind: .none, gapPercent: nil, ratio: nil, provenRatio: nil, ratioHolds: nil,
                           feasible: true, failures: [], seconds: 0.01)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgesplit-report-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let context = RunContext(commit: "abc1234", date: "2026-12-04T00:00:00Z", machine: "m", os: "Linux", swift: "6",
                             timeLimitSeconds: 5, seed: 1, jobs: 1)
    let written = try Report.writeReport([row], context: context, to: folder)
    #expect(!written.contains { $0.lastPathComponent == "gap-streams.svg" })
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("gap-streams.svg").path))
    let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("No gap plot"))
  }
}
