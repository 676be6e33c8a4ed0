import EdgeSplitModel

/// P5: stream offloading with multi-exit DNNs (seed 004): per task an exit and a partition point,
/// FIFO device, uplink and server queues, deadlines; maximize the total accuracy of on-time tasks.
public enum StreamsFamily: ProblemFamily {
  public typealias Instance = StreamsInstance
  public typealias Solution = StreamsSchedule

  public static let name = "streams"
  public static let title = "P5: stream offloading with multi-exit DNNs (exit + partition per task, deadlines)"
  public static let sense = ObjectiveSense.maximize
  public static let sizeUnit = "tasks"
  public static let objectiveUnit = ObjectiveUnit.quantity("accuracy of on-time tasks")

  public static func evaluate(_ solution: StreamsSchedule, on instance: StreamsInstance) -> Verdict {
    StreamsEvaluator.evaluate(solution, on: instance)
  }

  /// Per stream: tasks, deadline misses, mean and worst latency, exits used; then every task.
  public static func plan(_ solution: StreamsSchedule, on instance: StreamsInstance) -> String {
    var lines = ["P5 streams plan for '\(instance.name)' (\(instance.tasks.count) tasks, \(instance.streams.count) streams):"]
    if let problem = StreamsEvaluator.problem(solution, on: instance) {
      return (lines + ["INFEASIBLE: \(problem)"]).joined(separator: "\n") + "\n"
    }
    let results = StreamsEvaluator.replay(solution, on: instance)
    for (s, stream) in instance.streams.enumerated() {
      let mine = instance.tasks.indices.filter { instance.tasks[$0].stream == s }
      let latencies = mine.map { results[$0].latency * 1000 }
      let misses = mine.filter { !results[$0].onTime }.count
      let mean = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
      lines.append("stream \(stream.name) (\(instance.models[stream.model].name), deadline \(formatted(stream.deadlineMs, digits: 0)) ms): "
                   + "\(mine.count) tasks, \(misses) deadline misses, latency mean \(formatted(mean)) ms, "
                   + "max \(formatted(latencies.max() ?? 0)) ms, accuracy \(formatted(mine.reduce(0) { $0 + results[$1].utility }))")
    }
    for (i, d) in solution.decisions.enumerated() {
      let task = instance.tasks[i], model = instance.model(of: i), exit = model.exits[d.exit]
      let r = results[i]
      lines.append("  task \(i) \(instance.streams[task.stream].name) @\(formatted(task.arrivalMs)) ms: exit \(exit.name), "
                   + "device up to \(exit.cuts[d.cut].after), latency \(formatted(r.latency * 1000)) ms"
                   + (r.onTime ? ", on time, +\(formatted(r.utility))" : ", MISSED"))
    }
    lines.append("objective (accuracy of on-time tasks) \(formatted(results.reduce(0) { $0 + $1.utility }))")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Streams as clusters of their tasks, filled by where the cut puts them (device, split, server).
  public static func graph(_ solution: StreamsSchedule, on instance: StreamsInstance) -> String {
    var statements: [String] = [Graphviz.quoted("server") + " [shape=box3d]"]
    let valid = StreamsEvaluator.problem(solution, on: instance) == nil
    for (s, stream) in instance.streams.enumerated() {
      statements.append("subgraph \(Graphviz.quoted("cluster_\(s)")) { label=\(Graphviz.quoted(stream.name))")
      for i in instance.tasks.indices where instance.tasks[i].stream == s {
        let id = Graphviz.quoted("t\(i)")
        guard valid else { statements.append("  \(id)"); continue }
        let d = solution.decisions[i], exit = instance.model(of: i).exits[d.exit], cut = exit.cuts[d.cut]
        let colour = cut.offloads ? (cut.deviceFlops > 0 ? "#c7e9c0" : Graphviz.serverColour) : Graphviz.deviceColour
        statements.append("  \(id) [label=\(Graphviz.quoted("t\(i)\n\(exit.name)\n|\(cut.after)")), style=filled, fillcolor=\(Graphviz.quoted(colour))]")
      }
      statements.append("}")
    }
    if valid {
      for (i, d) in solution.decisions.enumerated() where instance.model(of: i).exits[d.exit].cuts[d.cut].offloads {
        statements.append("\(Graphviz.quoted("t\(i)")) -> \(Graphviz.quoted("server"))")
      }
    }
    return Graphviz.digraph(instance.name, statements)
  }
}
