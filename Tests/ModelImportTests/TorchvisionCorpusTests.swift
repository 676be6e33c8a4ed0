import EdgeSplitModel
import Foundation
import ModelImport
import Testing

/// The torchvision corpus made by `Fixtures/torchvision/export.py`: real architectures exported
/// by both PyTorch exporters, graph only (weights stripped to external data that is not shipped).
/// Every layer is compared with `<model>.expected.json`, which the script computes from
/// `onnx.shape_inference` alone (`scripts/onnx_layers.py`), never from EdgeSplit code.
@Suite("ONNX torchvision corpus")
struct TorchvisionCorpusTests {
  struct Expected: Decodable {
    struct Row: Decodable {
      var name: String
      var op: String
      var flops: Double
      var output_bytes: Double
      var param_bytes: Double
      var inputs: [String]
    }
    var model: String
    var exporter: String
    var opset: Int
    var inputShape: [Int]
    var layers: [Row]
  }

  static let folder = fixtures.appendingPathComponent("torchvision")

  static let models: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return files.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
  }()

  static func expected(_ model: String) throws -> Expected {
    try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent(model + ".expected.json")))
  }

  static func load(_ model: String, inputShape: [Int]? = nil) throws -> DNNModel {
    let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(model + ".onnx")))
    return try ONNXImport.model(from: bytes, file: model + ".onnx", name: model, inputShape: inputShape)
  }

  @Test func theCorpusCoversTheIssue() throws {
    #expect(Self.models.count >= 15)
    let exporters = Set(try Self.models.map { try Self.expected($0).exporter })
    #expect(exporters == ["legacy", "dynamo"])
    for family in ["efficientnet", "mobilenet_v3", "densenet", "inception_v3", "shufflenet", "vit", "lraspp"] {
      #expect(Self.models.contains { $0.hasPrefix(family) }, "\(family)")
    }
    for model in Self.models {
      let size = try FileManager.default.attributesOfItem(atPath: Self.folder.appendingPathComponent(model + ".onnx").path)[.size] as! Int
      #expect(size < 1 << 20, "\(model).onnx is \(size) bytes: graph only")
    }
  }

  /// Layer by layer: the same layers in the same order, with equal FLOPs, output bytes, parameter
  /// bytes and inputs.
  @Test(arguments: models)
  func importsExactly(model: String) throws {
    let expected = try Self.expected(model)
    let imported = try Self.load(model, inputShape: expected.inputShape)
    #expect(imported.layers.map(\.name) == expected.layers.map(\.name))
    for (layer, row) in zip(imported.layers, expected.layers) {
      #expect(layer.flops == row.flops, "\(model) \(row.name) FLOPs")
      #expect(layer.outputBytes == row.output_bytes, "\(model) \(row.name) output bytes")
      #expect(layer.paramBytes == row.param_bytes, "\(model) \(row.name) parameter bytes")
      #expect(layer.inputs == row.inputs, "\(model) \(row.name) inputs")
    }
    #expect(imported.inputShape == Array(expected.inputShape.dropFirst()))
  }

  /// A graph exported with symbolic height and width needs the size; the error says how to give it.
  @Test func symbolicSizesNeedTheInputShape() throws {
    let error = try #require(throws: InstanceLoadError.self) { try Self.load("shufflenet_v2_x0_5-dynamic") }
    #expect(error.message.contains("--input-shape"), "\(error)")
    #expect(throws: InstanceLoadError.self) { try Self.load("resnet18", inputShape: [1, 3, 32, 32]) }
    #expect(try Self.load("resnet18", inputShape: [3, 224, 224]) == Self.load("resnet18"))
    let small = try Self.load("shufflenet_v2_x0_5-dynamic", inputShape: [1, 3, 160, 160])
    #expect(small.layers.first?.outputShape == [24, 80, 80])
  }
}

/// The shipped profiles (`instances/profiles/*.csv`, measured with `scripts/profile-onnx` on the
/// corpus models) have one row per imported layer, with the importer's names, inputs and sizes.
@Suite("Measured profiles")
struct MeasuredProfileTests {
  static let profiles = fixtures.appendingPathComponent("../../../instances/profiles").standardized

  @Test(arguments: ["resnet18", "mobilenet_v2", "squeezenet1_1"])
  func profileRowsAreTheImportedLayers(model: String) throws {
    let imported = try TorchvisionCorpusTests.load(model)
    let text = try String(contentsOf: Self.profiles.appendingPathComponent("\(model)-device.csv"), encoding: .utf8)
    let profile = try ProfileCSV.model(from: text, file: "\(model)-device.csv", name: model, inputBytes: imported.inputBytes)
    #expect(profile.layers.map(\.name) == imported.layers.map(\.name))
    for (row, layer) in zip(profile.layers, imported.layers) {
      #expect(row.inputs == layer.inputs && row.flops == layer.flops && row.outputBytes == layer.outputBytes
              && row.paramBytes == layer.paramBytes, "\(row.name)")
      #expect((row.deviceMs ?? -1) > 0 && row.serverMs == nil, "\(row.name) is measured on the device")
    }
  }
}
