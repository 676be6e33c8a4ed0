import EdgeSplitModel

// P2: DNN surgery (DADS) — split one DAG model between a device and a server.

/// What a surgery instance asks to minimize.
public enum SurgeryObjective: String, NamedCases, Sendable {
  /// Light load: one frame's latency `Te + Tt + Tc` (DADS' ECDI-L).
  case latency
  /// Heavy load: the largest pipeline stage `max(Te, Tt, Tc)`, i.e. the inverse of the
  /// throughput of a device → network → server pipeline (DADS' ECDI-H).
  case throughput

  public static var valueName: String { "objective" }
}

/// A P2 instance: one model, the two processors, the uplink and the objective.
///
/// Times (seconds) of a partition, recomputed by ``SurgeryEvaluator``:
///
///     Te = deviceFLOPs / (deviceGflops · 10^9)
///     Tt = 8 · transferBytes / (uplinkMbps · 10^6)
///     Tc = serverFLOPs / (serverGflops · 10^9)
///
/// where `transferBytes` is `DNNModel.transferBytes(_:)`: each device output read on the
/// server is sent once, and the model input is sent when a server layer reads it. Any
/// predecessor-closed partition is allowed, including all-device and all-server.
public struct SurgeryInstance: FamilyInstance {
  /// The number of layers of the model.
  public var size: Int { fields.model.layers.count }

  /// What a surgery file holds.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// The DNN to split.
    public var model: DNNModel
    /// Device compute speed in GFLOP/s; may be left out when every layer has a measured
    /// `deviceMs` (a profile measured on the device).
    public var deviceGflops: Double?
    /// Server compute speed in GFLOP/s; may be left out when every layer has a measured `serverMs`.
    public var serverGflops: Double?
    /// Device-to-server uplink rate in Mbit/s (10^6 bits per second).
    public var uplinkMbps: Double
    /// What to minimize.
    public var objective: SurgeryObjective
  }

  public let fields: Fields
  /// Seconds of each layer on the device: its measured `Layer.deviceMs` where the model has
  /// one, else FLOPs ÷ ``Fields/deviceGflops`` (`DNNModel.seconds(_:on:gflops:)`). Every P2 timing
  /// (the evaluator, DSL's arcs, the ILP, the baselines) sums these.
  public let deviceLayerSeconds: [Double]
  /// Seconds of each layer on the server: measured `Layer.serverMs` or FLOPs ÷ ``Fields/serverGflops``.
  public let serverLayerSeconds: [Double]

  public init(
    name: String, model: DNNModel, deviceGflops: Double?, serverGflops: Double?, uplinkMbps: Double,
    objective: SurgeryObjective
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, model: model, deviceGflops: deviceGflops, serverGflops: serverGflops,
                                     uplinkMbps: uplinkMbps, objective: objective))
  }

  /// Checks the speeds and times every layer on both processors.
  public init(validating fields: Fields) throws(FieldError) {
    let (model, uplinkMbps) = (fields.model, fields.uplinkMbps)
    /// A speed, or 1 when every layer is measured on that processor (the speed is then never used).
    func speed(_ value: Double?, _ field: String, measured: KeyPath<Layer, Double?>, _ column: String) throws(FieldError) -> Double {
      if let value { try Check.positive(value, field); return value }
      let missing = model.layers.filter { $0[keyPath: measured] == nil }
      try Check.that(missing.isEmpty, field, "is required: \(missing.count) of \(model.layers.count) layers have no measured \(column) (first: '\(missing.first?.name ?? "")')")
      return 1
    }
    let deviceGflops = try speed(fields.deviceGflops, "deviceGflops", measured: \.deviceMs, "deviceMs")
    let serverGflops = try speed(fields.serverGflops, "serverGflops", measured: \.serverMs, "serverMs")
    try Check.positive(uplinkMbps, "uplinkMbps")
    try Check.finiteTimes(of: model, deviceGflops: deviceGflops, serverGflops: serverGflops, links: [("uplinkMbps", uplinkMbps)])
    let device = model.layers.indices.map { model.seconds($0, on: .device, gflops: deviceGflops) }
    let server = model.layers.indices.map { model.seconds($0, on: .server, gflops: serverGflops) }
    try Check.finiteTime(device.reduce(0, +), "model.layers", "the model's measured device time (deviceMs)")
    try Check.finiteTime(server.reduce(0, +), "model.layers", "the model's measured server time (serverMs)")
    self.deviceLayerSeconds = device
    self.serverLayerSeconds = server
    self.fields = fields
  }

  /// Seconds to run the layers in `layers` (indices) on the device.
  public func deviceSeconds<S: Sequence<Int>>(layers: S) -> Double { layers.reduce(0) { $0 + deviceLayerSeconds[$1] } }
  /// Seconds to run the layers in `layers` (indices) on the server.
  public func serverSeconds<S: Sequence<Int>>(layers: S) -> Double { layers.reduce(0) { $0 + serverLayerSeconds[$1] } }
  /// Seconds to send `bytes` over the uplink.
  public func transferSeconds(bytes: Double) -> Double { Seconds.transfer(bytes, mbps: fields.uplinkMbps) }
}

/// The three pipeline stage times of one partition, in seconds.
public struct StageTimes: Sendable, Hashable, Codable {
  /// `Te`: compute on the device.
  public var device: Double
  /// `Tt`: sending the cut tensors over the uplink.
  public var transfer: Double
  /// `Tc`: compute on the server.
  public var server: Double

  public init(device: Double, transfer: Double, server: Double) {
    self.device = device
    self.transfer = transfer
    self.server = server
  }

  /// One frame's latency, `Te + Tt + Tc`.
  public var latency: Double { device + transfer + server }
  /// The slowest pipeline stage, `max(Te, Tt, Tc)`; throughput is its inverse.
  public var largestStage: Double { max(device, transfer, server) }

  /// The value `objective` minimizes.
  public func value(for objective: SurgeryObjective) -> Double {
    switch objective {
    case .latency: latency
    case .throughput: largestStage
    }
  }
}

/// The independent checker for P2 solutions (a `Partition` of the instance's model).
///
/// It checks the partition covers the model and is predecessor-closed, then recomputes the
/// stage times from the layers and the instance's speeds, never from solver data.
public enum SurgeryEvaluator {
  /// `Te`, `Tt` and `Tc` of `partition` (which must cover the model).
  public static func stageTimes(_ partition: Partition, on instance: SurgeryInstance) -> StageTimes {
    let model = instance.model
    return StageTimes(
      device: instance.deviceSeconds(layers: model.layers.indices.filter { partition.onDevice[$0] }),
      transfer: instance.transferSeconds(bytes: model.transferBytes(partition)),
      server: instance.serverSeconds(layers: model.layers.indices.filter { !partition.onDevice[$0] }))
  }

  /// Checks `partition` and recomputes the instance's objective (latency or largest stage).
  public static func evaluate(_ partition: Partition, on instance: SurgeryInstance) -> Verdict {
    if let problem = instance.model.partitionProblem(partition) {
      return Verdict(objective: .infinity, violations: [problem])
    }
    return .withoutViolations(objective: stageTimes(partition, on: instance).value(for: instance.objective))
  }
}
