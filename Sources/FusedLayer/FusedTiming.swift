import EdgeSplitModel

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

/// The solvers' closed forms of the P3 schedule model (see ``FusedEvaluator`` for the model).
///
/// They compute in O(paths) what the evaluator's event replay computes task by task; the
/// evaluator never calls them, and `FusedTimingTests` checks them against the replay on seeded
/// random instances and decisions. Only the geometry
/// (``FusedInstance/paths(blockLength:tiling:)``) is shared with the evaluator.
public enum FusedTiming {
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

  /// Whether a decision merges the block output on the server: a fused block whose tail starts
  /// on the server (``FusedDecision``).
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

  /// The makespan of a valid decision from the closed forms: merge time plus tail time.
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
}
