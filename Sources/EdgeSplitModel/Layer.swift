/// What a layer computes. The set is open-ended in files (unknown strings decode to `.other`),
/// but solvers only rely on the spatial kinds (`conv`, `depthwiseConv`, `pool`) for tiling.
public enum LayerKind: String, Codable, Sendable, CaseIterable {
  case conv, depthwiseConv = "dwconv", fc, pool, relu, batchnorm, lrn, concat, add
  case flatten, softmax, block, exit, matmul, mul, resize, other

  /// Layers whose output is a spatial map computed from a sliding window, so that the
  /// fused-layer tiling can walk an output region back to its input region.
  public var isSpatial: Bool { self == .conv || self == .depthwiseConv || self == .pool }

  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(String.self)
    self = LayerKind(rawValue: raw) ?? .other
  }
}

/// Sliding-window geometry of a convolution or pooling layer (square kernels).
public struct WindowGeometry: Codable, Sendable, Hashable {
  /// Kernel side length in pixels.
  public var kernel: Int
  /// Stride in pixels.
  public var stride: Int
  /// Zero padding added on each side, in pixels.
  public var padding: Int

  public init(kernel: Int, stride: Int, padding: Int) {
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }
}

/// Where a layer runs, for the per-layer times of ``DNNModel/seconds(_:on:gflops:)``.
public enum Processor: String, Codable, Sendable, CaseIterable {
  /// The user's device (one per instance; its speed is the instance's device GFLOP/s).
  case device
  /// The edge server (its speed is the server's GFLOP/s for one thread).
  case server
}

/// A tensor shape: `[channels, height, width]` for feature maps, `[features]` for vectors.
public typealias TensorShape = [Int]

/// One layer of a DNN: its cost on any processor and the data it produces.
///
/// Work is counted in FLOPs (2 × multiply-accumulates); sizes are bytes of fp32 tensors.
public struct Layer: Codable, Sendable, Hashable {
  /// Unique name within its model.
  public var name: String
  /// What the layer computes.
  public var type: LayerKind
  /// Floating-point operations for one inference (2 × MACs).
  public var flops: Double
  /// Size of the layer's output tensor in bytes.
  public var outputBytes: Double
  /// Size of the layer's parameters (weights and biases) in bytes.
  public var paramBytes: Double
  /// Names of the layers this one reads. Empty means it reads the model input.
  public var inputs: [String]
  /// Output tensor shape, when known.
  public var outputShape: TensorShape?
  /// Kernel, stride and padding, for conv and pool layers.
  public var window: WindowGeometry?
  /// Top-1 accuracy of the classifier ending here, for `exit` layers of multi-exit models.
  public var accuracy: Double?
  /// Measured time of one inference of this layer on the instance's device, in milliseconds
  /// (finite, ≥ 0). When present it replaces `flops ÷ deviceGflops`; see
  /// ``DNNModel/seconds(_:on:gflops:)``.
  public var deviceMs: Double?
  /// Measured time of one inference of this layer on the server, in milliseconds (finite, ≥ 0),
  /// on **one** server thread: models with threads divide it by ``DNNModel/speedup(threads:)``
  /// exactly as they divide the FLOPs-based time. When present it replaces
  /// `flops ÷ serverGflops`; see ``DNNModel/seconds(_:on:gflops:)``.
  public var serverMs: Double?

  public init(
    name: String, type: LayerKind, flops: Double, outputBytes: Double, paramBytes: Double,
    inputs: [String], outputShape: TensorShape? = nil, window: WindowGeometry? = nil,
    accuracy: Double? = nil, deviceMs: Double? = nil, serverMs: Double? = nil
  ) {
    self.name = name
    self.type = type
    self.flops = flops
    self.outputBytes = outputBytes
    self.paramBytes = paramBytes
    self.inputs = inputs
    self.outputShape = outputShape
    self.window = window
    self.accuracy = accuracy
    self.deviceMs = deviceMs
    self.serverMs = serverMs
  }
}
