/// The keys of a JSON value, as a tree: what a file holds, or what a value writes when encoded.
/// Comparing the two finds the fields of a file that no type reads, without writing or parsing
/// any JSON text.
final class FieldTree {
  /// The object's keys (empty for arrays and leaves); keys whose value is `null` are left out.
  var fields: [String: FieldTree] = [:]
  /// The array's elements (empty for objects and leaves).
  var elements: [FieldTree] = []

  init() {}

  /// The tree of what `value` writes.
  convenience init(encoding value: some Encodable) throws {
    self.init()
    try value.encode(to: Recorder(node: self, codingPath: []))
  }

  /// The paths (`requests[3].weigth`) of the keys of `self` that `used` lacks, in key order.
  func fields(missingFrom used: FieldTree, under path: String = "") -> [String] {
    var missing: [String] = []
    for key in fields.keys.sorted() {
      let child = path.isEmpty ? key : "\(path).\(key)"
      if let next = used.fields[key] { missing += fields[key]!.fields(missingFrom: next, under: child) } else { missing.append(child) }
    }
    for (index, pair) in zip(elements, used.elements).enumerated() {
      missing += pair.0.fields(missingFrom: pair.1, under: "\(path)[\(index)]")
    }
    return missing
  }
}

extension FieldTree: Decodable {
  /// The tree of the JSON value `decoder` reads (from the decoder's own parse of the file).
  convenience init(from decoder: any Decoder) throws {
    self.init()
    if let object = try? decoder.container(keyedBy: AnyKey.self) {
      for key in object.allKeys where !(try object.decodeNil(forKey: key)) {
        fields[key.stringValue] = try object.decode(FieldTree.self, forKey: key)
      }
    } else if var array = try? decoder.unkeyedContainer() {
      while !array.isAtEnd { elements.append(try array.decode(FieldTree.self)) }
    }
  }
}

/// Any key, so that every key of an object can be listed.
struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(stringValue: String) { self.stringValue = stringValue }
  init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

/// An `Encoder` that writes nothing but the keys, into a ``FieldTree``.
private struct Recorder: Encoder {
  let node: FieldTree
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(Keyed(node: node, codingPath: codingPath))
  }
  func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(node: node, codingPath: codingPath) }
  func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }

  /// Records `value` under `node`: numbers, strings and booleans are leaves.
  static func record(_ value: some Encodable, in node: FieldTree, at path: [any CodingKey]) throws {
    if value is any Numeric || value is String || value is Bool { return }
    try value.encode(to: Recorder(node: node, codingPath: path))
  }

  struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: FieldTree
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      try Recorder.record(value, in: child(key), at: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
      KeyedEncodingContainer(Keyed<NestedKey>(node: child(key), codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      Unkeyed(node: child(key), codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder { Recorder(node: child(AnyKey(stringValue: "super")), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { Recorder(node: child(key), codingPath: codingPath + [key]) }

    private func child(_ key: some CodingKey) -> FieldTree {
      if let existing = node.fields[key.stringValue] { return existing }
      let created = FieldTree()
      node.fields[key.stringValue] = created
      return created
    }
  }

  struct Unkeyed: UnkeyedEncodingContainer {
    let node: FieldTree
    let codingPath: [any CodingKey]
    var count: Int { node.elements.count }

    mutating func encodeNil() throws { _ = next() }
    mutating func encode<T: Encodable>(_ value: T) throws {
      try Recorder.record(value, in: next(), at: codingPath + [AnyKey(intValue: count - 1)])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
      KeyedEncodingContainer(Keyed<NestedKey>(node: next(), codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(node: next(), codingPath: codingPath) }
    mutating func superEncoder() -> any Encoder { Recorder(node: next(), codingPath: codingPath) }

    private func next() -> FieldTree {
      let created = FieldTree()
      node.elements.append(created)
      return created
    }
  }

  struct Single: SingleValueEncodingContainer {
    let node: FieldTree
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws { try Recorder.record(value, in: node, at: codingPath) }
  }
}
