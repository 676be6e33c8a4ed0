import EdgeSplitModel

/// One UE's replayed timeline: when each layer started and finished, and when the UE finished.
public struct UploadTimeline: Sendable, Hashable {
  /// Start time of each layer in seconds, indexed like the model's layers.
  public var start: [Double]
  /// Finish time of each layer in seconds.
  public var finish: [Double]
  /// When the last byte of each server layer's parameters arrived (0 for device layers and
  /// layers without parameters).
  public var paramsArrived: [Double]
  /// The UE's completion time: its last layer's finish.
  public var completion: Double { finish.max() ?? 0 }
}

/// The independent checker of P4 solutions: an event-level replay of every UE, written from the
/// timing model below and sharing no formula with the solvers.
///
/// Timing model (all choices of this implementation; the paper's full text was not available):
/// - **Device**: a UE runs its device layers one at a time in the model's topological order at
///   `deviceGflops`, from time 0 (a device layer never waits: the partition is predecessor-closed).
/// - **Uplink**: one FIFO link per UE at rate `b_i` Mbit/s. It carries tensors (the model input
///   when a server layer reads it, released at 0; the output of a device layer read on the server,
///   released when that layer finishes; each sent once) and parameter blocks (each server layer's
///   `paramBytes`). Tensors have strict priority over parameters and **preempt** a parameter
///   upload at once (preemptive-resume: the parameter upload continues where it stopped, i.e.
///   parameter blocks of vanishing size). Tensors go first-released-first (ties: topological
///   order); parameters go in topological order of their layers.
/// - **Parameters**: in ``UploadMode/parallel`` mode every server layer's parameters are queued at
///   time 0; in ``UploadMode/serial`` mode a server layer's parameters are queued once every layer
///   before it in topological order has finished. A layer without parameters needs no upload.
/// - **Server**: a UE's server layers run one at a time in topological order at its share `f_i`
///   GFLOP/s. A server layer starts when the previous one has finished, its inputs have arrived
///   (server predecessors finished, device predecessors' tensors — or the model input — uploaded)
///   and its parameters have been uploaded.
/// - **Result download** is not modelled (classifier outputs are a few KB); a UE completes when its
///   last layer finishes. Shares are static: resources a UE releases when it finishes are not
///   reassigned to the others (asynchronous reallocation is not modelled).
/// - **Objective**: the sum of the UEs' completion times (``UploadEvaluator/meanCompletion`` gives
///   the mean).
///
/// Feasibility: one decision per UE, partitions covering the model and predecessor-closed, finite
/// shares `>= 0`, `Σ f_i <= F` and `Σ b_i <= B` up to ``timeTolerance``, `b_i <= maxUplinkMbps`, and a UE
/// with server work (FLOPs) needs `f_i > 0`, one that sends bytes needs `b_i > 0`.
public enum UploadEvaluator {
  /// Checks `solution` and returns the sum of completion times.
  public static func evaluate(_ solution: UploadSolution, on instance: UploadInstance) -> Verdict {
    let violations = problems(solution, on: instance)
    guard violations.isEmpty else { return Verdict(objective: .infinity, violations: violations) }
    let total = instance.ues.indices.reduce(0.0) { sum, i in
      sum + timeline(of: instance.ues[i], solution.ues[i], mode: solution.uploading).completion
    }
    return .withoutViolations(objective: total)
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
      if sentBytes(ue.model, decision.onDevice) > 0 && !(decision.bandwidthMbps > 0) {
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

  /// Bytes a UE sends: tensors read on the server plus its server layers' parameters.
  static func sentBytes(_ model: DNNModel, _ onDevice: [Bool]) -> Double {
    model.transferBytes(Partition(onDevice: onDevice))
      + model.layers.indices.reduce(0) { onDevice[$1] ? $0 : $0 + model.layers[$1].paramBytes }
  }

  /// Replays one UE's decision event by event (the decision must be valid for its model).
  public static func timeline(of ue: UploadUE, _ decision: UploadDecision, mode: UploadMode) -> UploadTimeline {
    let model = ue.model
    let onDevice = decision.onDevice
    let order = model.topologicalOrder
    let n = model.layers.count
    var start = [Double](repeating: 0, count: n)
    var finish = [Double](repeating: .infinity, count: n)
    var paramsArrived = [Double](repeating: 0, count: n)

    // The device never waits.
    var clock = 0.0
    for v in order where onDevice[v] {
      start[v] = clock
      clock += Seconds.compute(model.layers[v].flops, gflops: ue.deviceGflops)
      finish[v] = clock
    }
    let serverLayers = order.filter { !onDevice[$0] }
    if serverLayers.isEmpty { return UploadTimeline(start: start, finish: finish, paramsArrived: paramsArrived) }

    // Uplink items. Tensor `nil` is the model input; others are device layers' outputs.
    struct Item { var producer: Int?; var release: Double; var bytes: Double }
    var tensors: [Item] = []
    if serverLayers.contains(where: { model.predecessors[$0].isEmpty }) {
      tensors.append(Item(producer: nil, release: 0, bytes: model.inputBytes))
    }
    for v in order where onDevice[v] && model.successors[v].contains(where: { !onDevice[$0] }) {
      tensors.append(Item(producer: v, release: finish[v], bytes: model.layers[v].outputBytes))
    }
    tensors.sort { $0.release < $1.release }  // stable: ties keep topological order
    var tensorArrival = [Double](repeating: .infinity, count: n)
    var inputArrival = Double.infinity
    func record(_ item: inout Item, at time: Double) {
      item.bytes = 0
      if let producer = item.producer { tensorArrival[producer] = time } else { inputArrival = time }
    }
    var params = serverLayers.filter { model.layers[$0].paramBytes > 0 }
      .map { Item(producer: $0, release: .infinity, bytes: model.layers[$0].paramBytes) }
    var paramsDone = [Bool](repeating: true, count: n)
    for item in params { paramsDone[item.producer!] = false }
    // deviceDone[p]: when the device layers among the first p of the topological order are done.
    var position = [Int](repeating: 0, count: n)
    var deviceDone = [Double](repeating: 0, count: n + 1)
    for (p, v) in order.enumerated() {
      position[v] = p
      deviceDone[p + 1] = onDevice[v] ? finish[v] : deviceDone[p]
    }

    let rate = decision.bandwidthMbps * 1e6 / 8  // bytes per second
    var now = 0.0
    var nextTensor = 0, nextParam = 0, nextServer = 0
    var serverFree = 0.0
    while nextServer < serverLayers.count {
      // Zero-byte items arrive as soon as released.
      while nextTensor < tensors.count && tensors[nextTensor].release <= now && tensors[nextTensor].bytes <= 0 {
        record(&tensors[nextTensor], at: now)
        nextTensor += 1
      }
      if nextParam < params.count && params[nextParam].release.isInfinite {
        let v = params[nextParam].producer!
        switch mode {
        case .parallel: params[nextParam].release = 0
        case .serial:
          // Every earlier layer has finished: the device ones by `deviceDone`, the server ones
          // when all of them have started and the server is free.
          if serverLayers[nextServer] == v && serverFree <= now && deviceDone[position[v]] <= now {
            params[nextParam].release = now
          }
        }
      }
      // Start server layers that are ready; a zero-FLOP layer finishing now may release more.
      let startedBefore = nextServer
      while nextServer < serverLayers.count {
        let v = serverLayers[nextServer]
        let inputsReady = model.predecessors[v].isEmpty
          ? inputArrival <= now
          : model.predecessors[v].allSatisfy { onDevice[$0] ? tensorArrival[$0] <= now : finish[$0] <= now }
        guard serverFree <= now, inputsReady, paramsDone[v] else { break }
        start[v] = now
        // A layer without FLOPs takes no time, even at a zero share.
        let flops = model.layers[v].flops
        finish[v] = now + (flops > 0 ? Seconds.compute(flops, gflops: decision.computeGflops) : 0)
        serverFree = finish[v]
        nextServer += 1
      }
      if nextServer == serverLayers.count { break }
      if nextServer > startedBefore && serverFree <= now { continue }
      // What the uplink sends now, and the next event.
      var next = Double.infinity
      var sending: (isTensor: Bool, index: Int)?
      if nextTensor < tensors.count {
        if tensors[nextTensor].release <= now { sending = (true, nextTensor) } else { next = tensors[nextTensor].release }
      }
      if sending == nil, nextParam < params.count, params[nextParam].release <= now { sending = (false, nextParam) }
      if let sending {
        let bytes = sending.isTensor ? tensors[sending.index].bytes : params[sending.index].bytes
        next = min(next, now + bytes / rate)
      }
      if serverFree > now { next = min(next, serverFree) }
      if mode == .serial, nextParam < params.count, params[nextParam].release.isInfinite {
        let ready = deviceDone[position[params[nextParam].producer!]]
        if ready > now { next = min(next, ready) }
      }
      guard next.isFinite, next > now || sending != nil else { break }  // nothing can happen: stuck
      if let sending {
        let sent = (next - now) * rate
        if sending.isTensor {
          if sent >= tensors[sending.index].bytes || next == now + tensors[sending.index].bytes / rate {
            record(&tensors[sending.index], at: next)
            nextTensor += 1
          } else {
            tensors[sending.index].bytes -= sent
          }
        } else {
          if sent >= params[sending.index].bytes || next == now + params[sending.index].bytes / rate {
            params[sending.index].bytes = 0
            let v = params[sending.index].producer!
            paramsDone[v] = true
            paramsArrived[v] = next
            nextParam += 1
          } else {
            params[sending.index].bytes -= sent
          }
        }
      }
      now = next
    }
    return UploadTimeline(start: start, finish: finish, paramsArrived: paramsArrived)
  }
}
