import EdgeSplitModel

// P3: fused-layer model parallelism with partial offloading (one device, one uplink, one server).

/// A grid that splits a fused block's output map into `rows × columns` tiles ("paths").
public struct Tiling: Codable, Sendable, Hashable, CustomStringConvertible {
  /// Tiles along the height.
  public var rows: Int
  /// Tiles along the width.
  public var columns: Int

  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// Number of paths.
  public var tiles: Int { rows * columns }
  public var description: String { "\(rows)x\(columns)" }
}

/// A half-open range of rows or columns of a feature map.
public struct Span: Sendable, Hashable {
  public var lower: Int
  public var upper: Int
  public init(_ lower: Int, _ upper: Int) {
    self.lower = lower
    self.upper = upper
  }
  /// Number of pixels covered.
  public var count: Int { upper - lower }
}

/// One path of a fused block: a tile of the block's output and everything it needs.
public struct FusedPath: Sendable, Hashable {
  /// Rows and columns of the block *input* (model input) the path reads, clipped to the map.
  public var inputRows: Span
  public var inputColumns: Span
  /// Rows and columns of the block output the path produces.
  public var outputRows: Span
  public var outputColumns: Span
  /// FLOPs of the path over the whole block, counting the overlap (halo) it recomputes.
  public var flops: Double
  /// Bytes of its input region (fp32, all input channels).
  public var inputBytes: Double
  /// Bytes of its output tile (fp32, all output channels).
  public var outputBytes: Double
}

/// A P3 instance: one chain DNN whose first layers may be fused and tiled, one device, one
/// uplink and one edge server.
///
/// Only the first ``Fields/maxBlockLength`` layers of the model's topological order may be fused; they
/// must be conv/pool layers with a window and a `[C, H, W]` output shape.
public struct FusedInstance: FamilyInstance {
  /// The number of layers of the model.
  public var size: Int { fields.model.layers.count }

  /// What a fused file holds.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// The network, a chain with a `[C, H, W]` input shape.
    public var model: DNNModel
    /// Device speed in GFLOP/s.
    public var deviceGflops: Double
    /// Server speed in GFLOP/s.
    public var serverGflops: Double
    /// Uplink rate in Mbit/s.
    public var uplinkMbps: Double
    /// Downlink rate in Mbit/s; `nil` means results come back at no cost.
    public var downlinkMbps: Double?
    /// The tilings a solver may choose from.
    public var tilings: [Tiling]
    /// Longest fused block, in layers (a block always starts at the first layer).
    public var maxBlockLength: Int
  }

  public let fields: Fields

  /// Most paths a tiling may have: PSOMW's repair costs about `paths³` per particle, and the
  /// fused-layer literature tiles into a few paths (up to 8×8 here).
  public static let maxTiles = 64

  public init(
    name: String, model: DNNModel, deviceGflops: Double, serverGflops: Double, uplinkMbps: Double,
    downlinkMbps: Double? = nil, tilings: [Tiling], maxBlockLength: Int
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, model: model, deviceGflops: deviceGflops, serverGflops: serverGflops,
                                     uplinkMbps: uplinkMbps, downlinkMbps: downlinkMbps, tilings: tilings,
                                     maxBlockLength: maxBlockLength))
  }

  /// Checks the speeds, the tilings and that every layer a block may fuse can be tiled.
  public init(validating fields: Fields) throws(FieldError) {
    let (model, tilings, maxBlockLength, downlinkMbps) = (fields.model, fields.tilings, fields.maxBlockLength, fields.downlinkMbps)
    let (deviceGflops, serverGflops, uplinkMbps) = (fields.deviceGflops, fields.serverGflops, fields.uplinkMbps)
    try Check.that(model.isChain, "model", "must be a chain (every layer one input and one reader)")
    try Check.timedByFlops(model, "model", family: "fused")
    try Check.that(model.inputShape?.count == 3, "model.inputShape", "must be [C, H, W]")
    if let shape = model.inputShape, shape.count == 3 {
      try Check.that(model.inputBytes == Double(4 * shape[0] * shape[1] * shape[2]), "model.inputBytes",
                     "must be 4 × C × H × W = \(4 * shape[0] * shape[1] * shape[2]) bytes (fp32 \(shape)), got \(model.inputBytes)")
    }
    try Check.positive(deviceGflops, "deviceGflops")
    try Check.positive(serverGflops, "serverGflops")
    try Check.positive(uplinkMbps, "uplinkMbps")
    if let downlinkMbps { try Check.positive(downlinkMbps, "downlinkMbps") }
    try Check.finiteTimes(of: model, deviceGflops: deviceGflops, serverGflops: serverGflops,
                          links: [("uplinkMbps", uplinkMbps)] + (downlinkMbps.map { [("downlinkMbps", $0)] } ?? []))
    try Check.that((1...model.layers.count).contains(maxBlockLength), "maxBlockLength",
                   "must be in 1...\(model.layers.count), got \(maxBlockLength)")
    try Check.that(!tilings.isEmpty, "tilings", "needs at least one tiling")
    try Check.unique(tilings, { "tilings[\($0)]" }, "tiling")
    for (t, tiling) in tilings.enumerated() {
      try Check.that((1...Self.maxTiles).contains(tiling.rows) && (1...Self.maxTiles).contains(tiling.columns)
                       && tiling.rows * tiling.columns <= Self.maxTiles, "tilings[\(t)]",
                     "must have 1 to \(Self.maxTiles) tiles with rows, columns >= 1, got \(tiling)")
    }
    var input = model.inputShape!
    for position in 0..<maxBlockLength {
      let i = model.topologicalOrder[position]
      let layer = model.layers[i]
      let path = "model.layers[\(i)]"
      try Check.that(layer.type.isSpatial, "\(path).type", "layer '\(layer.name)' may be fused (within maxBlockLength) so it must be conv or pool")
      guard let window = layer.window else { throw FieldError("\(path).window", "a fusable layer needs a window") }
      guard let shape = layer.outputShape, shape.count == 3 else {
        throw FieldError("\(path).outputShape", "a fusable layer needs a [C, H, W] output shape")
      }
      for axis in 1...2 {
        try Check.that((shape[axis] - 1) * window.stride - window.padding < input[axis]
                         && window.kernel - 1 - window.padding >= 0, "\(path).window",
                       "the last window of '\(layer.name)' starts outside its \(input[axis])-pixel input")
      }
      input = shape
    }
    for (t, tiling) in tilings.enumerated() {
      for position in 0..<maxBlockLength {
        let shape = model.layers[model.topologicalOrder[position]].outputShape!
        try Check.that(tiling.rows <= shape[1] && tiling.columns <= shape[2], "tilings[\(t)]",
                       "\(tiling) does not fit the \(shape[1])x\(shape[2]) output of block length \(position + 1)")
      }
    }
    self.fields = fields
  }

  /// Number of layers of the network.
  public var layerCount: Int { fields.model.layers.count }

  /// The `position`-th layer of the chain.
  public func layer(at position: Int) -> Layer { fields.model.layers[fields.model.topologicalOrder[position]] }

  // MARK: - Geometry (the one place tiles are walked back through the layers)

  /// Splits `size` pixels into `parts` contiguous spans whose sizes differ by at most one.
  public static func split(_ size: Int, into parts: Int) -> [Span] {
    (0..<parts).map { Span($0 * size / parts, ($0 + 1) * size / parts) }
  }

  /// The input span a layer reads to produce the output span `out` along one axis:
  /// `[a·s − p, (b−1)·s − p + k)`, clipped to the `inputSize` pixels of the map (padding is
  /// not data, so it is neither sent nor computed).
  public static func inputSpan(of out: Span, window: WindowGeometry, inputSize: Int) -> Span {
    let lower = out.lower * window.stride - window.padding
    let upper = (out.upper - 1) * window.stride - window.padding + window.kernel
    return Span(max(0, lower), min(inputSize, upper))
  }

  /// The paths of the block made of the first `blockLength` layers split by `tiling`, in
  /// row-major tile order.
  ///
  /// Each tile of the block output is walked back layer by layer; a layer's work for the path
  /// is its FLOPs per output pixel times the pixels of the region it must produce, so tiles
  /// whose regions overlap recompute the overlap (the fused-layer redundancy).
  /// - Complexity: O(blockLength × tiles).
  public func paths(blockLength: Int, tiling: Tiling) -> [FusedPath] {
    precondition((1...fields.maxBlockLength).contains(blockLength), "block length \(blockLength) out of range")
    let inputShape = fields.model.inputShape!
    let shapes = (0..<blockLength).map { layer(at: $0).outputShape! }
    let last = shapes[blockLength - 1]
    var paths: [FusedPath] = []
    for rowSpan in Self.split(last[1], into: tiling.rows) {
      for columnSpan in Self.split(last[2], into: tiling.columns) {
        var rows = rowSpan, columns = columnSpan, flops = 0.0
        for position in stride(from: blockLength - 1, through: 0, by: -1) {
          let layer = layer(at: position)
          let shape = shapes[position]
          flops += layer.flops * Double(rows.count * columns.count) / Double(shape[1] * shape[2])
          let input = position == 0 ? inputShape : shapes[position - 1]
          rows = Self.inputSpan(of: rows, window: layer.window!, inputSize: input[1])
          columns = Self.inputSpan(of: columns, window: layer.window!, inputSize: input[2])
        }
        paths.append(FusedPath(
          inputRows: rows, inputColumns: columns, outputRows: rowSpan, outputColumns: columnSpan, flops: flops,
          inputBytes: 4 * Double(inputShape[0] * rows.count * columns.count),
          outputBytes: 4 * Double(last[0] * rowSpan.count * columnSpan.count)))
      }
    }
    return paths
  }
}

/// A P3 solution.
///
/// The first ``blockLength`` layers are fused and split by ``tiling`` into paths (row-major
/// tile order); `blockLength == 0` means no fusion (then `tiling` is `nil` and `order` and
/// `offloaded` are empty). The rest of the network is split by one cut: layers
/// `blockLength..<tailCut` run on the device, `tailCut..<layerCount` on the server; with
/// `tailCut == blockLength > 0` the block output is merged on the server, otherwise on the
/// device (see ``FusedEvaluator``).
public struct FusedDecision: Codable, Sendable, Hashable {
  /// Number of fused layers, `0...maxBlockLength`.
  public var blockLength: Int
  /// The tiling of the block, one of the instance's; `nil` iff `blockLength == 0`.
  public var tiling: Tiling?
  /// A permutation of the paths: the order the uplink and the server serve offloaded paths
  /// (and the device runs local ones).
  public var order: [Int]
  /// Whether each path is offloaded.
  public var offloaded: [Bool]
  /// First layer of the tail that runs on the server, in `blockLength...layerCount`.
  public var tailCut: Int

  public init(blockLength: Int, tiling: Tiling?, order: [Int], offloaded: [Bool], tailCut: Int) {
    self.blockLength = blockLength
    self.tiling = tiling
    self.order = order
    self.offloaded = offloaded
    self.tailCut = tailCut
  }
}
