import EdgeSplitModel

/// P2: DNN surgery (DADS, seed 002): one DAG model split between a device and a server.
public enum SurgeryFamily: ProblemFamily {
  public typealias Instance = SurgeryInstance
  public typealias Solution = Partition

  public static let name = "surgery"
  public static let title = "P2: DNN surgery (DADS), latency or largest pipeline stage"
  public static let sense = ObjectiveSense.minimize
  public static let sizeUnit = "layers"
  public static let objectiveUnit = "seconds"

  public static func evaluate(_ solution: Partition, on instance: SurgeryInstance) -> Verdict {
    SurgeryEvaluator.evaluate(solution, on: instance)
  }

  /// The device layers, the tensors sent and the three stage times.
  public static func plan(_ solution: Partition, on instance: SurgeryInstance) -> String {
    let model = instance.model
    var lines = ["P2 surgery plan for '\(instance.name)' (\(model.name), \(instance.objective.rawValue)):"]
    if let problem = model.partitionProblem(solution) { return (lines + ["INFEASIBLE: \(problem)"]).joined(separator: "\n") + "\n" }
    let device = model.topologicalOrder.filter { solution.onDevice[$0] }.map { model.layers[$0].name }
    lines.append("device layers (\(device.count) of \(model.layers.count)): \(device.isEmpty ? "none" : device.joined(separator: ", "))")
    var sent: [String] = []
    if model.layers.indices.contains(where: { !solution.onDevice[$0] && model.predecessors[$0].isEmpty }) {
      sent.append("input (\(formatted(model.inputBytes, digits: 0)) B)")
    }
    for i in model.topologicalOrder where solution.onDevice[i] && model.successors[i].contains(where: { !solution.onDevice[$0] }) {
      sent.append("\(model.layers[i].name) (\(formatted(model.layers[i].outputBytes, digits: 0)) B)")
    }
    lines.append("tensors sent: \(sent.isEmpty ? "none" : sent.joined(separator: ", "))")
    let stages = SurgeryEvaluator.stageTimes(solution, on: instance)
    lines.append("Te \(formatted(stages.device * 1000)) ms, Tt \(formatted(stages.transfer * 1000)) ms, Tc \(formatted(stages.server * 1000)) ms")
    lines.append("latency \(formatted(stages.latency * 1000)) ms, largest stage \(formatted(stages.largestStage * 1000)) ms")
    return lines.joined(separator: "\n") + "\n"
  }

  public static func graph(_ solution: Partition, on instance: SurgeryInstance) -> String {
    let valid = solution.onDevice.count == instance.model.layers.count
    return Graphviz.digraph(instance.name, Graphviz.statements(of: instance.model, onDevice: valid ? solution.onDevice : nil))
  }
}
