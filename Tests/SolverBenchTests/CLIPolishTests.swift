import Foundation
import Testing

/// Typos get a suggestion, negative numbers a clear message, every error one style (`error: `).
@Suite struct CLIPolishTests {
  private static let instance = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../instances/surgery/measured-resnet18-100mbps-latency.json").standardized.path

  @Test func misspelledSubcommandSuggestsTheNearest() throws {
    let result = try runProduct("solverbench", ["sovle", "x.json"])
    #expect(result.status == 2)
    #expect(result.stderr == "error: unknown command 'sovle'; did you mean 'solve'? (see `solverbench --help`)\n")
  }

  @Test func misspelledSolverSuggestsTheNearest() throws {
    let solve = try runProduct("solverbench", ["solve", Self.instance, "--solver", "p2-dls"])
    #expect(solve.status == 2 && solve.stderr.hasPrefix("error: no surgery solver named 'p2-dls'; did you mean 'p2-dsl'?"), "\(solve.stderr)")
    #expect(!solve.stderr.contains("Usage: solverbench <subcommand>"))
    let run = try runProduct("solverbench", [Self.instance, "--solvers", "p2-dls"])
    #expect(run.status == 2 && run.stderr.contains("(did you mean 'p2-dsl'?)"), "\(run.stderr)")
  }

  @Test func negativeValuesAreRejectedClearly() throws {
    let result = try runProduct("solverbench", ["solve", Self.instance, "--time-limit", "-5"])
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("error: --time-limit must be a positive number of seconds, got -5.0"), "\(result.stderr)")
    let speed = try runProduct("solverbench", ["instance", "surgery", "alexnet", "--uplink-mbps", "0", "--device-gflops", "1", "--server-gflops", "1"])
    #expect(speed.status == 2 && speed.stderr.hasPrefix("error: --uplink-mbps must be a positive number, got 0.0"), "\(speed.stderr)")
  }
}
