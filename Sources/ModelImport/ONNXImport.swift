import EdgeSplitModel
import ModelZoo

/// Imports an ONNX model (a serialized `ModelProto`) as a `DNNModel`, with shapes, FLOPs and
/// bytes from shape inference under the model zoo's conventions (see `NetworkBuilder`): every
/// node goes through the same builder the zoo uses, so an imported ResNet has the zoo's numbers.
///
/// The file is read with a small bounds-checked protobuf reader (no generated code): any
/// malformed byte sequence is an `InstanceLoadError` naming the byte offset, never a crash.
///
/// Supported operators (default domain):
/// - **Layers**: `Conv` (square `kernel_shape`, `strides`, `dilations`; symmetric `pads`; `group`,
///   depthwise when `group` = channels; bias when it has a third input), `Gemm` (`transB`; bias
///   when it has a third input) and `MatMul` (no bias) with constant weights, `MaxPool` /
///   `AveragePool` (square, `ceil_mode`, extra padding at the end only), `GlobalAveragePool` /
///   `GlobalMaxPool`, `Add` of two feature maps, `Concat` on the channel axis.
/// - **Folded** into the layer that produced their input (no layer, 0 FLOPs): `BatchNormalization`
///   (2 parameters per channel), `Relu`, `LeakyRelu`, `Clip`, `Sigmoid`, `Tanh`, `Softmax`,
///   `Dropout`, `Identity`; `Flatten` (axis 1) and `Reshape` to `[N, C·H·W]` with a constant shape
///   are views.
/// - `Constant` nodes provide tensors like initializers.
///
/// The model input is the one graph input that is not an initializer, of shape `[N, C, H, W]`
/// with a batch `N` of 1 (or symbolic); layer names are node names (the first output's name for
/// unnamed nodes). Declared graph output shapes are checked against the inferred ones.
public enum ONNXImport {
  /// The model in `bytes` (the contents of `file`), named `name`, with tensors and parameters in
  /// `precision`.
  public static func model(
    from bytes: [UInt8], file: String, name: String, precision: Precision = .fp32
  ) throws(InstanceLoadError) -> DNNModel {
    let graph: ONNXGraph
    do { graph = try ONNXGraph(modelProto: bytes) } catch {
      throw InstanceLoadError(file: file, path: "byte \(error.offset)", message: error.message)
    }
    var importer = Importer(file: file, graph: graph, builder: NetworkBuilder(name, precision: precision))
    return try importer.run()
  }
}

/// One import: the builder and the tensors produced so far, by ONNX value name.
private struct Importer {
  let file: String
  let graph: ONNXGraph
  var builder: NetworkBuilder
  var values: [String: NetworkBuilder.Tensor] = [:]
  var constants: [String: ONNXGraph.Tensor]
  /// Where errors point: the node being translated.
  var location = ""

  init(file: String, graph: ONNXGraph, builder: NetworkBuilder) {
    self.file = file
    self.graph = graph
    self.builder = builder
    constants = graph.initializers
  }

  func fail(_ message: String) -> InstanceLoadError { InstanceLoadError(file: file, path: location, message: message) }

  mutating func run() throws(InstanceLoadError) -> DNNModel {
    try declareInput()
    if let problem = builder.problem { throw fail(problem.message) }
    for (index, node) in graph.nodes.enumerated() {
      let name = node.name.isEmpty ? (node.outputs.first.flatMap { $0.isEmpty ? nil : $0 } ?? "\(node.opType)_\(index)") : node.name
      location = "node '\(name)' (op \(node.opType))"
      try translate(node, layerName: name)
      if let problem = builder.problem { throw fail(problem.message) }
    }
    try checkOutputs()
    location = ""
    do { return try builder.build() } catch { throw fail(error.description) }
  }

  private mutating func declareInput() throws(InstanceLoadError) {
    location = "graph input"
    let inputs = graph.inputs.filter { constants[$0.name] == nil }
    guard inputs.count == 1, let input = inputs.first else {
      throw fail("the model needs exactly one input tensor, found \(inputs.count) (\(inputs.map(\.name).joined(separator: ", ")))")
    }
    location = "graph input '\(input.name)'"
    guard let dims = input.dims, dims.count == 4, dims[0] == nil || dims[0] == 1,
          let c = dims[1], let h = dims[2], let w = dims[3],
          [c, h, w].allSatisfy({ (1...Int64(Check.maxTensorSide)).contains($0) }) else {
      throw fail("must have the shape [N, C, H, W] with batch N = 1 and known C, H, W, got \(render(input.dims))")
    }
    values[input.name] = builder.input(channels: Int(c), height: Int(h), width: Int(w))
  }

  private mutating func checkOutputs() throws(InstanceLoadError) {
    for output in graph.outputs {
      location = "graph output '\(output.name)'"
      guard let tensor = values[output.name] else { throw fail("no node produces it") }
      guard let dims = output.dims, dims.allSatisfy({ $0 != nil }) else { continue }
      let inferred = [1] + tensor.shape.map(Int64.init)
      let declared = dims.map { $0 ?? 0 }
      // A vector output may be declared [N, F] for the inferred [F] (or the reverse, with 1s).
      guard declared.filter({ $0 != 1 }) == inferred.filter({ $0 != 1 }) else {
        throw fail("declared shape \(declared) differs from the inferred \(inferred)")
      }
    }
  }

  // MARK: - Operators

  private static let elementWise: Set<String> = [
    "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Softmax", "Dropout", "Identity",
  ]

  private mutating func translate(_ node: ONNXGraph.Node, layerName name: String) throws(InstanceLoadError) {
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw fail("unsupported operator (domain '\(node.domain)')")
    }
    guard let output = node.outputs.first, !output.isEmpty else { throw fail("the node has no output") }
    switch node.opType {
    case "Conv":
      values[output] = try conv(node, name)
    case "Gemm", "MatMul":
      values[output] = try dense(node, name)
    case "MaxPool", "AveragePool":
      values[output] = try pool(node, name)
    case "GlobalAveragePool", "GlobalMaxPool":
      values[output] = builder.globalAvgPool(name, from: try value(node, 0))
    case "Add":
      guard node.inputs.count == 2 else { throw fail("needs two inputs, got \(node.inputs.count)") }
      values[output] = builder.add(name, from: [try value(node, 0), try value(node, 1)])
    case "Concat":
      let axis = try int(node, "axis", default: nil)
      guard axis == 1 || axis == -3 else { throw fail("only the channel axis (1) is supported, got axis \(axis)") }
      guard node.inputs.count >= 2 else { throw fail("needs at least two inputs") }
      var inputs: [NetworkBuilder.Tensor] = []
      for index in node.inputs.indices { inputs.append(try value(node, index)) }
      values[output] = builder.concat(name, from: inputs)
    case "BatchNormalization":
      let input = try value(node, 0)
      guard input.layer != nil else { throw fail("batch norm of the model input cannot be folded into a layer") }
      builder.batchnorm(from: input)
      values[output] = input
    case "Flatten":
      let axis = try int(node, "axis", default: 1)
      guard axis == 1 else { throw fail("only axis 1 (keep the batch) is supported, got axis \(axis)") }
      values[output] = builder.flatten(from: try value(node, 0))
    case "Reshape":
      values[output] = try reshape(node)
    case "Constant":
      guard case .tensor(let tensor)? = node.attributes["value"] else {
        throw fail("only a tensor 'value' attribute is supported")
      }
      constants[output] = tensor
    case let op where Self.elementWise.contains(op):
      values[output] = try value(node, 0)
    default:
      throw fail("unsupported operator")
    }
  }

  private mutating func conv(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> NetworkBuilder.Tensor {
    let input = try value(node, 0)
    let weights = try constant(node, 1, "weights")
    guard weights.dims.count == 4, weights.dims.allSatisfy({ (1...Int64(Check.maxTensorSide)).contains($0) }) else {
      throw fail("weights must have the shape [M, C/group, kH, kW], got \(weights.dims)")
    }
    let kernel = try square(node, "kernel_shape", default: Array(weights.dims[2...]))
    guard [Int64(kernel), Int64(kernel)] == Array(weights.dims[2...]) else {
      throw fail("kernel_shape \(kernel) disagrees with the weights \(weights.dims)")
    }
    let groups = try int(node, "group", default: 1)
    guard groups >= 1, Int64(input.channels) == weights.dims[1] * Int64(groups) else {
      throw fail("\(input.channels) input channels do not match weights \(weights.dims) with group \(groups)")
    }
    let (padding, extra) = try pads(node)
    guard extra == 0 else { throw fail("asymmetric pads are not supported for Conv") }
    return builder.conv(
      name, out: Int(weights.dims[0]), kernel: kernel, stride: try square(node, "strides", default: [1, 1]),
      padding: padding, dilation: try square(node, "dilations", default: [1, 1]), groups: groups,
      bias: node.inputs.count >= 3 && !node.inputs[2].isEmpty, from: input)
  }

  private mutating func dense(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> NetworkBuilder.Tensor {
    let input = try value(node, 0)
    let weights = try constant(node, 1, "weights")
    guard weights.dims.count == 2, weights.dims.allSatisfy({ (1...Int64(Check.maxTensorElements)).contains($0) }) else {
      throw fail("weights must be a matrix, got dims \(weights.dims)")
    }
    let gemm = node.opType == "Gemm"
    if gemm {
      guard try int(node, "transA", default: 0) == 0 else { throw fail("transA = 1 is not supported") }
    }
    let transposed = gemm ? try int(node, "transB", default: 0) != 0 : false
    let (features, out) = transposed ? (weights.dims[1], weights.dims[0]) : (weights.dims[0], weights.dims[1])
    guard features == Int64(input.elements) else {
      throw fail("weights \(weights.dims) expect \(features) input features, the input \(input.shape) has \(input.elements)")
    }
    return builder.fc(name, out: Int(out), bias: gemm && node.inputs.count >= 3 && !node.inputs[2].isEmpty, from: input)
  }

  private mutating func pool(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> NetworkBuilder.Tensor {
    let input = try value(node, 0)
    guard try square(node, "dilations", default: [1, 1]) == 1 else { throw fail("dilated pooling is not supported") }
    let (leading, trailing) = try pads(node)
    return builder.pool(
      name, node.opType == "MaxPool" ? .max : .avg, kernel: try square(node, "kernel_shape", default: nil),
      stride: try square(node, "strides", default: [1, 1]), padding: leading,
      ceilMode: try int(node, "ceil_mode", default: 0) != 0, trailingPadding: trailing, from: input)
  }

  /// `Reshape` with a constant target that only flattens `[1, C, H, W]` to `[1, C·H·W]` (or keeps it).
  private mutating func reshape(_ node: ONNXGraph.Node) throws(InstanceLoadError) -> NetworkBuilder.Tensor {
    let input = try value(node, 0)
    guard let target = try constant(node, 1, "shape").int64Values else {
      throw fail("the target shape must be a constant int64 tensor")
    }
    let source = [1] + input.shape.map(Int64.init)
    var resolved = target.enumerated().map { index, side in side == 0 && index < source.count ? source[index] : side }
    if let unknown = resolved.firstIndex(of: -1) {
      var known: Int64 = 1
      for (index, side) in resolved.enumerated() where index != unknown {
        let (product, overflow) = known.multipliedReportingOverflow(by: side)
        guard !overflow, product > 0 else { throw fail("cannot resolve the target shape \(target)") }
        known = product
      }
      resolved[unknown] = Int64(input.elements) / known
    }
    if resolved == source { return input }
    guard resolved == [1, Int64(input.elements)] else {
      throw fail("reshape of \(source) to \(target) is not supported (only flattening to [N, C·H·W])")
    }
    return builder.flatten(from: input)
  }

  // MARK: - Inputs and attributes

  /// The feature map that input `index` of `node` names.
  private func value(_ node: ONNXGraph.Node, _ index: Int) throws(InstanceLoadError) -> NetworkBuilder.Tensor {
    guard index < node.inputs.count else { throw fail("missing input \(index)") }
    let name = node.inputs[index]
    if let tensor = values[name] { return tensor }
    if constants[name] != nil { throw fail("input '\(name)' is a constant; a feature map is expected") }
    throw fail("reads '\(name)', which no earlier node or graph input produces")
  }

  /// The constant tensor (initializer or `Constant` output) that input `index` of `node` names.
  private func constant(_ node: ONNXGraph.Node, _ index: Int, _ what: String) throws(InstanceLoadError) -> ONNXGraph.Tensor {
    guard index < node.inputs.count else { throw fail("missing \(what) (input \(index))") }
    guard let tensor = constants[node.inputs[index]] else {
      throw fail("\(what) '\(node.inputs[index])' must be a constant initializer")
    }
    return tensor
  }

  /// An integer attribute, `default` when absent (`nil`: required).
  private func int(_ node: ONNXGraph.Node, _ name: String, default value: Int?) throws(InstanceLoadError) -> Int {
    switch node.attributes[name] {
    case nil:
      guard let value else { throw fail("attribute '\(name)' is required") }
      return value
    case .int(let number)?:
      guard let small = Int32(exactly: number) else { throw fail("attribute '\(name)' = \(number) is out of range") }
      return Int(small)
    default:
      throw fail("attribute '\(name)' must be an integer")
    }
  }

  /// A two-element integer list attribute whose elements are equal (square windows), in
  /// `1...Check.maxTensorSide`.
  private func square(_ node: ONNXGraph.Node, _ name: String, default value: [Int64]?) throws(InstanceLoadError) -> Int {
    let list: [Int64]
    switch node.attributes[name] {
    case nil:
      guard let value else { throw fail("attribute '\(name)' is required") }
      list = value
    case .ints(let ints)?: list = ints
    default: throw fail("attribute '\(name)' must be a list of integers")
    }
    guard list.count == 2, list[0] == list[1], (1...Int64(Check.maxTensorSide)).contains(list[0]) else {
      throw fail("\(name) \(list) is not supported (two equal sizes in 1...\(Check.maxTensorSide), for 2-D square windows)")
    }
    return Int(list[0])
  }

  /// `pads` = [top, left, bottom, right] with equal top/left and equal bottom/right: the leading
  /// padding and the extra trailing padding (bottom − top). `auto_pad` other than NOTSET/VALID is
  /// not supported.
  private func pads(_ node: ONNXGraph.Node) throws(InstanceLoadError) -> (leading: Int, trailing: Int) {
    switch node.attributes["auto_pad"] {
    case nil, .string("NOTSET")?: break
    case .string("VALID")?: return (0, 0)
    case .string(let mode)?: throw fail("auto_pad \(mode) is not supported; export with explicit pads")
    default: throw fail("attribute 'auto_pad' must be a string")
    }
    let list: [Int64]
    switch node.attributes["pads"] {
    case nil: return (0, 0)
    case .ints(let ints)?: list = ints
    default: throw fail("attribute 'pads' must be a list of integers")
    }
    let range = 0...Int64(Check.maxTensorSide)
    guard list.count == 4, list[0] == list[1], list[2] == list[3], range.contains(list[0]), range.contains(list[2]),
          list[2] >= list[0] else {
      throw fail("pads \(list) are not supported (equal on both axes, the end at least the start)")
    }
    return (Int(list[0]), Int(list[2] - list[0]))
  }

  private func render(_ dims: [Int64?]?) -> String {
    guard let dims else { return "no shape" }
    return "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
  }
}
