import EdgeSplitModel

/// Measured per-layer profiles as CSV (RFC 4180: comma-separated, `"`-quoted fields with `""`
/// escapes, LF or CRLF line ends), one row per layer after a header row:
///
/// | column | meaning |
/// |---|---|
/// | `layer` | unique layer name |
/// | `inputs` | names of the layers it reads, separated by `;`; empty = reads the model input |
/// | `device_ms` | measured time on the device in ms (`Layer.deviceMs`); empty = not measured |
/// | `server_ms` | measured time on one server thread in ms (`Layer.serverMs`); empty = not measured |
/// | `output_bytes` | size of the layer's output |
/// | `param_bytes` | size of its parameters |
/// | `flops` | optional column: FLOPs (0 when the column is absent) |
/// | `type` | optional column: the `LayerKind` (`other` when absent) |
///
/// Columns may come in any order; other columns are an error (a misspelled name would otherwise
/// be lost silently).
public enum ProfileCSV {
  /// The required columns, in the order ``export(_:)`` writes them.
  public static let requiredColumns = ["layer", "inputs", "device_ms", "server_ms", "output_bytes", "param_bytes"]
  /// The optional columns.
  public static let optionalColumns = ["flops", "type"]

  /// The model described by `text` (the contents of `file`): named `name`, whose input is
  /// `inputBytes` bytes. Errors name the file, the row (1 = the header) and the column.
  public static func model(from text: String, file: String, name: String, inputBytes: Double) throws(InstanceLoadError) -> DNNModel {
    let rows: [[String]]
    do { rows = try records(text) } catch { throw InstanceLoadError(file: file, path: "row \(error.row)", message: error.message) }
    guard let header = rows.first else { throw InstanceLoadError(file: file, path: "", message: "the file is empty") }
    var column: [String: Int] = [:]
    for (index, title) in header.enumerated() {
      let key = title.trimmingSpaces
      let at = "row 1, column \(index + 1)"
      guard requiredColumns.contains(key) || optionalColumns.contains(key) else {
        throw InstanceLoadError(file: file, path: at, message: "unknown column '\(key)' (expected \((requiredColumns + optionalColumns).joined(separator: ", ")))")
      }
      guard column[key] == nil else { throw InstanceLoadError(file: file, path: at, message: "duplicate column '\(key)'") }
      column[key] = index
    }
    if let missing = requiredColumns.first(where: { column[$0] == nil }) {
      throw InstanceLoadError(file: file, path: "row 1", message: "missing column '\(missing)'")
    }

    var layers: [Layer] = []
    var rowOfLayer: [Int] = []
    for (offset, row) in rows.dropFirst().enumerated() where row != [""] {
      let rowNumber = offset + 2
      func field(_ key: String) -> String { column[key].map { row[$0].trimmingSpaces } ?? "" }
      func number(_ key: String, optional: Bool) throws(InstanceLoadError) -> Double? {
        let text = field(key)
        if text.isEmpty && optional { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
          throw InstanceLoadError(file: file, path: "row \(rowNumber), column \(key)", message: "must be a finite number >= 0, got '\(text)'")
        }
        return value
      }
      guard row.count == header.count else {
        throw InstanceLoadError(file: file, path: "row \(rowNumber)", message: "has \(row.count) fields, the header has \(header.count)")
      }
      rowOfLayer.append(rowNumber)
      let inputs = field("inputs")
      let typeText = field("type")
      layers.append(Layer(
        name: field("layer"), type: typeText.isEmpty ? .other : LayerKind(rawValue: typeText) ?? .other,
        flops: column["flops"] == nil ? 0 : try number("flops", optional: false) ?? 0,
        outputBytes: try number("output_bytes", optional: false) ?? 0,
        paramBytes: try number("param_bytes", optional: false) ?? 0,
        inputs: inputs.isEmpty ? [] : inputs.split(separator: ";", omittingEmptySubsequences: false).map { String($0).trimmingSpaces },
        deviceMs: try number("device_ms", optional: true), serverMs: try number("server_ms", optional: true)))
    }
    do {
      return try DNNModel(name: name, inputBytes: inputBytes, layers: layers)
    } catch {
      throw located(error, file: file, rows: rowOfLayer)
    }
  }

  /// The model as a profile CSV with every column (required, then `flops` and `type`): importing
  /// it again with the model's name and input bytes gives the same layers, except shapes and
  /// windows (which a profile does not carry).
  public static func export(_ model: DNNModel) -> String {
    var lines = [(requiredColumns + optionalColumns).joined(separator: ",")]
    for layer in model.layers {
      let fields = [
        layer.name, layer.inputs.joined(separator: ";"), layer.deviceMs.map(exactText) ?? "",
        layer.serverMs.map(exactText) ?? "", exactText(layer.outputBytes), exactText(layer.paramBytes),
        exactText(layer.flops), layer.type.rawValue,
      ]
      lines.append(fields.map(quoted).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: - Internals

  private static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
  }

  /// A model validation error on `layers[i].field` as a row and column of the file.
  private static func located(_ error: FieldError, file: String, rows: [Int]) -> InstanceLoadError {
    let names = ["name": "layer", "inputs": "inputs", "flops": "flops", "outputBytes": "output_bytes",
                 "paramBytes": "param_bytes", "deviceMs": "device_ms", "serverMs": "server_ms"]
    let parts = error.path.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.first?.hasPrefix("layers[") == true, let close = parts[0].firstIndex(of: "]"),
          let index = Int(parts[0].dropFirst("layers[".count).prefix(upTo: close)), rows.indices.contains(index) else {
      return InstanceLoadError(file: file, path: "", message: error.description)
    }
    let field = parts.count > 1 ? String(parts[1].prefix { $0.isLetter }) : ""
    let column = names[field].map { ", column \($0)" } ?? ""
    return InstanceLoadError(file: file, path: "row \(rows[index])\(column)", message: error.message)
  }

  struct SyntaxError: Error {
    var row: Int
    var message: String
  }

  /// The records of an RFC 4180 document (a trailing line end adds no record).
  static func records(_ text: String) throws(SyntaxError) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false, afterQuote = false
    var characters = Array(text).makeIterator()
    var pending: Character? = nil
    func endRecord() {
      record.append(field)
      records.append(record)
      record = []
      field = ""
    }
    while let c = pending ?? characters.next() {
      pending = nil
      if quoted {
        if c == "\"" {
          if let next = characters.next() {
            if next == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = next }
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
        continue
      }
      switch c {
      case ",":
        record.append(field); field = ""; afterQuote = false
      case "\n", "\r\n", "\r":
        endRecord(); afterQuote = false
      case "\"":
        guard field.isEmpty, !afterQuote else {
          throw SyntaxError(row: records.count + 1, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
        }
        quoted = true
      default:
        guard !afterQuote else {
          throw SyntaxError(row: records.count + 1, message: "text after a closing quote")
        }
        field.append(c)
      }
    }
    if quoted { throw SyntaxError(row: records.count + 1, message: "a quoted field is not closed") }
    if !field.isEmpty || !record.isEmpty || afterQuote { endRecord() }
    return records
  }
}

extension String {
  var trimmingSpaces: String {
    var slice = Substring(self)
    while slice.first?.isWhitespace == true { slice.removeFirst() }
    while slice.last?.isWhitespace == true { slice.removeLast() }
    return String(slice)
  }

  func replacingAll(_ target: Character, with replacement: String) -> String {
    reduce(into: "") { result, c in if c == target { result += replacement } else { result.append(c) } }
  }
}
