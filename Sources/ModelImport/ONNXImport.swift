import EdgeSplitModel
import ModelZoo

/// Imports an ONNX model (a serialized `ModelProto`) as a `DNNModel`, with shapes, FLOPs and
/// bytes from shape inference under the model zoo's conventions (see `NetworkBuilder`): every
/// node goes through the same builder the zoo uses, so an imported ResNet has the zoo's numbers.
///
/// The file is read with a small bounds-checked protobuf reader (no generated code): any
/// malformed byte sequence is an `InstanceLoadError` naming the byte offset, never a crash.
/// Weights are never read, only their shapes, so a graph whose weights live in an external data
/// file (`.onnx.data`, what `torch.onnx.export(dynamo=True)` writes) imports without that file.
///
/// Values are either *constants* (initializers, `Constant`, `Shape`, `Size`, and anything computed
/// from constants only: the shape subgraphs exporters write, folded here) or *feature maps* with a
/// producing layer. Operators (default domain):
/// - **Layers**: `Conv` (any kernel, strides, dilations and pads; depthwise when `group` =
///   channels), `Gemm`, `MatMul` (constant weights: `fc`; two feature maps: `matmul`), `MaxPool` /
///   `AveragePool`, `GlobalAveragePool` / `GlobalMaxPool`, `ReduceMean` / `ReduceMax`, `Resize` /
///   `Upsample`, `Concat` of two or more inputs, and `Add` / `Sub` / `Mul` / `Div` / `Pow` /
///   `PRelu` / `Max` / `Min` of two feature maps from different layers.
/// - **Folded** into the layer that produced their input (no layer, 0 FLOPs): element-wise
///   operators (`Relu`, `Sigmoid`, `HardSwish`, `Softmax`, `Erf`, ...), the same binary operators
///   with a constant or with a feature map of the same layer (SiLU's `x · sigmoid(x)`),
///   `BatchNormalization` (2 parameters per channel), `LayerNormalization` /
///   `InstanceNormalization` / `GroupNormalization` (scale and bias); a float constant operand of
///   more than one element counts as parameters of that layer.
/// - **Views** (no layer, same producer, new shape): `Reshape`, `Flatten`, `Transpose`,
///   `Squeeze`, `Unsqueeze`, `Split`, `Slice`, `Gather`, `Expand`, `Pad`, `Identity`, `Dropout`,
///   a one-input `Concat`.
///
/// The model input is the one graph input that is not an initializer, of shape `[N, C, H, W]`
/// with a batch `N` of 1 (or symbolic); symbolic `C`, `H`, `W` need `inputShape`. Layer names are
/// node names (the first output's name for unnamed nodes). Declared graph output shapes are
/// checked against the inferred ones.
public enum ONNXImport {
  /// The model in `bytes` (the contents of `file`), named `name`, with tensors and parameters in
  /// `precision`. `inputShape` (`[N, C, H, W]` or `[C, H, W]`) gives the input's size when the
  /// file leaves dimensions symbolic; it must agree with the dimensions the file fixes.
  public static func model(
    from bytes: [UInt8], file: String, name: String, precision: Precision = .fp32, inputShape: [Int]? = nil
  ) throws(InstanceLoadError) -> DNNModel {
    let graph: ONNXGraph
    do { graph = try ONNXGraph(modelProto: bytes) } catch {
      throw InstanceLoadError(file: file, path: "byte \(error.offset)", message: error.message)
    }
    var importer = Importer(file: file, graph: graph, builder: NetworkBuilder(name, precision: precision))
    return try importer.run(inputShape: inputShape)
  }

  /// The operators the importer translates, for messages and `--help`.
  public static let supportedOperators: [String] = (Importer.layerOperators + Importer.binary.sorted()
    + Importer.elementWise.sorted() + Importer.norms.sorted() + Importer.views + Importer.constantOperators)
    .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
}

/// A constant: its dimensions, element type, and its values when the importer needs them (the
/// int64 shape arithmetic of exporters' shape subgraphs).
private struct Constant {
  var dims: [Int]
  /// `TensorProto.DataType` (1 float, 7 int64, 9 bool, ...).
  var type: Int32
  var values: [Int64]?
  var floats: [Float]?

  var elements: Int { dims.reduce(1, *) }
  var isFloat: Bool { [1, 10, 11, 16].contains(type) }
}

/// A feature map: the builder's tensor (its producer) and the full ONNX shape, batch included.
private struct Feature {
  var tensor: NetworkBuilder.Tensor
  var dims: [Int]
}

/// One import: the builder and the values produced so far, by ONNX value name.
private struct Importer {
  let file: String
  let graph: ONNXGraph
  var builder: NetworkBuilder
  var features: [String: Feature] = [:]
  var constants: [String: Constant] = [:]
  /// Where errors point: the node being translated.
  var location = ""

  static let layerOperators = ["Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
                               "ReduceMean", "ReduceMax", "Resize", "Upsample", "Concat"]
  static let binary: Set<String> = ["Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Max", "Min"]
  static let elementWise: Set<String> = [
    "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softmax", "LogSoftmax", "Dropout",
    "Identity", "Erf", "Gelu", "Sqrt", "Reciprocal", "Neg", "Exp", "Log", "Abs", "Elu", "Selu", "Celu", "Softplus",
    "Softsign", "Mish", "Cast", "Floor", "Ceil", "Round", "Sign", "Not", "ThresholdedRelu",
  ]
  static let norms: Set<String> = ["BatchNormalization", "LayerNormalization", "InstanceNormalization", "GroupNormalization"]
  static let views = ["Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Split", "Slice", "Gather", "Expand", "Pad"]
  static let constantOperators = ["Constant", "Shape", "Size", "ConstantOfShape", "Range", "Equal", "Where"]

  init(file: String, graph: ONNXGraph, builder: NetworkBuilder) {
    self.file = file
    self.graph = graph
    self.builder = builder
    for (name, tensor) in graph.initializers { constants[name] = Self.constant(tensor) }
  }

  func fail(_ message: String) -> InstanceLoadError { InstanceLoadError(file: file, path: location, message: message) }

  mutating func run(inputShape: [Int]?) throws(InstanceLoadError) -> DNNModel {
    try declareInput(inputShape)
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

  private mutating func declareInput(_ override: [Int]?) throws(InstanceLoadError) {
    location = "graph input"
    let inputs = graph.inputs.filter { constants[$0.name] == nil }
    guard inputs.count == 1, let input = inputs.first else {
      throw fail("the model needs exactly one input tensor, found \(inputs.count) (\(inputs.map(\.name).joined(separator: ", ")))")
    }
    location = "graph input '\(input.name)'"
    var dims = input.dims
    if let override {
      let given = override.count == 3 ? [1] + override : override
      guard given.count == 4, given[0] == 1, let declared = dims, declared.count == 4 else {
        throw fail("the input shape \(override) must be [N, C, H, W] with N = 1 (or [C, H, W]) for a 4-D input, the file declares \(render(dims))")
      }
      for (side, fixed) in zip(given, declared) where fixed != nil && fixed != Int64(side) && !(fixed == 1 && side == 1) {
        throw fail("the input shape \(given) disagrees with the file's \(render(declared))")
      }
      dims = given.map { Int64($0) }
    }
    guard let dims, dims.count == 4, dims[0] == nil || dims[0] == 1,
          let c = dims[1], let h = dims[2], let w = dims[3],
          [c, h, w].allSatisfy({ (1...Int64(Check.maxTensorSide)).contains($0) }) else {
      let hint = input.dims.map { $0.contains(nil) } == true ? " (give the size with --input-shape N,C,H,W)" : ""
      throw fail("must have the shape [N, C, H, W] with batch N = 1 and known C, H, W, got \(render(dims))\(hint)")
    }
    features[input.name] = Feature(tensor: builder.input(channels: Int(c), height: Int(h), width: Int(w)),
                                   dims: [1, Int(c), Int(h), Int(w)])
  }

  private mutating func checkOutputs() throws(InstanceLoadError) {
    for output in graph.outputs {
      location = "graph output '\(output.name)'"
      guard let feature = features[output.name] else {
        if constants[output.name] != nil { continue }
        throw fail("no node produces it")
      }
      guard let dims = output.dims, dims.allSatisfy({ $0 != nil }) else { continue }
      let inferred = feature.dims.map(Int64.init)
      let declared = dims.map { $0 ?? 0 }
      // A vector output may be declared [N, F] for the inferred [F] (or the reverse, with 1s).
      guard declared.filter({ $0 != 1 }) == inferred.filter({ $0 != 1 }) else {
        throw fail("declared shape \(declared) differs from the inferred \(inferred)")
      }
    }
  }

  // MARK: - Dispatch

  private mutating func translate(_ node: ONNXGraph.Node, layerName name: String) throws(InstanceLoadError) {
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw fail("unsupported operator (domain '\(node.domain)')")
    }
    guard let output = node.outputs.first, !output.isEmpty else { throw fail("the node has no output") }
    let inputs = node.inputs.filter { !$0.isEmpty }
    if node.opType == "Constant" || node.opType == "Shape" || node.opType == "Size"
        || !inputs.contains(where: { features[$0] != nil }) {
      for name in inputs where features[name] == nil && constants[name] == nil {
        throw fail("reads '\(name)', which no earlier node or graph input produces")
      }
      constants[output] = try fold(node)
      return
    }
    let op = node.opType
    switch op {
    case "Conv":
      set(node, try conv(node, name))
    case "Gemm":
      set(node, try gemm(node, name))
    case "MatMul":
      set(node, try matmul(node, name))
    case "MaxPool", "AveragePool":
      set(node, try pool(node, name))
    case "GlobalAveragePool", "GlobalMaxPool":
      let input = try feature(node, 0)
      set(node, Feature(tensor: builder.globalAvgPool(name, from: input.tensor), dims: Array(input.dims.prefix(2)) + [1, 1]))
    case "ReduceMean", "ReduceMax":
      set(node, try reduce(node, name))
    case "Resize", "Upsample":
      set(node, try resize(node, name))
    case "Concat":
      try concat(node, name)
    case _ where Self.binary.contains(op):
      try binary(node, name)
    case "BatchNormalization":
      let input = try feature(node, 0)
      guard input.tensor.layer != nil else { throw fail("batch norm of the model input cannot be folded into a layer") }
      builder.batchnorm(from: input.tensor)
      set(node, input)
    case _ where Self.norms.contains(op):
      let input = try feature(node, 0)
      let params = node.inputs.dropFirst().compactMap { constants[$0]?.elements }.reduce(0, +)
      builder.addParameters(params, to: input.tensor, name)
      set(node, input)
    case _ where Self.elementWise.contains(op):
      set(node, try feature(node, 0))
    case _ where Self.views.contains(op):
      try view(node)
    default:
      throw fail("unsupported operator")
    }
  }

  private mutating func set(_ node: ONNXGraph.Node, _ value: Feature) {
    features[node.outputs[0]] = value
  }

  /// A layer's output tensor of full ONNX shape `dims`.
  private func shape(_ dims: [Int]) -> TensorShape { dims.count >= 2 && dims[0] == 1 ? Array(dims.dropFirst()) : dims }

  private func built(_ tensor: NetworkBuilder.Tensor) -> Feature { Feature(tensor: tensor, dims: [1] + tensor.shape) }

  // MARK: - Layers

  private mutating func conv(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let input = try feature(node, 0)
    let weights = try constant(node, 1, "weights")
    guard weights.dims.count == 4, weights.dims.allSatisfy({ (1...Check.maxTensorSide).contains($0) }) else {
      throw fail("weights must have the shape [M, C/group, kH, kW], got \(weights.dims)")
    }
    let kernel = try ints(node, "kernel_shape", count: 2, default: Array(weights.dims[2...]))
    guard kernel == Array(weights.dims[2...]) else {
      throw fail("kernel_shape \(kernel) disagrees with the weights \(weights.dims)")
    }
    let groups = try int(node, "group", default: 1)
    guard input.dims.count == 4, groups >= 1, input.dims[1] == weights.dims[1] * groups else {
      throw fail("input \(input.dims) does not match weights \(weights.dims) with group \(groups)")
    }
    return built(builder.conv(
      name, out: weights.dims[0], kernel: kernel, stride: try ints(node, "strides", count: 2, default: [1, 1]),
      pads: try pads(node, kernel: kernel, input: input.dims), dilation: try ints(node, "dilations", count: 2, default: [1, 1]),
      groups: groups, bias: node.inputs.count >= 3 && !node.inputs[2].isEmpty, from: input.tensor))
  }

  private mutating func gemm(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let input = try feature(node, 0)
    let weights = try matrix(node)
    guard try int(node, "transA", default: 0) == 0 else { throw fail("transA = 1 is not supported") }
    let (features, out) = try int(node, "transB", default: 0) != 0 ? (weights[1], weights[0]) : (weights[0], weights[1])
    if input.dims.count == 2, input.dims[0] > 1 {
      // [M, K] × [K, N] with M rows (a transformer's tokens): M·K·N MACs.
      guard input.dims[1] == features else { throw fail("weights \(weights) expect \(features) input features, the input is \(input.dims)") }
      let bias = node.inputs.count >= 3 ? constants[node.inputs[2]]?.elements ?? 0 : 0
      let dims = [input.dims[0], out]
      return Feature(tensor: builder.operation(name, .fc, macs: [input.dims[0], features, out], params: features * out + bias,
                                               from: [input.tensor], shape: dims), dims: dims)
    }
    guard features == input.tensor.elements else {
      throw fail("weights \(weights) expect \(features) input features, the input \(input.dims) has \(input.tensor.elements)")
    }
    return built(builder.fc(name, out: out, bias: node.inputs.count >= 3 && !node.inputs[2].isEmpty, from: input.tensor))
  }

  /// `MatMul` with constant weights `[K, N]` (a fully connected layer on the last axis) or of two
  /// feature maps `[..., M, K] × [..., K, N]` (attention).
  private mutating func matmul(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let a = try feature(node, 0)
    guard node.inputs.count == 2 else { throw fail("needs two inputs") }
    if constants[node.inputs[1]] != nil {
      let weights = try matrix(node)
      if a.dims.count <= 2 {
        guard weights[0] == a.tensor.elements else {
          throw fail("weights \(weights) expect \(weights[0]) input features, the input \(a.dims) has \(a.tensor.elements)")
        }
        return built(builder.fc(name, out: weights[1], bias: false, from: a.tensor))
      }
      guard a.dims.last == weights[0] else { throw fail("cannot multiply \(a.dims) by weights \(weights)") }
      let dims = a.dims.dropLast() + [weights[1]]
      let tensor = builder.operation(name, .fc, macs: Array(a.dims.dropLast()) + weights, params: weights[0] * weights[1],
                                     from: [a.tensor], shape: shape(Array(dims)))
      return Feature(tensor: tensor, dims: Array(dims))
    }
    let b = try feature(node, 1)
    guard a.dims.count >= 2, b.dims.count >= 2, a.dims.last == b.dims[b.dims.count - 2] else {
      throw fail("cannot multiply \(a.dims) by \(b.dims)")
    }
    guard let batch = broadcast(Array(a.dims.dropLast(2)), Array(b.dims.dropLast(2))) else {
      throw fail("batch dimensions of \(a.dims) and \(b.dims) do not broadcast")
    }
    let dims = batch + [a.dims[a.dims.count - 2], b.dims.last!]
    let tensor = builder.operation(name, .matmul, macs: dims + [a.dims.last!], from: unique([a.tensor, b.tensor]),
                                   shape: shape(dims))
    return Feature(tensor: tensor, dims: dims)
  }

  private mutating func pool(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let input = try feature(node, 0)
    guard input.dims.count == 4 else { throw fail("pooling needs an [N, C, H, W] input, got \(input.dims)") }
    guard try ints(node, "dilations", count: 2, default: [1, 1]) == [1, 1] else { throw fail("dilated pooling is not supported") }
    let kernel = try ints(node, "kernel_shape", count: 2, default: nil)
    let stride = try ints(node, "strides", count: 2, default: [1, 1])
    let pads = try pads(node, kernel: kernel, input: input.dims)
    let ceil = try int(node, "ceil_mode", default: 0) != 0
    let kind: NetworkBuilder.PoolKind = node.opType == "MaxPool" ? .max : .avg
    if kernel[0] == kernel[1], stride[0] == stride[1], pads[0] == pads[1], pads[2] == pads[3], pads[2] >= pads[0] {
      return built(builder.pool(name, kind, kernel: kernel[0], stride: stride[0], padding: pads[0], ceilMode: ceil,
                                trailingPadding: pads[2] - pads[0], from: input.tensor))
    }
    let sides = (0..<2).map { axis in
      NetworkBuilder.outputSize(input.dims[axis + 2], kernel: kernel[axis], stride: stride[axis], padding: pads[axis],
                                trailingPadding: pads[axis + 2] - pads[axis], ceilMode: ceil)
    }
    guard sides.allSatisfy({ $0 > 0 }) else { throw fail("kernel \(kernel) does not fit the input \(input.dims)") }
    let dims = Array(input.dims.prefix(2)) + sides
    return Feature(tensor: builder.operation(name, .pool, macs: [0], from: [input.tensor], shape: shape(dims)), dims: dims)
  }

  private mutating func reduce(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let input = try feature(node, 0)
    let rank = input.dims.count
    var axes: [Int]
    if node.inputs.count >= 2, !node.inputs[1].isEmpty {
      axes = try values(node, 1, "axes").map(Int.init)
    } else {
      axes = try intList(node, "axes") ?? Array(0..<rank)
    }
    axes = try axes.map { (axis: Int) throws(InstanceLoadError) -> Int in try normalized(axis, rank: rank) }
    let keep = try int(node, "keepdims", default: 1) != 0
    let dims = input.dims.enumerated().compactMap { axis, side in axes.contains(axis) ? (keep ? 1 : nil) : side }
    if rank == 4, Set(axes) == [2, 3], keep {
      return built(builder.globalAvgPool(name, from: input.tensor))
    }
    let kind: LayerKind = Set(axes).isSubset(of: [2, 3]) && rank == 4 ? .pool : .other
    return Feature(tensor: builder.operation(name, kind, macs: [0], from: [input.tensor], shape: shape(dims)), dims: dims)
  }

  private mutating func resize(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> Feature {
    let input = try feature(node, 0)
    let dims: [Int]
    let sizes = node.opType == "Resize" && node.inputs.count >= 4 && !node.inputs[3].isEmpty ? node.inputs[3] : nil
    if let sizes {
      guard let target = constants[sizes]?.values, target.count == input.dims.count else {
        throw fail("the target 'sizes' must be a constant int64 tensor of rank \(input.dims.count)")
      }
      dims = target.map { Int($0) }
    } else {
      let index = node.opType == "Resize" ? 2 : 1
      guard node.inputs.count > index, let scales = constants[node.inputs[index]]?.floats, scales.count == input.dims.count else {
        throw fail("the 'scales' must be a constant float tensor of rank \(input.dims.count)")
      }
      dims = zip(input.dims, scales).map { Int((Float($0) * $1).rounded(.down)) }
    }
    guard dims.allSatisfy({ (1...Check.maxTensorSide).contains($0) }) else { throw fail("cannot resize to \(dims)") }
    return Feature(tensor: builder.operation(name, .resize, macs: [0], from: [input.tensor], shape: shape(dims)), dims: dims)
  }

  /// One input: a view; two or more (constants included): a `concat` layer.
  private mutating func concat(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) {
    let inputs = node.inputs.filter { !$0.isEmpty }
    if inputs.count == 1 { set(node, try feature(node, 0)); return }
    let all: [[Int]] = try inputs.map { (input: String) throws(InstanceLoadError) -> [Int] in
      if let feature = features[input] { return feature.dims }
      guard let constant = constants[input] else { throw fail("reads '\(input)', which no earlier node or graph input produces") }
      return constant.dims
    }
    let dims = try concatenated(all, axis: try int(node, "axis", default: nil))
    let sources = unique(inputs.compactMap { features[$0]?.tensor })
    let params = inputs.compactMap { constants[$0] }.filter { $0.isFloat && $0.elements > 1 }.map(\.elements).reduce(0, +)
    set(node, Feature(tensor: builder.operation(name, .concat, macs: [0], params: params, from: sources, shape: shape(dims)), dims: dims))
  }

  /// A binary element-wise operator: a layer when it joins two layers, else folded (a constant
  /// operand of more than one float counts as parameters).
  private mutating func binary(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) {
    guard node.inputs.count == 2 else { throw fail("needs two inputs, got \(node.inputs.count)") }
    let operands: [[Int]] = try (0..<2).map { (index: Int) throws(InstanceLoadError) -> [Int] in
      if let feature = features[node.inputs[index]] { return feature.dims }
      return try constant(node, index, "operand").dims
    }
    guard let dims = broadcast(operands[0], operands[1]) else {
      throw fail("shapes \(operands[0]) and \(operands[1]) do not broadcast")
    }
    let present = (0..<2).compactMap { features[node.inputs[$0]] }
    if present.count == 2, present[0].tensor.layer != present[1].tensor.layer {
      let kind: LayerKind = node.opType == "Add" ? .add : node.opType == "Mul" ? .mul : .other
      set(node, Feature(tensor: builder.operation(name, kind, macs: [0], from: present.map(\.tensor), shape: shape(dims)), dims: dims))
      return
    }
    let input = present[0]
    for operand in node.inputs {
      if let constant = constants[operand], constant.isFloat, constant.elements > 1 {
        builder.addParameters(constant.elements, to: input.tensor, name)
      }
    }
    guard dims.reduce(1, *) == input.dims.reduce(1, *) else {
      throw fail("broadcasting the feature map \(input.dims) to \(dims) is not supported")
    }
    set(node, Feature(tensor: builder.view(input.tensor, shape: shape(dims)), dims: dims))
  }

  // MARK: - Views

  private mutating func view(_ node: ONNXGraph.Node) throws(InstanceLoadError) {
    let input = try feature(node, 0)
    let outputs = try viewShapes(node, input.dims)
    guard outputs.count <= node.outputs.count else { throw fail("expects \(outputs.count) outputs") }
    for (name, dims) in zip(node.outputs, outputs) where !name.isEmpty {
      guard dims.allSatisfy({ $0 >= 0 }), dims.reduce(1, *) >= 1 || dims.contains(0) else { throw fail("gives the shape \(dims)") }
      features[name] = Feature(tensor: builder.view(input.tensor, shape: shape(dims)), dims: dims)
    }
  }

  /// The output shapes of a view (also used to fold the same operators over constants).
  private func viewShapes(_ node: ONNXGraph.Node, _ dims: [Int]) throws(InstanceLoadError) -> [[Int]] {
    let rank = dims.count
    switch node.opType {
    case "Identity", "Dropout", "Cast":
      return [dims]
    case "Reshape":
      return [try reshaped(dims, try values(node, 1, "shape"), allowZero: try int(node, "allowzero", default: 0) != 0)]
    case "Flatten":
      let axis = try normalized(try int(node, "axis", default: 1), rank: rank + 1)
      return [[dims[..<axis].reduce(1, *), dims[axis...].reduce(1, *)]]
    case "Transpose":
      let perm = try intList(node, "perm") ?? Array((0..<rank).reversed())
      guard perm.sorted() == Array(0..<rank) else { throw fail("perm \(perm) is not a permutation of \(rank) axes") }
      return [perm.map { dims[$0] }]
    case "Squeeze", "Unsqueeze":
      let given = node.inputs.count >= 2 && !node.inputs[1].isEmpty ? try values(node, 1, "axes").map(Int.init) : try intList(node, "axes")
      if node.opType == "Squeeze" {
        let axes = try (given ?? dims.indices.filter { dims[$0] == 1 }).map { (a: Int) throws(InstanceLoadError) -> Int in try normalized(a, rank: rank) }
        return [dims.enumerated().filter { !axes.contains($0.offset) }.map(\.element)]
      }
      guard let given else { throw fail("needs axes") }
      let axes = try given.map { (a: Int) throws(InstanceLoadError) -> Int in try normalized(a, rank: rank + given.count) }.sorted()
      var out = dims
      for axis in axes { out.insert(1, at: min(axis, out.count)) }
      return [out]
    case "Split":
      let axis = try normalized(try int(node, "axis", default: 0), rank: rank)
      var sizes: [Int]
      if node.inputs.count >= 2, !node.inputs[1].isEmpty {
        sizes = try values(node, 1, "split").map(Int.init)
      } else if let list = try intList(node, "split") {
        sizes = list
      } else {
        let parts = try int(node, "num_outputs", default: node.outputs.count)
        guard parts >= 1 else { throw fail("num_outputs must be positive") }
        let chunk = (dims[axis] + parts - 1) / parts
        sizes = (0..<parts).map { min(chunk, max(0, dims[axis] - $0 * chunk)) }
      }
      guard sizes.reduce(0, +) == dims[axis] else { throw fail("split sizes \(sizes) do not add up to \(dims[axis])") }
      return sizes.map { size in var out = dims; out[axis] = size; return out }
    case "Slice":
      let starts = try values(node, 1, "starts"), ends = try values(node, 2, "ends")
      let axes = node.inputs.count > 3 && !node.inputs[3].isEmpty ? try values(node, 3, "axes") : (0..<Int64(starts.count)).map { $0 }
      let steps = node.inputs.count > 4 && !node.inputs[4].isEmpty ? try values(node, 4, "steps") : starts.map { _ in 1 }
      guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
        throw fail("starts, ends, axes and steps differ in length")
      }
      var out = dims
      for i in starts.indices {
        let axis = try normalized(Int(axes[i]), rank: rank)
        out[axis] = try sliceLength(dims[axis], starts[i], ends[i], steps[i])
      }
      return [out]
    case "Gather":
      let axis = try normalized(try int(node, "axis", default: 0), rank: rank)
      let indices = try constant(node, 1, "indices")
      return [Array(dims[..<axis]) + indices.dims + Array(dims[(axis + 1)...])]
    case "Expand":
      guard let out = broadcast(dims, try values(node, 1, "shape").map(Int.init)) else { throw fail("shape does not broadcast") }
      return [out]
    case "Pad":
      let pads: [Int64]
      if node.inputs.count >= 2, !node.inputs[1].isEmpty { pads = try values(node, 1, "pads") } else { pads = (try intList(node, "pads") ?? []).map(Int64.init) }
      guard pads.count == 2 * rank else { throw fail("pads \(pads) need \(2 * rank) values") }
      return [dims.indices.map { dims[$0] + Int(pads[$0]) + Int(pads[$0 + rank]) }]
    default:
      throw fail("unsupported operator")
    }
  }

  private func reshaped(_ dims: [Int], _ target: [Int64], allowZero: Bool) throws(InstanceLoadError) -> [Int] {
    var resolved = target.enumerated().map { index, side in side == 0 && !allowZero && index < dims.count ? dims[index] : Int(side) }
    let total = dims.reduce(1, *)
    if let unknown = resolved.firstIndex(of: -1) {
      let known = resolved.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
      guard known > 0, total % known == 0 else { throw fail("cannot reshape \(dims) to \(target)") }
      resolved[unknown] = total / known
    }
    guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == total else {
      throw fail("cannot reshape \(dims) to \(target)")
    }
    return resolved
  }

  private func sliceLength(_ side: Int, _ start: Int64, _ end: Int64, _ step: Int64) throws(InstanceLoadError) -> Int {
    guard step != 0 else { throw fail("a slice step of 0") }
    let d = Int64(side)
    func clamp(_ value: Int64, _ low: Int64, _ high: Int64) -> Int64 { min(max(value, low), high) }
    let s = start < 0 ? start.addingReportingOverflow(d).partialValue : start
    let e = end < 0 ? end.addingReportingOverflow(d).partialValue : end
    if step > 0 {
      let (a, b) = (clamp(s, 0, d), clamp(e, 0, d))
      return Int(max(0, (b - a + step - 1) / step))
    }
    let (a, b) = (clamp(s, 0, d - 1), clamp(e, -1, d - 1))
    return Int(max(0, (a - b + (-step) - 1) / (-step)))
  }

  // MARK: - Constants

  private static func constant(_ tensor: ONNXGraph.Tensor) -> Constant {
    var values = tensor.int64Values
    if values == nil, tensor.dataType == 6 || tensor.dataType == 9, !tensor.int32Data.isEmpty { values = tensor.int32Data }
    return Constant(dims: tensor.dims.map { Int(clamping: $0) }, type: tensor.dataType, values: values, floats: tensor.floatValues)
  }

  /// The constant output of a node whose inputs are all constants (or `Shape`/`Size` of a feature map).
  private func fold(_ node: ONNXGraph.Node) throws(InstanceLoadError) -> Constant {
    let op = node.opType
    func input(_ i: Int) throws(InstanceLoadError) -> Constant { try constant(node, i, "input \(i)") }
    func dims(_ name: String) -> [Int]? { features[name]?.dims ?? constants[name]?.dims }
    switch op {
    case "Constant":
      switch (node.attributes["value"], node.attributes["value_int"], node.attributes["value_ints"], node.attributes["value_float"]) {
      case (.tensor(let tensor)?, _, _, _): return Self.constant(tensor)
      case (_, .int(let v)?, _, _): return Constant(dims: [], type: 7, values: [v])
      case (_, _, .ints(let v)?, _): return Constant(dims: [v.count], type: 7, values: v)
      case (_, _, _, .float(let v)?): return Constant(dims: [], type: 1, floats: [v])
      default: throw fail("only a tensor, value_int, value_ints or value_float attribute is supported")
      }
    case "Shape":
      guard let all = dims(node.inputs.first ?? "") else { throw fail("reads a value no earlier node produces") }
      let rank = all.count
      func bound(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
      let start = bound(try int(node, "start", default: 0)), end = bound(try int(node, "end", default: rank))
      let picked = start < end ? Array(all[start..<end]) : []
      return Constant(dims: [picked.count], type: 7, values: picked.map(Int64.init))
    case "Size":
      guard let all = dims(node.inputs.first ?? "") else { throw fail("reads a value no earlier node produces") }
      return Constant(dims: [], type: 7, values: [Int64(all.reduce(1, *))])
    case "ConstantOfShape":
      let shape = try values(node, 0, "shape").map(Int.init)
      guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) <= 1 << 24 else { throw fail("shape \(shape) is not supported") }
      var type: Int32 = 1
      var fill: Int64?
      if case .tensor(let value)? = node.attributes["value"] { type = value.dataType; fill = value.int64Values?.first }
      return Constant(dims: shape, type: type, values: fill.map { Array(repeating: $0, count: shape.reduce(1, *)) })
    case "Range":
      let (start, limit, delta) = (try scalar(node, 0), try scalar(node, 1), try scalar(node, 2))
      guard delta != 0 else { throw fail("a range step of 0") }
      let values = Array(stride(from: start, to: limit, by: Int(delta)))
      guard values.count <= 1 << 24 else { throw fail("range too long") }
      return Constant(dims: [values.count], type: try input(0).type, values: values)
    case "Concat":
      let parts = try node.inputs.indices.map { (i: Int) throws(InstanceLoadError) -> Constant in try input(i) }
      let out = try concatenated(parts.map(\.dims), axis: try int(node, "axis", default: nil))
      let values = parts.allSatisfy({ $0.dims.count == 1 && $0.values != nil }) ? parts.flatMap { $0.values! } : nil
      return Constant(dims: out, type: parts[0].type, values: values)
    case "Gather":
      let data = try input(0), indices = try input(1)
      let axis = try normalized(try int(node, "axis", default: 0), rank: data.dims.count)
      let out = Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...])
      var values: [Int64]?
      if data.dims.count == 1, let v = data.values, let picks = indices.values {
        values = try picks.map { (i: Int64) throws(InstanceLoadError) -> Int64 in
          let index = Int(i < 0 ? i + Int64(v.count) : i)
          guard v.indices.contains(index) else { throw fail("index \(i) out of range") }
          return v[index]
        }
      }
      return Constant(dims: out, type: data.type, values: values)
    case "Slice":
      let data = try input(0)
      let out = try viewShapes(node, data.dims)[0]
      var sliced: [Int64]?
      if data.dims.count == 1, let v = data.values {
        let (start, end) = (try values(node, 1, "starts")[0], try values(node, 2, "ends")[0])
        let step = node.inputs.count > 4 && !node.inputs[4].isEmpty ? try values(node, 4, "steps")[0] : 1
        let n = Int64(v.count)
        var i = start < 0 ? max(start + n, 0) : min(start, n)
        let stop = end < 0 ? max(end + n, step > 0 ? 0 : -1) : min(end, step > 0 ? n : n - 1)
        var picked: [Int64] = []
        if step > 0 { while i < stop { picked.append(v[Int(i)]); i += step } } else {
          i = min(i, n - 1); while i > stop { picked.append(v[Int(i)]); i += step }
        }
        sliced = picked
      }
      return Constant(dims: out, type: data.type, values: sliced)
    case "Add", "Sub", "Mul", "Div", "Equal", "Max", "Min", "Mod", "Pow", "Where", "And", "Or", "Less", "Greater":
      let parts = try node.inputs.indices.map { (i: Int) throws(InstanceLoadError) -> Constant in try input(i) }
      var out = parts[0].dims
      for part in parts.dropFirst() {
        guard let next = broadcast(out, part.dims) else { throw fail("shapes \(parts.map(\.dims)) do not broadcast") }
        out = next
      }
      let type: Int32 = ["Equal", "And", "Or", "Less", "Greater"].contains(op) ? 9 : (op == "Where" ? parts[1].type : parts[0].type)
      return Constant(dims: out, type: type, values: elementWise(op, parts, count: out.reduce(1, *)))
    case "Cast":
      var value = try input(0)
      if case .int(let to)? = node.attributes["to"] { value.type = Int32(truncatingIfNeeded: to) }
      if ![6, 7, 9].contains(value.type) { value.values = nil }
      return value
    case _ where Self.elementWise.contains(op) || Self.norms.contains(op):
      var value = try input(0)
      if op != "Identity" { value.values = nil }
      return value
    case _ where Self.views.contains(op):
      var value = try input(0)
      let out = try viewShapes(node, value.dims)
      if op != "Reshape" && op != "Flatten" && op != "Squeeze" && op != "Unsqueeze" || value.values == nil { value.values = nil }
      value.dims = out[0]
      return value
    case "Conv", "Gemm", "MatMul":
      throw fail("input '\(node.inputs.first ?? "")' is a constant; a feature map is expected")
    default:
      throw fail("unsupported operator (on constants)")
    }
  }

  /// Element-wise int64 arithmetic over constants of known values (scalars broadcast), or `nil`.
  private func elementWise(_ op: String, _ parts: [Constant], count: Int) -> [Int64]? {
    guard count <= 1 << 16, parts.allSatisfy({ $0.values != nil && ($0.values!.count == count || $0.values!.count == 1) }) else { return nil }
    let columns = parts.map { part in part.values!.count == 1 ? Array(repeating: part.values![0], count: count) : part.values! }
    return (0..<count).map { i in
      let (a, b) = (columns[0][i], columns.count > 1 ? columns[1][i] : 0)
      switch op {
      case "Add": return a &+ b
      case "Sub": return a &- b
      case "Mul": return a &* b
      case "Div": return b == 0 ? 0 : a / b
      case "Mod": return b == 0 ? 0 : a % b
      case "Equal": return a == b ? 1 : 0
      case "Less": return a < b ? 1 : 0
      case "Greater": return a > b ? 1 : 0
      case "And": return a != 0 && b != 0 ? 1 : 0
      case "Or": return a != 0 || b != 0 ? 1 : 0
      case "Max": return max(a, b)
      case "Min": return min(a, b)
      case "Where": return a != 0 ? b : columns[2][i]
      default: return a
      }
    }
  }

  // MARK: - Inputs and attributes

  /// The feature map that input `index` of `node` names.
  private func feature(_ node: ONNXGraph.Node, _ index: Int) throws(InstanceLoadError) -> Feature {
    guard index < node.inputs.count else { throw fail("missing input \(index)") }
    let name = node.inputs[index]
    if let feature = features[name] { return feature }
    if constants[name] != nil { throw fail("input '\(name)' is a constant; a feature map is expected") }
    throw fail("reads '\(name)', which no earlier node or graph input produces")
  }

  /// The constant (initializer, `Constant` output or folded value) that input `index` of `node` names.
  private func constant(_ node: ONNXGraph.Node, _ index: Int, _ what: String) throws(InstanceLoadError) -> Constant {
    guard index < node.inputs.count else { throw fail("missing \(what) (input \(index))") }
    guard let constant = constants[node.inputs[index]] else {
      throw fail("\(what) '\(node.inputs[index])' must be a constant initializer")
    }
    return constant
  }

  /// The int64 values of constant input `index`.
  private func values(_ node: ONNXGraph.Node, _ index: Int, _ what: String) throws(InstanceLoadError) -> [Int64] {
    guard let values = try constant(node, index, what).values else {
      throw fail("\(what) '\(node.inputs[index])' must be a constant integer tensor whose values are in the file")
    }
    return values
  }

  private func scalar(_ node: ONNXGraph.Node, _ index: Int) throws(InstanceLoadError) -> Int64 {
    let values = try values(node, index, "input \(index)")
    guard values.count == 1 else { throw fail("input \(index) must be a scalar") }
    return values[0]
  }

  /// A constant weight matrix `[rows, columns]` (input 1).
  private func matrix(_ node: ONNXGraph.Node) throws(InstanceLoadError) -> [Int] {
    let weights = try constant(node, 1, "weights")
    guard weights.dims.count == 2, weights.dims.allSatisfy({ (1...Check.maxTensorElements).contains($0) }) else {
      throw fail("weights must be a matrix, got dims \(weights.dims)")
    }
    return weights.dims
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

  /// An integer list attribute, `nil` when absent.
  private func intList(_ node: ONNXGraph.Node, _ name: String) throws(InstanceLoadError) -> [Int]? {
    switch node.attributes[name] {
    case nil: return nil
    case .ints(let ints)?:
      guard ints.allSatisfy({ Int32(exactly: $0) != nil }) else { throw fail("attribute '\(name)' \(ints) is out of range") }
      return ints.map { Int($0) }
    default: throw fail("attribute '\(name)' must be a list of integers")
    }
  }

  /// A list attribute of `count` sizes in `1...Check.maxTensorSide` (a 2-D window's sides).
  private func ints(_ node: ONNXGraph.Node, _ name: String, count: Int, default value: [Int]?) throws(InstanceLoadError) -> [Int] {
    guard let list = try intList(node, name) ?? value else { throw fail("attribute '\(name)' is required") }
    guard list.count == count, list.allSatisfy({ (1...Check.maxTensorSide).contains($0) }) else {
      throw fail("\(name) \(list) is not supported (\(count) sizes in 1...\(Check.maxTensorSide), for 2-D windows)")
    }
    return list
  }

  /// `pads` = [top, left, bottom, right]; `auto_pad` SAME_UPPER/SAME_LOWER are resolved as ONNX does.
  private func pads(_ node: ONNXGraph.Node, kernel: [Int], input: [Int]) throws(InstanceLoadError) -> [Int] {
    switch node.attributes["auto_pad"] {
    case nil, .string("NOTSET")?: break
    case .string("VALID")?: return [0, 0, 0, 0]
    case .string(let mode)? where mode == "SAME_UPPER" || mode == "SAME_LOWER":
      let stride = try ints(node, "strides", count: 2, default: [1, 1])
      let dilation = try ints(node, "dilations", count: 2, default: [1, 1])
      var out = [0, 0, 0, 0]
      for axis in 0..<2 {
        let side = input[axis + 2], outSide = (side + stride[axis] - 1) / stride[axis]
        let total = max(0, (outSide - 1) * stride[axis] + dilation[axis] * (kernel[axis] - 1) + 1 - side)
        let (small, large) = (total / 2, total - total / 2)
        (out[axis], out[axis + 2]) = mode == "SAME_UPPER" ? (small, large) : (large, small)
      }
      return out
    case .string(let mode)?: throw fail("auto_pad \(mode) is not supported; export with explicit pads")
    default: throw fail("attribute 'auto_pad' must be a string")
    }
    guard let list = try intList(node, "pads") else { return [0, 0, 0, 0] }
    guard list.count == 4, list.allSatisfy({ (0...Check.maxTensorSide).contains($0) }) else {
      throw fail("pads \(list) are not supported (four sizes in 0...\(Check.maxTensorSide))")
    }
    return list
  }

  private func normalized(_ axis: Int, rank: Int) throws(InstanceLoadError) -> Int {
    let value = axis < 0 ? axis + rank : axis
    guard (0..<max(rank, 1)).contains(value) else { throw fail("axis \(axis) is out of range for rank \(rank)") }
    return value
  }

  private func concatenated(_ shapes: [[Int]], axis: Int) throws(InstanceLoadError) -> [Int] {
    guard let first = shapes.first else { throw fail("needs at least one input") }
    let axis = try normalized(axis, rank: first.count)
    guard shapes.allSatisfy({ $0.count == first.count && $0.enumerated().allSatisfy { $0.offset == axis || $0.element == first[$0.offset] } }) else {
      throw fail("inputs \(shapes) differ outside axis \(axis)")
    }
    var out = first
    out[axis] = shapes.map { $0[axis] }.reduce(0, +)
    return out
  }

  /// NumPy broadcasting of two shapes, `nil` when they do not broadcast.
  private func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    let (pa, pb) = (Array(repeating: 1, count: rank - a.count) + a, Array(repeating: 1, count: rank - b.count) + b)
    var out: [Int] = []
    for (x, y) in zip(pa, pb) {
      guard x == y || x == 1 || y == 1 else { return nil }
      out.append(x == 1 ? y : x)
    }
    return out
  }

  /// The tensors with repeated producers removed (a layer reads another once).
  private func unique(_ tensors: [NetworkBuilder.Tensor]) -> [NetworkBuilder.Tensor] {
    var seen: Set<String?> = []
    return tensors.filter { seen.insert($0.layer).inserted }
  }

  private func render(_ dims: [Int64?]?) -> String {
    guard let dims else { return "no shape" }
    return "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
  }
}
