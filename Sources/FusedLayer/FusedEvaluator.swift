import EdgeSplitModel

/// The independent checker for P3 decisions: it rebuilds the paths from the layer geometry
/// (``FusedInstance/paths(blockLength:tiling:)``, the one piece shared with the solvers) and
/// replays the decision task by task; it calls none of the solvers' closed forms (those live in
/// `FusedLayer.FusedTiming` and are tested against this replay).
///
/// Schedule model. The device CPU, the uplink, the server CPU and the downlink each serve one
/// task at a time, in the order the tasks are listed, every task starting at the later of its
/// resource being free and its predecessors being done. The device runs its local paths back to
/// back from time 0, in `order`; the uplink sends the offloaded paths' input regions from time 0
/// in `order`; the server computes each after its upload and after the previous one. Where the
/// block output is merged depends on the tail:
/// - **merge on the device** (`tailCut > blockLength`, or the whole network is the block):
///   each offloaded result comes down the downlink in `order`; the output is complete at
///   `gather` = the later of the device's last path and the last download; the tail then runs
///   device layers `blockLength..<tailCut`, and if `tailCut < layerCount` the tensor at the cut
///   goes up, the server runs the rest and the final output comes down;
/// - **merge on the server** (`tailCut == blockLength > 0`, a non-empty tail): offloaded
///   results stay on the server; the uplink carries, in `order`, each offloaded path's input
///   and each local path's output tile (sent once the device has computed it); the server runs
///   the whole tail once every tile is there and the final output comes down.
/// Consecutive tail layers on one processor run as one task (their FLOPs summed). Without a
/// downlink rate downloads take no time. With `blockLength == 0` the decisions are exactly the
/// layer-level single cuts of the unfused network (cut 0 sends the model input). The makespan
/// (seconds) is the objective.
public enum FusedEvaluator {
  /// A processor or link of the schedule model.
  private enum Resource: Int, CaseIterable { case device, uplink, server, downlink }

  /// Tasks in list order: each starts when its resource is free and its predecessors are done.
  private struct Replay {
    private var free = [Double](repeating: 0, count: Resource.allCases.count)
    /// Finish time of every task added so far.
    private(set) var finish: [Double] = []

    /// Adds a task of `seconds` on `resource` after `predecessors`; returns its index.
    @discardableResult
    mutating func add(_ resource: Resource, _ seconds: Double, after predecessors: [Int] = []) -> Int {
      let start = predecessors.reduce(free[resource.rawValue]) { max($0, finish[$1]) }
      finish.append(start + seconds)
      free[resource.rawValue] = start + seconds
      return finish.count - 1
    }

    /// When every task is done.
    var end: Double { finish.max() ?? 0 }
  }

  /// Replays a valid decision and returns its makespan in seconds.
  /// - Complexity: O(blockLength × paths + layerCount).
  private static func replay(_ decision: FusedDecision, on instance: FusedInstance) -> Double {
    let e = decision.blockLength, cut = decision.tailCut, count = instance.layerCount
    let compute = { (flops: Double, gflops: Double) in Seconds.compute(flops, gflops: gflops) }
    let up = { (bytes: Double) in Seconds.transfer(bytes, mbps: instance.uplinkMbps) }
    let down = { (bytes: Double) in instance.downlinkMbps.map { Seconds.transfer(bytes, mbps: $0) } ?? 0 }
    let serverMerge = e > 0 && cut == e && cut < count
    var schedule = Replay()
    var merged: [Int] = []  // the tasks after which the block output is complete where it merges
    if let tiling = decision.tiling, e > 0 {
      let paths = instance.paths(blockLength: e, tiling: tiling)
      for p in decision.order {
        let path = paths[p]
        if decision.offloaded[p] {
          let upload = schedule.add(.uplink, up(path.inputBytes))
          let computed = schedule.add(.server, compute(path.flops, instance.serverGflops), after: [upload])
          merged.append(serverMerge ? computed : schedule.add(.downlink, down(path.outputBytes), after: [computed]))
        } else {
          let computed = schedule.add(.device, compute(path.flops, instance.deviceGflops))
          merged.append(serverMerge ? schedule.add(.uplink, up(path.outputBytes), after: [computed]) : computed)
        }
      }
    }
    let flops = { (layers: Range<Int>) in layers.reduce(0.0) { $0 + instance.layer(at: $1).flops } }
    var last = schedule.add(.device, compute(flops(e..<cut), instance.deviceGflops), after: merged)
    if cut < count {
      if !serverMerge {
        last = schedule.add(.uplink, up(cut == 0 ? instance.model.inputBytes : instance.layer(at: cut - 1).outputBytes),
                            after: [last])
      }
      last = schedule.add(.server, compute(flops(cut..<count), instance.serverGflops), after: [last])
      schedule.add(.downlink, down(instance.layer(at: count - 1).outputBytes), after: [last])
    }
    return schedule.end
  }

  /// Why `decision` is not a valid decision for `instance`, or `nil`.
  public static func problem(_ decision: FusedDecision, on instance: FusedInstance) -> String? {
    let e = decision.blockLength
    guard (0...instance.maxBlockLength).contains(e) else {
      return "block length \(e) outside 0...\(instance.maxBlockLength)"
    }
    guard (e...instance.layerCount).contains(decision.tailCut) else {
      return "tail cut \(decision.tailCut) outside \(e)...\(instance.layerCount)"
    }
    let tiles: Int
    if e == 0 {
      guard decision.tiling == nil else { return "an unfused decision (block length 0) has no tiling" }
      tiles = 0
    } else {
      guard let tiling = decision.tiling else { return "a fused block needs a tiling" }
      guard instance.tilings.contains(tiling) else { return "tiling \(tiling) is not one of the instance's" }
      tiles = tiling.tiles
    }
    guard decision.offloaded.count == tiles else {
      return "offloaded has \(decision.offloaded.count) entries for \(tiles) paths"
    }
    guard decision.order.sorted() == Array(0..<tiles) else {
      return "order \(decision.order) is not a permutation of the \(tiles) paths"
    }
    return nil
  }

  /// Checks `decision` and recomputes its makespan (seconds, to minimize).
  public static func evaluate(_ decision: FusedDecision, on instance: FusedInstance) -> Verdict {
    if let problem = problem(decision, on: instance) { return Verdict(objective: .infinity, violations: [problem]) }
    return .withoutViolations(objective: replay(decision, on: instance))
  }
}
