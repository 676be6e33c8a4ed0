import Foundation

/// A file that could not be loaded or imported, with the place at fault: `file: path.to.field:
/// what is wrong` for instance files, `file: node 'x' (op LSTM): ...` or `file: row 4, column
/// device_ms: ...` for imported models.
public struct InstanceLoadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file, as given by the caller.
  public var file: String
  /// Where in the file: the dotted path to the field at fault (a node, a byte offset, a row and
  /// column in imported files); empty for whole-file problems.
  public var path: String
  /// What is wrong.
  public var message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  /// `file: path: message` on one line: control characters in any part (a name with a newline)
  /// are shown as escapes.
  public var description: String {
    let parts = path.isEmpty ? [file, message] : [file, path, message]
    return parts.map(escapingControlCharacters).joined(separator: ": ")
  }
}

/// Reading and writing versioned instance files (`"format": "edgesplit/1"`).
///
/// A file is one JSON object: `format`, `problem`, an optional `name` (defaults to the file
/// stem), then the problem's own fields. Loading ignores unknown fields; ``unknownFields(in:of:)``
/// lists them so that tools can warn (`solverbench` does, and fails with `--strict`).
public enum InstanceIO {
  /// The format tag this version reads and writes.
  public static let format = "edgesplit/1"

  private struct Header: Decodable {
    var format: String
    var problem: String
  }

  /// Loads and validates the instance in `url`, of whichever of `families` its `"problem"` names.
  public static func load(contentsOf url: URL, families: [AnyFamily]) throws(InstanceLoadError) -> AnyInstance {
    try decode(read(url), file: url.path, defaultName: url.deletingPathExtension().lastPathComponent, families: families)
  }

  /// Loads and validates an instance of `family` from `url`.
  public static func load<F: ProblemFamily>(_ family: F.Type, contentsOf url: URL) throws(InstanceLoadError) -> F.Instance {
    try decode(family, read(url), file: url.path, defaultName: url.deletingPathExtension().lastPathComponent)
  }

  /// Decodes and validates an instance of `family` from JSON bytes; `file` only labels errors.
  public static func decode<F: ProblemFamily>(
    _ family: F.Type, _ data: Data, file: String, defaultName: String = ""
  ) throws(InstanceLoadError) -> F.Instance {
    let instance = try decode(data, file: file, defaultName: defaultName, families: [AnyFamily(family)])
    return instance.typed(as: family)!  // the only family it could decode as
  }

  /// Decodes and validates an instance of any of `families` from JSON bytes; `file` only labels errors.
  public static func decode(
    _ data: Data, file: String, defaultName: String = "", families: [AnyFamily]
  ) throws(InstanceLoadError) -> AnyInstance {
    try decode(data, file: file, defaultName: defaultName, families: families, locateOpaqueErrors: true)
  }

  private static func decode(
    _ data: Data, file: String, defaultName: String, families: [AnyFamily], locateOpaqueErrors: Bool
  ) throws(InstanceLoadError) -> AnyInstance {
    let decoder = JSONDecoder()
    do {
      let header = try decoder.decode(Header.self, from: data)
      guard header.format == format else {
        throw InstanceLoadError(file: file, path: "format", message: "unsupported format '\(header.format)', expected '\(format)'")
      }
      guard let family = families.first(where: { $0.name == header.problem }) else {
        let known = families.map(\.name).joined(separator: ", ")
        throw InstanceLoadError(file: file, path: "problem", message: "unknown problem '\(header.problem)' (known: \(known))")
      }
      let instance = try family.decodeInstance(data, decoder)
      return instance.name.isEmpty ? try instance.renamed(defaultName) : instance
    } catch let error as InstanceLoadError {
      throw error
    } catch let error as FieldError {
      throw InstanceLoadError(file: file, path: error.path, message: error.message)
    } catch let error as DecodingError {
      if locateOpaqueErrors, case .dataCorrupted(let context) = error, context.codingPath.isEmpty, !(context.underlyingError is FieldError),
         let problem = JSONDiagnostics.locate(data, stillFails: { opaqueFailure(decoding: $0, families: families) }) {
        throw InstanceLoadError(file: file, path: problem.path, message: problem.message)
      }
      let (path, message) = describe(error)
      throw InstanceLoadError(file: file, path: path, message: message)
    } catch {
      throw InstanceLoadError(file: file, path: "", message: "\(error)")
    }
  }

  /// The fields of the file `data` that `instance`, decoded from it, does not use: keys present in
  /// the file but absent when the instance is encoded again (a misspelling such as `"weigth"`), as
  /// paths like `requests[3].weigth`. Keys whose value is `null` are not reported.
  public static func unknownFields(in data: Data, of instance: AnyInstance) -> [String] {
    guard let original = try? JSONSerialization.jsonObject(with: data),
          let encoded = try? JSONSerialization.jsonObject(with: encode(instance)) else { return [] }
    var unknown: [String] = []
    func walk(_ given: Any, _ used: Any, _ path: String) {
      if let given = given as? [String: Any], let used = used as? [String: Any] {
        for key in given.keys.sorted() where !(given[key] is NSNull) {
          let child = path.isEmpty ? key : "\(path).\(key)"
          if let next = used[key] { walk(given[key]!, next, child) } else { unknown.append(child) }
        }
      } else if let given = given as? [Any], let used = used as? [Any] {
        for (index, pair) in zip(given, used).enumerated() { walk(pair.0, pair.1, "\(path)[\(index)]") }
      }
    }
    walk(original, encoded, "")
    return unknown
  }

  /// Whether `data` is a model file (a bare ``DNNModel``: `layers` and no `format`), which
  /// folders of instances may hold beside the instances (`instances/models/`).
  public static func isModelFile(_ data: Data) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
    return object["format"] == nil && object["layers"] != nil
  }

  /// Whether decoding `data` fails with Foundation's location-less "not valid JSON".
  private static func opaqueFailure(decoding data: Data, families: [AnyFamily]) -> Bool {
    do {
      _ = try decode(data, file: "", defaultName: "", families: families, locateOpaqueErrors: false)
      return false
    } catch {
      return error.path.isEmpty && error.message.hasPrefix("malformed JSON: ")
    }
  }

  /// Pretty-printed JSON with sorted keys, so files diff well under version control.
  public static func encode<F: ProblemFamily>(_ family: F.Type, _ instance: F.Instance) throws -> Data {
    try encode(AnyInstance(family, instance))
  }

  /// Pretty-printed JSON with sorted keys, for an instance of any family.
  public static func encode(_ instance: AnyInstance) throws -> Data {
    try encoder.encode(Envelope(problem: instance.family.name, body: instance.encodable))
  }

  /// The encoder every EdgeSplit file is written with: sorted keys, so files diff well.
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  private static func read(_ url: URL) throws(InstanceLoadError) -> Data {
    do { return try Data(contentsOf: url) } catch {
      throw InstanceLoadError(file: url.path, path: "", message: "cannot read file: \(error.localizedDescription)")
    }
  }

  /// Writes the header fields beside the body's own fields.
  private struct Envelope: Encodable {
    var problem: String
    var body: any Encodable
    private enum CodingKeys: String, CodingKey { case format, problem }
    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(InstanceIO.format, forKey: .format)
      try c.encode(problem, forKey: .problem)
      try body.encode(to: encoder)
    }
  }

  /// Turns a `DecodingError` into a field path and a message a user can act on.
  static func describe(_ error: DecodingError) -> (path: String, message: String) {
    switch error {
    case .keyNotFound(let key, let context):
      return (render(context.codingPath + [key]), "missing required field")
    case .valueNotFound(let type, let context):
      return (render(context.codingPath), "is null, expected \(typeName(type))")
    case .typeMismatch(let type, let context):
      return (render(context.codingPath), "has the wrong type, expected \(typeName(type))")
    case .dataCorrupted(let context):
      if let field = context.underlyingError as? FieldError {
        return (FieldError(field.path, "").nested(under: render(context.codingPath)).path, field.message)
      }
      if context.codingPath.isEmpty {
        let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return ("", "malformed JSON: \(detail ?? context.debugDescription)")
      }
      return (render(context.codingPath), context.debugDescription)
    @unknown default:
      return ("", "\(error)")
    }
  }

  private static func render(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
      if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
    }
    return text
  }

  private static func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type, is Float.Type: "a number"
    case is Int.Type: "an integer"
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
    }
  }
}

/// `text` with control characters written as Swift escapes (`\n`, `\t`, `\u{7F}`).
func escapingControlCharacters(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value):
      out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}
