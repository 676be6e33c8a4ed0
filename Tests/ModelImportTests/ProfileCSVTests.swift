import EdgeSplitModel
import Foundation
import ModelImport
import ModelZoo
import Testing

@Suite("CSV profile import")
struct ProfileCSVTests {
  func load(_ text: String, file: String = "p.csv") throws(InstanceLoadError) -> DNNModel {
    try ProfileCSV.model(from: text, file: file, name: "m", inputBytes: 150_528)
  }

  @Test func fixtureReadsEveryColumn() throws {
    let text = try String(contentsOf: fixtures.appendingPathComponent("profile.csv"), encoding: .utf8)
    let model = try ProfileCSV.model(from: text, file: "profile.csv", name: "measured", inputBytes: 150_528)
    #expect(model.layers.map(\.name) == ["conv1", "branch,a", "branch_b", "join"])
    #expect(model.layers.map(\.inputs) == [[], ["conv1"], ["conv1"], ["branch,a", "branch_b"]])
    #expect(model.layers.map(\.deviceMs) == [12.5, 3.0, 4.5, 0.25])
    #expect(model.layers.map(\.serverMs) == [1.25, nil, 0.5, 0.02])
    #expect(model.layers[0].outputBytes == 802_816 && model.layers[0].paramBytes == 37_632 && model.layers[0].flops == 236_027_904)
    #expect(model.layers.allSatisfy { $0.type == .other })
    #expect(!model.isChain && model.inputBytes == 150_528)
    // Measured times win; the unmeasured server time of "branch,a" falls back to FLOPs ÷ speed (0 FLOPs).
    #expect(model.seconds(0, on: .device, gflops: 1) == 0.0125)
    #expect(model.seconds(1, on: .server, gflops: 100) == 0)
  }

  @Test func flopsAreZeroWithoutTheColumn() throws {
    let model = try load("layer,inputs,device_ms,server_ms,output_bytes,param_bytes\na,,1,2,3,4\nb,a,,,5,0\n")
    #expect(model.layers.map(\.flops) == [0, 0])
    #expect(model.layers[1].deviceMs == nil)
  }

  /// Every zoo model → CSV → model: same names, inputs, kinds, FLOPs and bytes; measured times too.
  @Test(arguments: ModelZoo.names)
  func zooRoundTrip(name: String) throws {
    let zoo = try #require(ModelZoo.model(named: name))
    let layers = zoo.layers.enumerated().map { index, layer in
      var layer = layer
      layer.deviceMs = index.isMultiple(of: 3) ? nil : Double(index) * 0.37
      layer.serverMs = Double(index) / 7
      return layer
    }
    let measured = try DNNModel(name: zoo.name, inputBytes: zoo.inputBytes, layers: layers)
    let imported = try ProfileCSV.model(from: ProfileCSV.export(measured), file: "\(name).csv", name: name,
                                        inputBytes: zoo.inputBytes)
    #expect(imported.layers.map(\.name) == measured.layers.map(\.name))
    for (a, b) in zip(imported.layers, measured.layers) {
      #expect(a.inputs == b.inputs && a.type == b.type && a.flops == b.flops, "\(a.name)")
      #expect(a.outputBytes == b.outputBytes && a.paramBytes == b.paramBytes, "\(a.name)")
      #expect(a.deviceMs == b.deviceMs && a.serverMs == b.serverMs, "\(a.name)")
    }
    #expect(imported.predecessors == zoo.predecessors && imported.topologicalOrder == zoo.topologicalOrder)
  }

  static let header = "layer,inputs,device_ms,server_ms,output_bytes,param_bytes\n"

  static let badFiles: [(text: String, message: String)] = [
    ("", "p.csv: the file is empty"),
    ("layer,inputs,device_ms,server_ms,output_bytes\n", "p.csv: row 1: missing column 'param_bytes'"),
    ("layer,inputs,device_ms,server_ms,output_bytes,param_bytes,devise_ms\n",
     "p.csv: row 1, column 7: unknown column 'devise_ms' (expected layer, inputs, device_ms, server_ms, output_bytes, param_bytes, flops, type)"),
    ("layer,layer,inputs,device_ms,server_ms,output_bytes,param_bytes\n", "p.csv: row 1, column 2: duplicate column 'layer'"),
    (header + "a,,1,2,3,4\nb,a,fast,2,3,4\n", "p.csv: row 3, column device_ms: must be a finite number >= 0, got 'fast'"),
    (header + "a,,1,-2,3,4\n", "p.csv: row 2, column server_ms: must be a finite number >= 0, got '-2'"),
    (header + "a,,1,2,,4\n", "p.csv: row 2, column output_bytes: must be a finite number >= 0, got ''"),
    (header + "a,,1,2,3\n", "p.csv: row 2: has 5 fields, the header has 6"),
    (header + "a,,1,2,3,4\nb,x,1,2,3,4\n", "p.csv: row 3, column inputs: layer 'b' reads 'x', which is not a layer of this model"),
    (header + "a,,1,2,3,4\n\na,,1,2,3,4\n", "p.csv: row 4, column layer: duplicate layer name 'a'"),
    (header + "a,b,1,2,3,4\nb,a,1,2,3,4\n", "p.csv: layers: the layer graph has a cycle through a, b"),
    (header + "\"a,,1,2,3,4\n", "p.csv: row 2: a quoted field is not closed"),
    (header + "a\"b,,1,2,3,4\n", "p.csv: row 2: a quote inside an unquoted field (quote the whole field and double the quote)"),
    (header, "p.csv: layers: a model needs at least one layer"),
  ]

  @Test(arguments: badFiles)
  func errorsNameFileRowAndColumn(text: String, message: String) {
    #expect(throws: InstanceLoadError.self) { try load(text) }
    do { _ = try load(text) } catch { #expect(error.description == message) }
  }

  @Test func quotingAndLineEnds() throws {
    let model = try load("layer,inputs,device_ms,server_ms,output_bytes,param_bytes,type\r\n\"say \"\"hi\"\"\",,1,2,3,4,conv\r\n")
    #expect(model.layers[0].name == "say \"hi\"")
    #expect(model.layers[0].type == .conv)
    #expect(ProfileCSV.export(model).contains("\"say \"\"hi\"\"\""))
  }
}
