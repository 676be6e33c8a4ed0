import Admission
import EdgeSplitModel

/// When a request arrives and how long it holds its threads.
public struct Arrival: Codable, Sendable, Hashable {
  /// Arrival time in ms (≥ 0): the decision on the request is taken then.
  public var atMs: Double
  /// Holding time in ms (> 0): an admitted request gives its threads back at `atMs + holdMs`;
  /// `nil`: it keeps them to the end (no departure).
  public var holdMs: Double?

  public init(atMs: Double, holdMs: Double? = nil) {
    self.atMs = atMs
    self.holdMs = holdMs
  }
}

/// An online P1 instance: a P1 instance (models, cloudlets, requests, the same latency model)
/// whose requests arrive one by one, in file order, at non-decreasing times.
///
/// An admitted request holds its threads on its cloudlet over `[atMs, atMs + holdMs)` (half
/// open: a request arriving exactly at a departure finds the threads free); on every cloudlet
/// and at every moment the threads held are at most `K_c`. Without a holding time a request
/// holds them to the end, so an instance without holding times is P1 itself, decided online.
public struct OnlineAdmissionInstance: FamilyInstance {
  /// What an online admission file holds: the P1 fields plus one arrival per request.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// The models requests refer to, by name.
    public var models: [DNNModel]
    /// The edge servers.
    public var cloudlets: [Cloudlet]
    /// The requests, in arrival order.
    public var requests: [InferenceRequest]
    /// `arrivals[r]` is request `r`'s arrival and holding time.
    public var arrivals: [Arrival]
  }

  public let fields: Fields
  /// The same requests as an (offline) P1 instance: its table, latencies and evaluator apply.
  public let base: AdmissionInstance

  /// Longest arrival or holding time, in ms (about 31 years): keeps sums of times exact enough.
  public static let maxTimeMs = 1e12

  public init(name: String, models: [DNNModel], cloudlets: [Cloudlet], requests: [InferenceRequest], arrivals: [Arrival]) throws(FieldError) {
    try self.init(validating: Fields(name: name, models: models, cloudlets: cloudlets, requests: requests, arrivals: arrivals))
  }

  /// An online instance over a P1 instance's requests, arriving as `arrivals` says.
  public init(_ base: AdmissionInstance, arrivals: [Arrival], name: String? = nil) throws(FieldError) {
    try self.init(name: name ?? base.name, models: base.models, cloudlets: base.cloudlets, requests: base.requests, arrivals: arrivals)
  }

  /// Checks the P1 fields as P1 does, then the arrivals: one per request, finite, non-negative,
  /// non-decreasing times and positive holding times.
  public init(validating fields: Fields) throws(FieldError) {
    base = try AdmissionInstance(name: fields.name, models: fields.models, cloudlets: fields.cloudlets, requests: fields.requests)
    try Check.that(fields.arrivals.count == fields.requests.count, "arrivals",
                   "needs one arrival per request (\(fields.requests.count)), got \(fields.arrivals.count)")
    var previous = 0.0
    for (r, arrival) in fields.arrivals.enumerated() {
      try Check.nonNegative(arrival.atMs, "arrivals[\(r)].atMs")
      try Check.that(arrival.atMs <= Self.maxTimeMs, "arrivals[\(r)].atMs", "must be at most \(Self.maxTimeMs) ms")
      try Check.that(arrival.atMs >= previous, "arrivals[\(r)].atMs",
                     "requests arrive in file order: \(arrival.atMs) ms is before the previous arrival (\(previous) ms)")
      previous = arrival.atMs
      if let hold = arrival.holdMs {
        try Check.positive(hold, "arrivals[\(r)].holdMs")
        try Check.that(hold <= Self.maxTimeMs, "arrivals[\(r)].holdMs", "must be at most \(Self.maxTimeMs) ms")
      }
    }
    self.fields = fields
  }

  /// The number of requests.
  public var size: Int { fields.requests.count }

  /// When request `r` gives its threads back, in ms (`+∞` without a holding time).
  public func departureMs(_ r: Int) -> Double {
    fields.arrivals[r].holdMs.map { fields.arrivals[r].atMs + $0 } ?? .infinity
  }

  /// Whether request `r` still holds its threads at time `t` (ms), had it been admitted.
  public func holds(_ r: Int, at t: Double) -> Bool { fields.arrivals[r].atMs <= t && t < departureMs(r) }
}
