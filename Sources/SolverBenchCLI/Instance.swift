import ArgumentParser
import EdgeSplitModel
import Foundation
import Harness
import ModelImport
import ModelZoo

extension SolverBench {
  struct Instance: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "instance",
      abstract: "Build an instance of a family from a model (ONNX, CSV profile, model JSON or zoo name) and a scenario.",
      discussion: """
        surgery and fused take the scenario from flags (--device-gflops, --server-gflops, --uplink-mbps, \
        ...). Any family takes --scenario FILE: an instance file of that family in which the string \
        "@model" stands for the model (and "@model.name" for its name); flags then override its fields. \
        --profile adds measured per-layer times (scripts/profile-onnx writes them) by layer name; a \
        surgery instance whose layers are all measured on a side needs no GFLOP/s for that side. \
        The instance is validated as `solverbench` would load it. Exit status 2 on bad input.
        """)

    @Argument(help: "Family: \(Catalog.families.map(\.name).joined(separator: ", ")).")
    var problem: String

    @Argument(help: "The model: a .onnx file, a .csv profile (with --input-bytes), a model .json, or a zoo name (\(ModelZoo.names.joined(separator: ", "))).")
    var model: String

    @Option(name: .shortAndLong, help: "Where to write the instance (default: standard output).")
    var output: String?

    @Option(help: "Instance name (default: the output file's name, else the model's).")
    var name: String?

    @Option(help: "A scenario file: an instance of the family with \"@model\" where the model goes.")
    var scenario: String?

    @Option(help: "A measured profile (CSV, see import-csv) whose device_ms / server_ms are copied to the layers of the same name.")
    var profile: String?

    @Option(parsing: .unconditional, help: "Device speed in GFLOP/s (surgery: optional when every layer has a measured device time).")
    var deviceGflops: Double?

    @Option(parsing: .unconditional, help: "Server speed (one thread) in GFLOP/s (surgery: optional when every layer has a measured server time).")
    var serverGflops: Double?

    @Option(parsing: .unconditional, help: "Uplink rate in Mbit/s.")
    var uplinkMbps: Double?

    @Option(help: "surgery: latency or throughput.")
    var objective: String = "latency"

    @Option(parsing: .unconditional, help: "fused: downlink rate in Mbit/s (default: results come back for free).")
    var downlinkMbps: Double?

    @Option(help: "fused: tilings to choose from, e.g. 2x2,3x3.")
    var tilings: String = "1x2,2x2,3x3"

    @Option(parsing: .unconditional, help: "fused: longest fused block (default: the leading conv/pool layers, at most 8).")
    var maxBlockLength: Int?

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
      guard Catalog.family(named: problem) != nil else {
        throw ValidationError("unknown family '\(problem)' (known: \(Catalog.families.map(\.name).joined(separator: ", ")))")
      }
      for (flag, value) in [("--device-gflops", deviceGflops), ("--server-gflops", serverGflops), ("--uplink-mbps", uplinkMbps),
                            ("--downlink-mbps", downlinkMbps)] {
        if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(flag) must be a positive number, got \(value)") }
      }
      if let maxBlockLength, maxBlockLength < 1 { throw ValidationError("--max-block-length must be at least 1, got \(maxBlockLength)") }
    }

    func run() throws {
      var dnn = try modelOptions.load(model)
      if let profile { dnn = try measured(dnn, from: profile) }
      let modelJSON = try JSONSerialization.jsonObject(with: InstanceIO.encoder.encode(dnn))
      var fields: [String: Any] = [:]
      if let scenario {
        guard let data = FileManager.default.contents(atPath: scenario),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
          throw badInput("\(scenario): not a JSON object")
        }
        fields = substitute(object, model: modelJSON, name: dnn.name) as! [String: Any]
      } else if problem != "surgery" && problem != "fused" {
        throw ValidationError("\(problem) instances need --scenario FILE (flags cover surgery and fused)")
      }
      fields["format"] = InstanceIO.format
      fields["problem"] = problem
      fields["name"] = name ?? output.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? fields["name"] ?? dnn.name
      if problem == "surgery" || problem == "fused" {
        fields["model"] = fields["model"] ?? modelJSON
        fields["deviceGflops"] = deviceGflops ?? fields["deviceGflops"]
        fields["serverGflops"] = serverGflops ?? fields["serverGflops"]
        fields["uplinkMbps"] = uplinkMbps ?? fields["uplinkMbps"]
        guard fields["uplinkMbps"] != nil else { throw ValidationError("\(problem) needs --uplink-mbps") }
      }
      if problem == "surgery" { fields["objective"] = fields["objective"] ?? objective }
      if problem == "fused" { try fusedFields(&fields, dnn) }
      let data = try JSONSerialization.data(withJSONObject: fields)
      let instance: AnyInstance
      do { instance = try InstanceIO.decode(data, file: output ?? "instance", families: Catalog.families) } catch {
        throw badInput(error.description)
      }
      let encoded = try InstanceIO.encode(instance) + Data("\n".utf8)
      guard let output else { FileHandle.standardOutput.write(encoded); return }
      try encoded.write(to: URL(fileURLWithPath: output))
      FileHandle.standardError.write(Data("wrote \(output): \(problem) instance '\(instance.name)', \(dnn.layers.count) layers\n".utf8))
    }

    /// Tilings, block length and the check that the model tiles at all (transformers do not).
    private func fusedFields(_ fields: inout [String: Any], _ dnn: DNNModel) throws {
      if let attention = dnn.layers.first(where: { $0.type == .matmul }) {
        throw badInput("\(model): fused-layer tiling (P3) splits convolutional feature maps into spatial tiles; "
          + "'\(attention.name)' multiplies two activations (attention, shape \(attention.outputShape ?? [])): transformers do not tile")
      }
      let order = dnn.topologicalOrder
      let leading = order.prefix { dnn.layers[$0].type.isSpatial && dnn.layers[$0].window != nil && dnn.layers[$0].outputShape?.count == 3 }.count
      guard leading > 0 else {
        let first = dnn.layers[order[0]]
        throw badInput("\(model): fused-layer tiling (P3) fuses the leading conv/pool layers, but the first layer '\(first.name)' "
          + "is \(first.type.rawValue)\(first.window == nil ? " without a square window" : "")")
      }
      if let maxBlockLength, maxBlockLength > leading {
        let stop = dnn.layers[order[leading]]
        throw badInput("--max-block-length \(maxBlockLength): only the first \(leading) layers can be fused; '\(stop.name)' (\(stop.type.rawValue)) has no tileable window")
      }
      fields["maxBlockLength"] = maxBlockLength ?? fields["maxBlockLength"] ?? min(leading, 8)
      if let downlinkMbps { fields["downlinkMbps"] = downlinkMbps }
      if fields["tilings"] == nil {
        fields["tilings"] = try tilings.split(separator: ",").map { text -> [String: Int] in
          let parts = text.split(separator: "x").compactMap { Int($0) }
          guard parts.count == 2, parts.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--tilings: '\(text)' is not ROWSxCOLUMNS") }
          return ["rows": parts[0], "columns": parts[1]]
        }
      }
    }
  }
}

/// `value` with every string "@model" replaced by `model` and "@model.name" by `name`.
private func substitute(_ value: Any, model: Any, name: String) -> Any {
  switch value {
  case let text as String: text == "@model" ? model : text == "@model.name" ? name : text
  case let list as [Any]: list.map { substitute($0, model: model, name: name) }
  case let object as [String: Any]: object.mapValues { substitute($0, model: model, name: name) }
  default: value
  }
}

/// `model` with the measured times of `profile` (a CSV of `ProfileCSV`'s columns), matched by
/// layer name: every profile row must name a layer of the model.
func measured(_ model: DNNModel, from profile: String) throws -> DNNModel {
  let data = try readInput(profile)
  guard let text = String(data: data, encoding: .utf8) else { throw badInput("\(profile): not UTF-8 text") }
  let times = try importing { () throws(InstanceLoadError) in
    try ProfileCSV.model(from: text, file: profile, name: "profile", inputBytes: model.inputBytes)
  }
  var fields = model.fields
  let index = Dictionary(uniqueKeysWithValues: fields.layers.enumerated().map { ($1.name, $0) })
  for layer in times.layers {
    guard let i = index[layer.name] else {
      throw badInput("\(profile): layer '\(layer.name)' is not a layer of \(model.name) (the profile was measured on another model or another export)")
    }
    fields.layers[i].deviceMs = layer.deviceMs ?? fields.layers[i].deviceMs
    fields.layers[i].serverMs = layer.serverMs ?? fields.layers[i].serverMs
  }
  let missing = fields.layers.filter { $0.deviceMs == nil && $0.serverMs == nil }.count
  if missing > 0 {
    FileHandle.standardError.write(Data("note: \(missing) of \(fields.layers.count) layers have no measured time; they are timed from FLOPs\n".utf8))
  }
  do { return try DNNModel(validating: fields) } catch { throw badInput("\(profile): \(error)") }
}

/// How `instance` and the import commands read a model argument.
struct ModelOptions: ParsableArguments {
  @Option(help: ArgumentHelp("ONNX: the input size when the file leaves it symbolic, e.g. 1x3x224x224.", valueName: "NxCxHxW"))
  var inputShape: String?

  @Option(help: "Tensor and parameter precision: fp32, fp16 or int8 (ONNX and zoo models).")
  var precision: Precision = .fp32

  @Option(help: "CSV profiles: bytes of the model input as sent.")
  var inputBytes: Double?

  func validate() throws {
    _ = try shape()
    if let inputBytes, !(inputBytes > 0 && inputBytes.isFinite) { throw ValidationError("--input-bytes must be a positive number, got \(inputBytes)") }
  }

  /// `--input-shape` as sizes (`1x3x224x224`, `1,3,224,224` or `3x224x224`).
  func shape() throws -> [Int]? {
    guard let inputShape else { return nil }
    let parts = inputShape.split(whereSeparator: { $0 == "x" || $0 == "," || $0 == "×" }).map { Int($0) }
    guard (3...4).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw ValidationError("--input-shape '\(inputShape)' is not N×C×H×W (e.g. 1x3x224x224) of positive sizes")
    }
    return parts.map { $0! }
  }

  /// The model `argument` names: a file by its extension, else a zoo name.
  func load(_ argument: String, name: String? = nil) throws -> DNNModel {
    let stem = URL(fileURLWithPath: argument).deletingPathExtension().lastPathComponent
    switch URL(fileURLWithPath: argument).pathExtension.lowercased() {
    case "onnx":
      let bytes = try readInput(argument)
      let shape = try shape()
      return try importing { () throws(InstanceLoadError) in
        try ONNXImport.model(from: [UInt8](bytes), file: argument, name: name ?? stem, precision: precision, inputShape: shape)
      }
    case "csv":
      guard let inputBytes else { throw ValidationError("a CSV profile needs --input-bytes (the size of the model input as sent)") }
      let data = try readInput(argument)
      guard let text = String(data: data, encoding: .utf8) else { throw badInput("\(argument): not UTF-8 text") }
      return try importing { () throws(InstanceLoadError) in
        try ProfileCSV.model(from: text, file: argument, name: name ?? stem, inputBytes: inputBytes)
      }
    case "json":
      let data = try readInput(argument)
      do { return try JSONDecoder().decode(DNNModel.self, from: data) } catch {
        throw badInput("\(argument): not a model file (\(error))")
      }
    default:
      guard let model = try ModelZoo.model(named: argument, precision: precision, inputBytes: nil) else {
        throw ValidationError("'\(argument)' is neither a .onnx, .csv or .json file nor a zoo model (\(ModelZoo.names.joined(separator: ", ")))")
      }
      return model
    }
  }
}
