/// The subset of `onnx.proto` the importer reads, decoded from the wire format by
/// ``ProtobufReader``. Field numbers are those of onnx.proto (IR version 3 and later); every other
/// field is skipped.
struct ONNXGraph {
  var nodes: [Node] = []
  /// Constant tensors by name (`GraphProto.initializer`, field 5).
  var initializers: [String: Tensor] = [:]
  /// `GraphProto.input` (field 11); older files also list the initializers here.
  var inputs: [ValueInfo] = []
  /// `GraphProto.output` (field 12).
  var outputs: [ValueInfo] = []

  /// `NodeProto`: one operator application.
  struct Node {
    var name = ""
    var opType = ""
    var domain = ""
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [String: Attribute] = [:]
  }

  /// The `AttributeProto` values the importer understands; others are kept as `.other`.
  enum Attribute {
    case int(Int64)
    case ints([Int64])
    case float(Float)
    case string(String)
    case tensor(Tensor)
    case other
  }

  /// `TensorProto`: dimensions, element type, and the integer data a `Reshape` target needs.
  struct Tensor {
    var name = ""
    var dims: [Int64] = []
    /// `TensorProto.DataType` (1 float, 7 int64, ...).
    var dataType: Int32 = 0
    var int64Data: [Int64] = []
    /// `float_data` (field 4), packed fixed32.
    var floatData: [Float] = []
    /// `int32_data` (field 5): int32, bool and smaller integer types.
    var int32Data: [Int64] = []
    var rawData: ArraySlice<UInt8> = []

    /// The values of an int64 tensor, from `int64_data` or little-endian `raw_data`.
    var int64Values: [Int64]? {
      guard dataType == 7 else { return nil }
      if !int64Data.isEmpty { return int64Data }
      guard rawData.count % 8 == 0 else { return nil }
      return stride(from: rawData.startIndex, to: rawData.endIndex, by: 8).map { start in
        Int64(bitPattern: rawData[start..<start + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
      }
    }

    /// The values of a float tensor, from `float_data` or little-endian `raw_data` (`nil` when
    /// the data is elsewhere, e.g. in an external data file).
    var floatValues: [Float]? {
      guard dataType == 1 else { return nil }
      if !floatData.isEmpty { return floatData }
      guard rawData.count % 4 == 0, !rawData.isEmpty || dims.contains(0) else { return nil }
      return stride(from: rawData.startIndex, to: rawData.endIndex, by: 4).map { start in
        Float(bitPattern: rawData[start..<start + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
      }
    }
  }

  /// `ValueInfoProto` of a tensor: its name and shape; a dimension is `nil` when symbolic or absent.
  struct ValueInfo {
    var name = ""
    var dims: [Int64?]? = nil
  }

  /// Decodes `ModelProto.graph` (field 7) from a serialized `ModelProto`.
  init(modelProto bytes: [UInt8]) throws(ProtobufError) {
    var model = ProtobufReader(bytes, message: "ModelProto")
    var found = false
    while let (number, wire) = try model.nextField() {
      guard number == 7 else { try model.skip(wire); continue }
      try model.expect(wire, .lengthDelimited, field: "graph")
      var graph = try model.subMessage("GraphProto")
      try decodeGraph(&graph)
      found = true
    }
    guard found else { throw ProtobufError(offset: bytes.count, message: "no graph (ModelProto field 7) in the file") }
  }

  private mutating func decodeGraph(_ r: inout ProtobufReader) throws(ProtobufError) {
    while let (number, wire) = try r.nextField() {
      switch number {
      case 1:
        try r.expect(wire, .lengthDelimited, field: "node")
        var sub = try r.subMessage("NodeProto")
        nodes.append(try Self.node(&sub))
      case 5:
        try r.expect(wire, .lengthDelimited, field: "initializer")
        var sub = try r.subMessage("TensorProto")
        let tensor = try Self.tensor(&sub)
        initializers[tensor.name] = tensor
      case 11, 12:
        try r.expect(wire, .lengthDelimited, field: number == 11 ? "input" : "output")
        var sub = try r.subMessage("ValueInfoProto")
        let info = try Self.valueInfo(&sub)
        if number == 11 { inputs.append(info) } else { outputs.append(info) }
      default:
        try r.skip(wire)
      }
    }
  }

  private static func node(_ r: inout ProtobufReader) throws(ProtobufError) -> Node {
    var node = Node()
    while let (number, wire) = try r.nextField() {
      switch number {
      case 1, 2, 3, 4, 7:
        try r.expect(wire, .lengthDelimited, field: "\(number)")
        let text = try r.string()
        switch number {
        case 1: node.inputs.append(text)
        case 2: node.outputs.append(text)
        case 3: node.name = text
        case 4: node.opType = text
        default: node.domain = text
        }
      case 5:
        try r.expect(wire, .lengthDelimited, field: "attribute")
        var sub = try r.subMessage("AttributeProto")
        let (name, value) = try attribute(&sub)
        node.attributes[name] = value
      default:
        try r.skip(wire)
      }
    }
    return node
  }

  private static func attribute(_ r: inout ProtobufReader) throws(ProtobufError) -> (String, Attribute) {
    var name = ""
    var value = Attribute.other
    var ints: [Int64] = []
    var type: Int64 = 0
    while let (number, wire) = try r.nextField() {
      switch number {
      case 1:
        try r.expect(wire, .lengthDelimited, field: "name")
        name = try r.string()
      case 2:
        try r.expect(wire, .fixed32, field: "f")
        value = .float(Float(bitPattern: try r.fixed32()))
      case 3:
        try r.expect(wire, .varint, field: "i")
        value = .int(try r.int64())
      case 4:
        try r.expect(wire, .lengthDelimited, field: "s")
        value = .string(try r.string())
      case 5:
        try r.expect(wire, .lengthDelimited, field: "t")
        var sub = try r.subMessage("TensorProto")
        value = .tensor(try tensor(&sub))
      case 8:
        ints += try r.int64s(wire)
      case 20:
        try r.expect(wire, .varint, field: "type")
        type = try r.int64()
      default:
        try r.skip(wire)
      }
    }
    // AttributeProto.AttributeType.INTS = 7: an empty list has no `ints` field at all.
    if !ints.isEmpty || type == 7 { value = .ints(ints) }
    return (name, value)
  }

  private static func tensor(_ r: inout ProtobufReader) throws(ProtobufError) -> Tensor {
    var tensor = Tensor()
    while let (number, wire) = try r.nextField() {
      switch number {
      case 1: tensor.dims += try r.int64s(wire)
      case 2:
        try r.expect(wire, .varint, field: "data_type")
        tensor.dataType = Int32(truncatingIfNeeded: try r.int64())
      case 4: tensor.floatData += try r.floats(wire)
      case 5: tensor.int32Data += try r.int64s(wire)
      case 7: tensor.int64Data += try r.int64s(wire)
      case 8:
        try r.expect(wire, .lengthDelimited, field: "name")
        tensor.name = try r.string()
      case 9:
        try r.expect(wire, .lengthDelimited, field: "raw_data")
        tensor.rawData = try r.lengthDelimited()
      default:
        try r.skip(wire)
      }
    }
    return tensor
  }

  /// `ValueInfoProto` → `TypeProto` (2) → `tensor_type` (1) → `shape` (2) → `dim` (1) →
  /// `dim_value` (1) or `dim_param` (2).
  private static func valueInfo(_ r: inout ProtobufReader) throws(ProtobufError) -> ValueInfo {
    var info = ValueInfo()
    while let (number, wire) = try r.nextField() {
      switch number {
      case 1:
        try r.expect(wire, .lengthDelimited, field: "name")
        info.name = try r.string()
      case 2:
        try r.expect(wire, .lengthDelimited, field: "type")
        var type = try r.subMessage("TypeProto")
        while let (number, wire) = try type.nextField() {
          guard number == 1 else { try type.skip(wire); continue }
          try type.expect(wire, .lengthDelimited, field: "tensor_type")
          var tensorType = try type.subMessage("TypeProto.Tensor")
          while let (number, wire) = try tensorType.nextField() {
            guard number == 2 else { try tensorType.skip(wire); continue }
            try tensorType.expect(wire, .lengthDelimited, field: "shape")
            var shape = try tensorType.subMessage("TensorShapeProto")
            info.dims = try dims(&shape)
          }
        }
      default:
        try r.skip(wire)
      }
    }
    return info
  }

  private static func dims(_ shape: inout ProtobufReader) throws(ProtobufError) -> [Int64?] {
    var dims: [Int64?] = []
    while let (number, wire) = try shape.nextField() {
      guard number == 1 else { try shape.skip(wire); continue }
      try shape.expect(wire, .lengthDelimited, field: "dim")
      var dim = try shape.subMessage("TensorShapeProto.Dimension")
      var value: Int64?
      while let (number, wire) = try dim.nextField() {
        if number == 1 {
          try dim.expect(wire, .varint, field: "dim_value")
          value = try dim.int64()
        } else {
          try dim.skip(wire)
        }
      }
      dims.append(value)
    }
    return dims
  }
}
