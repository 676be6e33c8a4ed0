import EdgeSplitModel

// P4: multi-UE co-inference with on-demand model uploading (MJOA-MU, seed 001).

/// One user device (UE) of a P4 instance: its own DNN, its compute speed and the most its
/// channel can carry.
public struct UploadUE: Sendable, Hashable, Codable {
  /// The UE's name, unique within the instance.
  public let name: String
  /// The DNN the UE runs (chain or DAG). The server holds none of its parameters in advance.
  public let model: DNNModel
  /// Device compute speed in GFLOP/s (phone ~20–100, Raspberry-Pi class ~2–10).
  public let deviceGflops: Double
  /// The most uplink rate the UE's channel can use, in Mbit/s: its share `b_i` of the server's
  /// bandwidth budget may not exceed it.
  public let maxUplinkMbps: Double
  /// How many inferences (frames of a clip, all available at time 0) the UE runs with one upload
  /// of its model: 1 to ``maxFrames``, 1 in files without the field. Device and server work and
  /// the tensors sent are per frame; each server layer's parameters are uploaded once
  /// (``UploadEvaluator`` gives the timing).
  public let frames: Int
  /// The order in which the UE executes its model (not stored in files): topological, and among
  /// the layers ready at once the one with the smallest name first. It depends on the graph and
  /// the layer names only, never on the order the file lists the layers in, so every timing of
  /// ``UploadEvaluator`` (device and server sequences, parameter order, the serial-uploading
  /// baseline) is the same for every listing of the same model.
  public let order: [Int]

  /// The most frames a UE may run: far more than a clip needs, and small enough that every
  /// per-frame total stays within the loader's overflow checks.
  public static let maxFrames = 100_000

  /// A UE; its fields are validated by ``UploadInstance/init(validating:)``.
  public init(name: String, model: DNNModel, deviceGflops: Double, maxUplinkMbps: Double, frames: Int = 1) {
    self.name = name
    self.model = model
    self.deviceGflops = deviceGflops
    self.maxUplinkMbps = maxUplinkMbps
    self.frames = frames
    order = model.executionOrder
  }

  /// The same UE running `frames` frames.
  public func running(frames: Int) -> UploadUE {
    UploadUE(name: name, model: model, deviceGflops: deviceGflops, maxUplinkMbps: maxUplinkMbps, frames: frames)
  }

  private enum CodingKeys: String, CodingKey { case name, model, deviceGflops, maxUplinkMbps, frames }

  /// Decodes the stored fields (``frames`` is 1 when absent); ``order`` is derived from the model.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(name: try container.decode(String.self, forKey: .name), model: try container.decode(DNNModel.self, forKey: .model),
              deviceGflops: try container.decode(Double.self, forKey: .deviceGflops),
              maxUplinkMbps: try container.decode(Double.self, forKey: .maxUplinkMbps),
              frames: try container.decodeIfPresent(Int.self, forKey: .frames) ?? 1)
  }
}

extension UploadUE {
  /// One frame's whole model on the device, on the whole server and every tensor sent at
  /// `uplinkMbps`, in seconds: what each frame adds to the loader's overflow bounds.
  func perFrameSeconds(serverGflops: Double, uplinkMbps: Double) -> Double {
    let tensors = model.inputBytes + model.layers.reduce(0) { $0 + $1.outputBytes }
    return Seconds.compute(model.totalFlops, gflops: deviceGflops) + Seconds.compute(model.totalFlops, gflops: serverGflops)
      + Seconds.transfer(tensors, mbps: uplinkMbps)
  }
}

extension DNNModel {
  /// The topological order that takes, among the layers whose predecessors are all placed, the
  /// one with the smallest name (names are unique): a function of the graph and the names, not of
  /// the listing (``UploadUE/order``).
  public var executionOrder: [Int] {
    var waiting = predecessors.map(\.count)
    let layers = fields.layers
    var ready = layers.indices.filter { waiting[$0] == 0 }
    var order: [Int] = []
    order.reserveCapacity(layers.count)
    while let next = ready.indices.min(by: { layers[ready[$0]].name < layers[ready[$1]].name }) {
      let v = ready.remove(at: next)
      order.append(v)
      for w in successors[v] {
        waiting[w] -= 1
        if waiting[w] == 0 { ready.append(w) }
      }
    }
    return order
  }
}

/// What the server does with the share of a UE that no longer needs it.
///
/// It is the server's policy, part of the instance rather than of a solution, so that every solver
/// of an instance is replayed under the same rule. ``UploadEvaluator`` gives the exact timing.
public enum ReallocationPolicy: String, NamedCases, Sendable {
  /// Static shares: a UE keeps its `f_i` and `b_i` until the end, whether it uses them or not.
  case none
  /// Asynchronous reallocation (the "A" of ARA): when a UE's last uplink item has arrived it
  /// releases its bandwidth share, when its last server layer has finished it releases its compute
  /// share, and each released share is split at once among the UEs still using that resource, in
  /// proportion to their current shares (bandwidth up to each UE's channel cap).
  case onRelease

  public static var valueName: String { "policy" }

  /// The policy of a file that names none: static shares, as before policies existed.
  public enum Static: FieldDefault {
    public static var value: ReallocationPolicy { .none }
  }
}

/// A P4 instance: UEs with their models, and one edge server with a compute budget `F`
/// (``Fields/serverGflops``) and an uplink bandwidth budget `B` (``Fields/bandwidthMbps``) shared among them.
///
/// Units: speeds in GFLOP/s, rates in Mbit/s (10^6 bit/s); a UE's bandwidth share `b_i` is the
/// rate, in Mbit/s, of its own uplink. The timing model is ``UploadEvaluator``'s; ``Fields/reallocation``
/// says whether the shares stay static.
public struct UploadInstance: FamilyInstance {
  /// The number of UEs.
  public var size: Int { fields.ues.count }

  /// What an upload file holds.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// The user devices.
    public var ues: [UploadUE]
    /// Server compute budget `F` in GFLOP/s, split into per-UE shares `f_i`.
    public var serverGflops: Double
    /// Uplink bandwidth budget `B` in Mbit/s, split into per-UE shares `b_i`.
    public var bandwidthMbps: Double
    /// What the server does with released shares (``ReallocationPolicy/none``: nothing). Files
    /// without the field have static shares.
    @Defaulted<ReallocationPolicy.Static> public var reallocation: ReallocationPolicy
  }

  public let fields: Fields

  public init(
    name: String, ues: [UploadUE], serverGflops: Double, bandwidthMbps: Double, reallocation: ReallocationPolicy = .none
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, ues: ues, serverGflops: serverGflops, bandwidthMbps: bandwidthMbps,
                                     reallocation: reallocation))
  }

  /// Validates every field: at least one UE, unique non-empty UE names, positive speeds, caps and
  /// budgets, `frames` in `1...UploadUE.maxFrames`, and finite times for running, sending and
  /// uploading each model, every frame's work and tensors included (paths like
  /// `ues[3].maxUplinkMbps`, `ues[3].frames`).
  public init(validating fields: Fields) throws(FieldError) {
    let (ues, serverGflops, bandwidthMbps) = (fields.ues, fields.serverGflops, fields.bandwidthMbps)
    try Check.that(!ues.isEmpty, "ues", "an instance needs at least one UE")
    try Check.positive(serverGflops, "serverGflops")
    try Check.positive(bandwidthMbps, "bandwidthMbps")
    try Check.uniqueNames(ues.map(\.name), in: "ues", "UE")
    for (i, ue) in ues.enumerated() {
      let path = "ues[\(i)]"
      do {
        try Check.that(!ue.name.isEmpty, "name", "must not be empty")
        try Check.timedByFlops(ue.model, "model", family: "upload")
        try Check.positive(ue.deviceGflops, "deviceGflops")
        try Check.positive(ue.maxUplinkMbps, "maxUplinkMbps")
        try Check.finiteTimes(of: ue.model, deviceGflops: ue.deviceGflops, serverGflops: serverGflops,
                              links: [("maxUplinkMbps", min(ue.maxUplinkMbps, bandwidthMbps))])
        try Check.finiteTime(Seconds.transfer(ue.model.totalParamBytes, mbps: min(ue.maxUplinkMbps, bandwidthMbps)),
                             "maxUplinkMbps", "uploading the model's parameters")
        try Check.that((1...UploadUE.maxFrames).contains(ue.frames), "frames",
                       "must be an integer in 1...\(UploadUE.maxFrames), got \(ue.frames)")
        let perFrame = ue.perFrameSeconds(serverGflops: serverGflops, uplinkMbps: min(ue.maxUplinkMbps, bandwidthMbps))
        try Check.finiteTime(Double(ue.frames) * perFrame, "frames", "running and sending \(ue.frames) frames")
      } catch {
        throw error.nested(under: path)
      }
    }
    // The objective sums the UEs' completion times. A UE given a 1/n share of each budget takes
    // at most n times its time at full rates, so bounding n × Σ (every frame on the device and on
    // the server, sending every frame's tensors and uploading the parameters once, at full rate)
    // keeps every sum the solvers and the evaluator form finite.
    let n = Double(ues.count)
    let total = ues.reduce(0.0) { sum, ue in
      let uplink = min(ue.maxUplinkMbps, bandwidthMbps)
      return sum + Double(ue.frames) * ue.perFrameSeconds(serverGflops: serverGflops, uplinkMbps: uplink)
        + Seconds.transfer(ue.model.totalParamBytes, mbps: uplink)
    }
    try Check.finiteTime(n * total, "ues", "the sum of the UEs' completion times (each at a 1/\(ues.count) share of the budgets)")
    self.fields = fields
  }

  /// The same instance (name included) with every UE running `frames` frames.
  public func withFrames(_ frames: Int) throws(FieldError) -> UploadInstance {
    var fields = fields
    fields.ues = fields.ues.map { $0.running(frames: frames) }
    return try UploadInstance(validating: fields)
  }

  /// The same instance (name included) under another reallocation policy.
  public func withReallocation(_ policy: ReallocationPolicy) throws(FieldError) -> UploadInstance {
    var fields = fields
    fields.reallocation = policy
    return try UploadInstance(validating: fields)
  }
}

/// How parameters travel to the server.
public enum UploadMode: String, Codable, Sendable, CaseIterable {
  /// MJOA-MU's parallel uploading: every server layer's parameters are queued at time 0 and
  /// stream over the UE's uplink while earlier layers execute.
  case parallel
  /// IONN-style serial uploading: a server layer's parameters are queued only once every layer
  /// before it in the UE's execution order (``UploadUE/order``) has finished executing.
  case serial
}

/// One UE's decision: where each layer runs and its shares of the server's budgets.
public struct UploadDecision: Sendable, Hashable, Codable {
  /// Where each layer runs, indexed like the UE model's layers; must be predecessor-closed.
  public var onDevice: [Bool]
  /// The UE's share `f_i` of server compute, in GFLOP/s.
  public var computeGflops: Double
  /// The UE's share `b_i` of the uplink budget, in Mbit/s (its uplink rate).
  public var bandwidthMbps: Double

  /// A decision; ``UploadEvaluator`` checks it against the instance.
  public init(onDevice: [Bool], computeGflops: Double, bandwidthMbps: Double) {
    self.onDevice = onDevice
    self.computeGflops = computeGflops
    self.bandwidthMbps = bandwidthMbps
  }
}

/// A P4 solution: one decision per UE (indexed like ``UploadInstance/Fields/ues``) and the uploading
/// mode, which is part of the solution so that serial-uploading baselines solve the same instance.
public struct UploadSolution: Sendable, Hashable, Codable {
  /// How parameters are uploaded.
  public var uploading: UploadMode
  /// One decision per UE.
  public var ues: [UploadDecision]

  /// A solution; ``UploadEvaluator`` checks it against the instance.
  public init(uploading: UploadMode, ues: [UploadDecision]) {
    self.uploading = uploading
    self.ues = ues
  }
}
