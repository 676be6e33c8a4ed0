import EdgeSplitModel

/// P4: multi-UE co-inference with on-demand parallel model uploading (MJOA-MU, seed 001).
public enum UploadFamily: ProblemFamily {
  public typealias Instance = UploadInstance
  public typealias Solution = UploadSolution

  public static let name = "upload"
  public static let title = "P4: multi-UE co-inference with on-demand model uploading (MJOA-MU)"
  public static let sense = ObjectiveSense.minimize
  public static let sizeUnit = "UEs"
  public static let objectiveUnit = ObjectiveUnit.seconds("sum of UE completion times")

  public static func evaluate(_ solution: UploadSolution, on instance: UploadInstance) -> Verdict {
    UploadEvaluator.evaluate(solution, on: instance)
  }

  /// Per UE: its frames (when more than one), shares (and, when released shares are reallocated,
  /// the effective ones), device and server layers, completion time; then the sum and the mean.
  public static func plan(_ solution: UploadSolution, on instance: UploadInstance) -> String {
    let reallocated = instance.reallocation == .onRelease
    var lines = ["P4 upload plan for '\(instance.name)' (\(solution.uploading.rawValue) uploading"
      + (reallocated ? ", released shares reallocated):" : "):")]
    let violations = UploadEvaluator.problems(solution, on: instance)
    if !violations.isEmpty { return (lines + violations.map { "INFEASIBLE: \($0)" }).joined(separator: "\n") + "\n" }
    let replay = UploadEvaluator.replay(solution, on: instance)
    let effective = replay.effectiveShares
    for (i, (ue, decision)) in zip(instance.ues, solution.ues).enumerated() {
      let model = ue.model
      let server = ue.order.filter { !decision.onDevice[$0] }
      let shares = "f \(formatted(decision.computeGflops)) GFLOP/s, b \(formatted(decision.bandwidthMbps)) Mbit/s"
        + (reallocated ? " (effective \(formatted(effective[i].computeGflops)), \(formatted(effective[i].bandwidthMbps)))" : "")
      let frames = ue.frames > 1 ? ", \(ue.frames) frames" : ""
      lines.append("\(ue.name) (\(model.name)\(frames)): \(model.layers.count - server.count) device / \(server.count) server layers, "
        + "\(shares), done at \(formatted(replay.timelines[i].completion * 1000)) ms")
      if let first = server.first { lines.append("  first server layer: \(model.layers[first].name)") }
    }
    let total = replay.totalCompletion
    lines.append("sum \(formatted(total * 1000)) ms, mean \(formatted(total * 1000 / Double(instance.ues.count))) ms")
    return lines.joined(separator: "\n") + "\n"
  }

  /// One cluster per UE, its layers coloured by side.
  public static func graph(_ solution: UploadSolution, on instance: UploadInstance) -> String {
    var statements: [String] = []
    for (i, ue) in instance.ues.enumerated() {
      let onDevice = solution.ues.indices.contains(i) && solution.ues[i].onDevice.count == ue.model.layers.count
        ? solution.ues[i].onDevice : nil
      statements.append("subgraph \(Graphviz.quoted("cluster_\(ue.name)")) {")
      statements.append("  label=\(Graphviz.quoted("\(ue.name) (\(ue.model.name))"));")
      statements += Graphviz.statements(of: ue.model, onDevice: onDevice, prefix: "\(ue.name)/").map { "  " + $0 }
      statements.append("}")
    }
    return Graphviz.digraph(instance.name, statements)
  }
}
