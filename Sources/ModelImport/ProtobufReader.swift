/// A malformed protobuf byte sequence: where it is (byte offset into the file) and what is wrong.
struct ProtobufError: Error, Equatable {
  var offset: Int
  var message: String
}

/// Protobuf wire types (the low 3 bits of a field key).
enum WireType: UInt64 {
  case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}

/// A bounds-checked reader of the protobuf wire format over one message: `bytes[position..<end]`.
///
/// Every read checks the remaining length first, varints are at most 10 bytes, and lengths are
/// checked against what is left of the enclosing message, so any byte sequence gives either
/// values or a ``ProtobufError`` naming the offset and the message being read, never a trap.
/// Sub-messages are readers over a sub-range of the same array (no copies).
struct ProtobufReader {
  let bytes: [UInt8]
  private(set) var position: Int
  let end: Int
  /// The message being read, for errors (e.g. `NodeProto`).
  let message: String

  init(_ bytes: [UInt8], message: String) {
    self.init(bytes, range: 0..<bytes.count, message: message)
  }

  private init(_ bytes: [UInt8], range: Range<Int>, message: String) {
    self.bytes = bytes
    position = range.lowerBound
    end = range.upperBound
    self.message = message
  }

  var isAtEnd: Bool { position >= end }

  func error(_ text: String, at offset: Int? = nil) -> ProtobufError {
    ProtobufError(offset: offset ?? position, message: "\(text) in \(message)")
  }

  /// The next field's number and wire type, or `nil` at the end of the message.
  mutating func nextField() throws(ProtobufError) -> (number: Int, wire: WireType)? {
    guard !isAtEnd else { return nil }
    let start = position
    let key = try varint()
    guard let wire = WireType(rawValue: key & 7) else { throw error("invalid wire type \(key & 7)", at: start) }
    let number = key >> 3
    guard number >= 1, number <= 536_870_911 else { throw error("invalid field number \(number)", at: start) }
    return (Int(number), wire)
  }

  /// A base-128 varint of at most 10 bytes.
  mutating func varint() throws(ProtobufError) -> UInt64 {
    let start = position
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else { throw error("truncated varint", at: start) }
      let byte = bytes[position]
      position += 1
      // The tenth byte carries bit 63 only and must end the varint.
      guard shift < 63 || byte <= 1 else { throw error("varint longer than 10 bytes or above 2^64 - 1", at: start) }
      result |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  /// A varint read as a two's-complement `int64` (protobuf's `int64`/`int32` encoding).
  mutating func int64() throws(ProtobufError) -> Int64 { Int64(bitPattern: try varint()) }

  /// The payload of a length-delimited field.
  mutating func lengthDelimited() throws(ProtobufError) -> ArraySlice<UInt8> {
    let start = position
    let length = try varint()
    guard length <= UInt64(end - position) else {
      throw error("length \(length) runs past the end of the message (\(end - position) bytes left)", at: start)
    }
    return try take(Int(length))
  }

  /// A reader over a length-delimited sub-message.
  mutating func subMessage(_ name: String) throws(ProtobufError) -> ProtobufReader {
    let payload = try lengthDelimited()
    return ProtobufReader(bytes, range: payload.startIndex..<payload.endIndex, message: name)
  }

  /// A length-delimited UTF-8 string (invalid sequences become U+FFFD).
  mutating func string() throws(ProtobufError) -> String {
    String(decoding: try lengthDelimited(), as: UTF8.self)
  }

  /// A repeated integer field: one varint, or a packed run of them.
  mutating func int64s(_ wire: WireType) throws(ProtobufError) -> [Int64] {
    switch wire {
    case .varint:
      return [try int64()]
    case .lengthDelimited:
      var packed = try subMessage(message)
      var values: [Int64] = []
      while !packed.isAtEnd { values.append(try packed.int64()) }
      return values
    default:
      throw error("integer field has wire type \(wire.rawValue)")
    }
  }

  /// A little-endian fixed32 value.
  mutating func fixed32() throws(ProtobufError) -> UInt32 {
    try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// A repeated float field, packed or not.
  mutating func floats(_ wire: WireType) throws(ProtobufError) -> [Float] {
    switch wire {
    case .fixed32:
      return [Float(bitPattern: try fixed32())]
    case .lengthDelimited:
      var packed = try subMessage(message)
      var values: [Float] = []
      while !packed.isAtEnd { values.append(Float(bitPattern: try packed.fixed32())) }
      return values
    default:
      throw error("float field has wire type \(wire.rawValue)")
    }
  }

  /// Skips a field the importer does not need.
  mutating func skip(_ wire: WireType) throws(ProtobufError) {
    switch wire {
    case .varint: _ = try varint()
    case .fixed64: _ = try take(8)
    case .fixed32: _ = try take(4)
    case .lengthDelimited: _ = try lengthDelimited()
    case .startGroup, .endGroup: throw error("groups (wire type \(wire.rawValue)) are not used by ONNX")
    }
  }

  /// Fails unless a field has the expected wire type.
  func expect(_ wire: WireType, _ expected: WireType, field: String) throws(ProtobufError) {
    guard wire == expected else {
      throw error("field \(field) has wire type \(wire.rawValue), expected \(expected.rawValue)")
    }
  }

  private mutating func take(_ count: Int) throws(ProtobufError) -> ArraySlice<UInt8> {
    guard count <= end - position else {
      throw error("truncated: needs \(count) bytes, \(end - position) left")
    }
    defer { position += count }
    return bytes[position..<position + count]
  }
}
