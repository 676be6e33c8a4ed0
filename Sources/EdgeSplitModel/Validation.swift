/// A problem with one field of an instance or model, located by a dotted path
/// such as `requests[3].deadlineMs`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Where the problem is, relative to the value being validated.
  public var path: String
  /// What is wrong, in words a user can act on.
  public var message: String

  public init(_ path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { path.isEmpty ? message : "\(path): \(message)" }

  /// The same error seen from an enclosing value: `prefix` is prepended to the path.
  public func nested(under prefix: String) -> FieldError {
    if prefix.isEmpty { return self }
    let joined = path.isEmpty ? prefix : (path.hasPrefix("[") ? prefix + path : "\(prefix).\(path)")
    return FieldError(joined, message)
  }
}

/// Small checks shared by every validating initializer, so messages read the same everywhere.
public enum Check {
  /// Fails unless `condition` holds.
  public static func that(
    _ condition: Bool, _ path: @autoclosure () -> String, _ message: @autoclosure () -> String
  ) throws(FieldError) {
    if !condition { throw FieldError(path(), message()) }
  }

  /// Fails unless `value` is finite and at least zero.
  public static func nonNegative(_ value: Double, _ path: @autoclosure () -> String) throws(FieldError) {
    try that(value.isFinite, path(), "must be a finite number, got \(value)")
    try that(value >= 0, path(), "must be >= 0, got \(value)")
  }

  /// Fails unless `value` is finite and strictly positive.
  public static func positive(_ value: Double, _ path: @autoclosure () -> String) throws(FieldError) {
    try that(value.isFinite, path(), "must be a finite number, got \(value)")
    try that(value > 0, path(), "must be > 0, got \(value)")
  }

  /// Largest FLOPs, bytes or milliseconds one layer (or a model input) may have: 10³⁰, far above
  /// any real network (a ResNet-50 layer is about 10⁹ FLOPs) and far below where a sum over
  /// billions of layers could overflow a `Double` (10³⁰⁸), so model totals always stay finite.
  public static let maxQuantity = 1e30

  /// Fails unless `value` is at most `limit`.
  public static func atMost(_ value: Double, _ limit: Double, _ path: @autoclosure () -> String) throws(FieldError) {
    try that(value <= limit, path(), "must be at most \(limit), got \(value)")
  }

  /// Fails unless `value` lies in `range`.
  public static func within(
    _ value: Double, _ range: ClosedRange<Double>, _ path: @autoclosure () -> String
  ) throws(FieldError) {
    try that(value.isFinite && range.contains(value), path(),
             "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
  }

  /// Largest tensor side accepted (pixels or features), so geometry arithmetic cannot overflow.
  public static let maxTensorSide = 1 << 24
  /// Largest number of elements in one tensor (2^40, 4 TiB of fp32).
  public static let maxTensorElements = 1 << 40

  /// Fails unless `shape` is a non-empty list of sides in `1...maxTensorSide` whose product is at
  /// most ``maxTensorElements``.
  public static func shape(_ shape: TensorShape, _ path: @autoclosure () -> String) throws(FieldError) {
    try that(!shape.isEmpty && shape.allSatisfy { (1...maxTensorSide).contains($0) }, path(),
             "must be a non-empty list of sizes in 1...\(maxTensorSide), got \(shape)")
    var elements = 1
    for side in shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: side)
      try that(!overflow && product <= maxTensorElements, path(), "has more than \(maxTensorElements) elements")
      elements = product
    }
  }

  /// Fails unless a time derived from valid inputs is still a finite number of seconds (huge
  /// work over a tiny speed overflows to infinity).
  public static func finiteTime(_ seconds: Double, _ path: @autoclosure () -> String, _ what: String) throws(FieldError) {
    try that(seconds.isFinite, path(), "makes \(what) overflow to \(seconds) seconds")
  }

  /// Fails when running all of `model` on either processor, or sending all its tensors over any
  /// of the links (each named by its field path), takes a non-finite time: the bound every
  /// timing model of the model stays under.
  public static func finiteTimes(
    of model: DNNModel, deviceGflops: Double, serverGflops: Double, links: [(path: String, mbps: Double)]
  ) throws(FieldError) {
    let bytes = model.inputBytes + model.layers.reduce(0) { $0 + $1.outputBytes }
    try finiteTime(Seconds.compute(model.totalFlops, gflops: deviceGflops), "deviceGflops", "the model's device time")
    try finiteTime(Seconds.compute(model.totalFlops, gflops: serverGflops), "serverGflops", "the model's server time")
    for link in links { try finiteTime(Seconds.transfer(bytes, mbps: link.mbps), link.path, "the model's transfer time") }
  }

  /// Fails when `model` carries measured per-layer times (``Layer/deviceMs``, ``Layer/serverMs``)
  /// in a family whose timing model is FLOPs over speed, so that they are never silently ignored.
  public static func timedByFlops(_ model: DNNModel, _ path: @autoclosure () -> String, family: String) throws(FieldError) {
    if let i = model.layers.firstIndex(where: { $0.deviceMs != nil || $0.serverMs != nil }) {
      let prefix = path().isEmpty ? "" : path() + "."
      throw FieldError("\(prefix)layers[\(i)]",
                       "measured times (deviceMs, serverMs) are used by surgery instances only; \(family) instances time every layer from its FLOPs")
    }
  }

  /// The one rule for names in every family: no two elements of the list at `list` (a field
  /// path such as `requests` or `models[0].exits`) share a name; fails at the second one's
  /// `name` field (`requests[3].name: duplicate request name 'r1'`).
  public static func uniqueNames(_ names: [String], in list: @autoclosure () -> String, _ what: String) throws(FieldError) {
    try unique(names, { "\(list())[\($0)].name" }, "\(what) name")
  }

  /// Fails when two elements share a key; names the second occurrence.
  public static func unique<S: Sequence>(
    _ keys: S, _ path: (Int) -> String, _ what: String
  ) throws(FieldError) where S.Element: Hashable {
    var seen = Set<S.Element>()
    for (index, key) in keys.enumerated() where !seen.insert(key).inserted {
      throw FieldError(path(index), "duplicate \(what) '\(key)'")
    }
  }
}

extension DecodingError {
  /// Wraps a validation failure so that `Codable` reports it with the decoder's path.
  package static func invalid(_ error: FieldError, in decoder: any Decoder) -> DecodingError {
    .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description,
                         underlyingError: error))
  }
}
