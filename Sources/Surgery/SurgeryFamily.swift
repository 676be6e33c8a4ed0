import EdgeSplitModel

/// P2: DNN surgery (DADS, seed 002): one DAG model split between a device and a server.
public enum SurgeryFamily: ProblemFamily {
  public typealias Instance = SurgeryInstance
  public typealias Solution = Partition

  public static let name = "surgery"
  public static let title = "P2: DNN surgery (DADS), latency or largest pipeline stage"
  public static let sense = ObjectiveSense.minimize
  public static let sizeUnit = "layers"
  public static let objectiveUnit = ObjectiveUnit.seconds("latency or largest stage")

  public static func evaluate(_ solution: Partition, on instance: SurgeryInstance) -> Verdict {
    SurgeryEvaluator.evaluate(solution, on: instance)
  }

  /// The device layers, the tensors sent and the three stage times.
  public static func plan(_ solution: Partition, on instance: SurgeryInstance) -> String {
    let model = instance.model
    var lines = ["P2 surgery plan for '\(instance.name)' (\(model.name), \(instance.objective.rawValue)):"]
    if let problem = model.partitionProblem(solution) { return (lines + ["INFEASIBLE: \(problem)"]).joined(separator: "\n") + "\n" }
    let device = model.topologicalOrder.filter { solution.onDevice[$0] }
    // Runs of consecutive layers are shortened, so a 200-layer plan stays a few lines.
    lines.append("device layers (\(device.count) of \(model.layers.count)): \(model.compactList(device))")
    let cut = model.cutTensors(onDevice: solution.onDevice)
    let sent = cut.map { "\($0.from) (\(formatted($0.bytes, digits: 0)) B)" }
    lines.append("tensors sent: \(sent.isEmpty ? "none" : sent.joined(separator: ", "))\(cut.count > 1 ? ", \(formatted(cut.reduce(0) { $0 + $1.bytes }, digits: 0)) B in all" : "")")
    let stages = SurgeryEvaluator.stageTimes(solution, on: instance)
    lines.append("Te \(formatted(stages.device * 1000)) ms, Tt \(formatted(stages.transfer * 1000)) ms, Tc \(formatted(stages.server * 1000)) ms")
    lines.append("latency \(formatted(stages.latency * 1000)) ms, largest stage \(formatted(stages.largestStage * 1000)) ms")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Layer names on each side, the tensors sent and the three stage times `Te`, `Tt`, `Tc`.
  public static func summary(_ solution: Partition, on instance: SurgeryInstance) -> PlanSummary? {
    guard instance.model.partitionProblem(solution) == nil else { return nil }
    let stages = SurgeryEvaluator.stageTimes(solution, on: instance)
    return PlanSummary(model: instance.model, onDevice: solution.onDevice,
                       stages: [.init("device", stages.device), .init("transfer", stages.transfer), .init("server", stages.server)])
  }

  public static func graph(_ solution: Partition, on instance: SurgeryInstance) -> String {
    let valid = instance.model.partitionProblem(solution) == nil
    var legend: [String] = []
    if valid {
      let stages = SurgeryEvaluator.stageTimes(solution, on: instance)
      legend = ["Te (device) \(formatted(stages.device * 1000)) ms", "Tt (uplink) \(formatted(stages.transfer * 1000)) ms",
                "Tc (server) \(formatted(stages.server * 1000)) ms", "latency \(formatted(stages.latency * 1000)) ms"]
    }
    return Graphviz.digraph(instance.name, Graphviz.statements(of: instance.model, onDevice: valid ? solution.onDevice : nil), legend: legend)
  }
}
