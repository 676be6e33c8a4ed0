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
/// stem), then the problem's own fields. Loading ignores unknown fields;
/// ``decodeFindingUnknownFields(_:file:defaultName:families:)`` lists them so that tools can warn
/// (`solverbench` does, and fails with `--strict`).
public enum InstanceIO {
  /// The format tag this version reads and writes.
  public static let format = "edgesplit/1"

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
    try decode(data, file: file, defaultName: defaultName, families: families, findUnknownFields: false).instance
  }

  /// Decodes and validates an instance as ``decode(_:file:defaultName:families:)`` does, and lists
  /// the fields of the file it does not use, as ``unknownFields(in:of:)`` does, from the same
  /// single parse of `data`.
  public static func decodeFindingUnknownFields(
    _ data: Data, file: String, defaultName: String = "", families: [AnyFamily]
  ) throws(InstanceLoadError) -> (instance: AnyInstance, unknownFields: [String]) {
    try decode(data, file: file, defaultName: defaultName, families: families, findUnknownFields: true)
  }

  /// One parse of `data` on success; a second one, by ``JSONDiagnostics``, only to locate an
  /// error that Foundation reports without a place.
  private static func decode(
    _ data: Data, file: String, defaultName: String, families: [AnyFamily], findUnknownFields: Bool,
    locateOpaqueErrors: Bool = true
  ) throws(InstanceLoadError) -> (instance: AnyInstance, unknownFields: [String]) {
    let decoder = JSONDecoder()
    decoder.userInfo[Envelope.families] = families
    decoder.userInfo[Envelope.findUnknownFields] = findUnknownFields
    do {
      let envelope = try decoder.decode(Envelope.self, from: data)
      let instance = envelope.instance.name.isEmpty ? try envelope.instance.renamed(defaultName) : envelope.instance
      return (instance, envelope.unknownFields)
    } catch let error as FieldError {
      throw InstanceLoadError(file: file, path: error.path, message: error.message)
    } catch let error as DecodingError {
      throw located(error, in: data, file: file,
                    stillFails: locateOpaqueErrors ? { opaqueFailure(decoding: $0, families: families) } : nil)
    } catch {
      throw InstanceLoadError(file: file, path: "", message: "\(error)")
    }
  }

  /// The fields of the file `data` that `instance`, decoded from it, does not use: keys present in
  /// the file but absent when the instance is encoded again (a misspelling such as `"weigth"`), as
  /// paths like `requests[3].weigth`. Keys whose value is `null` are not reported.
  public static func unknownFields(in data: Data, of instance: AnyInstance) -> [String] {
    guard let given = try? JSONDecoder().decode(FieldTree.self, from: data),
          let used = try? FieldTree(encoding: Envelope(instance)) else { return [] }
    return given.fields(missingFrom: used)
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
      _ = try decode(data, file: "", defaultName: "", families: families, findUnknownFields: false, locateOpaqueErrors: false)
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
    try encoder.encode(Envelope(instance))
  }

  /// The encoder every EdgeSplit file is written with: sorted keys, so files diff well; a
  /// non-finite number as a string (``nonFiniteEncoding``), so that writing never fails.
  public static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = nonFiniteEncoding
    return encoder
  }

  /// How every JSON document EdgeSplit writes holds a number JSON cannot: the strings `"inf"`,
  /// `"-inf"` and `"nan"` (the CSV writes the same words). Instance files never contain one:
  /// loading rejects non-finite values.
  public static let nonFiniteEncoding = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  /// Reads what ``nonFiniteEncoding`` writes.
  public static let nonFiniteDecoding = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

  private static func read(_ url: URL) throws(InstanceLoadError) -> Data { try contents(of: url) }

  /// The bytes of the file at `url`, or an error that says why not in a few words (`no such
  /// file`, `is a folder`, `permission denied`) instead of Foundation's error text: how every
  /// command reads the files it is given.
  public static func contents(of url: URL) throws(InstanceLoadError) -> Data {
    var isFolder: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
    let why: String
    if !exists {
      why = "no such file"
    } else if isFolder.boolValue {
      why = "is a folder, not a file"
    } else if !FileManager.default.isReadableFile(atPath: url.path) {
      why = "permission denied"
    } else {
      do { return try Data(contentsOf: url) } catch { why = (error as NSError).localizedFailureReason ?? "an I/O error" }
    }
    throw InstanceLoadError(file: url.path, path: "", message: "cannot read file: \(why)")
  }

  /// Decodes any JSON document EdgeSplit writes (a report, a solution file) with `decoder`, every
  /// failure located as instance files' are: the field path of a missing or mistyped field, the
  /// line and column of a syntax error (`JSONDiagnostics`); `file` only labels errors.
  public static func decodeDocument<T: Decodable>(
    _ type: T.Type, _ data: Data, file: String, decoder: JSONDecoder = JSONDecoder()
  ) throws(InstanceLoadError) -> T {
    do {
      return try decoder.decode(type, from: data)
    } catch let error as DecodingError {
      throw located(error, in: data, file: file) { (try? decoder.decode(type, from: $0)) == nil }
    } catch {
      throw InstanceLoadError(file: file, path: "", message: "\(error)")
    }
  }

  /// `error` with a place: its own coding path, or, for Foundation's location-less "not valid
  /// JSON", what `JSONDiagnostics` finds in `data` (`stillFails` re-decodes a modified copy).
  static func located(
    _ error: DecodingError, in data: Data, file: String, stillFails: ((Data) -> Bool)?
  ) -> InstanceLoadError {
    if let stillFails, case .dataCorrupted(let context) = error, context.codingPath.isEmpty, !(context.underlyingError is FieldError),
       let problem = JSONDiagnostics.locate(data, stillFails: stillFails) {
      return InstanceLoadError(file: file, path: problem.path, message: problem.message)
    }
    let (path, message) = describe(error)
    return InstanceLoadError(file: file, path: path, message: message)
  }

  /// A whole file: the header fields beside the instance's own fields, read in one decoding pass.
  private struct Envelope: Codable {
    var instance: AnyInstance
    /// Filled when decoding with ``findUnknownFields`` set.
    var unknownFields: [String] = []

    static let families = CodingUserInfoKey(rawValue: "edgesplit.families")!
    static let findUnknownFields = CodingUserInfoKey(rawValue: "edgesplit.findUnknownFields")!
    private enum CodingKeys: String, CodingKey { case format, problem }

    init(_ instance: AnyInstance) { self.instance = instance }

    /// Reads `format` and `problem`, then the instance of that family from the same decoder.
    init(from decoder: any Decoder) throws {
      let header = try decoder.container(keyedBy: CodingKeys.self)
      let format = try header.decode(String.self, forKey: .format)
      let problem = try header.decode(String.self, forKey: .problem)
      guard format == InstanceIO.format else {
        throw FieldError("format", "unsupported format '\(format)', expected '\(InstanceIO.format)'")
      }
      let families = decoder.userInfo[Self.families] as? [AnyFamily] ?? []
      guard let family = families.first(where: { $0.name == problem }) else {
        let known = families.map(\.name).joined(separator: ", ")
        throw FieldError("problem", "unknown problem '\(problem)' (known: \(known))")
      }
      instance = try family.decodeInstance(decoder)
      if decoder.userInfo[Self.findUnknownFields] as? Bool == true {
        unknownFields = try FieldTree(from: decoder).fields(missingFrom: FieldTree(encoding: self))
      }
    }

    func encode(to encoder: any Encoder) throws {
      var header = encoder.container(keyedBy: CodingKeys.self)
      try header.encode(InstanceIO.format, forKey: .format)
      try header.encode(instance.family.name, forKey: .problem)
      try instance.encodable.encode(to: encoder)
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

/// Longest text (in Unicode scalars) one part of a message shows: a longer one (a 1 MB layer
/// name) keeps its first ``messagePartHead`` and last ``messagePartTail`` scalars around a count
/// of those left out, so that every message stays short enough to read.
public let messagePartLimit = 600
/// Scalars kept from the start of an over-long message part.
public let messagePartHead = 400
/// Scalars kept from the end of an over-long message part (where `got ...` usually is).
public let messagePartTail = 120

/// `text` as one safe line of a message: control characters written as Swift escapes (`\n`,
/// `\t`, `\u{7F}`), and so are the invisible characters that reorder or hide text (bidirectional
/// overrides, embeddings and isolates such as U+202E, the line and paragraph separators, zero-width
/// characters and the byte-order mark), so that a name cannot make a message read as something
/// else; a part longer than ``messagePartLimit`` scalars is shortened around the middle.
public func escapingControlCharacters(_ text: String) -> String {
  var scalars = Array(text.unicodeScalars)
  var omitted = 0
  if scalars.count > messagePartLimit {
    omitted = scalars.count - messagePartHead - messagePartTail
    scalars = Array(scalars[..<messagePartHead]) + Array(scalars[(scalars.count - messagePartTail)...])
  }
  var out = ""
  for (index, scalar) in scalars.enumerated() {
    if omitted > 0 && index == messagePartHead { out += "…[\(omitted) characters omitted]…" }
    switch scalar {
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || isInvisibleFormatting(scalar):
      out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}

/// Bidirectional controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), zero-width
/// characters (U+200B–U+200D, U+2060), the line and paragraph separators (U+2028–U+2029) and
/// the byte-order mark (U+FEFF).
private func isInvisibleFormatting(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: true
  default: false
  }
}
