import EdgeSplitModel

/// The P4 solvers, in table order.
public enum UploadSolvers {
  public typealias P4Solver = Solver<UploadFamily>

  /// MJOA-MU with parallel uploading.
  public static let mjoaMU = P4Solver(
    name: "p4-mjoa-mu", role: .heuristic,
    summary: "MJOA-MU: PBT-DP partitions alternated with ARA (KKT) shares, parallel uploading"
  ) { instance, options in MJOAMU.solve(instance, mode: .parallel, options: options) }

  /// A local search on the replayed latency (overlap included), started from MJOA-MU.
  public static let overlap = P4Solver(
    name: "p4-overlap", role: .heuristic,
    summary: "local search over partitions and shares on the replayed latency (parallel-upload overlap included), from MJOA-MU"
  ) { instance, options in OverlapSearch.solve(instance, options: options) }

  /// The same method with IONN-style serial uploading.
  public static let serialUpload = P4Solver(
    name: "p4-serial-upload", role: .heuristic,
    summary: "PBT-DP + ARA with serial uploading (parameters sent after the earlier layers ran)"
  ) { instance, options in MJOAMU.solve(instance, mode: .serial, options: options) }

  /// Everything on the devices.
  public static let allLocal = P4Solver(
    name: "p4-all-local", role: .heuristic, summary: "every layer on its device"
  ) { instance, options in UploadBaselines.allLocal(instance, options: options) }

  /// Everything offloaded, parallel uploading.
  public static let allOffloadParallel = P4Solver(
    name: "p4-all-offload-parallel", role: .heuristic, summary: "every layer on the server, ARA shares, parallel uploading"
  ) { instance, options in UploadBaselines.allOffload(instance, mode: .parallel, options: options) }

  /// Everything offloaded, serial uploading.
  public static let allOffloadSerial = P4Solver(
    name: "p4-all-offload-serial", role: .heuristic, summary: "every layer on the server, ARA shares, serial uploading"
  ) { instance, options in UploadBaselines.allOffload(instance, mode: .serial, options: options) }

  /// MJOA-MU's partitions with equal shares.
  public static let equalShare = P4Solver(
    name: "p4-equal-share", role: .heuristic, summary: "MJOA-MU's partitions, server compute and bandwidth split evenly"
  ) { instance, options in UploadBaselines.equalShare(instance, options: options) }

  /// Every solver of this module.
  public static let all = [mjoaMU, overlap, serialUpload, allLocal, allOffloadParallel, allOffloadSerial, equalShare]
}
