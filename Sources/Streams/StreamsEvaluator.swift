import EdgeSplitModel

/// The FIFO queues of a P5 system at one moment: when each device, each uplink and the server
/// become free (seconds). Solvers plan with it; ``StreamsEvaluator`` replays with it.
public struct StreamsQueues: Sendable, Hashable {
  /// Per stream: when its device is free.
  public var device: [Double]
  /// Per stream: when its uplink is free.
  public var uplink: [Double]
  /// When the edge server is free.
  public var server: Double

  /// Every queue empty at time 0.
  public init(streams: Int) {
    device = Array(repeating: 0, count: streams)
    uplink = Array(repeating: 0, count: streams)
    server = 0
  }

  /// When task `task` would finish under `decision`, without changing the queues.
  public func finish(of task: Int, _ decision: StreamsDecision, on instance: StreamsInstance) -> Double {
    var copy = self
    return copy.serve(task, decision, on: instance)
  }

  /// What task `task` would earn under `decision`, without changing the queues.
  public func result(of task: Int, _ decision: StreamsDecision, on instance: StreamsInstance) -> StreamsTaskResult {
    var copy = self
    return copy.step(task, decision, on: instance)
  }

  /// Task `task` under `decision` by the instance's rules, the one step every solver, the
  /// learner and ``StreamsEvaluator`` replay with: the task runs through the queues (``serve(_:_:on:)``)
  /// and earns its exit's accuracy if it meets its deadline; with
  /// ``StreamsInstance/Fields/dropLate`` a late task is dropped instead and the queues stay as
  /// they were. The decision must be valid for the task's model.
  @discardableResult
  public mutating func step(_ task: Int, _ decision: StreamsDecision, on instance: StreamsInstance) -> StreamsTaskResult {
    let t = instance.tasks[task], stream = instance.streams[t.stream]
    var after = self
    let arrival = t.arrivalMs / 1000, latency = after.serve(task, decision, on: instance) - arrival
    let (onTime, commit) = Self.judge(latency: latency, deadline: stream.deadlineMs / 1000, dropLate: instance.dropLate)
    if commit { self = after }
    return StreamsTaskResult(latency: latency, onTime: onTime, dropped: !commit,
                             utility: onTime ? instance.models[stream.model].exits[decision.exit].accuracy : 0)
  }

  /// Runs task `task` with `decision` through the queues (FIFO, in the order called) and returns
  /// its finish time in seconds, whether or not it is late (``step(_:_:on:)`` applies the
  /// instance's rules on top). The decision must be valid for the task's model.
  @discardableResult
  public mutating func serve(_ task: Int, _ decision: StreamsDecision, on instance: StreamsInstance) -> Double {
    let t = instance.tasks[task]
    let times = StageTimes(instance.model(of: task).exits[decision.exit].cuts[decision.cut], instance.streams[t.stream],
                           serverGflops: instance.serverGflops)
    return Self.advance(times, arrival: t.arrivalMs / 1000, device: &device[t.stream], uplink: &uplink[t.stream], server: &server)
  }

  /// One cut's stage times in seconds on one stream, computed once so that searches expanding
  /// millions of states share ``StreamsQueues/advance(_:arrival:device:uplink:server:)`` with the evaluator.
  struct StageTimes {
    /// Device, transfer and server seconds.
    var device: Double, send: Double, server: Double
    /// Whether the cut has device work, and whether it uses the uplink and the server.
    var usesDevice: Bool, offloads: Bool

    init(_ cut: StreamsCut, _ stream: TaskStream, serverGflops: Double) {
      device = Seconds.compute(cut.deviceFlops, gflops: stream.deviceGflops)
      send = Seconds.transfer(cut.sendBytes, mbps: stream.uplinkMbps)
      server = Seconds.compute(cut.serverFlops, gflops: serverGflops)
      usesDevice = cut.deviceFlops > 0
      offloads = cut.offloads
    }
  }

  /// The FIFO timing rule, the one implementation: a task released at `arrival` runs on its
  /// device from `max(arrival, device)`, is sent from `max(device done, uplink)` and served from
  /// `max(sent, server)`; the free times move to when each stage ends. Returns the finish time.
  @inline(__always)
  static func advance(_ t: StageTimes, arrival: Double, device: inout Double, uplink: inout Double, server: inout Double) -> Double {
    var done = arrival
    if t.usesDevice {
      done = max(done, device) + t.device
      device = done
    }
    guard t.offloads else { return done }
    let sent = max(done, uplink) + t.send
    uplink = sent
    server = max(sent, server) + t.server
    return server
  }

  /// Whether a task with `latency` is on time, and whether it stays in the queues (not when it
  /// is late and the instance drops late tasks): the deadline rule, the one implementation.
  @inline(__always)
  static func judge(latency: Double, deadline: Double, dropLate: Bool) -> (onTime: Bool, commit: Bool) {
    let onTime = fitsWithin(latency, deadline)
    return (onTime, onTime || !dropLate)
  }
}

/// What happened to one task in a replay.
public struct StreamsTaskResult: Sendable, Hashable {
  /// Finish time minus release time, in seconds (for a dropped task, what it would have been).
  public var latency: Double
  /// True when it finished within its deadline (up to `timeTolerance`).
  public var onTime: Bool
  /// True when it was late and the instance drops late tasks (``StreamsInstance/Fields/dropLate``).
  public var dropped: Bool
  /// The accuracy it earns: its exit's when on time, else 0.
  public var utility: Double
}

/// The independent discrete-event evaluator of P5: replays a schedule through the FIFO queues.
public enum StreamsEvaluator {
  /// The problem with `schedule` for `instance`, or `nil` when every decision is valid.
  public static func problem(_ schedule: StreamsSchedule, on instance: StreamsInstance) -> String? {
    guard schedule.decisions.count == instance.tasks.count else {
      return "the schedule has \(schedule.decisions.count) decisions for \(instance.tasks.count) tasks"
    }
    for (i, d) in schedule.decisions.enumerated() {
      let model = instance.model(of: i)
      guard model.exits.indices.contains(d.exit) else {
        return "decisions[\(i)].exit: \(model.name) has no exit \(d.exit) (0..<\(model.exits.count))"
      }
      guard model.exits[d.exit].cuts.indices.contains(d.cut) else {
        return "decisions[\(i)].cut: exit \(model.exits[d.exit].name) has no cut \(d.cut) (0..<\(model.exits[d.exit].cuts.count))"
      }
    }
    return nil
  }

  /// Whether a task of `stream` released at `arrival` and finishing at `finish` meets its deadline.
  public static func meetsDeadline(finish: Double, arrival: Double, stream: TaskStream) -> Bool {
    fitsWithin(finish - arrival, stream.deadlineMs / 1000)
  }

  /// Each task's latency, deadline status and utility; the schedule must be valid.
  public static func replay(_ schedule: StreamsSchedule, on instance: StreamsInstance) -> [StreamsTaskResult] {
    var queues = StreamsQueues(streams: instance.streams.count)
    return schedule.decisions.enumerated().map { i, d in queues.step(i, d, on: instance) }
  }

  /// Checks the schedule and recomputes the objective: the total accuracy of on-time tasks.
  public static func evaluate(_ schedule: StreamsSchedule, on instance: StreamsInstance) -> Verdict {
    if let problem = problem(schedule, on: instance) { return Verdict(objective: 0, violations: [problem]) }
    return .withoutViolations(objective: replay(schedule, on: instance).reduce(0) { $0 + $1.utility })
  }
}
