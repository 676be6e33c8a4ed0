/// Why a file could not be imported: the file, where in it, and what is wrong, e.g.
/// `model.onnx: node 'lstm1' (op LSTM): unsupported operator` or
/// `profile.csv: row 4, column device_ms: must be a finite number >= 0, got 'fast'`.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as the user named it.
  public var file: String
  /// Where in the file: a node, a byte offset, a row and column; empty for the whole file.
  public var location: String
  /// What is wrong, in words a user can act on.
  public var message: String

  public init(file: String, location: String, message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  public var description: String {
    location.isEmpty ? "\(file): \(message)" : "\(file): \(location): \(message)"
  }
}
