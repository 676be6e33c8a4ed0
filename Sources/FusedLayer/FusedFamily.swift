import EdgeSplitModel

/// P3: fused-layer model parallelism with partial offloading (PSOMW, seed 003).
public enum FusedFamily: ProblemFamily {
  public typealias Instance = FusedInstance
  public typealias Solution = FusedDecision

  public static let name = "fused"
  public static let title = "P3: fused-layer model parallelism with partial offloading"
  public static let sense = ObjectiveSense.minimize
  public static let sizeUnit = "layers"
  public static let objectiveUnit = ObjectiveUnit.seconds("makespan")

  public static func evaluate(_ solution: FusedDecision, on instance: FusedInstance) -> Verdict {
    FusedEvaluator.evaluate(solution, on: instance)
  }

  /// The fused block and its tiling, each path's place in serving order, the tail cut and the makespan.
  public static func plan(_ solution: FusedDecision, on instance: FusedInstance) -> String {
    var lines = ["P3 fused-layer plan for '\(instance.name)' (\(instance.model.name)):"]
    if let problem = FusedEvaluator.problem(solution, on: instance) {
      return (lines + ["INFEASIBLE: \(problem)"]).joined(separator: "\n") + "\n"
    }
    if let tiling = solution.tiling, solution.blockLength > 0 {
      let names = (0..<solution.blockLength).map { instance.layer(at: $0).name }
      lines.append("fused block: layers 1-\(solution.blockLength) (\(names.joined(separator: ", "))), tiling \(tiling) = \(tiling.tiles) paths")
      let paths = instance.paths(blockLength: solution.blockLength, tiling: tiling)
      lines.append("order | path | tile rows x columns | place | input bytes | MFLOPs")
      for (rank, p) in solution.order.enumerated() {
        let path = paths[p]
        lines.append("\(rank + 1) | \(p) | \(path.outputRows.lower)..<\(path.outputRows.upper) x \(path.outputColumns.lower)..<\(path.outputColumns.upper) | \(solution.offloaded[p] ? "server" : "device") | \(formatted(path.inputBytes, digits: 0)) | \(formatted(path.flops / 1e6, digits: 2))")
      }
      let merge = solution.tailCut == solution.blockLength && solution.tailCut < instance.layerCount ? "server" : "device"
      lines.append("block output merged on the \(merge)")
    } else {
      lines.append("no fused block")
    }
    let order = instance.model.topologicalOrder
    lines.append("tail on the device: \(instance.model.compactList((solution.blockLength..<solution.tailCut).map { order[$0] }))")
    lines.append("tail on the server: \(instance.model.compactList((solution.tailCut..<instance.layerCount).map { order[$0] }))")
    lines.append("makespan \(formatted(evaluate(solution, on: instance).objective * 1000)) ms")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The chain with the tail coloured by side; the fused block's layers are grey boxes labelled
  /// with how many of their paths are offloaded.
  public static func graph(_ solution: FusedDecision, on instance: FusedInstance) -> String {
    let model = instance.model
    let valid = FusedEvaluator.problem(solution, on: instance) == nil
    var onDevice = [Bool](repeating: true, count: model.layers.count)
    for position in 0..<instance.layerCount where position >= solution.tailCut { onDevice[model.topologicalOrder[position]] = false }
    var statements = Graphviz.statements(of: model, onDevice: valid ? onDevice : nil)
    if valid, let tiling = solution.tiling {
      let offloaded = solution.offloaded.filter { $0 }.count
      for position in 0..<solution.blockLength {
        let layer = instance.layer(at: position)
        statements.append("\(Graphviz.quoted(layer.name)) [style=filled, fillcolor=\"#d9d9d9\", label=\(Graphviz.quoted("\(layer.name)\nfused \(tiling): \(offloaded)/\(tiling.tiles) paths on the server"))];")
      }
    }
    let legend = valid ? ["makespan \(formatted(evaluate(solution, on: instance).objective * 1000)) ms"] : []
    return Graphviz.digraph(instance.name, statements, legend: legend)
  }
}
