/// A value read from files whose fields are declared once, in a `Codable` ``Fields`` struct, and
/// checked by one validating initializer.
///
/// Conforming gives decoding (the fields, then the check, its ``FieldError`` reported with the
/// decoder's path), encoding (the fields as declared) and read access to every field by name
/// (`instance.requests`), so adding a field means declaring it in `Fields` and checking it.
@dynamicMemberLookup
public protocol Validated: Codable, Sendable, Hashable {
  /// The fields as files hold them; its `Codable` conformance is synthesized.
  associatedtype Fields: Codable, Sendable, Hashable
  /// The fields this value was built from.
  var fields: Fields { get }
  /// Checks `fields`, naming the field at fault (`requests[3].deadlineMs`), and computes once the
  /// data solvers derive from them.
  init(validating fields: Fields) throws(FieldError)
}

extension Validated {
  /// Decodes the fields, then validates them; a failure is a `DecodingError` at the decoder's path.
  public init(from decoder: any Decoder) throws {
    let fields = try Fields(from: decoder)
    do { try self.init(validating: fields) } catch { throw DecodingError.invalid(error, in: decoder) }
  }

  /// Writes the fields, defaults included, so that every field read is written back.
  public func encode(to encoder: any Encoder) throws { try fields.encode(to: encoder) }

  /// Each field, read by its name.
  @inlinable
  public subscript<Value>(dynamicMember field: KeyPath<Fields, Value>) -> Value { fields[keyPath: field] }
}

/// Fields that carry a name, so that the value can be renamed.
public protocol NamedFields {
  /// The name.
  var name: String { get set }
}

// MARK: - Fields with defaults

/// The value a ``Defaulted`` field takes when a file leaves it out (or sets it to `null`).
public protocol FieldDefault {
  associatedtype Value: Codable, Sendable, Hashable
  static var value: Value { get }
}

/// A field that files may leave out; it is always written back, so a file that states the
/// default (`"weight": 1`) reads the same as one that omits it, and neither is an unknown field.
@propertyWrapper
public struct Defaulted<Default: FieldDefault>: Codable, Sendable, Hashable {
  public var wrappedValue: Default.Value

  public init(wrappedValue: Default.Value) { self.wrappedValue = wrappedValue }

  public init(from decoder: any Decoder) throws { wrappedValue = try Default.Value(from: decoder) }

  public func encode(to encoder: any Encoder) throws { try wrappedValue.encode(to: encoder) }
}

extension KeyedDecodingContainer {
  /// Synthesized decoding of a ``Defaulted`` field: the default when the key is absent or `null`.
  public func decode<Default>(_ type: Defaulted<Default>.Type, forKey key: Key) throws -> Defaulted<Default> {
    Defaulted(wrappedValue: try decodeIfPresent(Default.Value.self, forKey: key) ?? Default.value)
  }
}

/// The name of an instance whose file has none: the loader gives it the file's stem.
public enum Unnamed: FieldDefault {
  public static var value: String { "" }
}

// MARK: - Fields with a closed set of values

/// A string field with a closed set of values: an unknown one is an error naming the known ones
/// (`unknown policy 'x' (known: none, onRelease)`).
public protocol NamedCases: RawRepresentable<String>, CaseIterable, Codable {
  /// What a value is called in messages (`policy`).
  static var valueName: String { get }
}

extension NamedCases {
  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(rawValue: raw) else {
      let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
      throw DecodingError.invalid(FieldError("", "unknown \(Self.valueName) '\(raw)' (known: \(known))"), in: decoder)
    }
    self = value
  }
}
