import Foundation

/// Locates what is wrong in a JSON document that `JSONDecoder` rejected as "not valid JSON"
/// without saying where (Foundation gives no line, column or field for syntax errors, numbers it
/// cannot represent, deep nesting or lone surrogate escapes).
///
/// It scans the document once, strictly (RFC 8259), tracking the field path and the position:
/// - a syntax error is reported with its line and column;
/// - a number that overflows a 64-bit float (`1e400`), nesting deeper than ``maxDepth`` and a
///   lone UTF-16 surrogate escape (`"\ud800"`) are reported with the field path;
/// - when the syntax is fine, the culprit is a number that does not fit the integer field it is
///   decoded into (`"threads": 1.5`, or `≥ 2^63`): the candidates (numbers with a fraction or an
///   exponent, or beyond `Int64`) are narrowed by bisection, re-decoding with some of them
///   replaced by `0` until the one that makes the difference is found.
enum JSONDiagnostics {
  /// Deepest nesting of arrays and objects accepted.
  static let maxDepth = 500

  /// A located problem: the field path (empty for syntax errors) and the message.
  struct Problem: Equatable {
    var path: String
    var message: String
  }

  /// The problem in `data`; `stillFails(data)` re-decodes a modified document and says whether it
  /// still fails in the opaque way. `nil` when nothing could be located.
  static func locate(_ data: Data, stillFails: (Data) -> Bool) -> Problem? {
    var scanner = Scanner(bytes: Array(data))
    do {
      try scanner.document()
    } catch {
      return error.problem
    }
    let candidates = scanner.integerCandidates
    guard !candidates.isEmpty else { return nil }
    let bytes = Array(data)
    func replaced(_ count: Int) -> Data {
      var copy = bytes
      for candidate in candidates.prefix(count).reversed() { copy.replaceSubrange(candidate.range, with: [UInt8(ascii: "0")]) }
      return Data(copy)
    }
    guard !stillFails(replaced(candidates.count)) else { return nil }
    // The smallest prefix of candidates whose replacement removes the failure ends at the culprit.
    var low = 0, high = candidates.count
    while high - low > 1 {
      let middle = (low + high) / 2
      if stillFails(replaced(middle)) { low = middle } else { high = middle }
    }
    let culprit = candidates[high - 1]
    return Problem(path: culprit.path, message: "must be an integer in \(Int64.min)...\(Int64.max), got \(culprit.text)")
  }

  private struct Candidate {
    var range: Range<Int>
    var path: String
    var text: String
  }

  private struct Failure: Error {
    var problem: Problem
  }

  private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var path: [String] = []
    var integerCandidates: [Candidate] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The dotted path; beyond 8 levels, its first 6 then `…`, so a deep path stays one line.
    var renderedPath: String {
      var text = ""
      for part in path.prefix(path.count > 8 ? 6 : path.count) { text += part.hasPrefix("[") || text.isEmpty ? part : "." + part }
      return path.count > 8 ? text + "…" : text
    }

    func syntax(_ what: String) -> Failure {
      var line = 1, column = 1
      for byte in bytes[..<min(index, bytes.count)] {
        if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
      }
      let found = index >= bytes.count ? "the end of the file"
        : bytes[index] < 0x80 ? "'\(Character(Unicode.Scalar(bytes[index])))'"
        : "the byte 0x" + String(bytes[index], radix: 16, uppercase: true)
      return Failure(problem: Problem(path: "", message: "malformed JSON at line \(line), column \(column): \(what), found \(found)"))
    }

    func field(_ message: String) -> Failure { Failure(problem: Problem(path: renderedPath, message: message)) }

    mutating func skipSpace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
      skipSpace()
      guard index < bytes.count, bytes[index] == byte else { throw syntax("expected \(what)") }
      index += 1
    }

    mutating func document() throws(Failure) {
      try value(depth: 0)
      skipSpace()
      guard index == bytes.count else { throw syntax("expected the end of the document") }
    }

    mutating func value(depth: Int) throws(Failure) {
      skipSpace()
      guard index < bytes.count else { throw syntax("expected a value") }
      switch bytes[index] {
      case UInt8(ascii: "{"):
        guard depth < JSONDiagnostics.maxDepth else { throw field("nesting deeper than \(JSONDiagnostics.maxDepth) levels") }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        repeat {
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntax("expected a field name in quotes") }
          let key = try string()
          try expect(UInt8(ascii: ":"), "':' after a field name")
          path.append(key)
          try value(depth: depth + 1)
          path.removeLast()
          skipSpace()
          guard index < bytes.count else { throw syntax("expected ',' or '}'") }
          index += 1
          if bytes[index - 1] == UInt8(ascii: "}") { return }
          guard bytes[index - 1] == UInt8(ascii: ",") else { index -= 1; throw syntax("expected ',' or '}'") }
        } while true
      case UInt8(ascii: "["):
        guard depth < JSONDiagnostics.maxDepth else { throw field("nesting deeper than \(JSONDiagnostics.maxDepth) levels") }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        var element = 0
        repeat {
          path.append("[\(element)]")
          try value(depth: depth + 1)
          path.removeLast()
          element += 1
          skipSpace()
          guard index < bytes.count else { throw syntax("expected ',' or ']'") }
          index += 1
          if bytes[index - 1] == UInt8(ascii: "]") { return }
          guard bytes[index - 1] == UInt8(ascii: ",") else { index -= 1; throw syntax("expected ',' or ']'") }
        } while true
      case UInt8(ascii: "\""):
        _ = try string()
      case UInt8(ascii: "t"): try literal("true")
      case UInt8(ascii: "f"): try literal("false")
      case UInt8(ascii: "n"): try literal("null")
      default:
        try number()
      }
    }

    mutating func literal(_ word: String) throws(Failure) {
      let expected = Array(word.utf8)
      guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
        throw syntax("expected a value")
      }
      index += expected.count
    }

    /// A string starting at the opening quote; returns its text (escapes decoded loosely, for paths).
    mutating func string() throws(Failure) -> String {
      index += 1
      var text: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard index < bytes.count else { throw syntax("unterminated escape") }
          let escape = bytes[index]
          index += 1
          if escape == UInt8(ascii: "u") {
            let unit = try hex4()
            if (0xD800..<0xDC00).contains(unit) {
              guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw field("contains a lone UTF-16 surrogate escape \\u\(String(unit, radix: 16))")
              }
              index += 2
              let low = try hex4()
              guard (0xDC00..<0xE000).contains(low) else { throw field("contains a lone UTF-16 surrogate escape \\u\(String(unit, radix: 16))") }
            } else if (0xDC00..<0xE000).contains(unit) {
              throw field("contains a lone UTF-16 surrogate escape \\u\(String(unit, radix: 16))")
            }
            text.append(UInt8(ascii: "?"))
          } else {
            guard "\"\\/bfnrt".utf8.contains(escape) else { index -= 1; throw syntax("invalid escape") }
            text.append(escape)
          }
        default:
          guard byte >= 0x20 else { index -= 1; throw syntax("a control character inside a string") }
          text.append(byte)
          if byte >= 0x80 {
            index -= 1
            let length = try utf8Sequence()
            text += bytes[(index - length + 1)..<index]
          }
        }
      }
      throw syntax("an unterminated string")
    }

    /// Checks the UTF-8 sequence starting at `index` (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF) and moves past it; returns its length in bytes.
    mutating func utf8Sequence() throws(Failure) -> Int {
      let lead = bytes[index]
      let (length, second): (Int, ClosedRange<UInt8>) = switch lead {
      case 0xC2...0xDF: (2, 0x80...0xBF)
      case 0xE0: (3, 0xA0...0xBF)
      case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
      case 0xED: (3, 0x80...0x9F)
      case 0xF0: (4, 0x90...0xBF)
      case 0xF1...0xF3: (4, 0x80...0xBF)
      case 0xF4: (4, 0x80...0x8F)
      default: (0, 0x80...0xBF)
      }
      guard length > 0 else { throw syntax("invalid UTF-8 inside a string") }
      let start = index
      index += 1
      for offset in 1..<length {
        let allowed = offset == 1 ? second : 0x80...0xBF
        guard index < bytes.count, allowed.contains(bytes[index]) else {
          index = start
          throw syntax("invalid UTF-8 inside a string")
        }
        index += 1
      }
      return length
    }

    mutating func hex4() throws(Failure) -> Int {
      guard bytes.count - index >= 4, let value = Int(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
        throw syntax("expected four hex digits after \\u")
      }
      index += 4
      return value
    }

    mutating func number() throws(Failure) {
      let start = index
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      func digits() -> Int {
        let from = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - from
      }
      let integerStart = index
      let integerDigits = digits()
      guard integerDigits > 0 else { throw syntax("expected a value") }
      guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
        index = integerStart
        throw syntax("a number with a leading zero")
      }
      var integral = true
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        integral = false
        guard digits() > 0 else { throw syntax("expected digits after '.'") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        integral = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw syntax("expected digits in the exponent") }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let value = Double(text), value.isFinite else { throw field("\(text) is outside the range of a 64-bit float") }
      if !integral || Int64(text) == nil {
        integerCandidates.append(Candidate(range: start..<index, path: renderedPath, text: text))
      }
    }
  }
}
