import EdgeSplitModel

/// One UE's replayed timeline: when each layer of each frame started and finished, and when the
/// UE finished.
public struct UploadTimeline: Sendable, Hashable {
  /// Start time in seconds of each layer in each frame: `start[frame][layer]`, frames from 0
  /// (``UploadUE/frames`` of them), layers indexed like the model's.
  public var start: [[Double]]
  /// Finish time in seconds of each layer in each frame, indexed like ``start``.
  public var finish: [[Double]]
  /// When the last byte of each server layer's parameters arrived (0 for device layers and
  /// layers without parameters).
  public var paramsArrived: [Double]
  /// When the UE's last uplink item (tensor or parameter block) arrived; 0 when it sends nothing.
  /// Under ``ReallocationPolicy/onRelease`` the UE releases its bandwidth share then.
  public var lastArrival: Double
  /// When the UE's last server layer finished; 0 when it has none. Under
  /// ``ReallocationPolicy/onRelease`` the UE releases its compute share then.
  public var lastServerFinish: Double
  /// The UE's completion time: its last frame's last layer's finish (each processor runs the
  /// frames in order, so nothing of an earlier frame finishes later).
  public var completion: Double { finish.last?.max() ?? 0 }
}

/// The joint replay of a solution's UEs: their timelines and the rates they were served at.
public struct UploadReplay: Sendable, Hashable {
  /// One timeline per UE, indexed like the instance's UEs.
  public var timelines: [UploadTimeline]
  /// Per UE, its server compute rate over time in FLOP/s: its share `f_i`, raised by what others
  /// release, and 0 from its own release on (constant under ``ReallocationPolicy/none``).
  public var computeRates: [RateSchedule]
  /// Per UE, its uplink rate over time in bytes per second, likewise.
  public var uplinkRates: [RateSchedule]

  /// The objective: the sum of the UEs' completion times.
  public var totalCompletion: Double { timelines.reduce(0) { $0 + $1.completion } }

  /// Per UE, the shares it effectively had while it needed them: its mean compute rate (GFLOP/s)
  /// over `[0, lastServerFinish]` and its mean uplink rate (Mbit/s) over `[0, lastArrival]` (the
  /// initial share when the release is at time 0). MJOA-MU re-partitions at these shares.
  public var effectiveShares: [(computeGflops: Double, bandwidthMbps: Double)] {
    timelines.indices.map { i in
      (computeGflops: computeRates[i].averageRate(until: timelines[i].lastServerFinish) / 1e9,
       bandwidthMbps: uplinkRates[i].averageRate(until: timelines[i].lastArrival) * 8 / 1e6)
    }
  }
}

/// The independent checker of P4 solutions: an event-level replay of every UE, written from the
/// timing model below and sharing no formula with the solvers.
///
/// Timing model (all choices of this implementation; the paper's full text was not available):
/// - **Order**: every sequence below follows the UE's execution order ``UploadUE/order`` (topological,
///   ready layers by name), never the file's listing, so any listing of a model times the same.
/// - **Frames**: a UE runs ``UploadUE/frames`` inferences of its model (a clip: every frame's
///   input is available at time 0) with one upload of its parameters. With one frame (the
///   default) every rule below reads as it did before frames existed, and replays bit for bit the same.
/// - **Device**: a UE runs its device layers one at a time in execution order at
///   `deviceGflops`, from time 0, frame 1's, then frame 2's, and so on (a device layer never
///   waits: the partition is predecessor-closed).
/// - **Uplink**: one link per UE at rate `b_i` Mbit/s. It carries each frame's tensors (the model
///   input when a server layer reads it, released at 0; the output of a device layer read on the
///   server, released when that layer finishes; each sent once per frame) and parameter blocks
///   (each server layer's `paramBytes`, once for all frames). At every moment it sends the
///   released item of highest priority, preemptive-resume (a preempted upload continues where it
///   stopped, i.e. blocks of vanishing size). Priority: frame 1's tensors, in release order (ties:
///   execution order), so they **preempt** a parameter upload at once; then the parameter blocks,
///   in execution order of their layers; then frame 2's tensors, frame 3's, and so on (each
///   frame's in release order). Later frames' tensors come after the parameters because the
///   server runs the frames in order: a later frame's first server layer waits for frame 1's last,
///   which waits for every parameter block, so sending such a tensor before a parameter block
///   could only delay frame 1, never let a later frame start sooner (the uplink being
///   work-conserving, it still fills any gap in the parameters, e.g. under serial uploading).
/// - **Parameters**: in ``UploadMode/parallel`` mode every server layer's parameters are queued at
///   time 0; in ``UploadMode/serial`` mode a server layer's parameters are queued once every layer
///   before it in frame 1's execution order has finished. A layer without parameters needs no upload.
/// - **Server**: a UE's server layers run one at a time at its share `f_i` GFLOP/s, frame 1's in
///   execution order, then frame 2's, and so on. A server layer starts when the previous one has
///   finished, its inputs for that frame have arrived (server predecessors finished, device
///   predecessors' tensors — or the model input — uploaded) and its parameters have been uploaded.
/// - **Reallocation** (``UploadInstance/Fields/reallocation``). With ``ReallocationPolicy/none`` shares
///   are static: a UE keeps `f_i` and `b_i` to the end. With ``ReallocationPolicy/onRelease`` a
///   UE *releases* its bandwidth share when its last uplink item has arrived
///   (``UploadTimeline/lastArrival``) and its compute share when its last server layer has
///   finished (``UploadTimeline/lastServerFinish``); a positive share of a resource it never uses
///   (nothing to send, no server layer) is released at time 0. A share released at `t` goes at
///   once to the UEs that still use that resource after `t` (an uplink item of theirs arrives
///   after `t`; a server layer of theirs finishes after `t`), in proportion to their current
///   shares of it, so a UE with share 0 gets none. Bandwidth is water-filled under the channel
///   caps `maxUplinkMbps`: what a capped UE cannot take goes to the uncapped ones, in the same
///   proportions, and what no one can take, or no one uses after `t`, stays unused. Releases are
///   processed in time order (ties: lower UE index first, then bandwidth before compute). A rate
///   change takes effect at once, also for the item being sent or the layer running (the order
///   and preemption rules above are unchanged), so each UE is replayed at piecewise-constant rates
///   (``RateSchedule``). Rates only grow until a UE's release, so under this policy no event
///   happens later than with static shares.
/// - **Result download** is not modelled (classifier outputs are a few KB); a UE completes when its
///   last frame's last layer finishes.
/// - **Objective**: the sum of the UEs' completion times (`UploadEvaluator.meanCompletion` gives
///   the mean).
///
/// Feasibility (of the initial shares, under either policy): one decision per UE, partitions
/// covering the model and predecessor-closed, finite shares `>= 0`, `Σ f_i <= F` and
/// `Σ b_i <= B` up to `timeTolerance`, `b_i <= maxUplinkMbps`, and a UE with server work (FLOPs)
/// needs `f_i > 0`, one that sends bytes needs `b_i > 0`.
public enum UploadEvaluator {
  /// Checks `solution` and returns the sum of completion times.
  public static func evaluate(_ solution: UploadSolution, on instance: UploadInstance) -> Verdict {
    let violations = problems(solution, on: instance)
    guard violations.isEmpty else { return Verdict(objective: .infinity, violations: violations) }
    return .withoutViolations(objective: replay(solution, on: instance).totalCompletion)
  }

  /// The mean completion time of a feasible `solution`.
  public static func meanCompletion(_ solution: UploadSolution, on instance: UploadInstance) -> Double {
    evaluate(solution, on: instance).objective / Double(instance.ues.count)
  }

  /// Every broken constraint of `solution`.
  public static func problems(_ solution: UploadSolution, on instance: UploadInstance) -> [String] {
    guard solution.ues.count == instance.ues.count else {
      return ["solution has \(solution.ues.count) UE decisions, instance has \(instance.ues.count) UEs"]
    }
    var violations: [String] = []
    for (ue, decision) in zip(instance.ues, solution.ues) {
      if let problem = ue.model.partitionProblem(Partition(onDevice: decision.onDevice)) {
        violations.append("UE '\(ue.name)': \(problem)")
        continue
      }
      for (value, what) in [(decision.computeGflops, "computeGflops"), (decision.bandwidthMbps, "bandwidthMbps")]
      where !(value.isFinite && value >= 0) {
        violations.append("UE '\(ue.name)': \(what) must be a finite number >= 0, got \(value)")
      }
      if !fitsWithin(decision.bandwidthMbps, ue.maxUplinkMbps) {
        violations.append("UE '\(ue.name)': bandwidth share \(decision.bandwidthMbps) Mbit/s exceeds its channel's \(ue.maxUplinkMbps)")
      }
      let partition = Partition(onDevice: decision.onDevice)
      if ue.model.serverFlops(partition) > 0 && !(decision.computeGflops > 0) {
        violations.append("UE '\(ue.name)': runs FLOPs on the server with no compute share")
      }
      if sentBytes(ue, decision.onDevice) > 0 && !(decision.bandwidthMbps > 0) {
        violations.append("UE '\(ue.name)': sends data with no bandwidth share")
      }
    }
    let compute = solution.ues.reduce(0) { $0 + $1.computeGflops }
    let bandwidth = solution.ues.reduce(0) { $0 + $1.bandwidthMbps }
    if !fitsWithin(compute, instance.serverGflops) {
      violations.append("compute shares sum to \(compute) GFLOP/s, budget is \(instance.serverGflops)")
    }
    if !fitsWithin(bandwidth, instance.bandwidthMbps) {
      violations.append("bandwidth shares sum to \(bandwidth) Mbit/s, budget is \(instance.bandwidthMbps)")
    }
    return violations
  }

  /// Bytes a UE sends: every frame's tensors read on the server plus its server layers'
  /// parameters, once.
  static func sentBytes(_ ue: UploadUE, _ onDevice: [Bool]) -> Double {
    let model = ue.model
    return Double(ue.frames) * model.transferBytes(Partition(onDevice: onDevice))
      + model.layers.indices.reduce(0) { onDevice[$1] ? $0 : $0 + model.layers[$1].paramBytes }
  }

  /// Replays every UE of a feasible `solution` under the instance's ``UploadInstance/Fields/reallocation``.
  ///
  /// Every UE is first replayed at its initial shares. Then, while some UE holds a share it has
  /// not released, the earliest such release (at `t`) is applied: the share is split among its
  /// receivers, each receiver's rate changes at `t` and the receiver alone is replayed again.
  /// Its events up to `t` come out bit for bit the same (``RateSchedule``) and its later ones no
  /// later, so releases already applied stay valid and no later release moves before `t`. Static
  /// shares cost one replay per UE.
  public static func replay(_ solution: UploadSolution, on instance: UploadInstance) -> UploadReplay {
    var replay = UploadReplay(
      timelines: [],
      computeRates: solution.ues.map { RateSchedule(rate: flopsPerSecond($0.computeGflops)) },
      uplinkRates: solution.ues.map { RateSchedule(rate: bytesPerSecond($0.bandwidthMbps)) })
    func replayUE(_ i: Int) -> UploadTimeline {
      timeline(of: instance.ues[i], onDevice: solution.ues[i].onDevice, compute: replay.computeRates[i],
               uplink: replay.uplinkRates[i], mode: solution.uploading)
    }
    replay.timelines = instance.ues.indices.map(replayUE)
    guard instance.reallocation == .onRelease else { return replay }

    // In tie order: bandwidth before compute.
    var pools = [
      SharedResource(shares: solution.ues.map(\.bandwidthMbps), caps: instance.ues.map(\.maxUplinkMbps),
                     releaseTime: \.lastArrival, rates: \.uplinkRates, unitsPerSecond: bytesPerSecond),
      SharedResource(shares: solution.ues.map(\.computeGflops), caps: instance.ues.map { _ in .infinity },
                     releaseTime: \.lastServerFinish, rates: \.computeRates, unitsPerSecond: flopsPerSecond),
    ]
    while let (time, releaser, p) = nextRelease(pools, replay.timelines) {
      let amount = pools[p].shares[releaser]
      pools[p].shares[releaser] = 0
      replay[keyPath: pools[p].rates][releaser].change(to: 0, at: time)
      let receivers = instance.ues.indices.filter {
        pools[p].shares[$0] > 0 && replay.timelines[$0][keyPath: pools[p].releaseTime] > time
      }
      // A share at most `timeTolerance` above its cap is feasible: it has no room, not less.
      let gains = proportionalSplit(amount, shares: receivers.map { pools[p].shares[$0] },
                                    room: receivers.map { max(0, pools[p].caps[$0] - pools[p].shares[$0]) })
      for (j, gain) in zip(receivers, gains) where gain > 0 {
        pools[p].shares[j] += gain
        replay[keyPath: pools[p].rates][j].change(to: pools[p].unitsPerSecond(pools[p].shares[j]), at: time)
        replay.timelines[j] = replayUE(j)
      }
    }
    return replay
  }

  /// One budget the UEs share under ``ReallocationPolicy/onRelease``, with its current shares.
  private struct SharedResource {
    /// Each UE's current share (Mbit/s or GFLOP/s); 0 once released.
    var shares: [Double]
    /// The most each UE may hold.
    let caps: [Double]
    /// When a UE releases its share.
    let releaseTime: KeyPath<UploadTimeline, Double>
    /// Where the UEs' rates of this resource are kept.
    let rates: WritableKeyPath<UploadReplay, [RateSchedule]>
    /// A share as a rate of work units (bytes or FLOP) per second.
    let unitsPerSecond: (Double) -> Double
  }

  /// The earliest release still to apply as (time, UE, resource index), ties by UE then resource;
  /// a UE holding a share 0 has nothing to release.
  private static func nextRelease(_ pools: [SharedResource], _ timelines: [UploadTimeline]) -> (Double, Int, Int)? {
    var next: (Double, Int, Int)?
    for i in timelines.indices {
      for p in pools.indices where pools[p].shares[i] > 0 {
        let candidate = (timelines[i][keyPath: pools[p].releaseTime], i, p)
        if next.map({ candidate < $0 }) ?? true { next = candidate }
      }
    }
    return next
  }

  /// `amount` split in proportion to `shares`, none getting more than its `room`: what a full
  /// receiver cannot take goes to the others in the same proportions, and what no one can take is
  /// dropped. Receivers fill up in increasing order of `room / share`.
  static func proportionalSplit(_ amount: Double, shares: [Double], room: [Double]) -> [Double] {
    var gains = [Double](repeating: 0, count: shares.count)
    let byRoom = shares.indices.filter { shares[$0] > 0 }.sorted { room[$0] / shares[$0] < room[$1] / shares[$1] }
    var left = amount
    var weight = byRoom.reduce(0) { $0 + shares[$1] }
    for (k, j) in byRoom.enumerated() {
      let perShare = left / weight
      guard room[j] <= shares[j] * perShare else {
        for open in byRoom[k...] { gains[open] = shares[open] * perShare }
        break
      }
      gains[j] = room[j]
      left -= room[j]
      weight -= shares[j]
    }
    return gains
  }

  /// A compute share in GFLOP/s as FLOP per second.
  static func flopsPerSecond(_ gflops: Double) -> Double { gflops * 1e9 }

  /// A bandwidth share in Mbit/s as bytes per second.
  static func bytesPerSecond(_ mbps: Double) -> Double { mbps * 1e6 / 8 }

  /// Replays one UE's decision event by event at its static shares (the decision must be valid
  /// for its model); ``replay(_:on:)`` replays a whole solution under the instance's reallocation.
  public static func timeline(of ue: UploadUE, _ decision: UploadDecision, mode: UploadMode) -> UploadTimeline {
    timeline(of: ue, onDevice: decision.onDevice, compute: RateSchedule(rate: flopsPerSecond(decision.computeGflops)),
             uplink: RateSchedule(rate: bytesPerSecond(decision.bandwidthMbps)), mode: mode)
  }

  /// Replays one UE event by event with its server layers run at `compute` (FLOP/s) and its uplink
  /// at `uplink` (bytes per second); `onDevice` must be a valid partition of its model.
  public static func timeline(
    of ue: UploadUE, onDevice: [Bool], compute: RateSchedule, uplink: RateSchedule, mode: UploadMode
  ) -> UploadTimeline {
    let model = ue.model
    let order = ue.order
    let n = model.layers.count
    let frames = ue.frames
    precondition(frames >= 1, "a UE runs at least one frame (UploadInstance(validating:) checks it)")
    var start = [[Double]](repeating: [Double](repeating: 0, count: n), count: frames)
    var finish = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: frames)
    var paramsArrived = [Double](repeating: 0, count: n)
    var lastArrival = 0.0
    func result(_ lastServerFinish: Double) -> UploadTimeline {
      UploadTimeline(start: start, finish: finish, paramsArrived: paramsArrived, lastArrival: lastArrival,
                     lastServerFinish: lastServerFinish)
    }

    // The device never waits: frame 1's device layers, then frame 2's, and so on.
    var clock = 0.0
    for frame in 0..<frames {
      for v in order where onDevice[v] {
        start[frame][v] = clock
        clock += Seconds.compute(model.layers[v].flops, gflops: ue.deviceGflops)
        finish[frame][v] = clock
      }
    }
    let serverLayers = order.filter { !onDevice[$0] }
    if serverLayers.isEmpty { return result(0) }
    // The server's jobs (frame, layer): frame 1's server layers in execution order, then frame 2's.
    let jobs = (0..<frames).flatMap { frame in serverLayers.map { (frame: frame, layer: $0) } }

    // Uplink items in priority order: frame 1's tensors, the parameter blocks, then each later
    // frame's tensors. A frame's tensors are the model input (`producer` nil, released at 0) when
    // a server layer reads it and each device output read on the server (released when the layer
    // finishes), in release order, ties in execution order.
    struct Item { var frame: Int; var producer: Int?; var isParameter: Bool; var release: Double; var bytes: Double }
    let readsInput = serverLayers.contains { model.predecessors[$0].isEmpty }
    let sentOutputs = order.filter { onDevice[$0] && model.successors[$0].contains { !onDevice[$0] } }
    func tensors(of frame: Int) -> [Item] {
      var list: [Item] = []
      if readsInput { list.append(Item(frame: frame, producer: nil, isParameter: false, release: 0, bytes: model.inputBytes)) }
      for v in sentOutputs {
        list.append(Item(frame: frame, producer: v, isParameter: false, release: finish[frame][v], bytes: model.layers[v].outputBytes))
      }
      list.sort { $0.release < $1.release }  // stable: ties keep execution order
      return list
    }
    var items = tensors(of: 0)
    let firstParameter = items.count
    // Parallel uploading queues every parameter block at 0, serial ones when their turn comes.
    items += serverLayers.filter { model.layers[$0].paramBytes > 0 }.map {
      Item(frame: 0, producer: $0, isParameter: true, release: mode == .parallel ? 0 : .infinity, bytes: model.layers[$0].paramBytes)
    }
    let afterParameters = items.count
    for frame in 0..<frames where frame > 0 { items += tensors(of: frame) }
    var arrived = [Bool](repeating: false, count: items.count)
    var tensorArrival = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: frames)
    var inputArrival = [Double](repeating: .infinity, count: frames)
    var paramsDone = [Bool](repeating: true, count: n)
    for item in items[firstParameter..<afterParameters] { paramsDone[item.producer!] = false }
    var now = 0.0
    var firstUnsent = 0  // every item before it has arrived
    var nextParam = firstParameter  // the first parameter block not arrived (serial mode queues it)
    func record(_ k: Int, at time: Double) {
      arrived[k] = true
      items[k].bytes = 0
      lastArrival = max(lastArrival, time)
      let item = items[k]
      if item.isParameter {
        paramsDone[item.producer!] = true
        paramsArrived[item.producer!] = time
        while nextParam < afterParameters && arrived[nextParam] { nextParam += 1 }
      } else if let producer = item.producer {
        tensorArrival[item.frame][producer] = time
      } else {
        inputArrival[item.frame] = time
      }
      while firstUnsent < items.count && arrived[firstUnsent] { firstUnsent += 1 }
    }
    // The item the uplink sends at `now`: the first released one in priority order (an earlier
    // one released later preempts it), and the earliest release among the items before it.
    func selected() -> (item: Int?, preemption: Double) {
      var preemption = Double.infinity
      for k in firstUnsent..<items.count where !arrived[k] {
        if items[k].release <= now { return (k, preemption) }
        preemption = min(preemption, items[k].release)
      }
      return (nil, preemption)
    }
    // deviceDone[p]: when the device layers among the first p of frame 1's execution order are done.
    var position = [Int](repeating: 0, count: n)
    var deviceDone = [Double](repeating: 0, count: n + 1)
    for (p, v) in order.enumerated() {
      position[v] = p
      deviceDone[p + 1] = onDevice[v] ? finish[0][v] : deviceDone[p]
    }

    var nextServer = 0
    var serverFree = 0.0
    while nextServer < jobs.count {
      // Zero-byte items arrive as soon as it is their turn.
      while let k = selected().item, items[k].bytes <= 0 { record(k, at: now) }
      if mode == .serial, nextParam < afterParameters, items[nextParam].release.isInfinite {
        // Every earlier layer of frame 1 has finished: the device ones by `deviceDone`, the server
        // ones when all of them have started and the server is free.
        let v = items[nextParam].producer!
        if jobs[nextServer].frame == 0 && jobs[nextServer].layer == v && serverFree <= now && deviceDone[position[v]] <= now {
          items[nextParam].release = now
        }
      }
      // Start server jobs that are ready; a zero-FLOP layer finishing now may release more.
      let startedBefore = nextServer
      while nextServer < jobs.count {
        let (frame, v) = jobs[nextServer]
        let inputsReady = model.predecessors[v].isEmpty
          ? inputArrival[frame] <= now
          : model.predecessors[v].allSatisfy { onDevice[$0] ? tensorArrival[frame][$0] <= now : finish[frame][$0] <= now }
        guard serverFree <= now, inputsReady, paramsDone[v] else { break }
        start[frame][v] = now
        finish[frame][v] = compute.completion(of: model.layers[v].flops, from: now)
        serverFree = finish[frame][v]
        nextServer += 1
      }
      if nextServer == jobs.count { break }
      if nextServer > startedBefore && serverFree <= now { continue }
      // What the uplink sends now, and the next event.
      let (sending, preemption) = selected()
      var next = preemption
      var sendEnd = Double.infinity
      if let sending {
        sendEnd = uplink.completion(of: items[sending].bytes, from: now)
        next = min(next, sendEnd)
      }
      if serverFree > now { next = min(next, serverFree) }
      if mode == .serial, nextParam < afterParameters, items[nextParam].release.isInfinite {
        let ready = deviceDone[position[items[nextParam].producer!]]
        if ready > now { next = min(next, ready) }
      }
      guard next.isFinite, next > now || sending != nil else { break }  // nothing can happen: stuck
      if let sending {
        let sent = uplink.work(from: now, to: next)
        if sent >= items[sending].bytes || next == sendEnd {
          record(sending, at: next)
        } else {
          items[sending].bytes -= sent
        }
      }
      now = next
    }
    return result(jobs.last.map { finish[$0.frame][$0.layer] } ?? 0)
  }
}
