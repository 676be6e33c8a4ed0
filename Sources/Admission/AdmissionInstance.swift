import EdgeSplitModel

// P1: delay-aware throughput maximization with partitioning and parallelism.

/// An edge server: a pool of identical threads.
public struct Cloudlet: Codable, Sendable, Hashable {
  /// Name, unique within the instance.
  public var name: String
  /// Threads `K_c` available to admitted requests.
  public var threads: Int
  /// Speed of one thread in GFLOP/s.
  public var threadGflops: Double

  public init(name: String, threads: Int, threadGflops: Double) {
    self.name = name
    self.threads = threads
    self.threadGflops = threadGflops
  }
}

/// A DNN inference request from one IoT device.
public struct InferenceRequest: Codable, Sendable, Hashable {
  /// Name, unique within the instance.
  public var name: String
  /// Name of the model in ``AdmissionInstance/Fields/models``.
  public var model: String
  /// Device compute speed in GFLOP/s.
  public var deviceGflops: Double
  /// Device uplink rate in Mbit/s (10^6 bits per second).
  public var uplinkMbps: Double
  /// One-way propagation and routing delay in ms from the device to each cloudlet,
  /// indexed like ``AdmissionInstance/Fields/cloudlets``.
  public var delaysMs: [Double]
  /// End-to-end deadline `D_r` in ms.
  public var deadlineMs: Double
  /// Value of admitting the request (default 1: the objective counts admitted requests).
  @Defaulted<UnitWeight> public var weight: Double

  public init(
    name: String, model: String, deviceGflops: Double, uplinkMbps: Double, delaysMs: [Double],
    deadlineMs: Double, weight: Double = 1
  ) {
    self.name = name
    self.model = model
    self.deviceGflops = deviceGflops
    self.uplinkMbps = uplinkMbps
    self.delaysMs = delaysMs
    self.deadlineMs = deadlineMs
    self.weight = weight
  }

  /// The weight of a request whose file gives none.
  public enum UnitWeight: FieldDefault {
    public static var value: Double { 1 }
  }
}

/// A P1 instance: cloudlets, the models requests use, and the requests.
///
/// Timing of request `r` on cloudlet `c` with the first `p` layers of the model's topological
/// order on the device and `k` threads (all in seconds):
///
///     device(p)      = deviceFLOPs(p) / (deviceGflops · 10^9)
///     transfer(p, c) = 8 · transferBytes(p) / (uplinkMbps · 10^6) + delaysMs[c] / 1000
///     server(p, k)   = serverFLOPs(p) / (threadGflops · 10^9 · speedup(k))
///
/// and the request meets its deadline when their sum is at most `deadlineMs / 1000`.
/// The server part is never empty (`p < layer count`) and `1 <= k <= threads`.
public struct AdmissionInstance: FamilyInstance {
  /// What an admission file holds.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// The models requests refer to, by name.
    public var models: [DNNModel]
    /// The edge servers.
    public var cloudlets: [Cloudlet]
    /// The requests.
    public var requests: [InferenceRequest]
  }

  public let fields: Fields
  /// For each request, the index of its model in ``Fields/models``.
  public let modelIndex: [Int]

  /// Most threads a cloudlet may have: solvers keep per-thread tables and knapsacks over the
  /// capacity, so absurd capacities are rejected at load rather than exhausting memory.
  public static let maxThreads = 4_096

  /// Largest request weight: with at most 2^31 requests the total weight stays below 10^19,
  /// far inside a `Double`'s exact-enough range, so objective sums never overflow.
  public static let maxWeight = 1e9

  public init(
    name: String, models: [DNNModel], cloudlets: [Cloudlet], requests: [InferenceRequest]
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, models: models, cloudlets: cloudlets, requests: requests))
  }

  /// Checks every field and indexes each request's model.
  public init(validating fields: Fields) throws(FieldError) {
    let (models, cloudlets, requests) = (fields.models, fields.cloudlets, fields.requests)
    try Check.that(!models.isEmpty, "models", "an instance needs at least one model")
    try Check.that(!cloudlets.isEmpty, "cloudlets", "an instance needs at least one cloudlet")
    try Check.uniqueNames(models.map(\.name), in: "models", "model")
    for (m, model) in models.enumerated() { try Check.timedByFlops(model, "models[\(m)]", family: "admission") }
    try Check.uniqueNames(cloudlets.map(\.name), in: "cloudlets", "cloudlet")
    try Check.uniqueNames(requests.map(\.name), in: "requests", "request")
    for (i, cloudlet) in cloudlets.enumerated() {
      try Check.that((1...Self.maxThreads).contains(cloudlet.threads), "cloudlets[\(i)].threads",
                     "must be in 1...\(Self.maxThreads), got \(cloudlet.threads)")
      try Check.positive(cloudlet.threadGflops, "cloudlets[\(i)].threadGflops")
      let heaviest = models.map(\.totalFlops).max()!
      try Check.finiteTime(Seconds.compute(heaviest, gflops: cloudlet.threadGflops), "cloudlets[\(i)].threadGflops",
                           "the heaviest model on one thread")
    }
    var byName: [String: Int] = [:]
    for (i, model) in models.enumerated() { byName[model.name] = i }
    var modelIndex: [Int] = []
    modelIndex.reserveCapacity(requests.count)
    for (i, request) in requests.enumerated() {
      let path = "requests[\(i)]"
      guard let m = byName[request.model] else {
        throw FieldError("\(path).model", "unknown model '\(request.model)'")
      }
      modelIndex.append(m)
      try Check.positive(request.deviceGflops, "\(path).deviceGflops")
      try Check.positive(request.uplinkMbps, "\(path).uplinkMbps")
      try Check.positive(request.deadlineMs, "\(path).deadlineMs")
      try Check.positive(request.weight, "\(path).weight")
      try Check.that(request.weight <= Self.maxWeight, "\(path).weight", "must be at most \(Self.maxWeight), got \(request.weight)")
      try Check.that(request.delaysMs.count == cloudlets.count, "\(path).delaysMs",
                     "needs one delay per cloudlet (\(cloudlets.count)), got \(request.delaysMs.count)")
      for (c, delay) in request.delaysMs.enumerated() { try Check.nonNegative(delay, "\(path).delaysMs[\(c)]") }
      let model = models[m]
      try Check.finiteTime(Seconds.compute(model.totalFlops, gflops: request.deviceGflops), "\(path).deviceGflops",
                           "model '\(model.name)' on the device")
      try Check.finiteTime(Seconds.transfer(model.inputBytes + model.layers.reduce(0) { $0 + $1.outputBytes },
                                            mbps: request.uplinkMbps), "\(path).uplinkMbps", "the uplink transfer")
    }
    self.fields = fields
    self.modelIndex = modelIndex
  }

  /// The number of requests.
  public var size: Int { fields.requests.count }

  /// The model request `r` runs.
  public func model(of r: Int) -> DNNModel { fields.models[modelIndex[r]] }
}

/// One admitted request: where it runs, how it is split and how many threads it holds.
public struct Admission: Codable, Sendable, Hashable {
  /// Index of the request in ``AdmissionInstance/Fields/requests``.
  public var request: Int
  /// Index of the cloudlet in ``AdmissionInstance/Fields/cloudlets``.
  public var cloudlet: Int
  /// Number of leading layers of the model's `DNNModel.topologicalOrder` run on the device.
  public var devicePrefix: Int
  /// Server threads given to the request.
  public var threads: Int

  public init(request: Int, cloudlet: Int, devicePrefix: Int, threads: Int) {
    self.request = request
    self.cloudlet = cloudlet
    self.devicePrefix = devicePrefix
    self.threads = threads
  }
}

/// A P1 solution: the admitted requests. Requests not listed are rejected.
public struct AdmissionSolution: Codable, Sendable, Hashable {
  /// The admitted requests, each at most once.
  public var admissions: [Admission]
  public init(admissions: [Admission]) { self.admissions = admissions }
}
