/// A DNN as a directed acyclic graph of layers, validated on construction.
///
/// Invalid models are unrepresentable: duplicate names, inputs that point nowhere, cycles,
/// negative sizes and non-finite numbers are rejected with a ``FieldError`` naming the field.
/// Layers may be listed in any order; ``topologicalOrder`` is the stable order (file order
/// among ready layers) that chain-style solvers cut.
public struct DNNModel: Validated {
  /// What a model file holds.
  public struct Fields: Codable, Sendable, Hashable {
    /// Model name, unique within an instance (e.g. `vgg16`).
    public var name: String
    /// Size in bytes of the model input (what is sent when everything runs on the server).
    public var inputBytes: Double
    /// Input tensor shape `[channels, height, width]`, when known.
    public var inputShape: TensorShape?
    /// The layers, in file order.
    public var layers: [Layer]
    /// Fraction of server work that parallelizes over threads (Amdahl's law), in `[0, 1]`.
    /// `nil` means the documented default ``DNNModel/defaultParallelFraction``.
    public var parallelFraction: Double?
  }

  public let fields: Fields
  /// Indices of each layer's input layers (empty: reads the model input).
  public let predecessors: [[Int]]
  /// Indices of the layers that read each layer's output.
  public let successors: [[Int]]
  /// A topological order of layer indices, stable with respect to file order.
  public let topologicalOrder: [Int]

  /// Amdahl parallel fraction used when a model does not state one: a typical value for
  /// conv-dominated CNN inference on a multicore CPU server.
  public static let defaultParallelFraction = 0.9

  public init(
    name: String, inputBytes: Double, inputShape: TensorShape? = nil, layers: [Layer],
    parallelFraction: Double? = nil
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, inputBytes: inputBytes, inputShape: inputShape, layers: layers,
                                     parallelFraction: parallelFraction))
  }

  /// Checks every field and builds the layer graph.
  public init(validating fields: Fields) throws(FieldError) {
    let layers = fields.layers
    try Check.that(!fields.name.isEmpty, "name", "must not be empty")
    try Check.positive(fields.inputBytes, "inputBytes")
    try Check.atMost(fields.inputBytes, Check.maxQuantity, "inputBytes")
    try Check.that(!layers.isEmpty, "layers", "a model needs at least one layer")
    if let fraction = fields.parallelFraction { try Check.within(fraction, 0...1, "parallelFraction") }
    if let inputShape = fields.inputShape { try Check.shape(inputShape, "inputShape") }
    try Check.uniqueNames(layers.map(\.name), in: "layers", "layer")

    var index: [String: Int] = [:]
    for (i, layer) in layers.enumerated() { index[layer.name] = i }
    var predecessors = [[Int]](repeating: [], count: layers.count)
    var successors = [[Int]](repeating: [], count: layers.count)
    for (i, layer) in layers.enumerated() {
      let path = "layers[\(i)]"
      try Check.that(!layer.name.isEmpty, "\(path).name", "must not be empty")
      for (value, field) in [(layer.flops, "flops"), (layer.outputBytes, "outputBytes"), (layer.paramBytes, "paramBytes")] {
        try Check.nonNegative(value, "\(path).\(field)")
        try Check.atMost(value, Check.maxQuantity, "\(path).\(field)")
      }
      if let shape = layer.outputShape { try Check.shape(shape, "\(path).outputShape") }
      if let window = layer.window {
        let sides = 1...Check.maxTensorSide
        try Check.that(sides.contains(window.kernel), "\(path).window.kernel", "must be in \(sides), got \(window.kernel)")
        try Check.that(sides.contains(window.stride), "\(path).window.stride", "must be in \(sides), got \(window.stride)")
        try Check.that((0...Check.maxTensorSide).contains(window.padding), "\(path).window.padding",
                       "must be in 0...\(Check.maxTensorSide), got \(window.padding)")
      }
      if let accuracy = layer.accuracy { try Check.within(accuracy, 0...1, "\(path).accuracy") }
      for (value, field) in [(layer.deviceMs, "deviceMs"), (layer.serverMs, "serverMs")] {
        guard let value else { continue }
        try Check.nonNegative(value, "\(path).\(field)")
        try Check.atMost(value, Check.maxQuantity, "\(path).\(field)")
      }
      for (j, input) in layer.inputs.enumerated() {
        guard let source = index[input] else {
          throw FieldError("\(path).inputs[\(j)]", "layer '\(layer.name)' reads '\(input)', which is not a layer of this model")
        }
        try Check.that(source != i, "\(path).inputs[\(j)]", "layer '\(layer.name)' reads itself")
        if !predecessors[i].contains(source) {
          predecessors[i].append(source)
          successors[source].append(i)
        }
      }
    }
    self.fields = fields
    self.predecessors = predecessors
    self.successors = successors
    self.topologicalOrder = try Self.stableTopologicalOrder(layers, predecessors, successors)
  }

  /// Kahn's algorithm that always releases the ready layer listed first in the file,
  /// so a file already in topological order keeps its order.
  private static func stableTopologicalOrder(
    _ layers: [Layer], _ predecessors: [[Int]], _ successors: [[Int]]
  ) throws(FieldError) -> [Int] {
    var remaining = predecessors.map(\.count)
    var ready = Heap<Int>()
    for i in layers.indices where remaining[i] == 0 { ready.insert(i) }
    var order: [Int] = []
    order.reserveCapacity(layers.count)
    while let next = ready.popMin() {
      order.append(next)
      for s in successors[next] {
        remaining[s] -= 1
        if remaining[s] == 0 { ready.insert(s) }
      }
    }
    if order.count < layers.count {
      let stuck = layers.indices.filter { remaining[$0] > 0 }.prefix(5).map { layers[$0].name }
      throw FieldError("layers", "the layer graph has a cycle through \(stuck.joined(separator: ", "))")
    }
    return order
  }

  /// Total FLOPs of one inference.
  public var totalFlops: Double { fields.layers.reduce(0) { $0 + $1.flops } }
  /// Total parameter bytes.
  public var totalParamBytes: Double { fields.layers.reduce(0) { $0 + $1.paramBytes } }
  /// True when every layer has at most one input and one reader.
  public var isChain: Bool {
    predecessors.allSatisfy { $0.count <= 1 } && successors.allSatisfy { $0.count <= 1 }
  }

  /// Seconds one inference of layer `layer` (an index into ``Fields/layers``) takes on `processor`
  /// running at `gflops` GFLOP/s: the measured ``Layer/deviceMs`` or ``Layer/serverMs`` ÷ 1000
  /// when the layer has one for that processor, else `flops ÷ gflops` (``Seconds/compute(_:gflops:)``).
  ///
  /// A measured time wins over the FLOPs even when `gflops` differs from the speed of the machine
  /// it was measured on: it is the time on *the* device of an instance, or on one thread of *the*
  /// server (the caller applies ``speedup(threads:)`` to a server time, measured or not, as it does
  /// today). Layers without a measurement keep the FLOPs model, so a partly profiled model mixes
  /// both, layer by layer. P2 (`SurgeryInstance`) times every layer through this; the families
  /// that time layers from FLOPs over several speeds reject models with measurements
  /// (``Check/timedByFlops(_:_:family:)``).
  public func seconds(_ layer: Int, on processor: Processor, gflops: Double) -> Double {
    let layer = fields.layers[layer]
    let measured = switch processor {
    case .device: layer.deviceMs
    case .server: layer.serverMs
    }
    if let measured { return measured / 1000 }
    return Seconds.compute(layer.flops, gflops: gflops)
  }

  /// How many times faster `threads` server threads run this model than one thread:
  /// Amdahl's law, `1 / ((1 - f) + f / k)`, with diminishing returns in `k`.
  public func speedup(threads: Int) -> Double {
    precondition(threads >= 1, "a server part needs at least one thread")
    let fraction = fields.parallelFraction ?? Self.defaultParallelFraction
    return 1 / ((1 - fraction) + fraction / Double(threads))
  }
}

import HeapModule
