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

  /// A few thousand seeded mutations of the smallest shipped file of each family, with values
  /// at the loader's limits among them (the most tiles a tiling may have, weights near the
  /// backends' tolerances, magnitudes whose sums overflow, objectives near the double range,
  /// invalid UTF-8, bidirectional overrides, long names): every mutant either loads, and then
  /// every cheap solver's answer passes the harness's checks (every ``exactEvery``-th mutant also
  /// runs the exact and bound solvers: no false `optimal`, no false `infeasible`), or is rejected
  /// with a one-line message that names a field or a line and column, escapes bidirectional
  /// controls and stays short. No crash, no hang, no trap.
  @Test(arguments: ["admission/small-01.json", "surgery/alexnet-pi-1mbps-latency.json", "fused/tinyyolov2-r5-up5.json",
                    "upload/small-chain-2ue-loose.json", "streams/rate2-bw40.json"])
  func seededMutationsAreLoadedOrNamed(file: String) throws {
    let original = Array(try Data(contentsOf: shipped.appendingPathComponent(file)))
    var random = SeededGenerator(seed: Self.mutationSeed)
    // Every solver without a proof, but the offline DP of P5 (seconds per trace; its own tests cover it).
    let all = Catalog(backend: GLPKSolver()).solvers.filter { $0.name != "p5-dp" }
    let cheap = all.filter { $0.role != .exact && $0.role != .bound }
    var loaded = 0, rejected = 0
    for index in 0..<Self.mutationsPerFile {
      let mutant = Mutation.apply(to: original, using: &random)
      do {
        let instance = try InstanceIO.decode(Data(mutant), file: "m.json", families: Catalog.families)
        loaded += 1
        let solvers = index % Self.exactEvery == 0 ? all : cheap
        let rows = BenchmarkRunner(solvers: solvers, settings: SolverOptions(timeLimit: 2)).run([instance])
        for row in rows { #expect(row.failures.isEmpty, "\(row.solver) on mutant \(index) of \(file): \(row.failures)") }
        // The JSON report is always written, whatever the numbers.
        #expect(throws: Never.self) { try Report.json(rows, context: Self.context) }
      } catch {
        rejected += 1
        let text = error.description
        #expect(!text.contains("\n"), "multi-line message: \(text)")
        #expect(!error.path.isEmpty || error.message.contains(" at line "), "unlocated: \(text)")
        #expect(!text.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) },
                "raw bidirectional control: \(text)")
        #expect(text.unicodeScalars.count <= 3 * (messagePartLimit + 40), "\(text.count) characters")
        #expect(text.hasPrefix("m.json: ") && text.count > "m.json: ".count)
      }
    }
    #expect(loaded > 0 && rejected > 0, "the mutations should produce both kinds: \(loaded) loaded, \(rejected) rejected")
  }

  /// CI-sized: 200 per file (1,000 in all, about a minute in a debug build: limit values such as
  /// 64-tile tilings make PSOMW and the exact solvers work); `EDGESPLIT_MUTATIONS=4000` for a campaign.
  static let mutationsPerFile = ProcessInfo.processInfo.environment["EDGESPLIT_MUTATIONS"].flatMap(Int.init) ?? 200
  /// The generator's seed (`EDGESPLIT_MUTATION_SEED`), so that a campaign can draw new mutants.
  static let mutationSeed = ProcessInfo.processInfo.environment["EDGESPLIT_MUTATION_SEED"].flatMap(UInt64.init) ?? 2026
  /// Every how many mutants the exact and bound solvers run too (`EDGESPLIT_EXACT_EVERY`).
  static let exactEvery = ProcessInfo.processInfo.environment["EDGESPLIT_EXACT_EVERY"].flatMap(Int.init) ?? 25
  static let context = RunContext(commit: "-", date: "-", machine: "-", os: "-", swift: "-", timeLimitSeconds: 2, seed: 1, jobs: 1)
}

/// Byte-level mutations of a JSON document that keep most of it intact.
enum Mutation {
  static let replacements: [String] = [
    "-1", "0", "1.5", "1e400", "-1e400", "9223372036854775808", "1e308", "1e-320", "\"x\"", "null", "true", "[]", "{}",
    "\"\\ud800\"", "\"a\\nb\"", "[[[[[[[[", "}", ",", "\"\"",
  ]

  /// Values at the loader's limits: tile counts (64 tiles at most), the largest weight and
  /// thread count, weights near the backends' tolerances, per-layer magnitudes at 10³⁰, values
  /// whose sums or products overflow, objectives near the double range.
  static let limitValues: [String] = [
    "63", "64", "8", "9", "7", "4096", "4097", "1000000000", "1000000001", "3e-8", "5e-9", "1e-300", "1e30", "1.0000001e30",
    "1e300", "1.7e308", "1.79e308", "2.2e-308", "4e-324", "16777216", "16777217", "2147483648",
  ]

  /// Bytes inserted inside a string: invalid UTF-8 (a stray continuation, a lone lead byte, an
  /// encoded surrogate, an overlong form), a right-to-left override and a zero-width joiner.
  static let stringBytes: [[UInt8]] = [
    [0xFF], [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x80, 0xAE], [0xE2, 0x80, 0x8D],
  ]

  static func apply(to bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
    var out = bytes
    let position = Int(random.next() % UInt64(out.count))
    switch random.next() % 9 {
    case 0, 6:  // replace the number or literal starting at or after `position` (by a limit value half the time)
      guard let start = out[position...].firstIndex(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }) else { return out }
      var end = start
      while end < out.count, "0123456789.eE+-".utf8.contains(out[end]) { end += 1 }
      let token = random.next() % 2 == 0 ? pick(replacements, &random) : pick(limitValues, &random)
      out.replaceSubrange(start..<end, with: Array(token.utf8))
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
    case 7:  // bytes at the limits of UTF-8 inside the next string, or a long name
      guard let quote = out[position...].firstIndex(of: UInt8(ascii: "\"")) else { return out }
      let inserted = random.next() % 8 == 0 ? Array(String(repeating: "n", count: 5_000).utf8) : pick(stringBytes, &random)
      out.insert(contentsOf: inserted, at: quote + 1)
    case 8:  // the next tiling at the loader's limit (8 × 8 or 9 × 7 tiles), else a limit value
      let text = Array("\"columns\" : ".utf8)
      guard let at = firstRange(of: text, in: out, from: position) else { return out }
      var end = at.upperBound
      while end < out.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(out[end]) { end += 1 }
      out.replaceSubrange(at.upperBound..<end, with: Array((random.next() % 2 == 0 ? "8" : "9").utf8))
      let rows = Array("\"rows\" : ".utf8)
      guard let r = firstRange(of: rows, in: out, from: at.upperBound) else { return out }
      var rowEnd = r.upperBound
      while rowEnd < out.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(out[rowEnd]) { rowEnd += 1 }
      out.replaceSubrange(r.upperBound..<rowEnd, with: Array((out[at.upperBound] == UInt8(ascii: "8") ? "8" : "7").utf8))
    default:  // insert a token
      out.insert(contentsOf: Array(pick(replacements + limitValues, &random).utf8), at: position)
    }
    return out
  }

  private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
    guard needle.count <= haystack.count else { return nil }
    var i = start
    while i + needle.count <= haystack.count {
      if haystack[i] == needle[0] && Array(haystack[i..<i + needle.count]) == needle { return i..<i + needle.count }
      i += 1
    }
    return nil
  }

  private static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
    items[Int(random.next() % UInt64(items.count))]
  }
}
