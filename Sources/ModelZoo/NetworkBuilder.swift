import EdgeSplitModel

/// Numeric precision of a model's tensors and parameters: how many bytes one element takes.
public enum Precision: String, Sendable, CaseIterable {
  /// 32-bit floats, 4 bytes per element: the zoo's default.
  case fp32
  /// 16-bit floats, 2 bytes per element.
  case fp16
  /// 8-bit integers (quantized), 1 byte per element.
  case int8

  /// Bytes per tensor or parameter element.
  public var bytesPerElement: Int {
    switch self {
    case .fp32: 4
    case .fp16: 2
    case .int8: 1
    }
  }
}

/// Builds a `DNNModel` from an architecture definition, so that every shape, FLOP count and
/// byte size is computed from the layer hyper-parameters and never typed in by hand.
///
/// The builder tracks a ``current`` tensor; each operation reads it (or the tensor passed as
/// `from:`), appends one layer and makes that layer's output current. Layers are appended in
/// program order, so file order is already a topological order.
///
/// Conventions, shared by the whole zoo and by ``SyntheticNetworks``:
/// - **Work** is FLOPs = 2 × MACs. Convolution MACs are
///   `Cout × Hout × Wout × (Cin / groups) × k × k`; fully connected MACs are `in × out`.
///   Pooling, ReLU, batch norm, LRN, `add` and `concat` cost 0 FLOPs (their element-wise work
///   is negligible next to conv/fc and is not counted, as in the usual GMAC figures).
/// - **Bytes** are `bytesPerElement` × elements (fp32 = 4 by default, see ``Precision``), for
///   outputs, parameters and the model input.
/// - **Spatial size** is `floor((H + 2p − d(k − 1) − 1) / s) + 1` (dilation `d`, 1 unless given); pooling may use PyTorch's ceil mode
///   (the last window must still start inside the input or its left padding) and darknet-style
///   extra padding on the trailing (bottom/right) side only.
/// - **Folding**: ReLU, batch norm and LRN are folded into the layer that produced the current
///   tensor; they emit no layer and cost 0 FLOPs. Batch norm adds **2 parameters per channel**
///   (the learned scale γ and shift β, which is what torchvision and darknet count; the running
///   mean and variance are buffers that fold into γ and β at inference).
/// - **Layer granularity**: one layer per conv, fc, pool, `add`, `concat` and `exit`.
///   `flatten()` only reshapes the tracked tensor (a view, no layer); dropout is ignored.
///
/// Operations never throw: the first mistake (bad shape, unknown or duplicate name, …) is
/// recorded and reported by ``build(parallelFraction:)``, which keeps architecture code free of
/// `try` on every line. Such a mistake is a bug in the architecture definition, not bad input.
public struct NetworkBuilder: Sendable {
  /// A tensor seen while building: the layer that produced it and its shape.
  public struct Tensor: Sendable, Hashable {
    /// Name of the producing layer; `nil` for the model input.
    public let layer: String?
    /// `[C, H, W]` for feature maps, `[N]` for vectors.
    public let shape: TensorShape

    /// Number of elements.
    public var elements: Int { shape.reduce(1, *) }
    /// Leading dimension: channels of a feature map, features of a vector.
    public var channels: Int { shape.first ?? 0 }
  }

  /// Reduction computed by a pooling layer (both cost 0 FLOPs by convention).
  public enum PoolKind: Sendable { case max, avg }

  /// Name given to the built model.
  public let name: String
  /// Bytes of one tensor or parameter element (4 for fp32, see ``Precision``).
  public let bytesPerElement: Int
  /// The tensor the next operation reads unless it is given `from:`.
  public private(set) var current: Tensor
  /// Number of layers appended so far.
  public var layerCount: Int { layers.count }

  private var modelInput: Tensor?
  private var layers: [Layer] = []
  private var indexByName: [String: Int] = [:]
  /// The first mistake recorded so far (what ``build(parallelFraction:)`` will throw), if any:
  /// lets a caller that translates another format stop at the step that caused it.
  public private(set) var problem: FieldError?

  /// Starts an empty network whose tensors and parameters have `precision`; call
  /// ``input(channels:height:width:)`` first.
  public init(_ name: String, precision: Precision = .fp32) {
    self.name = name
    bytesPerElement = precision.bytesPerElement
    current = Tensor(layer: nil, shape: [])
  }

  /// Declares the model input (a `channels × height × width` image of the builder's precision)
  /// and makes it current.
  @discardableResult
  public mutating func input(channels: Int, height: Int, width: Int) -> Tensor {
    let shape = [channels, height, width]
    if modelInput != nil { fail("input", "the model input is declared twice") }
    do { try Check.shape(shape, "input") } catch { return fail(error.path, error.message) }
    let tensor = Tensor(layer: nil, shape: shape)
    modelInput = tensor
    current = tensor
    return tensor
  }

  // MARK: - Layers with weights

  /// A 2-D convolution with square kernels. `groups == Cin > 1` makes it depthwise
  /// (`LayerKind.depthwiseConv`); other group counts stay `LayerKind.conv`. A `dilation`
  /// above 1 spreads the `kernel` taps over `dilation × (kernel − 1) + 1` pixels: the work is
  /// still `kernel²` MACs per output, and the recorded `WindowGeometry.kernel` is the spread
  /// (the input region one output reads).
  @discardableResult
  public mutating func conv(
    _ name: String, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
    groups: Int = 1, bias: Bool = true, from: Tensor? = nil
  ) -> Tensor {
    convolution(name, out: out, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                groups: groups, bias: bias, inputs: [from ?? current])
  }

  /// A convolution over the channel-wise concatenation of `inputs` (same height and width),
  /// as one layer: lets the synthetic generators give a multi-input layer real work.
  @discardableResult
  mutating func convolution(
    _ name: String, out: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1, groups: Int, bias: Bool,
    inputs: [Tensor]
  ) -> Tensor {
    guard let (cin, h, w) = spatial(inputs, name) else { return current }
    guard out > 0, kernel > 0, stride > 0, padding >= 0, dilation > 0, groups > 0,
          cin % groups == 0, out % groups == 0 else {
      return fail(name, "bad conv: Cin \(cin), out \(out), k \(kernel), s \(stride), p \(padding), d \(dilation), groups \(groups)")
    }
    let spread = dilation * (kernel - 1) + 1
    let ho = Self.outputSize(h, kernel: spread, stride: stride, padding: padding)
    let wo = Self.outputSize(w, kernel: spread, stride: stride, padding: padding)
    guard ho > 0, wo > 0 else { return fail(name, "kernel \(spread) does not fit a \(h)×\(w) input") }
    guard let macs = Self.countable(out, ho, wo, cin / groups, kernel, kernel) else {
      return fail(name, "more than 2^53 multiply-accumulates: Cin \(cin), out \(out), k \(kernel), output \(ho)×\(wo)")
    }
    let perOutput = (cin / groups) * kernel * kernel
    let kind: LayerKind = groups > 1 && groups == cin ? .depthwiseConv : .conv
    return emit(name, kind, macs: macs,
                params: out * perOutput + (bias ? out : 0), inputs: inputs, shape: [out, ho, wo],
                window: WindowGeometry(kernel: spread, stride: stride, padding: padding))
  }

  /// A fully connected layer; a feature-map input is flattened implicitly (`in = C × H × W`).
  @discardableResult
  public mutating func fc(_ name: String, out: Int, bias: Bool = true, from: Tensor? = nil) -> Tensor {
    dense(name, .fc, out: out, bias: bias, accuracy: nil, from: from ?? current)
  }

  /// A classifier exit of a multi-exit model: a fully connected layer of kind
  /// `LayerKind.exit` whose output is the class scores, carrying its top-1 `accuracy`.
  @discardableResult
  public mutating func exit(_ name: String, classes: Int, accuracy: Double, from: Tensor? = nil) -> Tensor {
    dense(name, .exit, out: classes, bias: true, accuracy: accuracy, from: from ?? current)
  }

  private mutating func dense(
    _ name: String, _ kind: LayerKind, out: Int, bias: Bool, accuracy: Double?, from input: Tensor
  ) -> Tensor {
    let features = input.elements
    guard out > 0, !input.shape.isEmpty, features > 0 else {
      return fail(name, "bad fc: \(input.shape) → \(out)")
    }
    guard let macs = Self.countable(features, out) else {
      return fail(name, "more than 2^53 multiply-accumulates: \(features) → \(out)")
    }
    return emit(name, kind, macs: macs, params: macs + (bias ? out : 0),
                inputs: [input], shape: [out], accuracy: accuracy)
  }

  // MARK: - Layers without weights (0 FLOPs)

  /// Max or average pooling with square windows. `ceilMode` rounds the output size up as
  /// PyTorch does; `trailingPadding` adds padding on the bottom/right side only (darknet's
  /// stride-1 max pool keeps 13×13 with it). The recorded `WindowGeometry` holds the
  /// symmetric `padding` only, which is what locates a window's start for tiling.
  @discardableResult
  public mutating func pool(
    _ name: String, _ kind: PoolKind, kernel: Int, stride: Int, padding: Int = 0,
    ceilMode: Bool = false, trailingPadding: Int = 0, from: Tensor? = nil
  ) -> Tensor {
    let input = from ?? current
    guard let (c, h, w) = spatial([input], name) else { return current }
    guard kernel > 0, stride > 0, padding >= 0, trailingPadding >= 0, 2 * padding <= kernel else {
      return fail(name, "bad pool: k \(kernel), s \(stride), p \(padding)")
    }
    let size = { (n: Int) in
      Self.outputSize(n, kernel: kernel, stride: stride, padding: padding,
                      trailingPadding: trailingPadding, ceilMode: ceilMode)
    }
    let (ho, wo) = (size(h), size(w))
    guard ho > 0, wo > 0 else { return fail(name, "kernel \(kernel) does not fit a \(h)×\(w) input") }
    return emit(name, .pool, macs: 0, params: 0, inputs: [input], shape: [c, ho, wo],
                window: WindowGeometry(kernel: kernel, stride: stride, padding: padding))
  }

  /// Global average pooling to `C × 1 × 1` (a pool whose window is the whole, square, map).
  @discardableResult
  public mutating func globalAvgPool(_ name: String, from: Tensor? = nil) -> Tensor {
    let input = from ?? current
    guard let (c, h, w) = spatial([input], name) else { return current }
    let window = h == w ? WindowGeometry(kernel: h, stride: h, padding: 0) : nil
    return emit(name, .pool, macs: 0, params: 0, inputs: [input], shape: [c, 1, 1], window: window)
  }

  /// Channel-wise concatenation of feature maps of equal height and width.
  @discardableResult
  public mutating func concat(_ name: String, from inputs: [Tensor]) -> Tensor {
    guard inputs.count >= 2 else { return fail(name, "concat needs at least two inputs") }
    guard let (c, h, w) = spatial(inputs, name) else { return current }
    return emit(name, .concat, macs: 0, params: 0, inputs: inputs, shape: [c, h, w])
  }

  /// Element-wise sum of tensors of identical shape (a residual join).
  @discardableResult
  public mutating func add(_ name: String, from inputs: [Tensor]) -> Tensor {
    guard inputs.count >= 2 else { return fail(name, "add needs at least two inputs") }
    guard inputs.allSatisfy({ $0.shape == inputs[0].shape }), !inputs[0].shape.isEmpty else {
      return fail(name, "add inputs differ in shape: \(inputs.map(\.shape))")
    }
    return emit(name, .add, macs: 0, params: 0, inputs: inputs, shape: inputs[0].shape)
  }

  // MARK: - Folded operations (no layer)

  /// ReLU (or leaky ReLU, ReLU6): folded into the current tensor's layer, 0 FLOPs, no
  /// parameters. Kept so that definitions read like the architecture they transcribe.
  public mutating func relu() {}

  /// Local response normalization: folded like ``relu()``, 0 FLOPs, no parameters.
  public mutating func lrn() {}

  /// Batch norm over the channels of `from` (default: the current tensor): folded into the
  /// layer that produced it, adding 2 parameters (γ, β) per channel to that layer's `paramBytes`.
  public mutating func batchnorm(from: Tensor? = nil) {
    let input = from ?? current
    guard let producer = input.layer, let i = indexByName[producer] else {
      fail("batchnorm", "batch norm must follow a layer, not the model input"); return
    }
    layers[i].paramBytes += Double(bytesPerElement * 2 * input.channels)
  }

  /// Reshapes `from` (default: the current tensor) to a vector and makes it current. A view:
  /// no layer, no cost, same producer.
  @discardableResult
  public mutating func flatten(from: Tensor? = nil) -> Tensor {
    let input = from ?? current
    current = Tensor(layer: input.layer, shape: [input.elements])
    return current
  }

  // MARK: - General operations (importers of other formats)

  /// A 2-D convolution with any kernel, stride, dilation and padding per axis: `kernel`,
  /// `stride` and `dilation` are `[height, width]`, `pads` `[top, left, bottom, right]`. When
  /// every pair is equal and the padding symmetric it is ``conv(_:out:kernel:stride:padding:dilation:groups:bias:from:)``
  /// itself; otherwise the layer has the same FLOPs convention
  /// (`Cout × Hout × Wout × (Cin / groups) × kH × kW` MACs) and no `WindowGeometry` (the
  /// fused-layer tiling handles square windows only).
  @discardableResult
  public mutating func conv(
    _ name: String, out: Int, kernel: [Int], stride: [Int], pads: [Int], dilation: [Int],
    groups: Int = 1, bias: Bool = true, from: Tensor? = nil
  ) -> Tensor {
    let input = from ?? current
    guard kernel.count == 2, stride.count == 2, dilation.count == 2, pads.count == 4 else {
      return fail(name, "a 2-D convolution needs two kernel sides, strides and dilations and four pads")
    }
    if kernel[0] == kernel[1], stride[0] == stride[1], dilation[0] == dilation[1], Set(pads).count == 1 {
      return conv(name, out: out, kernel: kernel[0], stride: stride[0], padding: pads[0], dilation: dilation[0],
                  groups: groups, bias: bias, from: input)
    }
    guard let (cin, h, w) = spatial([input], name) else { return current }
    guard out > 0, groups > 0, cin % groups == 0, out % groups == 0,
          (kernel + stride + dilation).allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 }) else {
      return fail(name, "bad conv: Cin \(cin), out \(out), k \(kernel), s \(stride), pads \(pads), d \(dilation), groups \(groups)")
    }
    let ho = Self.outputSize(h, kernel: dilation[0] * (kernel[0] - 1) + 1, stride: stride[0], padding: pads[0],
                             trailingPadding: pads[2] - pads[0])
    let wo = Self.outputSize(w, kernel: dilation[1] * (kernel[1] - 1) + 1, stride: stride[1], padding: pads[1],
                             trailingPadding: pads[3] - pads[1])
    guard ho > 0, wo > 0 else { return fail(name, "kernel \(kernel) does not fit a \(h)×\(w) input") }
    guard let macs = Self.countable(out, ho, wo, cin / groups, kernel[0], kernel[1]) else {
      return fail(name, "more than 2^53 multiply-accumulates: Cin \(cin), out \(out), k \(kernel), output \(ho)×\(wo)")
    }
    let perOutput = (cin / groups) * kernel[0] * kernel[1]
    let kind: LayerKind = groups > 1 && groups == cin ? .depthwiseConv : .conv
    return emit(name, kind, macs: macs, params: out * perOutput + (bias ? out : 0), inputs: [input], shape: [out, ho, wo])
  }

  /// A layer of any kind and shape, for operators the builder has no method for (an imported
  /// `MatMul` of two activations, `Resize`, a broadcasting `Mul`, ...): `macs` multiply-accumulates
  /// (FLOPs = 2 × MACs) and `params` parameter elements. Returns `nil` after recording a mistake
  /// when `macs` or `params` exceed 2^53.
  @discardableResult
  public mutating func operation(
    _ name: String, _ kind: LayerKind, macs: [Int], params: Int = 0, from inputs: [Tensor], shape: TensorShape
  ) -> Tensor {
    guard !inputs.isEmpty else { return fail(name, "an operation needs at least one input") }
    guard let product = Self.countable(macs), params >= 0, params <= 1 << 53 else {
      return fail(name, "more than 2^53 multiply-accumulates: \(macs.map(String.init).joined(separator: " × "))")
    }
    return emit(name, kind, macs: product, params: params, inputs: inputs, shape: shape)
  }

  /// `from` seen with another shape: a view (reshape, transpose, slice) of the same producer, no
  /// layer and no cost. The producing layer's `outputBytes` keep its own shape.
  public func view(_ from: Tensor, shape: TensorShape) -> Tensor { Tensor(layer: from.layer, shape: shape) }

  /// Adds `elements` parameters (of the builder's precision) to the layer that produced `tensor`:
  /// what a folded operator with weights (a normalization's scale and shift, a bias, a layer scale)
  /// costs. Recorded as a mistake when `tensor` is the model input.
  public mutating func addParameters(_ elements: Int, to tensor: Tensor, _ what: String) {
    guard let producer = tensor.layer, let i = indexByName[producer] else {
      fail(what, "\(what) has parameters, which cannot be folded into the model input"); return
    }
    layers[i].paramBytes += Double(bytesPerElement) * Double(elements)
  }

  // MARK: - Result

  /// The validated model. Throws only when the architecture definition has a mistake
  /// (the first one recorded, or one `DNNModel` itself rejects).
  public func build(parallelFraction: Double? = nil) throws(FieldError) -> DNNModel {
    if let problem { throw problem }
    guard let modelInput else { throw FieldError("input", "no model input declared") }
    return try DNNModel(name: name, inputBytes: bytes(of: modelInput), inputShape: modelInput.shape,
                        layers: layers, parallelFraction: parallelFraction)
  }

  /// Output length of a sliding window along one axis (see the type's conventions).
  public static func outputSize(
    _ size: Int, kernel: Int, stride: Int, padding: Int, trailingPadding: Int = 0,
    ceilMode: Bool = false
  ) -> Int {
    let span = size + 2 * padding + trailingPadding - kernel
    guard span >= 0 else { return 0 }
    guard ceilMode else { return span / stride + 1 }
    let out = (span + stride - 1) / stride + 1
    // PyTorch drops a last window that would start in the right padding.
    return (out - 1) * stride >= size + padding ? out - 1 : out
  }

  // MARK: - Internals

  private func bytes(of tensor: Tensor) -> Double { Double(bytesPerElement) * Double(tensor.elements) }

  /// The product of `factors` when it is at most 2^53 (so FLOPs and bytes stay exact as
  /// `Double`), `nil` when larger: counts from imported files cannot overflow.
  private static func countable(_ factors: Int...) -> Int? { countable(factors) }

  private static func countable(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
      let (next, overflow) = product.multipliedReportingOverflow(by: factor)
      guard !overflow, next <= 1 << 53 else { return nil }
      product = next
    }
    return product
  }

  /// `(ΣC, H, W)` of feature maps that share height and width, or `nil` after recording why not.
  private mutating func spatial(_ inputs: [Tensor], _ name: String) -> (Int, Int, Int)? {
    guard !inputs.isEmpty, inputs.allSatisfy({ $0.shape.count == 3 }) else {
      fail(name, "needs [C, H, W] feature maps, got \(inputs.map(\.shape))"); return nil
    }
    let (h, w) = (inputs[0].shape[1], inputs[0].shape[2])
    guard inputs.allSatisfy({ $0.shape[1] == h && $0.shape[2] == w }) else {
      fail(name, "inputs differ in height/width: \(inputs.map(\.shape))"); return nil
    }
    return (inputs.reduce(0) { $0 + $1.shape[0] }, h, w)
  }

  private mutating func emit(
    _ name: String, _ kind: LayerKind, macs: Int, params: Int, inputs: [Tensor],
    shape: TensorShape, window: WindowGeometry? = nil, accuracy: Double? = nil
  ) -> Tensor {
    guard indexByName[name] == nil else { return fail(name, "duplicate layer name") }
    do { try Check.shape(shape, "outputShape") } catch { return fail(name, "output shape \(error.message)") }
    let sources = inputs.compactMap(\.layer)
    guard sources.isEmpty || sources.count == inputs.count else {
      return fail(name, "a layer cannot read both the model input and other layers")
    }
    if let unknown = sources.first(where: { indexByName[$0] == nil }) {
      return fail(name, "reads '\(unknown)', which is not a layer built so far")
    }
    if sources.isEmpty && modelInput == nil { return fail(name, "no model input declared") }
    let output = Tensor(layer: name, shape: shape)
    indexByName[name] = layers.count
    layers.append(Layer(
      name: name, type: kind, flops: 2 * Double(macs), outputBytes: bytes(of: output),
      paramBytes: Double(bytesPerElement) * Double(params), inputs: sources, outputShape: shape, window: window,
      accuracy: accuracy))
    current = output
    return output
  }

  @discardableResult
  private mutating func fail(_ path: String, _ message: String) -> Tensor {
    if problem == nil { problem = FieldError(path, message) }
    return current
  }
}
