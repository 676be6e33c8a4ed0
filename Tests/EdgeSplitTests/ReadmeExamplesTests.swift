import Foundation
import Testing

/// The documentation's Swift code is compiled from `Snippets/` (`swift build` builds every
/// snippet; `scripts/docs` also runs them). These tests tie the prose to those files, so an
/// example in the README or an article can neither drift from the code nor point at nothing:
/// - every ```` ```swift ```` block of README.md and of the DocC articles appears verbatim in the
///   visible part of a snippet (the lines outside `// snippet.hide` … `// snippet.show`, without
///   the marker lines);
/// - every `@Snippet(path:slice:)` in the articles names an existing snippet and slice.
@Suite struct ReadmeExamplesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../..").standardized
  static let catalog = root.appendingPathComponent("Sources/EdgeSplit/EdgeSplit.docc")

  /// A snippet: its name (file name without `.swift`), visible text, and slice names.
  struct Snippet {
    var name: String
    var visible: String
    var slices: Set<String>
  }

  static func snippets() throws -> [Snippet] {
    let folder = root.appendingPathComponent("Snippets")
    let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "swift" }
    return try files.map { file in
      var visible: [String] = []
      var slices: Set<String> = []
      var shown = true
      for line in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("// snippet.") {
          let marker = String(trimmed.dropFirst("// snippet.".count)).lowercased()
          switch marker {
          case "hide": shown = false
          case "show": shown = true
          case "end": break
          default: slices.insert(marker)
          }
          continue
        }
        if shown { visible.append(trimmedTrailing(line)) }
      }
      return Snippet(name: file.deletingPathExtension().lastPathComponent, visible: visible.joined(separator: "\n"),
                     slices: slices)
    }
  }

  static func trimmedTrailing(_ line: String) -> String {
    String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }

  /// The fenced code blocks of `text` whose info string is exactly `swift`.
  static func swiftBlocks(in text: String) -> [String] {
    var blocks: [String] = []
    var current: [String]?
    for line in text.components(separatedBy: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if let lines = current {
        if trimmed == "```" {
          blocks.append(lines.joined(separator: "\n"))
          current = nil
        } else {
          current = lines + [trimmedTrailing(line)]
        }
      } else if trimmed == "```swift" {
        current = []
      }
    }
    return blocks
  }

  /// The package's library sources (`Sources/**/*.swift`), trailing blanks trimmed per line.
  static func librarySources() throws -> [String] {
    let folder = root.appendingPathComponent("Sources")
    let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
      .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
    return try files.map {
      try String(contentsOf: $0, encoding: .utf8).components(separatedBy: "\n").map(trimmedTrailing).joined(separator: "\n")
    }
  }

  static func articles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: catalog, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "md" }
  }

  @Test func readmeHasASwiftExampleAndEveryOneIsInASnippet() throws {
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let blocks = Self.swiftBlocks(in: readme)
    #expect(!blocks.isEmpty, "README.md has no ```swift block: the check below would be vacuous")
    let snippets = try Self.snippets()
    for block in blocks {
      #expect(snippets.contains { $0.visible.contains(block) },
              "README.md: this ```swift block is in no file of Snippets/ (copy it from one, or change both):\n\(block)")
    }
  }

  /// An article's ```` ```swift ```` block is compiled code: a snippet's, or library code quoted
  /// verbatim from `Sources/` (the catalog's registrations in GettingStarted), so neither drifts.
  @Test func articlesSwiftBlocksAreInSnippetsOrSources() throws {
    let snippets = try Self.snippets()
    let sources = try Self.librarySources()
    var quotes = 0
    for article in try Self.articles() {
      for block in Self.swiftBlocks(in: try String(contentsOf: article, encoding: .utf8)) {
        if snippets.contains(where: { $0.visible.contains(block) }) { continue }
        quotes += 1
        #expect(sources.contains { $0.contains(block) },
                "\(article.lastPathComponent): a ```swift block in no snippet and no file of Sources/; use @Snippet or quote the source verbatim:\n\(block)")
      }
    }
    #expect(quotes > 0, "no article quotes library code: the quote check would be vacuous")
  }

  @Test func everySnippetDirectiveNamesAnExistingSnippetAndSlice() throws {
    let snippets = Dictionary(uniqueKeysWithValues: try Self.snippets().map { ($0.name, $0) })
    let directive = /@Snippet\(path:\s*"EdgeSplit\/Snippets\/([^"]+)"(?:,\s*slice:\s*"([^"]+)")?\)/
    var count = 0
    for article in try Self.articles() {
      let text = try String(contentsOf: article, encoding: .utf8)
      #expect(!text.contains("@Snippet(") || text.matches(of: directive).count
                == text.components(separatedBy: "@Snippet(").count - 1,
              "\(article.lastPathComponent): an @Snippet directive not of the form @Snippet(path: \"EdgeSplit/Snippets/Name\"[, slice: \"s\"])")
      for match in text.matches(of: directive) {
        count += 1
        let name = String(match.1)
        guard let snippet = snippets[name] else {
          Issue.record("\(article.lastPathComponent): @Snippet names Snippets/\(name).swift, which does not exist")
          continue
        }
        if let slice = match.2 {
          #expect(snippet.slices.contains(String(slice).lowercased()),
                  "\(article.lastPathComponent): Snippets/\(name).swift has no slice '\(slice)'")
        }
      }
    }
    #expect(count > 0)
  }
}
