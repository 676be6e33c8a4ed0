import GLPKBinding
import EdgeSplitModel
import Foundation
@testable import Harness
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bad")
private let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../instances").standardized

/// The committed corpus of tricky files (`Fixtures/bad/NAME.json`), each with the exact message
/// users see (`NAME.expected`), and a seeded mutation run over every family's shipped files.
@Suite struct BadInputTests {
  static let corpus = try! FileManager.default.contentsOfDirectory(atPath: fixtures.path)
    .filter { $0.hasSuffix(".json") }.sorted()

  @Test(arguments: corpus)
  func corpusFileGivesItsExactMessage(name: String) throws {
    let expected = try String(contentsOf: fixtures.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".expected")),
                              encoding: .utf8).trimmingCharacters(in: .newlines)
    let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
    #expect(throws: InstanceLoadError.self) { try InstanceIO.decode(data, file: name, families: Catalog.families) }
    do {
      _ = try InstanceIO.decode(data, file: name, families: Catalog.families)
    } catch {
      #expect(error.description == expected)
    }
  }

  /// A few thousand seeded mutations of the smallest shipped file of each family: every mutant
  /// either loads, and then every cheap solver's answer passes the harness's checks, or is
  /// rejected with a one-line message that names a field or a line and column (never Foundation's
  /// location-less "not valid JSON"). No crash, no hang, no trap.
  @Test(arguments: ["admission/small-01.json", "surgery/alexnet-pi-1mbps-latency.json", "fused/tinyyolov2-r5-up5.json",
                    "upload/small-chain-2ue-loose.json", "streams/rate2-bw40.json"])
  func seededMutationsAreLoadedOrNamed(file: String) throws {
    let original = Array(try Data(contentsOf: shipped.appendingPathComponent(file)))
    var random = SeededGenerator(seed: 2026)
    // Every solver without a proof, but the offline DP of P5 (seconds per trace; its own tests cover it).
    let cheap = Catalog(backend: GLPKSolver()).solvers.filter { $0.role != .exact && $0.role != .bound && $0.name != "p5-dp" }
    var loaded = 0, rejected = 0
    for _ in 0..<Self.mutationsPerFile {
      let mutant = Mutation.apply(to: original, using: &random)
      do {
        let instance = try InstanceIO.decode(Data(mutant), file: "m.json", families: Catalog.families)
        loaded += 1
        let rows = BenchmarkRunner(solvers: cheap, settings: SolverOptions(timeLimit: 5)).run([instance])
        for row in rows { #expect(row.failures.isEmpty, "\(row.solver) on a mutant of \(file): \(row.failures)") }
      } catch {
        rejected += 1
        let text = error.description
        #expect(!text.contains("\n"), "multi-line message: \(text)")
        #expect(!text.contains("not valid JSON"), "unlocated: \(text)")
        #expect(text.hasPrefix("m.json: ") && text.count > "m.json: ".count)
      }
    }
    #expect(loaded > 0 && rejected > 0, "the mutations should produce both kinds: \(loaded) loaded, \(rejected) rejected")
  }

  /// CI-sized: 500 per file (2,500 in all); `Benchmarks/` or a longer local run can raise it.
  static let mutationsPerFile = ProcessInfo.processInfo.environment["EDGESPLIT_MUTATIONS"].flatMap(Int.init) ?? 500
}

/// Byte-level mutations of a JSON document that keep most of it intact.
enum Mutation {
  static let replacements: [String] = [
    "-1", "0", "1.5", "1e400", "-1e400", "9223372036854775808", "1e308", "1e-320", "\"x\"", "null", "true", "[]", "{}",
    "\"\\ud800\"", "\"a\\nb\"", "[[[[[[[[", "}", ",", "\"\"",
  ]

  static func apply(to bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
    var out = bytes
    let position = Int(random.next() % UInt64(out.count))
    switch random.next() % 6 {
    case 0:  // replace the number or literal starting at or after `position`
      guard let start = out[position...].firstIndex(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }) else { return out }
      var end = start
      while end < out.count, "0123456789.eE+-".utf8.contains(out[end]) { end += 1 }
      out.replaceSubrange(start..<end, with: Array(pick(replacements, &random).utf8))
    case 1:  // delete a short span
      out.removeSubrange(position..<min(out.count, position + 1 + Int(random.next() % 12)))
    case 2:  // truncate
      out.removeSubrange(position...)
    case 3:  // duplicate a short span
      let span = Array(out[position..<min(out.count, position + 1 + Int(random.next() % 40))])
      out.insert(contentsOf: span, at: position)
    case 4:  // rename the next field
      guard let quote = out[position...].firstIndex(of: UInt8(ascii: "\"")) else { return out }
      out.insert(contentsOf: Array("zz".utf8), at: quote + 1)
    default:  // insert a token
      out.insert(contentsOf: Array(pick(replacements, &random).utf8), at: position)
    }
    return out
  }

  private static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
    items[Int(random.next() % UInt64(items.count))]
  }
}
