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
    func crosses(_ from: Int?, _ to: Int) -> Bool {
      guard let onDevice else { return false }
      return (from.map { onDevice[$0] } ?? true) && !onDevice[to]
    }
    for (i, predecessors) in model.predecessors.enumerated() {
      if predecessors.isEmpty {
        lines.append("\(input) -> \(id(i))\(crosses(nil, i) ? " [color=red, penwidth=2]" : "");")
      }
      for p in predecessors {
        lines.append("\(id(p)) -> \(id(i))\(crosses(p, i) ? " [color=red, penwidth=2]" : "");")
      }
    }
    return lines
  }

  /// A complete `digraph` of `statements`, with a legend of the two colours.
  public static func digraph(_ name: String, _ statements: [String]) -> String {
    var lines = ["digraph \(quoted(name)) {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];"]
    lines += statements.map { "  " + $0 }
    lines.append("  \"legend_device\" [shape=box, style=filled, fillcolor=\"\(deviceColour)\", label=\"device\"];")
    lines.append("  \"legend_server\" [shape=box, style=filled, fillcolor=\"\(serverColour)\", label=\"server\"];")
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A number with `digits` decimals, for plans (`%.3f`; `inf`/`nan` as such).
public func formatted(_ value: Double, digits: Int = 3) -> String {
  String(format: "%.\(digits)f", value)
}
