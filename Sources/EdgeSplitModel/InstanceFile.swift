import Foundation

/// The problem families an instance file can hold, named by its `"problem"` field.
public enum ProblemKind: String, Codable, Sendable, CaseIterable, Comparable {
  /// P1: delay-aware admission with partitioning and thread parallelism.
  case admission
  /// P2: DNN surgery (DADS), one DAG model split between device and server.
  case surgery
  /// P3: fused-layer model parallelism with partial offloading.
  case fused

  public static func < (a: Self, b: Self) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// A loaded instance of any problem family.
public enum ProblemInstance: Sendable, Hashable {
  case admission(AdmissionInstance)
  case surgery(SurgeryInstance)
  case fused(FusedInstance)

  /// Which problem family this is.
  public var kind: ProblemKind {
    switch self {
    case .admission: .admission
    case .surgery: .surgery
    case .fused: .fused
    }
  }

  /// The instance's name.
  public var name: String {
    switch self {
    case .admission(let instance): instance.name
    case .surgery(let instance): instance.name
    case .fused(let instance): instance.name
    }
  }

  /// The number that drives solver effort, for plots of time against size: requests for P1,
  /// layers for single-model problems.
  public var size: Int {
    switch self {
    case .admission(let instance): instance.requests.count
    case .surgery(let instance): instance.model.layers.count
    case .fused(let instance): instance.model.layers.count
    }
  }
}

/// A file that could not be loaded, with the field at fault: `file: path.to.field: what is wrong`.
public struct InstanceLoadError: Error, Sendable, CustomStringConvertible {
  /// The file, as given by the caller.
  public var file: String
  /// Dotted path to the field at fault; empty for whole-file problems.
  public var path: String
  /// What is wrong.
  public var message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
  }
}

/// Reading and writing versioned instance files (`"format": "edgesplit/1"`).
///
/// A file is one JSON object: `format`, `problem`, an optional `name` (defaults to the file
/// stem), then the problem's own fields. Unknown fields are ignored, so generators may record
/// their parameters beside the data.
public enum InstanceIO {
  /// The format tag this version reads and writes.
  public static let format = "edgesplit/1"

  private struct Header: Decodable {
    var format: String
    var problem: String
  }

  /// Loads and validates the instance in `url`.
  public static func load(contentsOf url: URL) throws(InstanceLoadError) -> ProblemInstance {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw InstanceLoadError(file: url.path, path: "", message: "cannot read file: \(error.localizedDescription)")
    }
    return try decode(data, file: url.path, defaultName: url.deletingPathExtension().lastPathComponent)
  }

  /// Decodes and validates an instance from JSON bytes; `file` only labels errors.
  public static func decode(
    _ data: Data, file: String, defaultName: String = ""
  ) throws(InstanceLoadError) -> ProblemInstance {
    let decoder = JSONDecoder()
    do {
      let header = try decoder.decode(Header.self, from: data)
      guard header.format == format else {
        throw InstanceLoadError(file: file, path: "format", message: "unsupported format '\(header.format)', expected '\(format)'")
      }
      guard let kind = ProblemKind(rawValue: header.problem) else {
        let known = ProblemKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw InstanceLoadError(file: file, path: "problem", message: "unknown problem '\(header.problem)' (known: \(known))")
      }
      switch kind {
      case .admission:
        var instance = try decoder.decode(AdmissionInstance.self, from: data)
        if instance.name.isEmpty { instance = try instance.renamed(defaultName) }
        return .admission(instance)
      case .surgery:
        var instance = try decoder.decode(SurgeryInstance.self, from: data)
        if instance.name.isEmpty { instance = try instance.renamed(defaultName) }
        return .surgery(instance)
      case .fused:
        var instance = try decoder.decode(FusedInstance.self, from: data)
        if instance.name.isEmpty { instance = try instance.renamed(defaultName) }
        return .fused(instance)
      }
    } catch let error as InstanceLoadError {
      throw error
    } catch let error as DecodingError {
      let (path, message) = describe(error)
      throw InstanceLoadError(file: file, path: path, message: message)
    } catch {
      throw InstanceLoadError(file: file, path: "", message: "\(error)")
    }
  }

  /// Pretty-printed JSON with sorted keys, so files diff well under version control.
  public static func encode(_ instance: ProblemInstance) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    switch instance {
    case .admission(let body):
      return try encoder.encode(Envelope(problem: .admission, body: body))
    case .surgery(let body):
      return try encoder.encode(Envelope(problem: .surgery, body: body))
    case .fused(let body):
      return try encoder.encode(Envelope(problem: .fused, body: body))
    }
  }

  /// Writes the header fields beside the body's own fields.
  private struct Envelope<Body: Encodable>: Encodable {
    var problem: ProblemKind
    var body: Body
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

extension AdmissionInstance {
  /// The same instance under another name.
  public func renamed(_ name: String) throws(FieldError) -> AdmissionInstance {
    try AdmissionInstance(name: name, models: models, cloudlets: cloudlets, requests: requests)
  }
}
