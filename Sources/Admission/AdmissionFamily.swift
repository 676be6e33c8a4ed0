import EdgeSplitModel

/// P1: delay-aware admission with partitioning and thread parallelism (seed 000).
public enum AdmissionFamily: ProblemFamily {
  public typealias Instance = AdmissionInstance
  public typealias Solution = AdmissionSolution

  public static let name = "admission"
  public static let title = "P1: delay-aware admission with DNN partitioning and server threads"
  public static let sense = ObjectiveSense.maximize
  public static let sizeUnit = "requests"
  public static let objectiveUnit = ObjectiveUnit.quantity("weight admitted")

  public static func evaluate(_ solution: AdmissionSolution, on instance: AdmissionInstance) -> Verdict {
    AdmissionEvaluator.evaluate(solution, on: instance)
  }

  /// Each admitted request's cloudlet, device prefix (with the last device layer), threads and
  /// latency against its deadline; then each rejected request with the least latency it could
  /// reach anywhere (all of a cloudlet's threads, the best prefix).
  public static func plan(_ solution: AdmissionSolution, on instance: AdmissionInstance) -> String {
    let verdict = evaluate(solution, on: instance)
    var lines = ["P1 admission plan for '\(instance.name)': \(solution.admissions.count) of \(instance.requests.count) requests admitted, weight \(formatted(verdict.objective, digits: 2))"]
    lines += verdict.violations.map { "INFEASIBLE: \($0)" }
    lines.append("request | cloudlet | device layers (last on device) | threads | latency ms | deadline ms")
    var admitted = Set<Int>()
    for a in solution.admissions.sorted(by: { $0.request < $1.request })
    where instance.requests.indices.contains(a.request) && instance.cloudlets.indices.contains(a.cloudlet) {
      admitted.insert(a.request)
      let request = instance.requests[a.request]
      let model = instance.model(of: a.request)
      let last = a.devicePrefix == 0 ? "none: the input is sent"
        : model.layers[model.topologicalOrder[min(a.devicePrefix, model.layers.count) - 1]].name
      let latency = AdmissionEvaluator.latency(instance, request: a.request, cloudlet: a.cloudlet,
                                               devicePrefix: min(a.devicePrefix, model.layers.count - 1),
                                               threads: max(1, a.threads))
      lines.append("\(request.name) | \(instance.cloudlets[a.cloudlet].name) | \(a.devicePrefix) (\(last)) | \(a.threads) | \(formatted(latency * 1000)) | \(formatted(request.deadlineMs))")
    }
    let rejected = instance.requests.indices.filter { !admitted.contains($0) }
    if !rejected.isEmpty {
      lines.append("rejected (least latency reachable with all of a cloudlet's threads):")
      for r in rejected {
        let request = instance.requests[r]
        let best = leastLatency(instance, request: r)
        let verdict = fitsWithin(best.seconds, request.deadlineMs / 1000) ? "meets the deadline: capacity was the limit" : "misses the deadline"
        lines.append("\(request.name): \(formatted(best.seconds * 1000)) ms on \(instance.cloudlets[best.cloudlet].name) with \(best.devicePrefix) device layers vs deadline \(formatted(request.deadlineMs)) ms (\(verdict))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The least latency request `r` reaches on any cloudlet with all its threads and any prefix.
  static func leastLatency(_ instance: AdmissionInstance, request r: Int) -> (seconds: Double, cloudlet: Int, devicePrefix: Int) {
    var best = (seconds: Double.infinity, cloudlet: 0, devicePrefix: 0)
    for c in instance.cloudlets.indices {
      for p in 0..<instance.model(of: r).layers.count {
        let seconds = AdmissionEvaluator.latency(instance, request: r, cloudlet: c, devicePrefix: p,
                                                 threads: instance.cloudlets[c].threads)
        if seconds < best.seconds { best = (seconds, c, p) }
      }
    }
    return best
  }

  /// One cluster per admitted request: its model with the device prefix and the server part coloured.
  public static func graph(_ solution: AdmissionSolution, on instance: AdmissionInstance) -> String {
    var statements: [String] = []
    for (n, a) in solution.admissions.enumerated()
    where instance.requests.indices.contains(a.request) && instance.cloudlets.indices.contains(a.cloudlet) {
      let model = instance.model(of: a.request)
      guard (0...model.layers.count).contains(a.devicePrefix) else { continue }
      let request = instance.requests[a.request].name
      statements.append("subgraph \(Graphviz.quoted("cluster_\(n)")) {")
      statements.append("  label=\(Graphviz.quoted("\(request) on \(instance.cloudlets[a.cloudlet].name), \(a.threads) threads"));")
      statements += Graphviz.statements(of: model, onDevice: model.partition(devicePrefix: a.devicePrefix).onDevice,
                                        prefix: "\(request)/").map { "  " + $0 }
      statements.append("}")
    }
    return Graphviz.digraph(instance.name, statements)
  }
}
