import Foundation

/// Graphviz output shared by every family's ``ProblemFamily/graph(_:on:)``: a model's layers as
/// nodes coloured by where they run.
public enum Graphviz {
  /// Fill colour of layers that run on the device.
  public static let deviceColour = "#9ecae1"
  /// Fill colour of layers that run on the server.
  public static let serverColour = "#fdae6b"

  /// A quoted, escaped DOT identifier or label.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out + "\""
  }

  /// The statements of `model` drawn with every node id prefixed by `prefix`: the model input,
  /// one box per layer filled by side (`onDevice[i]`; white when `nil`), data arcs, and the
  /// arcs that cross the network drawn bold and red.
  public static func statements(of model: DNNModel, onDevice: [Bool]?, prefix: String = "") -> [String] {
    func id(_ i: Int) -> String { quoted(prefix + model.layers[i].name) }
    let input = quoted(prefix + "input")
    var lines = ["\(input) [shape=oval, label=\"input\"];"]
    for (i, layer) in model.layers.enumerated() {
      let fill = onDevice.map { $0[i] ? deviceColour : serverColour } ?? "white"
      lines.append("\(id(i)) [shape=box, style=filled, fillcolor=\"\(fill)\", label=\(quoted("\(layer.name)\n\(layer.type.rawValue)"))];")
    }
    /// A crossing arc is bold, red and labelled with the bytes it sends.
    func style(_ from: Int?, _ to: Int) -> String {
      guard let onDevice, from.map({ onDevice[$0] }) ?? true, !onDevice[to] else { return "" }
      let bytes = from.map { model.layers[$0].outputBytes } ?? model.inputBytes
      return " [color=red, penwidth=2, fontcolor=red, label=\(quoted(formattedBytes(bytes)))]"
    }
    for (i, predecessors) in model.predecessors.enumerated() {
      if predecessors.isEmpty {
        lines.append("\(input) -> \(id(i))\(style(nil, i));")
      }
      for p in predecessors {
        lines.append("\(id(p)) -> \(id(i))\(style(p, i));")
      }
    }
    return lines
  }

  /// A complete `digraph` of `statements`, with a legend of the two colours and, when given,
  /// one legend line per entry of `legend` (the plan's stage times).
  public static func digraph(_ name: String, _ statements: [String], legend: [String] = []) -> String {
    var lines = ["digraph \(quoted(name)) {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];"]
    lines += statements.map { "  " + $0 }
    lines.append("  \"legend_device\" [shape=box, style=filled, fillcolor=\"\(deviceColour)\", label=\"device\"];")
    lines.append("  \"legend_server\" [shape=box, style=filled, fillcolor=\"\(serverColour)\", label=\"server\"];")
    if !legend.isEmpty {
      lines.append("  \"legend_stages\" [shape=note, label=\(quoted(legend.joined(separator: "\n")))];")
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A number for tables: an integer as such, anything else with 4 significant digits (`%.4g`).
public func compactNumber(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.4g", value)
}

/// A number with `digits` decimals, for plans (`%.3f`; `inf`/`nan` as such).
public func formatted(_ value: Double, digits: Int = 3) -> String {
  String(format: "%.\(digits)f", value)
}

/// A tensor that crosses from the device to the server under a partition.
public struct CutTensor: Codable, Sendable, Hashable {
  /// The producing layer's name, or `input` for the model input.
  public var from: String
  /// The server layers that read it.
  public var to: [String]
  /// Its size in bytes (the producer's `outputBytes`, or the model's `inputBytes`).
  public var bytes: Double
}

/// The machine-readable part of a plan, written as `"plan"` in solution files next to the
/// family's own solution: which layers run where, by name, what crosses the network and the
/// stage times.
public struct PlanSummary: Codable, Sendable, Hashable {
  /// One stage of the plan and its duration.
  public struct Stage: Codable, Sendable, Hashable {
    public var stage: String
    public var seconds: Double
    public init(_ stage: String, _ seconds: Double) {
      self.stage = stage
      self.seconds = seconds
    }
  }

  /// The model the plan splits.
  public var model: String
  /// Layers that run on the device, in topological order.
  public var deviceLayers: [String]
  /// Layers that run on the server, in topological order.
  public var serverLayers: [String]
  /// Tensors sent from the device to the server.
  public var cut: [CutTensor]
  /// Their total size in bytes.
  public var cutBytes: Double
  /// Stage times (e.g. device, transfer, server), in seconds.
  public var stages: [Stage]

  /// The summary of `onDevice` (one flag per layer) on `model` with `stages`.
  public init(model: DNNModel, onDevice: [Bool], stages: [Stage]) {
    let order = model.topologicalOrder
    self.model = model.name
    deviceLayers = order.filter { onDevice[$0] }.map { model.layers[$0].name }
    serverLayers = order.filter { !onDevice[$0] }.map { model.layers[$0].name }
    cut = model.cutTensors(onDevice: onDevice)
    cutBytes = cut.reduce(0) { $0 + $1.bytes }
    self.stages = stages
  }
}

extension DNNModel {
  /// The tensors that cross from the device to the server when layer `i` runs on the device iff
  /// `onDevice[i]`: the model input when a server layer reads it, and every device layer's output
  /// that a server layer reads (sent once, whatever the number of readers).
  public func cutTensors(onDevice: [Bool]) -> [CutTensor] {
    var cut: [CutTensor] = []
    let inputReaders = topologicalOrder.filter { !onDevice[$0] && predecessors[$0].isEmpty }
    if !inputReaders.isEmpty {
      cut.append(CutTensor(from: "input", to: inputReaders.map { fields.layers[$0].name }, bytes: fields.inputBytes))
    }
    for i in topologicalOrder where onDevice[i] {
      let readers = successors[i].filter { !onDevice[$0] }
      if !readers.isEmpty { cut.append(CutTensor(from: fields.layers[i].name, to: readers.map { fields.layers[$0].name }, bytes: fields.layers[i].outputBytes)) }
    }
    return cut
  }

  /// `names` of layers (indices) as a short text for plans of large graphs: runs of consecutive
  /// layers in topological order become `first … last (n layers)`.
  public func compactList(_ indices: [Int]) -> String {
    guard !indices.isEmpty else { return "none" }
    let position = Dictionary(uniqueKeysWithValues: topologicalOrder.enumerated().map { ($1, $0) })
    let sorted = indices.sorted { position[$0]! < position[$1]! }
    var runs: [[Int]] = []
    for i in sorted {
      if let last = runs.last?.last, position[i]! == position[last]! + 1 { runs[runs.count - 1].append(i) } else { runs.append([i]) }
    }
    return runs.map { run in
      run.count <= 2 ? run.map { fields.layers[$0].name }.joined(separator: ", ")
        : "\(fields.layers[run[0]].name) … \(fields.layers[run[run.count - 1]].name) (\(run.count) layers)"
    }.joined(separator: ", ")
  }
}

/// Bytes for people: `602,112 B` as `588.0 KiB`.
public func formattedBytes(_ bytes: Double) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var value = bytes
  var unit = 0
  while value >= 1024 && unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  return unit == 0 ? "\(formatted(value, digits: 0)) B" : "\(formatted(value, digits: 1)) \(units[unit])"
}
