/// Seconds one path of a fused block spends on each resource.
public struct PathTimes: Sendable, Hashable {
  /// Computing the path on the device.
  public var device: Double
  /// Sending its input region up the link.
  public var upload: Double
  /// Computing it on the server.
  public var server: Double
  /// Sending its output tile back down (0 when the instance has no downlink rate).
  public var download: Double
  /// Sending its output tile up, when it ran on the device and the block merges on the server.
  public var outputUpload: Double

  public init(device: Double, upload: Double, server: Double, download: Double, outputUpload: Double = 0) {
    self.device = device
    self.upload = upload
    self.server = server
    self.download = download
    self.outputUpload = outputUpload
  }
}

/// The independent checker for P3 decisions: it rebuilds the paths from the layer geometry
/// (``FusedInstance/paths(blockLength:tiling:)``) and replays the decision as an event schedule.
///
/// Schedule model. The device CPU, the uplink, the server CPU and the downlink each serve one
/// task at a time, every task starting as early as its inputs and its resource allow. The
/// device runs its local paths back to back from time 0, in `order`; the uplink sends the
/// offloaded paths' input regions from time 0 in `order`; the server computes each after its
/// upload and after the previous one. Where the block output is merged depends on the tail:
/// - **merge on the device** (`tailCut > blockLength`, or the whole network is the block):
///   each offloaded result comes down the downlink in `order`; the output is complete at
///   `gather` = the later of the device's last path and the last download; the tail then runs
///   device layers `blockLength..<tailCut`, and if `tailCut < layerCount` the tensor at the cut
///   goes up, the server runs the rest and the final output comes down;
/// - **merge on the server** (`tailCut == blockLength > 0`, a non-empty tail): offloaded
///   results stay on the server; the uplink carries, in `order`, each offloaded path's input
///   and each local path's output tile (sent once the device has computed it); the server runs
///   the whole tail once every tile is there and the final output comes down.
/// With `blockLength == 0` the decisions are exactly the layer-level single cuts of the
/// unfused network (cut 0 sends the model input). The makespan (seconds) is the objective.
public enum FusedEvaluator {
  /// Per-resource seconds of each path.
  public static func times(_ instance: FusedInstance, _ paths: [FusedPath]) -> [PathTimes] {
    paths.map { path in
      PathTimes(device: Seconds.compute(path.flops, gflops: instance.deviceGflops),
                upload: Seconds.transfer(path.inputBytes, mbps: instance.uplinkMbps),
                server: Seconds.compute(path.flops, gflops: instance.serverGflops),
                download: instance.downlinkMbps.map { Seconds.transfer(path.outputBytes, mbps: $0) } ?? 0,
                outputUpload: Seconds.transfer(path.outputBytes, mbps: instance.uplinkMbps))
    }
  }

  /// Whether a decision merges the block output on the server (see the type's discussion).
  public static func mergesOnServer(_ instance: FusedInstance, blockLength: Int, tailCut: Int) -> Bool {
    blockLength > 0 && tailCut == blockLength && tailCut < instance.layerCount
  }

  /// When the whole block output is on the server, merging there.
  /// - Complexity: O(paths).
  public static func serverMergeTime(_ times: [PathTimes], order: [Int], offloaded: [Bool]) -> Double {
    var device = 0.0, uplink = 0.0, server = 0.0
    for p in order {
      if offloaded[p] {
        uplink += times[p].upload
        server = max(server, uplink) + times[p].server
      } else {
        device += times[p].device
        uplink = max(uplink, device) + times[p].outputUpload
      }
    }
    return max(server, uplink)
  }

  /// When the whole block output is on the device, merging there.
  /// - Complexity: O(paths).
  public static func gatherTime(_ times: [PathTimes], order: [Int], offloaded: [Bool]) -> Double {
    var device = 0.0, uplink = 0.0, server = 0.0, downlink = 0.0
    for p in order {
      if offloaded[p] {
        uplink += times[p].upload
        server = max(server, uplink) + times[p].server
        downlink = max(downlink, server) + times[p].download
      } else {
        device += times[p].device
      }
    }
    return max(device, downlink)
  }

  /// Seconds from the merged block output to the final result on the device: device layers
  /// `blockLength..<tailCut`, the upload at the cut (none when merged on the server), the
  /// server layers and the final download.
  public static func tailTime(_ instance: FusedInstance, blockLength: Int, tailCut: Int) -> Double {
    let count = instance.layerCount
    let deviceFlops = (blockLength..<tailCut).reduce(0.0) { $0 + instance.layer(at: $1).flops }
    var seconds = Seconds.compute(deviceFlops, gflops: instance.deviceGflops)
    guard tailCut < count else { return seconds }
    if !mergesOnServer(instance, blockLength: blockLength, tailCut: tailCut) {
      let cutBytes = tailCut == 0 ? instance.model.inputBytes : instance.layer(at: tailCut - 1).outputBytes
      seconds += Seconds.transfer(cutBytes, mbps: instance.uplinkMbps)
    }
    let serverFlops = (tailCut..<count).reduce(0.0) { $0 + instance.layer(at: $1).flops }
    seconds += Seconds.compute(serverFlops, gflops: instance.serverGflops)
    if let downlink = instance.downlinkMbps {
      seconds += Seconds.transfer(instance.layer(at: count - 1).outputBytes, mbps: downlink)
    }
    return seconds
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

  /// The makespan of a valid decision, in seconds.
  public static func makespan(_ decision: FusedDecision, on instance: FusedInstance) -> Double {
    var gather = 0.0
    if let tiling = decision.tiling, decision.blockLength > 0 {
      let times = times(instance, instance.paths(blockLength: decision.blockLength, tiling: tiling))
      gather = mergesOnServer(instance, blockLength: decision.blockLength, tailCut: decision.tailCut)
        ? serverMergeTime(times, order: decision.order, offloaded: decision.offloaded)
        : gatherTime(times, order: decision.order, offloaded: decision.offloaded)
    }
    return gather + tailTime(instance, blockLength: decision.blockLength, tailCut: decision.tailCut)
  }

  /// Checks `decision` and recomputes its makespan (seconds, to minimize).
  public static func evaluate(_ decision: FusedDecision, on instance: FusedInstance) -> Verdict {
    if let problem = problem(decision, on: instance) { return Verdict(objective: .infinity, violations: [problem]) }
    return .withoutViolations(objective: makespan(decision, on: instance))
  }
}
