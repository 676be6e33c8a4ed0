import EdgeSplitModel

// P5: stream offloading with multi-exit DNNs (seed 004, Paper 5).

/// One partition point of one exit's path: the work before the cut runs on the device, the cut
/// tensors go over the uplink, the rest runs on the edge server.
public struct StreamsCut: Codable, Sendable, Hashable {
  /// The last layer on the device (`input` when everything is offloaded).
  public var after: String
  /// FLOPs run on the device.
  public var deviceFlops: Double
  /// Bytes sent over the uplink (0 when the whole path runs on the device).
  public var sendBytes: Double
  /// FLOPs run on the server.
  public var serverFlops: Double

  public init(after: String, deviceFlops: Double, sendBytes: Double, serverFlops: Double) {
    self.after = after
    self.deviceFlops = deviceFlops
    self.sendBytes = sendBytes
    self.serverFlops = serverFlops
  }

  /// True when the task uses the uplink and the server.
  public var offloads: Bool { sendBytes > 0 || serverFlops > 0 }
}

/// One exit of a multi-exit model: its top-1 accuracy and the partition points of its path.
public struct StreamsExit: Codable, Sendable, Hashable {
  /// The exit layer's name.
  public var name: String
  /// Top-1 accuracy in `0...1`: the utility of a task that finishes by its deadline through here.
  public var accuracy: Double
  /// The partition points offered for this exit.
  public var cuts: [StreamsCut]

  public init(name: String, accuracy: Double, cuts: [StreamsCut]) {
    self.name = name
    self.accuracy = accuracy
    self.cuts = cuts
  }
}

/// A multi-exit model reduced to what scheduling needs: per exit, its accuracy and cut costs.
public struct StreamsModel: Codable, Sendable, Hashable {
  /// Model name (`branchy-alexnet`).
  public var name: String
  /// Where the accuracies come from (a citation, or "illustrative").
  public var accuracySource: String
  /// Its exits, shallowest first; the last one is the final exit.
  public var exits: [StreamsExit]

  public init(name: String, accuracySource: String, exits: [StreamsExit]) {
    self.name = name
    self.accuracySource = accuracySource
    self.exits = exits
  }

  /// FLOPs of the final exit's path run entirely on the device: the model's weight, used to
  /// pick the heavy model of a regime.
  public var finalExitFlops: Double { exits.last?.cuts.map(\.deviceFlops).max() ?? 0 }

  /// Every `(exit, cut)` pair, exit-major: the actions a scheduler picks from.
  public var actions: [StreamsDecision] {
    exits.indices.flatMap { e in exits[e].cuts.indices.map { StreamsDecision(exit: e, cut: $0) } }
  }
}

/// A stream of inference tasks from one device: its model, speed, uplink and deadline.
public struct TaskStream: Codable, Sendable, Hashable {
  /// Stream name.
  public var name: String
  /// Index into ``StreamsInstance/Fields/models``.
  public var model: Int
  /// Device compute speed in GFLOP/s.
  public var deviceGflops: Double
  /// This device's uplink rate in Mbit/s.
  public var uplinkMbps: Double
  /// Relative deadline of each task in milliseconds.
  public var deadlineMs: Double
  /// How the arrivals were generated (informational: `poisson 4/s`).
  public var arrivals: String

  public init(name: String, model: Int, deviceGflops: Double, uplinkMbps: Double, deadlineMs: Double, arrivals: String) {
    self.name = name
    self.model = model
    self.deviceGflops = deviceGflops
    self.uplinkMbps = uplinkMbps
    self.deadlineMs = deadlineMs
    self.arrivals = arrivals
  }
}

/// One task of the trace.
public struct StreamTask: Codable, Sendable, Hashable {
  /// Index into ``StreamsInstance/Fields/streams``.
  public var stream: Int
  /// Release time in milliseconds from the start of the trace.
  public var arrivalMs: Double

  public init(stream: Int, arrivalMs: Double) {
    self.stream = stream
    self.arrivalMs = arrivalMs
  }
}

/// The decision for one task: which exit, and which partition point of that exit's path.
public struct StreamsDecision: Codable, Sendable, Hashable {
  /// Index into the model's ``StreamsModel/exits``.
  public var exit: Int
  /// Index into that exit's ``StreamsExit/cuts``.
  public var cut: Int

  public init(exit: Int, cut: Int) {
    self.exit = exit
    self.cut = cut
  }
}

/// A P5 solution: one decision per task, in trace order.
public struct StreamsSchedule: Codable, Sendable, Hashable {
  /// `decisions[i]` is task `i`'s.
  public var decisions: [StreamsDecision]

  public init(decisions: [StreamsDecision]) { self.decisions = decisions }
}

/// A P5 instance: multi-exit models, task streams on devices sharing one edge server, and the
/// concrete task trace (so evaluation is deterministic).
///
/// Timing (seconds), replayed by ``StreamsEvaluator``: task `i` of stream `s` released at `a`,
/// with cut `c` of exit `e`, runs on device `s` from `max(a, device free)` for
/// `c.deviceFlops / deviceGflops` (a cut with no device work skips the device queue and is
/// "device done" at `a`); if it offloads, it is sent on uplink `s` from
/// `max(device done, uplink free)` for `8 · c.sendBytes / uplinkMbps`, then served from
/// `max(sent, server free)` for `c.serverFlops / serverGflops`. Each queue is FIFO and every
/// queue, the shared server included, serves tasks in trace (release) order. The objective,
/// maximized, is the total accuracy of the tasks that finish within their deadline. With
/// ``Fields/dropLate``, a task whose decision would finish after its deadline is dropped
/// instead: it earns 0 and occupies no queue.
public struct StreamsInstance: FamilyInstance {
  /// The number of tasks in the trace.
  public var size: Int { fields.tasks.count }

  /// What a streams file holds.
  public struct Fields: Codable, Sendable, Hashable, NamedFields {
    /// Instance name (file stem by default).
    @Defaulted<Unnamed> public var name: String
    /// Edge server speed in GFLOP/s.
    public var serverGflops: Double
    /// The multi-exit models.
    public var models: [StreamsModel]
    /// The streams (one device each).
    public var streams: [TaskStream]
    /// The trace, sorted by arrival.
    public var tasks: [StreamTask]
    /// Whether a task that cannot meet its deadline under its decision is dropped (earns 0 and
    /// leaves the queues: nothing of it runs) instead of run late, taking queue time from later
    /// tasks. Default `false` (late tasks run), so files without the field keep their meaning.
    @Defaulted<RunLate> public var dropLate: Bool
  }

  /// The default of ``Fields/dropLate``: late tasks run.
  public enum RunLate: FieldDefault {
    public static var value: Bool { false }
  }

  /// Latest release time a file may give, in milliseconds (10⁹ ms, about 11.6 days): up to
  /// there a time in seconds is exact to 2·10⁻¹⁰ s, well inside the evaluator's 10⁻⁹ s
  /// tolerance; beyond it, subtracting the release from a finish time would round latencies.
  public static let maxArrivalMs = 1e9

  public let fields: Fields

  public init(
    name: String, serverGflops: Double, models: [StreamsModel], streams: [TaskStream], tasks: [StreamTask],
    dropLate: Bool = false
  ) throws(FieldError) {
    try self.init(validating: Fields(name: name, serverGflops: serverGflops, models: models, streams: streams, tasks: tasks,
                                     dropLate: dropLate))
  }

  /// Checks the models' exits and cuts, the streams, and that the trace is sorted by arrival
  /// and released by ``maxArrivalMs``.
  public init(validating fields: Fields) throws(FieldError) {
    let (serverGflops, models, streams, tasks) = (fields.serverGflops, fields.models, fields.streams, fields.tasks)
    try Check.positive(serverGflops, "serverGflops")
    try Check.that(!models.isEmpty, "models", "must list at least one model")
    try Check.uniqueNames(models.map(\.name), in: "models", "model")
    for (m, model) in models.enumerated() {
      let path = "models[\(m)]"
      try Check.that(!model.exits.isEmpty, "\(path).exits", "must list at least one exit")
      try Check.uniqueNames(model.exits.map(\.name), in: "\(path).exits", "exit")
      for (e, exit) in model.exits.enumerated() {
        try Check.within(exit.accuracy, 0...1, "\(path).exits[\(e)].accuracy")
        try Check.that(!exit.cuts.isEmpty, "\(path).exits[\(e)].cuts", "must list at least one cut")
        for (c, cut) in exit.cuts.enumerated() {
          let at = "\(path).exits[\(e)].cuts[\(c)]"
          try Check.nonNegative(cut.deviceFlops, "\(at).deviceFlops")
          try Check.nonNegative(cut.sendBytes, "\(at).sendBytes")
          try Check.nonNegative(cut.serverFlops, "\(at).serverFlops")
          try Check.finiteTime(Seconds.compute(cut.serverFlops, gflops: serverGflops), "\(at).serverFlops", "the server time")
        }
      }
    }
    try Check.that(!streams.isEmpty, "streams", "must list at least one stream")
    try Check.uniqueNames(streams.map(\.name), in: "streams", "stream")
    for (s, stream) in streams.enumerated() {
      let path = "streams[\(s)]"
      try Check.that(models.indices.contains(stream.model), "\(path).model",
                     "must index models (0..<\(models.count)), got \(stream.model)")
      try Check.positive(stream.deviceGflops, "\(path).deviceGflops")
      try Check.positive(stream.uplinkMbps, "\(path).uplinkMbps")
      try Check.positive(stream.deadlineMs, "\(path).deadlineMs")
      for exit in models[stream.model].exits {
        for cut in exit.cuts {
          try Check.finiteTime(Seconds.compute(cut.deviceFlops, gflops: stream.deviceGflops), "\(path).deviceGflops", "the device time")
          try Check.finiteTime(Seconds.transfer(cut.sendBytes, mbps: stream.uplinkMbps), "\(path).uplinkMbps", "the transfer time")
        }
      }
    }
    for (i, task) in tasks.enumerated() {
      try Check.that(streams.indices.contains(task.stream), "tasks[\(i)].stream",
                     "must index streams (0..<\(streams.count)), got \(task.stream)")
      try Check.nonNegative(task.arrivalMs, "tasks[\(i)].arrivalMs")
      try Check.that(task.arrivalMs <= Self.maxArrivalMs, "tasks[\(i)].arrivalMs",
                     "must be at most \(Self.maxArrivalMs) ms (about 11.6 days) so latencies keep their precision, got \(task.arrivalMs)")
      if i > 0 {
        try Check.that(task.arrivalMs >= tasks[i - 1].arrivalMs, "tasks[\(i)].arrivalMs",
                       "tasks must be sorted by arrival, got \(task.arrivalMs) after \(tasks[i - 1].arrivalMs)")
      }
    }
    self.fields = fields
  }

  /// The model task `i` runs.
  public func model(of task: Int) -> StreamsModel { fields.models[fields.streams[fields.tasks[task].stream].model] }

  /// The same streams and models with another trace (a prefix, for tiny brute-force checks).
  public func with(tasks: [StreamTask]) throws(FieldError) -> StreamsInstance {
    var fields = fields
    fields.tasks = tasks
    return try StreamsInstance(validating: fields)
  }
}
